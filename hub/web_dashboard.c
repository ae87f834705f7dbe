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
#include "../common/log.h"
#include "dashboard.h"
#include "web.h"

#define CT_JSON "application/json"
#define CT_CSV "text/csv; charset=utf-8"
#define CSV_MAX ((size_t)64u << 20)

/* ---- the API ---------------------------------------------------------- */

/* The operator of the request's session: 1, or 0 after answering 401. */
static int api_session(cm_http_req *req, cm_http_resp *resp, hub_api *api, hub_dash_scope *scope) {
  hub_auth_session s;
  int found = 0;
  cm_err err;
  cm_err_clear(&err);
  memset(scope, 0, sizeof *scope);
  if (!api->web) {
    cm_http_resp_error(resp, 503, CM_ERR_BUSY, "operator accounts are not available", NULL);
    return 0;
  }
  if (hub_auth_session_check(hub_web_ops(api->web), cm_http_cookie(req, HUB_AUTH_COOKIE),
                             cm_now_ms(), &s, &found, &err) != CM_OK) {
    cm_error("dashboard: session check: %s", err.msg);
    cm_http_resp_error(resp, 500, CM_ERR_DB, "cannot check the session", NULL);
    return 0;
  }
  if (!found) {
    cm_http_resp_error(resp, 401, CM_ERR_PERM, "log in first: POST /login, then send its cookie",
                       NULL);
    return 0;
  }
  /* A street hub holds one street only, so only a district narrows. */
  if (api->hub->role == HUB_ROLE_DISTRICT)
    snprintf(scope->street, sizeof scope->street, "%s", s.op.street);
  cm_http_resp_header(resp, "Cache-Control", "no-store");
  return 1;
}

/* The one mapping of a failure to an HTTP status (common/rc.h). */
static int status_of(cm_rc rc) {
  return cm_rc_http_status(rc);
}

/* The CSV's first line holds the JSON keys of the table's columns; people read
 * it in a spreadsheet, so at this edge each key becomes its column word in the
 * page's language (common/i18n "col.KEY"); the rows stay as they are. */
static cm_rc csv_header_words(cm_buf *csv, cm_lang lang) {
  const char *p = (const char *)csv->p, *end;
  cm_buf out;
  cm_rc rc = CM_OK;
  if (!p || csv->len < 3 || !(end = strstr(p + 3, "\r\n"))) return CM_OK;
  cm_buf_init(&out, csv->max);
  rc = cm_buf_append(&out, p, 3); /* the BOM */
  for (const char *f = p + 3; !rc && f < end;) {
    const char *comma = memchr(f, ',', (size_t)(end - f));
    const char *stop = comma ? comma : end;
    char key[64];
    snprintf(key, sizeof key, "%.*s", (int)(stop - f), f);
    const char *word = cm_i18n_word(lang, "col.", key);
    rc = cm_buf_append(&out, word, strlen(word));
    if (!rc && comma) rc = cm_buf_append(&out, ",", 1);
    f = stop + 1;
  }
  if (!rc) rc = cm_buf_append(&out, end, csv->len - (size_t)(end - p));
  if (!rc) {
    cm_buf_free(csv);
    *csv = out;
  } else {
    cm_buf_free(&out);
  }
  return rc;
}

/* The rows of table in j made readable for a spreadsheet, in place, as the
 * page shows them (hub/dashboard_assets/dashboard.js `shown`): yes/no for
 * booleans, words for enum values, "社区 第N条" for a record id, times without
 * the ISO "T".  Numbers and names stay as they are. */
static void csv_rows_words(json_t *j, const char *table, cm_lang lang) {
  static const char *const enum_keys[] = {"founded_by", "street_ack", "district_ack", "by",
                                          "status",     "result"};
  json_t *arr = json_object_get(j, table ? table : "");
  size_t i;
  json_t *row;
  json_array_foreach(arr, i, row) {
    const char *k;
    json_t *v;
    void *tmp;
    json_object_foreach_safe(row, tmp, k, v) {
      char text[600];
      text[0] = '\0';
      if (json_is_boolean(v)) {
        snprintf(text, sizeof text, "%s", cm_i18n_t(lang, json_is_true(v) ? "yes" : "no"));
      } else if (json_is_string(v)) {
        const char *sv = json_string_value(v), *slash = strrchr(sv, '/');
        int is_enum = 0;
        for (size_t e = 0; e < sizeof enum_keys / sizeof enum_keys[0]; e++)
          is_enum |= !strcmp(k, enum_keys[e]);
        if (!strcmp(k, "kind") && strcmp(cm_i18n_word(lang, "kind.", sv), sv) != 0) {
          snprintf(text, sizeof text, "%s", cm_i18n_word(lang, "kind.", sv));
        } else if (is_enum && strcmp(cm_i18n_word(lang, "col.", sv), sv) != 0) {
          snprintf(text, sizeof text, "%s", cm_i18n_word(lang, "col.", sv));
        } else if (slash && slash - sv == 64 && strspn(sv, "0123456789abcdef") == 64) {
          const char *who = json_string_value(json_object_get(row, "signed_by"));
          if (!who) who = json_string_value(json_object_get(row, "community"));
          snprintf(text, sizeof text, "%s%s%s%s%s", who ? who : "", who ? " " : "",
                   cm_i18n_t(lang, "ref.before"), slash + 1, cm_i18n_t(lang, "ref.after"));
        } else if (strlen(sv) >= 16 && sv[10] == 'T') {
          cm_html_iso_text(sv, text, sizeof text);
        }
      }
      if (text[0]) json_object_set_new(row, k, json_string(text));
    }
  }
}

/* Answer name (with ".csv": its table ?table=, CSV) for the request. */
static void api_answer(cm_http_req *req, cm_http_resp *resp, hub_api *api, const char *name,
                       const char *org) {
  hub_dash_scope scope;
  hub_dash_params p;
  json_t *j = NULL;
  cm_buf csv;
  cm_err err;
  cm_err_clear(&err);
  cm_buf_init(&csv, CSV_MAX);
  char base[32];
  size_t n = strlen(name);
  int want_csv = n > 4 && strcmp(name + n - 4, ".csv") == 0;
  snprintf(base, sizeof base, "%.*s", (int)(want_csv ? n - 4 : n), name);
  if (!api_session(req, resp, api, &scope)) goto out;
  memset(&p, 0, sizeof p);
  p.category = cm_http_query(req, "category");
  p.month = cm_http_query(req, "month");
  p.from = cm_http_query(req, "from");
  p.to = cm_http_query(req, "to");
  p.org = org;
  cm_rc rc = hub_dashboard_answer(api->hub, base, &scope, &p, cm_now_ms(), &j, &err);
  if (!rc && want_csv) {
    const char *table = cm_http_query(req, "table");
    cm_lang lang = CM_LANG_ZH;
    if (!cm_i18n_parse(cm_http_query(req, "lang"), &lang))
      (void)cm_i18n_parse(cm_http_cookie(req, HUB_WEB_LANG_COOKIE), &lang);
    csv_rows_words(j, table, lang);
    rc = hub_dashboard_csv(j, table, &csv, &err);
    if (!rc) rc = csv_header_words(&csv, lang);
    if (!rc) {
      char disp[128];
      snprintf(disp, sizeof disp, "attachment; filename=\"%s-%s.csv\"", base,
               table && strspn(table, "abcdefghijklmnopqrstuvwxyz_") == strlen(table) ? table
                                                                                      : "table");
      cm_http_resp_header(resp, "Content-Disposition", disp);
      rc = cm_http_resp_set(resp, 200, CT_CSV, csv.p, csv.len);
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
  cm_buf_free(&csv);
}

/* ROUTE: GET /api/v1/dashboard/{name}[.csv] */
#define HELP_API                                                                                   \
  "dashboard figures: hierarchy, completeness?month=, activity?from=&to=, attention "              \
  "(?category=; NAME.csv?table=T for CSV); operator login"
static void api_dashboard(cm_http_req *req, cm_http_resp *resp, void *ctx) {
  api_answer(req, resp, ctx, cm_http_param(req, 0), NULL);
}

/* ROUTE: GET /api/v1/dashboard/org/{id}[.csv] */
#define HELP_API_ORG "one organisation: filing, amendments, reports, activities, decisions, signers"
static void api_dashboard_org(cm_http_req *req, cm_http_resp *resp, void *ctx) {
  char id[96];
  const char *raw = cm_http_param(req, 0);
  size_t n = strlen(raw);
  int csv = n > 4 && strcmp(raw + n - 4, ".csv") == 0;
  snprintf(id, sizeof id, "%.*s", (int)(csv ? n - 4 : n), raw);
  api_answer(req, resp, ctx, csv ? "org.csv" : "org", id);
}

/* ---- the pages ---------------------------------------------------------- */

/* The frame both pages share: the layout, and a <main> that dashboard.js
 * fills from the API (its data- attributes say what to show). */
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
      cm_http_resp_error(resp, 500, CM_ERR_NOMEM, "out of memory", NULL);
    return;
  }
  cm_http_resp_error(resp, 404, CM_ERR_NOT_FOUND, "no such file", NULL);
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
