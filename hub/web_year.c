/* web_year.c - the annual inspection (年检) at a hub: the progress page
 * (per street and community: expected, self-reported, inspected, results,
 * the missing list, the failed list that proposes revocation), the street's
 * result form, and the API answer GET /api/v1/dashboard/inspections[.csv]
 * (docs/api.md).  The figures are hub/year.c's; a district operator bound to
 * one street sees that street only. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/clock.h"
#include "../common/log.h"
#include "web.h"
#include "year.h"

#define CSV_MAX ((size_t)16u << 20)

static const char *const k_results[][2] = {
    {"pass", "insp.result.pass"}, {"rectify", "insp.result.rectify"}, {"fail", "insp.result.fail"}};

/* The year asked for (?year=), or by the clock last year (finished 1) or
 * this year. */
static cm_rc year_of(cm_http_req *req, int finished, int *year, cm_err *err) {
  char today[11], dflt[16];
  const char *q = cm_http_query(req, "year");
  cm_date_of(cm_now_ms(), today);
  snprintf(dflt, sizeof dflt, "%d", atoi(today) - (finished ? 1 : 0));
  return hub_year_parse(q && *q ? q : dflt, finished, year, err);
}

/* ROUTE: GET /api/v1/dashboard/inspections[.csv], /api/v1/dashboard/plans
 * (which: 0 inspections, 1 their CSV, 2 plans). */
static void api_answer(cm_http_req *req, cm_http_resp *resp, void *ctx, int which) {
  int csv = which == 1;
  hub_api *api = ctx;
  hub_auth_session s;
  int found = 0, year = 0;
  json_t *j = NULL;
  cm_buf b;
  cm_err err;
  cm_err_clear(&err);
  cm_buf_init(&b, CSV_MAX);
  if (!api->web) {
    cm_http_resp_error(resp, 503, CM_ERR_BUSY, "operator accounts are not available", NULL);
    goto out;
  }
  if (hub_auth_session_check(hub_web_ops(api->web), cm_http_cookie(req, HUB_AUTH_COOKIE),
                             cm_now_ms(), &s, &found, &err) != CM_OK || !found) {
    cm_http_resp_error(resp, found ? 500 : 401, found ? CM_ERR_DB : CM_ERR_PERM,
                       "log in first: POST /login, then send its cookie", NULL);
    goto out;
  }
  /* year progress lists every unit's organisations */
  if (s.op.unit[0]) {
    cm_http_resp_error(resp, 403, CM_ERR_PERM, "an account bound to one unit reads the dashboard only",
                       NULL);
    goto out;
  }
  cm_http_resp_header(resp, "Cache-Control", "no-store");
  const char *street = api->hub->role == HUB_ROLE_DISTRICT ? s.op.street : NULL;
  cm_rc rc = year_of(req, which != 2, &year, &err);
  if (!rc && which == 2) rc = hub_year_plans(api->hub, year, street, &j, &err);
  if (!rc && which != 2) rc = hub_year_progress(api->hub, year, street, &j, &err);
  if (!rc && csv) rc = hub_year_progress_csv(j, &b, &err);
  if (rc) {
    cm_http_resp_error(resp, cm_rc_http_status(rc), rc, err.msg, NULL);
  } else if (csv) {
    char disp[80];
    snprintf(disp, sizeof disp, "attachment; filename=\"inspections-%d.csv\"", year);
    cm_http_resp_header(resp, "Content-Disposition", disp);
    if (cm_http_resp_set(resp, 200, "text/csv; charset=utf-8", b.p, b.len))
      cm_http_resp_error(resp, 500, CM_ERR_NOMEM, "out of memory", NULL);
  } else {
    cm_http_resp_json(resp, 200, j);
    j = NULL;
  }
out:
  json_decref(j);
  cm_buf_free(&b);
}

static void api_json(cm_http_req *req, cm_http_resp *resp, void *ctx) {
  api_answer(req, resp, ctx, 0);
}

static void api_csv(cm_http_req *req, cm_http_resp *resp, void *ctx) {
  api_answer(req, resp, ctx, 1);
}

static void api_plans(cm_http_req *req, cm_http_resp *resp, void *ctx) {
  api_answer(req, resp, ctx, 2);
}

/* One row of counts. */
static void counts_cells(hub_web_req *w, const json_t *t) {
  static const char *const keys[] = {"expected", "self_reported", "late", "missing", "inspected",
                                     "pass", "rectify", "rectified", "fail"};
  for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
    cm_html_printf(&w->h, "<td class=\"num\">%lld</td>",
                   (long long)json_integer_value(json_object_get(t, keys[i])));
}

static void counts_head(hub_web_req *w, const char *first, const char *second) {
  cm_html_printf(&w->h, "<tr><th>%r</th>", first);
  if (second) cm_html_printf(&w->h, "<th>%r</th>", second);
  cm_html_raw(&w->h, "<th>应检</th><th>已报自查</th><th>逾期上报</th><th>未报</th><th>已检</th>"
                     "<th>合格</th><th>限期整改</th><th>已整改</th><th>不合格</th></tr>");
}

/* A list of organisations (missing, failed). */
static void org_list(hub_web_req *w, const json_t *arr, const char *id, int with_result) {
  const json_t *o;
  size_t i;
  if (json_array_size(arr) == 0) {
    cm_html_printf(&w->h, "<p class=\"empty\" id=\"%r\">无</p>", id);
    return;
  }
  cm_html_printf(&w->h, "<table class=\"list\" id=\"%r\"><tr><th>街道</th><th>社区</th><th>备案编号</th>"
                        "<th>组织名称</th>%r</tr>",
                 id, with_result ? "<th>理由</th>" : "");
  json_array_foreach(arr, i, o) {
    cm_html_printf(&w->h, "<tr><td>%h</td><td>%h</td><td>%h</td><td>%h</td>",
                   json_string_value(json_object_get(o, "street")),
                   json_string_value(json_object_get(o, "community")),
                   json_string_value(json_object_get(o, "org")),
                   json_string_value(json_object_get(o, "name")));
    if (with_result)
      cm_html_printf(&w->h, "<td>%h</td>", json_string_value(json_object_get(o, "reason")));
    cm_html_raw(&w->h, "</tr>");
  }
  cm_html_raw(&w->h, "</table>");
}

/* The result form; after a refusal (keep) it holds what was typed. */
static void result_form(hub_web_req *w, int year, int keep) {
  const char *v_org = keep ? cm_http_form(w->req, "org", 0) : NULL;
  const char *v_res = keep ? cm_http_form(w->req, "result", 0) : NULL;
  const char *v_dl = keep ? cm_http_form(w->req, "deadline", 0) : NULL;
  const char *v_reason = keep ? cm_http_form(w->req, "reason", 0) : NULL;
  cm_html_printf(&w->h, "<section class=\"card\"><h2>记录年检结果</h2>"
                        "<form method=\"post\" action=\"/inspections\" id=\"insp-form\">");
  hub_web_csrf_field(w);
  cm_html_printf(&w->h, "<label>年度<input name=\"year\" type=\"number\" value=\"%d\"></label>",
                 year);
  cm_html_printf(&w->h, "<label>备案编号<input name=\"org\" maxlength=\"64\" required "
                        "value=\"%h\"></label><label>年检结果<select name=\"result\" required>",
                 v_org ? v_org : "");
  for (size_t i = 0; i < 3; i++)
    cm_html_printf(&w->h, "<option value=\"%r\"%r>%w</option>", k_results[i][0],
                   v_res && !strcmp(v_res, k_results[i][0]) ? " selected" : "", k_results[i][1]);
  cm_html_printf(&w->h, "</select></label><label>整改期限（限期整改时必填）"
                        "<input type=\"date\" name=\"deadline\" value=\"%h\"></label>"
                        "<label class=\"wide\">理由<textarea name=\"reason\" required "
                        "maxlength=\"1000\">%h</textarea></label>"
                        "<p class=\"hint\">不合格的组织将提请区协会撤销备案。</p>"
                        "<button type=\"submit\">保存</button></form></section>",
                 v_dl ? v_dl : "", v_reason ? v_reason : "");
}

/* The page: the progress of the year, and the result form. */
static void progress_page(hub_web_req *w, int year, const cm_err *refused) {
  json_t *j = NULL;
  const json_t *o;
  size_t i;
  cm_err err;
  cm_err_clear(&err);
  cm_rc rc = hub_year_progress(w->hub, year,
                               w->hub->role == HUB_ROLE_DISTRICT ? w->s.op.street : NULL, &j, &err);
  if (rc) {
    hub_web_fail_rc(w, rc, err.msg);
    return;
  }
  hub_web_head(w, "insp.title");
  cm_html_printf(&w->h, "<h1>%d年度年检进度</h1>", year);
  if (refused) cm_html_printf(&w->h, "<p class=\"error\">未保存：%h</p>", refused->msg);
  if (cm_http_query(w->req, "ok")) cm_html_raw(&w->h, "<p class=\"flash\">年检结果已保存。</p>");
  cm_html_printf(&w->h, "<form method=\"get\" action=\"/inspections\"><label>年度"
                        "<input name=\"year\" type=\"number\" value=\"%d\"></label>"
                        "<button type=\"submit\">查看</button> <a href=\"/api/v1/dashboard/"
                        "inspections.csv?year=%d\">导出CSV</a></form>",
                 year, year);
  cm_html_printf(&w->h, "<p>自查报告截止日期：<span id=\"insp-due\">%h</span></p>",
                 json_string_value(json_object_get(j, "due")));
  cm_html_raw(&w->h, "<h2>合计</h2><table class=\"list\" id=\"insp-totals\">");
  counts_head(w, "范围", NULL);
  cm_html_raw(&w->h, "<tr><td>全部</td>");
  counts_cells(w, json_object_get(j, "totals"));
  cm_html_raw(&w->h, "</tr></table><h2>各街道</h2><table class=\"list\" id=\"insp-streets\">");
  counts_head(w, "街道", NULL);
  json_array_foreach(json_object_get(j, "streets"), i, o) {
    cm_html_printf(&w->h, "<tr><td>%h</td>", json_string_value(json_object_get(o, "street")));
    counts_cells(w, o);
    cm_html_raw(&w->h, "</tr>");
  }
  cm_html_raw(&w->h, "</table><h2>各社区</h2><table class=\"list\" id=\"insp-communities\">");
  counts_head(w, "街道", "社区");
  json_array_foreach(json_object_get(j, "communities"), i, o) {
    cm_html_printf(&w->h, "<tr><td>%h</td><td>%h</td>",
                   json_string_value(json_object_get(o, "street")),
                   json_string_value(json_object_get(o, "community")));
    counts_cells(w, o);
    cm_html_raw(&w->h, "</tr>");
  }
  cm_html_raw(&w->h, "</table><h2>未报自查报告的组织</h2>");
  org_list(w, json_object_get(j, "missing"), "insp-missing", 0);
  cm_html_raw(&w->h, "<h2>不合格（提请撤销备案）</h2>");
  org_list(w, json_object_get(j, "fail"), "insp-fail", 1);
  if (w->s.op.role[0] && strcmp(w->s.op.role, "viewer") != 0) result_form(w, year, refused != NULL);
  hub_web_foot(w);
  json_decref(j);
}

/* ROUTE: GET /inspections?year=YYYY */
static void page_progress(cm_http_req *req, cm_http_resp *resp, void *ctx) {
  hub_web_req w;
  int year = 0;
  cm_err err;
  cm_err_clear(&err);
  if (!hub_web_begin(&w, req, resp, ctx, HUB_WEB_LOGIN)) return;
  if (year_of(req, 1, &year, &err))
    hub_web_fail_rc(&w, CM_ERR_INVALID, err.msg);
  else
    progress_page(&w, year, NULL);
  hub_web_end(&w);
}

/* ROUTE: POST /inspections */
static void page_result(cm_http_req *req, cm_http_resp *resp, void *ctx) {
  hub_web_req w;
  int year = 0;
  char record[PROTO_KEY_HEX + 24] = "", loc[64];
  cm_err err;
  cm_err_clear(&err);
  if (!hub_web_begin(&w, req, resp, ctx, HUB_WEB_WRITE)) return;
  const char *org = cm_http_form(req, "org", 0), *dl = cm_http_form(req, "deadline", 0);
  cm_rc rc = hub_year_parse(cm_http_form(req, "year", 0), 1, &year, &err);
  if (!rc)
    rc = hub_year_result(w.hub, org, year, cm_http_form(req, "result", 0), dl && *dl ? dl : NULL,
                         cm_http_form(req, "reason", 0), hub_web_operator(&w), record,
                         sizeof record, &err);
  if (rc == CM_ERR_INVALID || rc == CM_ERR_NOT_FOUND) {
    int shown = year;
    if (!shown) year_of(req, 1, &shown, NULL);
    hub_web_status(&w, rc == CM_ERR_NOT_FOUND ? 404 : 400);
    progress_page(&w, shown, &err);
  } else if (rc) {
    hub_web_fail_rc(&w, rc, err.msg);
  } else {
    hub_web_audit(&w, "inspection", record, org);
    snprintf(loc, sizeof loc, "/inspections?year=%d&ok=1", year);
    hub_web_redirect(&w, loc);
  }
  hub_web_end(&w);
}

/* ROUTE: GET /plans?year=YYYY */
static void page_plans(cm_http_req *req, cm_http_resp *resp, void *ctx) {
  static const char *const keys[] = {"expected", "plans", "plans_late", "missing_plans",
                                     "summaries", "summaries_late", "missing_summaries"};
  hub_web_req w;
  int year = 0;
  json_t *j = NULL;
  const json_t *o;
  size_t i;
  cm_err err;
  cm_err_clear(&err);
  if (!hub_web_begin(&w, req, resp, ctx, HUB_WEB_LOGIN)) return;
  cm_rc rc = year_of(req, 0, &year, &err);
  if (!rc)
    rc = hub_year_plans(w.hub, year, w.hub->role == HUB_ROLE_DISTRICT ? w.s.op.street : NULL, &j,
                        &err);
  if (rc) {
    hub_web_fail_rc(&w, rc, err.msg);
    goto out;
  }
  hub_web_head(&w, "plan.title");
  cm_html_printf(&w.h, "<h1>%d年度计划总结</h1><form method=\"get\" action=\"/plans\">"
                       "<label>年度<input name=\"year\" type=\"number\" value=\"%d\"></label>"
                       "<button type=\"submit\">查看</button></form>"
                       "<p>工作计划截止日期：%h；年终总结截止日期：%h</p>",
                 year, year, json_string_value(json_object_get(j, "plan_due")),
                 json_string_value(json_object_get(j, "summary_due")));
  cm_html_raw(&w.h, "<table class=\"list\" id=\"plan-communities\"><tr><th>街道</th><th>社区</th>"
                    "<th>应报</th><th>工作计划</th><th>逾期</th><th>未报计划</th><th>年终总结</th>"
                    "<th>逾期</th><th>未报总结</th></tr>");
  json_array_foreach(json_object_get(j, "communities"), i, o) {
    cm_html_printf(&w.h, "<tr><td>%h</td><td>%h</td>", json_string_value(json_object_get(o, "street")),
                   json_string_value(json_object_get(o, "community")));
    for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++)
      cm_html_printf(&w.h, "<td class=\"num\">%lld</td>",
                     (long long)json_integer_value(json_object_get(o, keys[k])));
    cm_html_raw(&w.h, "</tr>");
  }
  cm_html_raw(&w.h, "</table><h2>未报工作计划的组织</h2>");
  org_list(&w, json_object_get(j, "missing_plans"), "plan-missing", 0);
  cm_html_raw(&w.h, "<h2>未报年终总结的组织</h2>");
  org_list(&w, json_object_get(j, "missing_summaries"), "summary-missing", 0);
  hub_web_foot(&w);
out:
  json_decref(j);
  hub_web_end(&w);
}

const cm_http_route hub_web_year_routes[] = {
    {"GET", "/plans", page_plans, "plans and year-end summaries: who has submitted them"},
    {"GET", "/inspections", page_progress, "annual inspection: progress, missing, result form"},
    {"POST", "/inspections", page_result, "record the result of an annual inspection"},
    {"GET", "/api/v1/dashboard/inspections", api_json,
     "annual inspection progress (?year=YYYY); operator login"},
    {"GET", "/api/v1/dashboard/plans", api_plans,
     "plans and year-end summaries: who has submitted (?year=YYYY); operator login"},
    {"GET", "/api/v1/dashboard/inspections.csv", api_csv,
     "annual inspection, one organisation a row, as CSV (?year=YYYY)"},
};
const size_t hub_web_year_nroutes = sizeof hub_web_year_routes / sizeof hub_web_year_routes[0];
