/* sync.h - the node's side of the HTTP exchange (docs/protocol.md "Sync, as the
 * client runs it"): enrolment, heads, push of pending changesets, receipts, the
 * decisions feed.  One bounded pass per call; the backoff between passes belongs
 * to the caller's loop (serve). */
#ifndef LINLI_NODE_SYNC_H
#define LINLI_NODE_SYNC_H

#include <stddef.h>
#include <stdint.h>

#include "../common/rc.h"
#include "node.h"

/* Enrolment state kept in meta. */
typedef enum node_enrol_state {
  NODE_ENROL_NONE = 0,    /* never asked */
  NODE_ENROL_PENDING = 1, /* asked; the street operator has not approved yet */
  NODE_ENROL_DONE = 2     /* the hub answered "enrolled" */
} node_enrol_state;

/* What the staff see of the sync. */
typedef struct node_sync_status {
  uint64_t written;          /* entries in the local log (the head sequence) */
  uint64_t pushed;           /* highest sequence sent to the hub */
  uint64_t acknowledged;     /* highest sequence the hub signed a receipt for */
  uint64_t last_contact_ms;  /* last answer from the hub, 0 if never */
  uint64_t unread;           /* inbox items not yet read */
  node_enrol_state enrol;
  char hub_url[512];
  char last_error[512];      /* message of the last failed pass, "" after a good one */
} node_sync_status;

/* One sync pass with the hub in meta: enrol if needed, heads, push what the
 * hub lacks, store receipts, pull the feed.  Gives up within 30 s against an
 * unreachable hub.  CM_OK only when every entry is acknowledged;
 * CM_ERR_NETWORK (unreachable: err names the URL and what to check);
 * CM_ERR_PERM when enrolment waits for the street operator (or the key is
 * revoked); CM_ERR_HTTP / CM_PROTO_* when the hub refused or answered badly;
 * CM_ERR_CONFLICT when the hub holds a log this node does not (run restore). */
cm_rc node_sync_once(node_ctx *ctx, cm_err *err);

/* `linli-node --dir DIR restore --hub URL --key KEYFILE`: create DIR with the key
 * from KEYFILE (or reopen an existing DIR holding the same key), fetch back the
 * log the hub holds, and pull the decisions feed.  *head_out (may be NULL) gets
 * the local head afterwards. */
cm_rc node_restore(const char *dir, const char *hub_url, const char *keyfile,
                   uint64_t *head_out, cm_err *err);

/* Verify a feed answer (docs/protocol.md, "Feed") against the pinned hub key
 * and apply it in one transaction: each item into the inbox and the projection
 * (project_decision), relayed district entries unwrapped and verified (against
 * the district key when the street has named it), the cursor moved.  Nothing
 * changes when any item's signature fails (CM_PROTO_BAD_SIGNATURE); a relayed
 * entry that does not verify is left out with a warning.  *next_out gets the
 * cursor to ask after next. */
cm_rc node_feed_apply(node_ctx *ctx, const uint8_t *buf, size_t len, uint64_t *next_out,
                      cm_err *err);

/* Read the status counters. */
cm_rc node_sync_status_get(node_ctx *ctx, node_sync_status *out, cm_err *err);

/* The quiet idle (docs/scale.md): after a good pass the next comes in
 * NODE_SYNC_IDLE_MS +-25% (6 to 10 minutes: a new decision is known within 10),
 * and is a single feed request unless something waits to be pushed or the last
 * full pass is NODE_SYNC_FULL_EVERY_MS old.  What staff write is pushed within
 * NODE_SYNC_LOCAL_CHECK_MS: serve looks at the local log that often (no network). */
#define NODE_SYNC_IDLE_MS 480000u
#define NODE_SYNC_FULL_EVERY_MS 21600000u /* 6 hours */
#define NODE_SYNC_LOCAL_CHECK_MS 15000u

/* The serve loop's pass (`sync --idle`): a single feed request when the node is
 * quiet as described above, else node_sync_once. */
cm_rc node_sync_idle(node_ctx *ctx, cm_err *err);

/* 1 when the local log holds entries the hub has not acknowledged. */
int node_sync_pending(node_ctx *ctx);

/* Delay before the next pass after `failures` failed passes in a row: capped
 * exponential (5 s .. 10 min) with +-25% jitter; NODE_SYNC_IDLE_MS (jittered)
 * when 0. */
uint64_t node_sync_backoff_ms(unsigned failures);

/* Write a bundle of every entry after the acknowledged sequence to path (for a
 * USB stick).  *n_out (may be NULL) gets the number of entries (0 writes an
 * empty bundle). */
cm_rc node_bundle_export(node_ctx *ctx, const char *path, uint64_t *n_out, cm_err *err);

#endif
