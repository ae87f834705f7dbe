/* evaluation.h - evaluation and commendation (评比表彰) at a hub.
 *
 * The district opens a yearly round: one evaluation.round entry addressed to
 * each community it holds (the street relays each down like a decision), all
 * carrying the round's id "YYYY-N", year, title and closing date.  A
 * community nominates one of its organisations, or a person of it, with
 * their deeds (evaluation.nominated, written at the node and checked by the
 * domain core at every level: common/records.h).  The street that enrolled
 * the community recommends a nomination to the district
 * (evaluation.recommended, addressed to the community); the district selects
 * a recommended nomination, and the selection is a decision.commend naming
 * the organisation or the person, which reaches the node like every
 * decision.  Everything is read from the signed entries (hub/store.h), so
 * rebuild needs nothing new.
 *
 * A person's name travels in the nomination and the commendation and is
 * shown on the pages of the levels that decide (community, street,
 * district); the summary API carries no names. */
#ifndef LINLI_HUB_EVALUATION_H
#define LINLI_HUB_EVALUATION_H

#include <jansson.h>
#include <stddef.h>

#include "../common/buf.h"
#include "../common/records.h"
#include "hub.h"

/* Open a round (district only) for year (2000 to this year) with a title,
 * nominations accepted until closes ("YYYY-MM-DD", today to a year ahead).
 * round_out (CM_REC_ROUND_MAX) gets its id, *communities_out how many
 * communities it was addressed to.  CM_ERR_PERM at a street, CM_ERR_INVALID
 * for a bad field or when no community is enrolled yet. */
cm_rc hub_eval_open(hub_ctx *ctx, int year, const char *title, const char *closes,
                    const char *operator_name, char round_out[CM_REC_ROUND_MAX],
                    size_t *communities_out, cm_err *err);

/* The district's open rounds reach the communities enrolled after they
 * opened: for each round still taking nominations (not past its closing
 * date, not closed early), one evaluation.round entry to each community not
 * revoked that has none of it yet.  Called before a street's feed is served,
 * so a community enrolled later gets the round at its street's next pull.
 * *n_out gets how many entries were written; CM_OK and nothing at a street. */
cm_rc hub_eval_reach_late(hub_ctx *ctx, size_t *n_out, cm_err *err);

/* The district closes round early: one evaluation.closed entry {round,
 * closed (today), closed_ms (now), reason, by, operator} to each community
 * the round reached (relayed by the street like the round).  From then on a
 * nomination in it written after closed_ms is refused by the domain
 * core at every level, with a Chinese reason naming the date.
 * *communities_out gets how many communities it was addressed to.
 * CM_ERR_PERM at a street; CM_ERR_NOT_FOUND for an unknown round;
 * CM_ERR_EXISTS when closed early already; CM_ERR_INVALID when past its
 * closing date or for a bad field. */
cm_rc hub_eval_close(hub_ctx *ctx, const char *round, const char *reason,
                     const char *operator_name, size_t *communities_out, cm_err *err);

/* A street nominates one of its own street-level organisations, or a person
 * of it (person non-empty), in a round it holds (the copies it relayed):
 * an evaluation.nominated entry in its own log, checked by the domain core
 * like a community's.  The street then recommends it like any other.
 * CM_ERR_PERM at the district; CM_ERR_INVALID with the core's reason.
 * record_out gets its record id. */
cm_rc hub_eval_nominate(hub_ctx *ctx, const char *round, const char *org, const char *person,
                        const char *deeds, char *record_out, size_t record_cap, cm_err *err);

/* The street's own street-level organisations (filing numbers beginning
 * with the first 12 hex digits of its key), for its nomination form:
 * [{"id", "name"}]; empty at the district.  New reference in *out. */
cm_rc hub_eval_own_orgs(hub_ctx *ctx, json_t **out, cm_err *err);

/* The rounds this hub holds, newest first: {"round", "year", "title",
 * "closes", "operator", "time_ms", "communities", "closed" (date closed
 * early, "" if not), "closed_ms", "open" (bool: by today, and not closed
 * early)}.  New reference in *out. */
cm_rc hub_eval_rounds(hub_ctx *ctx, json_t **out, cm_err *err);

/* The nominations that passed the domain core (hub_store_nominations_json's
 * rows plus "status": "nominated" | "recommended" | "commended"), of round
 * (NULL: any) and year (0: any).  New reference in *out. */
cm_rc hub_eval_nominations(hub_ctx *ctx, const char *round, int year, json_t **out, cm_err *err);

/* The street recommends nomination (its record id) with an opinion: an
 * evaluation.recommended entry addressed to the nominating community.
 * CM_ERR_PERM at the district or for a nomination of a community this
 * street did not enrol; CM_ERR_NOT_FOUND for an unknown or refused one;
 * CM_ERR_EXISTS when recommended already.  record_out gets its record id. */
cm_rc hub_eval_recommend(hub_ctx *ctx, const char *nomination, const char *opinion,
                         const char *operator_name, char *record_out, size_t record_cap,
                         cm_err *err);

/* The district selects a recommended nomination: a decision.commend to the
 * nominating community naming the organisation (and the person, when the
 * nomination names one) with round, year, nomination and the organisation's
 * name in its body.  CM_ERR_PERM at a street; CM_ERR_NOT_FOUND; CM_ERR_INVALID
 * when not recommended yet; CM_ERR_EXISTS when selected already. */
cm_rc hub_eval_select(hub_ctx *ctx, const char *nomination, const char *reason,
                      const char *operator_name, char *record_out, size_t record_cap,
                      cm_err *err);

/* The year's commendations from rounds (the annual list), by street,
 * community and organisation: hub_store_commendations_json's rows.  New
 * reference in *out. */
cm_rc hub_eval_commendations(hub_ctx *ctx, int year, json_t **out, cm_err *err);

/* The annual list as a table with Chinese headers: CSV (xlsx 0) or an Excel
 * workbook built in dir (xlsx 1), appended to out. */
cm_rc hub_eval_commendations_file(const json_t *list, int xlsx, const char *dir, cm_buf *out,
                                  cm_err *err);

#endif
