/* relay.h - the street's relay of district decisions down to its communities.
 *
 * A node pins only its street's key, and the district's entries carry the
 * district's signature.  So the street re-issues each district entry addressed
 * to one of its communities as a street entry of the same kind and body, plus
 * "origin" (base64 of the district's signed entry, verifiable against the
 * district key) and "origin_record" (its record id "<district hex>/<seq>").
 * The node verifies the street's signature as for any feed item and may verify
 * the district's inside it. */
#ifndef LINLI_HUB_RELAY_H
#define LINLI_HUB_RELAY_H

#include "../common/rc.h"
#include "hub.h"

#define HUB_CONFIG_RELAY_CURSOR "relay_cursor" /* last upstream feed cursor relayed */

/* Relay every kept upstream feed item (hub_upstream_feed_store) after the
 * relay cursor that is addressed to a community this street enrolled; items
 * addressed to the street itself are kept, not relayed.  One transaction;
 * re-running relays nothing twice.  *n_out (may be NULL) gets the number
 * relayed.  A street hub only (CM_OK and nothing at a district). */
cm_rc hub_relay(hub_ctx *ctx, unsigned *n_out, cm_err *err);

#endif
