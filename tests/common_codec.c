/* common_codec.c - hex and base64 round trips, refusal of bad input, and the
 * hard cap of cm_buf. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "common/buf.h"
#include "common/codec.h"

static void test_hex_round_trip(void **state) {
  (void)state;
  uint8_t in[256], back[256];
  char hex[513];
  for (int i = 0; i < 256; i++)
    in[i] = (uint8_t)i;
  cm_hex_encode(in, sizeof in, hex);
  assert_int_equal(strlen(hex), 512);
  assert_memory_equal(hex, "000102", 6);
  assert_int_equal(cm_hex_decode(hex, 0, back, sizeof back), CM_OK);
  assert_memory_equal(in, back, sizeof in);
  /* upper case is accepted */
  uint8_t two[2];
  assert_int_equal(cm_hex_decode("ABcd", 0, two, 2), CM_OK);
  assert_int_equal(two[0], 0xab);
  assert_int_equal(two[1], 0xcd);
  /* explicit length, no NUL needed */
  assert_int_equal(cm_hex_decode("ff00zz", 4, two, 2), CM_OK);
  assert_int_equal(two[0], 0xff);
}

static void test_hex_bad(void **state) {
  (void)state;
  uint8_t out[2];
  assert_int_equal(cm_hex_decode("abc", 0, out, 2), CM_ERR_INVALID);
  assert_int_equal(cm_hex_decode("abcdef", 0, out, 2), CM_ERR_INVALID);
  assert_int_equal(cm_hex_decode("abcg", 0, out, 2), CM_ERR_INVALID);
  assert_int_equal(cm_hex_decode("ab d", 0, out, 2), CM_ERR_INVALID);
  assert_int_equal(cm_hex_decode("", 0, out, 2), CM_ERR_INVALID);
}

static void test_b64_vectors(void **state) {
  (void)state;
  /* RFC 4648 section 10 */
  static const char *const plain[] = {"", "f", "fo", "foo", "foob", "fooba", "foobar"};
  static const char *const enc[] = {"", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy"};
  for (size_t i = 0; i < 7; i++) {
    size_t n = strlen(plain[i]);
    char out[16];
    assert_int_equal(cm_b64_encoded_size(n), strlen(enc[i]) + 1);
    cm_b64_encode((const uint8_t *)plain[i], n, out);
    assert_string_equal(out, enc[i]);
    uint8_t *dec = NULL;
    size_t dlen = 99;
    assert_int_equal(cm_b64_decode(enc[i], strlen(enc[i]), &dec, &dlen), CM_OK);
    assert_int_equal(dlen, n);
    assert_memory_equal(dec, plain[i], n);
    free(dec);
  }
}

static void test_b64_round_trip_binary(void **state) {
  (void)state;
  uint8_t in[1000];
  for (size_t i = 0; i < sizeof in; i++)
    in[i] = (uint8_t)(i * 37 + 11);
  for (size_t n = 0; n < 50; n++) {
    char *enc = malloc(cm_b64_encoded_size(n));
    assert_non_null(enc);
    cm_b64_encode(in, n, enc);
    uint8_t *dec = NULL;
    size_t dlen = 0;
    assert_int_equal(cm_b64_decode(enc, strlen(enc), &dec, &dlen), CM_OK);
    assert_int_equal(dlen, n);
    if (n) assert_memory_equal(dec, in, n);
    free(dec);
    free(enc);
  }
}

static void test_b64_bad(void **state) {
  (void)state;
  static const char *const bad[] = {
      "Zg=",      /* not a multiple of 4 */
      "Zg",       /* unpadded */
      "Z===",     /* three pad characters */
      "Zh==",     /* non-zero bits under the padding (non-canonical) */
      "Zm9=",     /* same, one pad */
      "Zm=v",     /* padding in the middle of a quantum */
      "Zg==Zg==", /* padding before the end */
      "Zm9v\n",   /* whitespace */
      "Zm-v",     /* URL-safe alphabet is not ours */
      "=Zg=",
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    uint8_t *dec = (uint8_t *)"x";
    size_t dlen = 5;
    cm_rc rc = cm_b64_decode(bad[i], strlen(bad[i]), &dec, &dlen);
    if (rc != CM_ERR_INVALID) fail_msg("accepted bad base64 '%s'", bad[i]);
    assert_null(dec);
    assert_int_equal(dlen, 0);
  }
}

/* Decimal numbers: the 64-bit range exactly; one more digit or one more unit
 * is refused, never read as the largest value. */
static void test_dec_u64(void **state) {
  (void)state;
  uint64_t v = 1;
  assert_int_equal(cm_dec_u64("0", &v), CM_OK);
  assert_true(v == 0);
  assert_int_equal(cm_dec_u64("18446744073709551615", &v), CM_OK);
  assert_true(v == UINT64_MAX);
  assert_int_equal(cm_dec_u64("18446744073709551616", &v), CM_ERR_INVALID);
  assert_int_equal(cm_dec_u64("99999999999999999999999", &v), CM_ERR_INVALID);
  assert_int_equal(cm_dec_u64("", &v), CM_ERR_INVALID);
  assert_int_equal(cm_dec_u64("-1", &v), CM_ERR_INVALID);
  assert_int_equal(cm_dec_u64("+1", &v), CM_ERR_INVALID);
  assert_int_equal(cm_dec_u64(" 1", &v), CM_ERR_INVALID);
  assert_int_equal(cm_dec_u64("12a", &v), CM_ERR_INVALID);
  assert_int_equal(cm_dec_u64(NULL, &v), CM_ERR_INVALID);
}

static void test_buf_cap(void **state) {
  (void)state;
  cm_buf b;
  cm_buf_init(&b, 10);
  assert_int_equal(cm_buf_append(&b, "12345", 5), CM_OK);
  assert_int_equal(cm_buf_append(&b, "67890", 5), CM_OK);
  assert_int_equal(b.len, 10);
  assert_string_equal((char *)b.p, "1234567890");
  /* one byte over: refused, buffer unchanged */
  assert_int_equal(cm_buf_append(&b, "x", 1), CM_ERR_TOO_LARGE);
  assert_int_equal(b.len, 10);
  assert_string_equal((char *)b.p, "1234567890");
  assert_int_equal(cm_buf_appendf(&b, "%d", 1), CM_ERR_TOO_LARGE);
  assert_int_equal(b.len, 10);
  cm_buf_reset(&b);
  assert_int_equal(b.len, 0);
  assert_int_equal(cm_buf_appendf(&b, "%s-%d", "ab", 42), CM_OK);
  assert_string_equal((char *)b.p, "ab-42");
  assert_int_equal(cm_buf_appendf(&b, "%s", "123456"), CM_ERR_TOO_LARGE);
  assert_string_equal((char *)b.p, "ab-42");
  size_t len = 0;
  uint8_t *p = cm_buf_take(&b, &len);
  assert_int_equal(len, 5);
  assert_string_equal((char *)p, "ab-42");
  free(p);
  assert_null(b.p);
  assert_int_equal(b.len, 0);
  /* still usable with the same cap after take and free */
  assert_int_equal(cm_buf_append(&b, "0123456789", 10), CM_OK);
  assert_int_equal(cm_buf_append(&b, "a", 1), CM_ERR_TOO_LARGE);
  cm_buf_free(&b);
  cm_buf_free(&b); /* twice is harmless */
  /* take of an empty buffer gives an empty string */
  p = cm_buf_take(&b, &len);
  assert_non_null(p);
  assert_int_equal(len, 0);
  assert_int_equal(p[0], 0);
  free(p);
}

static void test_buf_growth(void **state) {
  (void)state;
  cm_buf b;
  cm_buf_init(&b, 1u << 20);
  for (int i = 0; i < 100000; i++)
    assert_int_equal(cm_buf_append(&b, "abcdefghij", 10), CM_OK);
  assert_int_equal(b.len, 1000000);
  assert_true(b.cap <= (1u << 20) + 1);
  assert_int_equal(b.p[b.len], 0);
  assert_memory_equal(b.p + 999990, "abcdefghij", 10);
  cm_buf_free(&b);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_hex_round_trip), cmocka_unit_test(test_hex_bad),
      cmocka_unit_test(test_b64_vectors),    cmocka_unit_test(test_b64_round_trip_binary),
      cmocka_unit_test(test_b64_bad),        cmocka_unit_test(test_buf_cap), cmocka_unit_test(test_dec_u64),
      cmocka_unit_test(test_buf_growth),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
