/* xlsx.c - a table as an Excel workbook of one sheet (xlsx.h). */
#define _POSIX_C_SOURCE 200809L
#include "xlsx.h"

#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include "loadlib.h"
#include "log.h"

#define XLSX_SHEET_MAX 31 /* characters in an Excel sheet name */
#define XLSX_WIDTH_MAX 60 /* widest column, in Excel's character widths */

/* libxlsxwriter, and the OpenSSL libcrypto it brings, are loaded by the first
 * workbook, not when a program starts: mapping and relocating them was about
 * a third of the start-up of every node command (a sync among them), and only
 * an Excel export uses them.  LINLI_XLSX_SONAME is the library the build found
 * (CMakeLists.txt).  The pointers take their types from the library's header. */
#define XLSX_FUNCS(X)                                                                      \
  X(workbook_new) X(workbook_add_worksheet) X(workbook_add_format) X(workbook_close)       \
  X(format_set_bold) X(worksheet_write_string) X(worksheet_write_number)                   \
  X(worksheet_set_column) X(worksheet_freeze_panes) X(lxw_strerror)
#define XLSX_FIELD(f) __typeof__(&f) f;
static struct {
  XLSX_FUNCS(XLSX_FIELD)
} xl;
static pthread_once_t xl_once = PTHREAD_ONCE_INIT;
static int xl_ok;

static void xl_load(void) {
  void *h = dlopen(LINLI_XLSX_SONAME, RTLD_NOW | RTLD_LOCAL);
  if (!h) {
    cm_error("cannot load %s (%s): install libxlsxwriter", LINLI_XLSX_SONAME, dlerror());
    return;
  }
  int ok = 1;
#define XLSX_LOAD(f) ok = ok && cm_loadlib_sym(h, #f, &xl.f, sizeof xl.f);
  XLSX_FUNCS(XLSX_LOAD)
#undef XLSX_LOAD
  if (!ok) cm_error("%s lacks a function this program needs: install libxlsxwriter 1.0 or later",
                    LINLI_XLSX_SONAME);
  xl_ok = ok; /* the library stays loaded either way: nothing else uses the handle */
}

/* Width of s in Excel's character widths: a CJK character is two. */
static double text_width(const char *s) {
  double w = 0;
  for (const unsigned char *p = (const unsigned char *)s; *p; p++)
    if ((*p & 0xC0) != 0x80) w += *p >= 0xE0 ? 2.0 : 1.0;
  return w;
}

/* name cut to Excel's 31 characters (whole UTF-8 characters) with the
 * characters Excel refuses in a sheet name replaced by a space. */
static void sheet_name(const char *name, char *out, size_t cap) {
  size_t n = 0, chars = 0;
  for (const char *p = name ? name : ""; *p && n + 4 < cap; p++) {
    unsigned char c = (unsigned char)*p;
    if ((c & 0xC0) != 0x80 && chars++ == XLSX_SHEET_MAX) break;
    out[n++] = strchr("[]:*?/\\'", c) ? ' ' : (char)c;
  }
  out[n] = '\0';
  if (!n) snprintf(out, cap, "Sheet1");
}

/* The bytes of file path appended to out. */
static cm_rc read_file(const char *path, cm_buf *out, cm_err *err) {
  FILE *f = fopen(path, "rb");
  char chunk[16384];
  size_t got;
  cm_rc rc = CM_OK;
  if (!f) return cm_errf(err, CM_ERR_IO, "无法读取 Excel 文件：%s", strerror(errno));
  while (!rc && (got = fread(chunk, 1, sizeof chunk, f)) > 0)
    rc = cm_buf_append(out, chunk, got);
  if (!rc && ferror(f)) rc = cm_errf(err, CM_ERR_IO, "无法读取 Excel 文件");
  else if (rc) rc = cm_errf(err, rc, "Excel 文件：%s", cm_strerror(rc));
  fclose(f);
  return rc;
}

cm_rc cm_xlsx_sheet(const json_t *head, const json_t *rows, const char *sheet, const char *dir,
                    cm_buf *out, cm_err *err) {
  char path[4096], name[4 * XLSX_SHEET_MAX + 8];
  size_t ncols = json_array_size(head);
  double *width = NULL; /* each column's widest text */
  lxw_error e = LXW_NO_ERROR;
  cm_rc rc = CM_OK;
  if (snprintf(path, sizeof path, "%s/.xlsx-XXXXXX", dir && dir[0] ? dir : ".") >=
      (int)sizeof path)
    return cm_errf(err, CM_ERR_INVALID, "目录路径太长");
  pthread_once(&xl_once, xl_load);
  if (!xl_ok)
    return cm_errf(err, CM_ERR_UNSUPPORTED, "无法写 Excel 文件：本机缺少 libxlsxwriter 程序库");
  int fd = mkstemp(path);
  if (fd < 0) return cm_errf(err, CM_ERR_IO, "无法创建 Excel 文件：%s", strerror(errno));
  close(fd);
  lxw_workbook *wb = xl.workbook_new(path);
  lxw_worksheet *ws = NULL;
  lxw_format *bold = NULL;
  sheet_name(sheet, name, sizeof name);
  if (wb) ws = xl.workbook_add_worksheet(wb, name);
  if (wb) bold = xl.workbook_add_format(wb);
  if (!wb || !ws || !bold) {
    rc = cm_errf(err, CM_ERR_NOMEM, "无法开始写 Excel 文件");
    goto out;
  }
  xl.format_set_bold(bold);
  width = calloc(ncols + 1, sizeof *width);
  if (!width) {
    rc = cm_errf(err, CM_ERR_NOMEM, "内存不足");
    goto out;
  }
  for (size_t c = 0; !e && c < ncols; c++) {
    const char *h = json_string_value(json_array_get(head, c));
    e = xl.worksheet_write_string(ws, 0, (lxw_col_t)c, h ? h : "", bold);
    width[c] = text_width(h ? h : "");
  }
  for (size_t r = 0; !e && r < json_array_size(rows); r++) {
    const json_t *cells = json_array_get(rows, r);
    for (size_t c = 0; !e && c < ncols; c++) {
      const json_t *v = json_array_get(cells, c);
      char num[32];
      const char *s = NULL;
      if (json_is_integer(v)) {
        e = xl.worksheet_write_number(ws, (lxw_row_t)(r + 1), (lxw_col_t)c,
                                   (double)json_integer_value(v), NULL);
        snprintf(num, sizeof num, "%lld", (long long)json_integer_value(v));
        s = num;
      } else if (json_is_string(v) && json_string_length(v)) {
        s = json_string_value(v);
        e = xl.worksheet_write_string(ws, (lxw_row_t)(r + 1), (lxw_col_t)c, s, NULL);
      } else if (json_is_boolean(v)) {
        s = json_is_true(v) ? "true" : "false";
        e = xl.worksheet_write_string(ws, (lxw_row_t)(r + 1), (lxw_col_t)c, s, NULL);
      }
      if (s && text_width(s) > width[c]) width[c] = text_width(s);
    }
  }
  for (size_t c = 0; !e && c < ncols; c++)
    e = xl.worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c,
                             (width[c] > XLSX_WIDTH_MAX ? XLSX_WIDTH_MAX : width[c]) + 2, NULL);
  if (!e) xl.worksheet_freeze_panes(ws, 1, 0);
  if (e) rc = cm_errf(err, CM_ERR_IO, "写 Excel 文件：%s", xl.lxw_strerror(e));
out:
  free(width);
  if (wb) {
    lxw_error ce = xl.workbook_close(wb);
    if (!rc && ce) rc = cm_errf(err, CM_ERR_IO, "写 Excel 文件：%s", xl.lxw_strerror(ce));
  }
  if (!rc) rc = read_file(path, out, err);
  unlink(path);
  return rc;
}
