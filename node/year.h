/* year.h - the organisation's year at the community node: its annual
 * self-reports (inspection.self entries of this node's log) beside the
 * street's results (decision.inspect entries with a "year" in the inbox). */
#ifndef LINLI_NODE_YEAR_H
#define LINLI_NODE_YEAR_H

#include <jansson.h>

#include "../common/rc.h"
#include "node.h"
#include "records.h"

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
/* The trainings (培训) that name this community's organisations: the
 * training.recorded entries the street or the district (relayed by the
 * street, its signature verified) addressed to every community, as the inbox
 * keeps them; a training counts once for each organisation of ours it names.
 * org (NULL: every one of ours; else CM_ERR_NOT_FOUND unless it is ours) and
 * year (0: every year) narrow them.  {"year": year or null, "trainings":
 * [{"record", "origin" (street|district), "date", "topic", "organiser",
 * "content", "orgs": [ours it names]}] newest first, "organisations": [{"org",
 * "name", "year", "trainings"}]: per organisation and year with one or more,
 * and with a year given every organisation of ours (0 included)}.  New
 * reference in *out. */
cm_rc node_training_list(node_ctx *ctx, const char *org, int year, json_t **out, cm_err *err);

/* The notices in the inbox (notice.sent, from the district relayed by the
 * street or from the street), newest first: [{"notice" (its record id),
 * "title", "text", "scope", "street", "origin", "time", "read", "read_record"}].
 * New reference in *out. */
cm_rc node_notice_list(node_ctx *ctx, json_t **out, cm_err *err);

/* Mark notice read: a notice.read entry (the domain core refuses one not
 * addressed to this community), once; *already_out 1 (and record_out the
 * first reading's record) when it was read before. */
cm_rc node_notice_read(node_ctx *ctx, const char *notice, char record_out[NODE_RECORD_ID_MAX],
                       int *already_out, cm_err *err);

#endif
