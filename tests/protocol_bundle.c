/* protocol_bundle.c - bundle.h: encode, split, and every way a bundle lies. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "protocol/bundle.h"
#include "protocol/changeset.h"
#include "protocol/wire.h"

static proto_keypair g_kp;

/* n changesets of one author, each of 1..5 random entries, chained. */
static void make_changesets(proto_span *sp, size_t n) {
  uint8_t prev[PROTO_HASH_BYTES] = {0};
  uint64_t seq = 1;
  for (size_t i = 0; i < n; i++) {
    proto_entry e[5];
    uint8_t body[5][64]; /* must live until build has copied them */
    size_t k = 1 + randombytes_uniform(5);
    for (size_t j = 0; j < k; j++) {
      memset(&e[j], 0, sizeof e[j]);
      memcpy(e[j].author, g_kp.pk, PROTO_KEY_BYTES);
      e[j].seq = seq++;
      memcpy(e[j].prev, prev, PROTO_HASH_BYTES);
      strcpy(e[j].kind, "report.monthly");
      randombytes_buf(body[j], sizeof body[j]);
      e[j].body = body[j];
      e[j].body_len = 1 + randombytes_uniform(sizeof body[j]);
      assert_int_equal(proto_entry_hash(&e[j], prev), CM_OK);
    }
    uint8_t *p = NULL;
    size_t len = 0;
    assert_int_equal(proto_changeset_build(e, k, &g_kp, 0, &p, &len, NULL), CM_OK);
    sp[i].p = p;
    sp[i].len = len;
  }
}

static void test_roundtrip(void **state) {
  (void)state;
  for (int round = 0; round < 20; round++) {
    size_t n = (size_t)round * 3;
    proto_span *sp = calloc(n + 1, sizeof *sp), *got = NULL;
    uint8_t *b = NULL;
    size_t len = 0, m = 99;
    assert_non_null(sp);
    make_changesets(sp, n);
    assert_int_equal(proto_bundle_encode(sp, n, &b, &len), CM_OK);
    assert_memory_equal(b, "LNBD\x01\0\0\0", 8);
    assert_int_equal(wire_get_u32(b + 8), n);
    assert_int_equal(proto_bundle_split(b, len, &got, &m, NULL), CM_OK);
    assert_int_equal(m, n);
    for (size_t i = 0; i < n; i++) {
      proto_changeset cs;
      assert_int_equal(got[i].len, sp[i].len);
      assert_memory_equal(got[i].p, sp[i].p, sp[i].len);
      assert_true(got[i].p >= b && got[i].p + got[i].len <= b + len);
      assert_int_equal(proto_changeset_decode(got[i].p, got[i].len, &cs, NULL, NULL), CM_OK);
      proto_changeset_free(&cs);
    }
    free(got);
    /* every truncation is refused */
    for (size_t cut = 0; cut < len; cut += 1 + cut / 8) {
      got = NULL;
      assert_int_not_equal(proto_bundle_split(b, cut, &got, &m, NULL), CM_OK);
      assert_null(got);
    }
    for (size_t i = 0; i < n; i++) free((void *)sp[i].p);
    free(sp);
    free(b);
  }
}

static void test_errors(void **state) {
  (void)state;
  proto_span sp[3], *got = NULL;
  uint8_t *b = NULL, *t = NULL;
  size_t len = 0, m = 0;
  cm_err err;
  make_changesets(sp, 3);
  assert_int_equal(proto_bundle_encode(sp, 3, &b, &len), CM_OK);
  t = malloc(len + 300);
  assert_non_null(t);
#define SPLIT(l) proto_bundle_split(t, (l), &got, &m, &err)
  memcpy(t, b, len);
  t[0] = 'X';
  assert_int_equal(SPLIT(len), CM_PROTO_BAD_MAGIC);
  memcpy(t, b, len);
  t[4] = 2;
  assert_int_equal(SPLIT(len), CM_PROTO_BAD_VERSION);
  memcpy(t, b, len);
  t[6] = 1;
  assert_int_equal(SPLIT(len), CM_PROTO_BAD_HEADER);
  memcpy(t, b, len);
  wire_put_u32(t + 8, PROTO_BUNDLE_MAX_CHANGESETS + 1);
  assert_int_equal(SPLIT(len), CM_PROTO_TOO_MANY);
  wire_put_u32(t + 8, 0xFFFFFFFFu);
  assert_int_equal(SPLIT(len), CM_PROTO_TOO_MANY);
  wire_put_u32(t + 8, 4);
  assert_int_equal(SPLIT(len), CM_PROTO_LENGTH);
  wire_put_u32(t + 8, 2);
  assert_int_equal(SPLIT(len), CM_PROTO_LENGTH);
  wire_put_u32(t + 8, 3);
  assert_int_equal(SPLIT(len), CM_OK);
  free(got);
  got = NULL;
  memset(t + len, 0, 300);
  assert_int_equal(SPLIT(len + 1), CM_PROTO_TRAILING);
  assert_int_equal(SPLIT(len + 300), CM_PROTO_TRAILING);
  assert_int_equal(SPLIT(len - 1), CM_PROTO_TRUNCATED);
  assert_int_equal(SPLIT(11), CM_PROTO_TRUNCATED);
  /* an item that is not a changeset, and one whose payload_len is absurd */
  t[12] = 'X';
  assert_int_equal(SPLIT(len), CM_PROTO_BAD_MAGIC);
  t[12] = 'L';
  wire_put_u32(t + 12 + 120, 0xFFFFFFF0u);
  assert_int_equal(SPLIT(len), CM_PROTO_BAD_HEADER);
  assert_null(got);
  assert_int_equal(proto_bundle_split(NULL, 0, &got, &m, NULL), CM_PROTO_TRUNCATED);
#undef SPLIT
  /* encode refuses what is not a changeset */
  proto_span bad = {(const uint8_t *)"short", 5};
  uint8_t *none = NULL;
  assert_int_equal(proto_bundle_encode(&bad, 1, &none, &len), CM_ERR_INVALID);
  assert_null(none);
  free(t);
  for (size_t i = 0; i < 3; i++) free((void *)sp[i].p);
  free(b);
}

static int setup(void **state) {
  (void)state;
  return proto_init() == CM_OK && proto_keypair_generate(&g_kp) == CM_OK ? 0 : -1;
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_roundtrip),
      cmocka_unit_test(test_errors),
  };
  return cmocka_run_group_tests(tests, setup, NULL);
}
