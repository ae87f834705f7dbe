/* web.h - the staff's web page (`linli-node serve`), implemented in web.c. */
#ifndef LINLI_NODE_WEB_H
#define LINLI_NODE_WEB_H

#include "../common/rc.h"

/* Serve the node in DIR on listen ("127.0.0.1:8080"; port 0 picks a free one)
 * with the background sync loop, in the foreground until SIGINT/SIGTERM.
 * Prints "http://127.0.0.1:PORT/" alone as the first stdout line once listening.
 * A listen address outside loopback is CM_ERR_INVALID unless allow_remote;
 * with allow_remote every page needs the staff password (node/staff.h), and a
 * node without one is CM_ERR_NOT_FOUND. */
cm_rc node_web_serve(const char *dir, const char *listen, int allow_remote, cm_err *err);

#endif
