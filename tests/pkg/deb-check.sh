#!/usr/bin/env bash
# deb-check.sh: build the .deb from this build tree (cpack, as `cmake --build build
# --target package` does) and inspect it without installing: its name, files, unit
# files, maintainer scripts and dependencies (dpkg-deb), the man pages and --version
# of the packaged binaries, and `systemd-analyze verify` on the units when available.
# The install/remove/purge on a fresh Debian 12 root: tests/pkg/fresh-root-check.sh.
set -euo pipefail
: "${BIN:?BIN must name the build directory}"
T=$(mktemp -d "${TMPDIR:-/tmp}/linli-deb.XXXXXX")
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
ok() { echo "ok - $*"; }
command -v dpkg-deb >/dev/null || fail "dpkg-deb is needed (apt-get install dpkg)"

ver=$("$BIN/node/linli-node" --version | cut -d' ' -f2)
arch=$(dpkg --print-architecture)
cpack --config "$BIN/CPackConfig.cmake" -B "$T/out" >"$T/cpack.log" 2>&1 || { cat "$T/cpack.log" >&2; fail "cpack"; }
deb="$T/out/linli_${ver}_${arch}.deb"
[ -f "$deb" ] || fail "no $deb: $(ls "$T/out")"
ok "package linli_${ver}_${arch}.deb built"

dpkg-deb -c "$deb" | awk '{ print $6 }' | sed 's|^\./|/|' >"$T/files"
for f in /usr/bin/linli-node /usr/bin/linli-hub /usr/lib/systemd/system/linli-hub@.service \
         /usr/lib/systemd/system/linli-node.service /usr/lib/sysusers.d/linli.conf \
         /usr/lib/tmpfiles.d/linli.conf /usr/share/man/man1/linli-node.1 \
         /usr/share/man/man1/linli-hub.1 /usr/share/bash-completion/completions/linli-node \
         /usr/share/bash-completion/completions/linli-hub; do
  grep -qx "$f" "$T/files" || fail "$f is not in the package"
done
grep -q '^/var/lib/linli' "$T/files" && fail "data directories must come from postinst, not the package"
ok "files in place"

dpkg-deb -I "$deb" >"$T/info"
for s in postinst prerm postrm; do grep -q " $s " "$T/info" || fail "no $s script"; done
grep -q '^ Depends:.*adduser' "$T/info" || fail "Depends lacks adduser"
grep -q '^ Depends:.*libcurl' "$T/info" || fail "Depends lacks libcurl (loaded at run time)"
grep -q '^ Depends:.*libxlsxwriter' "$T/info" || fail "Depends lacks libxlsxwriter (loaded at run time)"
grep -q '^ Depends:.*libmicrohttpd' "$T/info" || fail "Depends lacks libmicrohttpd (loaded at run time)"
grep -q '^ Depends:.*libsodium' "$T/info" || fail "Depends lacks libsodium (shlibdeps)"
dpkg-deb -e "$deb" "$T/ctl"
grep -q 'adduser --system' "$T/ctl/postinst" || fail "postinst does not create the user"
grep -q 'purge)' "$T/ctl/postrm" && grep -q 'rm -rf /var/lib/linli' "$T/ctl/postrm" ||
  fail "postrm does not remove the data on purge"
sed -n '/purge)/,/;;/!p' "$T/ctl/postrm" | grep -q 'rm -rf' && fail "postrm removes data outside purge"
for s in postinst prerm postrm; do sh -n "$T/ctl/$s" || fail "$s: syntax"; done
ok "maintainer scripts: user on configure, data removed on purge only"

dpkg-deb -x "$deb" "$T/root"
"$T/root/usr/bin/linli-node" --version | grep -Eq "^linli-node $ver \(protocol [0-9]+, schema [0-9]+\)$" \
  || fail "packaged linli-node --version"
"$T/root/usr/bin/linli-hub" --version | grep -Eq "^linli-hub $ver \(protocol [0-9]+, schema [0-9]+\)$" \
  || fail "packaged linli-hub --version"
for p in linli-node linli-hub; do
  grep -q '^\.TH' "$T/root/usr/share/man/man1/$p.1" || fail "$p.1 is not a man page"
  # every command of --help has its section
  n_help=$("$T/root/usr/bin/$p" --help | grep -cE '^  [a-z]')
  n_man=$(grep -c '^\.SS' "$T/root/usr/share/man/man1/$p.1")
  [ "$n_man" -ge 10 ] || fail "$p.1 has $n_man command sections"
  bash -n "$T/root/usr/share/bash-completion/completions/$p" || fail "$p completion: syntax"
  [ "$n_help" -gt 0 ] || fail "$p --help lists no commands"
done
grep -q 'backup' "$T/root/usr/share/man/man1/linli-hub.1" || fail "man page lacks a command of --help"
ok "packaged binaries print their versions; man pages and completions"

U="$T/root/usr/lib/systemd/system"
grep -q '^ExecStart=/usr/bin/linli-hub --dir /var/lib/linli/hub/%i serve' "$U/linli-hub@.service" \
  || fail "hub unit ExecStart"
grep -q '^ExecStart=/usr/bin/linli-node --dir /var/lib/linli/node serve' "$U/linli-node.service" \
  || fail "node unit ExecStart"
grep -q '^User=linli' "$U/linli-hub@.service" && grep -q '^User=linli' "$U/linli-node.service" \
  || fail "units do not run as linli"
if command -v systemd-analyze >/dev/null; then
  # verify needs the binaries where ExecStart names them: point at this tree's copies
  mkdir "$T/units"
  for f in "$U"/*.service; do
    sed "s|/usr/bin/|$T/root/usr/bin/|" "$f" >"$T/units/$(basename "$f")"
  done
  cp "$T/units/linli-hub@.service" "$T/units/linli-hub@street1.service"
  systemd-analyze verify --man=no "$T/units/linli-node.service" "$T/units/linli-hub@street1.service" \
    >"$T/verify.log" 2>&1 || { cat "$T/verify.log" >&2; fail "systemd-analyze verify"; }
  ok "systemd-analyze verify: units are valid"
else
  echo "ok - # SKIP systemd-analyze not installed"
fi
