/* rc.h - the status codes and error context (cm_rc, cm_err) for common/, node/
 * and hub/.  They are defined in protocol/rc.h, the lowest layer, so that
 * protocol/ needs nothing of common/ (docs/decisions/0013). */
#ifndef LINLI_COMMON_RC_H
#define LINLI_COMMON_RC_H

#include "../protocol/rc.h"

/* The one mapping from a status code to the HTTP status that answers it
 * (200 for CM_OK; 400 bad input or protocol, 401 signature/time, 403
 * permission, 404, 409 exists/conflict, 413 too large, 503 busy, 507 disk
 * full, 500 anything else).  Every HTTP answer uses it, the hub's API and
 * pages and the node's pages alike: a refused form is 400 (403, 404, 409,
 * 413 as its code says), never a status of its own. */
int cm_rc_http_status(cm_rc rc);

/* The exit codes of linli-node and linli-hub. */
enum cm_exit {
  CM_EXIT_OK = 0,
  CM_EXIT_USAGE = 1,   /* the command line itself is wrong */
  CM_EXIT_REFUSED = 2, /* input refused (bad, not found, exists, too large, bad bytes) */
  CM_EXIT_NETWORK = 3, /* the other side: unreachable, an unexpected answer, a fork or gap */
  CM_EXIT_PERM = 4,    /* not enrolled, revoked, or not allowed */
  CM_EXIT_STORAGE = 5, /* storage, memory, keys or this build */
};

/* The exit codes for people, in Chinese (the --help footer of both programs). */
#define CM_EXIT_HELP                                                                             \
  "退出码：0 成功，1 用法错误，2 输入被拒绝，3 网络问题或与对方的台账冲突，"                     \
  "4 未登记、已撤销或无权操作，5 存储问题。\n"

/* The one mapping from a status code to the exit code of both programs
 * (CM_EXIT_USAGE is only for command-line errors, never a status code). */
int cm_rc_exit_code(cm_rc rc);

#endif
