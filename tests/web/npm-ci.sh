#!/usr/bin/env bash
# npm-ci.sh SRC DEST - install the browser tests' pinned npm packages
# (package-lock.json) into DEST/node_modules, once: again only when the lock
# file changes.  A CTest fixture runs it before the browser tests.
set -euo pipefail
src=$1
dest=$2
mkdir -p "$dest"
if [ -d "$dest/node_modules/playwright-core" ] && cmp -s "$src/package-lock.json" "$dest/package-lock.json"; then
  echo "npm-ci: playwright-core already installed in $dest"
  exit 0
fi
cp "$src/package.json" "$src/package-lock.json" "$dest/"
cd "$dest"
npm ci --no-audit --no-fund --loglevel=error
echo "npm-ci: installed $(node -p "require('./node_modules/playwright-core/package.json').version") in $dest"
