/* json.c - jansson helpers: strict parsing of untrusted objects and getters
 * whose errors name the field. */
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
  j = json_loadb((const char *)buf, len, JSON_REJECT_DUPLICATES, &je);
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
