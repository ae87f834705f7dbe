/* people.h - the people of an organisation at the community node: its roster
 * (人员名册: roster.entry), internal rules and service pledge (诚信自律:
 * pledge.set), residents' feedback (群众监督: feedback.recorded) and funding
 * (资金扶持: funding.received).  Names on the roster are sealed to the
 * street hub and to this community, the resident who made a complaint to
 * this community alone (common/personal.h): the node opens its own box to
 * list them.
 *
 * Inputs are strings as typed (NULL or "" = not given).  Refusals are
 * CM_ERR_INVALID / CM_ERR_NOT_FOUND with a Chinese message; nothing is
 * written then. */
#ifndef LINLI_NODE_PEOPLE_H
#define LINLI_NODE_PEOPLE_H

#include <jansson.h>
#include <stdint.h>

#include "../common/buf.h"
#include "../common/rc.h"
#include "node.h"

/* One member joining the roster (roster add). */
typedef struct node_roster_input {
  const char *org;
  const char *name;           /* required */
  const char *role;           /* optional: 负责人, 队员 ... */
  const char *party_member;   /* yes | no (default no) */
  const char *home_community; /* optional: a party member's own community */
  const char *joined;         /* YYYY-MM-DD, default today */
  const char *leader;         /* yes | no (default no): the organisation's leader */
  const char *reason;         /* required with leader yes: why the leader changes */
} node_roster_input;

/* Add a member; *member_out gets the member's number within the organisation.
 * A new leader replaces the one before (who stays a member) and, when the
 * name differs from the filing's, amends the filing's leader in the same
 * transaction: the leader's name is the one name that goes above the street.
 * CM_ERR_INVALID when the street hub's key is not yet known (sync once, or
 * init with --hub-key): the names are sealed to it. */
cm_rc node_roster_add(node_ctx *ctx, const node_roster_input *in, int64_t *member_out, cm_err *err);

/* Member number member leaves the roster on left (default today). */
cm_rc node_roster_leave(node_ctx *ctx, const char *org, const char *member, const char *left,
                        cm_err *err);

/* The roster of org: [{"member", "name", "role", "party_member", "home_community",
 * "leader", "joined", "left", "reason", "current"}] by member number (the
 * newest entry of each member).  New reference in *out. */
cm_rc node_roster_list(node_ctx *ctx, const char *org, json_t **out, cm_err *err);

/* The roster of org as CSV with Chinese headers (for the organisation
 * itself), appended to out. */
cm_rc node_roster_csv(node_ctx *ctx, const char *org, cm_buf *out, cm_err *err);
/* The same rows as an Excel workbook (common/xlsx.h), built in a temporary
 * file in dir. */
cm_rc node_roster_xlsx(node_ctx *ctx, const char *org, const char *dir, cm_buf *out,
                       cm_err *err);



/* Set org's internal rules (optional) and service pledge (required). */
cm_rc node_pledge_set(node_ctx *ctx, const char *org, const char *rules, const char *pledge,
                      cm_err *err);

/* The newest pledge of org ({"rules", "pledge", "time_ms", ...}) or NULL. */
cm_rc node_pledge_get(node_ctx *ctx, const char *org, json_t **out, cm_err *err);

/* Record a resident's complaint or suggestion: type complaint | suggestion,
 * content required, from (who, optional, sealed), received (default today).
 * id_out (NODE_ID_MAX) gets its id "<code>-F0001". */
cm_rc node_feedback_add(node_ctx *ctx, const char *org, const char *type, const char *content,
                        const char *from, const char *received, char *id_out, size_t id_cap,
                        cm_err *err);

/* Move feedback id on: status handled (result required) or reported (to the
 * street; result kept or given).  date: when (default today). */
cm_rc node_feedback_update(node_ctx *ctx, const char *id, const char *status, const char *result,
                           const char *date, cm_err *err);

/* Every feedback in its newest state, "from" opened, "overdue" by today:
 * [{"id", "org", "type", "content", "from", "received", "status", "handled",
 * "result", "overdue"}], oldest first.  org NULL: all. */
cm_rc node_feedback_list(node_ctx *ctx, const char *org, json_t **out, cm_err *err);

/* Record funding: source and amount (yuan) required, year (default this
 * year), purpose and date optional. */
cm_rc node_funding_add(node_ctx *ctx, const char *org, const char *source, const char *amount,
                       const char *purpose, const char *year, const char *date, cm_err *err);

/* Funding of org (NULL: all), oldest first: the bodies with "record". */
cm_rc node_funding_list(node_ctx *ctx, const char *org, json_t **out, cm_err *err);

#endif
