/* year.c - the annual inspection (年检) at a hub (hub/year.h). */
#include "year.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/clock.h"
#include "dashboard.h"
#include "decide.h"
#include "store.h"

#define DUE_KEY "inspection.due."

cm_rc hub_year_parse(const char *s, int *year_out, cm_err *err) {
  char today[11];
  cm_date_of(cm_now_ms(), today);
  int this_year = atoi(today);
  if (!s || strlen(s) != 4 || strspn(s, "0123456789") != 4 || atoi(s) < 2000 ||
      atoi(s) >= this_year)
    return cm_errf(err, CM_ERR_INVALID, "年度应为2000年至%d年之间已结束的年度，而不是“%s”",
                   this_year - 1, s ? s : "");
  *year_out = atoi(s);
  return CM_OK;
}

cm_rc hub_year_due(hub_ctx *ctx, int year, char out[11], cm_err *err) {
  char key[32];
  int found = 0;
  snprintf(key, sizeof key, DUE_KEY "%d", year);
  pthread_mutex_lock(&ctx->lock);
  cm_rc rc = hub_store_config_get(ctx->store, key, out, 11, &found, err);
  pthread_mutex_unlock(&ctx->lock);
  if (!rc && !found) snprintf(out, 11, "%04u-01-31", (unsigned)(year + 1) % 10000u);
  return rc;
}

cm_rc hub_year_due_set(hub_ctx *ctx, int year, const char *date, cm_err *err) {
  char key[32], first[11];
  uint64_t t;
  snprintf(first, sizeof first, "%04u-01-01", (unsigned)(year + 1) % 10000u);
  if (!date || strlen(date) != 10 || cm_date_parse(date, &t) != CM_OK || strcmp(date, first) < 0)
    return cm_errf(err, CM_ERR_INVALID, "截止日期应为%d年以后的日期（YYYY-MM-DD），而不是“%s”",
                   year, date ? date : "");
  snprintf(key, sizeof key, DUE_KEY "%d", year);
  pthread_mutex_lock(&ctx->lock);
  cm_rc rc = hub_store_begin(ctx->store, err);
  if (!rc) rc = hub_store_config_set(ctx->store, key, date, err);
  if (!rc)
    rc = hub_store_commit(ctx->store, err);
  else
    hub_store_rollback(ctx->store);
  pthread_mutex_unlock(&ctx->lock);
  return rc;
}

cm_rc hub_year_result(hub_ctx *ctx, const char *org, int year, const char *result,
                      const char *deadline, const char *reason, const char *operator_name,
                      char *record_out, size_t record_cap, cm_err *err) {
  hub_decision d;
  if (!result || (strcmp(result, "pass") && strcmp(result, "rectify") && strcmp(result, "fail")))
    return cm_errf(err, CM_ERR_INVALID, "年检结果只能是 pass（合格）、rectify（限期整改）或 fail（不合格）");
  if (!org || !*org) return cm_errf(err, CM_ERR_INVALID, "年检结果须指明组织的备案编号");
  if (!reason || !*reason) return cm_errf(err, CM_ERR_INVALID, "年检结果须写明理由（--reason）");
  if (strcmp(result, "rectify") != 0 && deadline && *deadline)
    return cm_errf(err, CM_ERR_INVALID, "只有限期整改才有整改期限");
  memset(&d, 0, sizeof d);
  d.kind = HUB_DECIDE_INSPECT;
  d.org = org;
  d.result = result;
  d.deadline = deadline;
  d.reason = reason;
  return hub_decide_year(ctx, &d, year, operator_name, record_out, record_cap, err);
}

/* Counts of one street, one community or the whole. */
typedef struct tally {
  json_int_t expected, self_reported, late, inspected, pass, rectify, rectified, fail;
} tally;

static void tally_add(tally *t, int self, int late, const char *result, int closed) {
  t->expected++;
  t->self_reported += self;
  t->late += late;
  if (*result) t->inspected++;
  if (!strcmp(result, "pass")) t->pass++;
  if (!strcmp(result, "rectify")) t->rectify++, t->rectified += closed;
  if (!strcmp(result, "fail")) t->fail++;
}

static json_t *tally_json(const tally *t) {
  return json_pack("{s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I}", "expected", t->expected,
                   "self_reported", t->self_reported, "late", t->late, "inspected", t->inspected,
                   "pass", t->pass, "rectify", t->rectify, "rectified", t->rectified, "fail",
                   t->fail, "missing", t->expected - t->self_reported);
}

/* Append to arr a {"street", ["community", "code",] counts...} row. */
static cm_rc group_row(json_t *arr, const char *street, const char *community, const char *code,
                       const tally *t) {
  json_t *o = tally_json(t);
  if (!o) return CM_ERR_NOMEM;
  json_object_set_new(o, "street", json_string(street));
  if (community) {
    json_object_set_new(o, "community", json_string(community));
    json_object_set_new(o, "code", json_string(code));
  }
  return json_array_append_new(arr, o) ? CM_ERR_NOMEM : CM_OK;
}

cm_rc hub_year_progress(hub_ctx *ctx, int year, const char *street, json_t **out, cm_err *err) {
  json_t *rows = NULL, *orgs = json_array(), *streets = json_array(), *comms = json_array();
  json_t *missing = json_array(), *fails = json_array(), *r;
  char due[11];
  tally all, st, co;
  size_t i;
  cm_rc rc = hub_year_due(ctx, year, due, err);
  *out = NULL;
  memset(&all, 0, sizeof all);
  if (!rc) {
    pthread_mutex_lock(&ctx->lock);
    rc = hub_store_inspections_json(ctx->store, year, ctx->kp.pk, &rows, err);
    pthread_mutex_unlock(&ctx->lock);
  }
  if (!rc && !(orgs && streets && comms && missing && fails))
    rc = cm_errf(err, CM_ERR_NOMEM, "out of memory");
  /* Rows come ordered by street, community code, filing number: groups are
   * runs. */
  const char *cur_st = NULL, *cur_co = NULL, *cur_code = NULL;
  for (i = 0; !rc && i <= json_array_size(rows); i++) {
    r = json_array_get(rows, i);
    const char *s = r ? json_string_value(json_object_get(r, "street")) : NULL;
    const char *c = r ? json_string_value(json_object_get(r, "code")) : NULL;
    if (r && street && *street && strcmp(s, street) != 0) continue;
    if (cur_co && (!r || strcmp(s, cur_st) || strcmp(c, cur_code)))
      rc = group_row(comms, cur_st, cur_co, cur_code, &co);
    if (!rc && cur_st && (!r || strcmp(s, cur_st))) rc = group_row(streets, cur_st, NULL, NULL, &st);
    if (rc || !r) break;
    if (!cur_st || strcmp(s, cur_st)) memset(&st, 0, sizeof st);
    if (!cur_co || strcmp(s, cur_st) || strcmp(c, cur_code)) memset(&co, 0, sizeof co);
    cur_st = s;
    cur_code = c;
    cur_co = json_string_value(json_object_get(r, "community"));
    int self = !json_is_null(json_object_get(r, "self_seq"));
    char day[11] = "";
    if (self) cm_date_of((uint64_t)json_integer_value(json_object_get(r, "self_time_ms")), day);
    int late = self && strcmp(day, due) > 0;
    const char *result = json_string_value(json_object_get(r, "result"));
    int closed = json_integer_value(json_object_get(r, "closed")) != 0;
    tally_add(&all, self, late, result, closed);
    tally_add(&st, self, late, result, closed);
    tally_add(&co, self, late, result, closed);
    json_t *o = json_pack("{s:s,s:s,s:s,s:s,s:s,s:b,s:s,s:b,s:s,s:s,s:s,s:s,s:b}", "street", s,
                          "community", cur_co, "code", c, "org",
                          json_string_value(json_object_get(r, "org")), "name",
                          json_string_value(json_object_get(r, "name")), "self_reported", self,
                          "self_date", day, "late", late, "opinion",
                          json_string_value(json_object_get(r, "opinion")), "result", result,
                          "deadline", json_string_value(json_object_get(r, "deadline")), "reason",
                          json_string_value(json_object_get(r, "reason")), "rectified", closed);
    if (!o || json_array_append_new(orgs, o)) rc = CM_ERR_NOMEM;
    if (!rc && !self) rc = json_array_append(missing, o) ? CM_ERR_NOMEM : CM_OK;
    if (!rc && !strcmp(result, "fail"))
      rc = json_array_append(fails, o) ? CM_ERR_NOMEM : CM_OK;
    if (rc) rc = cm_errf(err, rc, "out of memory");
  }
  if (!rc) {
    *out = json_pack("{s:i,s:s,s:o,s:O,s:O,s:O,s:O,s:O}", "year", year, "due", due, "totals",
                     tally_json(&all), "streets", streets, "communities", comms, "missing",
                     missing, "fail", fails, "organisations", orgs);
    if (!*out) rc = cm_errf(err, CM_ERR_NOMEM, "out of memory");
  }
  json_decref(rows);
  json_decref(orgs);
  json_decref(streets);
  json_decref(comms);
  json_decref(missing);
  json_decref(fails);
  return rc;
}

cm_rc hub_year_progress_csv(const json_t *progress, cm_buf *out, cm_err *err) {
  static const char *const results[][2] = {
      {"pass", "合格"}, {"rectify", "限期整改"}, {"fail", "不合格"}, {"", "未检"}};
  static const char *const opinions[][2] = {
      {"agree", "同意"}, {"rectify", "整改"}, {"disagree", "不同意"}, {"", ""}};
  json_t *t = json_array(), *o, *wrap;
  size_t i;
  cm_rc rc = t ? CM_OK : CM_ERR_NOMEM;
  json_array_foreach(json_object_get(progress, "organisations"), i, o) {
    const char *res = json_string_value(json_object_get(o, "result"));
    const char *op = json_string_value(json_object_get(o, "opinion"));
    const char *res_zh = res, *op_zh = op;
    for (size_t k = 0; k < 4; k++) {
      if (!strcmp(res, results[k][0])) res_zh = results[k][1];
      if (!strcmp(op, opinions[k][0])) op_zh = opinions[k][1];
    }
    int self = json_is_true(json_object_get(o, "self_reported"));
    json_t *row = json_pack(
        "{s:O,s:O,s:O,s:O,s:s,s:O,s:s,s:s,s:s,s:O,s:s}", "街道", json_object_get(o, "street"),
        "社区", json_object_get(o, "community"), "备案编号", json_object_get(o, "org"),
        "组织名称", json_object_get(o, "name"), "自查报告", self ? "已报" : "未报",
        "上报日期", json_object_get(o, "self_date"), "逾期上报",
        json_is_true(json_object_get(o, "late")) ? "是" : "否", "社区意见", op_zh, "年检结果",
        res_zh, "整改期限", json_object_get(o, "deadline"), "已整改",
        json_is_true(json_object_get(o, "rectified")) ? "是" : "否");
    if (!rc && (!row || json_array_append_new(t, row))) rc = CM_ERR_NOMEM;
  }
  if (rc) {
    json_decref(t);
    return cm_errf(err, rc, "out of memory building CSV");
  }
  wrap = json_pack("{s:o}", "rows", t);
  rc = wrap ? hub_dashboard_csv(wrap, "rows", out, err) : cm_errf(err, CM_ERR_NOMEM, "out of memory");
  json_decref(wrap);
  return rc;
}
