#!/usr/bin/env bash
# fault_outage: a hub down for a simulated week (LINLI_FAKE_NOW_MS), a hub
# restored from an old copy of its directory, a node clock years wrong, a disk
# that fills up (LINLI_MAX_PAGE_COUNT, read by common/db.c).  After every trial
# the district holds exactly each node's log.  LINLI_SOAK=1: 10x trials.
here=$(cd "$(dirname "$0")" && pwd)
source "$here/fault/lib.sh"

f_setup 2
f_check setup
TAGN=0
NOW=$(($(date +%s) * 1000))
DAY=86400000

for t in $(seq 1 "$(trials 1)"); do
  # The street, then the district, down for a week while the nodes keep writing
  # (a day at a time) and keep trying to sync.
  for link in S D; do
    f_ctl "$link" down=1
    for d in 1 2 3 4 5 6 7; do
      for i in 1 2; do
        TAGN=$((TAGN + 1))
        LINLI_FAKE_NOW_MS=$((NOW + d * DAY)) f_write "$i" "o$TAGN" || f_fail "write on day $d failed"
        LINLI_FAKE_NOW_MS=$((NOW + d * DAY)) "$NODE" --dir "$F/n$i" sync >/dev/null 2>&1
      done
    done
    f_check_acked "down.week.$link"
    f_check "down.week.$link"
  done

  # Each hub restored from an old copy of its directory (taken while stopped).
  for hub in S D; do
    f_hub_stop "$hub"
    rm -rf "$F/$hub.old"; cp -a "$F/$hub" "$F/$hub.old"
    f_hub_start "$hub"
    for i in 1 2; do
      for w in 1 2 3; do TAGN=$((TAGN + 1)); f_write "$i" "r$TAGN" || f_fail "a write failed"; done
      "$NODE" --dir "$F/n$i" sync >/dev/null 2>&1 || f_fail "sync before the restore failed"
    done
    sleep 0.5
    f_hub_kill "$hub"
    rm -rf "$F/$hub"; mv "$F/$hub.old" "$F/$hub"
    f_hub_start "$hub"
    # What a restored street lost comes back from the nodes at their next sync.
    # A restored district is noticed by the street at its next audit (at start,
    # then every HUB_FORWARD_AUDIT_ROUNDS idle rounds) or at the next push of
    # each author; restart the street so the trial does not wait an hour.
    if [ "$hub" = D ]; then f_hub_stop S; f_hub_start S; fi
    f_check "restored.$hub"
  done

  # A node whose clock is years wrong, ahead and behind: its entries still go
  # through (ordering never depends on the wall clock) and the street flags it.
  for off in $((3 * 365 * DAY)) $((-5 * 365 * DAY)); do
    TAGN=$((TAGN + 1))
    LINLI_FAKE_NOW_MS=$((NOW + off)) "$NODE" --dir "$F/n2" org file --name "錯鐘$TAGN組織" \
      --category 文體 --leader 李 --phone 1 --members 3 --party-members 0 >/dev/null 2>&1 ||
      f_fail "a filing with a wrong clock was refused by the node"
    LINLI_FAKE_NOW_MS=$((NOW + off)) "$NODE" --dir "$F/n2" sync >/dev/null 2>&1
    f_check_acked clock.wrong
    flag=$(q "$F/S/hub.db" "SELECT clock_flag FROM authors WHERE key=x'$(cat "$F/n2.key")'")
    # Ahead shows in the entry times.  Behind does not show at all: the node
    # dates its changeset by the hub's clock (offset-corrected), and old entry
    # times are normal for a node that was offline; reported, not failed.
    if [ "$off" -gt 0 ]; then
      [ "$flag" != 0 ] || f_fail "the street did not flag a node whose clock is off by $off ms"
    elif [ "$flag" = 0 ]; then
      echo "note: a node clock $((-off / DAY)) days behind is not flagged by the street"
    fi
    f_check clock.wrong
  done

  # The street's disk fills up while the nodes push: refusals, nothing
  # acknowledged lost; then space comes back.
  f_hub_stop S
  pages=$(q "$F/S/hub.db" "PRAGMA page_count")
  f_hub_start S "LINLI_MAX_PAGE_COUNT=$((pages + 2))"
  # Write until the street refuses (how soon depends on the free room in its
  # pages, so on the page size), then twice more; bounded.
  full=0
  : >"$F/full.err"
  for w in $(seq 1 80); do
    for i in 1 2; do
      TAGN=$((TAGN + 1)); f_write "$i" "x$TAGN 填充內容填充內容填充內容填充內容填充內容填充內容填充內容" ||
        f_fail "a node write failed"
      if ! "$NODE" --dir "$F/n$i" sync >/dev/null 2>"$F/full.try"; then
        full=$((full + 1))
        cp "$F/full.try" "$F/full.err"
      fi
    done
    [ "$full" -ge 3 ] && break
  done
  [ "$full" -gt 0 ] || f_fail "the street never ran out of space"
  grep -qi "full\|space\|507\|已满" "$F/full.err" || { cat "$F/full.err" >&2; f_fail "a full disk is not named in the error"; }
  f_check_acked disk.full.street
  f_hub_stop S
  f_check disk.full.street

  # The node's own disk fills up: writes are refused, what was stored stays.
  pages=$(q "$F/n1/node.db" "PRAGMA page_count")
  before=$(node_written 1)
  ok=0
  for w in $(seq 1 30); do
    TAGN=$((TAGN + 1))
    LINLI_MAX_PAGE_COUNT=$((pages + 1)) f_write 1 "y$TAGN 填充內容填充內容填充內容填充內容填充內容填充內容填充內容" && ok=$((ok + 1))
  done
  [ "$ok" -lt 30 ] || f_fail "the node never ran out of space"
  [ "$(node_written 1)" = $((before + ok)) ] || f_fail "node log has $(node_written 1) entries, expected $((before + ok))"
  f_check disk.full.node
done
f_report fault_outage
