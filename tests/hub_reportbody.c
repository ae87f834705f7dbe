/* hub_reportbody.c - the monthly report reader (hub/reportbody.h) gives the
 * fields jansson's reading gives, for the bodies nodes write (read by the
 * strict scanner) and for anything else (declined, read by jansson): a table
 * of awkward bodies and 40,000 seeded mutations of real ones. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "hub/reportbody.h"

/* Both readers agree on everything the projection uses. */
static void assert_same(const char *body, size_t len) {
  hub_report_body a, b;
  assert_int_equal(hub_report_body_read(body ? (const uint8_t *)body : NULL, len, &a), CM_OK);
  assert_int_equal(hub_report_body_read_slow(body ? (const uint8_t *)body : NULL, len, &b), CM_OK);
  if (a.parsed != b.parsed || a.valid != b.valid) {
    print_error("body %.*s: parsed %d/%d valid %d/%d (fast %d)\n", (int)len, body, a.parsed,
                b.parsed, a.valid, b.valid, a.fast);
    fail();
  }
  if (a.parsed) {
    assert_true((a.org == NULL) == (b.org == NULL));
    if (a.org) assert_string_equal(a.org, b.org);
    assert_true((a.month == NULL) == (b.month == NULL));
    if (a.month) assert_string_equal(a.month, b.month);
    assert_int_equal(a.activities, b.activities);
    assert_int_equal(a.participants, b.participants);
    assert_int_equal(a.party_participants, b.party_participants);
    assert_int_equal(a.good_deeds, b.good_deeds);
    assert_int_equal(a.flagged, b.flagged);
  }
  hub_report_body_free(&a);
  hub_report_body_free(&b);
}

static int read_fast_flag(const char *body) {
  hub_report_body a;
  assert_int_equal(hub_report_body_read((const uint8_t *)body, strlen(body), &a), CM_OK);
  int fast = a.fast;
  hub_report_body_free(&a);
  return fast;
}

/* Bodies as nodes write them (compact, keys in the node's order). */
static const char *const real[] = {
    "{\"org\":\"120105002001-0001\",\"month\":\"2026-03\",\"activities\":3,\"participants\":45,"
    "\"party_participants\":2,\"content\":\"探訪獨居老人，義務理髮，清理樓道\",\"scope\":\"為老服務\","
    "\"good_deeds\":\"幫助鄰居修水管\",\"flags\":[]}",
    "{\"org\":\"120105002001-0002\",\"month\":\"2025-12\",\"activities\":0,\"participants\":0,"
    "\"party_participants\":0,\"content\":\"\",\"scope\":\"文體\",\"good_deeds\":\"\","
    "\"flags\":[\"name_norm\",\"party_station\"]}",
    "{\"org\":\"120105002001-0003\",\"month\":\"2026-01\",\"activities\":12,\"participants\":300}",
    "{\"org\":\"A\",\"month\":\"2026-13\",\"activities\":1}",
    "{\"month\":\"2026-02\",\"activities\":1}",
    "{\"org\":\"120105002001-0004\",\"month\":\"2026-02\",\"activities\":-1,\"good_deeds\":null}",
    "{\"org\":\"120105002001-0005\",\"month\":\"2026-02\",\"good_deeds\":false,\"flags\":[\"x\"]}",
    "{}",
};

static void test_real_bodies_take_the_fast_path(void **state) {
  (void)state;
  for (size_t i = 0; i < sizeof real / sizeof real[0]; i++) {
    assert_same(real[i], strlen(real[i]));
    assert_int_equal(read_fast_flag(real[i]), 1);
  }
  hub_report_body a;
  assert_int_equal(hub_report_body_read((const uint8_t *)real[0], strlen(real[0]), &a), CM_OK);
  assert_true(a.parsed && a.valid && a.good_deeds && !a.flagged);
  assert_string_equal(a.org, "120105002001-0001");
  assert_string_equal(a.month, "2026-03");
  assert_int_equal(a.activities, 3);
  assert_int_equal(a.participants, 45);
  assert_int_equal(a.party_participants, 2);
  hub_report_body_free(&a);
  assert_int_equal(hub_report_body_read((const uint8_t *)real[1], strlen(real[1]), &a), CM_OK);
  assert_true(a.parsed && a.valid && !a.good_deeds && a.flagged);
  hub_report_body_free(&a);
}

/* Awkward bodies: each must read as jansson reads it (most are declined). */
static const char *const awkward[] = {
    "{\"org\":\"A\",\"month\":\"2026-01\",\"org\":\"B\"}",            /* duplicate key */
    "{\"org\":\"A\",\"month\":\"2026-01\",\"x\":1,\"x\":2}",          /* duplicate, other key */
    "{ \"org\":\"A\",\"month\":\"2026-01\"}",                         /* whitespace */
    "{\"org\":\"A\\u0042\",\"month\":\"2026-01\"}",                   /* escape */
    "{\"org\":\"\\u0000\",\"month\":\"2026-01\"}",                    /* NUL escape */
    "{\"org\":\"A\",\"month\":\"2026-01\",\"activities\":1.0}",       /* real count */
    "{\"org\":\"A\",\"month\":\"2026-01\",\"activities\":1e2}",       /* exponent */
    "{\"org\":\"A\",\"month\":\"2026-01\",\"activities\":01}",        /* leading zero */
    "{\"org\":\"A\",\"month\":\"2026-01\",\"activities\":-0}",        /* minus zero */
    "{\"org\":\"A\",\"month\":\"2026-01\",\"activities\":9223372036854775807}",
    "{\"org\":\"A\",\"month\":\"2026-01\",\"activities\":99999999999999999999}",
    "{\"org\":\"A\",\"month\":\"2026-01\",\"activities\":\"3\"}",     /* string count */
    "{\"org\":1,\"month\":\"2026-01\"}",                              /* number org */
    "{\"org\":\"\",\"month\":\"2026-01\"}",                           /* empty org */
    "{\"org\":\"A\",\"month\":\"2026-1\"}",                           /* bad month */
    "{\"org\":\"A\",\"month\":\"2026-01\",\"x\":{\"y\":1}}",          /* nested object */
    "{\"org\":\"A\",\"month\":\"2026-01\",\"flags\":[1,2]}",          /* array of numbers */
    "{\"org\":\"A\",\"month\":\"2026-01\",\"flags\":{}}",             /* flags not an array */
    "{\"org\":\"A\",\"month\":\"2026-01\",\"flags\":\"x\"}",
    "{\"org\":\"A\",\"month\":\"2026-01\",\"good_deeds\":[]}",
    "{\"org\":\"A\",\"month\":\"2026-01\",\"good_deeds\":0}",
    "{\"org\":\"A\",\"month\":\"2026-01\"}x",                         /* trailing bytes */
    "{\"org\":\"A\",\"month\":\"2026-01\"} ",                         /* trailing space */
    "{\"org\":\"A\",\"month\":\"2026-01\",}",                         /* trailing comma */
    "{\"org\":\"A\" ,\"month\":\"2026-01\"}",
    "[\"org\",\"A\"]",                                                /* not an object */
    "\"org\"",
    "{\"org\":\"A\",\"month\":\"2026-01\"",                           /* truncated */
    "{\"org\":\"A\xff\",\"month\":\"2026-01\"}",                      /* invalid UTF-8 */
    "{\"org\":\"A\xc0\xaf\",\"month\":\"2026-01\"}",                  /* overlong */
    "{\"org\":\"A\xed\xa0\x80\",\"month\":\"2026-01\"}",              /* surrogate */
    "{\"org\":\"A\xf4\x90\x80\x80\",\"month\":\"2026-01\"}",          /* above U+10FFFF */
    "{\"org\":\"A\x7f\",\"month\":\"2026-01\"}",                      /* DEL is allowed */
    "{\"org\":\"A\xe0\x9f\xbf\",\"month\":\"2026-01\"}",          /* overlong, three bytes */
    "{\"org\":\"A\xe0\xa0\x80\",\"month\":\"2026-01\"}",          /* U+0800, the first */
    "{\"org\":\"A\xed\x9f\xbf\",\"month\":\"2026-01\"}",          /* U+D7FF, below surrogates */
    "{\"org\":\"A\xee\x80\x80\xef\xbf\xbf\",\"month\":\"2026-01\"}", /* U+E000, U+FFFF */
    "{\"org\":\"A\xe4\xb8\",\"month\":\"2026-01\"}",              /* cut short */
    "{\"org\":\"A\xe4\x38\xad\",\"month\":\"2026-01\"}",          /* not a continuation */
    "{\"org\":\"ABCDEFGHIJKLMNOP\xe4\xb8\xadQRSTUVWX\xff\",\"month\":\"2026-01\"}",
    "{\"org\":\"\xe4\xb8\xad\xe6\x96\x87\",\"month\":\"2026-01\"}\xe4\xb8",
    "{\"org\":\"A\tB\",\"month\":\"2026-01\"}",                       /* raw tab */
    "{\"org\":\"A\",\"month\":\"2026-01\",\"good_deeds\":nul}",
    "{\"org\":\"A\",\"month\":\"2026-01\",\"good_deeds\":truex}",
    "",
};

static void test_awkward_bodies_read_as_jansson_reads_them(void **state) {
  (void)state;
  for (size_t i = 0; i < sizeof awkward / sizeof awkward[0]; i++)
    assert_same(awkward[i], strlen(awkward[i]));
  /* a NUL byte inside the buffer */
  static const char nul[] = "{\"org\":\"A\",\"month\":\"2026-01\"}\0";
  assert_same(nul, sizeof nul - 1);
  assert_same(NULL, 0);
}

/* A small seeded generator, so that a failure reproduces. */
static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint32_t next(void) {
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return (uint32_t)(rng >> 11);
}

static void test_mutations_read_as_jansson_reads_them(void **state) {
  (void)state;
  static const char alphabet[] = "{}[]\":,-0123456789 .eEtrufalsn\\\xe4\xb8\xad\x80\xff";
  char buf[1024];
  unsigned fast = 0, total = 0;
  for (unsigned round = 0; round < 40000; round++) {
    const char *src = real[next() % (sizeof real / sizeof real[0])];
    size_t len = strlen(src);
    memcpy(buf, src, len);
    unsigned edits = 1 + next() % 3;
    for (unsigned k = 0; k < edits && len > 0; k++) {
      size_t at = next() % len;
      switch (next() % 4) {
      case 0: /* replace a byte */
        buf[at] = alphabet[next() % (sizeof alphabet - 1)];
        break;
      case 1: /* insert a byte */
        if (len + 1 < sizeof buf) {
          memmove(buf + at + 1, buf + at, len - at);
          buf[at] = alphabet[next() % (sizeof alphabet - 1)];
          len++;
        }
        break;
      case 2: /* delete a byte */
        memmove(buf + at, buf + at + 1, len - at - 1);
        len--;
        break;
      default: { /* copy a span elsewhere (duplicate keys, nested values) */
        size_t from = next() % len, n = 1 + next() % 24;
        if (from + n > len) n = len - from;
        if (len + n < sizeof buf) {
          char tmp[32];
          memcpy(tmp, buf + from, n);
          memmove(buf + at + n, buf + at, len - at);
          memcpy(buf + at, tmp, n);
          len += n;
        }
      }
      }
    }
    hub_report_body a;
    assert_int_equal(hub_report_body_read((const uint8_t *)buf, len, &a), CM_OK);
    fast += (unsigned)a.fast;
    total++;
    hub_report_body_free(&a);
    assert_same(buf, len);
  }
  /* Both paths were exercised. */
  print_message("mutations: %u of %u read by the scanner\n", fast, total);
  assert_true(fast > total / 20);
  assert_true(fast < total);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_real_bodies_take_the_fast_path),
      cmocka_unit_test(test_awkward_bodies_read_as_jansson_reads_them),
      cmocka_unit_test(test_mutations_read_as_jansson_reads_them),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
