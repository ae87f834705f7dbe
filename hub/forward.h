/* forward.h - the street hub's push to the district: the same client exchange a
 * node runs against its street (common/upstream.h), for every log the street
 * holds, its own first.  One round pushes what the district has not
 * acknowledged, stores the district's receipts and pulls the district's feed for
 * this street and its communities; a background loop inside `serve` repeats the
 * rounds with capped exponential backoff and jitter after failures. */
#ifndef LINLI_HUB_FORWARD_H
#define LINLI_HUB_FORWARD_H

#include <stddef.h>
#include <stdint.h>

#include "../common/rc.h"

/* At most this many entries and bytes of changesets in one POST (docs/protocol.md,
 * "Sync, as the client runs it"); a single larger changeset travels alone. */
#define HUB_FORWARD_MAX_ENTRIES 5000u
#define HUB_FORWARD_MAX_BYTES ((size_t)8u << 20)
/* A round starts at least this often when nothing wakes the loop. */
#define HUB_FORWARD_IDLE_MS 30000u
/* Every this many good rounds (and at start) the loop asks the district about
 * every log, not only those with unacknowledged entries: a district restored
 * from an old copy is noticed within about an hour, or at once by restarting
 * serve. */
#define HUB_FORWARD_AUDIT_ROUNDS 120u
/* Backoff after failed rounds: 1 s doubling up to 60 s, jittered. */
#define HUB_FORWARD_BACKOFF_MIN_MS 1000u
#define HUB_FORWARD_BACKOFF_MAX_MS 60000u

/* What one round did. */
typedef struct hub_forward_stats {
  unsigned authors;        /* logs looked at */
  uint64_t entries_pushed; /* entries the district stored new this round */
  unsigned requests;       /* HTTP requests made */
  unsigned feed_items;     /* district feed items stored this round */
} hub_forward_stats;

/* One forward round from the street hub in dir (opens and closes its own
 * handle): own log first, then every community log, then the district's feed.
 * CM_OK when every log the street holds is acknowledged by the district;
 * CM_ERR_NETWORK when the district cannot be reached; CM_ERR_UNSUPPORTED when the
 * hub is not a street hub with an upstream; CM_ERR_HTTP / CM_PROTO_* when the
 * district refused or answered badly (err says which author and why).  stats_out
 * may be NULL. */
cm_rc hub_forward_once(const char *dir, hub_forward_stats *stats_out, cm_err *err);

/* Delay before the next round after `failures` failed rounds in a row (>= 1):
 * HUB_FORWARD_BACKOFF_MIN_MS doubling, capped at cap_ms, then jittered down by up
 * to a half so that many streets do not retry in step. */
uint64_t hub_forward_backoff_ms(unsigned failures, uint64_t cap_ms);

typedef struct hub_forward hub_forward;

/* Start the background loop for the street hub in dir.  The backoff cap is
 * HUB_FORWARD_BACKOFF_MAX_MS unless LINLI_FORWARD_BACKOFF_MAX_MS (decimal ms,
 * >= 100) lowers it.  *fw_out is NULL on failure. */
cm_rc hub_forward_start(const char *dir, hub_forward **fw_out, cm_err *err);

/* Ask for a round now (something new was stored); does not cut a backoff
 * short.  Thread-safe; NULL is fine. */
void hub_forward_wake(hub_forward *fw);

/* Stop the loop: interrupts its wait at once, waits for a running request to
 * finish (bounded by the client timeouts), joins and frees.  NULL is fine. */
void hub_forward_stop(hub_forward *fw);

/* The district's CA for requests upstream of the hub in dir: LINLI_CA_FILE,
 * else dir/upstream-ca.pem when present (its path written into buf, cap
 * bytes), else NULL (the system's CAs). */
const char *hub_forward_ca_file(const char *dir, char *buf, size_t cap);

#endif
