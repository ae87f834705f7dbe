// browser_community.test.js - the community page at 1024×768 on a fixed clock
// (3 December 2026, 10:00 Shanghai), with a REAL street hub: the home page lists
// November as due (not December) and every month still owed before it first;
// a report the street returned is listed again with its reason; the form
// defaults to the month due; a filing the street returned shows as 已退回 with
// the reason and a 重新备案 action whose re-filing the street then accepts;
// lists are newest first with pages and a search box; the printable filing
// form (备案表) has a 填报人 line; no page scrolls sideways at 1024 px.
'use strict';

// Every process this test starts (node, hub, their command lines) reads this
// clock; nothing asserted depends on the wall clock.
process.env.LINLI_FAKE_NOW_MS = String(Date.UTC(2026, 11, 3, 2, 0, 0));

const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { startNode, startHub, launchBrowser, outDir } = require('./lib.js');

function reviewAll(hub, ...args) {
  const queue = JSON.parse(hub.cli('review', 'list', '--json'));
  assert.ok(queue.length > 0, 'the street has a batch to review');
  for (const b of queue) hub.cli('review', args[0], String(b.id), ...args.slice(1));
}

function file(node, name, filed) {
  return node.cli('org', 'file', '--filed', filed, '--name', name, '--category', '为老服务',
    '--leader', '王秀英', '--phone', '13800000000', '--members', '20', '--party-members', '1')
    .trim().split('\n').pop();
}

function report(node, org, month, content) {
  node.cli('report', 'monthly', '--org', org, '--month', month, '--activities', '2',
    '--participants', '30', '--party-participants', '1', '--content', content);
}

async function noSideScroll(page, what) {
  const w = await page.evaluate(() => Math.max(document.documentElement.scrollWidth,
    document.body.scrollWidth));
  assert.ok(w <= 1024, `${what} is ${w} px wide at 1024`);
}

test('the community page asks for the month due, shows what the street returned, pages and prints', async (t) => {
  const hub = await startHub(t);
  const node = await startNode(t, {
    hub: hub.url, hubKey: hub.key,
    setup: (key) => hub.cli('enroll', '--name', '幸福社区', '--key', key, '--code', '120105001001'),
  });
  const shots = outDir();

  // A: filed in August, reported September and October; B: filed in October,
  // nothing reported; C: filed this month (owes nothing yet).
  const a = file(node, '夕阳红志愿服务队', '2026-08-01');
  const b = file(node, '幸福社区助老工作站', '2026-10-15');
  const c = file(node, '青少年读书会', '2026-12-01');
  report(node, a, '2026-09', '探访独居老人');
  node.cli('sync');
  reviewAll(hub, 'accept');
  // D's filing and A's October report go in one batch the street returns.
  const d = file(node, '旧名书画社', '2026-09-01');
  report(node, a, '2026-10', '重阳节慰问');
  node.cli('sync');
  reviewAll(hub, 'reject', '--reason', '名称与登记证不符，人次与签到表不符');
  node.cli('sync');
  // Enough organisations for a second page of the list (20 a page).
  for (let i = 1; i <= 18; i++) file(node, `楼栋互助小组${i}`, '2026-11-20');

  const ctx = await launchBrowser(t);
  const page = await ctx.newPage();
  await page.setViewportSize({ width: 1024, height: 768 });
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));

  // Home: November is due by 5 December; the months owed before it come first.
  await page.goto(node.url);
  assert.match(await page.textContent('#due-month'), /2026-11.*2026-12-05/);
  const rows = await page.$$eval('#due tr[data-month]', (trs) => trs.map((r) => ({
    org: r.dataset.org, month: r.dataset.month, state: r.dataset.state, text: r.textContent })));
  assert.ok(rows.length > 0);
  assert.ok(!rows.some((r) => r.month === '2026-12'), 'December is not due on 3 December');
  assert.ok(!rows.some((r) => r.org === c), 'an organisation filed this month owes nothing');
  assert.ok(!rows.some((r) => r.org === d), 'a returned filing owes no report until accepted');
  const key = (r) => `${r.org} ${r.month} ${r.state}`;
  const seen = rows.map(key);
  for (const want of [`${a} 2026-08 overdue`, `${a} 2026-10 rejected`, `${b} 2026-10 overdue`,
    `${a} 2026-11 due`, `${b} 2026-11 due`]) assert.ok(seen.includes(want), `due list has ${want}: ${seen}`);
  assert.ok(!seen.some((s) => s.startsWith(`${a} 2026-09`)), 'an accepted month is not owed');
  const firstDue = rows.findIndex((r) => r.state === 'due');
  assert.ok(rows.slice(firstDue).every((r) => r.state === 'due'), 'overdue and returned months come first');
  const returned = rows.find((r) => r.state === 'rejected');
  assert.match(returned.text, /已退回/);
  assert.match(returned.text, /人次与签到表不符/);
  assert.match(returned.text, /重新填报/);
  await noSideScroll(page, 'home');
  await page.screenshot({ path: path.join(shots, 'community-home.png'), fullPage: true });

  // The form defaults to the month due; for one organisation, the oldest it owes.
  await page.goto(new URL('/reports/new', node.url).href);
  assert.equal(await page.inputValue('#f-month'), '2026-11');
  await page.goto(new URL(`/reports/new?org=${a}`, node.url).href);
  assert.equal(await page.inputValue('#f-month'), '2026-08');
  await page.goto(node.url);
  await page.click(`#due tr[data-org="${b}"][data-month="2026-11"] a`);
  assert.equal(await page.inputValue('#f-month'), '2026-11');
  assert.equal(await page.inputValue('#f-org'), b);
  await page.fill('#f-activities', '4');
  await page.fill('#f-participants', '60');
  await page.fill('#f-party_participants', '2');
  await page.fill('#f-content', '助老送餐');
  await Promise.all([page.waitForURL(/\/reports\?ok=report/), page.click('form.rec button[type=submit]')]);
  await page.goto(node.url);
  assert.equal(await page.locator(`#due tr[data-org="${b}"][data-month="2026-11"]`).count(), 0);

  // The organisation list: newest first, 20 a page, the returned filing as
  // 已退回 with its reason and 重新备案.
  await page.goto(new URL('/orgs', node.url).href);
  assert.equal(await page.locator('#orgs tr[data-id]').count(), 20);
  assert.match(await page.getAttribute('.pager', 'data-pages'), /^2$/);
  assert.match(await page.textContent('.pager'), /共 22 条/);
  assert.match(await page.locator('#orgs tr[data-id]').first().textContent(), /楼栋互助小组18/);
  await noSideScroll(page, '/orgs');
  await page.screenshot({ path: path.join(shots, 'community-orgs.png'), fullPage: true });
  await page.click('.pager a[rel=next]');
  assert.equal(await page.locator('#orgs tr[data-id]').count(), 2);
  const dRow = page.locator(`#orgs tr[data-id="${d}"]`);
  assert.equal(await dRow.count(), 0, 'D is on the first page (filed after A and B)');
  await page.fill('#q', '书画');
  await Promise.all([page.waitForURL(/q=/), page.press('#q', 'Enter')]);
  assert.equal(await page.locator('#orgs tr[data-id]').count(), 1);
  assert.equal(await dRow.locator('[data-status="rejected"]').count(), 1);
  assert.match(await dRow.textContent(), /已退回/);
  assert.match(await dRow.textContent(), /名称与登记证不符/);
  // Traditional characters find the Simplified name (書畫 = 书画).
  await page.goto(new URL(`/orgs?q=${encodeURIComponent('書畫社')}`, node.url).href);
  assert.equal(await page.locator('#orgs tr[data-id]').count(), 1);

  // 重新备案: the form says why it came back; the re-filing is a whole filing.
  await dRow.locator('a.refile').click();
  assert.match(await page.textContent('#refile-reason'), /名称与登记证不符/);
  await page.fill('#f-name', '幸福社区书画社');
  await page.screenshot({ path: path.join(shots, 'community-refile.png'), fullPage: true });
  await Promise.all([page.waitForURL(/\/orgs\?ok=refile/), page.click('form.rec button[type=submit]')]);
  assert.match(await page.textContent('.msg.ok'), /已重新备案/);
  const refiled = JSON.parse(node.cli('org', 'list', '--json')).find((o) => o.id === d);
  // The re-filing waits for the street: the details stay the last accepted (here
  // the returned filing's) until it is accepted, as everywhere else.
  assert.equal(refiled.name, '旧名书画社');
  assert.equal(refiled.review, 'pending');
  node.cli('sync');
  reviewAll(hub, 'accept');
  node.cli('sync');
  const accepted = JSON.parse(node.cli('org', 'list', '--json')).find((o) => o.id === d);
  assert.equal(accepted.review, 'accepted', 'the street accepted the re-filing');
  assert.equal(accepted.name, '幸福社区书画社', 'the accepted re-filing gives the name');
  await page.goto(new URL(`/orgs?q=${encodeURIComponent('书画社')}`, node.url).href);
  assert.equal(await dRow.locator('[data-status="active"]').count(), 1);
  // Now accepted, D owes its reports from September on.
  await page.goto(node.url);
  assert.ok(await page.locator(`#due tr[data-org="${d}"][data-month="2026-09"]`).count() === 1);

  // Reports: newest month first, searchable.
  await page.goto(new URL('/reports', node.url).href);
  const months = await page.$$eval('#reports tr[data-month]', (trs) => trs.map((r) => r.dataset.month));
  assert.deepEqual(months, [...months].sort().reverse());
  await page.fill('#f-q', '送餐');
  await Promise.all([page.waitForURL(/q=/), page.click('form.rec button[type=submit]')]);
  assert.equal(await page.locator('#reports tr[data-month]').count(), 1);
  await noSideScroll(page, '/reports');

  // The printable filing form, beside the monthly one.
  await page.goto(new URL(`/orgs/${a}`, node.url).href);
  await noSideScroll(page, 'organisation page');
  await page.click(`a[href="/orgs/${a}/print"]`);
  const sheet = await page.textContent('#print-sheet');
  assert.match(sheet, /社区公益性民间组织备案表/);
  assert.match(sheet, /夕阳红志愿服务队/);
  assert.match(sheet, /填报人/);
  await noSideScroll(page, 'filing form');
  await page.screenshot({ path: path.join(shots, 'community-filing-form.png'), fullPage: true });
  await page.goto(new URL('/orgs/print', node.url).href);
  assert.match(await page.textContent('#print-sheet'), /填报人/);

  assert.deepEqual(errors, []);
});
