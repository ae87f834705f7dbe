/* summary.c - GET /api/v1/summary: per-community counts from the typed rows
 * of the store (where each record counts is hub/counting.h's), summed up to
 * each street and to the whole hub.  JSON is written here, at the edge. */
#include "summary.h"

#include <string.h>

#include "../common/records.h"
#include "counting.h"
#include "store.h"

static const char *const summary_fields[] = {"organisations", "reports", "activities",
                                             "participants", "party_participants"};
static const char *const summary_states[] = {"accepted", "pending"};

/* The counts of one community, street or hub: [0] accepted, [1] pending,
 * each in the order of summary_fields. */
typedef struct counts {
  int64_t v[2][5];
} counts;

/* Add b into a (held at INT64_MAX: figures never wrap). */
static void counts_add(counts *a, const counts *b) {
  for (size_t s = 0; s < 2; s++)
    for (size_t i = 0; i < 5; i++) a->v[s][i] = cm_rec_add(a->v[s][i], b->v[s][i]);
}

/* {"accepted": {...}, "pending": {...}} into o; 0 when out of memory. */
static int counts_json(json_t *o, const counts *c) {
  for (size_t s = 0; s < 2; s++) {
    json_t *x = json_object();
    if (!x || json_object_set_new(o, summary_states[s], x)) return 0;
    for (size_t i = 0; i < 5; i++)
      if (json_object_set_new(x, summary_fields[i], json_integer(c->v[s][i]))) return 0;
  }
  return 1;
}

/* One record of an author into its counts. */
static cm_rc count_record(void *ctx, const hub_sum_record_row *r, cm_err *err) {
  counts *c = ctx;
  (void)err;
  if (!r->is_report) {
    hub_count k = hub_count_org(r->status, r->dissolved);
    if (k) c->v[k == HUB_COUNT_ACCEPTED ? 0 : 1][0] += 1;
    return CM_OK;
  }
  hub_count k = hub_count_report(r->org_status, r->status, r->newest);
  if (!k) return CM_OK;
  int64_t *v = c->v[k == HUB_COUNT_ACCEPTED ? 0 : 1];
  v[1] = cm_rec_add(v[1], 1);
  v[2] = cm_rec_add(v[2], r->activities);
  v[3] = cm_rec_add(v[3], r->participants);
  v[4] = cm_rec_add(v[4], r->party_participants);
  return CM_OK;
}

/* A level being summed (a street: its communities; the hub: its streets):
 * the JSON rows below it and its counts. */
typedef struct sum_level {
  hub_store *st;
  json_t *rows;
  counts total;
} sum_level;

static cm_rc add_community(void *ctx, const hub_sum_unit_row *u, cm_err *err) {
  sum_level *s = ctx;
  counts c;
  memset(&c, 0, sizeof c);
  cm_rc rc = hub_store_sum_records(s->st, u->key, count_record, &c, err);
  if (rc) return rc;
  json_t *o = json_pack("{s:s, s:s}", "name", u->name, "code", u->code);
  if (!o || !counts_json(o, &c)) {
    json_decref(o);
    return cm_errf(err, CM_ERR_NOMEM, "内存不足，无法生成汇总");
  }
  /* json_array_append_new releases o when it fails */
  if (json_array_append_new(s->rows, o))
    return cm_errf(err, CM_ERR_NOMEM, "内存不足，无法生成汇总");
  counts_add(&s->total, &c);
  return CM_OK;
}

/* One street (key, name): its communities, then the street-level
 * organisations its street hub filed itself, which count in the street with
 * no community row of their own. */
static cm_rc add_street(void *ctx, const hub_sum_unit_row *u, cm_err *err) {
  sum_level *h = ctx;
  sum_level s;
  memset(&s, 0, sizeof s);
  s.st = h->st;
  s.rows = json_array();
  if (!s.rows) return cm_errf(err, CM_ERR_NOMEM, "内存不足，无法生成汇总");
  cm_rc rc = hub_store_sum_communities(h->st, u->key, add_community, &s, err);
  if (!rc) rc = hub_store_sum_records(h->st, u->key, count_record, &s.total, err);
  if (rc) {
    json_decref(s.rows);
    return rc;
  }
  /* Keys in the order docs/api.md shows: name, accepted, pending, communities. */
  json_t *o = json_pack("{s:s}", "name", u->name);
  if (!o || !counts_json(o, &s.total)) {
    json_decref(o);
    json_decref(s.rows);
    return cm_errf(err, CM_ERR_NOMEM, "内存不足，无法生成汇总");
  }
  /* the _new calls release their value when they fail */
  if (json_object_set_new(o, "communities", s.rows) ||
      json_array_append_new(h->rows, o)) {
    return cm_errf(err, CM_ERR_NOMEM, "内存不足，无法生成汇总");
  }
  counts_add(&h->total, &s.total);
  return CM_OK;
}

json_t *hub_summary(hub_ctx *ctx, cm_err *err) {
  sum_level h;
  cm_rc rc = CM_OK;
  memset(&h, 0, sizeof h);
  h.st = ctx->store;
  h.rows = json_array();
  if (!h.rows) {
    cm_errf(err, CM_ERR_NOMEM, "汇总时内存不足");
    return NULL;
  }
  pthread_mutex_lock(&ctx->lock);
  if (ctx->role == HUB_ROLE_DISTRICT) {
    rc = hub_store_sum_streets(ctx->store, add_street, &h, err);
  } else {
    hub_sum_unit_row self;
    memcpy(self.key, ctx->kp.pk, PROTO_KEY_BYTES);
    self.name = ctx->name;
    self.code = "";
    rc = add_street(&h, &self, err);
  }
  pthread_mutex_unlock(&ctx->lock);
  json_t *out = rc ? NULL : json_object();
  if (!rc && (!out || !counts_json(out, &h.total))) {
    cm_errf(err, CM_ERR_NOMEM, "内存不足，无法生成汇总");
    rc = CM_ERR_NOMEM;
  }
  if (rc) {
    json_decref(out);
    json_decref(h.rows);
    return NULL;
  }
  /* Keys as docs/api.md shows them: accepted, pending, streets. */
  if (json_object_set_new(out, "streets", h.rows)) { /* releases h.rows */
    json_decref(out);
    cm_errf(err, CM_ERR_NOMEM, "内存不足，无法生成汇总");
    return NULL;
  }
  return out;
}
