// crawler.test.js - every page people reach, read the way people read it.
// Brings up a small district on loopback with the real programs (a district
// hub, a street hub, two community nodes with generated records, a decision, a
// major activity, an amendment), logs in at each level (district operator,
// street operator at the street hub, street-bound operator at the district)
// and opens the community's own page; then visits every page reachable by
// links from each start in headless Chromium at 1024x768 and fails on any
// visible 64-hex string, enum key, ISO "T" time, Traditional-only character,
// English sentence in the Chinese view, HTTP error, text field without a
// maxlength, or page wider than 1024 px.  Printable pages are visited too.
// Screenshots of every page go to LINLI_WEB_OUT/crawl/ (when set).
'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const { spawnTracked } = require('../js/children.js');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { launchBrowser } = require('../web/lib.js');

// A fixed clock for every program this test starts (they inherit it): the
// generated months, the activity and the deadline below are judged against it.
process.env.LINLI_FAKE_NOW_MS = '1795147200000'; // 2026-11-20 12:00 in Shanghai
const HUB = process.env.LINLI_HUB_BIN;
const NODE = process.env.LINLI_NODE_BIN;
const GEN = path.resolve(__dirname, '../../bench/gen/gen_community.py');
const PASSWORD = 'crawl-test-password';
const MAX_PAGES = 60; // per start: enough for every kind of page, bounded

// `serve` on port 0; resolves to its URL once the URL line arrived.
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
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// The Traditional characters of common/i18n.c's folding table: each one has a
// Simplified form, so none of them belongs on a page we write.
function traditionalChars() {
  const src = fs.readFileSync(path.resolve(__dirname, '../../common/i18n.c'), 'utf8');
  const table = src.slice(src.indexOf('k_t2s[] ='), src.indexOf(';', src.indexOf('k_t2s[] =')));
  const chars = [...table.replace(/[^\u4e00-\u9fff]/g, '')];
  const trad = new Set();
  for (let i = 0; i + 1 < chars.length; i += 2) trad.add(chars[i]);
  return trad;
}

async function district(t) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'linli-crawl-'));
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
        throw new Error(`a server exited with ${code}; stderr:\n${stderr.slice(-4000)}`);
    }
  });
  const d = path.join(tmp, 'district');
  const dkey = lastLine(run(HUB, ['--dir', d, 'init', '--role', 'district', '--name', '河北区协会']));
  run(HUB, ['--dir', d, 'operator', 'add', 'admin', '--role', 'district'], `${PASSWORD}\n`);
  run(HUB, ['--dir', d, 'operator', 'add', 'wanghailou', '--role', 'street', '--street', '望海楼街'], `${PASSWORD}\n`);
  const durl = await serve(HUB, d, procs);
  const s = path.join(tmp, 'street');
  const skey = lastLine(run(HUB, ['--dir', s, 'init', '--role', 'street', '--name', '望海楼街', '--upstream', durl, '--upstream-key', dkey]));
  run(HUB, ['--dir', d, 'enroll', '--name', '望海楼街', '--key', skey]);
  run(HUB, ['--dir', s, 'operator', 'add', 'liming', '--role', 'street'], `${PASSWORD}\n`);
  const surl = await serve(HUB, s, procs);
  const nodes = [];
  for (const [i, c] of ['建昌道社区', '铁东路社区'].entries()) {
    const dir = path.join(tmp, `node${i}`);
    const code = `12010500100${i + 1}`;
    const nkey = lastLine(run(NODE, ['--dir', dir, 'init', '--community', c, '--street', '望海楼街', '--hub', `${surl}/`, '--code', code, '--hub-key', skey]));
    run(HUB, ['--dir', s, 'enroll', '--name', c, '--key', nkey, '--code', code]);
    run('python3', [GEN, '--node', NODE, '--dir', dir, '--community', c, '--index', String(i), '--months', '3']);
    nodes.push(dir);
  }
  // What the pages show besides filings and reports: an amendment, a major
  // activity, decisions from both levels.
  const org = run(NODE, ['--dir', nodes[0], 'org', 'list']).split('\n')[0].split('\t')[0];
  run(NODE, ['--dir', nodes[0], 'org', 'amend', org, '--leader', '王建国', '--phone', '13800138000']);
  run(NODE, ['--dir', nodes[0], 'activity', 'declare', '--org', org, '--date', '2026-12-20', '--title', '邻里节', '--place', '社区广场', '--expected', '120', '--description', '全社区参加的邻里节']);
  // Plans, so that the printable plan pages (the organisation's at the node,
  // the community's at the hubs) are reached too.
  run(NODE, ['--dir', nodes[0], 'plan', 'file', '--org', org, '--year', '2026', '--goals', '全年服务老人二百人次', '--activities', '每月探访独居老人', '--count', '12']);
  run(NODE, ['--dir', nodes[0], 'plan', 'file', '--community', '--year', '2026', '--goals', '邻里互助', '--activities', '读书会']);
  for (const dir of nodes) run(NODE, ['--dir', dir, 'sync']);
  run(HUB, ['--dir', s, 'decide', 'criticize', '--org', org, '--deadline', '2027-01-31', '--reason', '月报内容过于简单']);
  run(HUB, ['--dir', s, 'forward']);
  for (let i = 0; i < 100; i++) {
    const n = Number(run('sqlite3', [path.join(d, 'hub.db'), 'SELECT count(*) FROM reports']));
    if (n > 0) break;
    await sleep(150);
  }
  run(HUB, ['--dir', d, 'decide', 'commend', '--org', org, '--reason', '服务老人成绩突出']);
  run(HUB, ['--dir', s, 'forward']);
  for (const dir of nodes) run(NODE, ['--dir', dir, 'sync']);
  const nurl = await serve(NODE, nodes[0], procs);
  return { durl, surl, nurl };
}

const TRAD = traditionalChars();
let csvRead = 0; // CSV files checked, over every start
// Machine words that must not show as such in the Chinese view.
const ENUM_WORDS = /(^|[^A-Za-z0-9_.-])(self|street|district|district-unit|accepted|rejected|pending|acknowledged|returned|declared|description|content|active|dissolved|revoked|open|closed|overdue|true|false|null|commend|criticize|criticism|inspect|notice|revoke|name_norm|party_station|[a-z]+(?:[._][a-z]+)+)(?=$|[^A-Za-z0-9_-])/m;
const ENGLISH = /[A-Za-z]{2,}(?:[ ,]+[A-Za-z]{2,}){2,}/;

// The problems of one page's visible text, as strings.
function problems(text) {
  const out = [];
  const hex = text.match(/[0-9a-fA-F]{64}/);
  if (hex) out.push(`64-hex string ${hex[0].slice(0, 16)}...`);
  const cut = text.match(/[0-9a-f]{8,}(?:…|\.\.\.)/);
  if (cut) out.push(`shortened hex id ${cut[0]}`);
  const iso = text.match(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/);
  if (iso) out.push(`ISO time ${iso[0]}`);
  const trad = [...text].filter((c) => TRAD.has(c));
  if (trad.length) out.push(`Traditional characters ${[...new Set(trad)].join('')}`);
  // The language switch names the other language in its own words.
  const zhText = text.replace(/English/g, '');
  const en = zhText.match(ENGLISH);
  if (en) out.push(`English in the Chinese view: "${en[0]}"`);
  const key = zhText.match(ENUM_WORDS);
  if (key) out.push(`machine word "${key[2]}"`);
  return out;
}

async function crawl(page, start, label, shots, found) {
  const origin = new URL(start).origin;
  const seen = new Set();
  const shapes = new Map(); // pages of one shape (/orgs/N-N/amend) are alike: two of each
  const csvs = new Set();
  const queue = [start];
  while (queue.length && seen.size < MAX_PAGES) {
    const url = queue.shift();
    const key = url.replace(/#.*$/, '');
    if (seen.has(key)) continue;
    const u0 = new URL(url);
    const shape = u0.pathname.replace(/[0-9]+/g, 'N') + [...u0.searchParams.keys()].sort().join('&');
    if ((shapes.get(shape) || 0) >= 2) continue;
    shapes.set(shape, (shapes.get(shape) || 0) + 1);
    seen.add(key);
    const resp = await page.goto(url);
    const where = `${label} ${new URL(url).pathname}${new URL(url).search}`;
    if (!resp || resp.status() >= 400) {
      found.push(`${where}: HTTP ${resp ? resp.status() : 'no answer'}`);
      continue;
    }
    if (await page.$('#dash')) {
      await page.waitForSelector('#dash[data-ready="1"]', { timeout: 30000 }).catch(() => found.push(`${where}: dashboard never ready`));
    }
    const text = await page.evaluate(() => `${document.title}\n${document.body ? document.body.innerText : ''}`);
    for (const p of problems(text)) found.push(`${where}: ${p}`);
    // Every field people type free text into stops at the record's bound.
    const unbounded = await page.$$eval('textarea:not([maxlength]), input:not([type]):not([maxlength]), input[type=text]:not([maxlength]), input[type=search]:not([maxlength])',
      (els) => els.map((e) => `${e.closest('form') ? (e.closest('form').id || e.closest('form').action) : ''} ${e.name}`));
    for (const f of unbounded) found.push(`${where}: a text field without maxlength: ${f}`);
    const width = await page.evaluate(() => Math.max(document.documentElement.scrollWidth, document.body ? document.body.scrollWidth : 0));
    if (width > 1024) found.push(`${where}: ${width} px wide`);
    if (shots) {
      const name = `${label}${new URL(url).pathname.replace(/[^A-Za-z0-9]+/g, '_')}${seen.size}.png`;
      await page.screenshot({ path: path.join(shots, name), fullPage: false });
    }
    const links = await page.$$eval('a[href]', (as) => as.map((a) => a.href));
    for (const l of links) {
      let u;
      try { u = new URL(l); } catch (_) { continue; }
      if (u.origin !== origin) continue;
      // A CSV file is read by people too (in a spreadsheet): one of each table.
      if (u.pathname.endsWith('.csv')) {
        const csvShape = u.pathname.replace(/[0-9]+/g, 'N') + (u.searchParams.get('table') || '');
        if (!csvs.has(csvShape)) {
          csvs.add(csvShape);
          csvRead++;
          const r = await page.request.get(u.href);
          if (r.status() >= 400) found.push(`${where}: CSV ${u.pathname} HTTP ${r.status()}`);
          else for (const p of problems(await r.text())) found.push(`${where}: CSV ${csvShape}: ${p}`);
        }
        continue;
      }
      // Files to download (an Excel workbook, a ZIP) are not pages.
      if (/^\/(api|assets|dashboard\/[^/]*\.js)|\.csv$|\/logout|\/zip$|\.zip$|\.xlsx$|^\/files\//.test(u.pathname)) continue;
      if (u.searchParams.get('lang') === 'en') continue;
      u.hash = '';
      if (!seen.has(u.href)) queue.push(u.href);
    }
  }
  return seen.size;
}

async function login(page, url, name) {
  await page.goto(`${url}/login`);
  await page.fill('input[name=name]', name);
  await page.fill('input[name=password]', PASSWORD);
  await Promise.all([page.waitForNavigation(), page.click('form button[type=submit]')]);
}

test('every page people reach speaks Chinese, shows no machine output and fits 1024 px', { timeout: 420000 }, async (t) => {
  const { durl, surl, nurl } = await district(t);
  const shots = process.env.LINLI_WEB_OUT ? path.join(process.env.LINLI_WEB_OUT, 'crawl') : null;
  if (shots) fs.mkdirSync(shots, { recursive: true });
  const found = [];
  const starts = [
    ['district', durl, 'admin'],
    ['street', surl, 'liming'],
    ['street-at-district', durl, 'wanghailou'],
    ['community', nurl, null],
  ];
  let pages = 0;
  for (const [label, url, user] of starts) {
    const ctx = await launchBrowser(t);
    const page = await ctx.newPage();
    await page.setViewportSize({ width: 1024, height: 768 });
    if (user) await login(page, url, user);
    pages += await crawl(page, `${url}/`, label, shots, found);
  }
  assert.ok(pages >= 20, `only ${pages} pages were reached`);
  assert.ok(csvRead >= 5, `only ${csvRead} CSV files were read`);
  assert.deepEqual(found, [], `problems on the pages:\n${found.join('\n')}`);
});
