/* web_decide.c - decisions (commend, criticise with a deadline, inspection
 * result, revoke, notice) and the major activities waiting for this level's
 * acknowledgement.  The entries are hub/decide.c's and hub/activity.c's
 * (signed, carrying the operator's name); this file is the forms, the lists and
 * the audit trail.
 *
 * At a district hub these pages are for operators not bound to one street:
 * decisions and activities are not tied to a street in what the lists return. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/log.h"
#include "activity.h"
#include "decide.h"
#include "web.h"

static const char *const kind_names[] = {"commend", "criticize", "inspect", "revoke", "notice"};
static const char *const results[] = {"pass", "rectify", "fail"};

/* A form field, or NULL when absent or empty. */
static const char *field(hub_web_req *w, const char *name) {
  const char *v = cm_http_form(w->req, name, 0);
  return v && *v ? v : NULL;
}

/* ---- decisions ---- */

static void decide_form(hub_web_req *w) {
  hub_web_raw(w, "<section class=\"card\"><h2>");
  hub_web_word(w, "decide.new");
  hub_web_raw(w, "</h2><form method=\"post\" action=\"/decide\" id=\"decide-form\">");
  hub_web_csrf_field(w);
  hub_web_raw(w, "<label>");
  hub_web_word(w, "decide.kind");
  hub_web_raw(w, "<select name=\"kind\" id=\"decide-kind\">");
  for (size_t i = 0; i < sizeof kind_names / sizeof kind_names[0]; i++) {
    char key[40];
    snprintf(key, sizeof key, "decide.kind.%s", kind_names[i]);
    hub_web_rawf(w, "<option value=\"%s\">", kind_names[i]);
    hub_web_word(w, key);
    hub_web_raw(w, "</option>");
  }
  hub_web_raw(w, "</select></label><label>");
  hub_web_word(w, "decide.org");
  hub_web_raw(w, "<input name=\"org\" maxlength=\"64\"></label><label>");
  hub_web_word(w, "decide.community");
  hub_web_raw(w, "<input name=\"community\" maxlength=\"128\"></label><label>");
  hub_web_word(w, "decide.deadline");
  hub_web_raw(w, "<input type=\"date\" name=\"deadline\"></label><label>");
  hub_web_word(w, "decide.result");
  hub_web_raw(w, "<select name=\"result\"><option value=\"\">-</option>");
  for (size_t i = 0; i < sizeof results / sizeof results[0]; i++) {
    char key[40];
    snprintf(key, sizeof key, "decide.result.%s", results[i]);
    hub_web_rawf(w, "<option value=\"%s\">", results[i]);
    hub_web_word(w, key);
    hub_web_raw(w, "</option>");
  }
  hub_web_raw(w, "</select></label><label class=\"wide\">");
  hub_web_word(w, "decide.reason");
  hub_web_raw(w, "<textarea name=\"reason\" required maxlength=\"1000\" rows=\"3\"></textarea>"
                 "</label><button type=\"submit\" id=\"decide-submit\">");
  hub_web_word(w, "decide.submit");
  hub_web_raw(w, "</button></form></section>");
}

void hub_web_page_decide(cm_http_req *req, cm_http_resp *resp, void *ctx) {
  hub_web_req w;
  json_t *list = NULL;
  cm_err err = {0};
  if (!hub_web_begin(&w, req, resp, ctx, HUB_WEB_LOGIN | HUB_WEB_DISTRICT)) return;
  cm_rc rc = hub_decisions_list(w.hub, &list, &err);
  if (rc) {
    hub_web_fail_rc(&w, rc, err.msg);
    goto out;
  }
  hub_web_head(&w, "decide.title");
  hub_web_raw(&w, "<h1>");
  hub_web_word(&w, "decide.title");
  hub_web_raw(&w, "</h1>");
  if (hub_auth_can_write(&w.s)) decide_form(&w);
  hub_web_raw(&w, "<h2>");
  hub_web_word(&w, "decide.list");
  hub_web_raw(&w, "</h2>");
  if (!json_array_size(list)) {
    hub_web_raw(&w, "<p class=\"empty\">");
    hub_web_word(&w, "decide.none");
    hub_web_raw(&w, "</p>");
  } else {
    hub_web_raw(&w, "<table class=\"list\" id=\"decisions\"><thead><tr><th>");
    hub_web_word(&w, "decide.time");
    hub_web_raw(&w, "</th><th>");
    hub_web_word(&w, "decide.kind");
    hub_web_raw(&w, "</th><th>");
    hub_web_word(&w, "decide.by");
    hub_web_raw(&w, "</th><th>");
    hub_web_word(&w, "decide.about");
    hub_web_raw(&w, "</th><th>");
    hub_web_word(&w, "decide.reason");
    hub_web_raw(&w, "</th><th>");
    hub_web_word(&w, "decide.state");
    hub_web_raw(&w, "</th><th>");
    hub_web_word(&w, "review.operator");
    hub_web_raw(&w, "</th></tr></thead><tbody>");
    size_t i;
    json_t *d;
    json_array_foreach(list, i, d) {
      char key[48];
      const char *kind = json_string_value(json_object_get(d, "kind"));
      int overdue = json_is_true(json_object_get(d, "overdue"));
      hub_web_rawf(&w, "<tr%s><td>", overdue ? " class=\"flagged\"" : "");
      hub_web_time(&w, (uint64_t)json_integer_value(json_object_get(d, "time_ms")));
      hub_web_raw(&w, "</td><td>");
      snprintf(key, sizeof key, "decide.kind.%s", kind ? kind : "");
      hub_web_text(&w, hub_i18n_has(key) ? hub_web_t(&w, key) : (kind ? kind : ""));
      hub_web_raw(&w, "</td><td>");
      hub_web_text(&w, json_string_value(json_object_get(d, "by")));
      hub_web_raw(&w, "</td><td>");
      const char *org = json_string_value(json_object_get(d, "org"));
      hub_web_text(&w, org && *org ? org : json_string_value(json_object_get(d, "community")));
      hub_web_raw(&w, "</td><td>");
      hub_web_text(&w, json_string_value(json_object_get(d, "reason")));
      const char *result = json_string_value(json_object_get(d, "result"));
      if (result && *result) {
        snprintf(key, sizeof key, "decide.result.%s", result);
        hub_web_raw(&w, " <span class=\"flag\">");
        hub_web_text(&w, hub_i18n_has(key) ? hub_web_t(&w, key) : result);
        hub_web_raw(&w, "</span>");
      }
      hub_web_raw(&w, "</td><td>");
      if (kind && !strcmp(kind, "criticize")) {
        const char *deadline = json_string_value(json_object_get(d, "deadline"));
        hub_web_text(&w, deadline ? deadline : "");
        hub_web_raw(&w, " ");
        hub_web_word(&w, json_is_true(json_object_get(d, "closed")) ? "decide.closed"
                         : overdue                                   ? "decide.overdue"
                                                                     : "decide.open");
      }
      hub_web_raw(&w, "</td><td>");
      hub_web_text(&w, json_string_value(json_object_get(d, "operator")));
      hub_web_raw(&w, "</td></tr>");
    }
    hub_web_raw(&w, "</tbody></table>");
  }
  hub_web_foot(&w);
out:
  json_decref(list);
  hub_web_end(&w);
}

void hub_web_page_decide_post(cm_http_req *req, cm_http_resp *resp, void *ctx) {
  hub_web_req w;
  cm_err err = {0};
  char record[PROTO_KEY_HEX + 24] = "";
  hub_decision d = {0};
  if (!hub_web_begin(&w, req, resp, ctx, HUB_WEB_WRITE | HUB_WEB_DISTRICT)) return;
  cm_rc rc = hub_decision_kind_parse(field(&w, "kind"), &d.kind, &err);
  d.org = field(&w, "org");
  d.community = d.org ? NULL : field(&w, "community");
  d.deadline = field(&w, "deadline");
  d.result = field(&w, "result");
  d.reason = field(&w, "reason");
  if (!rc) rc = hub_decide(w.hub, &d, hub_web_operator(&w), record, sizeof record, &err);
  if (rc) {
    hub_web_fail_rc(&w, rc, err.msg);
    goto out;
  }
  char detail[1200];
  snprintf(detail, sizeof detail, "%s %s: %.1000s", hub_decision_kind_name(d.kind),
           d.org ? d.org : (d.community ? d.community : ""), d.reason ? d.reason : "");
  hub_web_audit(&w, "decision", record, detail);
  cm_info("web: %s issued decision %s", w.s.op.name, record);
  hub_web_redirect(&w, "/decide?msg=msg.decided");
out:
  hub_web_end(&w);
}

/* ---- major activities ---- */

/* This level's status of activity a ("pending" when absent). */
static const char *level_status(const hub_web_req *w, const json_t *a, const char *level) {
  const char *s = json_string_value(json_object_get(json_object_get(a, level), "status"));
  (void)w;
  return s && *s ? s : "pending";
}

static void status_cell(hub_web_req *w, const json_t *a, const char *level) {
  char key[40];
  const char *s = level_status(w, a, level);
  snprintf(key, sizeof key, "status.%s", s);
  hub_web_raw(w, "<td><span class=\"status ");
  hub_web_text(w, s);
  hub_web_raw(w, "\">");
  hub_web_text(w, hub_i18n_has(key) ? hub_web_t(w, key) : s);
  hub_web_raw(w, "</span>");
  const char *note = json_string_value(json_object_get(json_object_get(a, level), "note"));
  if (note && *note) {
    hub_web_raw(w, "<br><small>");
    hub_web_text(w, note);
    hub_web_raw(w, "</small>");
  }
  hub_web_raw(w, "</td>");
}

/* The activities table; waiting_only keeps those pending at this level. */
static size_t activity_table(hub_web_req *w, json_t *list, int waiting_only, const char *id) {
  const char *mine = w->hub->role == HUB_ROLE_DISTRICT ? "district" : "street";
  int can_act = hub_auth_can_write(&w->s);
  size_t shown = 0, i;
  json_t *a;
  json_array_foreach(list, i, a) {
    int waiting = !strcmp(level_status(w, a, mine), "pending");
    /* The district acknowledges what the street has acknowledged. */
    if (w->hub->role == HUB_ROLE_DISTRICT && strcmp(level_status(w, a, "street"), "acknowledged"))
      waiting = 0;
    if (waiting_only && !waiting) continue;
    if (!shown++) {
      hub_web_rawf(w, "<table class=\"list\" id=\"%s\"><thead><tr><th>", id);
      hub_web_word(w, "act.date");
      hub_web_raw(w, "</th><th>");
      hub_web_word(w, "act.title_col");
      hub_web_raw(w, "</th><th>");
      hub_web_word(w, "review.community");
      hub_web_raw(w, "</th><th>");
      hub_web_word(w, "act.street_status");
      hub_web_raw(w, "</th><th>");
      hub_web_word(w, "act.district_status");
      hub_web_raw(w, "</th>");
      if (waiting_only && can_act) hub_web_raw(w, "<th></th>");
      hub_web_raw(w, "</tr></thead><tbody>");
    }
    int late = json_is_true(json_object_get(a, "late"));
    hub_web_rawf(w, "<tr%s><td>", late ? " class=\"flagged\"" : "");
    hub_web_text(w, json_string_value(json_object_get(a, "date")));
    if (late) {
      hub_web_raw(w, " <span class=\"flag\">");
      hub_web_word(w, "act.late");
      hub_web_raw(w, "</span>");
    }
    hub_web_raw(w, "</td><td>");
    hub_web_text(w, json_string_value(json_object_get(a, "title")));
    hub_web_raw(w, " <small>");
    hub_web_text(w, json_string_value(json_object_get(a, "org")));
    hub_web_raw(w, "</small></td><td>");
    hub_web_text(w, json_string_value(json_object_get(a, "community")));
    hub_web_raw(w, "</td>");
    status_cell(w, a, "street");
    status_cell(w, a, "district");
    if (waiting_only && can_act) {
      hub_web_raw(w, "<td><form method=\"post\" action=\"/activities\" class=\"ack\">");
      hub_web_csrf_field(w);
      hub_web_raw(w, "<input type=\"hidden\" name=\"id\" value=\"");
      hub_web_text(w, json_string_value(json_object_get(a, "id")));
      hub_web_raw(w, "\"><input name=\"note\" maxlength=\"1000\" placeholder=\"");
      hub_web_word(w, "act.note");
      hub_web_raw(w, "\"><button type=\"submit\" name=\"action\" value=\"ack\">");
      hub_web_word(w, "act.ack");
      hub_web_raw(w, "</button><button type=\"submit\" name=\"action\" value=\"return\" "
                     "class=\"danger\">");
      hub_web_word(w, "act.return");
      hub_web_raw(w, "</button></form></td>");
    }
    hub_web_raw(w, "</tr>");
  }
  if (shown) hub_web_raw(w, "</tbody></table>");
  return shown;
}

void hub_web_page_activities(cm_http_req *req, cm_http_resp *resp, void *ctx) {
  hub_web_req w;
  json_t *list = NULL;
  cm_err err = {0};
  if (!hub_web_begin(&w, req, resp, ctx, HUB_WEB_LOGIN | HUB_WEB_DISTRICT)) return;
  cm_rc rc = hub_activity_list(w.hub, &list, &err);
  if (rc) {
    hub_web_fail_rc(&w, rc, err.msg);
    goto out;
  }
  hub_web_head(&w, "act.title");
  hub_web_raw(&w, "<h1>");
  hub_web_word(&w, "act.title");
  hub_web_raw(&w, "</h1><h2>");
  hub_web_word(&w, "act.waiting");
  hub_web_raw(&w, "</h2>");
  if (!activity_table(&w, list, 1, "waiting")) {
    hub_web_raw(&w, "<p class=\"empty\">");
    hub_web_word(&w, "none");
    hub_web_raw(&w, "</p>");
  }
  hub_web_raw(&w, "<h2>");
  hub_web_word(&w, "act.all");
  hub_web_raw(&w, "</h2>");
  if (!activity_table(&w, list, 0, "activities")) {
    hub_web_raw(&w, "<p class=\"empty\">");
    hub_web_word(&w, "act.none");
    hub_web_raw(&w, "</p>");
  }
  hub_web_foot(&w);
out:
  json_decref(list);
  hub_web_end(&w);
}

void hub_web_page_activities_post(cm_http_req *req, cm_http_resp *resp, void *ctx) {
  hub_web_req w;
  cm_err err = {0};
  cm_rc rc = CM_OK;
  if (!hub_web_begin(&w, req, resp, ctx, HUB_WEB_WRITE | HUB_WEB_DISTRICT)) return;
  const char *id = field(&w, "id");
  const char *action = field(&w, "action");
  const char *note = field(&w, "note");
  int ret = action && !strcmp(action, "return");
  if (!id || !action || (!ret && strcmp(action, "ack")) ||
      (note && strlen(note) >= HUB_ACTIVITY_NOTE_MAX)) {
    hub_web_fail(&w, 400, "err.invalid", NULL);
    goto out;
  }
  if (ret && !note) {
    hub_web_fail(&w, 400, "act.need_note", NULL);
    goto out;
  }
  if (ret)
    rc = hub_activity_return(w.hub, id, hub_web_operator(&w), note, NULL, &err);
  else
    rc = hub_activity_ack(w.hub, id, hub_web_operator(&w), note, NULL, &err);
  if (rc) {
    hub_web_fail_rc(&w, rc, err.msg);
    goto out;
  }
  hub_web_audit(&w, ret ? "activity.return" : "activity.ack", id, note ? note : "");
  hub_web_redirect(&w, ret ? "/activities?msg=msg.returned" : "/activities?msg=msg.acked");
out:
  hub_web_end(&w);
}
