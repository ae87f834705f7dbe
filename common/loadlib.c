/* loadlib.c - resolving the functions of a library opened on first use (loadlib.h). */
#include "loadlib.h"

#include <dlfcn.h>
#include <string.h>

int cm_loadlib_sym(void *h, const char *name, void *fp, size_t fp_size) {
  void *p = dlsym(h, name);
  /* ISO C has no conversion from void * to a function pointer; POSIX makes
   * them the same size, and memcpy carries the bits across. */
  if (!p || fp_size != sizeof p) return 0;
  memcpy(fp, &p, sizeof p);
  return 1;
}
