/* hubweb_auth.c - operator accounts and sessions without a browser: argon2id
 * hashes, the password and street rules of `operator add`, login, lock-out,
 * idle expiry, CSRF comparison, role checks, the audit trail, and the page
 * framework's words and routes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "hub/auth.h"
#include "hub/opstore.h"
#include "hub/web.h"
#include "common/i18n.h"
#include "hub_testlib.h"

typedef struct fixture {
  char *dir;
  hub_ctx *street, *district;
  hub_opstore *ops;  /* the street hub's */
  hub_opstore *dops; /* the district's */
} fixture;

static int setup(void **state) {
  fixture *f = calloc(1, sizeof *f);
  char path[4200];
  if (!f) return -1;
  f->dir = tl_tmpdir();
  if (!f->dir) return -1;
  f->street = tl_hub(f->dir, "street", HUB_ROLE_STREET, "河北街道");
  f->district = tl_hub(f->dir, "district", HUB_ROLE_DISTRICT, "河北区");
  if (!f->street || !f->district) return -1;
  snprintf(path, sizeof path, "%s/street", f->dir);
  if (hub_opstore_open(path, &f->ops, NULL)) return -1;
  snprintf(path, sizeof path, "%s/district", f->dir);
  if (hub_opstore_open(path, &f->dops, NULL)) return -1;
  *state = f;
  return 0;
}

static int teardown(void **state) {
  fixture *f = *state;
  hub_opstore_close(f->ops);
  hub_opstore_close(f->dops);
  hub_close(f->street);
  hub_close(f->district);
  tl_rmrf(f->dir);
  free(f->dir);
  free(f);
  return 0;
}

/* The password is stored as an argon2id string, never in clear, in a 0600 file. */
static void test_add_and_hash(void **state) {
  fixture *f = *state;
  cm_err err = {0};
  hub_operator op;
  int found = 0;
  char path[4200];
  struct stat st;
  assert_int_equal(hub_auth_add_operator(f->ops, f->street, "alice", "street", NULL,
                                         "correct horse", &err),
                   CM_OK);
  assert_int_equal(hub_opstore_get(f->ops, "alice", &op, &found, &err), CM_OK);
  assert_true(found);
  assert_string_equal(op.role, "street");
  assert_string_equal(op.street, "河北街道"); /* bound to the hub's own street */
  assert_non_null(strstr(op.pwhash, "$argon2id$"));
  assert_null(strstr(op.pwhash, "correct horse"));
  snprintf(path, sizeof path, "%s/street/operators.db", f->dir);
  assert_int_equal(stat(path, &st), 0);
  assert_int_equal(st.st_mode & 077, 0);
  /* the same name twice */
  assert_int_equal(hub_auth_add_operator(f->ops, f->street, "alice", "viewer", NULL,
                                         "another one", &err),
                   CM_ERR_EXISTS);
}

static void test_add_refusals(void **state) {
  fixture *f = *state;
  cm_err err = {0};
  assert_int_equal(hub_auth_add_operator(f->ops, f->street, "bob", "viewer", NULL, "", &err),
                   CM_ERR_INVALID);
  assert_int_equal(hub_auth_add_operator(f->ops, f->street, "bob", "viewer", NULL, "1234567", &err),
                   CM_ERR_INVALID);
  assert_int_equal(hub_auth_add_operator(f->ops, f->street, "bob", "admin", NULL, "12345678", &err),
                   CM_ERR_INVALID);
  assert_int_equal(hub_auth_add_operator(f->ops, f->street, "", "viewer", NULL, "12345678", &err),
                   CM_ERR_INVALID);
  assert_int_equal(hub_auth_add_operator(f->ops, f->street, "a\nb", "viewer", NULL, "12345678",
                                         &err),
                   CM_ERR_INVALID);
  /* a street hub holds one street */
  assert_int_equal(hub_auth_add_operator(f->ops, f->street, "bob", "street", "望海楼街",
                                         "12345678", &err),
                   CM_ERR_INVALID);
  /* at a district a street operator names a street; a district one does not */
  assert_int_equal(hub_auth_add_operator(f->dops, f->district, "sam", "street", NULL, "12345678",
                                         &err),
                   CM_ERR_INVALID);
  assert_int_equal(hub_auth_add_operator(f->dops, f->district, "dora", "district", "光复道街",
                                         "12345678", &err),
                   CM_ERR_INVALID);
  assert_int_equal(hub_auth_add_operator(f->dops, f->district, "sam", "street", "光复道街",
                                         "12345678", &err),
                   CM_OK);
  int found = 1;
  hub_operator op;
  assert_int_equal(hub_opstore_get(f->ops, "bob", &op, &found, &err), CM_OK);
  assert_false(found);
}

static void test_login_session_logout(void **state) {
  fixture *f = *state;
  cm_err err = {0};
  hub_auth_session s, s2;
  char token[HUB_AUTH_TOKEN_HEX];
  int locked = 0, found = 0;
  assert_int_equal(hub_auth_add_operator(f->ops, f->street, "carol", "street", NULL, "carol-pw-1",
                                         &err),
                   CM_OK);
  assert_int_equal(hub_auth_login(f->ops, "carol", "wrong-pw-1", "127.0.0.1", 1000, &s, token,
                                  &locked, &err),
                   CM_ERR_PERM);
  assert_false(locked);
  assert_string_equal(token, "");
  assert_int_equal(hub_auth_login(f->ops, "nobody", "carol-pw-1", "127.0.0.1", 1000, &s, token,
                                  &locked, &err),
                   CM_ERR_PERM);
  assert_int_equal(hub_auth_login(f->ops, "carol", "carol-pw-1", "127.0.0.1", 2000, &s, token,
                                  &locked, &err),
                   CM_OK);
  assert_int_equal(strlen(token), 64);
  assert_int_equal(strlen(s.csrf), 64);
  assert_string_equal(s.op.name, "carol");

  assert_int_equal(hub_auth_session_check(f->ops, token, 3000, &s2, &found, &err), CM_OK);
  assert_true(found);
  assert_string_equal(s2.op.name, "carol");
  assert_true(hub_auth_csrf_ok(&s2, s.csrf));
  char bad[HUB_OP_CSRF_HEX];
  memcpy(bad, s.csrf, sizeof bad);
  bad[10] = bad[10] == 'a' ? 'b' : 'a';
  assert_false(hub_auth_csrf_ok(&s2, bad));
  assert_false(hub_auth_csrf_ok(&s2, NULL));
  assert_false(hub_auth_csrf_ok(&s2, ""));
  /* a malformed or unknown token finds nothing */
  assert_int_equal(hub_auth_session_check(f->ops, "abc", 3000, &s2, &found, &err), CM_OK);
  assert_false(found);
  char other[HUB_AUTH_TOKEN_HEX];
  memcpy(other, token, sizeof other);
  other[0] = other[0] == '0' ? '1' : '0';
  assert_int_equal(hub_auth_session_check(f->ops, other, 3000, &s2, &found, &err), CM_OK);
  assert_false(found);
  /* idle expiry */
  assert_int_equal(hub_auth_session_check(f->ops, token, 3000 + HUB_AUTH_IDLE_MS + 1, &s2, &found,
                                          &err),
                   CM_OK);
  assert_false(found);
  /* a new session, ended by logout */
  assert_int_equal(hub_auth_login(f->ops, "carol", "carol-pw-1", "127.0.0.1", 5000, &s, token,
                                  &locked, &err),
                   CM_OK);
  assert_int_equal(hub_auth_logout(f->ops, &s, &err), CM_OK);
  assert_int_equal(hub_auth_session_check(f->ops, token, 5001, &s2, &found, &err), CM_OK);
  assert_false(found);
  /* disabling ends sessions and logins */
  assert_int_equal(hub_auth_login(f->ops, "carol", "carol-pw-1", "127.0.0.1", 6000, &s, token,
                                  &locked, &err),
                   CM_OK);
  assert_int_equal(hub_opstore_disable(f->ops, "carol", &err), CM_OK);
  assert_int_equal(hub_auth_session_check(f->ops, token, 6001, &s2, &found, &err), CM_OK);
  assert_false(found);
  assert_int_equal(hub_auth_login(f->ops, "carol", "carol-pw-1", "127.0.0.1", 7000, &s, token,
                                  &locked, &err),
                   CM_ERR_PERM);
  assert_int_equal(hub_opstore_disable(f->ops, "nobody", &err), CM_ERR_NOT_FOUND);
}

static void test_passwd(void **state) {
  fixture *f = *state;
  cm_err err = {0};
  hub_auth_session s;
  char token[HUB_AUTH_TOKEN_HEX];
  int locked = 0, found = 0;
  assert_int_equal(hub_auth_add_operator(f->ops, f->street, "dave", "viewer", NULL, "old-pass-1",
                                         &err),
                   CM_OK);
  assert_int_equal(hub_auth_login(f->ops, "dave", "old-pass-1", "10.0.0.1", 1000, &s, token,
                                  &locked, &err),
                   CM_OK);
  assert_int_equal(hub_auth_set_password(f->ops, "dave", "short", &err), CM_ERR_INVALID);
  assert_int_equal(hub_auth_set_password(f->ops, "dave", "new-pass-1", &err), CM_OK);
  /* the old session ended with the old password */
  assert_int_equal(hub_auth_session_check(f->ops, token, 1001, &s, &found, &err), CM_OK);
  assert_false(found);
  assert_int_equal(hub_auth_login(f->ops, "dave", "old-pass-1", "10.0.0.1", 2000, &s, token,
                                  &locked, &err),
                   CM_ERR_PERM);
  assert_int_equal(hub_auth_login(f->ops, "dave", "new-pass-1", "10.0.0.1", 3000, &s, token,
                                  &locked, &err),
                   CM_OK);
  assert_int_equal(hub_auth_set_password(f->ops, "nobody", "new-pass-1", &err), CM_ERR_NOT_FOUND);
}

/* Five failures for a name from one address make that name wait at that
 * address only: the operator logs in from another address at once.  The
 * waits grow with each further failure; a good login clears the count. */
static void test_lockout(void **state) {
  fixture *f = *state;
  cm_err err = {0};
  hub_auth_session s;
  char token[HUB_AUTH_TOKEN_HEX];
  int locked = 0;
  uint64_t t = 100000;
  assert_int_equal(hub_auth_add_operator(f->ops, f->street, "erin", "street", NULL, "erin-pass-1",
                                         &err),
                   CM_OK);
  for (int i = 0; i < HUB_AUTH_MAX_FAILS_NAME; i++) {
    assert_int_equal(hub_auth_login(f->ops, "erin", "guess", "10.0.0.2", t + (uint64_t)i, &s,
                                    token, &locked, &err),
                     CM_ERR_PERM);
    assert_int_equal(locked, i == HUB_AUTH_MAX_FAILS_NAME - 1);
  }
  /* the attacker's address waits, even with the right password */
  assert_int_equal(hub_auth_login(f->ops, "erin", "erin-pass-1", "10.0.0.2", t + 10, &s, token,
                                  &locked, &err),
                   CM_ERR_PERM);
  assert_true(locked);
  /* erin's own address is not locked out */
  assert_int_equal(hub_auth_login(f->ops, "erin", "erin-pass-1", "10.0.0.3", t + 10, &s, token,
                                  &locked, &err),
                   CM_OK);
  /* another account from the attacker's address is not locked by erin's count */
  assert_int_equal(hub_auth_add_operator(f->ops, f->street, "finn", "street", NULL, "finn-pass-1",
                                         &err),
                   CM_OK);
  assert_int_equal(hub_auth_login(f->ops, "finn", "finn-pass-1", "10.0.0.2", t + 20, &s, token,
                                  &locked, &err),
                   CM_OK);
  /* after the first wait one more failure doubles it */
  uint64_t t2 = t + 4 + HUB_AUTH_LOCK_MS + 1;
  assert_int_equal(hub_auth_login(f->ops, "erin", "guess", "10.0.0.2", t2, &s, token, &locked,
                                  &err),
                   CM_ERR_PERM);
  assert_true(locked);
  assert_int_equal(hub_auth_login(f->ops, "erin", "erin-pass-1", "10.0.0.2",
                                  t2 + HUB_AUTH_LOCK_MS + 1, &s, token, &locked, &err),
                   CM_ERR_PERM);
  assert_true(locked);
  assert_int_equal(hub_auth_login(f->ops, "erin", "erin-pass-1", "10.0.0.2",
                                  t2 + 2 * HUB_AUTH_LOCK_MS + 1, &s, token, &locked, &err),
                   CM_OK);
  int count = -1;
  uint64_t last = 0;
  assert_int_equal(hub_opstore_fail_get(f->ops, "pair:10.0.0.2|erin", &count, &last, &err), CM_OK);
  assert_int_equal(count, 0);
}

/* Many failures from one address lock that address out for every name. */
static void test_lockout_peer(void **state) {
  fixture *f = *state;
  cm_err err = {0};
  hub_auth_session s;
  char token[HUB_AUTH_TOKEN_HEX];
  int locked = 0;
  assert_int_equal(hub_auth_add_operator(f->ops, f->street, "gail", "street", NULL, "gail-pass-1",
                                         &err),
                   CM_OK);
  for (int i = 0; i < HUB_AUTH_MAX_FAILS_PEER; i++) {
    char name[32];
    snprintf(name, sizeof name, "probe%d", i);
    assert_int_equal(hub_auth_login(f->ops, name, "x", "192.0.2.9", 1000 + (uint64_t)i, &s, token,
                                    &locked, &err),
                     CM_ERR_PERM);
  }
  assert_int_equal(hub_auth_login(f->ops, "gail", "gail-pass-1", "192.0.2.9", 2000, &s, token,
                                  &locked, &err),
                   CM_ERR_PERM);
  assert_true(locked);
  assert_int_equal(hub_auth_login(f->ops, "gail", "gail-pass-1", "192.0.2.10", 2000, &s, token,
                                  &locked, &err),
                   CM_OK);
}

typedef struct audit_seen {
  int login, failed;
  char last_action[64];
} audit_seen;

static cm_rc audit_cb(void *ctx, const hub_audit_row *r, cm_err *err) {
  audit_seen *a = ctx;
  (void)err;
  if (!strcmp(r->action, "login") && !strcmp(r->operator_name, "hank")) a->login++;
  if (!strcmp(r->action, "login.failed") && !strcmp(r->operator_name, "hank")) a->failed++;
  if (!a->last_action[0]) snprintf(a->last_action, sizeof a->last_action, "%s", r->action);
  return CM_OK;
}

static void test_audit(void **state) {
  fixture *f = *state;
  cm_err err = {0};
  hub_auth_session s;
  char token[HUB_AUTH_TOKEN_HEX];
  int locked = 0;
  audit_seen seen = {0};
  assert_int_equal(hub_auth_add_operator(f->ops, f->street, "hank", "street", NULL, "hank-pass-1",
                                         &err),
                   CM_OK);
  assert_int_equal(hub_auth_login(f->ops, "hank", "nope", "127.0.0.1", 1, &s, token, &locked,
                                  &err),
                   CM_ERR_PERM);
  assert_int_equal(hub_auth_login(f->ops, "hank", "hank-pass-1", "127.0.0.1", 2, &s, token,
                                  &locked, &err),
                   CM_OK);
  assert_int_equal(hub_opstore_audit_add(f->ops, 3, "hank", "review.reject", "batch 1", "缺少材料",
                                         "127.0.0.1", &err),
                   CM_OK);
  assert_int_equal(hub_opstore_audit_list(f->ops, 10, audit_cb, &seen, &err), CM_OK);
  assert_int_equal(seen.login, 1);
  assert_int_equal(seen.failed, 1);
  assert_string_equal(seen.last_action, "review.reject"); /* newest first */
}

static void test_roles(void **state) {
  fixture *f = *state;
  hub_auth_session s;
  memset(&s, 0, sizeof s);
  s.op.id = 1;
  snprintf(s.op.role, sizeof s.op.role, "viewer");
  assert_false(hub_auth_can_write(&s));
  snprintf(s.op.role, sizeof s.op.role, "street");
  assert_true(hub_auth_can_write(&s));
  snprintf(s.op.street, sizeof s.op.street, "光复道街");
  assert_true(hub_auth_sees_street(&s, HUB_ROLE_DISTRICT, "光复道街"));
  assert_false(hub_auth_sees_street(&s, HUB_ROLE_DISTRICT, "望海楼街"));
  assert_false(hub_auth_sees_street(&s, HUB_ROLE_DISTRICT, ""));
  assert_true(hub_auth_sees_street(&s, HUB_ROLE_STREET, "望海楼街"));
  s.op.street[0] = '\0';
  assert_true(hub_auth_sees_street(&s, HUB_ROLE_DISTRICT, "望海楼街"));
  assert_false(hub_auth_sees_street(NULL, HUB_ROLE_DISTRICT, "x"));
  (void)f;
}

/* The session cookie: HttpOnly, SameSite=Strict, Path=/, Secure only over TLS;
 * clearing it expires it. */
static void test_cookie(void **state) {
  cm_http_resp resp;
  (void)state;
  memset(&resp, 0, sizeof resp);
  assert_int_equal(hub_auth_set_cookie(&resp, "00ff", 1), CM_OK);
  assert_non_null(strstr(resp.headers, "Set-Cookie: linli_hub_session=00ff; Path=/; HttpOnly; "
                                       "SameSite=Strict; Secure\r\n"));
  memset(&resp, 0, sizeof resp);
  assert_int_equal(hub_auth_set_cookie(&resp, "00ff", 0), CM_OK);
  assert_null(strstr(resp.headers, "Secure"));
  memset(&resp, 0, sizeof resp);
  assert_int_equal(hub_auth_set_cookie(&resp, NULL, 0), CM_OK);
  assert_non_null(strstr(resp.headers, "linli_hub_session=; "));
  assert_non_null(strstr(resp.headers, "Max-Age=0"));
}

/* Every word the layout and the pages name exists in both languages. */
static void test_words(void **state) {
  static const char *const keys[] = {
      "nav.review", "nav.enrol", "nav.decide", "nav.activities", "nav.alerts", "nav.logout",
      "login.title", "login.wrong", "login.locked", "err.csrf", "err.viewer", "err.street",
      "review.queue", "review.reject", "review.accept", "enrol.fingerprint", "alerts.forks",
      "alerts.clock", "alerts.silent", "decide.kind.criticize", "act.waiting", "footer.hub"};
  (void)state;
  for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
    assert_true(cm_i18n_has(keys[i]));
    assert_string_not_equal(cm_i18n_t(CM_LANG_ZH, keys[i]), cm_i18n_t(CM_LANG_EN, keys[i]));
  }
  assert_string_equal(cm_i18n_t(CM_LANG_ZH, "login.name"), "用户名");
  assert_string_equal(cm_i18n_t(CM_LANG_EN, "no.such.key"), "no.such.key");
  cm_lang l = CM_LANG_ZH;
  assert_true(cm_i18n_parse("en", &l));
  assert_int_equal(l, CM_LANG_EN);
  assert_false(cm_i18n_parse("fr", &l));
  assert_int_equal(l, CM_LANG_EN);
}

/* The route table mounts pages before the API and keeps the API whole. */
static void test_mount(void **state) {
  static const cm_http_route api[] = {{"GET", "/api/v1/health", NULL, "health"}};
  cm_http_route *r = NULL;
  size_t n = 0;
  (void)state;
  assert_int_equal(hub_web_mount(api, 1, &r, &n, NULL), CM_OK);
  assert_true(n >= hub_web_nroutes + 1);
  assert_string_equal(r[n - 1].pattern, "/api/v1/health");
  int login = 0, root = 0;
  for (size_t i = 0; i < n; i++) {
    if (!strcmp(r[i].pattern, "/login")) login++;
    if (!strcmp(r[i].pattern, "/") && !strcmp(r[i].method, "GET")) root++;
    assert_non_null(r[i].help);
  }
  assert_int_equal(login, 2); /* GET form and POST */
  assert_int_equal(root, 1);  /* the dashboard's or the default, never both */
  free(r);
  assert_true(hub_web_n_assets >= 2);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_add_and_hash, setup, teardown),
      cmocka_unit_test_setup_teardown(test_add_refusals, setup, teardown),
      cmocka_unit_test_setup_teardown(test_login_session_logout, setup, teardown),
      cmocka_unit_test_setup_teardown(test_passwd, setup, teardown),
      cmocka_unit_test_setup_teardown(test_lockout, setup, teardown),
      cmocka_unit_test_setup_teardown(test_lockout_peer, setup, teardown),
      cmocka_unit_test_setup_teardown(test_audit, setup, teardown),
      cmocka_unit_test_setup_teardown(test_roles, setup, teardown),
      cmocka_unit_test(test_cookie),
      cmocka_unit_test(test_words),
      cmocka_unit_test(test_mount),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
