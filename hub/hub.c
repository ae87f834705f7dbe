/* hub.c - creating and opening a hub directory: identity key, database and
 * the configuration kept in it. */
#include "hub.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../common/privdir.h"
#include "../common/clock.h"
#include "../common/keyfile.h"
#include "heap.h"
#include "store.h"

const char *hub_role_name(hub_role role) {
  switch (role) {
  case HUB_ROLE_STREET:
    return "street";
  case HUB_ROLE_DISTRICT:
    return "district";
  }
  return NULL;
}

cm_rc hub_role_parse(const char *s, hub_role *role_out, cm_err *err) {
  if (s && strcmp(s, "street") == 0) {
    *role_out = HUB_ROLE_STREET;
    return CM_OK;
  }
  if (s && strcmp(s, "district") == 0) {
    *role_out = HUB_ROLE_DISTRICT;
    return CM_OK;
  }
  return cm_errf(err, CM_ERR_INVALID, "--role 应为 street（街道分会）或 district（区协会），而不是“%s”",
                 s ? s : "");
}

/* dir/name into out; CM_ERR_INVALID when it does not fit. */
static cm_rc hub_path(const char *dir, const char *name, char *out, size_t cap, cm_err *err) {
  int n = snprintf(out, cap, "%s/%s", dir, name);
  if (n < 0 || (size_t)n >= cap) return cm_errf(err, CM_ERR_INVALID, "路径太长：%s", dir);
  return CM_OK;
}

cm_rc hub_init(const char *dir, hub_role role, const char *name, const char *upstream_url,
               const uint8_t *upstream_key, cm_err *err) {
  return hub_init_key(dir, role, name, upstream_url, upstream_key, NULL, err);
}

cm_rc hub_init_key(const char *dir, hub_role role, const char *name, const char *upstream_url,
                   const uint8_t *upstream_key, const proto_keypair *key, cm_err *err) {
  char keypath[HUB_PATH_MAX], dbpath[HUB_PATH_MAX];
  proto_keypair kp;
  hub_store *st = NULL;
  cm_rc rc = CM_OK;
  int in_tx = 0;

  memset(&kp, 0, sizeof kp);
  if (!hub_role_name(role)) return cm_errf(err, CM_ERR_INVALID, "未知的级别");
  if (!name || !*name || strlen(name) >= HUB_NAME_MAX)
    return cm_errf(err, CM_ERR_INVALID, "--name 应为 1 到 %d 字节", HUB_NAME_MAX - 1);
  if (upstream_url && strlen(upstream_url) >= HUB_URL_MAX)
    return cm_errf(err, CM_ERR_INVALID, "--upstream 地址太长");
  if (role == HUB_ROLE_DISTRICT && upstream_url && *upstream_url)
    return cm_errf(err, CM_ERR_INVALID, "区协会没有上级（不用 --upstream）");
  rc = hub_path(dir, "identity.key", keypath, sizeof keypath, err);
  if (!rc) rc = hub_path(dir, "hub.db", dbpath, sizeof dbpath, err);
  if (rc) return rc;
  if (mkdir(dir, 0700) != 0 && errno != EEXIST)
    return cm_errf(err, CM_ERR_IO, "无法创建 %s：%s", dir, strerror(errno));
  rc = cm_privdir(dir, err);
  if (rc) return rc;
  if (access(keypath, F_OK) == 0 || access(dbpath, F_OK) == 0)
    return cm_errf(err, CM_ERR_EXISTS, "%s 里已经有一个街道分会或区协会；请换一个 --dir", dir);

  if (key)
    kp = *key;
  else
    rc = proto_keypair_generate(&kp);
  if (rc) {
    cm_errf(err, rc, "无法生成密钥：%s", cm_strerror(rc));
    goto out;
  }
  rc = cm_keyfile_write(keypath, &kp, err);
  if (rc) goto out;
  /* The database holds names and phone numbers: create it private before
   * SQLite opens it (its -wal and -shm files take the same mode). */
  int fd = open(dbpath, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0600);
  if (fd < 0) {
    rc = cm_errf(err, CM_ERR_IO, "无法创建 %s：%s", dbpath, strerror(errno));
    goto out;
  }
  close(fd);
  rc = hub_store_open(dbpath, &st, err);
  if (rc) goto out;
  rc = hub_store_begin(st, err);
  if (rc) goto out;
  in_tx = 1;
  rc = hub_store_config_set(st, "role", hub_role_name(role), err);
  if (!rc) rc = hub_store_config_set(st, "name", name, err);
  if (!rc) rc = hub_store_config_set(st, "upstream_url", upstream_url ? upstream_url : "", err);
  if (!rc && upstream_key) {
    char hex[PROTO_KEY_HEX];
    proto_key_hex(upstream_key, hex);
    rc = hub_store_config_set(st, "upstream_key", hex, err);
  }
  /* The hub's own log is an author like any other, so heads, log fetches and
   * forwarding treat it the same way. */
  if (!rc)
    rc = hub_store_author_enroll(st, kp.pk, name, "", "self", name, NULL, cm_now_ms(), err);
  if (!rc) rc = hub_store_commit(st, err);
  in_tx = 0;
out:
  if (in_tx) hub_store_rollback(st);
  hub_store_close(st);
  proto_keypair_wipe(&kp);
  return rc;
}

static void hub_locks_destroy(hub_ctx *ctx) {
  pthread_cond_destroy(&ctx->group.cond);
  pthread_mutex_destroy(&ctx->group.mu);
  pthread_mutex_destroy(&ctx->lock);
}

cm_rc hub_open(const char *dir, hub_ctx **ctx_out, cm_err *err) {
  hub_ctx *ctx = NULL;
  char keypath[HUB_PATH_MAX], dbpath[HUB_PATH_MAX], buf[HUB_URL_MAX];
  int found = 0, mutex_ready = 0;
  cm_rc rc;

  *ctx_out = NULL;
  /* SQLite allocates a page cache of about 87 KB for each temporary B-tree a
   * statement opens, and the key lineage's recursive queries open some in most
   * statements.  With glibc's default trim threshold each free gave that memory
   * back to the kernel and the next statement faulted it in again: the property
   * test spent 7 of its 23 s in the kernel (9 s in all with this).  Keep up to
   * 16 MB of freed memory in the process.  (serve and rebuild keep more.) */
  hub_heap_keep(16u << 20);
  rc = hub_path(dir, "identity.key", keypath, sizeof keypath, err);
  if (!rc) rc = hub_path(dir, "hub.db", dbpath, sizeof dbpath, err);
  if (rc) return rc;
  if (access(dbpath, F_OK) != 0)
    return cm_errf(err, CM_ERR_NOT_FOUND, "%s 里还没有街道分会或区协会：请先运行 `linli-hub --dir %s init`",
                   dir, dir);
  /* Directory 0700, every file 0600, also one made by an older version. */
  rc = cm_privdir(dir, err);
  if (rc) return rc;
  ctx = calloc(1, sizeof *ctx);
  if (!ctx) return cm_errf(err, CM_ERR_NOMEM, "打开时内存不足");
  snprintf(ctx->dir, sizeof ctx->dir, "%s", dir);
  ctx->dash_wait_ms = -1; /* every answer computed; serve says otherwise */
  ctx->dash_warm_ms = -1;
  ctx->dash_page_orgs = HUB_DASH_PAGE_ORGS_DEFAULT;
  if (pthread_mutex_init(&ctx->lock, NULL) != 0) {
    rc = cm_errf(err, CM_ERR_NOMEM, "无法创建互斥锁");
    goto out;
  }
  if (pthread_mutex_init(&ctx->group.mu, NULL) != 0) {
    pthread_mutex_destroy(&ctx->lock);
    rc = cm_errf(err, CM_ERR_NOMEM, "无法创建互斥锁");
    goto out;
  }
  if (pthread_cond_init(&ctx->group.cond, NULL) != 0) {
    pthread_mutex_destroy(&ctx->group.mu);
    pthread_mutex_destroy(&ctx->lock);
    rc = cm_errf(err, CM_ERR_NOMEM, "无法创建条件变量");
    goto out;
  }
  ctx->group.tail = &ctx->group.head;
  mutex_ready = 1;
  rc = cm_keyfile_read(keypath, &ctx->kp, err);
  if (rc) goto out;
  proto_key_hex(ctx->kp.pk, ctx->key_hex);
  proto_fingerprint(ctx->kp.pk, ctx->fingerprint);
  rc = hub_store_open(dbpath, &ctx->store, err);
  if (rc) goto out;
  rc = hub_store_config_get(ctx->store, "role", buf, sizeof buf, &found, err);
  if (!rc && !found) rc = cm_errf(err, CM_ERR_DB, "%s：数据库里没有记下级别（街道分会或区协会）", dbpath);
  if (!rc) rc = hub_role_parse(buf, &ctx->role, err);
  if (!rc) rc = hub_store_config_get(ctx->store, "name", ctx->name, sizeof ctx->name, &found, err);
  if (!rc)
    rc = hub_store_config_get(ctx->store, "upstream_url", ctx->upstream_url,
                              sizeof ctx->upstream_url, &found, err);
  if (!rc) rc = hub_store_config_get(ctx->store, "upstream_key", buf, sizeof buf, &found, err);
  if (!rc && found && *buf) {
    rc = proto_key_from_hex(buf, ctx->upstream_key);
    if (rc)
      cm_errf(err, rc, "%s：保存的上级公钥不是 64 位十六进制数字", dbpath);
    else
      ctx->has_upstream_key = 1;
  }
  if (rc) goto out;
  *ctx_out = ctx;
  ctx = NULL;
out:
  if (ctx) {
    hub_store_close(ctx->store);
    proto_keypair_wipe(&ctx->kp);
    if (mutex_ready) hub_locks_destroy(ctx);
    free(ctx);
  }
  return rc;
}

void hub_close(hub_ctx *ctx) {
  if (!ctx) return;
  if (ctx->dash_cache_free) ctx->dash_cache_free(ctx->dash_cache);
  if (ctx->year_cache_free) ctx->year_cache_free(ctx->year_cache);
  if (ctx->dash_reps_free) ctx->dash_reps_free(ctx->dash_reps);
  free(ctx->facts);
  hub_store_close(ctx->store);
  proto_keypair_wipe(&ctx->kp);
  hub_locks_destroy(ctx);
  free(ctx);
}

cm_rc hub_set_upstream_key(hub_ctx *ctx, const uint8_t key[PROTO_KEY_BYTES], cm_err *err) {
  char hex[PROTO_KEY_HEX];
  cm_rc rc;
  proto_key_hex(key, hex);
  pthread_mutex_lock(&ctx->lock);
  rc = hub_store_config_set(ctx->store, "upstream_key", hex, err);
  if (!rc) {
    memcpy(ctx->upstream_key, key, PROTO_KEY_BYTES);
    ctx->has_upstream_key = 1;
  }
  pthread_mutex_unlock(&ctx->lock);
  return rc;
}
