// browser.test.js - the district dashboard in headless Chromium (issue 7).
// Brings up a small populated district on loopback (a district hub, a street
// hub, two community nodes with a year of generated records, synced through
// the real programs), logs in, and checks that the figures on the page equal
// the same figures computed by SQL from the district hub's database, that the
// English switch works, and that a CSV export holds the rows the page shows.
// LINLI_DASH_SCREENSHOTS=DIR also saves dashboard.png and dashboard-en.png.
'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const { spawnTracked } = require('../js/children.js');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { launchBrowser } = require('../web/lib.js');

const HUB = process.env.LINLI_HUB_BIN;
const NODE = process.env.LINLI_NODE_BIN;
const GEN = path.resolve(__dirname, '../../bench/gen/gen_community.py');
const PASSWORD = 'dash-test-password';

// `serve` on port 0; resolves to { url, proc } once the URL line arrived.
function serve(bin, dir, procs) {
  return new Promise((resolve, reject) => {
    const proc = spawnTracked(bin, ['--dir', dir, 'serve', '--listen', '127.0.0.1:0'], { stdio: ['ignore', 'pipe', 'pipe'] });
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

const run = (bin, args, input) => execFileSync(bin, args, { encoding: 'utf8', input, stdio: ['pipe', 'pipe', 'pipe'] }).trim();
const lastLine = (s) => s.split('\n').pop();

// Rows of an SQL query on the hub's database, through the sqlite3 shell.
function sql(db, q) {
  const out = execFileSync('sqlite3', ['-readonly', '-json', db, q], { encoding: 'utf8' }).trim();
  return out ? JSON.parse(out) : [];
}

async function district(t) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'linli-dash-'));
  const procs = [];
  // Every hub stops cleanly on SIGTERM; under sanitizers that also means
  // nothing was reported while it served the pages.
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
  const durl = await serve(HUB, d, procs);
  const s = path.join(tmp, 'street');
  const skey = lastLine(run(HUB, ['--dir', s, 'init', '--role', 'street', '--name', '望海楼街', '--upstream', durl, '--upstream-key', dkey]));
  run(HUB, ['--dir', d, 'enroll', '--name', '望海楼街', '--key', skey]);
  const surl = await serve(HUB, s, procs);
  const wrote = [];
  for (const [i, c] of ['建昌道社区', '铁东路社区'].entries()) {
    const dir = path.join(tmp, `node${i}`);
    const code = `12010500100${i + 1}`;
    const nkey = lastLine(run(NODE, ['--dir', dir, 'init', '--community', c, '--street', '望海楼街', '--hub', `${surl}/`, '--code', code, '--hub-key', skey]));
    run(HUB, ['--dir', s, 'enroll', '--name', c, '--key', nkey, '--code', code]);
    wrote.push(JSON.parse(run('python3', [GEN, '--node', NODE, '--dir', dir, '--community', c, '--index', String(i), '--months', '6'])));
    run(NODE, ['--dir', dir, 'sync']);
  }
  // Wait until the district holds every report the nodes wrote.
  const db = path.join(d, 'hub.db');
  const want = wrote.reduce((n, w) => n + w.reports, 0);
  for (let i = 0; i < 200; i++) {
    const [{ n }] = sql(db, 'SELECT count(*) AS n FROM reports');
    if (n === want) break;
    await new Promise((r) => setTimeout(r, 150));
  }
  return { durl, db, wrote };
}

// The texts of a table's cells, row by row, keyed by data-key.
async function tableRows(page, id) {
  return page.$$eval(`#${id} tbody tr`, (trs) => trs.map((tr) => {
    const o = {};
    for (const td of tr.querySelectorAll('td')) o[td.dataset.key] = td.textContent;
    return o;
  }));
}

async function totals(page, section) {
  return page.$$eval(`#${section} dl.dash-totals dd`, (dds) => Object.fromEntries(dds.map((d) => [d.dataset.key, Number(d.textContent)])));
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

test('the dashboard shows the figures the database holds, in Chinese and English, with CSV', { timeout: 120000 }, async (t) => {
  const { durl, db, wrote } = await district(t);
  const ctx = await launchBrowser(t);
  const page = await ctx.newPage();
  await page.goto(`${durl}/login`);
  await page.fill('input[name=name]', 'admin');
  await page.fill('input[name=password]', PASSWORD);
  await Promise.all([page.waitForNavigation(), page.click('form button[type=submit], form input[type=submit]')]);
  await page.goto(`${durl}/`);
  await page.waitForSelector('#dash[data-ready="1"]', { timeout: 30000 });
  assert.equal(await page.getAttribute('#dash', 'data-lang'), 'zh');
  assert.match(await page.textContent('#dash-completeness h2'), /月报完成情况/);

  // Hierarchy: organisations, members and party members, as SQL counts them.
  const [orgs] = sql(db, 'SELECT count(*) AS n, total(members) AS m, total(party_members) AS p FROM organisations WHERE dissolved = 0');
  const h = await totals(page, 'dash-hierarchy');
  assert.equal(h.organisations, orgs.n);
  assert.equal(h.members, orgs.m);
  assert.equal(h.party_members, orgs.p);
  assert.equal(h.organisations, wrote.reduce((n, w) => n + w.organisations, 0));
  const comms = await tableRows(page, 't-hierarchy-communities');
  const byComm = sql(db, 'SELECT c.name AS community, count(o.id) AS n FROM communities c LEFT JOIN organisations o ON o.author = c.key AND o.dissolved = 0 GROUP BY c.key');
  assert.equal(comms.length, byComm.length);
  for (const r of byComm) assert.equal(Number(comms.find((x) => x.community === r.community).organisations), r.n);

  // Completeness of the month shown: expected, received, on time, missing.
  const month = await page.inputValue('#month');
  const due = (await page.textContent('#dash-completeness p.hint')).match(/\d{4}-\d{2}-\d{2}/)[0];
  const dueMs = Date.parse(`${due}T00:00:00+08:00`) + 86400000;
  const [exp] = sql(db, `SELECT count(*) AS n FROM organisations WHERE dissolved = 0 AND substr(data->>'filed', 1, 7) <= '${month}'`);
  const [rec] = sql(db, `SELECT count(*) AS n, total(min(e.time_ms, e.received_ms) < ${dueMs}) AS on_time FROM reports r
    JOIN organisations o ON o.author = r.author AND o.id = r.org AND o.dissolved = 0
    JOIN entries e ON e.author = r.author AND e.seq = r.seq WHERE r.month = '${month}'`);
  const c = await totals(page, 'dash-completeness');
  assert.equal(c.expected, exp.n);
  assert.equal(c.received, rec.n);
  assert.equal(c.on_time, rec.on_time);
  assert.equal(c.missing, exp.n - rec.n);
  assert.equal((await tableRows(page, 't-completeness-missing')).length, exp.n - rec.n);
  assert.equal((await tableRows(page, 't-completeness-series')).length, 12);

  // Activity totals over the range shown.
  const range = (await page.textContent('#dash-activity h2')).match(/(\d{4}-\d{2}) – (\d{4}-\d{2})/);
  const [act] = sql(db, `SELECT count(*) AS n, total(activities) AS a, total(participants) AS p, total(party_participants) AS pp
    FROM reports WHERE month BETWEEN '${range[1]}' AND '${range[2]}'`);
  const a = await totals(page, 'dash-activity');
  assert.equal(a.reports, act.n);
  assert.equal(a.activities, act.a);
  assert.equal(a.participants, act.p);
  assert.equal(a.party_participants, act.pp);
  assert.equal(a.activities, wrote.reduce((n, w) => n + w.activities, 0));

  // A chart was drawn by ECharts (served by the hub itself).
  assert.ok(await page.$('#chart-series canvas'), 'the 12-month chart has a canvas');

  // CSV export of the per-community completeness: the page's rows, with a BOM.
  const href = await page.getAttribute('#sec-completeness-communities a.csv', 'href');
  const resp = await page.request.get(`${durl}${href}`);
  assert.equal(resp.status(), 200);
  const body = await resp.body();
  assert.deepEqual([...body.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
  const csv = parseCsv(body.subarray(3).toString('utf8'));
  const shownRows = await tableRows(page, 't-completeness-communities');
  // The CSV's header holds the same Chinese column words as the page's table.
  const header = csv[0];
  const words = Object.fromEntries(await page.$$eval('#t-completeness-communities thead th', (ths) => ths.map((th) => [th.dataset.key, th.textContent])));
  for (const h of header) assert.doesNotMatch(h, /[a-z_]{3,}/, `CSV header ${h} is a key, not a word`);
  assert.equal(csv.length - 1, shownRows.length);
  for (let i = 0; i < shownRows.length; i++)
    for (const [k, v] of Object.entries(shownRows[i])) assert.equal(csv[i + 1][header.indexOf(words[k])], v, `CSV row ${i} ${k}`);

  if (process.env.LINLI_DASH_SCREENSHOTS) {
    await page.screenshot({ path: path.join(process.env.LINLI_DASH_SCREENSHOTS, 'dashboard.png'), fullPage: false });
  }

  // The English switch: same figures, English words.
  await Promise.all([page.waitForNavigation(), page.click('header a.lang')]);
  await page.waitForSelector('#dash[data-ready="1"]', { timeout: 30000 });
  assert.equal(await page.getAttribute('#dash', 'data-lang'), 'en');
  assert.match(await page.textContent('#dash-completeness h2'), /Monthly reporting/);
  const cEn = await totals(page, 'dash-completeness');
  assert.deepEqual(cEn, c);
  if (process.env.LINLI_DASH_SCREENSHOTS) {
    await page.screenshot({ path: path.join(process.env.LINLI_DASH_SCREENSHOTS, 'dashboard-en.png'), fullPage: false });
  }

  // Drill-down: one organisation's page lists its reports, each with its signer.
  const orgId = sql(db, 'SELECT id FROM organisations ORDER BY id LIMIT 1')[0].id;
  await page.goto(`${durl}/dashboard/org/${orgId}`);
  await page.waitForSelector('#dash[data-ready="1"]');
  const reps = await tableRows(page, `t-org\\/${orgId}-reports`);
  // One row per month (the current report), in month order; earlier versions folded.
  const [nrep] = sql(db, `SELECT count(DISTINCT CAST(body AS TEXT)->>'month') AS n FROM entries WHERE kind = 'report.monthly' AND CAST(body AS TEXT)->>'org' = '${orgId}'`);
  assert.equal(reps.length, nrep.n);
  const months = reps.map((r) => r.month);
  assert.deepEqual(months, [...months].sort());
  assert.ok(reps.every((r) => r.signed_by === '建昌道社区'));

  // The API refuses a caller without a session.
  const anon = await fetch(`${durl}/api/v1/dashboard/hierarchy`);
  assert.equal(anon.status, 401);
});
