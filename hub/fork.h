/* fork.h - resolving a quarantined author (issue 5).  A fork (two different
 * entries of one author at one sequence) quarantines the author and keeps both
 * versions (hub/ingest.c).  The operator chooses the chain to keep by the hash
 * of one of its entries: keeping the held chain changes no entry; keeping the
 * other replaces the held entries from where the other branch starts (the
 * held changesets and the evidence stay stored) and rebuilds the projection.
 * Either way the author is released and a `fork.resolved` entry addressed to
 * it tells the node the kept head, after which it re-appends what it still
 * needs. */
#ifndef LINLI_HUB_FORK_H
#define LINLI_HUB_FORK_H

#include <jansson.h>
#include <stdint.h>

#include "../common/rc.h"
#include "hub.h"

/* Fork evidence, oldest first: {"id", "author", "name", "seq", "time_ms",
 * "via", "quarantined", "held": {"hash" (our entry at seq), "head_seq",
 * "head"}, "other": {"first_seq", "last_seq", "hashes": [hex of each entry]}}.
 * New reference in *out. */
cm_rc hub_fork_list(hub_ctx *ctx, json_t **out, cm_err *err);

/* Resolve author's latest fork keeping the chain that holds the entry hashed
 * keep (64 hex digits).  CM_ERR_INVALID when the author is not quarantined,
 * CM_ERR_NOT_FOUND when keep names neither branch, CM_ERR_CONFLICT when the
 * other branch does not join the held chain (the node must send its whole
 * branch).  *seq_out (may be NULL) gets the fork.resolved entry's sequence. */
cm_rc hub_fork_resolve(hub_ctx *ctx, const uint8_t author[PROTO_KEY_BYTES], const char *keep,
                       const char *operator_name, uint64_t *seq_out, cm_err *err);

#endif
