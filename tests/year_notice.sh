#!/usr/bin/env bash
# Trainings, district-wide notices, the plans of communities and streets and the year's
# attention entries through real processes on loopback with a fixed clock (2027-02-09):
# the district and two street hubs, three community nodes.  The district and a street record
# trainings; the district notifies every community and one street, a street its own; some
# communities read them (one tries a notice not addressed to it and is refused before
# signing); communities and a street write their own plans and summaries; the district's
# answers (trainings, notices and who read them, plans per level, the attention list, the
# CSV and Excel exports) equal a recomputation from the entries in its database.
here=$(cd "$(dirname "$0")" && pwd)
source "$here/e2e/lib.sh"
export LINLI_FAKE_NOW_MS=1802138400000 # 2027-02-09 10:00 Asia/Shanghai

"$HUB" --dir "$E2E_TMP/district" init --role district --name 河北区协会 >"$E2E_TMP/d.init"
DKEY=$(last_line <"$E2E_TMP/d.init")
start_server DIST "$HUB" --dir "$E2E_TMP/district" serve --listen 127.0.0.1:0
k=0
for s in 望海楼街 鼓楼街; do
  k=$((k + 1))
  "$HUB" --dir "$E2E_TMP/s$k" init --role street --name "$s" --upstream "$DIST_URL" \
    --upstream-key "$DKEY" >"$E2E_TMP/s$k.init"
  "$HUB" --dir "$E2E_TMP/district" enroll --name "$s" --key "$(last_line <"$E2E_TMP/s$k.init")" \
    >/dev/null || fail "enroll street $s"
done
start_server S1 "$HUB" --dir "$E2E_TMP/s1" serve --listen 127.0.0.1:0
start_server S2 "$HUB" --dir "$E2E_TMP/s2" serve --listen 127.0.0.1:0
node_init() { # n street-dir street-url community street
  "$NODE" --dir "$E2E_TMP/n$1" init --community "$4" --street "$5" --hub "$3" \
    --code "12010500100$1" --hub-key "$(last_line <"$E2E_TMP/$2.init")" >"$E2E_TMP/n$1.init"
  "$HUB" --dir "$E2E_TMP/$2" enroll --name "$4" --key "$(last_line <"$E2E_TMP/n$1.init")" \
    --code "12010500100$1" >/dev/null || fail "enroll $4"
}
node_init 1 s1 "$S1_URL" 建昌道社区 望海楼街
node_init 2 s1 "$S1_URL" 铁东路社区 望海楼街
node_init 3 s2 "$S2_URL" 鼓楼社区 鼓楼街
file_org() { # n name -> filing number
  "$NODE" --dir "$E2E_TMP/n$1" org file --filed 2026-03-01 --name "$2" --category 为老服务 \
    --leader 王秀英 --phone 13800000000 --members 20 --party-members 2 | last_line
}
O1=$(file_org 1 建昌道社区夕阳红志愿服务队)
O2=$(file_org 2 铁东路社区编织组)
O3=$(file_org 3 鼓楼社区读书会)
accept_all() { # street dir
  for b in $("$HUB" --dir "$E2E_TMP/$1" review list | awk '{print $1}'); do
    "$HUB" --dir "$E2E_TMP/$1" review accept "$b" --operator 李主任 >/dev/null || fail "accept $b"
  done
}
sync_all() {
  for n in 1 2 3; do "$NODE" --dir "$E2E_TMP/n$n" sync >/dev/null || fail "sync n$n"; done
  accept_all s1
  accept_all s2
  "$HUB" --dir "$E2E_TMP/s1" forward >/dev/null 2>&1 || true
  "$HUB" --dir "$E2E_TMP/s2" forward >/dev/null 2>&1 || true
}
sync_all
ok "two streets, three communities, one organisation each"

# Trainings: the district for two organisations, a street for its own two.
"$HUB" --dir "$E2E_TMP/s1" training record --date 2027-01-10 --topic 财务 --organiser 望海楼街 \
  --orgs "$O1,$O3" 2>"$E2E_TMP/e1" && fail "a street named another street's organisation"
grep -q "$O3" "$E2E_TMP/e1" || fail "no reason: $(cat "$E2E_TMP/e1")"
"$HUB" --dir "$E2E_TMP/district" training record --date 2027-03-01 --topic 未来 --organiser 区协会 \
  --orgs "$O1" 2>"$E2E_TMP/e2" && fail "a training in the future was taken"
grep -q 培训日期 "$E2E_TMP/e2" || fail "no reason for the date: $(cat "$E2E_TMP/e2")"
"$HUB" --dir "$E2E_TMP/district" training record --date 2027-01-15 --topic 志愿服务规范 \
  --organiser 区协会 --orgs "$O1,$O3" >/dev/null || fail "district training"
"$HUB" --dir "$E2E_TMP/s1" training record --date 2027-02-01 --topic 活动安全 --organiser 望海楼街 \
  --orgs "$O1,$O2" >/dev/null || fail "street training"
# the district's reaches the street when the street next pulls (its forward loop may have)
"$HUB" --dir "$E2E_TMP/s1" training list --year 2027 | head -1 | grep -q "培训 [12] 次" \
  || fail "street training list: $("$HUB" --dir "$E2E_TMP/s1" training list --year 2027)"
ok "the district and a street recorded trainings; bounds refused before signing"

# Notices: to the whole district, to one street, and a street's to its own.
"$HUB" --dir "$E2E_TMP/s1" notice send --to district --title x --text y 2>/dev/null \
  && fail "a street notified the whole district"
ND=$("$HUB" --dir "$E2E_TMP/district" notice send --to district --title 关于年检的通知 \
  --text 请于1月31日前报送自查报告 | last_line)
"$HUB" --dir "$E2E_TMP/district" notice send --to district --title 关于年检的通知 \
  --text 请于1月31日前报送 | head -1 | grep -q "3个社区" || fail "a district notice reaches 3"
NB=$("$HUB" --dir "$E2E_TMP/district" notice send --to street --street 鼓楼街 --title 鼓楼街培训 \
  --text 下周培训 | last_line)
NS=$("$HUB" --dir "$E2E_TMP/s1" notice send --to street --title 望海楼街例会 --text 周五开会 | last_line)
sync_all
sync_all
for n in 1 2 3; do "$NODE" --dir "$E2E_TMP/n$n" notice list --json >"$E2E_TMP/nl$n.json"; done
python3 - "$E2E_TMP" "$ND" "$NB" "$NS" <<'PY' || fail "the notices reached the nodes"
import json, sys
d, nd, nb, ns = sys.argv[1:5]
got = {n: sorted(x["notice"] for x in json.load(open(f"{d}/nl{n}.json"))) for n in (1, 2, 3)}
assert nd in got[1] and ns in got[1] and nb not in got[1], got
assert nd in got[2] and ns in got[2] and nb not in got[2], got
assert nd in got[3] and nb in got[3] and ns not in got[3], got
PY
"$NODE" --dir "$E2E_TMP/n2" notice read "$NB" 2>"$E2E_TMP/e3" && fail "read a notice not sent to it"
grep -q 不是发给 "$E2E_TMP/e3" || fail "no reason: $(cat "$E2E_TMP/e3")"
"$NODE" --dir "$E2E_TMP/n1" notice read "$ND" >/dev/null || fail "n1 reads"
"$NODE" --dir "$E2E_TMP/n1" notice read "$ND" 2>&1 >/dev/null | grep -q 已经 || fail "read twice"
"$NODE" --dir "$E2E_TMP/n3" notice read "$ND" >/dev/null || fail "n3 reads"
"$NODE" --dir "$E2E_TMP/n3" notice read "$NB" >/dev/null || fail "n3 reads its street's"
"$NODE" --dir "$E2E_TMP/n1" notice list | grep "$ND" | grep -q 已读 || fail "n1 shows it read"
ok "notices reached every community they were sent to; some read them"

# Plans of communities and streets.
"$NODE" --dir "$E2E_TMP/n1" plan file --community --year 2027 --goals 服务全社区 \
  --activities 每月一次 --count 12 >/dev/null || fail "community plan"
"$NODE" --dir "$E2E_TMP/n1" plan file --community --org "$O1" --year 2027 --goals a \
  --activities b 2>/dev/null && fail "a community plan with an organisation"
"$NODE" --dir "$E2E_TMP/n3" summary file --community --year 2026 --results 开展活动 --count 8 \
  >/dev/null || fail "community summary"
"$HUB" --dir "$E2E_TMP/s1" plan file --year 2027 --goals 街道目标 --activities 培训 >/dev/null \
  || fail "street plan"
"$HUB" --dir "$E2E_TMP/s1" plan file --year 2025 --goals x --activities y 2>/dev/null \
  && fail "a street plan for a past year"
# An inspection of 限期整改 by 20 February: not yet overdue today (2027-02-09).
RI=$("$HUB" --dir "$E2E_TMP/s1" inspection result "$O1" --year 2026 --result rectify \
  --deadline 2027-02-20 --reason 账目不清 --operator 李主任 | last_line)
sync_all
ok "communities and a street wrote their own plans and summaries"

# A street hub lists the district's notices it relayed to its communities, with their reads,
# on the command line and its page (whose English variant speaks English).
"$HUB" --dir "$E2E_TMP/s1" notice list --json >"$E2E_TMP/s1n.json" || fail "street notice list"
python3 - "$E2E_TMP/s1n.json" "$ND" "$NB" "$NS" <<'PY' || fail "the street lists the district's notices"
import json, sys
l = {n["record"]: n for n in json.load(open(sys.argv[1]))["notices"]}
nd, nb, ns = sys.argv[2:5]
assert nd in l and ns in l and nb not in l, l
assert len(l) == 3, l  # the two to the whole district, and the street's own
assert l[nd]["relayed"] == 1 and l[nd]["own"] == 0 and l[nd]["scope"] == "district", l[nd]
assert l[nd]["title"] == "关于年检的通知" and l[nd]["recipients"] == 2 and l[nd]["read"] == 1, l[nd]
assert l[ns]["own"] == 1 and l[ns]["relayed"] == 0 and l[ns]["recipients"] == 2, l[ns]
PY
"$HUB" --dir "$E2E_TMP/s1" notice list | grep "^$ND" | grep -q "已读 1/2.区协会" \
  || fail "street text list: $("$HUB" --dir "$E2E_TMP/s1" notice list)"
"$HUB" --dir "$E2E_TMP/s1" notice show "$ND" >"$E2E_TMP/s1show.txt" || fail "street notice show"
grep -q "建昌道社区.2027-02-09" "$E2E_TMP/s1show.txt" && grep -q "铁东路社区.未读" "$E2E_TMP/s1show.txt" \
  && ! grep -q 鼓楼社区 "$E2E_TMP/s1show.txt" || fail "street notice show: $(cat "$E2E_TMP/s1show.txt")"
printf 'street-notice-password\n' | "$HUB" --dir "$E2E_TMP/s1" operator add 李主任 --role street \
  >/dev/null || fail "street operator add"
curl -s -c "$E2E_TMP/s1jar" -o /dev/null --data-urlencode name=李主任 \
  --data-urlencode password=street-notice-password "$S1_URL/login" || fail "street login"
curl -sf -b "$E2E_TMP/s1jar" "$S1_URL/notices" >"$E2E_TMP/s1n.html" || fail "street notices page"
python3 - "$E2E_TMP/s1n.html" "$ND" <<'PY' || fail "the street's notices page"
import re, sys
h = open(sys.argv[1], encoding="utf-8").read()
row = re.search(r'<tr data-record="%s">(.*?)</tr>' % re.escape(sys.argv[2]), h, re.S).group(1)
assert "关于年检的通知" in row and '<td class="by">区协会</td>' in row and "全区" in row, row
PY
curl -sf -b "$E2E_TMP/s1jar" "$S1_URL/notices?notice=$ND" | grep -q "建昌道社区" \
  || fail "the street's page of one district notice"
curl -sf -b "$E2E_TMP/s1jar" "$S1_URL/notices?lang=en" >"$E2E_TMP/s1en.html" || fail "English page"
python3 - "$E2E_TMP/s1en.html" <<'PY' || fail "the English notices page"
import re, sys
h = open(sys.argv[1], encoding="utf-8").read()
head = re.search(r'<table class="list" id="notice-list"><tr>(.*?)</tr>', h, re.S).group(1)
assert "Sent" in head and "From" in head and not re.search(r"[\u4e00-\u9fff]", head), head
form = re.search(r'<form method="post" action="/notices".*?</form>', h, re.S).group(0)
assert "Send" in form and not re.search(r"[\u4e00-\u9fff]", re.sub(r'value="[^"]*"', "", form)), form
assert '<td class="by">District</td>' in h, "the relayed notice's sender in English"
PY
ok "a street hub lists the district's notices relayed to its communities, with their reads"

printf 'year-test-password\n' | "$HUB" --dir "$E2E_TMP/district" operator add 张科长 --role district \
  >/dev/null || fail "operator add"
curl -s -c "$E2E_TMP/jar" -o /dev/null --data-urlencode name=张科长 \
  --data-urlencode password=year-test-password "$DIST_URL/login" || fail "login"
get() { curl -sf -b "$E2E_TMP/jar" "$DIST_URL$1" >"$E2E_TMP/$2"; }
answers_ready() {
  get "/api/v1/dashboard/notices?notice=$ND" notice.json &&
    python3 -c 'import json,sys; n=json.load(open(sys.argv[1])); sys.exit(0 if sum(r["read"] for r in n["reads"]) == 2 else 1)' "$E2E_TMP/notice.json"
}
wait_for 60 answers_ready || { sync_all; wait_for 30 answers_ready; } ||
  { cat "$E2E_TMP/notice.json" >&2; fail "the district sees who read the notice"; }
get "/api/v1/dashboard/notices" notices.json || fail "notices"
get "/api/v1/dashboard/trainings?year=2027" trainings.json || fail "trainings"
get "/api/v1/dashboard/plans?year=2027" plans2027.json || fail "plans 2027"
get "/api/v1/dashboard/plans?year=2026" plans2026.json || fail "plans 2026"
get "/api/v1/dashboard/attention" attention.json || fail "attention"
get "/api/v1/dashboard/org/$O1" org1.json || fail "org answer"
get "/api/v1/dashboard/attention?category=%E6%96%87%E4%BD%93%E6%B4%BB%E5%8A%A8" attention_other.json \
  || fail "attention of another category"
python3 -c 'import json,sys; a=json.load(open(sys.argv[1])); sys.exit(0 if a["plan_missing"] == [] and a["inspection_overdue"] == [] and len(a["unit_plan_missing"]) == 3 else 1)' \
  "$E2E_TMP/attention_other.json" || fail "the category filter keeps the year's organisations out"
python3 - "$E2E_TMP" "$ND" "$NB" "$NS" "$O1" "$O2" "$O3" <<'PY' || fail "the district's answers equal a recomputation from its entries"
import json, sqlite3, sys
d, nd, nb, ns, o1, o2, o3 = sys.argv[1:8]
j = lambda f: json.load(open(f"{d}/{f}"))
db = sqlite3.connect(f"{d}/district/hub.db")
refused = {(a, s) for a, s in db.execute("SELECT author, seq FROM refusals")}
def entries(kind):
    for a, s, t, b in db.execute("SELECT author, seq, time_ms, CAST(body AS TEXT) FROM entries"
                                 " WHERE kind = ? ORDER BY id", (kind,)):
        if (a, s) not in refused:
            yield a.hex(), s, t, json.loads(b)
roles = {k.hex(): r for k, r in db.execute("SELECT key, role FROM authors")}
# trainings: each organisation's count in 2027
count = {}
district = [k for k, r in roles.items() if r == "self"][0]
for a, s, t, b in entries("training.recorded"):
    # a street's relay of the district's own training down to its communities is that training
    if b["date"][:4] == "2027" and b.get("origin_record", "")[:64] != district:
        for o in b["orgs"]:
            count[o] = count.get(o, 0) + 1
tr = j("trainings.json")
got = {o["org"]: o["trainings"] for o in tr["organisations"]}
assert got == {o1: 2, o2: 1, o3: 1}, got
assert got == {o: count.get(o, 0) for o in got}, (got, count)
assert tr["totals"] == {"trainings": 2, "attendances": 4}, tr["totals"]
assert sorted(t["attended"] for t in tr["trainings"]) == [2, 2], tr["trainings"]
# notices: recipients and readers of each
sent, read = {}, {}
for a, s, t, b in entries("notice.sent"):
    if roles.get(a) != "community":
        sent.setdefault(b["notice"], set()).add(b["to"])
for a, s, t, b in entries("notice.read"):
    read.setdefault(b["notice"], set()).add(a)
ns_ = {n["record"]: n for n in j("notices.json")["notices"]}
assert set(ns_) == {nd, nb, ns} | {r for r in ns_ if ns_[r]["title"] == "关于年检的通知"}, ns_
for r, n in ns_.items():
    assert n["recipients"] == len(sent[r]), (r, n, sent[r])
    assert n["read"] == len(sent[r] & read.get(r, set())), (r, n)
assert ns_[nd]["recipients"] == 3 and ns_[nd]["read"] == 2, ns_[nd]
assert ns_[nb]["recipients"] == 1 and ns_[nb]["read"] == 1, ns_[nb]
assert ns_[ns]["recipients"] == 2 and ns_[ns]["read"] == 0, ns_[ns]
reads = {r["community"]: r["read"] for r in j("notice.json")["reads"]}
assert reads == {"建昌道社区": True, "铁东路社区": False, "鼓楼社区": True}, reads
# plans per level
u = {(x["level"], x["street"], x["community"]): x for x in j("plans2027.json")["units"]}
assert u[("community", "望海楼街", "建昌道社区")]["plan_date"] == "2027-02-09", u
assert u[("community", "望海楼街", "铁东路社区")]["plan_date"] == "", u
assert u[("street", "望海楼街", "")]["plan_date"] == "2027-02-09", u
assert u[("street", "鼓楼街", "")]["plan_date"] == "", u
assert j("plans2027.json")["unit_totals"] == {"community": {"expected": 3, "plans": 1, "summaries": 0},
                                              "street": {"expected": 2, "plans": 1, "summaries": 0}}, j("plans2027.json")["unit_totals"]
u6 = {(x["level"], x["community"]): x for x in j("plans2026.json")["units"]}
assert u6[("community", "鼓楼社区")]["summary_date"] == "2027-02-09", u6
plans = {}
for a, s, t, b in entries("plan.unit"):
    plans.setdefault(b["year"], set()).add(a)
assert len(plans[2027]) == 2, plans
# the attention list: after 31 January nothing of the year is in
a = j("attention.json")
assert sorted(x["org"] for x in a["inspection_overdue"]) == sorted([o1, o2, o3]), a["inspection_overdue"]
assert all(x["year"] == 2026 and x["due"] == "2027-01-31" for x in a["inspection_overdue"])
assert sorted(x["org"] for x in a["plan_missing"]) == sorted([o1, o2, o3]), a["plan_missing"]
assert sorted(x["org"] for x in a["summary_missing"]) == sorted([o1, o2, o3]), a["summary_missing"]
upm = sorted((x["street"], x["community"]) for x in a["unit_plan_missing"])
assert upm == [("望海楼街", "铁东路社区"), ("鼓楼街", ""), ("鼓楼街", "鼓楼社区")], upm
usm = sorted((x["street"], x["community"]) for x in a["unit_summary_missing"])
assert usm == [("望海楼街", ""), ("望海楼街", "建昌道社区"), ("望海楼街", "铁东路社区"), ("鼓楼街", "")], usm
assert a["inspection_rectify_overdue"] == [], a["inspection_rectify_overdue"]
org = j("org1.json")
assert org["trainings"] == [{"year": 2027, "trainings": 2}], org.get("trainings")
PY
ok "the district's trainings, notices, plans and attention equal a recomputation from its entries"

# Trainings at the nodes: the streets relay the district's down, each node keeps those that
# name its own organisations, per organisation per year; the inbox stays for decisions.
sync_all
for n in 1 2 3; do "$NODE" --dir "$E2E_TMP/n$n" sync >/dev/null || fail "sync n$n"; done
"$HUB" --dir "$E2E_TMP/s1" training list --year 2027 | head -1 | grep -q "培训 2 次" \
  || fail "the street does not see the district's training: $("$HUB" --dir "$E2E_TMP/s1" training list --year 2027)"
"$HUB" --dir "$E2E_TMP/s1" training list --year 2027 --json | python3 -c '
import json, sys
t = {x["topic"]: x for x in json.load(sys.stdin)["trainings"]}
assert t["志愿服务规范"]["relayed"] == 1 and t["志愿服务规范"]["own"] == 0, t
assert t["活动安全"]["own"] == 1 and t["活动安全"]["relayed"] == 0, t' \
  || fail "the street counts the district's training as its own"
for n in 1 2 3; do
  "$NODE" --dir "$E2E_TMP/n$n" training list --year 2027 --json >"$E2E_TMP/nt$n.json" \
    || fail "node $n training list"
done
"$NODE" --dir "$E2E_TMP/n1" training list --json >"$E2E_TMP/nt1all.json" || fail "node 1 every year"
"$NODE" --dir "$E2E_TMP/n1" inbox --json >"$E2E_TMP/ni1.json" || fail "node 1 inbox"
python3 - "$E2E_TMP" "$O1" "$O2" "$O3" <<'PY' || fail "the nodes' trainings"
import json, sys
d, o1, o2, o3 = sys.argv[1:5]
j = lambda f: json.load(open(f"{d}/{f}"))
n1, n2, n3, all1 = j("nt1.json"), j("nt2.json"), j("nt3.json"), j("nt1all.json")
t1 = {t["topic"]: t for t in n1["trainings"]}
assert set(t1) == {"志愿服务规范", "活动安全"}, n1
assert t1["志愿服务规范"]["origin"] == "district" and t1["志愿服务规范"]["orgs"] == [o1], t1
assert t1["活动安全"]["origin"] == "street" and t1["活动安全"]["orgs"] == [o1], t1
assert t1["志愿服务规范"]["date"] == "2027-01-15" and t1["志愿服务规范"]["organiser"] == "区协会", t1
assert n1["trainings"][0]["date"] == "2027-02-01", "newest first"
assert n1["organisations"] == [{"org": o1, "name": "建昌道社区夕阳红志愿服务队", "year": 2027,
                                "trainings": 2}], n1["organisations"]
# another community of the same street: the street's training only, for its own organisation
assert [t["topic"] for t in n2["trainings"]] == ["活动安全"] and n2["trainings"][0]["orgs"] == [o2], n2
assert [(o["org"], o["trainings"]) for o in n2["organisations"]] == [(o2, 1)], n2
# the other street's community: the district's, relayed by its own street
assert [(t["topic"], t["origin"], t["orgs"]) for t in n3["trainings"]] == [("志愿服务规范", "district", [o3])], n3
assert [(o["org"], o["trainings"]) for o in n3["organisations"]] == [(o3, 1)], n3
assert all1["year"] is None and [(o["year"], o["trainings"]) for o in all1["organisations"]] == [(2027, 2)], all1
assert not [i for i in j("ni1.json") if i["kind"] == "training.recorded"], "a training in the inbox"
PY
"$NODE" --dir "$E2E_TMP/n1" training list --year 2026 --json | python3 -c '
import json,sys; l=json.load(sys.stdin); sys.exit(0 if l["trainings"] == [] and [o["trainings"] for o in l["organisations"]] == [0] else 1)' \
  || fail "node 1 in 2026"
"$NODE" --dir "$E2E_TMP/n1" training list --year 2027 | grep -q "^组织.$O1.建昌道社区夕阳红志愿服务队.2027年.培训 2 次" \
  || fail "node 1 text list: $("$NODE" --dir "$E2E_TMP/n1" training list --year 2027)"
"$NODE" --dir "$E2E_TMP/n1" training list --org "$O2" 2>"$E2E_TMP/e9" && fail "node 1 listed another community's organisation"
grep -q 本社区没有 "$E2E_TMP/e9" || fail "no reason for another's organisation: $(cat "$E2E_TMP/e9")"
"$NODE" --dir "$E2E_TMP/n1" training list --year 27 2>"$E2E_TMP/e10" && fail "a two-digit year was taken"
grep -q 年度 "$E2E_TMP/e10" || fail "no reason for the year: $(cat "$E2E_TMP/e10")"
start_server NWEB "$NODE" --dir "$E2E_TMP/n1" serve --listen 127.0.0.1:0
curl -sf "$NWEB_URL/orgs/$O1" >"$E2E_TMP/org1.html" || fail "node organisation page"
stop_server "$NWEB_PID"
python3 - "$E2E_TMP/org1.html" <<'PY' || fail "the organisation page does not show its trainings"
import re, sys
h = open(sys.argv[1], encoding="utf-8").read()
years = re.search(r'<table id="org-training-years">(.*?)</table>', h, re.S).group(1)
assert "<th>年度</th><th>培训次数</th>" in years and re.search(r"<td>2027</td><td[^>]*>2</td>", years), years
rows = re.search(r'<table id="org-trainings">(.*?)</table>', h, re.S).group(1)
assert "志愿服务规范" in rows and "活动安全" in rows and "区协会" in rows and "街道分会" in rows, rows
PY
ok "trainings reach the nodes: per organisation per year, on the command line and its page"

# The exports: Chinese headers, the year in the file name, Excel beside CSV.
for t in inspections plans trainings; do
  curl -sf -b "$E2E_TMP/jar" -D "$E2E_TMP/$t.h" "$DIST_URL/api/v1/dashboard/$t.csv?year=2026" \
    >"$E2E_TMP/$t.csv" || fail "$t.csv"
  curl -sf -b "$E2E_TMP/jar" -D "$E2E_TMP/$t.xh" "$DIST_URL/api/v1/dashboard/$t.xlsx?year=2026" \
    >"$E2E_TMP/$t.xlsx" || fail "$t.xlsx"
  grep -qi "filename=\"$t-2026.xlsx\"" "$E2E_TMP/$t.xh" || fail "$t.xlsx name: $(cat "$E2E_TMP/$t.xh")"
  grep -qi "filename=\"$t-2026.csv\"" "$E2E_TMP/$t.h" || fail "$t.csv name"
  [ "$(head -c 2 "$E2E_TMP/$t.xlsx")" = PK ] || fail "$t.xlsx is not a workbook"
done
head -1 "$E2E_TMP/plans.csv" | grep -q "对象,街道,社区,备案编号,组织名称,工作计划" || fail "plans.csv header"
grep -c 社区本级 "$E2E_TMP/plans.csv" | grep -qx 3 || fail "plans.csv: a row per community"
head -1 "$E2E_TMP/trainings.csv" | grep -q "街道,社区,备案编号,组织名称,培训次数" || fail "trainings.csv header"
python3 - "$E2E_TMP/inspections.xlsx" <<'PY' || fail "the workbook holds the inspection rows"
import sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
s = z.read("xl/sharedStrings.xml").decode()
assert "备案编号" in s and "年检结果" in s and "未检" in s, s[:400]
PY
ok "inspections, plans and trainings as CSV and Excel, Chinese headers, the year in the name"

# Pages.
for p in "/trainings?year=2027" "/notices" "/notices?notice=$ND" "/plans?year=2027"; do
  curl -sf -b "$E2E_TMP/jar" "$DIST_URL$p" >"$E2E_TMP/page.html" || fail "page $p"
done
grep -q 建昌道社区 "$E2E_TMP/page.html" || fail "plans page lists the communities"
# The English variants of the year's pages: every heading, column and label in English.
for p in "/trainings?year=2027" "/notices" "/plans?year=2027" "/inspections?year=2026" \
  "/evaluation?year=2026" "/evaluation/commendations?year=2026"; do
  curl -sf -b "$E2E_TMP/jar" "$DIST_URL$p&lang=en" -o "$E2E_TMP/en.html" 2>/dev/null ||
    curl -sf -b "$E2E_TMP/jar" "$DIST_URL$p?lang=en" -o "$E2E_TMP/en.html" || fail "English page $p"
  python3 - "$E2E_TMP/en.html" "$p" <<'PY' || fail "Chinese words on the English page $p"
import re, sys
h = open(sys.argv[1], encoding="utf-8").read()
main = h[h.index("<main"):] if "<main" in h else h
parts = re.findall(r"<(h1|h2|th|label|button|option|p)\b[^>]*>(.*?)</\1>", main, re.S)
cjk = re.compile(r"[\u4e00-\u9fff]")
# what people typed (values, titles, names in cells) is data; the page's own words are not
bad = [t for tag, t in parts if cjk.search(re.sub(r"<[^>]+>|value=\"[^\"]*\"", "", t))
       and tag != "p" and tag != "option"]
assert not bad, (sys.argv[2], bad[:5])
PY
done
PR=$(python3 -c 'import json,sys; print([u["plan_record"] for u in json.load(open(sys.argv[1]))["units"] if u["community"] == "建昌道社区"][0])' "$E2E_TMP/plans2027.json")
curl -sf -b "$E2E_TMP/jar" "$DIST_URL/plan?record=$PR" | grep -q "建昌道社区 2027年度工作计划" \
  || fail "the printable plan of a community"
"$HUB" --dir "$E2E_TMP/district" rebuild >/dev/null || fail "rebuild"
get "/api/v1/dashboard/notices" notices2.json || fail "notices after rebuild"
cmp -s "$E2E_TMP/notices.json" "$E2E_TMP/notices2.json" || fail "rebuild changed the notices"
ok "the pages render; rebuild gives the same notices"

# Due dates are the district's: a street may not set one; the district's reach the street
# (relayed like its lists), whose figures and attention list then read them.
s1_attention() { curl -sf -b "$E2E_TMP/s1jar" "$S1_URL/api/v1/dashboard/attention" >"$E2E_TMP/s1a.json"; }
s1_attention || fail "street attention"
python3 - "$E2E_TMP/s1a.json" "$O1" "$O2" <<'PY' || fail "street attention before the district's dates"
import json, sys
a = json.load(open(sys.argv[1]))
assert sorted(x["org"] for x in a["inspection_overdue"]) == sorted(sys.argv[2:4]), a["inspection_overdue"]
assert all(x["due"] == "2027-01-31" for x in a["inspection_overdue"]), a["inspection_overdue"]
assert len(a["plan_missing"]) == 2 and len(a["summary_missing"]) == 2, a
PY
"$HUB" --dir "$E2E_TMP/s1" inspection due --year 2026 --date 2027-03-15 2>"$E2E_TMP/e9" \
  && fail "a street set a due date"
grep -q 只能由区协会设定 "$E2E_TMP/e9" || fail "no reason for the street: $(cat "$E2E_TMP/e9")"
"$HUB" --dir "$E2E_TMP/s1" plan due --year 2027 --date 2027-03-15 2>/dev/null \
  && fail "a street set a plan due date"
"$HUB" --dir "$E2E_TMP/district" plan due --year 2027 --date 2028-01-05 2>"$E2E_TMP/e10" \
  && fail "a plan due after its year was taken"
grep -q "2026-01-01至2027-12-31" "$E2E_TMP/e10" || fail "no reason for the window: $(cat "$E2E_TMP/e10")"
# Plans may be set for next year (2028 by this clock), not the year after.
"$HUB" --dir "$E2E_TMP/district" plan due --year 2029 --date 2029-03-15 2>"$E2E_TMP/e11" \
  && fail "a plan due two years ahead was taken"
grep -q "年度应为2000年至2028年之间的年度" "$E2E_TMP/e11" \
  || fail "the refusal names the wrong last year: $(cat "$E2E_TMP/e11")"
"$HUB" --dir "$E2E_TMP/district" inspection due --year 2028 2>"$E2E_TMP/e12" \
  && fail "an inspection due date of next year was taken"
grep -q "年度应为2000年至2027年之间的年度" "$E2E_TMP/e12" \
  || fail "the inspection's refusal: $(cat "$E2E_TMP/e12")"
"$HUB" --dir "$E2E_TMP/district" inspection due --year 2026 --date 2027-03-15 | grep -q "2027-03-15" \
  || fail "district inspection due"
"$HUB" --dir "$E2E_TMP/district" plan due --year 2027 --date 2027-03-15 --operator 张科长 \
  | grep -q "年度工作计划的截止日期：2027-03-15" || fail "district plan due"
"$HUB" --dir "$E2E_TMP/district" summary due --year 2026 --date 2027-03-15 >/dev/null \
  || fail "district summary due"
"$HUB" --dir "$E2E_TMP/district" inspection due --year 2027 --date 2028-02-29 | grep -q 2028-02-29 \
  || fail "a due date set before its year is over"
# Before the street pulls, its own default; its serve's forward loop (every
# 30 s when idle) may have pulled already: then the district's, nothing else.
"$HUB" --dir "$E2E_TMP/s1" inspection due --year 2026 | grep -Eq "2027-01-31|2027-03-15" \
  || fail "the street's date before it pulled: $("$HUB" --dir "$E2E_TMP/s1" inspection due --year 2026)"
"$HUB" --dir "$E2E_TMP/s1" forward >/dev/null 2>&1 || true
for w in inspection plan summary; do
  y=2026; [ "$w" = plan ] && y=2027
  "$HUB" --dir "$E2E_TMP/s1" "$w" due --year "$y" | grep -q "的截止日期：2027-03-15" \
    || fail "the street's $w due date: $("$HUB" --dir "$E2E_TMP/s1" "$w" due --year "$y")"
done
"$HUB" --dir "$E2E_TMP/s1" inspection list --year 2026 --json | python3 -c '
import json, sys; p = json.load(sys.stdin); sys.exit(0 if p["due"] == "2027-03-15" else 1)' \
  || fail "the street's progress reads the district's date"
s1_attention || fail "street attention after"
python3 - "$E2E_TMP/s1a.json" <<'PY' || fail "street attention after the district's dates"
import json, sys
a = json.load(open(sys.argv[1]))
for k in ("inspection_overdue", "plan_missing", "summary_missing", "unit_plan_missing",
          "unit_summary_missing"):
    assert a[k] == [], (k, a[k])
PY
curl -sf -b "$E2E_TMP/s1jar" "$S1_URL/plans?year=2027" | grep -q 2027-03-15 \
  || fail "the street's plans page shows the district's date"
"$NODE" --dir "$E2E_TMP/n1" sync >/dev/null || fail "n1 sync for the dates"
"$NODE" --dir "$E2E_TMP/n1" inbox --json 2>/dev/null | grep -q '"due.set"' \
  || fail "the district's due dates did not reach the community"
# ... and the inbox says what they set, in words.
"$NODE" --dir "$E2E_TMP/n1" inbox --json 2>/dev/null | python3 -c '
import json, sys
said = sorted(i["reason"] for i in json.load(sys.stdin) if i["kind"] == "due.set")
assert said == ["2026年度年检自查报告的截止日期：2027-03-15", "2026年度年终总结的截止日期：2027-03-15",
                "2027年度工作计划的截止日期：2027-03-15",
                "2027年度年检自查报告的截止日期：2028-02-29"], said' \
  || fail "the inbox does not say the due dates: $("$NODE" --dir "$E2E_TMP/n1" inbox --json)"
ok "due dates are the district's; its street relays them and reads them; a street's own is refused"

# Past its deadline (the district's clock at 2027-03-01), the open 限期整改 is in the
# attention list.
stop_server "$DIST_PID"
LINLI_FAKE_NOW_MS=1803866400000 start_server DIST "$HUB" --dir "$E2E_TMP/district" serve \
  --listen 127.0.0.1:0
curl -s -c "$E2E_TMP/jar" -o /dev/null --data-urlencode name=张科长 \
  --data-urlencode password=year-test-password "$DIST_URL/login" || fail "login again"
get "/api/v1/dashboard/attention" attention_late.json || fail "attention past the deadline"
python3 - "$E2E_TMP/attention_late.json" "$RI" "$O1" <<'PY' || fail "the overdue 限期整改 is not listed"
import json, sys
a = json.load(open(sys.argv[1]))
r = a["inspection_rectify_overdue"]
assert a["today"] == "2027-03-01", a["today"]
assert [(x["record"], x["org"], x["deadline"], x["street"], x["community"]) for x in r] == \
    [(sys.argv[2], sys.argv[3], "2027-02-20", "望海楼街", "建昌道社区")], r
assert r[0]["reason"] == "账目不清" and r[0]["by"] == "street", r
assert a["criticism_overdue"] == [], a["criticism_overdue"]
PY
ok "an inspection of 限期整改 past its deadline is in the district's attention list"
echo "1..11"
