/* rows.c - rows of one INSERT statement collected and written together
 * (hub/rows.h). */
#include "rows.h"

#include <stdlib.h>
#include <string.h>

/* Statements of 64, 32, 16, 8, 4, 2 and 1 rows: any count is written in at most seven
 * statements, each prepared the first time it is needed. */
#define ROWS_SIZES 7
#define ROWS_MAX 64

enum { CELL_INT, CELL_NULL, CELL_BLOB, CELL_OWNED, CELL_TEXT };

typedef struct cell {
  int type;
  int64_t i;     /* CELL_INT */
  const void *p; /* CELL_OWNED */
  size_t n;      /* bytes of a blob or text */
  size_t off;    /* CELL_BLOB, CELL_TEXT: where its copy starts in bytes */
} cell;

struct hub_rows {
  sqlite3 *db;
  const char *head, *tail;
  const char *again; /* hub_rows_again's tail, or NULL */
  int again_first;   /* the last flush met rows of their key: write with again alone */
  unsigned flushes;  /* flushes written with again alone since */
  int cols;
  cell *cells;
  size_t n_cells, cap_cells;
  char *bytes; /* the blobs' and texts' copies, each followed by a NUL */
  size_t n_bytes, cap_bytes;
  size_t n_owned;                 /* bytes of the blobs taken (hub_rows_blob_owned) */
  sqlite3_stmt *stmt[2][ROWS_SIZES]; /* stmt[pass][k]: ROWS_MAX >> k rows, tail or again */
};

hub_rows *hub_rows_new(sqlite3 *db, const char *head, int cols, const char *tail) {
  if (cols <= 0) return NULL;
  hub_rows *r = calloc(1, sizeof *r);
  if (!r) return NULL;
  r->db = db;
  r->head = head;
  r->tail = tail ? tail : "";
  r->cols = cols;
  return r;
}

void hub_rows_free(hub_rows *r) {
  if (!r) return;
  hub_rows_discard(r);
  for (int k = 0; k < ROWS_SIZES; k++) {
    sqlite3_finalize(r->stmt[0][k]);
    sqlite3_finalize(r->stmt[1][k]);
  }
  free(r->cells);
  free(r->bytes);
  free(r);
}

void hub_rows_again(hub_rows *r, const char *tail) {
  r->again = tail;
}

size_t hub_rows_count(const hub_rows *r) {
  return r->n_cells / (size_t)r->cols;
}

static cell *cell_next(hub_rows *r) {
  if (r->n_cells == r->cap_cells) {
    size_t cap = r->cap_cells ? r->cap_cells * 2 : (size_t)r->cols * ROWS_MAX;
    cell *c = realloc(r->cells, cap * sizeof *c);
    if (!c) return NULL;
    r->cells = c;
    r->cap_cells = cap;
  }
  cell *c = &r->cells[r->n_cells++];
  memset(c, 0, sizeof *c);
  return c;
}

/* A copy of n bytes at p (and a NUL) kept in r's bytes; where, in *off. */
static int bytes_keep(hub_rows *r, const void *p, size_t n, size_t *off) {
  if (r->cap_bytes - r->n_bytes < n + 1) {
    size_t cap = r->cap_bytes ? r->cap_bytes : 16384;
    while (cap - r->n_bytes < n + 1)
      cap *= 2;
    char *x = realloc(r->bytes, cap);
    if (!x) return -1;
    r->bytes = x;
    r->cap_bytes = cap;
  }
  if (n) memcpy(r->bytes + r->n_bytes, p, n);
  r->bytes[r->n_bytes + n] = '\0';
  *off = r->n_bytes;
  r->n_bytes += n + 1;
  return 0;
}

int hub_rows_int(hub_rows *r, int64_t v) {
  cell *c = cell_next(r);
  if (!c) return SQLITE_NOMEM;
  c->type = CELL_INT;
  c->i = v;
  return SQLITE_OK;
}

int hub_rows_null(hub_rows *r) {
  cell *c = cell_next(r);
  if (!c) return SQLITE_NOMEM;
  c->type = CELL_NULL;
  return SQLITE_OK;
}

int hub_rows_blob(hub_rows *r, const void *p, size_t n) {
  size_t off = 0;
  if (bytes_keep(r, p, n, &off)) return SQLITE_NOMEM;
  cell *c = cell_next(r);
  if (!c) return SQLITE_NOMEM;
  c->type = CELL_BLOB;
  c->n = n;
  c->off = off;
  return SQLITE_OK;
}

int hub_rows_blob_owned(hub_rows *r, void *p, size_t n) {
  cell *c = cell_next(r);
  if (!c) {
    free(p);
    return SQLITE_NOMEM;
  }
  c->type = CELL_OWNED;
  c->p = p;
  c->n = n;
  r->n_owned += n;
  return SQLITE_OK;
}

int hub_rows_text(hub_rows *r, const char *t) {
  size_t n = strlen(t ? t : ""), off = 0;
  if (bytes_keep(r, t ? t : "", n, &off)) return SQLITE_NOMEM;
  cell *c = cell_next(r);
  if (!c) return SQLITE_NOMEM;
  c->type = CELL_TEXT;
  c->n = n;
  c->off = off;
  return SQLITE_OK;
}

/* The statement of ROWS_MAX >> k rows (pass 0: with tail; 1: with again),
 * prepared when first needed. */
static int stmt_of(hub_rows *r, int pass, int k, sqlite3_stmt **out) {
  if (r->stmt[pass][k]) {
    *out = r->stmt[pass][k];
    return SQLITE_OK;
  }
  const char *tail = pass ? r->again : r->tail;
  size_t rows = (size_t)ROWS_MAX >> k, per = 2 * (size_t)r->cols + 2;
  size_t len = strlen(r->head) + 1 + rows * per + 1 + strlen(tail) + 1;
  char *sql = malloc(len), *w = sql;
  if (!sql) return SQLITE_NOMEM;
  w += strlen(strcpy(w, r->head));
  for (size_t i = 0; i < rows; i++) {
    *w++ = i ? ',' : ' ';
    *w++ = '(';
    for (int c = 0; c < r->cols; c++) {
      if (c) *w++ = ',';
      *w++ = '?';
    }
    *w++ = ')';
  }
  *w++ = ' ';
  strcpy(w, tail);
  int rc = sqlite3_prepare_v3(r->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &r->stmt[pass][k], NULL);
  free(sql);
  *out = r->stmt[pass][k];
  return rc;
}

static void bind_cell(hub_rows *r, sqlite3_stmt *s, int i, const cell *c) {
  switch (c->type) {
  case CELL_INT:
    sqlite3_bind_int64(s, i, (sqlite3_int64)c->i);
    break;
  case CELL_BLOB:
    sqlite3_bind_blob64(s, i, r->bytes + c->off, (sqlite3_uint64)c->n, SQLITE_STATIC);
    break;
  case CELL_OWNED:
    sqlite3_bind_blob64(s, i, c->p, (sqlite3_uint64)c->n, SQLITE_STATIC);
    break;
  case CELL_TEXT:
    sqlite3_bind_text64(s, i, r->bytes + c->off, (sqlite3_uint64)c->n, SQLITE_STATIC, SQLITE_UTF8);
    break;
  default:
    sqlite3_bind_null(s, i);
    break;
  }
}

/* Write every collected row once, with pass's statements. */
static int write_rows(hub_rows *r, int pass, int64_t *changed) {
  size_t rows = hub_rows_count(r), done = 0;
  int rc = SQLITE_OK;
  *changed = 0;
  for (int k = 0; rc == SQLITE_OK && done < rows && k < ROWS_SIZES; k++) {
    size_t size = (size_t)ROWS_MAX >> k;
    while (rc == SQLITE_OK && rows - done >= size) {
      sqlite3_stmt *s = NULL;
      rc = stmt_of(r, pass, k, &s);
      if (rc != SQLITE_OK) break;
      const cell *c = &r->cells[done * (size_t)r->cols];
      for (size_t i = 0; i < size * (size_t)r->cols; i++)
        bind_cell(r, s, (int)i + 1, &c[i]);
      int step = sqlite3_step(s);
      rc = step == SQLITE_DONE ? SQLITE_OK : sqlite3_reset(s);
      if (rc == SQLITE_OK && step != SQLITE_DONE) rc = SQLITE_ERROR;
      if (rc == SQLITE_OK) *changed += sqlite3_changes64(r->db);
      sqlite3_reset(s);
      sqlite3_clear_bindings(s);
      done += size;
    }
  }
  return rc;
}

/* Rows that meet rows of their key come in runs (a community correcting
 * its past months): after a flush that met some, the next ones are written
 * with again alone, as the one upsert it is, and every eighth tries the
 * other tail first again. */
#define ROWS_AGAIN_PROBE 8

int hub_rows_flush(hub_rows *r, int64_t *changed) {
  int64_t first = 0, second = 0;
  int rc = SQLITE_OK;
  if (r->again && r->again_first && ++r->flushes % ROWS_AGAIN_PROBE != 0) {
    rc = write_rows(r, 1, &second);
  } else {
    rc = write_rows(r, 0, &first);
    /* some rows met one already there: all again with the other tail */
    r->again_first = rc == SQLITE_OK && r->again && first < (int64_t)hub_rows_count(r);
    r->flushes = 0;
    if (r->again_first) rc = write_rows(r, 1, &second);
  }
  if (changed) *changed = first + second;
  hub_rows_discard(r);
  return rc;
}

/* Copies kept between batches up to this many bytes: a push of large
 * bodies does not leave its buffer behind. */
#define ROWS_BYTES_KEEP ((size_t)1 << 20)

void hub_rows_discard(hub_rows *r) {
  for (size_t i = 0; i < r->n_cells; i++)
    if (r->cells[i].type == CELL_OWNED) free((void *)r->cells[i].p);
  r->n_cells = 0;
  r->n_bytes = 0;
  r->n_owned = 0;
  if (r->cap_bytes > ROWS_BYTES_KEEP) {
    free(r->bytes);
    r->bytes = NULL;
    r->cap_bytes = 0;
  }
}

size_t hub_rows_bytes(const hub_rows *r) {
  return r->n_bytes + r->n_owned;
}
