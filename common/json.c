/* json.c - jansson helpers: strict parsing of untrusted objects (the compact
 * form by a scanner of our own, the rest by jansson), writing jansson's bytes
 * faster, and getters whose errors name the field. */
#include "json.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Callback for json_dump_callback: append to a cm_buf. */
static int json_to_buf(const char *buffer, size_t size, void *data) {
  return cm_buf_append(data, buffer, size) == CM_OK ? 0 : -1;
}

/* 1 when s (n bytes) is UTF-8 as jansson accepts it: no overlong forms, no
 * surrogates, nothing above U+10FFFF.  Runs of ASCII are checked eight bytes
 * at a time and the three-byte form (every Chinese character) has a path of
 * its own: what we check is mostly Chinese text. */
int cm_utf8_valid(const uint8_t *s, size_t n) {
  size_t i = 0;
  while (i < n) {
    uint8_t c = s[i];
    if (c < 0x80) {
      uint64_t w;
      i++;
      while (n - i >= 8) {
        memcpy(&w, s + i, 8);
        if (w & UINT64_C(0x8080808080808080)) break;
        i += 8;
      }
      continue;
    }
    if ((c & 0xf0) == 0xe0) {
      if (n - i < 3) return 0;
      uint8_t b1 = s[i + 1], b2 = s[i + 2];
      if ((b1 & 0xc0) != 0x80 || (b2 & 0xc0) != 0x80) return 0;
      if (c == 0xe0 && b1 < 0xa0) return 0;  /* overlong */
      if (c == 0xed && b1 >= 0xa0) return 0; /* a surrogate */
      i += 3;
      continue;
    }
    size_t k;
    uint32_t v;
    if (c >= 0xc2 && c <= 0xdf) {
      k = 1;
      v = c & 0x1fu;
    } else if (c >= 0xf0 && c <= 0xf4) {
      k = 3;
      v = c & 0x07u;
    } else {
      return 0;
    }
    if (n - i <= k) return 0;
    for (size_t j = 1; j <= k; j++) {
      if ((s[i + j] & 0xc0) != 0x80) return 0;
      v = (v << 6) | (s[i + j] & 0x3fu);
    }
    if (k == 3 && (v < 0x10000 || v > 0x10ffff)) return 0;
    i += k + 1;
  }
  return 1;
}

/* ---- the compact form, read without jansson's lexer ----
 * What this program writes (cm_json_dump: no spaces, strings without escapes
 * save for the few that need them, integers) is read by a strict scanner
 * that builds the same tree jansson's json_loadb builds; anything else (a
 * space, an escape, a real, a duplicate key, a deep nesting, an error) makes
 * it decline, and jansson reads the input instead.  jansson's lexer costs
 * about 100 instructions a byte: a filing's body took 60,000. */

#define FAST_DEPTH_MAX 32
#define FAST_KEY_MAX 256

static json_t *fast_value(cm_json_scan *f, int depth);

const uint8_t *cm_json_scan_string(cm_json_scan *f, size_t *n) {
  if (f->p >= f->end || *f->p != '"') return NULL;
  const uint8_t *q = f->p + 1;
  while (q < f->end && *q != '"') {
    if (*q == '\\' || *q < 0x20) return NULL;
    q++;
  }
  if (q >= f->end) return NULL;
  const uint8_t *s = f->p + 1;
  *n = (size_t)(q - s);
  f->p = q + 1;
  return s;
}

int cm_json_scan_int(cm_json_scan *f, int64_t *v) {
  const uint8_t *q = f->p;
  int neg = 0, digits = 0;
  int64_t acc = 0;
  if (q < f->end && *q == '-') {
    neg = 1;
    q++;
  }
  if (q >= f->end || *q < '0' || *q > '9') return 0;
  if (*q == '0' && (neg || (q + 1 < f->end && q[1] >= '0' && q[1] <= '9'))) return 0;
  while (q < f->end && *q >= '0' && *q <= '9') {
    if (++digits > 18) return 0;
    acc = acc * 10 + (*q - '0');
    q++;
  }
  if (q < f->end && (*q == '.' || *q == 'e' || *q == 'E')) return 0;
  *v = neg ? -acc : acc;
  f->p = q;
  return 1;
}

int cm_json_scan_word(cm_json_scan *f, const char *w) {
  size_t n = strlen(w);
  if ((size_t)(f->end - f->p) < n || memcmp(f->p, w, n) != 0) return 0;
  f->p += n;
  return 1;
}

/* Past the opening bracket: 1 when close follows at once (moved past it). */
static int fast_empty(cm_json_scan *f, char close) {
  f->p++;
  if (f->p < f->end && *f->p == close) {
    f->p++;
    return 1;
  }
  return 0;
}

/* After a member or an element: 1 at ',' (another follows), 0 at close
 * (the container ends), -1 otherwise; moves past either. */
static int fast_next(cm_json_scan *f, char close) {
  if (f->p >= f->end) return -1;
  char c = (char)*f->p++;
  return c == ',' ? 1 : c == close ? 0 : -1;
}

static json_t *fast_object(cm_json_scan *f, int depth) {
  json_t *o = json_object();
  char key[FAST_KEY_MAX];
  if (!o) return NULL;
  if (fast_empty(f, '}')) return o;
  for (;;) {
    size_t kn = 0;
    const uint8_t *k = cm_json_scan_string(f, &kn);
    if (!k || kn >= sizeof key || f->p >= f->end || *f->p++ != ':') break;
    memcpy(key, k, kn);
    key[kn] = '\0';
    json_t *v = fast_value(f, depth + 1);
    size_t had = json_object_size(o);
    if (!v || json_object_set_new_nocheck(o, key, v)) break;
    if (json_object_size(o) == had) break; /* a duplicate replaced a value: refused */
    int more = fast_next(f, '}');
    if (more == 0) return o;
    if (more < 0) break;
  }
  json_decref(o);
  return NULL;
}

static json_t *fast_array(cm_json_scan *f, int depth) {
  json_t *a = json_array();
  if (!a) return NULL;
  if (fast_empty(f, ']')) return a;
  for (;;) {
    json_t *v = fast_value(f, depth + 1);
    if (!v || json_array_append_new(a, v)) break;
    int more = fast_next(f, ']');
    if (more == 0) return a;
    if (more < 0) break;
  }
  json_decref(a);
  return NULL;
}

static json_t *fast_value(cm_json_scan *f, int depth) {
  size_t n = 0;
  if (depth > FAST_DEPTH_MAX || f->p >= f->end) return NULL;
  switch (*f->p) {
  case '{': return fast_object(f, depth);
  case '[': return fast_array(f, depth);
  case '"': {
    const uint8_t *s = cm_json_scan_string(f, &n);
    return s ? json_stringn_nocheck((const char *)s, n) : NULL;
  }
  case 't': return cm_json_scan_word(f, "true") ? json_true() : NULL;
  case 'f': return cm_json_scan_word(f, "false") ? json_false() : NULL;
  case 'n': return cm_json_scan_word(f, "null") ? json_null() : NULL;
  default: {
    int64_t v = 0;
    return cm_json_scan_int(f, &v) ? json_integer(v) : NULL;
  }
  }
}

/* The object buf holds in the compact form (UTF-8 checked here: the
 * strings go in unchecked), or NULL when the scanner declines. */
static json_t *fast_object_of(const uint8_t *buf, size_t len) {
  cm_json_scan f = {buf, buf + len};
  if (!len || buf[0] != '{' || !cm_utf8_valid(buf, len)) return NULL;
  json_t *j = fast_object(&f, 0);
  if (j && f.p != f.end) {
    json_decref(j);
    j = NULL;
  }
  return j;
}

/* Parse one object filling buf exactly.  Duplicate keys are refused: two
 * readers could otherwise see different values for the same field. */
cm_rc cm_json_parse_object(const uint8_t *buf, size_t len, json_t **out, cm_err *err) {
  json_error_t je;
  json_t *j = NULL;
  cm_rc rc = CM_OK;

  if (out) *out = NULL;
  if (!out || (!buf && len)) return cm_errf(err, CM_ERR_INVALID, "JSON：没有内容");
  if (len == 0) return cm_errf(err, CM_ERR_JSON, "JSON：内容为空，应为对象");
  const void *nul = memchr(buf, 0, len);
  if (nul) {
    rc = cm_errf(err, CM_ERR_JSON, "JSON：第 %zu 个字节是 NUL",
                 (size_t)((const uint8_t *)nul - buf));
    goto out;
  }
  j = fast_object_of(buf, len);
  if (!j) j = json_loadb((const char *)buf, len, JSON_REJECT_DUPLICATES, &je);
  if (!j) {
    rc = cm_errf(err, CM_ERR_JSON, "JSON：%s，在第 %d 行第 %d 列（第 %d 个字节）", je.text, je.line,
                 je.column, je.position);
    goto out;
  }
  if (!json_is_object(j)) {
    rc = cm_errf(err, CM_ERR_JSON, "JSON：应为对象");
    goto out;
  }
  *out = j;
  j = NULL;
out:
  json_decref(j);
  return rc;
}

/* Compact, insertion order, UTF-8 as is. */
cm_rc cm_json_dump(const json_t *j, cm_buf *b) {
  if (!j || !b) return CM_ERR_INVALID;
  size_t before = b->len;
  if (json_dump_callback(j, json_to_buf, b, JSON_COMPACT | JSON_PRESERVE_ORDER) != 0) {
    /* Undo a partial dump so the buffer is unchanged on failure. */
    b->len = before;
    if (b->p) b->p[before] = '\0';
    return CM_ERR_TOO_LARGE;
  }
  return CM_OK;
}

/* ---- cm_json_write: cm_json_dump's bytes, faster ---- */

#define WRITE_DEPTH_MAX 1000

/* One byte (punctuation between values). */
static cm_rc put1(cm_buf *b, char c) {
  if (b->len + 1 >= b->cap) {
    cm_rc rc = cm_buf_reserve(b, 1);
    if (rc) return rc;
  }
  b->p[b->len++] = (uint8_t)c;
  b->p[b->len] = '\0';
  return CM_OK;
}

/* 1 when one of the eight bytes at p is a control character, '"' or '\\'
 * (the bytes a JSON string escapes): the zero-byte tests of word-at-a-time
 * string code, exact for these values. */
static int escape8(const unsigned char *p) {
  const uint64_t ones = UINT64_C(0x0101010101010101), highs = UINT64_C(0x8080808080808080);
  uint64_t w, q, s;
  memcpy(&w, p, 8);
  q = w ^ (ones * '"');
  s = w ^ (ones * '\\');
  return (((w - ones * 0x20) & ~w) | ((q - ones) & ~q) | ((s - ones) & ~s)) & highs ? 1 : 0;
}

/* s (n bytes, UTF-8) as a JSON string, escaped as jansson escapes it: the
 * two-character forms for \\ \" \b \f \n \r \t, \u00XX (upper-case hex)
 * for the other control characters, everything else as it is.  Room for the
 * longest escaping is made once, and the runs between escapes copied whole. */
static cm_rc write_string(cm_buf *b, const char *s, size_t n) {
  static const char hex[] = "0123456789ABCDEF";
  const unsigned char *p = (const unsigned char *)s, *end = p + n;
  if (!cm_utf8_valid(p, n)) return CM_ERR_INVALID;
  if (n > (SIZE_MAX - 2) / 6) return CM_ERR_TOO_LARGE;
  cm_rc rc = cm_buf_reserve(b, n * 6 + 2);
  if (rc) return rc;
  uint8_t *o = b->p + b->len;
  *o++ = '"';
  while (p < end) {
    const unsigned char *run = p;
    for (;;) { /* to the next byte to escape, eight at a time where none is */
      while (end - p >= 8 && !escape8(p)) p += 8;
      if (p == end || *p < 0x20 || *p == '"' || *p == '\\') break;
      p++;
    }
    if (p > run) {
      memcpy(o, run, (size_t)(p - run));
      o += p - run;
    }
    if (p == end) break;
    *o++ = '\\';
    switch (*p) {
    case '"': *o++ = '"'; break;
    case '\\': *o++ = '\\'; break;
    case '\b': *o++ = 'b'; break;
    case '\f': *o++ = 'f'; break;
    case '\n': *o++ = 'n'; break;
    case '\r': *o++ = 'r'; break;
    case '\t': *o++ = 't'; break;
    default:
      *o++ = 'u';
      *o++ = '0';
      *o++ = '0';
      *o++ = (uint8_t)hex[*p >> 4];
      *o++ = (uint8_t)hex[*p & 15];
    }
    p++;
  }
  *o++ = '"';
  b->len = (size_t)(o - b->p);
  b->p[b->len] = '\0';
  return CM_OK;
}

static cm_rc write_value(cm_buf *b, const json_t *j, int depth) {
  char num[24];
  if (depth > WRITE_DEPTH_MAX) return CM_ERR_INVALID;
  switch (json_typeof(j)) {
  case JSON_OBJECT: {
    const char *key;
    const json_t *v;
    int first = 1;
    cm_rc rc = put1(b, '{');
    json_object_foreach((json_t *)j, key, v) {
      if (!rc && !first) rc = put1(b, ',');
      first = 0;
      if (!rc) rc = write_string(b, key, strlen(key));
      if (!rc) rc = put1(b, ':');
      if (!rc) rc = write_value(b, v, depth + 1);
      if (rc) return rc;
    }
    return rc ? rc : put1(b, '}');
  }
  case JSON_ARRAY: {
    cm_rc rc = put1(b, '[');
    for (size_t i = 0, n = json_array_size(j); !rc && i < n; i++) {
      if (i) rc = put1(b, ',');
      if (!rc) rc = write_value(b, json_array_get(j, i), depth + 1);
    }
    return rc ? rc : put1(b, ']');
  }
  case JSON_STRING:
    return write_string(b, json_string_value(j), json_string_length(j));
  case JSON_INTEGER: {
    int n = snprintf(num, sizeof num, "%" JSON_INTEGER_FORMAT, json_integer_value(j));
    return cm_buf_append(b, num, (size_t)n);
  }
  case JSON_REAL: { /* jansson's own digits */
    char *t = json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY);
    cm_rc rc = t ? cm_buf_append(b, t, strlen(t)) : CM_ERR_NOMEM;
    free(t);
    return rc;
  }
  case JSON_TRUE:
    return cm_buf_append(b, "true", 4);
  case JSON_FALSE:
    return cm_buf_append(b, "false", 5);
  case JSON_NULL:
    return cm_buf_append(b, "null", 4);
  }
  return CM_ERR_INVALID;
}

cm_rc cm_json_write(const json_t *j, cm_buf *b) {
  if (!j || !b) return CM_ERR_INVALID;
  size_t before = b->len;
  cm_rc rc = write_value(b, j, 0);
  if (rc) {
    b->len = before;
    if (b->p) b->p[before] = '\0';
  }
  return rc;
}

/* Look key up; CM_ERR_JSON when missing (or null) and not optional.  *v_out
 * is NULL when an optional field is absent. */
static cm_rc json_field(const json_t *obj, const char *key, int optional, json_t **v_out,
                        cm_err *err) {
  *v_out = NULL;
  if (!json_is_object(obj)) return cm_errf(err, CM_ERR_JSON, "“%s”附近应为对象", key);
  json_t *v = json_object_get(obj, key);
  if (!v || json_is_null(v)) {
    if (optional) return CM_OK;
    return cm_errf(err, CM_ERR_JSON, "缺少“%s”", key);
  }
  *v_out = v;
  return CM_OK;
}

/* String field; the pointer stays valid while obj lives. */
cm_rc cm_json_str(const json_t *obj, const char *key, int optional, const char **out, cm_err *err) {
  json_t *v;
  cm_rc rc = json_field(obj, key, optional, &v, err);
  if (rc || !v) return rc;
  if (!json_is_string(v)) return cm_errf(err, CM_ERR_JSON, "“%s”应为文字", key);
  /* Embedded NULs (only possible with JSON_ALLOW_NUL) would truncate silently. */
  if (strlen(json_string_value(v)) != json_string_length(v))
    return cm_errf(err, CM_ERR_JSON, "“%s”含有 NUL 字符", key);
  *out = json_string_value(v);
  return CM_OK;
}

/* Integer field (a JSON number without fraction or exponent). */
cm_rc cm_json_int(const json_t *obj, const char *key, int optional, int64_t *out, cm_err *err) {
  json_t *v;
  cm_rc rc = json_field(obj, key, optional, &v, err);
  if (rc || !v) return rc;
  if (!json_is_integer(v)) return cm_errf(err, CM_ERR_JSON, "“%s”应为整数", key);
  *out = (int64_t)json_integer_value(v);
  return CM_OK;
}

/* Boolean field, as 0 or 1. */
cm_rc cm_json_bool(const json_t *obj, const char *key, int optional, int *out, cm_err *err) {
  json_t *v;
  cm_rc rc = json_field(obj, key, optional, &v, err);
  if (rc || !v) return rc;
  if (!json_is_boolean(v)) return cm_errf(err, CM_ERR_JSON, "“%s”应为 true 或 false", key);
  *out = json_is_true(v) ? 1 : 0;
  return CM_OK;
}

int cm_json_count(const json_t *obj, const char *key, int64_t *out) {
  json_t *v = json_object_get(obj, key);
  *out = 0;
  if (!v) return 1;
  if (!json_is_integer(v) || json_integer_value(v) < 0) return 0;
  *out = json_integer_value(v);
  return 1;
}
