/* restore.c - fetching a node's own log back from its hub. */
#include "restore.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/codec.h"
#include "../common/json.h"
#include "../common/upstream.h"
#include "../common/log.h"
#include "../protocol/bundle.h"
#include "../protocol/changeset.h"
#include "journal.h"
#include "project.h"
#include "records.h"
#include "store.h"

typedef struct adopt_job {
  const proto_changeset *cs;
} adopt_job;

/* Inside a transaction: compare what we hold, append what we lack. */
static cm_rc adopt_tx(node_ctx *ctx, void *arg, cm_err *err) {
  adopt_job *j = arg;
  const proto_changeset *cs = j->cs;
  cm_rc rc = CM_OK;
  for (size_t i = 0; !rc && i < cs->n; i++) {
    const proto_entry *e = &cs->entries[i];
    uint8_t held[PROTO_HASH_BYTES];
    if (store_log_hash(ctx, e->seq, held)) {
      if (memcmp(held, cs->hashes[i], PROTO_HASH_BYTES) != 0)
        rc = cm_errf(err, CM_ERR_CONFLICT,
                     "the hub holds a different entry %llu of this node's log than this "
                     "directory: the logs have forked; nothing was changed. Ask the street "
                     "operator before writing anything", (unsigned long long)e->seq);
      continue;
    }
    size_t len = proto_entry_encoded_len(e);
    uint8_t *raw = malloc(len);
    if (!raw) {
      rc = cm_errf(err, CM_ERR_NOMEM, "out of memory");
      break;
    }
    rc = proto_entry_encode(e, raw, len, &len);
    if (!rc) rc = journal_adopt_in_tx(ctx, raw, len, err);
    free(raw);
  }
  return rc;
}

cm_rc node_fetch_back(node_ctx *ctx, const char *hub_url, uint64_t hub_seq,
                      const cm_client_opts *opts, cm_err *err) {
  cm_rc rc = CM_OK;
  uint8_t hash[PROTO_HASH_BYTES];
  uint64_t head = 0;
  /* Each answer is at most 64 MiB; a bounded number of rounds covers any log
   * while a hub that keeps sending nothing new cannot loop us forever. */
  for (int round = 0; round < 1000; round++) {
    uint8_t *buf = NULL;
    size_t len = 0, n = 0;
    proto_span *spans = NULL;
    rc = store_log_head(ctx, &head, hash, err);
    if (rc || head >= hub_seq) break;
    rc = cm_upstream_log(hub_url, head, opts, &buf, &len, err);
    if (!rc) rc = proto_bundle_split(buf, len, &spans, &n, err);
    uint64_t before = head;
    for (size_t i = 0; !rc && i < n; i++) {
      proto_changeset cs;
      memset(&cs, 0, sizeof cs);
      rc = proto_changeset_decode(spans[i].p, spans[i].len, &cs, NULL, err);
      if (!rc && memcmp(cs.h.author, ctx->kp.pk, PROTO_KEY_BYTES) != 0)
        rc = cm_errf(err, CM_ERR_CONFLICT, "the hub returned a changeset by another author");
      adopt_job j = {&cs};
      if (!rc) rc = journal_tx(ctx, adopt_tx, &j, err);
      proto_changeset_free(&cs);
    }
    free(spans);
    free(buf);
    if (rc) break;
    if (n == 0) break;
    rc = store_log_head(ctx, &head, hash, err);
    if (!rc && head == before) {
      rc = cm_errf(err, CM_ERR_HTTP, "the hub says it holds entry %llu but sent nothing after %llu",
                   (unsigned long long)hub_seq, (unsigned long long)head);
    }
    if (rc) break;
  }
  if (!rc && head < hub_seq)
    rc = cm_errf(err, CM_ERR_HTTP, "the hub holds %llu entries of this log but returned only %llu",
                 (unsigned long long)hub_seq, (unsigned long long)head);
  return rc;
}

/* ---- fork resolution ---- */

#define FORK_MAX_ROUNDS 1000

/* The chain the hub kept, entry i holding sequence i + 1, up to the kept head. */
typedef struct kept_chain {
  uint8_t **raw;
  size_t *len;
  uint8_t (*hash)[PROTO_HASH_BYTES];
  size_t n, cap;
  uint8_t keep[PROTO_HASH_BYTES];
  uint64_t keep_seq; /* 0 until the kept head is reached */
} kept_chain;

static void kept_free(kept_chain *kc) {
  for (size_t i = 0; i < kc->n; i++) free(kc->raw[i]);
  free(kc->raw);
  free(kc->len);
  free(kc->hash);
  memset(kc, 0, sizeof *kc);
}

static cm_rc kept_push(kept_chain *kc, const proto_entry *e, const uint8_t hash[PROTO_HASH_BYTES],
                       cm_err *err) {
  if (kc->n == kc->cap) {
    size_t cap = kc->cap ? kc->cap * 2 : 256;
    uint8_t **raw = realloc(kc->raw, cap * sizeof *raw);
    if (raw) kc->raw = raw;
    size_t *len = raw ? realloc(kc->len, cap * sizeof *len) : NULL;
    if (len) kc->len = len;
    uint8_t(*h)[PROTO_HASH_BYTES] = len ? realloc(kc->hash, cap * sizeof *h) : NULL;
    if (!h) return cm_errf(err, CM_ERR_NOMEM, "out of memory fetching the kept chain");
    kc->hash = h;
    kc->cap = cap;
  }
  size_t l = proto_entry_encoded_len(e);
  uint8_t *r = malloc(l);
  if (!r) return cm_errf(err, CM_ERR_NOMEM, "out of memory fetching the kept chain");
  cm_rc rc = proto_entry_encode(e, r, l, &l);
  if (rc) {
    free(r);
    return cm_errf(err, rc, "cannot encode entry %llu", (unsigned long long)e->seq);
  }
  kc->raw[kc->n] = r;
  kc->len[kc->n] = l;
  memcpy(kc->hash[kc->n], hash, PROTO_HASH_BYTES);
  kc->n++;
  if (!memcmp(hash, kc->keep, PROTO_HASH_BYTES)) kc->keep_seq = e->seq;
  return CM_OK;
}

/* Extend the kept chain with what a bundle holds.  The hub may also return the
 * dropped branch's changesets (kept there as evidence): a changeset that does
 * not continue the chain is skipped. */
static cm_rc kept_take(node_ctx *ctx, kept_chain *kc, const uint8_t *buf, size_t len,
                       cm_err *err) {
  proto_span *spans = NULL;
  size_t n = 0;
  cm_rc rc = proto_bundle_split(buf, len, &spans, &n, err);
  for (size_t i = 0; !rc && i < n && !kc->keep_seq; i++) {
    proto_changeset cs;
    memset(&cs, 0, sizeof cs);
    rc = proto_changeset_decode(spans[i].p, spans[i].len, &cs, NULL, err);
    if (!rc && memcmp(cs.h.author, ctx->kp.pk, PROTO_KEY_BYTES) != 0)
      rc = cm_errf(err, CM_ERR_CONFLICT, "the hub returned a changeset by another author");
    for (size_t k = 0; !rc && k < cs.n && !kc->keep_seq; k++) {
      const proto_entry *e = &cs.entries[k];
      if (e->seq <= kc->n) {
        if (memcmp(kc->hash[e->seq - 1], cs.hashes[k], PROTO_HASH_BYTES) != 0) break;
        continue;
      }
      static const uint8_t zero[PROTO_HASH_BYTES];
      const uint8_t *want = kc->n ? kc->hash[kc->n - 1] : zero;
      if (e->seq != kc->n + 1 || memcmp(e->prev, want, PROTO_HASH_BYTES) != 0) break;
      rc = kept_push(kc, e, cs.hashes[k], err);
    }
    proto_changeset_free(&cs);
  }
  free(spans);
  return rc;
}

/* Local entries from the fork point on, copied out before they are dropped. */
typedef struct local_copy {
  uint8_t **raw;
  size_t *len;
  uint64_t *seq;
  size_t n, cap;
} local_copy;

static cm_rc copy_entry(void *arg, uint64_t seq, const uint8_t *raw, size_t len, cm_err *err) {
  local_copy *c = arg;
  if (c->n == c->cap) {
    size_t cap = c->cap ? c->cap * 2 : 64;
    uint8_t **r = realloc(c->raw, cap * sizeof *r);
    if (r) c->raw = r;
    size_t *l = r ? realloc(c->len, cap * sizeof *l) : NULL;
    if (l) c->len = l;
    uint64_t *s = l ? realloc(c->seq, cap * sizeof *s) : NULL;
    if (!s) return cm_errf(err, CM_ERR_NOMEM, "out of memory");
    c->seq = s;
    c->cap = cap;
  }
  c->raw[c->n] = malloc(len ? len : 1);
  if (!c->raw[c->n]) return cm_errf(err, CM_ERR_NOMEM, "out of memory");
  memcpy(c->raw[c->n], raw, len);
  c->len[c->n] = len;
  c->seq[c->n] = seq;
  c->n++;
  return CM_OK;
}

/* 1 when the kept entries from..K hold one with e's kind and body. */
static int kept_holds(const kept_chain *kc, uint64_t from, const proto_entry *e,
                      uint64_t *seq_out) {
  for (uint64_t q = from; q <= kc->keep_seq; q++) {
    proto_entry k;
    if (proto_entry_decode(kc->raw[q - 1], kc->len[q - 1], &k, NULL) != CM_OK) continue;
    if (!strcmp(k.kind, e->kind) && k.body_len == e->body_len &&
        !memcmp(k.body, e->body, e->body_len)) {
      *seq_out = q;
      return 1;
    }
  }
  return 0;
}

/* A free ID for a re-appended filing ("<code>-0001") or activity ("<code>-A0001"). */
static cm_rc free_id(node_ctx *ctx, const char *kind, char out[NODE_ID_MAX], cm_err *err) {
  char code[16];
  uint64_t n = 0;
  int activity = !strcmp(kind, "activity.declared");
  cm_rc rc = store_meta_get(ctx, "code", code, sizeof code, err);
  if (!rc) rc = store_log_count_kind(ctx, kind, &n, err);
  for (int tries = 0; !rc && tries < 100000; tries++) {
    n++;
    snprintf(out, NODE_ID_MAX, "%s-%s%04llu", code, activity ? "A" : "", (unsigned long long)n);
    int taken = 0;
    rc = store_id_taken(ctx, activity ? "activities" : "orgs", out, &taken, err);
    if (!rc && !taken) return CM_OK;
  }
  return rc ? rc : cm_errf(err, CM_ERR_CONFLICT, "no free ID for a re-appended %s", kind);
}

/* Re-append dropped entry e (a new sequence after the head), renaming an ID the
 * kept chain took for another record; renames maps old ID -> new ID. */
static cm_rc reappend(node_ctx *ctx, const proto_entry *e, json_t *renames, uint64_t *seq_out,
                      cm_err *err) {
  json_t *body = NULL;
  cm_rc rc = cm_json_parse_object(e->body, e->body_len, &body, err);
  if (rc) return rc;
  const char *id = json_string_value(json_object_get(body, "id"));
  int creates = !strcmp(e->kind, "org.filed") || !strcmp(e->kind, "activity.declared");
  if (creates && id) {
    int taken = 0;
    rc = store_id_taken(ctx, strcmp(e->kind, "org.filed") ? "activities" : "orgs", id, &taken,
                        err);
    if (!rc && taken) {
      char fresh[NODE_ID_MAX];
      rc = free_id(ctx, e->kind, fresh, err);
      if (!rc) {
        json_object_set_new(renames, id, json_string(fresh));
        json_object_set_new(body, "id", json_string(fresh));
      }
    }
  } else if (id && json_is_string(json_object_get(renames, id))) {
    json_object_set(body, "id", json_object_get(renames, id));
  }
  const char *org = json_string_value(json_object_get(body, "org"));
  if (!rc && org && json_is_string(json_object_get(renames, org)))
    json_object_set(body, "org", json_object_get(renames, org));
  if (!rc) rc = journal_append_in_tx(ctx, e->kind, body, seq_out, err);
  json_decref(body);
  return rc;
}

typedef struct fork_job {
  kept_chain *kc;
  uint64_t reappended;
} fork_job;

static cm_rc fork_tx(node_ctx *ctx, void *arg, cm_err *err) {
  fork_job *j = arg;
  kept_chain *kc = j->kc;
  uint64_t head = 0, p = 1, K = kc->keep_seq;
  uint8_t hh[PROTO_HASH_BYTES], held[PROTO_HASH_BYTES];
  local_copy lc;
  json_t *renames = json_object();
  memset(&lc, 0, sizeof lc);
  cm_rc rc = renames ? store_log_head(ctx, &head, hh, err) : CM_ERR_NOMEM;
  if (rc) goto out;
  while (p <= K && p <= head && store_log_hash(ctx, p, held) &&
         !memcmp(held, kc->hash[p - 1], PROTO_HASH_BYTES))
    p++;
  if (p <= head && p <= K) {
    /* The chains part at p: our entries from p on leave the log (kept in
     * `dropped`), the hub's kept ones take their place. */
    rc = store_log_each(ctx, p, 0, copy_entry, &lc, err);
    if (!rc) rc = store_log_drop_from(ctx, p, err);
  }
  /* Adopt the kept entries we do not hold (none when ours continue the kept head). */
  if (!rc) rc = store_log_head(ctx, &head, hh, err);
  for (uint64_t q = head + 1; !rc && q <= K; q++)
    rc = journal_adopt_in_tx(ctx, kc->raw[q - 1], kc->len[q - 1], err);
  if (!rc && lc.n) rc = project_rebuild_in_tx(ctx, err);
  for (size_t i = 0; !rc && i < lc.n; i++) {
    proto_entry e;
    uint64_t now_at = 0;
    rc = proto_entry_decode(lc.raw[i], lc.len[i], &e, err);
    if (!rc && !kept_holds(kc, p, &e, &now_at)) {
      rc = reappend(ctx, &e, renames, &now_at, err);
      if (!rc) j->reappended++;
    }
    if (!rc) rc = store_dropped_mark(ctx, lc.seq[i], now_at, err);
  }
  if (!rc) rc = store_meta_set(ctx, "fork_keep", "", err);
  /* The hub holds exactly the kept chain; everything after it goes up again. */
  if (!rc) rc = store_meta_set_u64(ctx, "acked_seq", K, err);
  if (!rc) rc = store_meta_set_u64(ctx, "pushed_seq", K, err);
out:
  for (size_t i = 0; i < lc.n; i++) free(lc.raw[i]);
  free(lc.raw);
  free(lc.len);
  free(lc.seq);
  json_decref(renames);
  return rc;
}

/* The kept head's hash from meta; CM_ERR_CONFLICT when no resolution is known. */
static cm_rc fork_keep(node_ctx *ctx, kept_chain *kc, cm_err *err) {
  char hex[2 * PROTO_HASH_BYTES + 1] = "";
  if (store_meta_get(ctx, "fork_keep", hex, sizeof hex, NULL) != CM_OK || !hex[0] ||
      cm_hex_decode(hex, strlen(hex), kc->keep, sizeof kc->keep) != CM_OK)
    return cm_errf(err, CM_ERR_CONFLICT,
                   "this node's log has forked and the street operator has not resolved it "
                   "yet (linli-hub fork resolve); nothing was changed");
  return CM_OK;
}

static cm_rc fork_finish(node_ctx *ctx, kept_chain *kc, uint64_t *reappended_out, cm_err *err) {
  fork_job j = {kc, 0};
  if (!kc->keep_seq)
    return cm_errf(err, CM_ERR_CONFLICT,
                   "the hub does not return the chain its operator kept; nothing was changed");
  cm_rc rc = journal_tx(ctx, fork_tx, &j, err);
  if (!rc) {
    cm_warn("fork resolved: adopted the hub's chain up to %llu, re-appended %llu entries",
            (unsigned long long)kc->keep_seq, (unsigned long long)j.reappended);
    if (reappended_out) *reappended_out = j.reappended;
  }
  return rc;
}

cm_rc node_fork_adopt_bundle(node_ctx *ctx, const uint8_t *bundle, size_t len,
                             uint64_t *reappended_out, cm_err *err) {
  kept_chain kc;
  memset(&kc, 0, sizeof kc);
  cm_rc rc = fork_keep(ctx, &kc, err);
  if (!rc) rc = kept_take(ctx, &kc, bundle, len, err);
  if (!rc) rc = fork_finish(ctx, &kc, reappended_out, err);
  kept_free(&kc);
  return rc;
}

/* Fetch the hub's chain of this log up to the entry hashed kc->keep.  From the
 * start of the log: the fork point is not known before the chains are
 * compared, and a node's log is small (a year of a community's reports is a
 * few thousand entries). */
static cm_rc fetch_chain(node_ctx *ctx, const char *hub_url, const cm_client_opts *opts,
                         kept_chain *kc, cm_err *err) {
  cm_rc rc = CM_OK;
  for (int round = 0; !rc && !kc->keep_seq && round < FORK_MAX_ROUNDS; round++) {
    uint8_t *buf = NULL;
    size_t len = 0, before = kc->n;
    rc = cm_upstream_log(hub_url, kc->n, opts, &buf, &len, err);
    if (!rc) rc = kept_take(ctx, kc, buf, len, err);
    free(buf);
    if (!rc && kc->n == before) break; /* nothing more continues the chain */
  }
  return rc;
}

cm_rc node_fork_adopt(node_ctx *ctx, const char *hub_url, const cm_client_opts *opts,
                      uint64_t *reappended_out, cm_err *err) {
  kept_chain kc;
  memset(&kc, 0, sizeof kc);
  cm_rc rc = fork_keep(ctx, &kc, err);
  if (!rc) rc = fetch_chain(ctx, hub_url, opts, &kc, err);
  if (!rc) rc = fork_finish(ctx, &kc, reappended_out, err);
  kept_free(&kc);
  return rc;
}

cm_rc node_fork_point(node_ctx *ctx, const char *hub_url, const cm_client_opts *opts,
                      const uint8_t hub_head[PROTO_HASH_BYTES], uint64_t *seq_out, cm_err *err) {
  kept_chain kc;
  uint64_t head = 0;
  uint8_t hh[PROTO_HASH_BYTES], held[PROTO_HASH_BYTES];
  memset(&kc, 0, sizeof kc);
  *seq_out = 0;
  memcpy(kc.keep, hub_head, PROTO_HASH_BYTES);
  cm_rc rc = fetch_chain(ctx, hub_url, opts, &kc, err);
  if (!rc) rc = store_log_head(ctx, &head, hh, err);
  if (!rc && !kc.keep_seq)
    rc = cm_errf(err, CM_ERR_HTTP, "the hub does not return the chain its head names");
  for (uint64_t q = 1; !rc && q <= head && q <= kc.keep_seq; q++) {
    if (!store_log_hash(ctx, q, held) || memcmp(held, kc.hash[q - 1], PROTO_HASH_BYTES) != 0) {
      *seq_out = q;
      break;
    }
  }
  kept_free(&kc);
  return rc;
}
