/* hub_api_hostile.c - a hostile enrolled community against the domain core
 * (common/records.h), through the real HTTP server on 127.0.0.1 port 0 with
 * real signed changesets: it writes about another community's organisations,
 * activities and criticisms, sends hub-only kinds, and breaks every bound.
 * The hub keeps each entry (the chain stays whole: its head moves on), marks
 * it refused with a reason the reviewer sees, and no figure moves: not the
 * summary, not a dashboard answer, not the victim's organisation page, not
 * even after the street accepts the hostile batches. */
/* cmocka needs these before it, in this order. */
/* clang-format off */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
/* clang-format on */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>
#include <sqlite3.h>

#include "common/attach.h"
#include "common/clock.h"
#include "hub/attach.h"
#include "hub/dashboard.h"
#include "hub/decide.h"
#include "hub/ingest.h"
#include "hub/project.h"
#include "hub/review.h"
#include "hub/store.h"
#include "hub_api_util.h"

#define NOW_MS 1781496000000ull /* 2026-06-15 12:00 Asia/Shanghai */
#define V_CODE "120105001001"
#define H_CODE "120105001002"
#define V_ORG V_CODE "-0001"
#define H_ORG H_CODE "-0001"
#define Q_CODE "120105001003"
#define Q_ORG Q_CODE "-0001"
#define ZERO_HASH "0000000000000000000000000000000000000000000000000000000000000000"

static t_street g;

/* POST the queued entries of lg as one changeset; the HTTP status. */
static long push(t_log *lg) {
  return t_push(g.base, lg);
}

/* Accept every pending batch (as a street operator would, without looking). */
static void accept_all(hub_ctx *hub) {
  assert_int_equal(t_accept_all(hub), 0);
}

/* Every figure a reader sees, as one JSON text: the summary over HTTP and
 * the dashboard's answers (the victim's organisation page among them). */
static char *figures(hub_ctx *hub) {
  t_resp r;
  json_t *all = json_object();
  assert_int_equal(t_http("GET", g.base, "/api/v1/summary", NULL, NULL, 0, NULL, 0, NULL, &r), 0);
  assert_int_equal(r.status, 200);
  json_object_set(all, "summary", r.json);
  t_resp_free(&r);
  static const char *const names[] = {"hierarchy", "org", "completeness", "activity"};
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
    hub_dash_scope scope;
    hub_dash_params p;
    json_t *j = NULL;
    cm_err err;
    memset(&scope, 0, sizeof scope);
    memset(&p, 0, sizeof p);
    p.org = V_ORG;
    p.month = "2026-05";
    p.from = "2026-01";
    p.to = "2026-06";
    assert_int_equal(hub_dashboard_answer(hub, names[i], &scope, &p, NOW_MS, &j, &err), CM_OK);
    /* when a community was last heard from moves with every push */
    json_t *comms = json_object_get(j, "communities");
    size_t k;
    json_t *c;
    json_array_foreach(comms, k, c) {
      json_object_del(c, "last_received_ms");
      json_object_del(c, "last_contact_ms");
    }
    json_object_set_new(all, names[i], j);
  }
  char *s = json_dumps(all, JSON_SORT_KEYS | JSON_COMPACT);
  json_decref(all);
  assert_non_null(s);
  return s;
}

static int setup(void **state) {
  (void)state;
  return t_street_up(&g, NOW_MS, 3);
}

static int teardown(void **state) {
  (void)state;
  t_street_down(&g);
  return 0;
}

static void test_hostile_node(void **state) {
  (void)state;
  hub_ctx *hub = NULL;
  cm_err err;
  char rec[PROTO_KEY_HEX + 24], body[24000], big[20000];
  assert_int_equal(hub_open(g.dir, &hub, &err), CM_OK);

  /* The victim files an organisation, reports and declares; the hostile
   * community files one honestly.  The street accepts both. */
  assert_int_equal(t_log_org(&g.v, V_ORG, "建昌道社区夕阳红志愿队"), 0);
  assert_int_equal(t_log_report(&g.v, V_ORG, "2026-05", 4, 120, 6), 0);
  assert_int_equal(t_log_add(&g.v, "activity.declared",
                             "{\"id\":\"" V_CODE "-A0001\",\"org\":\"" V_ORG "\","
                             "\"date\":\"2026-07-01\",\"title\":\"义诊\",\"place\":\"广场\","
                             "\"expected\":100,\"description\":\"\"}"),
                   0);
  assert_int_equal(push(&g.v), 200);
  assert_int_equal(t_log_org(&g.h, H_ORG, "铁东路社区读书会"), 0);
  assert_int_equal(push(&g.h), 200);
  accept_all(hub);
  /* The street criticises the victim's organisation. */
  hub_decision d = {HUB_DECIDE_CRITICIZE, V_ORG, NULL, "2026-07-31", NULL, "活动太少"};
  assert_int_equal(hub_decide(hub, &d, "李", rec, sizeof rec, &err), CM_OK);
  char *before = figures(hub);
  /* the figures hold the honest records */
  assert_non_null(strstr(before, "\"accepted\":{\"activities\":4,\"organisations\":2,"
                                 "\"participants\":120,\"party_participants\":6,\"reports\":1}"));

  /* Every attempt, each with the words its refusal must carry. */
  memset(big, 'x', sizeof big - 1);
  big[sizeof big - 1] = '\0';
  /* The file the hostile community names for the victim's organisation. */
  static const uint8_t png[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R'};
  uint8_t png_hash[32];
  char png_hex[65];
  crypto_generichash(png_hash, sizeof png_hash, png, sizeof png, NULL, 0);
  sodium_bin2hex(png_hex, sizeof png_hex, png_hash, sizeof png_hash);
  struct {
    const char *kind, *body, *why;
  } att[] = {
      /* authority: another community's records */
      {"org.amended", "{\"id\":\"" V_ORG "\",\"changes\":{\"leader\":\"坏人\"},\"flags\":[]}",
       "不属于"},
      {"org.dissolved", "{\"id\":\"" V_ORG "\",\"reason\":\"解散\"}", "不属于"},
      {"report.monthly",
       "{\"org\":\"" V_ORG "\",\"month\":\"2026-05\",\"activities\":1,\"participants\":1,"
       "\"party_participants\":0}",
       "不属于"},
      {"activity.declared",
       "{\"id\":\"" V_CODE "-A0001\",\"org\":\"" V_ORG "\",\"date\":\"2026-07-02\","
       "\"title\":\"假活动\",\"expected\":5}",
       "不属于"},
      {"org.filed",
       "{\"id\":\"" V_CODE "-0009\",\"name\":\"冒名\",\"category\":\"c\",\"leader\":\"l\","
       "\"phone\":\"p\",\"members\":5,\"party_members\":0,\"founded_by\":\"self\","
       "\"filed\":\"2026-03-01\",\"flags\":[]}",
       "不属于"},
      {"rectification.filed", NULL /* naming the victim's criticism */, "不是下达给"},
      {"review.batch", "{\"to\":\"x\",\"result\":\"accepted\"}", "上级"},
      {"decision.revoke", "{\"org\":\"" V_ORG "\",\"reason\":\"x\"}", "上级"},
      {"hub.revoked", "{\"key\":\"" ZERO_HASH "\",\"upto\":0,\"reason\":\"x\"}", "上级"},
      {"hub.enrolled", "{\"key\":\"" ZERO_HASH "\",\"name\":\"x\",\"role\":\"community\"}",
       "上级"},
      /* bounds on its own organisation */
      {"report.monthly",
       "{\"org\":\"" H_ORG "\",\"month\":\"2026-05\",\"activities\":1,"
       "\"participants\":999999999,\"party_participants\":0}",
       "参加人次"},
      {"report.monthly",
       "{\"org\":\"" H_ORG "\",\"month\":\"2026-05\",\"activities\":1,"
       "\"participants\":9223372036854775807,\"party_participants\":0}",
       "参加人次"},
      {"report.monthly",
       "{\"org\":\"" H_ORG "\",\"month\":\"2026-05\",\"activities\":1001,\"participants\":10,"
       "\"party_participants\":0}",
       "活动次数"},
      {"report.monthly",
       "{\"org\":\"" H_ORG "\",\"month\":\"2026-05\",\"activities\":1,\"participants\":10,"
       "\"party_participants\":11}",
       "党员参加人次"},
      {"report.monthly",
       "{\"org\":\"" H_ORG "\",\"month\":\"2026-05\",\"activities\":-1,\"participants\":10,"
       "\"party_participants\":0}",
       "月报"},
      {"report.monthly",
       "{\"org\":\"" H_ORG "\",\"month\":\"2020-01\",\"activities\":1,\"participants\":10,"
       "\"party_participants\":0}",
       "备案月份"},
      {"report.monthly",
       "{\"org\":\"" H_ORG "\",\"month\":\"2031-05\",\"activities\":1,\"participants\":10,"
       "\"party_participants\":0}",
       "未来"},
      {"report.monthly", NULL /* over the size cap */, "过大"},
      {"org.amended", "{\"id\":\"" H_ORG "\",\"changes\":{\"party_members\":50},\"flags\":[]}",
       "党员人数"},
      {"org.amended", "{\"id\":\"" H_ORG "\",\"changes\":{\"members\":100001},\"flags\":[]}",
       "成员人数"},
      {"org.amended", "not json", "JSON"},
      {"org.filed",
       "{\"id\":\"" H_CODE "-0002\",\"name\":\"旧\",\"category\":\"c\",\"leader\":\"l\","
       "\"phone\":\"p\",\"members\":5,\"party_members\":0,\"founded_by\":\"self\","
       "\"filed\":\"1999-12-31\",\"flags\":[]}",
       "备案日期"},
      {"org.filed",
       "{\"id\":\"" H_CODE "-0003\",\"name\":\"新\",\"category\":\"c\",\"leader\":\"l\","
       "\"phone\":\"p\",\"members\":5,\"party_members\":0,\"founded_by\":\"self\","
       "\"filed\":\"2026-09-01\",\"flags\":[]}",
       "备案日期"},
      {"org.filed",
       "{\"id\":\"" H_CODE "-0004\",\"name\":\"缺\",\"members\":5,\"party_members\":0,"
       "\"filed\":\"2026-03-01\"}",
       "必填"},
      {"activity.declared",
       "{\"id\":\"" H_CODE "-A0001\",\"org\":\"" H_ORG "\",\"date\":\"2026-06-01\","
       "\"title\":\"事后\",\"expected\":5}",
       "之前"},
      {"activity.declared",
       "{\"id\":\"" H_CODE "-A0002\",\"org\":\"" H_ORG "\",\"date\":\"2027-09-01\","
       "\"title\":\"太远\",\"expected\":5}",
       "太远"},
      {"activity.declared",
       "{\"id\":\"" H_CODE "-A0003\",\"org\":\"" H_ORG "\",\"date\":\"2026-07-01\","
       "\"title\":\"人多\",\"expected\":5000000}",
       "预计人数"},
      {"file.attached",
       "{\"org\":\"" H_ORG "\",\"record\":\"\",\"heading\":\"filing\",\"hash\":"
       "\"" ZERO_HASH "\",\"type\":\"text/plain\",\"title\":\"章程\",\"size\":10}",
       "附件只收"},
      /* last: a file for the victim's organisation, whose bytes it then sends */
      {"file.attached", NULL, "不属于"},
  };
  size_t n = sizeof att / sizeof att[0];
  uint64_t first = g.h.seq + 1;
  for (size_t i = 0; i < n; i++) {
    const char *b = att[i].body;
    if (!b && strcmp(att[i].kind, "rectification.filed") == 0) {
      snprintf(body, sizeof body,
               "{\"org\":\"" H_ORG "\",\"decision\":\"%s\",\"content\":\"已整改\"}", rec);
      b = body;
    } else if (!b && strcmp(att[i].kind, "file.attached") == 0) {
      snprintf(body, sizeof body,
               "{\"org\":\"" V_ORG "\",\"record\":\"\",\"heading\":\"filing\","
               "\"hash\":\"%s\",\"type\":\"image/png\",\"title\":\"冒名章程\",\"size\":%zu}",
               png_hex, sizeof png);
      b = body;
    } else if (!b) {
      snprintf(body, sizeof body,
               "{\"org\":\"" H_ORG "\",\"month\":\"2026-05\",\"activities\":1,"
               "\"participants\":1,\"party_participants\":0,\"content\":\"%s\"}",
               big);
      b = body;
    }
    assert_int_equal(t_log_add(&g.h, att[i].kind, b), 0);
  }
  /* the chain stays whole: every entry is stored */
  assert_int_equal(push(&g.h), 200);
  assert_int_equal(t_head_seq(g.base, g.h.kp.pk), (long long)(first + n - 1));

  /* Each attempt is visible to the reviewer as refused, with its reason. */
  json_t *list = NULL, *batch = NULL;
  assert_int_equal(hub_review_list(hub, &list, &err), CM_OK);
  assert_int_equal(json_array_size(list), 1);
  assert_int_equal(
      hub_review_show(hub, json_integer_value(json_object_get(json_array_get(list, 0), "id")),
                      &batch, &err),
      CM_OK);
  json_t *recs = json_object_get(batch, "records");
  assert_int_equal(json_array_size(recs), n);
  for (size_t i = 0; i < n; i++) {
    json_t *r = json_array_get(recs, i);
    const char *st = json_string_value(json_object_get(r, "status"));
    const char *why = json_string_value(json_object_get(r, "reason"));
    if (!st || strcmp(st, "refused") != 0 || !why || !strstr(why, att[i].why))
      fail_msg("attempt %zu (%s): status %s, reason %s (expected one with %s)", i, att[i].kind,
               st ? st : "-", why ? why : "-", att[i].why);
  }
  json_decref(batch);
  json_decref(list);

  /* No file is taken for the refused file.attached: its bytes are refused. */
  char key_hex[PROTO_KEY_HEX], path[400];
  proto_key_hex(g.h.kp.pk, key_hex);
  snprintf(path, sizeof path, "/api/v1/files/%s/upload?record=%s/%llu&offset=0", png_hex, key_hex,
           (unsigned long long)(first + n - 1));
  t_resp up;
  assert_int_equal(t_http("PUT", g.base, path, "application/octet-stream", png, sizeof png,
                          &g.h.kp, 0, NULL, &up),
                   0);
  assert_int_equal(up.status, 403);
  t_resp_free(&up);
  cm_att_store st;
  assert_int_equal(cm_att_open(g.dir, &st, &err), CM_OK);
  assert_false(cm_att_has(&st, png_hex));
  assert_int_equal(cm_att_partial_size(&st, png_hex), 0);

  /* Nothing moved, not even once the street accepts the hostile batch (a
   * rectification of someone else's criticism closes nothing). */
  char *after = figures(hub);
  assert_string_equal(before, after);
  accept_all(hub);
  char *accepted = figures(hub);
  assert_string_equal(before, accepted);
  json_t *decs = NULL;
  assert_int_equal(hub_decisions_list(hub, &decs, &err), CM_OK);
  assert_int_equal(json_array_size(decs), 1);
  assert_true(json_is_false(json_object_get(json_array_get(decs, 0), "closed")));
  json_decref(decs);

  /* rebuild gives the same refusals and figures */
  assert_int_equal(hub_rebuild(hub, &err), CM_OK);
  char *rebuilt = figures(hub);
  assert_string_equal(before, rebuilt);
  free(before);
  free(after);
  free(accepted);
  free(rebuilt);
  hub_close(hub);
}

/* One number of answer `name` (totals.key), read as the dashboard does. */
static long long dash(hub_ctx *hub, const char *name, const char *key) {
  hub_dash_scope scope;
  hub_dash_params p;
  json_t *j = NULL;
  cm_err err;
  memset(&scope, 0, sizeof scope);
  memset(&p, 0, sizeof p);
  p.from = "2026-01";
  p.to = "2026-06";
  assert_int_equal(hub_dashboard_answer(hub, name, &scope, &p, NOW_MS, &j, &err), CM_OK);
  long long v = json_integer_value(json_object_get(json_object_get(j, "totals"), key));
  json_decref(j);
  return v;
}

/* summary.<state>.<key> over HTTP. */
static long long summary(const char *state, const char *key) {
  t_resp r;
  assert_int_equal(t_http("GET", g.base, "/api/v1/summary", NULL, NULL, 0, NULL, 0, NULL, &r), 0);
  long long v = json_integer_value(json_object_get(json_object_get(r.json, state), key));
  t_resp_free(&r);
  return v;
}

/* The id of the newest pending batch. */
static int64_t newest_batch(hub_ctx *hub) {
  json_t *list = NULL;
  cm_err err;
  assert_int_equal(hub_review_list(hub, &list, &err), CM_OK);
  assert_true(json_array_size(list) > 0);
  int64_t id =
      json_integer_value(json_object_get(json_array_get(list, json_array_size(list) - 1), "id"));
  json_decref(list);
  return id;
}

/* One status per organisation, written by the projection, read by the
 * summary and every dashboard answer alike: a rejected filing corrected and
 * accepted counts everywhere from then on; a revoked one nowhere. */
static void test_status_one_column(void **state) {
  (void)state;
  hub_ctx *hub = NULL;
  cm_err err;
  t_log c;
  const char *id = "120105001003-0001";
  assert_int_equal(hub_open(g.dir, &hub, &err), CM_OK);
  assert_int_equal(t_log_new(&c), 0);
  c.time_ms = NOW_MS - 1800000;
  assert_int_equal(t_hub_enroll(g.dir, c.kp.pk, "三社区", "120105001003"), 0);
  long long orgs0 = dash(hub, "hierarchy", "organisations");
  long long part0 = dash(hub, "activity", "participants");
  long long sorgs0 = summary("accepted", "organisations");
  long long spart0 = summary("accepted", "participants");
  assert_int_equal(orgs0, sorgs0);
  assert_int_equal(part0, spart0);

  /* filed and rejected: counted nowhere */
  assert_int_equal(t_log_org(&c, id, "三社区助老队"), 0);
  assert_int_equal(t_log_report(&c, id, "2026-05", 3, 40, 2), 0);
  assert_int_equal(push(&c), 200);
  assert_int_equal(hub_review_reject(hub, newest_batch(hub), "李", "请补全后重新备案", NULL, &err),
                   CM_OK);
  assert_int_equal(dash(hub, "hierarchy", "organisations"), orgs0);
  assert_int_equal(dash(hub, "activity", "participants"), part0);
  assert_int_equal(summary("accepted", "organisations"), sorgs0);

  /* corrected as asked and accepted: counted by every reader */
  assert_int_equal(t_log_add(&c, "org.amended",
                             "{\"id\":\"120105001003-0001\",\"changes\":{\"leader\":\"赵\"},"
                             "\"flags\":[]}"),
                   0);
  assert_int_equal(t_log_report(&c, id, "2026-05", 3, 40, 2), 0);
  assert_int_equal(push(&c), 200);
  assert_int_equal(hub_review_accept(hub, newest_batch(hub), "李", NULL, 0, NULL, &err), CM_OK);
  assert_int_equal(dash(hub, "hierarchy", "organisations"), orgs0 + 1);
  assert_int_equal(summary("accepted", "organisations"), sorgs0 + 1);
  assert_int_equal(dash(hub, "activity", "participants"), part0 + 40);
  assert_int_equal(summary("accepted", "participants"), spart0 + 40);

  /* revoked: out of every figure, its reports too */
  hub_decision d = {HUB_DECIDE_REVOKE, id, NULL, NULL, NULL, "严重违规"};
  char rec[PROTO_KEY_HEX + 24];
  assert_int_equal(hub_decide(hub, &d, "李", rec, sizeof rec, &err), CM_OK);
  assert_int_equal(dash(hub, "hierarchy", "organisations"), orgs0);
  assert_int_equal(summary("accepted", "organisations"), sorgs0);
  assert_int_equal(dash(hub, "activity", "participants"), part0);
  assert_int_equal(summary("accepted", "participants"), spart0);

  /* rebuild writes the same status */
  assert_int_equal(hub_rebuild(hub, &err), CM_OK);
  assert_int_equal(dash(hub, "hierarchy", "organisations"), orgs0);
  assert_int_equal(dash(hub, "activity", "participants"), part0);
  t_log_clear(&c);
  hub_close(hub);
}

/* The daily quota of raw bytes per author: past it a push is refused (429)
 * with a clear message and nothing of it is stored. */
static void test_daily_quota(void **state) {
  (void)state;
  hub_ctx *hub = NULL;
  cm_err err;
  t_resp r;
  assert_int_equal(hub_open(g.dir, &hub, &err), CM_OK);
  assert_int_equal(hub_quota_set(hub, 20000, &err), CM_OK);
  long long head = t_head_seq(g.base, g.h.kp.pk);
  char *before = figures(hub);
  /* forty reports of ~1 KB each: over the 20,000 bytes of the day */
  for (int i = 0; i < 40; i++) {
    char body[2048];
    snprintf(body, sizeof body,
             "{\"org\":\"" H_ORG "\",\"month\":\"2026-06\",\"activities\":1,"
             "\"participants\":%d,\"party_participants\":0,\"content\":\"%0900d\"}",
             i, i);
    assert_int_equal(t_log_add(&g.h, "report.monthly", body), 0);
  }
  uint64_t saved_seq = g.h.seq;
  uint8_t saved_head[PROTO_HASH_BYTES];
  memcpy(saved_head, g.h.head, sizeof saved_head);
  uint8_t *cs = NULL, *bundle = NULL;
  size_t len = 0, blen = 0;
  assert_int_equal(t_log_build(&g.h, &cs, &len), 0);
  const uint8_t *one = cs;
  assert_int_equal(t_bundle(&one, &len, 1, &bundle, &blen), 0);
  assert_int_equal(t_http("POST", g.base, "/api/v1/changesets", "application/vnd.linli.bundle",
                          bundle, blen, NULL, 0, NULL, &r),
                   0);
  assert_int_equal(r.status, 429);
  assert_string_equal(t_err_name(&r), "TOO_LARGE");
  assert_non_null(strstr((const char *)r.body, "上限"));
  t_resp_free(&r);
  free(cs);
  free(bundle);
  /* not stored: the log continues from where the hub holds it */
  g.h.seq = saved_seq;
  memcpy(g.h.head, saved_head, sizeof saved_head);
  assert_int_equal((long long)saved_seq, head);
  assert_int_equal(t_head_seq(g.base, g.h.kp.pk), head);
  char *after = figures(hub);
  assert_string_equal(before, after);
  /* another community is not held back by it */
  assert_int_equal(t_log_report(&g.v, V_ORG, "2026-04", 1, 10, 0), 0);
  assert_int_equal(push(&g.v), 200);
  assert_int_equal(hub_quota_set(hub, HUB_QUOTA_DEFAULT, &err), CM_OK);
  assert_int_equal(hub_quota_set(hub, 0, &err), CM_ERR_INVALID);
  free(before);
  free(after);
  hub_close(hub);
}

/* Send a signed request about file hex of record lg/seq as lg: GET the upload
 * status (p NULL) or PUT n bytes of p at offset.  The answer into *r. */
static void file_req(t_log *lg, const t_log *author, uint64_t seq, const char *hex,
                     uint64_t offset, const uint8_t *p, size_t n, t_resp *r) {
  char key_hex[PROTO_KEY_HEX], path[400];
  proto_key_hex(author->kp.pk, key_hex);
  int w;
  if (p)
    w = snprintf(path, sizeof path, "/api/v1/files/%s/upload?record=%s/%llu&offset=%llu", hex,
                 key_hex, (unsigned long long)seq, (unsigned long long)offset);
  else
    w = snprintf(path, sizeof path, "/api/v1/files/%s/upload?record=%s/%llu", hex, key_hex,
                 (unsigned long long)seq);
  assert_true(w > 0 && (size_t)w < sizeof path); /* and -O2 knows the path is not cut */
  assert_int_equal(t_http(p ? "PUT" : "GET", g.base, path, p ? "application/octet-stream" : NULL,
                          p, n, &lg->kp, 0, NULL, r),
                   0);
}

/* n bytes of a PNG (its magic, then random bytes) and its hash in hex. */
static void png_bytes(uint8_t *p, size_t n, char hex[65]) {
  static const uint8_t magic[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  uint8_t h[32];
  randombytes_buf(p, n);
  memcpy(p, magic, sizeof magic);
  crypto_generichash(h, sizeof h, p, n, NULL, 0);
  sodium_bin2hex(hex, 65, h, sizeof h);
}

/* A hostile community and files, through real signed requests: it names
 * another community's record, an organisation it never filed, and sends
 * bytes under the victim's own entry: each upload is refused (403, a refused
 * entry said so, so an honest pusher goes on) and nothing is stored.  Two
 * uploads begun side by side, each fitting the day's quota alone, cannot pass
 * it together: every byte counts when it arrives. */
static void test_hostile_files(void **state) {
  (void)state;
  hub_ctx *hub = NULL;
  cm_err err;
  t_resp r;
  enum { S = 30000 };
  static uint8_t f[5][S];
  char hex[5][65], body[1024], v_hex[PROTO_KEY_HEX], day[11];
  cm_att_store st;
  assert_int_equal(hub_open(g.dir, &hub, &err), CM_OK);
  assert_int_equal(cm_att_open(g.dir, &st, &err), CM_OK);
  for (int i = 0; i < 5; i++) png_bytes(f[i], S, hex[i]);
  proto_key_hex(g.v.kp.pk, v_hex);

  /* the victim attaches a file to its report (its seq 2) */
  snprintf(body, sizeof body,
           "{\"org\":\"" V_ORG "\",\"record\":\"%s/2\",\"heading\":\"activity\",\"hash\":\"%s\","
           "\"type\":\"image/png\",\"title\":\"活动照片\",\"size\":%d}",
           v_hex, hex[4], S);
  assert_int_equal(t_log_add(&g.v, "file.attached", body), 0);
  assert_int_equal(push(&g.v), 200);
  uint64_t v_att = g.v.seq;

  assert_int_equal(t_log_org(&g.q, Q_ORG, "鞍山道社区书画社"), 0);
  /* 2: its own organisation, the victim's record */
  snprintf(body, sizeof body,
           "{\"org\":\"" Q_ORG "\",\"record\":\"%s/2\",\"heading\":\"activity\",\"hash\":\"%s\","
           "\"type\":\"image/png\",\"title\":\"冒认的照片\",\"size\":%d}",
           v_hex, hex[0], S);
  assert_int_equal(t_log_add(&g.q, "file.attached", body), 0);
  /* 3: an organisation of its own code that it never filed */
  snprintf(body, sizeof body,
           "{\"org\":\"" Q_CODE "-0099\",\"record\":\"\",\"heading\":\"filing\",\"hash\":\"%s\","
           "\"type\":\"image/png\",\"title\":\"没有备案的组织\",\"size\":%d}",
           hex[1], S);
  assert_int_equal(t_log_add(&g.q, "file.attached", body), 0);
  /* 4, 5: two honest files */
  for (int i = 2; i < 4; i++) {
    snprintf(body, sizeof body,
             "{\"org\":\"" Q_ORG "\",\"record\":\"\",\"heading\":\"filing\",\"hash\":\"%s\","
             "\"type\":\"image/png\",\"title\":\"章程%d\",\"size\":%d}",
             hex[i], i, S);
    assert_int_equal(t_log_add(&g.q, "file.attached", body), 0);
  }
  assert_int_equal(push(&g.q), 200);

  /* the refused entries: asked or sent, 403 with "refused", nothing kept */
  static const char *why[2] = {"不是作者自己写的", "未备案"};
  for (int i = 0; i < 2; i++) {
    file_req(&g.q, &g.q, 2 + (uint64_t)i, hex[i], 0, NULL, 0, &r);
    assert_int_equal(r.status, 403);
    assert_true(json_is_true(json_object_get(r.json, "refused")));
    if (!strstr((const char *)r.body, why[i])) fail_msg("no reason in %s", (const char *)r.body);
    t_resp_free(&r);
    file_req(&g.q, &g.q, 2 + (uint64_t)i, hex[i], 0, f[i], S, &r);
    assert_int_equal(r.status, 403);
    t_resp_free(&r);
    assert_false(cm_att_has(&st, hex[i]));
    assert_int_equal(cm_att_partial_size(&st, hex[i]), 0);
  }
  /* the street's forward pass lists only the entries that are not refused */
  json_t *fwd = NULL;
  assert_int_equal(hub_attach_entries(hub, g.q.kp.pk, 0, &fwd, &err), CM_OK);
  assert_int_equal(json_array_size(fwd), 2);
  assert_string_equal(json_string_value(json_object_get(json_array_get(fwd, 0), "hash")), hex[2]);
  assert_string_equal(json_string_value(json_object_get(json_array_get(fwd, 1), "hash")), hex[3]);
  json_decref(fwd);
  /* the victim's own entry, its bytes sent by the hostile community */
  file_req(&g.q, &g.v, v_att, hex[4], 0, f[4], S, &r);
  assert_int_equal(r.status, 403);
  assert_false(json_is_true(json_object_get(r.json, "refused")));
  t_resp_free(&r);
  assert_false(cm_att_has(&st, hex[4]));
  assert_int_equal(cm_att_partial_size(&st, hex[4]), 0);

  /* The quota: room for one file and a half today. */
  int64_t used = 0;
  cm_date_of(NOW_MS, day);
  assert_int_equal(hub_store_quota_get(hub->store, g.q.kp.pk, day, &used, &err), CM_OK);
  assert_int_equal(hub_quota_set(hub, used + S + S / 2, &err), CM_OK);
  /* both begun: each fits alone */
  for (int i = 2; i < 4; i++) {
    file_req(&g.q, &g.q, 2 + (uint64_t)i, hex[i], 0, f[i], S / 3, &r);
    assert_int_equal(r.status, 200);
    t_resp_free(&r);
  }
  /* the first one finishes */
  file_req(&g.q, &g.q, 4, hex[2], S / 3, f[2] + S / 3, S - S / 3, &r);
  assert_int_equal(r.status, 200);
  assert_true(json_is_true(json_object_get(r.json, "have")));
  t_resp_free(&r);
  assert_true(cm_att_has(&st, hex[2]));
  /* the second would pass the day's bytes: refused, not stored */
  file_req(&g.q, &g.q, 5, hex[3], S / 3, f[3] + S / 3, S - S / 3, &r);
  assert_int_equal(r.status, 413);
  assert_non_null(strstr((const char *)r.body, "上限"));
  t_resp_free(&r);
  assert_false(cm_att_has(&st, hex[3]));
  int64_t after = 0;
  assert_int_equal(hub_store_quota_get(hub->store, g.q.kp.pk, day, &after, &err), CM_OK);
  assert_true(after <= used + S + S / 2);
  assert_int_equal(hub_quota_set(hub, HUB_QUOTA_DEFAULT, &err), CM_OK);

  /* The organisation's yearly cap (200 MB): twenty entries naming 10 MB
   * files fit, the twenty-first passes it and is refused, so none of its
   * bytes would be taken; a file over the 10 MB cap of one file is refused
   * whatever the year holds. */
  for (int i = 0; i < 22; i++) {
    snprintf(body, sizeof body,
             "{\"org\":\"" Q_ORG "\",\"record\":\"\",\"heading\":\"activity\",\"hash\":"
             "\"%064d\",\"type\":\"image/jpeg\",\"title\":\"大照片%d\",\"size\":%d}",
             i + 1, i, i < 21 ? 10000000 : 10485761);
    assert_int_equal(t_log_add(&g.q, "file.attached", body), 0);
  }
  assert_int_equal(push(&g.q), 200);
  char big_hex[65];
  static const char *const big_why[2] = {"每个附件 10 MB", "每年 200 MB"};
  for (int k = 0; k < 2; k++) {
    snprintf(big_hex, sizeof big_hex, "%064d", 22 - k);
    file_req(&g.q, &g.q, g.q.seq - (uint64_t)k, big_hex, 0, NULL, 0, &r);
    assert_int_equal(r.status, 403);
    assert_true(json_is_true(json_object_get(r.json, "refused")));
    if (!strstr((const char *)r.body, big_why[k])) fail_msg("reason: %s", (const char *)r.body);
    t_resp_free(&r);
  }
  snprintf(big_hex, sizeof big_hex, "%064d", 20);
  file_req(&g.q, &g.q, g.q.seq - 2, big_hex, 0, NULL, 0, &r);
  assert_int_equal(r.status, 200);
  t_resp_free(&r);
  /* rebuilt, the same verdicts */
  assert_int_equal(hub_rebuild(hub, &err), CM_OK);
  json_t *left = NULL;
  assert_int_equal(hub_attach_entries(hub, g.q.kp.pk, 0, &left, &err), CM_OK);
  assert_int_equal(json_array_size(left), 22);
  json_decref(left);
  hub_close(hub);
}

/* Stored bodies are bounded by what they compress to: 128 entries of 48 KB
 * (compressing about 30:1, under the 200:1 cap) grow hub.db's entries by a
 * small part of their raw size, and every reader gets the exact bytes back
 * (the entry as stored, a rebuild, the organisation answer). */
static void test_bodies_stored_deflated(void **state) {
  (void)state;
  hub_ctx *hub = NULL;
  cm_err err;
  enum { N_CS = 8, PER_CS = 16, BODY = 48000 };
  static char body[BODY + 64];
  assert_int_equal(hub_open(g.dir, &hub, &err), CM_OK);
  long long head = t_head_seq(g.base, g.h.kp.pk);
  uint32_t x = 12345;
  for (int c = 0; c < N_CS; c++) {
    for (int i = 0; i < PER_CS; i++) {
      int n = snprintf(body, sizeof body, "{\"note\":\"%d-%d ", c, i);
      for (; n < BODY; n++) { /* a text that repeats, with a letter of noise every 64 */
        x = x * 1103515245u + 12345u;
        body[n] = n % 64 ? (char)('a' + n % 23) : (char)('a' + (x >> 16) % 26);
      }
      snprintf(body + n, sizeof body - (size_t)n, "\"}");
      assert_int_equal(t_log_add(&g.h, "note.big", body), 0);
    }
    assert_int_equal(push(&g.h), 200);
  }
  /* what the entries take: deflated bodies with their raw length */
  sqlite3 *db = NULL;
  char path[600];
  snprintf(path, sizeof path, "%s/hub.db", g.dir);
  assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
  sqlite3_stmt *s = NULL;
  assert_int_equal(sqlite3_prepare_v2(db,
                                      "SELECT count(*), sum(length(body)), sum(raw_len) FROM "
                                      "entries WHERE kind = 'note.big'",
                                      -1, &s, NULL),
                   SQLITE_OK);
  assert_int_equal(sqlite3_step(s), SQLITE_ROW);
  long long n = sqlite3_column_int64(s, 0), stored = sqlite3_column_int64(s, 1),
            raw = sqlite3_column_int64(s, 2);
  sqlite3_finalize(s);
  sqlite3_close(db);
  printf("# %lld bodies, %lld bytes raw, %lld stored\n", n, raw, stored);
  assert_int_equal(n, N_CS * PER_CS);
  assert_true(raw >= (long long)N_CS * PER_CS * BODY);
  assert_true(stored * 10 < raw);
  /* the exact bytes back, before and after a rebuild */
  for (int pass = 0; pass < 2; pass++) {
    char kind[PROTO_KIND_MAX + 1];
    uint8_t *b = NULL;
    size_t len = 0;
    char refused[256];
    int found = 0;
    assert_int_equal(hub_store_entry_body(hub->store, g.h.kp.pk, (uint64_t)head + 1, kind, &b,
                                          &len, refused, sizeof refused, &found, &err),
                     CM_OK);
    assert_true(found);
    assert_string_equal(kind, "note.big");
    assert_true(len > BODY && len < BODY + 64);
    assert_memory_equal(b, "{\"note\":\"0-0 ", 12);
    assert_memory_equal(b + len - 2, "\"}", 2);
    free(b);
    if (!pass) assert_int_equal(hub_rebuild(hub, &err), CM_OK);
  }
  /* the hostile community's organisation answer reads its entries */
  hub_dash_scope scope;
  hub_dash_params p;
  json_t *j = NULL;
  memset(&scope, 0, sizeof scope);
  memset(&p, 0, sizeof p);
  p.org = H_ORG;
  cm_rc orc = hub_dashboard_answer(hub, "org", &scope, &p, NOW_MS, &j, &err);
  if (orc) fail_msg("org answer: %s", err.msg);
  assert_true(json_array_size(json_object_get(j, "records")) >= 1);
  json_decref(j);
  hub_close(hub);
}

int main(void) {
  const struct CMUnitTest tests[] = {cmocka_unit_test(test_hostile_node),
                                     cmocka_unit_test(test_status_one_column),
                                     cmocka_unit_test(test_daily_quota),
                                     cmocka_unit_test(test_hostile_files),
                                     cmocka_unit_test(test_bodies_stored_deflated)};
  return cmocka_run_group_tests(tests, setup, teardown);
}
