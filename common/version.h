/* version.h - the release both programs were built from (CMakeLists.txt's
 * project version) and the one `--version` line they print. */
#ifndef LINLI_COMMON_VERSION_H
#define LINLI_COMMON_VERSION_H

#include <stdio.h>

/* The release, e.g. "0.2.0". */
const char *cm_version(void);

/* The wire protocol version: entries, changesets, bundles, receipts and feeds
 * share it today (the headers in protocol/). */
int cm_protocol_version(void);

/* Print "PROGRAM VERSION (protocol P, schema S)" and a newline to f.  schema is
 * the database schema version of the program's store. */
void cm_version_print(FILE *f, const char *program, int schema);

#endif
