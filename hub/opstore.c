/* opstore.c - operators.db: accounts, sessions, failed-login counters, audit.
 * Schema as versioned migrations (common/db.h); statements are prepared per
 * call and always bound, never printed. */
#include "opstore.h"

#include <fcntl.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../common/db.h"

static const char *const opstore_migrations[] = {
    /* 0 -> 1: accounts, sessions, failed logins, audit */
    "CREATE TABLE operators ("
    "  id INTEGER PRIMARY KEY,"
    "  name TEXT NOT NULL UNIQUE,"
    "  role TEXT NOT NULL CHECK (role IN ('street','district','viewer')),"
    "  street TEXT NOT NULL DEFAULT '',"
    "  pwhash TEXT NOT NULL,"
    "  disabled INTEGER NOT NULL DEFAULT 0,"
    "  created_ms INTEGER NOT NULL);"
    "CREATE TABLE sessions ("
    "  token_hash BLOB PRIMARY KEY,"
    "  operator_id INTEGER NOT NULL REFERENCES operators(id) ON DELETE CASCADE,"
    "  csrf TEXT NOT NULL,"
    "  created_ms INTEGER NOT NULL,"
    "  last_ms INTEGER NOT NULL);"
    "CREATE INDEX sessions_operator ON sessions(operator_id);"
    "CREATE TABLE login_failures ("
    "  subject TEXT PRIMARY KEY,"
    "  count INTEGER NOT NULL,"
    "  last_ms INTEGER NOT NULL);"
    "CREATE TABLE audit ("
    "  id INTEGER PRIMARY KEY,"
    "  time_ms INTEGER NOT NULL,"
    "  operator TEXT NOT NULL,"
    "  action TEXT NOT NULL,"
    "  target TEXT NOT NULL DEFAULT '',"
    "  detail TEXT NOT NULL DEFAULT '',"
    "  peer TEXT NOT NULL DEFAULT '');",
    /* 1 -> 2: where each enrolment request came from (hub/enrolguard.h) */
    "CREATE TABLE enrol_sources ("
    "  request_id INTEGER PRIMARY KEY,"
    "  peer TEXT NOT NULL,"
    "  time_ms INTEGER NOT NULL);",
    /* a viewer bound to one supervising unit (主管单位) of the district's list */
    "ALTER TABLE operators ADD COLUMN unit TEXT NOT NULL DEFAULT '';",
};

struct hub_opstore {
  sqlite3 *db;
  pthread_mutex_t lock; /* one statement sequence at a time on db */
};

cm_rc hub_opstore_open(const char *dir, hub_opstore **st_out, cm_err *err) {
  cm_rc rc = CM_OK;
  hub_opstore *st = NULL;
  char path[HUB_PATH_MAX + 16];
  *st_out = NULL;
  if (snprintf(path, sizeof path, "%s/operators.db", dir) >= (int)sizeof path) {
    rc = cm_errf(err, CM_ERR_INVALID, "操作员：目录路径太长");
    goto out;
  }
  /* Create it private before SQLite does: password hashes live here. */
  int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) {
    rc = cm_errf(err, CM_ERR_IO, "操作员：无法创建 %s", path);
    goto out;
  }
  close(fd);
  st = calloc(1, sizeof *st);
  if (!st) {
    rc = cm_errf(err, CM_ERR_NOMEM, "操作员：内存不足");
    goto out;
  }
  pthread_mutex_init(&st->lock, NULL);
  rc = cm_db_open(path, opstore_migrations,
                  (int)(sizeof opstore_migrations / sizeof opstore_migrations[0]), &st->db, err);
  if (rc) goto out;
  *st_out = st;
  st = NULL;
out:
  hub_opstore_close(st);
  return rc;
}

void hub_opstore_close(hub_opstore *st) {
  if (!st) return;
  cm_db_close(st->db);
  pthread_mutex_destroy(&st->lock);
  free(st);
}

/* ---- statement helpers (the caller holds st->lock) ---- */

static cm_rc prep(hub_opstore *st, const char *sql, sqlite3_stmt **out, cm_err *err) {
  int r = sqlite3_prepare_v2(st->db, sql, -1, out, NULL);
  if (r != SQLITE_OK) {
    *out = NULL;
    return cm_db_check(st->db, r, "操作员：准备数据库语句", err);
  }
  return CM_OK;
}

static void bind_text(sqlite3_stmt *s, int i, const char *t) {
  sqlite3_bind_text(s, i, t ? t : "", -1, SQLITE_TRANSIENT);
}

static void col_text(sqlite3_stmt *s, int i, char *out, size_t cap) {
  const unsigned char *t = sqlite3_column_text(s, i);
  snprintf(out, cap, "%s", t ? (const char *)t : "");
}

static const char *col_str(sqlite3_stmt *s, int i) {
  const unsigned char *t = sqlite3_column_text(s, i);
  return t ? (const char *)t : "";
}

/* Step a statement that returns no rows and finalize it. */
static cm_rc run(hub_opstore *st, sqlite3_stmt *s, const char *what, cm_err *err) {
  int r = sqlite3_step(s);
  cm_rc rc = r == SQLITE_DONE ? CM_OK : cm_db_check(st->db, r, what, err);
  sqlite3_finalize(s);
  return rc;
}

/* Fill op from columns id, name, role, street, disabled, created_ms, unit[, pwhash]. */
static void col_operator(sqlite3_stmt *s, hub_operator *op, int with_hash) {
  memset(op, 0, sizeof *op);
  op->id = sqlite3_column_int64(s, 0);
  col_text(s, 1, op->name, sizeof op->name);
  col_text(s, 2, op->role, sizeof op->role);
  col_text(s, 3, op->street, sizeof op->street);
  op->disabled = sqlite3_column_int(s, 4);
  op->created_ms = (uint64_t)sqlite3_column_int64(s, 5);
  col_text(s, 6, op->unit, sizeof op->unit);
  if (with_hash) col_text(s, 7, op->pwhash, sizeof op->pwhash);
}

#define OP_COLS "id, name, role, street, disabled, created_ms, unit"

/* ---- accounts ---- */

cm_rc hub_opstore_add(hub_opstore *st, const char *name, const char *role, const char *street,
                      const char *pwhash, uint64_t now_ms, cm_err *err) {
  sqlite3_stmt *s = NULL;
  pthread_mutex_lock(&st->lock);
  cm_rc rc = prep(st,
                  "INSERT INTO operators(name, role, street, pwhash, created_ms) "
                  "VALUES (?1, ?2, ?3, ?4, ?5)",
                  &s, err);
  if (!rc) {
    bind_text(s, 1, name);
    bind_text(s, 2, role);
    bind_text(s, 3, street);
    bind_text(s, 4, pwhash);
    sqlite3_bind_int64(s, 5, (sqlite3_int64)now_ms);
    rc = run(st, s, "操作员：添加账号", err);
    if (rc == CM_ERR_EXISTS) cm_errf(err, rc, "操作员 %s 已存在", name);
  }
  pthread_mutex_unlock(&st->lock);
  return rc;
}

cm_rc hub_opstore_get(hub_opstore *st, const char *name, hub_operator *op_out, int *found_out,
                      cm_err *err) {
  sqlite3_stmt *s = NULL;
  *found_out = 0;
  memset(op_out, 0, sizeof *op_out);
  pthread_mutex_lock(&st->lock);
  cm_rc rc = prep(st, "SELECT " OP_COLS ", pwhash FROM operators WHERE name = ?1", &s, err);
  if (!rc) {
    bind_text(s, 1, name);
    int r = sqlite3_step(s);
    if (r == SQLITE_ROW) {
      col_operator(s, op_out, 1);
      *found_out = 1;
    } else if (r != SQLITE_DONE) {
      rc = cm_db_check(st->db, r, "操作员：读取账号", err);
    }
    sqlite3_finalize(s);
  }
  pthread_mutex_unlock(&st->lock);
  return rc;
}

cm_rc hub_opstore_list(hub_opstore *st, hub_opstore_op_fn fn, void *ctx, cm_err *err) {
  sqlite3_stmt *s = NULL;
  pthread_mutex_lock(&st->lock);
  cm_rc rc = prep(st, "SELECT " OP_COLS " FROM operators ORDER BY name", &s, err);
  while (!rc) {
    int r = sqlite3_step(s);
    if (r == SQLITE_DONE) break;
    if (r != SQLITE_ROW) {
      rc = cm_db_check(st->db, r, "操作员：列出账号", err);
      break;
    }
    hub_operator op;
    col_operator(s, &op, 0);
    rc = fn(ctx, &op, err);
  }
  sqlite3_finalize(s);
  pthread_mutex_unlock(&st->lock);
  return rc;
}

/* Run an UPDATE of one account by name (?1) and end its sessions. */
static cm_rc update_account(hub_opstore *st, const char *sql, const char *name, const char *arg,
                            const char *what, cm_err *err) {
  sqlite3_stmt *s = NULL;
  int began = 0;
  pthread_mutex_lock(&st->lock);
  cm_rc rc = cm_db_exec(st->db, "BEGIN IMMEDIATE", err);
  if (!rc) began = 1;
  if (!rc) rc = prep(st, sql, &s, err);
  if (!rc) {
    bind_text(s, 1, name);
    if (arg) bind_text(s, 2, arg);
    rc = run(st, s, what, err);
    s = NULL;
  }
  if (!rc && sqlite3_changes(st->db) == 0)
    rc = cm_errf(err, CM_ERR_NOT_FOUND, "没有名为 %s 的操作员", name);
  if (!rc) rc = prep(st,
                     "DELETE FROM sessions WHERE operator_id = "
                     "(SELECT id FROM operators WHERE name = ?1)",
                     &s, err);
  if (!rc) {
    bind_text(s, 1, name);
    rc = run(st, s, "操作员：结束会话", err);
  }
  if (!rc) rc = cm_db_exec(st->db, "COMMIT", err);
  if (rc && began) cm_db_exec(st->db, "ROLLBACK", NULL);
  pthread_mutex_unlock(&st->lock);
  return rc;
}

cm_rc hub_opstore_disable(hub_opstore *st, const char *name, cm_err *err) {
  return update_account(st, "UPDATE operators SET disabled = 1 WHERE name = ?1", name, NULL,
                        "操作员：停用账号", err);
}

cm_rc hub_opstore_set_password(hub_opstore *st, const char *name, const char *pwhash,
                               cm_err *err) {
  return update_account(st, "UPDATE operators SET pwhash = ?2 WHERE name = ?1", name, pwhash,
                        "操作员：修改密码", err);
}

cm_rc hub_opstore_set_unit(hub_opstore *st, const char *name, const char *unit, cm_err *err) {
  return update_account(st, "UPDATE operators SET unit = ?2 WHERE name = ?1", name, unit,
                        "操作员：把查看人员绑定到单位", err);
}

/* ---- sessions ---- */

cm_rc hub_opstore_session_add(hub_opstore *st, const uint8_t token_hash[HUB_OP_TOKEN_HASH],
                              int64_t op_id, const char *csrf, uint64_t now_ms, cm_err *err) {
  sqlite3_stmt *s = NULL;
  pthread_mutex_lock(&st->lock);
  cm_rc rc = prep(st,
                  "INSERT INTO sessions(token_hash, operator_id, csrf, created_ms, last_ms) "
                  "VALUES (?1, ?2, ?3, ?4, ?4)",
                  &s, err);
  if (!rc) {
    sqlite3_bind_blob(s, 1, token_hash, HUB_OP_TOKEN_HASH, SQLITE_TRANSIENT);
    sqlite3_bind_int64(s, 2, op_id);
    bind_text(s, 3, csrf);
    sqlite3_bind_int64(s, 4, (sqlite3_int64)now_ms);
    rc = run(st, s, "操作员：保存会话", err);
  }
  pthread_mutex_unlock(&st->lock);
  return rc;
}

cm_rc hub_opstore_session_get(hub_opstore *st, const uint8_t token_hash[HUB_OP_TOKEN_HASH],
                              hub_operator *op_out, char csrf_out[HUB_OP_CSRF_HEX],
                              uint64_t *last_ms_out, int *found_out, cm_err *err) {
  sqlite3_stmt *s = NULL;
  *found_out = 0;
  *last_ms_out = 0;
  csrf_out[0] = '\0';
  memset(op_out, 0, sizeof *op_out);
  pthread_mutex_lock(&st->lock);
  cm_rc rc = prep(st,
                  "SELECT o.id, o.name, o.role, o.street, o.disabled, o.created_ms, o.unit, "
                  "s.csrf, s.last_ms FROM sessions s JOIN operators o ON o.id = s.operator_id "
                  "WHERE s.token_hash = ?1 AND o.disabled = 0",
                  &s, err);
  if (!rc) {
    sqlite3_bind_blob(s, 1, token_hash, HUB_OP_TOKEN_HASH, SQLITE_TRANSIENT);
    int r = sqlite3_step(s);
    if (r == SQLITE_ROW) {
      col_operator(s, op_out, 0);
      col_text(s, 7, csrf_out, HUB_OP_CSRF_HEX);
      *last_ms_out = (uint64_t)sqlite3_column_int64(s, 8);
      *found_out = 1;
    } else if (r != SQLITE_DONE) {
      rc = cm_db_check(st->db, r, "操作员：读取会话", err);
    }
    sqlite3_finalize(s);
  }
  pthread_mutex_unlock(&st->lock);
  return rc;
}

/* One statement bound with a token hash (?1) and optionally a time (?2). */
static cm_rc token_stmt(hub_opstore *st, const char *sql, const uint8_t *token_hash,
                        uint64_t t_ms, const char *what, cm_err *err) {
  sqlite3_stmt *s = NULL;
  pthread_mutex_lock(&st->lock);
  cm_rc rc = prep(st, sql, &s, err);
  if (!rc) {
    /* Bind only the parameters the statement has. */
    if (token_hash) sqlite3_bind_blob(s, 1, token_hash, HUB_OP_TOKEN_HASH, SQLITE_TRANSIENT);
    if (sqlite3_bind_parameter_count(s) >= 2) sqlite3_bind_int64(s, 2, (sqlite3_int64)t_ms);
    rc = run(st, s, what, err);
  }
  pthread_mutex_unlock(&st->lock);
  return rc;
}

cm_rc hub_opstore_session_touch(hub_opstore *st, const uint8_t token_hash[HUB_OP_TOKEN_HASH],
                                uint64_t now_ms, cm_err *err) {
  return token_stmt(st, "UPDATE sessions SET last_ms = ?2 WHERE token_hash = ?1", token_hash,
                    now_ms, "操作员：更新会话时间", err);
}

cm_rc hub_opstore_session_delete(hub_opstore *st, const uint8_t token_hash[HUB_OP_TOKEN_HASH],
                                 cm_err *err) {
  return token_stmt(st, "DELETE FROM sessions WHERE token_hash = ?1", token_hash, 0,
                    "操作员：结束会话", err);
}

cm_rc hub_opstore_session_purge(hub_opstore *st, uint64_t cutoff_ms, cm_err *err) {
  return token_stmt(st, "DELETE FROM sessions WHERE last_ms < ?2", NULL, cutoff_ms,
                    "操作员：清除过期会话", err);
}

/* ---- enrolment request sources ---- */

cm_rc hub_opstore_enrol_source_put(hub_opstore *st, int64_t request_id, const char *peer,
                                   uint64_t now_ms, cm_err *err) {
  sqlite3_stmt *s = NULL;
  pthread_mutex_lock(&st->lock);
  cm_rc rc = prep(st,
                  "INSERT INTO enrol_sources(request_id, peer, time_ms) VALUES (?1, ?2, ?3) "
                  "ON CONFLICT(request_id) DO UPDATE SET peer = excluded.peer, "
                  "time_ms = excluded.time_ms",
                  &s, err);
  if (!rc) {
    sqlite3_bind_int64(s, 1, request_id);
    bind_text(s, 2, peer);
    sqlite3_bind_int64(s, 3, (sqlite3_int64)now_ms);
    rc = run(st, s, "操作员：记录登记申请的来源", err);
  }
  pthread_mutex_unlock(&st->lock);
  return rc;
}

cm_rc hub_opstore_enrol_source_get(hub_opstore *st, int64_t request_id, char *out, size_t cap,
                                   cm_err *err) {
  sqlite3_stmt *s = NULL;
  out[0] = '\0';
  pthread_mutex_lock(&st->lock);
  cm_rc rc = prep(st, "SELECT peer FROM enrol_sources WHERE request_id = ?1", &s, err);
  if (!rc) {
    sqlite3_bind_int64(s, 1, request_id);
    int r = sqlite3_step(s);
    if (r == SQLITE_ROW)
      col_text(s, 0, out, cap);
    else if (r != SQLITE_DONE)
      rc = cm_db_check(st->db, r, "操作员：读取登记申请的来源", err);
    sqlite3_finalize(s);
  }
  pthread_mutex_unlock(&st->lock);
  return rc;
}

/* ---- failed logins ---- */

cm_rc hub_opstore_fail_get(hub_opstore *st, const char *subject, int *count_out,
                           uint64_t *last_ms_out, cm_err *err) {
  sqlite3_stmt *s = NULL;
  *count_out = 0;
  *last_ms_out = 0;
  pthread_mutex_lock(&st->lock);
  cm_rc rc = prep(st, "SELECT count, last_ms FROM login_failures WHERE subject = ?1", &s, err);
  if (!rc) {
    bind_text(s, 1, subject);
    int r = sqlite3_step(s);
    if (r == SQLITE_ROW) {
      *count_out = sqlite3_column_int(s, 0);
      *last_ms_out = (uint64_t)sqlite3_column_int64(s, 1);
    } else if (r != SQLITE_DONE) {
      rc = cm_db_check(st->db, r, "操作员：读取登录失败记录", err);
    }
    sqlite3_finalize(s);
  }
  pthread_mutex_unlock(&st->lock);
  return rc;
}

cm_rc hub_opstore_fail_add(hub_opstore *st, const char *subject, uint64_t now_ms,
                           uint64_t window_ms, int *count_out, cm_err *err) {
  sqlite3_stmt *s = NULL;
  *count_out = 0;
  pthread_mutex_lock(&st->lock);
  /* A quiet window resets the count, so old typos do not add up for ever. */
  cm_rc rc = prep(st,
                  "INSERT INTO login_failures(subject, count, last_ms) VALUES (?1, 1, ?2) "
                  "ON CONFLICT(subject) DO UPDATE SET "
                  "count = CASE WHEN ?2 - last_ms > ?3 THEN 1 ELSE count + 1 END, last_ms = ?2 "
                  "RETURNING count",
                  &s, err);
  if (!rc) {
    bind_text(s, 1, subject);
    sqlite3_bind_int64(s, 2, (sqlite3_int64)now_ms);
    sqlite3_bind_int64(s, 3, (sqlite3_int64)window_ms);
    int r = sqlite3_step(s);
    if (r == SQLITE_ROW) {
      *count_out = sqlite3_column_int(s, 0);
      r = sqlite3_step(s);
    }
    if (r != SQLITE_DONE) rc = cm_db_check(st->db, r, "操作员：记录一次登录失败", err);
    sqlite3_finalize(s);
  }
  pthread_mutex_unlock(&st->lock);
  return rc;
}

cm_rc hub_opstore_fail_clear(hub_opstore *st, const char *subject, cm_err *err) {
  sqlite3_stmt *s = NULL;
  pthread_mutex_lock(&st->lock);
  cm_rc rc = prep(st, "DELETE FROM login_failures WHERE subject = ?1", &s, err);
  if (!rc) {
    bind_text(s, 1, subject);
    rc = run(st, s, "操作员：清除登录失败记录", err);
  }
  pthread_mutex_unlock(&st->lock);
  return rc;
}

/* ---- audit ---- */

cm_rc hub_opstore_audit_add(hub_opstore *st, uint64_t now_ms, const char *operator_name,
                            const char *action, const char *target, const char *detail,
                            const char *peer, cm_err *err) {
  sqlite3_stmt *s = NULL;
  pthread_mutex_lock(&st->lock);
  cm_rc rc = prep(st,
                  "INSERT INTO audit(time_ms, operator, action, target, detail, peer) "
                  "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                  &s, err);
  if (!rc) {
    sqlite3_bind_int64(s, 1, (sqlite3_int64)now_ms);
    bind_text(s, 2, operator_name);
    bind_text(s, 3, action);
    bind_text(s, 4, target);
    bind_text(s, 5, detail);
    bind_text(s, 6, peer);
    rc = run(st, s, "操作员：写入操作记录", err);
  }
  pthread_mutex_unlock(&st->lock);
  return rc;
}

cm_rc hub_opstore_audit_list(hub_opstore *st, int limit, hub_opstore_audit_fn fn, void *ctx,
                             cm_err *err) {
  sqlite3_stmt *s = NULL;
  pthread_mutex_lock(&st->lock);
  cm_rc rc = prep(st,
                  "SELECT id, time_ms, operator, action, target, detail, peer FROM audit "
                  "ORDER BY id DESC LIMIT ?1",
                  &s, err);
  if (!rc) sqlite3_bind_int(s, 1, limit);
  while (!rc) {
    int r = sqlite3_step(s);
    if (r == SQLITE_DONE) break;
    if (r != SQLITE_ROW) {
      rc = cm_db_check(st->db, r, "操作员：读取操作记录", err);
      break;
    }
    hub_audit_row row = {
        .id = sqlite3_column_int64(s, 0),
        .time_ms = (uint64_t)sqlite3_column_int64(s, 1),
        .operator_name = col_str(s, 2),
        .action = col_str(s, 3),
        .target = col_str(s, 4),
        .detail = col_str(s, 5),
        .peer = col_str(s, 6),
    };
    rc = fn(ctx, &row, err);
  }
  sqlite3_finalize(s);
  pthread_mutex_unlock(&st->lock);
  return rc;
}
