/* review.c - the street's review queue: batches, review.batch entries, the
 * auto-accept policy, and the projection of what issue 5 adds. */
#include "review.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/i18n.h"
#include "../common/clock.h"
#include "../common/codec.h"
#include "../common/failpoint.h"
#include "../common/json.h"
#include "../common/log.h"
#include "../common/warnings.h"
#include "hublog.h"
#include "store.h"

/* ---- the queue ---- */

/* The values the fields an amendment changes had before it (body is the
 * org.amended body at sequence seq of author): the filing with the earlier
 * amendments applied, cut to the changed fields.  *was_out a new object ({}
 * when the filing is not held here). */
static cm_rc org_before(hub_ctx *ctx, const uint8_t author[PROTO_KEY_BYTES], const json_t *body,
                        json_int_t seq, json_t **was_out, cm_err *err) {
  json_t *vers = NULL, *state = json_object(), *was = json_object();
  const json_t *changes = json_object_get(body, "changes"), *v;
  const char *id = json_string_value(json_object_get(body, "id")), *k;
  size_t i;
  *was_out = NULL;
  cm_rc rc = state && was ? CM_OK : cm_errf(err, CM_ERR_NOMEM, "内存不足");
  if (!rc && id) rc = hub_store_org_versions_json(ctx->store, author, id, seq, &vers, err);
  json_array_foreach(vers, i, v) {
    const char *vk = json_string_value(json_object_get(v, "kind"));
    const json_t *b = json_object_get(v, "body");
    if (vk && !strcmp(vk, "org.filed") && json_is_object(b)) json_object_update(state, (json_t *)b);
    if (vk && !strcmp(vk, "org.amended") && json_is_object(json_object_get(b, "changes")))
      json_object_update(state, json_object_get(b, "changes"));
  }
  json_object_foreach((json_t *)changes, k, v) {
    json_t *old = json_object_get(state, k);
    if (old) json_object_set(was, k, old);
  }
  json_decref(vers);
  json_decref(state);
  if (rc) {
    json_decref(was);
    return rc;
  }
  *was_out = was;
  return CM_OK;
}

/* The organisations of an author's street, for the duplicate-name warning. */
typedef struct street_names {
  json_t *rows;
  const char **ids; /* into rows */
  char **nm;        /* the names folded, each folded once for the whole batch */
  cm_warn_names names;
} street_names;

static void street_names_free(street_names *sn) {
  for (size_t i = 0; sn->nm && i < sn->names.n; i++) free(sn->nm[i]);
  json_decref(sn->rows);
  free(sn->ids);
  free(sn->nm);
  memset(sn, 0, sizeof *sn);
}

static cm_rc street_names_load(hub_ctx *ctx, const uint8_t author[PROTO_KEY_BYTES], street_names *sn,
                               cm_err *err) {
  hub_author a;
  int found = 0;
  size_t i;
  json_t *row;
  cm_rc rc = hub_store_author_get(ctx->store, author, &a, &found, err);
  if (!rc) rc = hub_store_street_org_names(ctx->store, found ? a.street : "", &sn->rows, err);
  if (rc) return rc;
  size_t n = json_array_size(sn->rows);
  sn->ids = calloc(n + 1, sizeof *sn->ids);
  sn->nm = calloc(n + 1, sizeof *sn->nm);
  if (!sn->ids || !sn->nm) {
    street_names_free(sn);
    return cm_errf(err, CM_ERR_NOMEM, "读取名称时内存不足");
  }
  sn->names.n = n;
  json_array_foreach(sn->rows, i, row) {
    sn->ids[i] = json_string_value(json_object_get(row, "id"));
    sn->nm[i] = cm_warn_fold_dup(json_string_value(json_object_get(row, "name")));
    if (!sn->nm[i]) {
      street_names_free(sn);
      return cm_errf(err, CM_ERR_NOMEM, "读取名称时内存不足");
    }
  }
  sn->names.ids = sn->ids;
  sn->names.names = (const char *const *)sn->nm;
  sn->names.folded = 1;
  return CM_OK;
}

/* How much describe_batches adds: the counts only (the queue), the records
 * too (what a review writes from), or the records with what a reviewer reads
 * beside them (the values an amendment replaces, the warnings: these read
 * the organisations of the whole street, which a review does not need). */
enum { DESCRIBE_COUNTS, DESCRIBE_RECORDS, DESCRIBE_FOR_READER };

/* Add "kinds" ({kind: n}) and "flags" (records carrying rule flags) to each
 * batch of arr, and the records themselves from DESCRIBE_RECORDS on. */
static cm_rc describe_batches(hub_ctx *ctx, json_t *arr, int detail, cm_err *err) {
  int with_records = detail >= DESCRIBE_RECORDS, for_reader = detail >= DESCRIBE_FOR_READER;
  size_t i;
  json_t *b;
  cm_rc rc = CM_OK;
  json_array_foreach(arr, i, b) {
    json_t *recs = NULL, *kinds = json_object();
    int64_t flagged = 0;
    char hex_rec[PROTO_KEY_HEX + 24];
    uint8_t author[PROTO_KEY_BYTES];
    size_t k;
    json_t *r;
    const char *ahex = json_string_value(json_object_get(b, "author"));
    if (!kinds) return cm_errf(err, CM_ERR_NOMEM, "列出批次时内存不足");
    rc = hub_store_batch_records_json(ctx->store, json_integer_value(json_object_get(b, "id")),
                                      &recs, err);
    if (rc) {
      json_decref(kinds);
      return rc;
    }
    if (!ahex || proto_key_from_hex(ahex, author)) memset(author, 0, sizeof author);
    /* The street's names are read at the batch's first filing or amendment
     * only: the names of the other records are not compared. */
    street_names sn;
    int sn_loaded = 0;
    memset(&sn, 0, sizeof sn);
    json_array_foreach(recs, k, r) {
      const char *kind = json_string_value(json_object_get(r, "kind"));
      json_t *flags = json_object_get(json_object_get(r, "body"), "flags");
      json_t *n = json_object_get(kinds, kind ? kind : "");
      json_object_set_new(kinds, kind ? kind : "", json_integer(n ? json_integer_value(n) + 1 : 1));
      if (json_array_size(flags)) flagged++;
      json_object_set_new(r, "flags", json_is_array(flags) ? json_incref(flags) : json_array());
      hub_record_id(author, (uint64_t)json_integer_value(json_object_get(r, "seq")), hex_rec,
                    sizeof hex_rec);
      json_object_set_new(r, "record", json_string(hex_rec));
      if (for_reader && kind && !strcmp(kind, "org.amended")) {
        /* The organisation as it stood before, so that a change reads old -> new. */
        json_t *was = NULL;
        rc = org_before(ctx, author, json_object_get(r, "body"),
                        json_integer_value(json_object_get(r, "seq")), &was, err);
        if (rc) break;
        json_object_set_new(r, "was", was);
      }
      if (for_reader && !sn_loaded && kind &&
          (!strcmp(kind, "org.filed") || !strcmp(kind, "org.amended"))) {
        rc = street_names_load(ctx, author, &sn, err);
        if (rc) break;
        sn_loaded = 1;
      }
      if (for_reader) {
        /* What the reviewer should look at twice (common/warnings.h). */
        json_t *warn = cm_warn_body(kind, json_object_get(r, "body"), &sn.names);
        json_object_set_new(r, "warnings", warn ? warn : json_array());
      }
    }
    street_names_free(&sn);
    if (rc) {
      json_decref(kinds);
      json_decref(recs);
      return rc;
    }
    json_object_set_new(b, "kinds", kinds);
    json_object_set_new(b, "flags", json_integer(flagged));
    if (with_records)
      json_object_set_new(b, "records", recs);
    else
      json_decref(recs);
  }
  return rc;
}

cm_rc hub_review_list(hub_ctx *ctx, json_t **out, cm_err *err) {
  cm_rc rc;
  *out = NULL;
  pthread_mutex_lock(&ctx->lock);
  rc = hub_store_batches_json(ctx->store, 0, 1, out, err);
  if (!rc) rc = describe_batches(ctx, *out, DESCRIBE_COUNTS, err);
  pthread_mutex_unlock(&ctx->lock);
  if (rc) {
    json_decref(*out);
    *out = NULL;
  }
  return rc;
}

/* Batch id (with its records, described to detail) into *out, lock held;
 * CM_ERR_NOT_FOUND if none. */
static cm_rc batch_get(hub_ctx *ctx, int64_t id, int detail, json_t **out, cm_err *err) {
  json_t *arr = NULL;
  cm_rc rc = id > 0 ? hub_store_batches_json(ctx->store, id, 0, &arr, err)
                    : cm_errf(err, CM_ERR_NOT_FOUND, "没有第 %lld 号批次", (long long)id);
  *out = NULL;
  if (!rc && json_array_size(arr) != 1)
    rc = cm_errf(err, CM_ERR_NOT_FOUND, "本级没有社区上报的第 %lld 号批次（见 review list）",
                 (long long)id);
  if (!rc) rc = describe_batches(ctx, arr, detail, err);
  if (!rc) *out = json_incref(json_array_get(arr, 0));
  json_decref(arr);
  return rc;
}

cm_rc hub_review_show(hub_ctx *ctx, int64_t id, json_t **out, cm_err *err) {
  cm_rc rc;
  pthread_mutex_lock(&ctx->lock);
  rc = batch_get(ctx, id, DESCRIBE_FOR_READER, out, err);
  pthread_mutex_unlock(&ctx->lock);
  return rc;
}

/* The sequence a --except names inside batch b (author hex, first..last):
 * "<hex>/<seq>" of the batch's author, or "<seq>".  0 when it is not one. */
static uint64_t except_seq(const json_t *b, const char *record) {
  const char *ahex = json_string_value(json_object_get(b, "author"));
  const char *num = record;
  const char *slash = strchr(record, '/');
  if (slash) {
    if (!ahex || (size_t)(slash - record) != strlen(ahex) ||
        strncmp(record, ahex, (size_t)(slash - record)) != 0)
      return 0;
    num = slash + 1;
  }
  if (*num < '0' || *num > '9') return 0;
  uint64_t seq = 0;
  if (cm_dec_u64(num, &seq) != CM_OK || seq > INT64_MAX) return 0;
  if ((int64_t)seq < json_integer_value(json_object_get(b, "first_seq")) ||
      (int64_t)seq > json_integer_value(json_object_get(b, "last_seq")))
    return 0;
  return seq;
}

/* Write the review of batch b, lock held and transaction open: the
 * review.batch entry and, when accepted, a rectification.accepted entry for
 * each accepted rectification.filed. */
static cm_rc review_locked(hub_ctx *ctx, const json_t *b, const char *result, const char *reason,
                           const char *op, const hub_review_except *except, size_t n_except,
                           uint64_t *seq_out, cm_err *err) {
  const char *ahex = json_string_value(json_object_get(b, "author"));
  json_t *rejected = json_array(), *body = NULL;
  uint64_t skip[HUB_REVIEW_EXCEPT_MAX];
  cm_rc rc = CM_OK;

  if (!rejected) return cm_errf(err, CM_ERR_NOMEM, "写审核时内存不足");
  if (n_except > HUB_REVIEW_EXCEPT_MAX) {
    rc = cm_errf(err, CM_ERR_INVALID, "一次审核最多退回 %d 条记录",
                 HUB_REVIEW_EXCEPT_MAX);
    goto out;
  }
  for (size_t i = 0; i < n_except; i++) {
    char rec[PROTO_KEY_HEX + 24];
    const char *why = except[i].reason;
    skip[i] = except[i].record ? except_seq(b, except[i].record) : 0;
    if (!skip[i]) {
      rc = cm_errf(err, CM_ERR_INVALID, "记录“%s”不在第 %lld 号批次里（本批次为第 %lld 到 %lld 条）",
                   except[i].record ? except[i].record : "",
                   (long long)json_integer_value(json_object_get(b, "id")),
                   (long long)json_integer_value(json_object_get(b, "first_seq")),
                   (long long)json_integer_value(json_object_get(b, "last_seq")));
      goto out;
    }
    if (!why || !*why || strlen(why) >= HUB_REVIEW_REASON_MAX) {
      rc = cm_errf(err, CM_ERR_INVALID, "退回记录“%s”需要写明理由（1 到 %d 字节）",
                   except[i].record, HUB_REVIEW_REASON_MAX - 1);
      goto out;
    }
    snprintf(rec, sizeof rec, "%s/%" PRIu64, ahex, skip[i]);
    json_array_append_new(rejected, json_pack("{s:s, s:s}", "record", rec, "reason", why));
  }
  /* The review binds to the batch's content: the hash of its last entry
   * covers every entry before it. */
  uint8_t author[PROTO_KEY_BYTES], lh[PROTO_HASH_BYTES];
  char lh_hex[2 * PROTO_HASH_BYTES + 1] = "";
  if (ahex && proto_key_from_hex(ahex, author) == CM_OK &&
      hub_store_entry_hash(ctx->store, author,
                           (uint64_t)json_integer_value(json_object_get(b, "last_seq")), lh))
    cm_hex_encode(lh, PROTO_HASH_BYTES, lh_hex);
  body = json_pack("{s:s, s:s, s:O, s:O, s:O, s:s, s:s, s:s, s:O, s:s}", "to", ahex, "author",
                   ahex, "batch", json_object_get(b, "id"), "first_seq",
                   json_object_get(b, "first_seq"), "last_seq", json_object_get(b, "last_seq"),
                   "last_hash", lh_hex, "result", result, "reason", reason ? reason : "",
                   "rejected_records", rejected, "operator", op ? op : "");
  if (!body) {
    rc = cm_errf(err, CM_ERR_NOMEM, "写审核时内存不足");
    goto out;
  }
  rc = hub_log_append_locked(ctx, "review.batch", body, seq_out, err);
  if (rc || strcmp(result, "accepted") != 0) goto out;
  /* The street's acceptance of a rectification closes the criticism. */
  size_t i;
  json_t *r;
  json_array_foreach(json_object_get(b, "records"), i, r) {
    const char *kind = json_string_value(json_object_get(r, "kind"));
    uint64_t seq = (uint64_t)json_integer_value(json_object_get(r, "seq"));
    int skipped = 0;
    for (size_t k = 0; k < n_except; k++)
      if (skip[k] == seq) skipped = 1;
    const char *status = json_string_value(json_object_get(r, "status"));
    /* a refused rectification (one about another community's decision)
     * closes nothing */
    if (status && strcmp(status, "refused") == 0) continue;
    if (skipped || !kind || strcmp(kind, "rectification.filed") != 0) continue;
    json_t *rb = json_object_get(r, "body");
    const char *org = json_string_value(json_object_get(rb, "org"));
    const char *dec = json_string_value(json_object_get(rb, "decision"));
    if (!org || !dec) continue;
    char rec[PROTO_KEY_HEX + 24];
    snprintf(rec, sizeof rec, "%s/%" PRIu64, ahex, seq);
    json_t *ab = json_pack("{s:s, s:s, s:s, s:s, s:s}", "to", ahex, "org", org, "decision", dec,
                           "rectification", rec, "operator", op ? op : "");
    rc = ab ? hub_log_append_locked(ctx, "rectification.accepted", ab, NULL, err)
            : cm_errf(err, CM_ERR_NOMEM, "写审核时内存不足");
    json_decref(ab);
    if (rc) break;
  }
out:
  json_decref(body);
  json_decref(rejected);
  return rc;
}

/* Review batch id in one transaction (lock taken here). */
static cm_rc review(hub_ctx *ctx, int64_t id, const char *result, const char *reason,
                    const char *op, const hub_review_except *except, size_t n_except,
                    uint64_t *seq_out, cm_err *err) {
  json_t *b = NULL;
  cm_rc rc;
  if (ctx->role != HUB_ROLE_STREET)
    return cm_errf(err, CM_ERR_PERM,
                   "区协会不审核批次：它统计各街道分会已通过的记录");
  if (op && strlen(op) >= HUB_NAME_MAX)
    return cm_errf(err, CM_ERR_INVALID, "操作员姓名过长");
  pthread_mutex_lock(&ctx->lock);
  rc = hub_store_begin(ctx->store, err);
  if (rc) goto unlock;
  rc = batch_get(ctx, id, DESCRIBE_RECORDS, &b, err);
  if (!rc && strcmp(json_string_value(json_object_get(b, "status")), "pending") != 0)
    rc = cm_errf(err, CM_ERR_CONFLICT, "第 %lld 号批次已经审核过（%s）", (long long)id,
                 cm_i18n_word(CM_LANG_ZH, "review.", json_string_value(json_object_get(b, "status"))));
  if (!rc) rc = review_locked(ctx, b, result, reason, op, except, n_except, seq_out, err);
  if (!rc) CM_FAILPOINT("review.before_commit");
  if (!rc)
    rc = hub_store_commit(ctx->store, err);
  else
    hub_store_rollback(ctx->store);
unlock:
  pthread_mutex_unlock(&ctx->lock);
  json_decref(b);
  if (!rc)
    cm_info("review: batch %lld %s by '%s'", (long long)id, result, op ? op : "");
  return rc;
}

cm_rc hub_review_accept(hub_ctx *ctx, int64_t id, const char *operator_name,
                        const hub_review_except *except, size_t n_except, uint64_t *seq_out,
                        cm_err *err) {
  return review(ctx, id, "accepted", "", operator_name, except, n_except, seq_out, err);
}

cm_rc hub_review_reject(hub_ctx *ctx, int64_t id, const char *operator_name, const char *reason,
                        uint64_t *seq_out, cm_err *err) {
  if (!reason || !*reason || strlen(reason) >= HUB_REVIEW_REASON_MAX)
    return cm_errf(err, CM_ERR_INVALID, "退回需要写明理由（1 到 %d 字节）",
                   HUB_REVIEW_REASON_MAX - 1);
  return review(ctx, id, "rejected", reason, operator_name, NULL, 0, seq_out, err);
}

/* ---- the policy ---- */

/* The policy, lock held: on unless turned off. */
static cm_rc policy_locked(hub_ctx *ctx, int *on_out, cm_err *err) {
  char v[16];
  int found = 0;
  cm_rc rc = hub_store_config_get(ctx->store, HUB_CONFIG_AUTO_ACCEPT, v, sizeof v, &found, err);
  *on_out = !rc && (!found || strcmp(v, "off") != 0);
  return rc;
}

cm_rc hub_review_policy_locked(hub_ctx *ctx, int *on_out, cm_err *err) {
  return policy_locked(ctx, on_out, err);
}

cm_rc hub_review_policy_get(hub_ctx *ctx, int *on_out, cm_err *err) {
  cm_rc rc;
  pthread_mutex_lock(&ctx->lock);
  rc = policy_locked(ctx, on_out, err);
  pthread_mutex_unlock(&ctx->lock);
  return rc;
}

cm_rc hub_review_policy_set(hub_ctx *ctx, int on, cm_err *err) {
  cm_rc rc;
  pthread_mutex_lock(&ctx->lock);
  rc = hub_store_begin(ctx->store, err);
  if (!rc) {
    rc = hub_store_config_set(ctx->store, HUB_CONFIG_AUTO_ACCEPT, on ? "on" : "off", err);
    /* Turned on, the policy looks at the whole queue once more. */
    if (!rc && on) rc = hub_store_config_set(ctx->store, HUB_CONFIG_AUTO_AFTER, "0", err);
    if (!rc)
      rc = hub_store_commit(ctx->store, err);
    else
      hub_store_rollback(ctx->store);
  }
  pthread_mutex_unlock(&ctx->lock);
  return rc;
}

/* The last batch the policy examined (0: none), and moving it to id. */
static cm_rc auto_after_get(hub_ctx *ctx, int64_t *after_out, cm_err *err) {
  char buf[32];
  int found = 0;
  cm_rc rc = hub_store_config_get(ctx->store, HUB_CONFIG_AUTO_AFTER, buf, sizeof buf, &found, err);
  *after_out = !rc && found ? strtoll(buf, NULL, 10) : 0;
  return rc;
}

static cm_rc auto_after_set(hub_ctx *ctx, int64_t id, cm_err *err) {
  char buf[32];
  snprintf(buf, sizeof buf, "%lld", (long long)id);
  return hub_store_config_set(ctx->store, HUB_CONFIG_AUTO_AFTER, buf, err);
}

/* 1 when batch b (a row of the batch list) passes the policy, lock held:
 * monthly reports only, none with rule flags, none correcting a month whose
 * older version is accepted. */
static cm_rc auto_ok(hub_ctx *ctx, const json_t *b, int *ok_out, cm_err *err) {
  uint8_t author[PROTO_KEY_BYTES];
  hub_batch_facts f;
  cm_rc rc;
  *ok_out = 0;
  if (proto_key_from_hex(json_string_value(json_object_get(b, "author")), author)) return CM_OK;
  rc = hub_store_batch_facts(ctx->store, author,
                             (uint64_t)json_integer_value(json_object_get(b, "first_seq")),
                             (uint64_t)json_integer_value(json_object_get(b, "last_seq")), &f,
                             err);
  if (rc) return rc;
  *ok_out = f.entries > 0 && f.others == 0 && f.reports == f.entries && f.flagged == 0 &&
            !f.corrects_accepted;
  return CM_OK;
}

/* The pass itself, lock held.  own_tx: open and commit a transaction of its
 * own when there is a batch to examine (one sync to disk however many);
 * else the caller's transaction is open and commits it. */
static cm_rc review_auto_pass(hub_ctx *ctx, int own_tx, unsigned *n_out, cm_err *err) {
  json_t *list = NULL;
  unsigned n = 0;
  int64_t after = 0, last = 0;
  size_t i;
  json_t *row;
  cm_rc rc;
  *n_out = 0;
  int on = 0;
  rc = policy_locked(ctx, &on, err);
  if (rc || !on) return rc;
  /* Each batch meets the policy once, after the ingest that brought it: a
   * push does not re-examine the whole queue. */
  rc = auto_after_get(ctx, &after, err);
  /* Every batch up to the newest now is examined by this pass or reviewed
   * already (accepted as ingest projected it): the next pass starts after
   * it, not at the last batch left pending, and never reads again the
   * batches accepted since. */
  if (!rc) rc = hub_store_changeset_last(ctx->store, &last, err);
  if (!rc) rc = hub_store_batches_json(ctx->store, after > 0 ? -after : 0, 1, &list, err);
  if (!rc && !json_array_size(list) && last > after) rc = auto_after_set(ctx, last, err);
  if (rc || !json_array_size(list)) goto out;
  if (own_tx) {
    rc = hub_store_begin(ctx->store, err);
    if (rc) goto out;
  }
  json_array_foreach(list, i, row) {
    int ok = 0;
    /* The list holds pending batches only; every record of an accepted
     * one is a monthly report, so no rectification needs closing. */
    rc = auto_ok(ctx, row, &ok, err);
    if (!rc && ok) rc = review_locked(ctx, row, "accepted", "", "auto", NULL, 0, NULL, err);
    if (rc) break;
    if (ok) n++;
  }
  if (!rc && last > after) rc = auto_after_set(ctx, last, err);
  if (own_tx) {
    if (!rc)
      rc = hub_store_commit(ctx->store, err);
    else
      hub_store_rollback(ctx->store);
  }
  if (!rc) *n_out = n;
out:
  json_decref(list);
  if (*n_out) cm_info("review: %u batch(es) accepted by the auto-accept policy", *n_out);
  return rc;
}

cm_rc hub_review_accept_ahead_locked(hub_ctx *ctx, int64_t batch,
                                     const uint8_t author[PROTO_KEY_BYTES], uint64_t first_seq,
                                     uint64_t last_seq, cm_err *err) {
  char hex[PROTO_KEY_HEX];
  proto_key_hex(author, hex);
  json_t *row = json_pack("{s:I, s:s, s:I, s:I}", "id", (json_int_t)batch, "author", hex,
                          "first_seq", (json_int_t)first_seq, "last_seq", (json_int_t)last_seq);
  if (!row) return cm_errf(err, CM_ERR_NOMEM, "写审核时内存不足");
  /* a batch of monthly reports: no rectification to close */
  cm_rc rc = review_locked(ctx, row, "accepted", "", "auto", NULL, 0, NULL, err);
  json_decref(row);
  if (!rc) cm_info("review: batch %lld accepted by the auto-accept policy", (long long)batch);
  /* The policy's pass need not read this batch: when no community's batch
   * before it waits to be examined, the pass starts after it (counting a
   * batch's entries reads each of their rows). */
  int64_t after = 0, between = 0;
  if (!rc) rc = auto_after_get(ctx, &after, err);
  if (!rc && after < batch) rc = hub_store_batches_between(ctx->store, after, batch, &between, err);
  if (!rc && after < batch && between == 0) rc = auto_after_set(ctx, batch, err);
  return rc;
}

cm_rc hub_review_auto(hub_ctx *ctx, unsigned *accepted_out, cm_err *err) {
  unsigned n = 0;
  cm_rc rc = CM_OK;
  if (ctx->role == HUB_ROLE_STREET) {
    pthread_mutex_lock(&ctx->lock);
    rc = review_auto_pass(ctx, 1, &n, err);
    pthread_mutex_unlock(&ctx->lock);
  }
  if (accepted_out) *accepted_out = n;
  return rc;
}

cm_rc hub_review_auto_locked(hub_ctx *ctx, unsigned *accepted_out, cm_err *err) {
  unsigned n = 0;
  cm_rc rc = ctx->role == HUB_ROLE_STREET ? review_auto_pass(ctx, 0, &n, err) : CM_OK;
  if (accepted_out) *accepted_out = n;
  return rc;
}
