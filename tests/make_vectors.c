/* make_vectors.c - writes tests/vectors/ from the fixed keys and logs of
 * protocol_fixtures.c.  Run by hand when the format changes, then check the
 * files in:  build/tests/make_vectors tests/vectors
 *
 * Invalid cases are made by patching a valid changeset's bytes; where a case is
 * about something other than the signature (a lying raw_len, a bomb, a broken
 * chain), the patched header is signed again, so that the only fault left is
 * the one the case is named for. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "protocol/bundle.h"
#include "protocol/changeset.h"
#include "protocol/feed.h"
#include "protocol/receipt.h"
#include "protocol/request.h"
#include "protocol/wire.h"
#include "protocol_fixtures.h"

/* header offsets (docs/protocol.md, "Changeset") */
#define O_VERSION 4
#define O_SUITE 5
#define O_FLAGS 6
#define O_LAST 48
#define O_LASTH 88
#define O_PLEN 120
#define O_RLEN 124
#define O_CREATED 160
#define O_SIG 168
#define HDR PROTO_CS_HEADER_BYTES

static const char *g_dir;
static FILE *g_manifest;
static int g_fail;

static void die(const char *what) {
  fprintf(stderr, "make_vectors: %s\n", what);
  exit(1);
}

typedef struct blob {
  uint8_t *p;
  size_t len;
} blob;

static void put_file(const char *name, const void *p, size_t len) {
  char path[1024];
  snprintf(path, sizeof path, "%s/%s", g_dir, name);
  FILE *f = fopen(path, "wb");
  if (!f || fwrite(p, 1, len, f) != len || fclose(f) != 0) die(path);
}

static void manifest(const char *file, const char *check, cm_rc expect, const char *arg) {
  if (arg)
    fprintf(g_manifest, "%-26s %-10s %-22s %s\n", file, check, cm_rcname(expect), arg);
  else
    fprintf(g_manifest, "%-26s %-10s %s\n", file, check, cm_rcname(expect));
}

/* Write a changeset and its manifest line; also check now that it decodes to
 * the expected code, so a wrong vector is never written silently. */
static void emit_cs(const char *file, const char *check, blob b, cm_rc expect) {
  proto_changeset cs;
  cm_err err;
  cm_rc rc = proto_changeset_decode(b.p, b.len, &cs, NULL, &err);
  if (rc != expect) {
    fprintf(stderr, "make_vectors: %s decodes to %s (%s), expected %s\n", file, cm_rcname(rc),
            rc ? err.msg : "", cm_rcname(expect));
    g_fail = 1;
  }
  proto_changeset_free(&cs);
  put_file(file, b.p, b.len);
  manifest(file, check, expect, NULL);
}

static void put_hashes(const char *file, uint8_t (*h)[PROTO_HASH_BYTES], size_t n) {
  char path[1024];
  snprintf(path, sizeof path, "%s/%s", g_dir, file);
  FILE *f = fopen(path, "w");
  if (!f) die(path);
  for (size_t i = 0; i < n; i++) {
    char hex[PROTO_KEY_HEX];
    proto_key_hex(h[i], hex);
    fprintf(f, "%s\n", hex);
  }
  if (fclose(f) != 0) die(path);
}

static blob build(const fx_log *log, size_t from, size_t n, const proto_keypair *kp) {
  blob b = {NULL, 0};
  cm_err err;
  if (proto_changeset_build(&log->e[from], n, kp, FX_T0 + 7200000ull, &b.p, &b.len, &err))
    die(err.msg);
  return b;
}

static blob copy(blob b) {
  blob c = {malloc(b.len + 16), b.len};
  if (!c.p) die("nomem");
  memcpy(c.p, b.p, b.len);
  return c;
}

static void resign(blob b, const proto_keypair *kp) { fx_cs_resign(b.p, kp); }

static blob with_payload(blob b, const uint8_t *z, size_t zlen, uint32_t raw_len,
                         const proto_keypair *kp) {
  blob c;
  if (fx_cs_with_payload(b.p, z, zlen, raw_len, kp, &c.p, &c.len)) die("nomem");
  return c;
}

static blob with_raw(blob b, const uint8_t *raw, size_t raw_len, const proto_keypair *kp) {
  blob c;
  if (fx_cs_with_raw(b.p, raw, raw_len, 9, kp, &c.p, &c.len)) die("deflate");
  return c;
}

/* The inflated payload of a valid changeset (caller frees). */
static blob raw_of(blob b) {
  proto_changeset cs;
  cm_err err;
  if (proto_changeset_decode(b.p, b.len, &cs, NULL, &err)) die(err.msg);
  blob r = {cs.raw, cs.raw_len};
  cs.raw = NULL;
  proto_changeset_free(&cs);
  return r;
}

static void emit_valid_cs(const char *file, const char *hashes, blob b) {
  proto_changeset cs;
  cm_err err;
  if (proto_changeset_decode(b.p, b.len, &cs, NULL, &err)) die(err.msg);
  put_hashes(hashes, cs.hashes, cs.n);
  proto_changeset_free(&cs);
  put_file(file, b.p, b.len);
  manifest(file, "changeset", CM_OK, hashes);
}

static void keys_file(const fx_keys *k) {
  char path[1024];
  const struct {
    const char *name;
    const proto_keypair *kp;
  } ks[] = {{"community", &k->community}, {"hub", &k->hub}, {"other", &k->other}};
  snprintf(path, sizeof path, "%s/keys.txt", g_dir);
  FILE *f = fopen(path, "w");
  if (!f) die(path);
  fprintf(f, "# name seed-hex public-key-hex fingerprint\n");
  for (size_t i = 0; i < 3; i++) {
    char seed[PROTO_KEY_HEX], pk[PROTO_KEY_HEX], fp[PROTO_FINGERPRINT_LEN];
    proto_key_hex(ks[i].kp->sk, seed);
    proto_key_hex(ks[i].kp->pk, pk);
    proto_fingerprint(ks[i].kp->pk, fp);
    fprintf(f, "%s %s %s %s\n", ks[i].name, seed, pk, fp);
  }
  if (fclose(f) != 0) die(path);
  char text[PROTO_KEYFILE_MAX];
  size_t tl = 0;
  if (proto_keyfile_format(&k->community, text, sizeof text, &tl)) die("keyfile");
  put_file("community.key", text, tl);
  manifest("community.key", "keyfile", CM_OK, NULL);
}

static void entries(const fx_keys *k, const fx_log *log, const fx_log *hub) {
  uint8_t buf[2048];
  size_t len = 0;
  char hex[PROTO_KEY_HEX];
  for (size_t i = 0; i < 2; i++) {
    char name[64], hname[64];
    if (proto_entry_encode(&log->e[i], buf, sizeof buf, &len)) die("entry");
    snprintf(name, sizeof name, "entry_%zu.bin", i + 1);
    snprintf(hname, sizeof hname, "entry_%zu.hash", i + 1);
    put_file(name, buf, len);
    proto_key_hex(log->hash[i], hex);
    put_file(hname, hex, strlen(hex));
    manifest(name, "entry", CM_OK, hname);
  }
  /* bad kind: an upper-case letter in the kind */
  if (proto_entry_encode(&log->e[1], buf, sizeof buf, &len)) die("entry");
  buf[PROTO_ENTRY_FIXED - 4 + 1] = 'R';
  put_file("entry_bad_kind.bin", buf, len);
  manifest("entry_bad_kind.bin", "entry", CM_PROTO_BAD_ENTRY, NULL);
  if (proto_entry_encode(&log->e[1], buf, sizeof buf, &len)) die("entry");
  put_file("entry_truncated.bin", buf, len - 1);
  manifest("entry_truncated.bin", "entry", CM_PROTO_TRUNCATED, NULL);
  if (proto_entry_encode(&log->e[1], buf, sizeof buf, &len)) die("entry");
  buf[len] = '\n';
  put_file("entry_trailing.bin", buf, len + 1);
  manifest("entry_trailing.bin", "entry", CM_PROTO_TRAILING, NULL);

  uint8_t *s = NULL;
  size_t sl = 0;
  if (proto_sentry_encode(&hub->e[0], &s, &sl)) die("sentry");
  put_file("sentry_hub_1.bin", s, sl);
  manifest("sentry_hub_1.bin", "sentry", CM_OK, NULL);
  s[sl - 70] ^= 0x01; /* in the body */
  put_file("sentry_flipped.bin", s, sl);
  manifest("sentry_flipped.bin", "sentry", CM_PROTO_BAD_SIGNATURE, NULL);
  free(s);
  /* a hub entry signed by another key than the pinned hub */
  proto_entry e = hub->e[0];
  memcpy(e.author, k->other.pk, PROTO_KEY_BYTES);
  if (proto_entry_sign(&e, &k->other) || proto_sentry_encode(&e, &s, &sl)) die("sentry");
  put_file("sentry_wrong_key.bin", s, sl);
  manifest("sentry_wrong_key.bin", "sentry", CM_ERR_PERM, NULL);
  free(s);
}

static void changesets(const fx_keys *k, const fx_log *log, const fx_log *hub) {
  blob one = build(log, 0, 1, &k->community);
  blob month = build(log, 1, 50, &k->community);
  blob hubcs = build(hub, 0, FX_HUB_N, &k->hub);
  emit_valid_cs("cs_one.bin", "cs_one.hashes", one);
  emit_valid_cs("cs_monthly50.bin", "cs_monthly50.hashes", month);
  emit_valid_cs("cs_hub_signed.bin", "cs_hub_signed.hashes", hubcs);
  printf("cs_monthly50: %zu bytes for 50 reports (%zu bytes/report), raw %lu\n", month.len,
         month.len / 50, (unsigned long)wire_get_u32(month.p + O_RLEN));

  blob b;
  b = copy(one); /* header signed by a key that is not the author */
  crypto_sign_detached(b.p + O_SIG, NULL, b.p, O_SIG, k->other.sk);
  emit_cs("cs_bad_sig.bin", "changeset", b, CM_PROTO_BAD_SIGNATURE);
  free(b.p);
  b = copy(one);
  b.p[O_CREATED + 7] ^= 0x01;
  emit_cs("cs_flip_header.bin", "changeset", b, CM_PROTO_BAD_SIGNATURE);
  free(b.p);
  b = copy(one);
  b.p[HDR + 10] ^= 0x20;
  emit_cs("cs_flip_payload.bin", "changeset", b, CM_PROTO_PAYLOAD_HASH);
  free(b.p);
  b = copy(one);
  b.p[O_SIG + 20] ^= 0x04;
  emit_cs("cs_flip_sig.bin", "changeset", b, CM_PROTO_BAD_SIGNATURE);
  free(b.p);
  b = copy(one);
  b.len = 100;
  emit_cs("cs_trunc_header.bin", "changeset", b, CM_PROTO_TRUNCATED);
  free(b.p);
  b = copy(one);
  b.len -= 5;
  emit_cs("cs_trunc_payload.bin", "changeset", b, CM_PROTO_TRUNCATED);
  free(b.p);
  b = copy(one);
  memcpy(b.p + b.len, "\0\0\0", 3);
  b.len += 3;
  emit_cs("cs_trailing.bin", "changeset", b, CM_PROTO_TRAILING);
  free(b.p);
  b = copy(one);
  b.p[O_VERSION] = 2;
  resign(b, &k->community);
  emit_cs("cs_bad_version.bin", "changeset", b, CM_PROTO_BAD_VERSION);
  free(b.p);
  b = copy(one);
  b.p[O_SUITE] = 7;
  resign(b, &k->community);
  emit_cs("cs_bad_suite.bin", "changeset", b, CM_PROTO_BAD_SUITE);
  free(b.p);
  b = copy(one);
  memcpy(b.p, "LNCX", 4);
  emit_cs("cs_bad_magic.bin", "changeset", b, CM_PROTO_BAD_MAGIC);
  free(b.p);
  b = copy(one);
  wire_put_u16(b.p + O_FLAGS, 1);
  resign(b, &k->community);
  emit_cs("cs_bad_flags.bin", "changeset", b, CM_PROTO_BAD_HEADER);
  free(b.p);

  /* bomb: 2 MiB of zeros deflate to about 2 KiB, a ratio near 1000 */
  {
    size_t rl = 2u << 20;
    uint8_t *zero = calloc(1, rl);
    if (!zero) die("nomem");
    blob c = with_raw(one, zero, rl, &k->community);
    emit_cs("cs_bomb.bin", "changeset", c, CM_PROTO_BOMB);
    free(c.p);
    free(zero);
  }
  /* raw_len that lies, both ways, in a signed header */
  b = copy(one);
  wire_put_u32(b.p + O_RLEN, wire_get_u32(b.p + O_RLEN) + 10);
  resign(b, &k->community);
  emit_cs("cs_rawlen_long.bin", "changeset", b, CM_PROTO_LENGTH);
  free(b.p);
  b = copy(one);
  wire_put_u32(b.p + O_RLEN, wire_get_u32(b.p + O_RLEN) - 10);
  resign(b, &k->community);
  emit_cs("cs_rawlen_short.bin", "changeset", b, CM_PROTO_LENGTH);
  free(b.p);
  /* last_hash that the entries do not reach */
  b = copy(month);
  b.p[O_LASTH] ^= 0x80;
  resign(b, &k->community);
  emit_cs("cs_chain_broken.bin", "changeset", b, CM_PROTO_CHAIN);
  free(b.p);
  /* last_seq one too high: the payload holds one entry fewer than the header says */
  b = copy(month);
  wire_put_u64(b.p + O_LAST, wire_get_u64(b.p + O_LAST) + 1);
  resign(b, &k->community);
  emit_cs("cs_count_lies.bin", "changeset", b, CM_PROTO_LENGTH);
  free(b.p);
  /* a signed header over bytes that are not a deflate stream */
  {
    static const uint8_t junk[] = "this is not a zlib stream, just text";
    blob c = with_payload(one, junk, sizeof junk - 1, 100, &k->community);
    emit_cs("cs_inflate_corrupt.bin", "changeset", c, CM_PROTO_INFLATE);
    free(c.p);
  }
  /* a stream that stops early (its last 6 bytes cut, hashed and signed so) */
  {
    size_t zl = one.len - HDR - 6;
    blob c = with_payload(one, one.p + HDR, zl, wire_get_u32(one.p + O_RLEN), &k->community);
    emit_cs("cs_inflate_short.bin", "changeset", c, CM_PROTO_INFLATE);
    free(c.p);
  }
  /* payload entries: reserved flag bit set / a signed hub entry whose signature fails */
  {
    blob raw = raw_of(one);
    size_t kl = strlen(log->e[0].kind);
    raw.p[8 + 1 + kl] = 0x02;
    blob c = with_raw(one, raw.p, raw.len, &k->community);
    emit_cs("cs_bad_entry.bin", "changeset", c, CM_PROTO_BAD_ENTRY);
    free(c.p);
    free(raw.p);
  }
  {
    blob raw = raw_of(hubcs);
    raw.p[raw.len - 1] ^= 0x01; /* the last entry's signature */
    blob c = with_raw(hubcs, raw.p, raw.len, &k->hub);
    emit_cs("cs_entry_sig_bad.bin", "changeset", c, CM_PROTO_BAD_SIGNATURE);
    free(c.p);
    free(raw.p);
  }

  /* bundles */
  proto_span sp[3] = {{one.p, one.len}, {month.p, month.len}, {hubcs.p, hubcs.len}};
  uint8_t *bd = NULL;
  size_t bl = 0;
  if (proto_bundle_encode(sp, 3, &bd, &bl)) die("bundle");
  put_file("bundle_3.bin", bd, bl);
  manifest("bundle_3.bin", "bundle", CM_OK, "3");
  put_file("bundle_truncated.bin", bd, bl - 1);
  manifest("bundle_truncated.bin", "bundle", CM_PROTO_TRUNCATED, NULL);
  uint8_t *bt = malloc(bl + 2);
  if (!bt) die("nomem");
  memcpy(bt, bd, bl);
  bt[bl] = 0x0a;
  bt[bl + 1] = 0x0a;
  put_file("bundle_trailing.bin", bt, bl + 2);
  manifest("bundle_trailing.bin", "bundle", CM_PROTO_TRAILING, NULL);
  memcpy(bt, bd, bl);
  wire_put_u32(bt + 8, 4);
  put_file("bundle_count_high.bin", bt, bl);
  manifest("bundle_count_high.bin", "bundle", CM_PROTO_LENGTH, NULL);
  wire_put_u32(bt + 8, 2);
  put_file("bundle_count_low.bin", bt, bl);
  manifest("bundle_count_low.bin", "bundle", CM_PROTO_LENGTH, NULL);
  free(bt);
  free(bd);
  if (proto_bundle_encode(NULL, 0, &bd, &bl)) die("bundle");
  put_file("bundle_empty.bin", bd, bl);
  manifest("bundle_empty.bin", "bundle", CM_OK, "0");
  free(bd);
  free(one.p);
  free(month.p);
  free(hubcs.p);
}

/* proto_chain_check: the receiver holds chain_base.bin (entries 1..5). */
static void chains(const fx_keys *k, const fx_log *log) {
  fx_log *alt = malloc(sizeof *alt);
  if (!alt) die("nomem");
  blob base = build(log, 0, 5, &k->community);
  put_file("chain_base.bin", base.p, base.len);
  free(base.p);
  struct {
    const char *file;
    const fx_log *lg;
    size_t from, n;
    cm_rc expect;
    const char *new_from;
  } cases[] = {
      {"chain_next.bin", log, 5, 2, CM_OK, "0"},          /* 6..7 */
      {"chain_replay.bin", log, 1, 3, CM_OK, "3"},        /* 2..4, all held */
      {"chain_overlap.bin", log, 3, 4, CM_OK, "2"},       /* 4..7, 6 and 7 new */
      {"chain_gap.bin", log, 7, 2, CM_PROTO_GAP, NULL},   /* 8..9 */
      {"chain_fork.bin", alt, 3, 3, CM_PROTO_FORK, NULL}, /* 4'..6' */
      {"chain_wrong_prev.bin", alt, 5, 2, CM_PROTO_PREV_MISMATCH, NULL}, /* 6'..7' */
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    if (cases[i].lg == alt) {
      *alt = *log;
      for (size_t j = 0; j < alt->n; j++) alt->e[j].body = (const uint8_t *)alt->body[j];
      /* the fork rewrites entry 4, the wrong-prev case entry 5 */
      size_t at = cases[i].expect == CM_PROTO_FORK ? 3 : 4;
      if (fx_fork_log(alt, at, "{\"org\":\"120105001001-0001\",\"month\":\"2026-09\","
                               "\"activities\":9,\"participants\":999}"))
        die("fork");
    }
    blob b = build(cases[i].lg, cases[i].from, cases[i].n, &k->community);
    put_file(cases[i].file, b.p, b.len);
    manifest(cases[i].file, "chain", cases[i].expect, cases[i].new_from);
    free(b.p);
  }
  free(alt);
}

static void receipts(const fx_keys *k, const fx_log *log) {
  uint8_t out[PROTO_RECEIPT_BYTES];
  proto_receipt r;
  memset(&r, 0, sizeof r);
  memcpy(r.author, k->community.pk, PROTO_KEY_BYTES);
  r.seq = FX_LOG_N;
  memcpy(r.head_hash, log->hash[FX_LOG_N - 1], PROTO_HASH_BYTES);
  r.time_ms = FX_T0 + 86400000ull;
  if (proto_receipt_sign(&r, &k->hub, out)) die("receipt");
  put_file("receipt.bin", out, sizeof out);
  manifest("receipt.bin", "receipt", CM_OK, NULL);
  out[4 + 1 + 1 + 32 + 32 + 7] ^= 0x01; /* seq 51 -> 50 */
  put_file("receipt_flipped.bin", out, sizeof out);
  manifest("receipt_flipped.bin", "receipt", CM_PROTO_BAD_SIGNATURE, NULL);
  put_file("receipt_truncated.bin", out, sizeof out - 1);
  manifest("receipt_truncated.bin", "receipt", CM_PROTO_TRUNCATED, NULL);
  if (proto_receipt_sign(&r, &k->other, out)) die("receipt");
  put_file("receipt_wrong_key.bin", out, sizeof out);
  manifest("receipt_wrong_key.bin", "receipt", CM_ERR_PERM, NULL);
  memset(&r, 0, sizeof r);
  memcpy(r.author, k->other.pk, PROTO_KEY_BYTES);
  r.time_ms = FX_T0;
  if (proto_receipt_sign(&r, &k->hub, out)) die("receipt");
  put_file("receipt_empty.bin", out, sizeof out);
  manifest("receipt_empty.bin", "receipt", CM_OK, NULL);
}

/* A signed request as text: one "name value" per line. */
static void request_file(const char *file, const proto_request *rq, const char *body,
                         uint64_t now, cm_rc expect) {
  char path[1024], hex[PROTO_SIG_HEX];
  snprintf(path, sizeof path, "%s/%s", g_dir, file);
  FILE *f = fopen(path, "w");
  if (!f) die(path);
  proto_key_hex(rq->key, hex);
  fprintf(f, "key %s\ntime %llu\nmethod %s\npath %s\nbody %s\n", hex,
          (unsigned long long)rq->time_ms, rq->method, rq->path, body);
  for (size_t i = 0; i < PROTO_SIG_BYTES; i++) fprintf(f, "%s%02x", i ? "" : "sig ", rq->sig[i]);
  fprintf(f, "\nnow %llu\nwindow %u\n", (unsigned long long)now, PROTO_REQUEST_WINDOW_MS);
  if (fclose(f) != 0) die(path);
  manifest(file, "request", expect, NULL);
}

static void requests(const fx_keys *k) {
  proto_request rq;
  const uint64_t t = FX_T0 + 12345;
  static const char enroll[] =
      "{\"name\":\"金鐘社區\",\"street\":\"建昌道街\",\"code\":\"120105001001\","
      "\"role\":\"community\"}";
  memset(&rq, 0, sizeof rq);
  rq.time_ms = t;
  rq.method = "GET";
  rq.path = "/api/v1/feed?after=12";
  if (proto_request_sign(&rq, &k->community, NULL, 0)) die("request");
  request_file("request_get.txt", &rq, "", t + 2000, CM_OK);
  request_file("request_stale.txt", &rq, "", t + PROTO_REQUEST_WINDOW_MS + 1,
               CM_PROTO_STALE_REQUEST);
  proto_request fl = rq;
  fl.sig[0] ^= 0x01;
  request_file("request_flipped.txt", &fl, "", t, CM_PROTO_BAD_SIGNATURE);
  fl = rq;
  memcpy(fl.key, k->other.pk, PROTO_KEY_BYTES);
  request_file("request_wrong_key.txt", &fl, "", t, CM_PROTO_BAD_SIGNATURE);
  fl = rq;
  fl.path = "/api/v1/feed?after=11";
  request_file("request_other_path.txt", &fl, "", t, CM_PROTO_BAD_SIGNATURE);
  rq.method = "POST";
  rq.path = "/api/v1/enroll";
  if (proto_request_sign(&rq, &k->community, (const uint8_t *)enroll, strlen(enroll)))
    die("request");
  request_file("request_post.txt", &rq, enroll, t - 60000, CM_OK);
}

static void feeds(const fx_keys *k, const fx_log *hub) {
  proto_feed_item items[FX_HUB_N];
  uint8_t *fd = NULL;
  size_t fl = 0;
  for (size_t i = 0; i < FX_HUB_N; i++) {
    items[i].cursor = 10 * (i + 1);
    items[i].entry = hub->e[i];
  }
  if (proto_feed_encode(items, FX_HUB_N, 30, &fd, &fl)) die("feed");
  put_file("feed_3.bin", fd, fl);
  manifest("feed_3.bin", "feed", CM_OK, "3");
  fd[fl - 100] ^= 0x01;
  put_file("feed_flipped.bin", fd, fl);
  manifest("feed_flipped.bin", "feed", CM_PROTO_BAD_SIGNATURE, NULL);
  free(fd);
  items[1].entry = hub->e[1];
  memcpy(items[1].entry.author, k->other.pk, PROTO_KEY_BYTES);
  if (proto_entry_sign(&items[1].entry, &k->other)) die("feed");
  if (proto_feed_encode(items, FX_HUB_N, 30, &fd, &fl)) die("feed");
  put_file("feed_wrong_key.bin", fd, fl);
  manifest("feed_wrong_key.bin", "feed", CM_ERR_PERM, NULL);
  free(fd);
}

int main(int argc, char **argv) {
  fx_keys k;
  fx_log *log = malloc(sizeof *log), *hub = malloc(sizeof *hub);
  char path[1024];
  if (argc != 2) {
    fprintf(stderr, "usage: make_vectors DIR\n");
    return 2;
  }
  g_dir = argv[1];
  if (!log || !hub || proto_init() || fx_make_keys(&k) || fx_community_log(&k, log) ||
      fx_hub_log(&k, hub))
    die("fixtures");
  snprintf(path, sizeof path, "%s/manifest.txt", g_dir);
  g_manifest = fopen(path, "w");
  if (!g_manifest) die(path);
  fprintf(g_manifest, "# file                     check      expect                 arg\n");
  keys_file(&k);
  entries(&k, log, hub);
  changesets(&k, log, hub);
  chains(&k, log);
  receipts(&k, log);
  requests(&k);
  feeds(&k, hub);
  if (fclose(g_manifest) != 0) die(path);
  free(log);
  free(hub);
  return g_fail;
}
