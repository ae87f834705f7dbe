/* journal.h - appending to the node's signed log.  The next sequence number
 * and the previous hash are read inside the append transaction, so two
 * processes on the same directory (the CLI while serve runs) can never write
 * the same sequence twice; the projection is updated in the same transaction,
 * and a command reports success only after the commit is durable. */
#ifndef LINLI_NODE_JOURNAL_H
#define LINLI_NODE_JOURNAL_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "store.h"

/* Run fn in one write transaction; failpoints node.append.before_commit (inside,
 * after fn) and node.append.after_commit (after the durable commit). */
cm_rc journal_tx(node_ctx *ctx, store_tx_fn fn, void *arg, cm_err *err);

/* Inside journal_tx: append an entry of kind with body (a JSON object written
 * compactly in insertion order) and project it.  *seq_out (may be NULL) gets its
 * sequence.  CM_ERR_TOO_LARGE for a body over 64 KiB. */
cm_rc journal_append_in_tx(node_ctx *ctx, const char *kind, const json_t *body,
                           uint64_t *seq_out, cm_err *err);

/* Inside a transaction: add back an entry this node wrote before and the hub
 * returned (restore).  It must be by this node's key, have seq == head + 1 and
 * chain to the head; it is projected.  CM_ERR_CONFLICT otherwise. */
cm_rc journal_adopt_in_tx(node_ctx *ctx, const uint8_t *raw, size_t len, cm_err *err);



#endif
