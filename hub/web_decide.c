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

#include "../common/clock.h"
#include "../common/log.h"
#include "../common/records.h"
#include "activity.h"
#include "decide.h"
#include "store.h"
#include "web.h"

static const char *const kind_names[] = {"commend", "criticize", "inspect", "revoke", "notice"};
static const char *const results[] = {"pass", "rectify", "fail"};

/* A form field, or NULL when absent or empty. */
static const char *field(hub_web_req *w, const char *name) {
  const char *v = cm_http_form(w->req, name, 0);
  return v && *v ? v : NULL;
}

/* ---- decisions ---- */

/* The organisations held here as a <datalist> for the picker. */
static void org_list(hub_web_req *w) {
  json_t *orgs = NULL;
  cm_err err = {0};
  size_t i;
  json_t *o;
  pthread_mutex_lock(&w->hub->lock);
  cm_rc rc = hub_store_street_org_names(w->hub->store, "", &orgs, &err);
  pthread_mutex_unlock(&w->hub->lock);
  if (rc) cm_warn("web: organisation list: %s", err.msg);
  cm_html_raw(&w->h, "<datalist id=\"org-list\">");
  json_array_foreach(orgs, i, o) {
    cm_html_printf(&w->h, "<option value=\"%h\" label=\"%h\">%h</option>",
                   json_string_value(json_object_get(o, "id")),
                   json_string_value(json_object_get(o, "name")),
                   json_string_value(json_object_get(o, "name")));
  }
  cm_html_raw(&w->h, "</datalist>");
  json_decref(orgs);
}

/* The name of organisation id held here ("" when unknown), into out. */
static void org_name(hub_web_req *w, const char *id, char *out, size_t cap) {
  json_t *orgs = NULL;
  size_t i;
  json_t *o;
  if (cap) out[0] = '\0';
  pthread_mutex_lock(&w->hub->lock);
  (void)hub_store_street_org_names(w->hub->store, "", &orgs, NULL);
  pthread_mutex_unlock(&w->hub->lock);
  json_array_foreach(orgs, i, o) {
    if (id && !strcmp(id, json_string_value(json_object_get(o, "id")))) {
      snprintf(out, cap, "%s", json_string_value(json_object_get(o, "name")));
      break;
    }
  }
  json_decref(orgs);
}

/* The form; after a refusal (keep) it holds what was typed. */
static void decide_form(hub_web_req *w, int keep) {
  const char *kind = keep ? field(w, "kind") : NULL, *result = keep ? field(w, "result") : NULL;
  const char *v_org = keep ? field(w, "org") : NULL, *v_comm = keep ? field(w, "community") : NULL;
  const char *v_dl = keep ? field(w, "deadline") : NULL, *v_reason = keep ? field(w, "reason") : NULL;
  cm_html_printf(&w->h, "<section class=\"card\"><h2>%w</h2>"
                        "<form method=\"post\" action=\"/decide\" id=\"decide-form\">",
                 "decide.new");
  hub_web_csrf_field(w);
  cm_html_printf(&w->h, "<label>%w<select name=\"kind\" id=\"decide-kind\">", "decide.kind");
  for (size_t i = 0; i < sizeof kind_names / sizeof kind_names[0]; i++) {
    char key[40];
    snprintf(key, sizeof key, "decide.kind.%s", kind_names[i]);
    cm_html_printf(&w->h, "<option value=\"%r\"%r>%w</option>", kind_names[i],
                   kind && !strcmp(kind, kind_names[i]) ? " selected" : "", key);
  }
  /* The organisation picker: typing a name or a filing number offers the
   * organisations held here; the value sent is the filing number. */
  cm_html_printf(&w->h, "</select></label><label>%w<input name=\"org\" id=\"decide-org\" "
                        "maxlength=\"64\" list=\"org-list\" autocomplete=\"off\" "
                        "placeholder=\"%w\" value=\"%h\"></label>",
                 "decide.org", "decide.org_hint", v_org ? v_org : "");
  org_list(w);
  cm_html_printf(&w->h, "<label>%w<input name=\"community\" maxlength=\"128\" value=\"%h\">"
                        "</label>", "decide.community", v_comm ? v_comm : "");
  char tomorrow[11];
  cm_date_of(cm_now_ms() + 24ull * 3600 * 1000, tomorrow);
  cm_html_printf(&w->h, "<label>%w<input type=\"date\" name=\"deadline\" id=\"decide-deadline\" "
                        "min=\"%h\" value=\"%h\"></label>",
                 "decide.deadline", tomorrow, v_dl ? v_dl : "");
  cm_html_printf(&w->h, "<label>%w<select name=\"result\"><option value=\"\">-</option>",
                 "decide.result");
  for (size_t i = 0; i < sizeof results / sizeof results[0]; i++) {
    char key[40];
    snprintf(key, sizeof key, "decide.result.%s", results[i]);
    cm_html_printf(&w->h, "<option value=\"%r\"%r>%w</option>", results[i],
                   result && !strcmp(result, results[i]) ? " selected" : "", key);
  }
  cm_html_printf(&w->h, "</select></label><label class=\"wide\">%w<textarea name=\"reason\" "
                        "required maxlength=\"1000\" rows=\"3\">%h</textarea></label>"
                        "<button type=\"submit\" id=\"decide-submit\">%w</button></form></section>",
                 "decide.reason", v_reason ? v_reason : "", "decide.submit");
}

/* hub/decide.c's refusals (written for the command line) as the page's words
 * (which have an English switch):
 * matched by what each message says; NULL when none matches. */
static const char *refusal_key(const char *msg) {
  static const struct {
    const char *has, *key;
  } map[] = {
      {"没有这种决定", "decide.err.kind"},
      {"二者选一", "decide.err.target"},
      {"写明理由", "decide.err.reason"},
      {"名称过长", "decide.err.long"},
      {"整改期限应为日期", "decide.err.deadline_form"},
      {"批评需要整改期限", "decide.err.deadline"},
      {"整改期限须在今天", "decide.err.deadline_past"},
      {"检查结果应为", "decide.err.result"},
      {"检查需要写明结果", "decide.err.result"},
      {"撤销备案需要指定组织", "decide.err.revoke"},
      {"不能表彰", "decide.err.commend_status"},
      {"没有备案编号为", "decide.err.no_org"},
      {"没有名为", "decide.err.no_community"},
  };
  for (size_t i = 0; msg && i < sizeof map / sizeof map[0]; i++)
    if (strstr(msg, map[i].has)) return map[i].key;
  return NULL;
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
  cm_html_raw(&w.h, "<h1>");
  cm_html_word(&w.h, "decide.title");
  cm_html_raw(&w.h, "</h1>");
  if (hub_auth_can_write(&w.s)) decide_form(&w, 0);
  cm_html_raw(&w.h, "<h2>");
  cm_html_word(&w.h, "decide.list");
  cm_html_raw(&w.h, "</h2>");
  if (!json_array_size(list)) {
    cm_html_raw(&w.h, "<p class=\"empty\">");
    cm_html_word(&w.h, "decide.none");
    cm_html_raw(&w.h, "</p>");
  } else {
    cm_html_raw(&w.h, "<table class=\"list\" id=\"decisions\"><thead><tr><th>");
    cm_html_word(&w.h, "decide.time");
    cm_html_raw(&w.h, "</th><th>");
    cm_html_word(&w.h, "decide.kind");
    cm_html_raw(&w.h, "</th><th>");
    cm_html_word(&w.h, "decide.by");
    cm_html_raw(&w.h, "</th><th>");
    cm_html_word(&w.h, "decide.about");
    cm_html_raw(&w.h, "</th><th>");
    cm_html_word(&w.h, "decide.reason");
    cm_html_raw(&w.h, "</th><th>");
    cm_html_word(&w.h, "decide.state");
    cm_html_raw(&w.h, "</th><th>");
    cm_html_word(&w.h, "decide.operator");
    cm_html_raw(&w.h, "</th></tr></thead><tbody>");
    size_t i;
    json_t *d, *orgs = NULL, *o;
    cm_err nerr = {0};
    /* Organisations by name beside their filing number. */
    pthread_mutex_lock(&w.hub->lock);
    if (hub_store_street_org_names(w.hub->store, "", &orgs, &nerr))
      cm_warn("web: organisation names: %s", nerr.msg);
    pthread_mutex_unlock(&w.hub->lock);
    json_array_foreach(list, i, d) {
      char key[48];
      const char *kind = json_string_value(json_object_get(d, "kind"));
      int overdue = json_is_true(json_object_get(d, "overdue"));
      cm_html_printf(&w.h, "<tr%r><td>", overdue ? " class=\"flagged\"" : "");
      cm_html_time(&w.h, (uint64_t)json_integer_value(json_object_get(d, "time_ms")));
      cm_html_raw(&w.h, "</td><td class=\"nw\">");
      snprintf(key, sizeof key, "decide.kind.%s", kind ? kind : "");
      cm_html_esc(&w.h, cm_i18n_has(key) ? cm_i18n_t(w.lang, key) : (kind ? kind : ""));
      cm_html_raw(&w.h, "</td><td class=\"nw\">");
      cm_html_esc(&w.h, cm_i18n_word(w.lang, "origin.", json_string_value(json_object_get(d, "by"))));
      cm_html_raw(&w.h, "</td><td>");
      const char *org = json_string_value(json_object_get(d, "org"));
      const char *name = NULL;
      size_t k;
      json_array_foreach(orgs, k, o) {
        const char *id = json_string_value(json_object_get(o, "id"));
        if (org && id && !strcmp(org, id)) {
          name = json_string_value(json_object_get(o, "name"));
          break;
        }
      }
      if (org && *org && name && *name)
        cm_html_printf(&w.h, "%h<br><span class=\"hint nw\">%h</span>", name, org);
      else
        cm_html_esc(&w.h, org && *org ? org : json_string_value(json_object_get(d, "community")));
      cm_html_raw(&w.h, "</td><td class=\"text\">");
      cm_html_esc(&w.h, json_string_value(json_object_get(d, "reason")));
      const char *result = json_string_value(json_object_get(d, "result"));
      if (result && *result) {
        snprintf(key, sizeof key, "decide.result.%s", result);
        cm_html_raw(&w.h, " <span class=\"flag\">");
        cm_html_esc(&w.h, cm_i18n_has(key) ? cm_i18n_t(w.lang, key) : result);
        cm_html_raw(&w.h, "</span>");
      }
      cm_html_raw(&w.h, "</td><td class=\"note\">");
      if (json_is_true(json_object_get(d, "withdrawn"))) {
        /* Withdrawn: what the hub said when it withdrew the decision. */
        cm_html_printf(&w.h, "<span class=\"flag withdrawn\">%w</span> ", "decide.withdrawn");
        cm_html_esc(&w.h, json_string_value(json_object_get(d, "withdrawn_reason")));
      } else if (kind && !strcmp(kind, "criticize")) {
        const char *deadline = json_string_value(json_object_get(d, "deadline"));
        cm_html_printf(&w.h, "<span class=\"nw\">%h</span>", deadline ? deadline : "");
        cm_html_raw(&w.h, " ");
        cm_html_word(&w.h, json_is_true(json_object_get(d, "closed")) ? "decide.closed"
                         : overdue                                   ? "decide.overdue"
                                                                     : "decide.open");
      }
      const char *rec = json_string_value(json_object_get(d, "record"));
      /* Only the hub that wrote a decision withdraws it. */
      if (hub_auth_can_write(&w.s) && rec && !strncmp(rec, w.hub->key_hex, PROTO_KEY_HEX - 1) &&
          !json_is_true(json_object_get(d, "withdrawn"))) {
        cm_html_raw(&w.h, " <form class=\"inline\" method=\"post\" action=\"/decide/withdraw\">");
        hub_web_csrf_field(&w);
        /* The page names it by its number in this hub's log: no key on a page. */
        cm_html_printf(&w.h, "<input type=\"hidden\" name=\"seq\" value=\"%h\">"
                             "<button type=\"submit\" class=\"plain\">%w</button></form>",
                       strchr(rec, '/') + 1, "decide.withdraw");
      }
      cm_html_raw(&w.h, "</td><td class=\"nw\">");
      cm_html_esc(&w.h, json_string_value(json_object_get(d, "operator")));
      cm_html_raw(&w.h, "</td></tr>");
    }
    cm_html_raw(&w.h, "</tbody></table>");
    json_decref(orgs);
  }
  hub_web_foot(&w);
out:
  json_decref(list);
  hub_web_end(&w);
}

/* The confirmation step: what the decision will say and to whom, with the
 * typed fields kept in hidden inputs; 确认发出 posts them with confirm=1,
 * 返回修改 brings the form back as typed. */
static void decide_confirm(hub_web_req *w, const hub_decision *d, const char *community) {
  static const char *const keep[] = {"kind", "org", "community", "deadline", "result", "reason"};
  char key[48], name[HUB_NAME_MAX * 2];
  hub_web_head(w, "decide.confirm_title");
  cm_html_printf(&w->h, "<h1>%w</h1><p class=\"hint\">%w</p><dl class=\"facts\" id=\"decide-summary\">",
                 "decide.confirm_title", "decide.confirm_hint");
  snprintf(key, sizeof key, "decide.kind.%s", hub_decision_kind_name(d->kind));
  cm_html_printf(&w->h, "<dt>%w</dt><dd>%w</dd>", "decide.kind", key);
  if (d->org) {
    org_name(w, d->org, name, sizeof name);
    cm_html_printf(&w->h, "<dt>%w</dt><dd>%h %h</dd>", "decide.org_named", name, d->org);
  }
  if (community && *community)
    cm_html_printf(&w->h, "<dt>%w</dt><dd>%h</dd>", "review.community", community);
  if (d->deadline) cm_html_printf(&w->h, "<dt>%w</dt><dd>%h</dd>", "decide.deadline", d->deadline);
  if (d->result) {
    snprintf(key, sizeof key, "decide.result.%s", d->result);
    cm_html_printf(&w->h, "<dt>%w</dt><dd>%w</dd>", "decide.result", key);
  }
  cm_html_printf(&w->h, "<dt>%w</dt><dd>%h</dd></dl>", "decide.reason", d->reason);
  cm_html_raw(&w->h, "<form method=\"post\" action=\"/decide\" id=\"decide-confirm\">");
  hub_web_csrf_field(w);
  for (size_t i = 0; i < sizeof keep / sizeof keep[0]; i++) {
    const char *v = field(w, keep[i]);
    if (v) cm_html_printf(&w->h, "<input type=\"hidden\" name=\"%r\" value=\"%h\">", keep[i], v);
  }
  cm_html_printf(&w->h,
                 "<div class=\"actions\"><button type=\"submit\" name=\"confirm\" value=\"1\" "
                 "id=\"decide-confirm-submit\">%w</button><button type=\"submit\" name=\"edit\" "
                 "value=\"1\" class=\"plain\" id=\"decide-edit\">%w</button></div></form>",
                 "decide.confirm", "decide.edit");
  hub_web_foot(w);
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
  int confirmed = field(&w, "confirm") && !strcmp(field(&w, "confirm"), "1");
  char community[HUB_NAME_MAX] = "";
  if (field(&w, "edit")) {
    /* Back from the confirmation to change something: the form as typed. */
    hub_web_head(&w, "decide.title");
    cm_html_printf(&w.h, "<h1>%w</h1>", "decide.title");
    decide_form(&w, 1);
    hub_web_foot(&w);
    goto out;
  }
  if (!rc && !confirmed) rc = hub_decide_check(w.hub, &d, community, sizeof community, &err);
  if (!rc && !confirmed) {
    decide_confirm(&w, &d, community);
    goto out;
  }
  if (!rc) rc = hub_decide(w.hub, &d, hub_web_operator(&w), record, sizeof record, &err);
  if (rc == CM_ERR_INVALID || rc == CM_ERR_NOT_FOUND) {
    /* Refused: the form again with what was typed and why, in words. */
    const char *why = refusal_key(err.msg);
    cm_warn("web: decision by %s refused: %s", w.s.op.name, err.msg);
    hub_web_status(&w, cm_rc_http_status(rc));
    hub_web_head(&w, "decide.title");
    cm_html_printf(&w.h, "<h1>%w</h1>", "decide.title");
    cm_html_error_box(&w.h, NULL, why ? why : "err.invalid",
                      NULL, "err.next", NULL);
    decide_form(&w, 1);
    hub_web_foot(&w);
    goto out;
  }
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

/* Withdrawal of a decision in two steps: 撤回 on the list shows the decision
 * and asks for the reason; 确认撤回 posts it with confirm=1. */
void hub_web_page_withdraw_post(cm_http_req *req, cm_http_resp *resp, void *ctx) {
  hub_web_req w;
  cm_err err = {0};
  char record[PROTO_KEY_HEX + 24] = "";
  json_t *list = NULL, *dec = NULL;
  if (!hub_web_begin(&w, req, resp, ctx, HUB_WEB_WRITE | HUB_WEB_DISTRICT)) return;
  const char *seq = field(&w, "seq");
  char rec_buf[PROTO_KEY_HEX + 24] = "";
  /* Only this hub's own decisions are withdrawn here: seq in its log. */
  if (seq && strlen(seq) < 21 && strspn(seq, "0123456789") == strlen(seq) && *seq)
    snprintf(rec_buf, sizeof rec_buf, "%s/%s", w.hub->key_hex, seq);
  const char *rec = rec_buf;
  const char *reason = field(&w, "reason");
  int confirmed = field(&w, "confirm") && !strcmp(field(&w, "confirm"), "1");
  cm_rc rc = CM_OK;
  if (confirmed) {
    rc = hub_decide_withdraw(w.hub, rec, reason, hub_web_operator(&w), record, sizeof record, &err);
    if (!rc) {
      char detail[1200];
      snprintf(detail, sizeof detail, "withdraw %s: %.1000s", rec, reason ? reason : "");
      hub_web_audit(&w, "decision", record, detail);
      cm_info("web: %s withdrew decision %s", w.s.op.name, rec);
      hub_web_redirect(&w, "/decide?msg=msg.withdrawn");
      goto out;
    }
    if (rc != CM_ERR_INVALID && rc != CM_ERR_NOT_FOUND) {
      hub_web_fail_rc(&w, rc, err.msg);
      goto out;
    }
    hub_web_status(&w, cm_rc_http_status(rc));
  }
  rc = hub_decisions_list(w.hub, &list, &err);
  if (rc) {
    hub_web_fail_rc(&w, rc, err.msg);
    goto out;
  }
  size_t i;
  json_t *d;
  json_array_foreach(list, i, d) if (rec && !strcmp(rec, json_string_value(json_object_get(d, "record")))) dec = d;
  hub_web_head(&w, "decide.withdraw_title");
  cm_html_printf(&w.h, "<h1>%w</h1>", "decide.withdraw_title");
  if (err.msg[0]) cm_html_error_box(&w.h, NULL, "err.invalid", err.msg, "err.next", "/decide");
  if (!dec) {
    hub_web_foot(&w);
    goto out;
  }
  char key[48];
  const char *kind = json_string_value(json_object_get(dec, "kind"));
  const char *org = json_string_value(json_object_get(dec, "org"));
  snprintf(key, sizeof key, "decide.kind.%s", kind ? kind : "");
  cm_html_printf(&w.h, "<p class=\"hint\">%w</p><dl class=\"facts\" id=\"withdraw-summary\">",
                 "decide.withdraw_hint");
  cm_html_printf(&w.h, "<dt>%w</dt><dd>%h</dd>", "decide.kind",
                 cm_i18n_has(key) ? cm_i18n_t(w.lang, key) : (kind ? kind : ""));
  if (org && *org) {
    char name[HUB_NAME_MAX * 2];
    org_name(&w, org, name, sizeof name);
    cm_html_printf(&w.h, "<dt>%w</dt><dd>%h %h</dd>", "decide.org_named", name, org);
  } else {
    cm_html_printf(&w.h, "<dt>%w</dt><dd>%h</dd>", "decide.about",
                   json_string_value(json_object_get(dec, "community")));
  }
  cm_html_printf(&w.h, "<dt>%w</dt><dd>%h</dd></dl>", "decide.reason",
                 json_string_value(json_object_get(dec, "reason")));
  cm_html_raw(&w.h, "<form method=\"post\" action=\"/decide/withdraw\" id=\"withdraw-confirm\">");
  hub_web_csrf_field(&w);
  cm_html_printf(&w.h, "<input type=\"hidden\" name=\"seq\" value=\"%h\">", seq);
  cm_html_textarea(&w.h, "reason", "decide.withdraw_reason", reason, 1, CM_REC_TEXT_CHARS, NULL);
  cm_html_printf(&w.h, "<div class=\"actions\"><button type=\"submit\" name=\"confirm\" value=\"1\" "
                       "id=\"withdraw-confirm-submit\">%w</button> <a href=\"/decide\">%w</a></div></form>",
                 "decide.withdraw_confirm", "decide.edit");
  hub_web_foot(&w);
out:
  json_decref(list);
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
  cm_html_raw(&w->h, "<td><span class=\"status ");
  cm_html_esc(&w->h, s);
  cm_html_raw(&w->h, "\">");
  cm_html_esc(&w->h, cm_i18n_has(key) ? cm_i18n_t(w->lang, key) : s);
  cm_html_raw(&w->h, "</span>");
  const char *note = json_string_value(json_object_get(json_object_get(a, level), "note"));
  if (note && *note) {
    cm_html_raw(&w->h, "<br><small>");
    cm_html_esc(&w->h, note);
    cm_html_raw(&w->h, "</small>");
  }
  cm_html_raw(&w->h, "</td>");
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
      cm_html_printf(&w->h, "<table class=\"list\" id=\"%r\"><thead><tr><th>", id);
      cm_html_word(&w->h, "acts.date");
      cm_html_raw(&w->h, "</th><th>");
      cm_html_word(&w->h, "act.title_col");
      cm_html_raw(&w->h, "</th><th>");
      cm_html_word(&w->h, "review.community");
      cm_html_raw(&w->h, "</th><th>");
      cm_html_word(&w->h, "act.street_status");
      cm_html_raw(&w->h, "</th><th>");
      cm_html_word(&w->h, "act.district_status");
      cm_html_raw(&w->h, "</th>");
      if (waiting_only && can_act) cm_html_raw(&w->h, "<th></th>");
      cm_html_raw(&w->h, "</tr></thead><tbody>");
    }
    int late = json_is_true(json_object_get(a, "late"));
    cm_html_printf(&w->h, "<tr%r><td>", late ? " class=\"flagged\"" : "");
    cm_html_esc(&w->h, json_string_value(json_object_get(a, "date")));
    if (late) {
      cm_html_raw(&w->h, " <span class=\"flag\">");
      cm_html_word(&w->h, "act.late");
      cm_html_raw(&w->h, "</span>");
    }
    cm_html_raw(&w->h, "</td><td>");
    cm_html_esc(&w->h, json_string_value(json_object_get(a, "title")));
    cm_html_raw(&w->h, " <small>");
    cm_html_esc(&w->h, json_string_value(json_object_get(a, "org")));
    cm_html_raw(&w->h, "</small></td><td>");
    cm_html_esc(&w->h, json_string_value(json_object_get(a, "community")));
    cm_html_raw(&w->h, "</td>");
    status_cell(w, a, "street");
    status_cell(w, a, "district");
    if (waiting_only && can_act) {
      cm_html_raw(&w->h, "<td><form method=\"post\" action=\"/activities\" class=\"ack\">");
      hub_web_csrf_field(w);
      cm_html_raw(&w->h, "<input type=\"hidden\" name=\"id\" value=\"");
      cm_html_esc(&w->h, json_string_value(json_object_get(a, "id")));
      cm_html_raw(&w->h, "\"><input name=\"note\" maxlength=\"1000\" placeholder=\"");
      cm_html_word(&w->h, "act.note");
      cm_html_raw(&w->h, "\"><button type=\"submit\" name=\"action\" value=\"ack\">");
      cm_html_word(&w->h, "act.ack");
      cm_html_raw(&w->h, "</button><button type=\"submit\" name=\"action\" value=\"return\" "
                     "class=\"danger\">");
      cm_html_word(&w->h, "act.return");
      cm_html_raw(&w->h, "</button></form></td>");
    }
    cm_html_raw(&w->h, "</tr>");
  }
  if (shown) cm_html_raw(&w->h, "</tbody></table>");
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
  hub_web_head(&w, "acts.title");
  cm_html_raw(&w.h, "<h1>");
  cm_html_word(&w.h, "acts.title");
  cm_html_raw(&w.h, "</h1><h2>");
  cm_html_word(&w.h, "act.waiting");
  cm_html_raw(&w.h, "</h2>");
  if (!activity_table(&w, list, 1, "waiting")) {
    cm_html_raw(&w.h, "<p class=\"empty\">");
    cm_html_word(&w.h, "none");
    cm_html_raw(&w.h, "</p>");
  }
  cm_html_raw(&w.h, "<h2>");
  cm_html_word(&w.h, "act.all");
  cm_html_raw(&w.h, "</h2>");
  if (!activity_table(&w, list, 0, "activities")) {
    cm_html_raw(&w.h, "<p class=\"empty\">");
    cm_html_word(&w.h, "acts.none");
    cm_html_raw(&w.h, "</p>");
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
