/* members.h - an organisation's roster as it stands, and the bodies of this
 * node's own entries of a kind, read from the log.  Below the journal (it
 * reads the store only), so the journal's checks can count a roster. */
#ifndef LINLI_NODE_MEMBERS_H
#define LINLI_NODE_MEMBERS_H

#include <jansson.h>
#include <stdint.h>

#include "../common/rc.h"
#include "node.h"

/* The bodies of this node's entries of kind, newest first, each with "seq",
 * "record" and "time_ms" added; org (NULL: any) and year (0: any) narrow them
 * to bodies with that "org" and "year".  A body this version cannot read is
 * skipped.  New reference in *out. */
cm_rc node_log_bodies(node_ctx *ctx, const char *kind, const char *org, int year, json_t **out,
                     cm_err *err);

/* The roster of org now: the newest entry of each member, by member number.
 * New reference in *out. */
cm_rc node_roster_now(node_ctx *ctx, const char *org, json_t **out, cm_err *err);

/* For each organisation of orgs (an array of listings with "id") that has a
 * roster: "members" and "party_members" from it, and "roster": true. */
cm_rc node_roster_apply(node_ctx *ctx, json_t *orgs, cm_err *err);

/* Once org has a roster (*has_out 1), its members and party members. */
cm_rc node_roster_counts(node_ctx *ctx, const char *org, int *has_out, int64_t *members_out,
                         int64_t *party_out, cm_err *err);

#endif
