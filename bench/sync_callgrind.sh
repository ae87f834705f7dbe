#!/usr/bin/env bash
# bench/sync_callgrind.sh - the instructions a street hub executes for the
# 6,000-report + 500-filing sync of bench/run.sh, counted by callgrind (they do
# not depend on the machine's load, unlike the times).  A figure, never a
# pass/fail.  Usage: bench/sync_callgrind.sh [BUILD_DIR] [on|off]
#   BUILD_DIR  a Release build (default build); on|off the street's auto-accept
# Prints the program total; the profile stays in $OUT (default
# /tmp/linli-sync.callgrind) for callgrind_annotate.
set -u
B=$(cd "${1:-build}" && pwd)
POLICY=${2:-on}
OUT=${OUT:-/tmp/linli-sync.callgrind}
NODE=$B/node/linli-node; HUB=$B/hub/linli-hub; BN=$B/bench/bench_node
command -v valgrind >/dev/null || { echo "sync_callgrind.sh: needs valgrind (apt-get install valgrind)" >&2; exit 1; }
T=$(mktemp -d "${TMPDIR:-/tmp}/linli-cg.XXXXXX")
export LINLI_LOG=error
pid=""
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$T"' EXIT
"$BN" "$T/big" http://127.0.0.1:9 "" 120105002001 500 6000 >"$T/big.out" || exit 1
BKEY=$(awk '/node_key/ {print $2}' "$T/big.out")
"$HUB" --dir "$T/bs" init --role street --name 望海樓街 >/dev/null
"$HUB" --dir "$T/bs" policy auto-accept "$POLICY" >/dev/null
"$HUB" --dir "$T/bs" enroll --name 社區2001 --key "$BKEY" --code 120105002001 >/dev/null
valgrind --tool=callgrind --callgrind-out-file="$OUT" "$HUB" --dir "$T/bs" serve \
  --listen 127.0.0.1:0 >"$T/url" 2>"$T/err" &
pid=$!
for _ in $(seq 1 600); do grep -q '^http' "$T/url" 2>/dev/null && break; sleep 0.1; done
URL=$(head -n 1 "$T/url" | sed 's,/$,,')
sqlite3 "$T/big/node.db" "UPDATE meta SET value='$URL/' WHERE key='hub_url'"
"$NODE" --dir "$T/big" sync >/dev/null 2>&1 || echo "sync_callgrind.sh: the sync failed" >&2
kill -TERM "$pid"; wait "$pid" 2>/dev/null; pid=""
callgrind_annotate "$OUT" 2>/dev/null | grep -m1 "PROGRAM TOTALS"
