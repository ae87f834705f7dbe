/* common_failpoint.c - LINLI_FAILPOINT=name, name:N and comma lists make the
 * process exit with 137 at the right pass, saying so on stderr. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "common/failpoint.h"

/* Run passes through points in a child with LINLI_FAILPOINT=spec; returns the
 * exit status and how many points it passed (reported through a pipe). */
static int run_child(const char *spec, const char *const *points, int n, int *passed_out,
                     char *stderr_out, size_t cap) {
  int out[2], errp[2];
  if (pipe(out) != 0 || pipe(errp) != 0) return -1;
  pid_t pid = fork();
  if (pid < 0) return -1;
  if (pid == 0) {
    close(out[0]);
    close(errp[0]);
    dup2(errp[1], STDERR_FILENO);
    setenv("LINLI_FAILPOINT", spec, 1);
    for (int i = 0; i < n; i++) {
      CM_FAILPOINT(points[i]);
      unsigned char c = (unsigned char)(i + 1);
      if (write(out[1], &c, 1) != 1) _exit(2);
    }
    _exit(0);
  }
  close(out[1]);
  close(errp[1]);
  unsigned char c = 0;
  int passed = 0;
  while (read(out[0], &c, 1) == 1)
    passed = c;
  ssize_t r = read(errp[0], stderr_out, cap - 1);
  stderr_out[r > 0 ? r : 0] = '\0';
  close(out[0]);
  close(errp[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  *passed_out = passed;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void test_failpoints(void **state) {
  (void)state;
#ifdef LINLI_FAILPOINTS
  static const char *const seq[] = {"a", "b", "a", "b", "c"};
  char msg[256];
  int passed = 0;
  assert_int_equal(run_child("b", seq, 5, &passed, msg, sizeof msg), 137);
  assert_int_equal(passed, 1);
  assert_string_equal(msg, "failpoint b fired\n");
  assert_int_equal(run_child("b:2", seq, 5, &passed, msg, sizeof msg), 137);
  assert_int_equal(passed, 3);
  assert_int_equal(run_child("x,c", seq, 5, &passed, msg, sizeof msg), 137);
  assert_int_equal(passed, 4);
  assert_string_equal(msg, "failpoint c fired\n");
  assert_int_equal(run_child("a:3,zz", seq, 5, &passed, msg, sizeof msg), 0);
  assert_int_equal(passed, 5);
  assert_int_equal(run_child("", seq, 5, &passed, msg, sizeof msg), 0);
  assert_int_equal(run_child("b:0,:2,a:x", seq, 5, &passed, msg, sizeof msg), 0);
  assert_int_equal(passed, 5);
#else
  skip();
#endif
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_failpoints),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
