/* store.c - the hub's database: schema, migrations and every SQL statement the
 * hub runs.  Keys and hashes are 32-byte BLOBs; times are Unix ms. */
#include "store.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/codec.h"
#include "../common/db.h"

/* Version 1 of the schema.  Append new migrations; never edit a shipped one. */
static const char *const store_migrations[] = {
  "CREATE TABLE config(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
  /* The enrolment registry and each author's head.  rowid order = the order
   * keys became known, which is the order forwarding walks them. */
  "CREATE TABLE authors("
  "  key BLOB PRIMARY KEY CHECK(length(key) = 32),"
  "  name TEXT NOT NULL DEFAULT '', code TEXT NOT NULL DEFAULT '',"
  "  role TEXT NOT NULL, street TEXT NOT NULL DEFAULT '',"
  "  enrolled_by BLOB, enrolled_ms INTEGER NOT NULL DEFAULT 0,"
  "  revoked INTEGER NOT NULL DEFAULT 0, quarantined INTEGER NOT NULL DEFAULT 0,"
  "  head_seq INTEGER NOT NULL DEFAULT 0, head_hash BLOB,"
  "  skew_ms INTEGER NOT NULL DEFAULT 0, clock_flag INTEGER NOT NULL DEFAULT 0);"
  /* Changesets exactly as their author signed them. */
  "CREATE TABLE changesets("
  "  id INTEGER PRIMARY KEY, author BLOB NOT NULL, first_seq INTEGER NOT NULL,"
  "  last_seq INTEGER NOT NULL, bytes BLOB NOT NULL, received_ms INTEGER NOT NULL,"
  "  via TEXT NOT NULL);"
  "CREATE INDEX changesets_author ON changesets(author, first_seq);"
  /* Each entry once, pointing at the changeset that first brought it; the
   * canonical bytes can be rebuilt from these columns. */
  "CREATE TABLE entries("
  "  id INTEGER PRIMARY KEY, author BLOB NOT NULL, seq INTEGER NOT NULL,"
  "  prev BLOB NOT NULL, hash BLOB NOT NULL, time_ms INTEGER NOT NULL,"
  "  received_ms INTEGER NOT NULL, kind TEXT NOT NULL, body BLOB NOT NULL, sig BLOB,"
  "  changeset INTEGER NOT NULL REFERENCES changesets(id), to_key BLOB,"
  "  UNIQUE(author, seq));"
  "CREATE INDEX entries_to ON entries(to_key) WHERE to_key IS NOT NULL;"
  "CREATE TABLE forks("
  "  id INTEGER PRIMARY KEY, author BLOB NOT NULL, seq INTEGER NOT NULL, held BLOB,"
  "  other BLOB NOT NULL, other_hash BLOB NOT NULL, time_ms INTEGER NOT NULL,"
  "  via TEXT NOT NULL, UNIQUE(author, seq, other_hash));"
  "CREATE TABLE enroll_requests("
  "  id INTEGER PRIMARY KEY, key BLOB NOT NULL, name TEXT NOT NULL, street TEXT NOT NULL,"
  "  code TEXT NOT NULL, role TEXT NOT NULL, time_ms INTEGER NOT NULL,"
  "  status TEXT NOT NULL DEFAULT 'pending');"
  "CREATE INDEX enroll_requests_key ON enroll_requests(key);"
  "CREATE TABLE forward("
  "  author BLOB PRIMARY KEY, acked_seq INTEGER NOT NULL, receipt BLOB,"
  "  time_ms INTEGER NOT NULL);"
  "CREATE TABLE upstream_feed("
  "  cursor INTEGER PRIMARY KEY, bytes BLOB NOT NULL, time_ms INTEGER NOT NULL);"
  /* Projection: rebuilt from entries by `rebuild`. */
  "CREATE TABLE communities("
  "  key BLOB PRIMARY KEY, name TEXT NOT NULL, code TEXT NOT NULL,"
  "  street_key BLOB NOT NULL, street_name TEXT NOT NULL);"
  "CREATE TABLE organisations("
  "  author BLOB NOT NULL, id TEXT NOT NULL, seq INTEGER NOT NULL, data TEXT NOT NULL,"
  "  members INTEGER NOT NULL, party_members INTEGER NOT NULL,"
  "  dissolved INTEGER NOT NULL DEFAULT 0, status TEXT NOT NULL DEFAULT 'pending',"
  "  PRIMARY KEY(author, id));"
  "CREATE TABLE reports("
  "  author BLOB NOT NULL, org TEXT NOT NULL, month TEXT NOT NULL, seq INTEGER NOT NULL,"
  "  activities INTEGER NOT NULL, participants INTEGER NOT NULL,"
  "  party_participants INTEGER NOT NULL, status TEXT NOT NULL DEFAULT 'pending',"
  "  PRIMARY KEY(author, org, month));"
  "CREATE TABLE activities("
  "  author BLOB NOT NULL, id TEXT NOT NULL, seq INTEGER NOT NULL, org TEXT NOT NULL,"
  "  date TEXT NOT NULL, expected INTEGER NOT NULL, status TEXT NOT NULL DEFAULT 'pending',"
  "  PRIMARY KEY(author, id));",
};

#define STORE_CACHE 48

struct hub_store {
  sqlite3 *db;
  /* Prepared statements keyed by the address of their SQL text (each a
   * string literal in this file): ingest runs the same few per entry. */
  struct {
    const char *sql;
    sqlite3_stmt *stmt;
  } cache[STORE_CACHE];
};

cm_rc hub_store_open(const char *path, hub_store **st_out, cm_err *err) {
  hub_store *st = NULL;
  cm_rc rc = CM_OK;

  *st_out = NULL;
  st = calloc(1, sizeof *st);
  if (!st) return cm_errf(err, CM_ERR_NOMEM, "out of memory opening %s", path);
  rc = cm_db_open(path, store_migrations,
                  (int)(sizeof store_migrations / sizeof store_migrations[0]), &st->db, err);
  if (rc) goto out;
  *st_out = st;
  st = NULL;
out:
  free(st);
  return rc;
}

void hub_store_close(hub_store *st) {
  if (!st) return;
  for (size_t i = 0; i < STORE_CACHE; i++) sqlite3_finalize(st->cache[i].stmt);
  cm_db_close(st->db);
  free(st);
}

/* A cached statement for sql, reset and with its bindings cleared. */
static cm_rc st_prep(hub_store *st, const char *sql, sqlite3_stmt **out, cm_err *err) {
  size_t i;
  for (i = 0; i < STORE_CACHE && st->cache[i].sql; i++) {
    if (st->cache[i].sql == sql) {
      sqlite3_reset(st->cache[i].stmt);
      sqlite3_clear_bindings(st->cache[i].stmt);
      *out = st->cache[i].stmt;
      return CM_OK;
    }
  }
  sqlite3_stmt *s = NULL;
  int r = sqlite3_prepare_v3(st->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &s, NULL);
  if (r != SQLITE_OK) return cm_db_check(st->db, r, "preparing a statement", err);
  if (i < STORE_CACHE) {
    st->cache[i].sql = sql;
    st->cache[i].stmt = s;
  }
  /* A full cache cannot happen with the statements of this file; if it did,
   * the statement would leak, so refuse instead. */
  else {
    sqlite3_finalize(s);
    return cm_errf(err, CM_ERR_DB, "statement cache full");
  }
  *out = s;
  return CM_OK;
}

/* Step a statement that returns no rows. */
static cm_rc st_done(hub_store *st, sqlite3_stmt *s, const char *what, cm_err *err) {
  int r = sqlite3_step(s);
  cm_rc rc = r == SQLITE_DONE ? CM_OK : cm_db_check(st->db, r, what, err);
  if (r == SQLITE_ROW) rc = cm_errf(err, CM_ERR_DB, "%s: unexpected row", what);
  sqlite3_reset(s);
  return rc;
}

static void bind_key(sqlite3_stmt *s, int i, const uint8_t *k) {
  if (k)
    sqlite3_bind_blob(s, i, k, PROTO_KEY_BYTES, SQLITE_STATIC);
  else
    sqlite3_bind_null(s, i);
}

static void bind_text(sqlite3_stmt *s, int i, const char *t) {
  sqlite3_bind_text(s, i, t ? t : "", -1, SQLITE_STATIC);
}

static void bind_u64(sqlite3_stmt *s, int i, uint64_t v) {
  sqlite3_bind_int64(s, i, (sqlite3_int64)v);
}

/* Copy a text column into a bounded buffer (truncating). */
static void col_text(sqlite3_stmt *s, int i, char *out, size_t cap) {
  const unsigned char *t = sqlite3_column_text(s, i);
  snprintf(out, cap, "%s", t ? (const char *)t : "");
}

/* Copy a 32-byte blob column; 1 when it had exactly 32 bytes. */
static int col_32(sqlite3_stmt *s, int i, uint8_t out[32]) {
  const void *b = sqlite3_column_blob(s, i);
  if (!b || sqlite3_column_bytes(s, i) != 32) {
    memset(out, 0, 32);
    return 0;
  }
  memcpy(out, b, 32);
  return 1;
}

static uint64_t col_u64(sqlite3_stmt *s, int i) {
  return (uint64_t)sqlite3_column_int64(s, i);
}

static void hex32(const uint8_t *k, char out[PROTO_KEY_HEX]) {
  cm_hex_encode(k, 32, out);
}

cm_rc hub_store_begin(hub_store *st, cm_err *err) {
  return cm_db_exec(st->db, "BEGIN IMMEDIATE", err);
}

cm_rc hub_store_commit(hub_store *st, cm_err *err) {
  cm_rc rc = cm_db_exec(st->db, "COMMIT", err);
  if (rc) hub_store_rollback(st);
  return rc;
}

void hub_store_rollback(hub_store *st) {
  if (!sqlite3_get_autocommit(st->db)) sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
}

/* ---- configuration ---- */

static const char SQL_CONFIG_GET[] = "SELECT value FROM config WHERE key = ?1";
static const char SQL_CONFIG_SET[] =
    "INSERT INTO config(key, value) VALUES(?1, ?2) "
    "ON CONFLICT(key) DO UPDATE SET value = excluded.value";

cm_rc hub_store_config_get(hub_store *st, const char *key, char *out, size_t cap, int *found_out,
                           cm_err *err) {
  sqlite3_stmt *s = NULL;
  cm_rc rc = st_prep(st, SQL_CONFIG_GET, &s, err);
  *found_out = 0;
  if (cap) out[0] = '\0';
  if (rc) return rc;
  bind_text(s, 1, key);
  int r = sqlite3_step(s);
  if (r == SQLITE_ROW) {
    col_text(s, 0, out, cap);
    *found_out = 1;
  } else if (r != SQLITE_DONE) {
    rc = cm_db_check(st->db, r, "reading the configuration", err);
  }
  sqlite3_reset(s);
  return rc;
}

cm_rc hub_store_config_set(hub_store *st, const char *key, const char *value, cm_err *err) {
  sqlite3_stmt *s = NULL;
  cm_rc rc = st_prep(st, SQL_CONFIG_SET, &s, err);
  if (rc) return rc;
  bind_text(s, 1, key);
  bind_text(s, 2, value);
  return st_done(st, s, "writing the configuration", err);
}

/* ---- authors ---- */

static const char SQL_AUTHOR_GET[] =
    "SELECT name, code, role, street, enrolled_by, revoked, quarantined, head_seq, head_hash "
    "FROM authors WHERE key = ?1";
static const char SQL_AUTHOR_ENROLL[] =
    "INSERT INTO authors(key, name, code, role, street, enrolled_by, enrolled_ms) "
    "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT(key) DO UPDATE SET "
    "name = excluded.name, code = excluded.code, role = excluded.role, "
    "street = excluded.street, enrolled_by = excluded.enrolled_by";
static const char SQL_AUTHOR_HEAD[] =
    "UPDATE authors SET head_seq = ?2, head_hash = ?3 WHERE key = ?1";
static const char SQL_AUTHOR_QUARANTINE[] = "UPDATE authors SET quarantined = 1 WHERE key = ?1";
static const char SQL_AUTHOR_CLOCK[] =
    "UPDATE authors SET skew_ms = ?2, clock_flag = ?3 WHERE key = ?1";

cm_rc hub_store_author_get(hub_store *st, const uint8_t key[PROTO_KEY_BYTES], hub_author *a_out,
                           int *found_out, cm_err *err) {
  sqlite3_stmt *s = NULL;
  cm_rc rc = st_prep(st, SQL_AUTHOR_GET, &s, err);
  *found_out = 0;
  memset(a_out, 0, sizeof *a_out);
  if (rc) return rc;
  bind_key(s, 1, key);
  int r = sqlite3_step(s);
  if (r == SQLITE_ROW) {
    memcpy(a_out->key, key, PROTO_KEY_BYTES);
    col_text(s, 0, a_out->name, sizeof a_out->name);
    col_text(s, 1, a_out->code, sizeof a_out->code);
    col_text(s, 2, a_out->role, sizeof a_out->role);
    col_text(s, 3, a_out->street, sizeof a_out->street);
    a_out->has_enrolled_by = col_32(s, 4, a_out->enrolled_by);
    a_out->revoked = sqlite3_column_int(s, 5);
    a_out->quarantined = sqlite3_column_int(s, 6);
    a_out->head_seq = col_u64(s, 7);
    col_32(s, 8, a_out->head_hash);
    *found_out = 1;
  } else if (r != SQLITE_DONE) {
    rc = cm_db_check(st->db, r, "reading an author", err);
  }
  sqlite3_reset(s);
  return rc;
}

cm_rc hub_store_author_enroll(hub_store *st, const uint8_t key[PROTO_KEY_BYTES], const char *name,
                              const char *code, const char *role, const char *street,
                              const uint8_t *enrolled_by, uint64_t time_ms, cm_err *err) {
  sqlite3_stmt *s = NULL;
  cm_rc rc = st_prep(st, SQL_AUTHOR_ENROLL, &s, err);
  if (rc) return rc;
  bind_key(s, 1, key);
  bind_text(s, 2, name);
  bind_text(s, 3, code);
  bind_text(s, 4, role);
  bind_text(s, 5, street);
  bind_key(s, 6, enrolled_by);
  bind_u64(s, 7, time_ms);
  return st_done(st, s, "enrolling a key", err);
}

cm_rc hub_store_author_set_head(hub_store *st, const uint8_t key[PROTO_KEY_BYTES], uint64_t seq,
                                const uint8_t hash[PROTO_HASH_BYTES], cm_err *err) {
  sqlite3_stmt *s = NULL;
  cm_rc rc = st_prep(st, SQL_AUTHOR_HEAD, &s, err);
  if (rc) return rc;
  bind_key(s, 1, key);
  bind_u64(s, 2, seq);
  sqlite3_bind_blob(s, 3, hash, PROTO_HASH_BYTES, SQLITE_STATIC);
  rc = st_done(st, s, "updating a head", err);
  if (!rc && sqlite3_changes(st->db) != 1)
    rc = cm_errf(err, CM_ERR_NOT_FOUND, "updating a head: the author has no row");
  return rc;
}

cm_rc hub_store_author_quarantine(hub_store *st, const uint8_t key[PROTO_KEY_BYTES], cm_err *err) {
  sqlite3_stmt *s = NULL;
  cm_rc rc = st_prep(st, SQL_AUTHOR_QUARANTINE, &s, err);
  if (rc) return rc;
  bind_key(s, 1, key);
  return st_done(st, s, "quarantining an author", err);
}

cm_rc hub_store_author_clock(hub_store *st, const uint8_t key[PROTO_KEY_BYTES], int64_t skew_ms,
                             int flagged, cm_err *err) {
  sqlite3_stmt *s = NULL;
  cm_rc rc = st_prep(st, SQL_AUTHOR_CLOCK, &s, err);
  if (rc) return rc;
  bind_key(s, 1, key);
  sqlite3_bind_int64(s, 2, skew_ms);
  sqlite3_bind_int(s, 3, flagged ? 1 : 0);
  return st_done(st, s, "recording a clock difference", err);
}

/* ---- changesets and entries ---- */

static const char SQL_CS_ADD[] =
    "INSERT INTO changesets(author, first_seq, last_seq, bytes, received_ms, via) "
    "VALUES(?1, ?2, ?3, ?4, ?5, ?6)";
static const char SQL_CS_BYTES[] = "SELECT bytes FROM changesets WHERE id = ?1";
static const char SQL_ENTRY_ADD[] =
    "INSERT INTO entries(author, seq, prev, hash, time_ms, received_ms, kind, body, sig, "
    "changeset, to_key) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)";
static const char SQL_ENTRY_HASH[] = "SELECT hash FROM entries WHERE author = ?1 AND seq = ?2";
static const char SQL_ENTRY_CS[] = "SELECT changeset FROM entries WHERE author = ?1 AND seq = ?2";

cm_rc hub_store_changeset_add(hub_store *st, const uint8_t author[PROTO_KEY_BYTES],
                              uint64_t first_seq, uint64_t last_seq, const uint8_t *bytes,
                              size_t len, uint64_t received_ms, const char *via, int64_t *id_out,
                              cm_err *err) {
  sqlite3_stmt *s = NULL;
  cm_rc rc = st_prep(st, SQL_CS_ADD, &s, err);
  if (rc) return rc;
  bind_key(s, 1, author);
  bind_u64(s, 2, first_seq);
  bind_u64(s, 3, last_seq);
  sqlite3_bind_blob64(s, 4, bytes, (sqlite3_uint64)len, SQLITE_STATIC);
  bind_u64(s, 5, received_ms);
  bind_text(s, 6, via);
  rc = st_done(st, s, "storing a changeset", err);
  if (!rc) *id_out = (int64_t)sqlite3_last_insert_rowid(st->db);
  return rc;
}

cm_rc hub_store_changeset_bytes(hub_store *st, int64_t id, uint8_t **out, size_t *len_out,
                                cm_err *err) {
  sqlite3_stmt *s = NULL;
  cm_rc rc = st_prep(st, SQL_CS_BYTES, &s, err);
  *out = NULL;
  *len_out = 0;
  if (rc) return rc;
  sqlite3_bind_int64(s, 1, id);
  int r = sqlite3_step(s);
  if (r == SQLITE_ROW) {
    size_t n = (size_t)sqlite3_column_bytes(s, 0);
    const void *b = sqlite3_column_blob(s, 0);
    *out = malloc(n ? n : 1);
    if (!*out) {
      rc = cm_errf(err, CM_ERR_NOMEM, "out of memory reading a changeset");
    } else {
      if (n) memcpy(*out, b, n);
      *len_out = n;
    }
  } else if (r == SQLITE_DONE) {
    rc = cm_errf(err, CM_ERR_NOT_FOUND, "changeset %lld not found", (long long)id);
  } else {
    rc = cm_db_check(st->db, r, "reading a changeset", err);
  }
  sqlite3_reset(s);
  return rc;
}

cm_rc hub_store_entry_add(hub_store *st, const proto_entry *e, const uint8_t hash[PROTO_HASH_BYTES],
                          uint64_t received_ms, int64_t cs_id, const uint8_t *to, cm_err *err) {
  sqlite3_stmt *s = NULL;
  cm_rc rc = st_prep(st, SQL_ENTRY_ADD, &s, err);
  if (rc) return rc;
  bind_key(s, 1, e->author);
  bind_u64(s, 2, e->seq);
  sqlite3_bind_blob(s, 3, e->prev, PROTO_HASH_BYTES, SQLITE_STATIC);
  sqlite3_bind_blob(s, 4, hash, PROTO_HASH_BYTES, SQLITE_STATIC);
  bind_u64(s, 5, e->time_ms);
  bind_u64(s, 6, received_ms);
  bind_text(s, 7, e->kind);
  /* A zero-length blob must still be non-NULL (the column is NOT NULL). */
  sqlite3_bind_blob64(s, 8, e->body_len ? (const void *)e->body : (const void *)"",
                      (sqlite3_uint64)e->body_len, SQLITE_STATIC);
  if (e->has_sig)
    sqlite3_bind_blob(s, 9, e->sig, PROTO_SIG_BYTES, SQLITE_STATIC);
  else
    sqlite3_bind_null(s, 9);
  sqlite3_bind_int64(s, 10, cs_id);
  bind_key(s, 11, to);
  return st_done(st, s, "storing an entry", err);
}

int hub_store_entry_hash(hub_store *st, const uint8_t author[PROTO_KEY_BYTES], uint64_t seq,
                         uint8_t hash_out[PROTO_HASH_BYTES]) {
  sqlite3_stmt *s = NULL;
  int found = 0;
  if (st_prep(st, SQL_ENTRY_HASH, &s, NULL)) return 0;
  bind_key(s, 1, author);
  bind_u64(s, 2, seq);
  if (sqlite3_step(s) == SQLITE_ROW) found = col_32(s, 0, hash_out);
  sqlite3_reset(s);
  return found;
}

cm_rc hub_store_entry_changeset(hub_store *st, const uint8_t author[PROTO_KEY_BYTES], uint64_t seq,
                                int64_t *cs_id_out, int *found_out, cm_err *err) {
  sqlite3_stmt *s = NULL;
  cm_rc rc = st_prep(st, SQL_ENTRY_CS, &s, err);
  *found_out = 0;
  if (rc) return rc;
  bind_key(s, 1, author);
  bind_u64(s, 2, seq);
  int r = sqlite3_step(s);
  if (r == SQLITE_ROW) {
    *cs_id_out = sqlite3_column_int64(s, 0);
    *found_out = 1;
  } else if (r != SQLITE_DONE) {
    rc = cm_db_check(st->db, r, "finding an entry's changeset", err);
  }
  sqlite3_reset(s);
  return rc;
}

/* Run a query (its own, uncached statement, since the callback may use the
 * cached ones) whose rows are entries: author, seq, prev, hash, time_ms,
 * received_ms, kind, body, sig. */
static cm_rc entries_run(hub_store *st, sqlite3_stmt *s, hub_store_entry_fn fn, void *ctx,
                         cm_err *err) {
  cm_rc rc = CM_OK;
  int r;
  while ((r = sqlite3_step(s)) == SQLITE_ROW) {
    proto_entry e;
    uint8_t hash[PROTO_HASH_BYTES];
    memset(&e, 0, sizeof e);
    col_32(s, 0, e.author);
    e.seq = col_u64(s, 1);
    col_32(s, 2, e.prev);
    col_32(s, 3, hash);
    e.time_ms = col_u64(s, 4);
    uint64_t received = col_u64(s, 5);
    col_text(s, 6, e.kind, sizeof e.kind);
    e.body = sqlite3_column_blob(s, 7);
    e.body_len = (size_t)sqlite3_column_bytes(s, 7);
    if (!e.body) e.body = (const uint8_t *)"";
    if (sqlite3_column_type(s, 8) == SQLITE_BLOB && sqlite3_column_bytes(s, 8) == PROTO_SIG_BYTES) {
      memcpy(e.sig, sqlite3_column_blob(s, 8), PROTO_SIG_BYTES);
      e.has_sig = 1;
    }
    rc = fn(ctx, &e, hash, received, err);
    if (rc) break;
  }
  if (!rc && r != SQLITE_DONE) rc = cm_db_check(st->db, r, "reading entries", err);
  return rc;
}

cm_rc hub_store_entries_foreach(hub_store *st, hub_store_entry_fn fn, void *ctx, cm_err *err) {
  sqlite3_stmt *s = NULL;
  int r = sqlite3_prepare_v2(st->db,
                             "SELECT author, seq, prev, hash, time_ms, received_ms, kind, body, "
                             "sig FROM entries ORDER BY id",
                             -1, &s, NULL);
  cm_rc rc = cm_db_check(st->db, r, "reading entries", err);
  if (!rc) rc = entries_run(st, s, fn, ctx, err);
  sqlite3_finalize(s);
  return rc;
}

cm_rc hub_store_feed_foreach(hub_store *st, const uint8_t author[PROTO_KEY_BYTES],
                             const uint8_t key[PROTO_KEY_BYTES], const uint8_t *street,
                             uint64_t after, size_t max, hub_store_entry_fn fn, void *ctx,
                             cm_err *err) {
  sqlite3_stmt *s = NULL;
  int r = sqlite3_prepare_v2(
      st->db,
      "SELECT author, seq, prev, hash, time_ms, received_ms, kind, body, sig FROM entries "
      "WHERE author = ?1 AND seq > ?2 AND to_key IS NOT NULL AND (to_key = ?3 OR "
      "(?4 IS NOT NULL AND to_key IN (SELECT key FROM authors WHERE role = 'community' "
      "AND enrolled_by = ?4))) ORDER BY seq LIMIT ?5",
      -1, &s, NULL);
  cm_rc rc = cm_db_check(st->db, r, "reading the feed", err);
  if (!rc) {
    bind_key(s, 1, author);
    bind_u64(s, 2, after);
    bind_key(s, 3, key);
    bind_key(s, 4, street);
    sqlite3_bind_int64(s, 5, (sqlite3_int64)max);
    rc = entries_run(st, s, fn, ctx, err);
  }
  sqlite3_finalize(s);
  return rc;
}

cm_rc hub_store_changesets_after(hub_store *st, const uint8_t author[PROTO_KEY_BYTES],
                                 uint64_t after, hub_store_cs_fn fn, void *ctx, cm_err *err) {
  sqlite3_stmt *s = NULL;
  /* Entries point at the changeset that first brought them, so a changeset
   * that overlapped what was held is listed only for what it added. */
  int r = sqlite3_prepare_v2(
      st->db,
      "SELECT c.id, c.first_seq, c.last_seq, c.bytes FROM changesets c "
      "WHERE c.id IN (SELECT changeset FROM entries WHERE author = ?1 AND seq > ?2) "
      "ORDER BY c.id",
      -1, &s, NULL);
  cm_rc rc = cm_db_check(st->db, r, "reading changesets", err);
  if (rc) goto out;
  bind_key(s, 1, author);
  bind_u64(s, 2, after);
  while ((r = sqlite3_step(s)) == SQLITE_ROW) {
    int stop = 0;
    const uint8_t *b = sqlite3_column_blob(s, 3);
    size_t n = (size_t)sqlite3_column_bytes(s, 3);
    rc = fn(ctx, sqlite3_column_int64(s, 0), col_u64(s, 1), col_u64(s, 2), b, n, &stop, err);
    if (rc || stop) break;
  }
  if (!rc && r != SQLITE_ROW && r != SQLITE_DONE)
    rc = cm_db_check(st->db, r, "reading changesets", err);
out:
  sqlite3_finalize(s);
  return rc;
}

/* ---- fork evidence ---- */

static const char SQL_FORK_ADD[] =
    "INSERT INTO forks(author, seq, held, other, other_hash, time_ms, via) "
    "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT DO NOTHING";

cm_rc hub_store_fork_add(hub_store *st, const uint8_t author[PROTO_KEY_BYTES], uint64_t seq,
                         const uint8_t *held, size_t held_len, const uint8_t *other,
                         size_t other_len, uint64_t time_ms, const char *via, cm_err *err) {
  sqlite3_stmt *s = NULL;
  uint8_t h[PROTO_HASH_BYTES];
  cm_rc rc = st_prep(st, SQL_FORK_ADD, &s, err);
  if (rc) return rc;
  proto_hash(other, other_len, h);
  bind_key(s, 1, author);
  bind_u64(s, 2, seq);
  if (held)
    sqlite3_bind_blob64(s, 3, held, (sqlite3_uint64)held_len, SQLITE_STATIC);
  else
    sqlite3_bind_null(s, 3);
  sqlite3_bind_blob64(s, 4, other_len ? (const void *)other : (const void *)"",
                      (sqlite3_uint64)other_len, SQLITE_STATIC);
  sqlite3_bind_blob(s, 5, h, PROTO_HASH_BYTES, SQLITE_STATIC);
  bind_u64(s, 6, time_ms);
  bind_text(s, 7, via);
  return st_done(st, s, "storing fork evidence", err);
}

/* ---- enrolment requests ---- */

static const char SQL_REQ_FIND[] =
    "SELECT id FROM enroll_requests WHERE key = ?1 AND status = 'pending' ORDER BY id LIMIT 1";
static const char SQL_REQ_UPDATE[] =
    "UPDATE enroll_requests SET name = ?2, street = ?3, code = ?4, role = ?5, time_ms = ?6 "
    "WHERE id = ?1";
static const char SQL_REQ_INSERT[] =
    "INSERT INTO enroll_requests(key, name, street, code, role, time_ms) "
    "VALUES(?1, ?2, ?3, ?4, ?5, ?6)";
static const char SQL_REQ_GET[] =
    "SELECT key, name, street, code, role, time_ms, status FROM enroll_requests WHERE id = ?1";
static const char SQL_REQ_APPROVED[] =
    "UPDATE enroll_requests SET status = 'approved' WHERE key = ?1 AND status = 'pending'";

cm_rc hub_store_request_put(hub_store *st, const uint8_t key[PROTO_KEY_BYTES], const char *name,
                            const char *street, const char *code, const char *role,
                            uint64_t time_ms, int64_t *id_out, cm_err *err) {
  sqlite3_stmt *s = NULL;
  int64_t id = 0;
  cm_rc rc = st_prep(st, SQL_REQ_FIND, &s, err);
  if (rc) return rc;
  bind_key(s, 1, key);
  int r = sqlite3_step(s);
  if (r == SQLITE_ROW) id = sqlite3_column_int64(s, 0);
  else if (r != SQLITE_DONE) rc = cm_db_check(st->db, r, "reading enrolment requests", err);
  sqlite3_reset(s);
  if (rc) return rc;
  rc = st_prep(st, id ? SQL_REQ_UPDATE : SQL_REQ_INSERT, &s, err);
  if (rc) return rc;
  if (id)
    sqlite3_bind_int64(s, 1, id);
  else
    bind_key(s, 1, key);
  bind_text(s, 2, name);
  bind_text(s, 3, street);
  bind_text(s, 4, code);
  bind_text(s, 5, role);
  bind_u64(s, 6, time_ms);
  rc = st_done(st, s, "storing an enrolment request", err);
  if (!rc) *id_out = id ? id : (int64_t)sqlite3_last_insert_rowid(st->db);
  return rc;
}

cm_rc hub_store_request_get(hub_store *st, int64_t id, hub_request *r_out, int *found_out,
                            cm_err *err) {
  sqlite3_stmt *s = NULL;
  cm_rc rc = st_prep(st, SQL_REQ_GET, &s, err);
  *found_out = 0;
  memset(r_out, 0, sizeof *r_out);
  if (rc) return rc;
  sqlite3_bind_int64(s, 1, id);
  int r = sqlite3_step(s);
  if (r == SQLITE_ROW) {
    r_out->id = id;
    col_32(s, 0, r_out->key);
    col_text(s, 1, r_out->name, sizeof r_out->name);
    col_text(s, 2, r_out->street, sizeof r_out->street);
    col_text(s, 3, r_out->code, sizeof r_out->code);
    col_text(s, 4, r_out->role, sizeof r_out->role);
    r_out->time_ms = col_u64(s, 5);
    col_text(s, 6, r_out->status, sizeof r_out->status);
    *found_out = 1;
  } else if (r != SQLITE_DONE) {
    rc = cm_db_check(st->db, r, "reading an enrolment request", err);
  }
  sqlite3_reset(s);
  return rc;
}

cm_rc hub_store_request_approved(hub_store *st, const uint8_t key[PROTO_KEY_BYTES], cm_err *err) {
  sqlite3_stmt *s = NULL;
  cm_rc rc = st_prep(st, SQL_REQ_APPROVED, &s, err);
  if (rc) return rc;
  bind_key(s, 1, key);
  return st_done(st, s, "approving an enrolment request", err);
}

/* Append to arr, taking the reference; NOMEM if jansson failed. */
static cm_rc arr_add(json_t *arr, json_t *v, cm_err *err) {
  if (!v || json_array_append_new(arr, v))
    return cm_errf(err, CM_ERR_NOMEM, "out of memory building JSON");
  return CM_OK;
}

/* Run a query with up to two key parameters and turn each row into an object
 * whose field names are the column names; 32-byte blobs become hex, and a
 * column named "key" also gets "fingerprint". */
static cm_rc rows_json(hub_store *st, const char *sql, const uint8_t *k1, json_t **out,
                       cm_err *err) {
  sqlite3_stmt *s = NULL;
  json_t *arr = json_array();
  int r = sqlite3_prepare_v2(st->db, sql, -1, &s, NULL);
  cm_rc rc = cm_db_check(st->db, r, "reading the status", err);
  *out = NULL;
  if (!arr) rc = cm_errf(err, CM_ERR_NOMEM, "out of memory building JSON");
  if (rc) goto out;
  if (k1 && sqlite3_bind_parameter_count(s) >= 1) bind_key(s, 1, k1);
  while ((r = sqlite3_step(s)) == SQLITE_ROW) {
    json_t *o = json_object();
    if (!o) {
      rc = cm_errf(err, CM_ERR_NOMEM, "out of memory building JSON");
      goto out;
    }
    for (int i = 0; i < sqlite3_column_count(s); i++) {
      const char *name = sqlite3_column_name(s, i);
      json_t *v = NULL;
      switch (sqlite3_column_type(s, i)) {
      case SQLITE_INTEGER:
        v = json_integer(sqlite3_column_int64(s, i));
        break;
      case SQLITE_TEXT:
        v = json_string((const char *)sqlite3_column_text(s, i));
        if (!v) v = json_string("");
        break;
      case SQLITE_BLOB:
        if (sqlite3_column_bytes(s, i) == 32) {
          char hex[PROTO_KEY_HEX];
          hex32(sqlite3_column_blob(s, i), hex);
          v = json_string(hex);
          if (strcmp(name, "key") == 0 || strcmp(name, "author") == 0) {
            char fp[PROTO_FINGERPRINT_LEN];
            proto_fingerprint(sqlite3_column_blob(s, i), fp);
            json_object_set_new(o, "fingerprint", json_string(fp));
          }
        } else {
          v = json_integer(sqlite3_column_bytes(s, i));
        }
        break;
      default:
        v = json_null();
        break;
      }
      if (!v || json_object_set_new(o, name, v)) {
        json_decref(o);
        rc = cm_errf(err, CM_ERR_NOMEM, "out of memory building JSON");
        goto out;
      }
    }
    rc = arr_add(arr, o, err);
    if (rc) goto out;
  }
  if (r != SQLITE_DONE) rc = cm_db_check(st->db, r, "reading the status", err);
out:
  sqlite3_finalize(s);
  if (rc)
    json_decref(arr);
  else
    *out = arr;
  return rc;
}

cm_rc hub_store_requests_json(hub_store *st, json_t **out, cm_err *err) {
  return rows_json(st,
                   "SELECT id, name, code, street, role, key, time_ms FROM enroll_requests "
                   "WHERE status = 'pending' ORDER BY id",
                   NULL, out, err);
}

/* ---- forwarding ---- */

static const char SQL_FWD_GET[] = "SELECT acked_seq FROM forward WHERE author = ?1";
static const char SQL_FWD_SET[] =
    "INSERT INTO forward(author, acked_seq, receipt, time_ms) VALUES(?1, ?2, ?3, ?4) "
    "ON CONFLICT(author) DO UPDATE SET acked_seq = excluded.acked_seq, "
    "receipt = coalesce(excluded.receipt, forward.receipt), time_ms = excluded.time_ms";

cm_rc hub_store_forward_due(hub_store *st, const uint8_t self[PROTO_KEY_BYTES], json_t **out,
                            cm_err *err) {
  /* Our own log first: the district needs our hub.enrolled entries before
   * the community entries that depend on them. */
  return rows_json(st,
                   "SELECT a.key AS author, a.head_seq AS head_seq, "
                   "coalesce(f.acked_seq, 0) AS acked_seq FROM authors a "
                   "LEFT JOIN forward f ON f.author = a.key "
                   "WHERE a.head_seq > coalesce(f.acked_seq, 0) "
                   "ORDER BY (a.key = ?1) DESC, a.rowid",
                   self, out, err);
}

cm_rc hub_store_forward_get(hub_store *st, const uint8_t author[PROTO_KEY_BYTES],
                            uint64_t *acked_out, cm_err *err) {
  sqlite3_stmt *s = NULL;
  cm_rc rc = st_prep(st, SQL_FWD_GET, &s, err);
  *acked_out = 0;
  if (rc) return rc;
  bind_key(s, 1, author);
  int r = sqlite3_step(s);
  if (r == SQLITE_ROW)
    *acked_out = col_u64(s, 0);
  else if (r != SQLITE_DONE)
    rc = cm_db_check(st->db, r, "reading forward progress", err);
  sqlite3_reset(s);
  return rc;
}

cm_rc hub_store_forward_set(hub_store *st, const uint8_t author[PROTO_KEY_BYTES], uint64_t seq,
                            const uint8_t *receipt, size_t receipt_len, uint64_t time_ms,
                            cm_err *err) {
  sqlite3_stmt *s = NULL;
  cm_rc rc = st_prep(st, SQL_FWD_SET, &s, err);
  if (rc) return rc;
  bind_key(s, 1, author);
  bind_u64(s, 2, seq);
  if (receipt)
    sqlite3_bind_blob64(s, 3, receipt, (sqlite3_uint64)receipt_len, SQLITE_STATIC);
  else
    sqlite3_bind_null(s, 3);
  bind_u64(s, 4, time_ms);
  return st_done(st, s, "recording forward progress", err);
}

/* ---- the upstream's feed ---- */

static const char SQL_UPFEED_ADD[] =
    "INSERT INTO upstream_feed(cursor, bytes, time_ms) VALUES(?1, ?2, ?3) "
    "ON CONFLICT(cursor) DO NOTHING";

cm_rc hub_store_upfeed_add(hub_store *st, uint64_t cursor, const uint8_t *bytes, size_t len,
                           uint64_t time_ms, cm_err *err) {
  sqlite3_stmt *s = NULL;
  cm_rc rc = st_prep(st, SQL_UPFEED_ADD, &s, err);
  if (rc) return rc;
  bind_u64(s, 1, cursor);
  sqlite3_bind_blob64(s, 2, len ? (const void *)bytes : (const void *)"", (sqlite3_uint64)len,
                      SQLITE_STATIC);
  bind_u64(s, 3, time_ms);
  return st_done(st, s, "storing the upstream's feed", err);
}

/* ---- projection ---- */

static const char SQL_COMMUNITY_PUT[] =
    "INSERT INTO communities(key, name, code, street_key, street_name) "
    "VALUES(?1, ?2, ?3, ?4, ?5) ON CONFLICT(key) DO UPDATE SET name = excluded.name, "
    "code = excluded.code, street_key = excluded.street_key, street_name = excluded.street_name";
static const char SQL_ORG_GET[] =
    "SELECT data, dissolved FROM organisations WHERE author = ?1 AND id = ?2";
static const char SQL_ORG_PUT[] =
    "INSERT INTO organisations(author, id, seq, data, members, party_members, dissolved) "
    "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT(author, id) DO UPDATE SET "
    "seq = excluded.seq, data = excluded.data, members = excluded.members, "
    "party_members = excluded.party_members, dissolved = excluded.dissolved";
static const char SQL_REPORT_PUT[] =
    "INSERT INTO reports(author, org, month, seq, activities, participants, party_participants) "
    "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT(author, org, month) DO UPDATE SET "
    "seq = excluded.seq, activities = excluded.activities, "
    "participants = excluded.participants, party_participants = excluded.party_participants "
    "WHERE excluded.seq > reports.seq";
static const char SQL_ACTIVITY_PUT[] =
    "INSERT INTO activities(author, id, seq, org, date, expected) "
    "VALUES(?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT(author, id) DO UPDATE SET "
    "seq = excluded.seq, org = excluded.org, date = excluded.date, "
    "expected = excluded.expected WHERE excluded.seq > activities.seq";

cm_rc hub_store_projection_clear(hub_store *st, cm_err *err) {
  return cm_db_exec(st->db,
                    "DELETE FROM communities; DELETE FROM organisations; DELETE FROM reports; "
                    "DELETE FROM activities;",
                    err);
}

cm_rc hub_store_community_put(hub_store *st, const uint8_t key[PROTO_KEY_BYTES], const char *name,
                              const char *code, const uint8_t street_key[PROTO_KEY_BYTES],
                              const char *street_name, cm_err *err) {
  sqlite3_stmt *s = NULL;
  cm_rc rc = st_prep(st, SQL_COMMUNITY_PUT, &s, err);
  if (rc) return rc;
  bind_key(s, 1, key);
  bind_text(s, 2, name);
  bind_text(s, 3, code);
  bind_key(s, 4, street_key);
  bind_text(s, 5, street_name);
  return st_done(st, s, "storing a community", err);
}

cm_rc hub_store_org_get(hub_store *st, const uint8_t author[PROTO_KEY_BYTES], const char *id,
                        char **json_out, int *dissolved_out, cm_err *err) {
  sqlite3_stmt *s = NULL;
  cm_rc rc = st_prep(st, SQL_ORG_GET, &s, err);
  *json_out = NULL;
  if (rc) return rc;
  bind_key(s, 1, author);
  bind_text(s, 2, id);
  int r = sqlite3_step(s);
  if (r == SQLITE_ROW) {
    const char *t = (const char *)sqlite3_column_text(s, 0);
    *json_out = strdup(t ? t : "{}");
    if (dissolved_out) *dissolved_out = sqlite3_column_int(s, 1);
    if (!*json_out) rc = cm_errf(err, CM_ERR_NOMEM, "out of memory reading an organisation");
  } else if (r != SQLITE_DONE) {
    rc = cm_db_check(st->db, r, "reading an organisation", err);
  }
  sqlite3_reset(s);
  return rc;
}

cm_rc hub_store_org_put(hub_store *st, const uint8_t author[PROTO_KEY_BYTES], const char *id,
                        uint64_t seq, const char *json, int64_t members, int64_t party_members,
                        int dissolved, cm_err *err) {
  sqlite3_stmt *s = NULL;
  cm_rc rc = st_prep(st, SQL_ORG_PUT, &s, err);
  if (rc) return rc;
  bind_key(s, 1, author);
  bind_text(s, 2, id);
  bind_u64(s, 3, seq);
  bind_text(s, 4, json);
  sqlite3_bind_int64(s, 5, members);
  sqlite3_bind_int64(s, 6, party_members);
  sqlite3_bind_int(s, 7, dissolved ? 1 : 0);
  return st_done(st, s, "storing an organisation", err);
}

cm_rc hub_store_report_put(hub_store *st, const uint8_t author[PROTO_KEY_BYTES], uint64_t seq,
                           const char *org, const char *month, int64_t activities,
                           int64_t participants, int64_t party_participants, cm_err *err) {
  sqlite3_stmt *s = NULL;
  cm_rc rc = st_prep(st, SQL_REPORT_PUT, &s, err);
  if (rc) return rc;
  bind_key(s, 1, author);
  bind_text(s, 2, org);
  bind_text(s, 3, month);
  bind_u64(s, 4, seq);
  sqlite3_bind_int64(s, 5, activities);
  sqlite3_bind_int64(s, 6, participants);
  sqlite3_bind_int64(s, 7, party_participants);
  return st_done(st, s, "storing a monthly report", err);
}

cm_rc hub_store_activity_put(hub_store *st, const uint8_t author[PROTO_KEY_BYTES], uint64_t seq,
                             const char *id, const char *org, const char *date, int64_t expected,
                             cm_err *err) {
  sqlite3_stmt *s = NULL;
  cm_rc rc = st_prep(st, SQL_ACTIVITY_PUT, &s, err);
  if (rc) return rc;
  bind_key(s, 1, author);
  bind_text(s, 2, id);
  bind_u64(s, 3, seq);
  bind_text(s, 4, org);
  bind_text(s, 5, date);
  sqlite3_bind_int64(s, 6, expected);
  return st_done(st, s, "storing an activity", err);
}

/* Append every row of sql to out, one line per row, columns separated by
 * '|' (blobs as hex). */
static cm_rc dump_query(hub_store *st, const char *sql, cm_buf *out, cm_err *err) {
  sqlite3_stmt *s = NULL;
  int r = sqlite3_prepare_v2(st->db, sql, -1, &s, NULL);
  cm_rc rc = cm_db_check(st->db, r, "dumping the projection", err);
  if (rc) goto out;
  while (!rc && (r = sqlite3_step(s)) == SQLITE_ROW) {
    for (int i = 0; !rc && i < sqlite3_column_count(s); i++) {
      if (i) rc = cm_buf_append(out, "|", 1);
      if (rc) break;
      if (sqlite3_column_type(s, i) == SQLITE_BLOB) {
        int n = sqlite3_column_bytes(s, i);
        const uint8_t *b = sqlite3_column_blob(s, i);
        for (int k = 0; !rc && k < n; k++) rc = cm_buf_appendf(out, "%02x", b[k]);
      } else {
        const unsigned char *t = sqlite3_column_text(s, i);
        rc = cm_buf_appendf(out, "%s", t ? (const char *)t : "NULL");
      }
    }
    if (!rc) rc = cm_buf_append(out, "\n", 1);
  }
  if (rc)
    rc = cm_errf(err, rc, "dumping the projection: %s", cm_strerror(rc));
  else if (r != SQLITE_DONE)
    rc = cm_db_check(st->db, r, "dumping the projection", err);
out:
  sqlite3_finalize(s);
  return rc;
}

cm_rc hub_store_projection_dump(hub_store *st, cm_buf *out, cm_err *err) {
  static const char *const q[] = {
    "SELECT 'community', key, name, code, street_key, street_name FROM communities ORDER BY key",
    "SELECT 'org', author, id, seq, data, members, party_members, dissolved, status "
    "FROM organisations ORDER BY author, id",
    "SELECT 'report', author, org, month, seq, activities, participants, party_participants, "
    "status FROM reports ORDER BY author, org, month",
    "SELECT 'activity', author, id, seq, org, date, expected, status FROM activities "
    "ORDER BY author, id",
    "SELECT 'author', key, name, code, role, street, enrolled_by FROM authors ORDER BY key",
  };
  cm_rc rc = CM_OK;
  for (size_t i = 0; !rc && i < sizeof q / sizeof q[0]; i++) rc = dump_query(st, q[i], out, err);
  return rc;
}

static const char *const count_fields[] = {"organisations", "reports", "activities",
                                           "participants", "party_participants"};

/* {"organisations": 0, ...} with every count zero. */
static json_t *counts_zero(void) {
  json_t *o = json_object();
  for (size_t i = 0; o && i < 5; i++) json_object_set_new(o, count_fields[i], json_integer(0));
  return o;
}

/* Add v to field of the counts object under status ("pending"/"accepted")
 * in c; other statuses are not counted. */
static void counts_add(json_t *c, const char *status, const char *field, int64_t v) {
  json_t *o = json_object_get(c, status);
  if (!o) return;
  json_t *f = json_object_get(o, field);
  if (f) json_integer_set(f, json_integer_value(f) + v);
}

/* Fill community object c ({"pending", "accepted"}) with the counts of author. */
static cm_rc community_counts(hub_store *st, const uint8_t *author, json_t *c, cm_err *err) {
  sqlite3_stmt *s = NULL;
  cm_rc rc = CM_OK;
  int r = sqlite3_prepare_v2(st->db,
                             "SELECT status, count(*) FROM organisations WHERE author = ?1 AND "
                             "dissolved = 0 GROUP BY status",
                             -1, &s, NULL);
  rc = cm_db_check(st->db, r, "counting organisations", err);
  if (rc) goto out;
  bind_key(s, 1, author);
  while ((r = sqlite3_step(s)) == SQLITE_ROW)
    counts_add(c, (const char *)sqlite3_column_text(s, 0), "organisations",
               sqlite3_column_int64(s, 1));
  if (r != SQLITE_DONE) {
    rc = cm_db_check(st->db, r, "counting organisations", err);
    goto out;
  }
  sqlite3_finalize(s);
  s = NULL;
  r = sqlite3_prepare_v2(st->db,
                         "SELECT status, count(*), total(activities), total(participants), "
                         "total(party_participants) FROM reports WHERE author = ?1 "
                         "GROUP BY status",
                         -1, &s, NULL);
  rc = cm_db_check(st->db, r, "counting reports", err);
  if (rc) goto out;
  bind_key(s, 1, author);
  while ((r = sqlite3_step(s)) == SQLITE_ROW) {
    const char *status = (const char *)sqlite3_column_text(s, 0);
    counts_add(c, status, "reports", sqlite3_column_int64(s, 1));
    counts_add(c, status, "activities", sqlite3_column_int64(s, 2));
    counts_add(c, status, "participants", sqlite3_column_int64(s, 3));
    counts_add(c, status, "party_participants", sqlite3_column_int64(s, 4));
  }
  if (r != SQLITE_DONE) rc = cm_db_check(st->db, r, "counting reports", err);
out:
  sqlite3_finalize(s);
  return rc;
}

/* Append the communities of street_key, with their counts, to arr. */
static cm_rc street_communities(hub_store *st, const uint8_t *street_key, json_t *arr,
                                cm_err *err) {
  sqlite3_stmt *s = NULL;
  int r = sqlite3_prepare_v2(st->db,
                             "SELECT key, name, code FROM communities WHERE street_key = ?1 "
                             "ORDER BY code, name, key",
                             -1, &s, NULL);
  cm_rc rc = cm_db_check(st->db, r, "listing communities", err);
  if (rc) goto out;
  bind_key(s, 1, street_key);
  while ((r = sqlite3_step(s)) == SQLITE_ROW) {
    uint8_t key[PROTO_KEY_BYTES];
    col_32(s, 0, key);
    json_t *c = json_pack("{s:s, s:s, s:o, s:o}", "name",
                          (const char *)sqlite3_column_text(s, 1), "code",
                          (const char *)sqlite3_column_text(s, 2), "accepted", counts_zero(),
                          "pending", counts_zero());
    rc = arr_add(arr, c, err);
    if (!rc) rc = community_counts(st, key, c, err);
    if (rc) goto out;
  }
  if (r != SQLITE_DONE) rc = cm_db_check(st->db, r, "listing communities", err);
out:
  sqlite3_finalize(s);
  return rc;
}

cm_rc hub_store_summary_json(hub_store *st, const uint8_t self[PROTO_KEY_BYTES], int is_district,
                             const char *self_name, json_t **out, cm_err *err) {
  sqlite3_stmt *s = NULL;
  json_t *streets = json_array();
  cm_rc rc = streets ? CM_OK : cm_errf(err, CM_ERR_NOMEM, "out of memory building JSON");
  *out = NULL;
  if (rc) goto out;
  if (!is_district) {
    json_t *comms = json_array();
    json_t *one = json_pack("{s:s, s:o}", "name", self_name ? self_name : "", "communities",
                            comms);
    rc = arr_add(streets, one, err);
    if (!rc) rc = street_communities(st, self, comms, err);
    goto out;
  }
  int r = sqlite3_prepare_v2(st->db,
                             "SELECT key, name FROM authors WHERE role = 'street' ORDER BY rowid",
                             -1, &s, NULL);
  rc = cm_db_check(st->db, r, "listing streets", err);
  if (rc) goto out;
  while ((r = sqlite3_step(s)) == SQLITE_ROW) {
    uint8_t key[PROTO_KEY_BYTES];
    col_32(s, 0, key);
    json_t *comms = json_array();
    json_t *one = json_pack("{s:s, s:o}", "name", (const char *)sqlite3_column_text(s, 1),
                            "communities", comms);
    rc = arr_add(streets, one, err);
    if (!rc) rc = street_communities(st, key, comms, err);
    if (rc) goto out;
  }
  if (r != SQLITE_DONE) rc = cm_db_check(st->db, r, "listing streets", err);
out:
  sqlite3_finalize(s);
  if (rc) {
    json_decref(streets);
  } else {
    *out = json_pack("{s:o}", "streets", streets);
    if (!*out) rc = cm_errf(err, CM_ERR_NOMEM, "out of memory building JSON");
  }
  return rc;
}

cm_rc hub_store_status_json(hub_store *st, const uint8_t self[PROTO_KEY_BYTES], json_t **out,
                            cm_err *err) {
  json_t *authors = NULL, *forks = NULL, *requests = NULL, *forward = NULL;
  cm_rc rc = rows_json(st,
                       "SELECT key, role, name, code, street, head_seq, quarantined, revoked, "
                       "clock_flag, skew_ms FROM authors ORDER BY (key = ?1) DESC, rowid",
                       self, &authors, err);
  if (!rc)
    rc = rows_json(st,
                   "SELECT id, author, seq, time_ms, via, length(held) AS held_bytes, "
                   "length(other) AS other_bytes FROM forks ORDER BY id",
                   NULL, &forks, err);
  if (!rc) rc = hub_store_requests_json(st, &requests, err);
  if (!rc)
    rc = rows_json(st,
                   "SELECT a.key AS author, a.head_seq AS head_seq, "
                   "coalesce(f.acked_seq, 0) AS acked_seq, coalesce(f.time_ms, 0) AS acked_ms "
                   "FROM authors a LEFT JOIN forward f ON f.author = a.key "
                   "WHERE a.head_seq > 0 ORDER BY (a.key = ?1) DESC, a.rowid",
                   self, &forward, err);
  if (!rc) {
    *out = json_pack("{s:o, s:o, s:o, s:o}", "authors", authors, "forks", forks, "requests",
                     requests, "forward", forward);
    authors = forks = requests = forward = NULL;
    if (!*out) rc = cm_errf(err, CM_ERR_NOMEM, "out of memory building JSON");
  }
  json_decref(authors);
  json_decref(forks);
  json_decref(requests);
  json_decref(forward);
  return rc;
}
