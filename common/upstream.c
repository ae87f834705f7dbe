/* upstream.c - the client half of the HTTP exchange (docs/protocol.md), used by
 * the node's sync and by a street hub forwarding to its district.  Every
 * receipt in an answer is verified against the pinned hub key before the
 * caller sees it. */
#include "upstream.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec.h"
#include "json.h"

#define UP_URL_MAX 2048
#define UP_JSON_MAX (8u << 20) /* JSON answers: receipts and errors are small */
#define UP_MAX_RECEIPTS 10000u /* one per author; a bundle holds at most this many */
#define UP_LOG_MAX (65u << 20) /* a log answer: 64 MiB of changesets and the framing */

/* base_url without trailing slashes + suffix. */
static cm_rc make_url(const char *base, const char *suffix, char out[UP_URL_MAX], cm_err *err) {
  if (!base || !*base) return cm_errf(err, CM_ERR_INVALID, "没有设置上级的地址");
  size_t bl = strlen(base);
  while (bl && base[bl - 1] == '/')
    bl--;
  int n = snprintf(out, UP_URL_MAX, "%.*s%s", (int)bl, base, suffix);
  if (n < 0 || n >= UP_URL_MAX) return cm_errf(err, CM_ERR_INVALID, "上级的地址太长");
  return CM_OK;
}

/* Copy the "error" and "message" of an error answer, if it has them. */
static void error_fields(const cm_client_result *res, char *name, size_t name_cap, char *msg,
                         size_t msg_cap, json_t **j_out) {
  json_t *j = NULL;
  if (name_cap) name[0] = '\0';
  if (msg_cap) msg[0] = '\0';
  if (j_out) *j_out = NULL;
  if (!res->body.p || res->body.len == 0) return;
  if (cm_json_parse_object(res->body.p, res->body.len, &j, NULL) != CM_OK) return;
  const char *e = json_string_value(json_object_get(j, "error"));
  const char *m = json_string_value(json_object_get(j, "message"));
  if (e) snprintf(name, name_cap, "%s", e);
  if (m) snprintf(msg, msg_cap, "%s", m);
  if (j_out)
    *j_out = j;
  else
    json_decref(j);
}

/* CM_ERR_HTTP naming the status and the hub's own explanation. */
static cm_rc http_fail(const char *what, const cm_client_result *res, cm_err *err) {
  char name[64], msg[300];
  error_fields(res, name, sizeof name, msg, sizeof msg, NULL);
  /* The hub's own explanation is for people; its error name is not. */
  if (msg[0]) return cm_errf(err, CM_ERR_HTTP, "%s：上级答复 %ld：%s", what, res->status, msg);
  return cm_errf(err, CM_ERR_HTTP, "%s：上级答复 HTTP %ld%s%s", what, res->status, name[0] ? " " : "",
                 name);
}

/* Decode a base64 receipt, verify it, and check it against the pinned key
 * (or, with no pinned key, against the signer of the first receipt). */
static cm_rc receipt_from_b64(const char *b64, const uint8_t *hub_key, cm_receipt *out,
                              cm_err *err) {
  uint8_t *raw = NULL;
  size_t len = 0;
  cm_rc rc = CM_OK;
  if (!b64) return cm_errf(err, CM_ERR_JSON, "上级的答复里没有回执");
  if (cm_b64_decode(b64, strlen(b64), &raw, &len) != CM_OK || len != PROTO_RECEIPT_BYTES) {
    rc = cm_errf(err, CM_PROTO_LENGTH, "回执不是 %d 字节的 base64", PROTO_RECEIPT_BYTES);
    goto out;
  }
  /* Verify the signature by whoever signed it first, then compare keys (public
   * keys, no secret to time), so that "signed by another key" and "forged"
   * get distinct messages. */
  rc = proto_receipt_decode(raw, len, NULL, &out->r, err);
  if (rc) goto out;
  if (hub_key && memcmp(out->r.hub, hub_key, PROTO_KEY_BYTES) != 0) {
    char got[PROTO_KEY_HEX], want[PROTO_KEY_HEX];
    proto_key_hex(out->r.hub, got);
    proto_key_hex(hub_key, want);
    rc = cm_errf(err, CM_PROTO_BAD_SIGNATURE,
                 "回执是 %s 签的，不是固定的上级公钥 %s：请核对上级的地址是否正确",
                 got, want);
    goto out;
  }
  memcpy(out->raw, raw, PROTO_RECEIPT_BYTES);
out:
  free(raw);
  return rc;
}

/* Check a JSON receipt object's readable fields against the signed receipt:
 * a hub that says one thing and signs another is broken or lying. */
static cm_rc receipt_matches_json(const json_t *o, const cm_receipt *rc_, cm_err *err) {
  const char *author = NULL, *head = NULL;
  int64_t seq = -1;
  cm_rc rc = cm_json_str(o, "author", 1, &author, err);
  if (!rc) rc = cm_json_int(o, "seq", 1, &seq, err);
  if (!rc) rc = cm_json_str(o, "head", 1, &head, err);
  if (rc) return rc;
  uint8_t k[PROTO_KEY_BYTES];
  if (author &&
      (proto_key_from_hex(author, k) != CM_OK || memcmp(k, rc_->r.author, PROTO_KEY_BYTES) != 0))
    return cm_errf(err, CM_PROTO_BAD_HEADER, "回执的作者与答复所说的不同");
  if (seq >= 0 && (uint64_t)seq != rc_->r.seq)
    return cm_errf(err, CM_PROTO_BAD_HEADER, "回执的序号是 %" PRIu64 "，答复说的却是 %" PRId64,
                   rc_->r.seq, seq);
  if (head && (cm_hex_decode(head, 0, k, PROTO_HASH_BYTES) != CM_OK ||
               memcmp(k, rc_->r.head_hash, PROTO_HASH_BYTES) != 0))
    return cm_errf(err, CM_PROTO_BAD_HEADER, "回执的台账末条与答复所说的不同");
  return CM_OK;
}

/* Fill res from a 200 answer to a push. */
static cm_rc push_receipts(const cm_client_result *cr, const uint8_t *hub_key, cm_push_result *res,
                           cm_err *err) {
  json_t *j = NULL;
  cm_rc rc = cm_json_parse_object(cr->body.p, cr->body.len, &j, err);
  if (rc) goto out;
  json_t *arr = json_object_get(j, "receipts");
  if (!json_is_array(arr)) {
    rc = cm_errf(err, CM_ERR_JSON, "上级的答复里没有回执列表");
    goto out;
  }
  size_t n = json_array_size(arr);
  if (n > UP_MAX_RECEIPTS) {
    rc = cm_errf(err, CM_PROTO_TOO_MANY, "上级发来了 %zu 张回执，太多", n);
    goto out;
  }
  if (n) {
    res->receipts = calloc(n, sizeof *res->receipts);
    if (!res->receipts) {
      rc = cm_errf(err, CM_ERR_NOMEM, "读取回执时内存不足");
      goto out;
    }
  }
  for (size_t i = 0; i < n; i++) {
    json_t *o = json_array_get(arr, i);
    const char *b64 = NULL;
    if (!json_is_object(o)) {
      rc = cm_errf(err, CM_ERR_JSON, "第 %zu 张回执格式不对", i);
      goto out;
    }
    rc = cm_json_str(o, "receipt", 0, &b64, err);
    if (rc) goto out;
    /* Unpinned: every receipt must come from the same signer as the first,
     * whose key the caller then pins. */
    const uint8_t *want = hub_key ? hub_key : (i ? res->receipts[0].r.hub : NULL);
    rc = receipt_from_b64(b64, want, &res->receipts[i], err);
    if (!rc) rc = receipt_matches_json(o, &res->receipts[i], err);
    if (rc) goto out;
    res->n_receipts = i + 1;
  }
out:
  json_decref(j);
  return rc;
}

/* POST a bundle; see upstream.h. */
cm_rc cm_upstream_push(const char *base_url, const uint8_t *hub_key, const uint8_t *bundle,
                       size_t bundle_len, const cm_client_opts *opts, cm_push_result *res_out,
                       cm_err *err) {
  char url[UP_URL_MAX];
  cm_client_result cr;
  cm_client_opts o;
  cm_rc rc = CM_OK;

  memset(&cr, 0, sizeof cr);
  if (!res_out) return cm_errf(err, CM_ERR_INVALID, "上报：缺少结果参数");
  memset(res_out, 0, sizeof *res_out);
  rc = make_url(base_url, "/api/v1/changesets", url, err);
  if (rc) goto out;
  /* Not a signed request: every changeset carries its own signature. */
  if (opts)
    o = *opts;
  else
    memset(&o, 0, sizeof o);
  o.sign_with = NULL;
  rc = cm_client_request("POST", url, "application/vnd.linli.bundle", bundle, bundle_len, &o, &cr,
                         err);
  if (rc) goto out;
  res_out->status = cr.status;
  res_out->server_time_ms = cr.server_time_ms;
  if (cr.status == 200) {
    rc = push_receipts(&cr, hub_key, res_out, err);
    if (rc) goto out;
  } else {
    json_t *j = NULL;
    error_fields(&cr, res_out->error, sizeof res_out->error, res_out->message,
                 sizeof res_out->message, &j);
    if (cr.status == 409 && strcmp(res_out->error, "PROTO_GAP") == 0) {
      const char *author = json_string_value(json_object_get(j, "author"));
      json_t *exp = json_object_get(j, "expected_seq");
      if (author && proto_key_from_hex(author, res_out->gap_author) == CM_OK &&
          json_is_integer(exp) && json_integer_value(exp) >= 1) {
        res_out->has_gap = 1;
        res_out->expected_seq = (uint64_t)json_integer_value(exp);
      }
    }
    json_decref(j);
  }
out:
  cm_client_result_free(&cr);
  if (rc) {
    long status = res_out ? res_out->status : 0;
    cm_push_result_free(res_out);
    if (res_out) res_out->status = status;
  }
  return rc;
}

/* Free receipts; the struct is left zeroed. */
void cm_push_result_free(cm_push_result *res) {
  if (!res) return;
  free(res->receipts);
  memset(res, 0, sizeof *res);
}

/* GET the hub's signed head for author. */
cm_rc cm_upstream_head(const char *base_url, const uint8_t *hub_key, const uint8_t *author,
                       const cm_client_opts *opts, cm_receipt *head_out, cm_err *err) {
  char url[UP_URL_MAX], suffix[96], hex[PROTO_KEY_HEX];
  cm_client_result cr;
  cm_client_opts o;
  json_t *j = NULL;
  const char *b64 = NULL;
  cm_rc rc = CM_OK;

  memset(&cr, 0, sizeof cr);
  if (!author || !head_out) return cm_errf(err, CM_ERR_INVALID, "查询台账末条：参数不对");
  proto_key_hex(author, hex);
  snprintf(suffix, sizeof suffix, "/api/v1/heads/%s", hex);
  rc = make_url(base_url, suffix, url, err);
  if (rc) goto out;
  if (opts)
    o = *opts;
  else
    memset(&o, 0, sizeof o);
  o.sign_with = NULL; /* an unsigned request: anyone may ask */
  if (!o.max_response) o.max_response = UP_JSON_MAX;
  rc = cm_client_request("GET", url, NULL, NULL, 0, &o, &cr, err);
  if (rc) goto out;
  if (cr.status != 200) {
    rc = http_fail("向上级查询台账末条", &cr, err);
    goto out;
  }
  rc = cm_json_parse_object(cr.body.p, cr.body.len, &j, err);
  if (!rc) rc = cm_json_str(j, "receipt", 0, &b64, err);
  if (!rc) rc = receipt_from_b64(b64, hub_key, head_out, err);
  if (!rc) rc = receipt_matches_json(j, head_out, err);
  if (rc) goto out;
  if (memcmp(head_out->r.author, author, PROTO_KEY_BYTES) != 0) {
    rc = cm_errf(err, CM_PROTO_BAD_HEADER,
                 "上级答复的是另一个作者的台账末条，不是 %s 的", hex);
    goto out;
  }
out:
  json_decref(j);
  cm_client_result_free(&cr);
  if (rc && head_out) memset(head_out, 0, sizeof *head_out);
  return rc;
}

/* A signed GET whose 200 body is handed to the caller. */
static cm_rc signed_get(const char *base_url, const char *suffix, const char *what,
                        const cm_client_opts *opts, uint8_t **out, size_t *len_out, cm_err *err) {
  char url[UP_URL_MAX];
  cm_client_result cr;
  cm_rc rc = CM_OK;

  memset(&cr, 0, sizeof cr);
  if (!out || !len_out) return cm_errf(err, CM_ERR_INVALID, "%s：缺少输出参数", what);
  *out = NULL;
  *len_out = 0;
  if (!opts || !opts->sign_with)
    return cm_errf(err, CM_ERR_INVALID, "%s：签名的请求需要密钥", what);
  rc = make_url(base_url, suffix, url, err);
  if (rc) goto out;
  rc = cm_client_request("GET", url, NULL, NULL, 0, opts, &cr, err);
  if (rc) goto out;
  if (cr.status != 200) {
    rc = http_fail(what, &cr, err);
    goto out;
  }
  *out = cm_buf_take(&cr.body, len_out);
  if (!*out) rc = cm_errf(err, CM_ERR_NOMEM, "%s：内存不足", what);
out:
  cm_client_result_free(&cr);
  return rc;
}

/* Signed GET of our own log after a sequence. */
cm_rc cm_upstream_log(const char *base_url, uint64_t after, const cm_client_opts *opts,
                      uint8_t **out, size_t *len_out, cm_err *err) {
  if (!opts || !opts->sign_with)
    return cm_errf(err, CM_ERR_INVALID, "取回本机台账需要本机密钥");
  return cm_upstream_log_of(base_url, opts->sign_with->pk, after, opts, out, len_out, err);
}

cm_rc cm_upstream_log_of(const char *base_url, const uint8_t *author, uint64_t after,
                         const cm_client_opts *opts, uint8_t **out, size_t *len_out, cm_err *err) {
  char suffix[128], hex[PROTO_KEY_HEX];
  if (!opts || !opts->sign_with || !author)
    return cm_errf(err, CM_ERR_INVALID, "取回台账需要本机密钥和作者");
  cm_client_opts o = *opts;
  /* The hub sends at most 64 MiB of changesets per answer, plus framing. */
  if (!o.max_response) o.max_response = UP_LOG_MAX;
  proto_key_hex(author, hex);
  snprintf(suffix, sizeof suffix, "/api/v1/log/%s?after=%" PRIu64, hex, after);
  return signed_get(base_url, suffix, "从上级取回本机台账", &o, out, len_out, err);
}

/* Signed GET of the decisions feed after a cursor. */
cm_rc cm_upstream_feed(const char *base_url, uint64_t after, const cm_client_opts *opts,
                       uint8_t **out, size_t *len_out, cm_err *err) {
  char suffix[64];
  snprintf(suffix, sizeof suffix, "/api/v1/feed?after=%" PRIu64, after);
  return signed_get(base_url, suffix, "取回上级下发的记录", opts, out, len_out, err);
}

cm_rc cm_upstream_peek(const char *base_url, const uint8_t key[PROTO_KEY_BYTES], uint64_t after,
                       const cm_client_opts *opts, int *more_out, cm_err *err) {
  char url[UP_URL_MAX], suffix[160], hex[PROTO_KEY_HEX];
  cm_client_result cr;
  cm_client_opts o;
  memset(&cr, 0, sizeof cr);
  *more_out = 1;
  proto_key_hex(key, hex);
  snprintf(suffix, sizeof suffix, "/api/v1/peek/%s?after=%" PRIu64, hex, after);
  cm_rc rc = make_url(base_url, suffix, url, err);
  if (rc) return rc;
  o = *opts;
  o.sign_with = NULL; /* unsigned: the answer is one bit, and the request stays small */
  o.max_response = 64;
  rc = cm_client_request("GET", url, NULL, NULL, 0, &o, &cr, err);
  if (!rc && cr.status == 204) *more_out = 0;
  else if (!rc && cr.status != 200 && cr.status != 404) rc = http_fail("向上级查询有无新记录", &cr, err);
  /* 404: a hub older than the peek route; the caller fetches the feed. */
  cm_client_result_free(&cr);
  return rc;
}

/* Signed POST of an enrolment request. */
cm_rc cm_upstream_enroll(const char *base_url, const char *json_body, const cm_client_opts *opts,
                         long *status_out, uint8_t hub_key_out[PROTO_KEY_BYTES], cm_err *err) {
  char url[UP_URL_MAX];
  cm_client_result cr;
  cm_client_opts o;
  json_t *j = NULL;
  const char *hub_hex = NULL;
  cm_rc rc = CM_OK;

  memset(&cr, 0, sizeof cr);
  if (status_out) *status_out = 0;
  if (!json_body || !opts || !opts->sign_with || !status_out || !hub_key_out)
    return cm_errf(err, CM_ERR_INVALID, "申请登记需要申请内容、本机密钥和输出参数");
  rc = make_url(base_url, "/api/v1/enroll", url, err);
  if (rc) goto out;
  o = *opts;
  if (!o.max_response) o.max_response = UP_JSON_MAX;
  rc = cm_client_request("POST", url, "application/json", (const uint8_t *)json_body,
                         strlen(json_body), &o, &cr, err);
  if (rc) goto out;
  *status_out = cr.status;
  if (cr.status != 200 && cr.status != 202) {
    rc = http_fail("向上级申请登记", &cr, err);
    goto out;
  }
  rc = cm_json_parse_object(cr.body.p, cr.body.len, &j, err);
  if (!rc) rc = cm_json_str(j, "hub_key", 0, &hub_hex, err);
  if (rc) goto out;
  if (proto_key_from_hex(hub_hex, hub_key_out) != CM_OK) {
    rc = cm_errf(err, CM_ERR_JSON, "上级答复里的公钥格式不对");
    goto out;
  }
out:
  json_decref(j);
  cm_client_result_free(&cr);
  return rc;
}
