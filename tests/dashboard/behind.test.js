// behind.test.js - an answer given from its last computation while the hub
// computes it again (`linli-hub serve --answer-wait`; at a city the
// whole-city tables take seconds), as people see it in headless Chromium:
// after another process wrote to the district hub's database, every section
// of the dashboard says, under its heading, the time of its figures and that
// they are being updated; a moment later the page has the new figures and
// no such line.  Here --answer-wait 0 gives every answer so (a district's
// answers take milliseconds, below the default 200 ms).  Screenshot:
// LINLI_WEB_OUT/dashboard/behind.png (when set).
'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { launchBrowser } = require('../web/lib.js');
const { HUB, run, sleep, district, login } = require('./district.js');

// A fixed clock for every program this test starts (they inherit it).
process.env.LINLI_FAKE_NOW_MS = '1795147200000'; // 2026-11-20 12:00 in Shanghai

const SECTIONS = ['overview', 'hierarchy', 'completeness', 'activity', 'attention', 'stations', 'funding'];

async function ready(page, url) {
  await page.goto(url);
  await page.waitForSelector('#dash[data-ready="1"]', { timeout: 30000 });
}

// The line under each section's heading, by section ('' when none).
async function behindLines(page) {
  const out = {};
  for (const s of SECTIONS) {
    const p = await page.$(`#dash-${s} p.dash-behind`);
    out[s] = p ? await p.textContent() : '';
  }
  return out;
}

// Load the page until no section says its figures are of an earlier time
// (at most 30 s): the hub has computed every answer again.
async function current(page, url) {
  let lines = null;
  for (let i = 0; i < 60; i++) {
    await ready(page, url);
    lines = await behindLines(page);
    if (Object.values(lines).every((l) => l === '')) return;
    await sleep(500);
  }
  for (const [s, line] of Object.entries(lines)) assert.equal(line, '', `${s}: computed again`);
}

test('after a write, each section says its figures are of an earlier time, then shows the new ones', { timeout: 180000 }, async (t) => {
  const { durl, ddir } = await district(t, { months: 2, districtArgs: ['--answer-wait', '0'] });
  const ctx = await launchBrowser(t);
  const page = await ctx.newPage();
  await page.setViewportSize({ width: 1024, height: 768 });
  await login(page, durl, 'admin');
  // The street may still be forwarding (each arrival is a write): the page
  // until every answer is of the database as it is.
  await current(page, `${durl}/`);
  const dueBefore = await page.textContent('#dash-completeness p.hint');

  const hier = await (await page.request.get(`${durl}/api/v1/dashboard/hierarchy`)).json();
  assert.equal(hier.updating, undefined);

  // Another process writes: the due day moves (a different day than now).
  const now = Number(run(HUB, ['--dir', ddir, 'dashboard', 'due-day']).match(/\d+/)[0]);
  run(HUB, ['--dir', ddir, 'dashboard', 'due-day', String(now % 28 + 1)]);

  // A script that reads right after it wrote asks for the database as it is.
  const st = await (await page.request.get(`${durl}/api/v1/dashboard/stations?fresh=1`)).json();
  assert.equal(st.updating, undefined);
  await ready(page, `${durl}/`);
  const lines = await behindLines(page);
  assert.equal(lines.stations, '', 'stations: computed by the fresh=1 request');
  // The first request after the write finds nothing computed since: at least
  // that section is given so (the others may be computed again meanwhile).
  assert.ok(Object.values(lines).some((l) => l !== ''), JSON.stringify(lines));
  // the hub's clock (fixed: 12:00 in Shanghai), as every time on the page
  for (const [s, line] of Object.entries(lines)) {
    if (line) assert.equal(line, '以下是 12:00 的数据，正在更新，稍后刷新本页可看到最新数据。', s);
  }
  // A section given so shows the figures of that time: the old due day.
  if (lines.completeness) assert.equal(await page.textContent('#dash-completeness p.hint'), dueBefore);
  if (process.env.LINLI_WEB_OUT) {
    const dir = path.join(process.env.LINLI_WEB_OUT, 'dashboard');
    fs.mkdirSync(dir, { recursive: true });
    await page.screenshot({ path: path.join(dir, 'behind.png') });
  }

  // A moment later: the new figures (the new due day), no line.
  await current(page, `${durl}/`);
  assert.notEqual(await page.textContent('#dash-completeness p.hint'), dueBefore);

  // A file cut from an answer given so says the time of its figures in its
  // name; once computed again, it does not.
  const fileName = async () => decodeURIComponent(
      (await page.request.get(`${durl}/api/v1/dashboard/hierarchy.csv?table=organisations`))
          .headers()['content-disposition']
          .split("filename*=UTF-8''")[1]);
  run(HUB, [ '--dir', ddir, 'dashboard', 'due-day', String(now) ]);
  assert.match(await fileName(), /-12时00分的数据\.csv$/);
  let name = '';
  for (let i = 0; i < 60 && !name.match(/-\d{4}-\d{2}-\d{2}\.csv$/); i++) {
    await sleep(500);
    name = await fileName();
  }
  assert.doesNotMatch(name, /的数据/);
});
