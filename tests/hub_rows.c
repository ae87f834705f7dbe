/* hub_rows.c - rows of one INSERT written together (hub/rows.h), against a
 * real SQLite database: every count of rows is written whole and in order,
 * an upsert's later row sees the earlier ones as one statement each would,
 * what the caller's buffers held when a row was added is what is written,
 * a failing row fails the flush and forgets the rows, and a DO NOTHING
 * upsert's skipped rows show in the count of rows changed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "hub/rows.h"

static sqlite3 *db_new(void) {
  sqlite3 *db = NULL;
  assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
  assert_int_equal(sqlite3_exec(db,
                                "CREATE TABLE t(k BLOB NOT NULL, n INTEGER NOT NULL, s TEXT, "
                                "PRIMARY KEY(k, n)) WITHOUT ROWID;"
                                "CREATE TABLE m(k TEXT PRIMARY KEY, v INTEGER NOT NULL, "
                                "seq INTEGER NOT NULL);",
                                NULL, NULL, NULL),
                   SQLITE_OK);
  return db;
}

static int64_t one_int(sqlite3 *db, const char *sql) {
  sqlite3_stmt *s = NULL;
  assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &s, NULL), SQLITE_OK);
  assert_int_equal(sqlite3_step(s), SQLITE_ROW);
  int64_t v = sqlite3_column_int64(s, 0);
  sqlite3_finalize(s);
  return v;
}

/* Every count from 0 to 200 (every mix of the statement sizes) is written
 * whole: exactly those rows, with their values, in the order given. */
static void test_every_count(void **state) {
  (void)state;
  sqlite3 *db = db_new();
  hub_rows *r = hub_rows_new(db, "INSERT INTO t(k, n, s) VALUES", 3, "");
  assert_non_null(r);
  int64_t base = 0;
  for (int count = 0; count <= 200; count++) {
    assert_int_equal(sqlite3_exec(db, "DELETE FROM t", NULL, NULL, NULL), SQLITE_OK);
    for (int i = 0; i < count; i++) {
      char s[32];
      uint8_t k[4] = {1, 2, 3, (uint8_t)(i % 7)};
      snprintf(s, sizeof s, "行%d", i);
      assert_int_equal(hub_rows_blob(r, k, sizeof k), SQLITE_OK);
      assert_int_equal(hub_rows_int(r, base + i), SQLITE_OK);
      if (i % 5 == 4)
        assert_int_equal(hub_rows_null(r), SQLITE_OK);
      else
        assert_int_equal(hub_rows_text(r, s), SQLITE_OK);
    }
    assert_int_equal(hub_rows_count(r), (size_t)count);
    int64_t changed = -1;
    assert_int_equal(hub_rows_flush(r, &changed), SQLITE_OK);
    assert_int_equal(changed, count);
    assert_int_equal(hub_rows_count(r), 0);
    assert_int_equal(one_int(db, "SELECT count(*) FROM t"), count);
    /* each row as given: n, its key's last byte and its text */
    sqlite3_stmt *s = NULL;
    assert_int_equal(sqlite3_prepare_v2(db, "SELECT k, n, s FROM t ORDER BY n", -1, &s, NULL),
                     SQLITE_OK);
    for (int i = 0; i < count; i++) {
      assert_int_equal(sqlite3_step(s), SQLITE_ROW);
      assert_int_equal(sqlite3_column_int64(s, 1), base + i);
      assert_int_equal(sqlite3_column_bytes(s, 0), 4);
      assert_int_equal(((const uint8_t *)sqlite3_column_blob(s, 0))[3], i % 7);
      if (i % 5 == 4) {
        assert_int_equal(sqlite3_column_type(s, 2), SQLITE_NULL);
      } else {
        char want[32];
        snprintf(want, sizeof want, "行%d", i);
        assert_string_equal((const char *)sqlite3_column_text(s, 2), want);
      }
    }
    assert_int_equal(sqlite3_step(s), SQLITE_DONE);
    sqlite3_finalize(s);
    base += count;
  }
  hub_rows_free(r);
  sqlite3_close(db);
}

/* A row (k, v, seq) of table m into r. */
static void add_m(hub_rows *r, const char *k, int v, int seq) {
  assert_int_equal(hub_rows_text(r, k), SQLITE_OK);
  assert_int_equal(hub_rows_int(r, v), SQLITE_OK);
  assert_int_equal(hub_rows_int(r, seq), SQLITE_OK);
}

/* Rows of m with DO NOTHING, over a row of m written before them (sql). */
static hub_rows *m_do_nothing(sqlite3 *db, const char *sql) {
  assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
  hub_rows *r = hub_rows_new(db, "INSERT INTO m(k, v, seq) VALUES", 3, "ON CONFLICT(k) DO NOTHING");
  assert_non_null(r);
  return r;
}

/* An upsert's rows are applied in their order: a later row of the same key
 * sees the earlier, as the same statement run row by row would. */
static void test_upsert_in_order(void **state) {
  (void)state;
  sqlite3 *db = db_new();
  hub_rows *r = hub_rows_new(db, "INSERT INTO m(k, v, seq) VALUES", 3,
                             "ON CONFLICT(k) DO UPDATE SET v = excluded.v, seq = excluded.seq"
                             " WHERE excluded.seq > m.seq");
  assert_non_null(r);
  /* a: 1 then 3 then 2 (an older version after a newer: kept 3) */
  static const struct {
    const char *k;
    int v, seq;
  } rows[] = {{"a", 10, 1}, {"b", 20, 1}, {"a", 30, 3}, {"a", 25, 2}, {"b", 21, 2}};
  for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
    add_m(r, rows[i].k, rows[i].v, rows[i].seq);
  assert_int_equal(hub_rows_flush(r, NULL), SQLITE_OK);
  assert_int_equal(one_int(db, "SELECT v FROM m WHERE k = 'a'"), 30);
  assert_int_equal(one_int(db, "SELECT v FROM m WHERE k = 'b'"), 21);
  assert_int_equal(one_int(db, "SELECT count(*) FROM m"), 2);
  hub_rows_free(r);
  sqlite3_close(db);
}

/* The same rows as a DO NOTHING first and, since some met a row of their
 * key, all again as the upsert (hub_rows_again): the same rows in the end,
 * over a row written before them as well; the count is of the rows
 * inserted and of those changed. */
static void test_again_in_order(void **state) {
  (void)state;
  sqlite3 *db = db_new();
  hub_rows *r = m_do_nothing(db, "INSERT INTO m(k, v, seq) VALUES('c', 5, 5)");
  hub_rows_again(r, "ON CONFLICT(k) DO UPDATE SET v = excluded.v, seq = excluded.seq"
                    " WHERE excluded.seq > m.seq");
  static const struct {
    const char *k;
    int v, seq;
  } rows[] = {{"a", 10, 1}, {"b", 20, 1}, {"a", 30, 3}, {"a", 25, 2},
              {"b", 21, 2}, {"c", 4, 4},  {"c", 6, 6}};
  for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
    add_m(r, rows[i].k, rows[i].v, rows[i].seq);
  int64_t changed = 0;
  assert_int_equal(hub_rows_flush(r, &changed), SQLITE_OK);
  assert_int_equal(one_int(db, "SELECT v FROM m WHERE k = 'a'"), 30);
  assert_int_equal(one_int(db, "SELECT v FROM m WHERE k = 'b'"), 21);
  assert_int_equal(one_int(db, "SELECT v FROM m WHERE k = 'c'"), 6);
  assert_int_equal(one_int(db, "SELECT count(*) FROM m"), 3);
  /* a and b inserted; a (3), b (2), c (6) changed by the second pass */
  assert_int_equal(changed, 5);
  /* new keys only (written by the upsert alone now): each row counted once */
  for (int i = 0; i < 3; i++) {
    char k[8];
    snprintf(k, sizeof k, "n%d", i);
    add_m(r, k, i, i);
  }
  assert_int_equal(hub_rows_flush(r, &changed), SQLITE_OK);
  assert_int_equal(changed, 3);
  hub_rows_free(r);
  sqlite3_close(db);
}

/* A row holds what the caller's buffers held when it was added, not what
 * they hold when the rows are written; an owned blob is written and freed
 * (the sanitizers' leak check sees it). */
static void test_copies(void **state) {
  (void)state;
  sqlite3 *db = db_new();
  hub_rows *r = hub_rows_new(db, "INSERT INTO t(k, n, s) VALUES", 3, "");
  assert_non_null(r);
  uint8_t k[3] = {9, 9, 9};
  char s[16] = "原文";
  assert_int_equal(hub_rows_blob(r, k, sizeof k), SQLITE_OK);
  assert_int_equal(hub_rows_int(r, 1), SQLITE_OK);
  assert_int_equal(hub_rows_text(r, s), SQLITE_OK);
  memset(k, 0, sizeof k);
  snprintf(s, sizeof s, "改了");
  uint8_t *own = malloc(2);
  assert_non_null(own);
  own[0] = 7;
  own[1] = 8;
  assert_int_equal(hub_rows_blob_owned(r, own, 2), SQLITE_OK);
  assert_int_equal(hub_rows_int(r, 2), SQLITE_OK);
  assert_int_equal(hub_rows_text(r, s), SQLITE_OK);
  /* the bytes held: the copies and the blob taken */
  assert_true(hub_rows_bytes(r) >= sizeof k + strlen("原文") + 2 + strlen(s));
  assert_int_equal(hub_rows_flush(r, NULL), SQLITE_OK);
  assert_int_equal(hub_rows_bytes(r), 0);
  assert_int_equal(one_int(db, "SELECT count(*) FROM t WHERE k = x'090909' AND n = 1"
                               " AND s = '原文'"),
                   1);
  assert_int_equal(one_int(db, "SELECT count(*) FROM t WHERE k = x'0708' AND n = 2"
                               " AND s = '改了'"),
                   1);
  /* discarded rows are not written, and their owned blobs are freed */
  own = malloc(1);
  assert_non_null(own);
  assert_int_equal(hub_rows_blob_owned(r, own, 1), SQLITE_OK);
  assert_int_equal(hub_rows_int(r, 3), SQLITE_OK);
  assert_int_equal(hub_rows_null(r), SQLITE_OK);
  hub_rows_discard(r);
  assert_int_equal(hub_rows_count(r), 0);
  assert_int_equal(hub_rows_flush(r, NULL), SQLITE_OK);
  assert_int_equal(one_int(db, "SELECT count(*) FROM t"), 2);
  hub_rows_free(r);
  sqlite3_close(db);
}

/* A large value is written whole and counted in the bytes held; the rows
 * after it are written as usual (its buffer is not kept). */
static void test_large(void **state) {
  (void)state;
  sqlite3 *db = db_new();
  hub_rows *r = hub_rows_new(db, "INSERT INTO t(k, n, s) VALUES", 3, "");
  assert_non_null(r);
  size_t big = (size_t)3 << 20;
  uint8_t *b = malloc(big);
  assert_non_null(b);
  memset(b, 0x5a, big);
  assert_int_equal(hub_rows_blob(r, b, big), SQLITE_OK);
  assert_int_equal(hub_rows_int(r, 1), SQLITE_OK);
  assert_int_equal(hub_rows_null(r), SQLITE_OK);
  assert_true(hub_rows_bytes(r) >= big);
  assert_int_equal(hub_rows_flush(r, NULL), SQLITE_OK);
  free(b);
  assert_int_equal(one_int(db, "SELECT length(k) FROM t WHERE n = 1"), (int64_t)big);
  assert_int_equal(hub_rows_blob(r, "x", 1), SQLITE_OK);
  assert_int_equal(hub_rows_int(r, 2), SQLITE_OK);
  assert_int_equal(hub_rows_text(r, "y"), SQLITE_OK);
  assert_int_equal(hub_rows_flush(r, NULL), SQLITE_OK);
  assert_int_equal(one_int(db, "SELECT count(*) FROM t WHERE k = CAST('x' AS BLOB) AND s = 'y'"),
                   1);
  hub_rows_free(r);
  sqlite3_close(db);
}

/* A row that breaks a constraint fails the flush with SQLite's code, the
 * rows are forgotten, and the next rows are written as usual. */
static void test_failure(void **state) {
  (void)state;
  sqlite3 *db = db_new();
  hub_rows *r = hub_rows_new(db, "INSERT OR FAIL INTO t(k, n, s) VALUES", 3, "");
  assert_non_null(r);
  for (int i = 0; i < 3; i++) {
    assert_int_equal(hub_rows_blob(r, "k", 1), SQLITE_OK);
    assert_int_equal(hub_rows_int(r, i == 2 ? 0 : i), SQLITE_OK); /* the third repeats the first */
    assert_int_equal(hub_rows_text(r, "x"), SQLITE_OK);
  }
  assert_int_equal(hub_rows_flush(r, NULL) & 0xff, SQLITE_CONSTRAINT);
  assert_int_equal(hub_rows_count(r), 0);
  assert_int_equal(hub_rows_blob(r, "k", 1), SQLITE_OK);
  assert_int_equal(hub_rows_int(r, 5), SQLITE_OK);
  assert_int_equal(hub_rows_text(r, "y"), SQLITE_OK);
  assert_int_equal(hub_rows_flush(r, NULL), SQLITE_OK);
  assert_int_equal(one_int(db, "SELECT count(*) FROM t WHERE n = 5"), 1);
  hub_rows_free(r);
  sqlite3_close(db);
}

/* DO NOTHING: the rows skipped are missing from the count changed. */
static void test_do_nothing_count(void **state) {
  (void)state;
  sqlite3 *db = db_new();
  hub_rows *r = m_do_nothing(db, "INSERT INTO m VALUES('b', 1, 1)");
  const char *keys[] = {"a", "b", "c", "a"};
  for (int i = 0; i < 4; i++)
    add_m(r, keys[i], 100 + i, 2);
  int64_t changed = -1;
  assert_int_equal(hub_rows_flush(r, &changed), SQLITE_OK);
  assert_int_equal(changed, 2); /* a and c; b was there, the second a too */
  assert_int_equal(one_int(db, "SELECT v FROM m WHERE k = 'a'"), 100);
  assert_int_equal(one_int(db, "SELECT v FROM m WHERE k = 'b'"), 1);
  hub_rows_free(r);
  sqlite3_close(db);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_every_count),    cmocka_unit_test(test_upsert_in_order),
      cmocka_unit_test(test_again_in_order), cmocka_unit_test(test_copies),
      cmocka_unit_test(test_failure),        cmocka_unit_test(test_do_nothing_count),
      cmocka_unit_test(test_large),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
