/* api.h - the hub's HTTP API (docs/api.md, docs/protocol.md "HTTP exchange"):
 * one static route table with the help text next to each handler.  The
 * handlers translate HTTP to the hub's modules (ingest, store, hublog, summary)
 * and their cm_rc answers back to status codes. */
#ifndef LINLI_HUB_API_H
#define LINLI_HUB_API_H

#include <stddef.h>

#include "../common/http_server.h"
#include "apictx.h"
#include "forward.h"
#include "hub.h"


/* The route table (static storage) and its length. */
const cm_http_route *hub_api_routes(size_t *n_out);

#endif
