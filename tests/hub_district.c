/* hub_district.c - a street hub's forwarded bundle at the district: the street's
 * own log first teaches the district the community keys, every community entry
 * is verified against them, and order, strangers and forged enrolments are
 * refused.  Also the forward state (authors due, acknowledgements, rewind), the
 * district's feed to a street and the summary at both levels. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "hub/hublog.h"
#include "hub/ingest.h"
#include "hub/project.h"
#include "hub/review.h"
#include "hub/store.h"
#include "hub/summary.h"
#include "hub_testlib.h"
#include "protocol/bundle.h"
#include "protocol/feed.h"
#include "protocol/receipt.h"

typedef struct fixture {
  char *dir;
  hub_ctx *district, *street;
  tl_author c1, c2;
} fixture;

static int setup(void **state) {
  fixture *f = calloc(1, sizeof *f);
  tl_author s;
  if (!f) return -1;
  f->dir = tl_tmpdir();
  if (!f->dir) return -1;
  f->district = tl_hub(f->dir, "district", HUB_ROLE_DISTRICT, "河北區");
  f->street = tl_hub(f->dir, "street", HUB_ROLE_STREET, "光復道街");
  if (!f->district || !f->street) return -1;
  memset(&s, 0, sizeof s);
  s.kp = f->street->kp;
  if (tl_enroll(f->district, &s, "光復道街", NULL)) return -1;
  if (tl_author_new(&f->c1) || tl_author_new(&f->c2)) return -1;
  if (tl_enroll(f->street, &f->c1, "向陽社區", "120105001001") ||
      tl_enroll(f->street, &f->c2, "紅星社區", "120105001002"))
    return -1;
  *state = f;
  return 0;
}

static int teardown(void **state) {
  fixture *f = *state;
  hub_close(f->district);
  hub_close(f->street);
  tl_rmrf(f->dir);
  free(f->dir);
  free(f);
  return 0;
}

/* Push n entries with the given kinds/bodies of a to the street hub. */
static void push(fixture *f, tl_author *a, size_t n, const char *const *kinds,
                 const char *const *bodies) {
  uint8_t *cs = NULL, *b = NULL;
  size_t cslen = 0, blen = 0;
  assert_int_equal(tl_changeset(a, n, kinds, bodies, 0, &cs, &cslen), 0);
  assert_int_equal(tl_bundle(&cs, &cslen, 1, &b, &blen), 0);
  assert_int_equal(tl_ingest(f->street, b, blen, NULL), 200);
  free(cs);
  free(b);
}

/* What the street would forward of author after `after`. */
static void pending(fixture *f, const uint8_t *author, uint64_t after, uint8_t **b, size_t *len) {
  uint64_t last = 0;
  assert_int_equal(hub_forward_pending(f->street, author, after, 5000, 8u << 20, b, len, &last,
                                       NULL),
                   CM_OK);
}

static const char *const filed_kinds[] = {"org.filed", "report.monthly"};
static const char *const filed_bodies[] = {
  "{\"id\":\"120105001001-0001\",\"name\":\"夕陽紅志願隊\",\"category\":\"助老\","
  "\"leader\":\"李\",\"phone\":\"138\",\"members\":25,\"party_members\":3,"
  "\"party_station\":true,\"founded_by\":\"self\",\"scope\":\"\",\"venue\":\"\","
  "\"filed\":\"2026-03-01\",\"flags\":[]}",
  "{\"org\":\"120105001001-0001\",\"month\":\"2026-10\",\"activities\":4,\"participants\":120,"
  "\"party_participants\":6,\"content\":\"x\",\"scope\":\"\",\"good_deeds\":\"\"}"};

static void test_forwarded_bundle(void **state) {
  fixture *f = *state;
  uint8_t *own = NULL, *comm = NULL, *b = NULL;
  size_t ownlen = 0, commlen = 0, blen = 0;
  hub_ingest_result r;

  push(f, &f->c1, 2, filed_kinds, filed_bodies);

  /* The forward list: the street's own log first, then the community. */
  hub_fwd_author *list = NULL;
  size_t n = 0;
  assert_int_equal(hub_forward_authors(f->street, &list, &n, NULL), CM_OK);
  assert_int_equal(n, 2);
  assert_memory_equal(list[0].author, f->street->kp.pk, PROTO_KEY_BYTES);
  assert_int_equal(list[0].head_seq, 2); /* two enrolments */
  assert_memory_equal(list[1].author, f->c1.kp.pk, PROTO_KEY_BYTES);
  assert_int_equal(list[1].acked_seq, 0);
  free(list);

  pending(f, f->street->kp.pk, 0, &own, &ownlen);
  pending(f, f->c1.kp.pk, 0, &comm, &commlen);

  /* The community alone: the district does not know its key yet. */
  assert_int_equal(hub_ingest_bundle(f->district, comm, commlen, "test", &r, NULL), CM_ERR_PERM);
  assert_int_equal(r.http_status, 403);
  assert_memory_equal(r.author, f->c1.kp.pk, PROTO_KEY_BYTES);
  hub_ingest_result_free(&r);
  /* The community before the street's enrolment entries: refused too, and
   * nothing of the street's log is kept either. */
  assert_int_equal(tl_bundle_join(comm, commlen, own, ownlen, &b, &blen), 0);
  assert_int_equal(tl_ingest(f->district, b, blen, NULL), 403);
  assert_int_equal(tl_head(f->district, f->street->kp.pk), 0);
  free(b);

  /* The street's log first: accepted, every community entry verified against
   * the key the street's hub.enrolled entry taught the district. */
  assert_int_equal(tl_bundle_join(own, ownlen, comm, commlen, &b, &blen), 0);
  assert_int_equal(hub_ingest_bundle(f->district, b, blen, "test", &r, NULL), CM_OK);
  assert_int_equal(r.http_status, 200);
  assert_int_equal(r.stored, 4);
  assert_int_equal(r.n_receipts, 2);
  assert_int_equal(tl_head(f->district, f->c1.kp.pk), 2);

  /* The district's receipts acknowledge the street's forward. */
  for (size_t i = 0; i < r.n_receipts; i++) {
    proto_receipt rc;
    assert_int_equal(proto_receipt_decode(r.receipts[i].receipt, PROTO_RECEIPT_BYTES,
                                          f->district->kp.pk, &rc, NULL),
                     CM_OK);
    assert_int_equal(hub_forward_ack(f->street, &rc, r.receipts[i].receipt, NULL), CM_OK);
  }
  hub_ingest_result_free(&r);
  assert_int_equal(hub_forward_authors(f->street, &list, &n, NULL), CM_OK);
  assert_int_equal(n, 0);
  free(list);
  /* The district says it lost the community's log (restored from an old copy). */
  assert_int_equal(hub_forward_rewind(f->street, f->c1.kp.pk, 1, NULL), CM_OK);
  assert_int_equal(hub_forward_authors(f->street, &list, &n, NULL), CM_OK);
  assert_int_equal(n, 1);
  assert_int_equal(list[0].acked_seq, 1);
  free(list);

  /* The summary at both levels. */
  json_t *s = hub_summary(f->district, NULL);
  assert_non_null(s);
  json_t *p = json_object_get(s, "pending");
  assert_int_equal(json_integer_value(json_object_get(p, "organisations")), 1);
  assert_int_equal(json_integer_value(json_object_get(p, "reports")), 1);
  assert_int_equal(json_integer_value(json_object_get(p, "activities")), 4);
  assert_int_equal(json_integer_value(json_object_get(p, "participants")), 120);
  assert_int_equal(json_integer_value(json_object_get(p, "party_participants")), 6);
  assert_int_equal(
      json_integer_value(json_object_get(json_object_get(s, "accepted"), "organisations")), 0);
  json_t *streets = json_object_get(s, "streets");
  assert_int_equal(json_array_size(streets), 1);
  json_t *st0 = json_array_get(streets, 0);
  assert_string_equal(json_string_value(json_object_get(st0, "name")), "光復道街");
  json_t *comms = json_object_get(st0, "communities");
  assert_int_equal(json_array_size(comms), 2); /* c2 is enrolled, without records */
  json_t *cm0 = json_array_get(comms, 0);
  assert_string_equal(json_string_value(json_object_get(cm0, "code")), "120105001001");
  assert_int_equal(
      json_integer_value(json_object_get(json_object_get(cm0, "pending"), "participants")), 120);
  /* Counts only: no names of people, no phone numbers. */
  char *dump = json_dumps(s, JSON_COMPACT);
  assert_null(strstr(dump, "138"));
  assert_null(strstr(dump, "李"));
  free(dump);
  json_decref(s);

  json_t *ss = hub_summary(f->street, NULL);
  assert_non_null(ss);
  assert_int_equal(json_integer_value(json_object_get(json_object_get(ss, "pending"), "reports")),
                   1);
  assert_int_equal(json_array_size(json_object_get(ss, "streets")), 1);
  json_decref(ss);

  free(own);
  free(comm);
  free(b);
}

/* The status of organisation id at hub (its directory), as its row holds it. */
static void org_status_at(fixture *f, const char *hub, const char *id, char out[16]) {
  char path[4096], sql[160];
  sqlite3 *db = NULL;
  sqlite3_stmt *st = NULL;
  snprintf(path, sizeof path, "%s/%s/hub.db", f->dir, hub);
  snprintf(sql, sizeof sql, "SELECT status FROM organisations WHERE id = '%s'", id);
  assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
  assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
  assert_int_equal(sqlite3_step(st), SQLITE_ROW);
  snprintf(out, 16, "%s", (const char *)sqlite3_column_text(st, 0));
  sqlite3_finalize(st);
  sqlite3_close(db);
}

/* The street's review reaches the district before the entries it decided,
 * which then arrive in one push with a second filing of one organisation:
 * the organisation stays rejected (its newest decided version), though the
 * rejected version's status was still among the rows collected when the
 * second filing's row was written. */
static void test_review_before_its_entries(void **state) {
  fixture *f = *state;
  static const char *const kinds[] = {"org.filed", "org.filed"};
  static const char *const bodies[] = {
      "{\"id\":\"120105001001-0002\",\"name\":\"书画社\",\"category\":\"文体活动\","
      "\"leader\":\"王\",\"phone\":\"1\",\"members\":5,\"party_members\":0,"
      "\"party_station\":false,\"scope\":\"\",\"venue\":\"\",\"filed\":\"2026-03-01\"}",
      "{\"id\":\"120105001001-0003\",\"name\":\"合唱团\",\"category\":\"文体活动\","
      "\"leader\":\"赵\",\"phone\":\"1\",\"members\":5,\"party_members\":0,"
      "\"party_station\":false,\"scope\":\"\",\"venue\":\"\",\"filed\":\"2026-03-01\"}"};
  uint8_t *own = NULL, *comm = NULL, *b = NULL;
  size_t ownlen = 0, commlen = 0, blen = 0;
  cm_err err;
  char status[16];

  push(f, &f->c1, 2, kinds, bodies);
  assert_int_equal(hub_review_reject(f->street, tl_newest_batch(f->street), "李",
                                     "请补全后重新备案", NULL, &err),
                   CM_OK);
  push(f, &f->c1, 1, kinds + 1, bodies + 1); /* the second organisation filed again */
  org_status_at(f, "street", "120105001001-0003", status);
  assert_string_equal(status, "rejected");

  pending(f, f->street->kp.pk, 0, &own, &ownlen);
  pending(f, f->c1.kp.pk, 0, &comm, &commlen);
  assert_int_equal(tl_bundle_join(own, ownlen, comm, commlen, &b, &blen), 0);
  assert_int_equal(tl_ingest(f->district, b, blen, NULL), 200);
  org_status_at(f, "district", "120105001001-0002", status);
  assert_string_equal(status, "rejected");
  org_status_at(f, "district", "120105001001-0003", status);
  assert_string_equal(status, "rejected");
  /* the whole rule over the community again: the same */
  assert_int_equal(hub_store_org_status_refresh(f->district->store, f->c1.kp.pk, &err), CM_OK);
  org_status_at(f, "district", "120105001001-0003", status);
  assert_string_equal(status, "rejected");
  free(own);
  free(comm);
  free(b);
}

/* A replacement key (a lost PC): the street enrols it for the same code,
 * revoking the old key; its amendment of what the old key filed reaches the
 * district only after every valid entry of the old key, and the summary
 * counts the community once. */
static void test_replacement_key(void **state) {
  fixture *f = *state;
  tl_author r;
  uint8_t *own = NULL, *old = NULL, *rep = NULL;
  size_t ownlen = 0, oldlen = 0, replen = 0;
  uint64_t valid = 0, seq = 0;
  static const char *const amend_kind[] = {"org.amended"};
  static const char *const amend_body[] = {
      "{\"id\":\"120105001001-0001\",\"changes\":{\"members\":30}}"};
  cm_err err;
  cm_err_clear(&err);

  push(f, &f->c1, 2, filed_kinds, filed_bodies);
  assert_int_equal(tl_author_new(&r), 0);
  /* another code, or a key the street did not enrol: refused */
  assert_int_equal(hub_enroll_replacing(f->street, r.kp.pk, "向陽社區", "120105001002",
                                        f->c1.kp.pk, &valid, &seq, &err),
                   CM_ERR_INVALID);
  assert_int_equal(hub_enroll_replacing(f->street, r.kp.pk, "向陽社區", "120105001001",
                                        f->district->kp.pk, &valid, &seq, &err),
                   CM_ERR_NOT_FOUND);
  assert_int_equal(hub_enroll_replacing(f->street, r.kp.pk, "向陽社區", "120105001001",
                                        f->c1.kp.pk, &valid, &seq, &err),
                   CM_OK);
  assert_int_equal(valid, 2);
  push(f, &r, 1, amend_kind, amend_body);
  assert_int_equal(tl_head(f->street, r.kp.pk), 1);

  pending(f, f->street->kp.pk, 0, &own, &ownlen);
  pending(f, f->c1.kp.pk, 0, &old, &oldlen);
  pending(f, r.kp.pk, 0, &rep, &replen);
  assert_int_equal(tl_ingest(f->district, own, ownlen, NULL), 200);
  /* before the old key's entries: refused, nothing kept */
  assert_int_equal(tl_ingest(f->district, rep, replen, NULL), 403);
  assert_int_equal(tl_head(f->district, r.kp.pk), 0);
  assert_int_equal(tl_ingest(f->district, old, oldlen, NULL), 200);
  assert_int_equal(tl_ingest(f->district, rep, replen, NULL), 200);
  assert_int_equal(tl_head(f->district, r.kp.pk), 1);

  /* one row for the community, under the new key, with the old key's records */
  json_t *s = hub_summary(f->district, NULL);
  assert_non_null(s);
  json_t *comms = json_object_get(json_array_get(json_object_get(s, "streets"), 0), "communities");
  assert_int_equal(json_array_size(comms), 2); /* 001 once, and 002 */
  json_t *p = json_object_get(json_array_get(comms, 0), "pending");
  assert_int_equal(json_integer_value(json_object_get(p, "organisations")), 1);
  assert_int_equal(json_integer_value(json_object_get(p, "reports")), 1);
  /* rebuild gives the same */
  char *before = json_dumps(s, JSON_COMPACT | JSON_SORT_KEYS);
  assert_int_equal(hub_rebuild(f->district, NULL), CM_OK);
  json_decref(s);
  s = hub_summary(f->district, NULL);
  char *after = json_dumps(s, JSON_COMPACT | JSON_SORT_KEYS);
  assert_string_equal(before, after);
  free(before);
  free(after);
  json_decref(s);
  free(own);
  free(old);
  free(rep);
}

static void test_stranger_street_and_forged_enrolment(void **state) {
  fixture *f = *state;
  uint8_t *own = NULL, *comm = NULL, *b = NULL;
  size_t ownlen = 0, commlen = 0, blen = 0;

  /* c1 writes a "hub.enrolled" entry of its own for a key x: a community may
   * not enrol anyone, so x stays unknown at the district. */
  tl_author x;
  assert_int_equal(tl_author_new(&x), 0);
  char hex[PROTO_KEY_HEX], body[400];
  proto_key_hex(x.kp.pk, hex);
  snprintf(body, sizeof body,
           "{\"key\":\"%s\",\"name\":\"假社區\",\"code\":\"120105001099\",\"role\":\"community\","
           "\"street\":\"光復道街\"}",
           hex);
  const char *kinds[] = {"hub.enrolled"};
  const char *bodies[] = {body};
  push(f, &f->c1, 1, kinds, bodies);
  pending(f, f->street->kp.pk, 0, &own, &ownlen);
  pending(f, f->c1.kp.pk, 0, &comm, &commlen);
  assert_int_equal(tl_bundle_join(own, ownlen, comm, commlen, &b, &blen), 0);
  assert_int_equal(tl_ingest(f->district, b, blen, NULL), 200);
  free(b);
  hub_key_state ks;
  assert_int_equal(hub_key_status(f->district, x.kp.pk, &ks, NULL), CM_OK);
  assert_int_equal(ks, HUB_KEY_UNKNOWN);
  uint8_t *cs = NULL;
  size_t cslen = 0;
  assert_int_equal(tl_changeset(&x, 1, NULL, NULL, 0, &cs, &cslen), 0);
  assert_int_equal(tl_bundle(&cs, &cslen, 1, &b, &blen), 0);
  assert_int_equal(tl_ingest(f->district, b, blen, NULL), 403);
  free(b);
  free(cs);
  /* Nor does it at the street. */
  assert_int_equal(hub_key_status(f->street, x.kp.pk, &ks, NULL), CM_OK);
  assert_int_equal(ks, HUB_KEY_UNKNOWN);

  /* A street hub the district never enrolled: its log and its communities
   * are refused. */
  hub_ctx *other = tl_hub(f->dir, "other", HUB_ROLE_STREET, "王串場街");
  assert_non_null(other);
  tl_author oc;
  assert_int_equal(tl_author_new(&oc), 0);
  assert_int_equal(tl_enroll(other, &oc, "某社區", "120105002001"), 0);
  uint8_t *oown = NULL;
  size_t oownlen = 0;
  uint64_t last = 0;
  assert_int_equal(hub_forward_pending(other, other->kp.pk, 0, 0, 0, &oown, &oownlen, &last, NULL),
                   CM_OK);
  assert_int_equal(last, 1);
  assert_int_equal(tl_ingest(f->district, oown, oownlen, NULL), 403);
  free(oown);
  hub_close(other);

  /* The street's enrolments are in the district's registry now. */
  assert_int_equal(hub_key_status(f->district, f->c2.kp.pk, &ks, NULL), CM_OK);
  assert_int_equal(ks, HUB_KEY_ENROLLED);
  free(own);
  free(comm);
}

static void test_district_feed(void **state) {
  fixture *f = *state;
  uint8_t *feed = NULL;
  size_t flen = 0;
  proto_feed_item *items = NULL;
  size_t n = 0;
  uint64_t next = 0;

  /* The district's own log: the street's enrolment plus one decision for a
   * community of that street (relayed by the street) and one for nobody. */
  char hex[PROTO_KEY_HEX];
  proto_key_hex(f->c1.kp.pk, hex);
  json_t *d = json_pack("{s:s, s:s}", "to", hex, "text", "表揚");
  assert_int_equal(hub_log_append(f->district, "decision.commend", d, NULL, NULL), CM_OK);
  json_decref(d);
  d = json_pack("{s:s}", "text", "通知");
  assert_int_equal(hub_log_append(f->district, "decision.notice", d, NULL, NULL), CM_OK);
  json_decref(d);
  /* The district must know c1 as the street's community first. */
  uint8_t *own = NULL;
  size_t ownlen = 0;
  pending(f, f->street->kp.pk, 0, &own, &ownlen);
  assert_int_equal(tl_ingest(f->district, own, ownlen, NULL), 200);
  free(own);

  assert_int_equal(hub_feed(f->district, f->street->kp.pk, 0, 0, &feed, &flen, NULL), CM_OK);
  assert_int_equal(proto_feed_decode(feed, flen, f->district->kp.pk, &items, &n, &next, NULL),
                   CM_OK);
  assert_int_equal(n, 2);
  assert_string_equal(items[0].entry.kind, "hub.enrolled");
  assert_string_equal(items[1].entry.kind, "decision.commend");
  assert_int_equal(next, items[1].cursor);

  /* The street keeps the district's feed items and the cursor. */
  assert_int_equal(hub_upstream_feed_store(f->street, items, n, next, NULL), CM_OK);
  assert_int_equal(hub_upstream_feed_store(f->street, items, n, next, NULL), CM_OK);
  uint64_t cur = 0;
  assert_int_equal(hub_upstream_cursor(f->street, &cur, NULL), CM_OK);
  assert_int_equal(cur, next);
  free(items);
  free(feed);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_forwarded_bundle, setup, teardown),
      cmocka_unit_test_setup_teardown(test_review_before_its_entries, setup, teardown),
      cmocka_unit_test_setup_teardown(test_replacement_key, setup, teardown),
      cmocka_unit_test_setup_teardown(test_stranger_street_and_forged_enrolment, setup, teardown),
      cmocka_unit_test_setup_teardown(test_district_feed, setup, teardown),
  };
  return cmocka_run_group_tests_name("hub_district", tests, NULL, NULL);
}
