/* request.h - a signed HTTP request, for calls where the caller must prove who it
 * is (its own log back, its decisions feed, enrolment).  Sent as three headers:
 * X-Linli-Key (hex), X-Linli-Time (decimal Unix ms), X-Linli-Signature (hex).
 * The signature covers "LNRQ" || 0x01 || key || time || method || path || hash(body). */
#ifndef LINLI_PROTOCOL_REQUEST_H
#define LINLI_PROTOCOL_REQUEST_H

#include <stddef.h>
#include <stdint.h>

#include "keys.h"

#define PROTO_REQUEST_WINDOW_MS (15u * 60u * 1000u) /* allowed clock difference */
#define PROTO_SIG_HEX 129                           /* 128 hex digits + NUL */

typedef struct proto_request {
  uint8_t key[PROTO_KEY_BYTES];
  uint64_t time_ms;
  const char *method;  /* "GET", "POST" (borrowed) */
  const char *path;    /* path and query exactly as sent, e.g. "/api/v1/feed?after=3" */
  uint8_t sig[PROTO_SIG_BYTES];
} proto_request;

/* Fill rq->key from kp and sign method, path, time and body. */
cm_rc proto_request_sign(proto_request *rq, const proto_keypair *kp, const uint8_t *body,
                         size_t body_len);

/* Verify: the signature over the given body, and |now_ms - time_ms| <= window_ms
 * (else CM_PROTO_STALE_REQUEST). */
cm_rc proto_request_verify(const proto_request *rq, const uint8_t *body, size_t body_len,
                           uint64_t now_ms, uint64_t window_ms, cm_err *err)
    __attribute__((warn_unused_result));

#endif
