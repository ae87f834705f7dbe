#!/usr/bin/env bash
# A community's key on two PCs that both wrote (a copy taken before either went on):
# the second PC's sync finds the hub's chain differs, sends its branch as evidence and
# stops; the street hub quarantines the author; the operator keeps the first PC's chain
# (`fork resolve`); the second PC's next sync adopts the kept chain and re-appends what
# it still needs as new entries (a filing whose number the kept chain took gets the next
# one, and its report follows), and the first PC fetches those back.
# docs/decisions/0004-node-fork-reappend.md.
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"

"$HUB" --dir "$E2E_TMP/street" init --role street --name 望海樓街 >"$E2E_TMP/s.init"
SKEY=$(last_line <"$E2E_TMP/s.init")
start_server STREET "$HUB" --dir "$E2E_TMP/street" serve --listen 127.0.0.1:0

A="$E2E_TMP/pc1"
B="$E2E_TMP/pc2"
"$NODE" --dir "$A" init --community 建昌道社區 --street 望海樓街 --hub "$STREET_URL" \
  --code 120105001001 --hub-key "$SKEY" >"$E2E_TMP/a.init"
KEY=$(last_line <"$E2E_TMP/a.init")
"$HUB" --dir "$E2E_TMP/street" enroll --name 建昌道社區 --key "$KEY" --code 120105001001 >/dev/null
ORG=$("$NODE" --dir "$A" org file --filed 2025-01-01 --name 夕陽紅志願服務隊 --category 為老服務 --leader 王秀英 \
  --phone 13800000000 --members 20 --party-members 1 | last_line)
report() { # DIR ORG MONTH PEOPLE
  "$NODE" --dir "$1" report monthly --org "$2" --month "$3" --activities 2 --participants "$4" \
    --party-participants 0 --content 探訪獨居老人 >/dev/null
}
report "$A" "$ORG" 2026-09 30
"$NODE" --dir "$A" sync >/dev/null || fail "first sync"
cp -a "$A" "$B"

# Both PCs go on: the same October report, and a different second organisation each.
report "$A" "$ORG" 2026-10 40
ORG_A=$("$NODE" --dir "$A" org file --filed 2025-01-01 --name 舞蹈隊 --category 文體 --leader 李 --phone 139 \
  --members 12 --party-members 0 | last_line)
"$NODE" --dir "$A" sync >/dev/null || fail "pc1 sync"
report "$B" "$ORG" 2026-10 40
ORG_B=$("$NODE" --dir "$B" org file --filed 2025-01-01 --name 合唱團 --category 文體 --leader 趙 --phone 137 \
  --members 15 --party-members 0 | last_line)
report "$B" "$ORG_B" 2026-10 25
[ "$ORG_A" = "$ORG_B" ] || fail "both PCs should have used the same filing number"

set +e
"$NODE" --dir "$B" sync >"$E2E_TMP/b.out" 2>"$E2E_TMP/b.err"
rc=$?
set -e
[ "$rc" = 3 ] || { cat "$E2E_TMP/b.err" >&2; fail "pc2 sync should stop at the fork (exit 3, got $rc)"; }
grep -q 分叉 "$E2E_TMP/b.err" || fail "pc2 sync does not say the log forked"
ok "the second PC stops at the fork and says so"

"$HUB" --dir "$E2E_TMP/street" fork list --json >"$E2E_TMP/forks.json"
KEEP=$(python3 - "$E2E_TMP/forks.json" "$KEY" <<'PY'
import json, sys
forks = [f for f in json.load(open(sys.argv[1])) if f["author"] == sys.argv[2]]
print(forks[-1]["held"]["head"] if forks else "")
PY
)
[ -n "$KEEP" ] || { cat "$E2E_TMP/forks.json" >&2; fail "the hub holds no fork evidence for the community"; }
"$HUB" --dir "$E2E_TMP/street" fork resolve "$KEY" --keep "$KEEP" >/dev/null || fail "fork resolve"
ok "the street hub quarantined the author and its operator kept the first PC's chain"

"$NODE" --dir "$B" sync >/dev/null 2>"$E2E_TMP/b2.err" || { cat "$E2E_TMP/b2.err" >&2; fail "pc2 sync after the resolution"; }
"$NODE" --dir "$B" status --json | python3 -c '
import json, sys; s = json.load(sys.stdin)
sys.exit(0 if s["written"] == 6 and s["acknowledged"] == 6 else 1)' ||
  fail "pc2 should hold the kept 4 entries and 2 re-appended ones, all acknowledged"
"$NODE" --dir "$B" org list --json >"$E2E_TMP/orgs_b.json"
python3 - "$E2E_TMP/orgs_b.json" "$ORG_A" <<'PY' || { cat "$E2E_TMP/orgs_b.json" >&2; fail "pc2 organisations after the resolution"; }
import json, sys
orgs = {o["name"]: o["id"] for o in json.load(open(sys.argv[1]))}
assert set(orgs) == {"夕陽紅志願服務隊", "舞蹈隊", "合唱團"}, orgs
assert orgs["舞蹈隊"] == sys.argv[2] and orgs["合唱團"] != sys.argv[2], orgs
PY
NEW_ID=$(python3 -c 'import json,sys; print({o["name"]: o["id"] for o in json.load(open(sys.argv[1]))}["合唱團"])' "$E2E_TMP/orgs_b.json")
"$NODE" --dir "$B" report list --org "$NEW_ID" --json | python3 -c '
import json, sys; r = json.load(sys.stdin); sys.exit(0 if len(r) == 1 and r[0]["participants"] == 25 else 1)' ||
  fail "the re-appended report does not follow its organisation's new number"
ok "the second PC adopted the kept chain and re-appended its filing and report"

"$NODE" --dir "$A" sync >/dev/null || fail "pc1 sync after the resolution"
"$NODE" --dir "$A" org list --json | python3 -c '
import json, sys; sys.exit(0 if len(json.load(sys.stdin)) == 3 else 1)' ||
  fail "the first PC does not fetch back the re-appended entries"
ok "the first PC fetched the re-appended entries back"
echo "1..4"
