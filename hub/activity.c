/* activity.c - escalation of major activities: acknowledgements and returns at
 * street and district level, and the list that shows both. */
#include "activity.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "../common/clock.h"
#include "../common/log.h"
#include "hublog.h"
#include "project_hub.h"
#include "store.h"

/* {"status": ..., "note": ...} from row's <level>_status and <level>_note. */
static json_t *level_of(const json_t *row, const char *level) {
  char k1[32], k2[32];
  snprintf(k1, sizeof k1, "%s_status", level);
  snprintf(k2, sizeof k2, "%s_note", level);
  return json_pack("{s:O, s:O}", "status", json_object_get(row, k1), "note",
                   json_object_get(row, k2));
}

cm_rc hub_activity_list(hub_ctx *ctx, json_t **out, cm_err *err) {
  json_t *rows = NULL, *list = json_array();
  cm_rc rc = list ? CM_OK : cm_errf(err, CM_ERR_NOMEM, "列出重大活动时内存不足");
  size_t i;
  json_t *row;
  *out = NULL;
  if (rc) return rc;
  pthread_mutex_lock(&ctx->lock);
  rc = hub_store_activities_json(ctx->store, &rows, err);
  pthread_mutex_unlock(&ctx->lock);
  json_array_foreach(rows, i, row) {
    char declared[11];
    const char *date = json_string_value(json_object_get(row, "date"));
    cm_date_of((uint64_t)json_integer_value(json_object_get(row, "declared_ms")), declared);
    /* The plan asks for a declaration before the activity's date. */
    int late = date && strcmp(declared, date) >= 0;
    json_t *a = json_pack("{s:O, s:O, s:O, s:O, s:O, s:O, s:b, s:o, s:o}", "id",
                          json_object_get(row, "id"), "org", json_object_get(row, "org"), "date",
                          json_object_get(row, "date"), "title", json_object_get(row, "title"),
                          "community", json_object_get(row, "community"), "declared_ms",
                          json_object_get(row, "declared_ms"), "late", late, "street",
                          level_of(row, "street"), "district", level_of(row, "district"));
    if (!a || json_array_append_new(list, a)) {
      rc = cm_errf(err, CM_ERR_NOMEM, "列出重大活动时内存不足");
      break;
    }
  }
  json_decref(rows);
  if (rc)
    json_decref(list);
  else
    *out = list;
  return rc;
}

/* Acknowledge or return activity id at this hub's level. */
static cm_rc ack(hub_ctx *ctx, const char *id, const char *op, const char *status,
                 const char *note, uint64_t *seq_out, cm_err *err) {
  uint8_t author[PROTO_KEY_BYTES];
  char org[HUB_NAME_MAX], hex[PROTO_KEY_HEX];
  int found = 0;
  json_t *body = NULL;
  cm_rc rc;

  if (!id || !*id || strlen(id) >= HUB_NAME_MAX)
    return cm_errf(err, CM_ERR_INVALID, "请用活动编号指明重大活动");
  if (note && strlen(note) >= HUB_ACTIVITY_NOTE_MAX)
    return cm_errf(err, CM_ERR_INVALID, "意见超过 %d 字节", HUB_ACTIVITY_NOTE_MAX - 1);
  if (op && strlen(op) >= HUB_NAME_MAX)
    return cm_errf(err, CM_ERR_INVALID, "操作员姓名过长");
  pthread_mutex_lock(&ctx->lock);
  rc = hub_store_begin(ctx->store, err);
  if (rc) goto unlock;
  rc = hub_store_activity_find(ctx->store, id, author, org, sizeof org, &found, err);
  if (!rc && !found)
    rc = cm_errf(err, CM_ERR_NOT_FOUND, "本级没有汇报过重大活动“%s”（见 activity list）",
                 id);
  if (!rc) {
    proto_key_hex(author, hex);
    body = json_object();
    /* Our own (street-level) activities have no node to tell. */
    if (body && memcmp(author, ctx->kp.pk, PROTO_KEY_BYTES) != 0)
      json_object_set_new(body, "to", json_string(hex));
    if (body) {
      json_object_set_new(body, "activity", json_string(id));
      json_object_set_new(body, "org", json_string(org));
      json_object_set_new(body, "level", json_string(hub_role_name(ctx->role)));
      json_object_set_new(body, "status", json_string(status));
      json_object_set_new(body, "note", json_string(note ? note : ""));
      json_object_set_new(body, "operator", json_string(op ? op : ""));
    }
    rc = body ? hub_log_append_locked(ctx, "activity.ack", body, seq_out, err)
              : cm_errf(err, CM_ERR_NOMEM, "写确认时内存不足");
  }
  if (!rc)
    rc = hub_store_commit(ctx->store, err);
  else
    hub_store_rollback(ctx->store);
unlock:
  pthread_mutex_unlock(&ctx->lock);
  json_decref(body);
  if (!rc) cm_info("activity %s %s at %s level", id, status, hub_role_name(ctx->role));
  return rc;
}

cm_rc hub_activity_ack(hub_ctx *ctx, const char *id, const char *operator_name, const char *note,
                       uint64_t *seq_out, cm_err *err) {
  return ack(ctx, id, operator_name, "acknowledged", note, seq_out, err);
}

cm_rc hub_activity_return(hub_ctx *ctx, const char *id, const char *operator_name,
                          const char *note, uint64_t *seq_out, cm_err *err) {
  if (!note || !*note)
    return cm_errf(err, CM_ERR_INVALID, "退回重大活动汇报需要用 --note 写明理由");
  return ack(ctx, id, operator_name, "returned", note, seq_out, err);
}
