/* web_people.c - the organisation's public notice (公示) at the community's
 * page: its name, leader, service pledge and internal rules, the activities
 * of the last months from its monthly reports, and how residents' feedback
 * was handled; one printable sheet for the notice board, and the same page
 * the community can publish.  Nothing personal beyond the leader's name,
 * which is public on the filing. */
#include <stdio.h>
#include <string.h>

#include "../common/clock.h"
#include "../common/web_assets.h"
#include "people.h"
#include "web.h"
#include "web_app.h"
#include "web_assets.h"

#define NOTICE_MONTHS 6 /* months of activities shown */

static void row(cm_html *h, const char *key, const char *value) {
  cm_html_printf(h, "<tr><th>%w</th><td>%h</td></tr>", key, value);
}

/* The activities of the last NOTICE_MONTHS months up to this one. */
static void activities(node_ctx *db, cm_html *h, const char *id, const json_t *reports) {
  char first[8], now[8];
  int m = 0;
  size_t i, shown = 0;
  const json_t *r;
  node_this_month(db, now);
  cm_month_parse(now, &m);
  cm_month_text(m > NOTICE_MONTHS ? m - (NOTICE_MONTHS - 1) : 0, first);
  cm_html_printf(h, "<h2>%w</h2>", "publicity.activities");
  cm_html_printf(h,
                 "<table class=\"grid\"><tr><th>%w</th><th>%w</th><th>%w</th><th>%w</th></tr>",
                 "publicity.month", "publicity.count", "publicity.participants", "publicity.content");
  json_array_foreach(reports, i, r) {
    const char *month = node_web_js(r, "month");
    if (strcmp(node_web_js(r, "org"), id) != 0 || strcmp(month, first) < 0) continue;
    if (strcmp(node_web_js(r, "review"), "rejected") == 0) continue;
    cm_html_printf(h, "<tr><td>%h</td><td>%lld</td><td>%lld</td><td>%h</td></tr>", month,
                   node_web_ji(r, "activities"), node_web_ji(r, "participants"),
                   node_web_js(r, "content"));
    shown++;
  }
  if (!shown) cm_html_printf(h, "<tr><td colspan=\"4\">%w</td></tr>", "publicity.none");
  cm_html_raw(h, "</table>");
}

/* The notice of organisation id as one <article> into h: no links and no
 * scripts, so that the same sheet is the staff page's and the file the
 * community publishes.  Nothing is written on failure. */
static cm_rc notice_sheet(node_ctx *db, const char *community, const char *id, cm_html *h,
                          cm_err *e) {
  json_t *org = NULL, *pledge = NULL, *reports = NULL, *feedback = NULL, *f;
  char today[11], num[64];
  size_t i, handled = 0;
  cm_rc rc = node_org_get(db, id ? id : "", &org, e);
  if (!rc) rc = node_pledge_get(db, id, &pledge, e);
  if (!rc) rc = node_report_list(db, id, NULL, &reports, e);
  if (!rc) rc = node_feedback_list(db, id, &feedback, e);
  if (rc) goto out;
  node_today(db, today);
  cm_html_printf(h,
                 "<article class=\"sheet\" id=\"notice-sheet\"><h1>%h %w</h1>"
                 "<div class=\"sub\"><span>%h</span><span>%h</span></div><table>",
                 node_web_js(org, "name"), "publicity.title", id, community);
  row(h, "publicity.name", node_web_js(org, "name"));
  row(h, "publicity.category", node_web_js(org, "category"));
  row(h, "publicity.leader", node_web_js(org, "leader"));
  snprintf(num, sizeof num, "%lld", node_web_ji(org, "members"));
  row(h, "publicity.members", num);
  row(h, "publicity.scope", node_web_js(org, "scope"));
  cm_html_raw(h, "</table>");
  cm_html_printf(h, "<h2>%w</h2><p class=\"pledge\">%h</p>", "publicity.pledge",
                 pledge ? node_web_js(pledge, "pledge") : "");
  if (pledge && node_web_js(pledge, "rules")[0])
    cm_html_printf(h, "<h2>%w</h2><p class=\"rules\">%h</p>", "publicity.rules",
                   node_web_js(pledge, "rules"));
  activities(db, h, id, reports);
  json_array_foreach(feedback, i, f) {
    handled += strcmp(node_web_js(f, "status"), "received") != 0;
  }
  cm_html_printf(h, "<h2>%w</h2><p>%w</p>", "publicity.supervision", "publicity.welcome");
  if (json_array_size(feedback))
    cm_html_printf(h, "<p>%w%zu%w%zu%w</p>", "publicity.fb_before", json_array_size(feedback),
                   "publicity.fb_mid", handled, "publicity.fb_after");
  cm_html_printf(h, "<p class=\"signed\">%h %h</p></article>", community, today);
out:
  json_decref(org);
  json_decref(pledge);
  json_decref(reports);
  json_decref(feedback);
  return rc;
}

void node_web_h_notice(cm_http_req *req, cm_http_resp *resp, void *ctx) {
  node_web_rq rq;
  const char *id = cm_http_param(req, 0);
  cm_err e;
  if (!node_web_begin(&rq, req, resp, ctx)) return;
  cm_err_clear(&e);
  node_web_page_begin(&rq, "publicity.title", "nav.orgs");
  cm_html_printf(&rq.h,
                 "<div class=\"actions noprint\"><button type=\"button\" "
                 "onclick=\"window.print()\">%w</button></div>",
                 "plan.print");
  cm_rc rc = notice_sheet(node_web_db(&rq), rq.app->community, id, &rq.h, &e);
  if (rc) cm_html_msg(&rq.h, "error", "form.error", e.msg);
  node_web_page_end(&rq);
  node_web_end(&rq, rc ? cm_rc_http_status(rc) : 200);
}

/* The stylesheets of the staff page, inline. */
static void inline_css(cm_html *h) {
  const cm_web_asset *common = cm_web_asset_find("common.css");
  cm_html_raw(h, "<style>\n");
  if (common) cm_html_raw(h, (const char *)common->data);
  for (size_t i = 0; i < node_web_n_assets; i++)
    if (!strcmp(node_web_assets[i].name, "style.css"))
      cm_html_raw(h, (const char *)node_web_assets[i].data);
  cm_html_raw(h, "\nbody { background: #fff; }\n</style>");
}

cm_rc node_notice_page(node_ctx *db, const char *id, cm_buf *out, cm_err *e) {
  json_t *st = NULL;
  cm_html h;
  cm_html_init(&h, 4u << 20, CM_LANG_ZH);
  cm_rc rc = node_status(db, &st, e);
  const char *community = node_web_js(st, "community");
  if (!rc) {
    cm_html_printf(&h,
                   "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
                   "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                   "<title>%h %w</title>",
                   id ? id : "", "publicity.title");
    inline_css(&h);
    cm_html_raw(&h, "</head>\n<body><main>");
    rc = notice_sheet(db, community, id, &h, e);
  }
  if (!rc) cm_html_raw(&h, "</main></body></html>\n");
  if (!rc && h.rc) rc = cm_errf(e, h.rc, "公示页面过大");
  if (!rc) rc = cm_buf_append(out, h.out.p, h.out.len);
  if (rc && !e->msg[0]) cm_errf(e, rc, "写公示失败：%s", cm_strerror(rc));
  cm_html_free(&h);
  json_decref(st);
  return rc;
}

/* ---- the organisation's people page: roster, pledge, feedback, funding ----
 * One page per organisation with a form for each; every form posts to the
 * same address with "do" naming it, and calls the same API as the command
 * line, so a refusal comes back with the same reason and with what was typed
 * (every form's fields have their own names, so the request's values refill
 * them all). */

/* A value the failed POST carried (NULL on a GET). */
static const char *typed(node_web_rq *rq, const char *name) {
  return cm_http_form(rq->req, name, 0);
}

static void yes_no_select(node_web_rq *rq, const char *name, const char *label, const char *v) {
  cm_html_select_begin(&rq->h, name, label, 0);
  cm_html_option(&rq->h, "no", cm_i18n_t(rq->lang, "no"), !v || strcmp(v, "yes") != 0);
  cm_html_option(&rq->h, "yes", cm_i18n_t(rq->lang, "yes"), v && !strcmp(v, "yes"));
  cm_html_select_end(&rq->h, NULL);
}

/* <form> to this page with the hidden "do". */
static void people_form(node_web_rq *rq, const char *id, const char *what) {
  char action[128];
  snprintf(action, sizeof action, "/orgs/%s/people", id);
  node_web_form_begin(rq, action, NULL);
  cm_html_printf(&rq->h, "<input type=\"hidden\" name=\"do\" value=\"%h\">", what);
}

static void roster_part(node_web_rq *rq, const char *id, const json_t *roster) {
  const json_t *m;
  size_t i;
  cm_html_printf(&rq->h,
                 "<section id=\"people-roster\"><h2>%w</h2><p class=\"hint\">%w "
                 "<a href=\"/orgs/%U/roster.csv\" download>%w</a> "
                 "<a href=\"/orgs/%U/roster.xlsx\" download>%w</a></p>",
                 "people.roster", "people.sealed", id, "people.export", id, "people.export_xlsx");
  cm_html_printf(
      &rq->h,
      "<table class=\"grid\" id=\"roster\"><tr><th>%w</th><th>%w</th><th>%w</th><th>%w</th>"
      "<th>%w</th><th>%w</th><th>%w</th><th>%w</th><th></th></tr>",
      "people.member", "people.name", "people.role", "people.party", "people.home", "people.leader",
      "people.joined", "people.left");
  json_array_foreach(roster, i, m) {
    int current = json_is_true(json_object_get(m, "current"));
    cm_html_printf(&rq->h,
                   "<tr%r><td>%lld</td><td>%h</td><td>%h</td><td>%w</td><td>%h</td><td>%h</td>"
                   "<td>%h</td><td>%h</td><td>",
                   current ? "" : " class=\"left\"", node_web_ji(m, "member"),
                   node_web_js(m, "name"), node_web_js(m, "role"),
                   json_is_true(json_object_get(m, "party_member")) ? "yes" : "no",
                   node_web_js(m, "home_community"),
                   json_is_true(json_object_get(m, "leader")) ? node_web_js(m, "reason") : "",
                   node_web_js(m, "joined"), node_web_js(m, "left"));
    if (current) {
      char num[24];
      snprintf(num, sizeof num, "%lld", node_web_ji(m, "member"));
      people_form(rq, id, "leave");
      cm_html_printf(&rq->h, "<input type=\"hidden\" name=\"member\" value=\"%h\">", num);
      node_web_form_end(rq, "people.leave");
    }
    cm_html_raw(&rq->h, "</td></tr>");
  }
  cm_html_raw(&rq->h, "</table>");
  cm_html_printf(&rq->h, "<h3>%w</h3>", "people.add");
  people_form(rq, id, "roster");
  cm_html_input(&rq->h, "text", "name", "people.name", typed(rq, "name"), 1, "maxlength=\"60\"",
                NULL);
  cm_html_input(&rq->h, "text", "role", "people.role", typed(rq, "role"), 0, "maxlength=\"60\"",
                NULL);
  yes_no_select(rq, "party_member", "people.party", typed(rq, "party_member"));
  cm_html_input(&rq->h, "text", "home_community", "people.home", typed(rq, "home_community"), 0,
                "maxlength=\"60\"", "people.home_hint");
  cm_html_input(&rq->h, "date", "joined", "people.joined", typed(rq, "joined"), 0, NULL,
                "people.today_hint");
  yes_no_select(rq, "leader", "people.is_leader", typed(rq, "leader"));
  cm_html_input(&rq->h, "text", "reason", "people.reason", typed(rq, "reason"), 0, NODE_WEB_LONG_ATTR,
                "people.reason_hint");
  node_web_form_end(rq, "people.add");
  cm_html_raw(&rq->h, "</section>");
}

static void pledge_part(node_web_rq *rq, const char *id, const json_t *pledge) {
  const char *p = typed(rq, "pledge"), *r = typed(rq, "rules");
  cm_html_printf(&rq->h, "<section id=\"people-pledge\"><h2>%w</h2>", "publicity.pledge");
  people_form(rq, id, "pledge");
  cm_html_textarea(&rq->h, "pledge", "publicity.pledge", p ? p : node_web_js(pledge, "pledge"), 1,
                   NODE_WEB_TEXT_MAX, NULL);
  cm_html_textarea(&rq->h, "rules", "publicity.rules", r ? r : node_web_js(pledge, "rules"), 0,
                   NODE_WEB_TEXT_MAX, NULL);
  node_web_form_end(rq, "form.submit");
  cm_html_printf(&rq->h, "<p><a href=\"/orgs/%U/notice\">%w</a></p></section>", id, "publicity.title");
}

static void feedback_part(node_web_rq *rq, const char *id, const json_t *list) {
  const json_t *f;
  size_t i;
  cm_html_printf(&rq->h,
                 "<section id=\"people-feedback\"><h2>%w</h2><table class=\"grid\" id=\"feedback\">"
                 "<tr><th>%w</th><th>%w</th><th>%w</th><th>%w</th><th>%w</th><th>%w</th>"
                 "<th>%w</th><th></th></tr>",
                 "publicity.supervision", "people.fb_id", "people.fb_type", "people.fb_content",
                 "people.fb_from", "people.fb_received", "people.fb_status", "people.fb_result");
  json_array_foreach(list, i, f) {
    const char *st = node_web_js(f, "status"), *fid = node_web_js(f, "id");
    char key[48];
    snprintf(key, sizeof key, "people.st_%s", st);
    cm_html_printf(
        &rq->h,
        "<tr%r><td>%h</td><td>%w</td><td>%h</td><td>%h</td><td>%h</td><td>%w%h</td>"
        "<td>%h</td><td>",
        json_is_true(json_object_get(f, "overdue")) ? " class=\"overdue\"" : "", fid,
        !strcmp(node_web_js(f, "type"), "complaint") ? "people.complaint" : "people.suggestion",
        node_web_js(f, "content"), node_web_js(f, "from"), node_web_js(f, "received"), key,
        json_is_true(json_object_get(f, "overdue")) ? cm_i18n_t(rq->lang, "people.overdue") : "",
        node_web_js(f, "result"));
    if (!strcmp(st, "received")) {
      people_form(rq, id, "handle");
      cm_html_printf(&rq->h, "<input type=\"hidden\" name=\"fid\" value=\"%h\">", fid);
      cm_html_input(&rq->h, "text", "result", "people.fb_result", NULL, 1, NODE_WEB_LONG_ATTR, NULL);
      node_web_form_end(rq, "people.handle");
    } else if (!strcmp(st, "handled")) {
      people_form(rq, id, "report");
      cm_html_printf(&rq->h, "<input type=\"hidden\" name=\"fid\" value=\"%h\">", fid);
      node_web_form_end(rq, "people.report");
    }
    cm_html_raw(&rq->h, "</td></tr>");
  }
  cm_html_printf(&rq->h, "</table><h3>%w</h3>", "people.fb_add");
  people_form(rq, id, "feedback");
  const char *ty = typed(rq, "type");
  cm_html_select_begin(&rq->h, "type", "people.fb_type", 1);
  cm_html_option(&rq->h, "complaint", cm_i18n_t(rq->lang, "people.complaint"),
                 !ty || !strcmp(ty, "complaint"));
  cm_html_option(&rq->h, "suggestion", cm_i18n_t(rq->lang, "people.suggestion"),
                 ty && !strcmp(ty, "suggestion"));
  cm_html_select_end(&rq->h, NULL);
  cm_html_textarea(&rq->h, "content", "people.fb_content", typed(rq, "content"), 1,
                   NODE_WEB_TEXT_MAX, NULL);
  cm_html_input(&rq->h, "text", "from", "people.fb_from", typed(rq, "from"), 0, "maxlength=\"60\"",
                "people.from_hint");
  cm_html_input(&rq->h, "date", "received", "people.fb_received", typed(rq, "received"), 0, NULL,
                "people.today_hint");
  node_web_form_end(rq, "people.fb_add");
  cm_html_raw(&rq->h, "</section>");
}

static void funding_part(node_web_rq *rq, const char *id, const json_t *list) {
  const json_t *f;
  size_t i;
  cm_html_printf(&rq->h,
                 "<section id=\"people-funding\"><h2>%w</h2><table class=\"grid\" id=\"funding\">"
                 "<tr><th>%w</th><th>%w</th><th>%w</th><th>%w</th></tr>",
                 "people.funding", "people.year", "people.source", "people.amount",
                 "people.purpose");
  json_array_foreach(list, i, f) {
    long long fen = node_web_ji(f, "amount");
    char yuan[32];
    snprintf(yuan, sizeof yuan, "%lld.%02lld", fen / 100, fen % 100);
    cm_html_printf(&rq->h, "<tr><td>%lld</td><td>%h</td><td>%h</td><td>%h</td></tr>",
                   node_web_ji(f, "year"), node_web_js(f, "source"), yuan,
                   node_web_js(f, "purpose"));
  }
  cm_html_printf(&rq->h, "</table><h3>%w</h3>", "people.fund_add");
  people_form(rq, id, "funding");
  cm_html_input(&rq->h, "text", "source", "people.source", typed(rq, "source"), 1, NODE_WEB_SHORT_ATTR, NULL);
  cm_html_input(&rq->h, "text", "amount", "people.amount", typed(rq, "amount"), 1,
                CM_HTML_YUAN_ATTR, "insp.yuan_hint");
  cm_html_input(&rq->h, "number", "year", "people.year", typed(rq, "year"), 0,
                "min=\"2000\" max=\"9999\"", "people.year_hint");
  cm_html_input(&rq->h, "text", "purpose", "people.purpose", typed(rq, "purpose"), 0, NODE_WEB_LONG_ATTR, NULL);
  node_web_form_end(rq, "people.fund_add");
  cm_html_raw(&rq->h, "</section>");
}

/* The page of organisation id, with the refusal e (or NULL) and status. */
static void people_page(node_web_rq *rq, const char *id, const cm_err *e, int status) {
  json_t *org = NULL, *roster = NULL, *pledge = NULL, *fb = NULL, *fund = NULL;
  cm_err le;
  cm_err_clear(&le);
  node_ctx *db = node_web_db(rq);
  cm_rc rc = node_org_get(db, id, &org, &le);
  if (!rc) rc = node_roster_list(db, id, &roster, &le);
  if (!rc) rc = node_pledge_get(db, id, &pledge, &le);
  if (!rc) rc = node_feedback_list(db, id, &fb, &le);
  if (!rc) rc = node_funding_list(db, id, &fund, &le);
  node_web_page_begin(rq, "people.title", "nav.orgs");
  if (rc) {
    cm_html_msg(&rq->h, "error", "form.error", le.msg);
    status = cm_rc_http_status(rc);
    goto end;
  }
  cm_html_printf(&rq->h, "<h1><a href=\"/orgs/%U\">%h</a> %w</h1>", id, node_web_js(org, "name"),
                 "people.title");
  if (e)
    node_web_refusal(rq, e);
  else if (cm_http_query(rq->req, "ok")) {
    cm_html_msg(&rq->h, "ok", "people.saved", "");
  }
  roster_part(rq, id, roster);
  pledge_part(rq, id, pledge);
  feedback_part(rq, id, fb);
  funding_part(rq, id, fund);
end:
  node_web_page_end(rq);
  node_web_end(rq, status);
  json_decref(org);
  json_decref(roster);
  json_decref(pledge);
  json_decref(fb);
  json_decref(fund);
}

void node_web_h_people(cm_http_req *req, cm_http_resp *resp, void *ctx) {
  node_web_rq rq;
  if (!node_web_begin(&rq, req, resp, ctx)) return;
  people_page(&rq, cm_http_param(req, 0), NULL, 200);
}

void node_web_h_people_post(cm_http_req *req, cm_http_resp *resp, void *ctx) {
  node_web_rq rq;
  const char *id = cm_http_param(req, 0), *what;
  char loc[128], fid[64];
  int64_t member = 0;
  cm_err e;
  cm_rc rc;
  if (!node_web_begin(&rq, req, resp, ctx)) return;
  cm_err_clear(&e);
  what = typed(&rq, "do");
  node_ctx *db = node_web_db(&rq);
  if (!what) {
    rc = cm_errf(&e, CM_ERR_INVALID, "表单不完整 / incomplete form");
  } else if (!strcmp(what, "roster")) {
    node_roster_input in = {id,
                            typed(&rq, "name"),
                            typed(&rq, "role"),
                            typed(&rq, "party_member"),
                            typed(&rq, "home_community"),
                            typed(&rq, "joined"),
                            typed(&rq, "leader"),
                            typed(&rq, "reason")};
    rc = node_roster_add(db, &in, &member, &e);
  } else if (!strcmp(what, "leave")) {
    rc = node_roster_leave(db, id, typed(&rq, "member"), NULL, &e);
  } else if (!strcmp(what, "pledge")) {
    rc = node_pledge_set(db, id, typed(&rq, "rules"), typed(&rq, "pledge"), &e);
  } else if (!strcmp(what, "feedback")) {
    rc = node_feedback_add(db, id, typed(&rq, "type"), typed(&rq, "content"), typed(&rq, "from"),
                           typed(&rq, "received"), fid, sizeof fid, &e);
  } else if (!strcmp(what, "handle") || !strcmp(what, "report")) {
    rc = node_feedback_update(db, typed(&rq, "fid"),
                              !strcmp(what, "handle") ? "handled" : "reported",
                              typed(&rq, "result"), NULL, &e);
  } else if (!strcmp(what, "funding")) {
    rc = node_funding_add(db, id, typed(&rq, "source"), typed(&rq, "amount"), typed(&rq, "purpose"),
                          typed(&rq, "year"), NULL, &e);
  } else {
    rc = cm_errf(&e, CM_ERR_INVALID, "表单不完整 / incomplete form");
  }
  if (rc) {
    people_page(&rq, id, &e, cm_rc_http_status(rc));
    return;
  }
  snprintf(loc, sizeof loc, "/orgs/%s/people?ok=1", id);
  node_web_redirect(&rq, loc);
}

void node_web_h_roster_csv(cm_http_req *req, cm_http_resp *resp, void *ctx) {
  node_web_rq rq;
  cm_buf b;
  cm_err e;
  char disp[160];
  if (!node_web_begin(&rq, req, resp, ctx)) return;
  cm_err_clear(&e);
  cm_buf_init(&b, NODE_WEB_PAGE_MAX);
  const char *id = cm_http_param(req, 0);
  const char *path = cm_http_path(req);
  size_t pl = strlen(path);
  int xlsx = pl > 5 && !strcmp(path + pl - 5, ".xlsx");
  cm_rc rc = xlsx ? node_roster_xlsx(node_web_db(&rq), id, rq.app->dir, &b, &e)
                  : node_roster_csv(node_web_db(&rq), id, &b, &e);
  node_web_end(&rq, 0);
  if (rc) {
    cm_http_resp_error(resp, cm_rc_http_status(rc), rc, e.msg, NULL);
  } else {
    snprintf(disp, sizeof disp, "attachment; filename=\"roster-%s.%s\"", id, xlsx ? "xlsx" : "csv");
    cm_http_resp_header(resp, "Content-Disposition", disp);
    if (cm_http_resp_set(resp, 200,
                         xlsx ? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                              : "text/csv; charset=utf-8",
                         b.p, b.len))
      cm_http_resp_error(resp, 500, CM_ERR_NOMEM, "内存不足", NULL);
  }
  cm_buf_free(&b);
}
