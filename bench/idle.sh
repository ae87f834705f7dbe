#!/usr/bin/env bash
# bench/idle.sh - what an online node with nothing to send costs in traffic: a
# simulated day of serve's idle passes (`linli-node sync --idle`, what serve's
# loop runs), counted by a byte-counting TCP relay between node and street hub,
# multiplied to a month.  Also the TLS figure: the same passes plus the measured
# cost of one TLS handshake per pass (each pass is a new connection).
# Figures, never pass/fail.  Usage: bench/idle.sh [BUILD_DIR]
source "$(dirname "$0")/lib.sh" "${1:-build}" idle

"$HUB" --dir "$T/s" init --role street --name 望海楼街 >"$T/s.init"
SKEY=$(tail -n 1 "$T/s.init")
serve S "$T/s"
relay R "${S_URL##*:}"
"$NODE" --dir "$T/n" init --community 建昌道社区 --street 望海楼街 --hub "http://127.0.0.1:$R_PORT" \
  --code 120105001001 --hub-key "$SKEY" >"$T/n.init"
"$HUB" --dir "$T/s" enroll --name 建昌道社区 --key "$(tail -n 1 "$T/n.init")" --code 120105001001 >/dev/null
org=$("$NODE" --dir "$T/n" org file --name 建昌道社区读书会 --category 文体 --leader 张 \
  --phone 13800000000 --members 10 --party-members 1 2>/dev/null | tail -n 1)
"$NODE" --dir "$T/n" report monthly --org "$org" --month "$(date +%Y-%m)" --activities 2 \
  --participants 20 --party-participants 1 --content 读书 >/dev/null
"$NODE" --dir "$T/n" sync >/dev/null 2>&1 || true # enrol, push, pins: not counted
"$NODE" --dir "$T/n" sync >/dev/null 2>&1 || true

N=20
read -r c0 u0 d0 < <(count R)
for i in $(seq 1 $N); do "$NODE" --dir "$T/n" sync --idle >/dev/null 2>&1 || echo "idle pass failed" >&2; done
read -r c1 u1 d1 < <(count R)
for i in $(seq 1 $N); do "$NODE" --dir "$T/n" sync >/dev/null 2>&1 || echo "full pass failed" >&2; done
read -r c2 u2 d2 < <(count R)
light=$(( (u1 - u0 + d1 - d0) / N )); lreq=$(( (c1 - c0) / N ))
full=$(( (u2 - u1 + d2 - d1) / N )); freq=$(( (c2 - c1) / N ))
# serve: a pass every 6..10 minutes (8 on average): 180 a day, of which 4 full
# (NODE_SYNC_FULL_EVERY_MS = 6 h); the local log check costs no traffic.
per_day=$(( 176 * light + 4 * full )); conns_day=$(( 176 * lreq + 4 * freq ))
old_day=$(( 1440 * full )) # before: a full pass every 60 s

# TLS: what one handshake and close add to a connection (same request, same relay).
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=127.0.0.1 \
  -addext subjectAltName=IP:127.0.0.1 -keyout "$T/key.pem" -out "$T/cert.pem" >/dev/null 2>&1
"$HUB" --dir "$T/s2" init --role street --name 测试 >/dev/null
serve TS "$T/s2" --cert "$T/cert.pem" --key "$T/key.pem"
relay RT "${TS_URL##*:}"
read -r a0 b0 e0 < <(count RT)
for i in $(seq 1 10); do curl -sk -o /dev/null "https://127.0.0.1:$RT_PORT/api/v1/heads/$SKEY" || true; done
read -r a1 b1 e1 < <(count RT)
relay RP "${S_URL##*:}"
read -r p0 q0 r0 < <(count RP)
for i in $(seq 1 10); do curl -s -o /dev/null "http://127.0.0.1:$RP_PORT/api/v1/heads/$SKEY" || true; done
read -r p1 q1 r1 < <(count RP)
tls_extra=$(( ( (b1 - b0 + e1 - e0) - (q1 - q0 + r1 - r0) ) / 10 ))
tls_day=$(( per_day + conns_day * tls_extra ))

mb() { awk -v b="$1" 'BEGIN { printf "%.2f MB", b * 30 / 1000000 }'; }
echo "| figure | value |"
echo "|---|---|"
echo "| idle pass (sync --idle): bytes on the wire, HTTP | $light B in $lreq connection(s) |"
echo "| full pass (heads + feed): bytes on the wire, HTTP | $full B in $freq connection(s) |"
echo "| a simulated day of serve idle (176 idle + 4 full passes) | $per_day B, $conns_day connections |"
echo "| a month of serve idle, plain HTTP | $(mb $per_day) |"
echo "| TLS: handshake + close per connection (curl, ECDSA P-256) | $tls_extra B |"
echo "| a month of serve idle, HTTPS (a new TLS connection per request) | $(mb $tls_day) |"
echo "| before (a full pass every 60 s), plain HTTP | $(mb $old_day) |"
