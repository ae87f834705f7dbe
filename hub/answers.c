/* answers.c - dashboard answers kept in the hub database (answers.h). */
#define _GNU_SOURCE /* dl_iterate_phdr */
#include "answers.h"

#include <elf.h>
#include <link.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/db.h"

#define BUILD_MAX 64

struct hub_answers {
  sqlite3 *db;
  sqlite3_stmt *gen, *get, *put, *drop_old, *drop_many;
  unsigned char build[BUILD_MAX];
  size_t build_len;
};

/* ---- the program's build id (the linker's GNU build-id note) ---- */

typedef struct build_find {
  unsigned char *out;
  size_t len;
} build_find;

static int build_note(struct dl_phdr_info *info, size_t size, void *arg) {
  build_find *f = arg;
  (void)size;
  /* the first object is the program itself */
  for (ElfW(Half) i = 0; i < info->dlpi_phnum; i++) {
    const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
    if (ph->p_type != PT_NOTE) continue;
    const unsigned char *p = (const unsigned char *)(info->dlpi_addr + ph->p_vaddr);
    const unsigned char *end = p + ph->p_memsz;
    while (p + sizeof(ElfW(Nhdr)) <= end) {
      ElfW(Nhdr) nh;
      memcpy(&nh, p, sizeof nh);
      const unsigned char *name = p + sizeof nh;
      const unsigned char *desc = name + ((nh.n_namesz + 3u) & ~3u);
      const unsigned char *next = desc + ((nh.n_descsz + 3u) & ~3u);
      if (next > end || next <= p) break;
      if (nh.n_type == NT_GNU_BUILD_ID && nh.n_namesz == 4 && memcmp(name, "GNU", 4) == 0 &&
          nh.n_descsz > 0 && nh.n_descsz <= BUILD_MAX) {
        memcpy(f->out, desc, nh.n_descsz);
        f->len = nh.n_descsz;
        return 1;
      }
      p = next;
    }
  }
  return 1; /* only the program */
}

/* ---- the connection ---- */

static const char SQL_GEN[] = "SELECT gen FROM data_gen WHERE id = 1";
/* one statement: the generation and the answer from the same snapshot */
static const char SQL_GET[] =
    "SELECT a.body, a.aux FROM answers a, data_gen g "
    "WHERE a.key = ?1 AND g.id = 1 AND a.gen = g.gen AND a.build = ?2";
static const char SQL_PUT[] =
    "INSERT OR REPLACE INTO answers(key, gen, build, stored, body, aux) "
    "SELECT ?1, ?2, ?3, ?4, ?5, ?6 FROM data_gen WHERE id = 1 AND gen = ?2";
static const char SQL_DROP_OLD[] = "DELETE FROM answers WHERE gen <> ?1 OR build <> ?2";
static const char SQL_DROP_MANY[] =
    "DELETE FROM answers WHERE rowid IN "
    "(SELECT rowid FROM answers ORDER BY stored DESC, rowid DESC LIMIT -1 OFFSET ?1)";

void hub_answers_close(hub_answers *a) {
  if (!a) return;
  sqlite3_finalize(a->gen);
  sqlite3_finalize(a->get);
  sqlite3_finalize(a->put);
  sqlite3_finalize(a->drop_old);
  sqlite3_finalize(a->drop_many);
  cm_db_close(a->db);
  free(a);
}

static cm_rc prep(hub_answers *a, const char *sql, sqlite3_stmt **out, cm_err *err) {
  return cm_db_check(a->db, sqlite3_prepare_v3(a->db, sql, -1, SQLITE_PREPARE_PERSISTENT, out, NULL),
                     "准备看板答复的语句", err);
}

cm_rc hub_answers_open(const char *dir, hub_answers **out, cm_err *err) {
  char path[4096];
  *out = NULL;
  hub_answers *a = calloc(1, sizeof *a);
  if (!a) return cm_errf(err, CM_ERR_NOMEM, "内存不足");
  build_find f = {a->build, 0};
  dl_iterate_phdr(build_note, &f);
  a->build_len = f.len;
  if (!a->build_len) {
    free(a);
    return cm_errf(err, CM_ERR_UNSUPPORTED, "本程序没有构建标识，不保存看板答复");
  }
  if (snprintf(path, sizeof path, "%s/hub.db", dir) >= (int)sizeof path) {
    free(a);
    return cm_errf(err, CM_ERR_INVALID, "目录名太长");
  }
  /* The database exists and is migrated: the store opened it first. */
  int r = sqlite3_open_v2(path, &a->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);
  cm_rc rc = cm_db_check(a->db, r, "打开数据库（看板答复）", err);
  if (!rc) {
    sqlite3_extended_result_codes(a->db, 1);
    /* A kept answer is a copy: another writer holding the lock means it is
     * not kept this time rather than an answer waiting. */
    sqlite3_busy_timeout(a->db, 50);
    /* Losing the last kept answers in a power cut costs a computation, never
     * a wrong answer (the log is written in order: a later durable commit
     * makes these durable too), so no disk sync of their own. */
    rc = cm_db_exec(a->db, "PRAGMA synchronous=NORMAL", err);
  }
  if (!rc) rc = prep(a, SQL_GEN, &a->gen, err);
  if (!rc) rc = prep(a, SQL_GET, &a->get, err);
  if (!rc) rc = prep(a, SQL_PUT, &a->put, err);
  if (!rc) rc = prep(a, SQL_DROP_OLD, &a->drop_old, err);
  if (!rc) rc = prep(a, SQL_DROP_MANY, &a->drop_many, err);
  if (rc) {
    hub_answers_close(a);
    return rc;
  }
  *out = a;
  return CM_OK;
}

cm_rc hub_answers_gen(hub_answers *a, int64_t *gen_out, cm_err *err) {
  sqlite3_reset(a->gen);
  int r = sqlite3_step(a->gen);
  cm_rc rc = r == SQLITE_ROW ? CM_OK : cm_db_check(a->db, r, "读取数据版本", err);
  if (!rc && r != SQLITE_ROW) rc = cm_errf(err, CM_ERR_DB, "读取数据版本：没有这一行");
  *gen_out = rc ? 0 : sqlite3_column_int64(a->gen, 0);
  sqlite3_reset(a->gen);
  return rc;
}

static char *col_dup(sqlite3_stmt *s, int i) {
  const void *b = sqlite3_column_blob(s, i);
  int n = sqlite3_column_bytes(s, i);
  if (!b) return NULL;
  char *out = malloc((size_t)n + 1);
  if (!out) return NULL;
  memcpy(out, b, (size_t)n);
  out[n] = '\0';
  return out;
}

cm_rc hub_answers_get(hub_answers *a, const char *key, char **body_out, char **aux_out,
                      cm_err *err) {
  *body_out = *aux_out = NULL;
  sqlite3_reset(a->get);
  sqlite3_bind_text(a->get, 1, key, -1, SQLITE_STATIC);
  sqlite3_bind_blob(a->get, 2, a->build, (int)a->build_len, SQLITE_STATIC);
  int r = sqlite3_step(a->get);
  cm_rc rc = CM_OK;
  if (r == SQLITE_ROW) {
    *body_out = col_dup(a->get, 0);
    if (sqlite3_column_type(a->get, 1) != SQLITE_NULL) *aux_out = col_dup(a->get, 1);
    if (!*body_out || (sqlite3_column_type(a->get, 1) != SQLITE_NULL && !*aux_out)) {
      free(*body_out);
      free(*aux_out);
      *body_out = *aux_out = NULL;
      rc = cm_errf(err, CM_ERR_NOMEM, "内存不足");
    }
  } else if (r != SQLITE_DONE) {
    rc = cm_db_check(a->db, r, "读取看板答复", err);
  }
  sqlite3_reset(a->get);
  sqlite3_clear_bindings(a->get);
  return rc;
}

static cm_rc step_done(hub_answers *a, sqlite3_stmt *s, cm_err *err) {
  int r = sqlite3_step(s);
  cm_rc rc = r == SQLITE_DONE ? CM_OK : cm_db_check(a->db, r, "保存看板答复", err);
  sqlite3_reset(s);
  sqlite3_clear_bindings(s);
  return rc;
}

cm_rc hub_answers_put(hub_answers *a, const char *key, int64_t gen, const char *body,
                      const char *aux, uint64_t now_ms, cm_err *err) {
  cm_rc rc = cm_db_exec(a->db, "BEGIN IMMEDIATE", err);
  if (rc) return rc;
  sqlite3_bind_int64(a->drop_old, 1, gen);
  sqlite3_bind_blob(a->drop_old, 2, a->build, (int)a->build_len, SQLITE_STATIC);
  rc = step_done(a, a->drop_old, err);
  if (!rc) {
    sqlite3_bind_text(a->put, 1, key, -1, SQLITE_STATIC);
    sqlite3_bind_int64(a->put, 2, gen);
    sqlite3_bind_blob(a->put, 3, a->build, (int)a->build_len, SQLITE_STATIC);
    sqlite3_bind_int64(a->put, 4, (sqlite3_int64)now_ms);
    sqlite3_bind_blob(a->put, 5, body, (int)strlen(body), SQLITE_STATIC);
    if (aux)
      sqlite3_bind_blob(a->put, 6, aux, (int)strlen(aux), SQLITE_STATIC);
    else
      sqlite3_bind_null(a->put, 6);
    rc = step_done(a, a->put, err);
  }
  if (!rc) {
    sqlite3_bind_int(a->drop_many, 1, HUB_ANSWERS_MAX);
    rc = step_done(a, a->drop_many, err);
  }
  if (!rc) rc = cm_db_exec(a->db, "COMMIT", err);
  if (rc && !sqlite3_get_autocommit(a->db)) sqlite3_exec(a->db, "ROLLBACK", NULL, NULL, NULL);
  return rc;
}

cm_rc hub_answers_forget(hub_answers *a, cm_err *err) {
  return cm_db_exec(a->db, "DELETE FROM answers", err);
}
