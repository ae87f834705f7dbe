/* web_year.c - the staff page's annual inspection (年检): the self-report
 * form, and the list of self-reports beside the street's results.  The form
 * calls the same records API as `linli-node inspection file`, so a refused
 * form comes back with the same message and everything the staff typed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "records.h"
#include "store.h"
#include "web_app.h"
#include "year.h"

static const char *const k_opinions[][2] = {
    {"agree", "insp.opinion.agree"}, {"rectify", "insp.opinion.rectify"},
    {"disagree", "insp.opinion.disagree"}};
static const char *const k_results[][2] = {
    {"pass", "insp.result.pass"}, {"rectify", "insp.result.rectify"}, {"fail", "insp.result.fail"}};

/* The glossary word for value in a {value, key} table (value itself if none). */
static const char *word_of(node_web_rq *rq, const char *const (*t)[2], size_t n, const char *v) {
  for (size_t i = 0; i < n; i++)
    if (!strcmp(t[i][0], v)) return cm_i18n_t(rq->lang, t[i][1]);
  return v;
}

/* Fen as yuan with two decimals. */
static void yuan_text(long long fen, char out[32]) {
  snprintf(out, 32, "%lld.%02lld", fen / 100, fen % 100);
}

/* The start of a form about one organisation: the page with its title, the
 * error e (may be NULL) on top, the form posting to action, and the choice of
 * an active organisation (org preselected). */
void node_web_org_form_begin(node_web_rq *rq, const char *title, const char *nav,
                             const char *action, const char *org, const cm_err *e) {
  json_t *orgs = NULL;
  const json_t *o;
  size_t i;
  (void)node_org_list(node_web_db(rq), &orgs, NULL);
  node_web_page_begin(rq, title, nav);
  cm_html_printf(&rq->h, "<h1>%w</h1>", title);
  if (e) {
    char part[sizeof e->msg];
    cm_i18n_msg_part(rq->lang, e->msg[0] ? e->msg : cm_strerror(e->rc), part, sizeof part);
    cm_html_msg(&rq->h, "error", "form.error", part);
  }
  node_web_form_begin_files(rq, action);
  cm_html_select_begin(&rq->h, "org", "rep.org", 1);
  cm_html_option(&rq->h, "", cm_i18n_t(rq->lang, "form.choose"), !org || !*org);
  json_array_foreach(orgs, i, o) {
    char label[600];
    const char *id = node_web_js(o, "id");
    if (strcmp(node_web_js(o, "status"), "active") != 0) continue;
    snprintf(label, sizeof label, "%s  %s", id, node_web_js(o, "name"));
    cm_html_option(&rq->h, id, label, org && !strcmp(org, id));
  }
  cm_html_select_end(&rq->h, NULL);
  json_decref(orgs);
}

static void insp_form(node_web_rq *rq, const node_inspection_input *in, const cm_err *e,
                      int status) {
  size_t i;
  node_web_org_form_begin(rq, "insp.new", "nav.inspection", "/inspections", in->org, e);
  cm_html_input(&rq->h, "number", "year", "insp.year", in->year, 1, "min=\"2000\" max=\"9999\"",
                "insp.year_hint");
  cm_html_input(&rq->h, "number", "activities", "insp.activities", in->activities, 1, "min=\"0\"",
                NULL);
  cm_html_input(&rq->h, "number", "members", "insp.members", in->members, 1, "min=\"0\"", NULL);
  cm_html_input(&rq->h, "number", "joined", "insp.joined", in->joined, 0, "min=\"0\"", NULL);
  cm_html_input(&rq->h, "number", "left", "insp.left", in->left, 0, "min=\"0\"", NULL);
  cm_html_input(&rq->h, "number", "party_members", "insp.party_members", in->party_members, 1,
                "min=\"0\"", NULL);
  cm_html_input(&rq->h, "text", "funds_received", "insp.funds_received", in->funds_received, 1,
                CM_HTML_YUAN_ATTR, "insp.yuan_hint");
  cm_html_input(&rq->h, "text", "funds_used", "insp.funds_used", in->funds_used, 1,
                CM_HTML_YUAN_ATTR, NULL);
  cm_html_textarea(&rq->h, "problems", "insp.problems", in->problems, 0, NODE_WEB_TEXT_MAX, NULL);
  cm_html_textarea(&rq->h, "plans", "insp.plans", in->plans, 0, NODE_WEB_TEXT_MAX, NULL);
  cm_html_select_begin(&rq->h, "opinion", "insp.opinion", 1);
  cm_html_option(&rq->h, "", cm_i18n_t(rq->lang, "form.choose"), !in->opinion || !*in->opinion);
  for (i = 0; i < 3; i++)
    cm_html_option(&rq->h, k_opinions[i][0], cm_i18n_t(rq->lang, k_opinions[i][1]),
                   in->opinion && !strcmp(in->opinion, k_opinions[i][0]));
  cm_html_select_end(&rq->h, NULL);
  cm_html_textarea(&rq->h, "opinion_text", "insp.opinion_text", in->opinion_text, 0,
                   NODE_WEB_TEXT_MAX, "insp.opinion_text_hint");
  node_web_attach_inputs(rq);
  node_web_form_end(rq, "form.submit");
  node_web_page_end(rq);
  node_web_end(rq, status);
}

void node_web_h_insp_new(cm_http_req *req, cm_http_resp *resp, void *ctx) {
  node_web_rq rq;
  node_inspection_input in;
  if (!node_web_begin(&rq, req, resp, ctx)) return;
  memset(&in, 0, sizeof in);
  in.org = cm_http_query(req, "org");
  insp_form(&rq, &in, NULL, 200);
}

void node_web_h_insp_file(cm_http_req *req, cm_http_resp *resp, void *ctx) {
  node_web_rq rq;
  node_inspection_input in;
  char rec[NODE_RECORD_ID_MAX];
  cm_err e;
  if (!node_web_begin(&rq, req, resp, ctx)) return;
  cm_err_clear(&e);
  in.org = cm_http_form(req, "org", 0);
  in.year = cm_http_form(req, "year", 0);
  in.activities = cm_http_form(req, "activities", 0);
  in.members = cm_http_form(req, "members", 0);
  in.joined = cm_http_form(req, "joined", 0);
  in.left = cm_http_form(req, "left", 0);
  in.party_members = cm_http_form(req, "party_members", 0);
  in.funds_received = cm_http_form(req, "funds_received", 0);
  in.funds_used = cm_http_form(req, "funds_used", 0);
  in.problems = cm_http_form(req, "problems", 0);
  in.plans = cm_http_form(req, "plans", 0);
  in.opinion = cm_http_form(req, "opinion", 0);
  in.opinion_text = cm_http_form(req, "opinion_text", 0);
  cm_rc rc = node_web_attach_precheck(&rq, &e);
  if (!rc) rc = node_inspection_file(node_web_db(&rq), &in, rec, &e);
  if (rc) {
    insp_form(&rq, &in, &e, cm_rc_http_status(rc));
    return;
  }
  rc = node_web_attach_to(&rq, in.org, rec, &e);
  if (rc) {
    node_web_org_page(&rq, in.org, NULL, NULL, &e, cm_rc_http_status(rc));
    return;
  }
  node_web_redirect(&rq, "/inspections?ok=1");
}

void node_web_h_insp_list(cm_http_req *req, cm_http_resp *resp, void *ctx) {
  node_web_rq rq;
  json_t *list = NULL;
  const json_t *o;
  size_t i;
  cm_err e;
  if (!node_web_begin(&rq, req, resp, ctx)) return;
  cm_err_clear(&e);
  cm_rc rc = node_inspection_list(node_web_db(&rq), &list, &e);
  node_web_page_begin(&rq, "insp.title", "nav.inspection");
  cm_html_printf(&rq.h, "<h1>%w</h1>", "insp.title");
  if (rc) {
    cm_html_msg(&rq.h, "error", "form.error", e.msg);
    goto end;
  }
  if (cm_http_query(req, "ok")) cm_html_msg(&rq.h, "ok", "insp.ok", "");
  cm_html_printf(&rq.h, "<p><a class=\"button\" href=\"/inspections/new\">%w</a></p>", "insp.new");
  cm_html_printf(&rq.h, "<h2>%w</h2>", "insp.results");
  if (json_array_size(json_object_get(list, "results")) == 0)
    cm_html_printf(&rq.h, "<p class=\"muted\">%w</p>", "insp.no_results");
  else
    cm_html_printf(&rq.h, "<table id=\"insp-results\"><tr><th>%w</th><th>%w</th><th>%w</th>"
                          "<th>%w</th><th>%w</th><th>%w</th></tr>",
                   "insp.year", "rep.org", "insp.result", "insp.deadline", "insp.reason",
                   "insp.rectified");
  json_array_foreach(json_object_get(list, "results"), i, o) {
    const char *res = node_web_js(o, "result");
    int open = !strcmp(res, "rectify") && !json_is_true(json_object_get(o, "closed"));
    cm_html_printf(&rq.h, "<tr><td>%lld</td><td>%h</td><td class=\"result-%h\">%h</td><td>%h</td>"
                          "<td>%h</td><td>",
                   node_web_ji(o, "year"), node_web_js(o, "org"), res,
                   word_of(&rq, k_results, 3, res), node_web_js(o, "deadline"),
                   node_web_js(o, "reason"));
    if (open)
      cm_html_printf(&rq.h, "<a href=\"/rectifications/new?org=%U&amp;decision=%U\">%w</a>",
                     node_web_js(o, "org"), node_web_js(o, "record"), "insp.rectify_now");
    else if (!strcmp(res, "rectify"))
      cm_html_printf(&rq.h, "%w", "yes");
    cm_html_raw(&rq.h, "</td></tr>");
  }
  if (json_array_size(json_object_get(list, "results")) > 0) cm_html_raw(&rq.h, "</table>");
  cm_html_printf(&rq.h, "<h2>%w</h2>", "insp.reports");
  if (json_array_size(json_object_get(list, "reports")) == 0) {
    cm_html_printf(&rq.h, "<p class=\"muted\">%w</p>", "insp.no_reports");
    goto end;
  }
  cm_html_printf(&rq.h, "<table id=\"insp-reports\"><tr><th>%w</th><th>%w</th><th>%w</th><th>%w</th>"
                        "<th>%w</th><th>%w</th><th>%w</th><th>%w</th><th>%w</th></tr>",
                 "insp.year", "rep.org", "insp.activities", "insp.members", "insp.party_members",
                 "insp.funds_received", "insp.funds_used", "insp.opinion", "insp.written");
  json_array_foreach(json_object_get(list, "reports"), i, o) {
    char in_y[32], out_y[32];
    yuan_text(node_web_ji(o, "funds_received"), in_y);
    yuan_text(node_web_ji(o, "funds_used"), out_y);
    cm_html_printf(&rq.h, "<tr><td>%lld</td><td>%h</td><td class=\"num\">%lld</td>"
                          "<td class=\"num\">%lld</td><td class=\"num\">%lld</td>"
                          "<td class=\"num\">%h</td><td class=\"num\">%h</td><td>%h</td><td>",
                   node_web_ji(o, "year"), node_web_js(o, "org"), node_web_ji(o, "activities"),
                   node_web_ji(o, "members"), node_web_ji(o, "party_members"), in_y, out_y,
                   word_of(&rq, k_opinions, 3, node_web_js(o, "opinion")));
    cm_html_time(&rq.h, (uint64_t)node_web_ji(o, "time_ms"));
    cm_html_raw(&rq.h, "</td></tr>");
  }
  cm_html_raw(&rq.h, "</table>");
end:
  node_web_page_end(&rq);
  node_web_end(&rq, rc ? 500 : 200);
  json_decref(list);
}

/* ---- plans and year-end summaries (计划总结) ---- */

static void plan_form(node_web_rq *rq, const node_plan_input *in, const cm_err *e, int status) {
  const char *title = in->summary ? "summary.new" : "plan.new";
  json_t *orgs = NULL;
  const json_t *o;
  size_t i;
  cm_err le;
  cm_err_clear(&le);
  (void)node_org_list(node_web_db(rq), &orgs, &le);
  node_web_page_begin(rq, title, "nav.plan");
  cm_html_printf(&rq->h, "<h1>%w</h1>", title);
  if (e) node_web_refusal(rq, e);
  node_web_form_begin_files(rq, "/plans");
  cm_html_printf(&rq->h, "<input type=\"hidden\" name=\"part\" value=\"%r\">",
                 in->summary ? "summary" : "plan");
  cm_html_select_begin(&rq->h, "org", "rep.org", 1);
  cm_html_option(&rq->h, "", cm_i18n_t(rq->lang, "form.choose"),
                 (!in->org || !*in->org) && !in->unit);
  /* The community's own plan or summary, beside its organisations'. */
  cm_html_option(&rq->h, "community", cm_i18n_t(rq->lang, "plan.community"), in->unit);
  json_array_foreach(orgs, i, o) {
    char label[600];
    const char *id = node_web_js(o, "id");
    if (strcmp(node_web_js(o, "status"), "active") != 0) continue;
    snprintf(label, sizeof label, "%s  %s", id, node_web_js(o, "name"));
    cm_html_option(&rq->h, id, label, in->org && !strcmp(in->org, id));
  }
  cm_html_select_end(&rq->h, NULL);
  cm_html_input(&rq->h, "number", "year", "insp.year", in->year, 1, "min=\"2000\" max=\"9999\"",
                NULL);
  if (in->summary) {
    cm_html_textarea(&rq->h, "results", "summary.results", in->results, 1, NODE_WEB_TEXT_MAX, NULL);
    cm_html_input(&rq->h, "number", "count", "summary.count", in->count, 1, "min=\"0\"", NULL);
    cm_html_textarea(&rq->h, "problems", "insp.problems", in->problems, 0, NODE_WEB_TEXT_MAX, NULL);
  } else {
    cm_html_textarea(&rq->h, "goals", "plan.goals", in->goals, 1, NODE_WEB_TEXT_MAX, NULL);
    cm_html_textarea(&rq->h, "activities", "plan.activities", in->activities, 1,
                     NODE_WEB_TEXT_MAX, NULL);
    cm_html_input(&rq->h, "number", "count", "plan.count", in->count, 0, "min=\"0\"", NULL);
  }
  node_web_attach_inputs(rq);
  node_web_form_end(rq, "form.submit");
  node_web_page_end(rq);
  node_web_end(rq, status);
  json_decref(orgs);
}

void node_web_h_plan_new(cm_http_req *req, cm_http_resp *resp, void *ctx) {
  node_web_rq rq;
  node_plan_input in;
  if (!node_web_begin(&rq, req, resp, ctx)) return;
  memset(&in, 0, sizeof in);
  const char *part = cm_http_query(req, "part");
  in.summary = part && !strcmp(part, "summary");
  in.org = cm_http_query(req, "org");
  plan_form(&rq, &in, NULL, 200);
}

void node_web_h_plan_file(cm_http_req *req, cm_http_resp *resp, void *ctx) {
  node_web_rq rq;
  node_plan_input in;
  char rec[NODE_RECORD_ID_MAX];
  cm_err e;
  if (!node_web_begin(&rq, req, resp, ctx)) return;
  cm_err_clear(&e);
  const char *part = cm_http_form(req, "part", 0);
  in.summary = part && !strcmp(part, "summary");
  in.org = cm_http_form(req, "org", 0);
  in.unit = in.org && !strcmp(in.org, "community");
  if (in.unit) in.org = NULL;
  in.year = cm_http_form(req, "year", 0);
  in.goals = cm_http_form(req, "goals", 0);
  in.activities = cm_http_form(req, "activities", 0);
  in.count = cm_http_form(req, "count", 0);
  in.results = cm_http_form(req, "results", 0);
  in.problems = cm_http_form(req, "problems", 0);
  cm_rc rc = node_web_attach_precheck(&rq, &e);
  if (!rc) rc = node_plan_file(node_web_db(&rq), &in, rec, &e);
  if (rc) {
    plan_form(&rq, &in, &e, cm_rc_http_status(rc));
    return;
  }
  rc = node_web_attach_to(&rq, in.org, rec, &e);
  if (rc) {
    node_web_org_page(&rq, in.org, NULL, NULL, &e, cm_rc_http_status(rc));
    return;
  }
  node_web_redirect(&rq, "/plans?ok=1");
}

/* Both lists: organisation, year, when, and a link to the printable page. */
void node_web_h_plan_list(cm_http_req *req, cm_http_resp *resp, void *ctx) {
  static const char *const parts[][2] = {{"plans", "plan.plans"},
                                         {"summaries", "plan.summaries"},
                                         {"community_plans", "plan.community_plans"},
                                         {"community_summaries", "plan.community_summaries"}};
  node_web_rq rq;
  json_t *list = NULL;
  const json_t *o;
  size_t i;
  cm_err e;
  if (!node_web_begin(&rq, req, resp, ctx)) return;
  cm_err_clear(&e);
  cm_rc rc = node_plan_list(node_web_db(&rq), NULL, 0, &list, &e);
  node_web_page_begin(&rq, "plan.title", "nav.plan");
  cm_html_printf(&rq.h, "<h1>%w</h1><p><a class=\"button\" href=\"/plans/new\">%w</a> "
                        "<a class=\"button\" href=\"/plans/new?part=summary\">%w</a></p>",
                 "plan.title", "plan.new", "summary.new");
  if (rc) cm_html_msg(&rq.h, "error", "form.error", e.msg);
  if (!rc && cm_http_query(req, "ok")) cm_html_msg(&rq.h, "ok", "plan.ok", "");
  for (size_t k = 0; !rc && k < 4; k++) {
    const json_t *arr = json_object_get(list, parts[k][0]);
    cm_html_printf(&rq.h, "<h2>%w</h2>", parts[k][1]);
    if (json_array_size(arr) == 0) {
      cm_html_printf(&rq.h, "<p class=\"muted\">%w</p>", "plan.none");
      continue;
    }
    cm_html_printf(&rq.h, "<table id=\"%r\"><tr><th>%w</th><th>%w</th><th>%w</th><th></th></tr>",
                   parts[k][0], "insp.year", "rep.org", "insp.written");
    json_array_foreach(arr, i, o) {
      const char *org = k < 2 ? node_web_js(o, "org") : "community";
      cm_html_printf(&rq.h, "<tr><td>%lld</td><td>%h</td><td>", node_web_ji(o, "year"),
                     k < 2 ? org : cm_i18n_t(rq.lang, "plan.community"));
      cm_html_time(&rq.h, (uint64_t)node_web_ji(o, "time_ms"));
      cm_html_printf(&rq.h, "</td><td><a href=\"/plans/print?org=%U&amp;year=%lld\">%w</a></td></tr>",
                     org, node_web_ji(o, "year"), "plan.print");
    }
    cm_html_raw(&rq.h, "</table>");
  }
  node_web_page_end(&rq);
  node_web_end(&rq, rc ? 500 : 200);
  json_decref(list);
}

/* One row of the printed sheet: a word and a value (escaped). */
static void sheet_row(node_web_rq *rq, const char *key, const char *value, int tall) {
  cm_html_printf(&rq->h, "<tr><th>%w</th><td%r>%h</td></tr>", key, tall ? " class=\"tall\"" : "",
                 value);
}

/* The printable plan and year-end summary of one organisation and year. */
void node_web_h_plan_print(cm_http_req *req, cm_http_resp *resp, void *ctx) {
  node_web_rq rq;
  json_t *org = NULL, *list = NULL;
  const char *id = cm_http_query(req, "org"), *y = cm_http_query(req, "year");
  int year = y ? atoi(y) : 0;
  char num[32];
  cm_err e;
  if (!node_web_begin(&rq, req, resp, ctx)) return;
  cm_err_clear(&e);
  /* org=community: the community's own plan and summary. */
  int unit = id && !strcmp(id, "community");
  char cname[256] = "";
  cm_rc rc = CM_OK;
  if (unit) {
    (void)store_meta_get(node_web_db(&rq), "community", cname, sizeof cname, NULL);
    org = json_pack("{s:s}", "name", cname);
  } else {
    rc = node_org_get(node_web_db(&rq), id ? id : "", &org, &e);
  }
  if (!rc && year < 2000) rc = cm_errf(&e, CM_ERR_INVALID, "请指定组织和年度 / give org and year");
  if (!rc) rc = node_plan_list(node_web_db(&rq), unit ? NULL : id, year, &list, &e);
  node_web_page_begin(&rq, "plan.title", "nav.plan");
  if (rc) {
    cm_html_msg(&rq.h, "error", "form.error", e.msg);
    goto end;
  }
  const json_t *p = json_array_get(json_object_get(list, unit ? "community_plans" : "plans"), 0);
  const json_t *s =
      json_array_get(json_object_get(list, unit ? "community_summaries" : "summaries"), 0);
  cm_html_printf(&rq.h, "<div class=\"actions noprint\"><button type=\"button\" "
                        "onclick=\"window.print()\">%w</button></div>"
                        "<article class=\"sheet\" id=\"plan-sheet\"><h1>《%h %d年度工作计划和"
                        "年终总结》</h1><div class=\"sub\"><span>%h</span><span>%w：%d</span></div>",
                 "plan.print", node_web_js(org, "name"), year, unit ? "" : id, "insp.year", year);
  cm_html_printf(&rq.h, "<h2>%w</h2><table>", "plan.plans");
  sheet_row(&rq, "plan.goals", node_web_js(p, "goals"), 1);
  sheet_row(&rq, "plan.activities", node_web_js(p, "activities"), 1);
  snprintf(num, sizeof num, "%lld", node_web_ji(p, "planned_count"));
  sheet_row(&rq, "plan.count", p ? num : "", 0);
  cm_html_printf(&rq.h, "</table><h2>%w</h2><table>", "plan.summaries");
  sheet_row(&rq, "summary.results", node_web_js(s, "results"), 1);
  snprintf(num, sizeof num, "%lld", node_web_ji(s, "activities_held"));
  sheet_row(&rq, "summary.count", s ? num : "", 0);
  sheet_row(&rq, "insp.problems", node_web_js(s, "problems"), 1);
  cm_html_raw(&rq.h, "</table></article>");
end:
  node_web_page_end(&rq);
  node_web_end(&rq, rc ? cm_rc_http_status(rc) : 200);
  json_decref(org);
  json_decref(list);
}

/* The notices from the district and the street, each with a button that
 * marks it read (a notice.read entry the street and district see). */
void node_web_h_notices(cm_http_req *req, cm_http_resp *resp, void *ctx) {
  node_web_rq rq;
  json_t *list = NULL;
  const json_t *o;
  size_t i;
  cm_err e;
  if (!node_web_begin(&rq, req, resp, ctx)) return;
  cm_err_clear(&e);
  cm_rc rc = node_notice_list(node_web_db(&rq), &list, &e);
  node_web_page_begin(&rq, "notice.title", "nav.notice");
  cm_html_printf(&rq.h, "<h1>%w</h1>", "notice.title");
  if (rc) cm_html_msg(&rq.h, "error", "form.error", e.msg);
  if (!rc && cm_http_query(req, "ok")) cm_html_msg(&rq.h, "ok", "notice.ok", "");
  if (!rc && json_array_size(list) == 0) cm_html_printf(&rq.h, "<p class=\"muted\">%w</p>", "notice.none");
  if (!rc && json_array_size(list)) {
    cm_html_printf(&rq.h, "<table id=\"notices\"><tr><th>%w</th><th>%w</th><th>%w</th><th>%w</th>"
                          "<th>%w</th></tr>",
                   "notice.col.time", "notice.col.from", "notice.col.title", "notice.col.text",
                   "notice.col.state");
    json_array_foreach(list, i, o) {
      int read = json_is_true(json_object_get(o, "read"));
      char when[64];
      cm_html_iso_text(node_web_js(o, "time"), when, sizeof when);
      cm_html_printf(&rq.h, "<tr><td>%h</td><td>%w</td><td>%h</td><td>%h</td><td>", when,
                     !strcmp(node_web_js(o, "origin"), "district") ? "notice.from_district"
                                                                   : "notice.from_street",
                     node_web_js(o, "title"), node_web_js(o, "text"));
      if (read) {
        cm_html_printf(&rq.h, "%w", "notice.is_read");
      } else {
        node_web_form_begin(&rq, "/notices/read", NULL);
        cm_html_printf(&rq.h, "<input type=\"hidden\" name=\"notice\" value=\"%h\">",
                       node_web_js(o, "notice"));
        node_web_form_end(&rq, "notice.read");
      }
      cm_html_raw(&rq.h, "</td></tr>");
    }
    cm_html_raw(&rq.h, "</table>");
  }
  node_web_page_end(&rq);
  node_web_end(&rq, rc ? 500 : 200);
  json_decref(list);
}

void node_web_h_notice_read(cm_http_req *req, cm_http_resp *resp, void *ctx) {
  node_web_rq rq;
  char rec[NODE_RECORD_ID_MAX];
  int already = 0;
  cm_err e;
  if (!node_web_begin(&rq, req, resp, ctx)) return;
  cm_err_clear(&e);
  cm_rc rc = node_notice_read(node_web_db(&rq), cm_http_form(req, "notice", 0), rec, &already, &e);
  if (rc) {
    node_web_page_begin(&rq, "notice.title", "nav.notice");
    cm_html_msg(&rq.h, "error", "form.error", e.msg);
    node_web_page_end(&rq);
    node_web_end(&rq, cm_rc_http_status(rc));
    return;
  }
  node_web_redirect(&rq, "/notices?ok=1");
}

void node_web_org_trainings(node_web_rq *rq, const char *org) {
  json_t *list = NULL;
  const json_t *o;
  size_t i;
  cm_err e;
  cm_err_clear(&e);
  cm_html_printf(&rq->h, "<h2>%w</h2>", "train.title");
  if (node_training_list(node_web_db(rq), org, 0, &list, &e) != CM_OK) {
    cm_html_msg(&rq->h, "error", "form.error", e.msg);
    return;
  }
  if (json_array_size(json_object_get(list, "trainings")) == 0) {
    cm_html_printf(&rq->h, "<p class=\"muted\">%w</p>", "train.none");
    json_decref(list);
    return;
  }
  cm_html_printf(&rq->h, "<table id=\"org-training-years\"><tr><th>%w</th><th>%w</th></tr>",
                 "col.year", "train.col.count");
  json_array_foreach(json_object_get(list, "organisations"), i, o)
    cm_html_printf(&rq->h, "<tr><td>%lld</td><td class=\"num\">%lld</td></tr>",
                   node_web_ji(o, "year"), node_web_ji(o, "trainings"));
  cm_html_printf(&rq->h, "</table><table id=\"org-trainings\"><tr><th>%w</th><th>%w</th>"
                         "<th>%w</th><th>%w</th></tr>",
                 "train.date", "train.col.topic", "train.organiser", "train.col.by");
  json_array_foreach(json_object_get(list, "trainings"), i, o)
    cm_html_printf(&rq->h, "<tr><td class=\"nowrap\">%h</td><td>%h</td><td>%h</td><td>%w</td></tr>",
                   node_web_js(o, "date"), node_web_js(o, "topic"), node_web_js(o, "organiser"),
                   !strcmp(node_web_js(o, "origin"), "district") ? "hub.district" : "hub.street");
  cm_html_raw(&rq->h, "</table>");
  json_decref(list);
}
