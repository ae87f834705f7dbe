/* rules.h - the management plan's checks on organisations, shared by the
 * community node and the street hub: the naming norms (an organisation set up
 * in a community by a district unit or the street: XXX社區XXX工作站; one set up
 * at street level by a district unit: XXX街XXX分會) and a party-member
 * activity station for three or more party members.  Names are compared after
 * folding Traditional characters to Simplified (社區 = 社区, 分會 = 分会); what
 * is stored stays as typed.
 *
 * Moved here from node/rules.c (same behaviour for the community level) so
 * that the street hub applies the node's rules; node/rules.c can switch to
 * these functions and be removed. */
#ifndef LINLI_COMMON_RULES_H
#define LINLI_COMMON_RULES_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

/* Where an organisation is filed. */
typedef enum cm_rules_level {
  CM_RULES_COMMUNITY = 0, /* at a community node */
  CM_RULES_STREET = 1,    /* at the street hub (street-level organisations) */
} cm_rules_level;

/* Copy in to out (cap bytes, NUL-terminated, truncated at a character boundary)
 * with the Traditional characters the checks care about folded to Simplified. */
void cm_rules_fold(const char *in, char *out, size_t cap);

/* 1 when name conforms to the norm for its founding type ("self" or NULL has
 * none) at level: XXX社区XXX工作站 for "district-unit"/"street" in a community;
 * XXX街XXX分会 for "district-unit" at street level. */
int cm_rules_name_ok(const char *name, const char *founded_by, cm_rules_level level);

/* 1 unless there are three or more party members and no station. */
int cm_rules_station_ok(int64_t party_members, int party_station);

/* The flags array of docs/records.md ("name_norm", "party_station") for these
 * values (new reference; NULL when out of memory). */
json_t *cm_rules_flags(const char *name, const char *founded_by, cm_rules_level level,
                       int64_t party_members, int party_station);

/* 1 when deadline ("YYYY-MM-DD") is after today ("YYYY-MM-DD", Asia/Shanghai):
 * a decision with a deadline (a criticism, an inspection to rectify) is only
 * issued with one in the future, else it would be overdue the moment it is
 * taken.  Both dates compare as strings.  The page and the command line ask
 * this one rule. */
int cm_rules_deadline_ok(const char *deadline, const char *today);

/* 1 when an organisation whose one status is org_status ("pending",
 * "accepted", "rejected", "revoked") may be commended: not one whose filing
 * was returned (已退回) or revoked (撤销). */
int cm_rules_commend_ok(const char *org_status);

#endif
