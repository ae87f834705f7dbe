#!/usr/bin/env bash
# bench/city.sh - a city on one hub: 5,000 communities x 50 organisations
# (250,000) x one year of monthly reports (about 2.9 million: one
# organisation in 25 skips a month).  Prints the ingest time, the `rebuild`
# time, the database's size, and every dashboard answer a page at a time
# (?page=&per_page=500, the first and the last page) over HTTP from a real
# `linli-hub serve`: bench/dashboard_http.sh.  Figures, never pass/fail;
# docs/scale.md has the figures of a run.
#
#   bench/city.sh [BUILD_DIR] [--hub DIR] [--keep DIR] [--communities N]
#                 [--orgs N] [--months N] [--runs N]
#   (CITY_SKIP=REGEX leaves out the answers whose label matches)
#
# The hub is written in-process by `dashboard_api_bench --gen-only`
# (bench/gen/gen_hub.c): every community enrolled, its filings and reports
# signed into changesets and taken in by hub_ingest_bundle, the same
# verification, storage, projection and durable commit as a push over HTTP
# but without the HTTP (one bundle of up to 64 changesets at a time, one
# community after another).  --hub DIR uses a hub written before (its ingest
# figure is not printed again); --keep DIR writes the hub there and leaves it.
# A full run takes a long time (here about 12 minutes to write, and more to
# rebuild): run it with nice.
set -u
B=build
HUBDIR=""
KEEP=""
C=5000 O=50 M=12 RUNS=3
if [ $# -gt 0 ] && [ "${1#--}" = "$1" ]; then B=$1; shift; fi
while [ $# -gt 0 ]; do
  case "$1" in
    --hub) HUBDIR=$2; shift 2 ;;
    --keep) KEEP=$2; shift 2 ;;
    --communities) C=$2; shift 2 ;;
    --orgs) O=$2; shift 2 ;;
    --months) M=$2; shift 2 ;;
    --runs) RUNS=$2; shift 2 ;;
    *) echo "city.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
B=$(cd "$B" && pwd)
HERE=$(cd "$(dirname "$0")" && pwd)
HUB=$B/hub/linli-hub
GENB=$B/bench/dashboard_api_bench
for x in "$HUB" "$GENB"; do
  [ -x "$x" ] || { echo "city.sh: $x is missing: cmake --build $B --target bench" >&2; exit 1; }
done
T=$(mktemp -d "${TMPDIR:-/tmp}/linli-city.XXXXXX")
trap 'rm -rf "$T"' EXIT
export LINLI_LOG=error
secs() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.1f", (b - a) / 1e9}'; }

echo "# A city on one hub"
echo
if [ -z "$HUBDIR" ]; then
  HUBDIR=${KEEP:-$T/hub}
  echo "writing the hub: $C communities x $O organisations x $M months ..." >&2
  "$GENB" --gen-only "$HUBDIR" --communities "$C" --orgs "$O" --months "$M" >"$T/gen" || exit 1
  v() { awk -v k="$1" '$1 == k {print $2}' "$T/gen"; }
  echo "- ingest (in-process through hub_ingest_bundle, durable, one community after another):" \
    "$(v reports) monthly reports and $(v orgs) filings in $(awk -v x="$(v ingest_ms)" 'BEGIN {printf "%.0f", x / 1000}') s" \
    "wall, $(awk -v x="$(v ingest_cpu_ms)" 'BEGIN {printf "%.0f", x / 1000}') s CPU (signing the changesets included)"
fi
echo "- database: $(du -sh "$HUBDIR/hub.db" | cut -f1) ($(stat -c %s "$HUBDIR/hub.db") bytes)," \
  "$(sqlite3 "$HUBDIR/hub.db" 'SELECT count(*) FROM entries') entries"
t0=$(date +%s%N)
/usr/bin/time -f '%e %U %S %M' -o "$T/rb.time" "$HUB" --dir "$HUBDIR" rebuild >"$T/rb.out" 2>&1 ||
  echo "(rebuild failed: $(tail -n 1 "$T/rb.out"))"
t1=$(date +%s%N)
read -r _ ru rs rmax <"$T/rb.time"
echo "- \`linli-hub rebuild\`: $(secs "$t0" "$t1") s wall, ${ru} s user + ${rs} s system CPU," \
  "peak resident memory $((rmax / 1024)) MiB"
echo "- database after rebuild: $(du -sh "$HUBDIR/hub.db" | cut -f1)"
echo
# CITY_SKIP=REGEX leaves answers out (the hub computes under its lock: one that
# takes longer than --max-time holds up every answer after it).
bash "$HERE/dashboard_http.sh" "$B" --hub "$HUBDIR" --months "$M" --runs "$RUNS" --paged \
  --max-time 300 --cold 1 --skip "${CITY_SKIP-}"
