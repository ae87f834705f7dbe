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
cp "$E2E_TMP/p.json" "$E2E_TMP/before.json"
"$HUB" --dir "$E2E_TMP/district" rebuild >/dev/null || fail "district rebuild"
progress || fail "progress after rebuild"
cmp -s "$E2E_TMP/before.json" "$E2E_TMP/p.json" || fail "rebuild changed the progress"
ok "不合格 leads to revocation at the district; rebuild gives the same progress"
echo "1..7"
