/* buf.c - growable byte buffer with a hard cap. */
#include "buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Start empty with a hard limit. */
void cm_buf_init(cm_buf *b, size_t max) {
  b->p = NULL;
  b->len = 0;
  b->cap = 0;
  b->max = max;
}

/* Make room for need more bytes plus the NUL. */
static cm_rc buf_reserve(cm_buf *b, size_t need) {
  if (need > b->max - b->len) return CM_ERR_TOO_LARGE;
  size_t want = b->len + need + 1;
  if (want <= b->cap) return CM_OK;
  size_t ncap = b->cap ? b->cap : 64;
  while (ncap < want) {
    if (ncap > SIZE_MAX / 2) {
      ncap = want;
      break;
    }
    ncap *= 2;
  }
  /* Never allocate far beyond the cap just because of doubling. */
  if (ncap > b->max + 1) ncap = b->max + 1;
  if (ncap < want) ncap = want;
  uint8_t *np = realloc(b->p, ncap);
  if (!np) return CM_ERR_NOMEM;
  b->p = np;
  b->cap = ncap;
  return CM_OK;
}

cm_rc cm_buf_reserve(cm_buf *b, size_t need) {
  return buf_reserve(b, need);
}

/* Append len bytes; the buffer is unchanged on failure. */
cm_rc cm_buf_append(cm_buf *b, const void *data, size_t len) {
  cm_rc rc = buf_reserve(b, len);
  if (rc) return rc;
  if (len) memcpy(b->p + b->len, data, len);
  b->len += len;
  b->p[b->len] = '\0';
  return CM_OK;
}

/* Append printf-style text; the buffer is unchanged on failure. */
cm_rc cm_buf_appendf(cm_buf *b, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  if (n < 0) return CM_ERR_INVALID;
  cm_rc rc = buf_reserve(b, (size_t)n);
  if (rc) return rc;
  va_start(ap, fmt);
  vsnprintf((char *)b->p + b->len, (size_t)n + 1, fmt, ap);
  va_end(ap);
  b->len += (size_t)n;
  return CM_OK;
}

/* Empty, keeping the allocation. */
void cm_buf_reset(cm_buf *b) {
  b->len = 0;
  if (b->p) b->p[0] = '\0';
}

/* Hand the data to the caller.  An empty buffer still yields a valid
 * allocation (an empty string) so that callers can free() unconditionally. */
uint8_t *cm_buf_take(cm_buf *b, size_t *len_out) {
  uint8_t *p = b->p;
  if (!p) p = calloc(1, 1);
  if (len_out) *len_out = p ? b->len : 0;
  b->p = NULL;
  b->len = 0;
  b->cap = 0;
  return p;
}

/* Free the data; max is kept so the buffer can be reused. */
void cm_buf_free(cm_buf *b) {
  if (!b) return;
  free(b->p);
  b->p = NULL;
  b->len = 0;
  b->cap = 0;
}
