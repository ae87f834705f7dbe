/* loadlib.h - libraries loaded by their first caller instead of being linked.
 *
 * A linked library is mapped and relocated at every start of every command,
 * whether or not the command uses it.  libcurl (http_client.c), libxlsxwriter
 * (xlsx.c) and libmicrohttpd (http_server.c) are opened with dlopen on first
 * use instead, by the SONAME the build found (CMakeLists.txt, linli_soname),
 * and their functions resolved into a table of pointers. */
#ifndef LINLI_COMMON_LOADLIB_H
#define LINLI_COMMON_LOADLIB_H

#include <stddef.h>

/* Resolve the symbol name of the dlopen handle h into the function pointer at
 * fp, which is fp_size bytes.  Returns 1, or 0 (fp untouched) when h has no
 * such symbol. */
int cm_loadlib_sym(void *h, const char *name, void *fp, size_t fp_size);

#endif
