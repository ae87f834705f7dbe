/* web.c - `linli-node serve`: the staff's web page on loopback and the
 * background sync loop.
 *
 * Security model: the page binds 127.0.0.1 and has no login (whoever sits at the
 * community PC is staff), so what must be kept out is other web sites the same
 * browser visits.  Three checks do it: the Host header must name this server
 * (defeats DNS rebinding), every POST carries a per-process random token both in
 * a SameSite=Strict HttpOnly cookie and in a hidden form field (defeats
 * cross-site form posts), and no CORS header is ever sent (other origins cannot
 * read the JSON).  Pages forbid framing and load scripts and styles only from
 * here (CSP), and every asset is embedded in the binary. */
#include "web.h"

#include <errno.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../common/attach.h"
#include "../common/clock.h"
#include "../common/log.h"
#include "../common/web_assets.h"
#include "records.h"
#include "staff.h"
#include "sync.h"
#include "web_app.h"
#include "web_assets.h"

extern char **environ;

#define WEB_MAX_BODY (256u * 1024u) /* the largest form: six 4000-byte fields, encoded */
/* The largest file form: an attachment of the largest cap the district may
 * set (CM_ATT_FILE_MB_MAX) with its fields; a bigger file gets the too-large page, one
 * under this but over the caps in force (node_attach_caps) is refused by
 * node_attach() with the form kept. */
#define WEB_MAX_FILE_BODY (((size_t)CM_ATT_FILE_MB_MAX << 20) + 256u * 1024u)
#define WEB_THREADS 2u              /* one or two staff; fewer threads, less memory */
#define WEB_STOP_WAIT_MS 5000u      /* how long shutdown waits for a running sync pass */
#define CSRF_BYTES 32

/* --- request start and end --- */

static int host_ok(const node_web_app *app, const char *host) {
  size_t i;
  if (!host) return 0;
  /* Off loopback the page is reached by whatever name the network gives this
   * PC; the staff login (a cookie a rebinding site never gets) guards it. */
  if (app->staff) return 1;
  for (i = 0; i < app->n_hosts; i++) {
    if (strcasecmp(host, app->hosts[i]) == 0) return 1;
  }
  return 0;
}

/* Origin, when the browser sends one, must be this server. */
static int origin_ok(const node_web_app *app, const char *origin, const char *host) {
  if (!origin) return 1;
  if (strncmp(origin, "http://", 7) != 0) return 0;
  if (app->staff) return host && strcasecmp(origin + 7, host) == 0;
  return host_ok(app, origin + 7);
}

static int token_ok(const node_web_app *app, const char *tok) {
  return tok && strlen(tok) == 2 * CSRF_BYTES &&
         sodium_memcmp(tok, app->csrf, 2 * CSRF_BYTES) == 0;
}

static void refuse(node_web_rq *rq, const char *why_key) {
  cm_html_raw(&rq->h, rq->lang == CM_LANG_EN ? "<!DOCTYPE html>\n<html lang=\"en\">"
                                           : "<!DOCTYPE html>\n<html lang=\"zh-CN\">");
  cm_html_printf(&rq->h, "<head><meta charset=\"utf-8\"><title>403</title></head><body><h1>403 %w"
                 "</h1><p>",
                 "err.forbidden");
  cm_html_word(&rq->h, why_key);
  cm_html_raw(&rq->h, "</p></body></html>\n");
  node_web_end(rq, 403);
}

/* A form post over the server's body cap: the page frame with the error box
 * and a link back to the form it came from (the browser keeps what was typed
 * there); 413. */
static void too_large(node_web_rq *rq) {
  const char *ref = cm_http_header(rq->req, "Referer");
  char back[512] = "/";
  const char *host = cm_http_header(rq->req, "Host");
  /* Only a path of this server goes into the link. */
  if (ref && host) {
    const char *p = strstr(ref, "://");
    if (p && !strncmp(p + 3, host, strlen(host)) && p[3 + strlen(host)] == '/')
      snprintf(back, sizeof back, "%s", p + 3 + strlen(host));
  }
  /* A form shown again after a refusal has the list's path (POST /reports);
   * its empty form is the collection's /new. */
  const char *path = cm_http_path(rq->req);
  size_t bl = strcspn(back, "?");
  if (path && path[0] == '/' && !strchr(path + 1, '/') && bl == strlen(path) &&
      !strncmp(back, path, bl))
    snprintf(back, sizeof back, "%s/new", path);
  cm_warn("web: %s %s: form over the size limit", cm_http_method(rq->req), cm_http_path(rq->req));
  node_web_page_begin(rq, "err.too_large_title", NULL);
  cm_html_printf(&rq->h, "<h1>%w</h1>", "err.too_large_title");
  cm_html_error_box(&rq->h, rq->req, "err.too_large", NULL, "err.too_large_next", back);
  node_web_page_end(rq);
  node_web_end(rq, 413);
}

static int staff_ok(node_web_rq *rq);

int node_web_begin(node_web_rq *rq, cm_http_req *req, cm_http_resp *resp, void *ctx) {
  node_web_app *app = ctx;
  const char *lang_q = cm_http_query(req, "lang");
  const char *lang_c = cm_http_cookie(req, "linli_lang");
  const char *method = cm_http_method(req);
  char cookie[160];

  memset(rq, 0, sizeof *rq);
  rq->app = app;
  rq->req = req;
  rq->resp = resp;
  if (lang_q && strcmp(lang_q, "en") == 0) {
    rq->lang = CM_LANG_EN;
  } else if (lang_q && strcmp(lang_q, "zh") == 0) {
    rq->lang = CM_LANG_ZH;
  } else {
    rq->lang = (lang_c && strcmp(lang_c, "en") == 0) ? CM_LANG_EN : CM_LANG_ZH;
  }
  cm_html_init(&rq->h, NODE_WEB_PAGE_MAX, rq->lang);
  /* same-origin referrers (not no-referrer): under no-referrer Chromium sends
   * "Origin: null" on form posts, and the origin check needs the real one. */
  cm_html_security_headers(resp);

  if (!host_ok(app, cm_http_header(req, "Host"))) {
    cm_warn("web: refused %s %s: Host header \"%.100s\" is not this server", method,
            cm_http_path(req), cm_http_header(req, "Host") ? cm_http_header(req, "Host") : "");
    refuse(rq, "err.host");
    return 0;
  }
  if (method && strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0) {
    const char *site = cm_http_header(req, "Sec-Fetch-Site");
    const char *why = NULL;
    if (!origin_ok(app, cm_http_header(req, "Origin"), cm_http_header(req, "Host"))) {
      why = "Origin is another site";
    } else if (site && strcmp(site, "cross-site") == 0) {
      why = "Sec-Fetch-Site is cross-site";
    } else if (!token_ok(app, cm_http_cookie(req, app->csrf_cookie))) {
      why = "CSRF cookie missing or wrong";
    } else if (cm_http_body_too_large(req)) {
      /* The body was dropped unread, so there is no form token to check; the
       * answer changes nothing and only says what to do. */
      too_large(rq);
      return 0;
    } else if (!token_ok(app, cm_http_form(req, "csrf", 0))) {
      why = "CSRF form field missing or wrong";
    }
    if (why) {
      cm_warn("web: refused %s %s: %s", method, cm_http_path(req), why);
      refuse(rq, "err.csrf");
      return 0;
    }
  }
  /* The token rides on every answer, so that any page the staff open can post. */
  snprintf(cookie, sizeof cookie, "%s=%s; Path=/; HttpOnly; SameSite=Strict", app->csrf_cookie,
           app->csrf);
  cm_http_resp_header(resp, "Set-Cookie", cookie);
  if (lang_q && (strcmp(lang_q, "en") == 0 || strcmp(lang_q, "zh") == 0)) {
    snprintf(cookie, sizeof cookie, "linli_lang=%s; Path=/; SameSite=Strict; Max-Age=31536000",
             lang_q);
    cm_http_resp_header(resp, "Set-Cookie", cookie);
  }
  return staff_ok(rq);
}

/* The staff login form (off loopback), with an error message key or NULL. */
static void staff_form(node_web_rq *rq, const char *error_key, int status) {
  node_web_page_begin(rq, "staff.title", NULL);
  cm_html_printf(&rq->h, "<h1>%w</h1>", "staff.title");
  if (error_key) cm_html_msg(&rq->h, "error", error_key, "");
  node_web_form_begin(rq, "/staff-login", NULL);
  cm_html_input(&rq->h, "password", "password", "staff.password", "", 1,
                "autocomplete=\"current-password\"", NULL);
  node_web_form_end(rq, "staff.submit");
  node_web_page_end(rq);
  node_web_end(rq, status);
}

/* Off loopback every page but the login and the assets needs a staff session. */
static int staff_ok(node_web_rq *rq) {
  node_web_app *app = rq->app;
  const char *path = cm_http_path(rq->req);
  if (!app->staff || strncmp(path, "/assets/", 8) == 0) return 1;
  if (!strcmp(path, "/staff-login") && !strcmp(cm_http_method(rq->req), "POST")) return 1;
  if (node_staff_session_ok(app->staff, cm_http_cookie(rq->req, app->staff_cookie), cm_now_ms()))
    return 1;
  staff_form(rq, NULL, 401);
  return 0;
}

/* POST /staff-login: check the staff password, set the session cookie. */
static void h_staff_login(cm_http_req *req, cm_http_resp *resp, void *ctx) {
  node_web_rq rq;
  char token[NODE_STAFF_TOKEN_HEX], cookie[160];
  unsigned wait_s = 0;
  cm_err e;
  cm_err_clear(&e);
  if (!node_web_begin(&rq, req, resp, ctx)) return;
  node_web_app *app = rq.app;
  if (!app->staff) {
    node_web_redirect(&rq, "/");
    return;
  }
  cm_rc rc = node_staff_login(app->staff, cm_http_form(req, "password", 0), cm_http_peer(req),
                              cm_now_ms(), token, &wait_s, &e);
  if (rc) {
    cm_warn("web: staff login from %s refused: %s", cm_http_peer(req), e.msg);
    staff_form(&rq, wait_s ? "staff.wait" : "staff.wrong", wait_s ? 429 : 401);
    return;
  }
  snprintf(cookie, sizeof cookie, "%s=%s; Path=/; HttpOnly; SameSite=Strict", app->staff_cookie,
           token);
  sodium_memzero(token, sizeof token);
  cm_http_resp_header(resp, "Set-Cookie", cookie);
  sodium_memzero(cookie, sizeof cookie);
  cm_info("web: staff logged in from %s", cm_http_peer(req));
  node_web_redirect(&rq, "/");
}

node_ctx *node_web_db(node_web_rq *rq) {
  if (!rq->locked) {
    pthread_mutex_lock(&rq->app->db_mu);
    rq->locked = 1;
  }
  return rq->app->db;
}

void node_web_end(node_web_rq *rq, int status) {
  if (rq->locked) {
    pthread_mutex_unlock(&rq->app->db_mu);
    rq->locked = 0;
  }
  if (rq->h.rc) {
    static const char msg[] = "500 服务器内部错误：页面未能生成，请查看日志。\n";
    cm_error("web: %s %s: writing the page failed: %s", cm_http_method(rq->req),
             cm_http_path(rq->req), cm_strerror(rq->h.rc));
    cm_http_resp_set(rq->resp, 500, "text/plain; charset=utf-8", msg, sizeof msg - 1);
  } else if (rq->h.out.len > 0) {
    if (cm_http_resp_set(rq->resp, status, "text/html; charset=utf-8", rq->h.out.p,
                         rq->h.out.len)) {
      rq->resp->status = 500;
    }
  }
  cm_html_free(&rq->h);
}

void node_web_refusal(node_web_rq *rq, const cm_err *e) {
  char part[sizeof e->msg];
  cm_i18n_msg_part(rq->lang, e->msg[0] ? e->msg : cm_strerror(e->rc), part, sizeof part);
  cm_html_msg(&rq->h, "error", "form.error", part);
}

void node_web_redirect(node_web_rq *rq, const char *location) {
  cm_http_resp_header(rq->resp, "Location", location);
  rq->resp->status = 303;
  node_web_end(rq, 303);
}

/* The page of an address no route knows: the error page, with the way home. */
static void h_not_found(cm_http_req *req, cm_http_resp *resp, void *ctx) {
  node_web_rq rq;
  char detail[320];
  if (!node_web_begin(&rq, req, resp, ctx)) return;
  snprintf(detail, sizeof detail, "%s：%.200s", cm_i18n_t(rq.lang, "err.address"),
           cm_http_path(req));
  node_web_page_begin(&rq, "err.no_page", NULL);
  cm_html_printf(&rq.h, "<h1>%w</h1>", "err.no_page");
  cm_html_error_box(&rq.h, rq.req, "err.no_page", detail, "err.next_missing", "/");
  node_web_page_end(&rq);
  node_web_end(&rq, 404);
}

/* --- static assets and JSON --- */

static void h_asset(cm_http_req *req, cm_http_resp *resp, void *ctx) {
  node_web_rq rq;
  const char *name = cm_http_param(req, 0);
  size_t i;
  if (!node_web_begin(&rq, req, resp, ctx)) return;
  const cm_web_asset *shared = cm_web_asset_find(name);
  if (shared) {
    cm_http_resp_set(resp, 200, shared->content_type, shared->data, shared->len);
    node_web_end(&rq, 200);
    return;
  }
  for (i = 0; name && i < node_web_n_assets; i++) {
    if (strcmp(node_web_assets[i].name, name) == 0) {
      cm_http_resp_set(resp, 200, node_web_assets[i].content_type, node_web_assets[i].data,
                       node_web_assets[i].len);
      node_web_end(&rq, 200);
      return;
    }
  }
  cm_http_resp_set(resp, 404, "text/plain; charset=utf-8", "找不到该文件\n", sizeof "找不到该文件\n" - 1);
  node_web_end(&rq, 404);
}

/* One JSON listing: the same JSON as the command line's --json. */
typedef enum api_kind { API_ORGS, API_REPORTS, API_ACTIVITIES, API_STATUS, API_INBOX } api_kind;

static void api(cm_http_req *req, cm_http_resp *resp, void *ctx, api_kind kind) {
  node_web_rq rq;
  node_ctx *db;
  json_t *j = NULL;
  cm_err e;
  cm_rc rc = CM_OK;
  cm_err_clear(&e);
  if (!node_web_begin(&rq, req, resp, ctx)) return;
  db = node_web_db(&rq);
  switch (kind) {
    case API_ORGS: rc = node_org_list(db, &j, &e); break;
    case API_REPORTS:
      rc = node_report_list(db, cm_http_query(req, "org"), cm_http_query(req, "month"), &j, &e);
      break;
    case API_ACTIVITIES: rc = node_activity_list(db, &j, &e); break;
    case API_STATUS: rc = node_status(db, &j, &e); break;
    case API_INBOX: rc = node_inbox_list(db, &j, &e); break;
  }
  if (rc) {
    cm_http_resp_error(resp, cm_rc_http_status(rc), rc, e.msg, NULL);
  } else {
    cm_http_resp_json(resp, 200, j);
  }
  node_web_end(&rq, resp->status);
}

static void h_api_orgs(cm_http_req *req, cm_http_resp *resp, void *ctx) {
  api(req, resp, ctx, API_ORGS);
}
static void h_api_reports(cm_http_req *req, cm_http_resp *resp, void *ctx) {
  api(req, resp, ctx, API_REPORTS);
}
static void h_api_activities(cm_http_req *req, cm_http_resp *resp, void *ctx) {
  api(req, resp, ctx, API_ACTIVITIES);
}
static void h_api_status(cm_http_req *req, cm_http_resp *resp, void *ctx) {
  api(req, resp, ctx, API_STATUS);
}
static void h_api_inbox(cm_http_req *req, cm_http_resp *resp, void *ctx) {
  api(req, resp, ctx, API_INBOX);
}

/* Every page and endpoint, with what it is for. */
static const cm_http_route k_routes[] = {
    {"GET", "/", node_web_h_home, "home: sync status, reports due this month, flagged organisations"},
    {"GET", "/orgs", node_web_h_orgs, "organisation list with status and flags"},
    {"GET", "/orgs/new", node_web_h_org_new, "filing form (备案)"},
    {"POST", "/orgs", node_web_h_org_file, "file an organisation"},
    {"GET", "/orgs/print", node_web_h_org_print, "blank printable filing form (备案表)"},
    {"GET", "/orgs/{}/print", node_web_h_org_print, "printable filing form of one organisation"},
    {"GET", "/orgs/{}", node_web_h_org, "one organisation: review, reports, activities with escalation, decisions"},
    {"POST", "/orgs/{}/files", node_web_h_attach, "attach a scan or photo (multipart: file, title, heading)"},
    {"GET", "/orgs/{}/people", node_web_h_people, "the organisation's roster, pledge, residents' feedback and funding"},
    {"POST", "/orgs/{}/people", node_web_h_people_post, "add to the roster, set the pledge, record feedback or funding"},
    {"GET", "/orgs/{}/roster.csv", node_web_h_roster_csv, "the organisation's roster as CSV, for itself"},
    {"GET", "/orgs/{}/roster.xlsx", node_web_h_roster_csv, "the same roster as an Excel workbook"},
    {"GET", "/orgs/{}/notice", node_web_h_notice, "the organisation's public notice, printable (公示)"},
    {"GET", "/orgs/{}/dossier", node_web_h_dossier, "the organisation's archive, printable (档案)"},
    {"GET", "/orgs/{}/dossier.zip", node_web_h_dossier_zip, "the archive as a ZIP with its files"},
    {"GET", "/files/{}", node_web_h_file, "one attached file by its hash"},
    {"GET", "/orgs/{}/amend", node_web_h_org_amend_form, "amendment form (变更)"},
    {"POST", "/orgs/{}/amend", node_web_h_org_amend, "amend an organisation"},
    {"GET", "/orgs/{}/dissolve", node_web_h_org_dissolve_form, "dissolution form"},
    {"POST", "/orgs/{}/dissolve", node_web_h_org_dissolve, "dissolve an organisation"},
    {"GET", "/reports", node_web_h_reports, "current monthly reports (?org=&month=)"},
    {"GET", "/reports/new", node_web_h_report_new, "monthly report form (月报); a correction when one exists"},
    {"POST", "/reports", node_web_h_report_file, "write a monthly report"},
    {"GET", "/reports/history", node_web_h_report_history, "every version of one report (?org=&month=)"},
    {"GET", "/reports/print", node_web_h_report_print, "printable monthly report form (?org=&month=)"},
    {"GET", "/activities", node_web_h_activities, "declared major activities"},
    {"GET", "/activities/new", node_web_h_activity_new, "major activity declaration form (重大活动汇报)"},
    {"POST", "/activities", node_web_h_activity_declare, "declare a major activity"},
    {"GET", "/rectifications/new", node_web_h_rect_new, "rectification report form (整改报告)"},
    {"POST", "/rectifications", node_web_h_rect_file, "file a rectification report"},
    {"GET", "/inspections", node_web_h_insp_list, "annual inspection: self-reports and results"},
    {"GET", "/inspections/new", node_web_h_insp_new, "annual inspection self-report form (年检)"},
    {"POST", "/inspections", node_web_h_insp_file, "file an annual self-report"},
    {"GET", "/evaluation", node_web_h_eval_list, "evaluation rounds, the nomination form and this community's nominations (评比表彰)"},
    {"POST", "/evaluation", node_web_h_eval_nominate, "nominate an organisation or a person of it in a round"},
    {"GET", "/plans", node_web_h_plan_list, "plans and year-end summaries (计划总结)"},
    {"GET", "/stations", node_web_h_station_list, "party-member activity stations (党员活动站)"},
    {"GET", "/stations/new", node_web_h_station_new, "station registration form"},
    {"POST", "/stations", node_web_h_station_file, "register a party-member activity station"},
    {"GET", "/plans/new", node_web_h_plan_new, "plan form (?part=summary: year-end summary form)"},
    {"POST", "/plans", node_web_h_plan_file, "file a plan or a year-end summary"},
    {"GET", "/plans/print", node_web_h_plan_print, "printable plan and summary (?org=&year=)"},
    {"GET", "/notices", node_web_h_notices, "notices from the district and the street"},
    {"POST", "/notices/read", node_web_h_notice_read, "mark a notice read (a notice.read record)"},
    {"GET", "/inbox", node_web_h_inbox, "decisions from the street and district"},
    {"POST", "/inbox/read", node_web_h_inbox_read, "mark one decision (cursor) or all (0) read"},
    {"POST", "/sync", node_web_h_sync_now, "start a sync pass now"},
    {"GET", "/api/orgs", h_api_orgs, "JSON: organisations (as org list --json)"},
    {"GET", "/api/reports", h_api_reports, "JSON: current reports (as report list --json)"},
    {"GET", "/api/activities", h_api_activities, "JSON: declared major activities"},
    {"GET", "/api/status", h_api_status, "JSON: sync status (as status --json)"},
    {"GET", "/api/inbox", h_api_inbox, "JSON: decisions (as inbox --json)"},
    {"GET", "/assets/{}", h_asset, "embedded CSS, JS and icon"},
    {"POST", "/staff-login", h_staff_login, "off loopback: log in with the staff password"},
};

/* --- the background sync loop --- */

static void mono_deadline(uint64_t wait_ms, struct timespec *ts) {
  clock_gettime(CLOCK_MONOTONIC, ts);
  ts->tv_sec += (time_t)(wait_ms / 1000u);
  ts->tv_nsec += (long)(wait_ms % 1000u) * 1000000L;
  if (ts->tv_nsec >= 1000000000L) {
    ts->tv_sec += 1;
    ts->tv_nsec -= 1000000000L;
  }
}

static uint64_t mono_now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* One sync pass runs as a child process, `linli-node --dir DIR sync`, not as a
 * thread: the pass is the only part of `serve` that needs libcurl and its TLS
 * stack, and initialising them (curl_global_init brings up OpenSSL through
 * libssh2) costs about 2 MB that an idle page server would otherwise keep for
 * good.  A child also cannot take the page down with it.  Everything a pass does
 * is transactional, so killing it at shutdown loses nothing acknowledged.
 * Its log lines go to our stderr; the last one is kept as the pass's error. */
static cm_rc sync_child(node_web_app *app, char *errbuf, size_t cap) {
  char exe[4096];
  ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
  int fds[2] = {-1, -1};
  posix_spawn_file_actions_t fa;
  posix_spawnattr_t at;
  sigset_t none, dflt;
  pid_t pid = 0;
  cm_rc rc = CM_OK;
  int status = 0;

  errbuf[0] = '\0';
  if (n <= 0) {
    snprintf(errbuf, cap, "找不到本程序，无法开始同步（错误号 %d）", errno);
    return CM_ERR_IO;
  }
  exe[n] = '\0';
  if (pipe(fds) != 0) {
    snprintf(errbuf, cap, "无法开始同步（错误号 %d）", errno);
    return CM_ERR_IO;
  }
  char *argv[] = {exe, (char *)"--dir", app->dir, (char *)"sync", (char *)"--idle", NULL};
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_adddup2(&fa, fds[1], STDERR_FILENO);
  posix_spawn_file_actions_addclose(&fa, fds[0]);
  posix_spawnattr_init(&at);
  /* serve blocks SIGINT/SIGTERM for sigwait; the child must not inherit that. */
  sigemptyset(&none);
  sigemptyset(&dflt);
  sigaddset(&dflt, SIGINT);
  sigaddset(&dflt, SIGTERM);
  sigaddset(&dflt, SIGPIPE);
  posix_spawnattr_setsigmask(&at, &none);
  posix_spawnattr_setsigdefault(&at, &dflt);
  posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  int sr = posix_spawn(&pid, exe, &fa, &at, argv, environ);
  posix_spawn_file_actions_destroy(&fa);
  posix_spawnattr_destroy(&at);
  close(fds[1]);
  if (sr != 0) {
    close(fds[0]);
    snprintf(errbuf, cap, "无法开始同步（错误号 %d）", sr);
    return CM_ERR_IO;
  }
  pthread_mutex_lock(&app->sync_mu);
  app->child = pid;
  pthread_mutex_unlock(&app->sync_mu);

  /* Pass its log through, line by line, keeping the last line. */
  char line[1024];
  size_t len = 0;
  for (;;) {
    char c;
    ssize_t r = read(fds[0], &c, 1);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0 || c == '\n' || len == sizeof line - 1) {
      if (len > 0) {
        line[len] = '\0';
        fprintf(stderr, "%s\n", line);
        size_t k = len < cap - 1 ? len : cap - 1;
        memcpy(errbuf, line, k);
        errbuf[k] = '\0';
        len = 0;
      }
      if (r <= 0) break;
      if (c == '\n') continue;
    }
    line[len++] = c;
  }
  close(fds[0]);
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  pthread_mutex_lock(&app->sync_mu);
  app->child = 0;
  pthread_mutex_unlock(&app->sync_mu);

  if (WIFEXITED(status)) {
    switch (WEXITSTATUS(status)) {
    case 0: rc = CM_OK; errbuf[0] = '\0'; break;
    case 3: rc = CM_ERR_NETWORK; break;
    case 4: rc = CM_ERR_PERM; break;
    case 5: rc = CM_ERR_DB; break;
    default: rc = CM_ERR_IO; break;
    }
  } else {
    rc = CM_ERR_IO;
    snprintf(errbuf, cap, "同步进程意外中止（信号 %d）", WIFSIGNALED(status) ? WTERMSIG(status) : 0);
  }
  if (rc && !errbuf[0]) snprintf(errbuf, cap, "%s", cm_strerror(rc));
  return rc;
}

/* Runs a sync pass at once and then between waits of the capped, jittered
 * backoff of node_sync_backoff_ms, which starts again from the bottom after a
 * good pass. */
static void *sync_loop(void *arg) {
  node_web_app *app = arg;
  char msg[512];
  cm_rc rc;

  pthread_mutex_lock(&app->sync_mu);
  while (!app->stop) {
    uint64_t now = mono_now_ms();
    if (!app->wake && now < app->next_mono_ms) {
      /* Idle: look at the local log every NODE_SYNC_LOCAL_CHECK_MS (no network)
       * so that what staff wrote goes out at once, not at the next idle pass. */
      uint64_t wait = app->next_mono_ms - now;
      int check = app->failures == 0 && wait > NODE_SYNC_LOCAL_CHECK_MS;
      struct timespec ts;
      mono_deadline(check ? NODE_SYNC_LOCAL_CHECK_MS : wait, &ts);
      if (pthread_cond_timedwait(&app->sync_cond, &app->sync_mu, &ts) == ETIMEDOUT && check &&
          !app->stop) {
        pthread_mutex_unlock(&app->sync_mu);
        node_ctx *c = NULL;
        int pending = node_open(app->dir, &c, NULL) == CM_OK && node_sync_pending(c);
        node_close(c);
        pthread_mutex_lock(&app->sync_mu);
        if (pending) app->wake = 1;
      }
      continue;
    }
    app->wake = 0;
    app->in_pass = 1;
    pthread_mutex_unlock(&app->sync_mu);

    rc = sync_child(app, msg, sizeof msg);

    pthread_mutex_lock(&app->sync_mu);
    app->in_pass = 0;
    app->last_try_ms = cm_now_ms();
    app->last_rc = rc;
    if (rc == CM_OK) {
      if (app->failures > 0) cm_info("sync: every entry is acknowledged again");
      app->failures = 0;
      app->last_error[0] = '\0';
    } else {
      if (app->failures < 64) app->failures++;
      snprintf(app->last_error, sizeof app->last_error, "%s", msg);
    }
    app->next_mono_ms = mono_now_ms() + node_sync_backoff_ms(app->failures);
    if (rc != CM_OK) {
      cm_warn("sync: attempt %u failed; next in %llu s", app->failures,
              (unsigned long long)((app->next_mono_ms - mono_now_ms()) / 1000u));
    }
  }
  app->loop_done = 1;
  pthread_cond_broadcast(&app->sync_cond);
  pthread_mutex_unlock(&app->sync_mu);
  return NULL;
}

void node_web_sync_wake(node_web_app *app) {
  pthread_mutex_lock(&app->sync_mu);
  app->wake = 1;
  pthread_cond_broadcast(&app->sync_cond);
  pthread_mutex_unlock(&app->sync_mu);
}

void node_web_loop_view_get(node_web_app *app, node_web_loop_view *out) {
  uint64_t now = mono_now_ms();
  pthread_mutex_lock(&app->sync_mu);
  out->in_pass = app->in_pass;
  out->failures = app->failures;
  out->next_in_ms = (app->in_pass || app->wake || app->next_mono_ms <= now)
                        ? 0
                        : app->next_mono_ms - now;
  out->last_try_ms = app->last_try_ms;
  out->last_rc = app->last_rc;
  snprintf(out->last_error, sizeof out->last_error, "%s", app->last_error);
  pthread_mutex_unlock(&app->sync_mu);
}

/* --- serve --- */

/* Split "host:port" / "[v6]:port"; host_out gets the host as a Host header
 * would carry it ("[::1]"). */
static cm_rc split_listen(const char *listen, char *host_out, size_t cap, cm_err *err) {
  const char *colon = strrchr(listen, ':');
  size_t n;
  if (!colon || colon == listen || !colon[1]) {
    return cm_errf(err, CM_ERR_INVALID, "--listen %s：应为 地址:端口，如 127.0.0.1:8080",
                   listen);
  }
  n = (size_t)(colon - listen);
  if (n >= cap) return cm_errf(err, CM_ERR_INVALID, "--listen %s：地址太长", listen);
  memcpy(host_out, listen, n);
  host_out[n] = '\0';
  return CM_OK;
}

static void add_host(node_web_app *app, const char *host) {
  size_t i;
  if (app->n_hosts >= NODE_WEB_MAX_HOSTS) return;
  for (i = 0; i < app->n_hosts; i++) {
    if (strcasecmp(app->hosts[i], host) == 0) return;
  }
  size_t len = strlen(host);
  if (len >= NODE_WEB_HOST_MAX) return; /* a truncated name would match the wrong Host */
  memcpy(app->hosts[app->n_hosts], host, len + 1);
  app->n_hosts++;
}

static int is_wildcard(const char *host) {
  return host[0] == '\0' || strcmp(host, "0.0.0.0") == 0 || strcmp(host, "[::]") == 0 ||
         strcmp(host, "*") == 0;
}

cm_rc node_web_serve(const char *dir, const char *listen, int allow_remote, cm_err *err) {
  node_web_app *app = NULL;
  cm_http_server *srv = NULL;
  cm_http_config cfg;
  sigset_t sigs, old_sigs;
  pthread_t thr;
  int thr_started = 0, mutexes = 0, sigs_blocked = 0, sig = 0;
  char host[NODE_WEB_HOST_MAX], hp[NODE_WEB_HOST_MAX + 8], url_host[NODE_WEB_HOST_MAX];
  uint8_t raw[CSRF_BYTES];
  json_t *st = NULL;
  cm_rc rc = CM_OK;

  if (!listen || !*listen) listen = "127.0.0.1:8080";
  if (!dir || strlen(dir) >= sizeof app->dir) {
    rc = cm_errf(err, CM_ERR_INVALID, "缺少 --dir，或目录名太长");
    goto out;
  }
  rc = split_listen(listen, host, sizeof host, err);
  if (rc) goto out;
  {
    int loopback = 0;
    rc = cm_http_listen_loopback(listen, &loopback, err);
    if (rc) goto out;
    if (!loopback && !allow_remote) {
      rc = cm_errf(err, CM_ERR_INVALID,
                   "%s 不是本机回环地址（127.0.0.0/8 或 ::1），本页面不设登录，不能对网络开放：如确需"
                   "从其他电脑访问，先运行 linli-node --dir %s staff-password 设置员工密码，再加 "
                   "--allow-remote / %s is not a loopback address (127.0.0.0/8 or ::1) and this "
                   "page has no login: to open it to other PCs, set a staff password with "
                   "linli-node --dir %s staff-password and add --allow-remote",
                   listen, dir, listen, dir);
      goto out;
    }
  }
  if (sodium_init() < 0) {
    rc = cm_errf(err, CM_ERR_CRYPTO, "加密库 libsodium 无法初始化");
    goto out;
  }
  app = calloc(1, sizeof *app);
  if (!app) {
    rc = cm_errf(err, CM_ERR_NOMEM, "内存不足");
    goto out;
  }
  snprintf(app->dir, sizeof app->dir, "%s", dir);
  if (allow_remote) {
    rc = node_staff_open(dir, &app->staff, err);
    if (rc) goto out;
  }
  {
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_mutex_init(&app->db_mu, NULL);
    pthread_mutex_init(&app->sync_mu, NULL);
    pthread_cond_init(&app->sync_cond, &ca);
    pthread_condattr_destroy(&ca);
    mutexes = 1;
  }
  rc = node_open(dir, &app->db, err);
  if (rc) goto out;
  {
    cm_err e;
    cm_err_clear(&e);
    if (node_status(app->db, &st, &e) == CM_OK) {
      snprintf(app->community, sizeof app->community, "%s", node_web_js(st, "community"));
    } else {
      cm_warn("web: status unreadable at start: %s", e.msg);
    }
  }
  randombytes_buf(raw, sizeof raw);
  sodium_bin2hex(app->csrf, sizeof app->csrf, raw, sizeof raw);
  sodium_memzero(raw, sizeof raw);

  /* SIGINT/SIGTERM are taken by sigwait below: block them before any thread
   * starts, so that every thread inherits the mask and none dies of them. */
  sigemptyset(&sigs);
  sigaddset(&sigs, SIGINT);
  sigaddset(&sigs, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &sigs, &old_sigs);
  sigs_blocked = 1;
  signal(SIGPIPE, SIG_IGN);

  memset(&cfg, 0, sizeof cfg);
  cfg.listen = listen;
  cfg.routes = k_routes;
  cfg.n_routes = sizeof k_routes / sizeof k_routes[0];
  cfg.ctx = app;
  cfg.max_body = WEB_MAX_FILE_BODY;
  cfg.max_form_body = WEB_MAX_BODY;
  cfg.route_too_large = 1; /* an over-long form gets a page, not 413 JSON */
  cfg.threads = WEB_THREADS;
  cfg.not_found = h_not_found;
  rc = cm_http_start(&cfg, &srv, err);
  if (rc) goto out;
  app->port = cm_http_port(srv);
  snprintf(app->csrf_cookie, sizeof app->csrf_cookie, "linli_csrf_%u", (unsigned)app->port);
  snprintf(app->staff_cookie, sizeof app->staff_cookie, "linli_staff_%u", (unsigned)app->port);
  snprintf(url_host, sizeof url_host, "%s", is_wildcard(host) ? "127.0.0.1" : host);
  snprintf(hp, sizeof hp, "127.0.0.1:%u", (unsigned)app->port);
  add_host(app, hp);
  snprintf(hp, sizeof hp, "localhost:%u", (unsigned)app->port);
  add_host(app, hp);
  if (!is_wildcard(host)) {
    snprintf(hp, sizeof hp, "%s:%u", host, (unsigned)app->port);
    add_host(app, hp);
  }

  app->next_mono_ms = mono_now_ms(); /* first pass at once */
  if (pthread_create(&thr, NULL, sync_loop, app) != 0) {
    rc = cm_errf(err, CM_ERR_NOMEM, "无法启动同步线程");
    goto out;
  }
  thr_started = 1;

  printf("http://%s:%u/\n", url_host, (unsigned)app->port);
  fflush(stdout);
  /* The log names the address actually bound, a wildcard included. */
  char bound[256];
  cm_http_listen_host(listen, 0, bound, sizeof bound);
  cm_info("本社区页面 %s 已在 http://%s:%u/ 打开（监听 %s:%u%s；按 Ctrl-C 停止）", dir, url_host,
          (unsigned)app->port, bound, (unsigned)app->port, app->staff ? "，须输入员工密码" : "");

  while (sigwait(&sigs, &sig) != 0) {
  }
  cm_info("signal %d: stopping", sig);

out:
  /* Requests first, so that none is left using the connection we close. */
  cm_http_stop(srv);
  if (thr_started) {
    int done;
    struct timespec ts;
    pthread_mutex_lock(&app->sync_mu);
    app->stop = 1;
    if (app->child > 0) kill(app->child, SIGTERM); /* its work is transactional */
    pthread_cond_broadcast(&app->sync_cond);
    mono_deadline(WEB_STOP_WAIT_MS, &ts);
    while (!app->loop_done) {
      if (pthread_cond_timedwait(&app->sync_cond, &app->sync_mu, &ts) == ETIMEDOUT) break;
    }
    done = app->loop_done;
    pthread_mutex_unlock(&app->sync_mu);
    if (done) {
      pthread_join(thr, NULL);
    } else {
      /* A pass is stuck in the network: what it has not committed is simply
       * sent again next time, so leave it rather than hang the shutdown. */
      cm_warn("同步还在进行，不等它结束就停止（未提交的记录下次再发）");
      pthread_detach(thr);
      app = NULL; /* the thread still uses it; the process ends next */
    }
  }
  json_decref(st);
  if (app) {
    node_close(app->db);
    if (mutexes) {
      pthread_mutex_destroy(&app->db_mu);
      pthread_mutex_destroy(&app->sync_mu);
      pthread_cond_destroy(&app->sync_cond);
    }
    sodium_memzero(app->csrf, sizeof app->csrf);
    node_staff_free(app->staff);
    free(app);
  }
  if (sigs_blocked) pthread_sigmask(SIG_SETMASK, &old_sigs, NULL);
  return rc;
}

/* ---- the page frame: head, navigation, language switch, forms ---- */

/* The link that switches language keeps the page and its query, minus any
 * earlier lang=, so that the printable form switches in place. */
static void lang_link(node_web_rq *rq) {
  const char *target = cm_http_target(rq->req);
  const char *q = target ? strchr(target, '?') : NULL;
  const char *path = cm_http_path(rq->req);
  cm_html_raw(&rq->h, "<a href=\"");
  /* The decoded path goes back percent-encoded, slashes kept. */
  if (path) {
    const char *p = path;
    while (*p && !rq->h.rc) {
      const char *slash = strchr(p, '/');
      size_t n = slash ? (size_t)(slash - p) : strlen(p);
      char seg[256];
      if (n >= sizeof seg) n = sizeof seg - 1;
      memcpy(seg, p, n);
      seg[n] = '\0';
      cm_html_url(&rq->h, seg);
      if (!slash) break;
      cm_html_raw(&rq->h, "/");
      p = slash + 1;
    }
  }
  cm_html_raw(&rq->h, "?");
  if (q) {
    const char *p = q + 1;
    while (*p) {
      const char *amp = strchr(p, '&');
      size_t n = amp ? (size_t)(amp - p) : strlen(p);
      if (n > 0 && strncmp(p, "lang=", 5) != 0 && n < 512) {
        char part[512];
        memcpy(part, p, n);
        part[n] = '\0';
        /* The query is as the browser sent it (already encoded): escape it for
         * the attribute only. */
        cm_html_esc(&rq->h, part);
        cm_html_raw(&rq->h, "&amp;");
      }
      if (!amp) break;
      p = amp + 1;
    }
  }
  cm_html_raw(&rq->h, rq->lang == CM_LANG_EN ? "lang=zh\" lang=\"zh-CN\">" : "lang=en\" lang=\"en\">");
  cm_html_word(&rq->h, "lang.switch");
  cm_html_raw(&rq->h, "</a>");
}

static void nav_item(node_web_rq *rq, const char *href, const char *key, const char *current) {
  cm_html_printf(&rq->h, "<a href=\"%r\"", href);
  if (current && strcmp(current, key) == 0) cm_html_raw(&rq->h, " aria-current=\"page\"");
  cm_html_printf(&rq->h, ">%w</a>", key);
}


void node_web_page_begin(node_web_rq *rq, const char *title_key, const char *nav) {
  cm_html_raw(&rq->h, rq->lang == CM_LANG_EN ? "<!DOCTYPE html>\n<html lang=\"en\">"
                                           : "<!DOCTYPE html>\n<html lang=\"zh-CN\">");
  cm_html_raw(&rq->h, "<head><meta charset=\"utf-8\">"
                   "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                   "<title>");
  cm_html_word(&rq->h, title_key);
  cm_html_printf(&rq->h, " - %w</title>", "app");
  cm_html_head_assets(&rq->h);
  cm_html_raw(&rq->h, "<link rel=\"icon\" href=\"/assets/icon.svg\" type=\"image/svg+xml\">"
                   "</head>\n<body><header class=\"top\"><span class=\"brand\">");
  cm_html_word(&rq->h, "app");
  cm_html_raw(&rq->h, "</span><span class=\"who\">");
  cm_html_esc(&rq->h, rq->app->community);
  cm_html_raw(&rq->h, "</span><nav>");
  nav_item(rq, "/", "nav.home", nav);
  nav_item(rq, "/orgs", "nav.orgs", nav);
  nav_item(rq, "/orgs/new", "nav.file", nav);
  nav_item(rq, "/reports", "nav.reports", nav);
  nav_item(rq, "/reports/new", "nav.report_new", nav);
  nav_item(rq, "/activities", "nav.activity", nav);
  nav_item(rq, "/rectifications/new", "nav.rectify", nav);
  nav_item(rq, "/inspections", "nav.inspection", nav);
  nav_item(rq, "/plans", "nav.plan", nav);
  nav_item(rq, "/evaluation", "nav.evaluation", nav);
  nav_item(rq, "/inbox", "nav.inbox", nav);
  nav_item(rq, "/notices", "nav.notice", nav);
  cm_html_raw(&rq->h, "</nav><span class=\"lang\">");
  lang_link(rq);
  cm_html_raw(&rq->h, "</span></header>\n<main>");
}

void node_web_page_end(node_web_rq *rq) {
  cm_html_printf(&rq->h, "</main><footer>%w</footer></body></html>\n", "footer.node");
}


static void form_open(node_web_rq *rq, const char *action, const char *confirm_key, int files) {
  cm_html_raw(&rq->h, "<form class=\"rec\" method=\"post\" action=\"");
  cm_html_esc(&rq->h, action);
  cm_html_raw(&rq->h, "\"");
  if (files) cm_html_raw(&rq->h, " enctype=\"multipart/form-data\"");
  if (confirm_key) {
    cm_html_printf(&rq->h, " data-confirm=\"%w\"", confirm_key);
  }
  cm_html_raw(&rq->h, "><input type=\"hidden\" name=\"csrf\" value=\"");
  cm_html_esc(&rq->h, rq->app->csrf);
  cm_html_raw(&rq->h, "\">");
}

void node_web_form_begin(node_web_rq *rq, const char *action, const char *confirm_key) {
  form_open(rq, action, confirm_key, 0);
}

void node_web_form_begin_files(node_web_rq *rq, const char *action) {
  form_open(rq, action, NULL, 1);
}

void node_web_form_end(node_web_rq *rq, const char *submit_key) {
  cm_html_printf(&rq->h, "<div class=\"actions\"><button type=\"submit\">%w"
                 "</button></div></form>",
                 submit_key);
}

void node_web_org_select(node_web_rq *rq, const json_t *orgs, const char *selected) {
  const json_t *o;
  size_t i;
  cm_html_select_begin(&rq->h, "org", "rep.org", 1);
  cm_html_option(&rq->h, "", cm_i18n_t(rq->lang, "form.choose"), !selected || !*selected);
  json_array_foreach(orgs, i, o) {
    char label[600];
    const char *id = node_web_js(o, "id");
    if (strcmp(node_web_js(o, "status"), "active") != 0) continue;
    snprintf(label, sizeof label, "%s  %s", id, node_web_js(o, "name"));
    cm_html_option(&rq->h, id, label, selected && !strcmp(selected, id));
  }
  cm_html_select_end(&rq->h, NULL);
}


const char *node_web_js(const json_t *o, const char *key) {
  const json_t *v = o ? json_object_get(o, key) : NULL;
  return json_is_string(v) ? json_string_value(v) : "";
}

long long node_web_ji(const json_t *o, const char *key) {
  const json_t *v = o ? json_object_get(o, key) : NULL;
  return json_is_integer(v) ? (long long)json_integer_value(v) : 0;
}
