/* json.h - thin helpers over jansson: bounded parsing of untrusted input and
 * field getters that say which field is wrong. */
#ifndef LINLI_COMMON_JSON_H
#define LINLI_COMMON_JSON_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "rc.h"

/* Parse len bytes that must hold one JSON object (no trailing data, no NUL).
 * CM_ERR_JSON with the position on failure.  Caller json_decref()s *out. */
cm_rc cm_json_parse_object(const uint8_t *buf, size_t len, json_t **out, cm_err *err);

/* Compact serialisation with keys in insertion order, UTF-8 kept as is
 * (JSON_COMPACT | JSON_PRESERVE_ORDER); appends to b. */
cm_rc cm_json_dump(const json_t *j, cm_buf *b);

/* The same bytes as cm_json_dump, written without jansson's per-character
 * work: for large answers (the dashboard's run to hundreds of kilobytes of
 * Chinese text, which jansson writes at about 130 instructions a byte) and
 * every JSON answer the HTTP server sends (cm_http_resp_json).
 * Reals are written by jansson itself.  CM_ERR_INVALID when the tree holds a
 * string that is not UTF-8 or nests deeper than 1,000 (jansson refuses the
 * first; ours never build the second); b is unchanged on failure. */
cm_rc cm_json_write(const json_t *j, cm_buf *b);

/* 1 when s (n bytes) is UTF-8 as jansson accepts it: no overlong forms, no
 * surrogates, nothing above U+10FFFF. */
int cm_utf8_valid(const uint8_t *s, size_t n);

/* A strict scanner of the compact form this program writes (no spaces, no
 * escapes): each reads one token at p and moves past it, or declines (NULL,
 * 0) and leaves p.  The caller falls back to jansson for what it declines.
 * cm_json_scan_string: a string with no escape and no control character,
 * its bytes (*n of them, not NUL-terminated; UTF-8 is the caller's to
 * check).  cm_json_scan_int: 1 to 18 digits, no leading zero, not minus
 * zero, no fraction or exponent after it.  cm_json_scan_word: the literal w
 * (true, false, null). */
typedef struct cm_json_scan {
  const uint8_t *p, *end;
} cm_json_scan;
const uint8_t *cm_json_scan_string(cm_json_scan *s, size_t *n);
int cm_json_scan_int(cm_json_scan *s, int64_t *v);
int cm_json_scan_word(cm_json_scan *s, const char *w);

/* Getters: CM_ERR_JSON "field 'x' missing / not a string" unless optional and
 * absent (then *out is left alone and CM_OK is returned). */
cm_rc cm_json_str(const json_t *obj, const char *key, int optional, const char **out, cm_err *err);
cm_rc cm_json_int(const json_t *obj, const char *key, int optional, int64_t *out, cm_err *err);
cm_rc cm_json_bool(const json_t *obj, const char *key, int optional, int *out, cm_err *err);

/* A count of a record (docs/records.md): absent is 0, present must be a
 * non-negative integer.  1 when it is well-formed (*out set), 0 when not
 * (*out 0). */
int cm_json_count(const json_t *obj, const char *key, int64_t *out);

#endif
