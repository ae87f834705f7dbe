# bench/lib.sh - what the shell benchmarks share: the build's binaries, a temporary
# directory removed at exit with every process started, a byte-counting TCP relay
# (which can also pull the cable once), and a hub started on a free port.
# Usage: source bench/lib.sh BUILD_DIR NAME (NAME names the temporary directory).
set -euo pipefail
B=$(cd "${1:-build}" && pwd)
NODE=$B/node/linli-node
HUB=$B/hub/linli-hub
T=$(mktemp -d "${TMPDIR:-/tmp}/linli-$2.XXXXXX")
PIDS=()
cleanup() {
  local p
  for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null; done
  wait 2>/dev/null || true
  rm -rf "$T"
}
trap cleanup EXIT
export LINLI_LOG=error

# relay NAME TARGET_PORT: a TCP relay on a free loopback port counting the bytes each way
# and the connections (in T/NAME.count: "conns up down").  When T/NAME.cut holds a number
# N, the connection carrying the N-th byte upward (counted from when the file was
# written) is dropped after that byte, both ways, once: a cable pulled mid-upload.
relay() {
  python3 - "$2" "$T/$1.port" "$T/$1.count" "$T/$1.cut" <<'PY' &
import os, socket, sys, threading
target, portfile, countfile, cutfile = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
ls = socket.socket(); ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
ls.bind(("127.0.0.1", 0)); ls.listen(64)
open(portfile, "w").write(str(ls.getsockname()[1]))
lock = threading.Lock(); c = {"up": 0, "down": 0, "conns": 0}; cut = {"at": 0}
def save():
    with open(countfile + ".tmp", "w") as f: f.write("%d %d %d\n" % (c["conns"], c["up"], c["down"]))
    os.replace(countfile + ".tmp", countfile)
def check_cut():
    try:
        n = int(open(cutfile).read().strip()); os.unlink(cutfile)
        cut["at"] = c["up"] + n
    except (OSError, ValueError): pass
def pipe(a, b, k):
    try:
        while True:
            d = a.recv(65536)
            if not d: break
            drop = False
            with lock:
                if k == "up" and cut["at"] and c["up"] + len(d) >= cut["at"]:
                    d = d[:cut["at"] - c["up"]]; cut["at"] = 0; drop = True
                c[k] += len(d); save()
            if d: b.sendall(d)
            if drop:
                for s in (a, b):
                    try: s.shutdown(socket.SHUT_RDWR)
                    except OSError: pass
                break
    except OSError: pass
    finally:
        try: b.shutdown(socket.SHUT_WR)
        except OSError: pass
while True:
    s, _ = ls.accept()
    u = socket.create_connection(("127.0.0.1", target))
    with lock: check_cut(); c["conns"] += 1; save()
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
