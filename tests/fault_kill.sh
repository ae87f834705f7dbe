#!/usr/bin/env bash
# fault_kill: kill -9 of a node during writes and during sync, and of each hub
# during ingest, forward and the district's ingest, at random points; after every
# trial the district and the street hold exactly each node's log, chains intact,
# projections equal to a rebuild (tests/fault/lib.sh f_check).
# LINLI_SOAK=1 runs ten times as many trials.
here=$(cd "$(dirname "$0")" && pwd)
source "$here/fault/lib.sh"

f_setup 3
f_check setup
# Writes by the node's own command: those that exited 0 were acknowledged to
# the user and must survive.
TAGN=0
for t in $(seq 1 "$(trials 5)"); do
  pids=(); tags=()
  for w in 1 2 3; do
    TAGN=$((TAGN + 1)); tags+=("w$TAGN")
    f_write 1 "w$TAGN" & pids+=($!)
  done
  rsleep 60
  kill -9 "${pids[@]}" 2>/dev/null
  lost=0
  for w in 0 1 2; do
    if wait "${pids[$w]}" 2>/dev/null; then
      c=$(q "$F/n1/node.db" "SELECT count(*) FROM reports WHERE content='探訪獨居老人 ${tags[$w]}'")
      [ "$c" = 1 ] || { f_fail "node.write: acknowledged write ${tags[$w]} found $c times"; lost=$((lost + 1)); }
    fi
  done
  LOST[node.write]=$(( ${LOST[node.write]:-0} + lost ))
  "$NODE" --dir "$F/n1" rebuild >/dev/null 2>&1 || f_fail "node.write: node rebuild failed"
  f_check node.write
done

# kill -9 of a node in the middle of its sync
for t in $(seq 1 "$(trials 5)"); do
  for w in 1 2 3 4; do TAGN=$((TAGN + 1)); f_write 2 "s$TAGN" || f_fail "a write failed"; done
  "$NODE" --dir "$F/n2" sync >/dev/null 2>&1 & p=$!
  rsleep 80
  kill -9 "$p" 2>/dev/null; wait "$p" 2>/dev/null
  f_check_acked node.sync
  f_check node.sync
done

# kill -9 of the street hub while three nodes push at once
for t in $(seq 1 "$(trials 5)"); do
  pids=()
  for i in 1 2 3; do
    for w in 1 2; do TAGN=$((TAGN + 1)); f_write "$i" "i$TAGN" || f_fail "a write failed"; done
    "$NODE" --dir "$F/n$i" sync >/dev/null 2>&1 & pids+=($!)
  done
  rsleep 100
  f_hub_kill S
  f_check_acked street.ingest
  wait "${pids[@]}" 2>/dev/null
  f_check street.ingest
done

# kill -9 of the street hub while it forwards to the district, and of the
# district while it ingests what the street forwards
for kind in street.forward district.ingest; do
  for t in $(seq 1 "$(trials 5)"); do
    f_ctl D down=1
    for i in 1 2 3; do
      for w in 1 2 3; do TAGN=$((TAGN + 1)); f_write "$i" "f$TAGN" || f_fail "a write failed"; done
      "$NODE" --dir "$F/n$i" sync >/dev/null 2>&1 || f_fail "$kind: sync to the street failed"
    done
    f_ctl D
    rsleep 400
    if [ "$kind" = street.forward ]; then f_hub_kill S; else f_hub_kill D; fi
    f_check_acked "$kind"
    f_check "$kind"
  done
done

f_report fault_kill
