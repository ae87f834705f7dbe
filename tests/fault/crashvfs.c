/* crashvfs.c - see crashvfs.h.  Pending writes are kept per open file as a list
 * of (offset, bytes) applied over the real file on read, in order. */
#include "crashvfs.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

typedef struct cv_write {
  sqlite3_int64 off;
  int len;
  unsigned char *data;
} cv_write;

typedef struct cv_file {
  sqlite3_file base;  /* must come first: SQLite sees our struct as this */
  sqlite3_file *real; /* the wrapped file, allocated after this struct */
  cv_write *w;
  size_t n, cap;
} cv_file;

static sqlite3_vfs *cv_root;
static sqlite3_vfs cv_vfs;
static unsigned long cv_count, cv_at;
static int cv_dead;

/* Count a write or a sync; crash when it is the chosen one.  The crash comes
 * before the operation: it never reaches even the page cache. */
static int cv_tick(void) {
  cv_count++;
  if (cv_at && cv_count >= cv_at) cv_dead = 1;
  return cv_dead;
}

static void cv_drop(cv_file *f) {
  for (size_t i = 0; i < f->n; i++) free(f->w[i].data);
  f->n = 0;
}

static int cv_close(sqlite3_file *pf) {
  cv_file *f = (cv_file *)pf;
  /* Closing is not a sync: unsynced writes still reach the disk later... unless
   * the machine is down first.  A live close writes them out (the page cache
   * survives a clean exit); a dead one drops them. */
  int rc = SQLITE_OK;
  for (size_t i = 0; !cv_dead && rc == SQLITE_OK && i < f->n; i++)
    rc = f->real->pMethods->xWrite(f->real, f->w[i].data, f->w[i].len, f->w[i].off);
  cv_drop(f);
  free(f->w);
  f->w = NULL;
  f->cap = 0;
  int rc2 = f->real->pMethods ? f->real->pMethods->xClose(f->real) : SQLITE_OK;
  return rc ? rc : rc2;
}

static sqlite3_int64 cv_pending_end(const cv_file *f) {
  sqlite3_int64 end = 0;
  for (size_t i = 0; i < f->n; i++)
    if (f->w[i].off + f->w[i].len > end) end = f->w[i].off + f->w[i].len;
  return end;
}

static int cv_read(sqlite3_file *pf, void *buf, int amt, sqlite3_int64 off) {
  cv_file *f = (cv_file *)pf;
  int rc = f->real->pMethods->xRead(f->real, buf, amt, off);
  if (rc != SQLITE_OK && rc != SQLITE_IOERR_SHORT_READ) return rc;
  int covered_to = 0; /* bytes from off known to be filled */
  if (rc == SQLITE_OK) covered_to = amt;
  for (size_t i = 0; i < f->n; i++) {
    const cv_write *w = &f->w[i];
    sqlite3_int64 lo = w->off > off ? w->off : off;
    sqlite3_int64 hi = w->off + w->len < off + amt ? w->off + w->len : off + amt;
    if (lo >= hi) continue;
    memcpy((unsigned char *)buf + (lo - off), w->data + (lo - w->off), (size_t)(hi - lo));
    if (hi - off > covered_to && lo - off <= covered_to) covered_to = (int)(hi - off);
  }
  if (rc == SQLITE_IOERR_SHORT_READ) {
    /* The real file was short; pending writes may fill it.  Find the real
     * length to know what is covered. */
    sqlite3_int64 sz = 0;
    f->real->pMethods->xFileSize(f->real, &sz);
    int real_to = sz > off ? (int)(sz - off < amt ? sz - off : amt) : 0;
    if (real_to > covered_to) covered_to = real_to;
    sqlite3_int64 end = cv_pending_end(f);
    if (end > sz && end - off >= amt) covered_to = amt;
    if (covered_to >= amt) return SQLITE_OK;
    /* SQLite expects the unread tail zeroed on a short read. */
    memset((unsigned char *)buf + covered_to, 0, (size_t)(amt - covered_to));
    return SQLITE_IOERR_SHORT_READ;
  }
  return SQLITE_OK;
}

static int cv_write_(sqlite3_file *pf, const void *buf, int amt, sqlite3_int64 off) {
  cv_file *f = (cv_file *)pf;
  if (cv_tick()) return SQLITE_OK;
  if (f->n == f->cap) {
    size_t cap = f->cap ? f->cap * 2 : 64;
    cv_write *w = realloc(f->w, cap * sizeof *w);
    if (!w) return SQLITE_NOMEM;
    f->w = w;
    f->cap = cap;
  }
  unsigned char *d = malloc((size_t)amt);
  if (!d) return SQLITE_NOMEM;
  memcpy(d, buf, (size_t)amt);
  f->w[f->n++] = (cv_write){off, amt, d};
  return SQLITE_OK;
}

static int cv_truncate(sqlite3_file *pf, sqlite3_int64 size) {
  cv_file *f = (cv_file *)pf;
  if (cv_dead) return SQLITE_OK;
  /* Cut pending writes beyond size; the truncation itself goes through (it
   * only ever removes data SQLite no longer needs). */
  for (size_t i = 0; i < f->n; i++) {
    if (f->w[i].off >= size) f->w[i].len = 0;
    else if (f->w[i].off + f->w[i].len > size) f->w[i].len = (int)(size - f->w[i].off);
  }
  return f->real->pMethods->xTruncate(f->real, size);
}

static int cv_sync(sqlite3_file *pf, int flags) {
  cv_file *f = (cv_file *)pf;
  if (cv_tick()) return SQLITE_OK;
  int rc = SQLITE_OK;
  for (size_t i = 0; rc == SQLITE_OK && i < f->n; i++)
    if (f->w[i].len > 0)
      rc = f->real->pMethods->xWrite(f->real, f->w[i].data, f->w[i].len, f->w[i].off);
  if (rc != SQLITE_OK) return rc;
  cv_drop(f);
  return f->real->pMethods->xSync(f->real, flags);
}

static int cv_size(sqlite3_file *pf, sqlite3_int64 *size) {
  cv_file *f = (cv_file *)pf;
  int rc = f->real->pMethods->xFileSize(f->real, size);
  sqlite3_int64 end = cv_pending_end(f);
  if (rc == SQLITE_OK && end > *size) *size = end;
  return rc;
}

/* Locks, control and shared memory pass through: shm is not durable anyway
 * and the test deletes it at the "reboot". */
static int cv_lock(sqlite3_file *pf, int l) {
  cv_file *f = (cv_file *)pf;
  return f->real->pMethods->xLock(f->real, l);
}
static int cv_unlock(sqlite3_file *pf, int l) {
  cv_file *f = (cv_file *)pf;
  return f->real->pMethods->xUnlock(f->real, l);
}
static int cv_check_lock(sqlite3_file *pf, int *out) {
  cv_file *f = (cv_file *)pf;
  return f->real->pMethods->xCheckReservedLock(f->real, out);
}
static int cv_fcntl(sqlite3_file *pf, int op, void *arg) {
  cv_file *f = (cv_file *)pf;
  /* Writes must go through xWrite so we can hold them: no mmap of the db. */
  if (op == SQLITE_FCNTL_MMAP_SIZE) return SQLITE_NOTFOUND;
  return f->real->pMethods->xFileControl(f->real, op, arg);
}
static int cv_sector(sqlite3_file *pf) {
  cv_file *f = (cv_file *)pf;
  return f->real->pMethods->xSectorSize(f->real);
}
static int cv_devchar(sqlite3_file *pf) {
  cv_file *f = (cv_file *)pf;
  return f->real->pMethods->xDeviceCharacteristics(f->real);
}
static int cv_shm_map(sqlite3_file *pf, int pg, int sz, int extend, void volatile **pp) {
  cv_file *f = (cv_file *)pf;
  return f->real->pMethods->xShmMap(f->real, pg, sz, extend, pp);
}
static int cv_shm_lock(sqlite3_file *pf, int off, int n, int flags) {
  cv_file *f = (cv_file *)pf;
  return f->real->pMethods->xShmLock(f->real, off, n, flags);
}
static void cv_shm_barrier(sqlite3_file *pf) {
  cv_file *f = (cv_file *)pf;
  f->real->pMethods->xShmBarrier(f->real);
}
static int cv_shm_unmap(sqlite3_file *pf, int del) {
  cv_file *f = (cv_file *)pf;
  return f->real->pMethods->xShmUnmap(f->real, cv_dead ? 0 : del);
}

static const sqlite3_io_methods cv_methods = {
    2,           cv_close,      cv_read,        cv_write_,    cv_truncate,  cv_sync,
    cv_size,     cv_lock,       cv_unlock,      cv_check_lock, cv_fcntl,    cv_sector,
    cv_devchar,  cv_shm_map,    cv_shm_lock,    cv_shm_barrier, cv_shm_unmap, NULL,
    NULL};

static int cv_open(sqlite3_vfs *vfs, sqlite3_filename name, sqlite3_file *pf, int flags,
                   int *out_flags) {
  cv_file *f = (cv_file *)pf;
  memset(f, 0, sizeof *f);
  f->real = (sqlite3_file *)(f + 1);
  int rc = cv_root->xOpen(cv_root, name, f->real, flags, out_flags);
  if (rc == SQLITE_OK) f->base.pMethods = &cv_methods;
  return rc;
}

static int cv_delete(sqlite3_vfs *vfs, const char *name, int sync_dir) {
  if (cv_dead) return SQLITE_OK;
  return cv_root->xDelete(cv_root, name, sync_dir);
}
static int cv_access(sqlite3_vfs *vfs, const char *name, int flags, int *out) {
  return cv_root->xAccess(cv_root, name, flags, out);
}
static int cv_fullname(sqlite3_vfs *vfs, const char *name, int n, char *out) {
  return cv_root->xFullPathname(cv_root, name, n, out);
}
static int cv_random(sqlite3_vfs *vfs, int n, char *out) { return cv_root->xRandomness(cv_root, n, out); }
static int cv_sleep(sqlite3_vfs *vfs, int us) { return cv_root->xSleep(cv_root, us); }
static int cv_time(sqlite3_vfs *vfs, double *t) { return cv_root->xCurrentTime(cv_root, t); }
static int cv_lasterr(sqlite3_vfs *vfs, int n, char *out) {
  return cv_root->xGetLastError(cv_root, n, out);
}
static int cv_time64(sqlite3_vfs *vfs, sqlite3_int64 *t) {
  return cv_root->xCurrentTimeInt64(cv_root, t);
}

int crashvfs_register(void) {
  cv_root = sqlite3_vfs_find(NULL);
  if (!cv_root) return -1;
  memset(&cv_vfs, 0, sizeof cv_vfs);
  cv_vfs.iVersion = 2;
  cv_vfs.szOsFile = (int)sizeof(cv_file) + cv_root->szOsFile;
  cv_vfs.mxPathname = cv_root->mxPathname;
  cv_vfs.zName = "crashvfs";
  cv_vfs.xOpen = cv_open;
  cv_vfs.xDelete = cv_delete;
  cv_vfs.xAccess = cv_access;
  cv_vfs.xFullPathname = cv_fullname;
  cv_vfs.xRandomness = cv_random;
  cv_vfs.xSleep = cv_sleep;
  cv_vfs.xCurrentTime = cv_time;
  cv_vfs.xGetLastError = cv_lasterr;
  cv_vfs.xCurrentTimeInt64 = cv_time64;
  return sqlite3_vfs_register(&cv_vfs, 1) == SQLITE_OK ? 0 : -1;
}

void crashvfs_crash_at(unsigned long n) { cv_at = n ? cv_count + n : 0; }
void crashvfs_crash(void) { cv_dead = 1; }
int crashvfs_crashed(void) { return cv_dead; }
void crashvfs_reset(void) {
  cv_dead = 0;
  cv_at = 0;
}
unsigned long crashvfs_ops(void) { return cv_count; }
