# lib.sh - helpers for end-to-end tests: real linli-node and linli-hub processes on
# loopback, in a temporary directory, all stopped when the test exits.
# Usage: source this file; BIN must point at the build directory's binaries.
set -euo pipefail

: "${BIN:?BIN must name the directory holding linli-node and linli-hub}"
NODE="$BIN/node/linli-node"
HUB="$BIN/hub/linli-hub"
E2E_TMP=$(mktemp -d "${TMPDIR:-/tmp}/linli-e2e.XXXXXX")
E2E_PIDS=()

e2e_cleanup() {
  local pid
  for pid in "${E2E_PIDS[@]:-}"; do
    [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
  done
  for pid in "${E2E_PIDS[@]:-}"; do
    [ -n "$pid" ] && wait "$pid" 2>/dev/null || true
  done
  if [ "${E2E_KEEP:-0}" = 1 ]; then echo "kept $E2E_TMP" >&2; else rm -rf "$E2E_TMP"; fi
}
trap e2e_cleanup EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }
ok() { echo "ok - $*"; }

# start_server NAME CMD... : run a `serve` command in the background; waits for the URL it
# prints as its first stdout line and sets ${NAME}_URL and ${NAME}_PID.
start_server() {
  local name=$1; shift
  local out="$E2E_TMP/$name.out" err="$E2E_TMP/$name.err"
  # A server started again under the same name: the old URL must not be read
  # before the new process has truncated the file (it does so after the fork).
  rm -f "$out" "$err"
  "$@" >"$out" 2>"$err" &
  local pid=$!
  E2E_PIDS+=("$pid")
  local i url=""
  for i in $(seq 1 100); do
    url=$(head -n 1 "$out" 2>/dev/null || true)
    case "$url" in http*://*) break ;; esac
    kill -0 "$pid" 2>/dev/null || { cat "$err" >&2; fail "$name exited before listening"; }
    sleep 0.1
  done
  case "$url" in http*://*) ;; *) cat "$err" >&2; fail "$name did not print its URL" ;; esac
  url=${url%/}
  printf -v "${name}_URL" '%s' "$url"
  printf -v "${name}_PID" '%s' "$pid"
}

# stop_server PID: SIGTERM and wait.
stop_server() {
  kill "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}

# last_line: the last line of stdin (the public key that init prints).
last_line() { tail -n 1; }

# flip_byte FILE OFFSET: invert every bit of one byte in place (a tampered
# byte that always differs; writing a fixed value leaves the byte as it was
# whenever the file already held that value there).
flip_byte() {
  python3 -c 'import sys
p, at = sys.argv[1], int(sys.argv[2])
with open(p, "r+b") as f:
    f.seek(at)
    b = f.read(1)
    f.seek(at)
    f.write(bytes([b[0] ^ 0xFF]))' "$1" "$2"
}

# A district hub 河北区协会 served on loopback and a street hub 望海楼街 enrolled at it
# (auto-accept off, not yet served): sets D, S, DKEY, SKEY and DIST_URL.
district_and_street() {
  D="$E2E_TMP/district" S="$E2E_TMP/street"
  "$HUB" --dir "$D" init --role district --name 河北区协会 >"$E2E_TMP/d.init"
  DKEY=$(last_line <"$E2E_TMP/d.init")
  start_server DIST "$HUB" --dir "$D" serve --listen 127.0.0.1:0
  "$HUB" --dir "$S" init --role street --name 望海楼街 --upstream "$DIST_URL" \
    --upstream-key "$DKEY" >"$E2E_TMP/s.init"
  SKEY=$(last_line <"$E2E_TMP/s.init")
  "$HUB" --dir "$D" enroll --name 望海楼街 --key "$SKEY" >/dev/null
  "$HUB" --dir "$S" policy auto-accept off >/dev/null
}

# wait_for SECONDS CMD...: retry CMD until it succeeds or time runs out.
wait_for() {
  local secs=$1; shift
  local deadline=$((SECONDS + secs))
  until "$@"; do
    [ "$SECONDS" -ge "$deadline" ] && return 1
    sleep 0.2
  done
}

# files_setup: for the attachment tests, a district and a street (both serving, DIST_URL,
# STREET_URL, keys DKEY, SKEY), community node N (code 120105001001) enrolled at the street,
# organisation ORG filed there, and the folder F for test files.
files_setup() {
  "$HUB" --dir "$E2E_TMP/district" init --role district --name 河北区协会 >"$E2E_TMP/d.init"
  DKEY=$(last_line <"$E2E_TMP/d.init")
  start_server DIST "$HUB" --dir "$E2E_TMP/district" serve --listen 127.0.0.1:0
  "$HUB" --dir "$E2E_TMP/street" init --role street --name 望海楼街 \
    --upstream "$DIST_URL" --upstream-key "$DKEY" >"$E2E_TMP/s.init"
  SKEY=$(last_line <"$E2E_TMP/s.init")
  "$HUB" --dir "$E2E_TMP/district" enroll --name 望海楼街 --key "$SKEY" >/dev/null
  start_server STREET "$HUB" --dir "$E2E_TMP/street" serve --listen 127.0.0.1:0

  N="$E2E_TMP/n1"
  "$NODE" --dir "$N" init --community 建昌道社区 --street 望海楼街 --hub "$STREET_URL" \
    --code 120105001001 --hub-key "$SKEY" >"$E2E_TMP/n1.init"
  "$HUB" --dir "$E2E_TMP/street" enroll --name 建昌道社区 --key "$(last_line <"$E2E_TMP/n1.init")" \
    --code 120105001001 >/dev/null
  ORG=$("$NODE" --dir "$N" org file --filed 2025-01-01 --name 夕阳红志愿服务队 --category 为老服务 \
    --leader 王秀英 --phone 13800000000 --members 20 --party-members 2 | last_line)
  F="$E2E_TMP/f"; mkdir -p "$F"
}

# mk FILE MAGIC BYTES: random bytes behind a format's magic (printf), so that every hash
# differs.
mk() {
  { printf "$2"; head -c "$3" /dev/urandom; } >"$1"
}
