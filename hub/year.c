/* year.c - the annual inspection (年检) at a hub (hub/year.h). */
#include "year.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/clock.h"
#include "../common/records.h"
#include "counting.h"
#include "table.h"
#include "decide.h"
#include "hublog.h"
#include "orgs_local.h"
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

/* hub_year_due with ctx->lock held by the caller (locked 1) or not. */
static cm_rc due_of(hub_ctx *ctx, int year, int locked, char out[11], cm_err *err) {
  char key[32];
  int found = 0;
  snprintf(key, sizeof key, DUE_KEY "%d", year);
  if (!locked) pthread_mutex_lock(&ctx->lock);
  cm_rc rc = hub_store_config_get(ctx->store, key, out, 11, &found, err);
  if (!locked) pthread_mutex_unlock(&ctx->lock);
  if (!rc && !found) snprintf(out, 11, "%04u-01-31", (unsigned)(year + 1) % 10000u);
  return rc;
}

cm_rc hub_year_due(hub_ctx *ctx, int year, char out[11], cm_err *err) {
  return due_of(ctx, year, 0, out, err);
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

static cm_rc progress_of(hub_ctx *ctx, int year, const char *street, int locked, json_t **out,
                         cm_err *err) {
  json_t *rows = NULL, *orgs = json_array(), *missing = json_array(), *fails = json_array(), *r;
  groups g;
  char due[11];
  size_t i;
  cm_rc rc = groups_new(&g, json_pack("{s:i,s:i,s:i,s:i,s:i,s:i,s:i,s:i,s:i}", "expected", 0,
                                      "self_reported", 0, "late", 0, "inspected", 0, "pass", 0,
                                      "rectify", 0, "rectified", 0, "fail", 0, "missing", 0));
  *out = NULL;
  if (rc || !orgs || !missing || !fails) rc = cm_errf(err, CM_ERR_NOMEM, "内存不足");
  if (!rc) rc = due_of(ctx, year, locked, due, err);
  if (!rc) {
    if (!locked) pthread_mutex_lock(&ctx->lock);
    rc = hub_store_inspections_json(ctx->store, year, ctx->kp.pk, &rows, err);
    if (!locked) pthread_mutex_unlock(&ctx->lock);
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
      rc = cm_errf(err, CM_ERR_NOMEM, "内存不足");
    json_decref(o);
    json_decref(c);
  }
  if (!rc) {
    *out = json_pack("{s:i,s:s,s:O,s:O,s:O,s:O,s:O,s:O}", "year", year, "due", due, "totals",
                     g.totals, "streets", g.streets, "communities", g.comms, "missing", missing,
                     "fail", fails, "organisations", orgs);
    if (!*out) rc = cm_errf(err, CM_ERR_NOMEM, "内存不足");
  }
  groups_free(&g);
  json_decref(rows);
  json_decref(orgs);
  json_decref(missing);
  json_decref(fails);
  return rc;
}

cm_rc hub_year_progress(hub_ctx *ctx, int year, const char *street, json_t **out, cm_err *err) {
  return progress_of(ctx, year, street, 0, out, err);
}

/* The plan and summary due dates of year: a plan by 31 January of its year, a
 * summary by 31 January of the next. */
static void plan_dues(int year, char plan_due[11], char sum_due[11]) {
  snprintf(plan_due, 11, "%04u-01-31", (unsigned)year % 10000u);
  snprintf(sum_due, 11, "%04u-01-31", (unsigned)(year + 1) % 10000u);
}

/* The communities' and streets' own plans and summaries of year (the rows of
 * hub_store_unit_plans_json in scope, with dates and lateness) into *units_out
 * and their totals per level into *totals_out.  Caller holds ctx->lock when
 * locked. */
static cm_rc unit_plans(hub_ctx *ctx, int year, const char *street, int locked,
                        json_t **units_out, json_t **totals_out, cm_err *err) {
  json_t *rows = NULL, *units = json_array(), *r;
  json_t *totals = json_pack("{s:{s:i,s:i,s:i},s:{s:i,s:i,s:i}}", "community", "expected", 0,
                             "plans", 0, "summaries", 0, "street", "expected", 0, "plans", 0,
                             "summaries", 0);
  char plan_due[11], sum_due[11], hex[PROTO_KEY_HEX];
  size_t i;
  cm_rc rc = units && totals ? CM_OK : cm_errf(err, CM_ERR_NOMEM, "内存不足");
  plan_dues(year, plan_due, sum_due);
  if (!rc) {
    if (!locked) pthread_mutex_lock(&ctx->lock);
    rc = hub_store_unit_plans_json(ctx->store, year, ctx->kp.pk,
                                   ctx->role == HUB_ROLE_STREET ? "street" : "district", ctx->name,
                                   &rows, err);
    if (!locked) pthread_mutex_unlock(&ctx->lock);
  }
  json_array_foreach(rows, i, r) {
    const char *s = json_string_value(json_object_get(r, "street"));
    const char *level = json_string_value(json_object_get(r, "level"));
    if (rc) break;
    if (street && *street && strcmp(s, street) != 0) continue;
    char pd[11], sd[11], pr[PROTO_KEY_HEX + 24] = "", sr[PROTO_KEY_HEX + 24] = "";
    day_of(r, "plan_time_ms", pd);
    day_of(r, "summary_time_ms", sd);
    snprintf(hex, sizeof hex, "%s", json_string_value(json_object_get(r, "key")));
    if (*pd)
      snprintf(pr, sizeof pr, "%s/%lld", hex,
               (long long)json_integer_value(json_object_get(r, "plan_seq")));
    if (*sd)
      snprintf(sr, sizeof sr, "%s/%lld", hex,
               (long long)json_integer_value(json_object_get(r, "summary_seq")));
    json_t *o = json_pack("{s:s,s:O,s:O,s:O,s:s,s:b,s:s,s:s,s:b,s:s}", "level", level, "street",
                          json_object_get(r, "street"), "community",
                          json_object_get(r, "community"), "code", json_object_get(r, "code"),
                          "plan_date", pd, "plan_late", *pd && strcmp(pd, plan_due) > 0,
                          "plan_record", pr, "summary_date", sd, "summary_late",
                          *sd && strcmp(sd, sum_due) > 0, "summary_record", sr);
    json_t *t = json_object_get(totals, level);
    if (!o || !t || json_array_append_new(units, o)) {
      rc = cm_errf(err, CM_ERR_NOMEM, "内存不足");
      break;
    }
    json_t *c = json_pack("{s:i,s:i,s:i}", "expected", 1, "plans", *pd != 0, "summaries", *sd != 0);
    if (!c) rc = cm_errf(err, CM_ERR_NOMEM, "内存不足");
    else add_counts(t, c);
    json_decref(c);
  }
  json_decref(rows);
  if (rc) {
    json_decref(units);
    json_decref(totals);
    return rc;
  }
  *units_out = units;
  *totals_out = totals;
  return CM_OK;
}

static cm_rc plans_of(hub_ctx *ctx, int year, const char *street, int locked, json_t **out,
                      cm_err *err) {
  json_t *rows = NULL, *orgs = json_array(), *no_plan = json_array(), *no_sum = json_array(), *r;
  groups g;
  char plan_due[11], sum_due[11];
  size_t i;
  cm_rc rc = groups_new(&g, json_pack("{s:i,s:i,s:i,s:i,s:i,s:i,s:i}", "expected", 0, "plans", 0,
                                      "plans_late", 0, "missing_plans", 0, "summaries", 0,
                                      "summaries_late", 0, "missing_summaries", 0));
  *out = NULL;
  if (rc || !orgs || !no_plan || !no_sum) rc = cm_errf(err, CM_ERR_NOMEM, "内存不足");
  json_t *units = NULL, *unit_totals = NULL;
  plan_dues(year, plan_due, sum_due);
  if (!rc) {
    if (!locked) pthread_mutex_lock(&ctx->lock);
    rc = hub_store_plans_json(ctx->store, year, &rows, err);
    if (!locked) pthread_mutex_unlock(&ctx->lock);
  }
  if (!rc) rc = unit_plans(ctx, year, street, locked, &units, &unit_totals, err);
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
      rc = cm_errf(err, CM_ERR_NOMEM, "内存不足");
    json_decref(o);
    json_decref(c);
  }
  if (!rc) {
    *out = json_pack("{s:i,s:s,s:s,s:O,s:O,s:O,s:O,s:O,s:O,s:O,s:O}", "year", year, "plan_due",
                     plan_due, "summary_due", sum_due, "totals", g.totals, "streets", g.streets,
                     "communities", g.comms, "missing_plans", no_plan, "missing_summaries",
                     no_sum, "organisations", orgs, "units", units, "unit_totals", unit_totals);
    if (!*out) rc = cm_errf(err, CM_ERR_NOMEM, "内存不足");
  }
  json_decref(units);
  json_decref(unit_totals);
  groups_free(&g);
  json_decref(rows);
  json_decref(orgs);
  json_decref(no_plan);
  json_decref(no_sum);
  return rc;
}

cm_rc hub_year_plans(hub_ctx *ctx, int year, const char *street, json_t **out, cm_err *err) {
  return plans_of(ctx, year, street, 0, out, err);
}

/* yes/no words of a boolean key of o. */
static const char *yes_no(const json_t *o, const char *key) {
  return json_is_true(json_object_get(o, key)) ? "是" : "否";
}

/* The rows of the inspection export: one per organisation, Chinese headers. */
static cm_rc inspection_rows(const json_t *progress, json_t *t) {
  static const char *const results[][2] = {
      {"pass", "合格"}, {"rectify", "限期整改"}, {"fail", "不合格"}, {"", "未检"}};
  static const char *const opinions[][2] = {
      {"agree", "同意"}, {"rectify", "整改"}, {"disagree", "不同意"}, {"", ""}};
  json_t *o;
  size_t i;
  json_array_foreach(json_object_get(progress, "organisations"), i, o) {
    const char *res = json_string_value(json_object_get(o, "result"));
    const char *op = json_string_value(json_object_get(o, "opinion"));
    const char *res_zh = res ? res : "", *op_zh = op ? op : "";
    for (size_t k = 0; k < 4; k++) {
      if (res && !strcmp(res, results[k][0])) res_zh = results[k][1];
      if (op && !strcmp(op, opinions[k][0])) op_zh = opinions[k][1];
    }
    int self = json_is_true(json_object_get(o, "self_reported"));
    json_t *row = json_pack(
        "{s:O,s:O,s:O,s:O,s:s,s:O,s:s,s:s,s:s,s:O,s:s}", "街道", json_object_get(o, "street"),
        "社区", json_object_get(o, "community"), "备案编号", json_object_get(o, "org"),
        "组织名称", json_object_get(o, "name"), "自查报告", self ? "已报" : "未报",
        "上报日期", json_object_get(o, "self_date"), "逾期上报", yes_no(o, "late"), "社区意见",
        op_zh, "年检结果", res_zh, "整改期限", json_object_get(o, "deadline"), "已整改",
        yes_no(o, "rectified"));
    if (!row || json_array_append_new(t, row)) return CM_ERR_NOMEM;
  }
  return CM_OK;
}

/* The rows of the plans export: each organisation, then each community and
 * street itself. */
static cm_rc plan_rows(const json_t *plans, json_t *t) {
  json_t *o;
  size_t i;
  json_array_foreach(json_object_get(plans, "organisations"), i, o) {
    const char *pd = json_string_value(json_object_get(o, "plan_date"));
    const char *sd = json_string_value(json_object_get(o, "summary_date"));
    json_t *row = json_pack("{s:s,s:O,s:O,s:O,s:O,s:s,s:s,s:s,s:s,s:s,s:s}", "对象", "组织",
                            "街道", json_object_get(o, "street"), "社区",
                            json_object_get(o, "community"), "备案编号", json_object_get(o, "org"),
                            "组织名称", json_object_get(o, "name"), "工作计划",
                            *pd ? "已报" : "未报", "计划上报日期", pd, "计划逾期",
                            yes_no(o, "plan_late"), "年终总结", *sd ? "已报" : "未报",
                            "总结上报日期", sd, "总结逾期", yes_no(o, "summary_late"));
    if (!row || json_array_append_new(t, row)) return CM_ERR_NOMEM;
  }
  json_array_foreach(json_object_get(plans, "units"), i, o) {
    const char *pd = json_string_value(json_object_get(o, "plan_date"));
    const char *sd = json_string_value(json_object_get(o, "summary_date"));
    int street = !strcmp(json_string_value(json_object_get(o, "level")), "street");
    json_t *row = json_pack("{s:s,s:O,s:O,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "对象",
                            street ? "街道本级" : "社区本级", "街道", json_object_get(o, "street"),
                            "社区", json_object_get(o, "community"), "备案编号", "", "组织名称",
                            "", "工作计划", *pd ? "已报" : "未报", "计划上报日期", pd, "计划逾期",
                            yes_no(o, "plan_late"), "年终总结", *sd ? "已报" : "未报",
                            "总结上报日期", sd, "总结逾期", yes_no(o, "summary_late"));
    if (!row || json_array_append_new(t, row)) return CM_ERR_NOMEM;
  }
  return CM_OK;
}

/* The rows of the training export: each organisation's trainings in the year. */
static cm_rc training_rows(const json_t *tr, json_t *t) {
  json_t *o;
  size_t i;
  json_array_foreach(json_object_get(tr, "organisations"), i, o) {
    json_t *row = json_pack("{s:O,s:O,s:O,s:O,s:O}", "街道", json_object_get(o, "street"), "社区",
                            json_object_get(o, "community"), "备案编号", json_object_get(o, "org"),
                            "组织名称", json_object_get(o, "name"), "培训次数",
                            json_object_get(o, "trainings"));
    if (!row || json_array_append_new(t, row)) return CM_ERR_NOMEM;
  }
  return CM_OK;
}

cm_rc hub_year_export(const json_t *answer, const char *table, int xlsx, const char *dir,
                      cm_buf *out, cm_err *err) {
  json_t *t = json_array(), *wrap = NULL;
  hub_table tb;
  const char *sheet = "";
  cm_rc rc = t ? CM_OK : CM_ERR_NOMEM;
  memset(&tb, 0, sizeof tb);
  if (!rc && !strcmp(table, "inspections")) {
    rc = inspection_rows(answer, t);
    sheet = "年检进度";
  } else if (!rc && !strcmp(table, "plans")) {
    rc = plan_rows(answer, t);
    sheet = "计划总结";
  } else if (!rc && !strcmp(table, "trainings")) {
    rc = training_rows(answer, t);
    sheet = "培训";
  } else if (!rc) {
    json_decref(t);
    return cm_errf(err, CM_ERR_NOT_FOUND, "没有“%s”这个导出", table);
  }
  if (!rc) wrap = json_pack("{s:O}", "rows", t);
  json_decref(t);
  if (rc || !wrap) return cm_errf(err, CM_ERR_NOMEM, "生成导出文件时内存不足");
  /* The cells are words already: the keys are the Chinese headers. */
  rc = hub_table_from(wrap, "rows", CM_LANG_ZH, 0, &tb, err);
  if (!rc) rc = xlsx ? hub_table_xlsx(&tb, sheet, dir, out, err) : hub_table_csv(&tb, out, err);
  hub_table_free(&tb);
  json_decref(wrap);
  return rc;
}

cm_rc hub_year_progress_csv(const json_t *progress, cm_buf *out, cm_err *err) {
  return hub_year_export(progress, "inspections", 0, NULL, out, err);
}

/* ---- the attention list ---- */

/* Copy key k of from into to. */
static void copy_keys(json_t *to, const json_t *from, const char *const *keys) {
  for (; *keys; keys++) {
    json_t *v = json_object_get(from, *keys);
    if (v) json_object_set(to, *keys, v);
  }
}

/* Push a row of street, community, org, name (and code) of o with what else. */
static cm_rc attn_push(json_t *arr, const json_t *o, const char *const *keys, json_t *more) {
  static const char *const base[] = {"street", "community", "org", "name", NULL};
  json_t *row = json_object();
  if (!row || !more) {
    json_decref(row);
    json_decref(more);
    return CM_ERR_NOMEM;
  }
  copy_keys(row, o, base);
  copy_keys(row, o, keys);
  json_object_update(row, more);
  json_decref(more);
  return json_array_append_new(arr, row) ? CM_ERR_NOMEM : CM_OK;
}

cm_rc hub_year_attention_locked(hub_ctx *ctx, const char *today, const char *street, json_t *out,
                                cm_err *err) {
  json_t *prog = NULL, *plans = NULL, *sums = NULL, *o;
  json_t *insp = json_array(), *pl = json_array(), *su = json_array(), *upl = json_array(),
         *usu = json_array();
  int year = atoi(today);
  size_t i;
  cm_rc rc = insp && pl && su && upl && usu ? CM_OK : cm_errf(err, CM_ERR_NOMEM, "内存不足");
  /* Self-reports of last year; plans of this year; summaries of last year. */
  if (!rc) rc = progress_of(ctx, year - 1, street, 1, &prog, err);
  if (!rc) rc = plans_of(ctx, year, street, 1, &plans, err);
  if (!rc) rc = plans_of(ctx, year - 1, street, 1, &sums, err);
  const char *due = json_string_value(json_object_get(prog, "due"));
  json_array_foreach(json_object_get(prog, "organisations"), i, o) {
    if (rc) break;
    if (!hub_count_missing(json_is_true(json_object_get(o, "self_reported")), due, today))
      continue;
    if (attn_push(insp, o, (const char *const[]){NULL},
                  json_pack("{s:i,s:s}", "year", year - 1, "due", due)))
      rc = cm_errf(err, CM_ERR_NOMEM, "内存不足");
  }
  const char *pdue = json_string_value(json_object_get(plans, "plan_due"));
  const char *sdue = json_string_value(json_object_get(sums, "summary_due"));
  json_array_foreach(json_object_get(plans, "organisations"), i, o) {
    if (rc) break;
    if (hub_count_missing(*json_string_value(json_object_get(o, "plan_date")) != 0, pdue, today) &&
        attn_push(pl, o, (const char *const[]){NULL},
                  json_pack("{s:i,s:s}", "year", year, "due", pdue)))
      rc = cm_errf(err, CM_ERR_NOMEM, "内存不足");
  }
  json_array_foreach(json_object_get(sums, "organisations"), i, o) {
    if (rc) break;
    if (hub_count_missing(*json_string_value(json_object_get(o, "summary_date")) != 0, sdue,
                          today) &&
        attn_push(su, o, (const char *const[]){NULL},
                  json_pack("{s:i,s:s}", "year", year - 1, "due", sdue)))
      rc = cm_errf(err, CM_ERR_NOMEM, "内存不足");
  }
  static const char *const unit_keys[] = {"code", NULL};
  json_array_foreach(json_object_get(plans, "units"), i, o) {
    if (rc) break;
    if (hub_count_missing(*json_string_value(json_object_get(o, "plan_date")) != 0, pdue, today) &&
        attn_push(upl, o, unit_keys, json_pack("{s:i,s:s}", "year", year, "due", pdue)))
      rc = cm_errf(err, CM_ERR_NOMEM, "内存不足");
  }
  json_array_foreach(json_object_get(sums, "units"), i, o) {
    if (rc) break;
    if (hub_count_missing(*json_string_value(json_object_get(o, "summary_date")) != 0, sdue,
                          today) &&
        attn_push(usu, o, unit_keys, json_pack("{s:i,s:s}", "year", year - 1, "due", sdue)))
      rc = cm_errf(err, CM_ERR_NOMEM, "内存不足");
  }
  if (!rc) {
    json_object_set(out, "inspection_overdue", insp);
    json_object_set(out, "plan_missing", pl);
    json_object_set(out, "summary_missing", su);
    json_object_set(out, "unit_plan_missing", upl);
    json_object_set(out, "unit_summary_missing", usu);
  }
  json_decref(prog);
  json_decref(plans);
  json_decref(sums);
  json_decref(insp);
  json_decref(pl);
  json_decref(su);
  json_decref(upl);
  json_decref(usu);
  return rc;
}

/* ---- the street's own plan and summary ---- */

cm_rc hub_year_unit_plan_file(hub_ctx *ctx, int summary, int year, const char *text1,
                              const char *text2, int64_t count, char *record_out,
                              size_t record_cap, cm_err *err) {
  uint64_t seq = 0;
  if (ctx->role != HUB_ROLE_STREET)
    return cm_errf(err, CM_ERR_PERM, "只有街道分会在这里写本街道的工作计划和年终总结");
  json_t *body = summary ? json_pack("{s:i,s:s,s:s,s:I}", "year", year, "results",
                                     text1 ? text1 : "", "problems", text2 ? text2 : "",
                                     "activities_held", (json_int_t)count)
                         : json_pack("{s:i,s:s,s:s,s:I}", "year", year, "goals",
                                     text1 ? text1 : "", "activities", text2 ? text2 : "",
                                     "planned_count", (json_int_t)count);
  cm_rc rc = body ? hub_local_append(ctx, summary ? "summary.unit" : "plan.unit", body, &seq, err)
                  : cm_errf(err, CM_ERR_NOMEM, "内存不足");
  if (!rc) snprintf(record_out, record_cap, "%s/%llu", ctx->key_hex, (unsigned long long)seq);
  json_decref(body);
  return rc;
}

/* ---- trainings (培训) ---- */

cm_rc hub_year_trainings(hub_ctx *ctx, int year, const char *street, json_t **out, cm_err *err) {
  json_t *tr = NULL, *counts = NULL, *orgs = json_array(), *r;
  int64_t attendances = 0;
  size_t i;
  cm_rc rc = orgs ? CM_OK : cm_errf(err, CM_ERR_NOMEM, "内存不足");
  *out = NULL;
  if (!rc) {
    pthread_mutex_lock(&ctx->lock);
    rc = hub_store_trainings_json(ctx->store, year, ctx->kp.pk, &tr, err);
    if (!rc) rc = hub_store_training_counts_json(ctx->store, year, ctx->kp.pk, &counts, err);
    pthread_mutex_unlock(&ctx->lock);
  }
  json_array_foreach(tr, i, r) {
    json_object_set_new(r, "attended", json_integer((json_int_t)json_array_size(
                                           json_object_get(r, "orgs"))));
  }
  json_array_foreach(counts, i, r) {
    if (rc) break;
    if (street && *street && strcmp(json_string_value(json_object_get(r, "street")), street))
      continue;
    attendances = cm_rec_add(attendances, json_integer_value(json_object_get(r, "trainings")));
    if (json_array_append(orgs, r)) rc = cm_errf(err, CM_ERR_NOMEM, "内存不足");
  }
  if (!rc) {
    *out = json_pack("{s:i,s:O,s:O,s:{s:I,s:I}}", "year", year, "trainings", tr,
                     "organisations", orgs, "totals", "trainings", (json_int_t)json_array_size(tr),
                     "attendances", (json_int_t)attendances);
    if (!*out) rc = cm_errf(err, CM_ERR_NOMEM, "内存不足");
  }
  json_decref(tr);
  json_decref(counts);
  json_decref(orgs);
  return rc;
}

cm_rc hub_year_training_record(hub_ctx *ctx, const char *date, const char *topic,
                               const char *organiser, const char *content, const json_t *orgs,
                               char *record_out, size_t record_cap, cm_err *err) {
  json_t *body = json_pack("{s:s,s:s,s:s,s:s,s:O}", "date", date ? date : "", "topic",
                           topic ? topic : "", "organiser", organiser ? organiser : "", "content",
                           content ? content : "", "orgs", orgs);
  json_t *held = NULL, *o;
  uint64_t seq = 0;
  size_t i;
  cm_rc rc = body ? CM_OK : cm_errf(err, CM_ERR_NOMEM, "内存不足");
  /* Every organisation named is one held here (at a street: of its own
   * communities or its own), so that the figure counts what was recorded. */
  if (!rc) {
    pthread_mutex_lock(&ctx->lock);
    rc = hub_store_street_org_names(ctx->store, "", &held, err);
    pthread_mutex_unlock(&ctx->lock);
  }
  json_array_foreach(orgs, i, o) {
    size_t k;
    json_t *h;
    int found = 0;
    if (rc) break;
    json_array_foreach(held, k, h) {
      if (json_is_string(o) && !strcmp(json_string_value(json_object_get(h, "id")),
                                       json_string_value(o)))
        found = 1;
    }
    if (!found)
      rc = cm_errf(err, CM_ERR_NOT_FOUND, "本级没有备案编号为「%s」的组织",
                   json_is_string(o) ? json_string_value(o) : "");
  }
  if (!rc) rc = hub_local_append(ctx, "training.recorded", body, &seq, err);
  if (!rc) snprintf(record_out, record_cap, "%s/%llu", ctx->key_hex, (unsigned long long)seq);
  json_decref(held);
  json_decref(body);
  return rc;
}

/* ---- notices to every community of the district or of a street ---- */

cm_rc hub_year_notice_send(hub_ctx *ctx, const char *to, const char *street, const char *title,
                           const char *text, char *record_out, size_t record_cap, size_t *n_out,
                           cm_err *err) {
  json_t *comms = NULL, *issued = NULL, *sent = NULL;
  uint64_t seq = 0;
  char notice[PROTO_KEY_HEX + 24];
  int district = to && !strcmp(to, "district");
  *n_out = 0;
  if (!to || (strcmp(to, "district") && strcmp(to, "street")))
    return cm_errf(err, CM_ERR_INVALID, "通知范围只能是 district（全区）或 street（一个街道）");
  if (district && ctx->role != HUB_ROLE_DISTRICT)
    return cm_errf(err, CM_ERR_PERM, "街道分会只能通知本街道的社区（--to street）");
  if (ctx->role == HUB_ROLE_STREET) street = ctx->name;
  if (!district && (!street || !*street))
    return cm_errf(err, CM_ERR_INVALID, "通知一个街道须给出街道名称（--street NAME）");
  issued = json_pack("{s:s,s:s,s:s,s:s}", "title", title ? title : "", "text", text ? text : "",
                     "scope", to, "street", district ? "" : street);
  if (!issued) return cm_errf(err, CM_ERR_NOMEM, "内存不足");
  pthread_mutex_lock(&ctx->lock);
  cm_rc rc = hub_store_begin(ctx->store, err);
  if (rc) goto unlock;
  rc = hub_store_communities_json(ctx->store, district ? "" : street, &comms, err);
  if (!rc && json_array_size(comms) == 0)
    rc = cm_errf(err, CM_ERR_NOT_FOUND, "%s%s没有登记的社区", district ? "全区" : "街道",
                 district ? "" : street);
  if (!rc) rc = hub_local_check(ctx, "notice.issued", issued, err);
  if (!rc) rc = hub_log_append_locked(ctx, "notice.issued", issued, &seq, err);
  snprintf(notice, sizeof notice, "%s/%llu", ctx->key_hex, (unsigned long long)seq);
  /* One copy addressed to each community. */
  if (!rc) {
    sent = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s}", "notice", notice, "to", "", "title",
                     title ? title : "", "text", text ? text : "", "scope", to, "street", district ? "" : street);
    rc = sent ? hub_local_fanout_locked(ctx, "notice.sent", sent, comms, NULL, NULL, err)
              : cm_errf(err, CM_ERR_NOMEM, "内存不足");
  }
  if (!rc)
    rc = hub_store_commit(ctx->store, err);
  else
    hub_store_rollback(ctx->store);
unlock:
  pthread_mutex_unlock(&ctx->lock);
  if (!rc) {
    snprintf(record_out, record_cap, "%s", notice);
    *n_out = json_array_size(comms);
  }
  json_decref(comms);
  json_decref(issued);
  json_decref(sent);
  return rc;
}

cm_rc hub_year_notices(hub_ctx *ctx, const char *street, const char *notice, json_t **out,
                       cm_err *err) {
  json_t *all = NULL, *list = json_array(), *reads = NULL, *kept = json_array(), *n, *found = NULL;
  size_t i;
  cm_rc rc = list && kept ? CM_OK : cm_errf(err, CM_ERR_NOMEM, "内存不足");
  *out = NULL;
  if (!rc) {
    pthread_mutex_lock(&ctx->lock);
    rc = hub_store_notices_json(ctx->store, ctx->kp.pk, &all, err);
    if (!rc && notice) rc = hub_store_notice_reads_json(ctx->store, notice, &reads, err);
    pthread_mutex_unlock(&ctx->lock);
  }
  json_array_foreach(all, i, n) {
    const char *sc = json_string_value(json_object_get(n, "scope"));
    const char *st = json_string_value(json_object_get(n, "street"));
    if (rc) break;
    if (street && *street && sc && strcmp(sc, "district") != 0 && st && strcmp(st, street) != 0)
      continue;
    char day[11];
    day_of(n, "time_ms", day);
    json_object_set_new(n, "date", json_string(day));
    if (notice && !strcmp(json_string_value(json_object_get(n, "record")), notice)) found = n;
    if (json_array_append(list, n)) rc = cm_errf(err, CM_ERR_NOMEM, "内存不足");
  }
  if (!rc && notice && !found) rc = cm_errf(err, CM_ERR_NOT_FOUND, "没有这条通知：%s", notice);
  json_array_foreach(reads, i, n) {
    if (rc) break;
    const char *st = json_string_value(json_object_get(n, "street"));
    if (street && *street && st && strcmp(st, street) != 0) continue;
    char day[11];
    day_of(n, "read_ms", day);
    json_object_set_new(n, "read_date", json_string(day));
    json_object_set_new(n, "read", json_boolean(*day != 0));
    if (json_array_append(kept, n)) rc = cm_errf(err, CM_ERR_NOMEM, "内存不足");
  }
  if (!rc) {
    *out = notice ? json_pack("{s:O,s:O,s:O}", "notices", list, "notice", found, "reads", kept)
                  : json_pack("{s:O}", "notices", list);
    if (!*out) rc = cm_errf(err, CM_ERR_NOMEM, "内存不足");
  }
  json_decref(all);
  json_decref(list);
  json_decref(reads);
  json_decref(kept);
  return rc;
}
