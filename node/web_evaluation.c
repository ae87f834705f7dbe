/* web_evaluation.c - the staff page's evaluation and commendation (评比表彰):
 * the rounds the district opened, the nomination form (the same records API
 * as `linli-node nominate`, so a refused form comes back with the same
 * message and what the staff typed), and this community's nominations with
 * the street's recommendation and the district's commendation. */
#include <stdio.h>
#include <string.h>

#include "evaluation.h"
#include "records.h"
#include "web_app.h"

/* The page: rounds, the form (in: what was typed, e: why it was refused),
 * nominations. */
static void eval_page(node_web_rq *rq, const node_nomination_input *in, const cm_err *e,
                      int status) {
  json_t *list = NULL, *orgs = NULL;
  const json_t *o;
  size_t i;
  cm_err le;
  int open = 0;
  cm_err_clear(&le);
  cm_rc rc = node_eval_list(node_web_db(rq), &list, &le);
  if (!rc) rc = node_org_list(node_web_db(rq), &orgs, &le);
  node_web_page_begin(rq, "eval.title", "nav.evaluation");
  cm_html_printf(&rq->h, "<h1>%w</h1>", "eval.title");
  if (rc) {
    cm_html_msg(&rq->h, "error", "form.error", le.msg);
    goto end;
  }
  if (!e && cm_http_query(rq->req, "ok")) cm_html_msg(&rq->h, "ok", "eval.ok", "");
  cm_html_printf(&rq->h, "<h2>%w</h2>", "eval.rounds");
  if (json_array_size(json_object_get(list, "rounds")) == 0)
    cm_html_printf(&rq->h, "<p class=\"muted\">%w</p>", "eval.no_rounds");
  else
    cm_html_printf(&rq->h, "<table id=\"eval-rounds\"><tr><th>%w</th><th>%w</th><th>%w</th>"
                           "<th>%w</th><th>%w</th></tr>",
                   "eval.round", "eval.round_title", "insp.year", "eval.closes", "eval.state");
  json_array_foreach(json_object_get(list, "rounds"), i, o) {
    int is_open = json_is_true(json_object_get(o, "open"));
    open |= is_open;
    const char *closed = node_web_js(o, "closed");
    cm_html_printf(&rq->h, "<tr data-round=\"%h\"><td>%h</td><td>%h</td><td>%lld</td><td>%h</td>"
                           "<td class=\"state\">%w %h</td></tr>",
                   node_web_js(o, "round"), node_web_js(o, "round"), node_web_js(o, "title"),
                   node_web_ji(o, "year"), node_web_js(o, "closes"),
                   is_open ? "eval.open" : *closed ? "eval.closed_early" : "eval.closed", closed);
  }
  if (json_array_size(json_object_get(list, "rounds")) > 0) cm_html_raw(&rq->h, "</table>");

  if (open || e) {
    cm_html_printf(&rq->h, "<h2>%w</h2>", "eval.nominate");
    if (e) {
      char part[sizeof e->msg];
      cm_i18n_msg_part(rq->lang, e->msg[0] ? e->msg : cm_strerror(e->rc), part, sizeof part);
      cm_html_msg(&rq->h, "error", "form.error", part);
    }
    node_web_form_begin(rq, "/evaluation", NULL);
    cm_html_select_begin(&rq->h, "round", "eval.round", 1);
    json_array_foreach(json_object_get(list, "rounds"), i, o) {
      char label[600];
      const char *id = node_web_js(o, "round");
      if (!json_is_true(json_object_get(o, "open"))) continue;
      snprintf(label, sizeof label, "%s  %s", id, node_web_js(o, "title"));
      cm_html_option(&rq->h, id, label, in->round && !strcmp(in->round, id));
    }
    cm_html_select_end(&rq->h, NULL);
    node_web_org_select(rq, orgs, in->org);
    cm_html_input(&rq->h, "text", "person", "eval.person", in->person, 0, NODE_WEB_SHORT_ATTR, "eval.person_hint");
    cm_html_textarea(&rq->h, "deeds", "eval.deeds", in->deeds, 1, NODE_WEB_TEXT_MAX, NULL);
    node_web_form_end(rq, "eval.submit");
  }

  cm_html_printf(&rq->h, "<h2>%w</h2>", "eval.nominations");
  if (json_array_size(json_object_get(list, "nominations")) == 0) {
    cm_html_printf(&rq->h, "<p class=\"muted\">%w</p>", "eval.no_nominations");
    goto end;
  }
  cm_html_printf(&rq->h, "<table id=\"eval-nominations\"><tr><th>%w</th><th>%w</th><th>%w</th>"
                         "<th>%w</th><th>%w</th><th>%w</th><th>%w</th><th>%w</th></tr>",
                 "eval.round", "rep.org", "eval.person", "eval.deeds", "eval.written",
                 "eval.state", "eval.opinion", "eval.reason");
  json_array_foreach(json_object_get(list, "nominations"), i, o) {
    const char *person = node_web_js(o, "person"), *st = node_web_js(o, "status");
    char key[64];
    snprintf(key, sizeof key, "eval.status.%s", st);
    cm_html_printf(&rq->h, "<tr data-record=\"%h\" class=\"%h\"><td>%h</td><td>%h</td><td>",
                   node_web_js(o, "record"), st, node_web_js(o, "round"), node_web_js(o, "org"));
    if (*person)
      cm_html_esc(&rq->h, person);
    else
      cm_html_word(&rq->h, "eval.org_itself");
    cm_html_printf(&rq->h, "</td><td>%h</td><td>", node_web_js(o, "deeds"));
    cm_html_time(&rq->h, (uint64_t)node_web_ji(o, "time_ms"));
    cm_html_printf(&rq->h, "</td><td class=\"status\">%h</td><td>%h</td><td>%h</td></tr>",
                   cm_i18n_t(rq->lang, key), node_web_js(o, "opinion"), node_web_js(o, "reason"));
  }
  cm_html_raw(&rq->h, "</table>");
end:
  node_web_page_end(rq);
  node_web_end(rq, rc ? 500 : status);
  json_decref(list);
  json_decref(orgs);
}

void node_web_h_eval_list(cm_http_req *req, cm_http_resp *resp, void *ctx) {
  node_web_rq rq;
  node_nomination_input in;
  if (!node_web_begin(&rq, req, resp, ctx)) return;
  memset(&in, 0, sizeof in);
  in.org = cm_http_query(req, "org");
  eval_page(&rq, &in, NULL, 200);
}

void node_web_h_eval_nominate(cm_http_req *req, cm_http_resp *resp, void *ctx) {
  node_web_rq rq;
  node_nomination_input in;
  char rec[NODE_RECORD_ID_MAX];
  cm_err e;
  if (!node_web_begin(&rq, req, resp, ctx)) return;
  cm_err_clear(&e);
  in.round = cm_http_form(req, "round", 0);
  in.org = cm_http_form(req, "org", 0);
  in.person = cm_http_form(req, "person", 0);
  in.deeds = cm_http_form(req, "deeds", 0);
  cm_rc rc = node_nominate(node_web_db(&rq), &in, rec, &e);
  if (rc) {
    eval_page(&rq, &in, &e, cm_rc_http_status(rc));
    return;
  }
  node_web_redirect(&rq, "/evaluation?ok=1");
}
