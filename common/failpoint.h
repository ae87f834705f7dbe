/* failpoint.h - named points where a test can make the process die, at every
 * commit and acknowledgement boundary.  LINLI_FAILPOINT=name (or name:N to fire
 * on the Nth pass) in the environment; the point calls _exit(137) after writing
 * "failpoint NAME fired" to stderr.  Compiled out without LINLI_FAILPOINTS. */
#ifndef LINLI_COMMON_FAILPOINT_H
#define LINLI_COMMON_FAILPOINT_H

#ifdef LINLI_FAILPOINTS
void cm_failpoint(const char *name);
#define CM_FAILPOINT(name) cm_failpoint(name)
#else
#define CM_FAILPOINT(name) ((void)0)
#endif

#endif
