/* common_warnings.c - unit tests of the reviewer warnings (common/warnings.c):
 * blank-after-trim fields, duplicate names in the street with Traditional
 * characters folded, odd ratios of participants to activities, phones that
 * are not Chinese numbers; and nothing flagged on a plain good record. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "common/warnings.h"

/* Traditional 區 in UTF-8, written as bytes: the sources stay Simplified. */
#define TRAD_QU "\xe5\x8d\x80"

/* 1 when arr holds {"code": code, "field": field}. */
static int has(const json_t *arr, const char *code, const char *field) {
  size_t i;
  const json_t *w;
  json_array_foreach(arr, i, w) {
    if (!strcmp(json_string_value(json_object_get(w, "code")), code) &&
        !strcmp(json_string_value(json_object_get(w, "field")), field))
      return 1;
  }
  return 0;
}

static json_t *warn(const char *kind, const char *body_json, const cm_warn_names *names) {
  json_t *b = json_loads(body_json, 0, NULL);
  assert_non_null(b);
  json_t *w = cm_warn_body(kind, b, names);
  json_decref(b);
  assert_non_null(w);
  return w;
}

static void test_good_filing_has_none(void **state) {
  (void)state;
  const char *ids[] = {"120105001001-0001"};
  const char *names[] = {"夕阳红志愿服务队"};
  cm_warn_names n = {ids, names, 1, 0};
  json_t *w = warn("org.filed",
                   "{\"id\":\"120105001001-0002\",\"name\":\"幸福社区助老工作站\",\"category\":\"助老\","
                   "\"leader\":\"张伟\",\"phone\":\"022-26281234\",\"scope\":\"\",\"venue\":\"\"}",
                   &n);
  assert_int_equal(json_array_size(w), 0);
  json_decref(w);
}

static void test_blank_after_trim(void **state) {
  (void)state;
  /* a name of spaces, a leader of one ideographic space, a venue of a tab */
  json_t *w = warn("org.filed",
                   "{\"id\":\"x-1\",\"name\":\"   \",\"category\":\"助老\",\"leader\":\"\\u3000\","
                   "\"phone\":\"13800138000\",\"venue\":\"\\t\",\"scope\":\"\"}",
                   NULL);
  assert_true(has(w, "blank", "name"));
  assert_true(has(w, "blank", "leader"));
  assert_true(has(w, "blank", "venue"));
  assert_false(has(w, "blank", "scope")); /* optional and empty: nothing to say */
  assert_false(has(w, "blank", "category"));
  json_decref(w);
  w = warn("report.monthly",
           "{\"org\":\"x-1\",\"month\":\"2026-11\",\"activities\":2,\"participants\":30,"
           "\"party_participants\":1,\"content\":\" \\u3000 \",\"scope\":\"\",\"good_deeds\":\"\"}",
           NULL);
  assert_true(has(w, "blank", "content"));
  assert_int_equal(json_array_size(w), 1);
  json_decref(w);
}

/* The duplicate-name warnings against the street's names n: a filing
 * named like one of them (Traditional characters and spaces folded) warns,
 * that organisation's own amendment does not, another name does not. */
static void duplicate_checks(const cm_warn_names *n) {
  json_t *w = warn("org.filed",
                   "{\"id\":\"120105001001-0009\",\"name\":\"幸福社" TRAD_QU "助老工作站 \","
                   "\"category\":\"助老\",\"leader\":\"张伟\",\"phone\":\"13800138000\"}",
                   n);
  assert_true(has(w, "duplicate", "name"));
  json_decref(w);
  /* The organisation itself is not a duplicate of itself (an amendment). */
  w = warn("org.amended",
           "{\"id\":\"120105002001-0003\",\"changes\":{\"name\":\"幸福社区助老工作站\"}}", n);
  assert_false(has(w, "duplicate", "name"));
  json_decref(w);
  /* A different name is fine. */
  w = warn("org.amended", "{\"id\":\"120105001001-0009\",\"changes\":{\"name\":\"书画社\"}}", n);
  assert_int_equal(json_array_size(w), 0);
  json_decref(w);
}

static void test_duplicate_in_street_folds_traditional(void **state) {
  (void)state;
  const char *ids[] = {"120105001001-0001", "120105002001-0003"};
  const char *names[] = {"夕阳红志愿服务队", "幸福社" TRAD_QU "助老 工作站"};
  cm_warn_names n = {ids, names, 2, 0};
  duplicate_checks(&n);
}

/* Names folded once beforehand (a street of thousands) warn exactly as the
 * raw names do. */
static void test_duplicate_with_names_folded_once(void **state) {
  (void)state;
  const char *ids[] = {"120105001001-0001", "120105002001-0003"};
  char *folded[] = {cm_warn_fold_dup("夕阳红志愿服务队"),
                    cm_warn_fold_dup("幸福社" TRAD_QU "助老 工作站")};
  assert_non_null(folded[0]);
  assert_non_null(folded[1]);
  assert_string_equal(folded[1], "幸福社区助老工作站");
  cm_warn_names n = {ids, (const char *const *)folded, 2, 1};
  duplicate_checks(&n);
  free(folded[0]);
  free(folded[1]);
}

static void test_ratio(void **state) {
  (void)state;
  static const struct {
    const char *body;
    int odd;
  } cases[] = {
      {"{\"activities\":50,\"participants\":3,\"content\":\"x\"}", 1},
      {"{\"activities\":0,\"participants\":40,\"content\":\"x\"}", 1},
      {"{\"activities\":1,\"participants\":5000,\"content\":\"x\"}", 1},
      {"{\"activities\":4,\"participants\":120,\"content\":\"x\"}", 0},
      {"{\"activities\":0,\"participants\":0,\"content\":\"x\"}", 0},
      {"{\"activities\":3,\"participants\":3,\"content\":\"x\"}", 0},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    json_t *w = warn("report.monthly", cases[i].body, NULL);
    assert_int_equal(has(w, "ratio", "participants"), cases[i].odd);
    json_decref(w);
  }
}

static void test_phone(void **state) {
  (void)state;
  static const char *const good[] = {"13800138000", "+86 138-0013-8000", "8613912345678",
                                     "022-26281234", "(022) 2628 1234", "0755-12345678",
                                     "26281234", "4008123123"};
  static const char *const bad[] = {"abc", "123", "12345678901", "02226", "1380013800a",
                                    "00861380013800", "110"};
  for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
    assert_true(cm_warn_phone_ok(good[i]));
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) assert_false(cm_warn_phone_ok(bad[i]));
  json_t *w = warn("org.amended", "{\"id\":\"x-1\",\"changes\":{\"phone\":\"abc\"}}", NULL);
  assert_true(has(w, "phone", "phone"));
  json_decref(w);
}

static void test_other_kinds_and_bad_bodies(void **state) {
  (void)state;
  json_t *w = warn("review.batch", "{\"result\":\"accepted\"}", NULL);
  assert_int_equal(json_array_size(w), 0);
  json_decref(w);
  json_t *s = json_string("x");
  w = cm_warn_body("org.filed", s, NULL);
  assert_int_equal(json_array_size(w), 0);
  json_decref(w);
  json_decref(s);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_good_filing_has_none),
      cmocka_unit_test(test_blank_after_trim),
      cmocka_unit_test(test_duplicate_in_street_folds_traditional),
      cmocka_unit_test(test_duplicate_with_names_folded_once),
      cmocka_unit_test(test_ratio),
      cmocka_unit_test(test_phone),
      cmocka_unit_test(test_other_kinds_and_bad_bodies),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
