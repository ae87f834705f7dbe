// overview.test.js - the dashboard as people use it at 1024x768, in headless
// Chromium against a small district brought up by the real programs
// (district.js): the first screen answers "how are we doing this month"
// (tiles = the figures of the detail sections, each linking to them); tables
// carry their own column words, sort and page; participants have their own
// axis; the organisation page shows one current report per month in month
// order with earlier versions folded; a street hub and a street-bound
// operator see their street, without district links, one-bar charts or menu
// items that would answer 403; every table's Excel file opens with openpyxl
// and holds the rows of its CSV, with Chinese headers and the month in the
// file's name.  Screenshots go to LINLI_WEB_OUT/dashboard/ (when set).
'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { launchBrowser, xlsxRows } = require('../web/lib.js');
const { NODE, run, sql, district, login, parseCsv } = require('./district.js');

// A fixed clock for every program this test starts (they inherit it).
process.env.LINLI_FAKE_NOW_MS = '1795147200000'; // 2026-11-20 12:00 in Shanghai

const shots = process.env.LINLI_WEB_OUT ? path.join(process.env.LINLI_WEB_OUT, 'dashboard') : null;
async function shot(page, name, fullPage) {
  if (!shots) return;
  fs.mkdirSync(shots, { recursive: true });
  await page.screenshot({ path: path.join(shots, `${name}.png`), fullPage: !!fullPage });
}

async function open(ctx, url) {
  const page = await ctx.newPage();
  await page.setViewportSize({ width: 1024, height: 768 });
  return page;
}

async function ready(page, url) {
  await page.goto(url);
  await page.waitForSelector('#dash[data-ready="1"]', { timeout: 30000 });
}

// The texts of a table's visible and hidden cells, row by row, keyed by data-key.
async function tableRows(page, id, visibleOnly) {
  return page.$$eval(`#${id} tbody tr`, (trs, vis) => trs.filter((tr) => !vis || !tr.hidden).map((tr) => {
    const o = {};
    for (const td of tr.querySelectorAll('td')) o[td.dataset.key] = td.textContent;
    return o;
  }), !!visibleOnly);
}
const num = async (page, sel) => Number(await page.textContent(sel));

// The CSV of every table on the page and its Excel twin: same rows, Chinese
// headers, the period in the file name.  Returns how many pairs were read.
async function exportsMatch(page, tmp, period) {
  const links = await page.$$eval('a.xlsx', (as) => as.map((a) => [a.href, a.parentElement.querySelector('a.csv').href]));
  assert.ok(links.length >= 1, 'the page has Excel links');
  let n = 0;
  for (const [x, c] of links) {
    const xr = await page.request.get(x);
    assert.equal(xr.status(), 200, x);
    assert.match(xr.headers()['content-type'], /spreadsheetml/);
    const disp = decodeURIComponent(xr.headers()['content-disposition'].split("UTF-8''")[1]);
    assert.match(disp, /\.xlsx$/);
    const table = new URL(x).searchParams.get('table');
    if (period[new URL(x).pathname.split('/')[4].replace(/\.xlsx$/, '')]) {
      assert.ok(disp.includes(period[new URL(x).pathname.split('/')[4].replace(/\.xlsx$/, '')]), `${disp} names its period`);
    }
    const file = path.join(tmp, `t${n}.xlsx`);
    fs.writeFileSync(file, await xr.body());
    const sheet = xlsxRows(file);
    const csv = parseCsv((await (await page.request.get(c)).body()).subarray(3).toString('utf8'));
    // The CSV guards text that looks like a formula with a leading '; Excel's cell is text anyway.
    const unguard = (rows) => rows.map((r) => r.map((v) => v.replace(/^'(?=[=+\-@])/, '')));
    assert.deepEqual(sheet.rows, unguard(csv), `${table}: the workbook holds the CSV's rows`);
    if (sheet.rows.length) {
      for (const h of sheet.rows[0]) assert.doesNotMatch(h, /^[A-Za-z_]+$/, `${table}: header ${h} is a key, not a word`);
    }
    n++;
  }
  return n;
}

test('the dashboard at 1024x768: first screen, tables, organisation page, street view, menus, Excel', { timeout: 280000 }, async (t) => {
  let org = '';
  let corrected = '';
  const { durl, surl, db } = await district(t, {
    months: 6,
    before: (nodes) => {
      org = run(NODE, ['--dir', nodes[0], 'org', 'list']).split('\n')[0].split('\t')[0];
      // A report of an old month written now (it comes last in the log, but
      // first in month order), then its correction.
      corrected = '2026-04';
      run(NODE, ['--dir', nodes[0], 'report', 'monthly', '--org', org, '--month', corrected, '--activities', '3', '--participants', '60', '--party-participants', '2', '--content', '补报四月']);
      run(NODE, ['--dir', nodes[0], 'report', 'monthly', '--org', org, '--month', corrected, '--activities', '41', '--participants', '4321', '--party-participants', '12', '--content', '更正：补记两次活动']);
      run(NODE, ['--dir', nodes[0], 'activity', 'declare', '--org', org, '--date', '2026-12-10', '--title', '邻里节', '--place', '社区广场', '--expected', '120', '--description', '全社区参加的邻里节']);
    },
  });
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'linli-xlsx-'));
  t.after(() => fs.rmSync(tmp, { recursive: true, force: true }));
  const ctx = await launchBrowser(t);

  // ---- the district operator's first screen ----
  const page = await open(ctx);
  await login(page, durl, 'admin');
  await ready(page, `${durl}/`);
  await shot(page, 'overview');
  await shot(page, 'overview-full', true);
  const box = await page.$eval('#dash-overview', (e) => { const r = e.getBoundingClientRect(); return { top: r.top, bottom: r.bottom }; });
  assert.ok(box.bottom <= 768, `the overview ends at ${box.bottom} px, below the first screen`);
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 1024, `the page is ${width} px wide`);
  // The script's words come with the page from the hub's one glossary
  // (common/i18n.c), in the page's language; the script keeps no copy.
  const words = JSON.parse(await page.getAttribute('#dash', 'data-words'));
  assert.equal(words.tile_orgs, '组织');
  assert.equal(words['upcoming.expected'], '预计人数');
  assert.equal(await page.$eval('#dash-overview .tile-num[data-key="tile_orgs"]',
    (e) => e.parentElement.querySelector('.tile-word').textContent), words.tile_orgs);
  // Tiles = the figures of the detail sections.
  const tile = (k) => num(page, `#dash-overview .tile-num[data-key="${k}"]`);
  const detail = (k) => num(page, `#dash-completeness dd[data-key="${k}"]`);
  assert.equal(await tile('tile_due'), await detail('expected'));
  assert.equal(await tile('tile_received'), await detail('received'));
  assert.equal(await tile('tile_on_time'), await detail('on_time'));
  assert.equal(await tile('tile_orgs'), await num(page, '#dash-hierarchy dd[data-key="organisations"]'));
  const month = await page.inputValue('#month');
  const [act] = sql(db, `SELECT total(activities) AS a, total(participants) AS p FROM reports WHERE month = '${month}'`);
  assert.equal(await tile('tile_activities'), act.a);
  assert.equal(await tile('tile_participants'), act.p);
  // The attention counts = the rows of the attention tables; the tile is their sum.
  let attn = 0;
  for (const li of await page.$$('#overview-attention li')) {
    const k = await li.getAttribute('data-attn');
    const n = Number(await li.$eval('.n', (e) => e.textContent));
    assert.equal(n, (await tableRows(page, `t-attention-${k}`)).length, k);
    assert.equal(await li.$eval('a', (a) => a.getAttribute('href')), `#sec-attention-${k}`);
    attn += n;
  }
  assert.equal(await tile('tile_attention'), attn);
  assert.ok(attn >= 1, 'the declared activity is in the attention list');
  // Each tile links to its detail.
  for (const a of await page.$$('#dash-overview a.tile')) {
    const href = await a.getAttribute('href');
    assert.ok(await page.$(href), `tile link ${href} has a target`);
  }
  // Completeness by street: one line per street, received/expected.
  const units = await page.$$eval('#overview-units li', (lis) => lis.map((li) => [li.dataset.unit, li.querySelector('.frac').textContent]));
  assert.deepEqual(units, [['望海楼街', `${await detail('received')}/${await detail('expected')}`]]);
  assert.doesNotMatch(await page.innerText('#dash'), /\bnull\b|undefined|NaN/);
  // No chart of one bar (one street): the activity by street has none.
  assert.equal(await page.$('#chart-activity-streets'), null);
  assert.equal(await page.$('#chart-hierarchy'), null);

  // Column words of their own table: expected attendance is not 应报.
  assert.equal(await page.textContent('#t-attention-upcoming th[data-key="expected"]'), '预计人数');
  assert.equal(await page.textContent('#t-completeness-communities th[data-key="expected"]'), '应报');

  // Participants on their own (right) axis.
  const axes = await page.evaluate(() => {
    const c = window.echarts.getInstanceByDom(document.getElementById('chart-activity'));
    const o = c.getOption();
    return { y: o.yAxis.length, series: o.series.map((s) => [s.name, s.yAxisIndex || 0]) };
  });
  assert.equal(axes.y, 2);
  assert.deepEqual(axes.series.find((s) => s[0] === '参加人次'), ['参加人次', 1]);
  assert.deepEqual(axes.series.find((s) => s[0] === '活动次数'), ['活动次数', 0]);

  // Paging and sorting of a long table: the organisations.
  const all = await tableRows(page, 't-hierarchy-organisations');
  assert.ok(all.length > 10, `${all.length} organisations: more than a page`);
  assert.equal((await tableRows(page, 't-hierarchy-organisations', true)).length, 10);
  await page.click('#sec-hierarchy-organisations .pager button.next');
  assert.equal((await tableRows(page, 't-hierarchy-organisations', true)).length, all.length - 10);
  await page.click('#t-hierarchy-organisations th[data-key="members"] button');
  const byMembers = (await tableRows(page, 't-hierarchy-organisations')).map((r) => Number(r.members));
  assert.deepEqual(byMembers, [...byMembers].sort((a, b) => a - b));
  assert.equal((await tableRows(page, 't-hierarchy-organisations', true)).length, 10, 'sorting goes back to page 1');
  await page.click('#t-hierarchy-organisations th[data-key="members"] button');
  const down = (await tableRows(page, 't-hierarchy-organisations')).map((r) => Number(r.members));
  assert.deepEqual(down, [...byMembers].reverse());
  await shot(page, 'organisations-sorted');

  // Excel beside every CSV of the overview: same rows, Chinese headers, the month in the name.
  const range = (await page.textContent('#dash-activity h2')).match(/(\d{4}-\d{2}) – (\d{4}-\d{2})/);
  const pairs = await exportsMatch(page, tmp, { completeness: month, activity: `${range[1]}至${range[2]}`, attention: '2026-11-20' });
  assert.ok(pairs >= 10, `${pairs} Excel files read`);

  // A street's line narrows the detail to that street, in place, bookmarkably.
  await page.click('#overview-units li[data-unit="望海楼街"] a');
  await page.waitForFunction(() => location.search.includes('street='));
  await page.waitForSelector('#t-completeness-communities');
  const narrowed = await tableRows(page, 't-completeness-communities');
  assert.ok(narrowed.length === 2 && narrowed.every((r) => r.street === '望海楼街'));
  assert.equal(decodeURIComponent(new URL(page.url()).searchParams.get('street')), '望海楼街');
  // The files of a narrowed table hold the rows the page shows (the hub narrows
  // them too), and their names say the street (and the community).
  async function narrowedFiles(id, field, want, dropped) {
    const shown = await tableRows(page, `t-${id}`);
    const csvHref = await page.getAttribute(`#sec-${id} a.csv`, 'href');
    const u = new URL(csvHref, durl);
    assert.equal(u.searchParams.get(field), want, `${id}: the file is narrowed`);
    const got = parseCsv((await (await page.request.get(u.href)).body()).subarray(3).toString('utf8'));
    assert.equal(got.length - 1, shown.length, `${id}: the CSV has the page's rows`);
    const col = got[0].indexOf(await page.textContent(`#t-${id} th[data-key="${field}"]`));
    assert.ok(col >= 0 && got.slice(1).every((r) => r[col] === want), `${id}: every row is of ${want}`);
    for (const k of dropped) u.searchParams.delete(k);
    const all = parseCsv((await (await page.request.get(u.href)).body()).subarray(3).toString('utf8'));
    const xr = await page.request.get(`${durl}${await page.getAttribute(`#sec-${id} a.xlsx`, 'href')}`);
    assert.ok(decodeURIComponent(xr.headers()['content-disposition'].split("UTF-8''")[1]).includes(`-${want}-`));
    return all.length - got.length;
  }
  await page.waitForSelector('#t-hierarchy-organisations');
  for (const id of ['completeness-communities', 'completeness-missing', 'hierarchy-organisations'])
    await narrowedFiles(id, 'street', '望海楼街', ['street']);
  // A community of that street: its organisations, and the file of them only.
  const comm = await page.textContent('#t-hierarchy-communities td[data-key="community"] a');
  await page.click('#t-hierarchy-communities td[data-key="community"] a');
  await page.waitForFunction(() => location.search.includes('community='));
  await page.waitForFunction((c) => [...document.querySelectorAll('#t-hierarchy-organisations td[data-key="community"]')]
    .every((td) => td.textContent === c), comm);
  assert.ok(await narrowedFiles('hierarchy-organisations', 'community', comm, ['street', 'community']) > 0,
    'the other community\'s organisations are left out');

  // ---- the organisation page ----
  await ready(page, `${durl}/dashboard/org/${org}`);
  await shot(page, 'org');
  const reps = await tableRows(page, `t-org\\/${org}-reports`);
  const months = reps.map((r) => r.month);
  assert.deepEqual(months, [...months].sort(), 'reports in month order');
  assert.equal(new Set(months).size, months.length, 'one row per month');
  assert.equal(months[0], '2026-04', 'the late report of an old month comes first');
  const cur = reps.find((r) => r.month === corrected);
  assert.equal(cur.activities, '41', 'the current report of the corrected month');
  assert.equal(cur.participants, '4321');
  assert.equal(cur.versions, '2');
  const hist = await tableRows(page, `t-org\\/${org}-history`);
  assert.equal(hist.length, 1);
  assert.equal(hist[0].month, corrected);
  assert.notEqual(hist[0].activities, '41');
  assert.equal(await page.$eval('#org-history', (d) => d.open), false, 'history is folded');
  const chartMonths = await page.evaluate(() => window.echarts.getInstanceByDom(document.getElementById('chart-org')).getOption().xAxis[0].data);
  assert.deepEqual(chartMonths, months);
  assert.equal(await page.textContent(`#t-org\\/${org}-records th[data-key="received"]`), '收到时间');
  assert.equal(await page.textContent(`#t-org\\/${org}-activities th[data-key="expected"]`), '预计人数');
  assert.ok(await exportsMatch(page, tmp, { org }) >= 4);
  await page.click('#org-history summary');
  await shot(page, 'org-full', true);
  await page.close();

  // ---- a street hub: its street's view ----
  const sp = await open(ctx);
  await login(sp, surl, 'liming');
  await ready(sp, `${surl}/`);
  await shot(sp, 'street-hub');
  const texts = await sp.$$eval('#dash a', (as) => as.map((a) => a.textContent));
  assert.ok(!texts.includes('全区'), 'no link to the whole district');
  assert.match(await sp.textContent('#dash-overview h2'), /^望海楼街 /);
  assert.deepEqual(await sp.$$eval('#overview-units li', (lis) => lis.map((li) => li.dataset.unit)), ['建昌道社区', '铁东路社区']);
  assert.equal(await sp.$('#t-completeness-streets'), null, 'no table of one street');
  assert.equal(await sp.$('#chart-activity-streets'), null, 'no chart of one bar');
  assert.ok(await sp.$('#chart-hierarchy canvas'), 'organisations per community instead');
  await sp.close();

  // ---- an operator bound to one street, at the district ----
  const bp = await open(ctx);
  await login(bp, durl, 'wanghailou');
  await ready(bp, `${durl}/`);
  await shot(bp, 'street-bound');
  const nav = await bp.$$eval('header nav a', (as) => as.map((a) => a.getAttribute('href')));
  assert.ok(!nav.includes('/decide') && !nav.includes('/activities'), `menu ${nav} offers pages that answer 403`);
  for (const href of nav) {
    const r = await bp.request.get(`${durl}${href}`);
    assert.ok(r.status() < 400, `menu item ${href}: HTTP ${r.status()}`);
  }
  assert.equal((await bp.request.get(`${durl}/decide`)).status(), 403, 'the page left out is refused');
  assert.match(await bp.textContent('#dash-overview h2'), /^望海楼街 /);
  assert.deepEqual(await bp.$$eval('#overview-units li', (lis) => lis.map((li) => li.dataset.unit)), ['建昌道社区', '铁东路社区']);
  await bp.close();
});
