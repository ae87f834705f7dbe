// children.js - every process a browser test starts goes through spawnTracked, so
// that none outlives the test: each child leads its own process group (with what it
// starts in turn, such as a node's sync passes), and when the test process exits for
// any reason (a failed assertion, an exception before the test's own clean-up ran,
// playwright refusing the Node.js version) every group still alive gets SIGKILL.
// The tests still stop their servers themselves, with SIGTERM, to check a clean exit;
// this is the net under them.
'use strict';

const { spawn } = require('node:child_process');

const live = new Set();

function killAll() {
  for (const pid of live) {
    try { process.kill(-pid, 'SIGKILL'); } catch (_) { /* already gone */ }
    try { process.kill(pid, 'SIGKILL'); } catch (_) { /* already gone */ }
  }
  live.clear();
}

process.on('exit', killAll);
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, () => { killAll(); process.exit(128 + (sig === 'SIGINT' ? 2 : sig === 'SIGHUP' ? 1 : 15)); });
}

// child_process.spawn with the child in a process group of its own, remembered until
// it exits.
function spawnTracked(bin, args, opts = {}) {
  const proc = spawn(bin, args, { ...opts, detached: true });
  if (proc.pid) {
    live.add(proc.pid);
    proc.once('exit', () => live.delete(proc.pid));
  }
  return proc;
}

module.exports = { spawnTracked, killAll };
