/* orgs_local.h - street-level organisations (issue 5): organisations set up at
 * street level by a district unit (named XXX街XXX分會) are filed, report monthly
 * and declare major activities at the street hub itself, as entries in the
 * street hub's own log with the same kinds and bodies a community node writes
 * (docs/records.md), checked by the same rules (common/rules.h).  They count
 * as accepted at once: the street is their reviewing level.  A street hub
 * only (CM_ERR_PERM at the district). */
#ifndef LINLI_HUB_ORGS_LOCAL_H
#define LINLI_HUB_ORGS_LOCAL_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "../common/rc.h"
#include "hub.h"

#define HUB_LOCAL_ID_MAX 64 /* bytes of a filing or activity number, NUL included */

/* A filing.  id NULL = the next "<first 12 hex digits of the hub key>-NNNN"
 * (one given must begin with them); founded_by NULL = "district-unit"; filed
 * NULL = today; name, category, leader, phone, members and party_members
 * (a count < 0: not given) are required, checked by the domain core as a
 * community's filing is (common/records.h); scope and venue NULL = "".  party_members 3 or more without a station and a name off the norm are
 * flagged, not refused. */
typedef struct hub_local_org {
  const char *id, *name, *category, *leader, *phone, *founded_by, *scope, *venue, *filed;
  int64_t members, party_members;
  int party_station;
  /* codes of the district's industry and supervising-unit lists (NULL or "":
   * none); each must be in its published list */
  const char *industry, *unit;
} hub_local_org;

/* Append org.filed; id_out (HUB_LOCAL_ID_MAX bytes) gets the filing number,
 * *flags_out (may be NULL) the flags (new reference). */
cm_rc hub_local_org_file(hub_ctx *ctx, const hub_local_org *o, char *id_out, json_t **flags_out,
                         uint64_t *seq_out, cm_err *err);

/* Amend organisation c->id: the text fields given (non-NULL), members and
 * party_members when >= 0, party_station when >= 0; flags recomputed on the
 * amended organisation.  CM_ERR_NOT_FOUND unless it is ours and not
 * dissolved; the domain core's bounds as for a filing. */
cm_rc hub_local_org_amend(hub_ctx *ctx, const hub_local_org *c, uint64_t *seq_out, cm_err *err);

/* Dissolve organisation id of ours with reason (required). */
cm_rc hub_local_org_dissolve(hub_ctx *ctx, const char *id, const char *reason,
                             uint64_t *seq_out, cm_err *err);

/* The street's rectification of one of its own organisations criticised
 * (decision: the criticism's record id): a rectification.filed entry and its
 * rectification.accepted, which closes the criticism.  CM_ERR_NOT_FOUND
 * unless decision is an open criticism of org held here. */
cm_rc hub_local_rectify(hub_ctx *ctx, const char *org, const char *decision, const char *content,
                        const char *operator_name, uint64_t *seq_out, cm_err *err);

/* A monthly report of one of our organisations (month "YYYY-MM"). */
typedef struct hub_local_report {
  const char *org, *month, *content, *scope, *good_deeds;
  int64_t activities, participants, party_participants;
} hub_local_report;

/* Append report.monthly (a second one for the same month is a correction).
 * CM_ERR_NOT_FOUND when org is not a street-level organisation here. */
cm_rc hub_local_report_monthly(hub_ctx *ctx, const hub_local_report *r, uint64_t *seq_out,
                               cm_err *err);

/* A major activity of one of our organisations; id NULL = the next
 * "<12 hex>-A0001". */
typedef struct hub_local_activity {
  const char *id, *org, *date, *title, *place, *description;
  int64_t expected;
} hub_local_activity;

/* Append activity.declared; refused (CM_ERR_INVALID) unless date is today
 * or later, at most CM_REC_AHEAD_DAYS ahead (Asia/Shanghai): the plan asks for
 * a declaration before the day.  Every filing, report and declaration passes
 * the domain core's checks (common/records.h): the same required fields and
 * bounds as a community's; ids begin with the first 12 hex digits of the
 * street's key. */
cm_rc hub_local_activity_declare(hub_ctx *ctx, const hub_local_activity *a, char *id_out,
                                 uint64_t *seq_out, cm_err *err);

/* A party-member activity station (党员活动站) of one of our organisations:
 * the same fields as a community's registration (docs/records.md,
 * station.registered); date NULL = today; branch and branch_date optional. */
typedef struct hub_local_station {
  const char *org, *name, *leader, *committee, *date, *branch, *branch_date;
  int64_t party_members;
} hub_local_station;

/* Append station.registered, accepted at once (the street is the reviewing
 * level of its own organisations), which clears the organisation's "no
 * station" flag here and at the district.  CM_ERR_PERM at the district,
 * CM_ERR_NOT_FOUND unless org is a street-level organisation here,
 * CM_ERR_INVALID from the domain core's checks. */
cm_rc hub_local_station_register(hub_ctx *ctx, const hub_local_station *s, uint64_t *seq_out,
                                 cm_err *err);

/* The domain core's checks (common/records.h) on an entry of kind with body
 * that this hub is about to write, with the context its projection will use.
 * Caller holds ctx->lock. */
cm_rc hub_local_check(hub_ctx *ctx, const char *kind, const json_t *body, cm_err *err);

/* One entry of kind per community of comms (rows of
 * hub_store_communities_json: "key", "name", "street"...), each a copy of
 * tmpl with "to" set to the community's key and, for each pair in per
 * ({"body field", "row field", ..., NULL}; may be NULL), that field of the
 * row; each passes hub_local_check before it is appended.  The feed carries
 * what is addressed to its reader, and a street relays the district's copies
 * to its own communities: rounds, their early close and notices all reach
 * the communities this way.  Caller holds ctx->lock and a transaction.
 * *n_out (may be NULL) gets how many were appended. */
cm_rc hub_local_fanout_locked(hub_ctx *ctx, const char *kind, const json_t *tmpl,
                              const json_t *comms, const char *const *per, size_t *n_out,
                              cm_err *err);

/* Append kind/body to this hub's log after hub_local_check passes, in one
 * transaction.  *seq_out (may be NULL) gets its sequence. */
cm_rc hub_local_append(hub_ctx *ctx, const char *kind, json_t *body, uint64_t *seq_out,
                       cm_err *err);

#endif
