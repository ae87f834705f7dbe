/* common_clock.c - Shanghai dates and months by integer arithmetic, whatever
 * TZ says; parsing of real calendar dates only; the fake clock. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "common/clock.h"

/* 2026-11-27T16:00:00Z, computed independently: days from 1970-01-01 to
 * 2026-11-27 are 20784. */
#define T_1600Z (20784ULL * 86400 * 1000 + 16ULL * 3600 * 1000)

static void test_shanghai_date_rolls_at_1600z(void **state) {
  (void)state;
  char d[11], m[8], iso[26];
  /* A machine in New York must still see Shanghai's date. */
  setenv("TZ", "America/New_York", 1);
  tzset();
  cm_date_of(T_1600Z - 1, d);
  assert_string_equal(d, "2026-11-27");
  cm_date_of(T_1600Z, d);
  assert_string_equal(d, "2026-11-28");
  cm_time_iso(T_1600Z, iso);
  assert_string_equal(iso, "2026-11-28T00:00:00+08:00");
  cm_time_iso(T_1600Z - 1000, iso);
  assert_string_equal(iso, "2026-11-27T23:59:59+08:00");
  /* month rolls too: 2026-11-30T16:00Z is 2026-12-01 in Shanghai */
  cm_month_of(T_1600Z + 3ULL * 86400 * 1000 - 1, m);
  assert_string_equal(m, "2026-11");
  cm_month_of(T_1600Z + 3ULL * 86400 * 1000, m);
  assert_string_equal(m, "2026-12");
  cm_date_of(0, d);
  assert_string_equal(d, "1970-01-01");
  cm_time_iso(0, iso);
  assert_string_equal(iso, "1970-01-01T08:00:00+08:00");
}

static void test_date_parse(void **state) {
  (void)state;
  uint64_t t = 0;
  assert_int_equal(cm_date_parse("2026-11-28", &t), CM_OK);
  assert_int_equal(t, T_1600Z); /* Shanghai midnight = 16:00Z the day before */
  assert_int_equal(cm_date_parse("2024-02-29", &t), CM_OK); /* leap year */
  assert_int_equal(cm_date_parse("2000-02-29", &t), CM_OK); /* 400-year leap */
  char d[11];
  cm_date_of(t, d);
  assert_string_equal(d, "2000-02-29");
  /* round trip over a range of days */
  for (uint64_t day = 1; day < 30000; day += 7) {
    uint64_t ms = day * 86400000ULL;
    cm_date_of(ms, d);
    uint64_t back = 0;
    assert_int_equal(cm_date_parse(d, &back), CM_OK);
    assert_true(back <= ms && ms - back < 86400000ULL);
  }
}

static void test_date_parse_bad(void **state) {
  (void)state;
  static const char *const bad[] = {"2026-02-30", "2026-02-29",  "1900-02-29",  "2026-13-01",
                                    "2026-00-10", "2026-04-31",  "2026-01-00",  "2026-1-01",
                                    "2026/01/01", "2026-01-011", "20260101",    "",
                                    "abcd-ef-gh", "2026-01-0a",  " 2026-01-01", "1969-12-31"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    uint64_t t = 12345;
    if (cm_date_parse(bad[i], &t) != CM_ERR_INVALID) fail_msg("accepted date '%s'", bad[i]);
    assert_int_equal(t, 12345);
  }
  assert_int_equal(cm_date_parse(NULL, NULL), CM_ERR_INVALID);
}

static void test_month_parse(void **state) {
  (void)state;
  int idx = -1;
  assert_int_equal(cm_month_parse("2026-11", &idx), CM_OK);
  assert_int_equal(idx, 2026 * 12 + 10);
  assert_int_equal(cm_month_parse("2026-01", &idx), CM_OK);
  assert_int_equal(idx, 2026 * 12);
  int dec = 0;
  assert_int_equal(cm_month_parse("2025-12", &dec), CM_OK);
  assert_int_equal(idx - dec, 1);
  assert_int_equal(cm_month_parse("1900-01", &idx), CM_OK);
  assert_int_equal(cm_month_parse("9999-12", &idx), CM_OK);
  static const char *const bad[] = {"2026-13", "2026-00", "1899-12", "2026-1",  "2026-011",
                                    "2026/11", "26-11",   "",        "2026-1a", "2026-11-01"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    idx = 7;
    if (cm_month_parse(bad[i], &idx) != CM_ERR_INVALID) fail_msg("accepted month '%s'", bad[i]);
    assert_int_equal(idx, 7);
  }
}

static void test_fake_now(void **state) {
  (void)state;
  setenv("LINLI_FAKE_NOW_MS", "1234567", 1);
  assert_int_equal(cm_now_ms(), 1234567);
  unsetenv("LINLI_FAKE_NOW_MS");
  uint64_t now = cm_now_ms();
  /* after 2020-01-01 and before 2100 */
  assert_true(now > 1577836800000ULL && now < 4102444800000ULL);
  setenv("LINLI_FAKE_NOW_MS", "garbage", 1);
  assert_true(cm_now_ms() > 1577836800000ULL); /* ignored */
  unsetenv("LINLI_FAKE_NOW_MS");
  uint64_t a = cm_mono_ms(), b = cm_mono_ms();
  assert_true(b >= a);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_shanghai_date_rolls_at_1600z),
      cmocka_unit_test(test_date_parse),
      cmocka_unit_test(test_date_parse_bad),
      cmocka_unit_test(test_month_parse),
      cmocka_unit_test(test_fake_now),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
