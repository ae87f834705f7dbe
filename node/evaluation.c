/* evaluation.c - evaluation and commendation (评比表彰) at the community node
 * (node/evaluation.h). */
#include "evaluation.h"

#include <stdio.h>
#include <string.h>

#include "records.h"
#include "year.h"

/* The inbox items of kind, oldest first (the inbox lists newest first). */
static cm_rc inbox_of(node_ctx *ctx, const char *kind, json_t **out, cm_err *err) {
  json_t *inbox = NULL, *it;
  size_t i;
  cm_rc rc = node_inbox_list(ctx, &inbox, err);
  *out = json_array();
  if (!*out) rc = cm_errf(err, CM_ERR_NOMEM, "out of memory");
  json_array_foreach(inbox, i, it) {
    if (rc) break;
    if (strcmp(json_string_value(json_object_get(it, "kind")), kind) == 0 &&
        json_array_insert(*out, 0, it))
      rc = cm_errf(err, CM_ERR_NOMEM, "out of memory");
  }
  json_decref(inbox);
  if (rc) {
    json_decref(*out);
    *out = NULL;
  }
  return rc;
}

/* Body field k of an inbox item as text ("" when absent). */
static const char *bs(const json_t *it, const char *k) {
  const char *s = json_string_value(json_object_get(json_object_get(it, "body"), k));
  return s ? s : "";
}

/* The rounds received, one per id (the first copy), newest first. */
static cm_rc rounds(node_ctx *ctx, json_t **out, cm_err *err) {
  json_t *items = NULL, *it;
  size_t i;
  char today[11];
  node_today(ctx, today);
  cm_rc rc = inbox_of(ctx, "evaluation.round", &items, err);
  *out = json_array();
  if (!*out) rc = cm_errf(err, CM_ERR_NOMEM, "out of memory");
  json_array_foreach(items, i, it) {
    size_t k;
    json_t *r;
    int seen = 0;
    if (rc) break;
    json_array_foreach(*out, k, r) seen |= !strcmp(bs(it, "round"), json_string_value(json_object_get(r, "round")));
    if (seen || cm_rec_round_id(bs(it, "round"), NULL) != CM_OK) continue;
    r = json_pack("{s:s,s:O,s:s,s:s,s:b,s:O}", "round", bs(it, "round"), "year",
                  json_object_get(json_object_get(it, "body"), "year"), "title", bs(it, "title"),
                  "closes", bs(it, "closes"), "open", strcmp(today, bs(it, "closes")) <= 0,
                  "record", json_object_get(it, "record"));
    if (!r || json_array_insert_new(*out, 0, r)) rc = cm_errf(err, CM_ERR_NOMEM, "out of memory");
  }
  json_decref(items);
  return rc;
}

cm_rc node_eval_round_ctx(node_ctx *ctx, const char *round, cm_rec_ctx *c, cm_err *err) {
  json_t *list = NULL, *r;
  size_t i;
  cm_rc rc = rounds(ctx, &list, err);
  c->round_known = 0;
  json_array_foreach(list, i, r) {
    if (rc || strcmp(json_string_value(json_object_get(r, "round")), round) != 0) continue;
    c->round_known = 1;
    c->round_year = json_integer_value(json_object_get(r, "year"));
    snprintf(c->round_closes, sizeof c->round_closes, "%s",
             json_string_value(json_object_get(r, "closes")));
  }
  json_decref(list);
  return rc;
}

cm_rc node_eval_list(node_ctx *ctx, json_t **out, cm_err *err) {
  json_t *rs = NULL, *noms = NULL, *recs = NULL, *comms = NULL, *n, *it;
  size_t i, k;
  *out = NULL;
  cm_rc rc = rounds(ctx, &rs, err);
  if (!rc) rc = node_year_entries(ctx, "evaluation.nominated", &noms, err);
  if (!rc) rc = inbox_of(ctx, "evaluation.recommended", &recs, err);
  if (!rc) rc = inbox_of(ctx, "decision.commend", &comms, err);
  json_array_foreach(noms, i, n) {
    const char *rec = json_string_value(json_object_get(n, "record"));
    const char *status = "nominated";
    if (!json_object_get(n, "person")) json_object_set_new(n, "person", json_string(""));
    json_object_set_new(n, "opinion", json_string(""));
    json_object_set_new(n, "commendation", json_string(""));
    json_object_set_new(n, "reason", json_string(""));
    json_array_foreach(recs, k, it) if (!strcmp(bs(it, "nomination"), rec)) {
      status = "recommended";
      json_object_set_new(n, "opinion", json_string(bs(it, "opinion")));
    }
    json_array_foreach(comms, k, it) {
      if (strcmp(bs(it, "nomination"), rec) != 0 || json_is_true(json_object_get(it, "withdrawn")))
        continue;
      status = "commended";
      json_object_set(n, "commendation", json_object_get(it, "record"));
      json_object_set_new(n, "reason", json_string(bs(it, "reason")));
    }
    json_object_set_new(n, "status", json_string(status));
  }
  if (!rc) *out = json_pack("{s:O,s:O}", "rounds", rs, "nominations", noms);
  if (!rc && !*out) rc = cm_errf(err, CM_ERR_NOMEM, "out of memory");
  json_decref(rs);
  json_decref(noms);
  json_decref(recs);
  json_decref(comms);
  return rc;
}
