#!/usr/bin/env bash
# Issue 5 at a street hub with real processes: a rejected filing keeps its reports out of
# official figures until a corrected filing is accepted; a criticism is overdue until the
# street accepts the community's rectification report; a revocation takes an organisation
# out of the figures; rebuild gives the same figures.  A deadline already past and a
# commendation of a rejected or revoked organisation are refused.
here=$(cd "$(dirname "$0")" && pwd)
source "$here/e2e/lib.sh"
source "$here/review-lib.sh"

node_init n1 120105001001 建昌道社區
ORG1=$("$NODE" --dir "$E2E_TMP/n1" org file --filed 2025-01-01 --name 建昌道社區書畫隊 --category 文體 --leader 張三 \
  --phone 13900000000 --members 12 --party-members 1 | last_line)
sync n1
"$HUB" --dir "$S" review accept "$(pending 120105001001)" >/dev/null || fail "accept filing"

# ---- rejected filing ----
node_init n2 120105001002 鐵東路社區
ORG2=$("$NODE" --dir "$E2E_TMP/n2" org file --filed 2025-01-01 --name 鐵東路社區舞蹈隊 --category 文體 --leader 李四 \
  --phone 13700000000 --members 8 --party-members 0 | last_line)
report n2 "$ORG2" 2026-10 2
sync n2
"$HUB" --dir "$S" review reject "$(pending 120105001002)" --reason 負責人資料不全 >/dev/null \
  || fail "reject filing"
report n2 "$ORG2" 2026-11 6   # accepted by the policy, but the filing is rejected
sync n2
expect "$(pending 120105001002)" "" "the report batch was accepted by the policy"
counts 120105001002
expect "$accepted_reports" 0 "reports of a rejected filing are not official"
expect "$accepted_organisations" 0 "a rejected filing is not official"
expect "$pending_reports" 2 "they wait in pending"
"$HUB" --dir "$S" decide commend --org "$ORG2" --reason 表现突出 2>"$E2E_TMP/commend.err" \
  && fail "an organisation with a rejected filing was commended"
grep -q 已退回，不能表彰 "$E2E_TMP/commend.err" || fail "commendation refused without a Chinese reason"
"$NODE" --dir "$E2E_TMP/n2" org amend "$ORG2" --leader 李四海 >/dev/null || fail "amend"
sync n2
"$HUB" --dir "$S" review accept "$(pending 120105001002)" >/dev/null || fail "accept corrected filing"
counts 120105001002
expect "$accepted_organisations" 1 "corrected filing accepted"
expect "$accepted_activities" 6 "its accepted report counts now"
expect "$pending_reports" 1 "the report of the rejected batch stays out"
ok "rejected filing: its reports count only after a corrected filing is accepted"

# ---- criticism closed by a rectification ----
yesterday=$(shanghai_date -1)
"$HUB" --dir "$S" decide criticize --org "$ORG1" --deadline "$yesterday" --reason 活動偏少 \
  2>"$E2E_TMP/past.err" && fail "a criticism with a deadline already past was taken"
grep -q 整改期限须在今天 "$E2E_TMP/past.err" || fail "past deadline: no Chinese reason"
issued_days_ago 4 "$HUB" --dir "$S" decide criticize --org "$ORG1" --deadline "$yesterday" \
  --reason 活動偏少 >"$E2E_TMP/crit.out" || fail "criticize"
REC=$(awk '{print $NF}' "$E2E_TMP/crit.out")
"$HUB" --dir "$S" decide criticize --org "$ORG1" --reason x 2>/dev/null && fail "criticism without deadline"
"$HUB" --dir "$S" decide list | grep "$REC" | grep -q 逾期未整改 || fail "an open criticism past its deadline is overdue"
sync n1
"$NODE" --dir "$E2E_TMP/n1" inbox --json --keep-unread | grep -q 活動偏少 || fail "criticism not in the inbox"
"$NODE" --dir "$E2E_TMP/n1" rectification file --org "$ORG1" --decision "$REC" \
  --content 已增加每月活動 >/dev/null || fail "rectification file"
sync n1
B3=$(pending 120105001001)
[ -n "$B3" ] || fail "a rectification waits for the street's acceptance"
"$HUB" --dir "$S" decide list --json | python3 -c '
import json, sys
d = [d for d in json.load(sys.stdin) if d["record"] == sys.argv[1]][0]
sys.exit(0 if not d["closed"] and d["overdue"] else 1)' "$REC" || fail "still open before acceptance"
"$HUB" --dir "$S" review accept "$B3" >/dev/null || fail "accept rectification"
"$HUB" --dir "$S" decide list --json | python3 -c '
import json, sys
d = [d for d in json.load(sys.stdin) if d["record"] == sys.argv[1]][0]
sys.exit(0 if d["closed"] and not d["overdue"] else 1)' "$REC" || fail "criticism not closed"
sync n1
"$NODE" --dir "$E2E_TMP/n1" inbox --json --keep-unread | grep -q rectification.accepted \
  || fail "the acceptance does not reach the node"
ok "criticism closed by the rectification and the street's acceptance"

# ---- an amendment the street rejects changes nothing at the node ----
# org_field N ORG KEY: one field of the node's own view of an organisation.
org_field() {
  "$NODE" --dir "$E2E_TMP/$1" org list --json | python3 -c '
import json, sys
o = [o for o in json.load(sys.stdin) if o["id"] == sys.argv[1]][0]
print(o[sys.argv[2]])' "$2" "$3"
}
"$NODE" --dir "$E2E_TMP/n1" org amend "$ORG1" --leader 王五 --members 30 >/dev/null || fail "amend"
expect "$(org_field n1 "$ORG1" leader)" 張三 "a pending amendment changed the node's details"
expect "$(org_field n1 "$ORG1" review)" pending "the amendment is shown as pending"
sync n1
"$HUB" --dir "$S" review reject "$(pending 120105001001)" --reason 人數不實 >/dev/null \
  || fail "reject amendment"
sync n1
expect "$(org_field n1 "$ORG1" review)" rejected "the street's rejection did not reach the node"
expect "$(org_field n1 "$ORG1" leader)" 張三 "the node applied a rejected amendment"
expect "$(org_field n1 "$ORG1" members)" 12 "the node counts a rejected amendment's members"
"$NODE" --dir "$E2E_TMP/n1" org amend "$ORG1" --leader 王五 >/dev/null || fail "amend again"
sync n1
"$HUB" --dir "$S" review accept "$(pending 120105001001)" >/dev/null || fail "accept amendment"
sync n1
expect "$(org_field n1 "$ORG1" review)" accepted "the acceptance did not reach the node"
expect "$(org_field n1 "$ORG1" leader)" 王五 "an accepted amendment is not applied"
expect "$(org_field n1 "$ORG1" members)" 12 "the rejected amendment's members came back"
"$NODE" --dir "$E2E_TMP/n1" org list --json >"$E2E_TMP/orgs.before"
"$NODE" --dir "$E2E_TMP/n1" rebuild >/dev/null || fail "node rebuild"
"$NODE" --dir "$E2E_TMP/n1" org list --json >"$E2E_TMP/orgs.after"
cmp -s "$E2E_TMP/orgs.before" "$E2E_TMP/orgs.after" || fail "the node's rebuild changed its organisations"
ok "node: a pending or rejected amendment leaves the details as accepted; an accepted one applies"

# ---- revocation and rebuild ----
"$HUB" --dir "$S" decide revoke --org "$ORG2" --reason 嚴重違規 >/dev/null || fail "revoke"
counts 120105001002
expect "$accepted_organisations" 0 "a revoked filing leaves the figures"
expect "$accepted_reports" 0 "and its reports too"
"$HUB" --dir "$S" decide commend --org "$ORG2" --reason 表现突出 2>"$E2E_TMP/commend.err" \
  && fail "a revoked organisation was commended"
grep -q 已撤销，不能表彰 "$E2E_TMP/commend.err" || fail "commendation of a revoked one: no Chinese reason"
curl -sf "$STREET_URL/api/v1/summary" >"$E2E_TMP/before.json"
"$HUB" --dir "$S" rebuild >/dev/null || fail "rebuild"
curl -sf "$STREET_URL/api/v1/summary" >"$E2E_TMP/after.json"
cmp -s "$E2E_TMP/before.json" "$E2E_TMP/after.json" || fail "rebuild changed the summary"
ok "revocation; rebuild gives the same figures"
echo "1..4"
