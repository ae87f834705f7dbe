/* year_hostile.c - the annual inspection (年检) at a street hub, through the
 * real HTTP server on 127.0.0.1 port 0 with real signed changesets: a
 * community's self-report counts for its own organisation; a hostile
 * enrolled community's self-report about another community's organisation,
 * and every self-report out of bounds, is kept but refused with its reason
 * and counted nowhere; the street's results (合格, 限期整改 closed by an
 * accepted rectification, 不合格) move the progress, and the progress equals a
 * recomputation from the refusals and decisions the hub holds. */
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

#include "common/records.h"
#include "hub/project.h"
#include "hub/counting.h"
#include "hub/hublog.h"
#include "hub/review.h"
#include "hub/store.h"
#include "hub/year.h"
#include "hub_api_util.h"

#define NOW_MS 1802138400000ull /* 2027-02-09 10:00 Asia/Shanghai: year 2026 is over */
#define V_CODE "120105001001"
#define H_CODE "120105001002"
#define V_ORG V_CODE "-0001"
#define V_ORG2 V_CODE "-0002"
#define H_ORG H_CODE "-0001"

static t_street g;

/* POST the queued entries of lg as one changeset; the HTTP status. */
static long push(t_log *lg) {
  return t_push(g.base, lg);
}

static void accept_all(hub_ctx *hub) {
  assert_int_equal(t_accept_all(hub), 0);
}

/* A self-report body for org and year with the given counts and opinion
 * (a static buffer of its own for each of the last 16 calls). */
static const char *self_body(const char *org, int year, int members, int party,
                             const char *opinion, const char *text, long long fen) {
  /* one buffer per call of a test's table (at most 16 live at once) */
  static char bufs[16][1024];
  static unsigned k;
  char *b = bufs[k++ % 16];
  snprintf(b, sizeof bufs[0],
           "{\"org\":\"%s\",\"year\":%d,\"activities\":24,\"members\":%d,\"joined\":3,"
           "\"left\":1,\"party_members\":%d,\"funds_received\":%lld,\"funds_used\":100000,"
           "\"problems\":\"场地不足\",\"plans\":\"扩大服务\",\"opinion\":\"%s\","
           "\"opinion_text\":\"%s\"}",
           org, year, members, party, fen, opinion, text);
  return b;
}

static long long total(const json_t *p, const char *key) {
  return (long long)json_integer_value(json_object_get(json_object_get(p, "totals"), key));
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

static void test_inspection(void **state) {
  (void)state;
  hub_ctx *hub = NULL;
  json_t *p = NULL;
  cm_err err;
  char rec[PROTO_KEY_HEX + 24], rec2[PROTO_KEY_HEX + 24], due[11];
  assert_int_equal(hub_open(g.dir, &hub, &err), CM_OK);

  /* Two organisations of the victim, one of the hostile community. */
  assert_int_equal(t_log_org(&g.v, V_ORG, "建昌道社区夕阳红志愿队"), 0);
  assert_int_equal(t_log_org(&g.v, V_ORG2, "建昌道社区读书会"), 0);
  assert_int_equal(push(&g.v), 200);
  assert_int_equal(t_log_org(&g.h, H_ORG, "铁东路社区读书会"), 0);
  assert_int_equal(push(&g.h), 200);
  accept_all(hub);

  /* The hostile community: about another community's organisation, and out
   * of every bound on its own. */
  struct {
    const char *body, *why;
  } att[] = {
      {self_body(V_ORG, 2026, 20, 2, "agree", "", 500000), "不属于"},
      {self_body(H_ORG, 2026, 20, 21, "agree", "", 500000), "党员人数"},
      {self_body(H_ORG, 2027, 20, 2, "agree", "", 500000), "已结束"},
      {self_body(H_ORG, 2025, 20, 2, "agree", "", 500000), "备案年份"},
      {self_body(H_ORG, 2026, 20, 2, "maybe", "", 500000), "社区意见"},
      {self_body(H_ORG, 2026, 20, 2, "rectify", "", 500000), "社区意见说明"},
      {self_body(H_ORG, 2026, 200000, 2, "agree", "", 500000), "现有成员人数"},
      {self_body(H_ORG, 2026, 20, 2, "agree", "", 100000000001LL), "收到经费"},
      {"{\"org\":\"" H_ORG "\",\"year\":2026}", "必填"},
  };
  size_t n = sizeof att / sizeof att[0];
  for (size_t i = 0; i < n; i++) {
    char body[1024];
    snprintf(body, sizeof body, "%s", att[i].body);
    assert_int_equal(t_log_add(&g.h, "inspection.self", body), 0);
  }
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
      fail_msg("attempt %zu: status %s, reason %s (expected one with %s)", i, st ? st : "-",
               why ? why : "-", att[i].why);
  }
  json_decref(batch);
  json_decref(list);
  accept_all(hub);

  /* Nothing counted: three organisations expected, none reported. */
  assert_int_equal(hub_year_progress(hub, 2026, NULL, &p, &err), CM_OK);
  assert_int_equal(total(p, "expected"), 3);
  assert_int_equal(total(p, "self_reported"), 0);
  assert_int_equal(total(p, "missing"), 3);
  json_decref(p);

  /* The victim reports for one organisation, after the due date: late. */
  assert_int_equal(t_log_add(&g.v, "inspection.self",
                             self_body(V_ORG, 2026, 22, 3, "agree", "", 500000)),
                   0);
  assert_int_equal(push(&g.v), 200);
  assert_int_equal(hub_year_due(hub, "inspection", 2026, due, &err), CM_OK);
  assert_string_equal(due, "2027-01-31");
  assert_int_equal(hub_year_progress(hub, 2026, NULL, &p, &err), CM_OK);
  assert_int_equal(total(p, "self_reported"), 1);
  assert_int_equal(total(p, "late"), 1);
  assert_int_equal(total(p, "missing"), 2);
  assert_int_equal(json_array_size(json_object_get(p, "missing")), 2);
  assert_int_equal(json_array_size(json_object_get(p, "communities")), 2);
  json_decref(p);
  /* Only the district moves a due date: the street may not, neither on the
   * command line nor by its own due.set entry, nor may a community; the
   * self-report stays late by the district's date. */
  assert_int_equal(hub_year_due_set(hub, "inspection", 2026, "2027-03-01", "李", &err),
                   CM_ERR_PERM);
  assert_non_null(strstr(err.msg, "区协会"));
  const char *due_body = "{\"what\":\"inspection\",\"year\":2026,\"date\":\"2027-03-01\"}";
  json_t *own = json_loads(due_body, 0, NULL);
  (void)hub_log_append(hub, "due.set", own, NULL, &err);
  json_decref(own);
  assert_int_equal(t_log_add(&g.h, "due.set", due_body), 0);
  assert_int_equal(push(&g.h), 200);
  accept_all(hub);
  assert_int_equal(hub_year_due(hub, "inspection", 2026, due, &err), CM_OK);
  assert_string_equal(due, "2027-01-31");
  assert_int_equal(hub_year_progress(hub, 2026, NULL, &p, &err), CM_OK);
  assert_int_equal(total(p, "late"), 1);
  assert_string_equal(json_string_value(json_object_get(p, "due")), "2027-01-31");
  json_decref(p);

  /* The street's results: bounds first. */
  assert_int_equal(hub_year_result(hub, V_ORG, 2026, "rectify", NULL, "账目不清", "李", rec,
                                   sizeof rec, &err),
                   CM_ERR_INVALID);
  assert_int_equal(hub_year_result(hub, V_ORG, 2026, "excellent", NULL, "好", "李", rec,
                                   sizeof rec, &err),
                   CM_ERR_INVALID);
  assert_int_equal(hub_year_result(hub, "120105009999-0001", 2026, "pass", NULL, "好", "李", rec,
                                   sizeof rec, &err),
                   CM_ERR_NOT_FOUND);
  assert_int_equal(hub_year_result(hub, V_ORG, 2026, "rectify", "2027-03-31", "账目不清", "李",
                                   rec, sizeof rec, &err),
                   CM_OK);
  assert_int_equal(hub_year_result(hub, H_ORG, 2026, "fail", NULL, "全年未开展活动", "李", rec2,
                                   sizeof rec2, &err),
                   CM_OK);
  assert_int_equal(hub_year_progress(hub, 2026, NULL, &p, &err), CM_OK);
  assert_int_equal(total(p, "inspected"), 2);
  assert_int_equal(total(p, "rectify"), 1);
  assert_int_equal(total(p, "rectified"), 0);
  assert_int_equal(total(p, "fail"), 1);
  assert_int_equal(json_array_size(json_object_get(p, "fail")), 1);
  assert_string_equal(json_string_value(json_object_get(json_array_get(json_object_get(p, "fail"), 0),
                                                        "org")),
                      H_ORG);
  json_decref(p);

  /* The victim rectifies; the street accepts: the inspection is closed. */
  char body[512];
  snprintf(body, sizeof body, "{\"org\":\"" V_ORG "\",\"decision\":\"%s\",\"content\":\"已建账\"}",
           rec);
  assert_int_equal(t_log_add(&g.v, "rectification.filed", body), 0);
  assert_int_equal(push(&g.v), 200);
  accept_all(hub);
  assert_int_equal(hub_year_progress(hub, 2026, NULL, &p, &err), CM_OK);
  assert_int_equal(total(p, "rectified"), 1);
  json_decref(p);

  /* A rebuild from the logs gives the same figures. */
  json_t *before = NULL, *after = NULL;
  assert_int_equal(hub_year_progress(hub, 2026, NULL, &before, &err), CM_OK);
  assert_int_equal(hub_rebuild(hub, &err), CM_OK);
  assert_int_equal(hub_year_progress(hub, 2026, NULL, &after, &err), CM_OK);
  assert_true(json_equal(before, after));
  json_decref(before);
  json_decref(after);
  hub_close(hub);
}

/* Plans and year-end summaries (after test_inspection: its organisations). */
static void test_plans(void **state) {
  (void)state;
  hub_ctx *hub = NULL;
  json_t *p = NULL;
  cm_err err;
  assert_int_equal(hub_open(g.dir, &hub, &err), CM_OK);
  struct {
    const char *kind, *body, *why;
  } att[] = {
      {"plan.annual", "{\"org\":\"" V_ORG "\",\"year\":2027,\"goals\":\"g\",\"activities\":\"a\"}",
       "不属于"},
      {"summary.annual",
       "{\"org\":\"" V_ORG "\",\"year\":2026,\"results\":\"r\",\"activities_held\":3}",
       "不属于"},
      {"plan.annual", "{\"org\":\"" H_ORG "\",\"year\":2026,\"goals\":\"g\",\"activities\":\"a\"}",
       "今年或明年"},
      {"plan.annual", "{\"org\":\"" H_ORG "\",\"year\":2027,\"goals\":\"\",\"activities\":\"a\"}",
       "工作目标"},
      {"plan.annual",
       "{\"org\":\"" H_ORG "\",\"year\":2027,\"goals\":\"g\",\"activities\":\"a\","
       "\"planned_count\":12001}",
       "计划活动次数"},
      {"summary.annual",
       "{\"org\":\"" H_ORG "\",\"year\":2028,\"results\":\"r\",\"activities_held\":3}",
       "未来"},
      {"summary.annual", "{\"org\":\"" H_ORG "\",\"year\":2026,\"results\":\"r\"}",
       "全年活动次数"},
  };
  size_t n = sizeof att / sizeof att[0];
  for (size_t i = 0; i < n; i++) assert_int_equal(t_log_add(&g.h, att[i].kind, att[i].body), 0);
  assert_int_equal(push(&g.h), 200);
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
      fail_msg("attempt %zu: status %s, reason %s (expected one with %s)", i, st ? st : "-",
               why ? why : "-", att[i].why);
  }
  json_decref(batch);
  json_decref(list);
  accept_all(hub);
  assert_int_equal(hub_year_plans(hub, 2026, NULL, &p, &err), CM_OK);
  assert_int_equal(total(p, "expected"), 3);
  assert_int_equal(total(p, "summaries"), 0);
  assert_int_equal(total(p, "missing_summaries"), 3);
  json_decref(p);

  /* The victim's plan for this year and summary of the last, both after
   * 31 January: late. */
  assert_int_equal(t_log_add(&g.v, "plan.annual",
                             "{\"org\":\"" V_ORG "\",\"year\":2027,\"goals\":\"服务200人次\","
                             "\"activities\":\"每月探访\",\"planned_count\":12}"),
                   0);
  assert_int_equal(t_log_add(&g.v, "summary.annual",
                             "{\"org\":\"" V_ORG "\",\"year\":2026,\"results\":\"服务180人次\","
                             "\"problems\":\"\",\"activities_held\":11}"),
                   0);
  assert_int_equal(push(&g.v), 200);
  assert_int_equal(hub_year_plans(hub, 2026, NULL, &p, &err), CM_OK);
  assert_int_equal(total(p, "summaries"), 1);
  assert_int_equal(total(p, "summaries_late"), 1);
  assert_int_equal(total(p, "plans"), 0);
  assert_int_equal(json_array_size(json_object_get(p, "missing_summaries")), 2);
  json_decref(p);
  assert_int_equal(hub_year_plans(hub, 2027, NULL, &p, &err), CM_OK);
  assert_int_equal(total(p, "plans"), 1);
  assert_int_equal(total(p, "plans_late"), 1);
  assert_int_equal(total(p, "missing_plans"), 2);
  assert_string_equal(json_string_value(json_object_get(p, "plan_due")), "2027-01-31");
  json_decref(p);
  hub_close(hub);
}

/* The refusals of the hostile community's last push: each record refused
 * with a reason holding why[i]. */
static void expect_refused(hub_ctx *hub, const char *const *why, size_t n) {
  json_t *list = NULL, *batch = NULL;
  cm_err err;
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
    const char *w = json_string_value(json_object_get(r, "reason"));
    if (!st || strcmp(st, "refused") != 0 || !w || !strstr(w, why[i]))
      fail_msg("attempt %zu: status %s, reason %s (expected one with %s)", i, st ? st : "-",
               w ? w : "-", why[i]);
  }
  json_decref(batch);
  json_decref(list);
  accept_all(hub);
}

/* The year's other kinds against a hostile community: a hub's kinds
 * (trainings, notices), a notice read that was not sent to it, its own plan
 * out of bounds; the victim's reading of a notice sent to it counts. */
static void test_notices_and_units(void **state) {
  (void)state;
  hub_ctx *hub = NULL;
  json_t *p = NULL, *sent = NULL, *reads = NULL;
  cm_err err;
  char vhex[PROTO_KEY_HEX], notice[PROTO_KEY_HEX + 24], body[512];
  assert_int_equal(hub_open(g.dir, &hub, &err), CM_OK);
  accept_all(hub);
  /* A notice of the street sent to the victim only. */
  proto_key_hex(g.v.kp.pk, vhex);
  snprintf(notice, sizeof notice, "%s/999", hub->key_hex);
  sent = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s}", "notice", notice, "to", vhex, "title", "例会",
                   "text", "周五", "scope", "street", "street", hub->name);
  assert_int_equal(hub_log_append(hub, "notice.sent", sent, NULL, &err), CM_OK);
  json_decref(sent);
  snprintf(body, sizeof body, "{\"notice\":\"%s\"}", notice);
  char forged[768], hhex[PROTO_KEY_HEX];
  proto_key_hex(g.h.kp.pk, hhex);
  snprintf(forged, sizeof forged,
           "{\"notice\":\"%s\",\"to\":\"%s\",\"title\":\"t\",\"text\":\"x\","
           "\"scope\":\"street\",\"street\":\"s\"}",
           notice, hhex);
  struct {
    const char *kind, *body, *why;
  } att[] = {
      {"training.recorded",
       "{\"date\":\"2027-01-01\",\"topic\":\"t\",\"organiser\":\"o\",\"orgs\":[\"" H_ORG
       "\"]}",
       "只能由上级写入"},
      {"notice.issued", "{\"title\":\"t\",\"text\":\"x\",\"scope\":\"district\"}",
       "只能由上级写入"},
      {"notice.sent", forged, "只能由上级写入"},
      {"notice.read", body, "不是发给"},
      {"notice.read", "{\"notice\":\"not-a-record\"}", "通知编号"},
      {"plan.unit", "{\"org\":\"" H_ORG "\",\"year\":2027,\"goals\":\"g\",\"activities\":\"a\"}",
       "不写组织"},
      {"plan.unit", "{\"year\":2026,\"goals\":\"g\",\"activities\":\"a\"}", "今年或明年"},
      {"summary.unit", "{\"year\":2028,\"results\":\"r\",\"activities_held\":1}", "未来"},
      {"summary.unit", "{\"year\":2026,\"results\":\"r\",\"activities_held\":12001}",
       "全年活动次数"},
  };
  const char *why[sizeof att / sizeof att[0]];
  size_t n = sizeof att / sizeof att[0];
  for (size_t i = 0; i < n; i++) {
    assert_int_equal(t_log_add(&g.h, att[i].kind, att[i].body), 0);
    why[i] = att[i].why;
  }
  assert_int_equal(push(&g.h), 200);
  expect_refused(hub, why, n);
  /* The victim reads it and writes its own plan: both stand and count. */
  assert_int_equal(t_log_add(&g.v, "notice.read", body), 0);
  assert_int_equal(t_log_add(&g.v, "plan.unit",
                             "{\"year\":2027,\"goals\":\"g\",\"activities\":\"a\"}"),
                   0);
  assert_int_equal(push(&g.v), 200);
  pthread_mutex_lock(&hub->lock);
  assert_int_equal(hub_store_notice_reads_json(hub->store, notice, &reads, &err), CM_OK);
  pthread_mutex_unlock(&hub->lock);
  assert_int_equal(json_array_size(reads), 1);
  assert_true(json_is_integer(json_object_get(json_array_get(reads, 0), "read_ms")));
  json_decref(reads);
  assert_int_equal(hub_year_plans(hub, 2027, NULL, &p, &err), CM_OK);
  json_t *c = json_object_get(json_object_get(p, "unit_totals"), "community");
  assert_int_equal(json_integer_value(json_object_get(c, "expected")), 2);
  assert_int_equal(json_integer_value(json_object_get(c, "plans")), 1);
  json_decref(p);
  hub_close(hub);
}

/* How many organisations of a year's read the counting rule admits. */
typedef struct admit {
  int year;
  long n;
} admit;

static cm_rc admit_row(void *vctx, const hub_dash_row *row, cm_err *err) {
  admit *a = vctx;
  const hub_dash_year_org_row *r = &row->year_org;
  (void)err;
  a->n += hub_count_org_in_year(r->status, r->filed, r->dissolved_ms, r->revoked_ms, a->year);
  return CM_OK;
}

static long admitted(hub_ctx *hub, hub_dash_query q, int year) {
  char y[16];
  cm_err err;
  snprintf(y, sizeof y, "%d", year);
  const char *params[2] = {y, hub->key_hex};
  admit a = {year, 0};
  pthread_mutex_lock(&hub->lock);
  assert_int_equal(hub_store_dash_rows(hub->store, q, params, q == HUB_DQ_YEAR_PLANS ? 1 : 2,
                                       admit_row, &a, &err),
                   CM_OK);
  pthread_mutex_unlock(&hub->lock);
  return a.n;
}

/* The year's figures count the organisations hub/counting.h admits, read as
 * typed rows: one rule, whatever answer reads it. */
static void test_year_counting(void **state) {
  (void)state;
  /* The rule itself: filed on or before the year's last day, neither
   * dissolved nor revoked on or before it, accepted (or revoked after it). */
  const uint64_t jan1_2027 = 1798732800000ull; /* 2027-01-01 00:00 Asia/Shanghai */
  const uint64_t feb9_2027 = 1802138400000ull, jun1_2026 = 1780243200000ull;
  assert_true(hub_count_org_in_year("accepted", "2026-12-31", 0, 0, 2026));
  assert_false(hub_count_org_in_year("accepted", "2027-01-01", 0, 0, 2026));
  assert_false(hub_count_org_in_year("pending", "2025-01-01", 0, 0, 2026));
  assert_false(hub_count_org_in_year("rejected", "2025-01-01", 0, 0, 2026));
  assert_false(hub_count_org_in_year("accepted", "", 0, 0, 2026));
  /* dissolved or revoked after the year: it still counts in it */
  assert_true(hub_count_org_in_year("accepted", "2026-03-01", feb9_2027, 0, 2026));
  assert_true(hub_count_org_in_year("accepted", "2026-03-01", jan1_2027, 0, 2026));
  assert_true(hub_count_org_in_year("revoked", "2026-03-01", 0, feb9_2027, 2026));
  assert_true(hub_count_org_in_year("revoked", "2026-03-01", feb9_2027, jan1_2027, 2026));
  /* ... and not in the year it ended, nor later */
  assert_false(hub_count_org_in_year("accepted", "2026-03-01", feb9_2027, 0, 2027));
  assert_false(hub_count_org_in_year("accepted", "2026-03-01", jan1_2027 - 1, 0, 2026));
  assert_false(hub_count_org_in_year("accepted", "2025-03-01", jun1_2026, 0, 2026));
  assert_false(hub_count_org_in_year("revoked", "2025-03-01", 0, jun1_2026, 2026));
  assert_false(hub_count_org_in_year("revoked", "2025-03-01", feb9_2027, jun1_2026, 2026));
  assert_false(hub_count_org_in_year("revoked", "2025-03-01", 0, feb9_2027, 2027));
  /* dissolved at a time unknown (1 ms): long ago; revoked without a time: nowhere */
  assert_false(hub_count_org_in_year("accepted", "2025-03-01", 1, 0, 2026));
  assert_false(hub_count_org_in_year("revoked", "2025-03-01", 0, 0, 2026));
  assert_true(hub_count_late("2027-02-01", "2027-01-31"));
  assert_false(hub_count_late("2027-01-31", "2027-01-31"));
  assert_false(hub_count_late("", "2027-01-31"));

  hub_ctx *hub = NULL;
  json_t *p = NULL;
  cm_err err;
  assert_int_equal(hub_open(g.dir, &hub, &err), CM_OK);
  for (int year = 2025; year <= 2027; year++) {
    if (year < 2027) {
      assert_int_equal(hub_year_progress(hub, year, NULL, &p, &err), CM_OK);
      assert_int_equal(json_integer_value(json_object_get(json_object_get(p, "totals"), "expected")),
                       admitted(hub, HUB_DQ_YEAR_INSPECTIONS, year));
      json_decref(p);
    }
    assert_int_equal(hub_year_plans(hub, year, NULL, &p, &err), CM_OK);
    assert_int_equal(json_integer_value(json_object_get(json_object_get(p, "totals"), "expected")),
                     admitted(hub, HUB_DQ_YEAR_PLANS, year));
    json_decref(p);
    assert_int_equal(hub_year_trainings(hub, year, NULL, &p, &err), CM_OK);
    assert_int_equal((long)json_array_size(json_object_get(p, "organisations")),
                     admitted(hub, HUB_DQ_YEAR_TRAININGS, year));
    json_decref(p);
  }
  /* Something counts: the rule is not vacuous here. */
  assert_true(admitted(hub, HUB_DQ_YEAR_PLANS, 2026) > 0);
  hub_close(hub);
}

/* due.set in the domain core: its bounds, and a street's only as a relay of
 * the district's own (the origin a community cannot reach). */
static void test_due_core(void **state) {
  (void)state;
  const cm_rec_def *def = cm_rec_find("due.set");
  cm_rec_body b;
  cm_rec_ctx c;
  cm_err err;
  char dflt[11], first[11], last[11];
  assert_int_equal(def->kind, CM_REC_DUE);
  assert_false(def->writers & CM_REC_COMMUNITY);
  assert_true(cm_rec_to_all("due.set"));
  json_t *o = json_loads("{\"what\":\"plan\",\"year\":2027,\"date\":\"2027-03-31\"}", 0, NULL);
  assert_int_equal(cm_rec_read_json(def, o, &b, &err), CM_OK);
  memset(&c, 0, sizeof c);
  c.writer = CM_REC_STREET;
  assert_int_equal(cm_rec_check(def, &b, &c, &err), CM_ERR_PERM);
  assert_non_null(strstr(err.msg, "区协会"));
  c.origin_district = 1;
  assert_int_equal(cm_rec_check(def, &b, &c, &err), CM_OK);
  c.writer = CM_REC_DISTRICT;
  c.origin_district = 0;
  assert_int_equal(cm_rec_check(def, &b, &c, &err), CM_OK);
  json_decref(o);
  /* the defaults and windows */
  assert_true(cm_rec_due_window("inspection", 2026, dflt, first, last));
  assert_string_equal(dflt, "2027-01-31");
  assert_string_equal(first, "2027-01-01");
  assert_string_equal(last, "2027-12-31");
  assert_true(cm_rec_due_window("plan", 2027, dflt, first, last));
  assert_string_equal(dflt, "2027-01-31");
  assert_string_equal(first, "2026-01-01");
  assert_string_equal(last, "2027-12-31");
  assert_true(cm_rec_due_window("summary", 2026, dflt, first, last));
  assert_string_equal(dflt, "2027-01-31");
  assert_false(cm_rec_due_window("training", 2026, dflt, first, last));
  static const char *const bad[] = {
      "{\"what\":\"inspection\",\"year\":2026,\"date\":\"2026-12-31\"}",
      "{\"what\":\"inspection\",\"year\":2026,\"date\":\"2028-01-01\"}",
      "{\"what\":\"summary\",\"year\":2026,\"date\":\"2026-06-01\"}",
      "{\"what\":\"plan\",\"year\":2027,\"date\":\"2028-01-31\"}",
      "{\"what\":\"plan\",\"year\":2027,\"date\":\"2027-02-30\"}",
      "{\"what\":\"training\",\"year\":2026,\"date\":\"2027-01-31\"}",
      "{\"what\":\"plan\",\"year\":1999,\"date\":\"1999-01-31\"}",
      "{\"what\":\"plan\",\"year\":\"2027\",\"date\":\"2027-01-31\"}",
      "{\"what\":\"plan\",\"year\":2027}",
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    o = json_loads(bad[i], 0, NULL);
    assert_non_null(o);
    if (cm_rec_read_json(def, o, &b, &err) != CM_ERR_INVALID) fail_msg("taken: %s", bad[i]);
    json_decref(o);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {cmocka_unit_test(test_inspection),
                                     cmocka_unit_test(test_plans),
                                     cmocka_unit_test(test_notices_and_units),
                                     cmocka_unit_test(test_year_counting),
                                     cmocka_unit_test(test_due_core)};
  return cmocka_run_group_tests(tests, setup, teardown);
}
