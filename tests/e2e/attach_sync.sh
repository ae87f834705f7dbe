#!/usr/bin/env bash
# Attachments travel with the records, with real processes on loopback: files attached at
# a community node reach the street with the sync and the district with the street's
# forward loop, byte for byte and under their BLAKE2b hash; an upload killed mid-file
# resumes where it stopped; a file the street holds is not sent again; a tampered file or
# one of the wrong type is refused with a message saying which, and nothing is stored;
# the street's quota counts files; 人员材料 stays at the street.
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"
export LINLI_FAKE_NOW_MS=1793500000000 # 2026-11-01, Asia/Shanghai

files_setup
REP=$("$NODE" --dir "$N" report monthly --org "$ORG" --month 2026-10 --activities 3 \
  --participants 40 --party-participants 2 --content 探访独居老人 | last_line)

mk "$F/charter.pdf" '%%PDF-1.4\n' 300000
mk "$F/photo.jpg" '\xff\xd8\xff\xe0' 2500000
mk "$F/roster.png" '\x89PNG\r\n\x1a\n' 40000
mk "$F/big.jpg" '\xff\xd8\xff\xe1' 5000000
printf 'just text' >"$F/notes.txt"

attach() { "$NODE" --dir "$N" attach --org "$ORG" "$@" | last_line; }
H_PDF=$(attach "$F/charter.pdf" --title 组织章程)
H_JPG=$(attach "$F/photo.jpg" --title 活动照片 --record "$REP")
H_PNG=$(attach "$F/roster.png" --title 成员名册 --heading people)
[ "$H_PDF" = "$(b2sum -l 256 "$F/charter.pdf" | cut -d' ' -f1)" ] || fail "attach printed another hash"
cmp -s "$F/photo.jpg" "$N/files/$H_JPG" || fail "the node's stored copy differs"
[ "$(stat -c %a "$N/files")" = 700 ] && [ "$(stat -c %a "$N/files/$H_PDF")" = 600 ] ||
  fail "the node's files are not private"
if "$NODE" --dir "$N" attach --org "$ORG" "$F/notes.txt" --title 说明 2>"$E2E_TMP/txt.err"; then
  fail "a text file was attached"
fi
grep -q "不是 PDF、JPEG 或 PNG" "$E2E_TMP/txt.err" || fail "no clear refusal: $(cat "$E2E_TMP/txt.err")"
ok "attach: PDF, JPEG, PNG stored once under their hash; a text file refused"

"$NODE" --dir "$N" sync 2>"$E2E_TMP/sync1.err" || { cat "$E2E_TMP/sync1.err" >&2; fail "sync"; }
for h in "$H_PDF" "$H_JPG" "$H_PNG"; do
  [ "$(b2sum -l 256 "$E2E_TMP/street/files/$h" | cut -d' ' -f1)" = "$h" ] ||
    fail "the street lacks $h or it does not hash to its name"
done
cmp -s "$F/photo.jpg" "$E2E_TMP/street/files/$H_JPG" || fail "the street's photo differs"
ok "sync: the street holds every file byte for byte"

# The district, through the street's forward loop; 人员材料 stays at the street.
wait_for 60 test -f "$E2E_TMP/district/files/$H_JPG" -a -f "$E2E_TMP/district/files/$H_PDF" ||
  fail "the district did not get the files: $(tail -5 "$E2E_TMP/STREET.err")"
cmp -s "$F/charter.pdf" "$E2E_TMP/district/files/$H_PDF" || fail "the district's PDF differs"
cmp -s "$F/photo.jpg" "$E2E_TMP/district/files/$H_JPG" || fail "the district's photo differs"
sleep 1
[ ! -e "$E2E_TMP/district/files/$H_PNG" ] || fail "人员材料 went above the street"
ok "forward: the district holds them byte for byte; 人员材料 stayed at the street"

# Operators at the district: one bound to this street and a district-wide one fetch the
# files; one bound to another street gets 404 for them, as for a file not held.
D="$E2E_TMP/district"
printf 'same-street-pass\n' | "$HUB" --dir "$D" operator add sop --role street --street 望海楼街 >/dev/null
printf 'other-street-pass\n' | "$HUB" --dir "$D" operator add oop --role street --street 铁东路街 >/dev/null
printf 'district-op-pass\n' | "$HUB" --dir "$D" operator add dop --role district >/dev/null
get_as() { # name password path -> status
  local jar="$E2E_TMP/jar.$1"
  [ -f "$jar" ] || curl -s -o /dev/null -c "$jar" --data "name=$1&password=$2" "$DIST_URL/login"
  curl -s -o "$E2E_TMP/got.$1" -w '%{http_code}' -b "$jar" "$DIST_URL$3"
}
for p in "/api/v1/files/$H_JPG" "/api/v1/files/$H_PDF/download?title=x"; do
  [ "$(get_as sop same-street-pass "$p")" = 200 ] || fail "the street's operator could not fetch $p"
  [ "$(get_as dop district-op-pass "$p")" = 200 ] || fail "the district operator could not fetch $p"
  [ "$(get_as oop other-street-pass "$p")" = 404 ] || fail "another street's operator fetched $p"
done
get_as sop same-street-pass "/api/v1/files/$H_JPG" >/dev/null
cmp -s "$F/photo.jpg" "$E2E_TMP/got.sop" || fail "the street's operator got other bytes"
ok "a street-bound operator at the district fetches only its street's files"

# The organisation page lists the files the district holds, not 人员材料, with the sizes
# in the same words everywhere; another street's operator does not see the organisation.
[ "$(get_as dop district-op-pass "/api/v1/dashboard/org/$ORG")" = 200 ] ||
  fail "the district operator could not open the organisation: $(cat "$E2E_TMP/got.dop")"
python3 - "$E2E_TMP/got.dop" <<'PY' || fail "the organisation's attachments: $(cat "$E2E_TMP/got.dop")"
import json, sys
a = {f["title"]: f for f in json.load(open(sys.argv[1]))["attachments"]}
assert sorted(a) == ["活动照片", "组织章程"], a
assert a["组织章程"]["heading"] == "备案材料" and a["组织章程"]["type"] == "PDF 文件", a
assert a["组织章程"]["size_text"] == "293 KB" and a["活动照片"]["size_text"] == "2.4 MB", a
assert all(f["held"] for f in a.values()), a
PY
[ "$(get_as oop other-street-pass "/api/v1/dashboard/org/$ORG")" = 404 ] ||
  fail "another street's operator opened the organisation"
ok "the organisation page at the district lists its files without 人员材料"

# Resumption: the node dies after the second chunk of a 5 MB photo (a failpoint, as kill -9).
H_BIG=$(attach "$F/big.jpg" --title 大合影 --heading activity)
set +e
LINLI_FAILPOINT=attach.push.after_chunk:2 "$NODE" --dir "$N" sync 2>"$E2E_TMP/cut.err"
st=$?
set -e
[ "$st" = 137 ] || fail "the failpoint did not fire ($st): $(cat "$E2E_TMP/cut.err")"
held=$(stat -c %s "$E2E_TMP/street/files/partial/$H_BIG")
[ "$held" = $((2 * 1048576)) ] || fail "the street holds $held bytes of the cut upload"
"$NODE" --dir "$N" sync 2>"$E2E_TMP/resume.err" || fail "resume: $(cat "$E2E_TMP/resume.err")"
sent=$(sed -n 's/.*附件：发送 \([0-9]*\) 字节.*/\1/p' "$E2E_TMP/resume.err" | tail -1)
size=$(stat -c %s "$F/big.jpg")
[ -n "$sent" ] && [ "$sent" -lt "$size" ] && [ "$sent" = $((size - held)) ] ||
  fail "the resumed upload sent ${sent:-?} bytes of $size (held $held)"
cmp -s "$F/big.jpg" "$E2E_TMP/street/files/$H_BIG" || fail "the resumed file differs"
[ ! -e "$E2E_TMP/street/files/partial/$H_BIG" ] || fail "a partial file stayed behind"
ok "a cut upload resumed: $sent of $size bytes sent the second time"

# The same file on another record is asked about, not sent again.
attach "$F/photo.jpg" --title 活动照片（副本） --heading activity >/dev/null
"$NODE" --dir "$N" sync 2>"$E2E_TMP/again.err" || fail "sync again: $(cat "$E2E_TMP/again.err")"
grep -q "附件：发送 0 字节，0 个文件传完，1 个街道分会已有" "$E2E_TMP/again.err" ||
  fail "a held file was sent again: $(grep 附件 "$E2E_TMP/again.err")"
ok "a file the street holds is not sent again"

# Tampered and wrong-type files: refused, saying which, nothing stored.
mk "$F/t1.png" '\x89PNG\r\n\x1a\n' 20000
H_T=$(attach "$F/t1.png" --title 篡改测试)
cp "$N/files/$H_T" "$E2E_TMP/t1.keep"
chmod u+w "$N/files/$H_T"
flip_byte "$N/files/$H_T" 5000
if "$NODE" --dir "$N" sync 2>"$E2E_TMP/tamper.err"; then fail "a tampered file was taken"; fi
grep -q "哈希不符" "$E2E_TMP/tamper.err" || fail "no hash message: $(cat "$E2E_TMP/tamper.err")"
[ ! -e "$E2E_TMP/street/files/$H_T" ] && [ ! -e "$E2E_TMP/street/files/partial/$H_T" ] ||
  fail "the street kept a tampered file"
{ printf '\xff\xd8\xff\xe0'; tail -c +5 "$E2E_TMP/t1.keep"; } >"$N/files/$H_T"
if "$NODE" --dir "$N" sync 2>"$E2E_TMP/type.err"; then fail "a file of the wrong type was taken"; fi
grep -q "类型不符：记录写的是PNG 图片，文件是JPEG 图片" "$E2E_TMP/type.err" ||
  fail "no type message: $(cat "$E2E_TMP/type.err")"
[ ! -e "$E2E_TMP/street/files/$H_T" ] && [ ! -e "$E2E_TMP/street/files/partial/$H_T" ] ||
  fail "the street kept a file of the wrong type"
cp "$E2E_TMP/t1.keep" "$N/files/$H_T"
"$NODE" --dir "$N" sync 2>/dev/null || fail "the repaired file was not taken"
cmp -s "$F/t1.png" "$E2E_TMP/street/files/$H_T" || fail "the repaired file differs"
ok "tampered and wrong-type files refused with the reason; nothing stored"

# The quota: a file that would pass the author's daily bytes is refused whole.
"$HUB" --dir "$E2E_TMP/street" quota 9000000 >/dev/null
mk "$F/over.jpg" '\xff\xd8\xff\xe0' 1500000
H_O=$(attach "$F/over.jpg" --title 超额照片)
if "$NODE" --dir "$N" sync 2>"$E2E_TMP/quota.err"; then fail "the quota let a file pass"; fi
grep -q "今日上传量已达上限" "$E2E_TMP/quota.err" || fail "no quota message: $(cat "$E2E_TMP/quota.err")"
[ ! -e "$E2E_TMP/street/files/$H_O" ] || fail "a file over the quota was stored"
"$HUB" --dir "$E2E_TMP/street" quota 67108864 >/dev/null
"$NODE" --dir "$N" sync 2>/dev/null || fail "the file did not go after the quota was raised"
ok "files count in the author's daily quota"

# USB: a community without network carries its files beside the bundle; the street checks
# each against its entry (a changed byte is refused, naming the file) and forwards them.
U="$E2E_TMP/n2"
"$NODE" --dir "$U" init --community 铁东路社区 --street 望海楼街 --hub http://127.0.0.1:9 \
  --code 120105001002 --hub-key "$SKEY" >"$E2E_TMP/n2.init"
"$HUB" --dir "$E2E_TMP/street" enroll --name 铁东路社区 --key "$(last_line <"$E2E_TMP/n2.init")" \
  --code 120105001002 >/dev/null
ORG2=$("$NODE" --dir "$U" org file --filed 2025-01-01 --name 铁东路书画社 --category 文体 \
  --leader 李华 --phone 13900000000 --members 9 --party-members 0 | last_line)
mk "$F/u1.pdf" '%%PDF-1.5\n' 120000
mk "$F/u2.png" '\x89PNG\r\n\x1a\n' 90000
HU1=$("$NODE" --dir "$U" attach --org "$ORG2" "$F/u1.pdf" --title 书画社章程 | last_line)
HU2=$("$NODE" --dir "$U" attach --org "$ORG2" "$F/u2.png" --title 书画展照片 --heading activity | last_line)
"$NODE" --dir "$U" bundle export "$E2E_TMP/stick.lnbd" >/dev/null 2>&1 || fail "bundle export"
[ -f "$E2E_TMP/stick.lnbd.files/$HU1" ] && [ -f "$E2E_TMP/stick.lnbd.files/$HU2" ] ||
  fail "the files did not go beside the bundle"
flip_byte "$E2E_TMP/stick.lnbd.files/$HU2" 7000
if "$HUB" --dir "$E2E_TMP/street" bundle import "$E2E_TMP/stick.lnbd" >"$E2E_TMP/usb1.out" \
  2>"$E2E_TMP/usb1.err"; then fail "a changed file on the stick was taken"; fi
grep -q "哈希不符" "$E2E_TMP/usb1.err" || fail "no hash message: $(cat "$E2E_TMP/usb1.err")"
cmp -s "$F/u1.pdf" "$E2E_TMP/street/files/$HU1" || fail "the good file on the stick was not stored"
[ ! -e "$E2E_TMP/street/files/$HU2" ] || fail "the street stored a changed file"
cp "$F/u2.png" "$E2E_TMP/stick.lnbd.files/$HU2"
"$HUB" --dir "$E2E_TMP/street" bundle import "$E2E_TMP/stick.lnbd" >/dev/null 2>"$E2E_TMP/usb2.err" ||
  fail "the repaired stick: $(cat "$E2E_TMP/usb2.err")"
grep -q "附件：新收 1 个，已有 1 个" "$E2E_TMP/usb2.err" || fail "import counts: $(cat "$E2E_TMP/usb2.err")"
cmp -s "$F/u2.png" "$E2E_TMP/street/files/$HU2" || fail "the stick's photo differs"
# a bundle imported by the command line does not wake serve's forward loop: it goes
# at the loop's next idle round (30 s)
wait_for 90 test -f "$E2E_TMP/district/files/$HU2" || fail "the district did not get the USB files"
cmp -s "$F/u1.pdf" "$E2E_TMP/district/files/$HU1" || fail "the district's USB PDF differs"
ok "USB: files beside the bundle, checked one by one, forwarded"

# The dossier: every record and file of the organisation under the six headings, and a ZIP
# that Python's zipfile opens, each file under its hash.
check_zip() { # ZIP EXPECTED_FILES
  python3 - "$1" "$2" <<'PY'
import hashlib, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
assert z.testzip() is None
names = z.namelist()
assert "index.html" in names, names
files = [n for n in names if n.startswith("files/")]
assert len(files) == int(sys.argv[2]), (len(files), names)
index = z.read("index.html").decode()
for n in files:
    h = n[len("files/"):].split(".")[0]
    assert hashlib.blake2b(z.read(n), digest_size=32).hexdigest() == h, n
    assert n in index, n + " not linked from index.html"
for heading in ("备案材料", "活动材料", "人员材料", "评比材料", "计划总结材料", "变更材料"):
    assert heading in index, heading
print(len(files))
PY
}
"$NODE" --dir "$N" dossier --org "$ORG" --zip "$E2E_TMP/node.zip" >/dev/null || fail "node dossier"
check_zip "$E2E_TMP/node.zip" 6 >/dev/null || fail "the node's dossier ZIP"
"$NODE" --dir "$N" dossier --org "$ORG" >"$E2E_TMP/node.html" || fail "node dossier page"
python3 - "$E2E_TMP/node.html" <<'PY' || fail "the node's dossier page is not in order"
import re, sys
page = open(sys.argv[1]).read()
act = page.index("活动材料"), page.index("人员材料")
assert page.index("活动照片") > act[0] and page.index("活动照片") < act[1]
assert page.index("月报") > act[0] and page.index("月报") < act[1]
assert page.index("成员名册") > act[1]
assert page.index("组织章程") < act[0]
assert not re.search(r">[^<]*[0-9a-f]{64}[^<]*<", page), "a hash shown as text"
PY
"$HUB" --dir "$E2E_TMP/district" dossier --org "$ORG" --zip "$E2E_TMP/district.zip" >/dev/null ||
  fail "district dossier"
check_zip "$E2E_TMP/district.zip" 5 >/dev/null || fail "the district's dossier ZIP"
"$HUB" --dir "$E2E_TMP/district" dossier --org "$ORG" | grep -q "文件未存到本级" ||
  fail "the district's page does not say 人员材料 is not held there"
ok "dossier at node and district: six headings, time order, ZIP with every file under its hash"

# Retention: the district decides which headings come up; once it takes 人员材料, they do.
"$HUB" --dir "$E2E_TMP/district" files above-street filing,activity,people,evaluation,plan,change \
  | grep -q "人员材料" || fail "files above-street did not take 人员材料"
mk "$F/roster2.png" '\x89PNG\r\n\x1a\n' 30000
H_R2=$(attach "$F/roster2.png" --title 新成员名册 --heading people)
"$NODE" --dir "$N" sync 2>/dev/null || fail "sync of a roster"
wait_for 90 test -f "$E2E_TMP/district/files/$H_R2" || fail "the district that takes 人员材料 did not get it"
cmp -s "$F/roster2.png" "$E2E_TMP/district/files/$H_R2" || fail "the district's roster differs"
ok "retention: the district's setting decides which headings travel above the street"
