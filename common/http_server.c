/* http_server.c - the HTTP server wrapper over libmicrohttpd.
 *
 * Per-request state (struct cm_http_req) is created in the URI-log callback,
 * which is the one place MHD shows the request target exactly as sent (the
 * signed-request check needs it), and freed in the request-completed callback.
 * Uploads accumulate in a capped cm_buf; past the cap the rest is discarded and
 * the answer is 413.  Query strings and form bodies are parsed here, with caps,
 * rather than by MHD, so that both follow the same rules. */
#include "http_server.h"

#include <arpa/inet.h>
#include <dlfcn.h>
#include <errno.h>
#include <jansson.h>
#include <microhttpd.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "clock.h"
#include "http_guard.h"
#include "json.h"
#include "loadlib.h"
#include "log.h"

#define HTTP_DEFAULT_MAX_BODY (32u << 20) /* the protocol's default limit */
#define HTTP_RESP_MAX (256u << 20)        /* response bodies */
#define HTTP_TIMEOUT_S 30u                /* idle connection timeout */
#define HTTP_CONN_LIMIT 512u              /* concurrent connections */
#define HTTP_CONN_PER_ADDR 32u            /* concurrent connections from one address */
#define HTTP_MAX_PARAMS 8                 /* "{}" segments per route */
#define HTTP_MAX_FIELDS 1000              /* query or form fields */
#define HTTP_POOL_BYTES (128u * 1024)     /* libmicrohttpd memory per connection */
#define HTTP_PEM_MAX (1u << 20)           /* certificate or key file */
#define HTTP_MAX_FILES 4                  /* file parts of one multipart body */
#define HTTP_PART_HEAD_MAX 2048u          /* header block of one multipart part */
#define HTTP_DISCARD_MAX (64u << 20)      /* unannounced oversize upload we read and drop */

struct cm_http_server {
  struct MHD_Daemon *d;
  const cm_http_route *routes;
  size_t n_routes;
  void *ctx;
  size_t max_body;
  size_t max_form_body;
  cm_http_handler not_found;
  int route_too_large;
  int tls;
  uint16_t port;
  char *cert_pem; /* must outlive the daemon */
  char *key_pem;
  cm_guard *guard; /* deadlines and the body byte budget */
  int check_host;
  char *hosts;      /* ",name,name,...," of accepted Host names, lower case */
};

/* libmicrohttpd is loaded by the first server to start, not when a program
 * starts: linked, it and the GnuTLS it brings (with p11-kit, idn2, nettle,
 * gmp, ...) were mapped and relocated, and GnuTLS's constructor run, at every
 * start of every command, `linli-node sync` and `--version` among them, for
 * most of their start-up time (docs/decisions/0059).  LINLI_MHD_SONAME is the
 * library the build found and LINLI_MHD_DEB its Debian package
 * (CMakeLists.txt).  The pointers take their types from the header; every
 * call below goes through them, and all but those in cm_http_start come from
 * a daemon's threads or its requests, after the load. */
#define MHD_FUNCS(X)                                                                        \
  X(start_daemon) X(stop_daemon) X(get_daemon_info) X(is_feature_supported)                 \
  X(get_connection_info) X(lookup_connection_value) X(create_response_from_buffer)          \
  X(add_response_header) X(queue_response) X(destroy_response)
#define MHD_FIELD(f) __typeof__(&MHD_##f) f;
static struct {
  MHD_FUNCS(MHD_FIELD)
} mhd;
static pthread_once_t mhd_once = PTHREAD_ONCE_INIT;
static int mhd_ok;
static char mhd_why[256]; /* why it could not be loaded (dlerror), for the message */

static void mhd_load(void) {
  void *h = dlopen(LINLI_MHD_SONAME, RTLD_NOW | RTLD_LOCAL);
  if (!h) {
    const char *e = dlerror();
    snprintf(mhd_why, sizeof mhd_why, "%s", e ? e : LINLI_MHD_SONAME);
    return;
  }
  int ok = 1;
#define MHD_LOAD(f) ok = ok && cm_loadlib_sym(h, "MHD_" #f, &mhd.f, sizeof mhd.f);
  MHD_FUNCS(MHD_LOAD)
#undef MHD_LOAD
  if (!ok)
    snprintf(mhd_why, sizeof mhd_why, "%s lacks a function this program needs",
             LINLI_MHD_SONAME);
  mhd_ok = ok; /* the library stays loaded either way: nothing else uses the handle */
}

/* Load libmicrohttpd once, whoever starts a server first. */
static cm_rc mhd_init(cm_err *err) {
  pthread_once(&mhd_once, mhd_load);
  if (mhd_ok) return CM_OK;
  cm_error("cannot load %s (%s): install libmicrohttpd 0.9.71 or later (Debian: apt-get install "
           "%s)",
           LINLI_MHD_SONAME, mhd_why, LINLI_MHD_DEB);
  return cm_errf(err, CM_ERR_UNSUPPORTED,
                 "无法启动网页服务：本机缺少 libmicrohttpd 程序库（%s）；请管理员安装 "
                 "libmicrohttpd 0.9.71 或更高版本（Debian：apt-get install %s）",
                 mhd_why, LINLI_MHD_DEB);
}

/* A decoded name=value list (query string or form body). */
struct http_fields {
  int parsed;
  char *store; /* decoded copy; names and values point into it */
  size_t n;
  char **names;
  char **values;
};

/* A file part of a multipart/form-data body: its bytes stay in the body. */
struct http_file {
  char name[64];
  char filename[256];
  const uint8_t *p;
  size_t len;
};

struct cm_http_req {
  cm_http_server *srv;
  struct MHD_Connection *conn;
  const char *method;
  const char *path; /* decoded, MHD's */
  char *target;     /* as sent */
  int started;      /* first access-handler call seen */
  int too_large;    /* upload went over limit */
  size_t limit;     /* this request's body cap: max_body or max_form_body */
  int answered;     /* a response was queued early */
  int held_known;   /* the announced body length was taken from the budget up front */
  cm_guard_conn *gc; /* this connection's guard slot (NULL: not guarded) */
  size_t discarded;
  cm_buf body;
  char *params[HTTP_MAX_PARAMS];
  unsigned n_params;
  struct http_fields query;
  struct http_fields form;
  struct http_file files[HTTP_MAX_FILES];
  unsigned n_files;
  char peer[INET6_ADDRSTRLEN];
};

/* ---- field parsing (query strings, form bodies) ---- */

static int hex_nibble(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/* Percent-decode s[0..len) into out ('+' is a space).  A malformed escape is
 * kept literally, as browsers do.  Returns the decoded length, or -1 when the
 * text decodes to a NUL byte (which would silently cut the string short). */
static long field_decode(const char *s, size_t len, char *out) {
  size_t o = 0;
  for (size_t i = 0; i < len; i++) {
    char c = s[i];
    if (c == '+') {
      out[o++] = ' ';
    } else if (c == '%' && i + 2 < len && hex_nibble(s[i + 1]) >= 0 && hex_nibble(s[i + 2]) >= 0) {
      int v = hex_nibble(s[i + 1]) * 16 + hex_nibble(s[i + 2]);
      if (v == 0) return -1;
      out[o++] = (char)v;
      i += 2;
    } else {
      if (c == '\0') return -1;
      out[o++] = c;
    }
  }
  out[o] = '\0';
  return (long)o;
}

/* Split "a=1&b=2" into decoded fields (at most HTTP_MAX_FIELDS; the rest is
 * ignored).  Fields that decode to a NUL byte are dropped. */
static void fields_parse(struct http_fields *f, const char *s, size_t len) {
  f->parsed = 1;
  if (!s || len == 0) return;
  /* Each field decodes to at most its own length plus a NUL; the whole fits
   * in len + 2 * (fields) bytes, bounded by 2 * len + 2. */
  f->store = malloc(2 * len + 2);
  f->names = calloc(HTTP_MAX_FIELDS, sizeof *f->names);
  f->values = calloc(HTTP_MAX_FIELDS, sizeof *f->values);
  if (!f->store || !f->names || !f->values) goto fail;
  char *o = f->store;
  size_t i = 0;
  while (i < len && f->n < HTTP_MAX_FIELDS) {
    const char *amp = memchr(s + i, '&', len - i);
    size_t flen = amp ? (size_t)(amp - (s + i)) : len - i;
    const char *field = s + i;
    i += flen + 1;
    if (flen == 0) continue;
    const char *eq = memchr(field, '=', flen);
    size_t nlen = eq ? (size_t)(eq - field) : flen;
    const char *val = eq ? eq + 1 : field + flen;
    size_t vlen = eq ? flen - nlen - 1 : 0;
    char *name_out = o;
    long dn = field_decode(field, nlen, name_out);
    if (dn < 0) continue;
    char *val_out = name_out + dn + 1;
    long dv = field_decode(val, vlen, val_out);
    if (dv < 0) continue;
    o = val_out + dv + 1;
    f->names[f->n] = name_out;
    f->values[f->n] = val_out;
    f->n++;
  }
  return;
fail:
  free(f->store);
  free(f->names);
  free(f->values);
  f->store = NULL;
  f->names = f->values = NULL;
  f->n = 0;
}

static const char *fields_get(const struct http_fields *f, const char *name, unsigned index) {
  for (size_t i = 0; i < f->n; i++) {
    if (strcmp(f->names[i], name) == 0) {
      if (index == 0) return f->values[i];
      index--;
    }
  }
  return NULL;
}

static void fields_free(struct http_fields *f);

/* The first n2 bytes at needle within the n1 bytes at hay, or NULL. */
static const uint8_t *find_bytes(const uint8_t *hay, size_t n1, const char *needle, size_t n2) {
  while (n1 >= n2) {
    const uint8_t *p = memchr(hay, needle[0], n1 - n2 + 1);
    if (!p) return NULL;
    if (memcmp(p, needle, n2) == 0) return p;
    n1 -= (size_t)(p - hay) + 1;
    hay = p + 1;
  }
  return NULL;
}

/* The quoted parameter key="..." of a Content-Disposition line (hl bytes at
 * h) into out; 0 when absent or too long. */
static int part_param(const char *h, size_t hl, const char *key, char *out, size_t cap) {
  size_t kl = strlen(key);
  for (size_t i = 0; i + kl + 2 <= hl; i++) {
    if ((i == 0 || h[i - 1] == ' ' || h[i - 1] == ';') && strncasecmp(h + i, key, kl) == 0 &&
        h[i + kl] == '=' && h[i + kl + 1] == '"') {
      const char *v = h + i + kl + 2;
      const char *end = memchr(v, '"', hl - (size_t)(v - h));
      if (!end || (size_t)(end - v) >= cap) return 0;
      memcpy(out, v, (size_t)(end - v));
      out[end - v] = '\0';
      return 1;
    }
  }
  return 0;
}

/* Read a multipart/form-data body (RFC 7578) with the given boundary: text
 * parts become form fields (a value holding a NUL byte is dropped), parts
 * with a filename become files (at most HTTP_MAX_FILES) whose bytes stay in
 * the body.  Bounded by the body: a part without its closing boundary, a
 * header block over HTTP_PART_HEAD_MAX, or a part without a name ends the
 * reading; what was read before stays. */
static void multipart_parse(cm_http_req *r, const char *boundary) {
  struct http_fields *f = &r->form;
  const uint8_t *b = r->body.p;
  size_t len = r->body.len, bl = strlen(boundary);
  char delim[80];
  f->parsed = 1;
  if (!b || bl == 0 || bl > 70) return;
  snprintf(delim, sizeof delim, "\r\n--%s", boundary);
  size_t dl = bl + 4;
  f->store = malloc(len + 2 * HTTP_MAX_FIELDS + 2);
  f->names = calloc(HTTP_MAX_FIELDS, sizeof *f->names);
  f->values = calloc(HTTP_MAX_FIELDS, sizeof *f->values);
  if (!f->store || !f->names || !f->values) {
    fields_free(f);
    f->parsed = 1;
    return;
  }
  char *o = f->store;
  size_t text = 0; /* bytes of the text parts */
  /* The first delimiter has no CRLF before it. */
  if (len < dl - 2 || memcmp(b, delim + 2, dl - 2) != 0) return;
  size_t i = dl - 2;
  while (f->n < HTTP_MAX_FIELDS) {
    if (i + 2 > len || memcmp(b + i, "\r\n", 2) != 0) return; /* "--" ends the body */
    i += 2;
    const uint8_t *hend = find_bytes(b + i, len - i, "\r\n\r\n", 4);
    if (!hend || (size_t)(hend - (b + i)) > HTTP_PART_HEAD_MAX) return;
    const char *h = (const char *)b + i;
    size_t hl = (size_t)((const char *)hend - h);
    i += hl + 4;
    const uint8_t *next = find_bytes(b + i, len - i, delim, dl);
    if (!next) return;
    size_t vl = (size_t)(next - (b + i));
    char name[64], filename[256];
    if (!part_param(h, hl, "name", name, sizeof name)) return;
    if (part_param(h, hl, "filename", filename, sizeof filename)) {
      if (r->n_files < HTTP_MAX_FILES) {
        struct http_file *fl = &r->files[r->n_files++];
        memcpy(fl->name, name, sizeof name);
        memcpy(fl->filename, filename, sizeof filename);
        fl->p = b + i;
        fl->len = vl;
      }
    } else if (r->srv->max_form_body && (text += vl) > r->srv->max_form_body) {
      /* Only files may make a form large: its text is held to the form cap
       * like a urlencoded form's, and the whole form is then too large. */
      r->too_large = 1;
      fields_free(f);
      f->parsed = 1;
      r->n_files = 0;
      return;
    } else if (!memchr(b + i, '\0', vl)) {
      size_t nl = strlen(name);
      f->names[f->n] = o;
      memcpy(o, name, nl + 1);
      o += nl + 1;
      f->values[f->n] = o;
      memcpy(o, b + i, vl);
      o[vl] = '\0';
      o += vl + 1;
      f->n++;
    }
    i += vl + dl;
  }
}

static void fields_free(struct http_fields *f) {
  free(f->store);
  free(f->names);
  free(f->values);
  memset(f, 0, sizeof *f);
}

/* ---- request state ---- */

static cm_http_req *req_new(cm_http_server *srv, const char *uri, struct MHD_Connection *conn) {
  cm_http_req *r = calloc(1, sizeof *r);
  if (!r) return NULL;
  r->srv = srv;
  r->conn = conn;
  r->target = strdup(uri ? uri : "/");
  if (!r->target) {
    free(r);
    return NULL;
  }
  cm_buf_init(&r->body, srv->max_body);
  return r;
}

static void req_free(cm_http_req *r) {
  if (!r) return;
  free(r->target);
  cm_buf_free(&r->body);
  for (unsigned i = 0; i < r->n_params; i++)
    free(r->params[i]);
  fields_free(&r->query);
  fields_free(&r->form);
  free(r);
}

/* How many arguments libmicrohttpd will split the query of uri into. */
static size_t query_args(const char *uri) {
  const char *q = uri ? strchr(uri, '?') : NULL;
  if (!q) return 0;
  size_t n = 1;
  for (; *q; q++)
    if (*q == '&') n++;
  return n;
}

/* libmicrohttpd (0.9.75) splits the query into arguments in the connection's
 * memory pool before our handler runs, and when thousands of them ("&&&...")
 * fill the pool it neither answers nor closes: the client would hold the
 * connection until the head deadline.  A query with more fields than we would
 * read anyway is cut at once instead. */
static void *on_uri(void *cls, const char *uri, struct MHD_Connection *conn) {
  cm_http_server *srv = cls;
  if (query_args(uri) > HTTP_MAX_FIELDS) {
    const union MHD_ConnectionInfo *ci =
        mhd.get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    cm_debug("http: a query of more than %d fields, closing the connection", HTTP_MAX_FIELDS);
    cm_guard_cut_now(srv->guard, ci ? ci->socket_context : NULL);
  }
  return req_new(srv, uri, conn);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe) {
  cm_http_server *srv = cls;
  cm_http_req *r = *con_cls;
  (void)toe;
  cm_guard_conn *gc = r ? r->gc : NULL;
  if (!gc) {
    const union MHD_ConnectionInfo *ci =
        mhd.get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    gc = ci ? ci->socket_context : NULL;
  }
  /* The body's bytes go back to the budget; a kept-alive connection now waits
   * for its next request head under the head deadline. */
  cm_guard_release(srv->guard, gc);
  cm_guard_head(srv->guard, gc);
  req_free(r);
  *con_cls = NULL;
}

/* Every accepted connection gets a guard slot; the close comes before
 * libmicrohttpd closes the descriptor (see http_guard.c). */
static void on_connection(void *cls, struct MHD_Connection *conn, void **socket_context,
                          enum MHD_ConnectionNotificationCode toe) {
  cm_http_server *srv = cls;
  if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
    const union MHD_ConnectionInfo *fd =
        mhd.get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
    const union MHD_ConnectionInfo *ca =
        mhd.get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    *socket_context = fd ? cm_guard_open(srv->guard, fd->connect_fd, ca ? ca->client_addr : NULL)
                         : NULL;
  } else if (toe == MHD_CONNECTION_NOTIFY_CLOSED) {
    cm_guard_close(srv->guard, *socket_context);
    *socket_context = NULL;
  }
}

static void on_mhd_log(void *cls, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));
static void on_mhd_log(void *cls, const char *fmt, va_list ap) {
  (void)cls;
  char line[512];
  vsnprintf(line, sizeof line, fmt, ap);
  size_t n = strlen(line);
  while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
    line[--n] = '\0';
  cm_debug("http: %s", line);
}

/* ---- route matching ---- */

/* Match path against pattern; on success fill params (malloc'd copies). */
static int route_match(const char *pattern, const char *path, char **params, unsigned *n_out) {
  const char *p = pattern, *s = path;
  unsigned n = 0;
  char *got[HTTP_MAX_PARAMS];
  while (*p) {
    if (p[0] == '*' && p[1] == '\0') {
      s += strlen(s);
      p++;
      break;
    }
    if (p[0] == '{' && p[1] == '}') {
      size_t len = strcspn(s, "/");
      if (len == 0 || n >= HTTP_MAX_PARAMS) goto fail;
      got[n] = strndup(s, len);
      if (!got[n]) goto fail;
      n++;
      s += len;
      p += 2;
      continue;
    }
    if (*p != *s) goto fail;
    p++;
    s++;
  }
  if (*s) goto fail;
  if (params) {
    for (unsigned i = 0; i < n; i++)
      params[i] = got[i];
    *n_out = n;
  } else {
    for (unsigned i = 0; i < n; i++)
      free(got[i]);
  }
  return 1;
fail:
  for (unsigned i = 0; i < n; i++)
    free(got[i]);
  return 0;
}

static int method_matches(const char *route_method, const char *method) {
  if (!route_method) return 1;
  if (strcmp(route_method, method) == 0) return 1;
  /* HEAD is a GET without the body; MHD drops the body itself. */
  return strcmp(route_method, "GET") == 0 && strcmp(method, "HEAD") == 0;
}

/* ---- responses ---- */

static void resp_init(cm_http_resp *resp) {
  memset(resp, 0, sizeof *resp);
  resp->status = 200;
  cm_buf_init(&resp->body, HTTP_RESP_MAX);
}

/* Set status, type and body (replacing any earlier body). */
cm_rc cm_http_resp_set(cm_http_resp *resp, int status, const char *content_type, const void *data,
                       size_t len) {
  resp->status = status;
  resp->content_type = content_type;
  cm_buf_reset(&resp->body);
  return cm_buf_append(&resp->body, data, len);
}

/* Add a "Name: value" header line.  CR, LF or NUL in either part would let a
 * caller's input inject headers, so they are refused. */
cm_rc cm_http_resp_header(cm_http_resp *resp, const char *name, const char *value) {
  if (!name || !value || !*name || strpbrk(name, "\r\n:") || strpbrk(value, "\r\n"))
    return CM_ERR_INVALID;
  size_t need = strlen(name) + 2 + strlen(value) + 2;
  if (need >= sizeof resp->headers - resp->headers_len) return CM_ERR_TOO_LARGE;
  int n = snprintf(resp->headers + resp->headers_len, sizeof resp->headers - resp->headers_len,
                   "%s: %s\r\n", name, value);
  if (n < 0) return CM_ERR_INVALID;
  resp->headers_len += (size_t)n;
  return CM_OK;
}

/* Serialise j (stolen) as the body. */
void cm_http_resp_json(cm_http_resp *resp, int status, json_t *j) {
  resp->status = status;
  resp->content_type = "application/json";
  cm_buf_reset(&resp->body);
  if (!j || cm_json_write(j, &resp->body) != CM_OK) {
    static const char fallback[] =
        "{\"error\":\"NOMEM\",\"code\":1,\"message\":\"could not build the answer\"}";
    resp->status = 500;
    cm_buf_reset(&resp->body);
    (void)cm_buf_append(&resp->body, fallback, sizeof fallback - 1);
  }
  json_decref(j);
}

/* {"error": NAME, "code": n, "message": text} plus extra's fields (stolen). */
void cm_http_resp_error(cm_http_resp *resp, int status, cm_rc rc, const char *message,
                        json_t *extra) {
  json_t *j = json_object();
  if (j) {
    json_object_set_new(j, "error", json_string(cm_rcname(rc)));
    json_object_set_new(j, "code", json_integer((json_int_t)rc));
    /* A message that is not valid UTF-8 would make json_string fail. */
    json_t *m = json_string(message ? message : cm_strerror(rc));
    json_object_set_new(j, "message", m ? m : json_string(cm_strerror(rc)));
    if (json_is_object(extra)) json_object_update(j, extra);
  }
  json_decref(extra);
  cm_http_resp_json(resp, status, j);
  resp->status = status;
}

static int is_json_type(const char *ct) {
  return ct && strncasecmp(ct, "application/json", 16) == 0;
}

/* Turn resp into an MHD response and queue it.  The body is handed to MHD,
 * which free()s it. */
static enum MHD_Result queue_resp(cm_http_server *srv, struct MHD_Connection *conn,
                                  cm_http_resp *resp) {
  size_t len = 0;
  uint8_t *data = cm_buf_take(&resp->body, &len);
  struct MHD_Response *r;
  if (data)
    r = mhd.create_response_from_buffer(len, data, MHD_RESPMEM_MUST_FREE);
  else
    r = mhd.create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
  if (!r) {
    free(data);
    return MHD_NO;
  }
  char now[24];
  snprintf(now, sizeof now, "%llu", (unsigned long long)cm_now_ms());
  mhd.add_response_header(r, "X-Linli-Time", now);
  mhd.add_response_header(r, "X-Content-Type-Options", "nosniff");
  /* Under TLS, browsers are told never to come back in clear text. */
  if (srv->tls) mhd.add_response_header(r, "Strict-Transport-Security", "max-age=31536000");
  if (len || resp->content_type)
    mhd.add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
                            resp->content_type ? resp->content_type : "application/octet-stream");
  if (is_json_type(resp->content_type))
    mhd.add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
  /* Extra header lines, "Name: value\r\n" each. */
  char *h = resp->headers;
  size_t left = resp->headers_len < sizeof resp->headers ? resp->headers_len : 0;
  while (left) {
    char *eol = memchr(h, '\r', left);
    if (!eol || (size_t)(eol - h) + 1 >= left || eol[1] != '\n') break;
    *eol = '\0';
    char *colon = strchr(h, ':');
    if (colon) {
      *colon = '\0';
      const char *v = colon + 1;
      while (*v == ' ')
        v++;
      mhd.add_response_header(r, h, v);
    }
    size_t used = (size_t)(eol - h) + 2;
    h += used;
    left -= used;
  }
  int status = resp->status;
  if (status < 100 || status > 599) status = 500;
  enum MHD_Result ret = mhd.queue_response(conn, (unsigned)status, r);
  mhd.destroy_response(r);
  return ret;
}

/* Answer an error straight away (413 before the body, 404, 500). */
static enum MHD_Result queue_error(cm_http_server *srv, struct MHD_Connection *conn, int status,
                                   cm_rc rc, const char *message) {
  cm_http_resp resp;
  resp_init(&resp);
  cm_http_resp_error(&resp, status, rc, message, NULL);
  enum MHD_Result ret = queue_resp(srv, conn, &resp);
  cm_buf_free(&resp.body);
  return ret;
}

/* 1 when host (a Host header: "name", "name:port", "[v6]:port") names this
 * server: a loopback name or one of srv->hosts. */
static int host_accepted(const cm_http_server *srv, const char *host) {
  char name[256];
  if (!host || !*host) return 0;
  size_t n;
  if (host[0] == '[') {
    const char *close = strchr(host, ']');
    if (!close) return 0;
    n = (size_t)(close - host) + 1;
  } else {
    const char *colon = strchr(host, ':');
    n = colon ? (size_t)(colon - host) : strlen(host);
  }
  if (n == 0 || n >= sizeof name - 2) return 0;
  for (size_t i = 0; i < n; i++)
    name[i] = (char)(host[i] >= 'A' && host[i] <= 'Z' ? host[i] + 32 : host[i]);
  name[n] = '\0';
  if (!strcmp(name, "localhost") || !strcmp(name, "[::1]")) return 1;
  struct in_addr a4;
  if (inet_pton(AF_INET, name, &a4) == 1 && (ntohl(a4.s_addr) >> 24) == 127) return 1;
  if (!srv->hosts) return 0;
  char key[260];
  snprintf(key, sizeof key, ",%s,", name);
  return strstr(srv->hosts, key) != NULL;
}

/* Find the route and run it. */
static enum MHD_Result dispatch(cm_http_server *srv, cm_http_req *r) {
  cm_http_resp resp;
  resp_init(&resp);
  if (srv->check_host) {
    const char *host = cm_http_header(r, "Host");
    if (!host_accepted(srv, host)) {
      char msg[400];
      snprintf(msg, sizeof msg,
               "请求头 Host“%.100s”不是本服务器的名称；若它确是本服务器的名称，请在启动时加 "
               "--host 名称（只写名称，端口不比较）",
               host ? host : "");
      cm_warn("http: refused %s %s from %s: Host \"%.100s\" is not this server", r->method,
              r->path, cm_http_peer(r), host ? host : "");
      cm_http_resp_error(&resp, 421, CM_ERR_PERM, msg, NULL);
      cm_guard_send(srv->guard, r->gc, resp.body.len);
      enum MHD_Result ret = queue_resp(srv, r->conn, &resp);
      cm_buf_free(&resp.body);
      return ret;
    }
  }
  const cm_http_route *route = NULL;
  int path_known = 0;
  char allow[128] = "";
  for (size_t i = 0; i < srv->n_routes; i++) {
    const cm_http_route *rt = &srv->routes[i];
    if (!rt->pattern || !rt->handler) continue;
    if (!method_matches(rt->method, r->method)) {
      if (route_match(rt->pattern, r->path, NULL, NULL)) {
        path_known = 1;
        size_t al = strlen(allow);
        if (rt->method && al + strlen(rt->method) + 3 < sizeof allow)
          snprintf(allow + al, sizeof allow - al, "%s%s", al ? ", " : "", rt->method);
      }
      continue;
    }
    if (route_match(rt->pattern, r->path, r->params, &r->n_params)) {
      route = rt;
      break;
    }
  }
  if (route) {
    route->handler(r, &resp, srv->ctx);
  } else if (path_known) {
    char msg[256];
    snprintf(msg, sizeof msg, "这个地址不接受 %.16s 请求：%.180s", r->method, r->path);
    cm_http_resp_error(&resp, 405, CM_ERR_INVALID, msg, NULL);
    if (allow[0]) (void)cm_http_resp_header(&resp, "Allow", allow);
  } else if (srv->not_found && cm_http_wants_page(r)) {
    srv->not_found(r, &resp, srv->ctx);
  } else {
    char msg[256];
    snprintf(msg, sizeof msg, "没有这个地址：%.200s", r->path);
    cm_http_resp_error(&resp, 404, CM_ERR_NOT_FOUND, msg, NULL);
  }
  cm_debug("%s %s -> %d (%zu bytes)", r->method, r->target, resp.status, resp.body.len);
  cm_guard_send(srv->guard, r->gc, resp.body.len);
  enum MHD_Result ret = queue_resp(srv, r->conn, &resp);
  cm_buf_free(&resp.body);
  return ret;
}

static enum MHD_Result on_access(void *cls, struct MHD_Connection *conn, const char *url,
                                 const char *method, const char *version, const char *upload_data,
                                 size_t *upload_data_size, void **con_cls) {
  cm_http_server *srv = cls;
  cm_http_req *r = *con_cls;
  (void)version;
  if (!r) {
    /* The URI callback could not allocate; try once more here. */
    r = req_new(srv, url, conn);
    if (!r) return MHD_NO;
    *con_cls = r;
  }
  if (!r->started) {
    r->started = 1;
    r->method = method;
    r->path = url;
    r->conn = conn;
    const union MHD_ConnectionInfo *ci =
        mhd.get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    r->gc = ci ? ci->socket_context : NULL;
    /* A body that is not a multipart form (which carries files) has the
     * smaller form cap when the server sets one. */
    const char *ct =
        mhd.lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE);
    r->limit = srv->max_body;
    if (srv->max_form_body && srv->max_form_body < srv->max_body &&
        !(ct && strncasecmp(ct, "multipart/form-data", 19) == 0))
      r->limit = srv->max_form_body;
    r->body.max = r->limit;
    const char *cl =
        mhd.lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
    const char *te =
        mhd.lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_TRANSFER_ENCODING);
    if (cl) {
      char *end = NULL;
      errno = 0;
      unsigned long long n = strtoull(cl, &end, 10);
      if (!errno && end && !*end && n > r->limit && n <= HTTP_DISCARD_MAX &&
          srv->route_too_large) {
        /* Read and drop it; the route answers in its own words at the end.
         * Nothing of it is kept, so it takes nothing of the body budget, but
         * it has the body's deadline like any other. */
        r->too_large = 1;
        cm_buf_free(&r->body);
        cm_guard_body(srv->guard, r->gc, (size_t)n);
        return MHD_YES;
      } else if (errno || !end || *end || n > r->limit) {
        /* Refuse before reading a byte of the body. */
        char msg[160];
        snprintf(msg, sizeof msg, "request body over the limit of %zu bytes", r->limit);
        r->answered = 1;
        cm_guard_send(srv->guard, r->gc, 0);
        return queue_error(srv, conn, 413, CM_ERR_TOO_LARGE, msg);
      }
      if (n > 0) {
        /* The announced body is taken from the budget before a byte of it is
         * read, so bodies that never finish cannot pile up past it. */
        if (cm_guard_take(srv->guard, r->gc, (size_t)n) != 0) {
          r->answered = 1;
          cm_guard_send(srv->guard, r->gc, 0);
          cm_info("http: %s is over its share of unfinished request bodies: 503",
                  cm_http_peer(r));
          return queue_error(srv, conn, 503, CM_ERR_BUSY,
                             "too many unfinished uploads from this address; try again later");
        }
        r->held_known = 1;
        cm_guard_body(srv->guard, r->gc, (size_t)n);
        return MHD_YES;
      }
    }
    if (te)
      cm_guard_body(srv->guard, r->gc, 0);
    else
      cm_guard_none(srv->guard, r->gc);
    return MHD_YES;
  }
  if (*upload_data_size) {
    size_t n = *upload_data_size;
    *upload_data_size = 0;
    if (r->answered) return MHD_YES;
    /* A body of unknown length is taken from the budget as it is kept. */
    if (!r->held_known && !r->too_large && r->body.len + n <= r->limit &&
        cm_guard_take(srv->guard, r->gc, n) != 0) {
      cm_info("http: %s is over its share of unfinished request bodies: closing",
              cm_http_peer(r));
      return MHD_NO;
    }
    if (!r->too_large) {
      cm_rc rc = cm_buf_append(&r->body, upload_data, n);
      if (rc == CM_ERR_TOO_LARGE) {
        r->too_large = 1;
        cm_buf_free(&r->body); /* what we kept is no use now */
        if (!r->held_known) cm_guard_release(srv->guard, r->gc);
      } else if (rc) {
        return MHD_NO;
      }
    } else {
      r->discarded += n;
      /* A client streaming without end: stop reading and hang up. */
      if (r->discarded > HTTP_DISCARD_MAX) return MHD_NO;
    }
    return MHD_YES;
  }
  if (r->answered) return MHD_YES;
  r->answered = 1;
  cm_guard_none(srv->guard, r->gc);
  if (r->too_large && !srv->route_too_large) {
    char msg[160];
    snprintf(msg, sizeof msg, "request body over the limit of %zu bytes", r->limit);
    cm_guard_release(srv->guard, r->gc);
    cm_guard_send(srv->guard, r->gc, 0);
    return queue_error(srv, conn, 413, CM_ERR_TOO_LARGE, msg);
  }
  enum MHD_Result ret = dispatch(srv, r);
  /* The body has been read and answered: its bytes go back to the budget now,
   * not when libmicrohttpd reports the request completed, which may come after
   * the client has already sent its next request. */
  cm_guard_release(srv->guard, r->gc);
  return ret;
}

/* ---- start and stop ---- */

/* Read a PEM file (bounded) into a NUL-terminated string. */
static cm_rc read_pem(const char *path, char **out, cm_err *err) {
  cm_rc rc = CM_OK;
  cm_buf b;
  cm_buf_init(&b, HTTP_PEM_MAX);
  FILE *f = fopen(path, "rb");
  if (!f) return cm_errf(err, CM_ERR_IO, "无法打开 %s：%s", path, strerror(errno));
  char chunk[4096];
  size_t n;
  while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
    rc = cm_buf_append(&b, chunk, n);
    if (rc) {
      cm_errf(err, rc, "%s 太大，不是 PEM 文件", path);
      goto out;
    }
  }
  if (ferror(f) || b.len == 0) {
    rc = cm_errf(err, CM_ERR_IO, "无法读取 %s", path);
    goto out;
  }
  *out = (char *)cm_buf_take(&b, NULL);
  if (!*out) rc = CM_ERR_NOMEM;
out:
  fclose(f);
  cm_buf_free(&b);
  return rc;
}

/* Resolve "host:port" ("[v6]:port" too; empty host or "*" = every interface). */
static cm_rc parse_listen(const char *listen, struct sockaddr_storage *ss, int *v6_out,
                          cm_err *err) {
  char host[256];
  const char *colon = listen ? strrchr(listen, ':') : NULL;
  if (!colon)
    return cm_errf(err, CM_ERR_INVALID, "监听地址“%s”应为 地址:端口",
                   listen ? listen : "");
  size_t hlen = (size_t)(colon - listen);
  const char *hs = listen;
  if (hlen >= 2 && hs[0] == '[' && hs[hlen - 1] == ']') {
    hs++;
    hlen -= 2;
  }
  if (hlen >= sizeof host) return cm_errf(err, CM_ERR_INVALID, "监听地址太长");
  memcpy(host, hs, hlen);
  host[hlen] = '\0';
  const char *port = colon + 1;
  char *end = NULL;
  unsigned long pn = strtoul(port, &end, 10);
  if (!*port || !end || *end || pn > 65535)
    return cm_errf(err, CM_ERR_INVALID, "监听地址“%s”：端口应为 0 到 65535", listen);

  struct addrinfo hints, *res = NULL;
  memset(&hints, 0, sizeof hints);
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  int any = (host[0] == '\0' || strcmp(host, "*") == 0);
  if (any) hints.ai_family = AF_INET;
  int g = getaddrinfo(any ? NULL : host, port, &hints, &res);
  if (g != 0 || !res)
    return cm_errf(err, CM_ERR_INVALID, "监听地址“%s”：%s", listen, gai_strerror(g));
  memset(ss, 0, sizeof *ss);
  memcpy(ss, res->ai_addr, res->ai_addrlen);
  *v6_out = res->ai_family == AF_INET6;
  freeaddrinfo(res);
  return CM_OK;
}

/* The host part of listen ("[v6]" keeps its brackets) into out. */
static void listen_host(const char *listen, char *out, size_t cap) {
  const char *colon = listen ? strrchr(listen, ':') : NULL;
  size_t n = colon ? (size_t)(colon - listen) : 0;
  if (n >= cap) n = cap - 1;
  if (n) memcpy(out, listen, n);
  out[n] = '\0';
}

/* ",a,b,...," in lower case: the listen host and the extra names. */
static cm_rc hosts_list(const char *listen, const char *extra, char **out, cm_err *err) {
  cm_buf b;
  cm_buf_init(&b, 8192);
  char h[256];
  listen_host(listen, h, sizeof h);
  cm_rc rc = cm_buf_appendf(&b, ",%s,%s,", h, extra ? extra : "");
  if (rc) {
    cm_buf_free(&b);
    return cm_errf(err, rc, "--host：名称太多");
  }
  for (size_t i = 0; i < b.len; i++) {
    if (b.p[i] >= 'A' && b.p[i] <= 'Z') b.p[i] = (uint8_t)(b.p[i] + 32);
    if (b.p[i] == ' ') b.p[i] = ',';
  }
  *out = (char *)cm_buf_take(&b, NULL);
  return *out ? CM_OK : cm_errf(err, CM_ERR_NOMEM, "内存不足");
}

void cm_http_listen_host(const char *listen, int for_url, char *out, size_t cap) {
  if (!cap) return;
  const char *colon = strrchr(listen, ':');
  size_t n = colon ? (size_t)(colon - listen) : strlen(listen);
  if (n >= cap) n = cap - 1;
  memcpy(out, listen, n);
  out[n] = '\0';
  if (!out[0] || !strcmp(out, "0.0.0.0") || !strcmp(out, "*"))
    snprintf(out, cap, "%s", for_url ? "127.0.0.1" : "0.0.0.0");
  else if (!strcmp(out, "[::]") || !strcmp(out, "::"))
    snprintf(out, cap, "%s", for_url ? "[::1]" : "[::]");
}

cm_rc cm_http_listen_loopback(const char *listen, int *loopback_out, cm_err *err) {
  char host[256];
  *loopback_out = 0;
  listen_host(listen, host, sizeof host);
  const char *h = host;
  char unbr[256];
  size_t hl = strlen(host);
  if (hl >= 2 && host[0] == '[' && host[hl - 1] == ']') {
    memcpy(unbr, host + 1, hl - 2);
    unbr[hl - 2] = '\0';
    h = unbr;
  }
  if (!listen || !strrchr(listen, ':'))
    return cm_errf(err, CM_ERR_INVALID, "监听地址“%s”应为 地址:端口",
                   listen ? listen : "");
  if (!*h || !strcmp(h, "*")) return CM_OK; /* every interface */
  struct addrinfo hints, *res = NULL;
  memset(&hints, 0, sizeof hints);
  hints.ai_socktype = SOCK_STREAM;
  int g = getaddrinfo(h, NULL, &hints, &res);
  if (g != 0 || !res)
    return cm_errf(err, CM_ERR_INVALID, "监听地址“%s”：%s", listen, gai_strerror(g));
  int all = 1;
  for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
    if (ai->ai_family == AF_INET) {
      const struct sockaddr_in *s4 = (const struct sockaddr_in *)(const void *)ai->ai_addr;
      if ((ntohl(s4->sin_addr.s_addr) >> 24) != 127) all = 0;
    } else if (ai->ai_family == AF_INET6) {
      const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)(const void *)ai->ai_addr;
      if (!IN6_IS_ADDR_LOOPBACK(&s6->sin6_addr)) all = 0;
    } else {
      all = 0;
    }
  }
  freeaddrinfo(res);
  *loopback_out = all;
  return CM_OK;
}

/* Bind and serve in background threads. */
cm_rc cm_http_start(const cm_http_config *cfg, cm_http_server **srv_out, cm_err *err) {
  cm_rc rc = CM_OK;
  cm_http_server *srv = NULL;
  struct sockaddr_storage ss;
  int v6 = 0;

  if (srv_out) *srv_out = NULL;
  if (!cfg || !srv_out || (cfg->n_routes && !cfg->routes))
    return cm_errf(err, CM_ERR_INVALID, "启动网页服务：参数不对");
  rc = mhd_init(err);
  if (rc) return rc;
  rc = parse_listen(cfg->listen, &ss, &v6, err);
  if (rc) goto out;
  srv = calloc(1, sizeof *srv);
  if (!srv) {
    rc = cm_errf(err, CM_ERR_NOMEM, "启动网页服务时内存不足");
    goto out;
  }
  srv->routes = cfg->routes;
  srv->n_routes = cfg->n_routes;
  srv->ctx = cfg->ctx;
  srv->max_body = cfg->max_body ? cfg->max_body : HTTP_DEFAULT_MAX_BODY;
  srv->max_form_body = cfg->max_form_body;
  srv->not_found = cfg->not_found;
  srv->route_too_large = cfg->route_too_large;
  srv->check_host = cfg->check_host;
  if (cfg->check_host) {
    rc = hosts_list(cfg->listen, cfg->hosts, &srv->hosts, err);
    if (rc) goto out;
  }
  if ((cfg->cert_file && !cfg->key_file) || (!cfg->cert_file && cfg->key_file)) {
    rc = cm_errf(err, CM_ERR_INVALID, "HTTPS 需要证书文件和私钥文件");
    goto out;
  }
  if (cfg->cert_file) {
    if (mhd.is_feature_supported(MHD_FEATURE_TLS) != MHD_YES) {
      rc = cm_errf(err, CM_ERR_UNSUPPORTED, "本机的 libmicrohttpd 不支持 HTTPS");
      goto out;
    }
    rc = read_pem(cfg->cert_file, &srv->cert_pem, err);
    if (!rc) rc = read_pem(cfg->key_file, &srv->key_pem, err);
    if (rc) goto out;
    srv->tls = 1;
  }
  /* One address may hold a little more than one largest body; all together
   * four of them. */
  rc = cm_guard_new(srv->max_body + srv->max_body / 4, 4 * srv->max_body, HTTP_CONN_LIMIT,
                    &srv->guard, err);
  if (rc) goto out;

  unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG;
  flags |= mhd.is_feature_supported(MHD_FEATURE_EPOLL) == MHD_YES ? MHD_USE_EPOLL : MHD_USE_POLL;
  if (v6) flags |= MHD_USE_IPv6;
  if (srv->tls) flags |= MHD_USE_TLS;
  unsigned threads = cfg->threads ? cfg->threads : 4;

  struct MHD_OptionItem ops[16];
  size_t k = 0;
  ops[k++] = (struct MHD_OptionItem){MHD_OPTION_EXTERNAL_LOGGER, (intptr_t)on_mhd_log, NULL};
  ops[k++] = (struct MHD_OptionItem){MHD_OPTION_SOCK_ADDR, 0, &ss};
  ops[k++] = (struct MHD_OptionItem){MHD_OPTION_URI_LOG_CALLBACK, (intptr_t)on_uri, srv};
  ops[k++] = (struct MHD_OptionItem){MHD_OPTION_NOTIFY_COMPLETED, (intptr_t)on_completed, srv};
  /* Each connection's pool holds its request line, headers and the parsed
   * query arguments.  With libmicrohttpd's default 32 KiB a request of a few
   * hundred query arguments ran it out, and the connection then sat without
   * an answer until its deadline; 128 KiB fits any request line the server
   * reads (it answers 414 beyond that). */
  ops[k++] = (struct MHD_OptionItem){MHD_OPTION_CONNECTION_MEMORY_LIMIT, HTTP_POOL_BYTES, NULL};
  ops[k++] = (struct MHD_OptionItem){MHD_OPTION_CONNECTION_TIMEOUT, HTTP_TIMEOUT_S, NULL};
  ops[k++] = (struct MHD_OptionItem){MHD_OPTION_CONNECTION_LIMIT, HTTP_CONN_LIMIT, NULL};
  ops[k++] = (struct MHD_OptionItem){MHD_OPTION_PER_IP_CONNECTION_LIMIT, HTTP_CONN_PER_ADDR, NULL};
  ops[k++] = (struct MHD_OptionItem){MHD_OPTION_NOTIFY_CONNECTION, (intptr_t)on_connection, srv};
  if (threads > 1)
    ops[k++] = (struct MHD_OptionItem){MHD_OPTION_THREAD_POOL_SIZE, (intptr_t)threads, NULL};
  if (srv->tls) {
    ops[k++] = (struct MHD_OptionItem){MHD_OPTION_HTTPS_MEM_CERT, 0, srv->cert_pem};
    ops[k++] = (struct MHD_OptionItem){MHD_OPTION_HTTPS_MEM_KEY, 0, srv->key_pem};
  }
  ops[k++] = (struct MHD_OptionItem){MHD_OPTION_END, 0, NULL};

  srv->d =
      mhd.start_daemon(flags, 0, NULL, NULL, on_access, srv, MHD_OPTION_ARRAY, ops, MHD_OPTION_END);
  if (!srv->d) {
    rc = cm_errf(err, CM_ERR_IO,
                 "无法在 %s 上监听：%s；是否有别的程序占用了这个端口，或证书、私钥有问题？",
                 cfg->listen, errno ? strerror(errno) : "failed");
    goto out;
  }
  const union MHD_DaemonInfo *info = mhd.get_daemon_info(srv->d, MHD_DAEMON_INFO_BIND_PORT);
  srv->port = info ? info->port : 0;
  *srv_out = srv;
  srv = NULL;
out:
  if (srv) cm_http_stop(srv);
  return rc;
}

/* The bound port. */
uint16_t cm_http_port(const cm_http_server *srv) {
  return srv ? srv->port : 0;
}

/* Stop the daemon (joins its threads) and free. */
void cm_http_stop(cm_http_server *srv) {
  if (!srv) return;
  if (srv->d) mhd.stop_daemon(srv->d);
  cm_guard_free(srv->guard);
  free(srv->hosts);
  free(srv->cert_pem);
  if (srv->key_pem) {
    /* The private key is a secret: wipe before freeing. */
    volatile char *p = srv->key_pem;
    while (*p)
      *p++ = 0;
  }
  free(srv->key_pem);
  free(srv);
}

/* ---- request accessors (documented in http_server.h) ---- */

const char *cm_http_method(const cm_http_req *req) {
  return req->method;
}

const char *cm_http_path(const cm_http_req *req) {
  return req->path;
}

const char *cm_http_target(const cm_http_req *req) {
  return req->target;
}

const char *cm_http_param(const cm_http_req *req, unsigned i) {
  return i < req->n_params ? req->params[i] : NULL;
}

/* Query fields are parsed on first use from the target as sent. */
const char *cm_http_query(const cm_http_req *req, const char *name) {
  cm_http_req *r = (cm_http_req *)req; /* lazy parse: logically const */
  if (!r->query.parsed) {
    const char *q = strchr(r->target, '?');
    if (q) {
      q++;
      fields_parse(&r->query, q, strcspn(q, "#"));
    } else {
      r->query.parsed = 1;
    }
  }
  return name ? fields_get(&r->query, name, 0) : NULL;
}

const char *cm_http_header(const cm_http_req *req, const char *name) {
  return mhd.lookup_connection_value(req->conn, MHD_HEADER_KIND, name);
}

const char *cm_http_cookie(const cm_http_req *req, const char *name) {
  return mhd.lookup_connection_value(req->conn, MHD_COOKIE_KIND, name);
}

const uint8_t *cm_http_body(const cm_http_req *req, size_t *len_out) {
  if (len_out) *len_out = req->body.len;
  return req->body.p ? req->body.p : (const uint8_t *)"";
}

/* The boundary parameter of a multipart Content-Type ("" when absent or
 * over 70 characters, RFC 2046's limit), in a per-thread buffer. */
static const char *multipart_boundary(const char *ct) {
  static _Thread_local char out[72];
  const char *p = NULL;
  out[0] = '\0';
  for (const char *q = ct; *q && !p; q++)
    if (strncasecmp(q, "boundary=", 9) == 0) p = q;
  if (!p) return out;
  p += 9;
  int quoted = *p == '"';
  if (quoted) p++;
  size_t n = strcspn(p, quoted ? "\"" : "; \t");
  if (n < sizeof out) {
    memcpy(out, p, n);
    out[n] = '\0';
  }
  return out;
}

/* Form fields, parsed on first use, for a urlencoded or multipart body. */
const char *cm_http_form(const cm_http_req *req, const char *name, unsigned index) {
  cm_http_req *r = (cm_http_req *)req;
  if (!r->form.parsed) {
    const char *ct = cm_http_header(req, MHD_HTTP_HEADER_CONTENT_TYPE);
    if (ct && strncasecmp(ct, "application/x-www-form-urlencoded", 33) == 0 &&
        (ct[33] == '\0' || ct[33] == ';' || ct[33] == ' '))
      fields_parse(&r->form, (const char *)r->body.p, r->body.len);
    else if (ct && strncasecmp(ct, "multipart/form-data", 19) == 0)
      multipart_parse(r, multipart_boundary(ct));
    else
      r->form.parsed = 1;
  }
  return name ? fields_get(&r->form, name, index) : NULL;
}

const uint8_t *cm_http_form_file(const cm_http_req *req, const char *name, size_t *len_out,
                                 const char **filename_out) {
  cm_http_form(req, NULL, 0);
  for (unsigned i = 0; i < req->n_files; i++) {
    if (strcmp(req->files[i].name, name) != 0) continue;
    if (len_out) *len_out = req->files[i].len;
    if (filename_out) *filename_out = req->files[i].filename;
    return req->files[i].p;
  }
  if (len_out) *len_out = 0;
  if (filename_out) *filename_out = "";
  return NULL;
}

int cm_http_body_too_large(const cm_http_req *req) {
  /* a multipart form's text over the form cap is found when it is read */
  if (req && !req->too_large) cm_http_form(req, NULL, 0);
  return req && req->too_large;
}

int cm_http_is_tls(const cm_http_req *req) {
  return req->srv->tls;
}

int cm_http_wants_page(const cm_http_req *req) {
  const char *path = req->path ? req->path : "";
  if (strncmp(path, "/api/", 5) != 0 && strcmp(path, "/api") != 0) return 1;
  const char *accept = cm_http_header(req, "Accept");
  return accept && strstr(accept, "text/html") != NULL;
}

const char *cm_http_peer(const cm_http_req *req) {
  cm_http_req *r = (cm_http_req *)req;
  if (!r->peer[0]) {
    const union MHD_ConnectionInfo *ci =
        mhd.get_connection_info(r->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    const struct sockaddr *sa = ci ? ci->client_addr : NULL;
    if (sa && sa->sa_family == AF_INET)
      inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, r->peer,
                sizeof r->peer);
    else if (sa && sa->sa_family == AF_INET6)
      inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, r->peer,
                sizeof r->peer);
    if (!r->peer[0]) snprintf(r->peer, sizeof r->peer, "unknown");
  }
  return r->peer;
}
