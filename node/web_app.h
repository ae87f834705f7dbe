/* web_app.h - what the staff page's modules share: the serving state (one per
 * `serve`), the per-request context, the guarded request connection, and the
 * HTML writer.  web.c owns the server, the security checks and the sync loop;
 * web_pages.c renders the pages and handles the forms; common/html.c writes HTML.
 * Internal to node/web*.c. */
#ifndef LINLI_NODE_WEB_APP_H
#define LINLI_NODE_WEB_APP_H

#include <jansson.h>
#include <pthread.h>
#include <sys/types.h>
#include <stddef.h>
#include <stdint.h>

#include "../common/buf.h"
#include "../common/html.h"
#include "../common/http_server.h"
#include "../common/i18n.h"
#include "../common/rc.h"
#include "node.h"
#include "records.h"

#define NODE_WEB_MAX_HOSTS 4
#define NODE_WEB_HOST_MAX 300
#define NODE_WEB_PAGE_MAX (8u << 20) /* a page over 8 MiB is a bug, not a page */
/* maxlength of the pages' textareas (characters): a UTF-8 character of Chinese
 * takes three bytes, so this keeps a text well inside a record's byte bounds. */
#define NODE_WEB_TEXT_MAX (NODE_TEXT_MAX / 3u)
/* The same for one-line fields, as an input's attributes: a short text (a
 * name, a category, a title), a long one (a scope, a place, a reason), an
 * amount of money in yuan (at most 10亿元, two decimals) and a search. */
#define NODE_WEB_SHORT_CHARS 66
#define NODE_WEB_LONG_CHARS 1333
_Static_assert(NODE_WEB_SHORT_CHARS * 3 <= CM_REC_SHORT_MAX, "short field over its bound");
_Static_assert(NODE_WEB_LONG_CHARS == NODE_WEB_TEXT_MAX, "long field not the text bound");
#define NODE_WEB_STR_(x) #x
#define NODE_WEB_STR(x) NODE_WEB_STR_(x)
#define NODE_WEB_SHORT_ATTR "maxlength=\"" NODE_WEB_STR(NODE_WEB_SHORT_CHARS) "\""
#define NODE_WEB_LONG_ATTR "maxlength=\"" NODE_WEB_STR(NODE_WEB_LONG_CHARS) "\""
#define NODE_WEB_SEARCH_ATTR "maxlength=\"100\""

/* The state of one `serve`. */
typedef struct node_web_app {
  char dir[1024];
  char community[256];            /* shown in the page header */
  /* Requests share one connection; SQLite connections are not for concurrent
   * use, and a staff page has one or two users, so a mutex is enough. */
  pthread_mutex_t db_mu;
  node_ctx *db;
  /* Security. */
  char csrf[65];                  /* per-process random token, hex */
  char csrf_cookie[32];           /* cookie name, with the port: cookies ignore ports */
  char hosts[NODE_WEB_MAX_HOSTS][NODE_WEB_HOST_MAX]; /* accepted Host values */
  size_t n_hosts;
  uint16_t port;
  struct node_staff *staff;       /* off loopback (--allow-remote): the staff login, else NULL */
  char staff_cookie[32];          /* its session cookie's name, with the port */
  /* The background sync loop (guarded by sync_mu). */
  pthread_mutex_t sync_mu;
  pthread_cond_t sync_cond;       /* on CLOCK_MONOTONIC */
  int stop;                       /* serve is ending */
  int wake;                       /* staff asked for a pass now */
  int in_pass;                    /* a pass is running */
  int loop_done;                  /* the thread has left its loop */
  pid_t child;                    /* the `linli-node sync` process of the running pass, or 0 */
  unsigned failures;              /* failed passes in a row */
  uint64_t next_mono_ms;          /* when the next pass starts */
  uint64_t last_try_ms;           /* wall clock of the last pass, 0 before the first */
  cm_rc last_rc;
  char last_error[512];
} node_web_app;

/* One request being answered. */
typedef struct node_web_rq {
  node_web_app *app;
  cm_http_req *req;
  cm_http_resp *resp;
  cm_lang lang;
  cm_html h;                      /* the page being written (errors sticky in h.rc) */
  int locked;                     /* holds app->db_mu */
} node_web_rq;

/* Start a request: checks the Host header (403 otherwise), for a POST the CSRF
 * cookie and form field (403 otherwise), picks the language (?lang= sets the
 * cookie) and adds the security headers.  Returns 1 when the handler should go
 * on, 0 when the answer is already made.  Pair with node_web_end(). */
int node_web_begin(node_web_rq *rq, cm_http_req *req, cm_http_resp *resp, void *ctx);

/* Finish: releases the connection if held and, when the handler wrote a page,
 * sends it as text/html with status (a writing failure becomes a 500). */
void node_web_end(node_web_rq *rq, int status);

/* The request connection, locked for this request until node_web_end(). */
node_ctx *node_web_db(node_web_rq *rq);

/* The error box of a refused form: e's message in the page's language (the
 * API writes "中文 / English"). */
void node_web_refusal(node_web_rq *rq, const cm_err *e);

/* Answer 303 See Other to location (a local path built by the caller from
 * URL-safe parts). */
void node_web_redirect(node_web_rq *rq, const char *location);

/* Ask the sync loop for a pass now. */
void node_web_sync_wake(node_web_app *app);

/* A copy of the loop's state for the home page. */
typedef struct node_web_loop_view {
  int in_pass;
  unsigned failures;
  uint64_t next_in_ms;  /* 0 when a pass runs or is due */
  uint64_t last_try_ms;
  cm_rc last_rc;        /* of the last pass (CM_OK when it succeeded) */
  char last_error[512];
} node_web_loop_view;
void node_web_loop_view_get(node_web_app *app, node_web_loop_view *out);

/* --- The node's page frame (web.c); the writing itself is common/html.h. --- */

/* Page frame: doctype, head, top bar with navigation (nav is the current
 * section's key, e.g. "nav.orgs"), then <main>; and its end. */
void node_web_page_begin(node_web_rq *rq, const char *title_key, const char *nav);
void node_web_page_end(node_web_rq *rq);

/* <form method=post action=...> with the CSRF field; confirm_key (or NULL) asks
 * before submitting. */
void node_web_form_begin(node_web_rq *rq, const char *action, const char *confirm_key);
/* The same as multipart/form-data: a record's form that may carry a file. */
void node_web_form_begin_files(node_web_rq *rq, const char *action);
/* The submit button and </form>. */
void node_web_form_end(node_web_rq *rq, const char *submit_key);
/* The required "org" select of a form: the active organisations of orgs
 * (node_org_list's array), selected (may be NULL) chosen. */
void node_web_org_select(node_web_rq *rq, const json_t *orgs, const char *selected);

/* JSON field readers for the listings: a string ("" when absent or not a
 * string) and an integer (0 when absent). */
const char *node_web_js(const json_t *o, const char *key);
long long node_web_ji(const json_t *o, const char *key);

/* --- Route handlers (web_pages.c), listed with their paths in web.c. --- */
void node_web_h_home(cm_http_req *req, cm_http_resp *resp, void *ctx);
void node_web_h_orgs(cm_http_req *req, cm_http_resp *resp, void *ctx);
void node_web_h_org(cm_http_req *req, cm_http_resp *resp, void *ctx);
void node_web_h_org_new(cm_http_req *req, cm_http_resp *resp, void *ctx);
void node_web_h_org_file(cm_http_req *req, cm_http_resp *resp, void *ctx);
void node_web_h_org_amend_form(cm_http_req *req, cm_http_resp *resp, void *ctx);
void node_web_h_org_amend(cm_http_req *req, cm_http_resp *resp, void *ctx);
void node_web_h_org_dissolve_form(cm_http_req *req, cm_http_resp *resp, void *ctx);
void node_web_h_org_dissolve(cm_http_req *req, cm_http_resp *resp, void *ctx);
void node_web_h_org_print(cm_http_req *req, cm_http_resp *resp, void *ctx);
/* The organisation's public notice (公示, web_people.c). */
void node_web_h_notice(cm_http_req *req, cm_http_resp *resp, void *ctx);
/* The organisation's people page and its forms, and the roster as CSV or, by
 * the path's .xlsx, as Excel. */
void node_web_h_people(cm_http_req *req, cm_http_resp *resp, void *ctx);
void node_web_h_people_post(cm_http_req *req, cm_http_resp *resp, void *ctx);
void node_web_h_roster_csv(cm_http_req *req, cm_http_resp *resp, void *ctx);
/* The organisation page of filing number id, with the attach form showing
 * title, heading and the refusal e (NULL: a fresh form), answered with status. */
void node_web_org_page(node_web_rq *rq, const char *id, const char *att_title,
                       const char *att_heading, const cm_err *e, int status);
/* Attachments (web_attach.c): the organisation page's section (list, links to
 * the archive, the file input keeping title and heading, the refusal e or
 * NULL), and the routes. */
/* The organisation page's trainings (培训): per year how many it attended,
 * then each training (date, topic, organiser, who recorded it), newest
 * first; node_training_list's figures. */
void node_web_org_trainings(node_web_rq *rq, const char *org);
void node_web_attach_section(node_web_rq *rq, const char *org, const char *title,
                             const char *heading, const cm_err *e);
void node_web_h_attach(cm_http_req *req, cm_http_resp *resp, void *ctx);
/* A record's form (report, activity, rectification, self-report, plan,
 * summary) may carry one file (inputs "file" and "file_title", optional):
 * node_web_attach_inputs writes them (a posted title kept); node_web_attach_precheck,
 * before the record is written, refuses a file that is not a PDF, JPEG or
 * PNG or is over the size cap (nothing is written then); node_web_attach_to,
 * after, attaches it to record rec of org under the heading its kind files
 * under.  Both CM_OK when the form has no file.  On a refusal by
 * node_web_attach_to the record stands: e says so. */
void node_web_attach_inputs(node_web_rq *rq);
cm_rc node_web_attach_precheck(node_web_rq *rq, cm_err *e);
cm_rc node_web_attach_to(node_web_rq *rq, const char *org, const char *rec, cm_err *e);
void node_web_h_file(cm_http_req *req, cm_http_resp *resp, void *ctx);
void node_web_h_dossier(cm_http_req *req, cm_http_resp *resp, void *ctx);
void node_web_h_dossier_zip(cm_http_req *req, cm_http_resp *resp, void *ctx);
void node_web_h_reports(cm_http_req *req, cm_http_resp *resp, void *ctx);
void node_web_h_report_new(cm_http_req *req, cm_http_resp *resp, void *ctx);
void node_web_h_report_file(cm_http_req *req, cm_http_resp *resp, void *ctx);
void node_web_h_report_history(cm_http_req *req, cm_http_resp *resp, void *ctx);
void node_web_h_report_print(cm_http_req *req, cm_http_resp *resp, void *ctx);
void node_web_h_activities(cm_http_req *req, cm_http_resp *resp, void *ctx);
void node_web_h_activity_new(cm_http_req *req, cm_http_resp *resp, void *ctx);
void node_web_h_activity_declare(cm_http_req *req, cm_http_resp *resp, void *ctx);
void node_web_h_rect_new(cm_http_req *req, cm_http_resp *resp, void *ctx);
void node_web_h_rect_file(cm_http_req *req, cm_http_resp *resp, void *ctx);
void node_web_h_inbox(cm_http_req *req, cm_http_resp *resp, void *ctx);
/* Evaluation and commendation (web_evaluation.c). */
void node_web_h_eval_list(cm_http_req *req, cm_http_resp *resp, void *ctx);
void node_web_h_eval_nominate(cm_http_req *req, cm_http_resp *resp, void *ctx);

/* The annual inspection (web_year.c). */
void node_web_h_insp_list(cm_http_req *req, cm_http_resp *resp, void *ctx);
void node_web_h_insp_new(cm_http_req *req, cm_http_resp *resp, void *ctx);
void node_web_h_insp_file(cm_http_req *req, cm_http_resp *resp, void *ctx);
/* Plans and year-end summaries (web_year.c). */
void node_web_h_plan_list(cm_http_req *req, cm_http_resp *resp, void *ctx);
/* The start of a form about one organisation (node/web_year.c): page and
 * title, the error e (may be NULL), the form posting to action, and the
 * choice of an active organisation with org preselected. */
void node_web_org_form_begin(node_web_rq *rq, const char *title, const char *nav,
                             const char *action, const char *org, const cm_err *e);
void node_web_h_station_list(cm_http_req *req, cm_http_resp *resp, void *ctx);
void node_web_h_station_new(cm_http_req *req, cm_http_resp *resp, void *ctx);
void node_web_h_station_file(cm_http_req *req, cm_http_resp *resp, void *ctx);
void node_web_h_plan_new(cm_http_req *req, cm_http_resp *resp, void *ctx);
void node_web_h_plan_file(cm_http_req *req, cm_http_resp *resp, void *ctx);
void node_web_h_plan_print(cm_http_req *req, cm_http_resp *resp, void *ctx);
void node_web_h_inbox_read(cm_http_req *req, cm_http_resp *resp, void *ctx);
/* Notices from the district and the street (web_year.c). */
void node_web_h_notices(cm_http_req *req, cm_http_resp *resp, void *ctx);
void node_web_h_notice_read(cm_http_req *req, cm_http_resp *resp, void *ctx);
void node_web_h_sync_now(cm_http_req *req, cm_http_resp *resp, void *ctx);

#endif
