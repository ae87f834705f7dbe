/* decide.c - decisions at street or district level, their projection, and the
 * overdue flag of open criticisms. */
#include "decide.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "../common/clock.h"
#include "../common/failpoint.h"
#include "../common/log.h"
#include "hublog.h"
#include "project_hub.h"
#include "store.h"

#define DECIDE_TEXT_MAX 4096 /* bytes of a reason, NUL included */

static const char *const kind_names[] = {NULL, "commend", "criticize", "inspect", "revoke",
                                         "notice"};

const char *hub_decision_kind_name(hub_decision_kind kind) {
  if ((int)kind < 1 || (int)kind > 5) return NULL;
  return kind_names[kind];
}

cm_rc hub_decision_kind_parse(const char *s, hub_decision_kind *kind_out, cm_err *err) {
  for (int i = 1; s && i <= 5; i++)
    if (strcmp(s, kind_names[i]) == 0) {
      *kind_out = (hub_decision_kind)i;
      return CM_OK;
    }
  return cm_errf(err, CM_ERR_INVALID,
                 "没有这种决定「%s」（commend 表彰、criticize 批评、inspect 检查、revoke 撤销备案、notice 通知） / "
                 "unknown decision '%s' (commend, criticize, inspect, revoke or notice)",
                 s ? s : "", s ? s : "");
}

/* Check the fields of d against its kind. */
static cm_rc decision_check(const hub_decision *d, int year, cm_err *err) {
  uint64_t t;
  if (!hub_decision_kind_name(d->kind)) return cm_errf(err, CM_ERR_INVALID, "没有这种决定 / unknown decision");
  if ((d->org && *d->org) == (d->community && *d->community))
    return cm_errf(err, CM_ERR_INVALID, "请指定组织（--org 备案编号）或社区（--community 名称），二者选一 / name either --org ID or --community NAME");
  if (!d->reason || !*d->reason || strlen(d->reason) >= DECIDE_TEXT_MAX)
    return cm_errf(err, CM_ERR_INVALID, "决定需要写明理由（1 到 %d 字节） / a decision needs a reason (1 to %d bytes)",
                   DECIDE_TEXT_MAX - 1, DECIDE_TEXT_MAX - 1);
  if ((d->org && strlen(d->org) >= HUB_NAME_MAX) ||
      (d->community && strlen(d->community) >= HUB_NAME_MAX))
    return cm_errf(err, CM_ERR_INVALID, "组织或社区名称过长 / the organisation or community is too long");
  if (d->deadline && *d->deadline && cm_date_parse(d->deadline, &t) != CM_OK)
    return cm_errf(err, CM_ERR_INVALID, "整改期限应为日期 YYYY-MM-DD，而不是「%s」 / the deadline must be a date YYYY-MM-DD, not '%s'",
                   d->deadline, d->deadline);
  if (d->kind == HUB_DECIDE_CRITICIZE && (!d->deadline || !*d->deadline))
    return cm_errf(err, CM_ERR_INVALID, "批评需要整改期限（--deadline YYYY-MM-DD） / a criticism needs --deadline YYYY-MM-DD to rectify by");
  if (d->result && *d->result && strcmp(d->result, "pass") != 0 &&
      strcmp(d->result, "rectify") != 0 && strcmp(d->result, "fail") != 0)
    return cm_errf(err, CM_ERR_INVALID, "检查结果应为 pass 合格、rectify 限期整改或 fail 不合格，而不是「%s」 / the result is pass, rectify or fail, not '%s'",
                   d->result, d->result);
  if (d->kind == HUB_DECIDE_INSPECT && (!d->result || !*d->result))
    return cm_errf(err, CM_ERR_INVALID, "检查需要写明结果（--result pass|rectify|fail） / an inspection needs --result pass|rectify|fail");
  if (year && (d->kind != HUB_DECIDE_INSPECT || !d->org || !*d->org))
    return cm_errf(err, CM_ERR_INVALID, "年检结果针对一个组织（--org ID）");
  if (year && d->result && strcmp(d->result, "rectify") == 0 && (!d->deadline || !*d->deadline))
    return cm_errf(err, CM_ERR_INVALID, "限期整改须给出整改期限（--deadline YYYY-MM-DD）");
  if (d->kind == HUB_DECIDE_REVOKE && (!d->org || !*d->org))
    return cm_errf(err, CM_ERR_INVALID, "撤销备案需要指定组织（--org 备案编号） / a revocation names the organisation (--org ID)");
  return CM_OK;
}

cm_rc hub_decide_check(hub_ctx *ctx, const hub_decision *d, char *community_out, size_t cap,
                       cm_err *err) {
  uint8_t to[PROTO_KEY_BYTES];
  hub_author a;
  int found = 0;
  cm_rc rc = decision_check(d, 0, err);
  if (cap) community_out[0] = '\0';
  if (rc) return rc;
  pthread_mutex_lock(&ctx->lock);
  if (d->org && *d->org) {
    rc = hub_store_org_holder(ctx->store, d->org, to, &found, err);
    if (!rc && !found)
      rc = cm_errf(err, CM_ERR_NOT_FOUND, "本级没有备案编号为「%s」的组织 / no organisation '%s' is filed here",
                   d->org, d->org);
  } else {
    rc = hub_store_community_find(ctx->store, d->community, to, &found, err);
    if (!rc && !found)
      rc = cm_errf(err, CM_ERR_NOT_FOUND, "本级没有名为「%s」的社区 / no community named '%s' here",
                   d->community, d->community);
  }
  if (!rc) rc = hub_store_author_get(ctx->store, to, &a, &found, err);
  pthread_mutex_unlock(&ctx->lock);
  if (!rc && found && cap) snprintf(community_out, cap, "%s", a.name);
  return rc;
}

cm_rc hub_decide(hub_ctx *ctx, const hub_decision *d, const char *operator_name,
                 char *record_out, size_t record_cap, cm_err *err) {
  return hub_decide_year(ctx, d, 0, operator_name, record_out, record_cap, err);
}

cm_rc hub_decide_year(hub_ctx *ctx, const hub_decision *d, int year, const char *operator_name,
                      char *record_out, size_t record_cap, cm_err *err) {
  return hub_decide_with(ctx, d, year, NULL, operator_name, record_out, record_cap, err);
}

cm_rc hub_decide_with(hub_ctx *ctx, const hub_decision *d, int year, const json_t *extra,
                      const char *operator_name, char *record_out, size_t record_cap,
                      cm_err *err) {
  uint8_t to[PROTO_KEY_BYTES];
  char to_hex[PROTO_KEY_HEX], kind[32];
  hub_author a;
  int found = 0;
  uint64_t seq = 0;
  json_t *body = NULL;
  cm_rc rc = decision_check(d, year, err);

  if (record_out && record_cap) record_out[0] = '\0';
  if (rc) return rc;
  if (operator_name && strlen(operator_name) >= HUB_NAME_MAX)
    return cm_errf(err, CM_ERR_INVALID, "操作员姓名过长 / the operator name is too long");
  snprintf(kind, sizeof kind, "decision.%s", hub_decision_kind_name(d->kind));
  pthread_mutex_lock(&ctx->lock);
  rc = hub_store_begin(ctx->store, err);
  if (rc) goto unlock;
  if (d->org && *d->org) {
    rc = hub_store_org_holder(ctx->store, d->org, to, &found, err);
    if (!rc && !found)
      rc = cm_errf(err, CM_ERR_NOT_FOUND, "本级没有备案编号为「%s」的组织 / no organisation '%s' is filed here", d->org, d->org);
  } else {
    rc = hub_store_community_find(ctx->store, d->community, to, &found, err);
    if (!rc && !found)
      rc = cm_errf(err, CM_ERR_NOT_FOUND, "本级没有名为「%s」的社区 / no community named '%s' here", d->community,
                   d->community);
  }
  if (!rc) rc = hub_store_author_get(ctx->store, to, &a, &found, err);
  if (rc) goto out;
  proto_key_hex(to, to_hex);
  body = json_object();
  /* A street-level organisation's decisions stay at the hub: there is no
   * node below to address them to. */
  if (body && memcmp(to, ctx->kp.pk, PROTO_KEY_BYTES) != 0)
    json_object_set_new(body, "to", json_string(to_hex));
  if (body) {
    json_object_set_new(body, "org", json_string(d->org ? d->org : ""));
    json_object_set_new(body, "community", json_string(found ? a.name : ""));
    json_object_set_new(body, "reason", json_string(d->reason));
    json_object_set_new(body, "deadline", json_string(d->deadline ? d->deadline : ""));
    json_object_set_new(body, "result", json_string(d->result ? d->result : ""));
    json_object_set_new(body, "by", json_string(hub_role_name(ctx->role)));
    json_object_set_new(body, "operator", json_string(operator_name ? operator_name : ""));
    if (year) json_object_set_new(body, "year", json_integer(year));
    if (extra && json_object_update_missing(body, (json_t *)extra)) {
      json_decref(body);
      body = NULL;
    }
  }
  rc = body ? hub_log_append_locked(ctx, kind, body, &seq, err)
            : cm_errf(err, CM_ERR_NOMEM, "out of memory writing a decision");
out:
  if (!rc) CM_FAILPOINT("decide.before_commit");
  if (!rc)
    rc = hub_store_commit(ctx->store, err);
  else
    hub_store_rollback(ctx->store);
  if (!rc) CM_FAILPOINT("decide.after_commit");
unlock:
  pthread_mutex_unlock(&ctx->lock);
  json_decref(body);
  if (!rc) {
    if (record_out) hub_record_id(ctx->kp.pk, seq, record_out, record_cap);
    cm_info("decide: %s by '%s' in hub log entry %" PRIu64, kind,
            operator_name ? operator_name : "", seq);
  }
  return rc;
}

cm_rc hub_decide_withdraw(hub_ctx *ctx, const char *record, const char *reason,
                          const char *operator_name, char *record_out, size_t record_cap,
                          cm_err *err) {
  uint8_t to_buf[PROTO_KEY_BYTES];
  const uint8_t *to = NULL;
  const char *why = NULL;
  char to_hex[PROTO_KEY_HEX];
  uint64_t seq = 0;
  json_t *body = NULL;
  cm_rc rc;

  if (record_out && record_cap) record_out[0] = '\0';
  if (!record || !*record || strlen(record) >= PROTO_KEY_HEX + 24)
    return cm_errf(err, CM_ERR_INVALID, "请指定要撤回的决定（记录编号）");
  if (!reason || !*reason || strlen(reason) >= DECIDE_TEXT_MAX)
    return cm_errf(err, CM_ERR_INVALID, "撤回决定需要写明理由（1 到 %d 字节）", DECIDE_TEXT_MAX - 1);
  if (operator_name && strlen(operator_name) >= HUB_NAME_MAX)
    return cm_errf(err, CM_ERR_INVALID, "操作员姓名过长 / the operator name is too long");
  pthread_mutex_lock(&ctx->lock);
  rc = hub_store_begin(ctx->store, err);
  if (rc) goto unlock;
  rc = hub_withdraw_allowed(ctx, record, ctx->kp.pk, &to, to_buf, &why, err);
  if (!rc && why)
    rc = cm_errf(err, strcmp(why, "本级没有这项决定") == 0 ? CM_ERR_NOT_FOUND : CM_ERR_INVALID,
                 "不能撤回「%s」：%s", record, why);
  if (!rc) {
    body = json_object();
    if (body && to) {
      proto_key_hex(to, to_hex);
      json_object_set_new(body, "to", json_string(to_hex));
    }
    if (body) {
      json_object_set_new(body, "decision", json_string(record));
      json_object_set_new(body, "reason", json_string(reason));
      json_object_set_new(body, "by", json_string(hub_role_name(ctx->role)));
      json_object_set_new(body, "operator", json_string(operator_name ? operator_name : ""));
    }
    rc = body ? hub_log_append_locked(ctx, "decision.withdrawn", body, &seq, err)
              : cm_errf(err, CM_ERR_NOMEM, "out of memory writing a withdrawal");
  }
  if (!rc)
    rc = hub_store_commit(ctx->store, err);
  else
    hub_store_rollback(ctx->store);
unlock:
  pthread_mutex_unlock(&ctx->lock);
  json_decref(body);
  if (!rc) {
    if (record_out) hub_record_id(ctx->kp.pk, seq, record_out, record_cap);
    cm_info("decide: withdrawal of %s in hub log entry %" PRIu64, record, seq);
  }
  return rc;
}

cm_rc hub_decisions_list(hub_ctx *ctx, json_t **out, cm_err *err) {
  char today[11];
  cm_rc rc;
  size_t i;
  json_t *d;
  pthread_mutex_lock(&ctx->lock);
  rc = hub_store_decisions_json(ctx->store, out, err);
  pthread_mutex_unlock(&ctx->lock);
  if (rc) return rc;
  cm_date_of(cm_now_ms(), today);
  json_array_foreach(*out, i, d) {
    int closed = json_integer_value(json_object_get(d, "closed")) != 0;
    const char *kind = json_string_value(json_object_get(d, "kind"));
    const char *deadline = json_string_value(json_object_get(d, "deadline"));
    /* Dates compare as strings: YYYY-MM-DD, Asia/Shanghai on both sides. */
    /* an inspection to rectify by a deadline is closed like a criticism */
    int overdue = kind && (strcmp(kind, "criticize") == 0 || strcmp(kind, "inspect") == 0) &&
                  !closed && deadline && *deadline && strcmp(deadline, today) < 0;
    int withdrawn = !json_is_null(json_object_get(d, "withdrawn_reason")) &&
                    json_object_get(d, "withdrawn_reason") != NULL;
    if (withdrawn) overdue = 0;
    json_object_set_new(d, "withdrawn", json_boolean(withdrawn));
    json_object_set_new(d, "closed", json_boolean(closed));
    json_object_set_new(d, "overdue", json_boolean(overdue));
  }
  return CM_OK;
}
