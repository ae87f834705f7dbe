/* project.h - the projection: the tables every listing reads, computed from the
 * log (and the decisions inbox).  The same functions run incrementally inside
 * each append transaction and over the whole log in `rebuild`, so the two
 * results are equal by construction; a test checks it anyway. */
#ifndef LINLI_NODE_PROJECT_H
#define LINLI_NODE_PROJECT_H

#include <jansson.h>
#include <stdint.h>

#include "store.h"

/* Apply one of this node's entries.  Unknown kinds are skipped (a newer node
 * may write kinds this one does not know). */
cm_rc project_entry(node_ctx *ctx, uint64_t seq, uint64_t time_ms, const char *kind,
                    const json_t *body, cm_err *err);

/* Apply entry seq of author, the earlier key gen of this community
 * (store_lineage; node/inherit.h): its organisations, reports and
 * activities, under rows of their own that never meet ours
 * (store_inherited_row). */
cm_rc project_inherited(node_ctx *ctx, unsigned gen, const uint8_t author[PROTO_KEY_BYTES],
                        uint64_t seq,
                        uint64_t time_ms, const char *kind, const json_t *body, cm_err *err);

/* One verified item of the decisions feed, as the inbox keeps it. */
typedef struct project_item {
  uint64_t cursor;     /* the street's feed position */
  const char *kind;    /* the decision's kind (the district's for a relayed one) */
  const json_t *body;  /* its body */
  const char *record;  /* its record id "<signer hex>/<seq>" */
  const char *origin;  /* "street" | "district" */
  uint64_t time_ms;    /* its author time */
} project_item;

/* Apply one decision from the hubs (docs/records.md, "Written by a hub"):
 * review.batch sets the review status of our entries it names (only when its
 * "author" is this node); decision.* lands in the decisions table
 * (decision.revoke also marks its org revoked); rectification.accepted closes
 * its criticism; activity.ack records the street's or the district's answer.
 * Kinds this node does not know are skipped. */
cm_rc project_decision(node_ctx *ctx, const project_item *it, cm_err *err);

/* Inside a transaction: empty the projection and recompute it. */
cm_rc project_rebuild_in_tx(node_ctx *ctx, cm_err *err);

/* Empty the projection and recompute it from the log and the inbox, in one
 * transaction. */
cm_rc project_rebuild(node_ctx *ctx, cm_err *err);

#endif
