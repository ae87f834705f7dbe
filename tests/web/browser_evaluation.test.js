// browser_evaluation.test.js - evaluation and commendation (评比表彰) in headless
// Chromium, with a REAL district and street hub and a fixed clock (2027-01-10,
// nominations for 2026).  The district opens a round, which reaches the node
// through the street; the staff nominate a person of an organisation on the
// node's page (a refused form comes back with its reason and what they typed);
// the street recommends and the district selects; the node's page and inbox then
// show the commendation naming the person.
'use strict';

process.env.LINLI_FAKE_NOW_MS = '1799553600000'; // before any process starts

const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { startNode, startHub, launchBrowser, outDir } = require('./lib.js');

test('evaluation: a round reaches the node, the nomination form, the commendation back', async (t) => {
  const district = await startHub(t, { role: 'district', name: '河北区协会' });
  const street = await startHub(t, { upstream: district.url, upstreamKey: district.key });
  district.cli('enroll', '--name', '河北街道', '--key', street.key);
  const node = await startNode(t, {
    hub: street.url, hubKey: street.key,
    setup: (key) => street.cli('enroll', '--name', '幸福社区', '--key', key, '--code', '120105001001'),
  });
  const org = node.cli('org', 'file', '--filed', '2026-03-01', '--name', '幸福社区夕阳红志愿服务队',
    '--category', '为老服务', '--leader', '王秀英', '--phone', '13800000000', '--members', '20',
    '--party-members', '1').trim().split('\n').pop();
  node.cli('sync');
  const forward = () => { try { street.cli('forward'); } catch (e) { /* retried by the next step */ } };
  forward();
  const round = district.cli('evaluation', 'open', '--year', '2026', '--title', '2026年度优秀志愿者评比',
    '--closes', '2027-01-31').trim().split('\n').pop();
  assert.equal(round, '2026-1');
  forward();
  node.cli('sync');

  const ctx = await launchBrowser(t);
  const page = await ctx.newPage();
  await page.goto(node.url + 'evaluation');
  const r = page.locator('#eval-rounds tr[data-round="2026-1"]');
  assert.equal(await r.count(), 1);
  assert.match(await r.textContent(), /2026年度优秀志愿者评比.*2027-01-31.*进行中/s);

  // A name over 200 bytes: the field stops at 66 characters (198 bytes of
  // Chinese); past it (the limit taken off), the domain core refuses it, what
  // was typed kept.
  await page.selectOption('select[name="round"]', round);
  await page.selectOption('select[name="org"]', org);
  assert.equal(await page.getAttribute('input[name="person"]', 'maxlength'), '66');
  await page.$eval('input[name="person"]', (el) => el.removeAttribute('maxlength'));
  await page.fill('input[name="person"]', '王'.repeat(70));
  await page.fill('textarea[name="deeds"]', '十年如一日照顾社区独居老人');
  const [refused] = await Promise.all([page.waitForNavigation(), page.click('form button[type="submit"]')]);
  assert.equal(refused.status(), 400);
  assert.match(await page.textContent('main'), /被提名人/);
  assert.equal(await page.inputValue('textarea[name="deeds"]'), '十年如一日照顾社区独居老人');
  assert.equal(await page.inputValue('select[name="org"]'), org);
  await page.screenshot({ path: path.join(outDir(), 'node-evaluation-refused.png'), fullPage: true });

  await page.fill('input[name="person"]', '王秀英');
  await Promise.all([page.waitForURL(/\/evaluation\?ok=1$/), page.click('form button[type="submit"]')]);
  const mine = page.locator('#eval-nominations tr', { hasText: '王秀英' });
  assert.equal(await mine.count(), 1);
  assert.match(await mine.textContent(), /已提名/);
  const record = await mine.getAttribute('data-record');

  // The street recommends, the district selects; the commendation comes back.
  node.cli('sync');
  street.cli('evaluation', 'recommend', record, '--opinion', '事迹突出，同意推荐');
  forward();
  district.cli('evaluation', 'select', record, '--reason', '评为2026年度优秀志愿者');
  forward();
  node.cli('sync');
  await page.goto(node.url + 'evaluation');
  const done = await page.locator('#eval-nominations tr', { hasText: '王秀英' }).textContent();
  assert.match(done, /已表彰/);
  assert.match(done, /事迹突出，同意推荐/);
  assert.match(done, /评为2026年度优秀志愿者/);
  assert.doesNotMatch(await page.textContent('main'), /[0-9a-f]{64}/);
  await page.screenshot({ path: path.join(outDir(), 'node-evaluation-commended.png'), fullPage: true });
  await page.goto(node.url + 'inbox');
  const c = page.locator('#inbox tr[data-kind="decision.commend"]');
  assert.equal(await c.count(), 1);
  assert.match(await c.textContent(), /王秀英/);
  assert.match(await c.textContent(), /评为2026年度优秀志愿者/);
  assert.equal(await page.locator('#inbox tr[data-kind="evaluation.round"]').count(), 1);
});
