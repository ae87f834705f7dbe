/* dashboard_kept.c - dashboard answers kept in the hub database
 * (hub/answers.h): a restarted hub gives the kept answer while nothing was
 * written, and never a stale one after another process wrote to the database
 * (the real `linli-hub` CLI: due-day, rebuild; a forked process enrolling a
 * community through the store).
 *
 * How a stale answer would show: the kept answer is marked by hand in the
 * database (an extra field, written with sqlite3 directly, which changes no
 * generation), so that a hub giving the kept answer gives the mark.  After a
 * write, the answer must come without the mark and equal a fresh
 * computation. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "bench/gen/gen_hub.h"
#include "common/buf.h"
#include "common/clock.h"
#include "common/json.h"
#include "hub/dashboard.h"
#include "hub_testlib.h"

#define FIXED_TODAY "2026-11-20"

typedef struct fx {
  char *tmp;
  char dir[1024], db[1100];
  uint64_t now;
  char end[8];
} fx;

static int setup(void **state) {
  fx *f = calloc(1, sizeof *f);
  if (!f) return -1;
  uint64_t day = 0;
  if (cm_date_parse(FIXED_TODAY, &day) != CM_OK) return -1;
  f->now = day + 12ull * 3600 * 1000;
  char now_s[24], cur[8];
  int m = 0;
  snprintf(now_s, sizeof now_s, "%llu", (unsigned long long)f->now);
  setenv("LINLI_FAKE_NOW_MS", now_s, 1);
  cm_month_of(f->now, cur);
  cm_month_parse(cur, &m);
  cm_month_text(m - 1, f->end);
  f->tmp = tl_tmpdir();
  if (!f->tmp) return -1;
  hub_ctx *hub = tl_hub(f->tmp, "hub", HUB_ROLE_STREET, "望海楼街");
  gen_spec spec = {3, 7, 6, f->end, 11, 0};
  gen_totals tot;
  if (!hub || gen_hub_fill(hub, &spec, &tot)) return -1;
  hub_close(hub);
  snprintf(f->dir, sizeof f->dir, "%s/hub", f->tmp);
  snprintf(f->db, sizeof f->db, "%s/hub.db", f->dir);
  *state = f;
  return 0;
}

static int teardown(void **state) {
  fx *f = *state;
  tl_rmrf(f->tmp);
  free(f->tmp);
  free(f);
  return 0;
}

/* One answer of a hub opened for it and closed after (a hub's start). */
static json_t *answer_fresh_start(fx *f, const char *name, const hub_dash_params *p, int forget) {
  hub_ctx *hub = NULL;
  cm_err err;
  assert_int_equal(hub_open(f->dir, &hub, &err), CM_OK);
  hub_dash_scope scope;
  memset(&scope, 0, sizeof scope);
  if (forget) hub_dashboard_forget(hub);
  json_t *j = NULL;
  assert_int_equal(hub_dashboard_answer(hub, name, &scope, p, f->now, &j, &err), CM_OK);
  hub_close(hub);
  assert_non_null(j);
  return j;
}

/* Run SQL on the hub's database directly (no store, so no new generation). */
static long long sql_int(fx *f, const char *sql) {
  sqlite3 *db = NULL;
  sqlite3_stmt *s = NULL;
  long long v = -1;
  assert_int_equal(sqlite3_open(f->db, &db), SQLITE_OK);
  sqlite3_busy_timeout(db, 5000);
  assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &s, NULL), SQLITE_OK);
  int r = sqlite3_step(s);
  if (r == SQLITE_ROW) v = sqlite3_column_int64(s, 0);
  assert_true(r == SQLITE_ROW || r == SQLITE_DONE);
  sqlite3_finalize(s);
  sqlite3_close(db);
  return v;
}

/* Replace every kept answer by a mark (stored as it is, not deflated): a hub
 * that gives a kept answer gives {"kept_mark": 1}. */
static void mark_kept(fx *f) {
  assert_true(sql_int(f, "SELECT count(*) FROM answers") > 0);
  sql_int(f, "UPDATE answers SET body = CAST('{\"kept_mark\": 1}' AS BLOB), raw = 0");
}

static void run_cli(const char *args) {
  const char *bin = getenv("LINLI_HUB_BIN");
  assert_non_null(bin);
  char cmd[4096];
  snprintf(cmd, sizeof cmd, "%s %s >/dev/null 2>&1", bin, args);
  assert_int_equal(system(cmd), 0);
}

/* After the write done by write(f), a restarted hub's answer is fresh. */
static void check_fresh_after(fx *f, const char *name, const hub_dash_params *p,
                              void (*write)(fx *f)) {
  json_t *first = answer_fresh_start(f, name, p, 1);
  /* nothing written: the restarted hub gives the kept answer, the same */
  json_t *kept = answer_fresh_start(f, name, p, 0);
  assert_true(json_equal(kept, first));
  json_decref(kept);
  json_decref(first);
  mark_kept(f);
  kept = answer_fresh_start(f, name, p, 0);
  assert_non_null(json_object_get(kept, "kept_mark"));
  json_decref(kept);

  write(f);
  json_t *after = answer_fresh_start(f, name, p, 0);
  assert_null(json_object_get(after, "kept_mark"));
  json_t *fresh = answer_fresh_start(f, name, p, 1);
  assert_true(json_equal(after, fresh));
  json_decref(after);
  json_decref(fresh);
}

static char due_arg[1200];

static void write_due_day(fx *f) {
  snprintf(due_arg, sizeof due_arg, "--dir %s dashboard due-day 3", f->dir);
  run_cli(due_arg);
}

static void write_rebuild(fx *f) {
  snprintf(due_arg, sizeof due_arg, "--dir %s rebuild", f->dir);
  run_cli(due_arg);
}

/* Another process enrols a community through the store (the registry). */
static void write_enrol(fx *f) {
  pid_t pid = fork();
  assert_true(pid >= 0);
  if (pid == 0) {
    hub_ctx *hub = NULL;
    cm_err err;
    tl_author a;
    int bad = hub_open(f->dir, &hub, &err) != CM_OK || tl_author_new(&a) != 0 ||
              tl_enroll(hub, &a, "新来社区", "120101001999") != 0;
    hub_close(hub);
    _exit(bad ? 1 : 0);
  }
  int st = 0;
  assert_int_equal(waitpid(pid, &st, 0), pid);
  assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

static void test_due_day(void **state) {
  fx *f = *state;
  hub_dash_params p;
  memset(&p, 0, sizeof p);
  p.month = f->end;
  check_fresh_after(f, "completeness", &p, write_due_day);
}

static void test_enrol(void **state) {
  fx *f = *state;
  hub_dash_params p;
  memset(&p, 0, sizeof p);
  long long before = sql_int(f, "SELECT count(*) FROM communities");
  check_fresh_after(f, "hierarchy", &p, write_enrol);
  assert_int_equal(sql_int(f, "SELECT count(*) FROM communities"), before + 1);
}

static void test_rebuild(void **state) {
  fx *f = *state;
  hub_dash_params p;
  memset(&p, 0, sizeof p);
  check_fresh_after(f, "attention", &p, write_rebuild);
}

/* The text of an answer (what the API sends whole) is byte for byte the
 * answer object dumped as cm_http_resp_json dumps it: computed, from memory,
 * and read back from the database by a restarted hub. */
static void check_text(hub_ctx *hub, const char *name, const hub_dash_params *p, uint64_t now) {
  hub_dash_scope scope;
  memset(&scope, 0, sizeof scope);
  cm_err err;
  json_t *j = NULL;
  char *text = NULL;
  size_t len = 0;
  assert_int_equal(hub_dashboard_answer_text(hub, name, &scope, p, now, &text, &len, &err), CM_OK);
  assert_int_equal(hub_dashboard_answer(hub, name, &scope, p, now, &j, &err), CM_OK);
  cm_buf b;
  cm_buf_init(&b, (size_t)1 << 28);
  assert_int_equal(cm_json_dump(j, &b), CM_OK);
  assert_int_equal(len, b.len);
  assert_memory_equal(text, b.p, len);
  cm_buf_free(&b);
  json_decref(j);
  free(text);
}

static void test_text(void **state) {
  fx *f = *state;
  hub_dash_params ps[6];
  const char *names[6] = {"hierarchy", "hierarchy", "completeness", "activity", "stations",
                          "attention"};
  memset(ps, 0, sizeof ps);
  ps[1].category = "文体活动";
  ps[2].month = f->end;
  ps[3].to = f->end;
  for (int round = 0; round < 3; round++) {
    hub_ctx *hub = NULL;
    cm_err err;
    assert_int_equal(hub_open(f->dir, &hub, &err), CM_OK);
    if (round == 0) hub_dashboard_forget(hub); /* computed, then from memory */
    for (int i = 0; i < 6; i++) {
      check_text(hub, names[i], &ps[i], f->now);
      check_text(hub, names[i], &ps[i], f->now);
    }
    hub_close(hub); /* rounds 1 and 2: read back from the database */
  }
  assert_true(sql_int(f, "SELECT count(*) FROM answers") >= 5);
}

/* hierarchy's count of communities in answer j */
static json_int_t communities_of(const json_t *j) {
  return json_integer_value(json_object_get(json_object_get(j, "totals"), "communities"));
}

/* j without the marks of an answer given behind */
static json_t *unmarked(const json_t *j) {
  json_t *c = json_copy((json_t *)j);
  assert_non_null(c);
  json_object_del(c, "as_of_ms");
  json_object_del(c, "as_of");
  json_object_del(c, "updating");
  return c;
}

/* hierarchy of hub at now (the whole district, no parameters) */
static json_t *hierarchy_at(hub_ctx *hub, uint64_t now) {
  hub_dash_params p;
  memset(&p, 0, sizeof p);
  hub_dash_scope scope;
  memset(&scope, 0, sizeof scope);
  cm_err err;
  json_t *j = NULL;
  assert_int_equal(hub_dashboard_answer(hub, "hierarchy", &scope, &p, now, &j, &err), CM_OK);
  assert_non_null(j);
  return j;
}

/* A hub that gives an answer of an older generation whatever its
 * computation took (dash_wait_ms 0); forget: nothing kept before. */
static hub_ctx *open_behind(fx *f, int forget) {
  hub_ctx *hub = NULL;
  cm_err err;
  assert_int_equal(hub_open(f->dir, &hub, &err), CM_OK);
  assert_int_equal(hub->dash_wait_ms, -1); /* hub_open: always computed */
  assert_int_equal(hub->dash_warm_ms, -1); /* and never kept warm */
  hub->dash_wait_ms = 0;
  if (forget) hub_dashboard_forget(hub);
  return hub;
}

/* Answer b is answer a given behind: marked with a's time, a's figures. */
static void check_behind(const json_t *b, const json_t *a, uint64_t a_made) {
  assert_true(json_is_true(json_object_get(b, "updating")));
  assert_int_equal(json_integer_value(json_object_get(b, "as_of_ms")), (json_int_t)a_made);
  char iso[26];
  cm_time_iso(a_made, iso);
  assert_string_equal(json_string_value(json_object_get(b, "as_of")), iso);
  json_t *bu = unmarked(b);
  assert_true(json_equal(bu, a));
  json_decref(bu);
}

/* Wait (at most 60 s) for the cache's thread to give hierarchy afresh. */
static json_t *hierarchy_when_done(hub_ctx *hub, uint64_t now) {
  json_t *c = NULL;
  for (int i = 0; i < 6000; i++) {
    json_decref(c);
    c = hierarchy_at(hub, now);
    if (!json_object_get(c, "updating")) break;
    usleep(10000);
  }
  assert_null(json_object_get(c, "updating"));
  return c;
}

/* An answer whose computation takes at least the hub's dash_wait_ms (0
 * here: every one) is given from its last computation after a write, marked
 * with when that was made, while the cache's thread computes it again; the
 * next requests get the new one.  Older than HUB_DASH_BEHIND_MAX_MS, it is
 * computed while the request waits. */
static void test_behind(void **state) {
  fx *f = *state;
  hub_ctx *hub = open_behind(f, 1);
  json_t *a = hierarchy_at(hub, f->now);
  assert_null(json_object_get(a, "updating"));

  tl_author who, two;
  assert_int_equal(tl_author_new(&who), 0);
  assert_int_equal(tl_enroll(hub, &who, "后来社区", "120101001998"), 0);
  uint64_t later = f->now + 60000;
  /* asked for the database as it is (?fresh=1): computed while it waits */
  hub_dash_params p;
  memset(&p, 0, sizeof p);
  p.current = 1;
  hub_dash_scope scope;
  memset(&scope, 0, sizeof scope);
  cm_err err;
  json_t *now_ans = NULL;
  assert_int_equal(
      hub_dashboard_answer(hub, "hierarchy", &scope, &p, f->now + 30000, &now_ans, &err), CM_OK);
  assert_null(json_object_get(now_ans, "updating"));
  assert_int_equal(communities_of(now_ans), communities_of(a) + 1);
  /* another write, then as a page asks */
  tl_author third;
  assert_int_equal(tl_author_new(&third), 0);
  assert_int_equal(tl_enroll(hub, &third, "再来社区", "120101001996"), 0);
  json_t *b = hierarchy_at(hub, later);
  check_behind(b, now_ans, f->now + 30000); /* the figures before the write */
  /* the thread computes it again */
  json_t *c = hierarchy_when_done(hub, later);
  assert_int_equal(communities_of(c), communities_of(a) + 2);

  /* the text the API sends whole says the same, at its start */
  assert_int_equal(tl_author_new(&two), 0);
  assert_int_equal(tl_enroll(hub, &two, "又来社区", "120101001997"), 0);
  p.current = 0;
  char *text = NULL;
  size_t len = 0;
  assert_int_equal(
      hub_dashboard_answer_text(hub, "hierarchy", &scope, &p, later + 1000, &text, &len, &err),
      CM_OK);
  char head[128], iso[26];
  cm_time_iso(later, iso);
  snprintf(head, sizeof head, "{\"as_of_ms\":%llu,\"as_of\":\"%s\",\"updating\":true,",
           (unsigned long long)later, iso);
  assert_memory_equal(text, head, strlen(head));
  json_t *t = json_loadb(text, len, 0, NULL);
  assert_non_null(t);
  check_behind(t, c, later);
  json_decref(t);
  free(text);

  /* made more than HUB_DASH_BEHIND_MAX_MS ago: computed now */
  json_t *d = hierarchy_at(hub, later + HUB_DASH_BEHIND_MAX_MS + 1000);
  assert_null(json_object_get(d, "updating"));
  assert_int_equal(communities_of(d), communities_of(a) + 3);
  hub_close(hub); /* stops the thread, also when it is still computing */

  /* the same answer computed afresh by a hub that always computes */
  json_t *fresh = answer_fresh_start(f, "hierarchy", &p, 1);
  assert_true(json_equal(fresh, d));
  json_decref(fresh);
  json_decref(now_ans);
  json_decref(a);
  json_decref(b);
  json_decref(c);
  json_decref(d);
}

/* The same after a restart: the answer kept in the database by the hub
 * before is given, marked, when another process wrote since. */
static void test_behind_restart(void **state) {
  fx *f = *state;
  hub_ctx *hub = open_behind(f, 1);
  json_t *a = hierarchy_at(hub, f->now);
  hub_close(hub); /* writes the kept answer */

  write_enrol(f);
  uint64_t later = f->now + 120000;
  hub = open_behind(f, 0);
  json_t *b = hierarchy_at(hub, later);
  check_behind(b, a, f->now);
  json_t *c = hierarchy_when_done(hub, later);
  assert_int_equal(communities_of(c), communities_of(a) + 1);
  hub_close(hub);

  /* a hub that always computes never gives it */
  hub_dash_params p;
  memset(&p, 0, sizeof p);
  json_t *fresh = answer_fresh_start(f, "hierarchy", &p, 0);
  assert_null(json_object_get(fresh, "updating"));
  assert_true(json_equal(fresh, c));
  json_decref(fresh);
  json_decref(a);
  json_decref(b);
  json_decref(c);
}

/* Page pg (per rows) of hub's hierarchy at now, as the API cuts it; only:
 * for a file of table only; current: ?fresh=1. */
static json_t *hierarchy_page(hub_ctx *hub, uint64_t now, const char *table, int only,
                              const char *pg, const char *per, int current) {
  hub_dash_params p;
  memset(&p, 0, sizeof p);
  p.current = current;
  hub_dash_scope scope;
  memset(&scope, 0, sizeof scope);
  cm_err err;
  json_t *j = NULL;
  assert_int_equal(hub_dashboard_answer_page(hub, "hierarchy", &scope, &p, now, table, only, pg,
                                             per, NULL, &j, &err),
                   CM_OK);
  assert_non_null(j);
  return j;
}

/* Page pg of answer whole, cut as the API cuts it (the figures to compare). */
static json_t *page_of(json_t *whole, const char *table, const char *pg) {
  json_t *j = NULL;
  cm_err err;
  assert_int_equal(hub_dashboard_page(whole, table, pg, NULL, &j, &err), CM_OK);
  return j;
}

/* Page pg of hub's hierarchy at now narrowed by n: its result (*j_out the
 * answer when CM_OK). */
static cm_rc narrowed_page(hub_ctx *hub, uint64_t now, const hub_dash_rows *n, const char *pg,
                           json_t **j_out) {
  hub_dash_params p;
  memset(&p, 0, sizeof p);
  hub_dash_scope scope;
  memset(&scope, 0, sizeof scope);
  cm_err err;
  *j_out = NULL;
  return hub_dashboard_answer_page(hub, "hierarchy", &scope, &p, now, NULL, 0, pg, NULL, n, j_out,
                                   &err);
}

/* Page pg of hub's hierarchy asked for as r says has the organisations of
 * page pg of whole, in its order. */
static void same_page(hub_ctx *hub, uint64_t now, const hub_dash_rows *r, json_t *whole,
                      const char *pg) {
  json_t *j = NULL, *want = page_of(whole, NULL, pg);
  assert_int_equal(narrowed_page(hub, now, r, pg, &j), CM_OK);
  assert_true(
      json_equal(json_object_get(j, "organisations"), json_object_get(want, "organisations")));
  json_decref(want);
  json_decref(j);
}

/* Rows of table `name` of answer j whose field is want. */
static size_t rows_with(const json_t *j, const char *name, const char *field, const char *want) {
  size_t i, n = 0;
  json_t *r;
  json_array_foreach(json_object_get(j, name), i, r) {
    const char *v = json_string_value(json_object_get(r, field));
    n += v && strcmp(v, want) == 0;
  }
  return n;
}

/* 1 when row a may come before row b sorted by col (numbers), asc or desc. */
static int in_order(json_t *a, json_t *b, const char *col, int desc) {
  json_int_t x = json_integer_value(json_object_get(a, col));
  json_int_t y = json_integer_value(json_object_get(b, col));
  return desc ? x >= y : x <= y;
}

/* Index in table rows of the organisation row r names (its id), or -1. */
static long index_of(json_t *rows, json_t *r) {
  const char *id = json_string_value(json_object_get(r, "id"));
  size_t i;
  json_t *v;
  json_array_foreach(rows, i, v) {
    if (id && !strcmp(id, json_string_value(json_object_get(v, "id")))) return (long)i;
  }
  return -1;
}

/* The hierarchy sorted (?sort=members&order=...): every row once, numbers in
 * order, equal ones in the answer's order; across pages; narrowed and sorted
 * together; the answer held in memory is untouched. */
static void check_sorted(hub_ctx *hub, uint64_t now, json_t *whole) {
  json_t *all = json_object_get(whole, "organisations");
  for (int desc = 0; desc < 2; desc++) {
    hub_dash_rows r = {NULL, NULL, "members", desc ? "desc" : "asc"};
    json_t *j = NULL, *rows = json_array();
    const char *pages[] = {"1", "2", "3"};
    for (size_t pg = 0; pg < 3; pg++) {
      assert_int_equal(narrowed_page(hub, now, &r, pages[pg], &j), CM_OK);
      json_array_extend(rows, json_object_get(j, "organisations"));
      json_decref(j);
    }
    assert_int_equal(json_array_size(rows), json_array_size(all));
    for (size_t i = 1; i < json_array_size(rows); i++) {
      json_t *a = json_array_get(rows, i - 1), *b = json_array_get(rows, i);
      assert_true(in_order(a, b, "members", desc));
      if (json_integer_value(json_object_get(a, "members")) ==
          json_integer_value(json_object_get(b, "members"))) {
        long ia = index_of(all, a), ib = index_of(all, b);
        assert_true(ia >= 0 && ia < ib);
      }
    }
    json_decref(rows);
  }
  /* narrowed and sorted: the community's rows, in order */
  json_t *c3 = json_array_get(json_object_get(whole, "communities"), 3);
  hub_dash_rows nr = {NULL, json_string_value(json_object_get(c3, "community")), "members", "desc"};
  json_t *j = NULL;
  assert_int_equal(narrowed_page(hub, now, &nr, "1", &j), CM_OK);
  json_t *mine = json_object_get(j, "organisations");
  assert_int_equal(json_array_size(mine),
                   rows_with(whole, "organisations", "community", nr.community));
  for (size_t i = 1; i < json_array_size(mine); i++)
    assert_true(in_order(json_array_get(mine, i - 1), json_array_get(mine, i), "members", 1));
  json_decref(j);
  /* a column no table has leaves the order as it is */
  hub_dash_rows none = {NULL, NULL, "no_such_column", "asc"};
  same_page(hub, now, &none, whole, "2");
}

/* The hierarchy of one community (?community=), of the answer whole and of
 * one street: its rows only, counted and cut to pages after narrowing, the
 * totals of every row, the answer held in memory unchanged; a name that is
 * not text, or too long, is refused. */
static void check_narrowed(hub_ctx *hub, uint64_t now, json_t *whole) {
  json_t *c7 = json_array_get(json_object_get(whole, "communities"), 7);
  const char *name = json_string_value(json_object_get(c7, "community"));
  const char *street = json_string_value(json_object_get(c7, "street"));
  assert_non_null(name);
  size_t want = rows_with(whole, "organisations", "community", name);
  assert_true(want > 0 && want < json_array_size(json_object_get(whole, "organisations")));
  hub_dash_rows n = {street, name, NULL, NULL};
  json_t *j = NULL;
  assert_int_equal(narrowed_page(hub, now, &n, "1", &j), CM_OK);
  assert_int_equal(json_array_size(json_object_get(j, "organisations")), want);
  assert_int_equal(rows_with(j, "organisations", "community", name), want);
  assert_int_equal(json_array_size(json_object_get(j, "communities")), 1);
  json_t *tables = json_object_get(json_object_get(j, "paging"), "tables");
  assert_int_equal(
      json_integer_value(json_object_get(json_object_get(tables, "organisations"), "rows")), want);
  assert_true(json_equal(json_object_get(j, "totals"), json_object_get(whole, "totals")));
  json_decref(j);
  /* one street (every row of this street hub): every row, on pages */
  hub_dash_rows s = {street, NULL, NULL, NULL};
  same_page(hub, now, &s, whole, "3");
  hub_dash_rows nobody = {"没有这条街", NULL, NULL, NULL};
  assert_int_equal(narrowed_page(hub, now, &nobody, NULL, &j), CM_OK);
  assert_int_equal(json_array_size(json_object_get(j, "organisations")), 0);
  assert_int_equal(json_array_size(json_object_get(j, "communities")), 0);
  json_decref(j);
  /* the answer itself is untouched */
  json_t *again = hierarchy_page(hub, now, NULL, 0, "2", NULL, 0);
  json_t *page2 = page_of(whole, NULL, "2");
  assert_true(
      json_equal(json_object_get(again, "organisations"), json_object_get(page2, "organisations")));
  json_decref(again);
  json_decref(page2);
  char longer[HUB_DASH_NARROW_MAX + 2];
  memset(longer, 'a', sizeof longer - 1);
  longer[sizeof longer - 1] = '\0';
  hub_dash_rows bad[] = {{"\xff\xfe", NULL, NULL, NULL},
                         {NULL, longer, NULL, NULL},
                         {NULL, NULL, "Members", NULL},
                         {NULL, NULL, "members", "up"}};
  for (size_t i = 0; i < 4; i++) {
    assert_int_equal(narrowed_page(hub, now, &bad[i], "1", &j), CM_ERR_INVALID);
    assert_null(j);
  }
}

/* Rows of table `name` of answer j whose field is want, in their order: a
 * new array. */
static json_t *rows_named(const json_t *j, const char *name, const char *field, const char *want) {
  json_t *out = json_array(), *r;
  size_t i;
  json_array_foreach(json_object_get(j, name), i, r) {
    const char *v = json_string_value(json_object_get(r, field));
    if (v && strcmp(v, want) == 0) json_array_append(out, r);
  }
  return out;
}

/* A restarted hub narrowed to a community, to a street, to both and
 * sorted, to nobody: the rows of the answer whole narrowed, in its order
 * (sorted: the same rows), with the paging of those rows; read from the
 * pages that name them (no mark of the whole answer kept), or, when whole
 * (an index that cannot be read), from the answer read whole (the mark). */
static void check_named(hub_ctx *hub, uint64_t now, json_t *whole, int whole_read) {
  json_t *c7 = json_array_get(json_object_get(whole, "communities"), 7);
  const char *cname = json_string_value(json_object_get(c7, "community"));
  const char *sname = json_string_value(json_object_get(c7, "street"));
  hub_dash_rows by[] = {{NULL, cname, NULL, NULL},
                        {sname, NULL, NULL, NULL},
                        {sname, cname, "members", "desc"},
                        {"没有这条街", NULL, NULL, NULL}};
  for (size_t i = 0; i < sizeof by / sizeof by[0]; i++) {
    json_t *j = NULL;
    assert_int_equal(narrowed_page(hub, now, &by[i], "1", &j), CM_OK);
    if (whole_read) { /* the mark stands for the answer: nothing to count */
      assert_non_null(json_object_get(j, "kept_mark"));
      json_decref(j);
      continue;
    }
    assert_null(json_object_get(j, "kept_mark"));
    static const char *const tables[] = {"organisations", "communities"};
    for (size_t t = 0; t < 2; t++) {
      json_t *want = by[i].community ? rows_named(whole, tables[t], "community", by[i].community)
                                     : rows_named(whole, tables[t], "street", by[i].street);
      json_t *got = json_object_get(j, tables[t]);
      json_t *rows =
          json_object_get(json_object_get(json_object_get(j, "paging"), "tables"), tables[t]);
      assert_int_equal(json_integer_value(json_object_get(rows, "rows")), json_array_size(want));
      size_t n = json_array_size(want) < 500 ? json_array_size(want) : 500;
      assert_int_equal(json_array_size(got), n);
      if (!by[i].sort || t == 1) { /* one community: sorted or not, its one row */
        for (size_t r = 0; r < n; r++)
          assert_true(json_equal(json_array_get(got, r), json_array_get(want, r)));
      } else {
        for (size_t r = 0; r < n; r++) {
          assert_true(index_of(want, json_array_get(got, r)) >= 0);
          if (r)
            assert_true(in_order(json_array_get(got, r - 1), json_array_get(got, r), "members", 1));
        }
      }
      json_decref(want);
    }
    json_decref(j);
  }
  /* the street is every row here: its pages are the answer's pages, the
   * first and last read from the kept pages they need */
  if (whole_read) return;
  same_page(hub, now, &by[1], whole, "2");
  same_page(hub, now, &by[1], whole, "3");
  same_page(hub, now, &by[1], whole, "4");
}

/* A kept answer's long tables are kept by pages too: a restarted hub gives a
 * page from them without reading the answer whole (here the whole is marked,
 * so that reading it would show), the same page a computation gives, and,
 * after another write, the same page marked as given behind while the
 * answer is computed again. */
/* A street hub in a new directory (*tmp_out) under sub with two long
 * tables: 510 communities (two pages), 1,020 organisations (three). */
static hub_ctx *big_hub(fx *f, const char *sub, char **tmp_out) {
  char *tmp = tl_tmpdir();
  assert_non_null(tmp);
  hub_ctx *hub = tl_hub(tmp, sub, HUB_ROLE_STREET, "望海楼街");
  assert_non_null(hub);
  gen_spec spec = {510, 2, 1, f->end, 12, 0};
  gen_totals tot;
  assert_int_equal(gen_hub_fill(hub, &spec, &tot), 0);
  *tmp_out = tmp;
  return hub;
}

static void wait_kept_current(fx *f, long long want);

static uint64_t page_runs(hub_ctx *hub) {
  hub_dash_stats st;
  hub_dashboard_stats(hub, &st);
  return st.page_runs;
}

/* Page pg, per rows a page, of hub's answer name with parameters p at now
 * equals that page of whole, and was computed for that page alone; then
 * the whole answer is kept behind it (in kept's database). */
static void page_alone(hub_ctx *hub, fx *kept, uint64_t now, const char *name,
                       const hub_dash_params *p, json_t *whole, const char *pg, const char *per) {
  hub_dash_scope scope;
  memset(&scope, 0, sizeof scope);
  cm_err err;
  json_t *got = NULL, *want = NULL;
  hub_dashboard_forget(hub);
  uint64_t runs = page_runs(hub);
  assert_int_equal(
      hub_dashboard_answer_page(hub, name, &scope, p, now, NULL, 0, pg, per, NULL, &got, &err),
      CM_OK);
  assert_int_equal(page_runs(hub), runs + 1);
  assert_int_equal(hub_dashboard_page(whole, NULL, pg, per, &want, &err), CM_OK);
  if (!json_equal(got, want)) {
    char *a = json_dumps(got, JSON_COMPACT), *b = json_dumps(want, JSON_COMPACT);
    fprintf(stderr, "%s page %s of %s:\n%.600s\n%.600s\n", name, pg, per ? per : "500", a, b);
    free(a);
    free(b);
  }
  assert_true(json_equal(got, want));
  json_decref(got);
  json_decref(want);
  wait_kept_current(kept, 1);
}

/* Every page of per rows, past the end too, of answer name (p), computed
 * alone, against the whole answer; long: its table that decides the pages. */
static void pages_alone(hub_ctx *hub, fx *kept, uint64_t now, const char *name,
                        const hub_dash_params *p, const char *longest, const char *per) {
  hub_dash_scope scope;
  memset(&scope, 0, sizeof scope);
  cm_err err;
  json_t *whole = NULL;
  int was = hub->dash_page_orgs;
  hub->dash_page_orgs = -1;
  hub_dashboard_forget(hub);
  assert_int_equal(hub_dashboard_answer(hub, name, &scope, p, now, &whole, &err), CM_OK);
  hub->dash_page_orgs = was;
  size_t rows = json_array_size(json_object_get(whole, longest));

  size_t n = (rows + (size_t)atol(per) - 1) / (size_t)atol(per);
  assert_true(n >= 2);
  for (size_t pg = 1; pg <= n + 1; pg += pg < 2 || pg + 2 > n ? 1 : n - pg - 1) {
    char s[32];
    snprintf(s, sizeof s, "%zu", pg);
    page_alone(hub, kept, now, name, p, whole, s, per);
  }
  json_decref(whole);
}

/* A hub holding at least hub_ctx.dash_page_orgs organisations computes a
 * page asked for while it keeps no answer for that page alone: the other
 * rows of the organisations are counted, not built.  Every page, of any
 * size, past the end too, and of a category, is the whole answer's page;
 * the whole answer is then computed and kept behind it.  Below the count,
 * the answer is computed whole as before. */
static void test_page_computed(void **state) {
  fx *f = *state;
  char *tmp = NULL;
  hub_ctx *hub = big_hub(f, "paged", &tmp);
  json_t *whole = hierarchy_at(hub, f->now); /* always computed whole (dash_wait_ms -1) */
  hub_dash_params p, none;
  memset(&p, 0, sizeof p);
  memset(&none, 0, sizeof none);
  p.category = "文体活动";
  hub_dash_scope scope;
  memset(&scope, 0, sizeof scope);
  cm_err err;
  json_t *whole_cat = NULL;
  assert_int_equal(hub_dashboard_answer(hub, "hierarchy", &scope, &p, f->now, &whole_cat, &err),
                   CM_OK);
  size_t n_cat = json_array_size(json_object_get(whole_cat, "organisations"));
  assert_true(n_cat > 7 && n_cat < 1020);
  assert_int_equal(page_runs(hub), 0);

  fx kept = *f;
  snprintf(kept.dir, sizeof kept.dir, "%s/paged", tmp);
  snprintf(kept.db, sizeof kept.db, "%s/hub.db", kept.dir);
  hub->dash_wait_ms = 0;
  hub->dash_page_orgs = 1020;
  static const char *const pages[] = {"1", "2", "3", "4"};
  for (size_t i = 0; i < 4; i++)
    page_alone(hub, &kept, f->now, "hierarchy", &none, whole, pages[i], NULL);
  uint64_t runs = page_runs(hub);
  pages_alone(hub, &kept, f->now, "hierarchy", &none, "organisations", "7");
  pages_alone(hub, &kept, f->now, "hierarchy", &p, "organisations", "7");
  pages_alone(hub, &kept, f->now, "completeness", &none, "missing", "3");
  pages_alone(hub, &kept, f->now, "stations", &none, "needing", "3");
  pages_alone(hub, &kept, f->now, "attention", &none, "party_station", "7");
  pages_alone(hub, &kept, f->now, "attention", &p, "party_station", "3");
  /* half a year on, every organisation has been quiet */
  pages_alone(hub, &kept, f->now + 183ull * 24 * 3600 * 1000, "attention", &none, "inactive", "7");
  /* for a file of one table: its page (the others may come empty) */
  json_t *file = NULL, *cut = NULL;
  hub_dashboard_forget(hub);
  assert_int_equal(hub_dashboard_answer_page(hub, "hierarchy", &scope, &none, f->now,
                                             "organisations", 1, "3", "7", NULL, &file, &err),
                   CM_OK);
  assert_int_equal(hub_dashboard_page(whole, "organisations", "3", "7", &cut, &err), CM_OK);
  assert_true(
      json_equal(json_object_get(file, "organisations"), json_object_get(cut, "organisations")));
  assert_true(json_equal(json_object_get(file, "paging"), json_object_get(cut, "paging")));
  json_decref(file);
  json_decref(cut);
  wait_kept_current(&kept, 1);
  runs = page_runs(hub) - runs;
  assert_true(runs >= 21);

  /* one organisation fewer than the count: the whole answer, cut */
  hub->dash_page_orgs = 1021;
  hub_dashboard_forget(hub);
  json_t *got = hierarchy_page(hub, f->now, NULL, 0, "2", NULL, 0);
  json_t *want = page_of(whole, NULL, "2");
  assert_true(json_equal(got, want));
  assert_int_equal(page_runs(hub), 4 + runs);
  json_decref(got);
  json_decref(want);
  json_decref(whole_cat);
  json_decref(whole);
  hub_close(hub);
  tl_rmrf(tmp);
  free(tmp);
}

static void test_pages(void **state) {
  fx *f = *state;
  char *tmp = NULL;
  hub_ctx *hub = big_hub(f, "big", &tmp);
  hub->dash_wait_ms = 0;
  hub_dashboard_forget(hub);
  json_t *whole = hierarchy_at(hub, f->now);
  assert_int_equal(json_array_size(json_object_get(whole, "organisations")), 1020);
  assert_int_equal(json_array_size(json_object_get(whole, "communities")), 510);
  check_narrowed(hub, f->now, whole);
  check_sorted(hub, f->now, whole);
  hub_close(hub); /* writes the kept answer and its pages */

  fx big = *f;
  snprintf(big.dir, sizeof big.dir, "%s/big", tmp);
  snprintf(big.db, sizeof big.db, "%s/hub.db", big.dir);
  assert_int_equal(sql_int(&big, "SELECT count(*) FROM answer_pages WHERE tbl = 'organisations'"
                                 " AND page > 0"),
                   3);
  assert_int_equal(
      sql_int(&big, "SELECT count(*) FROM answer_pages WHERE tbl = 'communities' AND page > 0"), 2);
  /* and each its index by street and community (page 0) */
  assert_int_equal(sql_int(&big, "SELECT count(*) FROM answer_pages WHERE tbl <> '' AND page = 0"),
                   2);
  mark_kept(&big);

  hub = open_behind(&big, 0);
  const char *pages[] = {"1", "2", "3", "4"};
  for (size_t i = 0; i < 4; i++) {
    json_t *got = hierarchy_page(hub, f->now, NULL, 0, pages[i], NULL, 0);
    json_t *want = page_of(whole, NULL, pages[i]);
    assert_true(json_equal(got, want));
    json_decref(got);
    json_decref(want);
  }
  check_named(hub, f->now, whole, 0);
  /* one table cut, for a file: its page; the other long one left empty */
  json_t *got = hierarchy_page(hub, f->now, "organisations", 1, "3", "500", 0);
  json_t *want = page_of(whole, "organisations", "3");
  assert_int_equal(json_array_size(json_object_get(got, "organisations")), 20);
  assert_true(
      json_equal(json_object_get(got, "organisations"), json_object_get(want, "organisations")));
  assert_true(json_equal(json_object_get(got, "paging"), json_object_get(want, "paging")));
  assert_int_equal(json_array_size(json_object_get(got, "communities")), 0);
  json_decref(got);
  json_decref(want);
  /* another page size, or one table cut for the API (the other long one then
   * comes whole), reads the answer whole: the mark */
  got = hierarchy_page(hub, f->now, NULL, 0, "1", "100", 0);
  assert_non_null(json_object_get(got, "kept_mark"));
  json_decref(got);
  got = hierarchy_page(hub, f->now, "organisations", 0, "1", NULL, 0);
  assert_non_null(json_object_get(got, "kept_mark"));
  json_decref(got);
  hub_close(hub);

  /* a page that cannot be read (damaged bytes) is never given: the other
   * pages still are, and for it the answer is read whole (the mark) */
  sql_int(&big, "UPDATE answer_pages SET body = randomblob(200)"
                " WHERE tbl = 'organisations' AND page = 3");
  hub = open_behind(&big, 0);
  got = hierarchy_page(hub, f->now, NULL, 0, "2", NULL, 0);
  want = page_of(whole, NULL, "2");
  assert_true(json_equal(got, want));
  json_decref(got);
  json_decref(want);
  got = hierarchy_page(hub, f->now, NULL, 0, "3", NULL, 0);
  assert_non_null(json_object_get(got, "kept_mark"));
  json_decref(got);
  hub_close(hub);
  /* nor an index that cannot be read: narrowed from the answer read whole */
  sql_int(&big, "UPDATE answer_pages SET body = randomblob(200)"
                " WHERE tbl = 'organisations' AND page = 0");
  hub = open_behind(&big, 0);
  check_named(hub, f->now, whole, 1);
  hub_close(hub);

  /* written since: the kept page given behind, then the new one */
  tl_author who;
  assert_int_equal(tl_author_new(&who), 0);
  hub = open_behind(&big, 0);
  assert_int_equal(tl_enroll(hub, &who, "后来社区", "120101001998"), 0);
  uint64_t later = f->now + 60000;
  got = hierarchy_page(hub, later, NULL, 0, "2", NULL, 0);
  want = page_of(whole, NULL, "2");
  check_behind(got, want, f->now);
  json_decref(got);
  json_decref(want);
  json_t *fresh = hierarchy_page(hub, later, NULL, 0, "2", NULL, 1); /* ?fresh=1 */
  assert_null(json_object_get(fresh, "updating"));
  assert_int_equal(communities_of(fresh), communities_of(whole) + 1);
  json_decref(fresh);
  json_t *done = hierarchy_when_done(hub, later);
  assert_int_equal(communities_of(done), communities_of(whole) + 1);
  json_decref(done);
  hub_close(hub);

  json_decref(whole);
  tl_rmrf(tmp);
  free(tmp);
}

/* Kept answers of the data as it is now (the current generation). */
static long long kept_current(fx *f) {
  return sql_int(f, "SELECT count(*) FROM answers a, data_gen g WHERE a.gen = g.gen");
}

/* Wait (at most 60 s) until want answers of the current generation are kept. */
static void wait_kept_current(fx *f, long long want) {
  for (int i = 0; i < 6000 && kept_current(f) != want; i++)
    usleep(10000);
  assert_int_equal(kept_current(f), want);
}

/* An answer asked for is kept warm by the cache's thread: computed for a
 * new day without a request, and after a write once its last computation
 * is HUB_DASH_WARM_AFTER_MS old (then the request gets it current, not
 * behind); a younger one is still given behind.  The thread's clock is the
 * fixed one (f->now); the requests are made at earlier clocks. */
static void test_warm(void **state) {
  fx *f = *state;
  hub_ctx *hub = open_behind(f, 1);
  hub->dash_warm_ms = 10;
  hub_dash_params p;
  memset(&p, 0, sizeof p);
  hub_dash_scope scope;
  memset(&scope, 0, sizeof scope);
  cm_err err;
  uint64_t early = f->now - HUB_DASH_WARM_AFTER_MS - 60000, yesterday = f->now - 86400000ull;
  json_t *a = hierarchy_at(hub, early), *y = NULL;
  assert_int_equal(hub_dashboard_answer(hub, "completeness", &scope, &p, yesterday, &y, &err),
                   CM_OK);
  json_decref(y);
  /* the hierarchy, yesterday's completeness, and today's, computed by the
   * thread without a request */
  wait_kept_current(f, 3);

  tl_author who;
  assert_int_equal(tl_author_new(&who), 0);
  assert_int_equal(tl_enroll(hub, &who, "暖和社区", "120101001995"), 0);
  /* the hierarchy, made long enough ago, computed again; today's
   * completeness, just made, not */
  wait_kept_current(f, 1);
  usleep(100000);
  assert_int_equal(kept_current(f), 1);
  json_t *h = hierarchy_at(hub, f->now);
  assert_null(json_object_get(h, "updating"));
  assert_int_equal(communities_of(h), communities_of(a) + 1);
  json_t *c = NULL;
  assert_int_equal(hub_dashboard_answer(hub, "completeness", &scope, &p, f->now, &c, &err), CM_OK);
  assert_true(json_is_true(json_object_get(c, "updating")));
  hub_close(hub);
  json_decref(a);
  json_decref(h);
  json_decref(c);
}

/* The requests asked for lately outlive a restart: the restarted `serve`
 * (hub_dashboard_warm_start) computes again, without a request, each one
 * whose kept answer is not of the data now, so that the first request after
 * the start gets the current answer, not one given behind; one whose kept
 * answer is still current is not computed again.  No tick of the cache's
 * thread falls within the test (dash_warm_ms a minute). */
static hub_ctx *open_warm(fx *f) {
  hub_ctx *hub = open_behind(f, 0);
  hub->dash_warm_ms = 60000;
  hub_dashboard_warm_start(hub);
  return hub;
}

/* At a hub of dash_page_orgs organisations or more, `serve`'s start loads
 * the organisations and the monthly reports before anyone asks; the first
 * page asked for then computes with them.  Below the count, nothing is
 * loaded. */
static void test_start_loads_organisations(void **state) {
  fx *f = *state;
  hub_dash_stats st;
  for (int big = 0; big < 2; big++) {
    sql_int(f, "DELETE FROM answer_watch");
    hub_ctx *hub = open_behind(f, 1);
    hub->dash_warm_ms = 60000;
    hub->dash_page_orgs = big ? 1 : 1000000;
    hub_dashboard_warm_start(hub);
    hub_dashboard_settle(hub);
    hub_dashboard_stats(hub, &st);
    assert_int_equal(st.base_loads, (uint64_t)big);
    assert_int_equal(st.report_loads, (uint64_t)big);
    if (big) {
      json_t *pg = hierarchy_page(hub, f->now, NULL, 0, "1", NULL, 0);
      json_decref(pg);
      hub_dashboard_stats(hub, &st);
      assert_int_equal(st.base_loads, 1);
      assert_int_equal(st.report_loads, 1);
    }
    hub_close(hub);
  }
}

static void test_warm_restart(void **state) {
  fx *f = *state;
  sql_int(f, "DELETE FROM answer_watch");
  hub_ctx *hub = open_behind(f, 1);
  hub->dash_warm_ms = 60000;
  json_t *a = hierarchy_at(hub, f->now), *c = NULL;
  hub_dash_params p;
  memset(&p, 0, sizeof p);
  hub_dash_scope scope;
  memset(&scope, 0, sizeof scope);
  cm_err err;
  assert_int_equal(hub_dashboard_answer(hub, "completeness", &scope, &p, f->now, &c, &err), CM_OK);
  json_decref(c);
  wait_kept_current(f, 2);
  hub_close(hub);
  assert_int_equal(sql_int(f, "SELECT count(*) FROM answer_watch"), 2);

  /* nothing written since: the kept answers (marked) are given as they are */
  mark_kept(f);
  hub = open_warm(f);
  usleep(300000);
  json_t *h = hierarchy_at(hub, f->now);
  assert_non_null(json_object_get(h, "kept_mark"));
  json_decref(h);
  hub_close(hub);

  /* another process wrote: both computed again at the start, unasked */
  write_enrol(f);
  assert_int_equal(kept_current(f), 0);
  hub = open_warm(f);
  wait_kept_current(f, 2);
  h = hierarchy_at(hub, f->now);
  assert_null(json_object_get(h, "updating"));
  assert_null(json_object_get(h, "kept_mark"));
  assert_int_equal(communities_of(h), communities_of(a) + 1);
  hub_close(hub);
  json_decref(a);
  json_decref(h);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_due_day),
      cmocka_unit_test(test_enrol),
      cmocka_unit_test(test_rebuild),
      cmocka_unit_test(test_text),
      cmocka_unit_test(test_behind),
      cmocka_unit_test(test_behind_restart),
      cmocka_unit_test(test_pages),
      cmocka_unit_test(test_page_computed),
      cmocka_unit_test(test_warm),
      cmocka_unit_test(test_warm_restart),
      cmocka_unit_test(test_start_loads_organisations),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
