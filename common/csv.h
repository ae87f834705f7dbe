/* csv.h - one CSV line as spreadsheets read it: fields quoted when needed,
 * doubled quotes, CRLF, and a leading ' before text a spreadsheet would take
 * for a formula.  Used for every CSV a person opens (the hub's tables, a
 * node's roster export). */
#ifndef LINLI_COMMON_CSV_H
#define LINLI_COMMON_CSV_H

#include <jansson.h>

#include "buf.h"
#include "rc.h"

/* UTF-8 byte order mark: Excel reads a CSV that starts with it as UTF-8. */
#define CM_CSV_BOM "\xEF\xBB\xBF"

/* Append the cells of arr (strings, integers, booleans; others empty) as one
 * line ending in CRLF.  CM_ERR_TOO_LARGE when b is full, CM_ERR_NOMEM. */
cm_rc cm_csv_line(cm_buf *b, const json_t *arr);

/* A whole file: the byte order mark, head (skipped when empty) and each of
 * rows as a line; the same head and rows cm_xlsx_sheet writes as Excel.
 * CM_ERR_TOO_LARGE when b is full (err says so), CM_ERR_NOMEM. */
cm_rc cm_csv_table(cm_buf *b, const json_t *head, const json_t *rows, cm_err *err);

#endif
