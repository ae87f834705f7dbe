/* node_proj.c - the node's domain and storage without a hub: the naming norm
 * with Simplified/Traditional folding, rebuild equal to the incremental
 * projection over a few hundred random entries, CSV import (BOM, quoting, all or
 * nothing, the bad row named, thousands of rows), "this month" bounded by the
 * hub's clock, two connections appending at once, and a full disk. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "common/buf.h"
#include "common/db.h"
#include "node/csvimport.h"
#include "protocol/entry.h"
#include "node/node.h"
#include "node/project.h"
#include "node/records.h"
#include "common/rules.h"
#include "node/store.h"

/* 2026-11-15 12:00 Asia/Shanghai */
#define NOW_MS "1794715200000"

static char dir[64];

static int setup(void **state) {
  (void)state;
  setenv("LINLI_FAKE_NOW_MS", NOW_MS, 1);
  snprintf(dir, sizeof dir, "/tmp/linli-node-XXXXXX");
  if (!mkdtemp(dir)) return -1;
  node_init_opts o = {"和平社區", "新華街", "http://127.0.0.1:9", "120105001001", NULL};
  uint8_t pk[32];
  cm_err e;
  return node_init(dir, &o, pk, &e) == CM_OK ? 0 : -1;
}

static int teardown(void **state) {
  (void)state;
  char cmd[160];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  return system(cmd) == 0 ? 0 : -1;
}

static node_ctx *open_node(void) {
  node_ctx *ctx = NULL;
  cm_err e;
  assert_int_equal(node_open(dir, &ctx, &e), CM_OK);
  return ctx;
}

static void file_org(node_ctx *ctx, const char *name, const char *members, const char *party,
                     char id[NODE_ID_MAX]) {
  node_org_input in = {name, "養老", "張三", "138", members, party, NULL, NULL, NULL, NULL, "2005-01-01", NULL, NULL};
  cm_err e;
  cm_rc rc = node_org_file(ctx, &in, id, &e);
  if (rc) fail_msg("org file: %s", e.msg);
}

static void test_rules(void **state) {
  (void)state;
  char out[64];
  cm_rules_fold("和平社區分會黨員", out, sizeof out);
  assert_string_equal(out, "和平社区分会党员");
  assert_true(cm_rules_name_ok("和平社區助老工作站", "street", CM_RULES_COMMUNITY));
  assert_true(cm_rules_name_ok("和平社区助老工作站", "district-unit", CM_RULES_COMMUNITY));
  assert_true(cm_rules_name_ok("隨便什麼名字", "self", CM_RULES_COMMUNITY));
  /* no 社區 part; nothing between; nothing before */
  assert_false(cm_rules_name_ok("助老工作站", "street", CM_RULES_COMMUNITY));
  assert_false(cm_rules_name_ok("和平社區工作站", "street", CM_RULES_COMMUNITY));
  assert_false(cm_rules_name_ok("社區助老工作站", "street", CM_RULES_COMMUNITY));
  assert_false(cm_rules_name_ok("和平社區助老隊", "district-unit", CM_RULES_COMMUNITY));
  assert_true(cm_rules_station_ok(2, 0));
  assert_false(cm_rules_station_ok(3, 0));
  assert_true(cm_rules_station_ok(3, 1));
}

/* Canonical dump of every projection table. */
static char *dump(node_ctx *ctx) {
  cm_buf b;
  cm_err e;
  cm_buf_init(&b, 64u << 20);
  assert_int_equal(store_proj_dump(ctx, &b, &e), CM_OK);
  size_t len;
  char *s = (char *)cm_buf_take(&b, &len);
  return s ? s : strdup("");
}

static void test_rebuild_equals_incremental(void **state) {
  (void)state;
  node_ctx *ctx = open_node();
  char ids[64][NODE_ID_MAX];
  int n_orgs = 0, written = 0;
  static const char *const names[] = {"和平社區助老工作站", "和平社区助残工作站", "書畫社",
                                      "夕陽紅", "助學會"};
  static const char *const founded[] = {"self", "district-unit", "street"};
  srand(20261115);
  for (int i = 0; i < 400; i++) {
    cm_err e;
    char buf[5][16];
    int op = n_orgs == 0 ? 0 : rand() % 10;
    const char *org = n_orgs ? ids[rand() % n_orgs] : "";
    cm_rc rc;
    if (op == 0 && n_orgs < 64) {
      snprintf(buf[0], sizeof buf[0], "%d", 3 + rand() % 30);
      snprintf(buf[1], sizeof buf[1], "%d", rand() % 5);
      node_org_input in = {names[rand() % 5], "c", "l", "p", buf[0], buf[1],
                           rand() % 2 ? "yes" : "no", founded[rand() % 3], "", "", "2025-06-01", NULL, NULL};
      rc = node_org_file(ctx, &in, ids[n_orgs], &e);
      if (!rc) n_orgs++;
    } else if (op == 1) {
      snprintf(buf[0], sizeof buf[0], "%d", rand() % 6);
      node_org_input in = {NULL, NULL, rand() % 2 ? "李四" : NULL, NULL, NULL, buf[0],
                           rand() % 2 ? "yes" : NULL, NULL, "新範圍", NULL, NULL, NULL, NULL};
      rc = node_org_amend(ctx, org, &in, &e);
    } else if (op == 2 && rand() % 4 == 0) {
      rc = node_org_dissolve(ctx, org, "停止活動", &e);
    } else if (op == 3) {
      snprintf(buf[0], sizeof buf[0], "2026-%02d", 1 + rand() % 11);
      node_activity_input in = {org, "2026-12-24", "義診", "廣場", "100", NULL};
      char id[NODE_ID_MAX];
      rc = node_activity_declare(ctx, &in, id, &e);
    } else if (op == 4) {
      node_rectification_input in = {
          org, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/3", "已整改"};
      rc = node_rectification_file(ctx, &in, NULL, &e);
    } else {
      snprintf(buf[0], sizeof buf[0], "2026-%02d", 1 + rand() % 11);
      snprintf(buf[1], sizeof buf[1], "%d", rand() % 10);
      snprintf(buf[2], sizeof buf[2], "%d", 50 + rand() % 100);
      snprintf(buf[3], sizeof buf[3], "%d", rand() % 50);
      node_report_input in = {org, buf[0], buf[1], buf[2], buf[3], "活動內容", "助老", "好事"};
      rc = node_report_monthly(ctx, &in, NULL, &e);
    }
    if (rc == CM_OK) written++;
    else assert_true(rc == CM_ERR_INVALID || rc == CM_ERR_NOT_FOUND);
  }
  assert_true(written >= 300);
  char *inc = dump(ctx);
  assert_true(strlen(inc) > 1000);
  cm_err e;
  assert_int_equal(project_rebuild(ctx, &e), CM_OK);
  char *reb = dump(ctx);
  assert_string_equal(inc, reb);
  free(reb);
  /* and from a fresh connection */
  node_close(ctx);
  ctx = open_node();
  assert_int_equal(project_rebuild(ctx, &e), CM_OK);
  reb = dump(ctx);
  assert_string_equal(inc, reb);
  free(reb);
  free(inc);
  node_close(ctx);
}

static uint64_t written_count(node_ctx *ctx) {
  uint64_t seq = 0;
  uint8_t h[32];
  assert_int_equal(store_log_head(ctx, &seq, h, NULL), CM_OK);
  return seq;
}

static void test_csv_import(void **state) {
  (void)state;
  node_ctx *ctx = open_node();
  char org[NODE_ID_MAX], csv[4096];
  cm_err e;
  size_t n = 0;
  file_org(ctx, "書畫社", "20", "1", org);
  uint64_t before = written_count(ctx);

  snprintf(csv, sizeof csv,
           "\xEF\xBB\xBForg,month,activities,participants,party_participants,content,scope,"
           "good_deeds\r\n"
           "%s,2026-01,2,30,1,\"讀報, 聊天\",助老,\r\n"
           "\r\n"
           "%s,2026-02,3,40,2,\"多行\n內容\",,\"好人\"\"好事\"\"\"\r\n",
           org, org);
  assert_int_equal(node_import_reports_buf(ctx, csv, strlen(csv), &n, &e), CM_OK);
  assert_int_equal(n, 2);
  assert_int_equal(written_count(ctx), before + 2);
  json_t *list = NULL;
  assert_int_equal(node_report_list(ctx, org, "2026-02", &list, &e), CM_OK);
  assert_int_equal(json_array_size(list), 1);
  assert_string_equal(json_string_value(json_object_get(json_array_get(list, 0), "content")),
                      "多行\n內容");
  assert_string_equal(json_string_value(json_object_get(json_array_get(list, 0), "good_deeds")),
                      "好人\"好事\"");
  json_decref(list);

  /* a bad row: nothing is written and the row is named */
  before = written_count(ctx);
  snprintf(csv, sizeof csv,
           "org,month,activities,participants,party_participants,content,scope,good_deeds\n"
           "%s,2026-03,2,30,1,a,,\n"
           "%s,2026-04,2,30,1,b,,\n"
           "%s,2026-13,2,30,1,c,,\n",
           org, org, org);
  assert_int_equal(node_import_reports_buf(ctx, csv, strlen(csv), &n, &e), CM_ERR_INVALID);
  assert_non_null(strstr(e.msg, "line 4"));
  assert_int_equal(written_count(ctx), before);
  /* an unknown org in a later row: refused inside the transaction, rolled back */
  snprintf(csv, sizeof csv,
           "org,month,activities,participants,party_participants,content,scope,good_deeds\n"
           "%s,2026-03,2,30,1,a,,\n"
           "120105001001-0999,2026-04,2,30,1,b,,\n",
           org);
  assert_int_equal(node_import_reports_buf(ctx, csv, strlen(csv), &n, &e), CM_ERR_NOT_FOUND);
  assert_non_null(strstr(e.msg, "line 3"));
  assert_int_equal(written_count(ctx), before);
  /* wrong header, wrong field count, unterminated quote */
  const char *bad[] = {
      "org,month\nx,2026-01\n",
      "org,month,activities,participants,party_participants,content,scope,good_deeds\n1,2,3\n",
      ("org,month,activities,participants,party_participants,content,scope,good_deeds\n"
       "a,2026-01,1,1,1,\"open,,\n"),
  };
  for (size_t i = 0; i < 3; i++) {
    assert_int_equal(node_import_reports_buf(ctx, bad[i], strlen(bad[i]), &n, &e),
                     CM_ERR_INVALID);
    assert_int_equal(written_count(ctx), before);
  }

  /* thousands of rows in one transaction */
  cm_buf big;
  cm_buf_init(&big, 16u << 20);
  assert_int_equal(cm_buf_appendf(&big, "org,month,activities,participants,"
                                        "party_participants,content,scope,good_deeds\n"),
                   CM_OK);
  for (int i = 0; i < 5000; i++)
    assert_int_equal(cm_buf_appendf(&big, "%s,20%02d-%02d,1,10,1,第%d次,,\n", org, 10 + i % 16,
                                    1 + i % 12, i),
                     CM_OK);
  assert_int_equal(node_import_reports_buf(ctx, (const char *)big.p, big.len, &n, &e), CM_OK);
  assert_int_equal(n, 5000);
  assert_int_equal(written_count(ctx), before + 5000);
  cm_buf_free(&big);
  node_close(ctx);
}

static void test_dead_clock(void **state) {
  (void)state;
  node_ctx *ctx = open_node();
  char org[NODE_ID_MAX], month[8];
  cm_err e;
  file_org(ctx, "書畫社", "20", "1", org);
  /* the PC's clock battery died: it thinks it is 2000-01-01 */
  setenv("LINLI_FAKE_NOW_MS", "946684800000", 1);
  node_report_input in = {org, "2026-11", "1", "10", "1", "x", NULL, NULL};
  assert_int_equal(node_report_monthly(ctx, &in, NULL, &e), CM_ERR_INVALID);
  /* a hub told us its time: this month is the hub's month */
  assert_int_equal(store_meta_set_u64(ctx, "last_hub_time_ms", 1794715200000ull, &e), CM_OK);
  node_this_month(ctx, month);
  assert_string_equal(month, "2026-11");
  assert_int_equal(node_report_monthly(ctx, &in, NULL, &e), CM_OK);
  setenv("LINLI_FAKE_NOW_MS", NOW_MS, 1);
  node_close(ctx);
}

typedef struct chain_state {
  uint8_t prev[32];
  uint64_t n;
} chain_state;

/* Each entry's prev is the hash of the one before; seq counts up from 1. */
static cm_rc check_chain(void *arg, uint64_t seq, const uint8_t *raw, size_t len, cm_err *err) {
  chain_state *c = arg;
  proto_entry en;
  if (proto_entry_decode(raw, len, &en, err) != CM_OK) return CM_ERR_INVALID;
  if (en.seq != seq || seq != c->n + 1 || memcmp(en.prev, c->prev, 32) != 0)
    return cm_errf(err, CM_ERR_INVALID, "chain broken at %llu", (unsigned long long)seq);
  if (proto_entry_hash(&en, c->prev) != CM_OK) return CM_ERR_INVALID;
  c->n++;
  return CM_OK;
}

static void test_two_connections(void **state) {
  (void)state;
  node_ctx *a = open_node(), *b = open_node();
  char org[NODE_ID_MAX], id[NODE_ID_MAX];
  cm_err e;
  file_org(a, "書畫社", "20", "1", org);
  for (int i = 0; i < 20; i++) {
    file_org(i % 2 ? a : b, "夕陽紅", "5", "0", id);
  }
  assert_int_equal(written_count(a), 21);
  assert_int_equal(written_count(b), 21);
  assert_string_equal(id, "120105001001-0021");
  /* the chain links every entry to the one before, whoever wrote it */
  chain_state cs = {{0}, 0};
  assert_int_equal(store_log_each(a, 1, 0, check_chain, &cs, &e), CM_OK);
  assert_int_equal(cs.n, 21);
  json_t *list = NULL;
  assert_int_equal(node_org_list(b, &list, &e), CM_OK);
  assert_int_equal(json_array_size(list), 21);
  json_decref(list);
  node_close(a);
  node_close(b);
}

static void test_disk_full(void **state) {
  (void)state;
  node_ctx *ctx = open_node();
  char org[NODE_ID_MAX], id[NODE_ID_MAX];
  cm_err e;
  file_org(ctx, "書畫社", "20", "1", org);
  uint64_t before = written_count(ctx);
  /* cap the database at its current size: the next growth is a full disk */
  assert_int_equal(cm_db_exec(ctx->db, "PRAGMA max_page_count=1", &e), CM_OK);
  char longtext[3000];
  memset(longtext, 'x', sizeof longtext - 1);
  longtext[sizeof longtext - 1] = 0;
  cm_rc rc = CM_OK;
  for (int i = 0; i < 200 && rc == CM_OK; i++) {
    node_org_input in = {"夕陽紅", "c", "l", "p", "5", "0", NULL, NULL, longtext, longtext, NULL, NULL, NULL};
    rc = node_org_file(ctx, &in, id, &e);
  }
  assert_int_equal(rc, CM_ERR_DISK_FULL);
  assert_true(strlen(e.msg) > 0);
  node_close(ctx);
  /* what was acknowledged before is all there, and the log is whole */
  ctx = open_node();
  assert_true(written_count(ctx) >= before);
  assert_int_equal(project_rebuild(ctx, &e), CM_OK);
  node_close(ctx);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_rules),
      cmocka_unit_test_setup_teardown(test_rebuild_equals_incremental, setup, teardown),
      cmocka_unit_test_setup_teardown(test_csv_import, setup, teardown),
      cmocka_unit_test_setup_teardown(test_dead_clock, setup, teardown),
      cmocka_unit_test_setup_teardown(test_two_connections, setup, teardown),
      cmocka_unit_test_setup_teardown(test_disk_full, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
