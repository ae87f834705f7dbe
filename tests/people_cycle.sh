#!/usr/bin/env bash
# Rosters, pledges, residents' feedback and funding through real processes on loopback
# with a fixed clock (2027-02-09): a community node, its street hub and the district.
# The node keeps a roster whose names are sealed to the street and to itself; the street
# shows the names, the district only counts (its every answer, page, CSV and Excel file, its
# files on disk and its log are searched for the names); member and party-member counts
# come from the roster; feedback not reported to the street 15 days on is in the attention
# list at both levels; the resident who made it is sealed to the community alone (every
# answer, page, CSV and Excel file of the street and the district is searched for the
# name, which the node and a node restored from the street still show); the district sets
# another number of days and every level follows it; the public notice is written as a file
# of its own; funding is summed per year; a rebuild at the district gives the same answers.
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
N="$E2E_TMP/n1"
"$NODE" --dir "$N" init --community 建昌道社区 --street 望海楼街 --hub "$STREET_URL" \
  --code 120105001001 --hub-key "$SKEY" >"$E2E_TMP/n1.init"
"$HUB" --dir "$E2E_TMP/street" enroll --name 建昌道社区 --key "$(last_line <"$E2E_TMP/n1.init")" \
  --code 120105001001 >/dev/null
O1=$("$NODE" --dir "$N" org file --filed 2026-03-01 --name 建昌道社区夕阳红志愿服务队 \
  --category 为老服务 --leader 王秀英 --phone 13800000000 --members 20 --party-members 2 | last_line)

# Names no district output may hold: the members who never led and the resident who
# complained (a leader's name goes on the filing, and the district may read that).
NAMES=(司马秀兰 上官明远 诸葛大妈)
roster() { "$NODE" --dir "$N" roster add --org "$O1" "$@"; }
M1=$(roster --name 欧阳铁柱 --role 队长 --party-member yes --joined 2026-03-01 --leader yes | last_line)
M2=$(roster --name 司马秀兰 --role 队员 --party-member yes --home-community 铁东路社区 | last_line)
M3=$(roster --name 上官明远 --role 队员 --party-member no --joined 2026-05-01 | last_line)
[ "$M1 $M2 $M3" = "1 2 3" ] || fail "member numbers: $M1 $M2 $M3"
roster --name 某某 --party-member maybe 2>"$E2E_TMP/e1" && fail "party member 'maybe' was taken"
grep -q 党员 "$E2E_TMP/e1" || fail "no reason: $(cat "$E2E_TMP/e1")"
roster --name 某某 --joined 2027-03-01 2>"$E2E_TMP/e2" && fail "a join date in the future was taken"
grep -q 加入日期 "$E2E_TMP/e2" || fail "no reason for the date: $(cat "$E2E_TMP/e2")"
roster --name 某某 --leader yes 2>"$E2E_TMP/e3" && fail "a second leader without a reason was taken"
grep -q 原因 "$E2E_TMP/e3" || fail "no reason for the leader: $(cat "$E2E_TMP/e3")"
"$NODE" --dir "$N" roster add --org 120105001001-9999 --name 某某 2>/dev/null \
  && fail "an unknown organisation was taken"
"$NODE" --dir "$N" roster add --org "$O1" --name "$(head -c 300 /dev/zero | tr '\0' x)" \
  2>/dev/null && fail "a 300-byte name was taken"
"$NODE" --dir "$N" roster list --org "$O1" --json >"$E2E_TMP/r.json"
python3 - "$E2E_TMP/r.json" <<'PY' || fail "node roster list"
import json, sys
r = json.load(open(sys.argv[1]))
assert [m["name"] for m in r] == ["欧阳铁柱", "司马秀兰", "上官明远"], r
assert r[0]["leader"] and r[0]["party_member"] and r[0]["reason"], r[0]
assert r[1]["home_community"] == "铁东路社区" and r[1]["joined"] == "2027-02-09", r[1]
assert not r[2]["party_member"] and all(m["current"] for m in r), r
PY
"$NODE" --dir "$N" roster export --org "$O1" >"$E2E_TMP/roster.csv" || fail "roster export"
head -1 "$E2E_TMP/roster.csv" | grep -q "编号,姓名,角色,党员,所在社区" || fail "CSV header"
grep -q "司马秀兰,队员,是,铁东路社区" "$E2E_TMP/roster.csv" || fail "CSV row: $(cat "$E2E_TMP/roster.csv")"
"$NODE" --dir "$N" org list --json | python3 -c '
import json, sys
o = json.load(sys.stdin)[0]
sys.exit(0 if (o["members"], o["party_members"], o["roster"]) == (3, 2, True) else 1)' \
  || fail "the node does not count members from the roster"
ok "the roster at the node: names, export, counts; bounds refused before signing"

# A leader changes with a reason; a member leaves.
roster --name 东方红霞 --leader yes --reason 换届选举 >/dev/null || fail "new leader"
"$NODE" --dir "$N" roster leave --org "$O1" --member "$M3" --left 2027-02-01 || fail "leave"
"$NODE" --dir "$N" roster list --org "$O1" --json | python3 -c '
import json, sys
r = {m["name"]: m for m in json.load(sys.stdin)}
assert not r["欧阳铁柱"]["leader"] and r["东方红霞"]["leader"], r
assert r["东方红霞"]["reason"] == "换届选举" and not r["上官明远"]["current"], r
assert r["上官明远"]["left"] == "2027-02-01", r' || fail "leader change or leave"
node_leader() {
  "$NODE" --dir "$N" org list --json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["leader"])'
}
# the amendment of the filing waits for the street (checked once accepted, below)
[ "$(node_leader)" = 王秀英 ] || fail "a pending amendment changed the filing's leader"
ok "a leader change carries its reason and amends the filing's leader; a member left"

# The pledge, residents' feedback (one overdue), funding.
"$NODE" --dir "$N" pledge set --org "$O1" --pledge 准时守信，服务邻里 --rules 每月例会 || fail "pledge"
F1=$("$NODE" --dir "$N" feedback add --org "$O1" --type complaint --content 活动噪音扰民 \
  --from 诸葛大妈 --received 2027-01-10 | last_line)
F2=$("$NODE" --dir "$N" feedback add --org "$O1" --type suggestion --content 增加周末活动 \
  --received 2027-02-05 | last_line)
F3=$("$NODE" --dir "$N" feedback add --org "$O1" --type complaint --content 占用楼道 \
  --received 2027-01-02 | last_line)
"$NODE" --dir "$N" feedback report "$F3" 2>/dev/null && fail "reported before it was handled"
"$NODE" --dir "$N" feedback handle "$F3" --result 已清理楼道 --date 2027-01-05 || fail "handle"
"$NODE" --dir "$N" feedback report "$F3" || fail "report"
"$NODE" --dir "$N" feedback add --org "$O1" --type praise --content x 2>/dev/null \
  && fail "a type that is neither complaint nor suggestion was taken"
"$NODE" --dir "$N" feedback list --json | python3 -c '
import json, sys
f = {x["id"]: x for x in json.load(sys.stdin)}
a, b, c = sys.argv[1:4]
assert f[a]["overdue"] and f[a]["from"] == "诸葛大妈", f[a]
assert not f[b]["overdue"] and not f[c]["overdue"] and f[c]["status"] == "reported", f' \
  "$F1" "$F2" "$F3" || fail "node feedback list"
"$NODE" --dir "$N" funding add --org "$O1" --source 区民政局公益创投 --amount 5000.50 \
  --purpose 购置活动器材 --year 2026 || fail "funding 1"
"$NODE" --dir "$N" funding add --org "$O1" --source 街道社区基金 --amount 1200 --year 2026 \
  || fail "funding 2"
"$NODE" --dir "$N" funding add --org "$O1" --source 街道 --amount 100 --year 2028 2>/dev/null \
  && fail "funding for a future year was taken"
"$NODE" --dir "$N" funding add --org "$O1" --source 街道 --amount 0 2>/dev/null \
  && fail "funding of nothing was taken"
# The public notice as a page of its own, for the community to publish.
"$NODE" --dir "$N" org notice --org "$O1" --out "$E2E_TMP/notice.html" >/dev/null || fail "org notice"
for w in 建昌道社区夕阳红志愿服务队 王秀英 准时守信，服务邻里 最近六个月的活动 '<html lang="zh-CN">'; do
  grep -qF "$w" "$E2E_TMP/notice.html" || fail "the notice file lacks $w"
done
grep -qiE '<script|href=|src=|[0-9a-f]{64}|诸葛大妈|司马秀兰' "$E2E_TMP/notice.html" \
  && fail "the notice file has a script, a link, a key or a name it must not"
"$NODE" --dir "$N" org notice --org 120105001001-9999 --out "$E2E_TMP/bad.html" 2>"$E2E_TMP/e4" \
  && fail "a notice of an unknown organisation was written"
grep -q 组织 "$E2E_TMP/e4" && [ ! -e "$E2E_TMP/bad.html" ] || fail "unknown organisation: $(cat "$E2E_TMP/e4")"
ok "pledge, feedback and funding at the node; its public notice as a file"

"$NODE" --dir "$N" sync >/dev/null || fail "sync"
for b in $("$HUB" --dir "$E2E_TMP/street" review list | awk '{print $1}'); do
  "$HUB" --dir "$E2E_TMP/street" review accept "$b" --operator 李主任 >/dev/null || fail "accept $b"
done
"$HUB" --dir "$E2E_TMP/street" forward >/dev/null 2>&1 || true
"$NODE" --dir "$N" sync >/dev/null || fail "sync the reviews"
[ "$(node_leader)" = 东方红霞 ] || fail "the accepted amendment does not name the new leader"

login() { # url name role jar
  printf 'people-test-password\n' | "$HUB" --dir "$5" operator add "$2" --role "$3" >/dev/null \
    || fail "operator add $2"
  curl -s -c "$4" -o /dev/null --data-urlencode "name=$2" \
    --data-urlencode password=people-test-password "$1/login" || fail "login $2"
}
login "$STREET_URL" 李主任 street "$E2E_TMP/sjar" "$E2E_TMP/street"
login "$DIST_URL" 张科长 district "$E2E_TMP/djar" "$E2E_TMP/district"

# The street: names.
curl -sf -b "$E2E_TMP/sjar" "$STREET_URL/api/v1/dashboard/org/$O1" >"$E2E_TMP/s.json" \
  || fail "street org answer"
python3 - "$E2E_TMP/s.json" <<'PY' || fail "the street's organisation answer"
import json, sys
j = json.load(open(sys.argv[1]))
names = sorted(m["name"] for m in j["roster"])
assert names == sorted(["欧阳铁柱", "司马秀兰", "上官明远", "东方红霞"]), j["roster"]
c = j["roster_counts"]
assert (c["roster"], c["members"], c["party_members"], c["leaders"], c["left"]) == (True, 3, 2, 1, 1), c
assert j["pledge"]["pledge"] == "准时守信，服务邻里", j["pledge"]
assert len(j["feedback"]) == 3 and all("from" not in f for f in j["feedback"]), j["feedback"]
assert sorted(f["amount"] for f in j["funding"]) == [120000, 500050], j["funding"]
PY
curl -sf -b "$E2E_TMP/sjar" "$STREET_URL/api/v1/dashboard/attention" >"$E2E_TMP/sa.json" || fail "street attention"
python3 - "$E2E_TMP/sa.json" "$F1" <<'PY' || fail "the street's attention list"
import json, sys
a = json.load(open(sys.argv[1]))
f = a["feedback_overdue"]
assert [x["id"] for x in f] == [sys.argv[2]] and f[0]["days"] == 30 and f[0]["type"] == "complaint", f
PY
ok "the street sees the names, the counts, the pledge, the feedback without its resident and the overdue one"

# The district: counts only, once everything arrived.
dist_org() { curl -sf -b "$E2E_TMP/djar" "$DIST_URL/api/v1/dashboard/org/$O1" >"$E2E_TMP/d.json"; }
has_funding() { dist_org && python3 -c 'import json,sys; sys.exit(0 if len(json.load(open(sys.argv[1])).get("funding", [])) == 2 else 1)' "$E2E_TMP/d.json"; }
wait_for 60 has_funding || { cat "$E2E_TMP/d.json" >&2; fail "the district never got the records"; }
python3 - "$E2E_TMP/d.json" <<'PY' || fail "the district's organisation answer"
import json, sys
j = json.load(open(sys.argv[1]))
assert "roster" not in j, j.get("roster")
assert j["filing"]["leader"] == "东方红霞", j["filing"]  # the leader's name only
c = j["roster_counts"]
assert (c["roster"], c["members"], c["party_members"], c["leaders"]) == (True, 3, 2, 1), c
assert all("from" not in f for f in j["feedback"]), j["feedback"]
PY
curl -sf -b "$E2E_TMP/djar" "$DIST_URL/api/v1/dashboard/hierarchy" | python3 -c '
import json, sys
o = json.load(sys.stdin)["organisations"][0]
sys.exit(0 if (o["members"], o["party_members"]) == (3, 2) else 1)' \
  || fail "the district does not count members from the roster"
curl -sf -b "$E2E_TMP/djar" "$DIST_URL/api/v1/dashboard/attention" >"$E2E_TMP/da.json" || fail "attention"
python3 - "$E2E_TMP/da.json" "$F1" <<'PY' || fail "the district's attention list"
import json, sys
f = json.load(open(sys.argv[1]))["feedback_overdue"]
assert [x["id"] for x in f] == [sys.argv[2]] and f[0]["street"] == "望海楼街", f
assert "from" not in f[0], f
PY
curl -sf -b "$E2E_TMP/djar" "$DIST_URL/api/v1/dashboard/funding?year=2026" >"$E2E_TMP/df.json" || fail "funding"
python3 - "$E2E_TMP/df.json" <<'PY' || fail "the district's funding sums"
import json, sys
f = json.load(open(sys.argv[1]))
assert f["year"] == 2026 and f["totals"] == {"amount": 620050, "grants": 2}, f
assert [(s["street"], s["amount"]) for s in f["streets"]] == [("望海楼街", 620050)], f["streets"]
assert [(c["community"], c["amount"]) for c in f["communities"]] == [("建昌道社区", 620050)], f
PY
curl -sf -b "$E2E_TMP/djar" "$DIST_URL/api/v1/dashboard/funding?year=2027" | python3 -c '
import json, sys; sys.exit(0 if json.load(sys.stdin)["totals"]["amount"] == 0 else 1)' || fail "funding 2027"
ok "the district counts the roster, lists the overdue feedback and sums the funding"

# The same sums at the command line, in Chinese and as the dashboard's files.
DH="$HUB --dir $E2E_TMP/district"
$DH funding --year 2026 >"$E2E_TMP/fund.txt" || fail "funding command"
grep -q "^2026年资金扶持：共2笔，合计6200.50元$" "$E2E_TMP/fund.txt" || fail "funding totals: $(cat "$E2E_TMP/fund.txt")"
grep -q "^【各街道】$" "$E2E_TMP/fund.txt" && grep -qP "^望海楼街\t6200.50\t2$" "$E2E_TMP/fund.txt" \
  || fail "funding by street: $(cat "$E2E_TMP/fund.txt")"
grep -qP "^望海楼街\t建昌道社区\t6200.50\t2$" "$E2E_TMP/fund.txt" || fail "funding by community"
grep -qP "^街道\t社区\t备案编号\t名称\t类别\t金额（元）\t笔数$" "$E2E_TMP/fund.txt" \
  && grep -qP "^望海楼街\t建昌道社区\t$O1\t建昌道社区夕阳红志愿服务队\t为老服务\t6200.50\t2$" "$E2E_TMP/fund.txt" \
  || fail "funding by organisation: $(cat "$E2E_TMP/fund.txt")"
$DH funding --year 2026 --csv "$E2E_TMP/fund.csv" | grep -q "组织名录：1行" || fail "funding --csv"
curl -sf -b "$E2E_TMP/djar" "$DIST_URL/api/v1/dashboard/funding.csv?year=2026&table=organisations" \
  | cmp -s - "$E2E_TMP/fund.csv" || fail "the command's CSV differs from the dashboard's"
$DH funding --year 2026 --table communities --xlsx "$E2E_TMP/fund.xlsx" >/dev/null || fail "funding --xlsx"
[ "$(head -c 2 "$E2E_TMP/fund.xlsx")" = PK ] || fail "the Excel file is not a workbook"
$DH funding --json --year 2026 | python3 -c 'import json,sys; sys.exit(0 if json.load(sys.stdin)["totals"]["amount"] == 620050 else 1)' \
  || fail "funding --json"
$DH funding | grep -q "^2027年资金扶持：共0笔，合计0.00元$" || fail "this year's funding: $($DH funding)"
for bad in "--year 20x6" "--year 2026 --table nope --csv $E2E_TMP/bad.csv" \
  "--year 2026 --csv $E2E_TMP/bad.csv --xlsx $E2E_TMP/bad.xlsx" "--table streets"; do
  # shellcheck disable=SC2086
  $DH funding $bad >/dev/null 2>"$E2E_TMP/err" && fail "funding $bad was taken"
  grep -qP '[\x{4e00}-\x{9fff}]' "$E2E_TMP/err" || fail "funding $bad: no Chinese reason: $(cat "$E2E_TMP/err")"
done
[ ! -e "$E2E_TMP/bad.csv" ] && [ ! -e "$E2E_TMP/bad.xlsx" ] || fail "a refused funding command wrote a file"
"$HUB" --dir "$E2E_TMP/street" funding --year 2026 >"$E2E_TMP/sfund.txt" || fail "street funding"
grep -q "各街道" "$E2E_TMP/sfund.txt" && fail "a street hub printed a table of streets"
grep -qP "^望海楼街\t建昌道社区\t6200.50\t2$" "$E2E_TMP/sfund.txt" || fail "street funding: $(cat "$E2E_TMP/sfund.txt")"
ok "linli-hub funding prints the sums in Chinese and writes the dashboard's CSV and Excel"

# Every output of a hub: each GET route (org id for a parameter, the review batches), each
# table of each dashboard answer as CSV and Excel.
cat >"$E2E_TMP/search.py" <<'PY'
import glob, io, json, os, re, sys, urllib.request, zipfile
src, url, jar, org, out = sys.argv[1:6]
names = sys.argv[6:]
# curl's jar marks HttpOnly cookies with a prefix a Netscape reader takes for a comment
cookie = "; ".join("%s=%s" % tuple(l.rstrip("\n").split("\t")[5:7]) for l in open(jar)
                   if l.count("\t") == 6 and (not l.startswith("#") or l.startswith("#HttpOnly_")))
op = urllib.request.build_opener()
op.addheaders = [("Cookie", cookie)]
routes = set()
for f in glob.glob(os.path.join(src, "hub", "*.c")):
    routes |= set(re.findall(r'\{"GET", "([^"]*)"', open(f, encoding="utf-8").read()))
paths = set()
for r in routes:
    paths.add(r.replace("{}", org))
    if r.startswith("/review/"):
        paths |= {r.replace("{}", str(i)) for i in range(1, 13)}
for n in ("hierarchy", "completeness", "activity", "attention", "funding"):
    paths.add("/api/v1/dashboard/" + n)
for y in ("2026", "2027"):
    paths |= {"/api/v1/dashboard/funding?year=" + y, "/api/v1/dashboard/inspections?year=" + y,
              "/api/v1/dashboard/plans?year=" + y, "/inspections?year=" + y, "/plans?year=" + y}
def get(p):
    try:
        with op.open(url + p, timeout=30) as r:
            return r.read()
    except urllib.error.HTTPError as e:
        codes[e.code] = codes.get(e.code, 0) + 1
        if e.code == 401:
            unauth.append(p)
        return e.read()
codes = {}
unauth = []
os.makedirs(out, exist_ok=True)
bodies = {}
for p in sorted(paths):
    bodies[p] = get(p)
    # every table of a JSON answer, as CSV and Excel
    if p.startswith("/api/v1/dashboard/"):
        try:
            j = json.loads(bodies[p])
        except ValueError:
            continue
        base, _, q = p.partition("?")
        for k, v in j.items():
            if isinstance(v, list) and v and isinstance(v[0], dict):
                for ext in ("csv", "xlsx"):
                    e = "%s.%s?table=%s%s" % (base, ext, k, "&" + q if q else "")
                    bodies[e] = get(e)
# 401 only where a node's signed request is asked for, never for the operator's pages
signed = ("/api/v1/feed", "/api/v1/log/", "/api/v1/heads", "/api/v1/files/%s/data" % org,
          "/api/v1/files/%s/upload" % org)
assert len(bodies) > 40 and all(u.startswith(signed) for u in unauth), (len(bodies), codes, unauth)
def texts(b):
    yield b
    if b[:2] == b"PK":
        z = zipfile.ZipFile(io.BytesIO(b))
        for n in z.namelist():
            yield z.read(n)
found = []
for p, b in bodies.items():
    for t in texts(b):
        for n in names:
            if n.encode() in t or json.dumps(n).strip('"').encode() in t:
                found.append((p, n))
assert not found, found
# a check that can fail: the leader's name on the filing is there
assert any("东方红霞".encode() in b for b in bodies.values())
print("searched %d answers of %s" % (len(bodies), url))
PY
# The district: no roster name and no resident.
python3 "$E2E_TMP/search.py" "$here/.." "$DIST_URL" "$E2E_TMP/djar" "$O1" "$E2E_TMP/dist-out" \
  "${NAMES[@]}" || fail "a roster name or the resident reached the district"
# The street: the roster's names, never the resident.
python3 "$E2E_TMP/search.py" "$here/.." "$STREET_URL" "$E2E_TMP/sjar" "$O1" "$E2E_TMP/street-out" \
  诸葛大妈 || fail "the resident reached the street"
grep -qF 诸葛大妈 "$E2E_TMP/STREET.err" && fail "the resident is in the street's log"
for n in "${NAMES[@]}"; do
  grep -rqF "$n" "$E2E_TMP/district" "$E2E_TMP/DIST.err" && fail "$n is in the district's files"
  grep -rqF "$n" "$E2E_TMP/street/hub.db" "$E2E_TMP/street/hub.db-wal" 2>/dev/null \
    && fail "$n is stored in the clear at the street"
done
ok "no roster name or resident in any district answer, page, CSV, Excel file, file or log; no resident at the street"

# A new PC restores the community from its street: the names come back from the boxes
# sealed to the community itself.
echo "长城长江黄河泰山" | "$NODE" --dir "$N" key export "$E2E_TMP/key.lnk" >/dev/null || fail "key export"
echo "长城长江黄河泰山" | "$NODE" --dir "$E2E_TMP/n1b" key import "$E2E_TMP/key.lnk" >/dev/null \
  || fail "key import"
"$NODE" --dir "$E2E_TMP/n1b" restore --hub "$STREET_URL" --key "$E2E_TMP/n1b/identity.key" \
  >/dev/null || fail "restore"
"$NODE" --dir "$N" roster list --org "$O1" --json >"$E2E_TMP/r1.json"
"$NODE" --dir "$E2E_TMP/n1b" roster list --org "$O1" --json >"$E2E_TMP/r2.json"
cmp -s "$E2E_TMP/r1.json" "$E2E_TMP/r2.json" || fail "the restored roster differs: $(cat "$E2E_TMP/r2.json")"
grep -q 司马秀兰 "$E2E_TMP/r2.json" || fail "the restored roster has no names"
"$NODE" --dir "$E2E_TMP/n1b" feedback list --json | grep -q 诸葛大妈 || fail "the restored feedback has no resident"
ok "a community restored from its street reads its own names again"

# The district sets the days before feedback is overdue; every level judges by it.
SH="$HUB --dir $E2E_TMP/street"
$SH feedback days 40 >/dev/null 2>"$E2E_TMP/e5" && fail "a street set the days"
grep -q 区协会 "$E2E_TMP/e5" || fail "no reason for the street: $(cat "$E2E_TMP/e5")"
for bad in 0 91 abc; do
  $DH feedback days "$bad" >/dev/null 2>"$E2E_TMP/e6" && fail "days $bad were taken"
  grep -qP '[\x{4e00}-\x{9fff}]' "$E2E_TMP/e6" || fail "days $bad: no Chinese reason: $(cat "$E2E_TMP/e6")"
done
$DH feedback days | grep -q "^群众意见收到 15 天后还没报街道的算超期（默认值）$" \
  || fail "the default days: $($DH feedback days)"
$DH feedback days 40 --operator 张科长 >/dev/null || fail "feedback days 40"
$DH feedback days | grep -q "收到 40 天后.*（区协会设定）" || fail "the days set: $($DH feedback days)"
no_overdue() { # url jar
  curl -sf -b "$2" "$1/api/v1/dashboard/attention" | python3 -c '
import json, sys; sys.exit(0 if json.load(sys.stdin)["feedback_overdue"] == [] else 1)'
}
no_overdue "$DIST_URL" "$E2E_TMP/djar" || fail "the district still lists the feedback after 40 days were set"
curl -sf -b "$E2E_TMP/djar" "$DIST_URL/api/v1/dashboard/org/$O1" | python3 -c '
import json, sys; sys.exit(0 if not any(f["overdue"] for f in json.load(sys.stdin)["feedback"]) else 1)' \
  || fail "the district's organisation answer still marks the feedback overdue"
wait_for 30 sh -c "$SH feedback days | grep -q '收到 40 天后.*（区协会设定）'" \
  || fail "the street never got the days: $($SH feedback days)"
no_overdue "$STREET_URL" "$E2E_TMP/sjar" || fail "the street still lists the feedback"
"$NODE" --dir "$N" sync >/dev/null || fail "sync the days"
"$NODE" --dir "$N" feedback list --json | python3 -c '
import json, sys
f = {x["id"]: x for x in json.load(sys.stdin)}
sys.exit(0 if not f[sys.argv[1]]["overdue"] else 1)' "$F1" || fail "the node still marks the feedback overdue"
"$NODE" --dir "$N" inbox --json --keep-unread | python3 -c '
import json, sys
said = [i["reason"] for i in json.load(sys.stdin) if i["kind"] == "feedback.due"]
sys.exit(0 if said == ["群众意见收到 40 天后还没报街道的算超期"] else 1)' \
  || fail "the inbox does not say the days: $("$NODE" --dir "$N" inbox --json --keep-unread)"
ok "the district sets the days before feedback is overdue; the street and the node follow"
dist_org || fail "the district's organisation answer" # what the rebuild must give again

# Rebuild at the district: the same answers.
cp "$E2E_TMP/d.json" "$E2E_TMP/d.before"
curl -sf -b "$E2E_TMP/djar" "$DIST_URL/api/v1/dashboard/hierarchy" >"$E2E_TMP/h.before"
stop_server "$DIST_PID"
"$HUB" --dir "$E2E_TMP/district" rebuild >/dev/null || fail "district rebuild"
start_server DIST2 "$HUB" --dir "$E2E_TMP/district" serve --listen 127.0.0.1:0
curl -s -c "$E2E_TMP/djar" -o /dev/null --data-urlencode name=张科长 \
  --data-urlencode password=people-test-password "$DIST2_URL/login" || fail "login again"
curl -sf -b "$E2E_TMP/djar" "$DIST2_URL/api/v1/dashboard/org/$O1" >"$E2E_TMP/d.json"
curl -sf -b "$E2E_TMP/djar" "$DIST2_URL/api/v1/dashboard/hierarchy" >"$E2E_TMP/h.after"
cmp -s "$E2E_TMP/d.before" "$E2E_TMP/d.json" || fail "rebuild changed the organisation answer"
cmp -s "$E2E_TMP/h.before" "$E2E_TMP/h.after" || fail "rebuild changed the hierarchy"
ok "rebuild gives the same answers"
# The servers stop cleanly; under sanitizers that also means nothing was reported.
stop_server "$STREET_PID"
stop_server "$DIST2_PID"
! grep -lE "Sanitizer|runtime error" "$E2E_TMP"/*.err || fail "a sanitizer report: $(cat "$E2E_TMP"/*.err | grep -E 'Sanitizer|runtime error' | head -3)"
ok "the servers stopped cleanly"
echo "1..10"
