/* dossier.h - an organisation's archive (档案) at a hub: the records of the
 * community (or street) that filed it, the decisions of this hub's log about
 * it, and the attachments this level holds, grouped by common/dossier.h; the
 * operator's printable page and ZIP (GET /dossier/{org}, /dossier/{org}/zip)
 * and `linli-hub dossier`. */
#ifndef LINLI_HUB_DOSSIER_H
#define LINLI_HUB_DOSSIER_H

#include <jansson.h>

#include "../common/dossier.h"
#include "../common/http_server.h"
#include "hub.h"

/* Build the archive of org into *d (cm_dossier_free it also on failure);
 * author_out (may be NULL) the key of the log that filed it.
 * CM_ERR_NOT_FOUND when this hub holds no filing of org. */
cm_rc hub_dossier_build(hub_ctx *ctx, const char *org, cm_dossier *d,
                        uint8_t author_out[PROTO_KEY_BYTES], cm_err *err);

/* The attachments of org's archive as the organisation page lists them, in
 * heading and time order: [{"title", "heading", "type" (words), "size",
 * "size_text" (cm_att_size_text), "date", "hash", "held"}].  At a district the
 * headings that stay below it (files.above_street, 人员材料 by default) are
 * left out.  The caller has checked that the operator may see org.  New
 * reference in *out; CM_ERR_NOT_FOUND as hub_dossier_build. */
cm_rc hub_dossier_files(hub_ctx *ctx, const char *org, json_t **out, cm_err *err);

/* The level's name for the page ("望海楼街街道分会"). */
void hub_dossier_level(const hub_ctx *ctx, char *out, size_t cap);

/* ROUTE handlers (ctx: the server's hub_api). */
void hub_dossier_page(cm_http_req *req, cm_http_resp *resp, void *ctx);
void hub_dossier_zip_page(cm_http_req *req, cm_http_resp *resp, void *ctx);
void hub_dossier_css(cm_http_req *req, cm_http_resp *resp, void *ctx);
#define HUB_HELP_DOSSIER_CSS "the archive page's stylesheet (screen and print); public"
#define HUB_HELP_DOSSIER "an organisation's archive under its six headings, printable (operator)"
#define HUB_HELP_DOSSIER_ZIP "the archive as a ZIP: index.html and its files (operator)"

#endif
