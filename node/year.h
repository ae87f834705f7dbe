/* year.h - the organisation's year at the community node: its annual
 * self-reports (inspection.self entries of this node's log) beside the
 * street's results (decision.inspect entries with a "year" in the inbox). */
#ifndef LINLI_NODE_YEAR_H
#define LINLI_NODE_YEAR_H

#include <jansson.h>

#include "../common/rc.h"
#include "node.h"

/* {"reports": [{"seq", "record", "org", "year", "activities", "members", "joined",
 * "left", "party_members", "funds_received", "funds_used" (fen), "problems",
 * "plans", "opinion", "opinion_text", "time_ms"}...] (newest first),
 * "results": [inbox items of decision.inspect with "year" (node_inbox_list's
 * form, "year" added)...]}.  New reference in *out. */
cm_rc node_inspection_list(node_ctx *ctx, json_t **out, cm_err *err);

/* {"plans": [...], "summaries": [...]}: this node's plan.annual and
 * summary.annual entries (body, "seq", "record", "time_ms"), newest first;
 * org and year (NULL / 0: all) narrow them.  New reference in *out. */
cm_rc node_plan_list(node_ctx *ctx, const char *org, int year, json_t **out, cm_err *err);

/* This node's entries of kind (body, "seq", "record", "time_ms"), newest
 * first.  New reference in *out. */
cm_rc node_year_entries(node_ctx *ctx, const char *kind, json_t **out, cm_err *err);

#endif
