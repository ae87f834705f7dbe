/* answers.c - dashboard answers kept in the hub database (answers.h). */
#define _GNU_SOURCE /* dl_iterate_phdr */
#include "answers.h"

#include <elf.h>
#include <errno.h>
#include <link.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zlib.h>

#include "../common/buf.h"
#include "../common/db.h"
#include "../common/json.h"

#define BUILD_MAX 64
#define WAIT_MS 100  /* before a kept answer is written: the request is answered first */
#define QUEUE_MAX 16 /* answers waiting to be written; more are not kept */

typedef struct job {
  struct job *next;
  char *key;
  int64_t gen;
  json_t *answer, *aux;
  uint64_t now_ms, cost_ms;
} job;

struct hub_answers {
  sqlite3 *db;
  sqlite3_stmt *gen, *get, *put, *drop_old, *drop_many;
  sqlite3_stmt *page_head, *page_rows, *page_put, *page_drop, *page_orphans;
  sqlite3_stmt *meta, *watch_put, *watch_trim, *watched;
  unsigned char build[BUILD_MAX];
  size_t build_len;
  pthread_mutex_t mu; /* db and its statements */
  /* the answers waiting to be written, and the thread writing them */
  pthread_mutex_t qmu;
  pthread_cond_t qcv;
  job *head, *tail;
  size_t queued;
  int running, joinable, hurry;
  pthread_t th;
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
/* one statement: the generation and the answer from the same snapshot; of
 * an older generation only when it took ?3 ms or more (?3 >= 0).  Its
 * columns (SQL_PAGE_HEAD's too): body, aux, raw, then what chosen reads. */
static const char SQL_GET[] =
    "SELECT a.body, a.aux, a.raw, a.gen, a.stored, a.cost_ms, g.gen FROM answers a, data_gen g "
    "WHERE a.key = ?1 AND g.id = 1 AND a.build = ?2"
    " AND (a.gen = g.gen OR (?3 >= 0 AND a.cost_ms >= ?3))";
static const char SQL_PUT[] =
    "INSERT OR REPLACE INTO answers(key, gen, build, stored, body, aux, raw, cost_ms) "
    "SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8 FROM data_gen WHERE id = 1 AND gen = ?2";
/* Another build's answers go; older generations' stay (each replaced by its
 * key's next answer, the oldest dropped past HUB_ANSWERS_MAX), to be given
 * while computed again (hub/dashboard.h). */
static const char SQL_DROP_OLD[] = "DELETE FROM answers WHERE build <> ?1";
static const char SQL_DROP_MANY[] =
    "DELETE FROM answers WHERE rowid IN "
    "(SELECT rowid FROM answers ORDER BY stored DESC, rowid DESC LIMIT -1 OFFSET ?1)";
/* The pages of a kept answer (answer_pages, hub/store.c): its head, chosen
 * as SQL_GET chooses the answer, and only when it was cut from that answer
 * (another build may have replaced the answer and left the pages). */
static const char SQL_PAGE_HEAD[] =
    "SELECT p.body, a.aux, p.raw, a.gen, a.stored, a.cost_ms, g.gen"
    " FROM answers a, data_gen g, answer_pages p"
    " WHERE a.key = ?1 AND g.id = 1 AND a.build = ?2"
    " AND (a.gen = g.gen OR (?3 >= 0 AND a.cost_ms >= ?3))"
    " AND p.key = a.key AND p.tbl = '' AND p.page = 0 AND p.gen = a.gen AND p.stored = a.stored";
static const char SQL_PAGE_ROWS[] =
    "SELECT body, raw FROM answer_pages WHERE key = ?1 AND tbl = ?2 AND page = ?3";
static const char SQL_PAGE_PUT[] = "INSERT INTO answer_pages(key, tbl, page, gen, stored, raw, "
                                   "body) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)";
static const char SQL_PAGE_DROP[] = "DELETE FROM answer_pages WHERE key = ?1";
static const char SQL_PAGE_ORPHANS[] =
    "DELETE FROM answer_pages WHERE key NOT IN (SELECT key FROM answers)";
/* SQL_GET without the answer: what chosen reads, nothing else */
static const char SQL_META[] =
    "SELECT NULL, NULL, 0, a.gen, a.stored, a.cost_ms, g.gen FROM answers a, data_gen g "
    "WHERE a.key = ?1 AND g.id = 1 AND a.build = ?2"
    " AND (a.gen = g.gen OR (?3 >= 0 AND a.cost_ms >= ?3))";
static const char SQL_WATCH_PUT[] =
    "INSERT OR REPLACE INTO answer_watch(id, request, asked_ms) VALUES(?1, ?2, ?3)";
/* the requests asked for too long ago, and all but the ?2 newest */
static const char SQL_WATCH_TRIM[] =
    "DELETE FROM answer_watch WHERE asked_ms < ?1 OR id NOT IN"
    " (SELECT id FROM answer_watch ORDER BY asked_ms DESC LIMIT ?2)";
static const char SQL_WATCHED[] =
    "SELECT id, request, asked_ms FROM answer_watch WHERE asked_ms >= ?1"
    " ORDER BY asked_ms DESC LIMIT ?2";

static void jobs_free(job *j) {
  while (j) {
    job *n = j->next;
    free(j->key);
    json_decref(j->answer);
    json_decref(j->aux);
    free(j);
    j = n;
  }
}

/* Write what waits now and wait for the thread to finish. */
static void drain(hub_answers *a) {
  pthread_mutex_lock(&a->qmu);
  a->hurry = 1;
  pthread_cond_broadcast(&a->qcv);
  int joinable = a->joinable;
  a->joinable = 0;
  pthread_mutex_unlock(&a->qmu);
  if (joinable) pthread_join(a->th, NULL);
  pthread_mutex_lock(&a->qmu);
  a->hurry = 0;
  pthread_mutex_unlock(&a->qmu);
}

static void answers_free(hub_answers *a) {
  sqlite3_finalize(a->gen);
  sqlite3_finalize(a->get);
  sqlite3_finalize(a->put);
  sqlite3_finalize(a->drop_old);
  sqlite3_finalize(a->drop_many);
  sqlite3_finalize(a->page_head);
  sqlite3_finalize(a->page_rows);
  sqlite3_finalize(a->page_put);
  sqlite3_finalize(a->page_drop);
  sqlite3_finalize(a->page_orphans);
  sqlite3_finalize(a->meta);
  sqlite3_finalize(a->watch_put);
  sqlite3_finalize(a->watch_trim);
  sqlite3_finalize(a->watched);
  cm_db_close(a->db);
  pthread_cond_destroy(&a->qcv);
  pthread_mutex_destroy(&a->qmu);
  pthread_mutex_destroy(&a->mu);
  free(a);
}

void hub_answers_close(hub_answers *a) {
  if (!a) return;
  drain(a);
  jobs_free(a->head);
  answers_free(a);
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
  if (pthread_mutex_init(&a->mu, NULL) != 0) {
    free(a);
    return cm_errf(err, CM_ERR_NOMEM, "无法建立锁");
  }
  if (pthread_mutex_init(&a->qmu, NULL) != 0) {
    pthread_mutex_destroy(&a->mu);
    free(a);
    return cm_errf(err, CM_ERR_NOMEM, "无法建立锁");
  }
  if (pthread_cond_init(&a->qcv, NULL) != 0) {
    pthread_mutex_destroy(&a->qmu);
    pthread_mutex_destroy(&a->mu);
    free(a);
    return cm_errf(err, CM_ERR_NOMEM, "无法建立锁");
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
  if (!rc) rc = prep(a, SQL_PAGE_HEAD, &a->page_head, err);
  if (!rc) rc = prep(a, SQL_PAGE_ROWS, &a->page_rows, err);
  if (!rc) rc = prep(a, SQL_PAGE_PUT, &a->page_put, err);
  if (!rc) rc = prep(a, SQL_PAGE_DROP, &a->page_drop, err);
  if (!rc) rc = prep(a, SQL_PAGE_ORPHANS, &a->page_orphans, err);
  if (!rc) rc = prep(a, SQL_META, &a->meta, err);
  if (!rc) rc = prep(a, SQL_WATCH_PUT, &a->watch_put, err);
  if (!rc) rc = prep(a, SQL_WATCH_TRIM, &a->watch_trim, err);
  if (!rc) rc = prep(a, SQL_WATCHED, &a->watched, err);
  if (rc) {
    answers_free(a);
    return rc;
  }
  *out = a;
  return CM_OK;
}

int hub_answers_gen(hub_answers *a, int64_t *gen_out) {
  pthread_mutex_lock(&a->mu);
  sqlite3_reset(a->gen);
  int ok = sqlite3_step(a->gen) == SQLITE_ROW;
  *gen_out = ok ? sqlite3_column_int64(a->gen, 0) : 0;
  sqlite3_reset(a->gen);
  pthread_mutex_unlock(&a->mu);
  return ok;
}

/* The text of a blob of n bytes (deflated from raw bytes when raw > 0): a new
 * string of *len_out bytes and a NUL, or NULL. */
static char *blob_text(const void *b, size_t n, sqlite3_int64 raw, size_t *len_out) {
  char *out = NULL;
  *len_out = 0;
  if (!b && n) return NULL;
  if (raw <= 0) {
    out = malloc(n + 1);
    if (!out) return NULL;
    if (n) memcpy(out, b, n);
    out[n] = '\0';
    *len_out = n;
    return out;
  }
  if (raw > (sqlite3_int64)1 << 30) return NULL;
  out = malloc((size_t)raw + 1);
  uLongf got = (uLongf)raw;
  if (!out || uncompress((Bytef *)out, &got, b, (uLong)n) != Z_OK || got != (uLongf)raw) {
    free(out);
    return NULL;
  }
  out[got] = '\0';
  *len_out = got;
  return out;
}

/* The kept answer of key that statement st (SQL_GET, SQL_PAGE_HEAD) chooses
 * for older_cost_ms, stepped to its row: 1 with *meta and *aux_out (a new
 * reference, NULL when it has none) read, 0 when there is none or its aux
 * cannot be read.  The caller reads the body (columns 0 and 2), then resets
 * st.  a->mu held. */
static int chosen(hub_answers *a, sqlite3_stmt *st, const char *key, int64_t older_cost_ms,
                  hub_answer_meta *meta, json_t **aux_out) {
  *aux_out = NULL;
  memset(meta, 0, sizeof *meta);
  sqlite3_reset(st);
  sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
  sqlite3_bind_blob(st, 2, a->build, (int)a->build_len, SQLITE_STATIC);
  sqlite3_bind_int64(st, 3, older_cost_ms);
  if (sqlite3_step(st) != SQLITE_ROW) return 0;
  meta->gen = sqlite3_column_int64(st, 3);
  meta->made_ms = (uint64_t)sqlite3_column_int64(st, 4);
  meta->cost_ms = (uint64_t)sqlite3_column_int64(st, 5);
  meta->current = meta->gen == sqlite3_column_int64(st, 6);
  if (sqlite3_column_type(st, 1) == SQLITE_NULL) return 1;
  *aux_out = json_loadb(sqlite3_column_blob(st, 1), (size_t)sqlite3_column_bytes(st, 1), 0, NULL);
  return *aux_out != NULL;
}

void hub_answers_get_text(hub_answers *a, const char *key, int64_t older_cost_ms, char **text_out,
                          size_t *len_out, json_t **aux_out, hub_answer_meta *meta) {
  *text_out = NULL;
  *len_out = 0;
  pthread_mutex_lock(&a->mu);
  if (chosen(a, a->get, key, older_cost_ms, meta, aux_out))
    *text_out = blob_text(sqlite3_column_blob(a->get, 0), (size_t)sqlite3_column_bytes(a->get, 0),
                          sqlite3_column_int64(a->get, 2), len_out);
  if (!*text_out) {
    json_decref(*aux_out);
    *aux_out = NULL;
  }
  sqlite3_reset(a->get);
  sqlite3_clear_bindings(a->get);
  pthread_mutex_unlock(&a->mu);
}

static int step_done(sqlite3_stmt *s) {
  int r = sqlite3_step(s);
  sqlite3_reset(s);
  sqlite3_clear_bindings(s);
  return r == SQLITE_DONE;
}

int hub_answers_meta(hub_answers *a, const char *key, int64_t older_cost_ms,
                     hub_answer_meta *meta) {
  json_t *aux = NULL;
  pthread_mutex_lock(&a->mu);
  int found = chosen(a, a->meta, key, older_cost_ms, meta, &aux);
  sqlite3_reset(a->meta);
  sqlite3_clear_bindings(a->meta);
  pthread_mutex_unlock(&a->mu);
  return found;
}

int hub_answers_watch_put(hub_answers *a, const char *id, const char *request, uint64_t asked_ms,
                          uint64_t since_ms, int max) {
  pthread_mutex_lock(&a->mu);
  sqlite3_bind_text(a->watch_put, 1, id, -1, SQLITE_STATIC);
  sqlite3_bind_text(a->watch_put, 2, request, -1, SQLITE_STATIC);
  sqlite3_bind_int64(a->watch_put, 3, (sqlite3_int64)asked_ms);
  int ok = step_done(a->watch_put);
  sqlite3_bind_int64(a->watch_trim, 1, (sqlite3_int64)since_ms);
  sqlite3_bind_int(a->watch_trim, 2, max);
  if (ok) ok = step_done(a->watch_trim);
  pthread_mutex_unlock(&a->mu);
  return ok;
}

void hub_answers_watched(hub_answers *a, uint64_t since_ms, int max,
                         int (*fn)(void *arg, const char *id, const char *request,
                                   uint64_t asked_ms),
                         void *arg) {
  pthread_mutex_lock(&a->mu);
  sqlite3_bind_int64(a->watched, 1, (sqlite3_int64)since_ms);
  sqlite3_bind_int(a->watched, 2, max);
  while (sqlite3_step(a->watched) == SQLITE_ROW) {
    const char *id = (const char *)sqlite3_column_text(a->watched, 0);
    const char *request = (const char *)sqlite3_column_text(a->watched, 1);
    if (id && request && fn(arg, id, request, (uint64_t)sqlite3_column_int64(a->watched, 2))) break;
  }
  sqlite3_reset(a->watched);
  sqlite3_clear_bindings(a->watched);
  pthread_mutex_unlock(&a->mu);
}

int hub_answers_is_table(const json_t *v) {
  return json_is_array(v) && (!json_array_size(v) || json_is_object(json_array_get(v, 0)));
}

void hub_answer_page_free(hub_answer_page *pg) {
  json_decref(pg->head);
  json_decref(pg->aux);
  json_decref(pg->rows);
  json_decref(pg->counts);
  memset(pg, 0, sizeof *pg);
}

/* Column col of statement st (a blob deflated from the raw bytes in column
 * raw) parsed as JSON: NULL when it cannot be. */
static json_t *blob_json(sqlite3_stmt *st, int col, int raw) {
  size_t n = 0;
  char *t = blob_text(sqlite3_column_blob(st, col), (size_t)sqlite3_column_bytes(st, col),
                      sqlite3_column_int64(st, raw), &n);
  json_t *j = t ? json_loadb(t, n, 0, NULL) : NULL;
  free(t);
  return j;
}

/* Kept page (tbl, page) of key parsed (under a->mu, in its read
 * transaction): NULL when there is none or it cannot be read. */
static json_t *page_json(hub_answers *a, const char *key, const char *tbl, long page) {
  json_t *got = NULL;
  sqlite3_bind_text(a->page_rows, 1, key, -1, SQLITE_STATIC);
  sqlite3_bind_text(a->page_rows, 2, tbl, -1, SQLITE_STATIC);
  sqlite3_bind_int64(a->page_rows, 3, page);
  if (sqlite3_step(a->page_rows) == SQLITE_ROW) got = blob_json(a->page_rows, 0, 1);
  sqlite3_reset(a->page_rows);
  sqlite3_clear_bindings(a->page_rows);
  return got;
}

/* The rows of page `page` of each long table of the head read by
 * SQL_PAGE_HEAD into out->rows (under a->mu, in its read transaction). */
static int page_rows(hub_answers *a, const char *key, long page, hub_answer_page *out) {
  const char *tbl;
  json_t *n;
  if (!(out->rows = json_object())) return 0;
  json_object_foreach(out->counts, tbl, n) {
    json_int_t rows = json_integer_value(n);
    json_t *got = NULL;
    if (!json_is_integer(n) || rows <= HUB_ANSWERS_PAGE_ROWS) return 0;
    if ((page - 1) * (json_int_t)HUB_ANSWERS_PAGE_ROWS >= rows) /* past its end */
      got = json_array();
    else
      got = page_json(a, key, tbl, page);
    if (!json_is_array(got) || json_object_set_new(out->rows, tbl, got)) {
      json_decref(got);
      return 0;
    }
  }
  return 1;
}

/* The head of the kept answer of key chosen for older_cost_ms into out
 * (head, aux, counts, meta): 1 when it has long tables (under a->mu, in its
 * read transaction). */
static int page_head(hub_answers *a, const char *key, int64_t older_cost_ms, hub_answer_page *out) {
  int ok = 0;
  sqlite3_stmt *h = a->page_head;
  if (chosen(a, h, key, older_cost_ms, &out->meta, &out->aux)) {
    json_t *w = blob_json(h, 0, 2);
    out->head = json_incref(json_object_get(w, "answer"));
    out->counts = json_incref(json_object_get(w, "tables"));
    json_decref(w);
    ok = json_is_object(out->head) && json_is_object(out->counts) &&
         json_object_size(out->counts) > 0;
  }
  sqlite3_reset(h);
  sqlite3_clear_bindings(h);
  return ok;
}

int hub_answers_get_page(hub_answers *a, const char *key, int64_t older_cost_ms, long page,
                         hub_answer_page *out) {
  int ok = 0;
  memset(out, 0, sizeof *out);
  if (page < 1) return 0;
  pthread_mutex_lock(&a->mu);
  /* the head and the rows from one snapshot */
  if (sqlite3_exec(a->db, "BEGIN", NULL, NULL, NULL) == SQLITE_OK) {
    ok = page_head(a, key, older_cost_ms, out) && page_rows(a, key, page, out);
    sqlite3_exec(a->db, "COMMIT", NULL, NULL, NULL);
  }
  pthread_mutex_unlock(&a->mu);
  if (!ok) hub_answer_page_free(out);
  return ok;
}

/* The rows of long table tbl whose `field` is the text name, from the pages
 * its index (page 0 of tbl) names, in the answer's order, only the from-th
 * to the (upto-1)-th of them (all from the from-th when upto < 0): a new
 * array, their number in all in *count; NULL when the table has no index
 * of field (under a->mu, in its read transaction). */
static json_t *named_rows(hub_answers *a, const char *key, const char *tbl, const char *field,
                          const char *name, long from, long upto, long *count) {
  json_t *idx = page_json(a, key, tbl, 0);
  json_t *by = json_object_get(idx, field), *pages = json_object_get(by, name), *pg;
  json_t *rows = json_is_object(by) ? json_array() : NULL;
  long seen = 0; /* its rows on the pages before this one */
  size_t i;
  json_array_foreach(pages, i, pg) {
    long on = (long)json_integer_value(json_array_get(pg, 1));
    int want = seen + on > from && (upto < 0 || seen < upto);
    long page = (long)json_integer_value(json_array_get(pg, 0));
    json_t *got = rows && want ? page_json(a, key, tbl, page) : NULL, *r;
    size_t k;
    if (want && !json_is_array(got)) {
      json_decref(rows);
      rows = NULL;
    }
    long at = seen;
    json_array_foreach(got, k, r) {
      const char *v = json_string_value(json_object_get(r, field));
      if (!v || strcmp(v, name) != 0) continue;
      if (rows && at >= from && (upto < 0 || at < upto) && json_array_append(rows, r)) {
        json_decref(rows);
        rows = NULL;
      }
      at++;
    }
    json_decref(got);
    seen += on;
  }
  json_decref(idx);
  *count = seen;
  return rows;
}

int hub_answers_get_named(hub_answers *a, const char *key, int64_t older_cost_ms, const char *field,
                          const char *name, long from, long upto, hub_answer_page *out) {
  int ok = 0;
  memset(out, 0, sizeof *out);
  pthread_mutex_lock(&a->mu);
  if (sqlite3_exec(a->db, "BEGIN", NULL, NULL, NULL) == SQLITE_OK) {
    ok = page_head(a, key, older_cost_ms, out) && (out->rows = json_object()) != NULL;
    const char *tbl;
    json_t *n;
    json_object_foreach(out->counts, tbl, n) {
      long count = 0;
      json_t *rows = ok ? named_rows(a, key, tbl, field, name, from, upto, &count) : NULL;
      ok = rows && !json_object_set_new(out->counts, tbl, json_integer((json_int_t)count)) &&
           !json_object_set_new(out->rows, tbl, rows);
      if (!ok) break;
    }
    sqlite3_exec(a->db, "COMMIT", NULL, NULL, NULL);
  }
  pthread_mutex_unlock(&a->mu);
  if (!ok) hub_answer_page_free(out);
  return ok;
}

/* n bytes at p deflated (fast: the dashboard waits for no kept answer, but
 * a city's are tens of MB): a new buffer of *zn bytes, or NULL. */
static unsigned char *deflated(const void *p, size_t n, size_t *zn) {
  uLongf got = compressBound((uLong)n);
  unsigned char *z = malloc(got);
  if (z && compress2(z, &got, (const Bytef *)p, (uLong)n, 1) != Z_OK) {
    free(z);
    z = NULL;
  }
  *zn = z ? (size_t)got : 0;
  return z;
}

/* One row of answer_pages, deflated, to be written. */
typedef struct part {
  const char *tbl; /* "" for the head */
  long page;
  size_t raw, zn;
  unsigned char *z;
} part;

static void parts_free(part *ps, size_t n) {
  for (size_t i = 0; i < n; i++)
    free(ps[i].z);
  free(ps);
}

/* Add what b holds as the next part (tbl, page); b emptied.  0 when out of
 * memory. */
static int part_add(part **ps, size_t *n, size_t *cap, const char *tbl, long page, cm_buf *b) {
  if (*n == *cap) {
    size_t c = *cap ? *cap * 2 : 16;
    part *np = realloc(*ps, c * sizeof *np);
    if (!np) return 0;
    *ps = np;
    *cap = c;
  }
  part *p = &(*ps)[*n];
  p->tbl = tbl;
  p->page = page;
  p->raw = b->len;
  p->z = deflated(b->p, b->len, &p->zn);
  b->len = 0;
  if (!p->z) return 0;
  (*n)++;
  return 1;
}

/* The index of a long table's pages by street and by community: {field:
 * {name: [[page (from 1), rows on it whose field is that text], ...]}} for
 * each of the two fields its first row has (as the narrowing looks at the
 * first row: hub/dashboard.c), or NULL when it has neither (or out of
 * memory). */
static json_t *table_index(const json_t *rows) {
  static const char *const fields[] = {"street", "community"};
  json_t *idx = json_object(), *first = json_array_get(rows, 0);
  int any = 0;
  for (size_t f = 0; idx && f < sizeof fields / sizeof fields[0]; f++) {
    if (!json_object_get(first, fields[f])) continue;
    json_t *by = json_object(), *r;
    size_t i;
    if (!by || json_object_set_new(idx, fields[f], by)) {
      json_decref(idx);
      return NULL;
    }
    any = 1;
    json_array_foreach(rows, i, r) {
      const char *v = json_string_value(json_object_get(r, fields[f]));
      if (!v) continue;
      json_int_t page = (json_int_t)(i / HUB_ANSWERS_PAGE_ROWS) + 1;
      json_t *pages = json_object_get(by, v), *last;
      if (!pages && (!(pages = json_array()) || json_object_set_new(by, v, pages))) {
        json_decref(idx);
        return NULL;
      }
      size_t np = json_array_size(pages);
      last = np ? json_array_get(pages, np - 1) : NULL;
      if (last && json_integer_value(json_array_get(last, 0)) == page) {
        json_array_set_new(last, 1, json_integer(json_integer_value(json_array_get(last, 1)) + 1));
      } else if (json_array_append_new(pages, json_pack("[I, i]", page, 1))) {
        json_decref(idx);
        return NULL;
      }
    }
  }
  if (!any) {
    json_decref(idx);
    idx = NULL;
  }
  return idx;
}

/* The pages of answer's long tables, the head first (answer_pages'
 * layout): *n_out 0 when it has none.  0 when out of memory.  The table
 * names point into answer. */
static int parts_of(const json_t *answer, part **out, size_t *n_out) {
  part *ps = NULL;
  size_t n = 0, cap = 0;
  json_t *head = json_copy((json_t *)answer), *tables = json_object(), *v;
  const char *k;
  cm_buf b;
  int ok = head && tables;
  cm_buf_init(&b, (size_t)1 << 30);
  json_object_foreach((json_t *)answer, k, v) {
    size_t rows = json_array_size(v);
    if (!ok) break;
    if (!hub_answers_is_table(v) || rows <= HUB_ANSWERS_PAGE_ROWS) continue;
    ok = !json_object_set_new(head, k, json_array()) &&
         !json_object_set_new(tables, k, json_integer((json_int_t)rows));
    for (size_t i = 0; ok && i < rows; i += HUB_ANSWERS_PAGE_ROWS) {
      ok = cm_buf_append(&b, "[", 1) == CM_OK;
      for (size_t r = i; ok && r < rows && r < i + HUB_ANSWERS_PAGE_ROWS; r++)
        ok = (r == i || cm_buf_append(&b, ",", 1) == CM_OK) &&
             cm_json_write(json_array_get(v, r), &b) == CM_OK;
      ok = ok && cm_buf_append(&b, "]", 1) == CM_OK &&
           part_add(&ps, &n, &cap, k, (long)(i / HUB_ANSWERS_PAGE_ROWS) + 1, &b);
    }
    json_t *idx = ok ? table_index(v) : NULL;
    if (idx) {
      ok = cm_json_write(idx, &b) == CM_OK && part_add(&ps, &n, &cap, k, 0, &b);
      json_decref(idx);
    }
  }
  if (ok && n) { /* the head, last, then moved first */
    json_t *w = json_pack("{s:O, s:O}", "answer", head, "tables", tables);
    ok = w && cm_json_write(w, &b) == CM_OK && part_add(&ps, &n, &cap, "", 0, &b);
    json_decref(w);
    if (ok) {
      part h = ps[n - 1];
      memmove(ps + 1, ps, (n - 1) * sizeof *ps);
      ps[0] = h;
    }
  }
  cm_buf_free(&b);
  json_decref(head);
  json_decref(tables);
  if (!ok || !n) {
    parts_free(ps, n);
    ps = NULL;
    n = 0;
  }
  *out = ps;
  *n_out = n;
  return ok;
}

/* Write one answer (under a->mu). */
static void put(hub_answers *a, const job *jb) {
  /* the bytes the API sends (cm_http_resp_json dumps the same way) */
  cm_buf b;
  cm_buf_init(&b, (size_t)1 << 30);
  int body = cm_json_write(jb->answer, &b) == CM_OK && b.p;
  char *aux = jb->aux ? json_dumps(jb->aux, JSON_COMPACT) : NULL;
  size_t raw = body ? b.len : 0, zn = 0, np = 0;
  unsigned char *z = body ? deflated(b.p, raw, &zn) : NULL;
  part *ps = NULL;
  cm_buf_free(&b); /* a city's: tens of MB, not held while its pages are cut */
  if (!z || (jb->aux && !aux) || !parts_of(jb->answer, &ps, &np)) goto out;
  pthread_mutex_lock(&a->mu);
  if (sqlite3_exec(a->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) == SQLITE_OK) {
    sqlite3_bind_blob(a->drop_old, 1, a->build, (int)a->build_len, SQLITE_STATIC);
    int ok = step_done(a->drop_old);
    if (ok) {
      sqlite3_bind_text(a->put, 1, jb->key, -1, SQLITE_STATIC);
      sqlite3_bind_int64(a->put, 2, jb->gen);
      sqlite3_bind_blob(a->put, 3, a->build, (int)a->build_len, SQLITE_STATIC);
      sqlite3_bind_int64(a->put, 4, (sqlite3_int64)jb->now_ms);
      sqlite3_bind_blob(a->put, 5, z, (int)zn, SQLITE_STATIC);
      if (aux)
        sqlite3_bind_blob(a->put, 6, aux, (int)strlen(aux), SQLITE_STATIC);
      else
        sqlite3_bind_null(a->put, 6);
      sqlite3_bind_int64(a->put, 7, (sqlite3_int64)raw);
      sqlite3_bind_int64(a->put, 8, (sqlite3_int64)jb->cost_ms);
      ok = step_done(a->put);
    }
    /* its pages replace the key's, when it was kept (its generation still
     * the current one) */
    int kept = ok && sqlite3_changes(a->db) > 0;
    if (kept) {
      sqlite3_bind_text(a->page_drop, 1, jb->key, -1, SQLITE_STATIC);
      ok = step_done(a->page_drop);
    }
    for (size_t i = 0; kept && ok && i < np; i++) {
      sqlite3_stmt *st = a->page_put;
      sqlite3_bind_text(st, 1, jb->key, -1, SQLITE_STATIC);
      sqlite3_bind_text(st, 2, ps[i].tbl, -1, SQLITE_STATIC);
      sqlite3_bind_int64(st, 3, ps[i].page);
      sqlite3_bind_int64(st, 4, jb->gen);
      sqlite3_bind_int64(st, 5, (sqlite3_int64)jb->now_ms);
      sqlite3_bind_int64(st, 6, (sqlite3_int64)ps[i].raw);
      sqlite3_bind_blob(st, 7, ps[i].z, (int)ps[i].zn, SQLITE_STATIC);
      ok = step_done(st);
    }
    if (ok) {
      sqlite3_bind_int(a->drop_many, 1, HUB_ANSWERS_MAX);
      ok = step_done(a->drop_many);
    }
    if (ok) ok = step_done(a->page_orphans);
    if (!ok || sqlite3_exec(a->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
      sqlite3_exec(a->db, "ROLLBACK", NULL, NULL, NULL);
  }
  pthread_mutex_unlock(&a->mu);
out:
  parts_free(ps, np);
  free(z);
  free(aux);
}

/* The thread: wait a moment (or until hurried), then write what waits, until
 * nothing does. */
static void *worker(void *arg) {
  hub_answers *a = arg;
  struct timespec until;
  clock_gettime(CLOCK_REALTIME, &until);
  until.tv_nsec += WAIT_MS * 1000000L;
  until.tv_sec += until.tv_nsec / 1000000000L;
  until.tv_nsec %= 1000000000L;
  pthread_mutex_lock(&a->qmu);
  while (!a->hurry && a->head)
    if (pthread_cond_timedwait(&a->qcv, &a->qmu, &until) == ETIMEDOUT) break;
  for (;;) {
    job *jb = a->head;
    if (!jb) break;
    a->head = jb->next;
    if (!a->head) a->tail = NULL;
    a->queued--;
    pthread_mutex_unlock(&a->qmu);
    jb->next = NULL;
    put(a, jb);
    jobs_free(jb);
    pthread_mutex_lock(&a->qmu);
  }
  a->running = 0;
  pthread_mutex_unlock(&a->qmu);
  return NULL;
}

void hub_answers_keep(hub_answers *a, const char *key, int64_t gen, json_t *answer, json_t *aux,
                      uint64_t now_ms, uint64_t cost_ms) {
  job *jb = calloc(1, sizeof *jb);
  if (!jb || !(jb->key = strdup(key))) {
    free(jb);
    return;
  }
  jb->gen = gen;
  jb->answer = json_incref(answer);
  jb->aux = json_incref(aux);
  jb->now_ms = now_ms;
  jb->cost_ms = cost_ms;
  pthread_mutex_lock(&a->qmu);
  if (a->queued >= QUEUE_MAX) {
    pthread_mutex_unlock(&a->qmu);
    jobs_free(jb);
    return;
  }
  if (a->tail)
    a->tail->next = jb;
  else
    a->head = jb;
  a->tail = jb;
  a->queued++;
  if (!a->running) {
    /* the thread before has finished (running is cleared last) */
    if (a->joinable) pthread_join(a->th, NULL);
    a->joinable = a->running = pthread_create(&a->th, NULL, worker, a) == 0;
    if (!a->running) { /* no thread: not kept */
      jobs_free(a->head);
      a->head = a->tail = NULL;
      a->queued = 0;
    }
  }
  pthread_mutex_unlock(&a->qmu);
}

void hub_answers_forget(hub_answers *a) {
  pthread_mutex_lock(&a->qmu);
  job *waiting = a->head;
  a->head = a->tail = NULL;
  a->queued = 0;
  pthread_mutex_unlock(&a->qmu);
  jobs_free(waiting);
  drain(a);
  pthread_mutex_lock(&a->mu);
  sqlite3_exec(a->db, "DELETE FROM answers; DELETE FROM answer_pages", NULL, NULL, NULL);
  pthread_mutex_unlock(&a->mu);
}
