#!/usr/bin/env bash
# Issue 5, a fork resolved at the street hub with real processes: a community's key is
# used from two copies of its node (a PC restored from an old copy), the second copy's push
# is a fork, the author is quarantined with both versions kept; the operator resolves it by
# keeping the second copy's chain: the hub's log and figures follow the kept chain, the
# other branch stays as evidence, the author is released and told (fork.resolved).
here=$(cd "$(dirname "$0")" && pwd)
source "$here/e2e/lib.sh"
source "$here/review-lib.sh"

node_init n1 120105001001 建昌道社區
KEY1=$(last_line <"$E2E_TMP/n1.init")
ORG1=$("$NODE" --dir "$E2E_TMP/n1" org file --filed 2025-01-01 --name 建昌道社區書畫隊 --category 文體 --leader 張三 \
  --phone 13900000000 --members 12 --party-members 1 | last_line)
sync n1
"$HUB" --dir "$S" review accept "$(pending 120105001001)" >/dev/null || fail "accept filing"

# Two copies of the node, each writes a different October report.
cp -a "$E2E_TMP/n1" "$E2E_TMP/n1b"
report n1 "$ORG1" 2026-10 3
sync n1
report n1b "$ORG1" 2026-10 7
# The copy itself notices the hub holds what it does not and will not push; its USB
# bundle, imported at the hub, is the fork.
"$NODE" --dir "$E2E_TMP/n1b" bundle export "$E2E_TMP/n1b.bundle" >/dev/null || fail "bundle export"
"$HUB" --dir "$S" bundle import "$E2E_TMP/n1b.bundle" >/dev/null 2>&1 && fail "the second copy's bundle must be a fork"
"$HUB" --dir "$S" status --json | python3 -c '
import json, sys
a = [a for a in json.load(sys.stdin)["authors"] if a["key"] == sys.argv[1]][0]
sys.exit(0 if a["quarantined"] else 1)' "$KEY1" || fail "author not quarantined"
ok "a fork quarantines the author"

"$HUB" --dir "$S" fork list | grep -q "台账 $KEY1" || fail "fork list text"
"$HUB" --dir "$S" fork list --json >"$E2E_TMP/forks.json"
read -r HELD OTHER < <(python3 - "$E2E_TMP/forks.json" <<'PY'
import json, sys
f = json.load(open(sys.argv[1]))
assert len(f) == 1, f
print(f[0]["held"]["hash"], f[0]["other"]["hashes"][-1])
PY
) || fail "fork list --json"
[ "$HELD" != "$OTHER" ] || fail "both branches have the same hash"
"$HUB" --dir "$S" fork resolve "$KEY1" --keep 00 2>/dev/null && fail "a bad hash was accepted"
"$HUB" --dir "$S" fork resolve "$KEY1" --keep "$(printf '%064d' 0)" 2>/dev/null \
  && fail "a hash of neither branch was accepted"
"$HUB" --dir "$S" fork resolve "$KEY1" --keep "$OTHER" >/dev/null || fail "fork resolve"
"$HUB" --dir "$S" fork resolve "$KEY1" --keep "$OTHER" 2>/dev/null && fail "resolved twice"
"$HUB" --dir "$S" status --json | python3 -c '
import json, sys
st = json.load(sys.stdin)
a = [a for a in st["authors"] if a["key"] == sys.argv[1]][0]
assert not a["quarantined"], a
assert len(st["forks"]) == 1, "the evidence stays"' "$KEY1" || fail "after resolve"
ok "the operator keeps the other chain; the author is released, the evidence stays"

# The kept chain's report (7 activities) is the one the hub holds now: the review of the
# dropped report does not carry over (it is bound to that entry's hash); the policy
# accepts the kept one as a new batch.
expect "$(pending 120105001001)" "" "the kept report was accepted by the policy"
counts 120105001001
expect "$accepted_activities" 7 "the hub counts the kept chain"
# The second copy goes on appending after the kept head.
report n1b "$ORG1" 2026-11 2
sync n1b
counts 120105001001
expect "$accepted_reports" 2 "the kept chain continues (policy accepted November)"
"$FEEDCHECK" "$STREET_URL" "$E2E_TMP/n1b/identity.key" "$SKEY" >"$E2E_TMP/feed.txt" \
  || fail "feed does not verify"
grep -q '"kind":"fork.resolved"' "$E2E_TMP/feed.txt" || fail "fork.resolved not in the node's feed"
curl -sf "$STREET_URL/api/v1/summary" >"$E2E_TMP/before.json"
"$HUB" --dir "$S" rebuild >/dev/null || fail "rebuild"
curl -sf "$STREET_URL/api/v1/summary" >"$E2E_TMP/after.json"
cmp -s "$E2E_TMP/before.json" "$E2E_TMP/after.json" || fail "rebuild changed the summary"
ok "the node continues after the kept head, told by fork.resolved; rebuild agrees"
echo "1..3"
