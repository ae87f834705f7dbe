/* diverge.c - forks between a street and its district (diverge.h). */
#include "diverge.h"

#include <stdlib.h>
#include <string.h>

#include "../common/clock.h"
#include "../common/log.h"
#include "../protocol/bundle.h"
#include "../protocol/changeset.h"
#include "store.h"

int hub_diverge_may_read(hub_ctx *ctx, const uint8_t caller[PROTO_KEY_BYTES],
                         const uint8_t author[PROTO_KEY_BYTES]) {
  hub_author c, a;
  int fc = 0, fa = 0;
  if (ctx->role != HUB_ROLE_DISTRICT) return 0;
  pthread_mutex_lock(&ctx->lock);
  cm_rc rc = hub_store_author_get(ctx->store, caller, &c, &fc, NULL);
  if (!rc) rc = hub_store_author_get(ctx->store, author, &a, &fa, NULL);
  pthread_mutex_unlock(&ctx->lock);
  return !rc && fc && fa && !c.revoked && !strcmp(c.role, "street") && a.street[0] &&
         !strcmp(a.street, c.name);
}

int hub_diverge_quarantined(hub_ctx *ctx, const uint8_t author[PROTO_KEY_BYTES]) {
  hub_author a;
  int found = 0;
  pthread_mutex_lock(&ctx->lock);
  cm_rc rc = hub_store_author_get(ctx->store, author, &a, &found, NULL);
  pthread_mutex_unlock(&ctx->lock);
  return !rc && found && a.quarantined;
}

cm_rc hub_diverge_record(hub_ctx *ctx, const uint8_t author[PROTO_KEY_BYTES], uint64_t seq,
                         const uint8_t *bundle, size_t len, cm_err *err) {
  proto_span *spans = NULL, other = {NULL, 0};
  size_t n = 0;
  uint8_t *held = NULL;
  size_t held_len = 0;
  int64_t held_id = 0;
  int have = 0, in_tx = 0;
  cm_rc rc = proto_bundle_split(bundle, len, &spans, &n, err);
  for (size_t i = 0; !rc && i < n && !other.p; i++) {
    proto_changeset cs;
    memset(&cs, 0, sizeof cs);
    cm_err e;
    if (proto_changeset_decode(spans[i].p, spans[i].len, &cs, NULL, &e) == CM_OK &&
        !memcmp(cs.h.author, author, PROTO_KEY_BYTES) && cs.h.first_seq <= seq &&
        seq <= cs.h.last_seq)
      other = spans[i];
    proto_changeset_free(&cs);
  }
  if (!rc && !other.p)
    rc = cm_errf(err, CM_ERR_INVALID, "区协会的台账里没有含第 %llu 条的有效上报包",
                 (unsigned long long)seq);
  if (rc) goto out;
  pthread_mutex_lock(&ctx->lock);
  rc = hub_store_entry_changeset(ctx->store, author, seq, &held_id, &have, err);
  if (!rc && !have)
    rc = cm_errf(err, CM_ERR_NOT_FOUND, "本级没有第 %llu 条记录",
                 (unsigned long long)seq);
  if (!rc) rc = hub_store_changeset_bytes(ctx->store, held_id, &held, &held_len, err);
  if (!rc) rc = hub_store_begin(ctx->store, err);
  if (!rc) in_tx = 1;
  if (!rc) rc = hub_store_author_quarantine(ctx->store, author, err);
  if (!rc)
    rc = hub_store_fork_add(ctx->store, author, seq, held, held_len, other.p, other.len,
                            cm_now_ms(), "district", err);
  if (!rc)
    rc = hub_store_commit(ctx->store, err);
  else if (in_tx)
    hub_store_rollback(ctx->store);
  pthread_mutex_unlock(&ctx->lock);
out:
  free(held);
  free(spans);
  return rc;
}
