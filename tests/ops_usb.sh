#!/usr/bin/env bash
# USB both ways, with real processes: community A syncs over the network, community B
# never does (its bundles go to the street on a stick and the street's return files
# come back the same way).  After the same writing and the same reviews and decisions
# at the street, both end with the same inbox, review states and acknowledgements.  A
# return file for another node, a changed byte, or a replay change nothing.
here=$(cd "$(dirname "$0")" && pwd)
source "$here/e2e/lib.sh"

S="$E2E_TMP/street"
"$HUB" --dir "$S" init --role street --name 望海楼街 >"$E2E_TMP/s.init"
SKEY=$(last_line <"$E2E_TMP/s.init")
"$HUB" --dir "$S" policy auto-accept off >/dev/null
start_server STREET "$HUB" --dir "$S" serve --listen 127.0.0.1:0

declare -A KEY ORG
for n in A B; do
  code=12010500100$([ $n = A ] && echo 1 || echo 2)
  "$NODE" --dir "$E2E_TMP/$n" init --community "社区$n" --street 望海楼街 --hub "$STREET_URL" \
    --code "$code" --hub-key "$SKEY" >"$E2E_TMP/$n.init"
  KEY[$n]=$(last_line <"$E2E_TMP/$n.init")
  "$HUB" --dir "$S" enroll --name "社区$n" --key "${KEY[$n]}" --code "$code" >/dev/null
  ORG[$n]=$("$NODE" --dir "$E2E_TMP/$n" org file --name "读书会" --category 文体 --leader 张 \
    --phone 13800000000 --members 10 --party-members 1 --filed 2024-01-01 2>/dev/null | last_line)
  for m in 2024-02 2024-03; do
    "$NODE" --dir "$E2E_TMP/$n" report monthly --org "${ORG[$n]}" --month $m --activities 2 \
      --participants 20 --party-participants 1 --content 读书 >/dev/null
  done
done

# Up: A over the network, B on a stick.
"$NODE" --dir "$E2E_TMP/A" sync >/dev/null 2>&1 || true # waits for review: not all accepted yet
"$NODE" --dir "$E2E_TMP/B" bundle export "$E2E_TMP/up1.bundle" >/dev/null || fail "B bundle export"
"$HUB" --dir "$S" bundle import "$E2E_TMP/up1.bundle" >/dev/null || fail "hub bundle import"

# The street reviews both the same way: reject the first batch of each, then decides.
for n in A B; do
  code=12010500100$([ $n = A ] && echo 1 || echo 2)
  batch=$("$HUB" --dir "$S" review list | awk -v c="$code" '$3 == c { print $1; exit }')
  [ -n "$batch" ] || fail "no pending batch of $n"
  "$HUB" --dir "$S" review reject "$batch" --reason 材料不全 >/dev/null || fail "reject $n"
  "$HUB" --dir "$S" decide notice --org "${ORG[$n]}" --reason 请补齐材料后重新上报 >/dev/null || fail "decide $n"
done

# Back: A syncs, B gets a return file.
"$NODE" --dir "$E2E_TMP/A" sync >/dev/null || fail "A sync"
"$HUB" --dir "$S" bundle export --node "${KEY[B]}" "$E2E_TMP/down1.usb" >"$E2E_TMP/down1.out" \
  || fail "hub bundle export"
cp "$E2E_TMP/B/node.db" "$E2E_TMP/B.before"
"$NODE" --dir "$E2E_TMP/B" bundle import "$E2E_TMP/down1.usb" >"$E2E_TMP/imp1.out" \
  || fail "B bundle import"
grep -q 审核结果或决定 "$E2E_TMP/imp1.out" || fail "import does not tell the worker what came"

# Same states: inbox (kind, result, reason, about), reports' review, acknowledgements.
state() { # node
  local d="$E2E_TMP/$1" o="${ORG[$1]}"
  "$NODE" --dir "$d" inbox --json --keep-unread | python3 -c '
import json, sys
org = sys.argv[1]
items = json.load(sys.stdin)
print(sorted((i.get("kind"), i.get("result", ""), i.get("reason", ""), i.get("org") == org) for i in items))' "$o"
  "$NODE" --dir "$d" report list | cut -f2,7
  "$NODE" --dir "$d" status --json | python3 -c '
import json, sys
s = json.load(sys.stdin)
print({k: s.get(k) for k in ("written", "acknowledged")})'
}
state A >"$E2E_TMP/A.state"
state B >"$E2E_TMP/B.state"
diff "$E2E_TMP/A.state" "$E2E_TMP/B.state" >&2 || fail "the USB node's state differs from the network node's"
grep -q 材料不全 "$E2E_TMP/A.state" || fail "the rejection did not reach A: $(cat "$E2E_TMP/A.state")"
grep -q notice "$E2E_TMP/A.state" || fail "the notice did not reach A"
ok "the USB-only node ends like the network node"

# A second round: the USB node corrects its reports and the street accepts.
for n in A B; do
  "$NODE" --dir "$E2E_TMP/$n" report monthly --org "${ORG[$n]}" --month 2024-02 --activities 3 \
    --participants 30 --party-participants 1 --content 补充材料 >/dev/null
done
"$NODE" --dir "$E2E_TMP/A" sync >/dev/null 2>&1 || true
"$NODE" --dir "$E2E_TMP/B" bundle export "$E2E_TMP/up2.bundle" >/dev/null || fail "B bundle export 2"
"$HUB" --dir "$S" bundle import "$E2E_TMP/up2.bundle" >/dev/null || fail "hub bundle import 2"
for n in A B; do
  code=12010500100$([ $n = A ] && echo 1 || echo 2)
  batch=$("$HUB" --dir "$S" review list | awk -v c="$code" '$3 == c { print $1; exit }')
  "$HUB" --dir "$S" review accept "$batch" >/dev/null || fail "accept $n"
done
"$NODE" --dir "$E2E_TMP/A" sync >/dev/null || fail "A sync 2"
"$HUB" --dir "$S" bundle export --node "${KEY[B]}" "$E2E_TMP/down2.usb" >/dev/null || fail "export 2"
"$NODE" --dir "$E2E_TMP/B" bundle import "$E2E_TMP/down2.usb" >/dev/null || fail "B import 2"
state A >"$E2E_TMP/A.state"
state B >"$E2E_TMP/B.state"
diff "$E2E_TMP/A.state" "$E2E_TMP/B.state" >&2 || fail "second round: states differ"
"$NODE" --dir "$E2E_TMP/B" status --json | python3 -c '
import json, sys
s = json.load(sys.stdin)
assert s["acknowledged"] == s["written"], s' || fail "B's log is not all acknowledged"
ok "second round: corrections accepted, both nodes alike, B fully acknowledged"

# Refusals: replay, another node's file, a changed byte, junk.
snap() {
  "$NODE" --dir "$E2E_TMP/B" inbox --json --keep-unread
  "$NODE" --dir "$E2E_TMP/B" status --json | python3 -c '
import json, sys
s = json.load(sys.stdin)
print(sorted((k, v) for k, v in s.items() if "contact" not in k and "time" not in k))'
}
snap >"$E2E_TMP/snap1"
"$NODE" --dir "$E2E_TMP/B" bundle import "$E2E_TMP/down1.usb" >/dev/null || fail "replay of an old file"
snap >"$E2E_TMP/snap2"
cmp -s "$E2E_TMP/snap1" "$E2E_TMP/snap2" || fail "a replayed return file changed the node"
"$HUB" --dir "$S" bundle export --node "${KEY[A]}" "$E2E_TMP/forA.usb" >/dev/null || fail "export for A"
"$NODE" --dir "$E2E_TMP/B" bundle import "$E2E_TMP/forA.usb" 2>/dev/null && fail "B took A's file"
size=$(stat -c %s "$E2E_TMP/down2.usb")
for at in 20 100 $((size - 10)); do
  cp "$E2E_TMP/down2.usb" "$E2E_TMP/bad.usb"
  flip_byte "$E2E_TMP/bad.usb" "$at"
  if "$NODE" --dir "$E2E_TMP/B" bundle import "$E2E_TMP/bad.usb" 2>/dev/null; then
    fail "changed byte at $at accepted"
  fi
done
echo junk >"$E2E_TMP/junk.usb"
"$NODE" --dir "$E2E_TMP/B" bundle import "$E2E_TMP/junk.usb" 2>/dev/null && fail "junk accepted"
snap >"$E2E_TMP/snap3"
cmp -s "$E2E_TMP/snap1" "$E2E_TMP/snap3" || fail "a refused file changed the node"
"$HUB" --dir "$S" bundle export --node "$SKEY" "$E2E_TMP/x.usb" 2>/dev/null && fail "export for a non-community key"
"$HUB" --dir "$S" bundle export --node "${KEY[B]}" "$E2E_TMP/down2.usb" 2>/dev/null && fail "export over a file"
ok "replays, other nodes' files and changed bytes change nothing"
