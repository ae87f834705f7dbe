/* decide.h - decisions at street or district level (issue 5): commendation,
 * criticism with a deadline to rectify, inspection result, revocation of a
 * filing, notice.  Each is a signed `decision.<kind>` entry in the hub's own
 * log addressed to the organisation's community, so it reaches the community
 * node (through the street's relay when it comes from the district).  A
 * criticism is closed by the community's `rectification.filed` once the street
 * accepts it (`rectification.accepted`); an open one past its deadline is
 * flagged overdue. */
#ifndef LINLI_HUB_DECIDE_H
#define LINLI_HUB_DECIDE_H

#include <jansson.h>
#include <stdint.h>

#include "../common/rc.h"
#include "../protocol/entry.h"
#include "hub.h"

typedef enum hub_decision_kind {
  HUB_DECIDE_COMMEND = 1,
  HUB_DECIDE_CRITICIZE = 2, /* needs a deadline */
  HUB_DECIDE_INSPECT = 3,   /* needs a result */
  HUB_DECIDE_REVOKE = 4,    /* needs an organisation; takes it out of the figures */
  HUB_DECIDE_NOTICE = 5,
} hub_decision_kind;

/* "commend", "criticize", ... (NULL for anything else). */
const char *hub_decision_kind_name(hub_decision_kind kind);

/* Parse a kind name; CM_ERR_INVALID for an unknown one. */
cm_rc hub_decision_kind_parse(const char *s, hub_decision_kind *kind_out, cm_err *err);

/* What a decision is about and says.  Exactly one of org (a filing number) and
 * community (a community's name or 12-digit code) is set. */
typedef struct hub_decision {
  hub_decision_kind kind;
  const char *org;       /* filing number, or NULL */
  const char *community; /* community name or code, or NULL */
  const char *deadline;  /* "YYYY-MM-DD"; required for criticize, else optional */
  const char *result;    /* "pass" | "rectify" | "fail"; required for inspect */
  const char *reason;    /* non-empty */
} hub_decision;

/* Check d as hub_decide would (fields, and that the organisation or community
 * is held here) without writing anything; community_out (cap bytes) gets the
 * name of the community it is addressed to ("" for this hub's own).  For the
 * confirmation step of the decision form. */
cm_rc hub_decide_check(hub_ctx *ctx, const hub_decision *d, char *community_out, size_t cap,
                       cm_err *err);

/* Append the decision as a `decision.<kind>` entry addressed to the community
 * that holds the organisation (or the named community), with "by" this hub's
 * level and operator_name for the audit trail.  CM_ERR_INVALID for a bad
 * combination of fields, CM_ERR_NOT_FOUND for an unknown organisation or
 * community.  *record_out (may be NULL; PROTO_KEY_HEX + 24 bytes) gets the
 * decision's record id "<hub hex>/<seq>". */
cm_rc hub_decide(hub_ctx *ctx, const hub_decision *d, const char *operator_name,
                 char *record_out, size_t record_cap, cm_err *err);

/* The same for the result of an annual inspection (年检, hub/year.h): d is
 * an inspection of one organisation and the body carries "year"; a result
 * "rectify" needs a deadline. */
cm_rc hub_decide_year(hub_ctx *ctx, const hub_decision *d, int year, const char *operator_name,
                      char *record_out, size_t record_cap, cm_err *err);

/* The same with more fields in the body (extra, an object; fields the
 * decision sets itself win): a commendation from an evaluation round names
 * round, year, nomination, person and the organisation's name. */
cm_rc hub_decide_with(hub_ctx *ctx, const hub_decision *d, int year, const json_t *extra,
                      const char *operator_name, char *record_out, size_t record_cap,
                      cm_err *err);

/* Withdraw decision `record` ("<hub hex>/<seq>") that this hub wrote, with a
 * reason: appends a `decision.withdrawn` entry addressed like the decision.
 * CM_ERR_NOT_FOUND (message in Chinese) for a record this hub does not hold,
 * CM_ERR_INVALID for one written by another hub, one already withdrawn, or an
 * empty reason; nothing is written then.  *record_out as for hub_decide. */
cm_rc hub_decide_withdraw(hub_ctx *ctx, const char *record, const char *reason,
                          const char *operator_name, char *record_out, size_t record_cap,
                          cm_err *err);

/* Decisions this hub knows (its own, and at a street those relayed from the
 * district), newest first: {"record", "kind", "by", "org", "community",
 * "deadline", "result", "reason", "operator", "time_ms", "closed" (criticism
 * rectified and accepted, or withdrawn), "overdue" (open criticism past its
 * deadline, judged by today in Asia/Shanghai), "withdrawn" (bool) and
 * "withdrawn_reason" (null unless withdrawn)}.  New reference in *out. */
cm_rc hub_decisions_list(hub_ctx *ctx, json_t **out, cm_err *err);


#endif
