/* staff.h - the staff password of a node page served off loopback
 * (`linli-node serve --allow-remote`).  On loopback whoever sits at the
 * community PC is staff; reached over a network, every page asks for the staff
 * password first.  The password is set at the node (`linli-node
 * staff-password`) and kept as an argon2id hash (libsodium crypto_pwhash_str,
 * interactive limits, as the hub's operators) in DIR/staff.pw, mode 0600.  A
 * login gives a random session token kept in memory only (a restart logs
 * everyone out); failed logins from one address wait longer and longer.
 * Times are the wall clock (cm_now_ms, which tests can fix). */
#ifndef LINLI_NODE_STAFF_H
#define LINLI_NODE_STAFF_H

#include <stddef.h>
#include <stdint.h>

#include "../common/rc.h"

#define NODE_STAFF_FILE "staff.pw"
#define NODE_STAFF_PW_MIN 8
#define NODE_STAFF_PW_MAX 1024
#define NODE_STAFF_TOKEN_HEX 65            /* 32 random bytes in hex, NUL included */
#define NODE_STAFF_IDLE_MS (8ull * 3600 * 1000) /* a session unused this long ends */

typedef struct node_staff node_staff;

/* Hash password (NODE_STAFF_PW_MIN..MAX bytes, else CM_ERR_INVALID) and write
 * it to DIR/staff.pw (0600), replacing any earlier one.  Live sessions of a
 * running serve are not affected until it restarts. */
cm_rc node_staff_set_password(const char *dir, const char *password, cm_err *err);

/* The staff sessions of one serve, with the hash read from DIR/staff.pw.
 * CM_ERR_NOT_FOUND (with a message saying to set one) when no password is
 * set.  Caller frees with node_staff_free. */
cm_rc node_staff_open(const char *dir, node_staff **out, cm_err *err);
void node_staff_free(node_staff *st);

/* 1 when token_hex is a live session at now_ms (which it refreshes). */
int node_staff_session_ok(node_staff *st, const char *token_hex, uint64_t now_ms);

/* Check password from peer at now_ms.  CM_OK: a new session, its cookie value
 * in token_out.  CM_ERR_PERM: wrong password, or peer must still wait
 * (*wait_s_out seconds; the password is then not checked). */
cm_rc node_staff_login(node_staff *st, const char *password, const char *peer, uint64_t now_ms,
                       char token_out[NODE_STAFF_TOKEN_HEX], unsigned *wait_s_out, cm_err *err);

#endif
