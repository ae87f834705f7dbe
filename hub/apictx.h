/* apictx.h - what every HTTP handler of the hub gets as its ctx (hub_api):
 * the JSON API (hub/api.c) and the pages (hub/web.c) both read it, so it
 * lives apart from both and neither includes the other for it. */
#ifndef LINLI_HUB_APICTX_H
#define LINLI_HUB_APICTX_H

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

#endif
