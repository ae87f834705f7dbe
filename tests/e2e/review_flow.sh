#!/usr/bin/env bash
# Issue 5's acceptance with real processes: two nodes push to a street hub that
# forwards to the district; the street operator rejects one batch and accepts the
# other; the district's summary counts exactly the accepted records as accepted and
# the rest as pending; the rejection and its reason reach the node's inbox; the
# district may not commend the organisation whose filing was returned, and its notice
# reaches the community node through the street's relay; a
# major activity shows the street's and the district's acknowledgements at the node.
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"

# District hub.
"$HUB" --dir "$E2E_TMP/district" init --role district --name 河北區協會 >"$E2E_TMP/d.init"
DKEY=$(last_line <"$E2E_TMP/d.init")
start_server DIST "$HUB" --dir "$E2E_TMP/district" serve --listen 127.0.0.1:0

# Street hub, enrolled at the district; manual review for everything.
"$HUB" --dir "$E2E_TMP/street" init --role street --name 望海樓街 \
  --upstream "$DIST_URL" --upstream-key "$DKEY" >"$E2E_TMP/s.init"
SKEY=$(last_line <"$E2E_TMP/s.init")
"$HUB" --dir "$E2E_TMP/district" enroll --name 望海樓街 --key "$SKEY" >/dev/null
start_server STREET "$HUB" --dir "$E2E_TMP/street" serve --listen 127.0.0.1:0

# Two communities, one organisation and three monthly reports each, one push each.
declare -A KEY ORG
for i in 1 2; do
  c=$([ "$i" = 1 ] && echo 建昌道社區 || echo 鐵東路社區)
  code=12010500100$i
  "$NODE" --dir "$E2E_TMP/n$i" init --community "$c" --street 望海樓街 --hub "$STREET_URL" \
    --code "$code" --hub-key "$SKEY" >"$E2E_TMP/n$i.init"
  KEY[$i]=$(last_line <"$E2E_TMP/n$i.init")
  "$HUB" --dir "$E2E_TMP/street" enroll --name "$c" --key "${KEY[$i]}" --code "$code" >/dev/null
  ORG[$i]=$("$NODE" --dir "$E2E_TMP/n$i" org file --filed 2025-01-01 --name "${c}夕陽紅志願服務隊" \
    --category 為老服務 --leader 王秀英 --phone 13800000000 --members 20 --party-members 2 |
    last_line)
  for m in 2026-08 2026-09 2026-10; do
    "$NODE" --dir "$E2E_TMP/n$i" report monthly --org "${ORG[$i]}" --month "$m" --activities 3 \
      --participants $((40 * i)) --party-participants 2 --content "探訪獨居老人" >/dev/null
  done
  "$NODE" --dir "$E2E_TMP/n$i" sync >/dev/null || fail "node $i sync failed"
done
ok "two nodes pushed their batches"

# The street's review queue: one pending batch per community (filings never pass
# automatically).
batch_of() { # KEY [KIND]: the first pending batch of KEY (holding a record of KIND)
  "$HUB" --dir "$E2E_TMP/street" review list --json | python3 -c '
import json, sys
key, kind = sys.argv[1], sys.argv[2]
ids = [b["id"] for b in json.load(sys.stdin)
       if b.get("author") == key and (not kind or kind in b.get("kinds", {}))]
print(ids[0] if ids else "")' "$1" "${2:-}"
}
B1=$(batch_of "${KEY[1]}")
B2=$(batch_of "${KEY[2]}")
[ -n "$B1" ] && [ -n "$B2" ] || fail "review list lacks a community's batch (got '$B1' '$B2')"
"$HUB" --dir "$E2E_TMP/street" review reject "$B1" --reason "負責人簽字缺失" >/dev/null ||
  fail "review reject"
"$HUB" --dir "$E2E_TMP/street" review accept "$B2" >/dev/null || fail "review accept"
ok "the street rejected batch $B1 and accepted batch $B2"

# A major activity at community 2, declared before its date (its push also wakes
# the street's forward loop, which carries the reviews up).
DAY=$(date -d "+20 days" +%Y-%m-%d)
ACT=$("$NODE" --dir "$E2E_TMP/n2" activity declare --org "${ORG[2]}" --date "$DAY" \
  --title 重陽敬老文藝匯演 --place 社區廣場 --expected 300 | last_line)
[ -n "$ACT" ] || fail "no activity id printed"
"$NODE" --dir "$E2E_TMP/n2" sync >/dev/null || fail "node 2 sync after the activity"

# The district: exactly community 2's records accepted, community 1's pending.
summary_ok() {
  curl -sf "$DIST_URL/api/v1/summary" >"$E2E_TMP/summary.json" || return 1
  python3 - "$E2E_TMP/summary.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
a, p = s["accepted"], s["pending"]
want_a = {"organisations": 1, "reports": 3, "activities": 9, "participants": 240}
want_p = {"organisations": 1, "reports": 3, "activities": 9, "participants": 120}
sys.exit(0 if all(a.get(k) == v for k, v in want_a.items()) and
         all(p.get(k) == v for k, v in want_p.items()) else 1)
PY
}
wait_for 70 summary_ok || { cat "$E2E_TMP/summary.json" >&2; fail "district summary: accepted/pending"; }
ok "district summary counts the accepted batch as accepted and the rejected one as pending"

# Community 1 learns the rejection and its reason.
"$NODE" --dir "$E2E_TMP/n1" sync >/dev/null || fail "node 1 sync for the feed"
"$NODE" --dir "$E2E_TMP/n1" inbox --json --keep-unread >"$E2E_TMP/inbox1.json"
python3 - "$E2E_TMP/inbox1.json" <<'PY' || { cat "$E2E_TMP/inbox1.json" >&2; fail "rejection not in the inbox"; }
import json, sys
items = json.load(open(sys.argv[1]))
r = [i for i in items if i["kind"] == "review.batch"]
assert r and r[0]["result"] == "rejected" and r[0]["reason"] == "負責人簽字缺失", r
assert r[0]["origin"] == "street", r
PY
"$NODE" --dir "$E2E_TMP/n1" report list --json >"$E2E_TMP/reports1.json"
python3 - "$E2E_TMP/reports1.json" <<'PY' || fail "node 1 reports do not show the rejection"
import json, sys
rs = json.load(open(sys.argv[1]))
assert len(rs) == 3 and all(r["review"] == "rejected" and r["review_reason"] == "負責人簽字缺失"
                            for r in rs), rs
PY
"$NODE" --dir "$E2E_TMP/n2" sync >/dev/null || fail "node 2 sync for the feed"
"$NODE" --dir "$E2E_TMP/n2" org list --json | python3 -c '
import json, sys; o = json.load(sys.stdin); sys.exit(0 if o[0]["review"] == "accepted" else 1)' ||
  fail "node 2 does not show its filing accepted"
ok "the rejection and its reason are in community 1's inbox; community 2 sees its acceptance"

# The street acknowledges the activity; the district acknowledges it once it holds it.
"$HUB" --dir "$E2E_TMP/street" activity ack "$ACT" --note 已報區協會 >/dev/null ||
  fail "street activity ack"
district_has_activity() {
  "$HUB" --dir "$E2E_TMP/district" activity list --json | grep -q "$ACT"
}
wait_for 70 district_has_activity || fail "the district never saw activity $ACT"
"$HUB" --dir "$E2E_TMP/district" activity ack "$ACT" --note 注意安全 >/dev/null ||
  fail "district activity ack"

# The district cannot commend community 1's organisation, whose filing the street
# returned; it sends the organisation a notice instead.
"$HUB" --dir "$E2E_TMP/district" decide commend --org "${ORG[1]}" --reason 區級優秀志願服務隊 \
  2>"$E2E_TMP/commend.err" && fail "the district commended an organisation whose filing was returned"
grep -q 已退回，不能表彰 "$E2E_TMP/commend.err" || fail "the refused commendation does not say why"
"$HUB" --dir "$E2E_TMP/district" decide notice --org "${ORG[1]}" --reason 請補齊負責人簽字後重新上報 \
  >/dev/null || fail "district decide notice"

# Each push wakes the street's forward loop, which pulls the district's feed and
# relays what is addressed to its communities.
n=0
notice_reached() {
  n=$((n + 1))
  "$NODE" --dir "$E2E_TMP/n1" report monthly --org "${ORG[1]}" --month 2026-11 --activities 1 \
    --participants $n --party-participants 0 --content "第${n}次" >/dev/null
  "$NODE" --dir "$E2E_TMP/n1" sync >/dev/null 2>&1 || true
  "$NODE" --dir "$E2E_TMP/n1" inbox --json --keep-unread >"$E2E_TMP/inbox1.json"
  python3 - "$E2E_TMP/inbox1.json" <<'PY'
import json, sys
items = json.load(open(sys.argv[1]))
sys.exit(0 if any(i["kind"] == "decision.notice" and i["origin"] == "district" and
                  i["reason"] == "請補齊負責人簽字後重新上報" for i in items) else 1)
PY
}
wait_for 90 notice_reached || { cat "$E2E_TMP/inbox1.json" >&2; fail "the district's notice never reached community 1"; }
ok "the district's notice reached community 1 (origin district); no commendation of a returned filing"

both_acks() {
  "$NODE" --dir "$E2E_TMP/n2" sync >/dev/null 2>&1 || true
  "$NODE" --dir "$E2E_TMP/n2" activity list --json >"$E2E_TMP/acts2.json"
  python3 - "$E2E_TMP/acts2.json" "$ACT" <<'PY'
import json, sys
acts = [a for a in json.load(open(sys.argv[1])) if a["id"] == sys.argv[2]]
sys.exit(0 if acts and acts[0]["street"]["status"] == "acknowledged" and
         acts[0]["district"]["status"] == "acknowledged" and
         acts[0]["escalation"] == "district_ack" else 1)
PY
}
wait_for 60 both_acks || { cat "$E2E_TMP/acts2.json" >&2; fail "activity $ACT lacks an acknowledgement at the node"; }
"$NODE" --dir "$E2E_TMP/n2" activity list | grep -q "街道：已确认.*区协会：已确认" ||
  fail "activity list (text) does not show both acknowledgements"
ok "activity $ACT shows the street's and the district's acknowledgement at community 2"

# The street criticises community 2's organisation with a deadline; the community
# files its rectification report against the criticism's record; the street accepts
# the batch holding it, which closes the criticism at the node.
"$HUB" --dir "$E2E_TMP/street" decide criticize --org "${ORG[2]}" --deadline "$DAY" \
  --reason 台賬不全 >/dev/null || fail "street decide criticize"
"$NODE" --dir "$E2E_TMP/n2" sync >/dev/null || fail "node 2 sync for the criticism"
CRIT=$("$NODE" --dir "$E2E_TMP/n2" inbox --json --keep-unread | python3 -c '
import json, sys
c = [i for i in json.load(sys.stdin) if i["kind"] == "decision.criticize"]
print(c[0]["record"] if c and not c[0]["closed"] and not c[0]["overdue"] and
      c[0]["deadline"] == sys.argv[1] else "")' "$DAY")
[ -n "$CRIT" ] || fail "the criticism (open, with its deadline) is not in community 2's inbox"
"$NODE" --dir "$E2E_TMP/n2" rectification file --org "${ORG[2]}" --decision "$CRIT" \
  --content 已補齊活動台賬 >/dev/null || fail "rectification file"
"$NODE" --dir "$E2E_TMP/n2" sync >/dev/null || fail "node 2 sync with the rectification"
B3=$(batch_of "${KEY[2]}" rectification.filed)
[ -n "$B3" ] || fail "the rectification's batch is not pending at the street"
"$HUB" --dir "$E2E_TMP/street" review accept "$B3" >/dev/null || fail "accept the rectification"
"$NODE" --dir "$E2E_TMP/n2" sync >/dev/null || fail "node 2 sync after the acceptance"
"$NODE" --dir "$E2E_TMP/n2" inbox --json --keep-unread | python3 -c '
import json, sys
c = [i for i in json.load(sys.stdin) if i["kind"] == "decision.criticize"]
sys.exit(0 if c and c[0]["closed"] and c[0]["rectification"] else 1)' ||
  fail "the criticism is not closed at the node after the street accepted the rectification"
ok "a criticism is closed by the rectification the street accepted"

# The nodes' projections survive a rebuild.
for i in 1 2; do
  "$NODE" --dir "$E2E_TMP/n$i" report list --json >"$E2E_TMP/before$i.json"
  "$NODE" --dir "$E2E_TMP/n$i" rebuild >/dev/null || fail "node $i rebuild"
  "$NODE" --dir "$E2E_TMP/n$i" report list --json >"$E2E_TMP/after$i.json"
  cmp -s "$E2E_TMP/before$i.json" "$E2E_TMP/after$i.json" || fail "node $i rebuild changed reports"
done
ok "node rebuilds keep the review status"
echo "1..9"
