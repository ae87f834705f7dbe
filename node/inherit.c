/* inherit.c - the predecessor's log, fetched back for a replacement key. */
#include "inherit.h"

#include <stdlib.h>
#include <string.h>

#include "../common/json.h"
#include "../common/log.h"
#include "../common/upstream.h"
#include "../protocol/bundle.h"
#include "../protocol/changeset.h"
#include "project.h"
#include "store.h"

/* Rounds of at most 64 MiB each: a community's log is far smaller. */
#define INHERIT_MAX_ROUNDS 1000

cm_rc node_inherit_learn(node_ctx *ctx, const json_t *body, cm_err *err) {
  const char *old = json_string_value(json_object_get(body, "replaces"));
  const char *key = json_string_value(json_object_get(body, "key"));
  uint8_t k[PROTO_KEY_BYTES], n[PROTO_KEY_BYTES];
  char me[PROTO_KEY_HEX], name[16 + PROTO_KEY_HEX];
  if (!old || !key || strlen(old) != 2 * PROTO_KEY_BYTES || proto_key_from_hex(old, k) != CM_OK ||
      strlen(key) != 2 * PROTO_KEY_BYTES || proto_key_from_hex(key, n) != CM_OK ||
      memcmp(k, ctx->kp.pk, PROTO_KEY_BYTES) == 0 || memcmp(k, n, PROTO_KEY_BYTES) == 0)
    return CM_OK;
  proto_key_hex(ctx->kp.pk, me);
  /* ours: the key we replace; an earlier key's: the one before it
   * (store_lineage follows them) */
  if (!strcmp(key, me)) return store_meta_set(ctx, "replaces", old, err);
  snprintf(name, sizeof name, "replaces.%s", key);
  return store_meta_set(ctx, name, old, err);
}

typedef struct take_job {
  const uint8_t *author;
  const proto_changeset *cs;
  uint64_t added;
} take_job;

/* Inside a transaction: the entries of one changeset that continue what is
 * held, kept (projected by the rebuild that follows). */
static cm_rc take_tx(node_ctx *ctx, void *arg, cm_err *err) {
  take_job *j = arg;
  const proto_changeset *cs = j->cs;
  uint64_t head = 0;
  uint8_t hh[PROTO_HASH_BYTES];
  cm_rc rc = store_inherited_head(ctx, j->author, &head, hh, err);
  for (size_t i = 0; !rc && i < cs->n; i++) {
    const proto_entry *e = &cs->entries[i];
    uint8_t held[PROTO_HASH_BYTES];
    if (e->seq <= head) {
      if (!store_inherited_hash(ctx, j->author, e->seq, held) ||
          memcmp(held, cs->hashes[i], PROTO_HASH_BYTES) != 0)
        rc = cm_errf(err, CM_ERR_CONFLICT, "街道分会发来的原电脑台账第 %llu 条与已取回的不同；什么也没有改变",
                     (unsigned long long)e->seq);
      continue;
    }
    if (e->seq != head + 1 || memcmp(e->prev, hh, PROTO_HASH_BYTES) != 0) {
      rc = cm_errf(err, CM_ERR_CONFLICT, "街道分会发来的原电脑台账在第 %llu 条断开；什么也没有改变",
                   (unsigned long long)e->seq);
      break;
    }
    size_t len = proto_entry_encoded_len(e);
    uint8_t *raw = malloc(len);
    if (!raw) rc = cm_errf(err, CM_ERR_NOMEM, "内存不足");
    if (!rc) rc = proto_entry_encode(e, raw, len, &len);
    if (!rc) rc = store_inherited_add(ctx, j->author, e->seq, cs->hashes[i], raw, len, err);

    free(raw);
    if (!rc) {
      head = e->seq;
      memcpy(hh, cs->hashes[i], PROTO_HASH_BYTES);
      j->added++;
    }
  }
  return rc;
}

/* Fetch what the street holds of author's log beyond what is held here;
 * *added_out the entries added. */
static cm_rc fetch_one(node_ctx *ctx, const char *hub_url, const cm_client_opts *opts,
                       const uint8_t author[PROTO_KEY_BYTES], uint64_t *added_out, cm_err *err) {
  uint8_t hh[PROTO_HASH_BYTES];
  uint64_t added = 0;
  cm_rc rc = CM_OK;
  for (int round = 0; !rc && round < INHERIT_MAX_ROUNDS; round++) {
    uint8_t *buf = NULL;
    size_t len = 0, n = 0;
    proto_span *spans = NULL;
    uint64_t head = 0, before = added;
    rc = store_inherited_head(ctx, author, &head, hh, err);
    if (!rc) rc = cm_upstream_log_of(hub_url, author, head, opts, &buf, &len, err);
    if (!rc) rc = proto_bundle_split(buf, len, &spans, &n, err);
    for (size_t i = 0; !rc && i < n; i++) {
      proto_changeset cs;
      memset(&cs, 0, sizeof cs);
      rc = proto_changeset_decode(spans[i].p, spans[i].len, &cs, NULL, err);
      if (!rc && memcmp(cs.h.author, author, PROTO_KEY_BYTES) != 0)
        rc = cm_errf(err, CM_ERR_CONFLICT, "街道分会发来的不是原电脑的台账");
      take_job j = {author, &cs, 0};
      if (!rc) rc = store_tx(ctx, take_tx, &j, err);
      added += j.added;
      proto_changeset_free(&cs);
    }
    free(spans);
    free(buf);
    if (!rc && (n == 0 || added == before)) break;
  }
  *added_out = added;
  return rc;
}

cm_rc node_inherit_fetch(node_ctx *ctx, const char *hub_url, const cm_client_opts *opts,
                         uint64_t *added_out, cm_err *err) {
  uint8_t keys[STORE_LINEAGE_MAX][PROTO_KEY_BYTES];
  uint64_t added = 0;
  cm_rc rc = CM_OK;
  if (added_out) *added_out = 0;
  /* every earlier key of the community (a PC lost twice: both logs) */
  size_t n = store_lineage(ctx, keys);
  for (size_t g = 0; !rc && g < n; g++) {
    uint64_t one = 0;
    rc = fetch_one(ctx, hub_url, opts, keys[g], &one, err);
    added += one;
  }
  /* The whole projection again: the street's reviews of these entries came
   * before them in the feed, and only now have entries to bind to. */
  if (!rc && added) rc = project_rebuild(ctx, err);
  if (!rc && added)
    cm_info("已从街道分会取回原电脑的 %llu 条记录（本社区的组织、月报和活动）",
            (unsigned long long)added);
  if (added_out) *added_out = added;
  return rc;
}
