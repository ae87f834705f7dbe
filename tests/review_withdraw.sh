#!/usr/bin/env bash
# Withdrawal of a decision, with real processes: the street criticises an organisation and
# withdraws the criticism; the street's list and attention figures leave it out, the node
# after a sync shows it withdrawn with the reason; a second withdrawal, or one of a record
# the street does not hold, is refused in Chinese and changes nothing.
here=$(cd "$(dirname "$0")" && pwd)
source "$here/e2e/lib.sh"
source "$here/review-lib.sh"

node_init n1 120105001001 建昌道社区
ORG1=$("$NODE" --dir "$E2E_TMP/n1" org file --filed 2025-01-01 --name 建昌道社区书画队 --category 文体 \
  --leader 张三 --phone 13900000000 --members 12 --party-members 1 | last_line)
sync n1
"$HUB" --dir "$S" review accept "$(pending 120105001001)" >/dev/null || fail "accept filing"

yesterday=$(shanghai_date -1)
"$HUB" --dir "$S" decide criticize --org "$ORG1" --deadline "$yesterday" --reason 活动偏少 \
  2>"$E2E_TMP/past.err" && fail "a criticism with a deadline already past was taken"
grep -q 整改期限须在今天 "$E2E_TMP/past.err" || fail "past deadline: no Chinese reason"
issued_days_ago 4 "$HUB" --dir "$S" decide criticize --org "$ORG1" --deadline "$yesterday" \
  --reason 活动偏少 >"$E2E_TMP/crit.out" || fail "criticize"
REC=$(awk '{print $NF}' "$E2E_TMP/crit.out")
printf 'withdraw-test-password\n' | "$HUB" --dir "$S" operator add 李主任 --role street \
  >/dev/null || fail "operator add"
curl -s -c "$E2E_TMP/jar" -o /dev/null --data-urlencode name=李主任 \
  --data-urlencode password=withdraw-test-password "$STREET_URL/login" || fail "login"
overdue_count() {
  curl -sf -b "$E2E_TMP/jar" "$STREET_URL/api/v1/dashboard/attention" |
    python3 -c 'import json,sys; print(len(json.load(sys.stdin)["criticism_overdue"]))'
}
expect "$(overdue_count)" 1 "the open criticism past its deadline needs attention"
sync n1
"$NODE" --dir "$E2E_TMP/n1" inbox --json --keep-unread | python3 -c '
import json, sys
d = [d for d in json.load(sys.stdin) if d["record"] == sys.argv[1]][0]
sys.exit(0 if d["overdue"] and not d.get("withdrawn") else 1)' "$REC" || fail "criticism not open at the node"
ok "an overdue criticism at the street and the node"

"$HUB" --dir "$S" decide withdraw "$REC" --reason 核实有误，予以撤回 --operator 李主任 \
  >"$E2E_TMP/w.out" || fail "withdraw"
grep -q 已撤回 "$E2E_TMP/w.out" || fail "withdraw does not say so"
"$HUB" --dir "$S" decide list | grep "$REC" | grep -q 已撤回 || fail "decide list does not show 已撤回"
"$HUB" --dir "$S" decide list --json | python3 -c '
import json, sys
d = [d for d in json.load(sys.stdin) if d["record"] == sys.argv[1]][0]
sys.exit(0 if d["withdrawn"] and not d["overdue"] and d["withdrawn_reason"] == "核实有误，予以撤回" else 1)' "$REC" \
  || fail "the street does not hold the criticism as withdrawn"
expect "$(overdue_count)" 0 "a withdrawn criticism leaves the attention list"
ok "the street withdrew its criticism"

sync n1
"$NODE" --dir "$E2E_TMP/n1" inbox --json --keep-unread >"$E2E_TMP/inbox.json"
python3 - "$E2E_TMP/inbox.json" "$REC" <<'PY' || fail "the node does not show the withdrawal"
import json, sys
items = json.load(open(sys.argv[1]))
d = [d for d in items if d["record"] == sys.argv[2]][0]
assert d["withdrawn"] is True and d["withdrawn_reason"] == "核实有误，予以撤回", d
assert not d["overdue"], d
w = [x for x in items if x["kind"] == "decision.withdrawn"]
assert len(w) == 1 and w[0]["subject"] == sys.argv[2], w
PY
start_server NWEB "$NODE" --dir "$E2E_TMP/n1" serve --listen 127.0.0.1:0
curl -sf "$NWEB_URL/inbox" >"$E2E_TMP/inbox.html" || fail "node inbox page"
grep -q 'data-crit="withdrawn"' "$E2E_TMP/inbox.html" || fail "the node's page does not show 已撤回"
grep -q 已撤回 "$E2E_TMP/inbox.html" || fail "the node's page does not say 已撤回"
grep -q 核实有误，予以撤回 "$E2E_TMP/inbox.html" || fail "the node's page lacks the reason"
curl -sf -b "$E2E_TMP/jar" "$STREET_URL/decide" >"$E2E_TMP/decide.html" || fail "street decisions page"
grep -q 已撤回 "$E2E_TMP/decide.html" || fail "the street's page does not show 已撤回"
grep -q 'action="/decide/withdraw"' "$E2E_TMP/decide.html" \
  && fail "the page offers to withdraw a withdrawn decision"
ok "the withdrawal reached the node with its reason"

"$HUB" --dir "$S" decide list --json >"$E2E_TMP/before.json"
"$HUB" --dir "$S" decide withdraw "$REC" --reason 再撤一次 2>"$E2E_TMP/again.err" \
  && fail "a decision was withdrawn twice"
grep -q 已经撤回 "$E2E_TMP/again.err" || fail "second withdrawal: no Chinese reason"
UNKNOWN="${REC%/*}/9999"
"$HUB" --dir "$S" decide withdraw "$UNKNOWN" --reason 无此决定 2>"$E2E_TMP/unknown.err" \
  && fail "an unknown record was withdrawn"
grep -q 本级没有这项决定 "$E2E_TMP/unknown.err" || fail "unknown record: no Chinese reason"
"$HUB" --dir "$S" decide withdraw "$REC" 2>/dev/null && fail "a withdrawal without a reason"
"$HUB" --dir "$S" decide list --json >"$E2E_TMP/after.json"
cmp -s "$E2E_TMP/before.json" "$E2E_TMP/after.json" || fail "a refused withdrawal changed the decisions"
"$HUB" --dir "$S" rebuild >/dev/null || fail "rebuild"
"$HUB" --dir "$S" decide list --json >"$E2E_TMP/rebuilt.json"
cmp -s "$E2E_TMP/before.json" "$E2E_TMP/rebuilt.json" || fail "rebuild changed the decisions"
ok "refused withdrawals change nothing; rebuild keeps the withdrawal"
echo "1..4"
