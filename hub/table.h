/* table.h - one table of a dashboard answer as people read it in a
 * spreadsheet, written as CSV or as an Excel workbook (.xlsx) from the same
 * rows, so that the two files always hold the same cells.
 *
 * A dashboard answer (hub/dashboard.h) is a JSON object whose arrays of flat
 * objects are its tables.  hub_table_from picks one of them and, for people,
 * turns its keys into column words (common/i18n "col.TABLE.KEY", else
 * "col.KEY") and its machine values into words: yes/no, enum words, a record
 * id as "社区 第N条", an ISO time as "2026-12-03 23:40".  Numbers stay numbers
 * (an Excel cell of type number). */
#ifndef LINLI_HUB_TABLE_H
#define LINLI_HUB_TABLE_H

#include <jansson.h>

#include "../common/buf.h"
#include "../common/i18n.h"
#include "../common/rc.h"

/* Columns and rows of one table: head[i] is column i's word (or key), each
 * row an array of strings, integers or nulls in the order of head. */
typedef struct hub_table {
  json_t *head; /* array of strings */
  json_t *rows; /* array of arrays */
} hub_table;

/* The name of table `table` in lang, for a file, a sheet or a heading:
 * "tbl.TABLE", else "col.TABLE", else table itself. */
const char *hub_table_title(cm_lang lang, const char *table);

/* Table `name` of answer j into *out (which the caller frees with
 * hub_table_free).  words: 1 for people (column words and value words in
 * lang), 0 for the keys and values as the API has them.  The columns are the
 * first row's keys.  CM_ERR_NOT_FOUND when j has no such table, CM_ERR_NOMEM. */
cm_rc hub_table_from(const json_t *j, const char *name, cm_lang lang, int words, hub_table *out,
                     cm_err *err);

/* Release what hub_table_from made; a zeroed table is fine. */
void hub_table_free(hub_table *t);

/* The table as CSV appended to out: UTF-8 with a byte order mark, CRLF lines,
 * fields quoted when needed, and a leading ' before text that a spreadsheet
 * would read as a formula.  CM_ERR_TOO_LARGE past out's cap. */
cm_rc hub_table_csv(const hub_table *t, cm_buf *out, cm_err *err);

/* The table as an Excel workbook of one sheet named sheet (cut to Excel's 31
 * characters), appended to out: a bold header row that stays in view, text
 * as text (never a formula), numbers as numbers, columns as wide as their
 * text.  The workbook is built in a temporary file in dir, which is removed
 * before returning.  CM_ERR_IO when the file cannot be written or read,
 * CM_ERR_TOO_LARGE past out's cap. */
cm_rc hub_table_xlsx(const hub_table *t, const char *sheet, const char *dir, cm_buf *out,
                     cm_err *err);

#endif
