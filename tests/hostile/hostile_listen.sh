#!/usr/bin/env bash
# hostile_listen.sh - no page or login is offered off loopback by mistake:
# `linli-node serve` refuses a non-loopback address unless --allow-remote, which
# then needs the staff password on every page (checked from 127.0.0.2 with a
# forged Host); `linli-hub serve` refuses plain HTTP off loopback unless
# --insecure-http (and warns); the hub refuses a Host that is not its own and
# sends HSTS under TLS.  No test binds anything but loopback: a refusal happens
# before binding, and the --insecure-http case uses an address this machine
# does not have (TEST-NET 192.0.2.1), so it fails at bind after the warning.
source "$(dirname "$0")/../e2e/lib.sh"

N="$E2E_TMP/n1"
"$NODE" --dir "$N" init --community 海河社区 --street 望海楼街 --hub http://127.0.0.1:9 \
  --code 120101001001 >/dev/null

# node: off loopback without --allow-remote, at once and saying what to add
for addr in 0.0.0.0:0 '[::]:0' 192.0.2.1:0; do
  if timeout 10 "$NODE" --dir "$N" serve --listen "$addr" >"$E2E_TMP/o" 2>"$E2E_TMP/e"; then
    fail "node serve --listen $addr started"
  fi
  grep -q -- '--allow-remote' "$E2E_TMP/e" || fail "node refusal does not say what to add: $(cat "$E2E_TMP/e")"
  [ ! -s "$E2E_TMP/o" ] || fail "node printed a URL for $addr"
done
ok "node serve refuses 0.0.0.0, [::] and 192.0.2.1 without --allow-remote"
# --allow-remote without a staff password
if timeout 10 "$NODE" --dir "$N" serve --listen 127.0.0.1:0 --allow-remote >/dev/null 2>"$E2E_TMP/e"; then
  fail "serve --allow-remote started without a staff password"
fi
grep -q 'staff-password' "$E2E_TMP/e" || fail "no hint to set the staff password: $(cat "$E2E_TMP/e")"
printf 'short\n' | "$NODE" --dir "$N" staff-password >/dev/null 2>&1 && fail "a 5-byte staff password was taken"
printf 'staff-secret-1\n' | "$NODE" --dir "$N" staff-password >/dev/null
[ "$(stat -c %a "$N/staff.pw")" = 600 ] || fail "staff.pw is not 0600"
grep -q '^\$argon2id\$' "$N/staff.pw" || fail "staff.pw is not an argon2id hash"
ok "--allow-remote needs a staff password (argon2id, 0600)"

# loopback serving is unchanged: 127.0.0.2 is loopback too
start_server PLAIN "$NODE" --dir "$N" serve --listen 127.0.0.1:0
code=$(curl -s -o /dev/null -w '%{http_code}' "$PLAIN_URL/api/orgs")
[ "$code" = 200 ] || fail "loopback page answered $code"
stop_server "$PLAIN_PID"

# a fixed clock (LINLI_FAKE_NOW_MS): the growing waits below never run out during the test
LINLI_FAKE_NOW_MS=1764720000000 start_server REMOTE "$NODE" --dir "$N" serve --listen 127.0.0.1:0 --allow-remote
P=${REMOTE_URL##*:}
grep -q "监听 127.0.0.1:$P，须输入员工密码" "$E2E_TMP/REMOTE.err" ||
  fail "log does not name the bound address: $(cat "$E2E_TMP/REMOTE.err")"
# another machine with a forged Host: the login form, never the data
jar="$E2E_TMP/jar"
code=$(curl -s -o "$E2E_TMP/b" -w '%{http_code}' --interface 127.0.0.2 -c "$jar" \
  -H "Host: 127.0.0.1:$P" "$REMOTE_URL/api/orgs")
[ "$code" = 401 ] || fail "/api/orgs from 127.0.0.2 answered $code"
grep -q 'staff-login' "$E2E_TMP/b" || fail "no login form"
csrf=$(awk '$6 ~ /^linli_csrf_/ { print $7 }' "$jar")
[ -n "$csrf" ] || fail "no CSRF cookie"
code=$(curl -s -o /dev/null -w '%{http_code}' --interface 127.0.0.2 -b "$jar" \
  -H "Host: 127.0.0.1:$P" --data "csrf=$csrf&name=伪造组织&category=文体" "$REMOTE_URL/orgs")
[ "$code" = 401 ] || fail "POST /orgs without a staff session answered $code"
code=$(curl -s -o /dev/null -w '%{http_code}' --interface 127.0.0.2 -b "$jar" -c "$jar" \
  --data "csrf=$csrf&password=wrong-password" "$REMOTE_URL/staff-login")
[ "$code" = 401 ] || fail "wrong staff password answered $code"
code=$(curl -s -o /dev/null -w '%{http_code}' --interface 127.0.0.2 -b "$jar" -c "$jar" \
  --data "csrf=$csrf&password=staff-secret-1" "$REMOTE_URL/staff-login")
[ "$code" = 303 ] || fail "right staff password answered $code"
code=$(curl -s -o "$E2E_TMP/b" -w '%{http_code}' --interface 127.0.0.2 -b "$jar" "$REMOTE_URL/api/orgs")
[ "$code" = 200 ] || fail "/api/orgs with a staff session answered $code"
ok "--allow-remote: every page asks for the staff password; after login the page works"
# growing waits: the 4th wrong password makes this address wait, not the others
for i in 1 2 3 4; do
  curl -s -o /dev/null --interface 127.0.0.3 -b "$jar" --data "csrf=$csrf&password=bad-$i" \
    "$REMOTE_URL/staff-login"
done
code=$(curl -s -o /dev/null -w '%{http_code}' --interface 127.0.0.3 -b "$jar" \
  --data "csrf=$csrf&password=staff-secret-1" "$REMOTE_URL/staff-login")
[ "$code" = 429 ] || fail "after 4 wrong passwords 127.0.0.3 got $code, want 429"
code=$(curl -s -o /dev/null -w '%{http_code}' --interface 127.0.0.2 -b "$jar" -c "$jar" \
  --data "csrf=$csrf&password=staff-secret-1" "$REMOTE_URL/staff-login")
[ "$code" = 303 ] || fail "127.0.0.2 was locked out by 127.0.0.3's failures ($code)"
ok "wrong staff passwords make only their own address wait"
stop_server "$REMOTE_PID"

# hub: plain HTTP off loopback is refused at once, saying what to add
S="$E2E_TMP/street"
"$HUB" --dir "$S" init --role street --name 望海楼街 >/dev/null
for addr in 0.0.0.0:0 '[::]:0' 192.0.2.1:0; do
  if timeout 10 "$HUB" --dir "$S" serve --listen "$addr" >"$E2E_TMP/o" 2>"$E2E_TMP/e"; then
    fail "hub serve --listen $addr started in clear text"
  fi
  grep -q -- '--cert' "$E2E_TMP/e" && grep -q -- '--insecure-http' "$E2E_TMP/e" ||
    fail "hub refusal does not say what to add: $(cat "$E2E_TMP/e")"
done
timeout 10 "$HUB" --dir "$S" serve --listen 192.0.2.1:0 --insecure-http >/dev/null 2>"$E2E_TMP/e" &&
  fail "binding 192.0.2.1 should fail on this machine"
grep -q '警告：在 192.0.2.1:0 上以明文 HTTP 提供服务' "$E2E_TMP/e" || fail "no clear-text warning: $(cat "$E2E_TMP/e")"
grep -q 'WARNING\|plain HTTP' "$E2E_TMP/e" && fail "the warning is not Chinese only: $(cat "$E2E_TMP/e")"
grep -q '无法在.*上监听' "$E2E_TMP/e" || fail "--insecure-http did not get past the refusal"
ok "hub serve refuses clear text off loopback; --insecure-http warns"

# hub: Host must name the hub
start_server STREET "$HUB" --dir "$S" serve --listen 127.0.0.1:0 --host hub.example
code=$(curl -s -o "$E2E_TMP/b" -w '%{http_code}' -H 'Host: evil.example' "$STREET_URL/api/v1/health")
[ "$code" = 421 ] || fail "a foreign Host got $code, want 421"
grep -q -- '不是本服务器的名称.*--host 名称（只写名称，端口不比较）' "$E2E_TMP/b" ||
  fail "421 does not say in Chinese what to add: $(cat "$E2E_TMP/b")"
grep -q 'does not name\|start it with' "$E2E_TMP/b" && fail "421 is not in Chinese: $(cat "$E2E_TMP/b")"
P=${STREET_URL##*:}
grep -q "已在 http://127.0.0.1:$P/ 提供服务（监听 127.0.0.1:$P）" "$E2E_TMP/STREET.err" ||
  fail "log does not name the bound address: $(cat "$E2E_TMP/STREET.err")"
# attacker bytes in the Host reach the log cleaned: no raw ESC or BEL on the terminal
code=$(curl -s -o /dev/null -w '%{http_code}' -H $'Host: evil\x1b]0;pwned\x07' "$STREET_URL/api/v1/health")
[ "$code" = 421 ] || fail "a Host with control bytes got $code, want 421"
grep -q 'evil\\x1b\]0;pwned\\x07' "$E2E_TMP/STREET.err" || fail "the refusal is not logged: $(cat "$E2E_TMP/STREET.err")"
if od -An -c "$E2E_TMP/STREET.err" | grep -q '033\|\\a'; then
  fail "raw ESC or BEL in the log: $(od -c "$E2E_TMP/STREET.err" | grep -m3 '033\|\\a')"
fi
for h in "127.0.0.1" "localhost:1" "HUB.example:8443" "[::1]:9"; do
  code=$(curl -s -o /dev/null -w '%{http_code}' -H "Host: $h" "$STREET_URL/api/v1/health")
  [ "$code" = 200 ] || fail "Host $h got $code"
done
ok "hub refuses a Host that is not its own (421), takes loopback and --host names"
stop_server "$STREET_PID"

# hub: HSTS under TLS
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
  -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 -keyout "$E2E_TMP/key.pem" \
  -out "$E2E_TMP/cert.pem" >/dev/null 2>&1
start_server TLS "$HUB" --dir "$S" serve --listen 127.0.0.1:0 --cert "$E2E_TMP/cert.pem" --key "$E2E_TMP/key.pem"
curl -s -D "$E2E_TMP/h" -o /dev/null --cacert "$E2E_TMP/cert.pem" "$TLS_URL/api/v1/health" ||
  fail "no HTTPS answer"
grep -qi '^Strict-Transport-Security: max-age=' "$E2E_TMP/h" || fail "no HSTS under TLS"
ok "HSTS under TLS"
