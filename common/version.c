/* version.c - the release version, from CMakeLists.txt (LINLI_VERSION is
 * defined for this file alone, so a new version rebuilds one object). */
#include "version.h"

#include "../protocol/bundle.h"
#include "../protocol/changeset.h"
#include "../protocol/entry.h"
#include "../protocol/feed.h"
#include "../protocol/receipt.h"

#ifndef LINLI_VERSION
#error "LINLI_VERSION must come from CMakeLists.txt"
#endif

/* One protocol number stands for all the framed formats while they agree;
 * when one moves on alone, --version must name it. */
_Static_assert(PROTO_ENTRY_VERSION == PROTO_CS_VERSION && PROTO_CS_VERSION == PROTO_BUNDLE_VERSION &&
                   PROTO_BUNDLE_VERSION == PROTO_FEED_VERSION &&
                   PROTO_FEED_VERSION == PROTO_RECEIPT_VERSION,
               "the protocol formats have different versions: print each in --version");

const char *cm_version(void) { return LINLI_VERSION; }

int cm_protocol_version(void) { return PROTO_ENTRY_VERSION; }

void cm_version_print(FILE *f, const char *program, int schema) {
  fprintf(f, "%s %s (protocol %d, schema %d)\n", program, LINLI_VERSION, cm_protocol_version(),
          schema);
}
