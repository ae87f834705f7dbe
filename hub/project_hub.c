/* project_hub.c - the projection of reviews, decisions, closures and
 * acknowledgements written by hubs (project_hub.h). */
#include "project_hub.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/codec.h"
#include "../common/json.h"
#include "../common/log.h"
#include "store.h"

void hub_record_id(const uint8_t author[PROTO_KEY_BYTES], uint64_t seq, char *out, size_t cap) {
  char hex[PROTO_KEY_HEX];
  proto_key_hex(author, hex);
  snprintf(out, cap, "%s/%" PRIu64, hex, seq);
}

cm_rc hub_record_parse(const char *r, uint8_t author[PROTO_KEY_BYTES], uint64_t *seq,
                       cm_err *err) {
  if (!r || strlen(r) < 66 || r[64] != '/' || cm_hex_decode(r, 64, author, PROTO_KEY_BYTES) ||
      cm_dec_u64(r + 65, seq) || *seq == 0)
    return cm_errf(err, CM_ERR_INVALID, "record 应为记录编号（<64位十六进制公钥>/<序号>）");
  return CM_OK;
}

cm_rc hub_review_from_hub(hub_ctx *ctx, const uint8_t author[PROTO_KEY_BYTES], int *yes_out,
                          cm_err *err) {
  hub_author a;
  int found = 0;
  cm_rc rc;
  *yes_out = 0;
  if (memcmp(author, ctx->kp.pk, PROTO_KEY_BYTES) == 0) {
    *yes_out = 1;
    return CM_OK;
  }
  if (ctx->role != HUB_ROLE_DISTRICT) return CM_OK;
  rc = hub_store_author_get(ctx->store, author, &a, &found, err);
  if (!rc && found && strcmp(a.role, "street") == 0 && !a.revoked) *yes_out = 1;
  return rc;
}

/* review.batch from a trusted hub: the review and the records it rejects. */
static cm_rc project_review(hub_ctx *ctx, const proto_entry *e, const json_t *body, cm_err *err) {
  const char *author_hex = json_string_value(json_object_get(body, "author"));
  const char *result = json_string_value(json_object_get(body, "result"));
  const char *reason = json_string_value(json_object_get(body, "reason"));
  const char *op = json_string_value(json_object_get(body, "operator"));
  int64_t batch = 0, first = 0, last = 0;
  uint8_t author[PROTO_KEY_BYTES];
  cm_rc rc;

  if (!author_hex) author_hex = json_string_value(json_object_get(body, "to"));
  if (!author_hex || proto_key_from_hex(author_hex, author) || !result ||
      (strcmp(result, "accepted") != 0 && strcmp(result, "rejected") != 0) ||
      !cm_json_count(body, "batch", &batch) || !cm_json_count(body, "first_seq", &first) ||
      !cm_json_count(body, "last_seq", &last) || first < 1 || last < first) {
    cm_warn("projection: skipping review.batch %" PRIu64 ": malformed body", e->seq);
    return CM_OK;
  }
  const char *lh_hex = json_string_value(json_object_get(body, "last_hash"));
  uint8_t lh[PROTO_HASH_BYTES];
  int has_lh = lh_hex && strlen(lh_hex) == 2 * PROTO_HASH_BYTES &&
               cm_hex_decode(lh_hex, strlen(lh_hex), lh, sizeof lh) == CM_OK;
  rc = hub_store_review_put(ctx->store, e->author, e->seq, author, batch, (uint64_t)first,
                            (uint64_t)last, has_lh ? lh : NULL, result, reason ? reason : "",
                            op ? op : "", e->time_ms, err);
  size_t i;
  json_t *x;
  json_array_foreach(json_object_get(body, "rejected_records"), i, x) {
    const char *rec = json_string_value(json_object_get(x, "record"));
    const char *why = json_string_value(json_object_get(x, "reason"));
    const char *slash = rec ? strchr(rec, '/') : NULL;
    if (rc) break;
    if (!slash) continue;
    uint64_t seq = 0;
    if (cm_dec_u64(slash + 1, &seq) != CM_OK || seq == 0) continue;
    rc = hub_store_review_reject_put(ctx->store, e->author, e->seq, author, seq, why ? why : "",
                                     err);
  }
  return rc;
}

cm_rc hub_review_project(hub_ctx *ctx, const proto_entry *e, json_t *body, cm_err *err) {
  cm_rc rc = CM_OK;
  int trusted = 0;
  int is_filing = strcmp(e->kind, "org.filed") == 0 || strcmp(e->kind, "org.amended") == 0;
  int is_decision = strncmp(e->kind, "decision.", 9) == 0 ||
                    strcmp(e->kind, "rectification.accepted") == 0;
  int is_review = strcmp(e->kind, "review.batch") == 0;
  int is_ack = strcmp(e->kind, "activity.ack") == 0;

  if (!body || (!is_filing && !is_decision && !is_review && !is_ack)) return CM_OK;
  if (is_filing) {
    const char *id = json_string_value(json_object_get(body, "id"));
    if (id && *id) rc = hub_store_filing_version_put(ctx->store, e->author, e->seq, id, err);
  } else {
    rc = hub_review_from_hub(ctx, e->author, &trusted, err);
    if (!rc && trusted) {
      if (is_review)
        rc = project_review(ctx, e, body, err);
      else if (is_decision)
        rc = hub_decide_project(ctx, e, body, err);
      else
        rc = hub_activity_project(ctx, e, body, err);
    }
  }
  return rc;
}

/* A string field, "" when absent. */
static const char *str_or_empty(const json_t *body, const char *key) {
  const char *s = json_string_value(json_object_get(body, key));
  return s ? s : "";
}

cm_rc hub_withdraw_allowed(hub_ctx *ctx, const char *record, const uint8_t author[PROTO_KEY_BYTES],
                           const uint8_t **to_out, uint8_t to_buf[PROTO_KEY_BYTES],
                           const char **why_out, cm_err *err) {
  uint8_t issuer[PROTO_KEY_BYTES];
  char prefix[PROTO_KEY_HEX + 24];
  int found = 0, withdrawn = 0, has_to = 0;
  cm_rc rc = hub_store_decision_issuer(ctx->store, record, issuer, &found, &withdrawn, err);
  *why_out = NULL;
  *to_out = NULL;
  if (rc) return rc;
  /* The record id names the hub that first wrote the decision, also for a
   * copy relayed down by the street. */
  hub_record_id(author, 0, prefix, sizeof prefix);
  if (!found)
    *why_out = "本级没有这项决定";
  else if (strncmp(record, prefix, PROTO_KEY_HEX) != 0)
    *why_out = "这项决定不是本级作出的，只能由作出决定的一级撤回";
  else if (withdrawn)
    *why_out = "这项决定已经撤回";
  if (*why_out) return CM_OK;
  rc = hub_store_decision_to(ctx->store, record, to_buf, &has_to, err);
  if (!rc && has_to) *to_out = to_buf;
  return rc;
}

cm_rc hub_decide_project(hub_ctx *ctx, const proto_entry *e, const json_t *body, cm_err *err) {
  char record[PROTO_KEY_HEX + 24];
  uint8_t to[PROTO_KEY_BYTES];
  const char *origin = json_string_value(json_object_get(body, "origin_record"));
  const char *to_hex = json_string_value(json_object_get(body, "to"));
  int has_to = to_hex && proto_key_from_hex(to_hex, to) == CM_OK;

  if (strcmp(e->kind, "rectification.accepted") == 0) {
    const char *dec = json_string_value(json_object_get(body, "decision"));
    if (!dec || !*dec) return CM_OK;
    return hub_store_closure_put(ctx->store, dec, e->author, e->seq, err);
  }
  if (strcmp(e->kind, "decision.withdrawn") == 0) {
    const char *dec = str_or_empty(body, "decision");
    const char *why = NULL;
    const uint8_t *to_p = NULL;
    uint8_t to_buf[PROTO_KEY_BYTES], issuer[PROTO_KEY_BYTES];
    const uint8_t *by_key = e->author;
    char hex[PROTO_KEY_HEX];
    /* Relayed by the street: the withdrawal is the district's, named by its
     * origin_record, and stands for a decision the district wrote. */
    if (origin && strlen(origin) > PROTO_KEY_HEX - 1 && origin[PROTO_KEY_HEX - 1] == '/') {
      memcpy(hex, origin, PROTO_KEY_HEX - 1);
      hex[PROTO_KEY_HEX - 1] = '\0';
      if (proto_key_from_hex(hex, issuer) == CM_OK) by_key = issuer;
    }
    cm_rc rc = hub_withdraw_allowed(ctx, dec, by_key, &to_p, to_buf, &why, err);
    if (!rc && why) {
      /* Written once by a hub that checked it; a stray one changes nothing. */
      cm_warn("projection: ignoring withdrawal %" PRIu64 " of '%s': %s", e->seq, dec, why);
      return CM_OK;
    }
    if (!rc)
      rc = hub_store_withdrawal_put(ctx->store, dec, e->author, e->seq, str_or_empty(body, "reason"),
                                    err);
    return rc;
  }
  /* A relayed decision is its origin's record. */
  if (origin && *origin && strlen(origin) < sizeof record)
    snprintf(record, sizeof record, "%s", origin);
  else
    hub_record_id(e->author, e->seq, record, sizeof record);
  const char *by = str_or_empty(body, "by");
  if (!*by) by = memcmp(e->author, ctx->kp.pk, PROTO_KEY_BYTES) == 0 ? hub_role_name(ctx->role)
                                                                      : "street";
  return hub_store_decision_put(ctx->store, record, e->author, e->seq, e->kind + 9, by,
                                has_to ? to : NULL, str_or_empty(body, "org"),
                                str_or_empty(body, "community"), str_or_empty(body, "deadline"),
                                str_or_empty(body, "result"), str_or_empty(body, "reason"),
                                str_or_empty(body, "operator"), e->time_ms, err);
}

cm_rc hub_activity_project(hub_ctx *ctx, const proto_entry *e, const json_t *body, cm_err *err) {
  const char *id = json_string_value(json_object_get(body, "activity"));
  const char *level = json_string_value(json_object_get(body, "level"));
  const char *status = json_string_value(json_object_get(body, "status"));
  const char *note = json_string_value(json_object_get(body, "note"));
  if (!id || !*id || !level || (strcmp(level, "street") != 0 && strcmp(level, "district") != 0) ||
      !status || (strcmp(status, "acknowledged") != 0 && strcmp(status, "returned") != 0)) {
    cm_warn("projection: skipping activity.ack %" PRIu64 ": malformed body", e->seq);
    return CM_OK;
  }
  return hub_store_activity_ack_put(ctx->store, id, level, status, note ? note : "", e->author,
                                    e->seq, err);
}

/* The district's key in hex: this hub's at the district, the pinned upstream
 * key at a street ("" until pinned: then no commendation counts yet). */
void hub_district_hex(const hub_ctx *ctx, char out[PROTO_KEY_HEX]) {
  if (ctx->role == HUB_ROLE_DISTRICT)
    snprintf(out, PROTO_KEY_HEX, "%s", ctx->key_hex);
  else if (ctx->has_upstream_key)
    proto_key_hex(ctx->upstream_key, out);
  else
    out[0] = '\0';
}

cm_rc hub_eval_round_ctx(hub_ctx *ctx, const char *round, cm_rec_ctx *c, cm_err *err) {
  json_t *rows = NULL;
  cm_rc rc = hub_store_rounds_json(ctx->store, ctx->kp.pk, round, &rows, err);
  json_t *r = json_array_get(rows, 0);
  c->round_known = !rc && r != NULL;
  if (c->round_known) {
    c->round_year = json_integer_value(json_object_get(r, "year"));
    snprintf(c->round_closes, sizeof c->round_closes, "%s",
             json_string_value(json_object_get(r, "closes")));
    c->round_closed_ms = json_integer_value(json_object_get(r, "closed_ms"));
    snprintf(c->round_closed, sizeof c->round_closed, "%s",
             json_string_value(json_object_get(r, "closed")));
  }
  json_decref(rows);
  return rc;
}

cm_rc hub_eval_recommend_ctx(hub_ctx *ctx, const uint8_t author[PROTO_KEY_BYTES],
                             const char *nomination, cm_rec_ctx *c, cm_err *err) {
  uint8_t na[PROTO_KEY_BYTES];
  uint64_t seq = 0;
  json_t *rows = NULL;
  char hex[PROTO_KEY_HEX];
  cm_err ignored;
  c->nomination_of_author = -1;
  if (hub_record_parse(nomination, na, &seq, &ignored) != CM_OK) return CM_OK;
  char dk[PROTO_KEY_HEX];
  hub_district_hex(ctx, dk);
  cm_rc rc = hub_store_nominations_json(ctx->store, na, (int64_t)seq, dk, &rows, err);
  json_t *n = json_array_get(rows, 0);
  if (!rc && n) {
    const char *by = json_string_value(json_object_get(n, "enrolled_by"));
    proto_key_hex(author, hex);
    c->nomination_of_author = !json_integer_value(json_object_get(n, "refused")) &&
                              (memcmp(na, author, PROTO_KEY_BYTES) == 0 || (by && !strcmp(by, hex)));
  }
  json_decref(rows);
  return rc;
}
