/* personal.c - sealed personal fields (common/personal.h). */
#include "personal.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "../protocol/seal.h"
#include "buf.h"
#include "json.h"

#define B64 sodium_base64_VARIANT_ORIGINAL

/* One box of len bytes of msg to key, as base64 text (new reference). */
static cm_rc seal_one(const uint8_t key[PROTO_KEY_BYTES], const uint8_t *msg, size_t len,
                      json_t **out, cm_err *err) {
  size_t blen = len + PROTO_SEAL_OVERHEAD;
  uint8_t *box = malloc(blen);
  char *b64 = malloc(sodium_base64_ENCODED_LEN(blen, B64));
  cm_rc rc = box && b64 ? CM_OK : cm_errf(err, CM_ERR_NOMEM, "内存不足，无法加密");
  if (!rc) rc = proto_seal(key, msg, len, box, err);
  if (!rc) {
    sodium_bin2base64(b64, sodium_base64_ENCODED_LEN(blen, B64), box, blen, B64);
    *out = json_string(b64);
    if (!*out) rc = cm_errf(err, CM_ERR_NOMEM, "内存不足，无法加密");
  }
  free(box);
  free(b64);
  return rc;
}

cm_rc cm_personal_seal(const json_t *fields, const uint8_t street[PROTO_KEY_BYTES],
                       const uint8_t community[PROTO_KEY_BYTES], json_t **out, cm_err *err) {
  cm_buf b;
  json_t *s = NULL, *c = NULL;
  *out = NULL;
  cm_buf_init(&b, PROTO_SEAL_PLAIN_MAX);
  cm_rc rc = cm_json_dump(fields, &b);
  if (rc == CM_ERR_TOO_LARGE)
    rc = cm_errf(err, rc, "个人信息过长（最多%u字节）", PROTO_SEAL_PLAIN_MAX);
  else if (rc)
    rc = cm_errf(err, rc, "cannot serialise personal fields");
  if (!rc && street) rc = seal_one(street, b.p, b.len, &s, err);
  if (!rc) rc = seal_one(community, b.p, b.len, &c, err);
  if (!rc)
    *out = street ? json_pack("{s:O,s:O}", "street", s, "community", c)
                  : json_pack("{s:O}", "community", c);
  if (!rc && !*out) rc = cm_errf(err, CM_ERR_NOMEM, "内存不足，无法加密");
  if (b.p) sodium_memzero(b.p, b.cap);
  cm_buf_free(&b);
  json_decref(s);
  json_decref(c);
  return rc;
}

/* The bytes of a base64 box into *box_out (caller frees), or an error. */
static cm_rc decode(const json_t *v, uint8_t **box_out, size_t *len_out, cm_err *err) {
  const char *t = json_string_value(v);
  size_t tl = json_string_length(v), n = 0;
  *box_out = NULL;
  if (!t || tl == 0 || tl > CM_PERSONAL_B64_MAX)
    return cm_errf(err, CM_ERR_INVALID, "「密封的个人信息」应为不超过%d字节的base64文字",
                   CM_PERSONAL_B64_MAX);
  uint8_t *box = malloc(tl);
  if (!box) return cm_errf(err, CM_ERR_NOMEM, "内存不足");
  if (sodium_base642bin(box, tl, t, tl, NULL, &n, NULL, B64) != 0 || n < PROTO_SEAL_OVERHEAD ||
      n - PROTO_SEAL_OVERHEAD > PROTO_SEAL_PLAIN_MAX ||
      tl != sodium_base64_ENCODED_LEN(n, B64) - 1) {
    free(box);
    return cm_errf(err, CM_ERR_INVALID, "「密封的个人信息」不是有效的密封数据");
  }
  *box_out = box;
  *len_out = n;
  return CM_OK;
}

cm_rc cm_personal_check(const json_t *v, int with_street, cm_err *err) {
  static const char *const keys[] = {"community", "street"};
  size_t n = json_object_size(v), boxes = json_object_get(v, "street") ? 2 : 1;
  if (!json_is_object(v) || !json_object_get(v, "community") || n != boxes ||
      (with_street && n != 2))
    return cm_errf(err, CM_ERR_INVALID, with_street ? "「密封的个人信息」应含街道和社区两份"
                                                    : "「密封的个人信息」应含社区的一份");
  for (size_t i = 0; i < n; i++) {
    uint8_t *box = NULL;
    size_t len = 0;
    cm_rc rc = decode(json_object_get(v, keys[i]), &box, &len, err);
    free(box);
    if (rc) return rc;
  }
  return CM_OK;
}

int cm_personal_street_reads(const char *kind) {
  return kind && strcmp(kind, "roster.entry") == 0;
}

cm_rc cm_personal_open(const json_t *sealed, const char *which, const proto_keypair *kp,
                       json_t **out, cm_err *err) {
  uint8_t *box = NULL, *plain = NULL;
  size_t n = 0, pn = 0;
  *out = NULL;
  cm_rc rc = decode(json_object_get(sealed, which), &box, &n, err);
  if (!rc) {
    plain = malloc(n - PROTO_SEAL_OVERHEAD + 1);
    if (!plain) rc = cm_errf(err, CM_ERR_NOMEM, "内存不足");
  }
  if (!rc) rc = proto_seal_open(kp, box, n, plain, &pn, err);
  if (!rc && cm_json_parse_object(plain, pn, out, NULL) != CM_OK)
    rc = cm_errf(err, CM_ERR_INVALID, "密封的个人信息不是有效的JSON对象");
  if (plain) sodium_memzero(plain, n - PROTO_SEAL_OVERHEAD + 1);
  free(plain);
  free(box);
  return rc;
}
