/* common_keyfile.c - the key file is created with mode 0600, never replaced,
 * read back intact, and refused when group or others can read it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "common/keyfile.h"

static char dir[64];
static char path[128];

static int setup(void **state) {
  (void)state;
  snprintf(dir, sizeof dir, "/tmp/linli-key-XXXXXX");
  if (!mkdtemp(dir)) return -1;
  snprintf(path, sizeof path, "%s/identity.key", dir);
  return proto_init() == CM_OK ? 0 : -1;
}

static int teardown(void **state) {
  (void)state;
  char cmd[160];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  return system(cmd) == 0 ? 0 : -1;
}

static void test_write_read(void **state) {
  (void)state;
  proto_keypair kp, back, other;
  cm_err err;
  cm_err_clear(&err);
  assert_int_equal(proto_keypair_generate(&kp), CM_OK);
  /* a loose umask must not loosen the file */
  mode_t old = umask(0);
  assert_int_equal(cm_keyfile_write(path, &kp, &err), CM_OK);
  umask(old);
  struct stat st;
  assert_int_equal(stat(path, &st), 0);
  assert_int_equal(st.st_mode & 0777, 0600);
  assert_int_equal(cm_keyfile_read(path, &back, &err), CM_OK);
  assert_memory_equal(kp.pk, back.pk, sizeof kp.pk);
  assert_memory_equal(kp.sk, back.sk, sizeof kp.sk);
  /* never replaced */
  assert_int_equal(proto_keypair_generate(&other), CM_OK);
  assert_int_equal(cm_keyfile_write(path, &other, &err), CM_ERR_EXISTS);
  assert_int_equal(cm_keyfile_read(path, &back, &err), CM_OK);
  assert_memory_equal(kp.pk, back.pk, sizeof kp.pk);
  /* no temporary file is left behind */
  char cmd[200];
  snprintf(cmd, sizeof cmd, "test $(ls -A '%s' | wc -l) -eq 1", dir);
  assert_int_equal(system(cmd), 0);
  proto_keypair_wipe(&kp);
  proto_keypair_wipe(&back);
  proto_keypair_wipe(&other);
}

static void test_refuse_loose_mode(void **state) {
  (void)state;
  proto_keypair kp, back;
  cm_err err;
  cm_err_clear(&err);
  assert_int_equal(proto_keypair_generate(&kp), CM_OK);
  assert_int_equal(cm_keyfile_write(path, &kp, &err), CM_OK);
  assert_int_equal(chmod(path, 0644), 0);
  assert_int_equal(cm_keyfile_read(path, &back, &err), CM_ERR_KEYFILE);
  assert_non_null(strstr(err.msg, "chmod 600"));
  assert_non_null(strstr(err.msg, path));
  assert_int_equal(chmod(path, 0640), 0);
  assert_int_equal(cm_keyfile_read(path, &back, &err), CM_ERR_KEYFILE);
  assert_int_equal(chmod(path, 0400), 0);
  assert_int_equal(cm_keyfile_read(path, &back, &err), CM_OK);
  proto_keypair_wipe(&kp);
}

static void write_file(const char *text, mode_t mode) {
  FILE *f = fopen(path, "w");
  assert_non_null(f);
  fputs(text, f);
  fclose(f);
  assert_int_equal(chmod(path, mode), 0);
}

static void test_refuse_bad_files(void **state) {
  (void)state;
  proto_keypair back;
  cm_err err;
  cm_err_clear(&err);
  assert_int_equal(cm_keyfile_read(path, &back, &err), CM_ERR_KEYFILE); /* missing */
  assert_non_null(strstr(err.msg, "不存在"));
  write_file("not a key\n", 0600);
  assert_int_equal(cm_keyfile_read(path, &back, &err), CM_ERR_KEYFILE);
  unlink(path);
  char big[400];
  memset(big, 'a', sizeof big - 1);
  big[sizeof big - 1] = '\0';
  write_file(big, 0600);
  assert_int_equal(cm_keyfile_read(path, &back, &err), CM_ERR_KEYFILE);
  unlink(path);
  /* a directory in the way */
  assert_int_equal(mkdir(path, 0700), 0);
  assert_int_equal(cm_keyfile_read(path, &back, &err), CM_ERR_KEYFILE);
  rmdir(path);
  /* a directory that does not exist */
  proto_keypair kp;
  assert_int_equal(proto_keypair_generate(&kp), CM_OK);
  assert_int_equal(cm_keyfile_write("/nonexistent-linli/identity.key", &kp, &err), CM_ERR_IO);
  proto_keypair_wipe(&kp);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_write_read, setup, teardown),
      cmocka_unit_test_setup_teardown(test_refuse_loose_mode, setup, teardown),
      cmocka_unit_test_setup_teardown(test_refuse_bad_files, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
