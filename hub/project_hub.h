/* project_hub.h - the projection of what hubs write about the records of
 * communities (reviews, decisions, closures of criticisms, acknowledgements
 * of activities) and of the filing versions a review decides.  Apart from
 * the commands that write those entries into this hub's log (review.c,
 * decide.c, activity.c append through hublog.c, which projects through
 * project.c and this module), so that the projection never reaches back into
 * the commands. */
#ifndef LINLI_HUB_PROJECT_HUB_H
#define LINLI_HUB_PROJECT_HUB_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "../common/rc.h"
#include "../common/records.h"
#include "../protocol/entry.h"
#include "hub.h"

/* Project, for one stored entry, versions of filings (those
 * of monthly reports come from project.c, which reads reports itself),
 * review.batch, decision.*, rectification.accepted and activity.ack entries
 * (the last four only from this hub itself or, at a district, from an
 * enrolled street hub).  Caller holds ctx->lock and an open transaction;
 * body is the entry's parsed body, NULL when it is unreadable (skipped). */
cm_rc hub_review_project(hub_ctx *ctx, const proto_entry *e, json_t *body, cm_err *err);

/* *yes_out 1 when author is this hub or, at a district, an enrolled street
 * hub: the authors whose decisions this hub takes into its tables.  Caller
 * holds ctx->lock. */
cm_rc hub_review_from_hub(hub_ctx *ctx, const uint8_t author[PROTO_KEY_BYTES], int *yes_out,
                          cm_err *err);

/* "<author hex>/<seq>" into out (PROTO_KEY_HEX + 21 bytes suffice). */
void hub_record_id(const uint8_t author[PROTO_KEY_BYTES], uint64_t seq, char *out, size_t cap);

/* Parse a record id "<64 hex>/<seq>"; CM_ERR_INVALID for anything else. */
cm_rc hub_record_parse(const char *r, uint8_t author[PROTO_KEY_BYTES], uint64_t *seq,
                       cm_err *err);

/* Whether a withdrawal of `record` by `author` may stand at this hub: the
 * decision is held, its record id names author, and it is not withdrawn yet.
 * *why_out is a Chinese reason when it may not. */
cm_rc hub_withdraw_allowed(hub_ctx *ctx, const char *record, const uint8_t author[PROTO_KEY_BYTES],
                           const uint8_t **to_out, uint8_t to_buf[PROTO_KEY_BYTES],
                           const char **why_out, cm_err *err);

/* Project a decision.* or rectification.accepted entry e (body parsed) from a
 * trusted hub (hub_review_from_hub).  Caller holds ctx->lock and a
 * transaction. */
cm_rc hub_decide_project(hub_ctx *ctx, const proto_entry *e, const json_t *body, cm_err *err);

/* Project an activity.ack entry e (body parsed) from a trusted hub.  Caller
 * holds ctx->lock and a transaction. */
cm_rc hub_activity_project(hub_ctx *ctx, const proto_entry *e, const json_t *body, cm_err *err);

/* The district's key in hex: this hub's at the district, the pinned upstream
 * key at a street ("" until pinned). */
void hub_district_hex(const hub_ctx *ctx, char out[PROTO_KEY_HEX]);

/* For the domain core's check of a nomination entry (lock held): the round
 * it names as this hub holds it. */
cm_rc hub_eval_round_ctx(hub_ctx *ctx, const char *round, cm_rec_ctx *c, cm_err *err);

/* For the check of a recommendation by author (lock held): whether the
 * nomination it names was written by a community author enrolled (or by
 * author), and passed; -1 when this hub does not hold it. */
cm_rc hub_eval_recommend_ctx(hub_ctx *ctx, const uint8_t author[PROTO_KEY_BYTES],
                             const char *nomination, cm_rec_ctx *c, cm_err *err);

#endif
