/* evaluation.c - evaluation and commendation (评比表彰) at the community node
 * (node/evaluation.h). */
#include "evaluation.h"

#include <stdio.h>
#include <string.h>

#include "records.h"
#include "rounds.h"
#include "year.h"

cm_rc node_eval_list(node_ctx *ctx, json_t **out, cm_err *err) {
  json_t *rs = NULL, *noms = NULL, *recs = NULL, *comms = NULL, *n, *it;
  size_t i, k;
  *out = NULL;
  cm_rc rc = node_rounds(ctx, &rs, err);
  if (!rc) rc = node_year_entries(ctx, "evaluation.nominated", &noms, err);
  if (!rc) rc = node_inbox_of(ctx, "evaluation.recommended", &recs, err);
  if (!rc) rc = node_inbox_of(ctx, "decision.commend", &comms, err);
  json_array_foreach(noms, i, n) {
    const char *rec = json_string_value(json_object_get(n, "record"));
    const char *status = "nominated";
    if (!json_object_get(n, "person")) json_object_set_new(n, "person", json_string(""));
    json_object_set_new(n, "opinion", json_string(""));
    json_object_set_new(n, "commendation", json_string(""));
    json_object_set_new(n, "reason", json_string(""));
    json_array_foreach(recs, k, it) if (!strcmp(node_inbox_field(it, "nomination"), rec)) {
      status = "recommended";
      json_object_set_new(n, "opinion", json_string(node_inbox_field(it, "opinion")));
    }
    json_array_foreach(comms, k, it) {
      if (strcmp(node_inbox_field(it, "nomination"), rec) != 0 || json_is_true(json_object_get(it, "withdrawn")))
        continue;
      status = "commended";
      json_object_set(n, "commendation", json_object_get(it, "record"));
      json_object_set_new(n, "reason", json_string(node_inbox_field(it, "reason")));
    }
    json_object_set_new(n, "status", json_string(status));
  }
  if (!rc) *out = json_pack("{s:O,s:O}", "rounds", rs, "nominations", noms);
  if (!rc && !*out) rc = cm_errf(err, CM_ERR_NOMEM, "内存不足");
  json_decref(rs);
  json_decref(noms);
  json_decref(recs);
  json_decref(comms);
  return rc;
}
