/* rc_exit.c - cm_rc to the exit code of linli-node and linli-hub (common/rc.h). */
#include "rc.h"

int cm_rc_exit_code(cm_rc rc) {
  switch (rc) {
  case CM_OK:
    return CM_EXIT_OK;
  case CM_ERR_NETWORK:
  case CM_ERR_HTTP:
  case CM_ERR_CONFLICT: /* a fork or a gap against the other side's chain */
    return CM_EXIT_NETWORK;
  case CM_ERR_PERM:
    return CM_EXIT_PERM;
  case CM_ERR_NOMEM:
  case CM_ERR_IO:
  case CM_ERR_DB:
  case CM_ERR_DISK_FULL:
  case CM_ERR_BUSY:
  case CM_ERR_KEYFILE:
  case CM_ERR_CRYPTO:
  case CM_ERR_UNSUPPORTED:
  case CM_ERR_FAILPOINT:
    return CM_EXIT_STORAGE;
  default:
    /* bad input, not found, exists, too large, and bytes the protocol refused */
    return CM_EXIT_REFUSED;
  }
}
