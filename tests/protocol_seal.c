/* protocol_seal.c - seal.h: a sealed box opens only with the recipient's key,
 * and every altered, truncated or misaddressed box is refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "protocol/keys.h"
#include "protocol/seal.h"

static const char msg[] = "{\"name\":\"张三\",\"role\":\"队员\"}";

static void test_roundtrip(void **state) {
  (void)state;
  proto_keypair street, other;
  uint8_t box[sizeof msg + PROTO_SEAL_OVERHEAD], plain[sizeof msg];
  size_t n = 0;
  cm_err err;
  assert_int_equal(proto_keypair_generate(&street), CM_OK);
  assert_int_equal(proto_keypair_generate(&other), CM_OK);
  assert_int_equal(proto_seal(street.pk, (const uint8_t *)msg, sizeof msg, box, &err), CM_OK);
  /* the name is nowhere in the sealed bytes */
  for (size_t i = 0; i + 6 <= sizeof box; i++) assert_memory_not_equal(box + i, "张三", 6);
  assert_int_equal(proto_seal_open(&street, box, sizeof box, plain, &n, &err), CM_OK);
  assert_int_equal(n, sizeof msg);
  assert_memory_equal(plain, msg, sizeof msg);
  /* another key (the district's) cannot open it */
  assert_int_equal(proto_seal_open(&other, box, sizeof box, plain, &n, &err),
                   CM_PROTO_BAD_SIGNATURE);
  assert_int_equal(n, 0);
  /* two seals of the same message differ (a fresh ephemeral key each time) */
  uint8_t box2[sizeof box];
  assert_int_equal(proto_seal(street.pk, (const uint8_t *)msg, sizeof msg, box2, &err), CM_OK);
  assert_memory_not_equal(box, box2, sizeof box);
  proto_keypair_wipe(&street);
  proto_keypair_wipe(&other);
}

static void test_tampered(void **state) {
  (void)state;
  proto_keypair kp;
  uint8_t box[sizeof msg + PROTO_SEAL_OVERHEAD], plain[sizeof msg];
  size_t n = 0;
  assert_int_equal(proto_keypair_generate(&kp), CM_OK);
  assert_int_equal(proto_seal(kp.pk, (const uint8_t *)msg, sizeof msg, box, NULL), CM_OK);
  for (size_t i = 0; i < sizeof box; i++) {
    box[i] ^= 0x01;
    assert_int_equal(proto_seal_open(&kp, box, sizeof box, plain, &n, NULL),
                     CM_PROTO_BAD_SIGNATURE);
    box[i] ^= 0x01;
  }
  /* truncated: one byte short, and shorter than the overhead */
  assert_int_equal(proto_seal_open(&kp, box, sizeof box - 1, plain, &n, NULL),
                   CM_PROTO_BAD_SIGNATURE);
  assert_int_equal(proto_seal_open(&kp, box, PROTO_SEAL_OVERHEAD - 1, plain, &n, NULL),
                   CM_PROTO_TRUNCATED);
  assert_int_equal(proto_seal_open(&kp, box, 0, plain, &n, NULL), CM_PROTO_TRUNCATED);
  /* an empty message seals and opens */
  uint8_t empty[PROTO_SEAL_OVERHEAD];
  assert_int_equal(proto_seal(kp.pk, (const uint8_t *)"", 0, empty, NULL), CM_OK);
  assert_int_equal(proto_seal_open(&kp, empty, sizeof empty, plain, &n, NULL), CM_OK);
  assert_int_equal(n, 0);
  proto_keypair_wipe(&kp);
}

static void test_bounds(void **state) {
  (void)state;
  static uint8_t big[PROTO_SEAL_PLAIN_MAX + 1], box[PROTO_SEAL_PLAIN_MAX + 1 + PROTO_SEAL_OVERHEAD];
  uint8_t bad[PROTO_KEY_BYTES];
  proto_keypair kp;
  size_t n = 0;
  assert_int_equal(proto_keypair_generate(&kp), CM_OK);
  assert_int_equal(proto_seal(kp.pk, big, sizeof big, box, NULL), CM_ERR_TOO_LARGE);
  assert_int_equal(proto_seal(kp.pk, big, sizeof big - 1, box, NULL), CM_OK);
  /* a box longer than the largest message is refused before opening */
  assert_int_equal(proto_seal_open(&kp, box, sizeof box, big, &n, NULL), CM_PROTO_TRUNCATED);
  /* a key that is not a point on the curve has no X25519 form */
  memset(bad, 0xff, sizeof bad);
  assert_int_equal(proto_seal(bad, big, 1, box, NULL), CM_ERR_INVALID);
  proto_keypair_wipe(&kp);
}

static int setup(void **state) {
  (void)state;
  return proto_init() == CM_OK ? 0 : -1;
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_roundtrip),
      cmocka_unit_test(test_tampered),
      cmocka_unit_test(test_bounds),
  };
  return cmocka_run_group_tests(tests, setup, NULL);
}
