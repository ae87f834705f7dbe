/* hub_cli.c - `linli-hub` as scripts use it: init's output, enroll, enrolment
 * requests, bundle import (exactly like a push, with its refusals and exit
 * codes), status, rebuild, --help, and kill-at-a-failpoint during an import:
 * nothing is stored if the process dies before the commit, and what was
 * committed before the acknowledgement survives.  Every command runs while
 * this process holds the same hub open, as `serve` would. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <cmocka.h>

#include "hub/hublog.h"
#include "hub/ingest.h"
#include "hub_testlib.h"

#ifndef LINLI_HUB_BIN
#error "LINLI_HUB_BIN must name the linli-hub binary"
#endif

/* Run `env linli-hub --dir dir args` through the shell; stdout into out
 * (cap bytes, NUL-terminated); returns the exit status (or 128+signal). */
static int run(const char *env, const char *dir, const char *args, char *out, size_t cap) {
  char cmd[8192];
  snprintf(cmd, sizeof cmd, "%s LINLI_LOG=error '%s' --dir '%s' %s", env ? env : "",
           LINLI_HUB_BIN, dir, args);
  FILE *p = popen(cmd, "r");
  assert_non_null(p);
  size_t n = 0;
  if (out && cap) {
    n = fread(out, 1, cap - 1, p);
    out[n] = '\0';
  } else {
    char sink[4096];
    while (fread(sink, 1, sizeof sink, p) > 0) {
    }
  }
  int st = pclose(p);
  if (WIFEXITED(st)) return WEXITSTATUS(st);
  return 128 + (WIFSIGNALED(st) ? WTERMSIG(st) : 0);
}

static void write_file(const char *path, const uint8_t *b, size_t len) {
  FILE *f = fopen(path, "wb");
  assert_non_null(f);
  assert_int_equal(fwrite(b, 1, len, f), len);
  assert_int_equal(fclose(f), 0);
}

/* The last non-empty line of s. */
static const char *last_line(char *s) {
  size_t n = strlen(s);
  while (n && s[n - 1] == '\n') s[--n] = '\0';
  char *nl = strrchr(s, '\n');
  return nl ? nl + 1 : s;
}

static void test_cli(void **state) {
  (void)state;
  char *tmp = tl_tmpdir();
  char dir[2048], out[65536], args[8192], file[4096];
  assert_non_null(tmp);
  snprintf(dir, sizeof dir, "%s/street", tmp);

  /* Usage errors and help. */
  assert_int_equal(run(NULL, dir, "init --name x", out, sizeof out), 1);
  assert_int_equal(run(NULL, dir, "frobnicate", out, sizeof out), 1);
  assert_int_equal(run(NULL, dir, "--help", out, sizeof out), 0);
  assert_non_null(strstr(out, "bundle"));
  assert_int_equal(run(NULL, dir, "status --help", out, sizeof out), 0);
  assert_non_null(strstr(out, "status"));

  /* init: fingerprint, then the key alone on the last line; private files. */
  assert_int_equal(run(NULL, dir, "init --role street --name 光復道街", out, sizeof out), 0);
  const char *keyline = last_line(out);
  assert_int_equal(strlen(keyline), 64);
  hub_ctx *hub = NULL;
  assert_int_equal(hub_open(dir, &hub, NULL), CM_OK);
  assert_string_equal(keyline, hub->key_hex);
  assert_non_null(strstr(out, hub->fingerprint));
  struct stat sb;
  snprintf(file, sizeof file, "%s/identity.key", dir);
  assert_int_equal(stat(file, &sb), 0);
  assert_int_equal(sb.st_mode & 0777, 0600);
  snprintf(file, sizeof file, "%s/hub.db", dir);
  assert_int_equal(stat(file, &sb), 0);
  assert_int_equal(sb.st_mode & 077, 0);
  assert_int_equal(run(NULL, dir, "init --role street --name again", out, sizeof out), 2);
  /* serve refuses a wait that is not milliseconds or "always", before it
   * listens (it would otherwise run until stopped) */
  assert_int_equal(run(NULL, dir, "serve --listen 127.0.0.1:0 --answer-wait 12x", out, sizeof out),
                   2);
  assert_int_equal(run(NULL, dir, "serve --listen 127.0.0.1:0 --answer-wait -1", out, sizeof out),
                   2);
  assert_int_equal(
      run(NULL, dir, "serve --listen 127.0.0.1:0 --answer-wait 1234567", out, sizeof out), 2);
  assert_int_equal(
      run("LINLI_ANSWER_WAIT=soon", dir, "serve --listen 127.0.0.1:0", out, sizeof out), 2);

  /* enroll, with this process holding the hub open. */
  tl_author c;
  char hex[PROTO_KEY_HEX];
  assert_int_equal(tl_author_new(&c), 0);
  proto_key_hex(c.kp.pk, hex);
  snprintf(args, sizeof args, "enroll --name 向陽社區 --key %s --code 120105001001", hex);
  assert_int_equal(run(NULL, dir, args, out, sizeof out), 0);
  assert_int_equal(run(NULL, dir, args, out, sizeof out), 2);
  assert_int_equal(run(NULL, dir, "enroll --name x --key nothex", out, sizeof out), 1);

  /* bundle import: stored, replayed, refused. */
  uint8_t *cs = NULL, *b = NULL;
  size_t cslen = 0, blen = 0;
  assert_int_equal(tl_changeset(&c, 3, NULL, NULL, 0, &cs, &cslen), 0);
  assert_int_equal(tl_bundle(&cs, &cslen, 1, &b, &blen), 0);
  snprintf(file, sizeof file, "%s/usb.lnbd", tmp);
  write_file(file, b, blen);
  snprintf(args, sizeof args, "bundle import '%s'", file);
  assert_int_equal(run(NULL, dir, args, out, sizeof out), 0);
  json_t *j = json_loads(out, 0, NULL);
  assert_non_null(j);
  assert_int_equal(json_integer_value(json_object_get(j, "stored")), 3);
  assert_int_equal(json_array_size(json_object_get(j, "receipts")), 1);
  json_decref(j);
  assert_int_equal(tl_head(hub, c.kp.pk), 3);
  assert_int_equal(run(NULL, dir, args, out, sizeof out), 0);
  j = json_loads(out, 0, NULL);
  assert_int_equal(json_integer_value(json_object_get(j, "stored")), 0);
  json_decref(j);
  free(cs);
  free(b);

  /* A gap: exit 2 and the protocol's error object. */
  tl_author skip = c;
  assert_int_equal(tl_changeset(&skip, 1, NULL, NULL, 0, &cs, &cslen), 0);
  free(cs);
  assert_int_equal(tl_changeset(&skip, 1, NULL, NULL, 0, &cs, &cslen), 0);
  assert_int_equal(tl_bundle(&cs, &cslen, 1, &b, &blen), 0);
  write_file(file, b, blen);
  assert_int_equal(run(NULL, dir, args, out, sizeof out), 2);
  j = json_loads(out, 0, NULL);
  assert_non_null(j);
  assert_string_equal(json_string_value(json_object_get(j, "error")), "PROTO_GAP");
  assert_int_equal(json_integer_value(json_object_get(j, "expected_seq")), 4);
  json_decref(j);
  /* Tampered: exit 2, nothing stored. */
  b[blen - 2] ^= 0xff;
  write_file(file, b, blen);
  assert_int_equal(run(NULL, dir, args, out, sizeof out), 2);
  assert_int_equal(tl_head(hub, c.kp.pk), 3);
  free(cs);
  free(b);
  /* A file that cannot be read is an I/O failure (exit 5). */
  assert_int_equal(run(NULL, dir, "bundle import /nonexistent/x.lnbd", out, sizeof out), 5);

  /* Killed before the commit: nothing stored.  Killed after the commit but
   * before the answer: stored, and the retry is a replay. */
  assert_int_equal(tl_changeset(&c, 2, NULL, NULL, 0, &cs, &cslen), 0); /* 4-5 */
  assert_int_equal(tl_bundle(&cs, &cslen, 1, &b, &blen), 0);
  write_file(file, b, blen);
  assert_int_equal(run("LINLI_FAILPOINT=ingest.before_commit", dir, args, out, sizeof out), 137);
  assert_int_equal(tl_head(hub, c.kp.pk), 3);
  assert_int_equal(
      run("LINLI_FAILPOINT=ingest.after_commit_before_ack", dir, args, out, sizeof out), 137);
  assert_int_equal(tl_head(hub, c.kp.pk), 5);
  assert_int_equal(run(NULL, dir, args, out, sizeof out), 0);
  j = json_loads(out, 0, NULL);
  assert_int_equal(json_integer_value(json_object_get(j, "stored")), 0);
  json_decref(j);
  free(cs);
  free(b);

  /* Enrolment requests from keys, approved by ID. */
  tl_author x;
  int enrolled = 0;
  int64_t id = 0;
  assert_int_equal(tl_author_new(&x), 0);
  assert_int_equal(hub_enroll_request(hub, x.kp.pk, "紅星社區", "光復道街", "120105001002",
                                      "community", &enrolled, &id, NULL),
                   CM_OK);
  assert_int_equal(run(NULL, dir, "enroll-requests", out, sizeof out), 0);
  assert_non_null(strstr(out, "紅星社區"));
  assert_non_null(strstr(out, "120105001002"));
  char fp[PROTO_FINGERPRINT_LEN];
  proto_fingerprint(x.kp.pk, fp);
  assert_non_null(strstr(out, fp));
  assert_int_equal(run(NULL, dir, "enroll-requests --json", out, sizeof out), 0);
  j = json_loads(out, 0, NULL);
  assert_int_equal(json_array_size(j), 1);
  json_decref(j);
  snprintf(args, sizeof args, "enroll-approve %lld", (long long)id);
  assert_int_equal(run(NULL, dir, args, out, sizeof out), 0);
  assert_int_equal(run(NULL, dir, args, out, sizeof out), 2);
  assert_int_equal(run(NULL, dir, "enroll-approve abc", out, sizeof out), 1);
  hub_key_state ks;
  assert_int_equal(hub_key_status(hub, x.kp.pk, &ks, NULL), CM_OK);
  assert_int_equal(ks, HUB_KEY_ENROLLED);

  /* status and rebuild. */
  assert_int_equal(run(NULL, dir, "status --json", out, sizeof out), 0);
  j = json_loads(out, 0, NULL);
  assert_non_null(j);
  assert_string_equal(json_string_value(json_object_get(json_object_get(j, "hub"), "key")),
                      hub->key_hex);
  assert_int_equal(json_array_size(json_object_get(j, "authors")), 3);
  json_decref(j);
  assert_int_equal(run(NULL, dir, "status", out, sizeof out), 0);
  assert_non_null(strstr(out, "向陽社區"));
  assert_int_equal(run(NULL, dir, "rebuild", out, sizeof out), 0);

  hub_close(hub);
  tl_rmrf(tmp);
  free(tmp);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_cli),
  };
  return cmocka_run_group_tests_name("hub_cli", tests, NULL, NULL);
}
