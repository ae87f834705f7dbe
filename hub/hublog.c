/* hublog.c - the hub's own signed log, the feed cut from it, and the
 * enrolment registry (operator enrolments and requests from keys). */
#include "hublog.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/buf.h"
#include "../common/clock.h"
#include "../common/failpoint.h"
#include "../common/json.h"
#include "../common/log.h"
#include "../common/records.h"
#include "../protocol/changeset.h"
#include "project.h"
#include "store.h"

#define HUB_CONFIG_UPSTREAM_CURSOR "upstream_cursor"

/* The key an entry of ours is addressed to: body "to", or for hub.enrolled the
 * enrolled key; the all-zero key (every caller's feed) for the district's
 * lists and limits and for trainings (cm_rec_to_all).
 * 0 when it is addressed to nobody in particular. */
static int entry_to(const char *kind, const json_t *body, uint8_t to[PROTO_KEY_BYTES]) {
  if (cm_rec_to_all(kind)) {
    memset(to, 0, PROTO_KEY_BYTES);
    return 1;
  }
  const char *hex = json_string_value(json_object_get(body, "to"));
  if (!hex && strcmp(kind, "hub.enrolled") == 0)
    hex = json_string_value(json_object_get(body, "key"));
  return hex && proto_key_from_hex(hex, to) == CM_OK;
}

/* Append with ctx->lock held and a transaction open. */
static cm_rc append_locked(hub_ctx *ctx, const char *kind, const json_t *body, uint64_t *seq_out,
                           cm_err *err) {
  hub_author self;
  int found = 0;
  proto_entry e;
  cm_buf b;
  uint8_t hash[PROTO_HASH_BYTES], to[PROTO_KEY_BYTES];
  uint8_t *cs = NULL;
  size_t cs_len = 0;
  int64_t cs_id = 0;
  uint64_t now = cm_now_ms();
  cm_rc rc;

  cm_buf_init(&b, PROTO_BODY_MAX);
  memset(&e, 0, sizeof e);
  if (!proto_kind_valid(kind)) {
    rc = cm_errf(err, CM_ERR_INVALID, "记录种类“%s”不对", kind);
    goto out;
  }
  if (!json_is_object(body)) {
    rc = cm_errf(err, CM_ERR_INVALID, "记录内容应为 JSON 对象");
    goto out;
  }
  rc = cm_json_dump(body, &b);
  if (rc) {
    rc = cm_errf(err, rc, "记录内容超过 %u 字节", PROTO_BODY_MAX);
    goto out;
  }
  rc = hub_store_author_get(ctx->store, ctx->kp.pk, &self, &found, err);
  if (!rc && !found) rc = cm_errf(err, CM_ERR_DB, "本级台账缺少作者信息");
  if (rc) goto out;
  memcpy(e.author, ctx->kp.pk, PROTO_KEY_BYTES);
  e.seq = self.head_seq + 1;
  if (self.head_seq) memcpy(e.prev, self.head_hash, PROTO_HASH_BYTES);
  e.time_ms = now;
  snprintf(e.kind, sizeof e.kind, "%s", kind);
  e.body = b.p;
  e.body_len = b.len;
  rc = proto_entry_sign(&e, &ctx->kp);
  if (!rc) rc = proto_entry_hash(&e, hash);
  if (rc) {
    rc = cm_errf(err, rc, "签名本级记录：%s", cm_strerror(rc));
    goto out;
  }
  /* Each entry also travels in its own signed changeset, so the district
   * verifies our log exactly like a community's. */
  rc = proto_changeset_build(&e, 1, &ctx->kp, now, &cs, &cs_len, err);
  if (rc) goto out;
  rc = hub_store_changeset_add(ctx->store, e.author, e.seq, e.seq, cs, cs_len, now, "self",
                               &cs_id, err);
  if (!rc)
    rc = hub_store_entry_add(ctx->store, &e, hash, now, cs_id, entry_to(kind, body, to) ? to : NULL,
                             err);
  if (!rc) rc = hub_project_entry(ctx, &e, now, err);
  if (!rc) rc = hub_store_author_set_head(ctx->store, e.author, e.seq, hash, err);
  if (!rc && seq_out) *seq_out = e.seq;
out:
  free(cs);
  cm_buf_free(&b);
  return rc;
}

cm_rc hub_log_append_locked(hub_ctx *ctx, const char *kind, const json_t *body,
                            uint64_t *seq_out, cm_err *err) {
  return append_locked(ctx, kind, body, seq_out, err);
}

cm_rc hub_log_append(hub_ctx *ctx, const char *kind, const json_t *body, uint64_t *seq_out,
                     cm_err *err) {
  cm_rc rc;
  pthread_mutex_lock(&ctx->lock);
  rc = hub_store_begin(ctx->store, err);
  if (!rc) {
    rc = append_locked(ctx, kind, body, seq_out, err);
    if (!rc)
      rc = hub_store_commit(ctx->store, err);
    else
      hub_store_rollback(ctx->store);
  }
  pthread_mutex_unlock(&ctx->lock);
  return rc;
}

/* Feed items gathered from the store, with bodies copied out of SQLite. */
struct feed_gather {
  proto_feed_item *items;
  size_t n, max;
};

static cm_rc feed_one(void *vctx, const proto_entry *e, const uint8_t hash[PROTO_HASH_BYTES],
                      uint64_t received_ms, cm_err *err) {
  struct feed_gather *g = vctx;
  (void)hash;
  (void)received_ms;
  if (g->n >= g->max) return CM_OK;
  uint8_t *body = malloc(e->body_len ? e->body_len : 1);
  if (!body) return cm_errf(err, CM_ERR_NOMEM, "准备下发记录时内存不足");
  if (e->body_len) memcpy(body, e->body, e->body_len);
  g->items[g->n].cursor = e->seq;
  g->items[g->n].entry = *e;
  g->items[g->n].entry.body = body;
  g->n++;
  return CM_OK;
}

cm_rc hub_feed(hub_ctx *ctx, const uint8_t caller[PROTO_KEY_BYTES], uint64_t after,
               size_t max_items, uint8_t **out, size_t *len_out, cm_err *err) {
  struct feed_gather g;
  hub_author a;
  int found = 0;
  cm_rc rc;

  *out = NULL;
  *len_out = 0;
  if (max_items == 0 || max_items > HUB_FEED_MAX_ITEMS) max_items = HUB_FEED_MAX_ITEMS;
  memset(&g, 0, sizeof g);
  g.max = max_items;
  g.items = calloc(max_items, sizeof *g.items);
  if (!g.items) return cm_errf(err, CM_ERR_NOMEM, "准备下发记录时内存不足");
  pthread_mutex_lock(&ctx->lock);
  rc = hub_store_author_get(ctx->store, caller, &a, &found, err);
  /* A street hub at its district also reads what is addressed to the
   * communities it enrolled, to relay it down. */
  int street = !rc && found && ctx->role == HUB_ROLE_DISTRICT && strcmp(a.role, "street") == 0;
  if (!rc)
    rc = hub_store_feed_foreach(ctx->store, ctx->kp.pk, caller, street ? caller : NULL, after,
                                max_items, feed_one, &g, err);
  pthread_mutex_unlock(&ctx->lock);
  if (!rc) {
    uint64_t next = g.n ? g.items[g.n - 1].cursor : after;
    rc = proto_feed_encode(g.items, g.n, next, out, len_out);
    if (rc) cm_errf(err, rc, "无法编码下发记录：%s", cm_strerror(rc));
  }
  for (size_t i = 0; i < g.n; i++) free((void *)g.items[i].entry.body);
  free(g.items);
  return rc;
}

cm_rc hub_key_status(hub_ctx *ctx, const uint8_t key[PROTO_KEY_BYTES], hub_key_state *state_out,
                     cm_err *err) {
  hub_author a;
  int found = 0;
  cm_rc rc;
  *state_out = HUB_KEY_UNKNOWN;
  pthread_mutex_lock(&ctx->lock);
  rc = hub_store_author_get(ctx->store, key, &a, &found, err);
  pthread_mutex_unlock(&ctx->lock);
  if (rc || !found) return rc;
  if (strcmp(a.role, "self") == 0)
    *state_out = HUB_KEY_SELF;
  else if (a.revoked)
    *state_out = HUB_KEY_REVOKED;
  else if (a.has_enrolled_by)
    *state_out = HUB_KEY_ENROLLED;
  return CM_OK;
}

int hub_key_continues(hub_ctx *ctx, const uint8_t key[PROTO_KEY_BYTES],
                      const uint8_t of[PROTO_KEY_BYTES]) {
  int yes = 0;
  cm_err err;
  cm_err_clear(&err);
  pthread_mutex_lock(&ctx->lock);
  if (hub_store_in_lineage(ctx->store, key, of, &yes, &err) != CM_OK) yes = 0;
  pthread_mutex_unlock(&ctx->lock);
  return yes && memcmp(key, of, PROTO_KEY_BYTES) != 0;
}

/* A community code: "" or up to 31 ASCII digits. */
static int code_valid(const char *code) {
  size_t n = strlen(code);
  if (n >= HUB_CODE_MAX) return 0;
  for (size_t i = 0; i < n; i++)
    if (code[i] < '0' || code[i] > '9') return 0;
  return 1;
}

/* Before enrolling key as the replacement of old (transaction open): old must
 * be a community this hub enrolled with the same code, not replaced yet.
 * Revokes old from its last held entry on when it is not revoked already;
 * *valid_out its last valid sequence. */
static cm_rc replace_locked(hub_ctx *ctx, const uint8_t key[PROTO_KEY_BYTES], const char *code,
                            const uint8_t old[PROTO_KEY_BYTES], uint64_t *valid_out,
                            cm_err *err) {
  hub_author a;
  int found = 0, taken = 0;
  uint8_t succ[PROTO_KEY_BYTES];
  char hex[PROTO_KEY_HEX], fp[PROTO_FINGERPRINT_LEN];
  cm_rc rc = hub_store_author_get(ctx->store, old, &a, &found, err);
  if (!rc && found) rc = hub_store_successor(ctx->store, old, succ, &taken, err);
  if (rc) return rc;
  if (!memcmp(old, key, PROTO_KEY_BYTES))
    return cm_errf(err, CM_ERR_INVALID, "被接替的密钥与新密钥是同一个：新电脑应有新的密钥");
  if (!found || strcmp(a.role, "community") != 0 || !a.has_enrolled_by ||
      memcmp(a.enrolled_by, ctx->kp.pk, PROTO_KEY_BYTES) != 0)
    return cm_errf(err, CM_ERR_NOT_FOUND, "被接替的密钥不是本级登记的社区");
  if (strcmp(a.code, code) != 0)
    return cm_errf(err, CM_ERR_INVALID, "新密钥的社区代码（%s）与被接替的社区“%s”（%s）不同", code,
                   a.name, a.code);
  if (taken) {
    proto_fingerprint(succ, fp);
    return cm_errf(err, CM_ERR_EXISTS, "社区“%s”的这个密钥已由另一个新密钥接替（指纹 %s）", a.name,
                   fp);
  }
  *valid_out = a.revoked ? (uint64_t)a.revoked - 1 : a.head_seq;
  if (a.revoked) return CM_OK;
  proto_key_hex(old, hex);
  char khex[PROTO_KEY_HEX];
  proto_key_hex(key, khex);
  json_t *body = json_pack("{s:s, s:s, s:s, s:s, s:I, s:s, s:s}", "key", hex, "name", a.name,
                           "code", a.code, "role", a.role, "upto", (json_int_t)a.head_seq,
                           "reason", "由新密钥接替（电脑丢失、被盗或损坏）", "successor", khex);
  if (!body) return cm_errf(err, CM_ERR_NOMEM, "内存不足");
  rc = append_locked(ctx, "hub.revoked", body, NULL, err);
  json_decref(body);
  return rc;
}

/* Enrol with ctx->lock held (opens and closes its own transaction); replaces
 * (may be NULL) the key the new one continues (replace_locked). */
static cm_rc enroll_locked(hub_ctx *ctx, const uint8_t key[PROTO_KEY_BYTES], const char *name,
                           const char *code, const uint8_t *replaces, uint64_t *valid_out,
                           uint64_t *seq_out, cm_err *err) {
  hub_author a;
  int found = 0;
  json_t *body = NULL;
  char hex[PROTO_KEY_HEX];
  cm_rc rc;

  if (!code) code = "";
  if (!name || !*name || strlen(name) >= HUB_NAME_MAX)
    return cm_errf(err, CM_ERR_INVALID, "名称应为 1 到 %d 字节", HUB_NAME_MAX - 1);
  if (!code_valid(code))
    return cm_errf(err, CM_ERR_INVALID, "代码只能是数字（如 120105001001）");
  /* A community's authority rests on its code (common/records.h): the
   * organisations it may write about are those numbered "<code>-...". */
  if (ctx->role == HUB_ROLE_STREET && strlen(code) != 12)
    return cm_errf(err, CM_ERR_INVALID,
                   "社区代码必须是12位数字（--code，如120105001001）");
  if (memcmp(key, ctx->kp.pk, PROTO_KEY_BYTES) == 0)
    return cm_errf(err, CM_ERR_INVALID, "这是本级自己的密钥");
  rc = hub_store_begin(ctx->store, err);
  if (rc) return rc;
  rc = hub_store_author_get(ctx->store, key, &a, &found, err);
  if (rc) goto out;
  if (found && a.revoked) {
    rc = cm_errf(err, CM_ERR_PERM, "这个密钥已在本级吊销，不能再登记");
    goto out;
  }
  if (found) {
    rc = cm_errf(err, CM_ERR_EXISTS, "这个密钥已经登记过了（%s“%s”）",
                 strcmp(a.role, "street") == 0 ? "街道分会" : "社区", a.name);
    goto out;
  }
  if (replaces && ctx->role != HUB_ROLE_STREET) {
    rc = cm_errf(err, CM_ERR_INVALID, "接替只用于街道分会为社区登记新密钥");
    goto out;
  }
  if (replaces) rc = replace_locked(ctx, key, code, replaces, valid_out, err);
  if (rc) goto out;
  proto_key_hex(key, hex);
  int district = ctx->role == HUB_ROLE_DISTRICT;
  body = json_pack("{s:s, s:s, s:s, s:s, s:s}", "key", hex, "name", name, "code", code, "role",
                   district ? "street" : "community", "street", district ? name : ctx->name);
  if (body && replaces) {
    char old[PROTO_KEY_HEX];
    proto_key_hex(replaces, old);
    json_object_set_new(body, "replaces", json_string(old));
  }
  if (!body) {
    rc = cm_errf(err, CM_ERR_NOMEM, "登记时内存不足");
    goto out;
  }
  rc = append_locked(ctx, "hub.enrolled", body, seq_out, err);
  if (!rc) rc = hub_store_request_approved(ctx->store, key, err);
  if (!rc) CM_FAILPOINT("hublog.enroll.before_commit");
  if (!rc) rc = hub_store_commit(ctx->store, err);
  else hub_store_rollback(ctx->store);
  if (!rc) CM_FAILPOINT("hublog.enroll.after_commit");
  json_decref(body);
  return rc;
out:
  hub_store_rollback(ctx->store);
  json_decref(body);
  return rc;
}

cm_rc hub_enroll(hub_ctx *ctx, const uint8_t key[PROTO_KEY_BYTES], const char *name,
                 const char *code, uint64_t *seq_out, cm_err *err) {
  cm_rc rc;
  pthread_mutex_lock(&ctx->lock);
  rc = enroll_locked(ctx, key, name, code, NULL, NULL, seq_out, err);
  pthread_mutex_unlock(&ctx->lock);
  return rc;
}

cm_rc hub_enroll_replacing(hub_ctx *ctx, const uint8_t key[PROTO_KEY_BYTES], const char *name,
                           const char *code, const uint8_t old[PROTO_KEY_BYTES],
                           uint64_t *valid_out, uint64_t *seq_out, cm_err *err) {
  cm_rc rc;
  uint64_t valid = 0;
  pthread_mutex_lock(&ctx->lock);
  rc = enroll_locked(ctx, key, name, code, old, &valid, seq_out, err);
  pthread_mutex_unlock(&ctx->lock);
  if (!rc && valid_out) *valid_out = valid;
  return rc;
}

cm_rc hub_revoke(hub_ctx *ctx, const uint8_t key[PROTO_KEY_BYTES], const char *reason,
                 uint64_t *upto_out, uint64_t *seq_out, cm_err *err) {
  hub_author a;
  int found = 0;
  json_t *body = NULL;
  char hex[PROTO_KEY_HEX];
  cm_rc rc;
  if (!reason || !*reason || strlen(reason) > 1000)
    return cm_errf(err, CM_ERR_INVALID, "--reason 应为 1 到 1000 字节");
  pthread_mutex_lock(&ctx->lock);
  rc = hub_store_begin(ctx->store, err);
  if (rc) goto unlock;
  rc = hub_store_author_get(ctx->store, key, &a, &found, err);
  if (!rc && (!found || !a.has_enrolled_by || memcmp(a.enrolled_by, ctx->kp.pk, PROTO_KEY_BYTES)))
    rc = cm_errf(err, CM_ERR_NOT_FOUND, "这个密钥不是本级登记的（只有登记它的一级才能撤销）");
  if (!rc && a.revoked) rc = cm_errf(err, CM_ERR_EXISTS, "这个密钥已经吊销了");
  if (!rc) {
    proto_key_hex(key, hex);
    body = json_pack("{s:s, s:s, s:s, s:s, s:I, s:s}", "key", hex, "name", a.name, "code", a.code,
                     "role", a.role, "upto", (json_int_t)a.head_seq, "reason", reason);
    if (!body) rc = cm_errf(err, CM_ERR_NOMEM, "内存不足");
  }
  /* The projection of our own entry (append_locked) sets the revoked column. */
  if (!rc) rc = append_locked(ctx, "hub.revoked", body, seq_out, err);
  if (!rc) rc = hub_store_commit(ctx->store, err);
  else hub_store_rollback(ctx->store);
  if (!rc && upto_out) *upto_out = a.head_seq;
  json_decref(body);
unlock:
  pthread_mutex_unlock(&ctx->lock);
  return rc;
}

/* 1 when the pending requests (hub_store_requests_json) hold one of key hex. */
static int key_pending(const json_t *pending, const char *hex) {
  size_t i;
  const json_t *row;
  json_array_foreach(pending, i, row) {
    const char *k = json_string_value(json_object_get(row, "key"));
    if (k && !strcmp(k, hex)) return 1;
  }
  return 0;
}

cm_rc hub_enroll_request(hub_ctx *ctx, const uint8_t key[PROTO_KEY_BYTES], const char *name,
                         const char *street, const char *code, const char *role,
                         int *enrolled_out, int64_t *request_id_out, cm_err *err) {
  const char *want = ctx->role == HUB_ROLE_DISTRICT ? "street" : "community";
  hub_author a;
  int found = 0;
  cm_rc rc;

  *enrolled_out = 0;
  *request_id_out = 0;
  if (!role || strcmp(role, want) != 0)
    return cm_errf(err, CM_ERR_INVALID, "%s只登记%s（role \"%s\"），不登记“%s”",
                   ctx->role == HUB_ROLE_DISTRICT ? "区协会" : "街道分会",
                   ctx->role == HUB_ROLE_DISTRICT ? "街道分会" : "社区", want, role ? role : "");
  if (!name || !*name || strlen(name) >= HUB_NAME_MAX)
    return cm_errf(err, CM_ERR_INVALID, "名称应为 1 到 %d 字节", HUB_NAME_MAX - 1);
  if (!code) code = "";
  if (!street) street = "";
  if (!code_valid(code))
    return cm_errf(err, CM_ERR_INVALID, "代码只能是数字（如 120105001001）");
  if (strlen(street) >= HUB_NAME_MAX)
    return cm_errf(err, CM_ERR_INVALID, "街道名称太长");
  if (memcmp(key, ctx->kp.pk, PROTO_KEY_BYTES) == 0)
    return cm_errf(err, CM_ERR_INVALID, "这是本级自己的密钥");
  pthread_mutex_lock(&ctx->lock);
  rc = hub_store_begin(ctx->store, err);
  if (rc) goto unlock;
  rc = hub_store_author_get(ctx->store, key, &a, &found, err);
  if (!rc && found && a.revoked) rc = cm_errf(err, CM_ERR_PERM, "这个密钥已在本级吊销");
  if (!rc && found) {
    *enrolled_out = 1;
  } else if (!rc) {
    /* A key with a pending request refreshes it; a new one must find room. */
    json_t *pending = NULL;
    char hex[PROTO_KEY_HEX];
    proto_key_hex(key, hex);
    rc = hub_store_requests_json(ctx->store, &pending, err);
    if (!rc && json_array_size(pending) >= HUB_ENROL_MAX_PENDING) {
      if (!key_pending(pending, hex))
        rc = cm_errf(err, CM_ERR_BUSY,
                     "已有 %d 个登记申请在等待：请上级操作员先批准或清理，再试", HUB_ENROL_MAX_PENDING);
    }
    json_decref(pending);
  }
  if (!rc && !found) {
    rc = hub_store_request_put(ctx->store, key, name, street, code, role, cm_now_ms(),
                               request_id_out, err);
    if (!rc) {
      char fp[PROTO_FINGERPRINT_LEN];
      proto_fingerprint(key, fp);
      cm_info("enrolment request %lld from '%s' (%s)", (long long)*request_id_out, name, fp);
    }
  }
  if (!rc)
    rc = hub_store_commit(ctx->store, err);
  else
    hub_store_rollback(ctx->store);
unlock:
  pthread_mutex_unlock(&ctx->lock);
  return rc;
}

int hub_enroll_known(hub_ctx *ctx, const uint8_t key[PROTO_KEY_BYTES]) {
  hub_author a;
  json_t *pending = NULL;
  char hex[PROTO_KEY_HEX];
  int found = 0;
  cm_err err;
  cm_err_clear(&err);
  proto_key_hex(key, hex);
  pthread_mutex_lock(&ctx->lock);
  if (hub_store_author_get(ctx->store, key, &a, &found, &err)) found = 0;
  if (!found && hub_store_requests_json(ctx->store, &pending, &err) == CM_OK)
    found = key_pending(pending, hex);
  pthread_mutex_unlock(&ctx->lock);
  json_decref(pending);
  return found;
}

cm_rc hub_enroll_requests(hub_ctx *ctx, json_t **out, cm_err *err) {
  cm_rc rc;
  pthread_mutex_lock(&ctx->lock);
  rc = hub_store_requests_json(ctx->store, out, err);
  pthread_mutex_unlock(&ctx->lock);
  return rc;
}

cm_rc hub_enroll_approve(hub_ctx *ctx, int64_t id, const uint8_t *replaces, uint64_t *valid_out,
                         uint64_t *seq_out, cm_err *err) {
  hub_request r;
  int found = 0;
  uint64_t valid = 0;
  cm_rc rc;
  pthread_mutex_lock(&ctx->lock);
  rc = hub_store_request_get(ctx->store, id, &r, &found, err);
  if (!rc && (!found || strcmp(r.status, "pending") != 0))
    rc = cm_errf(err, CM_ERR_NOT_FOUND, "没有待批准的第 %lld 号登记申请（见 enroll-requests）",
                 (long long)id);
  if (!rc) rc = enroll_locked(ctx, r.key, r.name, r.code, replaces, &valid, seq_out, err);
  pthread_mutex_unlock(&ctx->lock);
  if (!rc && valid_out) *valid_out = valid;
  return rc;
}

cm_rc hub_enroll_replaceable(hub_ctx *ctx, const char *code, json_t **out, cm_err *err) {
  json_t *all = NULL, *row;
  size_t i;
  *out = json_array();
  if (!*out) return cm_errf(err, CM_ERR_NOMEM, "内存不足");
  if (ctx->role != HUB_ROLE_STREET) return CM_OK;
  pthread_mutex_lock(&ctx->lock);
  cm_rc rc = hub_store_replaceable_json(ctx->store, ctx->kp.pk, &all, err);
  pthread_mutex_unlock(&ctx->lock);
  json_array_foreach(all, i, row) {
    const char *c = json_string_value(json_object_get(row, "code"));
    if (!rc && (!code || (c && !strcmp(c, code))))
      json_array_append(*out, row);
  }
  json_decref(all);
  return rc;
}

cm_rc hub_upstream_cursor(hub_ctx *ctx, uint64_t *cursor_out, cm_err *err) {
  char buf[32];
  int found = 0;
  cm_rc rc;
  *cursor_out = 0;
  pthread_mutex_lock(&ctx->lock);
  rc = hub_store_config_get(ctx->store, HUB_CONFIG_UPSTREAM_CURSOR, buf, sizeof buf, &found, err);
  pthread_mutex_unlock(&ctx->lock);
  if (!rc && found) *cursor_out = strtoull(buf, NULL, 10);
  return rc;
}

cm_rc hub_upstream_feed_store(hub_ctx *ctx, const proto_feed_item *items, size_t n,
                              uint64_t next_cursor, cm_err *err) {
  char buf[32];
  uint64_t now = cm_now_ms();
  cm_rc rc;
  pthread_mutex_lock(&ctx->lock);
  rc = hub_store_begin(ctx->store, err);
  for (size_t i = 0; !rc && i < n; i++) {
    uint8_t *bytes = NULL;
    size_t len = 0;
    rc = proto_sentry_encode(&items[i].entry, &bytes, &len);
    if (rc)
      cm_errf(err, rc, "无法编码一条下发记录：%s", cm_strerror(rc));
    else
      rc = hub_store_upfeed_add(ctx->store, items[i].cursor, bytes, len, now, err);
    free(bytes);
  }
  if (!rc) {
    snprintf(buf, sizeof buf, "%llu", (unsigned long long)next_cursor);
    rc = hub_store_config_set(ctx->store, HUB_CONFIG_UPSTREAM_CURSOR, buf, err);
  }
  if (!rc && n) CM_FAILPOINT("feed.store.before_commit");
  if (!rc)
    rc = hub_store_commit(ctx->store, err);
  else
    hub_store_rollback(ctx->store);
  pthread_mutex_unlock(&ctx->lock);
  return rc;
}
