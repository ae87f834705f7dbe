/* attach_fwd.h - the street's files going up to the district in each
 * forward round (docs/api.md "The street hub's forward loop"): for each log,
 * the files named by entries the district has acknowledged and held here,
 * pushed as a node pushes them (common/attach_push.h); the district answers
 * which headings it does not take, and those stay here.  Config
 * files.fwd.<author hex> remembers up to which entry every file of that log
 * is settled. */
#ifndef LINLI_HUB_ATTACH_FWD_H
#define LINLI_HUB_ATTACH_FWD_H

#include "../common/attach_push.h"
#include "hub.h"

/* One pass over every log; *sent adds up.  A file not held here yet (its
 * node has not sent it) holds back its log's later files until the next
 * round; a file of a heading the district does not take is settled.
 * The first other failure is returned after the remaining logs are tried. */
cm_rc hub_attach_forward(hub_ctx *hub, const char *url, const cm_client_opts *opts,
                         cm_att_sent *sent, cm_err *err);

#endif
