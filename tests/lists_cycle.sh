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
$N1 sync >/dev/null || fail "sync n1"
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
$N1 org list --json | grep -q '"unit":"JYJ"' || fail "amended unit"
ok "the node filed and amended with the lists; codes outside them refused before signing"

# The street accepts, maps the old organisation once (old text kept), and the node learns it.
$N1 sync >/dev/null || fail "sync n1 filings"
for b in $("$HUB" --dir "$E2E_TMP/street" review list | awk '{print $1}'); do
  "$HUB" --dir "$E2E_TMP/street" review accept "$b" --operator 李主任 >/dev/null || fail "accept $b"
done
"$HUB" --dir "$E2E_TMP/street" org map --id "$OLD" --category NOPE 2>/dev/null && fail "mapped outside the list"
"$HUB" --dir "$E2E_TMP/district" org map --id "$OLD" --category ELDER 2>/dev/null && fail "the district mapped"
"$HUB" --dir "$E2E_TMP/street" org map --id "$OLD" --category ELDER --unit WJW --operator 李主任 \
  >/dev/null || fail "org map"
$N1 sync >/dev/null || fail "sync n1 mapping"
$N1 org list --json >"$E2E_TMP/o2.json"
json "$E2E_TMP/o2.json" "[o for o in d if o['id']=='$OLD' and o['category']=='为老服务' and o['category_code']=='ELDER' and o['unit']=='WJW']" \
  || fail "node mapping: $(cat "$E2E_TMP/o2.json")"
ok "the street mapped an organisation filed with free text; the node holds the codes"

# Rebuilds keep the lists.
stop_server STREET
"$HUB" --dir "$E2E_TMP/street" rebuild >/dev/null || fail "street rebuild"
"$HUB" --dir "$E2E_TMP/street" list show --json | grep -q WJW || fail "street lists after rebuild"
$N1 rebuild >/dev/null || fail "node rebuild"
$N1 org list --json | grep -q '"category_code":"ELDER"' || fail "node codes after rebuild"
ok "rebuilds keep the lists and the codes"
