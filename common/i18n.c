/* i18n.c - the glossary of both programs' pages (see i18n.h and
 * docs/glossary.md). */
#include "i18n.h"

#include <string.h>

typedef struct i18n_entry {
  const char *key;
  const char *zh;
  const char *en;
} i18n_entry;

/* Order does not matter; the table is small and looked up linearly. */
static const i18n_entry k_words[] = {
    {"app", "社区公益性民间组织管理", "Community public-welfare organisations"},
    {"nav.home", "首页", "Home"},
    {"nav.orgs", "组织名录", "Organisations"},
    {"nav.file", "组织备案", "File an organisation"},
    {"nav.reports", "月报", "Monthly reports"},
    {"nav.report_new", "填报月报", "New monthly report"},
    {"nav.activity", "重大活动汇报", "Major activity"},
    {"nav.rectify", "整改报告", "Rectification"},
    {"nav.inbox", "上级决定", "Decisions"},
    {"lang.switch", "English", "中文"},
    {"footer.node", "数据先保存在本机，联网后自动同步到街道分会。",
     "Data is saved on this PC first and synced to the street hub when online."},
    {"home.title", "首页", "Home"},
    {"home.sync", "同步状态", "Sync status"},
    {"home.last_contact", "上次联系街道分会", "Last contact with the street hub"},
    {"home.never", "从未", "never"},
    {"home.pending", "待上报条目", "Entries waiting to be sent"},
    {"home.unread", "未读决定", "Unread decisions"},
    {"home.written", "本机记录", "Entries written"},
    {"home.acknowledged", "已确认", "Acknowledged"},
    {"home.enrolled", "登记状态", "Enrolment"},
    {"home.enrol.yes", "已登记", "enrolled"},
    {"home.enrol.pending", "等待街道分会审批登记", "waiting for the street hub"},
    {"home.enrol.no", "未登记", "not enrolled"},
    {"home.last_error", "上次同步问题", "Last sync problem"},
    {"home.next_try", "下次自动同步", "Next automatic sync"},
    {"home.seconds", "秒后", "s from now"},
    {"home.details", "详情", "Details"},
    {"home.sync_now", "立即同步", "Sync now"},
    {"home.sync_asked", "已开始同步，请稍后刷新本页。", "Sync started; reload this page in a moment."},
    {"home.due", "本月尚未填报月报的组织", "Organisations whose report for this month is still due"},
    {"home.due_none", "本月月报已全部填报。", "Every report for this month is in."},
    {"home.flagged", "需要整改的组织", "Organisations with flags"},
    {"home.flagged_none", "没有被标记的组织。", "No organisation is flagged."},
    {"home.month", "本月", "This month"},
    {"org.list", "组织名录", "Organisations"},
    {"org.none", "还没有备案的组织。", "No organisation has been filed yet."},
    {"org.id", "备案编号", "Filing number"},
    {"org.name", "组织名称", "Name"},
    {"org.category", "类别（服务领域）", "Category (field of service)"},
    {"org.leader", "负责人", "Leader"},
    {"org.phone", "联系电话", "Contact phone"},
    {"org.members", "成员人数", "Members"},
    {"org.party_members", "党员人数", "Party members"},
    {"org.party_station", "党员活动站（组）", "Party-member activity station"},
    {"org.founded_by", "成立方式", "Founding type"},
    {"org.scope", "公益服务范围", "Public-welfare scope"},
    {"org.venue", "活动场所", "Venue"},
    {"org.filed", "备案日期", "Filing date"},
    {"org.status", "状态", "Status"},
    {"org.flags", "标记", "Flags"},
    {"org.actions", "操作", "Actions"},
    {"org.amend", "变更", "Amend"},
    {"org.dissolve", "解散", "Dissolve"},
    {"org.report", "填报月报", "Report"},
    {"org.file_title", "组织备案", "File an organisation"},
    {"org.amend_title", "组织变更", "Amend an organisation"},
    {"org.dissolve_title", "组织解散", "Dissolve an organisation"},
    {"org.reason", "解散原因", "Reason"},
    {"org.dissolve_confirm", "解散后不能恢复，确定吗？", "Dissolution cannot be undone. Continue?"},
    {"org.filed_ok", "已备案，备案编号：", "Filed. Filing number: "},
    {"org.amended_ok", "已变更：", "Amended: "},
    {"org.dissolved_ok", "已解散：", "Dissolved: "},
    {"org.unchanged", "没有修改任何内容。", "Nothing was changed."},
    {"org.name_hint", "区属单位或街道设立的组织应命名为“XXX社区XXX工作站”。",
     "Organisations set up by a district unit or the street are named “XXX社区XXX工作站”."},
    {"org.station_hint", "党员三人以上的组织应设立党员活动站（组）。",
     "An organisation with three or more party members needs a party-member station."},
    {"has.yes", "有", "yes"},
    {"has.no", "无", "no"},
    {"rep.list", "月报", "Monthly reports"},
    {"rep.none", "没有符合条件的月报。", "No report matches."},
    {"rep.new_title", "填报月报", "Monthly report"},
    {"rep.org", "组织", "Organisation"},
    {"rep.month", "月份", "Month"},
    {"rep.activities", "开展活动次数", "Activities held"},
    {"rep.participants", "参加人次", "Participant head-count"},
    {"rep.party_participants", "党员参加人次", "Party members taking part"},
    {"rep.content", "活动内容", "Content"},
    {"rep.scope", "公益服务范围", "Public-welfare scope"},
    {"rep.good_deeds", "好人好事", "Good deeds"},
    {"rep.corrections", "更正次数", "Corrections"},
    {"rep.correct", "更正", "Correct"},
    {"rep.print", "打印报表", "Printable form"},
    {"rep.ok", "月报已保存：", "Report saved: "},
    {"rep.correct_hint", "同一组织同一月份再次填报即为更正，原报表保留在历史中。",
     "A second report for the same organisation and month corrects the first; the history stays."},
    {"rep.filter", "筛选", "Filter"},
    {"rep.all", "全部", "all"},
    {"rep.history", "历史版本", "History"},
    {"print.title", "社区公益性民间组织活动情况月报表",
     "Monthly activity report of a community public-welfare organisation"},
    {"print.community", "社区", "Community"},
    {"print.filled_by", "填报人", "Filled in by"},
    {"print.date", "填报日期", "Date"},
    {"print.review", "审核意见", "Review opinion"},
    {"print.reviewer", "审核人（签字）", "Reviewer (signature)"},
    {"print.seal", "指导委员会（盖章）", "Guidance committee (seal)"},
    {"print.button", "打印", "Print"},
    {"print.back", "返回", "Back"},
    {"print.no_report", "尚未填报，可打印空白表手工填写。",
     "Not reported yet: print the blank form to fill in by hand."},
    {"act.title", "重大活动汇报", "Major activity declaration"},
    {"act.id", "活动编号", "Activity number"},
    {"act.date", "活动日期", "Date"},
    {"act.name", "活动名称", "Title"},
    {"act.place", "活动地点", "Place"},
    {"act.expected", "预计参加人数", "Expected participants"},
    {"act.description", "活动说明", "Description"},
    {"act.hint", "重大活动须在活动日期之前汇报。", "A major activity is declared before its date."},
    {"act.ok", "已汇报，活动编号：", "Declared. Activity number: "},
    {"act.list", "已汇报的重大活动", "Declared major activities"},
    {"act.none", "还没有汇报的重大活动。", "No major activity declared yet."},
    {"rect.title", "整改报告", "Rectification report"},
    {"rect.decision", "针对的批评决定", "Criticism answered"},
    {"rect.decision_hint", "从上级决定中选择要答复的批评。", "Choose the criticism this report answers."},
    {"rect.content", "整改情况", "What was rectified"},
    {"rect.ok", "整改报告已保存：", "Rectification report saved: "},
    {"rect.none", "（无）", "(none)"},
    {"inbox.title", "上级决定", "Decisions from the street and district"},
    {"inbox.none", "还没有收到上级决定。", "No decision received yet."},
    {"inbox.time", "时间", "Time"},
    {"inbox.kind", "类型", "Kind"},
    {"inbox.org", "组织", "Organisation"},
    {"inbox.reason", "内容", "Reason"},
    {"inbox.deadline", "整改期限", "Deadline"},
    {"inbox.record", "记录", "Record"},
    {"inbox.read_all", "全部标为已读", "Mark all as read"},
    {"inbox.read", "标为已读", "Mark read"},
    {"inbox.rectify", "提交整改报告", "Answer with a rectification"},
    {"review.title", "审核", "Review"},
    {"review.pending", "待审核", "pending"},
    {"review.accepted", "已通过", "accepted"},
    {"review.rejected", "已退回", "rejected"},
    {"review.reason", "退回原因", "Reason"},
    {"review.stands", "以已通过的版本为准：", "The accepted version stands: "},
    {"origin.title", "来源", "From"},
    {"origin.street", "街道", "street"},
    {"origin.district", "区协会", "district"},
    {"result.title", "结果", "Result"},
    {"result.pass", "合格", "pass"},
    {"result.rectify", "限期整改", "rectify"},
    {"result.fail", "不合格", "fail"},
    {"result.accepted", "已通过", "accepted"},
    {"result.rejected", "已退回", "rejected"},
    {"result.acknowledged", "已确认", "acknowledged"},
    {"result.returned", "已退回", "returned"},
    {"crit.title", "整改状态", "Rectification"},
    {"crit.open", "待整改", "open"},
    {"crit.closed", "已整改", "closed"},
    {"crit.overdue", "已逾期", "overdue"},
    {"crit.answered", "已提交整改报告，待街道通过", "report sent, waiting for the street"},
    {"home.overdue", "逾期未整改", "Overdue criticisms"},
    {"inbox.subject", "涉及记录", "About"},
    {"inbox.filter_open", "只看待整改的批评", "Open criticisms only"},
    {"inbox.filter_all", "全部决定", "All decisions"},
    {"esc.title", "上报进度", "Escalation"},
    {"esc.street", "街道", "Street"},
    {"esc.district", "区协会", "District"},
    {"esc.pending", "待确认", "waiting"},
    {"esc.acknowledged", "已确认", "acknowledged"},
    {"esc.returned", "已退回", "returned"},
    {"esc.declared", "已汇报", "declared"},
    {"esc.street_ack", "街道已确认", "street acknowledged"},
    {"esc.district_ack", "区协会已确认", "district acknowledged"},
    {"org.page", "组织详情", "Organisation"},
    {"org.view", "详情", "Details"},
    {"org.reports", "月报", "Monthly reports"},
    {"org.activities", "重大活动", "Major activities"},
    {"org.decisions", "上级决定", "Decisions"},
    {"form.submit", "提交", "Submit"},
    {"form.save", "保存", "Save"},
    {"form.required", "必填", "required"},
    {"form.choose", "请选择", "Choose"},
    {"form.error", "未保存：", "Not saved: "},
    {"form.no_orgs", "请先备案组织。", "File an organisation first."},
    {"found.self", "自发成立", "self-organised"},
    {"found.district-unit", "区属单位设立", "set up by a district unit"},
    {"found.street", "街道设立", "set up by the street"},
    {"flag.name_norm", "名称不符合规范", "name breaks the naming norm"},
    {"flag.party_station", "缺少党员活动站", "no party-member station"},
    {"flag.inactive", "长期未开展活动", "inactive"},
    {"status.active", "正常", "active"},
    {"status.dissolved", "已解散", "dissolved"},
    {"status.revoked", "已撤销备案", "revoked"},
    {"kind.commend", "表彰", "commendation"},
    {"kind.critic", "批评（限期整改）", "criticism (rectify by the deadline)"},
    {"kind.revok", "撤销备案", "revocation"},
    {"kind.inspect", "检查结果", "inspection result"},
    {"kind.notice", "通知", "notice"},
    {"kind.ack", "确认收到", "acknowledgement"},
    {"kind.review", "审核结果", "review result"},
    {"kind.enrol", "登记", "enrolment"},
    {"kind.rectif", "整改报告已通过", "rectification accepted"},
    {"kind.fork", "台账分叉已处理", "log fork resolved"},
    {"err.forbidden", "拒绝访问", "Forbidden"},
    {"staff.title", "工作人员登录", "Staff login"},
    {"staff.password", "工作人员密码", "Staff password"},
    {"staff.submit", "登录", "Log in"},
    {"staff.wrong", "密码不对，请重新输入。", "Wrong password; try again."},
    {"staff.wait", "密码错误次数过多，请稍后再试。", "Too many wrong passwords; try again later."},
    {"err.host", "请求的主机名不被接受，请使用 http://127.0.0.1 地址访问。",
     "This host name is not accepted: open the page at its http://127.0.0.1 address."},
    {"err.csrf", "页面已过期或来自其他网站，请刷新页面后重试。",
     "The page has expired or came from another site: reload it and try again."},
    {"err.not_found", "找不到该项。", "Not found."},
    {"err.internal", "服务器内部错误，请查看日志。", "Internal error: see the log."},
    {"hub.street", "街道分会", "street hub"},
    {"hub.district", "区协会", "district hub"},
    {"nav.dashboard", "统计看板", "Dashboard"},
    {"nav.review", "审核队列", "Review queue"},
    {"nav.enrol", "登记申请", "Enrolment"},
    {"nav.decide", "决定", "Decisions"},
    {"nav.activities", "重大活动", "Major activities"},
    {"nav.alerts", "警报", "Alerts"},
    {"nav.logout", "退出", "Log out"},
    {"role.street", "街道操作员", "street operator"},
    {"role.district", "区级操作员", "district operator"},
    {"role.viewer", "只读", "viewer"},
    {"footer.hub", "社区公益性民间组织管理系统 · 所有操作均记录操作员姓名。",
     "Community public-welfare organisations · every action is recorded with the operator's name."},
    {"yes", "是", "yes"},
    {"no", "否", "no"},
    {"none", "无", "none"},
    {"err.title", "无法完成", "Not possible"},
    {"err.viewer", "只读账户不能修改任何内容。", "A viewer account cannot change anything."},
    {"err.street", "这不属于您负责的街道。", "This belongs to a street you are not assigned to."},
    {"err.login", "请先登录。", "Please log in first."},
    {"err.unavailable", "页面暂不可用。", "The pages are not available."},
    {"err.invalid", "输入有误。", "The input is not valid."},
    {"err.conflict", "该项已处理过。", "This has been dealt with already."},
    {"err.district_review", "区协会不审核批次：由街道分会审核。",
     "The district does not review batches: the street does."},
    {"login.title", "操作员登录", "Operator login"},
    {"login.name", "用户名", "Name"},
    {"login.password", "密码", "Password"},
    {"login.submit", "登录", "Log in"},
    {"login.wrong", "用户名或密码错误。", "Wrong name or password."},
    {"login.locked", "登录失败次数过多，请 15 分钟后再试。", "Too many failed logins: try again in 15 minutes."},
    {"msg.accepted", "该批次已通过。", "The batch was accepted."},
    {"msg.rejected", "已退回该批次。", "The batch was rejected."},
    {"msg.enrolled", "已批准登记。", "The enrolment was approved."},
    {"msg.decided", "决定已发出。", "The decision was issued."},
    {"msg.acked", "已确认该活动。", "The activity was acknowledged."},
    {"msg.returned", "已退回该活动。", "The activity was returned."},
    {"review.queue", "审核队列", "Review queue"},
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
    {"review.why", "理由", "Reason"},
    {"review.records", "记录", "Records"},
    {"review.record", "记录编号", "Record"},
    {"review.kind", "类型", "Kind"},
    {"review.content", "内容", "Content"},
    {"review.except", "此条不通过", "Reject this record"},
    {"review.except_reason", "不通过的理由", "Reason for rejecting it"},
    {"review.accept", "通过（勾选的记录除外）", "Accept (except the records ticked)"},
    {"review.reject", "退回整个批次", "Reject the whole batch"},
    {"review.reject_reason", "退回理由", "Reason for rejecting"},
    {"review.need_reason", "退回必须填写理由。", "A rejection needs a reason."},
    {"review.need_except_reason", "每条不通过的记录都必须填写理由。", "Every record rejected needs a reason."},
    {"status.pending", "待审核", "pending"},
    {"status.accepted", "已通过", "accepted"},
    {"status.rejected", "已退回", "rejected"},
    {"status.refused", "不合规则未采用", "refused (breaks the rules)"},
    {"status.superseded", "已被更正", "superseded by a correction"},
    {"status.acknowledged", "已确认", "acknowledged"},
    {"status.returned", "已退回", "returned"},
    {"kind.org.filed", "组织备案", "filing"},
    {"kind.org.amended", "组织变更", "amendment"},
    {"kind.org.dissolved", "组织解散", "dissolution"},
    {"kind.report.monthly", "月报", "monthly report"},
    {"kind.activity.declared", "重大活动汇报", "major activity"},
    {"kind.rectification.filed", "整改报告", "rectification"},
    {"flag.late", "事后汇报", "declared late"},
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
    {"field.description", "活动说明", "Description"},
    {"field.decision", "针对的决定", "Decision answered"},
    {"field.note", "备注", "Note"},
    {"field.good_deeds_count", "好人好事件数", "Good deeds"},
    {"enrol.title", "登记申请", "Enrolment requests"},
    {"enrol.none", "没有待处理的登记申请。", "No enrolment request is waiting."},
    {"enrol.hint", "请与对方电话核对指纹，一致后再批准。",
     "Compare the fingerprint with what the community reads aloud before approving."},
    {"enrol.name", "名称", "Name"},
    {"enrol.code", "代码", "Code"},
    {"enrol.role", "类型", "Role"},
    {"enrol.fingerprint", "指纹", "Fingerprint"},
    {"enrol.time", "申请时间", "Asked"},
    {"enrol.approve", "批准", "Approve"},
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
    {"decide.operator", "操作员", "Operator"},
    {"decide.err.kind", "请选择决定的类型。", "Choose the kind of decision."},
    {"decide.err.target", "请填写组织备案编号或社区名称（只填一项）。",
     "Name either the organisation (filing number) or the community, not both."},
    {"decide.err.reason", "请填写内容与理由。", "Write the text and reason."},
    {"decide.err.long", "组织或社区名称太长。", "The organisation or community is too long."},
    {"decide.err.deadline_form", "整改期限应为日期（如 2026-12-31）。",
     "The deadline is a date (such as 2026-12-31)."},
    {"decide.err.deadline", "批评须填写整改期限。", "A criticism needs a deadline to rectify by."},
    {"decide.err.result", "检查结果须选择合格、限期整改或不合格。",
     "An inspection needs its result: pass, rectify or fail."},
    {"decide.err.revoke", "撤销备案须填写组织备案编号。",
     "A revocation names the organisation by its filing number."},
    {"decide.err.no_org", "没有这个备案编号的组织，请核对。", "No organisation has this filing number here."},
    {"decide.err.no_community", "没有这个名称的社区，请核对。", "No community has this name here."},
    {"acts.title", "重大活动", "Major activities"},
    {"acts.none", "没有汇报的重大活动。", "No major activity has been declared."},
    {"act.waiting", "待确认", "Waiting for acknowledgement"},
    {"act.all", "全部活动", "All activities"},
    {"acts.date", "日期", "Date"},
    {"act.title_col", "活动", "Activity"},
    {"act.org", "组织", "Organisation"},
    {"act.street_status", "街道", "Street"},
    {"act.district_status", "区", "District"},
    {"act.late", "事后汇报", "declared late"},
    {"act.note", "备注", "Note"},
    {"act.ack", "确认", "Acknowledge"},
    {"act.return", "退回", "Return"},
    {"act.need_note", "退回必须填写备注。", "Returning needs a note."},
    {"alerts.title", "警报", "Alerts"},
    {"alerts.forks", "台账分叉（已隔离）", "Forked logs (quarantined)"},
    {"alerts.forks_none", "没有台账分叉。", "No forked log."},
    {"alerts.clock", "时钟不准的社区电脑", "Community PCs with a wrong clock"},
    {"alerts.clock_none", "所有社区电脑时钟正常。", "Every community PC's clock is right."},
    {"alerts.silent", "7 天未联系的社区", "Communities not heard from in 7 days"},
    {"alerts.silent_none", "所有社区 7 天内都有联系。", "Every community was heard from in the last 7 days."},
    {"alerts.author", "社区", "Community"},
    {"alerts.seq", "序号", "Sequence"},
    {"alerts.time", "发现时间", "Seen"},
    {"alerts.skew", "时差（秒）", "Difference (s)"},
    {"alerts.last", "最后联系", "Last heard"},
    {"alerts.never", "从未", "never"},
    /* the error box (common/html.c) and the dashboard's frame */
    {"ref.before", "第", "no. "},
    {"ref.after", "条", ""},
    {"err.kept", "您填写的内容（可复制后重新填写）", "What you typed (copy it to try again)"},
    {"err.back", "返回", "Back"},
    {"err.too_large", "内容太长，未保存。请缩短后再提交。", "The text is too long and was not saved: shorten it and submit again."},
    {"err.next", "请修改后重新提交。", "Correct it and submit again."},
    {"err.next_login", "请先登录，登录后会回到这里。", "Log in first; you come back here afterwards."},
    {"err.next_perm", "如需这项权限，请联系区协会的系统管理员。",
     "Ask the district's administrator if you need this right."},
    {"err.next_missing", "请返回上一页，核对后再试。", "Go back and check what you opened."},
    {"err.next_internal", "请稍后再试；仍不成功时，请把时间告诉系统管理员。",
     "Try again later; if it keeps failing, tell the administrator when it happened."},
    {"err.too_large_title", "内容太长", "Too long"},
    {"err.too_large_next", "请返回表单，缩短后重新提交：每一项最多约1300个汉字。",
     "Go back to the form, shorten the text and submit again: at most about 1,300 Chinese characters a field."},
    {"dash.loading", "正在读取数据……", "Loading the figures..."},
    {"dash.noscript", "统计看板需要启用 JavaScript；同样的数据见 /api/v1/dashboard/。",
     "The dashboard needs JavaScript; the same figures are at /api/v1/dashboard/."},
    /* CSV column headers of the dashboard's tables, by JSON key */
    {"col.hierarchy", "组织架构", "Organisations"},
    {"col.completeness", "月报完成情况", "Monthly reporting"},
    {"col.activity", "活动情况", "Activity"},
    {"col.attention", "需要关注", "Attention list"},
    {"col.district", "全区", "District"},
    {"col.street", "街道", "Street"},
    {"col.streets", "街道", "Streets"},
    {"col.community", "社区", "Community"},
    {"col.communities", "社区", "Communities"},
    {"col.code", "社区代码", "Code"},
    {"col.organisations", "组织数", "Organisations"},
    {"col.members", "成员数", "Members"},
    {"col.party_members", "党员数", "Party members"},
    {"col.id", "备案编号", "Filing no."},
    {"col.name", "名称", "Name"},
    {"col.category", "类别", "Category"},
    {"col.founded_by", "成立方式", "Founded by"},
    {"col.filed", "备案日期", "Filed"},
    {"col.expected", "应报", "Expected"},
    {"col.received", "已报", "Received"},
    {"col.on_time", "按时", "On time"},
    {"col.accepted", "已通过", "Accepted"},
    {"col.pending", "待审核", "Pending review"},
    {"col.rejected", "已退回", "Rejected"},
    {"col.missing", "未报", "Missing"},
    {"col.month", "月份", "Month"},
    {"col.reports", "月报数", "Reports"},
    {"col.activities", "活动次数", "Activities"},
    {"col.participants", "参加人次", "Participants"},
    {"col.party_participants", "党员参加人次", "Party participants"},
    {"col.good_deeds", "好人好事", "Good deeds"},
    {"col.last_active", "最近活动月份", "Last active month"},
    {"col.record", "记录编号", "Record"},
    {"col.deadline", "整改期限", "Deadline"},
    {"col.by", "决定层级", "Level"},
    {"col.reason", "理由", "Reason"},
    {"col.date", "日期", "Date"},
    {"col.title", "标题", "Title"},
    {"col.place", "地点", "Place"},
    {"col.street_ack", "街道确认", "Street ack."},
    {"col.district_ack", "区确认", "District ack."},
    {"col.last_heard", "最近联系", "Last heard from"},
    {"col.days", "天数", "Days"},
    {"col.kind", "类型", "Kind"},
    {"col.time", "填报时间", "Written"},
    {"col.status", "状态", "Status"},
    {"col.signed_by", "签名社区", "Signed by"},
    {"col.fingerprint", "社区密钥指纹", "Key fingerprint"},
    {"col.changes", "变更内容", "Changes"},
    {"col.content", "活动内容", "Content"},
    {"col.result", "结果", "Result"},
    {"col.operator", "操作员", "Operator"},
    {"col.closed", "已结案", "Closed"},
    {"col.org", "组织", "Organisation"},
    {"col.series", "近12个月", "Last 12 months"},
    {"col.missing_list", "本月未报清单", "Missing this month"},
    {"col.months", "按月", "By month"},
    {"col.categories", "按类别", "By category"},
    {"col.names", "名称不规范", "Non-conforming names"},
    {"col.party_station", "三名以上党员未设立党员活动站", "3+ party members without a station"},
    {"col.inactive", "连续三个月以上无活动", "Inactive for 3 months or more"},
    {"col.criticism_overdue", "批评整改逾期", "Criticism past deadline"},
    {"col.upcoming", "未来30天重大活动", "Major activities in the next 30 days"},
    {"col.silent", "7天未联系的社区", "Not heard from in 7 days"},
    {"col.records", "全部记录", "All records"},
    {"col.amendments", "变更与解散", "Amendments and dissolution"},
    {"col.decisions", "决定", "Decisions"},
    {"col.filing", "备案信息", "Filing"},
    {"col.all", "全部类别", "All categories"},
    {"col.filter", "按类别筛选", "Category"},
    {"col.csv", "导出CSV", "CSV"},
    {"col.chart", "图表", "Chart"},
    {"col.table", "表格", "Table"},
    {"col.loading", "正在读取数据……", "Loading the figures..."},
    {"col.failed", "读取失败", "Could not load"},
    {"col.none", "无", "None"},
    {"col.back", "返回总览", "Back to the dashboard"},
    {"col.due", "截止日期", "Due"},
    {"col.scope", "范围", "Scope"},
    {"col.totals", "合计", "Totals"},
    {"col.show_all", "显示全部", "Show all"},
    {"col.of_street", "街道：", "Street: "},
    {"col.of_community", "社区：", "Community: "},
    {"col.apply", "查看", "Show"},
    {"col.from", "自", "From"},
    {"col.to", "至", "to"},
    {"col.dissolved", "已解散", "Dissolved"},
    {"col.waiting", "待确认", "waiting"},
    {"col.acknowledged", "已确认", "acknowledged"},
    {"col.returned", "已退回", "returned"},
    {"col.self", "自发成立", "self-organised"},
    {"col.district-unit", "区属单位设立", "district unit"},
    {"col.open", "打开", "open"},
    {"col.key", "社区密钥", "Community key"},
    {"col.level_street", "街道", "street"},
    {"col.level_district", "区", "district"},
};

static const i18n_entry *find(const char *key) {
  if (!key) return NULL;
  for (size_t i = 0; i < sizeof k_words / sizeof k_words[0]; i++)
    if (!strcmp(k_words[i].key, key)) return &k_words[i];
  return NULL;
}

const char *cm_i18n_t(cm_lang lang, const char *key) {
  const i18n_entry *e = find(key);
  if (!e) return key ? key : "";
  return lang == CM_LANG_EN ? e->en : e->zh;
}

int cm_i18n_has(const char *key) { return find(key) != NULL; }

int cm_i18n_parse(const char *s, cm_lang *lang_out) {
  if (!s) return 0;
  if (!strcmp(s, "zh")) {
    *lang_out = CM_LANG_ZH;
    return 1;
  }
  if (!strcmp(s, "en")) {
    *lang_out = CM_LANG_EN;
    return 1;
  }
  return 0;
}

const char *cm_i18n_word(cm_lang lang, const char *prefix, const char *word) {
  char key[96];
  const i18n_entry *e;
  if (!word) return "";
  if (!prefix || strlen(prefix) + strlen(word) + 1 > sizeof key) return word;
  strcpy(key, prefix);
  strcat(key, word);
  e = find(key);
  if (!e) return word;
  return lang == CM_LANG_EN ? e->en : e->zh;
}

const char *cm_i18n_kind(cm_lang lang, const char *kind) {
  /* Feed kinds may grow sub-kinds ("decision.criticize", "decision.criticism"):
   * match the stem. */
  static const char *const stems[] = {"critic", "commend", "revok", "inspect", "notice",
                                      "enrol",  "review",  "ack",   "rectif",  "fork"};
  if (!kind) return "";
  for (size_t i = 0; i < sizeof stems / sizeof stems[0]; i++)
    if (strstr(kind, stems[i])) return cm_i18n_word(lang, "kind.", stems[i]);
  return kind;
}

const char *cm_i18n_entry_kind(cm_lang lang, const char *kind) {
  return cm_i18n_word(lang, "kind.", kind);
}

/* Copy n bytes of s, cut to fit cap on a UTF-8 character boundary. */
static void copy_cut(char *out, size_t cap, const char *s, size_t n) {
  if (n >= cap) {
    n = cap - 1;
    while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80) n--;
  }
  memcpy(out, s, n);
  out[n] = '\0';
}

/* Traditional -> Simplified pairs, each character three UTF-8 bytes: the
 * characters of the Chinese halves of the records layer's and the sync's
 * messages, plus common ones a hub's message may carry. */
static const char k_t2s[] =
    "「“」”並并來来個个們们備备傳传價价優优兒儿內内兩两冊册別别劇剧動动務务勞劳匯汇區区協协參参員员問问啟启單单嚴严圍围園园圖图團团執执報报場场壞坏夠够婦妇"
    "學学實实審审寫写將将對对導导屬属師师庫库廣广後后從从愛爱態态應应戲戏戶户換换損损擁拥擇择據据數数斷断於于時时暫暂書书會会東东條条業业樂乐樓楼標标樞枢樣样"
    "機机檔档檢检權权歡欢歷历歸归氣气決决沒没況况減减測测準准溫温滿满濟济灣湾為为無无燈灯爭争狀状獨独獲获現现瑪玛環环產产畫画異异當当療疗發发盡尽確确碼码礎础"
    "稱称節节範范簽签紀纪約约紅红紐纽級级終终組组結结絡络給给統统經经綜综維维網网緊紧線线編编練练總总績绩織织繫系續续義义聯联腦脑與与興兴舊旧華华藝艺處处號号"
    "術术衛卫裡里規规視视親亲覺觉訂订計计訊讯記记訪访設设註注評评詠咏詢询詩诗話话該该詳详誌志認认語语誤误說说調调請请證证議议護护讀读變变讓让負负責责費费貼贴"
    "資资趕赶趨趋跡迹蹤踪車车軟软較较載载輕轻輸输轉转辦办這这連连運运過过達达遞递遠远適适遲迟選选還还邊边鄉乡鄰邻醫医釋释銷销錄录錯错鎖锁鏈链鐘钟鐵铁鑰钥長长"
    "門门閉闭開开間间閱阅關关陽阳隊队際际隨随隱隐雙双雜杂難难電电靈灵響响頁页項项須须預预頭头頻频題题額额願愿類类顯显風风飛飞養养館馆驗验驟骤體体鬆松麼么點点"
    "黨党齊齐齡龄龍龙";

void cm_i18n_simplify(char *s) {
  size_t n = sizeof k_t2s - 1;
  unsigned char *p = (unsigned char *)s;
  if (!s) return;
  while (*p) {
    if ((p[0] & 0xF0) == 0xE0 && (p[1] & 0xC0) == 0x80 && (p[2] & 0xC0) == 0x80) {
      for (size_t i = 0; i + 6 <= n; i += 6) {
        if (memcmp(p, k_t2s + i, 3) == 0) {
          memcpy(p, k_t2s + i + 3, 3);
          break;
        }
      }
      p += 3;
    } else {
      p++;
    }
  }
}

void cm_i18n_msg_part(cm_lang lang, const char *msg, char *out, size_t cap) {
  const char *sep;
  if (cap == 0) return;
  out[0] = '\0';
  if (!msg) return;
  sep = strstr(msg, " / ");
  if (!sep)
    copy_cut(out, cap, msg, strlen(msg));
  else if (lang == CM_LANG_EN)
    copy_cut(out, cap, sep + 3, strlen(sep + 3));
  else
    copy_cut(out, cap, msg, (size_t)(sep - msg));
  if (lang == CM_LANG_ZH) cm_i18n_simplify(out);
}
