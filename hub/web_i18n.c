/* web_i18n.c - the words of the hub's pages (see web_i18n.h).  Simplified
 * Chinese first, as the design asks; English beside it. */
#include "web_i18n.h"

#include <stddef.h>
#include <string.h>

typedef struct i18n_entry {
  const char *key;
  const char *zh;
  const char *en;
} i18n_entry;

static const i18n_entry k_words[] = {
    /* layout */
    {"hub.street", "街道分会", "street hub"},
    {"hub.district", "区协会", "district hub"},
    {"nav.dashboard", "总览", "Dashboard"},
    {"nav.review", "审核队列", "Review queue"},
    {"nav.enrol", "注册申请", "Enrolment"},
    {"nav.decide", "决定", "Decisions"},
    {"nav.activities", "重大活动", "Major activities"},
    {"nav.alerts", "警报", "Alerts"},
    {"nav.logout", "退出", "Log out"},
    {"role.street", "街道操作员", "street operator"},
    {"role.district", "区级操作员", "district operator"},
    {"role.viewer", "只读", "viewer"},
    {"footer", "社区公益性民间组织管理系统 · 所有操作均记录操作员姓名。",
     "Community public-welfare organisations · every action is recorded with the operator's name."},
    {"yes", "是", "yes"},
    {"no", "否", "no"},
    {"none", "无", "none"},

    /* errors */
    {"err.title", "无法完成", "Not possible"},
    {"err.csrf", "表单已过期或来自其他网站，请刷新页面后重试。",
     "The form is stale or came from another site: reload the page and try again."},
    {"err.viewer", "只读账户不能修改任何内容。", "A viewer account cannot change anything."},
    {"err.street", "这不属于您负责的街道。", "This belongs to a street you are not assigned to."},
    {"err.login", "请先登录。", "Please log in first."},
    {"err.internal", "服务器内部错误，请查看日志。", "Internal error: see the hub's log."},
    {"err.unavailable", "页面暂不可用。", "The pages are not available."},
    {"err.not_found", "找不到该项。", "Not found."},
    {"err.invalid", "输入有误。", "The input is not valid."},
    {"err.conflict", "该项已处理过。", "This has been dealt with already."},
    {"err.district_review", "区协会不审核批次：由街道分会审核。",
     "The district does not review batches: the street does."},

    /* login */
    {"login.title", "操作员登录", "Operator login"},
    {"login.name", "用户名", "Name"},
    {"login.password", "密码", "Password"},
    {"login.submit", "登录", "Log in"},
    {"login.wrong", "用户名或密码错误。", "Wrong name or password."},
    {"login.locked", "登录失败次数过多，请 15 分钟后再试。",
     "Too many failed logins: try again in 15 minutes."},

    /* messages after an action (?msg=) */
    {"msg.accepted", "已接受该批次。", "The batch was accepted."},
    {"msg.rejected", "已退回该批次。", "The batch was rejected."},
    {"msg.enrolled", "已批准注册。", "The enrolment was approved."},
    {"msg.decided", "决定已发出。", "The decision was issued."},
    {"msg.acked", "已确认该活动。", "The activity was acknowledged."},
    {"msg.returned", "已退回该活动。", "The activity was returned."},

    /* review */
    {"review.title", "审核队列", "Review queue"},
    {"review.none", "没有待审核的批次。", "No batch is waiting for review."},
    {"review.readonly", "区协会只查看街道尚未审核的批次。",
     "At the district these are the batches the streets have not reviewed yet (read only)."},
    {"review.id", "批次", "Batch"},
    {"review.community", "社区", "Community"},
    {"review.street", "街道", "Street"},
    {"review.time", "收到时间", "Received"},
    {"review.entries", "记录数", "Records"},
    {"review.kinds", "类型", "Kinds"},
    {"review.flags", "标记", "Flags"},
    {"review.open", "查看", "Open"},
    {"review.batch", "批次详情", "Batch"},
    {"review.status", "状态", "Status"},
    {"review.operator", "审核人", "Reviewed by"},
    {"review.reason", "理由", "Reason"},
    {"review.records", "记录", "Records"},
    {"review.record", "记录编号", "Record"},
    {"review.kind", "类型", "Kind"},
    {"review.content", "内容", "Content"},
    {"review.except", "不接受此条", "Reject this record"},
    {"review.except_reason", "不接受的理由", "Reason for rejecting it"},
    {"review.accept", "接受（勾选的记录除外）", "Accept (except the records ticked)"},
    {"review.reject", "退回整个批次", "Reject the whole batch"},
    {"review.reject_reason", "退回理由", "Reason for rejecting"},
    {"review.need_reason", "退回必须填写理由。", "A rejection needs a reason."},
    {"review.need_except_reason", "每条不接受的记录都必须填写理由。",
     "Every record rejected needs a reason."},
    {"status.pending", "待审核", "pending"},
    {"status.accepted", "已接受", "accepted"},
    {"status.rejected", "已退回", "rejected"},
    {"status.acknowledged", "已确认", "acknowledged"},
    {"status.returned", "已退回", "returned"},

    /* entry kinds */
    {"kind.org.filed", "组织备案", "filing"},
    {"kind.org.amended", "组织变更", "amendment"},
    {"kind.org.dissolved", "组织解散", "dissolution"},
    {"kind.report.monthly", "月报", "monthly report"},
    {"kind.activity.declared", "重大活动", "major activity"},
    {"kind.rectification.filed", "整改报告", "rectification"},

    /* rule flags (docs/records.md) */
    {"flag.party_station", "缺少党员活动站", "no party-member station"},
    {"flag.name_norm", "名称不规范", "name breaks the naming norm"},
    {"flag.inactive", "长期无活动", "inactive"},
    {"flag.late", "事后申报", "declared late"},

    /* record fields (docs/records.md) */
    {"field.id", "编号", "ID"},
    {"field.name", "名称", "Name"},
    {"field.category", "类别", "Category"},
    {"field.leader", "负责人", "Leader"},
    {"field.phone", "联系电话", "Phone"},
    {"field.members", "成员人数", "Members"},
    {"field.party_members", "党员人数", "Party members"},
    {"field.party_station", "党员活动站", "Party station"},
    {"field.founded_by", "成立方式", "Founded by"},
    {"field.scope", "服务范围", "Scope"},
    {"field.venue", "活动场所", "Venue"},
    {"field.filed", "备案日期", "Filed"},
    {"field.org", "组织", "Organisation"},
    {"field.month", "月份", "Month"},
    {"field.activities", "活动次数", "Activities"},
    {"field.participants", "参加人次", "Participants"},
    {"field.party_participants", "党员参加人次", "Party members taking part"},
    {"field.content", "活动内容", "Content"},
    {"field.good_deeds", "好人好事", "Good deeds"},
    {"field.reason", "原因", "Reason"},
    {"field.changes", "变更内容", "Changes"},
    {"field.date", "日期", "Date"},
    {"field.title", "标题", "Title"},
    {"field.place", "地点", "Place"},
    {"field.expected", "预计人数", "Expected"},

    /* enrolment */
    {"enrol.title", "注册申请", "Enrolment requests"},
    {"enrol.none", "没有待处理的注册申请。", "No enrolment request is waiting."},
    {"enrol.hint", "请与对方电话核对指纹，一致后再批准。",
     "Compare the fingerprint with what the community reads aloud before approving."},
    {"enrol.name", "名称", "Name"},
    {"enrol.code", "代码", "Code"},
    {"enrol.role", "类型", "Role"},
    {"enrol.fingerprint", "指纹", "Fingerprint"},
    {"enrol.time", "申请时间", "Asked"},
    {"enrol.approve", "批准", "Approve"},

    /* decisions */
    {"decide.title", "决定", "Decisions"},
    {"decide.new", "发出决定", "Issue a decision"},
    {"decide.kind", "类型", "Kind"},
    {"decide.kind.commend", "表彰", "commendation"},
    {"decide.kind.criticize", "批评（限期整改）", "criticism (rectify by a deadline)"},
    {"decide.kind.inspect", "检查结果", "inspection result"},
    {"decide.kind.revoke", "撤销备案", "revocation of filing"},
    {"decide.kind.notice", "通知", "notice"},
    {"decide.org", "组织备案编号", "Organisation (filing number)"},
    {"decide.community", "或社区（名称或代码）", "or community (name or code)"},
    {"decide.deadline", "整改期限", "Deadline"},
    {"decide.result", "检查结果", "Result"},
    {"decide.result.pass", "合格", "pass"},
    {"decide.result.rectify", "限期整改", "rectify"},
    {"decide.result.fail", "不合格", "fail"},
    {"decide.reason", "内容与理由", "Text and reason"},
    {"decide.submit", "发出", "Issue"},
    {"decide.list", "已发出的决定", "Decisions issued"},
    {"decide.none", "还没有决定。", "No decision yet."},
    {"decide.by", "发出单位", "By"},
    {"decide.about", "对象", "About"},
    {"decide.time", "时间", "Time"},
    {"decide.state", "情况", "State"},
    {"decide.closed", "已整改", "rectified"},
    {"decide.overdue", "逾期未整改", "overdue"},
    {"decide.open", "整改中", "open"},

    /* activities */
    {"act.title", "重大活动", "Major activities"},
    {"act.none", "没有申报的重大活动。", "No major activity has been declared."},
    {"act.waiting", "等待确认", "Waiting for acknowledgement"},
    {"act.all", "全部活动", "All activities"},
    {"act.date", "日期", "Date"},
    {"act.title_col", "活动", "Activity"},
    {"act.org", "组织", "Organisation"},
    {"act.street_status", "街道", "Street"},
    {"act.district_status", "区", "District"},
    {"act.late", "事后申报", "declared late"},
    {"act.note", "备注", "Note"},
    {"act.ack", "确认", "Acknowledge"},
    {"act.return", "退回", "Return"},
    {"act.need_note", "退回必须填写备注。", "Returning needs a note."},

    /* alerts */
    {"alerts.title", "警报", "Alerts"},
    {"alerts.forks", "日志分叉（已隔离）", "Forked logs (quarantined)"},
    {"alerts.forks_none", "没有日志分叉。", "No forked log."},
    {"alerts.clock", "时钟不准的节点", "Nodes with a wrong clock"},
    {"alerts.clock_none", "所有节点时钟正常。", "Every node's clock is right."},
    {"alerts.silent", "7 天未联系的社区", "Communities not heard from in 7 days"},
    {"alerts.silent_none", "所有社区 7 天内都有联系。", "Every community was heard from in the last 7 days."},
    {"alerts.author", "节点", "Node"},
    {"alerts.seq", "序号", "Sequence"},
    {"alerts.time", "发现时间", "Seen"},
    {"alerts.skew", "时差（秒）", "Difference (s)"},
    {"alerts.last", "最后联系", "Last heard"},
    {"alerts.never", "从未", "never"},
};

static const i18n_entry *find(const char *key) {
  if (!key) return NULL;
  for (size_t i = 0; i < sizeof k_words / sizeof k_words[0]; i++)
    if (!strcmp(k_words[i].key, key)) return &k_words[i];
  return NULL;
}

const char *hub_i18n(hub_lang lang, const char *key) {
  const i18n_entry *e = find(key);
  if (!e) return key ? key : "";
  return lang == HUB_LANG_EN ? e->en : e->zh;
}

int hub_i18n_has(const char *key) {
  return find(key) != NULL;
}

int hub_i18n_parse(const char *s, hub_lang *lang_out) {
  if (!s) return 0;
  if (!strcmp(s, "zh")) {
    *lang_out = HUB_LANG_ZH;
    return 1;
  }
  if (!strcmp(s, "en")) {
    *lang_out = HUB_LANG_EN;
    return 1;
  }
  return 0;
}
