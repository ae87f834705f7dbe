/* web_review.c - the review queue in the browser: pending batches, one batch's
 * decoded records with their flags, and accept / accept-except / reject with
 * reasons.  The decisions themselves are hub/review.c's (signed review.batch
 * entries carrying the operator's name); this file checks who may see and do
 * what, and writes the audit trail. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/log.h"
#include "review.h"
#include "store.h"
#include "web_attach.h"
#include "web.h"

/* ---- the queue ---- */

void hub_web_page_review_list(cm_http_req *req, cm_http_resp *resp, void *ctx) {
  hub_web_req w;
  json_t *list = NULL;
  cm_err err = {0};
  if (!hub_web_begin(&w, req, resp, ctx, HUB_WEB_LOGIN)) return;
  if (hub_review_list(w.hub, &list, &err)) {
    cm_error("web: review list: %s", err.msg);
    hub_web_fail(&w, 500, "err.internal", err.msg);
    goto out;
  }
  int district = w.hub->role == HUB_ROLE_DISTRICT;
  hub_web_head(&w, "review.queue");
  cm_html_raw(&w.h, "<h1>");
  cm_html_word(&w.h, "review.queue");
  cm_html_raw(&w.h, "</h1>");
  if (district) {
    cm_html_raw(&w.h, "<p class=\"hint\">");
    cm_html_word(&w.h, "review.readonly");
    cm_html_raw(&w.h, "</p>");
  }
  size_t shown = 0, i;
  json_t *b;
  json_array_foreach(list, i, b) {
    char street[HUB_NAME_MAX];
    hub_web_author_street(&w, json_string_value(json_object_get(b, "author")), street,
                          sizeof street);
    if (!hub_auth_sees_street(&w.s, w.hub->role, street)) continue;
    if (!shown++) {
      cm_html_raw(&w.h, "<table class=\"list\" id=\"queue\"><thead><tr><th>");
      cm_html_word(&w.h, "review.id");
      cm_html_raw(&w.h, "</th><th>");
      cm_html_word(&w.h, "review.community");
      if (district) {
        cm_html_raw(&w.h, "</th><th>");
        cm_html_word(&w.h, "review.street");
      }
      cm_html_raw(&w.h, "</th><th>");
      cm_html_word(&w.h, "review.time");
      cm_html_raw(&w.h, "</th><th>");
      cm_html_word(&w.h, "review.entries");
      cm_html_raw(&w.h, "</th><th>");
      cm_html_word(&w.h, "review.kinds");
      cm_html_raw(&w.h, "</th><th>");
      cm_html_word(&w.h, "review.flags");
      cm_html_raw(&w.h, "</th><th></th></tr></thead><tbody>");
    }
    json_int_t id = json_integer_value(json_object_get(b, "id"));
    json_int_t flags = json_integer_value(json_object_get(b, "flags"));
    cm_html_printf(&w.h, "<tr data-batch=\"%lld\"%r><td>%lld</td><td>", (long long)id,
                 flags ? " class=\"flagged\"" : "", (long long)id);
    cm_html_esc(&w.h, json_string_value(json_object_get(b, "community")));
    const char *code = json_string_value(json_object_get(b, "code"));
    if (code && *code) {
      cm_html_raw(&w.h, " <small>");
      cm_html_esc(&w.h, code);
      cm_html_raw(&w.h, "</small>");
    }
    if (district) {
      cm_html_raw(&w.h, "</td><td>");
      cm_html_esc(&w.h, street);
    }
    cm_html_raw(&w.h, "</td><td>");
    cm_html_time(&w.h, (uint64_t)json_integer_value(json_object_get(b, "received_ms")));
    cm_html_printf(&w.h, "</td><td class=\"num\">%lld</td><td>",
                 (long long)json_integer_value(json_object_get(b, "entries")));
    hub_web_kinds(&w, json_object_get(b, "kinds"));
    cm_html_printf(&w.h, "</td><td class=\"num%r\">%lld</td><td><a href=\"/review/%lld\">",
                 flags ? " warn" : "", (long long)flags, (long long)id);
    cm_html_word(&w.h, "review.open");
    cm_html_raw(&w.h, "</a></td></tr>");
  }
  if (shown)
    cm_html_raw(&w.h, "</tbody></table>");
  else {
    cm_html_raw(&w.h, "<p class=\"empty\" id=\"queue-empty\">");
    cm_html_word(&w.h, "review.none");
    cm_html_raw(&w.h, "</p>");
  }
  hub_web_foot(&w);
out:
  json_decref(list);
  hub_web_end(&w);
}

/* ---- one batch ---- */

/* Load batch id (from the path) and check that the operator may see it.
 * Returns the batch (new reference) or NULL after answering. */
static json_t *load_batch(hub_web_req *w, int64_t *id_out) {
  json_t *b = NULL;
  cm_err err = {0};
  char street[HUB_NAME_MAX];
  if (!hub_web_parse_id(cm_http_param(w->req, 0), id_out)) {
    hub_web_fail(w, 404, "err.not_found", NULL);
    return NULL;
  }
  cm_rc rc = hub_review_show(w->hub, *id_out, &b, &err);
  if (rc) {
    hub_web_fail_rc(w, rc, err.msg);
    return NULL;
  }
  hub_web_author_street(w, json_string_value(json_object_get(b, "author")), street,
                        sizeof street);
  if (!hub_auth_sees_street(&w->s, w->hub->role, street)) {
    cm_warn("web: %s may not see batch %lld of street %s", w->s.op.name, (long long)*id_out,
            street);
    char target[48];
    snprintf(target, sizeof target, "batch %lld", (long long)*id_out);
    hub_web_audit(w, "refused", target, street);
    json_decref(b);
    hub_web_fail(w, 403, "err.street", NULL);
    return NULL;
  }
  return b;
}

/* The word for a status string ("pending" -> "status.pending"). */
static void status_word(hub_web_req *w, const char *status) {
  char key[48];
  snprintf(key, sizeof key, "status.%s", status ? status : "pending");
  cm_html_raw(&w->h, "<span class=\"status ");
  cm_html_esc(&w->h, status ? status : "");
  cm_html_raw(&w->h, "\">");
  cm_html_word(&w->h, key);
  cm_html_raw(&w->h, "</span>");
}

void hub_web_page_review_show(cm_http_req *req, cm_http_resp *resp, void *ctx) {
  hub_web_req w;
  int64_t id = 0;
  json_t *b = NULL;
  if (!hub_web_begin(&w, req, resp, ctx, HUB_WEB_LOGIN)) return;
  b = load_batch(&w, &id);
  if (!b) goto out;
  const char *status = json_string_value(json_object_get(b, "status"));
  int pending = status && !strcmp(status, "pending");
  int can_act = pending && w.hub->role == HUB_ROLE_STREET && hub_auth_can_write(&w.s);

  hub_web_head(&w, "review.batch");
  cm_html_printf(&w.h, "<h1>%r %lld</h1><dl class=\"facts\"><dt>", cm_i18n_t(w.lang, "review.batch"),
               (long long)id);
  cm_html_word(&w.h, "review.community");
  cm_html_raw(&w.h, "</dt><dd>");
  cm_html_esc(&w.h, json_string_value(json_object_get(b, "community")));
  cm_html_raw(&w.h, "</dd><dt>");
  cm_html_word(&w.h, "review.time");
  cm_html_raw(&w.h, "</dt><dd>");
  cm_html_time(&w.h, (uint64_t)json_integer_value(json_object_get(b, "received_ms")));
  cm_html_raw(&w.h, "</dd><dt>");
  cm_html_word(&w.h, "review.kinds");
  cm_html_raw(&w.h, "</dt><dd>");
  hub_web_kinds(&w, json_object_get(b, "kinds"));
  cm_html_raw(&w.h, "</dd><dt>");
  cm_html_word(&w.h, "review.status");
  cm_html_raw(&w.h, "</dt><dd id=\"batch-status\">");
  status_word(&w, status);
  cm_html_raw(&w.h, "</dd>");
  const char *op = json_string_value(json_object_get(b, "operator"));
  if (op && *op) {
    cm_html_raw(&w.h, "<dt>");
    cm_html_word(&w.h, "review.operator");
    cm_html_raw(&w.h, "</dt><dd id=\"batch-operator\">");
    cm_html_esc(&w.h, op);
    cm_html_raw(&w.h, "</dd>");
  }
  const char *reason = json_string_value(json_object_get(b, "reason"));
  if (reason && *reason) {
    cm_html_raw(&w.h, "<dt>");
    cm_html_word(&w.h, "review.why");
    cm_html_raw(&w.h, "</dt><dd id=\"batch-reason\">");
    cm_html_esc(&w.h, reason);
    cm_html_raw(&w.h, "</dd>");
  }
  cm_html_raw(&w.h, "</dl>");

  if (can_act) {
    cm_html_printf(&w.h, "<form method=\"post\" action=\"/review/%lld\" id=\"review-form\">",
                 (long long)id);
    hub_web_csrf_field(&w);
  }
  cm_html_raw(&w.h, "<h2>");
  cm_html_word(&w.h, "review.records");
  cm_html_raw(&w.h, "</h2><table class=\"list records\" id=\"records\"><thead><tr><th>");
  cm_html_word(&w.h, "review.record");
  cm_html_raw(&w.h, "</th><th>");
  cm_html_word(&w.h, "review.kind");
  cm_html_raw(&w.h, "</th><th>");
  cm_html_word(&w.h, "review.content");
  cm_html_raw(&w.h, "</th><th>");
  cm_html_word(&w.h, "review.flags");
  cm_html_raw(&w.h, "</th><th>");
  cm_html_word(&w.h, can_act ? "review.except" : "review.status");
  cm_html_raw(&w.h, "</th></tr></thead><tbody>");
  size_t i;
  json_t *r;
  json_array_foreach(json_object_get(b, "records"), i, r) {
    json_int_t seq = json_integer_value(json_object_get(r, "seq"));
    json_t *flags = json_object_get(r, "flags");
    int flagged = (json_is_array(flags) && json_array_size(flags) > 0) ||
                  json_array_size(json_object_get(r, "warnings")) > 0;
    cm_html_printf(&w.h, "<tr data-seq=\"%lld\"%r><td>%lld</td><td>", (long long)seq,
                 flagged ? " class=\"flagged\"" : "", (long long)seq);
    hub_web_kind(&w, json_string_value(json_object_get(r, "kind")));
    cm_html_raw(&w.h, "</td><td>");
    if (!hub_web_attach_cell(&w, json_string_value(json_object_get(r, "kind")),
                             json_object_get(r, "body")))
      hub_web_json_body_was(&w, json_string_value(json_object_get(r, "kind")),
                            json_object_get(r, "body"), json_object_get(r, "was"));
    cm_html_raw(&w.h, "</td><td>");
    if (json_array_size(flags) || !json_array_size(json_object_get(r, "warnings")))
      hub_web_flags(&w, flags);
    cm_html_warnings(&w.h, json_object_get(r, "warnings"));
    cm_html_raw(&w.h, "</td><td>");
    if (can_act) {
      cm_html_printf(&w.h, "<label class=\"except\"><input type=\"checkbox\" name=\"except\" "
                   "value=\"%lld\"> %r</label><input type=\"text\" name=\"why_%lld\" "
                   "maxlength=\"1000\" placeholder=\"",
                   (long long)seq, cm_i18n_t(w.lang, "review.except"), (long long)seq);
      cm_html_word(&w.h, "review.except_reason");
      cm_html_raw(&w.h, "\">");
    } else {
      status_word(&w, json_string_value(json_object_get(r, "status")));
      const char *why = json_string_value(json_object_get(r, "reason"));
      if (why && *why) {
        cm_html_raw(&w.h, "<br><small class=\"reason\">");
        cm_html_esc(&w.h, why);
        cm_html_raw(&w.h, "</small>");
      }
    }
    cm_html_raw(&w.h, "</td></tr>");
  }
  cm_html_raw(&w.h, "</tbody></table>");
  if (can_act) {
    cm_html_raw(&w.h, "<div class=\"actions\"><button type=\"submit\" name=\"action\" "
                    "value=\"accept\" id=\"accept\">");
    cm_html_word(&w.h, "review.accept");
    cm_html_raw(&w.h, "</button></div><fieldset class=\"reject\"><label>");
    cm_html_word(&w.h, "review.reject_reason");
    cm_html_raw(&w.h, "<textarea name=\"reason\" id=\"reject-reason\" maxlength=\"1000\" "
                    "rows=\"2\"></textarea></label><button type=\"submit\" name=\"action\" "
                    "value=\"reject\" id=\"reject\" class=\"danger\">");
    cm_html_word(&w.h, "review.reject");
    cm_html_raw(&w.h, "</button></fieldset></form>");
  }
  hub_web_foot(&w);
out:
  json_decref(b);
  hub_web_end(&w);
}

/* ---- the decision ---- */

void hub_web_page_review_post(cm_http_req *req, cm_http_resp *resp, void *ctx) {
  hub_web_req w;
  int64_t id = 0;
  json_t *b = NULL;
  hub_review_except except[HUB_REVIEW_EXCEPT_MAX];
  size_t n_except = 0;
  cm_err err = {0};
  cm_rc rc = CM_OK;
  char target[48], detail[HUB_REVIEW_REASON_MAX + 64] = "";
  if (!hub_web_begin(&w, req, resp, ctx, HUB_WEB_WRITE)) return;
  b = load_batch(&w, &id);
  if (!b) goto out;
  snprintf(target, sizeof target, "batch %lld", (long long)id);
  const char *action = cm_http_form(req, "action", 0);
  if (action && !strcmp(action, "reject")) {
    const char *reason = cm_http_form(req, "reason", 0);
    if (!reason || !*reason || strlen(reason) >= HUB_REVIEW_REASON_MAX) {
      hub_web_fail(&w, 400, "review.need_reason", NULL);
      goto out;
    }
    const char *confirm = cm_http_form(req, "confirm", 0);
    if (w.hub->role != HUB_ROLE_STREET) {
      /* Only the street reviews: no confirmation of what it would refuse. */
      hub_web_fail(&w, 403, "err.district_review", NULL);
      goto out;
    }
    if (!confirm || strcmp(confirm, "1") != 0) {
      /* Returning a whole batch is a step back for the community: ask once. */
      hub_web_head(&w, "review.confirm_title");
      cm_html_printf(&w.h,
                     "<h1>%w</h1><p class=\"hint\">%w</p><dl class=\"facts\"><dt>%w</dt><dd>%h</dd>"
                     "<dt>%w</dt><dd>%lld</dd><dt>%w</dt><dd id=\"confirm-reason\">%h</dd></dl>",
                     "review.confirm_title", "review.confirm_hint", "review.community",
                     json_string_value(json_object_get(b, "community")), "review.entries",
                     (long long)json_array_size(json_object_get(b, "records")), "review.why", reason);
      cm_html_printf(&w.h, "<form method=\"post\" action=\"/review/%lld\">", (long long)id);
      hub_web_csrf_field(&w);
      cm_html_printf(&w.h,
                     "<input type=\"hidden\" name=\"action\" value=\"reject\">"
                     "<input type=\"hidden\" name=\"reason\" value=\"%h\">"
                     "<div class=\"actions\"><button type=\"submit\" name=\"confirm\" value=\"1\" "
                     "class=\"danger\" id=\"confirm-reject\">%w</button>"
                     "<a class=\"button plain\" href=\"/review/%lld\">%w</a></div></form>",
                     reason, "review.confirm_reject", (long long)id, "review.cancel");
      hub_web_foot(&w);
      goto out;
    }
    rc = hub_review_reject(w.hub, id, hub_web_operator(&w), reason, NULL, &err);
    snprintf(detail, sizeof detail, "%s", reason);
  } else if (action && !strcmp(action, "accept")) {
    for (unsigned k = 0; k < HUB_REVIEW_EXCEPT_MAX; k++) {
      const char *rec = cm_http_form(req, "except", k);
      char field[48];
      int64_t seq;
      if (!rec) break;
      if (!hub_web_parse_id(rec, &seq)) {
        hub_web_fail(&w, 400, "err.invalid", rec);
        goto out;
      }
      snprintf(field, sizeof field, "why_%lld", (long long)seq);
      const char *why = cm_http_form(req, field, 0);
      if (!why || !*why || strlen(why) >= HUB_REVIEW_REASON_MAX) {
        hub_web_fail(&w, 400, "review.need_except_reason", NULL);
        goto out;
      }
      except[n_except].record = rec;
      except[n_except].reason = why;
      n_except++;
      size_t dl = strlen(detail);
      if (dl + 64 < sizeof detail)
        snprintf(detail + dl, sizeof detail - dl, "%s%s: %.40s", dl ? "; " : "except ", rec, why);
    }
    rc = hub_review_accept(w.hub, id, hub_web_operator(&w), except, n_except, NULL, &err);
  } else {
    hub_web_fail(&w, 400, "err.invalid", NULL);
    goto out;
  }
  if (rc) {
    if (rc == CM_ERR_PERM)
      hub_web_fail(&w, 403, "err.district_review", err.msg);
    else
      hub_web_fail_rc(&w, rc, err.msg);
    goto out;
  }
  int rejected = !strcmp(action, "reject");
  hub_web_audit(&w, rejected ? "review.reject" : "review.accept", target, detail);
  cm_info("web: %s %s %s", w.s.op.name, rejected ? "rejected" : "accepted", target);
  char loc[96];
  snprintf(loc, sizeof loc, "/review/%lld?msg=%s", (long long)id,
           rejected ? "msg.rejected" : "msg.accepted");
  hub_web_redirect(&w, loc);
out:
  json_decref(b);
  hub_web_end(&w);
}
