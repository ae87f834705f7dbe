/* web.h - the hub's web pages for operators: the page framework (route tables,
 * session middleware, HTML layout, language switch; writing and escaping are
 * common/html.h, the words common/i18n.h), the embedded
 * static assets, and the page handlers of hub/web_*.c.
 *
 * Every page handler is a cm_http_handler whose ctx is the server's hub_api
 * (hub/apictx.h, its field `web`).  A page starts with hub_web_begin(), which
 * checks the session (and, for a POST, the CSRF token and the right to write)
 * and answers by itself when the request may not go on; the page then writes
 * its HTML between hub_web_head() and hub_web_foot() and ends with
 * hub_web_end():
 *
 *   static void page_x(cm_http_req *req, cm_http_resp *resp, void *ctx) {
 *     hub_web_req w;
 *     if (!hub_web_begin(&w, req, resp, ctx, HUB_WEB_LOGIN)) return;
 *     hub_web_head(&w, "x.title");
 *     cm_html_printf(&w.h, "<p>%h</p>", user_supplied);   // %h escapes
 *     hub_web_foot(&w);
 *     hub_web_end(&w);
 *   }
 *
 * Route order in the server (hub_web_mount): hub_web_routes[], then the
 * dashboard's hub_web_dashboard_routes[] (hub/web_dashboard.c, owned by the
 * dashboard), then "GET /" redirecting to /review when the dashboard has no
 * "/" of its own, then the API. */
#ifndef LINLI_HUB_WEB_H
#define LINLI_HUB_WEB_H

#include <stddef.h>
#include <stdint.h>

#include "../common/html.h"
#include "../common/http_server.h"
#include "../common/i18n.h"
#include "../common/rc.h"
#include "apictx.h"
#include "auth.h"
#include "hub.h"
#include "opstore.h"

#define HUB_WEB_PAGE_MAX ((size_t)8u << 20) /* bytes of one HTML page */
#define HUB_WEB_LANG_COOKIE "linli_lang"

/* The pages' shared state: the operator store.  One per server. */
typedef struct hub_web hub_web;

/* Open dir/operators.db for the pages.  *web_out malloc'd. */
cm_rc hub_web_open(const char *dir, hub_web **web_out, cm_err *err);

/* Close; NULL is fine. */
void hub_web_close(hub_web *web);

/* The operator store (borrowed). */
hub_opstore *hub_web_ops(hub_web *web);

/* The page routes and the dashboard's (defined in hub/web_dashboard.c). */
extern const cm_http_route hub_web_routes[];
extern const size_t hub_web_nroutes;
extern const cm_http_route hub_web_dashboard_routes[];
extern const size_t hub_web_dashboard_nroutes;
/* The annual inspection's pages and API answer (hub/web_year.c), mounted
 * before the dashboard's (its /api/v1/dashboard/{} would take them). */
extern const cm_http_route hub_web_year_routes[];
extern const size_t hub_web_year_nroutes;
/* Evaluation and commendation's pages and files (hub/web_evaluation.c). */
extern const cm_http_route hub_web_eval_routes[];
extern const size_t hub_web_eval_nroutes;

/* One table for the server: pages, dashboard, "/" fallback, then api[0..n_api).
 * *routes_out malloc'd (caller frees; the strings are static). */
cm_rc hub_web_mount(const cm_http_route *api, size_t n_api, cm_http_route **routes_out,
                    size_t *n_out, cm_err *err);

/* What a page needs. */
enum {
  HUB_WEB_PUBLIC = 0,   /* no login needed (the login page, assets) */
  HUB_WEB_LOGIN = 1,    /* a logged-in operator; GET redirects to /login, others get 401 */
  HUB_WEB_WRITE = 2,    /* a POST that changes something: login, CSRF token, not a viewer */
  HUB_WEB_DISTRICT = 4, /* only operators who are not bound to one street */
  HUB_WEB_CSRF = 8,     /* a POST with the session's CSRF token (implied by HUB_WEB_WRITE) */
};

/* One page request in progress. */
typedef struct hub_web_req {
  cm_http_req *req;
  cm_http_resp *resp;
  hub_api *api;
  hub_ctx *hub;
  hub_web *web;
  hub_auth_session s;  /* the operator, when logged_in */
  int logged_in;
  cm_lang lang;
  cm_html h;           /* the page being written */
} hub_web_req;

/* Start a page: language, security headers, session and the flags' checks.
 * Returns 1 to go on; 0 when the answer has been given already (redirect to
 * /login, 401, 403; its page buffer is freed already), and the page only returns. */
int hub_web_begin(hub_web_req *w, cm_http_req *req, cm_http_resp *resp, void *ctx,
                  unsigned flags);

/* Free what the request holds. */
void hub_web_end(hub_web_req *w);

/* Append the hidden CSRF field of the session's token. */
void hub_web_csrf_field(hub_web_req *w);

/* The layout's start: doctype, head with the title word, header with the hub
 * name and role, navigation, language switch, operator and logout button. */
void hub_web_head(hub_web_req *w, const char *title_key);

/* The layout's end; sets the response (200 unless status is set otherwise
 * by hub_web_status) to the page. */
void hub_web_foot(hub_web_req *w);

/* Status of the page being written (default 200). */
void hub_web_status(hub_web_req *w, int status);

/* Answer with a whole error page: status and a word for why. */
void hub_web_fail(hub_web_req *w, int status, const char *why_key, const char *detail);

/* The page of an address no route knows (cm_http_config.not_found): the
 * error page, in the frame when an operator is logged in. */
void hub_web_not_found(cm_http_req *req, cm_http_resp *resp, void *ctx);

/* 303 See Other to location (a path on this hub). */
void hub_web_redirect(hub_web_req *w, const char *location);

/* Write to the audit trail as the logged-in operator (errors are logged, not
 * returned: the action itself has happened already). */
void hub_web_audit(hub_web_req *w, const char *action, const char *target, const char *detail);

/* The operator's name for hub log entries ("" when not logged in). */
const char *hub_web_operator(const hub_web_req *w);

/* A positive decimal int64 from s into *out: 1, or 0 when s is not one. */
int hub_web_parse_id(const char *s, int64_t *out);

/* Answer with the error page that fits rc: 404 NOT_FOUND, 409 CONFLICT or
 * EXISTS, 403 PERM, 400 INVALID, 500 otherwise (detail shown under it). */
void hub_web_fail_rc(hub_web_req *w, cm_rc rc, const char *detail);

/* The street of author (hex key) from the enrolment registry into out; ""
 * when unknown.  Takes hub->lock. */
void hub_web_author_street(hub_web_req *w, const char *author_hex, char *out, size_t cap);

/* An entry kind as a word ("report.monthly" -> 月报), escaped. */
void hub_web_kind(hub_web_req *w, const char *kind);

/* {"report.monthly": 3, ...} as "月报 3, ...". */
void hub_web_kinds(hub_web_req *w, const struct json_t *kinds);

/* A record body of kind (JSON object) as a definition list of its fields,
 * escaped, an amendment's changes written "field: old → new" with the old
 * values from was (the organisation as it stood before; NULL: new values
 * only), sealed personal fields opened only where common/personal.h lets. */
void hub_web_json_body_was(hub_web_req *w, const char *kind, const struct json_t *body,
                           const struct json_t *was);

/* A JSON array of flags (strings or objects) as a list of badges, escaped. */
void hub_web_flags(hub_web_req *w, const struct json_t *flags);

/* ---- page handlers (hub/web_*.c), listed in hub_web_routes[] ---- */

void hub_web_page_review_list(cm_http_req *req, cm_http_resp *resp, void *ctx);
void hub_web_page_review_show(cm_http_req *req, cm_http_resp *resp, void *ctx);
void hub_web_page_review_post(cm_http_req *req, cm_http_resp *resp, void *ctx);
void hub_web_page_enrol(cm_http_req *req, cm_http_resp *resp, void *ctx);
void hub_web_page_enrol_post(cm_http_req *req, cm_http_resp *resp, void *ctx);
void hub_web_page_alerts(cm_http_req *req, cm_http_resp *resp, void *ctx);
void hub_web_page_decide(cm_http_req *req, cm_http_resp *resp, void *ctx);
void hub_web_page_decide_post(cm_http_req *req, cm_http_resp *resp, void *ctx);
void hub_web_page_withdraw_post(cm_http_req *req, cm_http_resp *resp, void *ctx);
void hub_web_page_activities(cm_http_req *req, cm_http_resp *resp, void *ctx);
void hub_web_page_activities_post(cm_http_req *req, cm_http_resp *resp, void *ctx);

/* ---- embedded assets (hub/assets/, generated by hub/assets/embed.cmake) ---- */

typedef struct hub_web_asset {
  const char *name;          /* file name, e.g. "style.css", served at /assets/<name> */
  const char *content_type;  /* static MIME type */
  const unsigned char *data; /* the bytes (NUL-terminated, not counted in len) */
  size_t len;
} hub_web_asset;

extern const hub_web_asset hub_web_assets[];
extern const size_t hub_web_n_assets;

#endif
