/* review_unit.c - issue 5 in one process: the street's review queue (accept
 * with exceptions, reject, double review, the district's refusal), the
 * auto-accept policy and locked months, decisions' checks, acknowledgements,
 * the relay of district entries, street-level organisations and the shared
 * naming rules. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "common/clock.h"
#include "common/json.h"
#include "common/rules.h"
#include "hub/activity.h"
#include "hub/decide.h"
#include "hub/hublog.h"
#include "hub/orgs_local.h"
#include "hub/project.h"
#include "hub/relay.h"
#include "hub/review.h"
#include "hub/store.h"
#include "hub/summary.h"
#include "hub_testlib.h"
#include "protocol/feed.h"

typedef struct fixture {
  char *dir;
  hub_ctx *street;
  tl_author a; /* a community enrolled at the street, code 120105001001 */
} fixture;

static int setup(void **state) {
  fixture *f = calloc(1, sizeof *f);
  if (!f) return -1;
  f->dir = tl_tmpdir();
  if (!f->dir) return -1;
  f->street = tl_hub(f->dir, "street", HUB_ROLE_STREET, "望海樓街");
  if (!f->street || tl_author_new(&f->a) || tl_enroll(f->street, &f->a, "建昌道社區", "120105001001"))
    return -1;
  *state = f;
  return 0;
}

static int teardown(void **state) {
  fixture *f = *state;
  hub_close(f->street);
  tl_rmrf(f->dir);
  free(f->dir);
  free(f);
  return 0;
}

/* Push n entries of the community (kinds/bodies as tl_changeset) to hub h;
 * 200 expected. */
static void push_to(hub_ctx *h, fixture *f, size_t n, const char *const *kinds,
                    const char *const *bodies) {
  uint8_t *cs = NULL, *b = NULL;
  size_t cl = 0, bl = 0;
  assert_int_equal(tl_changeset(&f->a, n, kinds, bodies, 0, &cs, &cl), 0);
  assert_int_equal(tl_bundle(&cs, &cl, 1, &b, &bl), 0);
  assert_int_equal(tl_ingest(h, b, bl, NULL), 200);
  free(cs);
  free(b);
}

static void push(fixture *f, size_t n, const char *const *kinds, const char *const *bodies) {
  push_to(f->street, f, n, kinds, bodies);
}

/* The pending batch IDs (at most 8) into ids; returns how many. */
static size_t pending(hub_ctx *h, int64_t *ids) {
  json_t *list = NULL;
  cm_err err;
  size_t i;
  json_t *b;
  assert_int_equal(hub_review_list(h, &list, &err), CM_OK);
  json_array_foreach(list, i, b) {
    if (i < 8) ids[i] = json_integer_value(json_object_get(b, "id"));
  }
  size_t n = json_array_size(list);
  json_decref(list);
  return n;
}

/* One figure of the summary's totals. */
static json_int_t figure(hub_ctx *h, const char *state, const char *field) {
  cm_err err;
  json_t *s = hub_summary(h, &err);
  assert_non_null(s);
  json_int_t v = json_integer_value(json_object_get(json_object_get(s, state), field));
  json_decref(s);
  return v;
}

static const char ORG_BODY[] =
    "{\"id\":\"120105001001-0001\",\"name\":\"建昌道社區書畫隊\",\"category\":\"文化\","
    "\"leader\":\"王\",\"phone\":\"1\",\"members\":10,\"party_members\":1,"
    "\"founded_by\":\"self\",\"filed\":\"2026-03-01\",\"flags\":[]}";
static const char REP_OCT[] =
    "{\"org\":\"120105001001-0001\",\"month\":\"2026-10\",\"activities\":3,\"participants\":30,"
    "\"party_participants\":1}";
static const char REP_OCT_FIX[] =
    "{\"org\":\"120105001001-0001\",\"month\":\"2026-10\",\"activities\":5,\"participants\":50,"
    "\"party_participants\":1}";
static const char REP_SEP[] =
    "{\"org\":\"120105001001-0001\",\"month\":\"2026-09\",\"activities\":2,\"participants\":20,"
    "\"party_participants\":0}";

static void test_accept_except(void **state) {
  fixture *f = *state;
  const char *kinds[] = {"org.filed", "report.monthly", "report.monthly"};
  const char *bodies[] = {ORG_BODY, REP_OCT, REP_SEP};
  int64_t ids[8];
  cm_err err;
  json_t *b = NULL;
  push(f, 3, kinds, bodies);
  assert_int_equal(pending(f->street, ids), 1); /* a filing is not auto-accepted */
  assert_int_equal(hub_review_auto(f->street, NULL, &err), CM_OK);
  assert_int_equal(pending(f->street, ids), 1);
  hub_review_except bad = {"9", "no such record"};
  assert_int_equal(hub_review_accept(f->street, ids[0], "李", &bad, 1, NULL, &err),
                   CM_ERR_INVALID);
  hub_review_except noreason = {"3", ""};
  assert_int_equal(hub_review_accept(f->street, ids[0], "李", &noreason, 1, NULL, &err),
                   CM_ERR_INVALID);
  hub_review_except ex = {"3", "九月的數字有誤"};
  assert_int_equal(hub_review_accept(f->street, ids[0], "李", &ex, 1, NULL, &err), CM_OK);
  assert_int_equal(hub_review_accept(f->street, ids[0], "李", NULL, 0, NULL, &err),
                   CM_ERR_CONFLICT);
  assert_int_equal(hub_review_reject(f->street, ids[0], "李", "x", NULL, &err), CM_ERR_CONFLICT);
  assert_int_equal(pending(f->street, ids), 0);
  assert_int_equal(hub_review_show(f->street, ids[0], &b, &err), CM_OK);
  assert_string_equal(json_string_value(json_object_get(b, "status")), "accepted");
  json_t *recs = json_object_get(b, "records");
  assert_int_equal(json_array_size(recs), 3);
  assert_string_equal(json_string_value(json_object_get(json_array_get(recs, 2), "status")),
                      "rejected");
  assert_string_equal(json_string_value(json_object_get(json_array_get(recs, 2), "reason")),
                      "九月的數字有誤");
  assert_string_equal(json_string_value(json_object_get(json_array_get(recs, 1), "status")),
                      "accepted");
  json_decref(b);
  assert_int_equal(figure(f->street, "accepted", "organisations"), 1);
  assert_int_equal(figure(f->street, "accepted", "reports"), 1);
  assert_int_equal(figure(f->street, "accepted", "activities"), 3);
  assert_int_equal(figure(f->street, "pending", "reports"), 1); /* the rejected September */
  assert_int_equal(hub_review_show(f->street, 999, &b, &err), CM_ERR_NOT_FOUND);
  /* The review went into the community's feed. */
  uint8_t *feed = NULL;
  size_t len = 0, n = 0;
  proto_feed_item *items = NULL;
  uint64_t next = 0;
  assert_int_equal(hub_feed(f->street, f->a.kp.pk, 0, 0, &feed, &len, &err), CM_OK);
  assert_int_equal(proto_feed_decode(feed, len, f->street->kp.pk, &items, &n, &next, &err), CM_OK);
  int found = 0;
  for (size_t i = 0; i < n; i++)
    if (strcmp(items[i].entry.kind, "review.batch") == 0) found++;
  assert_int_equal(found, 1);
  free(items);
  free(feed);
}

static void test_policy_locked_month(void **state) {
  fixture *f = *state;
  const char *k1[] = {"org.filed"};
  const char *b1[] = {ORG_BODY};
  const char *b2[] = {REP_OCT};
  const char *b3[] = {REP_OCT_FIX};
  int64_t ids[8];
  int on = 0;
  cm_err err;
  push(f, 1, k1, b1);
  assert_int_equal(pending(f->street, ids), 1);
  assert_int_equal(hub_review_accept(f->street, ids[0], "李", NULL, 0, NULL, &err), CM_OK);
  /* The ingest itself accepts the batch (in its own transaction): the pass
   * run after it has nothing left to accept. */
  push(f, 1, NULL, b2);
  unsigned n = 1;
  assert_int_equal(figure(f->street, "accepted", "activities"), 3);
  assert_int_equal(pending(f->street, ids), 0);
  assert_int_equal(hub_review_auto(f->street, &n, &err), CM_OK);
  assert_int_equal(n, 0);
  push(f, 1, NULL, b3); /* a correction of an accepted month */
  assert_int_equal(hub_review_auto(f->street, &n, &err), CM_OK);
  assert_int_equal(n, 0);
  assert_int_equal(figure(f->street, "accepted", "activities"), 3);
  assert_int_equal(figure(f->street, "pending", "activities"), 5);
  assert_int_equal(pending(f->street, ids), 1);
  assert_int_equal(hub_review_reject(f->street, ids[0], "李", "", NULL, &err), CM_ERR_INVALID);
  assert_int_equal(hub_review_accept(f->street, ids[0], "李", NULL, 0, NULL, &err), CM_OK);
  assert_int_equal(figure(f->street, "accepted", "activities"), 5);
  assert_int_equal(figure(f->street, "pending", "reports"), 0);
  /* Policy off: a plain report waits. */
  assert_int_equal(hub_review_policy_get(f->street, &on, &err), CM_OK);
  assert_int_equal(on, 1);
  assert_int_equal(hub_review_policy_set(f->street, 0, &err), CM_OK);
  push(f, 1, NULL, (const char *const[]){REP_SEP});
  assert_int_equal(hub_review_auto(f->street, &n, &err), CM_OK);
  assert_int_equal(n, 0);
  assert_int_equal(pending(f->street, ids), 1);
}

/* The community's batches and their statuses, oldest first, and the
 * summary's report figures, as one line to compare before and after
 * `rebuild`. */
static void batches_line(hub_ctx *h, char *out, size_t cap) {
  size_t used = 0, i;
  cm_err err;
  json_t *list = NULL, *b;
  assert_int_equal(hub_store_batches_json(h->store, 0, 0, &list, &err), CM_OK);
  json_array_foreach(list, i, b) {
    used += (size_t)snprintf(out + used, cap - used, "%s ",
                             json_string_value(json_object_get(b, "status")));
    assert_true(used < cap);
  }
  json_decref(list);
  snprintf(out + used, cap - used, "acc=%lld pend=%lld acts=%lld",
           (long long)figure(h, "accepted", "reports"), (long long)figure(h, "pending", "reports"),
           (long long)figure(h, "accepted", "activities"));
}

/* Ingest accepts a batch of new, valid, unflagged monthly reports as it
 * projects it; any other batch is projected the usual way and meets the
 * policy's pass after it, with the same outcome as before; `rebuild`, which
 * projects each batch and then its review, gives the same tables. */
static void test_policy_ahead(void **state) {
  fixture *f = *state;
  const char *k1[] = {"org.filed"};
  const char *b1[] = {ORG_BODY};
  int64_t ids[8];
  cm_err err;
  push(f, 1, k1, b1);
  assert_int_equal(pending(f->street, ids), 1);
  assert_int_equal(hub_review_accept(f->street, ids[0], "李", NULL, 0, NULL, &err), CM_OK);
  /* a flagged report keeps its batch pending */
  push(f, 2, NULL,
       (const char *const[]){REP_OCT,
                             "{\"org\":\"120105001001-0001\",\"month\":\"2026-09\","
                             "\"activities\":2,\"participants\":20,\"party_participants\":0,"
                             "\"flags\":[\"participants_high\"]}"});
  assert_int_equal(pending(f->street, ids), 1);
  assert_int_equal(figure(f->street, "accepted", "reports"), 0);
  assert_int_equal(figure(f->street, "pending", "reports"), 2);
  /* a refused report (an organisation nobody filed) too */
  push(f, 2, NULL,
       (const char *const[]){"{\"org\":\"120105001001-0099\",\"month\":\"2026-08\","
                             "\"activities\":1,\"participants\":5,\"party_participants\":0}",
                             "{\"org\":\"120105001001-0001\",\"month\":\"2026-07\","
                             "\"activities\":1,\"participants\":5,\"party_participants\":0}"});
  assert_int_equal(pending(f->street, ids), 2);
  /* and one over the size bound, refused before its body is read */
  size_t big = 17 * 1024;
  char *huge = malloc(big + 200);
  assert_non_null(huge);
  int at = snprintf(huge, big + 200, "{\"org\":\"120105001001-0001\",\"month\":\"2026-04\","
                                     "\"activities\":1,\"participants\":5,"
                                     "\"party_participants\":0,\"note\":\"");
  memset(huge + at, 'x', big);
  snprintf(huge + at + big, 200 - (size_t)at, "\"}");
  push(f, 2, NULL,
       (const char *const[]){huge, "{\"org\":\"120105001001-0001\",\"month\":\"2026-03\","
                                   "\"activities\":1,\"participants\":5,"
                                   "\"party_participants\":0}"});
  free(huge);
  assert_int_equal(pending(f->street, ids), 3);
  /* a correction of a pending month is accepted, by the pass after ingest */
  push(f, 1, NULL, (const char *const[]){REP_SEP});
  assert_int_equal(pending(f->street, ids), 3);
  assert_int_equal(figure(f->street, "accepted", "reports"), 1);
  /* new months: accepted as ingest projects them */
  push(f, 2, NULL,
       (const char *const[]){"{\"org\":\"120105001001-0001\",\"month\":\"2026-06\","
                             "\"activities\":4,\"participants\":40,\"party_participants\":2}",
                             "{\"org\":\"120105001001-0001\",\"month\":\"2026-05\","
                             "\"activities\":6,\"participants\":60,\"party_participants\":3}"});
  assert_int_equal(pending(f->street, ids), 3);
  assert_int_equal(figure(f->street, "accepted", "reports"), 3);
  assert_int_equal(figure(f->street, "accepted", "activities"), 12);
  char before[512], after[512];
  batches_line(f->street, before, sizeof before);
  assert_string_equal(before,
                      "accepted pending pending pending accepted accepted acc=3 pend=3 acts=12");
  assert_int_equal(hub_rebuild(f->street, &err), CM_OK);
  batches_line(f->street, after, sizeof after);
  assert_string_equal(before, after);
  /* the pass reads no batch twice: it starts after the newest */
  int64_t newest = 0;
  assert_int_equal(hub_review_auto(f->street, NULL, &err), CM_OK);
  assert_int_equal(hub_store_changeset_last(f->street->store, &newest, &err), CM_OK);
  char v[32];
  int found = 0;
  assert_int_equal(hub_store_config_get(f->street->store, HUB_CONFIG_AUTO_AFTER, v, sizeof v,
                                        &found, &err),
                   CM_OK);
  assert_true(found);
  assert_int_equal(strtoll(v, NULL, 10), newest);
}

/* The status of the only record of the community's newest batch. */
static char *newest_record_status(hub_ctx *h) {
  json_t *list = NULL, *b = NULL;
  cm_err err;
  assert_int_equal(hub_store_batches_json(h->store, 0, 0, &list, &err), CM_OK);
  int64_t id = json_integer_value(json_object_get(json_array_get(list, json_array_size(list) - 1), "id"));
  json_decref(list);
  assert_int_equal(hub_review_show(h, id, &b, &err), CM_OK);
  json_t *recs = json_object_get(b, "records");
  assert_int_equal(json_array_size(recs), 1);
  char *st = strdup(json_string_value(json_object_get(json_array_get(recs, 0), "status")));
  json_decref(b);
  return st;
}

/* The organisations' facts the street keeps from one push to the next are
 * forgotten when another connection to its database commits in between (a
 * USB import, a command): a report on an organisation filed through that one
 * is not refused on what this one remembered of it. */
static void test_facts_other_writer(void **state) {
  fixture *f = *state;
  char path[4096], *st;
  hub_ctx *other = NULL;
  cm_err err;
  /* (a batch accepted at ingest forgets them when it falls back) */
  assert_int_equal(hub_review_policy_set(f->street, 0, &err), CM_OK);
  push(f, 1, NULL, (const char *const[]){REP_OCT}); /* no such organisation yet */
  st = newest_record_status(f->street);
  assert_string_equal(st, "refused");
  free(st);
  snprintf(path, sizeof path, "%s/street", f->dir);
  assert_int_equal(hub_open(path, &other, &err), CM_OK);
  push_to(other, f, 1, (const char *const[]){"org.filed"}, (const char *const[]){ORG_BODY});
  hub_close(other);
  push(f, 1, NULL, (const char *const[]){REP_SEP});
  st = newest_record_status(f->street);
  assert_string_not_equal(st, "refused");
  free(st);
  /* and with nothing committed in between, what it keeps is still true */
  push(f, 1, NULL, (const char *const[]){REP_OCT});
  st = newest_record_status(f->street);
  assert_string_not_equal(st, "refused");
  free(st);
}

static void test_district_does_not_review(void **state) {
  fixture *f = *state;
  cm_err err;
  hub_ctx *d = tl_hub(f->dir, "district", HUB_ROLE_DISTRICT, "河北區");
  assert_non_null(d);
  assert_int_equal(hub_review_accept(d, 1, "x", NULL, 0, NULL, &err), CM_ERR_PERM);
  assert_int_equal(hub_review_reject(d, 1, "x", "why", NULL, &err), CM_ERR_PERM);
  hub_local_org o = {.name = "望海樓街青年分會"};
  char id[HUB_LOCAL_ID_MAX];
  assert_int_equal(hub_local_org_file(d, &o, id, NULL, NULL, &err), CM_ERR_PERM);
  hub_close(d);
}

static void test_decide_checks(void **state) {
  fixture *f = *state;
  const char *k1[] = {"org.filed"};
  const char *b1[] = {ORG_BODY};
  char rec[PROTO_KEY_HEX + 24];
  cm_err err;
  json_t *list = NULL;
  push(f, 1, k1, b1);
  hub_decision d = {HUB_DECIDE_CRITICIZE, "120105001001-0001", NULL, NULL, NULL, "活動少"};
  assert_int_equal(hub_decide(f->street, &d, "李", rec, sizeof rec, &err), CM_ERR_INVALID);
  d.deadline = "2026-02-30";
  assert_int_equal(hub_decide(f->street, &d, "李", rec, sizeof rec, &err), CM_ERR_INVALID);
  /* A deadline of today or earlier is refused: the criticism would be
   * overdue the moment it is taken (page and command line ask this rule). */
  char today[11], later[11];
  cm_date_of(cm_now_ms(), today);
  cm_date_of(cm_now_ms() + 10ull * 86400000ull, later);
  d.deadline = "2000-01-01";
  assert_int_equal(hub_decide(f->street, &d, "李", rec, sizeof rec, &err), CM_ERR_INVALID);
  assert_non_null(strstr(err.msg, "整改期限须在今天"));
  d.deadline = today;
  assert_int_equal(hub_decide(f->street, &d, "李", rec, sizeof rec, &err), CM_ERR_INVALID);
  d.deadline = later;
  d.community = "建昌道社區";
  assert_int_equal(hub_decide(f->street, &d, "李", rec, sizeof rec, &err), CM_ERR_INVALID);
  d.community = NULL;
  assert_int_equal(hub_decide(f->street, &d, "李", rec, sizeof rec, &err), CM_OK);
  assert_non_null(strchr(rec, '/'));
  hub_decision i = {HUB_DECIDE_INSPECT, NULL, "120105001001", NULL, "maybe", "年檢"};
  assert_int_equal(hub_decide(f->street, &i, "李", NULL, 0, &err), CM_ERR_INVALID);
  i.result = "pass";
  assert_int_equal(hub_decide(f->street, &i, "李", NULL, 0, &err), CM_OK);
  hub_decision u = {HUB_DECIDE_COMMEND, "nope", NULL, NULL, NULL, "好"};
  assert_int_equal(hub_decide(f->street, &u, "李", NULL, 0, &err), CM_ERR_NOT_FOUND);
  hub_decision r = {HUB_DECIDE_REVOKE, NULL, "建昌道社區", NULL, NULL, "x"};
  assert_int_equal(hub_decide(f->street, &r, "李", NULL, 0, &err), CM_ERR_INVALID);
  assert_int_equal(hub_decisions_list(f->street, &list, &err), CM_OK);
  assert_int_equal(json_array_size(list), 2);
  size_t k;
  json_t *x;
  int overdue = 0;
  json_array_foreach(list, k, x) {
    if (json_is_true(json_object_get(x, "overdue"))) overdue++;
  }
  assert_int_equal(overdue, 0); /* due in ten days */
  json_decref(list);
  /* Twenty days on (the clock advanced), the criticism is overdue. */
  char at[32];
  snprintf(at, sizeof at, "%llu", (unsigned long long)(cm_now_ms() + 20ull * 86400000ull));
  setenv("LINLI_FAKE_NOW_MS", at, 1);
  assert_int_equal(hub_decisions_list(f->street, &list, &err), CM_OK);
  unsetenv("LINLI_FAKE_NOW_MS");
  overdue = 0;
  json_array_foreach(list, k, x) {
    if (json_is_true(json_object_get(x, "overdue"))) overdue++;
  }
  assert_int_equal(overdue, 1);
  json_decref(list);
  hub_decision_kind kd;
  assert_int_equal(hub_decision_kind_parse("praise", &kd, &err), CM_ERR_INVALID);
}

static void test_activity_ack(void **state) {
  fixture *f = *state;
  const char *kinds[] = {"org.filed", "activity.declared"};
  const char *bodies[] = {ORG_BODY,
                          "{\"id\":\"120105001001-A0001\",\"org\":\"120105001001-0001\","
                          "\"date\":\"2026-12-01\",\"title\":\"重陽節\",\"expected\":100}"};
  cm_err err;
  json_t *list = NULL;
  push(f, 2, kinds, bodies);
  assert_int_equal(hub_activity_ack(f->street, "nope", "李", NULL, NULL, &err), CM_ERR_NOT_FOUND);
  assert_int_equal(hub_activity_return(f->street, "120105001001-A0001", "李", "", NULL, &err),
                   CM_ERR_INVALID);
  assert_int_equal(hub_activity_return(f->street, "120105001001-A0001", "李", "地點不安全", NULL,
                                       &err),
                   CM_OK);
  assert_int_equal(hub_activity_list(f->street, &list, &err), CM_OK);
  json_t *a = json_array_get(list, 0);
  assert_string_equal(json_string_value(json_object_get(json_object_get(a, "street"), "status")),
                      "returned");
  assert_string_equal(json_string_value(json_object_get(a, "title")), "重陽節");
  json_decref(list);
  assert_int_equal(hub_activity_ack(f->street, "120105001001-A0001", "李", "好", NULL, &err), CM_OK);
  assert_int_equal(hub_activity_list(f->street, &list, &err), CM_OK);
  a = json_array_get(list, 0);
  assert_string_equal(json_string_value(json_object_get(json_object_get(a, "street"), "status")),
                      "acknowledged");
  assert_string_equal(
      json_string_value(json_object_get(json_object_get(a, "district"), "status")), "pending");
  json_decref(list);
}

/* A district entry addressed to key, signed by dk, as a feed item. */
static void district_item(const proto_keypair *dk, uint64_t seq, const uint8_t *to,
                          proto_feed_item *it, char *body, size_t cap) {
  char hex[PROTO_KEY_HEX];
  proto_key_hex(to, hex);
  snprintf(body, cap,
           "{\"to\":\"%s\",\"org\":\"120105001001-0001\",\"community\":\"\",\"reason\":\"好\","
           "\"deadline\":\"\",\"result\":\"\",\"by\":\"district\",\"operator\":\"王\"}",
           hex);
  memset(it, 0, sizeof *it);
  memcpy(it->entry.author, dk->pk, PROTO_KEY_BYTES);
  it->entry.seq = seq;
  it->entry.time_ms = cm_now_ms();
  snprintf(it->entry.kind, sizeof it->entry.kind, "decision.commend");
  it->entry.body = (const uint8_t *)body;
  it->entry.body_len = strlen(body);
  it->cursor = seq;
  assert_int_equal(proto_entry_sign(&it->entry, dk), CM_OK);
}

static void test_relay(void **state) {
  fixture *f = *state;
  proto_keypair dk;
  proto_feed_item items[2];
  char b0[512], b1[512];
  tl_author stranger;
  unsigned n = 0;
  cm_err err;
  assert_int_equal(proto_keypair_generate(&dk), CM_OK);
  assert_int_equal(hub_set_upstream_key(f->street, dk.pk, &err), CM_OK);
  assert_int_equal(tl_author_new(&stranger), 0);
  district_item(&dk, 1, f->a.kp.pk, &items[0], b0, sizeof b0);
  district_item(&dk, 2, stranger.kp.pk, &items[1], b1, sizeof b1);
  /* seq 2's prev is not seq 1's hash: feed items are verified one by one. */
  assert_int_equal(hub_upstream_feed_store(f->street, items, 2, 2, &err), CM_OK);
  assert_int_equal(hub_relay(f->street, &n, &err), CM_OK);
  assert_int_equal(n, 1); /* only our own community's */
  assert_int_equal(hub_relay(f->street, &n, &err), CM_OK);
  assert_int_equal(n, 0); /* nothing twice */
  uint8_t *feed = NULL;
  size_t len = 0, cnt = 0;
  proto_feed_item *got = NULL;
  uint64_t next = 0;
  assert_int_equal(hub_feed(f->street, f->a.kp.pk, 0, 0, &feed, &len, &err), CM_OK);
  assert_int_equal(proto_feed_decode(feed, len, f->street->kp.pk, &got, &cnt, &next, &err), CM_OK);
  int relayed = 0;
  for (size_t i = 0; i < cnt; i++) {
    json_t *body = NULL;
    if (strcmp(got[i].entry.kind, "decision.commend") != 0) continue;
    assert_int_equal(cm_json_parse_object(got[i].entry.body, got[i].entry.body_len, &body, &err),
                     CM_OK);
    assert_non_null(json_object_get(body, "origin"));
    assert_non_null(strstr(json_string_value(json_object_get(body, "origin_record")), "/1"));
    json_decref(body);
    relayed++;
  }
  assert_int_equal(relayed, 1);
  free(got);
  free(feed);
  json_t *list = NULL;
  assert_int_equal(hub_decisions_list(f->street, &list, &err), CM_OK);
  assert_int_equal(json_array_size(list), 1);
  assert_string_equal(json_string_value(json_object_get(json_array_get(list, 0), "by")),
                      "district");
  json_decref(list);
  proto_keypair_wipe(&dk);
}

static void test_local_orgs(void **state) {
  fixture *f = *state;
  char id[HUB_LOCAL_ID_MAX], aid[HUB_LOCAL_ID_MAX];
  json_t *flags = NULL;
  cm_err err;
  /* the same required fields as a community's filing */
  hub_local_org bare = {.name = "青年志願者協會", .members = 5, .party_members = 1};
  assert_int_equal(hub_local_org_file(f->street, &bare, id, &flags, NULL, &err), CM_ERR_INVALID);
  assert_non_null(strstr(err.msg, "类别"));
  /* counts not given are missing, not 0: refused in the core's words */
  hub_local_org nocount = {.name = "望海樓街青年志願者分會", .category = "志愿", .leader = "王",
                           .phone = "1", .filed = "2026-01-05", .members = -1,
                           .party_members = 1};
  assert_int_equal(hub_local_org_file(f->street, &nocount, id, &flags, NULL, &err), CM_ERR_INVALID);
  assert_string_equal(err.msg, "缺少必填项「成员人数」");
  nocount.members = 5;
  nocount.party_members = -1;
  assert_int_equal(hub_local_org_file(f->street, &nocount, id, &flags, NULL, &err), CM_ERR_INVALID);
  assert_string_equal(err.msg, "缺少必填项「党员人数」");
  hub_local_org noname = {.category = "志愿", .leader = "王", .phone = "1", .members = 5,
                          .party_members = 1};
  assert_int_equal(hub_local_org_file(f->street, &noname, id, &flags, NULL, &err), CM_ERR_INVALID);
  assert_string_equal(err.msg, "缺少必填项「名称」");
  hub_local_org bad = {.name = "青年志願者協會", .category = "志愿", .leader = "王",
                       .phone = "1", .filed = "2026-01-05", .members = 5, .party_members = 3};
  assert_int_equal(hub_local_org_file(f->street, &bad, id, &flags, NULL, &err), CM_OK);
  assert_int_equal(json_array_size(flags), 2); /* name_norm, party_station */
  json_decref(flags);
  hub_local_org good = {.name = "望海樓街青年志願者分會", .category = "志愿", .leader = "王",
                        .phone = "1", .filed = "2026-01-05", .members = 5, .party_members = 1};
  assert_int_equal(hub_local_org_file(f->street, &good, id, &flags, NULL, &err), CM_OK);
  assert_int_equal(json_array_size(flags), 0);
  json_decref(flags);
  assert_non_null(strstr(id, "-0002"));
  hub_local_report r = {.org = id, .month = "2026-10", .activities = 2, .participants = 9};
  assert_int_equal(hub_local_report_monthly(f->street, &r, NULL, &err), CM_OK);
  r.org = "nope";
  assert_int_equal(hub_local_report_monthly(f->street, &r, NULL, &err), CM_ERR_NOT_FOUND);
  r.org = id;
  r.month = "2026-13";
  assert_int_equal(hub_local_report_monthly(f->street, &r, NULL, &err), CM_ERR_INVALID);
  /* Street-level organisations count in their street, accepted at once. */
  assert_int_equal(figure(f->street, "accepted", "organisations"), 2);
  assert_int_equal(figure(f->street, "accepted", "activities"), 2);
  assert_int_equal(figure(f->street, "pending", "organisations"), 0);
  hub_local_activity a = {.org = id, .date = "2000-01-01", .title = "演出"};
  assert_int_equal(hub_local_activity_declare(f->street, &a, aid, NULL, &err), CM_ERR_INVALID);
  a.date = "2099-01-01"; /* more than a year ahead */
  assert_int_equal(hub_local_activity_declare(f->street, &a, aid, NULL, &err), CM_ERR_INVALID);
  char soon[11];
  cm_date_of(cm_now_ms() + 30ull * 86400000ull, soon);
  a.date = soon;
  assert_int_equal(hub_local_activity_declare(f->street, &a, aid, NULL, &err), CM_OK);
  assert_int_equal(hub_activity_ack(f->street, aid, "李", NULL, NULL, &err), CM_OK);

  /* Amendment and dissolution under the same rules as a community's. */
  hub_local_org ch = {.id = id, .leader = "赵", .members = -1, .party_members = 9,
                      .party_station = -1};
  assert_int_equal(hub_local_org_amend(f->street, &ch, NULL, &err), CM_ERR_INVALID);
  assert_non_null(strstr(err.msg, "党员人数"));
  ch.party_members = -1;
  /* a blanked required field is named in Chinese, not by its key */
  ch.leader = "";
  assert_int_equal(hub_local_org_amend(f->street, &ch, NULL, &err), CM_ERR_INVALID);
  assert_string_equal(err.msg, "变更不能清空必填项「负责人」");
  ch.leader = "赵";
  assert_int_equal(hub_local_org_amend(f->street, &ch, NULL, &err), CM_OK);
  hub_local_org other = {.id = "120105001001-0001", .leader = "赵", .members = -1,
                         .party_members = -1, .party_station = -1};
  assert_int_equal(hub_local_org_amend(f->street, &other, NULL, &err), CM_ERR_NOT_FOUND);
  /* A criticism of a street-level organisation is closed by the street's
   * own rectification. */
  char crit[PROTO_KEY_HEX + 24];
  hub_decision cd = {HUB_DECIDE_CRITICIZE, id, NULL, soon, NULL, "活动太少"};
  assert_int_equal(hub_decide(f->street, &cd, "李", crit, sizeof crit, &err), CM_OK);
  assert_int_equal(hub_local_rectify(f->street, id, "x/1", "已整改", "李", NULL, &err),
                   CM_ERR_NOT_FOUND);
  assert_int_equal(hub_local_rectify(f->street, id, crit, "已整改", "李", NULL, &err), CM_OK);
  json_t *decs = NULL;
  assert_int_equal(hub_decisions_list(f->street, &decs, &err), CM_OK);
  assert_true(json_is_true(json_object_get(json_array_get(decs, 0), "closed")));
  json_decref(decs);
  assert_int_equal(hub_local_rectify(f->street, id, crit, "再次", "李", NULL, &err),
                   CM_ERR_NOT_FOUND);
  assert_int_equal(hub_local_org_dissolve(f->street, id, "", NULL, &err), CM_ERR_INVALID);
  assert_int_equal(hub_local_org_dissolve(f->street, id, "合并", NULL, &err), CM_OK);
  assert_int_equal(figure(f->street, "accepted", "organisations"), 1);
  assert_int_equal(hub_local_org_amend(f->street, &ch, NULL, &err), CM_ERR_NOT_FOUND);
}

static void test_rules(void **state) {
  (void)state;
  assert_true(cm_rules_name_ok("望海樓街青年志願者分會", "district-unit", CM_RULES_STREET));
  assert_true(cm_rules_name_ok("望海楼街青年志愿者分会", "district-unit", CM_RULES_STREET));
  assert_false(cm_rules_name_ok("青年志願者分會", "district-unit", CM_RULES_STREET));
  assert_false(cm_rules_name_ok("望海樓街青年志願者協會", "district-unit", CM_RULES_STREET));
  assert_true(cm_rules_name_ok("任何名字", "self", CM_RULES_STREET));
  assert_true(cm_rules_name_ok("建昌道社區老年工作站", "street", CM_RULES_COMMUNITY));
  assert_false(cm_rules_name_ok("建昌道社區老年協會", "street", CM_RULES_COMMUNITY));
  assert_true(cm_rules_station_ok(2, 0));
  assert_false(cm_rules_station_ok(3, 0));
  json_t *fl = cm_rules_flags("x", "district-unit", CM_RULES_STREET, 4, 1);
  assert_int_equal(json_array_size(fl), 1);
  assert_string_equal(json_string_value(json_array_get(fl, 0)), "name_norm");
  json_decref(fl);
  assert_true(cm_rules_deadline_ok("2026-12-04", "2026-12-03"));
  assert_false(cm_rules_deadline_ok("2026-12-03", "2026-12-03"));
  assert_false(cm_rules_deadline_ok("2026-11-30", "2026-12-03"));
  assert_true(cm_rules_commend_ok("accepted"));
  assert_true(cm_rules_commend_ok("pending"));
  assert_false(cm_rules_commend_ok("rejected"));
  assert_false(cm_rules_commend_ok("revoked"));
}

/* A commendation of an organisation whose filing was returned, or revoked, is
 * refused in words and nothing is written; a notice to it is still taken. */
static void test_commend_status(void **state) {
  fixture *f = *state;
  const char *k1[] = {"org.filed"};
  const char *b1[] = {ORG_BODY};
  int64_t ids[8];
  cm_err err;
  json_t *list = NULL;
  push(f, 1, k1, b1);
  assert_int_equal(pending(f->street, ids), 1);
  assert_int_equal(hub_review_reject(f->street, ids[0], "李", "名称有误", NULL, &err), CM_OK);
  hub_decision c = {HUB_DECIDE_COMMEND, "120105001001-0001", NULL, NULL, NULL, "活动出色"};
  assert_int_equal(hub_decide(f->street, &c, "李", NULL, 0, &err), CM_ERR_INVALID);
  assert_non_null(strstr(err.msg, "已退回，不能表彰"));
  char community[64];
  assert_int_equal(hub_decide_check(f->street, &c, community, sizeof community, &err),
                   CM_ERR_INVALID);
  hub_decision n = {HUB_DECIDE_NOTICE, "120105001001-0001", NULL, NULL, NULL, "请重新备案"};
  assert_int_equal(hub_decide(f->street, &n, "李", NULL, 0, &err), CM_OK);

  /* filed again and accepted: commended; then revoked: no longer */
  push(f, 1, k1, b1);
  assert_int_equal(pending(f->street, ids), 1);
  assert_int_equal(hub_review_accept(f->street, ids[0], "李", NULL, 0, NULL, &err), CM_OK);
  assert_int_equal(hub_decide(f->street, &c, "李", NULL, 0, &err), CM_OK);
  hub_decision r = {HUB_DECIDE_REVOKE, "120105001001-0001", NULL, NULL, NULL, "严重违规"};
  assert_int_equal(hub_decide(f->street, &r, "李", NULL, 0, &err), CM_OK);
  assert_int_equal(hub_decide(f->street, &c, "李", NULL, 0, &err), CM_ERR_INVALID);
  assert_non_null(strstr(err.msg, "已撤销，不能表彰"));
  assert_int_equal(hub_decisions_list(f->street, &list, &err), CM_OK);
  assert_int_equal(json_array_size(list), 3); /* notice, commendation, revocation */
  json_decref(list);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_accept_except, setup, teardown),
      cmocka_unit_test_setup_teardown(test_policy_locked_month, setup, teardown),
      cmocka_unit_test_setup_teardown(test_policy_ahead, setup, teardown),
      cmocka_unit_test_setup_teardown(test_facts_other_writer, setup, teardown),
      cmocka_unit_test_setup_teardown(test_district_does_not_review, setup, teardown),
      cmocka_unit_test_setup_teardown(test_decide_checks, setup, teardown),
      cmocka_unit_test_setup_teardown(test_activity_ack, setup, teardown),
      cmocka_unit_test_setup_teardown(test_relay, setup, teardown),
      cmocka_unit_test_setup_teardown(test_local_orgs, setup, teardown),
      cmocka_unit_test(test_rules),
      cmocka_unit_test_setup_teardown(test_commend_status, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
