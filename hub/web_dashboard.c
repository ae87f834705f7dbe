/* web_dashboard.c - the district dashboard and the street overview (issue 7):
 * the pages at "/" and "/dashboard/org/{id}", their static files, and the
 * JSON and CSV API they read (docs/api.md, "Dashboard API").
 *
 * The pages are a frame the hub writes (layout, language, login) and
 * dashboard.js, which fetches the same /api/v1/dashboard/... answers a script
 * would and shows every figure as a table, with an ECharts chart beside the
 * tables that have one.  The API needs an operator session (the same cookie
 * as the pages) and answers 401 JSON without one; a street operator's answers
 * are limited to the street the account is bound to. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/clock.h"
#include "../common/codec.h"
#include "../common/log.h"
#include "dashboard.h"
#include "dossier.h"
#include "table.h"
#include "web.h"

#define CT_JSON "application/json"
#define CT_CSV "text/csv; charset=utf-8"
#define CT_XLSX "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#define EXPORT_MAX ((size_t)64u << 20) /* largest CSV or workbook answered */

/* ---- the API ---------------------------------------------------------- */

/* The operator of the request's session: 1, or 0 after answering 401. */
static int api_session(cm_http_req *req, cm_http_resp *resp, hub_api *api, hub_dash_scope *scope) {
  hub_auth_session s;
  int found = 0;
  cm_err err;
  cm_err_clear(&err);
  memset(scope, 0, sizeof *scope);
  if (!api->web) {
    cm_http_resp_error(resp, 503, CM_ERR_BUSY, "操作员账号不可用 / operator accounts are not available", NULL);
    return 0;
  }
  if (hub_auth_session_check(hub_web_ops(api->web), cm_http_cookie(req, HUB_AUTH_COOKIE),
                             cm_now_ms(), &s, &found, &err) != CM_OK) {
    cm_error("dashboard: session check: %s", err.msg);
    cm_http_resp_error(resp, 500, CM_ERR_DB, "无法核对登录状态 / cannot check the session", NULL);
    return 0;
  }
  if (!found) {
    cm_http_resp_error(resp, 401, CM_ERR_PERM, "请先登录 / log in first: POST /login, then send its cookie",
                       NULL);
    return 0;
  }
  /* A street hub holds one street only, so only a district narrows. */
  if (api->hub->role == HUB_ROLE_DISTRICT)
    snprintf(scope->street, sizeof scope->street, "%s", s.op.street);
  /* A viewer bound to one supervising unit sees only its organisations. */
  snprintf(scope->unit, sizeof scope->unit, "%s", s.op.unit);
  cm_http_resp_header(resp, "Cache-Control", "no-store");
  return 1;
}

/* The one mapping of a failure to an HTTP status (common/rc.h). */
static int status_of(cm_rc rc) {
  return cm_rc_http_status(rc);
}

/* The export a request's name asks for by its ending: "" (JSON), "csv" or
 * "xlsx"; *base_len_out is the length of the name without it. */
static const char *export_of(const char *name, size_t *base_len_out) {
  size_t n = strlen(name);
  *base_len_out = n;
  if (n > 4 && strcmp(name + n - 4, ".csv") == 0) {
    *base_len_out = n - 4;
    return "csv";
  }
  if (n > 5 && strcmp(name + n - 5, ".xlsx") == 0) {
    *base_len_out = n - 5;
    return "xlsx";
  }
  return "";
}

/* The Content-Disposition of an export of table `table` of answer base: the
 * file named in the page's language for what it holds and when (月报完成情况-
 * 社区-2026-11.xlsx; a range as 2025-12至2026-11), with an ASCII name for
 * old clients. */
static void export_disposition(const json_t *j, const char *base, const char *table,
                               const hub_dash_rows *nw, const char *ext, cm_lang lang,
                               uint64_t now_ms, char *out, size_t cap) {
  char when[48] = "", ascii_when[48] = "", word[320], tbl[32], where[128] = "";
  /* a file of one street's or community's rows names it (a name too long
   * for a file name is left out, not cut inside a character) */
  const char *names[] = {nw ? nw->street : NULL, nw ? nw->community : NULL};
  for (size_t i = 0; i < 2; i++) {
    size_t wl = strlen(where);
    if (names[i] && *names[i] && strlen(names[i]) <= 60)
      snprintf(where + wl, sizeof where - wl, "-%s", names[i]);
  }
  const char *month = json_string_value(json_object_get(j, "month"));
  const char *from = json_string_value(json_object_get(j, "from"));
  const char *to = json_string_value(json_object_get(j, "to"));
  const char *today = json_string_value(json_object_get(j, "today"));
  const char *org = json_string_value(json_object_get(j, "id"));
  if (month) {
    snprintf(when, sizeof when, "%s", month);
  } else if (from && to) {
    snprintf(when, sizeof when, "%s%s%s", from, lang == CM_LANG_EN ? "_" : "至", to);
    snprintf(ascii_when, sizeof ascii_when, "%s_%s", from, to);
  } else if (today) {
    snprintf(when, sizeof when, "%s", today);
  } else {
    char d[11];
    cm_date_of(now_ms, d);
    snprintf(when, sizeof when, "%s", d);
  }
  if (!ascii_when[0]) snprintf(ascii_when, sizeof ascii_when, "%s", when);
  /* An answer given from its last computation (hub/dashboard.h): the file
   * says the time of its figures, as the page does (16时42分的数据). */
  json_t *as_of_ms = json_object_get(j, "as_of_ms");
  if (json_is_true(json_object_get(j, "updating")) && json_is_integer(as_of_ms)) {
    char as_of[26]; /* 2026-12-05T16:42:00+08:00: the hub's time, as everywhere */
    cm_time_iso((uint64_t)json_integer_value(as_of_ms), as_of);
    size_t wn = strlen(when), an = strlen(ascii_when);
    snprintf(when + wn, sizeof when - wn,
             lang == CM_LANG_EN ? "-as-of-%.2s.%.2s" : "-%.2s时%.2s分的数据", as_of + 11,
             as_of + 14);
    snprintf(ascii_when + an, sizeof ascii_when - an, "-%.2s%.2s", as_of + 11, as_of + 14);
  }
  /* Names and months only: nothing that could break the header. */
  snprintf(tbl, sizeof tbl, "%s",
           strspn(table, "abcdefghijklmnopqrstuvwxyz_") == strlen(table) ? table : "table");
  snprintf(word, sizeof word, "%s-%s%s-%s%s%s.%s", cm_i18n_word(lang, "col.", base),
           hub_table_title(lang, tbl), where, org ? org : "", org ? "-" : "", when, ext);
  int n = snprintf(out, cap, "attachment; filename=\"%s-%s-%s.%s\"; filename*=UTF-8''", base,
                   tbl, strspn(ascii_when, "0123456789-_") == strlen(ascii_when) ? ascii_when : "",
                   ext);
  if (n > 0 && (size_t)n < cap) cm_pct_append(out, cap, word);
}

/* 1 when a query parameter was given a value. */
static int given(const char *v) {
  return v && *v;
}

/* Answer name (with ".csv" or ".xlsx": its table ?table= as that file) for
 * the request. */
static void api_answer(cm_http_req *req, cm_http_resp *resp, hub_api *api, const char *name,
                       const char *org) {
  hub_dash_scope scope;
  hub_dash_params p;
  hub_table tb;
  json_t *j = NULL;
  cm_buf file;
  cm_err err;
  cm_err_clear(&err);
  memset(&tb, 0, sizeof tb);
  cm_buf_init(&file, EXPORT_MAX);
  char base[32];
  size_t n;
  const char *ext = export_of(name, &n);
  uint64_t now = cm_now_ms();
  snprintf(base, sizeof base, "%.*s", (int)n, name);
  if (!api_session(req, resp, api, &scope)) goto out;
  memset(&p, 0, sizeof p);
  p.category = cm_http_query(req, "category");
  p.month = cm_http_query(req, "month");
  p.from = cm_http_query(req, "from");
  p.to = cm_http_query(req, "to");
  p.org = org;
  p.year = cm_http_query(req, "year");
  const char *fresh = cm_http_query(req, "fresh");
  p.current = fresh && strcmp(fresh, "1") == 0;
  const char *page = cm_http_query(req, "page"), *per_page = cm_http_query(req, "per_page");
  const char *street = cm_http_query(req, "street"), *community = cm_http_query(req, "community");
  const char *sort = cm_http_query(req, "sort"), *order = cm_http_query(req, "order");
  if (!org && !ext[0] && !given(page) && !given(per_page) && !given(street) && !given(community) &&
      !given(sort) && !given(order)) {
    /* the whole answer, as text: no objects read and written again */
    char *text = NULL;
    size_t len = 0;
    cm_rc rc = hub_dashboard_answer_text(api->hub, base, &scope, &p, now, &text, &len, &err);
    if (!rc) rc = cm_http_resp_set(resp, 200, CT_JSON, text, len);
    free(text);
    if (rc) {
      int st = status_of(rc);
      if (st >= 500) cm_error("dashboard: %s: %s", name, err.msg);
      cm_http_resp_error(resp, st, rc, err.msg[0] ? err.msg : cm_strerror(rc), NULL);
    }
    goto out;
  }
  /* ?page=&per_page=: one page of the long tables (a city's 250,000 rows);
   * ?street=&community=: the rows of one street or community; ?sort=&order= */
  hub_dash_rows narrow = {street, community, sort, order};
  cm_rc rc = hub_dashboard_answer_page(api->hub, base, &scope, &p, now, cm_http_query(req, "table"),
                                       ext[0] != '\0', page, per_page, &narrow, &j, &err);
  if (!rc && org && !ext[0] && !scope.unit[0]) {
    /* The organisation's attachments, as its archive lists them (its scope
     * was checked by the answer; an operator bound to a supervising unit
     * reads the dashboard only, not the files). */
    json_t *files = NULL;
    rc = hub_dossier_files(api->hub, org, &files, &err);
    if (!rc) json_object_set_new(j, "attachments", files);
  }
  if (!rc && ext[0]) {
    const char *table = cm_http_query(req, "table");
    cm_lang lang = CM_LANG_ZH;
    if (!cm_i18n_parse(cm_http_query(req, "lang"), &lang))
      (void)cm_i18n_parse(cm_http_cookie(req, HUB_WEB_LANG_COOKIE), &lang);
    /* One set of rows for both files: the CSV and the workbook hold the same cells. */
    rc = hub_table_from(j, table, lang, 1, &tb, &err);
    if (!rc && !strcmp(ext, "csv"))
      rc = hub_table_csv(&tb, &file, &err);
    else if (!rc)
      rc = hub_table_xlsx(&tb, hub_table_title(lang, table), api->hub->dir, &file, &err);
    if (!rc) {
      char disp[2048]; /* word percent-encoded: up to 3 bytes each */
      export_disposition(j, base, table, &narrow, ext, lang, now, disp, sizeof disp);
      cm_http_resp_header(resp, "Content-Disposition", disp);
      rc = cm_http_resp_set(resp, 200, !strcmp(ext, "csv") ? CT_CSV : CT_XLSX, file.p, file.len);
    }
    if (rc) {
      int st = status_of(rc);
      if (st >= 500) cm_error("dashboard: %s: %s", name, err.msg);
      cm_http_resp_error(resp, st, rc, err.msg[0] ? err.msg : cm_strerror(rc), NULL);
    }
    goto out;
  }
  if (rc) {
    int st = status_of(rc);
    if (st >= 500) cm_error("dashboard: %s: %s", name, err.msg);
    cm_http_resp_error(resp, st, rc, err.msg[0] ? err.msg : cm_strerror(rc), NULL);
    goto out;
  }
  cm_http_resp_json(resp, 200, j);
  j = NULL;
out:
  json_decref(j);
  hub_table_free(&tb);
  cm_buf_free(&file);
}

/* ROUTE: GET /api/v1/dashboard/{name}[.csv|.xlsx] */
#define HELP_API                                                                                   \
  "dashboard figures: hierarchy, completeness?month=, activity?from=&to=, attention, stations, "   \
  "funding?year= (?category=; NAME.csv?table=T for CSV, NAME.xlsx?table=T for Excel; "             \
  "&page=N&per_page=M (M <= 500) for one page of the long tables; &street=&community= for the "    \
  "rows of one street or community; &sort=COLUMN&order=asc|desc); operator login"
static void api_dashboard(cm_http_req *req, cm_http_resp *resp, void *ctx) {
  api_answer(req, resp, ctx, cm_http_param(req, 0), NULL);
}

/* ROUTE: GET /api/v1/dashboard/org/{id}[.csv|.xlsx] */
#define HELP_API_ORG "one organisation: filing, amendments, reports, activities, decisions, signers"
static void api_dashboard_org(cm_http_req *req, cm_http_resp *resp, void *ctx) {
  char id[96], name[16];
  const char *raw = cm_http_param(req, 0);
  size_t n;
  const char *ext = export_of(raw, &n);
  snprintf(id, sizeof id, "%.*s", (int)n, raw);
  snprintf(name, sizeof name, "org%s%s", ext[0] ? "." : "", ext);
  api_answer(req, resp, ctx, name, id);
}

/* ---- the pages ---------------------------------------------------------- */

static void word_put(void *arg, const char *rest, const char *text) {
  json_object_set_new((json_t *)arg, rest, json_string(text));
}

/* The script's words as one JSON object {key: text} in the page's language:
 * the column heads (col.*, also the CSV and Excel heads) and the dashboard's
 * other words (dash.*), both from common/i18n.  Caller frees; NULL when out
 * of memory. */
static char *dash_words(cm_lang lang) {
  json_t *o = json_object();
  char *s = NULL;
  if (o) {
    cm_i18n_each(lang, "col.", word_put, o);
    cm_i18n_each(lang, "dash.", word_put, o);
    s = json_dumps(o, JSON_COMPACT);
  }
  json_decref(o);
  return s;
}

/* Rows of a page dashboard.js asks the hub for, and the longest table it
 * reads whole (longer ones a page at a time, as the reader pages): 500 and
 * 5,000 (a district's tables are read whole, a city's by pages), or
 * LINLI_DASH_PAGE_ROWS=ROWS,WHOLE (1..500, 0..): a test shows a small
 * district as a city is shown. */
static void dash_rows(long *page_rows, long *whole_rows) {
  *page_rows = HUB_DASH_PAGE_MAX;
  *whole_rows = 5000;
  const char *env = getenv("LINLI_DASH_PAGE_ROWS");
  long a, b;
  char tail;
  if (env && sscanf(env, "%ld,%ld%c", &a, &b, &tail) == 2 && a >= 1 && a <= HUB_DASH_PAGE_MAX &&
      b >= 0) {
    *page_rows = a;
    *whole_rows = b;
  }
}

/* The frame both pages share: the layout, and a <main> that dashboard.js
 * fills from the API (its data- attributes say what to show, data-words the
 * words it shows, from common/i18n). */
static void page_frame(cm_http_req *req, cm_http_resp *resp, void *ctx, const char *view,
                       const char *org) {
  hub_web_req w;
  if (!hub_web_begin(&w, req, resp, ctx, HUB_WEB_LOGIN)) return;
  hub_web_head(&w, "nav.dashboard");
  cm_html_printf(&w.h, "<div id=\"dash\" data-view=\"%r\" data-lang=\"%r\" data-role=\"%r\" data-org=\"",
               view, w.lang == CM_LANG_EN ? "en" : "zh", hub_role_name(w.hub->role));
  cm_html_esc(&w.h, org ? org : "");
  cm_html_raw(&w.h, "\" data-scope=\"");
  cm_html_esc(&w.h, w.hub->role == HUB_ROLE_DISTRICT ? w.s.op.street : w.hub->name);
  cm_html_raw(&w.h, "\" data-hub=\"");
  cm_html_esc(&w.h, w.hub->name);
  long page_rows, whole_rows;
  dash_rows(&page_rows, &whole_rows);
  cm_html_printf(&w.h, "\" data-page-rows=\"%ld\" data-whole-rows=\"%ld", page_rows, whole_rows);
  char *words = dash_words(w.lang);
  cm_html_printf(&w.h, "\" data-words=\"%h", words ? words : "{}");
  free(words);
  cm_html_raw(&w.h, "\"><p class=\"dash-loading\">");
  cm_html_word(&w.h, "dash.loading");
  cm_html_raw(&w.h, "</p><noscript>");
  cm_html_word(&w.h, "dash.noscript");
  cm_html_raw(&w.h, "</noscript></div>"
                  "<script src=\"/dashboard/echarts.min.js\"></script>"
                  "<script src=\"/dashboard/dashboard.js\"></script>");
  hub_web_foot(&w);
  hub_web_end(&w);
}

/* ROUTE: GET / */
#define HELP_HOME "dashboard: hierarchy, reporting completeness, activity, attention list"
static void page_home(cm_http_req *req, cm_http_resp *resp, void *ctx) {
  page_frame(req, resp, ctx, "overview", NULL);
}

/* ROUTE: GET /dashboard/org/{id} */
#define HELP_ORG "one organisation's filing, amendments, reports, activities and decisions"
static void page_org(cm_http_req *req, cm_http_resp *resp, void *ctx) {
  page_frame(req, resp, ctx, "org", cm_http_param(req, 0));
}

/* ROUTE: GET /dashboard/{file} */
#define HELP_ASSET "the dashboard's script, style and Apache ECharts, served from the binary"
static void page_asset(cm_http_req *req, cm_http_resp *resp, void *ctx) {
  (void)ctx;
  const char *name = cm_http_param(req, 0);
  for (size_t i = 0; i < hub_dash_n_assets; i++) {
    const hub_dash_asset *a = &hub_dash_assets[i];
    if (strcmp(a->name, name) != 0) continue;
    cm_http_resp_header(resp, "Cache-Control", "max-age=3600");
    cm_http_resp_header(resp, "X-Content-Type-Options", "nosniff");
    if (cm_http_resp_set(resp, 200, a->content_type, a->data, (size_t)(a->end - a->data)))
      cm_http_resp_error(resp, 500, CM_ERR_NOMEM, "内存不足", NULL);
    return;
  }
  cm_http_resp_error(resp, 404, CM_ERR_NOT_FOUND, "找不到该文件 / no such file", NULL);
}

const cm_http_route hub_web_dashboard_routes[] = {
    {"GET", "/", page_home, HELP_HOME},
    {"GET", "/dashboard/org/{}", page_org, HELP_ORG},
    {"GET", "/dashboard/{}", page_asset, HELP_ASSET},
    {"GET", "/api/v1/dashboard/org/{}", api_dashboard_org, HELP_API_ORG},
    {"GET", "/api/v1/dashboard/{}", api_dashboard, HELP_API},
};
const size_t hub_web_dashboard_nroutes =
    sizeof hub_web_dashboard_routes / sizeof hub_web_dashboard_routes[0];
