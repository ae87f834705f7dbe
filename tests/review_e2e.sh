#!/usr/bin/env bash
# Issue 5 acceptance, with real processes: two nodes push to a street hub; the street
# operator rejects one batch and accepts the other; the district's summary shows exactly
# the accepted records in `accepted` and the rest in `pending`; the rejection and its reason
# reach the node's inbox; a district commendation reaches the community node through the
# street (the street's signature outside, the district's inside); a major activity shows
# both acknowledgements at the node; the district's withdrawal of its commendation reaches the
# node the same way.
here=$(cd "$(dirname "$0")" && pwd)
source "$here/e2e/lib.sh"
: "${FEEDCHECK:?FEEDCHECK must name the review_feedcheck tool}"

"$HUB" --dir "$E2E_TMP/district" init --role district --name 河北區協會 >"$E2E_TMP/d.init"
DKEY=$(last_line <"$E2E_TMP/d.init")
start_server DIST "$HUB" --dir "$E2E_TMP/district" serve --listen 127.0.0.1:0
"$HUB" --dir "$E2E_TMP/street" init --role street --name 望海樓街 \
  --upstream "$DIST_URL" --upstream-key "$DKEY" >"$E2E_TMP/s.init"
SKEY=$(last_line <"$E2E_TMP/s.init")
"$HUB" --dir "$E2E_TMP/district" enroll --name 望海樓街 --key "$SKEY" >/dev/null
start_server STREET "$HUB" --dir "$E2E_TMP/street" serve --listen 127.0.0.1:0

future=$(python3 -c 'import datetime; print((datetime.date.today()+datetime.timedelta(days=30)).isoformat())')
i=0
for c in 建昌道社區 鐵東路社區; do
  i=$((i + 1))
  code=12010500100$i
  "$NODE" --dir "$E2E_TMP/n$i" init --community "$c" --street 望海樓街 --hub "$STREET_URL" \
    --code "$code" --hub-key "$SKEY" >"$E2E_TMP/n$i.init"
  key=$(last_line <"$E2E_TMP/n$i.init")
  printf -v "NKEY$i" '%s' "$key"
  "$HUB" --dir "$E2E_TMP/street" enroll --name "$c" --key "$key" --code "$code" >/dev/null
  org=$("$NODE" --dir "$E2E_TMP/n$i" org file --filed 2025-01-01 --name "${c}夕陽紅志願服務隊" --category 為老服務 \
    --leader 王秀英 --phone 13800000000 --members 20 --party-members 2 | last_line)
  printf -v "ORG$i" '%s' "$org"
  for m in 2026-09 2026-10; do
    "$NODE" --dir "$E2E_TMP/n$i" report monthly --org "$org" --month "$m" --activities $((i + 2)) \
      --participants $((i * 10)) --party-participants $i --content "探訪獨居老人" >/dev/null
  done
  if [ $i = 1 ]; then
    "$NODE" --dir "$E2E_TMP/n1" activity declare --org "$org" --date "$future" --title 重陽敬老大會 \
      --place 社區廣場 --expected 200 >"$E2E_TMP/act.out"
  fi
  "$NODE" --dir "$E2E_TMP/n$i" sync || fail "node $i sync failed"
done
ACT=$("$NODE" --dir "$E2E_TMP/n1" activity list --json |
  python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')
ok "two nodes pushed to the street hub"

"$HUB" --dir "$E2E_TMP/street" review list --json >"$E2E_TMP/queue.json"
read -r B1 B2 < <(python3 - "$E2E_TMP/queue.json" <<'PY'
import json, sys
q = json.load(open(sys.argv[1]))
ids = {b["code"]: b["id"] for b in q}
assert len(q) == 2, q
print(ids["120105001001"], ids["120105001002"])
PY
) || fail "review list does not show one pending batch per node"
"$HUB" --dir "$E2E_TMP/street" review list | head -1 | grep -Eq "^$B1 " || fail "text list: ID first"
"$HUB" --dir "$E2E_TMP/street" review show "$B2" | grep -q 月报 || fail "review show"
"$HUB" --dir "$E2E_TMP/street" review reject "$B2" --reason 材料不全，請補充負責人資料 >/dev/null \
  || fail "review reject"
"$HUB" --dir "$E2E_TMP/street" review accept "$B1" --operator 李主任 >/dev/null || fail "review accept"
"$HUB" --dir "$E2E_TMP/street" review accept "$B1" 2>/dev/null && fail "a batch was reviewed twice"
[ "$("$HUB" --dir "$E2E_TMP/street" review list --json)" = "[]" ] || fail "queue not empty"
ok "street rejected one batch and accepted the other"

"$HUB" --dir "$E2E_TMP/street" forward >/dev/null || fail "street forward"
summary_ok() {
  curl -sf "$DIST_URL/api/v1/summary" >"$E2E_TMP/summary.json" || return 1
  python3 - "$E2E_TMP/summary.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
want_acc = {"organisations": 1, "reports": 2, "activities": 6, "participants": 20,
            "party_participants": 2}
want_pen = {"organisations": 1, "reports": 2, "activities": 8, "participants": 40,
            "party_participants": 4}
sys.exit(0 if s["accepted"] == want_acc and s["pending"] == want_pen else 1)
PY
}
wait_for 20 summary_ok || { cat "$E2E_TMP/summary.json" >&2; fail "district summary: accepted/pending"; }
[ "$("$HUB" --dir "$E2E_TMP/district" review list --json)" = "[]" ] \
  || fail "the district's queue shows what its street reviewed"
"$HUB" --dir "$E2E_TMP/district" review reject 1 --reason x 2>/dev/null && fail "the district reviewed"
ok "district counts exactly the accepted records as accepted, the rest as pending"

# The rejection and its reason reach the node.
"$NODE" --dir "$E2E_TMP/n2" sync || fail "node 2 sync"
"$NODE" --dir "$E2E_TMP/n2" inbox --json --keep-unread >"$E2E_TMP/inbox2.json"
grep -q 材料不全 "$E2E_TMP/inbox2.json" || { cat "$E2E_TMP/inbox2.json" >&2; fail "reason not in inbox"; }
"$FEEDCHECK" "$STREET_URL" "$E2E_TMP/n2/identity.key" "$SKEY" "$DKEY" >"$E2E_TMP/feed2.txt" \
  || fail "node 2's feed does not verify"
python3 - "$E2E_TMP/feed2.txt" <<'PY' || fail "review.batch in the feed"
import json, sys
items = [json.loads(l) for l in open(sys.argv[1])]
r = [i for i in items if i["kind"] == "review.batch"]
assert len(r) == 1 and r[0]["body"]["result"] == "rejected", items
assert r[0]["body"]["reason"].startswith("材料不全"), r
PY
ok "the rejection and its reason reach the node's inbox"

# Major activity: acknowledged by the street, then by the district.
"$HUB" --dir "$E2E_TMP/street" activity ack "$ACT" --note 已知悉，注意安全 >/dev/null || fail "street ack"
"$HUB" --dir "$E2E_TMP/street" forward >/dev/null || fail "street forward"
acked_at_district() {
  "$HUB" --dir "$E2E_TMP/district" activity list --json >"$E2E_TMP/dact.json" &&
    python3 -c 'import json,sys; a=json.load(open(sys.argv[1])); sys.exit(0 if a and a[0]["street"]["status"]=="acknowledged" else 1)' "$E2E_TMP/dact.json"
}
wait_for 20 acked_at_district || { cat "$E2E_TMP/dact.json" >&2; fail "district does not see the street's ack"; }
"$HUB" --dir "$E2E_TMP/district" activity ack "$ACT" --note 同意舉辦 >/dev/null || fail "district ack"

# A district commendation for node 1's organisation.
"$HUB" --dir "$E2E_TMP/district" decide commend --org "$ORG1" --reason 服務老人成績突出 >"$E2E_TMP/dec.out" \
  || fail "district decide"
DREC=$(awk '{print $NF}' "$E2E_TMP/dec.out")
"$HUB" --dir "$E2E_TMP/street" forward >/dev/null || fail "street forward (pull)"
"$HUB" --dir "$E2E_TMP/street" decide list --json | grep -q "$DREC" || fail "street does not know the decision"
"$NODE" --dir "$E2E_TMP/n1" sync || fail "node 1 sync"
"$FEEDCHECK" "$STREET_URL" "$E2E_TMP/n1/identity.key" "$SKEY" "$DKEY" >"$E2E_TMP/feed1.txt" \
  || fail "node 1's feed does not verify"
python3 - "$E2E_TMP/feed1.txt" "$DREC" <<'PY' || { cat "$E2E_TMP/feed1.txt" >&2; fail "relayed decisions in the feed"; }
import json, sys
items = [json.loads(l) for l in open(sys.argv[1])]
kinds = [i["kind"] for i in items]
c = [i for i in items if i["kind"] == "decision.commend"]
assert len(c) == 1 and c[0]["origin"]["verified"] and c[0]["origin"]["record"] == sys.argv[2], c
assert c[0]["body"]["by"] == "district" and c[0]["body"]["origin_record"] == sys.argv[2], c
acks = [i for i in items if i["kind"] == "activity.ack"]
levels = sorted(a["body"]["level"] for a in acks)
assert levels == ["district", "street"], acks
assert [a for a in acks if a["body"]["level"] == "district"][0]["origin"]["verified"], acks
assert any(i["kind"] == "review.batch" and i["body"]["result"] == "accepted" for i in items), kinds
PY
"$NODE" --dir "$E2E_TMP/n1" inbox --json --keep-unread >"$E2E_TMP/inbox1.json"
grep -q 服務老人成績突出 "$E2E_TMP/inbox1.json" || { cat "$E2E_TMP/inbox1.json" >&2; fail "commendation not in node 1's inbox"; }
ok "a district commendation reaches the community node, verifiable against both keys"

# The district withdraws its commendation: the street relays the withdrawal down, and node 1
# shows the commendation withdrawn with the district's reason.  The street cannot withdraw
# what the district decided.
"$HUB" --dir "$E2E_TMP/street" decide withdraw "$DREC" --reason 街道不能撤回 2>"$E2E_TMP/sw.err" \
  && fail "the street withdrew the district's decision"
grep -q 只能由作出决定的一级撤回 "$E2E_TMP/sw.err" || fail "street withdrawal: no Chinese reason"
"$HUB" --dir "$E2E_TMP/district" decide withdraw "$DREC" --reason 经复核，表彰有误 --operator 区协会王 \
  >"$E2E_TMP/dw.out" || fail "district withdraw"
grep -q 已撤回 "$E2E_TMP/dw.out" || fail "district withdraw does not say so"
WREC=$(python3 -c 'import re,sys; print(re.findall(r"[0-9a-f]{64}/[0-9]+", open(sys.argv[1]).read())[-1])' \
  "$E2E_TMP/dw.out")
"$HUB" --dir "$E2E_TMP/street" forward >/dev/null || fail "street forward (pull the withdrawal)"
"$HUB" --dir "$E2E_TMP/street" decide list --json | python3 -c '
import json, sys
d = [d for d in json.load(sys.stdin) if d["record"] == sys.argv[1]][0]
sys.exit(0 if d["withdrawn"] and d["withdrawn_reason"] == "经复核，表彰有误" else 1)' "$DREC" \
  || fail "the street does not hold the district's commendation as withdrawn"
"$NODE" --dir "$E2E_TMP/n1" sync || fail "node 1 sync (withdrawal)"
"$FEEDCHECK" "$STREET_URL" "$E2E_TMP/n1/identity.key" "$SKEY" "$DKEY" >"$E2E_TMP/feed1w.txt" \
  || fail "node 1's feed does not verify after the withdrawal"
"$NODE" --dir "$E2E_TMP/n1" inbox --json --keep-unread >"$E2E_TMP/inbox1w.json"
python3 - "$E2E_TMP/feed1w.txt" "$E2E_TMP/inbox1w.json" "$DREC" "$WREC" <<'PY' \
  || { cat "$E2E_TMP/feed1w.txt" "$E2E_TMP/inbox1w.json" >&2; fail "the withdrawal at node 1"; }
import json, sys
feed = [json.loads(l) for l in open(sys.argv[1])]
w = [i for i in feed if i["kind"] == "decision.withdrawn"]
# relayed by the street, signed by the district inside, naming the commendation
assert len(w) == 1 and w[0]["origin"]["verified"] and w[0]["origin"]["record"] == sys.argv[4], w
assert w[0]["body"]["decision"] == sys.argv[3] and w[0]["body"]["by"] == "district", w
inbox = json.load(open(sys.argv[2]))
c = [d for d in inbox if d["kind"] == "decision.commend"]
assert len(c) == 1 and c[0]["withdrawn"] is True, c
assert c[0]["withdrawn_reason"] == "经复核，表彰有误", c
PY
ok "the district's withdrawal is relayed by the street and reaches the node with its reason"
"$NODE" --dir "$E2E_TMP/n1" activity list --json >"$E2E_TMP/nact.json"
python3 - "$E2E_TMP/nact.json" <<'PY' || { cat "$E2E_TMP/nact.json" >&2; fail "node does not show both acknowledgements"; }
import json, sys
a = json.load(open(sys.argv[1]))[0]
text = json.dumps(a, ensure_ascii=False)
assert "已知悉" in text and "同意舉辦" in text, a
PY
ok "the major activity shows both acknowledgements at the node"

# The read-only JSON routes need an operator session; with one they show the queue's
# batches, the activities and the forks.
code=$(curl -s -o /dev/null -w '%{http_code}' "$STREET_URL/api/v1/review/$B2")
[ "$code" != 200 ] || fail "the review JSON answered without a login"
printf 'review-test-password\n' | "$HUB" --dir "$E2E_TMP/street" operator add 李主任 --role street \
  >/dev/null || fail "operator add"
curl -s -c "$E2E_TMP/jar" -o /dev/null --data-urlencode name=李主任 \
  --data-urlencode password=review-test-password "$STREET_URL/login" || fail "login"
curl -sf -b "$E2E_TMP/jar" "$STREET_URL/api/v1/review/$B2" | grep -q '"status":"rejected"' \
  || fail "GET /api/v1/review/ID"
[ "$(curl -sf -b "$E2E_TMP/jar" "$STREET_URL/api/v1/review")" = "[]" ] || fail "GET /api/v1/review"
curl -sf -b "$E2E_TMP/jar" "$STREET_URL/api/v1/activities" | grep -q 重陽敬老大會 \
  || fail "GET /api/v1/activities"
[ "$(curl -sf -b "$E2E_TMP/jar" "$STREET_URL/api/v1/forks")" = "[]" ] || fail "GET /api/v1/forks"
ok "read-only JSON routes for a logged-in operator"

# The district's own list shows both levels, and rebuild keeps every figure.
"$HUB" --dir "$E2E_TMP/district" activity list | grep -q "街道：已确认.*区协会：已确认" \
  || fail "district activity list"
"$HUB" --dir "$E2E_TMP/district" rebuild >/dev/null || fail "district rebuild"
summary_ok || fail "summary changed after rebuild"
"$HUB" --dir "$E2E_TMP/street" rebuild >/dev/null || fail "street rebuild"
ok "rebuild keeps the review state"
echo "1..9"
