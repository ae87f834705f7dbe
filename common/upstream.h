/* upstream.h - the client side of the HTTP exchange in docs/protocol.md, shared by
 * the node's sync and the street hub's forward to the district ("the same client
 * code").  Every answer that a hub signs is verified against the pinned hub key
 * before it is returned. */
#ifndef LINLI_COMMON_UPSTREAM_H
#define LINLI_COMMON_UPSTREAM_H

#include <stddef.h>
#include <stdint.h>

#include "../protocol/receipt.h"
#include "http_client.h"
#include "rc.h"

/* One verified receipt and its exact bytes (what the node stores as proof). */
typedef struct cm_receipt {
  proto_receipt r;
  uint8_t raw[PROTO_RECEIPT_BYTES];
} cm_receipt;

typedef struct cm_push_result {
  long status;                 /* HTTP status */
  cm_receipt *receipts;        /* 200: one per changeset author head (malloc'd) */
  size_t n_receipts;
  int has_gap;                 /* 409: the hub wants gap_author from expected_seq */
  uint8_t gap_author[PROTO_KEY_BYTES];
  uint64_t expected_seq;
  char error[64];              /* error name from the body ("PROTO_GAP"), or "" */
  char message[512];           /* error message from the body, or "" */
  uint64_t server_time_ms;     /* hub clock from X-Linli-Time, 0 if absent */
} cm_push_result;

/* POST base_url/api/v1/changesets with a bundle.  CM_OK for any HTTP answer
 * (inspect res->status); CM_ERR_NETWORK if unreachable; CM_PROTO_* if a receipt
 * does not verify against hub_key (hub_key NULL: accept any signer and the
 * caller pins res->receipts[0].r.hub).  Free with cm_push_result_free. */
cm_rc cm_upstream_push(const char *base_url, const uint8_t *hub_key, const uint8_t *bundle,
                       size_t bundle_len, const cm_client_opts *opts, cm_push_result *res_out,
                       cm_err *err);
void cm_push_result_free(cm_push_result *res);

/* GET base_url/api/v1/heads/{author}: the hub's signed head for author
 * (seq 0 when it holds nothing).  CM_ERR_HTTP on a non-200 answer. */
cm_rc cm_upstream_head(const char *base_url, const uint8_t *hub_key, const uint8_t *author,
                       const cm_client_opts *opts, cm_receipt *head_out, cm_err *err);

/* Signed GET base_url/api/v1/log/{opts->sign_with->pk}?after=N: a bundle of the
 * stored changesets holding entries after N (*out malloc'd; may hold 0
 * changesets).  The caller decodes and verifies each changeset. */
cm_rc cm_upstream_log(const char *base_url, uint64_t after, const cm_client_opts *opts,
                      uint8_t **out, size_t *len_out, cm_err *err);
/* The same for another author's log (a street hub reading one of its
 * communities' logs at the district). */
cm_rc cm_upstream_log_of(const char *base_url, const uint8_t *author, uint64_t after,
                         const cm_client_opts *opts, uint8_t **out, size_t *len_out, cm_err *err);

/* Signed GET base_url/api/v1/feed?after=N: feed bytes (proto_feed_decode them
 * against the pinned hub key). *out malloc'd. */
cm_rc cm_upstream_feed(const char *base_url, uint64_t after, const cm_client_opts *opts,
                       uint8_t **out, size_t *len_out, cm_err *err);

/* Unsigned GET /api/v1/peek/{key}?after=N: *more_out 0 when the hub's feed for
 * key holds nothing after N (204), else 1 (200, or 404 from an older hub). */
cm_rc cm_upstream_peek(const char *base_url, const uint8_t key[PROTO_KEY_BYTES], uint64_t after,
                       const cm_client_opts *opts, int *more_out, cm_err *err);

/* Signed POST base_url/api/v1/enroll with a JSON body.  *status_out: 200 enrolled,
 * 202 waiting for the operator; *hub_key_out gets the hub key from the answer
 * (to be compared with a pinned one or pinned now). */
cm_rc cm_upstream_enroll(const char *base_url, const char *json_body, const cm_client_opts *opts,
                         long *status_out, uint8_t hub_key_out[PROTO_KEY_BYTES], cm_err *err);

#endif
