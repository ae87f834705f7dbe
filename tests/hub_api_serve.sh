#!/usr/bin/env bash
# hub_api_serve.sh - `linli-hub serve` as a process: the URL alone on the first
# stdout line (port 0 picks a free port), the API answering on it (health,
# summary, 404), SIGTERM and SIGINT stopping it promptly with status 0, --cert
# without --key refused, and HTTPS with a self-signed certificate checked by
# curl against that certificate.
set -euo pipefail
: "${HUB:?HUB must name the linli-hub binary}"
T=$(mktemp -d "${TMPDIR:-/tmp}/linli-hubserve.XXXXXX")
PIDS=()
cleanup() {
  local p
  for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done
  rm -rf "$T"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; [ -f "$T/err" ] && cat "$T/err" >&2; exit 1; }
ok() { echo "ok - $*"; }

# start ARGS...: serve in the background; sets URL and PID.
start() {
  : >"$T/out"
  "$HUB" --dir "$T/hub" serve "$@" >"$T/out" 2>"$T/err" &
  PID=$!
  PIDS+=("$PID")
  URL=""
  for _ in $(seq 1 100); do
    URL=$(head -n 1 "$T/out" 2>/dev/null || true)
    case "$URL" in http*://*) break ;; esac
    kill -0 "$PID" 2>/dev/null || fail "serve exited before listening"
    sleep 0.1
  done
  case "$URL" in http*://*) ;; *) fail "serve printed no URL" ;; esac
}

# stop SIGNAL: send it, expect a clean exit within 5 s.
stop() {
  local t0=$SECONDS rc=0
  kill "-$1" "$PID"
  wait "$PID" || rc=$?
  [ "$rc" = 0 ] || fail "serve exited with $rc after SIG$1"
  [ $((SECONDS - t0)) -le 5 ] || fail "serve took more than 5 s to stop"
}

"$HUB" --dir "$T/hub" init --role district --name 河北區協會 >"$T/init" || fail "init"
KEY=$(tail -n 1 "$T/init")

start --listen 127.0.0.1:0
[[ "$URL" =~ ^http://127\.0\.0\.1:[0-9]+/$ ]] || fail "first line is not the URL: $URL"
[ "$(wc -l <"$T/out")" -eq 1 ] || fail "serve printed more than the URL on stdout"
ok "serve prints its URL alone on the first stdout line"

curl -sf "${URL}api/v1/health" >"$T/health" || fail "health"
grep -q "\"hub_key\":\"$KEY\"" "$T/health" || fail "health lacks the hub key"
curl -sf "${URL}api/v1/summary" | grep -q '"pending"' || fail "summary"
code=$(curl -s -o /dev/null -w '%{http_code}' "${URL}api/v1/nothing")
[ "$code" = 404 ] || fail "unknown route gave $code"
curl -sI "${URL}api/v1/health" | grep -qi '^X-Linli-Time: [0-9]' || fail "no X-Linli-Time"
ok "the API answers on that URL"
stop TERM
ok "SIGTERM stops serve with status 0"

start --listen 127.0.0.1:0
stop INT
ok "SIGINT stops serve with status 0"

if "$HUB" --dir "$T/hub" serve --listen 127.0.0.1:0 --cert "$T/none.pem" >"$T/out" 2>"$T/err"; then
  fail "--cert without --key was accepted"
fi
ok "--cert without --key is refused"

if command -v openssl >/dev/null 2>&1; then
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
    -keyout "$T/key.pem" -out "$T/cert.pem" -days 2 -subj /CN=127.0.0.1 \
    -addext subjectAltName=IP:127.0.0.1 >/dev/null 2>&1 || fail "openssl"
  start --listen 127.0.0.1:0 --cert "$T/cert.pem" --key "$T/key.pem"
  [[ "$URL" =~ ^https://127\.0\.0\.1:[0-9]+/$ ]] || fail "TLS URL is $URL"
  curl -sf --cacert "$T/cert.pem" "${URL}api/v1/health" | grep -q '"status":"ok"' ||
    fail "HTTPS health"
  if curl -sf "${URL}api/v1/health" >/dev/null 2>&1; then fail "untrusted certificate accepted"; fi
  stop TERM
  ok "serve --cert/--key speaks HTTPS"
else
  echo "ok - # SKIP no openssl for the HTTPS case"
fi
