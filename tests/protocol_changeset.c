/* protocol_changeset.c - changeset.h: build, peek, decode, bounded inflation and
 * chain classification, with random data and with hand-made faults. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "protocol/changeset.h"
#include "protocol/wire.h"
#include "protocol_fixtures.h"

static proto_keypair g_kp, g_other;

/* A chain of n entries by kp from seq first (prev of the first: prev0). Bodies
 * are JSON-ish text of random length; every third entry is signed when sign. */
typedef struct chain {
  size_t n;
  proto_entry *e;
  uint8_t (*hash)[PROTO_HASH_BYTES];
  char **body;
} chain;

static void chain_make(chain *c, const proto_keypair *kp, uint64_t first,
                       const uint8_t prev0[PROTO_HASH_BYTES], size_t n, int sign) {
  c->n = n;
  c->e = calloc(n, sizeof *c->e);
  c->hash = calloc(n, sizeof *c->hash);
  c->body = calloc(n, sizeof *c->body);
  assert_non_null(c->e);
  assert_non_null(c->hash);
  assert_non_null(c->body);
  for (size_t i = 0; i < n; i++) {
    proto_entry *e = &c->e[i];
    size_t bl = randombytes_uniform(400);
    c->body[i] = malloc(bl + 64);
    assert_non_null(c->body[i]);
    int k = snprintf(c->body[i], 64, "{\"n\":%zu,\"x\":\"", i);
    for (size_t j = 0; j < bl; j++) c->body[i][k + (int)j] = (char)('a' + randombytes_uniform(26));
    memcpy(c->body[i] + k + bl, "\"}", 3);
    memcpy(e->author, kp->pk, PROTO_KEY_BYTES);
    e->seq = first + i;
    memcpy(e->prev, i ? c->hash[i - 1] : prev0, PROTO_HASH_BYTES);
    e->time_ms = 1790000000000ull + i * 1000;
    snprintf(e->kind, sizeof e->kind, "%s", i % 2 ? "report.monthly" : "org.filed");
    e->body = (const uint8_t *)c->body[i];
    e->body_len = strlen(c->body[i]);
    assert_int_equal(proto_entry_hash(e, c->hash[i]), CM_OK);
    if (sign && i % 3 == 0) assert_int_equal(proto_entry_sign(e, kp), CM_OK);
  }
}

static void chain_free(chain *c) {
  for (size_t i = 0; i < c->n; i++) free(c->body[i]);
  free(c->body);
  free(c->e);
  free(c->hash);
}

static const uint8_t zero_hash[PROTO_HASH_BYTES];

static void test_roundtrip(void **state) {
  (void)state;
  for (int round = 0; round < 40; round++) {
    chain c;
    uint64_t first = round % 2 ? 1 : 1 + randombytes_uniform(100000);
    uint8_t prev0[PROTO_HASH_BYTES];
    if (first == 1) memset(prev0, 0, sizeof prev0);
    else randombytes_buf(prev0, sizeof prev0);
    size_t n = 1 + randombytes_uniform(round % 5 == 0 ? 2000 : 60);
    chain_make(&c, &g_kp, first, prev0, n, round % 3 == 0);
    uint8_t *buf = NULL;
    size_t len = 0, total = 0, used = 0;
    proto_changeset cs;
    proto_cs_header h;
    cm_err err;
    assert_int_equal(proto_changeset_build(c.e, n, &g_kp, 1790000001234ull, &buf, &len, &err),
                     CM_OK);
    assert_memory_equal(buf, "LNCS", 4);
    assert_int_equal(proto_changeset_peek(buf, len, &h, &total, &err), CM_OK);
    assert_int_equal(total, len);
    assert_int_equal(h.first_seq, first);
    assert_int_equal(h.last_seq, first + n - 1);
    assert_int_equal(h.payload_len, len - PROTO_CS_HEADER_BYTES);
    assert_int_equal(h.created_ms, 1790000001234ull);
    assert_memory_equal(h.last_hash, c.hash[n - 1], PROTO_HASH_BYTES);
    assert_memory_equal(h.prev_hash, prev0, PROTO_HASH_BYTES);
    assert_int_equal(proto_changeset_decode(buf, len, &cs, NULL, &err), CM_OK);
    assert_int_equal(cs.n, n);
    assert_int_equal(cs.raw_len, h.raw_len);
    for (size_t i = 0; i < n; i++) {
      assert_memory_equal(cs.hashes[i], c.hash[i], PROTO_HASH_BYTES);
      assert_int_equal(cs.entries[i].seq, first + i);
      assert_int_equal(cs.entries[i].time_ms, c.e[i].time_ms);
      assert_string_equal(cs.entries[i].kind, c.e[i].kind);
      assert_int_equal(cs.entries[i].body_len, c.e[i].body_len);
      assert_memory_equal(cs.entries[i].body, c.e[i].body, c.e[i].body_len);
      assert_memory_equal(cs.entries[i].prev, c.e[i].prev, PROTO_HASH_BYTES);
      assert_int_equal(cs.entries[i].has_sig, c.e[i].has_sig);
      if (c.e[i].has_sig) assert_int_equal(proto_entry_verify(&cs.entries[i]), CM_OK);
    }
    proto_changeset_free(&cs);
    proto_changeset_free(&cs); /* idempotent on a freed struct */

    /* bytes after it: refused without used_out, measured with it */
    uint8_t *more = malloc(len + 7);
    assert_non_null(more);
    memcpy(more, buf, len);
    memset(more + len, 0xAB, 7);
    assert_int_equal(proto_changeset_decode(more, len + 7, &cs, NULL, NULL), CM_PROTO_TRAILING);
    assert_int_equal(proto_changeset_decode(more, len + 7, &cs, &used, NULL), CM_OK);
    assert_int_equal(used, len);
    proto_changeset_free(&cs);
    assert_int_equal(proto_changeset_peek(more, len + 7, &h, &total, NULL), CM_OK);
    assert_int_equal(total, len);
    free(more);
    free(buf);
    chain_free(&c);
  }
  proto_changeset_free(NULL);
}

/* Every single-byte change and every truncation of a changeset is refused. */
static void test_tamper(void **state) {
  (void)state;
  chain c;
  uint8_t *buf = NULL;
  size_t len = 0;
  proto_changeset cs;
  chain_make(&c, &g_kp, 1, zero_hash, 4, 1);
  assert_int_equal(proto_changeset_build(c.e, 4, &g_kp, 5, &buf, &len, NULL), CM_OK);
  for (size_t i = 0; i < len; i++) {
    uint8_t bit = (uint8_t)(1u << (i % 8));
    buf[i] ^= bit;
    cm_rc rc = proto_changeset_decode(buf, len, &cs, NULL, NULL);
    if (rc == CM_OK) fail_msg("flipping byte %zu went unnoticed", i);
    if (i >= PROTO_CS_HEADER_BYTES) assert_int_equal(rc, CM_PROTO_PAYLOAD_HASH);
    else if (i >= 168) assert_int_equal(rc, CM_PROTO_BAD_SIGNATURE);
    buf[i] ^= bit;
  }
  for (size_t cut = 0; cut < len; cut++)
    assert_int_equal(proto_changeset_decode(buf, cut, &cs, NULL, NULL), CM_PROTO_TRUNCATED);
  assert_int_equal(proto_changeset_decode(NULL, 0, &cs, NULL, NULL), CM_PROTO_TRUNCATED);
  /* a valid header from another author's key */
  memcpy(buf + 8, g_other.pk, PROTO_KEY_BYTES);
  assert_int_equal(proto_changeset_decode(buf, len, &cs, NULL, NULL), CM_PROTO_BAD_SIGNATURE);
  free(buf);
  chain_free(&c);
}

static void test_build_errors(void **state) {
  (void)state;
  chain c;
  uint8_t *buf = NULL;
  size_t len = 0;
  cm_err err;
  chain_make(&c, &g_kp, 1, zero_hash, 5, 0);
  assert_int_equal(proto_changeset_build(c.e, 0, &g_kp, 0, &buf, &len, &err), CM_ERR_INVALID);
  assert_int_equal(proto_changeset_build(c.e, 5, &g_other, 0, &buf, &len, &err), CM_ERR_INVALID);
  assert_null(buf);
  assert_int_equal(proto_changeset_build(c.e + 1, 4, &g_kp, 0, &buf, &len, &err), CM_OK);
  free(buf);
  c.e[2].seq = 9;
  assert_int_equal(proto_changeset_build(c.e, 5, &g_kp, 0, &buf, &len, &err), CM_ERR_INVALID);
  assert_int_equal(err.rc, CM_ERR_INVALID);
  c.e[2].seq = 3;
  c.e[3].prev[0] ^= 1;
  assert_int_equal(proto_changeset_build(c.e, 5, &g_kp, 0, &buf, &len, &err), CM_ERR_INVALID);
  c.e[3].prev[0] ^= 1;
  assert_int_equal(proto_entry_sign(&c.e[1], &g_kp), CM_OK);
  c.e[1].sig[5] ^= 1;
  assert_int_equal(proto_changeset_build(c.e, 5, &g_kp, 0, &buf, &len, &err), CM_ERR_INVALID);
  c.e[1].sig[5] ^= 1;
  strcpy(c.e[4].kind, "BAD");
  assert_int_equal(proto_changeset_build(c.e, 5, &g_kp, 0, &buf, &len, &err), CM_ERR_INVALID);
  chain_free(&c);
}

/* n entries with 64 KiB bodies of zeros: compress about 1000:1. */
static void zero_chain(chain *c, size_t n) {
  chain_make(c, &g_kp, 1, zero_hash, n, 0);
  for (size_t i = 0; i < n; i++) {
    free(c->body[i]);
    c->body[i] = calloc(1, PROTO_BODY_MAX + 1);
    assert_non_null(c->body[i]);
    c->e[i].body = (const uint8_t *)c->body[i];
    c->e[i].body_len = PROTO_BODY_MAX;
    if (i) memcpy(c->e[i].prev, c->hash[i - 1], PROTO_HASH_BYTES);
    assert_int_equal(proto_entry_hash(&c->e[i], c->hash[i]), CM_OK);
  }
}

static void test_bomb(void **state) {
  (void)state;
  chain c;
  uint8_t *buf = NULL, *bomb = NULL;
  size_t len = 0, blen = 0;
  proto_changeset cs;
  cm_err err;
  /* The ratio holds at every size, and the builder refuses what a receiver
   * would call a bomb: 17 entries of 64 KiB of zeros are over 200 x their
   * compressed size.  One such entry is not, at the builder's level (zlib's
   * fastest; at the default level it was): what the builder makes at the
   * edge, the receiver takes.  The receiver's own refusals are below, on
   * honestly signed bombs deflated at level 9. */
  zero_chain(&c, 1);
  assert_int_equal(proto_changeset_build(c.e, 1, &g_kp, 0, &bomb, &blen, &err), CM_OK);
  assert_int_equal(proto_changeset_decode(bomb, blen, &cs, NULL, &err), CM_OK);
  assert_int_equal(cs.n, 1);
  proto_changeset_free(&cs);
  free(bomb);
  bomb = NULL;
  chain_free(&c);
  zero_chain(&c, 17);
  assert_int_equal(proto_changeset_build(c.e, 17, &g_kp, 0, &bomb, &blen, &err),
                   CM_ERR_TOO_LARGE);
  chain_free(&c);
  /* an honest small changeset (its bodies' length in digits) passes */
  zero_chain(&c, 3);
  for (size_t i = 0; i < 3; i++) {
    c.e[i].body_len = 200;
    for (size_t k = 0; k < 200; k++) c.body[i][k] = (char)('0' + (k * 7 + i) % 10);
    if (i) memcpy(c.e[i].prev, c.hash[i - 1], PROTO_HASH_BYTES);
    assert_int_equal(proto_entry_hash(&c.e[i], c.hash[i]), CM_OK);
  }
  assert_int_equal(proto_changeset_build(c.e, 3, &g_kp, 0, &buf, &len, &err), CM_OK);
  assert_int_equal(proto_changeset_decode(buf, len, &cs, NULL, &err), CM_OK);
  assert_int_equal(cs.n, 3);
  proto_changeset_free(&cs);
  chain_free(&c);
  /* 16 entries of 64 KB of spaces, honestly declared and signed: refused by
   * the receiver although the whole is only 1 MiB */
  size_t sl = 16u * (PROTO_BODY_MAX / 2);
  uint8_t *spaces = malloc(sl);
  assert_non_null(spaces);
  memset(spaces, ' ', sl);
  assert_int_equal(fx_cs_with_raw(buf, spaces, sl, 9, &g_kp, &bomb, &blen), 0);
  assert_int_equal(proto_changeset_decode(bomb, blen, &cs, NULL, &err), CM_PROTO_BOMB);
  assert_non_null(strstr(err.msg, "200"));
  free(bomb);
  free(spaces);

  /* ratio: 2 MiB of zeros in about 2 KiB, honestly declared and signed */
  size_t rl = 2u << 20;
  uint8_t *zero = calloc(1, rl);
  assert_non_null(zero);
  assert_int_equal(fx_cs_with_raw(buf, zero, rl, 9, &g_kp, &bomb, &blen), 0);
  assert_int_equal(proto_changeset_decode(bomb, blen, &cs, NULL, &err), CM_PROTO_BOMB);
  assert_int_equal(err.rc, CM_PROTO_BOMB);
  free(bomb);
  free(zero);

  /* absolute cap: a payload over 1 MiB at a ratio under 64 that inflates past
   * 64 MiB (raw_len claims the maximum, so only the cap can stop it) */
  rl = PROTO_CS_MAX_RAW + (2u << 20);
  uint8_t *raw = calloc(1, rl);
  assert_non_null(raw);
  for (size_t off = 0; off < rl; off += 65536) randombytes_buf(raw + off, 1400);
  assert_int_equal(fx_cs_with_raw(buf, raw, rl, 1, &g_kp, &bomb, &blen), 0);
  wire_put_u32(bomb + 124, PROTO_CS_MAX_RAW);
  fx_cs_resign(bomb, &g_kp);
  assert_true(blen - PROTO_CS_HEADER_BYTES > PROTO_CS_MAX_RAW / PROTO_CS_MAX_RATIO);
  assert_int_equal(proto_changeset_decode(bomb, blen, &cs, NULL, &err), CM_PROTO_BOMB);
  free(bomb);
  free(raw);

  /* a header that declares more than the cap never gets to inflation */
  wire_put_u32(buf + 124, PROTO_CS_MAX_RAW + 1);
  fx_cs_resign(buf, &g_kp);
  assert_int_equal(proto_changeset_decode(buf, len, &cs, NULL, &err), CM_PROTO_BAD_HEADER);
  free(buf);
}

/* Header fields that are checked before the signature, each signed again so
 * that the field is the only fault. */
static void test_header_checks(void **state) {
  (void)state;
  chain c;
  uint8_t *buf = NULL;
  size_t len = 0;
  proto_changeset cs;
  chain_make(&c, &g_kp, 1, zero_hash, 3, 0);
  assert_int_equal(proto_changeset_build(c.e, 3, &g_kp, 0, &buf, &len, NULL), CM_OK);
  uint8_t *t = malloc(len);
  assert_non_null(t);
  struct {
    size_t off;
    uint64_t val;
    int width;
    cm_rc expect;
  } cases[] = {
      {4, 0, 1, CM_PROTO_BAD_VERSION},    {5, 2, 1, CM_PROTO_BAD_SUITE},
      {6, 0x8000, 2, CM_PROTO_BAD_HEADER}, {40, 0, 8, CM_PROTO_BAD_HEADER},  /* first 0 */
      {40, 4, 8, CM_PROTO_BAD_HEADER},     /* first > last */
      {40, 2, 8, CM_PROTO_BAD_HEADER},     /* first 2 with a zero prev */
      {48, 200001, 8, CM_PROTO_TOO_MANY},  {120, (16u << 20) + 1, 4, CM_PROTO_BAD_HEADER},
      {124, (64u << 20) + 1, 4, CM_PROTO_BAD_HEADER},
      {120, 100000, 4, CM_PROTO_TRUNCATED}, {48, 2, 8, CM_PROTO_LENGTH},    /* one entry too many */
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    memcpy(t, buf, len);
    if (cases[i].width == 1) t[cases[i].off] = (uint8_t)cases[i].val;
    if (cases[i].width == 2) wire_put_u16(t + cases[i].off, (uint16_t)cases[i].val);
    if (cases[i].width == 4) wire_put_u32(t + cases[i].off, (uint32_t)cases[i].val);
    if (cases[i].width == 8) wire_put_u64(t + cases[i].off, cases[i].val);
    /* checks on payload_len come before the signature: no need (nor bytes) to re-sign */
    if (cases[i].off != 120) fx_cs_resign(t, &g_kp);
    cm_rc rc = proto_changeset_decode(t, len, &cs, NULL, NULL);
    if (rc != cases[i].expect)
      fail_msg("case %zu: %s, expected %s", i, cm_rcname(rc), cm_rcname(cases[i].expect));
  }
  /* seq > 1 with an all-zero prev, and seq 1 with a prev */
  memcpy(t, buf, len);
  t[56] = 1;
  fx_cs_resign(t, &g_kp);
  assert_int_equal(proto_changeset_decode(t, len, &cs, NULL, NULL), CM_PROTO_BAD_HEADER);
  free(t);
  free(buf);
  chain_free(&c);
}

static int lookup_ok(void *ctx, uint64_t seq, uint8_t out[PROTO_HASH_BYTES]) {
  chain *c = ctx;
  if (seq < 1 || seq > c->n) return 0;
  memcpy(out, c->hash[seq - 1], PROTO_HASH_BYTES);
  return 1;
}

static int lookup_none(void *ctx, uint64_t seq, uint8_t out[PROTO_HASH_BYTES]) {
  (void)ctx, (void)seq, (void)out;
  return 0;
}

/* Decode entries [from, from+n) of c (seq from+1...) as a changeset. */
static void cs_of(const chain *c, size_t from, size_t n, proto_changeset *cs) {
  uint8_t *buf = NULL;
  size_t len = 0;
  assert_int_equal(proto_changeset_build(c->e + from, n, &g_kp, 0, &buf, &len, NULL), CM_OK);
  assert_int_equal(proto_changeset_decode(buf, len, cs, NULL, NULL), CM_OK);
  free(buf);
}

static void test_chain_check(void **state) {
  (void)state;
  chain c, alt;
  proto_changeset cs;
  proto_chain_state st, empty;
  size_t from = 0;
  cm_err err;
  chain_make(&c, &g_kp, 1, zero_hash, 20, 0);
  /* alt = the same first 9 entries, a different 10th and on */
  chain_make(&alt, &g_kp, 1, zero_hash, 20, 0);
  for (size_t i = 0; i < 9; i++) {
    size_t bl = strlen(c.body[i]) + 1;
    free(alt.body[i]);
    alt.body[i] = malloc(bl);
    assert_non_null(alt.body[i]);
    memcpy(alt.body[i], c.body[i], bl);
    alt.e[i] = c.e[i];
    alt.e[i].body = (const uint8_t *)alt.body[i];
    memcpy(alt.hash[i], c.hash[i], PROTO_HASH_BYTES);
  }
  memcpy(alt.e[9].prev, c.hash[8], PROTO_HASH_BYTES);
  for (size_t i = 9; i < 20; i++) {
    if (i > 9) memcpy(alt.e[i].prev, alt.hash[i - 1], PROTO_HASH_BYTES);
    assert_int_equal(proto_entry_hash(&alt.e[i], alt.hash[i]), CM_OK);
  }
  assert_memory_not_equal(alt.hash[9], c.hash[9], PROTO_HASH_BYTES);

  st.head_seq = 12; /* receiver holds c[1..12] */
  memcpy(st.head_hash, c.hash[11], PROTO_HASH_BYTES);
  memset(&empty, 0, sizeof empty);

  cs_of(&c, 0, 3, &cs); /* new author: 1..3 */
  assert_int_equal(proto_chain_check(&empty, &cs, lookup_none, NULL, &from, &err), CM_OK);
  assert_int_equal(from, 0);
  proto_changeset_free(&cs);
  cs_of(&c, 1, 3, &cs); /* new author: 2..4 is a gap */
  assert_int_equal(proto_chain_check(&empty, &cs, lookup_none, NULL, &from, &err), CM_PROTO_GAP);
  proto_changeset_free(&cs);

  cs_of(&c, 12, 5, &cs); /* 13..17 */
  assert_int_equal(proto_chain_check(&st, &cs, lookup_ok, &c, &from, &err), CM_OK);
  assert_int_equal(from, 0);
  proto_changeset_free(&cs);
  cs_of(&c, 14, 2, &cs); /* 15..16 */
  assert_int_equal(proto_chain_check(&st, &cs, lookup_ok, &c, &from, &err), CM_PROTO_GAP);
  assert_int_equal(err.rc, CM_PROTO_GAP);
  proto_changeset_free(&cs);
  cs_of(&c, 4, 5, &cs); /* 5..9: pure replay */
  assert_int_equal(proto_chain_check(&st, &cs, lookup_ok, &c, &from, &err), CM_OK);
  assert_int_equal(from, 5);
  proto_changeset_free(&cs);
  cs_of(&c, 9, 3, &cs); /* 10..12 replay ending at the head */
  assert_int_equal(proto_chain_check(&st, &cs, lookup_ok, &c, &from, &err), CM_OK);
  assert_int_equal(from, 3);
  proto_changeset_free(&cs);
  cs_of(&c, 9, 8, &cs); /* 10..17: 13.. new */
  assert_int_equal(proto_chain_check(&st, &cs, lookup_ok, &c, &from, &err), CM_OK);
  assert_int_equal(from, 3);
  /* overlapping up to the head needs no lookup */
  assert_int_equal(proto_chain_check(&st, &cs, lookup_none, NULL, &from, &err), CM_OK);
  assert_int_equal(from, 3);
  proto_changeset_free(&cs);
  cs_of(&c, 4, 5, &cs); /* 5..9 again, but the receiver lost entries it claims to hold */
  assert_int_equal(proto_chain_check(&st, &cs, lookup_none, NULL, &from, &err),
                   CM_ERR_NOT_FOUND);
  assert_int_equal(proto_chain_check(&st, &cs, NULL, NULL, &from, &err), CM_ERR_NOT_FOUND);
  proto_changeset_free(&cs);
  cs_of(&alt, 7, 3, &cs); /* 8..10' below the head: found by the lookup of 10 */
  assert_int_equal(proto_chain_check(&st, &cs, lookup_ok, &c, &from, &err), CM_PROTO_FORK);
  proto_changeset_free(&cs);
  cs_of(&alt, 7, 2, &cs); /* 8..9: the shared history, not a fork */
  assert_int_equal(proto_chain_check(&st, &cs, lookup_ok, &c, &from, &err), CM_OK);
  assert_int_equal(from, 2);
  proto_changeset_free(&cs);
  cs_of(&alt, 7, 5, &cs); /* 8..12 with a different 10 */
  assert_int_equal(proto_chain_check(&st, &cs, lookup_ok, &c, &from, &err), CM_PROTO_FORK);
  proto_changeset_free(&cs);
  cs_of(&alt, 11, 3, &cs); /* 12'..14': differs at the head */
  assert_int_equal(proto_chain_check(&st, &cs, lookup_ok, &c, &from, &err), CM_PROTO_FORK);
  proto_changeset_free(&cs);
  cs_of(&alt, 12, 3, &cs); /* 13'..15': starts right but chains from 12' */
  assert_int_equal(proto_chain_check(&st, &cs, lookup_ok, &c, &from, &err),
                   CM_PROTO_PREV_MISMATCH);
  proto_changeset_free(&cs);
  chain_free(&c);
  chain_free(&alt);
}

static int setup(void **state) {
  (void)state;
  if (proto_init()) return -1;
  if (proto_keypair_generate(&g_kp) || proto_keypair_generate(&g_other)) return -1;
  return 0;
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_roundtrip),     cmocka_unit_test(test_tamper),
      cmocka_unit_test(test_build_errors),  cmocka_unit_test(test_bomb),
      cmocka_unit_test(test_header_checks), cmocka_unit_test(test_chain_check),
  };
  return cmocka_run_group_tests(tests, setup, NULL);
}
