/* dashboard_api.c - time every dashboard answer (hub/dashboard.h) on a large
 * district: by default 40 communities x 50 organisations (2,000) x 60 months
 * of monthly reports (about 115,000 reports), written through the real ingest
 * path by bench/gen/gen_hub.c.  Prints a markdown table of the median of
 * several runs of each answer; the target is 100 ms each.
 *
 *   dashboard_api [--communities N] [--orgs N] [--months N] [--runs N] [--gen-only DIR]
 *                 [--hub DIR] [--only ANSWER]
 *
 * --gen-only DIR writes the hub into DIR (which must not exist) and stops: the
 * HTTP benchmarks (bench/dashboard_http.sh, bench/city.sh) serve it with the
 * real linli-hub.  It prints "orgs N", "reports N" and "ingest_ms N".
 * --hub DIR times the answers of a hub written before with --gen-only (give
 * the same --months), without writing it again: for a profiler's run.
 * --only ANSWER times that answer alone: its name (attention, stations,
 * funding...) or its label as the table shows it.  --base kept times each
 * computation on a hub that has loaded the organisations, the monthly
 * reports and the year's entries for one before and kept them (nothing
 * written since: hub_dashboard_forget_answers); --base reloaded, the
 * organisations loaded again but the rest kept (after a status changed:
 * hub_dashboard_forget_organisations); the default, --base fresh, loads
 * everything for each.  --page N asks for page
 * N (500 rows) of each answer, as `serve` does (answers behind, a page
 * computed alone: hub_ctx.dash_page_orgs), and waits, untimed, for the
 * whole answer computed behind it. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench/gen/gen_hub.h"
#include "common/clock.h"
#include "common/log.h"
#include "hub/dashboard.h"
#include "hub/heap.h"
#include "tests/hub_testlib.h"

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static double cpu_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmp_d(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

int main(int argc, char **argv) {
  /* the memory as `linli-hub serve` keeps it (hub/heap.h) */
  hub_heap_serve();
  gen_spec spec = {40, 50, 60, NULL, 7, 1};
  int runs = 5;
  const char *gen_only = NULL, *open_dir = NULL, *only = NULL;
  int base_kept = 0;
  const char *page = NULL;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!strcmp(argv[i], "--communities"))
      spec.communities = atoi(argv[i + 1]);
    else if (!strcmp(argv[i], "--orgs"))
      spec.orgs = atoi(argv[i + 1]);
    else if (!strcmp(argv[i], "--months"))
      spec.months = atoi(argv[i + 1]);
    else if (!strcmp(argv[i], "--runs"))
      runs = atoi(argv[i + 1]);
    else if (!strcmp(argv[i], "--gen-only"))
      gen_only = argv[i + 1];
    else if (!strcmp(argv[i], "--hub"))
      open_dir = argv[i + 1];
    else if (!strcmp(argv[i], "--only"))
      only = argv[i + 1];
    else if (!strcmp(argv[i], "--base"))
      base_kept = !strcmp(argv[i + 1], "kept") ? 1 : !strcmp(argv[i + 1], "reloaded") ? 2 : 0;
    else if (!strcmp(argv[i], "--page"))
      page = argv[i + 1];
  }
  if (runs < 1 || runs > 100 || spec.communities < 1 || spec.orgs < 1 || spec.months < 1) {
    fprintf(stderr, "usage: dashboard_api [--communities N] [--orgs N] [--months N] [--runs N]\n");
    return 2;
  }
  char cur[8], end[8], from12[8], from_all[8];
  uint64_t now = cm_now_ms();
  int m = 0;
  cm_month_of(now, cur);
  cm_month_parse(cur, &m);
  cm_month_text(m - 1, end);
  cm_month_text(m - 12, from12);
  int f = m - spec.months;
  cm_month_text(f, from_all);
  spec.end_month = end;

  char *tmp = open_dir ? NULL : gen_only ? strdup(gen_only) : tl_tmpdir();
  const char *sub = "hub";
  if (gen_only && tmp) { /* DIR as parent and last part */
    char *slash = strrchr(tmp, '/');
    if (slash && slash != tmp) {
      *slash = '\0';
      sub = slash + 1;
    } else {
      free(tmp);
      tmp = strdup(".");
      sub = gen_only;
    }
  }
  hub_ctx *hub = NULL;
  gen_totals tot;
  memset(&tot, 0, sizeof tot);
  double t0 = now_ms(), g0 = cpu_ms();
  if (open_dir) {
    cm_err err;
    if (hub_open(open_dir, &hub, &err)) {
      fprintf(stderr, "hub_open: %s\n", err.msg);
      return 1;
    }
  } else {
    hub = tmp ? tl_hub(tmp, sub, HUB_ROLE_STREET, "望海楼街") : NULL;
    if (!hub || gen_hub_fill(hub, &spec, &tot)) return 1;
  }
  double gen_ms = now_ms() - t0;
  if (gen_only) {
    printf("orgs %lld\nreports %lld\ningest_ms %.0f\ningest_cpu_ms %.0f\n", (long long)tot.orgs,
           (long long)tot.reports, gen_ms, cpu_ms() - g0);
    hub_close(hub);
    free(tmp);
    return 0;
  }

  char org_id[32];
  snprintf(org_id, sizeof org_id, "120105001001-0001");
  struct {
    const char *label, *name, *csv_table;
    hub_dash_params p;
  } cases[] = {
      {"hierarchy", "hierarchy", NULL, {0}},
      {"hierarchy?category=文体活动", "hierarchy", NULL, {.category = "文体活动"}},
      {"completeness?month=(last)", "completeness", NULL, {.month = end}},
      {"activity (12 months)", "activity", NULL, {.from = from12, .to = end}},
      {"activity (all months)", "activity", NULL, {.from = from_all, .to = end}},
      {"attention", "attention", NULL, {0}},
      {"org/{id}", "org", NULL, {.org = org_id}},
      {"stations", "stations", NULL, {0}},
      {"funding", "funding", NULL, {0}},
      {"hierarchy.csv?table=organisations", "hierarchy", "organisations", {0}},
      {"completeness.csv?table=missing", "completeness", "missing", {.month = end}},
  };
  hub_dash_scope scope;
  memset(&scope, 0, sizeof scope);
  if (page) hub->dash_wait_ms = HUB_DASH_WAIT_DEFAULT_MS; /* as serve */
  printf("Dashboard API on %lld organisations x %d months (%lld monthly reports), "
         "generated and ingested in %.0f ms; median of %d runs, in-process "
         "(no HTTP), each computed afresh%s (the hub keeps answers per database version: "
         "bench/dashboard_http.sh times them over HTTP):\n\n",
         (long long)tot.orgs, spec.months, (long long)tot.reports, gen_ms, runs,
         base_kept == 2 ? ", the organisations loaded again (the monthly reports and the "
                          "year's entries kept)"
         : base_kept    ? ", with what the computation before loaded"
                        : "");
  if (page) printf("Page %s of each (500 rows), as `serve` computes it.\n\n", page);
  printf("| answer | median ms | max ms | CPU ms (median) | bytes | within 100 ms |\n"
         "|---|---:|---:|---:|---:|---|\n");
  int all_ok = 1;
  for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
    double t[100], cpu[100];
    if (only && strcmp(only, cases[c].label) != 0 && strcmp(only, cases[c].name) != 0) continue;
    size_t bytes = 0;
    if (base_kept) { /* one computation first, untimed, loads them */
      json_t *j = NULL;
      cm_err err;
      hub_dashboard_forget(hub);
      if (hub_dashboard_answer(hub, cases[c].name, &scope, &cases[c].p, now, &j, &err) != CM_OK) {
        fprintf(stderr, "%s: %s\n", cases[c].label, err.msg);
        return 1;
      }
      json_decref(j);
    }
    for (int r = 0; r < runs; r++) {
      json_t *j = NULL;
      cm_err err;
      cm_buf b;
      cm_buf_init(&b, (size_t)256 << 20);
      /* the computation, not the answer the hub keeps for its version */
      if (base_kept == 2) /* the organisations changed, the same ones */
        hub_dashboard_forget_organisations(hub);
      else if (base_kept)
        hub_dashboard_forget_answers(hub);
      else
        hub_dashboard_forget(hub);
      double s = now_ms(), c0 = cpu_ms();
      cm_rc rc = page
                     ? hub_dashboard_answer_page(hub, cases[c].name, &scope, &cases[c].p, now,
                                                 cases[c].csv_table, cases[c].csv_table != NULL,
                                                 page, NULL, NULL, &j, &err)
                     : hub_dashboard_answer(hub, cases[c].name, &scope, &cases[c].p, now, &j, &err);
      if (!rc && cases[c].csv_table) rc = hub_dashboard_csv(j, cases[c].csv_table, &b, &err);
      if (!rc && !cases[c].csv_table) {
        char *txt = json_dumps(j, JSON_COMPACT);
        bytes = txt ? strlen(txt) : 0;
        free(txt);
      } else {
        bytes = b.len;
      }
      t[r] = now_ms() - s;
      cpu[r] = cpu_ms() - c0;
      json_decref(j);
      if (page) hub_dashboard_settle(hub); /* the whole answer computed behind: untimed */
      cm_buf_free(&b);
      if (rc) {
        fprintf(stderr, "%s: %s\n", cases[c].label, err.msg);
        return 1;
      }
    }
    qsort(t, (size_t)runs, sizeof t[0], cmp_d);
    qsort(cpu, (size_t)runs, sizeof cpu[0], cmp_d);
    double med = t[runs / 2], max = t[runs - 1];
    if (med > 100.0) all_ok = 0;
    printf("| `%s` | %.1f | %.1f | %.1f | %zu | %s |\n", cases[c].label, med, max, cpu[runs / 2],
           bytes, med <= 100.0 ? "yes" : "**no**");
  }
  printf("\n(JSON answers are timed including serialisation; the HTTP layer adds the "
         "transfer.)\n");
  hub_close(hub);
  /* LINLI_BENCH_KEEP=1 leaves the hub for a look with sqlite3. */
  if (!tmp)
    ; /* --hub: not ours to remove */
  else if (getenv("LINLI_BENCH_KEEP"))
    fprintf(stderr, "hub kept in %s/hub\n", tmp);
  else
    tl_rmrf(tmp);
  free(tmp);
  /* A figure, never a verdict: the last column says which answers were
   * within 100 ms; the exit status does not (bench/run.sh prints the table). */
  (void)all_ok;
  return 0;
}
