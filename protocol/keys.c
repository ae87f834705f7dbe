/* keys.c - ed25519 identities, the key file text, hex and fingerprints. */
#include "keys.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "wire.h"

#define KEYFILE_PREFIX "linli-secret-key-v1 ed25519 "
#define KEYFILE_PREFIX_LEN (sizeof KEYFILE_PREFIX - 1)

static const char hex_digits[] = "0123456789abcdef";

/* Value of one hex digit, or -1.  upper_ok = 0 accepts lowercase only (the key
 * file is canonical: one spelling per key). */
static int hex_val(char c, int upper_ok) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (upper_ok && c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/* Decode exactly 2*n digits from hex into out; 0 on a bad digit. */
static int hex_decode(const char *hex, uint8_t *out, size_t n, int upper_ok) {
  for (size_t i = 0; i < n; i++) {
    int hi = hex_val(hex[2 * i], upper_ok);
    int lo = hi < 0 ? -1 : hex_val(hex[2 * i + 1], upper_ok);
    if (lo < 0) return 0;
    out[i] = (uint8_t)(hi << 4 | lo);
  }
  return 1;
}

cm_rc proto_init(void) {
  /* sodium_init is itself safe to call repeatedly and from several threads:
   * it returns 1 once initialised, -1 only on failure. */
  return sodium_init() < 0 ? CM_ERR_CRYPTO : CM_OK;
}

cm_rc proto_keypair_generate(proto_keypair *kp_out) {
  cm_rc rc = proto_init();
  if (!rc && crypto_sign_keypair(kp_out->pk, kp_out->sk) != 0) rc = CM_ERR_CRYPTO;
  return rc;
}

cm_rc proto_keypair_from_seed(const uint8_t seed[PROTO_SEED_BYTES], proto_keypair *kp_out) {
  cm_rc rc = proto_init();
  if (!rc && crypto_sign_seed_keypair(kp_out->pk, kp_out->sk, seed) != 0) rc = CM_ERR_CRYPTO;
  return rc;
}

void proto_keypair_wipe(proto_keypair *kp) {
  if (kp) sodium_memzero(kp->sk, sizeof kp->sk);
}

cm_rc proto_keyfile_format(const proto_keypair *kp, char *buf, size_t cap, size_t *len_out) {
  /* libsodium's expanded secret key is seed || pk: the seed is its first half */
  size_t len = KEYFILE_PREFIX_LEN + 2 * PROTO_SEED_BYTES + 1;
  if (cap < len + 1) return CM_ERR_TOO_LARGE;
  memcpy(buf, KEYFILE_PREFIX, KEYFILE_PREFIX_LEN);
  char *h = buf + KEYFILE_PREFIX_LEN;
  for (size_t i = 0; i < PROTO_SEED_BYTES; i++) {
    h[2 * i] = hex_digits[kp->sk[i] >> 4];
    h[2 * i + 1] = hex_digits[kp->sk[i] & 15];
  }
  buf[len - 1] = '\n';
  buf[len] = '\0';
  if (len_out) *len_out = len;
  return CM_OK;
}

cm_rc proto_keyfile_parse(const char *text, size_t len, proto_keypair *kp_out, cm_err *err) {
  uint8_t seed[PROTO_SEED_BYTES];
  const size_t body = KEYFILE_PREFIX_LEN + 2 * PROTO_SEED_BYTES;
  cm_rc rc = CM_OK;

  if (!text || (len != body && len != body + 1)) {
    rc = cm_errf(err, CM_ERR_KEYFILE, "key file: expected %zu bytes, found %zu", body + 1, len);
    goto out;
  }
  if (memcmp(text, KEYFILE_PREFIX, KEYFILE_PREFIX_LEN) != 0) {
    rc = cm_errf(err, CM_ERR_KEYFILE, "key file: does not start with \"%s\"",
                 "linli-secret-key-v1 ed25519");
    goto out;
  }
  if (len == body + 1 && text[body] != '\n') {
    rc = cm_errf(err, CM_ERR_KEYFILE, "key file: junk after the key");
    goto out;
  }
  if (!hex_decode(text + KEYFILE_PREFIX_LEN, seed, sizeof seed, 0)) {
    rc = cm_errf(err, CM_ERR_KEYFILE, "key file: the key is not 64 lowercase hex digits");
    goto out;
  }
  rc = proto_keypair_from_seed(seed, kp_out);
  if (rc) cm_errf(err, rc, "key file: libsodium failed");
out:
  sodium_memzero(seed, sizeof seed);
  return rc;
}

void proto_key_hex(const uint8_t pk[PROTO_KEY_BYTES], char out[PROTO_KEY_HEX]) {
  for (size_t i = 0; i < PROTO_KEY_BYTES; i++) {
    out[2 * i] = hex_digits[pk[i] >> 4];
    out[2 * i + 1] = hex_digits[pk[i] & 15];
  }
  out[2 * PROTO_KEY_BYTES] = '\0';
}

cm_rc proto_key_from_hex(const char *hex, uint8_t pk_out[PROTO_KEY_BYTES]) {
  uint8_t tmp[PROTO_KEY_BYTES];
  if (!hex) return CM_ERR_INVALID;
  /* check digit by digit before looking for the NUL, so that a short string is
   * never read past its terminator */
  for (size_t i = 0; i < 2 * PROTO_KEY_BYTES; i++)
    if (hex_val(hex[i], 1) < 0) return CM_ERR_INVALID;
  if (hex[2 * PROTO_KEY_BYTES] != '\0') return CM_ERR_INVALID;
  if (!hex_decode(hex, tmp, sizeof tmp, 1)) return CM_ERR_INVALID;
  memcpy(pk_out, tmp, sizeof tmp);
  return CM_OK;
}

void proto_fingerprint(const uint8_t pk[PROTO_KEY_BYTES], char out[PROTO_FINGERPRINT_LEN]) {
  uint8_t h[PROTO_HASH_BYTES];
  proto_hash(pk, PROTO_KEY_BYTES, h);
  snprintf(out, PROTO_FINGERPRINT_LEN, "%04u %04u %04u %04u %04u",
           (unsigned)(wire_get_u16(h) % 10000u), (unsigned)(wire_get_u16(h + 2) % 10000u),
           (unsigned)(wire_get_u16(h + 4) % 10000u), (unsigned)(wire_get_u16(h + 6) % 10000u),
           (unsigned)(wire_get_u16(h + 8) % 10000u));
}

void proto_hash(const uint8_t *buf, size_t len, uint8_t out[PROTO_HASH_BYTES]) {
  /* Works before sodium_init too (the portable BLAKE2b is the default until
   * sodium_init picks a faster one), so hashing never depends on init order;
   * generichash cannot fail for a valid output size. */
  (void)crypto_generichash(out, PROTO_HASH_BYTES, buf, len, NULL, 0);
}
