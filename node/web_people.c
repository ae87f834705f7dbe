/* web_people.c - the organisation's public notice (公示) at the community's
 * page: its name, leader, service pledge and internal rules, the activities
 * of the last months from its monthly reports, and how residents' feedback
 * was handled; one printable sheet for the notice board, and the same page
 * the community can publish.  Nothing personal beyond the leader's name,
 * which is public on the filing. */
#include <stdio.h>
#include <string.h>

#include "../common/clock.h"
#include "people.h"
#include "web_app.h"

#define NOTICE_MONTHS 6 /* months of activities shown */

static void row(node_web_rq *rq, const char *key, const char *value) {
  cm_html_printf(&rq->h, "<tr><th>%w</th><td>%h</td></tr>", key, value);
}

/* The activities of the last NOTICE_MONTHS months up to this one. */
static void activities(node_web_rq *rq, const char *id, const json_t *reports) {
  char first[8], now[8];
  int m = 0;
  size_t i, shown = 0;
  const json_t *r;
  node_this_month(node_web_db(rq), now);
  cm_month_parse(now, &m);
  unsigned u = m > NOTICE_MONTHS ? (unsigned)(m - (NOTICE_MONTHS - 1)) : 0u;
  snprintf(first, sizeof first, "%04u-%02u", (u / 12u) % 10000u, u % 12u + 1u);
  cm_html_printf(&rq->h, "<h2>%w</h2>", "notice.activities");
  cm_html_printf(&rq->h, "<table class=\"grid\"><tr><th>%w</th><th>%w</th><th>%w</th><th>%w</th></tr>",
                 "notice.month", "notice.count", "notice.participants", "notice.content");
  json_array_foreach(reports, i, r) {
    const char *month = node_web_js(r, "month");
    if (strcmp(node_web_js(r, "org"), id) != 0 || strcmp(month, first) < 0) continue;
    if (strcmp(node_web_js(r, "review"), "rejected") == 0) continue;
    cm_html_printf(&rq->h, "<tr><td>%h</td><td>%lld</td><td>%lld</td><td>%h</td></tr>", month,
                   node_web_ji(r, "activities"), node_web_ji(r, "participants"),
                   node_web_js(r, "content"));
    shown++;
  }
  if (!shown) cm_html_printf(&rq->h, "<tr><td colspan=\"4\">%w</td></tr>", "notice.none");
  cm_html_raw(&rq->h, "</table>");
}

void node_web_h_notice(cm_http_req *req, cm_http_resp *resp, void *ctx) {
  node_web_rq rq;
  json_t *org = NULL, *pledge = NULL, *reports = NULL, *feedback = NULL, *f;
  const char *id = cm_http_param(req, 0);
  char today[11], num[64];
  size_t i, handled = 0;
  cm_err e;
  if (!node_web_begin(&rq, req, resp, ctx)) return;
  cm_err_clear(&e);
  node_ctx *db = node_web_db(&rq);
  cm_rc rc = node_org_get(db, id ? id : "", &org, &e);
  if (!rc) rc = node_pledge_get(db, id, &pledge, &e);
  if (!rc) rc = node_report_list(db, id, NULL, &reports, &e);
  if (!rc) rc = node_feedback_list(db, id, &feedback, &e);
  node_web_page_begin(&rq, "notice.title", "nav.orgs");
  if (rc) {
    cm_html_msg(&rq.h, "error", "form.error", e.msg);
    goto end;
  }
  node_today(db, today);
  cm_html_printf(&rq.h,
                 "<div class=\"actions noprint\"><button type=\"button\" "
                 "onclick=\"window.print()\">%w</button></div>"
                 "<article class=\"sheet\" id=\"notice-sheet\"><h1>%h %w</h1>"
                 "<div class=\"sub\"><span>%h</span><span>%h</span></div><table>",
                 "plan.print", node_web_js(org, "name"), "notice.title", id,
                 rq.app->community);
  row(&rq, "notice.name", node_web_js(org, "name"));
  row(&rq, "notice.category", node_web_js(org, "category"));
  row(&rq, "notice.leader", node_web_js(org, "leader"));
  snprintf(num, sizeof num, "%lld", node_web_ji(org, "members"));
  row(&rq, "notice.members", num);
  row(&rq, "notice.scope", node_web_js(org, "scope"));
  cm_html_raw(&rq.h, "</table>");
  cm_html_printf(&rq.h, "<h2>%w</h2><p class=\"pledge\">%h</p>", "notice.pledge",
                 pledge ? node_web_js(pledge, "pledge") : "");
  if (pledge && node_web_js(pledge, "rules")[0])
    cm_html_printf(&rq.h, "<h2>%w</h2><p class=\"rules\">%h</p>", "notice.rules",
                   node_web_js(pledge, "rules"));
  activities(&rq, id, reports);
  json_array_foreach(feedback, i, f) {
    handled += strcmp(node_web_js(f, "status"), "received") != 0;
  }
  cm_html_printf(&rq.h, "<h2>%w</h2><p>%w</p>", "notice.supervision", "notice.welcome");
  if (json_array_size(feedback))
    cm_html_printf(&rq.h, "<p>%w%zu%w%zu%w</p>", "notice.fb_before", json_array_size(feedback),
                   "notice.fb_mid", handled, "notice.fb_after");
  cm_html_printf(&rq.h, "<p class=\"signed\">%h %h</p></article>", rq.app->community,
                 today);
end:
  node_web_page_end(&rq);
  node_web_end(&rq, rc == CM_ERR_NOT_FOUND ? 404 : rc ? node_web_err_status(rc) : 200);
  json_decref(org);
  json_decref(pledge);
  json_decref(reports);
  json_decref(feedback);
}
