// district.js - a small district on loopback for the dashboard's browser tests:
// a district hub, a street hub, two community nodes with generated records,
// brought up and synced by the real programs, stopped (SIGTERM, checked for a
// clean exit and no sanitizer report) when the test ends.
'use strict';

const { execFileSync } = require('node:child_process');
const { spawnTracked } = require('../js/children.js');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const HUB = process.env.LINLI_HUB_BIN;
const NODE = process.env.LINLI_NODE_BIN;
const GEN = path.resolve(__dirname, '../../bench/gen/gen_community.py');
const PASSWORD = 'dash-test-password';

const run = (bin, args, input) => execFileSync(bin, args, { encoding: 'utf8', input, stdio: ['pipe', 'pipe', 'pipe'] }).trim();
const lastLine = (s) => s.split('\n').pop();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Rows of an SQL query on a hub's database, through the sqlite3 shell.
function sql(db, q) {
  const out = execFileSync('sqlite3', ['-readonly', '-json', db, q], { encoding: 'utf8' }).trim();
  return out ? JSON.parse(out) : [];
}

// `serve` on port 0 (with more arguments: extra); resolves to its URL once
// the URL line arrived.
function serve(bin, dir, procs, extra = []) {
  return new Promise((resolve, reject) => {
    const proc = spawnTracked(bin, ['--dir', dir, 'serve', '--listen', '127.0.0.1:0', ...extra], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    procs.push({ proc, stderr: () => err });
    const timer = setTimeout(() => reject(new Error(`serve printed no URL; stderr:\n${err}`)), 15000);
    proc.stderr.on('data', (d) => { err += d.toString(); });
    proc.stdout.on('data', (d) => {
      out += d.toString();
      const nl = out.indexOf('\n');
      if (nl >= 0) { clearTimeout(timer); resolve(out.slice(0, nl).replace(/\/$/, '')); }
    });
    proc.on('exit', (code) => { clearTimeout(timer); reject(new Error(`serve exited ${code}:\n${err}`)); });
  });
}

// The district.  months: generated months per community.  before(nodes):
// called after generating, before the last sync, to write more records.
// districtArgs: more arguments of the district hub's `serve`.
// Operators: admin (district), wanghailou (bound to 望海楼街, at the
// district), liming (the street hub's), all with PASSWORD.
async function district(t, { months = 6, before, districtArgs = [] } = {}) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'linli-dash-'));
  const procs = [];
  t.after(async () => {
    const exits = procs.map(({ proc, stderr }) => new Promise((resolve) => {
      if (proc.exitCode !== null) return resolve([proc.exitCode, stderr()]);
      const timer = setTimeout(() => proc.kill('SIGKILL'), 10000);
      proc.once('exit', (code, sig) => { clearTimeout(timer); resolve([code === null ? sig : code, stderr()]); });
      proc.kill('SIGTERM');
    }));
    const done = await Promise.all(exits);
    fs.rmSync(tmp, { recursive: true, force: true });
    for (const [code, stderr] of done) {
      if (code !== 0 || /Sanitizer|runtime error/.test(stderr))
        throw new Error(`a hub exited with ${code}; stderr:\n${stderr.slice(-4000)}`);
    }
  });
  const d = path.join(tmp, 'district');
  const dkey = lastLine(run(HUB, ['--dir', d, 'init', '--role', 'district', '--name', '河北区协会']));
  run(HUB, ['--dir', d, 'operator', 'add', 'admin', '--role', 'district'], `${PASSWORD}\n`);
  run(HUB, ['--dir', d, 'operator', 'add', 'wanghailou', '--role', 'street', '--street', '望海楼街'], `${PASSWORD}\n`);
  const durl = await serve(HUB, d, procs, districtArgs);
  const s = path.join(tmp, 'street');
  const skey = lastLine(run(HUB, ['--dir', s, 'init', '--role', 'street', '--name', '望海楼街', '--upstream', durl, '--upstream-key', dkey]));
  run(HUB, ['--dir', d, 'enroll', '--name', '望海楼街', '--key', skey]);
  run(HUB, ['--dir', s, 'operator', 'add', 'liming', '--role', 'street'], `${PASSWORD}\n`);
  const surl = await serve(HUB, s, procs);
  const nodes = [];
  const wrote = [];
  for (const [i, c] of ['建昌道社区', '铁东路社区'].entries()) {
    const dir = path.join(tmp, `node${i}`);
    const code = `12010500100${i + 1}`;
    const nkey = lastLine(run(NODE, ['--dir', dir, 'init', '--community', c, '--street', '望海楼街', '--hub', `${surl}/`, '--code', code, '--hub-key', skey]));
    run(HUB, ['--dir', s, 'enroll', '--name', c, '--key', nkey, '--code', code]);
    wrote.push(JSON.parse(run('python3', [GEN, '--node', NODE, '--dir', dir, '--community', c, '--index', String(i), '--months', String(months)])));
    nodes.push(dir);
  }
  if (before) before(nodes);
  for (const dir of nodes) run(NODE, ['--dir', dir, 'sync']);
  // Wait until the district holds every report the nodes wrote.
  const db = path.join(d, 'hub.db');
  const want = Number(run('sqlite3', [path.join(s, 'hub.db'), 'SELECT count(*) FROM reports']));
  for (let i = 0; i < 200; i++) {
    const [{ n }] = sql(db, 'SELECT count(*) AS n FROM reports');
    if (n >= want) break;
    await sleep(150);
  }
  return { durl, surl, ddir: d, db, sdb: path.join(s, 'hub.db'), nodes, wrote };
}

// Log in at a hub's page.
async function login(page, url, name) {
  await page.goto(`${url}/login`);
  await page.fill('input[name=name]', name);
  await page.fill('input[name=password]', PASSWORD);
  await Promise.all([page.waitForNavigation(), page.click('form button[type=submit]')]);
}

// Parse CSV text (RFC 4180, CRLF) into rows of strings.
function parseCsv(text) {
  const rows = [];
  let row = [], f = '', q = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (q) {
      if (c === '"' && text[i + 1] === '"') { f += '"'; i++; } else if (c === '"') q = false; else f += c;
    } else if (c === '"') q = true;
    else if (c === ',') { row.push(f); f = ''; } else if (c === '\r') { /* part of CRLF */ } else if (c === '\n') { row.push(f); rows.push(row); row = []; f = ''; } else f += c;
  }
  if (f || row.length) { row.push(f); rows.push(row); }
  return rows;
}

module.exports = { HUB, NODE, PASSWORD, run, lastLine, sleep, sql, serve, district, login, parseCsv };
