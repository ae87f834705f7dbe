/* summary.c - GET /api/v1/summary: per-community counts from the store,
 * summed up to each street and to the whole hub. */
#include "summary.h"

#include "../common/records.h"
#include "store.h"

static const char *const summary_fields[] = {"organisations", "reports", "activities",
                                             "participants", "party_participants"};
static const char *const summary_states[] = {"accepted", "pending"};

/* {"organisations": 0, ...} */
static json_t *zero_counts(void) {
  json_t *o = json_object();
  for (size_t i = 0; o && i < 5; i++)
    if (json_object_set_new(o, summary_fields[i], json_integer(0))) {
      json_decref(o);
      return NULL;
    }
  return o;
}

/* Add the "accepted"/"pending" counts of from into to (both hold them). */
static void add_counts(json_t *to, const json_t *from) {
  for (size_t s = 0; s < 2; s++) {
    json_t *t = json_object_get(to, summary_states[s]);
    const json_t *f = json_object_get(from, summary_states[s]);
    for (size_t i = 0; t && f && i < 5; i++) {
      json_t *tv = json_object_get(t, summary_fields[i]);
      json_int_t add = json_integer_value(json_object_get(f, summary_fields[i]));
      if (tv) json_integer_set(tv, cm_rec_add(json_integer_value(tv), add)); /* never wraps */
    }
  }
}

/* Give o fresh zero "accepted" and "pending" objects; 0 when out of memory. */
static int set_zero(json_t *o) {
  for (size_t s = 0; s < 2; s++)
    if (json_object_set_new(o, summary_states[s], zero_counts())) return 0;
  return 1;
}

json_t *hub_summary(hub_ctx *ctx, cm_err *err) {
  json_t *raw = NULL, *out = NULL;
  cm_rc rc;

  pthread_mutex_lock(&ctx->lock);
  rc = hub_store_summary_json(ctx->store, ctx->kp.pk, ctx->role == HUB_ROLE_DISTRICT, ctx->name,
                              &raw, err);
  pthread_mutex_unlock(&ctx->lock);
  if (rc) return NULL;

  /* Key order as docs/api.md shows it: accepted, pending, streets. */
  out = json_object();
  if (!out || !set_zero(out)) goto nomem;
  json_t *streets = json_object_get(raw, "streets");
  size_t i;
  json_t *street;
  json_array_foreach(streets, i, street) {
    json_t *comms = json_object_get(street, "communities");
    /* Rebuild the street object so that its keys come in the documented order. */
    json_t *s = json_pack("{s:O}", "name", json_object_get(street, "name"));
    if (!s || !set_zero(s) || json_object_set(s, "communities", comms)) {
      json_decref(s);
      goto nomem;
    }
    size_t k;
    json_t *c;
    json_array_foreach(comms, k, c) add_counts(s, c);
    /* Street-level organisations count in their street (issue 5), with no
     * community row of their own. */
    const json_t *own = json_object_get(street, "own");
    if (own) add_counts(s, own);
    add_counts(out, s);
    if (json_array_set_new(streets, i, s)) goto nomem;
  }
  if (json_object_set(out, "streets", streets)) goto nomem;
  json_decref(raw);
  return out;
nomem:
  json_decref(raw);
  json_decref(out);
  cm_errf(err, CM_ERR_NOMEM, "out of memory building the summary");
  return NULL;
}
