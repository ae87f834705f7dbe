/* protocol_keys.c - keys.h: generation, key file text, hex, fingerprint, hash. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "protocol/keys.h"
#include "protocol_fixtures.h"

static void test_generate(void **state) {
  (void)state;
  proto_keypair a, b;
  assert_int_equal(proto_keypair_generate(&a), CM_OK);
  assert_int_equal(proto_keypair_generate(&b), CM_OK);
  assert_memory_not_equal(a.pk, b.pk, PROTO_KEY_BYTES);
  /* libsodium's secret key is seed || pk */
  assert_memory_equal(a.sk + 32, a.pk, PROTO_KEY_BYTES);
  proto_keypair c;
  assert_int_equal(proto_keypair_from_seed(a.sk, &c), CM_OK);
  assert_memory_equal(c.pk, a.pk, PROTO_KEY_BYTES);
  assert_memory_equal(c.sk, a.sk, PROTO_SK_BYTES);
  proto_keypair_wipe(&c);
  static const uint8_t zero[PROTO_SK_BYTES];
  assert_memory_equal(c.sk, zero, PROTO_SK_BYTES);
  proto_keypair_wipe(NULL);
}

static void test_keyfile(void **state) {
  (void)state;
  proto_keypair kp, back;
  char text[PROTO_KEYFILE_MAX];
  size_t len = 0;
  cm_err err;
  assert_int_equal(proto_keypair_generate(&kp), CM_OK);
  assert_int_equal(proto_keyfile_format(&kp, text, sizeof text, &len), CM_OK);
  assert_int_equal(len, 28 + 64 + 1);
  assert_int_equal(strlen(text), len);
  assert_memory_equal(text, "linli-secret-key-v1 ed25519 ", 28);
  assert_int_equal(text[len - 1], '\n');
  assert_int_equal(proto_keyfile_parse(text, len, &back, &err), CM_OK);
  assert_memory_equal(back.pk, kp.pk, PROTO_KEY_BYTES);
  assert_memory_equal(back.sk, kp.sk, PROTO_SK_BYTES);
  /* trailing newline optional */
  assert_int_equal(proto_keyfile_parse(text, len - 1, &back, &err), CM_OK);
  assert_memory_equal(back.pk, kp.pk, PROTO_KEY_BYTES);
  /* cap too small */
  assert_int_equal(proto_keyfile_format(&kp, text, 50, &len), CM_ERR_TOO_LARGE);

  char bad[PROTO_KEYFILE_MAX];
  assert_int_equal(proto_keyfile_format(&kp, text, sizeof text, &len), CM_OK);
  memcpy(bad, text, len);
  bad[0] = 'L';
  assert_int_equal(proto_keyfile_parse(bad, len, &back, &err), CM_ERR_KEYFILE);
  assert_int_equal(err.rc, CM_ERR_KEYFILE);
  assert_true(strlen(err.msg) > 0);
  memcpy(bad, text, len);
  bad[30] = 'G';
  assert_int_equal(proto_keyfile_parse(bad, len, &back, &err), CM_ERR_KEYFILE);
  memcpy(bad, text, len);
  for (size_t i = 28; i < 92; i++)
    if (bad[i] >= 'a') bad[i] = (char)(bad[i] - 32); /* upper case is not the canonical text */
  assert_int_equal(proto_keyfile_parse(bad, len, &back, &err), CM_ERR_KEYFILE);
  memcpy(bad, text, len);
  bad[len - 1] = ' ';
  assert_int_equal(proto_keyfile_parse(bad, len, &back, &err), CM_ERR_KEYFILE);
  assert_int_equal(proto_keyfile_parse(text, len - 2, &back, &err), CM_ERR_KEYFILE);
  memcpy(bad, text, len);
  bad[len] = '\n';
  assert_int_equal(proto_keyfile_parse(bad, len + 1, &back, &err), CM_ERR_KEYFILE);
  assert_int_equal(proto_keyfile_parse(NULL, 0, &back, NULL), CM_ERR_KEYFILE);
  assert_int_equal(proto_keyfile_parse("", 0, &back, NULL), CM_ERR_KEYFILE);
}

static void test_hex(void **state) {
  (void)state;
  proto_keypair kp;
  char hex[PROTO_KEY_HEX], bad[80];
  uint8_t back[PROTO_KEY_BYTES];
  for (int round = 0; round < 20; round++) {
    assert_int_equal(proto_keypair_generate(&kp), CM_OK);
    proto_key_hex(kp.pk, hex);
    assert_int_equal(strlen(hex), 64);
    for (size_t i = 0; i < 64; i++) assert_non_null(strchr("0123456789abcdef", hex[i]));
    assert_int_equal(proto_key_from_hex(hex, back), CM_OK);
    assert_memory_equal(back, kp.pk, PROTO_KEY_BYTES);
  }
  for (size_t i = 0; i < 64; i++) bad[i] = hex[i] >= 'a' ? (char)(hex[i] - 32) : hex[i];
  bad[64] = '\0';
  assert_int_equal(proto_key_from_hex(bad, back), CM_OK); /* either case */
  assert_memory_equal(back, kp.pk, PROTO_KEY_BYTES);
  memcpy(bad, hex, 65);
  bad[63] = '\0';
  assert_int_equal(proto_key_from_hex(bad, back), CM_ERR_INVALID);
  memcpy(bad, hex, 64);
  bad[64] = 'a';
  bad[65] = '\0';
  assert_int_equal(proto_key_from_hex(bad, back), CM_ERR_INVALID);
  memcpy(bad, hex, 65);
  bad[10] = 'x';
  assert_int_equal(proto_key_from_hex(bad, back), CM_ERR_INVALID);
  assert_int_equal(proto_key_from_hex("", back), CM_ERR_INVALID);
  assert_int_equal(proto_key_from_hex(NULL, back), CM_ERR_INVALID);
}

static void test_hash_and_fingerprint(void **state) {
  (void)state;
  uint8_t h[PROTO_HASH_BYTES];
  char hex[PROTO_KEY_HEX], fp[PROTO_FINGERPRINT_LEN], want[PROTO_FINGERPRINT_LEN];
  /* BLAKE2b-256("abc"), RFC 7693's test input at a 32-byte output */
  proto_hash((const uint8_t *)"abc", 3, h);
  proto_key_hex(h, hex);
  assert_string_equal(hex, "bddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319");

  proto_keypair kp;
  for (int round = 0; round < 50; round++) {
    assert_int_equal(proto_keypair_generate(&kp), CM_OK);
    proto_fingerprint(kp.pk, fp);
    proto_hash(kp.pk, PROTO_KEY_BYTES, h);
    snprintf(want, sizeof want, "%04u %04u %04u %04u %04u", ((h[0] << 8) | h[1]) % 10000u,
             ((h[2] << 8) | h[3]) % 10000u, ((h[4] << 8) | h[5]) % 10000u,
             ((h[6] << 8) | h[7]) % 10000u, ((h[8] << 8) | h[9]) % 10000u);
    assert_string_equal(fp, want);
    assert_int_equal(strlen(fp), PROTO_FINGERPRINT_LEN - 1);
  }
}

static int setup(void **state) {
  (void)state;
  return proto_init() == CM_OK ? 0 : -1;
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_generate),
      cmocka_unit_test(test_keyfile),
      cmocka_unit_test(test_hex),
      cmocka_unit_test(test_hash_and_fingerprint),
  };
  return cmocka_run_group_tests(tests, setup, NULL);
}
