/* node_sync.c - the node's sync client against a small fake hub served with
 * common/http_server.h inside the test, answering per docs/protocol.md with
 * real signed receipts and a real signed feed: enrolment waiting for approval,
 * pushing thousands of entries in one go, a hub whose head goes backwards,
 * decisions in the inbox (a revocation applied), a forged feed refused,
 * restore on a new PC and from an old copy without forking, fork detection,
 * an unreachable hub, a dead clock corrected by the hub's, and the USB bundle. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <unistd.h>

#include <cmocka.h>

#include "common/buf.h"
#include "common/clock.h"
#include "common/codec.h"
#include "common/http_client.h"
#include "common/http_server.h"
#include "common/json.h"
#include "common/upstream.h"
#include "node/csvimport.h"
#include "node/node.h"
#include "node/project.h"
#include "node/records.h"
#include "node/restore.h"
#include "node/store.h"
#include "node/sync.h"
#include "protocol/bundle.h"
#include "protocol/changeset.h"
#include "protocol/entry.h"
#include "protocol/feed.h"
#include "protocol/receipt.h"
#include "protocol/request.h"

#define NOW_MS "1794715200000" /* 2026-11-15 12:00 Asia/Shanghai */
#define HUB_TIME 1794715200000ull
#define MAX_CS 256
#define MAX_FEED 32
#define MAX_SEQ 40000

/* ---- the fake hub ---- */

typedef struct fake_hub {
  pthread_mutex_t mu;
  proto_keypair kp;
  cm_http_server *srv;
  char url[64];
  int approve;                   /* enrolment approved */
  uint8_t node[PROTO_KEY_BYTES]; /* the one community key it knows */
  int have_node;
  uint8_t *cs[MAX_CS];
  size_t cs_len[MAX_CS];
  uint64_t cs_last[MAX_CS];
  size_t n_cs;
  uint8_t (*hashes)[PROTO_HASH_BYTES]; /* hashes[seq] */
  uint64_t head;
  uint8_t *feed[MAX_FEED];
  size_t feed_len[MAX_FEED];
  size_t n_feed;
  uint8_t feed_prev[PROTO_HASH_BYTES];
  int posts, feeds, logs;
} fake_hub;

static fake_hub hub;


static json_t *receipt_json(const uint8_t author[PROTO_KEY_BYTES], uint64_t seq,
                            const uint8_t head[PROTO_HASH_BYTES]) {
  proto_receipt r;
  uint8_t raw[PROTO_RECEIPT_BYTES];
  char b64[256], ahex[PROTO_KEY_HEX], hhex[PROTO_KEY_HEX];
  memset(&r, 0, sizeof r);
  memcpy(r.author, author, PROTO_KEY_BYTES);
  r.seq = seq;
  memcpy(r.head_hash, head, PROTO_HASH_BYTES);
  r.time_ms = HUB_TIME;
  if (proto_receipt_sign(&r, &hub.kp, raw) != CM_OK) return NULL;
  cm_b64_encode(raw, sizeof raw, b64);
  proto_key_hex(author, ahex);
  cm_hex_encode(head, PROTO_HASH_BYTES, hhex);
  return json_pack("{s:s,s:I,s:s,s:s}", "author", ahex, "seq", (json_int_t)seq, "head", hhex,
                   "receipt", b64);
}

static void h_heads(cm_http_req *req, cm_http_resp *resp, void *ctx) {
  (void)ctx;
  uint8_t author[PROTO_KEY_BYTES], zero[PROTO_HASH_BYTES] = {0};
  if (proto_key_from_hex(cm_http_param(req, 0), author) != CM_OK) {
    cm_http_resp_error(resp, 400, CM_ERR_INVALID, "bad author", NULL);
    return;
  }
  pthread_mutex_lock(&hub.mu);
  int mine = hub.have_node && !memcmp(author, hub.node, PROTO_KEY_BYTES);
  uint64_t seq = mine ? hub.head : 0;
  json_t *j = receipt_json(author, seq, seq ? hub.hashes[seq] : zero);
  pthread_mutex_unlock(&hub.mu);
  cm_http_resp_json(resp, 200, j);
}

static int lookup(void *ctx, uint64_t seq, uint8_t out[PROTO_HASH_BYTES]) {
  (void)ctx;
  if (seq == 0 || seq > hub.head) return 0;
  memcpy(out, hub.hashes[seq], PROTO_HASH_BYTES);
  return 1;
}

static void h_changesets(cm_http_req *req, cm_http_resp *resp, void *ctx) {
  (void)ctx;
  size_t len = 0, n = 0;
  const uint8_t *body = cm_http_body(req, &len);
  proto_span *spans = NULL;
  cm_err e;
  pthread_mutex_lock(&hub.mu);
  hub.posts++;
  size_t stored = 0;
  if (proto_bundle_split(body, len, &spans, &n, &e) != CM_OK) {
    cm_http_resp_error(resp, 400, e.rc, e.msg, NULL);
    goto out;
  }
  for (size_t i = 0; i < n; i++) {
    proto_changeset cs;
    memset(&cs, 0, sizeof cs);
    cm_rc rc = proto_changeset_decode(spans[i].p, spans[i].len, &cs, NULL, &e);
    if (rc) {
      cm_http_resp_error(resp, 400, rc, e.msg, json_pack("{s:I}", "index", (json_int_t)i));
      goto out;
    }
    if (!hub.approve || !hub.have_node || memcmp(cs.h.author, hub.node, PROTO_KEY_BYTES)) {
      proto_changeset_free(&cs);
      cm_http_resp_error(resp, 403, CM_ERR_PERM, "not enrolled", NULL);
      goto out;
    }
    proto_chain_state st;
    st.head_seq = hub.head;
    memset(st.head_hash, 0, sizeof st.head_hash);
    if (hub.head) memcpy(st.head_hash, hub.hashes[hub.head], PROTO_HASH_BYTES);
    size_t from = 0;
    rc = proto_chain_check(&st, &cs, lookup, NULL, &from, &e);
    if (rc == CM_PROTO_GAP) {
      char hex[PROTO_KEY_HEX];
      proto_key_hex(cs.h.author, hex);
      cm_http_resp_error(resp, 409, rc, "gap",
                         json_pack("{s:s,s:I}", "author", hex, "expected_seq",
                                   (json_int_t)(hub.head + 1)));
      proto_changeset_free(&cs);
      goto out;
    }
    if (rc) {
      cm_http_resp_error(resp, 409, CM_PROTO_FORK, "fork", NULL);
      proto_changeset_free(&cs);
      goto out;
    }
    if (from < cs.n && hub.n_cs < MAX_CS && cs.h.last_seq < MAX_SEQ) {
      for (size_t k = from; k < cs.n; k++)
        memcpy(hub.hashes[cs.h.first_seq + k], cs.hashes[k], PROTO_HASH_BYTES);
      hub.head = cs.h.last_seq;
      hub.cs[hub.n_cs] = malloc(spans[i].len);
      memcpy(hub.cs[hub.n_cs], spans[i].p, spans[i].len);
      hub.cs_len[hub.n_cs] = spans[i].len;
      hub.cs_last[hub.n_cs] = cs.h.last_seq;
      hub.n_cs++;
      stored += cs.n - from;
    }
    proto_changeset_free(&cs);
  }
  json_t *rs = json_array();
  if (hub.have_node && hub.head)
    json_array_append_new(rs, receipt_json(hub.node, hub.head, hub.hashes[hub.head]));
  cm_http_resp_json(resp, 200, json_pack("{s:I,s:o}", "stored", (json_int_t)stored,
                                         "receipts", rs));
out:
  free(spans);
  pthread_mutex_unlock(&hub.mu);
}

/* Check the signed-request headers the way a hub does. */
static int signed_ok(cm_http_req *req, uint8_t key_out[PROTO_KEY_BYTES]) {
  const char *k = cm_http_header(req, "X-Linli-Key");
  const char *t = cm_http_header(req, "X-Linli-Time");
  const char *s = cm_http_header(req, "X-Linli-Signature");
  proto_request rq;
  size_t blen = 0;
  const uint8_t *body = cm_http_body(req, &blen);
  if (!k || !t || !s) return 0;
  memset(&rq, 0, sizeof rq);
  if (proto_key_from_hex(k, rq.key) != CM_OK) return 0;
  if (cm_hex_decode(s, 0, rq.sig, sizeof rq.sig) != CM_OK) return 0;
  rq.time_ms = strtoull(t, NULL, 10);
  rq.method = cm_http_method(req);
  rq.path = cm_http_target(req);
  if (proto_request_verify(&rq, body, blen, rq.time_ms, PROTO_REQUEST_WINDOW_MS, NULL) != CM_OK)
    return 0;
  memcpy(key_out, rq.key, PROTO_KEY_BYTES);
  return 1;
}

static void h_log(cm_http_req *req, cm_http_resp *resp, void *ctx) {
  (void)ctx;
  uint8_t key[PROTO_KEY_BYTES];
  const char *a = cm_http_query(req, "after");
  uint64_t after = a ? strtoull(a, NULL, 10) : 0;
  if (!signed_ok(req, key)) {
    cm_http_resp_error(resp, 401, CM_PROTO_BAD_SIGNATURE, "bad signature", NULL);
    return;
  }
  pthread_mutex_lock(&hub.mu);
  hub.logs++;
  proto_span spans[MAX_CS];
  size_t n = 0;
  for (size_t i = 0; i < hub.n_cs; i++)
    if (hub.cs_last[i] > after && !memcmp(key, hub.node, PROTO_KEY_BYTES)) {
      spans[n].p = hub.cs[i];
      spans[n].len = hub.cs_len[i];
      n++;
    }
  uint8_t *out = NULL;
  size_t len = 0;
  if (proto_bundle_encode(spans, n, &out, &len) == CM_OK)
    cm_http_resp_set(resp, 200, "application/vnd.linli.bundle", out, len);
  free(out);
  pthread_mutex_unlock(&hub.mu);
}

static void h_feed(cm_http_req *req, cm_http_resp *resp, void *ctx) {
  (void)ctx;
  uint8_t key[PROTO_KEY_BYTES];
  const char *a = cm_http_query(req, "after");
  uint64_t after = a ? strtoull(a, NULL, 10) : 0;
  if (!signed_ok(req, key)) {
    cm_http_resp_error(resp, 401, CM_PROTO_BAD_SIGNATURE, "bad signature", NULL);
    return;
  }
  pthread_mutex_lock(&hub.mu);
  hub.feeds++;
  proto_feed_item items[MAX_FEED];
  size_t n = 0;
  uint64_t next = after;
  for (size_t i = 0; i < hub.n_feed; i++) {
    if (i + 1 <= after) continue;
    memset(&items[n], 0, sizeof items[n]);
    /* decoded without checking the signer, so a forged item goes out as is */
    if (proto_sentry_decode(hub.feed[i], hub.feed_len[i], NULL, &items[n].entry, NULL) != CM_OK)
      continue;
    items[n].cursor = i + 1;
    next = i + 1;
    n++;
  }
  uint8_t *out = NULL;
  size_t len = 0;
  if (proto_feed_encode(items, n, next, &out, &len) == CM_OK)
    cm_http_resp_set(resp, 200, "application/vnd.linli.feed", out, len);
  free(out);
  pthread_mutex_unlock(&hub.mu);
}

static void h_enroll(cm_http_req *req, cm_http_resp *resp, void *ctx) {
  (void)ctx;
  uint8_t key[PROTO_KEY_BYTES];
  char hex[PROTO_KEY_HEX], fp[PROTO_FINGERPRINT_LEN];
  if (!signed_ok(req, key)) {
    cm_http_resp_error(resp, 401, CM_PROTO_BAD_SIGNATURE, "bad signature", NULL);
    return;
  }
  pthread_mutex_lock(&hub.mu);
  if (!hub.have_node) {
    memcpy(hub.node, key, PROTO_KEY_BYTES);
    hub.have_node = 1;
  }
  int ok = hub.approve && !memcmp(key, hub.node, PROTO_KEY_BYTES);
  pthread_mutex_unlock(&hub.mu);
  proto_key_hex(hub.kp.pk, hex);
  proto_fingerprint(hub.kp.pk, fp);
  if (ok)
    cm_http_resp_json(resp, 200, json_pack("{s:s,s:s,s:s}", "status", "enrolled", "hub_key", hex,
                                           "hub_fingerprint", fp));
  else
    cm_http_resp_json(resp, 202, json_pack("{s:s,s:i,s:s,s:s}", "status", "pending",
                                           "request_id", 1, "hub_key", hex, "hub_fingerprint", fp));
}

static const cm_http_route routes[] = {
    {"GET", "/api/v1/heads/{}", h_heads, "heads"},
    {"POST", "/api/v1/changesets", h_changesets, "push"},
    {"GET", "/api/v1/log/{}", h_log, "log"},
    {"GET", "/api/v1/feed", h_feed, "feed"},
    {"POST", "/api/v1/enroll", h_enroll, "enroll"},
};

/* A hub entry into the feed, signed by signer (the hub, or a forger). */
static void hub_decision(const char *kind, json_t *body, const proto_keypair *signer) {
  proto_entry e;
  char *text = json_dumps(body, JSON_COMPACT | JSON_PRESERVE_ORDER);
  json_decref(body);
  memset(&e, 0, sizeof e);
  pthread_mutex_lock(&hub.mu);
  memcpy(e.author, signer->pk, PROTO_KEY_BYTES);
  e.seq = hub.n_feed + 1;
  memcpy(e.prev, hub.feed_prev, PROTO_HASH_BYTES);
  e.time_ms = HUB_TIME;
  snprintf(e.kind, sizeof e.kind, "%s", kind);
  e.body = (const uint8_t *)text;
  e.body_len = strlen(text);
  assert_int_equal(proto_entry_sign(&e, signer), CM_OK);
  assert_int_equal(proto_entry_hash(&e, hub.feed_prev), CM_OK);
  assert_int_equal(proto_sentry_encode(&e, &hub.feed[hub.n_feed], &hub.feed_len[hub.n_feed]),
                   CM_OK);
  hub.n_feed++;
  pthread_mutex_unlock(&hub.mu);
  free(text);
}

/* Forget everything after the first k changesets (a hub restored from an old copy). */
static void hub_truncate(size_t k) {
  pthread_mutex_lock(&hub.mu);
  for (size_t i = k; i < hub.n_cs; i++) free(hub.cs[i]);
  hub.n_cs = k;
  hub.head = k ? hub.cs_last[k - 1] : 0;
  pthread_mutex_unlock(&hub.mu);
}

/* ---- fixtures ---- */

static char tmp[64];

static int setup(void **state) {
  (void)state;
  cm_err e;
  setenv("LINLI_FAKE_NOW_MS", NOW_MS, 1);
  snprintf(tmp, sizeof tmp, "/tmp/linli-sync-XXXXXX");
  if (!mkdtemp(tmp)) return -1;
  memset(&hub, 0, sizeof hub);
  pthread_mutex_init(&hub.mu, NULL);
  hub.hashes = calloc(MAX_SEQ + 1, PROTO_HASH_BYTES);
  if (!hub.hashes || proto_keypair_generate(&hub.kp) != CM_OK) return -1;
  cm_http_config cfg = {"127.0.0.1:0", routes, sizeof routes / sizeof routes[0], NULL,
                        64u << 20, 0, 2, NULL, NULL, 0, NULL, 0, NULL};
  if (cm_http_start(&cfg, &hub.srv, &e) != CM_OK) return -1;
  snprintf(hub.url, sizeof hub.url, "http://127.0.0.1:%u", cm_http_port(hub.srv));
  return 0;
}

static int teardown(void **state) {
  (void)state;
  char cmd[160];
  cm_http_stop(hub.srv);
  for (size_t i = 0; i < hub.n_cs; i++) free(hub.cs[i]);
  for (size_t i = 0; i < hub.n_feed; i++) free(hub.feed[i]);
  free(hub.hashes);
  pthread_mutex_destroy(&hub.mu);
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
  return system(cmd) == 0 ? 0 : -1;
}

/* Create node tmp/name against the fake hub and open it. */
static node_ctx *new_node(const char *name) {
  char d[128];
  cm_err e;
  node_ctx *ctx = NULL;
  snprintf(d, sizeof d, "%s/%s", tmp, name);
  node_init_opts o = {"和平社區", "新華街", hub.url, "120105001001", NULL};
  assert_int_equal(node_init(d, &o, NULL, &e), CM_OK);
  assert_int_equal(node_open(d, &ctx, &e), CM_OK);
  return ctx;
}

static void org(node_ctx *ctx, const char *name, char id[NODE_ID_MAX]) {
  cm_err e;
  node_org_input in = {name, "養老", "張三", "138", "20", "1", NULL, NULL, NULL, NULL, "2005-01-01", NULL, NULL};
  if (node_org_file(ctx, &in, id, &e) != CM_OK) fail_msg("org: %s", e.msg);
}

static void report(node_ctx *ctx, const char *org_id, const char *month) {
  cm_err e;
  node_report_input in = {org_id, month, "2", "30", "1", "內容", NULL, NULL};
  if (node_report_monthly(ctx, &in, NULL, &e) != CM_OK) fail_msg("report: %s", e.msg);
}

static uint64_t head_of(node_ctx *ctx) {
  uint64_t s = 0;
  uint8_t h[32];
  assert_int_equal(store_log_head(ctx, &s, h, NULL), CM_OK);
  return s;
}

static char *dump(node_ctx *ctx) {
  cm_buf b;
  size_t len;
  cm_buf_init(&b, 64u << 20);
  assert_int_equal(store_proj_dump(ctx, &b, NULL), CM_OK);
  char *s = (char *)cm_buf_take(&b, &len);
  return s ? s : strdup("");
}

static cm_rc do_sync(node_ctx *ctx, cm_err *e) {
  cm_err_clear(e);
  return node_sync_once(ctx, e);
}

/* ---- tests ---- */

static void test_enrol_then_push(void **state) {
  (void)state;
  node_ctx *ctx = new_node("a");
  char id[NODE_ID_MAX], hex[PROTO_KEY_HEX], pinned[PROTO_KEY_HEX];
  cm_err e;
  node_sync_status st;
  org(ctx, "書畫社", id);
  report(ctx, id, "2026-10");
  report(ctx, id, "2026-11");
  assert_int_equal(do_sync(ctx, &e), CM_ERR_PERM); /* waiting for the street operator */
  assert_non_null(strstr(e.msg, "等待街道审批登记"));
  proto_key_hex(hub.kp.pk, hex);
  assert_int_equal(store_meta_get(ctx, "hub_key", pinned, sizeof pinned, NULL), CM_OK);
  assert_string_equal(pinned, hex); /* pinned from the first answer */
  assert_int_equal(node_sync_status_get(ctx, &st, &e), CM_OK);
  assert_int_equal(st.enrol, NODE_ENROL_PENDING);
  assert_int_equal(st.acknowledged, 0);
  assert_int_equal(hub.head, 0);

  hub.approve = 1;
  if (do_sync(ctx, &e) != CM_OK) fail_msg("sync: %s", e.msg);
  assert_int_equal(hub.head, 3);
  assert_int_equal(node_sync_status_get(ctx, &st, &e), CM_OK);
  assert_int_equal(st.enrol, NODE_ENROL_DONE);
  assert_int_equal(st.written, 3);
  assert_int_equal(st.pushed, 3);
  assert_int_equal(st.acknowledged, 3);
  assert_true(st.last_contact_ms > 0);
  uint64_t receipts = 0;
  assert_int_equal(store_receipt_count(ctx, &receipts, &e), CM_OK);
  assert_true(receipts >= 1);
  /* an up-to-date node: heads and feed only, no POST */
  int posts = hub.posts;
  assert_int_equal(do_sync(ctx, &e), CM_OK);
  assert_int_equal(hub.posts, posts);
  node_close(ctx);
}

static void test_month_offline_in_one_go(void **state) {
  (void)state;
  hub.approve = 1;
  node_ctx *ctx = new_node("a");
  char id[NODE_ID_MAX];
  cm_err e;
  size_t n = 0;
  org(ctx, "書畫社", id);
  cm_buf csv;
  cm_buf_init(&csv, 16u << 20);
  assert_int_equal(cm_buf_appendf(&csv, "org,month,activities,participants,party_participants,"
                                        "content,scope,good_deeds\n"), CM_OK);
  for (int i = 0; i < 12000; i++)
    assert_int_equal(cm_buf_appendf(&csv, "%s,20%02d-%02d,1,10,1,第%d次,,\n", id, 10 + i % 16,
                                    1 + i % 12, i), CM_OK);
  assert_int_equal(node_import_reports_buf(ctx, (const char *)csv.p, csv.len, &n, &e), CM_OK);
  cm_buf_free(&csv);
  assert_int_equal(head_of(ctx), 12001);
  if (do_sync(ctx, &e) != CM_OK) fail_msg("sync: %s", e.msg);
  assert_int_equal(hub.head, 12001);
  /* One changeset a POST, the next built while the hub takes the last: 250
   * entries first, each POST half as large again as the one before up to
   * 2,000: 250 + 375 + 562 + 843 + 1,264 + 1,896 + 3 x 2,000 + 811 */
  assert_int_equal(hub.n_cs, 10);
  assert_int_equal(hub.posts, 10);
  node_close(ctx);
}

static void test_hub_goes_backwards(void **state) {
  (void)state;
  hub.approve = 1;
  node_ctx *ctx = new_node("a");
  char id[NODE_ID_MAX];
  cm_err e;
  org(ctx, "書畫社", id);
  report(ctx, id, "2026-01");
  assert_int_equal(do_sync(ctx, &e), CM_OK);
  report(ctx, id, "2026-02");
  report(ctx, id, "2026-03");
  assert_int_equal(do_sync(ctx, &e), CM_OK);
  assert_int_equal(hub.head, 4);
  uint64_t r_before = 0, r_after = 0;
  assert_int_equal(store_receipt_count(ctx, &r_before, &e), CM_OK);
  hub_truncate(1); /* the hub now holds only entries 1..2 */
  assert_int_equal(hub.head, 2);
  if (do_sync(ctx, &e) != CM_OK) fail_msg("sync: %s", e.msg);
  assert_int_equal(hub.head, 4);
  assert_int_equal(store_receipt_count(ctx, &r_after, &e), CM_OK);
  assert_true(r_after >= r_before); /* the old receipts are kept */
  node_sync_status st;
  assert_int_equal(node_sync_status_get(ctx, &st, &e), CM_OK);
  assert_int_equal(st.acknowledged, 4);
  node_close(ctx);
}

static void test_decisions(void **state) {
  (void)state;
  hub.approve = 1;
  node_ctx *ctx = new_node("a");
  char id1[NODE_ID_MAX], id2[NODE_ID_MAX], me[PROTO_KEY_HEX];
  cm_err e;
  org(ctx, "書畫社", id1);
  org(ctx, "夕陽紅", id2);
  assert_int_equal(do_sync(ctx, &e), CM_OK);
  proto_key_hex(node_public_key(ctx), me);
  hub_decision("hub.enrolled", json_pack("{s:s,s:s,s:s,s:s,s:s}", "key", me, "name", "和平社區",
                                         "code", "120105001001", "role", "community", "street",
                                         "新華街"), &hub.kp);
  hub_decision("decision.revoke", json_pack("{s:s,s:s}", "org", id1, "reason", "嚴重違規"),
               &hub.kp);
  hub_decision("hub.note", json_pack("{s:s}", "x", "not for the inbox"), &hub.kp);
  hub_decision("decision.criticize", json_pack("{s:s,s:s,s:s}", "org", id2, "reason", "活動太少",
                                               "deadline", "2026-12-31"), &hub.kp);
  char *before = NULL;
  if (do_sync(ctx, &e) != CM_OK) fail_msg("sync: %s", e.msg);
  json_t *inbox = NULL;
  assert_int_equal(node_inbox_list(ctx, &inbox, &e), CM_OK);
  assert_int_equal(json_array_size(inbox), 3);
  json_t *first = json_array_get(inbox, 0); /* newest first */
  assert_string_equal(json_string_value(json_object_get(first, "kind")), "decision.criticize");
  assert_string_equal(json_string_value(json_object_get(first, "reason")), "活動太少");
  assert_string_equal(json_string_value(json_object_get(first, "org")), id2);
  assert_non_null(strstr(json_string_value(json_object_get(first, "record")), "/4"));
  json_decref(inbox);
  json_t *o = NULL;
  assert_int_equal(node_org_get(ctx, id1, &o, &e), CM_OK);
  assert_string_equal(json_string_value(json_object_get(o, "status")), "revoked");
  json_decref(o);
  /* a revoked organisation is refused */
  node_report_input in = {id1, "2026-11", "1", "1", "0", "x", NULL, NULL};
  assert_int_equal(node_report_monthly(ctx, &in, NULL, &e), CM_ERR_INVALID);
  assert_non_null(strstr(e.msg, "revoked"));
  node_org_input am = {NULL, NULL, "李四", NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL};
  assert_int_equal(node_org_amend(ctx, id1, &am, &e), CM_ERR_INVALID);
  /* unread count and marking read */
  node_sync_status st;
  assert_int_equal(node_sync_status_get(ctx, &st, &e), CM_OK);
  assert_int_equal(st.unread, 3);
  assert_int_equal(node_inbox_mark_read(ctx, 0, &e), CM_OK);
  assert_int_equal(node_sync_status_get(ctx, &st, &e), CM_OK);
  assert_int_equal(st.unread, 0);
  /* rebuild keeps the revocation */
  before = dump(ctx);
  assert_int_equal(project_rebuild(ctx, &e), CM_OK);
  char *after = dump(ctx);
  assert_string_equal(before, after);
  free(before);
  free(after);
  /* nothing new: the same items are not stored twice */
  assert_int_equal(do_sync(ctx, &e), CM_OK);
  assert_int_equal(node_inbox_list(ctx, &inbox, &e), CM_OK);
  assert_int_equal(json_array_size(inbox), 3);
  json_decref(inbox);
  node_close(ctx);
}

static void test_forged_decision(void **state) {
  (void)state;
  hub.approve = 1;
  node_ctx *ctx = new_node("a");
  char id[NODE_ID_MAX];
  cm_err e;
  proto_keypair forger;
  org(ctx, "書畫社", id);
  assert_int_equal(do_sync(ctx, &e), CM_OK);
  assert_int_equal(proto_keypair_generate(&forger), CM_OK);
  hub_decision("decision.revoke", json_pack("{s:s,s:s}", "org", id, "reason", "偽造"), &forger);
  assert_int_not_equal(do_sync(ctx, &e), CM_OK);
  json_t *inbox = NULL, *o = NULL;
  assert_int_equal(node_inbox_list(ctx, &inbox, &e), CM_OK);
  assert_int_equal(json_array_size(inbox), 0);
  json_decref(inbox);
  assert_int_equal(node_org_get(ctx, id, &o, &e), CM_OK);
  assert_string_equal(json_string_value(json_object_get(o, "status")), "active");
  json_decref(o);
  node_close(ctx);
}

static void test_restore_new_pc(void **state) {
  (void)state;
  hub.approve = 1;
  node_ctx *a = new_node("a"), *b = NULL;
  char id[NODE_ID_MAX], key[128], bdir[128], me[PROTO_KEY_HEX];
  cm_err e;
  uint64_t head = 0;
  org(a, "書畫社", id);
  for (int m = 1; m <= 6; m++) {
    char month[8];
    snprintf(month, sizeof month, "2026-%02d", m);
    report(a, id, month);
  }
  assert_int_equal(do_sync(a, &e), CM_OK);
  proto_key_hex(node_public_key(a), me);
  hub_decision("hub.enrolled", json_pack("{s:s,s:s,s:s,s:s,s:s}", "key", me, "name", "和平社區",
                                         "code", "120105001001", "role", "community", "street",
                                         "新華街"), &hub.kp);
  snprintf(key, sizeof key, "%s/a/identity.key", tmp);
  snprintf(bdir, sizeof bdir, "%s/b", tmp);
  if (node_restore(bdir, hub.url, key, &head, &e) != CM_OK) fail_msg("restore: %s", e.msg);
  assert_int_equal(head, 7);
  assert_int_equal(node_open(bdir, &b, &e), CM_OK);
  char *da = dump(a), *db = dump(b);
  assert_string_equal(da, db);
  free(da);
  free(db);
  char code[16];
  assert_int_equal(store_meta_get(b, "code", code, sizeof code, NULL), CM_OK);
  assert_string_equal(code, "120105001001"); /* learnt back from the enrolment */
  /* the restored PC carries on: the next filing number and sequence follow */
  char id2[NODE_ID_MAX];
  org(b, "夕陽紅", id2);
  assert_string_equal(id2, "120105001001-0002");
  if (do_sync(b, &e) != CM_OK) fail_msg("sync after restore: %s", e.msg);
  assert_int_equal(hub.head, 8);
  node_close(a);
  node_close(b);
}

/* Copy a closed node directory (an old backup). */
static void copy_dir(const char *from, const char *to) {
  char cmd[300];
  snprintf(cmd, sizeof cmd, "cp -a '%s/%s' '%s/%s'", tmp, from, tmp, to);
  assert_int_equal(system(cmd), 0);
}

static void test_old_copy_never_forks(void **state) {
  (void)state;
  hub.approve = 1;
  node_ctx *a = new_node("a"), *c = NULL, *d = NULL;
  char id[NODE_ID_MAX], dir[128], key[128];
  cm_err e;
  uint64_t head = 0;
  org(a, "書畫社", id);
  report(a, id, "2026-01");
  assert_int_equal(do_sync(a, &e), CM_OK);
  node_close(a);
  copy_dir("a", "c");
  copy_dir("a", "d");
  snprintf(dir, sizeof dir, "%s/a", tmp);
  assert_int_equal(node_open(dir, &a, &e), CM_OK);
  report(a, id, "2026-02");
  report(a, id, "2026-03");
  assert_int_equal(do_sync(a, &e), CM_OK);
  assert_int_equal(hub.head, 4);

  /* the old copy restored: fetches back 3..4 before writing */
  snprintf(dir, sizeof dir, "%s/c", tmp);
  snprintf(key, sizeof key, "%s/c/identity.key", tmp);
  if (node_restore(dir, hub.url, key, &head, &e) != CM_OK) fail_msg("restore: %s", e.msg);
  assert_int_equal(head, 4);
  assert_int_equal(node_open(dir, &c, &e), CM_OK);
  char *da = dump(a), *dc = dump(c);
  assert_string_equal(da, dc);
  free(da);
  free(dc);
  report(c, id, "2026-04");
  if (do_sync(c, &e) != CM_OK) fail_msg("sync: %s", e.msg);
  assert_int_equal(hub.head, 5);

  /* an old copy that wrote before syncing has forked: sync says so, sends its branch
   * once so that the hub holds the evidence for its operator (the hub refuses it),
   * and changes nothing locally (docs/decisions/0004-node-fork-reappend.md) */
  snprintf(dir, sizeof dir, "%s/d", tmp);
  assert_int_equal(node_open(dir, &d, &e), CM_OK);
  report(d, id, "2026-09");
  int posts = hub.posts;
  assert_int_equal(do_sync(d, &e), CM_ERR_CONFLICT);
  assert_non_null(strstr(e.msg, "分叉"));
  assert_int_equal(hub.posts, posts + 1);
  assert_int_equal(hub.head, 5);
  assert_int_equal(head_of(d), 3);
  node_close(a);
  node_close(c);
  node_close(d);
}

static void test_unreachable(void **state) {
  (void)state;
  node_ctx *ctx = new_node("a");
  char id[NODE_ID_MAX], url[64];
  cm_err e;
  org(ctx, "書畫社", id);
  /* a port nobody listens on: the fake hub's, after it stopped */
  snprintf(url, sizeof url, "%s", hub.url);
  cm_http_stop(hub.srv);
  hub.srv = NULL;
  uint64_t t0 = cm_mono_ms();
  assert_int_equal(do_sync(ctx, &e), CM_ERR_NETWORK);
  assert_true(cm_mono_ms() - t0 < 30000);
  assert_non_null(strstr(e.msg, url));
  node_sync_status st;
  assert_int_equal(node_sync_status_get(ctx, &st, &e), CM_OK);
  assert_int_equal(st.written, 1);
  assert_int_equal(st.acknowledged, 0);
  assert_true(strlen(st.last_error) > 0);
  /* backoff for the serve loop: capped, jittered, growing */
  assert_true(node_sync_backoff_ms(1) >= 3750 && node_sync_backoff_ms(1) <= 6250);
  assert_true(node_sync_backoff_ms(30) <= 750000);
  assert_true(node_sync_backoff_ms(3) > node_sync_backoff_ms(1));
  node_close(ctx);
}

static void test_dead_clock(void **state) {
  (void)state;
  hub.approve = 1;
  node_ctx *ctx = new_node("a");
  char id[NODE_ID_MAX], month[8];
  cm_err e;
  org(ctx, "書畫社", id);
  setenv("LINLI_FAKE_NOW_MS", "946684800000", 1); /* the PC thinks it is 2000-01-01 */
  if (do_sync(ctx, &e) != CM_OK) fail_msg("sync: %s", e.msg);
  node_this_month(ctx, month);
  assert_string_equal(month, "2026-11");
  report(ctx, id, "2026-11"); /* this month's report is accepted */
  setenv("LINLI_FAKE_NOW_MS", NOW_MS, 1);
  node_close(ctx);
}

static void test_bundle_export(void **state) {
  (void)state;
  hub.approve = 1;
  node_ctx *ctx = new_node("a");
  char id[NODE_ID_MAX], path[128];
  cm_err e;
  uint64_t n = 0;
  org(ctx, "書畫社", id);
  assert_int_equal(do_sync(ctx, &e), CM_OK); /* enrolled, entry 1 acknowledged */
  report(ctx, id, "2026-01");
  report(ctx, id, "2026-02");
  snprintf(path, sizeof path, "%s/usb.bundle", tmp);
  assert_int_equal(node_bundle_export(ctx, path, &n, &e), CM_OK);
  assert_int_equal(n, 2);
  /* the street imports the file exactly like a push */
  FILE *f = fopen(path, "rb");
  assert_non_null(f);
  uint8_t buf[65536];
  size_t len = fread(buf, 1, sizeof buf, f);
  fclose(f);
  cm_push_result res;
  cm_client_opts opts;
  memset(&opts, 0, sizeof opts);
  assert_int_equal(cm_upstream_push(hub.url, hub.kp.pk, buf, len, &opts, &res, &e), CM_OK);
  assert_int_equal(res.status, 200);
  cm_push_result_free(&res);
  assert_int_equal(hub.head, 3);
  int posts = hub.posts;
  assert_int_equal(do_sync(ctx, &e), CM_OK); /* learns the acknowledgement, sends nothing */
  assert_int_equal(hub.posts, posts);
  node_sync_status st;
  assert_int_equal(node_sync_status_get(ctx, &st, &e), CM_OK);
  assert_int_equal(st.acknowledged, 3);
  assert_int_equal(node_bundle_export(ctx, path, &n, &e), CM_OK);
  assert_int_equal(n, 0);
  node_close(ctx);
}

int main(void) {
  cm_client_global_init();
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_enrol_then_push, setup, teardown),
      cmocka_unit_test_setup_teardown(test_month_offline_in_one_go, setup, teardown),
      cmocka_unit_test_setup_teardown(test_hub_goes_backwards, setup, teardown),
      cmocka_unit_test_setup_teardown(test_decisions, setup, teardown),
      cmocka_unit_test_setup_teardown(test_forged_decision, setup, teardown),
      cmocka_unit_test_setup_teardown(test_restore_new_pc, setup, teardown),
      cmocka_unit_test_setup_teardown(test_old_copy_never_forks, setup, teardown),
      cmocka_unit_test_setup_teardown(test_unreachable, setup, teardown),
      cmocka_unit_test_setup_teardown(test_dead_clock, setup, teardown),
      cmocka_unit_test_setup_teardown(test_bundle_export, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
