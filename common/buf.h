/* buf.h - a growable byte buffer with a hard cap (curl's dynbuf): every buffer
 * that grows from input has a maximum. */
#ifndef LINLI_COMMON_BUF_H
#define LINLI_COMMON_BUF_H

#include <stddef.h>
#include <stdint.h>

#include "rc.h"

typedef struct cm_buf {
  uint8_t *p;    /* data (NUL-terminated after every append, not counted in len) */
  size_t len;
  size_t cap;    /* allocated */
  size_t max;    /* hard limit on len */
} cm_buf;

/* Start empty with a hard limit of max bytes.  No allocation yet. */
void cm_buf_init(cm_buf *b, size_t max);

/* Make room for need more bytes (and the NUL) without writing them, for a
 * writer that fills b->p + b->len itself and then moves len (keeping the NUL
 * after it); CM_ERR_TOO_LARGE past max, CM_ERR_NOMEM. */
cm_rc cm_buf_reserve(cm_buf *b, size_t need);

/* Append; CM_ERR_TOO_LARGE past max (buffer unchanged), CM_ERR_NOMEM. */
cm_rc cm_buf_append(cm_buf *b, const void *data, size_t len);
cm_rc cm_buf_appendf(cm_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Empty it, keeping the allocation. */
void cm_buf_reset(cm_buf *b);

/* Give the data to the caller (who frees it) and empty the buffer. */
uint8_t *cm_buf_take(cm_buf *b, size_t *len_out);

/* Free the data; the buffer can be used again. */
void cm_buf_free(cm_buf *b);

#endif
