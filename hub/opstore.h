/* opstore.h - the hub's operator database (DIR/operators.db): operator accounts,
 * login sessions, failed-login counters and the audit trail.
 *
 * A separate file from hub.db on purpose (docs/decisions/0003-operator-store.md):
 * accounts are local to one hub and never replicated, and `rebuild` of the
 * projection must never touch them.  This is the only module that speaks SQL to
 * operators.db.  Every function takes the store's own mutex, so the HTTP worker
 * threads may share one hub_opstore. */
#ifndef LINLI_HUB_OPSTORE_H
#define LINLI_HUB_OPSTORE_H

#include <stddef.h>
#include <stdint.h>

#include "../common/lists.h"
#include "../common/rc.h"
#include "hub.h"

#define HUB_OP_NAME_MAX 64     /* bytes of an operator name, NUL included */
#define HUB_OP_ROLE_MAX 16     /* "street", "district", "viewer" */
#define HUB_OP_HASH_MAX 128    /* bytes of a crypto_pwhash_str string, NUL included */
#define HUB_OP_CSRF_HEX 65     /* 32 bytes in hex, NUL included */
#define HUB_OP_TOKEN_HASH 32   /* bytes of a session token's stored hash */

typedef struct hub_opstore hub_opstore;

/* One operator account. */
typedef struct hub_operator {
  int64_t id;
  char name[HUB_OP_NAME_MAX];
  char role[HUB_OP_ROLE_MAX];       /* "street", "district" or "viewer" */
  char street[HUB_NAME_MAX];        /* the street a street operator (or viewer) is bound to; "" = all */
  char unit[CM_LIST_CODE_MAX + 1];                  /* the supervising unit's code a viewer is bound to; "" = all */
  char pwhash[HUB_OP_HASH_MAX];     /* argon2id string from crypto_pwhash_str */
  int disabled;
  uint64_t created_ms;
} hub_operator;

/* One audit row. */
typedef struct hub_audit_row {
  int64_t id;
  uint64_t time_ms;
  const char *operator_name; /* these point into SQLite's memory: valid during the callback */
  const char *action;        /* "login", "login.failed", "logout", "review.accept", ... */
  const char *target;        /* what it was done to ("batch 7", an org id); may be "" */
  const char *detail;        /* reason or other text; may be "" */
  const char *peer;          /* client address; "" for the command line */
} hub_audit_row;

/* Open (creating with mode 0600 and migrating) dir/operators.db.  *st_out
 * malloc'd; free with hub_opstore_close. */
cm_rc hub_opstore_open(const char *dir, hub_opstore **st_out, cm_err *err);

/* Close; NULL is fine. */
void hub_opstore_close(hub_opstore *st);

/* ---- accounts ---- */

/* Add an account.  CM_ERR_EXISTS when the name is taken. */
cm_rc hub_opstore_add(hub_opstore *st, const char *name, const char *role, const char *street,
                      const char *pwhash, uint64_t now_ms, cm_err *err);

/* Bind viewer name to the supervising unit whose code is unit ("" = none)
 * and end its sessions.  CM_ERR_NOT_FOUND when absent. */
cm_rc hub_opstore_set_unit(hub_opstore *st, const char *name, const char *unit, cm_err *err);

/* Fill *op_out for name; *found_out 0 when there is no such account. */
cm_rc hub_opstore_get(hub_opstore *st, const char *name, hub_operator *op_out, int *found_out,
                      cm_err *err);

/* Called for each account in name order (pwhash is left empty). */
typedef cm_rc (*hub_opstore_op_fn)(void *ctx, const hub_operator *op, cm_err *err);
cm_rc hub_opstore_list(hub_opstore *st, hub_opstore_op_fn fn, void *ctx, cm_err *err);

/* Disable an account and end its sessions.  CM_ERR_NOT_FOUND when absent. */
cm_rc hub_opstore_disable(hub_opstore *st, const char *name, cm_err *err);

/* Replace the password hash and end the account's sessions.  CM_ERR_NOT_FOUND
 * when absent. */
cm_rc hub_opstore_set_password(hub_opstore *st, const char *name, const char *pwhash,
                               cm_err *err);

/* ---- sessions: the token itself is never stored, only its hash ---- */

/* Store a session for operator op_id with its CSRF token. */
cm_rc hub_opstore_session_add(hub_opstore *st, const uint8_t token_hash[HUB_OP_TOKEN_HASH],
                              int64_t op_id, const char *csrf, uint64_t now_ms, cm_err *err);

/* Look a session up: its operator (*op_out, pwhash left empty), CSRF token and
 * last use.  *found_out 0 when unknown.  Sessions of disabled accounts are not
 * found. */
cm_rc hub_opstore_session_get(hub_opstore *st, const uint8_t token_hash[HUB_OP_TOKEN_HASH],
                              hub_operator *op_out, char csrf_out[HUB_OP_CSRF_HEX],
                              uint64_t *last_ms_out, int *found_out, cm_err *err);

/* Mark a session used at now_ms. */
cm_rc hub_opstore_session_touch(hub_opstore *st, const uint8_t token_hash[HUB_OP_TOKEN_HASH],
                                uint64_t now_ms, cm_err *err);

/* End a session (absent is fine). */
cm_rc hub_opstore_session_delete(hub_opstore *st, const uint8_t token_hash[HUB_OP_TOKEN_HASH],
                                 cm_err *err);

/* Forget sessions unused since before cutoff_ms. */
cm_rc hub_opstore_session_purge(hub_opstore *st, uint64_t cutoff_ms, cm_err *err);

/* ---- enrolment requests' client addresses (hub/enrolguard.h) ---- */

/* Record (or replace) the client address request_id came from. */
cm_rc hub_opstore_enrol_source_put(hub_opstore *st, int64_t request_id, const char *peer,
                                   uint64_t now_ms, cm_err *err);
/* The address of request_id into out ("" when unknown). */
cm_rc hub_opstore_enrol_source_get(hub_opstore *st, int64_t request_id, char *out, size_t cap,
                                   cm_err *err);

/* ---- failed logins, counted per subject ("name:alice", "peer:127.0.0.1") ---- */

/* Failures of subject and the time of the last one (0 and 0 when none). */
cm_rc hub_opstore_fail_get(hub_opstore *st, const char *subject, int *count_out,
                           uint64_t *last_ms_out, cm_err *err);

/* Count one more failure at now_ms; a failure after a quiet window_ms starts
 * the count again at 1.  *count_out gets the new count. */
cm_rc hub_opstore_fail_add(hub_opstore *st, const char *subject, uint64_t now_ms,
                           uint64_t window_ms, int *count_out, cm_err *err);

/* Forget subject's failures (after a good login). */
cm_rc hub_opstore_fail_clear(hub_opstore *st, const char *subject, cm_err *err);

/* ---- the audit trail ---- */

/* Append one row (target, detail, peer may be NULL). */
cm_rc hub_opstore_audit_add(hub_opstore *st, uint64_t now_ms, const char *operator_name,
                            const char *action, const char *target, const char *detail,
                            const char *peer, cm_err *err);

/* The newest limit rows, newest first. */
typedef cm_rc (*hub_opstore_audit_fn)(void *ctx, const hub_audit_row *row, cm_err *err);
cm_rc hub_opstore_audit_list(hub_opstore *st, int limit, hub_opstore_audit_fn fn, void *ctx,
                             cm_err *err);

#endif
