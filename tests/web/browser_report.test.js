// browser_report.test.js - the staff page as staff use it, in headless Chromium:
// file an organisation through the form and see it listed with its flag, be
// refused a monthly report with more party members than participants (message
// shown, typed values kept, nothing written), submit it corrected, switch to
// English, open the printable form; and a screenshot of the home page.
'use strict';

// A fixed clock (3 December 2026, Shanghai): the home page lists the months due.
process.env.LINLI_FAKE_NOW_MS = String(Date.UTC(2026, 11, 3, 2, 0, 0));

const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { startNode, launchBrowser, outDir, fillFiling } = require('./lib.js');

test('staff file an organisation, report a month, switch language and print', async (t) => {
  const node = await startNode(t);
  const ctx = await launchBrowser(t);
  const page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  // The refused report answers 400, which Chromium logs; anything else is a fault.
  page.on('console', (m) => {
    if (m.type() === 'error' && !/status of 400/.test(m.text())) errors.push(m.text());
  });

  // Home, in Simplified Chinese by default.
  await page.goto(node.url);
  assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
  assert.match(await page.title(), /首页/);
  assert.match(await page.textContent('#sync-status'), /上次联系街道分会/);

  // File an organisation set up by a district unit whose name breaks the
  // naming norm (XXX社区XXX工作站): written, and flagged.
  await page.click('nav a[href="/orgs/new"]');
  await page.fill('#f-name', '夕阳红合唱团');
  await page.fill('#f-category', '文体娱乐');
  await page.fill('#f-leader', '李秀英');
  await page.fill('#f-phone', '13912345678');
  await page.fill('#f-members', '25');
  await page.fill('#f-party_members', '2');
  await page.selectOption('#f-founded_by', 'district-unit');
  await page.fill('#f-scope', '社区文化活动');
  await page.fill('#f-filed', '2026-10-08'); // filed before last month: November's report is due
  await Promise.all([page.waitForURL(/\/orgs\?ok=file/), page.click('form.rec button[type=submit]')]);
  const okText = await page.textContent('.msg.ok');
  const id = /(\d{12}-\d{4})/.exec(okText)[1];
  assert.match(okText, /已备案/);
  const row = page.locator(`#orgs tr[data-id="${id}"]`);
  assert.match(await row.textContent(), /夕阳红合唱团/);
  assert.match(await row.textContent(), /正常/);
  assert.equal(await row.locator('.flag[data-flag="name_norm"]').count(), 1);
  assert.match(await row.locator('.flag').first().textContent(), /名称不符合规范/);

  // A conforming name is not flagged.
  await page.goto(new URL('/orgs/new', node.url).href);
  await fillFiling(page, { name: '幸福社区助老工作站', category: '助老', leader: '张伟',
    phone: '13800138000', members: '10', party: '1', foundedBy: 'district-unit' });
  await Promise.all([page.waitForURL(/\/orgs\?ok=file/), page.click('form.rec button[type=submit]')]);
  const id2 = /(\d{12}-\d{4})/.exec(await page.textContent('.msg.ok'))[1];
  assert.equal(await page.locator(`#orgs tr[data-id="${id2}"] .flag`).count(), 0);

  // The home page lists the flagged organisation and the reports due (filed
  // today, the second one owes nothing yet).
  await page.goto(node.url);
  assert.match(await page.textContent('#flagged'), /夕阳红合唱团/);
  assert.doesNotMatch(await page.textContent('#flagged'), /助老工作站/);
  assert.match(await page.textContent('#due'), /夕阳红合唱团/);
  assert.doesNotMatch(await page.textContent('#due'), /助老工作站/);

  // Monthly report with more party members than participants: refused, the
  // message beside the form, the typed values kept, nothing written.
  await page.click(`#due a[href*="${id}"]`);
  const month = await page.inputValue('#f-month');
  assert.match(month, /^\d{4}-\d{2}$/);
  assert.equal(await page.inputValue('#f-org'), id);
  await page.fill('#f-activities', '3');
  await page.fill('#f-participants', '40');
  await page.fill('#f-party_participants', '55');
  await page.fill('#f-content', '重阳节合唱演出');
  await page.fill('#f-good_deeds', '帮助独居老人买菜');
  await Promise.all([page.waitForLoadState('load'), page.click('form.rec button[type=submit]')]);
  const refusal = await page.textContent('.msg.error');
  assert.match(refusal, /未保存/);
  assert.match(refusal, /黨員|党员/);
  assert.equal(await page.inputValue('#f-participants'), '40');
  assert.equal(await page.inputValue('#f-party_participants'), '55');
  assert.equal(await page.inputValue('#f-content'), '重阳节合唱演出');
  assert.equal(await page.inputValue('#f-good_deeds'), '帮助独居老人买菜');
  assert.equal(await page.inputValue('#f-org'), id);
  const none = await (await page.request.get(new URL(`/api/reports?org=${id}`, node.url).href)).json();
  assert.deepEqual(none, [], 'the refused report was not written');

  // Corrected, it is saved and listed.
  await page.fill('#f-party_participants', '6');
  await Promise.all([page.waitForURL(/\/reports\?ok=report/), page.click('form.rec button[type=submit]')]);
  assert.match(await page.textContent('.msg.ok'), /月报已保存/);
  const rep = page.locator('#reports tr', { hasText: id });
  assert.equal(await rep.count(), 1);
  assert.match(await rep.textContent(), /重阳节合唱演出/);
  const saved = await (await page.request.get(new URL(`/api/reports?org=${id}`, node.url).href)).json();
  assert.equal(saved.length, 1);
  assert.equal(saved[0].party_participants, 6);
  assert.equal(saved[0].corrections, 0);
  assert.equal(saved[0].month, month);

  // A correction supersedes the report; the history keeps both.
  await rep.locator('a[href^="/reports/new"]').click();
  assert.equal(await page.inputValue('#f-participants'), '40', 'the correction starts from the report');
  await page.fill('#f-participants', '45');
  await Promise.all([page.waitForURL(/\/reports\?ok=report/), page.click('form.rec button[type=submit]')]);
  assert.match(await rep.textContent(), /45/);
  await rep.locator('a[href^="/reports/history"]').click();
  assert.equal(await page.locator('#history tr').count(), 3, 'header and two versions');
  assert.match(await page.textContent('#history tr.current'), /45/);

  // Switch to English: the page and the next ones stay English (cookie).
  await page.goto(node.url + 'reports');
  await page.click('header .lang a');
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  assert.match(await page.textContent('h1'), /Monthly reports/);
  await page.click('nav a[href="/orgs"]');
  assert.match(await page.textContent('h1'), /Organisations/);
  assert.match(await page.textContent(`#orgs tr[data-id="${id}"]`), /name breaks the naming norm/);

  // The printable form, from the report list.
  await page.goto(new URL('/reports', node.url).href);
  await page.click(`#reports a[href^="/reports/print?org=${id}"]`);
  assert.match(await page.textContent('#print-sheet h1'), /Monthly activity report/);
  await page.click('header .lang a'); // back to Chinese, on the same form
  assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
  const sheet = await page.textContent('#print-sheet');
  assert.match(sheet, /《社区公益性民间组织活动情况月报表》/);
  for (const label of ['组织名称', '备案编号', '月份', '开展活动次数', '参加人次', '活动内容',
    '公益服务范围', '好人好事', '党员参加人次', '填报人', '填报日期', '审核意见']) {
    assert.ok(sheet.includes(label), `printable form has ${label}`);
  }
  assert.ok(sheet.includes('夕阳红合唱团') && sheet.includes(id) && sheet.includes(month));
  assert.ok(sheet.includes('重阳节合唱演出') && sheet.includes('帮助独居老人买菜'));
  // On paper the navigation and buttons disappear. The click above returns
  // once the new page commits; the stylesheets that hide them may still be
  // on their way, so wait for the page to finish loading first.
  await page.waitForLoadState('load');
  await page.emulateMedia({ media: 'print' });
  assert.equal(await page.isVisible('header.top'), false);
  assert.equal(await page.isVisible('button[data-print]'), false);
  assert.equal(await page.isVisible('#print-sheet'), true);
  await page.emulateMedia({ media: 'screen' });
  const pdf = await page.pdf({ format: 'A4' });
  assert.ok(pdf.length > 1000, 'the form prints to PDF');

  // The hub this node points at is down: the home page says so in Chinese
  // (the English detail from curl stays folded under 详情).
  await page.goto(node.url);
  for (let i = 0; i < 100 && await page.locator('#sync-error').count() === 0; i++) {
    await page.waitForTimeout(200);
    await page.goto(node.url);
  }
  const problem = await page.locator('#sync-error').innerText();
  assert.match(problem, /上次同步问题：无法连接街道分会/);
  assert.doesNotMatch(problem, /[A-Za-z]{4,} [A-Za-z]{4,}/, 'no English sentence in view');

  // Screenshot of the home page (the one for the docs, with decisions from a
  // hub, is browser_review's).
  const shot = path.join(outDir(), 'node-home.png');
  await page.screenshot({ path: shot, fullPage: true });
  assert.deepEqual(errors, [], 'no script errors or CSP violations in the console');
});
