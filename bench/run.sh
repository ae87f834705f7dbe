#!/usr/bin/env bash
# bench/run.sh - linli's benchmarks: prints one markdown table, each figure the
# median of BENCH_RUNS runs (default 3) with the command that produced it.
# Figures, never pass/fail.  Usage: bench/run.sh [BUILD_DIR]
# (or `cmake --build BUILD --target bench`).  Everything runs on 127.0.0.1.
set -u
B=$(cd "${1:-build}" && pwd)
HERE=$(cd "$(dirname "$0")" && pwd)
RUNS=${BENCH_RUNS:-3}
NODE=$B/node/linli-node
HUB=$B/hub/linli-hub
BN=$B/bench/bench_node
BI=$B/bench/bench_ingest
PROXY=$B/tests/fault_proxy
for x in "$NODE" "$HUB" "$BN" "$BI" "$PROXY"; do
  [ -x "$x" ] || { echo "run.sh: $x is missing: cmake --build $B --target bench" >&2; exit 1; }
done
T=$(mktemp -d "${TMPDIR:-/tmp}/linli-bench.XXXXXX")
PIDS=()
cleanup() {
  local p
  for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null; done
  wait 2>/dev/null
  rm -rf "$T"
}
trap cleanup EXIT
export LINLI_LOG=error
ROWS=()
row() { ROWS+=("| $1 | $2 | $3 | \`$4\` |"); echo "  $1: $2" >&2; }
median() { sort -g | awk '{a[NR]=$1} END {if (NR==0) print "n/a"; else if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }
ms() { echo $(( $(date +%s%N) / 1000000 )); }
# settle: what the step before wrote goes to disk first, so that its writeback
# does not slow the next timed step's own disk syncs (both peers' sync figures
# start this way)
settle() { sync; sleep 1; }

# serve NAME DIR: start `linli-hub serve` on port 0; sets NAME_URL, NAME_PID.
serve() {
  "$HUB" --dir "$2" serve --listen 127.0.0.1:0 >"$T/$1.url" 2>"$T/$1.err" &
  local pid=$! i
  PIDS+=("$pid")
  for i in $(seq 1 200); do
    grep -q '^http' "$T/$1.url" 2>/dev/null && break
    sleep 0.05
  done
  printf -v "${1}_URL" '%s' "$(head -n 1 "$T/$1.url" | sed 's,/$,,')"
  printf -v "${1}_PID" '%s' "$pid"
}
stop() { kill "$1" 2>/dev/null; wait "$1" 2>/dev/null; true; }
# proxy NAME TARGET_URL: a counting proxy (tests/fault/proxy.c); sets NAME_URL, NAME_PID.
proxy() {
  echo "target=${2##*//}" >"$T/$1.ctl"
  "$PROXY" "$T/$1.ctl" 1 >"$T/$1.url" 2>"$T/$1.log" &
  local pid=$! i
  PIDS+=("$pid")
  for i in $(seq 1 100); do grep -q '^http' "$T/$1.url" 2>/dev/null && break; sleep 0.05; done
  printf -v "${1}_URL" '%s' "$(head -n 1 "$T/$1.url" | sed 's,/$,,')"
  printf -v "${1}_PID" '%s' "$pid"
}
# counts PID LOG: "requests bytes_in bytes_out" of the proxy so far.
counts() {
  kill -USR1 "$1"
  sleep 0.2
  tail -n 1 "$2" | sed 's/.*requests \([0-9]*\).*bytes_in \([0-9]*\) bytes_out \([0-9]*\).*/\1 \2 \3/'
}

echo "linli benchmarks: $RUNS runs each, build $B" >&2

# -- binary sizes ---------------------------------------------------------
for b in "$NODE" "$HUB"; do
  strip -o "$T/stripped" "$b" 2>/dev/null
  row "$(basename "$b") binary size (stripped / as built)" \
    "$(( $(stat -c %s "$T/stripped") / 1024 )) KiB / $(( $(stat -c %s "$b") / 1024 )) KiB" "" \
    "strip -o s $(basename "$b"); stat -c %s s"
done

# -- node: durable entries per second ------------------------------------
for r in $(seq 1 "$RUNS"); do
  "$BN" "$T/nd$r" http://127.0.0.1:9 "" 120105009001 50 450 | awk '/durable/ {print $2}'
  rm -rf "$T/nd$r"
done | median >"$T/v"
row "node: durable entries/s (each its own synchronous=FULL commit)" "$(cat "$T/v")" "" \
  "bench_node DIR URL '' CODE 50 450"

# -- node: serve idle RSS -------------------------------------------------
"$NODE" --dir "$T/ns" init --community 和平社區 --street 新華街 --hub http://127.0.0.1:9 \
  --code 120105001001 >/dev/null
for r in $(seq 1 "$RUNS"); do
  "$NODE" --dir "$T/ns" serve --listen 127.0.0.1:0 >"$T/ns.url" 2>/dev/null &
  p=$!
  sleep 3
  awk '/VmRSS/ {print $2}' "/proc/$p/status"
  stop "$p"
done | median >"$T/v"
row "node: \`serve\` idle resident memory" "$(cat "$T/v") KiB" "< 10 MB" \
  "linli-node serve; sleep 3; grep VmRSS /proc/PID/status"

# -- street hub ingest ------------------------------------------------------
for r in $(seq 1 "$RUNS"); do "$BI" 50000 100 500 2>/dev/null; done >"$T/ingest"
for k in ingest_1node_entries_per_s ingest_1node_entries_per_cpu_s ingest_100nodes_entries_per_s \
         ingest_100nodes_entries_per_cpu_s ingest_100nodes_month_entries_per_s \
         ingest_100nodes_month_entries_per_cpu_s ingest_peak_rss; do
  grep "^$k " "$T/ingest" | awk '{print $2}' | median >"$T/v.$k"
done
row "street hub ingest, 1 community (verify + store + project), wall" "$(cat "$T/v.ingest_1node_entries_per_s") entries/s" "" "bench_ingest 50000 100 500"
row "street hub ingest, 1 community, per CPU-second" "$(cat "$T/v.ingest_1node_entries_per_cpu_s") entries/CPU-s" ">= 120,000" "bench_ingest 50000 100 500"
row "street hub ingest, 100 communities at once, wall" "$(cat "$T/v.ingest_100nodes_entries_per_s") entries/s" "" "bench_ingest 50000 100 500"
row "street hub ingest, 100 communities at once (first sync: filings + reports), per CPU-second" "$(cat "$T/v.ingest_100nodes_entries_per_cpu_s") entries/CPU-s" ">= 100,000" "bench_ingest 50000 100 500"
row "street hub ingest, 100 communities at once (next month's reports), wall" "$(cat "$T/v.ingest_100nodes_month_entries_per_s") entries/s" "" "bench_ingest 50000 100 500"
row "street hub ingest, 100 communities at once (next month's reports), per CPU-second" "$(cat "$T/v.ingest_100nodes_month_entries_per_cpu_s") entries/CPU-s" ">= 100,000" "bench_ingest 50000 100 500"
row "street hub ingest: peak resident memory" "$(cat "$T/v.ingest_peak_rss") KiB" "" "bench_ingest (getrusage ru_maxrss)"

# -- wire: a realistic month of one community --------------------------------
"$HUB" --dir "$T/ws" init --role street --name 望海樓街 >"$T/ws.init"
SKEY=$(tail -n 1 "$T/ws.init")
serve WS "$T/ws"
proxy WP "$WS_URL"
"$BN" "$T/wn" "$WP_URL" "$SKEY" 120105001001 0 0 >"$T/wn.out" || echo "bench_node failed" >&2
NKEY=$(awk '/node_key/ {print $2}' "$T/wn.out")
"$HUB" --dir "$T/ws" enroll --name 社區001 --key "$NKEY" --code 120105001001 >/dev/null
"$NODE" --dir "$T/wn" sync >/dev/null 2>&1 # enrolment and pins, not counted
for o in $(seq 1 50); do
  "$NODE" --dir "$T/wn" org file --filed 2025-01-01 --name "建昌道社區第${o}志願服務隊" --category 為老服務 --leader 王秀英 \
    --phone 13800000000 --members $((10 + o)) --party-members 2 --scope 探訪獨居老人、助餐 \
    --venue 社區活動中心 >/dev/null 2>&1
done
read -r q0 i0 o0 < <(counts "$WP_PID" "$T/WP.log")
"$NODE" --dir "$T/wn" sync >/dev/null 2>&1 || echo "sync failed" >&2
read -r q1 i1 o1 < <(counts "$WP_PID" "$T/WP.log")
m=0
for o in $("$NODE" --dir "$T/wn" org list | cut -f1); do
  "$NODE" --dir "$T/wn" report monthly --org "$o" --month "$(date +%Y-%m)" --activities 3 \
    --participants $((30 + m)) --party-participants 2 --content "探訪獨居老人，義務理髮，清理樓道" \
    --scope 為老服務 --good-deeds 幫助鄰居修水管 >/dev/null
  m=$((m + 1))
done
read -r q2 i2 o2 < <(counts "$WP_PID" "$T/WP.log")
"$NODE" --dir "$T/wn" sync >/dev/null 2>&1 || echo "sync failed" >&2
read -r q3 i3 o3 < <(counts "$WP_PID" "$T/WP.log")
row "wire: bytes sent per filing (50 filings in one sync, HTTP headers included)" "$(( (i1 - i0) / 50 )) B up, $(( (o1 - o0) / 50 )) B down" "" "fault_proxy byte counts around linli-node sync"
row "wire: bytes sent per monthly report (50 reports in one sync, HTTP headers included)" "$(( (i3 - i2) / m )) B up, $(( (o3 - o2) / m )) B down" "< 100 B" "fault_proxy byte counts around linli-node sync"
row "wire: HTTP round trips per sync (50 reports pushed)" "$((q3 - q2))" "" "fault_proxy request count around linli-node sync"
read -r q4 i4 o4 < <(counts "$WP_PID" "$T/WP.log")
"$NODE" --dir "$T/wn" sync >/dev/null 2>&1
read -r q5 i5 o5 < <(counts "$WP_PID" "$T/WP.log")
row "wire: HTTP round trips of a sync with nothing to push" "$((q5 - q4)) ($((i5 - i4 + o5 - o4)) B)" "" "fault_proxy request count around linli-node sync"
stop "$WS_PID"

# -- the CouchDB-protocol peer: the same 6,500 documents -----------------------
# PouchDB (LevelDB on disk) replicates them to pouchdb-server 4.2.0's stack on
# 127.0.0.1, twice: durable (LevelDB on disk, each write synced, as CouchDB
# acknowledges) and in memory (`pouchdb-server --in-memory`'s adapter, its
# fastest form): bench/couch/ (npm packages pinned by its package-lock.json,
# installed on first use).  BENCH_COUCH=0 skips it.
COUCH_MS=""
COUCH_MEM_MS=""
if [ "${BENCH_COUCH:-1}" != 0 ] && command -v node >/dev/null 2>&1; then
  for store in disk memory; do
    echo "  CouchDB-protocol peer, $store (bench/couch/run.sh, $RUNS runs)..." >&2
    settle
    if bash "$HERE/couch/run.sh" --runs "$RUNS" --orgs 500 --store "$store" >"$T/couch.out" 2>"$T/couch.err"; then
      cv() { awk -v k="$1" '$1 == k {print $2}' "$T/couch.out"; }
      if [ "$store" = disk ]; then
        COUCH_MS=$(cv couch_sync_ms)
        what="pouchdb-server (LevelDB), acknowledged and synced to disk"
      else
        COUCH_MEM_MS=$(cv couch_sync_ms)
        what="pouchdb-server in memory (its --in-memory adapter; nothing on disk)"
      fi
      row "CouchDB-protocol peer: PouchDB replicates the same 6,000 reports + 500 filings to $what" \
        "$(cv couch_sync_ms) ms; $(cv couch_requests) requests; $(cv couch_bytes_per_doc) B per document; CPU $(cv couch_cpu_s) s" "" \
        "bench/couch/run.sh --runs $RUNS --orgs 500 --store $store"
    else
      echo "  CouchDB-protocol peer ($store) not run: $(tail -n 1 "$T/couch.err")" >&2
    fi
  done
fi
SYNC_TARGET=""
[ -n "$COUCH_MS" ] && SYNC_TARGET="<= $((COUCH_MS / 25)) ms (25x faster than the durable peer's $COUCH_MS ms)"
[ -n "$COUCH_MEM_MS" ] && SYNC_TARGET="${SYNC_TARGET:+$SYNC_TARGET; }<= $((COUCH_MEM_MS / 15)) ms (15x faster than the in-memory peer's $COUCH_MEM_MS ms)"
[ -n "$SYNC_TARGET" ] || SYNC_TARGET="(the CouchDB-protocol peer was not run)"

# -- a node's whole sync of 6,000 monthly reports ----------------------------
"$BN" "$T/big" http://127.0.0.1:9 "" 120105002001 500 6000 >"$T/big.out" || echo "bench_node failed" >&2
BKEY=$(awk '/node_key/ {print $2}' "$T/big.out")
for policy in on off; do
settle
for r in $(seq 1 "$RUNS"); do
  rm -rf "$T/bs" "$T/bn"
  "$HUB" --dir "$T/bs" init --role street --name 望海樓街 >/dev/null
  "$HUB" --dir "$T/bs" policy auto-accept "$policy" >/dev/null
  "$HUB" --dir "$T/bs" enroll --name 社區2001 --key "$BKEY" --code 120105002001 >/dev/null
  serve BS "$T/bs"
  cp -a "$T/big" "$T/bn"
  # point the copy at this run's hub (the node's meta holds the hub URL)
  sqlite3 "$T/bn/node.db" "UPDATE meta SET value='$BS_URL/' WHERE key='hub_url'" 2>/dev/null
  h0=$(awk '{print $14 + $15}' "/proc/$BS_PID/stat")
  t0=$(ms)
  TIMEFORMAT='%U %S'
  { time (for k in 1 2 3 4 5 6 7 8 9 10; do "$NODE" --dir "$T/bn" sync >/dev/null 2>&1 && break; done); } 2>"$T/ncpu"
  t1=$(ms)
  h1=$(awk '{print $14 + $15}' "/proc/$BS_PID/stat")
  acked=$("$NODE" --dir "$T/bn" status --json | sed 's/.*"acknowledged":\([0-9]*\).*/\1/')
  [ "$acked" = 6500 ] || echo "6,000-report sync: acknowledged $acked of 6500" >&2
  # CPU milliseconds of the node (user + system) and of the street hub (clock ticks of 10 ms)
  echo "$(awk '{printf "%d", ($1 + $2) * 1000}' "$T/ncpu") $(( (h1 - h0) * 10 ))" >>"$T/cpu.$policy"
  echo $((t1 - t0))
  stop "$BS_PID"
done | median >"$T/v"
row "a node's whole sync of 6,000 monthly reports + 500 filings, acknowledged and durable (street auto-accept $policy)" "$(cat "$T/v") ms" "$SYNC_TARGET" "time linli-node sync (fresh street hub each run; linli-hub policy auto-accept $policy)"
row "... CPU of that sync: node + street hub (auto-accept $policy)" \
  "$(awk '{print $1}' "$T/cpu.$policy" | median) ms + $(awk '{print $2}' "$T/cpu.$policy" | median) ms" "" \
  "bash time of linli-node sync; /proc/PID/stat of linli-hub serve"
done
# ... and its bytes on the wire, once, through the counting proxy (not timed)
rm -rf "$T/bs" "$T/bn"
"$HUB" --dir "$T/bs" init --role street --name 望海樓街 >/dev/null
"$HUB" --dir "$T/bs" enroll --name 社區2001 --key "$BKEY" --code 120105002001 >/dev/null
serve BS "$T/bs"
proxy BP "$BS_URL"
cp -a "$T/big" "$T/bn"
sqlite3 "$T/bn/node.db" "UPDATE meta SET value='$BP_URL/' WHERE key='hub_url'" 2>/dev/null
"$NODE" --dir "$T/bn" sync >/dev/null 2>&1 || echo "6,000-report sync through the proxy failed" >&2
read -r bq bi bo < <(counts "$BP_PID" "$T/BP.log")
row "wire: the 6,000-report + 500-filing sync (street default policy), bytes per record, HTTP headers included" \
  "$(( bi / 6500 )).$(( bi * 10 / 6500 % 10 )) B up, $(( bo / 6500 )).$(( bo * 10 / 6500 % 10 )) B down; $bq requests" "<= 100 B" \
  "fault_proxy byte counts around linli-node sync"
stop "$BP_PID"
stop "$BS_PID"

# -- 100 communities reconnect together after an outage ------------------------
"$HUB" --dir "$T/od" init --role district --name 河北區協會 >"$T/od.init"
DKEY=$(tail -n 1 "$T/od.init")
"$HUB" --dir "$T/os" init --role street --name 望海樓街 --upstream http://127.0.0.1:9 \
  --upstream-key "$DKEY" >"$T/os.init"
OSKEY=$(tail -n 1 "$T/os.init")
"$HUB" --dir "$T/od" enroll --name 望海樓街 --key "$OSKEY" >/dev/null
proxy OP http://127.0.0.1:9
seq 1 100 | xargs -P 8 -I{} sh -c "\"$BN\" \"$T/o{}\" \"$OP_URL\" \"$OSKEY\" \$(printf '1201050030%02d' \$(( {} % 100 ))) 50 50 > \"$T/o{}.out\""
for i in $(seq 1 100); do
  key=$(awk '/node_key/ {print $2}' "$T/o$i.out")
  "$HUB" --dir "$T/os" enroll --name "社區3$i" --key "$key" --code "$(printf '1201050030%02d' $((i % 100)))" >/dev/null
done
mkdir -p "$T/otpl" && cp -a "$T"/o[0-9]* "$T/os" "$T/od" "$T/otpl/"
# One run per policy (each can take minutes), capped at OUTAGE_CAP_S seconds.
CAP_MS=$(( ${OUTAGE_CAP_S:-120} * 1000 ))
for policy in on off; do
for r in 1; do
  rm -rf "$T/run" && cp -a "$T/otpl" "$T/run"
  "$HUB" --dir "$T/run/os" policy auto-accept "$policy" >/dev/null
  serve OD "$T/run/od"
  sqlite3 "$T/run/os/hub.db" "UPDATE config SET value='$OD_URL/' WHERE key='upstream_url'" 2>/dev/null
  serve OS "$T/run/os"
  # each node from an address of its own, as on their own networks (the hub
  # limits what one address may have in flight)
  echo "target=${OS_URL##*//} spread=100" >"$T/OP.ctl"
  t0=$(ms)
  spids=()
  for i in $(seq 1 100); do
    # each node retries as its serve loop would (sooner: the bench measures the hubs)
    ( for k in $(seq 1 60); do "$NODE" --dir "$T/run/o$i" sync >/dev/null 2>&1 && break; sleep 1; done
      echo "$k" >"$T/run/o$i.tries" ) &
    spids+=($!)
  done
  want=$((100 * 100))
  while :; do
    got=$(sqlite3 -cmd ".timeout 5000" "$T/run/od/hub.db" "SELECT count(*) FROM entries e JOIN authors a ON a.key=e.author WHERE a.role='community'" 2>/dev/null || echo 0)
    [ "${got:-0}" -ge "$want" ] && break
    [ $(( $(ms) - t0 )) -gt "$CAP_MS" ] && { echo "outage: only $got of $want at the district after $((CAP_MS / 1000)) s" >&2; echo "$got" >"$T/outage.got"; break; }
    sleep 0.1
  done
  t1=$(ms)
  stop "$OS_PID"; stop "$OD_PID"
  for p in "${spids[@]}"; do kill "$p" 2>/dev/null; done
  wait "${spids[@]}" 2>/dev/null
  echo "outage run $r: $(cat "$T"/run/o*.tries | awk '$1 > 1' | wc -l) of 100 nodes needed more than one sync pass" >&2
  echo $((t1 - t0))
done | median >"$T/v"
if [ -s "$T/outage.got" ]; then
  v="not done after $((CAP_MS / 1000)) s: $(cat "$T/outage.got") of 10000 entries at the district"
  rm -f "$T/outage.got"
else
  v="$(cat "$T/v") ms"
fi
row "100 communities (a month each: 50 filings + 50 reports) reconnect together: all at the district (street auto-accept $policy)" "$v" "" "100 x linli-node sync at once; poll the district's entries (1 run)"
done

# -- the dashboard's district API: engineer H's benchmark prints its own table
if [ -x "$B/bench/dashboard_api_bench" ]; then
  echo "  district API: dashboard_api_bench (2,000 organisations x 5 years)" >&2
  "$B/bench/dashboard_api_bench" >"$T/dash" 2>/dev/null || echo "(dashboard_api_bench failed)" >"$T/dash"
fi

# -- every dashboard answer over HTTP (real serve, curl), warm and cold -------
if [ -x "$B/bench/dashboard_api_bench" ]; then
  echo "  district API over HTTP: bench/dashboard_http.sh (2,000 organisations x 5 years)" >&2
  bash "$HERE/dashboard_http.sh" "$B" --runs 5 >"$T/dashhttp" 2>"$T/dashhttp.err" ||
    echo "(dashboard_http.sh failed: $(tail -n 1 "$T/dashhttp.err"))" >"$T/dashhttp"
fi

echo
echo "| figure | median of $RUNS | target | command |"
echo "|---|---|---|---|"
printf '%s\n' "${ROWS[@]}"
if [ -s "$T/dash" ]; then
  echo
  echo "District API answers (\`dashboard_api_bench\`, bench/dashboard_api.c):"
  echo
  cat "$T/dash"
fi
if [ -s "$T/dashhttp" ]; then
  echo
  echo "The same answers over HTTP (\`bench/dashboard_http.sh\`; target <= 20 ms warm and cold;"
  echo "a city's figures: \`bench/city.sh\`, docs/scale.md):"
  echo
  cat "$T/dashhttp"
  grep -h 'skipped' "$T/dashhttp.err" 2>/dev/null || true
fi
