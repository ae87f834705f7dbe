/* table.c - a dashboard table as CSV or Excel from one set of rows (table.h). */
#define _POSIX_C_SOURCE 200809L
#include "table.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/csv.h"
#include "../common/xlsx.h"
#include "../common/html.h"


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
  return cm_csv_table(out, t->head, t->rows, err);
}

cm_rc hub_table_xlsx(const hub_table *t, const char *sheet, const char *dir, cm_buf *out,
                     cm_err *err) {
  return cm_xlsx_sheet(t->head, t->rows, sheet, dir, out, err);
}
