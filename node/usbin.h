/* usbin.h - the node's half of USB both ways: apply the file a street hub wrote
 * for this node (`linli-hub bundle export --node KEY FILE`, hub/usbout.h) exactly
 * as a network sync would: the head receipt verified against the pinned hub key
 * and checked against the local log, then each feed page through
 * node_feed_apply (every item's signature verified; nothing applied when one
 * fails). */
#ifndef LINLI_NODE_USBIN_H
#define LINLI_NODE_USBIN_H

#include <stdint.h>

#include "../common/rc.h"
#include "node.h"

#define NODE_USB_MAX_FILE (256u << 20) /* bytes of a return file, at most */

/* What a return file brought. */
typedef struct node_usbin_stats {
  uint64_t acknowledged; /* the hub's receipt covers this node's log up to here */
  uint64_t new_items;    /* decisions and reviews new to the inbox */
} node_usbin_stats;

/* Apply the return file at path.  CM_ERR_INVALID for a file that is not one or
 * is for another node; CM_ERR_PERM when no hub key is pinned or the file is
 * from another hub; CM_PROTO_BAD_SIGNATURE when a signature fails (nothing
 * changed); CM_ERR_CONFLICT when the hub's receipt names an entry this node
 * does not hold (forked or restored from an old copy: run restore online). */
cm_rc node_usb_import(node_ctx *ctx, const char *path, node_usbin_stats *stats_out, cm_err *err);

#endif
