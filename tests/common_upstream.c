/* common_upstream.c - the upstream client against a fake hub built here with
 * cm_http: receipts verified against the pinned key (and refused when signed
 * by another key, forged, or disagreeing with the JSON), the 409 gap answer,
 * heads, the signed log/feed/enroll calls, and error answers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "common/clock.h"
#include "common/codec.h"
#include "common/http_server.h"
#include "common/json.h"
#include "common/upstream.h"
#include "protocol/request.h"

enum hub_mode { M_OK, M_GAP, M_WRONG_KEY, M_MISMATCH, M_FORGED, M_GARBAGE, M_500, M_WRONG_AUTHOR };

static struct {
  proto_keypair hub, wrong, node, other;
  enum hub_mode mode;
  int push_was_signed;
  int enroll_calls;
  cm_http_server *srv;
  char base[64];
} F;

static json_t *receipt_json(const proto_keypair *signer, const uint8_t *author, uint64_t seq,
                            int flip) {
  proto_receipt r;
  uint8_t raw[PROTO_RECEIPT_BYTES];
  memset(&r, 0, sizeof r);
  memcpy(r.author, author, PROTO_KEY_BYTES);
  r.seq = seq;
  memset(r.head_hash, seq ? 0xab : 0, sizeof r.head_hash);
  r.time_ms = cm_now_ms();
  if (proto_receipt_sign(&r, signer, raw) != CM_OK) return NULL;
  if (flip) raw[60] ^= 1;
  char b64[256], hex[PROTO_KEY_HEX], head[2 * PROTO_HASH_BYTES + 1];
  cm_b64_encode(raw, sizeof raw, b64);
  proto_key_hex(author, hex);
  cm_hex_encode(r.head_hash, sizeof r.head_hash, head);
  json_t *o = json_object();
  json_object_set_new(o, "author", json_string(hex));
  json_object_set_new(o, "seq", json_integer((json_int_t)seq));
  json_object_set_new(o, "head", json_string(head));
  json_object_set_new(o, "receipt", json_string(b64));
  return o;
}

/* Verify a signed request the way a hub does; 0 and fill key_out when good. */
static int check_signed(cm_http_req *req, cm_http_resp *resp, uint8_t key_out[PROTO_KEY_BYTES]) {
  const char *key = cm_http_header(req, "X-Linli-Key");
  const char *t = cm_http_header(req, "X-Linli-Time");
  const char *sig = cm_http_header(req, "X-Linli-Signature");
  proto_request rq;
  cm_err err;
  memset(&rq, 0, sizeof rq);
  if (!key || !t || !sig || proto_key_from_hex(key, rq.key) != CM_OK ||
      cm_hex_decode(sig, 0, rq.sig, sizeof rq.sig) != CM_OK) {
    cm_http_resp_error(resp, 401, CM_PROTO_BAD_SIGNATURE, "not signed", NULL);
    return -1;
  }
  rq.time_ms = strtoull(t, NULL, 10);
  rq.method = cm_http_method(req);
  rq.path = cm_http_target(req);
  size_t len = 0;
  const uint8_t *body = cm_http_body(req, &len);
  cm_rc rc = proto_request_verify(&rq, body, len, cm_now_ms(), PROTO_REQUEST_WINDOW_MS, &err);
  if (rc) {
    cm_http_resp_error(resp, 401, rc, err.msg, NULL);
    return -1;
  }
  memcpy(key_out, rq.key, PROTO_KEY_BYTES);
  return 0;
}

static void h_push(cm_http_req *req, cm_http_resp *resp, void *ctx) {
  (void)ctx;
  F.push_was_signed = cm_http_header(req, "X-Linli-Signature") != NULL;
  size_t len = 0;
  const uint8_t *body = cm_http_body(req, &len);
  if (len != 4 || memcmp(body, "LNBD", 4) != 0) {
    cm_http_resp_error(resp, 400, CM_PROTO_BAD_MAGIC, "not a bundle", NULL);
    return;
  }
  json_t *j = json_object(), *arr = json_array(), *extra;
  char hex[PROTO_KEY_HEX];
  switch (F.mode) {
  case M_GAP:
    json_decref(j);
    json_decref(arr);
    extra = json_object();
    proto_key_hex(F.node.pk, hex);
    json_object_set_new(extra, "author", json_string(hex));
    json_object_set_new(extra, "expected_seq", json_integer(4));
    cm_http_resp_error(resp, 409, CM_PROTO_GAP, "send from 4", extra);
    return;
  case M_GARBAGE:
    json_decref(j);
    json_decref(arr);
    cm_http_resp_set(resp, 200, "application/json", "{\"receipts\":", 12);
    return;
  case M_500:
    json_decref(j);
    json_decref(arr);
    cm_http_resp_error(resp, 500, CM_ERR_DB, "database is broken", NULL);
    return;
  default:
    break;
  }
  json_array_append_new(arr, receipt_json(&F.hub, F.node.pk, 5, 0));
  json_t *second =
      receipt_json(F.mode == M_WRONG_KEY ? &F.wrong : &F.hub, F.other.pk, 9, F.mode == M_FORGED);
  if (F.mode == M_MISMATCH) json_object_set_new(second, "seq", json_integer(10));
  json_array_append_new(arr, second);
  json_object_set_new(j, "stored", json_integer(3));
  json_object_set_new(j, "receipts", arr);
  cm_http_resp_json(resp, 200, j);
}

static void h_head(cm_http_req *req, cm_http_resp *resp, void *ctx) {
  (void)ctx;
  uint8_t author[PROTO_KEY_BYTES];
  if (proto_key_from_hex(cm_http_param(req, 0), author) != CM_OK) {
    cm_http_resp_error(resp, 400, CM_ERR_INVALID, "bad author", NULL);
    return;
  }
  const uint8_t *who = F.mode == M_WRONG_AUTHOR ? F.other.pk : author;
  uint64_t seq = memcmp(author, F.node.pk, PROTO_KEY_BYTES) == 0 ? 5 : 0;
  cm_http_resp_json(
      resp, 200,
      receipt_json(F.mode == M_WRONG_KEY ? &F.wrong : &F.hub, who, seq, F.mode == M_FORGED));
}

static void h_log(cm_http_req *req, cm_http_resp *resp, void *ctx) {
  (void)ctx;
  uint8_t key[PROTO_KEY_BYTES], author[PROTO_KEY_BYTES];
  if (check_signed(req, resp, key)) return;
  if (proto_key_from_hex(cm_http_param(req, 0), author) != CM_OK ||
      memcmp(key, author, PROTO_KEY_BYTES) != 0) {
    cm_http_resp_error(resp, 403, CM_ERR_PERM, "only the author may read its log", NULL);
    return;
  }
  const char *after = cm_http_query(req, "after");
  char out[64];
  int n = snprintf(out, sizeof out, "log after %s", after ? after : "?");
  cm_http_resp_set(resp, 200, "application/vnd.linli.bundle", out, (size_t)n);
}

static void h_feed(cm_http_req *req, cm_http_resp *resp, void *ctx) {
  (void)ctx;
  uint8_t key[PROTO_KEY_BYTES];
  if (check_signed(req, resp, key)) return;
  if (memcmp(key, F.node.pk, PROTO_KEY_BYTES) != 0) {
    cm_http_resp_error(resp, 403, CM_ERR_PERM, "key not enrolled", NULL);
    return;
  }
  const char *after = cm_http_query(req, "after");
  char out[64];
  int n = snprintf(out, sizeof out, "feed after %s", after ? after : "?");
  cm_http_resp_set(resp, 200, "application/vnd.linli.feed", out, (size_t)n);
}

static void h_enroll(cm_http_req *req, cm_http_resp *resp, void *ctx) {
  (void)ctx;
  uint8_t key[PROTO_KEY_BYTES];
  if (check_signed(req, resp, key)) return;
  size_t len = 0;
  const uint8_t *body = cm_http_body(req, &len);
  json_t *in = NULL;
  if (cm_json_parse_object(body, len, &in, NULL) != CM_OK) {
    cm_http_resp_error(resp, 400, CM_ERR_JSON, "bad JSON", NULL);
    return;
  }
  json_decref(in);
  char hex[PROTO_KEY_HEX];
  proto_key_hex(F.hub.pk, hex);
  json_t *j = json_object();
  int first = F.enroll_calls++ == 0;
  json_object_set_new(j, "status", json_string(first ? "pending" : "enrolled"));
  json_object_set_new(j, "hub_key", json_string(hex));
  cm_http_resp_json(resp, first ? 202 : 200, j);
}

static const cm_http_route routes[] = {
    {"POST", "/api/v1/changesets", h_push, "push"}, {"GET", "/api/v1/heads/{}", h_head, "head"},
    {"GET", "/api/v1/log/{}", h_log, "log"},        {"GET", "/api/v1/feed", h_feed, "feed"},
    {"POST", "/api/v1/enroll", h_enroll, "enroll"},
};

static int start(void **state) {
  (void)state;
  if (proto_init() || cm_client_global_init()) return -1;
  if (proto_keypair_generate(&F.hub) || proto_keypair_generate(&F.wrong) ||
      proto_keypair_generate(&F.node) || proto_keypair_generate(&F.other))
    return -1;
  cm_http_config cfg;
  memset(&cfg, 0, sizeof cfg);
  cfg.listen = "127.0.0.1:0";
  cfg.routes = routes;
  cfg.n_routes = sizeof routes / sizeof routes[0];
  cfg.max_body = 1 << 20;
  cm_err err;
  if (cm_http_start(&cfg, &F.srv, &err) != CM_OK) return -1;
  /* a trailing slash on the configured URL must not matter */
  snprintf(F.base, sizeof F.base, "http://127.0.0.1:%u/", (unsigned)cm_http_port(F.srv));
  return 0;
}

static int stop(void **state) {
  (void)state;
  cm_http_stop(F.srv);
  return 0;
}

static void test_push_ok(void **state) {
  (void)state;
  cm_push_result res;
  cm_err err;
  cm_client_opts o;
  memset(&o, 0, sizeof o);
  o.sign_with = &F.node; /* ignored: a push is not a signed request */
  F.mode = M_OK;
  assert_int_equal(cm_upstream_push(F.base, F.hub.pk, (const uint8_t *)"LNBD", 4, &o, &res, &err),
                   CM_OK);
  assert_int_equal(res.status, 200);
  assert_false(F.push_was_signed);
  assert_int_equal(res.n_receipts, 2);
  assert_memory_equal(res.receipts[0].r.author, F.node.pk, PROTO_KEY_BYTES);
  assert_int_equal(res.receipts[0].r.seq, 5);
  assert_memory_equal(res.receipts[0].r.hub, F.hub.pk, PROTO_KEY_BYTES);
  assert_int_equal(res.receipts[1].r.seq, 9);
  /* the raw bytes verify on their own */
  proto_receipt again;
  assert_int_equal(
      proto_receipt_decode(res.receipts[0].raw, PROTO_RECEIPT_BYTES, F.hub.pk, &again, &err),
      CM_OK);
  assert_true(res.server_time_ms > 0);
  assert_int_equal(res.has_gap, 0);
  cm_push_result_free(&res);
  /* unpinned: accepted, and the caller learns the hub key */
  assert_int_equal(cm_upstream_push(F.base, NULL, (const uint8_t *)"LNBD", 4, NULL, &res, &err),
                   CM_OK);
  assert_memory_equal(res.receipts[0].r.hub, F.hub.pk, PROTO_KEY_BYTES);
  cm_push_result_free(&res);
}

static void test_push_gap(void **state) {
  (void)state;
  cm_push_result res;
  cm_err err;
  F.mode = M_GAP;
  assert_int_equal(cm_upstream_push(F.base, F.hub.pk, (const uint8_t *)"LNBD", 4, NULL, &res, &err),
                   CM_OK);
  assert_int_equal(res.status, 409);
  assert_int_equal(res.has_gap, 1);
  assert_int_equal(res.expected_seq, 4);
  assert_memory_equal(res.gap_author, F.node.pk, PROTO_KEY_BYTES);
  assert_string_equal(res.error, "PROTO_GAP");
  assert_string_equal(res.message, "send from 4");
  assert_int_equal(res.n_receipts, 0);
  cm_push_result_free(&res);
  /* other refusals: status and error, no gap */
  F.mode = M_OK;
  assert_int_equal(cm_upstream_push(F.base, F.hub.pk, (const uint8_t *)"XXXX", 4, NULL, &res, &err),
                   CM_OK);
  assert_int_equal(res.status, 400);
  assert_string_equal(res.error, "PROTO_BAD_MAGIC");
  assert_int_equal(res.has_gap, 0);
  cm_push_result_free(&res);
  F.mode = M_500;
  assert_int_equal(cm_upstream_push(F.base, F.hub.pk, (const uint8_t *)"LNBD", 4, NULL, &res, &err),
                   CM_OK);
  assert_int_equal(res.status, 500);
  assert_string_equal(res.message, "database is broken");
  cm_push_result_free(&res);
}

static void test_push_bad_receipts(void **state) {
  (void)state;
  cm_push_result res;
  cm_err err;
  F.mode = M_WRONG_KEY;
  assert_int_equal(cm_upstream_push(F.base, F.hub.pk, (const uint8_t *)"LNBD", 4, NULL, &res, &err),
                   CM_PROTO_BAD_SIGNATURE);
  assert_non_null(strstr(err.msg, "固定的上级公钥"));
  assert_null(res.receipts);
  assert_int_equal(res.n_receipts, 0);
  cm_push_result_free(&res);
  /* unpinned, two signers in one answer: refused too */
  assert_int_equal(cm_upstream_push(F.base, NULL, (const uint8_t *)"LNBD", 4, NULL, &res, &err),
                   CM_PROTO_BAD_SIGNATURE);
  cm_push_result_free(&res);
  F.mode = M_FORGED;
  assert_int_not_equal(
      cm_upstream_push(F.base, F.hub.pk, (const uint8_t *)"LNBD", 4, NULL, &res, &err), CM_OK);
  assert_int_equal(res.n_receipts, 0);
  cm_push_result_free(&res);
  F.mode = M_MISMATCH;
  assert_int_equal(cm_upstream_push(F.base, F.hub.pk, (const uint8_t *)"LNBD", 4, NULL, &res, &err),
                   CM_PROTO_BAD_HEADER);
  cm_push_result_free(&res);
  F.mode = M_GARBAGE;
  assert_int_equal(cm_upstream_push(F.base, F.hub.pk, (const uint8_t *)"LNBD", 4, NULL, &res, &err),
                   CM_ERR_JSON);
  cm_push_result_free(&res);
  F.mode = M_OK;
}

static void test_head(void **state) {
  (void)state;
  cm_receipt head;
  cm_err err;
  F.mode = M_OK;
  assert_int_equal(cm_upstream_head(F.base, F.hub.pk, F.node.pk, NULL, &head, &err), CM_OK);
  assert_int_equal(head.r.seq, 5);
  assert_memory_equal(head.r.author, F.node.pk, PROTO_KEY_BYTES);
  assert_int_equal(cm_upstream_head(F.base, F.hub.pk, F.other.pk, NULL, &head, &err), CM_OK);
  assert_int_equal(head.r.seq, 0);
  F.mode = M_WRONG_KEY;
  assert_int_equal(cm_upstream_head(F.base, F.hub.pk, F.node.pk, NULL, &head, &err),
                   CM_PROTO_BAD_SIGNATURE);
  F.mode = M_FORGED;
  assert_int_not_equal(cm_upstream_head(F.base, F.hub.pk, F.node.pk, NULL, &head, &err), CM_OK);
  F.mode = M_WRONG_AUTHOR;
  assert_int_equal(cm_upstream_head(F.base, F.hub.pk, F.node.pk, NULL, &head, &err),
                   CM_PROTO_BAD_HEADER);
  F.mode = M_OK;
  /* a hub that answers an error */
  char url[96];
  snprintf(url, sizeof url, "%snot-the-hub", F.base);
  assert_int_equal(cm_upstream_head(url, F.hub.pk, F.node.pk, NULL, &head, &err), CM_ERR_HTTP);
  assert_non_null(strstr(err.msg, "404"));
}

static void test_log_feed(void **state) {
  (void)state;
  cm_client_opts o;
  memset(&o, 0, sizeof o);
  o.sign_with = &F.node;
  uint8_t *out = NULL;
  size_t len = 0;
  cm_err err;
  assert_int_equal(cm_upstream_log(F.base, 12, &o, &out, &len, &err), CM_OK);
  assert_int_equal(len, strlen("log after 12"));
  assert_memory_equal(out, "log after 12", len);
  free(out);
  assert_int_equal(cm_upstream_feed(F.base, 0, &o, &out, &len, &err), CM_OK);
  assert_memory_equal(out, "feed after 0", len);
  free(out);
  /* a clock two hours fast: the stale answer is retried with the hub's time */
  int64_t offset = 12345678;
  o.clock_offset_ms = 2 * 3600 * 1000;
  o.clock_offset_out = &offset;
  assert_int_equal(cm_upstream_feed(F.base, 7, &o, &out, &len, &err), CM_OK);
  assert_memory_equal(out, "feed after 7", len);
  assert_true(offset > -5000 && offset < 5000);
  free(out);
  o.clock_offset_ms = 0;
  o.clock_offset_out = NULL;
  /* a key the hub does not know */
  o.sign_with = &F.other;
  out = (uint8_t *)1;
  assert_int_equal(cm_upstream_feed(F.base, 0, &o, &out, &len, &err), CM_ERR_HTTP);
  assert_null(out);
  assert_non_null(strstr(err.msg, "上级答复 403"));
  /* without a key there is no signed request */
  assert_int_equal(cm_upstream_log(F.base, 0, NULL, &out, &len, &err), CM_ERR_INVALID);
}

static void test_enroll(void **state) {
  (void)state;
  cm_client_opts o;
  memset(&o, 0, sizeof o);
  o.sign_with = &F.node;
  long status = 0;
  uint8_t hub[PROTO_KEY_BYTES];
  cm_err err;
  const char *body = "{\"name\":\"幸福社区\",\"street\":\"X\",\"code\":\"120105001001\","
                     "\"role\":\"community\"}";
  assert_int_equal(cm_upstream_enroll(F.base, body, &o, &status, hub, &err), CM_OK);
  assert_int_equal(status, 202);
  assert_memory_equal(hub, F.hub.pk, PROTO_KEY_BYTES);
  memset(hub, 0, sizeof hub);
  assert_int_equal(cm_upstream_enroll(F.base, body, &o, &status, hub, &err), CM_OK);
  assert_int_equal(status, 200);
  assert_memory_equal(hub, F.hub.pk, PROTO_KEY_BYTES);
  assert_int_equal(cm_upstream_enroll(F.base, "not json", &o, &status, hub, &err), CM_ERR_HTTP);
  assert_int_equal(status, 400);
}

static void test_unreachable(void **state) {
  (void)state;
  cm_push_result res;
  cm_err err;
  cm_client_opts o;
  memset(&o, 0, sizeof o);
  o.connect_timeout_ms = 2000;
  /* port 1 on loopback: nobody listens there in a test sandbox */
  assert_int_equal(
      cm_upstream_push("http://127.0.0.1:1", F.hub.pk, (const uint8_t *)"LNBD", 4, &o, &res, &err),
      CM_ERR_NETWORK);
  assert_int_equal(res.status, 0);
  cm_push_result_free(&res);
  assert_int_equal(cm_upstream_push("", F.hub.pk, (const uint8_t *)"LNBD", 4, &o, &res, &err),
                   CM_ERR_INVALID);
  cm_push_result_free(&res);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_push_ok),           cmocka_unit_test(test_push_gap),
      cmocka_unit_test(test_push_bad_receipts), cmocka_unit_test(test_head),
      cmocka_unit_test(test_log_feed),          cmocka_unit_test(test_enroll),
      cmocka_unit_test(test_unreachable),
  };
  return cmocka_run_group_tests(tests, start, stop);
}
