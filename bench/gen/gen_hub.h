/* gen_hub.h - fill a street hub with a realistic district's records through
 * the real ingest path: communities enrolled by the hub, each writing signed
 * changesets of Chinese filings and monthly reports (one changeset per month,
 * author time on the 1st to 9th of the next month), for the dashboard's test
 * and benchmark.  Deterministic for a given seed. */
#ifndef LINLI_BENCH_GEN_HUB_H
#define LINLI_BENCH_GEN_HUB_H

#include <stdint.h>

#include "hub/hub.h"

typedef struct gen_spec {
  int communities;       /* community nodes enrolled at the hub */
  int orgs;              /* organisations per community */
  int months;            /* months of reports per organisation */
  const char *end_month; /* "YYYY-MM": the last month reported */
  unsigned seed;
  int accept_filings; /* the street accepts each community's filings (its first batch) */
} gen_spec;

/* What was written, to compare the dashboard's figures with. */
typedef struct gen_totals {
  int64_t orgs, reports, activities, participants, party_participants, good_deeds;
  int64_t last_month_reports, last_month_on_time; /* reports of end_month, and by the 5th */
  int64_t year_entries; /* self-reports, plans and summaries (January of each year) */
} gen_totals;

/* Write spec's records into hub (a street hub).  0 on success; on failure a
 * message on stderr. */
int gen_hub_fill(hub_ctx *hub, const gen_spec *spec, gen_totals *out);

#endif
