#!/usr/bin/env bash
# The district's lists through real processes on loopback with a fixed clock: before any
# list, a node files with free text and cannot give an industry; the district publishes its
# category, industry and supervising-unit lists (a street cannot, a bad file is refused with
# its line); the lists reach the street and the node down the feed; the node files with
# codes (a code not in a list refused before signing); a street operator maps an
# organisation filed with free text once (its old text kept) and the mapping reaches the
# node; a rebuild at the street and the district keeps the lists.
here=$(cd "$(dirname "$0")" && pwd)
source "$here/e2e/lib.sh"
export LINLI_FAKE_NOW_MS=1802138400000 # 2027-02-09 10:00 Asia/Shanghai

"$HUB" --dir "$E2E_TMP/district" init --role district --name 河北区协会 >"$E2E_TMP/d.init"
DKEY=$(last_line <"$E2E_TMP/d.init")
start_server DIST "$HUB" --dir "$E2E_TMP/district" serve --listen 127.0.0.1:0
"$HUB" --dir "$E2E_TMP/street" init --role street --name 望海楼街 \
  --upstream "$DIST_URL" --upstream-key "$DKEY" >"$E2E_TMP/s.init"
SKEY=$(last_line <"$E2E_TMP/s.init")
"$HUB" --dir "$E2E_TMP/district" enroll --name 望海楼街 --key "$SKEY" >/dev/null
start_server STREET "$HUB" --dir "$E2E_TMP/street" serve --listen 127.0.0.1:0
"$NODE" --dir "$E2E_TMP/n1" init --community 建昌道社区 --street 望海楼街 --hub "$STREET_URL" \
  --code 120105001001 --hub-key "$SKEY" >"$E2E_TMP/n1.init"
"$HUB" --dir "$E2E_TMP/street" enroll --name 建昌道社区 --key "$(last_line <"$E2E_TMP/n1.init")" \
  --code 120105001001 >/dev/null
N1="$NODE --dir $E2E_TMP/n1"
nsync() { # a sync that a busy street may refuse once is tried again
  wait_for 30 $N1 sync >/dev/null 2>&1
}
json() { # file python-expression -> exit status
  python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if eval(sys.argv[2]) else 1)' "$@"
}

# Before the district publishes anything: free text, no industry.
OLD=$($N1 org file --filed 2026-03-01 --name 建昌道社区夕阳红志愿服务队 --category 为老服务 \
  --leader 王秀英 --phone 13800000000 --members 20 --party-members 2 | last_line)
$N1 org file --name 建昌道社区读书会 --category 文化 --leader 李 --phone 13800000001 --members 5 \
  --party-members 0 --industry HEALTH 2>"$E2E_TMP/e0" && fail "an industry was taken before any list"
grep -q 尚未发布 "$E2E_TMP/e0" || fail "no reason: $(cat "$E2E_TMP/e0")"
$N1 lists | grep -q "组织类别：区协会尚未发布" || fail "node lists before publishing: $($N1 lists)"
ok "before the lists: free text keeps working, an industry cannot be given"

# The district publishes; a street cannot, a bad file is refused with its line.
cat >"$E2E_TMP/cat.txt" <<'T'
# 组织类别
ELDER,为老服务
CULTURE,文化体育
T
printf 'HEALTH,卫生健康\nEDU,教育\n' >"$E2E_TMP/ind.txt"
printf 'WJW,区卫生健康委员会\nJYJ,区教育局\n' >"$E2E_TMP/unit.txt"
printf 'A,甲\nA,乙\n' >"$E2E_TMP/dup.txt"
"$HUB" --dir "$E2E_TMP/street" list publish --kind category "$E2E_TMP/cat.txt" 2>"$E2E_TMP/e1" \
  && fail "a street published a list"
grep -q 区协会 "$E2E_TMP/e1" || fail "no reason for the street: $(cat "$E2E_TMP/e1")"
"$HUB" --dir "$E2E_TMP/district" list publish --kind category "$E2E_TMP/dup.txt" 2>"$E2E_TMP/e2" \
  && fail "a list with a repeated code was published"
grep -q "第2行.*重复" "$E2E_TMP/e2" || fail "no line for the repeated code: $(cat "$E2E_TMP/e2")"
for k in category:cat industry:ind unit:unit; do
  "$HUB" --dir "$E2E_TMP/district" list publish --kind "${k%%:*}" "$E2E_TMP/${k##*:}.txt" \
    --operator 张科长 >/dev/null || fail "publish ${k%%:*}"
done
"$HUB" --dir "$E2E_TMP/district" list show | grep -q "WJW.*区卫生健康委员会" || fail "district list show"
ok "the district published three lists; a street and a bad file could not"

# Down the feed: the street relays, the node receives.
"$HUB" --dir "$E2E_TMP/street" forward >/dev/null 2>&1 || true
"$HUB" --dir "$E2E_TMP/street" list show --json >"$E2E_TMP/s.json"
json "$E2E_TMP/s.json" 'd["unit"][0]=={"code":"WJW","name":"区卫生健康委员会"} and len(d["category"])==2' \
  || fail "street lists: $(cat "$E2E_TMP/s.json")"
nsync || fail "sync n1"
$N1 lists --json >"$E2E_TMP/n.json"
json "$E2E_TMP/n.json" 'd["industry"]==[{"code":"HEALTH","name":"卫生健康"},{"code":"EDU","name":"教育"}] and len(d["unit"])==2' \
  || fail "node lists: $(cat "$E2E_TMP/n.json")"
ok "the lists reached the street and the node"

# The node files with them: code or name, checked before signing.
NEW=$($N1 org file --filed 2026-05-01 --name 建昌道社区健康讲堂 --category ELDER --industry 卫生健康 \
  --unit WJW --leader 赵 --phone 13800000002 --members 9 --party-members 3 | last_line)
$N1 org file --name 建昌道社区书画社 --category 书画 --leader 钱 --phone 13800000003 --members 5 \
  --party-members 0 2>"$E2E_TMP/e3" && fail "a category outside the list was taken"
grep -q "不在区协会发布的组织类别清单中" "$E2E_TMP/e3" || fail "no reason: $(cat "$E2E_TMP/e3")"
$N1 org file --name 建昌道社区书画社 --category CULTURE --unit NOPE --leader 钱 --phone 13800000003 \
  --members 5 --party-members 0 2>/dev/null && fail "a unit outside the list was taken"
$N1 org list --json >"$E2E_TMP/o.json"
json "$E2E_TMP/o.json" "[o for o in d if o['id']=='$NEW' and o['category']=='为老服务' and o['category_code']=='ELDER' and o['industry']=='HEALTH' and o['unit']=='WJW']" \
  || fail "node org: $(cat "$E2E_TMP/o.json")"
[ "$(json "$E2E_TMP/o.json" 'len(d)==2' && echo 2)" = 2 ] || fail "a refused filing was kept"
$N1 org amend "$NEW" --unit JYJ >/dev/null || fail "amend unit"
# the amendment waits for the street (checked below, once accepted)
$N1 org list --json | grep -q '"unit":"JYJ"' && fail "a pending amendment changed the unit"
ok "the node filed and amended with the lists; codes outside them refused before signing"

# The street accepts, maps the old organisation once (old text kept), and the node learns it.
nsync || fail "sync n1 filings"
for b in $("$HUB" --dir "$E2E_TMP/street" review list | awk '{print $1}'); do
  "$HUB" --dir "$E2E_TMP/street" review accept "$b" --operator 李主任 >/dev/null || fail "accept $b"
done
"$HUB" --dir "$E2E_TMP/street" org map --id "$OLD" --category NOPE 2>/dev/null && fail "mapped outside the list"
"$HUB" --dir "$E2E_TMP/district" org map --id "$OLD" --category ELDER 2>/dev/null && fail "the district mapped"
"$HUB" --dir "$E2E_TMP/street" org map --id "$OLD" --category ELDER --unit WJW --operator 李主任 \
  >/dev/null || fail "org map"
nsync || fail "sync n1 mapping"
$N1 org list --json >"$E2E_TMP/o2.json"
json "$E2E_TMP/o2.json" "[o for o in d if o['id']=='$OLD' and o['category']=='为老服务' and o['category_code']=='ELDER' and o['unit']=='WJW']" \
  || fail "node mapping: $(cat "$E2E_TMP/o2.json")"
json "$E2E_TMP/o2.json" "[o for o in d if o['id']=='$NEW' and o['unit']=='JYJ']" \
  || fail "the accepted amendment of the unit: $(cat "$E2E_TMP/o2.json")"
ok "the street mapped an organisation filed with free text; the node holds the codes"

# Operators: the street's, the district's, and a viewer of one supervising unit.
login() { # hub-url jar name
  curl -sf -c "$2" -o /dev/null --data-urlencode name="$3" --data-urlencode password=lists-test-pw \
    "$1/login" || fail "login $3"
}
printf 'lists-test-pw\n' | "$HUB" --dir "$E2E_TMP/street" operator add 李主任 --role street >/dev/null \
  || fail "street operator"
printf 'lists-test-pw\n' | "$HUB" --dir "$E2E_TMP/district" operator add 张科长 --role district \
  >/dev/null || fail "district operator"
printf 'lists-test-pw\n' | "$HUB" --dir "$E2E_TMP/district" operator add 卫健委 --role viewer \
  --unit NOPE 2>/dev/null && fail "a viewer bound to a unit outside the list"
printf 'lists-test-pw\n' | "$HUB" --dir "$E2E_TMP/district" operator add 卫健委 --role district \
  --unit WJW 2>/dev/null && fail "a district operator bound to a unit"
printf 'lists-test-pw\n' | "$HUB" --dir "$E2E_TMP/district" operator add 卫健委 --role viewer \
  --unit WJW >/dev/null || fail "unit viewer"
login "$STREET_URL" "$E2E_TMP/sjar" 李主任
login "$DIST_URL" "$E2E_TMP/djar" 张科长
login "$DIST_URL" "$E2E_TMP/vjar" 卫健委
api() { # url jar answer out
  curl -sf -b "$2" "$1/api/v1/dashboard/$3" >"$4"
}

# A station: the flag clears only when the street accepts the registration, at every level.
"$HUB" --dir "$E2E_TMP/street" forward >/dev/null 2>&1 || true
needs() { # url jar org -> 0 when the attention list holds org as needing a station
  api "$1" "$2" attention "$E2E_TMP/att.json" && json "$E2E_TMP/att.json" "'$3' in [o['id'] for o in d['party_station']]"
}
$N1 org list | grep "^$NEW" | grep -q party_station || fail "node: 3 party members, no station, not flagged"
needs "$STREET_URL" "$E2E_TMP/sjar" "$NEW" || fail "street attention lacks $NEW: $(cat "$E2E_TMP/att.json")"
wait_for 60 needs "$DIST_URL" "$E2E_TMP/djar" "$NEW" || fail "district attention lacks $NEW"
api "$DIST_URL" "$E2E_TMP/djar" stations "$E2E_TMP/st.json" || fail "stations API"
json "$E2E_TMP/st.json" "d['totals']=={'stations':0,'needing':1} and d['needing'][0]['id']=='$NEW'" \
  || fail "stations before: $(cat "$E2E_TMP/st.json")"
$N1 station register --org "$NEW" --name 健康讲堂党员活动站 --leader 赵 --party-members 3 \
  --committee 建昌道社区党总支 --date 2026-04-01 2>/dev/null && fail "a station before the filing date"
REC=$($N1 station register --org "$NEW" --name 健康讲堂党员活动站 --leader 赵 --party-members 3 \
  --committee 建昌道社区党总支 --date 2026-06-01 --branch 健康讲堂党支部 --branch-date 2026-07-01 | last_line)
case "$REC" in */*) ;; *) fail "no record id: $REC" ;; esac
$N1 station list | grep -q "健康讲堂党员活动站.*待审核" || fail "node station list: $($N1 station list)"
$N1 org list | grep "^$NEW" | grep -q party_station || fail "node: flag cleared before acceptance"
nsync || fail "sync station"
needs "$STREET_URL" "$E2E_TMP/sjar" "$NEW" || fail "street: flag cleared before acceptance"
for b in $("$HUB" --dir "$E2E_TMP/street" review list | awk '{print $1}'); do
  "$HUB" --dir "$E2E_TMP/street" review accept "$b" --operator 李主任 >/dev/null || fail "accept $b"
done
needs "$STREET_URL" "$E2E_TMP/sjar" "$NEW" && fail "street: flag stays after acceptance"
nsync || fail "sync review"
$N1 org list | grep "^$NEW" | grep -q party_station && fail "node: flag stays after acceptance"
$N1 station list | grep -q "已通过" || fail "node station not accepted: $($N1 station list)"
"$HUB" --dir "$E2E_TMP/street" forward >/dev/null 2>&1 || true
gone() { ! needs "$DIST_URL" "$E2E_TMP/djar" "$NEW"; }
wait_for 60 gone || fail "district: flag stays after acceptance"
api "$DIST_URL" "$E2E_TMP/djar" stations "$E2E_TMP/st.json" || fail "stations API"
python3 - "$E2E_TMP/st.json" "$NEW" <<'PY' || fail "stations after: $(cat "$E2E_TMP/st.json")"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["totals"] == {"stations": 1, "needing": 0}, d["totals"]
s = d["stations"][0]
assert s["id"] == sys.argv[2] and s["station"] == "健康讲堂党员活动站" and s["branch"] == "健康讲堂党支部", s
assert s["committee"] == "建昌道社区党总支" and s["date"] == "2026-06-01", s
c = [x for x in d["communities"] if x["community"] == "建昌道社区"][0]
assert c["stations"] == 1 and c["needing"] == 0, c
PY
curl -sf -b "$E2E_TMP/djar" "$DIST_URL/api/v1/dashboard/stations.csv?table=stations" >"$E2E_TMP/st.csv" \
  || fail "stations CSV"
head -1 "$E2E_TMP/st.csv" | grep -q "活动站名称.*登记的党组织.*党支部" || fail "CSV header: $(head -1 "$E2E_TMP/st.csv")"
grep -q 健康讲堂党员活动站 "$E2E_TMP/st.csv" || fail "CSV row"
ok "a station registration cleared the flag at the node, the street and the district once accepted"

# Figures by category, industry and unit; a viewer of one unit sees only its organisations.
api "$DIST_URL" "$E2E_TMP/djar" hierarchy "$E2E_TMP/h.json" || fail "hierarchy"
python3 - "$E2E_TMP/h.json" <<'PY' || fail "hierarchy groups: $(cat "$E2E_TMP/h.json")"
import json, sys
d = json.load(open(sys.argv[1]))
cats = {c["category"]: c["organisations"] for c in d["categories"]}
assert cats == {"为老服务": 2}, cats  # the mapped one and the coded one: one row
units = {u["unit"]: u["organisations"] for u in d["units"]}
assert units == {"区卫生健康委员会": 1, "区教育局": 1}, units
inds = {u["industry"]: u["organisations"] for u in d["industries"]}
assert inds == {"卫生健康": 1, "未对应": 1}, inds
assert "" not in cats and "" not in units
PY
api "$DIST_URL" "$E2E_TMP/vjar" hierarchy "$E2E_TMP/v.json" || fail "viewer hierarchy"
json "$E2E_TMP/v.json" "[o['id'] for o in d['organisations']]==['$OLD'] and d['totals']['organisations']==1 and d['unit_scope']=='WJW'" \
  || fail "unit viewer hierarchy: $(cat "$E2E_TMP/v.json")"
api "$DIST_URL" "$E2E_TMP/vjar" stations "$E2E_TMP/vs.json" || fail "viewer stations"
json "$E2E_TMP/vs.json" "d['totals']=={'stations':0,'needing':0}" || fail "unit viewer stations: $(cat "$E2E_TMP/vs.json")"
code=$(curl -s -o /dev/null -w '%{http_code}' -b "$E2E_TMP/vjar" "$DIST_URL/api/v1/dashboard/org/$NEW")
[ "$code" = 404 ] || fail "unit viewer read another unit's organisation: $code"
api "$DIST_URL" "$E2E_TMP/vjar" attention "$E2E_TMP/va.json" || fail "viewer attention"
grep -q "$NEW" "$E2E_TMP/va.json" && fail "unit viewer attention shows another unit's organisation"
for path in /api/v1/dashboard/inspections /inspections /review; do
  code=$(curl -s -o /dev/null -w '%{http_code}' -b "$E2E_TMP/vjar" "$DIST_URL$path")
  [ "$code" = 403 ] || fail "unit viewer opened $path: $code"
done
ok "figures group by category, industry and unit; the unit viewer sees only its organisation"

# The node's filing form picks from the lists.
start_server NWEB "$NODE" --dir "$E2E_TMP/n1" serve --listen 127.0.0.1:0
curl -sf "$NWEB_URL/orgs/new" >"$E2E_TMP/form.html" || fail "node form"
grep -q '<option value="WJW"' "$E2E_TMP/form.html" && grep -q '<option value="ELDER"' "$E2E_TMP/form.html" \
  && grep -q 'name="industry"' "$E2E_TMP/form.html" || fail "the node form does not offer the lists"
curl -sf "$NWEB_URL/orgs/$OLD/amend" | grep -q '<option value="ELDER" selected' \
  || fail "the amendment form does not hold the mapped category"
curl -sf "$NWEB_URL/inbox" >"$E2E_TMP/inbox.html" || fail "node inbox page"
grep -q 区协会发布清单 "$E2E_TMP/inbox.html" || fail "the inbox does not name the list in Chinese"
sed 's/<[^>]*>/ /g' "$E2E_TMP/inbox.html" | grep -q 'list\.published\|org\.mapped' \
  && fail "the inbox shows a kind key"
curl -sf "$NWEB_URL/stations" >"$E2E_TMP/st.html" || fail "node stations page"
grep -q 健康讲堂党员活动站 "$E2E_TMP/st.html" && grep -q 'data-review="accepted">已通过' "$E2E_TMP/st.html" \
  || fail "the stations page does not show the accepted registration"
curl -sf "$NWEB_URL/stations/new?org=$NEW" | grep -q "<option value=\"$NEW\" selected" \
  || fail "the station form does not offer the organisation"
stop_server "$NWEB_PID"
ok "the node's forms pick from the lists"

# A street-level organisation takes the codes too, checked against the lists.
sfile() { "$HUB" --dir "$E2E_TMP/street" org file --name 望海楼街青年志愿者分会 --category 志愿 \
  --leader 王 --phone 13800000009 --members 8 --party-members 1 "$@"; }
sfile --unit NOPE 2>/dev/null && fail "a street-level organisation with a unit outside the list"
SORG=$(sfile --industry EDU --unit JYJ | last_line) || fail "street-level filing with codes"
api "$STREET_URL" "$E2E_TMP/sjar" hierarchy "$E2E_TMP/sh.json" || fail "street hierarchy"
json "$E2E_TMP/sh.json" "[o for o in d['organisations'] if o['id']=='$SORG' and o['unit']=='区教育局' and o['industry']=='教育']" \
  || fail "street-level codes: $(cat "$E2E_TMP/sh.json")"
ok "a street-level organisation is filed with the lists' codes"

# A street-level organisation's party-member station, registered at the street hub itself:
# refused with a reason and nothing written when wrong, accepted at once when right, and
# the flag clears at the street and the district.
SH="$HUB --dir $E2E_TMP/street"
SST=$($SH org file --name 望海楼街卫健党员志愿者分会 --category 志愿 --leader 孙 --phone 13800000010 \
  --members 10 --party-members 4 --filed 2026-09-01 --unit WJW 2>/dev/null | last_line) \
  || fail "street-level filing with 4 party members"
needs "$STREET_URL" "$E2E_TMP/sjar" "$SST" || fail "street: 4 party members, no station, not flagged"
sreg() { $SH station register --name 卫健党员活动站 --leader 孙 --party-members 4 --committee 望海楼街党工委 "$@"; }
$SH station list --json >"$E2E_TMP/sl0.json" || fail "station list"
refused() { # what expected-reason args...
  local what=$1 why=$2
  shift 2
  sreg "$@" >/dev/null 2>"$E2E_TMP/err" && fail "$what was taken"
  grep -q "$why" "$E2E_TMP/err" || fail "$what: no reason: $(cat "$E2E_TMP/err")"
}
refused "a station before the filing" 登记日期 --org "$SST" --date 2026-08-01
refused "a branch date without a branch" 党支部 --org "$SST" --date 2026-10-01 --branch-date 2026-10-15
refused "a station of an organisation the street does not hold" 不是在本街道分会备案 --org 120105001001-9999
refused "a station of a community's organisation" 不是在本街道分会备案 --org "$NEW"
$SH station register --org "$SST" --name 卫健党员活动站 --leader 孙 --committee 望海楼街党工委 \
  2>"$E2E_TMP/err" && fail "a station without its party members"
grep -q "党员人数" "$E2E_TMP/err" || fail "no reason for the party members: $(cat "$E2E_TMP/err")"
"$HUB" --dir "$E2E_TMP/district" station register --org "$SST" --name 卫健党员活动站 --leader 孙 \
  --party-members 4 --committee 望海楼街党工委 2>"$E2E_TMP/err" && fail "the district registered a station"
grep -q 街道分会 "$E2E_TMP/err" || fail "no reason for the district: $(cat "$E2E_TMP/err")"
$SH station list --json | cmp -s - "$E2E_TMP/sl0.json" || fail "a refused registration changed the stations"
needs "$STREET_URL" "$E2E_TMP/sjar" "$SST" || fail "street: a refused registration cleared the flag"
REC=$(sreg --org "$SST" --date 2026-10-01 --branch 卫健党支部 --branch-date 2026-10-15 | last_line) \
  || fail "station register at the street"
case "$REC" in "$SKEY"/*) ;; *) fail "no record id of the street's log: $REC" ;; esac
needs "$STREET_URL" "$E2E_TMP/sjar" "$SST" && fail "street: the flag stays after the street's registration"
$SH station list >"$E2E_TMP/sl.txt" || fail "station list"
grep -q "党员活动站：已登记2个，尚需设立0个" "$E2E_TMP/sl.txt" || fail "station list totals: $(cat "$E2E_TMP/sl.txt")"
grep -q "$SST.*望海楼街卫健党员志愿者分会.*卫健党员活动站.*孙.*4.*望海楼街党工委.*2026-10-01.*卫健党支部.*2026-10-15" \
  "$E2E_TMP/sl.txt" || fail "station list row: $(cat "$E2E_TMP/sl.txt")"
grep -q "【党员活动站】" "$E2E_TMP/sl.txt" && ! grep -q '"\|station\b' "$E2E_TMP/sl.txt" \
  || fail "station list is not in words: $(cat "$E2E_TMP/sl.txt")"
$SH station list --csv "$E2E_TMP/sl.csv" >/dev/null || fail "station list --csv"
head -1 "$E2E_TMP/sl.csv" | grep -q "活动站名称.*登记的党组织.*党支部成立日期" || fail "CSV header: $(head -1 "$E2E_TMP/sl.csv")"
grep -q "卫健党员活动站" "$E2E_TMP/sl.csv" || fail "CSV row: $(cat "$E2E_TMP/sl.csv")"
$SH station list --table nope --csv "$E2E_TMP/x.csv" 2>/dev/null && fail "an unknown table was written"
[ ! -e "$E2E_TMP/x.csv" ] || fail "a file was written for an unknown table"
"$HUB" --dir "$E2E_TMP/street" forward >/dev/null 2>&1 || true
sgone() { ! needs "$DIST_URL" "$E2E_TMP/djar" "$SST"; }
wait_for 60 sgone || fail "district: the street's station did not clear the flag"
"$HUB" --dir "$E2E_TMP/district" station list --table communities --xlsx "$E2E_TMP/sl.xlsx" >/dev/null \
  || fail "district station list --xlsx"
[ "$(head -c 2 "$E2E_TMP/sl.xlsx")" = PK ] || fail "the Excel file is not a workbook"
"$HUB" --dir "$E2E_TMP/district" station list | grep -q "卫健党员活动站.*望海楼街党工委" \
  || fail "district station list lacks the street's station"
ok "a street registers its own organisation's station with linli-hub; the flag clears at both levels"

# Rebuilds keep the lists.
stop_server "$STREET_PID"
"$HUB" --dir "$E2E_TMP/street" rebuild >/dev/null || fail "street rebuild"
"$HUB" --dir "$E2E_TMP/street" list show --json | grep -q WJW || fail "street lists after rebuild"
$N1 rebuild >/dev/null || fail "node rebuild"
$N1 org list --json | grep -q '"category_code":"ELDER"' || fail "node codes after rebuild"
for a in hierarchy stations; do api "$DIST_URL" "$E2E_TMP/djar" $a "$E2E_TMP/$a.before" || fail "$a"; done
stop_server "$DIST_PID"
"$HUB" --dir "$E2E_TMP/district" rebuild >/dev/null || fail "district rebuild"
start_server DIST2 "$HUB" --dir "$E2E_TMP/district" serve --listen 127.0.0.1:0
for a in hierarchy stations; do
  api "$DIST2_URL" "$E2E_TMP/djar" $a "$E2E_TMP/$a.after" || fail "$a after rebuild"
  cmp -s "$E2E_TMP/$a.before" "$E2E_TMP/$a.after" || fail "district $a differs after rebuild"
done
ok "rebuilds keep the lists and the codes"
