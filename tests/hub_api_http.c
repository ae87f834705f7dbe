/* hub_api_http.c - the hub's HTTP API through the real server (in-process on
 * 127.0.0.1 port 0): push, replay, gap, fork, unknown key, tampered, bomb,
 * oversize, heads, log, feed, enroll, summary, health, and stalled clients.
 * Every refusal is followed by a check that nothing was stored.  The tests run
 * in order on one street hub and build on each other's state. */
#define _GNU_SOURCE /* memmem, strcasestr */
/* cmocka needs these before it, in this order. */
/* clang-format off */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
/* clang-format on */

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/clock.h"
#include "common/codec.h"
#include "common/http_client.h"
#include "common/upstream.h"
#include "hub/hublog.h"
#include "hub_api_util.h"
#include "protocol/bundle.h"
#include "protocol/changeset.h"
#include "protocol/feed.h"
#include "protocol/receipt.h"
#include "protocol/request.h"
#include "protocol_fixtures.h"

#define STREET_NAME "望海樓街"

static struct {
  t_tmp tmp;
  char dir[512];
  hub_server *srv;
  char base[128];
  uint16_t port;
  uint8_t hub_pk[PROTO_KEY_BYTES];
  t_log a;          /* enrolled community: the main log */
  t_log b;          /* enrolled community that forks */
  t_log x;          /* never enrolled */
  t_log b_fork;     /* b's other history */
  uint8_t *a_cs[3]; /* a's pushed changesets, for verbatim checks */
  size_t a_len[3];
} g;

static int group_setup(void **state) {
  (void)state;
  memset(&g, 0, sizeof g);
  if (cm_client_global_init() != CM_OK || t_tmp_new(&g.tmp)) return -1;
  snprintf(g.dir, sizeof g.dir, "%s/street", g.tmp.path);
  if (t_hub_init(g.dir, HUB_ROLE_STREET, STREET_NAME, NULL, NULL, g.hub_pk)) return -1;
  if (t_log_new(&g.a) || t_log_new(&g.b) || t_log_new(&g.x)) return -1;
  if (t_hub_enroll(g.dir, g.a.kp.pk, "建昌道社區", "120105001001")) return -1;
  if (t_hub_enroll(g.dir, g.b.kp.pk, "鐵東路社區", "120105001002")) return -1;
  cm_err err;
  cm_err_clear(&err);
  if (hub_server_start(g.dir, "127.0.0.1:0", NULL, NULL, &g.srv, &err) != CM_OK) {
    fprintf(stderr, "start: %s\n", err.msg);
    return -1;
  }
  g.port = hub_server_port(g.srv);
  t_base(g.srv, g.base, sizeof g.base);
  return 0;
}

static int group_teardown(void **state) {
  (void)state;
  hub_server_stop(g.srv);
  for (int i = 0; i < 3; i++)
    free(g.a_cs[i]);
  t_log_clear(&g.a);
  t_tmp_free(&g.tmp);
  return 0;
}

/* POST one bundle of the given changesets. */
static void post_bundle(const uint8_t *const *cs, const size_t *lens, size_t n, t_resp *r) {
  uint8_t *bundle = NULL;
  size_t len = 0;
  assert_int_equal(t_bundle(cs, lens, n, &bundle, &len), 0);
  assert_int_equal(t_http("POST", g.base, "/api/v1/changesets", "application/vnd.linli.bundle",
                          bundle, len, NULL, 0, NULL, r),
                   0);
  free(bundle);
}

static void post_one(const uint8_t *cs, size_t len, t_resp *r) {
  post_bundle(&cs, &len, 1, r);
}

static void hex_of(const uint8_t *k, char out[PROTO_KEY_HEX]) {
  proto_key_hex(k, out);
}

/* How many changesets GET /api/v1/log/{a}?after=N returns (signed by a). */
static long log_count(uint64_t after, proto_span **spans, uint8_t **body_out) {
  char path[160], hex[PROTO_KEY_HEX];
  t_resp r;
  hex_of(g.a.kp.pk, hex);
  snprintf(path, sizeof path, "/api/v1/log/%s?after=%llu", hex, (unsigned long long)after);
  if (t_http("GET", g.base, path, NULL, NULL, 0, &g.a.kp, 0, NULL, &r) || r.status != 200) {
    t_resp_free(&r);
    return -1;
  }
  proto_span *sp = NULL;
  size_t n = 0;
  long ret = proto_bundle_split(r.body, r.len, &sp, &n, NULL) == CM_OK ? (long)n : -1;
  if (spans) {
    *spans = sp;
    *body_out = r.body;
    r.body = NULL;
  } else {
    free(sp);
  }
  t_resp_free(&r);
  return ret;
}

/* A valid bundle: 200, receipts that verify against the hub key. */
static void test_push_valid(void **state) {
  (void)state;
  assert_int_equal(t_log_org(&g.a, "120105001001-0001", "建昌道社區夕陽紅志願服務隊"), 0);
  assert_int_equal(t_log_report(&g.a, "120105001001-0001", "2026-08", 3, 40, 2), 0);
  assert_int_equal(t_log_report(&g.a, "120105001001-0001", "2026-09", 3, 40, 2), 0);
  assert_int_equal(t_log_build(&g.a, &g.a_cs[0], &g.a_len[0]), 0);

  uint8_t *bundle = NULL;
  size_t len = 0;
  const uint8_t *cs = g.a_cs[0];
  assert_int_equal(t_bundle(&cs, &g.a_len[0], 1, &bundle, &len), 0);
  cm_push_result pr;
  cm_err err;
  cm_err_clear(&err);
  cm_rc rc = cm_upstream_push(g.base, g.hub_pk, bundle, len, NULL, &pr, &err);
  free(bundle);
  assert_int_equal(rc, CM_OK);
  assert_int_equal(pr.status, 200);
  assert_int_equal(pr.n_receipts, 1);
  assert_memory_equal(pr.receipts[0].r.author, g.a.kp.pk, PROTO_KEY_BYTES);
  assert_memory_equal(pr.receipts[0].r.hub, g.hub_pk, PROTO_KEY_BYTES);
  assert_int_equal(pr.receipts[0].r.seq, 3);
  assert_memory_equal(pr.receipts[0].r.head_hash, g.a.head, PROTO_HASH_BYTES);
  /* The raw bytes verify on their own, as a node keeps them. */
  proto_receipt again;
  assert_int_equal(
      proto_receipt_decode(pr.receipts[0].raw, PROTO_RECEIPT_BYTES, g.hub_pk, &again, NULL), CM_OK);
  cm_push_result_free(&pr);
  assert_int_equal(t_head_seq(g.base, g.a.kp.pk), 3);
}

/* The same bytes again: 200, stored 0, one changeset held. */
static void test_replay(void **state) {
  (void)state;
  t_resp r;
  post_one(g.a_cs[0], g.a_len[0], &r);
  assert_int_equal(r.status, 200);
  assert_int_equal(t_json_int(&r, "stored"), 0);
  json_t *rc0 = json_array_get(json_object_get(r.json, "receipts"), 0);
  assert_non_null(rc0);
  assert_int_equal(json_integer_value(json_object_get(rc0, "seq")), 3);
  t_resp_free(&r);
  assert_int_equal(t_head_seq(g.base, g.a.kp.pk), 3);
  assert_int_equal(log_count(0, NULL, NULL), 1);
}

/* A gap: 409 with the expected sequence; then the missing piece closes it. */
static void test_gap(void **state) {
  (void)state;
  char hex[PROTO_KEY_HEX];
  hex_of(g.a.kp.pk, hex);
  /* seq 4..5: a third month and a correction of August */
  assert_int_equal(t_log_report(&g.a, "120105001001-0001", "2026-10", 3, 40, 2), 0);
  assert_int_equal(t_log_report(&g.a, "120105001001-0001", "2026-08", 5, 50, 3), 0);
  assert_int_equal(t_log_build(&g.a, &g.a_cs[1], &g.a_len[1]), 0);
  /* seq 6..7: a second organisation and its report */
  assert_int_equal(t_log_org(&g.a, "120105001001-0002", "建昌道社區環保志願服務隊"), 0);
  assert_int_equal(t_log_report(&g.a, "120105001001-0002", "2026-10", 1, 10, 0), 0);
  assert_int_equal(t_log_build(&g.a, &g.a_cs[2], &g.a_len[2]), 0);

  t_resp r;
  post_one(g.a_cs[2], g.a_len[2], &r);
  assert_int_equal(r.status, 409);
  assert_string_equal(t_err_name(&r), "PROTO_GAP");
  assert_int_equal(t_json_int(&r, "code"), CM_PROTO_GAP);
  assert_int_equal(t_json_int(&r, "expected_seq"), 4);
  assert_string_equal(json_string_value(json_object_get(r.json, "author")), hex);
  t_resp_free(&r);
  assert_int_equal(t_head_seq(g.base, g.a.kp.pk), 3);

  const uint8_t *both[2] = {g.a_cs[1], g.a_cs[2]};
  post_bundle(both, &g.a_len[1], 2, &r);
  assert_int_equal(r.status, 200);
  assert_int_equal(t_json_int(&r, "stored"), 4);
  t_resp_free(&r);
  assert_int_equal(t_head_seq(g.base, g.a.kp.pk), 7);
}

/* Two different entries at the same sequence: 409 PROTO_FORK, then the author
 * is quarantined (409 CONFLICT) and its head does not move. */
static void test_fork(void **state) {
  (void)state;
  uint8_t *cs = NULL, *other = NULL, *next = NULL;
  size_t len = 0, olen = 0, nlen = 0;
  g.b_fork = g.b; /* same key, same (empty) past */
  assert_int_equal(
      t_log_add(&g.b, "activity.declared",
                "{\"id\":\"120105001002-A0001\",\"org\":\"120105001002-0001\","
                "\"date\":\"2026-12-01\",\"title\":\"重陽敬老\",\"place\":\"社區廣場\","
                "\"expected\":200,\"description\":\"\"}"),
      0);
  assert_int_equal(t_log_build(&g.b, &cs, &len), 0);
  assert_int_equal(
      t_log_add(&g.b_fork, "activity.declared",
                "{\"id\":\"120105001002-A0001\",\"org\":\"120105001002-0001\","
                "\"date\":\"2026-12-02\",\"title\":\"重陽敬老（改）\",\"place\":\"社區廣場\","
                "\"expected\":300,\"description\":\"\"}"),
      0);
  assert_int_equal(t_log_build(&g.b_fork, &other, &olen), 0);

  t_resp r;
  post_one(cs, len, &r);
  assert_int_equal(r.status, 200);
  t_resp_free(&r);
  assert_int_equal(t_head_seq(g.base, g.b.kp.pk), 1);

  post_one(other, olen, &r);
  assert_int_equal(r.status, 409);
  assert_string_equal(t_err_name(&r), "PROTO_FORK");
  assert_non_null(json_object_get(r.json, "author"));
  t_resp_free(&r);

  /* A valid continuation of the first history is refused while quarantined. */
  assert_int_equal(
      t_log_add(&g.b, "rectification.filed",
                "{\"org\":\"120105001002-0001\",\"decision\":\"x/1\",\"content\":\"已整改\"}"),
      0);
  assert_int_equal(t_log_build(&g.b, &next, &nlen), 0);
  post_one(next, nlen, &r);
  assert_int_equal(r.status, 409);
  assert_string_equal(t_err_name(&r), "CONFLICT");
  t_resp_free(&r);
  assert_int_equal(t_head_seq(g.base, g.b.kp.pk), 1);
  free(cs);
  free(other);
  free(next);
}

/* A key the hub never enrolled: 403 PERM naming it; nothing stored. */
static void test_unknown_key(void **state) {
  (void)state;
  uint8_t *cs = NULL;
  size_t len = 0;
  char hex[PROTO_KEY_HEX];
  hex_of(g.x.kp.pk, hex);
  assert_int_equal(t_log_org(&g.x, "120105009999-0001", "不存在的組織"), 0);
  assert_int_equal(t_log_build(&g.x, &cs, &len), 0);
  t_resp r;
  post_one(cs, len, &r);
  assert_int_equal(r.status, 403);
  assert_string_equal(t_err_name(&r), "PERM");
  assert_string_equal(json_string_value(json_object_get(r.json, "author")), hex);
  t_resp_free(&r);
  assert_int_equal(t_head_seq(g.base, g.x.kp.pk), 0);
  free(cs);
}

/* A bundle whose second changeset is tampered: 400 with the protocol code and
 * index 1, and the valid first one is not stored either. */
static void expect_400(const char *vector, const char *code, long index) {
  uint8_t *bad = NULL, *good = NULL;
  size_t blen = 0, glen = 0;
  t_log save = g.a; /* the good changeset must not count as pushed */
  assert_int_equal(fx_read_vector(vector, &bad, &blen), 0);
  assert_int_equal(t_log_report(&g.a, "120105001001-0002", "2026-11", 2, 20, 1), 0);
  assert_int_equal(t_log_build(&g.a, &good, &glen), 0);
  const uint8_t *cs[2] = {good, bad};
  size_t lens[2] = {glen, blen};
  t_resp r;
  if (index == 1) {
    post_bundle(cs, lens, 2, &r);
  } else {
    post_one(bad, blen, &r);
  }
  assert_int_equal(r.status, 400);
  assert_string_equal(t_err_name(&r), code);
  assert_int_equal(t_json_int(&r, "index"), index);
  t_resp_free(&r);
  assert_int_equal(t_head_seq(g.base, g.a.kp.pk), 7);
  g.a = save;
  free(bad);
  free(good);
}

static void test_tampered(void **state) {
  (void)state;
  expect_400("cs_flip_sig.bin", "PROTO_BAD_SIGNATURE", 1);
  expect_400("cs_flip_payload.bin", "PROTO_PAYLOAD_HASH", 1);
  expect_400("cs_chain_broken.bin", "PROTO_CHAIN", 0);
}

static void test_bomb(void **state) {
  (void)state;
  expect_400("cs_bomb.bin", "PROTO_BOMB", 1);
}

/* A bundle whose framing is broken: 400 with the bundle's code. */
static void test_bad_bundle(void **state) {
  (void)state;
  uint8_t *bad = NULL;
  size_t len = 0;
  assert_int_equal(fx_read_vector("bundle_truncated.bin", &bad, &len), 0);
  t_resp r;
  assert_int_equal(t_http("POST", g.base, "/api/v1/changesets", "application/vnd.linli.bundle", bad,
                          len, NULL, 0, NULL, &r),
                   0);
  assert_int_equal(r.status, 400);
  assert_string_equal(t_err_name(&r), "PROTO_TRUNCATED");
  t_resp_free(&r);
  free(bad);
}

/* Over 32 MiB: 413 on the headers alone, before the body is sent. */
static void test_oversize(void **state) {
  (void)state;
  char req[256], resp[4096];
  int n = snprintf(req, sizeof req,
                   "POST /api/v1/changesets HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                   "Content-Type: application/vnd.linli.bundle\r\nContent-Length: %zu\r\n\r\n",
                   ((size_t)32u << 20) + 1);
  int status = t_raw(g.port, req, (size_t)n, resp, sizeof resp, 0);
  assert_int_equal(status, 413);
  assert_non_null(strstr(resp, "\"TOO_LARGE\""));
  /* And a real 33 MiB body through the client is refused the same way, or cut
   * off; either way nothing is stored and the hub keeps serving. */
  size_t big = ((size_t)33u << 20);
  uint8_t *body = calloc(1, big);
  assert_non_null(body);
  memcpy(body, "LNBD", 4);
  t_resp r;
  if (t_http("POST", g.base, "/api/v1/changesets", "application/vnd.linli.bundle", body, big, NULL,
             0, NULL, &r) == 0) {
    assert_int_equal(r.status, 413);
    assert_string_equal(t_err_name(&r), "TOO_LARGE");
  }
  t_resp_free(&r);
  free(body);
  assert_int_equal(t_head_seq(g.base, g.a.kp.pk), 7);
}

/* Heads: the signed receipt states what the hub holds. */
static void test_heads(void **state) {
  (void)state;
  char path[160], hex[PROTO_KEY_HEX], head_hex[2 * PROTO_HASH_BYTES + 1];
  t_resp r;
  hex_of(g.a.kp.pk, hex);
  cm_hex_encode(g.a.head, PROTO_HASH_BYTES, head_hex);
  snprintf(path, sizeof path, "/api/v1/heads/%s", hex);
  assert_int_equal(t_http("GET", g.base, path, NULL, NULL, 0, NULL, 0, NULL, &r), 0);
  assert_int_equal(r.status, 200);
  assert_string_equal(json_string_value(json_object_get(r.json, "author")), hex);
  assert_int_equal(t_json_int(&r, "seq"), 7);
  assert_string_equal(json_string_value(json_object_get(r.json, "head")), head_hex);
  const char *b64 = json_string_value(json_object_get(r.json, "receipt"));
  assert_non_null(b64);
  uint8_t *raw = NULL;
  size_t rlen = 0;
  assert_int_equal(cm_b64_decode(b64, strlen(b64), &raw, &rlen), CM_OK);
  proto_receipt rc;
  assert_int_equal(proto_receipt_decode(raw, rlen, g.hub_pk, &rc, NULL), CM_OK);
  assert_int_equal(rc.seq, 7);
  assert_memory_equal(rc.head_hash, g.a.head, PROTO_HASH_BYTES);
  free(raw);
  t_resp_free(&r);

  /* Through the shared client, pinned to the hub key. */
  cm_receipt head;
  assert_int_equal(cm_upstream_head(g.base, g.hub_pk, g.a.kp.pk, NULL, &head, NULL), CM_OK);
  assert_int_equal(head.r.seq, 7);

  /* Nothing held: seq 0; not a key: 400. */
  assert_int_equal(t_head_seq(g.base, g.x.kp.pk), 0);
  assert_int_equal(t_http("GET", g.base, "/api/v1/heads/zz", NULL, NULL, 0, NULL, 0, NULL, &r), 0);
  assert_int_equal(r.status, 400);
  t_resp_free(&r);
}

/* A raw signed request, so that the test controls the time exactly. */
static int raw_signed_get(const char *target, const proto_keypair *kp, uint64_t time_ms, char *resp,
                          size_t cap) {
  proto_request rq;
  memset(&rq, 0, sizeof rq);
  rq.method = "GET";
  rq.path = target;
  rq.time_ms = time_ms;
  if (proto_request_sign(&rq, kp, NULL, 0) != CM_OK) return -1;
  char key[PROTO_KEY_HEX], sig[PROTO_SIG_HEX], req[1024];
  proto_key_hex(kp->pk, key);
  cm_hex_encode(rq.sig, PROTO_SIG_BYTES, sig);
  int n = snprintf(req, sizeof req,
                   "GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nX-Linli-Key: %s\r\n"
                   "X-Linli-Time: %llu\r\nX-Linli-Signature: %s\r\n\r\n",
                   target, key, (unsigned long long)time_ms, sig);
  return t_raw(g.port, req, (size_t)n, resp, cap, 0);
}

/* The author's log back, verbatim; nobody else's key gets it. */
static void test_log(void **state) {
  (void)state;
  proto_span *sp = NULL;
  uint8_t *body = NULL;
  assert_int_equal(log_count(0, &sp, &body), 3);
  for (int i = 0; i < 3; i++) {
    assert_int_equal(sp[i].len, g.a_len[i]);
    assert_memory_equal(sp[i].p, g.a_cs[i], g.a_len[i]);
  }
  free(sp);
  free(body);
  assert_int_equal(log_count(5, NULL, NULL), 1);
  assert_int_equal(log_count(7, NULL, NULL), 0);

  char path[160], hex[PROTO_KEY_HEX], resp[4096];
  hex_of(g.a.kp.pk, hex);
  snprintf(path, sizeof path, "/api/v1/log/%s?after=0", hex);
  t_resp r;
  /* Signed by another (enrolled) key. */
  assert_int_equal(t_http("GET", g.base, path, NULL, NULL, 0, &g.b.kp, 0, NULL, &r), 0);
  assert_int_equal(r.status, 403);
  assert_string_equal(t_err_name(&r), "PERM");
  t_resp_free(&r);
  /* Unsigned. */
  assert_int_equal(t_http("GET", g.base, path, NULL, NULL, 0, NULL, 0, NULL, &r), 0);
  assert_int_equal(r.status, 401);
  assert_string_equal(t_err_name(&r), "PROTO_BAD_SIGNATURE");
  t_resp_free(&r);
  /* Signed an hour ago: stale, and the answer carries the hub's clock. */
  assert_int_equal(raw_signed_get(path, &g.a.kp, cm_now_ms() - 3600u * 1000u, resp, sizeof resp),
                   401);
  assert_non_null(strstr(resp, "PROTO_STALE_REQUEST"));
  assert_non_null(strcasestr(resp, "X-Linli-Time:"));
  /* Signed for another path than the one sent. */
  char other[200];
  snprintf(other, sizeof other, "/api/v1/log/%s?after=1", hex);
  proto_request rq;
  memset(&rq, 0, sizeof rq);
  rq.method = "GET";
  rq.path = other;
  rq.time_ms = cm_now_ms();
  assert_int_equal(proto_request_sign(&rq, &g.a.kp, NULL, 0), CM_OK);
  char sig[PROTO_SIG_HEX], req[1024];
  cm_hex_encode(rq.sig, PROTO_SIG_BYTES, sig);
  int n = snprintf(req, sizeof req,
                   "GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nX-Linli-Key: %s\r\n"
                   "X-Linli-Time: %llu\r\nX-Linli-Signature: %s\r\n\r\n",
                   path, hex, (unsigned long long)rq.time_ms, sig);
  assert_int_equal(t_raw(g.port, req, (size_t)n, resp, sizeof resp, 0), 401);
  assert_non_null(strstr(resp, "PROTO_BAD_SIGNATURE"));
}

/* The feed: signed by an enrolled key, verifiable item by item. */
static void test_feed(void **state) {
  (void)state;
  t_resp r;
  char hex[PROTO_KEY_HEX];
  hex_of(g.a.kp.pk, hex);
  assert_int_equal(
      t_http("GET", g.base, "/api/v1/feed?after=0", NULL, NULL, 0, &g.a.kp, 0, NULL, &r), 0);
  assert_int_equal(r.status, 200);
  proto_feed_item *items = NULL;
  size_t n = 0;
  uint64_t next = 0;
  assert_int_equal(proto_feed_decode(r.body, r.len, g.hub_pk, &items, &n, &next, NULL), CM_OK);
  /* At least the hub's own entry enrolling this community. */
  assert_true(n >= 1);
  int found = 0;
  for (size_t i = 0; i < n; i++) {
    assert_memory_equal(items[i].entry.author, g.hub_pk, PROTO_KEY_BYTES);
    if (!strcmp(items[i].entry.kind, "hub.enrolled") &&
        memmem(items[i].entry.body, items[i].entry.body_len, hex, strlen(hex)))
      found = 1;
  }
  assert_true(found);
  assert_true(next >= items[n - 1].cursor);
  free(items);
  t_resp_free(&r);

  /* Continuing after next_cursor gives nothing new. */
  char path[64];
  snprintf(path, sizeof path, "/api/v1/feed?after=%llu", (unsigned long long)next);
  assert_int_equal(t_http("GET", g.base, path, NULL, NULL, 0, &g.a.kp, 0, NULL, &r), 0);
  assert_int_equal(r.status, 200);
  assert_int_equal(proto_feed_decode(r.body, r.len, g.hub_pk, &items, &n, &next, NULL), CM_OK);
  assert_int_equal(n, 0);
  free(items);
  t_resp_free(&r);

  assert_int_equal(t_http("GET", g.base, "/api/v1/feed?after=0", NULL, NULL, 0, NULL, 0, NULL, &r),
                   0);
  assert_int_equal(r.status, 401);
  assert_string_equal(t_err_name(&r), "PROTO_BAD_SIGNATURE");
  t_resp_free(&r);

  assert_int_equal(
      t_http("GET", g.base, "/api/v1/feed?after=0", NULL, NULL, 0, &g.x.kp, 0, NULL, &r), 0);
  assert_int_equal(r.status, 403);
  assert_string_equal(t_err_name(&r), "PERM");
  t_resp_free(&r);

  assert_int_equal(
      t_http("GET", g.base, "/api/v1/feed?after=x", NULL, NULL, 0, &g.a.kp, 0, NULL, &r), 0);
  assert_int_equal(r.status, 400);
  t_resp_free(&r);
}

/* Enrolment asked by the node itself: 202 pending, the operator approves,
 * then 200 enrolled. */
static void test_enroll(void **state) {
  (void)state;
  t_log e;
  assert_int_equal(t_log_new(&e), 0);
  const char *body = "{\"name\":\"光明社區\",\"street\":\"望海樓街\",\"code\":\"120105001003\","
                     "\"role\":\"community\"}";
  char hub_hex[PROTO_KEY_HEX];
  hex_of(g.hub_pk, hub_hex);
  t_resp r;
  assert_int_equal(t_http("POST", g.base, "/api/v1/enroll", "application/json",
                          (const uint8_t *)body, strlen(body), &e.kp, 0, NULL, &r),
                   0);
  assert_int_equal(r.status, 202);
  assert_string_equal(json_string_value(json_object_get(r.json, "status")), "pending");
  assert_string_equal(json_string_value(json_object_get(r.json, "hub_key")), hub_hex);
  assert_non_null(json_string_value(json_object_get(r.json, "hub_fingerprint")));
  long long id = t_json_int(&r, "request_id");
  assert_true(id > 0);
  t_resp_free(&r);

  /* Asking again is harmless and keeps the request. */
  assert_int_equal(t_http("POST", g.base, "/api/v1/enroll", "application/json",
                          (const uint8_t *)body, strlen(body), &e.kp, 0, NULL, &r),
                   0);
  assert_int_equal(r.status, 202);
  assert_int_equal(t_json_int(&r, "request_id"), id);
  t_resp_free(&r);

  /* The feed is still closed to it. */
  assert_int_equal(t_http("GET", g.base, "/api/v1/feed", NULL, NULL, 0, &e.kp, 0, NULL, &r), 0);
  assert_int_equal(r.status, 403);
  t_resp_free(&r);

  /* enroll-approve ID, as the operator's CLI does it, while serve runs. */
  hub_ctx *h = NULL;
  assert_int_equal(hub_open(g.dir, &h, NULL), CM_OK);
  assert_int_equal(hub_enroll_approve(h, (int64_t)id, NULL, NULL, NULL, NULL), CM_OK);
  hub_close(h);

  long status = 0;
  uint8_t hub_key[PROTO_KEY_BYTES];
  cm_client_opts o;
  memset(&o, 0, sizeof o);
  o.sign_with = &e.kp;
  assert_int_equal(cm_upstream_enroll(g.base, body, &o, &status, hub_key, NULL), CM_OK);
  assert_int_equal(status, 200);
  assert_memory_equal(hub_key, g.hub_pk, PROTO_KEY_BYTES);

  /* Unsigned, or not JSON, or the wrong role. */
  assert_int_equal(t_http("POST", g.base, "/api/v1/enroll", "application/json",
                          (const uint8_t *)body, strlen(body), NULL, 0, NULL, &r),
                   0);
  assert_int_equal(r.status, 401);
  t_resp_free(&r);
  t_log f;
  assert_int_equal(t_log_new(&f), 0);
  assert_int_equal(t_http("POST", g.base, "/api/v1/enroll", "application/json",
                          (const uint8_t *)"{\"name\":", 8, &f.kp, 0, NULL, &r),
                   0);
  assert_int_equal(r.status, 400);
  t_resp_free(&r);
  const char *wrong = "{\"name\":\"某街\",\"role\":\"street\"}";
  assert_int_equal(t_http("POST", g.base, "/api/v1/enroll", "application/json",
                          (const uint8_t *)wrong, strlen(wrong), &f.kp, 0, NULL, &r),
                   0);
  assert_int_equal(r.status, 400);
  t_resp_free(&r);
}

static void expect_counts(json_t *o, long long orgs, long long reports, long long acts,
                          long long part, long long party) {
  assert_true(json_is_object(o));
  assert_int_equal(json_integer_value(json_object_get(o, "organisations")), orgs);
  assert_int_equal(json_integer_value(json_object_get(o, "reports")), reports);
  assert_int_equal(json_integer_value(json_object_get(o, "activities")), acts);
  assert_int_equal(json_integer_value(json_object_get(o, "participants")), part);
  assert_int_equal(json_integer_value(json_object_get(o, "party_participants")), party);
}

/* Summary: aggregates in the documented shape, no personal data. */
static void test_summary(void **state) {
  (void)state;
  t_resp r;
  assert_int_equal(t_http("GET", g.base, "/api/v1/summary", NULL, NULL, 0, NULL, 0, NULL, &r), 0);
  assert_int_equal(r.status, 200);
  assert_non_null(r.json);
  /* Two organisations; reports: Aug (corrected 5/50/3), Sep, Oct, and org 2's Oct. */
  expect_counts(json_object_get(r.json, "pending"), 2, 4, 12, 140, 7);
  expect_counts(json_object_get(r.json, "accepted"), 0, 0, 0, 0, 0);
  json_t *streets = json_object_get(r.json, "streets");
  assert_int_equal(json_array_size(streets), 1);
  json_t *s = json_array_get(streets, 0);
  assert_string_equal(json_string_value(json_object_get(s, "name")), STREET_NAME);
  expect_counts(json_object_get(s, "pending"), 2, 4, 12, 140, 7);
  json_t *comms = json_object_get(s, "communities");
  assert_true(json_is_array(comms));
  int seen = 0;
  for (size_t i = 0; i < json_array_size(comms); i++) {
    json_t *c = json_array_get(comms, i);
    assert_non_null(json_string_value(json_object_get(c, "name")));
    assert_non_null(json_object_get(c, "accepted"));
    if (!strcmp(json_string_value(json_object_get(c, "code")), "120105001001")) {
      seen = 1;
      expect_counts(json_object_get(c, "pending"), 2, 4, 12, 140, 7);
    }
  }
  assert_true(seen);
  assert_null(memmem(r.body, r.len, "王秀英", strlen("王秀英")));
  assert_null(memmem(r.body, r.len, "13800000000", 11));
  t_resp_free(&r);
}

static void test_health(void **state) {
  (void)state;
  t_resp r;
  char hub_hex[PROTO_KEY_HEX];
  hex_of(g.hub_pk, hub_hex);
  assert_int_equal(t_http("GET", g.base, "/api/v1/health", NULL, NULL, 0, NULL, 0, NULL, &r), 0);
  assert_int_equal(r.status, 200);
  assert_string_equal(json_string_value(json_object_get(r.json, "status")), "ok");
  assert_string_equal(json_string_value(json_object_get(r.json, "role")), "street");
  assert_string_equal(json_string_value(json_object_get(r.json, "name")), STREET_NAME);
  assert_string_equal(json_string_value(json_object_get(r.json, "hub_key")), hub_hex);
  assert_true(t_json_int(&r, "time") > 0);
  t_resp_free(&r);
  /* Unknown route and wrong method. */
  assert_int_equal(t_http("GET", g.base, "/api/v1/nothing", NULL, NULL, 0, NULL, 0, NULL, &r), 0);
  assert_int_equal(r.status, 404);
  t_resp_free(&r);
  assert_int_equal(t_http("GET", g.base, "/api/v1/changesets", NULL, NULL, 0, NULL, 0, NULL, &r),
                   0);
  assert_int_equal(r.status, 405);
  t_resp_free(&r);
}

/* Clients that send half a request and stall do not hold up the others. */
static void test_stalled_clients(void **state) {
  (void)state;
  int fds[8];
  const char *half = "POST /api/v1/changesets HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                     "Content-Length: 1000\r\n\r\nLNBD";
  for (int i = 0; i < 8; i++) {
    fds[i] = t_raw(g.port, half, strlen(half), NULL, 0, 1);
    assert_true(fds[i] >= 0);
  }
  uint64_t t0 = cm_mono_ms();
  for (int i = 0; i < 5; i++) {
    t_resp r;
    assert_int_equal(t_http("GET", g.base, "/api/v1/health", NULL, NULL, 0, NULL, 0, NULL, &r), 0);
    assert_int_equal(r.status, 200);
    t_resp_free(&r);
  }
  assert_true(cm_mono_ms() - t0 < 5000);
  for (int i = 0; i < 8; i++)
    close(fds[i]);
}

/* Several authors pushing at once, each in order: every head ends where it must. */
struct pusher {
  t_log lg;
  int ok;
};

static void *push_thread(void *arg) {
  struct pusher *p = arg;
  p->ok = 1;
  for (int k = 0; k < 5 && p->ok; k++) {
    uint8_t *cs = NULL, *bundle = NULL;
    size_t len = 0, blen = 0;
    char month[8];
    snprintf(month, sizeof month, "2026-0%d", k + 1);
    if (t_log_add(&p->lg, "activity.declared",
                  "{\"id\":\"x\",\"org\":\"y\",\"date\":\"2026-12-01\","
                  "\"title\":\"t\",\"place\":\"p\",\"expected\":1,"
                  "\"description\":\"\"}") ||
        t_log_build(&p->lg, &cs, &len)) {
      p->ok = 0;
      break;
    }
    const uint8_t *c = cs;
    t_resp r;
    if (t_bundle(&c, &len, 1, &bundle, &blen) ||
        t_http("POST", g.base, "/api/v1/changesets", "application/vnd.linli.bundle", bundle, blen,
               NULL, 0, NULL, &r) ||
        r.status != 200)
      p->ok = 0;
    t_resp_free(&r);
    free(cs);
    free(bundle);
  }
  return NULL;
}

static void test_concurrent_pushes(void **state) {
  (void)state;
  enum { N = 6 };
  struct pusher p[N];
  pthread_t th[N];
  for (int i = 0; i < N; i++) {
    char code[16];
    snprintf(code, sizeof code, "12010500200%d", i);
    assert_int_equal(t_log_new(&p[i].lg), 0);
    assert_int_equal(t_hub_enroll(g.dir, p[i].lg.kp.pk, code, code), 0);
  }
  for (int i = 0; i < N; i++)
    assert_int_equal(pthread_create(&th[i], NULL, push_thread, &p[i]), 0);
  for (int i = 0; i < N; i++)
    pthread_join(th[i], NULL);
  for (int i = 0; i < N; i++) {
    assert_true(p[i].ok);
    assert_int_equal(t_head_seq(g.base, p[i].lg.kp.pk), 5);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_push_valid),
      cmocka_unit_test(test_replay),
      cmocka_unit_test(test_gap),
      cmocka_unit_test(test_fork),
      cmocka_unit_test(test_unknown_key),
      cmocka_unit_test(test_tampered),
      cmocka_unit_test(test_bomb),
      cmocka_unit_test(test_bad_bundle),
      cmocka_unit_test(test_oversize),
      cmocka_unit_test(test_heads),
      cmocka_unit_test(test_log),
      cmocka_unit_test(test_feed),
      cmocka_unit_test(test_enroll),
      cmocka_unit_test(test_summary),
      cmocka_unit_test(test_health),
      cmocka_unit_test(test_stalled_clients),
      cmocka_unit_test(test_concurrent_pushes),
  };
  return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
