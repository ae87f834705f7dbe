/* members.c - an organisation's roster as it stands, read from this node's
 * log (node/members.h). */
#include "members.h"

#include <stdio.h>
#include <string.h>

#include "../common/json.h"
#include "../protocol/entry.h"
#include "store.h"

static const char *str(const json_t *o, const char *k) {
  const char *s = json_string_value(json_object_get(o, k));
  return s ? s : "";
}

static cm_rc nomem(cm_err *err) { return cm_errf(err, CM_ERR_NOMEM, "内存不足"); }

typedef struct list_job {
  node_ctx *ctx;
  const char *kind;  /* keep entries of this kind */
  const char *org;   /* and of this organisation (NULL: any) */
  int year;          /* and of this year (0: any) */
  json_t *bodies;    /* newest first */
} list_job;

/* One entry of the log: keep it when it is of the job's kind, org and year. */
static cm_rc take_report(void *arg, uint64_t seq, const uint8_t *raw, size_t len, cm_err *err) {
  list_job *j = arg;
  proto_entry e;
  json_t *body = NULL;
  char record[PROTO_KEY_HEX + 24];
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
  if (json_array_insert_new(j->bodies, 0, body))
    return cm_errf(err, CM_ERR_NOMEM, "列出台账时内存不足");
  return CM_OK;
}

cm_rc node_log_bodies(node_ctx *ctx, const char *kind, const char *org, int year, json_t **out,
                     cm_err *err) {
  list_job j = {ctx, kind, org, year, json_array()};
  cm_rc rc = j.bodies ? store_community_each(ctx, take_report, &j, err)
                      : cm_errf(err, CM_ERR_NOMEM, "内存不足");
  if (rc) {
    json_decref(j.bodies);
    j.bodies = NULL;
  }
  *out = j.bodies;
  return rc;
}

cm_rc node_roster_now(node_ctx *ctx, const char *org, json_t **out, cm_err *err) {
  json_t *all = NULL, *now = json_array(), *b, *it;
  size_t i, k;
  *out = NULL;
  cm_rc rc = now ? node_log_bodies(ctx, "roster.entry", org, 0, &all, err) : nomem(err);
  json_array_foreach(all, i, b) { /* newest first: the first of a member is its state */
    if (rc) break;
    json_int_t m = json_integer_value(json_object_get(b, "member"));
    size_t at = json_array_size(now);
    json_array_foreach(now, k, it) {
      json_int_t n = json_integer_value(json_object_get(it, "member"));
      if (n == m) break;
      if (n > m && at == json_array_size(now)) at = k;
    }
    if (k < json_array_size(now)) continue;
    if (json_array_insert(now, at, b)) rc = nomem(err);
  }
  json_decref(all);
  if (rc)
    json_decref(now);
  else
    *out = now;
  return rc;
}

cm_rc node_roster_apply(node_ctx *ctx, json_t *orgs, cm_err *err) {
  json_t *all = NULL, *seen = json_object(), *b, *o;
  size_t i;
  char key[128];
  cm_rc rc = seen ? node_log_bodies(ctx, "roster.entry", NULL, 0, &all, err) : nomem(err);
  /* newest first: the first entry of an organisation's member is its state */
  json_array_foreach(all, i, b) {
    if (rc) break;
    snprintf(key, sizeof key, "%s/%lld", str(b, "org"),
             (long long)json_integer_value(json_object_get(b, "member")));
    if (json_object_get(seen, key)) continue;
    json_object_set_new(seen, key, json_true());
    size_t k;
    json_array_foreach(orgs, k, o) {
      if (strcmp(str(o, "id"), str(b, "org")) != 0) continue;
      if (!json_object_get(o, "roster")) {
        json_object_set_new(o, "roster", json_true());
        json_object_set_new(o, "members", json_integer(0));
        json_object_set_new(o, "party_members", json_integer(0));
      }
      if (strcmp(str(b, "action"), "leave") == 0) break;
      json_object_set_new(o, "members",
                          json_integer(json_integer_value(json_object_get(o, "members")) + 1));
      if (json_is_true(json_object_get(b, "party_member")))
        json_object_set_new(
            o, "party_members",
            json_integer(json_integer_value(json_object_get(o, "party_members")) + 1));
      break;
    }
  }
  json_decref(all);
  json_decref(seen);
  return rc;
}

cm_rc node_roster_counts(node_ctx *ctx, const char *org, int *has_out, int64_t *members_out,
                         int64_t *party_out, cm_err *err) {
  json_t *now = NULL, *b;
  size_t i;
  *has_out = 0;
  *members_out = *party_out = 0;
  cm_rc rc = node_roster_now(ctx, org, &now, err);
  json_array_foreach(now, i, b) {
    int current = strcmp(str(b, "action"), "leave") != 0;
    *members_out += current;
    *party_out += current && json_is_true(json_object_get(b, "party_member"));
  }
  *has_out = json_array_size(now) > 0;
  json_decref(now);
  return rc;
}
