/* inherit.h - a replacement key's predecessor: when the street enrolled this
 * node's key to replace the community's lost, stolen or broken PC (its
 * hub.enrolled entry names "replaces"), the node fetches that key's log from
 * the street, verifies every changeset and chain link, keeps it apart from
 * its own log (which starts at 1 under its own key: no fork) and shows its
 * organisations, reports and activities as the community's
 * (docs/decisions/0048-replacement-key.md). */
#ifndef LINLI_NODE_INHERIT_H
#define LINLI_NODE_INHERIT_H

#include <jansson.h>
#include <stdint.h>

#include "../common/http_client.h"
#include "node.h"

/* Fetch what the street holds of each earlier key's log (store_lineage: the
 * key this one replaces, the key that one replaced, ...) beyond what is held
 * here, verified and projected; nothing when this key replaced none.  *added_out (may be NULL) the entries added.  A changeset
 * by another author, a bad signature or a broken chain: CM_ERR_CONFLICT or
 * the protocol's error, and nothing of that answer kept. */
cm_rc node_inherit_fetch(node_ctx *ctx, const char *hub_url, const cm_client_opts *opts,
                         uint64_t *added_out, cm_err *err);

/* Note from a hub.enrolled entry (body) of ours, or of an earlier key of
 * ours, the key it replaces, if any (store_lineage reads them). */
cm_rc node_inherit_learn(node_ctx *ctx, const json_t *body, cm_err *err);

#endif
