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

/* Apply one decision from the hub (decision.revoke marks its org revoked);
 * other kinds only live in the inbox. */
cm_rc project_decision(node_ctx *ctx, const char *kind, const json_t *body, cm_err *err);

/* Empty the projection and recompute it from the log and the inbox, in one
 * transaction. */
cm_rc project_rebuild(node_ctx *ctx, cm_err *err);

#endif
