// browser_year.test.js - the annual inspection (年检) in headless Chromium, with a
// REAL street hub and a fixed clock (2027-02-09: 2026 is the finished year).
// The staff fill the node's self-report form: a refused form comes back with
// its reason and what they typed; the saved one is listed.  After a sync the
// street operator logs in, opens the progress page (the page the district
// reads for its streets), sees the self-report counted and the missing
// organisation listed, and records a 限期整改 with the page's form; the result
// reaches the node, which offers the rectification form for it.  Then a plan and a
// year-end summary from the node's forms, their printable sheet, and the street's list
// of who has submitted.
'use strict';

process.env.LINLI_FAKE_NOW_MS = '1802138400000'; // before any process starts

const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { startNode, startHub, launchBrowser, outDir } = require('./lib.js');

test('annual inspection: node form, street progress and result, back to the node', async (t) => {
  const hub = await startHub(t);
  const node = await startNode(t, {
    hub: hub.url, hubKey: hub.key,
    setup: (key) => hub.cli('enroll', '--name', '幸福社区', '--key', key, '--code', '120105001001'),
  });
  const file = (name) => node.cli('org', 'file', '--filed', '2026-03-01', '--name', name,
    '--category', '为老服务', '--leader', '王秀英', '--phone', '13800000000', '--members', '20',
    '--party-members', '1').trim().split('\n').pop();
  const org = file('幸福社区夕阳红志愿服务队');
  const other = file('幸福社区读书会');

  const ctx = await launchBrowser(t);
  const page = await ctx.newPage();

  // The form: more party members than members is refused, with what was typed kept.
  await page.goto(node.url + 'inspections/new');
  await page.selectOption('select[name="org"]', org);
  await page.fill('input[name="year"]', '2026');
  await page.fill('input[name="activities"]', '24');
  await page.fill('input[name="members"]', '22');
  await page.fill('input[name="joined"]', '3');
  await page.fill('input[name="left"]', '1');
  await page.fill('input[name="party_members"]', '30');
  await page.fill('input[name="funds_received"]', '5000.50');
  await page.fill('input[name="funds_used"]', '4200');
  await page.fill('textarea[name="problems"]', '活动场地不足');
  await page.fill('textarea[name="plans"]', '新增助餐服务');
  await page.selectOption('select[name="opinion"]', 'agree');
  const [refused] = await Promise.all([page.waitForNavigation(), page.click('form button[type="submit"]')]);
  assert.equal(refused.status(), 400);
  assert.match(await page.textContent('main'), /党员人数/);
  assert.equal(await page.inputValue('input[name="funds_received"]'), '5000.50');
  assert.equal(await page.inputValue('textarea[name="plans"]'), '新增助餐服务');
  await page.screenshot({ path: path.join(outDir(), 'node-inspection-refused.png'), fullPage: true });

  await page.fill('input[name="party_members"]', '3');
  await Promise.all([page.waitForURL(/\/inspections\?ok=1$/), page.click('form button[type="submit"]')]);
  const mine = page.locator('#insp-reports tr', { hasText: org });
  assert.equal(await mine.count(), 1);
  const row = await mine.textContent();
  assert.match(row, /2026/);
  assert.match(row, /5000\.50/);
  assert.match(row, /同意/);
  await page.screenshot({ path: path.join(outDir(), 'node-inspection-list.png'), fullPage: true });

  // The street: its batch accepted, its operator reads the progress in the browser.
  node.cli('sync');
  for (const b of JSON.parse(hub.cli('review', 'list', '--json'))) hub.cli('review', 'accept', String(b.id));
  execFileSync(process.env.LINLI_HUB_BIN, ['--dir', hub.dir, 'operator', 'add', '李主任', '--role', 'street'],
    { input: 'year-browser-pass\n', encoding: 'utf8' });
  const hp = await ctx.newPage();
  const hubBase = hub.url.replace(/\/$/, '');
  await hp.goto(hubBase + '/login');
  await hp.fill('#name', '李主任');
  await hp.fill('#password', 'year-browser-pass');
  await Promise.all([hp.waitForNavigation(), hp.click('#login')]);
  await hp.goto(hubBase + '/inspections?year=2026');
  assert.match(await hp.textContent('h1'), /2026年度年检进度/);
  assert.equal((await hp.textContent('#insp-due')).trim(), '2027-01-31');
  const totals = await hp.locator('#insp-totals tr').nth(1).locator('td').allTextContents();
  // 全部 | 应检 已报自查 逾期上报 未报 已检 合格 限期整改 已整改 不合格
  assert.deepEqual(totals.slice(1, 6), ['2', '1', '1', '1', '0']);
  assert.equal(await hp.locator('#insp-missing tr', { hasText: other }).count(), 1);
  assert.equal(await hp.locator('#insp-communities tr', { hasText: '幸福社区' }).count(), 1);

  // A 限期整改 without a deadline is refused on the page; with one it is saved.
  await hp.fill('#insp-form input[name="org"]', org);
  await hp.selectOption('#insp-form select[name="result"]', 'rectify');
  await hp.fill('#insp-form textarea[name="reason"]', '经费账目不清');
  const [bad] = await Promise.all([hp.waitForNavigation(), hp.click('#insp-form button[type="submit"]')]);
  assert.equal(bad.status(), 400);
  assert.match(await hp.textContent('main'), /整改期限/);
  assert.equal(await hp.inputValue('#insp-form textarea[name="reason"]'), '经费账目不清');
  await hp.fill('#insp-form input[name="deadline"]', '2027-03-31');
  await Promise.all([hp.waitForURL(/ok=1/), hp.click('#insp-form button[type="submit"]')]);
  const after = await hp.locator('#insp-totals tr').nth(1).locator('td').allTextContents();
  assert.deepEqual(after.slice(5, 8), ['1', '0', '1']);
  await hp.screenshot({ path: path.join(outDir(), 'hub-inspection-progress.png'), fullPage: true });

  // The result reaches the node, with the way to answer it.
  node.cli('sync');
  await page.goto(node.url + 'inspections');
  const res = page.locator('#insp-results tr', { hasText: org });
  assert.equal(await res.count(), 1);
  const resText = await res.textContent();
  assert.match(resText, /限期整改/);
  assert.match(resText, /2027-03-31/);
  assert.match(resText, /经费账目不清/);
  await Promise.all([page.waitForURL(/\/rectifications\/new/), res.locator('a').click()]);
  assert.equal(await page.inputValue('select[name="org"]'), org);
  await page.goto(node.url + 'inspections');
  await page.screenshot({ path: path.join(outDir(), 'node-inspection-result.png'), fullPage: true });

  // A plan for this year: a plan for a past year is refused; the saved one prints.
  await page.goto(node.url + 'plans/new');
  await page.selectOption('select[name="org"]', org);
  await page.fill('input[name="year"]', '2025');
  await page.fill('textarea[name="goals"]', '全年服务老人二百人次');
  await page.fill('textarea[name="activities"]', '每月探访独居老人，重阳节敬老活动');
  await page.fill('input[name="count"]', '12');
  const [late] = await Promise.all([page.waitForNavigation(), page.click('form button[type="submit"]')]);
  assert.equal(late.status(), 400);
  assert.match(await page.textContent('main'), /今年或明年/);
  await page.fill('input[name="year"]', '2027');
  await Promise.all([page.waitForURL(/\/plans\?ok=1$/), page.click('form button[type="submit"]')]);
  await page.goto(node.url + 'plans/new?part=summary');
  await page.selectOption('select[name="org"]', org);
  await page.fill('input[name="year"]', '2026');
  await page.fill('textarea[name="results"]', '全年探访一百八十人次');
  await page.fill('input[name="count"]', '11');
  await Promise.all([page.waitForURL(/\/plans\?ok=1$/), page.click('form button[type="submit"]')]);
  assert.equal(await page.locator('#plans tr', { hasText: org }).count(), 1);
  assert.equal(await page.locator('#summaries tr', { hasText: org }).count(), 1);
  await Promise.all([page.waitForURL(/\/plans\/print/), page.locator('#plans a').first().click()]);
  const sheet = await page.textContent('#plan-sheet');
  assert.match(sheet, /幸福社区夕阳红志愿服务队 2027年度工作计划和年终总结/);
  assert.ok(sheet.includes('每月探访独居老人'), 'the plan is on the sheet');
  await page.emulateMedia({ media: 'print' });
  await page.screenshot({ path: path.join(outDir(), 'node-plan-print.png'), fullPage: true });
  await page.emulateMedia({ media: 'screen' });

  // The street sees who has submitted.
  node.cli('sync');
  await hp.goto(hubBase + '/plans?year=2026');
  const comm = await hp.locator('#plan-communities tr', { hasText: '幸福社区' }).locator('td').allTextContents();
  // 街道 社区 应报 工作计划 逾期 未报计划 年终总结 逾期 未报总结
  assert.deepEqual(comm.slice(2), ['2', '0', '0', '2', '1', '1', '1']);
  assert.equal(await hp.locator('#summary-missing tr', { hasText: other }).count(), 1);
  await hp.screenshot({ path: path.join(outDir(), 'hub-plans.png'), fullPage: true });
});
