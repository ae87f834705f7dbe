/* protocol_vectors.c - every file in tests/vectors/ against its expected result
 * (manifest.txt), and the valid vectors rebuilt from the fixtures byte for byte. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "protocol/bundle.h"
#include "protocol/changeset.h"
#include "protocol/feed.h"
#include "protocol/receipt.h"
#include "protocol/request.h"
#include "protocol_fixtures.h"

static fx_keys g_keys;

static uint8_t *load(const char *name, size_t *len) {
  uint8_t *p = NULL;
  if (fx_read_vector(name, &p, len) != 0) fail_msg("cannot read vector %s", name);
  return p;
}

/* Compare decoded hashes with a .hashes/.hash file (one hex hash a line). */
static void check_hashes(const char *file, uint8_t (*h)[PROTO_HASH_BYTES], size_t n) {
  size_t len = 0;
  char *text = (char *)load(file, &len);
  size_t i = 0;
  char *save = NULL;
  for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save), i++) {
    char hex[PROTO_KEY_HEX];
    assert_true(i < n);
    proto_key_hex(h[i], hex);
    assert_string_equal(line, hex);
  }
  assert_int_equal(i, n);
  free(text);
}

static cm_rc run_entry(const uint8_t *p, size_t len, const char *arg) {
  proto_entry e;
  uint8_t h[1][PROTO_HASH_BYTES];
  cm_rc rc = proto_entry_decode(p, len, &e, NULL);
  if (!rc && arg) {
    assert_int_equal(proto_entry_hash(&e, h[0]), CM_OK);
    check_hashes(arg, h, 1);
  }
  return rc;
}

static cm_rc run_changeset(const uint8_t *p, size_t len, const char *arg) {
  proto_changeset cs;
  cm_err err;
  cm_rc rc = proto_changeset_decode(p, len, &cs, NULL, &err);
  if (!rc) {
    assert_int_equal(cs.n, cs.h.last_seq - cs.h.first_seq + 1);
    if (arg) check_hashes(arg, cs.hashes, cs.n);
    proto_changeset_free(&cs);
  } else {
    assert_int_equal(err.rc, rc);
    assert_true(err.msg[0] != '\0');
  }
  return rc;
}

static cm_rc run_bundle(const uint8_t *p, size_t len, const char *arg) {
  proto_span *sp = NULL;
  size_t n = 0;
  cm_rc rc = proto_bundle_split(p, len, &sp, &n, NULL);
  if (!rc) {
    assert_non_null(arg);
    assert_int_equal(n, strtoul(arg, NULL, 10));
    for (size_t i = 0; i < n; i++) {
      proto_changeset cs;
      assert_int_equal(proto_changeset_decode(sp[i].p, sp[i].len, &cs, NULL, NULL), CM_OK);
      proto_changeset_free(&cs);
    }
  }
  free(sp);
  return rc;
}

static int base_lookup(void *ctx, uint64_t seq, uint8_t out[PROTO_HASH_BYTES]) {
  const proto_changeset *base = ctx;
  if (seq < 1 || seq > base->n) return 0;
  memcpy(out, base->hashes[seq - 1], PROTO_HASH_BYTES);
  return 1;
}

static cm_rc run_chain(const uint8_t *p, size_t len, const char *arg) {
  proto_changeset base, cs;
  proto_chain_state st;
  size_t blen = 0, from = 99;
  uint8_t *b = load("chain_base.bin", &blen);
  assert_int_equal(proto_changeset_decode(b, blen, &base, NULL, NULL), CM_OK);
  assert_int_equal(base.n, 5);
  st.head_seq = 5;
  memcpy(st.head_hash, base.hashes[4], PROTO_HASH_BYTES);
  assert_int_equal(proto_changeset_decode(p, len, &cs, NULL, NULL), CM_OK);
  cm_rc rc = proto_chain_check(&st, &cs, base_lookup, &base, &from, NULL);
  if (!rc) {
    assert_non_null(arg);
    assert_int_equal(from, strtoul(arg, NULL, 10));
  }
  proto_changeset_free(&cs);
  proto_changeset_free(&base);
  free(b);
  return rc;
}

static cm_rc run_receipt(const uint8_t *p, size_t len) {
  proto_receipt r;
  cm_rc rc = proto_receipt_decode(p, len, g_keys.hub.pk, &r, NULL);
  if (!rc) assert_memory_equal(r.hub, g_keys.hub.pk, PROTO_KEY_BYTES);
  return rc;
}

/* The value of "name value" line `name` in text, copied into out. */
static void field(const char *text, const char *name, char *out, size_t cap) {
  size_t nl = strlen(name);
  for (const char *l = text; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
    if (strncmp(l, name, nl) == 0 && l[nl] == ' ') {
      const char *v = l + nl + 1, *e = strchr(v, '\n');
      size_t vl = e ? (size_t)(e - v) : strlen(v);
      assert_true(vl < cap);
      memcpy(out, v, vl);
      out[vl] = '\0';
      return;
    }
  }
  fail_msg("request vector lacks %s", name);
}

static cm_rc run_request(const uint8_t *p) {
  const char *t = (const char *)p;
  char key[80], tm[32], method[16], path[256], body[1024], sig[160], now[32], win[32];
  proto_request rq;
  field(t, "key", key, sizeof key);
  field(t, "time", tm, sizeof tm);
  field(t, "method", method, sizeof method);
  field(t, "path", path, sizeof path);
  field(t, "body", body, sizeof body);
  field(t, "sig", sig, sizeof sig);
  field(t, "now", now, sizeof now);
  field(t, "window", win, sizeof win);
  assert_int_equal(proto_key_from_hex(key, rq.key), CM_OK);
  assert_int_equal(fx_unhex(sig, strlen(sig), rq.sig, PROTO_SIG_BYTES), 0);
  rq.time_ms = strtoull(tm, NULL, 10);
  rq.method = method;
  rq.path = path;
  return proto_request_verify(&rq, (const uint8_t *)body, strlen(body),
                              strtoull(now, NULL, 10), strtoull(win, NULL, 10), NULL);
}

static cm_rc run_feed(const uint8_t *p, size_t len, const char *arg) {
  proto_feed_item *items = NULL;
  size_t n = 0;
  uint64_t next = 0;
  cm_rc rc = proto_feed_decode(p, len, g_keys.hub.pk, &items, &n, &next, NULL);
  if (!rc) {
    assert_non_null(arg);
    assert_int_equal(n, strtoul(arg, NULL, 10));
    assert_int_equal(next, 30);
    for (size_t i = 0; i < n; i++) assert_int_equal(items[i].cursor, 10 * (i + 1));
  }
  free(items);
  return rc;
}

static void test_manifest(void **state) {
  (void)state;
  size_t mlen = 0, count = 0;
  char *man = (char *)load("manifest.txt", &mlen);
  char *save = NULL;
  for (char *line = strtok_r(man, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
    char file[64], check[16], expect[32], arg[64];
    if (line[0] == '#') continue;
    arg[0] = '\0';
    int got = sscanf(line, "%63s %15s %31s %63s", file, check, expect, arg);
    assert_true(got >= 3);
    size_t len = 0;
    uint8_t *p = load(file, &len);
    const char *a = got == 4 ? arg : NULL;
    cm_rc rc = CM_ERR_INVALID;
    proto_entry e;
    proto_keypair kp;
    if (strcmp(check, "entry") == 0) rc = run_entry(p, len, a);
    else if (strcmp(check, "sentry") == 0)
      rc = proto_sentry_decode(p, len, g_keys.hub.pk, &e, NULL);
    else if (strcmp(check, "changeset") == 0) rc = run_changeset(p, len, a);
    else if (strcmp(check, "bundle") == 0) rc = run_bundle(p, len, a);
    else if (strcmp(check, "chain") == 0) rc = run_chain(p, len, a);
    else if (strcmp(check, "receipt") == 0) rc = run_receipt(p, len);
    else if (strcmp(check, "request") == 0) rc = run_request(p);
    else if (strcmp(check, "feed") == 0) rc = run_feed(p, len, a);
    else if (strcmp(check, "keyfile") == 0) {
      rc = proto_keyfile_parse((const char *)p, len, &kp, NULL);
      if (!rc) assert_memory_equal(kp.pk, g_keys.community.pk, PROTO_KEY_BYTES);
    } else
      fail_msg("unknown check %s", check);
    if (strcmp(cm_rcname(rc), expect) != 0)
      fail_msg("%s: got %s, expected %s", file, cm_rcname(rc), expect);
    free(p);
    count++;
  }
  assert_true(count >= 55);
  free(man);
}

static void test_keys(void **state) {
  (void)state;
  size_t len = 0, lines = 0;
  char *text = (char *)load("keys.txt", &len);
  char *save = NULL;
  for (char *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
    char name[32], seedhex[80], pkhex[80], hex[PROTO_KEY_HEX], fp[PROTO_FINGERPRINT_LEN];
    int off = 0;
    uint8_t seed[PROTO_SEED_BYTES];
    proto_keypair kp;
    if (l[0] == '#') continue;
    assert_int_equal(sscanf(l, "%31s %79s %79s %n", name, seedhex, pkhex, &off), 3);
    assert_int_equal(fx_unhex(seedhex, strlen(seedhex), seed, sizeof seed), 0);
    assert_int_equal(proto_keypair_from_seed(seed, &kp), CM_OK);
    proto_key_hex(kp.pk, hex);
    assert_string_equal(hex, pkhex);
    proto_fingerprint(kp.pk, fp);
    assert_string_equal(fp, l + off);
    lines++;
  }
  assert_int_equal(lines, 3);
  free(text);
}

/* Rebuilt bytes must equal the checked-in bytes. */
static void same_as(const char *file, const uint8_t *p, size_t len) {
  size_t vl = 0;
  uint8_t *v = load(file, &vl);
  assert_int_equal(vl, len);
  assert_memory_equal(v, p, len);
  free(v);
}

static void test_rebuild(void **state) {
  (void)state;
  fx_log *log = malloc(sizeof *log), *hub = malloc(sizeof *hub);
  uint8_t buf[2048], *p = NULL;
  size_t len = 0;
  assert_non_null(log);
  assert_non_null(hub);
  assert_int_equal(fx_community_log(&g_keys, log), 0);
  assert_int_equal(fx_hub_log(&g_keys, hub), 0);

  assert_int_equal(proto_entry_encode(&log->e[0], buf, sizeof buf, &len), CM_OK);
  same_as("entry_1.bin", buf, len);
  assert_int_equal(proto_entry_encode(&log->e[1], buf, sizeof buf, &len), CM_OK);
  same_as("entry_2.bin", buf, len);
  assert_int_equal(proto_sentry_encode(&hub->e[0], &p, &len), CM_OK);
  same_as("sentry_hub_1.bin", p, len);
  free(p);

  /* deflate output is fixed for a given zlib; Debian 12 ships one (1.2.13) */
  assert_int_equal(proto_changeset_build(&log->e[0], 1, &g_keys.community, FX_T0 + 7200000ull,
                                         &p, &len, NULL), CM_OK);
  same_as("cs_one.bin", p, len);
  free(p);
  assert_int_equal(proto_changeset_build(&log->e[1], 50, &g_keys.community, FX_T0 + 7200000ull,
                                         &p, &len, NULL), CM_OK);
  same_as("cs_monthly50.bin", p, len);
  assert_true(len / 50 < 100); /* the wire target: under 100 bytes per report */
  free(p);
  assert_int_equal(proto_changeset_build(&hub->e[0], FX_HUB_N, &g_keys.hub, FX_T0 + 7200000ull,
                                         &p, &len, NULL), CM_OK);
  same_as("cs_hub_signed.bin", p, len);
  free(p);

  proto_receipt r;
  uint8_t rb[PROTO_RECEIPT_BYTES];
  memset(&r, 0, sizeof r);
  memcpy(r.author, g_keys.community.pk, PROTO_KEY_BYTES);
  r.seq = FX_LOG_N;
  memcpy(r.head_hash, log->hash[FX_LOG_N - 1], PROTO_HASH_BYTES);
  r.time_ms = FX_T0 + 86400000ull;
  assert_int_equal(proto_receipt_sign(&r, &g_keys.hub, rb), CM_OK);
  same_as("receipt.bin", rb, sizeof rb);

  proto_feed_item items[FX_HUB_N];
  for (size_t i = 0; i < FX_HUB_N; i++) {
    items[i].cursor = 10 * (i + 1);
    items[i].entry = hub->e[i];
  }
  assert_int_equal(proto_feed_encode(items, FX_HUB_N, 30, &p, &len), CM_OK);
  same_as("feed_3.bin", p, len);
  free(p);

  char text[PROTO_KEYFILE_MAX];
  assert_int_equal(proto_keyfile_format(&g_keys.community, text, sizeof text, &len), CM_OK);
  same_as("community.key", (const uint8_t *)text, len);
  free(log);
  free(hub);
}

static int setup(void **state) {
  (void)state;
  return proto_init() == CM_OK && fx_make_keys(&g_keys) == 0 ? 0 : -1;
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_manifest),
      cmocka_unit_test(test_keys),
      cmocka_unit_test(test_rebuild),
  };
  return cmocka_run_group_tests(tests, setup, NULL);
}
