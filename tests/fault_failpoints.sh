#!/usr/bin/env bash
# fault_failpoints: every named failpoint (docs/failpoints.md) is made to fire
# once (the process dies with status 137, as after kill -9), then the system is
# healed and checked: nothing acknowledged lost, nothing stored twice, chains
# intact, projections equal to a rebuild.  LINLI_SOAK=1 fires each at several
# passes (name:N).
here=$(cd "$(dirname "$0")" && pwd)
source "$here/fault/lib.sh"
if [ "${LINLI_FAILPOINTS_BUILT:-ON}" = OFF ]; then
  echo "fault_failpoints: failpoints not compiled in (LINLI_FAILPOINTS=OFF); skipped"
  exit 0
fi

f_setup 2
f_check setup
TAGN=0
FIRED=()

# expect_137 POINT STATUS: the point fired (the process died with 137).
expect_137() {
  if [ "$2" = 137 ]; then FIRED+=("$1"); else f_fail "failpoint $1 did not fire (status $2)"; fi
}

# hub_serve_fp HUB POINT: restart HUB with the failpoint armed.
hub_serve_fp() { f_hub_stop "$1"; f_hub_start "$1" "LINLI_FAILPOINT=$2"; }
# hub_wait HUB: wait for the served hub to die; prints its status (999: still alive).
hub_wait() {
  local v="${1}_PID" i
  for i in $(seq 1 100); do
    kill -0 "${!v}" 2>/dev/null || { wait "${!v}"; echo $?; return; }
    sleep 0.1
  done
  echo 999
}
writes() { local i w; for i in 1 2; do for w in 1 2; do TAGN=$((TAGN + 1)); f_write "$i" "fp$TAGN"; done; done; }

# A soak repeats every trial three times.  A served hub passes its point once
# per request, so pass N arms the Nth; a command passes most points once per
# run, so it arms the first each time (forward passes once per author: the
# first or the second), each time at a different state of the logs.
for pass in $(if [ "$SOAK" = 1 ]; then echo 1 2 3; else echo 1; fi); do
  fwd_nth=$(( (pass - 1) % 2 + 1 ))
  # node: its own commit (the append), and the push (ingest at the street)
  for p in node.append.before_commit node.append.after_commit; do
    before=$(node_written 1)
    TAGN=$((TAGN + 1))
    LINLI_FAILPOINT=$p:1 "$NODE" --dir "$F/n1" report monthly --org "$(cat "$F/n1.org")" \
      --month 2026-01 --activities 1 --participants 1 --party-participants 0 \
      --content "fp$TAGN" >/dev/null 2>&1
    expect_137 "$p" $?
    after=$(node_written 1)
    case $p in
      *before*) [ "$after" = "$before" ] || f_fail "$p: an entry killed before its commit was kept" ;;
      *) [ "$after" = $((before + 1)) ] || f_fail "$p: an entry committed before the kill was lost" ;;
    esac
    f_check "$p"
  done
  for node_p in node.sync.after_push_before_receipts node.sync.after_receipts node.feed.before_commit; do
    grep -rq "\"$node_p\"" "$here/../node" 2>/dev/null || continue
    writes
    [ "$node_p" = node.feed.before_commit ] &&
      "$HUB" --dir "$F/S" decide notice --community 社區1 --reason "fp 通知 $TAGN" >/dev/null
    LINLI_FAILPOINT=$node_p:1 "$NODE" --dir "$F/n1" sync >/dev/null 2>&1
    expect_137 "$node_p" $?
    f_check_acked "$node_p"
    f_check "$node_p"
  done

  # node: a file's upload killed after its first chunk continues at the next sync
  { printf '\xff\xd8\xff\xe0'; head -c 1500000 /dev/urandom; } >"$F/fp$pass.jpg"
  "$NODE" --dir "$F/n1" attach --org "$(cat "$F/n1.org")" "$F/fp$pass.jpg" --title "fp$pass" \
    >/dev/null || f_fail "attach"
  LINLI_FAILPOINT=attach.push.after_chunk:1 "$NODE" --dir "$F/n1" sync >/dev/null 2>&1
  expect_137 attach.push.after_chunk $?
  "$NODE" --dir "$F/n1" sync >/dev/null 2>&1 || f_fail "attach.push.after_chunk: no resumption"
  f_check_acked attach.push.after_chunk
  f_check attach.push.after_chunk

  # street: ingest of a node's push
  for p in ingest.before_commit ingest.after_commit_before_ack; do
    hub_serve_fp S "$p:$pass"
    for x in $(seq 1 "$pass"); do writes; "$NODE" --dir "$F/n1" sync >/dev/null 2>&1; done
    expect_137 "S:$p" "$(hub_wait S)"
    f_check_acked "S:$p"
    f_check "S:$p"
  done

  # street: forwarding (one round by the command line, the served street stopped)
  for p in forward.after_push_before_ack forward.after_ack; do
    f_ctl D down=1
    writes
    for i in 1 2; do "$NODE" --dir "$F/n$i" sync >/dev/null 2>&1 || f_fail "$p: sync failed"; done
    f_hub_stop S
    f_ctl D
    LINLI_FAILPOINT=$p:$fwd_nth "$HUB" --dir "$F/S" forward >/dev/null 2>&1
    expect_137 "$p" $?
    f_check_acked "$p"
    f_check "$p"
  done

  # district: ingest of the street's forward
  for p in ingest.before_commit ingest.after_commit_before_ack; do
    f_hub_stop S
    writes
    hub_serve_fp D "$p:$pass"
    for x in $(seq 1 "$pass"); do
      writes
      f_hub_start S
      for i in 1 2; do "$NODE" --dir "$F/n$i" sync >/dev/null 2>&1; done
      "$HUB" --dir "$F/S" forward >/dev/null 2>&1
      f_hub_stop S
    done
    expect_137 "D:$p" "$(hub_wait D)"
    f_check_acked "D:$p"
    f_check "D:$p"
  done

  # decisions: written at the district, pulled by the street (feed), relayed
  # to the community; and a street review
  for p in decide.before_commit decide.after_commit; do
    n0=$(q "$F/D/hub.db" "SELECT count(*) FROM entries WHERE kind LIKE 'decision.%'")
    LINLI_FAILPOINT=$p:1 "$HUB" --dir "$F/D" decide notice --community 社區1 \
      --reason "故障注入 $p" >/dev/null 2>&1
    expect_137 "$p" $?
    n1=$(q "$F/D/hub.db" "SELECT count(*) FROM entries WHERE kind LIKE 'decision.%'")
    case $p in
      *before*) [ "$n1" = "$n0" ] || f_fail "$p: a decision killed before its commit was kept" ;;
      *) [ "$n1" = $((n0 + 1)) ] || f_fail "$p: a committed decision was lost" ;;
    esac
    f_check "$p"
  done
  for p in feed.store.before_commit relay.before_commit; do
    "$HUB" --dir "$F/D" decide notice --community 社區2 --reason "故障注入 $p $pass" >/dev/null ||
      f_fail "$p: district decision failed"
    f_hub_stop S
    LINLI_FAILPOINT=$p "$HUB" --dir "$F/S" forward >/dev/null 2>&1
    expect_137 "$p" $?
    f_check "$p"
    "$NODE" --dir "$F/n2" inbox --json --keep-unread | grep -q "故障注入 $p $pass" ||
      f_fail "$p: the decision never reached the community after the crash"
  done
  p=review.before_commit
  id=$("$HUB" --dir "$F/S" review list --json | python3 -c 'import json,sys; b=[x["id"] for x in json.load(sys.stdin) if x["status"]=="pending"]; print(b[0] if b else "")')
  if [ -n "$id" ]; then
    LINLI_FAILPOINT=$p "$HUB" --dir "$F/S" review accept "$id" >/dev/null 2>&1
    expect_137 "$p" $?
    st=$("$HUB" --dir "$F/S" review list --json | python3 -c "import json,sys; print([x['status'] for x in json.load(sys.stdin) if x['id']==$id][0])")
    [ "$st" = pending ] || f_fail "$p: a review killed before its commit was kept ($st)"
    "$HUB" --dir "$F/S" review accept "$id" >/dev/null || f_fail "$p: the review could not be redone"
    f_check "$p"
  else
    f_fail "$p: no pending batch to review"
  fi

  # enrolment (the hub's own log) and rebuild
  for p in hublog.enroll.before_commit hublog.enroll.after_commit; do
    NNODES=$((NNODES + 1))
    i=$NNODES code=$(printf '1201050010%02d' "$i")
    "$NODE" --dir "$F/n$i" init --community "社區$i" --street 望海樓街 --hub "$S_PURL" \
      --code "$code" --hub-key "$SKEY" >"$F/n$i.init" || f_die "node $i init"
    tail -n 1 "$F/n$i.init" >"$F/n$i.key"
    LINLI_FAILPOINT=$p "$HUB" --dir "$F/S" enroll --name "社區$i" --key "$(cat "$F/n$i.key")" \
      --code "$code" >/dev/null 2>&1
    expect_137 "$p" $?
    out=$("$HUB" --dir "$F/S" enroll --name "社區$i" --key "$(cat "$F/n$i.key")" --code "$code" 2>&1)
    case $p in
      *before*) echo "$out" | grep -q 已登记 || f_fail "$p: enrolment could not be redone: $out" ;;
      *) echo "$out" | grep -q "已经登记过" || f_fail "$p: a committed enrolment was lost: $out" ;;
    esac
    "$NODE" --dir "$F/n$i" org file --filed 2025-01-01 --name "社區${i}讀書會" --category 文體 --leader 張 \
      --phone 1 --members 5 --party-members 0 | tail -n 1 >"$F/n$i.org"
    f_check "$p"
  done
  p=rebuild.before_commit
  f_hub_stop S
  f_dump_proj S >"$F/fp.proj1"
  LINLI_FAILPOINT=$p "$HUB" --dir "$F/S" rebuild >/dev/null 2>&1
  expect_137 "$p" $?
  f_dump_proj S >"$F/fp.proj2"
  cmp -s "$F/fp.proj1" "$F/fp.proj2" || f_fail "$p: a rebuild killed before its commit changed the projection"
  f_check "$p"
done

# Every failpoint in the source is exercised here.
src=$(cd "$here/.." && grep -rhoE 'CM_FAILPOINT\("[a-z_.]+"\)' hub node common | sed 's/.*("\(.*\)")/\1/' | sort -u)
for p in $src; do
  printf '%s\n' "${FIRED[@]}" | sed 's/^[SD]://' | grep -qx "$p" || f_fail "failpoint $p is never exercised"
done
echo "fault_failpoints: fired $(printf '%s\n' "${FIRED[@]}" | sort -u | wc -l) distinct points, ${#FIRED[@]} times"
f_report fault_failpoints
