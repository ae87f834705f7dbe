/* attach_fwd.h - the street's files going up to the district in each
 * forward round (docs/api.md "The street hub's forward loop"): for each log,
 * the files named by entries the district has acknowledged, held here and of
 * a heading that travels above the street, pushed as a node pushes them
 * (common/attach_push.h).  Config files.fwd.<author hex> remembers up to
 * which entry every file of that log is settled. */
#ifndef LINLI_HUB_ATTACH_FWD_H
#define LINLI_HUB_ATTACH_FWD_H

#include "../common/attach_push.h"
#include "hub.h"

/* One pass over every log; *sent adds up.  A file not held here yet (its
 * node has not sent it) holds back its log's later files until the next
 * round; a district that refuses a heading (privacy) settles that file.
 * The first other failure is returned after the remaining logs are tried. */
cm_rc hub_attach_forward(hub_ctx *hub, const char *url, const cm_client_opts *opts,
                         cm_att_sent *sent, cm_err *err);

#endif
