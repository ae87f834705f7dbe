/* year.c - the organisation's year at the community node (node/year.h). */
#include "year.h"

#include <string.h>

#include "../common/json.h"
#include "../protocol/entry.h"
#include "journal.h"
#include "records.h"
#include "store.h"

cm_rc node_inspection_list(node_ctx *ctx, json_t **out, cm_err *err) {
  json_t *reports = NULL, *inbox = NULL, *results = json_array(), *it;
  size_t i;
  cm_rc rc = results ? CM_OK : cm_errf(err, CM_ERR_NOMEM, "out of memory");
  *out = NULL;
  if (!rc) rc = journal_bodies(ctx, "inspection.self", NULL, 0, &reports, err);
  if (!rc) rc = node_inbox_list(ctx, &inbox, err);
  json_array_foreach(inbox, i, it) {
    json_t *year = json_object_get(json_object_get(it, "body"), "year");
    if (rc || strcmp(json_string_value(json_object_get(it, "kind")), "decision.inspect") != 0 ||
        !json_is_integer(year))
      continue;
    json_object_set(it, "year", year);
    if (json_array_append(results, it)) rc = cm_errf(err, CM_ERR_NOMEM, "out of memory");
  }
  if (!rc) *out = json_pack("{s:O,s:O}", "reports", reports, "results", results);
  if (!rc && !*out) rc = cm_errf(err, CM_ERR_NOMEM, "out of memory");
  json_decref(inbox);
  json_decref(results);
  json_decref(reports);
  return rc;
}

cm_rc node_plan_list(node_ctx *ctx, const char *org, int year, json_t **out, cm_err *err) {
  json_t *plans = NULL, *summaries = NULL;
  *out = NULL;
  cm_rc rc = journal_bodies(ctx, "plan.annual", org, year, &plans, err);
  if (!rc) rc = journal_bodies(ctx, "summary.annual", org, year, &summaries, err);
  if (!rc) *out = json_pack("{s:O,s:O}", "plans", plans, "summaries", summaries);
  if (!rc && !*out) rc = cm_errf(err, CM_ERR_NOMEM, "out of memory");
  json_decref(plans);
  json_decref(summaries);
  return rc;
}
