/* recover.c - a street hub brought back from its district's copy
 * (hub/recover.h). */
#include "recover.h"

#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../common/http_client.h"
#include "../common/keyfile.h"
#include "../common/log.h"
#include "../common/privdir.h"
#include "../common/upstream.h"
#include "../protocol/bundle.h"
#include "../protocol/changeset.h"
#include "hub.h"
#include "ingest.h"
#include "project.h"
#include "store.h"

#define RECOVER_CONNECT_TIMEOUT_MS 10000
#define RECOVER_TIMEOUT_MS 300000

/* The last sequence of author's in a bundle, and how many of its entries it
 * holds past after; 0 when it holds none. */
static uint64_t bundle_last(const uint8_t *b, size_t len, const uint8_t author[PROTO_KEY_BYTES],
                            uint64_t after, uint64_t *entries) {
  proto_span *spans = NULL;
  size_t n = 0;
  uint64_t last = 0;
  cm_err e;
  if (proto_bundle_split(b, len, &spans, &n, &e) != CM_OK) return 0;
  for (size_t i = 0; i < n; i++) {
    proto_cs_header h;
    size_t total = 0;
    if (proto_changeset_peek(spans[i].p, spans[i].len, &h, &total, &e) == CM_OK &&
        !memcmp(h.author, author, PROTO_KEY_BYTES) && h.last_seq > last)
      last = h.last_seq;
  }
  free(spans);
  if (last > after) *entries += last - after;
  return last > after ? last : 0;
}

/* Fetch author's whole log from the district, page after page, and take each
 * page in as a push would be.  *entries_out counts the entries. */
static cm_rc fetch_log(hub_ctx *ctx, const char *url, const cm_client_opts *opts,
                       const uint8_t author[PROTO_KEY_BYTES], const char *what,
                       uint64_t *entries_out, cm_err *err) {
  uint64_t after = 0;
  char via[HUB_URL_MAX + 32];
  snprintf(via, sizeof via, "recover %s", url);
  for (;;) {
    uint8_t *b = NULL;
    size_t len = 0;
    cm_rc rc = cm_upstream_log_of(url, author, after, opts, &b, &len, err);
    if (rc) return rc;
    uint64_t got = 0, last = bundle_last(b, len, author, after, &got);
    if (!last) {
      free(b);
      return CM_OK;
    }
    hub_ingest_result res;
    memset(&res, 0, sizeof res);
    rc = hub_ingest_bundle(ctx, b, len, via, &res, err);
    free(b);
    hub_ingest_result_free(&res);
    if (rc) return cm_errf(err, rc, "区协会保存的%s记录没有通过核验：%s", what, err->msg);
    *entries_out += got;
    fprintf(stderr, "  %s：已取回到第 %" PRIu64 " 条\n", what, last);
    after = last;
  }
}

static void remove_recovered(const char *dir) {
  static const char *const names[] = {"hub.db", "hub.db-wal", "hub.db-shm", "identity.key",
                                      "operators.db", "operators.db-wal", "operators.db-shm"};
  char p[PATH_MAX];
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
    snprintf(p, sizeof p, "%s/%s", dir, names[i]);
    unlink(p);
  }
}

cm_rc hub_recover(const char *dir, const char *keyfile, const char *name, const char *url,
                  const uint8_t district_key[PROTO_KEY_BYTES], hub_recover_info *info_out,
                  cm_err *err) {
  proto_keypair kp;
  hub_ctx *ctx = NULL;
  hub_recover_info info;
  json_t *status = NULL;
  int touched = 0;
  cm_rc rc;

  memset(&kp, 0, sizeof kp);
  memset(&info, 0, sizeof info);
  if (!cm_dir_empty(dir))
    return cm_errf(err, CM_ERR_EXISTS, "%s 不是空目录：请换一个新的空目录来恢复", dir);
  rc = cm_keyfile_read(keyfile, &kp, err);
  if (rc) return rc;
  touched = 1;
  rc = hub_init_key(dir, HUB_ROLE_STREET, name, url, district_key, &kp, err);
  if (!rc) rc = hub_open(dir, &ctx, err);
  if (rc) goto out;

  cm_client_opts opts;
  memset(&opts, 0, sizeof opts);
  opts.connect_timeout_ms = RECOVER_CONNECT_TIMEOUT_MS;
  opts.timeout_ms = RECOVER_TIMEOUT_MS;
  const char *ca = getenv("LINLI_CA_FILE");
  opts.ca_file = ca && *ca ? ca : NULL;
  opts.sign_with = &ctx->kp;

  /* The district must know this key as one of its streets and hold its log:
   * its signed head says so (and proves the district's key). */
  cm_receipt head;
  rc = cm_upstream_head(url, district_key, ctx->kp.pk, &opts, &head, err);
  if (rc) {
    rc = cm_errf(err, rc, "无法从区协会取得本分会的记录：%s（请检查 --upstream 地址、区协会公钥和网络）",
                 err->msg);
    goto out;
  }
  if (head.r.seq == 0) {
    rc = cm_errf(err, CM_ERR_NOT_FOUND,
                 "区协会没有这个密钥的任何记录：请确认密钥文件是本街道分会的");
    goto out;
  }
  fprintf(stderr, "正在从区协会取回本分会的记录（共 %" PRIu64 " 条）……\n", head.r.seq);

  /* The street's own log first: its enrolments make the communities known. */
  ctx->recovering = 1;
  rc = fetch_log(ctx, url, &opts, ctx->kp.pk, "本分会", &info.own_entries, err);
  ctx->recovering = 0;
  if (rc) goto out;

  pthread_mutex_lock(&ctx->lock);
  rc = hub_store_status_json(ctx->store, ctx->kp.pk, &status, err);
  pthread_mutex_unlock(&ctx->lock);
  if (rc) goto out;
  json_t *authors = json_object_get(status, "authors");
  for (size_t i = 0; !rc && i < json_array_size(authors); i++) {
    json_t *a = json_array_get(authors, i);
    const char *role = json_string_value(json_object_get(a, "role"));
    const char *hex = json_string_value(json_object_get(a, "key"));
    const char *cname = json_string_value(json_object_get(a, "name"));
    uint8_t key[PROTO_KEY_BYTES];
    if (!role || strcmp(role, "community") != 0 || !hex || proto_key_from_hex(hex, key)) continue;
    rc = fetch_log(ctx, url, &opts, key, cname ? cname : "社区", &info.entries, err);
    info.communities++;
  }
  if (!rc) {
    fprintf(stderr, "正在重建统计……\n");
    rc = hub_rebuild(ctx, err);
  }
  if (rc) goto out;
  if (info_out) *info_out = info;
  touched = 0;
out:
  json_decref(status);
  hub_close(ctx);
  proto_keypair_wipe(&kp);
  if (touched) remove_recovered(dir);
  return rc;
}
