/* store.c - the node's SQLite schema and every query the node runs. */
#include "store.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/attach.h"
#include "../common/clock.h"
#include "../common/codec.h"
#include "../common/db.h"
#include "../common/json.h"
#include "../common/records.h"
#include "../common/setting_text.h"

/* Migrations by user_version: append, never edit a released one. */
static const char *const store_migrations[] = {
    /* 0 -> 1 */
    "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
    "CREATE TABLE log(seq INTEGER PRIMARY KEY, hash BLOB NOT NULL, time_ms INTEGER NOT NULL,"
    " kind TEXT NOT NULL, raw BLOB NOT NULL);"
    "CREATE TABLE receipts(id INTEGER PRIMARY KEY, hub BLOB NOT NULL, seq INTEGER NOT NULL,"
    " head BLOB NOT NULL, hub_time_ms INTEGER NOT NULL, raw BLOB NOT NULL UNIQUE,"
    " received_ms INTEGER NOT NULL);"
    "CREATE TABLE inbox(cursor INTEGER PRIMARY KEY, hub_seq INTEGER NOT NULL,"
    " kind TEXT NOT NULL, body TEXT NOT NULL, time_ms INTEGER NOT NULL, raw BLOB NOT NULL,"
    " read INTEGER NOT NULL DEFAULT 0);"
    "CREATE TABLE orgs(id TEXT PRIMARY KEY, name TEXT NOT NULL, category TEXT NOT NULL,"
    " leader TEXT NOT NULL, phone TEXT NOT NULL, members INTEGER NOT NULL,"
    " party_members INTEGER NOT NULL, party_station INTEGER NOT NULL,"
    " founded_by TEXT NOT NULL, scope TEXT NOT NULL, venue TEXT NOT NULL,"
    " filed TEXT NOT NULL, flags TEXT NOT NULL, status TEXT NOT NULL,"
    " reason TEXT NOT NULL, record TEXT NOT NULL);"
    "CREATE TABLE reports(seq INTEGER PRIMARY KEY, org TEXT NOT NULL, month TEXT NOT NULL,"
    " activities INTEGER NOT NULL, participants INTEGER NOT NULL,"
    " party_participants INTEGER NOT NULL, content TEXT NOT NULL, scope TEXT NOT NULL,"
    " good_deeds TEXT NOT NULL, time_ms INTEGER NOT NULL);"
    "CREATE INDEX reports_org_month ON reports(org, month, seq);"
    "CREATE TABLE activities(id TEXT PRIMARY KEY, seq INTEGER NOT NULL, org TEXT NOT NULL,"
    " date TEXT NOT NULL, title TEXT NOT NULL, place TEXT NOT NULL,"
    " expected INTEGER NOT NULL, description TEXT NOT NULL);"
    "CREATE TABLE rectifications(seq INTEGER PRIMARY KEY, org TEXT NOT NULL,"
    " decision TEXT NOT NULL, content TEXT NOT NULL);",
    /* 1 -> 2: review and decisions (issue 5).  reviews: the street's verdict on
     * each of our own entries (absent = pending); filings: which entries filed or
     * amended which organisation (its review status is its latest one's);
     * decisions and activity_acks: what hubs decided, projected from the inbox;
     * the inbox learns the origin (street|district) and record id of relayed
     * district entries; dropped keeps our entries a fork resolution replaced. */
    "CREATE TABLE reviews(seq INTEGER PRIMARY KEY, status TEXT NOT NULL, reason TEXT NOT NULL,"
    " review TEXT NOT NULL);"
    "CREATE TABLE filings(seq INTEGER PRIMARY KEY, org TEXT NOT NULL);"
    "CREATE INDEX filings_org ON filings(org, seq);"
    "CREATE TABLE decisions(record TEXT PRIMARY KEY, cursor INTEGER NOT NULL, kind TEXT NOT NULL,"
    " origin TEXT NOT NULL, org TEXT NOT NULL, community TEXT NOT NULL, deadline TEXT NOT NULL,"
    " result TEXT NOT NULL, reason TEXT NOT NULL, time_ms INTEGER NOT NULL,"
    " closed TEXT NOT NULL DEFAULT '');"
    "CREATE TABLE activity_acks(id TEXT NOT NULL, level TEXT NOT NULL, status TEXT NOT NULL,"
    " note TEXT NOT NULL, record TEXT NOT NULL, PRIMARY KEY(id, level));"
    "ALTER TABLE inbox ADD COLUMN origin TEXT NOT NULL DEFAULT 'street';"
    "ALTER TABLE inbox ADD COLUMN record TEXT NOT NULL DEFAULT '';"
    "CREATE TABLE dropped(id INTEGER PRIMARY KEY, seq INTEGER NOT NULL, hash BLOB NOT NULL,"
    " kind TEXT NOT NULL, raw BLOB NOT NULL, dropped_ms INTEGER NOT NULL,"
    " new_seq INTEGER NOT NULL);",
    /* The district's lists: an organisation's codes from them (category_code,
     * industry, unit as a JSON object); party-member activity stations this
     * node registered (station.registered, its review status in reviews). */
    "ALTER TABLE orgs ADD COLUMN codes TEXT NOT NULL DEFAULT '{}';"
    "CREATE TABLE IF NOT EXISTS stations(seq INTEGER PRIMARY KEY, org TEXT NOT NULL,"
    " body TEXT NOT NULL);",
    /* A replacement key's predecessor (the community's lost or stolen PC):
     * its log as the street held it, verified entry by entry, never part of
     * our own log (docs/decisions/0049-replacement-key.md).  The projection
     * reads it before our own entries. */
    "CREATE TABLE IF NOT EXISTS inherited(author BLOB NOT NULL, seq INTEGER NOT NULL,"
    " hash BLOB NOT NULL, raw BLOB NOT NULL,"
    " PRIMARY KEY(author, seq)) WITHOUT ROWID;",
    /* The entries that name a file, found without reading the log: a sync
     * lists those its push made acknowledged, and read every entry's row for
     * it (650 pages for a first sync of 6,500 entries). */
    "CREATE INDEX IF NOT EXISTS log_attached ON log(seq) WHERE kind = 'file.attached';",
};

int store_schema_version(void) {
  return (int)(sizeof store_migrations / sizeof store_migrations[0]);
}

cm_rc store_open(const char *path, struct sqlite3 **db_out, cm_err *err) {
  return cm_db_open(path, store_migrations,
                    (int)(sizeof store_migrations / sizeof store_migrations[0]), db_out, err);
}

typedef struct tx_wrap {
  node_ctx *ctx;
  store_tx_fn fn;
  void *arg;
} tx_wrap;

static cm_rc tx_trampoline(struct sqlite3 *db, void *p, cm_err *err) {
  tx_wrap *w = p;
  (void)db;
  return w->fn(w->ctx, w->arg, err);
}

cm_rc store_tx(node_ctx *ctx, store_tx_fn fn, void *arg, cm_err *err) {
  tx_wrap w = {ctx, fn, arg};
  return cm_db_tx(ctx->db, tx_trampoline, &w, err);
}

/* Prepare sql; on failure err says which statement. */
static cm_rc prep(node_ctx *ctx, const char *sql, sqlite3_stmt **st, cm_err *err) {
  int s = sqlite3_prepare_v2(ctx->db, sql, -1, st, NULL);
  if (s != SQLITE_OK) {
    *st = NULL;
    return cm_db_check(ctx->db, s, "准备数据库语句", err);
  }
  return CM_OK;
}

/* Step a statement expected to finish without rows. */
static cm_rc step_done(node_ctx *ctx, sqlite3_stmt *st, const char *what, cm_err *err) {
  int s = sqlite3_step(st);
  if (s == SQLITE_DONE || s == SQLITE_ROW) return CM_OK;
  return cm_db_check(ctx->db, s, what, err);
}

static const char *col_text(sqlite3_stmt *st, int i) {
  const unsigned char *t = sqlite3_column_text(st, i);
  return t ? (const char *)t : "";
}

/* Bind a string or SQL NULL. */
static void bind_text(sqlite3_stmt *st, int i, const char *s) {
  if (s)
    sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null(st, i);
}

cm_rc store_meta_get(node_ctx *ctx, const char *key, char *out, size_t cap, cm_err *err) {
  sqlite3_stmt *st = NULL;
  cm_rc rc = prep(ctx, "SELECT value FROM meta WHERE key=?", &st, err);
  if (rc) goto out;
  bind_text(st, 1, key);
  int s = sqlite3_step(st);
  if (s == SQLITE_ROW) {
    snprintf(out, cap, "%s", col_text(st, 0));
  } else if (s == SQLITE_DONE) {
    rc = cm_errf(err, CM_ERR_NOT_FOUND, "没有设置 %s", key);
  } else {
    rc = cm_db_check(ctx->db, s, "读取本机设置", err);
  }
out:
  sqlite3_finalize(st);
  return rc;
}

uint64_t store_meta_u64(node_ctx *ctx, const char *key, uint64_t def) {
  char v[32];
  if (store_meta_get(ctx, key, v, sizeof v, NULL) != CM_OK) return def;
  char *end = NULL;
  unsigned long long x = strtoull(v, &end, 10);
  if (!end || *end || end == v) return def;
  return (uint64_t)x;
}

cm_rc store_meta_set(node_ctx *ctx, const char *key, const char *value, cm_err *err) {
  sqlite3_stmt *st = NULL;
  cm_rc rc = prep(ctx, "INSERT INTO meta(key,value) VALUES(?,?) "
                       "ON CONFLICT(key) DO UPDATE SET value=excluded.value", &st, err);
  if (rc) goto out;
  bind_text(st, 1, key);
  bind_text(st, 2, value);
  rc = step_done(ctx, st, "写入本机设置", err);
out:
  sqlite3_finalize(st);
  return rc;
}

cm_rc store_meta_set_u64(node_ctx *ctx, const char *key, uint64_t value, cm_err *err) {
  char v[32];
  snprintf(v, sizeof v, "%llu", (unsigned long long)value);
  return store_meta_set(ctx, key, v, err);
}

cm_rc store_meta_max_u64(node_ctx *ctx, const char *key, uint64_t v, cm_err *err) {
  if (store_meta_u64(ctx, key, 0) >= v) return CM_OK;
  return store_meta_set_u64(ctx, key, v, err);
}

cm_rc store_log_head(node_ctx *ctx, uint64_t *seq_out, uint8_t hash_out[PROTO_HASH_BYTES],
                     cm_err *err) {
  sqlite3_stmt *st = NULL;
  *seq_out = 0;
  memset(hash_out, 0, PROTO_HASH_BYTES);
  cm_rc rc = prep(ctx, "SELECT seq, hash FROM log ORDER BY seq DESC LIMIT 1", &st, err);
  if (rc) goto out;
  int s = sqlite3_step(st);
  if (s == SQLITE_ROW) {
    *seq_out = (uint64_t)sqlite3_column_int64(st, 0);
    if (sqlite3_column_bytes(st, 1) == PROTO_HASH_BYTES)
      memcpy(hash_out, sqlite3_column_blob(st, 1), PROTO_HASH_BYTES);
    else
      rc = cm_errf(err, CM_ERR_DB, "台账第 %llu 条的哈希格式不对",
                   (unsigned long long)*seq_out);
  } else if (s != SQLITE_DONE) {
    rc = cm_db_check(ctx->db, s, "读取台账末条", err);
  }
out:
  sqlite3_finalize(st);
  return rc;
}

cm_rc store_log_insert(node_ctx *ctx, uint64_t seq, const uint8_t hash[PROTO_HASH_BYTES],
                       uint64_t time_ms, const char *kind, const uint8_t *raw, size_t raw_len,
                       cm_err *err) {
  sqlite3_stmt *st = NULL;
  cm_rc rc = prep(ctx, "INSERT INTO log(seq,hash,time_ms,kind,raw) VALUES(?,?,?,?,?)", &st, err);
  if (rc) goto out;
  sqlite3_bind_int64(st, 1, (sqlite3_int64)seq);
  sqlite3_bind_blob(st, 2, hash, PROTO_HASH_BYTES, SQLITE_STATIC);
  sqlite3_bind_int64(st, 3, (sqlite3_int64)time_ms);
  bind_text(st, 4, kind);
  sqlite3_bind_blob(st, 5, raw, (int)raw_len, SQLITE_STATIC);
  rc = step_done(ctx, st, "写入台账", err);
out:
  sqlite3_finalize(st);
  return rc;
}

int store_log_hash(node_ctx *ctx, uint64_t seq, uint8_t hash_out[PROTO_HASH_BYTES]) {
  sqlite3_stmt *st = NULL;
  int found = 0;
  if (prep(ctx, "SELECT hash FROM log WHERE seq=?", &st, NULL)) return 0;
  sqlite3_bind_int64(st, 1, (sqlite3_int64)seq);
  if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_bytes(st, 0) == PROTO_HASH_BYTES) {
    memcpy(hash_out, sqlite3_column_blob(st, 0), PROTO_HASH_BYTES);
    found = 1;
  }
  sqlite3_finalize(st);
  return found;
}

/* The rows sql (seq, raw; ?1 and ?2 the range) gives, each to fn. */
static cm_rc log_each(node_ctx *ctx, const char *sql, uint64_t from, uint64_t to,
                      store_log_fn fn, void *arg, cm_err *err) {
  sqlite3_stmt *st = NULL;
  cm_rc rc = prep(ctx, sql, &st, err);
  if (rc) goto out;
  sqlite3_bind_int64(st, 1, (sqlite3_int64)from);
  sqlite3_bind_int64(st, 2, to && to <= (uint64_t)INT64_MAX ? (sqlite3_int64)to : INT64_MAX);
  for (;;) {
    int s = sqlite3_step(st);
    if (s == SQLITE_DONE) break;
    if (s != SQLITE_ROW) {
      rc = cm_db_check(ctx->db, s, "读取台账", err);
      break;
    }
    rc = fn(arg, (uint64_t)sqlite3_column_int64(st, 0), sqlite3_column_blob(st, 1),
            (size_t)sqlite3_column_bytes(st, 1), err);
    if (rc) break;
  }
out:
  sqlite3_finalize(st);
  return rc;
}

cm_rc store_log_each(node_ctx *ctx, uint64_t from, uint64_t to, store_log_fn fn, void *arg,
                     cm_err *err) {
  /* Both ends bound the key's range: with "(?=0 OR seq<=?)" SQLite could use
   * only the lower one and read the log to its end for every call (all of it
   * from disk the first time; a bundle of 250 entries read 6,500). */
  return log_each(ctx, "SELECT seq, raw FROM log WHERE seq BETWEEN ?1 AND ?2 ORDER BY seq", from,
                  to, fn, arg, err);
}

cm_rc store_log_each_attached(node_ctx *ctx, uint64_t from, uint64_t to, store_log_fn fn,
                              void *arg, cm_err *err) {
  /* INDEXED BY: the statement fails to prepare, rather than reading the log,
   * if the condition stops matching the index's. */
  return log_each(ctx, "SELECT seq, raw FROM log INDEXED BY log_attached"
                       " WHERE kind = '" CM_ATT_KIND "' AND seq BETWEEN ?1 AND ?2 ORDER BY seq",
                  from, to, fn, arg, err);
}

cm_rc store_inherited_head(node_ctx *ctx, const uint8_t author[PROTO_KEY_BYTES],
                           uint64_t *seq_out, uint8_t hash_out[PROTO_HASH_BYTES], cm_err *err) {
  sqlite3_stmt *st = NULL;
  *seq_out = 0;
  memset(hash_out, 0, PROTO_HASH_BYTES);
  cm_rc rc = prep(ctx, "SELECT seq, hash FROM inherited WHERE author=? ORDER BY seq DESC LIMIT 1",
                  &st, err);
  if (rc) return rc;
  sqlite3_bind_blob(st, 1, author, PROTO_KEY_BYTES, SQLITE_STATIC);
  int s = sqlite3_step(st);
  if (s == SQLITE_ROW && sqlite3_column_bytes(st, 1) == PROTO_HASH_BYTES) {
    *seq_out = (uint64_t)sqlite3_column_int64(st, 0);
    memcpy(hash_out, sqlite3_column_blob(st, 1), PROTO_HASH_BYTES);
  } else if (s != SQLITE_DONE && s != SQLITE_ROW) {
    rc = cm_db_check(ctx->db, s, "读取原电脑的台账", err);
  }
  sqlite3_finalize(st);
  return rc;
}

int store_inherited_hash(node_ctx *ctx, const uint8_t author[PROTO_KEY_BYTES], uint64_t seq,
                         uint8_t hash_out[PROTO_HASH_BYTES]) {
  sqlite3_stmt *st = NULL;
  int found = 0;
  if (prep(ctx, "SELECT hash FROM inherited WHERE author=? AND seq=?", &st, NULL)) return 0;
  sqlite3_bind_blob(st, 1, author, PROTO_KEY_BYTES, SQLITE_STATIC);
  sqlite3_bind_int64(st, 2, (sqlite3_int64)seq);
  if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_bytes(st, 0) == PROTO_HASH_BYTES) {
    memcpy(hash_out, sqlite3_column_blob(st, 0), PROTO_HASH_BYTES);
    found = 1;
  }
  sqlite3_finalize(st);
  return found;
}

cm_rc store_inherited_add(node_ctx *ctx, const uint8_t author[PROTO_KEY_BYTES], uint64_t seq,
                          const uint8_t hash[PROTO_HASH_BYTES], const uint8_t *raw, size_t len,
                          cm_err *err) {
  sqlite3_stmt *st = NULL;
  cm_rc rc = prep(ctx, "INSERT INTO inherited(author, seq, hash, raw) VALUES(?,?,?,?)", &st, err);
  if (rc) return rc;
  sqlite3_bind_blob(st, 1, author, PROTO_KEY_BYTES, SQLITE_STATIC);
  sqlite3_bind_int64(st, 2, (sqlite3_int64)seq);
  sqlite3_bind_blob(st, 3, hash, PROTO_HASH_BYTES, SQLITE_STATIC);
  sqlite3_bind_blob(st, 4, raw, (int)len, SQLITE_STATIC);
  rc = step_done(ctx, st, "write inherited entry", err);
  sqlite3_finalize(st);
  return rc;
}

size_t store_lineage(node_ctx *ctx, uint8_t keys_out[STORE_LINEAGE_MAX][PROTO_KEY_BYTES]) {
  char name[16 + PROTO_KEY_HEX] = "replaces", hex[PROTO_KEY_HEX];
  size_t n = 0;
  while (n < STORE_LINEAGE_MAX) {
    hex[0] = 0;
    if (store_meta_get(ctx, name, hex, sizeof hex, NULL) != CM_OK || !hex[0] ||
        proto_key_from_hex(hex, keys_out[n]) != CM_OK ||
        !memcmp(keys_out[n], ctx->kp.pk, PROTO_KEY_BYTES))
      break;
    int seen = 0;
    for (size_t i = 0; i < n; i++) seen |= !memcmp(keys_out[i], keys_out[n], PROTO_KEY_BYTES);
    if (seen) break;
    n++;
    snprintf(name, sizeof name, "replaces.%s", hex);
  }
  return n;
}

#define INHERITED_SPAN ((int64_t)1 << 40) /* sequences of one earlier key */

int64_t store_inherited_row(unsigned gen, uint64_t seq) {
  return (int64_t)seq - (int64_t)gen * INHERITED_SPAN;
}

int store_inherited_unrow(int64_t row, unsigned *gen_out, uint64_t *seq_out) {
  if (row >= 0 || row < -(int64_t)STORE_LINEAGE_MAX * INHERITED_SPAN) return 0;
  unsigned gen = (unsigned)((-row + INHERITED_SPAN - 1) / INHERITED_SPAN);
  *gen_out = gen;
  *seq_out = (uint64_t)(row + (int64_t)gen * INHERITED_SPAN);
  return *seq_out > 0;
}

void store_inherited_record(node_ctx *ctx, int64_t row, char *out, size_t cap) {
  uint8_t keys[STORE_LINEAGE_MAX][PROTO_KEY_BYTES];
  char hex[PROTO_KEY_HEX];
  unsigned gen = 0;
  uint64_t seq = 0;
  size_t n = store_lineage(ctx, keys);
  if (!store_inherited_unrow(row, &gen, &seq) || gen > n) {
    if (cap) out[0] = 0;
    return;
  }
  proto_key_hex(keys[gen - 1], hex);
  snprintf(out, cap, "%s/%llu", hex, (unsigned long long)seq);
}

typedef struct community_walk {
  store_log_fn fn;
  void *arg;
  unsigned gen;
} community_walk;

static cm_rc community_one(void *arg, uint64_t seq, const uint8_t *raw, size_t len, cm_err *err) {
  community_walk *w = arg;
  return w->fn(w->arg, (uint64_t)store_inherited_row(w->gen, seq), raw, len, err);
}

cm_rc store_community_each(node_ctx *ctx, store_log_fn fn, void *arg, cm_err *err) {
  uint8_t keys[STORE_LINEAGE_MAX][PROTO_KEY_BYTES];
  size_t n = store_lineage(ctx, keys);
  cm_rc rc = CM_OK;
  for (size_t g = n; !rc && g > 0; g--) {
    community_walk w = {fn, arg, (unsigned)g};
    rc = store_inherited_each(ctx, keys[g - 1], community_one, &w, err);
  }
  return rc ? rc : store_log_each(ctx, 1, 0, fn, arg, err);
}

cm_rc store_inherited_get(node_ctx *ctx, const uint8_t author[PROTO_KEY_BYTES], uint64_t seq,
                          store_log_fn fn, void *arg, cm_err *err) {
  sqlite3_stmt *st = NULL;
  cm_rc rc = prep(ctx, "SELECT seq, raw FROM inherited WHERE author=? AND seq=?", &st, err);
  if (rc) return rc;
  sqlite3_bind_blob(st, 1, author, PROTO_KEY_BYTES, SQLITE_STATIC);
  sqlite3_bind_int64(st, 2, (sqlite3_int64)seq);
  int s = sqlite3_step(st);
  if (s == SQLITE_ROW)
    rc = fn(arg, seq, sqlite3_column_blob(st, 1), (size_t)sqlite3_column_bytes(st, 1), err);
  else if (s != SQLITE_DONE)
    rc = cm_db_check(ctx->db, s, "读取原电脑的台账", err);
  sqlite3_finalize(st);
  return rc;
}

cm_rc store_inherited_each(node_ctx *ctx, const uint8_t author[PROTO_KEY_BYTES], store_log_fn fn,
                           void *arg, cm_err *err) {
  sqlite3_stmt *st = NULL;
  /* one earlier key's log (node/inherit.h), in sequence order */
  cm_rc rc = prep(ctx, "SELECT seq, raw FROM inherited WHERE author=? ORDER BY seq", &st, err);
  if (!rc) sqlite3_bind_blob(st, 1, author, PROTO_KEY_BYTES, SQLITE_STATIC);
  while (!rc) {
    int s = sqlite3_step(st);
    if (s == SQLITE_DONE) break;
    if (s != SQLITE_ROW) {
      rc = cm_db_check(ctx->db, s, "读取原电脑的台账", err);
      break;
    }
    rc = fn(arg, (uint64_t)sqlite3_column_int64(st, 0), sqlite3_column_blob(st, 1),
            (size_t)sqlite3_column_bytes(st, 1), err);
  }
  sqlite3_finalize(st);
  return rc;
}

/* Run a "SELECT count(*)"-style statement with at most one text parameter
 * (param NULL: none); what names the question in the error. */
static cm_rc count_query(node_ctx *ctx, const char *sql, const char *param, const char *what,
                         uint64_t *n_out, cm_err *err) {
  sqlite3_stmt *st = NULL;
  *n_out = 0;
  cm_rc rc = prep(ctx, sql, &st, err);
  if (rc) goto out;
  if (param) bind_text(st, 1, param);
  int s = sqlite3_step(st);
  if (s == SQLITE_ROW)
    *n_out = (uint64_t)sqlite3_column_int64(st, 0);
  else
    rc = cm_db_check(ctx->db, s, what, err);
out:
  sqlite3_finalize(st);
  return rc;
}

cm_rc store_log_count_kind(node_ctx *ctx, const char *kind, uint64_t *n_out, cm_err *err) {
  return count_query(ctx, "SELECT count(*) FROM log WHERE kind=?", kind, "统计台账记录数", n_out,
                     err);
}

uint64_t store_now_ms(node_ctx *ctx) {
  uint64_t now = cm_now_ms();
  uint64_t hub = store_meta_u64(ctx, "last_hub_time_ms", 0);
  return hub > now ? hub : now;
}

cm_rc store_receipt_add(node_ctx *ctx, const uint8_t hub[PROTO_KEY_BYTES], uint64_t seq,
                        const uint8_t head[PROTO_HASH_BYTES], uint64_t hub_time_ms,
                        const uint8_t *raw, size_t raw_len, cm_err *err) {
  sqlite3_stmt *st = NULL;
  cm_rc rc = prep(ctx, "INSERT OR IGNORE INTO receipts(hub,seq,head,hub_time_ms,raw,received_ms)"
                       " VALUES(?,?,?,?,?,?)", &st, err);
  if (rc) goto out;
  sqlite3_bind_blob(st, 1, hub, PROTO_KEY_BYTES, SQLITE_STATIC);
  sqlite3_bind_int64(st, 2, (sqlite3_int64)seq);
  sqlite3_bind_blob(st, 3, head, PROTO_HASH_BYTES, SQLITE_STATIC);
  sqlite3_bind_int64(st, 4, (sqlite3_int64)hub_time_ms);
  sqlite3_bind_blob(st, 5, raw, (int)raw_len, SQLITE_STATIC);
  sqlite3_bind_int64(st, 6, (sqlite3_int64)store_now_ms(ctx));
  rc = step_done(ctx, st, "保存回执", err);
out:
  sqlite3_finalize(st);
  return rc;
}

cm_rc store_receipt_count(node_ctx *ctx, uint64_t *n_out, cm_err *err) {
  return count_query(ctx, "SELECT count(*) FROM receipts", NULL, "统计回执", n_out, err);
}

cm_rc store_inbox_add(node_ctx *ctx, uint64_t cursor, uint64_t hub_seq, const char *kind,
                      const char *body, uint64_t time_ms, const uint8_t *raw, size_t raw_len,
                      const char *origin, const char *record, int *added_out, cm_err *err) {
  sqlite3_stmt *st = NULL;
  *added_out = 0;
  cm_rc rc = prep(ctx, "INSERT OR IGNORE INTO inbox(cursor,hub_seq,kind,body,time_ms,raw,origin,"
                       "record) VALUES(?,?,?,?,?,?,?,?)", &st, err);
  if (rc) goto out;
  sqlite3_bind_int64(st, 1, (sqlite3_int64)cursor);
  sqlite3_bind_int64(st, 2, (sqlite3_int64)hub_seq);
  bind_text(st, 3, kind);
  bind_text(st, 4, body);
  sqlite3_bind_int64(st, 5, (sqlite3_int64)time_ms);
  sqlite3_bind_blob(st, 6, raw, (int)raw_len, SQLITE_STATIC);
  bind_text(st, 7, origin ? origin : "street");
  bind_text(st, 8, record ? record : "");
  rc = step_done(ctx, st, "保存决定", err);
  if (!rc) *added_out = sqlite3_changes(ctx->db) > 0;
out:
  sqlite3_finalize(st);
  return rc;
}

cm_rc store_inbox_each(node_ctx *ctx, store_inbox_fn fn, void *arg, cm_err *err) {
  sqlite3_stmt *st = NULL;
  cm_rc rc = prep(ctx, "SELECT cursor, kind, body, origin, record, time_ms FROM inbox"
                       " ORDER BY cursor", &st, err);
  if (rc) goto out;
  for (;;) {
    int s = sqlite3_step(st);
    if (s == SQLITE_DONE) break;
    if (s != SQLITE_ROW) {
      rc = cm_db_check(ctx->db, s, "读取收件箱", err);
      break;
    }
    rc = fn(arg, (uint64_t)sqlite3_column_int64(st, 0), col_text(st, 1), col_text(st, 2),
            col_text(st, 3), col_text(st, 4), (uint64_t)sqlite3_column_int64(st, 5), err);
    if (rc) break;
  }
out:
  sqlite3_finalize(st);
  return rc;
}

/* Text of key k in o, or JSON null (also for "": hubs write "" for a field a
 * decision of that kind does not use). */
static json_t *opt_str(const json_t *o, const char *k) {
  json_t *v = json_object_get(o, k);
  return json_is_string(v) && json_string_length(v) > 0 ? json_incref(v) : json_null();
}

cm_rc store_inbox_json(node_ctx *ctx, const char *hub_hex, const char *today, json_t **out,
                       cm_err *err) {
  sqlite3_stmt *st = NULL;
  json_t *arr = json_array();
  cm_rc rc = arr ? CM_OK : CM_ERR_NOMEM;
  if (!rc) rc = prep(ctx, "SELECT i.cursor, i.hub_seq, i.kind, i.body, i.time_ms, i.read,"
                          " i.origin, i.record, d.closed, d.deadline,"
                          " (SELECT max(r.seq) FROM rectifications r WHERE r.decision=i.record),"
                          " (SELECT x.body->>'reason' FROM inbox x WHERE"
                          "  CASE WHEN x.kind='decision.withdrawn' AND json_valid(x.body)"
                          "  THEN x.body->>'decision' END = i.record ORDER BY x.cursor LIMIT 1),"
                          " (SELECT o.name FROM orgs o WHERE o.id ="
                          "  CASE WHEN json_valid(i.body) THEN i.body->>'org' END)"
                          " FROM inbox i LEFT JOIN decisions d ON d.record=i.record"
                          " AND i.record<>''"
                          /* trainings have their own list (node_training_list) */
                          " WHERE i.kind <> 'training.recorded'"
                          " ORDER BY i.cursor DESC", &st, err);
  if (rc) goto out;
  for (;;) {
    int s = sqlite3_step(st);
    if (s == SQLITE_DONE) break;
    if (s != SQLITE_ROW) {
      rc = cm_db_check(ctx->db, s, "读取收件箱", err);
      break;
    }
    const char *body = col_text(st, 3);
    const char *kind = col_text(st, 2);
    json_t *b = json_loads(body, 0, NULL);
    if (!b || !json_is_object(b)) {
      json_decref(b);
      b = json_object();
    }
    char record[PROTO_KEY_HEX + 24];
    if (col_text(st, 7)[0])
      snprintf(record, sizeof record, "%s", col_text(st, 7));
    else
      snprintf(record, sizeof record, "%s/%lld", hub_hex, (long long)sqlite3_column_int64(st, 1));
    char when[26];
    cm_time_iso((uint64_t)sqlite3_column_int64(st, 4), when);
    /* An activity acknowledgement's note is what staff read as its reason; a
     * batch review names the records it rejected in "rejected". */
    json_t *reason = opt_str(b, "reason");
    /* ... a street's recommendation its opinion, a round of evaluation its title. */
    static const char *const why[] = {"note", "opinion", "title", NULL};
    for (const char *const *k = why; *k && json_is_null(reason); k++) {
      json_decref(reason);
      reason = opt_str(b, *k);
    }
    /* ... a setting the district sent down, what it sets. */
    char said[256];
    if (json_is_null(reason) && cm_setting_text(CM_LANG_ZH, kind, b, said, sizeof said)) {
      json_decref(reason);
      reason = json_string(said);
    }
    /* What the item is about: a record, a criticism, or an activity. */
    /* A recommendation is about our nomination; a commendation from a round
     * may name a person; a round is named by its id. */
    static const char *const subj[] = {"record", "decision", "activity", "id", "person",
                                       "nomination", "round", NULL};
    json_t *rec = json_null();
    for (const char *const *k = subj; *k && json_is_null(rec); k++) {
      if (!strcmp(*k, "id") && strcmp(kind, "activity.ack") != 0) continue;
      json_decref(rec);
      rec = opt_str(b, *k);
    }
    json_t *item = json_pack("{s:I,s:s,s:s,s:o,s:o,s:o,s:o,s:s,s:O,s:s,s:b}",
                             "cursor", (json_int_t)sqlite3_column_int64(st, 0),
                             "kind", kind, "record", record,
                             "subject", rec,
                             "org", opt_str(b, "org"),
                             "reason", reason,
                             "deadline", opt_str(b, "deadline"),
                             "origin", col_text(st, 6),
                             "body", b, "time", when,
                             "read", sqlite3_column_int(st, 5) != 0);
    if (item && sqlite3_column_type(st, 8) != SQLITE_NULL &&
        !strcmp(col_text(st, 8), "withdrawn")) {
      /* Withdrawn by the hub that wrote it: no longer open, with its reason. */
      json_object_set_new(item, "withdrawn", json_true());
      json_object_set_new(item, "withdrawn_reason", json_string(col_text(st, 11)));
    }
    /* The organisation by name beside its filing number. */
    if (item && sqlite3_column_type(st, 12) != SQLITE_NULL)
      json_object_set_new(item, "org_name", json_string(col_text(st, 12)));
    if (item) {
      json_t *res = opt_str(b, "result");
      if (json_is_null(res)) {
        json_decref(res);
        res = opt_str(b, "status");
      }
      json_object_set_new(item, "result", res);
      /* A criticism, and an inspection to rectify by a deadline, stay open
       * until the street accepts the rectification. */
      if (!strcmp(kind, "decision.criticize") ||
          (!strcmp(kind, "decision.inspect") && col_text(st, 9)[0])) {
        /* Open until the street accepts the rectification; overdue is judged by
         * the node's "today" (never earlier than the hub's clock). */
        int closed = sqlite3_column_type(st, 8) != SQLITE_NULL && col_text(st, 8)[0];
        const char *dl = col_text(st, 9);
        json_object_set_new(item, "closed", json_boolean(closed));
        json_object_set_new(item, "overdue",
                            json_boolean(!closed && dl[0] && today && strcmp(today, dl) > 0));
        if (sqlite3_column_type(st, 10) != SQLITE_NULL) {
          char rr[PROTO_KEY_HEX + 24], me[PROTO_KEY_HEX];
          proto_key_hex(ctx->kp.pk, me);
          snprintf(rr, sizeof rr, "%s/%lld", me, (long long)sqlite3_column_int64(st, 10));
          json_object_set_new(item, "rectification", json_string(rr));
        } else {
          json_object_set_new(item, "rectification", json_null());
        }
      }
    }
    json_decref(b);
    if (!item || json_array_append_new(arr, item)) {
      rc = cm_errf(err, CM_ERR_NOMEM, "列出上级决定时内存不足");
      break;
    }
  }
out:
  sqlite3_finalize(st);
  if (rc) {
    json_decref(arr);
    arr = NULL;
  }
  *out = arr;
  return rc;
}

cm_rc store_inbox_mark_read(node_ctx *ctx, uint64_t cursor, cm_err *err) {
  sqlite3_stmt *st = NULL;
  cm_rc rc = prep(ctx, "UPDATE inbox SET read=1 WHERE ?=0 OR cursor=?", &st, err);
  if (rc) goto out;
  sqlite3_bind_int64(st, 1, (sqlite3_int64)cursor);
  sqlite3_bind_int64(st, 2, (sqlite3_int64)cursor);
  rc = step_done(ctx, st, "标为已读", err);
out:
  sqlite3_finalize(st);
  return rc;
}

cm_rc store_inbox_unread(node_ctx *ctx, uint64_t *n_out, cm_err *err) {
  return count_query(ctx, "SELECT count(*) FROM inbox WHERE read=0 AND kind <> 'training.recorded'", NULL, "统计未读消息", n_out,
                     err);
}

cm_rc store_proj_clear(node_ctx *ctx, cm_err *err) {
  return cm_db_exec(ctx->db, "DELETE FROM orgs; DELETE FROM reports; DELETE FROM activities;"
                             " DELETE FROM rectifications; DELETE FROM reviews;"
                             " DELETE FROM filings; DELETE FROM decisions;"
                             " DELETE FROM activity_acks; DELETE FROM stations;", err);
}

#define ORG_COLS "id, name, category, leader, phone, members, party_members, party_station," \
                 " founded_by, scope, venue, filed, flags, status, reason, record, codes"

/* ORG_COLS plus the review status and reason of the organisation's latest
 * filing or amendment (pending until the street's review says otherwise). */
#define ORG_SELECT ORG_COLS ", (SELECT coalesce(v.status,'pending') FROM filings f" \
  " LEFT JOIN reviews v ON v.seq=f.seq WHERE f.org=orgs.id ORDER BY f.seq DESC LIMIT 1)," \
  " (SELECT coalesce(v.reason,'') FROM filings f LEFT JOIN reviews v ON v.seq=f.seq" \
  " WHERE f.org=orgs.id ORDER BY f.seq DESC LIMIT 1)," \
  " EXISTS(SELECT 1 FROM stations s JOIN reviews v ON v.seq=s.seq AND v.status='accepted'" \
  " WHERE s.org=orgs.id)"

/* flags without "party_station": that one is never stored but computed on
 * reading (org_row), since it clears only when the street accepts a station
 * registration.  New array. */
static json_t *flags_stored(const json_t *flags) {
  json_t *out = json_array();
  size_t i;
  json_t *f;
  json_array_foreach(flags, i, f) {
    if (out && json_is_string(f) && strcmp(json_string_value(f), "party_station") != 0)
      json_array_append(out, f);
  }
  return out;
}

/* An orgs row (columns ORG_SELECT) as a JSON object. */
static json_t *org_row(sqlite3_stmt *st) {
  json_t *held = json_loads(col_text(st, 12), 0, NULL);
  json_t *flags = flags_stored(held);
  json_decref(held);
  if (!flags) return NULL;
  /* three or more party members need an accepted station registration */
  if (sqlite3_column_int64(st, 6) >= 3 && sqlite3_column_int(st, 19) == 0)
    json_array_append_new(flags, json_string("party_station"));
  json_t *o = json_pack("{s:s,s:s,s:s,s:s,s:s,s:I,s:I,s:b,s:s,s:s,s:s,s:s,s:o,s:s,s:s,s:s,s:s,s:s}",
                   "id", col_text(st, 0), "name", col_text(st, 1), "category", col_text(st, 2),
                   "leader", col_text(st, 3), "phone", col_text(st, 4),
                   "members", (json_int_t)sqlite3_column_int64(st, 5),
                   "party_members", (json_int_t)sqlite3_column_int64(st, 6),
                   "party_station", sqlite3_column_int(st, 7) != 0,
                   "founded_by", col_text(st, 8), "scope", col_text(st, 9),
                   "venue", col_text(st, 10), "filed", col_text(st, 11), "flags", flags,
                   "status", col_text(st, 13), "reason", col_text(st, 14),
                   "record", col_text(st, 15), "review",
                   sqlite3_column_type(st, 17) == SQLITE_NULL ? "pending" : col_text(st, 17),
                   "review_reason", col_text(st, 18));
  /* the codes from the district's lists, only those given */
  json_t *codes = json_loads(col_text(st, 16), 0, NULL);
  const char *k;
  json_t *v;
  if (o && json_is_object(codes)) {
    json_object_foreach(codes, k, v) {
      if (json_string_length(v)) json_object_set(o, k, v);
    }
  }
  json_decref(codes);
  return o;
}

cm_rc store_org_get(node_ctx *ctx, const char *id, json_t **out, cm_err *err) {
  sqlite3_stmt *st = NULL;
  *out = NULL;
  cm_rc rc = prep(ctx, "SELECT " ORG_SELECT " FROM orgs WHERE id=?", &st, err);
  if (rc) goto out;
  bind_text(st, 1, id);
  int s = sqlite3_step(st);
  if (s == SQLITE_ROW) {
    *out = org_row(st);
    if (!*out) rc = cm_errf(err, CM_ERR_NOMEM, "内存不足");
  } else if (s == SQLITE_DONE) {
    rc = cm_errf(err, CM_ERR_NOT_FOUND, "没有这个组织 / unknown organisation: %s", id);
  } else {
    rc = cm_db_check(ctx->db, s, "读取组织", err);
  }
out:
  sqlite3_finalize(st);
  return rc;
}

static const char *jstr(const json_t *o, const char *k) {
  const char *s = json_string_value(json_object_get(o, k));
  return s ? s : "";
}

cm_rc store_org_put(node_ctx *ctx, const json_t *org, cm_err *err) {
  sqlite3_stmt *st = NULL;
  char *flags = NULL;
  char *codes = NULL;
  cm_rc rc = prep(ctx, "INSERT OR REPLACE INTO orgs(" ORG_COLS ") VALUES"
                       "(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", &st, err);
  if (rc) goto out;
  json_t *fl = flags_stored(json_object_get(org, "flags"));
  flags = fl ? json_dumps(fl, JSON_COMPACT) : NULL;
  json_decref(fl);
  if (!flags) {
    rc = cm_errf(err, CM_ERR_NOMEM, "内存不足");
    goto out;
  }
  static const char *const text_cols[] = {"id", "name", "category", "leader", "phone"};
  for (int i = 0; i < 5; i++) bind_text(st, i + 1, jstr(org, text_cols[i]));
  sqlite3_bind_int64(st, 6, (sqlite3_int64)json_integer_value(json_object_get(org, "members")));
  sqlite3_bind_int64(st, 7,
                     (sqlite3_int64)json_integer_value(json_object_get(org, "party_members")));
  sqlite3_bind_int(st, 8, json_is_true(json_object_get(org, "party_station")));
  bind_text(st, 9, jstr(org, "founded_by"));
  bind_text(st, 10, jstr(org, "scope"));
  bind_text(st, 11, jstr(org, "venue"));
  bind_text(st, 12, jstr(org, "filed"));
  bind_text(st, 13, flags);
  bind_text(st, 14, json_object_get(org, "status") ? jstr(org, "status") : "active");
  bind_text(st, 15, jstr(org, "reason"));
  bind_text(st, 16, jstr(org, "record"));
  json_t *cj = json_pack("{s:s,s:s,s:s}", "category_code", jstr(org, "category_code"), "industry",
                         jstr(org, "industry"), "unit", jstr(org, "unit"));
  codes = cj ? json_dumps(cj, JSON_COMPACT) : NULL;
  json_decref(cj);
  if (!codes) {
    rc = cm_errf(err, CM_ERR_NOMEM, "内存不足");
    goto out;
  }
  bind_text(st, 17, codes);
  rc = step_done(ctx, st, "写入组织", err);
out:
  free(codes);
  free(flags);
  sqlite3_finalize(st);
  return rc;
}

/* Collect every row of st through make() into a new array. */
static cm_rc rows_json(node_ctx *ctx, sqlite3_stmt *st, json_t *(*make)(sqlite3_stmt *, void *),
                       void *arg, json_t **out, cm_err *err) {
  json_t *arr = json_array();
  cm_rc rc = arr ? CM_OK : cm_errf(err, CM_ERR_NOMEM, "内存不足");
  while (!rc) {
    int s = sqlite3_step(st);
    if (s == SQLITE_DONE) break;
    if (s != SQLITE_ROW) {
      rc = cm_db_check(ctx->db, s, "列出记录", err);
      break;
    }
    json_t *o = make(st, arg);
    if (!o || json_array_append_new(arr, o)) rc = cm_errf(err, CM_ERR_NOMEM, "内存不足");
  }
  if (rc) {
    json_decref(arr);
    arr = NULL;
  }
  *out = arr;
  return rc;
}

static json_t *org_row_cb(sqlite3_stmt *st, void *arg) {
  (void)arg;
  return org_row(st);
}

cm_rc store_org_list(node_ctx *ctx, json_t **out, cm_err *err) {
  sqlite3_stmt *st = NULL;
  *out = NULL;
  cm_rc rc = prep(ctx, "SELECT " ORG_SELECT " FROM orgs ORDER BY id", &st, err);
  if (!rc) rc = rows_json(ctx, st, org_row_cb, NULL, out, err);
  sqlite3_finalize(st);
  return rc;
}

cm_rc store_report_put(node_ctx *ctx, uint64_t seq, const json_t *body, uint64_t time_ms,
                       cm_err *err) {
  sqlite3_stmt *st = NULL;
  cm_rc rc = prep(ctx, "INSERT OR REPLACE INTO reports(seq,org,month,activities,participants,"
                       "party_participants,content,scope,good_deeds,time_ms)"
                       " VALUES(?,?,?,?,?,?,?,?,?,?)", &st, err);
  if (rc) goto out;
  sqlite3_bind_int64(st, 1, (sqlite3_int64)seq);
  bind_text(st, 2, jstr(body, "org"));
  bind_text(st, 3, jstr(body, "month"));
  sqlite3_bind_int64(st, 4, (sqlite3_int64)json_integer_value(json_object_get(body, "activities")));
  sqlite3_bind_int64(st, 5,
                     (sqlite3_int64)json_integer_value(json_object_get(body, "participants")));
  sqlite3_bind_int64(
      st, 6, (sqlite3_int64)json_integer_value(json_object_get(body, "party_participants")));
  bind_text(st, 7, jstr(body, "content"));
  bind_text(st, 8, jstr(body, "scope"));
  bind_text(st, 9, jstr(body, "good_deeds"));
  sqlite3_bind_int64(st, 10, (sqlite3_int64)time_ms);
  rc = step_done(ctx, st, "写入月报", err);
out:
  sqlite3_finalize(st);
  return rc;
}

/* The newest accepted version of a report's org and month up to this one: the
 * figure that stands while a correction waits for review. */
#define ACCEPTED_SEQ "(SELECT max(a.seq) FROM reports a JOIN reviews av ON av.seq=a.seq" \
  " AND av.status='accepted' WHERE a.org=r.org AND a.month=r.month AND a.seq<=r.seq)"

/* Report row: r.seq, org, month, activities, participants, party_participants,
 * content, scope, good_deeds, time_ms, org name, versions. */
/* The record id of report row seq: ours, or below zero the predecessor's
 * (node/inherit.h). */
typedef struct report_ids {
  const char *me;
  node_ctx *ctx;
} report_ids;
static void report_record(const report_ids *ids, long long seq, char *out, size_t cap) {
  if (seq < 0)
    store_inherited_record(ids->ctx, (int64_t)seq, out, cap);
  else
    snprintf(out, cap, "%s/%lld", ids->me, seq);
}

static json_t *report_row(sqlite3_stmt *st, void *arg) {
  const report_ids *ids = arg;
  char record[PROTO_KEY_HEX + 24];
  char when[26];
  report_record(ids, (long long)sqlite3_column_int64(st, 0), record, sizeof record);
  cm_time_iso((uint64_t)sqlite3_column_int64(st, 9), when);
  json_t *accepted = json_null();
  if (sqlite3_column_type(st, 14) != SQLITE_NULL) {
    char acc[PROTO_KEY_HEX + 24];
    report_record(ids, (long long)sqlite3_column_int64(st, 14), acc, sizeof acc);
    accepted = json_string(acc);
  }
  return json_pack("{s:s,s:s,s:s,s:I,s:I,s:I,s:s,s:s,s:s,s:s,s:I,s:s,s:s,s:s,s:o}",
                   "org", col_text(st, 1), "org_name", col_text(st, 10),
                   "month", col_text(st, 2),
                   "activities", (json_int_t)sqlite3_column_int64(st, 3),
                   "participants", (json_int_t)sqlite3_column_int64(st, 4),
                   "party_participants", (json_int_t)sqlite3_column_int64(st, 5),
                   "content", col_text(st, 6), "scope", col_text(st, 7),
                   "good_deeds", col_text(st, 8), "record", record,
                   "corrections", (json_int_t)(sqlite3_column_int64(st, 11) - 1),
                   "time", when, "review",
                   sqlite3_column_type(st, 12) == SQLITE_NULL ? "pending" : col_text(st, 12),
                   "review_reason", col_text(st, 13), "accepted_record", accepted);
}

cm_rc store_report_list(node_ctx *ctx, const char *org, const char *month, int history,
                        const char *author_hex, json_t **out, cm_err *err) {
  sqlite3_stmt *st = NULL;
  *out = NULL;
  const char *sql =
      history
          ? "SELECT r.seq, r.org, r.month, r.activities, r.participants, r.party_participants,"
            " r.content, r.scope, r.good_deeds, r.time_ms, coalesce(o.name,''),"
            " (SELECT count(*) FROM reports x WHERE x.org=r.org AND x.month=r.month"
            "  AND x.seq<=r.seq), v.status, v.reason, " ACCEPTED_SEQ
            " FROM reports r LEFT JOIN orgs o ON o.id=r.org LEFT JOIN reviews v ON v.seq=r.seq"
            " WHERE (?1 IS NULL OR r.org=?1) AND (?2 IS NULL OR r.month=?2)"
            " ORDER BY r.month, r.org, r.seq"
          : "SELECT r.seq, r.org, r.month, r.activities, r.participants, r.party_participants,"
            " r.content, r.scope, r.good_deeds, r.time_ms, coalesce(o.name,''),"
            " (SELECT count(*) FROM reports x WHERE x.org=r.org AND x.month=r.month),"
            " v.status, v.reason, " ACCEPTED_SEQ
            " FROM reports r LEFT JOIN orgs o ON o.id=r.org LEFT JOIN reviews v ON v.seq=r.seq"
            " WHERE (?1 IS NULL OR r.org=?1) AND (?2 IS NULL OR r.month=?2)"
            " AND r.seq=(SELECT max(seq) FROM reports y WHERE y.org=r.org AND y.month=r.month)"
            " ORDER BY r.month, r.org";
  cm_rc rc = prep(ctx, sql, &st, err);
  if (rc) goto out;
  bind_text(st, 1, org && *org ? org : NULL);
  bind_text(st, 2, month && *month ? month : NULL);
  report_ids ids = {author_hex, ctx};
  rc = rows_json(ctx, st, report_row, &ids, out, err);
out:
  sqlite3_finalize(st);
  return rc;
}

cm_rc store_activity_put(node_ctx *ctx, uint64_t seq, const json_t *body, cm_err *err) {
  sqlite3_stmt *st = NULL;
  cm_rc rc = prep(ctx, "INSERT OR REPLACE INTO activities(id,seq,org,date,title,place,expected,"
                       "description) VALUES(?,?,?,?,?,?,?,?)", &st, err);
  if (rc) goto out;
  bind_text(st, 1, jstr(body, "id"));
  sqlite3_bind_int64(st, 2, (sqlite3_int64)seq);
  bind_text(st, 3, jstr(body, "org"));
  bind_text(st, 4, jstr(body, "date"));
  bind_text(st, 5, jstr(body, "title"));
  bind_text(st, 6, jstr(body, "place"));
  sqlite3_bind_int64(st, 7, (sqlite3_int64)json_integer_value(json_object_get(body, "expected")));
  bind_text(st, 8, jstr(body, "description"));
  rc = step_done(ctx, st, "写入活动", err);
out:
  sqlite3_finalize(st);
  return rc;
}

/* One level's answer ({"status": "pending"|"acknowledged"|"returned", "note"})
 * from columns i (status, NULL when none) and i + 1 (note). */
static json_t *ack_json(sqlite3_stmt *st, int i) {
  int none = sqlite3_column_type(st, i) == SQLITE_NULL;
  return json_pack("{s:s,s:s}", "status", none ? "pending" : col_text(st, i), "note",
                   none ? "" : col_text(st, i + 1));
}

static json_t *activity_row(sqlite3_stmt *st, void *arg) {
  char record[PROTO_KEY_HEX + 24];
  snprintf(record, sizeof record, "%s/%lld", (const char *)arg,
           (long long)sqlite3_column_int64(st, 1));
  /* Escalation as staff read it: the furthest level reached, or "returned"
   * when either level sent it back. */
  const char *s1 = sqlite3_column_type(st, 8) == SQLITE_NULL ? "" : col_text(st, 8);
  const char *s2 = sqlite3_column_type(st, 10) == SQLITE_NULL ? "" : col_text(st, 10);
  const char *esc = "declared";
  if (!strcmp(s1, "returned") || !strcmp(s2, "returned"))
    esc = "returned";
  else if (!strcmp(s2, "acknowledged"))
    esc = "district_ack";
  else if (!strcmp(s1, "acknowledged"))
    esc = "street_ack";
  return json_pack("{s:s,s:s,s:s,s:s,s:s,s:I,s:s,s:s,s:s,s:o,s:o}", "id", col_text(st, 0),
                   "org", col_text(st, 2), "date", col_text(st, 3), "title", col_text(st, 4),
                   "place", col_text(st, 5), "expected", (json_int_t)sqlite3_column_int64(st, 6),
                   "description", col_text(st, 7), "record", record, "escalation", esc,
                   "street", ack_json(st, 8), "district", ack_json(st, 10));
}

cm_rc store_activity_list(node_ctx *ctx, const char *author_hex, json_t **out, cm_err *err) {
  sqlite3_stmt *st = NULL;
  *out = NULL;
  cm_rc rc = prep(ctx, "SELECT a.id, a.seq, a.org, a.date, a.title, a.place, a.expected,"
                       " a.description, s.status, s.note, d.status, d.note FROM activities a"
                       " LEFT JOIN activity_acks s ON s.id=a.id AND s.level='street'"
                       " LEFT JOIN activity_acks d ON d.id=a.id AND d.level='district'"
                       " ORDER BY a.date, a.id", &st, err);
  if (!rc) rc = rows_json(ctx, st, activity_row, (void *)author_hex, out, err);
  sqlite3_finalize(st);
  return rc;
}

cm_rc store_rect_put(node_ctx *ctx, uint64_t seq, const json_t *body, cm_err *err) {
  sqlite3_stmt *st = NULL;
  cm_rc rc = prep(ctx, "INSERT OR REPLACE INTO rectifications(seq,org,decision,content)"
                       " VALUES(?,?,?,?)", &st, err);
  if (rc) goto out;
  sqlite3_bind_int64(st, 1, (sqlite3_int64)seq);
  bind_text(st, 2, jstr(body, "org"));
  bind_text(st, 3, jstr(body, "decision"));
  bind_text(st, 4, jstr(body, "content"));
  rc = step_done(ctx, st, "写入整改", err);
out:
  sqlite3_finalize(st);
  return rc;
}

cm_rc store_station_put(node_ctx *ctx, uint64_t seq, const json_t *body, cm_err *err) {
  sqlite3_stmt *st = NULL;
  char *text = json_dumps(body, JSON_COMPACT | JSON_PRESERVE_ORDER);
  cm_rc rc = text ? prep(ctx, "INSERT OR REPLACE INTO stations(seq,org,body) VALUES(?,?,?)", &st, err)
                  : cm_errf(err, CM_ERR_NOMEM, "内存不足");
  if (rc) goto out;
  sqlite3_bind_int64(st, 1, (sqlite3_int64)seq);
  bind_text(st, 2, jstr(body, "org"));
  bind_text(st, 3, text);
  rc = step_done(ctx, st, "写入党员活动站", err);
out:
  sqlite3_finalize(st);
  free(text);
  return rc;
}

static json_t *station_row(sqlite3_stmt *st, void *arg) {
  (void)arg;
  json_t *o = json_loads(col_text(st, 1), 0, NULL);
  if (!json_is_object(o)) {
    json_decref(o);
    o = json_object();
  }
  if (o) {
    json_object_set_new(o, "seq", json_integer(sqlite3_column_int64(st, 0)));
    json_object_set_new(o, "review", json_string(col_text(st, 2)));
    json_object_set_new(o, "review_reason", json_string(col_text(st, 3)));
  }
  return o;
}

cm_rc store_stations_json(node_ctx *ctx, const char *org, json_t **out, cm_err *err) {
  sqlite3_stmt *st = NULL;
  *out = NULL;
  cm_rc rc = prep(ctx, "SELECT s.seq, s.body, coalesce(v.status,'pending'), coalesce(v.reason,'')"
                       " FROM stations s LEFT JOIN reviews v ON v.seq=s.seq"
                       " WHERE ?1 IS NULL OR s.org=?1 ORDER BY s.seq", &st, err);
  if (!rc) {
    if (org)
      bind_text(st, 1, org);
    else
      sqlite3_bind_null(st, 1);
    rc = rows_json(ctx, st, station_row, NULL, out, err);
  }
  sqlite3_finalize(st);
  return rc;
}

cm_rc store_list_items(node_ctx *ctx, const char *list, json_t **items_out, cm_err *err) {
  sqlite3_stmt *st = NULL;
  *items_out = NULL;
  cm_rc rc = prep(ctx, "SELECT body FROM inbox WHERE kind='list.published' AND json_valid(body)"
                       " AND body->>'list'=? ORDER BY cursor DESC LIMIT 1", &st, err);
  if (rc) goto out;
  bind_text(st, 1, list);
  int s = sqlite3_step(st);
  if (s == SQLITE_ROW) {
    json_t *b = json_loads(col_text(st, 0), 0, NULL);
    json_t *items = json_object_get(b, "items");
    if (json_is_array(items)) *items_out = json_incref(items);
    json_decref(b);
  } else if (s != SQLITE_DONE) {
    rc = cm_db_check(ctx->db, s, "读取名单", err);
  }
out:
  sqlite3_finalize(st);
  return rc;
}

/* The newest inbox entry of kind (a district setting the feed brought), read
 * by the domain core into *b (strings in *json, the caller's to decref):
 * *found 0 when there is none or it is out of the core's bounds (signed by
 * our hub, and bounded again: a setting outside them is not applied). */
static cm_rc inbox_setting(node_ctx *ctx, const char *kind, cm_rec_body *b, json_t **json,
                           int *found, cm_err *err) {
  sqlite3_stmt *st = NULL;
  *json = NULL;
  *found = 0;
  cm_rc rc = prep(ctx, "SELECT body FROM inbox WHERE kind=?1 ORDER BY cursor DESC LIMIT 1", &st, err);
  if (rc) return rc;
  sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
  int s = sqlite3_step(st);
  if (s == SQLITE_ROW) {
    const char *t = col_text(st, 0);
    cm_err why;
    *found = cm_rec_read(cm_rec_find(kind), (const uint8_t *)t, strlen(t), b, json, &why) == CM_OK;
  } else if (s != SQLITE_DONE) {
    rc = cm_db_check(ctx->db, s, "读取区协会的设定", err);
  }
  sqlite3_finalize(st);
  return rc;
}

cm_rc store_limits(node_ctx *ctx, uint64_t *file_max, uint64_t *org_year_max, cm_err *err) {
  cm_rec_body b;
  json_t *json = NULL;
  int found = 0;
  *file_max = *org_year_max = 0;
  cm_rc rc = inbox_setting(ctx, "limits.set", &b, &json, &found, err);
  if (!rc && found) cm_rec_limits_bytes(&b.u.limits, file_max, org_year_max);
  json_decref(json);
  return rc;
}

cm_rc store_feedback_days(node_ctx *ctx, int64_t *days, cm_err *err) {
  cm_rec_body b;
  json_t *json = NULL;
  int found = 0;
  *days = CM_REC_FEEDBACK_DAYS;
  cm_rc rc = inbox_setting(ctx, "feedback.due", &b, &json, &found, err);
  if (!rc && found) *days = b.u.feedback_due.days;
  json_decref(json);
  return rc;
}

cm_rc store_proj_dump(node_ctx *ctx, cm_buf *out, cm_err *err) {
  /* Every column of every projection table, in primary-key order; quote() gives
   * an unambiguous text form of each value. */
  static const char *const dumps[] = {
      "SELECT 'orgs|' || quote(id)||'|'||quote(name)||'|'||quote(category)||'|'||quote(leader)"
      "||'|'||quote(phone)||'|'||members||'|'||party_members||'|'||party_station||'|'"
      "||quote(founded_by)||'|'||quote(scope)||'|'||quote(venue)||'|'||quote(filed)||'|'"
      "||quote(flags)||'|'||quote(status)||'|'||quote(reason)||'|'||quote(record)"
      "||'|'||quote(codes) FROM orgs ORDER BY id",
      "SELECT 'stations|'||seq||'|'||quote(org)||'|'||quote(body) FROM stations ORDER BY seq",
      "SELECT 'reports|'||seq||'|'||quote(org)||'|'||quote(month)||'|'||activities||'|'"
      "||participants||'|'||party_participants||'|'||quote(content)||'|'||quote(scope)||'|'"
      "||quote(good_deeds)||'|'||time_ms FROM reports ORDER BY seq",
      "SELECT 'activities|'||quote(id)||'|'||seq||'|'||quote(org)||'|'||quote(date)||'|'"
      "||quote(title)||'|'||quote(place)||'|'||expected||'|'||quote(description)"
      " FROM activities ORDER BY id",
      "SELECT 'rectifications|'||seq||'|'||quote(org)||'|'||quote(decision)||'|'"
      "||quote(content) FROM rectifications ORDER BY seq",
      "SELECT 'reviews|'||seq||'|'||quote(status)||'|'||quote(reason)||'|'||quote(review)"
      " FROM reviews ORDER BY seq",
      "SELECT 'filings|'||seq||'|'||quote(org) FROM filings ORDER BY seq",
      "SELECT 'decisions|'||quote(record)||'|'||cursor||'|'||quote(kind)||'|'||quote(origin)"
      "||'|'||quote(org)||'|'||quote(community)||'|'||quote(deadline)||'|'||quote(result)"
      "||'|'||quote(reason)||'|'||time_ms||'|'||quote(closed) FROM decisions ORDER BY record",
      "SELECT 'activity_acks|'||quote(id)||'|'||quote(level)||'|'||quote(status)||'|'"
      "||quote(note)||'|'||quote(record) FROM activity_acks ORDER BY id, level",
  };
  cm_rc rc = CM_OK;
  for (size_t i = 0; !rc && i < sizeof dumps / sizeof dumps[0]; i++) {
    sqlite3_stmt *st = NULL;
    rc = prep(ctx, dumps[i], &st, err);
    while (!rc) {
      int s = sqlite3_step(st);
      if (s == SQLITE_DONE) break;
      if (s != SQLITE_ROW) {
        rc = cm_db_check(ctx->db, s, "导出", err);
        break;
      }
      rc = cm_buf_appendf(out, "%s\n", col_text(st, 0));
    }
    sqlite3_finalize(st);
  }
  return rc;
}

cm_rc store_review_put(node_ctx *ctx, uint64_t seq, const char *status, const char *reason,
                       const char *review, cm_err *err) {
  return store_review_put_range(ctx, seq, seq, 0, status, reason, review, err);
}

/* A review's rows, REVIEW_ROWS to a statement: a review covers thousands of
 * rows, and a statement step per row cost as much as the row's insert.  ?1..?3
 * the status, reason and review; ?4 and each further ? a row's sequence. */
#define REVIEW_ROWS 64
#define REVIEW_ROW1 ",(?1,?2,?3,?)"
#define REVIEW_ROW4 REVIEW_ROW1 REVIEW_ROW1 REVIEW_ROW1 REVIEW_ROW1
#define REVIEW_ROW16 REVIEW_ROW4 REVIEW_ROW4 REVIEW_ROW4 REVIEW_ROW4
#define REVIEW_PUT "INSERT OR REPLACE INTO reviews(status,reason,review,seq) VALUES(?1,?2,?3,?4)"
static const char SQL_REVIEW_PUT_MANY[] =
    REVIEW_PUT REVIEW_ROW16 REVIEW_ROW16 REVIEW_ROW16 REVIEW_ROW4 REVIEW_ROW4 REVIEW_ROW4 REVIEW_ROW1
    REVIEW_ROW1 REVIEW_ROW1;

cm_rc store_review_put_range(node_ctx *ctx, uint64_t first, uint64_t last, unsigned gen,
                             const char *status, const char *reason, const char *review,
                             cm_err *err) {
  sqlite3_stmt *st[2] = {NULL, NULL};
  cm_rc rc = prep(ctx, REVIEW_PUT, &st[0], err);
  if (!rc && last >= first && last - first + 1 >= REVIEW_ROWS)
    rc = prep(ctx, SQL_REVIEW_PUT_MANY, &st[1], err);
  for (int k = 0; !rc && k < 2; k++) {
    if (!st[k]) continue;
    bind_text(st[k], 1, status);
    bind_text(st[k], 2, reason ? reason : "");
    bind_text(st[k], 3, review ? review : "");
  }
  uint64_t q = first;
  while (!rc && q >= first && q <= last) {
    int many = st[1] && last - q + 1 >= REVIEW_ROWS;
    sqlite3_stmt *s = st[many];
    for (int i = 0; i < (many ? REVIEW_ROWS : 1); i++, q++)
      sqlite3_bind_int64(s, 4 + i, gen ? store_inherited_row(gen, q) : (sqlite3_int64)q);
    rc = step_done(ctx, s, "写入审核", err);
    sqlite3_reset(s);
  }
  sqlite3_finalize(st[0]);
  sqlite3_finalize(st[1]);
  return rc;
}

int store_entry_refused(node_ctx *ctx, uint64_t seq) {
  sqlite3_stmt *st = NULL;
  cm_err e;
  int yes = 0;
  if (prep(ctx, "SELECT 1 FROM reviews WHERE seq=? AND status='refused'", &st, &e) == CM_OK) {
    sqlite3_bind_int64(st, 1, (sqlite3_int64)seq);
    yes = sqlite3_step(st) == SQLITE_ROW;
  }
  sqlite3_finalize(st);
  return yes;
}

cm_rc store_filing_put(node_ctx *ctx, uint64_t seq, const char *org, cm_err *err) {
  sqlite3_stmt *st = NULL;
  cm_rc rc = prep(ctx, "INSERT OR REPLACE INTO filings(seq,org) VALUES(?,?)", &st, err);
  if (rc) goto out;
  sqlite3_bind_int64(st, 1, (sqlite3_int64)seq);
  bind_text(st, 2, org);
  rc = step_done(ctx, st, "写入备案", err);
out:
  sqlite3_finalize(st);
  return rc;
}

cm_rc store_decision_put(node_ctx *ctx, const char *record, uint64_t cursor, const char *kind,
                         const char *origin, const json_t *body, uint64_t time_ms, cm_err *err) {
  sqlite3_stmt *st = NULL;
  cm_rc rc = prep(ctx, "INSERT INTO decisions(record,cursor,kind,origin,org,community,deadline,"
                       "result,reason,time_ms) VALUES(?,?,?,?,?,?,?,?,?,?)"
                       " ON CONFLICT(record) DO NOTHING", &st, err);
  if (rc) goto out;
  bind_text(st, 1, record);
  sqlite3_bind_int64(st, 2, (sqlite3_int64)cursor);
  bind_text(st, 3, kind);
  bind_text(st, 4, origin);
  bind_text(st, 5, jstr(body, "org"));
  bind_text(st, 6, jstr(body, "community"));
  bind_text(st, 7, jstr(body, "deadline"));
  bind_text(st, 8, jstr(body, "result"));
  bind_text(st, 9, jstr(body, "reason"));
  sqlite3_bind_int64(st, 10, (sqlite3_int64)time_ms);
  rc = step_done(ctx, st, "写入决定", err);
out:
  sqlite3_finalize(st);
  return rc;
}

cm_rc store_decision_close(node_ctx *ctx, const char *record, const char *by, cm_err *err) {
  sqlite3_stmt *st = NULL;
  cm_rc rc = prep(ctx, "UPDATE decisions SET closed=? WHERE record=? AND closed=''", &st, err);
  if (rc) goto out;
  bind_text(st, 1, by && *by ? by : "accepted");
  bind_text(st, 2, record);
  rc = step_done(ctx, st, "关闭决定", err);
out:
  sqlite3_finalize(st);
  return rc;
}

cm_rc store_decision_withdraw(node_ctx *ctx, const char *record, cm_err *err) {
  sqlite3_stmt *st = NULL;
  if (!record || !*record) return CM_OK;
  cm_rc rc = prep(ctx, "UPDATE decisions SET closed='withdrawn' WHERE record=?"
                       " AND kind<>'decision.withdrawn'", &st, err);
  if (rc) goto out;
  bind_text(st, 1, record);
  rc = step_done(ctx, st, "撤回决定", err);
out:
  sqlite3_finalize(st);
  return rc;
}

cm_rc store_ack_put(node_ctx *ctx, const char *id, const char *level, const char *status,
                    const char *note, const char *record, cm_err *err) {
  sqlite3_stmt *st = NULL;
  cm_rc rc = prep(ctx, "INSERT OR REPLACE INTO activity_acks(id,level,status,note,record)"
                       " VALUES(?,?,?,?,?)", &st, err);
  if (rc) goto out;
  bind_text(st, 1, id);
  bind_text(st, 2, level);
  bind_text(st, 3, status);
  bind_text(st, 4, note ? note : "");
  bind_text(st, 5, record ? record : "");
  rc = step_done(ctx, st, "写入确认", err);
out:
  sqlite3_finalize(st);
  return rc;
}

cm_rc store_log_drop_from(node_ctx *ctx, uint64_t from, cm_err *err) {
  sqlite3_stmt *st = NULL;
  cm_rc rc = prep(ctx, "INSERT INTO dropped(seq,hash,kind,raw,dropped_ms,new_seq)"
                       " SELECT seq, hash, kind, raw, ?, 0 FROM log WHERE seq>=? ORDER BY seq",
                  &st, err);
  if (rc) goto out;
  sqlite3_bind_int64(st, 1, (sqlite3_int64)store_now_ms(ctx));
  sqlite3_bind_int64(st, 2, (sqlite3_int64)from);
  rc = step_done(ctx, st, "保留被删除的记录", err);
  sqlite3_finalize(st);
  st = NULL;
  if (!rc) rc = prep(ctx, "DELETE FROM log WHERE seq>=?", &st, err);
  if (rc) goto out;
  sqlite3_bind_int64(st, 1, (sqlite3_int64)from);
  rc = step_done(ctx, st, "删除记录", err);
out:
  sqlite3_finalize(st);
  return rc;
}

cm_rc store_dropped_mark(node_ctx *ctx, uint64_t old_seq, uint64_t new_seq, cm_err *err) {
  sqlite3_stmt *st = NULL;
  cm_rc rc = prep(ctx, "UPDATE dropped SET new_seq=?1 WHERE id="
                       "(SELECT max(id) FROM dropped WHERE seq=?2)", &st, err);
  if (rc) goto out;
  sqlite3_bind_int64(st, 1, (sqlite3_int64)new_seq);
  sqlite3_bind_int64(st, 2, (sqlite3_int64)old_seq);
  rc = step_done(ctx, st, "标记重新追加的记录", err);
out:
  sqlite3_finalize(st);
  return rc;
}

cm_rc store_id_taken(node_ctx *ctx, const char *table, const char *id, int *taken_out,
                     cm_err *err) {
  uint64_t n = 0;
  /* table is one of two constants, never input */
  cm_rc rc = count_query(ctx,
                         strcmp(table, "activities") == 0
                             ? "SELECT count(*) FROM activities WHERE id=?"
                             : "SELECT count(*) FROM orgs WHERE id=?",
                         id, "查找编号", &n, err);
  *taken_out = n > 0;
  return rc;
}

cm_rc store_overdue_count(node_ctx *ctx, const char *today, uint64_t *n_out, cm_err *err) {
  return count_query(ctx, "SELECT count(*) FROM decisions WHERE kind='decision.criticize'"
                          " AND closed='' AND deadline<>'' AND deadline<?",
                     today, "统计逾期的批评", n_out, err);
}

cm_rc store_filing_orgs_between(node_ctx *ctx, int64_t lo, int64_t hi, json_t **out,
                                cm_err *err) {
  sqlite3_stmt *st = NULL;
  *out = json_array();
  if (!*out) return cm_errf(err, CM_ERR_NOMEM, "内存不足");
  cm_rc rc = prep(ctx, "SELECT DISTINCT org FROM filings WHERE seq BETWEEN ? AND ?", &st, err);
  if (rc) return rc;
  sqlite3_bind_int64(st, 1, lo);
  sqlite3_bind_int64(st, 2, hi);
  for (;;) {
    int s = sqlite3_step(st);
    if (s == SQLITE_DONE) break;
    if (s != SQLITE_ROW) {
      rc = cm_db_check(ctx->db, s, "读取备案", err);
      break;
    }
    if (json_array_append_new(*out, json_string(col_text(st, 0)))) {
      rc = cm_errf(err, CM_ERR_NOMEM, "内存不足");
      break;
    }
  }
  sqlite3_finalize(st);
  return rc;
}

cm_rc store_filing_seqs(node_ctx *ctx, const char *org, uint64_t *seqs, size_t cap, size_t *n_out,
                        cm_err *err) {
  sqlite3_stmt *st = NULL;
  *n_out = 0;
  cm_rc rc = prep(ctx, "SELECT seq FROM filings WHERE org=? ORDER BY seq", &st, err);
  if (rc) return rc;
  bind_text(st, 1, org);
  for (;;) {
    int s = sqlite3_step(st);
    if (s == SQLITE_DONE) break;
    if (s != SQLITE_ROW) {
      rc = cm_db_check(ctx->db, s, "读取备案", err);
      break;
    }
    if (*n_out < cap) seqs[(*n_out)++] = (uint64_t)sqlite3_column_int64(st, 0);
  }
  sqlite3_finalize(st);
  return rc;
}

cm_rc store_filing_each(node_ctx *ctx, const char *org, store_filing_fn fn, void *arg,
                        cm_err *err) {
  sqlite3_stmt *st = NULL;
  cm_rc rc = prep(ctx, "SELECT f.seq, coalesce(v.status, 'pending') FROM filings f"
                       " LEFT JOIN reviews v ON v.seq = f.seq WHERE f.org = ? ORDER BY f.seq",
                  &st, err);
  if (rc) return rc;
  bind_text(st, 1, org);
  for (;;) {
    int s = sqlite3_step(st);
    if (s == SQLITE_DONE) break;
    if (s != SQLITE_ROW) {
      rc = cm_db_check(ctx->db, s, "读取备案", err);
      break;
    }
    rc = fn(arg, (uint64_t)sqlite3_column_int64(st, 0), col_text(st, 1), err);
    if (rc) break;
  }
  sqlite3_finalize(st);
  return rc;
}

/* ---- notices (node/year.c) ---- */

cm_rc store_notice_held(node_ctx *ctx, const char *notice, int *held_out, cm_err *err) {
  uint64_t n = 0;
  cm_rc rc = count_query(ctx, "SELECT count(*) FROM inbox WHERE kind = 'notice.sent'"
                              " AND json_valid(body) AND body->>'notice' = ?",
                         notice, "读取收件箱", &n, err);
  *held_out = n > 0;
  return rc;
}

cm_rc store_notice_mark_read(node_ctx *ctx, const char *notice, cm_err *err) {
  sqlite3_stmt *st = NULL;
  cm_rc rc = prep(ctx, "UPDATE inbox SET read = 1 WHERE kind = 'notice.sent'"
                       " AND json_valid(body) AND body->>'notice' = ?", &st, err);
  if (rc) goto out;
  bind_text(st, 1, notice);
  rc = step_done(ctx, st, "把通知标为已读", err);
out:
  sqlite3_finalize(st);
  return rc;
}
