/* usbout.h - the hub's half of USB both ways: for one community node, a file
 * with what a network sync would bring it (the head receipt of its log and the
 * decisions feed: receipts, review results, decisions), for a node that has no
 * network at all (`linli-node bundle import FILE` applies it).
 *
 * The file (docs/protocol.md, "USB return file"):
 *   "LINLIUSB" | version u8 = 1 | node key [32] | hub key [32] |
 *   receipt length u32 LE | receipt (proto_receipt, signed by the hub) |
 *   page count u32 LE | { page length u32 LE | feed page (proto_feed, every item
 *   signed by the hub) } ...
 * Nothing in it is trusted for being in the file: the node verifies the receipt
 * and every feed item against the hub key it pinned, as over HTTP. */
#ifndef LINLI_HUB_USBOUT_H
#define LINLI_HUB_USBOUT_H

#include <stdint.h>

#include "../common/rc.h"
#include "hub.h"

/* What went into the file. */
typedef struct hub_usbout_stats {
  uint64_t head_seq;   /* the node's head the receipt acknowledges */
  uint64_t items;      /* feed items */
  uint64_t next;       /* the feed cursor after the last item */
} hub_usbout_stats;

/* Write the return file for node (an enrolled community key) to file (a new
 * file, mode 0600), with the feed items after cursor `after` (0: all; a node
 * skips what it has).  CM_ERR_PERM when node is not enrolled here or revoked. */
cm_rc hub_usb_export(hub_ctx *ctx, const uint8_t node[PROTO_KEY_BYTES], uint64_t after,
                     const char *file, hub_usbout_stats *stats_out, cm_err *err);

#endif
