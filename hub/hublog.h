/* hublog.h - the hub's own log: its decisions (enrolments first, reviews and
 * decisions with the review issue), each entry signed on its own so that a
 * filtered feed stays verifiable, and each also wrapped in a signed changeset
 * so that the log travels upstream like any other.  Also the enrolment
 * registry that fills it: operator enrolments and requests keys send. */
#ifndef LINLI_HUB_HUBLOG_H
#define LINLI_HUB_HUBLOG_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "../common/rc.h"
#include "../protocol/feed.h"
#include "hub.h"

/* A feed answer holds at most this many items (docs/protocol.md). */
#define HUB_FEED_MAX_ITEMS PROTO_FEED_PAGE

#define HUB_ENROL_MAX_PENDING 100 /* pending enrolment requests at most */

/* Append one entry of kind with body (a JSON object, serialised compactly in
 * insertion order) to the hub's own log: the next sequence is taken inside the
 * transaction, the entry is signed, stored as a one-entry signed changeset and
 * projected; durable before this returns.  *seq_out (may be NULL) gets its
 * sequence. */
cm_rc hub_log_append(hub_ctx *ctx, const char *kind, const json_t *body, uint64_t *seq_out,
                     cm_err *err);

/* hub_log_append for a caller that holds ctx->lock and has a transaction open
 * (hub_store_begin): the entry commits or rolls back with the caller's other
 * writes, so a check and the entry it justifies are one transaction. */
cm_rc hub_log_append_locked(hub_ctx *ctx, const char *kind, const json_t *body,
                            uint64_t *seq_out, cm_err *err);

/* The feed for caller: the hub's own entries addressed to it (body "to" or, for
 * hub.enrolled, "key" equal to the caller's hex; list.published, addressed to
 * every caller; for a street hub calling its
 * district, also those addressed to any community that street enrolled), with
 * cursor (= the entry's sequence in the hub's log) > after, at most max_items
 * (capped at HUB_FEED_MAX_ITEMS), encoded with proto_feed_encode.  next_cursor
 * is the last item's cursor, or after when there is none.  *out malloc'd.
 * The caller checks enrolment first (hub_key_status). */
cm_rc hub_feed(hub_ctx *ctx, const uint8_t caller[PROTO_KEY_BYTES], uint64_t after,
               size_t max_items, uint8_t **out, size_t *len_out, cm_err *err);

/* What this hub knows of a key. */
typedef enum hub_key_state {
  HUB_KEY_UNKNOWN = 0,  /* never enrolled here */
  HUB_KEY_ENROLLED = 1, /* enrolled, not revoked (quarantine does not change this) */
  HUB_KEY_REVOKED = 2,
  HUB_KEY_SELF = 3,     /* this hub's own key */
} hub_key_state;

/* Look key up in the enrolment registry (for signed requests: feed, enroll). */
cm_rc hub_key_status(hub_ctx *ctx, const uint8_t key[PROTO_KEY_BYTES], hub_key_state *state_out,
                     cm_err *err);

/* 1 when key is a replacement key that continues the community of of (a
 * predecessor, however far back); 0 otherwise and on a database error. */
int hub_key_continues(hub_ctx *ctx, const uint8_t key[PROTO_KEY_BYTES],
                      const uint8_t of[PROTO_KEY_BYTES]);

/* Enrol key as the operator (`enroll`): at a street hub a community (name, its
 * 12-digit code, street = this hub's name), at the district a street hub (code
 * may be "").  Appends a signed hub.enrolled entry; marks a pending request for
 * the key approved.  CM_ERR_EXISTS when the key is enrolled already,
 * CM_ERR_PERM when it was revoked, CM_ERR_INVALID for an empty name or a bad
 * code.  *seq_out (may be NULL) gets the entry's sequence. */
cm_rc hub_enroll(hub_ctx *ctx, const uint8_t key[PROTO_KEY_BYTES], const char *name,
                 const char *code, uint64_t *seq_out, cm_err *err);

/* Enrol key at a street hub as the replacement of community key old (its PC
 * lost, stolen or broken): same code, old enrolled here and not replaced
 * yet.  In one transaction, revokes old from its last held entry on (unless
 * revoked already: a hub.revoked entry naming "successor") and appends the
 * hub.enrolled entry with "replaces".  From then on the new key may write
 * about old's organisations and reads what was addressed to old
 * (docs/decisions/0048-replacement-key.md).  *valid_out: old's last valid
 * sequence.  Errors as hub_enroll, CM_ERR_NOT_FOUND when old is not a
 * community of this hub's. */
cm_rc hub_enroll_replacing(hub_ctx *ctx, const uint8_t key[PROTO_KEY_BYTES], const char *name,
                           const char *code, const uint8_t old[PROTO_KEY_BYTES],
                           uint64_t *valid_out, uint64_t *seq_out, cm_err *err);

/* Revoke key (`revoke`): only the hub that enrolled it.  Appends a signed
 * hub.revoked entry {key, name, code, role, upto, reason}, which goes up to the
 * district with this hub's log; the key's entries up to upto (its head here now)
 * stay valid everywhere, later ones are refused, and the key cannot be enrolled
 * again.  CM_ERR_NOT_FOUND when this hub did not enrol key, CM_ERR_EXISTS when it
 * is revoked already.  *upto_out and *seq_out may be NULL. */
cm_rc hub_revoke(hub_ctx *ctx, const uint8_t key[PROTO_KEY_BYTES], const char *reason,
                 uint64_t *upto_out, uint64_t *seq_out, cm_err *err);

/* A key asks to be enrolled (POST /api/v1/enroll, signature already checked).
 * role must be the one this hub enrols ("community" at a street hub, "street"
 * at the district; else CM_ERR_INVALID), name non-empty.  *enrolled_out = 1 if
 * the key is enrolled already (nothing stored); else the request is recorded
 * (or the pending one for this key is reused and refreshed) and *request_id_out
 * gets its ID.  CM_ERR_PERM for a revoked key. */
cm_rc hub_enroll_request(hub_ctx *ctx, const uint8_t key[PROTO_KEY_BYTES], const char *name,
                         const char *street, const char *code, const char *role,
                         int *enrolled_out, int64_t *request_id_out, cm_err *err);

/* 1 when key is enrolled here already or has a pending request: its asking
 * again stores nothing new, so the per-address rate of enrolment requests
 * (which holds back floods of fresh keys) does not apply to it.  0 otherwise,
 * also when the store cannot be read. */
int hub_enroll_known(hub_ctx *ctx, const uint8_t key[PROTO_KEY_BYTES]);

/* Pending requests as a JSON array of {"id", "name", "code", "street", "role",
 * "key", "fingerprint", "time_ms"}, oldest first.  New reference in *out. */
cm_rc hub_enroll_requests(hub_ctx *ctx, json_t **out, cm_err *err);

/* Approve pending request id: hub_enroll with its key, name and code, or,
 * when replaces is not NULL, hub_enroll_replacing of that key (the same rules:
 * *valid_out, may be NULL, old's last valid sequence).  CM_ERR_NOT_FOUND when
 * there is no pending request with that ID. */
cm_rc hub_enroll_approve(hub_ctx *ctx, int64_t id, const uint8_t *replaces, uint64_t *valid_out,
                         uint64_t *seq_out, cm_err *err);

/* The communities this street hub enrolled with code (NULL: any code) that a
 * new key may replace (none replaced them yet), as hub_store_replaceable_json;
 * an empty array at the district.  New reference in *out. */
cm_rc hub_enroll_replaceable(hub_ctx *ctx, const char *code, json_t **out, cm_err *err);

/* ---- the upstream's feed, at a street hub ---- */

/* The cursor to ask the upstream's feed after (0 at first). */
cm_rc hub_upstream_cursor(hub_ctx *ctx, uint64_t *cursor_out, cm_err *err);

/* Keep the upstream's verified feed items (their signed bytes, for relaying and
 * as proof) and move the cursor to next_cursor, in one transaction.  Items held
 * already are skipped. */
cm_rc hub_upstream_feed_store(hub_ctx *ctx, const proto_feed_item *items, size_t n,
                              uint64_t next_cursor, cm_err *err);

#endif
