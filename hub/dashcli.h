/* dashcli.h - a dashboard answer (hub/dashboard.h) at the command line: its
 * tables printed as people read them on the page (column words and value
 * words from common/i18n through hub/table.h, money in yuan), or one table
 * written as the same CSV or Excel file the page's links give. */
#ifndef LINLI_HUB_DASHCLI_H
#define LINLI_HUB_DASHCLI_H

#include <jansson.h>

#include "../common/rc.h"

/* Print tables `tables` (NULL-terminated names) of answer j to stdout, in
 * Chinese: per table a line with its title, a line of column words, then one
 * line per row, cells separated by tabs; "无" for an empty table.  Text from
 * below goes through common/term.h.  CM_ERR_NOT_FOUND when j has no such
 * table, CM_ERR_NOMEM. */
cm_rc hub_dashcli_print(const json_t *j, const char *const *tables, cm_err *err);

/* Table `table` of answer j written to path: CSV (UTF-8 with a byte order
 * mark, Chinese headers), or an Excel workbook when xlsx (built in a
 * temporary file in dir).  CM_ERR_NOT_FOUND for no such table, CM_ERR_IO when
 * path cannot be written. */
cm_rc hub_dashcli_write(const json_t *j, const char *table, int xlsx, const char *dir,
                        const char *path, cm_err *err);

#endif
