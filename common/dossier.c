/* dossier.c - an organisation's archive: grouping, the page and the ZIP
 * (common/dossier.h). */
#include "dossier.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zip.h>

#include "html.h"
#include "i18n.h"

#define DOSSIER_PAGE_MAX (16u << 20)

void cm_dossier_init(cm_dossier *d, const char *org) {
  memset(d, 0, sizeof *d);
  snprintf(d->org, sizeof d->org, "%s", org ? org : "");
}

void cm_dossier_free(cm_dossier *d) {
  for (size_t i = 0; i < d->n; i++) {
    free(d->items[i].what);
    free(d->items[i].text);
    free(d->items[i].hash);
    free(d->items[i].type);
  }
  free(d->items);
  memset(d, 0, sizeof *d);
}

static const char *js(const json_t *o, const char *k) {
  const char *s = json_string_value(json_object_get(o, k));
  return s ? s : "";
}

static long long ji(const json_t *o, const char *k) {
  return (long long)json_integer_value(json_object_get(o, k));
}

/* An amendment's changes as "负责人：李华；成员人数：30". */
static void changes_text(const json_t *changes, char *out, size_t cap) {
  static const char *const keys[][2] = {
      {"name", "名称"},          {"category", "类别"},       {"leader", "负责人"},
      {"phone", "联系电话"},     {"members", "成员人数"},    {"party_members", "党员人数"},
      {"scope", "服务范围"},     {"venue", "活动场所"},      {"filed", "备案日期"}};
  size_t used = 0;
  out[0] = '\0';
  for (size_t i = 0; i < sizeof keys / sizeof keys[0] && used < cap; i++) {
    const json_t *v = json_object_get(changes, keys[i][0]);
    if (!v) continue;
    int n = json_is_integer(v) ? snprintf(out + used, cap - used, "%s%s：%lld", used ? "；" : "",
                                          keys[i][1], (long long)json_integer_value(v))
            : json_is_string(v) ? snprintf(out + used, cap - used, "%s%s：%s", used ? "；" : "",
                                           keys[i][1], json_string_value(v))
                                : 0;
    if (n > 0) used += (size_t)n < cap - used ? (size_t)n : cap - used - 1;
  }
}

/* What the entry says, in a line. */
static void summary(const char *kind, const json_t *b, char *out, size_t cap) {
  if (!strcmp(kind, "org.filed"))
    snprintf(out, cap, "%s；类别：%s；负责人：%s；成员 %lld 人（党员 %lld 人）", js(b, "name"),
             js(b, "category"), js(b, "leader"), ji(b, "members"), ji(b, "party_members"));
  else if (!strcmp(kind, "org.amended"))
    changes_text(json_object_get(b, "changes"), out, cap);
  else if (!strcmp(kind, "report.monthly"))
    snprintf(out, cap, "%s：活动 %lld 次，参加 %lld 人次（党员 %lld 人次）；%s", js(b, "month"),
             ji(b, "activities"), ji(b, "participants"), ji(b, "party_participants"),
             js(b, "content"));
  else if (!strcmp(kind, "activity.declared"))
    snprintf(out, cap, "%s %s，地点：%s，预计 %lld 人", js(b, "date"), js(b, "title"),
             js(b, "place"), ji(b, "expected"));
  else if (!strcmp(kind, CM_ATT_KIND))
    snprintf(out, cap, "%s", js(b, "title"));
  else if (!strcmp(kind, "plan.annual"))
    snprintf(out, cap, "%lld 年：%s", ji(b, "year"), js(b, "goals"));
  else if (!strcmp(kind, "summary.annual"))
    snprintf(out, cap, "%lld 年：%s", ji(b, "year"), js(b, "results"));
  else if (!strcmp(kind, "inspection.self"))
    snprintf(out, cap, "%lld 年度：活动 %lld 次，成员 %lld 人（党员 %lld 人）", ji(b, "year"),
             ji(b, "activities"), ji(b, "members"), ji(b, "party_members"));
  else if (!strcmp(kind, "roster.entry")) /* the name is sealed: the member's number only */
    snprintf(out, cap, "%lld号成员%s%s%s%s%s", ji(b, "member"),
             !strcmp(js(b, "action"), "leave") ? "退出，" : "，加入于",
             !strcmp(js(b, "action"), "leave") ? js(b, "left") : js(b, "joined"),
             json_is_true(json_object_get(b, "party_member")) ? "；党员" : "",
             json_is_true(json_object_get(b, "leader")) ? "；负责人：" : "",
             json_is_true(json_object_get(b, "leader")) ? js(b, "reason") : "");
  else if (!strcmp(kind, "pledge.set"))
    snprintf(out, cap, "服务承诺：%s", js(b, "pledge"));
  else if (!strcmp(kind, "funding.received"))
    snprintf(out, cap, "%lld年度 %s %lld.%02lld元；%s", ji(b, "year"), js(b, "source"),
             ji(b, "amount") / 100, ji(b, "amount") % 100, js(b, "purpose"));
  else if (json_object_get(b, "content"))
    snprintf(out, cap, "%s", js(b, "content"));
  else
    snprintf(out, cap, "%s", js(b, "reason"));
}

static int about(const char *org, const char *kind, const json_t *b) {
  if (!strcmp(js(b, "org"), org)) return 1;
  return !strncmp(kind, "org.", 4) && !strcmp(js(b, "id"), org);
}

cm_rc cm_dossier_add(cm_dossier *d, const char *kind, uint64_t time_ms, const void *body,
                     size_t len, cm_err *err) {
  json_t *b = json_loadb(body, len, 0, NULL);
  char text[1024], key[96];
  cm_rc rc = CM_OK;
  if (!json_is_object(b) || !about(d->org, kind, b)) goto out;
  if (d->n == d->cap) {
    size_t cap = d->cap ? d->cap * 2 : 32;
    cm_dossier_item *p = realloc(d->items, cap * sizeof *p);
    if (!p) {
      rc = cm_errf(err, CM_ERR_NOMEM, "生成档案时内存不足");
      goto out;
    }
    d->items = p;
    d->cap = cap;
  }
  cm_dossier_item *it = &d->items[d->n];
  memset(it, 0, sizeof *it);
  int is_file = !strcmp(kind, CM_ATT_KIND);
  const char *heading = is_file ? js(b, "heading") : cm_att_heading_of_kind(kind);
  it->heading = 0;
  for (int i = 0; i < 6; i++)
    if (!strcmp(cm_att_headings[i].key, heading)) it->heading = i;
  it->time_ms = time_ms;
  snprintf(key, sizeof key, "kind.%s", kind);
  it->what = strdup(cm_i18n_has(key) ? cm_i18n_t(CM_LANG_ZH, key) : "记录");
  summary(kind, b, text, sizeof text);
  it->text = strdup(text);
  if (is_file) {
    it->hash = strdup(js(b, "hash"));
    it->type = strdup(js(b, "type"));
    it->size = (uint64_t)json_integer_value(json_object_get(b, "size"));
  }
  if (!it->what || !it->text || (is_file && (!it->hash || !it->type))) {
    free(it->what);
    free(it->text);
    free(it->hash);
    free(it->type);
    rc = cm_errf(err, CM_ERR_NOMEM, "生成档案时内存不足");
    goto out;
  }
  d->n++;
  if (!strcmp(kind, "org.filed") || (!strcmp(kind, "org.amended") &&
                                     json_object_get(json_object_get(b, "changes"), "name"))) {
    const char *nm = !strcmp(kind, "org.filed") ? js(b, "name")
                                                : js(json_object_get(b, "changes"), "name");
    snprintf(d->name, sizeof d->name, "%s", nm);
  }
out:
  json_decref(b);
  return rc;
}

void cm_dossier_sort(cm_dossier *d) {
  /* an insertion sort keeps equal items in log order */
  for (size_t i = 1; i < d->n; i++) {
    cm_dossier_item t = d->items[i];
    size_t j = i;
    while (j > 0 && (d->items[j - 1].heading > t.heading ||
                     (d->items[j - 1].heading == t.heading && d->items[j - 1].time_ms > t.time_ms))) {
      d->items[j] = d->items[j - 1];
      j--;
    }
    d->items[j] = t;
  }
}


const char cm_dossier_css[] =
    "body{font-family:sans-serif;margin:2em;color:#222}"
    "h1{font-size:1.5em}h2{font-size:1.2em;border-bottom:1px solid #888;margin-top:1.6em}"
    "table{border-collapse:collapse;width:100%}"
    "td,th{border:1px solid #bbb;padding:4px 6px;text-align:left;vertical-align:top}"
    "th{background:#eee}th.when{width:9em}th.what{width:7em}"
    "img{max-width:100%;max-height:18cm;display:block;margin:4px 0}.none{color:#777}"
    ".pdf-note{border:1px solid #888;padding:4px 6px}"
    "@media print{body{margin:0}a{color:#000;text-decoration:none}h2{break-after:avoid}"
    "tr{break-inside:avoid}}";

cm_rc cm_dossier_html(const cm_dossier *d, const char *level, const char *files_href, int ext,
                      const char *css_href, const cm_att_store *st, cm_buf *out, cm_err *err) {
  cm_html h;
  cm_html_init(&h, DOSSIER_PAGE_MAX, CM_LANG_ZH);
  const char *name = d->name[0] ? d->name : d->org;
  cm_html_printf(&h, "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
                     "<title>%h档案</title>", name);
  if (css_href)
    cm_html_printf(&h, "<link rel=\"stylesheet\" href=\"%h\">", css_href);
  else
    cm_html_printf(&h, "<style>%r</style>", cm_dossier_css);
  cm_html_printf(&h, "</head><body><h1>%h档案</h1><p>备案编号：%h　　保存单位：%h　　共 %zu 项</p>",
                 name, d->org, level, d->n);
  /* A browser prints the page, not the PDFs it links (Chromium prints an
   * embedded PDF as an empty box): the index says so, and which to print. */
  size_t pdfs = 0;
  for (size_t i = 0; i < d->n; i++)
    pdfs += d->items[i].hash && !strcmp(d->items[i].type, "application/pdf");
  if (pdfs)
    cm_html_printf(&h, "<p class=\"pdf-note\" id=\"pdf-note\">打印本页时只含记录和图片；"
                       "其中的 %zu 份 PDF 文件不随本页打印，请在下表中点“打开 PDF”，"
                       "分别打印后附在本页之后。</p>",
                   pdfs);
  for (int hd = 0; hd < 6; hd++) {
    cm_html_printf(&h, "<h2 id=\"%r\">%h</h2>", cm_att_headings[hd].key,
                   cm_att_headings[hd].label);
    size_t shown = 0;
    for (size_t i = 0; i < d->n; i++) {
      const cm_dossier_item *it = &d->items[i];
      if (it->heading != hd) continue;
      if (!shown++)
        cm_html_raw(&h, "<table><thead><tr><th class=\"when\">时间</th>"
                        "<th class=\"what\">种类</th><th>内容</th></tr></thead><tbody>");
      cm_html_raw(&h, "<tr><td>");
      cm_html_time(&h, it->time_ms);
      cm_html_printf(&h, "</td><td>%h</td><td>%h", it->what, it->text);
      if (it->hash) {
        char href[200];
        snprintf(href, sizeof href, "%s%s%s", files_href, it->hash, ext ? cm_att_ext(it->type) : "");
        char size[32];
        cm_att_size_text(it->size, size, sizeof size);
        cm_html_printf(&h, "（%h，%h）", cm_att_type_label(it->type), size);
        if (st && !cm_att_has(st, it->hash))
          cm_html_raw(&h, "<br><span class=\"none\">文件未存到本级</span>");
        else if (!strcmp(it->type, "application/pdf"))
          cm_html_printf(&h, "<br><a href=\"%h\" class=\"file-pdf\">打开 PDF</a>（另行打印）", href);
        else
          cm_html_printf(&h, "<br><a href=\"%h\"><img src=\"%h\" alt=\"%h\" class=\"file-image\">"
                             "</a>", href, href, it->text);
      }
      cm_html_raw(&h, "</td></tr>");
    }
    cm_html_raw(&h, shown ? "</tbody></table>" : "<p class=\"none\">（无）</p>");
  }
  cm_html_raw(&h, "</body></html>\n");
  cm_rc rc = h.rc;
  if (rc)
    cm_errf(err, rc, "档案页超过上限");
  else
    rc = cm_buf_append(out, cm_html_str(&h), strlen(cm_html_str(&h)));
  if (rc && !err->msg[0]) cm_errf(err, rc, "写档案页时内存不足");
  cm_html_free(&h);
  return rc;
}

/* Add one member to the ZIP; level 0 stores it as it is (images and PDFs
 * are compressed already). */
static cm_rc zip_add(zipFile z, const char *name, const void *p, size_t len, int level,
                     cm_err *err) {
  zip_fileinfo zi;
  memset(&zi, 0, sizeof zi);
  zi.tmz_date.tm_year = 2026; /* a fixed date: the same archive gives the same bytes */
  zi.tmz_date.tm_mday = 1;
  zi.external_fa = 0644u << 16;
  if (zipOpenNewFileInZip(z, name, &zi, NULL, 0, NULL, 0, NULL, level ? Z_DEFLATED : 0, level) !=
          ZIP_OK ||
      zipWriteInFileInZip(z, p, (unsigned)len) != ZIP_OK || zipCloseFileInZip(z) != ZIP_OK)
    return cm_errf(err, CM_ERR_IO, "无法写入 ZIP 的 %s", name);
  return CM_OK;
}

cm_rc cm_dossier_zip(const cm_dossier *d, const char *level, const cm_att_store *st,
                     const char *path, unsigned *files_out, cm_err *err) {
  char tmp[1100];
  cm_buf page;
  unsigned files = 0;
  cm_buf_init(&page, DOSSIER_PAGE_MAX);
  snprintf(tmp, sizeof tmp, "%s.tmp", path);
  cm_rc rc = cm_dossier_html(d, level, "files/", 1, NULL, st, &page, err);
  if (rc) goto out;
  zipFile z = zipOpen(tmp, APPEND_STATUS_CREATE);
  if (!z) {
    rc = cm_errf(err, CM_ERR_IO, "无法写入 %s：%s", tmp, strerror(errno));
    goto out;
  }
  rc = zip_add(z, "index.html", page.p, page.len, 6, err);
  for (size_t i = 0; !rc && i < d->n; i++) {
    const cm_dossier_item *it = &d->items[i];
    uint8_t *data = NULL;
    size_t len = 0;
    char name[100];
    int seen = 0;
    if (!it->hash || !cm_att_has(st, it->hash)) continue;
    for (size_t k = 0; k < i; k++) seen |= d->items[k].hash && !strcmp(d->items[k].hash, it->hash);
    if (seen) continue; /* one file, named by several entries: stored once */
    snprintf(name, sizeof name, "files/%s%s", it->hash, cm_att_ext(it->type));
    rc = cm_att_load(st, it->hash, 10 * CM_ATT_FILE_MAX, &data, &len, err);
    if (!rc) rc = zip_add(z, name, data, len, 0, err);
    free(data);
    if (!rc) files++;
  }
  if (zipClose(z, NULL) != ZIP_OK && !rc) rc = cm_errf(err, CM_ERR_IO, "无法写完 %s", tmp);
  if (!rc) {
    int fd = open(tmp, O_RDONLY);
    if (fd < 0 || fsync(fd) != 0) rc = cm_errf(err, CM_ERR_IO, "无法写入 %s", tmp);
    if (fd >= 0) close(fd);
  }
  if (!rc && rename(tmp, path) != 0)
    rc = cm_errf(err, CM_ERR_IO, "无法保存 %s：%s", path, strerror(errno));
out:
  if (rc) unlink(tmp);
  if (files_out) *files_out = files;
  cm_buf_free(&page);
  return rc;
}
