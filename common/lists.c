/* lists.c - the district's lists: the list.published body, the file an
 * operator publishes from, and lookups (common/lists.h). */
#include "lists.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const keys[CM_LIST_KINDS] = {"category", "industry", "unit"};
static const char *const labels[CM_LIST_KINDS] = {"组织类别", "行业", "主管单位"};

const char *cm_list_key(cm_list_kind k) {
  return (unsigned)k < CM_LIST_KINDS ? keys[k] : "";
}

const char *cm_list_label(cm_list_kind k) {
  return (unsigned)k < CM_LIST_KINDS ? labels[k] : "";
}

int cm_list_kind_of(const char *key) {
  for (int i = 0; key && i < CM_LIST_KINDS; i++)
    if (strcmp(key, keys[i]) == 0) return i;
  return -1;
}

int cm_list_code_ok(const char *code) {
  size_t n = code ? strlen(code) : 0;
  if (n == 0 || n > CM_LIST_CODE_MAX) return 0;
  for (size_t i = 0; i < n; i++) {
    char c = code[i];
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
          c == '-' || c == '_' || c == '.'))
      return 0;
  }
  return 1;
}

/* The items' bounds (n items, codes and names unique); line_of maps an index
 * to a file line for messages (NULL: item numbers). */
static cm_rc items_check(const json_t *items, const int *line_of, cm_err *err) {
  size_t n = json_array_size(items);
  if (!json_is_array(items) || n == 0)
    return cm_errf(err, CM_ERR_INVALID, "清单没有任何条目");
  if (n > CM_LIST_ITEMS_MAX)
    return cm_errf(err, CM_ERR_INVALID, "清单条目过多（%zu条，最多%d条）", n, CM_LIST_ITEMS_MAX);
  /* the street relays the district's entry inside its own: both must fit */
  if (json_dumpb(items, NULL, 0, JSON_COMPACT) > CM_LIST_BODY_MAX - 256)
    return cm_errf(err, CM_ERR_INVALID, "清单过大（最多约%u字节）", CM_LIST_BODY_MAX - 256);
  for (size_t i = 0; i < n; i++) {
    const json_t *it = json_array_get(items, i);
    const char *code = json_string_value(json_object_get(it, "code"));
    const char *name = json_string_value(json_object_get(it, "name"));
    int at = line_of ? line_of[i] : (int)i + 1;
    const char *where = line_of ? "行" : "条";
    if (!json_is_object(it) || !code || !name)
      return cm_errf(err, CM_ERR_INVALID, "第%d%s应有代码和名称", at, where);
    if (!cm_list_code_ok(code))
      return cm_errf(err, CM_ERR_INVALID,
                     "第%d%s的代码「%.40s」不合格式（1至%d个字母、数字或 - _ .）", at, where,
                     code, CM_LIST_CODE_MAX);
    if (*name == '\0' || strlen(name) > CM_LIST_NAME_MAX)
      return cm_errf(err, CM_ERR_INVALID, "第%d%s的名称应为1至%d字节", at, where,
                     CM_LIST_NAME_MAX);
    for (size_t j = 0; j < i; j++) {
      const json_t *o = json_array_get(items, j);
      if (strcmp(code, json_string_value(json_object_get(o, "code"))) == 0)
        return cm_errf(err, CM_ERR_INVALID, "第%d%s的代码「%s」重复", at, where, code);
      if (strcmp(name, json_string_value(json_object_get(o, "name"))) == 0)
        return cm_errf(err, CM_ERR_INVALID, "第%d%s的名称「%s」重复", at, where, name);
    }
  }
  return CM_OK;
}

cm_rc cm_list_check(const json_t *body, cm_list_kind *kind_out, cm_err *err) {
  int k = cm_list_kind_of(json_string_value(json_object_get(body, "list")));
  if (k < 0) return cm_errf(err, CM_ERR_INVALID, "「清单」只能是组织类别、行业或主管单位");
  if (kind_out) *kind_out = (cm_list_kind)k;
  return items_check(json_object_get(body, "items"), NULL, err);
}

/* Split line at its first separator (',', tab, or U+FF0C "，"): *name_out
 * after it.  0 when there is none. */
static int split(char *line, char **name_out) {
  char *comma = strchr(line, ','), *tab = strchr(line, '\t'), *wide = strstr(line, "\xef\xbc\x8c");
  char *cut = comma;
  size_t skip = 1;
  if (tab && (!cut || tab < cut)) cut = tab;
  if (wide && (!cut || wide < cut)) {
    cut = wide;
    skip = 3;
  }
  if (!cut) return 0;
  *cut = '\0';
  *name_out = cut + skip;
  return 1;
}

/* Trim ASCII spaces (and the line end) on both sides, in place. */
static char *trim(char *s) {
  while (*s == ' ' || *s == '\t') s++;
  size_t n = strlen(s);
  while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
    s[--n] = '\0';
  return s;
}

cm_rc cm_list_read_file(const char *path, json_t **items_out, cm_err *err) {
  FILE *f = fopen(path, "rb");
  char *text = NULL;
  int *line_of = NULL;
  json_t *items = NULL;
  size_t len = 0;
  int lineno = 0;
  cm_rc rc = CM_OK;

  *items_out = NULL;
  if (!f) return cm_errf(err, CM_ERR_IO, "无法打开清单文件 %s：%s", path, strerror(errno));
  text = malloc(CM_LIST_FILE_MAX + 1);
  items = json_array();
  line_of = calloc(CM_LIST_ITEMS_MAX + 1, sizeof *line_of);
  if (!text || !items || !line_of) {
    rc = cm_errf(err, CM_ERR_NOMEM, "内存不足");
    goto out;
  }
  len = fread(text, 1, CM_LIST_FILE_MAX + 1, f);
  if (ferror(f)) {
    rc = cm_errf(err, CM_ERR_IO, "无法读取清单文件 %s", path);
    goto out;
  }
  if (len > CM_LIST_FILE_MAX) {
    rc = cm_errf(err, CM_ERR_TOO_LARGE, "清单文件过大（最多%u字节）", CM_LIST_FILE_MAX);
    goto out;
  }
  text[len] = '\0';
  if (memchr(text, '\0', len)) {
    rc = cm_errf(err, CM_ERR_INVALID, "清单文件应为UTF-8文本");
    goto out;
  }
  char *p = text;
  if (strncmp(p, "\xef\xbb\xbf", 3) == 0) p += 3; /* a BOM from a spreadsheet */
  while (!rc && p && *p) {
    char *nl = strchr(p, '\n'), *name = NULL;
    if (nl) *nl = '\0';
    lineno++;
    char *line = trim(p);
    p = nl ? nl + 1 : NULL;
    if (*line == '\0' || *line == '#') continue;
    if (!split(line, &name)) {
      rc = cm_errf(err, CM_ERR_INVALID, "第%d行应为「代码,名称」", lineno);
      break;
    }
    if (json_array_size(items) >= CM_LIST_ITEMS_MAX) {
      rc = cm_errf(err, CM_ERR_INVALID, "清单条目过多（最多%d条）", CM_LIST_ITEMS_MAX);
      break;
    }
    line_of[json_array_size(items)] = lineno;
    json_t *it = json_pack("{s:s, s:s}", "code", trim(line), "name", trim(name));
    if (!it || json_array_append_new(items, it)) {
      /* json_pack refuses text that is not UTF-8 */
      rc = it ? cm_errf(err, CM_ERR_NOMEM, "内存不足")
              : cm_errf(err, CM_ERR_INVALID, "第%d行不是有效的UTF-8文字", lineno);
    }
  }
  if (!rc) rc = items_check(items, line_of, err);
  if (!rc) {
    *items_out = items;
    items = NULL;
  }
out:
  json_decref(items);
  free(line_of);
  free(text);
  fclose(f);
  return rc;
}

/* A string member of o, "" when absent. */
static const char *str(const json_t *o, const char *key) {
  const char *v = json_string_value(json_object_get(o, key));
  return v ? v : "";
}

const json_t *cm_list_find(const json_t *items, const char *text) {
  size_t i;
  const json_t *it;
  if (!text || !*text) return NULL;
  json_array_foreach(items, i, it) {
    if (strcmp(text, str(it, "code")) == 0 || strcmp(text, str(it, "name")) == 0) return it;
  }
  return NULL;
}

/* The first item of code, passing over items without one: cm_list_name and
 * cm_list_index_name both find names by this. */
static int code_is(const char *item_code, const char *code) {
  return item_code && strcmp(item_code, code) == 0;
}

const char *cm_list_name(const json_t *items, const char *code) {
  size_t i;
  const json_t *it;
  if (!code || !*code) return NULL;
  json_array_foreach(items, i, it) {
    if (code_is(json_string_value(json_object_get(it, "code")), code))
      return json_string_value(json_object_get(it, "name"));
  }
  return NULL;
}

cm_rc cm_list_index_make(const json_t *items, cm_list_index *out, cm_err *err) {
  size_t i;
  const json_t *it;
  out->n = 0;
  out->pairs = calloc(json_array_size(items) + 1, sizeof *out->pairs);
  if (!out->pairs) return cm_errf(err, CM_ERR_NOMEM, "读取名录时内存不足");
  json_array_foreach(items, i, it) {
    out->pairs[out->n++] = (struct cm_list_pair){
        json_string_value(json_object_get(it, "code")),
        json_string_value(json_object_get(it, "name"))};
  }
  return CM_OK;
}

const char *cm_list_index_name(const cm_list_index *ix, const char *code) {
  if (!code || !*code) return NULL;
  for (size_t i = 0; i < ix->n; i++)
    if (code_is(ix->pairs[i].code, code)) return ix->pairs[i].name;
  return NULL;
}

void cm_list_index_free(cm_list_index *ix) {
  free(ix->pairs);
  ix->pairs = NULL;
  ix->n = 0;
}
