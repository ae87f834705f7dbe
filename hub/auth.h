/* auth.h - operator authentication for the hub's web pages: argon2id password
 * hashes (libsodium crypto_pwhash_str, interactive limits), random session
 * tokens kept only as hashes, session cookies, a CSRF token per session, a
 * lock-out after repeated failed logins, and the role rules.
 *
 * Roles: "district" sees and does everything; "street" does everything but only
 * for one street (at a street hub that is the hub's own street; at a district
 * hub the street given with `operator add --street`); "viewer" reads and never
 * changes anything (optionally bound to one street too). */
#ifndef LINLI_HUB_AUTH_H
#define LINLI_HUB_AUTH_H

#include <stddef.h>
#include <stdint.h>

#include "../common/http_server.h"
#include "../common/rc.h"
#include "hub.h"
#include "opstore.h"

#define HUB_AUTH_COOKIE "linli_hub_session"     /* session cookie name */
#define HUB_AUTH_TOKEN_HEX 65                   /* 32 random bytes in hex, NUL included */
#define HUB_AUTH_IDLE_MS (12ull * 3600 * 1000)  /* a session unused this long ends */
#define HUB_AUTH_PW_MIN 8                       /* shortest password accepted */
#define HUB_AUTH_PW_MAX 1024                    /* longest password accepted (bytes) */
/* Lock-out.  Failures are counted per operator name from one client address
 * ("pair") and per client address over all names ("peer"), never per name
 * alone: someone guessing from elsewhere must not be able to lock an operator
 * out of the operator's own address.  Past its free failures a subject waits
 * HUB_AUTH_LOCK_MS after its last failure, twice that after one more, and so on
 * up to HUB_AUTH_LOCK_MAX_MS; a failure after a quiet window starts over. */
#define HUB_AUTH_FAIL_WINDOW_MS (24ull * 3600 * 1000) /* failures this far apart start over */
#define HUB_AUTH_LOCK_MS (60ull * 1000)         /* the first wait */
#define HUB_AUTH_LOCK_MAX_MS (60ull * 60 * 1000) /* the longest wait */
#define HUB_AUTH_MAX_FAILS_NAME 5               /* free failures for one name from one address */
#define HUB_AUTH_MAX_FAILS_PEER 10              /* free failures from one address, all names */

/* A logged-in operator, as the pages see it. */
typedef struct hub_auth_session {
  hub_operator op;                         /* pwhash is empty */
  char csrf[HUB_OP_CSRF_HEX];              /* the session's CSRF token (hex) */
  uint8_t token_hash[HUB_OP_TOKEN_HASH];   /* identifies the session in operators.db */
} hub_auth_session;

/* CM_OK when role is "street", "district" or "viewer"; CM_ERR_INVALID otherwise. */
cm_rc hub_auth_role_check(const char *role, cm_err *err);

/* argon2id hash of password into out (interactive limits).  CM_ERR_INVALID for
 * a password shorter than HUB_AUTH_PW_MIN or longer than HUB_AUTH_PW_MAX bytes;
 * CM_ERR_NOMEM when the memory limit cannot be allocated. */
cm_rc hub_auth_password_hash(const char *password, char out[HUB_OP_HASH_MAX], cm_err *err);

/* Create an account after checking the name (1..63 bytes, printable), the role
 * and the street rule: a street operator at a district hub needs street; at a
 * street hub street may only be the hub's own name (the default); a district
 * operator has no street.  CM_ERR_EXISTS when the name is taken. */
cm_rc hub_auth_add_operator(hub_opstore *ops, const hub_ctx *hub, const char *name,
                            const char *role, const char *street, const char *password,
                            cm_err *err);

/* Change an account's password (same length rule); ends its sessions. */
cm_rc hub_auth_set_password(hub_opstore *ops, const char *name, const char *password,
                            cm_err *err);

/* Check name and password from peer at now_ms.  On CM_OK a new session exists:
 * *s_out describes it and token_out holds the cookie value.  CM_ERR_PERM for a
 * wrong name or password or a disabled account (one message for all, so that
 * names cannot be probed), with *locked_out 1 when the name from this peer, or
 * the peer, must wait after too many failures (the password is then not even
 * checked).
 * Every attempt is written to the audit trail. */
cm_rc hub_auth_login(hub_opstore *ops, const char *name, const char *password, const char *peer,
                     uint64_t now_ms, hub_auth_session *s_out,
                     char token_out[HUB_AUTH_TOKEN_HEX], int *locked_out, cm_err *err);

/* The session of cookie value token_hex, if it is live: *found_out 1 and *s_out
 * filled.  A session idle longer than HUB_AUTH_IDLE_MS is ended and not found. */
cm_rc hub_auth_session_check(hub_opstore *ops, const char *token_hex, uint64_t now_ms,
                             hub_auth_session *s_out, int *found_out, cm_err *err);

/* End the session of s. */
cm_rc hub_auth_logout(hub_opstore *ops, const hub_auth_session *s, cm_err *err);

/* 1 when submitted equals the session's CSRF token (constant time), else 0. */
int hub_auth_csrf_ok(const hub_auth_session *s, const char *submitted);

/* Set (token_hex non-NULL) or clear (NULL) the session cookie: HttpOnly,
 * SameSite=Strict, Path=/, and Secure when tls. */
cm_rc hub_auth_set_cookie(cm_http_resp *resp, const char *token_hex, int tls);

/* 1 when the operator may change things (not a viewer). */
int hub_auth_can_write(const hub_auth_session *s);

/* 1 when session s may open path: always, unless its viewer is bound to one
 * supervising unit; then only the dashboard (its pages, its API, assets),
 * whose figures are scoped to that unit's organisations. */
int hub_auth_unit_page(const hub_auth_session *s, const char *path);

/* 1 when the operator may see street's data at a hub of role hub_role: always
 * at a street hub (role; it holds only its own street), and at a district hub when the
 * operator is not bound to a street or bound to this one. */
int hub_auth_sees_street(const hub_auth_session *s, hub_role role, const char *street);

#endif
