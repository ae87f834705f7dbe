/* fuzz_bundle.c - libFuzzer target for proto_bundle_split, then
 * proto_changeset_decode on every span it yields. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "protocol/bundle.h"
#include "protocol/changeset.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static int ready;
  proto_span *sp = NULL;
  size_t n = 0;
  if (!ready) {
    if (proto_init()) abort();
    ready = 1;
  }
  if (proto_bundle_split(data, size, &sp, &n, NULL) == CM_OK) {
    for (size_t i = 0; i < n; i++) {
      proto_changeset cs;
      /* spans must lie inside the input */
      if (sp[i].p < data || sp[i].p + sp[i].len > data + size) abort();
      if (proto_changeset_decode(sp[i].p, sp[i].len, &cs, NULL, NULL) == CM_OK)
        proto_changeset_free(&cs);
    }
  }
  free(sp);
  return 0;
}
