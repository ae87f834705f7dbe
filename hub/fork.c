/* fork.c - the operator's choice between two branches of a quarantined
 * author's log. */
#include "fork.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/clock.h"
#include "../common/codec.h"
#include "../common/log.h"
#include "../protocol/changeset.h"
#include "hublog.h"
#include "project.h"
#include "store.h"

/* Describe one evidence row (lock held): our entry at its seq and head, and
 * the other branch's entry hashes. */
static cm_rc describe(hub_ctx *ctx, json_t *row, cm_err *err) {
  uint8_t author[PROTO_KEY_BYTES], h[PROTO_HASH_BYTES], *bytes = NULL;
  char hex[PROTO_KEY_HEX];
  size_t len = 0;
  uint64_t seq = 0;
  hub_author a;
  int found = 0;
  proto_changeset cs;
  cm_err e1;
  cm_rc rc;

  memset(&cs, 0, sizeof cs);
  cm_err_clear(&e1);
  json_object_del(row, "held_hash");
  if (proto_key_from_hex(json_string_value(json_object_get(row, "author")), author))
    return CM_OK;
  rc = hub_store_author_get(ctx->store, author, &a, &found, err);
  if (rc) return rc;
  seq = (uint64_t)json_integer_value(json_object_get(row, "seq"));
  if (hub_store_entry_hash(ctx->store, author, seq, h))
    cm_hex_encode(h, PROTO_HASH_BYTES, hex);
  else
    hex[0] = '\0';
  json_t *held = json_pack("{s:s, s:I}", "hash", hex, "head_seq", (json_int_t)a.head_seq);
  cm_hex_encode(a.head_hash, PROTO_HASH_BYTES, hex);
  if (held) json_object_set_new(held, "head", json_string(hex));
  json_object_set_new(row, "held", held ? held : json_null());
  rc = hub_store_fork_other(ctx->store, author,
                            json_integer_value(json_object_get(row, "id")), &bytes, &len, &seq,
                            err);
  if (rc) return rc;
  json_t *hashes = json_array();
  if (hashes && proto_changeset_decode(bytes, len, &cs, NULL, &e1) == CM_OK) {
    for (size_t k = 0; k < cs.n; k++) {
      cm_hex_encode(cs.hashes[k], PROTO_HASH_BYTES, hex);
      json_array_append_new(hashes, json_string(hex));
    }
    json_object_set_new(row, "other",
                        json_pack("{s:I, s:I, s:o}", "first_seq", (json_int_t)cs.h.first_seq,
                                  "last_seq", (json_int_t)cs.h.last_seq, "hashes", hashes));
  } else {
    json_decref(hashes);
    json_object_set_new(row, "other", json_null());
  }
  proto_changeset_free(&cs);
  free(bytes);
  return CM_OK;
}

cm_rc hub_fork_list(hub_ctx *ctx, json_t **out, cm_err *err) {
  cm_rc rc;
  size_t i;
  json_t *row;
  pthread_mutex_lock(&ctx->lock);
  rc = hub_store_forks_json(ctx->store, out, err);
  if (!rc) json_array_foreach(*out, i, row) {
      rc = describe(ctx, row, err);
      if (rc) break;
    }
  pthread_mutex_unlock(&ctx->lock);
  if (rc) {
    json_decref(*out);
    *out = NULL;
  }
  return rc;
}

/* Rebuild callback: one stored entry. */
static cm_rc reproject(void *vctx, const proto_entry *e, const uint8_t hash[PROTO_HASH_BYTES],
                       uint64_t received_ms, cm_err *err) {
  (void)hash;
  return hub_project_entry(vctx, e, received_ms, err);
}

/* Replace author's entries from the other branch's first on by the other
 * branch (lock held, transaction open). */
static cm_rc keep_other(hub_ctx *ctx, const hub_author *a, const proto_changeset *cs,
                        const uint8_t *bytes, size_t len, cm_err *err) {
  uint8_t h[PROTO_HASH_BYTES];
  int64_t cs_id = 0;
  uint64_t now = cm_now_ms();
  cm_rc rc;
  if (cs->h.first_seq > 1 &&
      (!hub_store_entry_hash(ctx->store, a->key, cs->h.first_seq - 1, h) ||
       memcmp(h, cs->h.prev_hash, PROTO_HASH_BYTES) != 0))
    return cm_errf(err, CM_ERR_CONFLICT,
                   "另一分支从第 %" PRIu64 " 条开始，在那里接不上本级保存的台账："
                   "社区须发来整个分支，或保留本级保存的台账",
                   cs->h.first_seq);
  if (cs->h.first_seq > a->head_seq + 1)
    return cm_errf(err, CM_ERR_CONFLICT, "另一分支在第 %" PRIu64 " 条之后有缺口",
                   a->head_seq);
  rc = hub_store_entries_drop_from(ctx->store, a->key, cs->h.first_seq, err);
  if (!rc)
    rc = hub_store_changeset_add(ctx->store, a->key, cs->h.first_seq, cs->h.last_seq, bytes, len,
                                 now, "fork resolve", &cs_id, err);
  for (size_t k = 0; !rc && k < cs->n; k++)
    rc = hub_store_entry_add(ctx->store, &cs->entries[k], cs->hashes[k], now, cs_id, NULL, err);
  if (!rc) rc = hub_store_author_set_head(ctx->store, a->key, cs->h.last_seq, cs->h.last_hash, err);
  /* Records of the dropped branch leave the tables. */
  if (!rc) rc = hub_store_projection_clear(ctx->store, err);
  if (!rc) rc = hub_store_entries_foreach(ctx->store, reproject, ctx, err);
  return rc;
}

cm_rc hub_fork_resolve(hub_ctx *ctx, const uint8_t author[PROTO_KEY_BYTES], const char *keep,
                       const char *operator_name, uint64_t *seq_out, cm_err *err) {
  uint8_t want[PROTO_HASH_BYTES], h[PROTO_HASH_BYTES], *bytes = NULL;
  char hex[PROTO_KEY_HEX], keep_hex[PROTO_KEY_HEX];
  size_t len = 0;
  uint64_t fork_seq = 0;
  hub_author a;
  int found = 0;
  json_t *forks = NULL, *body = NULL;
  proto_changeset cs;
  const char *kept = NULL;
  cm_err e1;
  cm_rc rc;

  memset(&cs, 0, sizeof cs);
  cm_err_clear(&e1);
  if (!keep || strlen(keep) != 2 * PROTO_HASH_BYTES ||
      cm_hex_decode(keep, strlen(keep), want, PROTO_HASH_BYTES))
    return cm_errf(err, CM_ERR_INVALID, "--keep 应为记录的哈希（64 位十六进制数字）");
  cm_hex_encode(want, PROTO_HASH_BYTES, keep_hex);
  if (operator_name && strlen(operator_name) >= HUB_NAME_MAX)
    return cm_errf(err, CM_ERR_INVALID, "操作员姓名过长");
  pthread_mutex_lock(&ctx->lock);
  rc = hub_store_begin(ctx->store, err);
  if (rc) goto unlock;
  rc = hub_store_author_get(ctx->store, author, &a, &found, err);
  if (!rc && (!found || !a.quarantined))
    rc = cm_errf(err, CM_ERR_INVALID, "这个作者没有被隔离（见 fork list）");
  if (!rc) rc = hub_store_forks_json(ctx->store, &forks, err);
  /* The latest evidence of this author is the fork to resolve. */
  int64_t fork_id = 0;
  size_t i;
  json_t *row;
  proto_key_hex(author, hex);
  if (!rc) json_array_foreach(forks, i, row) {
      if (strcmp(json_string_value(json_object_get(row, "author")), hex) == 0)
        fork_id = json_integer_value(json_object_get(row, "id"));
    }
  if (!rc && !fork_id) rc = cm_errf(err, CM_ERR_NOT_FOUND, "这个作者没有分叉证据");
  if (!rc) rc = hub_store_fork_other(ctx->store, author, fork_id, &bytes, &len, &fork_seq, err);
  if (rc) goto out;
  if (memcmp(a.head_hash, want, PROTO_HASH_BYTES) == 0 ||
      (hub_store_entry_hash(ctx->store, author, fork_seq, h) &&
       memcmp(h, want, PROTO_HASH_BYTES) == 0)) {
    kept = "held";
  } else if (proto_changeset_decode(bytes, len, &cs, NULL, &e1) == CM_OK) {
    for (size_t k = 0; k < cs.n && !kept; k++)
      if (memcmp(cs.hashes[k], want, PROTO_HASH_BYTES) == 0) kept = "other";
    if (kept) rc = keep_other(ctx, &a, &cs, bytes, len, err);
  }
  if (!rc && !kept)
    rc = cm_errf(err, CM_ERR_NOT_FOUND,
                 "%s 既不是本级台账第 %" PRIu64 " 条或末条的哈希，也不是另一分支中的记录"
                 "（见 fork list）",
                 keep_hex, fork_seq);
  if (!rc) rc = hub_store_author_unquarantine(ctx->store, author, err);
  if (!rc) rc = hub_store_author_get(ctx->store, author, &a, &found, err);
  if (!rc) {
    char head[PROTO_KEY_HEX];
    cm_hex_encode(a.head_hash, PROTO_HASH_BYTES, head);
    body = json_pack("{s:s, s:s, s:I, s:s, s:s, s:I, s:s, s:s}", "to", hex, "author", hex, "seq",
                     (json_int_t)fork_seq, "kept", kept, "keep", keep_hex, "head_seq",
                     (json_int_t)a.head_seq, "head", head, "operator",
                     operator_name ? operator_name : "");
    rc = body ? hub_log_append_locked(ctx, "fork.resolved", body, seq_out, err)
              : cm_errf(err, CM_ERR_NOMEM, "处理分叉时内存不足");
  }
out:
  if (!rc)
    rc = hub_store_commit(ctx->store, err);
  else
    hub_store_rollback(ctx->store);
unlock:
  pthread_mutex_unlock(&ctx->lock);
  if (!rc) cm_info("fork of %s resolved: kept the %s chain", hex, kept);
  proto_changeset_free(&cs);
  free(bytes);
  json_decref(forks);
  json_decref(body);
  return rc;
}
