/* seal.c - sealed boxes to an ed25519 identity (protocol/seal.h). */
#include "seal.h"

#include <sodium.h>

_Static_assert(PROTO_SEAL_OVERHEAD == crypto_box_SEALBYTES, "sealed box overhead");

cm_rc proto_seal(const uint8_t to[PROTO_KEY_BYTES], const uint8_t *msg, size_t len, uint8_t *out,
                 cm_err *err) {
  uint8_t xpk[crypto_box_PUBLICKEYBYTES];
  if (proto_init() != CM_OK) return cm_errf(err, CM_ERR_CRYPTO, "libsodium failed to start");
  if (len > PROTO_SEAL_PLAIN_MAX)
    return cm_errf(err, CM_ERR_TOO_LARGE, "sealed message of %zu bytes (at most %u)", len,
                   PROTO_SEAL_PLAIN_MAX);
  if (crypto_sign_ed25519_pk_to_curve25519(xpk, to) != 0)
    return cm_errf(err, CM_ERR_INVALID, "the recipient key is not a valid ed25519 key");
  if (crypto_box_seal(out, msg, (unsigned long long)len, xpk) != 0)
    return cm_errf(err, CM_ERR_CRYPTO, "sealing failed");
  return CM_OK;
}

cm_rc proto_seal_open(const proto_keypair *kp, const uint8_t *c, size_t clen, uint8_t *out,
                      size_t *len_out, cm_err *err) {
  uint8_t xpk[crypto_box_PUBLICKEYBYTES], xsk[crypto_box_SECRETKEYBYTES];
  cm_rc rc = CM_OK;
  *len_out = 0;
  if (proto_init() != CM_OK) return cm_errf(err, CM_ERR_CRYPTO, "libsodium failed to start");
  if (clen < PROTO_SEAL_OVERHEAD || clen - PROTO_SEAL_OVERHEAD > PROTO_SEAL_PLAIN_MAX)
    return cm_errf(err, CM_PROTO_TRUNCATED, "a sealed box of %zu bytes", clen);
  if (crypto_sign_ed25519_pk_to_curve25519(xpk, kp->pk) != 0 ||
      crypto_sign_ed25519_sk_to_curve25519(xsk, kp->sk) != 0) {
    rc = cm_errf(err, CM_ERR_INVALID, "the key has no X25519 form");
    goto out;
  }
  if (crypto_box_seal_open(out, c, (unsigned long long)clen, xpk, xsk) != 0) {
    rc = cm_errf(err, CM_PROTO_BAD_SIGNATURE, "the sealed box is not for this key or was altered");
    goto out;
  }
  *len_out = clen - PROTO_SEAL_OVERHEAD;
out:
  sodium_memzero(xsk, sizeof xsk);
  return rc;
}
