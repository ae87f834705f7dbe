/* attach_sync.c - the node's files in a sync pass (node/attach_sync.h). */
#include "attach_sync.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../common/log.h"
#include "attach.h"
#include "store.h"

/* The hub's URL and signed-request options of this node into url and opts
 * (as a sync pass has them: the clock offset it learnt). */
static cm_rc hub_opts(node_ctx *ctx, char *url, size_t cap, cm_client_opts *opts, cm_err *err) {
  char off[32];
  memset(opts, 0, sizeof *opts);
  if (store_meta_get(ctx, "hub_url", url, cap, NULL) != CM_OK || !url[0])
    return cm_errf(err, CM_ERR_INVALID, "没有设置街道分会地址（init --hub URL）");
  if (store_meta_get(ctx, "clock_offset_ms", off, sizeof off, NULL) == CM_OK)
    opts->clock_offset_ms = strtoll(off, NULL, 10);
  opts->sign_with = &ctx->kp;
  return CM_OK;
}

cm_rc node_files_check(node_ctx *ctx, int fetch, FILE *report, cm_att_checked *out, cm_err *err) {
  char url[1024];
  cm_client_opts opts;
  cm_att_store st;
  json_t *list = NULL;
  memset(out, 0, sizeof *out);
  memset(&opts, 0, sizeof opts);
  cm_rc rc = fetch ? hub_opts(ctx, url, sizeof url, &opts, err) : CM_OK;
  if (!rc) rc = node_attach_store(ctx, &st, err);
  if (!rc) rc = node_attach_list(ctx, NULL, 1, 0, &list, err);
  if (!rc)
    rc = cm_att_check_list(&st, list, "record_id", fetch ? url : NULL, &opts, report, out, err);
  json_decref(list);
  return rc;
}

cm_rc node_attach_sync(node_ctx *ctx, const char *url, const cm_client_opts *opts,
                       cm_att_sent *sent, uint64_t *settled_out, cm_err *err) {
  uint64_t acked = store_meta_u64(ctx, "acked_seq", 0);
  uint64_t done = store_meta_u64(ctx, "files_pushed_seq", 0);
  json_t *list = NULL;
  cm_att_store st;
  *settled_out = done;
  if (done >= acked) return CM_OK;
  cm_rc rc = node_attach_store(ctx, &st, err);
  if (!rc) rc = node_attach_list(ctx, NULL, done + 1, acked, &list, err);
  size_t i;
  json_t *a;
  json_array_foreach(list, i, a) {
    if (rc) break;
    const char *hash = json_string_value(json_object_get(a, "hash"));
    /* a file lost here (a restored node, a broken disk) the hub may hold */
    if (!cm_att_has(&st, hash) &&
        cm_att_fetch(url, opts, &st, hash, json_string_value(json_object_get(a, "record_id")),
                     json_string_value(json_object_get(a, "type")),
                     (uint64_t)json_integer_value(json_object_get(a, "size")), NULL,
                     NULL) == CM_OK)
      cm_info("附件 %.16s… 本机缺失，已从街道分会取回", hash);
    unsigned refused = sent->refused;
    uint64_t seq = (uint64_t)json_integer_value(json_object_get(a, "seq"));
    rc = cm_att_push(url, opts, &st, hash,
                     json_string_value(json_object_get(a, "record_id")),
                     (uint64_t)json_integer_value(json_object_get(a, "size")), sent, err);
    /* kept, so that its bytes no longer count against the year's cap here */
    if (!rc && sent->refused > refused) rc = store_review_put(ctx, seq, "refused", sent->refusal, "", err);
    if (!rc)
      rc = store_meta_set_u64(ctx, "files_pushed_seq",
                              (uint64_t)json_integer_value(json_object_get(a, "seq")), err);
  }
  if (!rc) *settled_out = acked;
  if (sent->requests)
    cm_info("附件：发送 %llu 字节，%u 个文件传完，%u 个街道分会已有%s", (unsigned long long)sent->bytes,
            sent->files, sent->skipped, sent->refused ? "，有附件记录被街道分会拒收（不上传）" : "");
  json_decref(list);
  return rc;
}

cm_rc node_attach_export(node_ctx *ctx, const char *bundle_path, unsigned *n_out, cm_err *err) {
  char dir[1100], index[1200];
  json_t *list = NULL;
  cm_att_store st;
  FILE *f = NULL;
  *n_out = 0;
  cm_rc rc = node_attach_store(ctx, &st, err);
  if (!rc)
    rc = node_attach_list(ctx, NULL, store_meta_u64(ctx, "files_pushed_seq", 0) + 1, 0, &list,
                          err);
  if (rc || json_array_size(list) == 0) goto out;
  snprintf(dir, sizeof dir, "%s.files", bundle_path);
  if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
    rc = cm_errf(err, CM_ERR_IO, "无法建立目录 %s：%s", dir, strerror(errno));
    goto out;
  }
  snprintf(index, sizeof index, "%s/index.tsv", dir);
  f = fopen(index, "w");
  if (!f) {
    rc = cm_errf(err, CM_ERR_IO, "无法写入 %s：%s", index, strerror(errno));
    goto out;
  }
  size_t i;
  json_t *a;
  json_array_foreach(list, i, a) {
    const char *hash = json_string_value(json_object_get(a, "hash"));
    rc = cm_att_copy_out(&st, hash, dir, err);
    if (rc) goto out;
    fprintf(f, "%s\t%s\n", json_string_value(json_object_get(a, "record_id")), hash);
    (*n_out)++;
  }
  if (fflush(f) != 0 || fsync(fileno(f)) != 0)
    rc = cm_errf(err, CM_ERR_IO, "无法写入 %s：%s", index, strerror(errno));
out:
  if (f && fclose(f) != 0 && !rc) rc = cm_errf(err, CM_ERR_IO, "无法写入 %s", index);
  json_decref(list);
  return rc;
}
