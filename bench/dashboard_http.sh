#!/usr/bin/env bash
# bench/dashboard_http.sh - every dashboard answer over HTTP from a real
# `linli-hub serve` on a free loopback port, timed by curl (time_total: connect,
# request, answer, transfer).  Prints one markdown table:
#   warm        median of RUNS requests after a first one (the hub keeps the
#               answers of the current database version: hub/dashboard.c)
#   after write median of RUNS requests each right after a write to the
#               database by another process (`linli-hub dashboard due-day`),
#               so the hub computes the answer again from a warm page cache
#   cold        the first request after the hub starts, with the OS page cache
#               dropped (`sync; echo 3 > /proc/sys/vm/drop_caches`), median of
#               --cold N such starts (default 3; 0: none), nothing
#               written to the database since the hub last gave that answer
#               (it keeps its answers in the database: hub/answers.h): root
#               only, skipped with a message otherwise
#   cold after a write  the same, but the hub is started right after a write
#               by another process (the due day set back), so that it computes
#               the answer from a cold disk (rounds one to three: "cold")
# Figures, never pass/fail.
#
#   bench/dashboard_http.sh [BUILD_DIR] [--hub DIR] [--communities N] [--orgs N]
#                           [--months N] [--runs N] [--paged] [--cold N]
#                           [--max-time SECONDS] [--skip REGEX]
#
# Without --hub it writes a district (40 communities x 50 organisations x 60
# months by default) with `dashboard_api_bench --gen-only`, through the real
# ingest path in-process.  --hub uses a hub written before (bench/city.sh);
# it is changed only by the operator account this adds and the due day it
# sets back as it was (it moves it a day and back for the "after a write" runs).  --paged asks the long answers for ?page=1&per_page=500
# and for their last page as well; an answer is computed whole and then cut,
# so a later page is timed warm only, and (a city's answers take seconds to
# compute) the "after a write" column is the first request of the answer,
# computed afresh (no write needed: nothing was kept yet).  --max-time bounds
# every request (curl --max-time; default 600 s): one that takes longer shows
# as not answered.  --skip leaves out the answers whose label matches REGEX
# (grep -E): the hub computes an answer under its lock, so one that takes
# longer than --max-time holds up every request after it.  With --paged the
# "after a write" column also times one request right after a write: an
# answer whose computation took 200 ms or more comes from that computation,
# marked "updating" ("given behind": `linli-hub serve --answer-wait`), while
# the hub computes it again.
set -u
B=build
HUBDIR=""
GEN=(--communities 40 --orgs 50 --months 60)
RUNS=${BENCH_RUNS:-5}
PAGED=0
COLD=3
MAXT=600
SKIP=""
if [ $# -gt 0 ] && [ "${1#--}" = "$1" ]; then B=$1; shift; fi
while [ $# -gt 0 ]; do
  case "$1" in
    --hub) HUBDIR=$2; shift 2 ;;
    --communities) GEN[1]=$2; shift 2 ;;
    --orgs) GEN[3]=$2; shift 2 ;;
    --months) GEN[5]=$2; shift 2 ;;
    --runs) RUNS=$2; shift 2 ;;
    --paged) PAGED=1; shift ;;
    --cold) COLD=$2; shift 2 ;;
    --max-time) MAXT=$2; shift 2 ;;
    --skip) SKIP=$2; shift 2 ;;
    *) echo "dashboard_http.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
B=$(cd "$B" && pwd)
HUB=$B/hub/linli-hub
GENB=$B/bench/dashboard_api_bench
for x in "$HUB" "$GENB"; do
  [ -x "$x" ] || { echo "dashboard_http.sh: $x is missing: cmake --build $B --target bench" >&2; exit 1; }
done
command -v curl >/dev/null || { echo "dashboard_http.sh: curl is missing" >&2; exit 1; }
T=$(mktemp -d "${TMPDIR:-/tmp}/linli-dashhttp.XXXXXX")
PID=""
cleanup() {
  [ -n "$PID" ] && kill "$PID" 2>/dev/null && wait "$PID" 2>/dev/null
  rm -rf "$T"
}
trap cleanup EXIT
export LINLI_LOG=error
median() { sort -g | awk '{a[NR]=$1} END {if (NR==0) print "n/a"; else if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }

if [ -z "$HUBDIR" ]; then
  HUBDIR=$T/hub
  echo "writing the hub: dashboard_api_bench --gen-only ${GEN[*]}" >&2
  "$GENB" --gen-only "$HUBDIR" "${GEN[@]}" >"$T/gen" || exit 1
fi
ORGS=$(sqlite3 "$HUBDIR/hub.db" "SELECT count(*) FROM organisations" 2>/dev/null || echo "?")
REPORTS=$(sqlite3 "$HUBDIR/hub.db" "SELECT count(*) FROM reports" 2>/dev/null || echo "?")
COMMS=$(sqlite3 "$HUBDIR/hub.db" "SELECT count(*) FROM communities" 2>/dev/null || echo "?")

OP=基准操作员
PW=bench-dashboard-pw
printf '%s\n' "$PW" | "$HUB" --dir "$HUBDIR" operator add "$OP" --role street >/dev/null 2>&1 ||
  printf '%s\n' "$PW" | "$HUB" --dir "$HUBDIR" operator reset-password "$OP" >/dev/null 2>&1 || true
DUE=$("$HUB" --dir "$HUBDIR" dashboard due-day | grep -o '[0-9]\+' | head -n 1)

start() {
  "$HUB" --dir "$HUBDIR" serve --listen 127.0.0.1:0 >"$T/url" 2>"$T/err" &
  PID=$!
  local i
  for i in $(seq 1 400); do
    grep -q '^http' "$T/url" 2>/dev/null && break
    sleep 0.05
  done
  URL=$(head -n 1 "$T/url" | sed 's,/$,,')
  [ -n "$URL" ] || { echo "dashboard_http.sh: the hub did not start: $(cat "$T/err")" >&2; exit 1; }
}
stop() {
  # the hub's peak resident memory, for the line after the table
  [ -n "$PID" ] && awk '/VmHWM/ {print $2}' "/proc/$PID/status" >>"$T/hwm" 2>/dev/null
  [ -n "$PID" ] && kill "$PID" 2>/dev/null && wait "$PID" 2>/dev/null
  PID=""
}
login() {
  curl -sf -c "$T/jar" -o /dev/null --data-urlencode name="$OP" --data-urlencode password="$PW" \
    "$URL/login" || { echo "dashboard_http.sh: login failed" >&2; exit 1; }
}
# get PATH: "seconds bytes status" of one request
get() {
  curl -s --max-time "$MAXT" -b "$T/jar" -o /dev/null \
    -w '%{time_total} %{size_download} %{http_code}\n' "$URL$1"
}
ms() { awk '{printf "%.1f\n", $1 * 1000}'; }

# The months the in-process bench asks for (bench/dashboard_api.c).
cur=$(TZ=Asia/Shanghai date +%Y-%m)
mi() { echo $(( 10#${1%-*} * 12 + 10#${1#*-} - 1 )); }
ms_of() { printf '%04d-%02d' $(( $1 / 12 )) $(( $1 % 12 + 1 )); }
m=$(mi "$cur")
END=$(ms_of $((m - 1)))
FROM12=$(ms_of $((m - 12)))
FROMALL=$(ms_of $((m - ${GEN[5]})))
ORG=$(sqlite3 "$HUBDIR/hub.db" "SELECT id FROM organisations ORDER BY id LIMIT 1" 2>/dev/null)
LAST_YEAR=$(TZ=Asia/Shanghai date +%Y)
CAT=$(printf '文体活动' | curl -Gso /dev/null -w '%{url_effective}' --data-urlencode "c=$(cat)" http://x/ | sed 's/.*c=//')

SKIPPED=()
CASES=(
  "hierarchy|/api/v1/dashboard/hierarchy"
  "hierarchy?category=文体活动|/api/v1/dashboard/hierarchy?category=$CAT"
  "completeness?month=(last)|/api/v1/dashboard/completeness?month=$END"
  "activity (12 months)|/api/v1/dashboard/activity?from=$FROM12&to=$END"
  "activity (all months)|/api/v1/dashboard/activity?from=$FROMALL&to=$END"
  "attention|/api/v1/dashboard/attention"
  "stations|/api/v1/dashboard/stations"
  "funding|/api/v1/dashboard/funding?year=$LAST_YEAR"
  "org/{id}|/api/v1/dashboard/org/$ORG"
  "hierarchy.csv?table=organisations|/api/v1/dashboard/hierarchy.csv?table=organisations"
  "completeness.csv?table=missing|/api/v1/dashboard/completeness.csv?table=missing&month=$END"
)
if [ -n "$SKIP" ]; then
  P=()
  for c in "${CASES[@]}"; do
    if echo "${c%%|*}" | grep -Eq "$SKIP"; then SKIPPED+=("${c%%|*}"); else P+=("$c"); fi
  done
  CASES=("${P[@]}")
fi
if [ "$PAGED" = 1 ]; then
  P=()
  for c in "${CASES[@]}"; do
    path=${c#*|}
    case "$path" in *\?*) sep='&' ;; *) sep='?' ;; esac
    P+=("${c%%|*} page 1|$path${sep}page=1&per_page=500")
  done
  CASES=("${P[@]}")
fi

# --paged: the first request of each answer is one the hub computes while
# it waits: nothing kept from an earlier run (the kept answers and the
# requests watched, which `serve` would compute at its start, cleared), and
# each timed once the hub has finished what it computes behind the one
# before (the whole answer behind a page computed alone: hub/dashboard.h).
[ "$PAGED" = 1 ] &&
  sqlite3 "$HUBDIR/hub.db" "DELETE FROM answers; DELETE FROM answer_pages; DELETE FROM answer_watch"
start
login
kept_n() { sqlite3 "$HUBDIR/hub.db" "SELECT count(*) FROM answers" 2>/dev/null || echo 0; }
# Wait (at most 120 s) until more than $1 answers are kept.
kept_after() {
  local i
  for i in $(seq 1 1200); do
    [ "$(kept_n)" -gt "$1" ] && return
    sleep 0.1
  done
}
# The most pages a table of the JSON answer in file $1 has (1 when none).
pages_of() {
  python3 -c 'import json, sys
try:
    d = json.load(open(sys.argv[1]))
    print(max([t["pages"] for t in d.get("paging", {}).get("tables", {}).values()] or [1]))
except Exception:
    print(1)' "$1" 2>/dev/null
}
# --paged: the last page of each long answer too (the page count it gives;
# a CSV's is its table's in the JSON answer).  First the start's own
# computation awaited (at a city `serve` loads the organisations, the
# monthly reports and the year's entries before anyone asks: the attention
# answer, kept when done), so that each first request times a computation
# on a hub that has started.
if [ "$PAGED" = 1 ]; then
  t0=$(date +%s.%N)
  kept_after 0
  echo "(the start's computation kept after $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }') s)" >&2
  EXTRA=()
  for c in "${CASES[@]}"; do
    path=${c#*|}
    jpath=${path/.csv?table=/?table=}
    key=$(echo "${c%%|*}" | md5sum | cut -c1-8)
    before=$(kept_n)
    curl -s --max-time "$MAXT" -b "$T/jar" -w '%{time_total}\n' -o "$T/page.json" "$URL$jpath" \
      >"$T/fresh.$key"
    kept_after "$before"
    n=$(pages_of "$T/page.json")
    if [ "${n:-1}" -gt 1 ]; then EXTRA+=("${c%% page 1|*} page $n|$(echo "$path" | sed "s/page=1&/page=$n\&/")"); fi
  done
  CASES+=("${EXTRA[@]}")
fi

echo "Dashboard over HTTP: $COMMS communities, $ORGS organisations, $REPORTS monthly reports" \
  "($(du -sh "$HUBDIR/hub.db" | cut -f1) database); curl time_total, median of $RUNS" \
  "(cold: of $COLD starts);" \
  "load average at the start $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores:"
echo
echo "| answer | warm ms | after a write ms | cold ms | cold after a write ms | bytes |"
echo "|---|---:|---:|---:|---:|---:|"
CANCOLD=0
if [ "$COLD" -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && [ -w /proc/sys/vm/drop_caches ]; then CANCOLD=1; else
    echo "(cold figures skipped: dropping the page cache needs root)" >&2
  fi
fi
for c in "${CASES[@]}"; do
  label=${c%%|*}
  path=${c#*|}
  first=$(get "$path")
  status=${first##* }
  if [ "$status" = 000 ]; then
    echo "| \`$label\` | no answer within $MAXT s | | | | |"
    continue
  fi
  [ "$status" = 200 ] || { echo "| \`$label\` | HTTP $status | | | | |"; continue; }
  bytes=$(echo "$first" | awk '{print $2}')
  warm=$(for r in $(seq 1 "$RUNS"); do get "$path" | ms; done | median)
  wruns=$RUNS
  [ "$PAGED" = 1 ] && wruns=1
  later=0
  case "$label" in *" page 1") ;; *" page "*) later=1 ;; esac
  if [ "$later" = 1 ]; then
    echo "| \`$label\` | $warm | (as page 1) | (as page 1) | (as page 1) | $bytes |"
    continue
  fi
  key=$(echo "$label" | md5sum | cut -c1-8)
  if [ "$PAGED" = 1 ] && [ -s "$T/fresh.$key" ]; then
    # one request right after a write: the serving hub gives an answer that
    # took seconds to compute from that computation, marked "updating"
    # (serve --answer-wait), and computes it again behind
    "$HUB" --dir "$HUBDIR" dashboard due-day $((DUE % 28 + 1)) >/dev/null 2>&1
    "$HUB" --dir "$HUBDIR" dashboard due-day "$DUE" >/dev/null 2>&1
    aw=$(curl -s --max-time "$MAXT" -b "$T/jar" -o "$T/after.out" -w '%{time_total}\n' "$URL$path" | ms)
    case "$path" in
      *.csv*) how="CSV, unmarked" ;;
      *) if grep -q '"updating":true' "$T/after.out"; then how="given behind"; else how="computed"; fi ;;
    esac
    written="$aw ($how); $(ms <"$T/fresh.$key") (first request)"
  else
  written=$(for r in $(seq 1 "$wruns"); do
    # a real change (the same value writes nothing): the due day and back
    if [ $((r % 2)) = 1 ]; then d=$((DUE % 28 + 1)); else d=$DUE; fi
    "$HUB" --dir "$HUBDIR" dashboard due-day "$d" >/dev/null 2>&1
    get "$path" | ms
  done | median)
  [ "$wruns" = 1 ] && written="$written (1 run)"
  fi
  cold="skipped (not root)"
  [ "$COLD" = 0 ] && cold="not asked"
  coldw=$cold
  # cold_get: restart the hub with the page cache dropped, time the request
  # into $got (not in a subshell: start sets PID and URL)
  cold_get() {
    stop
    sync
    echo 3 >/proc/sys/vm/drop_caches
    start
    got=$(get "$path")
    if [ "${got##* }" = 401 ]; then login; got=$(get "$path"); fi
    got=$(echo "$got" | ms)
  }
  if [ "$CANCOLD" = 1 ]; then
    cw=() cn=()
    for r in $(seq 1 "$COLD"); do
      # with a write just before the start (the database changed while the
      # hub was stopped: nothing it kept is current)
      "$HUB" --dir "$HUBDIR" dashboard due-day $((DUE % 28 + 1)) >/dev/null 2>&1
      "$HUB" --dir "$HUBDIR" dashboard due-day "$DUE" >/dev/null 2>&1
      cold_get
      cw+=("$got")
      # nothing written since the hub gave this answer (it gave it just now)
      cold_get
      cn+=("$got")
    done
    coldw=$(printf '%s\n' "${cw[@]}" | median)
    cold=$(printf '%s\n' "${cn[@]}" | median)
    [ "$COLD" = 1 ] && coldw="$coldw (1 run)" && cold="$cold (1 run)"
  else
    "$HUB" --dir "$HUBDIR" dashboard due-day "$DUE" >/dev/null 2>&1
  fi
  echo "| \`$label\` | $warm | $written | $cold | $coldw | $bytes |"
done
stop
for l in "${SKIPPED[@]}"; do echo "| \`$l\` | left out (--skip) | | | | |"; done
echo
echo "Peak resident memory of the serving hub: $(sort -g "$T/hwm" 2>/dev/null | tail -n 1 | awk '{printf "%d MiB", $1 / 1024}')."
