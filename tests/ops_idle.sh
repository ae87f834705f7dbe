#!/usr/bin/env bash
# The quiet idle pass serve's loop runs (`linli-node sync --idle`), with real processes:
# with nothing new it asks the hub one unsigned question (peek answers 204) and
# changes nothing; a decision made at the street is then fetched by the next idle
# pass; something written locally makes the idle pass a full one that pushes it; a
# revoked-looking or unknown key gets 200 from peek, so the signed request explains.
here=$(cd "$(dirname "$0")" && pwd)
source "$here/e2e/lib.sh"

S="$E2E_TMP/street"
"$HUB" --dir "$S" init --role street --name 望海楼街 >"$E2E_TMP/s.init"
SKEY=$(last_line <"$E2E_TMP/s.init")
start_server STREET "$HUB" --dir "$S" serve --listen 127.0.0.1:0
N="$E2E_TMP/n"
"$NODE" --dir "$N" init --community 建昌道社区 --street 望海楼街 --hub "$STREET_URL" \
  --code 120105001001 --hub-key "$SKEY" >"$E2E_TMP/n.init"
NKEY=$(last_line <"$E2E_TMP/n.init")
"$HUB" --dir "$S" enroll --name 建昌道社区 --key "$NKEY" --code 120105001001 >/dev/null
ORG=$("$NODE" --dir "$N" org file --name 建昌道社区读书会 --category 文体 --leader 张 \
  --phone 13800000000 --members 10 --party-members 1 2>/dev/null | last_line)
"$NODE" --dir "$N" sync >/dev/null || fail "first sync"

code=$(curl -s -o /dev/null -w '%{http_code}' "$STREET_URL/api/v1/peek/$NKEY?after=1000000")
[ "$code" = 204 ] || fail "peek with nothing new: $code"
code=$(curl -s -o /dev/null -w '%{http_code}' "$STREET_URL/api/v1/peek/$NKEY?after=0")
[ "$code" = 200 ] || fail "peek with news: $code"
code=$(curl -s -o /dev/null -w '%{http_code}' "$STREET_URL/api/v1/peek/$SKEY?after=1000000")
[ "$code" = 200 ] || fail "peek for a key that is not an enrolled community: $code"
code=$(curl -s -o /dev/null -w '%{http_code}' "$STREET_URL/api/v1/peek/zz?after=0")
[ "$code" = 400 ] || fail "peek with a bad key: $code"
ok "peek: 204 without news, 200 with news or for a key the signed feed must answer"

"$NODE" --dir "$N" sync --idle >/dev/null || fail "idle pass with nothing new"
"$HUB" --dir "$S" decide commend --org "$ORG" --reason 活动经常 >/dev/null || fail "decide"
"$NODE" --dir "$N" sync --idle >/dev/null || fail "idle pass after a decision"
"$NODE" --dir "$N" inbox --json --keep-unread | python3 -c '
import json, sys
assert any(i["kind"] == "decision.commend" for i in json.load(sys.stdin))' \
  || fail "the idle pass did not fetch the decision"
ok "an idle pass fetches a new decision"

"$NODE" --dir "$N" report monthly --org "$ORG" --month "$(date +%Y-%m)" --activities 1 \
  --participants 5 --party-participants 0 --content 读书 >/dev/null
"$NODE" --dir "$N" sync --idle >/dev/null 2>&1 || true # pushes; may wait for review
"$NODE" --dir "$N" status --json | python3 -c '
import json, sys
s = json.load(sys.stdin)
assert s["pushed"] == s["written"], s' || fail "the idle pass did not push what was written"
ok "an idle pass with something written pushes it"
