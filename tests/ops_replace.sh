#!/usr/bin/env bash
# A replacement key for a lost or stolen PC, with real processes: node A files an
# organisation and a report and syncs; the PC is lost; the street enrols B's new key
# for the same community code with --replaces (A is revoked from its last entry on);
# B, whose own log starts at 1, gets A's records from the street, amends A's
# organisation and reports on it; the street accepts, the district gets it by
# forward; A (the stolen PC) pushes again and is refused; rebuild at street and
# district gives the same figures.  Bad input to enroll --replaces changes nothing.
here=$(cd "$(dirname "$0")" && pwd)
source "$here/e2e/lib.sh"

district_and_street
start_server STREET "$HUB" --dir "$S" serve --listen 127.0.0.1:0
CODE=120105001001
new_node() { # DIR: a community node for CODE; prints its key
  "$NODE" --dir "$1" init --community 建昌道社区 --street 望海楼街 --hub "$STREET_URL" \
    --code "$CODE" --hub-key "$SKEY" | last_line
}
A="$E2E_TMP/a" B="$E2E_TMP/b"
AKEY=$(new_node "$A")
"$HUB" --dir "$S" enroll --name 建昌道社区 --key "$AKEY" --code "$CODE" >/dev/null
ORG=$("$NODE" --dir "$A" org file --name 建昌道社区读书会 --category 文体 --leader 张 \
  --phone 13800000000 --members 10 --party-members 1 --filed 2025-01-01 2>/dev/null | last_line)
"$NODE" --dir "$A" report monthly --org "$ORG" --month 2025-02 --activities 2 --participants 20 \
  --party-participants 1 --content 读书 >/dev/null
"$NODE" --dir "$A" sync >/dev/null 2>&1 || true # the batch waits for review
accept_all() {
  local b
  for b in $("$HUB" --dir "$S" review list | awk -v c="$CODE" '$3 == c { print $1 }'); do
    "$HUB" --dir "$S" review accept "$b" >/dev/null || fail "accept $b"
  done
}
accept_all
"$NODE" --dir "$A" sync >/dev/null || fail "A's sync after the review"

summary() { # URL: this community's figures, one line
  curl -sf "$1/api/v1/summary" | python3 -c '
import json, sys
s = json.load(sys.stdin)
c = [c for st in s["streets"] for c in st["communities"] if c["code"] == sys.argv[1]]
print(len(c), " ".join("%s=%s" % (k, v) for st in ("accepted", "pending") for k, v in sorted(c[0][st].items())))' "$CODE"
}
heads() { # HUBDIR KEY: "head revoked" of that key
  "$HUB" --dir "$1" status --json | python3 -c '
import json, sys
a = [a for a in json.load(sys.stdin)["authors"] if a["key"] == sys.argv[1]]
print("%d %d" % (a[0]["head_seq"], a[0]["revoked"] != 0) if a else "none")' "$2"
}
[ "$(heads "$S" "$AKEY")" = "2 0" ] || fail "street before the loss: $(heads "$S" "$AKEY")"
# A criticism the lost PC never fetched: it must reach the new one.
deadline=$(python3 -c 'import datetime; print((datetime.date.today()+datetime.timedelta(days=30)).isoformat())')
"$HUB" --dir "$S" decide criticize --org "$ORG" --deadline "$deadline" --reason 活动偏少 \
  >"$E2E_TMP/crit.out" || fail "criticize"
REC=$(awk '{print $NF}' "$E2E_TMP/crit.out")
ok "node A filed an organisation and a report; the street accepted them and criticised it"

# ---- the PC is lost; the new PC gets a new key; the street enrols it as A's replacement
BKEY=$(new_node "$B")
before=$(heads "$S" "$SKEY")
"$HUB" --dir "$S" enroll --name 建昌道社区 --key "$BKEY" --code 120105001002 --replaces "$AKEY" \
  2>"$E2E_TMP/e1" && fail "a replacement for another code"
grep -q 社区代码 "$E2E_TMP/e1" || fail "no reason for the other code: $(cat "$E2E_TMP/e1")"
"$HUB" --dir "$S" enroll --name 建昌道社区 --key "$BKEY" --code "$CODE" --replaces "$BKEY" \
  2>/dev/null && fail "a key replacing itself"
"$HUB" --dir "$S" enroll --name 建昌道社区 --key "$BKEY" --code "$CODE" --replaces "$DKEY" \
  2>"$E2E_TMP/e2" && fail "a replacement for a key this street did not enrol"
grep -q 不是本级登记的社区 "$E2E_TMP/e2" || fail "no reason for the unknown key: $(cat "$E2E_TMP/e2")"
"$HUB" --dir "$S" enroll --name 建昌道社区 --key "$BKEY" --replaces "$AKEY" 2>/dev/null \
  && fail "--replaces without --code"
"$HUB" --dir "$S" enroll --name 建昌道社区 --key "$BKEY" --code "$CODE" --replaces zz 2>/dev/null \
  && fail "--replaces with a bad key"
[ "$(heads "$S" "$AKEY")" = "2 0" ] && [ "$(heads "$S" "$BKEY")" = none ] \
  && [ "$(heads "$S" "$SKEY")" = "$before" ] || fail "refused replacements changed the street"
ok "bad replacements are refused with a reason and change nothing"

"$HUB" --dir "$S" enroll --name 建昌道社区 --key "$BKEY" --code "$CODE" --replaces "$AKEY" \
  >"$E2E_TMP/enroll.out" || fail "enroll --replaces"
grep -q 接替原密钥 "$E2E_TMP/enroll.out" && grep -q 原密钥已吊销 "$E2E_TMP/enroll.out" \
  || fail "enroll --replaces does not say what it did: $(cat "$E2E_TMP/enroll.out")"
[ "$(heads "$S" "$AKEY")" = "2 1" ] || fail "A not revoked: $(heads "$S" "$AKEY")"
"$HUB" --dir "$S" status >"$E2E_TMP/s.status" || fail "street status"
grep -q "已吊销 已由新密钥接替" "$E2E_TMP/s.status" && grep -q 接替原密钥 "$E2E_TMP/s.status" \
  || fail "the street's status does not show the replacement: $(cat "$E2E_TMP/s.status")"
"$HUB" --dir "$S" status --json | python3 -c '
import json, sys
a = {a["key"]: a for a in json.load(sys.stdin)["authors"]}
assert a[sys.argv[2]]["replaces"] == sys.argv[1] and a[sys.argv[1]]["replaced_by"] == sys.argv[2], a' \
  "$AKEY" "$BKEY" || fail "status --json does not name the replacement"
C="$E2E_TMP/c"
CKEY=$(new_node "$C")
"$HUB" --dir "$S" enroll --name 建昌道社区 --key "$CKEY" --code "$CODE" --replaces "$AKEY" \
  2>"$E2E_TMP/e3" && fail "A replaced twice"
grep -q 已由另一个新密钥接替 "$E2E_TMP/e3" || fail "no reason for a second replacement: $(cat "$E2E_TMP/e3")"
ok "the street enrolled B to replace A, revoking A; A cannot be replaced twice"

# ---- B gets the community's records, its own log empty
"$NODE" --dir "$B" sync >/dev/null 2>"$E2E_TMP/b.sync" || fail "B's first sync: $(cat "$E2E_TMP/b.sync")"
grep -q 取回原电脑 "$E2E_TMP/b.sync" || fail "B does not say it fetched A's records: $(cat "$E2E_TMP/b.sync")"
"$NODE" --dir "$B" org list >"$E2E_TMP/b.orgs" || fail "B org list"
grep -q 建昌道社区读书会 "$E2E_TMP/b.orgs" || fail "B does not show A's organisation: $(cat "$E2E_TMP/b.orgs")"
"$NODE" --dir "$B" org list --json | python3 -c '
import json, sys
o = [o for o in json.load(sys.stdin) if o["id"] == sys.argv[1]]
assert len(o) == 1 and o[0]["review"] == "accepted" and o[0]["record"].startswith(sys.argv[2]), o' \
  "$ORG" "$AKEY" || fail "B does not show A's filing as accepted"
"$NODE" --dir "$B" report list --json | python3 -c '
import json, sys
r = json.load(sys.stdin)
assert [(x["month"], x["participants"], x["review"]) for x in r] == [("2025-02", 20, "accepted")], r' \
  || fail "B does not show A's report as accepted"
bw() { "$NODE" --dir "$B" status --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["written"])'; }
[ "$(bw)" = 0 ] || fail "B's own log is not empty: $(bw)"
"$NODE" --dir "$B" status >"$E2E_TMP/b.status" || fail "B status"
grep -q "接替的原电脑（密钥指纹）：" "$E2E_TMP/b.status" && grep -q "从街道取回的原电脑记录：2" "$E2E_TMP/b.status" \
  || fail "B's status does not say which PC it replaced: $(cat "$E2E_TMP/b.status")"
"$NODE" --dir "$A" status | grep -q 接替 && fail "A's status speaks of a replacement"
start_server NWEB "$NODE" --dir "$B" serve --listen 127.0.0.1:0
curl -sf "$NWEB_URL/" >"$E2E_TMP/home.html" || fail "B's home page"
grep -q 接替原电脑 "$E2E_TMP/home.html" && grep -q 'id="inherited">2<' "$E2E_TMP/home.html" \
  || fail "B's home page does not say it replaced the lost PC"
curl -sf "$NWEB_URL/orgs" | grep -q 建昌道社区读书会 || fail "B's organisations page lacks A's organisation"
stop_server "$NWEB_PID"
"$NODE" --dir "$B" inbox --json --keep-unread | grep -q 活动偏少 \
  || fail "the criticism addressed to A did not reach B"
ok "B got A's organisation, its accepted report and the criticism A never fetched; B's own log is empty"

# ---- B continues: amends A's organisation, reports on it
"$NODE" --dir "$B" org amend "$ORG" --members 12 >/dev/null || fail "B amends A's organisation"
"$NODE" --dir "$B" report monthly --org "$ORG" --month 2025-03 --activities 3 --participants 30 \
  --party-participants 2 --content 新电脑 >/dev/null || fail "B reports on A's organisation"
# ... and corrects the month the lost PC reported (2025-02: 2 activities, 20 participants)
"$NODE" --dir "$B" report monthly --org "$ORG" --month 2025-02 --activities 4 --participants 25 \
  --party-participants 1 --content 补报更正 >/dev/null || fail "B corrects A's month"
"$NODE" --dir "$B" rectification file --org "$ORG" --decision "$REC" --content 每月增加活动 \
  >/dev/null || fail "B rectifies the criticism addressed to A"
"$NODE" --dir "$B" sync >/dev/null 2>&1 || true
accept_all
"$NODE" --dir "$B" sync >/dev/null || fail "B's sync after the review"
[ "$(heads "$S" "$BKEY")" = "4 0" ] || fail "street holds of B: $(heads "$S" "$BKEY")"
"$HUB" --dir "$S" decide list --json | python3 -c '
import json, sys
d = [d for d in json.load(sys.stdin) if d["record"] == sys.argv[1]][0]
sys.exit(0 if d["closed"] else 1)' "$REC" || fail "B's rectification did not close the criticism"
summary "$STREET_URL" >"$E2E_TMP/s.sum"
read -r n figures <"$E2E_TMP/s.sum"
[ "$n" = 1 ] || fail "the street lists the community $n times: $(cat "$E2E_TMP/s.sum")"
case "$figures" in
  *"activities=7 organisations=1 participants=55 party_participants=3 reports=2"*) ;;
  *) fail "street figures: $figures" ;;
esac
"$NODE" --dir "$B" org list --json | python3 -c '
import json, sys
o = [o for o in json.load(sys.stdin) if o["id"] == sys.argv[1]][0]
assert o["members"] == 12, o' "$ORG" || fail "B does not show its amendment"
ok "B amended A's organisation, reported on it and closed its criticism; the street accepted them and counts the community once"

"$HUB" --dir "$S" forward >/dev/null || fail "forward"
"$HUB" --dir "$S" forward >/dev/null || fail "forward 2"
[ "$(heads "$D" "$BKEY")" = "4 0" ] && [ "$(heads "$D" "$AKEY")" = "2 1" ] \
  || fail "district: A $(heads "$D" "$AKEY"), B $(heads "$D" "$BKEY")"
summary "$DIST_URL" >"$E2E_TMP/d.sum"
diff "$E2E_TMP/s.sum" "$E2E_TMP/d.sum" >&2 || fail "the district's figures differ from the street's"
printf 'replace-test-pw\n' | "$HUB" --dir "$D" operator add 张科长 --role district >/dev/null \
  || fail "operator add"
curl -sf -c "$E2E_TMP/djar" -o /dev/null --data-urlencode name=张科长 \
  --data-urlencode password=replace-test-pw "$DIST_URL/login" || fail "login"
dash() { # NAME OUT: the district's dashboard answer NAME
  curl -sf -b "$E2E_TMP/djar" "$DIST_URL/api/v1/dashboard/$1" >"$2" || fail "dashboard $1"
}
dash hierarchy "$E2E_TMP/h.json"
dash "activity?from=2025-01&to=2025-12" "$E2E_TMP/act.json"
python3 - "$E2E_TMP/h.json" "$CODE" <<'PY' || fail "district dashboard: $(cat "$E2E_TMP/h.json")"
import json, sys
h = json.load(open(sys.argv[1]))
c = [c for c in h["communities"] if c["code"] == sys.argv[2]]
assert len(c) == 1 and c[0]["organisations"] == 1 and c[0]["members"] == 12, c
o = [o for o in h["organisations"]]
assert len(o) == 1 and o[0]["community"] == "建昌道社区", o
PY
python3 -c '
import json, sys
t = json.load(open(sys.argv[1]))["totals"]
assert (t["reports"], t["activities"], t["participants"]) == (2, 7, 55), t' "$E2E_TMP/act.json" \
  || fail "district activity figures: $(cat "$E2E_TMP/act.json")"
ok "the district got B's entries by forward, A revoked there too, the same figures; its dashboard shows the community once"

# ---- the stolen PC pushes again
"$NODE" --dir "$A" report monthly --org "$ORG" --month 2025-04 --activities 9 --participants 99 \
  --party-participants 0 --content 被盗后 >/dev/null
"$NODE" --dir "$A" sync >/dev/null 2>"$E2E_TMP/a.err" && fail "the stolen PC pushed"
grep -q 吊销 "$E2E_TMP/a.err" && grep -q 新电脑 "$E2E_TMP/a.err" \
  || fail "the stolen PC is not told why: $(cat "$E2E_TMP/a.err")"
[ "$(heads "$S" "$AKEY")" = "2 1" ] || fail "the street took the stolen PC's entry"
summary "$STREET_URL" | diff "$E2E_TMP/s.sum" - >&2 || fail "the stolen PC's entry changed the figures"
ok "the stolen PC's new entry is refused and changes nothing"

# ---- rebuild gives the same figures
stop_server "$STREET_PID"
stop_server "$DIST_PID"
"$HUB" --dir "$S" rebuild >/dev/null || fail "street rebuild"
"$HUB" --dir "$D" rebuild >/dev/null || fail "district rebuild"
start_server DIST "$HUB" --dir "$D" serve --listen 127.0.0.1:0
start_server STREET "$HUB" --dir "$S" serve --listen 127.0.0.1:0
summary "$STREET_URL" | diff "$E2E_TMP/s.sum" - >&2 || fail "street figures after rebuild"
summary "$DIST_URL" | diff "$E2E_TMP/s.sum" - >&2 || fail "district figures after rebuild"
curl -sf -c "$E2E_TMP/djar" -o /dev/null --data-urlencode name=张科长 \
  --data-urlencode password=replace-test-pw "$DIST_URL/login" || fail "login after rebuild"
dash hierarchy "$E2E_TMP/h2.json"
dash "activity?from=2025-01&to=2025-12" "$E2E_TMP/act2.json"
cmp -s "$E2E_TMP/h.json" "$E2E_TMP/h2.json" && cmp -s "$E2E_TMP/act.json" "$E2E_TMP/act2.json" \
  || fail "the district's dashboard changed with rebuild"
"$NODE" --dir "$B" rebuild >/dev/null || fail "B rebuild"
"$NODE" --dir "$B" report list --json | python3 -c '
import json, sys
r = json.load(sys.stdin)
assert [(x["month"], x["participants"]) for x in r] == [("2025-02", 25), ("2025-03", 30)], r' \
  || fail "B's reports after rebuild: $("$NODE" --dir "$B" report list --json)"
ok "rebuild at street, district and B gives the same figures"
