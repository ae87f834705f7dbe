/* backup.c - online backup of a hub's database and restore into an empty
 * directory (backup.h). */
#include "backup.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../common/db.h"
#include "../common/keyfile.h"
#include "../common/log.h"
#include "../common/privdir.h"
#include "../protocol/changeset.h"
#include "../protocol/entry.h"
#include "project.h"
#include "store.h"

#define BACKUP_KEY_CONFIG "backup_identity"

/* ---- verifying every stored chain ---- */

/* One author's chain as the walk has seen it so far. */
typedef struct chain_seen {
  uint8_t author[PROTO_KEY_BYTES];
  uint64_t seq;
  uint8_t hash[PROTO_HASH_BYTES];
} chain_seen;

typedef struct verify_walk {
  chain_seen *v;
  size_t n, cap, last; /* last: index of the previous entry's author (entries come in runs) */
  uint64_t entries;
} verify_walk;

static chain_seen *walk_find(verify_walk *w, const uint8_t author[PROTO_KEY_BYTES]) {
  if (w->n && memcmp(w->v[w->last].author, author, PROTO_KEY_BYTES) == 0) return &w->v[w->last];
  for (size_t i = 0; i < w->n; i++)
    if (memcmp(w->v[i].author, author, PROTO_KEY_BYTES) == 0) {
      w->last = i;
      return &w->v[i];
    }
  if (w->n == w->cap) {
    size_t nc = w->cap ? w->cap * 2 : 64;
    chain_seen *nv = realloc(w->v, nc * sizeof *nv);
    if (!nv) return NULL;
    w->v = nv;
    w->cap = nc;
  }
  memset(&w->v[w->n], 0, sizeof w->v[w->n]);
  memcpy(w->v[w->n].author, author, PROTO_KEY_BYTES);
  w->last = w->n;
  return &w->v[w->n++];
}

/* Each entry hashes to what is stored, follows the one before it and, when it
 * carries its own signature, verifies. */
static cm_rc verify_entry(void *ctx, const proto_entry *e, const uint8_t hash[PROTO_HASH_BYTES],
                          uint64_t received_ms, cm_err *err) {
  verify_walk *w = ctx;
  uint8_t h[PROTO_HASH_BYTES];
  char fp[PROTO_FINGERPRINT_LEN];
  (void)received_ms;
  chain_seen *c = walk_find(w, e->author);
  if (!c) return cm_errf(err, CM_ERR_NOMEM, "核对台账时内存不足");
  proto_fingerprint(e->author, fp);
  if (proto_entry_hash(e, h) != CM_OK || sodium_memcmp(h, hash, PROTO_HASH_BYTES) != 0)
    return cm_errf(err, CM_ERR_INVALID, "台账 %s：第 %llu 条的哈希与保存的不符", fp,
                   (unsigned long long)e->seq);
  if (e->seq != c->seq + 1 || sodium_memcmp(e->prev, c->hash, PROTO_HASH_BYTES) != 0)
    return cm_errf(err, CM_ERR_INVALID, "台账 %s：第 %llu 条接不上第 %llu 条", fp,
                   (unsigned long long)e->seq, (unsigned long long)c->seq);
  if (e->has_sig && proto_entry_verify(e) != CM_OK)
    return cm_errf(err, CM_ERR_INVALID, "台账 %s：第 %llu 条的签名不对", fp,
                   (unsigned long long)e->seq);
  c->seq = e->seq;
  memcpy(c->hash, hash, PROTO_HASH_BYTES);
  w->entries++;
  return CM_OK;
}

typedef struct cs_walk {
  hub_store *st;
  const uint8_t *author;
} cs_walk;

/* Every stored changeset still verifies (signature over header and payload
 * hash) and its signed last hash is the stored entry's. */
static cm_rc verify_changeset(void *ctx, int64_t id, uint64_t first_seq, uint64_t last_seq,
                              const uint8_t *bytes, size_t len, int *stop_out, cm_err *err) {
  cs_walk *cw = ctx;
  proto_cs_header h;
  size_t total = 0;
  uint8_t held[PROTO_HASH_BYTES];
  (void)first_seq;
  (void)stop_out;
  if (proto_changeset_peek(bytes, len, &h, &total, NULL) != CM_OK || total != len ||
      memcmp(h.author, cw->author, PROTO_KEY_BYTES) != 0 || h.last_seq != last_seq)
    return cm_errf(err, CM_ERR_INVALID, "保存的第 %lld 个上报包核验不通过", (long long)id);
  if (!hub_store_entry_hash(cw->st, cw->author, last_seq, held) ||
      sodium_memcmp(held, h.last_hash, PROTO_HASH_BYTES) != 0)
    return cm_errf(err, CM_ERR_INVALID, "保存的第 %lld 个上报包所签的第 %llu 条与保存的不同", (long long)id, (unsigned long long)last_seq);
  return CM_OK;
}

/* Verify every log the hub holds; fills info's counts. */
static cm_rc verify_logs(hub_ctx *ctx, hub_backup_info *info, cm_err *err) {
  verify_walk w;
  memset(&w, 0, sizeof w);
  cm_rc rc = hub_store_entries_foreach(ctx->store, verify_entry, &w, err);
  for (size_t i = 0; !rc && i < w.n; i++) {
    hub_author a;
    int found = 0;
    cs_walk cw = {ctx->store, w.v[i].author};
    rc = hub_store_author_get(ctx->store, w.v[i].author, &a, &found, err);
    if (!rc && (!found || a.head_seq != w.v[i].seq ||
                sodium_memcmp(a.head_hash, w.v[i].hash, PROTO_HASH_BYTES) != 0))
      rc = cm_errf(err, CM_ERR_INVALID, "保存的台账末条与台账不符");
    if (!rc) rc = hub_store_changesets_after(ctx->store, w.v[i].author, 0, verify_changeset, &cw, err);
  }
  if (!rc) {
    info->authors = w.n;
    info->entries = w.entries;
  }
  free(w.v);
  return rc;
}

/* ---- backup ---- */

/* fsync path's file, then its directory after a rename. */
static int fsync_path(const char *path, int directory) {
  int fd = open(path, (directory ? O_RDONLY | O_DIRECTORY : O_RDONLY) | O_CLOEXEC);
  if (fd < 0) return -1;
  int r = fsync(fd);
  close(fd);
  return r;
}

static void dir_of(const char *path, char *out, size_t cap) {
  const char *slash = strrchr(path, '/');
  if (!slash)
    snprintf(out, cap, ".");
  else if (slash == path)
    snprintf(out, cap, "/");
  else
    snprintf(out, cap, "%.*s", (int)(slash - path), path);
}

cm_rc hub_backup(hub_ctx *ctx, const char *file, int with_key, hub_backup_info *info_out,
                 cm_err *err) {
  char tmp[PATH_MAX], parent[PATH_MAX], text[PROTO_KEYFILE_MAX + 1];
  hub_store *copy = NULL;
  hub_ctx view;
  hub_backup_info info;
  size_t len = 0;
  int made = 0;
  cm_rc rc = CM_OK;

  memset(&info, 0, sizeof info);
  memset(text, 0, sizeof text);
  if (!file || !*file) return cm_errf(err, CM_ERR_INVALID, "backup 需要备份文件名");
  if (access(file, F_OK) == 0)
    return cm_errf(err, CM_ERR_EXISTS, "%s 已存在；请换一个文件名", file);
  if (snprintf(tmp, sizeof tmp, "%s.part.%ld", file, (long)getpid()) >= (int)sizeof tmp)
    return cm_errf(err, CM_ERR_INVALID, "备份文件名太长");
  /* The copy holds names and phone numbers (and perhaps the key): private
   * from the first byte. */
  int fd = open(tmp, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0600);
  if (fd < 0) return cm_errf(err, CM_ERR_IO, "无法创建 %s：%s", tmp, strerror(errno));
  close(fd);
  made = 1;
  pthread_mutex_lock(&ctx->lock);
  rc = hub_store_backup(ctx->store, tmp, err);
  pthread_mutex_unlock(&ctx->lock);
  if (rc) goto out;
  /* Check the copy as restore will: every chain verifies in it. */
  rc = hub_store_open(tmp, &copy, err);
  if (rc) goto out;
  memset(&view, 0, sizeof view);
  view.store = copy;
  rc = verify_logs(&view, &info, err);
  if (!rc && with_key) {
    rc = proto_keyfile_format(&ctx->kp, text, sizeof text - 1, &len);
    if (rc) cm_errf(err, rc, "无法写出密钥");
    if (!rc) rc = hub_store_config_set(copy, BACKUP_KEY_CONFIG, text, err);
    info.with_key = 1;
  }
  hub_store_close(copy);
  copy = NULL;
  if (rc) goto out;
  /* hub_store_open turned the copy to WAL: back to one self-contained file. */
  rc = cm_db_single_file(tmp, err);
  if (rc) goto out;
  dir_of(file, parent, sizeof parent);
  if (fsync_path(tmp, 0) != 0 || rename(tmp, file) != 0 || fsync_path(parent, 1) != 0) {
    rc = cm_errf(err, CM_ERR_IO, "无法写入 %s：%s", file, strerror(errno));
    goto out;
  }
  made = 0;
  if (info_out) *info_out = info;
out:
  hub_store_close(copy);
  sodium_memzero(text, sizeof text);
  if (made) {
    char side[PATH_MAX + 8];
    unlink(tmp);
    snprintf(side, sizeof side, "%s-wal", tmp);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", tmp);
    unlink(side);
  }
  return rc;
}

/* ---- restore ---- */

static void remove_restored(const char *dir) {
  static const char *const names[] = {"hub.db", "hub.db-wal", "hub.db-shm", "identity.key",
                                      "hub.db.part"};
  char p[PATH_MAX];
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
    snprintf(p, sizeof p, "%s/%s", dir, names[i]);
    unlink(p);
  }
}

cm_rc hub_restore(const char *dir, const char *file, const char *keyfile,
                  hub_backup_info *info_out, cm_err *err) {
  char dbpath[PATH_MAX], part[PATH_MAX], keypath[PATH_MAX], text[PROTO_KEYFILE_MAX + 1];
  proto_keypair kp, fromfile;
  hub_store *st = NULL;
  hub_ctx *ctx = NULL;
  hub_backup_info info;
  uint8_t self[PROTO_KEY_BYTES];
  int found = 0, have_key = 0, touched = 0;
  cm_rc rc = CM_OK;

  memset(&kp, 0, sizeof kp);
  memset(&fromfile, 0, sizeof fromfile);
  memset(&info, 0, sizeof info);
  if (!dir || !*dir || !file || !*file)
    return cm_errf(err, CM_ERR_INVALID, "restore 需要 --dir 目录和备份文件");
  if (!cm_dir_empty(dir))
    return cm_errf(err, CM_ERR_EXISTS, "%s 不是空目录；恢复只能放到新的空目录",
                   dir);
  if (snprintf(dbpath, sizeof dbpath, "%s/hub.db", dir) >= (int)sizeof dbpath)
    return cm_errf(err, CM_ERR_INVALID, "目录名太长");
  snprintf(part, sizeof part, "%s/hub.db.part", dir);
  snprintf(keypath, sizeof keypath, "%s/identity.key", dir);
  if (keyfile && cm_keyfile_read(keyfile, &fromfile, err) != CM_OK) return CM_ERR_KEYFILE;
  if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
    rc = cm_errf(err, CM_ERR_IO, "无法创建 %s：%s", dir, strerror(errno));
    goto out;
  }
  touched = 1;
  int fd = open(part, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0600);
  if (fd < 0) {
    rc = cm_errf(err, CM_ERR_IO, "无法创建 %s：%s", part, strerror(errno));
    goto out;
  }
  close(fd);
  /* Read-only from the backup: the file itself is never changed. */
  rc = cm_db_copy_file(file, part, err);
  if (!rc && rename(part, dbpath) != 0)
    rc = cm_errf(err, CM_ERR_IO, "无法创建 %s：%s", dbpath, strerror(errno));
  if (rc) goto out;
  /* Opening migrates a backup an older release wrote. */
  rc = hub_store_open(dbpath, &st, err);
  if (!rc) rc = hub_store_config_get(st, "role", text, sizeof text, &found, err);
  if (!rc && !found) rc = cm_errf(err, CM_ERR_INVALID, "%s 不是街道分会或区协会的备份文件", file);
  if (!rc) rc = hub_store_config_get(st, BACKUP_KEY_CONFIG, text, sizeof text, &found, err);
  if (!rc && found && *text) {
    rc = proto_keyfile_parse(text, strlen(text), &kp, err);
    have_key = !rc;
  }
  if (rc) goto out;
  if (keyfile) {
    if (have_key && sodium_memcmp(kp.pk, fromfile.pk, PROTO_KEY_BYTES) != 0) {
      rc = cm_errf(err, CM_ERR_KEYFILE, "%s 里的密钥与 %s 里的不同", keyfile, file);
      goto out;
    }
    kp = fromfile;
    have_key = 1;
  }
  if (!have_key) {
    rc = cm_errf(err, CM_ERR_KEYFILE,
                 "%s 里没有密钥（备份时没有加 --with-key）：请用 --key 密钥文件 给出原来的密钥", file);
    goto out;
  }
  rc = hub_store_self_key(st, self, &found, err);
  if (!rc && (!found || sodium_memcmp(self, kp.pk, PROTO_KEY_BYTES) != 0))
    rc = cm_errf(err, CM_ERR_KEYFILE, "这个密钥不是本级台账签名所用的密钥");
  /* The key lives in identity.key alone, never in the database. */
  if (!rc) rc = hub_store_config_delete(st, BACKUP_KEY_CONFIG, err);
  hub_store_close(st);
  st = NULL;
  if (!rc) rc = cm_keyfile_write(keypath, &kp, err);
  if (!rc) rc = hub_open(dir, &ctx, err);
  if (!rc) rc = verify_logs(ctx, &info, err);
  if (!rc) rc = hub_rebuild(ctx, err);
  if (rc) goto out;
  info.with_key = !keyfile;
  if (info_out) *info_out = info;
  touched = 0;
out:
  hub_store_close(st);
  hub_close(ctx);
  proto_keypair_wipe(&kp);
  proto_keypair_wipe(&fromfile);
  sodium_memzero(text, sizeof text);
  if (touched) remove_restored(dir);
  return rc;
}
