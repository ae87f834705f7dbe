/* csvimport.c - CSV parsing (RFC 4180) and the all-or-nothing import. */
#include "csvimport.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "../common/i18n.h"
#include "../common/buf.h"
#include "journal.h"
#include "records.h"

#define CSV_COLS 8
#define CSV_FIELD_MAX 8192

/* The header in Chinese, as staff write it in a spreadsheet; the English keys of
 * earlier files are still accepted (csv_header_en). */
static const char *const csv_header_zh[CSV_COLS] = {"备案编号", "月份", "活动次数", "参加人次",
                                                    "党员参加人次", "活动内容", "服务范围",
                                                    "好人好事"};
static const char *const csv_header_en[CSV_COLS] = {
    "org", "month", "activities", "participants", "party_participants", "content", "scope",
    "good_deeds"};

/* One parsed row: fields point into a per-row buffer. */
typedef struct csv_row {
  char *fields[CSV_COLS + 1];
  size_t n;          /* fields seen (may exceed CSV_COLS: counted, not kept) */
  size_t line;       /* line where the row starts */
  char *store;       /* backing memory */
} csv_row;

typedef struct csv_reader {
  const char *p, *end;
  size_t line;
} csv_reader;

/* A row refused by the records layer: its message (itself "中文 / English")
 * with the line number, kept in two parts so that a reader can take either. */
static void line_refused(cm_err *err, cm_rc rc, size_t line, const char *msg) {
  char zh[sizeof err->msg], en[sizeof err->msg];
  cm_i18n_msg_part(CM_LANG_ZH, msg, zh, sizeof zh);
  cm_i18n_msg_part(CM_LANG_EN, msg, en, sizeof en);
  cm_errf(err, rc, "第%zu行：%.300s（未导入任何记录） / line %zu: %.300s (nothing was imported)", line,
          zh, line, en);
}

/* Parse the next row; 0 at the end of input, 1 for a row, -1 on error. */
static int csv_next(csv_reader *r, csv_row *row, cm_err *err) {
  if (r->p >= r->end) return 0;
  size_t cap = (size_t)(r->end - r->p) + CSV_COLS + 1;
  char *out = malloc(cap);
  if (!out) {
    cm_errf(err, CM_ERR_NOMEM, "内存不足 / out of memory");
    return -1;
  }
  free(row->store);
  memset(row, 0, sizeof *row);
  row->store = out;
  row->line = r->line;
  size_t o = 0, start = 0;
  int quoted = 0, in_quotes = 0;
  for (;;) {
    int at_end = r->p >= r->end;
    char c = at_end ? '\n' : *r->p;
    if (in_quotes) {
      if (at_end) {
        cm_errf(err, CM_ERR_INVALID, "第%zu行：引号未闭合 / line %zu: unterminated quoted field",
                row->line, row->line);
        return -1;
      }
      r->p++;
      if (c == '"') {
        if (r->p < r->end && *r->p == '"') {
          out[o++] = '"';
          r->p++;
        } else {
          in_quotes = 0;
        }
      } else {
        if (c == '\n') r->line++;
        out[o++] = c;
      }
      continue;
    }
    if (c == '"' && o == start && !quoted) {
      quoted = in_quotes = 1;
      r->p++;
      continue;
    }
    if (c == ',' || c == '\n' || c == '\r') {
      out[o++] = 0;
      if (o - start - 1 > CSV_FIELD_MAX) {
        cm_errf(err, CM_ERR_INVALID, "第%zu行：有一栏过长 / line %zu: a field is too long",
                row->line, row->line);
        return -1;
      }
      if (row->n < CSV_COLS + 1) row->fields[row->n] = out + start;
      row->n++;
      start = o;
      quoted = 0;
      if (!at_end) r->p++;
      if (c == '\r' && r->p < r->end && *r->p == '\n') r->p++;
      if (c != ',') {
        r->line++;
        return 1;
      }
      continue;
    }
    if (quoted) {
      cm_errf(err, CM_ERR_INVALID, "第%zu行：引号后有多余的字符 / line %zu: text after a closing quote",
              row->line, row->line);
      return -1;
    }
    out[o++] = c;
    r->p++;
  }
}

/* A row holding one empty field (a blank line). */
static int blank(const csv_row *row) {
  return row->n == 1 && row->fields[0][0] == 0;
}

typedef struct import_job {
  json_t **bodies;
  size_t *lines;
  size_t n;
} import_job;

static cm_rc import_tx(node_ctx *ctx, void *arg, cm_err *err) {
  import_job *j = arg;
  cm_rc rc = CM_OK;
  for (size_t i = 0; !rc && i < j->n; i++) {
    cm_err e;
    cm_err_clear(&e);
    rc = node_report_append_in_tx(ctx, j->bodies[i], NULL, &e);
    if (rc)
      line_refused(err, rc, j->lines[i], e.msg);
  }
  return rc;
}

cm_rc node_import_reports_buf(node_ctx *ctx, const char *buf, size_t len, size_t *n_out,
                              cm_err *err) {
  csv_reader r = {buf, buf + len, 1};
  csv_row row;
  import_job j = {NULL, NULL, 0};
  size_t cap = 0;
  cm_rc rc = CM_OK;
  memset(&row, 0, sizeof row);
  if (n_out) *n_out = 0;
  if (len > NODE_CSV_MAX_BYTES) {
    rc = cm_errf(err, CM_ERR_TOO_LARGE, "CSV 文件超过 %u 字节 / CSV file over %u bytes", NODE_CSV_MAX_BYTES,
                 NODE_CSV_MAX_BYTES);
    goto out;
  }
  if (len >= 3 && !memcmp(buf, "\xEF\xBB\xBF", 3)) r.p += 3; /* Excel's UTF-8 BOM */
  int got = csv_next(&r, &row, err);
  if (got < 0) {
    rc = err ? err->rc : CM_ERR_INVALID;
    goto out;
  }
  int zh_ok = got == 1 && row.n == CSV_COLS, en_ok = zh_ok;
  for (size_t i = 0; (zh_ok || en_ok) && i < CSV_COLS; i++) {
    const char *f = row.fields[i];
    while (*f == ' ') f++;
    size_t fl = strlen(f);
    while (fl && f[fl - 1] == ' ') fl--;
    zh_ok = zh_ok && fl == strlen(csv_header_zh[i]) && !strncmp(f, csv_header_zh[i], fl);
    en_ok = en_ok && fl == strlen(csv_header_en[i]) && !strncmp(f, csv_header_en[i], fl);
  }
  int header_ok = zh_ok || en_ok;
  if (!header_ok) {
    rc = cm_errf(err, CM_ERR_INVALID,
                 "第1行：表头应为 备案编号,月份,活动次数,参加人次,党员参加人次,活动内容,服务范围,好人好事"
                 " / line 1: the header must be "
                 "备案编号,月份,活动次数,参加人次,党员参加人次,活动内容,服务范围,好人好事");
    goto out;
  }
  for (;;) {
    got = csv_next(&r, &row, err);
    if (got < 0) {
      rc = err ? err->rc : CM_ERR_INVALID;
      goto out;
    }
    if (got == 0) break;
    if (blank(&row)) continue;
    if (row.n != CSV_COLS) {
      rc = cm_errf(err, CM_ERR_INVALID, "第%zu行：应有%d栏，实有%zu栏 / line %zu: %d fields expected, %zu found",
                   row.line, CSV_COLS, row.n, row.line, CSV_COLS, row.n);
      goto out;
    }
    if (j.n >= NODE_CSV_MAX_ROWS) {
      rc = cm_errf(err, CM_ERR_TOO_LARGE, "超过 %u 行 / more than %u rows", NODE_CSV_MAX_ROWS,
                   NODE_CSV_MAX_ROWS);
      goto out;
    }
    node_report_input in = {row.fields[0], row.fields[1], row.fields[2], row.fields[3],
                            row.fields[4], row.fields[5], row.fields[6], row.fields[7]};
    json_t *body = NULL;
    cm_err e;
    cm_err_clear(&e);
    rc = node_report_build(ctx, &in, &body, &e);
    if (rc) {
      line_refused(err, rc, row.line, e.msg);
      goto out;
    }
    if (j.n == cap) {
      size_t nc = cap ? cap * 2 : 256;
      json_t **nb = realloc(j.bodies, nc * sizeof *nb);
      if (nb) j.bodies = nb;
      size_t *nl = realloc(j.lines, nc * sizeof *nl);
      if (nl) j.lines = nl;
      if (!nb || !nl) {
        json_decref(body);
        rc = cm_errf(err, CM_ERR_NOMEM, "内存不足 / out of memory");
        goto out;
      }
      cap = nc;
    }
    j.bodies[j.n] = body;
    j.lines[j.n] = row.line;
    j.n++;
  }
  if (j.n == 0) {
    rc = cm_errf(err, CM_ERR_INVALID, "CSV没有数据行 / the CSV file has no data rows");
    goto out;
  }
  rc = journal_tx(ctx, import_tx, &j, err);
  if (!rc && n_out) *n_out = j.n;
out:
  for (size_t i = 0; i < j.n; i++) json_decref(j.bodies[i]);
  free(j.bodies);
  free(j.lines);
  free(row.store);
  return rc;
}

cm_rc node_import_reports(node_ctx *ctx, const char *path, size_t *n_out, cm_err *err) {
  FILE *f = fopen(path, "rb");
  cm_buf b;
  char chunk[65536];
  cm_rc rc = CM_OK;
  cm_buf_init(&b, NODE_CSV_MAX_BYTES);
  if (!f) return cm_errf(err, CM_ERR_IO, "无法打开 %s / cannot open %s: %s", path, path,
                             strerror(errno));
  for (;;) {
    size_t n = fread(chunk, 1, sizeof chunk, f);
    if (n && (rc = cm_buf_append(&b, chunk, n)) != CM_OK) {
      cm_errf(err, rc, "%s 超过 %u 字节 / %s is over %u bytes", path, NODE_CSV_MAX_BYTES, path,
              NODE_CSV_MAX_BYTES);
      break;
    }
    if (n < sizeof chunk) {
      if (ferror(f)) rc = cm_errf(err, CM_ERR_IO, "无法读取 %s / cannot read %s", path, path);
      break;
    }
  }
  fclose(f);
  if (!rc) rc = node_import_reports_buf(ctx, b.p ? (const char *)b.p : "", b.len, n_out, err);
  cm_buf_free(&b);
  return rc;
}
