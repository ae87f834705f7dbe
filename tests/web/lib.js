// lib.js - helpers the staff-page tests share: a node directory with
// `linli-node init`, `linli-node serve` on a free loopback port, raw HTTP
// requests (so that the Host header can be forged), and headless Chromium.
'use strict';

const { execFileSync } = require('node:child_process');
const { spawnTracked } = require('../js/children.js');
const { launchBrowser: launchShared } = require('../js/browser.js');
const fs = require('node:fs');
const http = require('node:http');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');

const BIN = process.env.LINLI_NODE_BIN || 'linli-node';
const HUB_BIN = process.env.LINLI_HUB_BIN || 'linli-hub';
const OUT = process.env.LINLI_WEB_OUT || path.join(os.tmpdir(), 'linli-web-out');

// A loopback port nothing listens on, for a hub that is down: the sync loop
// then fails fast, as it does on an offline PC.
async function deadPort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

// Spawn a `serve` command; resolves to { proc, url, stderr() } once its first
// stdout line (the URL) has arrived.
async function spawnServe(bin, args) {
  const proc = spawnTracked(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  proc.stderr.on('data', (d) => { stderr += d.toString(); });
  const url = await new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`serve printed no URL in 15 s; stderr:\n${stderr}`)), 15000);
    proc.stdout.on('data', (d) => {
      out += d.toString();
      const nl = out.indexOf('\n');
      if (nl >= 0) {
        clearTimeout(timer);
        resolve(out.slice(0, nl));
      }
    });
    proc.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited with ${code} before printing its URL; stderr:\n${stderr}`));
    });
  });
  return { proc, url, stderr: () => stderr };
}

// Stop a child with SIGTERM (SIGKILL after 10 s); resolves to the exit code.
function stopProc(proc) {
  return new Promise((resolve) => {
    if (proc.exitCode !== null || proc.signalCode !== null) {
      return resolve(proc.exitCode === null ? proc.signalCode : proc.exitCode);
    }
    const timer = setTimeout(() => proc.kill('SIGKILL'), 10000);
    proc.once('exit', (code, sig) => { clearTimeout(timer); resolve(code === null ? sig : code); });
    proc.kill('SIGTERM');
  });
}

// Resolves once serve's sync loop has finished its first pass: the home page's
// "next try" countdown is above zero only between passes.
async function firstPassDone(url, stderr) {
  const deadline = Date.now() + 30000;
  for (;;) {
    const body = await new Promise((resolve) => {
      http.get(url, (res) => {
        let b = '';
        res.on('data', (d) => { b += d; });
        res.on('end', () => resolve(b));
      }).on('error', () => resolve(''));
    });
    const m = /id="next-try">(\d+)/.exec(body);
    if (m && Number(m[1]) > 0) return;
    if (Date.now() > deadline) {
      throw new Error(`serve's first sync pass did not end in 30 s; stderr:\n${stderr()}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

// `linli-node init` in a fresh temporary directory, then `serve` on port 0.
// Resolves once the first stdout line (the URL) has arrived.  opts.hub and
// opts.hubKey point the node at a real hub (default: a loopback port where
// nothing listens); opts.setup(key) runs between init and serve with the
// node's public key (to enrol it at the hub).
async function startNode(t, opts = {}) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'linli-web-'));
  const dir = path.join(tmp, 'node');
  const hub = opts.hub || `http://127.0.0.1:${await deadPort()}/`;
  const initArgs = ['--dir', dir, 'init', '--community', '幸福社区', '--street', '河北街道',
    '--hub', hub, '--code', '120105001001'];
  if (opts.hubKey) initArgs.push('--hub-key', opts.hubKey);
  const init = execFileSync(BIN, initArgs, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const key = init.trim().split('\n').pop();
  if (opts.setup) await opts.setup(key);
  const served = await spawnServe(BIN, ['--dir', dir, 'serve', '--listen', '127.0.0.1:0']);
  const { proc, url } = served;
  // serve's sync loop makes its first pass at once; a test that writes while
  // that pass runs could see its entries split over two changesets.  Wait
  // until the home page counts down to the next pass.
  await firstPassDone(url, served.stderr);
  const stderr = served.stderr;
  const port = Number(new URL(url).port);
  const node = {
    dir, tmp, url, port, proc, key, bin: BIN,
    stderr,
    // Stop with SIGTERM; resolves to the exit code.
    stop: () => stopProc(proc),
    cli: (...args) => execFileSync(BIN, ['--dir', dir, ...args], { encoding: 'utf8' }),
  };
  if (t) {
    // Every test ends by checking that serve stopped cleanly on SIGTERM, which
    // under sanitizers also means no leak or undefined behaviour was reported.
    t.after(async () => {
      const code = await node.stop();
      fs.rmSync(tmp, { recursive: true, force: true });
      if (code !== 0 || /Sanitizer|runtime error/.test(stderr())) {
        throw new Error(`serve exited with ${code} on SIGTERM; stderr:\n${stderr().slice(-4000)}`);
      }
    });
  }
  return node;
}

// A real street hub (`linli-hub init --role street`, `serve` on port 0), for
// tests where signed decisions reach the node through `linli-node sync`.
// Resolves to { dir, url, key, cli(...args), cliAt(ms, ...args) }; stopped after the test.
// A street hub (opts: role 'district' for a district, name, upstream URL and
// upstreamKey for a street that forwards to a district).
async function startHub(t, opts = {}) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'linli-web-hub-'));
  const role = opts.role || 'street';
  const dir = path.join(tmp, role);
  const args = ['--dir', dir, 'init', '--role', role, '--name', opts.name || '河北街道'];
  if (opts.upstream) args.push('--upstream', opts.upstream, '--upstream-key', opts.upstreamKey);
  const init = execFileSync(HUB_BIN, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const key = init.trim().split('\n').pop();
  const { proc, url, stderr } = await spawnServe(HUB_BIN, ['--dir', dir, 'serve', '--listen', '127.0.0.1:0']);
  const hub = {
    dir, url, key, proc, stderr,
    cli: (...args) => execFileSync(HUB_BIN, ['--dir', dir, ...args], { encoding: 'utf8' }),
    // The same with the command's clock at ms (LINLI_FAKE_NOW_MS): a decision
    // takes only a deadline in the future, so one overdue today is issued earlier.
    cliAt: (ms, ...args) => execFileSync(HUB_BIN, ['--dir', dir, ...args],
      { encoding: 'utf8', env: { ...process.env, LINLI_FAKE_NOW_MS: String(ms) } }),
  };
  if (t) {
    t.after(async () => {
      const code = await stopProc(proc);
      fs.rmSync(tmp, { recursive: true, force: true });
      if (code !== 0 || /Sanitizer|runtime error/.test(stderr())) {
        throw new Error(`linli-hub serve exited with ${code}; stderr:\n${stderr().slice(-4000)}`);
      }
    });
  }
  return hub;
}

// One HTTP request with full control of the headers (fetch forbids Host).
function request(port, { method = 'GET', path: p = '/', headers = {}, body = null } = {}) {
  return new Promise((resolve, reject) => {
    const h = { Host: `127.0.0.1:${port}`, ...headers };
    if (body !== null) h['Content-Length'] = Buffer.byteLength(body);
    const req = http.request({ host: '127.0.0.1', port, method, path: p, headers: h }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers,
        body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    if (body !== null) req.write(body);
    req.end();
  });
}

// The CSRF cookie pair and hidden field value of a page, as a browser would hold them.
async function csrfOf(port) {
  const res = await request(port, { path: '/orgs/new' });
  const cookie = (res.headers['set-cookie'] || []).map((c) => c.split(';')[0])
    .find((c) => c.startsWith('linli_csrf_'));
  const m = /name="csrf" value="([0-9a-f]+)"/.exec(res.body);
  return { cookie, field: m ? m[1] : null };
}

// Resident memory of a process from /proc, in kB.
function rssKb(pid) {
  const st = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const get = (k) => Number((new RegExp(`^${k}:\\s+(\\d+)`, 'm').exec(st) || [0, 0])[1]);
  return { rss: get('VmRSS'), anon: get('RssAnon'), file: get('RssFile') };
}

// Headless Chromium in Chinese (tests/js/browser.js).
function launchBrowser(t) {
  return launchShared(t);
}

function outDir() {
  fs.mkdirSync(OUT, { recursive: true });
  return OUT;
}

// Fill the filing form's required fields (on /orgs/new) from o.
async function fillFiling(page, o) {
  await page.fill('#f-name', o.name);
  await page.fill('#f-category', o.category);
  await page.fill('#f-leader', o.leader);
  await page.fill('#f-phone', o.phone);
  await page.fill('#f-members', o.members);
  await page.fill('#f-party_members', o.party);
  await page.selectOption('#f-founded_by', o.foundedBy);
}

// Debian's python3-openpyxl lives with Debian's Python, which a python3
// earlier on PATH (pyenv, a venv) may not see.
const PY = fs.existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';

// Every row of the first sheet of an .xlsx file, read by openpyxl (Debian's
// python3-openpyxl), as strings the way the CSV writes them.
function xlsxRows(file) {
  const py = `import json, sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1], read_only=True)
ws = wb.worksheets[0]
out = []
for row in ws.iter_rows(values_only=True):
    out.append(["" if v is None else str(int(v)) if isinstance(v, (int, float)) and not isinstance(v, bool) else str(v) for v in row])
print(json.dumps({"title": ws.title, "rows": out}, ensure_ascii=False))`;
  return JSON.parse(execFileSync(PY, ['-c', py, file], { encoding: 'utf8' }));
}

module.exports = { startNode, startHub, request, csrfOf, rssKb, launchBrowser, outDir, fillFiling, xlsxRows };
