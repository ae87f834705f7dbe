/* apictx.h - what every HTTP handler of the hub gets as its ctx (hub_api):
 * the JSON API (hub/api.c) and the pages (hub/web.c) both read it, so it
 * lives apart from both and neither includes the other for it. */
#ifndef LINLI_HUB_APICTX_H
#define LINLI_HUB_APICTX_H

#include "../common/http_server.h"
#include "hub.h"

struct hub_forward;
struct hub_web;
struct hub_enrolguard;

/* What every handler gets as its ctx (cm_http_config.ctx).  Borrowed pointers:
 * the server (hub/serve.c) owns both and outlives the HTTP server. */
typedef struct hub_api {
  hub_ctx *hub;    /* shared by the worker threads (hub_* functions lock it) */
  struct hub_forward *fw; /* the street hub's forward loop, woken after new entries; may be NULL */
  struct hub_web *web; /* the operator pages' state (hub/web.h); NULL when not serving pages */
  struct hub_enrolguard *enrol; /* enrolment request rate per address (hub/enrolguard.h); may be NULL */
} hub_api;

/* Check the signed-request headers of req (docs/protocol.md "Signed
 * requests"); on failure the 401 answer is written and the code returned, on
 * success *key_out is the caller.  Defined in api.c; declared here for every
 * handler module that takes signed requests. */
cm_rc hub_api_verify_signed(cm_http_req *req, cm_http_resp *resp,
                            uint8_t key_out[PROTO_KEY_BYTES]);

#endif
