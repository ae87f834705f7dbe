#!/usr/bin/env bash
# A community's key through its life, with real processes: export sealed with a
# passphrase, import on a new PC (a wrong passphrase, a changed byte, a non-empty
# directory are refused and write nothing), restore from the street hub, and the
# new PC continues the same log without a fork.
here=$(cd "$(dirname "$0")" && pwd)
source "$here/e2e/lib.sh"

S="$E2E_TMP/street"
"$HUB" --dir "$S" init --role street --name 望海楼街 >"$E2E_TMP/s.init"
SKEY=$(last_line <"$E2E_TMP/s.init")
start_server STREET "$HUB" --dir "$S" serve --listen 127.0.0.1:0
N1="$E2E_TMP/n1"
"$NODE" --dir "$N1" init --community 建昌道社区 --street 望海楼街 --hub "$STREET_URL" \
  --code 120105001001 --hub-key "$SKEY" >"$E2E_TMP/n1.init"
NKEY=$(last_line <"$E2E_TMP/n1.init")
"$HUB" --dir "$S" enroll --name 建昌道社区 --key "$NKEY" --code 120105001001 >/dev/null
ORG=$("$NODE" --dir "$N1" org file --name 建昌道社区读书会 --category 文体 --leader 张 \
  --phone 13800000000 --members 10 --party-members 1 --filed 2024-01-01 | last_line)
for m in 2024-02 2024-03; do
  "$NODE" --dir "$N1" report monthly --org "$ORG" --month $m --activities 2 --participants 20 \
    --party-participants 1 --content 读书 >/dev/null
done
"$NODE" --dir "$N1" sync >/dev/null || fail "first sync"

echo "长城长江黄河泰山" | "$NODE" --dir "$N1" key export "$E2E_TMP/key.lnk" >"$E2E_TMP/export.out" \
  || fail "key export"
grep -q 建昌道社区 "$E2E_TMP/export.out" || fail "export does not name the community"
[ "$(stat -c %a "$E2E_TMP/key.lnk")" = 600 ] || fail "export file mode"
grep -q "$(head -c 32 "$N1/identity.key" | tail -c 16)" "$E2E_TMP/key.lnk" 2>/dev/null \
  && fail "the key is readable in the export file"
echo "长城长江黄河泰山" | "$NODE" --dir "$N1" key export "$E2E_TMP/key.lnk" 2>/dev/null \
  && fail "export over an existing file"
echo "short" | "$NODE" --dir "$N1" key export "$E2E_TMP/k2.lnk" 2>/dev/null && fail "short passphrase"
[ ! -e "$E2E_TMP/k2.lnk" ] || fail "a refused export wrote a file"
ok "key exported, sealed with a passphrase"

N2="$E2E_TMP/n2"
echo "wrong passphrase" | "$NODE" --dir "$N2" key import "$E2E_TMP/key.lnk" 2>"$E2E_TMP/imp.err" \
  && fail "import with a wrong passphrase"
grep -q 口令不对 "$E2E_TMP/imp.err" || fail "wrong passphrase: no message in Chinese"
[ -z "$(ls -A "$N2" 2>/dev/null)" ] || fail "a refused import wrote files"
cp "$E2E_TMP/key.lnk" "$E2E_TMP/bad.lnk"
flip_byte "$E2E_TMP/bad.lnk" 100
echo "长城长江黄河泰山" | "$NODE" --dir "$N2" key import "$E2E_TMP/bad.lnk" 2>/dev/null \
  && fail "import of a changed file"
[ -z "$(ls -A "$N2" 2>/dev/null)" ] || fail "a refused import wrote files"
echo "长城长江黄河泰山" | "$NODE" --dir "$N1" key import "$E2E_TMP/key.lnk" 2>/dev/null \
  && fail "import into a directory holding a node"
echo "长城长江黄河泰山" | "$NODE" --dir "$N2" key import "$E2E_TMP/key.lnk" >"$E2E_TMP/imp.out" \
  || fail "key import"
grep -q "restore --hub $STREET_URL" "$E2E_TMP/imp.out" || fail "import does not say the next step"
cmp -s "$N1/identity.key" "$N2/identity.key" || fail "imported key differs"
[ "$(stat -c %a "$N2/identity.key")" = 600 ] || fail "imported key mode"
ok "key imported on a new PC; bad input refused and nothing written"

"$NODE" --dir "$N2" restore --hub "$STREET_URL" --key "$N2/identity.key" >"$E2E_TMP/restore.out" \
  || fail "restore after import"
[ "$(last_line <"$E2E_TMP/restore.out")" = 3 ] || fail "restore head: $(cat "$E2E_TMP/restore.out")"
[ "$("$NODE" --dir "$N2" report list | cut -f1-3)" = "$("$NODE" --dir "$N1" report list | cut -f1-3)" ] \
  || fail "the new PC does not show the reports"
"$NODE" --dir "$N2" report monthly --org "$ORG" --month 2024-04 --activities 3 --participants 30 \
  --party-participants 1 --content 新电脑 >/dev/null || fail "write on the new PC"
"$NODE" --dir "$N2" sync >/dev/null || fail "the new PC's sync"
"$HUB" --dir "$S" status --json | python3 -c '
import json, sys
s = json.load(sys.stdin)
a = [a for a in s["authors"] if a["key"] == sys.argv[1]][0]
assert a["head_seq"] == 4 and a["quarantined"] == 0 and not s["forks"], s' "$NKEY" \
  || fail "the hub does not hold the continued log whole, or saw a fork"
ok "the new PC restored and continued the same log"
