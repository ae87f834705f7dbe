/* records.c - the community's domain records: validation of what staff typed,
 * bodies exactly as docs/records.md, and listings. */
#include "records.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/clock.h"
#include "../common/lists.h"
#include "../common/rules.h"
#include "../protocol/entry.h"
#include "journal.h"
#include "members.h"
#include "store.h"

#define MAX_ACTIVITIES CM_REC_ACTIVITIES_MAX /* above this is a typing error */

/* Chinese and English label of an input field, for messages. */
typedef struct field {
  const char *zh;
  const char *flag;
} field;

static const field F_NAME = {"名稱", "--name"}, F_CATEGORY = {"類別", "--category"},
                   F_LEADER = {"負責人", "--leader"}, F_PHONE = {"聯繫電話", "--phone"},
                   F_MEMBERS = {"成員人數", "--members"},
                   F_PARTY = {"黨員人數", "--party-members"},
                   F_STATION = {"黨員活動站", "--party-station"},
                   F_FOUNDED = {"成立方式", "--founded-by"}, F_SCOPE = {"公益範圍", "--scope"},
                   F_VENUE = {"活動場所", "--venue"}, F_FILED = {"備案日期", "--filed"},
                   F_ORG = {"組織", "--org"}, F_MONTH = {"月份", "--month"},
                   F_ACTIVITIES = {"活動次數", "--activities"},
                   F_PARTICIPANTS = {"參加人次", "--participants"},
                   F_PPART = {"黨員參加人次", "--party-participants"},
                   F_CONTENT = {"活動內容", "--content"},
                   F_DEEDS = {"好人好事", "--good-deeds"}, F_DATE = {"日期", "--date"},
                   F_TITLE = {"標題", "--title"}, F_PLACE = {"地點", "--place"},
                   F_EXPECTED = {"預計人數", "--expected"},
                   F_DESC = {"說明", "--description"}, F_REASON = {"原因", "--reason"},
                   F_DECISION = {"所答覆的決定", "--decision"};

static int given(const char *s) {
  return s && *s;
}

/* Text field: required or optional ("" when absent), bounded, valid UTF-8. */
static cm_rc text_in(const field *f, const char *v, int required, json_t **out, cm_err *err) {
  *out = NULL;
  if (!given(v)) {
    if (required) return cm_errf(err, CM_ERR_INVALID, "缺少必填項「%s」 / missing required field %s", f->zh, f->flag);
    v = "";
  }
  if (strlen(v) > NODE_TEXT_MAX)
    return cm_errf(err, CM_ERR_INVALID, "「%s」過長 / %s is longer than %d bytes", f->zh, f->flag,
                   NODE_TEXT_MAX);
  *out = json_string(v);
  if (!*out)
    return cm_errf(err, CM_ERR_INVALID, "「%s」不是有效的UTF-8文字 / %s is not valid UTF-8 text",
                   f->zh, f->flag);
  return CM_OK;
}

/* Count field: decimal digits only, 0..max. */
static cm_rc count_in(const field *f, const char *v, int64_t max, int64_t *out, cm_err *err) {
  if (!given(v))
    return cm_errf(err, CM_ERR_INVALID, "缺少必填項「%s」 / missing required field %s", f->zh, f->flag);
  const char *p = v;
  while (*p == ' ') p++;
  if (*p == '-')
    return cm_errf(err, CM_ERR_INVALID, "「%s」不能為負數 / %s cannot be negative: %s", f->zh,
                   f->flag, v);
  if (*p == '+') p++;
  int64_t n = 0;
  const char *start = p;
  while (*p >= '0' && *p <= '9') {
    if (n > max) break;
    n = n * 10 + (*p - '0');
    p++;
  }
  while (*p == ' ') p++;
  if (p == start || (*p && !(*p >= '0' && *p <= '9')))
    return cm_errf(err, CM_ERR_INVALID, "「%s」必須是整數 / %s must be a whole number, not %s",
                   f->zh, f->flag, v);
  if (*p || n > max)
    return cm_errf(err, CM_ERR_INVALID, "「%s」數字過大（最多%lld） / %s is too large (at most %lld): %s",
                   f->zh, (long long)max, f->flag, (long long)max, v);
  *out = n;
  return CM_OK;
}

static cm_rc yesno_in(const char *v, int *out, cm_err *err) {
  if (!given(v) || !strcmp(v, "no") || !strcmp(v, "false") || !strcmp(v, "0") || !strcmp(v, "否")) {
    *out = 0;
  } else if (!strcmp(v, "yes") || !strcmp(v, "true") || !strcmp(v, "1") || !strcmp(v, "是")) {
    *out = 1;
  } else {
    return cm_errf(err, CM_ERR_INVALID, "「%s」只能是 yes 或 no / %s must be yes or no, not %s",
                   F_STATION.zh, F_STATION.flag, v);
  }
  return CM_OK;
}

static cm_rc founded_in(const char *v, const char **out, cm_err *err) {
  if (!given(v) || !strcmp(v, "self"))
    *out = "self";
  else if (!strcmp(v, "district-unit"))
    *out = "district-unit";
  else if (!strcmp(v, "street"))
    *out = "street";
  else
    return cm_errf(err, CM_ERR_INVALID,
                   "「%s」只能是 self、district-unit 或 street / %s must be self, district-unit or street, not %s",
                   F_FOUNDED.zh, F_FOUNDED.flag, v);
  return CM_OK;
}

/* A real calendar date written YYYY-MM-DD. */
static cm_rc date_in(const field *f, const char *v, char out[11], cm_err *err) {
  uint64_t t;
  if (!given(v))
    return cm_errf(err, CM_ERR_INVALID, "缺少必填項「%s」 / missing required field %s", f->zh, f->flag);
  if (strlen(v) != 10 || cm_date_parse(v, &t) != CM_OK)
    return cm_errf(err, CM_ERR_INVALID, "「%s」格式應為 YYYY-MM-DD / %s must be a date YYYY-MM-DD, not %s",
                   f->zh, f->flag, v);
  memcpy(out, v, 11);
  return CM_OK;
}

cm_rc node_org_active(node_ctx *ctx, const char *id, json_t **org_out, cm_err *err) {
  json_t *org = NULL;
  cm_rc rc = store_org_get(ctx, id, &org, err);
  if (rc == CM_ERR_NOT_FOUND) {
    rc = cm_errf(err, CM_ERR_NOT_FOUND, "沒有這個組織 / unknown organisation: %s", id);
  } else if (!rc) {
    const char *st = json_string_value(json_object_get(org, "status"));
    if (st && !strcmp(st, "dissolved"))
      rc = cm_errf(err, CM_ERR_INVALID, "組織%s已解散 / organisation %s is dissolved", id, id);
    else if (st && !strcmp(st, "revoked"))
      rc = cm_errf(err, CM_ERR_INVALID, "組織%s已被撤銷備案 / organisation %s is revoked", id, id);
  }
  if (rc || !org_out) {
    json_decref(org);
    org = NULL;
  }
  if (org_out) *org_out = org;
  return rc;
}

/* Serial for a new id: entries of kind so far + 1. */
static cm_rc next_serial(node_ctx *ctx, const char *kind, uint64_t *out, cm_err *err) {
  cm_rc rc = store_log_count_kind(ctx, kind, out, err);
  if (!rc) (*out)++;
  return rc;
}

/* ---- organisations ---- */

typedef struct org_fields {
  json_t *name, *category, *leader, *phone, *scope, *venue;
  int64_t members, party_members;
  int station;
  const char *founded_by;
  char filed[11];
  /* codes from the district's lists ("" when not given) */
  char category_code[CM_LIST_CODE_MAX + 1], industry[CM_LIST_CODE_MAX + 1],
      unit[CM_LIST_CODE_MAX + 1];
} org_fields;

cm_rc node_lists(node_ctx *ctx, json_t **out, cm_err *err) {
  cm_rc rc = CM_OK;
  *out = json_object();
  if (!*out) return cm_errf(err, CM_ERR_NOMEM, "内存不足");
  for (int k = 0; !rc && k < CM_LIST_KINDS; k++) {
    json_t *items = NULL;
    rc = store_list_items(ctx, cm_list_key((cm_list_kind)k), &items, err);
    if (!rc && items) json_object_set_new(*out, cm_list_key((cm_list_kind)k), items);
  }
  if (rc) {
    json_decref(*out);
    *out = NULL;
  }
  return rc;
}

/* What was typed for list k (a code or a name; may be NULL) as a code of the
 * district's published list: code "" when nothing was typed.  *name_out (may
 * be NULL) gets the item's name as a new JSON string.  For the category
 * before any list is published: *listed_out 0 and nothing else happens (the
 * text stays free); for industry and unit that is an error. */
static cm_rc list_pick(node_ctx *ctx, cm_list_kind k, const char *typed, const char *flag,
                       char code[CM_LIST_CODE_MAX + 1], json_t **name_out, int *listed_out,
                       cm_err *err) {
  json_t *items = NULL;
  code[0] = '\0';
  if (name_out) *name_out = NULL;
  *listed_out = 0;
  cm_rc rc = store_list_items(ctx, cm_list_key(k), &items, err);
  if (rc) return rc;
  *listed_out = items != NULL;
  if (!given(typed)) goto out;
  if (!items) {
    if (k != CM_LIST_CATEGORY)
      rc = cm_errf(err, CM_ERR_INVALID, "区协会尚未发布%s清单，暂不能填写 %s", cm_list_label(k),
                   flag);
    goto out;
  }
  const json_t *it = cm_list_find(items, typed);
  if (!it) {
    rc = cm_errf(err, CM_ERR_INVALID, "「%s」不在区协会发布的%s清单中（%s 填代码或名称，见 linli-node lists）",
                 typed, cm_list_label(k), flag);
    goto out;
  }
  snprintf(code, CM_LIST_CODE_MAX + 1, "%s", json_string_value(json_object_get(it, "code")));
  if (name_out) *name_out = json_incref(json_object_get(it, "name"));
out:
  json_decref(items);
  return rc;
}

/* The category, industry and unit of in into f: the category picked from
 * the district's list once one is published (free text before). */
static cm_rc org_codes_in(node_ctx *ctx, const node_org_input *in, org_fields *f, cm_err *err) {
  json_t *name = NULL;
  int listed = 0;
  cm_rc rc = list_pick(ctx, CM_LIST_CATEGORY, in->category, "--category", f->category_code, &name,
                       &listed, err);
  if (!rc && name) {
    json_decref(f->category);
    f->category = name;
  }
  if (!rc) rc = list_pick(ctx, CM_LIST_INDUSTRY, in->industry, "--industry", f->industry, NULL,
                          &listed, err);
  if (!rc) rc = list_pick(ctx, CM_LIST_UNIT, in->unit, "--unit", f->unit, NULL, &listed, err);
  return rc;
}

/* Put the codes of f that were given into o. */
static void org_codes_put(const org_fields *f, json_t *o) {
  if (f->category_code[0]) json_object_set_new(o, "category_code", json_string(f->category_code));
  if (f->industry[0]) json_object_set_new(o, "industry", json_string(f->industry));
  if (f->unit[0]) json_object_set_new(o, "unit", json_string(f->unit));
}

static void org_fields_free(org_fields *f) {
  json_decref(f->name);
  json_decref(f->category);
  json_decref(f->leader);
  json_decref(f->phone);
  json_decref(f->scope);
  json_decref(f->venue);
}

static cm_rc party_check(int64_t members, int64_t party, cm_err *err) {
  if (party > members)
    return cm_errf(err, CM_ERR_INVALID,
                   "黨員人數不能多於成員人數 / party members cannot exceed members (%lld > %lld)",
                   (long long)party, (long long)members);
  return CM_OK;
}

static cm_rc filed_check(node_ctx *ctx, const char *filed, cm_err *err) {
  char today[11];
  node_today(ctx, today);
  if (strcmp(filed, today) > 0)
    return cm_errf(err, CM_ERR_INVALID, "備案日期不能晚於今天 / --filed %s is after today (%s)",
                   filed, today);
  return CM_OK;
}

typedef struct file_job {
  org_fields *f;
  char *id_out;
  uint64_t seq; /* the entry written */
} file_job;

static cm_rc file_tx(node_ctx *ctx, void *arg, cm_err *err) {
  file_job *j = arg;
  org_fields *f = j->f;
  char code[16], id[NODE_ID_MAX];
  uint64_t serial = 0;
  json_t *body = NULL;
  cm_rc rc = store_meta_get(ctx, "code", code, sizeof code, err);
  if (!rc) rc = next_serial(ctx, "org.filed", &serial, err);
  if (rc) goto out;
  snprintf(id, sizeof id, "%s-%04llu", code, (unsigned long long)serial);
  body = json_pack("{s:s,s:O,s:O,s:O,s:O,s:I,s:I,s:b,s:s,s:O,s:O,s:s,s:o}", "id", id,
                   "name", f->name, "category", f->category, "leader", f->leader,
                   "phone", f->phone, "members", (json_int_t)f->members,
                   "party_members", (json_int_t)f->party_members, "party_station", f->station,
                   "founded_by", f->founded_by, "scope", f->scope, "venue", f->venue,
                   "filed", f->filed,
                   "flags", cm_rules_flags(json_string_value(f->name), f->founded_by,
                                           CM_RULES_COMMUNITY, f->party_members, f->station));
  if (!body) {
    rc = cm_errf(err, CM_ERR_NOMEM, "内存不足");
    goto out;
  }
  /* after the filing's own keys, only when a list gave them */
  json_t *flags = json_incref(json_object_get(body, "flags"));
  json_object_del(body, "flags");
  org_codes_put(f, body);
  json_object_set_new(body, "flags", flags);
  rc = journal_append_in_tx(ctx, "org.filed", body, &j->seq, err);
  if (!rc) snprintf(j->id_out, NODE_ID_MAX, "%s", id);
out:
  json_decref(body);
  return rc;
}

cm_rc node_org_file(node_ctx *ctx, const node_org_input *in, char id_out[NODE_ID_MAX],
                    cm_err *err) {
  return node_org_file_rec(ctx, in, id_out, NULL, err);
}

cm_rc node_org_file_rec(node_ctx *ctx, const node_org_input *in, char id_out[NODE_ID_MAX],
                        char *record_out, cm_err *err) {
  org_fields f;
  memset(&f, 0, sizeof f);
  cm_rc rc = text_in(&F_NAME, in->name, 1, &f.name, err);
  if (!rc) rc = text_in(&F_CATEGORY, in->category, 1, &f.category, err);
  if (!rc) rc = org_codes_in(ctx, in, &f, err);
  if (!rc) rc = text_in(&F_LEADER, in->leader, 1, &f.leader, err);
  if (!rc) rc = text_in(&F_PHONE, in->phone, 1, &f.phone, err);
  if (!rc) rc = count_in(&F_MEMBERS, in->members, NODE_MAX_MEMBERS, &f.members, err);
  if (!rc) rc = count_in(&F_PARTY, in->party_members, NODE_MAX_MEMBERS, &f.party_members, err);
  if (!rc) rc = party_check(f.members, f.party_members, err);
  if (!rc) rc = yesno_in(in->party_station, &f.station, err);
  if (!rc) rc = founded_in(in->founded_by, &f.founded_by, err);
  if (!rc) rc = text_in(&F_SCOPE, in->scope, 0, &f.scope, err);
  if (!rc) rc = text_in(&F_VENUE, in->venue, 0, &f.venue, err);
  if (!rc) {
    if (given(in->filed)) {
      rc = date_in(&F_FILED, in->filed, f.filed, err);
      if (!rc) rc = filed_check(ctx, f.filed, err);
    } else {
      node_today(ctx, f.filed);
    }
  }
  file_job j = {&f, id_out, 0};
  if (!rc) rc = journal_tx(ctx, file_tx, &j, err);
  if (!rc && record_out) node_record_id(ctx, j.seq, record_out, NODE_RECORD_ID_MAX);
  org_fields_free(&f);
  return rc;
}

typedef struct amend_job {
  const char *id;
  const node_org_input *in;
  uint64_t seq; /* the entry written */
} amend_job;

/* Put a validated text change into changes and the merged org. */
static cm_rc amend_text(const field *f, const char *key, const char *v, int required,
                        json_t *changes, json_t *org, cm_err *err) {
  json_t *s = NULL;
  if (!v) return CM_OK;
  cm_rc rc = text_in(f, v, required, &s, err);
  if (rc) return rc;
  json_object_set(org, key, s);
  json_object_set_new(changes, key, s);
  return CM_OK;
}

static cm_rc amend_tx(node_ctx *ctx, void *arg, cm_err *err) {
  amend_job *j = arg;
  const node_org_input *in = j->in;
  json_t *org = NULL, *changes = json_object(), *body = NULL;
  int64_t n;
  cm_rc rc = node_org_active(ctx, j->id, &org, err);
  if (rc) goto out;
  /* keys in the order of org.filed */
  rc = amend_text(&F_NAME, "name", in->name, 1, changes, org, err);
  if (!rc) rc = amend_text(&F_CATEGORY, "category", in->category, 1, changes, org, err);
  if (!rc && (given(in->category) || given(in->industry) || given(in->unit))) {
    org_fields f;
    memset(&f, 0, sizeof f);
    rc = org_codes_in(ctx, in, &f, err);
    if (!rc && f.category) {
      json_object_set(org, "category", f.category);
      json_object_set(changes, "category", f.category);
    }
    if (!rc) {
      org_codes_put(&f, changes);
      org_codes_put(&f, org);
    }
    org_fields_free(&f);
  }
  if (!rc) rc = amend_text(&F_LEADER, "leader", in->leader, 1, changes, org, err);
  if (!rc) rc = amend_text(&F_PHONE, "phone", in->phone, 1, changes, org, err);
  if (!rc && in->members) {
    rc = count_in(&F_MEMBERS, in->members, NODE_MAX_MEMBERS, &n, err);
    if (!rc) {
      json_object_set_new(org, "members", json_integer(n));
      json_object_set_new(changes, "members", json_integer(n));
    }
  }
  if (!rc && in->party_members) {
    rc = count_in(&F_PARTY, in->party_members, NODE_MAX_MEMBERS, &n, err);
    if (!rc) {
      json_object_set_new(org, "party_members", json_integer(n));
      json_object_set_new(changes, "party_members", json_integer(n));
    }
  }
  if (!rc && in->party_station) {
    int b = 0;
    rc = yesno_in(in->party_station, &b, err);
    if (!rc) {
      json_object_set_new(org, "party_station", json_boolean(b));
      json_object_set_new(changes, "party_station", json_boolean(b));
    }
  }
  if (!rc && in->founded_by) {
    const char *fb = NULL;
    rc = founded_in(in->founded_by, &fb, err);
    if (!rc) {
      json_object_set_new(org, "founded_by", json_string(fb));
      json_object_set_new(changes, "founded_by", json_string(fb));
    }
  }
  if (!rc) rc = amend_text(&F_SCOPE, "scope", in->scope, 0, changes, org, err);
  if (!rc) rc = amend_text(&F_VENUE, "venue", in->venue, 0, changes, org, err);
  if (!rc && in->filed) {
    char d[11];
    rc = date_in(&F_FILED, in->filed, d, err);
    if (!rc) rc = filed_check(ctx, d, err);
    if (!rc) {
      json_object_set_new(org, "filed", json_string(d));
      json_object_set_new(changes, "filed", json_string(d));
    }
  }
  if (rc) goto out;
  if (json_object_size(changes) == 0) {
    rc = cm_errf(err, CM_ERR_INVALID, "沒有要變更的項目 / nothing to amend: give at least one field");
    goto out;
  }
  int64_t members = json_integer_value(json_object_get(org, "members"));
  int64_t party = json_integer_value(json_object_get(org, "party_members"));
  rc = party_check(members, party, err);
  if (rc) goto out;
  body = json_pack("{s:s,s:O,s:o}", "id", j->id, "changes", changes, "flags",
                   cm_rules_flags(json_string_value(json_object_get(org, "name")),
                                  json_string_value(json_object_get(org, "founded_by")),
                                  CM_RULES_COMMUNITY, party,
                                  json_is_true(json_object_get(org, "party_station"))));
  if (!body) {
    rc = cm_errf(err, CM_ERR_NOMEM, "内存不足");
    goto out;
  }
  rc = journal_append_in_tx(ctx, "org.amended", body, &j->seq, err);
out:
  json_decref(org);
  json_decref(changes);
  json_decref(body);
  return rc;
}

cm_rc node_org_amend_in_tx(node_ctx *ctx, const char *id, const node_org_input *changes,
                           cm_err *err) {
  amend_job j = {id, changes, 0};
  return amend_tx(ctx, &j, err);
}

cm_rc node_org_amend(node_ctx *ctx, const char *id, const node_org_input *changes, cm_err *err) {
  return node_org_amend_rec(ctx, id, changes, NULL, err);
}

cm_rc node_org_amend_rec(node_ctx *ctx, const char *id, const node_org_input *changes,
                         char *record_out, cm_err *err) {
  if (!given(id))
    return cm_errf(err, CM_ERR_INVALID, "缺少組織備案編號 / missing the organisation's filing number");
  amend_job j = {id, changes, 0};
  cm_rc rc = journal_tx(ctx, amend_tx, &j, err);
  if (!rc && record_out) node_record_id(ctx, j.seq, record_out, NODE_RECORD_ID_MAX);
  return rc;
}

typedef struct dissolve_job {
  const char *id;
  json_t *reason;
} dissolve_job;

static cm_rc dissolve_tx(node_ctx *ctx, void *arg, cm_err *err) {
  dissolve_job *j = arg;
  json_t *body = NULL;
  cm_rc rc = node_org_active(ctx, j->id, NULL, err);
  if (rc) goto out;
  body = json_pack("{s:s,s:O}", "id", j->id, "reason", j->reason);
  rc = body ? journal_append_in_tx(ctx, "org.dissolved", body, NULL, err)
            : cm_errf(err, CM_ERR_NOMEM, "内存不足");
out:
  json_decref(body);
  return rc;
}

cm_rc node_org_dissolve(node_ctx *ctx, const char *id, const char *reason, cm_err *err) {
  dissolve_job j = {id, NULL};
  if (!given(id))
    return cm_errf(err, CM_ERR_INVALID, "缺少組織備案編號 / missing the organisation's filing number");
  cm_rc rc = text_in(&F_REASON, reason, 1, &j.reason, err);
  if (!rc) rc = journal_tx(ctx, dissolve_tx, &j, err);
  json_decref(j.reason);
  return rc;
}

/* ---- monthly reports ---- */

typedef struct report_job {
  json_t *body;
  const char *org;
  uint64_t seq;
} report_job;

static cm_rc report_tx(node_ctx *ctx, void *arg, cm_err *err) {
  report_job *j = arg;
  cm_rc rc = node_org_active(ctx, j->org, NULL, err);
  if (!rc) rc = journal_append_in_tx(ctx, "report.monthly", j->body, &j->seq, err);
  return rc;
}

cm_rc node_report_build(node_ctx *ctx, const node_report_input *in, json_t **body_out,
                        cm_err *err) {
  json_t *org = NULL, *content = NULL, *scope = NULL, *deeds = NULL;
  int64_t acts = 0, parts = 0, pparts = 0;
  int idx = 0, now_idx = 0;
  char month[8];
  *body_out = NULL;
  cm_rc rc = text_in(&F_ORG, in->org, 1, &org, err);
  if (!rc && !given(in->month))
    rc = cm_errf(err, CM_ERR_INVALID, "缺少必填項「%s」 / missing required field %s", F_MONTH.zh,
                 F_MONTH.flag);
  if (!rc && (strlen(in->month) != 7 || cm_month_parse(in->month, &idx) != CM_OK))
    rc = cm_errf(err, CM_ERR_INVALID, "月份格式應為 YYYY-MM / --month must be YYYY-MM, not %s",
                 in->month);
  if (!rc) {
    node_this_month(ctx, month);
    if (cm_month_parse(month, &now_idx) == CM_OK && idx > now_idx)
      rc = cm_errf(err, CM_ERR_INVALID,
                   "不能填報未來月份 / --month %s is in the future (this month is %s)", in->month,
                   month);
  }
  if (!rc) rc = count_in(&F_ACTIVITIES, in->activities, MAX_ACTIVITIES, &acts, err);
  if (!rc) rc = count_in(&F_PARTICIPANTS, in->participants, NODE_MAX_PARTICIPANTS, &parts, err);
  if (!rc) rc = count_in(&F_PPART, in->party_participants, NODE_MAX_PARTICIPANTS, &pparts, err);
  if (!rc && pparts > parts)
    rc = cm_errf(err, CM_ERR_INVALID,
                 "黨員參加人次不能多於參加人次 / party participants cannot exceed participants (%lld > %lld)",
                 (long long)pparts, (long long)parts);
  if (!rc) rc = text_in(&F_CONTENT, in->content, 1, &content, err);
  if (!rc) rc = text_in(&F_SCOPE, in->scope, 0, &scope, err);
  if (!rc) rc = text_in(&F_DEEDS, in->good_deeds, 0, &deeds, err);
  if (!rc) {
    *body_out = json_pack("{s:O,s:s,s:I,s:I,s:I,s:O,s:O,s:O}", "org", org, "month", in->month,
                          "activities", (json_int_t)acts, "participants", (json_int_t)parts,
                          "party_participants", (json_int_t)pparts, "content", content,
                          "scope", scope, "good_deeds", deeds);
    if (!*body_out) rc = cm_errf(err, CM_ERR_NOMEM, "内存不足");
  }
  json_decref(org);
  json_decref(content);
  json_decref(scope);
  json_decref(deeds);
  return rc;
}

cm_rc node_report_append_in_tx(node_ctx *ctx, const json_t *body, uint64_t *seq_out,
                               cm_err *err) {
  const char *org = json_string_value(json_object_get(body, "org"));
  cm_rc rc = node_org_active(ctx, org ? org : "", NULL, err);
  if (!rc) rc = journal_append_in_tx(ctx, "report.monthly", body, seq_out, err);
  return rc;
}

cm_rc node_report_monthly(node_ctx *ctx, const node_report_input *in,
                          char record_out[NODE_RECORD_ID_MAX], cm_err *err) {
  report_job j = {NULL, in->org, 0};
  cm_rc rc = node_report_build(ctx, in, &j.body, err);
  if (!rc) rc = journal_tx(ctx, report_tx, &j, err);
  if (!rc && record_out) node_record_id(ctx, j.seq, record_out, NODE_RECORD_ID_MAX);
  json_decref(j.body);
  return rc;
}

/* ---- major activities ---- */

typedef struct activity_job {
  json_t *org, *title, *place, *desc;
  char date[11];
  int64_t expected;
  char *id_out;
  uint64_t seq; /* the entry written */
} activity_job;

static cm_rc activity_tx(node_ctx *ctx, void *arg, cm_err *err) {
  activity_job *j = arg;
  char code[16], id[NODE_ID_MAX];
  uint64_t serial = 0;
  json_t *body = NULL;
  cm_rc rc = node_org_active(ctx, json_string_value(j->org), NULL, err);
  if (!rc) rc = store_meta_get(ctx, "code", code, sizeof code, err);
  if (!rc) rc = next_serial(ctx, "activity.declared", &serial, err);
  if (rc) goto out;
  snprintf(id, sizeof id, "%s-A%04llu", code, (unsigned long long)serial);
  body = json_pack("{s:s,s:O,s:s,s:O,s:O,s:I,s:O}", "id", id, "org", j->org, "date", j->date,
                   "title", j->title, "place", j->place, "expected", (json_int_t)j->expected,
                   "description", j->desc);
  rc = body ? journal_append_in_tx(ctx, "activity.declared", body, &j->seq, err)
            : cm_errf(err, CM_ERR_NOMEM, "内存不足");
  if (!rc) snprintf(j->id_out, NODE_ID_MAX, "%s", id);
out:
  json_decref(body);
  return rc;
}

cm_rc node_activity_declare(node_ctx *ctx, const node_activity_input *in,
                            char id_out[NODE_ID_MAX], cm_err *err) {
  return node_activity_declare_rec(ctx, in, id_out, NULL, err);
}

cm_rc node_activity_declare_rec(node_ctx *ctx, const node_activity_input *in,
                                char id_out[NODE_ID_MAX], char *record_out, cm_err *err) {
  activity_job j;
  char today[11];
  memset(&j, 0, sizeof j);
  j.id_out = id_out;
  cm_rc rc = text_in(&F_ORG, in->org, 1, &j.org, err);
  if (!rc) rc = date_in(&F_DATE, in->date, j.date, err);
  if (!rc) {
    node_today(ctx, today);
    if (strcmp(j.date, today) < 0)
      rc = cm_errf(err, CM_ERR_INVALID,
                   "重大活動須在活動日期之前匯報 / a major activity must be declared before its date "
                   "(%s is in the past; today is %s)", j.date, today);
  }
  if (!rc) rc = text_in(&F_TITLE, in->title, 1, &j.title, err);
  if (!rc) rc = text_in(&F_PLACE, in->place, 1, &j.place, err);
  if (!rc) rc = count_in(&F_EXPECTED, in->expected, CM_REC_EXPECTED_MAX, &j.expected, err);
  if (!rc) rc = text_in(&F_DESC, in->description, 0, &j.desc, err);
  if (!rc) rc = journal_tx(ctx, activity_tx, &j, err);
  if (!rc && record_out) node_record_id(ctx, j.seq, record_out, NODE_RECORD_ID_MAX);
  json_decref(j.org);
  json_decref(j.title);
  json_decref(j.place);
  json_decref(j.desc);
  return rc;
}

/* ---- rectification ---- */

typedef struct rect_job {
  json_t *body;
  uint64_t seq;
} rect_job;

static cm_rc rect_tx(node_ctx *ctx, void *arg, cm_err *err) {
  rect_job *j = arg;
  cm_rc rc = node_org_active(ctx, json_string_value(json_object_get(j->body, "org")), NULL, err);
  if (!rc) rc = journal_append_in_tx(ctx, "rectification.filed", j->body, &j->seq, err);
  return rc;
}

cm_rc node_rectification_file(node_ctx *ctx, const node_rectification_input *in,
                              char record_out[NODE_RECORD_ID_MAX], cm_err *err) {
  json_t *org = NULL, *decision = NULL, *content = NULL;
  rect_job j = {NULL, 0};
  cm_rc rc = text_in(&F_ORG, in->org, 1, &org, err);
  if (!rc) rc = text_in(&F_DECISION, in->decision, 1, &decision, err);
  if (!rc) {
    /* a record id: 64 hex digits, '/', a sequence number */
    const char *d = in->decision;
    size_t i = 0;
    while (i < 64 && ((d[i] >= '0' && d[i] <= '9') || (d[i] >= 'a' && d[i] <= 'f'))) i++;
    int ok = i == 64 && d[64] == '/' && d[65] >= '1' && d[65] <= '9';
    for (const char *p = d + 65; ok && *p; p++) ok = *p >= '0' && *p <= '9';
    if (!ok)
      rc = cm_errf(err, CM_ERR_INVALID,
                   "「%s」應為決定的記錄編號 / --decision must be the criticism's record id "
                   "(<hub key hex>/<seq>), not %s", F_DECISION.zh, d);
  }
  if (!rc) rc = text_in(&F_CONTENT, in->content, 1, &content, err);
  if (!rc) {
    j.body = json_pack("{s:O,s:O,s:O}", "org", org, "decision", decision, "content", content);
    rc = j.body ? journal_tx(ctx, rect_tx, &j, err) : cm_errf(err, CM_ERR_NOMEM, "内存不足");
  }
  if (!rc && record_out) node_record_id(ctx, j.seq, record_out, NODE_RECORD_ID_MAX);
  json_decref(org);
  json_decref(decision);
  json_decref(content);
  json_decref(j.body);
  return rc;
}

/* ---- listings ---- */

/* Once an organisation has a roster, its counts are the roster's. */
cm_rc node_org_list(node_ctx *ctx, json_t **out, cm_err *err) {
  cm_rc rc = store_org_list(ctx, out, err);
  if (!rc) rc = node_roster_apply(ctx, *out, err);
  if (rc) {
    json_decref(*out);
    *out = NULL;
  }
  return rc;
}

cm_rc node_org_get(node_ctx *ctx, const char *id, json_t **out, cm_err *err) {
  json_t *one = NULL;
  cm_rc rc = store_org_get(ctx, id ? id : "", out, err);
  if (!rc && !(one = json_pack("[O]", *out))) rc = cm_errf(err, CM_ERR_NOMEM, "内存不足");
  if (!rc) rc = node_roster_apply(ctx, one, err);
  json_decref(one);
  if (rc) {
    json_decref(*out);
    *out = NULL;
  }
  return rc;
}

cm_rc node_report_list(node_ctx *ctx, const char *org, const char *month, json_t **out,
                       cm_err *err) {
  char hex[PROTO_KEY_HEX];
  proto_key_hex(ctx->kp.pk, hex);
  return store_report_list(ctx, org, month, 0, hex, out, err);
}

cm_rc node_report_history(node_ctx *ctx, const char *org, const char *month, json_t **out,
                          cm_err *err) {
  char hex[PROTO_KEY_HEX];
  proto_key_hex(ctx->kp.pk, hex);
  return store_report_list(ctx, org, month, 1, hex, out, err);
}

void node_due_month(node_ctx *ctx, char month_out[8], char due_out[11], int *overdue_out) {
  char now[8], today[11];
  int idx = 0;
  node_this_month(ctx, now);
  node_today(ctx, today);
  if (cm_month_parse(now, &idx) != CM_OK) idx = 0;
  cm_month_text(idx - 1, month_out);
  snprintf(due_out, 11, "%s-%02d", now, CM_REC_DUE_DAY);
  *overdue_out = strcmp(today, due_out) > 0;
}

/* One line of the due list, appended to arr. */
static cm_rc due_push(json_t *arr, const json_t *org, const char *month, int overdue,
                      const json_t *rep, cm_err *err) {
  char due[11];
  int idx = 0;
  (void)cm_month_parse(month, &idx);
  cm_month_text(idx + 1, due);
  snprintf(due + 7, 4, "-%02d", CM_REC_DUE_DAY);
  int rejected = rep != NULL;
  json_t *o = json_pack("{s:s,s:s,s:s,s:s,s:b,s:b,s:s}", "org", json_string_value(json_object_get(org, "id")),
                        "name", json_string_value(json_object_get(org, "name")), "month", month,
                        "due", due, "overdue", overdue, "rejected", rejected, "reason",
                        rejected ? json_string_value(json_object_get(rep, "review_reason")) : "");
  if (!o || json_array_append_new(arr, o)) return cm_errf(err, CM_ERR_NOMEM, "内存不足");
  return CM_OK;
}

cm_rc node_reports_due(node_ctx *ctx, json_t **out, cm_err *err) {
  json_t *orgs = NULL, *reps = NULL, *late = json_array(), *now = json_array();
  char month[8], due[11], first[8];
  int overdue = 0, last = 0, from = 0;
  *out = NULL;
  node_due_month(ctx, month, due, &overdue);
  (void)cm_month_parse(month, &last);
  cm_month_text(last - (NODE_DUE_MONTHS - 1), first);
  cm_rc rc = late && now ? CM_OK : cm_errf(err, CM_ERR_NOMEM, "内存不足");
  if (!rc) rc = node_org_list(ctx, &orgs, err);
  if (!rc) rc = node_report_list(ctx, NULL, NULL, &reps, err);
  if (rc) goto out;
  (void)cm_month_parse(first, &from);
  /* Oldest month first; every organisation that was filed by then, still
   * active and not refused at the street, owes a report the street has not
   * refused. */
  for (int m = from; !rc && m <= last; m++) {
    char ms[8];
    size_t i, k;
    const json_t *o, *r;
    cm_month_text(m, ms);
    json_array_foreach(orgs, i, o) {
      const char *id = json_string_value(json_object_get(o, "id"));
      const char *filed = json_string_value(json_object_get(o, "filed"));
      const json_t *found = NULL;
      if (!id || !filed || strcmp(json_string_value(json_object_get(o, "status")), "active") != 0)
        continue;
      if (strcmp(json_string_value(json_object_get(o, "review")), "rejected") == 0) continue;
      if (strncmp(filed, ms, 7) > 0) continue; /* filed after that month */
      json_array_foreach(reps, k, r) {
        if (strcmp(json_string_value(json_object_get(r, "org")), id) == 0 &&
            strcmp(json_string_value(json_object_get(r, "month")), ms) == 0) {
          found = r;
          break;
        }
      }
      if (found && strcmp(json_string_value(json_object_get(found, "review")), "rejected") != 0)
        continue;
      int late_one = m < last || overdue;
      if (!rc) rc = due_push(late_one ? late : now, o, ms, late_one, found, err);
    }
  }
  if (!rc && json_array_extend(late, now)) rc = cm_errf(err, CM_ERR_NOMEM, "内存不足");
out:
  json_decref(orgs);
  json_decref(reps);
  json_decref(now);
  if (rc) {
    json_decref(late);
    late = NULL;
  }
  *out = late;
  return rc;
}

cm_rc node_activity_list(node_ctx *ctx, json_t **out, cm_err *err) {
  char hex[PROTO_KEY_HEX];
  proto_key_hex(ctx->kp.pk, hex);
  return store_activity_list(ctx, hex, out, err);
}

cm_rc node_inbox_list(node_ctx *ctx, json_t **out, cm_err *err) {
  char hex[PROTO_KEY_HEX] = "";
  char today[11];
  store_meta_get(ctx, "hub_key", hex, sizeof hex, NULL);
  node_today(ctx, today);
  return store_inbox_json(ctx, hex, today, out, err);
}

cm_rc node_inbox_mark_read(node_ctx *ctx, uint64_t cursor, cm_err *err) {
  return store_inbox_mark_read(ctx, cursor, err);
}

/* ---- amendments as old -> new ---- */

typedef struct amend_walk {
  json_t *state; /* the organisation as it stands after the entries so far */
  json_t *out;
} amend_walk;

static cm_rc amend_entry(void *arg, uint64_t seq, const uint8_t *raw, size_t len, cm_err *err) {
  amend_walk *w = arg;
  proto_entry e;
  char iso[26];
  (void)seq;
  if (proto_entry_decode(raw, len, &e, err) != CM_OK) return CM_OK; /* not ours to judge here */
  json_t *body = json_loadb((const char *)e.body, e.body_len, 0, NULL);
  if (!json_is_object(body)) {
    json_decref(body);
    return CM_OK;
  }
  cm_rc rc = CM_OK;
  if (!strcmp(e.kind, "org.filed")) {
    json_object_update(w->state, body);
  } else if (!strcmp(e.kind, "org.amended") && json_is_object(json_object_get(body, "changes"))) {
    json_t *changes = json_object_get(body, "changes"), *was = json_object(), *v;
    const char *k;
    json_object_foreach(changes, k, v) {
      json_t *old = json_object_get(w->state, k);
      if (was && old) json_object_set(was, k, old);
    }
    cm_time_iso(e.time_ms, iso);
    json_t *item = was ? json_pack("{s:s,s:O,s:o}", "time", iso, "changes", changes, "was", was)
                       : NULL;
    if (!item || json_array_append_new(w->out, item)) rc = cm_errf(err, CM_ERR_NOMEM, "内存不足");
    json_object_update(w->state, changes);
  }
  json_decref(body);
  return rc;
}

cm_rc node_org_amendments(node_ctx *ctx, const char *id, json_t **out, cm_err *err) {
  uint64_t seqs[NODE_AMEND_MAX];
  size_t n = 0;
  amend_walk w = {json_object(), json_array()};
  *out = NULL;
  cm_rc rc = w.state && w.out ? CM_OK : cm_errf(err, CM_ERR_NOMEM, "内存不足");
  if (!rc) rc = store_filing_seqs(ctx, id, seqs, NODE_AMEND_MAX, &n, err);
  for (size_t i = 0; !rc && i < n; i++) rc = store_log_each(ctx, seqs[i], seqs[i], amend_entry, &w, err);
  json_decref(w.state);
  if (rc) {
    json_decref(w.out);
    return rc;
  }
  *out = w.out;
  return CM_OK;
}

/* ---- annual inspection (年检) ---- */

static const field F_YEAR = {"年度", "--year"}, F_MEMBERS_NOW = {"现有成员人数", "--members"},
                   F_JOINED = {"新加入成员", "--joined"}, F_LEFT = {"退出成员", "--left"},
                   F_YEAR_ACTS = {"全年活动次数", "--activities"},
                   F_FUNDS_IN = {"收到经费（元）", "--funds-received"},
                   F_FUNDS_OUT = {"使用经费（元）", "--funds-used"},
                   F_PROBLEMS = {"存在问题", "--problems"}, F_PLANS = {"下年计划", "--plans"},
                   F_OPINION = {"社区意见", "--opinion"},
                   F_OPINION_TEXT = {"社区意见说明", "--opinion-text"};

static cm_rc yuan_in(const field *f, const char *v, int64_t *fen_out, cm_err *err) {
  return cm_rec_yuan_parse(f->zh, f->flag, v, fen_out, err);
}

cm_rc node_yuan_in(const char *zh, const char *flag, const char *v, int64_t *fen_out,
                   cm_err *err) {
  return cm_rec_yuan_parse(zh, flag, v, fen_out, err);
}

typedef struct insp_job {
  json_t *body;
  uint64_t seq;
} insp_job;

static cm_rc insp_tx(node_ctx *ctx, void *arg, cm_err *err) {
  insp_job *j = arg;
  cm_rc rc = node_org_active(ctx, json_string_value(json_object_get(j->body, "org")), NULL, err);
  if (!rc) rc = journal_append_in_tx(ctx, "inspection.self", j->body, &j->seq, err);
  return rc;
}

cm_rc node_inspection_file(node_ctx *ctx, const node_inspection_input *in,
                           char record_out[NODE_RECORD_ID_MAX], cm_err *err) {
  json_t *org = NULL, *problems = NULL, *plans = NULL, *opinion = NULL, *otext = NULL;
  int64_t year = 0, acts = 0, members = 0, joined = 0, left = 0, party = 0, fin = 0, fout = 0;
  insp_job j = {NULL, 0};
  cm_rc rc = text_in(&F_ORG, in->org, 1, &org, err);
  if (!rc) rc = count_in(&F_YEAR, in->year, 9999, &year, err);
  if (!rc) rc = count_in(&F_YEAR_ACTS, in->activities, CM_REC_YEAR_ACTIVITIES_MAX, &acts, err);
  if (!rc) rc = count_in(&F_MEMBERS_NOW, in->members, NODE_MAX_MEMBERS, &members, err);
  if (!rc && given(in->joined)) rc = count_in(&F_JOINED, in->joined, NODE_MAX_MEMBERS, &joined, err);
  if (!rc && given(in->left)) rc = count_in(&F_LEFT, in->left, NODE_MAX_MEMBERS, &left, err);
  if (!rc) rc = count_in(&F_PARTY, in->party_members, NODE_MAX_MEMBERS, &party, err);
  if (!rc) rc = yuan_in(&F_FUNDS_IN, in->funds_received, &fin, err);
  if (!rc) rc = yuan_in(&F_FUNDS_OUT, in->funds_used, &fout, err);
  if (!rc) rc = text_in(&F_PROBLEMS, in->problems, 0, &problems, err);
  if (!rc) rc = text_in(&F_PLANS, in->plans, 0, &plans, err);
  if (!rc) rc = text_in(&F_OPINION, in->opinion, 1, &opinion, err);
  if (!rc)
    rc = text_in(&F_OPINION_TEXT, in->opinion_text, !in->opinion || strcmp(in->opinion, "agree") != 0,
                 &otext, err);
  if (!rc) {
    /* The domain core (common/records.c) checks every bound on the exact
     * bytes before they are signed: year, party members, the opinion. */
    j.body = json_pack("{s:O,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:O,s:O,s:O,s:O}", "org", org,
                       "year", (json_int_t)year, "activities", (json_int_t)acts, "members",
                       (json_int_t)members, "joined", (json_int_t)joined, "left", (json_int_t)left,
                       "party_members", (json_int_t)party, "funds_received", (json_int_t)fin,
                       "funds_used", (json_int_t)fout, "problems", problems, "plans", plans,
                       "opinion", opinion, "opinion_text", otext);
    rc = j.body ? journal_tx(ctx, insp_tx, &j, err) : cm_errf(err, CM_ERR_NOMEM, "内存不足");
  }
  if (!rc && record_out) node_record_id(ctx, j.seq, record_out, NODE_RECORD_ID_MAX);
  json_decref(org);
  json_decref(problems);
  json_decref(plans);
  json_decref(opinion);
  json_decref(otext);
  json_decref(j.body);
  return rc;
}

/* ---- plans and year-end summaries (计划总结) ---- */

static const field F_GOALS = {"工作目标", "--goals"},
                   F_PLANNED = {"计划开展的活动", "--activities"},
                   F_PLANNED_N = {"计划活动次数", "--count"}, F_HELD_N = {"全年活动次数", "--count"},
                   F_RESULTS = {"工作成效", "--results"};

typedef struct plan_job {
  const char *kind;
  json_t *body;
  uint64_t seq;
} plan_job;

static cm_rc plan_tx(node_ctx *ctx, void *arg, cm_err *err) {
  plan_job *j = arg;
  const char *org = json_string_value(json_object_get(j->body, "org"));
  cm_rc rc = org ? node_org_active(ctx, org, NULL, err) : CM_OK;
  if (!rc) rc = journal_append_in_tx(ctx, j->kind, j->body, &j->seq, err);
  return rc;
}

cm_rc node_plan_file(node_ctx *ctx, const node_plan_input *in,
                     char record_out[NODE_RECORD_ID_MAX], cm_err *err) {
  json_t *org = NULL, *t1 = NULL, *t2 = NULL;
  int64_t year = 0, n = 0;
  plan_job j = {in->unit ? (in->summary ? "summary.unit" : "plan.unit")
                         : (in->summary ? "summary.annual" : "plan.annual"),
                 NULL, 0};
  cm_rc rc = CM_OK;
  if (in->unit && given(in->org))
    rc = cm_errf(err, CM_ERR_INVALID, "社区自己的计划总结不写组织 / --community takes no --org");
  else if (!in->unit)
    rc = text_in(&F_ORG, in->org, 1, &org, err);
  if (!rc) rc = count_in(&F_YEAR, in->year, 9999, &year, err);
  if (!rc && in->summary) {
    rc = text_in(&F_RESULTS, in->results, 1, &t1, err);
    if (!rc) rc = text_in(&F_PROBLEMS, in->problems, 0, &t2, err);
    if (!rc) rc = count_in(&F_HELD_N, in->count, CM_REC_YEAR_ACTIVITIES_MAX, &n, err);
    if (!rc)
      j.body = json_pack("{s:O?,s:I,s:O,s:O,s:I}", "org", org, "year", (json_int_t)year, "results",
                         t1, "problems", t2, "activities_held", (json_int_t)n);
  } else if (!rc) {
    rc = text_in(&F_GOALS, in->goals, 1, &t1, err);
    if (!rc) rc = text_in(&F_PLANNED, in->activities, 1, &t2, err);
    if (!rc && given(in->count))
      rc = count_in(&F_PLANNED_N, in->count, CM_REC_YEAR_ACTIVITIES_MAX, &n, err);
    if (!rc)
      j.body = json_pack("{s:O?,s:I,s:O,s:O,s:I}", "org", org, "year", (json_int_t)year, "goals",
                         t1, "activities", t2, "planned_count", (json_int_t)n);
  }
  /* The community's own plan names no organisation. */
  if (!rc && in->unit && j.body) json_object_del(j.body, "org");
  if (!rc) rc = j.body ? journal_tx(ctx, plan_tx, &j, err) : cm_errf(err, CM_ERR_NOMEM, "内存不足");
  if (!rc && record_out) node_record_id(ctx, j.seq, record_out, NODE_RECORD_ID_MAX);
  json_decref(org);
  json_decref(t1);
  json_decref(t2);
  json_decref(j.body);
  return rc;
}

/* ---- evaluation and commendation (评比表彰) ---- */

static const field F_ROUND = {"评比", "--round"}, F_PERSON = {"被提名人", "--person"},
                   F_MERITS = {"事迹", "--deeds"};

cm_rc node_nominate(node_ctx *ctx, const node_nomination_input *in,
                    char record_out[NODE_RECORD_ID_MAX], cm_err *err) {
  json_t *round = NULL, *org = NULL, *person = NULL, *deeds = NULL;
  plan_job j = {"evaluation.nominated", NULL, 0};
  cm_rc rc = text_in(&F_ROUND, in->round, 1, &round, err);
  if (!rc) rc = text_in(&F_ORG, in->org, 1, &org, err);
  if (!rc) rc = text_in(&F_PERSON, in->person, 0, &person, err);
  if (!rc) rc = text_in(&F_MERITS, in->deeds, 1, &deeds, err);
  /* The round, the organisation and the closing date are the domain core's
   * to check, on the bytes about to be signed (node/journal.c). */
  if (!rc) {
    j.body = json_pack("{s:O,s:O,s:O,s:O}", "round", round, "org", org, "person", person, "deeds",
                       deeds);
    if (j.body && !json_string_length(person)) json_object_del(j.body, "person");
    rc = j.body ? journal_tx(ctx, plan_tx, &j, err) : cm_errf(err, CM_ERR_NOMEM, "内存不足");
  }
  if (!rc && record_out) node_record_id(ctx, j.seq, record_out, NODE_RECORD_ID_MAX);
  json_decref(round);
  json_decref(org);
  json_decref(person);
  json_decref(deeds);
  json_decref(j.body);
  return rc;
}

/* ---- party-member activity stations (党员活动站) ---- */

static const field F_ST_NAME = {"活动站名称", "--name"}, F_ST_LEADER = {"活动站负责人", "--leader"},
                   F_ST_PARTY = {"活动站党员人数", "--party-members"},
                   F_ST_COMMITTEE = {"登记的党组织", "--committee"},
                   F_ST_DATE = {"登记日期", "--date"}, F_ST_BRANCH = {"党支部", "--branch"},
                   F_ST_BRANCH_DATE = {"党支部成立日期", "--branch-date"};

cm_rc node_station_register(node_ctx *ctx, const node_station_input *in,
                            char record_out[NODE_RECORD_ID_MAX], cm_err *err) {
  json_t *org = NULL, *name = NULL, *leader = NULL, *committee = NULL, *branch = NULL;
  int64_t party = 0;
  char date[11], bdate[11] = "";
  plan_job j = {"station.registered", NULL, 0};
  cm_rc rc = text_in(&F_ORG, in->org, 1, &org, err);
  if (!rc) rc = text_in(&F_ST_NAME, in->name, 1, &name, err);
  if (!rc) rc = text_in(&F_ST_LEADER, in->leader, 1, &leader, err);
  if (!rc) rc = count_in(&F_ST_PARTY, in->party_members, NODE_MAX_MEMBERS, &party, err);
  if (!rc) rc = text_in(&F_ST_COMMITTEE, in->committee, 1, &committee, err);
  if (!rc && given(in->date))
    rc = date_in(&F_ST_DATE, in->date, date, err);
  else if (!rc)
    node_today(ctx, date);
  if (!rc) rc = text_in(&F_ST_BRANCH, in->branch, 0, &branch, err);
  if (!rc && given(in->branch_date)) rc = date_in(&F_ST_BRANCH_DATE, in->branch_date, bdate, err);
  if (!rc) {
    /* the domain core checks the rest on the exact bytes: the date against
     * the filing date and today, the branch date with its branch */
    j.body = json_pack("{s:O,s:O,s:O,s:I,s:O,s:s}", "org", org, "name", name, "leader", leader,
                       "party_members", (json_int_t)party, "committee", committee, "date", date);
    if (j.body && json_string_length(branch)) json_object_set(j.body, "branch", branch);
    if (j.body && bdate[0]) json_object_set_new(j.body, "branch_date", json_string(bdate));
    rc = j.body ? journal_tx(ctx, plan_tx, &j, err) : cm_errf(err, CM_ERR_NOMEM, "内存不足");
  }
  if (!rc && record_out) node_record_id(ctx, j.seq, record_out, NODE_RECORD_ID_MAX);
  json_decref(org);
  json_decref(name);
  json_decref(leader);
  json_decref(committee);
  json_decref(branch);
  json_decref(j.body);
  return rc;
}

cm_rc node_station_list(node_ctx *ctx, const char *org, json_t **out, cm_err *err) {
  return store_stations_json(ctx, org, out, err);
}
