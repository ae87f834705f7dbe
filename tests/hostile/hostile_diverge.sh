#!/usr/bin/env bash
# hostile_diverge.sh - a node that pushes one entry to the district (a bundle
# file) and a different entry with the same sequence to its street: the
# street's forward loop finds the divergence, both hubs record a fork with both
# versions and quarantine the author, and the street's other community keeps
# flowing to the district.  Then the same when the district holds more of the
# author's log than the street: the street's entries must be the district's
# prefix, and the first that differs is the fork.
source "$(dirname "$0")/../e2e/lib.sh"
"$HUB" --dir "$E2E_TMP/district" init --role district --name 河北区协会 >"$E2E_TMP/d.init"
DKEY=$(last_line <"$E2E_TMP/d.init")
start_server DIST "$HUB" --dir "$E2E_TMP/district" serve --listen 127.0.0.1:0
"$HUB" --dir "$E2E_TMP/street" init --role street --name 望海楼街 \
  --upstream "$DIST_URL" --upstream-key "$DKEY" >"$E2E_TMP/s.init"
SKEY=$(last_line <"$E2E_TMP/s.init")
"$HUB" --dir "$E2E_TMP/district" enroll --name 望海楼街 --key "$SKEY" >/dev/null
start_server STREET "$HUB" --dir "$E2E_TMP/street" serve --listen 127.0.0.1:0
declare -A KEY
for i in 1 2 3; do
  "$NODE" --dir "$E2E_TMP/n$i" init --community "社区$i" --street 望海楼街 --hub "$STREET_URL" \
    --code "12010500100$i" --hub-key "$SKEY" >"$E2E_TMP/n$i.init"
  KEY[$i]=$(last_line <"$E2E_TMP/n$i.init")
  "$HUB" --dir "$E2E_TMP/street" enroll --name "社区$i" --key "${KEY[$i]}" --code "12010500100$i" >/dev/null
done
file_org() { # node name
  "$NODE" --dir "$E2E_TMP/$1" org file --name "$2" --category 为老服务 --leader 王 --phone 1 \
    --members 5 --party-members 0 >/dev/null
}
dist_seq() { # author -> the district's head seq
  curl -sf "$DIST_URL/api/v1/heads/$1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["seq"])'
}
file_org n1 社区1读书会
file_org n2 社区2合唱团
file_org n3 社区3合唱团
for i in 1 2 3; do "$NODE" --dir "$E2E_TMP/n$i" sync >/dev/null || fail "sync n$i"; done
written() { "$NODE" --dir "$E2E_TMP/$1" status --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["written"])'; }
base1=$(written n1)
base3=$(written n3)
at_base() { [ "$(dist_seq "${KEY[1]}")" = "$base1" ] && [ "$(dist_seq "${KEY[3]}")" = "$base3" ]; }
wait_for 60 at_base || fail "the district never got the first entries"

# the same community, two versions of its next entry
cp -a "$E2E_TMP/n1" "$E2E_TMP/n1b"
file_org n1 社区1书法班
file_org n1b 社区1舞蹈队
"$NODE" --dir "$E2E_TMP/n1b" bundle export "$E2E_TMP/b.bundle" >/dev/null
"$HUB" --dir "$E2E_TMP/district" bundle import "$E2E_TMP/b.bundle" >/dev/null ||
  fail "the district refused the bundle"
"$NODE" --dir "$E2E_TMP/n1" sync >/dev/null || fail "sync n1 (street version)"

forked() { # hub-dir [community number]
  "$HUB" --dir "$1" fork list --json | python3 -c '
import json, sys
forks = [f for f in json.load(sys.stdin) if f["author"] == sys.argv[1] and f["quarantined"]]
sys.exit(0 if forks and forks[0]["other"]["hashes"] and forks[0]["held"]["hash"] else 1)' "${KEY[${2:-1}]}"
}
wait_for 60 forked "$E2E_TMP/street" || fail "the street recorded no fork: $(cat "$E2E_TMP/STREET.err" | tail -5)"
ok "the street recorded the fork with both versions and quarantined the author"
wait_for 30 forked "$E2E_TMP/district" || fail "the district recorded no fork"
ok "the district recorded the fork with both versions and quarantined the author"

# the other community keeps flowing
file_org n2 社区2书画社
"$NODE" --dir "$E2E_TMP/n2" sync >/dev/null || fail "sync n2"
want2=$("$NODE" --dir "$E2E_TMP/n2" status --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["written"])')
n2_there() { [ "$(dist_seq "${KEY[2]}")" = "$want2" ]; }
wait_for 60 n2_there || fail "the other community stopped flowing (district has $(dist_seq "${KEY[2]}"), want $want2)"
ok "the street's other community still reaches the district"

# The district holds more: two entries of n3's other copy reach the district by
# a bundle, one different entry reaches the street; the street's head is below
# the district's, so no receipt of the street's own entry ever comes back.
cp -a "$E2E_TMP/n3" "$E2E_TMP/n3b"
file_org n3 社区3书法班
file_org n3b 社区3舞蹈队
file_org n3b 社区3太极队
"$NODE" --dir "$E2E_TMP/n3b" bundle export "$E2E_TMP/b3.bundle" >/dev/null
"$HUB" --dir "$E2E_TMP/district" bundle import "$E2E_TMP/b3.bundle" >/dev/null ||
  fail "the district refused n3's bundle"
[ "$(dist_seq "${KEY[3]}")" = "$((base3 + 2))" ] || fail "the district does not hold n3's two new entries"
"$NODE" --dir "$E2E_TMP/n3" sync >/dev/null || fail "sync n3 (street version)"
wait_for 60 forked "$E2E_TMP/street" 3 ||
  fail "the street recorded no fork when the district holds more: $(tail -5 "$E2E_TMP/STREET.err")"
ok "district holds more: the street recorded the fork at the first entry that differs"
wait_for 30 forked "$E2E_TMP/district" 3 || fail "the district recorded no fork for n3"
ok "district holds more: the district recorded it too"
"$HUB" --dir "$E2E_TMP/street" fork list --json | python3 -c '
import json, sys
f = [f for f in json.load(sys.stdin) if f["author"] == sys.argv[1]][0]
sys.exit(0 if f["seq"] == int(sys.argv[2]) else 1)' "${KEY[3]}" "$((base3 + 1))" ||
  fail "the street's fork for n3 is not at the first entry that differs ($((base3 + 1)))"
ok "the fork is at sequence $((base3 + 1)), where the two copies part"
