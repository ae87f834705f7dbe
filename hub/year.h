/* year.h - the year of an organisation at a hub: the annual inspection
 * (年检).  A community's self-report is an inspection.self entry (checked by
 * the domain core, common/records.h); the street's result is a
 * decision.inspect entry carrying the "year" (合格, 限期整改 with a deadline,
 * closed like a criticism by a rectification the street accepts, 不合格,
 * which proposes revocation to the district); the district's progress
 * (年检进度) counts both per street and community against the organisations
 * that count in the year.  Due dates are the district's: self-reports by
 * 31 January of the next year unless `inspection due` sets another. */
#ifndef LINLI_HUB_YEAR_H
#define LINLI_HUB_YEAR_H

#include <jansson.h>
#include <stdint.h>

#include "../common/buf.h"
#include "../common/rc.h"
#include "hub.h"

/* The due date of year's self-reports ("YYYY-MM-DD") into out. */
cm_rc hub_year_due(hub_ctx *ctx, int year, char out[11], cm_err *err);

/* Set it; CM_ERR_INVALID for a date that is not one or not after the year. */
cm_rc hub_year_due_set(hub_ctx *ctx, int year, const char *date, cm_err *err);

/* CM_ERR_INVALID unless s is a year from 2000 to last year by the clock
 * (finished 1) or to this year (finished 0); *year_out gets it. */
cm_rc hub_year_parse(const char *s, int finished, int *year_out, cm_err *err);

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
 * "organisations"}.  Due: a plan by 31 January of its year, a summary by 31
 * January of the next.  street non-empty limits it.  New reference. */
cm_rc hub_year_plans(hub_ctx *ctx, int year, const char *street, json_t **out, cm_err *err);

/* The organisations of a progress answer as CSV (Chinese headers). */
cm_rc hub_year_progress_csv(const json_t *progress, cm_buf *out, cm_err *err);

#endif
