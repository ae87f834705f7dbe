/* dashboard_dates.c - the figures that depend on the date, at fixed dates: the month
 * a completeness answer is about and its due date, on time against the due day,
 * expected and missing, overdue criticisms, inactive organisations and communities
 * not heard from.  Each is asked at the edges where a date turns over in
 * Asia/Shanghai: the 1st, 5th and 6th of a month, its last day, and 31 December /
 * 1 January.  Records reach the hub through the real ingest path, signed, with the
 * author's clock and the hub's receipt clock both fixed (LINLI_FAKE_NOW_MS). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "common/clock.h"
#include "hub/dashboard.h"
#include "hub/decide.h"
#include "hub_testlib.h"

#define HOUR_MS (3600ull * 1000)
#define DAY_MS (24 * HOUR_MS)
#define CODE "120105001001"

typedef struct fx {
  char *tmp;
  hub_ctx *hub;
  tl_author a;
  uint64_t last_receipt; /* the community's last push, as the hub's clock had it */
} fx;

/* Shanghai wall time "YYYY-MM-DD" hh:mm:ss in Unix ms. */
static uint64_t at(const char *date, int hh, int mm, int ss) {
  uint64_t t = 0;
  assert_int_equal(cm_date_parse(date, &t), CM_OK);
  return t + (uint64_t)hh * HOUR_MS + (uint64_t)mm * 60000u + (uint64_t)ss * 1000u;
}

static void set_clock(uint64_t t) {
  char s[24];
  snprintf(s, sizeof s, "%llu", (unsigned long long)t);
  setenv("LINLI_FAKE_NOW_MS", s, 1);
}

/* One entry written by the community at `written`, received by the hub a minute
 * later (or at `received` when not 0). */
static void push(fx *f, const char *kind, const char *body, uint64_t written, uint64_t received) {
  uint8_t *cs = NULL, *b = NULL;
  size_t cslen = 0, blen = 0;
  const char *kinds[1] = {kind}, *bodies[1] = {body};
  f->a.time_ms = written;
  set_clock(written);
  assert_int_equal(tl_changeset(&f->a, 1, kinds, bodies, 0, &cs, &cslen), 0);
  assert_int_equal(tl_bundle(&cs, &cslen, 1, &b, &blen), 0);
  f->last_receipt = received ? received : written + 60000u;
  set_clock(f->last_receipt);
  assert_int_equal(tl_ingest(f->hub, b, blen, NULL), 200);
  free(cs);
  free(b);
}

static void file_org(fx *f, int n, const char *name, const char *filed) {
  char body[1024];
  snprintf(body, sizeof body,
           "{\"id\":\"" CODE "-%04d\",\"name\":\"%s\",\"category\":\"志愿服务\","
           "\"leader\":\"张桂兰\",\"phone\":\"13900000000\",\"members\":20,\"party_members\":1,"
           "\"party_station\":false,\"founded_by\":\"self\",\"scope\":\"本社区居民\","
           "\"venue\":\"社区服务中心\",\"filed\":\"%s\",\"flags\":[]}",
           n, name, filed);
  push(f, "org.filed", body, at(filed, 10, 0, 0), 0);
}

static void report(fx *f, int n, const char *month, int activities, uint64_t written) {
  char body[512];
  snprintf(body, sizeof body,
           "{\"org\":\"" CODE "-%04d\",\"month\":\"%s\",\"activities\":%d,"
           "\"participants\":%d,\"party_participants\":0,\"content\":\"组织居民开展公益活动\","
           "\"scope\":\"本社区居民\",\"good_deeds\":\"\"}",
           n, month, activities, activities * 10);
  push(f, "report.monthly", body, written, 0);
}

/* A small community: four organisations, three reports, two criticisms.
 *   0001 filed 2026-06-03: 2026-09 with activities, 2026-11 with none, sent on the
 *        due day (5 December) at 23:59;
 *   0002 filed 2026-06-03: 2026-11 with activities, sent 6 December 00:00 (late);
 *   0003 filed 2026-11-30: nothing for 2026-11 (expected, missing);
 *   0004 filed 2026-12-01: not expected for 2026-11. */
static int setup(void **state) {
  fx *f = calloc(1, sizeof *f);
  if (!f) return -1;
  f->tmp = tl_tmpdir();
  f->hub = f->tmp ? tl_hub(f->tmp, "hub", HUB_ROLE_STREET, "望海楼街") : NULL;
  if (!f->hub || tl_author_new(&f->a) || tl_enroll(f->hub, &f->a, "建昌道社区", CODE)) return -1;
  *state = f;
  file_org(f, 1, "夕阳红志愿服务队", "2026-06-03");
  file_org(f, 2, "书画协会", "2026-06-03");
  report(f, 1, "2026-09", 3, at("2026-10-03", 9, 0, 0));
  file_org(f, 3, "邻里互助会", "2026-11-30");
  file_org(f, 4, "读书会", "2026-12-01");
  report(f, 1, "2026-11", 0, at("2026-12-05", 23, 59, 0));
  report(f, 2, "2026-11", 2, at("2026-12-06", 0, 0, 0));
  return 0;
}

static int teardown(void **state) {
  fx *f = *state;
  unsetenv("LINLI_FAKE_NOW_MS");
  if (f) {
    hub_close(f->hub);
    tl_rmrf(f->tmp);
    free(f->tmp);
    free(f);
  }
  return 0;
}

static json_t *ask(fx *f, const char *name, const char *month, uint64_t now) {
  hub_dash_scope scope;
  hub_dash_params p;
  memset(&scope, 0, sizeof scope);
  memset(&p, 0, sizeof p);
  p.month = month;
  json_t *j = NULL;
  cm_err err;
  cm_err_clear(&err);
  assert_int_equal(hub_dashboard_answer(f->hub, name, &scope, &p, now, &j, &err), CM_OK);
  assert_non_null(j);
  return j;
}

static json_int_t total(const json_t *j, const char *key) {
  const json_t *v = json_object_get(json_object_get(j, "totals"), key);
  assert_true(json_is_integer(v));
  return json_integer_value(v);
}

static const char *str(const json_t *j, const char *key) {
  const char *s = json_string_value(json_object_get(j, key));
  assert_non_null(s);
  return s;
}

/* Whether the array `list` of answer j names organisation n. */
static int lists(const json_t *j, const char *list, int n) {
  char id[32];
  snprintf(id, sizeof id, CODE "-%04d", n);
  const json_t *arr = json_object_get(j, list), *row;
  size_t i;
  assert_true(json_is_array(arr));
  json_array_foreach(arr, i, row) {
    const char *o = json_string_value(json_object_get(row, "org"));
    if (!o) o = json_string_value(json_object_get(row, "id"));
    if (o && strcmp(o, id) == 0) return 1;
  }
  return 0;
}

/* The month a completeness answer is about by default is the month before today's,
 * turning over at Shanghai midnight, across the year too. */
static void test_default_month(void **state) {
  fx *f = *state;
  static const struct {
    const char *date;
    int hh, mm, ss;
    const char *month, *due;
  } cases[] = {
      {"2026-11-30", 23, 59, 59, "2026-10", "2026-11-05"}, /* last day of a month */
      {"2026-12-01", 0, 0, 0, "2026-11", "2026-12-05"},    /* the 1st */
      {"2026-12-05", 12, 0, 0, "2026-11", "2026-12-05"},   /* the 5th */
      {"2026-12-06", 0, 0, 0, "2026-11", "2026-12-05"},    /* the 6th */
      {"2026-12-31", 23, 59, 59, "2026-11", "2026-12-05"}, /* 31 December */
      {"2027-01-01", 0, 0, 0, "2026-12", "2027-01-05"},    /* 1 January */
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    json_t *j = ask(f, "completeness", NULL,
                    at(cases[i].date, cases[i].hh, cases[i].mm, cases[i].ss));
    assert_string_equal(str(j, "month"), cases[i].month);
    assert_string_equal(str(j, "due"), cases[i].due);
    json_decref(j);
  }
  /* 1 January 00:00 in Shanghai is still 31 December in UTC: Shanghai decides. */
  json_t *j = ask(f, "completeness", NULL, at("2027-01-01", 0, 0, 0));
  assert_string_equal(str(j, "month"), "2026-12");
  json_decref(j);
  j = ask(f, "completeness", NULL, at("2027-01-01", 0, 0, 0) - 1);
  assert_string_equal(str(j, "month"), "2026-11");
  json_decref(j);
}

/* November: three expected (0004 was filed in December), two received, one on
 * time (sent at 23:59 on the due day), one late (00:00 on the 6th), one missing.
 * The figures do not change with the day they are asked on. */
static void test_on_time_and_missing(void **state) {
  fx *f = *state;
  const uint64_t days[] = {at("2026-12-06", 12, 0, 0), at("2026-12-31", 23, 59, 59),
                           at("2027-01-01", 0, 0, 0)};
  for (size_t i = 0; i < sizeof days / sizeof days[0]; i++) {
    json_t *j = ask(f, "completeness", "2026-11", days[i]);
    assert_int_equal(total(j, "expected"), 3);
    assert_int_equal(total(j, "received"), 2);
    assert_int_equal(total(j, "on_time"), 1);
    assert_int_equal(total(j, "missing"), 1);
    assert_true(lists(j, "missing", 3));
    assert_false(lists(j, "missing", 4));
    json_decref(j);
  }
  /* September: 0003 and 0004 were not filed yet; 0002 sent nothing. */
  json_t *j = ask(f, "completeness", "2026-09", at("2026-12-06", 12, 0, 0));
  assert_int_equal(total(j, "expected"), 2);
  assert_int_equal(total(j, "received"), 1);
  assert_int_equal(total(j, "on_time"), 1);
  json_decref(j);

  /* With the due day on the 1st, nothing sent on the 5th is on time any more; on
   * the 28th, both are. */
  cm_err err;
  assert_int_equal(hub_dashboard_due_day_set(f->hub, 1, &err), CM_OK);
  j = ask(f, "completeness", "2026-11", at("2026-12-06", 12, 0, 0));
  assert_string_equal(str(j, "due"), "2026-12-01");
  assert_int_equal(total(j, "on_time"), 0);
  json_decref(j);
  assert_int_equal(hub_dashboard_due_day_set(f->hub, 28, &err), CM_OK);
  j = ask(f, "completeness", "2026-11", at("2026-12-06", 12, 0, 0));
  assert_string_equal(str(j, "due"), "2026-12-28");
  assert_int_equal(total(j, "on_time"), 2);
  json_decref(j);
  assert_int_equal(hub_dashboard_due_day_set(f->hub, 29, &err), CM_ERR_INVALID);
  assert_int_equal(hub_dashboard_due_day_set(f->hub, 5, &err), CM_OK);
}

/* A criticism is overdue from the day after its deadline, Shanghai time. */
static void test_overdue(void **state) {
  fx *f = *state;
  char record[PROTO_KEY_HEX + 24];
  cm_err err;
  set_clock(at("2026-12-01", 9, 0, 0));
  hub_decision d1 = {HUB_DECIDE_CRITICIZE, CODE "-0002", NULL, "2026-12-05", NULL,
                     "连续两月未开展活动"};
  assert_int_equal(hub_decide(f->hub, &d1, "tester", record, sizeof record, &err), CM_OK);
  hub_decision d2 = {HUB_DECIDE_CRITICIZE, CODE "-0001", NULL, "2026-12-31", NULL,
                     "月报内容过于简单"};
  assert_int_equal(hub_decide(f->hub, &d2, "tester", record, sizeof record, &err), CM_OK);

  static const struct {
    const char *date;
    int hh, mm, ss;
    int late2, late1;
  } cases[] = {
      {"2026-12-01", 9, 0, 0, 0, 0},    {"2026-12-05", 23, 59, 59, 0, 0},
      {"2026-12-06", 0, 0, 0, 1, 0},    {"2026-12-31", 23, 59, 59, 1, 0},
      {"2027-01-01", 0, 0, 0, 1, 1},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    json_t *j = ask(f, "attention", NULL, at(cases[i].date, cases[i].hh, cases[i].mm, cases[i].ss));
    assert_int_equal(lists(j, "criticism_overdue", 2), cases[i].late2);
    assert_int_equal(lists(j, "criticism_overdue", 1), cases[i].late1);
    json_decref(j);
  }
}

/* Inactive: no activity in the last three whole months, and filed before them.
 * 0001's last activity is in September (its November report has none). */
static void test_inactive(void **state) {
  fx *f = *state;
  static const struct {
    const char *date;
    int hh, mm, ss;
    int inactive1;
  } cases[] = {
      {"2026-11-30", 23, 59, 59, 0},
      {"2026-12-01", 0, 0, 0, 0},
      {"2026-12-31", 23, 59, 59, 0},
      {"2027-01-01", 0, 0, 0, 1}, /* October, November and December passed quietly */
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    json_t *j = ask(f, "attention", NULL, at(cases[i].date, cases[i].hh, cases[i].mm, cases[i].ss));
    assert_int_equal(lists(j, "inactive", 1), cases[i].inactive1);
    /* 0002 reported activities in November; 0003 and 0004 are too new to judge. */
    assert_false(lists(j, "inactive", 2));
    assert_false(lists(j, "inactive", 3));
    assert_false(lists(j, "inactive", 4));
    if (cases[i].inactive1) {
      const json_t *row, *arr = json_object_get(j, "inactive");
      size_t k;
      json_array_foreach(arr, k, row) if (strcmp(str(row, "id"), CODE "-0001") == 0)
          assert_string_equal(str(row, "last_active"), "2026-09");
    }
    json_decref(j);
  }
}

/* A community is "not heard from" once seven whole days have passed since its
 * last push reached the hub. */
static void test_silent(void **state) {
  fx *f = *state;
  uint64_t last = f->last_receipt;
  json_t *j = ask(f, "attention", NULL, last + HUB_DASH_SILENT_MS - 1);
  assert_int_equal(json_array_size(json_object_get(j, "silent")), 0);
  json_decref(j);
  j = ask(f, "attention", NULL, last + HUB_DASH_SILENT_MS);
  const json_t *silent = json_object_get(j, "silent");
  assert_int_equal(json_array_size(silent), 1);
  assert_string_equal(str(json_array_get(silent, 0), "community"), "建昌道社区");
  assert_int_equal(json_integer_value(json_object_get(json_array_get(silent, 0), "days")), 7);
  json_decref(j);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_default_month), cmocka_unit_test(test_on_time_and_missing),
      cmocka_unit_test(test_inactive),      cmocka_unit_test(test_silent),
      cmocka_unit_test(test_overdue),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
