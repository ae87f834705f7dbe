/* counting.c - how records count in the figures (counting.h). */
#include "counting.h"

#include <stdio.h>
#include <string.h>

#include "../common/clock.h"

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

int hub_count_org_in_year(const char *status, const char *filed, uint64_t dissolved_ms,
                          uint64_t revoked_ms, int year) {
  char last[16], ended[11];
  if (year >= 0 && year <= 9999) { /* without printf: once per organisation and list */
    for (int i = 3, y = year; i >= 0; i--, y /= 10)
      last[i] = (char)('0' + y % 10);
    memcpy(last + 4, "-12-31", 7);
  } else {
    snprintf(last, sizeof last, "%04d-12-31", year);
  }
  if (!filed || !*filed || strcmp(filed, last) > 0) return 0;
  /* dissolved or revoked on or before the year's last day: not in it */
  uint64_t end = dissolved_ms && (!revoked_ms || dissolved_ms < revoked_ms) ? dissolved_ms
                                                                            : revoked_ms;
  if (end) {
    cm_date_of(end, ended);
    if (strcmp(ended, last) <= 0) return 0;
  }
  return is(status, "accepted") || (revoked_ms && is(status, "revoked"));
}

int hub_count_late(const char *date, const char *due) {
  return date && *date && due && strcmp(date, due) > 0;
}
