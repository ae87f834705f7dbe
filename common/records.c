/* records.c - the domain core's table, typed bodies, bounds and authority
 * (common/records.h). */
#include "records.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "i18n.h"
#include "json.h"
#include "lists.h"
#include "../protocol/keys.h"
#include "personal.h"

#define KB 1024u
#define WRITERS_ORGS (CM_REC_COMMUNITY | CM_REC_STREET | CM_REC_DISTRICT)

/* The one table of record kinds.  Hub-only kinds are listed so that a
 * community's entry of such a kind is refused, not silently ignored. */
static const cm_rec_def kinds[] = {
    {"org.filed", CM_REC_ORG_FILED, WRITERS_ORGS, 32 * KB, "组织备案"},
    {"org.amended", CM_REC_ORG_AMENDED, WRITERS_ORGS, 32 * KB, "组织变更"},
    {"org.dissolved", CM_REC_ORG_DISSOLVED, WRITERS_ORGS, 8 * KB, "组织解散"},
    {"report.monthly", CM_REC_REPORT, WRITERS_ORGS, 16 * KB, "活动情况月报"},
    {"activity.declared", CM_REC_ACTIVITY, WRITERS_ORGS, 16 * KB, "重大活动汇报"},
    {"rectification.filed", CM_REC_RECTIFICATION, WRITERS_ORGS, 8 * KB, "整改报告"},
    {"hub.enrolled", CM_REC_HUB_ONLY, CM_REC_STREET | CM_REC_DISTRICT, 0, "登记"},
    {"hub.revoked", CM_REC_HUB_ONLY, CM_REC_STREET | CM_REC_DISTRICT, 0, "撤销登记"},
    {"review.batch", CM_REC_HUB_ONLY, CM_REC_STREET | CM_REC_DISTRICT, 0, "审核"},
    {"rectification.accepted", CM_REC_HUB_ONLY, CM_REC_STREET | CM_REC_DISTRICT, 0, "整改通过"},
    {"activity.ack", CM_REC_HUB_ONLY, CM_REC_STREET | CM_REC_DISTRICT, 0, "活动回执"},
    {"fork.resolved", CM_REC_HUB_ONLY, CM_REC_STREET | CM_REC_DISTRICT, 0, "分叉处理"},
    /* the level a decision states is its author's (a street relays the
     * district's with the district's signed entry inside) */
    {"decision.", CM_REC_DECISION, CM_REC_STREET | CM_REC_DISTRICT, 256 * KB, "决定"},
    {"inspection.self", CM_REC_INSPECTION, WRITERS_ORGS, 32 * KB, "年检自查报告"},
    {"plan.annual", CM_REC_PLAN, WRITERS_ORGS, 32 * KB, "年度工作计划"},
    {"summary.annual", CM_REC_SUMMARY, WRITERS_ORGS, 32 * KB, "年终总结"},
    {CM_ATT_KIND, CM_REC_FILE, WRITERS_ORGS, CM_ATT_BODY_MAX, "附件"},
    /* Evaluation and commendation (评比表彰): the district opens a round (a
     * street only relays it), a community nominates, the street recommends,
     * the district's selection is a decision.commend. */
    {"evaluation.round", CM_REC_HUB_ONLY, CM_REC_STREET | CM_REC_DISTRICT, 0, "评比"},
    {"evaluation.closed", CM_REC_HUB_ONLY, CM_REC_STREET | CM_REC_DISTRICT, 0, "评比提前截止"},
    {"evaluation.nominated", CM_REC_NOMINATION, WRITERS_ORGS, 16 * KB, "评比提名"},
    {"evaluation.recommended", CM_REC_RECOMMEND, CM_REC_STREET, 8 * KB, "街道推荐"},
    {"plan.unit", CM_REC_UNIT_PLAN, CM_REC_COMMUNITY | CM_REC_STREET, 32 * KB, "年度工作计划"},
    {"summary.unit", CM_REC_UNIT_SUMMARY, CM_REC_COMMUNITY | CM_REC_STREET, 32 * KB, "年终总结"},
    {"training.recorded", CM_REC_TRAINING, CM_REC_STREET | CM_REC_DISTRICT, 64 * KB, "培训"},
    {"notice.issued", CM_REC_NOTICE, CM_REC_STREET | CM_REC_DISTRICT, 16 * KB, "通知"},
    {"notice.sent", CM_REC_NOTICE_SENT, CM_REC_STREET | CM_REC_DISTRICT, 64 * KB, "通知"},
    {"notice.read", CM_REC_NOTICE_READ, CM_REC_COMMUNITY, 1 * KB, "通知已读"},
    /* the district's own, or a street's relay of it (cm_rec_ctx.origin_district) */
    {"list.published", CM_REC_LIST, CM_REC_STREET | CM_REC_DISTRICT, 64 * KB, "区级清单"},
    {"station.registered", CM_REC_STATION, WRITERS_ORGS, 8 * KB, "党员活动站登记"},
    {"org.mapped", CM_REC_MAPPED, CM_REC_STREET, 8 * KB, "组织类别对应"},
    {"roster.entry", CM_REC_ROSTER, WRITERS_ORGS, 16 * KB, "人员名册"},
    {"pledge.set", CM_REC_PLEDGE, WRITERS_ORGS, 16 * KB, "服务承诺"},
    {"feedback.recorded", CM_REC_FEEDBACK, WRITERS_ORGS, 24 * KB, "群众意见"},
    {"funding.received", CM_REC_FUNDING, WRITERS_ORGS, 8 * KB, "资金扶持"},
    /* the district's own, or a street's relay of it, as list.published */
    {"limits.set", CM_REC_LIMITS, CM_REC_STREET | CM_REC_DISTRICT, 4 * KB, "附件上限"},
    {"feedback.due", CM_REC_FEEDBACK_DUE, CM_REC_STREET | CM_REC_DISTRICT, 4 * KB,
     "群众意见办理期限"},
    /* the district's own, or a street's relay of it, as list.published */
    {"due.set", CM_REC_DUE, CM_REC_STREET | CM_REC_DISTRICT, 4 * KB, "截止日期"},
};
static const cm_rec_def other = {"", CM_REC_OTHER, 0, 0, "记录"};

const cm_rec_def *cm_rec_find(const char *name) {
  for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
    size_t n = strlen(kinds[i].name);
    /* "decision." names a family: decision.commend, decision.revoke, ... */
    if (kinds[i].name[n - 1] == '.' ? strncmp(name, kinds[i].name, n) == 0
                                    : strcmp(name, kinds[i].name) == 0)
      return &kinds[i];
  }
  return &other;
}

const char *cm_rec_body_org(const cm_rec_body *b) {
  switch (b->kind) {
  case CM_REC_ORG_AMENDED:
    return b->u.org.id;
  case CM_REC_ORG_DISSOLVED:
    return b->u.dissolve.id;
  case CM_REC_REPORT:
    return b->u.report.org;
  case CM_REC_ACTIVITY:
    return b->u.activity.org;
  case CM_REC_RECTIFICATION:
    return b->u.rect.org;
  case CM_REC_INSPECTION:
    return b->u.inspection.org;
  case CM_REC_PLAN:
  case CM_REC_SUMMARY:
    return b->u.plan.org;
  case CM_REC_FILE:
    return b->u.file.org;
  case CM_REC_NOMINATION:
    return b->u.nomination.org;
  case CM_REC_STATION:
    return b->u.station.org;
  case CM_REC_ROSTER:
    return b->u.roster.org;
  case CM_REC_PLEDGE:
    return b->u.pledge.org;
  case CM_REC_FEEDBACK:
    return b->u.feedback.org;
  case CM_REC_FUNDING:
    return b->u.funding.org;
  default:
    return NULL;
  }
}

int cm_rec_to_all(const char *kind) {
  cm_rec_kind k = cm_rec_find(kind)->kind;
  return k == CM_REC_LIST || k == CM_REC_LIMITS || k == CM_REC_FEEDBACK_DUE ||
         k == CM_REC_TRAINING || k == CM_REC_DUE;
}

int cm_rec_due_window(const char *what, int64_t year, char default_out[11], char first_out[11],
                      char last_out[11]) {
  int plan = what && strcmp(what, "plan") == 0;
  if (!plan && (!what || (strcmp(what, "inspection") != 0 && strcmp(what, "summary") != 0)))
    return 0;
  unsigned y = (unsigned)(year % 10000);
  snprintf(default_out, 11, "%04u-01-31", plan ? y : (y + 1) % 10000u);
  snprintf(first_out, 11, "%04u-01-01", plan ? (y + 9999) % 10000u : (y + 1) % 10000u);
  snprintf(last_out, 11, "%04u-12-31", plan ? y : (y + 1) % 10000u);
  return 1;
}

void cm_rec_limits_bytes(const cm_rec_limits *l, uint64_t *file_max, uint64_t *org_year_max) {
  *file_max = (uint64_t)l->file_mb << 20;
  *org_year_max = (uint64_t)l->org_year_mb << 20;
}

int64_t cm_rec_add(int64_t a, int64_t b) {
  if (b > 0 && a > INT64_MAX - b) return INT64_MAX;
  if (b < 0 && a < INT64_MIN - b) return INT64_MIN;
  return a + b;
}

cm_rc cm_rec_yuan_parse(const char *zh, const char *flag, const char *v, int64_t *fen_out,
                        cm_err *err) {
  int64_t yuan = 0, fen = 0;
  const char *p = v;
  if (!v || !*v)
    return cm_errf(err, CM_ERR_INVALID, "缺少必填项「%s」 / missing required field %s", zh, flag);
  while (*p >= '0' && *p <= '9' && yuan <= CM_REC_FEN_MAX) yuan = yuan * 10 + (*p++ - '0');
  int ok = p != v && yuan <= CM_REC_FEN_MAX / 100;
  if (ok && *p == '.') {
    p++;
    for (int i = 0; i < 2; i++) {
      fen *= 10;
      if (*p >= '0' && *p <= '9') fen += *p++ - '0';
    }
  }
  if (!ok || *p)
    return cm_errf(err, CM_ERR_INVALID,
                   "「%s」应为不超过%lld元、最多两位小数的金额 / %s must be an amount in yuan "
                   "(at most %lld, two decimals): %s",
                   zh, (long long)(CM_REC_FEN_MAX / 100), flag, (long long)(CM_REC_FEN_MAX / 100),
                   v);
  *fen_out = yuan * 100 + fen;
  return CM_OK;
}

/* ---- fields ---- */

/* A text field: required ones non-empty; at most max bytes.  *out "" when an
 * optional one is absent. */
static cm_rc text(const json_t *o, const char *key, const char *zh, int required, size_t max,
                  const char **out, cm_err *err) {
  const json_t *v = json_object_get(o, key);
  *out = "";
  if (!v || json_is_null(v)) {
    if (required) return cm_errf(err, CM_ERR_INVALID, "缺少必填项「%s」", zh);
    return CM_OK;
  }
  if (!json_is_string(v)) return cm_errf(err, CM_ERR_INVALID, "「%s」应为文字", zh);
  if (required && json_string_length(v) == 0)
    return cm_errf(err, CM_ERR_INVALID, "缺少必填项「%s」", zh);
  if (json_string_length(v) > max)
    return cm_errf(err, CM_ERR_INVALID, "「%s」过长（最多%zu字节）", zh, max);
  *out = json_string_value(v);
  return CM_OK;
}

/* A count field: a whole number 0..max (absent: 0 unless required). */
static cm_rc count(const json_t *o, const char *key, const char *zh, int required, int64_t max,
                   int64_t *out, cm_err *err) {
  const json_t *v = json_object_get(o, key);
  *out = 0;
  if (!v) {
    if (required) return cm_errf(err, CM_ERR_INVALID, "缺少必填项「%s」", zh);
    return CM_OK;
  }
  if (!json_is_integer(v)) return cm_errf(err, CM_ERR_INVALID, "「%s」应为整数", zh);
  json_int_t n = json_integer_value(v);
  if (n < 0) return cm_errf(err, CM_ERR_INVALID, "「%s」不能为负数", zh);
  if (n > max)
    return cm_errf(err, CM_ERR_INVALID, "「%s」数字过大（最多%lld）：%lld", zh, (long long)max,
                   (long long)n);
  *out = (int64_t)n;
  return CM_OK;
}

/* An optional code of a district list (common/lists.h): "" when absent. */
static cm_rc code(const json_t *o, const char *key, const char *zh, const char **out,
                  cm_err *err) {
  cm_rc rc = text(o, key, zh, 0, CM_LIST_CODE_MAX, out, err);
  if (!rc && **out && !cm_list_code_ok(*out))
    rc = cm_errf(err, CM_ERR_INVALID, "「%s」应为清单中的代码", zh);
  return rc;
}

static int is_date(const char *s) {
  uint64_t t;
  return strlen(s) == 10 && cm_date_parse(s, &t) == CM_OK;
}

static int is_month(const char *s) {
  int i;
  return strlen(s) == 7 && cm_month_parse(s, &i) == CM_OK;
}

/* A record id "<64 hex>/<seq>". */
static int is_record_id(const char *d) {
  size_t i = 0;
  while (i < 64 && ((d[i] >= '0' && d[i] <= '9') || (d[i] >= 'a' && d[i] <= 'f')))
    i++;
  int ok = i == 64 && d[64] == '/' && d[65] >= '1' && d[65] <= '9' && strlen(d) <= 64 + 21;
  for (const char *p = d + 65; ok && *p; p++)
    ok = *p >= '0' && *p <= '9';
  return ok;
}

/* The fields of a filing (all required for org.filed) from o.  For an
 * amendment (amend 1) every field is optional and o is its "changes". */
static cm_rc org_fields(const json_t *o, int amend, cm_rec_org *g, cm_err *err) {
  int req = !amend;
  cm_rc rc = text(o, "name", "名称", req, CM_REC_SHORT_MAX, &g->name, err);
  if (!rc) rc = text(o, "category", "类别", req, CM_REC_SHORT_MAX, &g->category, err);
  if (!rc) rc = text(o, "leader", "负责人", req, CM_REC_SHORT_MAX, &g->leader, err);
  if (!rc) rc = text(o, "phone", "联系电话", req, CM_REC_SHORT_MAX, &g->phone, err);
  if (!rc) rc = text(o, "scope", "公益范围", 0, CM_REC_TEXT_MAX, &g->scope, err);
  if (!rc) rc = text(o, "venue", "活动场所", 0, CM_REC_TEXT_MAX, &g->venue, err);
  if (!rc) rc = text(o, "founded_by", "成立方式", 0, CM_REC_SHORT_MAX, &g->founded_by, err);
  if (!rc) rc = code(o, "category_code", "类别代码", &g->category_code, err);
  if (!rc) rc = code(o, "industry", "行业", &g->industry, err);
  if (!rc) rc = code(o, "unit", "主管单位", &g->unit, err);
  if (!rc && amend) {
    /* a change may not blank a required field */
    static const char *const keys[] = {"name", "category", "leader", "phone"};
    for (size_t i = 0; !rc && i < 4; i++) {
      const json_t *v = json_object_get(o, keys[i]);
      if (v && json_string_length(v) == 0)
        rc = cm_errf(err, CM_ERR_INVALID, "变更不能清空必填项「%s」",
                     cm_i18n_word(CM_LANG_ZH, "field.", keys[i]));
    }
  }
  if (!rc && *g->founded_by && strcmp(g->founded_by, "self") != 0 &&
      strcmp(g->founded_by, "district-unit") != 0 && strcmp(g->founded_by, "street") != 0)
    rc = cm_errf(err, CM_ERR_INVALID, "「成立方式」只能是自发成立、区属单位成立或街道成立");
  if (!rc && json_object_get(o, "members")) g->given |= CM_REC_F_MEMBERS;
  if (!rc && json_object_get(o, "party_members")) g->given |= CM_REC_F_PARTY;
  if (!rc) rc = count(o, "members", "成员人数", req, CM_REC_MEMBERS_MAX, &g->members, err);
  if (!rc)
    rc = count(o, "party_members", "党员人数", req, CM_REC_MEMBERS_MAX, &g->party_members, err);
  if (!rc && !amend && g->party_members > g->members)
    rc = cm_errf(err, CM_ERR_INVALID, "党员人数（%lld）不能多于成员人数（%lld）",
                 (long long)g->party_members, (long long)g->members);
  if (!rc) {
    const json_t *ps = json_object_get(o, "party_station");
    if (ps && !json_is_boolean(ps)) rc = cm_errf(err, CM_ERR_INVALID, "「党员活动站」应为是或否");
    g->party_station = json_is_true(ps);
  }
  if (!rc) rc = text(o, "filed", "备案日期", req, 10, &g->filed, err);
  if (!rc && *g->filed) {
    g->given |= CM_REC_F_FILED;
    if (!is_date(g->filed))
      rc = cm_errf(err, CM_ERR_INVALID, "「备案日期」格式应为年-月-日（YYYY-MM-DD）");
  }
  return rc;
}

cm_rc cm_rec_round_id(const char *s, cm_err *err) {
  size_t n = s ? strlen(s) : 0;
  int ok = n >= 6 && n <= 8 && strspn(s, "0123456789") == 4 && s[4] == '-' && s[5] >= '1' &&
           s[5] <= '9' && strspn(s + 5, "0123456789") == n - 5 && atoi(s) >= 2000;
  if (!ok) return cm_errf(err, CM_ERR_INVALID, "「评比」应为评比编号（如2026-1）");
  return CM_OK;
}

/* The fields of an annual self-report (inspection.self). */
static cm_rc inspection_fields(const json_t *o, cm_rec_inspection *s, cm_err *err) {
  cm_rc rc = text(o, "org", "组织", 1, CM_REC_PREFIX_MAX + 16, &s->org, err);
  if (!rc) rc = count(o, "year", "年度", 1, 9999, &s->year, err);
  if (!rc && s->year < 2000) rc = cm_errf(err, CM_ERR_INVALID, "「年度」应在2000年以后");
  if (!rc)
    rc = count(o, "activities", "全年活动次数", 1, CM_REC_YEAR_ACTIVITIES_MAX, &s->activities, err);
  if (!rc) rc = count(o, "members", "现有成员人数", 1, CM_REC_MEMBERS_MAX, &s->members, err);
  if (!rc) rc = count(o, "joined", "新加入成员", 0, CM_REC_MEMBERS_MAX, &s->joined, err);
  if (!rc) rc = count(o, "left", "退出成员", 0, CM_REC_MEMBERS_MAX, &s->left, err);
  if (!rc) rc = count(o, "party_members", "党员人数", 1, CM_REC_MEMBERS_MAX, &s->party_members, err);
  if (!rc && s->party_members > s->members)
    rc = cm_errf(err, CM_ERR_INVALID, "党员人数（%lld）不能多于成员人数（%lld）",
                 (long long)s->party_members, (long long)s->members);
  if (!rc) rc = count(o, "funds_received", "收到经费", 1, CM_REC_FEN_MAX, &s->funds_received, err);
  if (!rc) rc = count(o, "funds_used", "使用经费", 1, CM_REC_FEN_MAX, &s->funds_used, err);
  if (!rc) rc = text(o, "problems", "存在问题", 0, CM_REC_TEXT_MAX, &s->problems, err);
  if (!rc) rc = text(o, "plans", "下年计划", 0, CM_REC_TEXT_MAX, &s->plans, err);
  if (!rc) rc = text(o, "opinion", "社区意见", 1, 16, &s->opinion, err);
  if (!rc && strcmp(s->opinion, "agree") != 0 && strcmp(s->opinion, "rectify") != 0 &&
      strcmp(s->opinion, "disagree") != 0)
    rc = cm_errf(err, CM_ERR_INVALID, "「社区意见」只能是同意、整改或不同意");
  if (!rc)
    rc = text(o, "opinion_text", "社区意见说明", strcmp(s->opinion, "agree") != 0,
              CM_REC_TEXT_MAX, &s->opinion_text, err);
  return rc;
}

/* The fields of a plan (goals, activities, planned_count) or a year-end
 * summary (results, problems, activities_held). */
static cm_rc plan_fields(const json_t *o, int plan, int unit, cm_rec_plan *p, cm_err *err) {
  /* A community's or a street's own plan is about its author, not an organisation. */
  cm_rc rc = unit ? (json_object_get(o, "org")
                         ? cm_errf(err, CM_ERR_INVALID, "社区或街道自己的计划总结不写组织")
                         : CM_OK)
                  : text(o, "org", "组织", 1, CM_REC_PREFIX_MAX + 16, &p->org, err);
  if (!rc) rc = count(o, "year", "年度", 1, 9999, &p->year, err);
  if (!rc && p->year < 2000) rc = cm_errf(err, CM_ERR_INVALID, "「年度」应在2000年以后");
  if (!rc && plan) {
    rc = text(o, "goals", "工作目标", 1, CM_REC_TEXT_MAX, &p->text1, err);
    if (!rc) rc = text(o, "activities", "计划开展的活动", 1, CM_REC_TEXT_MAX, &p->text2, err);
    if (!rc)
      rc = count(o, "planned_count", "计划活动次数", 0, CM_REC_YEAR_ACTIVITIES_MAX, &p->count, err);
  } else if (!rc) {
    rc = text(o, "results", "工作成效", 1, CM_REC_TEXT_MAX, &p->text1, err);
    if (!rc) rc = text(o, "problems", "存在问题", 0, CM_REC_TEXT_MAX, &p->text2, err);
    if (!rc)
      rc = count(o, "activities_held", "全年活动次数", 1, CM_REC_YEAR_ACTIVITIES_MAX, &p->count,
                 err);
  }
  return rc;
}

/* The fields of a training: date, topic, organiser, the organisations that
 * attended (at least one, none twice), an optional content. */
static cm_rc training_fields(const json_t *o, cm_rec_training *t, cm_err *err) {
  size_t i, k;
  const json_t *v;
  cm_rc rc = text(o, "date", "培训日期", 1, 10, &t->date, err);
  if (!rc && !is_date(t->date))
    rc = cm_errf(err, CM_ERR_INVALID, "「培训日期」格式应为年-月-日（YYYY-MM-DD）");
  if (!rc) rc = text(o, "topic", "培训主题", 1, CM_REC_SHORT_MAX, &t->topic, err);
  if (!rc) rc = text(o, "organiser", "主办单位", 1, CM_REC_SHORT_MAX, &t->organiser, err);
  if (!rc) rc = text(o, "content", "培训内容", 0, CM_REC_TEXT_MAX, &t->content, err);
  t->orgs = json_object_get(o, "orgs");
  if (!rc && (!json_is_array(t->orgs) || json_array_size(t->orgs) == 0))
    rc = cm_errf(err, CM_ERR_INVALID, "培训须列出参加的组织（备案编号）");
  if (!rc && json_array_size(t->orgs) > CM_REC_TRAINING_ORGS_MAX)
    rc = cm_errf(err, CM_ERR_INVALID, "一次培训最多列出%d个组织", CM_REC_TRAINING_ORGS_MAX);
  json_array_foreach(t->orgs, i, v) {
    if (rc) break;
    if (!json_is_string(v) || json_string_length(v) == 0 ||
        json_string_length(v) > CM_REC_PREFIX_MAX + 16)
      rc = cm_errf(err, CM_ERR_INVALID, "参加培训的组织应为备案编号");
    for (k = 0; !rc && k < i; k++)
      if (strcmp(json_string_value(v), json_string_value(json_array_get(t->orgs, k))) == 0)
        rc = cm_errf(err, CM_ERR_INVALID, "组织「%s」在培训中列出了两次", json_string_value(v));
  }
  return rc;
}

/* The fields of notice.issued (title, text, scope, street), notice.sent (the
 * same with notice and to) and notice.read (notice). */
static cm_rc notice_fields(const json_t *o, cm_rec_kind kind, cm_rec_notice *n, cm_err *err) {
  cm_rc rc = CM_OK;
  n->title = n->text = n->scope = n->street = n->notice = n->to = "";
  if (kind != CM_REC_NOTICE) {
    rc = text(o, "notice", "通知编号", 1, 96, &n->notice, err);
    if (!rc && !is_record_id(n->notice))
      rc = cm_errf(err, CM_ERR_INVALID, "「通知编号」应为通知的记录编号");
  }
  if (rc || kind == CM_REC_NOTICE_READ) return rc;
  rc = text(o, "title", "通知标题", 1, CM_REC_SHORT_MAX, &n->title, err);
  if (!rc) rc = text(o, "text", "通知内容", 1, CM_REC_TEXT_MAX, &n->text, err);
  if (!rc) rc = text(o, "scope", "通知范围", 1, 16, &n->scope, err);
  if (!rc && strcmp(n->scope, "district") != 0 && strcmp(n->scope, "street") != 0)
    rc = cm_errf(err, CM_ERR_INVALID, "「通知范围」只能是全区或一个街道");
  if (!rc) rc = text(o, "street", "街道", !strcmp(n->scope, "street"), CM_REC_SHORT_MAX, &n->street, err);
  if (!rc && kind == CM_REC_NOTICE_SENT) {
    rc = text(o, "to", "收件社区", 1, 64, &n->to, err);
    if (!rc && (strlen(n->to) != 64 || strspn(n->to, "0123456789abcdef") != 64))
      rc = cm_errf(err, CM_ERR_INVALID, "「收件社区」应为社区的公钥");
  }
  return rc;
}

/* The fields of a station registration (station.registered). */
static cm_rc station_fields(const json_t *o, cm_rec_station *t, cm_err *err) {
  cm_rc rc = text(o, "org", "组织", 1, CM_REC_PREFIX_MAX + 16, &t->org, err);
  if (!rc) rc = text(o, "name", "活动站名称", 1, CM_REC_SHORT_MAX, &t->name, err);
  if (!rc) rc = text(o, "leader", "活动站负责人", 1, CM_REC_SHORT_MAX, &t->leader, err);
  if (!rc)
    rc = count(o, "party_members", "活动站党员人数", 1, CM_REC_MEMBERS_MAX, &t->party_members, err);
  if (!rc && t->party_members < 1)
    rc = cm_errf(err, CM_ERR_INVALID, "「活动站党员人数」至少为1");
  if (!rc) rc = text(o, "committee", "登记的党组织", 1, CM_REC_SHORT_MAX, &t->committee, err);
  if (!rc) rc = text(o, "date", "登记日期", 1, 10, &t->date, err);
  if (!rc && !is_date(t->date))
    rc = cm_errf(err, CM_ERR_INVALID, "「登记日期」格式应为年-月-日（YYYY-MM-DD）");
  if (!rc) rc = text(o, "branch", "党支部", 0, CM_REC_SHORT_MAX, &t->branch, err);
  if (!rc) rc = text(o, "branch_date", "党支部成立日期", 0, 10, &t->branch_date, err);
  if (!rc && *t->branch_date && !*t->branch)
    rc = cm_errf(err, CM_ERR_INVALID, "有「党支部成立日期」时须填写「党支部」");
  if (!rc && *t->branch_date && !is_date(t->branch_date))
    rc = cm_errf(err, CM_ERR_INVALID, "「党支部成立日期」格式应为年-月-日（YYYY-MM-DD）");
  return rc;
}

/* A yes/no field (absent: no). */
static cm_rc flag(const json_t *o, const char *key, const char *zh, int *out, cm_err *err) {
  const json_t *v = json_object_get(o, key);
  *out = json_is_true(v);
  if (v && !json_is_boolean(v)) return cm_errf(err, CM_ERR_INVALID, "「%s」应为是或否", zh);
  return CM_OK;
}

/* A date field YYYY-MM-DD ("" when an optional one is absent). */
static cm_rc date_field(const json_t *o, const char *key, const char *zh, int required,
                        const char **out, cm_err *err) {
  cm_rc rc = text(o, key, zh, required, 10, out, err);
  if (!rc && **out && !is_date(*out))
    rc = cm_errf(err, CM_ERR_INVALID, "「%s」格式应为年-月-日（YYYY-MM-DD）", zh);
  return rc;
}

/* One of the words in list (NULL-terminated). */
static cm_rc word(const json_t *o, const char *key, const char *zh, const char *const *list,
                  const char *msg, const char **out, cm_err *err) {
  cm_rc rc = text(o, key, zh, 1, 16, out, err);
  for (; !rc && *list; list++)
    if (strcmp(*out, *list) == 0) return CM_OK;
  return rc ? rc : cm_errf(err, CM_ERR_INVALID, "%s", msg);
}

static cm_rc roster_fields(const json_t *o, cm_rec_roster *r, cm_err *err) {
  static const char *const actions[] = {"join", "change", "leave", NULL};
  cm_rc rc = text(o, "org", "组织", 1, CM_REC_PREFIX_MAX + 16, &r->org, err);
  if (!rc) rc = count(o, "member", "成员编号", 1, CM_REC_MEMBERS_MAX, &r->member, err);
  if (!rc && r->member < 1) rc = cm_errf(err, CM_ERR_INVALID, "「成员编号」应从1开始");
  if (!rc)
    rc = word(o, "action", "变动", actions, "「变动」只能是加入、变更或退出", &r->action, err);
  if (!rc) rc = flag(o, "party_member", "党员", &r->party_member, err);
  if (!rc) rc = flag(o, "leader", "负责人", &r->leader, err);
  if (!rc) rc = date_field(o, "joined", "加入日期", 1, &r->joined, err);
  if (!rc) rc = date_field(o, "left", "退出日期", strcmp(r->action, "leave") == 0, &r->left, err);
  if (!rc && *r->left && strcmp(r->action, "leave") != 0)
    rc = cm_errf(err, CM_ERR_INVALID, "只有退出才有退出日期");
  if (!rc && *r->left && strcmp(r->left, r->joined) < 0)
    rc = cm_errf(err, CM_ERR_INVALID, "退出日期%s早于加入日期%s", r->left, r->joined);
  if (!rc && r->leader && strcmp(r->action, "leave") == 0)
    rc = cm_errf(err, CM_ERR_INVALID, "退出的成员不能是负责人");
  if (!rc) rc = text(o, "reason", "负责人变更原因", r->leader, CM_REC_TEXT_MAX, &r->reason, err);
  if (!rc) {
    r->sealed = json_object_get(o, "sealed");
    rc = cm_personal_check(r->sealed, 1, err);
  }
  return rc;
}

static cm_rc feedback_fields(const json_t *o, cm_rec_feedback *f, cm_err *err) {
  static const char *const types[] = {"complaint", "suggestion", NULL};
  static const char *const states[] = {"received", "handled", "reported", NULL};
  cm_rc rc = text(o, "id", "意见编号", 1, CM_REC_PREFIX_MAX + 16, &f->id, err);
  if (!rc) rc = text(o, "org", "组织", 1, CM_REC_PREFIX_MAX + 16, &f->org, err);
  if (!rc) rc = word(o, "type", "类型", types, "「类型」只能是投诉或建议", &f->type, err);
  if (!rc) rc = text(o, "content", "意见内容", 1, CM_REC_TEXT_MAX, &f->content, err);
  if (!rc) rc = date_field(o, "received", "收到日期", 1, &f->received, err);
  if (!rc)
    rc = word(o, "status", "办理情况", states, "「办理情况」只能是已收到、已办理或已报街道",
              &f->status, err);
  int done = !rc && strcmp(f->status, "received") != 0;
  if (!rc) rc = date_field(o, "handled", "办理日期", done, &f->handled, err);
  if (!rc && !done && *f->handled) rc = cm_errf(err, CM_ERR_INVALID, "尚未办理的意见没有办理日期");
  if (!rc && *f->handled && strcmp(f->handled, f->received) < 0)
    rc = cm_errf(err, CM_ERR_INVALID, "办理日期%s早于收到日期%s", f->handled, f->received);
  if (!rc) rc = text(o, "result", "办理结果", done, CM_REC_TEXT_MAX, &f->result, err);
  if (!rc && json_object_get(o, "sealed")) {
    f->sealed = json_object_get(o, "sealed");
    rc = cm_personal_check(f->sealed, 0, err);
  }
  return rc;
}

static cm_rc funding_fields(const json_t *o, cm_rec_funding *f, cm_err *err) {
  cm_rc rc = text(o, "org", "组织", 1, CM_REC_PREFIX_MAX + 16, &f->org, err);
  if (!rc) rc = text(o, "source", "资金来源", 1, CM_REC_SHORT_MAX, &f->source, err);
  if (!rc) rc = count(o, "amount", "金额", 1, CM_REC_FEN_MAX, &f->amount, err);
  if (!rc && f->amount < 1) rc = cm_errf(err, CM_ERR_INVALID, "「金额」应大于零");
  if (!rc) rc = text(o, "purpose", "用途", 0, CM_REC_TEXT_MAX, &f->purpose, err);
  if (!rc) rc = count(o, "year", "年度", 1, 9999, &f->year, err);
  if (!rc && f->year < 2000) rc = cm_errf(err, CM_ERR_INVALID, "「年度」应在2000年以后");
  if (!rc) rc = date_field(o, "date", "到账日期", 0, &f->date, err);
  if (!rc && *f->date && atoll(f->date) != f->year)
    rc = cm_errf(err, CM_ERR_INVALID, "到账日期%s不在%lld年度内", f->date, (long long)f->year);
  return rc;
}

cm_rc cm_rec_read_json(const cm_rec_def *def, const json_t *o, cm_rec_body *out, cm_err *err) {
  cm_rc rc = CM_OK;
  memset(out, 0, sizeof *out);
  out->kind = def->kind;
  if (def->kind == CM_REC_OTHER || def->kind == CM_REC_HUB_ONLY) return CM_OK;
  if (!json_is_object(o))
    return cm_errf(err, CM_ERR_INVALID, "%s的内容不是有效的JSON对象", def->label);
  switch (def->kind) {
  case CM_REC_ORG_FILED:
    rc = text(o, "id", "备案编号", 1, CM_REC_PREFIX_MAX + 16, &out->u.org.id, err);
    if (!rc) rc = org_fields(o, 0, &out->u.org, err);
    break;
  case CM_REC_DECISION: {
    cm_rec_decision *d = &out->u.decision;
    rc = text(o, "by", "决定级别", 0, 16, &d->by, err);
    if (!rc && *d->by && strcmp(d->by, "street") && strcmp(d->by, "district"))
      rc = cm_errf(err, CM_ERR_INVALID, "「决定级别」只能是街道或区");
    if (!rc) rc = text(o, "to", "下达对象", 0, 64, &d->to, err);
    if (!rc) rc = text(o, "org", "组织", 0, CM_REC_PREFIX_MAX + 16, &d->org, err);
    break;
  }
  case CM_REC_ORG_AMENDED: {
    const json_t *ch = json_object_get(o, "changes");
    rc = text(o, "id", "备案编号", 1, CM_REC_PREFIX_MAX + 16, &out->u.org.id, err);
    if (!rc && (!json_is_object(ch) || json_object_size(ch) == 0))
      rc = cm_errf(err, CM_ERR_INVALID, "组织变更没有要变更的项目");
    if (!rc && json_object_get(ch, "id"))
      rc = cm_errf(err, CM_ERR_INVALID, "组织变更不能改动备案编号");
    if (!rc) rc = org_fields(ch, 1, &out->u.org, err);
    break;
  }
  case CM_REC_ORG_DISSOLVED:
    rc = text(o, "id", "备案编号", 1, CM_REC_PREFIX_MAX + 16, &out->u.dissolve.id, err);
    if (!rc) rc = text(o, "reason", "解散原因", 1, CM_REC_TEXT_MAX, &out->u.dissolve.reason, err);
    break;
  case CM_REC_REPORT: {
    cm_rec_report *r = &out->u.report;
    rc = text(o, "org", "组织", 1, CM_REC_PREFIX_MAX + 16, &r->org, err);
    if (!rc) rc = text(o, "month", "月份", 1, 7, &r->month, err);
    if (!rc && !is_month(r->month))
      rc = cm_errf(err, CM_ERR_INVALID, "「月份」格式应为年-月（YYYY-MM）");
    if (!rc) rc = count(o, "activities", "活动次数", 0, INT64_MAX, &r->activities, err);
    if (!rc) rc = count(o, "participants", "参加人次", 0, INT64_MAX, &r->participants, err);
    if (!rc)
      rc =
          count(o, "party_participants", "党员参加人次", 0, INT64_MAX, &r->party_participants, err);
    if (!rc) rc = cm_rec_report_counts(r->activities, r->participants, r->party_participants, err);
    if (!rc) rc = text(o, "content", "活动内容", 0, CM_REC_TEXT_MAX, &r->content, err);
    if (!rc) rc = text(o, "scope", "公益范围", 0, CM_REC_TEXT_MAX, &r->scope, err);
    if (!rc) rc = text(o, "good_deeds", "好人好事", 0, CM_REC_TEXT_MAX, &r->good_deeds, err);
    break;
  }
  case CM_REC_ACTIVITY: {
    cm_rec_activity *a = &out->u.activity;
    rc = text(o, "id", "活动编号", 1, CM_REC_PREFIX_MAX + 16, &a->id, err);
    if (!rc) rc = text(o, "org", "组织", 1, CM_REC_PREFIX_MAX + 16, &a->org, err);
    if (!rc) rc = text(o, "date", "活动日期", 1, 10, &a->date, err);
    if (!rc && !is_date(a->date))
      rc = cm_errf(err, CM_ERR_INVALID, "「活动日期」格式应为年-月-日（YYYY-MM-DD）");
    if (!rc) rc = text(o, "title", "活动名称", 1, CM_REC_SHORT_MAX, &a->title, err);
    if (!rc) rc = text(o, "place", "地点", 0, CM_REC_TEXT_MAX, &a->place, err);
    if (!rc) rc = count(o, "expected", "预计人数", 0, CM_REC_EXPECTED_MAX, &a->expected, err);
    if (!rc) rc = text(o, "description", "说明", 0, CM_REC_TEXT_MAX, &a->description, err);
    break;
  }
  case CM_REC_RECTIFICATION: {
    cm_rec_rect *r = &out->u.rect;
    rc = text(o, "org", "组织", 1, CM_REC_PREFIX_MAX + 16, &r->org, err);
    if (!rc) rc = text(o, "decision", "所整改的决定", 1, 96, &r->decision, err);
    if (!rc && !is_record_id(r->decision))
      rc = cm_errf(err, CM_ERR_INVALID, "「所整改的决定」应为决定的记录编号");
    if (!rc) rc = text(o, "content", "整改内容", 1, CM_REC_TEXT_MAX, &r->content, err);
    break;
  }
  case CM_REC_INSPECTION:
    rc = inspection_fields(o, &out->u.inspection, err);
    break;
  case CM_REC_PLAN:
  case CM_REC_SUMMARY:
    rc = plan_fields(o, def->kind == CM_REC_PLAN, 0, &out->u.plan, err);
    break;
  case CM_REC_UNIT_PLAN:
  case CM_REC_UNIT_SUMMARY:
    out->u.plan.org = "";
    rc = plan_fields(o, def->kind == CM_REC_UNIT_PLAN, 1, &out->u.plan, err);
    break;
  case CM_REC_TRAINING:
    rc = training_fields(o, &out->u.training, err);
    break;
  case CM_REC_NOTICE:
  case CM_REC_NOTICE_SENT:
  case CM_REC_NOTICE_READ:
    rc = notice_fields(o, def->kind, &out->u.notice, err);
    break;
  case CM_REC_FILE:
    rc = cm_att_read(o, &out->u.file, err);
    break;
  case CM_REC_NOMINATION: {
    cm_rec_nomination *m = &out->u.nomination;
    rc = text(o, "round", "评比", 1, CM_REC_ROUND_MAX - 1, &m->round, err);
    if (!rc) rc = cm_rec_round_id(m->round, err);
    if (!rc) rc = text(o, "org", "组织", 1, CM_REC_PREFIX_MAX + 16, &m->org, err);
    if (!rc) rc = text(o, "person", "被提名人", 0, CM_REC_SHORT_MAX, &m->person, err);
    if (!rc) rc = text(o, "deeds", "事迹", 1, CM_REC_TEXT_MAX, &m->deeds, err);
    break;
  }
  case CM_REC_RECOMMEND: {
    cm_rec_recommend *r = &out->u.recommend;
    rc = text(o, "nomination", "所推荐的提名", 1, 96, &r->nomination, err);
    if (!rc && !is_record_id(r->nomination))
      rc = cm_errf(err, CM_ERR_INVALID, "「所推荐的提名」应为提名的记录编号");
    if (!rc) rc = text(o, "opinion", "推荐意见", 1, CM_REC_TEXT_MAX, &r->opinion, err);
    break;
  }
  case CM_REC_LIST:
    rc = cm_list_check(o, NULL, err);
    if (!rc) {
      out->u.list.list = json_string_value(json_object_get(o, "list"));
      out->u.list.items = json_object_get(o, "items");
    }
    break;
  case CM_REC_STATION:
    rc = station_fields(o, &out->u.station, err);
    break;
  case CM_REC_MAPPED: {
    cm_rec_mapped *m = &out->u.mapped;
    uint8_t k[PROTO_KEY_BYTES];
    rc = text(o, "to", "社区", 1, 64, &m->to, err);
    if (!rc && (strlen(m->to) != 64 || proto_key_from_hex(m->to, k) != CM_OK))
      rc = cm_errf(err, CM_ERR_INVALID, "「社区」应为社区的公钥");
    if (!rc) rc = text(o, "org", "备案编号", 1, CM_REC_PREFIX_MAX + 16, &m->org, err);
    if (!rc) rc = text(o, "old", "原类别", 0, CM_REC_SHORT_MAX, &m->old, err);
    if (!rc) rc = code(o, "category", "类别代码", &m->category, err);
    if (!rc) rc = code(o, "industry", "行业", &m->industry, err);
    if (!rc) rc = code(o, "unit", "主管单位", &m->unit, err);
    if (!rc && !*m->category && !*m->industry && !*m->unit)
      rc = cm_errf(err, CM_ERR_INVALID, "组织类别对应至少要给出类别、行业或主管单位");
    break;
  }
  case CM_REC_ROSTER:
    rc = roster_fields(o, &out->u.roster, err);
    break;
  case CM_REC_PLEDGE:
    rc = text(o, "org", "组织", 1, CM_REC_PREFIX_MAX + 16, &out->u.pledge.org, err);
    if (!rc) rc = text(o, "rules", "内部制度", 0, CM_REC_TEXT_MAX, &out->u.pledge.rules, err);
    if (!rc) rc = text(o, "pledge", "服务承诺", 1, CM_REC_TEXT_MAX, &out->u.pledge.pledge, err);
    break;
  case CM_REC_FEEDBACK:
    rc = feedback_fields(o, &out->u.feedback, err);
    break;
  case CM_REC_FUNDING:
    rc = funding_fields(o, &out->u.funding, err);
    break;
  case CM_REC_DUE: {
    static const char *const whats[] = {"inspection", "plan", "summary", NULL};
    cm_rec_due *d = &out->u.due;
    char dflt[11], first[11], last[11];
    rc = word(o, "what", "截止事项", whats, "截止事项只能是 inspection（年检自查报告）、plan"
              "（工作计划）或 summary（年终总结）", &d->what, err);
    if (!rc) rc = count(o, "year", "年度", 1, 9998, &d->year, err);
    if (!rc && d->year < 2000) rc = cm_errf(err, CM_ERR_INVALID, "年度应在2000年以后");
    if (!rc) rc = date_field(o, "date", "截止日期", 1, &d->date, err);
    if (!rc && cm_rec_due_window(d->what, d->year, dflt, first, last) &&
        (strcmp(d->date, first) < 0 || strcmp(d->date, last) > 0))
      rc = cm_errf(err, CM_ERR_INVALID, "%lld年度%s的截止日期应在%s至%s之间，而不是%s",
                   (long long)d->year, cm_i18n_word(CM_LANG_ZH, "due.", d->what), first, last,
                   d->date);
    break;
  }
  case CM_REC_LIMITS: {
    cm_rec_limits *l = &out->u.limits;
    rc = count(o, "file_mb", "每个附件的上限（MB）", 1, CM_ATT_FILE_MB_MAX, &l->file_mb, err);
    if (!rc) rc = count(o, "org_year_mb", "每个组织每年附件的上限（MB）", 1, CM_REC_YEAR_MB_MAX,
                        &l->org_year_mb, err);
    if (!rc && l->file_mb < 1) rc = cm_errf(err, CM_ERR_INVALID, "每个附件的上限至少 1 MB");
    if (!rc && l->org_year_mb < l->file_mb)
      rc = cm_errf(err, CM_ERR_INVALID, "每个组织每年的上限（%lld MB）不能小于每个附件的上限（%lld MB）",
                   (long long)l->org_year_mb, (long long)l->file_mb);
    break;
  }
  case CM_REC_FEEDBACK_DUE:
    rc = count(o, "days", "群众意见办理期限（天）", 1, CM_REC_FEEDBACK_DAYS_MAX,
               &out->u.feedback_due.days, err);
    if (!rc && out->u.feedback_due.days < 1)
      rc = cm_errf(err, CM_ERR_INVALID, "群众意见办理期限至少 1 天");
    break;
  default:
    break;
  }
  return rc;
}

cm_rc cm_rec_read(const cm_rec_def *def, const uint8_t *body, size_t len, cm_rec_body *out,
                  json_t **json_out, cm_err *err) {
  *json_out = NULL;
  memset(out, 0, sizeof *out);
  out->kind = def->kind;
  if (def->kind == CM_REC_OTHER || def->kind == CM_REC_HUB_ONLY) return CM_OK;
  if (len > def->body_max)
    return cm_errf(err, CM_ERR_INVALID, "%s过大（%zu字节，最多%zu字节）", def->label, len,
                   def->body_max);
  if (cm_json_parse_object(body, len, json_out, NULL))
    return cm_errf(err, CM_ERR_INVALID, "%s的内容不是有效的JSON对象", def->label);
  return cm_rec_read_json(def, *json_out, out, err);
}

cm_rc cm_rec_report_counts(int64_t activities, int64_t participants, int64_t party_participants,
                           cm_err *err) {
  if (activities < 0 || participants < 0 || party_participants < 0)
    return cm_errf(err, CM_ERR_INVALID, "月报的数字不能为负数");
  if (activities > CM_REC_ACTIVITIES_MAX)
    return cm_errf(err, CM_ERR_INVALID, "「活动次数」数字过大（每月最多%d）：%lld",
                   CM_REC_ACTIVITIES_MAX, (long long)activities);
  if (participants > CM_REC_PARTICIPANTS_MAX)
    return cm_errf(err, CM_ERR_INVALID, "「参加人次」数字过大（每月最多%d）：%lld",
                   CM_REC_PARTICIPANTS_MAX, (long long)participants);
  if (party_participants > participants)
    return cm_errf(err, CM_ERR_INVALID, "党员参加人次（%lld）不能多于参加人次（%lld）",
                   (long long)party_participants, (long long)participants);
  return CM_OK;
}

/* ---- authority and bounds in context ---- */

/* CM_ERR_PERM unless id is "<prefix>-..." for a community or street writer. */
static cm_rc owns(const cm_rec_ctx *c, const char *id, const char *what, cm_err *err) {
  size_t n = strlen(c->prefix);
  if (c->writer == CM_REC_DISTRICT) return CM_OK;
  if (n == 0) return cm_errf(err, CM_ERR_PERM, "作者登记时没有社区代码，不能写%s", what);
  if (strncmp(id, c->prefix, n) != 0 || id[n] != '-')
    return cm_errf(err, CM_ERR_PERM, "%s「%s」不属于作者（编号应以%s-开头）", what, id, c->prefix);
  return CM_OK;
}

/* CM_ERR_INVALID unless the organisation is one the author filed. */
static cm_rc known(const cm_rec_ctx *c, const char *org, cm_err *err) {
  if (!c->org_known) return cm_errf(err, CM_ERR_INVALID, "组织「%s」未备案", org);
  return CM_OK;
}

/* CM_ERR_PERM unless record ("" or "<key hex>/<seq>") is one of the author's
 * own: a community attaches files only to what it wrote itself. */
static cm_rc own_record(const cm_rec_ctx *c, const char *record, cm_err *err) {
  size_t n = strlen(c->author_hex);
  if (!*record || !n) return CM_OK;
  if (strncmp(record, c->author_hex, n) != 0 || record[n] != '/')
    return cm_errf(err, CM_ERR_PERM, "附件所属的记录不是作者自己写的记录");
  return CM_OK;
}

/* The date d days after date (both YYYY-MM-DD). */
static void date_plus(const char *date, int days, char out[11]) {
  uint64_t t = 0;
  if (cm_date_parse(date, &t) != CM_OK) {
    memcpy(out, date, 11);
    return;
  }
  cm_date_of(t + (uint64_t)days * 86400000u + 12u * 3600000u, out);
}

/* CM_ERR_INVALID unless date is from CM_REC_FIRST_DATE to ctx's latest. */
static cm_rc not_after(const char *date, const char *zh, const cm_rec_ctx *c, cm_err *err) {
  if (strcmp(date, CM_REC_FIRST_DATE) < 0 || strcmp(date, c->latest) > 0)
    return cm_errf(err, CM_ERR_INVALID, "%s%s应在%s至%s之间", zh, date, CM_REC_FIRST_DATE,
                   c->latest);
  return CM_OK;
}

int cm_rec_feedback_overdue(const char *received, const char *status, const char *today,
                            int64_t days) {
  char due[11];
  if (!received || !status || strcmp(status, "reported") == 0) return 0;
  if (days < 1 || days > CM_REC_FEEDBACK_DAYS_MAX) days = CM_REC_FEEDBACK_DAYS;
  date_plus(received, (int)days, due);
  return strcmp(today, due) > 0;
}

cm_rc cm_rec_check(const cm_rec_def *def, const cm_rec_body *b, const cm_rec_ctx *c, cm_err *err) {
  cm_rc rc = CM_OK;
  if (def->kind == CM_REC_OTHER) return CM_OK;
  if (!(def->writers & (unsigned)c->writer))
    return cm_errf(err, CM_ERR_PERM, "%s只能由上级写入", def->label);
  switch (def->kind) {
  case CM_REC_ORG_FILED: {
    const cm_rec_org *g = &b->u.org;
    rc = owns(c, g->id, "备案编号", err);
    if (!rc && (strcmp(g->filed, CM_REC_FIRST_DATE) < 0 || strcmp(g->filed, c->latest) > 0))
      rc = cm_errf(err, CM_ERR_INVALID, "备案日期%s应在%s至%s之间", g->filed, CM_REC_FIRST_DATE,
                   c->latest);
    break;
  }
  case CM_REC_ORG_AMENDED: {
    const cm_rec_org *g = &b->u.org;
    rc = owns(c, g->id, "备案编号", err);
    if (!rc) rc = known(c, g->id, err);
    if (!rc && (g->given & CM_REC_F_FILED) &&
        (strcmp(g->filed, CM_REC_FIRST_DATE) < 0 || strcmp(g->filed, c->latest) > 0))
      rc = cm_errf(err, CM_ERR_INVALID, "备案日期%s应在%s至%s之间", g->filed, CM_REC_FIRST_DATE,
                   c->latest);
    if (!rc) {
      int64_t m = (g->given & CM_REC_F_MEMBERS) ? g->members : c->org_members;
      int64_t p = (g->given & CM_REC_F_PARTY) ? g->party_members : c->org_party;
      if (p > m)
        rc = cm_errf(err, CM_ERR_INVALID, "党员人数（%lld）不能多于成员人数（%lld）", (long long)p,
                     (long long)m);
    }
    break;
  }
  case CM_REC_ORG_DISSOLVED:
    rc = owns(c, b->u.dissolve.id, "备案编号", err);
    if (!rc) rc = known(c, b->u.dissolve.id, err);
    break;
  case CM_REC_REPORT: {
    const cm_rec_report *r = &b->u.report;
    rc = owns(c, r->org, "组织", err);
    if (!rc) rc = known(c, r->org, err);
    if (!rc && strncmp(r->month, c->latest, 7) > 0)
      rc = cm_errf(err, CM_ERR_INVALID, "不能填报未来月份（%s，本月是%.7s）", r->month, c->latest);
    if (!rc && strncmp(r->month, CM_REC_FIRST_DATE, 7) < 0)
      rc = cm_errf(err, CM_ERR_INVALID, "月份%s早于%.7s", r->month, CM_REC_FIRST_DATE);
    if (!rc && strncmp(r->month, c->org_filed, 7) < 0)
      rc = cm_errf(err, CM_ERR_INVALID, "月份%s早于组织的备案月份%.7s", r->month, c->org_filed);
    break;
  }
  case CM_REC_ACTIVITY: {
    const cm_rec_activity *a = &b->u.activity;
    char last[11];
    rc = owns(c, a->id, "活动编号", err);
    if (!rc) rc = owns(c, a->org, "组织", err);
    if (!rc) rc = known(c, a->org, err);
    if (!rc && strcmp(a->date, c->today) < 0)
      rc = cm_errf(err, CM_ERR_INVALID, "重大活动须在活动日期之前汇报（活动日期%s已过，今天是%s）",
                   a->date, c->today);
    date_plus(c->today, CM_REC_AHEAD_DAYS, last);
    if (!rc && strcmp(a->date, last) > 0)
      rc = cm_errf(err, CM_ERR_INVALID, "活动日期%s太远：最多提前%d天汇报（到%s为止）", a->date,
                   CM_REC_AHEAD_DAYS, last);
    break;
  }
  case CM_REC_INSPECTION: {
    const cm_rec_inspection *s = &b->u.inspection;
    long long this_year = atoll(c->latest);
    rc = owns(c, s->org, "组织", err);
    if (!rc) rc = known(c, s->org, err);
    if (!rc && s->year >= this_year)
      rc = cm_errf(err, CM_ERR_INVALID, "年检只报已结束的年度（%lld年尚未结束）", (long long)s->year);
    if (!rc && c->org_known && s->year < atoll(c->org_filed))
      rc = cm_errf(err, CM_ERR_INVALID, "年度%lld早于组织的备案年份%.4s", (long long)s->year,
                   c->org_filed);
    break;
  }
  case CM_REC_PLAN:
  case CM_REC_SUMMARY: {
    /* A plan is for this year or the next; a summary for this year or one
     * before it; neither before the organisation was filed. */
    const cm_rec_plan *p = &b->u.plan;
    long long this_year = atoll(c->latest);
    rc = owns(c, p->org, "组织", err);
    if (!rc) rc = known(c, p->org, err);
    if (!rc && def->kind == CM_REC_PLAN && (p->year < this_year || p->year > this_year + 1))
      rc = cm_errf(err, CM_ERR_INVALID, "工作计划只能为今年或明年制定（%lld年不行）",
                   (long long)p->year);
    if (!rc && def->kind == CM_REC_SUMMARY && p->year > this_year)
      rc = cm_errf(err, CM_ERR_INVALID, "不能总结未来的年度（%lld年）", (long long)p->year);
    if (!rc && c->org_known && p->year < atoll(c->org_filed))
      rc = cm_errf(err, CM_ERR_INVALID, "年度%lld早于组织的备案年份%.4s", (long long)p->year,
                   c->org_filed);
    break;
  }
  case CM_REC_UNIT_PLAN:
  case CM_REC_UNIT_SUMMARY: {
    /* The author's own plan: for this year or the next; a summary not of a
     * future year. */
    const cm_rec_plan *p = &b->u.plan;
    long long this_year = atoll(c->latest);
    if (def->kind == CM_REC_UNIT_PLAN && (p->year < this_year || p->year > this_year + 1))
      rc = cm_errf(err, CM_ERR_INVALID, "工作计划只能为今年或明年制定（%lld年不行）",
                   (long long)p->year);
    if (!rc && def->kind == CM_REC_UNIT_SUMMARY && p->year > this_year)
      rc = cm_errf(err, CM_ERR_INVALID, "不能总结未来的年度（%lld年）", (long long)p->year);
    break;
  }
  case CM_REC_TRAINING:
    if (strcmp(b->u.training.date, CM_REC_FIRST_DATE) < 0 ||
        strcmp(b->u.training.date, c->latest) > 0)
      rc = cm_errf(err, CM_ERR_INVALID, "培训日期%s应在%s至%s之间（只记已举办的培训）",
                   b->u.training.date, CM_REC_FIRST_DATE, c->latest);
    break;
  case CM_REC_NOTICE:
    /* A street notifies its own communities only (the copies it relays of a
     * district notice, notice.sent, keep the district's scope). */
    if (c->writer == CM_REC_STREET && strcmp(b->u.notice.scope, "street") != 0)
      rc = cm_errf(err, CM_ERR_PERM, "街道分会只能通知本街道的社区");
    break;
  case CM_REC_NOTICE_READ:
    if (c->notice_not_to_author)
      rc = cm_errf(err, CM_ERR_PERM, "通知「%s」不是发给作者的", b->u.notice.notice);
    break;
  case CM_REC_FILE:
    /* The file's organisation is the author's and one it filed; the bytes
     * are taken only for an entry that passes (common/attach.h). */
    rc = owns(c, b->u.file.org, "组织", err);
    if (!rc) rc = known(c, b->u.file.org, err);
    if (!rc) rc = own_record(c, b->u.file.record, err);
    if (!rc) {
      uint64_t file_max = c->file_max ? c->file_max : CM_ATT_FILE_MAX;
      uint64_t year_max = c->org_year_max ? c->org_year_max : CM_ATT_ORG_YEAR_MAX;
      if (b->u.file.size > file_max)
        rc = cm_errf(err, CM_ERR_INVALID, "附件有 %llu KB，超过每个附件 %llu MB 的上限",
                     (unsigned long long)(b->u.file.size >> 10),
                     (unsigned long long)(file_max >> 20));
      else if (c->org_file_bytes >= 0 &&
               cm_rec_add(c->org_file_bytes, (int64_t)b->u.file.size) > (int64_t)year_max)
        rc = cm_errf(err, CM_ERR_INVALID,
                     "组织今年的附件已有 %lld 字节，加上这个（%llu 字节）超过每年 %llu MB 的上限",
                     (long long)c->org_file_bytes, (unsigned long long)b->u.file.size,
                     (unsigned long long)(year_max >> 20));
    }
    break;
  case CM_REC_NOMINATION: {
    /* Only about an organisation the author filed, in a round it holds,
     * written no later than the district closed it early and by its last
     * day, and
     * filed by the end of the round's year. */
    const cm_rec_nomination *m = &b->u.nomination;
    rc = owns(c, m->org, "组织", err);
    if (!rc) rc = known(c, m->org, err);
    if (!rc && !c->round_known) rc = cm_errf(err, CM_ERR_INVALID, "没有评比「%s」", m->round);
    if (!rc && c->round_closed_ms > 0 && c->time_ms > c->round_closed_ms)
      rc = cm_errf(err, CM_ERR_INVALID, "评比「%s」已由区协会于%s提前截止，不再接受提名", m->round,
                   c->round_closed);
    if (!rc && strcmp(c->today, c->round_closes) > 0)
      rc = cm_errf(err, CM_ERR_INVALID, "评比「%s」已于%s截止提名", m->round, c->round_closes);
    if (!rc && atoll(c->org_filed) > c->round_year)
      rc = cm_errf(err, CM_ERR_INVALID, "组织%.4s年才备案，不能参加%lld年度的评比", c->org_filed,
                   (long long)c->round_year);
    break;
  }
  case CM_REC_RECOMMEND:
    if (c->nomination_of_author == 0)
      rc = cm_errf(err, CM_ERR_PERM, "所推荐的提名不是本街道的社区提出的");
    break;
  case CM_REC_LIST:
    if (c->writer == CM_REC_STREET && c->origin_district != 1)
      rc = cm_errf(err, CM_ERR_PERM, "清单只能由区发布（街道只能转发区的清单）");
    break;
  case CM_REC_LIMITS:
    if (c->writer == CM_REC_STREET && c->origin_district != 1)
      rc = cm_errf(err, CM_ERR_PERM, "附件上限只能由区设定（街道只能转发区的设定）");
    break;
  case CM_REC_FEEDBACK_DUE:
    if (c->writer == CM_REC_STREET && c->origin_district != 1)
      rc = cm_errf(err, CM_ERR_PERM, "群众意见办理期限只能由区设定（街道只能转发区的设定）");
    break;
  case CM_REC_DUE:
    if (c->writer == CM_REC_STREET && c->origin_district != 1)
      rc = cm_errf(err, CM_ERR_PERM, "截止日期只能由区协会设定（街道分会只能转发区协会的设定）");
    break;
  case CM_REC_STATION: {
    const cm_rec_station *t = &b->u.station;
    rc = owns(c, t->org, "组织", err);
    if (!rc) rc = known(c, t->org, err);
    if (!rc && (strcmp(t->date, c->org_filed) < 0 || strcmp(t->date, c->latest) > 0))
      rc = cm_errf(err, CM_ERR_INVALID, "登记日期%s应在组织的备案日期%s至%s之间", t->date,
                   c->org_filed, c->latest);
    if (!rc && *t->branch_date &&
        (strcmp(t->branch_date, CM_REC_FIRST_DATE) < 0 || strcmp(t->branch_date, c->latest) > 0))
      rc = cm_errf(err, CM_ERR_INVALID, "党支部成立日期%s应在%s至%s之间", t->branch_date,
                   CM_REC_FIRST_DATE, c->latest);
    break;
  }
  case CM_REC_MAPPED:
    if (c->org_below == 0)
      rc = cm_errf(err, CM_ERR_PERM, "组织「%s」不是作者所辖社区备案的组织", b->u.mapped.org);
    break;
  case CM_REC_ROSTER: {
    const cm_rec_roster *r = &b->u.roster;
    rc = owns(c, r->org, "组织", err);
    if (!rc) rc = known(c, r->org, err);
    if (!rc) rc = not_after(r->joined, "加入日期", c, err);
    if (!rc && *r->left) rc = not_after(r->left, "退出日期", c, err);
    break;
  }
  case CM_REC_PLEDGE:
    rc = owns(c, b->u.pledge.org, "组织", err);
    if (!rc) rc = known(c, b->u.pledge.org, err);
    break;
  case CM_REC_FEEDBACK: {
    const cm_rec_feedback *f = &b->u.feedback;
    rc = owns(c, f->id, "意见编号", err);
    if (!rc) rc = owns(c, f->org, "组织", err);
    if (!rc) rc = known(c, f->org, err);
    if (!rc) rc = not_after(f->received, "收到日期", c, err);
    if (!rc && *f->handled) rc = not_after(f->handled, "办理日期", c, err);
    break;
  }
  case CM_REC_FUNDING: {
    const cm_rec_funding *f = &b->u.funding;
    rc = owns(c, f->org, "组织", err);
    if (!rc) rc = known(c, f->org, err);
    if (!rc && f->year > atoll(c->latest))
      rc = cm_errf(err, CM_ERR_INVALID, "不能登记未来年度（%lld年）的资金", (long long)f->year);
    if (!rc && c->org_known && f->year < atoll(c->org_filed))
      rc = cm_errf(err, CM_ERR_INVALID, "年度%lld早于组织的备案年份%.4s", (long long)f->year,
                   c->org_filed);
    if (!rc && *f->date) rc = not_after(f->date, "到账日期", c, err);
    break;
  }
  case CM_REC_RECTIFICATION:
    rc = owns(c, b->u.rect.org, "组织", err);
    if (!rc) rc = known(c, b->u.rect.org, err);
    if (!rc && c->decision_to_author == 0)
      rc = cm_errf(err, CM_ERR_PERM, "所整改的决定不是下达给作者的");
    break;
  case CM_REC_DECISION: {
    /* A decision is its author's level's: a street writes street decisions,
     * for its own communities; a district decision from a street is only a
     * relay of the district's own signed entry. */
    const cm_rec_decision *d = &b->u.decision;
    if (c->writer == CM_REC_STREET && !strcmp(d->by, "district")) {
      if (c->origin_district != 1)
        rc = cm_errf(err, CM_ERR_PERM, "街道分会不能以区协会的名义作出决定（只能转发区协会的决定）");
    } else if (c->writer == CM_REC_DISTRICT && !strcmp(d->by, "street")) {
      rc = cm_errf(err, CM_ERR_PERM, "区协会的决定不能写成街道分会的决定");
    }
    if (!rc && c->writer == CM_REC_STREET && *d->to && c->to_below == 0)
      rc = cm_errf(err, CM_ERR_PERM, "街道分会只能对本街道登记的社区作出决定");
    /* addressed to no community: about the street's own street-level organisation */
    if (!rc && c->writer == CM_REC_STREET && !*d->to && *d->org) rc = owns(c, d->org, "组织", err);
    break;
  }
  default:
    break;
  }
  return rc;
}

int cm_rec_fold_version(json_t **state, const char *kind, const json_t *body, const char *status) {
  if (!kind || !json_is_object(body)) return 0;
  if (strcmp(kind, "org.filed") == 0) {
    json_t *copy = json_deep_copy(body);
    if (!copy) return -1;
    json_decref(*state);
    *state = copy;
    return 1;
  }
  const json_t *changes = json_object_get(body, "changes");
  if (strcmp(kind, "org.amended") != 0 || !*state || !json_is_object(changes) || !status ||
      strcmp(status, "accepted") != 0)
    return 0;
  const char *k;
  json_t *v;
  json_object_foreach((json_t *)changes, k, v) {
    if (strcmp(k, "id") != 0 && json_object_set(*state, k, v)) return -1;
  }
  const json_t *flags = json_object_get(body, "flags");
  if (flags && json_object_set(*state, "flags", (json_t *)flags)) return -1;
  return 1;
}
