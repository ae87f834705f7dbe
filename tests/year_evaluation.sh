#!/usr/bin/env bash
# Evaluation and commendation (评比表彰) through real processes on loopback with a fixed
# clock (2027-01-10, nominations for 2026): two community nodes, a street hub and the
# district.  The district opens a round, which reaches both nodes down the feed; a node
# nominates a person of one of its organisations and an organisation (another community's
# organisation, an unknown round and a closed round are refused before signing); the street
# sees each nomination beside the organisation's year (reports, inspection result,
# criticisms) and recommends one; the district selects it, and the commendation naming the
# person reaches the node.  The annual list is exported as CSV and Excel with Chinese
# headers; the summary API names nobody; a rebuild at the district changes nothing.  A
# community enrolled after the round opened still receives it; the street nominates a person
# of its own street-level organisation (on its page) and the district commends them; the
# district closes the round early on its page, and a nomination written after the close is
# refused at the node that knows it and at the street for the node that did not.
here=$(cd "$(dirname "$0")" && pwd)
source "$here/e2e/lib.sh"
export LINLI_FAKE_NOW_MS=1799553600000 # 2027-01-10 12:00 Asia/Shanghai
IN_2026=1790841600000                   # 2026-10-01 16:00 Asia/Shanghai
AFTER_CLOSE=1801447200000               # 2027-02-01 10:00 Asia/Shanghai

"$HUB" --dir "$E2E_TMP/district" init --role district --name 河北区协会 >"$E2E_TMP/d.init"
DKEY=$(last_line <"$E2E_TMP/d.init")
start_server DIST "$HUB" --dir "$E2E_TMP/district" serve --listen 127.0.0.1:0
"$HUB" --dir "$E2E_TMP/street" init --role street --name 望海楼街 \
  --upstream "$DIST_URL" --upstream-key "$DKEY" >"$E2E_TMP/s.init"
SKEY=$(last_line <"$E2E_TMP/s.init")
"$HUB" --dir "$E2E_TMP/district" enroll --name 望海楼街 --key "$SKEY" >/dev/null
start_server STREET "$HUB" --dir "$E2E_TMP/street" serve --listen 127.0.0.1:0

i=0
for c in 建昌道社区 铁东路社区; do
  i=$((i + 1))
  "$NODE" --dir "$E2E_TMP/n$i" init --community "$c" --street 望海楼街 --hub "$STREET_URL" \
    --code "12010500100$i" --hub-key "$SKEY" >"$E2E_TMP/n$i.init"
  "$HUB" --dir "$E2E_TMP/street" enroll --name "$c" --key "$(last_line <"$E2E_TMP/n$i.init")" \
    --code "12010500100$i" >/dev/null
done
file_org() { # node name -> filing number
  "$NODE" --dir "$E2E_TMP/$1" org file --filed 2026-03-01 --name "$2" --category 为老服务 \
    --leader 王秀英 --phone 13800000000 --members 20 --party-members 2 | last_line
}
O1=$(file_org n1 建昌道社区夕阳红志愿服务队)
O2=$(file_org n1 建昌道社区读书会)
O3=$(file_org n2 铁东路社区编织组)
for m in 2026-05 2026-06; do
  "$NODE" --dir "$E2E_TMP/n1" report monthly --org "$O1" --month $m --activities 3 \
    --participants 40 --party-participants 5 --content 探访独居老人 >/dev/null || fail "report $m"
done
accept_all() {
  for b in $("$HUB" --dir "$E2E_TMP/street" review list | awk '{print $1}'); do
    "$HUB" --dir "$E2E_TMP/street" review accept "$b" --operator 李主任 >/dev/null || fail "accept $b"
  done
}
sync_all() {
  "$NODE" --dir "$E2E_TMP/n1" sync >/dev/null || fail "sync n1"
  "$NODE" --dir "$E2E_TMP/n2" sync >/dev/null || fail "sync n2"
}
sync_all
accept_all
# The organisation's year: an inspection result and, in October 2026, a criticism.
"$HUB" --dir "$E2E_TMP/street" inspection result "$O1" --year 2026 --result pass --reason 账目清楚 \
  >/dev/null || fail "inspection result"
LINLI_FAKE_NOW_MS=$IN_2026 "$HUB" --dir "$E2E_TMP/street" decide criticize --org "$O1" \
  --deadline 2026-11-30 --reason 活动记录不全 >/dev/null || fail "criticize"
ok "a small district with reports, an inspection result and a criticism of 2026"

# The district opens a round once it knows the communities.
"$HUB" --dir "$E2E_TMP/street" evaluation open --year 2026 --title 评比 --closes 2027-01-31 \
  2>"$E2E_TMP/e0" && fail "a street opened a round"
grep -q 区协会 "$E2E_TMP/e0" || fail "no reason at the street: $(cat "$E2E_TMP/e0")"
"$HUB" --dir "$E2E_TMP/street" forward >/dev/null 2>&1 || true
"$HUB" --dir "$E2E_TMP/district" evaluation open --year 2026 --title 2026年度优秀公益组织和个人评比 \
  --closes 2026-12-31 2>/dev/null && fail "a closing date in the past was taken"
"$HUB" --dir "$E2E_TMP/district" evaluation open --year 2026 --title 2026年度优秀公益组织和个人评比 \
  --closes 2027-01-31 --operator 张科长 >"$E2E_TMP/open.out" || fail "evaluation open"
grep -q "已向2个社区发起评比" "$E2E_TMP/open.out" || fail "open: $(cat "$E2E_TMP/open.out")"
ROUND=$(last_line <"$E2E_TMP/open.out")
[ "$ROUND" = 2026-1 ] || fail "round id $ROUND"
"$HUB" --dir "$E2E_TMP/district" evaluation rounds | grep -q "^2026-1.*进行中" || fail "district rounds"

# Before the round reaches the node, nominating in it is refused.
"$NODE" --dir "$E2E_TMP/n1" nominate --round "$ROUND" --org "$O1" --deeds 服务 2>"$E2E_TMP/e1" \
  && fail "a nomination in a round not received was taken"
grep -q "没有评比" "$E2E_TMP/e1" || fail "no reason for the round: $(cat "$E2E_TMP/e1")"
"$HUB" --dir "$E2E_TMP/street" forward >/dev/null 2>&1 || true
sync_all
"$NODE" --dir "$E2E_TMP/n2" evaluation list --json | python3 -c '
import json,sys; l=json.load(sys.stdin); r=l["rounds"]
assert len(r) == 1 and r[0]["round"] == "2026-1" and r[0]["open"] is True and r[0]["closes"] == "2027-01-31", l' \
  || fail "the round did not reach n2"
ok "the district opened a round; it reached both nodes through the street"

# A community enrolled after the round opened gets it at its street's next pull, once.
"$NODE" --dir "$E2E_TMP/n3" init --community 新开路社区 --street 望海楼街 --hub "$STREET_URL" \
  --code 120105001003 --hub-key "$SKEY" >"$E2E_TMP/n3.init"
"$HUB" --dir "$E2E_TMP/street" enroll --name 新开路社区 --key "$(last_line <"$E2E_TMP/n3.init")" \
  --code 120105001003 >/dev/null || fail "enroll a third community"
"$HUB" --dir "$E2E_TMP/street" forward >/dev/null 2>&1 || true
"$NODE" --dir "$E2E_TMP/n3" sync >/dev/null || fail "sync n3"
"$NODE" --dir "$E2E_TMP/n3" evaluation list --json | python3 -c '
import json,sys; r=json.load(sys.stdin)["rounds"]
assert [(x["round"], x["open"], x["closes"]) for x in r] == [("2026-1", True, "2027-01-31")], r' \
  || fail "the round did not reach a community enrolled after it opened"
"$HUB" --dir "$E2E_TMP/street" forward >/dev/null 2>&1 || true
"$HUB" --dir "$E2E_TMP/district" evaluation rounds --json | python3 -c '
import json,sys; r=json.load(sys.stdin); assert r[0]["communities"] == 3, r' \
  || fail "the late community got the round other than once"
ok "a community enrolled after the round opened received it, once"

# Nominations: bounds and authority at the node first.
"$NODE" --dir "$E2E_TMP/n2" nominate --round "$ROUND" --org "$O1" --deeds 服务 2>/dev/null \
  && fail "a community nominated another community's organisation"
"$NODE" --dir "$E2E_TMP/n1" nominate --round 2026-9 --org "$O1" --deeds 服务 2>/dev/null \
  && fail "a nomination in an unknown round was taken"
"$NODE" --dir "$E2E_TMP/n1" nominate --round "$ROUND" --org "$O1" 2>"$E2E_TMP/e2" \
  && fail "a nomination without deeds was taken"
grep -q "事迹" "$E2E_TMP/e2" || fail "no reason for the deeds: $(cat "$E2E_TMP/e2")"
LINLI_FAKE_NOW_MS=$AFTER_CLOSE "$NODE" --dir "$E2E_TMP/n1" nominate --round "$ROUND" --org "$O1" \
  --deeds 服务 2>"$E2E_TMP/e3" && fail "a nomination after the closing date was taken"
grep -q "截止" "$E2E_TMP/e3" || fail "no reason for the closing date: $(cat "$E2E_TMP/e3")"
N1=$("$NODE" --dir "$E2E_TMP/n1" nominate --round "$ROUND" --org "$O1" --person 王秀英 \
  --deeds 十年如一日照顾社区独居老人 | last_line)
N2=$("$NODE" --dir "$E2E_TMP/n1" nominate --round "$ROUND" --org "$O2" --deeds 全年开展读书活动 | last_line)
N3=$("$NODE" --dir "$E2E_TMP/n2" nominate --round "$ROUND" --org "$O3" --deeds 编织送温暖 | last_line)
case "$N1$N2$N3" in */*/*/*) ;; *) fail "no record ids: $N1 $N2 $N3" ;; esac
sync_all
accept_all
ok "a person and organisations nominated; other communities' organisations, unknown and closed rounds refused"

# The street sees each nomination beside the organisation's year, and recommends.
"$HUB" --dir "$E2E_TMP/street" evaluation list --round "$ROUND" --json >"$E2E_TMP/sl.json"
python3 - "$E2E_TMP/sl.json" "$N1" "$O1" <<'PY' || fail "street list"
import json, sys
l = json.load(open(sys.argv[1]))
assert len(l) == 3, l
n = [x for x in l if x["record"] == sys.argv[2]][0]
assert n["person"] == "王秀英" and n["org"] == sys.argv[3] and n["status"] == "nominated", n
assert n["community"] == "建昌道社区" and n["name"] == "建昌道社区夕阳红志愿服务队", n
assert n["reports"] == 2 and n["activities"] == 6, n
assert n["inspection"] == "pass" and n["criticisms"] == 1, n
PY
"$HUB" --dir "$E2E_TMP/district" evaluation recommend "$N1" --opinion 推荐 2>/dev/null \
  && fail "the district recommended"
"$HUB" --dir "$E2E_TMP/street" evaluation recommend "$N1" --opinion 事迹突出，同意推荐 \
  --operator 李主任 >/dev/null || fail "recommend"
"$HUB" --dir "$E2E_TMP/street" evaluation recommend "$N1" --opinion 再推荐 2>/dev/null \
  && fail "a nomination was recommended twice"
# The street's operator recommends the other one on the page (an empty opinion refused there).
printf 'eval-street-password\n' | "$HUB" --dir "$E2E_TMP/street" operator add 李主任 --role street \
  >/dev/null || fail "street operator add"
curl -s -c "$E2E_TMP/sjar" -o /dev/null --data-urlencode name=李主任 \
  --data-urlencode password=eval-street-password "$STREET_URL/login" || fail "street login"
curl -sf -b "$E2E_TMP/sjar" "$STREET_URL/evaluation?year=2026" >"$E2E_TMP/s.html" || fail "street page"
CSRF=$(grep -o 'name="csrf" value="[0-9a-f]*"' "$E2E_TMP/s.html" | head -1 | sed 's/.*value="//; s/"//')
[ -n "$CSRF" ] || fail "no recommend form on the street's page"
grep -q '<td class="inspection">合格</td>' "$E2E_TMP/s.html" || fail "street page: inspection result"
code=$(curl -s -o "$E2E_TMP/s2.html" -w '%{http_code}' -b "$E2E_TMP/sjar" --data-urlencode csrf="$CSRF" \
  --data-urlencode nomination="$N3" --data-urlencode year=2026 --data-urlencode opinion= \
  "$STREET_URL/evaluation/recommend")
[ "$code" = 400 ] && grep -q 推荐意见 "$E2E_TMP/s2.html" || fail "an empty opinion on the page answered $code"
code=$(curl -s -o /dev/null -w '%{http_code}' -b "$E2E_TMP/sjar" --data-urlencode csrf="$CSRF" \
  --data-urlencode nomination="$N3" --data-urlencode year=2026 --data-urlencode opinion=同意推荐 \
  "$STREET_URL/evaluation/recommend")
[ "$code" = 303 ] || [ "$code" = 302 ] || fail "the street's recommendation on the page answered $code"
"$HUB" --dir "$E2E_TMP/street" evaluation list | grep -q "王秀英.*街道已推荐" || fail "street text list"
ok "the street sees reports, inspection and criticisms beside each nominee, and recommends"

# The district selects; only a recommended nomination.
"$HUB" --dir "$E2E_TMP/street" forward >/dev/null 2>&1 || true
dlist() { "$HUB" --dir "$E2E_TMP/district" evaluation list --json >"$E2E_TMP/dl.json"; }
recommended_at_district() {
  dlist && python3 -c 'import json,sys; l=json.load(open(sys.argv[1]))
sys.exit(0 if sum(x["status"] == "recommended" for x in l) == 2 else 1)' "$E2E_TMP/dl.json"
}
wait_for 60 recommended_at_district || { cat "$E2E_TMP/dl.json" >&2; fail "district list"; }
"$HUB" --dir "$E2E_TMP/district" evaluation select "$N2" --reason 好 2>"$E2E_TMP/e4" \
  && fail "an unrecommended nomination was selected"
grep -q "推荐" "$E2E_TMP/e4" || fail "no reason: $(cat "$E2E_TMP/e4")"
"$HUB" --dir "$E2E_TMP/street" evaluation select "$N1" --reason 好 2>/dev/null \
  && fail "a street selected"
C1=$("$HUB" --dir "$E2E_TMP/district" evaluation select "$N1" --reason 评为2026年度优秀志愿者 \
  --operator 张科长 | last_line)
case "$C1" in */*) ;; *) fail "no record id for the commendation: $C1" ;; esac
"$HUB" --dir "$E2E_TMP/district" evaluation select "$N1" --reason 再评 2>/dev/null \
  && fail "a nomination was selected twice"
"$HUB" --dir "$E2E_TMP/district" evaluation select "$N3" --reason 评为2026年度优秀公益组织 \
  >/dev/null || fail "select N3"
ok "the district selected recommended nominations only"

# The commendation naming the person reaches the node.
"$HUB" --dir "$E2E_TMP/street" forward >/dev/null 2>&1 || true
"$NODE" --dir "$E2E_TMP/n1" sync >/dev/null || fail "sync n1 for the commendation"
"$NODE" --dir "$E2E_TMP/n1" evaluation list --json >"$E2E_TMP/nl.json"
python3 - "$E2E_TMP/nl.json" "$N1" "$N2" "$C1" <<'PY' || fail "the node does not show the commendation"
import json, sys
l = json.load(open(sys.argv[1]))
n = {x["record"]: x for x in l["nominations"]}
a, b = n[sys.argv[2]], n[sys.argv[3]]
assert a["status"] == "commended" and a["commendation"] == sys.argv[4], a
assert a["opinion"] == "事迹突出，同意推荐" and a["reason"] == "评为2026年度优秀志愿者", a
assert b["status"] == "nominated", b
PY
"$NODE" --dir "$E2E_TMP/n1" inbox --json --keep-unread >"$E2E_TMP/inbox.json" || fail "inbox"
python3 - "$E2E_TMP/inbox.json" "$C1" "$O1" <<'PY' || fail "the inbox does not name the person"
import json, sys
l = json.load(open(sys.argv[1]))
c = [x for x in l if x["record"] == sys.argv[2]]
assert len(c) == 1 and c[0]["kind"] == "decision.commend" and c[0]["subject"] == "王秀英", c
assert c[0]["org"] == sys.argv[3] and c[0]["origin"] == "district", c
assert any(x["kind"] == "evaluation.round" for x in l), l
assert any(x["kind"] == "evaluation.recommended" for x in l), l
PY
"$NODE" --dir "$E2E_TMP/n1" evaluation list | grep -q "王秀英.*已表彰" || fail "node text list"
"$HUB" --dir "$E2E_TMP/street" evaluation list | grep -q "王秀英.*已表彰" || fail "street sees the commendation"
"$HUB" --dir "$E2E_TMP/street" evaluation commendations --year 2026 --json | python3 -c '
import json,sys; l=json.load(sys.stdin); sys.exit(0 if [x["person"] for x in l] == ["王秀英", ""] else 1)' \
  || fail "the street's list of commendations"
ok "the commendation naming the person reached the street and the node"

# The annual list, exported; the summary API names nobody.
"$HUB" --dir "$E2E_TMP/district" evaluation commendations --year 2026 --csv "$E2E_TMP/c.csv" \
  >/dev/null || fail "CSV export"
python3 - "$E2E_TMP/c.csv" "$O1" "$O3" <<'PY' || fail "CSV rows"
import csv, sys
rows = list(csv.reader(open(sys.argv[1], encoding="utf-8-sig")))
assert rows[0] == ["年度", "评比", "街道", "社区", "备案编号", "组织名称", "表彰对象", "个人姓名",
                   "表彰理由", "表彰日期"], rows[0]
assert len(rows) == 3, rows
assert rows[1][4] == sys.argv[2] and rows[1][6] == "个人" and rows[1][7] == "王秀英", rows[1]
assert rows[1][3] == "建昌道社区" and rows[1][2] == "望海楼街" and rows[1][9] == "2027-01-10", rows[1]
assert rows[2][4] == sys.argv[3] and rows[2][6] == "组织" and rows[2][7] == "", rows[2]
PY
"$HUB" --dir "$E2E_TMP/district" evaluation commendations --year 2026 --xlsx "$E2E_TMP/c.xlsx" \
  >/dev/null || fail "Excel export"
python3 - "$E2E_TMP/c.xlsx" <<'PY' || fail "Excel"
import sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
text = "".join(z.read(n).decode("utf-8") for n in z.namelist() if n.endswith(".xml"))
for w in ("表彰对象", "个人姓名", "王秀英", "铁东路社区编织组"):
    assert w in text, w
PY
printf 'eval-test-password\n' | "$HUB" --dir "$E2E_TMP/district" operator add 张科长 --role district \
  >/dev/null || fail "operator add"
curl -s -c "$E2E_TMP/jar" -o /dev/null --data-urlencode name=张科长 \
  --data-urlencode password=eval-test-password "$DIST_URL/login" || fail "login"
curl -sf -b "$E2E_TMP/jar" "$DIST_URL/evaluation" >"$E2E_TMP/page.html" || fail "evaluation page"
python3 - "$E2E_TMP/page.html" "$N1" <<'PY' || fail "the district's evaluation page"
import re, sys
h = open(sys.argv[1], encoding="utf-8").read()
assert "2026年度评比表彰" in h and "王秀英" in h, h[:400]
row = re.search(r'<tr data-record="%s"[^>]*>(.*?)</tr>' % re.escape(sys.argv[2]), h, re.S).group(1)
assert '<td class="num reports">2</td>' in row and '<td class="num criticisms">1</td>' in row, row
assert '<td class="inspection">合格</td>' in row and "已表彰" in row, row
PY
curl -sf -b "$E2E_TMP/jar" "$DIST_URL/evaluation/commendations.csv?year=2026" | cmp -s - "$E2E_TMP/c.csv" \
  || fail "the page's CSV differs from the command line's"
curl -sf -b "$E2E_TMP/jar" -o "$E2E_TMP/w.xlsx" "$DIST_URL/evaluation/commendations.xlsx?year=2026" \
  && [ "$(head -c 2 "$E2E_TMP/w.xlsx")" = PK ] || fail "the page's Excel file"
code=$(curl -s -o /dev/null -w '%{http_code}' "$DIST_URL/evaluation/commendations.csv?year=2026")
[ "$code" = 401 ] || [ "$code" = 303 ] || [ "$code" = 302 ] || fail "the list without a login answered $code"
curl -sf -b "$E2E_TMP/jar" "$DIST_URL/api/v1/summary" >"$E2E_TMP/summary.json" || fail "summary"
grep -q 王秀英 "$E2E_TMP/summary.json" && fail "the summary API names a person"
ok "the annual list as CSV and Excel with Chinese headers, on the command line and the pages; the summary API names nobody"

"$HUB" --dir "$E2E_TMP/district" evaluation list --json >"$E2E_TMP/before.json"
"$HUB" --dir "$E2E_TMP/district" rebuild >/dev/null || fail "district rebuild"
"$HUB" --dir "$E2E_TMP/district" evaluation list --json >"$E2E_TMP/after.json"
cmp -s "$E2E_TMP/before.json" "$E2E_TMP/after.json" || fail "rebuild changed the nominations"
ok "rebuild gives the same nominations"

# A street nominates its own street-level organisation (on its page), recommends it, and the
# district commends the person named.
SO=$("$HUB" --dir "$E2E_TMP/street" org file --name 望海楼街志愿者分会 --category 为老服务 \
  --leader 李明 --phone 13900000000 --members 12 --party-members 1 --filed 2026-02-01 \
  2>/dev/null | last_line)
case "$SO" in ????????????-*) ;; *) fail "no filing number for the street's organisation: $SO" ;; esac
"$HUB" --dir "$E2E_TMP/street" evaluation nominate --round "$ROUND" --org "$O1" --deeds 服务 \
  2>"$E2E_TMP/e5" && fail "a street nominated a community's organisation"
grep -q "$O1" "$E2E_TMP/e5" || fail "no reason: $(cat "$E2E_TMP/e5")"
"$HUB" --dir "$E2E_TMP/street" evaluation nominate --round 2026-9 --org "$SO" --deeds 服务 \
  2>"$E2E_TMP/e5" && fail "a street nominated in an unknown round"
grep -q "没有评比" "$E2E_TMP/e5" || fail "no reason for the round: $(cat "$E2E_TMP/e5")"
"$HUB" --dir "$E2E_TMP/district" evaluation nominate --round "$ROUND" --org "$SO" --deeds 服务 \
  2>"$E2E_TMP/e6" && fail "the district nominated"
grep -q "区协会不提名" "$E2E_TMP/e6" || fail "no reason at the district: $(cat "$E2E_TMP/e6")"
curl -sf -b "$E2E_TMP/sjar" "$STREET_URL/evaluation?year=2026" >"$E2E_TMP/s3.html" || fail "street page"
grep -q 'id="eval-street-nominate"' "$E2E_TMP/s3.html" && grep -q "value=\"$SO\"" "$E2E_TMP/s3.html" \
  || fail "no nomination form for the street's own organisations"
CSRF=$(grep -o 'name="csrf" value="[0-9a-f]*"' "$E2E_TMP/s3.html" | head -1 | sed 's/.*value="//; s/"//')
code=$(curl -s -o "$E2E_TMP/s4.html" -w '%{http_code}' -b "$E2E_TMP/sjar" --data-urlencode csrf="$CSRF" \
  --data-urlencode round="$ROUND" --data-urlencode org="$SO" --data-urlencode person=李明 \
  --data-urlencode deeds= --data-urlencode year=2026 "$STREET_URL/evaluation/nominate")
[ "$code" = 400 ] && grep -q 事迹 "$E2E_TMP/s4.html" && grep -q 'value="李明"' "$E2E_TMP/s4.html" \
  || fail "a nomination without deeds on the page answered $code"
code=$(curl -s -o /dev/null -w '%{http_code}' -b "$E2E_TMP/sjar" --data-urlencode csrf="$CSRF" \
  --data-urlencode round="$ROUND" --data-urlencode org="$SO" --data-urlencode person=李明 \
  --data-urlencode deeds=组织志愿者服务全街道 --data-urlencode year=2026 "$STREET_URL/evaluation/nominate")
[ "$code" = 303 ] || [ "$code" = 302 ] || fail "the street's nomination on the page answered $code"
SN=$("$HUB" --dir "$E2E_TMP/street" evaluation list --json | python3 -c '
import json,sys; print([x["record"] for x in json.load(sys.stdin) if x["org"] == sys.argv[1]][0])' "$SO")
"$HUB" --dir "$E2E_TMP/street" evaluation recommend "$SN" --opinion 同意推荐 >/dev/null \
  || fail "the street recommends its own nomination"
"$HUB" --dir "$E2E_TMP/street" forward >/dev/null 2>&1 || true
street_recommended() {
  "$HUB" --dir "$E2E_TMP/district" evaluation list --json | python3 -c '
import json,sys; l=[x for x in json.load(sys.stdin) if x["record"] == sys.argv[1]]
sys.exit(0 if l and l[0]["status"] == "recommended" and l[0]["street"] == "望海楼街" and l[0]["person"] == "李明" else 1)' "$SN"
}
wait_for 60 street_recommended || fail "the district does not see the street's recommended nomination"
"$HUB" --dir "$E2E_TMP/district" evaluation select "$SN" --reason 评为优秀志愿者 >/dev/null \
  || fail "the district selects the street's nomination"
"$HUB" --dir "$E2E_TMP/district" evaluation commendations --year 2026 --json | python3 -c '
import json,sys; l=[x for x in json.load(sys.stdin) if x["org"] == sys.argv[1]]
assert len(l) == 1 and l[0]["person"] == "李明" and l[0]["street"] == "望海楼街", l' "$SO" \
  || fail "the commendation of the street's nomination"
ok "a street nominated its own organisation's person; the district commended them"

# The district closes the round early on its page; a nomination written after it is refused
# at the node that knows it, and at the street for the node that did not, naming the date.
curl -sf -b "$E2E_TMP/jar" "$DIST_URL/evaluation?year=2026" >"$E2E_TMP/d2.html" || fail "district page"
grep -q 'action="/evaluation/close"' "$E2E_TMP/d2.html" || fail "no close button on the district's page"
CSRF=$(grep -o 'name="csrf" value="[0-9a-f]*"' "$E2E_TMP/d2.html" | head -1 | sed 's/.*value="//; s/"//')
code=$(curl -s -o /dev/null -w '%{http_code}' -b "$E2E_TMP/jar" --data-urlencode csrf="$CSRF" \
  --data-urlencode round="$ROUND" --data-urlencode reason=名额已满 --data-urlencode year=2026 \
  "$DIST_URL/evaluation/close")
[ "$code" = 303 ] || [ "$code" = 302 ] || fail "closing on the page answered $code"
"$HUB" --dir "$E2E_TMP/district" evaluation close "$ROUND" 2>"$E2E_TMP/e7" && fail "closed twice"
grep -q "已于2027-01-10提前截止" "$E2E_TMP/e7" || fail "no reason: $(cat "$E2E_TMP/e7")"
"$HUB" --dir "$E2E_TMP/street" evaluation close "$ROUND" 2>/dev/null && fail "a street closed a round"
"$HUB" --dir "$E2E_TMP/district" evaluation rounds | grep -q "^2026-1.*已提前截止 2027-01-10" \
  || fail "district rounds: $("$HUB" --dir "$E2E_TMP/district" evaluation rounds)"
curl -sf -b "$E2E_TMP/jar" "$DIST_URL/evaluation?year=2026" | grep -q '<td class="state">已提前截止 2027-01-10' \
  || fail "the district's page does not show the round closed early"
LATER=1799557200000 # an hour after the close
N4=$(LINLI_FAKE_NOW_MS=$LATER "$NODE" --dir "$E2E_TMP/n2" nominate --round "$ROUND" --org "$O3" --deeds 迟到的提名 | last_line)
"$HUB" --dir "$E2E_TMP/street" forward >/dev/null 2>&1 || true
"$NODE" --dir "$E2E_TMP/n2" sync >/dev/null || fail "sync n2 after the close"
python3 - "$E2E_TMP/street/hub.db" "$N4" <<'PY' || fail "the street took a nomination written after the close"
import sqlite3, sys
key, seq = sys.argv[2].split("/")
r = sqlite3.connect(sys.argv[1]).execute("SELECT reason FROM refusals WHERE author = ? AND seq = ?",
                                         (bytes.fromhex(key), int(seq))).fetchall()
assert r and "提前截止" in r[0][0] and "2027-01-10" in r[0][0], r
PY
"$HUB" --dir "$E2E_TMP/street" evaluation list --json | grep -q "$N4" && fail "a refused nomination is listed"
"$NODE" --dir "$E2E_TMP/n2" evaluation list --json | python3 -c '
import json,sys; r=json.load(sys.stdin)["rounds"][0]
assert r["open"] is False and r["closed"] == "2027-01-10", r' || fail "n2 does not see the round closed"
LINLI_FAKE_NOW_MS=$LATER "$NODE" --dir "$E2E_TMP/n2" nominate --round "$ROUND" --org "$O3" --deeds 再提名 2>"$E2E_TMP/e8" \
  && fail "a node nominated in a round it knows is closed"
grep -q "已由区协会于2027-01-10提前截止" "$E2E_TMP/e8" || fail "no reason at the node: $(cat "$E2E_TMP/e8")"
LINLI_FAKE_NOW_MS=$LATER "$HUB" --dir "$E2E_TMP/street" evaluation nominate --round "$ROUND" --org "$SO" --deeds 再提名 \
  2>"$E2E_TMP/e9" && fail "the street nominated in a closed round"
grep -q "提前截止" "$E2E_TMP/e9" || fail "no reason at the street: $(cat "$E2E_TMP/e9")"
"$HUB" --dir "$E2E_TMP/district" evaluation list --json >"$E2E_TMP/before2.json"
"$HUB" --dir "$E2E_TMP/district" rebuild >/dev/null || fail "district rebuild"
"$HUB" --dir "$E2E_TMP/district" evaluation list --json >"$E2E_TMP/after2.json"
diff <(python3 -m json.tool "$E2E_TMP/before2.json") <(python3 -m json.tool "$E2E_TMP/after2.json") >&2 || fail "rebuild changed the nominations"
ok "the district closed the round early; later nominations refused at the node and the street"
echo "1..11"
