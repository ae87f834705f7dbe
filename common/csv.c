/* csv.c - CSV lines for spreadsheets (common/csv.h). */
#include "csv.h"

#include <stdio.h>
#include <string.h>

/* Append one CSV field. */
static cm_rc csv_field(cm_buf *b, const json_t *v) {
  char num[32];
  const char *s = "";
  int is_text = 0;
  if (json_is_string(v)) {
    s = json_string_value(v);
    is_text = 1;
  } else if (json_is_integer(v)) {
    snprintf(num, sizeof num, "%lld", (long long)json_integer_value(v));
    s = num;
  } else if (json_is_true(v)) {
    s = "true";
  } else if (json_is_false(v)) {
    s = "false";
  }
  /* A cell starting with = + - @ would be a formula to a spreadsheet. */
  int formula = is_text && s[0] && strchr("=+-@\t\r", s[0]) != NULL;
  int quote = formula || strpbrk(s, ",\"\r\n") != NULL;
  cm_rc rc = CM_OK;
  if (quote) rc = cm_buf_append(b, "\"", 1);
  if (!rc && formula) rc = cm_buf_append(b, "'", 1);
  for (const char *q = s; !rc && *q; q++) {
    rc = cm_buf_append(b, q, 1);
    if (!rc && *q == '"') rc = cm_buf_append(b, "\"", 1);
  }
  if (!rc && quote) rc = cm_buf_append(b, "\"", 1);
  return rc;
}

cm_rc cm_csv_line(cm_buf *b, const json_t *arr) {
  cm_rc rc = CM_OK;
  for (size_t i = 0; !rc && i < json_array_size(arr); i++) {
    if (i) rc = cm_buf_append(b, ",", 1);
    if (!rc) rc = csv_field(b, json_array_get(arr, i));
  }
  return rc ? rc : cm_buf_append(b, "\r\n", 2);
}

cm_rc cm_csv_table(cm_buf *b, const json_t *head, const json_t *rows, cm_err *err) {
  cm_rc rc = cm_buf_append(b, CM_CSV_BOM, 3);
  if (!rc && json_array_size(head)) rc = cm_csv_line(b, head);
  for (size_t i = 0; !rc && i < json_array_size(rows); i++)
    rc = cm_csv_line(b, json_array_get(rows, i));
  if (rc) return cm_errf(err, rc, "生成 CSV：%s", cm_strerror(rc));
  return CM_OK;
}
