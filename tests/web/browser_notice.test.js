// browser_notice.test.js - a street's notice and a community's own plan in headless
// Chromium, with a REAL street hub and a fixed clock (2027-02-09).  The street sends a
// notice to every community of its street; after a sync the node's notices page shows it
// unread, the staff mark it read with its button, and after the next sync the street's
// notice page shows the community read it.  The staff write the community's own plan from
// the plan form ("本社区"); its printable sheet carries the community's name, and the
// street's plans page lists it under 社区和街道本级 with its printable page.
'use strict';

process.env.LINLI_FAKE_NOW_MS = '1802138400000'; // before any process starts

const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { startNode, startHub, launchBrowser, outDir } = require('./lib.js');

test('notices: street to node, read on the page, seen by the street; a community plan', async (t) => {
  const hub = await startHub(t);
  const node = await startNode(t, {
    hub: hub.url, hubKey: hub.key,
    setup: (key) => hub.cli('enroll', '--name', '幸福社区', '--key', key, '--code', '120105001001'),
  });
  const org = node.cli('org', 'file', '--filed', '2026-03-01', '--name', '幸福社区夕阳红志愿服务队',
    '--category', '为老服务', '--leader', '王秀英', '--phone', '13800000000', '--members', '20',
    '--party-members', '1').trim().split('\n').pop();
  node.cli('sync');
  for (const b of JSON.parse(hub.cli('review', 'list', '--json'))) hub.cli('review', 'accept', String(b.id));
  const notice = hub.cli('notice', 'send', '--to', 'street', '--title', '关于年检的通知',
    '--text', '请于1月31日前报送自查报告').trim().split('\n').pop();
  node.cli('sync');

  const ctx = await launchBrowser(t);
  const page = await ctx.newPage();
  await page.goto(node.url + 'notices');
  const row = page.locator('#notices tr', { hasText: '关于年检的通知' });
  assert.equal(await row.count(), 1);
  assert.match(await row.textContent(), /请于1月31日前报送自查报告/);
  assert.match(await row.textContent(), /街道分会/);
  await page.screenshot({ path: path.join(outDir(), 'node-notices.png'), fullPage: true });
  await Promise.all([page.waitForURL(/\/notices\?ok=1$/), row.locator('button').click()]);
  assert.match(await page.locator('#notices tr', { hasText: '关于年检的通知' }).textContent(), /已读/);
  const listed = JSON.parse(node.cli('notice', 'list', '--json'));
  assert.equal(listed.length, 1);
  assert.equal(listed[0].notice, notice);
  assert.equal(listed[0].read, true);

  // The community's own plan from the form.
  await page.goto(node.url + 'plans/new');
  await page.selectOption('select[name="org"]', 'community');
  await page.fill('input[name="year"]', '2027');
  await page.fill('textarea[name="goals"]', '社区全年组织志愿服务');
  await page.fill('textarea[name="activities"]', '每季度一次培训');
  await Promise.all([page.waitForURL(/\/plans\?ok=1$/), page.click('form button[type="submit"]')]);
  assert.equal(await page.locator('#community_plans tr', { hasText: '2027' }).count(), 1);
  await Promise.all([page.waitForURL(/\/plans\/print/), page.locator('#community_plans a').first().click()]);
  assert.match(await page.textContent('#plan-sheet'), /幸福社区 2027年度工作计划和年终总结/);
  assert.ok((await page.textContent('#plan-sheet')).includes('每季度一次培训'));

  // The street sees the reading and the plan.
  node.cli('sync');
  for (const b of JSON.parse(hub.cli('review', 'list', '--json'))) hub.cli('review', 'accept', String(b.id));
  execFileSync(process.env.LINLI_HUB_BIN, ['--dir', hub.dir, 'operator', 'add', '李主任', '--role', 'street'],
    { input: 'notice-browser-pass\n', encoding: 'utf8' });
  const hp = await ctx.newPage();
  const hubBase = hub.url.replace(/\/$/, '');
  await hp.goto(hubBase + '/login');
  await hp.fill('#name', '李主任');
  await hp.fill('#password', 'notice-browser-pass');
  await Promise.all([hp.waitForNavigation(), hp.click('#login')]);
  await hp.goto(hubBase + '/notices');
  const nrow = hp.locator('#notice-list tr', { hasText: '关于年检的通知' });
  assert.deepEqual((await nrow.locator('td').allTextContents()).slice(4), ['1', '1']);
  await Promise.all([hp.waitForNavigation(), nrow.locator('a').click()]);
  assert.match(await hp.locator('#notice-reads tr', { hasText: '幸福社区' }).textContent(), /2027-02-09/);
  await hp.screenshot({ path: path.join(outDir(), 'hub-notice-reads.png'), fullPage: true });
  await hp.goto(hubBase + '/plans?year=2027');
  const unit = hp.locator('#plan-units tr', { hasText: '幸福社区' });
  assert.equal(await unit.count(), 1);
  await Promise.all([hp.waitForNavigation(), unit.locator('a').first().click()]);
  assert.match(await hp.textContent('#unit-plan'), /幸福社区 2027年度工作计划/);
  assert.ok((await hp.textContent('#unit-plan')).includes('社区全年组织志愿服务'));
  await hp.emulateMedia({ media: 'print' });
  await hp.screenshot({ path: path.join(outDir(), 'hub-unit-plan-print.png'), fullPage: true });
  await hp.emulateMedia({ media: 'screen' });

  // The street's forms: a second notice, and a training (an unknown organisation first).
  await hp.goto(hubBase + '/notices');
  await hp.fill('#notice-form input[name="title"]', '关于培训的通知');
  await hp.fill('#notice-form textarea[name="text"]', '下周三培训');
  await Promise.all([hp.waitForURL(/\/notices\?ok=1$/), hp.click('#notice-form button[type="submit"]')]);
  assert.equal(await hp.locator('#notice-list tr', { hasText: '关于培训的通知' }).count(), 1);
  node.cli('sync');
  assert.equal(JSON.parse(node.cli('notice', 'list', '--json')).length, 2);
  await hp.goto(hubBase + '/trainings?year=2027');
  await hp.fill('#train-form input[name="date"]', '2027-02-01');
  await hp.fill('#train-form input[name="topic"]', '活动安全');
  await hp.fill('#train-form input[name="organiser"]', '河北街道');
  await hp.fill('#train-form textarea[name="orgs"]', `${org}，120105001001-9999`);
  const [bad] = await Promise.all([hp.waitForNavigation(), hp.click('#train-form button[type="submit"]')]);
  assert.equal(bad.status(), 404);
  assert.match(await hp.textContent('main'), /120105001001-9999/);
  assert.equal(await hp.inputValue('#train-form input[name="topic"]'), '活动安全');
  await hp.fill('#train-form textarea[name="orgs"]', org);
  await Promise.all([hp.waitForURL(/\/trainings\?year=2027&ok=1$/), hp.click('#train-form button[type="submit"]')]);
  const trow = await hp.locator('#train-orgs tr', { hasText: org }).locator('td').allTextContents();
  assert.equal(trow[4], '1');
  await hp.screenshot({ path: path.join(outDir(), 'hub-trainings.png'), fullPage: true });

  // The street's own plan from its plans page: a past year is refused, with what was typed.
  await hp.goto(hubBase + '/plans?year=2027');
  await hp.fill('#unit-plan-form input[name="year"]', '2025');
  await hp.fill('#unit-plan-form textarea[name="goals"]', '街道全年培训四次');
  await hp.fill('#unit-plan-form textarea[name="activities"]', '每季度一次');
  const [past] = await Promise.all([hp.waitForNavigation(), hp.click('#unit-plan-form button[type="submit"]')]);
  assert.equal(past.status(), 400);
  assert.equal(await hp.inputValue('#unit-plan-form textarea[name="goals"]'), '街道全年培训四次');
  await hp.fill('#unit-plan-form input[name="year"]', '2027');
  await Promise.all([hp.waitForURL(/\/plans\?year=2027&ok=1$/), hp.click('#unit-plan-form button[type="submit"]')]);
  const street = hp.locator('#plan-units tr', { hasText: '（街道本级）' });
  assert.equal(await street.count(), 1);
  assert.match(await street.textContent(), /2027-02-09/);
});
