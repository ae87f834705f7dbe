#!/usr/bin/env bash
# Revoking a community key (a stolen PC), with real processes: the street's signed
# hub.revoked entry; the key's entries held before it stay valid and still reach the
# district when forwarded afterwards; later pushes and the feed are refused at the
# street; the district, from the street's log, marks the key revoked too; the key
# cannot be enrolled again; bad input changes nothing; rebuild keeps the revocation.
here=$(cd "$(dirname "$0")" && pwd)
source "$here/e2e/lib.sh"

"$HUB" --dir "$E2E_TMP/district" init --role district --name 河北区协会 >"$E2E_TMP/d.init"
DKEY=$(last_line <"$E2E_TMP/d.init")
start_server DIST "$HUB" --dir "$E2E_TMP/district" serve --listen 127.0.0.1:0
S="$E2E_TMP/street"
"$HUB" --dir "$S" init --role street --name 望海楼街 --upstream "$DIST_URL" --upstream-key "$DKEY" >"$E2E_TMP/s.init"
SKEY=$(last_line <"$E2E_TMP/s.init")
"$HUB" --dir "$E2E_TMP/district" enroll --name 望海楼街 --key "$SKEY" >/dev/null
start_server STREET "$HUB" --dir "$S" serve --listen 127.0.0.1:0
N="$E2E_TMP/n"
"$NODE" --dir "$N" init --community 建昌道社区 --street 望海楼街 --hub "$STREET_URL" \
  --code 120105001001 --hub-key "$SKEY" >"$E2E_TMP/n.init"
NKEY=$(last_line <"$E2E_TMP/n.init")
"$HUB" --dir "$S" enroll --name 建昌道社区 --key "$NKEY" --code 120105001001 >/dev/null
ORG=$("$NODE" --dir "$N" org file --name 建昌道社区读书会 --category 文体 --leader 张 \
  --phone 13800000000 --members 10 --party-members 1 --filed 2025-01-01 2>/dev/null | last_line)
"$NODE" --dir "$N" report monthly --org "$ORG" --month 2025-02 --activities 2 --participants 20 \
  --party-participants 1 --content 读书 >/dev/null
"$NODE" --dir "$N" sync >/dev/null || fail "sync before revocation"

heads() { # HUBDIR: "head revoked" of the community
  "$HUB" --dir "$1" status --json | python3 -c '
import json, sys
a = [a for a in json.load(sys.stdin)["authors"] if a["key"] == sys.argv[1]]
print("%d %d" % (a[0]["head_seq"], a[0]["revoked"] != 0) if a else "none")' "$NKEY"
}

"$HUB" --dir "$S" revoke --key "$NKEY" 2>/dev/null && fail "revoke without --reason"
"$HUB" --dir "$S" revoke --key zz --reason x 2>/dev/null && fail "revoke with a bad key"
"$HUB" --dir "$S" revoke --key "$DKEY" --reason x 2>/dev/null && fail "revoke a key this hub did not enrol"
[ "$(heads "$S")" = "2 0" ] || fail "refusals changed the street: $(heads "$S")"
"$HUB" --dir "$S" revoke --key "$NKEY" --reason 电脑被盗 >"$E2E_TMP/rev.out" || fail "revoke"
grep -q 已吊销 "$E2E_TMP/rev.out" || fail "revoke does not say what it did"
"$HUB" --dir "$S" revoke --key "$NKEY" --reason again 2>/dev/null && fail "revoke twice"
[ "$(heads "$S")" = "2 1" ] || fail "street after revoke: $(heads "$S")"
ok "the street revoked the key; bad input refused"

"$NODE" --dir "$N" report monthly --org "$ORG" --month 2025-03 --activities 2 --participants 20 \
  --party-participants 1 --content 被盗后 >/dev/null
"$NODE" --dir "$N" sync >/dev/null 2>"$E2E_TMP/sync.err" && fail "a revoked key pushed"
grep -q 吊销 "$E2E_TMP/sync.err" || fail "the node is not told its key is revoked: $(cat "$E2E_TMP/sync.err")"
[ "$(heads "$S")" = "2 1" ] || fail "the street took an entry after the revocation"
"$HUB" --dir "$S" enroll --name 建昌道社区 --key "$NKEY" --code 120105001001 2>/dev/null \
  && fail "a revoked key enrolled again"
ok "after revocation the key's pushes are refused and it cannot be enrolled again"

# Forwarded after the revocation: the entries before it still count at the district.
"$HUB" --dir "$S" forward >/dev/null || fail "forward"
"$HUB" --dir "$S" forward >/dev/null || fail "forward 2"
[ "$(heads "$E2E_TMP/district")" = "2 1" ] || fail "district: $(heads "$E2E_TMP/district")"
"$HUB" --dir "$E2E_TMP/district" rebuild >/dev/null || fail "district rebuild"
[ "$(heads "$E2E_TMP/district")" = "2 1" ] || fail "district after rebuild: $(heads "$E2E_TMP/district")"
"$HUB" --dir "$S" rebuild >/dev/null || fail "street rebuild"
[ "$(heads "$S")" = "2 1" ] || fail "street after rebuild: $(heads "$S")"
ok "the district holds the entries before the revocation and marks the key revoked, also after rebuild"
