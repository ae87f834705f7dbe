/* rc_http.c - cm_rc to HTTP status (common/rc.h). */
#include "rc.h"

int cm_rc_http_status(cm_rc rc) {
  switch (rc) {
  case CM_OK:
    return 200;
  case CM_ERR_INVALID:
  case CM_ERR_JSON:
    return 400;
  case CM_PROTO_BAD_SIGNATURE:
  case CM_PROTO_STALE_REQUEST:
    return 401;
  case CM_ERR_PERM:
    return 403;
  case CM_ERR_NOT_FOUND:
    return 404;
  case CM_ERR_EXISTS:
  case CM_ERR_CONFLICT:
    return 409;
  case CM_ERR_TOO_LARGE:
    return 413;
  case CM_ERR_BUSY:
    return 503;
  case CM_ERR_DISK_FULL:
    return 507;
  default:
    /* the protocol's codes (100 and up) say the request was malformed */
    return (int)rc >= 100 ? 400 : 500;
  }
}
