#!/usr/bin/env bash
# bench/lock_probe.sh - does a dashboard computation hold up the hub's other
# work?  Starts a real `linli-hub serve` on a hub written before (bench/city.sh
# --keep DIR), asks for an answer that must be computed afresh (the attention
# list of one category: a key nothing kept; --answer-wait always where the
# build has it), and meanwhile times GET /api/v1/heads/{a community} five
# times, 0.3 s apart: that request takes the hub's lock, as a push does.
# Figures, never pass/fail.  Uses the operator bench/dashboard_http.sh adds.
#
#   bench/lock_probe.sh BUILD_DIR HUB_DIR
set -u
B=$(cd "${1:?BUILD_DIR}" && pwd)
H=${2:?HUB_DIR}
HUB=$B/hub/linli-hub
T=$(mktemp -d "${TMPDIR:-/tmp}/linli-lockprobe.XXXXXX")
PID=""
cleanup() {
  [ -n "$PID" ] && kill "$PID" 2>/dev/null && wait "$PID" 2>/dev/null
  rm -rf "$T"
}
trap cleanup EXIT
export LINLI_LOG=error
EXTRA=()
"$HUB" serve --help 2>&1 | grep -q answer-wait && EXTRA=(--answer-wait always)
"$HUB" --dir "$H" serve --listen 127.0.0.1:0 "${EXTRA[@]}" >"$T/url" 2>"$T/err" &
PID=$!
for _ in $(seq 1 200); do grep -q '^http' "$T/url" 2>/dev/null && break; sleep 0.05; done
URL=$(head -n 1 "$T/url" | sed 's,/$,,')
[ -n "$URL" ] || { echo "lock_probe.sh: the hub did not start: $(cat "$T/err")" >&2; exit 1; }
curl -sf -c "$T/jar" -o /dev/null --data-urlencode name=基准操作员 \
  --data-urlencode password=bench-dashboard-pw "$URL/login" ||
  { echo "lock_probe.sh: login failed (run bench/dashboard_http.sh --hub $H once)" >&2; exit 1; }
KEY=$(sqlite3 -readonly "$H/hub.db" "SELECT lower(hex(key)) FROM communities LIMIT 1")
echo "heads alone: $(curl -s -o /dev/null -w '%{time_total}' "$URL/api/v1/heads/$KEY") s"
CAT=$(printf '为老服务' | curl -Gso /dev/null -w '%{url_effective}' --data-urlencode "c=$(cat)" http://x/ | sed 's/.*c=//')
curl -s -b "$T/jar" -o /dev/null -w 'attention of one category, computed: %{time_total} s\n' \
  "$URL/api/v1/dashboard/attention?category=$CAT&page=1" &
CP=$!
sleep 0.5
for _ in 1 2 3 4 5; do
  echo "heads meanwhile: $(curl -s -o /dev/null -w '%{time_total}' "$URL/api/v1/heads/$KEY") s"
  sleep 0.3
done
wait "$CP"
