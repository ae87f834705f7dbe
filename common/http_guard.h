/* http_guard.h - what keeps one slow or greedy client from starving the others
 * on the HTTP server: a table of open connections with a deadline for the phase
 * each is in (request head, request body, response), enforced by a watchdog
 * thread, and a budget of bytes held by unfinished request bodies, per client
 * address and in total.  Used by http_server.c only; the figures are in
 * docs/api.md ("Limits against slow and greedy clients"). */
#ifndef LINLI_COMMON_HTTP_GUARD_H
#define LINLI_COMMON_HTTP_GUARD_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "rc.h"

typedef struct cm_guard cm_guard;
typedef struct cm_guard_conn cm_guard_conn;

#define CM_GUARD_HEAD_MS 10000u      /* whole request head, from accept or the last answer */
#define CM_GUARD_BODY_GRACE_MS 20000u /* a body gets this, plus one second per ... */
#define CM_GUARD_BODY_RATE 65536u     /* ... this many bytes announced or received */
#define CM_GUARD_SEND_GRACE_MS 30000u /* an answer gets this, plus the same rate */

/* A guard with the given byte budgets (per client address, total) for
 * unfinished request bodies, room for max_conns connections, and its watchdog
 * running.  Caller frees with cm_guard_free. */
cm_rc cm_guard_new(size_t per_addr_bytes, size_t total_bytes, unsigned max_conns,
                   cm_guard **out, cm_err *err);
/* Stop the watchdog and free.  NULL is fine.  Call after the server stopped. */
void cm_guard_free(cm_guard *g);

/* A connection was accepted on fd from sa: its head deadline starts now.
 * NULL when the table is full (the connection is then not guarded). */
cm_guard_conn *cm_guard_open(cm_guard *g, int fd, const struct sockaddr *sa);
/* The connection is gone: release its bytes and slot.  NULL is fine. */
void cm_guard_close(cm_guard *g, cm_guard_conn *c);

/* Phases.  The watchdog shuts the socket down when a deadline passes. */
void cm_guard_head(cm_guard *g, cm_guard_conn *c);              /* waiting for a request */
void cm_guard_body(cm_guard *g, cm_guard_conn *c, size_t bytes); /* body of bytes (0: unknown) */
void cm_guard_send(cm_guard *g, cm_guard_conn *c, size_t bytes); /* answer of bytes queued */
void cm_guard_none(cm_guard *g, cm_guard_conn *c);              /* handler running: no deadline */
/* Shut the connection down at the watchdog's next look, whatever its phase. */
void cm_guard_cut_now(cm_guard *g, cm_guard_conn *c);

/* Take n more bytes of the body budget for this connection's request; 0 when
 * granted, -1 when the client's address or the server is over its budget
 * (nothing taken).  cm_guard_release gives back everything the request took. */
int cm_guard_take(cm_guard *g, cm_guard_conn *c, size_t n);
void cm_guard_release(cm_guard *g, cm_guard_conn *c);

/* How many deadlines the watchdog has enforced (for logs and tests). */
uint64_t cm_guard_cut(cm_guard *g);

#endif
