#!/usr/bin/env bash
# hostile_term.sh - text from outside never reaches the operator's terminal raw:
# a node whose community name carries ESC and BEL sequences asks to be enrolled,
# and `linli-hub enroll-requests` shows them as visible escapes; a dossier page
# printed to standard output carries none of them.
source "$(dirname "$0")/../e2e/lib.sh"
S="$E2E_TMP/street"
"$HUB" --dir "$S" init --role street --name 望海楼街 >/dev/null
start_server STREET "$HUB" --dir "$S" serve --listen 127.0.0.1:0
EVIL=$'海河\e]0;pwned\a\e[2J社区\u202e'
if ! "$NODE" --dir "$E2E_TMP/n1" init --community "$EVIL" --street 望海楼街 --hub "$STREET_URL" \
    --code 120101001001 >/dev/null 2>"$E2E_TMP/e"; then
  fail "node init refused the name (cannot make the hostile request): $(cat "$E2E_TMP/e")"
fi
"$NODE" --dir "$E2E_TMP/n1" sync >/dev/null 2>&1 || true
"$HUB" --dir "$S" enroll-requests >"$E2E_TMP/list"
grep -q 'pwned' "$E2E_TMP/list" || fail "the request is not listed: $(cat "$E2E_TMP/list")"
if LC_ALL=C grep -q $'[\x01-\x08\x0b-\x1f\x7f]' "$E2E_TMP/list"; then
  fail "enroll-requests printed raw control bytes"
fi
grep -qF '\x1b]0;pwned\x07\x1b[2J' "$E2E_TMP/list" || fail "escapes not shown visibly: $(cat -v "$E2E_TMP/list")"
grep -qF '\u202e' "$E2E_TMP/list" || fail "the bidi override is not shown visibly"
grep -q '海河' "$E2E_TMP/list" || fail "the Chinese text was mangled"
ok "enroll-requests shows ESC, BEL and a bidi override as visible escapes"

# a dossier page printed to the terminal (no --zip): the HTML writer never
# carries a control character, whoever typed it
D="$E2E_TMP/n2"
"$NODE" --dir "$D" init --community 海河社区 --street 望海楼街 --hub http://127.0.0.1:9 \
  --code 120101001002 >/dev/null
ORG=$("$NODE" --dir "$D" org file --filed 2025-01-01 --name $'读书\e]0;pwned\a\e[2J会' --category 文体 \
  --leader 李明 --phone 13800000000 --members 5 --party-members 1) || fail "org file"
"$NODE" --dir "$D" dossier --org "$ORG" >"$E2E_TMP/dossier.html" || fail "dossier"
grep -q '读书.*pwned.*会' "$E2E_TMP/dossier.html" || fail "the name is not on the dossier page"
if LC_ALL=C grep -q $'[\x01-\x08\x0b\x0c\x0e-\x1f\x7f]' "$E2E_TMP/dossier.html"; then
  fail "the dossier page carries raw control bytes: $(grep -m1 pwned "$E2E_TMP/dossier.html" | cat -v)"
fi
ok "a dossier page on standard output shows a name's ESC and BEL as U+FFFD, never raw"
