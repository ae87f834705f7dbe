/* receipt.c - a hub's signed acknowledgement of an author's head. */
#include "receipt.h"

#include <sodium.h>
#include <string.h>

#include "changeset.h"
#include "wire.h"

#define RECEIPT_SIGNED_BYTES (PROTO_RECEIPT_BYTES - PROTO_SIG_BYTES)

static void receipt_write(const proto_receipt *r, uint8_t out[PROTO_RECEIPT_BYTES]) {
  wire_wr w = {out};
  wire_w_bytes(&w, PROTO_RECEIPT_MAGIC, 4);
  wire_w_u8(&w, PROTO_RECEIPT_VERSION);
  wire_w_u8(&w, PROTO_SUITE_ED25519_BLAKE2B_DEFLATE);
  wire_w_bytes(&w, r->hub, PROTO_KEY_BYTES);
  wire_w_bytes(&w, r->author, PROTO_KEY_BYTES);
  wire_w_u64(&w, r->seq);
  wire_w_bytes(&w, r->head_hash, PROTO_HASH_BYTES);
  wire_w_u64(&w, r->time_ms);
  wire_w_bytes(&w, r->sig, PROTO_SIG_BYTES);
}

cm_rc proto_receipt_sign(proto_receipt *r, const proto_keypair *kp,
                         uint8_t out[PROTO_RECEIPT_BYTES]) {
  if (proto_init() != CM_OK) return CM_ERR_CRYPTO;
  /* one spelling of "nothing held": seq 0 goes with the zero hash */
  if (r->seq == 0 && !wire_is_zero(r->head_hash, PROTO_HASH_BYTES)) return CM_ERR_INVALID;
  memcpy(r->hub, kp->pk, PROTO_KEY_BYTES);
  memset(r->sig, 0, PROTO_SIG_BYTES);
  receipt_write(r, out);
  if (crypto_sign_detached(r->sig, NULL, out, RECEIPT_SIGNED_BYTES, kp->sk) != 0)
    return CM_ERR_CRYPTO;
  memcpy(out + RECEIPT_SIGNED_BYTES, r->sig, PROTO_SIG_BYTES);
  return CM_OK;
}

cm_rc proto_receipt_decode(const uint8_t *buf, size_t len, const uint8_t *expect_hub,
                           proto_receipt *r_out, cm_err *err) {
  wire_rd rd = wire_rd_make(buf, len);
  proto_receipt r;
  uint8_t version = 0, suite = 0;
  cm_rc rc = CM_OK;

  memset(&r, 0, sizeof r);
  if (proto_init() != CM_OK) {
    rc = cm_errf(err, CM_ERR_CRYPTO, "receipt: libsodium failed to start");
    goto out;
  }
  if (!buf || len < PROTO_RECEIPT_BYTES) {
    rc = cm_errf(err, CM_PROTO_TRUNCATED, "receipt: %zu bytes of %d", len, PROTO_RECEIPT_BYTES);
    goto out;
  }
  if (len > PROTO_RECEIPT_BYTES) {
    rc = cm_errf(err, CM_PROTO_TRAILING, "receipt: %zu bytes after it",
                 len - PROTO_RECEIPT_BYTES);
    goto out;
  }
  if (memcmp(buf, PROTO_RECEIPT_MAGIC, 4) != 0) {
    rc = cm_errf(err, CM_PROTO_BAD_MAGIC, "receipt: bad magic");
    goto out;
  }
  rd.p += 4;
  wire_r_u8(&rd, &version);
  wire_r_u8(&rd, &suite);
  if (version != PROTO_RECEIPT_VERSION) {
    rc = cm_errf(err, CM_PROTO_BAD_VERSION, "receipt: unknown version %u", version);
    goto out;
  }
  if (suite != PROTO_SUITE_ED25519_BLAKE2B_DEFLATE) {
    rc = cm_errf(err, CM_PROTO_BAD_SUITE, "receipt: unknown suite %u", suite);
    goto out;
  }
  wire_r_bytes(&rd, r.hub, PROTO_KEY_BYTES);
  wire_r_bytes(&rd, r.author, PROTO_KEY_BYTES);
  wire_r_u64(&rd, &r.seq);
  wire_r_bytes(&rd, r.head_hash, PROTO_HASH_BYTES);
  wire_r_u64(&rd, &r.time_ms);
  wire_r_bytes(&rd, r.sig, PROTO_SIG_BYTES);
  if (crypto_sign_verify_detached(r.sig, buf, RECEIPT_SIGNED_BYTES, r.hub) != 0) {
    rc = cm_errf(err, CM_PROTO_BAD_SIGNATURE, "receipt: signature does not verify");
    goto out;
  }
  if (r.seq == 0 && !wire_is_zero(r.head_hash, PROTO_HASH_BYTES)) {
    rc = cm_errf(err, CM_PROTO_BAD_HEADER, "receipt: seq 0 with a head hash");
    goto out;
  }
  if (expect_hub && sodium_memcmp(expect_hub, r.hub, PROTO_KEY_BYTES) != 0) {
    rc = cm_errf(err, CM_ERR_PERM, "receipt: signed by another hub than the pinned one");
    goto out;
  }
  *r_out = r;
out:
  return rc;
}
