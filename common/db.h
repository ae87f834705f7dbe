/* db.h - SQLite helpers every store uses: open with WAL and a busy timeout,
 * schema migrations by user_version (Fossil's schema.c), one transaction helper,
 * and SQLite result codes mapped to cm_rc.  Only store modules (and this one)
 * include sqlite3.h. */
#ifndef LINLI_COMMON_DB_H
#define LINLI_COMMON_DB_H

#include "rc.h"

struct sqlite3;

#define CM_DB_BUSY_TIMEOUT_MS 10000

/* Open or create path: journal_mode=WAL, synchronous=FULL, foreign_keys=ON,
 * busy_timeout.  migrations[i] is SQL that takes user_version i to i+1; each
 * pending one runs in its own transaction that also bumps user_version.  A
 * database newer than the program (user_version > n) is refused.
 * On success *db_out is open; on failure it is NULL and err says why. */
cm_rc cm_db_open(const char *path, const char *const *migrations, int n_migrations,
                 struct sqlite3 **db_out, cm_err *err);

/* cm_db_open, and a new database gets pages of page_size bytes (a power of
 * two from 512 to 65536; 0 keeps SQLite's default).  An existing database
 * keeps the page size it was created with. */
cm_rc cm_db_open_sized(const char *path, int page_size, const char *const *migrations,
                       int n_migrations, struct sqlite3 **db_out, cm_err *err);

/* cm_db_open_sized for a connection whose every use (statements, their
 * steps and resets, errors read back) the caller serialises under its own
 * lock: SQLite takes no mutex of its own on it (SQLITE_OPEN_NOMUTEX).  Two
 * threads using it at once is undefined behaviour, not an error. */
cm_rc cm_db_open_serialised(const char *path, int page_size, const char *const *migrations,
                            int n_migrations, struct sqlite3 **db_out, cm_err *err);

/* Close; NULL is fine. */
void cm_db_close(struct sqlite3 *db);

/* Run SQL with no parameters and no results (DDL, pragmas). */
cm_rc cm_db_exec(struct sqlite3 *db, const char *sql, cm_err *err);

/* Map a SQLite result code to cm_rc, writing "what：中文说明（错误码 N）" into err:
 * SQLITE_FULL -> CM_ERR_DISK_FULL, SQLITE_BUSY/LOCKED -> CM_ERR_BUSY,
 * SQLITE_CONSTRAINT -> CM_ERR_EXISTS, anything else -> CM_ERR_DB.
 * SQLITE_OK/ROW/DONE -> CM_OK. */
cm_rc cm_db_check(struct sqlite3 *db, int sqlite_rc, const char *what, cm_err *err);

/* The body of a transaction. */
typedef cm_rc (*cm_db_tx_fn)(struct sqlite3 *db, void *ctx, cm_err *err);

/* BEGIN IMMEDIATE; fn; COMMIT - or ROLLBACK if fn or the commit fails.  The
 * commit is durable (synchronous=FULL) before this returns CM_OK. */
cm_rc cm_db_tx(struct sqlite3 *db, cm_db_tx_fn fn, void *ctx, cm_err *err);

/* Write the whole of src into dest_path (created, or overwritten) with
 * SQLite's online backup API: the database as of one commit, while other
 * connections keep writing.  The copy is left in rollback-journal mode (one
 * file); cm_db_open turns it back to WAL when opened as a store. */
cm_rc cm_db_backup_to(struct sqlite3 *src, const char *dest_path, cm_err *err);

/* Check src_path (PRAGMA quick_check, read-only: the file is not changed) and
 * copy it to dest_path as cm_db_backup_to does.  CM_ERR_INVALID for a file that
 * is not a sound SQLite database. */
cm_rc cm_db_copy_file(const char *src_path, const char *dest_path, cm_err *err);

/* Turn the database at path (nobody else has it open) to rollback-journal
 * mode, so that it is one self-contained file after close. */
cm_rc cm_db_single_file(const char *path, cm_err *err);

#endif
