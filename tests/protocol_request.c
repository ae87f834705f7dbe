/* protocol_request.c - request.h: signed HTTP requests. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "protocol/request.h"
#include "protocol/wire.h"

static proto_keypair g_kp, g_other;

static void test_roundtrip(void **state) {
  (void)state;
  uint8_t body[2048];
  const uint64_t now = 1790000000000ull;
  for (int round = 0; round < 100; round++) {
    proto_request rq;
    size_t bl = round % 2 ? randombytes_uniform(sizeof body) : 0;
    cm_err err;
    randombytes_buf(body, bl);
    memset(&rq, 0, sizeof rq);
    rq.method = round % 2 ? "POST" : "GET";
    rq.path = round % 3 ? "/api/v1/feed?after=12" : "/api/v1/log/abc?after=0";
    rq.time_ms = now + randombytes_uniform(2 * PROTO_REQUEST_WINDOW_MS) - PROTO_REQUEST_WINDOW_MS;
    assert_int_equal(proto_request_sign(&rq, &g_kp, bl ? body : NULL, bl), CM_OK);
    assert_memory_equal(rq.key, g_kp.pk, PROTO_KEY_BYTES);
    assert_int_equal(
        proto_request_verify(&rq, body, bl, now, PROTO_REQUEST_WINDOW_MS, &err), CM_OK);

    /* the signed message, spelled out */
    uint8_t msg[4 + 1 + 32 + 8 + 1 + 4 + 2 + 64 + 32];
    size_t ml = strlen(rq.method), pl = strlen(rq.path), o = 0;
    memcpy(msg, "LNRQ\x01", 5);
    o = 5;
    memcpy(msg + o, g_kp.pk, 32);
    o += 32;
    wire_put_u64(msg + o, rq.time_ms);
    o += 8;
    msg[o++] = (uint8_t)ml;
    memcpy(msg + o, rq.method, ml);
    o += ml;
    wire_put_u16(msg + o, (uint16_t)pl);
    o += 2;
    memcpy(msg + o, rq.path, pl);
    o += pl;
    proto_hash(body, bl, msg + o);
    o += 32;
    assert_int_equal(crypto_sign_verify_detached(rq.sig, msg, o, g_kp.pk), 0);

    proto_request t = rq;
    t.method = round % 2 ? "GET" : "POST";
    assert_int_equal(proto_request_verify(&t, body, bl, now, PROTO_REQUEST_WINDOW_MS, NULL),
                     CM_PROTO_BAD_SIGNATURE);
    t = rq;
    t.path = "/api/v1/feed?after=13";
    assert_int_equal(proto_request_verify(&t, body, bl, now, PROTO_REQUEST_WINDOW_MS, NULL),
                     CM_PROTO_BAD_SIGNATURE);
    t = rq;
    t.time_ms++;
    assert_int_equal(proto_request_verify(&t, body, bl, now, PROTO_REQUEST_WINDOW_MS, NULL),
                     CM_PROTO_BAD_SIGNATURE);
    t = rq;
    memcpy(t.key, g_other.pk, PROTO_KEY_BYTES);
    assert_int_equal(proto_request_verify(&t, body, bl, now, PROTO_REQUEST_WINDOW_MS, NULL),
                     CM_PROTO_BAD_SIGNATURE);
    if (bl) {
      body[bl / 2] ^= 1;
      assert_int_equal(proto_request_verify(&rq, body, bl, now, PROTO_REQUEST_WINDOW_MS, &err),
                       CM_PROTO_BAD_SIGNATURE);
      assert_int_equal(err.rc, CM_PROTO_BAD_SIGNATURE);
    }
  }
}

static void test_window(void **state) {
  (void)state;
  proto_request rq;
  const uint64_t t = 1790000000000ull, w = PROTO_REQUEST_WINDOW_MS;
  memset(&rq, 0, sizeof rq);
  rq.method = "GET";
  rq.path = "/api/v1/feed?after=0";
  rq.time_ms = t;
  assert_int_equal(proto_request_sign(&rq, &g_kp, NULL, 0), CM_OK);
  assert_int_equal(proto_request_verify(&rq, NULL, 0, t + w, w, NULL), CM_OK);
  assert_int_equal(proto_request_verify(&rq, NULL, 0, t - w, w, NULL), CM_OK);
  assert_int_equal(proto_request_verify(&rq, NULL, 0, t + w + 1, w, NULL), CM_PROTO_STALE_REQUEST);
  assert_int_equal(proto_request_verify(&rq, NULL, 0, t - w - 1, w, NULL), CM_PROTO_STALE_REQUEST);
  assert_int_equal(proto_request_verify(&rq, NULL, 0, 0, w, NULL), CM_PROTO_STALE_REQUEST);
  assert_int_equal(proto_request_verify(&rq, NULL, 0, UINT64_MAX, w, NULL),
                   CM_PROTO_STALE_REQUEST);
  /* a forged stale request is a bad signature first */
  rq.sig[0] ^= 1;
  assert_int_equal(proto_request_verify(&rq, NULL, 0, 0, w, NULL), CM_PROTO_BAD_SIGNATURE);
}

static void test_invalid(void **state) {
  (void)state;
  proto_request rq;
  char *longpath = malloc(70000);
  assert_non_null(longpath);
  memset(&rq, 0, sizeof rq);
  rq.method = "GET";
  rq.path = NULL;
  assert_int_equal(proto_request_sign(&rq, &g_kp, NULL, 0), CM_ERR_INVALID);
  rq.path = "";
  assert_int_equal(proto_request_sign(&rq, &g_kp, NULL, 0), CM_ERR_INVALID);
  memset(longpath, 'a', 69999);
  longpath[0] = '/';
  longpath[69999] = '\0';
  rq.path = longpath;
  assert_int_equal(proto_request_sign(&rq, &g_kp, NULL, 0), CM_ERR_INVALID);
  assert_int_equal(proto_request_verify(&rq, NULL, 0, 0, 1, NULL), CM_ERR_INVALID);
  longpath[65535] = '\0'; /* the longest allowed */
  assert_int_equal(proto_request_sign(&rq, &g_kp, NULL, 0), CM_OK);
  rq.time_ms = 5;
  rq.method = NULL;
  assert_int_equal(proto_request_sign(&rq, &g_kp, NULL, 0), CM_ERR_INVALID);
  rq.method = "GET";
  assert_int_equal(proto_request_sign(&rq, &g_kp, NULL, 3), CM_ERR_INVALID); /* body NULL */
  free(longpath);
}

static int setup(void **state) {
  (void)state;
  if (proto_init()) return -1;
  return proto_keypair_generate(&g_kp) || proto_keypair_generate(&g_other) ? -1 : 0;
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_roundtrip),
      cmocka_unit_test(test_window),
      cmocka_unit_test(test_invalid),
  };
  return cmocka_run_group_tests(tests, setup, NULL);
}
