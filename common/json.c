/* json.c - jansson helpers: strict parsing of untrusted objects and getters
 * whose errors name the field. */
#include "json.h"

#include <string.h>

/* Callback for json_dump_callback: append to a cm_buf. */
static int json_to_buf(const char *buffer, size_t size, void *data) {
  return cm_buf_append(data, buffer, size) == CM_OK ? 0 : -1;
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
