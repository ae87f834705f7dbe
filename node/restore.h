/* restore.h - never fork: a node set up on a new PC with the community's key, or
 * restored from an old copy of its directory, fetches back from the hub what the
 * hub holds of its log before it appends anything. */
#ifndef LINLI_NODE_RESTORE_H
#define LINLI_NODE_RESTORE_H

#include <stdint.h>

#include "../common/http_client.h"
#include "../common/rc.h"
#include "node.h"

/* `linli-node --dir DIR restore --hub URL --key KEYFILE`: create DIR with the key
 * from KEYFILE (or reopen an existing DIR holding the same key), fetch back the
 * log the hub holds, and pull the decisions feed.  *head_out (may be NULL) gets
 * the local head afterwards. */
cm_rc node_restore(const char *dir, const char *hub_url, const char *keyfile,
                   uint64_t *head_out, cm_err *err);

/* Fetch the hub's copy of this node's log after the local head, up to hub_seq,
 * verify every changeset (our signature, chain) and append the entries.  An
 * entry the hub holds that differs from the local one is CM_ERR_CONFLICT (the
 * logs have forked: nothing is changed). */
cm_rc node_fetch_back(node_ctx *ctx, const char *hub_url, uint64_t hub_seq,
                      const cm_client_opts *opts, cm_err *err);

#endif
