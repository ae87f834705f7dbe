/* web_attach.c - attachments on the staff page: the organisation page's list
 * of files and its file input (a multipart form, read by common/http_server.c),
 * the held files themselves, and the organisation's archive as a printable
 * page and as a ZIP.  Attaching goes through node_attach(), as the command
 * line does, so the checks (type by magic bytes, size caps) are the same. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../common/attach.h"
#include "attach.h"
#include "dossier.h"
#include "web_app.h"

/* The caps in force, under a file input (the district may change them). */
static void caps_line(node_web_rq *rq) {
  uint64_t file_max, year_max;
  node_attach_caps(node_web_db(rq), &file_max, &year_max);
  cm_html_printf(&rq->h, "<p class=\"muted\" id=\"att-caps\">%w %llu MB，%w %llu MB</p>",
                 "att.cap_file", (unsigned long long)(file_max >> 20), "att.cap_year",
                 (unsigned long long)(year_max >> 20));
}

void node_web_attach_section(node_web_rq *rq, const char *org, const char *title,
                             const char *heading, const cm_err *e) {
  json_t *list = NULL;
  const json_t *a;
  size_t i;
  cm_err le;
  cm_err_clear(&le);
  cm_html_printf(&rq->h, "<h2 id=\"files\">%w</h2>", "att.title");
  cm_html_printf(&rq->h,
                 "<div class=\"actions\"><a class=\"button plain\" id=\"dossier\" "
                 "href=\"/orgs/%U/dossier\">%w</a><a class=\"button plain\" id=\"dossier-zip\" "
                 "href=\"/orgs/%U/dossier.zip\">%w</a></div>",
                 org, "att.dossier", org, "att.zip");
  if (node_attach_list(node_web_db(rq), org, 1, 0, &list, &le) == CM_OK &&
      json_array_size(list) > 0) {
    cm_html_printf(&rq->h, "<table id=\"attachments\"><tr><th>%w</th><th>%w</th><th>%w</th>"
                           "<th>%w</th><th>%w</th></tr>",
                   "att.name", "att.heading", "att.type", "att.size", "att.time");
    json_array_foreach(list, i, a) {
      char sz[32];
      cm_att_size_text((uint64_t)node_web_ji(a, "size"), sz, sizeof sz);
      cm_html_printf(&rq->h, "<tr><td><a href=\"/files/%U\" target=\"_blank\">%h</a></td>"
                             "<td>%h</td><td>%h</td><td>%h</td><td>",
                     node_web_js(a, "hash"), node_web_js(a, "title"),
                     node_web_js(a, "heading_label"),
                     cm_att_type_label(node_web_js(a, "type")), sz);
      cm_html_time(&rq->h, (uint64_t)node_web_ji(a, "time_ms"));
      if (json_is_true(json_object_get(a, "refused")))
        cm_html_printf(&rq->h, " <span class=\"status-rejected\" data-status=\"refused\">%w</span>", "att.refused");
      cm_html_raw(&rq->h, "</td></tr>");
    }
    cm_html_raw(&rq->h, "</table>");
  } else {
    cm_html_printf(&rq->h, "<p class=\"muted\">%w</p>", "att.none");
  }
  json_decref(list);
  if (e) node_web_refusal(rq, e);
  cm_html_printf(&rq->h,
                 "<form class=\"rec\" id=\"attach\" method=\"post\" enctype=\"multipart/form-data\" "
                 "action=\"/orgs/%U/files#files\"><input type=\"hidden\" name=\"csrf\" value=\"%h\">",
                 org, rq->app->csrf);
  cm_html_input(&rq->h, "file", "file", "att.file", "", 1,
                "accept=\"application/pdf,image/jpeg,image/png,.pdf,.jpg,.jpeg,.png\"",
                "att.file_hint");
  caps_line(rq);
  cm_html_input(&rq->h, "text", "title", "att.name", title ? title : "", 1, "maxlength=\"60\"",
                NULL);
  cm_html_select_begin(&rq->h, "heading", "att.heading", 1);
  for (i = 0; i < sizeof cm_att_headings / sizeof cm_att_headings[0]; i++)
    cm_html_option(&rq->h, cm_att_headings[i].key, cm_att_headings[i].label,
                   heading ? strcmp(heading, cm_att_headings[i].key) == 0 : i == 0);
  cm_html_select_end(&rq->h, NULL);
  node_web_form_end(rq, "att.add");
}

/* Write the uploaded bytes to a private temporary file in the node's folder
 * and attach it; the temporary file is always removed. */
/* In a refusal, the temporary path becomes the name the staff chose. */
static void name_in_msg(cm_err *e, const char *tmp, const char *fname) {
  char *at = strstr(e->msg, tmp);
  if (!at) return;
  char rest[sizeof e->msg];
  snprintf(rest, sizeof rest, "%s", at + strlen(tmp));
  snprintf(at, sizeof e->msg - (size_t)(at - e->msg), "%s%s", fname && *fname ? fname : "",
           rest);
}

static cm_rc attach_bytes(node_web_rq *rq, const char *org, const uint8_t *p, size_t len,
                          const char *fname, const char *title, const char *heading,
                          const char *record, cm_err *e) {
  char tmp[1100];
  snprintf(tmp, sizeof tmp, "%s/upload-XXXXXX", rq->app->dir);
  int fd = mkstemp(tmp);
  if (fd < 0) return cm_errf(e, CM_ERR_IO, "无法保存上传的文件：%s", tmp);
  size_t off = 0;
  while (off < len) {
    ssize_t n = write(fd, p + off, len - off);
    if (n <= 0) break;
    off += (size_t)n;
  }
  close(fd);
  cm_rc rc;
  if (off != len) {
    rc = cm_errf(e, CM_ERR_IO, "无法保存上传的文件（磁盘已满？）");
  } else {
    node_attach_input in = {org, tmp, title, heading, record};
    char hash[CM_ATT_HEX];
    rc = node_attach(node_web_db(rq), &in, hash, NULL, e);
    if (rc) name_in_msg(e, tmp, fname);
  }
  unlink(tmp);
  return rc;
}

void node_web_h_attach(cm_http_req *req, cm_http_resp *resp, void *ctx) {
  node_web_rq rq;
  cm_err e;
  size_t len = 0;
  const char *fname = NULL;
  if (!node_web_begin(&rq, req, resp, ctx)) return;
  cm_err_clear(&e);
  const char *org = cm_http_param(req, 0);
  const char *title = cm_http_form(req, "title", 0);
  const char *heading = cm_http_form(req, "heading", 0);
  const uint8_t *p = cm_http_form_file(req, "file", &len, &fname);
  cm_rc rc;
  if (!p || len == 0)
    rc = cm_errf(&e, CM_ERR_INVALID, "请选择要上传的文件（PDF、JPEG 或 PNG）");
  else if (!title || !*title)
    rc = cm_errf(&e, CM_ERR_INVALID, "请填写附件标题");
  else
    rc = attach_bytes(&rq, org, p, len, fname, title, heading && *heading ? heading : NULL, NULL,
                      &e);
  if (rc) {
    node_web_org_page(&rq, org, title, heading, &e, cm_rc_http_status(rc));
    return;
  }
  char loc[300];
  snprintf(loc, sizeof loc, "/orgs/%s?ok=attach#files", org);
  node_web_redirect(&rq, loc);
}

void node_web_attach_inputs(node_web_rq *rq) {
  const char *title = cm_http_form(rq->req, "file_title", 0);
  cm_html_input(&rq->h, "file", "file", "att.file_opt", "", 0,
                "accept=\"application/pdf,image/jpeg,image/png,.pdf,.jpg,.jpeg,.png\"",
                "att.file_opt_hint");
  caps_line(rq);
  cm_html_input(&rq->h, "text", "file_title", "att.name", title ? title : "", 0,
                "maxlength=\"60\"", NULL);
}

cm_rc node_web_attach_precheck(node_web_rq *rq, cm_err *e) {
  size_t len = 0;
  const char *fname = NULL;
  const uint8_t *p = cm_http_form_file(rq->req, "file", &len, &fname);
  if (!p || len == 0) return CM_OK;
  return node_attach_check_bytes(node_web_db(rq), p, len, fname, e);
}

cm_rc node_web_attach_to(node_web_rq *rq, const char *org, const char *rec, cm_err *e) {
  size_t len = 0;
  const char *fname = NULL;
  const uint8_t *p = cm_http_form_file(rq->req, "file", &len, &fname);
  const char *title = cm_http_form(rq->req, "file_title", 0);
  char name[200];
  if (!p || len == 0) return CM_OK;
  if (!title || !*title) {
    /* the file's own name, without its extension */
    snprintf(name, sizeof name, "%s", fname && *fname ? fname : "附件");
    char *dot = strrchr(name, '.');
    if (dot && dot != name) *dot = '\0';
    /* a name cut short by the buffer ends on a whole UTF-8 character */
    size_t n = strlen(name);
    if (n == sizeof name - 1)
      while (n > 0 && ((unsigned char)name[n - 1] & 0xC0) == 0x80) name[--n] = '\0';
    if (n > 0 && (unsigned char)name[n - 1] >= 0xC0) name[--n] = '\0';
    title = name;
  }
  cm_rc rc = attach_bytes(rq, org, p, len, fname, title, NULL, rec, e);
  if (rc) {
    char why[sizeof e->msg];
    snprintf(why, sizeof why, "%s", e->msg);
    cm_errf(e, rc, "记录已保存，但附件没有附上：%s。可以在组织页面重新上传", why);
  }
  return rc;
}

/* A held file, by its hash, with the type it was stored as. */
void node_web_h_file(cm_http_req *req, cm_http_resp *resp, void *ctx) {
  node_web_rq rq;
  cm_err e;
  cm_att_store st;
  uint8_t *data = NULL;
  size_t len = 0;
  if (!node_web_begin(&rq, req, resp, ctx)) return;
  cm_err_clear(&e);
  const char *hash = cm_http_param(req, 0);
  int ok = strlen(hash) == 64 && strspn(hash, "0123456789abcdef") == 64;
  if (!ok || node_attach_store(node_web_db(&rq), &st, &e) ||
      cm_att_load(&st, hash, CM_ATT_FILE_MAX * 10, &data, &len, &e)) {
    node_web_end(&rq, 0);
    cm_http_resp_set(resp, 404, "text/plain; charset=utf-8", "没有这个文件", strlen("没有这个文件"));
    return;
  }
  node_web_end(&rq, 0);
  const char *type = cm_att_sniff(data, len);
  cm_http_resp_set(resp, 200, type ? type : "application/octet-stream", data, len);
  free(data);
}

void node_web_h_dossier(cm_http_req *req, cm_http_resp *resp, void *ctx) {
  node_web_rq rq;
  cm_err e;
  cm_buf page;
  if (!node_web_begin(&rq, req, resp, ctx)) return;
  cm_err_clear(&e);
  cm_buf_init(&page, NODE_WEB_PAGE_MAX);
  cm_rc rc = node_dossier_write(node_web_db(&rq), cm_http_param(req, 0), NULL, &page, NULL, &e);
  node_web_end(&rq, 0);
  if (rc) {
    char part[sizeof e.msg];
    cm_i18n_msg_part(CM_LANG_ZH, e.msg, part, sizeof part);
    cm_http_resp_set(resp, cm_rc_http_status(rc), "text/plain; charset=utf-8", part,
                     strlen(part));
  } else {
    cm_http_resp_set(resp, 200, "text/html; charset=utf-8", page.p, page.len);
  }
  cm_buf_free(&page);
}

/* The whole file at path (the ZIP just written) into *out. */
static cm_rc read_whole(const char *path, uint8_t **out, size_t *len_out, cm_err *e) {
  FILE *f = fopen(path, "rb");
  long n = -1;
  if (f && fseek(f, 0, SEEK_END) == 0) n = ftell(f);
  if (n < 0 || (f && fseek(f, 0, SEEK_SET) != 0)) {
    if (f) fclose(f);
    return cm_errf(e, CM_ERR_IO, "无法读取档案压缩包");
  }
  *out = malloc((size_t)n + 1);
  if (!*out || fread(*out, 1, (size_t)n, f) != (size_t)n) {
    fclose(f);
    free(*out);
    *out = NULL;
    return cm_errf(e, CM_ERR_IO, "无法读取档案压缩包");
  }
  fclose(f);
  *len_out = (size_t)n;
  return CM_OK;
}

void node_web_h_dossier_zip(cm_http_req *req, cm_http_resp *resp, void *ctx) {
  node_web_rq rq;
  cm_err e;
  char tmp[1100], disp[200];
  uint8_t *data = NULL;
  size_t len = 0;
  unsigned files = 0;
  if (!node_web_begin(&rq, req, resp, ctx)) return;
  cm_err_clear(&e);
  const char *org = cm_http_param(req, 0);
  snprintf(tmp, sizeof tmp, "%s/dossier-XXXXXX", rq.app->dir);
  int fd = mkstemp(tmp);
  cm_rc rc = fd < 0 ? cm_errf(&e, CM_ERR_IO, "无法写临时文件") : CM_OK;
  if (fd >= 0) close(fd);
  if (!rc) rc = node_dossier_write(node_web_db(&rq), org, tmp, NULL, &files, &e);
  if (!rc) rc = read_whole(tmp, &data, &len, &e);
  if (fd >= 0) unlink(tmp);
  node_web_end(&rq, 0);
  if (rc) {
    char part[sizeof e.msg];
    cm_i18n_msg_part(CM_LANG_ZH, e.msg, part, sizeof part);
    cm_http_resp_set(resp, cm_rc_http_status(rc), "text/plain; charset=utf-8", part,
                     strlen(part));
    return;
  }
  snprintf(disp, sizeof disp, "attachment; filename=\"dossier-%s.zip\"", org);
  cm_http_resp_header(resp, "Content-Disposition", disp);
  cm_http_resp_set(resp, 200, "application/zip", data, len);
  free(data);
}
