/* fuzz_changeset.c - libFuzzer target for proto_changeset_decode.
 *
 * Random bytes almost never carry a valid signature, so decoding them as they
 * come would only exercise the header checks.  The first input byte picks a
 * mode: 0 decodes the input as is; 1 takes it as a changeset whose header the
 * harness signs again with its own key (the fuzzer then reaches inflation and
 * the entry parser); 2 takes it as an inflated payload that the harness
 * deflates and wraps in a signed header (the entry parser and the chain). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "protocol/changeset.h"
#include "protocol/wire.h"
#include "protocol_fixtures.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static proto_keypair g_kp;
static uint8_t *g_template; /* a valid one-entry changeset by g_kp */
static int g_ready;

static void setup(void) {
  static const uint8_t seed[PROTO_SEED_BYTES] = {42};
  proto_entry e;
  size_t len = 0;
  if (proto_init() || proto_keypair_from_seed(seed, &g_kp)) abort();
  memset(&e, 0, sizeof e);
  memcpy(e.author, g_kp.pk, PROTO_KEY_BYTES);
  e.seq = 1;
  strcpy(e.kind, "org.filed");
  e.body = (const uint8_t *)"{}";
  e.body_len = 2;
  if (proto_changeset_build(&e, 1, &g_kp, 0, &g_template, &len, NULL)) abort();
  g_ready = 1;
}

static void decode(const uint8_t *p, size_t len) {
  proto_changeset cs;
  size_t used = 0;
  if (proto_changeset_decode(p, len, &cs, NULL, NULL) == CM_OK) {
    /* a decoded changeset must be what it claims */
    if (cs.n != cs.h.last_seq - cs.h.first_seq + 1) abort();
    proto_changeset_free(&cs);
  }
  if (proto_changeset_decode(p, len, &cs, &used, NULL) == CM_OK) {
    if (used > len) abort();
    proto_changeset_free(&cs);
  }
  proto_cs_header h;
  size_t total = 0;
  if (proto_changeset_peek(p, len, &h, &total, NULL) == CM_OK && total > len) abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (!g_ready) setup();
  if (size < 1) return 0;
  uint8_t mode = data[0] % 3;
  data++;
  size--;
  if (mode == 0) {
    decode(data, size);
  } else if (mode == 1 && size >= PROTO_CS_HEADER_BYTES) {
    uint8_t *c = malloc(size);
    if (!c) return 0;
    memcpy(c, data, size);
    memcpy(c + 8, g_kp.pk, PROTO_KEY_BYTES);
    /* keep the payload inside the input so that it can be hashed and signed */
    if (wire_get_u32(c + 120) > size - PROTO_CS_HEADER_BYTES)
      wire_put_u32(c + 120, (uint32_t)(size - PROTO_CS_HEADER_BYTES));
    fx_cs_resign(c, &g_kp);
    decode(c, size);
    free(c);
  } else if (mode == 2 && size >= 1) {
    uint8_t *c = NULL;
    size_t len = 0;
    uint8_t hdr[PROTO_CS_HEADER_BYTES];
    memcpy(hdr, g_template, sizeof hdr);
    wire_put_u64(hdr + 48, 1 + data[0] % 64); /* last_seq: 1..64 entries */
    if (fx_cs_with_raw(hdr, data + 1, size - 1, 1, &g_kp, &c, &len) == 0) decode(c, len);
    free(c);
  }
  return 0;
}
