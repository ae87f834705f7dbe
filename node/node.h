/* node.h - a community node's open state: its directory, its SQLite connection
 * and its identity.  One node_ctx per thread (each owns its own connection);
 * the web server opens one per worker or guards one with a mutex. */
#ifndef LINLI_NODE_NODE_H
#define LINLI_NODE_NODE_H

#include <stddef.h>
#include <stdint.h>

#include "../common/rc.h"
#include "../protocol/keys.h"

typedef struct node_ctx node_ctx;

/* Open DIR/node.db (WAL, busy timeout, migrations applied) and DIR/identity.key.
 * CM_ERR_NOT_FOUND when DIR was never initialised (no node.db or no key file),
 * CM_ERR_KEYFILE for a bad key file.  Caller frees *out with node_close(). */
cm_rc node_open(const char *dir, node_ctx **out, cm_err *err);

/* Close the connection and wipe the secret key.  NULL is fine. */
void node_close(node_ctx *ctx);

/* Options of `linli-node init`. */
typedef struct node_init_opts {
  const char *community; /* required: the community's name */
  const char *street;    /* required: the street's name */
  const char *hub;       /* required: the street hub's base URL */
  const char *code;      /* 12 digits, or NULL to derive "99..." from the key */
  const char *hub_key;   /* 64 hex digits pinning the hub, or NULL (pinned at enrolment) */
} node_init_opts;

/* Create DIR (if needed), a new identity.key (0600) and node.db.  CM_ERR_EXISTS
 * when DIR already holds a node; CM_ERR_INVALID for bad options (message in err).
 * pk_out gets the new public key. */
cm_rc node_init(const char *dir, const node_init_opts *opts, uint8_t pk_out[PROTO_KEY_BYTES],
                cm_err *err);

/* As node_init with a given identity (restore of a community's key on a new PC). */
cm_rc node_init_with_key(const char *dir, const node_init_opts *opts, const proto_keypair *kp,
                         cm_err *err);

/* The node's public key (borrowed; valid while ctx is open). */
const uint8_t *node_public_key(const node_ctx *ctx);

/* The node's keypair, for signing requests (borrowed). */
const proto_keypair *node_keypair(const node_ctx *ctx);

/* The node's directory as given to node_open (borrowed). */
const char *node_dir(const node_ctx *ctx);

/* "Now" for dates and entry times: max(cm_now_ms(), the last hub time seen), so
 * that a PC whose clock is behind never refuses this month's report. */
uint64_t node_now_ms(node_ctx *ctx);

/* Shanghai date / month of node_now_ms(). */
void node_today(node_ctx *ctx, char out[11]);
void node_this_month(node_ctx *ctx, char out[8]);

/* The record id of this node's entry seq, "<author hex>/<seq>", into out
 * (96 bytes hold it: NODE_RECORD_ID_MAX of records.h). */
void node_record_id(const node_ctx *ctx, uint64_t seq, char *out, size_t cap);

#endif
