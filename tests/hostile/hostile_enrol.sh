#!/usr/bin/env bash
# hostile_enrol.sh - enrolment requests from fresh keys are limited: five per
# address in ten minutes (then 429), a cap of pending requests over all
# addresses (then 503); each listed request shows its fingerprint and source
# address, and a name imitating an enrolled community is flagged.
source "$(dirname "$0")/../e2e/lib.sh"
: "${FLOOD:?FLOOD must name the enrol_flood tool}"
S="$E2E_TMP/street"
"$HUB" --dir "$S" init --role street --name 望海楼街 >/dev/null
"$NODE" --dir "$E2E_TMP/n1" init --community 海河社区 --street 望海楼街 --hub http://127.0.0.1:9 \
  --code 120101001001 >"$E2E_TMP/n1.init"
"$HUB" --dir "$S" enroll --name 海河社区 --key "$(tail -n 1 "$E2E_TMP/n1.init")" --code 120101001001 >/dev/null
start_server STREET "$HUB" --dir "$S" serve --listen 127.0.0.1:0
P=${STREET_URL##*:}

out=$("$FLOOD" 127.0.0.2 "$P" 12 '海河 社區' 120101001009)
echo "127.0.0.2: $out"
[ "$(echo "$out" | awk '$1 == 202 { print $2 }')" = 5 ] || fail "want 5 taken from 127.0.0.2: $out"
[ "$(echo "$out" | awk '$1 == 429 { print $2 }')" = 7 ] || fail "want 7 refused with 429: $out"
ok "five requests per address, then 429"

"$HUB" --dir "$S" enroll-requests >"$E2E_TMP/list"
cat "$E2E_TMP/list"
[ "$(grep -c '127.0.0.2' "$E2E_TMP/list")" = 5 ] || fail "the source address is not listed"
[ "$(grep -c '仿冒 海河社区' "$E2E_TMP/list")" = 5 ] || fail "imitating names are not flagged"
"$HUB" --dir "$S" enroll-requests --json | grep -q '"fingerprint"' || fail "no fingerprint"
ok "each request shows its fingerprint and source address; imitations are flagged"

# the cap on pending requests: 100, reached from many addresses
total=5
for i in $(seq 3 40); do
  out=$("$FLOOD" "127.0.0.$i" "$P" 5 "社区$i" 120101001009)
  total=$((total + $(echo "$out" | awk '$1 == 202 { print $2 }' | grep . || echo 0)))
done
[ "$total" = 100 ] || fail "pending requests taken: $total, want the cap of 100"
code=$("$FLOOD" 127.0.0.50 "$P" 1 x 120101001009)
[ "$code" = "503 1" ] || fail "a request past the cap got: $code"
n=$("$HUB" --dir "$S" enroll-requests --json | grep -c '"fingerprint"')
[ "$n" = 100 ] || fail "$n pending requests listed, want 100"
ok "pending requests are capped at 100 (then 503)"

# The rate is for fresh keys: a community the street enrolled, whose node asks again
# at its sync, is answered even when its address has used up its requests (several
# communities behind one address must not lock each other out of their sync).
"$NODE" --dir "$E2E_TMP/n2" init --community 铁东路社区 --street 望海楼街 --hub "$STREET_URL" \
  --code 120101001002 >"$E2E_TMP/n2.init"
"$HUB" --dir "$S" enroll --name 铁东路社区 --key "$(tail -n 1 "$E2E_TMP/n2.init")" \
  --code 120101001002 >/dev/null
out=$("$FLOOD" 127.0.0.1 "$P" 6 "社区一" 120101001009)
echo "127.0.0.1: $out"
echo "$out" | grep -q '^429 ' || fail "the address did not reach its rate: $out"
"$NODE" --dir "$E2E_TMP/n2" sync >"$E2E_TMP/n2.sync" 2>&1 \
  || fail "an enrolled community could not sync from an address over the rate: $(cat "$E2E_TMP/n2.sync")"
# -w: the hub key fingerprint printed by sync is digits too (e.g. "4293").
grep -qw 429 "$E2E_TMP/n2.sync" && fail "the enrolled community was told 429: $(cat "$E2E_TMP/n2.sync")"
[ "$("$FLOOD" 127.0.0.1 "$P" 1 x 120101001009)" = "429 1" ] || fail "a fresh key got past the rate"
ok "an enrolled community's sync is not held back by its address's rate"
