/* fuzz_feed.c - libFuzzer target for the small decoders: the first byte picks
 * proto_feed_decode, proto_receipt_decode, proto_entry_decode or
 * proto_sentry_decode. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "protocol/feed.h"
#include "protocol/receipt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static int ready;
  if (!ready) {
    if (proto_init()) abort();
    ready = 1;
  }
  if (size < 1) return 0;
  uint8_t mode = data[0] % 4;
  data++;
  size--;
  if (mode == 0) {
    proto_feed_item *items = NULL;
    size_t n = 0;
    uint64_t next = 0;
    if (proto_feed_decode(data, size, NULL, &items, &n, &next, NULL) == CM_OK && n > 10000)
      abort();
    free(items);
  } else if (mode == 1) {
    proto_receipt r;
    (void)!proto_receipt_decode(data, size, NULL, &r, NULL);
  } else if (mode == 2) {
    proto_entry e;
    uint8_t h[PROTO_HASH_BYTES];
    /* whatever decodes must encode back to the same bytes: one canonical form */
    if (proto_entry_decode(data, size, &e, NULL) == CM_OK) {
      uint8_t *buf = malloc(size);
      size_t len = 0;
      if (!buf || proto_entry_encode(&e, buf, size, &len) != CM_OK || len != size) abort();
      for (size_t i = 0; i < size; i++)
        if (buf[i] != data[i]) abort();
      if (proto_entry_hash(&e, h) != CM_OK) abort();
      free(buf);
    }
  } else {
    proto_entry e;
    (void)!proto_sentry_decode(data, size, NULL, &e, NULL);
  }
  return 0;
}
