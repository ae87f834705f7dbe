#!/usr/bin/env bash
# A street hub lost with its disk and rebuilt from its district's copy, with real
# processes: the street's own log and its communities' logs fetched back with the
# street's key file, every changeset verified; the rebuilt street holds the same
# heads, reviews and decisions; what it held and had not forwarded comes back from
# the node at its next sync; its own log continues, and no fork appears anywhere.
# Wrong key, wrong district key, a non-empty directory: refused, nothing left.
here=$(cd "$(dirname "$0")" && pwd)
source "$here/e2e/lib.sh"
export LINLI_FORWARD_BACKOFF_MAX_MS=300 # the district is away for a while: retry soon after

D="$E2E_TMP/district"
"$HUB" --dir "$D" init --role district --name 河北区协会 >"$E2E_TMP/d.init"
DKEY=$(last_line <"$E2E_TMP/d.init")
start_server DIST "$HUB" --dir "$D" serve --listen 127.0.0.1:0
DPORT=${DIST_URL##*:}
S="$E2E_TMP/street"
"$HUB" --dir "$S" init --role street --name 望海楼街 --upstream "$DIST_URL" --upstream-key "$DKEY" >"$E2E_TMP/s.init"
SKEY=$(last_line <"$E2E_TMP/s.init")
cp "$S/identity.key" "$E2E_TMP/street.key" # the administrator's copy of the key
"$HUB" --dir "$D" enroll --name 望海楼街 --key "$SKEY" >/dev/null
"$HUB" --dir "$S" policy auto-accept off >/dev/null
start_server STREET "$HUB" --dir "$S" serve --listen 127.0.0.1:0
SPORT=${STREET_URL##*:}

declare -A KEY ORG
for n in 1 2; do
  "$NODE" --dir "$E2E_TMP/n$n" init --community "社区$n" --street 望海楼街 --hub "$STREET_URL" \
    --code "12010500100$n" --hub-key "$SKEY" >"$E2E_TMP/n$n.init"
  KEY[$n]=$(last_line <"$E2E_TMP/n$n.init")
  "$HUB" --dir "$S" enroll --name "社区$n" --key "${KEY[$n]}" --code "12010500100$n" >/dev/null
  ORG[$n]=$("$NODE" --dir "$E2E_TMP/n$n" org file --name "社区${n}读书会" --category 文体 --leader 张 \
    --phone 13800000000 --members 10 --party-members 1 --filed 2024-01-01 2>/dev/null | last_line)
  "$NODE" --dir "$E2E_TMP/n$n" report monthly --org "${ORG[$n]}" --month 2024-02 --activities 2 \
    --participants 20 --party-participants 1 --content 读书 >/dev/null
  "$NODE" --dir "$E2E_TMP/n$n" sync >/dev/null 2>&1 || true # waits for the review
done
# The street decides: accepts community 1, rejects community 2, commends 1.
b1=$("$HUB" --dir "$S" review list | awk '$3 == "120105001001" { print $1; exit }')
b2=$("$HUB" --dir "$S" review list | awk '$3 == "120105001002" { print $1; exit }')
[ -n "$b1" ] && [ -n "$b2" ] || fail "no pending batches: $("$HUB" --dir "$S" review list)"
"$HUB" --dir "$S" review accept "$b1" >/dev/null || fail "accept"
"$HUB" --dir "$S" review reject "$b2" --reason 材料不全 >/dev/null || fail "reject"
"$HUB" --dir "$S" decide commend --org "${ORG[1]}" --reason 活动经常 >/dev/null || fail "decide"

seq_at() { # URL AUTHOR -> head seq
  curl -sf "$1/api/v1/heads/$2" | python3 -c 'import json,sys; print(json.load(sys.stdin)["seq"])'
}
heads() { # HUBDIR -> "key head" of every author, sorted
  "$HUB" --dir "$1" status --json | python3 -c '
import json, sys
for a in sorted(json.load(sys.stdin)["authors"], key=lambda a: a["key"]):
    print(a["key"], a["head_seq"], a["revoked"] != 0, a["quarantined"])'
}
states() { # HUBDIR -> batches with their states, and decisions
  "$HUB" --dir "$1" review list --json | python3 -c '
import json, sys
for b in json.load(sys.stdin):
    print(b.get("author"), b.get("first_seq"), b.get("last_seq"), b.get("state"), b.get("status"))' | sort
  "$HUB" --dir "$1" decide list --json | python3 -c '
import json, sys
for d in json.load(sys.stdin):
    print(d.get("kind"), d.get("org"), d.get("reason"))' | sort
}
forwarded() { # everything the street holds is at the district
  for k in "$SKEY" "${KEY[1]}" "${KEY[2]}"; do
    [ "$(seq_at "$STREET_URL" "$k")" = "$(seq_at "$DIST_URL" "$k")" ] || return 1
  done
}
wait_for 60 forwarded || fail "the street did not forward everything"
for n in 1 2; do "$NODE" --dir "$E2E_TMP/n$n" sync >/dev/null 2>&1 || true; done
heads "$S" >"$E2E_TMP/heads.before"
states "$S" >"$E2E_TMP/states.before"
grep -q . "$E2E_TMP/states.before" || fail "no states to compare"

# One more report reaches the street while the district is away: never forwarded.
stop_server "$DIST_PID"
"$NODE" --dir "$E2E_TMP/n1" report monthly --org "${ORG[1]}" --month 2024-03 --activities 1 \
  --participants 9 --party-participants 0 --content 读书 >/dev/null
"$NODE" --dir "$E2E_TMP/n1" sync >/dev/null 2>&1 || true
n1_at_street=$(seq_at "$STREET_URL" "${KEY[1]}")
n1_written=$("$NODE" --dir "$E2E_TMP/n1" status --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["written"])')
[ "$n1_at_street" = "$n1_written" ] || fail "the street did not take the last report ($n1_at_street/$n1_written)"

# The street's disk is lost.
kill -9 "$STREET_PID"; wait "$STREET_PID" 2>/dev/null || true
rm -rf "$S"
start_server DIST "$HUB" --dir "$D" serve --listen "127.0.0.1:$DPORT"

# Refusals leave nothing behind.
R="$E2E_TMP/rebuilt"
"$HUB" --dir "$E2E_TMP/wrongkey" init --role street --name 假街道 >/dev/null
"$HUB" --dir "$R" recover --key "$E2E_TMP/wrongkey/identity.key" --name 望海楼街 \
  --upstream "$DIST_URL" --upstream-key "$DKEY" 2>"$E2E_TMP/r1.err" && fail "recovered with a key the district does not know"
[ -z "$(ls -A "$R" 2>/dev/null)" ] || fail "a refused recovery left files in $R"
grep -q '[^ -~]' "$E2E_TMP/r1.err" || fail "the refusal is not in Chinese: $(cat "$E2E_TMP/r1.err")"
"$HUB" --dir "$R" recover --key "$E2E_TMP/street.key" --name 望海楼街 \
  --upstream "$DIST_URL" --upstream-key "${KEY[1]}" 2>/dev/null && fail "recovered trusting the wrong district key"
[ -z "$(ls -A "$R" 2>/dev/null)" ] || fail "a refused recovery left files in $R"
mkdir -p "$E2E_TMP/full" && touch "$E2E_TMP/full/x"
"$HUB" --dir "$E2E_TMP/full" recover --key "$E2E_TMP/street.key" --name 望海楼街 \
  --upstream "$DIST_URL" --upstream-key "$DKEY" 2>/dev/null && fail "recovered into a non-empty directory"
ok "wrong key, wrong district key and a non-empty directory are refused, leaving nothing"

"$HUB" --dir "$R" recover --key "$E2E_TMP/street.key" --name 望海楼街 \
  --upstream "$DIST_URL" --upstream-key "$DKEY" >"$E2E_TMP/r.out" 2>"$E2E_TMP/r.err" ||
  fail "recover: $(cat "$E2E_TMP/r.err")"
grep -q 已从区协会恢复 "$E2E_TMP/r.out" || fail "recover does not say what it did: $(cat "$E2E_TMP/r.out")"
heads "$R" >"$E2E_TMP/heads.after"
diff "$E2E_TMP/heads.before" "$E2E_TMP/heads.after" || fail "the rebuilt street holds other heads"
states "$R" >"$E2E_TMP/states.after"
diff "$E2E_TMP/states.before" "$E2E_TMP/states.after" || fail "the rebuilt street shows other reviews or decisions"
ok "the rebuilt street holds the same logs, reviews and decisions as before the loss"

# Back in service at its address (the review policy is the hub's setting, not
# in any log: set again): the node sends again what was lost.
"$HUB" --dir "$R" policy auto-accept off >/dev/null
start_server STREET "$HUB" --dir "$R" serve --listen "127.0.0.1:$SPORT"
"$NODE" --dir "$E2E_TMP/n1" sync >"$E2E_TMP/n1.sync" 2>&1 || true
[ "$(seq_at "$STREET_URL" "${KEY[1]}")" = "$n1_written" ] ||
  fail "the node did not send the lost report again: $(tail -3 "$E2E_TMP/n1.sync")"
ok "the report the street never forwarded came back from the node"
b3=$("$HUB" --dir "$R" review list | awk '$3 == "120105001001" { print $1; exit }')
[ -n "$b3" ] || fail "no batch for the resent report: $("$HUB" --dir "$R" review list)"
"$HUB" --dir "$R" review accept "$b3" >/dev/null || fail "accept after recovery"
wait_for 60 forwarded || fail "the rebuilt street's new entries did not reach the district"
for h in "$R" "$D"; do
  [ "$("$HUB" --dir "$h" fork list --json)" = "[]" ] || fail "a fork at $h: $("$HUB" --dir "$h" fork list --json)"
done
ok "the rebuilt street's own log continues at the district without a fork"
