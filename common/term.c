/* term.c - visible escapes for what a terminal would act on (term.h). */
#include "term.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>

#define TERM_LINE_MAX (1u << 20) /* one printf's output */

/* Length of the UTF-8 sequence at p (1..4) and its code point, or 0 when the
 * bytes there are not well-formed UTF-8 (overlong, surrogate, past U+10FFFF,
 * cut short). */
static size_t utf8_seq(const uint8_t *p, size_t left, uint32_t *cp) {
  uint8_t c = p[0];
  size_t n;
  uint32_t v, min;
  if (c < 0x80) {
    *cp = c;
    return 1;
  } else if (c >= 0xc2 && c <= 0xdf) {
    n = 2, v = c & 0x1fu, min = 0x80;
  } else if (c >= 0xe0 && c <= 0xef) {
    n = 3, v = c & 0x0fu, min = 0x800;
  } else if (c >= 0xf0 && c <= 0xf4) {
    n = 4, v = c & 0x07u, min = 0x10000;
  } else {
    return 0;
  }
  if (left < n) return 0;
  for (size_t i = 1; i < n; i++) {
    if ((p[i] & 0xc0) != 0x80) return 0;
    v = (v << 6) | (p[i] & 0x3fu);
  }
  if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff)) return 0;
  *cp = v;
  return n;
}

/* Code points a terminal or a reader could be fooled by. */
static int unsafe_cp(uint32_t cp) {
  if (cp < 0x20) return cp != '\n' && cp != '\t';
  if (cp >= 0x7f && cp <= 0x9f) return 1;               /* DEL and the C1 controls */
  if (cp == 0x061c || cp == 0x200e || cp == 0x200f) return 1; /* direction marks */
  if (cp >= 0x202a && cp <= 0x202e) return 1;           /* embeddings, overrides */
  if (cp >= 0x2066 && cp <= 0x2069) return 1;           /* isolates */
  return 0;
}

cm_rc cm_term_clean(const char *s, size_t len, cm_buf *out) {
  const uint8_t *p = (const uint8_t *)s;
  size_t i = 0;
  cm_rc rc = CM_OK;
  while (i < len && !rc) {
    uint32_t cp = 0;
    size_t n = utf8_seq(p + i, len - i, &cp);
    if (n == 0) {
      rc = cm_buf_appendf(out, "\\x%02x", p[i]);
      i++;
    } else if (unsafe_cp(cp)) {
      rc = cp < 0x80 ? cm_buf_appendf(out, "\\x%02x", (unsigned)cp)
                     : cm_buf_appendf(out, "\\u%04x", (unsigned)cp);
      i += n;
    } else {
      rc = cm_buf_append(out, p + i, n);
      i += n;
    }
  }
  return rc;
}

static int term_vfprintf(FILE *f, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
static int term_vfprintf(FILE *f, const char *fmt, va_list ap) {
  char small[1024];
  va_list ap2;
  va_copy(ap2, ap);
  int n = vsnprintf(small, sizeof small, fmt, ap);
  char *text = small;
  if (n < 0) {
    va_end(ap2);
    return n;
  }
  if ((size_t)n >= sizeof small) {
    text = malloc((size_t)n + 1);
    if (!text) {
      va_end(ap2);
      return -1;
    }
    vsnprintf(text, (size_t)n + 1, fmt, ap2);
  }
  va_end(ap2);
  cm_buf b;
  cm_buf_init(&b, TERM_LINE_MAX * 4);
  int ret = -1;
  if (cm_term_clean(text, (size_t)n, &b) == CM_OK) {
    ret = (int)b.len;
    if (b.len && fwrite(b.p, 1, b.len, f) != b.len) ret = -1;
  }
  cm_buf_free(&b);
  if (text != small) free(text);
  return ret;
}

int cm_term_printf(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = term_vfprintf(stdout, fmt, ap);
  va_end(ap);
  return n;
}

int cm_term_fprintf(FILE *f, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = term_vfprintf(f, fmt, ap);
  va_end(ap);
  return n;
}
