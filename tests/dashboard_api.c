/* dashboard_api.c - the dashboard's figures (hub/dashboard.h) on a street hub
 * filled through the real ingest path (bench/gen/gen_hub.c): every total equals
 * what the generator wrote, the tables agree with each other, bad parameters
 * are refused, a scope hides other streets, and the CSV has its BOM, header,
 * quoting and formula guard. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "bench/gen/gen_hub.h"
#include "common/clock.h"
#include "hub/dashboard.h"
#include "hub/decide.h"
#include "hub/hublog.h"
#include "hub/review.h"
#include "hub/store.h"
#include "hub/table.h"
#include "hub/year.h"
#include "hub_testlib.h"

/* "Today" for every answer: the middle of a month, after the generator's last
 * (late) reports for the month before. */
#define FIXED_TODAY "2026-11-20"

typedef struct fx {
  char *tmp;
  hub_ctx *hub;
  gen_totals tot;
  char end[8], from[8];
  uint64_t now;
} fx;

static int setup(void **state) {
  fx *f = calloc(1, sizeof *f);
  if (!f) return -1;
  char cur[8];
  int m = 0;
  /* A fixed clock: the generator dates reports up to the 9th of the month after
   * the last one, so the answers must not depend on today's date.  The hub's
   * receipt times read the same clock. */
  uint64_t day = 0;
  if (cm_date_parse(FIXED_TODAY, &day) != CM_OK) return -1;
  f->now = day + 12ull * 3600 * 1000;
  char now_s[24];
  snprintf(now_s, sizeof now_s, "%llu", (unsigned long long)f->now);
  setenv("LINLI_FAKE_NOW_MS", now_s, 1);
  cm_month_of(f->now, cur);
  cm_month_parse(cur, &m);
  cm_month_text(m - 1, f->end);
  cm_month_text(m - 6, f->from);
  f->tmp = tl_tmpdir();
  f->hub = f->tmp ? tl_hub(f->tmp, "hub", HUB_ROLE_STREET, "望海楼街") : NULL;
  gen_spec spec = {3, 7, 6, f->end, 11, 0};
  if (!f->hub || gen_hub_fill(f->hub, &spec, &f->tot)) return -1;
  *state = f;
  return 0;
}

static int teardown(void **state) {
  fx *f = *state;
  hub_close(f->hub);
  tl_rmrf(f->tmp);
  free(f->tmp);
  free(f);
  return 0;
}

static json_t *answer(fx *f, const char *name, const hub_dash_params *p, const char *street,
                      cm_rc want) {
  hub_dash_scope scope;
  memset(&scope, 0, sizeof scope);
  snprintf(scope.street, sizeof scope.street, "%s", street ? street : "");
  json_t *j = NULL;
  cm_err err;
  cm_err_clear(&err);
  cm_rc rc = hub_dashboard_answer(f->hub, name, &scope, p, f->now, &j, &err);
  assert_int_equal(rc, want);
  if (want == CM_OK) assert_non_null(j);
  return j;
}

static json_int_t num(const json_t *o, const char *path1, const char *key) {
  const json_t *x = path1 ? json_object_get(o, path1) : o;
  assert_true(json_is_integer(json_object_get(x, key)));
  return json_integer_value(json_object_get(x, key));
}

static void test_hierarchy(void **state) {
  fx *f = *state;
  hub_dash_params p;
  memset(&p, 0, sizeof p);
  json_t *j = answer(f, "hierarchy", &p, NULL, CM_OK);
  assert_int_equal(num(j, "totals", "organisations"), f->tot.orgs);
  assert_int_equal(num(j, "totals", "communities"), 3);
  assert_int_equal(json_array_size(json_object_get(j, "organisations")), (size_t)f->tot.orgs);
  json_int_t sum = 0;
  json_t *c;
  size_t i;
  json_array_foreach(json_object_get(j, "communities"), i, c) sum += num(c, NULL, "organisations");
  assert_int_equal(sum, f->tot.orgs);
  json_decref(j);

  /* A category filter counts only that category. */
  p.category = "文体活动";
  j = answer(f, "hierarchy", &p, NULL, CM_OK);
  json_t *o;
  json_array_foreach(json_object_get(j, "organisations"), i, o)
      assert_string_equal(json_string_value(json_object_get(o, "category")), "文体活动");
  assert_true(num(j, "totals", "organisations") < f->tot.orgs);
  assert_true(num(j, "totals", "organisations") > 0);
  json_decref(j);

  /* Another street's operator sees nothing of this one. */
  memset(&p, 0, sizeof p);
  j = answer(f, "hierarchy", &p, "鼓楼街", CM_OK);
  assert_int_equal(num(j, "totals", "organisations"), 0);
  assert_int_equal(json_array_size(json_object_get(j, "organisations")), 0);
  json_decref(j);
}

static void test_completeness(void **state) {
  fx *f = *state;
  hub_dash_params p;
  memset(&p, 0, sizeof p);
  p.month = f->end;
  json_t *j = answer(f, "completeness", &p, NULL, CM_OK);
  assert_int_equal(num(j, "totals", "expected"), f->tot.orgs);
  assert_int_equal(num(j, "totals", "received"), f->tot.last_month_reports);
  assert_int_equal(num(j, "totals", "on_time"), f->tot.last_month_on_time);
  assert_int_equal(num(j, "totals", "missing"), f->tot.orgs - f->tot.last_month_reports);
  assert_int_equal(json_array_size(json_object_get(j, "missing")),
                   (size_t)(f->tot.orgs - f->tot.last_month_reports));
  /* The street's default policy accepted every batch of plain monthly
   * reports as it arrived (in the ingest's own transaction): none pending. */
  assert_int_equal(num(j, "totals", "accepted"), f->tot.last_month_reports);
  assert_int_equal(num(j, "totals", "pending"), 0);
  json_t *series = json_object_get(j, "series");
  assert_int_equal(json_array_size(series), 12);
  assert_string_equal(json_string_value(json_object_get(json_array_get(series, 11), "month")),
                      f->end);
  /* Months before the generated ones expected nothing (not filed yet). */
  assert_int_equal(num(json_array_get(series, 0), NULL, "expected"), 0);
  json_decref(j);

  p.month = "2026-13";
  assert_null(answer(f, "completeness", &p, NULL, CM_ERR_INVALID));
  p.month = "26-1";
  assert_null(answer(f, "completeness", &p, NULL, CM_ERR_INVALID));
}

static void test_activity(void **state) {
  fx *f = *state;
  hub_dash_params p;
  memset(&p, 0, sizeof p);
  p.from = f->from;
  p.to = f->end;
  json_t *j = answer(f, "activity", &p, NULL, CM_OK);
  assert_int_equal(num(j, "totals", "reports"), f->tot.reports);
  assert_int_equal(num(j, "totals", "activities"), f->tot.activities);
  assert_int_equal(num(j, "totals", "participants"), f->tot.participants);
  assert_int_equal(num(j, "totals", "party_participants"), f->tot.party_participants);
  assert_int_equal(num(j, "totals", "good_deeds"), f->tot.good_deeds);
  json_int_t cat = 0;
  size_t i;
  json_t *c;
  json_array_foreach(json_object_get(j, "categories"), i, c) cat += num(c, NULL, "activities");
  assert_int_equal(cat, f->tot.activities);
  json_decref(j);
  p.from = f->end;
  p.to = f->from;
  assert_null(answer(f, "activity", &p, NULL, CM_ERR_INVALID));
}

static void test_attention_and_org(void **state) {
  fx *f = *state;
  hub_dash_params p;
  memset(&p, 0, sizeof p);
  json_t *j = answer(f, "attention", &p, NULL, CM_OK);
  /* The generator flags 3+ party members without a station for some. */
  assert_true(json_is_array(json_object_get(j, "party_station")));
  assert_true(json_is_array(json_object_get(j, "silent")));
  assert_int_equal(json_array_size(json_object_get(j, "silent")), 0);
  json_decref(j);

  p.org = "120105001001-0001";
  j = answer(f, "org", &p, NULL, CM_OK);
  assert_string_equal(json_string_value(json_object_get(j, "community")), "建昌道社区");
  json_t *reports = json_object_get(j, "reports");
  assert_true(json_array_size(reports) > 0);
  json_t *r;
  size_t i;
  json_array_foreach(reports, i, r) {
    assert_string_equal(json_string_value(json_object_get(r, "signed_by")), "建昌道社区");
    assert_non_null(strchr(json_string_value(json_object_get(r, "record")), '/'));
  }
  json_decref(j);
  p.org = "120105009009-0001";
  assert_null(answer(f, "org", &p, NULL, CM_ERR_NOT_FOUND));
  memset(&p, 0, sizeof p);
  assert_null(answer(f, "nothing", &p, NULL, CM_ERR_NOT_FOUND));
}

/* A street's criticism past its deadline is on the attention list until it
 * is closed, and on the organisation's page with the rest of its record. */
static void test_decisions(void **state) {
  fx *f = *state;
  char date[11], record[PROTO_KEY_HEX + 24];
  cm_err err;
  cm_date_of(f->now + 10ull * 24 * 3600 * 1000, date);
  hub_decision d = {HUB_DECIDE_CRITICIZE, "120105001001-0002", NULL, date, NULL,
                    "连续两月未开展活动"};
  assert_int_equal(hub_decide(f->hub, &d, "tester", record, sizeof record, &err), CM_OK);

  hub_dash_params p;
  memset(&p, 0, sizeof p);
  json_t *j = answer(f, "attention", &p, NULL, CM_OK);
  assert_int_equal(json_array_size(json_object_get(j, "criticism_overdue")), 0);
  json_decref(j);
  /* Twenty days on, the deadline has passed. */
  uint64_t now = f->now;
  f->now += 20ull * 24 * 3600 * 1000;
  j = answer(f, "attention", &p, NULL, CM_OK);
  f->now = now;
  json_t *late = json_object_get(j, "criticism_overdue");
  assert_int_equal(json_array_size(late), 1);
  assert_string_equal(json_string_value(json_object_get(json_array_get(late, 0), "org")),
                      "120105001001-0002");
  assert_string_equal(json_string_value(json_object_get(json_array_get(late, 0), "deadline")),
                      date);
  json_decref(j);

  p.org = "120105001001-0002";
  j = answer(f, "org", &p, NULL, CM_OK);
  json_t *dec = json_object_get(j, "decisions");
  assert_int_equal(json_array_size(dec), 1);
  assert_string_equal(json_string_value(json_object_get(json_array_get(dec, 0), "kind")),
                      "criticize");
  json_decref(j);
}

/* The rows people read: column words of their own table, words for values,
 * numbers kept; the CSV and the workbook written from them. */
static void test_table_words_and_xlsx(void **state) {
  (void)state;
  json_t *j = json_pack("{s:[{s:s, s:i, s:s, s:b}]}", "upcoming", "id", "120105001001-A0001",
                        "expected", 120, "street_ack", "acknowledged", "closed", 1);
  hub_table t;
  cm_buf b;
  cm_err err;
  cm_buf_init(&b, 1 << 20);
  assert_int_equal(hub_table_from(j, "upcoming", CM_LANG_ZH, 1, &t, &err), CM_OK);
  /* "expected" of a major activity is its attendance, not reports expected. */
  assert_string_equal(json_string_value(json_array_get(t.head, 1)), "预计人数");
  assert_string_equal(json_string_value(json_array_get(t.head, 0)), "活动编号");
  json_t *row = json_array_get(t.rows, 0);
  assert_int_equal(json_integer_value(json_array_get(row, 1)), 120);
  assert_string_equal(json_string_value(json_array_get(row, 2)), "已确认");
  assert_string_equal(json_string_value(json_array_get(row, 3)), "是");
  assert_int_equal(hub_table_csv(&t, &b, &err), CM_OK);
  const char *want = "\xEF\xBB\xBF活动编号,预计人数,街道确认,已结案\r\n120105001001-A0001,120,已确认,是\r\n";
  assert_int_equal(b.len, strlen(want));
  assert_memory_equal(b.p, want, b.len);
  /* The workbook: a zip (PK..) holding the sheet; the temporary file is gone. */
  char dir[] = "/tmp/linli-xlsx-XXXXXX";
  assert_non_null(mkdtemp(dir));
  cm_buf_reset(&b);
  assert_int_equal(hub_table_xlsx(&t, "未来30天重大活动[]", dir, &b, &err), CM_OK);
  assert_true(b.len > 1000);
  assert_memory_equal(b.p, "PK\x03\x04", 4);
  assert_int_equal(rmdir(dir), 0); /* empty again */
  /* A directory that is not there: an error, nothing written. */
  cm_buf_reset(&b);
  assert_int_equal(hub_table_xlsx(&t, "x", "/nonexistent/linli", &b, &err), CM_ERR_IO);
  assert_int_equal(b.len, 0);
  hub_table_free(&t);
  assert_int_equal(hub_table_from(j, "none", CM_LANG_ZH, 1, &t, &err), CM_ERR_NOT_FOUND);
  hub_table_free(&t);
  cm_buf_free(&b);
  json_decref(j);
}

static void test_csv(void **state) {
  (void)state;
  json_t *j = json_pack("{s:[{s:s, s:i, s:s}, {s:s, s:i, s:s}]}", "rows", "name", "书画协会, 二队",
                        "n", 3, "note", "=1+1", "name", "说\"好\"", "n", 4, "note", "ok");
  cm_buf b;
  cm_err err;
  cm_buf_init(&b, 1 << 20);
  assert_int_equal(hub_dashboard_csv(j, "rows", &b, &err), CM_OK);
  const char *want = "\xEF\xBB\xBFname,n,note\r\n\"书画协会, 二队\",3,\"'=1+1\"\r\n"
                     "\"说\"\"好\"\"\",4,ok\r\n";
  assert_int_equal(b.len, strlen(want));
  assert_memory_equal(b.p, want, b.len);
  assert_int_equal(hub_dashboard_csv(j, "none", &b, &err), CM_ERR_NOT_FOUND);
  cm_buf_free(&b);
  json_decref(j);
}

/* The compact text of j with sorted keys, to compare two answers. */
static char *text(const json_t *j) {
  char *s = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
  assert_non_null(s);
  return s;
}

/* One entry of kind with body, by a, pushed to hub (accepted: 200). */
static void push_one(hub_ctx *hub, tl_author *a, const char *kind, const char *body) {
  const char *kinds[1] = {kind};
  const char *bodies[1] = {body};
  uint8_t *cs = NULL, *b = NULL;
  size_t cl = 0, bl = 0;
  assert_int_equal(tl_changeset(a, 1, kinds, bodies, 0, &cs, &cl), 0);
  assert_int_equal(tl_bundle(&cs, &cl, 1, &b, &bl), 0);
  assert_int_equal(tl_ingest(hub, b, bl, NULL), 200);
  free(cs);
  free(b);
}

/* A new community (into *out unless NULL), enrolled at hub, files
 * organisation id this year. */
static void file_one(hub_ctx *hub, fx *f, tl_author *out, const char *community, const char *code,
                     const char *id) {
  tl_author a;
  char body[512];
  assert_int_equal(tl_author_new(&a), 0);
  assert_int_equal(tl_enroll(hub, &a, community, code), 0);
  a.time_ms = f->now - 3600 * 1000;
  snprintf(body, sizeof body,
           "{\"id\":\"%s\",\"name\":\"%s舞蹈队\",\"category\":\"文体活动\","
           "\"leader\":\"李淑芬\",\"phone\":\"13900000001\",\"members\":15,\"party_members\":0,"
           "\"party_station\":false,\"founded_by\":\"self\",\"scope\":\"本社区居民\","
           "\"venue\":\"社区广场\",\"filed\":\"2026-01-03\",\"flags\":[]}",
           id, community);
  push_one(hub, &a, "org.filed", body);
  if (out) *out = a;
}

/* The hub keeps an answer for its database version: the same figures as a
 * fresh computation, untouched by what a caller does to its copy, and
 * computed again after a write by this connection (a new filing through
 * ingest) or by another one (the due day set by a second opening, as a
 * command run beside `serve` would); the silent table follows the clock. */
static void test_kept_answers(void **state) {
  fx *f = *state;
  hub_dash_params p;
  memset(&p, 0, sizeof p);
  json_t *j = answer(f, "hierarchy", &p, NULL, CM_OK);
  char *first = text(j);
  json_object_del(j, "organisations"); /* the caller's copy only */
  json_decref(j);
  j = answer(f, "hierarchy", &p, NULL, CM_OK);
  char *kept = text(j);
  assert_string_equal(first, kept);
  json_decref(j);
  hub_dashboard_forget(f->hub);
  j = answer(f, "hierarchy", &p, NULL, CM_OK);
  char *fresh = text(j);
  assert_string_equal(fresh, kept);
  json_int_t before = num(j, "totals", "organisations");
  json_decref(j);
  free(first);
  free(kept);
  free(fresh);

  /* A write through this hub's connection: a new community files one. */
  file_one(f->hub, f, NULL, "新开河四社区", "120105001099", "120105001099-0001");
  j = answer(f, "hierarchy", &p, NULL, CM_OK);
  assert_int_equal(num(j, "totals", "organisations"), before + 1);
  json_decref(j);

  /* A write by another connection to the same database. */
  p.month = f->end;
  j = answer(f, "completeness", &p, NULL, CM_OK);
  char due[16];
  snprintf(due, sizeof due, "%s", json_string_value(json_object_get(j, "due")));
  json_decref(j);
  hub_ctx *other = NULL;
  cm_err err;
  char dir[4096];
  snprintf(dir, sizeof dir, "%s/hub", f->tmp);
  assert_int_equal(hub_open(dir, &other, &err), CM_OK);
  assert_int_equal(hub_dashboard_due_day_set(other, 20, &err), CM_OK);
  j = answer(f, "completeness", &p, NULL, CM_OK);
  assert_string_not_equal(json_string_value(json_object_get(j, "due")), due);
  assert_string_equal(json_string_value(json_object_get(j, "due")) + 8, "20");
  json_decref(j);
  assert_int_equal(hub_dashboard_due_day_set(other, HUB_DASH_DUE_DAY_DEFAULT, &err), CM_OK);
  hub_close(other);

  /* The silent communities at the clock of each request, kept answer or not. */
  memset(&p, 0, sizeof p);
  j = answer(f, "attention", &p, NULL, CM_OK);
  assert_int_equal(json_array_size(json_object_get(j, "silent")), 0);
  json_decref(j);
  hub_dash_scope scope;
  memset(&scope, 0, sizeof scope);
  assert_int_equal(hub_dashboard_answer(f->hub, "attention", &scope, &p,
                                        f->now + 8 * 24ull * 3600 * 1000, &j, &err),
                   CM_OK);
  assert_int_equal(json_array_size(json_object_get(j, "silent")), 4);
  json_decref(j);
}

/* ?page=&per_page=: the long tables a page at a time, the short ones whole,
 * how many pages each has, and a clear error for a bad number. */
static void test_paging(void **state) {
  fx *f = *state;
  hub_dash_params p;
  memset(&p, 0, sizeof p);
  json_t *j = answer(f, "hierarchy", &p, NULL, CM_OK), *pg = NULL;
  cm_err err;
  json_t *all = json_object_get(j, "organisations");
  size_t n = json_array_size(all);
  assert_true(n > 10);
  assert_int_equal(hub_dashboard_page(j, NULL, NULL, NULL, &pg, &err), CM_OK);
  assert_ptr_equal(pg, j); /* no page asked: the whole answer, as before */
  json_decref(pg);
  assert_int_equal(hub_dashboard_page(j, NULL, "2", "5", &pg, &err), CM_OK);
  json_t *rows = json_object_get(pg, "organisations");
  assert_int_equal(json_array_size(rows), 5);
  for (size_t i = 0; i < 5; i++)
    assert_true(json_equal(json_array_get(rows, i), json_array_get(all, 5 + i)));
  /* a table of at most a page comes whole */
  assert_int_equal(json_array_size(json_object_get(pg, "communities")),
                   json_array_size(json_object_get(j, "communities")));
  json_t *meta = json_object_get(json_object_get(json_object_get(pg, "paging"), "tables"),
                                 "organisations");
  assert_int_equal(num(meta, NULL, "rows"), (json_int_t)n);
  assert_int_equal(num(meta, NULL, "pages"), (json_int_t)((n + 4) / 5));
  assert_int_equal(num(pg, "paging", "page"), 2);
  json_decref(pg);
  /* only the table asked for; past the end: no rows */
  assert_int_equal(hub_dashboard_page(j, "organisations", "1000", "5", &pg, &err), CM_OK);
  assert_int_equal(json_array_size(json_object_get(pg, "organisations")), 0);
  assert_null(json_object_get(json_object_get(json_object_get(pg, "paging"), "tables"),
                              "communities"));
  json_decref(pg);
  /* the default page size is the most a page holds */
  assert_int_equal(hub_dashboard_page(j, NULL, "1", NULL, &pg, &err), CM_OK);
  assert_int_equal(num(pg, "paging", "per_page"), HUB_DASH_PAGE_MAX);
  json_decref(pg);
  const char *bad[][2] = {{"0", NULL}, {"x", NULL}, {"-1", NULL}, {"1", "501"}, {"1", "0"},
                          {"1", "5x"}, {"99999999999", NULL}};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    pg = NULL;
    cm_err_clear(&err);
    assert_int_equal(hub_dashboard_page(j, NULL, bad[i][0], bad[i][1], &pg, &err),
                     CM_ERR_INVALID);
    assert_null(pg);
    assert_true(strstr(err.msg, "page") != NULL);
  }
  json_decref(j);
}

/* The year's own lists of the attention answer (the communities' and
 * streets' own plans and summaries) as hub computes them today. */
static json_t *year_lists(hub_ctx *hub) {
  json_t *out = json_object();
  cm_err err;
  hub_year_attn ya;
  cm_err_clear(&err);
  assert_non_null(out);
  pthread_mutex_lock(&hub->lock);
  cm_rc rc = hub_year_attention_locked(hub, FIXED_TODAY, "", out, &ya, &err);
  pthread_mutex_unlock(&hub->lock);
  assert_int_equal(rc, CM_OK);
  return out;
}

/* One of the store's generations (hub_store_data_gen, _year_gen,
 * _base_gen) of hub. */
static int64_t gen_of(hub_ctx *hub, cm_rc (*read)(hub_store *, int64_t *, cm_err *)) {
  int64_t g = -1;
  cm_err err;
  pthread_mutex_lock(&hub->lock);
  cm_rc rc = read(hub->store, &g, &err);
  pthread_mutex_unlock(&hub->lock);
  assert_int_equal(rc, CM_OK);
  return g;
}

/* A's monthly report of org for October: written (the data generation
 * moves). */
static void push_report(hub_ctx *hub, tl_author *a, const char *org) {
  char body[256];
  snprintf(body, sizeof body,
           "{\"org\":\"%s\",\"month\":\"2026-10\",\"activities\":2,\"participants\":30,"
           "\"party_participants\":1}",
           org);
  int64_t d0 = gen_of(hub, hub_store_data_gen);
  push_one(hub, a, "report.monthly", body);
  assert_true(gen_of(hub, hub_store_data_gen) > d0);
}

static int64_t year_gen(hub_ctx *hub) {
  return gen_of(hub, hub_store_year_gen);
}

/* 1 when the community of code is on list name of lists. */
static int listed(const json_t *lists, const char *name, const char *code) {
  const json_t *arr = json_object_get(lists, name), *row;
  size_t i;
  json_array_foreach(arr, i, row) {
    if (!strcmp(json_string_value(json_object_get(row, "code")), code)) return 1;
  }
  return 0;
}

/* The hub keeps the year's lists of the attention answer while nothing they
 * read changed: a write of something else by another connection (the due
 * day) leaves the year generation, and the kept lists equal what a hub
 * opened afresh computes; a new community filing an organisation, through
 * another connection or this one, changes the generation, and the lists name
 * the community (its plan of the year is missing). */
static void test_year_lists_kept(void **state) {
  fx *f = *state;
  cm_err err;
  char dir[4096];
  snprintf(dir, sizeof dir, "%s/hub", f->tmp);
  json_t *before = year_lists(f->hub);
  size_t plans = json_array_size(json_object_get(before, "unit_plan_missing"));
  assert_true(plans > 0);
  int64_t g0 = year_gen(f->hub);

  hub_ctx *other = NULL;
  assert_int_equal(hub_open(dir, &other, &err), CM_OK);
  assert_int_equal(hub_dashboard_due_day_set(other, 12, &err), CM_OK);
  assert_int_equal(year_gen(f->hub), g0);
  json_t *kept = year_lists(f->hub), *fresh = year_lists(other);
  char *a = text(kept), *b = text(fresh), *c = text(before);
  assert_string_equal(a, b);
  assert_string_equal(a, c);
  free(a);
  free(b);
  free(c);
  json_decref(kept);
  json_decref(fresh);
  json_decref(before);

  file_one(other, f, NULL, "新开河五社区", "120105001098", "120105001098-0001");
  assert_true(year_gen(f->hub) > g0);
  json_t *after = year_lists(f->hub);
  assert_int_equal(json_array_size(json_object_get(after, "unit_plan_missing")), plans + 1);
  assert_true(listed(after, "unit_plan_missing", "120105001098"));
  json_decref(after);

  int64_t g1 = year_gen(f->hub);
  tl_author six;
  file_one(f->hub, f, &six, "新开河六社区", "120105001097", "120105001097-0001");
  int64_t g2 = year_gen(f->hub);
  assert_true(g2 > g1);

  /* A monthly report of it: written (the data generation moves), accepted by
   * the domain core (no refusal), and the year generation stays. */
  push_report(f->hub, &six, "120105001097-0001");
  assert_int_equal(year_gen(f->hub), g2);
  after = year_lists(f->hub);
  assert_int_equal(json_array_size(json_object_get(after, "unit_plan_missing")), plans + 2);
  assert_true(listed(after, "unit_plan_missing", "120105001097"));
  fresh = year_lists(other);
  a = text(after);
  b = text(fresh);
  assert_string_equal(a, b);
  free(a);
  free(b);
  json_decref(fresh);
  json_decref(after);
  assert_int_equal(hub_dashboard_due_day_set(other, HUB_DASH_DUE_DAY_DEFAULT, &err), CM_OK);
  hub_close(other);
}

/* The year's lists an attention answer holds are kept for the next one:
 * an answer narrowed to a category, or to one supervising unit, shows fewer
 * of their rows without taking any out of what is kept. */
static void test_attention_narrowed_keeps_lists(void **state) {
  fx *f0 = *state, fa = *f0, *f = &fa;
  static const char *const org_lists[] = {"inspection_overdue", "plan_missing", "summary_missing"};
  /* a street whose filings were accepted: its organisations count in the
   * year, and some of them have written no plan */
  f->hub = tl_hub(f->tmp, "accepted", HUB_ROLE_STREET, "望海楼街");
  assert_non_null(f->hub);
  gen_spec spec = {3, 7, 14, f->end, 11, 1};
  gen_totals tot;
  assert_int_equal(gen_hub_fill(f->hub, &spec, &tot), 0);
  hub_dash_params p;
  memset(&p, 0, sizeof p);
  json_t *whole = answer(f, "attention", &p, NULL, CM_OK);
  json_t *kept = year_lists(f->hub);
  char *kept_text = text(kept), *whole_text = text(whole);
  size_t n_whole = 0, n_narrow = 0;
  for (size_t t = 0; t < 3; t++)
    n_whole += json_array_size(json_object_get(whole, org_lists[t]));
  assert_true(n_whole > 0);
  assert_true(json_array_size(json_object_get(whole, "unit_plan_missing")) > 0);

  p.category = "文体活动";
  json_t *narrow = answer(f, "attention", &p, NULL, CM_OK);
  for (size_t t = 0; t < 3; t++)
    n_narrow += json_array_size(json_object_get(narrow, org_lists[t]));
  assert_true(n_narrow > 0);
  assert_true(n_narrow < n_whole);

  /* a viewer of one supervising unit: no community's own plan */
  hub_dash_scope scope;
  memset(&scope, 0, sizeof scope);
  snprintf(scope.unit, sizeof scope.unit, "%s", "NOSUCHUNIT");
  memset(&p, 0, sizeof p);
  json_t *unit = NULL;
  cm_err err;
  assert_int_equal(hub_dashboard_answer(f->hub, "attention", &scope, &p, f->now, &unit, &err),
                   CM_OK);
  assert_int_equal(json_array_size(json_object_get(unit, "unit_plan_missing")), 0);
  assert_int_equal(json_array_size(json_object_get(unit, "plan_missing")), 0);

  /* Each list, matched in C against the year's entries kept, names the
   * same organisations in the same order as the plans and summaries answer
   * and the self-reports' progress, which join them in SQL, where some did
   * write theirs. */
  static const struct {
    const char *list;
    int year;
    const char *missing, *written;
  } same[] = {{"plan_missing", 2026, "missing_plans", "plans"},
              {"summary_missing", 2025, "missing_summaries", "summaries"},
              {"inspection_overdue", 2025, "missing", "self_reported"}};
  for (size_t t = 0; t < 3; t++) {
    json_t *plans = NULL, *row;
    size_t i;
    assert_int_equal(t < 2 ? hub_year_plans(f->hub, same[t].year, "", &plans, &err)
                           : hub_year_progress(f->hub, same[t].year, "", &plans, &err),
                     CM_OK);
    assert_true(num(plans, "totals", same[t].written) > 0);
    cm_buf a, b;
    cm_buf_init(&a, 1 << 20);
    cm_buf_init(&b, 1 << 20);
    assert_int_equal(cm_buf_append(&a, "", 0), CM_OK);
    assert_int_equal(cm_buf_append(&b, "", 0), CM_OK);
    json_array_foreach(json_object_get(whole, same[t].list), i, row) {
      cm_buf_appendf(&a, "%s ", json_string_value(json_object_get(row, "org")));
    }
    json_array_foreach(json_object_get(plans, same[t].missing), i, row) {
      cm_buf_appendf(&b, "%s ", json_string_value(json_object_get(row, "org")));
    }
    assert_string_equal((const char *)a.p, (const char *)b.p);
    cm_buf_free(&a);
    cm_buf_free(&b);
    json_decref(plans);
  }

  /* what is kept is as it was: the year's own lists, and the whole answer
   * computed again from what the year's reads kept */
  json_t *again = year_lists(f->hub);
  char *again_text = text(again);
  assert_string_equal(again_text, kept_text);
  free(again_text);
  json_decref(again);
  hub_dashboard_forget_answers(f->hub);
  memset(&p, 0, sizeof p);
  again = answer(f, "attention", &p, NULL, CM_OK);
  again_text = text(again);
  assert_string_equal(again_text, whole_text);
  free(kept_text);
  free(whole_text);
  free(again_text);
  json_decref(again);
  json_decref(unit);
  json_decref(narrow);
  json_decref(kept);
  json_decref(whole);
  hub_close(f->hub);
}

static int64_t base_gen(hub_ctx *hub) {
  return gen_of(hub, hub_store_base_gen);
}

/* Each answer as computed by hub (which keeps the organisations it loaded
 * for the next computation while nothing they depend on changes) equals
 * the same answer computed by a second opening of its database, which
 * loads them afresh. */
static void same_as_fresh(fx *f, hub_ctx *other) {
  static const char *const names[] = {"hierarchy", "completeness", "activity",
                                      "attention", "stations",     "funding"};
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
    hub_dash_params p;
    memset(&p, 0, sizeof p);
    json_t *kept = answer(f, names[i], &p, NULL, CM_OK);
    hub_dash_scope scope;
    memset(&scope, 0, sizeof scope);
    json_t *fresh = NULL;
    cm_err err;
    hub_dashboard_forget(other);
    assert_int_equal(hub_dashboard_answer(other, names[i], &scope, &p, f->now, &fresh, &err),
                     CM_OK);
    char *a = text(kept), *b = text(fresh);
    if (strcmp(a, b) != 0) fprintf(stderr, "%s differs\n", names[i]);
    assert_string_equal(a, b);
    free(a);
    free(b);
    json_decref(kept);
    json_decref(fresh);
  }
}

/* The organisations loaded for one computation serve the next while the
 * base generation stays: it stays through a monthly report (the silent
 * table still reads its receipt time), and moves with a filing, its
 * acceptance, an amendment and a party station's acceptance.  The monthly
 * reports kept here are read again where packed since, and give what a
 * second opening gives reading them all for each answer. */
static void test_base_follows_writes(void **state) {
  fx *f = *state;
  char dir[4096];
  cm_err err;
  snprintf(dir, sizeof dir, "%s/hub", f->tmp);
  hub_ctx *other = NULL;
  assert_int_equal(hub_open(dir, &other, &err), CM_OK);
  other->dash_reps_off = 1; /* the reports read, against the ones kept here */
  same_as_fresh(f, other);

  int64_t g0 = base_gen(f->hub);
  tl_author eight;
  file_one(f->hub, f, &eight, "新开河八社区", "120105001096", "120105001096-0001");
  int64_t g1 = base_gen(f->hub);
  assert_true(g1 > g0);
  same_as_fresh(f, other);
  hub_dash_stats sa, sb;
  hub_dashboard_stats(f->hub, &sa);
  assert_int_equal(hub_review_accept(f->hub, tl_newest_batch(f->hub), "李", NULL, 0, NULL, &err),
                   CM_OK);
  int64_t g2 = base_gen(f->hub);
  assert_true(g2 > g1);
  same_as_fresh(f, other);
  /* the organisations loaded again (a status changed), the same ones: the
   * reports kept for them taken over, not read again */
  hub_dashboard_stats(f->hub, &sb);
  assert_true(sb.base_loads > sa.base_loads);
  assert_int_equal(sb.report_loads, sa.report_loads);

  /* a second organisation of the same community, not yet accepted */
  char body[512];
  snprintf(body, sizeof body,
           "{\"id\":\"120105001096-0002\",\"name\":\"新开河八社区书画社\",\"category\":"
           "\"文体活动\",\"leader\":\"赵\",\"phone\":\"13900000002\",\"members\":9,"
           "\"party_members\":0,\"party_station\":false,\"founded_by\":\"self\","
           "\"scope\":\"本社区居民\",\"venue\":\"社区活动室\",\"filed\":\"2026-02-03\","
           "\"flags\":[]}");
  push_one(f->hub, &eight, "org.filed", body);
  assert_true(base_gen(f->hub) > g2);
  same_as_fresh(f, other);
  g2 = base_gen(f->hub);

  /* a month's report: written, and the organisations stay as loaded, also
   * through one organisation's page (which reads its own) */
  same_as_fresh(f, other);
  hub_dash_stats st0, st1;
  hub_dashboard_stats(f->hub, &st0);
  push_report(f->hub, &eight, "120105001096-0001");
  assert_int_equal(base_gen(f->hub), g2);
  hub_dash_params one;
  memset(&one, 0, sizeof one);
  one.org = "120105001096-0001";
  json_decref(answer(f, "org", &one, NULL, CM_OK));
  same_as_fresh(f, other);
  hub_dashboard_stats(f->hub, &st1);
  assert_int_equal(st1.base_loads, st0.base_loads);
  /* the monthly reports kept, read again where packed since */
  assert_int_equal(st1.report_loads, st0.report_loads);
  assert_true(st1.report_rows > st0.report_rows);
  /* the same month again, other figures: the newer version counts */
  char body2[256];
  snprintf(body2, sizeof body2,
           "{\"org\":\"120105001096-0001\",\"month\":\"2026-10\",\"activities\":5,"
           "\"participants\":70,\"party_participants\":3}");
  push_one(f->hub, &eight, "report.monthly", body2);
  same_as_fresh(f, other);
  hub_dashboard_stats(f->hub, &st0);
  assert_int_equal(st0.report_loads, st1.report_loads);
  assert_true(st0.report_rows > st1.report_rows);

  /* Eight days on, only this community has been heard from (its report
   * just now): the silent table reads the receipt times afresh, though the
   * organisations stay as loaded. */
  uint64_t later = f->now + 8ull * 24 * 3600 * 1000;
  char later_s[24];
  snprintf(later_s, sizeof later_s, "%llu", (unsigned long long)later);
  setenv("LINLI_FAKE_NOW_MS", later_s, 1);
  hub_dash_params ap;
  memset(&ap, 0, sizeof ap);
  hub_dash_scope all;
  memset(&all, 0, sizeof all);
  json_t *att = NULL;
  assert_int_equal(hub_dashboard_answer(f->hub, "attention", &all, &ap, later, &att, &err), CM_OK);
  size_t silent_before = json_array_size(json_object_get(att, "silent"));
  json_decref(att);
  eight.time_ms = later - 3600 * 1000;
  push_one(f->hub, &eight, "report.monthly",
           "{\"org\":\"120105001096-0001\",\"month\":\"2026-11\",\"activities\":1,"
           "\"participants\":12,\"party_participants\":0}");
  assert_int_equal(base_gen(f->hub), g2);
  assert_int_equal(hub_dashboard_answer(f->hub, "attention", &all, &ap, later, &att, &err), CM_OK);
  json_t *row;
  size_t k;
  assert_int_equal(json_array_size(json_object_get(att, "silent")), silent_before - 1);
  json_array_foreach(json_object_get(att, "silent"), k, row) {
    assert_string_not_equal(json_string_value(json_object_get(row, "community")), "新开河八社区");
  }
  json_decref(att);
  char now_s[24];
  snprintf(now_s, sizeof now_s, "%llu", (unsigned long long)f->now);
  setenv("LINLI_FAKE_NOW_MS", now_s, 1);

  /* more members, and three of them party members */
  push_one(f->hub, &eight, "org.amended",
           "{\"id\":\"120105001096-0001\",\"changes\":{\"members\":21,\"party_members\":3}}");
  same_as_fresh(f, other);
  assert_int_equal(hub_review_accept(f->hub, tl_newest_batch(f->hub), "李", NULL, 0, NULL, &err),
                   CM_OK);
  assert_true(base_gen(f->hub) > g2);
  same_as_fresh(f, other);
  hub_dash_params p;
  memset(&p, 0, sizeof p);
  json_t *h = answer(f, "hierarchy", &p, NULL, CM_OK), *o;
  size_t i;
  int seen = 0;
  json_array_foreach(json_object_get(h, "organisations"), i, o) {
    if (strcmp(json_string_value(json_object_get(o, "id")), "120105001096-0001") != 0) continue;
    seen = 1;
    assert_int_equal(num(o, NULL, "members"), 21);
  }
  assert_true(seen);
  json_decref(h);

  /* its party station, registered, then accepted */
  push_one(f->hub, &eight, "station.registered",
           "{\"org\":\"120105001096-0001\",\"name\":\"党员活动站\",\"leader\":\"王\","
           "\"party_members\":3,\"committee\":\"新开河八社区党总支\",\"date\":\"2026-11-01\"}");
  same_as_fresh(f, other);
  int64_t g4 = base_gen(f->hub);
  assert_int_equal(hub_review_accept(f->hub, tl_newest_batch(f->hub), "李", NULL, 0, NULL, &err),
                   CM_OK);
  assert_true(base_gen(f->hub) > g4);
  same_as_fresh(f, other);
  hub_close(other);
}

/* 1 when attention's list names organisation id. */
static int attention_lists(fx *f, const char *list, const char *id) {
  hub_dash_params p;
  memset(&p, 0, sizeof p);
  hub_dashboard_forget_answers(f->hub); /* what was read of the year kept */
  json_t *a = answer(f, "attention", &p, NULL, CM_OK), *row;
  size_t i;
  int found = 0;
  json_array_foreach(json_object_get(a, list), i, row) {
    found |= !strcmp(json_string_value(json_object_get(row, "org")), id);
  }
  json_decref(a);
  return found;
}

/* The year's organisations' lists read a community's entries by any of its
 * keys: a plan the replacement of a lost PC's key wrote for an organisation
 * the lost key filed takes it off the list.  An organisation dissolved this
 * year is not in it. */
static void test_attention_follows_lineage(void **state) {
  fx *f = *state;
  cm_err err;
  tl_author nine, r;
  uint64_t valid = 0, seq = 0;
  file_one(f->hub, f, &nine, "新开河九社区", "120105001095", "120105001095-0001");
  assert_int_equal(hub_review_accept(f->hub, tl_newest_batch(f->hub), "李", NULL, 0, NULL, &err),
                   CM_OK);
  char body[512];
  snprintf(body, sizeof body,
           "{\"id\":\"120105001095-0002\",\"name\":\"新开河九社区书画社\",\"category\":"
           "\"文体活动\",\"leader\":\"赵\",\"phone\":\"13900000002\",\"members\":9,"
           "\"party_members\":0,\"party_station\":false,\"founded_by\":\"self\","
           "\"scope\":\"本社区居民\",\"venue\":\"社区活动室\",\"filed\":\"2026-02-03\","
           "\"flags\":[]}");
  push_one(f->hub, &nine, "org.filed", body);
  /* a filing accepted moves the year generation, not the marks' (the
   * year's entries read for these lists are kept) */
  int64_t y0 = gen_of(f->hub, hub_store_year_gen), m0 = gen_of(f->hub, hub_store_marks_gen);
  assert_int_equal(hub_review_accept(f->hub, tl_newest_batch(f->hub), "李", NULL, 0, NULL, &err),
                   CM_OK);
  assert_true(gen_of(f->hub, hub_store_year_gen) > y0);
  assert_int_equal(gen_of(f->hub, hub_store_marks_gen), m0);
  assert_true(attention_lists(f, "plan_missing", "120105001095-0001"));
  assert_true(attention_lists(f, "plan_missing", "120105001095-0002"));
  /* filed this year: nothing of last year is missing */
  assert_false(attention_lists(f, "summary_missing", "120105001095-0001"));

  push_one(f->hub, &nine, "org.dissolved", "{\"id\":\"120105001095-0002\",\"reason\":\"合并\"}");
  assert_false(attention_lists(f, "plan_missing", "120105001095-0002"));
  assert_true(attention_lists(f, "plan_missing", "120105001095-0001"));

  assert_int_equal(tl_author_new(&r), 0);
  assert_int_equal(hub_enroll_replacing(f->hub, r.kp.pk, "新开河九社区", "120105001095", nine.kp.pk,
                                        &valid, &seq, &err),
                   CM_OK);
  r.time_ms = f->now - 1800 * 1000;
  push_one(f->hub, &r, "plan.annual",
           "{\"org\":\"120105001095-0001\",\"year\":2026,\"goals\":\"邻里互助\","
           "\"activities\":\"广场舞\",\"planned_count\":12}");
  assert_false(attention_lists(f, "plan_missing", "120105001095-0001"));
  assert_true(gen_of(f->hub, hub_store_marks_gen) > m0);
  /* a year's entry alone moves the marks' generation */
  int64_t m1 = gen_of(f->hub, hub_store_marks_gen);
  push_one(f->hub, &r, "plan.annual",
           "{\"org\":\"120105001095-0001\",\"year\":2026,\"goals\":\"邻里互助\","
           "\"activities\":\"广场舞、读书会\",\"planned_count\":14}");
  assert_true(gen_of(f->hub, hub_store_marks_gen) > m1);
  /* as the plans answer counts it */
  json_t *plans = NULL, *row;
  size_t i;
  assert_int_equal(hub_year_plans(f->hub, 2026, "", &plans, &err), CM_OK);
  json_array_foreach(json_object_get(plans, "missing_plans"), i, row) {
    assert_string_not_equal(json_string_value(json_object_get(row, "org")), "120105001095-0001");
  }
  json_decref(plans);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_hierarchy),
      cmocka_unit_test(test_completeness),
      cmocka_unit_test(test_activity),
      cmocka_unit_test(test_attention_and_org),
      cmocka_unit_test(test_decisions),
      cmocka_unit_test(test_csv),
      cmocka_unit_test(test_table_words_and_xlsx),
      cmocka_unit_test(test_paging),
      cmocka_unit_test(test_attention_narrowed_keeps_lists),
      /* last: they add communities */
      cmocka_unit_test(test_kept_answers),
      cmocka_unit_test(test_base_follows_writes),
      cmocka_unit_test(test_year_lists_kept),
      cmocka_unit_test(test_attention_follows_lineage),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
