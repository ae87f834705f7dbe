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
#include "../common/records.h"
#include "orgs_local.h"
#include "store.h"
#include "web.h"
#include "year.h"

#define CSV_MAX ((size_t)16u << 20)

static const char *const k_opinions[][2] = {{"agree", "insp.opinion.agree"},
                                             {"rectify", "insp.opinion.rectify"},
                                             {"disagree", "insp.opinion.disagree"}};
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

/* What an API route of the year answers, and as what. */
typedef enum year_answer { Y_INSPECTIONS = 0, Y_PLANS, Y_TRAININGS, Y_NOTICES } year_answer;
typedef enum year_format { F_JSON = 0, F_CSV, F_XLSX } year_format;

#define CT_CSV "text/csv; charset=utf-8"
#define CT_XLSX "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

/* ROUTE: GET /api/v1/dashboard/{inspections,plans,trainings}[.csv|.xlsx],
 * /api/v1/dashboard/notices (operator session). */
static void api_answer(cm_http_req *req, cm_http_resp *resp, void *ctx, year_answer which,
                       year_format fmt) {
  static const char *const names[] = {"inspections", "plans", "trainings", "notices"};
  static const char *const words[] = {"年检进度", "计划总结", "培训", "通知"};
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
  cm_rc rc = which == Y_NOTICES ? CM_OK : year_of(req, which == Y_INSPECTIONS, &year, &err);
  if (!rc && which == Y_PLANS) rc = hub_year_plans(api->hub, year, street, &j, &err);
  if (!rc && which == Y_INSPECTIONS) rc = hub_year_progress(api->hub, year, street, &j, &err);
  if (!rc && which == Y_TRAININGS) rc = hub_year_trainings(api->hub, year, street, &j, &err);
  if (!rc && which == Y_NOTICES) {
    const char *n = cm_http_query(req, "notice");
    rc = hub_year_notices(api->hub, street, n && *n ? n : NULL, &j, &err);
  }
  if (!rc && fmt != F_JSON)
    rc = hub_year_export(j, names[which], fmt == F_XLSX, api->hub->dir, &b, &err);
  if (rc) {
    cm_http_resp_error(resp, cm_rc_http_status(rc), rc, err.msg, NULL);
  } else if (fmt != F_JSON) {
    /* An ASCII name for old clients, the Chinese one with the year beside it. */
    char disp[256], word[64];
    const char *ext = fmt == F_XLSX ? "xlsx" : "csv";
    snprintf(word, sizeof word, "%s-%d.%s", words[which], year, ext);
    int n = snprintf(disp, sizeof disp, "attachment; filename=\"%s-%d.%s\"; filename*=UTF-8''",
                     names[which], year, ext);
    for (const unsigned char *p = (const unsigned char *)word; n > 0 && *p && (size_t)n + 4 < sizeof disp; p++)
      n += *p < 0x80 && *p != '%' ? snprintf(disp + n, sizeof disp - (size_t)n, "%c", *p)
                                  : snprintf(disp + n, sizeof disp - (size_t)n, "%%%02X", *p);
    cm_http_resp_header(resp, "Content-Disposition", disp);
    if (cm_http_resp_set(resp, 200, fmt == F_XLSX ? CT_XLSX : CT_CSV, b.p, b.len))
      cm_http_resp_error(resp, 500, CM_ERR_NOMEM, "内存不足", NULL);
  } else {
    cm_http_resp_json(resp, 200, j);
    j = NULL;
  }
out:
  json_decref(j);
  cm_buf_free(&b);
}

#define API_ROUTE(fn, which, fmt)                                                                  \
  static void fn(cm_http_req *req, cm_http_resp *resp, void *ctx) {                               \
    api_answer(req, resp, ctx, which, fmt);                                                        \
  }
API_ROUTE(api_json, Y_INSPECTIONS, F_JSON)
API_ROUTE(api_csv, Y_INSPECTIONS, F_CSV)
API_ROUTE(api_xlsx, Y_INSPECTIONS, F_XLSX)
API_ROUTE(api_plans, Y_PLANS, F_JSON)
API_ROUTE(api_plans_csv, Y_PLANS, F_CSV)
API_ROUTE(api_plans_xlsx, Y_PLANS, F_XLSX)
API_ROUTE(api_trainings, Y_TRAININGS, F_JSON)
API_ROUTE(api_trainings_csv, Y_TRAININGS, F_CSV)
API_ROUTE(api_trainings_xlsx, Y_TRAININGS, F_XLSX)
API_ROUTE(api_notices, Y_NOTICES, F_JSON)

/* One row of counts. */
static void counts_cells(hub_web_req *w, const json_t *t) {
  static const char *const keys[] = {"expected", "self_reported", "late", "missing", "inspected",
                                     "pass", "rectify", "rectified", "fail"};
  for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
    cm_html_printf(&w->h, "<td class=\"num\">%lld</td>",
                   (long long)json_integer_value(json_object_get(t, keys[i])));
}

static void counts_head(hub_web_req *w, const char *first, const char *second) {
  static const char *const heads[] = {"insp.col.expected", "insp.col.self_reported",
                                      "insp.col.late",     "insp.col.missing",
                                      "insp.col.inspected", "insp.result.pass",
                                      "insp.result.rectify", "insp.col.rectified",
                                      "insp.result.fail"};
  cm_html_printf(&w->h, "<tr><th>%w</th>", first);
  if (second) cm_html_printf(&w->h, "<th>%w</th>", second);
  for (size_t i = 0; i < sizeof heads / sizeof heads[0]; i++)
    cm_html_printf(&w->h, "<th>%w</th>", heads[i]);
  cm_html_raw(&w->h, "</tr>");
}

/* A list of organisations (missing, failed). */
static void org_list(hub_web_req *w, const json_t *arr, const char *id, int with_result) {
  const json_t *o;
  size_t i;
  if (json_array_size(arr) == 0) {
    cm_html_printf(&w->h, "<p class=\"empty\" id=\"%r\">%w</p>", id, "col.none");
    return;
  }
  cm_html_printf(&w->h, "<table class=\"list\" id=\"%r\"><tr><th>%w</th><th>%w</th><th>%w</th>"
                        "<th>%w</th>",
                 id, "col.street", "col.community", "col.id", "org.name");
  if (with_result) cm_html_printf(&w->h, "<th>%w</th>", "insp.reason");
  cm_html_raw(&w->h, "</tr>");
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
  cm_html_printf(&w->h, "<section class=\"card\"><h2>%w</h2>"
                        "<form method=\"post\" action=\"/inspections\" id=\"insp-form\">",
                 "insp.result_h");
  hub_web_csrf_field(w);
  cm_html_printf(&w->h, "<label>%w<input name=\"year\" type=\"number\" value=\"%d\"></label>",
                 "col.year", year);
  cm_html_printf(&w->h, "<label>%w<input name=\"org\" maxlength=\"64\" required "
                        "value=\"%h\"></label><label>%w<select name=\"result\" required>",
                 "col.id", v_org ? v_org : "", "insp.result");
  for (size_t i = 0; i < 3; i++)
    cm_html_printf(&w->h, "<option value=\"%r\"%r>%w</option>", k_results[i][0],
                   v_res && !strcmp(v_res, k_results[i][0]) ? " selected" : "", k_results[i][1]);
  cm_html_printf(&w->h, "</select></label><label>%w"
                        "<input type=\"date\" name=\"deadline\" value=\"%h\"></label>"
                        "<label class=\"wide\">%w<textarea name=\"reason\" required "
                        "maxlength=\"1000\">%h</textarea></label>"
                        "<p class=\"hint\">%w</p>"
                        "<button type=\"submit\">%w</button></form></section>",
                 "insp.deadline_hint", v_dl ? v_dl : "", "insp.reason", v_reason ? v_reason : "",
                 "insp.fail_hint", "form.save");
}

/* The fields of the street's self-report form, in hub_local_inspection's
 * order after org, and their words. */
static const char *const k_self[][2] = {
    {"year", "insp.year"},       {"activities", "insp.activities"},
    {"members", "insp.members"}, {"joined", "insp.joined"},
    {"left", "insp.left"},       {"party_members", "insp.party_members"},
    {"funds_received", "insp.funds_received"}, {"funds_used", "insp.funds_used"},
    {"problems", "insp.problems"}, {"plans", "insp.plans"}};

/* The street's self-report form for one of its own organisations (at a street
 * hub, not for viewers); after its refusal (keep) it holds what was typed. */
static void self_form(hub_web_req *w, int year, int keep) {
  const char *v_org = keep ? cm_http_form(w->req, "org", 0) : NULL;
  const char *v_op = keep ? cm_http_form(w->req, "opinion", 0) : NULL;
  const char *v_ot = keep ? cm_http_form(w->req, "opinion_text", 0) : NULL;
  cm_html_printf(&w->h, "<section class=\"card\"><h2>%w</h2><form method=\"post\" "
                        "action=\"/inspections/self\" id=\"insp-self-form\">",
                 "insp.self_h");
  hub_web_csrf_field(w);
  cm_html_printf(&w->h, "<label>%w<input name=\"org\" maxlength=\"64\" required "
                        "value=\"%h\"></label>",
                 "col.id", v_org ? v_org : "");
  for (size_t i = 0; i < sizeof k_self / sizeof k_self[0]; i++) {
    const char *v = keep ? cm_http_form(w->req, k_self[i][0], 0) : NULL;
    char y[16];
    if (!keep && i == 0) snprintf(y, sizeof y, "%d", year), v = y;
    if (i >= 8)
      cm_html_printf(&w->h, "<label class=\"wide\">%w<textarea name=\"%r\" maxlength=\"4000\">"
                            "%h</textarea></label>",
                     k_self[i][1], k_self[i][0], v ? v : "");
    else
      cm_html_printf(&w->h, "<label>%w<input name=\"%r\" %r value=\"%h\"></label>",
                     k_self[i][1], k_self[i][0],
                     i >= 6 ? CM_HTML_YUAN_ATTR " required"
                            : (i == 3 || i == 4 ? "type=\"number\" min=\"0\""
                                                : "type=\"number\" min=\"0\" required"),
                     v ? v : "");
  }
  cm_html_printf(&w->h, "<label>%w<select name=\"opinion\" required>", "insp.street_opinion");
  for (size_t i = 0; i < 3; i++)
    cm_html_printf(&w->h, "<option value=\"%r\"%r>%w</option>", k_opinions[i][0],
                   v_op && !strcmp(v_op, k_opinions[i][0]) ? " selected" : "", k_opinions[i][1]);
  cm_html_printf(&w->h, "</select></label><label class=\"wide\">%w<textarea name=\"opinion_text\" "
                        "maxlength=\"4000\">%h</textarea></label><p class=\"hint\">%w %w</p>"
                        "<button type=\"submit\">%w</button></form></section>",
                 "insp.opinion_text", v_ot ? v_ot : "", "insp.yuan_hint",
                 "insp.opinion_text_hint", "form.save");
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
  cm_html_printf(&w->h, "<h1>%d%w</h1>", year, "insp.progress_h1");
  if (refused) cm_html_printf(&w->h, "<p class=\"error\">%w%h</p>", "form.error", refused->msg);
  const char *ok = cm_http_query(w->req, "ok");
  if (ok)
    cm_html_printf(&w->h, "<p class=\"flash\">%w</p>",
                   !strcmp(ok, "self") ? "insp.ok" : "insp.result_saved");
  cm_html_printf(&w->h, "<form method=\"get\" action=\"/inspections\"><label>%w"
                        "<input name=\"year\" type=\"number\" value=\"%d\"></label>"
                        "<button type=\"submit\">%w</button> <a href=\"/api/v1/dashboard/"
                        "inspections.csv?year=%d\">%w</a> <a href=\"/api/v1/dashboard/"
                        "inspections.xlsx?year=%d\">%w</a></form>",
                 "col.year", year, "col.apply", year, "col.csv", year, "dash.xlsx");
  cm_html_printf(&w->h, "<p>%w<span id=\"insp-due\">%h</span></p>", "insp.due",
                 json_string_value(json_object_get(j, "due")));
  cm_html_printf(&w->h, "<h2>%w</h2><table class=\"list\" id=\"insp-totals\">", "col.totals");
  counts_head(w, "col.scope", NULL);
  cm_html_printf(&w->h, "<tr><td>%w</td>", "insp.all");
  counts_cells(w, json_object_get(j, "totals"));
  cm_html_printf(&w->h, "</tr></table><h2>%w</h2><table class=\"list\" id=\"insp-streets\">",
                 "dash.title.streets");
  counts_head(w, "col.street", NULL);
  json_array_foreach(json_object_get(j, "streets"), i, o) {
    cm_html_printf(&w->h, "<tr><td>%h</td>", json_string_value(json_object_get(o, "street")));
    counts_cells(w, o);
    cm_html_raw(&w->h, "</tr>");
  }
  cm_html_printf(&w->h, "</table><h2>%w</h2><table class=\"list\" id=\"insp-communities\">",
                 "dash.title.communities");
  counts_head(w, "col.street", "col.community");
  json_array_foreach(json_object_get(j, "communities"), i, o) {
    cm_html_printf(&w->h, "<tr><td>%h</td><td>%h</td>",
                   json_string_value(json_object_get(o, "street")),
                   json_string_value(json_object_get(o, "community")));
    counts_cells(w, o);
    cm_html_raw(&w->h, "</tr>");
  }
  cm_html_printf(&w->h, "</table><h2>%w</h2>", "insp.missing_h");
  org_list(w, json_object_get(j, "missing"), "insp-missing", 0);
  cm_html_printf(&w->h, "<h2>%w</h2>", "insp.fail_h");
  org_list(w, json_object_get(j, "fail"), "insp-fail", 1);
  int self = !strcmp(cm_http_path(w->req), "/inspections/self");
  if (w->s.op.role[0] && strcmp(w->s.op.role, "viewer") != 0) {
    result_form(w, year, refused != NULL && !self);
    if (w->hub->role == HUB_ROLE_STREET) self_form(w, year, refused != NULL && self);
  }
  hub_web_foot(w);
  json_decref(j);
}

/* A year's page (GET ...?year=YYYY): the year asked for, or by the clock last
 * year (finished 1) or this year, drawn by page. */
static void year_page(cm_http_req *req, cm_http_resp *resp, void *ctx, int finished,
                      void (*page)(hub_web_req *, int, const cm_err *)) {
  hub_web_req w;
  int year = 0;
  cm_err err;
  cm_err_clear(&err);
  if (!hub_web_begin(&w, req, resp, ctx, HUB_WEB_LOGIN)) return;
  if (year_of(req, finished, &year, &err))
    hub_web_fail_rc(&w, CM_ERR_INVALID, err.msg);
  else
    page(&w, year, NULL);
  hub_web_end(&w);
}

/* ROUTE: GET /inspections?year=YYYY */
static void page_progress(cm_http_req *req, cm_http_resp *resp, void *ctx) {
  year_page(req, resp, ctx, 1, progress_page);
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
    hub_web_status(&w, cm_rc_http_status(rc));
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

/* ROUTE: POST /inspections/self: a street-level organisation's self-report. */
static void page_self_report(cm_http_req *req, cm_http_resp *resp, void *ctx) {
  hub_web_req w;
  int year = 0;
  uint64_t seq = 0;
  char record[PROTO_KEY_HEX + 24] = "", loc[64];
  const char *v[13];
  cm_err err;
  cm_err_clear(&err);
  if (!hub_web_begin(&w, req, resp, ctx, HUB_WEB_WRITE)) return;
  v[0] = cm_http_form(req, "org", 0);
  for (size_t i = 0; i < sizeof k_self / sizeof k_self[0]; i++)
    v[i + 1] = cm_http_form(req, k_self[i][0], 0);
  v[11] = cm_http_form(req, "opinion", 0);
  v[12] = cm_http_form(req, "opinion_text", 0);
  hub_local_inspection in = {v[0], v[1], v[2], v[3], v[4],  v[5], v[6],
                             v[7], v[8], v[9], v[10], v[11], v[12]};
  cm_rc rc = hub_local_inspection_file(w.hub, &in, &seq, &err);
  if (rc == CM_ERR_INVALID || rc == CM_ERR_NOT_FOUND) {
    if (hub_year_parse(v[1], 1, &year, NULL)) year_of(req, 1, &year, NULL);
    hub_web_status(&w, rc == CM_ERR_NOT_FOUND ? 404 : 400);
    progress_page(&w, year, &err);
  } else if (rc) {
    hub_web_fail_rc(&w, rc, err.msg);
  } else {
    snprintf(record, sizeof record, "%s/%llu", w.hub->key_hex, (unsigned long long)seq);
    hub_web_audit(&w, "inspection.self", record, v[0]);
    snprintf(loc, sizeof loc, "/inspections?year=%d&ok=self", atoi(v[1]));
    hub_web_redirect(&w, loc);
  }
  hub_web_end(&w);
}

/* The street's own plan and summary form (at a street hub, not for viewers);
 * after a refusal (keep) it holds what was typed. */
static void unit_plan_form(hub_web_req *w, int year, int keep) {
  static const char *const f[] = {"part", "goals", "activities", "count", "results", "problems"};
  const char *v[6];
  for (size_t i = 0; i < 6; i++) v[i] = keep ? cm_http_form(w->req, f[i], 0) : NULL;
  int sum = v[0] && !strcmp(v[0], "summary");
  cm_html_printf(&w->h, "<section class=\"card\"><h2>%w</h2>"
                        "<form method=\"post\" action=\"/plans\" id=\"unit-plan-form\">",
                 "unitplan.street_h");
  hub_web_csrf_field(w);
  cm_html_printf(&w->h, "<label>%w<select name=\"part\"><option value=\"plan\">%w"
                        "</option><option value=\"summary\"%r>%w</option></select></label>"
                        "<label>%w<input name=\"year\" type=\"number\" value=\"%d\"></label>",
                 "unitplan.part", "plan.plans", sum ? " selected" : "", "plan.summaries",
                 "col.year", year);
  cm_html_textarea(&w->h, "goals", "unitplan.goals", v[1], 0, CM_REC_TEXT_CHARS, NULL);
  cm_html_textarea(&w->h, "activities", "unitplan.activities", v[2], 0, CM_REC_TEXT_CHARS, NULL);
  cm_html_printf(&w->h, "<label>%w<input name=\"count\" type=\"number\" min=\"0\" "
                        "value=\"%h\"></label>",
                 "unitplan.count", v[3] ? v[3] : "");
  cm_html_textarea(&w->h, "results", "unitplan.results", v[4], 0, CM_REC_TEXT_CHARS, NULL);
  cm_html_textarea(&w->h, "problems", "unitplan.problems", v[5], 0, CM_REC_TEXT_CHARS, NULL);
  cm_html_printf(&w->h, "<button type=\"submit\">%w</button></form></section>", "form.save");
}

/* Who has submitted plans and summaries in year, and the street's own form. */
static void plans_page(hub_web_req *w, int year, const cm_err *refused) {
  static const char *const keys[] = {"expected", "plans", "plans_late", "missing_plans",
                                     "summaries", "summaries_late", "missing_summaries"};
  json_t *j = NULL;
  const json_t *o;
  size_t i;
  cm_err err;
  cm_err_clear(&err);
  cm_rc rc = hub_year_plans(w->hub, year, w->hub->role == HUB_ROLE_DISTRICT ? w->s.op.street : NULL, &j,
                        &err);
  if (rc) {
    hub_web_fail_rc(w, rc, err.msg);
    goto out;
  }
  hub_web_head(w, "plan.title");
  if (refused) cm_html_printf(&w->h, "<p class=\"error\">%w%h</p>", "form.error", refused->msg);
  if (cm_http_query(w->req, "ok")) cm_html_printf(&w->h, "<p class=\"flash\">%w</p>", "eval.saved");
  cm_html_printf(&w->h, "<h1>%d%w</h1><form method=\"get\" action=\"/plans\">"
                        "<label>%w<input name=\"year\" type=\"number\" value=\"%d\"></label>"
                        "<button type=\"submit\">%w</button></form>"
                        "<p>%w%h%w%h</p>",
                 year, "plan.year_h1", "col.year", year, "col.apply", "plan.plan_due",
                 json_string_value(json_object_get(j, "plan_due")), "plan.summary_due",
                 json_string_value(json_object_get(j, "summary_due")));
  cm_html_printf(&w->h, "<table class=\"list\" id=\"plan-communities\"><tr><th>%w</th><th>%w</th>"
                        "<th>%w</th><th>%w</th><th>%w</th><th>%w</th><th>%w</th>"
                        "<th>%w</th><th>%w</th></tr>",
                 "col.street", "col.community", "col.expected", "plan.col.plans", "plan.col.late",
                 "plan.col.missing_plans", "plan.col.summaries", "plan.col.late",
                 "plan.col.missing_summaries");
  json_array_foreach(json_object_get(j, "communities"), i, o) {
    cm_html_printf(&w->h, "<tr><td>%h</td><td>%h</td>", json_string_value(json_object_get(o, "street")),
                   json_string_value(json_object_get(o, "community")));
    for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++)
      cm_html_printf(&w->h, "<td class=\"num\">%lld</td>",
                     (long long)json_integer_value(json_object_get(o, keys[k])));
    cm_html_raw(&w->h, "</tr>");
  }
  cm_html_printf(&w->h, "</table><h2>%w</h2><table class=\"list\" id=\"plan-units\">"
                        "<tr><th>%w</th><th>%w</th><th>%w</th><th>%w</th></tr>",
                 "plan.units_h", "col.street", "col.community", "plan.col.plans",
                 "plan.col.summaries");
  json_array_foreach(json_object_get(j, "units"), i, o) {
    const char *comm = json_string_value(json_object_get(o, "community"));
    cm_html_printf(&w->h, "<tr><td>%h</td><td>", json_string_value(json_object_get(o, "street")));
    if (*comm)
      cm_html_esc(&w->h, comm);
    else
      cm_html_word(&w->h, "plan.street_itself");
    cm_html_raw(&w->h, "</td>");
    static const char *const parts[][2] = {{"plan_date", "plan_record"},
                                           {"summary_date", "summary_record"}};
    for (size_t k = 0; k < 2; k++) {
      const char *d = json_string_value(json_object_get(o, parts[k][0]));
      if (*d)
        cm_html_printf(&w->h, "<td><a href=\"/plan?record=%U\">%h</a></td>",
                       json_string_value(json_object_get(o, parts[k][1])), d);
      else
        cm_html_printf(&w->h, "<td>%w</td>", "col.missing");
    }
    cm_html_raw(&w->h, "</tr>");
  }
  cm_html_printf(&w->h, "</table><h2>%w</h2>", "plan.missing_plans_h");
  org_list(w, json_object_get(j, "missing_plans"), "plan-missing", 0);
  cm_html_printf(&w->h, "<h2>%w</h2>", "plan.missing_summaries_h");
  org_list(w, json_object_get(j, "missing_summaries"), "summary-missing", 0);
  if (w->hub->role == HUB_ROLE_STREET && w->s.op.role[0] && strcmp(w->s.op.role, "viewer") != 0)
    unit_plan_form(w, year, refused != NULL);
  hub_web_foot(w);
out:
  json_decref(j);
}

/* ROUTE: GET /plans?year=YYYY */
static void page_plans(cm_http_req *req, cm_http_resp *resp, void *ctx) {
  year_page(req, resp, ctx, 0, plans_page);
}

/* ROUTE: POST /plans: the street's own plan or year-end summary. */
static void page_unit_plan_file(cm_http_req *req, cm_http_resp *resp, void *ctx) {
  hub_web_req w;
  int year = 0;
  char record[PROTO_KEY_HEX + 24] = "", loc[64];
  cm_err err;
  cm_err_clear(&err);
  if (!hub_web_begin(&w, req, resp, ctx, HUB_WEB_WRITE)) return;
  const char *part = cm_http_form(req, "part", 0), *count = cm_http_form(req, "count", 0);
  int sum = part && !strcmp(part, "summary");
  cm_rc rc = hub_year_parse(cm_http_form(req, "year", 0), 0, &year, &err);
  if (!rc && ((!count || !*count) ? sum : strspn(count, "0123456789") != strlen(count) || strlen(count) > 6))
    rc = cm_errf(&err, CM_ERR_INVALID, "「活动次数」应为非负整数%s", sum ? "（总结必填）" : "");
  if (!rc)
    rc = hub_year_unit_plan_file(w.hub, sum, year,
                                 cm_http_form(req, sum ? "results" : "goals", 0),
                                 cm_http_form(req, sum ? "problems" : "activities", 0),
                                 count && *count ? atoll(count) : 0, record, sizeof record, &err);
  if (rc == CM_ERR_INVALID || rc == CM_ERR_PERM) {
    int shown = year;
    if (!shown) year_of(req, 0, &shown, NULL);
    hub_web_status(&w, cm_rc_http_status(rc));
    plans_page(&w, shown, &err);
  } else if (rc) {
    hub_web_fail_rc(&w, rc, err.msg);
  } else {
    hub_web_audit(&w, sum ? "summary" : "plan", record, "");
    snprintf(loc, sizeof loc, "/plans?year=%d&ok=1", year);
    hub_web_redirect(&w, loc);
  }
  hub_web_end(&w);
}

/* ROUTE: GET /plan?record=HEX/SEQ: a community's or street's own plan or
 * year-end summary, printable. */
static void page_unit_plan(cm_http_req *req, cm_http_resp *resp, void *ctx) {
  hub_web_req w;
  json_t *e = NULL;
  cm_err err;
  cm_err_clear(&err);
  if (!hub_web_begin(&w, req, resp, ctx, HUB_WEB_LOGIN)) return;
  const char *rec = cm_http_query(req, "record");
  const char *slash = rec ? strchr(rec, '/') : NULL;
  char hex[PROTO_KEY_HEX];
  cm_rc rc = CM_OK;
  if (!slash || slash - rec != PROTO_KEY_HEX - 1 || atoll(slash + 1) < 1) {
    hub_web_fail_rc(&w, CM_ERR_INVALID, "记录编号不对");
    goto out;
  }
  snprintf(hex, sizeof hex, "%.*s", (int)(slash - rec), rec);
  pthread_mutex_lock(&w.hub->lock);
  rc = hub_store_unit_plan_get(w.hub->store, hex, atoll(slash + 1), &e, &err);
  pthread_mutex_unlock(&w.hub->lock);
  if (!rc && !e) rc = cm_errf(&err, CM_ERR_NOT_FOUND, "没有这份计划或总结");
  if (rc) {
    hub_web_fail_rc(&w, rc, err.msg);
    goto out;
  }
  const json_t *b = json_object_get(e, "body");
  int summary = !strcmp(json_string_value(json_object_get(e, "kind")), "summary.unit");
  char day[11];
  cm_date_of((uint64_t)json_integer_value(json_object_get(e, "time_ms")), day);
  hub_web_head(&w, "unitplan.title");
  cm_html_printf(&w.h, "<article class=\"sheet\" id=\"unit-plan\"><h1>%h %lld%w</h1>"
                       "<p>%w%h <button onclick=\"window.print()\">%w</button></p><dl>",
                 json_string_value(json_object_get(e, "author")),
                 (long long)json_integer_value(json_object_get(b, "year")),
                 summary ? "unitplan.year_summary" : "unitplan.year_plan", "unitplan.sent_on", day,
                 "plan.print");
  if (summary)
    cm_html_printf(&w.h, "<dt>%w</dt><dd>%h</dd><dt>%w</dt><dd>%h</dd>"
                         "<dt>%w</dt><dd>%lld</dd>",
                   "summary.results", json_string_value(json_object_get(b, "results")),
                   "insp.problems", json_string_value(json_object_get(b, "problems")),
                   "summary.count", (long long)json_integer_value(json_object_get(b, "activities_held")));
  else
    cm_html_printf(&w.h, "<dt>%w</dt><dd>%h</dd><dt>%w</dt><dd>%h</dd>"
                         "<dt>%w</dt><dd>%lld</dd>",
                   "plan.goals", json_string_value(json_object_get(b, "goals")),
                   "plan.activities", json_string_value(json_object_get(b, "activities")),
                   "plan.count", (long long)json_integer_value(json_object_get(b, "planned_count")));
  cm_html_raw(&w.h, "</dl></article>");
  hub_web_foot(&w);
out:
  json_decref(e);
  hub_web_end(&w);
}

/* The form that records a training; after a refusal (keep) it holds what was typed. */
static void training_form(hub_web_req *w, int keep) {
  static const char *const f[] = {"date", "topic", "organiser", "orgs", "content"};
  const char *v[5];
  for (size_t i = 0; i < 5; i++) v[i] = keep ? cm_http_form(w->req, f[i], 0) : NULL;
  cm_html_printf(&w->h, "<section class=\"card\"><h2>%w</h2>"
                        "<form method=\"post\" action=\"/trainings\" id=\"train-form\">",
                 "train.form_h");
  hub_web_csrf_field(w);
  cm_html_printf(&w->h, "<label>%w<input type=\"date\" name=\"date\" required value=\"%h\">"
                        "</label><label>%w<input name=\"topic\" maxlength=\"200\" required "
                        "value=\"%h\"></label><label>%w<input name=\"organiser\" "
                        "maxlength=\"200\" required value=\"%h\"></label>",
                 "train.date", v[0] ? v[0] : "", "train.topic", v[1] ? v[1] : "",
                 "train.organiser", v[2] ? v[2] : "");
  cm_html_textarea(&w->h, "orgs", "train.orgs", v[3], 1, CM_REC_TRAINING_ORGS_CHARS, NULL);
  cm_html_textarea(&w->h, "content", "train.content", v[4], 0, CM_REC_TEXT_CHARS, NULL);
  cm_html_printf(&w->h, "<button type=\"submit\">%w</button></form></section>", "form.save");
}

/* Who issued notice or training row o, in words: this hub, the district (a
 * notice or training a street relayed), or the street hub that issued it. */
static void notice_by(hub_web_req *w, const json_t *o) {
  const char *by = json_string_value(json_object_get(o, "by"));
  if (json_integer_value(json_object_get(o, "own")))
    cm_html_word(&w->h, "notice.own");
  else if (json_integer_value(json_object_get(o, "relayed")) && (!by || !*by))
    cm_html_word(&w->h, "notice.from_district");
  else
    cm_html_esc(&w->h, by ? by : "");
}

/* The year's trainings and each organisation's count, with the form. */
static void trainings_page(hub_web_req *w, int year, const cm_err *refused) {
  json_t *j = NULL;
  const json_t *o;
  size_t i;
  cm_err err;
  cm_err_clear(&err);
  cm_rc rc = hub_year_trainings(w->hub, year,
                                w->hub->role == HUB_ROLE_DISTRICT ? w->s.op.street : NULL, &j, &err);
  if (rc) {
    hub_web_fail_rc(w, rc, err.msg);
    return;
  }
  hub_web_head(w, "train.title");
  cm_html_printf(&w->h, "<h1>%d%w</h1>", year, "train.year_h1");
  if (refused) cm_html_printf(&w->h, "<p class=\"error\">%w%h</p>", "form.error", refused->msg);
  if (cm_http_query(w->req, "ok")) cm_html_printf(&w->h, "<p class=\"flash\">%w</p>", "train.ok");
  cm_html_printf(&w->h, "<form method=\"get\" action=\"/trainings\">"
                        "<label>%w<input name=\"year\" type=\"number\" value=\"%d\"></label>"
                        "<button type=\"submit\">%w</button> <a href=\"/api/v1/dashboard/"
                        "trainings.csv?year=%d\">%w</a> <a href=\"/api/v1/dashboard/"
                        "trainings.xlsx?year=%d\">%w</a></form>",
                 "col.year", year, "col.apply", year, "col.csv", year, "dash.xlsx");
  cm_html_printf(&w->h, "<table class=\"list\" id=\"train-list\"><tr><th>%w</th><th>%w</th>"
                        "<th>%w</th><th>%w</th><th>%w</th></tr>",
                 "col.date", "train.col.topic", "train.organiser", "train.col.by",
                 "train.col.attended");
  json_array_foreach(json_object_get(j, "trainings"), i, o) {
    cm_html_printf(&w->h, "<tr><td>%h</td><td>%h</td><td>%h</td><td>",
                   json_string_value(json_object_get(o, "date")),
                   json_string_value(json_object_get(o, "topic")),
                   json_string_value(json_object_get(o, "organiser")));
    notice_by(w, o);
    cm_html_printf(&w->h, "</td><td class=\"num\">%lld</td></tr>",
                   (long long)json_integer_value(json_object_get(o, "attended")));
  }
  cm_html_printf(&w->h, "</table><h2>%w</h2><table class=\"list\" id=\"train-orgs\"><tr>"
                        "<th>%w</th><th>%w</th><th>%w</th><th>%w</th><th>%w</th></tr>",
                 "train.orgs_h", "col.street", "col.community", "col.id", "org.name",
                 "train.col.count");
  json_array_foreach(json_object_get(j, "organisations"), i, o)
    cm_html_printf(&w->h, "<tr><td>%h</td><td>%h</td><td>%h</td><td>%h</td><td class=\"num\">%lld</td></tr>",
                   json_string_value(json_object_get(o, "street")),
                   json_string_value(json_object_get(o, "community")),
                   json_string_value(json_object_get(o, "org")),
                   json_string_value(json_object_get(o, "name")),
                   (long long)json_integer_value(json_object_get(o, "trainings")));
  cm_html_raw(&w->h, "</table>");
  if (w->s.op.role[0] && strcmp(w->s.op.role, "viewer") != 0) training_form(w, refused != NULL);
  hub_web_foot(w);
  json_decref(j);
}

/* ROUTE: GET /trainings?year=YYYY */
static void page_trainings(cm_http_req *req, cm_http_resp *resp, void *ctx) {
  year_page(req, resp, ctx, 0, trainings_page);
}

/* ROUTE: POST /trainings: record a training (date, topic, organiser, orgs, content). */
static void page_training_record(cm_http_req *req, cm_http_resp *resp, void *ctx) {
  hub_web_req w;
  char record[PROTO_KEY_HEX + 24] = "", loc[64];
  json_t *orgs = json_array();
  cm_err err;
  cm_err_clear(&err);
  if (!hub_web_begin(&w, req, resp, ctx, HUB_WEB_WRITE)) {
    json_decref(orgs);
    return;
  }
  const char *date = cm_http_form(req, "date", 0), *list = cm_http_form(req, "orgs", 0);
  cm_rc rc = orgs ? CM_OK : cm_errf(&err, CM_ERR_NOMEM, "内存不足");
  /* Filing numbers separated by commas (either width), spaces or lines. */
  for (const char *p = list ? list : ""; !rc && *p;) {
    size_t skip = strspn(p, " ,\t\r\n");
    if (!skip && !strncmp(p, "，", 3)) skip = 3;
    if (skip) {
      p += skip;
      continue;
    }
    size_t n = strcspn(p, " ,\t\r\n");
    const char *wide = strstr(p, "，");
    if (wide && (size_t)(wide - p) < n) n = (size_t)(wide - p);
    if (json_array_append_new(orgs, json_stringn(p, n))) rc = cm_errf(&err, CM_ERR_NOMEM, "内存不足");
    p += n;
  }
  if (!rc)
    rc = hub_year_training_record(w.hub, date, cm_http_form(req, "topic", 0),
                                  cm_http_form(req, "organiser", 0), cm_http_form(req, "content", 0),
                                  orgs, record, sizeof record, &err);
  int year = date && strlen(date) >= 4 ? atoi(date) : 0;
  if (year < 2000 && year_of(req, 0, &year, NULL)) year = 2000;
  if (rc == CM_ERR_INVALID || rc == CM_ERR_NOT_FOUND || rc == CM_ERR_PERM) {
    hub_web_status(&w, cm_rc_http_status(rc));
    trainings_page(&w, year, &err);
  } else if (rc) {
    hub_web_fail_rc(&w, rc, err.msg);
  } else {
    hub_web_audit(&w, "training", record, cm_http_form(req, "topic", 0));
    snprintf(loc, sizeof loc, "/trainings?year=%d&ok=1", year);
    hub_web_redirect(&w, loc);
  }
  json_decref(orgs);
  hub_web_end(&w);
}

/* The form that sends a notice; a district chooses the whole district or one
 * street, a street sends to its own communities. */
static void notice_form(hub_web_req *w, int keep) {
  const char *t = keep ? cm_http_form(w->req, "title", 0) : NULL;
  const char *x = keep ? cm_http_form(w->req, "text", 0) : NULL;
  const char *st = keep ? cm_http_form(w->req, "street", 0) : NULL;
  cm_html_printf(&w->h, "<section class=\"card\"><h2>%w</h2>"
                        "<form method=\"post\" action=\"/notices\" id=\"notice-form\">",
                 "notice.send_h");
  hub_web_csrf_field(w);
  if (w->hub->role == HUB_ROLE_DISTRICT && !w->s.op.street[0])
    cm_html_printf(&w->h, "<label>%w<select name=\"to\"><option value=\"district\">%w"
                          "</option><option value=\"street\"%r>%w</option></select>"
                          "</label><label>%w<input name=\"street\" "
                          "maxlength=\"200\" value=\"%h\"></label>",
                   "notice.to", "notice.to_district", st && *st ? " selected" : "",
                   "notice.to_street", "notice.street_name", st ? st : "");
  else
    cm_html_printf(&w->h, "<input type=\"hidden\" name=\"to\" value=\"street\">"
                          "<input type=\"hidden\" name=\"street\" value=\"%h\">"
                          "<p>%w</p>",
                   w->hub->role == HUB_ROLE_DISTRICT ? w->s.op.street : w->hub->name,
                   "notice.to_own_street");
  cm_html_printf(&w->h, "<label class=\"wide\">%w<input name=\"title\" maxlength=\"200\" "
                        "required value=\"%h\"></label><label class=\"wide\">%w<textarea "
                        "name=\"text\" maxlength=\"4000\" required>%h</textarea></label>"
                        "<button type=\"submit\">%w</button></form></section>",
                 "notice.col.title", t ? t : "", "notice.col.text", x ? x : "", "notice.send");
}

/* The notices sent here (at a street also the district's it relayed), how
 * many read each; for one (notice), which communities have read it. */
static void notices_page(hub_web_req *w, const char *one, const cm_err *refused) {
  json_t *j = NULL;
  const json_t *o;
  size_t i;
  cm_err err;
  cm_err_clear(&err);
  cm_rc rc = hub_year_notices(w->hub, w->hub->role == HUB_ROLE_DISTRICT ? w->s.op.street : NULL,
                              one && *one ? one : NULL, &j, &err);
  if (rc) {
    hub_web_fail_rc(w, rc, err.msg);
    goto out;
  }
  hub_web_head(w, "notice.title");
  if (refused) cm_html_printf(&w->h, "<p class=\"error\">%w%h</p>", "notice.not_sent", refused->msg);
  if (cm_http_query(w->req, "ok")) cm_html_printf(&w->h, "<p class=\"flash\">%w</p>", "notice.sent_ok");
  const json_t *n = json_object_get(j, "notice");
  if (n) {
    cm_html_printf(&w->h, "<h1>%h</h1><p>%h</p><p>%w%h</p>"
                          "<table class=\"list\" id=\"notice-reads\"><tr><th>%w</th><th>%w</th>"
                          "<th>%w</th></tr>",
                   json_string_value(json_object_get(n, "title")),
                   json_string_value(json_object_get(n, "text")), "notice.sent_on",
                   json_string_value(json_object_get(n, "date")), "col.street", "col.community",
                   "notice.is_read");
    json_array_foreach(json_object_get(j, "reads"), i, o) {
      const char *d = json_string_value(json_object_get(o, "read_date"));
      cm_html_printf(&w->h, "<tr><td>%h</td><td>%h</td><td>", json_string_value(json_object_get(o, "street")),
                     json_string_value(json_object_get(o, "community")));
      if (*d)
        cm_html_esc(&w->h, d);
      else
        cm_html_word(&w->h, "notice.unread");
      cm_html_raw(&w->h, "</td></tr>");
    }
    cm_html_printf(&w->h, "</table><p><a href=\"/notices\">%w</a></p>", "notice.all");
  } else {
    cm_html_printf(&w->h, "<h1>%w</h1><table class=\"list\" id=\"notice-list\"><tr><th>%w</th>"
                          "<th>%w</th><th>%w</th><th>%w</th><th>%w</th><th>%w</th></tr>",
                   "notice.title", "notice.col.sent", "notice.col.title", "col.scope",
                   "notice.col.from", "col.communities", "notice.is_read");
    json_array_foreach(json_object_get(j, "notices"), i, o) {
      int district = !strcmp(json_string_value(json_object_get(o, "scope")), "district");
      cm_html_printf(&w->h, "<tr data-record=\"%h\"><td>%h</td><td><a href=\"/notices?notice=%U\">"
                            "%h</a></td><td>",
                     json_string_value(json_object_get(o, "record")),
                     json_string_value(json_object_get(o, "date")),
                     json_string_value(json_object_get(o, "record")),
                     json_string_value(json_object_get(o, "title")));
      if (district)
        cm_html_word(&w->h, "col.district");
      else
        cm_html_esc(&w->h, json_string_value(json_object_get(o, "street")));
      cm_html_raw(&w->h, "</td><td class=\"by\">");
      notice_by(w, o);
      cm_html_printf(&w->h, "</td><td class=\"num\">%lld</td><td class=\"num\">%lld</td></tr>",
                     (long long)json_integer_value(json_object_get(o, "recipients")),
                     (long long)json_integer_value(json_object_get(o, "read")));
    }
    cm_html_raw(&w->h, "</table>");
    if (w->s.op.role[0] && strcmp(w->s.op.role, "viewer") != 0) notice_form(w, refused != NULL);
  }
  hub_web_foot(w);
out:
  json_decref(j);
}

/* ROUTE: GET /notices[?notice=RECORD] */
static void page_notices(cm_http_req *req, cm_http_resp *resp, void *ctx) {
  hub_web_req w;
  if (!hub_web_begin(&w, req, resp, ctx, HUB_WEB_LOGIN)) return;
  notices_page(&w, cm_http_query(req, "notice"), NULL);
  hub_web_end(&w);
}

/* ROUTE: POST /notices: send a notice (to, street, title, text). */
static void page_notice_send(cm_http_req *req, cm_http_resp *resp, void *ctx) {
  hub_web_req w;
  char record[PROTO_KEY_HEX + 24] = "";
  size_t n = 0;
  cm_err err;
  cm_err_clear(&err);
  if (!hub_web_begin(&w, req, resp, ctx, HUB_WEB_WRITE)) return;
  const char *to = cm_http_form(req, "to", 0), *street = cm_http_form(req, "street", 0);
  /* An operator bound to one street notifies that street only. */
  if (w.hub->role == HUB_ROLE_DISTRICT && w.s.op.street[0]) {
    to = "street";
    street = w.s.op.street;
  }
  cm_rc rc = hub_year_notice_send(w.hub, to, street, cm_http_form(req, "title", 0),
                                  cm_http_form(req, "text", 0), record, sizeof record, &n, &err);
  if (rc == CM_ERR_INVALID || rc == CM_ERR_NOT_FOUND || rc == CM_ERR_PERM) {
    hub_web_status(&w, cm_rc_http_status(rc));
    notices_page(&w, NULL, &err);
  } else if (rc) {
    hub_web_fail_rc(&w, rc, err.msg);
  } else {
    hub_web_audit(&w, "notice", record, cm_http_form(req, "title", 0));
    hub_web_redirect(&w, "/notices?ok=1");
  }
  hub_web_end(&w);
}

const cm_http_route hub_web_year_routes[] = {
    {"GET", "/plan", page_unit_plan, "a community's or street's own plan or summary, printable"},
    {"GET", "/trainings", page_trainings, "trainings of a year and each organisation's count"},
    {"GET", "/notices", page_notices, "notices sent and which communities have read them"},
    {"POST", "/notices", page_notice_send, "send a notice to every community of the district or a street"},
    {"POST", "/trainings", page_training_record, "record a training and the organisations that attended"},
    {"GET", "/plans", page_plans, "plans and year-end summaries: who has submitted them"},
    {"POST", "/plans", page_unit_plan_file, "the street's own plan or year-end summary"},
    {"GET", "/inspections", page_progress, "annual inspection: progress, missing, result form"},
    {"POST", "/inspections", page_result, "record the result of an annual inspection"},
    {"POST", "/inspections/self", page_self_report,
     "a street-level organisation's annual self-report (street)"},
    {"GET", "/api/v1/dashboard/inspections", api_json,
     "annual inspection progress (?year=YYYY); operator login"},
    {"GET", "/api/v1/dashboard/plans", api_plans,
     "plans and year-end summaries: who has submitted (?year=YYYY); operator login"},
    {"GET", "/api/v1/dashboard/inspections.csv", api_csv,
     "annual inspection, one organisation a row, as CSV (?year=YYYY)"},
    {"GET", "/api/v1/dashboard/inspections.xlsx", api_xlsx,
     "annual inspection, one organisation a row, as Excel (?year=YYYY)"},
    {"GET", "/api/v1/dashboard/plans.csv", api_plans_csv,
     "plans and year-end summaries, organisations then communities and streets, as CSV"},
    {"GET", "/api/v1/dashboard/plans.xlsx", api_plans_xlsx,
     "plans and year-end summaries, organisations then communities and streets, as Excel"},
    {"GET", "/api/v1/dashboard/trainings", api_trainings,
     "trainings of a year and each organisation's count (?year=YYYY); operator login"},
    {"GET", "/api/v1/dashboard/trainings.csv", api_trainings_csv,
     "each organisation's trainings in a year as CSV (?year=YYYY)"},
    {"GET", "/api/v1/dashboard/trainings.xlsx", api_trainings_xlsx,
     "each organisation's trainings in a year as Excel (?year=YYYY)"},
    {"GET", "/api/v1/dashboard/notices", api_notices,
     "notices sent and who has read them (?notice=RECORD for one); operator login"},
};
const size_t hub_web_year_nroutes = sizeof hub_web_year_routes / sizeof hub_web_year_routes[0];
