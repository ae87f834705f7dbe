/* html.c - the pages' HTML writer (see html.h). */
#include "html.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "clock.h"
#include "web_assets.h"

void cm_html_init(cm_html *h, size_t max, cm_lang lang) {
  cm_buf_init(&h->out, max);
  h->rc = CM_OK;
  h->lang = lang;
}

void cm_html_reset(cm_html *h) {
  cm_buf_reset(&h->out);
  h->rc = CM_OK;
}

void cm_html_free(cm_html *h) {
  if (!h) return;
  cm_buf_free(&h->out);
}

const char *cm_html_str(const cm_html *h) {
  return h->out.p ? (const char *)h->out.p : "";
}

static void put_raw(cm_html *h, const char *s, size_t n) {
  if (h->rc || !n) return;
  h->rc = cm_buf_append(&h->out, s, n);
}

/* Width of a control character at p that a page never carries (0 for none):
 * every C0 control but tab and newline (a carriage return only before a
 * newline), DEL, and the C1 controls U+0080..U+009F. */
static size_t control_at(const char *p, const char *end) {
  unsigned char c = (unsigned char)*p;
  if (c == '\t' || c == '\n') return 0;
  if (c == '\r') return p + 1 < end && p[1] == '\n' ? 0 : 1;
  if (c < 0x20 || c == 0x7f) return 1;
  if (c == 0xC2 && p + 1 < end && (unsigned char)p[1] >= 0x80 && (unsigned char)p[1] <= 0x9f)
    return 2;
  return 0;
}

/* Everything written goes through here.  A page is also printed to a terminal
 * (a dossier on standard output), where an ESC or BEL would act, so a control
 * character (control_at) becomes U+FFFD whichever way it came in. */
static void put(cm_html *h, const char *s, size_t n) {
  const char *run = s, *end = s + n;
  for (const char *p = s; p < end; p++) {
    size_t w = control_at(p, end);
    if (!w) continue;
    put_raw(h, run, (size_t)(p - run));
    put_raw(h, "\xEF\xBF\xBD", 3);
    p += w - 1;
    run = p + 1;
  }
  put_raw(h, run, (size_t)(end - run));
}

/* n bytes of s at most, shortened to end on a UTF-8 character boundary. */
static size_t cut(const char *s, size_t n) {
  size_t len = strnlen(s, n);
  if (len == n && s[n] != '\0')
    while (len > 0 && ((unsigned char)s[len] & 0xC0) == 0x80) len--;
  return len;
}

static void esc_n(cm_html *h, const char *s, size_t n) {
  const char *run = s, *end = s + n;
  for (const char *p = s; p < end; p++) {
    const char *rep = NULL;
    switch (*p) {
    case '&': rep = "&amp;"; break;
    case '<': rep = "&lt;"; break;
    case '>': rep = "&gt;"; break;
    case '"': rep = "&quot;"; break;
    case '\'': rep = "&#39;"; break;
    default: break;
    }
    if (!rep) continue;
    put(h, run, (size_t)(p - run));
    put(h, rep, strlen(rep));
    run = p + 1;
  }
  put(h, run, (size_t)(end - run));
}

static void url_n(cm_html *h, const char *s, size_t n) {
  static const char hex[] = "0123456789ABCDEF";
  for (size_t i = 0; i < n && !h->rc; i++) {
    unsigned char c = (unsigned char)s[i];
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '_' || c == '.' || c == '~') {
      put(h, &s[i], 1);
    } else {
      char enc[3] = {'%', hex[c >> 4], hex[c & 15]};
      put(h, enc, 3);
    }
  }
}

void cm_html_vprintf(cm_html *h, const char *fmt, va_list ap) {
  const char *run = fmt;
  char num[32];
  for (const char *p = fmt; *p && !h->rc; p++) {
    if (*p != '%') continue;
    put(h, run, (size_t)(p - run));
    p++;
    long prec = -1;
    if (*p == '.') {
      prec = 0;
      for (p++; *p >= '0' && *p <= '9'; p++) prec = prec * 10 + (*p - '0');
    }
    int l = 0, z = 0;
    while (*p == 'l') l++, p++;
    if (*p == 'z') z = 1, p++;
    switch (*p) {
    case '%': put(h, "%", 1); break;
    case 'h':
    case 'r':
    case 'U': {
      const char *s = va_arg(ap, const char *);
      if (!s) break;
      size_t n = prec >= 0 ? cut(s, (size_t)prec) : strlen(s);
      if (*p == 'h') esc_n(h, s, n);
      else if (*p == 'r') put(h, s, n);
      else url_n(h, s, n);
      break;
    }
    case 'w': {
      const char *k = va_arg(ap, const char *);
      const char *s = cm_i18n_t(h->lang, k);
      esc_n(h, s, strlen(s));
      break;
    }
    case 'd':
    case 'i':
      if (z) snprintf(num, sizeof num, "%zd", va_arg(ap, ssize_t));
      else if (l >= 2) snprintf(num, sizeof num, "%lld", va_arg(ap, long long));
      else if (l == 1) snprintf(num, sizeof num, "%ld", va_arg(ap, long));
      else snprintf(num, sizeof num, "%d", va_arg(ap, int));
      put(h, num, strlen(num));
      break;
    case 'u':
      if (z) snprintf(num, sizeof num, "%zu", va_arg(ap, size_t));
      else if (l >= 2) snprintf(num, sizeof num, "%llu", va_arg(ap, unsigned long long));
      else if (l == 1) snprintf(num, sizeof num, "%lu", va_arg(ap, unsigned long));
      else snprintf(num, sizeof num, "%u", va_arg(ap, unsigned));
      put(h, num, strlen(num));
      break;
    default:
      /* %s and anything else: refused, so that raw output is always spelt %r. */
      h->rc = CM_ERR_INVALID;
      return;
    }
    run = p + 1;
  }
  if (!h->rc) put(h, run, strlen(run));
}

void cm_html_printf(cm_html *h, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  cm_html_vprintf(h, fmt, ap);
  va_end(ap);
}

void cm_html_raw(cm_html *h, const char *s) {
  if (s) put(h, s, strlen(s));
}

void cm_html_esc(cm_html *h, const char *s) {
  if (s) esc_n(h, s, strlen(s));
}

void cm_html_url(cm_html *h, const char *s) {
  if (s) url_n(h, s, strlen(s));
}

void cm_html_word(cm_html *h, const char *key) {
  cm_html_esc(h, cm_i18n_t(h->lang, key));
}

void cm_html_time(cm_html *h, uint64_t t_ms) {
  char iso[26];
  if (!t_ms) {
    cm_html_raw(h, "-");
    return;
  }
  cm_time_iso(t_ms, iso);
  cm_html_printf(h, "<span class=\"nw\">%.10r %.5r</span>", iso, iso + 11);
}

void cm_html_iso_text(const char *iso, char *out, size_t cap) {
  if (!cap) return;
  if (!iso) iso = "";
  /* "YYYY-MM-DDTHH:MM..." -> "YYYY-MM-DD HH:MM"; anything else as given. */
  if (strlen(iso) >= 16 && iso[10] == 'T' && iso[13] == ':')
    snprintf(out, cap, "%.10s %.5s", iso, iso + 11);
  else
    snprintf(out, cap, "%s", iso);
}

void cm_html_iso(cm_html *h, const char *iso) {
  char t[64];
  cm_html_iso_text(iso, t, sizeof t);
  if (t[0])
    cm_html_printf(h, "<span class=\"nw\">%h</span>", t);
}

void cm_html_head_assets(cm_html *h) {
  cm_html_raw(h, "<link rel=\"stylesheet\" href=\"/assets/common.css\">"
                 "<link rel=\"stylesheet\" href=\"/assets/style.css\">"
                 "<script src=\"/assets/app.js\" defer></script>");
}

const cm_web_asset *cm_web_asset_find(const char *name) {
  for (size_t i = 0; name && i < cm_web_n_assets; i++)
    if (!strcmp(cm_web_assets[i].name, name)) return &cm_web_assets[i];
  return NULL;
}

/* ---- form rows ---- */

static void row_begin(cm_html *h, const char *name, const char *label_key, int required) {
  cm_html_printf(h, "<div class=\"row\"><label for=\"f-%h\"%r>%w</label>", name,
                 required ? " class=\"req\"" : "", label_key);
}

static void row_end(cm_html *h, const char *hint_key) {
  if (hint_key) cm_html_printf(h, "<span class=\"hint\">%w</span>", hint_key);
  cm_html_raw(h, "</div>");
}

void cm_html_input(cm_html *h, const char *type, const char *name, const char *label_key,
                   const char *value, int required, const char *attrs, const char *hint_key) {
  row_begin(h, name, label_key, required);
  cm_html_printf(h, "<input type=\"%r\" id=\"f-%h\" name=\"%h\" value=\"%h\"%r%r%r>", type, name,
                 name, value ? value : "", required ? " required" : "", attrs ? " " : "",
                 attrs ? attrs : "");
  row_end(h, hint_key);
}

void cm_html_textarea(cm_html *h, const char *name, const char *label_key, const char *value,
                      int required, unsigned maxlength, const char *hint_key) {
  row_begin(h, name, label_key, required);
  cm_html_printf(h, "<textarea id=\"f-%h\" name=\"%h\" maxlength=\"%u\"%r>%h</textarea>", name,
                 name, maxlength, required ? " required" : "", value ? value : "");
  row_end(h, hint_key);
}

void cm_html_select_begin(cm_html *h, const char *name, const char *label_key, int required) {
  row_begin(h, name, label_key, required);
  cm_html_printf(h, "<select id=\"f-%h\" name=\"%h\"%r>", name, name, required ? " required" : "");
}

void cm_html_option(cm_html *h, const char *value, const char *label, int selected) {
  cm_html_printf(h, "<option value=\"%h\"%r>%h</option>", value, selected ? " selected" : "",
                 label);
}

void cm_html_select_end(cm_html *h, const char *hint_key) {
  cm_html_raw(h, "</select>");
  row_end(h, hint_key);
}

void cm_html_msg(cm_html *h, const char *cls, const char *prefix_key, const char *text) {
  int err = !strcmp(cls, "error");
  cm_html_printf(h, "<p class=\"msg %r\" role=\"%r\">", err ? "error" : "ok",
                 err ? "alert" : "status");
  if (prefix_key) cm_html_word(h, prefix_key);
  cm_html_printf(h, "%h</p>", text);
}

/* ---- the error box ---- */

/* Decode a form-urlencoded part (n bytes) into out (cap bytes, cut). */
static void form_decode(const char *s, size_t n, char *out, size_t cap) {
  size_t o = 0;
  for (size_t i = 0; i < n && o + 1 < cap; i++) {
    char c = s[i];
    if (c == '+') {
      c = ' ';
    } else if (c == '%' && i + 2 < n + 0 && i + 2 <= n - 1 + 0) {
      unsigned v = 0;
      int ok = 1;
      for (int k = 1; k <= 2; k++) {
        char d = s[i + (size_t)k];
        v <<= 4;
        if (d >= '0' && d <= '9') v |= (unsigned)(d - '0');
        else if (d >= 'a' && d <= 'f') v |= (unsigned)(d - 'a' + 10);
        else if (d >= 'A' && d <= 'F') v |= (unsigned)(d - 'A' + 10);
        else ok = 0;
      }
      if (ok) {
        c = (char)v;
        i += 2;
      }
    }
    out[o++] = c;
  }
  out[o] = '\0';
}

/* What a form post carried, field by field, in read-only boxes to copy from;
 * the CSRF token is left out. */
static void kept_input(cm_html *h, const cm_http_req *req) {
  size_t len = 0;
  const uint8_t *body = cm_http_body(req, &len);
  const char *ct = cm_http_header(req, "Content-Type");
  if (!body || !len || !ct || strncmp(ct, "application/x-www-form-urlencoded", 33) != 0) return;
  const char *p = (const char *)body, *end = p + len;
  int any = 0;
  while (p < end && !h->rc) {
    const char *amp = memchr(p, '&', (size_t)(end - p));
    const char *stop = amp ? amp : end;
    const char *eq = memchr(p, '=', (size_t)(stop - p));
    char name[64], value[4096];
    if (eq) {
      form_decode(p, (size_t)(eq - p), name, sizeof name);
      form_decode(eq + 1, (size_t)(stop - eq - 1), value, sizeof value);
      if (strcmp(name, "csrf") != 0 && value[0]) {
        if (!any) cm_html_printf(h, "<div class=\"kept\"><h2>%w</h2>", "err.kept");
        any = 1;
        const char *label = cm_i18n_word(h->lang, "field.", name);
        cm_html_printf(h, "<label>%h<textarea readonly rows=\"2\">%h</textarea></label>", label,
                       value);
      }
    }
    p = stop + 1;
  }
  if (any) cm_html_raw(h, "</div>");
}

void cm_html_error_box(cm_html *h, const cm_http_req *req, const char *why_key,
                       const char *detail, const char *next_key, const char *back_href) {
  cm_html_printf(h, "<section class=\"error-box\"><p class=\"error\" id=\"error\" role=\"alert\">%w",
                 why_key);
  if (detail && *detail) {
    char part[1024];
    cm_i18n_msg_part(h->lang, detail, part, sizeof part);
    /* A detail written only in English (a store's or a library's message) is
     * for the log, not for the Chinese page. */
    int cjk = 0;
    for (const unsigned char *p = (const unsigned char *)part; *p; p++) cjk |= *p >= 0xE3;
    if (h->lang == CM_LANG_EN || cjk) cm_html_printf(h, "<br><small>%h</small>", part);
  }
  cm_html_raw(h, "</p>");
  if (next_key) cm_html_printf(h, "<p class=\"next\">%w</p>", next_key);
  if (back_href) cm_html_printf(h, "<p><a href=\"%h\">%w</a></p>", back_href, "err.back");
  const char *m = req ? cm_http_method(req) : NULL;
  if (m && !strcmp(m, "POST")) kept_input(h, req);
  cm_html_raw(h, "</section>");
}

void cm_html_security_headers(cm_http_resp *resp) {
  cm_http_resp_header(resp, "Content-Security-Policy",
                      "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self'; "
                      "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
                      "base-uri 'none'");
  cm_http_resp_header(resp, "X-Frame-Options", "DENY");
  cm_http_resp_header(resp, "X-Content-Type-Options", "nosniff");
  cm_http_resp_header(resp, "Referrer-Policy", "same-origin");
  cm_http_resp_header(resp, "Cache-Control", "no-store");
}

void cm_html_warnings(cm_html *h, const json_t *warnings) {
  size_t i;
  const json_t *w;
  if (!json_array_size(warnings)) return;
  cm_html_raw(h, "<ul class=\"warnings\">");
  json_array_foreach(warnings, i, w) {
    const char *code = json_string_value(json_object_get(w, "code"));
    const char *field = json_string_value(json_object_get(w, "field"));
    cm_html_printf(h, "<li class=\"warning\" data-warn=\"%h\" data-field=\"%h\">%h%r%h</li>", code,
                   field, cm_i18n_word(h->lang, "field.", field ? field : ""),
                   h->lang == CM_LANG_EN ? ": " : "：", cm_i18n_word(h->lang, "warn.", code ? code : ""));
  }
  cm_html_raw(h, "</ul>");
}
