/* rounds.h - the evaluation rounds a community node received (from its
 * inbox), for the domain core's check of a nomination and for the
 * evaluation pages (node/evaluation.h).  Below the journal: it reads the
 * store only. */
#ifndef LINLI_NODE_ROUNDS_H
#define LINLI_NODE_ROUNDS_H

#include <jansson.h>

#include "../common/rc.h"
#include "../common/records.h"
#include "node.h"

/* The inbox items of kind, oldest first.  New reference in *out. */
cm_rc node_inbox_of(node_ctx *ctx, const char *kind, json_t **out, cm_err *err);

/* Body field k of an inbox item as text ("" when absent). */
const char *node_inbox_field(const json_t *it, const char *k);

/* The rounds received, one per id, newest first: [{"round", "year", "title",
 * "closes", "open", "record", "closed" (the date the district closed it
 * early, "" when it did not), "closed_ms"}...].  New reference in *out. */
cm_rc node_rounds(node_ctx *ctx, json_t **out, cm_err *err);

/* For the domain core's check of a nomination about to be signed: the round
 * it names as this node received it (c->round_known 0 when it did not). */
cm_rc node_eval_round_ctx(node_ctx *ctx, const char *round, cm_rec_ctx *c, cm_err *err);

#endif
