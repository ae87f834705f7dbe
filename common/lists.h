/* lists.h - the lists the district maintains (区里维护的名录): organisation
 * categories (类别), industries (行业) and supervising units (主管单位, the
 * district's 委办局), each an ordered list of codes with names.  The district
 * publishes a whole list in one list.published entry; it travels down the
 * feed to every street and node (relayed by the street like a district
 * decision).  A published list replaces the one before it of the same kind.
 *
 * This module knows the body of list.published (its bounds, for the domain
 * core), the file an operator publishes from, and how a code is looked up in
 * a list.  Lists are JSON arrays of {"code", "name"} (docs/records.md). */
#ifndef LINLI_COMMON_LISTS_H
#define LINLI_COMMON_LISTS_H

#include <jansson.h>
#include <stddef.h>

#include "rc.h"

#define CM_LIST_ITEMS_MAX 300   /* entries of one list */
#define CM_LIST_CODE_MAX 16     /* bytes of a code: ASCII letters, digits, '-', '_', '.' */
#define CM_LIST_NAME_MAX 120    /* bytes of a name */
#define CM_LIST_BODY_MAX 24576u /* bytes of a list.published body (its relay must fit too) */
#define CM_LIST_FILE_MAX 65536u /* bytes of a file to publish from */

/* The three lists. */
typedef enum cm_list_kind {
  CM_LIST_CATEGORY = 0, /* "category": 组织类别 */
  CM_LIST_INDUSTRY = 1, /* "industry": 行业 */
  CM_LIST_UNIT = 2,     /* "unit": 主管单位 */
  CM_LIST_KINDS = 3,
} cm_list_kind;

/* "category" | "industry" | "unit". */
const char *cm_list_key(cm_list_kind k);

/* Its Chinese name: 组织类别 | 行业 | 主管单位. */
const char *cm_list_label(cm_list_kind k);

/* The kind named key; -1 when key names none. */
int cm_list_kind_of(const char *key);

/* 1 when code is a well-formed code (1..CM_LIST_CODE_MAX bytes of
 * [A-Za-z0-9._-]). */
int cm_list_code_ok(const char *code);

/* The bounds of a list.published body {"list", "items": [{"code","name"}]}:
 * a known list, 1..CM_LIST_ITEMS_MAX items, every code well formed and
 * unique, every name 1..CM_LIST_NAME_MAX bytes and unique.  *kind_out (may
 * be NULL) gets its kind.  CM_ERR_INVALID with a Chinese reason. */
cm_rc cm_list_check(const json_t *body, cm_list_kind *kind_out, cm_err *err);

/* Read the file an operator publishes: UTF-8 text, one item a line
 * "CODE,名称" (a tab or a full-width comma also separates; blank lines and
 * lines starting with '#' skipped).  *items_out is a new array of
 * {"code","name"} in file order (checked as cm_list_check would).
 * CM_ERR_IO, CM_ERR_INVALID (with the line), CM_ERR_NOMEM. */
cm_rc cm_list_read_file(const char *path, json_t **items_out, cm_err *err);

/* The item of items whose code or name is text (a form or a command line
 * may give either), or NULL. */
const json_t *cm_list_find(const json_t *items, const char *text);

/* The name of code in items, or NULL when the list does not hold it. */
const char *cm_list_name(const json_t *items, const char *code);

/* items' codes and names read out of the JSON once, for a reader that asks
 * for thousands of names (the dashboard, once per organisation); the strings
 * stay items'. */
typedef struct cm_list_index {
  size_t n;
  struct cm_list_pair {
    const char *code, *name;
  } *pairs;
} cm_list_index;

/* Index items (NULL or not an array: an empty index).  CM_ERR_NOMEM. */
cm_rc cm_list_index_make(const json_t *items, cm_list_index *out, cm_err *err);

/* cm_list_name, from the index. */
const char *cm_list_index_name(const cm_list_index *ix, const char *code);

void cm_list_index_free(cm_list_index *ix);

#endif
