/* warnings.h - what a reviewer should look at twice: values inside the domain
 * core's bounds (common/records.h) that still look wrong.  What breaks a bound
 * is refused by the domain core; these are only shown, beside the record, in
 * the street's batch review and on the record's page, at the node and at the
 * hubs alike:
 *   "blank"      a text field that is empty or only spaces after trimming
 *                (a required one) or given but only spaces (an optional one);
 *   "duplicate"  an organisation's name equal to another one's in the street,
 *                Traditional characters folded to Simplified and spaces ignored;
 *   "ratio"      participants that do not fit the activities (50 activities
 *                with 3 participants, participants without any activity, or
 *                more than CM_WARN_PER_ACTIVITY_MAX per activity);
 *   "phone"      a phone that is not a Chinese mobile or landline number. */
#ifndef LINLI_COMMON_WARNINGS_H
#define LINLI_COMMON_WARNINGS_H

#include <jansson.h>
#include <stddef.h>

#define CM_WARN_PER_ACTIVITY_MAX 2000 /* participants per activity above this look mistyped */

/* The other organisations of the street the duplicate check compares with:
 * n pairs of filing number and name (either may be NULL when there are none).
 * folded: the names are cm_warn_fold_name's already (cm_warn_fold_dup), so
 * that a street of thousands is folded once, not once per record checked. */
typedef struct cm_warn_names {
  const char *const *ids;
  const char *const *names;
  size_t n;
  int folded;
} cm_warn_names;

/* The warnings of one record of kind ("org.filed", "org.amended",
 * "report.monthly", "activity.declared", "rectification.filed",
 * "org.dissolved"; other kinds have none) with body as docs/records.md (an
 * org.amended's fields are in "changes"; an organisation row with the same
 * keys as org.filed is read alike).  names may be NULL (no duplicate check).
 * A new array of {"code": "blank"|"duplicate"|"ratio"|"phone", "field": key}
 * (empty when nothing looks wrong); NULL only when out of memory. */
json_t *cm_warn_body(const char *kind, const json_t *body, const cm_warn_names *names);

/* 1 when phone (spaces, hyphens and brackets ignored) is a Chinese mobile
 * (1[3-9] and 9 digits, +86 allowed), a landline with its area code (0 and 9
 * to 11 digits), a local number (7 or 8 digits) or a 400/800 service number. */
int cm_warn_phone_ok(const char *phone);

/* 1 when s is empty or only ASCII spaces, tabs, newlines and ideographic
 * spaces (U+3000). */
int cm_warn_blank(const char *s);

/* name folded for comparison into out (cap bytes): Traditional characters to
 * Simplified (cm_i18n_simplify) and every space left out. */
void cm_warn_fold_name(const char *name, char *out, size_t cap);

/* name folded as cm_warn_fold_name does, in a new string (free it); NULL
 * when out of memory. */
char *cm_warn_fold_dup(const char *name);

#endif
