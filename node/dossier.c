/* dossier.c - an organisation's archive at the node (node/dossier.h). */
#include "dossier.h"

#include <stdio.h>
#include <string.h>

#include "../protocol/entry.h"
#include "attach.h"
#include "store.h"

static cm_rc add_entry(void *arg, uint64_t seq, const uint8_t *raw, size_t len, cm_err *err) {
  proto_entry e;
  (void)seq;
  cm_rc rc = proto_entry_decode(raw, len, &e, err);
  if (!rc) rc = cm_dossier_add(arg, e.kind, e.time_ms, e.body, e.body_len, err);
  return rc;
}

cm_rc node_dossier_build(node_ctx *ctx, const char *org, cm_dossier *d, cm_err *err) {
  cm_dossier_init(d, org);
  cm_rc rc = store_log_each(ctx, 1, 0, add_entry, d, err);
  if (!rc && !d->name[0])
    rc = cm_errf(err, CM_ERR_NOT_FOUND, "本社区没有备案编号为 %s 的组织", org);
  if (!rc) cm_dossier_sort(d);
  return rc;
}

cm_rc node_dossier_write(node_ctx *ctx, const char *org, const char *zip_path, cm_buf *page,
                         unsigned *files_out, cm_err *err) {
  cm_dossier d;
  cm_att_store st;
  char level[300] = "", community[256] = "";
  cm_rc rc = node_dossier_build(ctx, org, &d, err);
  if (!rc) rc = node_attach_store(ctx, &st, err);
  store_meta_get(ctx, "community", community, sizeof community, NULL);
  snprintf(level, sizeof level, "%s", community);
  if (!rc && zip_path) rc = cm_dossier_zip(&d, level, &st, zip_path, files_out, err);
  if (!rc && !zip_path) rc = cm_dossier_html(&d, level, "/files/", 0, NULL, &st, page, err);
  cm_dossier_free(&d);
  return rc;
}
