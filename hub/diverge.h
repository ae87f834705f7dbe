/* diverge.h - a street and its district that hold different entries of one
 * author at one sequence (a node pushed one version to the district and another
 * to the street).  The street's forward loop finds it from the district's
 * signed head; then the street pushes its version (the district's ingest
 * records a fork with both versions and quarantines the author), fetches the
 * district's version and records the same fork here, so that both hubs show it
 * and keep both versions, and stops forwarding that author until an operator
 * resolves it; the street's other communities keep flowing. */
#ifndef LINLI_HUB_DIVERGE_H
#define LINLI_HUB_DIVERGE_H

#include <stddef.h>
#include <stdint.h>

#include "../common/rc.h"
#include "../protocol/keys.h"
#include "hub.h"

/* 1 when caller may read author's log at this hub besides author itself: at a
 * district hub, the enrolled (not revoked) street hub whose name is the
 * author's street. */
int hub_diverge_may_read(hub_ctx *ctx, const uint8_t caller[PROTO_KEY_BYTES],
                         const uint8_t author[PROTO_KEY_BYTES]);

/* 1 when author is quarantined at this hub. */
int hub_diverge_quarantined(hub_ctx *ctx, const uint8_t author[PROTO_KEY_BYTES]);

/* Record the fork at seq between the changeset held here and the upstream's
 * version: the first changeset of bundle (from GET /api/v1/log) that is
 * author's, verifies and holds seq.  Quarantines author.  CM_ERR_INVALID when
 * the bundle holds no such changeset, CM_ERR_NOT_FOUND when nothing is held
 * here at seq. */
cm_rc hub_diverge_record(hub_ctx *ctx, const uint8_t author[PROTO_KEY_BYTES], uint64_t seq,
                         const uint8_t *bundle, size_t len, cm_err *err);

#endif
