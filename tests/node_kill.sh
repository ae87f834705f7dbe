#!/bin/bash
# node_kill: SIGKILL linli-node again and again while it writes; every filing it
# reported (exit 0 and a filing number printed) must still be there, the log
# must stay a valid chain (rebuild reads all of it) and its sequence numbers
# must have no gaps.  Also the named failpoints around the commit.
# Usage: node_kill.sh /path/to/linli-node
set -u
BIN=${1:?usage: node_kill.sh LINLI_NODE}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
D=$T/node
FAILS=0
fail() { echo "FAIL: $*" >&2; FAILS=$((FAILS + 1)); }
written() { "$BIN" --dir "$D" status --json | sed 's/.*"written":\([0-9]*\).*/\1/'; }

"$BIN" --dir "$D" init --community 和平社區 --street 新華街 --hub http://127.0.0.1:9 \
  --code 120105001001 >/dev/null || { echo "init failed" >&2; exit 1; }

: >"$T/acked"
# How long one write takes here (sanitizer builds are many times slower): the
# kills land anywhere from before the first write starts to after the last ends.
t0=$(date +%s%N)
"$BIN" --dir "$D" org file --name 組織0 --category c --leader l --phone p --members 5 \
  --party-members 1 >"$T/o.0" 2>/dev/null || fail "a first write failed"
echo "$(tail -1 "$T/o.0") 組織0" >>"$T/acked"
WINDOW=$(( ( $(date +%s%N) - t0 ) / 1000000 * 3 ))
[ "$WINDOW" -ge 20 ] || WINDOW=20
for i in $(seq 1 25); do
  # a burst of writers at once (they also race for the next sequence number)
  pids=()
  for w in 1 2 3; do
    "$BIN" --dir "$D" org file --name "組織$i-$w" --category c --leader l --phone p \
      --members 5 --party-members 1 >"$T/o.$w" 2>/dev/null &
    pids+=($!)
  done
  ms=$(( RANDOM % WINDOW ))
  sleep "$((ms / 1000)).$(printf %03d $((ms % 1000)))"
  kill -9 "${pids[@]}" 2>/dev/null
  for w in 1 2 3; do
    if wait "${pids[$((w - 1))]}" 2>/dev/null; then
      echo "$(tail -1 "$T/o.$w") 組織$i-$w" >>"$T/acked"
    fi
  done
done
LIST=$("$BIN" --dir "$D" org list) || fail "org list after the kills"
ACKED=$(wc -l <"$T/acked")
[ "$ACKED" -gt 0 ] || fail "no write survived long enough to be reported (machine too slow?)"
while read -r id name; do
  echo "$LIST" | grep -q "^$id"$'\t'"正常"$'\t'"-"$'\t'"$name"$'\t' ||
    fail "acknowledged filing $id ($name) is lost"
done <"$T/acked"
N=$(written)
[ "$(echo "$LIST" | wc -l)" = "$N" ] || fail "org rows $(echo "$LIST" | wc -l) != entries $N"
"$BIN" --dir "$D" rebuild >/dev/null || fail "rebuild after the kills"
[ "$("$BIN" --dir "$D" org list)" = "$LIST" ] || fail "rebuild differs after the kills"
"$BIN" --dir "$D" bundle export "$T/b" >/dev/null || fail "the log no longer chains"

# failpoints: dying before the commit writes nothing, after it keeps the entry
if [ "${LINLI_FAILPOINTS_BUILT:-ON}" = OFF ]; then
  echo "node_kill: failpoints not compiled in; skipping that part"
  [ "$FAILS" = 0 ] || exit 1
  exit 0
fi
N=$(written)
LINLI_FAILPOINT=node.append.before_commit "$BIN" --dir "$D" org file --name x --category c \
  --leader l --phone p --members 5 --party-members 1 >/dev/null 2>&1
[ $? = 137 ] || fail "before_commit failpoint did not fire"
[ "$(written)" = "$N" ] || fail "an entry killed before its commit was kept"
LINLI_FAILPOINT=node.append.after_commit "$BIN" --dir "$D" org file --name y --category c \
  --leader l --phone p --members 5 --party-members 1 >/dev/null 2>&1
[ $? = 137 ] || fail "after_commit failpoint did not fire"
[ "$(written)" = $((N + 1)) ] || fail "an entry committed before the kill was lost"

echo "node_kill: $ACKED acknowledged filings checked, $(written) entries"
if [ "$FAILS" != 0 ]; then
  echo "$FAILS failures" >&2
  exit 1
fi
