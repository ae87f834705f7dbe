/* keyexport.h - a passphrase-protected copy of a community's identity key, for
 * a worker to keep away from the PC (a USB stick, the street's safe), and its
 * import on a new PC before `restore` fetches the community's log back.
 *
 * The file: "LINLIKEY" | version 1 | algorithm 1 (Argon2id v1.3) | opslimit u64 LE |
 * memlimit u64 LE | salt[16] | nonce[24] | length u32 LE | secretbox(JSON).
 * The key is derived from the passphrase with crypto_pwhash (Argon2id) and the
 * JSON ({"key": key file text, "community", "street", "code", "hub", "hub_key"})
 * sealed with crypto_secretbox (XSalsa20-Poly1305): a wrong passphrase or a
 * changed byte fails the tag and nothing is written. */
#ifndef LINLI_NODE_KEYEXPORT_H
#define LINLI_NODE_KEYEXPORT_H

#include <stddef.h>
#include <stdio.h>

#include "../common/rc.h"
#include "node.h"

#define NODE_PASS_MIN 8    /* bytes of a passphrase, at least */
#define NODE_PASS_MAX 1024 /* bytes of a passphrase line, at most */

/* What an export file says about its community (shown to the worker). */
typedef struct node_key_info {
  char community[256];
  char street[256];
  char code[16];
  char hub[512];
  char fingerprint[PROTO_FINGERPRINT_LEN];
} node_key_info;

/* Read one passphrase line from f into out (newline stripped).  CM_ERR_INVALID
 * when it is missing, shorter than NODE_PASS_MIN or longer than cap - 1. */
cm_rc node_read_passphrase(FILE *f, char *out, size_t cap, cm_err *err);

/* Write ctx's key and settings to file (a new file, mode 0600) sealed with
 * passphrase.  info_out (may be NULL) gets what the file names. */
cm_rc node_key_export(node_ctx *ctx, const char *file, const char *passphrase,
                      node_key_info *info_out, cm_err *err);

/* Open file with passphrase and write its key to dir/identity.key; dir must be
 * missing or empty.  CM_ERR_INVALID for a wrong passphrase or a damaged file
 * (nothing written).  info_out (may be NULL) gets what the file names. */
cm_rc node_key_import(const char *dir, const char *file, const char *passphrase,
                      node_key_info *info_out, cm_err *err);

#endif
