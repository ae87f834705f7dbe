/* fault_crashvfs.c - lost writes: ingest at a hub and appends at a node run
 * over tests/fault/crashvfs.c, which keeps every write since the last fsync in
 * memory and, at a random write or sync, "loses power" (drops them).  After
 * the reboot the real files must hold everything that was acknowledged, the
 * database must be intact, every chain valid, and the log must continue.
 * kill -9 cannot catch a missing fsync; this can.  LINLI_SOAK=1: 10x trials. */
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

#include "crashvfs.h"
#include "hub/hub.h"
#include "hub/project.h"
#include "hub_testlib.h"
#include "node/node.h"
#include "node/records.h"

#define HUB_BUNDLES 12

static unsigned trials(unsigned n) {
  const char *s = getenv("LINLI_SOAK");
  return s && strcmp(s, "1") == 0 ? n * 10 : n;
}

/* The power comes back: forget the crash; the -shm index does not survive. */
static void reboot(const char *db) {
  char shm[4400];
  crashvfs_reset();
  snprintf(shm, sizeof shm, "%s-shm", db);
  unlink(shm);
}

/* integrity_check, and every author's chain: 1..n, each prev the hash before. */
static void check_db(const char *db, const char *table, int hub) {
  sqlite3 *h = NULL;
  sqlite3_stmt *st = NULL;
  assert_int_equal(sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
  assert_int_equal(sqlite3_prepare_v2(h, "PRAGMA integrity_check", -1, &st, NULL), SQLITE_OK);
  assert_int_equal(sqlite3_step(st), SQLITE_ROW);
  assert_string_equal((const char *)sqlite3_column_text(st, 0), "ok");
  sqlite3_finalize(st);
  if (hub) {
    assert_int_equal(
        sqlite3_prepare_v2(h,
                           "SELECT (SELECT count(*) FROM (SELECT author FROM entries GROUP BY "
                           "author HAVING count(*) != max(seq))) + (SELECT count(*) FROM entries "
                           "a JOIN entries b ON b.author = a.author AND b.seq = a.seq + 1 WHERE "
                           "b.prev != a.hash)",
                           -1, &st, NULL),
        SQLITE_OK);
  } else {
    (void)table;
    assert_int_equal(sqlite3_prepare_v2(h, "SELECT count(*) - coalesce(max(seq), 0) FROM log", -1,
                                        &st, NULL),
                     SQLITE_OK);
  }
  assert_int_equal(sqlite3_step(st), SQLITE_ROW);
  assert_int_equal(sqlite3_column_int(st, 0), 0);
  sqlite3_finalize(st);
  sqlite3_close(h);
}

static unsigned long lost_total, trials_hub, trials_node, crashes_hub, crashes_node;

/* The street hub ingests bundles; power fails at a random write or sync. */
static void hub_trial(unsigned long crash_at) {
  char *dir = tl_tmpdir();
  assert_non_null(dir);
  hub_ctx *hub = tl_hub(dir, "street", HUB_ROLE_STREET, "光復道街");
  assert_non_null(hub);
  tl_author a;
  assert_int_equal(tl_author_new(&a), 0);
  assert_int_equal(tl_enroll(hub, &a, "向陽社區", "120105001001"), 0);
  uint8_t *b[HUB_BUNDLES];
  size_t blen[HUB_BUNDLES];
  uint64_t last[HUB_BUNDLES];
  for (int i = 0; i < HUB_BUNDLES; i++) {
    uint8_t *cs = NULL;
    size_t cslen = 0;
    assert_int_equal(tl_changeset(&a, (size_t)(i % 5) + 1, NULL, NULL, 0, &cs, &cslen), 0);
    assert_int_equal(tl_bundle(&cs, &cslen, 1, &b[i], &blen[i]), 0);
    free(cs);
    last[i] = a.seq;
  }
  uint64_t acked = 0;
  crashvfs_crash_at(crash_at);
  for (int i = 0; i < HUB_BUNDLES && !crashvfs_crashed(); i++) {
    int status = tl_ingest(hub, b[i], blen[i], NULL);
    /* An answer given after the power failed never left the machine. */
    if (!crashvfs_crashed() && status == 200) acked = last[i];
  }
  if (crashvfs_crashed()) crashes_hub++;
  hub_close(hub);
  char db[4096];
  snprintf(db, sizeof db, "%s/street/hub.db", dir);
  reboot(db);
  cm_err err;
  char hubdir[4096];
  snprintf(hubdir, sizeof hubdir, "%s/street", dir);
  assert_int_equal(hub_open(hubdir, &hub, &err), CM_OK);
  uint64_t head = tl_head(hub, a.kp.pk);
  if (head < acked) {
    fprintf(stderr, "hub trial (crash at %lu): acknowledged %llu, holds %llu\n", crash_at,
            (unsigned long long)acked, (unsigned long long)head);
    lost_total += acked - head;
  }
  /* The log continues: the node re-sends everything, replays are acknowledged. */
  for (int i = 0; i < HUB_BUNDLES; i++) assert_int_equal(tl_ingest(hub, b[i], blen[i], NULL), 200);
  assert_int_equal(tl_head(hub, a.kp.pk), a.seq);
  assert_int_equal(hub_rebuild(hub, &err), CM_OK);
  hub_close(hub);
  check_db(db, "entries", 1);
  for (int i = 0; i < HUB_BUNDLES; i++) free(b[i]);
  tl_rmrf(dir);
  free(dir);
  trials_hub++;
}

/* The node writes monthly reports; power fails at a random write or sync. */
static void node_trial(unsigned long crash_at) {
  char *dir = tl_tmpdir();
  assert_non_null(dir);
  char ndir[4096], db[4200];
  snprintf(ndir, sizeof ndir, "%s/node", dir);
  snprintf(db, sizeof db, "%s/node.db", ndir);
  node_init_opts o = {"和平社區", "新華街", "http://127.0.0.1:9", "120105001001", NULL};
  uint8_t pk[32];
  cm_err err;
  assert_int_equal(node_init(ndir, &o, pk, &err), CM_OK);
  node_ctx *n = NULL;
  assert_int_equal(node_open(ndir, &n, &err), CM_OK);
  node_org_input org = {.name = "夕陽紅志願服務隊", .category = "為老服務", .leader = "王秀英",
                        .phone = "13800000000", .members = "20", .party_members = "2"};
  char id[NODE_ID_MAX];
  assert_int_equal(node_org_file(n, &org, id, &err), CM_OK);
  unsigned acked = 0;
  crashvfs_crash_at(crash_at);
  for (unsigned i = 0; i < 20 && !crashvfs_crashed(); i++) {
    char content[64];
    snprintf(content, sizeof content, "探訪獨居老人 第%u次", i);
    node_report_input r = {.org = id, .month = "2026-01", .activities = "3",
                           .participants = "40", .party_participants = "2", .content = content};
    cm_rc rc = node_report_monthly(n, &r, NULL, &err);
    if (!crashvfs_crashed() && rc == CM_OK) acked++;
  }
  if (crashvfs_crashed()) crashes_node++;
  node_close(n);
  reboot(db);
  assert_int_equal(node_open(ndir, &n, &err), CM_OK);
  json_t *list = NULL;
  assert_int_equal(node_report_list(n, id, NULL, &list, &err), CM_OK);
  node_close(n);
  json_decref(list);
  check_db(db, "log", 0);
  sqlite3 *h = NULL;
  sqlite3_stmt *st = NULL;
  assert_int_equal(sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
  assert_int_equal(sqlite3_prepare_v2(h, "SELECT count(*) FROM log", -1, &st, NULL), SQLITE_OK);
  assert_int_equal(sqlite3_step(st), SQLITE_ROW);
  unsigned held = (unsigned)sqlite3_column_int(st, 0);
  sqlite3_finalize(st);
  sqlite3_close(h);
  if (held < acked + 1) {
    fprintf(stderr, "node trial (crash at %lu): acknowledged %u, holds %u\n", crash_at,
            acked + 1, held);
    lost_total += acked + 1 - held;
  }
  tl_rmrf(dir);
  free(dir);
  trials_node++;
}

static void test_lost_writes(void **state) {
  (void)state;
  assert_int_equal(crashvfs_register(), 0);
  srand((unsigned)getpid());
  /* How many writes and syncs a whole run takes, to spread the crash points. */
  unsigned long o0 = crashvfs_ops();
  hub_trial(0);
  unsigned long hub_ops = crashvfs_ops() - o0;
  o0 = crashvfs_ops();
  node_trial(0);
  unsigned long node_ops = crashvfs_ops() - o0;
  unsigned n = trials(25);
  for (unsigned i = 0; i < n; i++) {
    hub_trial((unsigned long)rand() % (hub_ops + 1) + 1);
    node_trial((unsigned long)rand() % (node_ops + 1) + 1);
  }
  printf("fault_crashvfs: hub %lu trials (%lu crashed mid-run), node %lu trials (%lu crashed "
         "mid-run); lost %lu acknowledged entries, duplicated 0\n",
         trials_hub, crashes_hub, trials_node, crashes_node, lost_total);
  assert_int_equal(lost_total, 0);
}

/* The shim itself: with synchronous=OFF (commits never fsync) a power failure
 * must lose committed rows, and with FULL it must not, else the test above
 * proves nothing. */
static int shim_rows(const char *db) {
  sqlite3 *h = NULL;
  sqlite3_stmt *st = NULL;
  int n = -1;
  if (sqlite3_open(db, &h) == SQLITE_OK &&
      sqlite3_prepare_v2(h, "SELECT count(*) FROM t", -1, &st, NULL) == SQLITE_OK &&
      sqlite3_step(st) == SQLITE_ROW)
    n = sqlite3_column_int(st, 0);
  sqlite3_finalize(st);
  sqlite3_close(h);
  return n;
}

static void shim_run(const char *sync_mode, int *acked, int *held) {
  char *dir = tl_tmpdir();
  assert_non_null(dir);
  char db[4096], sql[128];
  snprintf(db, sizeof db, "%s/t.db", dir);
  sqlite3 *h = NULL;
  assert_int_equal(sqlite3_open(db, &h), SQLITE_OK);
  snprintf(sql, sizeof sql, "PRAGMA journal_mode=WAL; PRAGMA synchronous=%s;", sync_mode);
  assert_int_equal(sqlite3_exec(h, sql, NULL, NULL, NULL), SQLITE_OK);
  assert_int_equal(sqlite3_exec(h, "CREATE TABLE t(x); PRAGMA wal_checkpoint;", NULL, NULL, NULL),
                   SQLITE_OK);
  sqlite3_close(h);
  assert_int_equal(sqlite3_open(db, &h), SQLITE_OK);
  snprintf(sql, sizeof sql, "PRAGMA synchronous=%s;", sync_mode);
  assert_int_equal(sqlite3_exec(h, sql, NULL, NULL, NULL), SQLITE_OK);
  *acked = 0;
  for (int i = 0; i < 10; i++)
    if (sqlite3_exec(h, "INSERT INTO t VALUES (randomblob(100))", NULL, NULL, NULL) == SQLITE_OK)
      (*acked)++;
  crashvfs_crash();
  sqlite3_close(h);
  reboot(db);
  *held = shim_rows(db);
  tl_rmrf(dir);
  free(dir);
}

static void test_shim_loses_unsynced(void **state) {
  (void)state;
  int acked = 0, held = 0;
  shim_run("OFF", &acked, &held);
  assert_int_equal(acked, 10);
  assert_true(held < acked);
  shim_run("FULL", &acked, &held);
  assert_int_equal(held, acked);
}

int main(void) {
  const struct CMUnitTest tests[] = {cmocka_unit_test(test_lost_writes),
                                     cmocka_unit_test(test_shim_loses_unsynced)};
  return cmocka_run_group_tests(tests, NULL, NULL);
}
