/* rows.h - rows of one INSERT statement collected and written together.
 *
 * SQLite spends about as much on starting, stepping and finishing an INSERT
 * as on the row it inserts (opening its cursors, its statement journal,
 * closing them again).  A push of fifty monthly reports ran four such
 * statements per report.  An INSERT with many rows in its VALUES list pays
 * that once for all of them, and inserts its rows in their order, as the
 * same statements one after another would (an upsert's later row sees the
 * earlier ones).
 *
 * A hub_rows holds the rows of one statement shape: a head ending in
 * VALUES, one "(?, ?, ...)" group per row, and an optional tail (an ON
 * CONFLICT clause).  hub_rows_flush writes them in statements of 64, 32,
 * 16, 8, 4, 2 or 1 rows, each size prepared once.  Its owner flushes before
 * anything reads the table, and discards the rows when it rolls back. */
#ifndef LINLI_HUB_ROWS_H
#define LINLI_HUB_ROWS_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

typedef struct hub_rows hub_rows;

/* Rows of `cols` values for "head (?, ...), (?, ...) tail"; NULL when out
 * of memory.  head and tail are kept by address (string literals). */
hub_rows *hub_rows_new(sqlite3 *db, const char *head, int cols, const char *tail);
void hub_rows_free(hub_rows *r);

/* Rows the statement with tail (a DO NOTHING upsert) left out, because a
 * row of their key was there, are then written by the same rows again with
 * this tail (kept by address): a DO UPDATE upsert, which SQLite runs with a
 * statement journal (a copy of every page it changes) and DO NOTHING without
 * one.  Its WHERE must leave a row as it is when it meets itself, as the rows
 * just inserted are met again.  After a flush that needed it, the next are
 * written with this tail alone (every eighth tries the first again). */
void hub_rows_again(hub_rows *r, const char *tail);

/* Rows collected and not yet written, and the bytes of their blobs and
 * texts. */
size_t hub_rows_count(const hub_rows *r);
size_t hub_rows_bytes(const hub_rows *r);

/* A row's next value, in column order.  Blobs and texts are copied (a
 * caller's row may be gone before the rows are written: `rebuild` reads
 * its entries from a statement); a blob given with hub_rows_blob_owned is
 * taken as it is and freed once written or discarded (also when adding it
 * fails).  0, or SQLITE_NOMEM (the row is then incomplete: discard the
 * rows). */
int hub_rows_int(hub_rows *r, int64_t v);
int hub_rows_null(hub_rows *r);
int hub_rows_blob(hub_rows *r, const void *p, size_t n);
int hub_rows_blob_owned(hub_rows *r, void *p, size_t n);
int hub_rows_text(hub_rows *r, const char *t);

/* Write the collected rows (whole rows only) and forget them: SQLITE_OK or
 * the failing statement's result code (the rows are forgotten either way;
 * statements already run are the caller's to roll back).  *changed (when
 * not NULL): the rows the statements inserted or changed (sqlite3_changes),
 * fewer than given when a DO NOTHING upsert skipped some (and no
 * hub_rows_again changed them). */
int hub_rows_flush(hub_rows *r, int64_t *changed);

/* Forget the collected rows without writing them. */
void hub_rows_discard(hub_rows *r);

#endif
