/* staff.c - the staff password and sessions of a node page off loopback
 * (staff.h). */
#include "staff.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define STAFF_SESSIONS 32
#define STAFF_PEERS 64
#define STAFF_FREE_FAILS 3          /* failures from one address before any wait */
#define STAFF_MAX_WAIT_S (15u * 60) /* the longest wait */

struct staff_session {
  uint8_t hash[crypto_generichash_BYTES]; /* of the token; the token itself is not kept */
  uint64_t last_ms;                       /* 0 = free */
};

struct staff_peer {
  char addr[48];
  unsigned fails;
  uint64_t until_ms; /* no attempt checked before this */
};

struct node_staff {
  pthread_mutex_t mu;
  char hash[crypto_pwhash_STRBYTES];
  struct staff_session s[STAFF_SESSIONS];
  struct staff_peer p[STAFF_PEERS];
};

static void path_of(const char *dir, char *out, size_t cap) {
  snprintf(out, cap, "%s/%s", dir, NODE_STAFF_FILE);
}

cm_rc node_staff_set_password(const char *dir, const char *password, cm_err *err) {
  char hash[crypto_pwhash_STRBYTES], path[1100], tmp[1110];
  size_t len = password ? strlen(password) : 0;
  if (len < NODE_STAFF_PW_MIN || len > NODE_STAFF_PW_MAX)
    return cm_errf(err, CM_ERR_INVALID, "员工密码须为 %d 到 %d 字节 / the staff password must be "
                   "%d to %d bytes", NODE_STAFF_PW_MIN, NODE_STAFF_PW_MAX, NODE_STAFF_PW_MIN,
                   NODE_STAFF_PW_MAX);
  if (sodium_init() < 0) return cm_errf(err, CM_ERR_CRYPTO, "加密库 libsodium 无法初始化");
  if (crypto_pwhash_str(hash, password, len, crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
    return cm_errf(err, CM_ERR_NOMEM, "计算密码哈希时内存不足");
  path_of(dir, path, sizeof path);
  snprintf(tmp, sizeof tmp, "%s.tmp", path);
  (void)unlink(tmp);
  int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) return cm_errf(err, CM_ERR_IO, "无法写入 %s：%s", tmp, strerror(errno));
  size_t hl = strlen(hash);
  int bad = fchmod(fd, 0600) != 0 || write(fd, hash, hl) != (ssize_t)hl ||
            write(fd, "\n", 1) != 1 || fsync(fd) != 0;
  if (close(fd) != 0) bad = 1;
  if (bad || rename(tmp, path) != 0) {
    (void)unlink(tmp);
    return cm_errf(err, CM_ERR_IO, "无法写入 %s：%s", path, strerror(errno));
  }
  return CM_OK;
}

cm_rc node_staff_open(const char *dir, node_staff **out, cm_err *err) {
  char path[1100];
  *out = NULL;
  path_of(dir, path, sizeof path);
  FILE *f = fopen(path, "re");
  if (!f)
    return cm_errf(err, CM_ERR_NOT_FOUND,
                   "还没有设置员工密码：先运行 linli-node --dir %s staff-password / no staff "
                   "password is set: run linli-node --dir %s staff-password first",
                   dir, dir);
  node_staff *st = calloc(1, sizeof *st);
  if (!st) {
    fclose(f);
    return cm_errf(err, CM_ERR_NOMEM, "内存不足");
  }
  int ok = fgets(st->hash, sizeof st->hash, f) != NULL;
  fclose(f);
  st->hash[strcspn(st->hash, "\r\n")] = '\0';
  if (!ok || strncmp(st->hash, "$argon2id$", 10) != 0) {
    free(st);
    return cm_errf(err, CM_ERR_INVALID, "%s 不是员工密码文件：请重新设置员工密码", path);
  }
  pthread_mutex_init(&st->mu, NULL);
  *out = st;
  return CM_OK;
}

void node_staff_free(node_staff *st) {
  if (!st) return;
  pthread_mutex_destroy(&st->mu);
  sodium_memzero(st, sizeof *st);
  free(st);
}

static void token_hash(const char *hex, uint8_t out[crypto_generichash_BYTES]) {
  crypto_generichash(out, crypto_generichash_BYTES, (const unsigned char *)hex, strlen(hex), NULL,
                     0);
}

int node_staff_session_ok(node_staff *st, const char *token_hex, uint64_t now_ms) {
  if (!token_hex || strlen(token_hex) != NODE_STAFF_TOKEN_HEX - 1) return 0;
  uint8_t h[crypto_generichash_BYTES];
  token_hash(token_hex, h);
  int ok = 0;
  pthread_mutex_lock(&st->mu);
  for (int i = 0; i < STAFF_SESSIONS; i++) {
    struct staff_session *s = &st->s[i];
    if (!s->last_ms) continue;
    if (now_ms - s->last_ms > NODE_STAFF_IDLE_MS) {
      s->last_ms = 0;
      continue;
    }
    if (sodium_memcmp(s->hash, h, sizeof h) == 0) {
      s->last_ms = now_ms;
      ok = 1;
    }
  }
  pthread_mutex_unlock(&st->mu);
  return ok;
}

/* The slot of peer (the oldest one is reused when the table is full). */
static struct staff_peer *peer_slot(node_staff *st, const char *peer) {
  struct staff_peer *oldest = &st->p[0];
  for (int i = 0; i < STAFF_PEERS; i++) {
    if (!strcmp(st->p[i].addr, peer)) return &st->p[i];
    if (st->p[i].until_ms < oldest->until_ms) oldest = &st->p[i];
  }
  memset(oldest, 0, sizeof *oldest);
  snprintf(oldest->addr, sizeof oldest->addr, "%s", peer);
  return oldest;
}

cm_rc node_staff_login(node_staff *st, const char *password, const char *peer, uint64_t now_ms,
                       char token_out[NODE_STAFF_TOKEN_HEX], unsigned *wait_s_out, cm_err *err) {
  *wait_s_out = 0;
  token_out[0] = '\0';
  pthread_mutex_lock(&st->mu);
  struct staff_peer *p = peer_slot(st, peer ? peer : "");
  if (p->until_ms > now_ms) {
    *wait_s_out = (unsigned)((p->until_ms - now_ms + 999) / 1000);
    pthread_mutex_unlock(&st->mu);
    return cm_errf(err, CM_ERR_PERM, "这个地址输错密码次数太多：请稍后再试");
  }
  pthread_mutex_unlock(&st->mu);
  size_t len = password ? strlen(password) : 0;
  int good = len > 0 && len <= NODE_STAFF_PW_MAX &&
             crypto_pwhash_str_verify(st->hash, password, len) == 0;
  pthread_mutex_lock(&st->mu);
  p = peer_slot(st, peer ? peer : "");
  if (!good) {
    /* Waits double from the fourth failure on: 1 s, 2 s, 4 s ... 15 min. */
    p->fails++;
    if (p->fails > STAFF_FREE_FAILS) {
      unsigned shift = p->fails - STAFF_FREE_FAILS - 1;
      unsigned wait = shift >= 10 ? STAFF_MAX_WAIT_S : 1u << shift;
      if (wait > STAFF_MAX_WAIT_S) wait = STAFF_MAX_WAIT_S;
      p->until_ms = now_ms + (uint64_t)wait * 1000u;
    }
    pthread_mutex_unlock(&st->mu);
    return cm_errf(err, CM_ERR_PERM, "员工密码不对");
  }
  p->fails = 0;
  p->until_ms = 0;
  uint8_t raw[32];
  randombytes_buf(raw, sizeof raw);
  sodium_bin2hex(token_out, NODE_STAFF_TOKEN_HEX, raw, sizeof raw);
  sodium_memzero(raw, sizeof raw);
  struct staff_session *slot = &st->s[0];
  for (int i = 0; i < STAFF_SESSIONS; i++) {
    if (st->s[i].last_ms < slot->last_ms) slot = &st->s[i];
  }
  token_hash(token_out, slot->hash);
  slot->last_ms = now_ms ? now_ms : 1;
  pthread_mutex_unlock(&st->mu);
  return CM_OK;
}
