#!/usr/bin/env bash
# bench/attach.sh - files on the wire, node -> street hub over loopback, through a
# byte-counting TCP relay: a 5 MB photo's upload (time, bytes up and down, requests),
# the same upload cut by the relay at 50% of its bytes and resumed by the next sync (bytes
# sent again), and 50 MB of photos (ten of 5 MB, the default cap being 10 MB a file) in
# one sync.  Each upload includes the push of its file.attached entry.  Figures, never
# pass/fail.  Usage: bench/attach.sh [BUILD_DIR] [RUNS]
RUNS=${2:-3}
source "$(dirname "$0")/lib.sh" "${1:-build}" attach
now_ms() { date +%s%3N; }
photo() { { printf '\xff\xd8\xff\xe0'; head -c $((5000000 - 4)) /dev/urandom; } >"$1"; }

"$HUB" --dir "$T/s" init --role street --name 望海楼街 >"$T/s.init"
SKEY=$(tail -n 1 "$T/s.init")
serve S "$T/s"
"$HUB" --dir "$T/s" quota 10000000000 >/dev/null # the figures, not the daily quota
relay R "${S_URL##*:}"
"$NODE" --dir "$T/n" init --community 建昌道社区 --street 望海楼街 --hub "http://127.0.0.1:$R_PORT" \
  --code 120105001001 --hub-key "$SKEY" >"$T/n.init"
"$HUB" --dir "$T/s" enroll --name 建昌道社区 --key "$(tail -n 1 "$T/n.init")" --code 120105001001 >/dev/null
org=$("$NODE" --dir "$T/n" org file --name 建昌道社区读书会 --category 文体 --leader 张 \
  --phone 13800000000 --members 10 --party-members 1 2>/dev/null | tail -n 1)
"$NODE" --dir "$T/n" sync >/dev/null 2>&1 || true # enrol, pins: not counted
"$NODE" --dir "$T/n" sync >/dev/null 2>&1 || true
k=0
attach() { k=$((k + 1)); photo "$T/p$k.jpg"; "$NODE" --dir "$T/n" attach --org "$org" "$T/p$k.jpg" \
  --title "照片$k" --heading activity | tail -n 1; }
median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
# timed_sync FILE: one sync through the relay; "ms up down connections" appended to FILE.
timed_sync() {
  local c0 u0 d0 c1 u1 d1 t0 t1
  read -r c0 u0 d0 < <(count R)
  t0=$(now_ms)
  "$NODE" --dir "$T/n" sync >/dev/null 2>&1 || echo "sync failed" >&2
  t1=$(now_ms)
  read -r c1 u1 d1 < <(count R)
  echo "$((t1 - t0)) $((u1 - u0)) $((d1 - d0)) $((c1 - c0))" >>"$1"
}
col() { cut -d' ' -f"$2" "$T/$1" | median; } # FILE COLUMN: the median of a column

# 1. One 5 MB photo.
: >"$T/one"
for r in $(seq 1 "$RUNS"); do
  attach >/dev/null
  timed_sync "$T/one"
done
one_ms=$(col one 1); one_up=$(col one 2); one_down=$(col one 3); one_req=$(col one 4)

# 2. Cut at 50% of the photo's bytes, then the next sync resumes.
: >"$T/cut"
for r in $(seq 1 "$RUNS"); do
  attach >"$T/h" # not in a subshell: k counts on
  h=$(cat "$T/h")
  read -r c0 u0 d0 < <(count R)
  echo 2500000 >"$T/R.cut"
  "$NODE" --dir "$T/n" sync >/dev/null 2>&1 && echo "the cut sync did not fail" >&2
  read -r c1 u1 d1 < <(count R)
  held=$(stat -c %s "$T/s/files/partial/$h" 2>/dev/null || echo 0)
  : >"$T/resume"
  timed_sync "$T/resume"
  read -r ms up _ < "$T/resume"
  cmp -s "$T/p$k.jpg" "$T/s/files/$h" || echo "the resumed file differs" >&2
  echo "$((u1 - u0)) $held $up $ms $((u1 - u0 + up))" >>"$T/cut"
done
cut_first=$(col cut 1); cut_held=$(col cut 2); cut_again=$(col cut 3); cut_ms=$(col cut 4)
cut_total=$(col cut 5)

# 3. 50 MB: ten 5 MB photos in one sync.
: >"$T/fifty"
for r in $(seq 1 "$RUNS"); do
  for i in $(seq 1 10); do attach >/dev/null; done
  timed_sync "$T/fifty"
done
f_ms=$(col fifty 1); f_up=$(col fifty 2); f_down=$(col fifty 3); f_req=$(col fifty 4)

mbs() { awk -v b="$1" -v ms="$2" 'BEGIN { printf "%.1f MB/s", ms ? b / 1000 / ms : 0 }'; }
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) (at the end); median of $RUNS runs"
echo
echo "| figure | value |"
echo "|---|---|"
echo "| one 5 MB photo (5,000,000 B), node -> street over loopback: sync time | $one_ms ms ($(mbs "$one_up" "$one_ms")) |"
echo "| ... bytes on the wire | $one_up B up ($((one_up - 5000000)) B over the file), $one_down B down, $one_req connections |"
echo "| cut by the relay at 2,500,000 B up (50%): bytes up before the cut | $cut_first B; the street kept $cut_held B (whole 1 MiB chunks) |"
echo "| ... the next sync resumes: bytes up | $cut_again B ($((5000000 - cut_held)) B of the file were missing), $cut_ms ms |"
echo "| ... both syncs together | $cut_total B up, $((cut_total - 5000000)) B over the file (the cut chunk's part sent twice, headers, the entry) |"
echo "| 50 MB (ten 5 MB photos) in one sync | $f_ms ms ($(mbs "$f_up" "$f_ms")); $f_up B up, $f_down B down, $f_req connections |"
