#!/usr/bin/env bash
# --version on both programs: one line naming the program, the release from
# CMakeLists.txt, the protocol version and the schema version, and the schema version
# is the one a new database gets.
here=$(cd "$(dirname "$0")" && pwd)
source "$here/e2e/lib.sh"
: "${SRC:?SRC must name the source tree}"
want=$(sed -n 's/^project(linli VERSION \([0-9.]*\).*/\1/p' "$SRC/CMakeLists.txt")
[ -n "$want" ] || fail "no project version in CMakeLists.txt"
for p in node hub; do
  line=$("$BIN/$p/linli-$p" --version) || fail "linli-$p --version"
  [ "$(printf '%s\n' "$line" | wc -l)" = 1 ] || fail "linli-$p --version is not one line"
  [[ $line =~ ^linli-$p\ ([0-9.]+)\ \(protocol\ ([0-9]+),\ schema\ ([0-9]+)\)$ ]] \
    || fail "linli-$p --version: '$line'"
  [ "${BASH_REMATCH[1]}" = "$want" ] || fail "linli-$p says ${BASH_REMATCH[1]}, CMakeLists.txt $want"
  printf -v "SCHEMA_$p" '%s' "${BASH_REMATCH[3]}"
done
"$NODE" --dir "$E2E_TMP/n" init --community c --street s --hub http://127.0.0.1:9 --code 120105001001 >/dev/null
"$HUB" --dir "$E2E_TMP/h" init --role street --name s >/dev/null
uv() { python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("PRAGMA user_version").fetchone()[0])' "$1"; }
[ "$(uv "$E2E_TMP/n/node.db")" = "$SCHEMA_node" ] || fail "node schema version"
[ "$(uv "$E2E_TMP/h/hub.db")" = "$SCHEMA_hub" ] || fail "hub schema version"
ok "--version: program, release, protocol and schema, as the databases say"
