/* attach.c - attaching files to the community's records (node/attach.h). */
#include "attach.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/clock.h"
#include "../common/codec.h"
#include "../protocol/entry.h"
#include "journal.h"
#include "records.h"
#include "store.h"

cm_rc node_attach_store(node_ctx *ctx, cm_att_store *st, cm_err *err) {
  return cm_att_open(ctx->dir, st, err);
}

/* ---- listing: the file.attached entries of the log ---- */

typedef struct list_job {
  node_ctx *ctx;
  const char *org;
  json_t *out;
  const char *want_kind_of; /* when set: find the kind of this record's entry */
  uint64_t want_seq;
  char kind[PROTO_KIND_MAX + 1];
} list_job;

static cm_rc list_entry(void *arg, uint64_t seq, const uint8_t *raw, size_t len, cm_err *err) {
  list_job *j = arg;
  proto_entry e;
  cm_att_body b;
  json_t *body = NULL;
  cm_rc rc = proto_entry_decode(raw, len, &e, err);
  if (rc) return rc;
  if (j->want_kind_of) {
    if (seq == j->want_seq) snprintf(j->kind, sizeof j->kind, "%s", e.kind);
    return CM_OK;
  }
  if (strcmp(e.kind, CM_ATT_KIND) != 0) return CM_OK;
  if (cm_att_read_bytes(e.body, e.body_len, &b, &body, NULL) != CM_OK ||
      (j->org && strcmp(j->org, b.org) != 0)) {
    json_decref(body);
    return CM_OK;
  }
  char rid[NODE_RECORD_ID_MAX];
  node_record_id(j->ctx, seq, rid, sizeof rid);
  json_t *o = json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:I,s:s,s:I,s:b}", "seq",
                        (json_int_t)seq, "record_id", rid, "org", b.org, "record", b.record,
                        "heading", b.heading, "heading_label", cm_att_heading_label(b.heading),
                        "hash", b.hash, "type", b.type, "size", (json_int_t)b.size, "title",
                        b.title, "time_ms", (json_int_t)e.time_ms, "refused",
                        store_entry_refused(j->ctx, seq));
  json_decref(body);
  if (!o || json_array_append_new(j->out, o) != 0)
    return cm_errf(err, CM_ERR_NOMEM, "列出附件时内存不足");
  return CM_OK;
}

cm_rc node_attach_list(node_ctx *ctx, const char *org, uint64_t from, uint64_t to, json_t **out,
                       cm_err *err) {
  list_job j;
  memset(&j, 0, sizeof j);
  j.ctx = ctx;
  j.org = org && *org ? org : NULL;
  j.out = json_array();
  *out = NULL;
  if (!j.out) return cm_errf(err, CM_ERR_NOMEM, "内存不足");
  /* only file.attached entries name files: the others are not read out */
  cm_rc rc = store_log_each_attached(ctx, from ? from : 1, to, list_entry, &j, err);
  if (rc) {
    json_decref(j.out);
    return rc;
  }
  *out = j.out;
  return CM_OK;
}

/* ---- attaching ---- */

typedef struct attach_job {
  json_t *body;
  uint64_t seq;
} attach_job;

static cm_rc attach_tx(node_ctx *ctx, void *arg, cm_err *err) {
  attach_job *j = arg;
  return journal_append_in_tx(ctx, CM_ATT_KIND, j->body, &j->seq, err);
}

/* The kind of this node's record rid ("<own key hex>/<seq>") into kind. */
static cm_rc record_kind(node_ctx *ctx, const char *rid, char *kind, size_t cap, cm_err *err) {
  char own[PROTO_KEY_HEX];
  uint64_t seq = 0;
  proto_key_hex(ctx->kp.pk, own);
  size_t n = strlen(own);
  if (strncmp(rid, own, n) != 0 || rid[n] != '/' || cm_dec_u64(rid + n + 1, &seq) || !seq)
    return cm_errf(err, CM_ERR_INVALID, "--record 应为本社区的记录编号（%s/序号），不是 %s",
                   own, rid);
  list_job j;
  memset(&j, 0, sizeof j);
  j.ctx = ctx;
  j.want_kind_of = rid;
  j.want_seq = seq;
  cm_rc rc = store_log_each(ctx, seq, seq, list_entry, &j, err);
  if (!rc && !j.kind[0]) rc = cm_errf(err, CM_ERR_NOT_FOUND, "本社区没有记录 %s", rid);
  if (!rc) snprintf(kind, cap, "%s", j.kind);
  return rc;
}

void node_attach_caps(node_ctx *ctx, uint64_t *file_max, uint64_t *org_year_max) {
  uint64_t f = 0, y = 0;
  cm_err e;
  if (store_limits(ctx, &f, &y, &e) != CM_OK) f = y = 0;
  cm_att_caps_or_default(&f, &y);
  *file_max = f;
  *org_year_max = y;
  uint64_t own = store_meta_u64(ctx, "attach.file_max", *file_max);
  if (own < *file_max) *file_max = own;
  own = store_meta_u64(ctx, "attach.org_year_max", *org_year_max);
  if (own < *org_year_max) *org_year_max = own;
}

/* CM_ERR_TOO_LARGE when a file of size bytes passes file_max. */
static cm_rc size_fits(const char *name, uint64_t size, uint64_t file_max, cm_err *err) {
  if (size > file_max)
    return cm_errf(err, CM_ERR_TOO_LARGE, "文件 %s 有 %llu KB，超过每个附件 %llu MB 的上限", name,
                   (unsigned long long)(size >> 10), (unsigned long long)(file_max >> 20));
  return CM_OK;
}

cm_rc node_attach_check_bytes(node_ctx *ctx, const uint8_t *p, size_t len, const char *fname,
                              cm_err *err) {
  const char *name = fname && *fname ? fname : "上传的文件";
  if (!cm_att_sniff(p, len))
    return cm_errf(err, CM_ERR_INVALID, "%s 不是 PDF、JPEG 或 PNG 文件（按文件内容判断，不看文件名）",
                   name);
  uint64_t file_max, year_max;
  node_attach_caps(ctx, &file_max, &year_max);
  return size_fits(name, len, file_max, err);
}

cm_rc node_attach(node_ctx *ctx, const node_attach_input *in, char hash_out[CM_ATT_HEX],
                  char *record_out, cm_err *err) {
  char code[32] = "", kind[PROTO_KIND_MAX + 1] = "", year[11], y2[11];
  json_t *org = NULL, *list = NULL;
  attach_job j = {NULL, 0};
  cm_att_store st;
  const char *type = NULL;
  uint64_t size = 0, used = 0;
  cm_att_body b;
  cm_rc rc = CM_OK;

  if (!in->org || !*in->org) return cm_errf(err, CM_ERR_INVALID, "缺少 --org（组织的备案编号）");
  if (!in->file || !*in->file) return cm_errf(err, CM_ERR_INVALID, "缺少要附上的文件");
  if (!in->title || !*in->title) return cm_errf(err, CM_ERR_INVALID, "缺少 --title（附件标题）");
  if (in->heading && *in->heading && !cm_att_heading_label(in->heading))
    return cm_errf(err, CM_ERR_INVALID,
                   "--heading 应为 filing（备案材料）、activity（活动材料）、people（人员材料）、"
                   "evaluation（评比材料）、plan（计划总结材料）或 change（变更材料）");
  rc = store_org_get(ctx, in->org, &org, err);
  if (!rc && !org) rc = cm_errf(err, CM_ERR_NOT_FOUND, "没有备案编号为 %s 的组织", in->org);
  if (rc) goto out;
  if (in->record && *in->record) rc = record_kind(ctx, in->record, kind, sizeof kind, err);
  if (rc) goto out;

  /* the organisation's bytes this year, before the file is copied */
  node_today(ctx, year);
  rc = node_attach_list(ctx, in->org, 1, 0, &list, err);
  if (rc) goto out;
  size_t i;
  json_t *a;
  json_array_foreach(list, i, a) {
    cm_date_of((uint64_t)json_integer_value(json_object_get(a, "time_ms")), y2);
    if (!strncmp(y2, year, 4) && !json_is_true(json_object_get(a, "refused")))
      used += (uint64_t)json_integer_value(json_object_get(a, "size"));
  }
  uint64_t file_max, year_max;
  node_attach_caps(ctx, &file_max, &year_max);
  /* the size first, so that a file over a cap is never copied */
  rc = cm_att_hash_file(in->file, hash_out, &size, err);
  if (!rc) rc = size_fits(in->file, size, file_max, err);
  if (rc) goto out;
  if (used + size > year_max) {
    rc = cm_errf(err, CM_ERR_TOO_LARGE,
                 "组织 %s 今年的附件已有 %llu MB，加上这个文件（%llu KB）会超过每年 %llu MB 的上限",
                 in->org, (unsigned long long)(used >> 20), (unsigned long long)(size >> 10),
                 (unsigned long long)(year_max >> 20));
    goto out;
  }
  rc = node_attach_store(ctx, &st, err);
  if (!rc) rc = cm_att_import(&st, in->file, file_max, hash_out, &type, &size, err);
  if (rc) goto out;
  const char *heading =
      in->heading && *in->heading ? in->heading : cm_att_heading_of_kind(kind[0] ? kind : NULL);
  j.body = json_pack("{s:s,s:s,s:s,s:s,s:s,s:I,s:s}", "org", in->org, "record",
                     in->record ? in->record : "", "heading", heading, "hash", hash_out, "type",
                     type, "size", (json_int_t)size, "title", in->title);
  if (!j.body) {
    rc = cm_errf(err, CM_ERR_NOMEM, "内存不足");
    goto out;
  }
  /* the same bounds and authority a hub will apply */
  rc = cm_att_read(j.body, &b, err);
  if (!rc && store_meta_get(ctx, "code", code, sizeof code, NULL) != CM_OK) code[0] = '\0';
  if (!rc) rc = cm_att_owns(&b, code, err);
  if (!rc) rc = journal_tx(ctx, attach_tx, &j, err);
  if (!rc && record_out) node_record_id(ctx, j.seq, record_out, NODE_RECORD_ID_MAX);
out:
  json_decref(org);
  json_decref(list);
  json_decref(j.body);
  return rc;
}
