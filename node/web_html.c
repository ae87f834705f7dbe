/* web_html.c - writing the staff page's HTML (see web_app.h).  Every string that
 * came from a person or the database goes through node_web_esc; only literals
 * and numbers go through node_web_raw. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "web_app.h"

void node_web_raw(node_web_rq *rq, const char *s) {
  if (rq->out_rc || !s) return;
  rq->out_rc = cm_buf_append(&rq->out, s, strlen(s));
}

void node_web_rawf(node_web_rq *rq, const char *fmt, ...) {
  char tmp[1024];
  va_list ap;
  int n;
  if (rq->out_rc) return;
  va_start(ap, fmt);
  n = vsnprintf(tmp, sizeof tmp, fmt, ap);
  va_end(ap);
  if (n < 0 || (size_t)n >= sizeof tmp) {
    /* Raw text is short by construction (numbers, paths); longer is a bug. */
    rq->out_rc = CM_ERR_TOO_LARGE;
    return;
  }
  rq->out_rc = cm_buf_append(&rq->out, tmp, (size_t)n);
}

void node_web_esc(node_web_rq *rq, const char *s) {
  const char *run;
  if (rq->out_rc || !s) return;
  run = s;
  for (; *s; s++) {
    const char *rep = NULL;
    switch (*s) {
      case '&': rep = "&amp;"; break;
      case '<': rep = "&lt;"; break;
      case '>': rep = "&gt;"; break;
      case '"': rep = "&quot;"; break;
      case '\'': rep = "&#39;"; break;
      default: break;
    }
    if (!rep) continue;
    if (s > run && !rq->out_rc) rq->out_rc = cm_buf_append(&rq->out, run, (size_t)(s - run));
    if (!rq->out_rc) rq->out_rc = cm_buf_append(&rq->out, rep, strlen(rep));
    run = s + 1;
  }
  if (s > run && !rq->out_rc) rq->out_rc = cm_buf_append(&rq->out, run, (size_t)(s - run));
}

void node_web_txt(node_web_rq *rq, const char *key) { node_web_esc(rq, node_web_t(rq->lang, key)); }

void node_web_url(node_web_rq *rq, const char *s) {
  static const char hex[] = "0123456789ABCDEF";
  char enc[4];
  if (!s) return;
  for (; *s && !rq->out_rc; s++) {
    unsigned char c = (unsigned char)*s;
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '_' || c == '.' || c == '~') {
      rq->out_rc = cm_buf_append(&rq->out, s, 1);
    } else {
      enc[0] = '%';
      enc[1] = hex[c >> 4];
      enc[2] = hex[c & 15];
      rq->out_rc = cm_buf_append(&rq->out, enc, 3);
    }
  }
}

/* The link that switches language keeps the page and its query, minus any
 * earlier lang=, so that the printable form switches in place. */
static void lang_link(node_web_rq *rq) {
  const char *target = cm_http_target(rq->req);
  const char *q = target ? strchr(target, '?') : NULL;
  const char *path = cm_http_path(rq->req);
  node_web_raw(rq, "<a href=\"");
  /* The decoded path goes back percent-encoded, slashes kept. */
  if (path) {
    const char *p = path;
    while (*p && !rq->out_rc) {
      const char *slash = strchr(p, '/');
      size_t n = slash ? (size_t)(slash - p) : strlen(p);
      char seg[256];
      if (n >= sizeof seg) n = sizeof seg - 1;
      memcpy(seg, p, n);
      seg[n] = '\0';
      node_web_url(rq, seg);
      if (!slash) break;
      node_web_raw(rq, "/");
      p = slash + 1;
    }
  }
  node_web_raw(rq, "?");
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
        node_web_esc(rq, part);
        node_web_raw(rq, "&amp;");
      }
      if (!amp) break;
      p = amp + 1;
    }
  }
  node_web_raw(rq, rq->lang == NODE_WEB_EN ? "lang=zh\" lang=\"zh-CN\">" : "lang=en\" lang=\"en\">");
  node_web_txt(rq, "lang.switch");
  node_web_raw(rq, "</a>");
}

static void nav_item(node_web_rq *rq, const char *href, const char *key, const char *current) {
  node_web_rawf(rq, "<a href=\"%s\"", href);
  if (current && strcmp(current, key) == 0) node_web_raw(rq, " aria-current=\"page\"");
  node_web_raw(rq, ">");
  node_web_txt(rq, key);
  node_web_raw(rq, "</a>");
}

void node_web_page_begin(node_web_rq *rq, const char *title_key, const char *nav) {
  node_web_raw(rq, rq->lang == NODE_WEB_EN ? "<!DOCTYPE html>\n<html lang=\"en\">"
                                           : "<!DOCTYPE html>\n<html lang=\"zh-CN\">");
  node_web_raw(rq, "<head><meta charset=\"utf-8\">"
                   "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                   "<title>");
  node_web_txt(rq, title_key);
  node_web_raw(rq, " - ");
  node_web_txt(rq, "app");
  node_web_raw(rq, "</title><link rel=\"stylesheet\" href=\"/assets/style.css\">"
                   "<link rel=\"icon\" href=\"/assets/icon.svg\" type=\"image/svg+xml\">"
                   "<script src=\"/assets/app.js\" defer></script></head>\n<body>"
                   "<header class=\"top\"><span class=\"brand\">");
  node_web_txt(rq, "app");
  node_web_raw(rq, "</span><span class=\"who\">");
  node_web_esc(rq, rq->app->community);
  node_web_raw(rq, "</span><nav>");
  nav_item(rq, "/", "nav.home", nav);
  nav_item(rq, "/orgs", "nav.orgs", nav);
  nav_item(rq, "/orgs/new", "nav.file", nav);
  nav_item(rq, "/reports", "nav.reports", nav);
  nav_item(rq, "/reports/new", "nav.report_new", nav);
  nav_item(rq, "/activities", "nav.activity", nav);
  nav_item(rq, "/rectifications/new", "nav.rectify", nav);
  nav_item(rq, "/inbox", "nav.inbox", nav);
  node_web_raw(rq, "</nav><span class=\"lang\">");
  lang_link(rq);
  node_web_raw(rq, "</span></header>\n<main>");
}

void node_web_page_end(node_web_rq *rq) {
  node_web_raw(rq, "</main><footer>");
  node_web_txt(rq, "footer");
  node_web_raw(rq, "</footer></body></html>\n");
}

void node_web_msg(node_web_rq *rq, const char *cls, const char *prefix_key, const char *text) {
  node_web_rawf(rq, "<p class=\"msg %s\" role=\"%s\">", cls,
                strcmp(cls, "error") == 0 ? "alert" : "status");
  if (prefix_key) node_web_txt(rq, prefix_key);
  node_web_esc(rq, text);
  node_web_raw(rq, "</p>");
}

void node_web_form_begin(node_web_rq *rq, const char *action, const char *confirm_key) {
  node_web_raw(rq, "<form class=\"rec\" method=\"post\" action=\"");
  node_web_esc(rq, action);
  node_web_raw(rq, "\"");
  if (confirm_key) {
    node_web_raw(rq, " data-confirm=\"");
    node_web_txt(rq, confirm_key);
    node_web_raw(rq, "\"");
  }
  node_web_raw(rq, "><input type=\"hidden\" name=\"csrf\" value=\"");
  node_web_esc(rq, rq->app->csrf);
  node_web_raw(rq, "\">");
}

void node_web_form_end(node_web_rq *rq, const char *submit_key) {
  node_web_raw(rq, "<div class=\"actions\"><button type=\"submit\">");
  node_web_txt(rq, submit_key);
  node_web_raw(rq, "</button></div></form>");
}

static void row_begin(node_web_rq *rq, const char *name, const char *label_key, int required) {
  node_web_raw(rq, "<div class=\"row\"><label for=\"f-");
  node_web_esc(rq, name);
  node_web_raw(rq, required ? "\" class=\"req\">" : "\">");
  node_web_txt(rq, label_key);
  node_web_raw(rq, "</label>");
}

static void row_end(node_web_rq *rq, const char *hint_key) {
  if (hint_key) {
    node_web_raw(rq, "<span class=\"hint\">");
    node_web_txt(rq, hint_key);
    node_web_raw(rq, "</span>");
  }
  node_web_raw(rq, "</div>");
}

void node_web_input(node_web_rq *rq, const char *type, const char *name, const char *label_key,
                    const char *value, int required, const char *attrs, const char *hint_key) {
  row_begin(rq, name, label_key, required);
  node_web_rawf(rq, "<input type=\"%s\" id=\"f-", type);
  node_web_esc(rq, name);
  node_web_raw(rq, "\" name=\"");
  node_web_esc(rq, name);
  node_web_raw(rq, "\" value=\"");
  node_web_esc(rq, value ? value : "");
  node_web_raw(rq, "\"");
  if (required) node_web_raw(rq, " required");
  if (attrs) {
    node_web_raw(rq, " ");
    node_web_raw(rq, attrs);
  }
  node_web_raw(rq, ">");
  row_end(rq, hint_key);
}

void node_web_textarea(node_web_rq *rq, const char *name, const char *label_key,
                       const char *value, int required, const char *hint_key) {
  row_begin(rq, name, label_key, required);
  node_web_raw(rq, "<textarea id=\"f-");
  node_web_esc(rq, name);
  node_web_raw(rq, "\" name=\"");
  node_web_esc(rq, name);
  node_web_raw(rq, required ? "\" required>" : "\">");
  node_web_esc(rq, value ? value : "");
  node_web_raw(rq, "</textarea>");
  row_end(rq, hint_key);
}

void node_web_select_begin(node_web_rq *rq, const char *name, const char *label_key,
                           int required) {
  row_begin(rq, name, label_key, required);
  node_web_raw(rq, "<select id=\"f-");
  node_web_esc(rq, name);
  node_web_raw(rq, "\" name=\"");
  node_web_esc(rq, name);
  node_web_raw(rq, required ? "\" required>" : "\">");
}

void node_web_option(node_web_rq *rq, const char *value, const char *label, int selected) {
  node_web_raw(rq, "<option value=\"");
  node_web_esc(rq, value);
  node_web_raw(rq, selected ? "\" selected>" : "\">");
  node_web_esc(rq, label);
  node_web_raw(rq, "</option>");
}

void node_web_select_end(node_web_rq *rq, const char *hint_key) {
  node_web_raw(rq, "</select>");
  row_end(rq, hint_key);
}

const char *node_web_js(const json_t *o, const char *key) {
  const json_t *v = o ? json_object_get(o, key) : NULL;
  return json_is_string(v) ? json_string_value(v) : "";
}

long long node_web_ji(const json_t *o, const char *key) {
  const json_t *v = o ? json_object_get(o, key) : NULL;
  return json_is_integer(v) ? (long long)json_integer_value(v) : 0;
}
