/* project.h - the hub's SQL projection of the logs it holds (communities,
 * organisations, reports, activities), applied one entry at a time by ingest
 * and by `rebuild`; both must give the same tables. */
#ifndef LINLI_HUB_PROJECT_H
#define LINLI_HUB_PROJECT_H

#include "../common/rc.h"
#include "../common/records.h"
#include "../protocol/entry.h"
#include "hub.h"

/* Apply one stored entry (docs/records.md).  The caller holds ctx->lock and an
 * open transaction.  hub.enrolled counts only from this hub itself or, at a
 * district, from an enrolled street hub (for its communities); a body that
 * cannot be read is skipped with a warning, never refused: the entry is
 * signed history and stays stored.  received_ms is when this hub stored the
 * entry (entries.received_ms), kept on report rows for the dashboard. */
cm_rc hub_project_entry(hub_ctx *ctx, const proto_entry *e, uint64_t received_ms, cm_err *err);

/* The domain core's context for an entry of author written at time_ms and
 * received at received_ms that names organisation org (may be NULL): the
 * author's level and id prefix (a community's enrolled code; a street's first
 * 12 hex digits of its key) and what this hub holds of org.  Caller holds
 * ctx->lock. */
cm_rc hub_project_rec_ctx(hub_ctx *ctx, const uint8_t author[PROTO_KEY_BYTES],
                          uint64_t time_ms, uint64_t received_ms, const char *org,
                          cm_rec_ctx *c, cm_err *err);

/* The rest of the domain core's context that the body b (parsed, json its
 * JSON) of an entry of kind by author needs: the decision a rectification
 * answers, the origin of a street's list or limits, a mapping's community, a nomination's round, a
 * recommendation's nomination, a read notice's addressees.  The same for an
 * entry received (the projection's check) and one this hub is about to write
 * (hub_local_check).  Caller holds ctx->lock. */
cm_rc hub_project_body_ctx(hub_ctx *ctx, const uint8_t author[PROTO_KEY_BYTES], const char *kind,
                           const cm_rec_body *b, const json_t *json, cm_rec_ctx *c, cm_err *err);

/* Remember the store lookups of hub_project_rec_ctx for ctx from now on, in
 * this thread, until called again (NULL: off).  Only for a caller that holds
 * ctx->lock with one transaction open for the whole time (ingest, rebuild):
 * the lookups it remembers are those of that transaction. */
void hub_project_cache(hub_ctx *ctx);

/* hub_project_cache for a group of pushes in a transaction that has read the
 * database's data generation data_gen: the organisations' facts kept since
 * the last group's commit stay when nothing was committed since (the
 * generation is the one hub_project_cache_committed recorded), else they are
 * forgotten.  hub_project_cache_committed(ctx, gen): the group committed at
 * generation gen. */
void hub_project_cache_resume(hub_ctx *ctx, int64_t data_gen);
void hub_project_cache_committed(hub_ctx *ctx, int64_t data_gen);

/* Accepting a batch ahead.  The street's auto-accept policy accepts a batch
 * of monthly reports that are valid, not flagged, and each the only version
 * of its month; rather than project them pending and rewrite every status
 * when the acceptance follows, ingest projects such a batch as accepted:
 * hub_project_ahead_begin(author, first, last) starts it (*eligible_out 0:
 * a review already reaches the range, or the author needs none; project it
 * the usual way), hub_project_ahead_broken() says an entry projected since
 * failed the policy (roll the batch back and project it the usual way),
 * hub_project_ahead_fail() says so of an entry found to fail it later (its
 * month had a report after all: hub_store_defer_short), and
 * hub_project_ahead_end() ends it, 1 when every entry met the policy: the
 * next review.batch projected, if it accepts exactly that range with no
 * record rejected, finds its statuses written.  hub_project_ahead_clear()
 * forgets all of it (after that review, or when it is not written).  The
 * tables come out as projecting the batch and then its review would leave
 * them (`rebuild` does just that).  Caller holds ctx->lock within ingest's
 * transaction; the state is the thread's. */
cm_rc hub_project_ahead_begin(hub_ctx *ctx, const uint8_t author[PROTO_KEY_BYTES], uint64_t first,
                              uint64_t last, int *eligible_out, cm_err *err);
int hub_project_ahead_broken(void);
void hub_project_ahead_fail(void);
int hub_project_ahead_end(void);
void hub_project_ahead_clear(void);

/* Rebuild the projection from the stored entries in one transaction. */
cm_rc hub_rebuild(hub_ctx *ctx, cm_err *err);

#endif
