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

/* Of HUB_DQ_YEAR_PLANS, only the times `which` says ("plan", "summary" or
 * "both"): each is a pass over the year's entries; of
 * HUB_DQ_YEAR_INSPECTIONS, "seq": whether there is a self-report, without
 * its opinion. */
static cm_rc year_orgs_of(hub_ctx *ctx, hub_dash_query q, int year, const char *which,
                          const char *street, int locked, year_org_fn fn, void *arg, cm_err *err) {
  char y[16];
  snprintf(y, sizeof y, "%d", year);
  const char *params[3] = {y, ctx->key_hex, which};
  org_walk w = {year, street, fn, arg};
  if (!locked) pthread_mutex_lock(&ctx->lock);
  cm_rc rc = hub_store_dash_rows(ctx->store, q, params, q == HUB_DQ_YEAR_TRAININGS ? 2 : 3,
                                 org_counts, &w, err);
  if (!locked) pthread_mutex_unlock(&ctx->lock);
  return rc;
}

static cm_rc year_orgs(hub_ctx *ctx, hub_dash_query q, int year, const char *street, int locked,
                       year_org_fn fn, void *arg, cm_err *err) {
  return year_orgs_of(ctx, q, year, "both", street, locked, fn, arg, err);
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
  int what; /* 0 self-report, 1 plan, 2 summary */
} attn_acc;

/* Push {street, community, org or code, name, year, due}. */
static cm_rc attn_push(attn_acc *a, json_t *row, cm_err *err) {
  if (!row || json_object_set_new(row, "year", json_integer(a->year)) ||
      json_object_set_new(row, "due", json_string(a->due)) || json_array_append_new(a->arr, row)) {
    json_decref(row);
    return cm_errf(err, CM_ERR_NOMEM, "内存不足");
  }
  return CM_OK;
}

static cm_rc attn_org(void *arg, const hub_dash_year_org_row *r, cm_err *err) {
  attn_acc *a = arg;
  int submitted = a->what == 0   ? r->self_seq != 0
                  : a->what == 1 ? r->plan_time_ms != 0
                                 : r->summary_time_ms != 0;
  if (!hub_count_missing(submitted, a->due, a->today)) return CM_OK;
  return attn_push(a,
                   json_pack("{s:s,s:s,s:s,s:s}", "street", r->street, "community", r->community,
                             "org", r->org, "name", r->name),
                   err);
}

static cm_rc attn_unit(void *arg, const hub_dash_year_unit_row *r, cm_err *err) {
  attn_acc *a = arg;
  if (!hub_count_missing(a->what == 1 ? r->plan_time_ms != 0 : r->summary_time_ms != 0, a->due,
                         a->today))
    return CM_OK;
  return attn_push(a,
                   json_pack("{s:s,s:s,s:s}", "street", r->street, "community", r->community,
                             "code", r->code),
                   err);
}

/* The year's attention lists last computed, with what they were computed
 * from: the year generation (nothing they read changed while it stays), the
 * day, the street and the three due dates (read each time: cheap). */
typedef struct year_cache {
  int64_t gen;
  char today[11], street[HUB_NAME_MAX], due[11], pdue[11], sdue[11];
  json_t *lists; /* the five arrays by name */
} year_cache;

static void year_cache_free(void *p) {
  year_cache *c = p;
  if (c) json_decref(c->lists);
  free(c);
}

void hub_year_forget_locked(hub_ctx *ctx) {
  if (ctx->year_cache_free) ctx->year_cache_free(ctx->year_cache);
  ctx->year_cache = NULL;
}

static const char *const attn_names[] = {"inspection_overdue", "plan_missing", "summary_missing",
                                         "unit_plan_missing", "unit_summary_missing"};

/* The kept lists into out when they were computed from the same inputs:
 * the same arrays, never changed once kept (a caller narrowing them makes
 * new ones); the answer may outlive the lock and the cache, as jansson
 * counts references atomically.  A city's lists hold hundreds of thousands
 * of rows, which a copy in and out held twice. */
static int year_cache_use(hub_ctx *ctx, int64_t gen, const char *today, const char *street,
                          const char *due, const char *pdue, const char *sdue, json_t *out) {
  const year_cache *c = ctx->year_cache;
  if (!c || gen < 0 || c->gen != gen || strcmp(c->today, today) || strcmp(c->street, street) ||
      strcmp(c->due, due) || strcmp(c->pdue, pdue) || strcmp(c->sdue, sdue))
    return 0;
  for (size_t i = 0; i < sizeof attn_names / sizeof attn_names[0]; i++) {
    json_t *kept = json_object_get(c->lists, attn_names[i]);
    if (!kept || json_object_set(out, attn_names[i], kept)) return 0;
  }
  return 1;
}

/* Keep out's five lists as computed at generation gen, shared with out
 * (nothing kept when memory runs short: the next answer computes them
 * again). */
static void year_cache_keep(hub_ctx *ctx, int64_t gen, const char *today, const char *street,
                            const char *due, const char *pdue, const char *sdue,
                            const json_t *out) {
  year_cache *c = calloc(1, sizeof *c);
  json_t *lists = json_object();
  for (size_t i = 0; c && lists && i < sizeof attn_names / sizeof attn_names[0]; i++) {
    json_t *list = json_object_get(out, attn_names[i]);
    if (!list || json_object_set(lists, attn_names[i], list)) {
      json_decref(lists);
      lists = NULL;
    }
  }
  if (gen < 0 || !c || !lists) {
    json_decref(lists);
    free(c);
    return;
  }
  c->gen = gen;
  c->lists = lists;
  snprintf(c->today, sizeof c->today, "%s", today);
  snprintf(c->street, sizeof c->street, "%s", street);
  snprintf(c->due, sizeof c->due, "%s", due);
  snprintf(c->pdue, sizeof c->pdue, "%s", pdue);
  snprintf(c->sdue, sizeof c->sdue, "%s", sdue);
  hub_year_forget_locked(ctx);
  ctx->year_cache = c;
  ctx->year_cache_free = year_cache_free;
}

cm_rc hub_year_attention_locked(hub_ctx *ctx, const char *today, const char *street, json_t *out,
                                cm_err *err) {
  int year = atoi(today);
  char due[11], pdue[11], sdue[11];
  int64_t gen = -1;
  /* Self-reports of last year; plans of this year; summaries of last year. */
  attn_acc insp = {json_array(), year - 1, due, today, 0};
  attn_acc pl = {json_array(), year, pdue, today, 1};
  attn_acc su = {json_array(), year - 1, sdue, today, 2};
  attn_acc upl = {json_array(), year, pdue, today, 1};
  attn_acc usu = {json_array(), year - 1, sdue, today, 2};
  cm_rc rc = insp.arr && pl.arr && su.arr && upl.arr && usu.arr
                 ? CM_OK
                 : cm_errf(err, CM_ERR_NOMEM, "内存不足");
  if (!rc) rc = due_of(ctx, "plan", year, 1, pdue, err);
  if (!rc) rc = due_of(ctx, "summary", year - 1, 1, sdue, err);
  if (!rc) rc = due_of(ctx, "inspection", year - 1, 1, due, err);
  /* read before the lists: a commit in between leaves them tagged older
   * than they are, never newer (computed again next time) */
  if (!rc) rc = hub_store_year_gen(ctx->store, &gen, err);
  if (!street) street = "";
  if (!rc && year_cache_use(ctx, gen, today, street, due, pdue, sdue, out)) goto done;
  if (!rc)
    rc = year_orgs_of(ctx, HUB_DQ_YEAR_INSPECTIONS, year - 1, "seq", street, 1, attn_org, &insp,
                      err);
  if (!rc) rc = year_orgs_of(ctx, HUB_DQ_YEAR_PLANS, year, "plan", street, 1, attn_org, &pl, err);
  if (!rc)
    rc = year_orgs_of(ctx, HUB_DQ_YEAR_PLANS, year - 1, "summary", street, 1, attn_org, &su, err);
  if (!rc) rc = year_units(ctx, year, street, 1, attn_unit, &upl, err);
  if (!rc) rc = year_units(ctx, year - 1, street, 1, attn_unit, &usu, err);
  if (!rc) {
    json_object_set(out, "inspection_overdue", insp.arr);
    json_object_set(out, "plan_missing", pl.arr);
    json_object_set(out, "summary_missing", su.arr);
    json_object_set(out, "unit_plan_missing", upl.arr);
    json_object_set(out, "unit_summary_missing", usu.arr);
    year_cache_keep(ctx, gen, today, street, due, pdue, sdue, out);
  }
done:
  json_decref(insp.arr);
  json_decref(pl.arr);
  json_decref(su.arr);
  json_decref(upl.arr);
  json_decref(usu.arr);
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
