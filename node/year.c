/* year.c - the organisation's year at the community node (node/year.h). */
#include "year.h"

#include <string.h>

#include "../common/json.h"
#include "../protocol/entry.h"
#include "journal.h"
#include "records.h"
#include "store.h"

typedef struct list_job {
  node_ctx *ctx;
  const char *kind;  /* keep entries of this kind */
  const char *org;   /* and of this organisation (NULL: any) */
  int year;          /* and of this year (0: any) */
  json_t *reports;   /* newest first */
} list_job;

/* One entry of the log: keep it when it is of the job's kind, org and year. */
static cm_rc take_report(void *arg, uint64_t seq, const uint8_t *raw, size_t len, cm_err *err) {
  list_job *j = arg;
  proto_entry e;
  json_t *body = NULL;
  char record[NODE_RECORD_ID_MAX];
  cm_rc rc = proto_entry_decode(raw, len, &e, err);
  if (rc || strcmp(e.kind, j->kind) != 0) return rc;
  /* A body this version cannot read is signed history: skipped, not fatal. */
  if (cm_json_parse_object(e.body, e.body_len, &body, NULL) != CM_OK) return CM_OK;
  const char *org = json_string_value(json_object_get(body, "org"));
  if ((j->org && (!org || strcmp(org, j->org) != 0)) ||
      (j->year && json_integer_value(json_object_get(body, "year")) != j->year)) {
    json_decref(body);
    return CM_OK;
  }
  node_record_id(j->ctx, seq, record, sizeof record);
  json_object_set_new(body, "seq", json_integer((json_int_t)seq));
  json_object_set_new(body, "record", json_string(record));
  json_object_set_new(body, "time_ms", json_integer((json_int_t)e.time_ms));
  if (json_array_insert_new(j->reports, 0, body))
    return cm_errf(err, CM_ERR_NOMEM, "out of memory listing self-reports");
  return CM_OK;
}

cm_rc node_inspection_list(node_ctx *ctx, json_t **out, cm_err *err) {
  list_job j = {ctx, "inspection.self", NULL, 0, json_array()};
  json_t *inbox = NULL, *results = json_array(), *it;
  size_t i;
  cm_rc rc = j.reports && results ? CM_OK : cm_errf(err, CM_ERR_NOMEM, "out of memory");
  *out = NULL;
  if (!rc) rc = store_log_each(ctx, 1, 0, take_report, &j, err);
  if (!rc) rc = node_inbox_list(ctx, &inbox, err);
  json_array_foreach(inbox, i, it) {
    json_t *year = json_object_get(json_object_get(it, "body"), "year");
    if (rc || strcmp(json_string_value(json_object_get(it, "kind")), "decision.inspect") != 0 ||
        !json_is_integer(year))
      continue;
    json_object_set(it, "year", year);
    if (json_array_append(results, it)) rc = cm_errf(err, CM_ERR_NOMEM, "out of memory");
  }
  if (!rc) *out = json_pack("{s:O,s:O}", "reports", j.reports, "results", results);
  if (!rc && !*out) rc = cm_errf(err, CM_ERR_NOMEM, "out of memory");
  json_decref(inbox);
  json_decref(results);
  json_decref(j.reports);
  return rc;
}

cm_rc node_plan_list(node_ctx *ctx, const char *org, int year, json_t **out, cm_err *err) {
  list_job p = {ctx, "plan.annual", org, year, json_array()};
  list_job s = {ctx, "summary.annual", org, year, json_array()};
  cm_rc rc = p.reports && s.reports ? CM_OK : cm_errf(err, CM_ERR_NOMEM, "out of memory");
  *out = NULL;
  if (!rc) rc = store_log_each(ctx, 1, 0, take_report, &p, err);
  if (!rc) rc = store_log_each(ctx, 1, 0, take_report, &s, err);
  if (!rc) *out = json_pack("{s:O,s:O}", "plans", p.reports, "summaries", s.reports);
  if (!rc && !*out) rc = cm_errf(err, CM_ERR_NOMEM, "out of memory");
  json_decref(p.reports);
  json_decref(s.reports);
  return rc;
}

cm_rc node_year_entries(node_ctx *ctx, const char *kind, json_t **out, cm_err *err) {
  list_job j = {ctx, kind, NULL, 0, json_array()};
  cm_rc rc = j.reports ? CM_OK : cm_errf(err, CM_ERR_NOMEM, "out of memory");
  *out = NULL;
  if (!rc) rc = store_log_each(ctx, 1, 0, take_report, &j, err);
  if (rc) {
    json_decref(j.reports);
    return rc;
  }
  *out = j.reports;
  return CM_OK;
}
