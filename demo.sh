#!/usr/bin/env bash
# demo.sh - build linli and bring up a small district on loopback: a district hub, a street
# hub and two community nodes with organisations and monthly reports in Chinese; sync them
# and print where to look.  Ctrl-C stops every process it started.
#   ./demo.sh            run and keep serving until Ctrl-C
#   ./demo.sh --check    exit after the sync: 0 only if the district's figures equal what
#                        the nodes wrote
set -euo pipefail
cd "$(dirname "$0")"
check=0
[ "${1:-}" = "--check" ] && check=1

echo "demo: building (cmake, 2 jobs)..." >&2
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j2 >/dev/null
NODE=$PWD/build/node/linli-node
HUB=$PWD/build/hub/linli-hub

work=$(mktemp -d "${TMPDIR:-/tmp}/linli-demo.XXXXXX")
pids=()
cleanup() {
  for p in "${pids[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]:-}"; do [ -n "$p" ] && wait "$p" 2>/dev/null || true; done
  echo "demo: stopped; data left in $work" >&2
}
trap cleanup EXIT
trap 'exit 130' INT TERM

serve() { # NAME DIR BIN: start `serve` on a free port, print its URL
  local name=$1 dir=$2 bin=$3 url=""
  "$bin" --dir "$dir" serve --listen 127.0.0.1:0 >"$work/$name.out" 2>"$work/$name.log" &
  pids+=($!)
  for _ in $(seq 1 100); do
    url=$(head -n 1 "$work/$name.out" 2>/dev/null || true)
    case "$url" in http*) break ;; esac
    sleep 0.1
  done
  case "$url" in http*) echo "${url%/}" ;; *) echo "demo: $name did not start; see $work/$name.log" >&2; exit 1 ;; esac
}

echo "demo: district hub..." >&2
dkey=$("$HUB" --dir "$work/district" init --role district --name 河北區協會 | tail -n 1)
durl=$(serve district "$work/district" "$HUB")

echo "demo: street hub..." >&2
skey=$("$HUB" --dir "$work/street" init --role street --name 望海樓街 --upstream "$durl" --upstream-key "$dkey" | tail -n 1)
"$HUB" --dir "$work/district" enroll --name 望海樓街 --key "$skey" >/dev/null
surl=$(serve street "$work/street" "$HUB")

orgs=0 reports=0 acts=0 parts=0 party=0
i=0
for c in 建昌道社區 鐵東路社區; do
  i=$((i + 1)); code=12010500100$i
  echo "demo: community $c..." >&2
  nkey=$("$NODE" --dir "$work/node$i" init --community "$c" --street 望海樓街 --hub "$surl" --code "$code" --hub-key "$skey" | tail -n 1)
  "$HUB" --dir "$work/street" enroll --name "$c" --key "$nkey" --code "$code" >/dev/null
  for name in 夕陽紅志願服務隊 書畫協會 健身隊; do
    org=$("$NODE" --dir "$work/node$i" org file --name "${c%社區}$name" --category 文體活動 \
      --leader 張桂蘭 --phone 13900000000 --members 18 --party-members 2 | tail -n 1)
    orgs=$((orgs + 1))
    for m in 2026-06 2026-07 2026-08 2026-09 2026-10; do
      "$NODE" --dir "$work/node$i" report monthly --org "$org" --month "$m" --activities 2 \
        --participants 30 --party-participants 2 --content "組織居民活動" --good-deeds "幫助鄰居修理水管" >/dev/null
      reports=$((reports + 1)); acts=$((acts + 2)); parts=$((parts + 30)); party=$((party + 2))
    done
  done
  "$NODE" --dir "$work/node$i" sync >&2
done

echo "demo: waiting for the street to forward to the district..." >&2
want="$orgs $reports $acts $parts $party"
got=""
for _ in $(seq 1 150); do
  got=$(curl -sf "$durl/api/v1/summary" | python3 -c '
import json,sys
s=json.load(sys.stdin); a=s["accepted"]; p=s["pending"]
print(" ".join(str(a[k]+p[k]) for k in ("organisations","reports","activities","participants","party_participants")))' 2>/dev/null || true)
  [ "$got" = "$want" ] && break
  sleep 0.2
done

echo
echo "district summary: $durl/api/v1/summary"
curl -sf "$durl/api/v1/summary" | python3 -m json.tool --no-ensure-ascii | head -40
echo
echo "nodes wrote (organisations reports activities participants party): $want"
echo "district holds:                                                    $got"
if [ "$check" = 1 ]; then
  [ "$got" = "$want" ] && { echo "demo: check passed"; exit 0; }
  echo "demo: check FAILED" >&2; exit 1
fi
echo
echo "street hub:  $surl/api/v1/summary"
echo "district:    $durl/api/v1/summary"
echo "Press Ctrl-C to stop every process the demo started."
while true; do sleep 3600; done
