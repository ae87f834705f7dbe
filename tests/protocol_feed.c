/* protocol_feed.c - feed.h: encode, decode with per-item verification. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "protocol/feed.h"
#include "protocol/wire.h"

static proto_keypair g_hub, g_other;

/* n signed hub entries (seq 1..n), bodies in body[i]. */
static void make_items(proto_feed_item *it, size_t n, char (*body)[128]) {
  uint8_t prev[PROTO_HASH_BYTES] = {0};
  for (size_t i = 0; i < n; i++) {
    proto_entry *e = &it[i].entry;
    memset(e, 0, sizeof *e);
    memcpy(e->author, g_hub.pk, PROTO_KEY_BYTES);
    e->seq = i + 1;
    memcpy(e->prev, prev, PROTO_HASH_BYTES);
    e->time_ms = 1790000000000ull + i;
    strcpy(e->kind, i % 2 ? "decision.commend" : "review.accepted");
    size_t bl = 2 + randombytes_uniform(100);
    memset(body[i], 'x', bl);
    body[i][0] = '{';
    body[i][bl - 1] = '}';
    e->body = (const uint8_t *)body[i];
    e->body_len = bl;
    assert_int_equal(proto_entry_hash(e, prev), CM_OK);
    assert_int_equal(proto_entry_sign(e, &g_hub), CM_OK);
    it[i].cursor = 100 + 3 * i;
  }
}

static void test_roundtrip(void **state) {
  (void)state;
  enum { MAXN = 40 };
  static char body[MAXN][128];
  proto_feed_item items[MAXN];
  for (size_t n = 0; n < MAXN; n += 7) {
    proto_feed_item *got = NULL;
    uint8_t *buf = NULL;
    size_t len = 0, m = 99;
    uint64_t next = 0;
    make_items(items, n, body);
    assert_int_equal(proto_feed_encode(items, n, 777, &buf, &len), CM_OK);
    assert_memory_equal(buf, "LNFD\x01\0\0\0", 8);
    assert_int_equal(wire_get_u64(buf + 8), 777);
    assert_int_equal(wire_get_u32(buf + 16), n);
    assert_int_equal(proto_feed_decode(buf, len, g_hub.pk, &got, &m, &next, NULL), CM_OK);
    assert_int_equal(m, n);
    assert_int_equal(next, 777);
    for (size_t i = 0; i < n; i++) {
      assert_int_equal(got[i].cursor, items[i].cursor);
      assert_int_equal(got[i].entry.seq, items[i].entry.seq);
      assert_int_equal(got[i].entry.body_len, items[i].entry.body_len);
      assert_memory_equal(got[i].entry.body, items[i].entry.body, items[i].entry.body_len);
      assert_int_equal(got[i].entry.has_sig, 1);
      assert_int_equal(proto_entry_verify(&got[i].entry), CM_OK);
    }
    free(got);
    got = NULL;
    if (n) {
      assert_int_equal(proto_feed_decode(buf, len, g_other.pk, &got, &m, &next, NULL),
                       CM_ERR_PERM);
      assert_null(got);
      for (size_t cut = 0; cut < len; cut += 1 + cut / 16)
        assert_int_not_equal(proto_feed_decode(buf, cut, NULL, &got, &m, &next, NULL), CM_OK);
      /* every byte of every signed entry and of its length is covered (the
       * cursors are the hub's positions, not part of what it signs) */
      for (size_t at = 20; n == 7 && at < len; at += 12 + wire_get_u32(buf + at + 8)) {
        size_t end = at + 12 + wire_get_u32(buf + at + 8);
        for (size_t i = at + 8; i < end; i += 1 + randombytes_uniform(5)) {
          buf[i] ^= 0x08;
          assert_int_not_equal(proto_feed_decode(buf, len, NULL, &got, &m, &next, NULL), CM_OK);
          buf[i] ^= 0x08;
        }
      }
    }
    free(buf);
  }
}

static void test_errors(void **state) {
  (void)state;
  static char body[3][128];
  proto_feed_item items[3], *got = NULL;
  uint8_t *buf = NULL, *t = NULL;
  size_t len = 0, m = 0;
  uint64_t next = 0;
  cm_err err;
  make_items(items, 3, body);
  assert_int_equal(proto_feed_encode(items, 3, 9, &buf, &len), CM_OK);
  t = malloc(len + 1);
  assert_non_null(t);
#define DEC(l) proto_feed_decode(t, (l), NULL, &got, &m, &next, &err)
  memcpy(t, buf, len);
  t[0] = 'X';
  assert_int_equal(DEC(len), CM_PROTO_BAD_MAGIC);
  memcpy(t, buf, len);
  t[4] = 3;
  assert_int_equal(DEC(len), CM_PROTO_BAD_VERSION);
  memcpy(t, buf, len);
  t[7] = 1;
  assert_int_equal(DEC(len), CM_PROTO_BAD_HEADER);
  memcpy(t, buf, len);
  wire_put_u32(t + 16, PROTO_FEED_MAX_ITEMS + 1);
  assert_int_equal(DEC(len), CM_PROTO_TOO_MANY);
  wire_put_u32(t + 16, 1000);
  assert_int_equal(DEC(len), CM_PROTO_TRUNCATED);
  wire_put_u32(t + 16, 2);
  assert_int_equal(DEC(len), CM_PROTO_TRAILING);
  wire_put_u32(t + 16, 3);
  t[len] = 0;
  assert_int_equal(DEC(len + 1), CM_PROTO_TRAILING);
  wire_put_u32(t + 20 + 8, 5); /* first item's length: impossible */
  assert_int_equal(DEC(len), CM_PROTO_LENGTH);
  assert_int_equal(err.rc, CM_PROTO_LENGTH);
  assert_int_equal(DEC(10), CM_PROTO_TRUNCATED);
  assert_null(got);
#undef DEC
  /* unsigned items cannot be encoded */
  items[1].entry.has_sig = 0;
  uint8_t *none = NULL;
  assert_int_equal(proto_feed_encode(items, 3, 9, &none, &len), CM_ERR_INVALID);
  assert_null(none);
  free(t);
  free(buf);
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
