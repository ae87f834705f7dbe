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
#include "hublog.h"
#include "store.h"
#include "web.h"

#define SILENT_MS (7ull * 24 * 3600 * 1000) /* "not heard from in seven days" */

/* ---- enrolment ---- */

void hub_web_page_enrol(cm_http_req *req, cm_http_resp *resp, void *ctx) {
  hub_web_req w;
  json_t *list = NULL;
  cm_err err = {0};
  if (!hub_web_begin(&w, req, resp, ctx, HUB_WEB_LOGIN)) return;
  cm_rc rc = hub_enroll_requests(w.hub, &list, &err);
  if (rc) {
    hub_web_fail_rc(&w, rc, err.msg);
    goto out;
  }
  /* Approving needs a writer who is not bound to one street at a district
   * (there a request comes from a street hub). */
  int can_approve = hub_auth_can_write(&w.s) &&
                    !(w.hub->role == HUB_ROLE_DISTRICT && w.s.op.street[0]);
  hub_web_head(&w, "enrol.title");
  hub_web_raw(&w, "<h1>");
  hub_web_word(&w, "enrol.title");
  hub_web_raw(&w, "</h1><p class=\"hint\">");
  hub_web_word(&w, "enrol.hint");
  hub_web_raw(&w, "</p>");
  size_t shown = 0, i;
  json_t *r;
  json_array_foreach(list, i, r) {
    const char *street = json_string_value(json_object_get(r, "street"));
    if (w.hub->role == HUB_ROLE_DISTRICT && w.s.op.street[0] &&
        !hub_auth_sees_street(&w.s, w.hub->role, street))
      continue;
    if (!shown++) {
      hub_web_raw(&w, "<table class=\"list\" id=\"requests\"><thead><tr><th>");
      hub_web_word(&w, "enrol.name");
      hub_web_raw(&w, "</th><th>");
      hub_web_word(&w, "enrol.code");
      hub_web_raw(&w, "</th><th>");
      hub_web_word(&w, "enrol.role");
      hub_web_raw(&w, "</th><th>");
      hub_web_word(&w, "enrol.fingerprint");
      hub_web_raw(&w, "</th><th>");
      hub_web_word(&w, "enrol.time");
      hub_web_raw(&w, "</th><th></th></tr></thead><tbody>");
    }
    json_int_t id = json_integer_value(json_object_get(r, "id"));
    hub_web_rawf(&w, "<tr data-request=\"%lld\"><td>", (long long)id);
    hub_web_text(&w, json_string_value(json_object_get(r, "name")));
    hub_web_raw(&w, "</td><td>");
    hub_web_text(&w, json_string_value(json_object_get(r, "code")));
    hub_web_raw(&w, "</td><td>");
    hub_web_text(&w, json_string_value(json_object_get(r, "role")));
    hub_web_raw(&w, "</td><td class=\"fingerprint\">");
    hub_web_text(&w, json_string_value(json_object_get(r, "fingerprint")));
    hub_web_raw(&w, "</td><td>");
    hub_web_time(&w, (uint64_t)json_integer_value(json_object_get(r, "time_ms")));
    hub_web_raw(&w, "</td><td>");
    if (can_approve) {
      hub_web_rawf(&w, "<form method=\"post\" action=\"/enrol/%lld\">", (long long)id);
      hub_web_csrf_field(&w);
      hub_web_raw(&w, "<button type=\"submit\">");
      hub_web_word(&w, "enrol.approve");
      hub_web_raw(&w, "</button></form>");
    }
    hub_web_raw(&w, "</td></tr>");
  }
  if (shown)
    hub_web_raw(&w, "</tbody></table>");
  else {
    hub_web_raw(&w, "<p class=\"empty\">");
    hub_web_word(&w, "enrol.none");
    hub_web_raw(&w, "</p>");
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
  if (!hub_web_begin(&w, req, resp, ctx, HUB_WEB_WRITE | HUB_WEB_DISTRICT)) return;
  if (!hub_web_parse_id(cm_http_param(req, 0), &id)) {
    hub_web_fail(&w, 404, "err.not_found", NULL);
    goto out;
  }
  cm_rc rc = hub_enroll_approve(w.hub, id, &seq, &err);
  if (rc) {
    hub_web_fail_rc(&w, rc, err.msg);
    goto out;
  }
  char target[48], detail[48];
  snprintf(target, sizeof target, "request %lld", (long long)id);
  snprintf(detail, sizeof detail, "hub.enrolled seq %llu", (unsigned long long)seq);
  hub_web_audit(&w, "enrol.approve", target, detail);
  cm_info("web: %s approved enrolment request %lld", w.s.op.name, (long long)id);
  hub_web_redirect(&w, "/enrol?msg=msg.enrolled");
out:
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
  json_t *u = json_pack("{s:s, s:s, s:s, s:s, s:I}", "key", row->text[0] ? row->text[0] : "",
                        "name", row->text[1] ? row->text[1] : "", "code",
                        row->text[2] ? row->text[2] : "", "street",
                        row->text[4] ? row->text[4] : "", "last_ms",
                        (json_int_t)(row->text[5] ? row->num[5] : 0));
  if (!u || json_array_append_new(a->units, u))
    return cm_errf(err, CM_ERR_NOMEM, "alerts: out of memory");
  return CM_OK;
}

static cm_rc alerts_load(hub_ctx *hub, alerts *a, cm_err *err) {
  cm_rc rc = CM_OK;
  a->units = json_array();
  if (!a->units) return cm_errf(err, CM_ERR_NOMEM, "alerts: out of memory");
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
  hub_web_rawf(w, "<section id=\"%s\"><h2>", id);
  hub_web_word(w, title_key);
  hub_web_rawf(w, " <span class=\"count%s\">%zu</span></h2>", n ? " warn" : "", n);
  if (!n) {
    hub_web_raw(w, "<p class=\"empty\">");
    hub_web_word(w, none_key);
    hub_web_raw(w, "</p></section>");
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
  hub_web_raw(&w, "<h1>");
  hub_web_word(&w, "alerts.title");
  hub_web_raw(&w, "</h1>");

  /* forks: the operator must act on them */
  n = 0;
  json_array_foreach(a.forks, i, v) {
    hub_web_author_street(&w, json_string_value(json_object_get(v, "author")), street,
                          sizeof street);
    if (hub_auth_sees_street(&w.s, w.hub->role, street)) n++;
  }
  if (section(&w, "forks", "alerts.forks", "alerts.forks_none", n)) {
    hub_web_raw(&w, "<table class=\"list\"><thead><tr><th>");
    hub_web_word(&w, "alerts.author");
    hub_web_raw(&w, "</th><th>");
    hub_web_word(&w, "alerts.seq");
    hub_web_raw(&w, "</th><th>");
    hub_web_word(&w, "alerts.time");
    hub_web_raw(&w, "</th></tr></thead><tbody>");
    json_array_foreach(a.forks, i, v) {
      const char *author = json_string_value(json_object_get(v, "author"));
      hub_web_author_street(&w, author, street, sizeof street);
      if (!hub_auth_sees_street(&w.s, w.hub->role, street)) continue;
      hub_web_raw(&w, "<tr class=\"flagged\"><td>");
      hub_web_text(&w, json_string_value(json_object_get(v, "name")));
      hub_web_raw(&w, " <small class=\"key\">");
      hub_web_textf(&w, "%.16s", author ? author : "");
      hub_web_rawf(&w, "</small></td><td class=\"num\">%lld</td><td>",
                   (long long)json_integer_value(json_object_get(v, "seq")));
      hub_web_time(&w, (uint64_t)json_integer_value(json_object_get(v, "time_ms")));
      hub_web_raw(&w, "</td></tr>");
    }
    hub_web_raw(&w, "</tbody></table></section>");
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
    hub_web_raw(&w, "<table class=\"list\"><thead><tr><th>");
    hub_web_word(&w, "alerts.author");
    hub_web_raw(&w, "</th><th>");
    hub_web_word(&w, "review.street");
    hub_web_raw(&w, "</th><th>");
    hub_web_word(&w, "alerts.skew");
    hub_web_raw(&w, "</th></tr></thead><tbody>");
    json_array_foreach(authors, i, v) {
      const char *st = json_string_value(json_object_get(v, "street"));
      if (!json_integer_value(json_object_get(v, "clock_flag")) ||
          !hub_auth_sees_street(&w.s, w.hub->role, st))
        continue;
      hub_web_raw(&w, "<tr class=\"flagged\"><td>");
      hub_web_text(&w, json_string_value(json_object_get(v, "name")));
      hub_web_raw(&w, "</td><td>");
      hub_web_text(&w, st);
      hub_web_rawf(&w, "</td><td class=\"num\">%lld</td></tr>",
                   (long long)(json_integer_value(json_object_get(v, "skew_ms")) / 1000));
    }
    hub_web_raw(&w, "</tbody></table></section>");
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
    hub_web_raw(&w, "<table class=\"list\"><thead><tr><th>");
    hub_web_word(&w, "review.community");
    hub_web_raw(&w, "</th><th>");
    hub_web_word(&w, "review.street");
    hub_web_raw(&w, "</th><th>");
    hub_web_word(&w, "alerts.last");
    hub_web_raw(&w, "</th></tr></thead><tbody>");
    json_array_foreach(a.units, i, v) {
      uint64_t last = (uint64_t)json_integer_value(json_object_get(v, "last_ms"));
      const char *st = json_string_value(json_object_get(v, "street"));
      if ((last && last + SILENT_MS >= now) || !hub_auth_sees_street(&w.s, w.hub->role, st))
        continue;
      hub_web_raw(&w, "<tr><td>");
      hub_web_text(&w, json_string_value(json_object_get(v, "name")));
      hub_web_raw(&w, " <small>");
      hub_web_text(&w, json_string_value(json_object_get(v, "code")));
      hub_web_raw(&w, "</small></td><td>");
      hub_web_text(&w, st);
      hub_web_raw(&w, "</td><td>");
      if (last)
        hub_web_time(&w, last);
      else
        hub_web_word(&w, "alerts.never");
      hub_web_raw(&w, "</td></tr>");
    }
    hub_web_raw(&w, "</tbody></table></section>");
  }
  hub_web_foot(&w);
out:
  json_decref(a.forks);
  json_decref(a.status);
  json_decref(a.units);
  hub_web_end(&w);
}
