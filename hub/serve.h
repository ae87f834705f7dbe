/* serve.h - `linli-hub serve`: the HTTP API (hub/api.c) behind the server
 * wrapper, plus the forward loop on a street hub with an upstream.
 *
 * hub_serve() is the foreground command; hub_server_start()/_stop() are the
 * same thing without the signal handling, so that tests (and anything else that
 * embeds a hub) can run one in-process and stop it. */
#ifndef LINLI_HUB_SERVE_H
#define LINLI_HUB_SERVE_H

#include <stdint.h>

#include "../common/rc.h"

/* Default listen address of `serve`. */
#define HUB_SERVE_DEFAULT_LISTEN "127.0.0.1:8443"
/* Request bodies over this get 413 (docs/protocol.md). */
#define HUB_SERVE_MAX_BODY ((size_t)32u << 20)
/* Worker threads of the HTTP server. */
#define HUB_SERVE_THREADS 4u

typedef struct hub_server hub_server;

/* How `serve` listens. */
typedef struct hub_serve_opts {
  const char *listen;     /* NULL: HUB_SERVE_DEFAULT_LISTEN */
  const char *cert_file;  /* both set: HTTPS */
  const char *key_file;
  int insecure_http;      /* plain HTTP off loopback is allowed (and warned at every start) */
  const char *hosts;      /* names besides loopback and the listen host accepted in Host
                           * (comma-separated; NULL for none) */
  const char *answer_wait; /* the dashboard's hub_ctx.dash_wait_ms: milliseconds, or
                            * "always" (-1); NULL: the environment's LINLI_ANSWER_WAIT,
                            * else HUB_DASH_WAIT_DEFAULT_MS */
} hub_serve_opts;

/* As hub_server_start, with every option.  A listen address outside loopback
 * without TLS and without insecure_http is CM_ERR_INVALID before anything is
 * opened, with a message saying what to add. */
cm_rc hub_server_start_opts(const char *dir, const hub_serve_opts *o, hub_server **srv_out,
                            cm_err *err);

/* Open the hub in dir, listen on listen (NULL: HUB_SERVE_DEFAULT_LISTEN; port 0
 * picks a free port), with TLS when cert_file and key_file are both set (one
 * without the other is CM_ERR_INVALID), and start the forward loop when the hub
 * is a street hub with an upstream.  Serves in background threads until
 * hub_server_stop.  *srv_out is NULL on failure. */
cm_rc hub_server_start(const char *dir, const char *listen, const char *cert_file,
                       const char *key_file, hub_server **srv_out, cm_err *err);

/* The port actually bound. */
uint16_t hub_server_port(const hub_server *srv);

/* "http://127.0.0.1:PORT/" (https:// with TLS): the URL for the bound port,
 * with the listen host (0.0.0.0 and empty are shown as 127.0.0.1). */
const char *hub_server_url(const hub_server *srv);

/* Stop the forward loop (promptly: it interrupts its wait), stop accepting,
 * finish running requests, close the hub, free.  NULL is fine. */
void hub_server_stop(hub_server *srv);

/* The `serve` command: hub_server_start, print the URL alone as the first line
 * of standard output (flushed), then stay in the foreground until SIGINT or
 * SIGTERM, and stop.  CM_OK after a clean stop. */
cm_rc hub_serve(const char *dir, const hub_serve_opts *o, cm_err *err);

#endif
