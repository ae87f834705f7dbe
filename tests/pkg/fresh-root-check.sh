#!/usr/bin/env bash
# fresh-root-check.sh: install, upgrade (reinstall), remove and purge the linli .deb
# in a FRESH Debian 12 root, as root.  It changes the system it runs on: run it only
# in a throw-away root (debootstrap chroot, container), never on a developer machine.
#
#   (in the fresh root, from the source tree with build/linli_*.deb in it)
#   bash tests/pkg/fresh-root-check.sh [path/to/linli_VERSION_ARCH.deb]
#
# Checks: apt-get installs it with its dependencies; the linli system user and
# /var/lib/linli (0750, owned by linli) exist; binaries, units, man pages and
# completions are in place; the units verify (systemd-analyze, when present); both
# programs print --version; a hub initialised as the linli user survives a reinstall
# and `apt-get remove`; `apt-get purge` removes /var/lib/linli.
set -euo pipefail
fail() { echo "FAIL: $*" >&2; exit 1; }
ok() { echo "ok - $*"; }
[ "$(id -u)" = 0 ] || fail "run as root inside a fresh Debian 12 root"
here=$(cd "$(dirname "$0")/../.." && pwd)
deb=${1:-$(ls "$here"/build/linli_*.deb 2>/dev/null | head -1)}
[ -n "$deb" ] && [ -f "$deb" ] || fail "no build/linli_*.deb: cmake --build build --target package"
deb=$(cd "$(dirname "$deb")" && pwd)/$(basename "$deb")
export DEBIAN_FRONTEND=noninteractive
getent passwd linli >/dev/null && fail "not a fresh root: the linli user exists already"
[ -e /var/lib/linli ] && fail "not a fresh root: /var/lib/linli exists already"

[ -n "$(ls /var/lib/apt/lists/ 2>/dev/null | grep -v -e lock -e partial)" ] || apt-get update -q
apt-get install -y -q "$deb" >/tmp/linli-install.log 2>&1 || { cat /tmp/linli-install.log; fail "apt-get install"; }
ok "apt-get install ./$(basename "$deb")"

for f in /usr/bin/linli-node /usr/bin/linli-hub /usr/lib/systemd/system/linli-hub@.service \
         /usr/lib/systemd/system/linli-node.service /usr/share/man/man1/linli-node.1 \
         /usr/share/man/man1/linli-hub.1 /usr/share/bash-completion/completions/linli-node \
         /usr/share/bash-completion/completions/linli-hub /usr/lib/sysusers.d/linli.conf \
         /usr/lib/tmpfiles.d/linli.conf; do
  [ -f "$f" ] || fail "$f missing after install"
done
getent passwd linli >/dev/null || fail "no linli user"
for d in /var/lib/linli /var/lib/linli/hub /var/lib/linli/node; do
  [ "$(stat -c '%U:%G %a' "$d")" = "linli:linli 750" ] || fail "$d: $(stat -c '%U:%G %a' "$d")"
done
ok "files, user and directories"

/usr/bin/linli-node --version | grep -Eq '^linli-node [0-9.]+ \(protocol [0-9]+, schema [0-9]+\)$' \
  || fail "linli-node --version"
/usr/bin/linli-hub --version | grep -Eq '^linli-hub [0-9.]+ \(protocol [0-9]+, schema [0-9]+\)$' \
  || fail "linli-hub --version"
ok "$(/usr/bin/linli-node --version); $(/usr/bin/linli-hub --version)"

if command -v systemd-analyze >/dev/null; then
  cp /usr/lib/systemd/system/linli-hub@.service /tmp/linli-hub@street1.service
  systemd-analyze verify --man=no /usr/lib/systemd/system/linli-node.service \
    /tmp/linli-hub@street1.service || fail "systemd-analyze verify"
  rm -f /tmp/linli-hub@street1.service
  ok "systemd-analyze verify"
else
  echo "ok - # SKIP systemd-analyze not in this root"
fi
man -w linli-hub >/dev/null 2>&1 || [ ! -x /usr/bin/man ] || fail "man linli-hub not found"

# Data made by the service user, as an admin would (docs/operate.md).
runuser -u linli -- /usr/bin/linli-hub --dir /var/lib/linli/hub/street1 init --role street \
  --name 测试街 >/tmp/linli-init.out || fail "init as the linli user"
key=$(tail -n 1 /tmp/linli-init.out)
apt-get install -y -q --reinstall "$deb" >/tmp/linli-install.log 2>&1 || fail "reinstall (upgrade path)"
[ -f /var/lib/linli/hub/street1/hub.db ] || fail "reinstall lost the data"
runuser -u linli -- /usr/bin/linli-hub --dir /var/lib/linli/hub/street1 status | grep -q "$key" \
  || fail "the hub does not open after reinstall"
ok "reinstall keeps the data"

apt-get remove -y -q linli >/tmp/linli-remove.log 2>&1 || fail "apt-get remove"
[ ! -e /usr/bin/linli-hub ] || fail "remove left the binary"
[ -f /var/lib/linli/hub/street1/hub.db ] && [ -f /var/lib/linli/hub/street1/identity.key ] \
  || fail "remove deleted the data"
ok "apt-get remove leaves /var/lib/linli alone"

apt-get purge -y -q linli >/tmp/linli-purge.log 2>&1 || fail "apt-get purge"
[ ! -e /var/lib/linli ] || fail "purge left /var/lib/linli"
dpkg -s linli >/dev/null 2>&1 && fail "the package is still known to dpkg"
ok "apt-get purge removes the data"
