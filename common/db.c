/* db.c - SQLite helpers: open with WAL, migrations by user_version, a
 * transaction helper that always rolls back on failure, and result codes
 * mapped to cm_rc. */
#include "db.h"

#include "log.h"

#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What a SQLite primary result code means, in words staff can act on.
 * SQLite's own messages are English, so they never reach a person: the
 * extended code is printed instead, for whoever looks into the fault. */
static const char *db_words(int primary) {
  switch (primary) {
  case SQLITE_INTERNAL: return "数据库程序内部出错";
  case SQLITE_PERM: return "没有读写数据库文件的权限";
  case SQLITE_ABORT: return "数据库操作被中止";
  case SQLITE_NOMEM: return "内存不足";
  case SQLITE_READONLY: return "数据库文件只能读、不能写";
  case SQLITE_INTERRUPT: return "数据库操作被中断";
  case SQLITE_IOERR: return "读写磁盘出错";
  case SQLITE_CORRUPT: return "数据库文件已损坏";
  case SQLITE_CANTOPEN: return "无法打开数据库文件";
  case SQLITE_PROTOCOL: return "数据库加锁出错";
  case SQLITE_SCHEMA: return "数据库结构在操作中被改变";
  case SQLITE_TOOBIG: return "数据太大";
  case SQLITE_CONSTRAINT: return "记录已存在或不合数据库的规定";
  case SQLITE_MISMATCH: return "数据类型不符";
  case SQLITE_MISUSE: return "程序用错了数据库";
  case SQLITE_NOLFS: return "系统不支持大文件";
  case SQLITE_AUTH: return "没有授权";
  case SQLITE_RANGE: return "参数编号超出范围";
  case SQLITE_NOTADB: return "文件不是数据库";
  default: return "数据库出错";
  }
}

/* Map a SQLite result code to cm_rc with "what：中文说明" in err. */
cm_rc cm_db_check(struct sqlite3 *db, int sqlite_rc, const char *what, cm_err *err) {
  int primary = sqlite_rc & 0xff;
  /* The extended code says more than the primary one (2067 is a UNIQUE
   * constraint, 1555 a primary key); the handle knows it when rc was only
   * the primary code. */
  int code = sqlite_rc;
  if (db && code == primary && (sqlite3_extended_errcode(db) & 0xff) == primary)
    code = sqlite3_extended_errcode(db);
  if (!what) what = "数据库";
  if (primary != SQLITE_OK && primary != SQLITE_ROW && primary != SQLITE_DONE)
    cm_debug("SQLite %d: %s", code, db ? sqlite3_errmsg(db) : sqlite3_errstr(sqlite_rc));
  switch (primary) {
  case SQLITE_OK:
  case SQLITE_ROW:
  case SQLITE_DONE:
    return CM_OK;
  case SQLITE_FULL:
    return cm_errf(err, CM_ERR_DISK_FULL,
                   "%s：磁盘（或数据库大小上限）已满：请腾出磁盘空间后再试（错误码 %d）", what,
                   code);
  case SQLITE_BUSY:
  case SQLITE_LOCKED:
    return cm_errf(err, CM_ERR_BUSY, "%s：另一个进程锁住了数据库，请稍后再试（错误码 %d）",
                   what, code);
  case SQLITE_CONSTRAINT:
    return cm_errf(err, CM_ERR_EXISTS, "%s：%s（错误码 %d）", what, db_words(primary), code);
  case SQLITE_NOMEM:
    return cm_errf(err, CM_ERR_NOMEM, "%s：%s（错误码 %d）", what, db_words(primary), code);
  default:
    return cm_errf(err, CM_ERR_DB, "%s：%s（错误码 %d）", what, db_words(primary), code);
  }
}

/* Run parameterless SQL (possibly several statements). */
cm_rc cm_db_exec(struct sqlite3 *db, const char *sql, cm_err *err) {
  /* sqlite3_exec's own message is English: the code says the rest. */
  int r = sqlite3_exec(db, sql, NULL, NULL, NULL);
  return r == SQLITE_OK ? CM_OK : cm_db_check(db, r, "执行数据库语句", err);
}

/* PRAGMA user_version as an int. */
static cm_rc db_user_version(sqlite3 *db, int *v_out, cm_err *err) {
  sqlite3_stmt *st = NULL;
  cm_rc rc = cm_db_check(db, sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL),
                         "读取数据库结构版本", err);
  if (!rc) {
    int r = sqlite3_step(st);
    if (r == SQLITE_ROW)
      *v_out = sqlite3_column_int(st, 0);
    else
      rc = cm_db_check(db, r == SQLITE_DONE ? SQLITE_ERROR : r, "读取数据库结构版本", err);
  }
  sqlite3_finalize(st);
  return rc;
}

struct migrate_ctx {
  const char *const *migrations;
  int n;
  int target; /* the version this step leads to */
  const char *path;
};

/* One migration step, inside its own transaction.  The version is read
 * again under the write lock so that two processes opening the same new
 * database at once do not both run a step. */
static cm_rc db_migrate_step(sqlite3 *db, void *vctx, cm_err *err) {
  struct migrate_ctx *m = vctx;
  int cur = 0;
  cm_rc rc = db_user_version(db, &cur, err);
  if (rc || cur >= m->target) return rc;
  rc = cm_db_exec(db, m->migrations[m->target - 1], err);
  if (rc) return rc;
  /* PRAGMA takes no bound parameters; the value is our own loop counter,
   * never input. */
  char sql[64];
  snprintf(sql, sizeof sql, "PRAGMA user_version = %d", m->target);
  return cm_db_exec(db, sql, err);
}

/* LINLI_MAX_PAGE_COUNT=N caps the database at N pages, so that the fault tests
 * can fill the "disk" (SQLITE_FULL) without a small filesystem.  Anything but
 * a plain positive number is ignored: a typo must not stop a production hub. */
static cm_rc db_limit_pages(sqlite3 *db, cm_err *err) {
  const char *env = getenv("LINLI_MAX_PAGE_COUNT");
  if (!env || !*env) return CM_OK;
  char *end = NULL;
  unsigned long long n = strtoull(env, &end, 10);
  if (!end || *end || n == 0 || n > 0x7fffffffull) return CM_OK;
  char sql[64];
  snprintf(sql, sizeof sql, "PRAGMA max_page_count = %llu", n);
  return cm_db_exec(db, sql, err);
}

/* Open path, set the pragmas, run pending migrations. */
cm_rc cm_db_open(const char *path, const char *const *migrations, int n_migrations,
                 struct sqlite3 **db_out, cm_err *err) {
  return cm_db_open_sized(path, 0, migrations, n_migrations, db_out, err);
}

/* Once per process, before SQLite starts: no memory statistics (linli reads
 * none), whose global mutex every SQLite allocation would otherwise take; and
 * statement journals kept in memory.  A statement journal holds the original
 * of each page a savepoint changes, so that the savepoint can roll back; by
 * default it spills to a temporary file past 64 KiB, and a hub's push (one
 * savepoint in a group commit) then wrote every page it changed a third time,
 * to /var/tmp, besides the log and the checkpoint.  In memory it is bounded by
 * the pages one push or one statement changes, and emptied when it ends; the
 * durable log is unaffected. */
static pthread_once_t db_once = PTHREAD_ONCE_INIT;
static void db_configure(void) {
  sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
  sqlite3_config(SQLITE_CONFIG_STMTJRNL_SPILL, -1);
}

static cm_rc db_open(const char *path, int page_size, int mutex_flag,
                     const char *const *migrations, int n_migrations, struct sqlite3 **db_out,
                     cm_err *err);

cm_rc cm_db_open_sized(const char *path, int page_size, const char *const *migrations,
                       int n_migrations, struct sqlite3 **db_out, cm_err *err) {
  return db_open(path, page_size, SQLITE_OPEN_FULLMUTEX, migrations, n_migrations, db_out, err);
}

cm_rc cm_db_open_serialised(const char *path, int page_size, const char *const *migrations,
                            int n_migrations, struct sqlite3 **db_out, cm_err *err) {
  return db_open(path, page_size, SQLITE_OPEN_NOMUTEX, migrations, n_migrations, db_out, err);
}

static cm_rc db_open(const char *path, int page_size, int mutex_flag,
                     const char *const *migrations, int n_migrations, struct sqlite3 **db_out,
                     cm_err *err) {
  sqlite3 *db = NULL;
  cm_rc rc = CM_OK;
  int version = 0;

  if (db_out) *db_out = NULL;
  if (!path || !db_out || n_migrations < 0 || (n_migrations && !migrations) ||
      (page_size && (page_size < 512 || page_size > 65536 || (page_size & (page_size - 1)))))
    return cm_errf(err, CM_ERR_INVALID, "打开数据库：参数不对");
  pthread_once(&db_once, db_configure);
  int r = sqlite3_open_v2(path, &db,
                          SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | mutex_flag, NULL);
  if (r != SQLITE_OK) {
    char what[600];
    snprintf(what, sizeof what, "无法打开数据库 %.500s", path);
    rc = cm_db_check(db, r, what, err);
    goto out;
  }
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_timeout(db, CM_DB_BUSY_TIMEOUT_MS);
  if (page_size) {
    /* Before the first write (journal_mode=WAL writes the header); SQLite
     * ignores it for a database that already exists.  The value is checked
     * above, so printing it into the statement is safe. */
    char sql[48];
    snprintf(sql, sizeof sql, "PRAGMA page_size = %d", page_size);
    rc = cm_db_exec(db, sql, err);
    if (rc) goto out;
  }
  rc = cm_db_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;",
                  err);
  if (rc) goto out;
  rc = db_limit_pages(db, err);
  if (rc) goto out;
  rc = db_user_version(db, &version, err);
  if (rc) goto out;
  if (version > n_migrations) {
    rc = cm_errf(err, CM_ERR_UNSUPPORTED,
                 "数据库 %s 的结构版本是 %d，本程序只认识到 %d：它是较新版本的 linli 写的，请升级本程序",
                 path, version, n_migrations);
    goto out;
  }
  /* A database that held data says so before it changes shape: a step that
   * rewrites a table takes seconds at a city (tens of millions of rows). */
  if (version > 0 && version < n_migrations)
    cm_info("正在升级数据库 %s（结构版本 %d → %d），数据多时要几十秒，请勿中断", path, version,
            n_migrations);
  for (int v = version; v < n_migrations; v++) {
    struct migrate_ctx m = {migrations, n_migrations, v + 1, path};
    rc = cm_db_tx(db, db_migrate_step, &m, err);
    if (rc) {
      if (err) {
        char inner[400];
        snprintf(inner, sizeof inner, "%.399s", err->msg);
        cm_errf(err, rc, "把 %s 升级到结构版本 %d：%s", path, v + 1, inner);
      }
      goto out;
    }
  }
out:
  if (rc) {
    sqlite3_close_v2(db);
    db = NULL;
  }
  *db_out = db;
  return rc;
}

/* Close; NULL is fine.  close_v2 defers until statements are finalized, so a
 * leaked statement cannot make this fail. */
void cm_db_close(struct sqlite3 *db) {
  if (db) sqlite3_close_v2(db);
}

/* BEGIN IMMEDIATE; fn; COMMIT, else ROLLBACK.  Inside an open transaction it
 * nests as a savepoint, so helpers can use it without knowing their caller. */
cm_rc cm_db_tx(struct sqlite3 *db, cm_db_tx_fn fn, void *ctx, cm_err *err) {
  cm_rc rc = CM_OK;
  int open = 0;

  if (!db || !fn) return cm_errf(err, CM_ERR_INVALID, "数据库事务：参数不对");
  int nested = !sqlite3_get_autocommit(db);
  rc = cm_db_exec(db, nested ? "SAVEPOINT cm_tx" : "BEGIN IMMEDIATE", err);
  if (rc) goto out;
  open = 1;
  rc = fn(db, ctx, err);
  if (rc) goto out;
  rc = cm_db_exec(db, nested ? "RELEASE cm_tx" : "COMMIT", err);
  if (!rc) open = 0;
out:
  if (open) {
    /* Keep fn's message: it says what failed; the rollback is just cleanup.
     * SQLite may have rolled back already (SQLITE_FULL does), so check. */
    if (nested)
      sqlite3_exec(db, "ROLLBACK TO cm_tx; RELEASE cm_tx", NULL, NULL, NULL);
    else if (!sqlite3_get_autocommit(db))
      sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
  }
  return rc;
}

/* Copy src whole into dest with SQLite's online backup API: one step of -1
 * pages reads every page inside one read transaction, so the copy is the
 * database as of one commit while writers in other connections go on (WAL). */
static cm_rc db_backup_all(sqlite3 *src, sqlite3 *dest, const char *what, cm_err *err) {
  sqlite3_backup *b = sqlite3_backup_init(dest, "main", src, "main");
  if (!b) return cm_db_check(dest, sqlite3_errcode(dest), what, err);
  int r;
  /* BUSY/LOCKED: a writer held the source briefly; the busy timeout covers
   * most of it, a few retries the rest. */
  for (int tries = 0; tries < 100; tries++) {
    r = sqlite3_backup_step(b, -1);
    if (r != SQLITE_BUSY && r != SQLITE_LOCKED) break;
    sqlite3_sleep(100);
  }
  int fin = sqlite3_backup_finish(b);
  if (r != SQLITE_DONE) return cm_db_check(dest, r == SQLITE_OK ? SQLITE_ERROR : r, what, err);
  return cm_db_check(dest, fin, what, err);
}

cm_rc cm_db_backup_to(struct sqlite3 *src, const char *dest_path, cm_err *err) {
  sqlite3 *dest = NULL;
  cm_rc rc = CM_OK;
  int r = sqlite3_open_v2(dest_path, &dest, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
  if (r != SQLITE_OK) {
    rc = cm_errf(err, CM_ERR_IO, "无法创建 %s：%s", dest_path,
                 db_words(dest ? sqlite3_errcode(dest) & 0xff : SQLITE_NOMEM));
    goto out;
  }
  sqlite3_busy_timeout(dest, CM_DB_BUSY_TIMEOUT_MS);
  rc = db_backup_all(src, dest, "在线备份", err);
  /* The copy is one file: no -wal beside it once closed.  synchronous=FULL
   * makes the checkpoint durable before the caller renames it into place. */
  if (!rc) rc = cm_db_exec(dest, "PRAGMA synchronous=FULL; PRAGMA journal_mode=DELETE;", err);
out:
  if (dest) sqlite3_close_v2(dest);
  return rc;
}

cm_rc cm_db_copy_file(const char *src_path, const char *dest_path, cm_err *err) {
  sqlite3 *src = NULL;
  cm_rc rc = CM_OK;
  int r = sqlite3_open_v2(src_path, &src, SQLITE_OPEN_READONLY, NULL);
  if (r != SQLITE_OK) {
    rc = cm_errf(err, CM_ERR_IO, "无法打开 %s：%s", src_path,
                 db_words(src ? sqlite3_errcode(src) & 0xff : SQLITE_NOMEM));
    goto out;
  }
  sqlite3_busy_timeout(src, CM_DB_BUSY_TIMEOUT_MS);
  /* A file that is not a sound SQLite database is refused before anything
   * is written. */
  sqlite3_stmt *st = NULL;
  rc = cm_db_check(src, sqlite3_prepare_v2(src, "PRAGMA quick_check", -1, &st, NULL),
                   "检查副本", err);
  if (!rc) {
    r = sqlite3_step(st);
    const unsigned char *t = r == SQLITE_ROW ? sqlite3_column_text(st, 0) : NULL;
    if (r != SQLITE_ROW && r != SQLITE_DONE)
      rc = cm_errf(err, CM_ERR_INVALID, "%s 不是可以读取的数据库：%s", src_path,
                   db_words(r & 0xff));
    else if (!t || strcmp((const char *)t, "ok") != 0)
      rc = cm_errf(err, CM_ERR_INVALID, "%s 已损坏：%.200s", src_path, t ? (const char *)t : "");
  }
  sqlite3_finalize(st);
  if (!rc) rc = cm_db_backup_to(src, dest_path, err);
out:
  if (src) sqlite3_close_v2(src);
  return rc;
}

cm_rc cm_db_single_file(const char *path, cm_err *err) {
  sqlite3 *db = NULL;
  cm_rc rc = CM_OK;
  int r = sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL);
  if (r != SQLITE_OK) {
    rc = cm_errf(err, CM_ERR_IO, "无法打开 %s：%s", path, db_words(db ? sqlite3_errcode(db) & 0xff : SQLITE_NOMEM));
    goto out;
  }
  sqlite3_busy_timeout(db, CM_DB_BUSY_TIMEOUT_MS);
  rc = cm_db_exec(db, "PRAGMA synchronous=FULL; PRAGMA journal_mode=DELETE;", err);
out:
  if (db) sqlite3_close_v2(db);
  return rc;
}
