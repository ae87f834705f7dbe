/* web_station.c - the community's party-member activity stations (党员活动站)
 * on the node's pages: the registrations with their review status, and the
 * form that registers one (node_station_register, checked by the domain core
 * before it is signed). */
#include <stdio.h>
#include <string.h>

#include "records.h"
#include "web_app.h"

static void station_form(node_web_rq *rq, const node_station_input *in, const cm_err *e,
                         int status) {
  node_web_org_form_begin(rq, "station.new", "nav.orgs", "/stations", in->org, e);
  cm_html_input(&rq->h, "text", "name", "station.name", in->name, 1, "maxlength=\"200\"", NULL);
  cm_html_input(&rq->h, "text", "leader", "station.leader", in->leader, 1, "maxlength=\"200\"",
                NULL);
  cm_html_input(&rq->h, "number", "party_members", "station.party_members", in->party_members, 1,
                "min=\"1\" step=\"1\"", NULL);
  cm_html_input(&rq->h, "text", "committee", "station.committee", in->committee, 1,
                "maxlength=\"200\"", NULL);
  cm_html_input(&rq->h, "date", "date", "station.date", in->date, 0, NULL, NULL);
  cm_html_input(&rq->h, "text", "branch", "station.branch", in->branch, 0, "maxlength=\"200\"",
                NULL);
  cm_html_input(&rq->h, "date", "branch_date", "station.branch_date", in->branch_date, 0, NULL,
                NULL);
  node_web_form_end(rq, "form.submit");
  node_web_page_end(rq);
  node_web_end(rq, status);
}

void node_web_h_station_new(cm_http_req *req, cm_http_resp *resp, void *ctx) {
  node_web_rq rq;
  node_station_input in;
  if (!node_web_begin(&rq, req, resp, ctx)) return;
  memset(&in, 0, sizeof in);
  in.org = cm_http_query(req, "org");
  station_form(&rq, &in, NULL, 200);
}

void node_web_h_station_file(cm_http_req *req, cm_http_resp *resp, void *ctx) {
  node_web_rq rq;
  node_station_input in;
  char rec[NODE_RECORD_ID_MAX];
  cm_err e;
  if (!node_web_begin(&rq, req, resp, ctx)) return;
  cm_err_clear(&e);
  in.org = cm_http_form(req, "org", 0);
  in.name = cm_http_form(req, "name", 0);
  in.leader = cm_http_form(req, "leader", 0);
  in.party_members = cm_http_form(req, "party_members", 0);
  in.committee = cm_http_form(req, "committee", 0);
  in.date = cm_http_form(req, "date", 0);
  in.branch = cm_http_form(req, "branch", 0);
  in.branch_date = cm_http_form(req, "branch_date", 0);
  cm_rc rc = node_station_register(node_web_db(&rq), &in, rec, &e);
  if (rc) {
    station_form(&rq, &in, &e, cm_rc_http_status(rc));
    return;
  }
  node_web_redirect(&rq, "/stations?ok=1");
}

/* The registrations, newest last, with the street's review of each. */
void node_web_h_station_list(cm_http_req *req, cm_http_resp *resp, void *ctx) {
  node_web_rq rq;
  json_t *list = NULL;
  const json_t *o;
  size_t i;
  cm_err e;
  if (!node_web_begin(&rq, req, resp, ctx)) return;
  cm_err_clear(&e);
  cm_rc rc = node_station_list(node_web_db(&rq), NULL, &list, &e);
  node_web_page_begin(&rq, "station.title", "nav.orgs");
  cm_html_printf(&rq.h, "<h1>%w</h1><p><a class=\"button\" href=\"/stations/new\">%w</a></p>",
                 "station.title", "station.new");
  if (rc) cm_html_msg(&rq.h, "error", "form.error", e.msg);
  if (!rc && cm_http_query(req, "ok")) cm_html_msg(&rq.h, "ok", "station.ok", "");
  if (!rc && json_array_size(list) == 0) cm_html_printf(&rq.h, "<p class=\"muted\">%w</p>", "station.none");
  if (!rc && json_array_size(list)) {
    cm_html_printf(&rq.h,
                   "<table id=\"stations\"><tr><th>%w</th><th>%w</th><th>%w</th><th>%w</th>"
                   "<th>%w</th><th>%w</th><th>%w</th></tr>",
                   "rep.org", "station.name", "station.leader", "station.party_members",
                   "station.date", "station.branch", "station.review");
    json_array_foreach(list, i, o) {
      cm_html_printf(&rq.h,
                     "<tr><td>%h</td><td>%h</td><td>%h</td><td>%lld</td><td>%h</td><td>%h</td>"
                     "<td data-review=\"%r\">%w %h</td></tr>",
                     node_web_js(o, "org"), node_web_js(o, "name"), node_web_js(o, "leader"),
                     node_web_ji(o, "party_members"), node_web_js(o, "date"),
                     node_web_js(o, "branch"), node_web_js(o, "review"),
                     !strcmp(node_web_js(o, "review"), "accepted")   ? "review.accepted"
                     : !strcmp(node_web_js(o, "review"), "rejected") ? "review.rejected"
                                                                     : "review.pending",
                     node_web_js(o, "review_reason"));
    }
    cm_html_raw(&rq.h, "</table>");
  }
  node_web_page_end(&rq);
  node_web_end(&rq, rc ? 500 : 200);
  json_decref(list);
}
