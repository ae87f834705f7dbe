// browser_dashboard_stations.test.js - the district dashboard's party-member
// stations, industries and supervising units in headless Chromium, against a
// small district brought up by the real programs with a fixed clock
// (2027-02-09): the district publishes its lists; a community files two
// organisations with them (one registers its station, one with five party
// members does not) and reports a month; the street accepts them and
// registers a station for its own street-level organisation with
// `linli-hub station register`.  On the district's page the stations section
// (per community, the stations, those still needing one) and the industry and
// supervising-unit tables of the hierarchy and the activity show the figures
// the API gives, in the glossary's words, with no machine output; a
// screenshot of the section goes to LINLI_WEB_OUT.
'use strict';

process.env.LINLI_FAKE_NOW_MS = '1802138400000'; // before any process starts

const test = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { startNode, startHub, launchBrowser, outDir } = require('./lib.js');

const HUB_BIN = process.env.LINLI_HUB_BIN || 'linli-hub';
const PASSWORD = 'stations-test-password';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const last = (s) => s.trim().split('\n').pop();

// Every batch waiting at the street, accepted.
function acceptAll(street) {
  for (const b of JSON.parse(street.cli('review', 'list', '--json'))) {
    street.cli('review', 'accept', String(b.id), '--operator', '李主任');
  }
}

// The texts of a table's cells, row by row, keyed by data-key.
async function rows(page, id) {
  return page.$$eval(`#${id} tbody tr`, (trs) => trs.map((tr) => {
    const o = {};
    for (const td of tr.querySelectorAll('td')) o[td.dataset.key] = td.textContent;
    return o;
  }));
}

test('district dashboard: stations, industries and supervising units', async (t) => {
  const district = await startHub(t, { role: 'district', name: '河北区协会' });
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'linli-web-lists-'));
  t.after(() => fs.rmSync(tmp, { recursive: true, force: true }));
  const lists = { industry: 'HEALTH,卫生健康\nEDU,教育\n', unit: 'WJW,区卫生健康委员会\nJYJ,区教育局\n' };
  for (const [kind, text] of Object.entries(lists)) {
    fs.writeFileSync(path.join(tmp, kind), text);
    district.cli('list', 'publish', '--kind', kind, path.join(tmp, kind));
  }
  execFileSync(HUB_BIN, ['--dir', district.dir, 'operator', 'add', '张科长', '--role', 'district'],
    { input: `${PASSWORD}\n`, encoding: 'utf8' });
  const street = await startHub(t, { name: '河北街道', upstream: district.url, upstreamKey: district.key });
  district.cli('enroll', '--name', '河北街道', '--key', street.key);
  const forward = () => { try { street.cli('forward'); } catch (e) { /* the serve loop may hold it */ } };
  forward(); // the lists come down to the street
  const node = await startNode(t, {
    hub: street.url, hubKey: street.key,
    setup: (key) => street.cli('enroll', '--name', '幸福社区', '--key', key, '--code', '120105001001'),
  });
  node.cli('sync'); // and to the node

  // The community: one organisation with a station, one with five party members without.
  const file = (name, party, ...more) => last(node.cli('org', 'file', '--filed', '2026-03-01', '--name', name,
    '--category', '为老服务', '--leader', '王秀英', '--phone', '13800000000', '--members', '20',
    '--party-members', String(party), ...more));
  const withStation = file('幸福社区健康讲堂', 3, '--industry', 'HEALTH', '--unit', 'WJW');
  const needing = file('幸福社区助学队', 5, '--industry', 'EDU', '--unit', 'JYJ');
  node.cli('station', 'register', '--org', withStation, '--name', '健康讲堂党员活动站', '--leader', '赵',
    '--party-members', '3', '--committee', '幸福社区党总支', '--date', '2026-06-01',
    '--branch', '健康讲堂党支部', '--branch-date', '2026-07-01');
  node.cli('roster', 'add', '--org', withStation, '--name', '欧阳铁柱', '--role', '队长', '--party-member', 'yes');
  node.cli('report', 'monthly', '--org', withStation, '--month', '2027-01', '--activities', '4',
    '--participants', '60', '--party-participants', '3', '--content', '健康讲座');
  node.cli('report', 'monthly', '--org', needing, '--month', '2027-01', '--activities', '2',
    '--participants', '25', '--party-participants', '5', '--content', '课业辅导');
  node.cli('sync');
  acceptAll(street);

  // The street's own organisation and its station, with the new command.
  const streetOrg = last(street.cli('org', 'file', '--name', '河北街道卫健党员志愿者分会', '--category', '志愿',
    '--leader', '孙', '--phone', '13800000010', '--members', '10', '--party-members', '4',
    '--filed', '2026-09-01', '--industry', 'HEALTH', '--unit', 'WJW'));
  street.cli('station', 'register', '--org', streetOrg, '--name', '卫健党员活动站', '--leader', '孙',
    '--party-members', '4', '--committee', '河北街道党工委', '--date', '2026-10-01');

  // Until the district holds both stations.
  let api = null;
  for (let i = 0; i < 100; i++) {
    forward();
    api = JSON.parse(district.cli('station', 'list', '--json'));
    if (api.totals.stations === 2) break;
    await sleep(200);
  }
  assert.deepEqual(api.totals, { stations: 2, needing: 1 });

  const ctx = await launchBrowser(t);
  const page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(new URL('/login', district.url).href);
  await page.fill('input[name=name]', '张科长');
  await page.fill('input[name=password]', PASSWORD);
  await Promise.all([page.waitForNavigation(), page.click('form button[type=submit]')]);
  await page.goto(new URL('/', district.url).href);
  await page.waitForSelector('#dash[data-ready="1"]', { timeout: 30000 });
  await page.waitForSelector('#t-stations-stations', { timeout: 30000 });
  const get = (p) => page.evaluate(async (u) => (await fetch(u)).json(), p);
  const st = await get('/api/v1/dashboard/stations');
  const h = await get('/api/v1/dashboard/hierarchy');
  const a = await get('/api/v1/dashboard/activity');

  // The stations section: its totals, per community, the stations, those needing one.
  const sec = page.locator('#dash-stations');
  assert.equal(await sec.locator('h2').first().textContent(), '党员活动站');
  assert.equal(await sec.locator('dd[data-key="stations"]').textContent(), '2');
  assert.equal(await sec.locator('dd[data-key="needing"]').textContent(), '1');
  assert.deepEqual(await rows(page, 't-stations-communities'), st.communities.map((c) => ({
    street: c.street, community: c.community, code: c.code, stations: String(c.stations), needing: String(c.needing),
  })));
  assert.deepEqual((await rows(page, 't-stations-communities')).map((r) => [r.community, r.stations, r.needing]),
    [['幸福社区', '1', '1']]);
  const shown = await rows(page, 't-stations-stations');
  assert.deepEqual(shown.map((r) => [r.id, r.station, r.leader, r.party_members, r.committee, r.date]).sort(), [
    [withStation, '健康讲堂党员活动站', '赵', '3', '幸福社区党总支', '2026-06-01'],
    [streetOrg, '卫健党员活动站', '孙', '4', '河北街道党工委', '2026-10-01'],
  ].sort());
  assert.equal(shown.find((r) => r.id === withStation).branch, '健康讲堂党支部');
  assert.deepEqual((await rows(page, 't-stations-needing')).map((r) => [r.id, r.name, r.party_members]),
    [[needing, '幸福社区助学队', '5']]);
  // A filing number links to its organisation's page.
  assert.equal(await page.locator(`#t-stations-needing a[href="/dashboard/org/${needing}"]`).count(), 1);
  // Column heads are the glossary's words, never the API's keys.
  const heads = await page.$$eval('#dash-stations th', (ths) => ths.map((th) => th.textContent));
  for (const w of ['活动站名称', '活动站负责人', '活动站党员人数', '登记的党组织', '登记日期', '党员活动站数', '尚需设立数']) {
    assert.ok(heads.includes(w), `${w} in ${heads}`);
  }
  for (const hd of heads) assert.doesNotMatch(hd, /[a-z_]{3,}/, hd);

  // Industries and supervising units, in the hierarchy and the activity.
  const byName = (list, key) => Object.fromEntries(list.map((r) => [r[key], r]));
  const hi = await rows(page, 't-hierarchy-industries');
  assert.deepEqual(hi.map((r) => [r.industry, r.organisations]).sort(),
    h.industries.map((r) => [r.industry, String(r.organisations)]).sort());
  assert.equal(byName(hi, 'industry')['卫生健康'].organisations, '2');
  assert.equal(byName(hi, 'industry')['教育'].organisations, '1');
  const hu = await rows(page, 't-hierarchy-units');
  assert.equal(byName(hu, 'unit')['区卫生健康委员会'].organisations, '2');
  // the street's 4 and the roster's 1 (a roster's counts replace the filing's 3)
  assert.equal(byName(hu, 'unit')['区卫生健康委员会'].party_members, '5');
  assert.deepEqual(hu.map((r) => [r.unit, r.code, r.members]).sort(),
    h.units.map((r) => [r.unit, r.code, String(r.members)]).sort());
  const ai = byName(await rows(page, 't-activity-industries'), 'industry');
  assert.equal(ai['卫生健康'].activities, '4');
  assert.equal(ai['卫生健康'].participants, '60');
  assert.equal(ai['教育'].participants, String(byName(a.industries, 'industry')['教育'].participants));
  const au = byName(await rows(page, 't-activity-units'), 'unit');
  assert.equal(au['区教育局'].activities, '2');
  for (const id of ['t-hierarchy-industries', 't-hierarchy-units', 't-activity-industries', 't-activity-units']) {
    const th = await page.$$eval(`#${id} th`, (ths) => ths.map((x) => x.textContent));
    for (const hd of th) assert.doesNotMatch(hd, /[a-z_]{3,}/, `${id}: ${hd}`);
  }
  // The jump menu reaches the section, and every table has its CSV.
  assert.equal(await page.locator('nav.dash-jump a[href="#dash-stations"]').textContent(), '党员活动站');
  const csv = await page.evaluate(async (u) => (await fetch(u)).text(),
    await page.locator('#sec-stations-stations a.csv').getAttribute('href'));
  assert.match(csv, /活动站名称/);
  assert.match(csv, /卫健党员活动站/);

  const text = await page.textContent('#dash-stations');
  assert.doesNotMatch(text, /[0-9a-f]{64}|\d{4}-\d\d-\d\dT\d|undefined|null/);
  await sec.scrollIntoViewIfNeeded();
  await sec.screenshot({ path: path.join(outDir(), 'dashboard-stations.png') });
  await page.locator('#sec-hierarchy-industries').screenshot({ path: path.join(outDir(), 'dashboard-industries.png') });
  assert.deepEqual(errors, []);

  // At the street, the organisation's page: its roster's column says 在册 (the
  // roster's own word), its reports' table 当前月报 (the monthly reports' word).
  execFileSync(HUB_BIN, ['--dir', street.dir, 'operator', 'add', '李主任', '--role', 'street'],
    { input: `${PASSWORD}\n`, encoding: 'utf8' });
  await page.goto(new URL('/login', street.url).href);
  await page.fill('input[name=name]', '李主任');
  await page.fill('input[name=password]', PASSWORD);
  await Promise.all([page.waitForNavigation(), page.click('form button[type=submit]')]);
  await page.goto(new URL(`/dashboard/org/${withStation}`, street.url).href);
  await page.waitForSelector('#dash[data-ready="1"]', { timeout: 30000 });
  const roster = `[id="t-org/${withStation}-roster"]`;
  assert.equal(await page.textContent(`${roster} th[data-key="current"]`), '在册');
  assert.equal(await page.textContent(`${roster} td[data-key="name"]`), '欧阳铁柱');
  assert.equal(await page.textContent(`${roster} td[data-key="current"]`), '是');
  assert.equal(await page.textContent(`[id="sec-org/${withStation}-reports"] h3`), '当前月报');
  assert.deepEqual(errors, []);
});
