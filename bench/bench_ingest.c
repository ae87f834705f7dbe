/* bench_ingest.c - street hub ingest throughput (verify + store + project), in
 * process through hub_ingest_bundle, as a push arrives: one community pushing
 * ENTRIES monthly reports (realistic Chinese bodies) in changesets of CS
 * entries, then NODES communities pushing their first sync each (a month of
 * filings and reports) at once from NODES threads, then the same communities
 * pushing their next month's reports at once.  Prints "name value unit" lines
 * for bench/run.sh.
 * Usage: bench_ingest [ENTRIES [NODES [CS]]]
 * LINLI_BENCH_KEEP=1 leaves the two hubs' directories (named on stderr).
 * LINLI_BENCH_TIMES=1 prints on stderr when each part (one, first, month)
 * began and ended, in seconds of CLOCK_MONOTONIC, to cut a profile to one
 * part: perf record -k CLOCK_MONOTONIC ...; perf report --time BEGIN,END.
 * Under valgrind --tool=callgrind each part's counts go to a file of their
 * own (callgrind.out.PID.N, N = 1, 2, 3). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#if defined(__has_include)
#if __has_include(<valgrind/callgrind.h>)
#include <valgrind/callgrind.h>
#endif
#endif

#include "common/clock.h"
#include "hub/heap.h"
#include "hub/hub.h"
#include "hub/ingest.h"
#include "hub/review.h"
#include "hub_testlib.h"

#define ORGS 50

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* CPU seconds (user + system) of the whole process so far: with other work on
 * the machine, wall time says little about what one core can do. */
static double cpu_s(void) {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
         (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

/* A part begins: under callgrind, its counts start from zero. */
static void part_begin(void) {
#ifdef CALLGRIND_ZERO_STATS
  CALLGRIND_ZERO_STATS;
#endif
}

/* Part `part` ran from s to e (seconds of CLOCK_MONOTONIC): printed on stderr
 * when LINLI_BENCH_TIMES is set; under callgrind, its counts are written to a
 * file of their own. */
static void part_end(const char *part, double s, double e) {
  if (getenv("LINLI_BENCH_TIMES")) fprintf(stderr, "bench_ingest: %s %.6f,%.6f\n", part, s, e);
#ifdef CALLGRIND_DUMP_STATS_AT
  CALLGRIND_DUMP_STATS_AT(part);
#endif
}

/* Bodies as a node writes them: 50 filings, then monthly reports. */
static char *body_for(uint64_t seq, const char *code, const char **kind_out) {
  char *b = malloc(600);
  if (!b) return NULL;
  if (seq <= ORGS) {
    *kind_out = "org.filed";
    snprintf(b, 600,
             "{\"id\":\"%s-%04llu\",\"name\":\"建昌道社區第%llu志願服務隊\",\"category\":\"為老服務\","
             "\"leader\":\"王秀英\",\"phone\":\"13800000000\",\"members\":20,\"party_members\":2,"
             "\"party_station\":false,\"founded_by\":\"self\",\"scope\":\"探訪獨居老人、助餐\","
             "\"venue\":\"社區活動中心\",\"filed\":\"2000-01-01\",\"flags\":[]}",
             code, (unsigned long long)seq, (unsigned long long)seq);
  } else {
    uint64_t r = seq - ORGS - 1;
    unsigned org = (unsigned)(r % ORGS) + 1, m = (unsigned)(r / ORGS);
    *kind_out = "report.monthly";
    snprintf(b, 600,
             "{\"org\":\"%s-%04u\",\"month\":\"%04u-%02u\",\"activities\":%u,\"participants\":%u,"
             "\"party_participants\":%u,\"content\":\"探訪獨居老人，義務理髮，清理樓道\","
             "\"scope\":\"為老服務\",\"good_deeds\":\"幫助鄰居修水管\"}",
             /* months from 2000-01 (the filings' month) to 2025-12, then again as
              * corrections: the domain core refuses months outside the filing
              * month..now */
             code, org, 2000 + (m / 12) % 26, m % 12 + 1, 2 + m % 5, 30 + m % 40, 1 + m % 3);
  }
  return b;
}

/* count entries of a as bundles of one changeset of cs entries each. */
static int make_bundles(tl_author *a, const char *code, size_t count, size_t cs, uint8_t ***out,
                        size_t **lens, size_t *n_out) {
  size_t nb = (count + cs - 1) / cs;
  uint8_t **b = calloc(nb, sizeof *b);
  size_t *l = calloc(nb, sizeof *l);
  const char **kinds = calloc(cs, sizeof *kinds);
  char **bodies = calloc(cs, sizeof *bodies);
  if (!b || !l || !kinds || !bodies) return -1;
  for (size_t i = 0; i < nb; i++) {
    size_t n = count - i * cs < cs ? count - i * cs : cs;
    for (size_t k = 0; k < n; k++) bodies[k] = body_for(a->seq + 1 + k, code, &kinds[k]);
    uint8_t *c = NULL;
    size_t clen = 0;
    if (tl_changeset(a, n, kinds, (const char *const *)bodies, 0, &c, &clen)) return -1;
    for (size_t k = 0; k < n; k++) free(bodies[k]);
    if (tl_bundle(&c, &clen, 1, &b[i], &l[i])) return -1;
    free(c);
  }
  free(kinds);
  free(bodies);
  *out = b;
  *lens = l;
  *n_out = nb;
  return 0;
}

typedef struct job {
  hub_ctx *hub;
  uint8_t **b;
  size_t *l;
  size_t n;
  int fails;
  pthread_barrier_t *start; /* waited on before the first push, or NULL */
  struct at_once *all;      /* the pushes at once this job is one of, or NULL */
} job;

/* n jobs pushed at once: each thread, its pushes answered, waits for the
 * others, and one of them notes the time and the CPU seconds then, before
 * any thread exits (`serve`'s threads do not). */
typedef struct at_once {
  pthread_barrier_t end;
  double end_s, end_cpu_s;
} at_once;

static void *push_all(void *arg) {
  job *j = arg;
  if (j->start) pthread_barrier_wait(j->start);
  for (size_t i = 0; i < j->n; i++)
    if (tl_ingest(j->hub, j->b[i], j->l[i], NULL) != 200) j->fails++;
  if (j->all && pthread_barrier_wait(&j->all->end) == PTHREAD_BARRIER_SERIAL_THREAD) {
    j->all->end_s = now_s();
    j->all->end_cpu_s = cpu_s();
  }
  return NULL;
}

static void jobs_free(job *j) {
  for (size_t k = 0; k < j->n; k++)
    free(j->b[k]);
  free(j->b);
  free(j->l);
  j->b = NULL;
  j->l = NULL;
  j->n = 0;
  j->fails = 0;
}

/* The i-th community's code: the bodies name their organisations by it. */
static const char *code_of(size_t i) {
  static _Thread_local char code[32];
  snprintf(code, sizeof code, "1201050%05u", (unsigned)(i % 100000) + 1);
  return code;
}

/* n jobs pushed from n threads at once; wall and CPU seconds into *el, *cel,
 * from the moment every thread is ready (a server's threads are there before
 * the pushes come: `serve` keeps a pool) until the last push is answered.
 * The number of pushes refused. */
static int push_at_once(const char *part, job *jobs, size_t n, double *el, double *cel) {
  pthread_t *th = calloc(n, sizeof *th);
  pthread_barrier_t start;
  at_once all;
  if (!th || pthread_barrier_init(&start, NULL, (unsigned)n + 1) != 0) {
    free(th);
    return (int)n;
  }
  if (pthread_barrier_init(&all.end, NULL, (unsigned)n) != 0) {
    pthread_barrier_destroy(&start);
    free(th);
    return (int)n;
  }
  size_t made = 0;
  for (; made < n; made++) {
    jobs[made].start = &start;
    jobs[made].all = &all;
    if (pthread_create(&th[made], NULL, push_all, &jobs[made]) != 0) break;
  }
  if (made < n) { /* the threads made wait for n + 1: let them go untimed */
    fprintf(stderr, "bench_ingest: could not start thread %zu of %zu\n", made + 1, n);
    exit(1);
  }
  part_begin();
  pthread_barrier_wait(&start);
  double s = now_s(), c0 = cpu_s();
  int fails = 0;
  for (size_t i = 0; i < n; i++) {
    pthread_join(th[i], NULL);
    fails += jobs[i].fails;
    jobs[i].start = NULL;
    jobs[i].all = NULL;
  }
  *el = all.end_s - s;
  *cel = all.end_cpu_s - c0;
  part_end(part, s, all.end_s);
  pthread_barrier_destroy(&all.end);
  pthread_barrier_destroy(&start);
  free(th);
  return fails;
}

static long peak_rss_kb(void) {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_maxrss;
}

int main(int argc, char **argv) {
  size_t entries = argc > 1 ? strtoul(argv[1], NULL, 10) : 50000;
  size_t nodes = argc > 2 ? strtoul(argv[2], NULL, 10) : 100;
  size_t cs = argc > 3 ? strtoul(argv[3], NULL, 10) : 500;
  /* the memory as `linli-hub serve` keeps it (hub/heap.h), before any thread */
  hub_heap_serve();
  char *dir = tl_tmpdir();
  if (!dir) return 1;
  int rc = 1;
  uint64_t t0 = cm_now_ms() - 400ull * 86400000ull;

  /* One community. */
  /* Ingest alone (verify + store + project), as in every round: the street's
   * auto-accept, which now runs inside the push's transaction, is off here
   * and measured with it on and off by the sync figures of bench/run.sh. */
  hub_ctx *hub = tl_hub(dir, "one", HUB_ROLE_STREET, "望海樓街");
  tl_author a;
  if (!hub || hub_review_policy_set(hub, 0, NULL) || tl_author_new(&a) ||
      tl_enroll(hub, &a, "建昌道社區", "120105001001"))
    goto out;
  a.time_ms = t0;
  job j = {hub, NULL, NULL, 0, 0, NULL, NULL};
  if (make_bundles(&a, "120105001001", entries, cs, &j.b, &j.l, &j.n)) goto out;
  size_t bytes = 0;
  for (size_t i = 0; i < j.n; i++) bytes += j.l[i];
  part_begin();
  double s = now_s(), c0 = cpu_s();
  push_all(&j);
  double el = now_s() - s, cel = cpu_s() - c0;
  part_end("one", s, s + el);
  printf("ingest_1node_entries_per_s %.0f entries/s (%zu entries, changesets of %zu, %.1f bytes/entry)\n",
         (double)entries / el, entries, cs, (double)bytes / (double)entries);
  printf("ingest_1node_entries_per_cpu_s %.0f entries/CPU-s\n", (double)entries / cel);
  if (j.fails) fprintf(stderr, "bench_ingest: %d refusals\n", j.fails);
  for (size_t i = 0; i < j.n; i++) free(j.b[i]);
  free(j.b);
  free(j.l);
  hub_close(hub);

  /* NODES communities at once, each a month: 50 filings and 50 reports in one
   * changeset (a community's first sync), one thread per community. */
  hub = tl_hub(dir, "many", HUB_ROLE_STREET, "望海樓街");
  if (!hub || hub_review_policy_set(hub, 0, NULL)) goto out;
  job *jobs = calloc(nodes, sizeof *jobs);
  tl_author *authors = calloc(nodes, sizeof *authors);
  if (!jobs || !authors) goto out;
  for (size_t i = 0; i < nodes; i++) {
    char name[64];
    snprintf(name, sizeof name, "社區%zu", i + 1);
    if (tl_author_new(&authors[i]) || tl_enroll(hub, &authors[i], name, code_of(i))) goto out;
    authors[i].time_ms = t0;
    jobs[i].hub = hub;
    if (make_bundles(&authors[i], code_of(i), 2 * ORGS, 2 * ORGS, &jobs[i].b, &jobs[i].l,
                     &jobs[i].n))
      goto out;
  }
  int fails = push_at_once("first", jobs, nodes, &el, &cel);
  printf("ingest_%zunodes_entries_per_cpu_s %.0f entries/CPU-s\n", nodes,
         (double)(nodes * 2 * ORGS) / cel);
  printf("ingest_%zunodes_entries_per_s %.0f entries/s (%zu entries from %zu threads at once)\n", nodes,
         (double)(nodes * 2 * ORGS) / el, nodes * 2 * ORGS, nodes);

  /* The same communities at a month's end: each pushes its next month's
   * reports, one per organisation, all at once. */
  for (size_t i = 0; i < nodes; i++) {
    jobs_free(&jobs[i]);
    if (make_bundles(&authors[i], code_of(i), ORGS, ORGS, &jobs[i].b, &jobs[i].l, &jobs[i].n))
      goto out;
  }
  fails += push_at_once("month", jobs, nodes, &el, &cel);
  printf("ingest_%zunodes_month_entries_per_cpu_s %.0f entries/CPU-s\n", nodes,
         (double)(nodes * ORGS) / cel);
  printf(
      "ingest_%zunodes_month_entries_per_s %.0f entries/s (%zu reports from %zu threads at once)\n",
      nodes, (double)(nodes * ORGS) / el, nodes * ORGS, nodes);
  printf("ingest_peak_rss %ld KiB\n", peak_rss_kb());
  if (fails) fprintf(stderr, "bench_ingest: %d refusals\n", fails);
  for (size_t i = 0; i < nodes; i++)
    jobs_free(&jobs[i]);
  free(jobs);
  free(authors);
  hub_close(hub);
  rc = fails || j.fails ? 1 : 0;
out:
  /* LINLI_BENCH_KEEP=1 keeps the two hubs' files, to look at what was written */
  if (getenv("LINLI_BENCH_KEEP"))
    fprintf(stderr, "bench_ingest: kept %s\n", dir);
  else
    tl_rmrf(dir);
  free(dir);
  return rc;
}
