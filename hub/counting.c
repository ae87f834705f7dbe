/* counting.c - how records count in the figures (counting.h). */
#include "counting.h"

#include <stdio.h>
#include <string.h>

static int is(const char *s, const char *word) {
  return s && strcmp(s, word) == 0;
}

hub_count hub_count_org(const char *status, int dissolved) {
  if (dissolved || is(status, "revoked")) return HUB_COUNT_NONE;
  return is(status, "accepted") ? HUB_COUNT_ACCEPTED : HUB_COUNT_PENDING;
}

int hub_count_org_reports(const char *status) {
  return !is(status, "rejected") && !is(status, "revoked");
}

int hub_count_org_active(const char *status, int dissolved) {
  return !dissolved && hub_count_org_reports(status);
}

hub_count hub_count_report(const char *org_status, const char *status, int newest) {
  if (is(org_status, "revoked")) return HUB_COUNT_NONE;
  if (is(status, "accepted") && is(org_status, "accepted")) return HUB_COUNT_ACCEPTED;
  return newest ? HUB_COUNT_PENDING : HUB_COUNT_NONE;
}

int hub_count_report_current(const char *org_status, const char *status) {
  return hub_count_org_reports(org_status) && !is(status, "rejected") &&
         !is(status, "superseded");
}

int hub_count_missing(int submitted, const char *due, const char *today) {
  return !submitted && due && today && *due && strcmp(today, due) > 0;
}

int hub_count_overdue(const char *deadline, int closed, const char *today) {
  return !closed && deadline && *deadline && today && strcmp(today, deadline) > 0;
}

int hub_count_org_in_year(const char *status, int dissolved, const char *filed, int year,
                          int has_result) {
  char last[16];
  snprintf(last, sizeof last, "%04d-12-31", year);
  if (dissolved || !filed || !*filed || strcmp(filed, last) > 0) return 0;
  return is(status, "accepted") || (has_result && is(status, "revoked"));
}

int hub_count_late(const char *date, const char *due) {
  return date && *date && due && strcmp(date, due) > 0;
}
