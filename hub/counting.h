/* counting.h - how records count in the figures, in one place: which
 * organisations and which monthly reports every figure reader (the summary,
 * the dashboard's hierarchy, completeness and activity answers, their CSV)
 * counts, from the one status the projection wrote for each record
 * (organisations.status, record_status and the current report's status;
 * docs/records.md "How it counts").  Pure functions: the readers bring the
 * statuses, these say where they count. */
#ifndef LINLI_HUB_COUNTING_H
#define LINLI_HUB_COUNTING_H

#include <stdint.h>

/* Where a record counts in the summary's two columns. */
typedef enum hub_count {
  HUB_COUNT_NONE = 0, /* nowhere */
  HUB_COUNT_PENDING,  /* "pending" */
  HUB_COUNT_ACCEPTED, /* "accepted": the official figure */
} hub_count;

/* An organisation of status (organisations.status) in the summary: revoked or
 * dissolved nowhere; accepted in "accepted"; pending or rejected in
 * "pending". */
hub_count hub_count_org(const char *status, int dissolved);

/* An organisation in the dashboard's figures (hierarchy, completeness's
 * expected reports, activity sums): neither dissolved, rejected nor
 * revoked.  1 when it counts. */
int hub_count_org_active(const char *status, int dissolved);

/* Whether any report of an organisation of status counts in the dashboard:
 * not when its latest decided filing was rejected or it was revoked.  A
 * dissolved organisation's reports still count. */
int hub_count_org_reports(const char *status);

/* One version (record_status) of a monthly report of an organisation of
 * org_status in the summary; newest is 1 for the current version of its
 * month.  The accepted version (the newest accepted: older accepted ones are
 * "superseded") of an accepted organisation is the official figure; the
 * current version, when it is not that, waits in "pending"; a revoked
 * organisation's reports count nowhere. */
hub_count hub_count_report(const char *org_status, const char *status, int newest);

/* The current report of a month (reports.status) in the dashboard's sums: an
 * organisation whose reports count (hub_count_org_reports) and a report not
 * rejected, nor superseded (a replacement key reported the month again).  1
 * when it counts. */
int hub_count_report_current(const char *org_status, const char *status);

/* Something due by date due (YYYY-MM-DD) and not submitted: 1 once today
 * is after due (a self-report, a plan or a year-end summary missing). */
int hub_count_missing(int submitted, const char *due, const char *today);

/* An organisation of a community in a year's figures (the annual inspection,
 * plans and year-end summaries, trainings): filed (filed "YYYY-MM-DD") on or
 * before the year's last day, neither dissolved nor revoked on or before it
 * (dissolved_ms, revoked_ms: when, Asia/Shanghai date of those times; 0 when
 * not), and accepted, or revoked after the year (it counts in the years it
 * lived through, its result of the year included).  1 when it counts. */
int hub_count_org_in_year(const char *status, const char *filed, uint64_t dissolved_ms,
                          uint64_t revoked_ms, int year);

/* Something submitted on date ("YYYY-MM-DD", "" when not yet) after its due
 * date: 1 when late. */
int hub_count_late(const char *date, const char *due);

/* A decision to rectify by deadline (a criticism, an inspection of 限期整改):
 * overdue (1) when not closed and today is after the deadline. */
int hub_count_overdue(const char *deadline, int closed, const char *today);

#endif
