#!/usr/bin/env bash
# hostile_lockout.sh - failed logins from another machine (127.0.0.2) lock the
# operator's name out at that address only: the operator still logs in from
# 127.0.0.1, while 127.0.0.2 waits even with the right password.
source "$(dirname "$0")/../e2e/lib.sh"
S="$E2E_TMP/street"
"$HUB" --dir "$S" init --role street --name 望海楼街 >/dev/null
printf 'a-good-password\n' | "$HUB" --dir "$S" operator add op1 --role street >/dev/null
start_server STREET "$HUB" --dir "$S" serve --listen 127.0.0.1:0
login() { # source-address password -> status
  curl -s -o /dev/null -w '%{http_code}' --interface "$1" --data "name=op1&password=$2" \
    "$STREET_URL/login"
}
for i in 1 2 3 4 5; do
  code=$(login 127.0.0.2 "guess-$i")
  [ "$code" = 401 ] || [ "$code" = 429 ] || fail "guess $i answered $code"
done
[ "$code" = 429 ] || fail "the fifth failure did not lock 127.0.0.2 out ($code)"
code=$(login 127.0.0.2 a-good-password)
[ "$code" = 429 ] || fail "127.0.0.2 logged in while locked out ($code)"
code=$(login 127.0.0.1 a-good-password)
[ "$code" = 303 ] || fail "the operator's own address was locked out too ($code)"
ok "an attacker's failures lock the name out at the attacker's address only"
"$HUB" --dir "$S" operator audit | grep -q 'login.locked' || fail "no login.locked row in the audit"
ok "the refused attempt is in the audit trail"
