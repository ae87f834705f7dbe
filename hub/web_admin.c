/* web_admin.c - enrolment requests (with the fingerprints an operator compares
 * on the phone with what the community reads aloud) and their approval, and
 * the alerts page: quarantined forks, nodes with a wrong clock, communities not
 * heard from in seven days. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/clock.h"
#include "../common/log.h"
#include "enrolguard.h"
#include "hublog.h"
#include "store.h"
#include "web.h"

#define SILENT_MS (7ull * 24 * 3600 * 1000) /* "not heard from in seven days" */

/* ---- enrolment ---- */

/* A replacement's choice on a request's form: the communities of this street
 * with the request's code that a new PC may replace, named by name and
 * fingerprint (no key on the page); nothing when there are none. */
static void replaces_field(hub_web_req *w, const char *code) {
  json_t *list = NULL, *c;
  cm_err err = {0};
  size_t i;
  if (!code || !*code || hub_enroll_replaceable(w->hub, code, &list, &err) != CM_OK ||
      !json_array_size(list)) {
    json_decref(list);
    return;
  }
  cm_html_printf(&w->h, "<label class=\"replaces\">%w <select name=\"replaces\">"
                        "<option value=\"\">%w</option>",
                 "enrol.replaces", "enrol.replaces_none");
  json_array_foreach(list, i, c) {
    const char *fp = json_string_value(json_object_get(c, "fingerprint"));
    cm_html_printf(&w->h, "<option value=\"%h\">%h（%w %h）</option>", fp,
                   json_string_value(json_object_get(c, "name")), "enrol.fingerprint", fp);
  }
  cm_html_raw(&w->h, "</select></label> ");
  json_decref(list);
}

/* The replaceable community whose fingerprint is fp into *old_out (its JSON
 * row, new reference): 1, or 0 when this street has none such. */
static int replaceable_by_fp(hub_web_req *w, const char *fp, json_t **old_out) {
  json_t *list = NULL, *c;
  cm_err err = {0};
  size_t i;
  *old_out = NULL;
  if (hub_enroll_replaceable(w->hub, NULL, &list, &err) != CM_OK) list = NULL;
  json_array_foreach(list, i, c) {
    const char *f = json_string_value(json_object_get(c, "fingerprint"));
    if (f && !strcmp(f, fp)) {
      *old_out = json_incref(c);
      break;
    }
  }
  json_decref(list);
  return *old_out != NULL;
}

/* The pending request id as a JSON row (new reference), or NULL. */
static json_t *request_row(hub_web_req *w, int64_t id) {
  json_t *list = NULL, *r, *found = NULL;
  cm_err err = {0};
  size_t i;
  if (hub_enroll_requests(w->hub, &list, &err) != CM_OK) return NULL;
  json_array_foreach(list, i, r) {
    if (json_integer_value(json_object_get(r, "id")) == id) {
      found = json_incref(r);
      break;
    }
  }
  json_decref(list);
  return found;
}

/* The confirmation of a replacement: which PC replaces which, and that the
 * old key is revoked from then on; 确认 posts again with confirm=1. */
static void replace_confirm(hub_web_req *w, int64_t id, const json_t *req, const json_t *old) {
  hub_web_head(w, "enrol.replace_title");
  cm_html_printf(&w->h, "<h1>%w</h1><p class=\"warn\" id=\"replace-warn\">%w</p>"
                        "<dl class=\"facts\" id=\"replace-summary\">",
                 "enrol.replace_title", "enrol.replace_warn");
  cm_html_printf(&w->h, "<dt>%w</dt><dd>%h（%w %h）</dd>", "enrol.replace_new",
                 json_string_value(json_object_get(req, "name")), "enrol.fingerprint",
                 json_string_value(json_object_get(req, "fingerprint")));
  cm_html_printf(&w->h, "<dt>%w</dt><dd>%h（%w %h）</dd>", "enrol.replace_old",
                 json_string_value(json_object_get(old, "name")), "enrol.fingerprint",
                 json_string_value(json_object_get(old, "fingerprint")));
  cm_html_printf(&w->h, "<dt>%w</dt><dd>%h</dd></dl>", "enrol.code",
                 json_string_value(json_object_get(req, "code")));
  cm_html_printf(&w->h, "<form method=\"post\" action=\"/enrol/%lld\" id=\"replace-confirm\">",
                 (long long)id);
  hub_web_csrf_field(w);
  cm_html_printf(&w->h,
                 "<input type=\"hidden\" name=\"replaces\" value=\"%h\">"
                 "<div class=\"actions\"><button type=\"submit\" name=\"confirm\" value=\"1\" "
                 "id=\"replace-confirm-submit\">%w</button> <a href=\"/enrol\">%w</a></div></form>",
                 json_string_value(json_object_get(old, "fingerprint")), "enrol.replace_confirm",
                 "err.back");
  hub_web_foot(w);
}

void hub_web_page_enrol(cm_http_req *req, cm_http_resp *resp, void *ctx) {
  hub_web_req w;
  json_t *list = NULL;
  cm_err err = {0};
  if (!hub_web_begin(&w, req, resp, ctx, HUB_WEB_LOGIN)) return;
  /* The same list as enroll-requests: with where each request came from and
   * whose name it imitates, so the page warns as the command line does. */
  cm_rc rc = hub_enrolguard_list(w.hub, &list, &err);
  if (rc) {
    hub_web_fail_rc(&w, rc, err.msg);
    goto out;
  }
  /* Approving needs a writer who is not bound to one street at a district
   * (there a request comes from a street hub). */
  int can_approve = hub_auth_can_write(&w.s) &&
                    !(w.hub->role == HUB_ROLE_DISTRICT && w.s.op.street[0]);
  hub_web_head(&w, "enrol.title");
  cm_html_raw(&w.h, "<h1>");
  cm_html_word(&w.h, "enrol.title");
  cm_html_raw(&w.h, "</h1><p class=\"hint\">");
  cm_html_word(&w.h, "enrol.hint");
  if (w.hub->role == HUB_ROLE_STREET) {
    cm_html_raw(&w.h, " ");
    cm_html_word(&w.h, "enrol.replace_hint");
  }
  cm_html_raw(&w.h, "</p>");
  size_t shown = 0, i;
  json_t *r;
  json_array_foreach(list, i, r) {
    const char *street = json_string_value(json_object_get(r, "street"));
    if (w.hub->role == HUB_ROLE_DISTRICT && w.s.op.street[0] &&
        !hub_auth_sees_street(&w.s, w.hub->role, street))
      continue;
    if (!shown++) {
      cm_html_raw(&w.h, "<table class=\"list\" id=\"requests\"><thead><tr><th>");
      cm_html_word(&w.h, "enrol.name");
      cm_html_raw(&w.h, "</th><th>");
      cm_html_word(&w.h, "enrol.code");
      cm_html_raw(&w.h, "</th><th>");
      cm_html_word(&w.h, "enrol.role");
      cm_html_raw(&w.h, "</th><th>");
      cm_html_word(&w.h, "enrol.fingerprint");
      cm_html_raw(&w.h, "</th><th>");
      cm_html_word(&w.h, "enrol.time");
      cm_html_raw(&w.h, "</th><th>");
      cm_html_word(&w.h, "enrol.source");
      cm_html_raw(&w.h, "</th><th>");
      cm_html_word(&w.h, "enrol.flag");
      cm_html_raw(&w.h, "</th><th></th></tr></thead><tbody>");
    }
    json_int_t id = json_integer_value(json_object_get(r, "id"));
    cm_html_printf(&w.h, "<tr data-request=\"%lld\"><td>", (long long)id);
    cm_html_esc(&w.h, json_string_value(json_object_get(r, "name")));
    cm_html_raw(&w.h, "</td><td>");
    cm_html_esc(&w.h, json_string_value(json_object_get(r, "code")));
    cm_html_raw(&w.h, "</td><td>");
    const char *role = json_string_value(json_object_get(r, "role"));
    cm_html_word(&w.h, role && !strcmp(role, "street") ? "enrol.role_street" : "enrol.role_community");
    cm_html_raw(&w.h, "</td><td class=\"fingerprint\">");
    cm_html_esc(&w.h, json_string_value(json_object_get(r, "fingerprint")));
    cm_html_raw(&w.h, "</td><td>");
    cm_html_time(&w.h, (uint64_t)json_integer_value(json_object_get(r, "time_ms")));
    cm_html_raw(&w.h, "</td><td class=\"source\">");
    cm_html_esc(&w.h, json_string_value(json_object_get(r, "source")));
    cm_html_raw(&w.h, "</td><td class=\"imitates\">");
    const char *imitates = json_string_value(json_object_get(r, "imitates"));
    if (imitates) {
      cm_html_raw(&w.h, "<strong class=\"warn\">");
      cm_html_word(&w.h, "enrol.imitates");
      cm_html_raw(&w.h, " ");
      cm_html_esc(&w.h, imitates);
      cm_html_raw(&w.h, "</strong>");
    }
    cm_html_raw(&w.h, "</td><td>");
    if (can_approve) {
      cm_html_printf(&w.h, "<form method=\"post\" action=\"/enrol/%lld\">", (long long)id);
      hub_web_csrf_field(&w);
      replaces_field(&w, json_string_value(json_object_get(r, "code")));
      cm_html_raw(&w.h, "<button type=\"submit\">");
      cm_html_word(&w.h, "enrol.approve");
      cm_html_raw(&w.h, "</button></form>");
    }
    cm_html_raw(&w.h, "</td></tr>");
  }
  if (shown)
    cm_html_raw(&w.h, "</tbody></table>");
  else {
    cm_html_raw(&w.h, "<p class=\"empty\">");
    cm_html_word(&w.h, "enrol.none");
    cm_html_raw(&w.h, "</p>");
  }
  hub_web_foot(&w);
out:
  json_decref(list);
  hub_web_end(&w);
}

void hub_web_page_enrol_post(cm_http_req *req, cm_http_resp *resp, void *ctx) {
  hub_web_req w;
  int64_t id = 0;
  uint64_t seq = 0;
  cm_err err = {0};
  json_t *oldrow = NULL;
  if (!hub_web_begin(&w, req, resp, ctx, HUB_WEB_WRITE | HUB_WEB_DISTRICT)) return;
  if (!hub_web_parse_id(cm_http_param(req, 0), &id)) {
    hub_web_fail(&w, 404, "err.not_found", NULL);
    goto out;
  }
  /* A replacement names the old PC by its fingerprint among those this street
   * may replace; the same rules as `enroll --replaces` then decide. */
  const char *fp = cm_http_form(req, "replaces", 0);
  const char *confirm = cm_http_form(req, "confirm", 0);
  uint8_t old[PROTO_KEY_BYTES];
  if (fp && *fp) {
    json_t *row = request_row(&w, id);
    if (!row) {
      hub_web_fail(&w, 404, "err.not_found", "没有待批准的这份登记申请");
      goto out;
    }
    if (!replaceable_by_fp(&w, fp, &oldrow) ||
        proto_key_from_hex(json_string_value(json_object_get(oldrow, "key")), old) != CM_OK) {
      json_decref(row);
      hub_web_fail(&w, 404, "enrol.replace_missing", NULL);
      goto out;
    }
    if (!confirm || strcmp(confirm, "1") != 0) {
      replace_confirm(&w, id, row, oldrow);
      json_decref(row);
      goto out;
    }
    json_decref(row);
  }
  uint64_t valid = 0;
  cm_rc rc = hub_enroll_approve(w.hub, id, oldrow ? old : NULL, &valid, &seq, &err);
  if (rc) {
    hub_web_fail_rc(&w, rc, err.msg);
    goto out;
  }
  char target[48], detail[160];
  snprintf(target, sizeof target, "登记申请 %lld", (long long)id);
  if (oldrow)
    snprintf(detail, sizeof detail, "本级台账 第%llu条；接替%s（指纹 %s），原密钥前%llu条有效",
             (unsigned long long)seq, json_string_value(json_object_get(oldrow, "name")),
             json_string_value(json_object_get(oldrow, "fingerprint")), (unsigned long long)valid);
  else
    snprintf(detail, sizeof detail, "本级台账 第%llu条", (unsigned long long)seq);
  hub_web_audit(&w, oldrow ? "enrol.replace" : "enrol.approve", target, detail);
  cm_info("web: %s approved enrolment request %lld%s", w.s.op.name, (long long)id,
          oldrow ? " as a replacement key" : "");
  hub_web_redirect(&w, oldrow ? "/enrol?msg=msg.replaced" : "/enrol?msg=msg.enrolled");
out:
  json_decref(oldrow);
  hub_web_end(&w);
}

/* ---- alerts ---- */

/* What the alerts page gathers from the store under one lock. */
typedef struct alerts {
  json_t *forks;    /* hub_store_forks_json */
  json_t *status;   /* hub_store_status_json: authors with clock flags */
  json_t *units;    /* communities: [key, name, code, street_name, last_ms] */
} alerts;

static cm_rc unit_row(void *ctx, const hub_dash_row *row, cm_err *err) {
  alerts *a = ctx;
  const hub_dash_unit_row *r = &row->unit;
  json_t *u = json_pack("{s:s, s:s, s:s, s:s, s:I}", "key", r->key, "name", r->name, "code",
                        r->code, "street", r->street_name, "last_ms",
                        (json_int_t)r->last_received_ms);
  if (!u || json_array_append_new(a->units, u))
    return cm_errf(err, CM_ERR_NOMEM, "提醒：内存不足");
  return CM_OK;
}

static cm_rc alerts_load(hub_ctx *hub, alerts *a, cm_err *err) {
  cm_rc rc = CM_OK;
  a->units = json_array();
  if (!a->units) return cm_errf(err, CM_ERR_NOMEM, "提醒：内存不足");
  pthread_mutex_lock(&hub->lock);
  rc = hub_store_read_begin(hub->store, err);
  if (!rc) rc = hub_store_forks_json(hub->store, &a->forks, err);
  if (!rc) rc = hub_store_status_json(hub->store, hub->kp.pk, &a->status, err);
  if (!rc) rc = hub_store_dash_rows(hub->store, HUB_DQ_UNITS, NULL, 0, unit_row, a, err);
  hub_store_rollback(hub->store);
  pthread_mutex_unlock(&hub->lock);
  return rc;
}

/* A section heading and, when there is nothing, the "none" line. */
static int section(hub_web_req *w, const char *id, const char *title_key, const char *none_key,
                   size_t n) {
  cm_html_printf(&w->h, "<section id=\"%r\"><h2>", id);
  cm_html_word(&w->h, title_key);
  cm_html_printf(&w->h, " <span class=\"count%r\">%zu</span></h2>", n ? " warn" : "", n);
  if (!n) {
    cm_html_raw(&w->h, "<p class=\"empty\">");
    cm_html_word(&w->h, none_key);
    cm_html_raw(&w->h, "</p></section>");
  }
  return n > 0;
}

void hub_web_page_alerts(cm_http_req *req, cm_http_resp *resp, void *ctx) {
  hub_web_req w;
  alerts a = {0};
  cm_err err = {0};
  size_t i, n;
  json_t *v;
  char street[HUB_NAME_MAX];
  if (!hub_web_begin(&w, req, resp, ctx, HUB_WEB_LOGIN)) return;
  cm_rc rc = alerts_load(w.hub, &a, &err);
  if (rc) {
    hub_web_fail_rc(&w, rc, err.msg);
    goto out;
  }
  uint64_t now = cm_now_ms();
  hub_web_head(&w, "alerts.title");
  cm_html_raw(&w.h, "<h1>");
  cm_html_word(&w.h, "alerts.title");
  cm_html_raw(&w.h, "</h1>");

  /* forks: the operator must act on them */
  n = 0;
  json_array_foreach(a.forks, i, v) {
    hub_web_author_street(&w, json_string_value(json_object_get(v, "author")), street,
                          sizeof street);
    if (hub_auth_sees_street(&w.s, w.hub->role, street)) n++;
  }
  if (section(&w, "forks", "alerts.forks", "alerts.forks_none", n)) {
    cm_html_raw(&w.h, "<table class=\"list\"><thead><tr><th>");
    cm_html_word(&w.h, "alerts.author");
    cm_html_raw(&w.h, "</th><th>");
    cm_html_word(&w.h, "alerts.seq");
    cm_html_raw(&w.h, "</th><th>");
    cm_html_word(&w.h, "alerts.time");
    cm_html_raw(&w.h, "</th></tr></thead><tbody>");
    json_array_foreach(a.forks, i, v) {
      const char *author = json_string_value(json_object_get(v, "author"));
      hub_web_author_street(&w, author, street, sizeof street);
      if (!hub_auth_sees_street(&w.s, w.hub->role, street)) continue;
      cm_html_raw(&w.h, "<tr class=\"flagged\"><td>");
      cm_html_esc(&w.h, json_string_value(json_object_get(v, "name")));
      cm_html_printf(&w.h, " <small>%h</small></td><td class=\"num\">%lld</td><td>", street,
                   (long long)json_integer_value(json_object_get(v, "seq")));
      cm_html_time(&w.h, (uint64_t)json_integer_value(json_object_get(v, "time_ms")));
      cm_html_raw(&w.h, "</td></tr>");
    }
    cm_html_raw(&w.h, "</tbody></table></section>");
  }

  /* wrong clocks: their months are judged by receipt time instead */
  json_t *authors = json_object_get(a.status, "authors");
  n = 0;
  json_array_foreach(authors, i, v) {
    if (json_integer_value(json_object_get(v, "clock_flag")) &&
        hub_auth_sees_street(&w.s, w.hub->role,
                             json_string_value(json_object_get(v, "street"))))
      n++;
  }
  if (section(&w, "clocks", "alerts.clock", "alerts.clock_none", n)) {
    cm_html_raw(&w.h, "<table class=\"list\"><thead><tr><th>");
    cm_html_word(&w.h, "alerts.author");
    cm_html_raw(&w.h, "</th><th>");
    cm_html_word(&w.h, "review.street");
    cm_html_raw(&w.h, "</th><th>");
    cm_html_word(&w.h, "alerts.skew");
    cm_html_raw(&w.h, "</th></tr></thead><tbody>");
    json_array_foreach(authors, i, v) {
      const char *st = json_string_value(json_object_get(v, "street"));
      if (!json_integer_value(json_object_get(v, "clock_flag")) ||
          !hub_auth_sees_street(&w.s, w.hub->role, st))
        continue;
      cm_html_raw(&w.h, "<tr class=\"flagged\"><td>");
      cm_html_esc(&w.h, json_string_value(json_object_get(v, "name")));
      cm_html_raw(&w.h, "</td><td>");
      cm_html_esc(&w.h, st);
      cm_html_printf(&w.h, "</td><td class=\"num\">%lld</td></tr>",
                   (long long)(json_integer_value(json_object_get(v, "skew_ms")) / 1000));
    }
    cm_html_raw(&w.h, "</tbody></table></section>");
  }

  /* silent communities */
  n = 0;
  json_array_foreach(a.units, i, v) {
    uint64_t last = (uint64_t)json_integer_value(json_object_get(v, "last_ms"));
    if ((!last || last + SILENT_MS < now) &&
        hub_auth_sees_street(&w.s, w.hub->role, json_string_value(json_object_get(v, "street"))))
      n++;
  }
  if (section(&w, "silent", "alerts.silent", "alerts.silent_none", n)) {
    cm_html_raw(&w.h, "<table class=\"list\"><thead><tr><th>");
    cm_html_word(&w.h, "review.community");
    cm_html_raw(&w.h, "</th><th>");
    cm_html_word(&w.h, "review.street");
    cm_html_raw(&w.h, "</th><th>");
    cm_html_word(&w.h, "alerts.last");
    cm_html_raw(&w.h, "</th></tr></thead><tbody>");
    json_array_foreach(a.units, i, v) {
      uint64_t last = (uint64_t)json_integer_value(json_object_get(v, "last_ms"));
      const char *st = json_string_value(json_object_get(v, "street"));
      if ((last && last + SILENT_MS >= now) || !hub_auth_sees_street(&w.s, w.hub->role, st))
        continue;
      cm_html_raw(&w.h, "<tr><td>");
      cm_html_esc(&w.h, json_string_value(json_object_get(v, "name")));
      cm_html_raw(&w.h, " <small>");
      cm_html_esc(&w.h, json_string_value(json_object_get(v, "code")));
      cm_html_raw(&w.h, "</small></td><td>");
      cm_html_esc(&w.h, st);
      cm_html_raw(&w.h, "</td><td>");
      if (last)
        cm_html_time(&w.h, last);
      else
        cm_html_word(&w.h, "alerts.never");
      cm_html_raw(&w.h, "</td></tr>");
    }
    cm_html_raw(&w.h, "</tbody></table></section>");
  }
  hub_web_foot(&w);
out:
  json_decref(a.forks);
  json_decref(a.status);
  json_decref(a.units);
  hub_web_end(&w);
}
