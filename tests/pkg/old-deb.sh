#!/usr/bin/env bash
# old-deb.sh: build the Debian package of an earlier release, for the upgrade stage of
# tests/pkg/fresh-root-check.sh.
#
#   git archive COMMIT | tar -x -C SRC      # the earlier release's tree
#   bash tests/pkg/old-deb.sh SRC OUTDIR    # prints the .deb's path last
#
# The tree is configured with the defaults in SRC/build and packaged with CPack.
set -euo pipefail
fail() { echo "FAIL: $*" >&2; exit 1; }
[ $# = 2 ] || fail "usage: old-deb.sh SRC OUTDIR"
src=$(cd "$1" && pwd)
out=$(mkdir -p "$2" && cd "$2" && pwd)
[ -f "$src/CMakeLists.txt" ] || fail "$src holds no source tree"
cmake -S "$src" -B "$src/build" >"$out/old-configure.log" 2>&1 \
  || { tail -n 20 "$out/old-configure.log" >&2; fail "configure the earlier release"; }
cmake --build "$src/build" -j2 --target package >"$out/old-build.log" 2>&1 \
  || { tail -n 20 "$out/old-build.log" >&2; fail "build the earlier release's package"; }
deb=$(ls "$src"/build/linli_*.deb | head -1)
[ -f "$deb" ] || fail "no .deb from the earlier release"
cp "$deb" "$out/old-$(basename "$deb")"
echo "$out/old-$(basename "$deb")"
