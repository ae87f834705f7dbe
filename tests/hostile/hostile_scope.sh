#!/usr/bin/env bash
# hostile_scope.sh - a street-bound operator at the district gets 403 from
# GET /api/v1/activities (every street's activities), as from the page; a
# district operator gets the list.  Also: hub directories are private.
source "$(dirname "$0")/../e2e/lib.sh"
D="$E2E_TMP/district"
"$HUB" --dir "$D" init --role district --name 河北区 >/dev/null
printf 'street-op-pass\n' | "$HUB" --dir "$D" operator add sop --role street --street 望海楼街 >/dev/null
printf 'district-op-pass\n' | "$HUB" --dir "$D" operator add dop --role district >/dev/null
start_server DIST "$HUB" --dir "$D" serve --listen 127.0.0.1:0
get_as() { # name password path -> status
  local jar="$E2E_TMP/jar.$1"
  curl -s -o /dev/null -c "$jar" --data "name=$1&password=$2" "$DIST_URL/login"
  curl -s -o "$E2E_TMP/body.$1" -w '%{http_code}' -b "$jar" "$DIST_URL$3"
}
code=$(get_as sop street-op-pass /api/v1/activities)
[ "$code" = 403 ] || fail "street-bound operator got $code from /api/v1/activities"
code=$(get_as dop district-op-pass /api/v1/activities)
[ "$code" = 200 ] || fail "district operator got $code"
ok "/api/v1/activities is refused to a street-bound operator at the district"
[ "$(stat -c %a "$D")" = 700 ] || fail "hub directory is not 0700"
for f in "$D"/*; do
  [ "$(stat -c %a "$f")" = 600 ] || fail "$f is not 0600"
done
ok "hub directory 0700, every file 0600"
