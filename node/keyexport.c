/* keyexport.c - passphrase-sealed export and import of a node's key
 * (keyexport.h). */
#include "keyexport.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../common/keyfile.h"
#include "../common/privdir.h"
#include "store.h"

#define KX_MAGIC "LINLIKEY"
#define KX_VERSION 1
#define KX_ALG_ARGON2ID13 1
#define KX_HEAD (8 + 1 + 1 + 8 + 8 + crypto_pwhash_SALTBYTES + crypto_secretbox_NONCEBYTES + 4)
#define KX_PLAIN_MAX 4096
/* Argon2id at 3 passes over 64 MiB: about a second on an old PC, and within
 * the memory such a PC has free. */
#define KX_OPSLIMIT 3ull
#define KX_MEMLIMIT (64ull << 20)
/* Bounds a file's parameters must keep (a changed header cannot make the
 * import take gigabytes or hours). */
#define KX_OPSLIMIT_MAX 16ull
#define KX_MEMLIMIT_MAX (1ull << 30)

cm_rc node_read_passphrase(FILE *f, char *out, size_t cap, cm_err *err) {
  if (!fgets(out, (int)cap, f))
    return cm_errf(err, CM_ERR_INVALID, "请在标准输入给出口令（一行） / give the passphrase on "
                                        "standard input");
  size_t n = strlen(out);
  if (n && out[n - 1] == '\n') out[--n] = 0;
  else if (n == cap - 1) {
    sodium_memzero(out, cap);
    return cm_errf(err, CM_ERR_INVALID, "口令太长 / the passphrase is too long");
  }
  if (n && out[n - 1] == '\r') out[--n] = 0;
  if (n < NODE_PASS_MIN) {
    sodium_memzero(out, cap);
    return cm_errf(err, CM_ERR_INVALID, "口令至少要%d个字符 / the passphrase needs %d characters "
                   "or more", NODE_PASS_MIN, NODE_PASS_MIN);
  }
  return CM_OK;
}

static void put_u64(uint8_t *p, uint64_t v) {
  for (int i = 0; i < 8; i++) p[i] = (uint8_t)(v >> (8 * i));
}
static uint64_t get_u64(const uint8_t *p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; i--) v = (v << 8) | p[i];
  return v;
}

static void info_from(const json_t *j, const uint8_t pk[PROTO_KEY_BYTES], node_key_info *info) {
  const char *s;
  memset(info, 0, sizeof *info);
  s = json_string_value(json_object_get(j, "community"));
  snprintf(info->community, sizeof info->community, "%s", s ? s : "");
  s = json_string_value(json_object_get(j, "street"));
  snprintf(info->street, sizeof info->street, "%s", s ? s : "");
  s = json_string_value(json_object_get(j, "code"));
  snprintf(info->code, sizeof info->code, "%s", s ? s : "");
  s = json_string_value(json_object_get(j, "hub"));
  snprintf(info->hub, sizeof info->hub, "%s", s ? s : "");
  proto_fingerprint(pk, info->fingerprint);
}

/* Write all of buf to a new file path (0600), fsynced. */
static cm_rc write_new(const char *path, const uint8_t *buf, size_t len, cm_err *err) {
  int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) {
    if (errno == EEXIST)
      return cm_errf(err, CM_ERR_EXISTS, "%s 已存在，请换一个文件名 / %s exists already", path, path);
    return cm_errf(err, CM_ERR_IO, "无法创建 %s：%s", path, strerror(errno));
  }
  size_t off = 0;
  while (off < len) {
    ssize_t w = write(fd, buf + off, len - off);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) break;
    off += (size_t)w;
  }
  int bad = off != len || fsync(fd) != 0;
  if (close(fd) != 0) bad = 1;
  if (bad) {
    unlink(path);
    return cm_errf(err, CM_ERR_IO, "无法写入 %s：%s", path, strerror(errno));
  }
  return CM_OK;
}

cm_rc node_key_export(node_ctx *ctx, const char *file, const char *passphrase,
                      node_key_info *info_out, cm_err *err) {
  char text[PROTO_KEYFILE_MAX], meta[512];
  uint8_t key[crypto_secretbox_KEYBYTES];
  uint8_t *out = NULL;
  char *plain = NULL;
  json_t *j = NULL;
  size_t tlen = 0, plen = 0;
  cm_rc rc = CM_OK;

  rc = proto_keyfile_format(&ctx->kp, text, sizeof text, &tlen);
  if (rc) {
    cm_errf(err, rc, "无法写出密钥");
    goto out;
  }
  j = json_object();
  json_object_set_new(j, "key", json_stringn(text, tlen));
  static const char *const fields[][2] = {{"community", "community"}, {"street", "street"},
                                          {"code", "code"}, {"hub", "hub_url"},
                                          {"hub_key", "hub_key"}};
  for (size_t i = 0; !rc && i < sizeof fields / sizeof fields[0]; i++) {
    meta[0] = 0;
    rc = store_meta_get(ctx, fields[i][1], meta, sizeof meta, err);
    if (!rc) json_object_set_new(j, fields[i][0], json_string(meta));
  }
  if (rc) goto out;
  plain = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
  if (!plain) {
    rc = cm_errf(err, CM_ERR_NOMEM, "内存不足");
    goto out;
  }
  plen = strlen(plain);
  size_t total = KX_HEAD + crypto_secretbox_MACBYTES + plen;
  out = calloc(1, total);
  if (!out) {
    rc = cm_errf(err, CM_ERR_NOMEM, "内存不足");
    goto out;
  }
  uint8_t *p = out;
  memcpy(p, KX_MAGIC, 8);
  p[8] = KX_VERSION;
  p[9] = KX_ALG_ARGON2ID13;
  put_u64(p + 10, KX_OPSLIMIT);
  put_u64(p + 18, KX_MEMLIMIT);
  uint8_t *salt = p + 26, *nonce = salt + crypto_pwhash_SALTBYTES;
  randombytes_buf(salt, crypto_pwhash_SALTBYTES);
  randombytes_buf(nonce, crypto_secretbox_NONCEBYTES);
  uint8_t *lenp = nonce + crypto_secretbox_NONCEBYTES;
  uint32_t clen = (uint32_t)(plen + crypto_secretbox_MACBYTES);
  for (int i = 0; i < 4; i++) lenp[i] = (uint8_t)(clen >> (8 * i));
  if (crypto_pwhash(key, sizeof key, passphrase, strlen(passphrase), salt, KX_OPSLIMIT,
                    (size_t)KX_MEMLIMIT, crypto_pwhash_ALG_ARGON2ID13) != 0) {
    rc = cm_errf(err, CM_ERR_NOMEM, "由口令计算密钥时内存不足");
    goto out;
  }
  crypto_secretbox_easy(out + KX_HEAD, (const uint8_t *)plain, plen, nonce, key);
  rc = write_new(file, out, total, err);
  if (!rc && info_out) info_from(j, ctx->kp.pk, info_out);
out:
  sodium_memzero(key, sizeof key);
  sodium_memzero(text, sizeof text);
  if (plain) {
    sodium_memzero(plain, plen);
    free(plain);
  }
  free(out);
  json_decref(j);
  return rc;
}

cm_rc node_key_import(const char *dir, const char *file, const char *passphrase,
                      node_key_info *info_out, cm_err *err) {
  uint8_t buf[KX_HEAD + crypto_secretbox_MACBYTES + KX_PLAIN_MAX + 1];
  uint8_t key[crypto_secretbox_KEYBYTES];
  char plain[KX_PLAIN_MAX + 1], keypath[PATH_MAX];
  proto_keypair kp;
  json_t *j = NULL;
  size_t len = 0;
  cm_rc rc = CM_OK;
  const cm_rc bad = CM_ERR_INVALID;

  memset(&kp, 0, sizeof kp);
  memset(plain, 0, sizeof plain);
  if (!cm_dir_empty(dir))
    return cm_errf(err, CM_ERR_EXISTS, "%s 不是空目录：密钥只导入到新的空目录 / %s is not empty",
                   dir, dir);
  if (snprintf(keypath, sizeof keypath, "%s/identity.key", dir) >= (int)sizeof keypath)
    return cm_errf(err, CM_ERR_INVALID, "目录名太长");
  FILE *f = fopen(file, "rb");
  if (!f) return cm_errf(err, CM_ERR_IO, "无法打开 %s：%s", file, strerror(errno));
  len = fread(buf, 1, sizeof buf, f);
  fclose(f);
  if (len < KX_HEAD + crypto_secretbox_MACBYTES || len == sizeof buf ||
      memcmp(buf, KX_MAGIC, 8) != 0)
    return cm_errf(err, bad, "%s 不是 linli 密钥导出文件 / not a linli key export file", file);
  if (buf[8] != KX_VERSION || buf[9] != KX_ALG_ARGON2ID13)
    return cm_errf(err, CM_ERR_UNSUPPORTED, "%s: 不支持的版本 / unsupported version", file);
  uint64_t ops = get_u64(buf + 10), mem = get_u64(buf + 18);
  const uint8_t *salt = buf + 26, *nonce = salt + crypto_pwhash_SALTBYTES;
  const uint8_t *lenp = nonce + crypto_secretbox_NONCEBYTES;
  uint32_t clen = (uint32_t)lenp[0] | (uint32_t)lenp[1] << 8 | (uint32_t)lenp[2] << 16 |
                  (uint32_t)lenp[3] << 24;
  if (ops < crypto_pwhash_OPSLIMIT_MIN || ops > KX_OPSLIMIT_MAX ||
      mem < crypto_pwhash_MEMLIMIT_MIN || mem > KX_MEMLIMIT_MAX ||
      clen != len - KX_HEAD || clen <= crypto_secretbox_MACBYTES)
    return cm_errf(err, bad, "%s 已损坏 / the file is damaged", file);
  if (crypto_pwhash(key, sizeof key, passphrase, strlen(passphrase), salt, ops, (size_t)mem,
                    crypto_pwhash_ALG_ARGON2ID13) != 0)
    return cm_errf(err, CM_ERR_NOMEM, "由口令计算密钥时内存不足");
  size_t plen = clen - crypto_secretbox_MACBYTES;
  if (crypto_secretbox_open_easy((uint8_t *)plain, buf + KX_HEAD, clen, nonce, key) != 0) {
    rc = cm_errf(err, bad, "口令不对，或文件已损坏；什么也没有改变 / wrong passphrase or a "
                           "damaged file; nothing was changed");
    goto out;
  }
  plain[plen] = 0;
  j = json_loadb(plain, plen, 0, NULL);
  const char *text = json_string_value(json_object_get(j, "key"));
  if (!text || proto_keyfile_parse(text, strlen(text), &kp, NULL) != CM_OK) {
    rc = cm_errf(err, bad, "%s: 文件里没有有效的密钥 / no valid key in the file", file);
    goto out;
  }
  if (mkdir(dir, 0750) != 0 && errno != EEXIST) {
    rc = cm_errf(err, CM_ERR_IO, "无法创建 %s：%s", dir, strerror(errno));
    goto out;
  }
  rc = cm_keyfile_write(keypath, &kp, err);
  if (!rc && info_out) info_from(j, kp.pk, info_out);
out:
  json_decref(j);
  sodium_memzero(key, sizeof key);
  sodium_memzero(plain, sizeof plain);
  sodium_memzero(buf, sizeof buf);
  proto_keypair_wipe(&kp);
  return rc;
}
