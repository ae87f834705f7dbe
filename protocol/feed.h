/* feed.h - the decisions feed a hub returns to a node (or a street hub):
 * "LNFD" || version || 3 zero bytes || u64 next_cursor || u32 count ||
 * count x (u64 cursor || u32 len || signed entry).  Each item is a hub entry with
 * its own signature, so a filtered feed stays verifiable. */
#ifndef LINLI_PROTOCOL_FEED_H
#define LINLI_PROTOCOL_FEED_H

#include <stddef.h>
#include <stdint.h>

#include "entry.h"

#define PROTO_FEED_MAGIC "LNFD"
#define PROTO_FEED_VERSION 1
#define PROTO_FEED_MAX_ITEMS 10000u
/* The most items a hub puts in one feed answer.  A page with fewer was all
 * the hub held after the cursor asked for: a node stops pulling there
 * (docs/protocol.md), so the hub and the node must agree on this number. */
#define PROTO_FEED_PAGE 1000u

typedef struct proto_feed_item {
  uint64_t cursor;   /* the hub's position of this item; ask after= it next time */
  proto_entry entry; /* verified; body points into the feed buffer */
} proto_feed_item;

/* Encode: items[i] must be signed entries (has_sig).  *out malloc'd. */
cm_rc proto_feed_encode(const proto_feed_item *items, size_t n, uint64_t next_cursor,
                        uint8_t **out, size_t *len_out);

/* Decode and verify every item's signature against expect_author (the pinned hub
 * key; NULL accepts any signer).  *items_out malloc'd (caller frees). */
cm_rc proto_feed_decode(const uint8_t *buf, size_t len, const uint8_t *expect_author,
                        proto_feed_item **items_out, size_t *n_out, uint64_t *next_cursor_out,
                        cm_err *err) __attribute__((warn_unused_result));

#endif
