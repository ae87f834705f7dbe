/* web_evaluation.c - evaluation and commendation (评比表彰) at a hub: the
 * rounds (the district's form to open one), the nominations with what the
 * review needs beside each nominee (the year's monthly reports and
 * activities, the inspection result, the criticisms), the street's
 * recommendation form and the district's selection form, and the year's
 * list of commendations with its CSV and Excel files.  Everything is
 * hub/evaluation.c's; a district operator bound to one street sees that
 * street's nominations only.  A person's name is shown here, to the levels
 * that decide, and nowhere in the summary API. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/clock.h"
#include "evaluation.h"
#include "web.h"
#include "year.h"

#define EXPORT_MAX ((size_t)16u << 20)

static const char *const k_status[][2] = {
    {"nominated", "eval.status.nominated"},
    {"recommended", "eval.status.recommended"},
    {"commended", "eval.status.commended"}};
static const char *const k_results[][2] = {
    {"pass", "insp.result.pass"}, {"rectify", "insp.result.rectify"}, {"fail", "insp.result.fail"}};

static const char *word_in(const char *const (*t)[2], size_t n, const char *v) {
  for (size_t i = 0; i < n; i++)
    if (!strcmp(t[i][0], v)) return t[i][1];
  return NULL;
}

/* The year asked for (?year=), else this year. */
static int year_asked(cm_http_req *req) {
  char today[11];
  int y = 0;
  const char *q = cm_http_query(req, "year");
  cm_date_of(cm_now_ms(), today);
  if (!q || !*q || hub_year_parse(q, 0, &y, NULL) != CM_OK) y = atoi(today);
  return y;
}

static const char *js(const json_t *o, const char *k) {
  const char *s = json_string_value(json_object_get(o, k));
  return s ? s : "";
}

/* The district's form to open a round. */
static void open_form(hub_web_req *w, int year) {
  char today[11];
  cm_date_of(cm_now_ms(), today);
  cm_html_printf(&w->h, "<section class=\"card\"><h2>%w</h2>"
                        "<form method=\"post\" action=\"/evaluation/open\" id=\"eval-open\">",
                 "eval.open_h");
  hub_web_csrf_field(w);
  cm_html_printf(&w->h, "<label>%w<input name=\"year\" type=\"number\" value=\"%d\" required>"
                        "</label><label class=\"wide\">%w<input name=\"title\" "
                        "maxlength=\"200\" required></label><label>%w<input "
                        "type=\"date\" name=\"closes\" min=\"%h\" required></label>"
                        "<p class=\"hint\">%w</p><button type=\"submit\">%w</button>"
                        "</form></section>",
                 "col.year", year, "eval.round_title", "eval.closes_date", today, "eval.open_hint",
                 "eval.open_button");
}

/* A small form posting a nomination with one text field (name, its
 * placeholder word) to action. */
static void nomination_form(hub_web_req *w, const json_t *n, int year, const char *action,
                            const char *field, const char *placeholder, const char *button) {
  cm_html_printf(&w->h, "<form method=\"post\" action=\"%r\" class=\"inline\">", action);
  hub_web_csrf_field(w);
  cm_html_printf(&w->h, "<input type=\"hidden\" name=\"year\" value=\"%d\">"
                        "<input type=\"hidden\" name=\"nomination\" value=\"%h\">"
                        "<textarea name=\"%r\" required maxlength=\"4000\" placeholder=\"%w\">"
                        "</textarea><button type=\"submit\">%w</button></form>",
                 year, js(n, "record"), field, placeholder, button);
}

/* 1 when the operator may write (not a viewer). */
static int writer(const hub_web_req *w) {
  return w->s.op.role[0] && strcmp(w->s.op.role, "viewer") != 0;
}

/* 1 for the district's operators not bound to one street. */
static int district_writer(const hub_web_req *w) {
  return writer(w) && w->hub->role == HUB_ROLE_DISTRICT && !w->s.op.street[0];
}

/* The action cell of a nomination: the street recommends, the district selects. */
static void action_cell(hub_web_req *w, const json_t *n, int year) {
  const char *st = js(n, "status");
  cm_html_raw(&w->h, "<td>");
  if (writer(w) && w->hub->role == HUB_ROLE_STREET && !strcmp(st, "nominated"))
    nomination_form(w, n, year, "/evaluation/recommend", "opinion", "eval.opinion",
                    "eval.recommend");
  else if (district_writer(w) && !strcmp(st, "recommended"))
    nomination_form(w, n, year, "/evaluation/select", "reason", "eval.reason", "eval.select");
  cm_html_raw(&w->h, "</td>");
}

/* A round's row: its state, and the district's button to close it early. */
static void round_row(hub_web_req *w, const json_t *o, int year) {
  int open = json_is_true(json_object_get(o, "open"));
  const char *closed = js(o, "closed");
  cm_html_printf(&w->h, "<tr data-round=\"%h\"><td>%h</td><td>%h</td><td>%lld</td><td>%h</td>"
                        "<td class=\"num\">%lld</td><td class=\"state\">%w %h</td><td>",
                 js(o, "round"), js(o, "round"), js(o, "title"),
                 (long long)json_integer_value(json_object_get(o, "year")), js(o, "closes"),
                 (long long)json_integer_value(json_object_get(o, "communities")),
                 open ? "eval.open" : *closed ? "eval.closed_early" : "eval.closed", closed);
  if (open && district_writer(w)) {
    cm_html_raw(&w->h, "<form method=\"post\" action=\"/evaluation/close\" class=\"inline\">");
    hub_web_csrf_field(w);
    cm_html_printf(&w->h, "<input type=\"hidden\" name=\"year\" value=\"%d\">"
                          "<input type=\"hidden\" name=\"round\" value=\"%h\">"
                          "<input name=\"reason\" maxlength=\"4000\" placeholder=\"%w\">"
                          "<button type=\"submit\">%w</button></form>",
                   year, js(o, "round"), "eval.close_reason", "eval.close");
  }
  cm_html_raw(&w->h, "</td></tr>");
}

/* The street's form to nominate one of its own organisations (after a
 * refusal, keep 1: what was typed). */
static void street_nominate_form(hub_web_req *w, const json_t *rounds, int keep) {
  json_t *orgs = NULL, *o;
  size_t i, open = 0;
  const char *v_round = keep ? cm_http_form(w->req, "round", 0) : NULL;
  const char *v_org = keep ? cm_http_form(w->req, "org", 0) : NULL;
  json_array_foreach(rounds, i, o) open += json_is_true(json_object_get(o, "open"));
  if (!open) return;
  cm_html_printf(&w->h, "<section class=\"card\" id=\"eval-street-nominate\"><h2>%w</h2>",
                 "eval.street_nominate");
  if (hub_eval_own_orgs(w->hub, &orgs, NULL) != CM_OK || json_array_size(orgs) == 0) {
    cm_html_printf(&w->h, "<p class=\"empty\">%w</p></section>", "eval.no_own_orgs");
    json_decref(orgs);
    return;
  }
  cm_html_raw(&w->h, "<form method=\"post\" action=\"/evaluation/nominate\">");
  hub_web_csrf_field(w);
  cm_html_select_begin(&w->h, "round", "eval.round", 1);
  json_array_foreach(rounds, i, o) {
    char label[600];
    if (!json_is_true(json_object_get(o, "open"))) continue;
    snprintf(label, sizeof label, "%s  %s", js(o, "round"), js(o, "title"));
    cm_html_option(&w->h, js(o, "round"), label, v_round && !strcmp(v_round, js(o, "round")));
  }
  cm_html_select_end(&w->h, NULL);
  cm_html_select_begin(&w->h, "org", "rep.org", 1);
  json_array_foreach(orgs, i, o) {
    char label[600];
    snprintf(label, sizeof label, "%s  %s", js(o, "id"), js(o, "name"));
    cm_html_option(&w->h, js(o, "id"), label, v_org && !strcmp(v_org, js(o, "id")));
  }
  cm_html_select_end(&w->h, NULL);
  cm_html_input(&w->h, "text", "person", "eval.person",
                keep ? cm_http_form(w->req, "person", 0) : NULL, 0, "maxlength=\"200\"",
                "eval.person_hint");
  cm_html_textarea(&w->h, "deeds", "eval.deeds", keep ? cm_http_form(w->req, "deeds", 0) : NULL,
                   1, 4000, NULL);
  cm_html_printf(&w->h, "<button type=\"submit\">%w</button></form></section>", "eval.submit");
  json_decref(orgs);
}

/* The page: rounds, nominations of the year.  After a refused form
 * (refused, from action), the refusal and what was typed. */
static void eval_page(hub_web_req *w, int year, const cm_err *refused, const char *action) {
  json_t *rounds = NULL, *noms = NULL;
  const json_t *o;
  size_t i;
  cm_err err;
  cm_err_clear(&err);
  const char *street = w->hub->role == HUB_ROLE_DISTRICT ? w->s.op.street : "";
  cm_rc rc = hub_eval_rounds(w->hub, &rounds, &err);
  if (!rc) rc = hub_eval_nominations(w->hub, cm_http_query(w->req, "round"), year, &noms, &err);
  if (rc) {
    hub_web_fail_rc(w, rc, err.msg);
    goto out;
  }
  hub_web_head(w, "eval.title");
  cm_html_printf(&w->h, "<h1>%d%w</h1>", year, "eval.year_h1");
  if (refused) cm_html_printf(&w->h, "<p class=\"error\">%w%h</p>", "form.error", refused->msg);
  if (cm_http_query(w->req, "ok")) cm_html_printf(&w->h, "<p class=\"flash\">%w</p>", "eval.saved");
  cm_html_printf(&w->h, "<form method=\"get\" action=\"/evaluation\"><label>%w"
                        "<input name=\"year\" type=\"number\" value=\"%d\"></label>"
                        "<button type=\"submit\">%w</button> <a href=\"/evaluation/"
                        "commendations?year=%d\">%w</a></form>",
                 "col.year", year, "col.apply", year, "eval.list");
  cm_html_printf(&w->h, "<h2>%w</h2>", "eval.rounds_h");
  if (json_array_size(rounds) == 0)
    cm_html_printf(&w->h, "<p class=\"empty\">%w</p>", "eval.no_rounds_hub");
  else
    cm_html_printf(&w->h, "<table class=\"list\" id=\"eval-rounds\"><tr><th>%w</th><th>%w</th>"
                          "<th>%w</th><th>%w</th><th>%w</th><th>%w</th><th>%w</th></tr>",
                   "eval.round_id", "eval.round_title", "col.year", "eval.closes",
                   "eval.communities", "eval.state", "org.actions");
  json_array_foreach(rounds, i, o) round_row(w, o, year);
  if (json_array_size(rounds)) cm_html_raw(&w->h, "</table>");
  if (writer(w) && w->hub->role == HUB_ROLE_STREET)
    street_nominate_form(w, rounds, refused && action && !strcmp(action, "nominate"));
  cm_html_printf(&w->h, "<h2>%w</h2>", "eval.nominations_h");
  size_t shown = 0;
  json_array_foreach(noms, i, o) {
    const char *person = js(o, "person"), *res = js(o, "inspection");
    const char *rw = word_in(k_results, 3, res), *sw = word_in(k_status, 3, js(o, "status"));
    if (*street && strcmp(street, js(o, "street")) != 0) continue;
    if (!shown++)
      cm_html_printf(&w->h, "<table class=\"list\" id=\"eval-nominations\"><tr><th>%w</th>"
                            "<th>%w</th><th>%w</th><th>%w</th><th>%w</th><th>%w</th><th>%w</th>"
                            "<th>%w</th><th>%w</th><th>%w</th><th>%w</th><th>%w</th><th>%w</th>"
                            "<th>%w</th></tr>",
                     "eval.round", "col.street", "col.community", "col.id", "org.name",
                     "eval.person", "eval.deeds", "eval.year_reports", "eval.year_activities",
                     "insp.result", "eval.year_criticisms", "eval.state", "eval.opinion",
                     "org.actions");
    cm_html_printf(&w->h, "<tr data-record=\"%h\" class=\"%h\"><td>%h</td><td>%h</td><td>%h</td>"
                          "<td>%h</td><td>%h</td><td>%h</td><td>%h</td>"
                          "<td class=\"num reports\">%lld</td><td class=\"num\">%lld</td>"
                          "<td class=\"inspection\">%w</td><td class=\"num criticisms\">%lld</td>"
                          "<td class=\"status\">%w</td><td>%h</td>",
                   js(o, "record"), js(o, "status"), js(o, "round"), js(o, "street"),
                   js(o, "community"), js(o, "org"), js(o, "name"),
                   *person ? person : cm_i18n_t(w->lang, "eval.org_itself"), js(o, "deeds"),
                   (long long)json_integer_value(json_object_get(o, "reports")),
                   (long long)json_integer_value(json_object_get(o, "activities")),
                   rw ? rw : "eval.not_inspected",
                   (long long)json_integer_value(json_object_get(o, "criticisms")),
                   sw ? sw : "eval.status.nominated", js(o, "opinion"));
    action_cell(w, o, year);
    cm_html_raw(&w->h, "</tr>");
  }
  if (shown)
    cm_html_raw(&w->h, "</table>");
  else
    cm_html_printf(&w->h, "<p class=\"empty\" id=\"eval-none\">%w</p>", "eval.no_nominations");
  if (district_writer(w)) open_form(w, year);
  hub_web_foot(w);
out:
  json_decref(rounds);
  json_decref(noms);
}

/* ROUTE: GET /evaluation?year=YYYY[&round=ID] (default: the newest round's year) */
static void page_eval(cm_http_req *req, cm_http_resp *resp, void *ctx) {
  hub_web_req w;
  json_t *rounds = NULL;
  int year = year_asked(req);
  if (!hub_web_begin(&w, req, resp, ctx, HUB_WEB_LOGIN)) return;
  const char *q = cm_http_query(req, "year");
  if ((!q || !*q) && hub_eval_rounds(w.hub, &rounds, NULL) == CM_OK && json_array_size(rounds))
    year = (int)json_integer_value(json_object_get(json_array_get(rounds, 0), "year"));
  json_decref(rounds);
  eval_page(&w, year, NULL, NULL);
  hub_web_end(&w);
}

/* After a POST: back to the page, or the page again with the refusal. */
static void after_post(hub_web_req *w, cm_rc rc, const cm_err *err, const char *action,
                       const char *record, const char *detail, int year) {
  char loc[64];
  if (rc == CM_ERR_INVALID || rc == CM_ERR_NOT_FOUND || rc == CM_ERR_EXISTS || rc == CM_ERR_PERM) {
    hub_web_status(w, cm_rc_http_status(rc));
    eval_page(w, year, err, action + strlen("evaluation."));
  } else if (rc) {
    hub_web_fail_rc(w, rc, err->msg);
  } else {
    hub_web_audit(w, action, record, detail);
    snprintf(loc, sizeof loc, "/evaluation?year=%d&ok=1", year);
    hub_web_redirect(w, loc);
  }
}

/* ROUTE: POST /evaluation/open (district) */
static void page_open(cm_http_req *req, cm_http_resp *resp, void *ctx) {
  hub_web_req w;
  char round[CM_REC_ROUND_MAX] = "";
  size_t n = 0;
  int year = 0;
  cm_err err;
  cm_err_clear(&err);
  if (!hub_web_begin(&w, req, resp, ctx, HUB_WEB_WRITE | HUB_WEB_DISTRICT)) return;
  cm_rc rc = hub_year_parse(cm_http_form(req, "year", 0), 0, &year, &err);
  if (!rc)
    rc = hub_eval_open(w.hub, year, cm_http_form(req, "title", 0), cm_http_form(req, "closes", 0),
                       hub_web_operator(&w), round, &n, &err);
  after_post(&w, rc, &err, "evaluation.open", round, cm_http_form(req, "title", 0),
             year ? year : year_asked(req));
  hub_web_end(&w);
}

/* The year of the page a form was posted from (its hidden "year"). */
static int form_year(cm_http_req *req) {
  int y = 0;
  if (hub_year_parse(cm_http_form(req, "year", 0), 0, &y, NULL) != CM_OK) y = year_asked(req);
  return y;
}

/* ROUTE: POST /evaluation/recommend (street) */
static void page_recommend(cm_http_req *req, cm_http_resp *resp, void *ctx) {
  hub_web_req w;
  char record[PROTO_KEY_HEX + 24] = "";
  cm_err err;
  cm_err_clear(&err);
  if (!hub_web_begin(&w, req, resp, ctx, HUB_WEB_WRITE)) return;
  const char *nom = cm_http_form(req, "nomination", 0);
  cm_rc rc = hub_eval_recommend(w.hub, nom, cm_http_form(req, "opinion", 0), hub_web_operator(&w),
                                record, sizeof record, &err);
  after_post(&w, rc, &err, "evaluation.recommend", record, nom, form_year(req));
  hub_web_end(&w);
}

/* ROUTE: POST /evaluation/select (district) */
static void page_select(cm_http_req *req, cm_http_resp *resp, void *ctx) {
  hub_web_req w;
  char record[PROTO_KEY_HEX + 24] = "";
  cm_err err;
  cm_err_clear(&err);
  if (!hub_web_begin(&w, req, resp, ctx, HUB_WEB_WRITE | HUB_WEB_DISTRICT)) return;
  const char *nom = cm_http_form(req, "nomination", 0);
  cm_rc rc = hub_eval_select(w.hub, nom, cm_http_form(req, "reason", 0), hub_web_operator(&w),
                             record, sizeof record, &err);
  after_post(&w, rc, &err, "evaluation.select", record, nom, form_year(req));
  hub_web_end(&w);
}

/* ROUTE: POST /evaluation/close (district): close a round early */
static void page_close(cm_http_req *req, cm_http_resp *resp, void *ctx) {
  hub_web_req w;
  size_t n = 0;
  cm_err err;
  cm_err_clear(&err);
  if (!hub_web_begin(&w, req, resp, ctx, HUB_WEB_WRITE | HUB_WEB_DISTRICT)) return;
  const char *round = cm_http_form(req, "round", 0);
  cm_rc rc = w.s.op.street[0] ? cm_errf(&err, CM_ERR_PERM, "只有不限于一个街道的区协会操作员可以提前截止评比")
                              : hub_eval_close(w.hub, round, cm_http_form(req, "reason", 0),
                                               hub_web_operator(&w), &n, &err);
  after_post(&w, rc, &err, "evaluation.close", round, cm_http_form(req, "reason", 0),
             form_year(req));
  hub_web_end(&w);
}

/* ROUTE: POST /evaluation/nominate (street): nominate a street-level organisation */
static void page_nominate(cm_http_req *req, cm_http_resp *resp, void *ctx) {
  hub_web_req w;
  char record[PROTO_KEY_HEX + 24] = "";
  cm_err err;
  cm_err_clear(&err);
  if (!hub_web_begin(&w, req, resp, ctx, HUB_WEB_WRITE)) return;
  const char *org = cm_http_form(req, "org", 0);
  cm_rc rc = hub_eval_nominate(w.hub, cm_http_form(req, "round", 0), org,
                               cm_http_form(req, "person", 0), cm_http_form(req, "deeds", 0),
                               record, sizeof record, &err);
  after_post(&w, rc, &err, "evaluation.nominate", record, org, form_year(req));
  hub_web_end(&w);
}

/* ROUTE: GET /evaluation/commendations?year=YYYY, and its .csv and .xlsx */
static void commendations(cm_http_req *req, cm_http_resp *resp, void *ctx, int file) {
  hub_web_req w;
  json_t *list = NULL, *o;
  size_t i;
  cm_buf b;
  cm_err err;
  cm_err_clear(&err);
  cm_buf_init(&b, EXPORT_MAX);
  if (!hub_web_begin(&w, req, resp, ctx, HUB_WEB_LOGIN)) goto free;
  int year = year_asked(req);
  const char *street = w.hub->role == HUB_ROLE_DISTRICT ? w.s.op.street : "";
  cm_rc rc = hub_eval_commendations(w.hub, year, &list, &err);
  for (i = json_array_size(list); !rc && *street && i-- > 0;)
    if (strcmp(js(json_array_get(list, i), "street"), street) != 0) json_array_remove(list, i);
  if (!rc && file) {
    char disp[96];
    rc = hub_eval_commendations_file(list, file == 2, w.hub->dir, &b, &err);
    snprintf(disp, sizeof disp, "attachment; filename=\"commendations-%d.%s\"", year,
             file == 2 ? "xlsx" : "csv");
    if (!rc) cm_http_resp_header(resp, "Content-Disposition", disp);
    if (!rc)
      rc = cm_http_resp_set(resp, 200,
                            file == 2 ? "application/vnd.openxmlformats-officedocument."
                                        "spreadsheetml.sheet"
                                      : "text/csv; charset=utf-8",
                            b.p, b.len);
  }
  if (rc) {
    hub_web_fail_rc(&w, rc, err.msg);
    goto out;
  }
  if (file) goto out;
  hub_web_head(&w, "eval.title");
  cm_html_printf(&w.h, "<h1>%d%w</h1><form method=\"get\" action=\"/evaluation/"
                       "commendations\"><label>%w<input name=\"year\" type=\"number\" "
                       "value=\"%d\"></label><button type=\"submit\">%w</button> "
                       "<a href=\"/evaluation/commendations.csv?year=%d\">%w</a> "
                       "<a href=\"/evaluation/commendations.xlsx?year=%d\">%w</a></form>",
                 year, "eval.list_h1", "col.year", year, "col.apply", year, "col.csv", year,
                 "dash.xlsx");
  if (json_array_size(list) == 0)
    cm_html_printf(&w.h, "<p class=\"empty\">%w</p>", "eval.no_commendations");
  else
    cm_html_printf(&w.h, "<table class=\"list\" id=\"eval-commendations\"><tr><th>%w</th>"
                         "<th>%w</th><th>%w</th><th>%w</th><th>%w</th><th>%w</th><th>%w</th>"
                         "<th>%w</th><th>%w</th></tr>",
                   "eval.round", "col.street", "col.community", "col.id", "org.name",
                   "eval.whom", "eval.person_name", "eval.reason", "eval.commended_on");
  json_array_foreach(list, i, o) {
    char day[11];
    const char *person = js(o, "person");
    cm_date_of((uint64_t)json_integer_value(json_object_get(o, "time_ms")), day);
    cm_html_printf(&w.h, "<tr><td>%h</td><td>%h</td><td>%h</td><td>%h</td><td>%h</td><td>%w</td>"
                         "<td>%h</td><td>%h</td><td>%h</td></tr>",
                   js(o, "round"), js(o, "street"), js(o, "community"), js(o, "org"),
                   js(o, "name"), *person ? "eval.whom.person" : "eval.whom.org", person,
                   js(o, "reason"), day);
  }
  if (json_array_size(list)) cm_html_raw(&w.h, "</table>");
  hub_web_foot(&w);
out:
  hub_web_end(&w);
free:
  json_decref(list);
  cm_buf_free(&b);
}

static void page_commendations(cm_http_req *req, cm_http_resp *resp, void *ctx) {
  commendations(req, resp, ctx, 0);
}

static void page_commendations_csv(cm_http_req *req, cm_http_resp *resp, void *ctx) {
  commendations(req, resp, ctx, 1);
}

static void page_commendations_xlsx(cm_http_req *req, cm_http_resp *resp, void *ctx) {
  commendations(req, resp, ctx, 2);
}

const cm_http_route hub_web_eval_routes[] = {
    {"GET", "/evaluation", page_eval,
     "evaluation and commendation: rounds, nominations beside each nominee's year (?year=&round=)"},
    {"POST", "/evaluation/open", page_open, "open a round of evaluation (district)"},
    {"POST", "/evaluation/close", page_close, "close an open round early (district)"},
    {"POST", "/evaluation/nominate", page_nominate,
     "nominate one of the street's own organisations or a person of it (street)"},
    {"POST", "/evaluation/recommend", page_recommend, "recommend a nomination (street)"},
    {"POST", "/evaluation/select", page_select,
     "select a recommended nomination: a commendation (district)"},
    {"GET", "/evaluation/commendations", page_commendations, "the year's commendations (?year=)"},
    {"GET", "/evaluation/commendations.csv", page_commendations_csv,
     "the year's commendations as CSV, Chinese headers (?year=)"},
    {"GET", "/evaluation/commendations.xlsx", page_commendations_xlsx,
     "the year's commendations as an Excel workbook (?year=)"},
};
const size_t hub_web_eval_nroutes = sizeof hub_web_eval_routes / sizeof hub_web_eval_routes[0];
