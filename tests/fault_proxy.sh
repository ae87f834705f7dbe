#!/usr/bin/env bash
# fault_proxy: the network misbehaves between the nodes and the street hub and
# between the street and the district (tests/fault/proxy.c): requests cut off
# mid-upload, answers lost after the hub acted, requests duplicated, older
# requests delivered after newer ones, delays.  After every trial nothing
# acknowledged is lost and nothing is stored twice.  LINLI_SOAK=1: 10x trials.
here=$(cd "$(dirname "$0")" && pwd)
source "$here/fault/lib.sh"

f_setup 3
f_check setup
TAGN=0
for mode in "cut=50" "lose=50" "dup=50" "replay=50" "delay=150" "cut=20 lose=20 dup=20 replay=20 delay=50"; do
  for link in S D; do
    kind="$link:${mode// /,}"
    [ "${#mode}" -gt 12 ] && kind="$link:all"
    for t in $(seq 1 "$(trials 2)"); do
      f_ctl "$link" $mode
      for i in 1 2 3; do
        for w in 1 2; do TAGN=$((TAGN + 1)); f_write "$i" "p$TAGN" || f_fail "a write failed"; done
        for r in 1 2 3; do "$NODE" --dir "$F/n$i" sync >/dev/null 2>&1 && break; done
      done
      sleep 0.3 # let the street forward through the misbehaving link
      f_check_acked "$kind"
      F_REBUILD=0 f_check "$kind"
    done
  done
done
f_check_rebuild final
kill "$S_PROXY_PID" "$D_PROXY_PID"; wait "$S_PROXY_PID" "$D_PROXY_PID" 2>/dev/null
echo "node -> street proxy: $(cat "$F/S.plog")"
echo "street -> district proxy: $(cat "$F/D.plog")"
f_report fault_proxy
