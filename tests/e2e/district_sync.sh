#!/usr/bin/env bash
# Two community nodes push to a street hub; the street forwards to the district; the
# district's summary shows exactly their records, and the district verifies every community
# entry back to its community's key (it only accepts them through the street's enrolment).
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"

# District hub.
"$HUB" --dir "$E2E_TMP/district" init --role district --name 河北區協會 >"$E2E_TMP/d.init"
DKEY=$(last_line <"$E2E_TMP/d.init")
start_server DIST "$HUB" --dir "$E2E_TMP/district" serve --listen 127.0.0.1:0

# Street hub, enrolled at the district.
"$HUB" --dir "$E2E_TMP/street" init --role street --name 望海樓街 \
  --upstream "$DIST_URL" --upstream-key "$DKEY" >"$E2E_TMP/s.init"
SKEY=$(last_line <"$E2E_TMP/s.init")
"$HUB" --dir "$E2E_TMP/district" enroll --name 望海樓街 --key "$SKEY" >/dev/null
start_server STREET "$HUB" --dir "$E2E_TMP/street" serve --listen 127.0.0.1:0

# Two communities, enrolled at the street.
i=0
for c in 建昌道社區 鐵東路社區; do
  i=$((i + 1))
  code=12010500100$i
  "$NODE" --dir "$E2E_TMP/n$i" init --community "$c" --street 望海樓街 --hub "$STREET_URL" \
    --code "$code" --hub-key "$SKEY" >"$E2E_TMP/n$i.init"
  key=$(last_line <"$E2E_TMP/n$i.init")
  "$HUB" --dir "$E2E_TMP/street" enroll --name "$c" --key "$key" --code "$code" >/dev/null
  org=$("$NODE" --dir "$E2E_TMP/n$i" org file --filed 2025-01-01 --name "${c}夕陽紅志願服務隊" --category 為老服務 \
    --leader 王秀英 --phone 13800000000 --members 20 --party-members 2 | last_line)
  [ -n "$org" ] || fail "no filing number printed"
  for m in 2026-08 2026-09 2026-10; do
    "$NODE" --dir "$E2E_TMP/n$i" report monthly --org "$org" --month "$m" --activities 3 \
      --participants 40 --party-participants 2 --content "探訪獨居老人" >/dev/null
  done
  "$NODE" --dir "$E2E_TMP/n$i" sync || fail "node $i sync failed"
done
ok "two nodes synced to the street hub"

# Pushing the same again changes nothing.
"$NODE" --dir "$E2E_TMP/n1" sync || fail "second sync failed"

summary_has() {
  curl -sf "$DIST_URL/api/v1/summary" >"$E2E_TMP/summary.json" || return 1
  python3 - "$E2E_TMP/summary.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
tot = {k: s["accepted"][k] + s["pending"][k] for k in s["pending"]}
want = {"organisations": 2, "reports": 6, "activities": 18, "participants": 240,
        "party_participants": 12}
sys.exit(0 if all(tot.get(k) == v for k, v in want.items()) else 1)
PY
}
wait_for 30 summary_has || { cat "$E2E_TMP/summary.json" >&2; fail "district summary never reached the expected figures"; }
ok "district summary shows exactly the two communities' records"

python3 - "$E2E_TMP/summary.json" <<'PY' || fail "summary structure"
import json, sys
s = json.load(open(sys.argv[1]))
streets = s["streets"]
assert len(streets) == 1 and streets[0]["name"] == "望海樓街", streets
comms = sorted(c["name"] for c in streets[0]["communities"])
assert comms == ["建昌道社區", "鐵東路社區"], comms
text = json.dumps(s, ensure_ascii=False)
assert "王秀英" not in text and "13800000000" not in text, "summary leaks personal data"
PY
ok "summary is per street and community, without names or phone numbers"

# The district holds the communities' changesets verbatim: rebuild from its logs
# gives the same projection.
"$HUB" --dir "$E2E_TMP/district" rebuild >/dev/null || fail "district rebuild"
curl -sf "$DIST_URL/api/v1/summary" | python3 -c '
import json,sys; s=json.load(sys.stdin); t=s["pending"]["reports"]+s["accepted"]["reports"]; sys.exit(0 if t==6 else 1)' \
  || fail "summary changed after rebuild"
ok "district rebuild equals the incremental projection"
echo "1..4"
