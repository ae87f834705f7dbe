/* auth.c - passwords, sessions, lock-out and roles for the hub's operators. */
#include "auth.h"

#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "../common/clock.h"
#include "../common/log.h"

/* ---- passwords ---- */

cm_rc hub_auth_role_check(const char *role, cm_err *err) {
  if (role && (!strcmp(role, "street") || !strcmp(role, "district") || !strcmp(role, "viewer")))
    return CM_OK;
  return cm_errf(err, CM_ERR_INVALID, "--role 应为 street（街道操作员）、district（区协会操作员）或 viewer（只读），而不是 %s",
                 role ? role : "(none)");
}

cm_rc hub_auth_password_hash(const char *password, char out[HUB_OP_HASH_MAX], cm_err *err) {
  size_t n = password ? strlen(password) : 0;
  out[0] = '\0';
  if (n < HUB_AUTH_PW_MIN)
    return cm_errf(err, CM_ERR_INVALID, "密码至少要 %d 个字符",
                   HUB_AUTH_PW_MIN);
  if (n > HUB_AUTH_PW_MAX)
    return cm_errf(err, CM_ERR_INVALID, "密码超过 %d 字节", HUB_AUTH_PW_MAX);
  if (sodium_init() < 0) return cm_errf(err, CM_ERR_CRYPTO, "加密库 libsodium 无法初始化");
  if (crypto_pwhash_str(out, password, n, crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
    return cm_errf(err, CM_ERR_NOMEM, "计算密码哈希时内存不足");
  return CM_OK;
}

/* A printable name of 1..63 bytes without spaces at either end: it is shown
 * in pages and the audit trail, and typed at the login form. */
static cm_rc check_name(const char *name, cm_err *err) {
  size_t n = name ? strlen(name) : 0;
  if (n == 0 || n >= HUB_OP_NAME_MAX)
    return cm_errf(err, CM_ERR_INVALID, "操作员名称应为 1 到 %d 字节",
                   HUB_OP_NAME_MAX - 1);
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)name[i];
    if (c < 0x20 || c == 0x7f)
      return cm_errf(err, CM_ERR_INVALID, "操作员名称不能含控制字符");
  }
  if (name[0] == ' ' || name[n - 1] == ' ')
    return cm_errf(err, CM_ERR_INVALID, "操作员名称的首尾不能是空格");
  return CM_OK;
}

cm_rc hub_auth_add_operator(hub_opstore *ops, const hub_ctx *hub, const char *name,
                            const char *role, const char *street, const char *password,
                            cm_err *err) {
  char hash[HUB_OP_HASH_MAX] = "";
  const char *bound = street && *street ? street : "";
  cm_rc rc = check_name(name, err);
  if (!rc) rc = hub_auth_role_check(role, err);
  if (rc) goto out;
  if (strlen(bound) >= HUB_NAME_MAX) {
    rc = cm_errf(err, CM_ERR_INVALID, "街道名称太长");
    goto out;
  }
  if (!strcmp(role, "district") && *bound) {
    rc = cm_errf(err, CM_ERR_INVALID, "区协会操作员看得到所有街道：不用 --street");
    goto out;
  }
  if (hub->role == HUB_ROLE_STREET) {
    /* A street hub holds one street: a binding can only name it. */
    if (*bound && strcmp(bound, hub->name)) {
      rc = cm_errf(err, CM_ERR_INVALID, "本街道分会是 %s：--street 只能写它",
                   hub->name);
      goto out;
    }
    if (!strcmp(role, "street")) bound = hub->name;
  } else if (!strcmp(role, "street") && !*bound) {
    rc = cm_errf(err, CM_ERR_INVALID,
                 "在区协会，街道操作员需要 --street 街道名称");
    goto out;
  }
  rc = hub_auth_password_hash(password, hash, err);
  if (!rc) rc = hub_opstore_add(ops, name, role, bound, hash, cm_now_ms(), err);
out:
  sodium_memzero(hash, sizeof hash);
  return rc;
}

cm_rc hub_auth_set_password(hub_opstore *ops, const char *name, const char *password,
                            cm_err *err) {
  char hash[HUB_OP_HASH_MAX] = "";
  cm_rc rc = hub_auth_password_hash(password, hash, err);
  if (!rc) rc = hub_opstore_set_password(ops, name, hash, err);
  sodium_memzero(hash, sizeof hash);
  return rc;
}

/* ---- login ---- */

/* A hash of a random password, verified against when the name is unknown so
 * that an unknown name takes as long to refuse as a wrong password. */
static char dummy_hash[HUB_OP_HASH_MAX];
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;

static void make_dummy_hash(void) {
  char pw[33];
  uint8_t r[16];
  randombytes_buf(r, sizeof r);
  sodium_bin2hex(pw, sizeof pw, r, sizeof r);
  if (hub_auth_password_hash(pw, dummy_hash, NULL)) dummy_hash[0] = '\0';
}

/* How long a subject with count failures (max of them free) waits after its
 * last one: nothing, then HUB_AUTH_LOCK_MS doubling up to HUB_AUTH_LOCK_MAX_MS. */
static uint64_t lock_wait_ms(int count, int max) {
  if (count < max) return 0;
  int doublings = count - max;
  uint64_t w = HUB_AUTH_LOCK_MS;
  while (doublings-- > 0 && w < HUB_AUTH_LOCK_MAX_MS)
    w *= 2;
  return w < HUB_AUTH_LOCK_MAX_MS ? w : HUB_AUTH_LOCK_MAX_MS;
}

/* *locked_out 1 (and *wait_ms raised to what is left) when subject must still
 * wait at now_ms. */
static cm_rc is_locked(hub_opstore *ops, const char *subject, int max, uint64_t now_ms,
                       int *locked_out, uint64_t *wait_ms, cm_err *err) {
  int count = 0;
  uint64_t last = 0;
  cm_rc rc = hub_opstore_fail_get(ops, subject, &count, &last, err);
  uint64_t until = last + lock_wait_ms(count, max);
  if (!rc && now_ms < until) {
    *locked_out = 1;
    if (until - now_ms > *wait_ms) *wait_ms = until - now_ms;
  }
  return rc;
}

/* 32 random bytes in hex into out (65 bytes). */
static void random_hex(char out[HUB_AUTH_TOKEN_HEX]) {
  uint8_t r[32];
  randombytes_buf(r, sizeof r);
  sodium_bin2hex(out, HUB_AUTH_TOKEN_HEX, r, sizeof r);
  sodium_memzero(r, sizeof r);
}

/* The stored form of a session token: BLAKE2b-256 of its hex text. */
static void token_hash(const char *token_hex, uint8_t out[HUB_OP_TOKEN_HASH]) {
  crypto_generichash(out, HUB_OP_TOKEN_HASH, (const unsigned char *)token_hex,
                     strlen(token_hex), NULL, 0);
}

cm_rc hub_auth_login(hub_opstore *ops, const char *name, const char *password, const char *peer,
                     uint64_t now_ms, hub_auth_session *s_out,
                     char token_out[HUB_AUTH_TOKEN_HEX], int *locked_out, cm_err *err) {
  cm_rc rc = CM_OK;
  char by_name[HUB_OP_NAME_MAX + 192], by_peer[128];
  uint64_t wait_ms = 0;
  hub_operator op;
  int found = 0, good = 0, n_name = 0, n_peer = 0;
  *locked_out = 0;
  token_out[0] = '\0';
  memset(s_out, 0, sizeof *s_out);
  if (!name) name = "";
  if (!password) password = "";
  if (!peer) peer = "";
  if (sodium_init() < 0) {
    rc = cm_errf(err, CM_ERR_CRYPTO, "加密库 libsodium 无法初始化");
    goto out;
  }
  /* Over-long input is a failure like any other, but must not reach argon2. */
  if (strlen(name) >= HUB_OP_NAME_MAX || strlen(password) > HUB_AUTH_PW_MAX) name = "";
  /* The name counts only together with the address it is tried from. */
  snprintf(by_name, sizeof by_name, "pair:%.120s|%s", peer, name);
  snprintf(by_peer, sizeof by_peer, "peer:%s", peer);

  rc = is_locked(ops, by_name, HUB_AUTH_MAX_FAILS_NAME, now_ms, locked_out, &wait_ms, err);
  if (!rc) rc = is_locked(ops, by_peer, HUB_AUTH_MAX_FAILS_PEER, now_ms, locked_out, &wait_ms, err);
  if (rc) goto out;
  if (*locked_out) {
    hub_opstore_audit_add(ops, now_ms, name, "login.locked", "", "", peer, NULL);
    rc = cm_errf(err, CM_ERR_PERM, "这个地址登录失败次数太多：请 %llu 秒后再试", (unsigned long long)((wait_ms + 999) / 1000));
    goto out;
  }

  rc = hub_opstore_get(ops, name, &op, &found, err);
  if (rc) goto out;
  if (found && !op.disabled) {
    good = crypto_pwhash_str_verify(op.pwhash, password, strlen(password)) == 0;
  } else {
    pthread_once(&dummy_once, make_dummy_hash);
    /* The result does not matter: the name is wrong whatever it says. */
    if (dummy_hash[0] && crypto_pwhash_str_verify(dummy_hash, password, strlen(password)) == 0)
      good = 0;
  }
  if (!good) {
    rc = hub_opstore_fail_add(ops, by_name, now_ms, HUB_AUTH_FAIL_WINDOW_MS, &n_name, err);
    if (!rc) rc = hub_opstore_fail_add(ops, by_peer, now_ms, HUB_AUTH_FAIL_WINDOW_MS, &n_peer, err);
    if (rc) goto out;
    hub_opstore_audit_add(ops, now_ms, name, "login.failed", "", "", peer, NULL);
    if (lock_wait_ms(n_name, HUB_AUTH_MAX_FAILS_NAME) || lock_wait_ms(n_peer, HUB_AUTH_MAX_FAILS_PEER))
      *locked_out = 1;
    rc = cm_errf(err, CM_ERR_PERM, "操作员名称或密码不对");
    goto out;
  }

  rc = hub_opstore_fail_clear(ops, by_name, err);
  if (rc) goto out;
  random_hex(token_out);
  s_out->op = op;
  memset(s_out->op.pwhash, 0, sizeof s_out->op.pwhash);
  random_hex(s_out->csrf);
  token_hash(token_out, s_out->token_hash);
  /* Old sessions are forgotten here rather than by a timer: logins are rare. */
  rc = hub_opstore_session_purge(ops, now_ms > HUB_AUTH_IDLE_MS ? now_ms - HUB_AUTH_IDLE_MS : 0,
                                 err);
  if (!rc) rc = hub_opstore_session_add(ops, s_out->token_hash, op.id, s_out->csrf, now_ms, err);
  if (!rc) rc = hub_opstore_audit_add(ops, now_ms, op.name, "login", "", "", peer, err);
  if (!rc) cm_info("operator %s logged in from %s", op.name, peer);
out:
  sodium_memzero(&op, sizeof op);
  if (rc) {
    sodium_memzero(token_out, HUB_AUTH_TOKEN_HEX);
    memset(s_out, 0, sizeof *s_out);
  }
  return rc;
}

/* ---- sessions ---- */

cm_rc hub_auth_session_check(hub_opstore *ops, const char *token_hex, uint64_t now_ms,
                             hub_auth_session *s_out, int *found_out, cm_err *err) {
  cm_rc rc = CM_OK;
  uint64_t last = 0;
  *found_out = 0;
  memset(s_out, 0, sizeof *s_out);
  /* Only a well-formed token is looked up. */
  if (!token_hex || strlen(token_hex) != HUB_AUTH_TOKEN_HEX - 1) goto out;
  for (const char *p = token_hex; *p; p++)
    if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f'))) goto out;
  token_hash(token_hex, s_out->token_hash);
  rc = hub_opstore_session_get(ops, s_out->token_hash, &s_out->op, s_out->csrf, &last, found_out,
                               err);
  if (rc || !*found_out) goto out;
  if (now_ms > last + HUB_AUTH_IDLE_MS) {
    *found_out = 0;
    rc = hub_opstore_session_delete(ops, s_out->token_hash, err);
    goto out;
  }
  /* Touching on every request would write on every page view; a minute's
   * precision is plenty for a 12-hour idle limit. */
  if (now_ms > last + 60000) rc = hub_opstore_session_touch(ops, s_out->token_hash, now_ms, err);
out:
  if (!*found_out) memset(s_out, 0, sizeof *s_out);
  return rc;
}

cm_rc hub_auth_logout(hub_opstore *ops, const hub_auth_session *s, cm_err *err) {
  return hub_opstore_session_delete(ops, s->token_hash, err);
}

int hub_auth_csrf_ok(const hub_auth_session *s, const char *submitted) {
  size_t n = strlen(s->csrf);
  if (!submitted || n != HUB_OP_CSRF_HEX - 1 || strlen(submitted) != n) return 0;
  return sodium_memcmp(s->csrf, submitted, n) == 0;
}

cm_rc hub_auth_set_cookie(cm_http_resp *resp, const char *token_hex, int tls) {
  char v[256];
  if (token_hex)
    snprintf(v, sizeof v, "%s=%s; Path=/; HttpOnly; SameSite=Strict%s", HUB_AUTH_COOKIE,
             token_hex, tls ? "; Secure" : "");
  else
    snprintf(v, sizeof v, "%s=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0%s",
             HUB_AUTH_COOKIE, tls ? "; Secure" : "");
  return cm_http_resp_header(resp, "Set-Cookie", v);
}

/* ---- roles ---- */

int hub_auth_can_write(const hub_auth_session *s) {
  return s && s->op.id > 0 && strcmp(s->op.role, "viewer") != 0;
}

int hub_auth_unit_page(const hub_auth_session *s, const char *path) {
  if (!s || !s->op.unit[0]) return 1;
  if (!path) return 0;
  return !strcmp(path, "/") || !strcmp(path, "/logout") || !strncmp(path, "/dashboard/", 11) ||
         !strncmp(path, "/api/v1/dashboard/", 18) || !strncmp(path, "/assets/", 8) ||
         !strncmp(path, "/static/", 8);
}

int hub_auth_sees_street(const hub_auth_session *s, hub_role role, const char *street) {
  if (!s || s->op.id <= 0) return 0;
  if (role == HUB_ROLE_STREET || !s->op.street[0]) return 1;
  return street && !strcmp(street, s->op.street);
}
