#!/usr/bin/env bash
# fresh-root-check.sh: install, upgrade (reinstall), remove and purge the linli .deb
# in a FRESH Debian 12 root, as root.  It changes the system it runs on: run it only
# in a throw-away root (debootstrap chroot, container), never on a developer machine.
#
#   (in the fresh root, from the source tree with build/linli_*.deb in it)
#   bash tests/pkg/fresh-root-check.sh [path/to/linli_VERSION_ARCH.deb [path/to/OLD.deb]]
#
# With OLD.deb (an earlier release, made by tests/pkg/old-deb.sh) it first installs
# that release, lets it write a hub and a node the way an administrator and a community
# worker would, upgrades to this package and checks that both open, show the same
# records and keep working; then purges, and goes on as below.
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
old=${2:-}
[ -z "$old" ] || [ -f "$old" ] || fail "no such file: $old"
[ -z "$old" ] || old=$(cd "$(dirname "$old")" && pwd)/$(basename "$old")
export DEBIAN_FRONTEND=noninteractive
getent passwd linli >/dev/null && fail "not a fresh root: the linli user exists already"
[ -e /var/lib/linli ] && fail "not a fresh root: /var/lib/linli exists already"

[ -n "$(ls /var/lib/apt/lists/ 2>/dev/null | grep -v -e lock -e partial)" ] || apt-get update -q

if [ -n "$old" ]; then
  apt-get install -y -q "$old" >/tmp/linli-install.log 2>&1 || { cat /tmp/linli-install.log; fail "install the earlier release"; }
  was=$(/usr/bin/linli-hub --version)
  ok "earlier release installed: $was"
  H=/var/lib/linli/hub/street1 N=/var/lib/linli/node/c1
  as() { runuser -u linli -- "$@"; }
  as /usr/bin/linli-hub --dir $H init --role street --name 测试街 >/tmp/linli-init.out || fail "old init hub"
  hubkey=$(tail -n 1 /tmp/linli-init.out)
  as /usr/bin/linli-node --dir $N init --community 测试社区 --street 测试街 \
    --hub http://127.0.0.1:9 --code 120105001001 >/tmp/linli-node-init.out || fail "old init node"
  nodekey=$(tail -n 1 /tmp/linli-node-init.out)
  as /usr/bin/linli-hub --dir $H enroll --name 测试社区 --key "$nodekey" --code 120105001001 \
    >/dev/null || fail "old enroll"
  as /usr/bin/linli-node --dir $N org file --name 夕阳红志愿队 --category 养老 --leader 张三 \
    --phone 13800000000 --members 20 --party-members 2 --filed 2005-01-01 >/dev/null || fail "old org file"
  as /usr/bin/linli-node --dir $N org list >/tmp/linli-orgs.before || fail "old org list"
  grep -q 夕阳红志愿队 /tmp/linli-orgs.before || fail "old org list misses the filing"

  apt-get install -y -q "$deb" >/tmp/linli-install.log 2>&1 || { cat /tmp/linli-install.log; fail "upgrade to this package"; }
  now=$(/usr/bin/linli-hub --version)
  [ "$now" != "$was" ] || fail "the upgrade left the version at $now"
  as /usr/bin/linli-node --dir $N org list >/tmp/linli-orgs.after || fail "org list after the upgrade"
  # The list's words may change between releases (the status and origin columns read
  # 正常 and 自发成立 where older releases printed keys); the filings must not: compare
  # the filing number, the name and the member counts.
  diff <(cut -f1,4,6 /tmp/linli-orgs.before) <(cut -f1,4,6 /tmp/linli-orgs.after) >&2 \
    || fail "the node's filings changed in the upgrade"
  as /usr/bin/linli-hub --dir $H status | grep -q "$hubkey" || fail "the hub does not open after the upgrade"
  as /usr/bin/linli-hub --dir $H status --json | grep -q "$nodekey" || fail "the hub lost its enrolment in the upgrade"
  as /usr/bin/linli-node --dir $N org file --name 朝阳读书会 --category 文化 --leader 李四 \
    --phone 13900000000 --members 12 --party-members 1 --filed 2010-05-01 >/dev/null \
    || fail "the upgraded node does not take a new filing"
  as /usr/bin/linli-node --dir $N org list | grep -q 朝阳读书会 || fail "the new filing is not listed"
  [ "$(stat -c '%a' $N/node.db)" = 600 ] || fail "node.db is $(stat -c '%a' $N/node.db) after the upgrade"
  ok "upgrade $was -> $now keeps the hub and the node and both keep working"
  apt-get purge -y -q linli >/tmp/linli-purge.log 2>&1 || fail "purge after the upgrade"
  [ ! -e /var/lib/linli ] || fail "purge left /var/lib/linli"
fi
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
