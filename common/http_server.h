/* http_server.h - the HTTP server wrapper (libmicrohttpd) both programs serve
 * with: a thread pool, a cap on request bodies (413 past it), optional TLS, and a
 * route table matched by method and path pattern.  Per-request memory belongs to
 * the request and is freed when the response has been queued. */
#ifndef LINLI_COMMON_HTTP_SERVER_H
#define LINLI_COMMON_HTTP_SERVER_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "rc.h"

struct json_t; /* jansson's; declared here so this header stands alone */
typedef struct cm_http_server cm_http_server;
typedef struct cm_http_req cm_http_req;

/* What a handler fills in.  Defaults: status 200, no body. */
typedef struct cm_http_resp {
  int status;
  const char *content_type;   /* static string, e.g. "application/json" */
  cm_buf body;                /* response bytes (max 256 MiB) */
  char headers[1024];         /* extra "Name: value\r\n" lines, see cm_http_resp_header */
  size_t headers_len;
} cm_http_resp;

typedef void (*cm_http_handler)(cm_http_req *req, cm_http_resp *resp, void *ctx);

/* A route: method ("GET", "POST", or NULL for any) and a pattern where "{}"
 * matches one non-empty path segment and a trailing "*" matches any rest,
 * e.g. "/api/v1/heads/{}". */
typedef struct cm_http_route {
  const char *method;
  const char *pattern;
  cm_http_handler handler;
  const char *help;           /* one line for docs and logs */
} cm_http_route;

typedef struct cm_http_config {
  const char *listen;          /* "127.0.0.1:8443"; port 0 picks a free port */
  const cm_http_route *routes; /* tried in order; no match gives 404 */
  size_t n_routes;
  void *ctx;                   /* passed to every handler */
  size_t max_body;             /* request bodies over this get 413 */
  /* 0: a body over max_body is answered 413 (JSON) here.  1: it is read and
   * dropped (up to a hard limit), then the route runs with an empty body and
   * cm_http_body_too_large() true, so that a page can answer in its own words. */
  int route_too_large;
  unsigned threads;            /* worker threads (default 4 when 0) */
  const char *cert_file;       /* PEM; both set means TLS */
  const char *key_file;
  /* When check_host is set, a request whose Host header names neither a
   * loopback name (localhost, 127.x.y.z, [::1]), nor the listen host, nor one
   * of hosts (comma-separated names, may be NULL) gets 421 before any route
   * runs: a page reached through a name that only resolves to us by DNS
   * rebinding is not ours to answer.  The port is not compared (a proxy or a
   * forwarded port changes it). */
  int check_host;
  const char *hosts;
  /* When not 0 (and below max_body): the cap of every body that is not
   * multipart/form-data, so that only a page's file form may be large. */
  size_t max_form_body;
  /* When set: what answers a path no route knows, for a request that wants a
   * page (cm_http_wants_page), so that a browser sees the program's own error
   * page.  Otherwise, and for the API, a JSON 404 in Chinese. */
  cm_http_handler not_found;
} cm_http_config;

/* *loopback_out = 1 when every address the listen string ("host:port",
 * "[v6]:port") resolves to is in 127.0.0.0/8 or is ::1; 0 for any other
 * address, a wildcard ("0.0.0.0", "[::]", "", "*") included.  CM_ERR_INVALID
 * for a listen string that does not parse or resolve. */
cm_rc cm_http_listen_loopback(const char *listen, int *loopback_out, cm_err *err);

/* The host part of a listen string ("host:port", "[v6]:port") into out: with
 * for_url 0 as bound (a wildcard "", "*", "0.0.0.0" as "0.0.0.0", "::" and
 * "[::]" as "[::]"), with for_url 1 as a browser on this machine reaches it
 * (a wildcard as "127.0.0.1" or "[::1]").  Cut to cap. */
void cm_http_listen_host(const char *listen, int for_url, char *out, size_t cap);

/* Bind and start serving in background threads.  Under TLS every answer
 * carries Strict-Transport-Security. */
cm_rc cm_http_start(const cm_http_config *cfg, cm_http_server **srv_out, cm_err *err);

/* The port actually bound (useful with port 0). */
uint16_t cm_http_port(const cm_http_server *srv);

/* Stop accepting, finish running requests, free.  NULL is fine. */
void cm_http_stop(cm_http_server *srv);

/* Request accessors.  Strings stay valid until the handler returns. */
const char *cm_http_method(const cm_http_req *req);
const char *cm_http_path(const cm_http_req *req);     /* path without query, decoded */
const char *cm_http_target(const cm_http_req *req);   /* path?query exactly as sent */
const char *cm_http_param(const cm_http_req *req, unsigned i); /* i-th "{}" of the route */
const char *cm_http_query(const cm_http_req *req, const char *name);  /* NULL if absent */
const char *cm_http_header(const cm_http_req *req, const char *name); /* NULL if absent */
const char *cm_http_cookie(const cm_http_req *req, const char *name); /* NULL if absent */
const uint8_t *cm_http_body(const cm_http_req *req, size_t *len_out);
/* Field of an application/x-www-form-urlencoded body (decoded) or a text part
 * of a multipart/form-data one, NULL if absent.
 * When a field repeats, index picks the occurrence (0 first). */
const char *cm_http_form(const cm_http_req *req, const char *name, unsigned index);
/* The file part named name of a multipart/form-data body: its bytes (inside
 * the body; *len_out may be 0 for an empty file) and *filename_out as the
 * browser sent it; NULL when there is none.  The body's text parts are read by
 * cm_http_form(). */
const uint8_t *cm_http_form_file(const cm_http_req *req, const char *name, size_t *len_out,
                                 const char **filename_out);
int cm_http_is_tls(const cm_http_req *req);
/* 1 when the body went over its cap (and was dropped), or when the text
 * parts of a multipart form together pass max_form_body (only files may make
 * a form large: its fields are dropped then). */
int cm_http_body_too_large(const cm_http_req *req);
const char *cm_http_peer(const cm_http_req *req);     /* "127.0.0.1" */
/* 1 when the answer should be a page, not JSON: a path outside /api/, or a
 * browser (Accept names text/html). */
int cm_http_wants_page(const cm_http_req *req);

/* Response helpers. */
cm_rc cm_http_resp_set(cm_http_resp *resp, int status, const char *content_type,
                       const void *data, size_t len);
cm_rc cm_http_resp_header(cm_http_resp *resp, const char *name, const char *value);
/* JSON error body: {"error":"PROTO_GAP","code":113,"message":"..."} plus extra
 * (may be NULL; its fields are merged; the reference is stolen). */
void cm_http_resp_error(cm_http_resp *resp, int status, cm_rc rc, const char *message,
                        struct json_t *extra);
/* Serialise j (reference stolen) as the body with status. */
void cm_http_resp_json(cm_http_resp *resp, int status, struct json_t *j);

#endif
