/* restore.h - never fork: a node set up on a new PC with the community's key, or
 * restored from an old copy of its directory, fetches back from the hub what the
 * hub holds of its log before it appends anything. */
#ifndef LINLI_NODE_RESTORE_H
#define LINLI_NODE_RESTORE_H

#include <stdint.h>

#include "../common/http_client.h"
#include "../common/rc.h"
#include "node.h"

/* Fetch the hub's copy of this node's log after the local head, up to hub_seq,
 * verify every changeset (our signature, chain) and append the entries.  An
 * entry the hub holds that differs from the local one is CM_ERR_CONFLICT (the
 * logs have forked: nothing is changed). */
cm_rc node_fetch_back(node_ctx *ctx, const char *hub_url, uint64_t hub_seq,
                      const cm_client_opts *opts, cm_err *err);

/* Fork resolution (docs/decisions/0004-node-fork-reappend.md).  After the
 * street operator resolved a fork of this node's log (a fork.resolved entry in
 * the feed named the kept head's hash, kept in meta "fork_keep"): fetch the
 * kept chain from the hub, move the local entries after the point where the
 * chains part into the `dropped` table (kept as evidence), adopt the kept
 * chain, and re-append, as new entries with new sequence numbers after the
 * kept head, every dropped entry whose kind and body the kept chain does not
 * hold already (a filing or activity whose ID the kept chain used for another
 * record gets the next free ID, and the re-appended records that refer to it
 * follow).  One transaction; the projection is rebuilt.  CM_ERR_CONFLICT when
 * no resolution is known or the hub does not hold the kept head; *reappended_out
 * (may be NULL) gets the number of entries re-appended. */
cm_rc node_fork_adopt(node_ctx *ctx, const char *hub_url, const cm_client_opts *opts,
                      uint64_t *reappended_out, cm_err *err);

/* Where this node's log and the hub's copy of it part: fetch the hub's chain up
 * to the entry hashed hub_head (its head receipt) and compare.  *seq_out gets
 * the first sequence whose entries differ, or 0 when the logs agree. */
cm_rc node_fork_point(node_ctx *ctx, const char *hub_url, const cm_client_opts *opts,
                      const uint8_t hub_head[PROTO_HASH_BYTES], uint64_t *seq_out, cm_err *err);

/* As node_fork_adopt, with the hub's changesets of this log already fetched
 * (a bundle, as GET /api/v1/log/{key}?after=0 returns): for tests and the USB
 * path. */
cm_rc node_fork_adopt_bundle(node_ctx *ctx, const uint8_t *bundle, size_t len,
                             uint64_t *reappended_out, cm_err *err);

#endif
