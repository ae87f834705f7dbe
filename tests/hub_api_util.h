/* hub_api_util.h - what the hub API tests share: a temporary directory, hubs
 * created and served in-process on 127.0.0.1 port 0 through the real HTTP
 * server, community logs built with the protocol library, and HTTP calls with
 * their JSON answers. */
#ifndef LINLI_TESTS_HUB_API_UTIL_H
#define LINLI_TESTS_HUB_API_UTIL_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "common/http_client.h"
#include "hub/hub.h"
#include "hub/serve.h"
#include "protocol/entry.h"

#define T_MAX_PENDING 64

/* A temporary directory, removed (with everything in it) by t_tmp_free. */
typedef struct t_tmp {
  char path[256];
} t_tmp;

/* 0 on success. */
int t_tmp_new(t_tmp *t);
void t_tmp_free(t_tmp *t);

/* An author's log being written by a test: entries are added, then built into
 * one signed changeset.  Copy the struct to fork a history. */
typedef struct t_log {
  proto_keypair kp;
  uint64_t seq;                   /* last sequence built */
  uint8_t head[PROTO_HASH_BYTES]; /* hash of entry seq */
  size_t n_pending;
  char kind[T_MAX_PENDING][PROTO_KIND_MAX + 1];
  char *body[T_MAX_PENDING]; /* malloc'd until built */
  uint64_t time_ms;          /* author time of the next entry */
} t_log;

/* A fresh random identity. 0 on success. */
int t_log_new(t_log *lg);

/* Queue an entry (body copied).  0 on success. */
int t_log_add(t_log *lg, const char *kind, const char *body);

/* Build the queued entries into one changeset signed by lg's key; lg's head
 * moves on.  *out malloc'd.  0 on success. */
int t_log_build(t_log *lg, uint8_t **out, size_t *len);

/* Drop queued bodies. */
void t_log_clear(t_log *lg);

/* Queue an org.filed with filing number id (records.md), or a report.monthly. */
int t_log_org(t_log *lg, const char *id, const char *name);
int t_log_report(t_log *lg, const char *org, const char *month, int activities, int participants,
                 int party_participants);

/* POST lg's queued entries to base as one changeset in a bundle: the HTTP
 * status, or -1 when it could not be built or sent. */
long t_push(const char *base, t_log *lg);

/* Accept every batch waiting for review at hub as operator "李". 0 on success. */
int t_accept_all(hub_ctx *hub);

/* Wrap n changesets into a bundle.  *out malloc'd.  0 on success. */
int t_bundle(const uint8_t *const *cs, const size_t *lens, size_t n, uint8_t **out, size_t *len);

/* Create a hub in dir (role street or district), enrol keys there as the CLI
 * does.  Public key of the new hub into pk_out (may be NULL).  0 on success. */
int t_hub_init(const char *dir, hub_role role, const char *name, const char *upstream_url,
               const uint8_t *upstream_key, uint8_t *pk_out);
int t_hub_enroll(const char *dir, const uint8_t key[PROTO_KEY_BYTES], const char *name,
                 const char *code);

/* A street hub 望海楼街 served in-process on 127.0.0.1 port 0, with n (2 or 3)
 * communities enrolled: the victim v (建昌道社区 120105001001), the hostile h
 * (铁东路社区 120105001002) and q (鞍山道社区 120105001003).  The fake clock
 * stands at now_ms; each log writes an hour before it. */
typedef struct t_street {
  t_tmp tmp;
  char dir[512];
  hub_server *srv;
  char base[128];
  uint8_t street[PROTO_KEY_BYTES]; /* the street hub's public key */
  t_log v, h, q;
} t_street;

/* 0 on success. */
int t_street_up(t_street *g, unsigned long long now_ms, int n);
/* Stop the server, remove the directory. */
void t_street_down(t_street *g);

/* An HTTP answer: status, body, and the body parsed when it is a JSON object. */
typedef struct t_resp {
  long status;
  uint8_t *body;
  size_t len;
  json_t *json; /* NULL unless the body is a JSON object */
} t_resp;

/* method base+path with body; sign_with (may be NULL) signs it; offset shifts
 * the signed time.  0 when an answer came back. */
int t_http(const char *method, const char *base, const char *path, const char *ctype,
           const uint8_t *body, size_t len, const proto_keypair *sign_with, int64_t offset_ms,
           const char *ca_file, t_resp *out);
void t_resp_free(t_resp *r);

/* The "error" name of a JSON error answer ("" if none). */
const char *t_err_name(const t_resp *r);

/* Integer field of the answer's JSON (or -1). */
long long t_json_int(const t_resp *r, const char *key);

/* GET base/api/v1/heads/{author} and return its seq (or -1). */
long long t_head_seq(const char *base, const uint8_t author[PROTO_KEY_BYTES]);

/* Send req raw to 127.0.0.1:port and read the answer into resp (cap bytes,
 * NUL-terminated); returns its HTTP status, or -1.  keep_open: send only and
 * return the socket (a stalled client), to be closed by the caller. */
int t_raw(uint16_t port, const char *req, size_t len, char *resp, size_t cap, int keep_open);

/* The base URL of srv without the trailing slash (static buffer per call site). */
void t_base(const hub_server *srv, char *out, size_t cap);

#endif
