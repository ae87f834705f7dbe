#!/usr/bin/env bash
# bench/sync_ab.sh - the 6,000-report + 500-filing sync of bench/run.sh, two
# builds compared by turns (A, B, A, B, ...), because on a shared machine the
# time of day moves the figures more than most changes do.  Prints each run,
# then the medians of each build: the sync's wall time, the node's CPU and the
# street hub's CPU (perf stat when perf is installed, else the kernel's 10 ms
# ticks).  Figures, never pass/fail.
#   bench/sync_ab.sh BUILD_A BUILD_B [PAIRS (default 8)] [on|off (auto-accept, default on)]
# Each build's own bench_node writes its node (a newer build's node cannot be
# read by an older one).  Everything runs on 127.0.0.1.
set -u
A=$(cd "${1:?usage: sync_ab.sh BUILD_A BUILD_B [PAIRS] [on|off]}" && pwd)
B=$(cd "${2:?usage: sync_ab.sh BUILD_A BUILD_B [PAIRS] [on|off]}" && pwd)
PAIRS=${3:-8}
POLICY=${4:-on}
T=$(mktemp -d "${TMPDIR:-/tmp}/linli-ab.XXXXXX")
export LINLI_LOG=error
pid=""
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$T"' EXIT
ms() { echo $(( $(date +%s%N) / 1000000 )); }
median() { sort -g | awk '{a[NR]=$1} END {if (NR % 2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }
for x in A B; do
  d=${!x}
  for f in node/linli-node hub/linli-hub bench/bench_node; do
    [ -x "$d/$f" ] || { echo "sync_ab.sh: $d/$f is missing: cmake --build $d" >&2; exit 1; }
  done
  "$d/bench/bench_node" "$T/gen$x" http://127.0.0.1:9 "" 120105002001 500 6000 >"$T/gen$x.out" ||
    { echo "sync_ab.sh: bench_node of $d failed" >&2; exit 1; }
done

# one X: one sync with build X on a fresh street hub; prints "wall node_cpu hub_cpu"
one() {
  local d=${!1} key
  key=$(awk '/node_key/ {print $2}' "$T/gen$1.out")
  rm -rf "$T/hub" "$T/node"
  "$d/hub/linli-hub" --dir "$T/hub" init --role street --name 望海樓街 >/dev/null
  "$d/hub/linli-hub" --dir "$T/hub" policy auto-accept "$POLICY" >/dev/null
  "$d/hub/linli-hub" --dir "$T/hub" enroll --name 社區2001 --key "$key" --code 120105002001 >/dev/null
  "$d/hub/linli-hub" --dir "$T/hub" serve --listen 127.0.0.1:0 >"$T/url" 2>"$T/err" &
  pid=$!
  for _ in $(seq 1 400); do grep -q '^http' "$T/url" 2>/dev/null && break; sleep 0.02; done
  cp -a "$T/gen$1" "$T/node"
  sqlite3 "$T/node/node.db" "UPDATE meta SET value='$(head -n 1 "$T/url")' WHERE key='hub_url'"
  local ps="" h0 h1 t0 t1 hub
  if command -v perf >/dev/null 2>&1; then
    perf stat -e task-clock -x, -o "$T/pstat" -p "$pid" 2>/dev/null &
    ps=$!
    sleep 0.2
  fi
  h0=$(awk '{print $14 + $15}' "/proc/$pid/stat")
  TIMEFORMAT='%U %S'
  t0=$(ms)
  { time "$d/node/linli-node" --dir "$T/node" sync >/dev/null 2>&1; } 2>"$T/ncpu"
  t1=$(ms)
  h1=$(awk '{print $14 + $15}' "/proc/$pid/stat")
  hub=$(( (h1 - h0) * 10 ))
  if [ -n "$ps" ]; then
    kill -INT "$ps" 2>/dev/null
    wait "$ps" 2>/dev/null
    hub=$(awk -F, '/task-clock/ {printf "%.1f", $1}' "$T/pstat")
  fi
  kill "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  pid=""
  echo "$((t1 - t0)) $(awk '{printf "%d", ($1 + $2) * 1000}' "$T/ncpu") $hub"
}

echo "run | build | sync ms | node CPU ms | street hub CPU ms"
for i in $(seq 1 "$PAIRS"); do
  for x in A B; do
    r=$(one "$x")
    echo "$r" >>"$T/runs.$x"
    echo "$i | $x | ${r// / | }"
  done
done
for x in A B; do
  echo "median $x (${!x}): sync $(cut -d' ' -f1 "$T/runs.$x" | median) ms," \
    "node $(cut -d' ' -f2 "$T/runs.$x" | median) ms, street hub $(cut -d' ' -f3 "$T/runs.$x" | median) ms"
done
