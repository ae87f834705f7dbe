#!/bin/bash
# node_cli: every linli-node command and every refusal of issue 3, run against
# the real binary.  Usage: node_cli.sh /path/to/linli-node
set -u
BIN=${1:?usage: node_cli.sh LINLI_NODE}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
# A fixed "now": 2026-11-15 12:00 Asia/Shanghai.
export LINLI_FAKE_NOW_MS=1794715200000
D=$T/node
FAILS=0
fail() { echo "FAIL: $*" >&2; FAILS=$((FAILS + 1)); }

# run EXPECTED_RC ARGS...: runs linli-node --dir $D ARGS, keeps stdout in $OUT
# and stderr in $ERR, checks the exit code.
run() {
  local want=$1
  shift
  "$BIN" --dir "$D" "$@" >"$T/out" 2>"$T/err"
  local rc=$?
  OUT=$(cat "$T/out")
  ERR=$(cat "$T/err")
  if [ "$rc" != "$want" ]; then
    fail "linli-node $* exited $rc, expected $want; stderr: $ERR"
  fi
}
contains() { case "$1" in *"$2"*) return 0 ;; esac; return 1; }
written() { "$BIN" --dir "$D" status --json | sed 's/.*"written":\([0-9]*\).*/\1/'; }

# --- help and usage ---
"$BIN" --help >"$T/out" 2>&1 || fail "--help"
for c in "init" "org file" "org amend" "org dissolve" "org list" "report monthly" \
         "report list" "activity declare" "activity list" "rectification file" \
         "import reports" "sync" \
         "status" "inbox" "bundle export" "serve" "restore" "rebuild"; do
  # shellcheck disable=SC2086
  "$BIN" --dir "$D" $c --help >"$T/out" 2>&1 || fail "$c --help exited non-zero"
  grep -q "用法：linli-node --dir DIR $c" "$T/out" || fail "$c --help lacks usage"
done
# every option org file takes is in its help, the list ones explained in Chinese
"$BIN" --dir "$D" org file --help >"$T/out" 2>&1
for o in --name --category --leader --phone --members --party-members --party-station \
         --founded-by --scope --venue --filed --industry --unit; do
  grep -q -- "$o" "$T/out" || fail "org file --help does not mention $o"
done
grep -q -- "--industry（行业）" "$T/out" && grep -q -- "--unit（主管单位）" "$T/out" \
  || fail "org file --help does not say what --industry and --unit are"
run 1 frobnicate
run 1 org file --bogus x
"$BIN" org list >/dev/null 2>&1; [ $? = 1 ] || fail "no --dir is a usage error"
run 1 org list  # not initialised yet

# --- init ---
run 1 init --community 和平社區
run 2 init --community 和平社區 --street 新華街 --hub http://127.0.0.1:9 --code 12345
run 0 init --community 和平社區 --street 新華街 --hub http://127.0.0.1:9 --code 120105001001
contains "$(echo "$OUT" | head -1)" "密钥指纹" || fail "init prints the fingerprint first"
KEY=$(echo "$OUT" | tail -1)
[[ "$KEY" =~ ^[0-9a-f]{64}$ ]] || fail "init's last line is not the public key: $KEY"
[ "$(stat -c %a "$D/identity.key")" = 600 ] || fail "identity.key is not 0600"
# personal data too: every file 0600 in a 0700 directory
[ "$(stat -c %a "$D")" = 700 ] || fail "$D is not 0700"
for f in "$D"/*; do
  [ "$(stat -c %a "$f")" = 600 ] || fail "$f is not 0600"
done
run 2 init --community x --street y --hub http://127.0.0.1:9
contains "$ERR" "linli-node: 错误：" || fail "errors start with linli-node: 错误："

# the community's code is required: the hub takes records only about
# organisations numbered <code>-NNNN
D2=$T/node2
"$BIN" --dir "$D2" init --community a --street b --hub http://127.0.0.1:9 >/dev/null 2>"$T/err"
[ $? = 2 ] || fail "init without --code must exit 2"
grep -q -- "--code" "$T/err" || fail "init without --code names it"
[ -e "$D2/node.db" ] && fail "init without --code created a node"

# --- org file ---
ORG=(--category 養老 --leader 張三 --phone 13800000000 --members 20 --party-members 2 --filed 2005-01-01)
run 0 org file --name 夕陽紅志願隊 "${ORG[@]}" --scope 助老 --venue 活動室
O1=$(echo "$OUT" | tail -1)
[ "$O1" = "120105001001-0001" ] || fail "first filing number is $O1"
N=$(written)
# every required field missing in turn, named in Chinese
declare -A ZH=([--name]=名称 [--category]=类别 [--leader]=负责人 [--phone]=联系电话 [--members]=成员人数
  [--party-members]=党员人数)
for f in --name --category --leader --phone --members --party-members; do
  all=(--name 甲隊 --category 養老 --leader 張三 --phone 138 --members 20 --party-members 2)
  args=()
  for ((i = 0; i < ${#all[@]}; i += 2)); do
    [ "${all[$i]}" = "$f" ] || args+=("${all[$i]}" "${all[$((i + 1))]}")
  done
  run 2 org file "${args[@]}"
  contains "$ERR" "缺少必填项“${ZH[$f]}”" || fail "missing $f: message does not name it: $ERR"
done
run 2 org file --name 甲 --category c --leader l --phone p --members -3 --party-members 0
contains "$ERR" "不能为负数" || fail "negative members message: $ERR"
run 2 org file --name 甲 --category c --leader l --phone p --members 5 --party-members 6
# The records layer writes Traditional; people read it folded to Simplified.
contains "$ERR" "党员人数不能多于成员人数" || fail "party > members message: $ERR"
! contains "$ERR" "黨員" || fail "a command-line error in Traditional: $ERR"
run 2 org file --name 甲 --category c --leader l --phone p --members 100001 --party-members 0
run 2 org file --name 甲 --category c --leader l --phone p --members abc --party-members 0
run 2 org file --name 甲 --category c --leader l --phone p --members 5 --party-members 0 --party-station maybe
run 2 org file --name 甲 --category c --leader l --phone p --members 5 --party-members 0 --founded-by nobody
run 2 org file --name 甲 --category c --leader l --phone p --members 5 --party-members 0 --filed 2026-12-01
run 2 org file --name 甲 --category c --leader l --phone p --members 5 --party-members 0 --filed 2026-02-30
[ "$(written)" = "$N" ] || fail "a refused filing wrote something"

# flags: naming norm in both scripts, party station
run 0 org file --name 和平社區助老工作站 --category c --leader l --phone p --members 5 \
    --party-members 0 --founded-by street
O2=$(echo "$OUT" | tail -1)
run 0 org file --name 和平社区助残工作站 --category c --leader l --phone p --members 5 \
    --party-members 0 --founded-by district-unit
O3=$(echo "$OUT" | tail -1)
run 0 org file --name 助學會 --category c --leader l --phone p --members 5 \
    --party-members 0 --founded-by district-unit
O4=$(echo "$OUT" | tail -1)
contains "$ERR" "名称不符合" || fail "flagged name: no warning on stderr"
run 0 org file --name 書畫社 --category c --leader l --phone p --members 9 --party-members 3
O5=$(echo "$OUT" | tail -1)
run 0 org file --name 棋牌社 --category c --leader l --phone p --members 9 --party-members 3 \
    --party-station yes --filed 2026-03-01
O6=$(echo "$OUT" | tail -1)
run 0 org list
LIST=$OUT
line() { echo "$LIST" | grep "^$1"; }
[[ "$(line "$O1")" == "$O1"$'\t'"正常"$'\t'"-"$'\t'*$'\t'"自发成立"$'\t'* ]] || fail "org list line: $(line "$O1")"
[[ "$(line "$O2")" == *$'\t-\t'* ]] || fail "Traditional conforming name flagged: $(line "$O2")"
[[ "$(line "$O3")" == *$'\t-\t'* ]] || fail "Simplified conforming name flagged: $(line "$O3")"
[[ "$(line "$O4")" == *名称不符合规范* ]] || fail "non-conforming name not flagged: $(line "$O4")"
[[ "$(line "$O5")" == *缺少党员活动站* ]] || fail "3 party members without station not flagged"
# the yes/no box no longer clears the flag: only an accepted station registration does
[[ "$(line "$O6")" == *缺少党员活动站* ]] || fail "box alone cleared the station flag: $(line "$O6")"
run 0 org list --json
contains "$OUT" '"id":"'"$O4"'"' || fail "org list --json lacks $O4"
contains "$OUT" '"flags":["name_norm"]' || fail "org list --json lacks the flag"
contains "$OUT" '"name":"和平社區助老工作站"' || fail "name not stored as typed"

# --- org amend / dissolve ---
# An amendment waits for the street: until it is accepted the details (and the flags
# computed from them) stay the last accepted version's, the amendment shown as pending
# (review_filing.sh and review_e2e.sh see it accepted and rejected).
run 0 org amend "$O5" --party-members 2
run 0 org list
[[ "$(echo "$OUT" | grep "^$O5")" == *缺少党员活动站* ]] || fail "a pending amendment changed the flags"
run 0 org amend "$O1" --leader 李四 --phone 13900000000
run 0 org list --json
! contains "$OUT" '"leader":"李四"' || fail "a pending amendment changed the details"
contains "$OUT" '"review":"pending"' || fail "the pending amendment is not shown as pending"
run 2 org amend "$O1"
run 2 org amend "$O1" --members 1
run 2 org amend 120105001001-0099 --leader x
run 2 org dissolve "$O6"
run 0 org dissolve "$O6" --reason 停止活動
run 0 org list
[[ "$(echo "$OUT" | grep "^$O6")" == "$O6"$'\t'已解散* ]] || fail "dissolved status"
run 2 org amend "$O6" --leader x
run 2 org dissolve "$O6" --reason again

# --- monthly reports ---
R=(--activities 4 --participants 120 --party-participants 6 --content 探訪獨居老人)
run 0 report monthly --org "$O1" --month 2026-10 "${R[@]}" --scope 助老 --good-deeds 拾金不昧
REC=$(echo "$OUT" | tail -1)
[[ "$REC" =~ ^[0-9a-f]{64}/[0-9]+$ ]] || fail "report prints its record id: $REC"
run 0 report monthly --org "$O1" --month 2026-11 "${R[@]}"      # this month
run 0 report monthly --org "$O1" --month 2025-01 "${R[@]}"      # back-fill
run 0 report monthly --org "$O1" --month 2026-10 --activities 5 --participants 130 \
    --party-participants 6 --content 更正
N=$(written)
run 2 report monthly --month 2026-10 "${R[@]}"
run 2 report monthly --org "$O1" "${R[@]}"
run 2 report monthly --org "$O1" --month 2026-10 --activities 4 --participants 120 --party-participants 6
run 2 report monthly --org "$O1" --month 2026-10 --activities -1 --participants 120 --party-participants 6 --content x
run 2 report monthly --org "$O1" --month 2026-10 --activities 4 --participants 1000001 --party-participants 6 --content x
run 2 report monthly --org "$O1" --month 2026-10 --activities 4 --participants 10 --party-participants 11 --content x
for m in 2026-13 2026-1 26-10 2026/10 abc 2026-00; do
  run 2 report monthly --org "$O1" --month "$m" "${R[@]}"
done
run 2 report monthly --org "$O1" --month 2026-12 "${R[@]}"
contains "$ERR" "未来月份" || fail "future month message: $ERR"
run 2 report monthly --org 120105001001-0099 --month 2026-10 "${R[@]}"
contains "$ERR" "没有这个组织" || fail "unknown org message: $ERR"
run 2 report monthly --org "$O6" --month 2026-10 "${R[@]}"
contains "$ERR" "已解散" || fail "dissolved org message: $ERR"
[ "$(written)" = "$N" ] || fail "a refused report wrote something"
run 0 report list
[ "$(echo "$OUT" | grep -c "^$O1"$'\t'"2026-10")" = 1 ] || fail "a correction must replace the report"
contains "$OUT" "更正" || fail "the current report is the correction"
run 0 report list --month 2026-10 --json
contains "$OUT" '"org":"'"$O1"'"' || fail "report JSON has org"
contains "$OUT" '"month":"2026-10"' || fail "report JSON has month"
contains "$OUT" '"corrections":1' || fail "history is counted"
run 0 report list --org "$O2"
[ -z "$OUT" ] || fail "report list --org filters"

# --- major activity ---
A=(--title 義診 --place 社區廣場 --expected 200)
run 0 activity declare --org "$O1" --date 2026-12-01 "${A[@]}"
[ "$(echo "$OUT" | tail -1)" = "120105001001-A0001" ] || fail "activity id: $OUT"
run 2 activity declare --org "$O1" --date 2026-11-14 "${A[@]}"
contains "$ERR" "之前汇报" || fail "activity in the past message: $ERR"
run 2 activity declare --org "$O1" --date 2026-11-31 "${A[@]}"
run 2 activity declare --org "$O1" --date 2026-12-01 --title 義診 --place 廣場 --expected 1000001
run 2 activity declare --org "$O1" --date 2026-12-01 --place 廣場 --expected 10
run 2 activity declare --org 120105001001-0099 --date 2026-12-01 "${A[@]}"
run 2 activity declare --org "$O6" --date 2026-12-01 "${A[@]}"

run 0 activity list
contains "$OUT" "120105001001-A0001	2026-12-01" || fail "activity list: $OUT"
contains "$OUT" "已汇报	街道：待确认	区协会：待确认" || fail "activity escalation: $OUT"
run 0 activity list --json
contains "$OUT" '"escalation":"declared"' || fail "activity list --json: $OUT"
run 0 report list --json
contains "$OUT" '"review":"pending"' || fail "report list --json lacks the review status: $OUT"
run 0 org list --json
contains "$OUT" '"review":"pending"' || fail "org list --json lacks the review status: $OUT"

# --- rectification ---
HUBREC=$(printf 'a%.0s' {1..64})/7
run 0 rectification file --org "$O4" --decision "$HUBREC" --content 已更名
run 2 rectification file --org "$O4" --decision nonsense --content 已更名
run 2 rectification file --org "$O4" --decision "$HUBREC"

# --- CSV import ---
printf '\xef\xbb\xbforg,month,activities,participants,party_participants,content,scope,good_deeds\r\n' >"$T/ok.csv"
printf '%s,2026-01,2,30,1,"讀報, 聊天",助老,\r\n' "$O1" >>"$T/ok.csv"
printf '%s,2026-02,3,40,2,"多行\n內容",,"好人""好事"""\r\n' "$O1" >>"$T/ok.csv"
N=$(written)
run 0 import reports "$T/ok.csv"
[ "$(echo "$OUT" | tail -1)" = 2 ] || fail "import count: $OUT"
[ "$(written)" = $((N + 2)) ] || fail "import wrote $(written) - $N"
run 0 report list --org "$O1" --month 2026-02 --json
contains "$OUT" '好人\"好事\"' || fail "quoted CSV field: $OUT"
printf 'org,month,activities,participants,party_participants,content,scope,good_deeds\n' >"$T/bad.csv"
printf '%s,2026-03,2,30,1,a,,\n%s,2026-04,2,30,1,b,,\n%s,2026-05,2,30,40,c,,\n' "$O1" "$O1" "$O1" >>"$T/bad.csv"
N=$(written)
run 2 import reports "$T/bad.csv"
contains "$ERR" "第4行" || fail "import error does not name the row: $ERR"
[ "$(written)" = "$N" ] || fail "a refused import wrote something"
printf 'org,month\n%s,2026-03\n' "$O1" >"$T/hdr.csv"
run 2 import reports "$T/hdr.csv"
printf 'org,month,activities,participants,party_participants,content,scope,good_deeds\n%s,2026-03,2,30,1,a,,\n%s,2026-04,2,30,1,b,,\n' "$O1" "$O6" >"$T/dis.csv"
run 2 import reports "$T/dis.csv"
contains "$ERR" "第3行" || fail "import of a dissolved org does not name the row: $ERR"
[ "$(written)" = "$N" ] || fail "a refused import wrote something"
run 5 import reports "$T/missing.csv"
# The header as staff write it in a spreadsheet: Chinese column words.
printf '\xef\xbb\xbf备案编号,月份,活动次数,参加人次,党员参加人次,活动内容,服务范围,好人好事\r\n' >"$T/zh.csv"
printf '%s,2026-06,1,12,1,读报,,\r\n' "$O1" >>"$T/zh.csv"
N=$(written)
run 0 import reports "$T/zh.csv"
[ "$(written)" = $((N + 1)) ] || fail "a Chinese header was not imported"
# A refused row is named in Simplified Chinese, the records layer's words folded.
printf '备案编号,月份,活动次数,参加人次,党员参加人次,活动内容,服务范围,好人好事\n%s,2026-07,2,30,40,c,,\n' "$O1" >"$T/zhbad.csv"
run 2 import reports "$T/zhbad.csv"
contains "$ERR" "第2行" || fail "import error does not name the row in Chinese: $ERR"
contains "$ERR" "党员" || fail "import error is not Simplified: $ERR"

# --- status, inbox, bundle, rebuild ---
run 0 status
contains "$OUT" "本机记录：$(written)" || fail "status text: $OUT"
run 0 status --json
contains "$OUT" '"acknowledged":0' || fail "status --json: $OUT"
contains "$OUT" '"unread":0' || fail "status --json unread: $OUT"
run 0 inbox
[ -z "$OUT" ] || fail "empty inbox prints nothing"
run 0 inbox --json
[ "$OUT" = "[]" ] || fail "empty inbox JSON: $OUT"
run 0 bundle export "$T/usb.bundle"
[ "$(echo "$OUT" | tail -1)" = "$(written)" ] || fail "bundle holds every pending entry: $OUT"
[ "$(head -c 4 "$T/usb.bundle")" = "LNBD" ] || fail "bundle magic"
B1=$("$BIN" --dir "$D" org list --json; "$BIN" --dir "$D" report list --json)
run 0 rebuild
B2=$("$BIN" --dir "$D" org list --json; "$BIN" --dir "$D" report list --json)
[ "$B1" = "$B2" ] || fail "rebuild changed the projection"

# --- sync against an unreachable hub: gives up fast, exit 3, data stays queued ---
N=$(written)
start=$(date +%s)
run 3 sync
[ $(( $(date +%s) - start )) -lt 30 ] || fail "sync took 30 s or more"
contains "$ERR" "http://127.0.0.1:9" || fail "sync error names the URL: $ERR"
[ "$(written)" = "$N" ] || fail "sync lost data"

if [ "$FAILS" != 0 ]; then
  echo "$FAILS failures" >&2
  exit 1
fi
echo "node_cli: all passed"
