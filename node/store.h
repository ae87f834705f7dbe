/* store.h - the node's SQLite database (DIR/node.db): the only node module that
 * includes sqlite3.h.  Schema as versioned migrations; the log of every entry
 * the node wrote (canonical bytes and hash), every receipt the hub signed, the
 * decisions inbox, meta values, and the projection tables (orgs, reports,
 * activities, rectifications) that project.c fills from the log.
 *
 * Organisations travel between here and the domain code as jansson objects with
 * the keys of an org.filed body plus "status", "reason" and "record". */
#ifndef LINLI_NODE_STORE_H
#define LINLI_NODE_STORE_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "../common/buf.h"
#include "../common/rc.h"
#include "../protocol/keys.h"

struct sqlite3;

/* The open node (node.h names it; a typedef repeated as C11 allows, so that
 * the store does not include the module that opens it). */
typedef struct node_ctx node_ctx;

/* The open node; defined here so that node modules share it, opaque to others. */
struct node_ctx {
  char dir[1024];
  struct sqlite3 *db;
  proto_keypair kp;
};

/* Open (creating if needed) the database at path with every migration applied. */
cm_rc store_open(const char *path, struct sqlite3 **db_out, cm_err *err);

/* The schema version this program writes (its number of migrations). */
int store_schema_version(void);

/* A transaction body; see cm_db_tx. */
typedef cm_rc (*store_tx_fn)(node_ctx *ctx, void *arg, cm_err *err);

/* BEGIN IMMEDIATE; fn; COMMIT (durable) or ROLLBACK. */
cm_rc store_tx(node_ctx *ctx, store_tx_fn fn, void *arg, cm_err *err);

/* meta: small named values.  get: CM_ERR_NOT_FOUND when absent. */
cm_rc store_meta_get(node_ctx *ctx, const char *key, char *out, size_t cap, cm_err *err);
/* Missing or unparsable values read as def. */
uint64_t store_meta_u64(node_ctx *ctx, const char *key, uint64_t def);
cm_rc store_meta_set(node_ctx *ctx, const char *key, const char *value, cm_err *err);
cm_rc store_meta_set_u64(node_ctx *ctx, const char *key, uint64_t value, cm_err *err);
/* Raise the value to v if it is lower (or absent). */
cm_rc store_meta_max_u64(node_ctx *ctx, const char *key, uint64_t v, cm_err *err);

/* max(cm_now_ms(), meta "last_hub_time_ms"): node_now_ms() of node.h, here
 * so that the store stamps its own rows without calling back into node.c. */
uint64_t store_now_ms(node_ctx *ctx);

/* The log. */
/* Head: *seq_out = highest seq (0 if empty), hash_out its hash (zeros if empty). */
cm_rc store_log_head(node_ctx *ctx, uint64_t *seq_out, uint8_t hash_out[PROTO_HASH_BYTES],
                     cm_err *err);
cm_rc store_log_insert(node_ctx *ctx, uint64_t seq, const uint8_t hash[PROTO_HASH_BYTES],
                       uint64_t time_ms, const char *kind, const uint8_t *raw, size_t raw_len,
                       cm_err *err);
/* Hash of entry seq: 1 if held, 0 if not. */
int store_log_hash(node_ctx *ctx, uint64_t seq, uint8_t hash_out[PROTO_HASH_BYTES]);
/* Called for each entry in seq order with its canonical bytes (borrowed). */
typedef cm_rc (*store_log_fn)(void *arg, uint64_t seq, const uint8_t *raw, size_t len,
                              cm_err *err);
/* Entries with from <= seq <= to (to 0 = to the head). */
cm_rc store_log_each(node_ctx *ctx, uint64_t from, uint64_t to, store_log_fn fn, void *arg,
                     cm_err *err);
/* The same for the entries that name a file (CM_ATT_KIND) only, through their
 * index: the others are not read. */
cm_rc store_log_each_attached(node_ctx *ctx, uint64_t from, uint64_t to, store_log_fn fn,
                              void *arg, cm_err *err);
/* ---- the predecessor's log (a replacement key: node/inherit.h) ---- */
/* The last held entry of author's log (0 and a zero hash when none). */
cm_rc store_inherited_head(node_ctx *ctx, const uint8_t author[PROTO_KEY_BYTES],
                           uint64_t *seq_out, uint8_t hash_out[PROTO_HASH_BYTES], cm_err *err);
/* Hash of author's entry seq: 1 if held, 0 if not. */
int store_inherited_hash(node_ctx *ctx, const uint8_t author[PROTO_KEY_BYTES], uint64_t seq,
                         uint8_t hash_out[PROTO_HASH_BYTES]);
/* Keep author's verified entry seq (its canonical bytes raw). */
cm_rc store_inherited_add(node_ctx *ctx, const uint8_t author[PROTO_KEY_BYTES], uint64_t seq,
                          const uint8_t hash[PROTO_HASH_BYTES], const uint8_t *raw, size_t len,
                          cm_err *err);
/* The community's earlier keys (node/inherit.h), nearest first: the key this
 * one replaces (meta "replaces"), the key that one replaced (meta
 * "replaces.<its hex>", learnt from the street's hub.enrolled entries) and so
 * on, at most STORE_LINEAGE_MAX, never this key nor one twice.  Returns how
 * many are in keys_out. */
#define STORE_LINEAGE_MAX 16
size_t store_lineage(node_ctx *ctx, uint8_t keys_out[STORE_LINEAGE_MAX][PROTO_KEY_BYTES]);
/* The row key of entry seq of the earlier key gen (1: the one this key
 * replaces, 2: the one that replaced, ...): below zero, so that it never meets
 * one of ours, an older key's rows sort before a newer key's and one key's
 * later entries after its earlier ones (a month's latest report is the
 * newest key's latest). */
int64_t store_inherited_row(unsigned gen, uint64_t seq);
/* The earlier key's gen and seq of row (below zero): 1, or 0 when row is not one. */
int store_inherited_unrow(int64_t row, unsigned *gen_out, uint64_t *seq_out);
/* The record id "<hex of the earlier key>/<seq>" of row into out ("" when the
 * lineage does not reach that far). */
void store_inherited_record(node_ctx *ctx, int64_t row, char *out, size_t cap);
/* author's inherited entry seq handed to fn (nothing when it is not held). */
cm_rc store_inherited_get(node_ctx *ctx, const uint8_t author[PROTO_KEY_BYTES], uint64_t seq,
                          store_log_fn fn, void *arg, cm_err *err);
/* The community's whole log to fn: each earlier key's inherited entries, the
 * oldest key's first (seq: store_inherited_row), then this key's own log. */
cm_rc store_community_each(node_ctx *ctx, store_log_fn fn, void *arg, cm_err *err);
/* Every inherited entry of author in sequence order. */
cm_rc store_inherited_each(node_ctx *ctx, const uint8_t author[PROTO_KEY_BYTES], store_log_fn fn,
                           void *arg, cm_err *err);
/* Number of entries of a kind (serials for filing numbers). */
cm_rc store_log_count_kind(node_ctx *ctx, const char *kind, uint64_t *n_out, cm_err *err);

/* Receipts: keep every one (duplicates of the same bytes are stored once). */
cm_rc store_receipt_add(node_ctx *ctx, const uint8_t hub[PROTO_KEY_BYTES], uint64_t seq,
                        const uint8_t head[PROTO_HASH_BYTES], uint64_t hub_time_ms,
                        const uint8_t *raw, size_t raw_len, cm_err *err);
cm_rc store_receipt_count(node_ctx *ctx, uint64_t *n_out, cm_err *err);

/* Inbox: one verified hub entry per feed cursor.  kind and body are the
 * decision's own (for a district decision the street relayed: the district's
 * entry), raw the street's signed entry as received, origin "street" or
 * "district", record the decision's record id ("" = "<street hex>/<hub_seq>").
 * *added_out 0 when the item was held already. */
cm_rc store_inbox_add(node_ctx *ctx, uint64_t cursor, uint64_t hub_seq, const char *kind,
                      const char *body, uint64_t time_ms, const uint8_t *raw, size_t raw_len,
                      const char *origin, const char *record, int *added_out, cm_err *err);
/* Each inbox item in cursor order, for rebuild (strings borrowed; record may be ""). */
typedef cm_rc (*store_inbox_fn)(void *arg, uint64_t cursor, const char *kind,
                                const char *body, const char *origin, const char *record,
                                uint64_t time_ms, cm_err *err);
cm_rc store_inbox_each(node_ctx *ctx, store_inbox_fn fn, void *arg, cm_err *err);
/* The inbox as node_inbox_list documents it; today ("YYYY-MM-DD") judges overdue
 * criticisms. */
cm_rc store_inbox_json(node_ctx *ctx, const char *hub_hex, const char *today, json_t **out,
                       cm_err *err);
cm_rc store_inbox_mark_read(node_ctx *ctx, uint64_t cursor, cm_err *err);
cm_rc store_inbox_unread(node_ctx *ctx, uint64_t *n_out, cm_err *err);

/* Projection. */
/* Empty every projection table (rebuild). */
cm_rc store_proj_clear(node_ctx *ctx, cm_err *err);
/* Organisation as a JSON object (caller decrefs); CM_ERR_NOT_FOUND. */
cm_rc store_org_get(node_ctx *ctx, const char *id, json_t **out, cm_err *err);
/* Insert or replace the organisation row from such an object. */
cm_rc store_org_put(node_ctx *ctx, const json_t *org, cm_err *err);
/* Every organisation ordered by id (array). */
cm_rc store_org_list(node_ctx *ctx, json_t **out, cm_err *err);
cm_rc store_report_put(node_ctx *ctx, uint64_t seq, const json_t *body, uint64_t time_ms,
                       cm_err *err);
/* Current reports (filters may be NULL), or with history=1 every version. */
cm_rc store_report_list(node_ctx *ctx, const char *org, const char *month, int history,
                        const char *author_hex, json_t **out, cm_err *err);
cm_rc store_activity_put(node_ctx *ctx, uint64_t seq, const json_t *body, cm_err *err);
cm_rc store_activity_list(node_ctx *ctx, const char *author_hex, json_t **out, cm_err *err);
cm_rc store_rect_put(node_ctx *ctx, uint64_t seq, const json_t *body, cm_err *err);

/* Keep our station.registered entry seq (body as written). */
cm_rc store_station_put(node_ctx *ctx, uint64_t seq, const json_t *body, cm_err *err);

/* Our station registrations (of org, or all when org is NULL), oldest first:
 * each its body plus "seq", "review" (pending|accepted|rejected) and
 * "review_reason".  New array in *out. */
cm_rc store_stations_json(node_ctx *ctx, const char *org, json_t **out, cm_err *err);

/* The items of the newest district list ("category" | "industry" | "unit")
 * the feed brought (new reference in *items_out; NULL when none yet). */
cm_rc store_list_items(node_ctx *ctx, const char *list, json_t **items_out, cm_err *err);

/* The newest limits.set (the district's caps on attachments) the feed
 * brought, in bytes; 0 and 0 when none yet. */
cm_rc store_limits(node_ctx *ctx, uint64_t *file_max, uint64_t *org_year_max, cm_err *err);

/* The days before a resident's feedback is overdue: the newest feedback.due
 * the feed brought, CM_REC_FEEDBACK_DAYS when none yet. */
cm_rc store_feedback_days(node_ctx *ctx, int64_t *days, cm_err *err);

/* The street's verdict on our entry seq: status "accepted" | "rejected", the
 * reason, and the review's record id; "refused" (review "") for an entry the
 * street refused at its arrival (a file.attached over the caps). */
cm_rc store_review_put(node_ctx *ctx, uint64_t seq, const char *status, const char *reason,
                       const char *review, cm_err *err);
/* The same verdict for the rows first..last (a batch) of this key's log, or,
 * with gen > 0, of the earlier key gen's entries first..last (their rows below
 * zero: store_inherited_row). */
cm_rc store_review_put_range(node_ctx *ctx, uint64_t first, uint64_t last, unsigned gen,
                             const char *status, const char *reason, const char *review,
                             cm_err *err);
/* 1 when the street refused our entry seq at its arrival. */
int store_entry_refused(node_ctx *ctx, uint64_t seq);

/* Entry seq filed or amended organisation org (its review status follows it). */
cm_rc store_filing_put(node_ctx *ctx, uint64_t seq, const char *org, cm_err *err);
/* A decision (kind "decision.*") with record id record; fields from body
 * ("org", "community", "deadline", "result", "reason").  Held ones are kept. */
cm_rc store_decision_put(node_ctx *ctx, const char *record, uint64_t cursor, const char *kind,
                         const char *origin, const json_t *body, uint64_t time_ms, cm_err *err);
/* Close an open decision (a criticism whose rectification the street accepted);
 * by names what closed it. */
cm_rc store_decision_close(node_ctx *ctx, const char *record, const char *by, cm_err *err);
/* Mark decision record withdrawn (closed = "withdrawn"): no longer open or overdue. */
cm_rc store_decision_withdraw(node_ctx *ctx, const char *record, cm_err *err);
/* One level's ("street" | "district") answer to activity id: status
 * "acknowledged" | "returned", its note and record id. */
cm_rc store_ack_put(node_ctx *ctx, const char *id, const char *level, const char *status,
                    const char *note, const char *record, cm_err *err);
/* Fork resolution: move entries seq >= from out of the log into `dropped`
 * (kept as evidence), inside the caller's transaction. */
cm_rc store_log_drop_from(node_ctx *ctx, uint64_t from, cm_err *err);
/* The newest dropped copy of old_seq was re-appended as new_seq. */
cm_rc store_dropped_mark(node_ctx *ctx, uint64_t old_seq, uint64_t new_seq, cm_err *err);

/* Open criticisms whose deadline is before today ("YYYY-MM-DD"). */
cm_rc store_overdue_count(node_ctx *ctx, const char *today, uint64_t *n_out, cm_err *err);

/* *taken_out 1 when table ("orgs" or "activities") holds a row with id. */
cm_rc store_id_taken(node_ctx *ctx, const char *table, const char *id, int *taken_out,
                     cm_err *err);

/* A canonical text dump of every projection table (rebuild equality tests). */
cm_rc store_proj_dump(node_ctx *ctx, cm_buf *out, cm_err *err);

/* The sequences of org's filing and amendments, oldest first, at most cap
 * into seqs (*n_out how many). */
/* The organisations with a filing version at a row in lo..hi (row keys as
 * signed integers: a predecessor's rows are below zero), each once, as a
 * JSON array of ids (*out, the caller's). */
cm_rc store_filing_orgs_between(node_ctx *ctx, int64_t lo, int64_t hi, json_t **out,
                                cm_err *err);
cm_rc store_filing_seqs(node_ctx *ctx, const char *org, uint64_t *seqs, size_t cap, size_t *n_out,
                        cm_err *err);

/* Each filing version (org.filed, org.amended) of org, oldest first, with
 * its review status ("pending" until the street's review says otherwise). */
typedef cm_rc (*store_filing_fn)(void *arg, uint64_t seq, const char *status, cm_err *err);
cm_rc store_filing_each(node_ctx *ctx, const char *org, store_filing_fn fn, void *arg,
                        cm_err *err);

/* *held_out 1 when the inbox holds a notice.sent of notice (its record id):
 * a notice addressed to this community. */
cm_rc store_notice_held(node_ctx *ctx, const char *notice, int *held_out, cm_err *err);

/* Mark the inbox items of notice read. */
cm_rc store_notice_mark_read(node_ctx *ctx, const char *notice, cm_err *err);

#endif
