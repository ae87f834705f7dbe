/* restore.c - fetching a node's own log back from its hub. */
#include "restore.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../common/keyfile.h"
#include "../common/upstream.h"
#include "../common/log.h"
#include "../protocol/bundle.h"
#include "../protocol/changeset.h"
#include "journal.h"
#include "store.h"
#include "sync.h"

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

cm_rc node_restore(const char *dir, const char *hub_url, const char *keyfile,
                   uint64_t *head_out, cm_err *err) {
  proto_keypair kp;
  node_ctx *ctx = NULL;
  char dbpath[1100];
  struct stat sb;
  uint8_t hash[PROTO_HASH_BYTES];
  memset(&kp, 0, sizeof kp);
  cm_rc rc = cm_keyfile_read(keyfile, &kp, err);
  if (rc) goto out;
  snprintf(dbpath, sizeof dbpath, "%s/node.db", dir);
  if (stat(dbpath, &sb) == 0) {
    rc = node_open(dir, &ctx, err);
    if (!rc && memcmp(ctx->kp.pk, kp.pk, PROTO_KEY_BYTES) != 0)
      rc = cm_errf(err, CM_ERR_KEYFILE, "%s holds another community's key than %s", dir, keyfile);
    if (!rc) rc = store_meta_set(ctx, "hub_url", hub_url, err);
  } else {
    /* Names and code come back with the hub's enrolment entry in the feed. */
    node_init_opts o = {"(restored)", "(restored)", hub_url, NULL, NULL};
    rc = node_init_with_key(dir, &o, &kp, err);
    if (!rc) rc = node_open(dir, &ctx, err);
    if (!rc) rc = store_meta_set(ctx, "restored", "1", err);
  }
  if (rc) goto out;
  /* A pass of sync fetches back first (it compares heads before it pushes). */
  rc = node_sync_once(ctx, err);
  if (!rc && head_out) rc = store_log_head(ctx, head_out, hash, err);
out:
  node_close(ctx);
  proto_keypair_wipe(&kp);
  return rc;
}
