#!/usr/bin/env bash
# bench/idle.sh - what an online node with nothing to send costs in traffic: a
# simulated day of serve's idle passes (`linli-node sync --idle`, what serve's
# loop runs), counted by a byte-counting TCP relay between node and street hub,
# multiplied to a month.  Also the TLS figure: the same passes plus the measured
# cost of one TLS handshake per pass (each pass is a new connection).
# Figures, never pass/fail.  Usage: bench/idle.sh [BUILD_DIR]
set -euo pipefail
B=$(cd "${1:-build}" && pwd)
NODE=$B/node/linli-node
HUB=$B/hub/linli-hub
T=$(mktemp -d "${TMPDIR:-/tmp}/linli-idle.XXXXXX")
PIDS=()
cleanup() {
  local p
  for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null; done
  wait 2>/dev/null || true
  rm -rf "$T"
}
trap cleanup EXIT
export LINLI_LOG=error

# relay NAME TARGET_PORT: a TCP relay on a free loopback port that counts the bytes
# each way (TCP payload: HTTP or TLS records) and connections; sets NAME_PORT.
relay() {
  python3 - "$2" "$T/$1.port" "$T/$1.count" <<'PY' &
import socket, sys, threading
target, portfile, countfile = int(sys.argv[1]), sys.argv[2], sys.argv[3]
ls = socket.socket(); ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
ls.bind(("127.0.0.1", 0)); ls.listen(64)
open(portfile, "w").write(str(ls.getsockname()[1]))
lock = threading.Lock(); c = {"up": 0, "down": 0, "conns": 0}
def save():
    with open(countfile + ".tmp", "w") as f: f.write("%d %d %d\n" % (c["conns"], c["up"], c["down"]))
    import os; os.replace(countfile + ".tmp", countfile)
def pipe(a, b, k):
    try:
        while True:
            d = a.recv(65536)
            if not d: break
            with lock: c[k] += len(d); save()
            b.sendall(d)
    except OSError: pass
    finally:
        try: b.shutdown(socket.SHUT_WR)
        except OSError: pass
while True:
    s, _ = ls.accept()
    u = socket.create_connection(("127.0.0.1", target))
    with lock: c["conns"] += 1; save()
    threading.Thread(target=pipe, args=(s, u, "up"), daemon=True).start()
    threading.Thread(target=pipe, args=(u, s, "down"), daemon=True).start()
PY
  PIDS+=($!)
  local i
  for i in $(seq 1 100); do [ -s "$T/$1.port" ] && break; sleep 0.05; done
  printf -v "${1}_PORT" '%s' "$(cat "$T/$1.port")"
}
count() { sleep 0.3; cat "$T/$1.count" 2>/dev/null || echo "0 0 0"; }
serve() { # NAME DIR [ARGS]: start a hub, set NAME_URL
  local name=$1 dir=$2; shift 2
  "$HUB" --dir "$dir" serve --listen 127.0.0.1:0 "$@" >"$T/$name.out" 2>"$T/$name.err" &
  PIDS+=($!)
  local i
  for i in $(seq 1 100); do grep -q '^http' "$T/$name.out" 2>/dev/null && break; sleep 0.05; done
  printf -v "${name}_URL" '%s' "$(head -n 1 "$T/$name.out" | sed 's,/$,,')"
}

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
