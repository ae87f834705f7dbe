/* common_json.c - strict object parsing and getters that name the field. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "common/json.h"

static json_t *parse_ok(const char *s) {
  json_t *j = NULL;
  cm_err err;
  cm_err_clear(&err);
  cm_rc rc = cm_json_parse_object((const uint8_t *)s, strlen(s), &j, &err);
  if (rc) fail_msg("parse of %s failed: %s", s, err.msg);
  return j;
}

static void test_parse(void **state) {
  (void)state;
  json_t *j = parse_ok("{\"name\":\"河北區\",\"n\":3}");
  assert_true(json_is_object(j));
  json_decref(j);
  static const char *const bad[] = {
      "",
      "[1,2]",
      "\"str\"",
      "42",
      "{\"a\":1} x",
      "{\"a\":1}{}",
      "{\"a\":1,",
      "{\"a\":1,\"a\":2}",
      "{'a':1}",
      "{\"a\":\"\\u0000\"}",
      "{\"a\":\"\xff\"}",
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    json_t *out = (json_t *)&state; /* must be reset to NULL */
    cm_err err;
    cm_err_clear(&err);
    if (cm_json_parse_object((const uint8_t *)bad[i], strlen(bad[i]), &out, &err) != CM_ERR_JSON)
      fail_msg("accepted %s", bad[i]);
    assert_null(out);
    assert_true(err.msg[0] != '\0');
  }
  /* an embedded NUL byte */
  json_t *out = NULL;
  cm_err err;
  assert_int_equal(cm_json_parse_object((const uint8_t *)"{\"a\":1}\0", 8, &out, &err),
                   CM_ERR_JSON);
  assert_null(out);
  /* the error says where */
  assert_int_equal(cm_json_parse_object((const uint8_t *)"{\"a\":tru}", 9, &out, &err),
                   CM_ERR_JSON);
  assert_non_null(strstr(err.msg, "列"));
}

static void test_getters(void **state) {
  (void)state;
  json_t *j = parse_ok("{\"s\":\"社区\",\"i\":-42,\"big\":9007199254740993,\"b\":true,"
                       "\"f\":false,\"r\":1.5,\"z\":null}");
  cm_err err;
  const char *s = NULL;
  int64_t i = 0;
  int b = -1;
  assert_int_equal(cm_json_str(j, "s", 0, &s, &err), CM_OK);
  assert_string_equal(s, "社区");
  assert_int_equal(cm_json_int(j, "i", 0, &i, &err), CM_OK);
  assert_int_equal(i, -42);
  assert_int_equal(cm_json_int(j, "big", 0, &i, &err), CM_OK);
  assert_true(i == 9007199254740993LL);
  assert_int_equal(cm_json_bool(j, "b", 0, &b, &err), CM_OK);
  assert_int_equal(b, 1);
  assert_int_equal(cm_json_bool(j, "f", 0, &b, &err), CM_OK);
  assert_int_equal(b, 0);

  /* wrong types name the field */
  assert_int_equal(cm_json_str(j, "i", 0, &s, &err), CM_ERR_JSON);
  assert_non_null(strstr(err.msg, "“i”"));
  assert_int_equal(cm_json_int(j, "r", 0, &i, &err), CM_ERR_JSON);
  assert_non_null(strstr(err.msg, "“r”"));
  assert_int_equal(cm_json_int(j, "s", 0, &i, &err), CM_ERR_JSON);
  assert_int_equal(cm_json_bool(j, "i", 0, &b, &err), CM_ERR_JSON);

  /* missing: an error unless optional, and optional leaves *out alone */
  assert_int_equal(cm_json_str(j, "nope", 0, &s, &err), CM_ERR_JSON);
  assert_non_null(strstr(err.msg, "缺少“nope”"));
  s = "keep";
  assert_int_equal(cm_json_str(j, "nope", 1, &s, &err), CM_OK);
  assert_string_equal(s, "keep");
  i = 77;
  assert_int_equal(cm_json_int(j, "nope", 1, &i, &err), CM_OK);
  assert_int_equal(i, 77);
  b = 5;
  assert_int_equal(cm_json_bool(j, "z", 1, &b, &err), CM_OK); /* null counts as absent */
  assert_int_equal(b, 5);
  assert_int_equal(cm_json_bool(j, "z", 0, &b, &err), CM_ERR_JSON);
  json_decref(j);
}

static void test_dump(void **state) {
  (void)state;
  json_t *j = json_object();
  json_object_set_new(j, "z", json_integer(1));
  json_object_set_new(j, "a", json_string("街道"));
  json_object_set_new(j, "m", json_array());
  cm_buf b;
  cm_buf_init(&b, 1024);
  assert_int_equal(cm_buf_append(&b, "x=", 2), CM_OK);
  assert_int_equal(cm_json_dump(j, &b), CM_OK);
  assert_string_equal((char *)b.p, "x={\"z\":1,\"a\":\"街道\",\"m\":[]}");
  /* a cap too small fails and leaves the buffer as it was */
  cm_buf small;
  cm_buf_init(&small, 8);
  assert_int_equal(cm_buf_append(&small, "ab", 2), CM_OK);
  assert_int_not_equal(cm_json_dump(j, &small), CM_OK);
  assert_int_equal(small.len, 2);
  assert_string_equal((char *)small.p, "ab");
  cm_buf_free(&small);
  cm_buf_free(&b);
  json_decref(j);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_parse),
      cmocka_unit_test(test_getters),
      cmocka_unit_test(test_dump),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
