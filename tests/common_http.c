/* common_http.c - the HTTP server wrapper and the client, against each other
 * on 127.0.0.1 with an ephemeral port: routes and parameters, query and form
 * decoding, 404/405/413, headers, signed requests verified by the server (and
 * the stale-clock retry), answer caps, timeouts, unreachable peers, TLS, and
 * malformed requests over a raw socket; a kept connection (cm_client_conn)
 * against a raw server that counts its connections. */
#include <errno.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "common/clock.h"
#include "common/codec.h"
#include "common/http_client.h"
#include "common/http_server.h"
#include "common/json.h"
#include "protocol/request.h"

/* ---- handlers ---- */

static void h_hello(cm_http_req *req, cm_http_resp *resp, void *ctx) {
  (void)req;
  (void)ctx;
  cm_http_resp_set(resp, 200, "text/plain; charset=utf-8", "hello", 5);
}

static void h_params(cm_http_req *req, cm_http_resp *resp, void *ctx) {
  (void)ctx;
  json_t *j = json_object();
  json_object_set_new(j, "p0", json_string(cm_http_param(req, 0)));
  const char *p1 = cm_http_param(req, 1);
  json_object_set_new(j, "p1", p1 ? json_string(p1) : json_null());
  json_object_set_new(j, "p2", cm_http_param(req, 2) ? json_true() : json_null());
  json_object_set_new(j, "path", json_string(cm_http_path(req)));
  json_object_set_new(j, "target", json_string(cm_http_target(req)));
  json_object_set_new(j, "method", json_string(cm_http_method(req)));
  cm_http_resp_json(resp, 200, j);
}

static void h_query(cm_http_req *req, cm_http_resp *resp, void *ctx) {
  (void)ctx;
  json_t *j = json_object();
  const char *names[] = {"a", "b", "empty", "flag", "zh", "missing"};
  for (size_t i = 0; i < 6; i++) {
    const char *v = cm_http_query(req, names[i]);
    json_object_set_new(j, names[i], v ? json_string(v) : json_null());
  }
  cm_http_resp_json(resp, 200, j);
}

static void h_form(cm_http_req *req, cm_http_resp *resp, void *ctx) {
  (void)ctx;
  json_t *j = json_object();
  const char *v;
  json_object_set_new(j, "name", (v = cm_http_form(req, "name", 0)) ? json_string(v) : json_null());
  json_object_set_new(j, "tag0", (v = cm_http_form(req, "tag", 0)) ? json_string(v) : json_null());
  json_object_set_new(j, "tag1", (v = cm_http_form(req, "tag", 1)) ? json_string(v) : json_null());
  json_object_set_new(j, "tag2", (v = cm_http_form(req, "tag", 2)) ? json_string(v) : json_null());
  json_object_set_new(j, "bad", (v = cm_http_form(req, "bad", 0)) ? json_string(v) : json_null());
  json_object_set_new(j, "nul", (v = cm_http_form(req, "nul", 0)) ? json_string(v) : json_null());
  size_t flen = 0;
  const char *fname = NULL;
  const uint8_t *f = cm_http_form_file(req, "file", &flen, &fname);
  if (f) {
    json_object_set_new(j, "file_len", json_integer((json_int_t)flen));
    json_object_set_new(j, "file_name", json_string(fname));
    json_object_set_new(j, "file_nul", json_boolean(flen > 3 && f[3] == 0));
  }
  cm_http_resp_json(resp, 200, j);
}

static void h_echo(cm_http_req *req, cm_http_resp *resp, void *ctx) {
  (void)ctx;
  size_t len = 0;
  const uint8_t *b = cm_http_body(req, &len);
  cm_http_resp_set(resp, 201, "application/octet-stream", b, len);
}

static void h_hdr(cm_http_req *req, cm_http_resp *resp, void *ctx) {
  (void)ctx;
  json_t *j = json_object();
  const char *v = cm_http_header(req, "x-test");
  json_object_set_new(j, "x-test", v ? json_string(v) : json_null());
  v = cm_http_cookie(req, "sid");
  json_object_set_new(j, "sid", v ? json_string(v) : json_null());
  json_object_set_new(j, "peer", json_string(cm_http_peer(req)));
  json_object_set_new(j, "tls", json_integer(cm_http_is_tls(req)));
  cm_http_resp_json(resp, 200, j);
  cm_http_resp_header(resp, "X-Extra", "yes");
  /* injection attempts are refused */
  if (cm_http_resp_header(resp, "X-Bad", "a\r\nSet-Cookie: x=1") != CM_ERR_INVALID)
    resp->status = 500;
}

static void h_error(cm_http_req *req, cm_http_resp *resp, void *ctx) {
  (void)req;
  (void)ctx;
  json_t *extra = json_object();
  json_object_set_new(extra, "expected_seq", json_integer(8));
  cm_http_resp_error(resp, 409, CM_PROTO_GAP, "resume from 8", extra);
}

static void h_big(cm_http_req *req, cm_http_resp *resp, void *ctx) {
  (void)req;
  (void)ctx;
  static char big[100000];
  memset(big, 'x', sizeof big);
  cm_http_resp_set(resp, 200, "text/plain", big, sizeof big);
}

static void h_slow(cm_http_req *req, cm_http_resp *resp, void *ctx) {
  (void)req;
  (void)ctx;
  struct timespec ts = {1, 500000000};
  nanosleep(&ts, NULL);
  cm_http_resp_set(resp, 200, "text/plain", "late", 4);
}

static void h_static(cm_http_req *req, cm_http_resp *resp, void *ctx) {
  (void)ctx;
  const char *p = cm_http_path(req);
  cm_http_resp_set(resp, 200, "text/plain", p, strlen(p));
}

/* The server side of a signed request, as a hub does it. */
static void h_signed(cm_http_req *req, cm_http_resp *resp, void *ctx) {
  (void)ctx;
  const char *key = cm_http_header(req, "X-Linli-Key");
  const char *t = cm_http_header(req, "X-Linli-Time");
  const char *sig = cm_http_header(req, "X-Linli-Signature");
  proto_request rq;
  cm_err err;
  cm_err_clear(&err);
  memset(&rq, 0, sizeof rq);
  if (!key || !t || !sig || proto_key_from_hex(key, rq.key) != CM_OK ||
      cm_hex_decode(sig, 0, rq.sig, sizeof rq.sig) != CM_OK) {
    cm_http_resp_error(resp, 401, CM_PROTO_BAD_SIGNATURE, "missing or malformed signature", NULL);
    return;
  }
  rq.time_ms = strtoull(t, NULL, 10);
  rq.method = cm_http_method(req);
  rq.path = cm_http_target(req);
  size_t len = 0;
  const uint8_t *body = cm_http_body(req, &len);
  cm_rc rc = proto_request_verify(&rq, body, len, cm_now_ms(), PROTO_REQUEST_WINDOW_MS, &err);
  if (rc) {
    cm_http_resp_error(resp, 401, rc, err.msg, NULL);
    return;
  }
  json_t *j = json_object();
  json_object_set_new(j, "key", json_string(key));
  json_object_set_new(j, "len", json_integer((json_int_t)len));
  cm_http_resp_json(resp, 200, j);
}

static const cm_http_route routes[] = {
    {"GET", "/hello", h_hello, "greeting"},
    {"GET", "/api/v1/heads/{}", h_params, "one parameter"},
    {"GET", "/items/{}/sub/{}", h_params, "two parameters"},
    {"GET", "/query", h_query, "query fields"},
    {"POST", "/form", h_form, "form fields"},
    {"POST", "/echo", h_echo, "echo the body"},
    {NULL, "/hdr", h_hdr, "headers, any method"},
    {"GET", "/error", h_error, "an error body"},
    {"GET", "/big", h_big, "100 kB"},
    {"GET", "/slow", h_slow, "1.5 s"},
    {"GET", "/static/*", h_static, "any rest"},
    {"GET", "/signed", h_signed, "signed GET"},
    {"POST", "/signed", h_signed, "signed POST"},
};

/* ---- fixtures ---- */

static cm_http_server *srv;
static char base[64];

static int start(void **state) {
  (void)state;
  cm_http_config cfg;
  memset(&cfg, 0, sizeof cfg);
  cfg.listen = "127.0.0.1:0";
  cfg.routes = routes;
  cfg.n_routes = sizeof routes / sizeof routes[0];
  cfg.max_body = 1024;
  cfg.threads = 2;
  cm_err err;
  if (cm_client_global_init() != CM_OK || proto_init() != CM_OK) return -1;
  if (cm_http_start(&cfg, &srv, &err) != CM_OK) {
    fprintf(stderr, "start: %s\n", err.msg);
    return -1;
  }
  if (cm_http_port(srv) == 0) return -1;
  snprintf(base, sizeof base, "http://127.0.0.1:%u", (unsigned)cm_http_port(srv));
  return 0;
}

static int stop(void **state) {
  (void)state;
  cm_http_stop(srv);
  srv = NULL;
  return 0;
}

static cm_rc req(const char *method, const char *path, const char *ct, const void *body, size_t len,
                 const cm_client_opts *o, cm_client_result *res, cm_err *err) {
  char url[512];
  snprintf(url, sizeof url, "%s%s", base, path);
  return cm_client_request(method, url, ct, body, len, o, res, err);
}

static json_t *body_json(const cm_client_result *res) {
  json_t *j = NULL;
  cm_err err;
  if (cm_json_parse_object(res->body.p, res->body.len, &j, &err) != CM_OK)
    fail_msg("answer is not JSON: %s (%.*s)", err.msg, (int)res->body.len, (char *)res->body.p);
  return j;
}

static const char *jstr(json_t *j, const char *k) {
  return json_string_value(json_object_get(j, k));
}

/* Raw request over a socket; returns the whole answer (caller frees). */
static char *raw(const char *request, size_t len) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in sa;
  memset(&sa, 0, sizeof sa);
  sa.sin_family = AF_INET;
  sa.sin_port = htons(cm_http_port(srv));
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) return NULL;
  struct timeval tv = {2, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  size_t off = 0;
  while (off < len) {
    ssize_t w = send(fd, request + off, len - off, MSG_NOSIGNAL);
    if (w <= 0) break;
    off += (size_t)w;
  }
  shutdown(fd, SHUT_WR);
  size_t cap = 65536, n = 0;
  char *out = malloc(cap);
  for (;;) {
    ssize_t r = recv(fd, out + n, cap - 1 - n, 0);
    if (r <= 0) break;
    n += (size_t)r;
    if (n >= cap - 1) break;
  }
  out[n] = '\0';
  close(fd);
  return out;
}

/* Sends request and keeps the socket open for writing (a client that waits
 * for an answer).  1 when the server answered or closed within 5 s, 0 when it
 * still held the connection silently then. */
static int answered_or_closed(const char *request, size_t len) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in sa;
  memset(&sa, 0, sizeof sa);
  sa.sin_family = AF_INET;
  sa.sin_port = htons(cm_http_port(srv));
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) return 0;
  struct timeval tv = {5, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  size_t off = 0;
  while (off < len) {
    ssize_t w = send(fd, request + off, len - off, MSG_NOSIGNAL);
    if (w <= 0) break;
    off += (size_t)w;
  }
  char b[512];
  ssize_t r = recv(fd, b, sizeof b, 0);
  int timed_out = r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
  close(fd);
  return !timed_out;
}

/* ---- tests ---- */

static void test_routes_and_params(void **state) {
  (void)state;
  cm_client_result res;
  cm_err err;
  assert_int_equal(req("GET", "/hello", NULL, NULL, 0, NULL, &res, &err), CM_OK);
  assert_int_equal(res.status, 200);
  assert_int_equal(res.body.len, 5);
  assert_memory_equal(res.body.p, "hello", 5);
  assert_string_equal(res.content_type, "text/plain; charset=utf-8");
  uint64_t now = cm_now_ms();
  assert_true(res.server_time_ms > now - 60000 && res.server_time_ms <= now + 1000);
  cm_client_result_free(&res);

  assert_int_equal(req("GET", "/api/v1/heads/abc%20d", NULL, NULL, 0, NULL, &res, &err), CM_OK);
  assert_int_equal(res.status, 200);
  assert_string_equal(res.content_type, "application/json");
  json_t *j = body_json(&res);
  assert_string_equal(jstr(j, "p0"), "abc d");
  assert_true(json_is_null(json_object_get(j, "p1")));
  assert_string_equal(jstr(j, "path"), "/api/v1/heads/abc d");
  assert_string_equal(jstr(j, "target"), "/api/v1/heads/abc%20d");
  json_decref(j);
  cm_client_result_free(&res);

  assert_int_equal(req("GET", "/items/7/sub/x?y=1", NULL, NULL, 0, NULL, &res, &err), CM_OK);
  j = body_json(&res);
  assert_string_equal(jstr(j, "p0"), "7");
  assert_string_equal(jstr(j, "p1"), "x");
  assert_true(json_is_null(json_object_get(j, "p2")));
  assert_string_equal(jstr(j, "target"), "/items/7/sub/x?y=1");
  assert_string_equal(jstr(j, "path"), "/items/7/sub/x");
  json_decref(j);
  cm_client_result_free(&res);

  /* "{}" needs a non-empty segment and matches only one */
  static const char *const nomatch[] = {
      "/api/v1/heads/", "/api/v1/heads/a/b", "/items//sub/x", "/hello/", "/hell", "/static"};
  for (size_t i = 0; i < sizeof nomatch / sizeof nomatch[0]; i++) {
    assert_int_equal(req("GET", nomatch[i], NULL, NULL, 0, NULL, &res, &err), CM_OK);
    if (res.status != 404) fail_msg("%s gave %ld", nomatch[i], res.status);
    cm_client_result_free(&res);
  }
  assert_int_equal(req("GET", "/static/css/a.css", NULL, NULL, 0, NULL, &res, &err), CM_OK);
  assert_int_equal(res.status, 200);
  assert_memory_equal(res.body.p, "/static/css/a.css", 17);
  cm_client_result_free(&res);
  assert_int_equal(req("GET", "/static/", NULL, NULL, 0, NULL, &res, &err), CM_OK);
  assert_int_equal(res.status, 200);
  cm_client_result_free(&res);
}

static void test_404_405(void **state) {
  (void)state;
  cm_client_result res;
  cm_err err;
  assert_int_equal(req("GET", "/nope", NULL, NULL, 0, NULL, &res, &err), CM_OK);
  assert_int_equal(res.status, 404);
  assert_string_equal(res.content_type, "application/json");
  assert_true(res.server_time_ms > 0);
  json_t *j = body_json(&res);
  assert_string_equal(jstr(j, "error"), "NOT_FOUND");
  assert_int_equal(json_integer_value(json_object_get(j, "code")), CM_ERR_NOT_FOUND);
  assert_non_null(strstr(jstr(j, "message"), "/nope"));
  json_decref(j);
  cm_client_result_free(&res);
  assert_int_equal(req("POST", "/hello", "text/plain", "x", 1, NULL, &res, &err), CM_OK);
  assert_int_equal(res.status, 405);
  cm_client_result_free(&res);
  /* a route with a NULL method takes any */
  assert_int_equal(req("DELETE", "/hdr", NULL, NULL, 0, NULL, &res, &err), CM_OK);
  assert_int_equal(res.status, 200);
  cm_client_result_free(&res);
}

static void test_query(void **state) {
  (void)state;
  cm_client_result res;
  cm_err err;
  assert_int_equal(req("GET", "/query?a=1+2&b=%E7%A4%BE%E5%8C%BA&empty=&flag&a=second&zh=%ZZ", NULL,
                       NULL, 0, NULL, &res, &err),
                   CM_OK);
  assert_int_equal(res.status, 200);
  json_t *j = body_json(&res);
  assert_string_equal(jstr(j, "a"), "1 2"); /* first occurrence, + is a space */
  assert_string_equal(jstr(j, "b"), "社区");
  assert_string_equal(jstr(j, "empty"), "");
  assert_string_equal(jstr(j, "flag"), "");
  assert_string_equal(jstr(j, "zh"), "%ZZ"); /* a broken escape stays literal */
  assert_true(json_is_null(json_object_get(j, "missing")));
  json_decref(j);
  cm_client_result_free(&res);
}

static void test_form(void **state) {
  (void)state;
  cm_client_result res;
  cm_err err;
  const char *form = "name=%E6%B2%B3%E5%8C%97+%E5%8C%BA&tag=a&tag=b%26c&bad=%&nul=x%00y&&=z";
  assert_int_equal(req("POST", "/form", "application/x-www-form-urlencoded", form, strlen(form),
                       NULL, &res, &err),
                   CM_OK);
  assert_int_equal(res.status, 200);
  json_t *j = body_json(&res);
  assert_string_equal(jstr(j, "name"), "河北 区");
  assert_string_equal(jstr(j, "tag0"), "a");
  assert_string_equal(jstr(j, "tag1"), "b&c");
  assert_true(json_is_null(json_object_get(j, "tag2")));
  assert_string_equal(jstr(j, "bad"), "%");
  assert_true(json_is_null(json_object_get(j, "nul"))); /* NUL inside: dropped */
  json_decref(j);
  cm_client_result_free(&res);
  /* not a form content type: no fields */
  assert_int_equal(req("POST", "/form", "text/plain", "name=x", 6, NULL, &res, &err), CM_OK);
  j = body_json(&res);
  assert_true(json_is_null(json_object_get(j, "name")));
  json_decref(j);
  cm_client_result_free(&res);
}

/* multipart/form-data: text parts are fields, a part with a filename is a
 * file whose bytes (NUL and CRLF included) come back exactly; a body cut
 * before its closing boundary keeps only the whole parts before. */
static void test_multipart(void **state) {
  (void)state;
  cm_client_result res;
  cm_err err;
  static const char body[] =
      "--XyZ\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\n河北区\r\n"
      "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"合影.png\"\r\n"
      "Content-Type: image/png\r\n\r\nab\r\0\r\n--X\r\n"
      "--XyZ\r\nContent-Disposition: form-data; name=\"nul\"\r\n\r\nx\0y\r\n"
      "--XyZ--\r\n";
  assert_int_equal(req("POST", "/form", "multipart/form-data; boundary=XyZ", body,
                       sizeof body - 1, NULL, &res, &err),
                   CM_OK);
  assert_int_equal(res.status, 200);
  json_t *j = body_json(&res);
  assert_string_equal(jstr(j, "name"), "河北区");
  assert_string_equal(jstr(j, "file_name"), "合影.png");
  assert_int_equal(json_integer_value(json_object_get(j, "file_len")), 9);
  assert_true(json_is_true(json_object_get(j, "file_nul")));
  assert_true(json_is_null(json_object_get(j, "nul"))); /* NUL inside a text part: dropped */
  json_decref(j);
  cm_client_result_free(&res);
  /* cut: the name part is whole, the file part never ends */
  size_t cut = strstr(body, "ab\r") - body;
  assert_int_equal(req("POST", "/form", "multipart/form-data; boundary=\"XyZ\"", body, cut,
                       NULL, &res, &err),
                   CM_OK);
  j = body_json(&res);
  assert_string_equal(jstr(j, "name"), "河北区");
  assert_null(json_object_get(j, "file_len"));
  json_decref(j);
  cm_client_result_free(&res);
  /* a wrong boundary: nothing */
  assert_int_equal(req("POST", "/form", "multipart/form-data; boundary=Other", body,
                       sizeof body - 1, NULL, &res, &err),
                   CM_OK);
  j = body_json(&res);
  assert_true(json_is_null(json_object_get(j, "name")));
  json_decref(j);
  cm_client_result_free(&res);
}

static void test_body_and_413(void **state) {
  (void)state;
  cm_client_result res;
  cm_err err;
  uint8_t body[2000];
  for (size_t i = 0; i < sizeof body; i++)
    body[i] = (uint8_t)(i * 7);
  assert_int_equal(req("POST", "/echo", "application/octet-stream", body, 1024, NULL, &res, &err),
                   CM_OK);
  assert_int_equal(res.status, 201);
  assert_int_equal(res.body.len, 1024);
  assert_memory_equal(res.body.p, body, 1024);
  cm_client_result_free(&res);
  /* one byte over the cap */
  assert_int_equal(req("POST", "/echo", "application/octet-stream", body, 1025, NULL, &res, &err),
                   CM_OK);
  assert_int_equal(res.status, 413);
  json_t *j = body_json(&res);
  assert_string_equal(jstr(j, "error"), "TOO_LARGE");
  json_decref(j);
  cm_client_result_free(&res);
  /* chunked, so the size is not announced: 413 after reading, nothing kept */
  char rq[4096];
  int n = snprintf(rq, sizeof rq,
                   "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
                   "Connection: close\r\n\r\n");
  for (int c = 0; c < 3; c++)
    n += snprintf(rq + n, sizeof rq - (size_t)n, "400\r\n%01024d\r\n", 0);
  n += snprintf(rq + n, sizeof rq - (size_t)n, "0\r\n\r\n");
  char *ans = raw(rq, (size_t)n);
  assert_non_null(ans);
  assert_non_null(strstr(ans, "HTTP/1.1 413"));
  assert_non_null(strstr(ans, "TOO_LARGE"));
  free(ans);
  /* the server still answers */
  assert_int_equal(req("GET", "/hello", NULL, NULL, 0, NULL, &res, &err), CM_OK);
  assert_int_equal(res.status, 200);
  cm_client_result_free(&res);
}

static void test_headers(void **state) {
  (void)state;
  char *ans;
  const char *rq = "GET /hdr HTTP/1.1\r\nHost: x\r\nX-Test: t1\r\nCookie: a=1; sid=s2\r\n"
                   "Connection: close\r\n\r\n";
  ans = raw(rq, strlen(rq));
  assert_non_null(ans);
  assert_non_null(strstr(ans, "HTTP/1.1 200"));
  assert_non_null(strstr(ans, "X-Linli-Time: "));
  assert_non_null(strstr(ans, "Cache-Control: no-store"));
  assert_non_null(strstr(ans, "X-Extra: yes"));
  assert_null(strstr(ans, "X-Bad"));
  assert_non_null(strstr(ans, "\"x-test\":\"t1\""));
  assert_non_null(strstr(ans, "\"sid\":\"s2\""));
  assert_non_null(strstr(ans, "\"peer\":\"127.0.0.1\""));
  assert_non_null(strstr(ans, "\"tls\":0"));
  free(ans);
  /* the error helper merges extra fields */
  cm_client_result res;
  cm_err err;
  assert_int_equal(req("GET", "/error", NULL, NULL, 0, NULL, &res, &err), CM_OK);
  assert_int_equal(res.status, 409);
  json_t *j = body_json(&res);
  assert_string_equal(jstr(j, "error"), "PROTO_GAP");
  assert_int_equal(json_integer_value(json_object_get(j, "code")), 113);
  assert_string_equal(jstr(j, "message"), "resume from 8");
  assert_int_equal(json_integer_value(json_object_get(j, "expected_seq")), 8);
  json_decref(j);
  cm_client_result_free(&res);
}

static void test_bad_input(void **state) {
  (void)state;
  static const char *const bad[] = {
      "GARBAGE\r\n\r\n",
      "GET\r\n\r\n",
      "GET /hello HTTP/9.9\r\n\r\n",
      "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n",
      "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999999\r\n\r\n",
      /* a body cut short: the server waits for the rest (up to its
       * connection timeout); raw() gives up after its own 2 s */
      "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc",
      "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
      "GET /query?%%%=%%%&&&==&a=%F0 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
      "GET /api/v1/heads/%00 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    char *ans = raw(bad[i], strlen(bad[i]));
    free(ans);
  }
  /* a header far over MHD's memory limit */
  size_t big = 200000;
  char *rq = malloc(big + 64);
  int n = snprintf(rq, 64, "GET /hello HTTP/1.1\r\nX-Big: ");
  memset(rq + n, 'a', big);
  memcpy(rq + n + big, "\r\n\r\n", 5);
  char *ans = raw(rq, (size_t)n + big + 4);
  free(ans);
  free(rq);
  cm_client_result res;
  cm_err err;
  assert_int_equal(req("GET", "/hello", NULL, NULL, 0, NULL, &res, &err), CM_OK);
  assert_int_equal(res.status, 200);
  cm_client_result_free(&res);
}

/* A query of thousands of empty arguments is cut at once instead of held
 * until the head deadline (10 s); one of 1,000 fields is still answered. */
static void test_many_args(void **state) {
  (void)state;
  for (size_t args = 1000; args <= 4000; args += 3000) {
    size_t len = args + 128;
    char *rq = malloc(len);
    int n = snprintf(rq, 32, "GET /query?");
    memset(rq + n, '&', args - 1);
    n += (int)args - 1;
    n += snprintf(rq + n, len - (size_t)n, " HTTP/1.1\r\nHost: x\r\n\r\n");
    assert_true(answered_or_closed(rq, (size_t)n));
    free(rq);
  }
  cm_client_result res;
  cm_err err;
  assert_int_equal(req("GET", "/hello", NULL, NULL, 0, NULL, &res, &err), CM_OK);
  assert_int_equal(res.status, 200);
  cm_client_result_free(&res);
}

static void test_signed(void **state) {
  (void)state;
  proto_keypair kp;
  assert_int_equal(proto_keypair_generate(&kp), CM_OK);
  cm_client_opts o;
  memset(&o, 0, sizeof o);
  o.sign_with = &kp;
  cm_client_result res;
  cm_err err;
  char hex[PROTO_KEY_HEX];
  proto_key_hex(kp.pk, hex);

  assert_int_equal(req("GET", "/signed?after=12&x=%20", NULL, NULL, 0, &o, &res, &err), CM_OK);
  assert_int_equal(res.status, 200);
  json_t *j = body_json(&res);
  assert_string_equal(jstr(j, "key"), hex);
  json_decref(j);
  cm_client_result_free(&res);

  const char *body = "{\"name\":\"x\"}";
  assert_int_equal(req("POST", "/signed", "application/json", body, strlen(body), &o, &res, &err),
                   CM_OK);
  assert_int_equal(res.status, 200);
  cm_client_result_free(&res);

  /* unsigned: refused */
  assert_int_equal(req("GET", "/signed", NULL, NULL, 0, NULL, &res, &err), CM_OK);
  assert_int_equal(res.status, 401);
  cm_client_result_free(&res);

  /* a clock an hour slow: refused as stale, retried once with the hub's clock */
  int64_t offset = 999999999;
  o.clock_offset_ms = -3600 * 1000;
  o.clock_offset_out = &offset;
  assert_int_equal(req("GET", "/signed?after=1", NULL, NULL, 0, &o, &res, &err), CM_OK);
  assert_int_equal(res.status, 200);
  assert_true(offset > -5000 && offset < 5000);
  cm_client_result_free(&res);
  o.clock_offset_ms = 0;
  o.clock_offset_out = NULL;

  /* a signature for another target does not verify */
  proto_request rq;
  memset(&rq, 0, sizeof rq);
  rq.method = "GET";
  rq.path = "/signed?after=1";
  rq.time_ms = cm_now_ms();
  assert_int_equal(proto_request_sign(&rq, &kp, NULL, 0), CM_OK);
  char sighex[PROTO_SIG_HEX], raw_rq[1024];
  cm_hex_encode(rq.sig, sizeof rq.sig, sighex);
  int n = snprintf(raw_rq, sizeof raw_rq,
                   "GET /signed?after=2 HTTP/1.1\r\nHost: x\r\nX-Linli-Key: %s\r\n"
                   "X-Linli-Time: %llu\r\nX-Linli-Signature: %s\r\nConnection: close\r\n\r\n",
                   hex, (unsigned long long)rq.time_ms, sighex);
  char *ans = raw(raw_rq, (size_t)n);
  assert_non_null(ans);
  assert_non_null(strstr(ans, "HTTP/1.1 401"));
  assert_non_null(strstr(ans, "PROTO_BAD_SIGNATURE"));
  free(ans);
  /* the same signature on its own target does */
  n = snprintf(raw_rq, sizeof raw_rq,
               "GET /signed?after=1 HTTP/1.1\r\nHost: x\r\nX-Linli-Key: %s\r\n"
               "X-Linli-Time: %llu\r\nX-Linli-Signature: %s\r\nConnection: close\r\n\r\n",
               hex, (unsigned long long)rq.time_ms, sighex);
  ans = raw(raw_rq, (size_t)n);
  assert_non_null(ans);
  assert_non_null(strstr(ans, "HTTP/1.1 200"));
  free(ans);
  proto_keypair_wipe(&kp);
}

static void test_client_limits(void **state) {
  (void)state;
  cm_client_result res;
  cm_err err;
  cm_client_opts o;
  memset(&o, 0, sizeof o);
  o.max_response = 1000;
  assert_int_equal(req("GET", "/big", NULL, NULL, 0, &o, &res, &err), CM_ERR_TOO_LARGE);
  assert_int_equal(res.status, 0);
  cm_client_result_free(&res);
  o.max_response = 0;
  assert_int_equal(req("GET", "/big", NULL, NULL, 0, &o, &res, &err), CM_OK);
  assert_int_equal(res.body.len, 100000);
  cm_client_result_free(&res);
  /* timeout */
  o.timeout_ms = 300;
  uint64_t t0 = cm_mono_ms();
  assert_int_equal(req("GET", "/slow", NULL, NULL, 0, &o, &res, &err), CM_ERR_NETWORK);
  assert_true(cm_mono_ms() - t0 < 1400);
  assert_non_null(strstr(err.msg, "没有答复"));
  cm_client_result_free(&res);
  /* only http and https */
  assert_int_equal(cm_client_request("GET", "file:///etc/passwd", NULL, NULL, 0, NULL, &res, &err),
                   CM_ERR_INVALID);
  cm_client_result_free(&res);
}

static void test_unreachable(void **state) {
  (void)state;
  /* a port that was free a moment ago and has nobody listening */
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in sa;
  socklen_t sl = sizeof sa;
  memset(&sa, 0, sizeof sa);
  sa.sin_family = AF_INET;
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof sa), 0);
  assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &sl), 0);
  close(fd);
  char url[64];
  snprintf(url, sizeof url, "http://127.0.0.1:%u/x", (unsigned)ntohs(sa.sin_port));
  cm_client_result res;
  cm_err err;
  assert_int_equal(cm_client_request("GET", url, NULL, NULL, 0, NULL, &res, &err), CM_ERR_NETWORK);
  assert_int_equal(res.status, 0);
  assert_non_null(strstr(err.msg, "无法连接 http://127.0.0.1:"));
  assert_non_null(strstr(err.msg, "上级是否在运行"));
  cm_client_result_free(&res);
}

/* The log names the address bound (a wildcard as such); the URL one a browser
 * on this machine can open. */
static void test_listen_host(void **state) {
  (void)state;
  static const struct {
    const char *listen, *bound, *url;
  } k[] = {{"0.0.0.0:8443", "0.0.0.0", "127.0.0.1"}, {"*:1", "0.0.0.0", "127.0.0.1"},
           {":1", "0.0.0.0", "127.0.0.1"},          {"[::]:0", "[::]", "[::1]"},
           {"127.0.0.2:0", "127.0.0.2", "127.0.0.2"}, {"[::1]:9", "[::1]", "[::1]"},
           {"hub.example:443", "hub.example", "hub.example"}};
  char out[64];
  for (size_t i = 0; i < sizeof k / sizeof k[0]; i++) {
    cm_http_listen_host(k[i].listen, 0, out, sizeof out);
    assert_string_equal(out, k[i].bound);
    cm_http_listen_host(k[i].listen, 1, out, sizeof out);
    assert_string_equal(out, k[i].url);
  }
  cm_http_listen_host("0.0.0.0:1", 0, out, 4); /* cut to the buffer, never past it */
  assert_int_equal(strlen(out), 3);
}

static void test_listen_errors(void **state) {
  (void)state;
  cm_http_config cfg;
  memset(&cfg, 0, sizeof cfg);
  cm_http_server *s2 = (cm_http_server *)1;
  cm_err err;
  cfg.routes = routes;
  cfg.n_routes = 1;
  static const char *const bad[] = {"127.0.0.1", "127.0.0.1:99999", "127.0.0.1:x", "999.1.1.1:0"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    cfg.listen = bad[i];
    assert_int_not_equal(cm_http_start(&cfg, &s2, &err), CM_OK);
    assert_null(s2);
  }
  /* the port in use */
  char in_use[32];
  snprintf(in_use, sizeof in_use, "127.0.0.1:%u", (unsigned)cm_http_port(srv));
  cfg.listen = in_use;
  assert_int_equal(cm_http_start(&cfg, &s2, &err), CM_ERR_IO);
  assert_null(s2);
  /* TLS needs both files */
  cfg.listen = "127.0.0.1:0";
  cfg.cert_file = "/nonexistent.pem";
  assert_int_equal(cm_http_start(&cfg, &s2, &err), CM_ERR_INVALID);
  cfg.key_file = "/nonexistent.key";
  assert_int_equal(cm_http_start(&cfg, &s2, &err), CM_ERR_IO);
  cm_http_stop(NULL);
}

static void test_tls(void **state) {
  (void)state;
  char dir[] = "/tmp/linli-tls-XXXXXX";
  assert_non_null(mkdtemp(dir));
  char cmd[1024];
  snprintf(cmd, sizeof cmd,
           "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes "
           "-keyout %s/key.pem -out %s/cert.pem -days 2 -subj /CN=127.0.0.1 "
           "-addext subjectAltName=IP:127.0.0.1 >/dev/null 2>&1",
           dir, dir);
  if (system(cmd) != 0) {
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0) fail_msg("cleanup failed");
    skip(); /* no openssl on this machine */
  }
  char cert[128], key[128];
  snprintf(cert, sizeof cert, "%s/cert.pem", dir);
  snprintf(key, sizeof key, "%s/key.pem", dir);
  cm_http_config cfg;
  memset(&cfg, 0, sizeof cfg);
  cfg.listen = "127.0.0.1:0";
  cfg.routes = routes;
  cfg.n_routes = sizeof routes / sizeof routes[0];
  cfg.cert_file = cert;
  cfg.key_file = key;
  cm_http_server *ts = NULL;
  cm_err err;
  assert_int_equal(cm_http_start(&cfg, &ts, &err), CM_OK);
  char url[64];
  snprintf(url, sizeof url, "https://127.0.0.1:%u/hdr", (unsigned)cm_http_port(ts));
  cm_client_result res;
  cm_client_opts o;
  memset(&o, 0, sizeof o);
  /* without our CA: certificate verification fails */
  assert_int_equal(cm_client_request("GET", url, NULL, NULL, 0, &o, &res, &err), CM_ERR_NETWORK);
  assert_non_null(strstr(err.msg, "证书"));
  cm_client_result_free(&res);
  o.ca_file = cert;
  assert_int_equal(cm_client_request("GET", url, NULL, NULL, 0, &o, &res, &err), CM_OK);
  assert_int_equal(res.status, 200);
  json_t *j = body_json(&res);
  assert_int_equal(json_integer_value(json_object_get(j, "tls")), 1);
  json_decref(j);
  cm_client_result_free(&res);
  cm_http_stop(ts);
  snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
  assert_int_equal(system(cmd), 0);
}

struct worker {
  int id;
  int ok;
};

/* Many requests at once, each checking its own answer. */
static void *worker_run(void *arg) {
  struct worker *w = arg;
  for (int i = 0; i < 40; i++) {
    char body[64];
    int n = snprintf(body, sizeof body, "worker %d request %d", w->id, i);
    cm_client_result res;
    cm_err err;
    if (req("POST", "/echo", "text/plain", body, (size_t)n, NULL, &res, &err) == CM_OK &&
        res.status == 201 && res.body.len == (size_t)n && memcmp(res.body.p, body, (size_t)n) == 0)
      w->ok++;
    cm_client_result_free(&res);
  }
  return NULL;
}

static void test_concurrent(void **state) {
  (void)state;
  pthread_t th[8];
  struct worker w[8];
  for (int i = 0; i < 8; i++) {
    w[i].id = i;
    w[i].ok = 0;
    assert_int_equal(pthread_create(&th[i], NULL, worker_run, &w[i]), 0);
  }
  for (int i = 0; i < 8; i++) {
    pthread_join(th[i], NULL);
    assert_int_equal(w[i].ok, 40);
  }
}

/* ---- a kept connection (cm_client_conn) against a raw server ---- */

/* An HTTP/1.1 server of a few lines on a thread, counting the connections it
 * accepts and the requests it answers ("ok"); it keeps each connection open
 * unless close_each, when it answers "Connection: close" and closes. */
typedef struct ka_srv {
  int fd, port, close_each;
  int accepts, requests; /* read after the thread is joined */
  pthread_t th;
} ka_srv;

/* Offset just past "\r\n\r\n" in b[0..n), or 0. */
static size_t head_end(const char *b, size_t n) {
  for (size_t i = 0; i + 4 <= n; i++)
    if (!memcmp(b + i, "\r\n\r\n", 4)) return i + 4;
  return 0;
}

/* The Content-Length of the head b[0..n) (0 when none). */
static size_t content_length(const char *b, size_t n) {
  static const char name[] = "\r\ncontent-length:";
  for (size_t i = 0; i + sizeof name - 1 <= n; i++)
    if (!strncasecmp(b + i, name, sizeof name - 1)) return strtoul(b + i + sizeof name - 1, NULL, 10);
  return 0;
}

static void *ka_main(void *arg) {
  ka_srv *s = arg;
  int c;
  while ((c = accept(s->fd, NULL, NULL)) >= 0) {
    char buf[16384];
    size_t have = 0, end, need;
    s->accepts++;
    for (;;) {
      while (!(end = head_end(buf, have)) || have < end + content_length(buf, end)) {
        ssize_t n = have < sizeof buf ? recv(c, buf + have, sizeof buf - have, 0) : -1;
        if (n <= 0) goto done;
        have += (size_t)n;
      }
      need = end + content_length(buf, end);
      memmove(buf, buf + need, have - need);
      have -= need;
      s->requests++;
      const char *ans = s->close_each
                            ? "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"
                            : "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
      if (send(c, ans, strlen(ans), MSG_NOSIGNAL) < 0 || s->close_each) break;
    }
  done:
    close(c);
  }
  return NULL;
}

static void ka_start(ka_srv *s, int close_each) {
  struct sockaddr_in sa;
  socklen_t sl = sizeof sa;
  memset(s, 0, sizeof *s);
  s->close_each = close_each;
  s->fd = socket(AF_INET, SOCK_STREAM, 0);
  memset(&sa, 0, sizeof sa);
  sa.sin_family = AF_INET;
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  assert_int_equal(bind(s->fd, (struct sockaddr *)&sa, sizeof sa), 0);
  assert_int_equal(listen(s->fd, 8), 0);
  assert_int_equal(getsockname(s->fd, (struct sockaddr *)&sa, &sl), 0);
  s->port = ntohs(sa.sin_port);
  assert_int_equal(pthread_create(&s->th, NULL, ka_main, s), 0);
}

/* Stop accepting (shutdown wakes the accept) and join. */
static void ka_stop(ka_srv *s) {
  shutdown(s->fd, SHUT_RDWR);
  pthread_join(s->th, NULL);
  close(s->fd);
}

/* GET, POST with a body, GET to the server, through conn (NULL: none). */
static void three_requests(const ka_srv *s, cm_client_conn *conn) {
  char url[64];
  cm_client_opts o;
  memset(&o, 0, sizeof o);
  o.conn = conn;
  for (int i = 0; i < 3; i++) {
    cm_client_result res;
    cm_err err;
    snprintf(url, sizeof url, "http://127.0.0.1:%d/r%d", s->port, i);
    assert_int_equal(cm_client_request(i == 1 ? "POST" : "GET", url, "text/plain",
                                       i == 1 ? (const uint8_t *)"body" : NULL, i == 1 ? 4 : 0,
                                       &o, &res, &err),
                     CM_OK);
    assert_int_equal(res.status, 200);
    assert_int_equal(res.body.len, 2);
    assert_memory_equal(res.body.p, "ok", 2);
    cm_client_result_free(&res);
  }
}

/* The connections a server (closing after each answer if close_each) accepts
 * for three requests, made through one cm_client_conn when kept. */
static int connections_for(int close_each, int kept) {
  ka_srv s;
  ka_start(&s, close_each);
  cm_client_conn *conn = kept ? cm_client_conn_new() : NULL;
  if (kept) assert_non_null(conn);
  three_requests(&s, conn);
  cm_client_conn_free(conn);
  ka_stop(&s);
  assert_int_equal(s.requests, 3);
  return s.accepts;
}

/* The requests made with one cm_client_conn share one connection; without
 * one each opens its own; a server that closes after each answer is simply
 * connected to again. */
static void test_kept_connection(void **state) {
  (void)state;
  assert_int_equal(connections_for(0, 1), 1);
  assert_int_equal(connections_for(0, 0), 3);
  assert_int_equal(connections_for(1, 1), 3);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_routes_and_params),
      cmocka_unit_test(test_404_405),
      cmocka_unit_test(test_query),
      cmocka_unit_test(test_form),
      cmocka_unit_test(test_multipart),
      cmocka_unit_test(test_body_and_413),
      cmocka_unit_test(test_headers),
      cmocka_unit_test(test_bad_input),
      cmocka_unit_test(test_many_args),
      cmocka_unit_test(test_signed),
      cmocka_unit_test(test_client_limits),
      cmocka_unit_test(test_unreachable),
      cmocka_unit_test(test_listen_errors),
      cmocka_unit_test(test_listen_host),
      cmocka_unit_test(test_tls),
      cmocka_unit_test(test_concurrent),
      cmocka_unit_test(test_kept_connection),
  };
  /* COMMON_HTTP_ONLY=test_name runs one test (for timing and debugging). */
  if (getenv("COMMON_HTTP_ONLY")) cmocka_set_test_filter(getenv("COMMON_HTTP_ONLY"));
  return cmocka_run_group_tests(tests, start, stop);
}
