/* node_review.c - the node's side of review and decisions (issue 5): feed items
 * of every kind the street sends down, signed for real by a street key (and a
 * district key for relayed district decisions), applied through the same path a
 * sync uses (node_feed_apply): review results per batch and per record, a
 * rejected filing, criticism with a deadline closed by the street's acceptance
 * of the rectification (overdue judged by the node's today), commendation,
 * inspection, notice, revocation, activity acknowledgements at both levels, a
 * returned activity; forged items refused; rebuild equal to the incremental
 * projection; and a fork resolved by adopting the kept chain and re-appending
 * what the dropped branch still needs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "common/buf.h"
#include "common/codec.h"
#include "common/json.h"
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

#define NOW_MS "1794715200000" /* 2026-11-15 12:00 Asia/Shanghai */
#define HUB_TIME 1794715200000ull
#define MAX_ITEMS 64

/* A hub's log: the street's (or the district's) signed entries. */
typedef struct hub_log {
  proto_keypair kp;
  uint64_t seq;
  uint8_t prev[PROTO_HASH_BYTES];
} hub_log;

static hub_log street, district;
static char tmp[64];
static char me[PROTO_KEY_HEX];

/* The street's feed as it would answer: items (signed entries) with cursors. */
static uint8_t *items_raw[MAX_ITEMS];
static size_t items_len[MAX_ITEMS];
static size_t n_items;

/* Sign a new entry of log l; *raw_out the signed entry (caller frees). */
static void sign_entry(hub_log *l, const proto_keypair *signer, const char *kind, json_t *body,
                       uint8_t **raw_out, size_t *len_out) {
  proto_entry e;
  char *text = json_dumps(body, JSON_COMPACT | JSON_PRESERVE_ORDER);
  json_decref(body);
  assert_non_null(text);
  memset(&e, 0, sizeof e);
  memcpy(e.author, signer->pk, PROTO_KEY_BYTES);
  e.seq = ++l->seq;
  memcpy(e.prev, l->prev, PROTO_HASH_BYTES);
  e.time_ms = HUB_TIME;
  snprintf(e.kind, sizeof e.kind, "%s", kind);
  e.body = (const uint8_t *)text;
  e.body_len = strlen(text);
  assert_int_equal(proto_entry_sign(&e, signer), CM_OK);
  assert_int_equal(proto_entry_hash(&e, l->prev), CM_OK);
  assert_int_equal(proto_sentry_encode(&e, raw_out, len_out), CM_OK);
  free(text);
}

/* The street appends kind/body to its log and its feed (signed by signer:
 * the street, or a forger). */
static void street_says(const char *kind, json_t *body, const proto_keypair *signer) {
  assert_true(n_items < MAX_ITEMS);
  json_object_set_new(body, "to", json_string(me));
  sign_entry(&street, signer, kind, body, &items_raw[n_items], &items_len[n_items]);
  n_items++;
}

/* The district decides; the street relays it with the district's signed entry
 * in "origin" (hex when hex is set, else base64).  corrupt flips a byte of the
 * district's signature. */
static void district_says(const char *kind, json_t *body, const proto_keypair *signer, int hex,
                          int corrupt) {
  uint8_t *raw = NULL;
  size_t len = 0;
  json_object_set_new(body, "to", json_string(me));
  sign_entry(&district, signer, kind, body, &raw, &len);
  if (corrupt) raw[len - 1] ^= 1;
  char *text = malloc(hex ? 2 * len + 1 : cm_b64_encoded_size(len));
  assert_non_null(text);
  if (hex)
    cm_hex_encode(raw, len, text);
  else
    cm_b64_encode(raw, len, text);
  street_says(kind, json_pack("{s:s}", "origin", text), &street.kp);
  free(text);
  free(raw);
}

/* Apply the feed after the node's cursor, as a sync would. */
static cm_rc deliver(node_ctx *ctx, cm_err *e) {
  proto_feed_item items[MAX_ITEMS];
  uint64_t after = store_meta_u64(ctx, "feed_cursor", 0), next = after;
  size_t n = 0;
  for (size_t i = (size_t)after; i < n_items; i++) {
    memset(&items[n], 0, sizeof items[n]);
    /* decoded without checking the signer, so a forged item goes out as is */
    assert_int_equal(proto_sentry_decode(items_raw[i], items_len[i], NULL, &items[n].entry, NULL),
                     CM_OK);
    items[n].cursor = i + 1;
    next = i + 1;
    n++;
  }
  uint8_t *buf = NULL;
  size_t len = 0;
  assert_int_equal(proto_feed_encode(items, n, next, &buf, &len), CM_OK);
  cm_err_clear(e);
  cm_rc rc = node_feed_apply(ctx, buf, len, &next, e);
  free(buf);
  return rc;
}

static void deliver_ok(node_ctx *ctx) {
  cm_err e;
  if (deliver(ctx, &e) != CM_OK) fail_msg("feed: %s", e.msg);
}

static int setup(void **state) {
  (void)state;
  setenv("LINLI_FAKE_NOW_MS", NOW_MS, 1);
  snprintf(tmp, sizeof tmp, "/tmp/linli-review-XXXXXX");
  if (!mkdtemp(tmp)) return -1;
  memset(&street, 0, sizeof street);
  memset(&district, 0, sizeof district);
  n_items = 0;
  if (proto_keypair_generate(&street.kp) != CM_OK) return -1;
  if (proto_keypair_generate(&district.kp) != CM_OK) return -1;
  return 0;
}

static int teardown(void **state) {
  (void)state;
  char cmd[160];
  for (size_t i = 0; i < n_items; i++) free(items_raw[i]);
  n_items = 0;
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
  return system(cmd) == 0 ? 0 : -1;
}

/* A node pinned to the street's key; its key hex goes to me. */
static node_ctx *new_node(const char *name) {
  char d[128], hub_hex[PROTO_KEY_HEX];
  cm_err e;
  node_ctx *ctx = NULL;
  snprintf(d, sizeof d, "%s/%s", tmp, name);
  proto_key_hex(street.kp.pk, hub_hex);
  node_init_opts o = {"和平社區", "新華街", "http://127.0.0.1:9", "120105001001", hub_hex};
  if (node_init(d, &o, NULL, &e) != CM_OK) fail_msg("init: %s", e.msg);
  assert_int_equal(node_open(d, &ctx, &e), CM_OK);
  proto_key_hex(node_public_key(ctx), me);
  return ctx;
}

static node_ctx *open_dir(const char *name) {
  char d[128];
  cm_err e;
  node_ctx *ctx = NULL;
  snprintf(d, sizeof d, "%s/%s", tmp, name);
  assert_int_equal(node_open(d, &ctx, &e), CM_OK);
  return ctx;
}

static void org(node_ctx *ctx, const char *name, char id[NODE_ID_MAX]) {
  cm_err e;
  node_org_input in = {name, "養老", "張三", "138", "20", "1", NULL, NULL, NULL, NULL, "2005-01-01", NULL, NULL};
  if (node_org_file(ctx, &in, id, &e) != CM_OK) fail_msg("org: %s", e.msg);
}

static void report(node_ctx *ctx, const char *org_id, const char *month, const char *people) {
  cm_err e;
  node_report_input in = {org_id, month, "2", people, "1", "內容", NULL, NULL};
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

static void rebuild_equal(node_ctx *ctx) {
  cm_err e;
  char *before = dump(ctx);
  assert_int_equal(project_rebuild(ctx, &e), CM_OK);
  char *after = dump(ctx);
  assert_string_equal(before, after);
  free(before);
  free(after);
}

static const char *s_of(const json_t *o, const char *k) {
  const char *s = json_string_value(json_object_get(o, k));
  return s ? s : "";
}

/* The inbox item of kind (newest first), borrowed from list. */
static json_t *inbox_find(json_t *list, const char *kind, const char *org_id) {
  size_t i;
  json_t *o;
  json_array_foreach(list, i, o) {
    if (!strcmp(s_of(o, "kind"), kind) && (!org_id || !strcmp(s_of(o, "org"), org_id))) return o;
  }
  return NULL;
}

static json_t *report_of(node_ctx *ctx, const char *org_id, const char *month) {
  json_t *list = NULL;
  cm_err e;
  assert_int_equal(node_report_list(ctx, org_id, month, &list, &e), CM_OK);
  assert_int_equal(json_array_size(list), 1);
  json_t *r = json_incref(json_array_get(list, 0));
  json_decref(list);
  return r;
}

static void review_batch(uint64_t first, uint64_t last, const char *result, const char *reason,
                         json_t *rejected) {
  street_says("review.batch",
              json_pack("{s:s,s:I,s:I,s:I,s:s,s:s,s:o,s:s}", "author", me, "batch", (json_int_t)7,
                        "first_seq", (json_int_t)first, "last_seq", (json_int_t)last, "result",
                        result, "reason", reason, "rejected_records",
                        rejected ? rejected : json_array(), "operator", "李"),
              &street.kp);
}

/* ---- tests ---- */

static void test_review_results(void **state) {
  (void)state;
  node_ctx *ctx = new_node("a");
  char id[NODE_ID_MAX], rec3[NODE_RECORD_ID_MAX];
  org(ctx, "書畫社", id);       /* 1 */
  report(ctx, id, "2026-09", "30"); /* 2 */
  report(ctx, id, "2026-10", "40"); /* 3 */
  report(ctx, id, "2026-11", "50"); /* 4 */
  json_t *r = report_of(ctx, id, "2026-09");
  assert_string_equal(s_of(r, "review"), "pending");
  json_decref(r);
  snprintf(rec3, sizeof rec3, "%s/3", me);
  /* batch 1..3 accepted except record 3; batch 4..4 rejected */
  review_batch(1, 3, "accepted", "",
               json_pack("[{s:s,s:s}]", "record", rec3, "reason", "人數不實"));
  review_batch(4, 4, "rejected", "內容重複", NULL);
  /* another community's review is not ours */
  street_says("review.batch",
              json_pack("{s:s,s:I,s:I,s:s,s:s}", "author", "ab00000000000000000000000000000000"
                        "00000000000000000000000000000000", "first_seq", (json_int_t)1,
                        "last_seq", (json_int_t)4, "result", "rejected", "reason", "別人的"),
              &street.kp);
  deliver_ok(ctx);

  r = report_of(ctx, id, "2026-09");
  assert_string_equal(s_of(r, "review"), "accepted");
  json_decref(r);
  r = report_of(ctx, id, "2026-10");
  assert_string_equal(s_of(r, "review"), "rejected");
  assert_string_equal(s_of(r, "review_reason"), "人數不實");
  json_decref(r);
  r = report_of(ctx, id, "2026-11");
  assert_string_equal(s_of(r, "review"), "rejected");
  assert_string_equal(s_of(r, "review_reason"), "內容重複");
  json_decref(r);
  json_t *o = NULL;
  cm_err e;
  assert_int_equal(node_org_get(ctx, id, &o, &e), CM_OK);
  assert_string_equal(s_of(o, "review"), "accepted");
  json_decref(o);

  /* a correction of the rejected month is pending again until reviewed */
  report(ctx, id, "2026-11", "45"); /* 5 */
  r = report_of(ctx, id, "2026-11");
  assert_string_equal(s_of(r, "review"), "pending");
  assert_true(json_is_null(json_object_get(r, "accepted_record")));
  json_decref(r);
  /* a correction of an accepted month: the accepted version stands meanwhile */
  report(ctx, id, "2026-09", "35"); /* 6 */
  r = report_of(ctx, id, "2026-09");
  assert_string_equal(s_of(r, "review"), "pending");
  char rec2[NODE_RECORD_ID_MAX];
  snprintf(rec2, sizeof rec2, "%s/2", me);
  assert_string_equal(s_of(r, "accepted_record"), rec2);
  assert_int_equal(json_integer_value(json_object_get(r, "corrections")), 1);
  json_decref(r);

  json_t *inbox = NULL;
  assert_int_equal(node_inbox_list(ctx, &inbox, &e), CM_OK);
  json_t *rej = json_array_get(inbox, 1); /* newest first: the other's, the rejection, ... */
  assert_string_equal(s_of(rej, "kind"), "review.batch");
  assert_string_equal(s_of(rej, "reason"), "內容重複");
  assert_string_equal(s_of(rej, "result"), "rejected");
  assert_string_equal(s_of(rej, "origin"), "street");
  json_decref(inbox);
  rebuild_equal(ctx);
  node_close(ctx);
}

static void test_rejected_filing(void **state) {
  (void)state;
  node_ctx *ctx = new_node("a");
  char id[NODE_ID_MAX];
  cm_err e;
  json_t *o = NULL;
  org(ctx, "書畫社", id); /* 1 */
  /* a review bound to entries this node does not hold (another branch) is ignored */
  street_says("review.batch",
              json_pack("{s:s,s:I,s:I,s:s,s:s,s:s}", "author", me, "first_seq", (json_int_t)1,
                        "last_seq", (json_int_t)1, "last_hash",
                        "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff",
                        "result", "accepted", "reason", ""),
              &street.kp);
  deliver_ok(ctx);
  assert_int_equal(node_org_get(ctx, id, &o, &e), CM_OK);
  assert_string_equal(s_of(o, "review"), "pending");
  json_decref(o);
  /* the real one, bound to our entry 1 */
  uint8_t h1[PROTO_HASH_BYTES];
  char h1hex[2 * PROTO_HASH_BYTES + 1];
  assert_true(store_log_hash(ctx, 1, h1));
  cm_hex_encode(h1, sizeof h1, h1hex);
  street_says("review.batch",
              json_pack("{s:s,s:I,s:I,s:s,s:s,s:s}", "author", me, "first_seq", (json_int_t)1,
                        "last_seq", (json_int_t)1, "last_hash", h1hex, "result", "rejected",
                        "reason", "負責人電話不全"),
              &street.kp);
  deliver_ok(ctx);
  assert_int_equal(node_org_get(ctx, id, &o, &e), CM_OK);
  assert_string_equal(s_of(o, "review"), "rejected");
  assert_string_equal(s_of(o, "review_reason"), "負責人電話不全");
  json_decref(o);
  /* the corrected filing (an amendment) waits, then is accepted */
  node_org_input am = {NULL, NULL, NULL, "13800000000", NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL};
  assert_int_equal(node_org_amend(ctx, id, &am, &e), CM_OK); /* 2 */
  assert_int_equal(node_org_get(ctx, id, &o, &e), CM_OK);
  assert_string_equal(s_of(o, "review"), "pending");
  json_decref(o);
  review_batch(2, 2, "accepted", "", NULL);
  deliver_ok(ctx);
  json_t *list = NULL;
  assert_int_equal(node_org_list(ctx, &list, &e), CM_OK);
  assert_string_equal(s_of(json_array_get(list, 0), "review"), "accepted");
  json_decref(list);
  rebuild_equal(ctx);
  node_close(ctx);
}

static void test_criticism_rectified(void **state) {
  (void)state;
  node_ctx *ctx = new_node("a");
  char id[NODE_ID_MAX], id2[NODE_ID_MAX], rect[NODE_RECORD_ID_MAX];
  cm_err e;
  json_t *inbox = NULL;
  org(ctx, "書畫社", id);
  org(ctx, "夕陽紅", id2);
  /* today is 2026-11-15: one deadline passed, one not */
  street_says("decision.criticize",
              json_pack("{s:s,s:s,s:s,s:s,s:s}", "by", "street", "org", id, "deadline",
                        "2026-11-10", "reason", "長期不活動", "operator", "李"),
              &street.kp);
  street_says("decision.criticize",
              json_pack("{s:s,s:s,s:s,s:s}", "by", "street", "org", id2, "deadline", "2026-12-31",
                        "reason", "台賬不全"),
              &street.kp);
  deliver_ok(ctx);
  assert_int_equal(node_inbox_list(ctx, &inbox, &e), CM_OK);
  json_t *c1 = inbox_find(inbox, "decision.criticize", id);
  json_t *c2 = inbox_find(inbox, "decision.criticize", id2);
  assert_non_null(c1);
  assert_non_null(c2);
  assert_true(json_is_true(json_object_get(c1, "overdue")));
  assert_false(json_is_true(json_object_get(c1, "closed")));
  assert_string_equal(s_of(c1, "deadline"), "2026-11-10");
  assert_false(json_is_true(json_object_get(c2, "overdue")));
  char crit[NODE_RECORD_ID_MAX];
  snprintf(crit, sizeof crit, "%s", s_of(c1, "record"));
  json_decref(inbox);
  json_t *st = NULL;
  assert_int_equal(node_status(ctx, &st, &e), CM_OK);
  assert_int_equal(json_integer_value(json_object_get(st, "overdue")), 1);
  json_decref(st);

  /* the community answers; still open (and overdue) until the street accepts */
  node_rectification_input ri = {id, crit, "已恢復每月活動"};
  assert_int_equal(node_rectification_file(ctx, &ri, rect, &e), CM_OK);
  assert_int_equal(node_inbox_list(ctx, &inbox, &e), CM_OK);
  c1 = inbox_find(inbox, "decision.criticize", id);
  assert_string_equal(s_of(c1, "rectification"), rect);
  assert_true(json_is_true(json_object_get(c1, "overdue")));
  json_decref(inbox);

  street_says("rectification.accepted",
              json_pack("{s:s,s:s,s:s,s:s}", "org", id, "decision", crit, "rectification", rect,
                        "operator", "李"),
              &street.kp);
  deliver_ok(ctx);
  assert_int_equal(node_inbox_list(ctx, &inbox, &e), CM_OK);
  c1 = inbox_find(inbox, "decision.criticize", id);
  assert_true(json_is_true(json_object_get(c1, "closed")));
  assert_false(json_is_true(json_object_get(c1, "overdue")));
  c2 = inbox_find(inbox, "decision.criticize", id2);
  assert_false(json_is_true(json_object_get(c2, "closed")));
  assert_non_null(inbox_find(inbox, "rectification.accepted", id));
  json_decref(inbox);
  assert_int_equal(node_status(ctx, &st, &e), CM_OK);
  assert_int_equal(json_integer_value(json_object_get(st, "overdue")), 0);
  json_decref(st);
  rebuild_equal(ctx);
  node_close(ctx);
}

static void test_every_decision(void **state) {
  (void)state;
  node_ctx *ctx = new_node("a");
  char id[NODE_ID_MAX], id2[NODE_ID_MAX], dk[PROTO_KEY_HEX];
  cm_err e;
  json_t *inbox = NULL, *o = NULL;
  org(ctx, "書畫社", id);
  org(ctx, "夕陽紅", id2);
  proto_key_hex(district.kp.pk, dk);
  street_says("hub.enrolled",
              json_pack("{s:s,s:s,s:s,s:s,s:s,s:s}", "key", me, "name", "和平社區", "code",
                        "120105001001", "role", "community", "street", "新華街", "district_key",
                        dk),
              &street.kp);
  street_says("decision.commend",
              json_pack("{s:s,s:s,s:s}", "by", "street", "org", id, "reason", "表現突出"),
              &street.kp);
  district_says("decision.commend",
                json_pack("{s:s,s:s,s:s}", "by", "district", "org", id, "reason", "區級優秀"),
                &district.kp, 0, 0);
  street_says("decision.inspect",
              json_pack("{s:s,s:s,s:s,s:s}", "by", "street", "org", id2, "result", "rectify",
                        "reason", "年檢：台賬不全"),
              &street.kp);
  district_says("decision.notice",
                json_pack("{s:s,s:s,s:s}", "by", "district", "community", "和平社區", "reason",
                          "年終評比通知"),
                &district.kp, 1, 0);
  street_says("decision.revoke",
              json_pack("{s:s,s:s,s:s}", "by", "street", "org", id2, "reason", "嚴重違規"),
              &street.kp);
  deliver_ok(ctx);
  assert_int_equal(node_inbox_list(ctx, &inbox, &e), CM_OK);
  assert_int_equal(json_array_size(inbox), 6);
  json_t *dc = json_array_get(inbox, 3); /* newest first: the district's commendation */
  assert_string_equal(s_of(dc, "kind"), "decision.commend");
  assert_string_equal(s_of(dc, "origin"), "district");
  assert_string_equal(s_of(dc, "reason"), "區級優秀");
  assert_string_equal(s_of(dc, "org"), id);
  assert_non_null(strstr(s_of(dc, "record"), dk)); /* the district's own record id */
  json_t *insp = inbox_find(inbox, "decision.inspect", id2);
  assert_string_equal(s_of(insp, "result"), "rectify");
  assert_string_equal(s_of(insp, "origin"), "street");
  json_t *notice = inbox_find(inbox, "decision.notice", NULL);
  assert_string_equal(s_of(notice, "origin"), "district");
  assert_string_equal(s_of(notice, "reason"), "年終評比通知");
  json_decref(inbox);
  assert_int_equal(node_org_get(ctx, id2, &o, &e), CM_OK);
  assert_string_equal(s_of(o, "status"), "revoked");
  json_decref(o);
  rebuild_equal(ctx);
  node_close(ctx);
}

static void test_activity_escalation(void **state) {
  (void)state;
  node_ctx *ctx = new_node("a");
  char id[NODE_ID_MAX], a1[NODE_ID_MAX], a2[NODE_ID_MAX];
  cm_err e;
  json_t *list = NULL;
  org(ctx, "書畫社", id);
  node_activity_input in1 = {id, "2026-12-01", "重陽敬老", "社區廣場", "200", NULL};
  node_activity_input in2 = {id, "2026-12-05", "義賣", "街心公園", "300", NULL};
  assert_int_equal(node_activity_declare(ctx, &in1, a1, &e), CM_OK);
  assert_int_equal(node_activity_declare(ctx, &in2, a2, &e), CM_OK);
  assert_int_equal(node_activity_list(ctx, &list, &e), CM_OK);
  assert_string_equal(s_of(json_array_get(list, 0), "escalation"), "declared");
  json_decref(list);

  street_says("activity.ack", json_pack("{s:s,s:s,s:s,s:s}", "activity", a1, "level", "street",
                                        "status", "acknowledged", "note", ""), &street.kp);
  assert_int_equal(deliver(ctx, &e), CM_OK);
  assert_int_equal(node_activity_list(ctx, &list, &e), CM_OK);
  assert_string_equal(s_of(json_array_get(list, 0), "escalation"), "street_ack");
  json_decref(list);

  district_says("activity.ack", json_pack("{s:s,s:s,s:s,s:s}", "activity", a1, "level", "district",
                                          "status", "acknowledged", "note", "注意安全"),
                &district.kp, 0, 0);
  street_says("activity.ack", json_pack("{s:s,s:s,s:s,s:s}", "activity", a2, "level", "street",
                                        "status", "returned", "note", "場地未落實"), &street.kp);
  deliver_ok(ctx);
  assert_int_equal(node_activity_list(ctx, &list, &e), CM_OK);
  json_t *x1 = json_array_get(list, 0), *x2 = json_array_get(list, 1);
  assert_string_equal(s_of(x1, "id"), a1);
  assert_string_equal(s_of(x1, "escalation"), "district_ack");
  assert_string_equal(s_of(json_object_get(x1, "street"), "status"), "acknowledged");
  assert_string_equal(s_of(json_object_get(x1, "district"), "status"), "acknowledged");
  assert_string_equal(s_of(json_object_get(x1, "district"), "note"), "注意安全");
  assert_string_equal(s_of(x2, "escalation"), "returned");
  assert_string_equal(s_of(json_object_get(x2, "street"), "note"), "場地未落實");
  json_decref(list);
  json_t *inbox = NULL;
  assert_int_equal(node_inbox_list(ctx, &inbox, &e), CM_OK);
  json_t *ret = json_array_get(inbox, 0);
  assert_string_equal(s_of(ret, "kind"), "activity.ack");
  assert_string_equal(s_of(ret, "reason"), "場地未落實");
  assert_string_equal(s_of(ret, "subject"), a2);
  assert_string_equal(s_of(json_array_get(inbox, 1), "origin"), "district");
  json_decref(inbox);
  rebuild_equal(ctx);
  node_close(ctx);
}

static void test_forged_refused(void **state) {
  (void)state;
  node_ctx *ctx = new_node("a");
  char id[NODE_ID_MAX], dk[PROTO_KEY_HEX];
  cm_err e;
  json_t *inbox = NULL, *o = NULL;
  proto_keypair forger;
  assert_int_equal(proto_keypair_generate(&forger), CM_OK);
  org(ctx, "書畫社", id);
  proto_key_hex(district.kp.pk, dk);
  street_says("hub.enrolled", json_pack("{s:s,s:s,s:s}", "key", me, "name", "和平社區",
                                        "district_key", dk), &street.kp);
  /* a relayed decision signed by someone who is not the district */
  district_says("decision.revoke", json_pack("{s:s,s:s}", "org", id, "reason", "偽造"), &forger,
                0, 0);
  /* a relayed decision whose district signature was altered */
  district_says("decision.revoke", json_pack("{s:s,s:s}", "org", id, "reason", "篡改"),
                &district.kp, 1, 1);
  deliver_ok(ctx); /* the street's own entries verify; what they relay does not */
  assert_int_equal(node_inbox_list(ctx, &inbox, &e), CM_OK);
  assert_int_equal(json_array_size(inbox), 1); /* only the enrolment */
  json_decref(inbox);
  assert_int_equal(node_org_get(ctx, id, &o, &e), CM_OK);
  assert_string_equal(s_of(o, "status"), "active");
  json_decref(o);

  /* an entry the street did not sign: the whole answer is refused */
  street_says("decision.revoke", json_pack("{s:s,s:s}", "org", id, "reason", "冒充街道"), &forger);
  review_batch(1, 1, "rejected", "冒充", NULL);
  assert_int_not_equal(deliver(ctx, &e), CM_OK);
  assert_int_equal(node_inbox_list(ctx, &inbox, &e), CM_OK);
  assert_int_equal(json_array_size(inbox), 1);
  json_decref(inbox);
  assert_int_equal(node_org_get(ctx, id, &o, &e), CM_OK);
  assert_string_equal(s_of(o, "status"), "active");
  assert_string_equal(s_of(o, "review"), "pending");
  json_decref(o);
  node_close(ctx);
}

/* Changesets of ctx's whole log, as a hub's log endpoint returns them. */
static cm_rc collect(void *arg, uint64_t seq, const uint8_t *raw, size_t len, cm_err *err) {
  (void)err;
  cm_buf *b = arg;
  uint32_t l = (uint32_t)len;
  (void)seq;
  cm_rc rc = cm_buf_append(b, &l, sizeof l);
  if (!rc) rc = cm_buf_append(b, raw, len);
  return rc;
}

static void log_bundle(node_ctx *ctx, uint8_t **out, size_t *len_out,
                       uint8_t head_hash[PROTO_HASH_BYTES]) {
  cm_buf b;
  uint64_t head = 0;
  cm_buf_init(&b, 64u << 20);
  assert_int_equal(store_log_head(ctx, &head, head_hash, NULL), CM_OK);
  assert_int_equal(store_log_each(ctx, 1, 0, collect, &b, NULL), CM_OK);
  proto_entry es[64];
  size_t n = 0, at = 0;
  while (at < b.len) {
    uint32_t l;
    memcpy(&l, b.p + at, sizeof l);
    at += sizeof l;
    assert_true(n < 64);
    assert_int_equal(proto_entry_decode(b.p + at, l, &es[n], NULL), CM_OK);
    at += l;
    n++;
  }
  uint8_t *cs = NULL;
  size_t cs_len = 0;
  cm_err e;
  assert_int_equal(proto_changeset_build(es, n, node_keypair(ctx), HUB_TIME, &cs, &cs_len, &e),
                   CM_OK);
  proto_span sp = {cs, cs_len};
  assert_int_equal(proto_bundle_encode(&sp, 1, out, len_out), CM_OK);
  free(cs);
  cm_buf_free(&b);
}

static void test_fork_resolved(void **state) {
  (void)state;
  char cmd[256], id[NODE_ID_MAX], idb[NODE_ID_MAX], ida[NODE_ID_MAX], hex[65];
  cm_err e;
  node_ctx *a = new_node("a");
  org(a, "書畫社", id);              /* 1 */
  report(a, id, "2026-09", "30");    /* 2 */
  node_close(a);
  /* the same community's key on a second PC, copied before either went on */
  snprintf(cmd, sizeof cmd, "cp -a '%s/a' '%s/b'", tmp, tmp);
  assert_int_equal(system(cmd), 0);
  a = open_dir("a");
  node_ctx *b = open_dir("b");
  report(a, id, "2026-10", "40");    /* a3 */
  org(a, "A的舞蹈隊", ida);           /* a4: <code>-0002 */
  report(b, id, "2026-10", "40");    /* b3: the same report as a3 (same body) */
  org(b, "B的合唱團", idb);           /* b4: also <code>-0002, another organisation */
  report(b, idb, "2026-10", "25");   /* b5: refers to B's -0002 */
  assert_string_equal(ida, idb);

  /* the street operator keeps a's chain (its head is a4) */
  uint8_t *bundle = NULL, keep[PROTO_HASH_BYTES];
  size_t blen = 0;
  log_bundle(a, &bundle, &blen, keep);
  cm_hex_encode(keep, sizeof keep, hex);
  uint64_t re = 0;
  /* before the resolution arrives nothing changes */
  assert_int_equal(node_fork_adopt_bundle(b, bundle, blen, &re, &e), CM_ERR_CONFLICT);
  assert_int_equal(head_of(b), 5);
  street_says("fork.resolved", json_pack("{s:s,s:s,s:I}", "author", me, "keep", hex, "seq",
                                         (json_int_t)4), &street.kp);
  deliver_ok(b);
  if (node_fork_adopt_bundle(b, bundle, blen, &re, &e) != CM_OK) fail_msg("adopt: %s", e.msg);
  /* b3 was in the kept chain already; b4 and b5 come back after the kept head */
  assert_int_equal(re, 2);
  assert_int_equal(head_of(b), 6);
  for (uint64_t q = 1; q <= 4; q++) {
    uint8_t ha[PROTO_HASH_BYTES], hb[PROTO_HASH_BYTES];
    assert_true(store_log_hash(a, q, ha));
    assert_true(store_log_hash(b, q, hb));
    assert_memory_equal(ha, hb, PROTO_HASH_BYTES);
  }
  json_t *orgs = NULL;
  assert_int_equal(node_org_list(b, &orgs, &e), CM_OK);
  assert_int_equal(json_array_size(orgs), 3);
  assert_string_equal(s_of(json_array_get(orgs, 1), "name"), "A的舞蹈隊");
  json_t *moved = json_array_get(orgs, 2);
  assert_string_equal(s_of(moved, "name"), "B的合唱團");
  char renamed[NODE_ID_MAX];
  snprintf(renamed, sizeof renamed, "%s", s_of(moved, "id"));
  assert_string_not_equal(renamed, idb);
  json_decref(orgs);
  json_t *r = report_of(b, renamed, "2026-10");
  assert_int_equal(json_integer_value(json_object_get(r, "participants")), 25);
  json_decref(r);
  r = report_of(b, id, "2026-10");
  assert_int_equal(json_integer_value(json_object_get(r, "corrections")), 0);
  json_decref(r);
  assert_int_equal(store_meta_u64(b, "acked_seq", 0), 4);
  /* a second delivery of the same resolution changes nothing */
  assert_int_equal(node_fork_adopt_bundle(b, bundle, blen, &re, &e), CM_ERR_CONFLICT);
  assert_int_equal(head_of(b), 6);
  rebuild_equal(b);
  free(bundle);
  node_close(a);
  node_close(b);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_review_results, setup, teardown),
      cmocka_unit_test_setup_teardown(test_rejected_filing, setup, teardown),
      cmocka_unit_test_setup_teardown(test_criticism_rectified, setup, teardown),
      cmocka_unit_test_setup_teardown(test_every_decision, setup, teardown),
      cmocka_unit_test_setup_teardown(test_activity_escalation, setup, teardown),
      cmocka_unit_test_setup_teardown(test_forged_refused, setup, teardown),
      cmocka_unit_test_setup_teardown(test_fork_resolved, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
