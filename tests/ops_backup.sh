#!/usr/bin/env bash
# Backup of a street hub while it ingests, and restore: real processes on loopback.
# Three nodes push batches in a loop while `linli-hub backup` runs several times;
# every backup restores into an empty directory (chains verified, projection
# rebuilt), holds a prefix of each log the source holds at the end (the source at
# one point in time), and its stored projection equals the one rebuilt from its logs.
# A backup without the key needs --key; a wrong key, a non-empty directory and a
# file that is not a backup are refused and leave nothing behind.
here=$(cd "$(dirname "$0")" && pwd)
source "$here/e2e/lib.sh"

S="$E2E_TMP/street"
"$HUB" --dir "$S" init --role street --name 望海楼街 >"$E2E_TMP/s.init"
SKEY=$(last_line <"$E2E_TMP/s.init")
start_server STREET "$HUB" --dir "$S" serve --listen 127.0.0.1:0

for i in 1 2 3; do
  code=12010500100$i
  "$NODE" --dir "$E2E_TMP/n$i" init --community "社区$i" --street 望海楼街 --hub "$STREET_URL" \
    --code "$code" --hub-key "$SKEY" >"$E2E_TMP/n$i.init"
  "$HUB" --dir "$S" enroll --name "社区$i" --key "$(last_line <"$E2E_TMP/n$i.init")" \
    --code "$code" >/dev/null
  "$NODE" --dir "$E2E_TMP/n$i" org file --name "社区${i}读书会" --category 文体 --leader 张 \
    --phone 13800000000 --members 10 --party-members 1 --filed 2020-01-01 >/dev/null
done

# Writers: each node writes a year of monthly reports in batches and pushes each.
writer() {
  local i=$1 y m org
  org=$("$NODE" --dir "$E2E_TMP/n$i" org list | cut -f1 | head -1)
  for y in 2021 2022 2023 2024; do
    { echo "org,month,activities,participants,party_participants,content,scope,good_deeds"
      for m in 01 02 03 04 05 06 07 08 09 10 11 12; do
        echo "$org,$y-$m,$i,$((i * 10)),1,活动$y$m,,"
      done; } >"$E2E_TMP/w$i.csv"
    "$NODE" --dir "$E2E_TMP/n$i" import reports "$E2E_TMP/w$i.csv" >/dev/null || return 1
    "$NODE" --dir "$E2E_TMP/n$i" sync >/dev/null || return 1
  done
}
WPIDS=()
for i in 1 2 3; do
  writer $i &
  WPIDS+=($!)
  E2E_PIDS+=($!)
done

# Backups while the writers push.
n=0
while :; do
  n=$((n + 1))
  "$HUB" --dir "$S" backup "$E2E_TMP/b$n.db" >"$E2E_TMP/b$n.out" || fail "backup $n while ingesting"
  running=0
  for p in "${WPIDS[@]}"; do kill -0 "$p" 2>/dev/null && running=1; done
  [ $running = 1 ] && [ $n -lt 30 ] || break
done
for p in "${WPIDS[@]}"; do wait "$p" || fail "a writer failed"; done
n=$((n + 1))
"$HUB" --dir "$S" backup "$E2E_TMP/b$n.db" --with-key >"$E2E_TMP/b$n.out" || fail "last backup"
grep -q 含本级密钥 "$E2E_TMP/b$n.out" || fail "--with-key: the output does not say the key is in"
ok "$n backups taken while three nodes pushed"

# The key stays out unless asked for.
python3 - "$E2E_TMP/b1.db" "$E2E_TMP/b$n.db" <<'PY' || fail "key in or out of the backup"
import sqlite3, sys
def key(p):
    return sqlite3.connect(p).execute("SELECT count(*) FROM config WHERE key='backup_identity'").fetchone()[0]
assert key(sys.argv[1]) == 0, "key in a backup made without --with-key"
assert key(sys.argv[2]) == 1, "no key in a backup made with --with-key"
PY

# The source at the end, for the prefix check.
stop_server "$STREET_PID"
for k in $(seq 1 $n); do
  R="$E2E_TMP/r$k"
  if [ $k = $n ]; then
    "$HUB" --dir "$R" restore "$E2E_TMP/b$k.db" >"$E2E_TMP/r$k.out" || fail "restore $k"
  else
    "$HUB" --dir "$R" restore "$E2E_TMP/b$k.db" --key "$S/identity.key" >"$E2E_TMP/r$k.out" \
      || fail "restore $k"
  fi
  python3 - "$E2E_TMP/b$k.db" "$R/hub.db" "$S/hub.db" <<'PY' || fail "backup $k is not the source at one point in time"
import sqlite3, sys
b, r, s = (sqlite3.connect(p) for p in sys.argv[1:4])
def entries(db):
    return {(a, q): h for a, q, h in db.execute("SELECT author, seq, hash FROM entries")}
eb, es = entries(b), entries(s)
for k, h in eb.items():
    assert es.get(k) == h, "an entry of the backup is not the source's"
heads = {a: q for a, q in b.execute("SELECT key, head_seq FROM authors")}
for a, q in heads.items():
    got = sorted(s for (x, s) in eb if x == a)
    assert got == list(range(1, q + 1)), "a log in the backup is not whole up to its head"
# what the projection held at backup time equals what restore rebuilt from the logs
for t in ("communities", "organisations", "reports", "activities"):
    try:
        rows_b = sorted(map(repr, b.execute("SELECT * FROM %s" % t)))
    except sqlite3.OperationalError:
        continue
    rows_r = sorted(map(repr, r.execute("SELECT * FROM %s" % t)))
    assert rows_b == rows_r, "table %s: stored projection differs from the rebuilt one" % t
PY
  [ "$(ls "$R" | sort | tr '\n' ' ')" = "hub.db identity.key " ] || fail "restore $k left other files"
done
final=$(python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("select count(*) from entries").fetchone()[0])' "$E2E_TMP/b$n.db")
[ "$final" -ge 147 ] || fail "the last backup holds $final entries, want all 3 x (1 + 48)"
ok "every backup restores, verifies and is a consistent prefix of the source"

# The restored hub serves its nodes on.
start_server R "$HUB" --dir "$E2E_TMP/r$n" serve --listen 127.0.0.1:0
curl -sf "$R_URL/api/v1/summary" >/dev/null || fail "the restored hub does not answer"
ok "the restored hub serves"

# Refusals leave nothing behind.
"$HUB" --dir "$E2E_TMP/x1" restore "$E2E_TMP/b1.db" 2>"$E2E_TMP/x1.err" && fail "restore without key"
grep -q -- --key "$E2E_TMP/x1.err" || fail "no hint to --key"
[ -z "$(ls -A "$E2E_TMP/x1" 2>/dev/null)" ] || fail "a refused restore left files"
"$HUB" --dir "$E2E_TMP/x2" restore "$E2E_TMP/b1.db" --key "$E2E_TMP/n1/identity.key" 2>/dev/null \
  && fail "restore with another key"
[ -z "$(ls -A "$E2E_TMP/x2" 2>/dev/null)" ] || fail "a refused restore left files"
"$HUB" --dir "$E2E_TMP/r1" restore "$E2E_TMP/b1.db" --key "$S/identity.key" 2>/dev/null \
  && fail "restore into a directory that holds a hub"
echo "not a database" >"$E2E_TMP/junk.db"
"$HUB" --dir "$E2E_TMP/x3" restore "$E2E_TMP/junk.db" --key "$S/identity.key" 2>/dev/null \
  && fail "restore from junk"
[ -z "$(ls -A "$E2E_TMP/x3" 2>/dev/null)" ] || fail "a refused restore left files"
"$HUB" --dir "$S" backup "$E2E_TMP/b1.db" 2>/dev/null && fail "backup over an existing file"
ok "refusals change nothing"
