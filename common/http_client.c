/* http_client.c - every outbound request, through libcurl: one easy handle per
 * request, bounded in time and size, http/https only, optionally signed with
 * the caller's key (docs/protocol.md, "Signed requests").  A signed request the
 * hub refuses as stale is retried once with the hub's clock. */
#include "http_client.h"

#include <curl/curl.h>
#include <dlfcn.h>
#include <errno.h>
#include <jansson.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../protocol/request.h"
#include "clock.h"
#include "codec.h"
#include "loadlib.h"
#include "log.h"

#define CLIENT_CONNECT_MS 5000L
#define CLIENT_TIMEOUT_MS 25000L
#define CLIENT_MAX_RESPONSE (64u << 20)

/* libcurl is loaded by the first caller of cm_client_global_init, not when the
 * program starts: `linli-node serve` makes no request itself (each sync pass
 * is a child process), and libcurl with what it brings (OpenSSL, Kerberos,
 * LDAP, SSH, ...) is about 3 MB of a page server's resident memory and a
 * good part of every command's start-up.  LINLI_CURL_SONAME is the library
 * the build found (CMakeLists.txt). */
static struct {
  CURLcode (*global_init)(long flags);
  CURL *(*easy_init)(void);
  CURLcode (*easy_setopt)(CURL *c, CURLoption o, ...);
  CURLcode (*easy_perform)(CURL *c);
  CURLcode (*easy_getinfo)(CURL *c, CURLINFO i, ...);
  void (*easy_cleanup)(CURL *c);
  void (*easy_reset)(CURL *c);
  const char *(*easy_strerror)(CURLcode cc);
  struct curl_slist *(*slist_append)(struct curl_slist *l, const char *s);
  void (*slist_free_all)(struct curl_slist *l);
} cx;

static pthread_once_t client_once = PTHREAD_ONCE_INIT;
static CURLcode client_init_rc = CURLE_FAILED_INIT;
static atomic_int client_state; /* 0 not begun, 1 loading, 2 done (cm_client_loading) */

#define LOAD_SYM(h, field, name) cm_loadlib_sym((h), (name), &cx.field, sizeof cx.field)

static void client_load(void) {
  void *h = dlopen(LINLI_CURL_SONAME, RTLD_NOW | RTLD_LOCAL);
  if (!h) {
    cm_error("cannot load %s (%s): install libcurl (Debian: apt-get install libcurl3-gnutls)",
             LINLI_CURL_SONAME, dlerror());
    return;
  }
  if (!LOAD_SYM(h, global_init, "curl_global_init") ||
      !LOAD_SYM(h, easy_init, "curl_easy_init") ||
      !LOAD_SYM(h, easy_setopt, "curl_easy_setopt") ||
      !LOAD_SYM(h, easy_perform, "curl_easy_perform") ||
      !LOAD_SYM(h, easy_getinfo, "curl_easy_getinfo") ||
      !LOAD_SYM(h, easy_cleanup, "curl_easy_cleanup") ||
      !LOAD_SYM(h, easy_reset, "curl_easy_reset") ||
      !LOAD_SYM(h, easy_strerror, "curl_easy_strerror") ||
      !LOAD_SYM(h, slist_append, "curl_slist_append") ||
      !LOAD_SYM(h, slist_free_all, "curl_slist_free_all")) {
    cm_error("%s lacks a libcurl function this program needs: install libcurl 7.68 or later",
             LINLI_CURL_SONAME);
    return; /* the library stays loaded: nothing else uses the handle */
  }
  client_init_rc = cx.global_init(CURL_GLOBAL_DEFAULT);
}

static void client_init(void) {
  atomic_store(&client_state, 1);
  client_load();
  atomic_store(&client_state, 2);
}

int cm_client_loading(void) { return atomic_load(&client_state) == 1; }

/* Load libcurl and curl_global_init exactly once, whoever calls first. */
cm_rc cm_client_global_init(void) {
  pthread_once(&client_once, client_init);
  return client_init_rc == CURLE_OK ? CM_OK : CM_ERR_NETWORK;
}

struct client_xfer {
  cm_client_result *res;
  int too_large;
};

static size_t on_body(char *ptr, size_t size, size_t nmemb, void *userdata) {
  struct client_xfer *x = userdata;
  size_t n = size * nmemb;
  cm_rc rc = cm_buf_append(&x->res->body, ptr, n);
  if (rc == CM_ERR_TOO_LARGE) x->too_large = 1;
  return rc ? 0 : n; /* a short count makes curl abort the transfer */
}

static size_t on_header(char *ptr, size_t size, size_t nmemb, void *userdata) {
  struct client_xfer *x = userdata;
  size_t n = size * nmemb;
  static const char name[] = "x-linli-time:";
  if (n >= 5 && strncmp(ptr, "HTTP/", 5) == 0) {
    x->res->server_time_ms = 0; /* a new response (after 100 Continue) */
  } else if (n > sizeof name - 1 && strncasecmp(ptr, name, sizeof name - 1) == 0) {
    uint64_t v = 0;
    size_t i = sizeof name - 1;
    while (i < n && (ptr[i] == ' ' || ptr[i] == '\t'))
      i++;
    size_t digits = 0;
    while (i < n && ptr[i] >= '0' && ptr[i] <= '9' && digits < 19) {
      v = v * 10 + (uint64_t)(ptr[i] - '0');
      i++;
      digits++;
    }
    if (digits) x->res->server_time_ms = v;
  }
  return n;
}

/* The request target (path and query) exactly as it appears in url: what the
 * signature covers and, with CURLOPT_PATH_AS_IS, what curl sends. */
static cm_rc url_target(const char *url, char *out, size_t cap) {
  const char *p = strstr(url, "://");
  if (!p) return CM_ERR_INVALID;
  p += 3;
  size_t auth = strcspn(p, "/?#");
  p += auth;
  size_t len = strcspn(p, "#");
  if (len == 0) {
    if (cap < 2) return CM_ERR_TOO_LARGE;
    strcpy(out, "/");
    return CM_OK;
  }
  if (*p == '?') {
    /* "http://host?x" goes out as "/?x". */
    if (len + 2 > cap) return CM_ERR_TOO_LARGE;
    out[0] = '/';
    memcpy(out + 1, p, len);
    out[len + 1] = '\0';
    return CM_OK;
  }
  if (len + 1 > cap) return CM_ERR_TOO_LARGE;
  memcpy(out, p, len);
  out[len] = '\0';
  return CM_OK;
}

/* Translate a curl failure into a message that says what to check. */
static cm_rc client_fail(CURLcode cc, const char *url, const char *detail, long timeout_ms,
                         cm_err *err) {
  const char *d = (detail && *detail) ? detail : cx.easy_strerror(cc);
  switch (cc) {
  case CURLE_COULDNT_RESOLVE_HOST:
  case CURLE_COULDNT_RESOLVE_PROXY:
    return cm_errf(err, CM_ERR_NETWORK,
                   "无法解析 %.200s 的主机名：%s；请检查地址和网络", url,
                   d);
  case CURLE_COULDNT_CONNECT:
    return cm_errf(err, CM_ERR_NETWORK,
                   "无法连接 %.200s：%s；上级是否在运行、地址是否正确？", url,
                   d);
  case CURLE_OPERATION_TIMEDOUT:
    return cm_errf(err, CM_ERR_NETWORK,
                   "%.200s 在 %ld 毫秒内没有答复：%s；请检查网络连接，并确认上级没有过载",
                   url, timeout_ms, d);
  case CURLE_SSL_CONNECT_ERROR:
  case CURLE_PEER_FAILED_VERIFICATION:
  case CURLE_SSL_CACERT_BADFILE:
  case CURLE_SSL_CERTPROBLEM:
    return cm_errf(err, CM_ERR_NETWORK,
                   "与 %.200s 的 HTTPS 连接失败：%s；请检查上级的证书和 CA 文件", url,
                   d);
  case CURLE_UNSUPPORTED_PROTOCOL:
  case CURLE_URL_MALFORMAT:
    return cm_errf(err, CM_ERR_INVALID,
                   "地址 %.200s 不对：%s；应以 http:// 或 https:// 开头", url, d);
  default:
    return cm_errf(err, CM_ERR_NETWORK, "访问 %.200s 失败：%s；请检查网络", url, d);
  }
}

/* 1 when res is a 401 whose JSON body names PROTO_STALE_REQUEST. */
static int is_stale_answer(const cm_client_result *res) {
  if (res->status != 401 || !res->body.p) return 0;
  json_t *j = json_loadb((const char *)res->body.p, res->body.len, 0, NULL);
  const char *e = json_string_value(json_object_get(j, "error"));
  int stale = e && strcmp(e, "PROTO_STALE_REQUEST") == 0;
  json_decref(j);
  return stale;
}

struct cm_client_conn {
  CURL *c; /* its connection cache holds the kept connection */
};

cm_client_conn *cm_client_conn_new(void) {
  if (cm_client_global_init() != CM_OK) return NULL;
  cm_client_conn *k = calloc(1, sizeof *k);
  if (k && !(k->c = cx.easy_init())) {
    free(k);
    k = NULL;
  }
  return k;
}

void cm_client_conn_free(cm_client_conn *conn) {
  if (!conn) return;
  cx.easy_cleanup(conn->c);
  free(conn);
}

/* One attempt. */
static cm_rc client_once_req(const char *method, const char *url, const char *content_type,
                             const uint8_t *body, size_t body_len, const cm_client_opts *o,
                             int64_t offset_ms, cm_client_result *res, cm_err *err) {
  cm_rc rc = CM_OK;
  CURL *c = NULL;
  struct curl_slist *hdrs = NULL;
  char errbuf[CURL_ERROR_SIZE] = "";
  char line[512];
  struct client_xfer x = {res, 0};
  long connect_ms = o->connect_timeout_ms ? o->connect_timeout_ms : CLIENT_CONNECT_MS;
  long timeout_ms = o->timeout_ms ? o->timeout_ms : CLIENT_TIMEOUT_MS;

  /* A kept connection's handle (its options at the defaults: each request
   * resets them at its end) reuses its connection if the peer kept it open. */
  c = o->conn ? o->conn->c : cx.easy_init();
  if (!c) {
    rc = cm_errf(err, CM_ERR_NOMEM, "无法发起 HTTP 请求");
    goto out;
  }
  cx.easy_setopt(c, CURLOPT_URL, url);
  cx.easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  cx.easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, connect_ms);
  cx.easy_setopt(c, CURLOPT_TIMEOUT_MS, timeout_ms);
  cx.easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
  cx.easy_setopt(c, CURLOPT_PATH_AS_IS, 1L);
  cx.easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
  cx.easy_setopt(c, CURLOPT_USERAGENT, "linli/0.1");
#if LIBCURL_VERSION_NUM >= 0x075500
  cx.easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  cx.easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
#else
  cx.easy_setopt(c, CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
  cx.easy_setopt(c, CURLOPT_REDIR_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
  cx.easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)res->body.max);
  cx.easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
  cx.easy_setopt(c, CURLOPT_WRITEDATA, &x);
  cx.easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
  cx.easy_setopt(c, CURLOPT_HEADERDATA, &x);
  if (o->ca_file) cx.easy_setopt(c, CURLOPT_CAINFO, o->ca_file);

  if (strcmp(method, "GET") == 0) {
    cx.easy_setopt(c, CURLOPT_HTTPGET, 1L);
  } else if (strcmp(method, "HEAD") == 0) {
    cx.easy_setopt(c, CURLOPT_NOBODY, 1L);
  } else {
    if (strcmp(method, "POST") != 0) cx.easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    cx.easy_setopt(c, CURLOPT_POST, 1L);
    cx.easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body_len);
    cx.easy_setopt(c, CURLOPT_POSTFIELDS, body ? (const char *)body : "");
  }
  /* 100-continue costs a round trip per request and buys nothing here. */
  hdrs = cx.slist_append(hdrs, "Expect:");
  if (content_type && body) {
    snprintf(line, sizeof line, "Content-Type: %.400s", content_type);
    hdrs = cx.slist_append(hdrs, line);
  }
  if (o->sign_with) {
    char target[4096];
    char keyhex[PROTO_KEY_HEX], sighex[PROTO_SIG_HEX];
    if (url_target(url, target, sizeof target) != CM_OK) {
      rc = cm_errf(err, CM_ERR_INVALID, "无法为 %.200s 的请求签名：地址不对或太长", url);
      goto out;
    }
    proto_request rq;
    memset(&rq, 0, sizeof rq);
    rq.method = method;
    rq.path = target;
    rq.time_ms = (uint64_t)((int64_t)cm_now_ms() + offset_ms);
    rc = proto_request_sign(&rq, o->sign_with, body, body ? body_len : 0);
    if (rc) {
      cm_errf(err, rc, "无法为请求签名：%s", cm_strerror(rc));
      goto out;
    }
    proto_key_hex(rq.key, keyhex);
    cm_hex_encode(rq.sig, PROTO_SIG_BYTES, sighex);
    snprintf(line, sizeof line, "X-Linli-Key: %s", keyhex);
    hdrs = cx.slist_append(hdrs, line);
    snprintf(line, sizeof line, "X-Linli-Time: %llu", (unsigned long long)rq.time_ms);
    hdrs = cx.slist_append(hdrs, line);
    snprintf(line, sizeof line, "X-Linli-Signature: %s", sighex);
    hdrs = cx.slist_append(hdrs, line);
  }
  if (!hdrs) {
    rc = cm_errf(err, CM_ERR_NOMEM, "准备请求头时内存不足");
    goto out;
  }
  cx.easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);

  CURLcode cc = cx.easy_perform(c);
  if (cc == CURLE_WRITE_ERROR && x.too_large) {
    rc = cm_errf(err, CM_ERR_TOO_LARGE, "%.200s 的答复超过 %zu 字节", url,
                 res->body.max);
    goto out;
  }
  if (cc == CURLE_FILESIZE_EXCEEDED) {
    rc = cm_errf(err, CM_ERR_TOO_LARGE, "%.200s 的答复超过 %zu 字节", url,
                 res->body.max);
    goto out;
  }
  if (cc != CURLE_OK) {
    rc = client_fail(cc, url, errbuf, timeout_ms, err);
    goto out;
  }
  cx.easy_getinfo(c, CURLINFO_RESPONSE_CODE, &res->status);
  char *ct = NULL;
  if (cx.easy_getinfo(c, CURLINFO_CONTENT_TYPE, &ct) == CURLE_OK && ct)
    snprintf(res->content_type, sizeof res->content_type, "%s", ct);
out:
  if (rc) res->status = 0;
  /* a kept handle back to the defaults: no pointers into this call's
   * headers, error buffer and answer, no options for the next request */
  if (c && o->conn) cx.easy_reset(c);
  cx.slist_free_all(hdrs);
  if (c && !o->conn) cx.easy_cleanup(c);
  return rc;
}

/* Perform the request; a stale signed request is retried once with the
 * offset the hub's clock implies. */
cm_rc cm_client_request(const char *method, const char *url, const char *content_type,
                        const uint8_t *body, size_t body_len, const cm_client_opts *opts,
                        cm_client_result *res_out, cm_err *err) {
  cm_client_opts defaults;
  memset(&defaults, 0, sizeof defaults);
  const cm_client_opts *o = opts ? opts : &defaults;
  cm_rc rc = CM_OK;

  if (!res_out) return cm_errf(err, CM_ERR_INVALID, "HTTP 请求：缺少结果参数");
  memset(res_out, 0, sizeof *res_out);
  cm_buf_init(&res_out->body, o->max_response ? o->max_response : CLIENT_MAX_RESPONSE);
  if (!method || !url) return cm_errf(err, CM_ERR_INVALID, "HTTP 请求：缺少方法或地址");
  if (cm_client_global_init() != CM_OK)
    return cm_errf(err, CM_ERR_NETWORK, "无法初始化 libcurl");

  int64_t offset = o->clock_offset_ms;
  rc = client_once_req(method, url, content_type, body, body_len, o, offset, res_out, err);
  if (!rc && o->sign_with && res_out->server_time_ms && is_stale_answer(res_out)) {
    /* Our clock is off by more than the window: take the hub's.  The request
     * took some time, so this is approximate, well inside the 15-min window. */
    offset = (int64_t)res_out->server_time_ms - (int64_t)cm_now_ms();
    cm_client_result_free(res_out);
    memset(res_out, 0, sizeof *res_out);
    cm_buf_init(&res_out->body, o->max_response ? o->max_response : CLIENT_MAX_RESPONSE);
    rc = client_once_req(method, url, content_type, body, body_len, o, offset, res_out, err);
    if (!rc && o->clock_offset_out) *o->clock_offset_out = offset;
  }
  return rc;
}

/* Free the answer body; the struct can be reused. */
void cm_client_result_free(cm_client_result *res) {
  if (!res) return;
  cm_buf_free(&res->body);
}
