/* keys.h - ed25519 identities: generation, the secret-key text format, hex and
 * the short fingerprint read aloud over the phone at enrolment.
 * No I/O: writing the key file with mode 0600 is common/keyfile.c's job. */
#ifndef LINLI_PROTOCOL_KEYS_H
#define LINLI_PROTOCOL_KEYS_H

#include <stddef.h>
#include <stdint.h>

#include "rc.h"

#define PROTO_KEY_BYTES 32   /* ed25519 public key */
#define PROTO_SEED_BYTES 32  /* ed25519 seed: the secret a key file holds */
#define PROTO_SK_BYTES 64    /* libsodium's expanded secret key (seed || pk) */
#define PROTO_SIG_BYTES 64   /* ed25519 signature */
#define PROTO_HASH_BYTES 32  /* BLAKE2b-256 */
#define PROTO_KEY_HEX 65     /* 64 hex digits + NUL */
#define PROTO_FINGERPRINT_LEN 25 /* "1234 5678 9012 3456 7890" + NUL */
#define PROTO_KEYFILE_MAX 128    /* enough for the key file text */

/* An identity.  sk is secret: wipe with proto_keypair_wipe() when done. */
typedef struct proto_keypair {
  uint8_t pk[PROTO_KEY_BYTES];
  uint8_t sk[PROTO_SK_BYTES];
} proto_keypair;

/* Initialise libsodium once; every proto_ function that needs it calls this. */
cm_rc proto_init(void);

/* A new random keypair.  CM_ERR_CRYPTO if libsodium cannot start. */
cm_rc proto_keypair_generate(proto_keypair *kp_out);

/* The keypair for a fixed seed (test vectors, restore). */
cm_rc proto_keypair_from_seed(const uint8_t seed[PROTO_SEED_BYTES], proto_keypair *kp_out);

/* Zero the secret half. */
void proto_keypair_wipe(proto_keypair *kp);

/* Key file text: "linli-secret-key-v1 ed25519 <64 lowercase hex of the seed>\n".
 * buf must hold PROTO_KEYFILE_MAX bytes; *len_out gets the text length. */
cm_rc proto_keyfile_format(const proto_keypair *kp, char *buf, size_t cap, size_t *len_out);

/* Parse key file text (exactly the format above, trailing newline optional).
 * CM_ERR_KEYFILE with a message on anything else.  Wipes its scratch copies. */
cm_rc proto_keyfile_parse(const char *text, size_t len, proto_keypair *kp_out, cm_err *err);

/* Lowercase hex of a public key into out (PROTO_KEY_HEX bytes, NUL-terminated). */
void proto_key_hex(const uint8_t pk[PROTO_KEY_BYTES], char out[PROTO_KEY_HEX]);

/* Parse 64 hex digits (either case).  CM_ERR_INVALID otherwise. */
cm_rc proto_key_from_hex(const char *hex, uint8_t pk_out[PROTO_KEY_BYTES]);

/* Fingerprint: 20 decimal digits in five groups of four, from BLAKE2b-256 of the
 * key (see docs/protocol.md), e.g. "0412 9931 0087 5521 6630". */
void proto_fingerprint(const uint8_t pk[PROTO_KEY_BYTES], char out[PROTO_FINGERPRINT_LEN]);

/* BLAKE2b-256 of a buffer. */
void proto_hash(const uint8_t *buf, size_t len, uint8_t out[PROTO_HASH_BYTES]);

#endif
