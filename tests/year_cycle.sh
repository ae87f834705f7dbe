#!/usr/bin/env bash
# The annual inspection (年检) through real processes on loopback with a fixed clock
# (2027-02-09, so 2026 is the finished year): two community nodes, a street hub and the
# district.  A node files its self-report on the command line (bounds refused there before
# signing), syncs; the street accepts the batch and records the results (限期整改 for one
# organisation, 不合格 for another); the district's progress API shows them per street and
# community with the missing list and CSV; the result reaches the node down the feed, the
# node's rectification closes the 限期整改 once the street accepts it, and the district
# revokes the failed filing; plans and year-end summaries reach the district's list of who
# has submitted; a rebuild at the district gives the same figures.
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
inspect() { # node org year party-members -> exit status; record id on stdout
  "$NODE" --dir "$E2E_TMP/$1" inspection file --org "$2" --year "$3" --activities 24 \
    --members 22 --joined 3 --left 1 --party-members "$4" --funds-received 5000.5 \
    --funds-used 4200 --problems 场地不足 --plans 扩大服务 --opinion agree
}

# Bounds and authority at the node: nothing is signed.
inspect n1 "$O1" 2026 30 2>"$E2E_TMP/e1" && fail "more party members than members was taken"
grep -q 党员人数 "$E2E_TMP/e1" || fail "no reason for party members: $(cat "$E2E_TMP/e1")"
inspect n1 "$O1" 2027 2 2>"$E2E_TMP/e2" && fail "a year not yet over was taken"
grep -q 已结束 "$E2E_TMP/e2" || fail "no reason for the year: $(cat "$E2E_TMP/e2")"
inspect n2 "$O1" 2026 2 2>/dev/null && fail "a community filed for another community's organisation"
"$NODE" --dir "$E2E_TMP/n1" inspection file --org "$O1" --year 2026 --activities 1 --members 5 \
  --party-members 1 --funds-received 1 --funds-used 1 --opinion rectify 2>"$E2E_TMP/e3" \
  && fail "an opinion to rectify without its text was taken"
grep -q 意见说明 "$E2E_TMP/e3" || fail "no reason for the opinion: $(cat "$E2E_TMP/e3")"
[ "$("$NODE" --dir "$E2E_TMP/n1" inspection list --json | python3 -c \
  'import json,sys; print(len(json.load(sys.stdin)["reports"]))')" = 0 ] || fail "a refused report was kept"
ok "bounds and authority refused at the node before signing"

SELF=$(inspect n1 "$O1" 2026 3 | last_line)
case "$SELF" in */*) ;; *) fail "no record id printed: $SELF" ;; esac
"$NODE" --dir "$E2E_TMP/n1" sync >/dev/null || fail "sync n1"
"$NODE" --dir "$E2E_TMP/n2" sync >/dev/null || fail "sync n2"
for b in $("$HUB" --dir "$E2E_TMP/street" review list | awk '{print $1}'); do
  "$HUB" --dir "$E2E_TMP/street" review accept "$b" --operator 李主任 >/dev/null || fail "accept $b"
done
ok "a node filed its self-report and the street accepted it"

# The street's results; bounds first.
"$HUB" --dir "$E2E_TMP/street" inspection result "$O1" --year 2026 --result rectify \
  --reason 账目不清 2>/dev/null && fail "rectify without a deadline was taken"
"$HUB" --dir "$E2E_TMP/street" inspection result "$O1" --year 2027 --result pass \
  --reason 好 2>/dev/null && fail "a result for a year not yet over was taken"
R1=$("$HUB" --dir "$E2E_TMP/street" inspection result "$O1" --year 2026 --result rectify \
  --deadline 2027-03-31 --reason 账目不清 --operator 李主任 | last_line)
"$HUB" --dir "$E2E_TMP/street" inspection result "$O3" --year 2026 --result fail \
  --reason 全年未开展活动 --operator 李主任 >/dev/null || fail "result fail"
"$HUB" --dir "$E2E_TMP/street" inspection list --year 2026 | head -1 | grep -q "应检 3，已报自查 1" \
  || fail "street list: $("$HUB" --dir "$E2E_TMP/street" inspection list --year 2026 | head -1)"
"$HUB" --dir "$E2E_TMP/street" inspection list --year 2026 >"$E2E_TMP/list.txt"
grep -q "^$O1.*限期整改.*2027-03-31" "$E2E_TMP/list.txt" && grep -q "^$O3.*不合格" "$E2E_TMP/list.txt" \
  && grep -q "^$O2.*未检" "$E2E_TMP/list.txt" || fail "list results in words: $(cat "$E2E_TMP/list.txt")"
grep -Eq "rectify|fail|pass" "$E2E_TMP/list.txt" && fail "list prints result keys: $(cat "$E2E_TMP/list.txt")"
ok "the street recorded 限期整改 and 不合格"

# The district's progress, behind an operator login.
code=$(curl -s -o /dev/null -w '%{http_code}' "$DIST_URL/api/v1/dashboard/inspections?year=2026")
[ "$code" = 401 ] || fail "progress without a login answered $code"
printf 'year-test-password\n' | "$HUB" --dir "$E2E_TMP/district" operator add 张科长 --role district \
  >/dev/null || fail "operator add"
curl -s -c "$E2E_TMP/jar" -o /dev/null --data-urlencode name=张科长 \
  --data-urlencode password=year-test-password "$DIST_URL/login" || fail "login"
progress() {
  curl -sf -b "$E2E_TMP/jar" "$DIST_URL/api/v1/dashboard/inspections?year=2026" >"$E2E_TMP/p.json"
}
progress_is() { # python condition over p
  progress || return 1
  python3 -c 'import json,sys; p=json.load(open(sys.argv[1])); sys.exit(0 if eval(sys.argv[2]) else 1)' \
    "$E2E_TMP/p.json" "$1"
}
"$HUB" --dir "$E2E_TMP/street" forward >/dev/null 2>&1 || true
wait_for 60 progress_is 'p["totals"]["inspected"] == 2' || { cat "$E2E_TMP/p.json" >&2; fail "district progress"; }
python3 - "$E2E_TMP/p.json" "$O1" "$O2" "$O3" <<'PY' || fail "district progress figures"
import json, sys
p = json.load(open(sys.argv[1]))
o1, o2, o3 = sys.argv[2:5]
t = p["totals"]
want = {"expected": 3, "self_reported": 1, "late": 1, "inspected": 2, "pass": 0, "rectify": 1,
        "rectified": 0, "fail": 1, "missing": 2}
assert all(t[k] == v for k, v in want.items()), t
assert p["year"] == 2026 and p["due"] == "2027-01-31", p
assert [s["street"] for s in p["streets"]] == ["望海楼街"], p["streets"]
comms = {c["community"]: c for c in p["communities"]}
assert comms["建昌道社区"]["expected"] == 2 and comms["建昌道社区"]["self_reported"] == 1, comms
assert comms["铁东路社区"]["missing"] == 1 and comms["铁东路社区"]["fail"] == 1, comms
assert sorted(m["org"] for m in p["missing"]) == sorted([o2, o3]), p["missing"]
assert [f["org"] for f in p["fail"]] == [o3], p["fail"]
PY
curl -sf -b "$E2E_TMP/jar" "$DIST_URL/api/v1/dashboard/inspections.csv?year=2026" >"$E2E_TMP/p.csv" \
  || fail "CSV"
head -1 "$E2E_TMP/p.csv" | grep -q "街道,社区,备案编号,组织名称,自查报告" || fail "CSV header: $(head -1 "$E2E_TMP/p.csv")"
grep -q "限期整改" "$E2E_TMP/p.csv" && grep -q "不合格" "$E2E_TMP/p.csv" || fail "CSV rows"
[ "$(wc -l <"$E2E_TMP/p.csv")" = 4 ] || fail "CSV: one row per organisation"
curl -sf -b "$E2E_TMP/jar" "$DIST_URL/inspections?year=2026" >"$E2E_TMP/insp.html" || fail "page"
grep -q "2026年度年检进度" "$E2E_TMP/insp.html" || fail "page"
grep -q 'href="/api/v1/dashboard/inspections.xlsx?year=2026">导出Excel' "$E2E_TMP/insp.html" \
  || fail "the page links the Excel file beside the CSV"
ok "the district's progress shows results per street and community, the missing list and CSV"

# The result reaches the node; its rectification, once accepted, closes the inspection.
"$NODE" --dir "$E2E_TMP/n1" sync >/dev/null || fail "sync n1 for the result"
"$NODE" --dir "$E2E_TMP/n1" inspection list --json >"$E2E_TMP/n1.json"
python3 - "$E2E_TMP/n1.json" "$O1" "$R1" <<'PY' || fail "the node does not show the result"
import json, sys
l = json.load(open(sys.argv[1]))
r = [x for x in l["results"] if x["org"] == sys.argv[2]]
assert len(r) == 1 and r[0]["result"] == "rectify" and r[0]["deadline"] == "2027-03-31", l
assert r[0]["year"] == 2026 and r[0]["record"] == sys.argv[3] and r[0]["closed"] is False, r
s = l["reports"][0]
assert s["funds_received"] == 500050 and s["year"] == 2026 and s["opinion"] == "agree", s
PY
"$NODE" --dir "$E2E_TMP/n1" inspection list | grep -q "结果.*限期整改.*2027-03-31" || fail "text list"
"$NODE" --dir "$E2E_TMP/n1" rectification file --org "$O1" --decision "$R1" --content 已建立账目 \
  >/dev/null || fail "rectification"
"$NODE" --dir "$E2E_TMP/n1" sync >/dev/null || fail "sync rectification"
for b in $("$HUB" --dir "$E2E_TMP/street" review list | awk '{print $1}'); do
  "$HUB" --dir "$E2E_TMP/street" review accept "$b" --operator 李主任 >/dev/null || fail "accept $b"
done
"$NODE" --dir "$E2E_TMP/n1" sync >/dev/null || fail "sync n1 for the closure"
"$NODE" --dir "$E2E_TMP/n1" inspection list --json | python3 -c '
import json,sys; l=json.load(sys.stdin); sys.exit(0 if l["results"][0]["closed"] is True else 1)' \
  || fail "the node does not show the inspection closed"
ok "the result reached the node, and its accepted rectification closed it"

# Plans and year-end summaries: a plan for this year and a summary of the last, from a node
# to the district; the refused ones are not signed.
"$NODE" --dir "$E2E_TMP/n1" plan file --org "$O1" --year 2025 --goals 服务 --activities 探访 \
  2>"$E2E_TMP/e4" && fail "a plan for a past year was taken"
grep -q 今年或明年 "$E2E_TMP/e4" || fail "no reason for the plan's year: $(cat "$E2E_TMP/e4")"
"$NODE" --dir "$E2E_TMP/n1" plan file --org "$O1" --year 2027 --goals 全年服务二百人次 \
  --activities 每月探访独居老人 --count 12 >/dev/null || fail "plan file"
"$NODE" --dir "$E2E_TMP/n2" summary file --org "$O3" --year 2026 --results 开展编织活动 \
  --count 10 >/dev/null || fail "summary file"
"$NODE" --dir "$E2E_TMP/n1" plan list | grep -q "^计划.$O1.2027" || fail "node plan list"
"$NODE" --dir "$E2E_TMP/n1" sync >/dev/null || fail "sync n1 plan"
"$NODE" --dir "$E2E_TMP/n2" sync >/dev/null || fail "sync n2 summary"
"$HUB" --dir "$E2E_TMP/street" forward >/dev/null 2>&1 || true
plans_are() { # year python-condition
  curl -sf -b "$E2E_TMP/jar" "$DIST_URL/api/v1/dashboard/plans?year=$1" >"$E2E_TMP/plans.json" &&
    python3 -c 'import json,sys; p=json.load(open(sys.argv[1])); sys.exit(0 if eval(sys.argv[2]) else 1)' \
      "$E2E_TMP/plans.json" "$2"
}
wait_for 60 plans_are 2027 'p["totals"]["plans"] == 1 and p["totals"]["missing_plans"] == 2' \
  || { cat "$E2E_TMP/plans.json" >&2; fail "district plans 2027"; }
plans_are 2026 'p["totals"]["summaries"] == 1 and [m["org"] for m in p["missing_summaries"]] == ["'"$O1"'", "'"$O2"'"]' \
  || { cat "$E2E_TMP/plans.json" >&2; fail "district summaries 2026"; }
"$HUB" --dir "$E2E_TMP/district" plan list --year 2026 | head -1 | grep -q "年终总结 1" \
  || fail "district plan list"
ok "the district sees who has submitted plans and year-end summaries"

# The district revokes the failed filing; its result still counts in the year.
"$HUB" --dir "$E2E_TMP/street" forward >/dev/null 2>&1 || true
wait_for 60 progress_is 'p["totals"]["rectified"] == 1' || { cat "$E2E_TMP/p.json" >&2; fail "rectified"; }
"$HUB" --dir "$E2E_TMP/district" decide revoke --org "$O3" --reason 年检不合格 >/dev/null \
  || fail "revoke"
progress_is 'p["totals"]["expected"] == 3 and p["totals"]["fail"] == 1' || fail "after revocation"

# Dissolved after the year (today, 2027-02-09), the organisation still counts in 2026: it
# lived through it.  A third community's organisation filed in 2025 and dissolved before the
# end of 2026 (its node's clock at 2026-12-20) counts in 2025, not in 2026.
"$NODE" --dir "$E2E_TMP/n1" org dissolve "$O1" --reason 成员外迁 >/dev/null || fail "dissolve O1"
"$NODE" --dir "$E2E_TMP/n1" sync >/dev/null || fail "sync the dissolution"
"$NODE" --dir "$E2E_TMP/n3" init --community 海河社区 --street 望海楼街 --hub "$STREET_URL" \
  --code 120105001003 --hub-key "$SKEY" >"$E2E_TMP/n3.init"
"$HUB" --dir "$E2E_TMP/street" enroll --name 海河社区 --key "$(last_line <"$E2E_TMP/n3.init")" \
  --code 120105001003 >/dev/null
export LINLI_FAKE_NOW_MS=1797732000000 # 2026-12-20 10:00
O4=$("$NODE" --dir "$E2E_TMP/n3" org file --filed 2025-03-01 --name 海河社区合唱团 --category 文体 \
  --leader 赵敏 --phone 13800000003 --members 15 --party-members 1 | last_line)
"$NODE" --dir "$E2E_TMP/n3" org dissolve "$O4" --reason 停止活动 >/dev/null || fail "dissolve O4"
export LINLI_FAKE_NOW_MS=1802138400000
"$NODE" --dir "$E2E_TMP/n3" sync >/dev/null || fail "sync n3"
for b in $("$HUB" --dir "$E2E_TMP/street" review list | awk '{print $1}'); do
  "$HUB" --dir "$E2E_TMP/street" review accept "$b" --operator 李主任 >/dev/null || fail "accept $b"
done
head1() { "$HUB" --dir "$E2E_TMP/street" inspection list --year "$1" | head -1; }
head1 2026 | grep -q "应检 3，" || fail "street 2026 after dissolutions: $(head1 2026)"
head1 2025 | grep -q "应检 1，" || fail "street 2025 after dissolutions: $(head1 2025)"
"$HUB" --dir "$E2E_TMP/street" inspection list --year 2026 | grep -q "^$O1.*限期整改" \
  || fail "the organisation dissolved after the year left 2026"
"$HUB" --dir "$E2E_TMP/street" forward >/dev/null 2>&1 || true
progress25() {
  curl -sf -b "$E2E_TMP/jar" "$DIST_URL/api/v1/dashboard/inspections?year=2025" |
    python3 -c 'import json,sys; t=json.load(sys.stdin)["totals"]; sys.exit(0 if t["expected"] == 1 else 1)'
}
wait_for 60 progress25 || fail "district 2025: the organisation dissolved in 2026 is not expected"
progress_is 'p["totals"]["expected"] == 3 and p["totals"]["rectify"] == 1 and p["totals"]["fail"] == 1' \
  || { cat "$E2E_TMP/p.json" >&2; fail "district after dissolutions"; }
plans_are 2026 'p["totals"]["expected"] == 3 and [m["org"] for m in p["missing_summaries"]] == ["'"$O1"'", "'"$O2"'"]' \
  || { cat "$E2E_TMP/plans.json" >&2; fail "plans 2026 after dissolutions"; }
plans_are 2027 'p["totals"]["expected"] == 1' || { cat "$E2E_TMP/plans.json" >&2; fail "plans 2027"; }
ok "an organisation dissolved or revoked after the year counts in it, one dissolved in it does not"
cp "$E2E_TMP/p.json" "$E2E_TMP/before.json"
"$HUB" --dir "$E2E_TMP/district" rebuild >/dev/null || fail "district rebuild"
progress || fail "progress after rebuild"
cmp -s "$E2E_TMP/before.json" "$E2E_TMP/p.json" || fail "rebuild changed the progress"
ok "不合格 leads to revocation at the district; rebuild gives the same progress"

# A street-level organisation (filed by the street itself): the street files its self-report
# with the node's options and checks, records its result and a training of it, and the
# street's and the district's year figures count it under the street, in a row named as
# the street with no community code.
SO=$("$HUB" --dir "$E2E_TMP/street" org file --name 望海楼街书画分会 --founded-by district-unit \
  --category 文体活动 --leader 赵明 --phone 13900000000 --members 15 --party-members 1 \
  --filed 2026-04-01 2>/dev/null | last_line)
[ -n "$SO" ] || fail "street org file"
street_inspect() { # dir org year party-members [opinion [text]] -> exit status
  "$HUB" --dir "$E2E_TMP/$1" inspection file --org "$2" --year "$3" --activities 12 \
    --members 16 --joined 2 --left 1 --party-members "$4" --funds-received 3000.25 \
    --funds-used 2800 --problems 经费紧张 --plans 办书画展 --opinion "${5:-agree}" \
    ${6:+--opinion-text "$6"}
}
self_count() { # the street's inspection.self entries
  python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute(
    "SELECT count(*) FROM entries WHERE kind = ?", ("inspection.self",)).fetchone()[0])' \
    "$E2E_TMP/street/hub.db"
}
before=$(self_count)
street_inspect street "$SO" 2026 20 2>"$E2E_TMP/e5" && fail "street: more party members than members"
grep -q 党员人数 "$E2E_TMP/e5" || fail "street: no reason for party members: $(cat "$E2E_TMP/e5")"
street_inspect street "$SO" 2027 1 2>"$E2E_TMP/e6" && fail "street: a year not yet over was taken"
grep -q 已结束 "$E2E_TMP/e6" || fail "street: no reason for the year: $(cat "$E2E_TMP/e6")"
street_inspect street "$SO" 2026 1 rectify 2>"$E2E_TMP/e7" && fail "street: rectify without its text"
grep -q 意见说明 "$E2E_TMP/e7" || fail "street: no reason for the opinion: $(cat "$E2E_TMP/e7")"
street_inspect street "$O1" 2026 1 2>"$E2E_TMP/e8" && fail "street: a community's organisation was taken"
grep -q 街道级组织 "$E2E_TMP/e8" || fail "street: no reason for another's organisation: $(cat "$E2E_TMP/e8")"
"$HUB" --dir "$E2E_TMP/street" inspection file --org "$SO" --year 2026 --activities 3 --members 5 \
  --party-members 1 --funds-received 1.234 --funds-used 1 --opinion agree 2>"$E2E_TMP/e9" \
  && fail "street: an amount with three decimals was taken"
grep -q 收到经费 "$E2E_TMP/e9" || fail "street: no reason for the amount: $(cat "$E2E_TMP/e9")"
street_inspect district "$SO" 2026 1 2>"$E2E_TMP/e10" && fail "the district filed a street's self-report"
grep -q 街道分会 "$E2E_TMP/e10" || fail "district: no reason: $(cat "$E2E_TMP/e10")"
[ "$(self_count)" = "$before" ] || fail "a refused self-report was signed"
SSELF=$(street_inspect street "$SO" 2026 1 | last_line)
case "$SSELF" in "$SKEY"/*) ;; *) fail "street: no record id printed: $SSELF" ;; esac
"$HUB" --dir "$E2E_TMP/street" inspection list --year 2026 | grep -q "^$SO.望海楼街.望海楼街书画分会.已报" \
  || fail "street list: $("$HUB" --dir "$E2E_TMP/street" inspection list --year 2026)"
# The same on the street's page: refused with the reason and what was typed, then a correction.
printf 'year-street-password\n' | "$HUB" --dir "$E2E_TMP/street" operator add 李主任 --role street \
  >/dev/null || fail "street operator add"
curl -s -c "$E2E_TMP/sjar" -o /dev/null --data-urlencode name=李主任 \
  --data-urlencode password=year-street-password "$STREET_URL/login" || fail "street login"
curl -sf -b "$E2E_TMP/sjar" "$STREET_URL/inspections?year=2026" >"$E2E_TMP/si.html" || fail "street page"
grep -q 'id="insp-self-form"' "$E2E_TMP/si.html" || fail "no self-report form on the street's page"
CSRF=$(grep -o 'name="csrf" value="[0-9a-f]*"' "$E2E_TMP/si.html" | head -1 | sed 's/.*value="//; s/"//')
self_post() { # party-members -> HTTP status, page in si2.html
  curl -s -o "$E2E_TMP/si2.html" -w '%{http_code}' -b "$E2E_TMP/sjar" --data-urlencode csrf="$CSRF" \
    --data-urlencode org="$SO" --data-urlencode year=2026 --data-urlencode activities=14 \
    --data-urlencode members=16 --data-urlencode party_members="$1" \
    --data-urlencode funds_received=3100 --data-urlencode funds_used=2900.5 \
    --data-urlencode problems=场地不足 --data-urlencode opinion=agree "$STREET_URL/inspections/self"
}
before=$(self_count)
[ "$(self_post 40)" = 400 ] && grep -q 党员人数 "$E2E_TMP/si2.html" || fail "the page took more party members than members"
grep -q 'name="funds_used" [^>]*value="2900.5"' "$E2E_TMP/si2.html" || fail "the refused form lost what was typed"
[ "$(self_count)" = "$before" ] || fail "a refused self-report on the page was signed"
code=$(self_post 1)
[ "$code" = 303 ] || [ "$code" = 302 ] || fail "the street's self-report on the page answered $code"
[ "$(self_count)" = $((before + 1)) ] || fail "the page's self-report was not written"
"$HUB" --dir "$E2E_TMP/street" inspection result "$SO" --year 2026 --result pass --reason 活动正常 \
  >/dev/null || fail "street result on its own organisation"
"$HUB" --dir "$E2E_TMP/street" training record --date 2027-01-20 --topic 书画 --organiser 望海楼街 \
  --orgs "$SO,$O1" >/dev/null || fail "street training of its own organisation"
"$HUB" --dir "$E2E_TMP/street" plan file --org "$O1" --year 2027 --goals 服务 --activities 探访 \
  2>"$E2E_TMP/e11" && fail "the street wrote a plan for a community's organisation"
grep -q 街道级组织 "$E2E_TMP/e11" || fail "no reason for the plan: $(cat "$E2E_TMP/e11")"
"$HUB" --dir "$E2E_TMP/street" plan file --org "$SO" --year 2025 --goals 服务 --activities 探访 \
  2>"$E2E_TMP/e12" && fail "the street wrote a plan for a past year"
grep -q 今年或明年 "$E2E_TMP/e12" || fail "no reason for the plan's year: $(cat "$E2E_TMP/e12")"
"$HUB" --dir "$E2E_TMP/street" plan file --org "$SO" --year 2027 --goals 办书画展 \
  --activities 每季一次 --count 4 | last_line | grep -q "^$SKEY/" || fail "street plan for its organisation"
"$HUB" --dir "$E2E_TMP/street" summary file --org "$SO" --year 2026 --results 办展两次 \
  --count 12 >/dev/null || fail "street summary for its organisation"
"$HUB" --dir "$E2E_TMP/street" inspection list --year 2026 --json >"$E2E_TMP/sp.json"
"$HUB" --dir "$E2E_TMP/street" forward >/dev/null 2>&1 || true
wait_for 60 progress_is 'p["totals"]["expected"] == 4 and p["totals"]["pass"] == 1' \
  || { cat "$E2E_TMP/p.json" >&2; fail "district progress with the street's own organisation"; }
curl -sf -b "$E2E_TMP/jar" "$DIST_URL/api/v1/dashboard/trainings?year=2027" >"$E2E_TMP/tr.json" \
  || fail "district trainings"
python3 - "$E2E_TMP/p.json" "$E2E_TMP/sp.json" "$E2E_TMP/tr.json" "$SO" <<'PY' || fail "the street's own organisation in the year"
import json, sys
p, sp, tr = (json.load(open(f)) for f in sys.argv[1:4])
so = sys.argv[4]
t = p["totals"]
want = {"expected": 4, "self_reported": 2, "late": 2, "inspected": 3, "pass": 1, "rectify": 1,
        "rectified": 1, "fail": 1, "missing": 2}
assert all(t[k] == v for k, v in want.items()), t
assert [s["street"] for s in p["streets"]] == ["望海楼街"] and p["streets"][0]["expected"] == 4, p["streets"]
own = [c for c in p["communities"] if c["code"] == ""]
assert len(own) == 1 and own[0]["community"] == "望海楼街" and own[0]["street"] == "望海楼街", own
assert own[0]["expected"] == 1 and own[0]["self_reported"] == 1 and own[0]["pass"] == 1, own
assert own[0]["missing"] == 0 and own[0]["late"] == 1, own
assert so not in [m["org"] for m in p["missing"]], p["missing"]
o = [x for x in p["organisations"] if x["org"] == so]
assert len(o) == 1 and o[0]["result"] == "pass" and o[0]["opinion"] == "agree", o
# the street's own figures are the same as the district's
assert sp["totals"] == t, (sp["totals"], t)
got = {x["org"]: x["trainings"] for x in tr["organisations"]}
assert got.get(so) == 1, got
PY
plans_are 2027 '[(o["street"], o["community"], o["code"]) for o in p["organisations"] if o["org"] == "'"$SO"'" and o["plan_date"] == "2027-02-09"] == [("望海楼街", "望海楼街", "")]' \
  || { cat "$E2E_TMP/plans.json" >&2; fail "the street's plan of its own organisation at the district"; }
plans_are 2026 '"'"$SO"'" not in [m["org"] for m in p["missing_summaries"]] and [o["summary_date"] for o in p["organisations"] if o["org"] == "'"$SO"'"] == ["2027-02-09"] and p["totals"]["summaries"] == sum(1 for o in p["organisations"] if o["summary_date"])' \
  || { cat "$E2E_TMP/plans.json" >&2; fail "the street's summary of its own organisation at the district"; }
curl -sf -b "$E2E_TMP/jar" "$DIST_URL/api/v1/dashboard/inspections.csv?year=2026" >"$E2E_TMP/p2.csv" \
  || fail "CSV"
grep -q "^望海楼街,望海楼街,$SO,望海楼街书画分会" "$E2E_TMP/p2.csv" || fail "CSV row: $(cat "$E2E_TMP/p2.csv")"
ok "a street's own organisation: its self-report at the street hub, counted under the street"
echo "1..9"
