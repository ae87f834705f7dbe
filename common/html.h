/* html.h - the one HTML writer of both programs' pages.  Escaping is part of
 * the format, as in Fossil's %h: cm_html_printf(h, "<td>%h</td>", name) escapes
 * the name, and markup the page wrote itself needs the explicit %r ("raw"), so
 * an unescaped value is the visible exception.  A plain %s is refused.
 *
 * Also here, because every page needs them alike: the form fields that keep
 * what was typed, times as "2026-12-03 23:40", the security headers, and the
 * error box that says what to do next. */
#ifndef LINLI_COMMON_HTML_H
#define LINLI_COMMON_HTML_H

/* The attributes of an amount-in-yuan field (up to two decimals: the domain
 * core reads at most 16 characters), on the node's forms and the hub's. */
#define CM_HTML_YUAN_ATTR "maxlength=\"16\" inputmode=\"decimal\""

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "http_server.h"
#include "i18n.h"
#include "rc.h"

/* A page being written.  Errors are sticky: after the first failure (page over
 * its cap, out of memory, a bad directive) nothing more is appended and rc says
 * why. */
typedef struct cm_html {
  cm_buf out;
  cm_rc rc;
  cm_lang lang; /* the language of cm_html_word and the widgets' labels */
} cm_html;

/* Start empty with a cap of max bytes.  No allocation yet. */
void cm_html_init(cm_html *h, size_t max, cm_lang lang);
/* Drop what was written (keeps lang, clears rc). */
void cm_html_reset(cm_html *h);
/* Free the page; the writer can be used again after cm_html_init. */
void cm_html_free(cm_html *h);
/* The page so far, NUL-terminated ("" when empty). */
const char *cm_html_str(const cm_html *h);

/* Formatted output.  Directives:
 *   %h  string, HTML-escaped (& < > " ') - every value from a person or a store
 *   %r  string as is - markup and literals the page wrote itself
 *   %U  string percent-encoded for a URL path segment or query value
 *   %w  word key of the glossary (common/i18n), translated and escaped
 *   %d %u %ld %lu %lld %llu %zu  numbers;  %%  a percent sign
 * A precision (%.16h) cuts a string to at most that many bytes, on a UTF-8
 * character boundary.  NULL strings write nothing.  Anything else (%s, %x)
 * sets rc to CM_ERR_INVALID. */
void cm_html_printf(cm_html *h, const char *fmt, ...);
void cm_html_vprintf(cm_html *h, const char *fmt, va_list ap);

/* Shorthands: s as is, escaped, percent-encoded, a glossary word escaped. */
void cm_html_raw(cm_html *h, const char *s);
void cm_html_esc(cm_html *h, const char *s);
void cm_html_url(cm_html *h, const char *s);
void cm_html_word(cm_html *h, const char *key);

/* A time as people read it: "2026-12-03 23:40" (Asia/Shanghai); "-" for 0.
 * Inside <span class="nw"> (common.css): a time never breaks across lines. */
void cm_html_time(cm_html *h, uint64_t t_ms);
/* An ISO time from a record ("2026-12-03T23:40:01+08:00") the same way;
 * a date alone ("2026-12-03") or a month stays as it is (also unbroken). */
void cm_html_iso(cm_html *h, const char *iso);
/* The same into out (at least 17 bytes). */
void cm_html_iso_text(const char *iso, char *out, size_t cap);

/* The <head> links every page has: the shared stylesheet (common/assets/
 * common.css), then the program's own style.css and app.js. */
void cm_html_head_assets(cm_html *h);

/* Form rows: a label (glossary key, translated) and the field, which keeps
 * value as typed, escaped.  attrs are trusted extra attributes or NULL;
 * hint_key may be NULL.  Textareas carry maxlength (characters) so the browser
 * stops an over-long text before it is sent. */
void cm_html_input(cm_html *h, const char *type, const char *name, const char *label_key,
                   const char *value, int required, const char *attrs, const char *hint_key);
void cm_html_textarea(cm_html *h, const char *name, const char *label_key, const char *value,
                      int required, unsigned maxlength, const char *hint_key);
void cm_html_select_begin(cm_html *h, const char *name, const char *label_key, int required);
void cm_html_option(cm_html *h, const char *value, const char *label, int selected);
void cm_html_select_end(cm_html *h, const char *hint_key);

/* The reviewer warnings of one record (the array of common/warnings.h) as a
 * list: <ul class="warnings"><li data-warn="phone">联系电话：不像中国的电话号码</li>...;
 * nothing for an empty or NULL array. */
struct json_t;
void cm_html_warnings(cm_html *h, const struct json_t *warnings);

/* A message box: cls "ok" or "error"; prefix_key translated (or NULL), text
 * escaped. */
void cm_html_msg(cm_html *h, const char *cls, const char *prefix_key, const char *text);

/* The error box of every page: what went wrong (why_key, a glossary word),
 * the detail (escaped, may be NULL; its language half, and in the Chinese view
 * only when it has Chinese in it), what to do next (next_key, may be NULL) and
 * a link back (href, trusted local path, may be NULL).  When the request was a
 * form post, what was typed is shown under it, so that nothing a person wrote
 * is lost even where the form itself cannot be shown again. */
void cm_html_error_box(cm_html *h, const cm_http_req *req, const char *why_key,
                       const char *detail, const char *next_key, const char *back_href);

/* The response headers of every page: a CSP allowing only this origin's
 * scripts and styles, no framing, no sniffing, same-origin referrers, no
 * caching. */
void cm_html_security_headers(cm_http_resp *resp);

#endif
