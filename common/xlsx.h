/* xlsx.h - a table as an Excel workbook (.xlsx) of one sheet, written with
 * libxlsxwriter, for every spreadsheet people download beside a CSV (the
 * hub's dashboard tables, a node's roster): the same rows as the CSV. */
#ifndef LINLI_COMMON_XLSX_H
#define LINLI_COMMON_XLSX_H

#include <jansson.h>

#include "buf.h"
#include "rc.h"

/* head (an array of strings, the column words) and rows (arrays of strings,
 * integers, booleans or nulls in the order of head) as a workbook of one
 * sheet named sheet (cut to Excel's 31 characters), appended to out: a bold
 * header row that stays in view, text as text (never a formula), numbers as
 * numbers, columns as wide as their text.  The workbook is built in a
 * temporary file in dir (NULL or "" for the current directory), removed
 * before returning.  CM_ERR_IO when the file cannot be written or read,
 * CM_ERR_TOO_LARGE past out's cap. */
cm_rc cm_xlsx_sheet(const json_t *head, const json_t *rows, const char *sheet, const char *dir,
                    cm_buf *out, cm_err *err);

#endif
