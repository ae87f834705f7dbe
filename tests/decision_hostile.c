/* decision_hostile.c - who may write a decision, at a district hub, through
 * the real HTTP server on 127.0.0.1 port 0 with real signed changesets: a
 * hostile enrolled street hub writes decisions that claim the district's
 * level ("by": "district", without or with a forged origin), a decision to
 * another street's community, one addressed to no community about another
 * street's organisation, one of a level that is neither, and an honest
 * street decision to its own community.  The domain core keeps each hostile
 * one refused with its reason and projects it nowhere; the honest one is
 * projected as the street's.  A rebuild gives the same decisions. */
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
#include "hub/project.h"
#include "hub/store.h"
#include "hub_api_util.h"

#define NOW_MS 1799553600000ull /* 2027-01-10 12:00 Asia/Shanghai */
#define A_CODE "120105001001"
#define B_CODE "120105002001"

static struct {
  t_tmp tmp;
  char dir[512];
  hub_server *srv;
  char base[128];
  t_log sa, sb; /* the hostile street A and the honest street B */
  t_log ca, cb; /* a community of each (keys only) */
  char ca_hex[PROTO_KEY_HEX], cb_hex[PROTO_KEY_HEX];
} g;

static int setup(void **state) {
  (void)state;
  char now[32];
  memset(&g, 0, sizeof g);
  snprintf(now, sizeof now, "%llu", NOW_MS);
  setenv("LINLI_FAKE_NOW_MS", now, 1);
  if (cm_client_global_init() != CM_OK || t_tmp_new(&g.tmp)) return -1;
  snprintf(g.dir, sizeof g.dir, "%s/district", g.tmp.path);
  if (t_hub_init(g.dir, HUB_ROLE_DISTRICT, "河北区协会", NULL, NULL, NULL)) return -1;
  if (t_log_new(&g.sa) || t_log_new(&g.sb) || t_log_new(&g.ca) || t_log_new(&g.cb)) return -1;
  g.sa.time_ms = g.sb.time_ms = NOW_MS - 3600000;
  if (t_hub_enroll(g.dir, g.sa.kp.pk, "望海楼街", "") ||
      t_hub_enroll(g.dir, g.sb.kp.pk, "铁东路街", ""))
    return -1;
  proto_key_hex(g.ca.kp.pk, g.ca_hex);
  proto_key_hex(g.cb.kp.pk, g.cb_hex);
  cm_err err;
  if (hub_server_start(g.dir, "127.0.0.1:0", NULL, NULL, &g.srv, &err) != CM_OK) return -1;
  t_base(g.srv, g.base, sizeof g.base);
  return 0;
}

static int teardown(void **state) {
  (void)state;
  hub_server_stop(g.srv);
  t_log_clear(&g.sa);
  t_log_clear(&g.sb);
  t_tmp_free(&g.tmp);
  return 0;
}

/* Queue street lg's enrolment of community hex (name, code). */
static void enrol(t_log *lg, const char *hex, const char *name, const char *code) {
  char body[512];
  snprintf(body, sizeof body,
           "{\"key\":\"%s\",\"name\":\"%s\",\"code\":\"%s\",\"role\":\"community\"}", hex, name,
           code);
  assert_int_equal(t_log_add(lg, "hub.enrolled", body), 0);
}

/* Queue a decision of kind to community hex about org, stating level by
 * (NULL: none) and extra fields (",\"k\":v" or ""). */
static void decide(t_log *lg, const char *kind, const char *hex, const char *org, const char *by,
                   const char *extra) {
  char body[1024], byf[64] = "";
  if (by) snprintf(byf, sizeof byf, ",\"by\":\"%s\"", by);
  snprintf(body, sizeof body,
           "{\"to\":\"%s\",\"org\":\"%s\",\"community\":\"\",\"reason\":\"测试\",\"deadline\":"
           "\"\",\"result\":\"\",\"operator\":\"李\"%s%s}",
           hex, org, byf, extra);
  assert_int_equal(t_log_add(lg, kind, body), 0);
}

/* The refusal reason of entry seq of author ("" when it was not refused). */
static void refusal(hub_ctx *hub, const t_log *lg, uint64_t seq, char *out, size_t cap) {
  char kind[PROTO_KIND_MAX + 1];
  uint8_t *body = NULL;
  size_t len = 0;
  int found = 0;
  cm_err err;
  assert_int_equal(hub_store_entry_body(hub->store, lg->kp.pk, seq, kind, &body, &len, out, cap,
                                        &found, &err),
                   CM_OK);
  assert_true(found);
  free(body);
}

/* Every decision the district projected, "by_level|org" per line. */
typedef struct dec_list {
  char text[4096];
} dec_list;

static cm_rc collect(void *ctx, const hub_dash_row *row, cm_err *err) {
  dec_list *l = ctx;
  (void)err;
  size_t n = strlen(l->text);
  snprintf(l->text + n, sizeof l->text - n, "%s|%s\n", row->decision.by_level,
           row->decision.org);
  return CM_OK;
}

static void decisions(hub_ctx *hub, dec_list *out) {
  cm_err err;
  out->text[0] = '\0';
  assert_int_equal(hub_store_dash_rows(hub->store, HUB_DQ_DECISIONS, NULL, 0, collect, out, &err),
                   CM_OK);
}

static void test_street_claims_district(void **state) {
  (void)state;
  /* Street B enrols its community; street A its own. */
  enrol(&g.sb, g.cb_hex, "铁东路社区", B_CODE);
  assert_int_equal(t_push(g.base, &g.sb), 200);
  enrol(&g.sa, g.ca_hex, "建昌道社区", A_CODE);
  /* 2: a commendation in the district's name, no origin at all */
  decide(&g.sa, "decision.commend", g.ca_hex, A_CODE "-0001", "district", "");
  /* 3: the same with a forged origin (not the district's signed entry) */
  decide(&g.sa, "decision.revoke", g.ca_hex, A_CODE "-0001", "district",
         ",\"origin\":\"AAAA\",\"origin_record\":\"00/1\"");
  /* 4: a street decision addressed to another street's community */
  decide(&g.sa, "decision.criticize", g.cb_hex, B_CODE "-0001", "street", "");
  /* 5: an honest street decision to its own community */
  decide(&g.sa, "decision.commend", g.ca_hex, A_CODE "-0002", "street", "");
  /* 6: a level that is neither */
  decide(&g.sa, "decision.commend", g.ca_hex, A_CODE "-0003", "province", "");
  /* 7: addressed to no community, about another street's community's organisation */
  assert_int_equal(t_log_add(&g.sa, "decision.revoke",
                             "{\"org\":\"" B_CODE "-0001\",\"reason\":\"x\",\"by\":\"street\"}"),
                   0);
  assert_int_equal(t_push(g.base, &g.sa), 200);

  hub_ctx *hub = NULL;
  cm_err err;
  char why[256];
  assert_int_equal(hub_open(g.dir, &hub, &err), CM_OK);
  refusal(hub, &g.sa, 1, why, sizeof why);
  assert_string_equal(why, "");
  refusal(hub, &g.sa, 2, why, sizeof why);
  assert_non_null(strstr(why, "不能以区协会的名义"));
  refusal(hub, &g.sa, 3, why, sizeof why);
  assert_non_null(strstr(why, "不能以区协会的名义"));
  refusal(hub, &g.sa, 4, why, sizeof why);
  assert_non_null(strstr(why, "只能对本街道登记的社区"));
  refusal(hub, &g.sa, 5, why, sizeof why);
  assert_string_equal(why, "");
  refusal(hub, &g.sa, 6, why, sizeof why);
  assert_non_null(strstr(why, "决定级别"));
  refusal(hub, &g.sa, 7, why, sizeof why);
  assert_non_null(strstr(why, "不属于作者"));

  /* Only the honest decision is projected, as the street's. */
  dec_list before, after;
  decisions(hub, &before);
  assert_string_equal(before.text, "street|" A_CODE "-0002\n");
  assert_int_equal(hub_rebuild(hub, &err), CM_OK);
  decisions(hub, &after);
  assert_string_equal(after.text, before.text);
  hub_close(hub);
}

/* The rule itself, on the domain core: a district decision in a street's
 * log only as a relay of the district's own; a district's decision never
 * the street's; a street's only to its own communities. */
static void test_core_rule(void **state) {
  (void)state;
  const cm_rec_def *def = cm_rec_find("decision.commend");
  cm_rec_body b;
  cm_rec_ctx c;
  cm_err err;
  json_t *j = json_pack("{s:s,s:s,s:s}", "by", "district", "to", g.ca_hex, "org", "x");
  assert_int_equal(cm_rec_read_json(def, j, &b, &err), CM_OK);
  memset(&c, 0, sizeof c);
  c.writer = CM_REC_STREET;
  c.to_below = 1;
  assert_int_equal(cm_rec_check(def, &b, &c, &err), CM_ERR_PERM);
  c.origin_district = 1;
  assert_int_equal(cm_rec_check(def, &b, &c, &err), CM_OK);
  c.to_below = 0;
  assert_int_equal(cm_rec_check(def, &b, &c, &err), CM_ERR_PERM);
  c.writer = CM_REC_DISTRICT;
  assert_int_equal(cm_rec_check(def, &b, &c, &err), CM_OK);
  c.writer = CM_REC_COMMUNITY;
  assert_int_equal(cm_rec_check(def, &b, &c, &err), CM_ERR_PERM);
  json_decref(j);
  j = json_pack("{s:s,s:s}", "by", "street", "to", g.ca_hex);
  assert_int_equal(cm_rec_read_json(def, j, &b, &err), CM_OK);
  c.writer = CM_REC_DISTRICT;
  assert_int_equal(cm_rec_check(def, &b, &c, &err), CM_ERR_PERM);
  c.writer = CM_REC_STREET;
  c.to_below = -1;
  assert_int_equal(cm_rec_check(def, &b, &c, &err), CM_OK);
  json_decref(j);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_street_claims_district),
      cmocka_unit_test(test_core_rule),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
