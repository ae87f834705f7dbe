/* web.c - the hub's page framework: route tables, the session middleware,
 * the layout, HTML escaping, the language switch, login and logout, and the
 * embedded assets.
 *
 * Security model: operators log in with a name and password; the session is a
 * random token in an HttpOnly SameSite=Strict cookie (Secure over TLS) of which
 * the hub keeps only a hash.  Every POST that needs a session also carries the
 * session's CSRF token in a form field, compared in constant time; a POST
 * marked cross-site by the browser is refused before anything else.  Pages
 * forbid framing and load scripts and styles only from this hub (CSP). */
#include "web.h"

#include <jansson.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/clock.h"
#include "../common/log.h"
#include "../common/web_assets.h"
#include "../common/personal.h"
#include "../protocol/keys.h"
#include "store.h"

struct hub_web {
  hub_opstore *ops;
};

cm_rc hub_web_open(const char *dir, hub_web **web_out, cm_err *err) {
  cm_rc rc = CM_OK;
  hub_web *web = calloc(1, sizeof *web);
  *web_out = NULL;
  if (!web) return cm_errf(err, CM_ERR_NOMEM, "网页：内存不足");
  rc = hub_opstore_open(dir, &web->ops, err);
  if (rc) {
    free(web);
    return rc;
  }
  *web_out = web;
  return CM_OK;
}

void hub_web_close(hub_web *web) {
  if (!web) return;
  hub_opstore_close(web->ops);
  free(web);
}

hub_opstore *hub_web_ops(hub_web *web) {
  return web ? web->ops : NULL;
}

/* ---- output ---- */

void hub_web_csrf_field(hub_web_req *w) {
  cm_html_raw(&w->h, "<input type=\"hidden\" name=\"csrf\" value=\"");
  cm_html_esc(&w->h, w->s.csrf);
  cm_html_raw(&w->h, "\">");
}

void hub_web_status(hub_web_req *w, int status) {
  w->resp->status = status;
}

/* ---- request start and end ---- */

int hub_web_begin(hub_web_req *w, cm_http_req *req, cm_http_resp *resp, void *ctx,
                  unsigned flags) {
  hub_api *api = ctx;
  const char *lang_q = cm_http_query(req, "lang");
  const char *method = cm_http_method(req);
  int is_post = method && strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0;
  cm_err err = {0};

  memset(w, 0, sizeof *w);
  w->req = req;
  w->resp = resp;
  w->api = api;
  w->hub = api->hub;
  w->web = api->web;
  resp->status = 200;
  if (!cm_i18n_parse(lang_q, &w->lang))
    (void)cm_i18n_parse(cm_http_cookie(req, HUB_WEB_LANG_COOKIE), &w->lang);
  cm_html_init(&w->h, HUB_WEB_PAGE_MAX, w->lang);
  cm_html_security_headers(resp);
  if (lang_q && cm_i18n_parse(lang_q, &w->lang)) {
    char cookie[96];
    snprintf(cookie, sizeof cookie, "%s=%s; Path=/; SameSite=Strict; Max-Age=31536000%s",
             HUB_WEB_LANG_COOKIE, w->lang == CM_LANG_EN ? "en" : "zh",
             cm_http_is_tls(req) ? "; Secure" : "");
    cm_http_resp_header(resp, "Set-Cookie", cookie);
  }
  if (!w->web) {
    hub_web_fail(w, 503, "err.unavailable", NULL);
    goto refused;
  }

  /* A form another site made the browser post is refused whatever it holds. */
  const char *site = cm_http_header(req, "Sec-Fetch-Site");
  if (is_post && site && !strcmp(site, "cross-site")) {
    cm_warn("web: refused %s %s: cross-site post", method, cm_http_path(req));
    hub_web_fail(w, 403, "err.csrf", NULL);
    goto refused;
  }

  if (hub_auth_session_check(w->web->ops, cm_http_cookie(req, HUB_AUTH_COOKIE), cm_now_ms(),
                             &w->s, &w->logged_in, &err)) {
    cm_error("web: session check: %s", err.msg);
    hub_web_fail(w, 500, "err.internal", NULL);
    goto refused;
  }
  if (flags == HUB_WEB_PUBLIC) return 1;

  if (!w->logged_in) {
    if (!is_post) {
      /* Back to this page after logging in; only a local path is kept. */
      char loc[600];
      const char *target = cm_http_target(req);
      if (!target || target[0] != '/' || target[1] == '/' || strlen(target) > 400) target = "/";
      cm_buf esc;
      cm_buf_init(&esc, 2048);
      for (const char *p = target; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
            c == '/' || c == '-' || c == '_' || c == '.')
          (void)cm_buf_append(&esc, p, 1);
        else
          (void)cm_buf_appendf(&esc, "%%%02X", c);
      }
      snprintf(loc, sizeof loc, "/login?next=%s", esc.p ? (const char *)esc.p : "%2F");
      cm_buf_free(&esc);
      hub_web_redirect(w, loc);
    } else {
      hub_web_fail(w, 401, "err.login", NULL);
    }
    goto refused;
  }
  if ((flags & (HUB_WEB_WRITE | HUB_WEB_CSRF)) &&
      (!is_post || !hub_auth_csrf_ok(&w->s, cm_http_form(req, "csrf", 0)))) {
    cm_warn("web: refused %s %s by %s: CSRF token missing or wrong", method, cm_http_path(req),
            w->s.op.name);
    hub_web_fail(w, 403, "err.csrf", NULL);
    goto refused;
  }
  if ((flags & HUB_WEB_WRITE) && !hub_auth_can_write(&w->s)) {
    cm_warn("web: refused %s %s: %s is a viewer", method, cm_http_path(req), w->s.op.name);
    hub_web_fail(w, 403, "err.viewer", NULL);
    goto refused;
  }
  /* A viewer bound to one supervising unit reads the dashboard (scoped to
   * its organisations) and nothing else: the other pages list every unit. */
  if (!hub_auth_unit_page(&w->s, cm_http_path(req))) {
    cm_warn("web: refused %s %s: %s sees one unit's dashboard only", method, cm_http_path(req),
            w->s.op.name);
    hub_web_fail(w, 403, "err.unit", NULL);
    goto refused;
  }
  if ((flags & HUB_WEB_DISTRICT) && w->hub->role == HUB_ROLE_DISTRICT && w->s.op.street[0]) {
    hub_web_fail(w, 403, "err.street", NULL);
    goto refused;
  }
  return 1;
refused:
  /* The answer has been copied into resp: the page buffer is done with. */
  hub_web_end(w);
  return 0;
}

void hub_web_end(hub_web_req *w) {
  cm_html_free(&w->h);
}

const char *hub_web_operator(const hub_web_req *w) {
  return w->logged_in ? w->s.op.name : "";
}

void hub_web_audit(hub_web_req *w, const char *action, const char *target, const char *detail) {
  cm_err err = {0};
  if (hub_opstore_audit_add(w->web->ops, cm_now_ms(), hub_web_operator(w), action, target,
                            detail, cm_http_peer(w->req), &err))
    cm_error("web: audit of %s by %s not written: %s", action, hub_web_operator(w), err.msg);
}

int hub_web_parse_id(const char *s, int64_t *out) {
  int64_t v = 0;
  if (!s || !*s || strlen(s) > 18) return 0;
  for (const char *p = s; *p; p++) {
    if (*p < '0' || *p > '9') return 0;
    v = v * 10 + (*p - '0');
  }
  if (v <= 0) return 0;
  *out = v;
  return 1;
}

/* ---- shared pieces of pages ---- */

void hub_web_fail_rc(hub_web_req *w, cm_rc rc, const char *detail) {
  /* The status is the one every answer uses (common/rc_http.c); only the
   * words are the page's. */
  int status = cm_rc_http_status(rc);
  const char *key = status == 404   ? "err.not_found"
                    : status == 409 ? "err.conflict"
                    : status == 403 ? "err.street"
                    : status < 500  ? "err.invalid"
                                    : "err.internal";
  if (status >= 500)
    cm_error("web: %s %s: %s", cm_http_method(w->req), cm_http_path(w->req),
             detail ? detail : cm_strerror(rc));
  hub_web_fail(w, status, key, detail);
}

void hub_web_author_street(hub_web_req *w, const char *author_hex, char *out, size_t cap) {
  uint8_t key[PROTO_KEY_BYTES];
  hub_author a;
  int found = 0;
  if (cap) out[0] = '\0';
  if (!author_hex || proto_key_from_hex(author_hex, key)) return;
  pthread_mutex_lock(&w->hub->lock);
  cm_rc rc = hub_store_author_get(w->hub->store, key, &a, &found, NULL);
  pthread_mutex_unlock(&w->hub->lock);
  if (!rc && found) snprintf(out, cap, "%s", a.street);
}

void hub_web_kind(hub_web_req *w, const char *kind) {
  char key[80];
  snprintf(key, sizeof key, "kind.%s", kind ? kind : "");
  cm_html_esc(&w->h, cm_i18n_has(key) ? cm_i18n_t(w->lang, key) : (kind ? kind : ""));
}

void hub_web_kinds(hub_web_req *w, const json_t *kinds) {
  const char *k;
  json_t *v;
  int first = 1;
  json_object_foreach((json_t *)kinds, k, v) {
    if (!first) cm_html_raw(&w->h, ", ");
    first = 0;
    hub_web_kind(w, k);
    cm_html_printf(&w->h, " %lld", (long long)json_integer_value(v));
  }
}

/* One JSON value as people read it: words for yes/no and for the enum fields,
 * times without the ISO "T", an object (an amendment's changes) as its fields. */
static void json_field(hub_web_req *w, const char *field, const json_t *v);

static void json_value_text(hub_web_req *w, const char *field, const json_t *v) {
  if (json_is_boolean(v)) {
    cm_html_word(&w->h, json_is_true(v) ? "yes" : "no");
  } else if (json_is_string(v)) {
    const char *s = json_string_value(v);
    if (field && !strcmp(field, "founded_by"))
      cm_html_esc(&w->h, cm_i18n_word(w->lang, "found.", s));
    else
      cm_html_iso(&w->h, s);
  } else if (json_is_object(v)) {
    const char *k;
    json_t *x;
    cm_html_raw(&w->h, "<ul class=\"changes\">");
    json_object_foreach((json_t *)v, k, x) {
      cm_html_raw(&w->h, "<li>");
      json_field(w, k, x);
      cm_html_raw(&w->h, "</li>");
    }
    cm_html_raw(&w->h, "</ul>");
  } else if (json_is_integer(v)) {
    cm_html_printf(&w->h, "%lld", (long long)json_integer_value(v));
  } else if (json_is_array(v)) {
    size_t i;
    json_t *x;
    json_array_foreach((json_t *)v, i, x) {
      if (i) cm_html_raw(&w->h, "、");
      json_value_text(w, field, x);
    }
  }
}

static void json_field(hub_web_req *w, const char *field, const json_t *v) {
  cm_html_printf(&w->h, "%h：", cm_i18n_word(w->lang, "field.", field));
  json_value_text(w, field, v);
}

/* An amendment's changes as "field: old → new", each old value as it stood. */
static void changes_was(hub_web_req *w, const json_t *changes, const json_t *was) {
  const char *k;
  json_t *x;
  cm_html_raw(&w->h, "<ul class=\"changes\">");
  json_object_foreach((json_t *)changes, k, x) {
    const json_t *old = json_object_get(was, k);
    cm_html_printf(&w->h, "<li data-field=\"%h\">%h：<del class=\"old\">", k,
                   cm_i18n_word(w->lang, "field.", k));
    if (old && !(json_is_string(old) && !*json_string_value(old)))
      json_value_text(w, k, old);
    else
      cm_html_word(&w->h, "change.empty");
    cm_html_raw(&w->h, "</del> → <ins class=\"new\">");
    json_value_text(w, k, x);
    cm_html_raw(&w->h, "</ins></li>");
  }
  cm_html_raw(&w->h, "</ul>");
}

/* Personal fields sealed inside an entry of kind (common/personal.h): a
 * street hub opens a roster's box and shows them; a district, a box this hub
 * cannot open, or a resident's (the community's alone) says they are sealed. */
static void sealed_text(hub_web_req *w, const char *kind, const json_t *v) {
  json_t *who = NULL;
  if (!cm_personal_street_reads(kind)) {
    cm_html_word(&w->h, "field.sealed_community");
    return;
  }
  if (w->hub->role != HUB_ROLE_STREET ||
      cm_personal_open(v, "street", &w->hub->kp, &who, NULL) != CM_OK) {
    cm_html_word(&w->h, "field.sealed_hidden");
    return;
  }
  json_value_text(w, NULL, who);
  json_decref(who);
}

void hub_web_json_body_was(hub_web_req *w, const char *kind, const json_t *body,
                           const json_t *was) {
  if (!json_is_object(body)) {
    json_value_text(w, NULL, body);
    return;
  }
  const char *k;
  json_t *v;
  cm_html_raw(&w->h, "<dl class=\"body\">");
  json_object_foreach((json_t *)body, k, v) {
    /* Flags have their own column. */
    if (!strcmp(k, "flags")) continue;
    cm_html_printf(&w->h, "<dt>%h</dt><dd>", cm_i18n_word(w->lang, "field.", k));
    if (was && !strcmp(k, "changes") && json_is_object(v))
      changes_was(w, v, was);
    else if (!strcmp(k, "sealed"))
      sealed_text(w, kind, v);
    else
      json_value_text(w, k, v);
    cm_html_raw(&w->h, "</dd>");
  }
  cm_html_raw(&w->h, "</dl>");
}

void hub_web_flags(hub_web_req *w, const json_t *flags) {
  size_t i;
  json_t *f;
  if (!json_is_array(flags) || !json_array_size(flags)) {
    cm_html_raw(&w->h, "-");
    return;
  }
  json_array_foreach((json_t *)flags, i, f) {
    const char *name = json_is_string(f) ? json_string_value(f)
                       : json_is_object(f) ? json_string_value(json_object_get(f, "rule"))
                                           : NULL;
    char key[80];
    snprintf(key, sizeof key, "flag.%s", name ? name : "");
    cm_html_raw(&w->h, "<span class=\"flag\">");
    if (name && cm_i18n_has(key))
      cm_html_word(&w->h, key);
    else if (name)
      cm_html_esc(&w->h, name);
    else
      json_value_text(w, NULL, f);
    cm_html_raw(&w->h, "</span> ");
  }
}

/* ---- layout ---- */

/* The menu; district_only pages (HUB_WEB_DISTRICT) are left out for an
 * operator bound to one street at the district, who would only get 403. */
static const struct {
  const char *path;
  const char *key;
  int district_only;
} nav_items[] = {
    {"/review", "nav.review", 0},         {"/enrol", "nav.enrol", 0},
    {"/decide", "nav.decide", 1},         {"/activities", "nav.activities", 1},
    {"/inspections", "nav.inspection", 0},  {"/plans", "nav.plan", 0},
    {"/evaluation", "nav.evaluation", 0},
    {"/trainings", "nav.training", 0},      {"/notices", "nav.notice", 0},
    {"/alerts", "nav.alerts", 0},
};

/* 1 when the dashboard defines a page at "/". */
static int dashboard_has_root(void) {
  for (size_t i = 0; i < hub_web_dashboard_nroutes; i++)
    if (!strcmp(hub_web_dashboard_routes[i].pattern, "/")) return 1;
  return 0;
}

static void doc_start(hub_web_req *w, const char *title_key) {
  cm_html_raw(&w->h, w->lang == CM_LANG_EN ? "<!DOCTYPE html>\n<html lang=\"en\">"
                                       : "<!DOCTYPE html>\n<html lang=\"zh-CN\">");
  cm_html_raw(&w->h, "<head><meta charset=\"utf-8\"><meta name=\"viewport\" "
                 "content=\"width=device-width, initial-scale=1\"><title>");
  cm_html_word(&w->h, title_key);
  cm_html_raw(&w->h, " · ");
  cm_html_esc(&w->h, w->hub->name);
  cm_html_raw(&w->h, "</title>");
  cm_html_head_assets(&w->h);
  cm_html_raw(&w->h, "</head>\n<body>");
}

void hub_web_head(hub_web_req *w, const char *title_key) {
  const char *path = cm_http_path(w->req);
  doc_start(w, title_key);
  cm_html_raw(&w->h, "<header class=\"top\"><div class=\"brand\"><span class=\"hub-name\">");
  cm_html_esc(&w->h, w->hub->name);
  cm_html_raw(&w->h, "</span> <span class=\"hub-role\">");
  cm_html_word(&w->h, w->hub->role == HUB_ROLE_DISTRICT ? "hub.district" : "hub.street");
  cm_html_raw(&w->h, "</span></div><nav>");
  if (dashboard_has_root()) {
    cm_html_raw(&w->h, !strcmp(path, "/") ? "<a class=\"on\" href=\"/\">" : "<a href=\"/\">");
    cm_html_word(&w->h, "nav.dashboard");
    cm_html_raw(&w->h, "</a>");
  }
  int street_bound = w->logged_in && w->hub->role == HUB_ROLE_DISTRICT && w->s.op.street[0];
  for (size_t i = 0; i < sizeof nav_items / sizeof nav_items[0]; i++) {
    if (nav_items[i].district_only && street_bound) continue;
    size_t n = strlen(nav_items[i].path);
    int on = !strncmp(path, nav_items[i].path, n) && (path[n] == '\0' || path[n] == '/');
    cm_html_printf(&w->h, "<a%r href=\"%r\">", on ? " class=\"on\"" : "", nav_items[i].path);
    cm_html_word(&w->h, nav_items[i].key);
    cm_html_raw(&w->h, "</a>");
  }
  cm_html_raw(&w->h, "</nav><div class=\"who\"><a class=\"lang\" href=\"?lang=");
  cm_html_raw(&w->h, w->lang == CM_LANG_EN ? "zh\">中文" : "en\">English");
  cm_html_raw(&w->h, "</a>");
  if (w->logged_in) {
    cm_html_raw(&w->h, " <span class=\"op\">");
    cm_html_esc(&w->h, w->s.op.name);
    cm_html_raw(&w->h, " (");
    cm_html_word(&w->h, !strcmp(w->s.op.role, "district") ? "role.district"
                    : !strcmp(w->s.op.role, "street") ? "role.street"
                                                      : "role.viewer");
    if (w->s.op.street[0] && w->hub->role == HUB_ROLE_DISTRICT) {
      cm_html_raw(&w->h, " · ");
      cm_html_esc(&w->h, w->s.op.street);
    }
    cm_html_raw(&w->h, ")</span><form class=\"inline\" method=\"post\" action=\"/logout\">");
    hub_web_csrf_field(w);
    cm_html_raw(&w->h, "<button type=\"submit\" id=\"logout\">");
    cm_html_word(&w->h, "nav.logout");
    cm_html_raw(&w->h, "</button></form>");
  }
  cm_html_raw(&w->h, "</div></header>\n<main>");
  const char *msg = cm_http_query(w->req, "msg");
  /* Only words of our own table are shown: a link cannot put text in the page. */
  if (msg && !strncmp(msg, "msg.", 4) && cm_i18n_has(msg)) {
    cm_html_raw(&w->h, "<p class=\"flash\" role=\"status\">");
    cm_html_word(&w->h, msg);
    cm_html_raw(&w->h, "</p>");
  }
}

void hub_web_foot(hub_web_req *w) {
  cm_html_raw(&w->h, "</main>\n<footer>");
  cm_html_word(&w->h, "footer.hub");
  cm_html_raw(&w->h, "</footer></body></html>\n");
  if (w->h.rc) {
    cm_error("web: page %s not written: %s", cm_http_path(w->req), cm_strerror(w->h.rc));
    static const char msg[] = "500 服务器内部错误：页面未能生成，请查看日志。\n";
    cm_http_resp_set(w->resp, 500, "text/plain; charset=utf-8", msg, sizeof msg - 1);
    return;
  }
  int status = w->resp->status ? w->resp->status : 200;
  if (cm_http_resp_set(w->resp, status, "text/html; charset=utf-8", w->h.out.p, w->h.out.len))
    cm_http_resp_set(w->resp, 500, "text/plain; charset=utf-8", "内存不足\n", sizeof "内存不足\n" - 1);
}

void hub_web_fail(hub_web_req *w, int status, const char *why_key, const char *detail) {
  cm_html_reset(&w->h);
  w->resp->status = status;
  if (w->logged_in)
    hub_web_head(w, "err.title");
  else {
    doc_start(w, "err.title");
    cm_html_raw(&w->h, "<main>");
  }
  cm_html_printf(&w->h, "<h1>%w</h1>", "err.title");
  /* What to do next, by what went wrong; the detail only where it is in words. */
  const char *next = status == 401   ? "err.next_login"
                     : status == 403 ? "err.next_perm"
                     : status == 404 ? "err.next_missing"
                     : status < 500  ? "err.next"
                                     : "err.next_internal";
  cm_html_error_box(&w->h, w->req, why_key, detail, next, status == 401 ? "/login" : "/");
  hub_web_foot(w);
  w->resp->status = status;
}

void hub_web_redirect(hub_web_req *w, const char *location) {
  cm_http_resp_set(w->resp, 303, "text/plain; charset=utf-8", "", 0);
  if (cm_http_resp_header(w->resp, "Location", location))
    cm_http_resp_set(w->resp, 500, "text/plain; charset=utf-8", "跳转地址不对\n", sizeof "跳转地址不对\n" - 1);
}

/* ---- login, logout, assets, "/" ---- */

/* A local path to go to after login: "/x..." but not "//host"; "/" otherwise. */
static const char *safe_next(const char *next) {
  if (!next || next[0] != '/' || next[1] == '/' || next[1] == '\\' || strlen(next) > 400 ||
      strpbrk(next, "\r\n"))
    return "/";
  return next;
}

static void login_form(hub_web_req *w, const char *name, const char *error_key) {
  hub_web_head(w, "login.title");
  cm_html_raw(&w->h, "<section class=\"login\"><h1>");
  cm_html_word(&w->h, "login.title");
  cm_html_raw(&w->h, "</h1>");
  if (error_key) {
    cm_html_raw(&w->h, "<p class=\"error\" id=\"error\" role=\"alert\">");
    cm_html_word(&w->h, error_key);
    cm_html_raw(&w->h, "</p>");
  }
  cm_html_raw(&w->h, "<form method=\"post\" action=\"/login\"><input type=\"hidden\" name=\"next\" "
                 "value=\"");
  const char *next = cm_http_form(w->req, "next", 0);
  cm_html_esc(&w->h, safe_next(next ? next : cm_http_query(w->req, "next")));
  cm_html_raw(&w->h, "\"><label>");
  cm_html_word(&w->h, "login.name");
  cm_html_raw(&w->h, "<input name=\"name\" id=\"name\" autocomplete=\"username\" required "
                 "maxlength=\"63\" value=\"");
  cm_html_esc(&w->h, name ? name : "");
  cm_html_raw(&w->h, "\"></label><label>");
  cm_html_word(&w->h, "login.password");
  cm_html_raw(&w->h, "<input type=\"password\" name=\"password\" id=\"password\" "
                 "autocomplete=\"current-password\" required></label><button type=\"submit\" "
                 "id=\"login\">");
  cm_html_word(&w->h, "login.submit");
  cm_html_raw(&w->h, "</button></form></section>");
  hub_web_foot(w);
}

static void page_login(cm_http_req *req, cm_http_resp *resp, void *ctx) {
  hub_web_req w;
  if (!hub_web_begin(&w, req, resp, ctx, HUB_WEB_PUBLIC)) return;
  if (w.logged_in) {
    hub_web_redirect(&w, safe_next(cm_http_query(req, "next")));
  } else {
    login_form(&w, NULL, NULL);
  }
  hub_web_end(&w);
}

static void page_login_post(cm_http_req *req, cm_http_resp *resp, void *ctx) {
  hub_web_req w;
  hub_auth_session s;
  char token[HUB_AUTH_TOKEN_HEX];
  int locked = 0;
  cm_err err = {0};
  if (!hub_web_begin(&w, req, resp, ctx, HUB_WEB_PUBLIC)) return;
  const char *name = cm_http_form(req, "name", 0);
  const char *password = cm_http_form(req, "password", 0);
  cm_rc rc = hub_auth_login(w.web->ops, name, password, cm_http_peer(req), cm_now_ms(), &s, token,
                            &locked, &err);
  if (rc == CM_OK) {
    hub_auth_set_cookie(resp, token, cm_http_is_tls(req));
    hub_web_redirect(&w, safe_next(cm_http_form(req, "next", 0)));
  } else if (rc == CM_ERR_PERM) {
    cm_warn("web: login as \"%.64s\" from %s refused: %s", name ? name : "", cm_http_peer(req),
            err.msg);
    hub_web_status(&w, locked ? 429 : 401);
    login_form(&w, name, locked ? "login.locked" : "login.wrong");
  } else {
    cm_error("web: login: %s", err.msg);
    hub_web_fail(&w, 500, "err.internal", NULL);
  }
  sodium_memzero(token, sizeof token);
  hub_web_end(&w);
}

static void page_logout(cm_http_req *req, cm_http_resp *resp, void *ctx) {
  hub_web_req w;
  cm_err err = {0};
  if (!hub_web_begin(&w, req, resp, ctx, HUB_WEB_LOGIN | HUB_WEB_CSRF)) return;
  if (hub_auth_logout(w.web->ops, &w.s, &err)) cm_error("web: logout: %s", err.msg);
  hub_web_audit(&w, "logout", "", "");
  hub_auth_set_cookie(resp, NULL, cm_http_is_tls(req));
  hub_web_redirect(&w, "/login");
  hub_web_end(&w);
}

static void page_asset(cm_http_req *req, cm_http_resp *resp, void *ctx) {
  const char *name = cm_http_param(req, 0);
  (void)ctx;
  const cm_web_asset *shared = cm_web_asset_find(name);
  if (shared) {
    cm_http_resp_set(resp, 200, shared->content_type, shared->data, shared->len);
    cm_http_resp_header(resp, "Cache-Control", "max-age=3600");
    cm_http_resp_header(resp, "X-Content-Type-Options", "nosniff");
    return;
  }
  for (size_t i = 0; i < hub_web_n_assets; i++) {
    if (name && !strcmp(name, hub_web_assets[i].name)) {
      cm_http_resp_set(resp, 200, hub_web_assets[i].content_type, hub_web_assets[i].data,
                       hub_web_assets[i].len);
      cm_http_resp_header(resp, "Cache-Control", "max-age=3600");
      cm_http_resp_header(resp, "X-Content-Type-Options", "nosniff");
      return;
    }
  }
  cm_http_resp_set(resp, 404, "text/plain; charset=utf-8", "找不到该文件\n", sizeof "找不到该文件\n" - 1);
}

/* Until the dashboard has a "/" page, the review queue is the home page. */
static void page_root(cm_http_req *req, cm_http_resp *resp, void *ctx) {
  hub_web_req w;
  if (!hub_web_begin(&w, req, resp, ctx, HUB_WEB_LOGIN)) return;
  hub_web_redirect(&w, "/review");
  hub_web_end(&w);
}

void hub_web_not_found(cm_http_req *req, cm_http_resp *resp, void *ctx) {
  hub_web_req w;
  if (!hub_web_begin(&w, req, resp, ctx, HUB_WEB_PUBLIC)) return;
  char detail[320];
  snprintf(detail, sizeof detail, "%s：%.200s", cm_i18n_t(w.lang, "err.address"),
           cm_http_path(req));
  hub_web_fail(&w, 404, "err.no_page", detail);
  hub_web_end(&w);
}

const cm_http_route hub_web_routes[] = {
    {"GET", "/login", page_login, "login form (fields name, password)"},
    {"POST", "/login", page_login_post, "log in: sets the session cookie, or 401/429"},
    {"POST", "/logout", page_logout, "log out (CSRF token required)"},
    {"GET", "/assets/{}", page_asset, "the pages' CSS and JS, embedded in the binary"},
    {"GET", "/review", hub_web_page_review_list, "review queue: pending batches"},
    {"GET", "/review/{}", hub_web_page_review_show, "one batch: its decoded records and flags"},
    {"POST", "/review/{}", hub_web_page_review_post,
     "accept, accept except chosen records, or reject a batch (with reasons)"},
    {"GET", "/enrol", hub_web_page_enrol, "enrolment requests with fingerprints"},
    {"POST", "/enrol/{}", hub_web_page_enrol_post, "approve an enrolment request"},
    {"GET", "/decide", hub_web_page_decide, "decisions: the list and the form"},
    {"POST", "/decide", hub_web_page_decide_post,
     "commend, criticise (deadline), inspection result, revoke, notice"},
    {"POST", "/decide/withdraw", hub_web_page_withdraw_post,
     "withdraw a decision this hub wrote (confirmation, then confirm=1 with a reason)"},
    {"GET", "/activities", hub_web_page_activities, "major activities and their acknowledgement"},
    {"POST", "/activities", hub_web_page_activities_post,
     "acknowledge or return a major activity"},
    {"GET", "/alerts", hub_web_page_alerts,
     "alerts: quarantined forks, wrong clocks, communities silent for 7 days"},
};
const size_t hub_web_nroutes = sizeof hub_web_routes / sizeof hub_web_routes[0];

static const cm_http_route root_route = {"GET", "/", page_root,
                                         "home: the review queue until the dashboard has one"};

cm_rc hub_web_mount(const cm_http_route *api, size_t n_api, cm_http_route **routes_out,
                    size_t *n_out, cm_err *err) {
  size_t n = hub_web_nroutes + hub_web_year_nroutes + hub_web_eval_nroutes +
             hub_web_dashboard_nroutes + 1 + n_api,
         k = 0;
  cm_http_route *r = calloc(n, sizeof *r);
  *routes_out = NULL;
  *n_out = 0;
  if (!r) return cm_errf(err, CM_ERR_NOMEM, "网页：内存不足");
  for (size_t i = 0; i < hub_web_nroutes; i++) r[k++] = hub_web_routes[i];
  for (size_t i = 0; i < hub_web_year_nroutes; i++) r[k++] = hub_web_year_routes[i];
  for (size_t i = 0; i < hub_web_eval_nroutes; i++) r[k++] = hub_web_eval_routes[i];
  for (size_t i = 0; i < hub_web_dashboard_nroutes; i++) r[k++] = hub_web_dashboard_routes[i];
  if (!dashboard_has_root()) r[k++] = root_route;
  for (size_t i = 0; i < n_api; i++) r[k++] = api[i];
  *routes_out = r;
  *n_out = k;
  return CM_OK;
}
