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
const path = require('node:path');
const { launchBrowser } = require('../web/lib.js');
const { PASSWORD, sql, district, parseCsv } = require('./district.js');

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
  // Every record names the community that signed it.
  const recs = await tableRows(page, `t-org\\/${orgId}-records`);
  assert.ok(recs.length > reps.length && recs.every((r) => r.signed_by === '建昌道社区'));
  // The page links the organisation's archive, which answers with its name.
  assert.equal(await page.getAttribute('#org-dossier', 'href'), `/dossier/${orgId}`);
  assert.equal(await page.getAttribute('#org-dossier-zip', 'href'), `/dossier/${orgId}/zip`);
  const dossier = await page.request.get(`${durl}/dossier/${orgId}`);
  assert.equal(dossier.status(), 200);
  assert.match(await dossier.text(), /档案<\/title>/);

  // The API refuses a caller without a session.
  const anon = await fetch(`${durl}/api/v1/dashboard/hierarchy`);
  assert.equal(anon.status, 401);
});
