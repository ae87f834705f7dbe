/* common_db.c - open and migrate, refuse a newer schema, transactions that
 * roll back on any failure, and a full disk (via max_page_count). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "common/db.h"

static char dir[64];
static char path[128];

static const char *const migrations[] = {
    "CREATE TABLE org(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);",
    "CREATE TABLE report(id INTEGER PRIMARY KEY, org INTEGER NOT NULL REFERENCES org(id),"
    " body BLOB);",
};

static int setup(void **state) {
  (void)state;
  snprintf(dir, sizeof dir, "/tmp/linli-db-XXXXXX");
  if (!mkdtemp(dir)) return -1;
  snprintf(path, sizeof path, "%s/t.db", dir);
  return 0;
}

static int teardown(void **state) {
  (void)state;
  char cmd[160];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  return system(cmd) == 0 ? 0 : -1;
}

static int64_t one_int(sqlite3 *db, const char *sql) {
  sqlite3_stmt *st = NULL;
  int64_t v = -1;
  if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
    v = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  return v;
}

static void test_open_migrate(void **state) {
  (void)state;
  sqlite3 *db = NULL;
  cm_err err;
  cm_err_clear(&err);
  assert_int_equal(cm_db_open(path, migrations, 1, &db, &err), CM_OK);
  assert_non_null(db);
  assert_int_equal(one_int(db, "PRAGMA user_version"), 1);
  assert_int_equal(one_int(db, "PRAGMA foreign_keys"), 1);
  assert_int_equal(one_int(db, "PRAGMA synchronous"), 2); /* FULL */
  cm_db_close(db);
  /* the program grows a migration */
  assert_int_equal(cm_db_open(path, migrations, 2, &db, &err), CM_OK);
  assert_int_equal(one_int(db, "PRAGMA user_version"), 2);
  assert_int_equal(one_int(db, "SELECT count(*) FROM report"), 0);
  sqlite3_stmt *st = NULL;
  assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &st, NULL), SQLITE_OK);
  assert_int_equal(sqlite3_step(st), SQLITE_ROW);
  assert_string_equal((const char *)sqlite3_column_text(st, 0), "wal");
  sqlite3_finalize(st);
  cm_db_close(db);
  /* opening again with the same list changes nothing */
  assert_int_equal(cm_db_open(path, migrations, 2, &db, &err), CM_OK);
  assert_int_equal(one_int(db, "PRAGMA user_version"), 2);
  cm_db_close(db);
  cm_db_close(NULL);
}

static void test_refuse_newer(void **state) {
  (void)state;
  sqlite3 *db = (sqlite3 *)1;
  cm_err err;
  cm_err_clear(&err);
  assert_int_equal(cm_db_open(path, migrations, 2, &db, &err), CM_OK);
  cm_db_close(db);
  db = (sqlite3 *)1;
  assert_int_equal(cm_db_open(path, migrations, 1, &db, &err), CM_ERR_UNSUPPORTED);
  assert_null(db);
  assert_non_null(strstr(err.msg, "较新版本"));
}

static void test_failed_migration_rolls_back(void **state) {
  (void)state;
  static const char *const bad[] = {
      "CREATE TABLE a(x);",
      "CREATE TABLE b(y); INSERT INTO nosuch VALUES (1);",
  };
  sqlite3 *db = NULL;
  cm_err err;
  cm_err_clear(&err);
  assert_int_equal(cm_db_open(path, bad, 2, &db, &err), CM_ERR_DB);
  assert_null(db);
  /* Chinese words and SQLite's code, not its English message */
  assert_non_null(strstr(err.msg, "升级到结构版本 2：执行数据库语句：数据库出错（错误码 1）"));
  assert_null(strstr(err.msg, "nosuch"));
  /* version 1 was applied and committed; step 2 left nothing behind */
  assert_int_equal(cm_db_open(path, bad, 1, &db, &err), CM_OK);
  assert_int_equal(one_int(db, "PRAGMA user_version"), 1);
  assert_int_equal(one_int(db, "SELECT count(*) FROM sqlite_master WHERE name='b'"), 0);
  cm_db_close(db);
}

struct ins {
  const char *name;
  cm_rc result; /* what the body returns after inserting */
};

static cm_rc tx_insert(sqlite3 *db, void *ctx, cm_err *err) {
  struct ins *in = ctx;
  sqlite3_stmt *st = NULL;
  cm_rc rc =
      cm_db_check(db, sqlite3_prepare_v2(db, "INSERT INTO org(name) VALUES (?1)", -1, &st, NULL),
                  "prepare", err);
  if (!rc) rc = cm_db_check(db, sqlite3_bind_text(st, 1, in->name, -1, SQLITE_STATIC), "bind", err);
  if (!rc) rc = cm_db_check(db, sqlite3_step(st), "insert org", err);
  sqlite3_finalize(st);
  if (!rc && in->result) rc = cm_errf(err, in->result, "body failed on purpose");
  return rc;
}

static void test_tx(void **state) {
  (void)state;
  sqlite3 *db = NULL;
  cm_err err;
  cm_err_clear(&err);
  assert_int_equal(cm_db_open(path, migrations, 2, &db, &err), CM_OK);
  struct ins ok = {"alpha", CM_OK};
  assert_int_equal(cm_db_tx(db, tx_insert, &ok, &err), CM_OK);
  assert_int_equal(one_int(db, "SELECT count(*) FROM org"), 1);
  /* the body fails after its insert: nothing stays */
  struct ins failing = {"beta", CM_ERR_INVALID};
  assert_int_equal(cm_db_tx(db, tx_insert, &failing, &err), CM_ERR_INVALID);
  assert_string_equal(err.msg, "body failed on purpose");
  assert_int_equal(one_int(db, "SELECT count(*) FROM org"), 1);
  assert_int_not_equal(sqlite3_get_autocommit(db), 0); /* no transaction left open */
  /* a constraint violation maps to CM_ERR_EXISTS and rolls back */
  struct ins dup = {"alpha", CM_OK};
  assert_int_equal(cm_db_tx(db, tx_insert, &dup, &err), CM_ERR_EXISTS);
  assert_int_equal(one_int(db, "SELECT count(*) FROM org"), 1);
  assert_int_not_equal(sqlite3_get_autocommit(db), 0);
  cm_db_close(db);
}

static cm_rc tx_outer(sqlite3 *db, void *ctx, cm_err *err) {
  (void)ctx;
  struct ins a = {"outer", CM_OK};
  struct ins b = {"inner", CM_ERR_CONFLICT};
  cm_rc rc = tx_insert(db, &a, err);
  if (rc) return rc;
  /* an inner failure rolls back only the inner part */
  if (cm_db_tx(db, tx_insert, &b, err) != CM_ERR_CONFLICT)
    return cm_errf(err, CM_ERR_INVALID, "inner tx did not fail");
  return CM_OK;
}

static void test_nested_tx(void **state) {
  (void)state;
  sqlite3 *db = NULL;
  cm_err err;
  cm_err_clear(&err);
  assert_int_equal(cm_db_open(path, migrations, 2, &db, &err), CM_OK);
  assert_int_equal(cm_db_tx(db, tx_outer, NULL, &err), CM_OK);
  assert_int_equal(one_int(db, "SELECT count(*) FROM org WHERE name='outer'"), 1);
  assert_int_equal(one_int(db, "SELECT count(*) FROM org WHERE name='inner'"), 0);
  cm_db_close(db);
}

static cm_rc tx_fill(sqlite3 *db, void *ctx, cm_err *err) {
  (void)ctx;
  static uint8_t blob[16384];
  sqlite3_stmt *st = NULL;
  cm_rc rc = cm_db_check(
      db, sqlite3_prepare_v2(db, "INSERT INTO report(org, body) VALUES (1, ?1)", -1, &st, NULL),
      "prepare", err);
  for (int i = 0; !rc && i < 1000; i++) {
    blob[0] = (uint8_t)i;
    rc = cm_db_check(db, sqlite3_bind_blob(st, 1, blob, sizeof blob, SQLITE_STATIC), "bind", err);
    if (!rc) rc = cm_db_check(db, sqlite3_step(st), "insert report", err);
    sqlite3_reset(st);
  }
  sqlite3_finalize(st);
  return rc;
}

static void test_disk_full(void **state) {
  (void)state;
  sqlite3 *db = NULL;
  cm_err err;
  cm_err_clear(&err);
  assert_int_equal(cm_db_open(path, migrations, 2, &db, &err), CM_OK);
  struct ins ok = {"org", CM_OK};
  assert_int_equal(cm_db_tx(db, tx_insert, &ok, &err), CM_OK);
  int64_t pages = one_int(db, "PRAGMA page_count");
  assert_true(pages > 0);
  char sql[64];
  snprintf(sql, sizeof sql, "PRAGMA max_page_count=%lld", (long long)pages + 4);
  assert_int_equal(cm_db_exec(db, sql, &err), CM_OK);
  assert_int_equal(cm_db_tx(db, tx_fill, NULL, &err), CM_ERR_DISK_FULL);
  assert_non_null(strstr(err.msg, "腾出磁盘空间"));
  assert_int_equal(one_int(db, "SELECT count(*) FROM report"), 0);
  assert_int_not_equal(sqlite3_get_autocommit(db), 0);
  /* the database still works afterwards */
  struct ins more = {"org2", CM_OK};
  assert_int_equal(cm_db_tx(db, tx_insert, &more, &err), CM_OK);
  assert_int_equal(one_int(db, "SELECT count(*) FROM org"), 2);
  cm_db_close(db);
}

static void test_check_and_exec(void **state) {
  (void)state;
  sqlite3 *db = NULL;
  cm_err err;
  cm_err_clear(&err);
  assert_int_equal(cm_db_open(path, NULL, 0, &db, &err), CM_OK);
  assert_int_equal(cm_db_check(db, SQLITE_OK, "x", &err), CM_OK);
  assert_int_equal(cm_db_check(db, SQLITE_ROW, "x", &err), CM_OK);
  assert_int_equal(cm_db_check(db, SQLITE_DONE, "x", &err), CM_OK);
  assert_int_equal(cm_db_check(db, SQLITE_BUSY, "x", &err), CM_ERR_BUSY);
  assert_int_equal(cm_db_check(db, SQLITE_LOCKED, "x", &err), CM_ERR_BUSY);
  assert_int_equal(cm_db_check(db, SQLITE_FULL, "x", &err), CM_ERR_DISK_FULL);
  assert_int_equal(cm_db_check(db, SQLITE_CONSTRAINT_UNIQUE, "x", &err), CM_ERR_EXISTS);
  assert_int_equal(cm_db_check(db, SQLITE_CORRUPT, "x", &err), CM_ERR_DB);
  assert_int_equal(cm_db_check(db, SQLITE_CORRUPT, "what", NULL), CM_ERR_DB);
  assert_int_equal(cm_db_exec(db, "SELEC nonsense", &err), CM_ERR_DB);
  assert_string_equal(err.msg, "执行数据库语句：数据库出错（错误码 1）");
  assert_int_equal(cm_db_exec(db, "CREATE TABLE u(k UNIQUE); INSERT INTO u VALUES (1), (1)", &err),
                   CM_ERR_EXISTS);
  assert_string_equal(err.msg, "执行数据库语句：记录已存在或不合数据库的规定（错误码 2067）");
  assert_int_equal(cm_db_check(db, SQLITE_FULL, "写入月报", &err), CM_ERR_DISK_FULL);
  assert_string_equal(err.msg,
                      "写入月报：磁盘（或数据库大小上限）已满：请腾出磁盘空间后再试（错误码 13）");
  cm_db_close(db);
  /* a directory that does not exist */
  assert_int_not_equal(cm_db_open("/nonexistent-dir/x/y.db", NULL, 0, &db, &err), CM_OK);
  assert_null(db);
}

/* A new database takes the page size asked for; an existing one keeps its
 * own (and its data); a size that is not a power of two is refused. */
static void test_page_size(void **state) {
  (void)state;
  sqlite3 *db = NULL;
  cm_err err;
  assert_int_equal(cm_db_open_sized(path, 8192, migrations, 2, &db, &err), CM_OK);
  assert_int_equal(one_int(db, "PRAGMA page_size"), 8192);
  assert_int_equal(cm_db_exec(db, "INSERT INTO org(name) VALUES('a')", &err), CM_OK);
  cm_db_close(db);
  db = NULL;
  assert_int_equal(cm_db_open_sized(path, 4096, migrations, 2, &db, &err), CM_OK);
  assert_int_equal(one_int(db, "PRAGMA page_size"), 8192);
  assert_int_equal(one_int(db, "SELECT count(*) FROM org"), 1);
  cm_db_close(db);
  db = NULL;
  assert_int_equal(cm_db_open(path, migrations, 2, &db, &err), CM_OK);
  assert_int_equal(one_int(db, "PRAGMA page_size"), 8192);
  cm_db_close(db);
  db = NULL;
  assert_int_equal(cm_db_open_sized(path, 3000, migrations, 2, &db, &err), CM_ERR_INVALID);
  assert_null(db);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_open_migrate, setup, teardown),
      cmocka_unit_test_setup_teardown(test_refuse_newer, setup, teardown),
      cmocka_unit_test_setup_teardown(test_failed_migration_rolls_back, setup, teardown),
      cmocka_unit_test_setup_teardown(test_tx, setup, teardown),
      cmocka_unit_test_setup_teardown(test_nested_tx, setup, teardown),
      cmocka_unit_test_setup_teardown(test_disk_full, setup, teardown),
      cmocka_unit_test_setup_teardown(test_check_and_exec, setup, teardown),
      cmocka_unit_test_setup_teardown(test_page_size, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
