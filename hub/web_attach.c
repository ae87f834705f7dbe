/* web_attach.c - the HTTP routes of files (hub/web_attach.h). */
#include "web_attach.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/codec.h"
#include "../common/html.h"
#include "apictx.h"
#include "attach.h"
#include "forward.h"
#include "web.h"

/* The answer of a refused upload (with where to continue on a conflict). */
static void refuse(cm_http_resp *resp, cm_rc rc, const cm_err *err, json_t *extra) {
  cm_http_resp_error(resp, cm_rc_http_status(rc), rc, err->msg[0] ? err->msg : cm_strerror(rc),
                     extra);
}

/* The signed caller and the target of an upload route; answers by itself and
 * returns non-zero when the request may not go on. */
static int begin_upload(cm_http_req *req, cm_http_resp *resp, hub_api *api, hub_att_target *t) {
  uint8_t caller[PROTO_KEY_BYTES];
  cm_err err;
  cm_err_clear(&err);
  if (hub_api_verify_signed(req, resp, caller) != CM_OK) return 1;
  cm_rc rc = hub_attach_target(api->hub, caller, cm_http_param(req, 0),
                               cm_http_query(req, "record"), t, &err);
  if (rc) {
    /* "refused": the pusher counts the file settled and goes on to the next */
    refuse(resp, rc, &err, t->refused ? json_pack("{s:b}", "refused", 1) : NULL);
    return 1;
  }
  return 0;
}

static json_t *status_json(const hub_att_target *t, int have, uint64_t offset) {
  return json_pack("{s:s,s:b,s:I,s:I,s:b}", "hash", t->hash, "have", have, "offset",
                   (json_int_t)offset, "size", (json_int_t)t->size, "wanted", t->wanted);
}

/* ROUTE: GET /api/v1/files/{hash}/upload?record=R */
void hub_web_file_upload_status(cm_http_req *req, cm_http_resp *resp, void *ctx) {
  hub_api *api = ctx;
  hub_att_target t;
  int have = 0;
  uint64_t offset = 0;
  cm_err err;
  cm_err_clear(&err);
  if (begin_upload(req, resp, api, &t)) return;
  cm_rc rc = hub_attach_status(api->hub, &t, &have, &offset, &err);
  if (rc)
    refuse(resp, rc, &err, NULL);
  else
    cm_http_resp_json(resp, 200, status_json(&t, have, offset));
}

/* ROUTE: PUT /api/v1/files/{hash}/upload?record=R&offset=N */
void hub_web_file_upload(cm_http_req *req, cm_http_resp *resp, void *ctx) {
  hub_api *api = ctx;
  hub_att_target t;
  uint64_t offset = 0, held = 0;
  int done = 0;
  size_t len = 0;
  cm_err err;
  cm_err_clear(&err);
  if (begin_upload(req, resp, api, &t)) return;
  const uint8_t *body = cm_http_body(req, &len);
  const char *o = cm_http_query(req, "offset");
  cm_rc rc = CM_OK;
  if (!o || cm_dec_u64(o, &offset))
    rc = cm_errf(&err, CM_ERR_INVALID, "offset 应为十进制字节数");
  else if (len == 0 || len > CM_ATT_CHUNK)
    rc = cm_errf(&err, CM_ERR_INVALID, "每次上传 1 到 %u 字节", CM_ATT_CHUNK);
  if (!rc) rc = hub_attach_receive(api->hub, &t, offset, body, len, &held, &done, &err);
  if (rc == CM_ERR_CONFLICT) {
    refuse(resp, rc, &err, json_pack("{s:I}", "offset", (json_int_t)held));
  } else if (rc) {
    refuse(resp, rc, &err, NULL);
  } else {
    cm_http_resp_json(resp, 200, status_json(&t, done, held));
    /* a whole file at a street hub is due upstream now */
    if (done) hub_forward_wake(api->fw);
  }
}

/* ROUTE: GET /api/v1/files/{hash}/data?record=R&offset=N */
void hub_web_file_data(cm_http_req *req, cm_http_resp *resp, void *ctx) {
  hub_api *api = ctx;
  hub_att_target t;
  cm_att_store st;
  uint64_t offset = 0;
  uint8_t *buf = NULL;
  size_t n = 0;
  cm_err err;
  cm_err_clear(&err);
  if (begin_upload(req, resp, api, &t)) return;
  const char *o = cm_http_query(req, "offset");
  cm_rc rc = hub_attach_store(api->hub, &st, &err);
  if (!rc && o && cm_dec_u64(o, &offset))
    rc = cm_errf(&err, CM_ERR_INVALID, "offset 应为十进制字节数");
  if (!rc && !cm_att_has(&st, t.hash)) rc = cm_errf(&err, CM_ERR_NOT_FOUND, "这里没有这个附件");
  if (!rc && offset >= t.size)
    rc = cm_errf(&err, CM_ERR_INVALID, "offset 应小于附件的大小（%llu 字节）",
                 (unsigned long long)t.size);
  if (!rc && !(buf = malloc(CM_ATT_CHUNK))) rc = cm_errf(&err, CM_ERR_NOMEM, "内存不足");
  if (!rc) rc = cm_att_read_at(&st, t.hash, offset, buf, CM_ATT_CHUNK, &n, &err);
  if (!rc) rc = cm_http_resp_set(resp, 200, "application/octet-stream", buf, n);
  if (rc) refuse(resp, rc, &err, NULL);
  free(buf);
}

/* A held file to a logged-in operator: shown inline, or as a download
 * (Content-Disposition: attachment, named by ?title=) when download is 1. */
static void serve_file(cm_http_req *req, cm_http_resp *resp, void *ctx, int download) {
  hub_web_req w;
  cm_att_store st;
  uint8_t *data = NULL;
  size_t len = 0;
  char disp[800];
  cm_err err;
  cm_err_clear(&err);
  if (!hub_web_begin(&w, req, resp, ctx, HUB_WEB_LOGIN)) return;
  /* A street-bound operator at a district: only its street's files. */
  cm_rc rc = hub_attach_visible(w.hub, w.s.op.street, cm_http_param(req, 0), &err);
  if (!rc) rc = hub_attach_store(w.hub, &st, &err);
  if (!rc) rc = cm_att_load(&st, cm_http_param(req, 0), 10 * CM_ATT_FILE_MAX, &data, &len, &err);
  const char *type = rc ? NULL : cm_att_sniff(data, len);
  if (!rc && !type) rc = cm_errf(&err, CM_ERR_NOT_FOUND, "没有这个附件");
  if (rc) {
    refuse(resp, rc, &err, NULL);
  } else {
    rc = cm_http_resp_set(resp, 200, type, data, len);
    /* Shown inline (a PDF in the browser's viewer, an image in a page of
     * this hub) under the pages' CSP (no script, nothing from elsewhere) and
     * never sniffed as another type: hub_web_begin sent those headers. */
    if (download)
      cm_att_disposition(cm_http_param(req, 0), type, cm_http_query(req, "title"), disp,
                         sizeof disp);
    cm_http_resp_header(resp, "Content-Disposition", download ? disp : "inline");
    cm_http_resp_header(resp, "Cache-Control", "private, max-age=86400, immutable");
    if (rc) {
      cm_err_clear(&err);
      refuse(resp, rc, &err, NULL);
    }
  }
  free(data);
  hub_web_end(&w);
}

/* ROUTE: GET /api/v1/files/{hash} */
void hub_web_file_get(cm_http_req *req, cm_http_resp *resp, void *ctx) {
  serve_file(req, resp, ctx, 0);
}

/* ROUTE: GET /api/v1/files/{hash}/download?title=T */
void hub_web_file_download(cm_http_req *req, cm_http_resp *resp, void *ctx) {
  serve_file(req, resp, ctx, 1);
}

void hub_web_attach_show(hub_web_req *w, const cm_att_body *b) {
  cm_att_store st;
  char size[32];
  int held = hub_attach_store(w->hub, &st, NULL) == CM_OK && cm_att_has(&st, b->hash);
  cm_att_size_text(b->size, size, sizeof size);
  cm_html_printf(&w->h, "<div class=\"attachment\"><strong>%h</strong> · %h · %h · %h<br>",
                 b->title, cm_att_heading_label(b->heading), cm_att_type_label(b->type), size);
  if (!held) {
    cm_html_raw(&w->h, "<small class=\"reason\">文件尚未传到本级</small>");
  } else if (!strcmp(b->type, "application/pdf")) {
    cm_html_printf(&w->h, "<a href=\"/api/v1/files/%U\" target=\"_blank\" rel=\"noopener\" "
                          "class=\"file-pdf\">打开 PDF</a>", b->hash);
  } else {
    cm_html_printf(&w->h, "<a href=\"/api/v1/files/%U\" target=\"_blank\" rel=\"noopener\">"
                          "<img src=\"/api/v1/files/%U\" alt=\"%h\" width=\"320\" "
                          "class=\"file-image\"></a>", b->hash, b->hash, b->title);
  }
  if (held)
    cm_html_printf(&w->h, " <a href=\"/api/v1/files/%U/download?title=%U\" class=\"file-download\">"
                          "下载</a>", b->hash, b->title);
  cm_html_raw(&w->h, "</div>");
}

int hub_web_attach_cell(hub_web_req *w, const char *kind, const json_t *body) {
  cm_att_body b;
  if (!kind || strcmp(kind, CM_ATT_KIND) != 0) return 0;
  if (cm_att_read(body, &b, NULL) != CM_OK) return 0;
  hub_web_attach_show(w, &b);
  return 1;
}
