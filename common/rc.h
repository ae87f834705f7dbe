/* rc.h - the status codes and error context (cm_rc, cm_err) for common/, node/
 * and hub/.  They are defined in protocol/rc.h, the lowest layer, so that
 * protocol/ needs nothing of common/ (docs/decisions/0013). */
#ifndef LINLI_COMMON_RC_H
#define LINLI_COMMON_RC_H

#include "../protocol/rc.h"

/* The one mapping from a status code to the HTTP status that answers it
 * (200 for CM_OK; 400 bad input or protocol, 401 signature/time, 403
 * permission, 404, 409 exists/conflict, 413 too large, 503 busy, 507 disk
 * full, 500 anything else).  Every HTTP answer of the hub uses it. */
int cm_rc_http_status(cm_rc rc);

#endif
