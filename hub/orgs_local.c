/* orgs_local.c - street-level organisations filed, reporting and declaring at
 * the street hub. */
#include "orgs_local.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/clock.h"
#include "../common/json.h"
#include "../common/rules.h"
#include "../common/records.h"
#include "decide.h"
#include "hublog.h"
#include "lists.h"
#include "project.h"
#include "review.h"
#include "store.h"

#define LOCAL_TEXT_MAX 4096 /* bytes of a free-text field, NUL included */

/* s or "" */
static const char *or_empty(const char *s) {
  return s ? s : "";
}

/* CM_ERR_INVALID unless every text is at most LOCAL_TEXT_MAX - 1 bytes. */
static cm_rc texts_ok(const char *const *t, size_t n, cm_err *err) {
  for (size_t i = 0; i < n; i++)
    if (t[i] && strlen(t[i]) >= LOCAL_TEXT_MAX)
      return cm_errf(err, CM_ERR_INVALID, "有一项超过 %d 字节", LOCAL_TEXT_MAX - 1);
  return CM_OK;
}

/* An ID given by the operator: 1..63 bytes of [0-9A-Za-z-]. */
static int id_ok(const char *id) {
  size_t n = strlen(id);
  if (n == 0 || n >= HUB_LOCAL_ID_MAX) return 0;
  for (size_t i = 0; i < n; i++) {
    char c = id[i];
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-'))
      return 0;
  }
  return 1;
}

/* Lock held, transaction open: CM_ERR_NOT_FOUND unless org is ours and not
 * dissolved. */
static cm_rc our_org(hub_ctx *ctx, const char *org, cm_err *err) {
  char *json = NULL;
  int dissolved = 0;
  cm_rc rc = hub_store_org_get(ctx->store, ctx->kp.pk, org, &json, &dissolved, err);
  if (!rc && (!json || dissolved))
    rc = cm_errf(err, CM_ERR_NOT_FOUND, "“%s”不是在本街道分会备案的街道级组织", org);
  free(json);
  return rc;
}

/* Lock held: the domain core's checks (common/records.h) on what this hub is
 * about to write, with the same context the projection will use. */
cm_rc hub_local_check(hub_ctx *ctx, const char *kind, const json_t *body, cm_err *err) {
  const cm_rec_def *def = cm_rec_find(kind);
  const char *org = json_string_value(json_object_get(body, strcmp(kind, "org.filed") == 0 ||
                                                                strcmp(kind, "org.amended") == 0 ||
                                                                strcmp(kind, "org.dissolved") == 0
                                                            ? "id"
                                                            : "org"));
  uint64_t now = cm_now_ms();
  cm_rec_body b;
  cm_rec_ctx c;
  cm_rc rc = cm_rec_read_json(def, body, &b, err);
  if (!rc) rc = hub_project_rec_ctx(ctx, ctx->kp.pk, now, now, org, &c, err);
  if (!rc) rc = hub_project_body_ctx(ctx, ctx->kp.pk, kind, &b, body, &c, err);
  if (!rc) rc = cm_rec_check(def, &b, &c, err);
  return rc;
}

cm_rc hub_local_fanout_locked(hub_ctx *ctx, const char *kind, const json_t *tmpl,
                              const json_t *comms, const char *const *per, size_t *n_out,
                              cm_err *err) {
  size_t i, n = 0;
  json_t *c;
  cm_rc rc = CM_OK;
  json_array_foreach(comms, i, c) {
    json_t *body = json_deep_copy(tmpl);
    if (!body || json_object_set(body, "to", json_object_get(c, "key")))
      rc = cm_errf(err, CM_ERR_NOMEM, "内存不足");
    for (const char *const *p = per; !rc && p && *p; p += 2)
      if (json_object_set(body, p[0], json_object_get(c, p[1])))
        rc = cm_errf(err, CM_ERR_NOMEM, "内存不足");
    if (!rc) rc = hub_local_check(ctx, kind, body, err);
    if (!rc) rc = hub_log_append_locked(ctx, kind, body, NULL, err);
    json_decref(body);
    if (rc) break;
    n++;
  }
  if (n_out) *n_out = n;
  return rc;
}

/* Append kind/body in a transaction after check (may be NULL) passes. */
static cm_rc append_checked(hub_ctx *ctx, const char *kind, json_t *body, const char *org,
                            uint64_t *seq_out, cm_err *err) {
  cm_rc rc;
  pthread_mutex_lock(&ctx->lock);
  rc = hub_store_begin(ctx->store, err);
  if (!rc) {
    if (org) rc = our_org(ctx, org, err);
    if (!rc) rc = hub_local_check(ctx, kind, body, err);
    if (!rc) rc = hub_log_append_locked(ctx, kind, body, seq_out, err);
    if (!rc)
      rc = hub_store_commit(ctx->store, err);
    else
      hub_store_rollback(ctx->store);
  }
  pthread_mutex_unlock(&ctx->lock);
  return rc;
}

cm_rc hub_local_append(hub_ctx *ctx, const char *kind, json_t *body, uint64_t *seq_out,
                       cm_err *err) {
  return append_checked(ctx, kind, body, NULL, seq_out, err);
}

/* The next number for a street-level filing (what "A" = activity). */
static cm_rc next_id(hub_ctx *ctx, int activity, char *out, cm_err *err) {
  int64_t orgs = 0, acts = 0;
  cm_rc rc;
  pthread_mutex_lock(&ctx->lock);
  rc = hub_store_local_counts(ctx->store, ctx->kp.pk, &orgs, &acts, err);
  pthread_mutex_unlock(&ctx->lock);
  if (!rc)
    snprintf(out, HUB_LOCAL_ID_MAX, "%.12s-%s%04lld", ctx->key_hex, activity ? "A" : "",
             (long long)((activity ? acts : orgs) + 1));
  return rc;
}

/* The industry and unit codes of o into body (a filing, or an amendment's
 * changes), each checked against the district's published list. */
static cm_rc codes_put(hub_ctx *ctx, const hub_local_org *o, json_t *body, cm_err *err) {
  cm_rc rc = hub_lists_check_code(ctx, CM_LIST_INDUSTRY, o->industry, err);
  if (!rc) rc = hub_lists_check_code(ctx, CM_LIST_UNIT, o->unit, err);
  if (!rc && o->industry && *o->industry)
    json_object_set_new(body, "industry", json_string(o->industry));
  if (!rc && o->unit && *o->unit) json_object_set_new(body, "unit", json_string(o->unit));
  return rc;
}

cm_rc hub_local_org_file(hub_ctx *ctx, const hub_local_org *o, char *id_out, json_t **flags_out,
                         uint64_t *seq_out, cm_err *err) {
  const char *texts[] = {o->name,    o->category, o->leader, o->phone,
                         o->scope,   o->venue,    o->filed,  o->founded_by};
  const char *founded = o->founded_by ? o->founded_by : "district-unit";
  char today[11];
  json_t *body = NULL, *flags = NULL;
  uint64_t t;
  cm_rc rc;

  if (flags_out) *flags_out = NULL;
  id_out[0] = '\0';
  if (ctx->role != HUB_ROLE_STREET)
    return cm_errf(err, CM_ERR_PERM, "街道级组织在街道分会备案");
  rc = texts_ok(texts, sizeof texts / sizeof texts[0], err);
  if (rc) return rc;
  if (strcmp(founded, "self") != 0 && strcmp(founded, "district-unit") != 0 &&
      strcmp(founded, "street") != 0)
    return cm_errf(err, CM_ERR_INVALID, "--founded-by 应为 self（自发成立）、district-unit（区属单位设立）或 street（街道设立）");
  cm_date_of(cm_now_ms(), today);
  if (o->filed && cm_date_parse(o->filed, &t) != CM_OK)
    return cm_errf(err, CM_ERR_INVALID, "--filed 应为日期 YYYY-MM-DD");
  if (o->id) {
    if (!id_ok(o->id))
      return cm_errf(err, CM_ERR_INVALID, "编号应为 1 到 %d 个字母、数字或“-”",
                     HUB_LOCAL_ID_MAX - 1);
    snprintf(id_out, HUB_LOCAL_ID_MAX, "%s", o->id);
  } else {
    rc = next_id(ctx, 0, id_out, err);
    if (rc) return rc;
  }
  flags = cm_rules_flags(or_empty(o->name), founded, CM_RULES_STREET, o->party_members,
                         o->party_station);
  body = flags ? json_pack("{s:s, s:s, s:s, s:s, s:s, s:I, s:I, s:b, s:s, s:s, s:s, s:s, s:O}",
                           "id", id_out, "name", or_empty(o->name), "category", or_empty(o->category),
                           "leader", or_empty(o->leader), "phone", or_empty(o->phone), "members",
                           (json_int_t)o->members, "party_members", (json_int_t)o->party_members,
                           "party_station", o->party_station, "founded_by", founded, "scope",
                           or_empty(o->scope), "venue", or_empty(o->venue), "filed",
                           o->filed ? o->filed : today, "flags", flags)
               : NULL;
  rc = body ? CM_OK : cm_errf(err, CM_ERR_NOMEM, "备案时内存不足");
  /* Counts not given are left out, so the domain core refuses the filing as it
   * refuses a community's ("缺少必填项") instead of storing 0. */
  if (!rc && o->members < 0) json_object_del(body, "members");
  if (!rc && o->party_members < 0) json_object_del(body, "party_members");
  if (!rc) rc = codes_put(ctx, o, body, err);
  if (!rc) {
    /* A filing number is filed once; a correction is an amendment. */
    char *cur = NULL;
    pthread_mutex_lock(&ctx->lock);
    rc = hub_store_org_get(ctx->store, ctx->kp.pk, id_out, &cur, NULL, err);
    pthread_mutex_unlock(&ctx->lock);
    if (!rc && cur) rc = cm_errf(err, CM_ERR_EXISTS, "“%s”已经备案", id_out);
    free(cur);
  }
  if (!rc) rc = append_checked(ctx, "org.filed", body, NULL, seq_out, err);
  if (!rc && flags_out) *flags_out = json_incref(flags);
  json_decref(body);
  json_decref(flags);
  return rc;
}

cm_rc hub_local_report_monthly(hub_ctx *ctx, const hub_local_report *r, uint64_t *seq_out,
                               cm_err *err) {
  const char *texts[] = {r->org, r->month, r->content, r->scope, r->good_deeds};
  json_t *body = NULL;
  int idx;
  cm_rc rc;
  if (ctx->role != HUB_ROLE_STREET)
    return cm_errf(err, CM_ERR_PERM, "街道级组织在街道分会填报月报");
  rc = texts_ok(texts, sizeof texts / sizeof texts[0], err);
  if (rc) return rc;
  if (!r->org || !*r->org) return cm_errf(err, CM_ERR_INVALID, "月报需要 --org 备案编号");
  if (!r->month || cm_month_parse(r->month, &idx) != CM_OK)
    return cm_errf(err, CM_ERR_INVALID, "--month 应为月份 YYYY-MM");
  body = json_pack("{s:s, s:s, s:I, s:I, s:I, s:s, s:s, s:s}", "org", r->org, "month", r->month,
                   "activities", (json_int_t)r->activities, "participants",
                   (json_int_t)r->participants, "party_participants",
                   (json_int_t)r->party_participants, "content", or_empty(r->content), "scope",
                   or_empty(r->scope), "good_deeds", or_empty(r->good_deeds));
  rc = body ? append_checked(ctx, "report.monthly", body, r->org, seq_out, err)
            : cm_errf(err, CM_ERR_NOMEM, "写月报时内存不足");
  json_decref(body);
  return rc;
}

cm_rc hub_local_activity_declare(hub_ctx *ctx, const hub_local_activity *a, char *id_out,
                                 uint64_t *seq_out, cm_err *err) {
  const char *texts[] = {a->org, a->date, a->title, a->place, a->description};
  json_t *body = NULL;
  uint64_t t;
  cm_rc rc;
  id_out[0] = '\0';
  if (ctx->role != HUB_ROLE_STREET)
    return cm_errf(err, CM_ERR_PERM, "街道级组织在街道分会汇报重大活动");
  rc = texts_ok(texts, sizeof texts / sizeof texts[0], err);
  if (rc) return rc;
  if (!a->org || !*a->org || !a->title || !*a->title)
    return cm_errf(err, CM_ERR_INVALID, "重大活动汇报需要 --org 备案编号和 --title 活动名称");
  if (!a->date || cm_date_parse(a->date, &t) != CM_OK)
    return cm_errf(err, CM_ERR_INVALID, "--date 应为日期 YYYY-MM-DD");
  if (a->id) {
    if (!id_ok(a->id))
      return cm_errf(err, CM_ERR_INVALID, "编号应为 1 到 %d 个字母、数字或“-”",
                     HUB_LOCAL_ID_MAX - 1);
    snprintf(id_out, HUB_LOCAL_ID_MAX, "%s", a->id);
  } else {
    rc = next_id(ctx, 1, id_out, err);
    if (rc) return rc;
  }
  body = json_pack("{s:s, s:s, s:s, s:s, s:s, s:I, s:s}", "id", id_out, "org", a->org, "date",
                   a->date, "title", a->title, "place", or_empty(a->place), "expected",
                   (json_int_t)a->expected, "description", or_empty(a->description));
  rc = body ? append_checked(ctx, "activity.declared", body, a->org, seq_out, err)
            : cm_errf(err, CM_ERR_NOMEM, "汇报重大活动时内存不足");
  json_decref(body);
  return rc;
}

cm_rc hub_local_org_amend(hub_ctx *ctx, const hub_local_org *c, uint64_t *seq_out, cm_err *err) {
  const char *texts[] = {c->name, c->category, c->leader, c->phone,
                         c->scope, c->venue,    c->filed,  c->founded_by};
  static const char *const keys[] = {"name", "category", "leader", "phone",
                                     "scope", "venue", "filed", "founded_by"};
  char *cur = NULL;
  json_t *state = NULL, *changes = json_object(), *body = NULL, *flags = NULL;
  cm_rc rc = CM_OK;
  if (ctx->role != HUB_ROLE_STREET)
    rc = cm_errf(err, CM_ERR_PERM, "街道级组织在街道分会变更");
  if (!rc && (!c->id || !*c->id))
    rc = cm_errf(err, CM_ERR_INVALID, "变更需要 --id 备案编号");
  if (!rc) rc = texts_ok(texts, sizeof texts / sizeof texts[0], err);
  if (!rc && !changes) rc = cm_errf(err, CM_ERR_NOMEM, "变更时内存不足");
  if (rc) goto out;
  /* keys in the order of org.filed */
  for (size_t i = 0; i < 4; i++)
    if (texts[i]) json_object_set_new(changes, keys[i], json_string(texts[i]));
  if (c->members >= 0) json_object_set_new(changes, "members", json_integer(c->members));
  if (c->party_members >= 0)
    json_object_set_new(changes, "party_members", json_integer(c->party_members));
  if (c->party_station >= 0)
    json_object_set_new(changes, "party_station", json_boolean(c->party_station));
  for (size_t i = 4; i < 8; i++)
    if (texts[i]) json_object_set_new(changes, keys[i], json_string(texts[i]));
  rc = codes_put(ctx, c, changes, err);
  if (rc) goto out;
  if (json_object_size(changes) == 0) {
    rc = cm_errf(err, CM_ERR_INVALID, "没有要变更的项目：请至少给出一项");
    goto out;
  }
  /* the flags of the amended organisation */
  pthread_mutex_lock(&ctx->lock);
  rc = hub_store_org_get(ctx->store, ctx->kp.pk, c->id, &cur, NULL, err);
  pthread_mutex_unlock(&ctx->lock);
  if (!rc && (!cur || cm_json_parse_object((const uint8_t *)cur, strlen(cur), &state, NULL)))
    rc = cm_errf(err, CM_ERR_NOT_FOUND, "“%s”不是在本街道分会备案的街道级组织",
                 c->id);
  if (rc) goto out;
  json_object_update(state, changes);
  int64_t party = json_integer_value(json_object_get(state, "party_members"));
  flags = cm_rules_flags(json_string_value(json_object_get(state, "name")),
                         json_string_value(json_object_get(state, "founded_by")),
                         CM_RULES_STREET, party, json_is_true(json_object_get(state, "party_station")));
  body = flags ? json_pack("{s:s, s:O, s:O}", "id", c->id, "changes", changes, "flags", flags)
               : NULL;
  rc = body ? append_checked(ctx, "org.amended", body, c->id, seq_out, err)
            : cm_errf(err, CM_ERR_NOMEM, "变更时内存不足");
out:
  free(cur);
  json_decref(state);
  json_decref(changes);
  json_decref(flags);
  json_decref(body);
  return rc;
}

cm_rc hub_local_org_dissolve(hub_ctx *ctx, const char *id, const char *reason,
                             uint64_t *seq_out, cm_err *err) {
  const char *texts[] = {id, reason};
  json_t *body = NULL;
  cm_rc rc = CM_OK;
  if (ctx->role != HUB_ROLE_STREET)
    return cm_errf(err, CM_ERR_PERM, "街道级组织在街道分会解散");
  if (!id || !*id) return cm_errf(err, CM_ERR_INVALID, "解散需要 --id 备案编号");
  rc = texts_ok(texts, 2, err);
  if (rc) return rc;
  body = json_pack("{s:s, s:s}", "id", id, "reason", reason ? reason : "");
  rc = body ? append_checked(ctx, "org.dissolved", body, id, seq_out, err)
            : cm_errf(err, CM_ERR_NOMEM, "解散时内存不足");
  json_decref(body);
  return rc;
}

cm_rc hub_local_rectify(hub_ctx *ctx, const char *org, const char *decision, const char *content,
                        const char *operator_name, uint64_t *seq_out, cm_err *err) {
  const char *texts[] = {org, decision, content, operator_name};
  json_t *list = NULL, *filed = NULL, *accepted = NULL;
  int ok = 0;
  size_t i;
  json_t *d;
  uint64_t seq = 0;
  char rec[PROTO_KEY_HEX + 24];
  cm_rc rc = CM_OK;
  if (ctx->role != HUB_ROLE_STREET)
    return cm_errf(err, CM_ERR_PERM, "街道级组织在街道分会提交整改报告");
  if (!org || !*org || !decision || !*decision || !content || !*content)
    return cm_errf(err, CM_ERR_INVALID,
                   "整改报告需要 --org、--decision 和 --content");
  rc = texts_ok(texts, 4, err);
  if (!rc) rc = hub_decisions_list(ctx, &list, err);
  if (rc) return rc;
  /* only an open criticism of this organisation made or relayed here */
  json_array_foreach(list, i, d) {
    const char *r = json_string_value(json_object_get(d, "record"));
    const char *k = json_string_value(json_object_get(d, "kind"));
    const char *o = json_string_value(json_object_get(d, "org"));
    if (r && k && o && strcmp(r, decision) == 0 && strcmp(k, "criticize") == 0 &&
        strcmp(o, org) == 0 && !json_is_true(json_object_get(d, "closed")))
      ok = 1;
  }
  json_decref(list);
  if (!ok)
    return cm_errf(err, CM_ERR_NOT_FOUND,
                   "没有对%s的未结批评 %s / no open criticism %s of %s here", org, decision,
                   decision, org);
  filed = json_pack("{s:s, s:s, s:s}", "org", org, "decision", decision, "content", content);
  if (!filed) return cm_errf(err, CM_ERR_NOMEM, "写整改报告时内存不足");
  /* the report and its acceptance in one transaction: the street is the
   * reviewing level of its own organisations */
  pthread_mutex_lock(&ctx->lock);
  rc = hub_store_begin(ctx->store, err);
  if (!rc) {
    rc = our_org(ctx, org, err);
    if (!rc) rc = hub_local_check(ctx, "rectification.filed", filed, err);
    if (!rc) rc = hub_log_append_locked(ctx, "rectification.filed", filed, &seq, err);
    if (!rc) {
      hub_record_id(ctx->kp.pk, seq, rec, sizeof rec);
      accepted = json_pack("{s:s, s:s, s:s, s:s}", "org", org, "decision", decision,
                           "rectification", rec, "operator", operator_name ? operator_name : "");
      rc = accepted ? hub_log_append_locked(ctx, "rectification.accepted", accepted, NULL, err)
                    : cm_errf(err, CM_ERR_NOMEM, "写整改报告时内存不足");
    }
    if (!rc)
      rc = hub_store_commit(ctx->store, err);
    else
      hub_store_rollback(ctx->store);
  }
  pthread_mutex_unlock(&ctx->lock);
  if (!rc && seq_out) *seq_out = seq;
  json_decref(filed);
  json_decref(accepted);
  return rc;
}

cm_rc hub_local_station_register(hub_ctx *ctx, const hub_local_station *s, uint64_t *seq_out,
                                 cm_err *err) {
  const char *texts[] = {s->org,  s->name,   s->leader,     s->committee,
                         s->date, s->branch, s->branch_date};
  char today[11];
  json_t *body = NULL;
  cm_rc rc;
  if (ctx->role != HUB_ROLE_STREET)
    return cm_errf(err, CM_ERR_PERM, "街道级组织的党员活动站在街道分会登记");
  rc = texts_ok(texts, sizeof texts / sizeof texts[0], err);
  if (rc) return rc;
  if (!s->org || !*s->org) return cm_errf(err, CM_ERR_INVALID, "登记党员活动站需要 --org 备案编号");
  cm_date_of(cm_now_ms(), today);
  /* the domain core checks the rest (required fields, the date against the
   * filing date and today, a branch date only with its branch) */
  body = json_pack("{s:s, s:s, s:s, s:I, s:s, s:s}", "org", s->org, "name", or_empty(s->name),
                   "leader", or_empty(s->leader), "party_members", (json_int_t)s->party_members,
                   "committee", or_empty(s->committee), "date",
                   s->date && *s->date ? s->date : today);
  if (body && s->branch && *s->branch) json_object_set_new(body, "branch", json_string(s->branch));
  if (body && s->branch_date && *s->branch_date)
    json_object_set_new(body, "branch_date", json_string(s->branch_date));
  rc = body ? append_checked(ctx, "station.registered", body, s->org, seq_out, err)
            : cm_errf(err, CM_ERR_NOMEM, "登记党员活动站时内存不足");
  json_decref(body);
  return rc;
}
