/* dossier.c - an organisation's archive at a hub (hub/dossier.h). */
#include "dossier.h"

#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../common/clock.h"
#include "../common/codec.h"
#include "attach.h"
#include "auth.h"
#include "store.h"
#include "web.h"

static cm_rc add_one(void *arg, uint64_t seq, const char *kind, uint64_t time_ms,
                     const void *body, size_t len, cm_err *err) {
  (void)seq;
  return cm_dossier_add(arg, kind ? kind : "", time_ms, body, len, err);
}

/* hub_dossier_build with the records of kind only (NULL: all). */
static cm_rc build(hub_ctx *ctx, const char *org, const char *kind, cm_dossier *d,
                   uint8_t author_out[PROTO_KEY_BYTES], cm_err *err) {
  uint8_t author[PROTO_KEY_BYTES];
  int found = 0, afound = 0;
  hub_author a;
  cm_dossier_init(d, org);
  pthread_mutex_lock(&ctx->lock);
  cm_rc rc = hub_store_org_holder(ctx->store, org, author, &found, err);
  if (!rc && !found) rc = cm_errf(err, CM_ERR_NOT_FOUND, "本级没有备案编号为 %s 的组织", org);
  if (!rc) rc = hub_store_author_entries(ctx->store, author, kind, add_one, d, err);
  /* decisions about it: this hub's own, and at a district its street's */
  if (!rc && memcmp(author, ctx->kp.pk, PROTO_KEY_BYTES) != 0)
    rc = hub_store_author_entries(ctx->store, ctx->kp.pk, kind, add_one, d, err);
  if (!rc) rc = hub_store_author_get(ctx->store, author, &a, &afound, err);
  if (!rc && afound && a.has_enrolled_by && memcmp(a.enrolled_by, ctx->kp.pk, PROTO_KEY_BYTES))
    rc = hub_store_author_entries(ctx->store, a.enrolled_by, kind, add_one, d, err);
  pthread_mutex_unlock(&ctx->lock);
  if (!rc) cm_dossier_sort(d);
  if (!rc && author_out) memcpy(author_out, author, PROTO_KEY_BYTES);
  return rc;
}

cm_rc hub_dossier_build(hub_ctx *ctx, const char *org, cm_dossier *d,
                        uint8_t author_out[PROTO_KEY_BYTES], cm_err *err) {
  return build(ctx, org, NULL, d, author_out, err);
}

cm_rc hub_dossier_files(hub_ctx *ctx, const char *org, json_t **out, cm_err *err) {
  cm_dossier d;
  cm_att_store st;
  json_t *files = json_array();
  *out = NULL;
  /* the files' records only: the whole archive parsed every record of the
   * community (its years of reports) at each request of the organisation */
  cm_rc rc = files ? build(ctx, org, CM_ATT_KIND, &d, NULL, err)
                   : cm_errf(err, CM_ERR_NOMEM, "内存不足");
  if (!rc) rc = hub_attach_store(ctx, &st, err);
  for (int hd = 0; !rc && hd < 6; hd++) {
    if (ctx->role == HUB_ROLE_DISTRICT && !hub_attach_heading_travels(ctx, cm_att_headings[hd].key))
      continue;
    for (size_t i = 0; !rc && i < d.n; i++) {
      const cm_dossier_item *it = &d.items[i];
      if (it->heading != hd || !it->hash) continue;
      char size[32], date[11];
      cm_att_size_text(it->size, size, sizeof size);
      cm_date_of(it->time_ms, date);
      json_t *f = json_pack("{s:s,s:s,s:s,s:I,s:s,s:s,s:s,s:b}", "title", it->text, "heading",
                            cm_att_headings[hd].label, "type", cm_att_type_label(it->type),
                            "size", (json_int_t)it->size, "size_text", size, "date", date,
                            "hash", it->hash, "held", cm_att_has(&st, it->hash));
      if (!f || json_array_append_new(files, f)) rc = cm_errf(err, CM_ERR_NOMEM, "内存不足");
    }
  }
  if (files) cm_dossier_free(&d);
  if (rc) {
    json_decref(files);
    return rc;
  }
  *out = files;
  return CM_OK;
}

void hub_dossier_level(const hub_ctx *ctx, char *out, size_t cap) {
  snprintf(out, cap, "%s%s", ctx->name, ctx->role == HUB_ROLE_DISTRICT ? "" : "街道分会");
}

/* The archive of the route's organisation, for an operator who may see it;
 * answers by itself and returns 0 when the request may not go on. */
static int begin(hub_web_req *w, cm_http_req *req, cm_http_resp *resp, void *ctx, cm_dossier *d,
                 cm_att_store *st) {
  uint8_t author[PROTO_KEY_BYTES];
  char hex[PROTO_KEY_HEX], street[HUB_NAME_MAX];
  cm_err err;
  cm_err_clear(&err);
  cm_dossier_init(d, "");
  if (!hub_web_begin(w, req, resp, ctx, HUB_WEB_LOGIN)) return 0;
  cm_rc rc = hub_dossier_build(w->hub, cm_http_param(req, 0), d, author, &err);
  if (!rc) {
    proto_key_hex(author, hex);
    hub_web_author_street(w, hex, street, sizeof street);
    if (!hub_auth_sees_street(&w->s, w->hub->role, street))
      rc = cm_errf(&err, CM_ERR_NOT_FOUND, "本级没有备案编号为 %s 的组织", cm_http_param(req, 0));
  }
  if (!rc) rc = hub_attach_store(w->hub, st, &err);
  if (rc) {
    cm_http_resp_error(resp, cm_rc_http_status(rc), rc, err.msg, NULL);
    hub_web_end(w);
    return 0;
  }
  return 1;
}

/* ROUTE: GET /dossier/{org} */
void hub_dossier_page(cm_http_req *req, cm_http_resp *resp, void *ctx) {
  hub_web_req w;
  cm_dossier d;
  cm_att_store st;
  cm_buf page;
  char level[HUB_NAME_MAX + 16];
  cm_err err;
  cm_err_clear(&err);
  if (!begin(&w, req, resp, ctx, &d, &st)) goto done;
  hub_dossier_level(w.hub, level, sizeof level);
  cm_buf_init(&page, 16u << 20);
  cm_rc rc = cm_dossier_html(&d, level, "/api/v1/files/", 0, "/dossier.css", &st, &page, &err);
  if (!rc) rc = cm_http_resp_set(resp, 200, "text/html; charset=utf-8", page.p, page.len);
  if (rc)
    cm_http_resp_error(resp, cm_rc_http_status(rc), rc, err.msg[0] ? err.msg : cm_strerror(rc),
                       NULL);
  cm_buf_free(&page);
  hub_web_end(&w);
done:
  cm_dossier_free(&d);
}

/* ROUTE: GET /dossier/{org}/zip */
void hub_dossier_zip_page(cm_http_req *req, cm_http_resp *resp, void *ctx) {
  hub_web_req w;
  cm_dossier d;
  cm_att_store st;
  char level[HUB_NAME_MAX + 16], tmp[1200], disp[200];
  uint8_t *data = NULL;
  size_t len = 0;
  cm_err err;
  cm_err_clear(&err);
  if (!begin(&w, req, resp, ctx, &d, &st)) goto done;
  hub_dossier_level(w.hub, level, sizeof level);
  /* written beside the files (the same disk), read back, removed */
  snprintf(tmp, sizeof tmp, "%s/partial/dossier.%u.zip", st.dir, (unsigned)randombytes_random());
  cm_rc rc = cm_dossier_zip(&d, level, &st, tmp, NULL, &err);
  if (!rc) {
    FILE *f = fopen(tmp, "rb");
    long n = -1;
    if (f && fseek(f, 0, SEEK_END) == 0) n = ftell(f);
    if (f && n > 0) rewind(f);
    data = n > 0 ? malloc((size_t)n) : NULL;
    if (!f || !data || fread(data, 1, (size_t)n, f) != (size_t)n)
      rc = cm_errf(&err, CM_ERR_IO, "无法读取刚写的 ZIP");
    else
      len = (size_t)n;
    if (f) fclose(f);
    unlink(tmp);
  }
  if (!rc) rc = cm_http_resp_set(resp, 200, "application/zip", data, len);
  if (rc) {
    cm_http_resp_error(resp, cm_rc_http_status(rc), rc, err.msg[0] ? err.msg : cm_strerror(rc),
                       NULL);
  } else {
    size_t k = strspn(d.org, "0123456789abcdefABCDEF-");
    snprintf(disp, sizeof disp, "attachment; filename=\"dossier-%s.zip\"",
             d.org[k] == '\0' ? d.org : "org");
    cm_http_resp_header(resp, "Content-Disposition", disp);
    cm_http_resp_header(resp, "Cache-Control", "no-store");
  }
  free(data);
  hub_web_end(&w);
done:
  cm_dossier_free(&d);
}

/* ROUTE: GET /dossier.css */
void hub_dossier_css(cm_http_req *req, cm_http_resp *resp, void *ctx) {
  (void)req;
  (void)ctx;
  if (cm_http_resp_set(resp, 200, "text/css; charset=utf-8", cm_dossier_css,
                       strlen(cm_dossier_css)) == CM_OK)
    cm_http_resp_header(resp, "Cache-Control", "public, max-age=3600");
}
