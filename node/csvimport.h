/* csvimport.h - `import reports FILE.csv`: monthly reports back-filled from a
 * spreadsheet, all or nothing in one transaction. */
#ifndef LINLI_NODE_CSVIMPORT_H
#define LINLI_NODE_CSVIMPORT_H

#include <stddef.h>
#include <stdint.h>

#include "../common/rc.h"
#include "node.h"

#define NODE_CSV_MAX_BYTES (64u << 20) /* refuse larger files */
#define NODE_CSV_MAX_ROWS 200000u

/* Import the CSV text buf[0..len): UTF-8 with or without a BOM, header row
 * org,month,activities,participants,party_participants,content,scope,good_deeds
 * (RFC 4180 quoting).  Every row is validated as `report monthly` would; the
 * first bad row refuses the whole file with "第N行 / line N: ..." in err and
 * nothing is written.  *n_out gets the number of reports written. */
cm_rc node_import_reports_buf(node_ctx *ctx, const char *buf, size_t len, size_t *n_out,
                              cm_err *err);

/* Read path and import it as above. */
cm_rc node_import_reports(node_ctx *ctx, const char *path, size_t *n_out, cm_err *err);

#endif
