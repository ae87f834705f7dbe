/* project.c - from entries to tables. */
#include "project.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/codec.h"
#include "../common/json.h"
#include "../common/records.h"
#include "../protocol/entry.h"
#include "node.h"

/* An organisation's status after a change; a revoked org stays revoked. */
static cm_rc org_set_status(node_ctx *ctx, const char *id, const char *status,
                            const char *reason, cm_err *err) {
  json_t *org = NULL;
  cm_rc rc = store_org_get(ctx, id, &org, NULL);
  if (rc == CM_ERR_NOT_FOUND) return CM_OK; /* nothing to mark: keep the projection total */
  if (rc) return cm_errf(err, rc, "无法读取组织 %s", id);
  json_object_set_new(org, "status", json_string(status));
  json_object_set_new(org, "reason", json_string(reason ? reason : ""));
  rc = store_org_put(ctx, org, err);
  json_decref(org);
  return rc;
}

/* The fold of one organisation's filing versions (org_refold). */
typedef struct fold_walk {
  node_ctx *ctx;
  json_t *state;                   /* NULL until an org.filed is met */
  const char *status;              /* the review status of the version being read */
  char record[PROTO_KEY_HEX + 24]; /* the record id of the last filing applied */
} fold_walk;

/* One version (our log entry seq) into the state by the domain core's rule. */
static cm_rc fold_entry(void *arg, uint64_t seq, const uint8_t *raw, size_t len, cm_err *err) {
  fold_walk *w = arg;
  proto_entry e;
  json_t *body = NULL;
  if (proto_entry_decode(raw, len, &e, NULL) != CM_OK ||
      cm_json_parse_object(e.body, e.body_len, &body, NULL) != CM_OK)
    return CM_OK;
  int applied = cm_rec_fold_version(&w->state, e.kind, body, w->status);
  json_decref(body);
  if (applied < 0) return cm_errf(err, CM_ERR_NOMEM, "内存不足");
  if (applied && strcmp(e.kind, "org.filed") == 0) {
    if (memcmp(e.author, w->ctx->kp.pk, PROTO_KEY_BYTES) == 0) {
      node_record_id(w->ctx, seq, w->record, sizeof w->record);
    } else {
      char hex[PROTO_KEY_HEX];
      proto_key_hex(e.author, hex);
      snprintf(w->record, sizeof w->record, "%s/%llu", hex, (unsigned long long)e.seq);
    }
  }
  return CM_OK;
}

static cm_rc fold_version(void *arg, uint64_t seq, const char *status, cm_err *err) {
  fold_walk *w = arg;
  w->status = status;
  /* below zero: a version a PC this one replaced wrote (node/inherit.h) */
  if ((int64_t)seq < 0) {
    uint8_t keys[STORE_LINEAGE_MAX][PROTO_KEY_BYTES];
    unsigned gen = 0;
    uint64_t s = 0;
    size_t n = store_lineage(w->ctx, keys);
    if (!store_inherited_unrow((int64_t)seq, &gen, &s) || gen > n) return CM_OK;
    return store_inherited_get(w->ctx, keys[gen - 1], s, fold_entry, w, err);
  }
  return store_log_each(w->ctx, seq, seq, fold_entry, w, err);
}

/* Write organisation id again from its filing versions and their review
 * statuses, as the hub does (cm_rec_fold_version): its details are the last
 * accepted version's, a pending or rejected amendment changes nothing.  Its
 * status (dissolved, revoked) and reason are kept, and so are the codes a
 * street mapped it to where its versions give none.  Nothing changes when it
 * was never filed. */
static cm_rc org_refold(node_ctx *ctx, const char *id, cm_err *err) {
  static const char *const keep[] = {"status", "reason"};
  static const char *const codes[] = {"category_code", "industry", "unit"};
  fold_walk w;
  json_t *cur = NULL;
  memset(&w, 0, sizeof w);
  w.ctx = ctx;
  cm_rc rc = store_org_get(ctx, id, &cur, NULL);
  if (rc == CM_ERR_NOT_FOUND) return CM_OK;
  if (rc) return cm_errf(err, rc, "无法读取组织 %s", id);
  rc = store_filing_each(ctx, id, fold_version, &w, err);
  if (!rc && w.state) {
    for (size_t i = 0; i < 2; i++)
      json_object_set(w.state, keep[i], json_object_get(cur, keep[i]));
    for (size_t i = 0; i < 3; i++)
      if (!json_string_length(json_object_get(w.state, codes[i])) &&
          json_string_length(json_object_get(cur, codes[i])))
        json_object_set(w.state, codes[i], json_object_get(cur, codes[i]));
    json_object_set_new(w.state, "record", json_string(w.record));
    rc = store_org_put(ctx, w.state, err);
  }
  json_decref(w.state);
  json_decref(cur);
  return rc;
}

/* The organisations with a version in rows lo..hi folded again (after a
 * review decided those rows): the others' versions kept their statuses. */
static cm_rc orgs_refold_rows(node_ctx *ctx, int64_t lo, int64_t hi, cm_err *err) {
  json_t *list = NULL, *o;
  size_t i;
  cm_rc rc = store_filing_orgs_between(ctx, lo, hi, &list, err);
  json_array_foreach(list, i, o) {
    if (rc) break;
    rc = org_refold(ctx, json_string_value(o), err);
  }
  json_decref(list);
  return rc;
}

/* Every organisation folded again (after a review decided some versions). */
static cm_rc orgs_refold(node_ctx *ctx, cm_err *err) {
  json_t *list = NULL, *o;
  size_t i;
  cm_rc rc = store_org_list(ctx, &list, err);
  json_array_foreach(list, i, o) {
    if (rc) break;
    rc = org_refold(ctx, json_string_value(json_object_get(o, "id")), err);
  }
  json_decref(list);
  return rc;
}

/* Apply an entry whose record id is record into rows keyed row (our own
 * sequence, or below zero for a predecessor's: node/inherit.h, so that an
 * organisation's latest filing and a month's latest report are ours once we
 * wrote one).  own: 0 for a predecessor's entry, whose rectifications and
 * stations stay in its log. */
static cm_rc apply_entry(node_ctx *ctx, const char *record, uint64_t row, int own,
                         uint64_t time_ms, const char *kind, const json_t *body, cm_err *err) {
  json_t *org = NULL;
  cm_rc rc = CM_OK;
  const uint64_t seq = row;
  const char *id = json_string_value(json_object_get(body, "id"));
  if (strcmp(kind, "org.filed") == 0) {
    org = json_deep_copy(body);
    if (!org || !id) goto out;
    json_object_set_new(org, "status", json_string("active"));
    json_object_set_new(org, "reason", json_string(""));
    json_object_set_new(org, "record", json_string(record));
    rc = store_org_put(ctx, org, err);
    if (!rc) rc = store_filing_put(ctx, seq, id, err);
  } else if (strcmp(kind, "org.amended") == 0) {
    /* A version of the organisation; what it changes waits for the street's
     * acceptance (org_refold). */
    if (!id) goto out;
    rc = store_filing_put(ctx, seq, id, err);
    if (!rc) rc = org_refold(ctx, id, err);
  } else if (strcmp(kind, "org.dissolved") == 0) {
    if (id)
      rc = org_set_status(ctx, id, "dissolved",
                          json_string_value(json_object_get(body, "reason")), err);
  } else if (strcmp(kind, "report.monthly") == 0) {
    rc = store_report_put(ctx, seq, body, time_ms, err);
  } else if (strcmp(kind, "activity.declared") == 0) {
    rc = store_activity_put(ctx, seq, body, err);
  } else if (strcmp(kind, "station.registered") == 0) {
    /* an earlier key's station is the community's too */
    rc = store_station_put(ctx, seq, body, err);
  } else if (!own) {
    /* an earlier key's rectifications stay in its log */
  } else if (strcmp(kind, "rectification.filed") == 0) {
    rc = store_rect_put(ctx, seq, body, err);
  }
out:
  json_decref(org);
  return rc;
}

cm_rc project_entry(node_ctx *ctx, uint64_t seq, uint64_t time_ms, const char *kind,
                    const json_t *body, cm_err *err) {
  char record[PROTO_KEY_HEX + 24];
  node_record_id(ctx, seq, record, sizeof record);
  return apply_entry(ctx, record, seq, 1, time_ms, kind, body, err);
}

cm_rc project_inherited(node_ctx *ctx, unsigned gen, const uint8_t author[PROTO_KEY_BYTES],
                        uint64_t seq, uint64_t time_ms, const char *kind, const json_t *body,
                        cm_err *err) {
  char record[PROTO_KEY_HEX + 24], hex[PROTO_KEY_HEX];
  proto_key_hex(author, hex);
  snprintf(record, sizeof record, "%s/%llu", hex, (unsigned long long)seq);
  return apply_entry(ctx, record, (uint64_t)store_inherited_row(gen, seq), 0, time_ms, kind, body,
                     err);
}

/* Text value of the first of keys present in o, or NULL. */
static const char *str_of(const json_t *o, const char *const *keys) {
  for (; *keys; keys++) {
    const char *v = json_string_value(json_object_get(o, *keys));
    if (v) return v;
  }
  return NULL;
}

/* Our sequence number named by a review: "<our hex>/<seq>", "<seq>" or a
 * number.  0 when it names another author's record or is malformed. */
static uint64_t our_seq(node_ctx *ctx, const json_t *v) {
  char me[PROTO_KEY_HEX];
  const char *s = json_string_value(v);
  if (json_is_integer(v)) return json_integer_value(v) > 0 ? (uint64_t)json_integer_value(v) : 0;
  if (!s) return 0;
  proto_key_hex(ctx->kp.pk, me);
  const char *slash = strchr(s, '/');
  if (slash) {
    if ((size_t)(slash - s) != strlen(me) || strncmp(s, me, (size_t)(slash - s)) != 0) return 0;
    s = slash + 1;
  }
  if (*s < '1' || *s > '9') return 0;
  uint64_t n = 0;
  return cm_dec_u64(s, &n) == CM_OK ? n : 0;
}

static cm_rc project_review(node_ctx *ctx, const project_item *it, cm_err *err) {
  static const char *const k_result[] = {"result", "status", NULL};
  static const char *const k_reason[] = {"reason", NULL};
  static const char *const k_author[] = {"author", "to", NULL};
  char me[PROTO_KEY_HEX];
  const json_t *b = it->body;
  proto_key_hex(ctx->kp.pk, me);
  const char *author = str_of(b, k_author);
  uint8_t keys[STORE_LINEAGE_MAX][PROTO_KEY_BYTES], pred_key[PROTO_KEY_BYTES];
  /* a review of an earlier key's entries (node/inherit.h) marks their rows */
  unsigned inherited = 0;
  if (author && proto_key_from_hex(author, pred_key) == CM_OK) {
    size_t n = store_lineage(ctx, keys);
    for (size_t g = 0; g < n && !inherited; g++)
      if (!memcmp(keys[g], pred_key, PROTO_KEY_BYTES)) inherited = (unsigned)g + 1;
  }
  if (author && strcmp(author, me) != 0 && !inherited) return CM_OK; /* another community's */
  const char *result = str_of(b, k_result);
  if (!result) return CM_OK;
  int rejected = strcmp(result, "rejected") == 0;
  if (!rejected && strcmp(result, "accepted") != 0) return CM_OK;
  const char *reason = str_of(b, k_reason);
  json_int_t first = json_integer_value(json_object_get(b, "first_seq"));
  json_int_t last = json_integer_value(json_object_get(b, "last_seq"));
  cm_rc rc = CM_OK;
  /* The review binds to exactly the entries the batch held: after a fork
   * resolution replaced them, it no longer applies to what is at those
   * sequence numbers now. */
  const char *lh = json_string_value(json_object_get(b, "last_hash"));
  if (lh && last >= 1) {
    uint8_t want[PROTO_HASH_BYTES], held[PROTO_HASH_BYTES];
    if (strlen(lh) != 2 * PROTO_HASH_BYTES ||
        cm_hex_decode(lh, strlen(lh), want, sizeof want) != CM_OK ||
        !(inherited ? store_inherited_hash(ctx, pred_key, (uint64_t)last, held)
                    : store_log_hash(ctx, (uint64_t)last, held)) ||
        memcmp(want, held, PROTO_HASH_BYTES) != 0)
      return CM_OK;
  }
  /* A batch is one changeset: a bounded range of our own log. */
  if (first >= 1 && last >= first && last - first < 1000000)
    rc = store_review_put_range(ctx, (uint64_t)first, (uint64_t)last, inherited,
                                rejected ? "rejected" : "accepted", rejected ? reason : "",
                                it->record, err);
  /* Records rejected inside an accepted batch, each with its reason. */
  int singles = 0; /* rows decided one by one: their organisations are found by a full refold */
  static const char *const k_list[] = {"rejected_records", "rejected", "except", NULL};
  for (const char *const *k = k_list; !rc && *k; k++) {
    json_t *arr = json_object_get(b, *k);
    size_t i;
    json_t *x;
    if (!json_is_array(arr)) continue;
    json_array_foreach(arr, i, x) {
      if (inherited) continue; /* a predecessor's single rejections: its batch's verdict stands */
      uint64_t q = our_seq(ctx, json_is_object(x) ? json_object_get(x, "record") : x);
      if (!q && json_is_object(x)) q = our_seq(ctx, json_object_get(x, "seq"));
      if (!q) continue;
      const char *st = json_is_object(x) ? json_string_value(json_object_get(x, "status")) : NULL;
      if (st && strcmp(st, "rejected") != 0) continue; /* a per-record list with verdicts */
      const char *why = json_is_object(x) ? json_string_value(json_object_get(x, "reason")) : NULL;
      rc = store_review_put(ctx, q, "rejected", why ? why : reason, it->record, err);
      singles = 1;
      if (rc) break;
    }
  }
  /* What the review decided of a filing or an amendment shows in its
   * organisation's details from now on: the organisations with a version in
   * the batch (a batch of monthly reports refolds none). */
  if (!rc && !singles && first >= 1 && last >= first && last - first < 1000000) {
    int64_t a = inherited ? store_inherited_row(inherited, (uint64_t)first) : (int64_t)first;
    int64_t z = inherited ? store_inherited_row(inherited, (uint64_t)last) : (int64_t)last;
    rc = orgs_refold_rows(ctx, a, z, err);
  } else if (!rc) {
    rc = orgs_refold(ctx, err);
  }
  return rc;
}

static cm_rc project_ack(node_ctx *ctx, const project_item *it, cm_err *err) {
  static const char *const k_id[] = {"activity", "id", NULL};
  static const char *const k_level[] = {"level", "by", NULL};
  static const char *const k_status[] = {"status", "result", "action", NULL};
  static const char *const k_note[] = {"note", "reason", NULL};
  const char *id = str_of(it->body, k_id);
  if (!id) return CM_OK;
  const char *level = str_of(it->body, k_level);
  if (!level || (strcmp(level, "street") != 0 && strcmp(level, "district") != 0))
    level = it->origin;
  const char *status = str_of(it->body, k_status);
  int returned = (status && strstr(status, "return")) ||
                 json_is_true(json_object_get(it->body, "returned"));
  return store_ack_put(ctx, id, level, returned ? "returned" : "acknowledged",
                       str_of(it->body, k_note), it->record, err);
}

/* org.mapped about one of our organisations: its codes from the district's
 * lists (the free-text category stays as filed). */
static cm_rc project_mapped(node_ctx *ctx, const project_item *it, cm_err *err) {
  static const char *const keys[][2] = {
      {"category", "category_code"}, {"industry", "industry"}, {"unit", "unit"}};
  char me[PROTO_KEY_HEX];
  json_t *org = NULL;
  const char *to = json_string_value(json_object_get(it->body, "to"));
  const char *id = json_string_value(json_object_get(it->body, "org"));
  proto_key_hex(ctx->kp.pk, me);
  if (!to || !id || strcmp(to, me) != 0) return CM_OK;
  cm_rc rc = store_org_get(ctx, id, &org, NULL);
  if (rc == CM_ERR_NOT_FOUND) return CM_OK;
  if (rc) return cm_errf(err, rc, "无法读取组织 %s", id);
  for (size_t i = 0; i < 3; i++) {
    const char *v = json_string_value(json_object_get(it->body, keys[i][0]));
    if (v && *v) json_object_set_new(org, keys[i][1], json_string(v));
  }
  rc = store_org_put(ctx, org, err);
  json_decref(org);
  return rc;
}

cm_rc project_decision(node_ctx *ctx, const project_item *it, cm_err *err) {
  const char *kind = it->kind;
  cm_rc rc = CM_OK;
  if (strcmp(kind, "review.batch") == 0) {
    rc = project_review(ctx, it, err);
  } else if (strncmp(kind, "decision.", 9) == 0) {
    rc = store_decision_put(ctx, it->record, it->cursor, kind, it->origin, it->body, it->time_ms,
                            err);
    const char *org = json_string_value(json_object_get(it->body, "org"));
    /* A withdrawal marks the decision it names; the hub checked that it
     * wrote both. */
    if (!rc && strcmp(kind, "decision.withdrawn") == 0)
      rc = store_decision_withdraw(ctx, json_string_value(json_object_get(it->body, "decision")),
                                   err);
    if (!rc && strcmp(kind, "decision.revoke") == 0 && org)
      rc = org_set_status(ctx, org, "revoked",
                          json_string_value(json_object_get(it->body, "reason")), err);
  } else if (strcmp(kind, "rectification.accepted") == 0) {
    static const char *const k_dec[] = {"decision", "criticism", NULL};
    const char *d = str_of(it->body, k_dec);
    if (d) rc = store_decision_close(ctx, d, it->record, err);
  } else if (strcmp(kind, "activity.ack") == 0) {
    rc = project_ack(ctx, it, err);
  } else if (strcmp(kind, "org.mapped") == 0) {
    rc = project_mapped(ctx, it, err);
  }
  return rc;
}

static cm_rc rebuild_entry(void *arg, uint64_t seq, const uint8_t *raw, size_t len,
                           cm_err *err) {
  node_ctx *ctx = arg;
  proto_entry e;
  json_t *body = NULL;
  cm_rc rc = proto_entry_decode(raw, len, &e, err);
  if (!rc && e.seq != seq)
    rc = cm_errf(err, CM_ERR_DB, "台账第 %llu 行保存的是第 %llu 条", (unsigned long long)seq,
                 (unsigned long long)e.seq);
  if (!rc) rc = cm_json_parse_object(e.body, e.body_len, &body, err);
  if (!rc) rc = project_entry(ctx, seq, e.time_ms, e.kind, body, err);
  json_decref(body);
  return rc;
}

static cm_rc rebuild_decision(void *arg, uint64_t cursor, const char *kind, const char *body,
                              const char *origin, const char *record, uint64_t time_ms,
                              cm_err *err) {
  node_ctx *ctx = arg;
  json_t *b = NULL;
  /* The inbox only holds bodies that parsed when they arrived. */
  if (cm_json_parse_object((const uint8_t *)body, strlen(body), &b, NULL) != CM_OK) return CM_OK;
  project_item it = {cursor, kind, b, record, origin, time_ms};
  cm_rc rc = project_decision(ctx, &it, err);
  json_decref(b);
  return rc;
}

typedef struct inherited_walk {
  node_ctx *ctx;
  unsigned gen;
} inherited_walk;

static cm_rc rebuild_inherited(void *arg, uint64_t seq, const uint8_t *raw, size_t len,
                               cm_err *err) {
  inherited_walk *w = arg;
  node_ctx *ctx = w->ctx;
  proto_entry e;
  json_t *body = NULL;
  cm_rc rc = proto_entry_decode(raw, len, &e, err);
  if (!rc && e.seq != seq) rc = cm_errf(err, CM_ERR_DB, "接替前的台账第 %llu 行有误", (unsigned long long)seq);
  if (!rc && cm_json_parse_object(e.body, e.body_len, &body, NULL) == CM_OK)
    rc = project_inherited(ctx, w->gen, e.author, seq, e.time_ms, e.kind, body, err);
  json_decref(body);
  return rc;
}

cm_rc project_rebuild_in_tx(node_ctx *ctx, cm_err *err) {
  cm_rc rc = store_proj_clear(ctx, err);
  /* the earlier keys' records come before ours, the oldest key's first
   * (node/inherit.h) */
  uint8_t keys[STORE_LINEAGE_MAX][PROTO_KEY_BYTES];
  size_t n = store_lineage(ctx, keys);
  for (size_t g = n; !rc && g > 0; g--) {
    inherited_walk w = {ctx, (unsigned)g};
    rc = store_inherited_each(ctx, keys[g - 1], rebuild_inherited, &w, err);
  }
  if (!rc) rc = store_log_each(ctx, 1, 0, rebuild_entry, ctx, err);
  if (!rc) rc = store_inbox_each(ctx, rebuild_decision, ctx, err);
  return rc;
}

static cm_rc rebuild_tx(node_ctx *ctx, void *arg, cm_err *err) {
  (void)arg;
  return project_rebuild_in_tx(ctx, err);
}

cm_rc project_rebuild(node_ctx *ctx, cm_err *err) {
  return store_tx(ctx, rebuild_tx, NULL, err);
}
