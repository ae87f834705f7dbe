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
H=${2:?usage: bench/lock_probe.sh BUILD_DIR HUB_DIR}
source "$(dirname "$0")/lib.sh" "${1:?usage: bench/lock_probe.sh BUILD_DIR HUB_DIR}" lockprobe
EXTRA=()
if "$HUB" serve --help 2>&1 | grep -q answer-wait; then EXTRA=(--answer-wait always); fi
serve P "$H" "${EXTRA[@]}"
[ -n "$P_URL" ] || { echo "lock_probe.sh: the hub did not start: $(cat "$T/P.err")" >&2; exit 1; }
curl -sf -c "$T/jar" -o /dev/null --data-urlencode name=基准操作员 \
  --data-urlencode password=bench-dashboard-pw "$P_URL/login" ||
  { echo "lock_probe.sh: login failed (run bench/dashboard_http.sh --hub $H once)" >&2; exit 1; }
KEY=$(sqlite3 -readonly "$H/hub.db" "SELECT lower(hex(key)) FROM communities LIMIT 1")
echo "heads alone: $(curl -s -o /dev/null -w '%{time_total}' "$P_URL/api/v1/heads/$KEY") s"
CAT=$(python3 -c 'import urllib.parse; print(urllib.parse.quote("为老服务"))')
curl -s -b "$T/jar" -o /dev/null -w 'attention of one category, computed: %{time_total} s\n' \
  "$P_URL/api/v1/dashboard/attention?category=$CAT&page=1" &
CP=$!
sleep 0.5
for _ in 1 2 3 4 5; do
  echo "heads meanwhile: $(curl -s -o /dev/null -w '%{time_total}' "$P_URL/api/v1/heads/$KEY") s"
  sleep 0.3
done
wait "$CP"
