/* hub_api_util.c - helpers shared by the hub API tests (hub_api_util.h). */
#define _GNU_SOURCE /* strcasestr, nftw */
#include "hub_api_util.h"

#include <arpa/inet.h>
#include <ftw.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "common/clock.h"
#include "hub/hublog.h"
#include "hub/review.h"
#include "protocol/bundle.h"
#include "protocol/changeset.h"

int t_tmp_new(t_tmp *t) {
  const char *base = getenv("TMPDIR");
  snprintf(t->path, sizeof t->path, "%s/linli-hubapi.XXXXXX", base && *base ? base : "/tmp");
  return mkdtemp(t->path) ? 0 : -1;
}

static int rm_one(const char *p, const struct stat *sb, int flag, struct FTW *ftw) {
  (void)sb;
  (void)flag;
  (void)ftw;
  return remove(p);
}

void t_tmp_free(t_tmp *t) {
  if (!t->path[0]) return;
  if (getenv("T_KEEP")) {
    fprintf(stderr, "kept %s\n", t->path);
    return;
  }
  nftw(t->path, rm_one, 16, FTW_DEPTH | FTW_PHYS);
  t->path[0] = '\0';
}

int t_log_new(t_log *lg) {
  memset(lg, 0, sizeof *lg);
  lg->time_ms = cm_now_ms();
  return proto_keypair_generate(&lg->kp) == CM_OK ? 0 : -1;
}

int t_log_add(t_log *lg, const char *kind, const char *body) {
  if (lg->n_pending >= T_MAX_PENDING) return -1;
  snprintf(lg->kind[lg->n_pending], sizeof lg->kind[0], "%s", kind);
  lg->body[lg->n_pending] = strdup(body);
  if (!lg->body[lg->n_pending]) return -1;
  lg->n_pending++;
  return 0;
}

void t_log_clear(t_log *lg) {
  for (size_t i = 0; i < lg->n_pending; i++) {
    free(lg->body[i]);
    lg->body[i] = NULL;
  }
  lg->n_pending = 0;
}

int t_log_build(t_log *lg, uint8_t **out, size_t *len) {
  proto_entry e[T_MAX_PENDING];
  uint8_t prev[PROTO_HASH_BYTES];
  int ret = -1;
  size_t n = lg->n_pending;
  if (n == 0) return -1;
  memcpy(prev, lg->head, sizeof prev);
  for (size_t i = 0; i < n; i++) {
    memset(&e[i], 0, sizeof e[i]);
    memcpy(e[i].author, lg->kp.pk, PROTO_KEY_BYTES);
    e[i].seq = lg->seq + 1 + i;
    memcpy(e[i].prev, prev, PROTO_HASH_BYTES);
    e[i].time_ms = lg->time_ms++;
    snprintf(e[i].kind, sizeof e[i].kind, "%s", lg->kind[i]);
    e[i].body = (const uint8_t *)lg->body[i];
    e[i].body_len = strlen(lg->body[i]);
    if (proto_entry_hash(&e[i], prev) != CM_OK) goto out;
  }
  if (proto_changeset_build(e, n, &lg->kp, cm_now_ms(), out, len, NULL) != CM_OK) goto out;
  lg->seq += n;
  memcpy(lg->head, prev, PROTO_HASH_BYTES);
  ret = 0;
out:
  t_log_clear(lg);
  return ret;
}

int t_log_org(t_log *lg, const char *id, const char *name) {
  char body[1024];
  snprintf(body, sizeof body,
           "{\"id\":\"%s\",\"name\":\"%s\",\"category\":\"為老服務\",\"leader\":\"王秀英\","
           "\"phone\":\"13800000000\",\"members\":20,\"party_members\":2,"
           "\"party_station\":false,\"founded_by\":\"self\",\"scope\":\"助老扶弱\","
           "\"venue\":\"社區活動室\",\"filed\":\"2026-03-01\",\"flags\":[]}",
           id, name);
  return t_log_add(lg, "org.filed", body);
}

int t_log_report(t_log *lg, const char *org, const char *month, int activities, int participants,
                 int party_participants) {
  char body[1024];
  snprintf(body, sizeof body,
           "{\"org\":\"%s\",\"month\":\"%s\",\"activities\":%d,\"participants\":%d,"
           "\"party_participants\":%d,\"content\":\"探訪獨居老人\",\"scope\":\"助老扶弱\","
           "\"good_deeds\":\"\"}",
           org, month, activities, participants, party_participants);
  return t_log_add(lg, "report.monthly", body);
}

int t_bundle(const uint8_t *const *cs, const size_t *lens, size_t n, uint8_t **out, size_t *len) {
  proto_span sp[16];
  if (n > 16) return -1;
  for (size_t i = 0; i < n; i++) {
    sp[i].p = cs[i];
    sp[i].len = lens[i];
  }
  return proto_bundle_encode(sp, n, out, len) == CM_OK ? 0 : -1;
}

int t_hub_init(const char *dir, hub_role role, const char *name, const char *upstream_url,
               const uint8_t *upstream_key, uint8_t *pk_out) {
  cm_err err;
  cm_err_clear(&err);
  hub_ctx *h = NULL;
  if (hub_init(dir, role, name, upstream_url, upstream_key, &err) != CM_OK ||
      hub_open(dir, &h, &err) != CM_OK) {
    fprintf(stderr, "t_hub_init %s: %s\n", dir, err.msg);
    return -1;
  }
  if (pk_out) memcpy(pk_out, h->kp.pk, PROTO_KEY_BYTES);
  hub_close(h);
  return 0;
}

int t_hub_enroll(const char *dir, const uint8_t key[PROTO_KEY_BYTES], const char *name,
                 const char *code) {
  cm_err err;
  cm_err_clear(&err);
  hub_ctx *h = NULL;
  cm_rc rc = hub_open(dir, &h, &err);
  if (!rc) rc = hub_enroll(h, key, name, code, NULL, &err);
  if (rc) fprintf(stderr, "t_hub_enroll %s: %s\n", name, err.msg);
  hub_close(h);
  return rc ? -1 : 0;
}

int t_http(const char *method, const char *base, const char *path, const char *ctype,
           const uint8_t *body, size_t len, const proto_keypair *sign_with, int64_t offset_ms,
           const char *ca_file, t_resp *out) {
  char url[1024];
  cm_client_opts o;
  cm_client_result res;
  cm_err err;
  cm_err_clear(&err);
  memset(out, 0, sizeof *out);
  memset(&o, 0, sizeof o);
  o.sign_with = sign_with;
  o.clock_offset_ms = offset_ms;
  o.ca_file = ca_file;
  snprintf(url, sizeof url, "%s%s", base, path);
  cm_rc rc = cm_client_request(method, url, ctype, body, len, &o, &res, &err);
  if (rc) {
    fprintf(stderr, "t_http %s %s: %s\n", method, url, err.msg);
    cm_client_result_free(&res);
    return -1;
  }
  out->status = res.status;
  out->body = cm_buf_take(&res.body, &out->len);
  if (out->len && out->body[0] == '{')
    out->json = json_loadb((const char *)out->body, out->len, 0, NULL);
  cm_client_result_free(&res);
  return 0;
}

void t_resp_free(t_resp *r) {
  free(r->body);
  json_decref(r->json);
  memset(r, 0, sizeof *r);
}

const char *t_err_name(const t_resp *r) {
  const char *s = json_string_value(json_object_get(r->json, "error"));
  return s ? s : "";
}

long long t_json_int(const t_resp *r, const char *key) {
  json_t *v = json_object_get(r->json, key);
  return json_is_integer(v) ? (long long)json_integer_value(v) : -1;
}

long long t_head_seq(const char *base, const uint8_t author[PROTO_KEY_BYTES]) {
  char path[128], hex[PROTO_KEY_HEX];
  t_resp r;
  proto_key_hex(author, hex);
  snprintf(path, sizeof path, "/api/v1/heads/%s", hex);
  if (t_http("GET", base, path, NULL, NULL, 0, NULL, 0, NULL, &r)) return -1;
  long long seq = r.status == 200 ? t_json_int(&r, "seq") : -1;
  t_resp_free(&r);
  return seq;
}

void t_base(const hub_server *srv, char *out, size_t cap) {
  snprintf(out, cap, "%s", hub_server_url(srv));
  size_t n = strlen(out);
  if (n && out[n - 1] == '/') out[n - 1] = '\0';
}

int t_raw(uint16_t port, const char *req, size_t len, char *resp, size_t cap, int keep_open) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  struct sockaddr_in sa;
  memset(&sa, 0, sizeof sa);
  sa.sin_family = AF_INET;
  sa.sin_port = htons(port);
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  struct timeval tv = {10, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  if (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) goto fail;
  size_t off = 0;
  while (off < len) {
    ssize_t w = send(fd, req + off, len - off, MSG_NOSIGNAL);
    if (w <= 0) goto fail;
    off += (size_t)w;
  }
  if (keep_open) return fd;
  size_t got = 0;
  while (got + 1 < cap) {
    ssize_t r = recv(fd, resp + got, cap - 1 - got, 0);
    if (r <= 0) break;
    got += (size_t)r;
    /* Stop at the end of the body when a length was given. */
    resp[got] = '\0';
    const char *hdr_end = strstr(resp, "\r\n\r\n");
    const char *cl = strcasestr(resp, "\r\nContent-Length:");
    if (hdr_end && cl && cl < hdr_end) {
      size_t want = (size_t)(hdr_end + 4 - resp) + strtoul(cl + 17, NULL, 10);
      if (got >= want) break;
    }
  }
  resp[got] = '\0';
  close(fd);
  int status = -1;
  if (sscanf(resp, "HTTP/1.%*d %d", &status) != 1) status = -1;
  return status;
fail:
  close(fd);
  return -1;
}

long t_push(const char *base, t_log *lg) {
  uint8_t *cs = NULL, *bundle = NULL;
  size_t len = 0, blen = 0;
  long st = -1;
  t_resp r;
  if (t_log_build(lg, &cs, &len) == 0) {
    const uint8_t *one = cs;
    if (t_bundle(&one, &len, 1, &bundle, &blen) == 0 &&
        t_http("POST", base, "/api/v1/changesets", "application/vnd.linli.bundle", bundle, blen,
               NULL, 0, NULL, &r) == 0) {
      st = r.status;
      t_resp_free(&r);
    }
  }
  free(cs);
  free(bundle);
  return st;
}

int t_accept_all(hub_ctx *hub) {
  json_t *list = NULL, *b;
  cm_err err;
  size_t i;
  int bad = hub_review_list(hub, &list, &err) != CM_OK;
  json_array_foreach(list, i, b) {
    bad |= hub_review_accept(hub, json_integer_value(json_object_get(b, "id")), "李", NULL, 0, NULL,
                             &err) != CM_OK;
  }
  json_decref(list);
  return bad ? -1 : 0;
}

int t_street_up(t_street *g, unsigned long long now_ms, int n) {
  static const char *const names[] = {"建昌道社区", "铁东路社区", "鞍山道社区"};
  static const char *const codes[] = {"120105001001", "120105001002", "120105001003"};
  t_log *logs[] = {&g->v, &g->h, &g->q};
  char now[32];
  cm_err err;
  memset(g, 0, sizeof *g);
  snprintf(now, sizeof now, "%llu", now_ms);
  setenv("LINLI_FAKE_NOW_MS", now, 1);
  if (n < 1 || n > 3 || cm_client_global_init() != CM_OK || t_tmp_new(&g->tmp)) return -1;
  snprintf(g->dir, sizeof g->dir, "%s/street", g->tmp.path);
  if (t_hub_init(g->dir, HUB_ROLE_STREET, "望海楼街", NULL, NULL, g->street)) return -1;
  for (int i = 0; i < n; i++) {
    if (t_log_new(logs[i])) return -1;
    logs[i]->time_ms = now_ms - 3600000;
    if (t_hub_enroll(g->dir, logs[i]->kp.pk, names[i], codes[i])) return -1;
  }
  if (hub_server_start(g->dir, "127.0.0.1:0", NULL, NULL, &g->srv, &err) != CM_OK) return -1;
  t_base(g->srv, g->base, sizeof g->base);
  return 0;
}

void t_street_down(t_street *g) {
  hub_server_stop(g->srv);
  t_log_clear(&g->v);
  t_log_clear(&g->h);
  t_log_clear(&g->q);
  t_tmp_free(&g->tmp);
}
