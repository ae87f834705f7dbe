/* dashcli.c - dashboard answers printed or written as files (dashcli.h). */
#include "dashcli.h"

#include <stdio.h>

#include "../common/buf.h"
#include "../common/i18n.h"
#include "../common/term.h"
#include "table.h"

#define DASHCLI_FILE_MAX (64u << 20) /* bytes of a written table */

/* One cell as text into buf (cap bytes): a string as it is, an integer in
 * digits, null as nothing. */
static const char *cell_text(const json_t *c, char *buf, size_t cap) {
  if (json_is_string(c)) return json_string_value(c);
  buf[0] = '\0';
  if (json_is_integer(c)) snprintf(buf, cap, "%lld", (long long)json_integer_value(c));
  return buf;
}

/* A line of cells separated by tabs. */
static void print_line(const json_t *cells) {
  char num[32];
  for (size_t i = 0; i < json_array_size(cells); i++)
    cm_term_printf("%s%s", i ? "\t" : "", cell_text(json_array_get(cells, i), num, sizeof num));
  cm_term_printf("\n");
}

cm_rc hub_dashcli_print(const json_t *j, const char *const *tables, cm_err *err) {
  cm_rc rc = CM_OK;
  for (const char *const *first = tables; !rc && *tables; tables++) {
    hub_table t;
    rc = hub_table_from(j, *tables, CM_LANG_ZH, 1, &t, err);
    if (rc) break;
    printf("%s【%s】\n", tables == first ? "" : "\n", hub_table_title(CM_LANG_ZH, *tables));
    if (json_array_size(t.rows) == 0) {
      printf("%s\n", cm_i18n_word(CM_LANG_ZH, "col.", "none"));
    } else {
      print_line(t.head);
      for (size_t i = 0; i < json_array_size(t.rows); i++)
        print_line(json_array_get(t.rows, i));
    }
    hub_table_free(&t);
  }
  return rc;
}

cm_rc hub_dashcli_write(const json_t *j, const char *table, int xlsx, const char *dir,
                        const char *path, cm_err *err) {
  hub_table t;
  cm_buf b;
  FILE *f = NULL;
  cm_buf_init(&b, DASHCLI_FILE_MAX);
  cm_rc rc = hub_table_from(j, table, CM_LANG_ZH, 1, &t, err);
  if (!rc)
    rc = xlsx ? hub_table_xlsx(&t, hub_table_title(CM_LANG_ZH, table), dir, &b, err)
              : hub_table_csv(&t, &b, err);
  if (!rc) {
    f = fopen(path, "wb");
    if (!f || fwrite(b.p, 1, b.len, f) != b.len)
      rc = cm_errf(err, CM_ERR_IO, "无法写入文件“%s”", path);
    if (f && fclose(f) != 0 && !rc) rc = cm_errf(err, CM_ERR_IO, "无法写入文件“%s”", path);
  }
  hub_table_free(&t);
  cm_buf_free(&b);
  return rc;
}
