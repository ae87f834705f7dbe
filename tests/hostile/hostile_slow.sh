#!/usr/bin/env bash
# hostile_slow.sh - slow and greedy clients from another address (127.0.0.2)
# cannot starve honest ones: while an attacker holds half-sent 32 MiB bodies and
# hundreds of never-finished request heads against a street hub, a node on
# 127.0.0.1 still syncs and an operator still logs in, each within a liveness
# limit of 5 s; the hub's memory stays bounded; every slow head is cut.
source "$(dirname "$0")/../e2e/lib.sh"
source "$(dirname "$0")/../review-lib.sh"
ATTACK_PIDS=()
stop_attackers() { local p; for p in "${ATTACK_PIDS[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null; done; e2e_cleanup; }
trap stop_attackers EXIT

node_init n1 120101001001 海河社区
printf 'a-good-password\n' | "$HUB" --dir "$S" operator add op1 --role street >/dev/null
PORT=${STREET_URL##*:}
rss_kb() { awk '/^VmRSS/ { print $2 }' "/proc/$STREET_PID/status"; }
before=$(rss_kb)

python3 "$(dirname "$0")/attacker.py" 127.0.0.2 127.0.0.1 "$PORT" 515 10 "$E2E_TMP/attack" &
ATTACK_PIDS+=($!)
E2E_PIDS+=($!)
# the attack is in place once its slow connections are open
wait_for 60 test -s "$E2E_TMP/attack" || fail "the attacker never got going"
cat "$E2E_TMP/attack"
# connections past the per-address limit may still sit in the listen backlog on
# the attacker's first look; the hub must have closed them within two rounds
open_at_most() { awk -F'open=' -v max="$1" '{ exit !($2 + 0 <= max) }' "$E2E_TMP/attack"; }
wait_for 4 open_at_most 32 || true   # well inside the 10 s head deadline
cat "$E2E_TMP/attack"
read -r held refused closed open < <(tr '=' ' ' <"$E2E_TMP/attack" | awk '{ print $2, $4, $6, $8 }')
[ "$held" -le 1 ] || fail "the hub buffers $held unfinished 32 MiB bodies from one address"
[ "$refused" -ge 9 ] || fail "only $refused of the greedy bodies were refused at once"
[ "$open" -le 32 ] || fail "$open slow connections from one address are held open"
ok "one address: at most one unfinished large body ($held), $refused refused with 503, $open slow heads held"

# honest traffic from 127.0.0.1 while the attack goes on
"$NODE" --dir "$E2E_TMP/n1" org file --name 海河社区读书会 --category 文体 --leader 张 \
  --phone 1 --members 5 --party-members 0 >/dev/null
timeout 5 "$NODE" --dir "$E2E_TMP/n1" sync >/dev/null || fail "node sync did not finish within 5 s"
[ -n "$(pending 120101001001)" ] || fail "the synced batch is not at the hub"
ok "a node on 127.0.0.1 synced during the attack"
code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 --data 'name=op1&password=a-good-password' \
  "$STREET_URL/login") || fail "login did not answer within 5 s"
[ "$code" = 303 ] || fail "login answered $code, want 303"
ok "an operator logged in during the attack"
code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$STREET_URL/api/v1/health")
[ "$code" = 200 ] || fail "health answered $code during the attack"

after=$(rss_kb)
echo "hub resident: ${before} kB before, ${after} kB under attack"
[ "$after" -lt $((before + 100 * 1024)) ] || fail "hub grew from $before to $after kB"
ok "hub memory bounded under the attack"

# every slow head is cut by the head deadline although it keeps sending lines
wait_for 60 grep -q ' open=0$' "$E2E_TMP/attack" || fail "slow heads still open: $(cat "$E2E_TMP/attack")"
ok "every never-finished request head was closed: $(cat "$E2E_TMP/attack")"
