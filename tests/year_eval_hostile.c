/* year_eval_hostile.c - evaluation and commendation (评比表彰) at a street hub,
 * through the real HTTP server on 127.0.0.1 port 0 with real signed
 * changesets: a hostile enrolled community tries the authority and bounds of
 * the nomination (about another community's organisation, in an unknown or a
 * closed round, without deeds, too long) and writes the kinds only hubs may
 * write (a round, its early close, a recommendation, a commendation); every
 * attempt is kept, refused with its reason and listed nowhere.  The victim's nomination of a
 * person is listed, the street recommends it once; the domain core refuses a
 * recommendation about a nomination the street did not receive from its own
 * communities.  A rebuild gives the same list. */
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

#include "common/records.h"
#include "hub/evaluation.h"
#include "hub/hublog.h"
#include "hub/project.h"
#include "hub/review.h"
#include "hub/store.h"
#include "hub_api_util.h"

#define NOW_MS 1799553600000ull /* 2027-01-10 12:00 Asia/Shanghai */
#define V_CODE "120105001001"
#define H_CODE "120105001002"
#define V_ORG V_CODE "-0001"
#define H_ORG H_CODE "-0001"

static t_street g;

static long push(t_log *lg) {
  return t_push(g.base, lg);
}

static void accept_all(hub_ctx *hub) {
  assert_int_equal(t_accept_all(hub), 0);
}

/* A round as the street holds one it relayed from the district (this hub's
 * own evaluation.round entry addressed to the community). */
static void add_round(hub_ctx *hub, const t_log *to, const char *round, const char *closes) {
  char hex[PROTO_KEY_HEX];
  cm_err err;
  proto_key_hex(to->kp.pk, hex);
  json_t *body = json_pack("{s:s,s:s,s:i,s:s,s:s,s:s}", "to", hex, "round", round, "year", 2026,
                           "title", "2026年度评比", "closes", closes, "by", "district");
  assert_non_null(body);
  assert_int_equal(hub_log_append(hub, "evaluation.round", body, NULL, &err), CM_OK);
  json_decref(body);
}

static int setup(void **state) {
  (void)state;
  return t_street_up(&g, NOW_MS, 2);
}

static int teardown(void **state) {
  (void)state;
  t_street_down(&g);
  return 0;
}

/* The records of the one batch waiting for review: each refused with a reason
 * holding why[i]. */
static void all_refused(hub_ctx *hub, const char *const *why, size_t n) {
  json_t *list = NULL, *batch = NULL;
  cm_err err;
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
    const char *reason = json_string_value(json_object_get(r, "reason"));
    if (!st || strcmp(st, "refused") != 0 || !reason || !strstr(reason, why[i]))
      fail_msg("attempt %zu: status %s, reason %s (expected one with %s)", i, st ? st : "-",
               reason ? reason : "-", why[i]);
  }
  json_decref(batch);
  json_decref(list);
}

static void test_nominations(void **state) {
  (void)state;
  hub_ctx *hub = NULL;
  json_t *l = NULL;
  cm_err err;
  char rec[PROTO_KEY_HEX + 24], vnom[PROTO_KEY_HEX + 24], long_text[CM_REC_TEXT_MAX + 8];
  char long_name[CM_REC_SHORT_MAX + 8], body[CM_REC_TEXT_MAX + 256];
  assert_int_equal(hub_open(g.dir, &hub, &err), CM_OK);
  assert_int_equal(t_log_org(&g.v, V_ORG, "建昌道社区夕阳红志愿队"), 0);
  assert_int_equal(push(&g.v), 200);
  assert_int_equal(t_log_org(&g.h, H_ORG, "铁东路社区读书会"), 0);
  assert_int_equal(push(&g.h), 200);
  accept_all(hub);
  add_round(hub, &g.v, "2026-1", "2027-01-31");
  add_round(hub, &g.h, "2026-1", "2027-01-31");
  add_round(hub, &g.h, "2026-2", "2027-01-05"); /* closed before today */

  memset(long_text, 'x', sizeof long_text - 1);
  long_text[sizeof long_text - 1] = '\0';
  memset(long_name, 'y', sizeof long_name - 1);
  long_name[sizeof long_name - 1] = '\0';
  struct {
    const char *kind, *body, *why;
  } att[] = {
      {"evaluation.nominated",
       "{\"round\":\"2026-1\",\"org\":\"" V_ORG "\",\"person\":\"王\",\"deeds\":\"d\"}", "不属于"},
      {"evaluation.nominated", "{\"round\":\"2026-9\",\"org\":\"" H_ORG "\",\"deeds\":\"d\"}",
       "没有评比"},
      {"evaluation.nominated", "{\"round\":\"2026-2\",\"org\":\"" H_ORG "\",\"deeds\":\"d\"}",
       "截止"},
      {"evaluation.nominated", "{\"round\":\"第一次\",\"org\":\"" H_ORG "\",\"deeds\":\"d\"}",
       "评比编号"},
      {"evaluation.nominated", "{\"round\":\"2026-1\",\"org\":\"" H_ORG "\",\"deeds\":\"\"}",
       "事迹"},
      {"evaluation.nominated", "{\"round\":\"2026-1\",\"org\":\"" H_CODE "-0009\",\"deeds\":\"d\"}",
       "未备案"},
      {"evaluation.nominated", NULL, "事迹"},     /* deeds over the bound */
      {"evaluation.nominated", NULL, "被提名人"}, /* person over the bound */
      {"evaluation.nominated", "[\"2026-1\"]", "JSON"},
      {"evaluation.round",
       "{\"round\":\"2026-3\",\"year\":2026,\"title\":\"t\",\"closes\":\"2027-12-31\"}", "上级"},
      /* closing the round for every other community: only the district may */
      {"evaluation.closed",
       "{\"round\":\"2026-1\",\"closed\":\"2027-01-01\",\"closed_ms\":1}", "上级"},
      {"evaluation.recommended", NULL, "上级"},
      {"decision.commend", "{\"org\":\"" H_ORG "\",\"person\":\"自己\",\"reason\":\"r\"}", "上级"},
  };
  size_t n = sizeof att / sizeof att[0];
  const char *why[sizeof att / sizeof att[0]];
  for (size_t i = 0; i < n; i++) {
    const char *b = att[i].body;
    if (!b && i == 6)
      snprintf(body, sizeof body, "{\"round\":\"2026-1\",\"org\":\"" H_ORG "\",\"deeds\":\"%s\"}",
               long_text);
    else if (!b && i == 7)
      snprintf(body, sizeof body,
               "{\"round\":\"2026-1\",\"org\":\"" H_ORG "\",\"person\":\"%s\",\"deeds\":\"d\"}",
               long_name);
    else if (!b)
      snprintf(body, sizeof body, "{\"nomination\":\"%064d/1\",\"opinion\":\"推荐\"}", 0);
    else
      snprintf(body, sizeof body, "%s", b);
    assert_int_equal(t_log_add(&g.h, att[i].kind, body), 0);
    why[i] = att[i].why;
  }
  assert_int_equal(push(&g.h), 200);
  all_refused(hub, why, n);
  accept_all(hub);
  assert_int_equal(hub_eval_nominations(hub, NULL, 0, &l, &err), CM_OK);
  assert_int_equal(json_array_size(l), 0);
  json_decref(l);

  /* The victim nominates a person of its organisation: listed, recommended once. */
  assert_int_equal(t_log_add(&g.v, "evaluation.nominated",
                             "{\"round\":\"2026-1\",\"org\":\"" V_ORG "\",\"person\":\"王秀英\","
                             "\"deeds\":\"十年照顾独居老人\"}"),
                   0);
  assert_int_equal(push(&g.v), 200);
  accept_all(hub);
  assert_int_equal(hub_eval_nominations(hub, "2026-1", 0, &l, &err), CM_OK);
  assert_int_equal(json_array_size(l), 1);
  json_t *x = json_array_get(l, 0);
  assert_string_equal(json_string_value(json_object_get(x, "person")), "王秀英");
  assert_string_equal(json_string_value(json_object_get(x, "status")), "nominated");
  assert_string_equal(json_string_value(json_object_get(x, "community")), "建昌道社区");
  snprintf(vnom, sizeof vnom, "%s", json_string_value(json_object_get(x, "record")));
  json_decref(l);
  assert_int_equal(hub_eval_recommend(hub, vnom, "", "李", rec, sizeof rec, &err), CM_ERR_INVALID);
  assert_int_equal(hub_eval_recommend(hub, "nonsense", "好", "李", rec, sizeof rec, &err),
                   CM_ERR_INVALID);
  assert_int_equal(hub_eval_recommend(hub, vnom, "事迹突出", "李", rec, sizeof rec, &err), CM_OK);
  assert_int_equal(hub_eval_recommend(hub, vnom, "再推荐", "李", rec, sizeof rec, &err),
                   CM_ERR_EXISTS);
  assert_int_equal(hub_eval_select(hub, vnom, "好", "李", rec, sizeof rec, &err), CM_ERR_PERM);
  /* A commendation this street writes itself, claiming to be the district's,
   * counts nowhere: only a record of the district's key does. */
  char vhex[PROTO_KEY_HEX];
  proto_key_hex(g.v.kp.pk, vhex);
  json_t *fake = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:i,s:s}", "to", vhex, "org", V_ORG,
                           "reason", "冒充", "by", "district", "round", "2026-1", "nomination",
                           vnom, "year", 2026, "person", "王秀英");
  assert_int_equal(hub_log_append(hub, "decision.commend", fake, NULL, &err), CM_OK);
  json_decref(fake);
  assert_int_equal(hub_eval_commendations(hub, 2026, &l, &err), CM_OK);
  assert_int_equal(json_array_size(l), 0);
  json_decref(l);
  json_t *before = NULL, *after = NULL;
  assert_int_equal(hub_eval_nominations(hub, NULL, 2026, &before, &err), CM_OK);
  assert_string_equal(json_string_value(json_object_get(json_array_get(before, 0), "status")),
                      "recommended");
  assert_int_equal(hub_rebuild(hub, &err), CM_OK);
  assert_int_equal(hub_eval_nominations(hub, NULL, 2026, &after, &err), CM_OK);
  assert_true(json_equal(before, after));
  json_decref(before);
  json_decref(after);
  hub_close(hub);
}

/* The street-written kind at the district: a recommendation about a
 * nomination the street did not receive from its own communities is refused
 * by the domain core; one the level cannot place is left to the list. */
static void test_recommend_authority(void **state) {
  (void)state;
  const cm_rec_def *def = cm_rec_find("evaluation.recommended");
  cm_rec_body b;
  cm_rec_ctx c;
  cm_err err;
  char body[256];
  snprintf(body, sizeof body, "{\"nomination\":\"%064d/7\",\"opinion\":\"推荐\"}", 0);
  json_t *j = json_loads(body, 0, NULL);
  assert_int_equal(cm_rec_read_json(def, j, &b, &err), CM_OK);
  memset(&c, 0, sizeof c);
  c.writer = CM_REC_STREET;
  c.nomination_of_author = 0;
  assert_int_equal(cm_rec_check(def, &b, &c, &err), CM_ERR_PERM);
  assert_non_null(strstr(err.msg, "不是本街道的社区"));
  c.nomination_of_author = -1;
  assert_int_equal(cm_rec_check(def, &b, &c, &err), CM_OK);
  c.nomination_of_author = 1;
  assert_int_equal(cm_rec_check(def, &b, &c, &err), CM_OK);
  c.writer = CM_REC_COMMUNITY;
  assert_int_equal(cm_rec_check(def, &b, &c, &err), CM_ERR_PERM);
  json_decref(j);
  j = json_loads("{\"nomination\":\"2026-1\",\"opinion\":\"推荐\"}", 0, NULL);
  assert_int_equal(cm_rec_read_json(def, j, &b, &err), CM_ERR_INVALID);
  json_decref(j);
}

int main(void) {
  const struct CMUnitTest tests[] = {cmocka_unit_test(test_nominations),
                                     cmocka_unit_test(test_recommend_authority)};
  return cmocka_run_group_tests(tests, setup, teardown);
}
