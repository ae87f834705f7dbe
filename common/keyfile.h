/* keyfile.h - DIR/identity.key on disk: written once with mode 0600 (atomically,
 * fsynced), read back refusing a file others can read.  The secret is never
 * printed or logged. */
#ifndef LINLI_COMMON_KEYFILE_H
#define LINLI_COMMON_KEYFILE_H

#include "../protocol/keys.h"
#include "rc.h"

/* Create path with mode 0600 holding kp; CM_ERR_EXISTS if it exists. */
cm_rc cm_keyfile_write(const char *path, const proto_keypair *kp, cm_err *err);

/* Read path; CM_ERR_KEYFILE if missing, malformed, or readable by group/others. */
cm_rc cm_keyfile_read(const char *path, proto_keypair *kp_out, cm_err *err);

#endif
