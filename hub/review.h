/* review.h - the street's review queue (issue 5).  Every changeset a community
 * pushed is a batch (its ID is the changeset's row id at this hub); a batch is
 * pending until a `review.batch` entry in the street hub's own log accepts it
 * (optionally rejecting single records inside it) or rejects it with a reason.
 * That entry is addressed to the community, so the node's feed carries it, and
 * it travels up with the street's log, so the district counts exactly what the
 * street accepted without reviewing again.
 *
 * Official figures: a report counts as accepted when its newest accepted
 * version exists and its organisation's latest decided filing was accepted;
 * everything else counts as pending (a correction of an accepted month waits
 * in pending while the accepted figure stands); a revoked organisation and
 * its reports count nowhere.
 *
 * Every function takes ctx->lock itself; `operator_name` ("" allowed, NULL is
 * "") is recorded in the entry for the audit trail. */
#ifndef LINLI_HUB_REVIEW_H
#define LINLI_HUB_REVIEW_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "../common/rc.h"
#include "../protocol/entry.h"
#include "hub.h"
#include "project_hub.h" /* hub_record_id */

#define HUB_REVIEW_REASON_MAX 1024 /* bytes of a reason, NUL included */
#define HUB_REVIEW_EXCEPT_MAX 256  /* records rejected inside one accepted batch */
#define HUB_CONFIG_AUTO_ACCEPT "auto_accept" /* config key: "on" (default) or "off" */
#define HUB_CONFIG_AUTO_AFTER "auto_after"   /* config key: last batch the policy examined */

/* One record rejected inside an accepted batch.  record is "<author hex>/<seq>"
 * or just the sequence number within the batch's author ("17"). */
typedef struct hub_review_except {
  const char *record;
  const char *reason;
} hub_review_except;

/* Pending batches as a JSON array, oldest first: {"id", "author", "community",
 * "code", "first_seq", "last_seq", "entries", "kinds": {kind: count},
 * "flags": n (records carrying rule flags), "received_ms"}.  At a district the
 * list shows what the street has not reviewed yet (read only).  New reference
 * in *out. */
cm_rc hub_review_list(hub_ctx *ctx, json_t **out, cm_err *err);

/* One batch, any status: the fields of the list plus "status"
 * ("pending"|"accepted"|"rejected"), "reason", "operator", and "records": [{"record",
 * "seq", "kind", "body" (the decoded JSON), "flags": [...], "status",
 * "reason"}].  CM_ERR_NOT_FOUND when id is not a community's batch. */
cm_rc hub_review_show(hub_ctx *ctx, int64_t id, json_t **out, cm_err *err);

/* Accept batch id, rejecting the n_except records in except (each with a
 * reason; a record outside the batch is CM_ERR_INVALID).  Appends a
 * `review.batch` entry (result "accepted") addressed to the community, and a
 * `rectification.accepted` entry for each accepted `rectification.filed` in the
 * batch.  CM_ERR_PERM at a district (it does not review), CM_ERR_NOT_FOUND for
 * an unknown batch, CM_ERR_CONFLICT when the batch was reviewed already.
 * *seq_out (may be NULL) gets the review entry's sequence. */
cm_rc hub_review_accept(hub_ctx *ctx, int64_t id, const char *operator_name,
                        const hub_review_except *except, size_t n_except, uint64_t *seq_out,
                        cm_err *err);

/* Reject batch id with reason (non-empty): a `review.batch` entry with result
 * "rejected".  Errors as hub_review_accept. */
cm_rc hub_review_reject(hub_ctx *ctx, int64_t id, const char *operator_name, const char *reason,
                        uint64_t *seq_out, cm_err *err);

/* The auto-accept policy: *on_out 1 (the default) or 0. */
cm_rc hub_review_policy_get(hub_ctx *ctx, int *on_out, cm_err *err);

/* Turn the auto-accept policy on or off (stored in the hub's config). */
cm_rc hub_review_policy_set(hub_ctx *ctx, int on, cm_err *err);

/* Apply the auto-accept policy to every pending batch (street hubs only; a
 * district or a policy that is off does nothing): a batch holding only
 * `report.monthly` records without flags, none of which corrects a month
 * whose report was accepted already, is accepted with operator "auto".
 * *accepted_out (may be NULL) gets the number of batches accepted.  Each
 * batch is examined once (turning the policy on examines the queue again).
 * Ingest runs it inside the transaction of the push (hub_review_auto_locked),
 * so that a batch the policy accepts is durable, and acknowledged, already
 * accepted; `review list` and the review page run it again on its own. */
cm_rc hub_review_auto(hub_ctx *ctx, unsigned *accepted_out, cm_err *err);
/* The same with ctx->lock held and a transaction open, which the caller
 * commits (or rolls back: then no batch was accepted). */
cm_rc hub_review_auto_locked(hub_ctx *ctx, unsigned *accepted_out, cm_err *err);

/* The policy, ctx->lock held. */
cm_rc hub_review_policy_locked(hub_ctx *ctx, int *on_out, cm_err *err);

/* Accept batch (of author, first_seq..last_seq) as the policy would, lock
 * held, inside ingest's transaction: for a batch ingest has just projected
 * as accepted ahead (hub_project_ahead_begin); its review finds the
 * statuses written. */
cm_rc hub_review_accept_ahead_locked(hub_ctx *ctx, int64_t batch,
                                     const uint8_t author[PROTO_KEY_BYTES], uint64_t first_seq,
                                     uint64_t last_seq, cm_err *err);

/* ---- for the projection (hub/project.c) and the other issue-5 modules ---- */


#endif
