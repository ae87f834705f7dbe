/* year.h - the year of an organisation at a hub: the annual inspection
 * (年检).  A community's self-report is an inspection.self entry (checked by
 * the domain core, common/records.h); the street's result is a
 * decision.inspect entry carrying the "year" (合格, 限期整改 with a deadline,
 * closed like a criticism by a rectification the street accepts, 不合格,
 * which proposes revocation to the district); the district's progress
 * (年检进度) counts both per street and community against the organisations
 * that count in the year.  Due dates are the district's (due.set, relayed to
 * every street): self-reports and year-end summaries by 31 January of the
 * next year, plans by 31 January of theirs, unless `inspection due`, `plan
 * due` or `summary due` sets another. */
#ifndef LINLI_HUB_YEAR_H
#define LINLI_HUB_YEAR_H

#include <jansson.h>
#include <stdint.h>

#include "../common/buf.h"
#include "../common/rc.h"
#include "hub.h"

/* The due date ("YYYY-MM-DD") of what ("inspection": year's self-reports,
 * "plan": the plans for year, "summary": its year-end summaries) into out:
 * the district's (the newest due.set this hub holds: at a street the
 * district's relayed by it), else the default (common/records.h
 * cm_rec_due_window).  CM_ERR_INVALID for another what. */
cm_rc hub_year_due(hub_ctx *ctx, const char *what, int year, char out[11], cm_err *err);

/* Set it by operator op: a due.set entry in the district's log, which every
 * street receives and relays to its communities.  The district only
 * (CM_ERR_PERM at a street); CM_ERR_INVALID for a date that is not one or
 * out of its window. */
cm_rc hub_year_due_set(hub_ctx *ctx, const char *what, int year, const char *date,
                       const char *op, cm_err *err);

/* CM_ERR_INVALID unless s is a year from 2000 to last year by the clock
 * (finished 1) or to this year (finished 0); *year_out gets it. */
cm_rc hub_year_parse(const char *s, int finished, int *year_out, cm_err *err);
/* hub_year_parse, with years up to ahead after this one taken as well (a
 * plan is due for next year). */
cm_rc hub_year_parse_ahead(const char *s, int finished, int ahead, int *year_out, cm_err *err);

/* The street's result of organisation org's inspection of year: result
 * "pass" | "rectify" (deadline required) | "fail", reason required.  A
 * decision.inspect entry addressed to the organisation's community (it
 * reaches the node down the feed).  CM_ERR_NOT_FOUND when the organisation is
 * not held here.  record_out (PROTO_KEY_HEX + 24 bytes) gets its record id. */
cm_rc hub_year_result(hub_ctx *ctx, const char *org, int year, const char *result,
                      const char *deadline, const char *reason, const char *operator_name,
                      char *record_out, size_t record_cap, cm_err *err);

/* The progress of year (docs/api.md "GET /api/v1/dashboard/inspections"):
 * {"year", "due", "totals": {"expected", "self_reported", "late", "inspected",
 * "pass", "rectify", "rectified", "fail", "missing"}, "streets": [...],
 * "communities": [...], "missing": [...], "fail": [...], "organisations":
 * [...]}; street non-empty limits it to that street.  New reference. */
cm_rc hub_year_progress(hub_ctx *ctx, int year, const char *street, json_t **out, cm_err *err);

/* Plans and year-end summaries (计划总结) of year: {"year", "plan_due",
 * "summary_due", "totals": {"expected", "plans", "plans_late",
 * "missing_plans", "summaries", "summaries_late", "missing_summaries"},
 * "streets", "communities", "missing_plans", "missing_summaries",
 * "organisations"}.  Due (hub_year_due): a plan by 31 January of its year, a
 * summary by 31 January of the next, unless the district set other dates.
 * street non-empty limits it.  New reference. */
cm_rc hub_year_plans(hub_ctx *ctx, int year, const char *street, json_t **out, cm_err *err);

/* The organisations of a progress answer as CSV (Chinese headers). */
cm_rc hub_year_progress_csv(const json_t *progress, cm_buf *out, cm_err *err);

/* One answer as a file people read, Chinese headers, appended to out: table
 * "inspections" (a progress answer, one organisation a row), "plans" (a plans
 * answer: each organisation, then each community and street itself) or
 * "trainings" (hub_year_trainings: each organisation's trainings in the
 * year); CSV, or with xlsx 1 an Excel workbook built in a temporary file in
 * dir.  CM_ERR_NOT_FOUND for another table. */
cm_rc hub_year_export(const json_t *answer, const char *table, int xlsx, const char *dir,
                      cm_buf *out, cm_err *err);

/* The organisations' lists of the dashboard's attention answer
 * (docs/api.md): last year's self-reports (HUB_YEAR_SELF), this year's plans
 * (HUB_YEAR_PLAN) and last year's year-end summaries (HUB_YEAR_SUMMARY)
 * missing after their due dates.  The dashboard walks the organisations it
 * holds and asks hub_year_missing of each. */
enum { HUB_YEAR_SELF, HUB_YEAR_PLAN, HUB_YEAR_SUMMARY, HUB_YEAR_LISTS };

/* What those lists read of the year's entries: per community (its keys'
 * lineage) and organisation, whether each list's entry was written, and
 * when the organisations that ended did.  Kept by ctx while the marks
 * generation stays, the end times while the year generation does
 * (hub_year_forget_locked drops them). */
typedef struct hub_year_marks hub_year_marks;

/* The lists' years and due dates as of today, with the marks they read
 * (valid while the caller holds ctx->lock and forgets nothing). */
typedef struct hub_year_attn {
  hub_year_marks *marks;
  const char *today;
  int year[HUB_YEAR_LISTS];
  char due[HUB_YEAR_LISTS][11];
  /* hub_year_missing's: the key asked last and its community, and where
   * each list's walk is */
  char memo_author[PROTO_KEY_HEX];
  const char *memo_root;
  size_t at[HUB_YEAR_LISTS];
} hub_year_attn;

/* The year's entries of the dashboard's attention answer, as of today
 * ("YYYY-MM-DD", Asia/Shanghai) in street ("" every one): the communities'
 * and streets' own lists set in out, "unit_plan_missing" and
 * "unit_summary_missing" (their plans of this year and summaries of last
 * year missing after their due dates); the organisations' lists' marks into
 * *attn.  The rectifications of an inspection past their deadline are the
 * dashboard's own (beside criticisms).  Caller holds ctx->lock. */
cm_rc hub_year_attention_locked(hub_ctx *ctx, const char *today, const char *street, json_t *out,
                                hub_year_attn *attn, cm_err *err);

/* The lists (bit 1 << HUB_YEAR_SELF, ...) organisation id, filed by key
 * author (hex), with status and filing date filed as the projection wrote
 * them (hub_dash_org_row), is missing from: it counts in the list's year
 * (hub/counting.h) and its entry is missing after the list's due date. */
unsigned hub_year_missing(hub_year_attn *attn, const char *author, const char *id,
                          const char *status, const char *filed);

/* Drop the lists hub_year_attention_locked keeps while the year generation
 * stays (hub_dashboard_forget: the next answer computes them).  Caller holds
 * ctx->lock. */
void hub_year_forget_locked(hub_ctx *ctx);

/* A plan.annual (summary 0) or summary.annual (summary 1) of year for org, one
 * of this street's own organisations, fields as for hub_year_unit_plan_file.
 * CM_ERR_PERM at a district, CM_ERR_NOT_FOUND unless org is a street-level
 * organisation here, CM_ERR_INVALID from the domain core's checks. */
cm_rc hub_year_org_plan_file(hub_ctx *ctx, const char *org, int summary, int year,
                             const char *text1, const char *text2, int64_t count,
                             char *record_out, size_t record_cap, cm_err *err);

/* The street's own plan (summary 0: goals, activities, count planned) or
 * year-end summary (summary 1: results, problems, count held) of year: a
 * plan.unit or summary.unit entry in this street hub's log after the domain
 * core's checks.  CM_ERR_PERM at a district.  record_out gets its record id. */
cm_rc hub_year_unit_plan_file(hub_ctx *ctx, int summary, int year, const char *text1,
                              const char *text2, int64_t count, char *record_out,
                              size_t record_cap, cm_err *err);

/* Trainings (培训) of year: {"year", "trainings": [hub_store_trainings_json
 * rows, "orgs" an array, "attended" its length], "organisations": [{"street",
 * "community", "code", "org", "name", "trainings"}...], "totals":
 * {"trainings", "attendances"}}; street non-empty limits the organisations
 * to it.  New reference. */
cm_rc hub_year_trainings(hub_ctx *ctx, int year, const char *street, json_t **out, cm_err *err);

/* Record a training held on date (not in the future) by organiser on topic,
 * attended by the organisations orgs (a JSON array of filing numbers, each
 * held here; CM_ERR_NOT_FOUND names one that is not): a training.recorded
 * entry in this hub's log.  record_out gets its record id. */
cm_rc hub_year_training_record(hub_ctx *ctx, const char *date, const char *topic,
                               const char *organiser, const char *content, const json_t *orgs,
                               char *record_out, size_t record_cap, cm_err *err);

/* Send a notice to every community of the district (to "district", a
 * district only) or of one street (to "street": at a district street names
 * it; at a street hub its own): one notice.issued entry and one notice.sent
 * per community, addressed to it, in one transaction.  CM_ERR_NOT_FOUND when
 * the street holds no community.  record_out gets the notice's record id,
 * *n_out the number of communities. */
cm_rc hub_year_notice_send(hub_ctx *ctx, const char *to, const char *street, const char *title,
                           const char *text, char *record_out, size_t record_cap, size_t *n_out,
                           cm_err *err);

/* The notices held here with how many communities each reached and read:
 * {"notices": [...hub_store_notices_json rows]}; street non-empty keeps the
 * notices to every community of the district and those to that street.
 * With notice non-NULL, also "reads": who it was sent to and when each read
 * it (hub_store_notice_reads_json, "read_date" added), street-limited too;
 * CM_ERR_NOT_FOUND when there is no such notice.  New reference. */
cm_rc hub_year_notices(hub_ctx *ctx, const char *street, const char *notice, json_t **out,
                       cm_err *err);

#endif
