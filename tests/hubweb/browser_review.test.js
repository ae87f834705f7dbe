// browser_review.test.js - an operator in Chromium: log in with the form,
// read the review queue, open a batch with its decoded records and flags,
// accept one batch except a record (with a reason), reject another with a
// reason, and see the decisions recorded: in the page, in the hub's review
// list and in the audit trail.  Screenshots of the queue and of a batch (the
// ones in docs/img/ come from here).
'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { makeHubs, startHub, launchBrowser, outDir } = require('./lib.js');

test('review batches in the browser', async (t) => {
  const { tmp, ids } = makeHubs(t);
  const hub = await startHub(t, `${tmp}/street`);
  const [b1, b2] = ids.street;
  const ctx = await launchBrowser(t);
  const page = await ctx.newPage();
  const out = outDir();

  // the queue needs a login, and comes back after it
  await page.goto(new URL('/review', hub.url).href);
  assert.match(page.url(), /\/login\?next=/);
  await page.fill('#name', 'alice');
  await page.fill('#password', 'wrong-password');
  await page.click('#login');
  assert.match(await page.textContent('#error'), /用户名或密码错误/);
  await page.fill('#password', 'alice-pass-1');
  await Promise.all([page.waitForURL(/\/review$/), page.click('#login')]);
  assert.equal(await page.locator('#queue tbody tr').count(), 2);
  const row1 = page.locator(`tr[data-batch="${b1}"]`);
  assert.match(await row1.textContent(), /幸福社区/);
  assert.match(await row1.textContent(), /组织备案 1/);
  assert.equal(await row1.getAttribute('class'), 'flagged'); // a record carries a rule flag
  await page.screenshot({ path: path.join(out, 'review-queue.png'), fullPage: true });

  // one batch: decoded records with their flags
  await Promise.all([page.waitForURL(new RegExp(`/review/${b1}$`)), row1.locator('a').click()]);
  const rec1 = page.locator('#records tbody tr[data-seq="1"]');
  assert.match(await rec1.textContent(), /幸福社区<b>夕阳红<\/b>志愿队/); // shown as text, not markup
  assert.match(await rec1.locator('.flag').first().textContent(), /缺少党员活动站/);
  assert.match(await page.textContent('#batch-status'), /待审核/);
  await page.screenshot({ path: path.join(out, 'review-batch.png'), fullPage: true });

  // accept it except the monthly report, which gets a reason
  await page.check('#records tbody tr[data-seq="2"] input[name="except"]');
  await page.fill('#records tbody tr[data-seq="2"] input[name="why_2"]', '活动人次与附件不符');
  await Promise.all([page.waitForURL(/msg=msg\.accepted/), page.click('#accept')]);
  assert.match(await page.textContent('#batch-status'), /已通过/);
  assert.match(await page.textContent('#batch-operator'), /alice/);
  const rec2 = page.locator('#records tbody tr[data-seq="2"]');
  assert.match(await rec2.textContent(), /已退回/);
  assert.match(await rec2.textContent(), /活动人次与附件不符/);

  // reject the other batch with a reason
  await page.goto(new URL(`/review/${b2}`, hub.url).href);
  await page.fill('#reject-reason', '负责人联系方式缺失，请补充后重报');
  // asked once more, with the reason, before the whole batch goes back
  await Promise.all([page.waitForLoadState('load'), page.click('#reject')]);
  assert.match(await page.textContent('h1'), /确认退回整个批次/);
  assert.match(await page.textContent('#confirm-reason'), /负责人联系方式缺失/);
  assert.match(JSON.parse(hub.cli(['review', 'show', String(b2), '--json'])).status, /pending/);
  await page.screenshot({ path: path.join(out, 'review-confirm-reject.png'), fullPage: true });
  await Promise.all([page.waitForURL(/msg=msg\.rejected/), page.click('#confirm-reject')]);
  assert.match(await page.textContent('#batch-status'), /已退回/);
  assert.match(await page.textContent('#batch-reason'), /负责人联系方式缺失/);
  assert.match(await page.textContent('#batch-operator'), /alice/);

  // the queue is empty now; English on request
  await page.goto(new URL('/review?lang=en', hub.url).href);
  assert.match(await page.textContent('#queue-empty'), /No batch is waiting/);
  await page.goto(new URL('/review', hub.url).href); // the choice sticks (cookie)
  assert.match(await page.textContent('h1'), /Review queue/);

  // recorded: the hub's own review list and the audit trail
  const pending = JSON.parse(hub.cli(['review', 'list', '--json']));
  assert.ok(!pending.some((b) => b.id === b1 || b.id === b2));
  const shown = JSON.parse(hub.cli(['review', 'show', String(b2), '--json']));
  assert.equal(shown.status, 'rejected');
  assert.equal(shown.operator, 'alice'); // the name is in the signed review entry too
  assert.match(shown.reason, /负责人联系方式缺失/);
  const audit = JSON.parse(hub.cli(['operator', 'audit', '--json']));
  const rej = audit.find((r) => r.action === 'review.reject');
  assert.ok(rej, 'review.reject in the audit trail');
  assert.equal(rej.operator, 'alice');
  assert.equal(rej.target, `batch ${b2}`);
  assert.match(rej.detail, /负责人联系方式缺失/);
  const acc = audit.find((r) => r.action === 'review.accept');
  assert.equal(acc.operator, 'alice');
  assert.match(acc.detail, /活动人次与附件不符/);

  // log out: back to the login form, and the queue needs a login again
  await Promise.all([page.waitForURL(/\/login$/), page.click('#logout')]);
  await page.goto(new URL('/review', hub.url).href);
  assert.match(page.url(), /\/login\?next=/);

  if (process.env.LINLI_HUBWEB_DOCS_IMG) {
    for (const f of ['review-queue.png', 'review-batch.png'])
      fs.copyFileSync(path.join(out, f), path.join(process.env.LINLI_HUBWEB_DOCS_IMG, f));
  }
});
