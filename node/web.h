/* web.h - the staff's web page (`linli-node serve`), implemented in web.c. */
#ifndef LINLI_NODE_WEB_H
#define LINLI_NODE_WEB_H

#include "../common/buf.h"
#include "../common/rc.h"
#include "node.h"

/* Serve the node in DIR on listen ("127.0.0.1:8080"; port 0 picks a free one)
 * with the background sync loop, in the foreground until SIGINT/SIGTERM.
 * Prints "http://127.0.0.1:PORT/" alone as the first stdout line once listening.
 * A listen address outside loopback is CM_ERR_INVALID unless allow_remote;
 * with allow_remote every page needs the staff password (node/staff.h), and a
 * node without one is CM_ERR_NOT_FOUND. */
cm_rc node_web_serve(const char *dir, const char *listen, int allow_remote, cm_err *err);

/* The public notice (公示) of organisation id appended to out as a page of
 * its own: the sheet of the staff page /orgs/{id}/notice with the stylesheets
 * inline, no scripts and no links, in Simplified Chinese, for the community
 * to publish (`linli-node org notice`).  CM_ERR_NOT_FOUND for an
 * organisation this node never filed. */
cm_rc node_notice_page(node_ctx *db, const char *id, cm_buf *out, cm_err *e);

#endif
