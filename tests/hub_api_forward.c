/* hub_api_forward.c - a street hub forwarding to a district hub, both served
 * through the real HTTP server on loopback: community changesets arrive at the
 * district verbatim and count in its summary; the district going down and
 * coming back (on the same port) resumes where it left off; a forward round
 * killed between the district's answer and our record of it (failpoint) loses
 * nothing and stores nothing twice; stopping serve interrupts the loop's wait. */
#define _GNU_SOURCE /* memmem */
/* cmocka needs these before it, in this order. */
/* clang-format off */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
/* clang-format on */

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/clock.h"
#include "hub/forward.h"
#include "hub/hublog.h"
#include "hub/ingest.h"
#include "hub/review.h"
#include "hub_api_util.h"
#include "protocol/bundle.h"

#define STREET "望海樓街"
#define CODE "120105001001"

#define WAIT_FOR(secs, cond)                                                                       \
  do {                                                                                             \
    uint64_t wait_end_ = cm_mono_ms() + (uint64_t)(secs)*1000u;                                    \
    while (!(cond) && cm_mono_ms() < wait_end_)                                                    \
      usleep(100 * 1000);                                                                          \
  } while (0)

static struct {
  t_tmp tmp;
  char ddir[512], sdir[512];
  uint8_t dpk[PROTO_KEY_BYTES], spk[PROTO_KEY_BYTES];
  hub_server *district, *street;
  char dbase[128], sbase[128];
  char dlisten[64];
  t_log c;
  uint8_t *cs[4];
  size_t len[4];
} g;

static int group_setup(void **state) {
  (void)state;
  cm_err err;
  cm_err_clear(&err);
  memset(&g, 0, sizeof g);
  /* Short backoff so that the district's return is noticed within the test. */
  setenv("LINLI_FORWARD_BACKOFF_MAX_MS", "800", 1);
  if (cm_client_global_init() != CM_OK || t_tmp_new(&g.tmp)) return -1;
  snprintf(g.ddir, sizeof g.ddir, "%s/district", g.tmp.path);
  snprintf(g.sdir, sizeof g.sdir, "%s/street", g.tmp.path);
  if (t_hub_init(g.ddir, HUB_ROLE_DISTRICT, "河北區協會", NULL, NULL, g.dpk)) return -1;
  if (hub_server_start(g.ddir, "127.0.0.1:0", NULL, NULL, &g.district, &err)) goto fail;
  t_base(g.district, g.dbase, sizeof g.dbase);
  snprintf(g.dlisten, sizeof g.dlisten, "127.0.0.1:%u", (unsigned)hub_server_port(g.district));

  if (t_hub_init(g.sdir, HUB_ROLE_STREET, STREET, g.dbase, g.dpk, g.spk)) return -1;
  if (t_hub_enroll(g.ddir, g.spk, STREET, "")) return -1;
  if (t_log_new(&g.c) || t_hub_enroll(g.sdir, g.c.kp.pk, "建昌道社區", CODE)) return -1;
  if (hub_server_start(g.sdir, "127.0.0.1:0", NULL, NULL, &g.street, &err)) goto fail;
  t_base(g.street, g.sbase, sizeof g.sbase);
  return 0;
fail:
  fprintf(stderr, "setup: %s\n", err.msg);
  return -1;
}

static int group_teardown(void **state) {
  (void)state;
  hub_server_stop(g.street);
  hub_server_stop(g.district);
  for (int i = 0; i < 4; i++)
    free(g.cs[i]);
  t_log_clear(&g.c);
  t_tmp_free(&g.tmp);
  return 0;
}

static void push_to_street(int i) {
  uint8_t *bundle = NULL;
  size_t blen = 0;
  const uint8_t *cs = g.cs[i];
  t_resp r;
  assert_int_equal(t_bundle(&cs, &g.len[i], 1, &bundle, &blen), 0);
  assert_int_equal(t_http("POST", g.sbase, "/api/v1/changesets", "application/vnd.linli.bundle",
                          bundle, blen, NULL, 0, NULL, &r),
                   0);
  assert_int_equal(r.status, 200);
  t_resp_free(&r);
  free(bundle);
}

/* The community's changesets as the district stores them (signed GET by the
 * community itself, as its restore would do); checks they are the pushed
 * bytes, verbatim and once each. */
static void expect_district_log(size_t n) {
  char path[160], hex[PROTO_KEY_HEX];
  t_resp r;
  proto_key_hex(g.c.kp.pk, hex);
  snprintf(path, sizeof path, "/api/v1/log/%s?after=0", hex);
  assert_int_equal(t_http("GET", g.dbase, path, NULL, NULL, 0, &g.c.kp, 0, NULL, &r), 0);
  assert_int_equal(r.status, 200);
  proto_span *sp = NULL;
  size_t got = 0;
  assert_int_equal(proto_bundle_split(r.body, r.len, &sp, &got, NULL), CM_OK);
  assert_int_equal(got, n);
  for (size_t i = 0; i < n; i++) {
    assert_int_equal(sp[i].len, g.len[i]);
    assert_memory_equal(sp[i].p, g.cs[i], g.len[i]);
  }
  free(sp);
  t_resp_free(&r);
}

/* pending.reports at the district (whole district and the community), -1 on error. */
static long long district_reports(long long *community_out) {
  t_resp r;
  long long total = -1;
  *community_out = -1;
  if (t_http("GET", g.dbase, "/api/v1/summary", NULL, NULL, 0, NULL, 0, NULL, &r)) return -1;
  total = json_integer_value(json_object_get(json_object_get(r.json, "pending"), "reports"));
  json_t *s = json_array_get(json_object_get(r.json, "streets"), 0);
  json_t *comms = json_object_get(s, "communities");
  for (size_t i = 0; i < json_array_size(comms); i++) {
    json_t *c = json_array_get(comms, i);
    const char *code = json_string_value(json_object_get(c, "code"));
    if (code && !strcmp(code, CODE))
      *community_out =
          json_integer_value(json_object_get(json_object_get(c, "pending"), "reports"));
  }
  t_resp_free(&r);
  return total;
}

static uint64_t street_feed_cursor(void) {
  hub_ctx *h = NULL;
  uint64_t cursor = 0;
  if (hub_open(g.sdir, &h, NULL) == CM_OK) (void)hub_upstream_cursor(h, &cursor, NULL);
  hub_close(h);
  return cursor;
}

/* Community entries pushed to the street reach the district verbatim. */
static void test_forward(void **state) {
  (void)state;
  assert_int_equal(t_log_org(&g.c, CODE "-0001", "建昌道社區夕陽紅志願服務隊"), 0);
  assert_int_equal(t_log_report(&g.c, CODE "-0001", "2026-08", 3, 40, 2), 0);
  assert_int_equal(t_log_report(&g.c, CODE "-0001", "2026-09", 3, 40, 2), 0);
  assert_int_equal(t_log_build(&g.c, &g.cs[0], &g.len[0]), 0);
  push_to_street(0);

  WAIT_FOR(20, t_head_seq(g.dbase, g.c.kp.pk) == 3);
  assert_int_equal(t_head_seq(g.dbase, g.c.kp.pk), 3);
  expect_district_log(1);
  /* The street's own log went first: its enrolment of the community. */
  assert_true(t_head_seq(g.dbase, g.spk) >= 1);

  t_resp r;
  assert_int_equal(t_http("GET", g.dbase, "/api/v1/summary", NULL, NULL, 0, NULL, 0, NULL, &r), 0);
  assert_int_equal(r.status, 200);
  json_t *p = json_object_get(r.json, "pending");
  assert_int_equal(json_integer_value(json_object_get(p, "organisations")), 1);
  assert_int_equal(json_integer_value(json_object_get(p, "reports")), 2);
  assert_int_equal(json_integer_value(json_object_get(p, "activities")), 6);
  assert_int_equal(json_integer_value(json_object_get(p, "participants")), 80);
  assert_int_equal(json_integer_value(json_object_get(p, "party_participants")), 4);
  json_t *s = json_array_get(json_object_get(r.json, "streets"), 0);
  assert_string_equal(json_string_value(json_object_get(s, "name")), STREET);
  assert_null(memmem(r.body, r.len, "13800000000", 11));
  t_resp_free(&r);
  long long comm = 0;
  assert_int_equal(district_reports(&comm), 2);
  assert_int_equal(comm, 2);

  /* The round also pulled the district's feed for this street (at least the
   * district's entry enrolling it). */
  WAIT_FOR(10, street_feed_cursor() > 0);
  assert_true(street_feed_cursor() > 0);
}

/* The district goes away; the street keeps accepting; the district comes back
 * on the same address and receives what it missed. */
static void test_district_down_and_back(void **state) {
  (void)state;
  cm_err err;
  cm_err_clear(&err);
  hub_server_stop(g.district);
  g.district = NULL;

  assert_int_equal(t_log_report(&g.c, CODE "-0001", "2026-10", 3, 40, 2), 0);
  assert_int_equal(t_log_report(&g.c, CODE "-0001", "2026-11", 3, 40, 2), 0);
  assert_int_equal(t_log_build(&g.c, &g.cs[1], &g.len[1]), 0);
  push_to_street(1);
  assert_int_equal(hub_forward_once(g.sdir, NULL, &err), CM_ERR_NETWORK);
  sleep(2); /* a few failed rounds of the loop */

  assert_int_equal(hub_server_start(g.ddir, g.dlisten, NULL, NULL, &g.district, &err), CM_OK);
  WAIT_FOR(20, t_head_seq(g.dbase, g.c.kp.pk) == 5);
  assert_int_equal(t_head_seq(g.dbase, g.c.kp.pk), 5);
  expect_district_log(2);
  long long comm = 0;
  assert_int_equal(district_reports(&comm), 4);
  assert_int_equal(comm, 4);
}

/* Run one forward round in a child process (fresh environment). */
static int run_tool(const char *failpoint) {
  pid_t pid = fork();
  if (pid == 0) {
    if (failpoint)
      setenv("LINLI_FAILPOINT", failpoint, 1);
    else
      unsetenv("LINLI_FAILPOINT");
    int devnull = open("/dev/null", O_WRONLY);
    if (devnull >= 0) dup2(devnull, 1);
    execl(HUB_API_FWD_TOOL, HUB_API_FWD_TOOL, g.sdir, (char *)NULL);
    _exit(127);
  }
  int st = 0;
  if (pid < 0 || waitpid(pid, &st, 0) != pid) return -1;
  return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* What the street believes the district acknowledged of the community. */
static long long street_acked(void) {
  hub_ctx *h = NULL;
  hub_fwd_author *list = NULL;
  size_t n = 0;
  long long acked = -2; /* not listed: everything acknowledged */
  if (hub_open(g.sdir, &h, NULL) != CM_OK) return -1;
  if (hub_forward_authors(h, &list, &n, NULL) == CM_OK) {
    for (size_t i = 0; i < n; i++)
      if (!memcmp(list[i].author, g.c.kp.pk, PROTO_KEY_BYTES)) acked = (long long)list[i].acked_seq;
  } else {
    acked = -1;
  }
  free(list);
  hub_close(h);
  return acked;
}

/* Killed after the district stored a push but before the street recorded the
 * receipt: the next round learns it from the district's head, sends nothing
 * twice, and the district holds each changeset once. */
static void test_killed_mid_round(void **state) {
  (void)state;
  /* Stopping serve interrupts the idle wait of the loop at once. */
  uint64_t t0 = cm_mono_ms();
  hub_server_stop(g.street);
  g.street = NULL;
  assert_true(cm_mono_ms() - t0 < 5000);

  /* A USB bundle imported at the street while serve is down. */
  assert_int_equal(t_log_report(&g.c, CODE "-0001", "2026-12", 1, 10, 0), 0);
  assert_int_equal(t_log_build(&g.c, &g.cs[2], &g.len[2]), 0);
  uint8_t *bundle = NULL;
  size_t blen = 0;
  const uint8_t *cs = g.cs[2];
  assert_int_equal(t_bundle(&cs, &g.len[2], 1, &bundle, &blen), 0);
  hub_ctx *h = NULL;
  hub_ingest_result res;
  memset(&res, 0, sizeof res);
  assert_int_equal(hub_open(g.sdir, &h, NULL), CM_OK);
  /* Auto-accept off: the street's own log then has nothing new, and the
   * round's first push (the one the failpoint kills after) is the
   * community's. */
  assert_int_equal(hub_review_policy_set(h, 0, NULL), CM_OK);
  assert_int_equal(hub_ingest_bundle(h, bundle, blen, "bundle test", &res, NULL), CM_OK);
  hub_ingest_result_free(&res);
  hub_close(h);
  free(bundle);
  assert_int_equal(street_acked(), 5);

  assert_int_equal(run_tool("forward.after_push_before_ack"), 137);
  /* The district has it; the street has not recorded that yet. */
  assert_int_equal(t_head_seq(g.dbase, g.c.kp.pk), 6);
  assert_int_equal(street_acked(), 5);

  assert_int_equal(run_tool(NULL), 0);
  assert_int_equal(street_acked(), -2);
  expect_district_log(3);
  long long comm = 0;
  assert_int_equal(district_reports(&comm), 5);
}

/* Run a shell command; 0 when it succeeded. */
static int sh(const char *cmd) {
  int st = system(cmd);
  return st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}

/* The district is restored from a copy older than what it acknowledged: the
 * street's audit at start notices (the district's heads are behind our
 * receipts) and sends again what the district lost. */
static void test_district_restored_from_old_copy(void **state) {
  (void)state;
  cm_err err;
  cm_err_clear(&err);
  char backup[600];
  snprintf(backup, sizeof backup, "%s.bak", g.ddir);
  hub_server_stop(g.district);
  g.district = NULL;
  char cmd[2048];
  snprintf(cmd, sizeof cmd, "cp -a '%s' '%s'", g.ddir, backup);
  assert_int_equal(sh(cmd), 0);
  assert_int_equal(hub_server_start(g.ddir, g.dlisten, NULL, NULL, &g.district, &err), CM_OK);

  assert_int_equal(hub_server_start(g.sdir, "127.0.0.1:0", NULL, NULL, &g.street, &err), CM_OK);
  t_base(g.street, g.sbase, sizeof g.sbase);
  assert_int_equal(t_log_report(&g.c, CODE "-0001", "2027-01", 2, 30, 1), 0);
  assert_int_equal(t_log_build(&g.c, &g.cs[3], &g.len[3]), 0);
  push_to_street(3);
  WAIT_FOR(20, t_head_seq(g.dbase, g.c.kp.pk) == 7);
  assert_int_equal(t_head_seq(g.dbase, g.c.kp.pk), 7);
  WAIT_FOR(5, street_acked() == -2);
  assert_int_equal(street_acked(), -2);

  /* Back to the old copy: the district now lacks seq 7 it acknowledged. */
  hub_server_stop(g.district);
  g.district = NULL;
  snprintf(cmd, sizeof cmd, "rm -rf '%s' && mv '%s' '%s'", g.ddir, backup, g.ddir);
  assert_int_equal(sh(cmd), 0);
  assert_int_equal(hub_server_start(g.ddir, g.dlisten, NULL, NULL, &g.district, &err), CM_OK);
  assert_int_equal(t_head_seq(g.dbase, g.c.kp.pk), 6);

  hub_server_stop(g.street);
  g.street = NULL;
  assert_int_equal(hub_server_start(g.sdir, "127.0.0.1:0", NULL, NULL, &g.street, &err), CM_OK);
  WAIT_FOR(20, t_head_seq(g.dbase, g.c.kp.pk) == 7);
  assert_int_equal(t_head_seq(g.dbase, g.c.kp.pk), 7);
  expect_district_log(4);
}

static void test_backoff(void **state) {
  (void)state;
  for (unsigned f = 1; f < 12; f++) {
    uint64_t d = hub_forward_backoff_ms(f, HUB_FORWARD_BACKOFF_MAX_MS);
    uint64_t full = HUB_FORWARD_BACKOFF_MIN_MS << (f - 1);
    if (full > HUB_FORWARD_BACKOFF_MAX_MS) full = HUB_FORWARD_BACKOFF_MAX_MS;
    assert_true(d >= full / 2 && d <= full);
  }
  assert_true(hub_forward_backoff_ms(40, 800) <= 800);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_backoff),
      cmocka_unit_test(test_forward),
      cmocka_unit_test(test_district_down_and_back),
      cmocka_unit_test(test_killed_mid_round),
      cmocka_unit_test(test_district_restored_from_old_copy),
  };
  return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
