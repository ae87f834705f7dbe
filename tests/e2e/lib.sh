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

# wait_for SECONDS CMD...: retry CMD until it succeeds or time runs out.
wait_for() {
  local secs=$1; shift
  local deadline=$((SECONDS + secs))
  until "$@"; do
    [ "$SECONDS" -ge "$deadline" ] && return 1
    sleep 0.2
  done
}
