#!/usr/bin/env bash
# The district's caps on attachments, with real processes on loopback: before any are set
# the defaults hold (10 MB a file, 200 MB per organisation a year); a street cannot set
# them and the district's own bounds refuse nonsense; the district's caps travel down the
# feed to the street and the node, whose page and command line show them; the node then
# refuses a file over either cap before it signs anything; and a node that attached under
# the old caps, while offline, gets that entry refused by the street (its file is never
# taken), while the street's rebuild reaches the same verdicts.
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"
export LINLI_FAKE_NOW_MS=1793500000000 # 2026-11-01, Asia/Shanghai

files_setup
N1="$NODE --dir $N"
"$NODE" --dir "$N" sync >/dev/null 2>&1 || fail "first sync"

$N1 files limits | grep -q "每个附件最多 10 MB，每个组织每年的附件最多 200 MB（默认值" ||
  fail "node defaults: $($N1 files limits)"
"$HUB" --dir "$E2E_TMP/street" files limits | grep -q "最多 10 MB.*最多 200 MB（默认值）" ||
  fail "street defaults"
ok "before the district sets caps, the defaults hold at the node and the street"

# Only the district, within bounds.
"$HUB" --dir "$E2E_TMP/street" files limits --file-mb 1 --year-mb 3 2>"$E2E_TMP/e1" &&
  fail "a street set the caps"
grep -q "只能由区协会设定" "$E2E_TMP/e1" || fail "no reason for the street: $(cat "$E2E_TMP/e1")"
"$HUB" --dir "$E2E_TMP/district" files limits --file-mb 60 --year-mb 600 2>"$E2E_TMP/e2" &&
  fail "a 60 MB cap of one file was taken"
grep -q "最多50" "$E2E_TMP/e2" || fail "no bound in: $(cat "$E2E_TMP/e2")"
"$HUB" --dir "$E2E_TMP/district" files limits --file-mb 5 --year-mb 2 2>"$E2E_TMP/e3" &&
  fail "a yearly cap under the cap of one file was taken"
grep -q "不能小于每个附件的上限" "$E2E_TMP/e3" || fail "no reason: $(cat "$E2E_TMP/e3")"
"$HUB" --dir "$E2E_TMP/district" files limits --file-mb 1 2>"$E2E_TMP/e4" && fail "one cap alone was taken"
grep -q "两个一起给" "$E2E_TMP/e4" || fail "no usage: $(cat "$E2E_TMP/e4")"
"$HUB" --dir "$E2E_TMP/district" files limits | grep -q "（默认值）" || fail "a refused setting changed the caps"

# A 1.5 MB photo attached while the node does not yet know the new caps (it is offline).
mk "$F/big.jpg" '\xff\xd8\xff\xe0' 1500000
H_OLD=$($N1 attach --org "$ORG" "$F/big.jpg" --title 旧上限下的照片 | last_line)

"$HUB" --dir "$E2E_TMP/district" files limits --file-mb 1 --year-mb 3 --operator 张科长 |
  grep -q "已设定附件上限" || fail "the district could not set the caps"
"$HUB" --dir "$E2E_TMP/district" files limits | grep -q "最多 1 MB.*最多 3 MB（区协会设定）" ||
  fail "district show: $("$HUB" --dir "$E2E_TMP/district" files limits)"
ok "only the district sets the caps, within bounds"

# The street relays them (its forward loop; run once by hand so the test need not wait).
"$HUB" --dir "$E2E_TMP/street" forward >/dev/null 2>&1 || true
wait_for 30 sh -c "'$HUB' --dir '$E2E_TMP/street' files limits | grep -q '最多 1 MB.*最多 3 MB（区协会设定）'" ||
  fail "street caps: $("$HUB" --dir "$E2E_TMP/street" files limits)"
ok "the caps reached the street"

# The node pushes its old photo: the street judges it by the caps in force when it arrived.
"$NODE" --dir "$N" sync 2>"$E2E_TMP/sync.err" || fail "sync: $(cat "$E2E_TMP/sync.err")"
grep -q "有附件记录被街道分会拒收" "$E2E_TMP/sync.err" || fail "no refusal in: $(grep 附件 "$E2E_TMP/sync.err")"
[ ! -e "$E2E_TMP/street/files/$H_OLD" ] || fail "the street took a file over the caps"
ok "a photo attached under the old caps was refused by the street; its bytes never taken"

# The node now knows the caps: shown on its command line and page, and applied before signing.
$N1 files limits | grep -q "每个附件最多 1 MB，每个组织每年的附件最多 3 MB（区协会设定）" ||
  fail "node caps: $($N1 files limits)"
written() { $N1 status --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["written"])'; }
w0=$(written)
mk "$F/big2.jpg" '\xff\xd8\xff\xe0' 1500000
$N1 attach --org "$ORG" "$F/big2.jpg" --title 太大的照片 2>"$E2E_TMP/e5" && fail "a 1.5 MB file was attached"
grep -q "超过每个附件 1 MB 的上限" "$E2E_TMP/e5" || fail "no reason: $(cat "$E2E_TMP/e5")"
[ "$(written)" = "$w0" ] || fail "the refused file wrote an entry"
for i in 1 2 3; do
  mk "$F/p$i.png" '\x89PNG\r\n\x1a\n' 900000
  $N1 attach --org "$ORG" "$F/p$i.png" --title "照片$i" >/dev/null || fail "photo $i under the caps"
done
mk "$F/p4.png" '\x89PNG\r\n\x1a\n' 900000
$N1 attach --org "$ORG" "$F/p4.png" --title 照片4 2>"$E2E_TMP/e6" && fail "the year's cap was passed"
grep -q "超过每年 3 MB 的上限" "$E2E_TMP/e6" || fail "no reason: $(cat "$E2E_TMP/e6")"
[ "$(written)" = $((w0 + 3)) ] || fail "the log holds $(($(written) - w0)) new entries, want 3"
ok "the node refuses a file over either cap before signing; three under them are attached"

# The organisation's page shows the caps under its file input and the refused photo as such.
start_server NWEB "$NODE" --dir "$N" serve --listen 127.0.0.1:0
curl -sf "$NWEB_URL/orgs/$ORG" >"$E2E_TMP/org.html" || fail "the organisation page"
grep -q "每个附件最多 1 MB，每个组织每年最多 3 MB" "$E2E_TMP/org.html" || fail "no caps on the page"
python3 - "$E2E_TMP/org.html" <<'PY' || fail "the refused photo is not marked on the page"
import re, sys
rows = re.findall(r"<tr>.*?</tr>", open(sys.argv[1]).read(), re.S)
old = [r for r in rows if "旧上限下的照片" in r]
others = [r for r in rows if "照片1" in r]
sys.exit(0 if old and "街道分会拒收" in old[0] and others and "街道分会拒收" not in others[0] else 1)
PY
stop_server "$NWEB_PID"
ok "the page shows the caps in force and marks the refused photo"

"$NODE" --dir "$N" sync 2>"$E2E_TMP/sync2.err" || fail "sync 2: $(cat "$E2E_TMP/sync2.err")"
for i in 1 2 3; do
  h=$(b2sum -l 256 "$F/p$i.png" | cut -d' ' -f1)
  [ -f "$E2E_TMP/street/files/$h" ] || fail "the street lacks photo $i"
done
ok "the three photos under the caps reached the street"

# A rebuild at the street reaches the same verdicts (the caps in force on arrival): the
# three photos are the files its records name, the refused one is not.
"$HUB" --dir "$E2E_TMP/street" files check --no-fetch >"$E2E_TMP/c1" 2>&1 || fail "check: $(cat "$E2E_TMP/c1")"
grep -q "附件 3 个：完好 3 个" "$E2E_TMP/c1" || fail "street files: $(tail -1 "$E2E_TMP/c1")"
stop_server "$STREET_PID"
"$HUB" --dir "$E2E_TMP/street" rebuild >/dev/null 2>&1 || fail "rebuild"
"$HUB" --dir "$E2E_TMP/street" files check --no-fetch >"$E2E_TMP/c2" 2>&1 || fail "check 2: $(cat "$E2E_TMP/c2")"
grep -q "附件 3 个：完好 3 个" "$E2E_TMP/c2" || fail "after rebuild: $(tail -1 "$E2E_TMP/c2")"
ok "the street's rebuild keeps the verdicts: $(tail -1 "$E2E_TMP/c2")"
