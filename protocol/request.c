/* request.c - signatures over HTTP requests (method, target, time, body hash). */
#include "request.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "wire.h"

#define REQUEST_MAGIC "LNRQ"
#define REQUEST_VERSION 1
#define REQUEST_METHOD_MAX 255u
#define REQUEST_PATH_MAX 65535u

/* The signed message for rq and body; *msg_out malloc'd.  CM_ERR_INVALID for a
 * missing or over-long method or path (they have u8 and u16 lengths). */
static cm_rc request_msg(const proto_request *rq, const uint8_t *body, size_t body_len,
                         uint8_t **msg_out, size_t *len_out) {
  size_t ml = 0, pl = 0;
  uint8_t *msg = NULL;
  uint8_t bh[PROTO_HASH_BYTES];

  *msg_out = NULL;
  if (!rq->method || !rq->path || (body_len && !body)) return CM_ERR_INVALID;
  ml = strlen(rq->method);
  pl = strlen(rq->path);
  if (ml < 1 || ml > REQUEST_METHOD_MAX || pl < 1 || pl > REQUEST_PATH_MAX)
    return CM_ERR_INVALID;
  size_t len = 4 + 1 + PROTO_KEY_BYTES + 8 + 1 + ml + 2 + pl + PROTO_HASH_BYTES;
  msg = malloc(len);
  if (!msg) return CM_ERR_NOMEM;
  proto_hash(body, body_len, bh);
  wire_wr w = {msg};
  wire_w_bytes(&w, REQUEST_MAGIC, 4);
  wire_w_u8(&w, REQUEST_VERSION);
  wire_w_bytes(&w, rq->key, PROTO_KEY_BYTES);
  wire_w_u64(&w, rq->time_ms);
  wire_w_u8(&w, (uint8_t)ml);
  wire_w_bytes(&w, rq->method, ml);
  wire_w_u16(&w, (uint16_t)pl);
  wire_w_bytes(&w, rq->path, pl);
  wire_w_bytes(&w, bh, PROTO_HASH_BYTES);
  *msg_out = msg;
  *len_out = len;
  return CM_OK;
}

cm_rc proto_request_sign(proto_request *rq, const proto_keypair *kp, const uint8_t *body,
                         size_t body_len) {
  uint8_t *msg = NULL;
  size_t len = 0;
  cm_rc rc = CM_OK;

  memcpy(rq->key, kp->pk, PROTO_KEY_BYTES);
  rc = proto_init();
  if (!rc) rc = request_msg(rq, body, body_len, &msg, &len);
  if (!rc && crypto_sign_detached(rq->sig, NULL, msg, len, kp->sk) != 0) rc = CM_ERR_CRYPTO;
  free(msg);
  return rc;
}

cm_rc proto_request_verify(const proto_request *rq, const uint8_t *body, size_t body_len,
                           uint64_t now_ms, uint64_t window_ms, cm_err *err) {
  uint8_t *msg = NULL;
  size_t len = 0;
  cm_rc rc = proto_init();

  if (rc) {
    cm_errf(err, rc, "signed request: libsodium failed to start");
    goto out;
  }
  rc = request_msg(rq, body, body_len, &msg, &len);
  if (rc) {
    cm_errf(err, rc, "signed request: method or path missing or too long");
    goto out;
  }
  /* signature first: a forged request learns nothing about our clock */
  if (crypto_sign_verify_detached(rq->sig, msg, len, rq->key) != 0) {
    rc = cm_errf(err, CM_PROTO_BAD_SIGNATURE, "signed request: signature does not verify");
    goto out;
  }
  uint64_t diff = now_ms > rq->time_ms ? now_ms - rq->time_ms : rq->time_ms - now_ms;
  if (diff > window_ms) {
    rc = cm_errf(err, CM_PROTO_STALE_REQUEST,
                 "signed request: its time is %llu ms from ours (allowed %llu); fix the clock",
                 (unsigned long long)diff, (unsigned long long)window_ms);
    goto out;
  }
out:
  free(msg);
  return rc;
}
