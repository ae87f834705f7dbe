#!/usr/bin/env bash
# demo.sh - build linli and bring up a small district on loopback: a district hub,
# three street hubs and ten community nodes with a year of realistic records in
# Chinese (bench/gen/gen_community.py, through the real linli-node commands): one
# community was offline for a month, one batch is rejected at its street.  The
# nodes sync, the streets review and forward, and the script prints the address
# of the district dashboard with an operator login, and of one node's page.
# Ctrl-C stops every process it started.
#   ./demo.sh            run and keep serving until Ctrl-C
#   ./demo.sh --check    exit after the sync: 0 only if the district's figures
#                        equal what the nodes wrote
# LINLI_DEMO_BIN=DIR uses linli-hub and linli-node already built in DIR/hub and
# DIR/node (the CTest test does) instead of building into ./build.
set -euo pipefail
cd "$(dirname "$0")"
src=$PWD
check=0
[ "${1:-}" = "--check" ] && check=1

if [ -n "${LINLI_DEMO_BIN:-}" ]; then
  bin=$LINLI_DEMO_BIN
else
  echo "demo: building (cmake, 2 jobs)..." >&2
  cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  cmake --build build -j2 --target linli-hub linli-node >/dev/null
  bin=$PWD/build
fi
NODE=$bin/node/linli-node
HUB=$bin/hub/linli-hub
GEN=$src/bench/gen/gen_community.py

work=$(mktemp -d "${TMPDIR:-/tmp}/linli-demo.XXXXXX")
pids=()
cleanup() {
  for p in "${pids[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]:-}"; do [ -n "$p" ] && wait "$p" 2>/dev/null || true; done
  echo "demo: stopped; data left in $work" >&2
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# serve NAME DIR BIN: start `serve` on a free port and set $url to its URL.
# Not called as $(serve ...): a subshell would keep the pid from the list
# that cleanup kills.
serve() {
  local name=$1 dir=$2 b=$3
  url=""
  "$b" --dir "$dir" serve --listen 127.0.0.1:0 >"$work/$name.out" 2>"$work/$name.log" &
  pids+=($!)
  for _ in $(seq 1 100); do
    url=$(head -n 1 "$work/$name.out" 2>/dev/null || true)
    case "$url" in http*) break ;; esac
    sleep 0.1
  done
  case "$url" in http*) url=${url%/} ;; *) echo "demo: $name did not start; see $work/$name.log" >&2; exit 1 ;; esac
}

# The operator logins the demo prints (demo data only: never reuse them).
admin_pw=linli-demo-2026
street_pw=jiedao-demo-2026

echo "demo: district hub..." >&2
dkey=$("$HUB" --dir "$work/district" init --role district --name 河北区社区公益性民间组织管理协会 | tail -n 1)
printf '%s\n' "$admin_pw" | "$HUB" --dir "$work/district" operator add admin --role district >/dev/null
serve district "$work/district" "$HUB"
durl=$url

streets=(望海楼街 鼓楼街 光复道街)
communities=("建昌道社区 铁东路社区 民主道社区" "鼓楼东社区 宁园社区 江都路社区" "光复道社区 宙纬路社区 昆纬路社区 月纬路社区")
late_month=$(python3 -c 'import time; t=time.gmtime(time.time()+8*3600); m=t.tm_year*12+t.tm_mon-1-4; print("%04d-%02d"%(m//12,m%12+1))')

totals=()
street_urls=()
s=0
idx=0
first_node=""
for street in "${streets[@]}"; do
  s=$((s + 1))
  echo "demo: street hub $street..." >&2
  skey=$("$HUB" --dir "$work/street$s" init --role street --name "$street" --upstream "$durl" --upstream-key "$dkey" | tail -n 1)
  "$HUB" --dir "$work/district" enroll --name "$street" --key "$skey" >/dev/null
  serve "street$s" "$work/street$s" "$HUB"
  surl=$url
  street_urls+=("$street $surl")
  j=0
  for c in ${communities[$((s - 1))]}; do
    j=$((j + 1))
    code=$(printf '120105%03d%03d' "$s" "$j")
    dir=$work/node$idx
    echo "demo:   community $c ($code)..." >&2
    nkey=$("$NODE" --dir "$dir" init --community "$c" --street "$street" --hub "$surl/" --code "$code" --hub-key "$skey" | tail -n 1)
    "$HUB" --dir "$work/street$s" enroll --name "$c" --key "$nkey" --code "$code" >/dev/null
    late=""
    # One community had no network for a month: that month's reports came late.
    [ "$idx" = 4 ] && late="--late-month=$late_month"
    totals+=("$(python3 "$GEN" --node "$NODE" --dir "$dir" --community "$c" --index "$idx" $late)")
    "$NODE" --dir "$dir" sync >/dev/null 2>"$work/node$idx.sync.log"
    [ -z "$first_node" ] && first_node=$dir
    idx=$((idx + 1))
  done
done

# One batch filed by mistake (a duplicate organisation), pushed on its own and
# rejected by its street, so it never reaches the official figures.
echo "demo: a batch filed by mistake, rejected at 望海楼街..." >&2
"$NODE" --dir "$work/node0" org file --filed 2025-01-01 --name 建昌道夕阳红志愿服务队（重复） --category 志愿服务 \
  --leader 张桂兰 --phone 13900000000 --members 12 --party-members 0 >/dev/null
"$NODE" --dir "$work/node0" sync >/dev/null 2>>"$work/node0.sync.log"

# Each street reviews: the duplicate's batch rejected, everything else accepted.
node0_key=$("$NODE" --dir "$work/node0" status --json | python3 -c 'import json,sys; print(json.load(sys.stdin).get("key",""))' 2>/dev/null || true)
for s in 1 2 3; do
  "$HUB" --dir "$work/street$s" review list --json >"$work/review$s.json"
  python3 - "$work/review$s.json" "$node0_key" >"$work/review$s.todo" <<'EOF'
import json, sys
batches = json.load(open(sys.argv[1]))
mine = [b for b in batches if b.get("status") == "pending"]
last0 = max((b["id"] for b in mine if b.get("author") == sys.argv[2]), default=None)
for b in mine:
    print(("reject" if b["id"] == last0 and len([x for x in mine if x.get("author") == sys.argv[2]]) > 1 else "accept"), b["id"])
EOF
  while read -r what id; do
    if [ "$what" = reject ]; then
      # The exit status is not trusted here (some versions answer 255 after
      # rejecting): the district's figures below show whether it took effect.
      "$HUB" --dir "$work/street$s" review reject "$id" --reason "重复备案：该组织已备案" --operator demo >/dev/null 2>>"$work/review.log" || true
    else
      "$HUB" --dir "$work/street$s" review accept "$id" --operator demo >/dev/null 2>>"$work/review.log"
    fi
  done <"$work/review$s.todo"
done
printf '%s\n' "$street_pw" | "$HUB" --dir "$work/district" operator add wanghailou --role street --street 望海楼街 >/dev/null
# The same operator at 望海楼街's own hub, where batches are reviewed and decisions made.
printf '%s\n' "$street_pw" | "$HUB" --dir "$work/street1" operator add wanghailou --role street >/dev/null

# What the nodes wrote, summed over the ten generator runs.
want=$(printf '%s\n' "${totals[@]}" | python3 -c '
import json, sys
t = {"organisations": 0, "reports": 0, "activities": 0, "participants": 0, "party_participants": 0, "good_deeds": 0}
months = set()
for line in sys.stdin:
    d = json.loads(line)
    for k in t: t[k] += d[k]
    months |= set(d["months"])
print(min(months), max(months), " ".join(str(t[k]) for k in t))')
from=${want%% *}; rest=${want#* }; to=${rest%% *}; want=${rest#* }

echo "demo: waiting for the streets to forward to the district..." >&2
jar=$work/cookies
curl -sf -c "$jar" -o /dev/null --data-urlencode name=admin --data-urlencode "password=$admin_pw" "$durl/login" || true
got=""
for _ in $(seq 1 240); do
  got=$( { curl -sf -b "$jar" "$durl/api/v1/dashboard/hierarchy"; echo; \
           curl -sf -b "$jar" "$durl/api/v1/dashboard/activity?from=$from&to=$to"; echo; } | python3 -c '
import json, sys
h = json.loads(sys.stdin.readline()); a = json.loads(sys.stdin.readline())["totals"]
print(h["totals"]["organisations"], " ".join(str(a[k]) for k in ("reports", "activities", "participants", "party_participants", "good_deeds")))' 2>/dev/null || true)
  [ "$got" = "$want" ] && break
  sleep 0.5
done

echo
echo "nodes wrote   (organisations reports activities participants party_participants good_deeds): $want"
echo "district shows (same order, $from to $to):                                                 $got"
if [ "$check" = 1 ]; then
  [ "$got" = "$want" ] && { echo "demo: check passed"; exit 0; }
  echo "demo: check FAILED (logs in $work)" >&2
  exit 1
fi

serve node0 "$work/node0" "$NODE"
nurl=$url
echo
echo "区协会统计看板 District dashboard:  $durl/    login: admin / $admin_pw"
echo "  (a street operator bound to 望海楼街: wanghailou / $street_pw)"
for su in "${street_urls[@]}"; do
  if [ "${su%% *}" = 望海楼街 ]; then
    echo "街道分会 Street hub (${su%% *}): ${su#* }/    审核、决定 login: wanghailou / $street_pw"
  else
    echo "街道分会 Street hub (${su%% *}): ${su#* }/"
  fi
done
echo "社区页面 Community page (建昌道社区): $nurl/"
echo "JSON for scripts:    $durl/api/v1/dashboard/completeness   (after POST /login; see docs/api.md)"
echo "按 Ctrl-C 停止演示启动的所有进程。 Press Ctrl-C to stop every process the demo started."
# `wait` (unlike a foreground sleep) lets the INT/TERM trap run at once.
while true; do sleep 3600 & pids+=($!); wait $! || true; done
