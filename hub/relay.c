/* relay.c - district decisions re-issued by the street to its communities. */
#include "relay.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/codec.h"
#include "../common/failpoint.h"
#include "../common/json.h"
#include "../common/log.h"
#include "../common/records.h"
#include "hublog.h"
#include "review.h"
#include "store.h"

/* The items after the cursor, copied out of SQLite (the relay writes while
 * it walks them). */
typedef struct relay_item {
  uint64_t cursor;
  uint8_t *bytes;
  size_t len;
} relay_item;

typedef struct relay_list {
  relay_item *items;
  size_t n, cap;
} relay_list;

/* At most this many items per call; the next call goes on from the cursor. */
#define RELAY_MAX_ITEMS 1000u

static cm_rc gather(void *vctx, uint64_t cursor, const uint8_t *bytes, size_t len, cm_err *err) {
  relay_list *l = vctx;
  if (l->n >= RELAY_MAX_ITEMS) return CM_OK;
  if (l->n == l->cap) {
    size_t ncap = l->cap ? l->cap * 2 : 16;
    relay_item *ni = realloc(l->items, ncap * sizeof *ni);
    if (!ni) return cm_errf(err, CM_ERR_NOMEM, "转发时内存不足");
    l->items = ni;
    l->cap = ncap;
  }
  uint8_t *copy = malloc(len ? len : 1);
  if (!copy) return cm_errf(err, CM_ERR_NOMEM, "转发时内存不足");
  if (len) memcpy(copy, bytes, len);
  l->items[l->n].cursor = cursor;
  l->items[l->n].bytes = copy;
  l->items[l->n].len = len;
  l->n++;
  return CM_OK;
}

/* Relay one item, lock held and transaction open; *done_out 1 when an entry
 * was appended. */
static cm_rc relay_one(hub_ctx *ctx, const relay_item *it, int *done_out, cm_err *err) {
  proto_entry e;
  json_t *body = NULL;
  char *b64 = NULL;
  char rec[PROTO_KEY_HEX + 24];
  uint8_t to[PROTO_KEY_BYTES];
  hub_author a;
  int found = 0;
  cm_err e1;
  cm_rc rc = CM_OK;

  *done_out = 0;
  cm_err_clear(&e1);
  /* Verified again: the bytes sat in our database since the pull. */
  if (proto_sentry_decode(it->bytes, it->len, ctx->has_upstream_key ? ctx->upstream_key : NULL,
                          &e, &e1) != CM_OK) {
    cm_warn("relay: skipping upstream feed item %" PRIu64 ": %s", it->cursor, e1.msg);
    return CM_OK;
  }
  if (strcmp(e.kind, "hub.enrolled") == 0) return CM_OK;
  if (cm_json_parse_object(e.body, e.body_len, &body, NULL)) return CM_OK;
  const char *to_hex = json_string_value(json_object_get(body, "to"));
  /* A district list, limit or training goes to every community (addressed to
   * all, hublog.c). */
  int all = cm_rec_to_all(e.kind);
  if (!all && (!to_hex || proto_key_from_hex(to_hex, to))) goto out;
  if (!all) rc = hub_store_author_get(ctx->store, to, &a, &found, err);
  /* Only our own communities: anything else stays with us as proof. */
  if (!all && (rc || !found || strcmp(a.role, "community") != 0 || !a.has_enrolled_by ||
               memcmp(a.enrolled_by, ctx->kp.pk, PROTO_KEY_BYTES) != 0))
    goto out;
  b64 = malloc(cm_b64_encoded_size(it->len));
  if (!b64) {
    rc = cm_errf(err, CM_ERR_NOMEM, "转发时内存不足");
    goto out;
  }
  cm_b64_encode(it->bytes, it->len, b64);
  hub_record_id(e.author, e.seq, rec, sizeof rec);
  json_object_set_new(body, "origin", json_string(b64));
  json_object_set_new(body, "origin_record", json_string(rec));
  rc = hub_log_append_locked(ctx, e.kind, body, NULL, err);
  if (!rc) *done_out = 1;
out:
  free(b64);
  json_decref(body);
  return rc;
}

cm_rc hub_relay(hub_ctx *ctx, unsigned *n_out, cm_err *err) {
  relay_list l;
  char buf[32];
  int found = 0;
  unsigned n = 0;
  uint64_t cursor = 0;
  cm_rc rc;

  memset(&l, 0, sizeof l);
  if (n_out) *n_out = 0;
  if (ctx->role != HUB_ROLE_STREET) return CM_OK;
  pthread_mutex_lock(&ctx->lock);
  rc = hub_store_begin(ctx->store, err);
  if (rc) goto unlock;
  rc = hub_store_config_get(ctx->store, HUB_CONFIG_RELAY_CURSOR, buf, sizeof buf, &found, err);
  if (!rc && found) cursor = strtoull(buf, NULL, 10);
  if (!rc) rc = hub_store_upfeed_foreach(ctx->store, cursor, gather, &l, err);
  for (size_t i = 0; !rc && i < l.n; i++) {
    int done = 0;
    rc = relay_one(ctx, &l.items[i], &done, err);
    n += (unsigned)done;
    if (!rc) cursor = l.items[i].cursor;
  }
  if (!rc && l.n) {
    snprintf(buf, sizeof buf, "%" PRIu64, cursor);
    rc = hub_store_config_set(ctx->store, HUB_CONFIG_RELAY_CURSOR, buf, err);
  }
  if (!rc && l.n) CM_FAILPOINT("relay.before_commit");
  if (!rc)
    rc = hub_store_commit(ctx->store, err);
  else
    hub_store_rollback(ctx->store);
unlock:
  pthread_mutex_unlock(&ctx->lock);
  for (size_t i = 0; i < l.n; i++) free(l.items[i].bytes);
  free(l.items);
  if (!rc && n) cm_info("relay: %u district decision(s) re-issued to communities", n);
  if (!rc && n_out) *n_out = n;
  return rc;
}
