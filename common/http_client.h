/* http_client.h - every outbound HTTP request (libcurl): connect and transfer
 * timeouts, a cap on the answer, HTTPS with certificate verification (and an
 * optional CA file), and requests signed with the caller's key. */
#ifndef LINLI_COMMON_HTTP_CLIENT_H
#define LINLI_COMMON_HTTP_CLIENT_H

#include <stddef.h>
#include <stdint.h>

#include "../protocol/keys.h"
#include "buf.h"
#include "rc.h"

/* A connection kept between requests to one peer (cm_client_opts.conn):
 * the requests of a sync pass then share one TCP connection (and one TLS
 * handshake) instead of opening one each.  Used by one request at a time
 * (the caller sees to it); a peer that closes it is reconnected to. */
typedef struct cm_client_conn cm_client_conn;

/* A new kept connection (nothing is connected yet); NULL when out of memory
 * or libcurl cannot be loaded (requests then open their own, as without). */
cm_client_conn *cm_client_conn_new(void);
/* Close and free; NULL is fine. */
void cm_client_conn_free(cm_client_conn *conn);

typedef struct cm_client_opts {
  long connect_timeout_ms;   /* default 5000 when 0 */
  long timeout_ms;           /* whole transfer; default 25000 when 0 */
  const char *ca_file;       /* extra CA (the district's own), or NULL */
  size_t max_response;       /* default 64 MiB when 0 */
  const proto_keypair *sign_with; /* when set, send X-Linli-Key/Time/Signature */
  int64_t clock_offset_ms;   /* added to our clock for the signed time */
  int64_t *clock_offset_out; /* optional: when a signed request is refused as stale (401
                                PROTO_STALE_REQUEST) it is retried once with the offset
                                taken from the hub's X-Linli-Time; the offset used is
                                written here so the caller can keep it */
  cm_client_conn *conn;      /* optional: the connection to use and keep (above) */
} cm_client_opts;

typedef struct cm_client_result {
  long status;               /* HTTP status, 0 if no answer */
  cm_buf body;               /* answer body; free with cm_client_result_free */
  char content_type[128];
  uint64_t server_time_ms;   /* from the X-Linli-Time answer header, 0 if none */
} cm_client_result;

/* One-time global init (curl_global_init); call at program start. */
cm_rc cm_client_global_init(void);

/* 1 while a cm_client_global_init is loading libcurl (it has begun and not
 * returned).  Meanwhile the dynamic loader holds a lock that pthread_create
 * waits for (about 10 ms here: libcurl brings some thirty libraries), so work
 * meant for a new thread is better done on the caller's. */
int cm_client_loading(void);

/* Perform method url with body (may be NULL).  CM_ERR_NETWORK when the peer
 * cannot be reached or times out (err says which and what to check); any HTTP
 * status is CM_OK with res->status set.  Caller frees res with
 * cm_client_result_free. */
cm_rc cm_client_request(const char *method, const char *url, const char *content_type,
                        const uint8_t *body, size_t body_len, const cm_client_opts *opts,
                        cm_client_result *res_out, cm_err *err);

void cm_client_result_free(cm_client_result *res);

#endif
