#!/usr/bin/env bash
# A replacement key approved on the street's enrolment page, then a second
# replacement (A -> B -> C), with real processes: the new PC asks to be
# enrolled by syncing; the operator picks, on /enrol, the lost PC it replaces
# and confirms that the old key is revoked from then on (a wrong choice is
# refused in words and changes nothing); B fetches A's records; C, enrolled to
# replace B, fetches and shows both A's and B's.
here=$(cd "$(dirname "$0")" && pwd)
source "$here/e2e/lib.sh"

district_and_street
printf 'chain-test-pw1\n' | "$HUB" --dir "$S" operator add 李干事 --role street >/dev/null \
  || fail "operator add"
start_server STREET "$HUB" --dir "$S" serve --listen 127.0.0.1:0
CODE=120105001001
new_node() { # DIR: a community node for CODE; prints its key
  "$NODE" --dir "$1" init --community 建昌道社区 --street 望海楼街 --hub "$STREET_URL" \
    --code "$CODE" --hub-key "$SKEY" | last_line
}
accept_all() {
  local b
  for b in $("$HUB" --dir "$S" review list | awk -v c="$CODE" '$3 == c { print $1 }'); do
    "$HUB" --dir "$S" review accept "$b" >/dev/null || fail "accept $b"
  done
}
heads() { # KEY: "head revoked" of that key at the street
  "$HUB" --dir "$S" status --json | python3 -c '
import json, sys
a = [a for a in json.load(sys.stdin)["authors"] if a["key"] == sys.argv[1]]
print("%d %d" % (a[0]["head_seq"], a[0]["revoked"] != 0) if a else "none")' "$1"
}
fpr() { # KEY: its fingerprint as the street shows it
  "$HUB" --dir "$S" status --json | python3 -c '
import json, sys
s = json.load(sys.stdin)
print([a["fingerprint"] for a in s["authors"] + s["requests"] if a["key"] == sys.argv[1]][0])' "$1"
}
request_id() { # KEY: the pending enrolment request of that key
  "$HUB" --dir "$S" enroll-requests --json | python3 -c '
import json, sys
print([r["id"] for r in json.load(sys.stdin) if r["key"] == sys.argv[1]][0])' "$1"
}

A="$E2E_TMP/a" B="$E2E_TMP/b" C="$E2E_TMP/c"
AKEY=$(new_node "$A")
"$HUB" --dir "$S" enroll --name 建昌道社区 --key "$AKEY" --code "$CODE" >/dev/null
ORG=$("$NODE" --dir "$A" org file --name 建昌道社区读书会 --category 文体 --leader 张 \
  --phone 13800000000 --members 10 --party-members 1 --filed 2025-01-01 2>/dev/null | last_line)
"$NODE" --dir "$A" report monthly --org "$ORG" --month 2025-02 --activities 2 --participants 20 \
  --party-participants 1 --content 读书 >/dev/null
# ... and what the community keeps beside them: a station, the year's
# self-inspection, its own plan, a roster of two
"$NODE" --dir "$A" station register --org "$ORG" --name 读书会党员活动站 --leader 张 \
  --party-members 3 --committee 建昌道社区党委 >/dev/null || fail "A registers a station"
"$NODE" --dir "$A" inspection file --org "$ORG" --year 2025 --activities 2 --members 10 \
  --funds-received 0 --funds-used 0 --opinion agree \
  --party-members 1 >/dev/null || fail "A files a self-inspection"
"$NODE" --dir "$A" plan file --community --year 2026 --goals 邻里互助 --activities 读书会 \
  >/dev/null || fail "A files the community's plan"
"$NODE" --dir "$A" roster add --org "$ORG" --name 王一 --party-member yes >/dev/null \
  && "$NODE" --dir "$A" roster add --org "$ORG" --name 王二 >/dev/null || fail "A's roster"
"$NODE" --dir "$A" sync >/dev/null 2>&1 || true
accept_all
"$NODE" --dir "$A" sync >/dev/null || fail "A's sync after the review"
AHEAD=$(heads "$AKEY" | cut -d' ' -f1)
ok "node A filed an organisation, a report, a station, a self-inspection, a plan and a roster, accepted at the street"

# ---- the PC is lost; the new one asks to be enrolled by syncing
BKEY=$(new_node "$B")
"$NODE" --dir "$B" sync >/dev/null 2>&1 || true
BREQ=$(request_id "$BKEY") || fail "B's enrolment request is not at the street"
AFP=$(fpr "$AKEY")
jar="$E2E_TMP/jar"
curl -sf -c "$jar" -o /dev/null --data-urlencode name=李干事 \
  --data-urlencode password=chain-test-pw1 "$STREET_URL/login" || fail "login"
curl -sf -b "$jar" "$STREET_URL/enrol" >"$E2E_TMP/enrol.html" || fail "the enrolment page"
CSRF=$(sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' "$E2E_TMP/enrol.html" | head -n 1)
[ -n "$CSRF" ] || fail "no CSRF token on the enrolment page"
grep -q '<select name="replaces">' "$E2E_TMP/enrol.html" && grep -q "value=\"$AFP\"" "$E2E_TMP/enrol.html" \
  && grep -q 新社区（不接替） "$E2E_TMP/enrol.html" \
  || fail "the enrolment page does not offer to replace A: $(cat "$E2E_TMP/enrol.html")"
grep -q "$AKEY" "$E2E_TMP/enrol.html" && fail "a key on the enrolment page"
before=$(heads "$SKEY")
post() { # OUT FIELDS...: POST /enrol/BREQ as the operator; prints the status
  local out=$1; shift
  local args=() f
  for f in "$@"; do args+=(--data-urlencode "$f"); done
  curl -s -b "$jar" -o "$out" -w '%{http_code}' "${args[@]}" "$STREET_URL/enrol/$BREQ"
}
[ "$(post "$E2E_TMP/p1" "csrf=$CSRF" "replaces=1234 5678 9012 3456 7890" confirm=1)" = 404 ] \
  || fail "a replacement of an unknown PC was not refused"
grep -q 没有可由新电脑接替的这台电脑 "$E2E_TMP/p1" || fail "no reason for the unknown PC: $(cat "$E2E_TMP/p1")"
[ "$(post "$E2E_TMP/p2" "replaces=$AFP" confirm=1)" = 403 ] || fail "a replacement without the CSRF token"
[ "$(post "$E2E_TMP/p3" "csrf=$CSRF" "replaces=$AFP")" = 200 ] || fail "no confirmation page"
grep -q 确认接替原电脑 "$E2E_TMP/p3" && grep -q 原电脑的密钥从此吊销 "$E2E_TMP/p3" \
  && grep -q "$AFP" "$E2E_TMP/p3" || fail "the confirmation does not say what happens: $(cat "$E2E_TMP/p3")"
[ "$(heads "$AKEY")" = "$AHEAD 0" ] && [ "$(heads "$BKEY")" = none ] && [ "$(heads "$SKEY")" = "$before" ] \
  || fail "refused or unconfirmed replacements changed the street"
ok "the enrolment page offers to replace A, refuses a wrong choice in words and asks to confirm; nothing changed"

[ "$(post "$E2E_TMP/p4" "csrf=$CSRF" "replaces=$AFP" confirm=1)" = 303 ] \
  || fail "the confirmed replacement: $(cat "$E2E_TMP/p4")"
[ "$(heads "$AKEY")" = "$AHEAD 1" ] || fail "A not revoked: $(heads "$AKEY")"
"$HUB" --dir "$S" status --json | python3 -c '
import json, sys
a = {a["key"]: a for a in json.load(sys.stdin)["authors"]}
assert a[sys.argv[2]]["replaces"] == sys.argv[1] and a[sys.argv[1]]["replaced_by"] == sys.argv[2], a' \
  "$AKEY" "$BKEY" || fail "the page's replacement is not the CLI's"
"$HUB" --dir "$S" operator audit --json | python3 -c '
import json, sys
assert any(r["action"] == "enrol.replace" and r["operator"] == "李干事" for r in json.load(sys.stdin))' \
  || fail "the replacement is not in the audit trail"
curl -sf -b "$jar" "$STREET_URL/enrol?msg=msg.replaced" | grep -q 原电脑的密钥已吊销 \
  || fail "no message after the replacement"
"$NODE" --dir "$B" sync >/dev/null 2>"$E2E_TMP/b.sync" || fail "B's sync: $(cat "$E2E_TMP/b.sync")"
"$NODE" --dir "$B" org list | grep -q 建昌道社区读书会 || fail "B does not show A's organisation"
ok "confirmed on the page: B replaces A, A revoked, audited; B has A's records"

# ---- B reports, then is lost in turn: C replaces B (the CLI this time)
"$NODE" --dir "$B" report monthly --org "$ORG" --month 2025-03 --activities 3 --participants 30 \
  --party-participants 2 --content 第二台电脑 >/dev/null || fail "B reports"
"$NODE" --dir "$B" sync >/dev/null 2>&1 || true
accept_all
"$NODE" --dir "$B" sync >/dev/null || fail "B's sync after the review"
CKEY=$(new_node "$C")
"$NODE" --dir "$C" sync >/dev/null 2>&1 || true
CREQ=$(request_id "$CKEY") || fail "C's enrolment request is not at the street"
"$HUB" --dir "$S" enroll-approve "$CREQ" --replaces "$AKEY" 2>"$E2E_TMP/e4" && fail "C approved to replace A, replaced already"
grep -q 已由另一个新密钥接替 "$E2E_TMP/e4" || fail "no reason for A replaced twice: $(cat "$E2E_TMP/e4")"
"$HUB" --dir "$S" enroll-approve "$CREQ" --replaces zz 2>/dev/null && fail "--replaces with a bad key"
[ "$(heads "$CKEY")" = none ] && [ "$(heads "$BKEY" | cut -d' ' -f2)" = 0 ] || fail "refused approvals changed the street"
"$HUB" --dir "$S" enroll-approve "$CREQ" --replaces "$BKEY" >"$E2E_TMP/approve.out" || fail "C replaces B"
grep -q 接替原密钥 "$E2E_TMP/approve.out" && grep -q 原密钥已吊销 "$E2E_TMP/approve.out" \
  || fail "enroll-approve --replaces does not say what it did: $(cat "$E2E_TMP/approve.out")"
"$NODE" --dir "$C" sync >/dev/null 2>"$E2E_TMP/c.sync" || fail "C's sync: $(cat "$E2E_TMP/c.sync")"
"$NODE" --dir "$C" report list --json | python3 -c '
import json, sys
r = json.load(sys.stdin)
assert [(x["month"], x["participants"], x["review"]) for x in r] == \
  [("2025-02", 20, "accepted"), ("2025-03", 30, "accepted")], r' \
  || fail "C does not show A's and B's reports: $("$NODE" --dir "$C" report list --json)"
"$NODE" --dir "$C" org list --json | python3 -c '
import json, sys
o = [o for o in json.load(sys.stdin) if o["id"] == sys.argv[1]]
assert len(o) == 1 and o[0]["review"] == "accepted", o' "$ORG" || fail "C does not show A's filing"
"$NODE" --dir "$C" status >"$E2E_TMP/c.status"
BHEAD=$(heads "$BKEY" | cut -d' ' -f1)
grep -q "从街道取回的原电脑记录：$((AHEAD + BHEAD))" "$E2E_TMP/c.status" || fail "C's status: $(cat "$E2E_TMP/c.status")"
"$NODE" --dir "$C" rebuild >/dev/null || fail "C rebuild"
"$NODE" --dir "$C" report list --json | python3 -c '
import json, sys
r = json.load(sys.stdin)
assert [(x["month"], x["participants"]) for x in r] == [("2025-02", 20), ("2025-03", 30)], r' \
  || fail "C's reports after rebuild"
ok "C, approved on the command line to replace B which replaced A, fetched and shows both A's and B's records"

# ---- what A kept beside its filings is the community's on C and at the street
"$NODE" --dir "$C" station list --json >"$E2E_TMP/c.st" && "$NODE" --dir "$C" inspection list --json >"$E2E_TMP/c.in" \
  && "$NODE" --dir "$C" plan list --json >"$E2E_TMP/c.pl" && "$NODE" --dir "$C" roster list --org "$ORG" --json >"$E2E_TMP/c.ro" \
  || fail "C's lists"
python3 - "$E2E_TMP" <<'PY' || fail "C does not show what A kept"
import json, sys
d = sys.argv[1]
st = json.load(open(d + "/c.st"))
st = st if isinstance(st, list) else st.get("stations", st)
assert any("读书会党员活动站" in json.dumps(x, ensure_ascii=False) for x in st), st
ins = json.load(open(d + "/c.in"))["reports"]
assert [r["year"] for r in ins] == [2025], ins
pl = json.load(open(d + "/c.pl"))
assert [p["year"] for p in pl["community_plans"]] == [2026], pl
ro = json.load(open(d + "/c.ro"))
ro = ro if isinstance(ro, list) else ro.get("members", ro)
# the names travel sealed to the street and stay on the PC that typed them
assert sorted((m["member"], m["party_member"], m["current"]) for m in ro) == [(1, True, True), (2, False, True)], ro
PY
curl -sf -b "$jar" "$STREET_URL/api/v1/dashboard/plans?year=2026" >"$E2E_TMP/s.plans" || fail "the street's plans"
python3 - "$E2E_TMP/s.plans" "$CODE" "$AKEY" <<'PY' || fail "the street's plans: $(cat "$E2E_TMP/s.plans")"
import json, sys
p = json.load(open(sys.argv[1]))
u = [u for u in p["units"] if u.get("code") == sys.argv[2]]
assert len(u) == 1 and u[0]["plan_record"].startswith(sys.argv[3] + "/"), u
assert p["unit_totals"]["community"] == {"expected": 1, "plans": 1, "summaries": 0}, p["unit_totals"]
PY
# C adds a member to the roster A began: the organisation's count at the street is the community's
"$NODE" --dir "$C" roster add --org "$ORG" --name 王三 >/dev/null || fail "C's roster entry"
"$NODE" --dir "$C" sync >/dev/null 2>&1 || true
accept_all
"$NODE" --dir "$C" sync >/dev/null || fail "C's sync after the roster"
curl -sf -b "$jar" "$STREET_URL/api/v1/dashboard/hierarchy" | python3 -c '
import json, sys
h = json.load(sys.stdin)
c = [c for c in h["communities"] if c["code"] == sys.argv[1]]
assert len(c) == 1 and c[0]["members"] == 3, c' "$CODE" || fail "the street does not count the roster A began and C continued"
ok "A's station, self-inspection, plan and roster are the community's on C and at the street; C continues A's roster"

# ---- an evaluation: C nominates the organisation A filed; the street sees its whole year
"$HUB" --dir "$S" inspection result "$ORG" --year 2025 --result pass --reason 账目清楚 >/dev/null \
  || fail "inspection result"
"$HUB" --dir "$S" forward >/dev/null 2>&1 || true
"$HUB" --dir "$D" evaluation open --year 2025 --title 2025年度评比 --closes 2027-01-31 \
  >"$E2E_TMP/open.out" || fail "evaluation open: $(cat "$E2E_TMP/open.out")"
ROUND=$(last_line <"$E2E_TMP/open.out")
"$HUB" --dir "$S" forward >/dev/null 2>&1 || true
"$NODE" --dir "$C" sync >/dev/null 2>&1 || true
NOM=$("$NODE" --dir "$C" nominate --round "$ROUND" --org "$ORG" --deeds 全年读书活动 | last_line) \
  || fail "C nominates the organisation A filed"
"$NODE" --dir "$C" sync >/dev/null 2>&1 || true
accept_all
"$HUB" --dir "$S" evaluation list --round "$ROUND" --json >"$E2E_TMP/ev.json" || fail "evaluation list"
python3 - "$E2E_TMP/ev.json" "$NOM" <<'PY' || fail "the street's evaluation list: $(cat "$E2E_TMP/ev.json")"
import json, sys
n = [x for x in json.load(open(sys.argv[1])) if x["record"] == sys.argv[2]]
assert len(n) == 1, n
n = n[0]
assert n["name"] == "建昌道社区读书会" and n["community"] == "建昌道社区", n
assert n["reports"] == 2 and n["activities"] == 5 and n["inspection"] == "pass", n
PY
curl -sf -b "$jar" "$STREET_URL/api/v1/dashboard/inspections?year=2025" >"$E2E_TMP/insp.json" \
  || fail "the street's inspections"
python3 - "$E2E_TMP/insp.json" "$ORG" <<'PY' || fail "the street's inspections: $(cat "$E2E_TMP/insp.json")"
import json, sys
p = json.load(open(sys.argv[1]))
o = [o for o in p["organisations"] if o["org"] == sys.argv[2]]
assert len(o) == 1 and o[0]["self_reported"] and o[0]["opinion"] == "agree" and o[0]["result"] == "pass", o
PY
ok "C's nomination of the organisation A filed shows its whole year at the street: A's and B's reports, the inspection result; the annual inspection shows it once"

# ---- the organisation's one status follows a review of the newest key's amendment
orgstatus() { # the street's summary of the community: "accepted-organisations rejected-or-pending..."
  curl -sf "$STREET_URL/api/v1/summary" | python3 -c '
import json, sys
s = json.load(sys.stdin)
c = [c for st in s["streets"] for c in st["communities"] if c["code"] == sys.argv[1]]
print(len(c), c[0]["accepted"].get("organisations"), json.dumps(c[0], ensure_ascii=False, sort_keys=True))' "$CODE"
}
orgstatus >"$E2E_TMP/st0"
read -r n accepted _ <"$E2E_TMP/st0"
[ "$n $accepted" = "1 1" ] || fail "the street's summary before C's amendment: $(cat "$E2E_TMP/st0")"
"$NODE" --dir "$C" org amend "$ORG" --members 15 >/dev/null || fail "C amends A's organisation"
"$NODE" --dir "$C" sync >/dev/null 2>&1 || true
for b in $("$HUB" --dir "$S" review list | awk -v c="$CODE" '$3 == c { print $1 }'); do
  "$HUB" --dir "$S" review reject "$b" --reason 人数不符 >/dev/null || fail "reject $b"
done
"$NODE" --dir "$C" sync >/dev/null || fail "C's sync after the review"
orgstatus >"$E2E_TMP/st1"
read -r n accepted _ <"$E2E_TMP/st1"
[ "$n $accepted" = "1 0" ] || fail "the organisation A filed is still accepted after C's amendment was rejected: $(cat "$E2E_TMP/st1")"
"$NODE" --dir "$C" org list --json | python3 -c '
import json, sys
o = [o for o in json.load(sys.stdin) if o["id"] == sys.argv[1]][0]
assert o["review"] == "rejected" and o["members"] == 3, o' "$ORG" || fail "C does not show the rejection"
"$HUB" --dir "$S" forward >/dev/null && "$HUB" --dir "$S" forward >/dev/null || fail "forward"
curl -sf "$DIST_URL/api/v1/summary" | python3 -c '
import json, sys
s = json.load(sys.stdin)
c = [c for st in s["streets"] for c in st["communities"] if c["code"] == sys.argv[1]]
assert len(c) == 1 and not c[0]["accepted"].get("organisations"), c' "$CODE" \
  || fail "the district still counts the rejected organisation"
ok "a rejected amendment by the newest key makes the organisation A filed rejected, at street, district and C"

stop_server "$STREET_PID"
"$HUB" --dir "$S" rebuild >/dev/null || fail "street rebuild"
start_server STREET "$HUB" --dir "$S" serve --listen 127.0.0.1:0
orgstatus | diff "$E2E_TMP/st1" - >&2 || fail "the street's summary changed with rebuild"
ok "rebuild gives the same"
