/* year.c - the annual inspection (年检) at a hub (hub/year.h). */
#include "year.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/clock.h"
#include "../common/records.h"
#include "dashboard.h"
#include "decide.h"
#include "store.h"

#define DUE_KEY "inspection.due."

cm_rc hub_year_parse(const char *s, int finished, int *year_out, cm_err *err) {
  char today[11];
  cm_date_of(cm_now_ms(), today);
  int last = atoi(today) - (finished ? 1 : 0);
  if (!s || strlen(s) != 4 || strspn(s, "0123456789") != 4 || atoi(s) < 2000 || atoi(s) > last)
    return cm_errf(err, CM_ERR_INVALID, "年度应为2000年至%d年之间%s的年度，而不是“%s”", last,
                   finished ? "已结束" : "", s ? s : "");
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

/* The totals, per street and per community rows of a progress answer. */
typedef struct groups {
  json_t *totals, *streets, *comms;
} groups;

/* row += c, key by key (c holds integers). */
static void add_counts(json_t *row, const json_t *c) {
  const char *k;
  json_t *v;
  json_object_foreach((json_t *)c, k, v) {
    json_object_set_new(row, k, json_integer(cm_rec_add(json_integer_value(json_object_get(row, k)),
                                                        json_integer_value(v))));
  }
}

/* The last row of arr when its "street" (and "code") are these, else a new
 * one; NULL without memory. */
static json_t *group_row(json_t *arr, const char *street, const char *community, const char *code) {
  json_t *last = json_array_get(arr, json_array_size(arr) ? json_array_size(arr) - 1 : 0);
  const char *ls = json_string_value(json_object_get(last, "street"));
  const char *lc = json_string_value(json_object_get(last, "code"));
  if (last && ls && !strcmp(ls, street) && (!code || (lc && !strcmp(lc, code)))) return last;
  json_t *o = code ? json_pack("{s:s,s:s,s:s}", "street", street, "community", community, "code", code)
                   : json_pack("{s:s}", "street", street);
  if (!o || json_array_append_new(arr, o)) return NULL;
  return o;
}

/* Count one organisation (rows come ordered by street, then community code). */
static cm_rc groups_add(groups *g, const json_t *org, const json_t *c) {
  const char *s = json_string_value(json_object_get(org, "street"));
  const char *name = json_string_value(json_object_get(org, "community"));
  const char *code = json_string_value(json_object_get(org, "code"));
  json_t *st = group_row(g->streets, s, NULL, NULL), *co = group_row(g->comms, s, name, code);
  if (!st || !co) return CM_ERR_NOMEM;
  add_counts(g->totals, c);
  add_counts(st, c);
  add_counts(co, c);
  return CM_OK;
}

static cm_rc groups_new(groups *g, json_t *zero) {
  g->totals = zero;
  g->streets = json_array();
  g->comms = json_array();
  return g->totals && g->streets && g->comms ? CM_OK : CM_ERR_NOMEM;
}

static void groups_free(groups *g) {
  json_decref(g->totals);
  json_decref(g->streets);
  json_decref(g->comms);
}

/* A date (Asia/Shanghai) of a row's time column, "" when the column is null. */
static void day_of(const json_t *r, const char *key, char out[11]) {
  const json_t *t = json_object_get(r, key);
  out[0] = '\0';
  if (json_is_integer(t)) cm_date_of((uint64_t)json_integer_value(t), out);
}

cm_rc hub_year_progress(hub_ctx *ctx, int year, const char *street, json_t **out, cm_err *err) {
  json_t *rows = NULL, *orgs = json_array(), *missing = json_array(), *fails = json_array(), *r;
  groups g;
  char due[11];
  size_t i;
  cm_rc rc = groups_new(&g, json_pack("{s:i,s:i,s:i,s:i,s:i,s:i,s:i,s:i,s:i}", "expected", 0,
                                      "self_reported", 0, "late", 0, "inspected", 0, "pass", 0,
                                      "rectify", 0, "rectified", 0, "fail", 0, "missing", 0));
  *out = NULL;
  if (rc || !orgs || !missing || !fails) rc = cm_errf(err, CM_ERR_NOMEM, "out of memory");
  if (!rc) rc = hub_year_due(ctx, year, due, err);
  if (!rc) {
    pthread_mutex_lock(&ctx->lock);
    rc = hub_store_inspections_json(ctx->store, year, ctx->kp.pk, &rows, err);
    pthread_mutex_unlock(&ctx->lock);
  }
  json_array_foreach(rows, i, r) {
    const char *s = json_string_value(json_object_get(r, "street"));
    if (rc) break;
    if (street && *street && strcmp(s, street) != 0) continue;
    int self = !json_is_null(json_object_get(r, "self_seq"));
    char day[11];
    day_of(r, "self_time_ms", day);
    int late = self && strcmp(day, due) > 0;
    const char *result = json_string_value(json_object_get(r, "result"));
    int closed = json_integer_value(json_object_get(r, "closed")) != 0;
    json_t *o = json_pack("{s:O,s:O,s:O,s:O,s:O,s:b,s:s,s:b,s:O,s:s,s:O,s:O,s:b}", "street",
                          json_object_get(r, "street"), "community",
                          json_object_get(r, "community"), "code", json_object_get(r, "code"),
                          "org", json_object_get(r, "org"), "name", json_object_get(r, "name"),
                          "self_reported", self, "self_date", day, "late", late, "opinion",
                          json_object_get(r, "opinion"), "result", result, "deadline",
                          json_object_get(r, "deadline"), "reason", json_object_get(r, "reason"),
                          "rectified", closed);
    json_t *c = json_pack("{s:i,s:i,s:i,s:i,s:i,s:i,s:i,s:i,s:i}", "expected", 1,
                          "self_reported", self, "late", late, "inspected", *result != 0, "pass",
                          !strcmp(result, "pass"), "rectify", !strcmp(result, "rectify"),
                          "rectified", !strcmp(result, "rectify") && closed, "fail",
                          !strcmp(result, "fail"), "missing", !self);
    if (!o || !c || json_array_append(orgs, o) || groups_add(&g, o, c) ||
        (!self && json_array_append(missing, o)) ||
        (!strcmp(result, "fail") && json_array_append(fails, o)))
      rc = cm_errf(err, CM_ERR_NOMEM, "out of memory");
    json_decref(o);
    json_decref(c);
  }
  if (!rc) {
    *out = json_pack("{s:i,s:s,s:O,s:O,s:O,s:O,s:O,s:O}", "year", year, "due", due, "totals",
                     g.totals, "streets", g.streets, "communities", g.comms, "missing", missing,
                     "fail", fails, "organisations", orgs);
    if (!*out) rc = cm_errf(err, CM_ERR_NOMEM, "out of memory");
  }
  groups_free(&g);
  json_decref(rows);
  json_decref(orgs);
  json_decref(missing);
  json_decref(fails);
  return rc;
}

cm_rc hub_year_plans(hub_ctx *ctx, int year, const char *street, json_t **out, cm_err *err) {
  json_t *rows = NULL, *orgs = json_array(), *no_plan = json_array(), *no_sum = json_array(), *r;
  groups g;
  char plan_due[11], sum_due[11];
  size_t i;
  cm_rc rc = groups_new(&g, json_pack("{s:i,s:i,s:i,s:i,s:i,s:i,s:i}", "expected", 0, "plans", 0,
                                      "plans_late", 0, "missing_plans", 0, "summaries", 0,
                                      "summaries_late", 0, "missing_summaries", 0));
  *out = NULL;
  if (rc || !orgs || !no_plan || !no_sum) rc = cm_errf(err, CM_ERR_NOMEM, "out of memory");
  /* A plan is due by 31 January of its year, a summary by 31 January of the next. */
  snprintf(plan_due, sizeof plan_due, "%04u-01-31", (unsigned)year % 10000u);
  snprintf(sum_due, sizeof sum_due, "%04u-01-31", (unsigned)(year + 1) % 10000u);
  if (!rc) {
    pthread_mutex_lock(&ctx->lock);
    rc = hub_store_plans_json(ctx->store, year, &rows, err);
    pthread_mutex_unlock(&ctx->lock);
  }
  json_array_foreach(rows, i, r) {
    const char *s = json_string_value(json_object_get(r, "street"));
    if (rc) break;
    if (street && *street && strcmp(s, street) != 0) continue;
    char pd[11], sd[11];
    day_of(r, "plan_time_ms", pd);
    day_of(r, "summary_time_ms", sd);
    int plan = *pd != 0, sum = *sd != 0;
    int plan_late = plan && strcmp(pd, plan_due) > 0, sum_late = sum && strcmp(sd, sum_due) > 0;
    json_t *o = json_pack("{s:O,s:O,s:O,s:O,s:O,s:s,s:b,s:s,s:b}", "street",
                          json_object_get(r, "street"), "community",
                          json_object_get(r, "community"), "code", json_object_get(r, "code"),
                          "org", json_object_get(r, "org"), "name", json_object_get(r, "name"),
                          "plan_date", pd, "plan_late", plan_late, "summary_date", sd,
                          "summary_late", sum_late);
    json_t *c = json_pack("{s:i,s:i,s:i,s:i,s:i,s:i,s:i}", "expected", 1, "plans", plan,
                          "plans_late", plan_late, "missing_plans", !plan, "summaries", sum,
                          "summaries_late", sum_late, "missing_summaries", !sum);
    if (!o || !c || json_array_append(orgs, o) || groups_add(&g, o, c) ||
        (!plan && json_array_append(no_plan, o)) || (!sum && json_array_append(no_sum, o)))
      rc = cm_errf(err, CM_ERR_NOMEM, "out of memory");
    json_decref(o);
    json_decref(c);
  }
  if (!rc) {
    *out = json_pack("{s:i,s:s,s:s,s:O,s:O,s:O,s:O,s:O,s:O}", "year", year, "plan_due",
                     plan_due, "summary_due", sum_due, "totals", g.totals, "streets", g.streets,
                     "communities", g.comms, "missing_plans", no_plan, "missing_summaries",
                     no_sum, "organisations", orgs);
    if (!*out) rc = cm_errf(err, CM_ERR_NOMEM, "out of memory");
  }
  groups_free(&g);
  json_decref(rows);
  json_decref(orgs);
  json_decref(no_plan);
  json_decref(no_sum);
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
