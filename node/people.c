/* people.c - rosters, pledges, residents' feedback and funding at the
 * community node (node/people.h). */
#include "people.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/clock.h"
#include "../common/csv.h"
#include "../common/xlsx.h"
#include "../common/personal.h"
#include "../common/records.h"
#include "journal.h"
#include "members.h"
#include "records.h"
#include "store.h"

static int given(const char *s) {
  return s && *s;
}

static const char *str(const json_t *o, const char *k) {
  const char *s = json_string_value(json_object_get(o, k));
  return s ? s : "";
}

static cm_rc nomem(cm_err *err) {
  return cm_errf(err, CM_ERR_NOMEM, "内存不足 / out of memory");
}

/* Optional short text as typed: at most CM_REC_SHORT_MAX bytes of UTF-8. */
static cm_rc short_in(const char *zh, const char *v, int required, json_t **out, cm_err *err) {
  *out = NULL;
  if (!given(v) && required) return cm_errf(err, CM_ERR_INVALID, "缺少必填项「%s」", zh);
  if (given(v) && strlen(v) > CM_REC_SHORT_MAX)
    return cm_errf(err, CM_ERR_INVALID, "「%s」过长（最多%d字节）", zh, CM_REC_SHORT_MAX);
  *out = json_string(given(v) ? v : "");
  if (!*out) return cm_errf(err, CM_ERR_INVALID, "「%s」不是有效的UTF-8文字", zh);
  return CM_OK;
}

/* A date as typed (default today) into out. */
static cm_rc date_or_today(node_ctx *ctx, const char *zh, const char *v, char out[11],
                           cm_err *err) {
  uint64_t t;
  if (!given(v)) {
    node_today(ctx, out);
    return CM_OK;
  }
  if (strlen(v) != 10 || cm_date_parse(v, &t) != CM_OK)
    return cm_errf(err, CM_ERR_INVALID, "「%s」格式应为年-月-日（YYYY-MM-DD），而不是“%s”", zh, v);
  memcpy(out, v, 11);
  return CM_OK;
}

static cm_rc yes_no(const char *zh, const char *v, int *out, cm_err *err) {
  *out = 0;
  if (!given(v) || !strcmp(v, "no") || !strcmp(v, "否")) return CM_OK;
  if (!strcmp(v, "yes") || !strcmp(v, "是")) {
    *out = 1;
    return CM_OK;
  }
  return cm_errf(err, CM_ERR_INVALID, "「%s」只能是 yes 或 no，而不是“%s”", zh, v);
}

/* The street hub's key, to which a roster's personal fields are sealed. */
static cm_rc street_key(node_ctx *ctx, uint8_t out[PROTO_KEY_BYTES], cm_err *err) {
  char hex[PROTO_KEY_HEX] = "";
  if (store_meta_get(ctx, "hub_key", hex, sizeof hex, NULL) != CM_OK || !hex[0] ||
      proto_key_from_hex(hex, out) != CM_OK)
    return cm_errf(err, CM_ERR_INVALID,
                   "还不知道街道分会的公钥，个人信息无法加密：请先同步一次（sync），"
                   "或在 init 时用 --hub-key 指定");
  return CM_OK;
}

/* A body of journal_bodies without the keys it added. */
static json_t *bare(const json_t *listed) {
  json_t *b = json_deep_copy(listed);
  if (b) {
    json_object_del(b, "seq");
    json_object_del(b, "record");
    json_object_del(b, "time_ms");
  }
  return b;
}

/* ---- the roster ---- */

/* The newest body of each member of org, by member number (new reference). */



typedef struct roster_job {
  json_t *body;       /* without "member" until the transaction numbers it */
  const char *name;   /* roster_add: the member's name (a leader's goes on the filing) */
  const char *member; /* roster_leave: the member's number as typed */
  int64_t number;
} roster_job;

static cm_rc roster_add_tx(node_ctx *ctx, void *arg, cm_err *err) {
  roster_job *j = arg;
  const char *org = str(j->body, "org");
  json_t *now = NULL, *b;
  size_t i;
  int64_t max = 0;
  int leader = json_is_true(json_object_get(j->body, "leader"));
  cm_rc rc = node_org_active(ctx, org, NULL, err);
  if (!rc) rc = node_roster_now(ctx, org, &now, err);
  json_array_foreach(now, i, b) {
    int64_t n = json_integer_value(json_object_get(b, "member"));
    if (n > max) max = n;
    if (!rc && leader && json_is_true(json_object_get(b, "leader")) &&
        strcmp(str(b, "action"), "leave") != 0) {
      /* The leader this one replaces stays a member, no longer the leader. */
      if (!given(str(j->body, "reason")))
        rc = cm_errf(err, CM_ERR_INVALID, "更换负责人须说明原因（--reason）");
      json_t *d = rc ? NULL : bare(b);
      if (!rc && !d) rc = nomem(err);
      if (!rc) {
        json_object_set_new(d, "action", json_string("change"));
        json_object_set_new(d, "leader", json_false());
        json_object_del(d, "reason");
        rc = journal_append_in_tx(ctx, "roster.entry", d, NULL, err);
      }
      json_decref(d);
    }
  }
  if (!rc && leader && !given(str(j->body, "reason")))
    json_object_set_new(j->body, "reason", json_string("登记负责人"));
  /* The leader's name is public: the filing carries it to every level (the
   * roster's names stay sealed). */
  json_t *o = NULL;
  if (!rc && leader) rc = node_org_active(ctx, org, &o, err);
  if (!rc && leader && strcmp(str(o, "leader"), j->name) != 0) {
    node_org_input ch;
    memset(&ch, 0, sizeof ch);
    ch.leader = j->name;
    rc = node_org_amend_in_tx(ctx, org, &ch, err);
  }
  json_decref(o);
  j->number = max + 1;
  if (!rc && json_object_set_new(j->body, "member", json_integer((json_int_t)j->number)))
    rc = nomem(err);
  if (!rc) rc = journal_append_in_tx(ctx, "roster.entry", j->body, NULL, err);
  json_decref(now);
  return rc;
}

cm_rc node_roster_add(node_ctx *ctx, const node_roster_input *in, int64_t *member_out,
                      cm_err *err) {
  json_t *name = NULL, *role = NULL, *home = NULL, *who = NULL, *sealed = NULL;
  uint8_t street[PROTO_KEY_BYTES];
  char joined[11];
  int party = 0, leader = 0;
  roster_job j;
  memset(&j, 0, sizeof j);
  cm_rc rc = given(in->org) ? CM_OK : cm_errf(err, CM_ERR_INVALID, "缺少必填项「组织」（--org）");
  if (!rc) rc = short_in("姓名", in->name, 1, &name, err);
  if (!rc) rc = short_in("角色", in->role, 0, &role, err);
  if (!rc) rc = short_in("所在社区", in->home_community, 0, &home, err);
  if (!rc) rc = yes_no("党员", in->party_member, &party, err);
  if (!rc) rc = yes_no("负责人", in->leader, &leader, err);
  if (!rc && given(in->reason) && !leader)
    rc = cm_errf(err, CM_ERR_INVALID, "只有登记负责人时才写原因（--reason）");
  if (!rc && given(in->reason) && strlen(in->reason) > CM_REC_TEXT_MAX)
    rc = cm_errf(err, CM_ERR_INVALID, "「原因」过长");
  if (!rc) rc = date_or_today(ctx, "加入日期", in->joined, joined, err);
  if (!rc) rc = street_key(ctx, street, err);
  if (!rc) {
    who = json_pack("{s:O,s:O,s:O}", "name", name, "role", role, "home_community", home);
    rc = who ? cm_personal_seal(who, street, ctx->kp.pk, &sealed, err) : nomem(err);
  }
  if (!rc) {
    j.name = in->name;
    j.body = json_pack("{s:s,s:s,s:b,s:b,s:s,s:O}", "org", in->org, "action", "join",
                       "party_member", party, "leader", leader, "joined", joined, "sealed", sealed);
    if (j.body && given(in->reason)) json_object_set_new(j.body, "reason", json_string(in->reason));
    rc = j.body ? journal_tx(ctx, roster_add_tx, &j, err) : nomem(err);
  }
  if (!rc && member_out) *member_out = j.number;
  json_decref(name);
  json_decref(role);
  json_decref(home);
  json_decref(who);
  json_decref(sealed);
  json_decref(j.body);
  return rc;
}

static cm_rc roster_leave_tx(node_ctx *ctx, void *arg, cm_err *err) {
  roster_job *j = arg;
  const char *org = str(j->body, "org");
  json_t *now = NULL, *b, *found = NULL;
  size_t i;
  cm_rc rc = node_org_active(ctx, org, NULL, err);
  if (!rc) rc = node_roster_now(ctx, org, &now, err);
  json_array_foreach(now, i, b) {
    if (json_integer_value(json_object_get(b, "member")) == j->number) found = b;
  }
  if (!rc && (!found || strcmp(str(found, "action"), "leave") == 0))
    rc = cm_errf(err, CM_ERR_NOT_FOUND, "组织%s的名册里没有在册的%s号成员", org, j->member);
  json_t *d = rc ? NULL : bare(found);
  if (!rc && !d) rc = nomem(err);
  if (!rc) {
    json_object_set_new(d, "action", json_string("leave"));
    json_object_set_new(d, "leader", json_false());
    json_object_del(d, "reason");
    json_object_set(d, "left", json_object_get(j->body, "left"));
    if (strcmp(str(d, "left"), str(d, "joined")) < 0)
      rc = cm_errf(err, CM_ERR_INVALID, "退出日期%s早于加入日期%s", str(d, "left"),
                   str(d, "joined"));
  }
  if (!rc) rc = journal_append_in_tx(ctx, "roster.entry", d, NULL, err);
  json_decref(d);
  json_decref(now);
  return rc;
}

cm_rc node_roster_leave(node_ctx *ctx, const char *org, const char *member, const char *left,
                        cm_err *err) {
  char day[11];
  roster_job j;
  memset(&j, 0, sizeof j);
  j.member = member ? member : "";
  j.number = given(member) && strspn(member, "0123456789") == strlen(member) && strlen(member) < 7
                 ? atoll(member)
                 : 0;
  cm_rc rc = given(org) ? CM_OK : cm_errf(err, CM_ERR_INVALID, "缺少必填项「组织」（--org）");
  if (!rc && j.number < 1) rc = cm_errf(err, CM_ERR_INVALID, "「成员编号」应为名册里的编号");
  if (!rc) rc = date_or_today(ctx, "退出日期", left, day, err);
  if (!rc) {
    j.body = json_pack("{s:s,s:s}", "org", org, "left", day);
    rc = j.body ? journal_tx(ctx, roster_leave_tx, &j, err) : nomem(err);
  }
  json_decref(j.body);
  return rc;
}

cm_rc node_roster_list(node_ctx *ctx, const char *org, json_t **out, cm_err *err) {
  json_t *now = NULL, *list = json_array(), *b;
  size_t i;
  *out = NULL;
  cm_rc rc = list ? node_roster_now(ctx, org ? org : "", &now, err) : nomem(err);
  json_array_foreach(now, i, b) {
    if (rc) break;
    json_t *who = NULL;
    if (cm_personal_open(json_object_get(b, "sealed"), "community", &ctx->kp, &who, NULL) != CM_OK)
      who = json_object();
    json_t *row = json_pack(
        "{s:O,s:s,s:s,s:b,s:s,s:b,s:s,s:s,s:s,s:b}", "member", json_object_get(b, "member"), "name",
        str(who, "name"), "role", str(who, "role"), "party_member",
        json_is_true(json_object_get(b, "party_member")), "home_community",
        str(who, "home_community"), "leader", json_is_true(json_object_get(b, "leader")), "joined",
        str(b, "joined"), "left", str(b, "left"), "reason", str(b, "reason"), "current",
        strcmp(str(b, "action"), "leave") != 0);
    json_decref(who);
    if (!row || json_array_append_new(list, row)) rc = nomem(err);
  }
  json_decref(now);
  if (rc)
    json_decref(list);
  else
    *out = list;
  return rc;
}

/* The roster of org as the rows people read: Chinese column words in
 * *head_out, one array per member in *rows_out (new references). */
static cm_rc roster_rows(node_ctx *ctx, const char *org, json_t **head_out, json_t **rows_out,
                         cm_err *err) {
  json_t *list = NULL, *r, *line;
  size_t i;
  cm_rc rc = node_roster_list(ctx, org, &list, err);
  json_t *head = json_pack("[s,s,s,s,s,s,s,s,s]", "编号", "姓名", "角色", "党员", "所在社区",
                           "负责人", "加入日期", "退出日期", "状态");
  json_t *rows = json_array();
  if (!rc && (!head || !rows)) rc = CM_ERR_NOMEM;
  json_array_foreach(list, i, r) {
    if (rc) break;
    line = json_pack(
        "[O,s,s,s,s,s,s,s,s]", json_object_get(r, "member"), str(r, "name"), str(r, "role"),
        json_is_true(json_object_get(r, "party_member")) ? "是" : "否", str(r, "home_community"),
        json_is_true(json_object_get(r, "leader")) ? "是" : "", str(r, "joined"), str(r, "left"),
        json_is_true(json_object_get(r, "current")) ? "在册" : "已退出");
    if (!line || json_array_append_new(rows, line)) rc = CM_ERR_NOMEM;
  }
  json_decref(list);
  if (rc) {
    json_decref(head);
    json_decref(rows);
    if (err && !err->msg[0]) cm_errf(err, rc, "导出名册失败：%s", cm_strerror(rc));
    return rc;
  }
  *head_out = head;
  *rows_out = rows;
  return CM_OK;
}

cm_rc node_roster_csv(node_ctx *ctx, const char *org, cm_buf *out, cm_err *err) {
  json_t *head = NULL, *rows = NULL;
  cm_rc rc = roster_rows(ctx, org, &head, &rows, err);
  if (!rc) rc = cm_csv_table(out, head, rows, err);
  json_decref(head);
  json_decref(rows);
  return rc;
}

cm_rc node_roster_xlsx(node_ctx *ctx, const char *org, const char *dir, cm_buf *out,
                       cm_err *err) {
  json_t *head = NULL, *rows = NULL;
  cm_rc rc = roster_rows(ctx, org, &head, &rows, err);
  if (!rc) rc = cm_xlsx_sheet(head, rows, "名册", dir, out, err);
  json_decref(head);
  json_decref(rows);
  return rc;
}

/* ---- the pledge, feedback and funding: one body checked inside a transaction ---- */

typedef struct body_job {
  const char *kind;
  json_t *body;
  char *id_out; /* feedback_add: the id it numbered */
  size_t id_cap;
} body_job;

static cm_rc body_tx(node_ctx *ctx, void *arg, cm_err *err) {
  body_job *j = arg;
  cm_rc rc = node_org_active(ctx, str(j->body, "org"), NULL, err);
  if (!rc) rc = journal_append_in_tx(ctx, j->kind, j->body, NULL, err);
  return rc;
}

/* Append body (taken over) of kind about its organisation. */
static cm_rc append(node_ctx *ctx, const char *kind, json_t *body, cm_err *err) {
  body_job j = {kind, body, NULL, 0};
  cm_rc rc = body ? journal_tx(ctx, body_tx, &j, err) : nomem(err);
  json_decref(body);
  return rc;
}

static cm_rc long_ok(const char *zh, const char *v, int required, cm_err *err) {
  if (required && !given(v)) return cm_errf(err, CM_ERR_INVALID, "缺少必填项「%s」", zh);
  if (given(v) && strlen(v) > CM_REC_TEXT_MAX)
    return cm_errf(err, CM_ERR_INVALID, "「%s」过长（最多%d字节）", zh, CM_REC_TEXT_MAX);
  return CM_OK;
}

cm_rc node_pledge_set(node_ctx *ctx, const char *org, const char *rules, const char *pledge,
                      cm_err *err) {
  cm_rc rc = given(org) ? CM_OK : cm_errf(err, CM_ERR_INVALID, "缺少必填项「组织」（--org）");
  if (!rc) rc = long_ok("内部制度", rules, 0, err);
  if (!rc) rc = long_ok("服务承诺", pledge, 1, err);
  if (!rc)
    rc = append(ctx, "pledge.set",
                json_pack("{s:s,s:s,s:s}", "org", org, "rules", given(rules) ? rules : "", "pledge",
                          pledge),
                err);
  return rc;
}

cm_rc node_pledge_get(node_ctx *ctx, const char *org, json_t **out, cm_err *err) {
  json_t *all = NULL;
  *out = NULL;
  cm_rc rc = node_log_bodies(ctx, "pledge.set", org, 0, &all, err);
  if (!rc && json_array_size(all)) *out = json_incref(json_array_get(all, 0));
  json_decref(all);
  return rc;
}

static cm_rc feedback_tx(node_ctx *ctx, void *arg, cm_err *err) {
  body_job *j = arg;
  json_t *all = NULL, *b;
  size_t i;
  long max = 0;
  char code[16] = "", id[64];
  cm_rc rc = node_org_active(ctx, str(j->body, "org"), NULL, err);
  if (!rc) rc = store_meta_get(ctx, "code", code, sizeof code, err);
  if (!rc) rc = node_log_bodies(ctx, "feedback.recorded", NULL, 0, &all, err);
  json_array_foreach(all, i, b) {
    const char *f = strstr(str(b, "id"), "-F");
    if (f && atol(f + 2) > max) max = atol(f + 2);
  }
  snprintf(id, sizeof id, "%s-F%04ld", code, max + 1);
  if (!rc && json_object_set_new(j->body, "id", json_string(id))) rc = nomem(err);
  if (!rc) rc = journal_append_in_tx(ctx, j->kind, j->body, NULL, err);
  if (!rc && j->id_out) snprintf(j->id_out, j->id_cap, "%s", id);
  json_decref(all);
  return rc;
}

cm_rc node_feedback_add(node_ctx *ctx, const char *org, const char *type, const char *content,
                        const char *from, const char *received, char *id_out, size_t id_cap,
                        cm_err *err) {
  char day[11];
  json_t *who = NULL, *sealed = NULL;
  body_job j = {"feedback.recorded", NULL, id_out, id_cap};
  cm_rc rc = given(org) ? CM_OK : cm_errf(err, CM_ERR_INVALID, "缺少必填项「组织」（--org）");
  if (!rc && (!given(type) || (strcmp(type, "complaint") && strcmp(type, "suggestion"))))
    rc = cm_errf(err, CM_ERR_INVALID, "「类型」只能是 complaint（投诉）或 suggestion（建议）");
  if (!rc) rc = long_ok("意见内容", content, 1, err);
  if (!rc) rc = date_or_today(ctx, "收到日期", received, day, err);
  if (!rc && given(from)) {
    json_t *f = NULL;
    rc = short_in("反映人", from, 1, &f, err);
    if (!rc) who = json_pack("{s:O}", "from", f);
    /* to this community alone: no level above it reads who complained */
    if (!rc) rc = who ? cm_personal_seal(who, NULL, ctx->kp.pk, &sealed, err) : nomem(err);
    json_decref(f);
  }
  if (!rc) {
    j.body = json_pack("{s:s,s:s,s:s,s:s,s:s}", "org", org, "type", type, "content", content,
                       "received", day, "status", "received");
    if (j.body && sealed) json_object_set(j.body, "sealed", sealed);
    rc = j.body ? journal_tx(ctx, feedback_tx, &j, err) : nomem(err);
  }
  json_decref(who);
  json_decref(sealed);
  json_decref(j.body);
  return rc;
}

typedef struct update_job {
  const char *id, *status, *result;
  char date[11];
} update_job;

static cm_rc feedback_update_tx(node_ctx *ctx, void *arg, cm_err *err) {
  update_job *u = arg;
  json_t *all = NULL, *b, *cur = NULL, *d = NULL;
  size_t i;
  cm_rc rc = node_log_bodies(ctx, "feedback.recorded", NULL, 0, &all, err);
  json_array_foreach(all, i, b) {
    if (!cur && strcmp(str(b, "id"), u->id) == 0) cur = b;
  }
  if (!rc && !cur) rc = cm_errf(err, CM_ERR_NOT_FOUND, "没有这条群众意见：%s", u->id);
  const char *was = cur ? str(cur, "status") : "";
  if (!rc && !strcmp(u->status, "handled") && strcmp(was, "received") != 0)
    rc = cm_errf(err, CM_ERR_INVALID, "意见%s已经办理过了", u->id);
  if (!rc && !strcmp(u->status, "reported") && strcmp(was, "handled") != 0)
    rc = cm_errf(err, CM_ERR_INVALID, "意见%s须先办理（handle），再报街道", u->id);
  if (!rc) rc = node_org_active(ctx, str(cur, "org"), NULL, err);
  if (!rc && !(d = bare(cur))) rc = nomem(err);
  if (!rc) {
    json_object_set_new(d, "status", json_string(u->status));
    if (!strcmp(u->status, "handled")) json_object_set_new(d, "handled", json_string(u->date));
    if (given(u->result)) json_object_set_new(d, "result", json_string(u->result));
    rc = journal_append_in_tx(ctx, "feedback.recorded", d, NULL, err);
  }
  json_decref(d);
  json_decref(all);
  return rc;
}

cm_rc node_feedback_update(node_ctx *ctx, const char *id, const char *status, const char *result,
                           const char *date, cm_err *err) {
  update_job u = {id ? id : "", status ? status : "", result, ""};
  cm_rc rc = given(id) ? CM_OK : cm_errf(err, CM_ERR_INVALID, "缺少意见编号");
  if (!rc && strcmp(u.status, "handled") && strcmp(u.status, "reported"))
    rc = cm_errf(err, CM_ERR_INVALID, "办理情况只能是 handled（已办理）或 reported（已报街道）");
  if (!rc) rc = long_ok("办理结果", result, !strcmp(u.status, "handled"), err);
  if (!rc) rc = date_or_today(ctx, "办理日期", date, u.date, err);
  if (!rc) rc = journal_tx(ctx, feedback_update_tx, &u, err);
  return rc;
}

cm_rc node_feedback_list(node_ctx *ctx, const char *org, json_t **out, cm_err *err) {
  json_t *all = NULL, *list = json_array(), *b, *it;
  size_t i, k;
  char today[11];
  int64_t days = 0;
  node_today(ctx, today);
  *out = NULL;
  cm_rc rc = list ? store_feedback_days(ctx, &days, err) : nomem(err);
  if (!rc) rc = node_log_bodies(ctx, "feedback.recorded", org, 0, &all, err);
  /* newest first: the first of an id is its state; listed oldest first */
  json_array_foreach(all, i, b) {
    if (rc) break;
    json_array_foreach(list, k, it) {
      if (strcmp(str(it, "id"), str(b, "id")) == 0) break;
    }
    if (k < json_array_size(list)) continue;
    json_t *who = NULL;
    if (cm_personal_open(json_object_get(b, "sealed"), "community", &ctx->kp, &who, NULL) != CM_OK)
      who = json_object();
    json_t *row =
        json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:b}", "id", str(b, "id"), "org",
                  str(b, "org"), "type", str(b, "type"), "content", str(b, "content"), "from",
                  str(who, "from"), "received", str(b, "received"), "status", str(b, "status"),
                  "handled", str(b, "handled"), "result", str(b, "result"), "overdue",
                  cm_rec_feedback_overdue(str(b, "received"), str(b, "status"), today, days));
    json_decref(who);
    if (!row || json_array_insert_new(list, 0, row)) rc = nomem(err);
  }
  json_decref(all);
  if (rc)
    json_decref(list);
  else
    *out = list;
  return rc;
}

cm_rc node_funding_add(node_ctx *ctx, const char *org, const char *source, const char *amount,
                       const char *purpose, const char *year, const char *date, cm_err *err) {
  int64_t fen = 0;
  char today[11];
  long y;
  node_today(ctx, today);
  y = given(year)
          ? (strspn(year, "0123456789") == strlen(year) && strlen(year) == 4 ? atol(year) : -1)
          : atol(given(date) ? date : today);
  cm_rc rc = given(org) ? CM_OK : cm_errf(err, CM_ERR_INVALID, "缺少必填项「组织」（--org）");
  if (!rc && (!given(source) || strlen(source) > CM_REC_SHORT_MAX))
    rc = cm_errf(err, CM_ERR_INVALID, "缺少「资金来源」（--source），或超过%d字节",
                 CM_REC_SHORT_MAX);
  if (!rc) rc = node_yuan_in("金额（元）", "--amount", amount, &fen, err);
  if (!rc && fen < 1) rc = cm_errf(err, CM_ERR_INVALID, "「金额」应大于零");
  if (!rc) rc = long_ok("用途", purpose, 0, err);
  if (!rc && y < 2000) rc = cm_errf(err, CM_ERR_INVALID, "「年度」应为2000年以后的四位年份");
  uint64_t t;
  if (!rc && given(date) && (strlen(date) != 10 || cm_date_parse(date, &t) != CM_OK))
    rc = cm_errf(err, CM_ERR_INVALID, "「到账日期」格式应为年-月-日（YYYY-MM-DD）");
  if (!rc) {
    json_t *b =
        json_pack("{s:s,s:s,s:I,s:s,s:I}", "org", org, "source", source, "amount", (json_int_t)fen,
                  "purpose", given(purpose) ? purpose : "", "year", (json_int_t)y);
    if (b && given(date)) json_object_set_new(b, "date", json_string(date));
    rc = append(ctx, "funding.received", b, err);
  }
  return rc;
}

cm_rc node_funding_list(node_ctx *ctx, const char *org, json_t **out, cm_err *err) {
  json_t *all = NULL;
  *out = NULL;
  cm_rc rc = node_log_bodies(ctx, "funding.received", org, 0, &all, err);
  if (!rc) {
    /* oldest first */
    json_t *list = json_array();
    for (size_t i = json_array_size(all); list && i > 0; i--)
      json_array_append(list, json_array_get(all, i - 1));
    if (!list) rc = nomem(err);
    *out = list;
  }
  json_decref(all);
  return rc;
}
