/* people_hostile.c - rosters, pledges, residents' feedback and funding at a
 * street hub, through the real HTTP server on 127.0.0.1 port 0 with real
 * signed changesets: a hostile enrolled community tries each kind about
 * another community's organisation and out of each bound; every attempt is
 * kept but refused with its reason and counted nowhere.  The victim's roster
 * counts (its names open at the street, a box sealed to another key shows no
 * name), and a rebuild gives the same answer. */
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

#include "common/personal.h"
#include "hub/dashboard.h"
#include "hub/project.h"
#include "hub/review.h"
#include "hub_api_util.h"

#define NOW_MS 1802138400000ull /* 2027-02-09 10:00 Asia/Shanghai */
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

/* {"street","community"} boxes of {key: name} sealed to street and to
 * community's key ({"community"} alone when street is NULL; {"street"} alone
 * when community is NULL), as JSON text (static). */
static const char *sealed_as(const char *key, const uint8_t *street, const uint8_t *community,
                             const char *name) {
  static char text[8][4096];
  static unsigned k;
  json_t *who = json_pack("{s:s}", key, name), *s = NULL;
  cm_err err;
  assert_int_equal(
      cm_personal_seal(who, street, community ? community : street, &s, &err), CM_OK);
  if (!community) json_object_del(s, "community");
  char *dump = json_dumps(s, JSON_COMPACT);
  char *t = text[k++ % 8];
  snprintf(t, sizeof text[0], "%s", dump);
  free(dump);
  json_decref(s);
  json_decref(who);
  return t;
}

static const char *sealed(const uint8_t *street, const uint8_t *community, const char *name) {
  return sealed_as("name", street, community, name);
}

/* A feedback body of org numbered id received on 2027-01-01 (static, one of 8). */
static const char *feedback(const char *id, const char *org, const char *seal) {
  static char bufs[8][8192];
  static unsigned k;
  char *b = bufs[k++ % 8];
  snprintf(b, sizeof bufs[0],
           "{\"id\":\"%s\",\"org\":\"%s\",\"type\":\"complaint\",\"content\":\"吵\","
           "\"received\":\"2027-01-01\",\"status\":\"received\"%s%s}",
           id, org, seal ? ",\"sealed\":" : "", seal ? seal : "");
  return b;
}

/* A roster body (static, one of 32). */
static const char *roster(const char *org, int member, const char *action, const char *joined,
                          const char *extra, const char *seal) {
  static char bufs[32][8192];
  static unsigned k;
  char *b = bufs[k++ % 32];
  snprintf(b, sizeof bufs[0],
           "{\"org\":\"%s\",\"action\":\"%s\",\"party_member\":true,"
           "\"joined\":\"%s\",\"member\":%d%s%s%s}",
           org, action, joined, member, extra, seal ? ",\"sealed\":" : "", seal ? seal : "");
  return b;
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

/* The street's answer for one organisation (new reference). */
static json_t *org_answer(hub_ctx *hub, const char *org) {
  hub_dash_scope scope;
  hub_dash_params p;
  json_t *j = NULL;
  cm_err err;
  memset(&scope, 0, sizeof scope);
  memset(&p, 0, sizeof p);
  p.org = org;
  assert_int_equal(hub_dashboard_answer(hub, "org", &scope, &p, NOW_MS, &j, &err), CM_OK);
  return j;
}

static long long count(const json_t *j, const char *key) {
  return (long long)json_integer_value(json_object_get(json_object_get(j, "roster_counts"), key));
}

static void test_people(void **state) {
  (void)state;
  hub_ctx *hub = NULL;
  cm_err err;
  assert_int_equal(hub_open(g.dir, &hub, &err), CM_OK);
  assert_int_equal(t_log_org(&g.v, V_ORG, "建昌道社区夕阳红志愿队"), 0);
  assert_int_equal(push(&g.v), 200);
  assert_int_equal(t_log_org(&g.h, H_ORG, "铁东路社区读书会"), 0);
  assert_int_equal(push(&g.h), 200);
  accept_all(hub);

  /* An organisation filed in the same push as its roster: the roster gives
   * its members from that push on, before any review (what the push's
   * filing learned of its community is forgotten once a roster entry is
   * stored). */
  assert_int_equal(t_log_org(&g.v, V_CODE "-0002", "建昌道社区合唱团"), 0);
  assert_int_equal(t_log_add(&g.v, "roster.entry",
                             roster(V_CODE "-0002", 1, "join", "2026-03-01", "",
                                    sealed(g.street, g.v.kp.pk, "上官红"))),
                   0);
  assert_int_equal(push(&g.v), 200);
  hub_dash_scope scope;
  hub_dash_params p;
  json_t *h1 = NULL, *h2 = NULL, *o;
  size_t k;
  int seen = 0;
  memset(&scope, 0, sizeof scope);
  memset(&p, 0, sizeof p);
  assert_int_equal(hub_dashboard_answer(hub, "hierarchy", &scope, &p, NOW_MS, &h1, &err), CM_OK);
  json_array_foreach(json_object_get(h1, "organisations"), k, o) {
    if (strcmp(json_string_value(json_object_get(o, "id")), V_CODE "-0002") != 0) continue;
    assert_int_equal(json_integer_value(json_object_get(o, "members")), 1);
    seen = 1;
  }
  assert_true(seen);
  json_decref(h1);
  accept_all(hub);

  const char *ok = sealed(g.street, g.h.kp.pk, "某某");
  struct {
    const char *kind, *body, *why;
  } att[] = {
      /* roster.entry */
      {"roster.entry", roster(V_ORG, 1, "join", "2026-03-01", "", ok), "不属于"},
      {"roster.entry", roster(H_CODE "-0009", 1, "join", "2026-03-01", "", ok), "未备案"},
      {"roster.entry", roster(H_ORG, 0, "join", "2026-03-01", "", ok), "成员编号"},
      {"roster.entry", roster(H_ORG, 100001, "join", "2026-03-01", "", ok), "成员编号"},
      {"roster.entry", roster(H_ORG, 1, "promote", "2026-03-01", "", ok), "变动"},
      {"roster.entry", roster(H_ORG, 1, "join", "2027-03-01", "", ok), "加入日期"},
      {"roster.entry", roster(H_ORG, 1, "join", "1999-12-31", "", ok), "加入日期"},
      {"roster.entry", roster(H_ORG, 1, "leave", "2026-03-01", "", ok), "退出日期"},
      {"roster.entry", roster(H_ORG, 1, "leave", "2026-03-01", ",\"left\":\"2026-01-01\"", ok),
       "早于"},
      {"roster.entry", roster(H_ORG, 1, "join", "2026-03-01", ",\"left\":\"2026-04-01\"", ok),
       "只有退出"},
      {"roster.entry",
       roster(H_ORG, 1, "join", "2026-03-01", ",\"leader\":true", ok),
       "负责人变更原因"},
      {"roster.entry", roster(H_ORG, 1, "join", "2026-03-01", "", NULL), "密封"},
      {"roster.entry",
       roster(H_ORG, 1, "join", "2026-03-01", "", "{\"street\":\"AAAA\",\"community\":\"AAAA\"}"),
       "密封"},
      {"roster.entry", roster(H_ORG, 1, "join", "2026-03-01", "", "{\"street\":\"x\"}"), "密封"},
      /* a roster's names open at the street too: a community box alone is refused */
      {"roster.entry", roster(H_ORG, 1, "join", "2026-03-01", "", sealed(NULL, g.h.kp.pk, "某某")),
       "密封"},
      /* pledge.set */
      {"pledge.set", "{\"org\":\"" V_ORG "\",\"pledge\":\"守信\"}", "不属于"},
      {"pledge.set", "{\"org\":\"" H_ORG "\",\"rules\":\"例会\"}", "服务承诺"},
      {"pledge.set", "{\"org\":\"" H_ORG "\",\"pledge\":7}", "服务承诺"},
      /* feedback.recorded */
      {"feedback.recorded",
       "{\"id\":\"" V_CODE "-F0001\",\"org\":\"" H_ORG "\",\"type\":\"complaint\","
       "\"content\":\"吵\",\"received\":\"2027-01-01\",\"status\":\"received\"}",
       "不属于"},
      {"feedback.recorded",
       "{\"id\":\"" H_CODE "-F0001\",\"org\":\"" V_ORG "\",\"type\":\"complaint\","
       "\"content\":\"吵\",\"received\":\"2027-01-01\",\"status\":\"received\"}",
       "不属于"},
      {"feedback.recorded",
       "{\"id\":\"" H_CODE "-F0001\",\"org\":\"" H_ORG "\",\"type\":\"praise\","
       "\"content\":\"吵\",\"received\":\"2027-01-01\",\"status\":\"received\"}",
       "类型"},
      {"feedback.recorded",
       "{\"id\":\"" H_CODE "-F0001\",\"org\":\"" H_ORG "\",\"type\":\"complaint\","
       "\"content\":\"吵\",\"received\":\"2027-03-01\",\"status\":\"received\"}",
       "收到日期"},
      {"feedback.recorded",
       "{\"id\":\"" H_CODE "-F0001\",\"org\":\"" H_ORG "\",\"type\":\"complaint\","
       "\"content\":\"吵\",\"received\":\"2027-01-01\",\"status\":\"handled\"}",
       "办理日期"},
      {"feedback.recorded",
       "{\"id\":\"" H_CODE "-F0001\",\"org\":\"" H_ORG "\",\"type\":\"complaint\","
       "\"content\":\"吵\",\"received\":\"2027-01-01\",\"status\":\"handled\","
       "\"handled\":\"2026-12-01\",\"result\":\"好\"}",
       "早于"},
      {"feedback.recorded",
       "{\"id\":\"" H_CODE "-F0001\",\"org\":\"" H_ORG "\",\"type\":\"complaint\","
       "\"content\":\"吵\",\"received\":\"2027-01-01\",\"status\":\"done\"}",
       "办理情况"},
      {"feedback.recorded",
       "{\"id\":\"" H_CODE "-F0001\",\"org\":\"" H_ORG "\",\"type\":\"complaint\","
       "\"content\":\"\",\"received\":\"2027-01-01\",\"status\":\"received\"}",
       "意见内容"},
      /* the resident: the community's box, an older entry's street box beside it at most */
      {"feedback.recorded", feedback(H_CODE "-F0001", H_ORG, sealed(g.street, NULL, "某某")),
       "密封"},
      {"feedback.recorded", feedback(H_CODE "-F0001", H_ORG, "{\"community\":\"AAAA\"}"),
       "密封"},
      {"feedback.recorded", feedback(V_CODE "-F0001", V_ORG, sealed(NULL, g.h.kp.pk, "某某")),
       "不属于"},
      /* feedback.due: the district's alone */
      {"feedback.due", "{\"days\":60,\"operator\":\"某某\"}", "上级"},
      /* funding.received */
      {"funding.received",
       "{\"org\":\"" V_ORG "\",\"source\":\"区\",\"amount\":100,\"year\":2026}", "不属于"},
      {"funding.received", "{\"org\":\"" H_ORG "\",\"source\":\"区\",\"amount\":0,\"year\":2026}",
       "金额"},
      {"funding.received",
       "{\"org\":\"" H_ORG "\",\"source\":\"区\",\"amount\":100000000001,\"year\":2026}", "金额"},
      {"funding.received",
       "{\"org\":\"" H_ORG "\",\"source\":\"区\",\"amount\":-5,\"year\":2026}", "金额"},
      {"funding.received",
       "{\"org\":\"" H_ORG "\",\"source\":\"区\",\"amount\":100,\"year\":2028}", "未来年度"},
      {"funding.received",
       "{\"org\":\"" H_ORG "\",\"source\":\"区\",\"amount\":100,\"year\":2025}", "备案年份"},
      {"funding.received",
       "{\"org\":\"" H_ORG "\",\"source\":\"区\",\"amount\":100,\"year\":2026,"
       "\"date\":\"2025-06-01\"}",
       "不在"},
      {"funding.received", "{\"org\":\"" H_ORG "\",\"amount\":100,\"year\":2026}", "资金来源"},
  };
  size_t n = sizeof att / sizeof att[0];
  for (size_t i = 0; i < n; i++) assert_int_equal(t_log_add(&g.h, att[i].kind, att[i].body), 0);
  assert_int_equal(push(&g.h), 200);

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
  accept_all(hub);

  /* Nothing of it counts: no roster, the filed counts, no pledge, feedback
   * or funding, for either organisation. */
  const char *orgs[] = {H_ORG, V_ORG};
  for (size_t i = 0; i < 2; i++) {
    json_t *j = org_answer(hub, orgs[i]);
    assert_false(json_is_true(json_object_get(json_object_get(j, "roster_counts"), "roster")));
    assert_int_equal(json_integer_value(json_object_get(json_object_get(j, "filing"), "members")),
                     20);
    assert_true(json_is_null(json_object_get(j, "pledge")));
    assert_int_equal(json_array_size(json_object_get(j, "feedback")), 0);
    assert_int_equal(json_array_size(json_object_get(j, "funding")), 0);
    json_decref(j);
  }

  /* The victim's roster: two members (one sealed to a key the street does
   * not hold), one leaves; counts from the roster, names where they open. */
  t_log other;
  assert_int_equal(t_log_new(&other), 0);
  assert_int_equal(t_log_add(&g.v, "roster.entry",
                             roster(V_ORG, 1, "join", "2026-03-01", "",
                                    sealed(g.street, g.v.kp.pk, "欧阳铁柱"))),
                   0);
  assert_int_equal(t_log_add(&g.v, "roster.entry",
                             roster(V_ORG, 2, "join", "2026-03-01", "",
                                    sealed(other.kp.pk, g.v.kp.pk, "司马秀兰"))),
                   0);
  assert_int_equal(t_log_add(&g.v, "roster.entry",
                             roster(V_ORG, 3, "join", "2026-03-01", "",
                                    sealed(g.street, g.v.kp.pk, "上官明远"))),
                   0);
  assert_int_equal(t_log_add(&g.v, "roster.entry",
                             roster(V_ORG, 3, "leave", "2026-03-01", ",\"left\":\"2027-01-01\"",
                                    sealed(g.street, g.v.kp.pk, "上官明远"))),
                   0);
  assert_int_equal(push(&g.v), 200);
  t_log_clear(&other);
  /* Two residents' feedback: one sealed to the community alone, one as
   * written before (a box for the street beside it): both count, and the
   * street opens neither. */
  assert_int_equal(t_log_add(&g.v, "feedback.recorded",
                             feedback(V_CODE "-F0001", V_ORG,
                                      sealed_as("from", NULL, g.v.kp.pk, "公孙大爷"))),
                   0);
  assert_int_equal(t_log_add(&g.v, "feedback.recorded",
                             feedback(V_CODE "-F0002", V_ORG,
                                      sealed_as("from", g.street, g.v.kp.pk, "诸葛大妈"))),
                   0);
  assert_int_equal(push(&g.v), 200);
  accept_all(hub);
  json_t *j = org_answer(hub, V_ORG);
  json_t *fb = json_object_get(j, "feedback");
  assert_int_equal(json_array_size(fb), 2);
  for (size_t f = 0; f < 2; f++) assert_null(json_object_get(json_array_get(fb, f), "from"));
  char *dump = json_dumps(j, 0);
  assert_null(strstr(dump, "诸葛大妈"));
  assert_null(strstr(dump, "公孙大爷"));
  free(dump);
  assert_int_equal(count(j, "members"), 2);
  assert_int_equal(count(j, "party_members"), 2);
  assert_int_equal(count(j, "left"), 1);
  json_t *r = json_object_get(j, "roster");
  assert_int_equal(json_array_size(r), 3);
  assert_string_equal(json_string_value(json_object_get(json_array_get(r, 0), "name")), "欧阳铁柱");
  assert_string_equal(json_string_value(json_object_get(json_array_get(r, 1), "name")), "");
  assert_false(json_is_true(json_object_get(json_array_get(r, 2), "current")));

  /* The organisation's members in the figures are the roster's; rebuild agrees. */
  assert_int_equal(hub_dashboard_answer(hub, "hierarchy", &scope, &p, NOW_MS, &h1, &err), CM_OK);
  seen = 0;
  json_array_foreach(json_object_get(h1, "organisations"), k, o) {
    if (strcmp(json_string_value(json_object_get(o, "id")), V_ORG) != 0) continue;
    assert_int_equal(json_integer_value(json_object_get(o, "members")), 2);
    seen = 1;
  }
  assert_true(seen);
  assert_int_equal(hub_rebuild(hub, &err), CM_OK);
  assert_int_equal(hub_dashboard_answer(hub, "hierarchy", &scope, &p, NOW_MS, &h2, &err), CM_OK);
  assert_true(json_equal(h1, h2));
  json_t *j2 = org_answer(hub, V_ORG);
  assert_true(json_equal(j, j2));
  json_decref(j);
  json_decref(j2);
  json_decref(h1);
  json_decref(h2);

  hub_close(hub);
}

int main(void) {
  const struct CMUnitTest tests[] = {cmocka_unit_test(test_people)};
  return cmocka_run_group_tests(tests, setup, teardown);
}
