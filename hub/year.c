/* year.c - the annual inspection (年检) at a hub (hub/year.h). */
#include "year.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/clock.h"
#include "../common/i18n.h"
#include "../common/records.h"
#include "counting.h"
#include "table.h"
#include "decide.h"
#include "hublog.h"
#include "orgs_local.h"
#include "store.h"

/* The config key of a self-report due date set before due.set existed. */
#define LEGACY_DUE_KEY "inspection.due."

cm_rc hub_year_parse_ahead(const char *s, int finished, int ahead, int *year_out, cm_err *err) {
  char today[11];
  cm_date_of(cm_now_ms(), today);
  int last = atoi(today) - (finished ? 1 : 0) + ahead;
  if (!s || strlen(s) != 4 || strspn(s, "0123456789") != 4 || atoi(s) < 2000 || atoi(s) > last)
    return cm_errf(err, CM_ERR_INVALID, "年度应为2000年至%d年之间%s的年度，而不是“%s”", last,
                   finished ? "已结束" : "", s ? s : "");
  *year_out = atoi(s);
  return CM_OK;
}

cm_rc hub_year_parse(const char *s, int finished, int *year_out, cm_err *err) {
  return hub_year_parse_ahead(s, finished, 0, year_out, err);
}

/* hub_year_due with ctx->lock held by the caller (locked 1) or not. */
static cm_rc due_of(hub_ctx *ctx, const char *what, int year, int locked, char out[11],
                    cm_err *err) {
  char key[32], first[11], last[11];
  int found = 0;
  if (!cm_rec_due_window(what, year, out, first, last))
    return cm_errf(err, CM_ERR_INVALID, "没有“%s”这项截止日期", what ? what : "");
  if (!locked) pthread_mutex_lock(&ctx->lock);
  cm_rc rc = hub_store_due_get(ctx->store, ctx->kp.pk, what, year, out, &found, err);
  /* what a district set before the dates became signed entries */
  snprintf(key, sizeof key, LEGACY_DUE_KEY "%d", year);
  if (!rc && !found && ctx->role == HUB_ROLE_DISTRICT && !strcmp(what, "inspection"))
    rc = hub_store_config_get(ctx->store, key, out, 11, &found, err);
  if (!locked) pthread_mutex_unlock(&ctx->lock);
  if (!rc && !found) cm_rec_due_window(what, year, out, first, last);
  return rc;
}

cm_rc hub_year_due(hub_ctx *ctx, const char *what, int year, char out[11], cm_err *err) {
  return due_of(ctx, what, year, 0, out, err);
}

cm_rc hub_year_due_set(hub_ctx *ctx, const char *what, int year, const char *date,
                       const char *op, cm_err *err) {
  cm_rec_body b;
  if (ctx->role != HUB_ROLE_DISTRICT)
    return cm_errf(err, CM_ERR_PERM,
                   "截止日期只能由区协会设定，街道分会会收到区协会的设定并转发给各社区");
  json_t *body = json_pack("{s:s, s:i, s:s, s:s}", "what", what ? what : "", "year", year,
                           "date", date ? date : "", "operator", op ? op : "");
  if (!body) return cm_errf(err, CM_ERR_NOMEM, "内存不足");
  cm_rc rc = cm_rec_read_json(cm_rec_find("due.set"), body, &b, err);
  if (!rc) rc = hub_log_append(ctx, "due.set", body, NULL, err);
  json_decref(body);
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

/* The organisations of a year's read q (HUB_DQ_YEAR_INSPECTIONS, _PLANS or
 * _TRAININGS) that count in year (hub/counting.h) in street ("" or NULL:
 * every one), each handed to fn; caller holds ctx->lock when locked. */
typedef cm_rc (*year_org_fn)(void *arg, const hub_dash_year_org_row *r, cm_err *err);

typedef struct org_walk {
  int year;
  const char *street;
  year_org_fn fn;
  void *arg;
} org_walk;

static cm_rc org_counts(void *vctx, const hub_dash_row *row, cm_err *err) {
  org_walk *w = vctx;
  const hub_dash_year_org_row *r = &row->year_org;
  if (w->street && *w->street && strcmp(r->street, w->street) != 0) return CM_OK;
  if (!hub_count_org_in_year(r->status, r->filed, r->dissolved_ms, r->revoked_ms, w->year))
    return CM_OK;
  return w->fn(w->arg, r, err);
}

static cm_rc year_orgs(hub_ctx *ctx, hub_dash_query q, int year, const char *street, int locked,
                       year_org_fn fn, void *arg, cm_err *err) {
  char y[16];
  snprintf(y, sizeof y, "%d", year);
  const char *params[2] = {y, ctx->key_hex};
  org_walk w = {year, street, fn, arg};
  if (!locked) pthread_mutex_lock(&ctx->lock);
  cm_rc rc = hub_store_dash_rows(ctx->store, q, params, q == HUB_DQ_YEAR_PLANS ? 1 : 2, org_counts,
                                 &w, err);
  if (!locked) pthread_mutex_unlock(&ctx->lock);
  return rc;
}

/* The communities and streets themselves with their own plans and summaries
 * of year (HUB_DQ_YEAR_UNITS) in street, each to fn. */
typedef cm_rc (*year_unit_fn)(void *arg, const hub_dash_year_unit_row *r, cm_err *err);

typedef struct unit_walk {
  const char *street;
  year_unit_fn fn;
  void *arg;
} unit_walk;

static cm_rc unit_in(void *vctx, const hub_dash_row *row, cm_err *err) {
  unit_walk *w = vctx;
  if (w->street && *w->street && strcmp(row->year_unit.street, w->street) != 0) return CM_OK;
  return w->fn(w->arg, &row->year_unit, err);
}

static cm_rc year_units(hub_ctx *ctx, int year, const char *street, int locked, year_unit_fn fn,
                        void *arg, cm_err *err) {
  char y[16];
  snprintf(y, sizeof y, "%d", year);
  const char *params[4] = {y, ctx->key_hex, ctx->role == HUB_ROLE_STREET ? "street" : "district",
                           ctx->name};
  unit_walk w = {street, fn, arg};
  if (!locked) pthread_mutex_lock(&ctx->lock);
  cm_rc rc = hub_store_dash_rows(ctx->store, HUB_DQ_YEAR_UNITS, params, 4, unit_in, &w, err);
  if (!locked) pthread_mutex_unlock(&ctx->lock);
  return rc;
}

/* The totals, per street and per community rows of a progress answer (rows
 * come ordered by street, then community code). */
typedef struct groups {
  json_t *totals, *streets, *comms;
  json_t *st, *co; /* the current street's and community's rows (borrowed) */
  char st_name[HUB_NAME_MAX], co_street[HUB_NAME_MAX], co_code[CM_REC_PREFIX_MAX];
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

/* Count one organisation of street and community (code) with counts c. */
static cm_rc groups_add(groups *g, const char *street, const char *community, const char *code,
                        const json_t *c) {
  if (!g->st || strcmp(g->st_name, street) != 0) {
    g->st = json_pack("{s:s}", "street", street);
    if (!g->st || json_array_append_new(g->streets, g->st)) return CM_ERR_NOMEM;
    snprintf(g->st_name, sizeof g->st_name, "%s", street);
  }
  if (!g->co || strcmp(g->co_street, street) != 0 || strcmp(g->co_code, code) != 0) {
    g->co = json_pack("{s:s,s:s,s:s}", "street", street, "community", community, "code", code);
    if (!g->co || json_array_append_new(g->comms, g->co)) return CM_ERR_NOMEM;
    snprintf(g->co_street, sizeof g->co_street, "%s", street);
    snprintf(g->co_code, sizeof g->co_code, "%s", code);
  }
  add_counts(g->totals, c);
  add_counts(g->st, c);
  add_counts(g->co, c);
  return CM_OK;
}

static cm_rc groups_new(groups *g, json_t *zero) {
  memset(g, 0, sizeof *g);
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

/* The date (Asia/Shanghai) of an author time, "" for 0 (none). */
static void day_of(uint64_t ms, char out[11]) {
  out[0] = '\0';
  if (ms) cm_date_of(ms, out);
}

/* The progress answer being built. */
typedef struct progress_acc {
  groups g;
  json_t *orgs, *missing, *fails;
  const char *due;
} progress_acc;

static cm_rc progress_row(void *arg, const hub_dash_year_org_row *r, cm_err *err) {
  progress_acc *a = arg;
  char day[11];
  day_of(r->self_time_ms, day);
  int self = r->self_seq != 0, late = self && hub_count_late(day, a->due);
  const char *result = r->result;
  json_t *o = json_pack("{s:s,s:s,s:s,s:s,s:s,s:b,s:s,s:b,s:s,s:s,s:s,s:s,s:b}", "street",
                        r->street, "community", r->community, "code", r->code, "org", r->org,
                        "name", r->name, "self_reported", self, "self_date", day, "late", late,
                        "opinion", r->opinion, "result", result, "deadline", r->deadline,
                        "reason", r->reason, "rectified", r->closed);
  json_t *c = json_pack("{s:i,s:i,s:i,s:i,s:i,s:i,s:i,s:i,s:i}", "expected", 1, "self_reported",
                        self, "late", late, "inspected", *result != 0, "pass",
                        !strcmp(result, "pass"), "rectify", !strcmp(result, "rectify"),
                        "rectified", !strcmp(result, "rectify") && r->closed, "fail",
                        !strcmp(result, "fail"), "missing", !self);
  cm_rc rc = CM_OK;
  if (!o || !c || json_array_append(a->orgs, o) ||
      groups_add(&a->g, r->street, r->community, r->code, c) ||
      (!self && json_array_append(a->missing, o)) ||
      (!strcmp(result, "fail") && json_array_append(a->fails, o)))
    rc = cm_errf(err, CM_ERR_NOMEM, "内存不足");
  json_decref(o);
  json_decref(c);
  return rc;
}

static cm_rc progress_of(hub_ctx *ctx, int year, const char *street, int locked, json_t **out,
                         cm_err *err) {
  progress_acc a;
  char due[11];
  cm_rc rc = groups_new(&a.g, json_pack("{s:i,s:i,s:i,s:i,s:i,s:i,s:i,s:i,s:i}", "expected", 0,
                                        "self_reported", 0, "late", 0, "inspected", 0, "pass", 0,
                                        "rectify", 0, "rectified", 0, "fail", 0, "missing", 0));
  a.orgs = json_array();
  a.missing = json_array();
  a.fails = json_array();
  a.due = due;
  *out = NULL;
  if (rc || !a.orgs || !a.missing || !a.fails) rc = cm_errf(err, CM_ERR_NOMEM, "内存不足");
  if (!rc) rc = due_of(ctx, "inspection", year, locked, due, err);
  if (!rc) rc = year_orgs(ctx, HUB_DQ_YEAR_INSPECTIONS, year, street, locked, progress_row, &a, err);
  if (!rc) {
    *out = json_pack("{s:i,s:s,s:O,s:O,s:O,s:O,s:O,s:O}", "year", year, "due", due, "totals",
                     a.g.totals, "streets", a.g.streets, "communities", a.g.comms, "missing",
                     a.missing, "fail", a.fails, "organisations", a.orgs);
    if (!*out) rc = cm_errf(err, CM_ERR_NOMEM, "内存不足");
  }
  groups_free(&a.g);
  json_decref(a.orgs);
  json_decref(a.missing);
  json_decref(a.fails);
  return rc;
}

cm_rc hub_year_progress(hub_ctx *ctx, int year, const char *street, json_t **out, cm_err *err) {
  return progress_of(ctx, year, street, 0, out, err);
}

/* The plan and summary due dates of year (the district's, else 31 January
 * of the year and of the next); caller holds ctx->lock when locked. */
static cm_rc plan_dues(hub_ctx *ctx, int year, int locked, char plan_due[11], char sum_due[11],
                       cm_err *err) {
  cm_rc rc = due_of(ctx, "plan", year, locked, plan_due, err);
  if (!rc) rc = due_of(ctx, "summary", year, locked, sum_due, err);
  return rc;
}

/* The units of a plans answer being built: each row, and totals per level. */
typedef struct units_acc {
  json_t *units, *totals;
  const char *plan_due, *sum_due;
} units_acc;

static cm_rc unit_row(void *arg, const hub_dash_year_unit_row *r, cm_err *err) {
  units_acc *a = arg;
  char pd[11], sd[11], pr[PROTO_KEY_HEX + 24] = "", sr[PROTO_KEY_HEX + 24] = "";
  day_of(r->plan_time_ms, pd);
  day_of(r->summary_time_ms, sd);
  if (r->plan_seq)
    snprintf(pr, sizeof pr, "%s/%llu", r->plan_key, (unsigned long long)r->plan_seq);
  if (r->summary_seq)
    snprintf(sr, sizeof sr, "%s/%llu", r->summary_key, (unsigned long long)r->summary_seq);
  json_t *o = json_pack("{s:s,s:s,s:s,s:s,s:s,s:b,s:s,s:s,s:b,s:s}", "level", r->level, "street",
                        r->street, "community", r->community, "code", r->code, "plan_date", pd,
                        "plan_late", hub_count_late(pd, a->plan_due), "plan_record", pr,
                        "summary_date", sd, "summary_late", hub_count_late(sd, a->sum_due),
                        "summary_record", sr);
  json_t *t = json_object_get(a->totals, r->level);
  json_t *c = json_pack("{s:i,s:i,s:i}", "expected", 1, "plans", *pd != 0, "summaries", *sd != 0);
  cm_rc rc = CM_OK;
  if (!o || !t || !c || json_array_append(a->units, o))
    rc = cm_errf(err, CM_ERR_NOMEM, "内存不足");
  else
    add_counts(t, c);
  json_decref(o);
  json_decref(c);
  return rc;
}

/* The communities' and streets' own plans and summaries of year in street
 * into *units_out and their totals per level into *totals_out.  Caller holds
 * ctx->lock when locked. */
static cm_rc unit_plans(hub_ctx *ctx, int year, const char *street, int locked,
                        const char *plan_due, const char *sum_due, json_t **units_out,
                        json_t **totals_out, cm_err *err) {
  units_acc a = {json_array(),
                 json_pack("{s:{s:i,s:i,s:i},s:{s:i,s:i,s:i}}", "community", "expected", 0,
                           "plans", 0, "summaries", 0, "street", "expected", 0, "plans", 0,
                           "summaries", 0),
                 plan_due, sum_due};
  cm_rc rc = a.units && a.totals ? CM_OK : cm_errf(err, CM_ERR_NOMEM, "内存不足");
  if (!rc) rc = year_units(ctx, year, street, locked, unit_row, &a, err);
  if (rc) {
    json_decref(a.units);
    json_decref(a.totals);
    return rc;
  }
  *units_out = a.units;
  *totals_out = a.totals;
  return CM_OK;
}

/* The plans answer being built. */
typedef struct plans_acc {
  groups g;
  json_t *orgs, *no_plan, *no_sum;
  const char *plan_due, *sum_due;
} plans_acc;

static cm_rc plans_row(void *arg, const hub_dash_year_org_row *r, cm_err *err) {
  plans_acc *a = arg;
  char pd[11], sd[11];
  day_of(r->plan_time_ms, pd);
  day_of(r->summary_time_ms, sd);
  int plan = *pd != 0, sum = *sd != 0;
  int plan_late = hub_count_late(pd, a->plan_due), sum_late = hub_count_late(sd, a->sum_due);
  json_t *o = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:b,s:s,s:b}", "street", r->street, "community",
                        r->community, "code", r->code, "org", r->org, "name", r->name,
                        "plan_date", pd, "plan_late", plan_late, "summary_date", sd,
                        "summary_late", sum_late);
  json_t *c = json_pack("{s:i,s:i,s:i,s:i,s:i,s:i,s:i}", "expected", 1, "plans", plan,
                        "plans_late", plan_late, "missing_plans", !plan, "summaries", sum,
                        "summaries_late", sum_late, "missing_summaries", !sum);
  cm_rc rc = CM_OK;
  if (!o || !c || json_array_append(a->orgs, o) ||
      groups_add(&a->g, r->street, r->community, r->code, c) ||
      (!plan && json_array_append(a->no_plan, o)) || (!sum && json_array_append(a->no_sum, o)))
    rc = cm_errf(err, CM_ERR_NOMEM, "内存不足");
  json_decref(o);
  json_decref(c);
  return rc;
}

static cm_rc plans_of(hub_ctx *ctx, int year, const char *street, int locked, json_t **out,
                      cm_err *err) {
  plans_acc a;
  char plan_due[11], sum_due[11];
  json_t *units = NULL, *unit_totals = NULL;
  cm_rc rc = groups_new(&a.g, json_pack("{s:i,s:i,s:i,s:i,s:i,s:i,s:i}", "expected", 0, "plans",
                                        0, "plans_late", 0, "missing_plans", 0, "summaries", 0,
                                        "summaries_late", 0, "missing_summaries", 0));
  a.orgs = json_array();
  a.no_plan = json_array();
  a.no_sum = json_array();
  a.plan_due = plan_due;
  a.sum_due = sum_due;
  *out = NULL;
  if (rc || !a.orgs || !a.no_plan || !a.no_sum) rc = cm_errf(err, CM_ERR_NOMEM, "内存不足");
  if (!rc) rc = plan_dues(ctx, year, locked, plan_due, sum_due, err);
  if (!rc) rc = year_orgs(ctx, HUB_DQ_YEAR_PLANS, year, street, locked, plans_row, &a, err);
  if (!rc)
    rc = unit_plans(ctx, year, street, locked, plan_due, sum_due, &units, &unit_totals, err);
  if (!rc) {
    *out = json_pack("{s:i,s:s,s:s,s:O,s:O,s:O,s:O,s:O,s:O,s:O,s:O}", "year", year, "plan_due",
                     plan_due, "summary_due", sum_due, "totals", a.g.totals, "streets",
                     a.g.streets, "communities", a.g.comms, "missing_plans", a.no_plan,
                     "missing_summaries", a.no_sum, "organisations", a.orgs, "units", units,
                     "unit_totals", unit_totals);
    if (!*out) rc = cm_errf(err, CM_ERR_NOMEM, "内存不足");
  }
  json_decref(units);
  json_decref(unit_totals);
  groups_free(&a.g);
  json_decref(a.orgs);
  json_decref(a.no_plan);
  json_decref(a.no_sum);
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
  json_t *o;
  size_t i;
  json_array_foreach(json_object_get(progress, "organisations"), i, o) {
    const char *res = json_string_value(json_object_get(o, "result"));
    const char *op = json_string_value(json_object_get(o, "opinion"));
    const char *res_zh = res && *res ? cm_i18n_word(CM_LANG_ZH, "result.", res) : "未检";
    const char *op_zh = op && *op ? cm_i18n_word(CM_LANG_ZH, "insp.opinion.", op) : "";
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

/* One list of the attention answer being built: what is missing after its
 * due date (hub_count_missing) of the year. */
typedef struct attn_acc {
  json_t *arr;
  int year;
  const char *due, *today;
  int what; /* 1 plan, 2 summary */
} attn_acc;

static cm_rc attn_unit(void *arg, const hub_dash_year_unit_row *r, cm_err *err) {
  attn_acc *a = arg;
  if (!hub_count_missing(a->what == 1 ? r->plan_time_ms != 0 : r->summary_time_ms != 0, a->due,
                         a->today))
    return CM_OK;
  json_t *row = json_pack("{s:s,s:s,s:s,s:i,s:s}", "street", r->street, "community", r->community,
                          "code", r->code, "year", a->year, "due", a->due);
  if (!row || json_array_append_new(a->arr, row)) return cm_errf(err, CM_ERR_NOMEM, "内存不足");
  return CM_OK;
}

/* Strings of the marks, kept in blocks that never move. */
typedef struct arena_block {
  struct arena_block *next;
  size_t used, cap;
  char bytes[];
} arena_block;

static const char *arena_str(arena_block **head, const char *s) {
  size_t n = strlen(s) + 1;
  arena_block *b = *head;
  if (!b || b->cap - b->used < n) {
    size_t cap = n > 65536 ? n : 65536;
    b = malloc(sizeof *b + cap);
    if (!b) return NULL;
    b->next = *head;
    b->used = 0;
    b->cap = cap;
    *head = b;
  }
  char *out = b->bytes + b->used;
  memcpy(out, s, n);
  b->used += n;
  return out;
}

/* The newest entry of a list's kind and year of an organisation per
 * community, as SQL_YEAR_NEWEST and SQL_NEWEST_PER_ROOT choose it: the
 * newest key's first (depth), then the highest sequence.  The community is
 * its first key (root, hex). */
typedef struct mark {
  const char *org, *root; /* in hub_year_marks.arena */
  int64_t depth;
  uint64_t seq, time_ms;
} mark;

/* A list's marks by organisation, then root (hub_year_missing walks them
 * beside the organisations, which come by filing number: no lookups at
 * random among a city's 237,000). */
typedef struct mark_list {
  mark *v;
  size_t n, cap;
} mark_list;

/* An organisation that ended (HUB_DQ_YEAR_ENDED). */
typedef struct ended_org {
  char author[PROTO_KEY_HEX];
  const char *id;
  uint64_t dissolved_ms, revoked_ms;
} ended_org;

struct hub_year_marks {
  int year;                  /* this year: the lists read it and the one before */
  hub_dash_lineage_row *lin; /* by key; strings in the arena */
  size_t n_lin;
  mark_list lists[HUB_YEAR_LISTS];
  ended_org *ended; /* by author, then id */
  size_t n_ended, cap_ended;
  arena_block *arena;
};

/* The first key of key's community and how many keys came before key. */
static const char *lineage_root(const hub_year_marks *m, const char *key, int64_t *depth) {
  size_t lo = 0, hi = m->n_lin;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    int c = strcmp(m->lin[mid].key, key);
    if (!c) {
      *depth = m->lin[mid].depth;
      return m->lin[mid].root;
    }
    if (c < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  *depth = 0;
  return key;
}

static cm_rc nomem(cm_err *err) {
  return cm_errf(err, CM_ERR_NOMEM, "内存不足");
}

static cm_rc lineage_row(void *arg, const hub_dash_row *row, cm_err *err) {
  hub_year_marks *m = arg;
  if (m->n_lin % 64 == 0) {
    void *p = realloc(m->lin, (m->n_lin + 64) * sizeof *m->lin);
    if (!p) return nomem(err);
    m->lin = p;
  }
  hub_dash_lineage_row *l = &m->lin[m->n_lin];
  l->key = arena_str(&m->arena, row->lineage.key);
  l->root = arena_str(&m->arena, row->lineage.root);
  l->depth = row->lineage.depth;
  if (!l->key || !l->root) return nomem(err);
  m->n_lin++;
  return CM_OK;
}

/* Reading one list's entries: rows come by author, whose community is
 * looked up once per author. */
typedef struct mark_walk {
  hub_year_marks *m;
  mark_list *list;
  char author[PROTO_KEY_HEX];
  const char *root; /* of author */
  int64_t depth;
} mark_walk;

static cm_rc mark_row(void *arg, const hub_dash_row *row, cm_err *err) {
  mark_walk *w = arg;
  const hub_dash_year_mark_row *r = &row->year_mark;
  if (strcmp(w->author, r->author) != 0) {
    snprintf(w->author, sizeof w->author, "%s", r->author);
    w->root = arena_str(&w->m->arena, lineage_root(w->m, r->author, &w->depth));
    if (!w->root) return nomem(err);
  }
  mark_list *l = w->list;
  if (l->n == l->cap) {
    size_t cap = l->cap ? l->cap * 2 : 1024;
    mark *v = realloc(l->v, cap * sizeof *v);
    if (!v) return nomem(err);
    l->v = v;
    l->cap = cap;
  }
  mark *k = &l->v[l->n];
  /* the organisation's string shared with the row before, of the same */
  k->org = l->n && !strcmp(l->v[l->n - 1].org, r->org) ? l->v[l->n - 1].org
                                                       : arena_str(&w->m->arena, r->org);
  if (!k->org) return nomem(err);
  k->root = w->root;
  k->depth = w->depth;
  k->seq = r->seq;
  k->time_ms = r->time_ms;
  l->n++;
  return CM_OK;
}

/* By organisation and root, then oldest first (depth, then sequence). */
static int mark_cmp(const void *pa, const void *pb) {
  const mark *a = pa, *b = pb;
  int c = strcmp(a->org, b->org);
  if (!c) c = strcmp(a->root, b->root);
  if (c) return c;
  if (a->depth != b->depth) return a->depth < b->depth ? -1 : 1;
  return (a->seq > b->seq) - (a->seq < b->seq);
}

/* Sorted, and of each organisation and root only the newest left. */
static void marks_settle(mark_list *l) {
  size_t n = 0;
  if (l->n) qsort(l->v, l->n, sizeof *l->v, mark_cmp);
  for (size_t i = 0; i < l->n; i++) {
    if (n && !strcmp(l->v[n - 1].org, l->v[i].org) && !strcmp(l->v[n - 1].root, l->v[i].root))
      n--; /* the newer replaces it */
    l->v[n++] = l->v[i];
  }
  l->n = n;
}

/* The first mark of l at or after organisation org. */
static size_t marks_from(const mark_list *l, const char *org) {
  size_t lo = 0, hi = l->n;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (strcmp(l->v[mid].org, org) < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}

/* The mark of (org, root) in l, NULL when none; *at the place the walk had
 * reached, moved on (organisations asked in order of filing number walk l
 * once; one asked out of order is looked up). */
static const mark *marks_find(const mark_list *l, size_t *at, const char *org, const char *root) {
  size_t i = *at;
  if (i > l->n || (i > 0 && strcmp(l->v[i - 1].org, org) >= 0)) i = marks_from(l, org);
  while (i < l->n && strcmp(l->v[i].org, org) < 0)
    i++;
  *at = i;
  for (; i < l->n && !strcmp(l->v[i].org, org); i++)
    if (!strcmp(l->v[i].root, root)) return &l->v[i];
  return NULL;
}

static int ended_cmp(const void *pa, const void *pb) {
  const ended_org *a = pa, *b = pb;
  int c = strcmp(a->author, b->author);
  return c ? c : strcmp(a->id, b->id);
}

static cm_rc ended_row(void *arg, const hub_dash_row *row, cm_err *err) {
  hub_year_marks *m = arg;
  if (m->n_ended == m->cap_ended) {
    size_t cap = m->cap_ended ? m->cap_ended * 2 : 64;
    void *p = realloc(m->ended, cap * sizeof *m->ended);
    if (!p) return nomem(err);
    m->ended = p;
    m->cap_ended = cap;
  }
  ended_org *e = &m->ended[m->n_ended];
  snprintf(e->author, sizeof e->author, "%s", row->year_ended.author);
  e->id = arena_str(&m->arena, row->year_ended.id);
  e->dissolved_ms = row->year_ended.dissolved_ms;
  e->revoked_ms = row->year_ended.revoked_ms;
  if (!e->id) return nomem(err);
  m->n_ended++;
  return CM_OK;
}

static void marks_free(hub_year_marks *m) {
  if (!m) return;
  for (arena_block *b = m->arena, *next; b; b = next) {
    next = b->next;
    free(b);
  }
  for (int i = 0; i < HUB_YEAR_LISTS; i++)
    free(m->lists[i].v);
  free(m->lin);
  free(m->ended);
  free(m);
}

/* The kind and year each list reads, of this year y. */
static const char *list_kind(int list) {
  return list == HUB_YEAR_SELF   ? "inspection.self"
         : list == HUB_YEAR_PLAN ? "plan.annual"
                                 : "summary.annual";
}
static int list_year(int list, int y) {
  return list == HUB_YEAR_PLAN ? y : y - 1;
}

/* Read the marks of this year y (caller holds ctx->lock): a city's three
 * lists are some 700,000 entries, read once per year generation instead of
 * joined with every organisation per answer. */
static cm_rc marks_read(hub_ctx *ctx, int y, hub_year_marks **out, cm_err *err) {
  hub_year_marks *m = calloc(1, sizeof *m);
  cm_rc rc = m ? CM_OK : nomem(err);
  *out = NULL;
  if (!rc) {
    m->year = y;
    rc = hub_store_dash_rows(ctx->store, HUB_DQ_LINEAGE, NULL, 0, lineage_row, m, err);
  }
  for (int i = 0; !rc && i < HUB_YEAR_LISTS; i++) {
    char ys[16];
    snprintf(ys, sizeof ys, "%d", list_year(i, y));
    const char *params[2] = {list_kind(i), ys};
    mark_walk w = {m, &m->lists[i], "", NULL, 0};
    rc = hub_store_dash_rows(ctx->store, HUB_DQ_YEAR_MARKS, params, 2, mark_row, &w, err);
    if (!rc) marks_settle(&m->lists[i]);
  }
  if (rc) {
    marks_free(m);
    return rc;
  }
  *out = m;
  return CM_OK;
}

unsigned hub_year_missing(hub_year_attn *a, const char *author, const char *id, const char *status,
                          const char *filed) {
  hub_year_marks *m = a->marks;
  uint64_t dissolved = 0, revoked = 0;
  unsigned missing = 0;
  if (!m) return 0;
  if (m->n_ended) {
    ended_org key;
    snprintf(key.author, sizeof key.author, "%s", author);
    key.id = id;
    const ended_org *e = bsearch(&key, m->ended, m->n_ended, sizeof key, ended_cmp);
    if (e) {
      dissolved = e->dissolved_ms;
      revoked = e->revoked_ms;
    }
  }
  int counted_year = 0, counts = 0; /* the lists read two years: each judged once */
  for (int list = 0; list < HUB_YEAR_LISTS; list++) {
    if (!counted_year || counted_year != a->year[list]) {
      counted_year = a->year[list];
      counts = hub_count_org_in_year(status, filed, dissolved, revoked, counted_year);
    }
    if (!counts) continue;
    if (strcmp(a->memo_author, author) != 0) { /* organisations come by community mostly */
      int64_t depth;
      snprintf(a->memo_author, sizeof a->memo_author, "%s", author);
      a->memo_root = lineage_root(m, a->memo_author, &depth);
    }
    const mark *k = marks_find(&m->lists[list], &a->at[list], id, a->memo_root);
    int written = k && (list == HUB_YEAR_SELF ? k->seq != 0 : k->time_ms != 0);
    if (hub_count_missing(written, a->due[list], a->today)) missing |= 1u << list;
  }
  return missing;
}

/* What the attention answer last read of the year: the marks of this year,
 * kept while the marks generation stays (their organisations' end times
 * while the year generation stays), and the communities' own lists, with
 * what they were computed from (the year generation: nothing they read
 * changed while it stays; the day, the street and the due dates, read each
 * time: cheap). */
typedef struct year_cache {
  int64_t gen, marks_gen, ended_gen;
  hub_year_marks *marks;
  char today[11], street[HUB_NAME_MAX], pdue[11], sdue[11];
  json_t *units; /* {unit_plan_missing, unit_summary_missing}, or NULL */
} year_cache;

static void year_cache_free(void *p) {
  year_cache *c = p;
  if (c) {
    json_decref(c->units);
    marks_free(c->marks);
  }
  free(c);
}

void hub_year_forget_locked(hub_ctx *ctx) {
  if (ctx->year_cache_free) ctx->year_cache_free(ctx->year_cache);
  ctx->year_cache = NULL;
}

static const char *const unit_lists[] = {"unit_plan_missing", "unit_summary_missing"};

/* The year cache at year generation gen and marks generation mgen: what
 * it kept of others let go (NULL when memory runs short: nothing is kept). */
static year_cache *cache_at(hub_ctx *ctx, int64_t gen, int64_t mgen) {
  year_cache *c = ctx->year_cache_free == year_cache_free ? ctx->year_cache : NULL;
  if (!c) {
    hub_year_forget_locked(ctx);
    if (!(c = calloc(1, sizeof *c))) return NULL;
    c->gen = c->marks_gen = c->ended_gen = -1;
    ctx->year_cache = c;
    ctx->year_cache_free = year_cache_free;
  }
  if (c->gen != gen) {
    json_decref(c->units);
    c->units = NULL;
    c->gen = gen;
  }
  if (c->marks_gen != mgen) {
    marks_free(c->marks);
    c->marks = NULL;
    c->marks_gen = mgen;
  }
  return c;
}

/* m's organisations that ended, read again. */
static cm_rc ended_read(hub_ctx *ctx, hub_year_marks *m, cm_err *err) {
  free(m->ended);
  m->ended = NULL;
  m->n_ended = m->cap_ended = 0;
  cm_rc rc = hub_store_dash_rows(ctx->store, HUB_DQ_YEAR_ENDED, NULL, 0, ended_row, m, err);
  if (!rc && m->n_ended) qsort(m->ended, m->n_ended, sizeof *m->ended, ended_cmp);
  return rc;
}

cm_rc hub_year_attention_locked(hub_ctx *ctx, const char *today, const char *street, json_t *out,
                                hub_year_attn *attn, cm_err *err) {
  int year = atoi(today);
  int64_t gen = -1;
  memset(attn, 0, sizeof *attn);
  attn->today = today;
  static const char *const due_what[HUB_YEAR_LISTS] = {
      [HUB_YEAR_SELF] = "inspection", [HUB_YEAR_PLAN] = "plan", [HUB_YEAR_SUMMARY] = "summary"};
  cm_rc rc = CM_OK;
  for (int i = 0; !rc && i < HUB_YEAR_LISTS; i++) {
    attn->year[i] = list_year(i, year);
    rc = due_of(ctx, due_what[i], attn->year[i], 1, attn->due[i], err);
  }
  /* read before the lists: a commit in between leaves them tagged older
   * than they are, never newer (computed again next time) */
  int64_t mgen = -1;
  if (!rc) rc = hub_store_year_gen(ctx->store, &gen, err);
  if (!rc) rc = hub_store_marks_gen(ctx->store, &mgen, err);
  if (rc) return rc;
  if (!street) street = "";
  const char *pdue = attn->due[HUB_YEAR_PLAN], *sdue = attn->due[HUB_YEAR_SUMMARY];
  year_cache *c = cache_at(ctx, gen, mgen);
  if (!c) return nomem(err);
  if (!c->marks || c->marks->year != year) {
    hub_year_marks *fresh = NULL;
    rc = marks_read(ctx, year, &fresh, err);
    if (rc) return rc;
    marks_free(c->marks);
    c->marks = fresh;
    c->ended_gen = -1;
  }
  if (c->ended_gen != gen) { /* (the organisations changed) */
    rc = ended_read(ctx, c->marks, err);
    if (rc) {
      marks_free(c->marks);
      c->marks = NULL;
      return rc;
    }
    c->ended_gen = gen;
  }
  attn->marks = c->marks;
  if (c->units && !strcmp(c->today, today) && !strcmp(c->street, street) &&
      !strcmp(c->pdue, pdue) && !strcmp(c->sdue, sdue)) {
    for (size_t i = 0; !rc && i < 2; i++)
      if (json_object_set(out, unit_lists[i], json_object_get(c->units, unit_lists[i])))
        rc = nomem(err);
  } else {
    attn_acc upl = {json_array(), year, pdue, today, 1};
    attn_acc usu = {json_array(), year - 1, sdue, today, 2};
    json_t *units = json_object();
    rc = upl.arr && usu.arr && units ? CM_OK : nomem(err);
    if (!rc) rc = year_units(ctx, year, street, 1, attn_unit, &upl, err);
    if (!rc) rc = year_units(ctx, year - 1, street, 1, attn_unit, &usu, err);
    if (!rc && (json_object_set(units, unit_lists[0], upl.arr) ||
                json_object_set(units, unit_lists[1], usu.arr) || json_object_update(out, units)))
      rc = nomem(err);
    if (!rc) {
      json_decref(c->units);
      c->units = json_incref(units);
      snprintf(c->today, sizeof c->today, "%s", today);
      snprintf(c->street, sizeof c->street, "%s", street);
      snprintf(c->pdue, sizeof c->pdue, "%s", pdue);
      snprintf(c->sdue, sizeof c->sdue, "%s", sdue);
    }
    json_decref(units);
    json_decref(upl.arr);
    json_decref(usu.arr);
  }
  return rc;
}

/* ---- the street's own plan and summary ---- */

/* The body of a plan (summary 0) or year-end summary (summary 1). */
static json_t *plan_body(int summary, int year, const char *text1, const char *text2,
                         int64_t count) {
  return summary ? json_pack("{s:i,s:s,s:s,s:I}", "year", year, "results", text1 ? text1 : "",
                             "problems", text2 ? text2 : "", "activities_held", (json_int_t)count)
                 : json_pack("{s:i,s:s,s:s,s:I}", "year", year, "goals", text1 ? text1 : "",
                             "activities", text2 ? text2 : "", "planned_count", (json_int_t)count);
}

cm_rc hub_year_unit_plan_file(hub_ctx *ctx, int summary, int year, const char *text1,
                              const char *text2, int64_t count, char *record_out,
                              size_t record_cap, cm_err *err) {
  uint64_t seq = 0;
  if (ctx->role != HUB_ROLE_STREET)
    return cm_errf(err, CM_ERR_PERM, "只有街道分会在这里写本街道的工作计划和年终总结");
  json_t *body = plan_body(summary, year, text1, text2, count);
  cm_rc rc = body ? hub_local_append(ctx, summary ? "summary.unit" : "plan.unit", body, &seq, err)
                  : cm_errf(err, CM_ERR_NOMEM, "内存不足");
  if (!rc) snprintf(record_out, record_cap, "%s/%llu", ctx->key_hex, (unsigned long long)seq);
  json_decref(body);
  return rc;
}

cm_rc hub_year_org_plan_file(hub_ctx *ctx, const char *org, int summary, int year,
                             const char *text1, const char *text2, int64_t count,
                             char *record_out, size_t record_cap, cm_err *err) {
  uint64_t seq = 0;
  if (ctx->role != HUB_ROLE_STREET)
    return cm_errf(err, CM_ERR_PERM, "街道级组织的工作计划和年终总结在街道分会填写");
  if (!org || !*org) return cm_errf(err, CM_ERR_INVALID, "需要 --org 备案编号");
  json_t *body = plan_body(summary, year, text1, text2, count);
  cm_rc rc = body && !json_object_set_new(body, "org", json_string(org))
                 ? hub_local_append_org(ctx, summary ? "summary.annual" : "plan.annual", body, org,
                                        &seq, err)
                 : cm_errf(err, CM_ERR_NOMEM, "内存不足");
  if (!rc) snprintf(record_out, record_cap, "%s/%llu", ctx->key_hex, (unsigned long long)seq);
  json_decref(body);
  return rc;
}

/* ---- trainings (培训) ---- */

/* The organisations of a trainings answer being built, and their attendances. */
typedef struct trainings_acc {
  json_t *orgs;
  int64_t attendances;
} trainings_acc;

static cm_rc training_row(void *arg, const hub_dash_year_org_row *r, cm_err *err) {
  trainings_acc *a = arg;
  json_t *o = json_pack("{s:s,s:s,s:s,s:s,s:s,s:I}", "street", r->street, "community",
                        r->community, "code", r->code, "org", r->org, "name", r->name,
                        "trainings", (json_int_t)r->trainings);
  if (!o || json_array_append_new(a->orgs, o)) return cm_errf(err, CM_ERR_NOMEM, "内存不足");
  a->attendances = cm_rec_add(a->attendances, r->trainings);
  return CM_OK;
}

cm_rc hub_year_trainings(hub_ctx *ctx, int year, const char *street, json_t **out, cm_err *err) {
  json_t *tr = NULL, *r;
  trainings_acc a = {json_array(), 0};
  size_t i;
  cm_rc rc = a.orgs ? CM_OK : cm_errf(err, CM_ERR_NOMEM, "内存不足");
  *out = NULL;
  if (!rc) {
    pthread_mutex_lock(&ctx->lock);
    rc = hub_store_trainings_json(ctx->store, year, ctx->kp.pk, &tr, err);
    if (!rc) rc = year_orgs(ctx, HUB_DQ_YEAR_TRAININGS, year, street, 1, training_row, &a, err);
    pthread_mutex_unlock(&ctx->lock);
  }
  json_array_foreach(tr, i, r) {
    json_object_set_new(r, "attended", json_integer((json_int_t)json_array_size(
                                           json_object_get(r, "orgs"))));
  }
  if (!rc) {
    *out = json_pack("{s:i,s:O,s:O,s:{s:I,s:I}}", "year", year, "trainings", tr,
                     "organisations", a.orgs, "totals", "trainings",
                     (json_int_t)json_array_size(tr), "attendances", (json_int_t)a.attendances);
    if (!*out) rc = cm_errf(err, CM_ERR_NOMEM, "内存不足");
  }
  json_decref(tr);
  json_decref(a.orgs);
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
    day_of((uint64_t)json_integer_value(json_object_get(n, "time_ms")), day);
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
    day_of((uint64_t)json_integer_value(json_object_get(n, "read_ms")), day);
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
