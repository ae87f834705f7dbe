/* year.c - the organisation's year at the community node (node/year.h). */
#include "year.h"

#include <stdio.h>
#include <stdlib.h>
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

/* ---- trainings the street or the district recorded ---- */

typedef struct train_job {
  const json_t *orgs; /* ours: store_org_list's rows */
  const char *org;    /* NULL: every one of ours */
  int year;           /* 0: every year */
  json_t *trainings;  /* newest date first */
  json_t *counts;     /* "org\tyear" -> count */
  int ymin, ymax;     /* the years trained in (ymin > ymax: none) */
} train_job;

/* 1 when id is one of ours (and the one asked for, if any). */
static int train_ours(const train_job *j, const char *id) {
  const json_t *o;
  size_t i;
  if (j->org && strcmp(j->org, id) != 0) return 0;
  json_array_foreach(j->orgs, i, o) {
    const char *x = json_string_value(json_object_get(o, "id"));
    if (x && !strcmp(x, id)) return 1;
  }
  return 0;
}

static cm_rc take_training(void *arg, uint64_t cursor, const char *kind, const char *body,
                           const char *origin, const char *record, uint64_t time_ms,
                           cm_err *err) {
  train_job *j = arg;
  json_t *b = NULL, *ours = NULL, *v;
  size_t i;
  char key[128];
  (void)cursor;
  (void)time_ms;
  if (strcmp(kind, "training.recorded") != 0) return CM_OK;
  if (cm_json_parse_object((const uint8_t *)body, strlen(body), &b, NULL) != CM_OK) return CM_OK;
  const char *date = json_string_value(json_object_get(b, "date"));
  const json_t *seen;
  cm_rc rc = CM_OK;
  /* the same training twice (a street's relay re-sent) counts once */
  json_array_foreach(j->trainings, i, seen) {
    if (!strcmp(json_string_value(json_object_get(seen, "record")), record)) goto out;
  }
  if (!date || strlen(date) < 4 || (j->year && atoi(date) != j->year)) goto out;
  ours = json_array();
  if (!ours) rc = cm_errf(err, CM_ERR_NOMEM, "内存不足");
  json_array_foreach(json_object_get(b, "orgs"), i, v) {
    if (rc) break;
    if (!json_is_string(v) || !train_ours(j, json_string_value(v))) continue;
    snprintf(key, sizeof key, "%s\t%.4s", json_string_value(v), date);
    if (json_array_append(ours, v) ||
        json_object_set_new(j->counts, key,
                            json_integer(json_integer_value(json_object_get(j->counts, key)) + 1)))
      rc = cm_errf(err, CM_ERR_NOMEM, "内存不足");
  }
  if (!rc && json_array_size(ours)) {
    const char *topic = json_string_value(json_object_get(b, "topic"));
    const char *organiser = json_string_value(json_object_get(b, "organiser"));
    const char *content = json_string_value(json_object_get(b, "content"));
    json_t *t = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:O}", "record", record, "origin", origin,
                          "date", date, "topic", topic ? topic : "", "organiser",
                          organiser ? organiser : "", "content", content ? content : "",
                          "orgs", ours);
    if (atoi(date) < j->ymin) j->ymin = atoi(date);
    if (atoi(date) > j->ymax) j->ymax = atoi(date);
    /* newest date first; of one date, the later received first */
    size_t at = 0;
    while (at < json_array_size(j->trainings) &&
           strcmp(json_string_value(json_object_get(json_array_get(j->trainings, at), "date")),
                  date) > 0)
      at++;
    if (!t || json_array_insert_new(j->trainings, at, t)) rc = cm_errf(err, CM_ERR_NOMEM, "内存不足");
  }
out:
  json_decref(ours);
  json_decref(b);
  return rc;
}

cm_rc node_training_list(node_ctx *ctx, const char *org, int year, json_t **out, cm_err *err) {
  json_t *orgs = NULL, *per = json_array(), *o;
  train_job j = {NULL, org, year, json_array(), json_object(), 9999, 0};
  size_t i;
  cm_rc rc = per && j.trainings && j.counts ? CM_OK : cm_errf(err, CM_ERR_NOMEM, "内存不足");
  *out = NULL;
  if (!rc) rc = store_org_list(ctx, &orgs, err);
  j.orgs = orgs;
  if (!rc && org && !train_ours(&j, org))
    rc = cm_errf(err, CM_ERR_NOT_FOUND, "本社区没有备案编号为「%s」的组织", org);
  if (!rc) rc = store_inbox_each(ctx, take_training, &j, err);
  /* per organisation of ours (in the list's order), per year: the year asked
   * for, else each year it was trained in, oldest first */
  json_array_foreach(orgs, i, o) {
    const char *id = json_string_value(json_object_get(o, "id"));
    if (rc) break;
    if (!id || (org && strcmp(org, id) != 0)) continue;
    for (int y = year ? year : j.ymin; !rc && y <= (year ? year : j.ymax); y++) {
      char key[128];
      snprintf(key, sizeof key, "%s\t%04d", id, y);
      json_int_t n = json_integer_value(json_object_get(j.counts, key));
      if (!n && !year) continue;
      json_t *r = json_pack("{s:s,s:O,s:i,s:I}", "org", id, "name", json_object_get(o, "name"),
                            "year", y, "trainings", n);
      if (!r || json_array_append_new(per, r)) rc = cm_errf(err, CM_ERR_NOMEM, "内存不足");
    }
  }
  if (!rc) {
    *out = json_pack("{s:o,s:O,s:O}", "year", year ? json_integer(year) : json_null(),
                     "trainings", j.trainings, "organisations", per);
    if (!*out) rc = cm_errf(err, CM_ERR_NOMEM, "内存不足");
  }
  json_decref(orgs);
  json_decref(per);
  json_decref(j.trainings);
  json_decref(j.counts);
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
