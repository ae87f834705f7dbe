/* feed.c - the decisions feed: a hub's own signed entries, each verifiable alone. */
#include "feed.h"

#include <stdlib.h>
#include <string.h>

#include "wire.h"

#define FEED_HEADER_BYTES (4 + 1 + 3 + 8 + 4)
#define FEED_ITEM_FIXED (8 + 4)
/* a signed entry is at least the fixed part, a 1-byte kind and the signature,
 * and at most the largest kind and body plus the signature */
#define FEED_SENTRY_MIN (PROTO_ENTRY_FIXED + 1 + PROTO_SIG_BYTES)
#define FEED_SENTRY_MAX (PROTO_ENTRY_FIXED + PROTO_KIND_MAX + PROTO_BODY_MAX + PROTO_SIG_BYTES)

cm_rc proto_feed_encode(const proto_feed_item *items, size_t n, uint64_t next_cursor,
                        uint8_t **out, size_t *len_out) {
  uint8_t *buf = NULL;
  size_t len = FEED_HEADER_BYTES;
  cm_rc rc = CM_OK;

  *out = NULL;
  if (n > PROTO_FEED_MAX_ITEMS) {
    rc = CM_ERR_TOO_LARGE;
    goto out;
  }
  for (size_t i = 0; i < n; i++) {
    if (!items[i].entry.has_sig) {
      rc = CM_ERR_INVALID;
      goto out;
    }
    len += FEED_ITEM_FIXED + proto_entry_encoded_len(&items[i].entry) + PROTO_SIG_BYTES;
  }
  buf = malloc(len);
  if (!buf) {
    rc = CM_ERR_NOMEM;
    goto out;
  }
  wire_wr w = {buf};
  wire_w_bytes(&w, PROTO_FEED_MAGIC, 4);
  wire_w_u8(&w, PROTO_FEED_VERSION);
  wire_w_bytes(&w, "\0\0\0", 3);
  wire_w_u64(&w, next_cursor);
  wire_w_u32(&w, (uint32_t)n);
  for (size_t i = 0; i < n; i++) {
    const proto_entry *e = &items[i].entry;
    size_t el = proto_entry_encoded_len(e);
    wire_w_u64(&w, items[i].cursor);
    wire_w_u32(&w, (uint32_t)(el + PROTO_SIG_BYTES));
    rc = proto_entry_encode(e, w.p, el, NULL);
    if (rc) goto out;
    w.p += el;
    wire_w_bytes(&w, e->sig, PROTO_SIG_BYTES);
  }
  *out = buf;
  buf = NULL;
  if (len_out) *len_out = len;
out:
  free(buf);
  return rc;
}

cm_rc proto_feed_decode(const uint8_t *buf, size_t len, const uint8_t *expect_author,
                        proto_feed_item **items_out, size_t *n_out, uint64_t *next_cursor_out,
                        cm_err *err) {
  wire_rd r = wire_rd_make(buf, len);
  proto_feed_item *items = NULL;
  const uint8_t *reserved = NULL;
  uint8_t version = 0;
  uint64_t next = 0;
  uint32_t count = 0;
  cm_rc rc = CM_OK;

  *items_out = NULL;
  *n_out = 0;
  if (!buf || len < FEED_HEADER_BYTES) {
    rc = cm_errf(err, CM_PROTO_TRUNCATED, "feed: %zu bytes, shorter than the header", len);
    goto out;
  }
  if (memcmp(buf, PROTO_FEED_MAGIC, 4) != 0) {
    rc = cm_errf(err, CM_PROTO_BAD_MAGIC, "feed: bad magic");
    goto out;
  }
  r.p += 4;
  wire_r_u8(&r, &version);
  wire_r_span(&r, 3, &reserved);
  wire_r_u64(&r, &next);
  wire_r_u32(&r, &count);
  if (version != PROTO_FEED_VERSION) {
    rc = cm_errf(err, CM_PROTO_BAD_VERSION, "feed: unknown version %u", version);
    goto out;
  }
  if (!wire_is_zero(reserved, 3)) {
    rc = cm_errf(err, CM_PROTO_BAD_HEADER, "feed: reserved bytes are not zero");
    goto out;
  }
  if (count > PROTO_FEED_MAX_ITEMS) {
    rc = cm_errf(err, CM_PROTO_TOO_MANY, "feed: %lu items, over %u", (unsigned long)count,
                 PROTO_FEED_MAX_ITEMS);
    goto out;
  }
  if ((size_t)count > wire_left(&r) / (FEED_ITEM_FIXED + FEED_SENTRY_MIN)) {
    rc = cm_errf(err, CM_PROTO_TRUNCATED, "feed: %lu items cannot fit in %zu bytes",
                 (unsigned long)count, wire_left(&r));
    goto out;
  }
  items = calloc((size_t)count + 1, sizeof *items);
  if (!items) {
    rc = cm_errf(err, CM_ERR_NOMEM, "feed: out of memory");
    goto out;
  }
  for (size_t i = 0; i < count; i++) {
    uint32_t il = 0;
    const uint8_t *sp = NULL;
    if (!wire_r_u64(&r, &items[i].cursor) || !wire_r_u32(&r, &il)) {
      rc = cm_errf(err, CM_PROTO_TRUNCATED, "feed: item %zu is cut short", i);
      goto out;
    }
    if (il < FEED_SENTRY_MIN || il > FEED_SENTRY_MAX) {
      rc = cm_errf(err, CM_PROTO_LENGTH, "feed: item %zu has an impossible length %lu", i,
                   (unsigned long)il);
      goto out;
    }
    if (!wire_r_span(&r, il, &sp)) {
      rc = cm_errf(err, CM_PROTO_TRUNCATED, "feed: item %zu is cut short", i);
      goto out;
    }
    rc = proto_sentry_decode(sp, il, expect_author, &items[i].entry, err);
    if (rc) goto out;
  }
  if (wire_left(&r) != 0) {
    rc = cm_errf(err, CM_PROTO_TRAILING, "feed: %zu bytes after the last item", wire_left(&r));
    goto out;
  }
  *items_out = items;
  *n_out = count;
  if (next_cursor_out) *next_cursor_out = next;
  items = NULL;
out:
  free(items);
  return rc;
}
