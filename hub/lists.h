/* lists.h - what the district sets for every level below it, at a hub: its
 * lists (common/lists.h) and the caps on attachments.  The district
 * publishes one (a signed list.published or limits.set entry, every caller's
 * feed carries it, the street relays it to its communities); every hub reads
 * the newest it holds; a street maps an organisation its community filed with free text
 * onto the lists (org.mapped, the old text kept). */
#ifndef LINLI_HUB_LISTS_H
#define LINLI_HUB_LISTS_H

#include <jansson.h>
#include <stdint.h>

#include "../common/lists.h"
#include "../common/rc.h"
#include "hub.h"

/* Publish items (a JSON array of {"code","name"}) as list k, by operator:
 * the district only (CM_ERR_PERM at a street); CM_ERR_INVALID when the items
 * break the bounds (common/lists.h).  *seq_out (may be NULL) gets the entry's
 * sequence. */
cm_rc hub_lists_publish(hub_ctx *ctx, cm_list_kind k, const json_t *items, const char *op,
                        uint64_t *seq_out, cm_err *err);

/* The newest list k this hub holds: its items (new reference in *items_out,
 * NULL when none is published yet).  Caller may hold ctx->lock (locked 1) or
 * not (0). */
cm_rc hub_lists_get(hub_ctx *ctx, cm_list_kind k, int locked, json_t **items_out, cm_err *err);

/* Every list this hub holds as {"category": [...], "industry": [...],
 * "unit": [...]} (a list not yet published is absent).  New reference. */
cm_rc hub_lists_all(hub_ctx *ctx, int locked, json_t **out, cm_err *err);

/* CM_OK when code (NULL or "": nothing to check) is in the published list k;
 * CM_ERR_INVALID when it is not, or no such list is published yet. */
cm_rc hub_lists_check_code(hub_ctx *ctx, cm_list_kind k, const char *code, cm_err *err);

/* Set the caps on attachments for every level below (limits.set, the
 * district only: CM_ERR_PERM at a street): file_mb MiB a file, org_year_mb
 * MiB of one organisation's files a year; CM_ERR_INVALID out of the bounds
 * of common/records.h. */
cm_rc hub_limits_set(hub_ctx *ctx, int64_t file_mb, int64_t org_year_mb, const char *op,
                     uint64_t *seq_out, cm_err *err);

/* The caps this hub applies now, in bytes (the defaults when none is set);
 * *seq_out (may be NULL) the sequence of the limits.set in force, 0 for
 * the defaults.  Takes ctx->lock. */
cm_rc hub_limits_get(hub_ctx *ctx, uint64_t *file_max, uint64_t *org_year_max, uint64_t *seq_out,
                     cm_err *err);

/* Set the days before a resident's feedback is overdue for every level below
 * (feedback.due, the district only: CM_ERR_PERM at a street); CM_ERR_INVALID
 * outside 1..CM_REC_FEEDBACK_DAYS_MAX. */
cm_rc hub_feedback_days_set(hub_ctx *ctx, int64_t days, const char *op, uint64_t *seq_out,
                            cm_err *err);

/* The days this hub applies now (CM_REC_FEEDBACK_DAYS when none is set);
 * *seq_out (may be NULL) the sequence of the feedback.due in force, 0 for
 * the default.  locked: the caller holds ctx->lock. */
cm_rc hub_feedback_days_get(hub_ctx *ctx, int locked, int64_t *days, uint64_t *seq_out,
                            cm_err *err);

/* What the street maps for an organisation: a code of each list (NULL or ""
 * when not mapped), by operator. */
typedef struct hub_org_map_in {
  const char *org, *category, *industry, *unit, *op;
} hub_org_map_in;

/* Map organisation in->org of one of this street's communities onto the
 * district's lists: an org.mapped entry addressed to the community, its old
 * free-text category kept in "old".  A street only (CM_ERR_PERM);
 * CM_ERR_NOT_FOUND when no community of this street filed it; CM_ERR_INVALID
 * when a code is not in its published list (or none is published). */
cm_rc hub_org_map(hub_ctx *ctx, const hub_org_map_in *in, uint64_t *seq_out, cm_err *err);

#endif
