/* receipt.h - a hub's signed statement that it holds an author's log up to a
 * sequence with a given head hash.  Returned for every stored changeset (the
 * node keeps it as proof of acknowledgement) and by GET /api/v1/heads/{author}. */
#ifndef LINLI_PROTOCOL_RECEIPT_H
#define LINLI_PROTOCOL_RECEIPT_H

#include <stddef.h>
#include <stdint.h>

#include "keys.h"

#define PROTO_RECEIPT_MAGIC "LNRC"
#define PROTO_RECEIPT_VERSION 1
#define PROTO_RECEIPT_BYTES (4 + 1 + 1 + 32 + 32 + 8 + 32 + 8 + 64)

typedef struct proto_receipt {
  uint8_t hub[PROTO_KEY_BYTES];       /* signer */
  uint8_t author[PROTO_KEY_BYTES];    /* whose log */
  uint64_t seq;                       /* head sequence held durably (0 = nothing) */
  uint8_t head_hash[PROTO_HASH_BYTES];
  uint64_t time_ms;                   /* hub clock */
  uint8_t sig[PROTO_SIG_BYTES];
} proto_receipt;

/* Set r->hub from kp and sign; encode into out (PROTO_RECEIPT_BYTES). */
cm_rc proto_receipt_sign(proto_receipt *r, const proto_keypair *kp,
                         uint8_t out[PROTO_RECEIPT_BYTES]);

/* Decode and verify (signature by r->hub).  If expect_hub is not NULL the
 * signer must be that key (else CM_ERR_PERM). */
cm_rc proto_receipt_decode(const uint8_t *buf, size_t len, const uint8_t *expect_hub,
                           proto_receipt *r_out, cm_err *err) __attribute__((warn_unused_result));

#endif
