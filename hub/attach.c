/* attach.c - files that travel with the records at a hub (hub/attach.h). */
#include "attach.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/clock.h"
#include "../common/codec.h"
#include "../common/log.h"
#include "../common/records.h"
#include "ingest.h"
#include "project_hub.h"
#include "store.h"

/* Uploads of files are few and large: one at a time, so that two pushes of
 * the same file cannot interleave their bytes in the partial file. */
static pthread_mutex_t files_lock = PTHREAD_MUTEX_INITIALIZER;

cm_rc hub_attach_store(hub_ctx *ctx, cm_att_store *st, cm_err *err) {
  return cm_att_open(ctx->dir, st, err);
}

cm_rc hub_attach_visible(hub_ctx *ctx, const char *street, const char *hash, cm_err *err) {
  int seen = 0;
  if (ctx->role != HUB_ROLE_DISTRICT || !street || !*street) return CM_OK;
  pthread_mutex_lock(&ctx->lock);
  cm_rc rc = hub_store_file_in_street(ctx->store, hash ? hash : "", street, &seen, err);
  pthread_mutex_unlock(&ctx->lock);
  if (!rc && !seen) rc = cm_errf(err, CM_ERR_NOT_FOUND, "没有这个附件");
  return rc;
}

/* The id prefix author may write (as the projection judges it, hub/project.c):
 * this hub's and a street's first 12 hex digits, a community's code. */
static cm_rc author_prefix(hub_ctx *ctx, const uint8_t author[PROTO_KEY_BYTES], hub_author *a,
                           int *found, char *prefix, size_t cap, cm_err *err) {
  char hex[PROTO_KEY_HEX];
  proto_key_hex(author, hex);
  prefix[0] = '\0';
  cm_rc rc = hub_store_author_get(ctx->store, author, a, found, err);
  if (rc) return rc;
  if (!memcmp(author, ctx->kp.pk, PROTO_KEY_BYTES) || (*found && !strcmp(a->role, "street")))
    snprintf(prefix, cap, "%.12s", hex);
  else if (*found)
    snprintf(prefix, cap, "%s", a->code);
  return CM_OK;
}

int hub_attach_heading_travels(hub_ctx *ctx, const char *heading) {
  char v[256];
  int found = 0;
  pthread_mutex_lock(&ctx->lock);
  if (hub_store_config_get(ctx->store, HUB_CONFIG_ABOVE_STREET, v, sizeof v, &found, NULL) ||
      !found)
    snprintf(v, sizeof v, "%s", HUB_ABOVE_STREET_DEFAULT);
  pthread_mutex_unlock(&ctx->lock);
  size_t n = strlen(heading);
  for (const char *p = v; *p;) {
    const char *q = strchr(p, ',');
    size_t k = q ? (size_t)(q - p) : strlen(p);
    if (k == n && !strncmp(p, heading, n)) return 1;
    p += k + (q ? 1 : 0);
  }
  return 0;
}

cm_rc hub_attach_setting(hub_ctx *ctx, const char *key, const char *value, cm_err *err) {
  pthread_mutex_lock(&ctx->lock);
  cm_rc rc = hub_store_begin(ctx->store, err);
  if (!rc) rc = hub_store_config_set(ctx->store, key, value, err);
  if (!rc)
    rc = hub_store_commit(ctx->store, err);
  else
    hub_store_rollback(ctx->store);
  pthread_mutex_unlock(&ctx->lock);
  return rc;
}

cm_rc hub_attach_above_street_set(hub_ctx *ctx, const char *list, cm_err *err) {
  for (const char *p = list; *p;) {
    const char *q = strchr(p, ',');
    char w[32];
    size_t k = q ? (size_t)(q - p) : strlen(p);
    snprintf(w, sizeof w, "%.*s", (int)(k < sizeof w ? k : sizeof w - 1), p);
    if (!cm_att_heading_label(w))
      return cm_errf(err, CM_ERR_INVALID,
                     "「%s」不是档案类别：filing、activity、people、evaluation、plan、change", w);
    p += k + (q ? 1 : 0);
  }
  return hub_attach_setting(ctx, HUB_CONFIG_ABOVE_STREET, list, err);
}

cm_rc hub_attach_target(hub_ctx *ctx, const uint8_t caller[PROTO_KEY_BYTES], const char *hash,
                        const char *record, hub_att_target *t, cm_err *err) {
  char kind[PROTO_KIND_MAX + 1] = "", prefix[CM_REC_PREFIX_MAX], refused[CM_REC_REASON_MAX];
  uint8_t *body = NULL;
  size_t len = 0;
  int found = 0, afound = 0;
  hub_author a;
  json_t *json = NULL;
  cm_att_body b;
  memset(t, 0, sizeof *t);
  cm_rc rc = hub_record_parse(record, t->author, &t->seq, err);
  if (rc) return rc;
  pthread_mutex_lock(&ctx->lock);
  rc = hub_store_entry_body(ctx->store, t->author, t->seq, kind, &body, &len, refused,
                            sizeof refused, &found, err);
  if (!rc && !found)
    rc = cm_errf(err, CM_ERR_NOT_FOUND, "这里还没有记录 %s：请先上报记录，再传附件", record);
  if (!rc && strcmp(kind, CM_ATT_KIND) != 0)
    rc = cm_errf(err, CM_ERR_INVALID, "记录 %s 不是附件记录", record);
  if (!rc) rc = cm_att_read_bytes(body, len, &b, &json, err);
  if (!rc && strcmp(b.hash, hash) != 0)
    rc = cm_errf(err, CM_ERR_INVALID, "哈希不符：记录 %s 写的哈希是 %.16s…，不是 %.16s…", record,
                 b.hash, hash);
  if (!rc) rc = author_prefix(ctx, t->author, &a, &afound, prefix, sizeof prefix, err);
  if (!rc && memcmp(caller, t->author, PROTO_KEY_BYTES) != 0 &&
      !(afound && a.has_enrolled_by && !memcmp(a.enrolled_by, caller, PROTO_KEY_BYTES)))
    rc = cm_errf(err, CM_ERR_PERM, "只有写这条记录的社区（或登记它的街道分会）可以上传它的附件");
  if (!rc && (!afound || a.revoked))
    rc = afound ? cm_errf(err, CM_ERR_PERM, "这个密钥已被吊销")
                : cm_errf(err, CM_ERR_PERM, "这个密钥没有在本级登记");
  /* an entry the domain core refused names no file this hub takes */
  if (!rc && refused[0]) {
    t->refused = 1;
    rc = cm_errf(err, CM_ERR_PERM, "记录 %s 已被拒收（%s），不收它的附件", record, refused);
  }
  if (!rc) rc = cm_att_owns(&b, prefix, err);
  pthread_mutex_unlock(&ctx->lock);
  if (!rc) {
    snprintf(t->hash, sizeof t->hash, "%s", b.hash);
    snprintf(t->type, sizeof t->type, "%s", b.type);
    snprintf(t->heading, sizeof t->heading, "%s", b.heading);
    t->size = b.size;
    t->wanted = ctx->role != HUB_ROLE_DISTRICT || !memcmp(t->author, ctx->kp.pk, PROTO_KEY_BYTES) ||
                hub_attach_heading_travels(ctx, b.heading);
  }
  json_decref(json);
  free(body);
  return rc;
}

cm_rc hub_attach_status(hub_ctx *ctx, const hub_att_target *t, int *have, uint64_t *offset,
                        cm_err *err) {
  cm_att_store st;
  cm_rc rc = hub_attach_store(ctx, &st, err);
  if (rc) return rc;
  pthread_mutex_lock(&files_lock);
  *have = cm_att_has(&st, t->hash);
  *offset = *have ? t->size : cm_att_partial_size(&st, t->hash);
  pthread_mutex_unlock(&files_lock);
  return CM_OK;
}

/* The author's quota today: used bytes and the limit (a hub's own log and
 * the hub itself are not limited: *limit -1). */
static cm_rc quota_of(hub_ctx *ctx, const hub_att_target *t, char day[11], int64_t *used,
                      int64_t *limit, cm_err *err) {
  *used = 0;
  *limit = -1;
  if (!memcmp(t->author, ctx->kp.pk, PROTO_KEY_BYTES)) return CM_OK;
  cm_rc rc = hub_quota_get(ctx, limit, err);
  cm_date_of(cm_now_ms(), day);
  if (rc) return rc;
  pthread_mutex_lock(&ctx->lock);
  rc = hub_store_quota_get(ctx->store, t->author, day, used, err);
  pthread_mutex_unlock(&ctx->lock);
  return rc;
}

/* CM_ERR_TOO_LARGE when n more bytes of t's file (whole: t->size) do not fit
 * in what is left today. */
static cm_rc quota_fits(const hub_att_target *t, uint64_t n, int64_t used, int64_t limit,
                        cm_err *err) {
  if (limit >= 0 && cm_rec_add(used, (int64_t)n) > limit)
    return cm_errf(err, CM_ERR_TOO_LARGE,
                   "今日上传量已达上限（每天%lld字节，已用%lld字节，这个附件%llu字节），请明天再试",
                   (long long)limit, (long long)used, (unsigned long long)t->size);
  return CM_OK;
}

/* Count n bytes of t's file in its author's quota of day. */
static cm_rc quota_count(hub_ctx *ctx, const hub_att_target *t, uint64_t n, const char *day,
                         int64_t limit, cm_err *err) {
  if (limit < 0 || n == 0) return CM_OK;
  pthread_mutex_lock(&ctx->lock);
  cm_rc rc = hub_store_begin(ctx->store, err);
  if (!rc) rc = hub_store_quota_add(ctx->store, t->author, day, (int64_t)n, err);
  if (!rc)
    rc = hub_store_commit(ctx->store, err);
  else
    hub_store_rollback(ctx->store);
  pthread_mutex_unlock(&ctx->lock);
  return rc;
}

cm_rc hub_attach_put(hub_ctx *ctx, const hub_att_target *t, const uint8_t *p, size_t len,
                     int *stored_out, cm_err *err) {
  cm_att_store st;
  char day[11];
  int64_t used = 0, limit = -1;
  *stored_out = 0;
  cm_rc rc = hub_attach_store(ctx, &st, err);
  if (rc) return rc;
  pthread_mutex_lock(&files_lock);
  if (!cm_att_has(&st, t->hash)) {
    rc = quota_of(ctx, t, day, &used, &limit, err);
    if (!rc && len != t->size)
      rc = cm_errf(err, CM_ERR_INVALID, "大小不符：记录写的是 %llu 字节，文件有 %zu 字节",
                   (unsigned long long)t->size, len);
    if (!rc) rc = quota_fits(t, t->size, used, limit, err);
    if (!rc) rc = cm_att_put(&st, t->hash, t->type, p, len, err);
    if (!rc) rc = quota_count(ctx, t, len, day, limit, err);
    if (!rc) *stored_out = 1;
  }
  pthread_mutex_unlock(&files_lock);
  return rc;
}

cm_rc hub_attach_receive(hub_ctx *ctx, const hub_att_target *t, uint64_t offset,
                         const uint8_t *p, size_t len, uint64_t *held_out, int *done_out,
                         cm_err *err) {
  cm_att_store st;
  char day[11];
  int64_t used = 0, limit = -1;
  *held_out = 0;
  *done_out = 0;
  cm_rc rc = hub_attach_store(ctx, &st, err);
  if (rc) return rc;
  if (!t->wanted)
    return cm_errf(err, CM_ERR_PERM, "%s只留在社区和街道，不上传到区",
                   cm_att_heading_label(t->heading));
  pthread_mutex_lock(&files_lock);
  if (cm_att_has(&st, t->hash)) {
    *held_out = t->size;
    *done_out = 1;
    goto out;
  }
  /* Every byte received counts when it arrives, so that uploads begun side by
   * side (each fitting alone) or left unfinished cannot pass the quota
   * together; at the first chunk the whole file must fit, so that an honest
   * node learns it at once. */
  rc = quota_of(ctx, t, day, &used, &limit, err);
  if (!rc) rc = quota_fits(t, offset == 0 ? t->size : len, used, limit, err);
  if (!rc) {
    rc = cm_att_receive(&st, t->hash, t->type, t->size, offset, p, len, held_out, done_out, err);
    /* bytes checked and dropped (a wrong hash or type) were received all the same */
    if (!rc || rc == CM_ERR_INVALID) {
      cm_rc r2 = quota_count(ctx, t, len, day, limit, rc ? NULL : err);
      if (!rc) rc = r2;
    }
  }
out:
  pthread_mutex_unlock(&files_lock);
  return rc;
}

typedef struct entries_job {
  const uint8_t *author;
  json_t *out;
} entries_job;

static cm_rc entries_one(void *arg, uint64_t seq, const void *body, size_t len, cm_err *err) {
  entries_job *j = arg;
  cm_att_body b;
  json_t *json = NULL;
  char hex[PROTO_KEY_HEX], rid[96];
  if (cm_att_read_bytes(body, len, &b, &json, NULL) != CM_OK) {
    json_decref(json);
    return CM_OK; /* a malformed one names no file anybody can send */
  }
  proto_key_hex(j->author, hex);
  snprintf(rid, sizeof rid, "%s/%llu", hex, (unsigned long long)seq);
  json_t *o = json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:I,s:s,s:s}", "seq", (json_int_t)seq, "record",
                        rid, "org", b.org, "heading", b.heading, "hash", b.hash, "type", b.type,
                        "size", (json_int_t)b.size, "title", b.title, "for", b.record);
  json_decref(json);
  if (!o || json_array_append_new(j->out, o))
    return cm_errf(err, CM_ERR_NOMEM, "列出附件时内存不足");
  return CM_OK;
}

cm_rc hub_attach_entries(hub_ctx *ctx, const uint8_t author[PROTO_KEY_BYTES], uint64_t after,
                         json_t **out, cm_err *err) {
  entries_job j = {author, json_array()};
  *out = NULL;
  if (!j.out) return cm_errf(err, CM_ERR_NOMEM, "内存不足");
  pthread_mutex_lock(&ctx->lock);
  cm_rc rc = hub_store_kind_each(ctx->store, author, after, CM_ATT_KIND, entries_one, &j, err);
  pthread_mutex_unlock(&ctx->lock);
  if (rc) {
    json_decref(j.out);
    return rc;
  }
  *out = j.out;
  return CM_OK;
}

cm_rc hub_attach_import_dir(hub_ctx *ctx, const char *dir, unsigned *stored_out,
                            unsigned *held_out, cm_err *err) {
  char index[1200], line[256];
  cm_att_store from;
  cm_rc first = CM_OK;
  *stored_out = *held_out = 0;
  snprintf(from.dir, sizeof from.dir, "%s", dir);
  snprintf(index, sizeof index, "%s/index.tsv", dir);
  FILE *f = fopen(index, "r");
  if (!f) return CM_OK; /* a bundle without files */
  while (fgets(line, sizeof line, f)) {
    char *tab = strchr(line, '\t'), *nl = strchr(line, '\n');
    if (nl) *nl = '\0';
    if (!tab) continue;
    *tab = '\0';
    const char *record = line, *hash = tab + 1;
    hub_att_target t;
    uint8_t *data = NULL;
    size_t len = 0;
    int stored = 0;
    cm_err e;
    cm_err_clear(&e);
    uint8_t author[PROTO_KEY_BYTES];
    uint64_t seq = 0;
    /* the carrier is the author: the signed entry is what the file is checked against */
    cm_rc rc = hub_record_parse(record, author, &seq, &e);
    if (!rc) rc = hub_attach_target(ctx, author, hash, record, &t, &e);
    if (!rc) rc = cm_att_load(&from, hash, 10 * CM_ATT_FILE_MAX, &data, &len, &e);
    if (!rc) rc = hub_attach_put(ctx, &t, data, len, &stored, &e);
    free(data);
    if (rc) {
      cm_warn("附件 %.16s…：%s", hash, e.msg);
      if (!first) {
        first = rc;
        cm_errf(err, rc, "附件 %.16s…：%s", hash, e.msg);
      }
      continue;
    }
    if (stored)
      (*stored_out)++;
    else
      (*held_out)++;
  }
  fclose(f);
  return first;
}
