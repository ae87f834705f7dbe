# lib.sh - the fault harness's helpers: a district hub, a street hub and community
# nodes on loopback, each hub behind its own fault_proxy (tests/fault/proxy.c),
# so that a hub killed and restarted on a new port is reached at the same URL.
# After every trial, f_check proves that nothing acknowledged was lost or
# duplicated; f_report prints the counts per trial kind.
# Usage: source this file with BIN (build dir) and PROXY (fault_proxy) set.
set -u

: "${BIN:?BIN must name the build directory}"
: "${PROXY:?PROXY must name the fault_proxy binary}"
NODE="$BIN/node/linli-node"
HUB="$BIN/hub/linli-hub"
F=$(mktemp -d "${TMPDIR:-/tmp}/linli-fault.XXXXXX")
F_PIDS=()
export LINLI_LOG=${LINLI_LOG:-error}
export LINLI_FORWARD_BACKOFF_MAX_MS=${LINLI_FORWARD_BACKOFF_MAX_MS:-300}
SOAK=${LINLI_SOAK:-0}
declare -A TRIALS LOST DUPS
F_FAILS=0

f_cleanup() {
  local p
  # Only processes this shell started and has not reaped yet: a PID it has
  # reaped may belong to anybody by now (PIDs wrap during a soak).
  for p in $(jobs -p); do kill -9 "$p" 2>/dev/null; done
  for p in "${F_PIDS[@]:-}"; do [ -n "$p" ] && f_alive "$p" && kill -9 "$p" 2>/dev/null; done
  wait 2>/dev/null
  if [ "${FAULT_KEEP:-0}" = 1 ]; then echo "kept $F" >&2; else rm -rf "$F"; fi
}
trap f_cleanup EXIT

f_fail() { echo "FAIL: $*" >&2; F_FAILS=$((F_FAILS + 1)); }
f_die() { echo "FAIL: $*" >&2; exit 1; }

# trials N: N in short mode, N*LINLI_SOAK_FACTOR (default 10) in soak mode.
trials() { if [ "$SOAK" = 1 ]; then echo $(($1 * ${LINLI_SOAK_FACTOR:-10})); else echo "$1"; fi; }

# rsleep MAX_MS: sleep a random time in [0, MAX_MS].
rsleep() {
  local ms=$((RANDOM * 32768 + RANDOM))
  ms=$((ms % ($1 + 1)))
  sleep "$((ms / 1000)).$(printf %03d $((ms % 1000)))"
}

# f_url_wait FILE PID: the first line of FILE once it is a URL.
f_url_wait() {
  local i url
  for i in $(seq 1 200); do
    url=$(head -n 1 "$1" 2>/dev/null || true)
    case "$url" in http*://*) echo "${url%/}"; return 0 ;; esac
    kill -0 "$2" 2>/dev/null || return 1
    sleep 0.05
  done
  return 1
}

# f_proxy NAME: start a proxy whose control file is $F/NAME.ctl; sets NAME_PURL.
f_proxy() {
  : >"$F/$1.ctl"
  "$PROXY" "$F/$1.ctl" "$RANDOM" >"$F/$1.purl" 2>"$F/$1.plog" &
  local pid=$!
  F_PIDS+=("$pid")
  local url
  url=$(f_url_wait "$F/$1.purl" "$pid") || f_die "proxy $1 did not start"
  printf -v "${1}_PURL" '%s' "$url"
  printf -v "${1}_PROXY_PID" '%s' "$pid"
}

# f_ctl NAME [key=value ...]: set the proxy's behaviour (the target is kept).
f_ctl() {
  local name=$1; shift
  local port
  port=$(cat "$F/$name.port" 2>/dev/null || echo 0)
  echo "target=127.0.0.1:$port $*" >"$F/$name.ctl"
}

# f_hub_start NAME: serve hub $F/NAME on port 0 and point its proxy at it.
f_hub_start() {
  local name=$1 env=${2:-}
  rm -f "$F/$name.out"
  env $env "$HUB" --dir "$F/$name" serve --listen 127.0.0.1:0 >"$F/$name.out" 2>>"$F/$name.err" &
  local pid=$!
  F_PIDS+=("$pid")
  local url
  url=$(f_url_wait "$F/$name.out" "$pid") || { tail -5 "$F/$name.err" >&2; f_die "hub $name did not start"; }
  echo "${url##*:}" >"$F/$name.port"
  printf -v "${name}_PID" '%s' "$pid"
  local extra
  extra=$(cut -d' ' -f2- "$F/$name.ctl" 2>/dev/null | grep -v '^target=' || true)
  f_ctl "$name" $extra
}

# f_forget PID: drop a reaped PID from F_PIDS, so that cleanup never signals
# a process that reused it.
f_forget() {
  local p keep=()
  for p in "${F_PIDS[@]:-}"; do [ -n "$p" ] && [ "$p" != "$1" ] && keep+=("$p"); done
  F_PIDS=("${keep[@]:-}")
}

# f_alive PID: 1 when PID is still a child of this shell that has not exited.
f_alive() { [ "$(awk '/^PPid:/ {print $2}' "/proc/$1/status" 2>/dev/null)" = "$$" ]; }

# f_hub_kill NAME: kill -9 the hub; f_hub_stop NAME: SIGTERM and wait.
f_hub_kill() {
  local v="${1}_PID"
  kill -9 "${!v}" 2>/dev/null
  wait "${!v}" 2>/dev/null
  f_forget "${!v}"
  true
}
f_hub_stop() {
  local v="${1}_PID"
  kill "${!v}" 2>/dev/null
  wait "${!v}" 2>/dev/null
  f_forget "${!v}"
  true
}

# f_setup NNODES: district D and street S (each behind a proxy), NNODES nodes n1..
f_setup() {
  f_proxy D
  f_proxy S
  "$HUB" --dir "$F/D" init --role district --name 河北區協會 >"$F/D.init" || f_die "district init"
  DKEY=$(tail -n 1 "$F/D.init")
  f_hub_start D
  "$HUB" --dir "$F/S" init --role street --name 望海樓街 --upstream "$D_PURL" \
    --upstream-key "$DKEY" >"$F/S.init" || f_die "street init"
  SKEY=$(tail -n 1 "$F/S.init")
  "$HUB" --dir "$F/D" enroll --name 望海樓街 --key "$SKEY" >/dev/null || f_die "enrol street"
  f_hub_start S
  NNODES=$1
  local i
  for i in $(seq 1 "$NNODES"); do f_node_add "$i"; done
}

# f_node_add I: a community node n$I enrolled at the street, with one organisation.
f_node_add() {
  local i=$1 code
  code=$(printf '1201050010%02d' "$i")
  "$NODE" --dir "$F/n$i" init --community "社區$i" --street 望海樓街 --hub "$S_PURL" \
    --code "$code" --hub-key "$SKEY" >"$F/n$i.init" || f_die "node $i init"
  tail -n 1 "$F/n$i.init" >"$F/n$i.key"
  "$HUB" --dir "$F/S" enroll --name "社區$i" --key "$(cat "$F/n$i.key")" --code "$code" \
    >/dev/null || f_die "enrol node $i"
  "$NODE" --dir "$F/n$i" org file --filed 2025-01-01 --name "社區${i}夕陽紅志願服務隊" --category 為老服務 \
    --leader 王秀英 --phone 13800000000 --members 20 --party-members 3 | tail -n 1 >"$F/n$i.org" ||
    f_die "node $i filing"
}

# f_write I TAG: one monthly report whose content carries the unique TAG;
# status 0 when the node said it is stored (acknowledged to the user).
f_write() {
  local m=$(( $(echo "$2" | cksum | cut -d' ' -f1) % 10 + 1 ))
  "$NODE" --dir "$F/n$1" report monthly --org "$(cat "$F/n$1.org")" \
    --month "$(printf '2026-%02d' "$m")" --activities 3 --participants 40 \
    --party-participants 2 --content "探訪獨居老人 $2" >/dev/null 2>&1
}

q() { sqlite3 -cmd ".timeout 10000" "$@"; }

# node_acked I: the highest sequence the node holds a receipt for.
node_acked() { q "$F/n$1/node.db" "SELECT coalesce(max(seq),0) FROM receipts"; }
node_written() { q "$F/n$1/node.db" "SELECT coalesce(max(seq),0) FROM log"; }
# hub_head HUB AUTHORHEX: how many entries of the author the hub holds.
hub_head() { q "$F/$1/hub.db" "SELECT coalesce(max(seq),0) FROM entries WHERE author=x'$2'"; }

# f_check_acked KIND: what a node was told is acknowledged is held by the street,
# and what the street was told the district holds is held there (counted as
# lost otherwise).  Run right after a fault, before anything heals.
f_check_acked() {
  local kind=$1 i key a h lost=0
  for i in $(seq 1 "$NNODES"); do
    key=$(cat "$F/n$i.key")
    a=$(node_acked "$i")
    h=$(hub_head S "$key")
    [ "$h" -ge "$a" ] || { f_fail "$kind: street holds $h of node $i but acknowledged $a"; lost=$((lost + a - h)); }
  done
  while IFS='|' read -r key a; do
    [ -n "$key" ] || continue
    h=$(hub_head D "$key")
    [ "$h" -ge "$a" ] || { f_fail "$kind: district holds $h of $key but acknowledged $a"; lost=$((lost + a - h)); }
  done < <(q "$F/S/hub.db" "SELECT hex(author), acked_seq FROM forward")
  LOST[$kind]=$(( ${LOST[$kind]:-0} + lost ))
}

# f_heal: proxies clean, hubs up, every node synced, the street's forward done.
f_heal() {
  f_ctl D; f_ctl S
  kill -0 "$D_PID" 2>/dev/null || f_hub_start D
  kill -0 "$S_PID" 2>/dev/null || f_hub_start S
  local i t
  for i in $(seq 1 "$NNODES"); do
    for t in 1 2 3 4 5 6 7 8 9 10; do
      "$NODE" --dir "$F/n$i" sync >/dev/null 2>"$F/sync.err" && break
      sleep 0.2
    done
    [ "$t" -lt 10 ] || { cat "$F/sync.err" >&2; f_fail "node $i never synced after healing"; }
  done
  # wait until the district holds everything the street holds
  local deadline=$((SECONDS + 60)) due
  while :; do
    due=$(q "$F/S/hub.db" "SELECT count(*) FROM authors a LEFT JOIN forward f ON f.author=a.key
                           WHERE a.head_seq > coalesce(f.acked_seq,0)")
    # and the district's own heads say so (not only the street's receipts)
    [ "$due" = 0 ] && [ "$(f_behind)" = 0 ] && break
    [ "$SECONDS" -ge "$deadline" ] && { f_fail "the street never finished forwarding ($due authors due)"; break; }
    # The served loop idles 30 s after a good round unless a push wakes it;
    # the operator's one-round command saves the harness that wait.
    [ $((SECONDS % 3)) = 2 ] && "$HUB" --dir "$F/S" forward >/dev/null 2>&1
    sleep 0.2
  done
}

# f_behind: authors the street holds more of than the district does.
f_behind() {
  local key h n=0
  while IFS='|' read -r key h; do
    [ -n "$key" ] || continue
    [ "$(hub_head D "$key")" -ge "$h" ] || n=$((n + 1))
  done < <(q "$F/S/hub.db" "SELECT hex(key), head_seq FROM authors WHERE head_seq > 0")
  echo "$n"
}

# f_chain HUB: every author's entries are 1..n without gaps, each prev the hash before.
f_chain() {
  local bad
  bad=$(q "$F/$1/hub.db" "SELECT (SELECT count(*) FROM (SELECT author FROM entries GROUP BY author
                             HAVING count(*) != max(seq) OR min(seq) != 1)) +
                          (SELECT count(*) FROM entries a JOIN entries b ON b.author=a.author
                             AND b.seq=a.seq+1 WHERE b.prev != a.hash)")
  [ "$bad" = 0 ] || f_fail "$1: $bad broken chains"
}

# f_dump_proj HUB: every table but the logs, each row sorted (rowids differ
# after a rebuild); two sqlite3 processes, since the harness runs it per trial.
# (not data_gen, which every write transaction counts up, nor answers, the
# dashboard answers kept under it: hub/answers.h)
f_dump_proj() {
  local sql
  sql=$(q "$F/$1/hub.db" "SELECT 'SELECT ''' || name || ''', * FROM \"' || name || '\";'
    FROM sqlite_master WHERE type='table' AND name NOT IN ('entries','changesets','forks',
    'forward','upstream_feed','config','authors','enroll_requests','data_gen','answers')
    AND name NOT LIKE 'sqlite_%' ORDER BY name")
  q "$F/$1/hub.db" "$sql" | LC_ALL=C sort
}

# f_check KIND: heal, then the district and the street hold exactly each node's
# log (same sequence numbers and hashes), chains intact, projections equal to a
# rebuild.  Adds the trial to the counts.
f_check() {
  local kind=$1 i key n d s lost=0 dup=0
  TRIALS[$kind]=$(( ${TRIALS[$kind]:-0} + 1 ))
  f_heal
  for i in $(seq 1 "$NNODES"); do
    key=$(cat "$F/n$i.key")
    n=$(q "$F/n$i/node.db" "SELECT seq||':'||hex(hash) FROM log ORDER BY seq" | md5sum)
    for hub in S D; do
      d=$(q "$F/$hub/hub.db" "SELECT seq||':'||hex(hash) FROM entries WHERE author=x'$key' ORDER BY seq" | md5sum)
      if [ "$n" != "$d" ]; then
        s=$(node_written "$i"); d=$(hub_head "$hub" "$key")
        f_fail "$kind: $hub holds $d entries of node $i, the node $s (or different ones)"
        [ "$d" -lt "$s" ] && lost=$((lost + s - d)) || dup=$((dup + d - s + 1))
      fi
    done
    s=$(q "$F/n$i/node.db" "SELECT count(*) - count(DISTINCT content) FROM reports")
    [ "$s" = 0 ] || { f_fail "$kind: node $i holds a report twice"; dup=$((dup + s)); }
  done
  f_chain S; f_chain D
  LOST[$kind]=$(( ${LOST[$kind]:-0} + lost ))
  DUPS[$kind]=$(( ${DUPS[$kind]:-0} + dup ))
  if [ "${F_REBUILD:-1}" = 1 ]; then f_check_rebuild "$kind"; fi
}

# f_check_rebuild KIND: rebuild each hub's projection and compare.  The hubs
# keep running (healed and idle; rebuild takes the write lock like any writer),
# which spares the harness two restarts per trial.
f_check_rebuild() {
  local hub
  for hub in S D; do
    f_dump_proj "$hub" >"$F/$hub.proj1"
    "$HUB" --dir "$F/$hub" rebuild >/dev/null 2>"$F/rebuild.err" || { cat "$F/rebuild.err" >&2; f_fail "$1: $hub rebuild failed"; }
    f_dump_proj "$hub" >"$F/$hub.proj2"
    cmp -s "$F/$hub.proj1" "$F/$hub.proj2" || { diff "$F/$hub.proj1" "$F/$hub.proj2" | head -5 >&2; f_fail "$1: $hub projection differs from a rebuild"; }
  done
}

# f_report NAME: the counts per kind; exit status 1 on any failure.
f_report() {
  local k total_l=0 total_d=0
  echo "$1: trials per kind (lost entries, duplicated entries):"
  for k in $(printf '%s\n' "${!TRIALS[@]}" | sort); do
    printf '  %-28s %4d trials  lost %d  duplicated %d\n' "$k" "${TRIALS[$k]}" "${LOST[$k]:-0}" "${DUPS[$k]:-0}"
    total_l=$((total_l + ${LOST[$k]:-0})); total_d=$((total_d + ${DUPS[$k]:-0}))
  done
  echo "$1: lost $total_l, duplicated $total_d, failures $F_FAILS"
  [ "$F_FAILS" = 0 ] && [ "$total_l" = 0 ] && [ "$total_d" = 0 ]
}
