// browser_records.test.js - the other forms in headless Chromium: amendment
// (only changes are sent; the details wait for the street), major activity declaration (a past
// date refused), the rectification form, "sync now", and dissolution.
'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const { startNode, launchBrowser } = require('./lib.js');

// Shanghai calendar date, days from now.
function shanghaiDate(days) {
  return new Date(Date.now() + 8 * 3600e3 + days * 86400e3).toISOString().slice(0, 10);
}

test('staff amend and dissolve an organisation and declare a major activity', async (t) => {
  const node = await startNode(t);
  const out = node.cli('org', 'file', '--filed', '2025-01-01', '--name', '幸福社区书画工作站', '--category', '书画',
    '--leader', '赵敏', '--phone', '13700000000', '--members', '8', '--party-members', '1',
    '--founded-by', 'street');
  const id = out.trim().split('\n').pop();
  assert.match(id, /^\d{12}-\d{4}$/);
  const ctx = await launchBrowser(t);
  const page = await ctx.newPage();

  // Amendment: the form starts from the held values; only changes are sent.
  await page.goto(node.url + 'orgs');
  await page.click(`#orgs tr[data-id="${id}"] a[href$="/amend"]`);
  assert.equal(await page.inputValue('#f-name'), '幸福社区书画工作站');
  assert.equal(await page.inputValue('#f-founded_by'), 'street');
  await Promise.all([page.waitForLoadState('load'), page.click('form.rec button[type=submit]')]);
  assert.match(await page.textContent('.msg.error'), /没有修改任何内容/);
  await page.fill('#f-party_members', '3');
  await Promise.all([page.waitForURL(/\/orgs\?ok=amend/), page.click('form.rec button[type=submit]')]);
  // The amendment waits for the street: the details (and the flags computed from them)
  // stay the accepted version's, and the row shows the amendment as pending.
  const row = page.locator(`#orgs tr[data-id="${id}"]`);
  assert.equal(await row.locator('.flag[data-flag="party_station"]').count(), 0,
    'a pending amendment changed the flags');
  assert.equal(await row.locator('td.review [data-review="pending"]').count(), 1,
    'the pending amendment is shown as pending');
  const held = (await (await page.request.get(node.url + 'api/orgs')).json())[0];
  assert.equal(held.party_members, 1);
  assert.equal(held.leader, '赵敏');

  // A major activity dated in the past is refused; a future one is declared.
  await page.goto(node.url + 'activities/new');
  await page.selectOption('#f-org', id);
  await page.fill('#f-date', shanghaiDate(-3));
  await page.fill('#f-title', '迎新春书画展');
  await page.fill('#f-place', '社区活动中心');
  await page.fill('#f-expected', '150');
  await Promise.all([page.waitForLoadState('load'), page.click('form.rec button[type=submit]')]);
  assert.ok(await page.isVisible('.msg.error'), 'a past date is refused');
  assert.equal(await page.inputValue('#f-title'), '迎新春书画展');
  await page.fill('#f-date', shanghaiDate(10));
  await Promise.all([page.waitForURL(/\/activities\?ok=activity/), page.click('form.rec button[type=submit]')]);
  assert.match(await page.textContent('#activities'), /迎新春书画展/);

  // The rectification form is there (no criticism received: free text field).
  await page.goto(node.url + 'rectifications/new');
  assert.ok(await page.isVisible('#f-decision'));
  assert.ok(await page.isVisible('#f-content'));

  // Sync now: the loop is woken, the page says so.
  await page.goto(node.url);
  await Promise.all([page.waitForURL(/\?ok=sync/), page.click('#sync-now')]);
  assert.ok(await page.isVisible('.msg.ok'));

  // Dissolution asks first, then the organisation shows as dissolved.
  await page.goto(node.url + `orgs/${id}/dissolve`);
  await page.fill('#f-reason', '成员迁出，无法继续活动');
  page.once('dialog', (d) => d.accept());
  await Promise.all([page.waitForURL(/\/orgs\?ok=dissolve/), page.click('form.rec button[type=submit]')]);
  assert.match(await page.textContent(`#orgs tr[data-id="${id}"]`), /已解散/);
  assert.equal(await page.locator(`#orgs tr[data-id="${id}"] a[href$="/amend"]`).count(), 0);
  // A dissolved organisation cannot report.
  await page.goto(node.url + 'reports/new');
  assert.equal(await page.locator(`#f-org option[value="${id}"]`).count(), 0);
});
