/* seal.h - sealed boxes for personal data (names on rosters, residents who
 * complain): libsodium's crypto_box_seal to a recipient's ed25519 identity,
 * converted to its X25519 form, so that nobody needs a second key.  Anyone
 * can seal to a public key; only the holder of the matching secret key can
 * open.  The sealed bytes are what goes inside a signed entry, so a level
 * above the recipient verifies the signature over bytes it cannot read
 * (docs/decisions/0045-sealed-personal-data.md).  No I/O, no JSON. */
#ifndef LINLI_PROTOCOL_SEAL_H
#define LINLI_PROTOCOL_SEAL_H

#include <stddef.h>
#include <stdint.h>

#include "keys.h"
#include "rc.h"

#define PROTO_SEAL_OVERHEAD 48u    /* crypto_box_SEALBYTES: ephemeral key + tag */
#define PROTO_SEAL_PLAIN_MAX 4096u /* bytes of one sealed message */

/* Seal len bytes of msg (at most PROTO_SEAL_PLAIN_MAX) to the ed25519 public
 * key to; out must hold len + PROTO_SEAL_OVERHEAD bytes.  CM_ERR_TOO_LARGE for
 * a longer message, CM_ERR_INVALID for a key that is not a valid ed25519
 * point (it has no X25519 form), CM_ERR_CRYPTO when libsodium fails. */
cm_rc proto_seal(const uint8_t to[PROTO_KEY_BYTES], const uint8_t *msg, size_t len, uint8_t *out,
                 cm_err *err) __attribute__((warn_unused_result));

/* Open clen bytes of c sealed to kp's public key; out must hold
 * clen - PROTO_SEAL_OVERHEAD bytes, *len_out gets that.  CM_PROTO_TRUNCATED
 * for fewer than PROTO_SEAL_OVERHEAD bytes or more than the largest sealed
 * message, CM_PROTO_BAD_SIGNATURE when the box was not sealed to this key or
 * was altered.  The converted secret key is wiped on every path. */
cm_rc proto_seal_open(const proto_keypair *kp, const uint8_t *c, size_t clen, uint8_t *out,
                      size_t *len_out, cm_err *err) __attribute__((warn_unused_result));

#endif
