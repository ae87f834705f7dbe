/* protocol_receipt.c - receipt.h: sign, decode, and refusals. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sodium.h>
#include <string.h>

#include "protocol/receipt.h"
#include "protocol/wire.h"

static proto_keypair g_hub, g_other;

static void test_roundtrip(void **state) {
  (void)state;
  for (int round = 0; round < 100; round++) {
    proto_receipt r, d;
    uint8_t out[PROTO_RECEIPT_BYTES];
    memset(&r, 0, sizeof r);
    randombytes_buf(r.author, sizeof r.author);
    r.seq = round ? 1 + randombytes_uniform(1000000) : 0;
    if (r.seq) randombytes_buf(r.head_hash, sizeof r.head_hash);
    randombytes_buf(&r.time_ms, sizeof r.time_ms);
    assert_int_equal(proto_receipt_sign(&r, &g_hub, out), CM_OK);
    assert_memory_equal(r.hub, g_hub.pk, PROTO_KEY_BYTES);
    assert_memory_equal(out, "LNRC\x01\x01", 6);
    assert_int_equal(wire_get_u64(out + 70), r.seq);
    assert_int_equal(crypto_sign_verify_detached(out + 118, out, 118, g_hub.pk), 0);
    assert_int_equal(proto_receipt_decode(out, sizeof out, g_hub.pk, &d, NULL), CM_OK);
    assert_memory_equal(&d.author, r.author, PROTO_KEY_BYTES);
    assert_int_equal(d.seq, r.seq);
    assert_memory_equal(d.head_hash, r.head_hash, PROTO_HASH_BYTES);
    assert_int_equal(d.time_ms, r.time_ms);
    assert_memory_equal(d.sig, r.sig, PROTO_SIG_BYTES);
    assert_int_equal(proto_receipt_decode(out, sizeof out, NULL, &d, NULL), CM_OK);
    assert_int_equal(proto_receipt_decode(out, sizeof out, g_other.pk, &d, NULL), CM_ERR_PERM);
    /* any flipped byte is refused */
    size_t i = randombytes_uniform(PROTO_RECEIPT_BYTES);
    out[i] ^= (uint8_t)(1u << (round % 8));
    assert_int_not_equal(proto_receipt_decode(out, sizeof out, NULL, &d, NULL), CM_OK);
  }
}

static void test_errors(void **state) {
  (void)state;
  proto_receipt r, d;
  uint8_t out[PROTO_RECEIPT_BYTES + 1];
  cm_err err;
  memset(&r, 0, sizeof r);
  r.seq = 0;
  r.head_hash[0] = 1;
  assert_int_equal(proto_receipt_sign(&r, &g_hub, out), CM_ERR_INVALID); /* seq 0 with a hash */
  r.seq = 3;
  assert_int_equal(proto_receipt_sign(&r, &g_hub, out), CM_OK);
  assert_int_equal(proto_receipt_decode(out, PROTO_RECEIPT_BYTES - 1, NULL, &d, &err),
                   CM_PROTO_TRUNCATED);
  assert_int_equal(err.rc, CM_PROTO_TRUNCATED);
  out[PROTO_RECEIPT_BYTES] = 0;
  assert_int_equal(proto_receipt_decode(out, sizeof out, NULL, &d, NULL), CM_PROTO_TRAILING);
  out[0] = 'X';
  assert_int_equal(proto_receipt_decode(out, PROTO_RECEIPT_BYTES, NULL, &d, NULL),
                   CM_PROTO_BAD_MAGIC);
  out[0] = 'L';
  out[4] = 9;
  assert_int_equal(proto_receipt_decode(out, PROTO_RECEIPT_BYTES, NULL, &d, NULL),
                   CM_PROTO_BAD_VERSION);
  out[4] = 1;
  out[5] = 9;
  assert_int_equal(proto_receipt_decode(out, PROTO_RECEIPT_BYTES, NULL, &d, NULL),
                   CM_PROTO_BAD_SUITE);
  out[5] = 1;
  /* a receipt claiming another hub as signer: the signature is checked against it */
  memcpy(out + 6, g_other.pk, PROTO_KEY_BYTES);
  assert_int_equal(proto_receipt_decode(out, PROTO_RECEIPT_BYTES, NULL, &d, NULL),
                   CM_PROTO_BAD_SIGNATURE);
  /* seq 0 with a head hash, even when signed, is not the canonical "nothing" */
  memcpy(out + 6, g_hub.pk, PROTO_KEY_BYTES);
  wire_put_u64(out + 70, 0);
  crypto_sign_detached(out + 118, NULL, out, 118, g_hub.sk);
  assert_int_equal(proto_receipt_decode(out, PROTO_RECEIPT_BYTES, NULL, &d, NULL),
                   CM_PROTO_BAD_HEADER);
  assert_int_equal(proto_receipt_decode(NULL, 0, NULL, &d, NULL), CM_PROTO_TRUNCATED);
}

static int setup(void **state) {
  (void)state;
  if (proto_init()) return -1;
  return proto_keypair_generate(&g_hub) || proto_keypair_generate(&g_other) ? -1 : 0;
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_roundtrip),
      cmocka_unit_test(test_errors),
  };
  return cmocka_run_group_tests(tests, setup, NULL);
}
