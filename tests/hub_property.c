/* hub_property.c - random sequences of filings, amendments, reports,
 * corrections, reviews (accept, reject, accept except a record),
 * dissolutions, revocations, reports of organisations never filed and of
 * another community's, criticisms, rectifications and re-filings after a
 * rejection, over two street hubs with two communities each and one district
 * hub.  Each hub runs as a real `linli-hub serve` process on loopback: the
 * communities post real signed changesets to their street (POST
 * /api/v1/changesets), each street's logs go on to the district by the same
 * POST after every step (its own log first, as its forward loop sends it),
 * and the street's operator reviews and decides through the review and
 * decision pages' forms in a logged-in session.  The test holds the same
 * directories open, as the command line does beside serve: it reads, and
 * writes only the criticisms already overdue (issued with the clock set
 * back, which a running server cannot have) and the rebuilds.
 *
 * After every step the summary, the dashboard's hierarchy, activity and
 * completeness answers (January..May) and the attention answer's overdue
 * criticisms and inactive organisations, and every organisation's answer (its
 * current filing after the amendments that count, dissolution, each record's
 * status, reports, criticisms open or closed) at each street and at the
 * district equal an independent recomputation from a model of the logs, and
 * the CSV of each of their tables holds its JSON rows.  Over HTTP, the summary
 * after every step and at every tenth step (and the last) every one of those
 * answers and every table's CSV file must be the in-process answer, byte for
 * byte for the files.  Every twentieth step `rebuild` must give each hub's
 * incremental projection again, and the served figures after it are checked
 * at once.  The run ends by rectifying every open criticism and accepting
 * every waiting batch, so that an overdue criticism closed by a rectification
 * is always reached. */
/* cmocka needs these before it, in this order. */
/* clang-format off */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
/* clang-format on */

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "hub/dashboard.h"
#include "hub/decide.h"
#include "hub/ingest.h"
#include "hub/project.h"
#include "hub/review.h"
#include "hub/store.h"
#include "hub/summary.h"
#include "hub/table.h"
#include "hub_live.h"
#include "hub_testlib.h"

#ifndef LINLI_HUB_BIN
#error "LINLI_HUB_BIN must name the linli-hub binary"
#endif

#define N_COMM 4
#define N_STREET 2
#define MAX_ORGS 12
#define MAX_ENTRIES 400
#define N_MONTHS 5
#define STEPS 160
#define NOW_MS 1781496000000ull /* 2026-06-15 12:00 Asia/Shanghai */
/* After every step the summary is read over HTTP as well; every HTTP_EVERY
 * steps and at the last every answer of the dashboard, every organisation's
 * and every table as CSV (a checkpoint: reading them all after every step
 * would double the run time, too long under the sanitizers).  Every
 * REBUILD_EVERY steps `rebuild` must give the same projection. */
#define HTTP_EVERY 10
#define REBUILD_EVERY 20
#define OP_NAME "李"
#define OP_PASSWORD "prop-test-pw1"

/* One entry a community wrote, as the model sees it. */
typedef struct m_entry {
  int kind; /* 0 filing or amendment, 1 report, 2 dissolution, 3 hostile, 4 rectification */
  int org;  /* index into its community's orgs */
  int crit; /* a rectification: index into crits */
  int month, participants;
  int amend;        /* kind 0: 1 for an org.amended */
  char leader[24];  /* kind 0: the leader it files or amends to */
  char status; /* 'p', 'a', 'r' (rejected), 'x' (refused) */
} m_entry;

typedef struct m_comm {
  tl_author a;
  char code[16];
  int n_orgs;
  int dissolved[MAX_ORGS], revoked[MAX_ORGS];
  m_entry e[MAX_ENTRIES + 1]; /* by sequence number */
  uint64_t n;
} m_comm;

static m_comm comm[N_COMM];

/* The criticisms the streets decided. */
#define MAX_CRITS 64
static struct {
  int c, o, overdue; /* overdue: its deadline is before NOW_MS's day */
  char rec[PROTO_KEY_HEX + 24];
} crits[MAX_CRITS];
static int n_crits;

/* Whether the street accepted a rectification of criticism k (1), one waits
 * for review (2), or neither (0). */
static int crit_state(int k) {
  int waiting = 0;
  const m_comm *m = &comm[crits[k].c];
  for (uint64_t s = 1; s <= m->n; s++)
    if (m->e[s].kind == 4 && m->e[s].crit == k) {
      if (m->e[s].status == 'a') return 1;
      if (m->e[s].status == 'p') waiting = 1;
    }
  return waiting ? 2 : 0;
}
static hub_ctx *streets[N_STREET], *district;
static hub_ctx *hub; /* the street of the step being made */

/* The `linli-hub serve` process of each hub (the streets, then the district)
 * over the same directory the test holds open.  Everything a community or a
 * street sends, every review and decision goes to it over HTTP; the test
 * itself reads, rebuilds, and issues the criticisms already overdue (as
 * `linli-hub decide` would beside serve: that needs the clock set back,
 * which a running server cannot have). */
static hl_hub serving[N_STREET + 1];
static char *tmp; /* the hubs' directories, removed at the end, passed or not */
/* What this step reads over HTTP as well: 1 the summary, 2 (a checkpoint)
 * everything. */
static int http_now;
static unsigned long http_answers, http_csvs; /* how many were compared */

static hl_hub *live_of(const hub_ctx *at) {
  for (int st = 0; st < N_STREET; st++)
    if (at == streets[st]) return &serving[st];
  return &serving[N_STREET];
}

/* What each street has forwarded of each author (its key, the last seq). */
static struct {
  uint8_t key[PROTO_KEY_BYTES];
  uint64_t seq;
} fwd[N_STREET][N_COMM + 2];
static unsigned seed = 20261203u;

static unsigned rnd(unsigned n) {
  seed = seed * 1103515245u + 12345u;
  return (seed >> 8) % n;
}

static void org_id(int c, int o, char out[32]) {
  snprintf(out, 32, "%s-%04d", comm[c].code, o + 1);
}

/* Push one entry of community c as its own changeset (one batch). */
static void push(int c, const char *kind, const char *body, m_entry me) {
  uint8_t *cs = NULL, *b = NULL;
  size_t len = 0, blen = 0;
  comm[c].a.time_ms = NOW_MS - 3600000 + comm[c].n * 1000;
  assert_int_equal(tl_changeset(&comm[c].a, 1, &kind, &body, 0, &cs, &len), 0);
  const size_t lens[] = {len};
  assert_int_equal(tl_bundle(&cs, lens, 1, &b, &blen), 0);
  cm_buf ans;
  long st = hl_request(&serving[c % N_STREET], "POST", "/api/v1/changesets",
                       "application/vnd.linli.bundle", b, blen, &ans);
  if (st != 200)
    fail_msg("POST /api/v1/changesets to %s answered %ld: %.*s", streets[c % N_STREET]->name, st,
             (int)ans.len, ans.p ? (const char *)ans.p : "");
  cm_buf_free(&ans);
  comm[c].e[++comm[c].n] = me;
  free(cs);
  free(b);
}

/* The organisation's status as the model computes it: 'v' revoked, else the
 * latest decided filing's 'a'/'r', else 'p'. */
static char org_status(int c, int o) {
  if (comm[c].revoked[o]) return 'v';
  for (uint64_t s = comm[c].n; s >= 1; s--) {
    const m_entry *e = &comm[c].e[s];
    if (e->kind == 0 && e->org == o && (e->status == 'a' || e->status == 'r')) return e->status;
  }
  return 'p';
}

typedef struct want {
  long long acc_orgs, pend_orgs, acc_part, pend_part, dash_orgs, dash_part;
} want;

/* The figures of street street_of's communities (-1: all, the district's). */
static want model(int street_of) {
  want w;
  memset(&w, 0, sizeof w);
  for (int c = 0; c < N_COMM; c++)
    for (int o = 0; o < comm[c].n_orgs && (street_of < 0 || c % N_STREET == street_of); o++) {
      char st = org_status(c, o);
      int dis = comm[c].dissolved[o];
      if (st == 'v') continue; /* revoked: it and its reports count nowhere */
      if (!dis) {
        if (st == 'a')
          w.acc_orgs++;
        else
          w.pend_orgs++;
        if (st != 'r') w.dash_orgs++;
      }
      for (int m = 0; m < N_MONTHS; m++) {
        /* versions of (o, m), newest first */
        int newest = 1, counted_acc = 0;
        for (uint64_t s = comm[c].n; s >= 1; s--) {
          const m_entry *e = &comm[c].e[s];
          if (e->kind != 1 || e->org != o || e->month != m || e->status == 'x') continue;
          int acc = e->status == 'a' && st == 'a';
          if (newest) {
            newest = 0;
            /* the summary: newest accepted, else pending */
            if (acc) {
              w.acc_part += e->participants;
              counted_acc = 1;
            } else {
              w.pend_part += e->participants;
            }
            /* the dashboard: the current report unless rejected, of an
             * organisation not rejected */
            if (st != 'r' && e->status != 'r') w.dash_part += e->participants;
          } else if (!counted_acc && acc) {
            w.acc_part += e->participants;
            counted_acc = 1;
          }
        }
      }
    }
  return w;
}

/* The API path of answer `name` with parameters p, as ext ("" or ".csv", then
 * of table `table`). */
static void dash_path(const char *name, const hub_dash_params *p, const char *ext,
                      const char *table, char *out, size_t cap) {
  char v[128];
  size_t n;
  if (strcmp(name, "org") == 0)
    n = (size_t)snprintf(out, cap, "/api/v1/dashboard/org/%s%s?", hl_pct(p->org, v, sizeof v),
                         ext);
  else
    n = (size_t)snprintf(out, cap, "/api/v1/dashboard/%s%s?", name, ext);
  const char *const keys[] = {"month", "from", "to", "category", "table"};
  const char *const vals[] = {p->month, p->from, p->to, p->category, table};
  for (size_t i = 0; i < sizeof keys / sizeof *keys && n < cap; i++)
    if (vals[i])
      n += (size_t)snprintf(out + n, cap - n, "%s=%s&", keys[i], hl_pct(vals[i], v, sizeof v));
  assert_true(n < cap);
  out[n - 1] = 0; /* the last '&' or '?' */
}

/* GET path at at's serve process: its JSON answer (the caller frees). */
static json_t *http_json(hub_ctx *at, const char *path, const char *where, int step) {
  cm_buf b;
  long st = hl_request(live_of(at), "GET", path, NULL, NULL, 0, &b);
  json_t *j = st == 200 ? json_loadb((const char *)b.p, b.len, 0, NULL) : NULL;
  http_answers++;
  if (!j)
    fail_msg("step %d, %s: GET %s answered %ld: %.*s", step, where, path, st,
             (int)(b.len < 300 ? b.len : 300), b.p ? (const char *)b.p : "");
  cm_buf_free(&b);
  return j;
}

/* The answer over HTTP (theirs, freed here) is the in-process one. */
static void same_json(const json_t *mine, json_t *theirs, const char *path, const char *where,
                      int step) {
  if (!json_equal((json_t *)mine, theirs)) {
    char *a = json_dumps(mine, JSON_COMPACT | JSON_SORT_KEYS);
    char *b = json_dumps(theirs, JSON_COMPACT | JSON_SORT_KEYS);
    size_t k = 0;
    while (a && b && a[k] && a[k] == b[k])
      k++;
    size_t from = k > 60 ? k - 60 : 0;
    fail_msg("step %d, %s: GET %s is not the in-process answer; from byte %zu, over HTTP "
             "'%.200s', in-process '%.200s'",
             step, where, path, from, b ? b + from : "", a ? a + from : "");
  }
  json_decref(theirs);
}

/* The dashboard's answer `name` (p) at `at`, in-process; at an HTTP
 * checkpoint the same answer must come from at's serve process, in the
 * operator's session.  The caller frees. */
static json_t *answer(hub_ctx *at, const char *name, const hub_dash_params *p, const char *where,
                      int step) {
  hub_dash_scope scope;
  json_t *j = NULL;
  cm_err err;
  cm_err_clear(&err);
  memset(&scope, 0, sizeof scope);
  if (hub_dashboard_answer(at, name, &scope, p, NOW_MS, &j, &err) != CM_OK)
    fail_msg("step %d, %s: no %s answer: %s", step, where, name, err.msg);
  if (http_now >= 2) {
    char path[512];
    dash_path(name, p, "", NULL, path, sizeof path);
    json_t *theirs = http_json(at, path, where, step);
    /* The organisation's page also lists its attachments (hub/web_dashboard.c,
     * from the archive, not a figure): an array, then compared without it. */
    if (!strcmp(name, "org")) {
      if (!json_is_array(json_object_get(theirs, "attachments")))
        fail_msg("step %d, %s: GET %s has no attachments list", step, where, path);
      json_object_del(theirs, "attachments");
    }
    same_json(j, theirs, path, where, step);
  }
  return j;
}

/* The summary at `at` (GET /api/v1/summary at a checkpoint).  Caller frees. */
static json_t *summary(hub_ctx *at, const char *where, int step) {
  json_t *s = hub_summary(at, NULL);
  assert_non_null(s);
  if (http_now) same_json(s, http_json(at, "/api/v1/summary", where, step), "/api/v1/summary",
                          where, step);
  return s;
}

static long long sum_of(json_t *s, const char *state, const char *key) {
  return json_integer_value(json_object_get(json_object_get(s, state), key));
}

static void csv_all(hub_ctx *at, const char *name, const hub_dash_params *p, const json_t *j,
                    const char *const *tables, const char *where, int step);

/* A total of answer name (January..June) at `at`, its tables checked as CSV. */
static long long dash(hub_ctx *at, const char *name, const char *key, const char *where,
                      int step) {
  hub_dash_params p;
  memset(&p, 0, sizeof p);
  p.from = "2026-01";
  p.to = "2026-06";
  json_t *j = answer(at, name, &p, where, step);
  long long v = json_integer_value(json_object_get(json_object_get(j, "totals"), key));
  csv_all(at, name, &p, j, NULL, where, step);
  json_decref(j);
  return v;
}

/* Forward everything street st holds that the district lacks: its own log
 * first (it teaches the district the community keys), then each author. */
static void forward(int st) {
  hub_fwd_author *list = NULL;
  size_t n = 0;
  assert_int_equal(hub_forward_authors(streets[st], &list, &n, NULL), CM_OK);
  for (size_t i = 0; i < n; i++) {
    size_t k;
    for (k = 0; k < N_COMM + 2; k++) {
      if (memcmp(fwd[st][k].key, list[i].author, PROTO_KEY_BYTES) == 0) break;
      if (fwd[st][k].seq == 0 && !fwd[st][k].key[0] && !fwd[st][k].key[1]) {
        memcpy(fwd[st][k].key, list[i].author, PROTO_KEY_BYTES);
        break;
      }
    }
    assert_true(k < N_COMM + 2);
    for (;;) {
      uint8_t *b = NULL;
      size_t blen = 0;
      uint64_t last = 0;
      assert_int_equal(hub_forward_pending(streets[st], list[i].author, fwd[st][k].seq, 5000,
                                           8u << 20, &b, &blen, &last, NULL),
                       CM_OK);
      if (last <= fwd[st][k].seq) {
        free(b);
        break;
      }
      cm_buf ans;
      long hst = hl_request(&serving[N_STREET], "POST", "/api/v1/changesets",
                            "application/vnd.linli.bundle", b, blen, &ans);
      if (hst != 200)
        fail_msg("forwarding to the district answered %ld: %.*s", hst, (int)ans.len,
                 ans.p ? (const char *)ans.p : "");
      cm_buf_free(&ans);
      fwd[st][k].seq = last;
      free(b);
    }
  }
  free(list);
}

/* The completeness figures of month m (0: 2026-01) that the model expects of
 * street street_of's communities (-1: all): expected, received, on time,
 * accepted, pending, rejected, missing. */
static void model_comp(int street_of, int m, long long out[7]) {
  memset(out, 0, 7 * sizeof out[0]);
  for (int c = 0; c < N_COMM; c++)
    for (int o = 0; o < comm[c].n_orgs && (street_of < 0 || c % N_STREET == street_of); o++) {
      char st = org_status(c, o);
      /* expected: filed in January, neither dissolved, rejected nor revoked */
      if (comm[c].dissolved[o] || st == 'r' || st == 'v') continue;
      out[0]++;
      for (uint64_t s = comm[c].n; s >= 1; s--) {
        const m_entry *e = &comm[c].e[s];
        if (e->kind != 1 || e->org != o || e->month != m || e->status == 'x') continue;
        /* the current version; every report is written in June, after the
         * due day of January..May, so none is on time */
        out[1]++;
        out[e->status == 'a' ? 3 : e->status == 'r' ? 5 : 4]++;
        break;
      }
    }
  out[6] = out[0] - out[1];
}

static void comp_equal(const json_t *row, int m, int street_of, const char *where, int step) {
  static const char *const keys[7] = {"expected", "received", "on_time", "accepted",
                                      "pending",  "rejected", "missing"};
  long long w[7];
  model_comp(street_of, m, w);
  for (int k = 0; k < 7; k++) {
    const char *key = keys[k];
    long long got = json_integer_value(json_object_get(row, key));
    if (got != w[k])
      fail_msg("step %d, %s: completeness of 2026-%02d, %s is %lld, the model says %lld", step,
               where, m + 1, key, got, w[k]);
  }
}

/* The CSV of table `table` of answer j holds exactly its rows: a header of
 * the first row's keys, then each row's values, in order. */
static void csv_equal(const json_t *j, const char *table, const char *where, int step) {
  cm_buf b;
  cm_err err;
  cm_buf_init(&b, 1u << 20);
  assert_int_equal(hub_dashboard_csv(j, table, &b, &err), CM_OK);
  assert_true(b.len >= 3 && memcmp(b.p, "\xEF\xBB\xBF", 3) == 0);
  char *text = strndup((const char *)b.p + 3, b.len - 3), *save = NULL;
  assert_non_null(text);
  const json_t *rows = json_object_get(j, table);
  size_t line = 0;
  for (char *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save), line++) {
    size_t n = strlen(l);
    assert_true(n > 0 && l[n - 1] == '\r');
    l[n - 1] = 0;
    const json_t *row = json_array_get(rows, line ? line - 1 : 0);
    if (!row)
      fail_msg("step %d, %s: the CSV of %s has a line %zu past its rows", step, where, table, line);
    const char *key;
    json_t *v;
    char *f = l;
    json_object_foreach((json_t *)row, key, v) {
      char cell[256];
      if (line == 0)
        snprintf(cell, sizeof cell, "%s", key);
      else if (json_is_integer(v))
        snprintf(cell, sizeof cell, "%lld", (long long)json_integer_value(v));
      else if (json_is_boolean(v))
        snprintf(cell, sizeof cell, "%s", json_is_true(v) ? "true" : "false");
      else
        snprintf(cell, sizeof cell, "%s", json_string_value(v) ? json_string_value(v) : "");
      /* the next field, unquoted (a quoted one doubles its quotes) */
      char got[256];
      size_t gl = 0;
      if (*f == '"') {
        for (f++; *f && !(f[0] == '"' && f[1] != '"'); f++) {
          if (f[0] == '"') f++;
          if (gl + 1 < sizeof got) got[gl++] = *f;
        }
        if (*f == '"') f++;
      } else {
        for (; *f && *f != ','; f++)
          if (gl + 1 < sizeof got) got[gl++] = *f;
      }
      got[gl] = 0;
      if (strcmp(got, cell) != 0 || (*f != ',' && *f != 0))
        fail_msg("step %d, %s: the CSV of %s, line %zu, reads '%s' where the JSON has '%s'", step,
                 where, table, line, got, cell);
      f += *f == ',';
    }
    if (*f)
      fail_msg("step %d, %s: the CSV of %s, line %zu, has more fields: '%s'", step, where, table,
               line, f);
  }
  if (line != json_array_size(rows) + (json_array_size(rows) ? 1 : 0))
    fail_msg("step %d, %s: the CSV of %s has %zu lines for %zu rows", step, where, table, line,
             json_array_size(rows));
  free(text);
  cm_buf_free(&b);
}

/* Table `table` of answer j (name, p) at `at` as CSV: the API's keys and
 * values in-process (csv_equal); at an HTTP checkpoint also the file people
 * download (GET NAME.csv?table=), which must be byte for byte the one the
 * in-process answer makes, a line per row under its header. */
static void csv_check(hub_ctx *at, const char *name, const hub_dash_params *p, const json_t *j,
                      const char *table, const char *where, int step) {
  csv_equal(j, table, where, step);
  if (http_now < 2) return;
  char path[512];
  cm_buf got, mine;
  hub_table t;
  cm_err err;
  dash_path(name, p, ".csv", table, path, sizeof path);
  long st = hl_request(live_of(at), "GET", path, NULL, NULL, 0, &got);
  if (st != 200)
    fail_msg("step %d, %s: GET %s answered %ld: %.*s", step, where, path, st,
             (int)(got.len < 300 ? got.len : 300), got.p ? (const char *)got.p : "");
  cm_buf_init(&mine, 64u << 20);
  assert_int_equal(hub_table_from(j, table, CM_LANG_ZH, 1, &t, &err), CM_OK);
  assert_int_equal(hub_table_csv(&t, &mine, &err), CM_OK);
  hub_table_free(&t);
  if (got.len != mine.len || memcmp(got.p, mine.p, got.len) != 0)
    fail_msg("step %d, %s: GET %s (%zu bytes) is not the CSV of the in-process answer (%zu bytes)",
             step, where, path, got.len, mine.len);
  http_csvs++;
  size_t lines = 0, rows = json_array_size(json_object_get(j, table));
  for (size_t i = 0; i < got.len; i++)
    lines += got.p[i] == '\n';
  if (lines != rows + (rows ? 1 : 0))
    fail_msg("step %d, %s: GET %s has %zu lines for %zu rows", step, where, path, lines, rows);
  cm_buf_free(&got);
  cm_buf_free(&mine);
}

/* The tables of answer j (its arrays of rows) as CSV: those the model
 * reads (`tables`, NULL-terminated) after every step, every one at a
 * checkpoint. */
static void csv_all(hub_ctx *at, const char *name, const hub_dash_params *p, const json_t *j,
                    const char *const *tables, const char *where, int step) {
  const char *key;
  json_t *v;
  int seen = 0;
  json_object_foreach((json_t *)j, key, v) {
    if (!json_is_array(v) || (json_array_size(v) && !json_is_object(json_array_get(v, 0))))
      continue;
    int listed = 0;
    for (size_t t = 0; tables && tables[t]; t++)
      listed |= strcmp(tables[t], key) == 0;
    if (!listed && http_now < 2) continue;
    csv_check(at, name, p, j, key, where, step);
    seen += listed;
  }
  size_t n_listed = 0;
  while (tables && tables[n_listed])
    n_listed++;
  if ((size_t)seen != n_listed)
    fail_msg("step %d, %s: the %s answer lacks a table it had", step, where, name);
}

/* Completeness of May (and through its series, January..April) at `at`. */
static void check_completeness(hub_ctx *at, int st, int step) {
  hub_dash_params p;
  memset(&p, 0, sizeof p);
  p.month = "2026-05";
  const char *where = st < 0 ? "district" : at->name;
  json_t *j = answer(at, "completeness", &p, where, step);
  comp_equal(json_object_get(j, "totals"), N_MONTHS - 1, st, where, step);
  const json_t *ser = json_object_get(j, "series");
  size_t k;
  json_t *row;
  int seen = 0;
  json_array_foreach(ser, k, row) {
    const char *ms = json_string_value(json_object_get(row, "month"));
    int m = ms && strncmp(ms, "2026-", 5) == 0 ? atoi(ms + 5) - 1 : -1;
    if (m < 0 || m >= N_MONTHS) continue;
    comp_equal(row, m, st, where, step);
    seen++;
  }
  assert_int_equal(seen, N_MONTHS);
  long long w[7];
  model_comp(st, N_MONTHS - 1, w);
  if ((long long)json_array_size(json_object_get(j, "missing")) != w[6])
    fail_msg("step %d, %s: %zu organisations listed missing May, the model says %lld", step, where,
             json_array_size(json_object_get(j, "missing")), w[6]);
  /* each street's row and each community's row */
  json_array_foreach(json_object_get(j, "streets"), k, row) {
    const char *name = json_string_value(json_object_get(row, "street"));
    for (int s = 0; s < N_STREET; s++)
      if (strcmp(name, streets[s]->name) == 0) comp_equal(row, N_MONTHS - 1, s, where, step);
  }
  static const char *const tables[] = {"series", "streets", "communities", "missing", NULL};
  csv_all(at, "completeness", &p, j, tables, where, step);
  json_decref(j);
}

/* The current report of (c, o, m) as the model sees it, or NULL. */
static const m_entry *current_report(int c, int o, int m) {
  for (uint64_t s = comm[c].n; s >= 1; s--) {
    const m_entry *e = &comm[c].e[s];
    if (e->kind == 1 && e->org == o && e->month == m && e->status != 'x') return e;
  }
  return NULL;
}

/* The attention answer at `at`: the open criticisms past their deadline, and
 * the organisations counted in the figures with no activity reported
 * (a current report not rejected) for March..May. */
static void check_attention(hub_ctx *at, int st, int step) {
  hub_dash_params p;
  memset(&p, 0, sizeof p);
  const char *where = st < 0 ? "district" : at->name;
  json_t *j = answer(at, "attention", &p, where, step);
  long long overdue = 0, inactive = 0;
  for (int k = 0; k < n_crits; k++)
    if ((st < 0 || crits[k].c % N_STREET == st) && crits[k].overdue && crit_state(k) != 1)
      overdue++;
  for (int c = 0; c < N_COMM; c++)
    for (int o = 0; o < comm[c].n_orgs && (st < 0 || c % N_STREET == st); o++) {
      char s = org_status(c, o);
      if (comm[c].dissolved[o] || s == 'r' || s == 'v') continue;
      int active = 0;
      for (int m = 2; m < N_MONTHS; m++) {
        const m_entry *e = current_report(c, o, m);
        if (e && (e->status != 'r')) active = 1;
      }
      inactive += !active;
    }
  long long got_overdue = (long long)json_array_size(json_object_get(j, "criticism_overdue"));
  long long got_inactive = (long long)json_array_size(json_object_get(j, "inactive"));
  if (got_overdue != overdue)
    fail_msg("step %d, %s: %lld criticisms overdue, the model says %lld", step, where, got_overdue,
             overdue);
  if (got_inactive != inactive)
    fail_msg("step %d, %s: %lld organisations inactive, the model says %lld", step, where,
             got_inactive, inactive);
  /* no filing here is flagged for its name or has three party members */
  assert_int_equal(json_array_size(json_object_get(j, "names")), 0);
  assert_int_equal(json_array_size(json_object_get(j, "party_station")), 0);
  static const char *const tables[] = {"criticism_overdue", "inactive", NULL};
  csv_all(at, "attention", &p, j, tables, where, step);
  json_decref(j);
}

/* The status of record seq of community c as the model sees it. */
static const char *rec_status(int c, uint64_t seq) {
  const m_entry *e = &comm[c].e[seq];
  switch (e->status) {
  case 'x': return "refused";
  case 'r': return "rejected";
  case 'p': return "pending";
  default: break;
  }
  /* An accepted report stays accepted until a newer version is accepted. */
  if (e->kind == 1)
    for (uint64_t s = seq + 1; s <= comm[c].n; s++)
      if (comm[c].e[s].kind == 1 && comm[c].e[s].org == e->org &&
          comm[c].e[s].month == e->month && comm[c].e[s].status == 'a')
        return "superseded";
  return "accepted";
}

/* The leader of (c, o) as its filing versions give it: a filing sets it, an
 * amendment changes it once the street accepted it (pending, rejected or
 * refused: not). */
static const char *model_leader(int c, int o) {
  const char *leader = "";
  for (uint64_t s = 1; s <= comm[c].n; s++) {
    const m_entry *e = &comm[c].e[s];
    if (e->kind != 0 || e->org != o) continue;
    if (!e->amend || e->status == 'a') leader = e->leader;
  }
  return leader;
}

/* The organisation answer (GET /api/v1/dashboard/org/{id}) of every
 * organisation at `at`: its current filing, dissolution, every record about
 * it with its status, its reports, and its decisions open or closed. */
static void check_orgs(hub_ctx *at, int st, int step) {
  const char *where = st < 0 ? "district" : at->name;
  for (int c = 0; c < N_COMM; c++) {
    if (st >= 0 && c % N_STREET != st) continue;
    char hex[PROTO_KEY_HEX];
    proto_key_hex(comm[c].a.kp.pk, hex);
    for (int o = 0; o < comm[c].n_orgs; o++) {
      hub_dash_params p;
      char id[32];
      org_id(c, o, id);
      memset(&p, 0, sizeof p);
      p.org = id;
      json_t *j = answer(at, "org", &p, where, step);
      const char *leader = json_string_value(json_object_get(json_object_get(j, "filing"), "leader"));
      if (!leader || strcmp(leader, model_leader(c, o)) != 0)
        fail_msg("step %d, %s: %s has leader '%s', the model says '%s'", step, where, id,
                 leader ? leader : "(none)", model_leader(c, o));
      if (json_is_true(json_object_get(j, "dissolved")) != (comm[c].dissolved[o] != 0))
        fail_msg("step %d, %s: %s dissolved is wrong", step, where, id);
      size_t want_records = 0, want_reports = 0, k;
      for (uint64_t s = 1; s <= comm[c].n; s++) {
        const m_entry *e = &comm[c].e[s];
        if (e->kind == 3 || e->org != o) continue;
        want_records++;
        want_reports += e->kind == 1;
      }
      const json_t *records = json_object_get(j, "records"), *r;
      if (json_array_size(records) != want_records ||
          json_array_size(json_object_get(j, "reports")) != want_reports)
        fail_msg("step %d, %s: %s lists %zu records and %zu reports, the model says %zu and %zu",
                 step, where, id, json_array_size(records),
                 json_array_size(json_object_get(j, "reports")), want_records, want_reports);
      json_array_foreach(records, k, r) {
        const char *rec = json_string_value(json_object_get(r, "record"));
        const char *status = json_string_value(json_object_get(r, "status"));
        assert_non_null(rec);
        assert_int_equal(strncmp(rec, hex, PROTO_KEY_HEX - 1), 0);
        uint64_t seq = strtoull(rec + PROTO_KEY_HEX, NULL, 10);
        assert_true(seq >= 1 && seq <= comm[c].n);
        if (!status || strcmp(status, rec_status(c, seq)) != 0)
          fail_msg("step %d, %s: record %llu of %s is '%s', the model says '%s'", step, where,
                   (unsigned long long)seq, id, status ? status : "", rec_status(c, seq));
      }
      /* its criticisms, open until a rectification of it is accepted */
      size_t want_decisions = comm[c].revoked[o] ? 1 : 0;
      const json_t *decisions = json_object_get(j, "decisions");
      for (int q = 0; q < n_crits; q++) {
        if (crits[q].c != c || crits[q].o != o) continue;
        want_decisions++;
        int found = 0;
        json_array_foreach(decisions, k, r) {
          if (strcmp(json_string_value(json_object_get(r, "record")), crits[q].rec) != 0) continue;
          found = 1;
          if (json_is_true(json_object_get(r, "closed")) != (crit_state(q) == 1))
            fail_msg("step %d, %s: criticism %s of %s closed is %d, the model says %d", step,
                     where, crits[q].rec, id, json_is_true(json_object_get(r, "closed")),
                     crit_state(q) == 1);
        }
        if (!found) fail_msg("step %d, %s: %s lacks criticism %s", step, where, id, crits[q].rec);
      }
      if (json_array_size(decisions) != want_decisions)
        fail_msg("step %d, %s: %s lists %zu decisions, the model says %zu", step, where, id,
                 json_array_size(decisions), want_decisions);
      static const char *const tables[] = {"reports", "amendments", "records", "decisions",
                                           NULL};
      csv_all(at, "org", &p, j, tables, where, step);
      json_decref(j);
    }
  }
}

static void check_at(hub_ctx *at, int st, int step) {
  want w = model(st);
  const char *where = st < 0 ? "district" : at->name;
  json_t *s = summary(at, where, step);
  long long got[6] = {sum_of(s, "accepted", "organisations"),
                      sum_of(s, "pending", "organisations"),
                      sum_of(s, "accepted", "participants"),
                      sum_of(s, "pending", "participants"),
                      dash(at, "hierarchy", "organisations", where, step),
                      dash(at, "activity", "participants", where, step)};
  long long exp[6] = {w.acc_orgs, w.pend_orgs, w.acc_part, w.pend_part, w.dash_orgs, w.dash_part};
  static const char *const what[6] = {
      "summary accepted organisations", "summary pending organisations",
      "summary accepted participants",  "summary pending participants",
      "hierarchy organisations",        "activity participants"};
  json_decref(s);
  check_completeness(at, st, step);
  check_attention(at, st, step);
  check_orgs(at, st, step);
  for (int i = 0; i < 6; i++)
    if (got[i] != exp[i])
      fail_msg("step %d, %s: %s is %lld, the model says %lld", step, where, what[i], got[i],
               exp[i]);
}

static void rebuild_equal(hub_ctx *at, int step);

/* After step `step` (last: the run's last): forward, then every reader at
 * every hub against the model; every HTTP_EVERY steps and at the last also
 * over HTTP, and every REBUILD_EVERY steps after `rebuild` at each hub (which
 * must give the projection it replaces, and the serve processes must then
 * answer from the rebuilt one). */
static void check(int step, int last) {
  for (int st = 0; st < N_STREET; st++)
    forward(st);
  if (last || step % REBUILD_EVERY == REBUILD_EVERY - 1) {
    for (int st = 0; st < N_STREET; st++)
      rebuild_equal(streets[st], step);
    rebuild_equal(district, step);
  }
  http_now = last || step % HTTP_EVERY == HTTP_EVERY - 1 ? 2 : 1;
  for (int st = 0; st < N_STREET; st++)
    check_at(streets[st], st, step);
  check_at(district, -1, step);
  http_now = 0;
}

/* Review one pending batch at random: accept, reject, or accept rejecting
 * its one record. */
static void review_batch(const json_t *b, unsigned how);

static void review_one(void) {
  json_t *list = NULL;
  hub = streets[rnd(N_STREET)];
  cm_err err;
  assert_int_equal(hub_review_list(hub, &list, &err), CM_OK);
  if (json_array_size(list) == 0) {
    json_decref(list);
    return;
  }
  const json_t *b = json_array_get(list, rnd((unsigned)json_array_size(list)));
  review_batch(b, rnd(10));
  json_decref(list);
}

/* Review batch b (of hub's list): how < 5 accepts, < 8 rejects, else accepts
 * rejecting its one record. */
static void review_batch(const json_t *b, unsigned how) {
  int64_t id = json_integer_value(json_object_get(b, "id"));
  uint64_t seq = (uint64_t)json_integer_value(json_object_get(b, "first_seq"));
  const char *ahex = json_string_value(json_object_get(b, "author"));
  int c = -1;
  for (int i = 0; i < N_COMM; i++) {
    char hex[PROTO_KEY_HEX];
    proto_key_hex(comm[i].a.kp.pk, hex);
    if (strcmp(hex, ahex) == 0) c = i;
  }
  assert_true(c >= 0);
  m_entry *e = &comm[c].e[seq];
  /* The street operator's form on the review page, as a browser posts it. */
  hl_hub *l = live_of(hub);
  char form[512], path[64], v[192];
  int n = snprintf(form, sizeof form, "csrf=%s&", hl_pct(l->csrf, v, sizeof v));
  if (how < 5) {
    snprintf(form + n, sizeof form - (size_t)n, "action=accept");
    if (e->status != 'x') e->status = 'a';
  } else if (how < 8) {
    snprintf(form + n, sizeof form - (size_t)n, "action=reject&confirm=1&reason=%s",
             hl_pct("请补全后重新备案", v, sizeof v));
    if (e->status != 'x') e->status = 'r';
  } else {
    snprintf(form + n, sizeof form - (size_t)n, "action=accept&except=%llu&why_%llu=%s",
             (unsigned long long)seq, (unsigned long long)seq, hl_pct("数字有误", v, sizeof v));
    if (e->status != 'x') e->status = 'r';
  }
  snprintf(path, sizeof path, "/review/%lld", (long long)id);
  cm_buf ans;
  long st = hl_request(l, "POST", path, "application/x-www-form-urlencoded", form, strlen(form),
                       &ans);
  if (st != 303)
    fail_msg("POST %s (%s) at %s answered %ld: %.*s", path, form, hub->name, st,
             (int)(ans.len < 400 ? ans.len : 400), ans.p ? (const char *)ans.p : "");
  cm_buf_free(&ans);
}

/* After the random steps: each open criticism of an organisation still
 * active is rectified, and the streets accept every batch waiting, checking
 * every reader after each step (so that an overdue criticism closed by a
 * rectification is always reached). */
static void settle(int *at_step) {
  for (int k = 0; k < n_crits; k++) {
    m_comm *m = &comm[crits[k].c];
    if (crit_state(k) != 0 || m->dissolved[crits[k].o] || m->revoked[crits[k].o]) continue;
    char id[32], body[512];
    m_entry me;
    memset(&me, 0, sizeof me);
    me.status = 'p';
    me.kind = 4;
    me.org = crits[k].o;
    me.crit = k;
    org_id(crits[k].c, crits[k].o, id);
    snprintf(body, sizeof body, "{\"org\":\"%s\",\"decision\":\"%s\",\"content\":\"已整改\"}", id,
             crits[k].rec);
    push(crits[k].c, "rectification.filed", body, me);
    check((*at_step)++, 0);
  }
  for (int st = 0; st < N_STREET; st++) {
    for (;;) {
      json_t *list = NULL;
      cm_err err;
      hub = streets[st];
      assert_int_equal(hub_review_list(hub, &list, &err), CM_OK);
      if (json_array_size(list) == 0) {
        json_decref(list);
        break;
      }
      review_batch(json_array_get(list, 0), 0);
      json_decref(list);
      check((*at_step)++, 0);
    }
  }
}

/* The street operator's decision about org through the decision page's form
 * (confirmed), at the street of this step; its record id into rec. */
static void decide_http(const char *kind, const char *org, const char *deadline,
                        const char *reason, char *rec, size_t cap) {
  hl_hub *l = live_of(hub);
  char form[1024], v[3][256];
  uint64_t before = tl_head(hub, hub->kp.pk);
  int n = snprintf(form, sizeof form, "csrf=%s&kind=%s&org=%s&reason=%s&confirm=1",
                   hl_pct(l->csrf, v[0], sizeof v[0]), kind, hl_pct(org, v[1], sizeof v[1]),
                   hl_pct(reason, v[2], sizeof v[2]));
  if (deadline) snprintf(form + n, sizeof form - (size_t)n, "&deadline=%s", deadline);
  cm_buf ans;
  long st = hl_request(l, "POST", "/decide", "application/x-www-form-urlencoded", form,
                       strlen(form), &ans);
  if (st != 303)
    fail_msg("POST /decide (%s) at %s answered %ld: %.*s", form, hub->name, st,
             (int)(ans.len < 400 ? ans.len : 400), ans.p ? (const char *)ans.p : "");
  cm_buf_free(&ans);
  /* the decision is the street's newest own record */
  uint64_t seq = tl_head(hub, hub->kp.pk);
  assert_int_equal(seq, before + 1);
  hub_record_id(hub->kp.pk, seq, rec, cap);
}

static void step(int i) {
  int c = (int)rnd(N_COMM);
  m_comm *m = &comm[c];
  hub = streets[c % N_STREET];
  char id[32], body[1024];
  unsigned op = rnd(21);
  int o = m->n_orgs ? (int)rnd((unsigned)m->n_orgs) : -1;
  int live = o >= 0 && !m->dissolved[o] && !m->revoked[o];
  m_entry me;
  memset(&me, 0, sizeof me);
  me.status = 'p';
  if ((op < 3 || o < 0) && m->n_orgs < MAX_ORGS) { /* file (or re-file a new one) */
    o = m->n_orgs++;
    org_id(c, o, id);
    snprintf(body, sizeof body,
             "{\"id\":\"%s\",\"name\":\"组织%d\",\"category\":\"助老\",\"leader\":\"王\","
             "\"phone\":\"1\",\"members\":20,\"party_members\":2,\"party_station\":false,"
             "\"founded_by\":\"self\",\"scope\":\"\",\"venue\":\"\",\"filed\":\"2026-01-01\","
             "\"flags\":[]}",
             id, o);
    me.kind = 0;
    me.org = o;
    snprintf(me.leader, sizeof me.leader, "王");
    push(c, "org.filed", body, me);
  } else if (op < 5 && live) { /* amend */
    org_id(c, o, id);
    snprintf(body, sizeof body, "{\"id\":\"%s\",\"changes\":{\"leader\":\"赵%d\"},\"flags\":[]}",
             id, i);
    me.kind = 0;
    me.org = o;
    me.amend = 1;
    snprintf(me.leader, sizeof me.leader, "赵%d", i);
    push(c, "org.amended", body, me);
  } else if (op < 11 && live) { /* report or correction */
    org_id(c, o, id);
    me.kind = 1;
    me.org = o;
    me.month = (int)rnd(N_MONTHS);
    me.participants = (int)rnd(500);
    snprintf(body, sizeof body,
             "{\"org\":\"%s\",\"month\":\"2026-%02d\",\"activities\":2,\"participants\":%d,"
             "\"party_participants\":0,\"content\":\"内容\",\"scope\":\"\",\"good_deeds\":\"\"}",
             id, me.month + 1, me.participants);
    push(c, "report.monthly", body, me);
  } else if (op < 16) {
    review_one();
  } else if (op == 16 && live) { /* dissolve */
    org_id(c, o, id);
    snprintf(body, sizeof body, "{\"id\":\"%s\",\"reason\":\"合并\"}", id);
    me.kind = 2;
    me.org = o;
    push(c, "org.dissolved", body, me);
    m->dissolved[o] = 1;
  } else if (op == 17 && o >= 0 && !m->revoked[o]) { /* revoke */
    char rec[PROTO_KEY_HEX + 24];
    org_id(c, o, id);
    decide_http("revoke", id, NULL, "严重违规", rec, sizeof rec);
    m->revoked[o] = 1;
  } else if (op == 18 && o >= 0 && !m->revoked[o] && n_crits < MAX_CRITS) {
    /* criticise, with a deadline passed or to come */
    cm_err err;
    org_id(c, o, id);
    crits[n_crits].overdue = n_crits % 2 == 0; /* every other one past its deadline */
    hub_decision d = {
        HUB_DECIDE_CRITICIZE, id, NULL, crits[n_crits].overdue ? "2026-06-01" : "2026-07-01", NULL,
        "活动记录不全"};
    if (crits[n_crits].overdue) {
      /* Deadlines are only taken in the future: one that has passed by
       * NOW_MS was issued a month earlier, with the clock set back, here as
       * `linli-hub decide` beside serve would (serve's clock stays). */
      setenv("LINLI_FAKE_NOW_MS", "1778817600000", 1); /* 2026-05-15 */
      cm_rc drc = hub_decide(hub, &d, OP_NAME, crits[n_crits].rec, sizeof crits[n_crits].rec, &err);
      char now[32];
      snprintf(now, sizeof now, "%llu", NOW_MS);
      setenv("LINLI_FAKE_NOW_MS", now, 1);
      assert_int_equal(drc, CM_OK);
    } else {
      decide_http("criticize", id, d.deadline, d.reason, crits[n_crits].rec,
                  sizeof crits[n_crits].rec);
    }
    crits[n_crits].c = c;
    crits[n_crits].o = o;
    n_crits++;
  } else if (op == 20 && n_crits) { /* rectify an open criticism, by the community it names */
    int open[MAX_CRITS], n_open = 0;
    for (int k = 0; k < n_crits; k++)
      if (crit_state(k) == 0 && !comm[crits[k].c].dissolved[crits[k].o] &&
          !comm[crits[k].c].revoked[crits[k].o])
        open[n_open++] = k;
    if (!n_open) return;
    int k = open[rnd((unsigned)n_open)];
    c = crits[k].c;
    org_id(c, crits[k].o, id);
    snprintf(body, sizeof body, "{\"org\":\"%s\",\"decision\":\"%s\",\"content\":\"已整改\"}", id,
             crits[k].rec);
    me.kind = 4;
    me.org = crits[k].o;
    me.crit = k;
    push(c, "rectification.filed", body, me);
  } else if (op == 19 && o >= 0 && org_status(c, o) == 'r' && live && rnd(2)) {
    /* re-file an organisation whose filing was rejected */
    org_id(c, o, id);
    snprintf(body, sizeof body,
             "{\"id\":\"%s\",\"name\":\"组织%d\",\"category\":\"助老\",\"leader\":\"钱\","
             "\"phone\":\"1\",\"members\":20,\"party_members\":2,\"party_station\":false,"
             "\"founded_by\":\"self\",\"scope\":\"\",\"venue\":\"\",\"filed\":\"2026-01-01\","
             "\"flags\":[]}",
             id, o);
    me.kind = 0;
    me.org = o;
    snprintf(me.leader, sizeof me.leader, "钱");
    push(c, "org.filed", body, me);
  } else if (op == 19 && m->n_orgs) { /* a report of its own organisation never filed */
    snprintf(id, sizeof id, "%s-9999", m->code);
    me.kind = 3;
    me.status = 'x';
    snprintf(body, sizeof body,
             "{\"org\":\"%s\",\"month\":\"2026-03\",\"activities\":1,\"participants\":777,"
             "\"party_participants\":0}",
             id);
    push(c, "report.monthly", body, me);
  } else if (op >= 18) { /* hostile: a report about another community's organisation */
    int v = (c + 1) % N_COMM;
    if (comm[v].n_orgs == 0) return;
    org_id(v, 0, id);
    me.kind = 3;
    me.status = 'x';
    snprintf(body, sizeof body,
             "{\"org\":\"%s\",\"month\":\"2026-02\",\"activities\":1,\"participants\":999,"
             "\"party_participants\":0}",
             id);
    push(c, "report.monthly", body, me);
  }
}

static void dump(hub_ctx *at, cm_buf *b) {
  cm_buf_init(b, 64u << 20);
  assert_int_equal(hub_store_projection_dump(at->store, b, NULL), CM_OK);
}

/* rebuild gives at's incremental projection again, byte for byte. */
static void rebuild_equal(hub_ctx *at, int step) {
  cm_buf before, after;
  cm_err err;
  cm_err_clear(&err);
  dump(at, &before);
  if (hub_rebuild(at, &err) != CM_OK)
    fail_msg("step %d, %s: rebuild failed: %s", step, at->name, err.msg);
  dump(at, &after);
  size_t k = 0;
  while (k < before.len && k < after.len && before.p[k] == after.p[k])
    k++;
  if (before.len != after.len || k < before.len)
    fail_msg("step %d, %s: rebuild changed the projection (%zu bytes, then %zu) from byte %zu: "
             "'%.120s' became '%.120s'",
             step, at->name, before.len, after.len, k,
             k < before.len ? (const char *)before.p + k : "",
             k < after.len ? (const char *)after.p + k : "");
  cm_buf_free(&before);
  cm_buf_free(&after);
}

/* Stop every serve process the test started; 0 when each stopped cleanly. */
static int live_stop_all(void) {
  int bad = 0;
  for (int i = 0; i <= N_STREET; i++)
    bad |= hl_stop(&serving[i]) != 0;
  return bad ? -1 : 0;
}

/* After a failure too: no serve process and no directory is left behind. */
static int teardown(void **state) {
  (void)state;
  live_stop_all();
  if (tmp) tl_rmrf(tmp);
  free(tmp);
  tmp = NULL;
  return 0;
}

/* Serve hub at (its directory held open here too) with operator 李 logged in:
 * a street's operator, or the district's seeing every street. */
static void live_up(hub_ctx *at, hl_hub *l) {
  assert_int_equal(hl_operator_add(LINLI_HUB_BIN, at->dir, OP_NAME,
                                   at->role == HUB_ROLE_DISTRICT ? "district" : "street",
                                   OP_PASSWORD),
                   0);
  assert_int_equal(hl_start(l, LINLI_HUB_BIN, at->dir), 0);
  assert_int_equal(hl_login(l, OP_NAME, OP_PASSWORD), 0);
}

static void test_two_streets_and_district(void **state) {
  (void)state;
  char now[32];
  snprintf(now, sizeof now, "%llu", NOW_MS);
  setenv("LINLI_FAKE_NOW_MS", now, 1);
  tmp = tl_tmpdir();
  assert_non_null(tmp);
  cm_err err;
  static const char *const names[N_STREET] = {"望海楼街", "光复道街"};
  district = tl_hub(tmp, "district", HUB_ROLE_DISTRICT, "河北区");
  assert_non_null(district);
  for (int st = 0; st < N_STREET; st++) {
    char sub[16];
    snprintf(sub, sizeof sub, "street%d", st);
    streets[st] = tl_hub(tmp, sub, HUB_ROLE_STREET, names[st]);
    assert_non_null(streets[st]);
    assert_int_equal(hub_review_policy_set(streets[st], 0, &err), CM_OK);
    tl_author s;
    memset(&s, 0, sizeof s);
    s.kp = streets[st]->kp;
    assert_int_equal(tl_enroll(district, &s, names[st], NULL), 0);
  }
  memset(fwd, 0, sizeof fwd);
  n_crits = 0;
  for (int c = 0; c < N_COMM; c++) {
    memset(&comm[c], 0, sizeof comm[c]);
    snprintf(comm[c].code, sizeof comm[c].code, "12010500%d00%d", c % N_STREET + 1, c + 1);
    assert_int_equal(tl_author_new(&comm[c].a), 0);
    char name[32];
    snprintf(name, sizeof name, "社区%d", c + 1);
    assert_int_equal(tl_enroll(streets[c % N_STREET], &comm[c].a, name, comm[c].code), 0);
  }
  assert_int_equal(curl_global_init(CURL_GLOBAL_DEFAULT), CURLE_OK);
  for (int st = 0; st < N_STREET; st++)
    live_up(streets[st], &serving[st]);
  live_up(district, &serving[N_STREET]);
  for (int i = 0; i < STEPS; i++) {
    step(i);
    check(i, 0);
  }
  int at_step = STEPS;
  settle(&at_step);
  check(at_step, 1);
  /* the run reached figures worth comparing at the district */
  want all = model(-1);
  assert_true(all.acc_orgs > 0 && all.acc_part > 0 && all.pend_part > 0);
  /* ... and the cases the figures must get right: an overdue criticism
   * closed by an accepted rectification, and a rejected amendment. */
  int closed_overdue = 0, rejected_amend = 0;
  for (int k = 0; k < n_crits; k++)
    closed_overdue += crits[k].overdue && crit_state(k) == 1;
  for (int c = 0; c < N_COMM; c++)
    for (uint64_t s = 1; s <= comm[c].n; s++)
      rejected_amend += comm[c].e[s].kind == 0 && comm[c].e[s].amend && comm[c].e[s].status == 'r';
  assert_true(closed_overdue > 0);
  assert_true(rejected_amend > 0);
  /* The refused reports stay visible to each street's reviewer, with the reason. */
  int refused_seen = 0;
  for (int st = 0; st < N_STREET; st++) {
    for (int64_t id = 1; id < 2000; id++) {
      json_t *b = NULL;
      if (hub_review_show(streets[st], id, &b, &err) != CM_OK) continue;
      size_t k;
      json_t *r;
      json_array_foreach(json_object_get(b, "records"), k, r) {
        const char *org = json_string_value(json_object_get(json_object_get(r, "body"), "org"));
        if (!org || !strstr(org, "-9999")) continue;
        assert_string_equal(json_string_value(json_object_get(r, "status")), "refused");
        assert_non_null(strstr(json_string_value(json_object_get(r, "reason")), "未备案"));
        refused_seen++;
      }
      json_decref(b);
    }
  }
  assert_true(refused_seen > 0);
  print_message("%d steps; %lu answers and %lu CSV files compared over HTTP\n", at_step + 1,
                http_answers, http_csvs);
  assert_true(http_answers > 0 && http_csvs > 0);
  /* each serve process stops cleanly on SIGTERM */
  assert_int_equal(live_stop_all(), 0);
  for (int st = 0; st < N_STREET; st++)
    hub_close(streets[st]);
  hub_close(district);
  tl_rmrf(tmp);
  free(tmp);
  tmp = NULL;
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_teardown(test_two_streets_and_district, teardown)};
  return cmocka_run_group_tests(tests, NULL, NULL);
}
