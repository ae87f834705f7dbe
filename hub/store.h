/* store.h - the hub's database (DIR/hub.db): the only hub module that speaks
 * SQL.  Schema as versioned migrations (store.c).  These functions neither lock
 * nor open transactions: the caller holds hub_ctx.lock and brackets writes with
 * hub_store_begin / hub_store_commit (or hub_store_rollback), so that one
 * ingest is one transaction.
 *
 * Tables: config, authors (enrolment registry and heads), changesets (verbatim
 * bytes), entries, forks (evidence), enroll_requests, forward (what the
 * upstream acknowledged), upstream_feed, and the projection: communities,
 * organisations, reports, activities. */
#ifndef LINLI_HUB_STORE_H
#define LINLI_HUB_STORE_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "../common/buf.h"
#include "../common/rc.h"
#include "../protocol/entry.h"
#include "hub.h"

typedef struct hub_store hub_store;

#define HUB_CODE_MAX 32 /* bytes of a community code, NUL included */
#define HUB_ROLE_MAX 16 /* "community", "street", "self" */

/* Open (creating and migrating) the database at path.  *st_out malloc'd. */
cm_rc hub_store_open(const char *path, hub_store **st_out, cm_err *err);

/* Close; NULL is fine. */
void hub_store_close(hub_store *st);

/* BEGIN IMMEDIATE (waits up to the busy timeout for other writers). */
cm_rc hub_store_begin(hub_store *st, cm_err *err);

/* COMMIT; durable (synchronous=FULL) when CM_OK.  On failure the transaction
 * is rolled back. */
cm_rc hub_store_commit(hub_store *st, cm_err *err);

/* ROLLBACK if a transaction is open. */
void hub_store_rollback(hub_store *st);

/* ---- configuration (role, name, upstream) ---- */

/* Value of key into out (cap bytes); *found_out 0 and out "" when absent. */
cm_rc hub_store_config_get(hub_store *st, const char *key, char *out, size_t cap, int *found_out,
                           cm_err *err);
cm_rc hub_store_config_set(hub_store *st, const char *key, const char *value, cm_err *err);

/* ---- authors: the enrolment registry and each author's head ---- */

typedef struct hub_author {
  uint8_t key[PROTO_KEY_BYTES];
  char name[HUB_NAME_MAX];
  char code[HUB_CODE_MAX];
  char role[HUB_ROLE_MAX];        /* "community", "street" or "self" */
  char street[HUB_NAME_MAX];      /* a community's street name */
  int has_enrolled_by;
  uint8_t enrolled_by[PROTO_KEY_BYTES]; /* the hub whose hub.enrolled entry enrolled it */
  int revoked;
  int quarantined;
  uint64_t head_seq;
  uint8_t head_hash[PROTO_HASH_BYTES];
} hub_author;

/* Fill *a_out for key; *found_out 0 when the key has no row. */
cm_rc hub_store_author_get(hub_store *st, const uint8_t key[PROTO_KEY_BYTES], hub_author *a_out,
                           int *found_out, cm_err *err);

/* Insert or update the enrolment of key (name, code, role, street, enrolled_by
 * may be NULL); keeps its head, revoked and quarantined flags. */
cm_rc hub_store_author_enroll(hub_store *st, const uint8_t key[PROTO_KEY_BYTES], const char *name,
                              const char *code, const char *role, const char *street,
                              const uint8_t *enrolled_by, uint64_t time_ms, cm_err *err);

/* Set key's head (the row must exist). */
cm_rc hub_store_author_set_head(hub_store *st, const uint8_t key[PROTO_KEY_BYTES], uint64_t seq,
                                const uint8_t hash[PROTO_HASH_BYTES], cm_err *err);

/* Mark key quarantined (a fork was seen). */
cm_rc hub_store_author_quarantine(hub_store *st, const uint8_t key[PROTO_KEY_BYTES], cm_err *err);

/* Record the last clock difference seen for key (author minus hub, ms) and
 * whether it is flagged. */
cm_rc hub_store_author_clock(hub_store *st, const uint8_t key[PROTO_KEY_BYTES], int64_t skew_ms,
                             int flagged, cm_err *err);

/* ---- changesets and entries ---- */

/* Store a changeset's bytes verbatim; *id_out gets its row id. */
cm_rc hub_store_changeset_add(hub_store *st, const uint8_t author[PROTO_KEY_BYTES],
                              uint64_t first_seq, uint64_t last_seq, const uint8_t *bytes,
                              size_t len, uint64_t received_ms, const char *via, int64_t *id_out,
                              cm_err *err);

/* Bytes of changeset id (*out malloc'd, caller frees). */
cm_rc hub_store_changeset_bytes(hub_store *st, int64_t id, uint8_t **out, size_t *len_out,
                                cm_err *err);

/* Store one new entry of changeset cs_id.  to (may be NULL) is the key the
 * entry is addressed to, for the feed. */
cm_rc hub_store_entry_add(hub_store *st, const proto_entry *e, const uint8_t hash[PROTO_HASH_BYTES],
                          uint64_t received_ms, int64_t cs_id, const uint8_t *to, cm_err *err);

/* Hash of author's entry seq into hash_out: 1 when held, 0 when not (or on a
 * database error, which the caller sees as "not held"). */
int hub_store_entry_hash(hub_store *st, const uint8_t author[PROTO_KEY_BYTES], uint64_t seq,
                         uint8_t hash_out[PROTO_HASH_BYTES]);

/* Row id of the changeset that supplied author's entry seq; *found_out 0 if none. */
cm_rc hub_store_entry_changeset(hub_store *st, const uint8_t author[PROTO_KEY_BYTES], uint64_t seq,
                                int64_t *cs_id_out, int *found_out, cm_err *err);

/* A stored entry handed to a callback; e->body points into SQLite's memory and
 * is valid only during the call. */
typedef cm_rc (*hub_store_entry_fn)(void *ctx, const proto_entry *e,
                                    const uint8_t hash[PROTO_HASH_BYTES], uint64_t received_ms,
                                    cm_err *err);

/* Every entry in the order it was stored (each author's in sequence order). */
cm_rc hub_store_entries_foreach(hub_store *st, hub_store_entry_fn fn, void *ctx, cm_err *err);

/* Entries of author with seq > after whose "to" is key, or (when street is not
 * NULL) a community whose enrolled_by is street; at most max, in sequence
 * order.  Each with its signature (has_sig). */
cm_rc hub_store_feed_foreach(hub_store *st, const uint8_t author[PROTO_KEY_BYTES],
                             const uint8_t key[PROTO_KEY_BYTES], const uint8_t *street,
                             uint64_t after, size_t max, hub_store_entry_fn fn, void *ctx,
                             cm_err *err);

/* A stored changeset handed to a callback; bytes valid only during the call.
 * Return CM_OK to go on; *stop_out = 1 to stop early. */
typedef cm_rc (*hub_store_cs_fn)(void *ctx, int64_t id, uint64_t first_seq, uint64_t last_seq,
                                 const uint8_t *bytes, size_t len, int *stop_out, cm_err *err);

/* The changesets that supplied author's entries with seq > after, in order. */
cm_rc hub_store_changesets_after(hub_store *st, const uint8_t author[PROTO_KEY_BYTES],
                                 uint64_t after, hub_store_cs_fn fn, void *ctx, cm_err *err);

/* ---- fork evidence ---- */

/* Keep both versions: held (the changeset bytes holding our entry; may be NULL)
 * and other (the changeset that contradicts it), for author at seq.  The same
 * evidence twice is stored once. */
cm_rc hub_store_fork_add(hub_store *st, const uint8_t author[PROTO_KEY_BYTES], uint64_t seq,
                         const uint8_t *held, size_t held_len, const uint8_t *other,
                         size_t other_len, uint64_t time_ms, const char *via, cm_err *err);

/* ---- enrolment requests ---- */

typedef struct hub_request {
  int64_t id;
  uint8_t key[PROTO_KEY_BYTES];
  char name[HUB_NAME_MAX];
  char street[HUB_NAME_MAX];
  char code[HUB_CODE_MAX];
  char role[HUB_ROLE_MAX];
  uint64_t time_ms;
  char status[16];   /* "pending" or "approved" */
} hub_request;

/* Record a pending request for key, or refresh the pending one (same id). */
cm_rc hub_store_request_put(hub_store *st, const uint8_t key[PROTO_KEY_BYTES], const char *name,
                            const char *street, const char *code, const char *role,
                            uint64_t time_ms, int64_t *id_out, cm_err *err);

/* Request id; *found_out 0 if none. */
cm_rc hub_store_request_get(hub_store *st, int64_t id, hub_request *r_out, int *found_out,
                            cm_err *err);

/* Mark every pending request of key approved. */
cm_rc hub_store_request_approved(hub_store *st, const uint8_t key[PROTO_KEY_BYTES], cm_err *err);

/* Pending requests as a JSON array (see hub_enroll_requests). */
cm_rc hub_store_requests_json(hub_store *st, json_t **out, cm_err *err);

/* ---- forwarding ---- */

/* Authors whose head is beyond what the upstream acknowledged; self first. */
cm_rc hub_store_forward_due(hub_store *st, const uint8_t self[PROTO_KEY_BYTES],
                            json_t **out, cm_err *err);

/* What the upstream acknowledged of author (0 when nothing). */
cm_rc hub_store_forward_get(hub_store *st, const uint8_t author[PROTO_KEY_BYTES],
                            uint64_t *acked_out, cm_err *err);

/* Set what the upstream holds of author, with its receipt (may be NULL). */
cm_rc hub_store_forward_set(hub_store *st, const uint8_t author[PROTO_KEY_BYTES], uint64_t seq,
                            const uint8_t *receipt, size_t receipt_len, uint64_t time_ms,
                            cm_err *err);

/* ---- the upstream's feed ---- */

/* Keep an item (cursor, signed entry bytes); one already held is skipped. */
cm_rc hub_store_upfeed_add(hub_store *st, uint64_t cursor, const uint8_t *bytes, size_t len,
                           uint64_t time_ms, cm_err *err);

/* ---- projection ---- */

/* Delete every projection row (rebuild starts here). */
cm_rc hub_store_projection_clear(hub_store *st, cm_err *err);

/* A community learned from a hub.enrolled entry. */
cm_rc hub_store_community_put(hub_store *st, const uint8_t key[PROTO_KEY_BYTES], const char *name,
                              const char *code, const uint8_t street_key[PROTO_KEY_BYTES],
                              const char *street_name, cm_err *err);

/* Current state of organisation id of author as JSON text (*json_out malloc'd,
 * NULL when not filed) and whether it is dissolved (dissolved_out may be NULL). */
cm_rc hub_store_org_get(hub_store *st, const uint8_t author[PROTO_KEY_BYTES], const char *id,
                        char **json_out, int *dissolved_out, cm_err *err);

/* Write organisation id of author: its state as JSON text and the counts the
 * summary reads. */
cm_rc hub_store_org_put(hub_store *st, const uint8_t author[PROTO_KEY_BYTES], const char *id,
                        uint64_t seq, const char *json, int64_t members, int64_t party_members,
                        int dissolved, cm_err *err);

/* The current monthly report of (author, org, month); a later one replaces it. */
cm_rc hub_store_report_put(hub_store *st, const uint8_t author[PROTO_KEY_BYTES], uint64_t seq,
                           const char *org, const char *month, int64_t activities,
                           int64_t participants, int64_t party_participants, cm_err *err);

/* A major activity declaration (the last one with the same id wins). */
cm_rc hub_store_activity_put(hub_store *st, const uint8_t author[PROTO_KEY_BYTES], uint64_t seq,
                             const char *id, const char *org, const char *date, int64_t expected,
                             cm_err *err);

/* Every projection row as text, in a fixed order: rebuild equals incremental
 * exactly when the dumps are equal (tests). */
cm_rc hub_store_projection_dump(hub_store *st, cm_buf *out, cm_err *err);

/* Per-community counts for the summary: {"streets": [{"key", "name",
 * "communities": [{"name", "code", "pending": {...}, "accepted": {...}}]}]}
 * with the streets this hub knows (street hubs enrolled at a district, or
 * self_name at a street hub). */
cm_rc hub_store_summary_json(hub_store *st, const uint8_t self[PROTO_KEY_BYTES], int is_district,
                             const char *self_name, json_t **out, cm_err *err);

/* Operator's view for `status`: {"authors": [...], "forks": [...],
 * "requests": [...], "forward": [...]}. */
cm_rc hub_store_status_json(hub_store *st, const uint8_t self[PROTO_KEY_BYTES], json_t **out,
                            cm_err *err);

#endif
