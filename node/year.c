/* year.c - the organisation's year at the community node (node/year.h). */
#include "year.h"

#include <string.h>

#include "../common/json.h"
#include "../protocol/entry.h"
#include "journal.h"
#include "records.h"
#include "members.h"
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
  /* the entry's own key: an earlier key's (store_community_each) names it */
  char hex[PROTO_KEY_HEX];
  proto_key_hex(e.author, hex);
  snprintf(record, sizeof record, "%s/%llu", hex, (unsigned long long)e.seq);
  json_object_set_new(body, "seq", json_integer((json_int_t)(int64_t)seq));
  json_object_set_new(body, "record", json_string(record));
  json_object_set_new(body, "time_ms", json_integer((json_int_t)e.time_ms));
  if (json_array_insert_new(j->reports, 0, body))
    return cm_errf(err, CM_ERR_NOMEM, "列出自查报告时内存不足");
  return CM_OK;
}

cm_rc node_inspection_list(node_ctx *ctx, json_t **out, cm_err *err) {
  json_t *reports = NULL, *inbox = NULL, *results = json_array(), *it;
  size_t i;
  cm_rc rc = results ? CM_OK : cm_errf(err, CM_ERR_NOMEM, "内存不足");
  *out = NULL;
  if (!rc) rc = node_log_bodies(ctx, "inspection.self", NULL, 0, &reports, err);
  if (!rc) rc = node_inbox_list(ctx, &inbox, err);
  json_array_foreach(inbox, i, it) {
    json_t *year = json_object_get(json_object_get(it, "body"), "year");
    if (rc || strcmp(json_string_value(json_object_get(it, "kind")), "decision.inspect") != 0 ||
        !json_is_integer(year))
      continue;
    json_object_set(it, "year", year);
    if (json_array_append(results, it)) rc = cm_errf(err, CM_ERR_NOMEM, "内存不足");
  }
  if (!rc) *out = json_pack("{s:O,s:O}", "reports", reports, "results", results);
  if (!rc && !*out) rc = cm_errf(err, CM_ERR_NOMEM, "内存不足");
  json_decref(inbox);
  json_decref(results);
  json_decref(reports);
  return rc;
}

cm_rc node_plan_list(node_ctx *ctx, const char *org, int year, json_t **out, cm_err *err) {
  list_job p = {ctx, "plan.annual", org, year, json_array()};
  list_job s = {ctx, "summary.annual", org, year, json_array()};
  list_job up = {ctx, "plan.unit", NULL, year, json_array()};
  list_job us = {ctx, "summary.unit", NULL, year, json_array()};
  cm_rc rc = p.reports && s.reports && up.reports && us.reports
                 ? CM_OK
                 : cm_errf(err, CM_ERR_NOMEM, "内存不足");
  *out = NULL;
  if (!rc) rc = store_community_each(ctx, take_report, &p, err);
  if (!rc) rc = store_community_each(ctx, take_report, &s, err);
  if (!rc && !org) rc = store_community_each(ctx, take_report, &up, err);
  if (!rc && !org) rc = store_community_each(ctx, take_report, &us, err);
  if (!rc)
    *out = json_pack("{s:O,s:O,s:O,s:O}", "plans", p.reports, "summaries", s.reports,
                     "community_plans", up.reports, "community_summaries", us.reports);
  if (!rc && !*out) rc = cm_errf(err, CM_ERR_NOMEM, "内存不足");
  json_decref(p.reports);
  json_decref(s.reports);
  json_decref(up.reports);
  json_decref(us.reports);
  return rc;
}

/* ---- notices from the district or the street ---- */

cm_rc node_notice_list(node_ctx *ctx, json_t **out, cm_err *err) {
  list_job reads = {ctx, "notice.read", NULL, 0, json_array()};
  json_t *inbox = NULL, *list = json_array(), *it, *r;
  size_t i, k;
  cm_rc rc = reads.reports && list ? CM_OK : cm_errf(err, CM_ERR_NOMEM, "内存不足");
  *out = NULL;
  if (!rc) rc = store_community_each(ctx, take_report, &reads, err);
  if (!rc) rc = node_inbox_list(ctx, &inbox, err);
  json_array_foreach(inbox, i, it) {
    const json_t *b = json_object_get(it, "body");
    const char *notice = json_string_value(json_object_get(b, "notice"));
    if (rc) break;
    if (strcmp(json_string_value(json_object_get(it, "kind")), "notice.sent") != 0 || !notice)
      continue;
    json_t *mine = NULL;
    json_array_foreach(reads.reports, k, r) {
      const char *n = json_string_value(json_object_get(r, "notice"));
      if (n && !strcmp(n, notice)) mine = r; /* oldest last: the first reading stays */
    }
    json_t *o = json_pack("{s:s,s:O,s:O,s:O,s:O,s:O,s:O,s:b,s:s}", "notice", notice, "title",
                          json_object_get(b, "title"), "text", json_object_get(b, "text"),
                          "scope", json_object_get(b, "scope"), "street",
                          json_object_get(b, "street"), "origin", json_object_get(it, "origin"),
                          "time", json_object_get(it, "time"), "read", mine != NULL,
                          "read_record",
                          mine ? json_string_value(json_object_get(mine, "record")) : "");
    if (!o || json_array_append_new(list, o)) rc = cm_errf(err, CM_ERR_NOMEM, "内存不足");
  }
  if (!rc) *out = json_incref(list);
  json_decref(list);
  json_decref(inbox);
  json_decref(reads.reports);
  return rc;
}

typedef struct read_job {
  json_t *body;
  uint64_t seq;
} read_job;

static cm_rc read_tx(node_ctx *ctx, void *arg, cm_err *err) {
  read_job *j = arg;
  const char *notice = json_string_value(json_object_get(j->body, "notice"));
  /* The domain core refuses a notice not addressed to this community. */
  cm_rc rc = journal_append_in_tx(ctx, "notice.read", j->body, &j->seq, err);
  if (!rc) rc = store_notice_mark_read(ctx, notice, err);
  return rc;
}

cm_rc node_notice_read(node_ctx *ctx, const char *notice, char record_out[NODE_RECORD_ID_MAX],
                       int *already_out, cm_err *err) {
  json_t *list = NULL, *o;
  size_t i;
  read_job j = {NULL, 0};
  *already_out = 0;
  if (!notice || !*notice)
    return cm_errf(err, CM_ERR_INVALID, "需要通知编号 / a notice's record id is needed");
  cm_rc rc = node_notice_list(ctx, &list, err);
  json_array_foreach(list, i, o) {
    if (rc || strcmp(json_string_value(json_object_get(o, "notice")), notice) != 0 ||
        !json_is_true(json_object_get(o, "read")))
      continue;
    /* Read once: the first reading is the one the district sees. */
    snprintf(record_out, NODE_RECORD_ID_MAX, "%s",
             json_string_value(json_object_get(o, "read_record")));
    *already_out = 1;
  }
  json_decref(list);
  if (rc || *already_out) return rc;
  j.body = json_pack("{s:s}", "notice", notice);
  rc = j.body ? journal_tx(ctx, read_tx, &j, err) : cm_errf(err, CM_ERR_NOMEM, "内存不足");
  if (!rc) node_record_id(ctx, j.seq, record_out, NODE_RECORD_ID_MAX);
  json_decref(j.body);
  return rc;
}

cm_rc node_year_entries(node_ctx *ctx, const char *kind, json_t **out, cm_err *err) {
  list_job j = {ctx, kind, NULL, 0, json_array()};
  cm_rc rc = j.reports ? CM_OK : cm_errf(err, CM_ERR_NOMEM, "内存不足");
  *out = NULL;
  if (!rc) rc = store_community_each(ctx, take_report, &j, err);
  if (rc) {
    json_decref(j.reports);
    return rc;
  }
  *out = j.reports;
  return CM_OK;
}
