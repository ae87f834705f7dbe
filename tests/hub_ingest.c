/* hub_ingest.c - the street hub's ingest: valid bundles, replays, overlaps,
 * gaps, unknown keys, tampered and bombed bytes, all-or-nothing, forks with
 * quarantine and evidence, receipts, log fetches, feed and enrolment requests. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "common/clock.h"
#include "hub/heap.h"
#include "hub/hublog.h"
#include "hub/ingest.h"
#include "hub/review.h"
#include "hub/store.h"
#include "hub_testlib.h"
#include "protocol/bundle.h"
#include "protocol/feed.h"
#include "protocol/receipt.h"
#include "protocol_fixtures.h"

typedef struct fixture {
  char *dir;
  hub_ctx *hub;
  tl_author c;
} fixture;

static int setup(void **state) {
  fixture *f = calloc(1, sizeof *f);
  if (!f) return -1;
  f->dir = tl_tmpdir();
  if (!f->dir) return -1;
  f->hub = tl_hub(f->dir, "street", HUB_ROLE_STREET, "光復道街");
  if (!f->hub) return -1;
  if (tl_author_new(&f->c) || tl_enroll(f->hub, &f->c, "向陽社區", "120105001001")) return -1;
  *state = f;
  return 0;
}

static int teardown(void **state) {
  fixture *f = *state;
  hub_close(f->hub);
  tl_rmrf(f->dir);
  free(f->dir);
  free(f);
  return 0;
}

/* One changeset of n default entries of a, as a bundle. */
static void one_bundle(tl_author *a, size_t n, uint8_t **b, size_t *blen) {
  uint8_t *cs = NULL;
  size_t cslen = 0;
  assert_int_equal(tl_changeset(a, n, NULL, NULL, 0, &cs, &cslen), 0);
  assert_int_equal(tl_bundle(&cs, &cslen, 1, b, blen), 0);
  free(cs);
}

/* One changeset of n entries of f's community (kinds and bodies given), as
 * one bundle, taken in by the street. */
static void push_kinds(fixture *f, size_t n, const char *const *kinds, const char *const *bodies) {
  uint8_t *cs = NULL, *b = NULL;
  size_t cslen = 0, blen = 0;
  assert_int_equal(tl_changeset(&f->c, n, kinds, bodies, 0, &cs, &cslen), 0);
  assert_int_equal(tl_bundle(&cs, &cslen, 1, &b, &blen), 0);
  assert_int_equal(tl_ingest(f->hub, b, blen, NULL), 200);
  free(cs);
  free(b);
}

/* The one row of sql on the street hub's database, opened read-only beside
 * the open hub: *db and the statement (stepped to its row) are the caller's
 * to close. */
static sqlite3_stmt *street_row(fixture *f, const char *sql, sqlite3 **db) {
  char path[4096];
  sqlite3_stmt *st = NULL;
  snprintf(path, sizeof path, "%s/street/hub.db", f->dir);
  assert_int_equal(sqlite3_open_v2(path, db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
  assert_int_equal(sqlite3_prepare_v2(*db, sql, -1, &st, NULL), SQLITE_OK);
  assert_int_equal(sqlite3_step(st), SQLITE_ROW);
  return st;
}

/* Number of rows in a status JSON section. */
static size_t status_count(hub_ctx *hub, const char *section) {
  json_t *st = NULL;
  assert_int_equal(hub_store_status_json(hub->store, hub->kp.pk, &st, NULL), CM_OK);
  size_t n = json_array_size(json_object_get(st, section));
  json_decref(st);
  return n;
}

static void test_valid_replay_receipts(void **state) {
  fixture *f = *state;
  uint8_t *b = NULL;
  size_t blen = 0;
  hub_ingest_result r;
  cm_err err;

  one_bundle(&f->c, 3, &b, &blen);
  assert_int_equal(hub_ingest_bundle(f->hub, b, blen, "test", &r, &err), CM_OK);
  assert_int_equal(r.http_status, 200);
  assert_int_equal(r.stored, 3);
  assert_int_equal(r.n_receipts, 1);
  assert_int_equal(r.receipts[0].seq, 3);
  assert_memory_equal(r.receipts[0].head, f->c.head, PROTO_HASH_BYTES);
  proto_receipt rc;
  assert_int_equal(proto_receipt_decode(r.receipts[0].receipt, PROTO_RECEIPT_BYTES, f->hub->kp.pk,
                                        &rc, NULL),
                   CM_OK);
  assert_int_equal(rc.seq, 3);
  assert_memory_equal(rc.author, f->c.kp.pk, PROTO_KEY_BYTES);
  json_t *j = hub_ingest_result_json(&r);
  assert_int_equal(json_integer_value(json_object_get(j, "stored")), 3);
  assert_int_equal(json_array_size(json_object_get(j, "receipts")), 1);
  json_decref(j);
  hub_ingest_result_free(&r);

  /* The same bytes again: 200, nothing stored, the same head. */
  assert_int_equal(hub_ingest_bundle(f->hub, b, blen, "test", &r, &err), CM_OK);
  assert_int_equal(r.http_status, 200);
  assert_int_equal(r.stored, 0);
  assert_int_equal(r.n_receipts, 1);
  assert_int_equal(r.receipts[0].seq, 3);
  hub_ingest_result_free(&r);
  assert_int_equal(tl_head(f->hub, f->c.kp.pk), 3);

  /* GET heads gives the same, signed. */
  hub_head h;
  assert_int_equal(hub_head_receipt(f->hub, f->c.kp.pk, &h, NULL), CM_OK);
  assert_int_equal(h.seq, 3);
  assert_int_equal(proto_receipt_decode(h.receipt, PROTO_RECEIPT_BYTES, f->hub->kp.pk, &rc, NULL),
                   CM_OK);
  assert_memory_equal(rc.head_hash, f->c.head, PROTO_HASH_BYTES);
  /* An unknown author: seq 0, zero hash, still signed. */
  tl_author x;
  assert_int_equal(tl_author_new(&x), 0);
  assert_int_equal(hub_head_receipt(f->hub, x.kp.pk, &h, NULL), CM_OK);
  assert_int_equal(h.seq, 0);
  free(b);
}

static void test_overlap_and_two_changesets(void **state) {
  fixture *f = *state;
  uint8_t *cs[3], *b = NULL;
  size_t len[3], blen = 0;
  uint64_t stored = 0;

  assert_int_equal(tl_changeset(&f->c, 2, NULL, NULL, 0, &cs[0], &len[0]), 0); /* 1-2 */
  tl_author saved = f->c;
  assert_int_equal(tl_changeset(&f->c, 2, NULL, NULL, 0, &cs[1], &len[1]), 0); /* 3-4 */
  assert_int_equal(tl_bundle(cs, len, 2, &b, &blen), 0);
  assert_int_equal(tl_ingest(f->hub, b, blen, &stored), 200);
  assert_int_equal(stored, 4);
  free(b);

  /* 3-6 from the same history overlaps what is held: only 5-6 are new. */
  tl_author again = saved;
  assert_int_equal(tl_changeset(&again, 4, NULL, NULL, 0, &cs[2], &len[2]), 0);
  assert_int_equal(tl_bundle(&cs[2], &len[2], 1, &b, &blen), 0);
  assert_int_equal(tl_ingest(f->hub, b, blen, &stored), 200);
  assert_int_equal(stored, 2);
  assert_int_equal(tl_head(f->hub, f->c.kp.pk), 6);
  free(b);

  /* The log comes back as the stored changesets, verbatim. */
  uint8_t *lb = NULL;
  size_t lblen = 0;
  proto_span *sp = NULL;
  size_t n = 0;
  assert_int_equal(hub_log_bundle(f->hub, f->c.kp.pk, 0, 0, &lb, &lblen, NULL), CM_OK);
  assert_int_equal(proto_bundle_split(lb, lblen, &sp, &n, NULL), CM_OK);
  assert_int_equal(n, 3);
  assert_int_equal(sp[0].len, len[0]);
  assert_memory_equal(sp[0].p, cs[0], len[0]);
  assert_memory_equal(sp[2].p, cs[2], len[2]);
  free(sp);
  free(lb);
  /* After 4: the overlapping changeset (3-6) alone. */
  assert_int_equal(hub_log_bundle(f->hub, f->c.kp.pk, 4, 0, &lb, &lblen, NULL), CM_OK);
  assert_int_equal(proto_bundle_split(lb, lblen, &sp, &n, NULL), CM_OK);
  assert_int_equal(n, 1);
  assert_memory_equal(sp[0].p, cs[2], len[2]);
  free(sp);
  free(lb);
  /* After the head: an empty bundle. */
  assert_int_equal(hub_log_bundle(f->hub, f->c.kp.pk, 6, 0, &lb, &lblen, NULL), CM_OK);
  assert_int_equal(lblen, PROTO_BUNDLE_HEADER_BYTES);
  free(lb);
  for (int i = 0; i < 3; i++) free(cs[i]);
}

static void test_gap(void **state) {
  fixture *f = *state;
  uint8_t *b = NULL;
  size_t blen = 0;
  hub_ingest_result r;

  one_bundle(&f->c, 2, &b, &blen);
  assert_int_equal(tl_ingest(f->hub, b, blen, NULL), 200);
  free(b);
  tl_author skip = f->c;
  uint8_t *cs = NULL;
  size_t cslen = 0;
  assert_int_equal(tl_changeset(&skip, 2, NULL, NULL, 0, &cs, &cslen), 0); /* 3-4, not sent */
  free(cs);
  one_bundle(&skip, 1, &b, &blen); /* 5 */
  assert_int_equal(hub_ingest_bundle(f->hub, b, blen, "test", &r, NULL), CM_PROTO_GAP);
  assert_int_equal(r.http_status, 409);
  assert_int_equal(r.expected_seq, 3);
  assert_true(r.has_author);
  assert_memory_equal(r.author, f->c.kp.pk, PROTO_KEY_BYTES);
  json_t *j = hub_ingest_result_json(&r);
  assert_int_equal(json_integer_value(json_object_get(j, "expected_seq")), 3);
  assert_non_null(json_object_get(j, "author"));
  json_decref(j);
  hub_ingest_result_free(&r);
  assert_int_equal(tl_head(f->hub, f->c.kp.pk), 2);
  free(b);
}

static void test_unknown_key(void **state) {
  fixture *f = *state;
  tl_author x;
  uint8_t *b = NULL;
  size_t blen = 0;
  hub_ingest_result r;

  assert_int_equal(tl_author_new(&x), 0);
  one_bundle(&x, 2, &b, &blen);
  assert_int_equal(hub_ingest_bundle(f->hub, b, blen, "test", &r, NULL), CM_ERR_PERM);
  assert_int_equal(r.http_status, 403);
  assert_memory_equal(r.author, x.kp.pk, PROTO_KEY_BYTES);
  hub_ingest_result_free(&r);
  assert_int_equal(tl_head(f->hub, x.kp.pk), 0);
  /* This hub's own key is no pushing author either. */
  tl_author self = {0};
  self.kp = f->hub->kp;
  self.seq = 1; /* continue after the enrolment entry: not a gap */
  hub_head h;
  assert_int_equal(hub_head_receipt(f->hub, self.kp.pk, &h, NULL), CM_OK);
  memcpy(self.head, h.head, PROTO_HASH_BYTES);
  free(b);
  one_bundle(&self, 1, &b, &blen);
  assert_int_equal(tl_ingest(f->hub, b, blen, NULL), 403);
  free(b);
}

/* Flip one byte at off of a one-changeset bundle: 400 with index 0. */
static void expect_refused(hub_ctx *hub, const uint8_t *b, size_t blen, cm_rc want) {
  hub_ingest_result r;
  assert_int_equal(hub_ingest_bundle(hub, b, blen, "test", &r, NULL), want);
  assert_int_equal(r.http_status, 400);
  assert_int_equal(r.rc, want);
  assert_int_equal(r.stored, 0);
  hub_ingest_result_free(&r);
}

/* Bytes of the hub's database and its log on disk. */
static long long db_bytes(const char *dir) {
  long long n = 0;
  const char *const names[] = {"hub.db", "hub.db-wal"};
  for (size_t i = 0; i < 2; i++) {
    char path[4096];
    struct stat sb;
    snprintf(path, sizeof path, "%s/%s", dir, names[i]);
    if (stat(path, &sb) == 0) n += (long long)sb.st_size;
  }
  return n;
}

/* Storage amplification: changesets of 16 entries of 64 KB of spaces each
 * (1 MiB that deflates to about 1 KB), a hundred of them in one request, by
 * an enrolled author who signs them honestly.  The inflation cap holds at
 * every size: the request is refused with the cap in its message, and the
 * hub stores nothing and does not grow. */
static void test_padding_bomb(void **state) {
  fixture *f = *state;
  enum { N_CS = 100 };
  uint8_t *tmpl = NULL, *cs[N_CS], *b = NULL;
  size_t tlen = 0, lens[N_CS], blen = 0, raw_len = 16u * 64000u;
  uint8_t *raw = malloc(raw_len);
  assert_non_null(raw);
  memset(raw, ' ', raw_len);
  assert_int_equal(tl_changeset(&f->c, 16, NULL, NULL, 0, &tmpl, &tlen), 0);
  for (size_t i = 0; i < N_CS; i++) {
    assert_int_equal(fx_cs_with_raw(tmpl, raw, raw_len, 9, &f->c.kp, &cs[i], &lens[i]), 0);
    assert_true(lens[i] < 4096);
  }
  assert_int_equal(tl_bundle(cs, lens, N_CS, &b, &blen), 0);
  long long before = db_bytes(f->dir);
  hub_ingest_result r;
  assert_int_equal(hub_ingest_bundle(f->hub, b, blen, "test", &r, NULL), CM_PROTO_BOMB);
  assert_int_equal(r.http_status, 400);
  assert_int_equal(r.stored, 0);
  assert_int_equal(r.index, 0);
  assert_non_null(strstr(r.message, "200"));
  hub_ingest_result_free(&r);
  assert_int_equal(tl_head(f->hub, f->c.kp.pk), 0);
  assert_int_equal(db_bytes(f->dir), before);
  for (size_t i = 0; i < N_CS; i++) free(cs[i]);
  free(tmpl);
  free(raw);
  free(b);
}

static void test_tampered_and_bomb(void **state) {
  fixture *f = *state;
  uint8_t *b = NULL;
  size_t blen = 0;
  hub_ingest_result r;

  tl_author before = f->c;
  one_bundle(&f->c, 3, &b, &blen);
  b[blen - 5] ^= 0x40; /* inside the compressed payload */
  assert_int_not_equal(hub_ingest_bundle(f->hub, b, blen, "test", &r, NULL), CM_OK);
  assert_int_equal(r.http_status, 400);
  assert_int_equal(r.index, 0);
  json_t *j = hub_ingest_result_json(&r);
  assert_int_equal(json_integer_value(json_object_get(j, "index")), 0);
  json_decref(j);
  hub_ingest_result_free(&r);
  b[blen - 5] ^= 0x40;
  b[PROTO_BUNDLE_HEADER_BYTES + 20] ^= 1; /* inside the signed header */
  expect_refused(f->hub, b, blen, CM_PROTO_BAD_SIGNATURE);
  /* A truncated bundle: refused at the framing, no index. */
  assert_int_not_equal(hub_ingest_bundle(f->hub, b, blen - 1, "test", &r, NULL), CM_OK);
  assert_int_equal(r.http_status, 400);
  assert_int_equal(r.index, -1);
  hub_ingest_result_free(&r);
  assert_int_equal(tl_head(f->hub, f->c.kp.pk), 0);
  free(b);
  (void)before;

  /* The protocol's checked-in vectors, signed by the vector community key. */
  fx_keys k;
  assert_int_equal(fx_make_keys(&k), 0);
  assert_int_equal(hub_enroll(f->hub, k.community.pk, "vector", "120105001002", NULL, NULL),
                   CM_OK);
  static const struct {
    const char *file;
    cm_rc rc;
  } v[] = {{"cs_bomb.bin", CM_PROTO_BOMB},
           {"cs_flip_payload.bin", CM_PROTO_PAYLOAD_HASH},
           {"cs_flip_sig.bin", CM_PROTO_BAD_SIGNATURE},
           {"cs_chain_broken.bin", CM_PROTO_CHAIN},
           {"cs_inflate_corrupt.bin", CM_PROTO_INFLATE}};
  for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
    uint8_t *cs = NULL;
    size_t cslen = 0;
    assert_int_equal(fx_read_vector(v[i].file, &cs, &cslen), 0);
    assert_int_equal(tl_bundle(&cs, &cslen, 1, &b, &blen), 0);
    expect_refused(f->hub, b, blen, v[i].rc);
    free(b);
    free(cs);
  }
  assert_int_equal(tl_head(f->hub, k.community.pk), 0);
  /* And the good ones go in: the filing (seq 1), then 50 monthly reports. */
  uint8_t *cs[2] = {NULL, NULL};
  size_t cslen[2] = {0, 0};
  assert_int_equal(fx_read_vector("cs_one.bin", &cs[0], &cslen[0]), 0);
  assert_int_equal(fx_read_vector("cs_monthly50.bin", &cs[1], &cslen[1]), 0);
  assert_int_equal(tl_bundle(cs, cslen, 2, &b, &blen), 0);
  uint64_t stored = 0;
  assert_int_equal(tl_ingest(f->hub, b, blen, &stored), 200);
  assert_int_equal(stored, FX_LOG_N);
  assert_int_equal(tl_head(f->hub, k.community.pk), FX_LOG_N);
  free(b);
  free(cs[0]);
  free(cs[1]);
}

static void test_all_or_nothing_and_too_large(void **state) {
  fixture *f = *state;
  uint8_t *cs[2], *b = NULL;
  size_t len[2], blen = 0;
  hub_ingest_result r;

  assert_int_equal(tl_changeset(&f->c, 3, NULL, NULL, 0, &cs[0], &len[0]), 0);
  assert_int_equal(tl_changeset(&f->c, 3, NULL, NULL, 0, &cs[1], &len[1]), 0);
  cs[1][len[1] - 3] ^= 0x11;
  assert_int_equal(tl_bundle(cs, len, 2, &b, &blen), 0);
  assert_int_not_equal(hub_ingest_bundle(f->hub, b, blen, "test", &r, NULL), CM_OK);
  assert_int_equal(r.http_status, 400);
  assert_int_equal(r.index, 1);
  hub_ingest_result_free(&r);
  /* The valid first changeset was not kept either. */
  assert_int_equal(tl_head(f->hub, f->c.kp.pk), 0);
  free(b);

  assert_int_equal(hub_ingest_bundle(f->hub, cs[0], HUB_INGEST_MAX_BUNDLE + 1, "test", &r, NULL),
                   CM_ERR_TOO_LARGE);
  assert_int_equal(r.http_status, 413);
  hub_ingest_result_free(&r);
  free(cs[0]);
  free(cs[1]);
}

static void test_fork(void **state) {
  fixture *f = *state;
  uint8_t *b = NULL;
  size_t blen = 0;
  hub_ingest_result r;

  one_bundle(&f->c, 1, &b, &blen);
  assert_int_equal(tl_ingest(f->hub, b, blen, NULL), 200);
  free(b);
  tl_author branch = f->c; /* after seq 1 */
  one_bundle(&f->c, 2, &b, &blen); /* 2-3 */
  assert_int_equal(tl_ingest(f->hub, b, blen, NULL), 200);
  free(b);
  /* A different seq 2-3 (different times give different entries). */
  branch.time_ms += 777;
  one_bundle(&branch, 2, &b, &blen);
  assert_int_equal(hub_ingest_bundle(f->hub, b, blen, "test", &r, NULL), CM_PROTO_FORK);
  assert_int_equal(r.http_status, 409);
  assert_memory_equal(r.author, f->c.kp.pk, PROTO_KEY_BYTES);
  hub_ingest_result_free(&r);
  free(b);

  /* Quarantined, with both versions kept. */
  json_t *st = NULL;
  assert_int_equal(hub_store_status_json(f->hub->store, f->hub->kp.pk, &st, NULL), CM_OK);
  json_t *forks = json_object_get(st, "forks");
  assert_int_equal(json_array_size(forks), 1);
  json_t *fk = json_array_get(forks, 0);
  assert_int_equal(json_integer_value(json_object_get(fk, "seq")), 2);
  assert_true(json_integer_value(json_object_get(fk, "held_bytes")) > 0);
  assert_true(json_integer_value(json_object_get(fk, "other_bytes")) > 0);
  json_decref(st);
  assert_int_equal(tl_head(f->hub, f->c.kp.pk), 3);

  /* Nothing more of a quarantined author: 409 CONFLICT, even for a valid next. */
  one_bundle(&f->c, 1, &b, &blen);
  assert_int_equal(hub_ingest_bundle(f->hub, b, blen, "test", &r, NULL), CM_ERR_CONFLICT);
  assert_int_equal(r.http_status, 409);
  hub_ingest_result_free(&r);
  assert_int_equal(tl_head(f->hub, f->c.kp.pk), 3);
  free(b);
}

static void test_fork_prev_mismatch(void **state) {
  fixture *f = *state;
  uint8_t *b = NULL, *cs = NULL;
  size_t blen = 0, cslen = 0;

  one_bundle(&f->c, 2, &b, &blen);
  assert_int_equal(tl_ingest(f->hub, b, blen, NULL), 200);
  free(b);
  tl_author branch = f->c;
  one_bundle(&f->c, 1, &b, &blen); /* 3 */
  assert_int_equal(tl_ingest(f->hub, b, blen, NULL), 200);
  free(b);
  branch.time_ms += 5;
  assert_int_equal(tl_changeset(&branch, 1, NULL, NULL, 0, &cs, &cslen), 0); /* other 3 */
  free(cs);
  one_bundle(&branch, 1, &b, &blen); /* 4 chained on the other 3 */
  assert_int_equal(tl_ingest(f->hub, b, blen, NULL), 409);
  free(b);
  assert_int_equal(status_count(f->hub, "forks"), 1);
}

static void test_fork_inside_one_bundle(void **state) {
  fixture *f = *state;
  uint8_t *cs[2], *b = NULL;
  size_t len[2], blen = 0;
  tl_author branch = f->c;
  assert_int_equal(tl_changeset(&f->c, 2, NULL, NULL, 0, &cs[0], &len[0]), 0);
  branch.time_ms += 3;
  assert_int_equal(tl_changeset(&branch, 2, NULL, NULL, 0, &cs[1], &len[1]), 0);
  assert_int_equal(tl_bundle(cs, len, 2, &b, &blen), 0);
  assert_int_equal(tl_ingest(f->hub, b, blen, NULL), 409);
  /* Refused: nothing of the first changeset is stored, but the evidence is,
   * both versions included (the held one came from the same bundle). */
  assert_int_equal(tl_head(f->hub, f->c.kp.pk), 0);
  json_t *st = NULL;
  assert_int_equal(hub_store_status_json(f->hub->store, f->hub->kp.pk, &st, NULL), CM_OK);
  json_t *fk = json_array_get(json_object_get(st, "forks"), 0);
  assert_non_null(fk);
  assert_int_equal(json_integer_value(json_object_get(fk, "held_bytes")), (json_int_t)len[0]);
  json_decref(st);
  free(b);
  free(cs[0]);
  free(cs[1]);
}

static void test_clock_flag(void **state) {
  fixture *f = *state;
  uint8_t *b = NULL;
  size_t blen = 0;
  f->c.time_ms = cm_now_ms() + 3600ull * 1000ull; /* an hour ahead */
  one_bundle(&f->c, 1, &b, &blen);
  assert_int_equal(tl_ingest(f->hub, b, blen, NULL), 200);
  free(b);
  json_t *st = NULL;
  assert_int_equal(hub_store_status_json(f->hub->store, f->hub->kp.pk, &st, NULL), CM_OK);
  size_t i;
  json_t *row;
  int flagged = 0;
  json_array_foreach(json_object_get(st, "authors"), i, row) {
    if (strcmp(json_string_value(json_object_get(row, "role")), "community") == 0)
      flagged = (int)json_integer_value(json_object_get(row, "clock_flag"));
  }
  assert_int_equal(flagged, 1);
  json_decref(st);
}

static void test_feed_and_requests(void **state) {
  fixture *f = *state;
  uint8_t *feed = NULL;
  size_t flen = 0;
  proto_feed_item *items = NULL;
  size_t n = 0;
  uint64_t next = 0;

  /* The community's feed holds its enrolment, signed by the hub. */
  assert_int_equal(hub_feed(f->hub, f->c.kp.pk, 0, 0, &feed, &flen, NULL), CM_OK);
  assert_int_equal(proto_feed_decode(feed, flen, f->hub->kp.pk, &items, &n, &next, NULL), CM_OK);
  assert_int_equal(n, 1);
  assert_string_equal(items[0].entry.kind, "hub.enrolled");
  assert_int_equal(next, items[0].cursor);
  free(items);
  free(feed);
  assert_int_equal(hub_feed(f->hub, f->c.kp.pk, next, 0, &feed, &flen, NULL), CM_OK);
  assert_int_equal(proto_feed_decode(feed, flen, f->hub->kp.pk, &items, &n, &next, NULL), CM_OK);
  assert_int_equal(n, 0);
  free(items);
  free(feed);

  /* A key asks; asks again (same ID); the operator approves; it is enrolled. */
  tl_author x;
  int enrolled = 0;
  int64_t id = 0, id2 = 0;
  hub_key_state ks;
  assert_int_equal(tl_author_new(&x), 0);
  assert_int_equal(hub_enroll_request(f->hub, x.kp.pk, "新社區", "光復道街", "120105001009",
                                      "street", &enrolled, &id, NULL),
                   CM_ERR_INVALID);
  assert_int_equal(hub_enroll_request(f->hub, x.kp.pk, "新社區", "光復道街", "120105001009",
                                      "community", &enrolled, &id, NULL),
                   CM_OK);
  assert_int_equal(enrolled, 0);
  assert_true(id > 0);
  assert_int_equal(hub_enroll_request(f->hub, x.kp.pk, "新社區", "光復道街", "120105001009",
                                      "community", &enrolled, &id2, NULL),
                   CM_OK);
  assert_int_equal(id2, id);
  assert_int_equal(hub_key_status(f->hub, x.kp.pk, &ks, NULL), CM_OK);
  assert_int_equal(ks, HUB_KEY_UNKNOWN);
  json_t *list = NULL;
  assert_int_equal(hub_enroll_requests(f->hub, &list, NULL), CM_OK);
  assert_int_equal(json_array_size(list), 1);
  assert_string_equal(json_string_value(json_object_get(json_array_get(list, 0), "code")),
                      "120105001009");
  json_decref(list);
  assert_int_equal(hub_enroll_approve(f->hub, id, NULL, NULL, NULL, NULL), CM_OK);
  assert_int_equal(hub_enroll_approve(f->hub, id, NULL, NULL, NULL, NULL), CM_ERR_NOT_FOUND);
  assert_int_equal(hub_key_status(f->hub, x.kp.pk, &ks, NULL), CM_OK);
  assert_int_equal(ks, HUB_KEY_ENROLLED);
  assert_int_equal(hub_enroll_request(f->hub, x.kp.pk, "新社區", "光復道街", "120105001009",
                                      "community", &enrolled, &id, NULL),
                   CM_OK);
  assert_int_equal(enrolled, 1);
  assert_int_equal(hub_enroll_requests(f->hub, &list, NULL), CM_OK);
  assert_int_equal(json_array_size(list), 0);
  json_decref(list);
  assert_int_equal(hub_enroll(f->hub, x.kp.pk, "again", "", NULL, NULL), CM_ERR_INVALID);
  assert_int_equal(hub_enroll(f->hub, x.kp.pk, "again", "120105001009", NULL, NULL),
                   CM_ERR_EXISTS);
  assert_int_equal(hub_key_status(f->hub, f->hub->kp.pk, &ks, NULL), CM_OK);
  assert_int_equal(ks, HUB_KEY_SELF);

  /* Now x can push. */
  uint8_t *b = NULL;
  size_t blen = 0;
  one_bundle(&x, 2, &b, &blen);
  assert_int_equal(tl_ingest(f->hub, b, blen, NULL), 200);
  free(b);
}

/* Worker: one author pushing 20 changesets of 5 entries to the shared hub. */
struct pusher {
  hub_ctx *hub;
  tl_author a;
  int failures;
};

/* One changeset of 5 entries (bodies NULL: small reports) pushed alone;
 * counts a failure when it is accepted (200) and should not be, or the
 * other way round. */
static void push_one(struct pusher *p, const char *const *bodies, int accepted) {
  uint8_t *cs = NULL, *b = NULL;
  size_t cslen = 0, blen = 0;
  if (tl_changeset(&p->a, 5, NULL, bodies, 0, &cs, &cslen) || tl_bundle(&cs, &cslen, 1, &b, &blen) ||
      (tl_ingest(p->hub, b, blen, NULL) == 200) != accepted)
    p->failures++;
  free(cs);
  free(b);
}

static void *push_many(void *arg) {
  struct pusher *p = arg;
  for (int i = 0; i < 20; i++) push_one(p, NULL, 1);
  return NULL;
}

static void test_threads_share_one_hub(void **state) {
  fixture *f = *state;
  struct pusher p[4];
  pthread_t t[4];
  for (int i = 0; i < 4; i++) {
    memset(&p[i], 0, sizeof p[i]);
    p[i].hub = f->hub;
    assert_int_equal(tl_author_new(&p[i].a), 0);
    assert_int_equal(tl_enroll(f->hub, &p[i].a, "社區", "120105001003"), 0);
  }
  for (int i = 0; i < 4; i++) assert_int_equal(pthread_create(&t[i], NULL, push_many, &p[i]), 0);
  for (int i = 0; i < 4; i++) assert_int_equal(pthread_join(t[i], NULL), 0);
  for (int i = 0; i < 4; i++) {
    assert_int_equal(p[i].failures, 0);
    assert_int_equal(tl_head(f->hub, p[i].a.kp.pk), 100);
  }
}

/* Worker: valid pushes each followed by a tampered copy of the next one (a
 * byte of its signature flipped), so refused pushes share groups with valid
 * ones of other threads. */
static void *push_and_spoil(void *arg) {
  struct pusher *p = arg;
  for (int i = 0; i < 20; i++) {
    uint8_t *cs = NULL, *b = NULL;
    size_t cslen = 0, blen = 0;
    if (tl_changeset(&p->a, 5, NULL, NULL, 0, &cs, &cslen) ||
        tl_bundle(&cs, &cslen, 1, &b, &blen)) {
      p->failures++;
      break;
    }
    uint8_t *bad = malloc(blen);
    if (!bad) {
      p->failures++;
      break;
    }
    memcpy(bad, b, blen);
    bad[blen - 1] ^= 0x01;
    if (tl_ingest(p->hub, bad, blen, NULL) == 200) p->failures++;
    if (tl_ingest(p->hub, b, blen, NULL) != 200) p->failures++;
    free(bad);
    free(cs);
    free(b);
  }
  return NULL;
}

enum { PUSHERS = 8 };

/* PUSHERS new communities pushing at once, every other one with `odd`
 * instead of push_many; each must end with its 100 entries stored and no
 * failure seen. */
static void push_at_once(fixture *f, void *(*odd)(void *)) {
  struct pusher p[PUSHERS];
  pthread_t t[PUSHERS];
  for (int i = 0; i < PUSHERS; i++) {
    memset(&p[i], 0, sizeof p[i]);
    p[i].hub = f->hub;
    assert_int_equal(tl_author_new(&p[i].a), 0);
    assert_int_equal(tl_enroll(f->hub, &p[i].a, "社區", "120105001003"), 0);
  }
  for (int i = 0; i < PUSHERS; i++)
    assert_int_equal(pthread_create(&t[i], NULL, i % 2 ? odd : push_many, &p[i]), 0);
  for (int i = 0; i < PUSHERS; i++)
    assert_int_equal(pthread_join(t[i], NULL), 0);
  for (int i = 0; i < PUSHERS; i++) {
    assert_int_equal(p[i].failures, 0);
    assert_int_equal(tl_head(f->hub, p[i].a.kp.pk), 100);
  }
}

/* Concurrent pushes are committed in groups: every valid push is stored and
 * acknowledged, every refused one changes nothing, whichever group each
 * landed in; the receipts' heads are the stored ones. */
static void test_group_commit_refusal_alone(void **state) {
  fixture *f = *state;
  enum { N = PUSHERS };
  push_at_once(f, push_and_spoil);
  /* Nothing of a refused push is stored: the entries are the chains. */
  sqlite3 *db = NULL;
  sqlite3_stmt *st = street_row(f,
                                "SELECT count(*) FROM entries e JOIN authors a ON a.key = e.author "
                                "WHERE a.role = 'community'",
                                &db);
  assert_int_equal(sqlite3_column_int64(st, 0), N * 100);
  sqlite3_finalize(st);
  sqlite3_close(db);
}

static int64_t street_count(fixture *f, const char *table);
static void street_exec(fixture *f, const char *sql);

/* Worker: each valid push follows one that fails after it has written (its
 * last entry refused by the trigger of test_group_commit_failure_after_write,
 * after the changeset and four entries were written), at the same sequences. */
static void *push_after_failure(void *arg) {
  struct pusher *p = arg;
  static const char ok[] = "{\"org\":\"120105001003-0001\",\"month\":\"2026-01\",\"activities\":1,"
                           "\"participants\":1,\"party_participants\":0,\"content\":\"ok\"}";
  static const char poison[] = "{\"org\":\"120105001003-0001\",\"month\":\"2026-01\","
                               "\"activities\":1,\"participants\":1,\"party_participants\":0,"
                               "\"content\":\"POISON\"}";
  const char *const bodies[5] = {ok, ok, ok, ok, poison};
  for (int i = 0; i < 20; i++) {
    tl_author before = p->a;
    push_one(p, bodies, 0);
    p->a = before;
    push_one(p, NULL, 1);
  }
  return NULL;
}

/* A push that fails after writing (here a trigger refuses its last entry)
 * takes nothing of its own and nothing of the others with it, whichever
 * group it landed in: the group is run again with a savepoint per push. */
static void test_group_commit_failure_after_write(void **state) {
  fixture *f = *state;
  enum { N = PUSHERS };
  street_exec(f, "CREATE TRIGGER refuse_poison BEFORE INSERT ON entries"
                 " WHEN instr(NEW.body, 'POISON') > 0 BEGIN SELECT RAISE(FAIL, 'poison'); END");
  push_at_once(f, push_after_failure);
  /* every failed push was undone by a rerun of its group */
  assert_true(f->hub->group.reruns >= 1);
  assert_true(f->hub->group.reruns <= (N / 2) * 20);
  assert_int_equal(street_count(f, "entries WHERE instr(body, 'POISON') > 0"), 0);
  assert_int_equal(street_count(f, "entries e JOIN authors a ON a.key = e.author"
                                   " WHERE a.role = 'community'"),
                   N * 100);
  assert_int_equal(street_count(f, "changesets c JOIN authors a ON a.key = c.author"
                                   " WHERE a.role = 'community'"),
                   N * 20);
}

/* The filing fields an organisation's row keeps as columns (and its filing
 * date, which the projection gives from its own parse) are what SQLite reads
 * of the JSON the row keeps: bodies with escapes (read by jansson, not the
 * compact scanner), a field absent, an amendment (its state written again by
 * cm_json_dump). */
static void test_org_columns_from_json(void **state) {
  fixture *f = *state;
  const char *kinds[5] = {"org.filed", "org.filed", "org.amended", "org.filed", "org.filed"};
  const char *bodies[5] = {
      "{\"id\":\"120105001001-0001\",\"name\":\"\\u4e50\\\"\\u4e4b\\\\\\/\\u961f\","
      "\"category\":\"\\u52a9\\u8001\",\"leader\":\"\\u738b\",\"phone\":\"1\",\"members\":20,"
      "\"party_members\":2,\"party_station\":false,\"founded_by\":\"self\",\"scope\":\"\","
      "\"venue\":\"\",\"filed\":\"2026-01-01\",\"flags\":[]}",
      "{\"id\":\"120105001001-0002\",\"name\":\"书画社\",\"category\":\"文体活动\","
      "\"leader\":\"李\",\"phone\":\"1\",\"members\":5,\"party_members\":0,"
      "\"party_station\":false,\"scope\":\"\",\"venue\":\"\",\"filed\":\"2026-02-01\","
      "\"flags\":[]}",
      "{\"id\":\"120105001001-0002\",\"changes\":{\"name\":\"\\u4e66\\\"\\u753b\"},\"flags\":[]}",
      /* flags of two words, no escape in the text: written by the hub itself */
      "{\"id\":\"120105001001-0003\",\"name\":\"棋社\",\"category\":\"文体活动\","
      "\"leader\":\"赵\",\"phone\":\"1\",\"members\":5,\"party_members\":3,"
      "\"party_station\":false,\"scope\":\"\",\"venue\":\"\",\"filed\":\"2026-02-01\","
      "\"flags\":[\"name_norm\",\"party_station\"]}",
      /* flags with an escape in the text: SQLite keeps it as written */
      "{\"id\":\"120105001001-0004\",\"name\":\"\\u821e\\u961f\",\"category\":\"文体活动\","
      "\"leader\":\"钱\",\"phone\":\"1\",\"members\":5,\"party_members\":0,"
      "\"party_station\":false,\"scope\":\"\",\"venue\":\"\",\"filed\":\"2026-02-01\","
      "\"flags\":[\"name\\u005fnorm\"]}"};
  f->c.time_ms = cm_now_ms() - 3600 * 1000;
  push_kinds(f, 5, kinds, bodies);
  sqlite3 *db = NULL;
  sqlite3_stmt *st = street_row(
      f,
      "SELECT count(*), sum(f_name IS NOT coalesce(data->>'name', '')"
      " OR f_category IS NOT coalesce(data->>'category', '')"
      " OR f_founded_by IS NOT coalesce(data->>'founded_by', '')"
      " OR f_flags IS NOT coalesce(data->>'flags', '')"
      " OR f_category_code IS NOT coalesce(data->>'category_code', '')"
      " OR f_industry IS NOT coalesce(data->>'industry', '')"
      " OR f_unit IS NOT coalesce(data->>'unit', '')"
      " OR filed IS NOT coalesce(data->>'filed', '')),"
      " sum(f_name = '乐\"之\\/队'), sum(f_founded_by = ''),"
      " sum(f_flags = '[\"name_norm\",\"party_station\"]'), sum(f_flags = '[\"name\\u005fnorm\"]')"
      " FROM organisations",
      &db);
  assert_int_equal(sqlite3_column_int64(st, 0), 4);
  assert_int_equal(sqlite3_column_int64(st, 1), 0);
  assert_int_equal(sqlite3_column_int64(st, 2), 1);
  assert_int_equal(sqlite3_column_int64(st, 3), 3);
  assert_int_equal(sqlite3_column_int64(st, 4), 1);
  assert_int_equal(sqlite3_column_int64(st, 5), 1);
  sqlite3_finalize(st);
  sqlite3_close(db);
}

/* The status of organisation id of the street's one community, as its row
 * holds it. */
static void org_status_of(fixture *f, const char *id, char out[16]) {
  char sql[160];
  sqlite3 *db = NULL;
  snprintf(sql, sizeof sql, "SELECT status FROM organisations WHERE id = '%s'", id);
  sqlite3_stmt *st = street_row(f, sql, &db);
  snprintf(out, 16, "%s", (const char *)sqlite3_column_text(st, 0));
  sqlite3_finalize(st);
  sqlite3_close(db);
}

/* A filing's row is written with its organisation's status by the row's
 * own statement: a filing sent again after a rejection is pending itself,
 * and the organisation stays rejected (its newest decided version) until
 * the new one is accepted.  The whole rule run again over the community
 * (hub_store_org_status_refresh) changes nothing. */
static void test_org_status_in_row(void **state) {
  fixture *f = *state;
  const char *kinds[1] = {"org.filed"};
  const char *body =
      "{\"id\":\"120105001001-0007\",\"name\":\"书画社\",\"category\":\"文体活动\","
      "\"leader\":\"李\",\"phone\":\"1\",\"members\":5,\"party_members\":0,"
      "\"party_station\":false,\"scope\":\"\",\"venue\":\"\",\"filed\":\"2026-02-01\"}";
  const char *bodies[1] = {body};
  char status[16];
  cm_err err;
  f->c.time_ms = cm_now_ms() - 3600 * 1000;
  for (int round = 0; round < 2; round++) {
    push_kinds(f, 1, kinds, bodies);
    org_status_of(f, "120105001001-0007", status);
    assert_string_equal(status, round == 0 ? "pending" : "rejected");
    if (round == 0) {
      assert_int_equal(
          hub_review_reject(f->hub, tl_newest_batch(f->hub), "李", "请补全后重新备案", NULL, &err),
          CM_OK);
      org_status_of(f, "120105001001-0007", status);
      assert_string_equal(status, "rejected");
    }
  }
  assert_int_equal(hub_store_org_status_refresh(f->hub->store, f->c.kp.pk, &err), CM_OK);
  org_status_of(f, "120105001001-0007", status);
  assert_string_equal(status, "rejected");
  assert_int_equal(hub_review_accept(f->hub, tl_newest_batch(f->hub), "李", NULL, 0, NULL, &err),
                   CM_OK);
  org_status_of(f, "120105001001-0007", status);
  assert_string_equal(status, "accepted");
}

/* What the checks read of an organisation filed earlier in the same push
 * is what its filing wrote: of two amendments, each the first after its own
 * filing, the one raising party members to the members passes, the one
 * beyond them is refused. */
static void test_org_facts_within_push(void **state) {
  fixture *f = *state;
  const char *kinds[4] = {"org.filed", "org.filed", "org.amended", "org.amended"};
  const char *bodies[4] = {
      "{\"id\":\"120105001001-0008\",\"name\":\"合唱团\",\"category\":\"文体活动\","
      "\"leader\":\"周\",\"phone\":\"1\",\"members\":5,\"party_members\":0,"
      "\"party_station\":false,\"scope\":\"\",\"venue\":\"\",\"filed\":\"2026-02-01\"}",
      "{\"id\":\"120105001001-0009\",\"name\":\"舞蹈队\",\"category\":\"文体活动\","
      "\"leader\":\"吴\",\"phone\":\"1\",\"members\":5,\"party_members\":0,"
      "\"party_station\":false,\"scope\":\"\",\"venue\":\"\",\"filed\":\"2026-02-01\"}",
      "{\"id\":\"120105001001-0008\",\"changes\":{\"party_members\":6}}",
      "{\"id\":\"120105001001-0009\",\"changes\":{\"party_members\":5}}"};
  f->c.time_ms = cm_now_ms() - 3600 * 1000;
  push_kinds(f, 4, kinds, bodies);
  sqlite3 *db = NULL;
  sqlite3_stmt *st = street_row(f, "SELECT count(*), min(seq) FROM refusals", &db);
  assert_int_equal(sqlite3_column_int64(st, 0), 1);
  assert_int_equal(sqlite3_column_int64(st, 1), 3);
  sqlite3_finalize(st);
  sqlite3_close(db);
}

/* Count of the rows of one table of the street hub (read beside it); table
 * may carry a WHERE clause. */
/* Run sql on the street's database beside the hub (a test's trigger). */
static void street_exec(fixture *f, const char *sql) {
  char path[4096];
  sqlite3 *db = NULL;
  snprintf(path, sizeof path, "%s/street/hub.db", f->dir);
  assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
  assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
  sqlite3_close(db);
}

static int64_t street_count(fixture *f, const char *table) {
  char sql[256];
  sqlite3 *db = NULL;
  snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", table);
  sqlite3_stmt *st = street_row(f, sql, &db);
  int64_t n = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  sqlite3_close(db);
  return n;
}

/* The rows of a push's monthly reports are written a statement per table at
 * the end (hub_store_defer): when one of those statements fails halfway
 * (here a trigger refuses the 40th report's version), the push is refused
 * and none of its rows stays, not even those written before the failing
 * one; sent again once the cause is gone, it is stored whole. */
static void test_rows_failure_undone(void **state) {
  fixture *f = *state;
  const char *kind = "org.filed";
  const char *filing =
      "{\"id\":\"120105001001-0001\",\"name\":\"助老队\",\"category\":\"为老服务\","
      "\"leader\":\"王\",\"phone\":\"1\",\"members\":20,\"party_members\":2,"
      "\"party_station\":false,\"founded_by\":\"self\",\"scope\":\"\",\"venue\":\"\","
      "\"filed\":\"2020-01-01\",\"flags\":[]}";
  uint8_t *cs = NULL, *b = NULL;
  size_t cslen = 0, blen = 0;
  f->c.time_ms = cm_now_ms() - 3600 * 1000;
  assert_int_equal(tl_changeset(&f->c, 1, &kind, &filing, 0, &cs, &cslen), 0);
  assert_int_equal(tl_bundle(&cs, &cslen, 1, &b, &blen), 0);
  assert_int_equal(tl_ingest(f->hub, b, blen, NULL), 200);
  free(cs);
  free(b);

  enum { N = 60 };
  const char *kinds[N];
  char *bodies[N];
  for (int i = 0; i < N; i++) {
    kinds[i] = "report.monthly";
    bodies[i] = malloc(256);
    assert_non_null(bodies[i]);
    snprintf(bodies[i], 256,
             "{\"org\":\"120105001001-0001\",\"month\":\"%04d-%02d\",\"activities\":%d,"
             "\"participants\":10,\"party_participants\":1,\"content\":\"探访\"}",
             2020 + i / 12, i % 12 + 1, i == 39 ? 999 : 2);
  }
  assert_int_equal(tl_changeset(&f->c, N, kinds, (const char *const *)bodies, 0, &cs, &cslen), 0);
  assert_int_equal(tl_bundle(&cs, &cslen, 1, &b, &blen), 0);

  street_exec(f, "CREATE TRIGGER refuse_999 BEFORE INSERT ON report_versions"
                 " WHEN NEW.activities = 999 BEGIN SELECT RAISE(FAIL, '999'); END");
  static const char *const tables[] = {"entries", "report_versions", "reports", "record_status",
                                       "changesets"};
  enum { T = sizeof tables / sizeof tables[0] };
  int64_t before[T];
  for (int t = 0; t < T; t++)
    before[t] = street_count(f, tables[t]);
  assert_int_equal(before[1], 0);
  assert_int_not_equal(tl_ingest(f->hub, b, blen, NULL), 200);
  assert_int_equal(tl_head(f->hub, f->c.kp.pk), 1);
  for (int t = 0; t < T; t++)
    assert_int_equal(street_count(f, tables[t]), before[t]);

  street_exec(f, "DROP TRIGGER refuse_999");
  assert_int_equal(tl_ingest(f->hub, b, blen, NULL), 200);
  assert_int_equal(tl_head(f->hub, f->c.kp.pk), 1 + N);
  assert_int_equal(street_count(f, "entries WHERE kind = 'report.monthly'"), N);
  assert_int_equal(street_count(f, "report_versions"), N);
  assert_int_equal(street_count(f, "reports"), N);
  assert_int_equal(street_count(f, "record_status s JOIN report_versions v USING (author, seq)"
                                   " WHERE s.status = 'accepted'"),
                   N);
  assert_int_equal(street_count(f, "changesets WHERE first_seq = 2 AND last_seq = 61"), 1);
  for (int i = 0; i < N; i++)
    free(bodies[i]);
  free(cs);
  free(b);
}

/* hub_heap_serve, called as serve calls it (before the process has
 * allocated much), leaves the heap's first 64 MB advised as huge pages: a
 * [heap] mapping of at least that size carries the advice ("hg" in its
 * VmFlags).  Not checked under AddressSanitizer (its allocator is not the C
 * library's) or on a kernel without transparent huge pages. */
static void test_heap_advised(void **state) {
  (void)state;
#if defined(__SANITIZE_ADDRESS__)
  skip();
#else
  FILE *thp = fopen("/sys/kernel/mm/transparent_hugepage/enabled", "r");
  if (!thp) skip();
  fclose(thp);
  hub_heap_serve();
  FILE *f = fopen("/proc/self/smaps", "r");
  assert_non_null(f);
  char line[512];
  unsigned long lo = 0, hi = 0;
  int heap = 0, advised = 0;
  while (fgets(line, sizeof line, f)) {
    unsigned long a, b;
    if (sscanf(line, "%lx-%lx ", &a, &b) == 2) {
      lo = a;
      hi = b;
      heap = strstr(line, "[heap]") != NULL;
    } else if (heap && !strncmp(line, "VmFlags:", 8) && strstr(line, " hg") &&
               hi - lo >= (64ul << 20) - (2ul << 20)) {
      advised = 1;
    }
  }
  fclose(f);
  assert_true(advised);
#endif
}

int main(void) {
  const struct CMUnitTest tests[] = {
      /* first: hub_heap_serve is for a process that has not allocated much */
      cmocka_unit_test(test_heap_advised),
      cmocka_unit_test_setup_teardown(test_valid_replay_receipts, setup, teardown),
      cmocka_unit_test_setup_teardown(test_padding_bomb, setup, teardown),
      cmocka_unit_test_setup_teardown(test_overlap_and_two_changesets, setup, teardown),
      cmocka_unit_test_setup_teardown(test_gap, setup, teardown),
      cmocka_unit_test_setup_teardown(test_unknown_key, setup, teardown),
      cmocka_unit_test_setup_teardown(test_tampered_and_bomb, setup, teardown),
      cmocka_unit_test_setup_teardown(test_all_or_nothing_and_too_large, setup, teardown),
      cmocka_unit_test_setup_teardown(test_fork, setup, teardown),
      cmocka_unit_test_setup_teardown(test_fork_prev_mismatch, setup, teardown),
      cmocka_unit_test_setup_teardown(test_fork_inside_one_bundle, setup, teardown),
      cmocka_unit_test_setup_teardown(test_clock_flag, setup, teardown),
      cmocka_unit_test_setup_teardown(test_feed_and_requests, setup, teardown),
      cmocka_unit_test_setup_teardown(test_threads_share_one_hub, setup, teardown),
      cmocka_unit_test_setup_teardown(test_group_commit_refusal_alone, setup, teardown),
      cmocka_unit_test_setup_teardown(test_group_commit_failure_after_write, setup, teardown),
      cmocka_unit_test_setup_teardown(test_org_columns_from_json, setup, teardown),
      cmocka_unit_test_setup_teardown(test_org_status_in_row, setup, teardown),
      cmocka_unit_test_setup_teardown(test_org_facts_within_push, setup, teardown),
      cmocka_unit_test_setup_teardown(test_rows_failure_undone, setup, teardown),
  };
  return cmocka_run_group_tests_name("hub_ingest", tests, NULL, NULL);
}
