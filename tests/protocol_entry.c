/* protocol_entry.c - entry.h: kinds, canonical encoding, hash, signatures. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "protocol/entry.h"
#include "protocol/wire.h"

static proto_keypair g_kp, g_other;

static void test_kind(void **state) {
  (void)state;
  char k65[66];
  assert_true(proto_kind_valid("report.monthly"));
  assert_true(proto_kind_valid("a"));
  assert_true(proto_kind_valid("x_y-z.0.9"));
  assert_false(proto_kind_valid(""));
  assert_false(proto_kind_valid(NULL));
  assert_false(proto_kind_valid("Report"));
  assert_false(proto_kind_valid("a b"));
  assert_false(proto_kind_valid("報告"));
  assert_false(proto_kind_valid("a/b"));
  memset(k65, 'a', 64);
  k65[64] = '\0';
  assert_true(proto_kind_valid(k65));
  k65[64] = 'a';
  k65[65] = '\0';
  assert_false(proto_kind_valid(k65));
}

/* A random valid entry with its body in body (cap bytes). */
static void random_entry(proto_entry *e, uint8_t *body, size_t cap) {
  static const char alphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789._-";
  memset(e, 0, sizeof *e);
  memcpy(e->author, g_kp.pk, PROTO_KEY_BYTES);
  e->seq = 1 + randombytes_uniform(1000);
  if (e->seq > 1) randombytes_buf(e->prev, PROTO_HASH_BYTES);
  randombytes_buf(&e->time_ms, sizeof e->time_ms);
  size_t kl = 1 + randombytes_uniform(PROTO_KIND_MAX);
  for (size_t i = 0; i < kl; i++) e->kind[i] = alphabet[randombytes_uniform(sizeof alphabet - 1)];
  e->body_len = randombytes_uniform((uint32_t)cap + 1);
  randombytes_buf(body, e->body_len);
  e->body = body;
}

static void test_roundtrip(void **state) {
  (void)state;
  uint8_t *body = malloc(PROTO_BODY_MAX), *buf = malloc(PROTO_BODY_MAX + 200);
  assert_non_null(body);
  assert_non_null(buf);
  for (int round = 0; round < 300; round++) {
    proto_entry e, d;
    uint8_t h1[PROTO_HASH_BYTES], h2[PROTO_HASH_BYTES];
    size_t len = 0;
    random_entry(&e, body, round % 10 == 0 ? PROTO_BODY_MAX : 600);
    assert_int_equal(proto_entry_encode(&e, buf, PROTO_BODY_MAX + 200, &len), CM_OK);
    assert_int_equal(len, proto_entry_encoded_len(&e));
    assert_int_equal(len, PROTO_ENTRY_FIXED + strlen(e.kind) + e.body_len);
    assert_int_equal(buf[0], PROTO_ENTRY_VERSION);
    assert_int_equal(wire_get_u64(buf + 33), e.seq);
    assert_int_equal(proto_entry_decode(buf, len, &d, NULL), CM_OK);
    assert_memory_equal(d.author, e.author, PROTO_KEY_BYTES);
    assert_int_equal(d.seq, e.seq);
    assert_memory_equal(d.prev, e.prev, PROTO_HASH_BYTES);
    assert_int_equal(d.time_ms, e.time_ms);
    assert_string_equal(d.kind, e.kind);
    assert_int_equal(d.body_len, e.body_len);
    assert_memory_equal(d.body, e.body, e.body_len);
    assert_int_equal(d.has_sig, 0);
    assert_true(d.body == buf + len - d.body_len);
    /* the hash is BLAKE2b-256 of the canonical bytes */
    assert_int_equal(proto_entry_hash(&e, h1), CM_OK);
    proto_hash(buf, len, h2);
    assert_memory_equal(h1, h2, PROTO_HASH_BYTES);
    /* every prefix is refused */
    for (size_t cut = 0; cut < len; cut += 1 + cut / 4)
      assert_int_not_equal(proto_entry_decode(buf, cut, &d, NULL), CM_OK);
  }
  free(body);
  free(buf);
}

static void test_encode_errors(void **state) {
  (void)state;
  uint8_t body[16] = "{}", buf[256];
  size_t len = 0;
  proto_entry e;
  random_entry(&e, body, 2);
  e.body_len = 2;
  e.seq = 0;
  assert_int_equal(proto_entry_encode(&e, buf, sizeof buf, &len), CM_ERR_INVALID);
  e.seq = 1;
  e.prev[3] = 1;
  assert_int_equal(proto_entry_encode(&e, buf, sizeof buf, &len), CM_ERR_INVALID);
  assert_int_equal(proto_entry_hash(&e, buf), CM_ERR_INVALID);
  memset(e.prev, 0, sizeof e.prev);
  assert_int_equal(proto_entry_encode(&e, buf, sizeof buf, &len), CM_OK);
  strcpy(e.kind, "Bad");
  assert_int_equal(proto_entry_encode(&e, buf, sizeof buf, &len), CM_ERR_INVALID);
  strcpy(e.kind, "ok");
  e.body_len = PROTO_BODY_MAX + 1;
  assert_int_equal(proto_entry_encode(&e, buf, sizeof buf, &len), CM_ERR_INVALID);
  e.body_len = 2;
  assert_int_equal(proto_entry_encode(&e, buf, 10, &len), CM_ERR_TOO_LARGE);
}

static void test_decode_errors(void **state) {
  (void)state;
  uint8_t body[8] = "{}", buf[256];
  size_t len = 0;
  proto_entry e, d;
  cm_err err;
  random_entry(&e, body, 2);
  e.body_len = 2;
  e.seq = 2;
  assert_int_equal(proto_entry_encode(&e, buf, sizeof buf, &len), CM_OK);
  buf[0] = 2;
  assert_int_equal(proto_entry_decode(buf, len, &d, &err), CM_PROTO_BAD_VERSION);
  assert_int_equal(err.rc, CM_PROTO_BAD_VERSION);
  buf[0] = 1;
  wire_put_u64(buf + 33, 0);
  assert_int_equal(proto_entry_decode(buf, len, &d, NULL), CM_PROTO_BAD_ENTRY);
  wire_put_u64(buf + 33, 1); /* seq 1 with a prev */
  assert_int_equal(proto_entry_decode(buf, len, &d, NULL), CM_PROTO_BAD_ENTRY);
  wire_put_u64(buf + 33, 2);
  assert_int_equal(proto_entry_decode(buf, len, &d, NULL), CM_OK);
  size_t kl = strlen(e.kind);
  buf[81] = 0; /* kind length 0 */
  assert_int_not_equal(proto_entry_decode(buf, len, &d, NULL), CM_OK);
  buf[81] = (uint8_t)kl;
  buf[82] = '/';
  assert_int_equal(proto_entry_decode(buf, len, &d, NULL), CM_PROTO_BAD_ENTRY);
  buf[82] = 'a';
  wire_put_u32(buf + 82 + kl, PROTO_BODY_MAX + 1);
  assert_int_equal(proto_entry_decode(buf, len, &d, NULL), CM_PROTO_BAD_ENTRY);
  wire_put_u32(buf + 82 + kl, 3);
  assert_int_equal(proto_entry_decode(buf, len, &d, NULL), CM_PROTO_TRUNCATED);
  wire_put_u32(buf + 82 + kl, 1);
  assert_int_equal(proto_entry_decode(buf, len, &d, NULL), CM_PROTO_TRAILING);
  assert_int_equal(proto_entry_decode(NULL, 0, &d, NULL), CM_PROTO_TRUNCATED);
}

static void test_sign(void **state) {
  (void)state;
  uint8_t body[600];
  for (int round = 0; round < 50; round++) {
    proto_entry e;
    random_entry(&e, body, sizeof body);
    assert_int_equal(proto_entry_verify(&e), CM_PROTO_BAD_SIGNATURE); /* unsigned */
    assert_int_equal(proto_entry_sign(&e, &g_kp), CM_OK);
    assert_int_equal(e.has_sig, 1);
    assert_int_equal(proto_entry_verify(&e), CM_OK);
    /* the signature is over "LNES" || 1 || hash */
    uint8_t msg[37];
    memcpy(msg, "LNES\x01", 5);
    assert_int_equal(proto_entry_hash(&e, msg + 5), CM_OK);
    assert_int_equal(crypto_sign_verify_detached(e.sig, msg, sizeof msg, g_kp.pk), 0);
    proto_entry t = e;
    t.time_ms ^= 1;
    assert_int_equal(proto_entry_verify(&t), CM_PROTO_BAD_SIGNATURE);
    t = e;
    t.sig[round % PROTO_SIG_BYTES] ^= 0x10;
    assert_int_equal(proto_entry_verify(&t), CM_PROTO_BAD_SIGNATURE);
    t = e;
    memcpy(t.author, g_other.pk, PROTO_KEY_BYTES);
    assert_int_equal(proto_entry_verify(&t), CM_PROTO_BAD_SIGNATURE);
    /* only the author signs its entries */
    assert_int_equal(proto_entry_sign(&e, &g_other), CM_ERR_INVALID);
  }
}

static void test_sentry(void **state) {
  (void)state;
  uint8_t body[300];
  for (int round = 0; round < 30; round++) {
    proto_entry e, d;
    uint8_t *s = NULL;
    size_t len = 0;
    random_entry(&e, body, sizeof body);
    assert_int_equal(proto_sentry_encode(&e, &s, &len), CM_ERR_INVALID); /* unsigned */
    assert_null(s);
    assert_int_equal(proto_entry_sign(&e, &g_kp), CM_OK);
    assert_int_equal(proto_sentry_encode(&e, &s, &len), CM_OK);
    assert_int_equal(len, proto_entry_encoded_len(&e) + PROTO_SIG_BYTES);
    assert_int_equal(proto_sentry_decode(s, len, g_kp.pk, &d, NULL), CM_OK);
    assert_int_equal(d.has_sig, 1);
    assert_memory_equal(d.sig, e.sig, PROTO_SIG_BYTES);
    assert_int_equal(d.seq, e.seq);
    assert_int_equal(proto_sentry_decode(s, len, NULL, &d, NULL), CM_OK);
    assert_int_equal(proto_sentry_decode(s, len, g_other.pk, &d, NULL), CM_ERR_PERM);
    assert_int_not_equal(proto_sentry_decode(s, len - 1, NULL, &d, NULL), CM_OK);
    assert_int_equal(proto_sentry_decode(s, 20, NULL, &d, NULL), CM_PROTO_TRUNCATED);
    /* any flipped byte is refused */
    for (size_t i = 0; i < len; i += 1 + randombytes_uniform(7)) {
      s[i] ^= 0x01;
      assert_int_not_equal(proto_sentry_decode(s, len, NULL, &d, NULL), CM_OK);
      s[i] ^= 0x01;
    }
    free(s);
  }
}

static int setup(void **state) {
  (void)state;
  if (proto_init()) return -1;
  if (proto_keypair_generate(&g_kp) || proto_keypair_generate(&g_other)) return -1;
  return 0;
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_kind),          cmocka_unit_test(test_roundtrip),
      cmocka_unit_test(test_encode_errors), cmocka_unit_test(test_decode_errors),
      cmocka_unit_test(test_sign),          cmocka_unit_test(test_sentry),
  };
  return cmocka_run_group_tests(tests, setup, NULL);
}
