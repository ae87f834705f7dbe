/* reportbody.h - the fields of a monthly report's body that the hub
 * projects (docs/records.md, report.monthly).
 *
 * Ingest reads thousands of these per push, and jansson took over 40% of an
 * entry's instructions to parse one (docs/decisions/0007).  Nodes write the
 * body compact, with jansson: a strict scanner reads exactly that form
 * (no whitespace, strings without escapes, integers, flat arrays of strings)
 * and declines anything else, which jansson then reads.  Whatever path reads
 * a body, the fields are the ones jansson's reading gives (tests/hub_reportbody.c
 * checks both on thousands of mutated bodies). */
#ifndef LINLI_HUB_REPORTBODY_H
#define LINLI_HUB_REPORTBODY_H

#include <stddef.h>
#include <stdint.h>

#include "../common/rc.h"

typedef struct hub_report_body {
  int parsed;   /* 0: not a JSON object jansson accepts (the rest is unset) */
  int valid;    /* org and month non-empty strings, month a valid YYYY-MM,
                 * the three counts absent or non-negative integers */
  char *org;    /* malloc'd; NULL when absent or not a non-empty string */
  char *month;  /* likewise */
  int64_t activities, participants, party_participants; /* absent: 0 */
  int good_deeds; /* "good_deeds" present, not null and not "" */
  int flagged;    /* "flags" is a non-empty array */
  int fast;       /* 1 when the strict scanner read it (for tests) */
} hub_report_body;

/* Read body (len bytes) into *out.  CM_ERR_NOMEM is the only failure; a body
 * that is not JSON gives parsed = 0.  Free with hub_report_body_free. */
cm_rc hub_report_body_read(const uint8_t *body, size_t len, hub_report_body *out);

/* The same fields read with jansson alone (the reference; tests). */
cm_rc hub_report_body_read_slow(const uint8_t *body, size_t len, hub_report_body *out);

void hub_report_body_free(hub_report_body *r);

#endif
