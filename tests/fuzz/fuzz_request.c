/* fuzz_request.c - libFuzzer target for a signed request as the hub reads it:
 * the input is "KEYHEX\nTIME\nSIGHEX\nPATH\nBODY"; the fields are decoded as
 * hub/api.c does (hex, decimal) and proto_request_verify runs on them. */
#include <stdlib.h>
#include <string.h>

#include "common/codec.h"
#include "protocol/keys.h"
#include "protocol/request.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The next line of [*p, end) as a NUL-terminated copy in out (cap bytes). */
static int line(const uint8_t **p, const uint8_t *end, char *out, size_t cap) {
  const uint8_t *nl = memchr(*p, '\n', (size_t)(end - *p));
  if (!nl) return 0;
  size_t n = (size_t)(nl - *p);
  if (n >= cap) return 0;
  memcpy(out, *p, n);
  out[n] = '\0';
  *p = nl + 1;
  return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static int ready;
  if (!ready) {
    if (proto_init()) abort();
    ready = 1;
  }
  const uint8_t *p = data, *end = data + size;
  char key[80], t[40], sig[160], path[512];
  if (!line(&p, end, key, sizeof key) || !line(&p, end, t, sizeof t) ||
      !line(&p, end, sig, sizeof sig) || !line(&p, end, path, sizeof path))
    return 0;
  proto_request rq;
  memset(&rq, 0, sizeof rq);
  uint64_t when = 0;
  if (cm_hex_decode(key, strlen(key), rq.key, sizeof rq.key) != CM_OK) return 0;
  if (cm_dec_u64(t, &when) != CM_OK) return 0;
  if (cm_hex_decode(sig, strlen(sig), rq.sig, sizeof rq.sig) != CM_OK) return 0;
  rq.time_ms = when;
  rq.method = "POST";
  rq.path = path;
  size_t blen = (size_t)(end - p);
  if (proto_request_verify(&rq, p, blen, when, PROTO_REQUEST_WINDOW_MS, NULL) == CM_OK && blen) {
    /* what verifies must stop verifying when one byte of the body changes */
    uint8_t *copy = malloc(blen);
    if (!copy) abort();
    memcpy(copy, p, blen);
    copy[0] ^= 1;
    if (proto_request_verify(&rq, copy, blen, when, PROTO_REQUEST_WINDOW_MS, NULL) == CM_OK)
      abort();
    free(copy);
  }
  return 0;
}
