/* common_json.c - strict object parsing and getters that name the field. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
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
      "{\"a\":{\"b\":1,\"c\":2,\"b\":1}}",
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

/* cm_json_write must give exactly cm_json_dump's bytes (jansson's), or fail
 * where it fails. */
static void assert_same_bytes(const json_t *j) {
  cm_buf a, b;
  cm_buf_init(&a, 1 << 24);
  cm_buf_init(&b, 1 << 24);
  cm_buf_append(&b, "x", 1); /* appends after what is there */
  cm_rc ra = cm_json_dump(j, &a), rb = cm_json_write(j, &b);
  assert_int_equal(ra == CM_OK, rb == CM_OK);
  if (ra == CM_OK) {
    assert_int_equal(a.len + 1, b.len);
    if (memcmp(a.p, b.p + 1, a.len) != 0) fail_msg("differ:\n%s\n%s", (char *)a.p, (char *)b.p + 1);
  } else {
    assert_int_equal(b.len, 1); /* unchanged */
  }
  cm_buf_free(&a);
  cm_buf_free(&b);
}

static uint64_t rng = 0x243f6a8885a308d3ull;
static uint32_t rnd(void) {
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return (uint32_t)(rng >> 11);
}

/* A string of up to 40 pieces: ASCII, every control character, quotes,
 * backslashes, slashes, Chinese, four-byte characters, U+2028, NUL. */
static json_t *rnd_string(void) {
  static const char *const pieces[] = {"a", "Z", " ", "/", "\"", "\\", "\n", "\t", "\r", "\b",
                                       "\f", "\x01", "\x1f", "\x7f", "河北区", "夕阳红",
                                       "\xf0\x9f\x98\x80", "\xe2\x80\xa8", "0123456789"};
  char buf[512];
  size_t n = 0, k = rnd() % 40;
  for (size_t i = 0; i < k; i++) {
    const char *p = pieces[rnd() % (sizeof pieces / sizeof pieces[0])];
    size_t m = strlen(p);
    if (n + m + 1 >= sizeof buf) break;
    memcpy(buf + n, p, m);
    n += m;
  }
  if (rnd() % 8 == 0 && n + 1 < sizeof buf) buf[n++] = '\0'; /* an embedded NUL */
  return json_stringn(buf, n);
}

static json_t *rnd_value(int depth) {
  switch (rnd() % (depth > 4 ? 6 : 8)) {
  case 0: return rnd_string();
  case 1: {
    static const json_int_t ints[] = {0, 1, -1, 42, 1000000007, INT64_MAX, INT64_MIN};
    json_int_t base = ints[rnd() % 7], d = (json_int_t)(rnd() % 3) - 1;
    if ((d > 0 && base == INT64_MAX) || (d < 0 && base == INT64_MIN)) d = 0;
    return json_integer(base + d);
  }
  case 2: {
    static const double reals[] = {0.5, -1.25, 1e300, 3.141592653589793, 1e-7, 100.0};
    return json_real(reals[rnd() % 6]);
  }
  case 3: return json_true();
  case 4: return json_false();
  case 5: return json_null();
  case 6: {
    json_t *a = json_array();
    for (unsigned i = 0, n = rnd() % 6; i < n; i++) json_array_append_new(a, rnd_value(depth + 1));
    return a;
  }
  default: {
    json_t *o = json_object();
    for (unsigned i = 0, n = rnd() % 8; i < n; i++) {
      json_t *k = rnd_string();
      char key[600];
      snprintf(key, sizeof key, "%s%u", json_string_value(k), i); /* to the first NUL */
      json_object_set_new(o, key, rnd_value(depth + 1));
      json_decref(k);
    }
    return o;
  }
  }
}

static void test_write_same_bytes(void **state) {
  (void)state;
  /* fixed cases */
  json_t *o = json_object();
  for (int i = 30; i > 0; i--) { /* insertion order, not sorted */
    char k[16];
    snprintf(k, sizeof k, "k%02d", i);
    json_object_set_new(o, k, json_integer(i));
  }
  json_object_set_new(o, "空", json_array());
  json_object_set_new(o, "obj", json_object());
  json_object_set_new(o, "ctl", json_stringn("\x00\x01\x1f\"\\/\x7f", 7));
  json_object_set_new(o, "real", json_real(2.5));
  json_object_set_new(o, "neg", json_integer(-9007199254740993LL));
  assert_same_bytes(o);
  json_decref(o);
  /* a string that is not UTF-8: both refuse */
  json_t *bad = json_object();
  json_object_set_new_nocheck(bad, "s", json_stringn_nocheck("A\xff", 2));
  assert_same_bytes(bad);
  json_decref(bad);
  /* every byte that is escaped, at every place of a run of 24 */
  static const char special[] = {'"', '\\', '\n', '\x01', '\x1f', '\x00', '\x7f', ' '};
  for (size_t k = 0; k < sizeof special; k++) {
    for (size_t at = 0; at < 24; at++) {
      char run[24];
      memset(run, 'a', sizeof run);
      run[at] = special[k];
      json_t *arr = json_array();
      json_array_append_new(arr, json_stringn(run, sizeof run));
      json_array_append_new(arr, json_stringn(run, at + 1));
      assert_same_bytes(arr);
      json_decref(arr);
    }
  }
  /* random trees */
  for (int round = 0; round < 3000; round++) {
    json_t *j = json_object();
    json_object_set_new(j, "v", rnd_value(0));
    json_object_set_new(j, "w", rnd_value(0));
    assert_same_bytes(j);
    json_t *arr = json_array();
    json_array_append_new(arr, rnd_value(1));
    assert_same_bytes(arr);
    json_decref(arr);
    json_decref(j);
  }
}

/* cm_json_parse_object must read every input as jansson's json_loadb does
 * (what its compact scanner reads, and what it leaves to jansson): the same
 * tree, keys in the same order, or an error for both. */
static void assert_same_parse(const char *txt, size_t n) {
  json_error_t je;
  json_t *ref = json_loadb(txt, n, JSON_REJECT_DUPLICATES, &je);
  if (ref && (!json_is_object(ref) || memchr(txt, 0, n))) {
    json_decref(ref);
    ref = NULL;
  }
  json_t *got = NULL;
  cm_err err;
  cm_rc rc = cm_json_parse_object((const uint8_t *)txt, n, &got, &err);
  if (!ref) {
    if (rc == CM_OK) fail_msg("accepted what jansson refuses: %.*s", (int)n, txt);
    return;
  }
  if (rc != CM_OK) fail_msg("refused what jansson reads: %.*s (%s)", (int)n, txt, err.msg);
  cm_buf a, b;
  cm_buf_init(&a, 1 << 24);
  cm_buf_init(&b, 1 << 24);
  assert_int_equal(cm_json_dump(ref, &a), CM_OK);
  assert_int_equal(cm_json_dump(got, &b), CM_OK);
  assert_true(json_equal(ref, got));
  assert_int_equal(a.len, b.len);
  assert_memory_equal(a.p, b.p, a.len);
  cm_buf_free(&a);
  cm_buf_free(&b);
  json_decref(ref);
  json_decref(got);
}

static void test_parse_like_jansson(void **state) {
  (void)state;
  static const char *const fixed[] = {
      "{}", "{\"a\":1}", "{\"a\":-1,\"b\":0,\"c\":-0,\"d\":01,\"e\":1.5,\"f\":1e3}",
      "{\"a\":123456789012345678}", "{\"a\":1234567890123456789}",
      "{\"a\":99999999999999999999}", "{\"a\":\"x\",\"a\":\"y\"}", "{\"\":\"empty key\"}",
      "{\"a\":[],\"b\":[1,\"2\",true,false,null,{}],\"c\":{\"d\":{\"e\":[[]]}}}",
      "{\"a\":\"\\u0041\"}", "{\"a\":\"tab\there\"}", "{ \"a\":1}", "{\"a\":1} ",
      "{\"a\":1,}", "{\"a\" :1}", "[1,2]", "\"s\"", "{\"a\":tru}", "{\"a\":nul}",
      "{\"a\":\"\xe6\xb2\xb3\xe5\x8c\x97\"}", "{\"a\":\"\xff\"}", "{\"a\":\"\xed\xa0\x80\"}",
      "{\"a\":\"\x7f\"}", "{\"a\":1}{", "{\"a\"", "{\"a\":", "{\"a\":[1,]}", "{\"a\":[,1]}",
      "{\"k\\\"\":1}", "{\"a\":-}", "{\"a\":--1}", "{\"a\":+1}"};
  for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++) assert_same_parse(fixed[i], strlen(fixed[i]));
  /* nested past the scanner's depth */
  char deep[400];
  size_t n = 0;
  deep[n++] = '{';
  for (int i = 0; i < 40; i++) {
    memcpy(deep + n, "\"a\":[", 5);
    n += 5;
  }
  deep[n++] = '1';
  for (int i = 0; i < 40; i++) deep[n++] = ']';
  deep[n++] = '}';
  assert_same_parse(deep, n);
  /* trees as this program writes them, then bytes changed, added, taken out */
  static const char alphabet[] = "{}[]\":,-0123456789 .eEtrufalsn\\\xe4\xb8\xad\x80\xff\x01";
  for (int round = 0; round < 4000; round++) {
    json_t *j = json_object();
    json_object_set_new(j, "v", rnd_value(0));
    json_object_set_new(j, "w", rnd_value(1));
    cm_buf t;
    cm_buf_init(&t, 1 << 20);
    assert_int_equal(cm_json_dump(j, &t), CM_OK);
    json_decref(j);
    assert_same_parse((const char *)t.p, t.len);
    for (int m = 0; m < 3 && t.len > 1; m++) {
      size_t at = rnd() % t.len;
      switch (rnd() % 3) {
      case 0:
        t.p[at] = (uint8_t)alphabet[rnd() % (sizeof alphabet - 1)];
        break;
      case 1:
        memmove(t.p + at, t.p + at + 1, t.len - at - 1);
        t.len--;
        break;
      default:
        if (cm_buf_append(&t, "x", 1) == CM_OK) {
          memmove(t.p + at + 1, t.p + at, t.len - at - 1);
          t.p[at] = (uint8_t)alphabet[rnd() % (sizeof alphabet - 1)];
        }
      }
      assert_same_parse((const char *)t.p, t.len);
    }
    cm_buf_free(&t);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_parse),
      cmocka_unit_test(test_getters),
      cmocka_unit_test(test_dump),
      cmocka_unit_test(test_write_same_bytes),
      cmocka_unit_test(test_parse_like_jansson),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
