#!/usr/bin/env bash
# The hub is the files' backup, with real processes on loopback: `linli-node files check`
# finds a deleted and a corrupted file and fetches both back from the street, byte for byte
# (--no-fetch only reports, and exits 2); a node restored on a new PC with the community's
# key gets its files back; `linli-hub files check` at the street finds its own lost and
# corrupted files and fetches them back from the district, and at the district reports a
# corrupt one (人员材料, which stays below, is not asked for there).
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"
export LINLI_FAKE_NOW_MS=1793500000000 # 2026-11-01, Asia/Shanghai

files_setup

mk "$F/charter.pdf" '%%PDF-1.4\n' 300000
mk "$F/photo.jpg" '\xff\xd8\xff\xe0' 2500000
mk "$F/roster.png" '\x89PNG\r\n\x1a\n' 40000
attach() { "$NODE" --dir "$N" attach --org "$ORG" "$@" | last_line; }
H_PDF=$(attach "$F/charter.pdf" --title 组织章程)
H_JPG=$(attach "$F/photo.jpg" --title 活动照片 --heading activity)
H_PNG=$(attach "$F/roster.png" --title 成员名册 --heading people)
"$NODE" --dir "$N" sync 2>"$E2E_TMP/sync.err" || fail "sync: $(cat "$E2E_TMP/sync.err")"
wait_for 60 test -f "$E2E_TMP/district/files/$H_JPG" -a -f "$E2E_TMP/district/files/$H_PDF" ||
  fail "the district did not get the files: $(tail -5 "$E2E_TMP/STREET.err")"

# The node: all whole.
"$NODE" --dir "$N" files check --no-fetch >"$E2E_TMP/c0.out" || fail "check of whole files: $(cat "$E2E_TMP/c0.out")"
grep -q "附件 3 个：完好 3 个，缺失 0 个，损坏 0 个" "$E2E_TMP/c0.out" || fail "counts: $(cat "$E2E_TMP/c0.out")"

# One lost, one changed: --no-fetch reports them, exits 2, and changes nothing.
rm "$N/files/$H_PDF"
flip_byte "$N/files/$H_JPG" 100000
set +e
"$NODE" --dir "$N" files check --no-fetch >"$E2E_TMP/c1.out" 2>"$E2E_TMP/c1.err"
st=$?
set -e
[ "$st" = 2 ] || fail "a check with lost files exited $st"
grep -q "缺失：组织章程" "$E2E_TMP/c1.out" || fail "the lost file is not named: $(cat "$E2E_TMP/c1.out")"
grep -q "损坏：活动照片" "$E2E_TMP/c1.out" || fail "the changed file is not named: $(cat "$E2E_TMP/c1.out")"
grep -q "附件 3 个：完好 1 个，缺失 1 个，损坏 1 个" "$E2E_TMP/c1.out" || fail "counts: $(cat "$E2E_TMP/c1.out")"
grep -q "去掉 --no-fetch" "$E2E_TMP/c1.err" || fail "no hint: $(cat "$E2E_TMP/c1.err")"
[ ! -e "$N/files/$H_PDF" ] || fail "--no-fetch fetched"
ok "node: files check --no-fetch names a lost and a changed file and exits 2"

"$NODE" --dir "$N" files check >"$E2E_TMP/c2.out" 2>"$E2E_TMP/c2.err" ||
  fail "the check did not fetch them back: $(cat "$E2E_TMP/c2.out" "$E2E_TMP/c2.err")"
both=$(($(stat -c %s "$F/charter.pdf") + $(stat -c %s "$F/photo.jpg")))
grep -q "从街道分会取回 2 个（$both 字节）" "$E2E_TMP/c2.out" || fail "counts: $(cat "$E2E_TMP/c2.out")"
cmp -s "$F/charter.pdf" "$N/files/$H_PDF" || fail "the fetched PDF differs"
cmp -s "$F/photo.jpg" "$N/files/$H_JPG" || fail "the fetched photo differs"
[ "$(stat -c %a "$N/files/$H_PDF")" = 600 ] || fail "a fetched file is not private"
ls "$N/files/partial" | grep -q . && fail "a partial file stayed behind"
ok "node: files check fetches both back from the street, byte for byte"

# A new PC with the community's key: restore brings the log and every file back.
R="$E2E_TMP/n1-new"
mkdir -p "$E2E_TMP/keys"
cp "$N/identity.key" "$E2E_TMP/keys/n1.key"
"$NODE" --dir "$R" restore --hub "$STREET_URL" --key "$E2E_TMP/keys/n1.key" >"$E2E_TMP/r.out" \
  2>"$E2E_TMP/r.err" || fail "restore: $(cat "$E2E_TMP/r.err")"
for f in charter.pdf:$H_PDF photo.jpg:$H_JPG roster.png:$H_PNG; do
  cmp -s "$F/${f%%:*}" "$R/files/${f#*:}" || fail "the restored node lacks ${f%%:*}: $(cat "$E2E_TMP/r.err")"
done
"$NODE" --dir "$R" files check --no-fetch >/dev/null || fail "the restored node's files do not check"
"$NODE" --dir "$R" dossier --org "$ORG" --zip "$E2E_TMP/restored.zip" >/dev/null || fail "dossier"
python3 - "$E2E_TMP/restored.zip" "$H_PDF" "$H_JPG" "$H_PNG" <<'PY' || fail "the restored dossier ZIP"
import hashlib, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
got = {n[len("files/"):].split(".")[0]: hashlib.blake2b(z.read(n), digest_size=32).hexdigest()
       for n in z.namelist() if n.startswith("files/")}
assert sorted(got) == sorted(sys.argv[2:]), got
assert all(k == v for k, v in got.items()), got
PY
ok "a node restored on a new PC gets its files back (its dossier ZIP holds all three)"

# The street lost one file and has another corrupted: the district gives them back.
rm "$E2E_TMP/street/files/$H_JPG"
flip_byte "$E2E_TMP/street/files/$H_PDF" 2000
set +e
"$HUB" --dir "$E2E_TMP/street" files check --no-fetch >"$E2E_TMP/s1.out" 2>"$E2E_TMP/s1.err"
st=$?
set -e
[ "$st" = 2 ] || fail "the street's check exited $st: $(cat "$E2E_TMP/s1.out" "$E2E_TMP/s1.err")"
grep -q "缺失：活动照片" "$E2E_TMP/s1.out" && grep -q "损坏：组织章程" "$E2E_TMP/s1.out" ||
  fail "the street's check: $(cat "$E2E_TMP/s1.out")"
"$HUB" --dir "$E2E_TMP/street" files check >"$E2E_TMP/s2.out" 2>"$E2E_TMP/s2.err" ||
  fail "the street did not fetch them back: $(cat "$E2E_TMP/s2.out" "$E2E_TMP/s2.err")"
grep -q "从区协会取回 2 个" "$E2E_TMP/s2.out" || fail "street counts: $(cat "$E2E_TMP/s2.out")"
cmp -s "$F/photo.jpg" "$E2E_TMP/street/files/$H_JPG" || fail "the street's fetched photo differs"
cmp -s "$F/charter.pdf" "$E2E_TMP/street/files/$H_PDF" || fail "the street's fetched PDF differs"
ok "street: files check fetches its lost and corrupted files back from the district"

# The district: 人员材料 is not expected there; a corrupt file is reported.
"$HUB" --dir "$E2E_TMP/district" files check >"$E2E_TMP/d0.out" || fail "district check: $(cat "$E2E_TMP/d0.out")"
grep -q "附件 2 个：完好 2 个" "$E2E_TMP/d0.out" || fail "district counts: $(cat "$E2E_TMP/d0.out")"
flip_byte "$E2E_TMP/district/files/$H_JPG" 7
if "$HUB" --dir "$E2E_TMP/district" files check >"$E2E_TMP/d1.out" 2>&1; then
  fail "the district's check missed a corrupt file"
fi
grep -q "损坏：活动照片" "$E2E_TMP/d1.out" || fail "district: $(cat "$E2E_TMP/d1.out")"
ok "district: files check reports a corrupt file; 人员材料 is not asked for"

# A proxy that cuts requests mid-way (tests/fault/proxy.c: cut=40, 40% of requests get half
# their bytes, then both sides are dropped) between a second node and the street: a 5 MB
# photo still arrives whole, each chunk is stored once (the bytes the node counts as sent
# add up to the file exactly), and no partial file is left.
if [ -n "${PROXY:-}" ]; then
  "$PROXY" "$E2E_TMP/px.ctl" 17 >"$E2E_TMP/px.url" 2>"$E2E_TMP/px.log" &
  E2E_PIDS+=($!)
  PX_PID=$!
  echo "target=127.0.0.1:${STREET_URL##*:}" >"$E2E_TMP/px.ctl"
  wait_for 10 grep -q '^http' "$E2E_TMP/px.url" || fail "the proxy did not start"
  PX_URL=$(head -n 1 "$E2E_TMP/px.url")
  M="$E2E_TMP/n2"
  "$NODE" --dir "$M" init --community 铁东路社区 --street 望海楼街 --hub "$PX_URL" \
    --code 120105001002 --hub-key "$SKEY" >"$E2E_TMP/n2.init"
  "$HUB" --dir "$E2E_TMP/street" enroll --name 铁东路社区 --key "$(last_line <"$E2E_TMP/n2.init")" \
    --code 120105001002 >/dev/null
  ORG2=$("$NODE" --dir "$M" org file --filed 2025-01-01 --name 铁东路书画社 --category 文体 \
    --leader 李华 --phone 13900000000 --members 9 --party-members 0 | last_line)
  mk "$F/big.jpg" '\xff\xd8\xff\xe0' 5000000
  H_BIG=$("$NODE" --dir "$M" attach --org "$ORG2" "$F/big.jpg" --title 书画展合影 | last_line)
  echo "target=127.0.0.1:${STREET_URL##*:} cut=40" >"$E2E_TMP/px.ctl"
  sent=0
  for i in $(seq 1 60); do
    "$NODE" --dir "$M" sync 2>"$E2E_TMP/px-sync.err" && ok=1 || ok=0
    n=$(sed -n 's/.*附件：发送 \([0-9]*\) 字节.*/\1/p' "$E2E_TMP/px-sync.err" | tail -1)
    sent=$((sent + ${n:-0}))
    [ "$ok" = 1 ] && [ -f "$E2E_TMP/street/files/$H_BIG" ] && break
  done
  kill -USR1 "$PX_PID" 2>/dev/null || true
  sleep 0.2
  cmp -s "$F/big.jpg" "$E2E_TMP/street/files/$H_BIG" ||
    fail "the photo did not arrive whole through the cutting proxy ($i syncs): $(tail -3 "$E2E_TMP/px-sync.err")"
  [ ! -e "$E2E_TMP/street/files/partial/$H_BIG" ] || fail "a partial file stayed behind"
  size=$(stat -c %s "$F/big.jpg")
  [ "$sent" = "$size" ] || fail "the node sent $sent bytes for a file of $size (a chunk stored twice?)"
  grep -q "cut [1-9]" "$E2E_TMP/px.log" || fail "the proxy cut nothing: $(cat "$E2E_TMP/px.log")"
  ok "through a proxy cutting requests: the photo arrives whole after $i syncs, $sent bytes sent for $size ($(tail -1 "$E2E_TMP/px.log"))"
fi
