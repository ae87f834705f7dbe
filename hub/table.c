/* table.c - a dashboard table as CSV or Excel from one set of rows (table.h). */
#define _POSIX_C_SOURCE 200809L
#include "table.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include "../common/csv.h"
#include "../common/html.h"

#define XLSX_SHEET_MAX 31 /* characters in an Excel sheet name */
#define XLSX_WIDTH_MAX 60 /* widest column, in Excel's character widths */

/* The word of column key in table name: "col.NAME.KEY" when one key means
 * something else in that table, else "col.KEY", else the key. */
static const char *column_word(cm_lang lang, const char *name, const char *key) {
  char both[96];
  snprintf(both, sizeof both, "%s.%s", name, key);
  const char *w = cm_i18n_word(lang, "col.", both);
  return w != both ? w : cm_i18n_word(lang, "col.", key);
}

/* The cell of key in row as people read it (a new reference), as the page
 * shows it (hub/dashboard_assets/dashboard.js `shown`): yes/no for booleans,
 * words for enum values, "社区 第N条" for a record id, times without the
 * ISO "T".  Numbers and names stay as they are. */
static json_t *cell_words(const json_t *row, const char *key, json_t *v, cm_lang lang) {
  static const char *const enum_keys[] = {"founded_by", "street_ack", "district_ack", "by",
                                          "status",     "result",     "type"};
  char text[600];
  text[0] = '\0';
  if (json_is_boolean(v)) {
    snprintf(text, sizeof text, "%s", cm_i18n_t(lang, json_is_true(v) ? "yes" : "no"));
  } else if (!strcmp(key, "amount") && json_is_integer(v)) {
    /* money travels in fen; people read yuan, as the page shows it */
    long long fen = (long long)json_integer_value(v);
    snprintf(text, sizeof text, "%s%lld.%02lld", fen < 0 ? "-" : "", llabs(fen) / 100, llabs(fen) % 100);
  } else if (json_is_string(v)) {
    const char *sv = json_string_value(v), *slash = strrchr(sv, '/');
    int is_enum = 0;
    for (size_t e = 0; e < sizeof enum_keys / sizeof enum_keys[0]; e++)
      is_enum |= !strcmp(key, enum_keys[e]);
    char kv[96];
    snprintf(kv, sizeof kv, "%s.%s", key, sv);
    if (!strcmp(key, "kind") && strcmp(cm_i18n_word(lang, "kind.", sv), sv) != 0) {
      snprintf(text, sizeof text, "%s", cm_i18n_word(lang, "kind.", sv));
    } else if (is_enum && strcmp(cm_i18n_word(lang, "col.", kv), kv) != 0) {
      /* a value whose word depends on its column (a feedback's "received") */
      snprintf(text, sizeof text, "%s", cm_i18n_word(lang, "col.", kv));
    } else if (is_enum && strcmp(cm_i18n_word(lang, "col.", sv), sv) != 0) {
      snprintf(text, sizeof text, "%s", cm_i18n_word(lang, "col.", sv));
    } else if (slash && slash - sv == 64 && strspn(sv, "0123456789abcdef") == 64) {
      const char *who = json_string_value(json_object_get(row, "signed_by"));
      if (!who) who = json_string_value(json_object_get(row, "community"));
      snprintf(text, sizeof text, "%s%s%s%s%s", who ? who : "", who ? " " : "",
               cm_i18n_t(lang, "ref.before"), slash + 1, cm_i18n_t(lang, "ref.after"));
    } else if (strlen(sv) >= 16 && sv[10] == 'T') {
      cm_html_iso_text(sv, text, sizeof text);
    }
  }
  return text[0] ? json_string(text) : json_incref(v);
}

const char *hub_table_title(cm_lang lang, const char *table) {
  const char *w = cm_i18n_word(lang, "tbl.", table);
  return w != table ? w : cm_i18n_word(lang, "col.", table);
}

cm_rc hub_table_from(const json_t *j, const char *name, cm_lang lang, int words, hub_table *out,
                     cm_err *err) {
  const json_t *arr = json_object_get(j, name ? name : "");
  const json_t *first = json_array_get(arr, 0);
  const char *k;
  json_t *v;
  memset(out, 0, sizeof *out);
  if (!json_is_array(arr))
    return cm_errf(err, CM_ERR_NOT_FOUND, "这项数据里没有“%s”这张表", name ? name : "");
  out->head = json_array();
  out->rows = json_array();
  if (!out->head || !out->rows) goto nomem;
  if (json_is_object(first)) {
    json_object_foreach((json_t *)first, k, v) {
      json_t *w = json_string(words ? column_word(lang, name, k) : k);
      if (!w || json_array_append_new(out->head, w)) goto nomem;
    }
  }
  for (size_t i = 0; i < json_array_size(arr); i++) {
    const json_t *row = json_array_get(arr, i);
    json_t *cells = json_array();
    if (!cells || json_array_append_new(out->rows, cells)) goto nomem;
    json_object_foreach((json_t *)first, k, v) {
      json_t *c = json_object_get(row, k);
      json_t *cell = !c ? json_null() : words ? cell_words(row, k, c, lang) : json_incref(c);
      if (!cell || json_array_append_new(cells, cell)) goto nomem;
    }
  }
  return CM_OK;
nomem:
  hub_table_free(out);
  return cm_errf(err, CM_ERR_NOMEM, "内存不足");
}

void hub_table_free(hub_table *t) {
  if (!t) return;
  json_decref(t->head);
  json_decref(t->rows);
  t->head = t->rows = NULL;
}

cm_rc hub_table_csv(const hub_table *t, cm_buf *out, cm_err *err) {
  cm_rc rc = cm_buf_append(out, CM_CSV_BOM, 3);
  if (!rc && json_array_size(t->head)) rc = cm_csv_line(out, t->head);
  for (size_t i = 0; !rc && i < json_array_size(t->rows); i++)
    rc = cm_csv_line(out, json_array_get(t->rows, i));
  if (rc) return cm_errf(err, rc, "生成 CSV：%s", cm_strerror(rc));
  return CM_OK;
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

cm_rc hub_table_xlsx(const hub_table *t, const char *sheet, const char *dir, cm_buf *out,
                     cm_err *err) {
  char path[4096], name[4 * XLSX_SHEET_MAX + 8];
  size_t ncols = json_array_size(t->head);
  double *width = NULL; /* each column's widest text */
  lxw_error e = LXW_NO_ERROR;
  cm_rc rc = CM_OK;
  if (snprintf(path, sizeof path, "%s/.xlsx-XXXXXX", dir && dir[0] ? dir : ".") >=
      (int)sizeof path)
    return cm_errf(err, CM_ERR_INVALID, "目录路径太长");
  int fd = mkstemp(path);
  if (fd < 0) return cm_errf(err, CM_ERR_IO, "无法创建 Excel 文件：%s", strerror(errno));
  close(fd);
  lxw_workbook *wb = workbook_new(path);
  lxw_worksheet *ws = NULL;
  lxw_format *bold = NULL;
  sheet_name(sheet, name, sizeof name);
  if (wb) ws = workbook_add_worksheet(wb, name);
  if (wb) bold = workbook_add_format(wb);
  if (!wb || !ws || !bold) {
    rc = cm_errf(err, CM_ERR_NOMEM, "无法开始写 Excel 文件");
    goto out;
  }
  format_set_bold(bold);
  width = calloc(ncols + 1, sizeof *width);
  if (!width) {
    rc = cm_errf(err, CM_ERR_NOMEM, "内存不足");
    goto out;
  }
  for (size_t c = 0; !e && c < ncols; c++) {
    const char *h = json_string_value(json_array_get(t->head, c));
    e = worksheet_write_string(ws, 0, (lxw_col_t)c, h ? h : "", bold);
    width[c] = text_width(h ? h : "");
  }
  for (size_t r = 0; !e && r < json_array_size(t->rows); r++) {
    const json_t *cells = json_array_get(t->rows, r);
    for (size_t c = 0; !e && c < ncols; c++) {
      const json_t *v = json_array_get(cells, c);
      char num[32];
      const char *s = NULL;
      if (json_is_integer(v)) {
        e = worksheet_write_number(ws, (lxw_row_t)(r + 1), (lxw_col_t)c,
                                   (double)json_integer_value(v), NULL);
        snprintf(num, sizeof num, "%lld", (long long)json_integer_value(v));
        s = num;
      } else if (json_is_string(v) && json_string_length(v)) {
        s = json_string_value(v);
        e = worksheet_write_string(ws, (lxw_row_t)(r + 1), (lxw_col_t)c, s, NULL);
      } else if (json_is_boolean(v)) {
        s = json_is_true(v) ? "true" : "false";
        e = worksheet_write_string(ws, (lxw_row_t)(r + 1), (lxw_col_t)c, s, NULL);
      }
      if (s && text_width(s) > width[c]) width[c] = text_width(s);
    }
  }
  for (size_t c = 0; !e && c < ncols; c++)
    e = worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c,
                             (width[c] > XLSX_WIDTH_MAX ? XLSX_WIDTH_MAX : width[c]) + 2, NULL);
  if (!e) worksheet_freeze_panes(ws, 1, 0);
  if (e) rc = cm_errf(err, CM_ERR_IO, "写 Excel 文件：%s", lxw_strerror(e));
out:
  free(width);
  if (wb) {
    lxw_error ce = workbook_close(wb);
    if (!rc && ce) rc = cm_errf(err, CM_ERR_IO, "写 Excel 文件：%s", lxw_strerror(ce));
  }
  if (!rc) rc = read_file(path, out, err);
  unlink(path);
  return rc;
}
