/* fuzz_text.c - libFuzzer target for the small text readers that take outside
 * bytes: the first byte picks cm_term_clean (no byte a terminal acts on may
 * come out) or cm_dec_u64 (checked against strtoull: never clamped). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/codec.h"
#include "common/term.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_term(const uint8_t *data, size_t size) {
  cm_buf b;
  cm_buf_init(&b, 8 * size + 16);
  if (cm_term_clean((const char *)data, size, &b) != CM_OK) abort();
  for (size_t i = 0; i < b.len; i++) {
    uint8_t c = b.p[i];
    if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f) abort();
    /* C1 controls (U+0080..U+009F) are C2 80..C2 9F in UTF-8 */
    if (c == 0xc2 && i + 1 < b.len && b.p[i + 1] >= 0x80 && b.p[i + 1] <= 0x9f) abort();
    /* U+202E and friends: E2 80 AA..AE, E2 81 A6..A9 */
    if (c == 0xe2 && i + 2 < b.len && b.p[i + 1] == 0x80 && b.p[i + 2] >= 0xaa &&
        b.p[i + 2] <= 0xae)
      abort();
  }
  cm_buf_free(&b);
}

static void check_dec(const uint8_t *data, size_t size) {
  char s[64];
  if (size >= sizeof s) size = sizeof s - 1;
  memcpy(s, data, size);
  s[size] = '\0';
  size = strlen(s); /* the readers get C strings: an embedded NUL ends them */
  uint64_t v = 0;
  int ok = cm_dec_u64(s, &v) == CM_OK;
  int digits = size > 0 && strspn(s, "0123456789") == size;
  errno = 0;
  unsigned long long ref = digits ? strtoull(s, NULL, 10) : 0;
  int fits = digits && errno != ERANGE;
  if (ok != fits) abort();
  if (ok && v != ref) abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1) return 0;
  uint8_t mode = data[0] % 2;
  data++;
  size--;
  if (mode == 0)
    check_term(data, size);
  else
    check_dec(data, size);
  return 0;
}
