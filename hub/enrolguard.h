/* enrolguard.h - limits on who may ask to be enrolled (POST /api/v1/enroll)
 * and what the operator sees of each request.  A request needs only a fresh
 * key, so without limits anyone on the network could fill the list with
 * thousands of requests and hide a real one among them, under a name that
 * imitates a real community's.  Here: a rate per client address (in memory),
 * a cap on pending requests (hub/hublog.c checks it), the source address of
 * each request (kept in operators.db, which is never replicated), and a flag
 * on a request whose name imitates an enrolled author's. */
#ifndef LINLI_HUB_ENROLGUARD_H
#define LINLI_HUB_ENROLGUARD_H

#include <jansson.h>
#include <stdint.h>

#include "../common/rc.h"
#include "hub.h"
#include "opstore.h"

#define HUB_ENROL_PER_ADDR 5                    /* requests from one address per window */
#define HUB_ENROL_WINDOW_MS (10ull * 60 * 1000) /* the window */

typedef struct hub_enrolguard hub_enrolguard;

/* An empty rate table (NULL when out of memory: then nothing is limited). */
hub_enrolguard *hub_enrolguard_new(void);
void hub_enrolguard_free(hub_enrolguard *g);

/* 1 when peer may send one more request at mono_ms (and it is counted); 0 when
 * it has sent HUB_ENROL_PER_ADDR within the window, *retry_s_out then says
 * when the oldest of them leaves it. */
int hub_enrolguard_allow(hub_enrolguard *g, const char *peer, uint64_t mono_ms,
                         unsigned *retry_s_out);

/* Remember that request id came from peer (operators.db). */
cm_rc hub_enrolguard_source_put(hub_opstore *ops, int64_t id, const char *peer, uint64_t now_ms,
                                cm_err *err);

/* hub_enroll_requests with, on each request, "source" (the client address, ""
 * when unknown) and "imitates" (the name of an enrolled author that the
 * request's name equals once spaces, punctuation, letter case and Traditional
 * characters are folded, or null).  The sources are read from the hub's
 * operators.db (left "" when it cannot be opened).  New reference in *out. */
cm_rc hub_enrolguard_list(hub_ctx *ctx, json_t **out, cm_err *err);

#endif
