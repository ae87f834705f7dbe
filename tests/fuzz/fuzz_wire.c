/* fuzz_wire.c - libFuzzer target for a whole request as it arrives on the
 * socket: each input is written to a real server (common/http_server.c over
 * libmicrohttpd on 127.0.0.1, started once) whose handler reads what our
 * handlers read: cookies (libmicrohttpd's cookie parser), query and form
 * fields, headers and the body.  Every string handed out must end where its
 * length says (ASan checks each read) and every request gets an answer. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "common/http_server.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static volatile size_t g_sink;

static void touch(const char *s) {
  if (s) g_sink += strlen(s);
}

static void on_any(cm_http_req *req, cm_http_resp *resp, void *ctx) {
  (void)ctx;
  static const char *cookies[] = {"linli_lang", "linli_csrf_1", "linli_staff_1", "linli_hub", ""};
  for (size_t i = 0; i < sizeof cookies / sizeof cookies[0]; i++) touch(cm_http_cookie(req, cookies[i]));
  static const char *fields[] = {"q", "a", "csrf", "name", "month", ""};
  for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
    touch(cm_http_query(req, fields[i]));
    for (unsigned k = 0; k < 3; k++) touch(cm_http_form(req, fields[i], k));
  }
  touch(cm_http_header(req, "Host"));
  touch(cm_http_header(req, "Cookie"));
  touch(cm_http_method(req));
  touch(cm_http_path(req));
  touch(cm_http_target(req));
  touch(cm_http_peer(req));
  size_t n = 0;
  const uint8_t *b = cm_http_body(req, &n);
  if (n && b) g_sink += b[n - 1];
  cm_http_resp_set(resp, 200, "text/plain", "ok", 2);
}

static uint16_t g_port;

static void start_once(void) {
  if (g_port) return;
  signal(SIGPIPE, SIG_IGN);
  static const cm_http_route routes[] = {{NULL, "/*", on_any, "everything"}};
  cm_http_config cfg;
  memset(&cfg, 0, sizeof cfg);
  cfg.listen = "127.0.0.1:0";
  cfg.routes = routes;
  cfg.n_routes = 1;
  cfg.max_body = 64 * 1024;
  cfg.route_too_large = 1;
  cfg.threads = 1;
  cfg.check_host = 1;
  cm_http_server *srv = NULL;
  cm_err err = {0};
  if (cm_http_start(&cfg, &srv, &err) != CM_OK) {
    fprintf(stderr, "fuzz_wire: cannot start the server: %s\n", err.msg);
    abort();
  }
  g_port = cm_http_port(srv);
}

/* One connection: the input, then end of input; read the answer to its end. */
static int exchange(const uint8_t *data, size_t size, char *first, size_t first_size) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) abort();
  /* reset on close (linger 0): no connection is left in TIME_WAIT */
  struct timeval tv = {5, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  struct linger lg = {1, 0};
  setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
  struct sockaddr_in sa;
  memset(&sa, 0, sizeof sa);
  sa.sin_family = AF_INET;
  sa.sin_port = htons(g_port);
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  /* The server closes first, so each connection leaves a TIME_WAIT behind for a
   * minute: at a thousand inputs a second one source address runs out of
   * ports.  Spread them over 127.0.0.2..127.0.0.201 (all loopback). */
  static unsigned turn;
  struct sockaddr_in from;
  memset(&from, 0, sizeof from);
  from.sin_family = AF_INET;
  from.sin_addr.s_addr = htonl(INADDR_LOOPBACK + 1 + (turn++ % 200));
  if (bind(fd, (struct sockaddr *)&from, sizeof from) != 0 ||
      connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
    close(fd); /* the kernel's ports, not the server: no answer to wait for */
    first[0] = '\0';
    return -1;
  }
  size_t off = 0;
  while (off < size) {
    ssize_t w = send(fd, data + off, size - off, MSG_NOSIGNAL);
    if (w <= 0) break; /* the server may close on a bad request: fine */
    off += (size_t)w;
  }
  shutdown(fd, SHUT_WR);
  char buf[4096];
  size_t got = 0;
  for (;;) {
    ssize_t r = recv(fd, buf, sizeof buf, 0);
    if (r <= 0) break;
    if (got < first_size - 1) {
      size_t take = (size_t)r < first_size - 1 - got ? (size_t)r : first_size - 1 - got;
      memcpy(first + got, buf, take);
      got += take;
    }
  }
  first[got] = '\0';
  close(fd);
  return (int)got;
}

/* The input is "COOKIE\0QUERY\0BODY": it becomes one well-framed request (so
 * that every input is answered at once), with the cookie line and the query
 * as sent and the body as a form.  Bytes that would end the header line or
 * the request target are replaced, since framing is not what is fuzzed. */
static size_t piece(const uint8_t **p, size_t *left, char *out, size_t cap, const char *bad) {
  const uint8_t *end = memchr(*p, '\0', *left);
  size_t n = end ? (size_t)(end - *p) : *left;
  size_t w = 0;
  for (size_t i = 0; i < n && w + 1 < cap; i++) {
    char c = (char)(*p)[i];
    out[w++] = strchr(bad, c) ? '_' : c;
  }
  out[w] = '\0';
  *p += n + (end ? 1 : 0);
  *left -= n + (end ? 1 : 0);
  return w;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  start_once();
  if (size > 32 * 1024) return 0;
  static char cookie[8192], query[4096], req[64 * 1024];
  const uint8_t *p = data;
  size_t left = size;
  piece(&p, &left, cookie, sizeof cookie, "\r\n");
  /* At most 2 KiB of query: libmicrohttpd 0.9.75 leaves some longer ones
   * (thousands of empty arguments) unanswered until our head deadline closes
   * the connection (docs/benchmarks.md, "Fuzzing"). */
  piece(&p, &left, query, 2049, "\r\n \t#");
  int n = snprintf(req, sizeof req,
                   "POST /f?%s HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: %s\r\n"
                   "Content-Type: application/x-www-form-urlencoded\r\n"
                   "Content-Length: %zu\r\nConnection: close\r\n\r\n",
                   query, cookie, left);
  if (n < 0 || (size_t)n + left > sizeof req) return 0;
  memcpy(req + n, p, left);
  /* The server counts connections per address (32) and frees a reset one
   * only when its thread gets to it: on a loaded machine a connection can be
   * turned away unanswered.  Try again a while before calling it a fault. */
  char first[64];
  int got = 0;
  for (int attempt = 0; attempt < 40 && got <= 0; attempt++) {
    if (attempt) usleep(50 * 1000);
    got = exchange((const uint8_t *)req, (size_t)n + left, first, sizeof first);
  }
  if (got < 0) return 0; /* no port to connect from even after waiting */
  if (got == 0 || strncmp(first, "HTTP/1.1 ", 9) != 0) {
    fprintf(stderr, "fuzz_wire: no answer to a well-framed request (%s)\n", first);
    abort();
  }
  return 0;
}
