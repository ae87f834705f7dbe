#!/usr/bin/env python3
"""leftovers.py MARK - the suite's last test: fail if a process the suite started is
still running, and stop it.

Every test of the suite runs with MARK (NAME=VALUE) in its environment, and every
process it starts inherits it: servers, Chromium, Node.js, sync passes.  Once all the
other tests have ended, a process that still carries MARK was left behind by one of
them.  A process that is already on its way out gets a few seconds to go.
"""
import os
import signal
import sys
import time

mark = sys.argv[1].encode()
me = os.getpid()


def marked():
    found = {}
    for name in os.listdir('/proc'):
        if not name.isdigit() or int(name) == me:
            continue
        pid = int(name)
        try:
            with open(f'/proc/{pid}/environ', 'rb') as f:
                env = f.read().split(b'\0')
            if mark not in env:
                continue
            with open(f'/proc/{pid}/cmdline', 'rb') as f:
                cmd = f.read().replace(b'\0', b' ').decode('utf-8', 'replace').strip()
            with open(f'/proc/{pid}/stat', 'rb') as f:
                state = f.read().rsplit(b')', 1)[1].split()[0]
        except OSError:
            continue
        if state == b'Z':
            continue
        found[pid] = cmd
    return found


left = marked()
deadline = time.monotonic() + 5
while left and time.monotonic() < deadline:
    time.sleep(0.2)
    left = marked()

if not left:
    print('leftovers: no process of the suite is still running')
    sys.exit(0)

print(f'leftovers: {len(left)} process(es) the suite started are still running; '
      'the test that started them did not stop them:')
for pid, cmd in sorted(left.items()):
    print(f'  {pid}: {cmd[:300]}')
for pid in left:
    try:
        os.kill(pid, signal.SIGKILL)
    except OSError:
        pass
print('leftovers: they have been stopped (SIGKILL)')
sys.exit(1)
