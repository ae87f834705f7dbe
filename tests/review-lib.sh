# review-lib.sh - helpers for the review_* end-to-end scripts: one street hub serving on
# loopback, community nodes enrolled at it, and readers of its queue and summary.
# Source after tests/e2e/lib.sh.
S="$E2E_TMP/street"
"$HUB" --dir "$S" init --role street --name 望海樓街 >"$E2E_TMP/s.init"
SKEY=$(last_line <"$E2E_TMP/s.init")
start_server STREET "$HUB" --dir "$S" serve --listen 127.0.0.1:0

node_init() { # n code name
  "$NODE" --dir "$E2E_TMP/$1" init --community "$3" --street 望海樓街 --hub "$STREET_URL" \
    --code "$2" --hub-key "$SKEY" >"$E2E_TMP/$1.init"
  "$HUB" --dir "$S" enroll --name "$3" --key "$(last_line <"$E2E_TMP/$1.init")" --code "$2" >/dev/null
}
report() { # n org month activities
  "$NODE" --dir "$E2E_TMP/$1" report monthly --org "$2" --month "$3" --activities "$4" \
    --participants 10 --party-participants 1 --content 活動 >/dev/null
}
sync() { "$NODE" --dir "$E2E_TMP/$1" sync >/dev/null || fail "sync $1"; }
# pending batch IDs of community code $1, oldest first (the text list: ID first, code third)
pending() {
  "$HUB" --dir "$S" review list | awk -v c="$1" '$3 == c { printf "%s%s", (n++ ? " " : ""), $1 }'
}
# counts CODE: one community's figures from the street's summary into shell variables
# accepted_<field> and pending_<field> (one python start: the machine may be slow).
counts() {
  eval "$(curl -sf "$STREET_URL/api/v1/summary" | python3 -c '
import json, sys
s = json.load(sys.stdin)
c = [c for c in s["streets"][0]["communities"] if c["code"] == sys.argv[1]][0]
for st in ("accepted", "pending"):
    for k, v in c[st].items():
        print("%s_%s=%d" % (st, k, v))' "$1")"
}
expect() { # actual expected what
  [ "$1" = "$2" ] || fail "$3: got '$1', want '$2'"
}

# shanghai_date DAYS: the date DAYS days from now (negative: ago) in Asia/Shanghai.
shanghai_date() {
  python3 -c 'import datetime,sys; t=datetime.timezone(datetime.timedelta(hours=8)); print((datetime.datetime.now(t)+datetime.timedelta(days=int(sys.argv[1]))).date().isoformat())' "$1"
}
# issued_days_ago DAYS CMD...: run CMD with its clock set DAYS days back (LINLI_FAKE_NOW_MS):
# a decision is only taken with a deadline in the future, so one already overdue today was
# issued earlier.
issued_days_ago() {
  local days=$1; shift
  LINLI_FAKE_NOW_MS=$(python3 -c 'import time,sys; print(int(time.time()*1000) - int(sys.argv[1])*86400000)' "$days") "$@"
}
