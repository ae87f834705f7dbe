/* lists_hostile.c - the district's lists, supervising units and party-member
 * activity stations at a street hub, through the real HTTP server on
 * 127.0.0.1 port 0 with real signed changesets: a hostile enrolled community
 * tries each new kind's authority (a list only the district publishes, a
 * mapping only a street writes, a station for another community's
 * organisation) and bounds (codes, dates, counts, required fields); every
 * attempt is kept, refused with its reason and projected nowhere.  The
 * domain core's own checks of a street's relay (a district origin) and of a
 * street's mapping are tried on the core directly. */
/* cmocka needs these before it, in this order. */
/* clang-format off */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
/* clang-format on */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "common/lists.h"
#include "common/records.h"
#include "hub/lists.h"
#include "hub/project.h"
#include "hub/review.h"
#include "hub/store.h"
#include "hub_api_util.h"

#define NOW_MS 1802138400000ull /* 2027-02-09 10:00 Asia/Shanghai */
#define V_CODE "120105001001"
#define H_CODE "120105001002"
#define V_ORG V_CODE "-0001"
#define H_ORG H_CODE "-0001"

static t_street g;

/* POST the queued entries of lg as one changeset; the HTTP status. */
static long push(t_log *lg) {
  return t_push(g.base, lg);
}

static void accept_all(hub_ctx *hub) {
  assert_int_equal(t_accept_all(hub), 0);
}

static int setup(void **state) {
  (void)state;
  return t_street_up(&g, NOW_MS, 2);
}

static int teardown(void **state) {
  (void)state;
  t_street_down(&g);
  return 0;
}

/* A station body for org (a static buffer per call, at most 16 live). */
static const char *station(const char *org, int party, const char *date, const char *extra) {
  static char bufs[16][512];
  static unsigned k;
  char *b = bufs[k++ % 16];
  snprintf(b, sizeof bufs[0],
           "{\"org\":\"%s\",\"name\":\"党员活动站\",\"leader\":\"王\",\"party_members\":%d,"
           "\"committee\":\"铁东路社区党总支\",\"date\":\"%s\"%s}",
           org, party, date, extra);
  return b;
}

/* The count of rows of a projection table. */
static long long rows(hub_ctx *hub, const char *table) {
  (void)hub;
  char path[600], sql[128];
  sqlite3 *db = NULL;
  sqlite3_stmt *s = NULL;
  long long n = -1;
  snprintf(path, sizeof path, "%s/hub.db", g.dir);
  snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", table);
  if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
      sqlite3_prepare_v2(db, sql, -1, &s, NULL) == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW)
    n = sqlite3_column_int64(s, 0);
  sqlite3_finalize(s);
  sqlite3_close(db);
  return n;
}

static void test_hostile(void **state) {
  (void)state;
  hub_ctx *hub = NULL;
  cm_err err;
  char vhex[PROTO_KEY_HEX];
  assert_int_equal(hub_open(g.dir, &hub, &err), CM_OK);
  proto_key_hex(g.v.kp.pk, vhex);

  assert_int_equal(t_log_org(&g.v, V_ORG, "建昌道社区夕阳红志愿队"), 0);
  assert_int_equal(push(&g.v), 200);
  assert_int_equal(t_log_org(&g.h, H_ORG, "铁东路社区读书会"), 0);
  assert_int_equal(push(&g.h), 200);
  accept_all(hub);

  char mapped[512], filed[1024];
  snprintf(mapped, sizeof mapped,
           "{\"to\":\"%s\",\"org\":\"" V_ORG "\",\"old\":\"x\",\"category\":\"ELDER\"}", vhex);
  snprintf(filed, sizeof filed,
           "{\"id\":\"" H_CODE "-0002\",\"name\":\"n\",\"category\":\"c\",\"leader\":\"l\","
           "\"phone\":\"p\",\"members\":5,\"party_members\":0,\"filed\":\"2026-03-01\","
           "\"industry\":\"卫生 健康\"}");
  struct {
    const char *kind, *body, *why;
  } att[] = {
      /* authority */
      {"list.published", "{\"list\":\"unit\",\"items\":[{\"code\":\"WJW\",\"name\":\"区卫健委\"}]}",
       "上级"},
      {"org.mapped", mapped, "上级"},
      {"station.registered", station(V_ORG, 3, "2026-06-01", ""), "不属于"},
      {"station.registered", station(H_CODE "-0009", 3, "2026-06-01", ""), "未备案"},
      /* bounds */
      {"station.registered", station(H_ORG, 0, "2026-06-01", ""), "至少为1"},
      {"station.registered", station(H_ORG, 200000, "2026-06-01", ""), "活动站党员人数"},
      {"station.registered", station(H_ORG, 3, "2026-02-01", ""), "备案日期"},
      {"station.registered", station(H_ORG, 3, "2027-03-01", ""), "备案日期"},
      {"station.registered", station(H_ORG, 3, "2026-6-1", ""), "登记日期"},
      {"station.registered", station(H_ORG, 3, "2026-06-01", ",\"branch_date\":\"2026-07-01\""),
       "须填写「党支部」"},
      {"station.registered",
       station(H_ORG, 3, "2026-06-01", ",\"branch\":\"支部\",\"branch_date\":\"2028-01-01\""),
       "党支部成立日期"},
      {"station.registered", "{\"org\":\"" H_ORG "\",\"name\":\"站\",\"leader\":\"王\","
                             "\"party_members\":3,\"date\":\"2026-06-01\"}",
       "登记的党组织"},
      {"org.filed", filed, "行业"},
  };
  size_t n = sizeof att / sizeof att[0];
  for (size_t i = 0; i < n; i++) assert_int_equal(t_log_add(&g.h, att[i].kind, att[i].body), 0);
  assert_int_equal(push(&g.h), 200);

  /* Every attempt is kept, refused with its reason, for the reviewer to see. */
  json_t *list = NULL, *batch = NULL;
  assert_int_equal(hub_review_list(hub, &list, &err), CM_OK);
  assert_int_equal(json_array_size(list), 1);
  assert_int_equal(
      hub_review_show(hub, json_integer_value(json_object_get(json_array_get(list, 0), "id")),
                      &batch, &err),
      CM_OK);
  json_t *recs = json_object_get(batch, "records");
  assert_int_equal(json_array_size(recs), n);
  for (size_t i = 0; i < n; i++) {
    json_t *r = json_array_get(recs, i);
    const char *st = json_string_value(json_object_get(r, "status"));
    const char *why = json_string_value(json_object_get(r, "reason"));
    if (!st || strcmp(st, "refused") != 0 || !why || !strstr(why, att[i].why))
      fail_msg("attempt %zu (%s): status %s, reason %s (expected one with %s)", i, att[i].kind,
               st ? st : "-", why ? why : "-", att[i].why);
  }
  json_decref(batch);
  json_decref(list);
  accept_all(hub);

  /* Projected nowhere: no station, no mapping, no list, one organisation. */
  json_t *lists = NULL;
  assert_int_equal(hub_lists_all(hub, 0, &lists, &err), CM_OK);
  assert_int_equal(json_object_size(lists), 0);
  json_decref(lists);
  assert_int_equal(rows(hub, "stations"), 0);
  assert_int_equal(rows(hub, "org_mapped"), 0);
  assert_int_equal(rows(hub, "organisations"), 2);

  /* Its own station within bounds is taken. */
  assert_int_equal(t_log_add(&g.h, "station.registered",
                             station(H_ORG, 3, "2026-06-01",
                                     ",\"branch\":\"读书会党支部\",\"branch_date\":\"2026-07-01\"")),
                   0);
  assert_int_equal(push(&g.h), 200);
  assert_int_equal(rows(hub, "stations"), 1);
  hub_close(hub);
}

/* The core's checks a community cannot reach: a street's list without the
 * district's origin, a street's mapping of an organisation not below it. */
static void test_core(void **state) {
  (void)state;
  const cm_rec_def *def = cm_rec_find("list.published");
  cm_rec_body b;
  cm_rec_ctx c;
  cm_err err;
  json_t *o = json_loads("{\"list\":\"unit\",\"items\":[{\"code\":\"WJW\",\"name\":\"卫\"}]}", 0,
                         NULL);
  assert_int_equal(cm_rec_read_json(def, o, &b, &err), CM_OK);
  memset(&c, 0, sizeof c);
  c.writer = CM_REC_STREET;
  assert_int_equal(cm_rec_check(def, &b, &c, &err), CM_ERR_PERM);
  c.origin_district = 1;
  assert_int_equal(cm_rec_check(def, &b, &c, &err), CM_OK);
  c.writer = CM_REC_DISTRICT;
  c.origin_district = 0;
  assert_int_equal(cm_rec_check(def, &b, &c, &err), CM_OK);
  json_decref(o);

  /* bounds of a list: repeated code, bad code, no items, unknown list */
  static const char *const bad[] = {
      "{\"list\":\"unit\",\"items\":[{\"code\":\"A\",\"name\":\"甲\"},{\"code\":\"A\",\"name\":\"乙\"}]}",
      "{\"list\":\"unit\",\"items\":[{\"code\":\"A B\",\"name\":\"甲\"}]}",
      "{\"list\":\"unit\",\"items\":[]}",
      "{\"list\":\"street\",\"items\":[{\"code\":\"A\",\"name\":\"甲\"}]}",
      "{\"list\":\"unit\",\"items\":[{\"code\":\"A\",\"name\":\"\"}]}",
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    o = json_loads(bad[i], 0, NULL);
    assert_non_null(o);
    assert_int_equal(cm_rec_read_json(def, o, &b, &err), CM_ERR_INVALID);
    json_decref(o);
  }

  def = cm_rec_find("org.mapped");
  o = json_loads("{\"to\":\"0000000000000000000000000000000000000000000000000000000000000001\","
                 "\"org\":\"120105001001-0001\",\"old\":\"x\",\"unit\":\"WJW\"}",
                 0, NULL);
  assert_int_equal(cm_rec_read_json(def, o, &b, &err), CM_OK);
  memset(&c, 0, sizeof c);
  c.writer = CM_REC_STREET;
  c.org_below = 0;
  assert_int_equal(cm_rec_check(def, &b, &c, &err), CM_ERR_PERM);
  c.org_below = 1;
  assert_int_equal(cm_rec_check(def, &b, &c, &err), CM_OK);
  c.writer = CM_REC_DISTRICT;
  assert_int_equal(cm_rec_check(def, &b, &c, &err), CM_ERR_PERM);
  json_decref(o);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_hostile),
      cmocka_unit_test(test_core),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
