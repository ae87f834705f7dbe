/* lists.c - the district's lists at a hub (hub/lists.h). */
#include "lists.h"

#include <stdlib.h>
#include <string.h>

#include "../common/json.h"
#include "../common/records.h"
#include "hublog.h"
#include "store.h"

cm_rc hub_lists_publish(hub_ctx *ctx, cm_list_kind k, const json_t *items, const char *op,
                        uint64_t *seq_out, cm_err *err) {
  if (ctx->role != HUB_ROLE_DISTRICT)
    return cm_errf(err, CM_ERR_PERM, "清单只能由区协会发布，街道分会会收到并转发给各社区");
  json_t *body = json_pack("{s:s, s:O, s:s}", "list", cm_list_key(k), "items", (json_t *)items,
                           "operator", op ? op : "");
  if (!body) return cm_errf(err, CM_ERR_NOMEM, "内存不足");
  cm_rc rc = cm_list_check(body, NULL, err);
  if (!rc) rc = hub_log_append(ctx, "list.published", body, seq_out, err);
  json_decref(body);
  return rc;
}

cm_rc hub_limits_set(hub_ctx *ctx, int64_t file_mb, int64_t org_year_mb, const char *op,
                     uint64_t *seq_out, cm_err *err) {
  cm_rec_body b;
  if (ctx->role != HUB_ROLE_DISTRICT)
    return cm_errf(err, CM_ERR_PERM, "附件上限只能由区协会设定，街道分会会收到并转发给各社区");
  json_t *body = json_pack("{s:I, s:I, s:s}", "file_mb", (json_int_t)file_mb, "org_year_mb",
                           (json_int_t)org_year_mb, "operator", op ? op : "");
  if (!body) return cm_errf(err, CM_ERR_NOMEM, "内存不足");
  cm_rc rc = cm_rec_read_json(cm_rec_find("limits.set"), body, &b, err);
  if (!rc) rc = hub_log_append(ctx, "limits.set", body, seq_out, err);
  json_decref(body);
  return rc;
}

cm_rc hub_feedback_days_set(hub_ctx *ctx, int64_t days, const char *op, uint64_t *seq_out,
                            cm_err *err) {
  cm_rec_body b;
  if (ctx->role != HUB_ROLE_DISTRICT)
    return cm_errf(err, CM_ERR_PERM,
                   "群众意见办理期限只能由区协会设定，街道分会会收到并转发给各社区");
  json_t *body = json_pack("{s:I, s:s}", "days", (json_int_t)days, "operator", op ? op : "");
  if (!body) return cm_errf(err, CM_ERR_NOMEM, "内存不足");
  cm_rc rc = cm_rec_read_json(cm_rec_find("feedback.due"), body, &b, err);
  if (!rc) rc = hub_log_append(ctx, "feedback.due", body, seq_out, err);
  json_decref(body);
  return rc;
}

cm_rc hub_feedback_days_get(hub_ctx *ctx, int locked, int64_t *days, uint64_t *seq_out,
                            cm_err *err) {
  if (!locked) pthread_mutex_lock(&ctx->lock);
  cm_rc rc = hub_store_feedback_days(ctx->store, ctx->kp.pk, days, seq_out, err);
  if (!locked) pthread_mutex_unlock(&ctx->lock);
  if (!rc && *days < 1) *days = CM_REC_FEEDBACK_DAYS;
  return rc;
}

cm_rc hub_limits_get(hub_ctx *ctx, uint64_t *file_max, uint64_t *org_year_max, uint64_t *seq_out,
                     cm_err *err) {
  pthread_mutex_lock(&ctx->lock);
  cm_rc rc = hub_store_limits_at(ctx->store, ctx->kp.pk, UINT64_MAX, file_max, org_year_max,
                                 seq_out, err);
  pthread_mutex_unlock(&ctx->lock);
  if (!rc) cm_att_caps_or_default(file_max, org_year_max);
  return rc;
}

cm_rc hub_lists_get(hub_ctx *ctx, cm_list_kind k, int locked, json_t **items_out, cm_err *err) {
  char *text = NULL;
  json_t *body = NULL;
  *items_out = NULL;
  if (!locked) pthread_mutex_lock(&ctx->lock);
  cm_rc rc = hub_store_list_latest(ctx->store, ctx->kp.pk, cm_list_key(k), &text, NULL, err);
  if (!locked) pthread_mutex_unlock(&ctx->lock);
  if (!rc && text && cm_json_parse_object((const uint8_t *)text, strlen(text), &body, NULL) == CM_OK) {
    *items_out = json_incref(json_object_get(body, "items"));
    if (!json_is_array(*items_out)) {
      json_decref(*items_out);
      *items_out = NULL;
    }
  }
  json_decref(body);
  free(text);
  return rc;
}

cm_rc hub_lists_all(hub_ctx *ctx, int locked, json_t **out, cm_err *err) {
  cm_rc rc = CM_OK;
  *out = json_object();
  if (!*out) return cm_errf(err, CM_ERR_NOMEM, "内存不足");
  for (int k = 0; !rc && k < CM_LIST_KINDS; k++) {
    json_t *items = NULL;
    rc = hub_lists_get(ctx, (cm_list_kind)k, locked, &items, err);
    if (!rc && items) json_object_set_new(*out, cm_list_key((cm_list_kind)k), items);
  }
  if (rc) {
    json_decref(*out);
    *out = NULL;
  }
  return rc;
}

cm_rc hub_lists_check_code(hub_ctx *ctx, cm_list_kind k, const char *code, cm_err *err) {
  json_t *items = NULL;
  if (!code || !*code) return CM_OK;
  cm_rc rc = hub_lists_get(ctx, k, 0, &items, err);
  if (!rc && !items)
    rc = cm_errf(err, CM_ERR_INVALID, "区协会尚未发布%s清单", cm_list_label(k));
  else if (!rc && !cm_list_name(items, code))
    rc = cm_errf(err, CM_ERR_INVALID, "%s清单中没有代码「%s」", cm_list_label(k), code);
  json_decref(items);
  return rc;
}

cm_rc hub_org_map(hub_ctx *ctx, const hub_org_map_in *in, uint64_t *seq_out, cm_err *err) {
  uint8_t holder[PROTO_KEY_BYTES];
  char hex[PROTO_KEY_HEX], *cur = NULL;
  hub_author a;
  int found = 0;
  json_t *state = NULL, *body = NULL;
  cm_rc rc = CM_OK;

  if (ctx->role != HUB_ROLE_STREET)
    return cm_errf(err, CM_ERR_PERM, "组织类别对应由街道分会操作员完成");
  if (!in->org || !*in->org) return cm_errf(err, CM_ERR_INVALID, "请给出备案编号");
  if (!(in->category && *in->category) && !(in->industry && *in->industry) &&
      !(in->unit && *in->unit))
    return cm_errf(err, CM_ERR_INVALID, "请至少给出 --category、--industry 或 --unit");
  rc = hub_lists_check_code(ctx, CM_LIST_CATEGORY, in->category, err);
  if (!rc) rc = hub_lists_check_code(ctx, CM_LIST_INDUSTRY, in->industry, err);
  if (!rc) rc = hub_lists_check_code(ctx, CM_LIST_UNIT, in->unit, err);
  if (rc) return rc;
  pthread_mutex_lock(&ctx->lock);
  rc = hub_store_org_holder(ctx->store, in->org, holder, &found, err);
  if (!rc && found) rc = hub_store_author_get(ctx->store, holder, &a, &found, err);
  if (!rc && found)
    found = strcmp(a.role, "community") == 0 && a.has_enrolled_by &&
            memcmp(a.enrolled_by, ctx->kp.pk, PROTO_KEY_BYTES) == 0;
  if (!rc && found) rc = hub_store_org_get(ctx->store, holder, in->org, &cur, NULL, err);
  pthread_mutex_unlock(&ctx->lock);
  if (!rc && (!found || !cur))
    rc = cm_errf(err, CM_ERR_NOT_FOUND, "本街道的社区没有备案编号为「%s」的组织", in->org);
  if (!rc && cm_json_parse_object((const uint8_t *)cur, strlen(cur), &state, NULL) != CM_OK)
    rc = cm_errf(err, CM_ERR_INVALID, "组织「%s」的记录无法读取", in->org);
  if (rc) goto out;
  proto_key_hex(holder, hex);
  const char *old = json_string_value(json_object_get(state, "category"));
  body = json_pack("{s:s, s:s, s:s}", "to", hex, "org", in->org, "old", old ? old : "");
  if (!body) {
    rc = cm_errf(err, CM_ERR_NOMEM, "内存不足");
    goto out;
  }
  if (in->category && *in->category) json_object_set_new(body, "category", json_string(in->category));
  if (in->industry && *in->industry) json_object_set_new(body, "industry", json_string(in->industry));
  if (in->unit && *in->unit) json_object_set_new(body, "unit", json_string(in->unit));
  json_object_set_new(body, "operator", json_string(in->op ? in->op : ""));
  rc = hub_log_append(ctx, "org.mapped", body, seq_out, err);
out:
  json_decref(body);
  json_decref(state);
  free(cur);
  return rc;
}
