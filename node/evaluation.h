/* evaluation.h - evaluation and commendation (评比表彰) at the community node:
 * the rounds the district opened (evaluation.round items of the inbox), this
 * community's nominations (evaluation.nominated entries of its log, written
 * by node_nominate, node/records.h) and what came of each: the street's
 * recommendation (evaluation.recommended) and the district's commendation
 * (decision.commend naming the nomination), both from the inbox. */
#ifndef LINLI_NODE_EVALUATION_H
#define LINLI_NODE_EVALUATION_H

#include <jansson.h>

#include "../common/rc.h"
#include "../common/records.h"
#include "node.h"

/* {"rounds": [{"round", "year", "title", "closes", "open" (bool, by the
 * node's today), "record"}...] newest first, "nominations": [{"record",
 * "round", "org", "person", "deeds", "time_ms", "status": "nominated" |
 * "recommended" | "commended", "opinion" (the street's), "commendation"
 * (its record id or ""), "reason" (the district's)}...] newest first}.
 * New reference in *out. */
cm_rc node_eval_list(node_ctx *ctx, json_t **out, cm_err *err);

#endif
