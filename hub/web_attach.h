/* web_attach.h - the HTTP routes of files (docs/api.md "Files"): the
 * resumable upload a node or a street uses, signed (GET and PUT
 * /api/v1/files/{hash}/upload) and its way back down (GET .../data: a node
 * or a street fetching back what it lost), and the file's bytes for a
 * logged-in operator (GET /api/v1/files/{hash}, .../download). */
#ifndef LINLI_HUB_WEB_ATTACH_H
#define LINLI_HUB_WEB_ATTACH_H

#include <jansson.h>

#include "../common/attach.h"
#include "../common/http_server.h"
#include "web.h"

/* ROUTE handlers; ctx is the server's hub_api. */
void hub_web_file_upload_status(cm_http_req *req, cm_http_resp *resp, void *ctx);
void hub_web_file_upload(cm_http_req *req, cm_http_resp *resp, void *ctx);
void hub_web_file_get(cm_http_req *req, cm_http_resp *resp, void *ctx);
void hub_web_file_download(cm_http_req *req, cm_http_resp *resp, void *ctx);
void hub_web_file_data(cm_http_req *req, cm_http_resp *resp, void *ctx);

#define HUB_HELP_FILE_STATUS \
  "how much of a file the hub holds: {have, offset, size}; signed by its author or its street"
#define HUB_HELP_FILE_UPLOAD \
  "bytes of a file at ?offset= (at most 1 MiB), checked against its entry; signed"
#define HUB_HELP_FILE_GET "a held file's bytes with its type (logged-in operator)"
#define HUB_HELP_FILE_DOWNLOAD \
  "a held file as a download named ?title= (Content-Disposition: attachment; operator)"
#define HUB_HELP_FILE_DATA \
  "bytes of a held file from ?offset= (at most 1 MiB), to its author or its street; signed"

/* One attachment as a reviewer sees it: title, heading, type, size, and the
 * image shown (or a link opening the PDF), or a note that it has not come yet. */
void hub_web_attach_show(hub_web_req *w, const cm_att_body *b);

/* For a record of kind file.attached with body: write it as above and return
 * 1; 0 (nothing written) for any other kind. */
int hub_web_attach_cell(hub_web_req *w, const char *kind, const json_t *body);

#endif
