#!/usr/bin/env bash
# bench/couch/run.sh - the CouchDB-protocol peer of linli's 6,000-report sync
# benchmark (issue 8): PouchDB (LevelDB on disk) replicates the same 6,050
# documents to pouchdb-server 4.2.0's stack on 127.0.0.1 (LevelDB on disk).
# Prints "name value unit" lines, each the median of --runs N (default 3).
# Run by hand (it is a benchmark, never part of CTest or CI):
#   bench/couch/run.sh [--runs N] [--fsync on|off] [--store disk|memory] [--reports 6000] [--orgs 50]
# (--store memory: the server in memory, as `pouchdb-server --in-memory` runs it)
# The first run installs the pinned packages (package-lock.json) with `npm ci`.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)

command -v node >/dev/null 2>&1 || {
  echo "bench/couch: node is not installed (Node.js 18 or later is needed)." >&2
  exit 2
}
major=$(node -p 'process.versions.node.split(".")[0]')
[ "$major" -ge 18 ] 2>/dev/null || {
  echo "bench/couch: Node.js $(node --version) is too old (18 or later is needed)." >&2
  exit 2
}

if [ ! -d "$HERE/node_modules/pouchdb-server" ] || [ ! -d "$HERE/node_modules/pouchdb-node" ]; then
  command -v npm >/dev/null 2>&1 || {
    echo "bench/couch: npm is not installed; install Node.js's npm, then run: (cd $HERE && npm ci --ignore-scripts)" >&2
    exit 2
  }
  echo "bench/couch: installing the pinned packages (npm ci, once)..." >&2
  # --ignore-scripts: leveldown ships prebuilt binaries that it loads at run
  # time; the only other install script is sqlite3's (pouchdb-server's unused
  # --sqlite option), which would try to download or compile a binary.
  if ! (cd "$HERE" && npm ci --ignore-scripts --no-audit --no-fund >"${TMPDIR:-/tmp}/linli-couch-npm.log" 2>&1); then
    echo "bench/couch: 'npm ci' failed (no network to the npm registry?); see ${TMPDIR:-/tmp}/linli-couch-npm.log." >&2
    echo "bench/couch: to run this benchmark, install the packages where the npm registry is reachable:" >&2
    echo "bench/couch:   (cd $HERE && npm ci --ignore-scripts)   then run $0 again." >&2
    rm -rf "$HERE/node_modules"
    exit 2
  fi
fi

PID=
cleanup() {
  if [ -n "$PID" ]; then
    kill "$PID" 2>/dev/null
    wait "$PID" 2>/dev/null
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

# replicate.js forks its server (127.0.0.1, port 0) and stops it on exit.
node "$HERE/replicate.js" "$@" &
PID=$!
wait "$PID"
rc=$?
PID=
exit "$rc"
