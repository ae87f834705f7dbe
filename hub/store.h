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
#include "../common/records.h"
#include "../protocol/entry.h"

/* bytes of a hub, street or community name, NUL included (hub.h includes
 * this header: the store knows nothing of the hub that opens it) */
#define HUB_NAME_MAX 256

typedef struct hub_store hub_store;

#define HUB_CODE_MAX 32 /* bytes of a community code, NUL included */
#define HUB_ROLE_MAX 16 /* "community", "street", "self" */

/* Open (creating and migrating) the database at path.  *st_out malloc'd. */
cm_rc hub_store_open(const char *path, hub_store **st_out, cm_err *err);

/* Close; NULL is fine. */
void hub_store_close(hub_store *st);

/* The schema version this program writes (its number of migrations). */
int hub_store_schema_version(void);

/* BEGIN IMMEDIATE (waits up to the busy timeout for other writers). */
cm_rc hub_store_begin(hub_store *st, cm_err *err);

/* COMMIT; durable (synchronous=FULL) when CM_OK.  On failure the transaction
 * is rolled back. */
cm_rc hub_store_commit(hub_store *st, cm_err *err);
/* hub_store_commit, and *gen_out the data generation it committed (-1 when it
 * failed). */
cm_rc hub_store_commit_gen(hub_store *st, int64_t *gen_out, cm_err *err);
/* The database's data generation (bumped by every commit that changed a
 * row), read in the caller's transaction. */
cm_rc hub_store_data_gen(hub_store *st, int64_t *gen_out, cm_err *err);
/* The year generation: changed by every commit that changed what the year's
 * reads (HUB_DQ_YEAR_*) depend on, and by nothing else (hub/year.c keeps
 * their results while it stays). */
cm_rc hub_store_year_gen(hub_store *st, int64_t *gen_out, cm_err *err);
/* The base generation: changed by every commit that changed what the
 * dashboard loads of the organisations (HUB_DQ_ORGS) and communities
 * (HUB_DQ_UNITS, but for the receipt times), and by nothing else
 * (hub/dashboard.c keeps what it loaded while it stays). */
cm_rc hub_store_base_gen(hub_store *st, int64_t *gen_out, cm_err *err);
/* The marks generation: changed by every commit that changed the year's
 * entries (year_entries), their refusals or the registry of keys, or dropped
 * an entry, and by nothing else (hub/year.c keeps what it read of them while
 * it stays). */
cm_rc hub_store_marks_gen(hub_store *st, int64_t *gen_out, cm_err *err);

/* ROLLBACK if a transaction is open. */
void hub_store_rollback(hub_store *st);

/* A savepoint inside the open transaction: release it (keep its changes) or
 * roll back to it (drop them, the transaction stays open). */
cm_rc hub_store_savepoint(hub_store *st, cm_err *err);
cm_rc hub_store_savepoint_release(hub_store *st, cm_err *err);
void hub_store_savepoint_rollback(hub_store *st);

/* on: from now on the rows hub_store_entry_add, hub_store_report_version_put,
 * hub_store_status_write and hub_store_report_put write are collected and
 * written together (hub/rows.h) before the next other statement of the
 * store, at the latest; a rollback drops them.  Their write errors, if any,
 * come from that statement.  off: write them now and stop collecting. */
cm_rc hub_store_defer(hub_store *st, int on, cm_err *err);

/* hub_store_report_put_new says a report was added while deferring; 1 here
 * (once) when, as the rows were written, a month of one of them had a row
 * already, so that one was not added. */
int hub_store_defer_short(hub_store *st);

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
  int revoked;                    /* 0, or 1 + the last sequence still accepted (hub.revoked) */
  int quarantined;
  uint64_t head_seq;
  uint8_t head_hash[PROTO_HASH_BYTES];
  int has_replaces;               /* 1: a replacement key continuing the community of replaces */
  uint8_t replaces[PROTO_KEY_BYTES];
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

/* The newest changeset's row id (0: none). */
cm_rc hub_store_changeset_last(hub_store *st, int64_t *id_out, cm_err *err);

/* How many communities' batches have a row id between lo and hi (both
 * excluded). */
cm_rc hub_store_batches_between(hub_store *st, int64_t lo, int64_t hi, int64_t *n_out,
                                cm_err *err);

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
/* Keep entry (author, seq), stored already, in year_entries when it is a
 * self-report, plan or summary of an organisation or a unit (kind): the
 * year's reads find the newest of each there. */
cm_rc hub_store_year_entry_put(hub_store *st, const uint8_t author[PROTO_KEY_BYTES], uint64_t seq,
                               const char *kind, cm_err *err);

/* SQLite's page cache for a rebuild (big 1) or for everything else (big 0):
 * a rebuild rewrites the whole projection in one transaction, and with the
 * usual 16 MB its pages spill to the log and are written again and again
 * (a city's 2.2 GB database wrote over 10 GB of log).  Pages are taken as
 * needed, so a small hub's rebuild uses little of it. */
cm_rc hub_store_rebuild_cache(hub_store *st, int big, cm_err *err);

/* A community learned from a hub.enrolled entry. */
cm_rc hub_store_community_put(hub_store *st, const uint8_t key[PROTO_KEY_BYTES], const char *name,
                              const char *code, const uint8_t street_key[PROTO_KEY_BYTES],
                              const char *street_name, cm_err *err);

/* What the domain core needs of organisation id of author: *known_out 1 when
 * it is filed, its filing date, members and party members (0 / "" when not). */
cm_rc hub_store_org_facts(hub_store *st, const uint8_t author[PROTO_KEY_BYTES], const char *id,
                          int *known_out, char filed_out[11], int64_t *members_out,
                          int64_t *party_out, cm_err *err);

/* Write the one status of every organisation of author's community, every key
 * of its lineage (organisations.status:
 * pending, accepted, rejected or revoked; dissolution is the column beside
 * it), which every figure reader reads.  The projection calls it whenever a filing, amendment,
 * dissolution, review or revocation about author is projected. */
cm_rc hub_store_org_status_refresh(hub_store *st, const uint8_t author[PROTO_KEY_BYTES],
                                   cm_err *err);
/* The same for one organisation of author: what a filing, an amendment or a
 * dissolution of it changes (the others' versions and statuses stay). */
cm_rc hub_store_org_status_refresh_one(hub_store *st, const uint8_t author[PROTO_KEY_BYTES],
                                       const char *id, cm_err *err);

/* Bytes of a record status word, NUL included. */
#define HUB_STATUS_MAX 16

/* Write the one status of entry author/seq (record_status), which every
 * reader reads: 'refused' when refused, else what its reviews say
 * ('accepted' for a hub's own and a street hub's records; a community's
 * 'pending', 'accepted' or 'rejected').  The word written goes into
 * status_out (may be NULL).  The projection calls it once for every entry. */
cm_rc hub_store_status_put(hub_store *st, const uint8_t author[PROTO_KEY_BYTES], uint64_t seq,
                           int refused, char status_out[HUB_STATUS_MAX], cm_err *err);

/* What hub_store_status_put would find for a new entry of author, read once
 * for many: *no_review_out 1 when author's records need no review (a hub's
 * own, a street hub's: 'accepted'); else no review of author covers any
 * sequence above *reviewed_to_out (the highest last_seq of its reviews, 0
 * when none), so an entry above it is 'pending' until a review arrives. */
cm_rc hub_store_status_hint(hub_store *st, const uint8_t author[PROTO_KEY_BYTES],
                            int *no_review_out, uint64_t *reviewed_to_out, cm_err *err);
/* Write status word status for entry author/seq as it is (see
 * hub_store_status_hint for when the projection knows it without asking). */
cm_rc hub_store_status_write(hub_store *st, const uint8_t author[PROTO_KEY_BYTES], uint64_t seq,
                             const char *status, cm_err *err);
/* Every monthly report of author's seq first..last 'accepted', in one
 * statement: a batch the street accepts as it projects it (its report
 * versions are the batch's entries). */
cm_rc hub_store_status_accept_reports(hub_store *st, const uint8_t author[PROTO_KEY_BYTES],
                                      uint64_t first, uint64_t last, cm_err *err);

/* Write the statuses of author's entries first..last again (a review over
 * them arrived), with the current report and activity rows and the
 * superseded versions of the months they touch. */
cm_rc hub_store_status_range(hub_store *st, const uint8_t author[PROTO_KEY_BYTES], uint64_t first,
                             uint64_t last, cm_err *err);

/* Of the accepted versions of author's report for (org, month) the newest
 * stays 'accepted', the older become 'superseded'; the current report row
 * takes its version's status. */
cm_rc hub_store_status_report_group(hub_store *st, const uint8_t author[PROTO_KEY_BYTES],
                                    const char *org, const char *month, cm_err *err);

/* Entry author/seq arrived: the reviews that end at it (and bind to its hash)
 * now apply, so write their ranges again (*applied_out 1 when there were). */
cm_rc hub_store_status_bound(hub_store *st, const uint8_t author[PROTO_KEY_BYTES], uint64_t seq,
                             int *applied_out, cm_err *err);

/* Raw bytes author had stored on day ("YYYY-MM-DD"; 0 when none). */
cm_rc hub_store_quota_get(hub_store *st, const uint8_t author[PROTO_KEY_BYTES], const char *day,
                          int64_t *bytes_out, cm_err *err);

/* Add bytes to author's day (saturating). */
cm_rc hub_store_quota_add(hub_store *st, const uint8_t author[PROTO_KEY_BYTES], const char *day,
                          int64_t bytes, cm_err *err);

/* Mark entry author/seq refused with reason (common/records.h): kept, never
 * projected, status 'refused'. */
cm_rc hub_store_refusal_put(hub_store *st, const uint8_t author[PROTO_KEY_BYTES], uint64_t seq,
                            const char *reason, cm_err *err);

/* The key decision record ("<hex>/<seq>") is addressed to; *found_out 0 when
 * this hub holds no such decision. */
cm_rc hub_store_decision_to(hub_store *st, const char *record, uint8_t to_out[PROTO_KEY_BYTES],
                            int *found_out, cm_err *err);

/* Current state of organisation id of author as JSON text (*json_out malloc'd,
 * NULL when not filed) and whether it is dissolved (dissolved_out may be NULL). */
cm_rc hub_store_org_get(hub_store *st, const uint8_t author[PROTO_KEY_BYTES], const char *id,
                        char **json_out, int *dissolved_out, cm_err *err);

/* Bytes named by author's file.attached entries before before_seq that are
 * about organisation org, written in year ("YYYY", author time in Asia/Shanghai)
 * and not refused. */
cm_rc hub_store_org_file_bytes(hub_store *st, const uint8_t author[PROTO_KEY_BYTES],
                               const char *org, const char *year, uint64_t before_seq,
                               int64_t *bytes_out, cm_err *err);

/* The due date of what ("inspection", "plan", "summary") of year the
 * district set: the newest due.set of author (this hub: the district's own,
 * or at a street its relay of the district's) for them, not refused, into
 * date_out ("YYYY-MM-DD"); *found_out 0 when there is none. */
cm_rc hub_store_due_get(hub_store *st, const uint8_t author[PROTO_KEY_BYTES], const char *what,
                        int year, char date_out[11], int *found_out, cm_err *err);

/* The caps on attachments in force for an entry that arrived at received_ms:
 * the newest limits.set of author (this hub: the district's own, or at a
 * street its relay of the district's) that arrived no later and is not
 * refused, in bytes; 0 and 0 (the defaults) when there is none.  *seq_out
 * (may be NULL) gets its sequence, 0 for none.  received_ms UINT64_MAX: the
 * newest. */
cm_rc hub_store_limits_at(hub_store *st, const uint8_t author[PROTO_KEY_BYTES],
                          uint64_t received_ms, uint64_t *file_max, uint64_t *org_year_max,
                          uint64_t *seq_out, cm_err *err);

/* The days before a resident's feedback is overdue: the newest feedback.due
 * of author (this hub: the district's own, or at a street its relay) not
 * refused, into *days; 0 (the default) when there is none.  *seq_out (may be
 * NULL) its sequence, 0 for none. */
cm_rc hub_store_feedback_days(hub_store *st, const uint8_t author[PROTO_KEY_BYTES], int64_t *days,
                              uint64_t *seq_out, cm_err *err);

/* One filing version of an organisation (org.filed or org.amended) with the
 * status of its record; strings and body are borrowed for the call. */
typedef struct hub_filing_row {
  uint64_t seq;
  const char *kind;   /* "org.filed" | "org.amended" */
  const char *body;   /* the entry's JSON body as signed (NUL-terminated) */
  const char *status; /* its record's status ("pending" when none is written) */
} hub_filing_row;
typedef cm_rc (*hub_filing_fn)(void *ctx, const hub_filing_row *row, cm_err *err);

/* Each filing version of organisation id of author, oldest first. */
cm_rc hub_store_filing_each(hub_store *st, const uint8_t author[PROTO_KEY_BYTES], const char *id,
                            hub_filing_fn fn, void *ctx, cm_err *err);

/* Each organisation id of author with a filing version first..last (the
 * organisations a review of that range decides); id borrowed for the call. */
typedef cm_rc (*hub_org_id_fn)(void *ctx, const char *id, cm_err *err);
cm_rc hub_store_filing_ids(hub_store *st, const uint8_t author[PROTO_KEY_BYTES], uint64_t first,
                           uint64_t last, hub_org_id_fn fn, void *ctx, cm_err *err);

/* An organisation's row as hub_store_org_put writes it: its state as JSON
 * text (json_len bytes) and the same state parsed, from which the columns the
 * dashboard reads are taken without SQLite parsing the text again. */
typedef struct hub_org_row {
  const char *id;
  uint64_t seq; /* the entry it was last written from */
  const char *json;
  size_t json_len;
  const json_t *state;
  int64_t members, party_members;
  int dissolved;
  /* Written from the organisation's newest filing version (an org.filed as
   * it is projected): that version's record status.  NULL otherwise. */
  const char *newest_status;
} hub_org_row;

/* Write organisation o->id of author.  When author is alone in its community
 * (no key replaced it or was replaced by it), the organisation's status is
 * written by the same statement, by hub_store_org_status_refresh_one's rule,
 * and *settled_out (when not NULL) is 1; else its status is left as it was
 * ('pending' for a new row) for the caller to refresh.  With newest_status
 * the rule takes that version's status as given and reads only the older
 * versions' (hub_store_defer: the rows collected need not be written first,
 * unless an older version of the organisation is among them). */
cm_rc hub_store_org_put(hub_store *st, const uint8_t author[PROTO_KEY_BYTES], const hub_org_row *o,
                        int *settled_out, cm_err *err);

/* One monthly report as the projection keeps it: its counts, whether good
 * deeds were written, and its entry's author time and receipt time (so that
 * the dashboard reads reports without the entries). */
typedef struct hub_report_row {
  const uint8_t *author;
  uint64_t seq;
  const char *org, *month;
  int64_t activities, participants, party_participants;
  int good_deeds;
  uint64_t time_ms, received_ms;
  const char *status; /* its record's status (hub_store_status_put); NULL: pending */
} hub_report_row;

/* The current monthly report of (author, org, month); a later one replaces it. */
cm_rc hub_store_report_put(hub_store *st, const hub_report_row *r, cm_err *err);
/* hub_store_report_put for a month r's author has no report row of yet
 * (*added_out 1); else nothing is written (*added_out 0). */
cm_rc hub_store_report_put_new(hub_store *st, const hub_report_row *r, int *added_out,
                               cm_err *err);

/* A major activity declaration (the last one with the same id wins). */
cm_rc hub_store_activity_put(hub_store *st, const uint8_t author[PROTO_KEY_BYTES], uint64_t seq,
                             const char *id, const char *org, const char *date, int64_t expected,
                             cm_err *err);

/* Every projection row as text, in a fixed order: rebuild equals incremental
 * exactly when the dumps are equal (tests). */
cm_rc hub_store_projection_dump(hub_store *st, cm_buf *out, cm_err *err);

/* The summary's reads (hub/summary.c counts; hub/counting.h says where).
 * Strings are borrowed for the callback. */
typedef struct hub_sum_unit_row {
  uint8_t key[PROTO_KEY_BYTES];
  const char *name, *code; /* code "" for a street hub */
} hub_sum_unit_row;
typedef cm_rc (*hub_sum_unit_fn)(void *ctx, const hub_sum_unit_row *row, cm_err *err);

/* The street hubs enrolled here (a district), in enrolment order. */
cm_rc hub_store_sum_streets(hub_store *st, hub_sum_unit_fn fn, void *ctx, cm_err *err);

/* The communities enrolled under street_key, by code. */
cm_rc hub_store_sum_communities(hub_store *st, const uint8_t street_key[PROTO_KEY_BYTES],
                                hub_sum_unit_fn fn, void *ctx, cm_err *err);

/* One of an author's organisations, or one version of a monthly report of
 * one (org_status NULL when its organisation is not held), with the
 * statuses the projection wrote. */
typedef struct hub_sum_record_row {
  int is_report;
  const char *status;     /* organisations.status, or the version's record_status */
  int dissolved;          /* an organisation's */
  const char *org_status; /* a report's organisation's status */
  int newest;             /* a report: the current version of its month */
  int64_t activities, participants, party_participants;
} hub_sum_record_row;
typedef cm_rc (*hub_sum_record_fn)(void *ctx, const hub_sum_record_row *row, cm_err *err);

/* Each organisation of author, then each version of its monthly reports. */
cm_rc hub_store_sum_records(hub_store *st, const uint8_t author[PROTO_KEY_BYTES],
                            hub_sum_record_fn fn, void *ctx, cm_err *err);

/* Operator's view for `status`: {"authors": [...], "forks": [...],
 * "requests": [...], "forward": [...]}. */
cm_rc hub_store_status_json(hub_store *st, const uint8_t self[PROTO_KEY_BYTES], json_t **out,
                            cm_err *err);

/* ---- dashboard reads (hub/dashboard.c) ---- */

/* Typed rows of the dashboard's reads (hub_store_dash_rows): strings are
 * "" for SQL NULL unless said otherwise, keys 64 hex digits; every string is
 * valid only during the callback. */
typedef struct hub_dash_street_row {
  const char *key, *name;
} hub_dash_street_row;

typedef struct hub_dash_unit_row {
  const char *key, *name, *code, *street_key, *street_name;
  uint64_t last_received_ms; /* receipt time of its newest entry, 0 if none */
  const char *replaced_by;   /* the key that replaced this one (a lost PC), "" if none */
} hub_dash_unit_row;

typedef struct hub_dash_org_row {
  const char *author, *id, *name, *category, *founded_by, *filed;
  const char *flags; /* the filing's "flags" as JSON text */
  int64_t members, party_members;
  int dissolved;
  const char *status;  /* organisations.status */
  /* codes of the district's lists (category, industry, unit: the filing's
   * own, else a street's mapping), "" when none */
  const char *codes[3];
  int station_accepted; /* a party-member station registration was accepted */
} hub_dash_org_row;

/* HUB_DQ_STATIONS */
typedef struct hub_dash_station_row {
  const char *author, *org, *name, *leader, *committee, *date, *branch, *branch_date;
  int64_t party_members;
} hub_dash_station_row;

/* HUB_DQ_FUNDING: one funding.received of the year, not refused. */
typedef struct hub_dash_funding_row {
  const char *author, *org;
  int64_t amount; /* fen, bounded by the domain core */
} hub_dash_funding_row;

typedef struct hub_dash_report_row {
  const char *author, *org, *month;
  int64_t activities, participants, party_participants;
  uint64_t seq;
  uint64_t time_ms, received_ms; /* 0 for HUB_DQ_REPORT_SUMS */
  int good_deeds;                /* good deeds written */
  const char *status;            /* its record's */
  int same_org; /* 1: of the author and organisation of the row before it */
} hub_dash_report_row;

typedef struct hub_dash_active_row {
  const char *author, *org, *month, *status;
  int same_org; /* as hub_dash_report_row's */
} hub_dash_active_row;

typedef struct hub_dash_activity_row {
  const char *author, *id, *org, *date, *title, *place;
  int64_t expected;
  uint64_t time_ms, seq;
} hub_dash_activity_row;

typedef struct hub_dash_event_row {
  const char *author, *kind, *body;
  uint64_t seq, time_ms, received_ms;
} hub_dash_event_row;

typedef struct hub_dash_found_row {
  const char *author, *id, *data; /* data: the organisation's state (JSON) */
  int dissolved;
  uint64_t seq;
} hub_dash_found_row;

typedef struct hub_dash_entry_row {
  uint64_t seq, time_ms, received_ms;
  const char *kind;
  const char *body; /* the entry's body, NULL when it has none */
  const char *status;
} hub_dash_entry_row;

typedef struct hub_dash_decision_row {
  const char *record, *author, *kind, *by_level, *org, *community, *deadline, *result,
      *reason, *operator_name;
  uint64_t seq, time_ms;
  int closed;
} hub_dash_decision_row;

typedef struct hub_dash_ack_row {
  const char *activity, *level, *status, *note;
} hub_dash_ack_row;

/* HUB_DQ_YEAR_INSPECTIONS, HUB_DQ_YEAR_PLANS, HUB_DQ_YEAR_TRAININGS: an
 * organisation of a community held here (whether it counts in the year is
 * hub/counting.h's: hub_count_org_in_year), with the members of its query. */
typedef struct hub_dash_year_org_row {
  const char *street, *community, *code, *org, *name;
  const char *status, *filed; /* organisations.status, its filing date */
  /* when it was dissolved and when revoked (0: not; 1: at a time unknown) */
  uint64_t dissolved_ms, revoked_ms;
  /* inspections: the newest self-report of the year not refused (seq 0:
   * none), its author time and the committee's opinion; the newest result
   * of the year (record "" none: result "" then) and whether it is closed */
  uint64_t self_seq, self_time_ms;
  const char *opinion, *result_record, *result, *deadline, *reason, *by;
  int closed;
  /* plans: author times of the newest plan.annual and summary.annual of
   * the year not refused, 0 when none */
  uint64_t plan_time_ms, summary_time_ms;
  int64_t trainings; /* trainings: how many of the year name it */
} hub_dash_year_org_row;

/* HUB_DQ_YEAR_UNITS: a community held here or a street (an enrolled street
 * hub, or this street hub itself) with its own plan.unit and summary.unit of
 * the year (seq and author time 0 when none). */
typedef struct hub_dash_year_unit_row {
  const char *level; /* "community" | "street" */
  const char *street, *community, *code, *key;
  uint64_t plan_seq, summary_seq, plan_time_ms, summary_time_ms;
  /* the key that wrote the plan and the summary (an earlier key of the
   * community's, or key; "" when none) */
  const char *plan_key, *summary_key;
} hub_dash_year_unit_row;

/* HUB_DQ_LINEAGE: a key that replaced another, with its community's first
 * key (root) and how many keys came before it (depth > 0). */
typedef struct hub_dash_lineage_row {
  const char *key, *root;
  int64_t depth;
} hub_dash_lineage_row;

/* HUB_DQ_YEAR_MARKS: one entry of the kind and year asked, not refused, that
 * names an organisation (author time time_ms). */
typedef struct hub_dash_year_mark_row {
  const char *author, *org;
  uint64_t seq, time_ms;
} hub_dash_year_mark_row;

/* HUB_DQ_YEAR_ENDED: an organisation of a holder of the year's reads
 * (hub_dash_year_org_row's) that was dissolved or revoked, and when, as
 * hub_dash_year_org_row says them. */
typedef struct hub_dash_year_ended_row {
  const char *author, *id;
  uint64_t dissolved_ms, revoked_ms;
} hub_dash_year_ended_row;

/* One row of a dashboard read: the member named after the query is set. */
typedef union hub_dash_row {
  hub_dash_street_row street;     /* HUB_DQ_STREETS */
  hub_dash_unit_row unit;         /* HUB_DQ_UNITS */
  hub_dash_org_row org;           /* HUB_DQ_ORGS */
  hub_dash_station_row station;   /* HUB_DQ_STATIONS */
  hub_dash_report_row report;     /* HUB_DQ_REPORTS, HUB_DQ_REPORT_SUMS */
  hub_dash_active_row active;     /* HUB_DQ_LAST_ACTIVE */
  hub_dash_activity_row activity; /* HUB_DQ_ACTIVITIES */
  hub_dash_event_row event;       /* HUB_DQ_EVENTS */
  hub_dash_found_row found;       /* HUB_DQ_ORG_FIND */
  hub_dash_entry_row entry;       /* HUB_DQ_ORG_ENTRIES */
  hub_dash_decision_row decision; /* HUB_DQ_DECISIONS */
  hub_dash_ack_row ack;           /* HUB_DQ_ACKS */
  hub_dash_year_org_row year_org;   /* HUB_DQ_YEAR_INSPECTIONS, _PLANS, _TRAININGS */
  hub_dash_year_unit_row year_unit; /* HUB_DQ_YEAR_UNITS */
  hub_dash_funding_row funding;     /* HUB_DQ_FUNDING */
  hub_dash_lineage_row lineage;     /* HUB_DQ_LINEAGE */
  hub_dash_year_mark_row year_mark; /* HUB_DQ_YEAR_MARKS */
  hub_dash_year_ended_row year_ended; /* HUB_DQ_YEAR_ENDED */
} hub_dash_row;

typedef cm_rc (*hub_dash_row_fn)(void *ctx, const hub_dash_row *row, cm_err *err);

/* The fixed reads of the dashboard; columns as listed (store.c holds the SQL). */
typedef enum hub_dash_query {
  HUB_DQ_STREETS,      /* key, name */
  HUB_DQ_UNITS,        /* key, name, code, street_key, street_name, last received_ms */
  HUB_DQ_ORGS,         /* author, id, name, category, founded_by, filed, members,
                        * party_members, party_station, flags (JSON), dissolved,
                        * seq of the first filing, status column, category code,
                        * industry code, unit code, station registration accepted */
  HUB_DQ_REPORTS,      /* (?1 from month, ?2 to month) author, org, month, activities,
                        * participants, party_participants, seq, time_ms, received_ms,
                        * good deeds written (0/1), status (of its record) */
  HUB_DQ_LAST_ACTIVE,  /* (?1 from month, ?2 to month) author, org, month, status of
                        * each current report with activities > 0 */
  HUB_DQ_ACTIVITIES,   /* (?1 from date, ?2 to date) author, id, org, date, expected, title,
                        * place, time_ms, seq */
  HUB_DQ_EVENTS,       /* every entry that is not a record or a report: author, seq,
                        * kind, time_ms, received_ms, body */
  HUB_DQ_ORG_FIND,     /* (?1 filing number) author, id, data, dissolved, seq */
  HUB_DQ_ORG_ENTRIES,  /* (?1 author hex, ?2 filing number) seq, kind, time_ms,
                        * received_ms, body, status */
  HUB_DQ_DECISIONS,    /* record, author, seq, kind, by_level, org, community, deadline,
                        * result, reason, operator, time_ms, closed */
  HUB_DQ_ACKS,         /* activity, level, status, note */
  HUB_DQ_REPORT_SUMS,  /* as HUB_DQ_REPORTS, but time_ms and received_ms are NULL */
  HUB_DQ_STATIONS,     /* accepted station registrations, oldest first: author, org, name,
                        * leader, party_members, committee, date, branch, branch_date */
  HUB_DQ_YEAR_INSPECTIONS, /* (?1 year, ?2 this hub's key) hub_dash_year_org_row */
  HUB_DQ_YEAR_PLANS,       /* (?1 year) hub_dash_year_org_row */
  HUB_DQ_YEAR_TRAININGS,   /* (?1 year, ?2 this hub's key) hub_dash_year_org_row */
  HUB_DQ_YEAR_UNITS,       /* (?1 year, ?2 this hub's key, ?3 its role "street" | "district",
                            * ?4 its name) hub_dash_year_unit_row */
  HUB_DQ_FUNDING,          /* (?1 year) hub_dash_funding_row, by author then sequence */
  HUB_DQ_ORGS_ID,          /* (?1 filing number) HUB_DQ_ORGS of the organisations with
                            * that number only: one organisation's page of a city */
  HUB_DQ_LINEAGE,          /* hub_dash_lineage_row, by key */
  HUB_DQ_YEAR_MARKS,       /* (?1 kind, ?2 year) hub_dash_year_mark_row */
  HUB_DQ_YEAR_ENDED,       /* hub_dash_year_ended_row */
} hub_dash_query;

/* BEGIN a read transaction (end it with hub_store_rollback), so that several
 * reads see one snapshot. */
cm_rc hub_store_read_begin(hub_store *st, cm_err *err);

/* Refuse every write on this connection from now on (a connection that only
 * reads: the dashboard's, hub/dashboard.c). */
cm_rc hub_store_query_only(hub_store *st, cm_err *err);

/* The database's version as this connection sees it: {rows this connection
 * has written since it opened, SQLite's data_version (commits by other
 * connections)}.  Any change to what a read could return changes one of the
 * two, so an answer computed at a version stays right while it is unchanged.
 * Read it before the read transaction whose figures it labels. */
cm_rc hub_store_version(hub_store *st, uint64_t out[2], cm_err *err);

/* Run query q with its text parameters (at most 4) and hand each row to fn;
 * fn's error stops the walk and is returned. */
/* One monthly report of an organisation's packed year (report_years). */
typedef struct hub_packed_report {
  int month; /* 1..12 */
  int good_deeds;
  char status[32]; /* its record's */
  int64_t activities, participants, party_participants;
  uint64_t seq, time_ms, received_ms;
} hub_packed_report;

/* The report at *off of a packed year (months, len bytes) into out, *off
 * moved past it: 0 at the end, or where the bytes are cut short. */
int hub_store_packed_next(const uint8_t *months, size_t len, size_t *off, hub_packed_report *out);

/* The packed years' state: reports written and not yet packed again
 * (dirty 1: the packed years are not to be read), the data generation (a
 * reader that kept the rows reads those packed at it or later next time),
 * and the years the packed rows span (0 when there are none). */
typedef struct hub_report_years_info {
  int64_t dirty, gen, first_year, last_year;
} hub_report_years_info;

typedef cm_rc (*hub_report_year_fn)(void *ctx, const char *author, const char *org, int year,
                                    const uint8_t *months, size_t len, cm_err *err);

/* hub_store_report_years_read's state, in the caller's read transaction. */
cm_rc hub_store_report_years_info(hub_store *st, hub_report_years_info *info, cm_err *err);

/* The packed years (report_years) packed at data generation since or later
 * (since 0: every one), each to fn (author in hex).  In the read
 * transaction that read their state (hub_store_report_years_info), so that
 * the two agree. */
cm_rc hub_store_report_years_read(hub_store *st, int64_t since, hub_report_year_fn fn, void *ctx,
                                  cm_err *err);

typedef cm_rc (*hub_heard_fn)(void *ctx, const char *key, uint64_t seq, uint64_t received_ms,
                              cm_err *err);

/* The newest entry (sequence, receipt time) of each community (after 0), or
 * every entry stored after entry id after (the caller keeps the newest of
 * each key), each to fn (key in hex); *last_out the id of the newest entry
 * stored, for the next call.  Inside a read transaction. */
cm_rc hub_store_heard(hub_store *st, int64_t after, hub_heard_fn fn, void *ctx, int64_t *last_out,
                      cm_err *err);

/* Pack again the years of monthly reports that a write changed since
 * (report_years, report_dirty), in a transaction of its own: the dashboard
 * calls it before it reads, HUB_DQ_REPORTS and HUB_DQ_REPORT_SUMS then read
 * a year of an organisation at once.  Nothing to do inside a transaction
 * (those read reports then). */
cm_rc hub_store_report_years_refresh(hub_store *st, cm_err *err);

/* How many organisations this hub holds (every author's): the dashboard
 * sizes its array once instead of growing it. */
cm_rc hub_store_org_count(hub_store *st, size_t *n_out, cm_err *err);

cm_rc hub_store_dash_rows(hub_store *st, hub_dash_query q, const char *const *params,
                          size_t n_params, hub_dash_row_fn fn, void *ctx, cm_err *err);

/* ---- review, decisions, activities (issue 5; hub/review.c, decide.c,
 * activity.c, fork.c) ---- */

/* Every version of a monthly report and of a filing (org.filed, org.amended),
 * kept so that an accepted figure stands while its correction waits.  A
 * report version is flagged when it carries rule flags. */
cm_rc hub_store_report_version_put(hub_store *st, const uint8_t author[PROTO_KEY_BYTES],
                                   uint64_t seq, const char *org, const char *month,
                                   int64_t activities, int64_t participants,
                                   int64_t party_participants, int flagged, cm_err *err);
cm_rc hub_store_filing_version_put(hub_store *st, const uint8_t author[PROTO_KEY_BYTES],
                                   uint64_t seq, const char *id, cm_err *err);

/* A review.batch entry (reviewer's entry rseq) covering author's entries
 * first_seq..last_seq whose last entry hashed last_hash (NULL: any), and one
 * record rejected inside it. */
cm_rc hub_store_review_put(hub_store *st, const uint8_t reviewer[PROTO_KEY_BYTES], uint64_t rseq,
                           const uint8_t author[PROTO_KEY_BYTES], int64_t batch,
                           uint64_t first_seq, uint64_t last_seq, const uint8_t *last_hash,
                           const char *result, const char *reason, const char *operator_name,
                           uint64_t time_ms, cm_err *err);
cm_rc hub_store_review_reject_put(hub_store *st, const uint8_t reviewer[PROTO_KEY_BYTES],
                                  uint64_t rseq, const uint8_t author[PROTO_KEY_BYTES],
                                  uint64_t seq, const char *reason, cm_err *err);

/* Communities' batches (changesets) as a JSON array: {"id", "author",
 * "community", "code", "first_seq", "last_seq", "entries", "received_ms",
 * "status", "reason", "operator", "review_seq"}; id > 0: that one; id <= 0:
 * those after changeset -id (0: all); pending_only keeps those without a
 * review.  *out new reference. */
cm_rc hub_store_batches_json(hub_store *st, int64_t id, int pending_only, json_t **out,
                             cm_err *err);

/* Records of batch id: [{"seq", "kind", "body" (parsed JSON), "status",
 * "reason"}] in sequence order. */
cm_rc hub_store_batch_records_json(hub_store *st, int64_t id, json_t **out, cm_err *err);

/* What the auto-accept policy asks of the entries first_seq..last_seq of
 * author (one batch): how many there are, how many monthly reports were
 * projected (others: the rest, entries of other kinds and reports the domain
 * core refused) and how many of those carry rule flags, and whether one of
 * them corrects a month whose older version is accepted (a locked month; only
 * asked when every entry is a report without flags). */
typedef struct hub_batch_facts {
  int64_t entries, others, reports, flagged;
  int corrects_accepted;
} hub_batch_facts;
cm_rc hub_store_batch_facts(hub_store *st, const uint8_t author[PROTO_KEY_BYTES],
                            uint64_t first_seq, uint64_t last_seq, hub_batch_facts *f,
                            cm_err *err);

/* A decision (record id "<hex>/<seq>", the origin's for a relayed one; the
 * first copy of a record stays) and a criticism's closure. */
cm_rc hub_store_decision_put(hub_store *st, const char *record,
                             const uint8_t author[PROTO_KEY_BYTES], uint64_t seq,
                             const char *kind, const char *by_level, const uint8_t *to,
                             const char *org, const char *community, const char *deadline,
                             const char *result, const char *reason, const char *operator_name,
                             uint64_t time_ms, cm_err *err);
/* A withdrawal of a decision (decision.withdrawn), which also closes it. */
cm_rc hub_store_withdrawal_put(hub_store *st, const char *decision,
                               const uint8_t author[PROTO_KEY_BYTES], uint64_t seq,
                               const char *reason, cm_err *err);
/* The hub log author that holds decision record here, whether it is held
 * (and is not itself a withdrawal) and whether it is withdrawn already. */
cm_rc hub_store_decision_issuer(hub_store *st, const char *record, uint8_t author_out[PROTO_KEY_BYTES],
                                int *found_out, int *withdrawn_out, cm_err *err);
cm_rc hub_store_closure_put(hub_store *st, const char *decision,
                            const uint8_t author[PROTO_KEY_BYTES], uint64_t seq, cm_err *err);

/* Decisions, newest first: {"record", "kind", "by", "org", "community",
 * "to_key", "deadline", "result", "reason", "operator", "time_ms", "closed"}. */
cm_rc hub_store_decisions_json(hub_store *st, json_t **out, cm_err *err);

/* The latest acknowledgement of an activity at level ("street"/"district"). */
cm_rc hub_store_activity_ack_put(hub_store *st, const char *activity, const char *level,
                                 const char *status, const char *note,
                                 const uint8_t author[PROTO_KEY_BYTES], uint64_t seq,
                                 cm_err *err);

/* Activities with their acknowledgements: {"id", "org", "date", "title",
 * "community", "author", "declared_ms", "street_status", "street_note",
 * "district_status", "district_note"} by date. */
cm_rc hub_store_activities_json(hub_store *st, json_t **out, cm_err *err);

/* The author (and org) of activity id; *found_out 0 if unknown. */
cm_rc hub_store_activity_find(hub_store *st, const char *id, uint8_t author_out[PROTO_KEY_BYTES],
                              char *org_out, size_t org_cap, int *found_out, cm_err *err);

/* The author that filed organisation id; *found_out 0 if unknown. */
cm_rc hub_store_org_holder(hub_store *st, const char *id, uint8_t author_out[PROTO_KEY_BYTES],
                           int *found_out, cm_err *err);

/* The one status of organisation id ("pending", "accepted", "rejected",
 * "revoked"; see hub_store_org_status_refresh) into status_out; "" and
 * *found_out 0 if unknown. */
cm_rc hub_store_org_status(hub_store *st, const char *id, char status_out[HUB_STATUS_MAX],
                           int *found_out, cm_err *err);

/* A community's key by its name or code; *found_out 0 if unknown. */
cm_rc hub_store_community_find(hub_store *st, const char *name_or_code,
                               uint8_t key_out[PROTO_KEY_BYTES], int *found_out, cm_err *err);

/* Fork evidence: [{"id", "author", "name", "seq", "time_ms", "via",
 * "quarantined", "held_hash" (upper-case hex of the held entry at seq)}]. */
cm_rc hub_store_forks_json(hub_store *st, json_t **out, cm_err *err);

/* The contradicting changeset of fork evidence fork_id of author (*bytes_out
 * malloc'd) and the sequence where the fork was seen. */
cm_rc hub_store_fork_other(hub_store *st, const uint8_t author[PROTO_KEY_BYTES], int64_t fork_id,
                           uint8_t **bytes_out, size_t *len_out, uint64_t *seq_out, cm_err *err);

/* Clear an author's quarantine (the operator resolved its fork). */
cm_rc hub_store_author_unquarantine(hub_store *st, const uint8_t key[PROTO_KEY_BYTES],
                                    cm_err *err);

/* Delete author's entries from from_seq on (a branch the operator did not
 * keep; its changesets and the fork evidence stay). */
cm_rc hub_store_entries_drop_from(hub_store *st, const uint8_t author[PROTO_KEY_BYTES],
                                  uint64_t from_seq, cm_err *err);

/* A kept item of the upstream's feed handed to a callback; bytes (a signed
 * entry) valid only during the call. */
typedef cm_rc (*hub_store_upfeed_fn)(void *ctx, uint64_t cursor, const uint8_t *bytes, size_t len,
                                     cm_err *err);

/* The upstream's feed items with cursor > after, in order (the relay). */
cm_rc hub_store_upfeed_foreach(hub_store *st, uint64_t after, hub_store_upfeed_fn fn, void *ctx,
                               cm_err *err);

/* How many organisations and activities author has (to number the next). */
cm_rc hub_store_local_counts(hub_store *st, const uint8_t author[PROTO_KEY_BYTES],
                             int64_t *orgs_out, int64_t *activities_out, cm_err *err);

/* ---- backup and restore (hub/backup.c) ---- */

/* Copy the whole database into path (created) as of one commit, with SQLite's
 * online backup API, while other connections keep writing. */
cm_rc hub_store_backup(hub_store *st, const char *path, cm_err *err);

/* Remove one configuration key (absent is fine). */
cm_rc hub_store_config_delete(hub_store *st, const char *key, cm_err *err);

/* ---- replacement keys: one community's keys in turn (authors.replaces) ---- */

/* Record that key continues the community of old (a hub.enrolled entry with
 * "replaces"). */
cm_rc hub_store_author_set_replaces(hub_store *st, const uint8_t key[PROTO_KEY_BYTES],
                                    const uint8_t old[PROTO_KEY_BYTES], cm_err *err);

/* The key enrolled to replace key, if any (*found_out 0 when none). */
cm_rc hub_store_successor(hub_store *st, const uint8_t key[PROTO_KEY_BYTES],
                          uint8_t succ_out[PROTO_KEY_BYTES], int *found_out, cm_err *err);

/* The communities enrolled by hub key self that a new key may replace (none
 * replaced them yet), oldest first, as a JSON array of {"key", "fingerprint",
 * "name", "code", "revoked"}.  New reference in *out. */
cm_rc hub_store_replaceable_json(hub_store *st, const uint8_t self[PROTO_KEY_BYTES], json_t **out,
                                 cm_err *err);

/* The newest key of key's community (key itself when nothing replaced it). */
cm_rc hub_store_lineage_head(hub_store *st, const uint8_t key[PROTO_KEY_BYTES],
                             uint8_t head_out[PROTO_KEY_BYTES], cm_err *err);

/* *yes_out 1 when of is key or a key that key continues. */
cm_rc hub_store_in_lineage(hub_store *st, const uint8_t key[PROTO_KEY_BYTES],
                           const uint8_t of[PROTO_KEY_BYTES], int *yes_out, cm_err *err);

/* The key among key and those it continues (nearest first) that holds
 * organisation id; *found_out 0 when none does. */
cm_rc hub_store_org_owner(hub_store *st, const uint8_t key[PROTO_KEY_BYTES], const char *id,
                          uint8_t owner_out[PROTO_KEY_BYTES], int *found_out, cm_err *err);

/* Revoke key from after its entry upto on: authors.revoked = upto + 1 (nonzero
 * means revoked; entries 1..upto stay acceptable, see hub_author.revoked). */
cm_rc hub_store_author_revoke(hub_store *st, const uint8_t key[PROTO_KEY_BYTES], uint64_t upto,
                              cm_err *err);

/* The hub's own key (the author whose role is "self"); *found_out 0 if none. */
cm_rc hub_store_self_key(hub_store *st, uint8_t key_out[PROTO_KEY_BYTES], int *found_out,
                         cm_err *err);

/* ---- attachments (hub/attach.c) ---- */

/* author's entry seq: its kind, a malloc'd copy of its body (caller frees)
 * and, when the entry is refused, its reason into refused_out (refused_cap
 * bytes, never empty then; else "");
 * *found_out 0 when not held. */
cm_rc hub_store_entry_body(hub_store *st, const uint8_t author[PROTO_KEY_BYTES], uint64_t seq,
                           char kind_out[PROTO_KIND_MAX + 1], uint8_t **body_out,
                           size_t *len_out, char *refused_out, size_t refused_cap,
                           int *found_out, cm_err *err);

/* *found_out 1 when a file.attached entry naming file hash (hex) that is not
 * refused was written by a community of street, or by that street's hub: a
 * street-bound operator at a district sees only such files. */
cm_rc hub_store_file_in_street(hub_store *st, const char *hash, const char *street,
                               int *found_out, cm_err *err);

/* Called with the sequence and body (borrowed for the call) of each entry. */
typedef cm_rc (*hub_store_kind_fn)(void *ctx, uint64_t seq, const void *body, size_t len,
                                   cm_err *err);

/* author's entries of kind with seq > after that are not refused, in
 * sequence order. */
cm_rc hub_store_kind_each(hub_store *st, const uint8_t author[PROTO_KEY_BYTES], uint64_t after,
                          const char *kind, hub_store_kind_fn fn, void *ctx, cm_err *err);

/* Each entry of author in sequence order (of kind only, NULL: every kind):
 * its kind, author time and body (borrowed for the call). */
typedef cm_rc (*hub_store_author_fn)(void *ctx, uint64_t seq, const char *kind, uint64_t time_ms,
                                     const void *body, size_t len, cm_err *err);
cm_rc hub_store_author_entries(hub_store *st, const uint8_t author[PROTO_KEY_BYTES],
                               const char *kind, hub_store_author_fn fn, void *ctx, cm_err *err);

/* The filing numbers and names of the organisations of street (those filed by
 * its communities, and this hub's own; street "" means every one held here):
 * [{"id","name"}], for the duplicate-name warning of common/warnings.h and the
 * decision form's organisation picker (caller decrefs *out). */
cm_rc hub_store_street_org_names(hub_store *st, const char *street, json_t **out, cm_err *err);

/* The filing and amendments of organisation id by author before sequence
 * before_seq, oldest first: [{"seq","kind","body"}] (to show an amendment's
 * old values; caller decrefs *out). */
cm_rc hub_store_org_versions_json(hub_store *st, const uint8_t author[PROTO_KEY_BYTES],
                                  const char *id, int64_t before_seq, json_t **out, cm_err *err);


/* Evaluation rounds (评比) in this hub's own log (self), newest first, or the
 * one of id round (NULL: all): {"round", "year", "title", "closes",
 * "operator", "time_ms", "communities", "closed" (the date of its first
 * evaluation.closed in self's log, "" when none), "closed_ms" (that close's
 * body closed_ms, 0 when none)}.  New reference in *out. */
cm_rc hub_store_rounds_json(hub_store *st, const uint8_t self[PROTO_KEY_BYTES], const char *round,
                            json_t **out, cm_err *err);

/* The communities held here whose key is not revoked (rows as
 * hub_store_communities_json's) that round reached (reached 1: an
 * evaluation.round of it in self's log is addressed to them) or has not
 * reached yet (reached 0).  New reference in *out. */
cm_rc hub_store_round_reach_json(hub_store *st, const uint8_t self[PROTO_KEY_BYTES],
                                 const char *round, int reached, json_t **out, cm_err *err);

/* Nominations (evaluation.nominated entries), or the one of author and seq
 * (author NULL: all), refused ones included (their "refused" 1); a
 * commendation counts when its record is the district's (district: its key in
 * hex, so that a street cannot pass one of its own off as the district's):
 * {"record",
 * "author", "seq", "time_ms", "refused", "enrolled_by", "round", "year", "org",
 * "person", "deeds", "community", "code", "street", "name", "recommendation",
 * "opinion", "commendation", "reports", "activities", "inspection",
 * "criticisms"}.  New reference in *out. */
cm_rc hub_store_nominations_json(hub_store *st, const uint8_t *author, int64_t seq,
                                 const char *district, json_t **out, cm_err *err);

/* The district's commendations of year from nominations (decisions whose
 * record is the district's, district its key in hex): {"record",
 * "time_ms", "round", "year", "street", "community", "org", "name",
 * "person", "reason", "nomination"}.  New reference in *out. */
cm_rc hub_store_commendations_json(hub_store *st, int64_t year, const char *district,
                                   json_t **out, cm_err *err);

/* One plan.unit or summary.unit entry by author hex and seq: {"kind", "time_ms",
 * "author" (the community's or street's name), "body"} in *out (NULL when there is none or it was refused). */
cm_rc hub_store_unit_plan_get(hub_store *st, const char *author_hex, int64_t seq, json_t **out,
                              cm_err *err);

/* The trainings (training.recorded, not refused) of year written by self or an
 * enrolled street hub, newest first: {"record", "by", "date", "topic",
 * "organiser", "content", "orgs_json"}.  New reference in *out. */
cm_rc hub_store_trainings_json(hub_store *st, int64_t year, const uint8_t self[PROTO_KEY_BYTES],
                               json_t **out, cm_err *err);


/* The trainings of organisation org per year (as HUB_DQ_YEAR_TRAININGS counts them):
 * [{"year", "trainings"}], oldest first.  New reference in *out. */
cm_rc hub_store_org_trainings_json(hub_store *st, const char *org,
                                   const uint8_t self[PROTO_KEY_BYTES], json_t **out, cm_err *err);

/* Whether a notice (the record id of its notice.issued) is known here, from
 * any notice.sent of it that a hub wrote and that is not refused, and whether
 * one of them is addressed to to_hex. */
cm_rc hub_store_notice_seen(hub_store *st, const char *notice, const char *to_hex,
                            int *known_out, int *to_out, cm_err *err);

/* The notices held here (notice.issued by self or an enrolled street hub, not
 * refused; at a street also the district's notices it relayed, from its
 * copies, "relayed" 1, "time_ms" when it relayed them), newest first:
 * {"record", "by" (the issuer's name as held here, "" when unknown), "own",
 * "relayed", "title", "text", "scope", "street", "time_ms", "recipients",
 * "read"}.  New reference in *out. */
cm_rc hub_store_notices_json(hub_store *st, const uint8_t self[PROTO_KEY_BYTES], json_t **out,
                             cm_err *err);

/* The communities a notice was sent to, with when each read it (the author
 * time of its first notice.read of it that is not refused; null when not
 * read): {"street", "community", "code", "key", "read_ms"}.  New reference. */
cm_rc hub_store_notice_reads_json(hub_store *st, const char *notice, json_t **out, cm_err *err);

/* The communities (key hex, name, code, street) of street ("" every one held
 * here) whose key is not revoked, ordered by street and code.  New reference
 * in *out. */
cm_rc hub_store_communities_json(hub_store *st, const char *street, json_t **out, cm_err *err);
/* ---- the district's lists, stations, mappings ---- */

/* The newest list.published entry of author (this hub: the district's own,
 * or at a street its relay of the district's) for list ("category" |
 * "industry" | "unit") that is not refused: its body (*body_out malloc'd,
 * NULL when there is none) and sequence. */
cm_rc hub_store_list_latest(hub_store *st, const uint8_t author[PROTO_KEY_BYTES],
                            const char *list, char **body_out, uint64_t *seq_out, cm_err *err);

/* Keep station.registered author/seq (its status is its record's). */
cm_rc hub_store_station_put(hub_store *st, const uint8_t author[PROTO_KEY_BYTES], uint64_t seq,
                            const cm_rec_station *t, cm_err *err);

/* Keep org.mapped about organisation m->org of community author (the
 * mapping's "to"); record is the mapping's record id.  A later one replaces
 * it. */
cm_rc hub_store_org_mapped_put(hub_store *st, const uint8_t author[PROTO_KEY_BYTES],
                               const cm_rec_mapped *m, const char *record, cm_err *err);
/* Once organisation org of author has a roster (roster.entry entries up to
 * seq upto, not refused), its members and party members are the roster's:
 * the members whose newest entry is not a "leave", and of them those marked
 * party members.  Without a roster nothing changes, and *none_out (when not
 * NULL) is 1: neither the author nor any other key of its community has a
 * roster entry. */
cm_rc hub_store_roster_apply(hub_store *st, const uint8_t author[PROTO_KEY_BYTES], const char *org,
                             uint64_t upto, int *none_out, cm_err *err);

/* The counts of an organisation's roster now (members on it, of them party
 * members and leaders, members who left; any: a roster was kept at all), by
 * the one rule that also sets the organisation's member counts. */
typedef struct hub_roster_counts {
  int64_t members, party_members, leaders, left;
  int any;
} hub_roster_counts;
cm_rc hub_store_roster_counts(hub_store *st, const uint8_t author[PROTO_KEY_BYTES],
                              const char *org, hub_roster_counts *out, cm_err *err);

/* The roster of org by author: the newest entry of each member, {"seq",
 * "member", "action", "party_member", "leader", "joined", "left", "reason",
 * "sealed"} by member number.  New reference in *out. */
cm_rc hub_store_roster_json(hub_store *st, const uint8_t author[PROTO_KEY_BYTES], const char *org,
                            json_t **out, cm_err *err);

/* The entries of kind about org by author, not refused, oldest first:
 * {"seq", "time_ms", "body"}.  kind is one of the events (pledges, feedback,
 * funding: read through their index); a record kind is refused
 * (CM_ERR_INVALID).  New reference
 * in *out. */
cm_rc hub_store_org_kind_json(hub_store *st, const uint8_t author[PROTO_KEY_BYTES],
                              const char *org, const char *kind, json_t **out, cm_err *err);

/* Every resident's feedback whose newest state is not yet reported to the
 * street: {"author", "id", "org", "type", "received", "status"}, oldest
 * received first.  Never who made it.  New reference in *out. */
cm_rc hub_store_feedback_open_json(hub_store *st, json_t **out, cm_err *err);


#endif
