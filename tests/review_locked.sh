#!/usr/bin/env bash
# Issue 5, the locked month at a street hub with real processes: once a month's report is
# accepted, a correction goes to review again (the auto-accept policy leaves it to the
# operator) and the accepted figure stands until the correction is accepted; the policy
# can be turned off.
here=$(cd "$(dirname "$0")" && pwd)
source "$here/e2e/lib.sh"
source "$here/review-lib.sh"

# ---- locked month ----
node_init n1 120105001001 建昌道社區
ORG1=$("$NODE" --dir "$E2E_TMP/n1" org file --filed 2025-01-01 --name 建昌道社區書畫隊 --category 文體 --leader 張三 \
  --phone 13900000000 --members 12 --party-members 1 | last_line)
report n1 "$ORG1" 2026-10 3
sync n1
B=$(pending 120105001001)
[ -n "$B" ] || fail "a batch with a filing waits for the operator"
"$HUB" --dir "$S" review accept "$B" >/dev/null || fail "accept"
counts 120105001001
expect "$accepted_activities" 3 "accepted October"

report n1 "$ORG1" 2026-10 5   # a correction of an accepted month
sync n1
B2=$(pending 120105001001)
[ -n "$B2" ] || fail "the correction of a locked month must wait for the operator"
counts 120105001001
expect "$accepted_activities" 3 "the accepted figure stands"
expect "$pending_activities" 5 "the correction is pending"
expect "$accepted_reports" 1 "one accepted report"

report n1 "$ORG1" 2026-11 4   # a new month without flags: the policy accepts it
sync n1
expect "$(pending 120105001001)" "$B2" "the new month was accepted automatically"
counts 120105001001
expect "$accepted_reports" 2 "November accepted by the policy"

"$HUB" --dir "$S" review accept "$B2" >/dev/null || fail "accept the correction"
counts 120105001001
expect "$accepted_activities" 9 "the correction replaces October (5 + 4)"
expect "$pending_reports" 0 "nothing pending"
ok "locked month: the accepted figure stands until the correction is accepted"

"$HUB" --dir "$S" policy auto-accept off | grep -q 自动通过：关 || fail "policy off"
report n1 "$ORG1" 2026-08 1
sync n1
[ -n "$(pending 120105001001)" ] || fail "with the policy off, a report waits"
"$HUB" --dir "$S" review reject "$(pending 120105001001)" --reason 數字有誤 >/dev/null || fail "reject"
counts 120105001001
expect "$accepted_activities" 9 "a rejected report counts nowhere official"
"$HUB" --dir "$S" policy auto-accept on >/dev/null
ok "auto-accept policy can be turned off"

echo "1..2"
