/* rounds.c - the evaluation rounds this node received, read from its inbox
 * (node/rounds.h). */
#include "rounds.h"

#include <stdio.h>
#include <string.h>

#include "store.h"

/* The inbox items of kind, oldest first (the inbox lists newest first). */
cm_rc node_inbox_of(node_ctx *ctx, const char *kind, json_t **out, cm_err *err) {
  json_t *inbox = NULL, *it;
  size_t i;
  char hex[PROTO_KEY_HEX] = "";
  char today[11];
  store_meta_get(ctx, "hub_key", hex, sizeof hex, NULL);
  node_today(ctx, today);
  cm_rc rc = store_inbox_json(ctx, hex, today, &inbox, err);
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
const char *node_inbox_field(const json_t *it, const char *k) {
  const char *s = json_string_value(json_object_get(json_object_get(it, "body"), k));
  return s ? s : "";
}

/* The early close of round among the closes received (items of
 * evaluation.closed): its date into closed and its time, 0 when none. */
static int64_t closed_of(const json_t *closes, const char *round, char closed[11]) {
  size_t i;
  json_t *it;
  int64_t ms = 0;
  closed[0] = '\0';
  json_array_foreach(closes, i, it) {
    json_int_t t = json_integer_value(json_object_get(json_object_get(it, "body"), "closed_ms"));
    if (strcmp(node_inbox_field(it, "round"), round) != 0 || t <= 0 || (ms && t >= ms)) continue;
    ms = t;
    snprintf(closed, 11, "%s", node_inbox_field(it, "closed"));
  }
  return ms;
}

/* The rounds received, one per id (the first copy), newest first. */
cm_rc node_rounds(node_ctx *ctx, json_t **out, cm_err *err) {
  json_t *items = NULL, *closes = NULL, *it;
  size_t i;
  char today[11];
  node_today(ctx, today);
  cm_rc rc = node_inbox_of(ctx, "evaluation.round", &items, err);
  if (!rc) rc = node_inbox_of(ctx, "evaluation.closed", &closes, err);
  *out = json_array();
  if (!*out) rc = cm_errf(err, CM_ERR_NOMEM, "out of memory");
  json_array_foreach(items, i, it) {
    size_t k;
    json_t *r;
    int seen = 0;
    char closed[11];
    if (rc) break;
    json_array_foreach(*out, k, r) seen |= !strcmp(node_inbox_field(it, "round"), json_string_value(json_object_get(r, "round")));
    if (seen || cm_rec_round_id(node_inbox_field(it, "round"), NULL) != CM_OK) continue;
    int64_t closed_ms = closed_of(closes, node_inbox_field(it, "round"), closed);
    r = json_pack("{s:s,s:O,s:s,s:s,s:b,s:O,s:s,s:I}", "round", node_inbox_field(it, "round"), "year",
                  json_object_get(json_object_get(it, "body"), "year"), "title", node_inbox_field(it, "title"),
                  "closes", node_inbox_field(it, "closes"), "open",
                  !closed_ms && strcmp(today, node_inbox_field(it, "closes")) <= 0,
                  "record", json_object_get(it, "record"), "closed", closed, "closed_ms",
                  (json_int_t)closed_ms);
    if (!r || json_array_insert_new(*out, 0, r)) rc = cm_errf(err, CM_ERR_NOMEM, "out of memory");
  }
  json_decref(items);
  json_decref(closes);
  return rc;
}

cm_rc node_eval_round_ctx(node_ctx *ctx, const char *round, cm_rec_ctx *c, cm_err *err) {
  json_t *list = NULL, *r;
  size_t i;
  cm_rc rc = node_rounds(ctx, &list, err);
  c->round_known = 0;
  json_array_foreach(list, i, r) {
    if (rc || strcmp(json_string_value(json_object_get(r, "round")), round) != 0) continue;
    c->round_known = 1;
    c->round_year = json_integer_value(json_object_get(r, "year"));
    snprintf(c->round_closes, sizeof c->round_closes, "%s",
             json_string_value(json_object_get(r, "closes")));
    c->round_closed_ms = json_integer_value(json_object_get(r, "closed_ms"));
    snprintf(c->round_closed, sizeof c->round_closed, "%s",
             json_string_value(json_object_get(r, "closed")));
  }
  json_decref(list);
  return rc;
}
