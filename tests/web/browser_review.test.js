// browser_review.test.js - review results and decisions from a REAL street hub
// in headless Chromium: `linli-hub` (street role) serves on loopback, the node
// is enrolled there, and every decision reaches the node signed, through
// `linli-node sync`.  The street accepts the first batch and rejects the
// correction that follows (with a reason), criticises an organisation with a
// deadline already past, and acknowledges a major activity.  The page must show
// the rejection with its reason and the accepted figure that stands, the
// criticism with its deadline, overdue, and the rectification action that
// pre-fills the form, and the acknowledgement on the activity and organisation
// pages.  Then the street accepts the rectification and the criticism closes.
'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { startNode, startHub, launchBrowser, outDir } = require('./lib.js');

// A date n days from now, YYYY-MM-DD, in Shanghai time (the node's "today").
function shanghaiDate(days) {
  const d = new Date(Date.now() + 8 * 3600 * 1000 + days * 86400 * 1000);
  return d.toISOString().slice(0, 10);
}

// Last month, YYYY-MM, in Shanghai time.
function lastMonth() {
  const d = new Date(Date.now() + 8 * 3600 * 1000);
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() - 1);
  return d.toISOString().slice(0, 7);
}

// Every batch waiting at the street, reviewed with args (accept / reject ...).
function reviewAll(hub, ...args) {
  const queue = JSON.parse(hub.cli('review', 'list', '--json'));
  assert.ok(queue.length > 0, 'the street has a batch to review');
  for (const b of queue) hub.cli('review', args[0], String(b.id), ...args.slice(1));
  return queue.length;
}

test('review results and decisions from a real street hub', async (t) => {
  const hub = await startHub(t);
  const node = await startNode(t, {
    hub: hub.url, hubKey: hub.key,
    setup: (key) => hub.cli('enroll', '--name', '幸福社区', '--key', key, '--code', '120105001001'),
  });
  const month = lastMonth();
  const org = node.cli('org', 'file', '--filed', '2025-01-01', '--name', '夕阳红志愿服务队', '--category', '为老服务',
    '--leader', '王秀英', '--phone', '13800000000', '--members', '20', '--party-members', '1')
    .trim().split('\n').pop();
  node.cli('report', 'monthly', '--org', org, '--month', month, '--activities', '3',
    '--participants', '30', '--party-participants', '1', '--content', '探访独居老人');
  const act = node.cli('activity', 'declare', '--org', org, '--date', shanghaiDate(30),
    '--title', '重阳敬老大会', '--place', '社区广场', '--expected', '200').trim().split('\n').pop();
  node.cli('sync');
  reviewAll(hub, 'accept');

  // A correction of the accepted month goes to review again; the street rejects it.
  node.cli('report', 'monthly', '--org', org, '--month', month, '--activities', '5',
    '--participants', '50', '--party-participants', '1', '--content', '探访独居老人（更正）');
  node.cli('sync');
  const reason = '人次与签到表不符<img src=x id=injected>';
  reviewAll(hub, 'reject', '--reason', reason);
  const deadline = shanghaiDate(-3);
  // issued a week ago: a deadline already past is refused today
  const crit = hub.cliAt(Date.now() - 7 * 86400000, 'decide', 'criticize', '--org', org, '--deadline', deadline,
    '--reason', '连续三个月未按时报送月报').trim().split(/\s+/).pop();
  assert.match(crit, /^[0-9a-f]{64}\/\d+$/, 'decide prints the decision record');
  hub.cli('activity', 'ack', act, '--note', '注意安全，做好应急预案');
  node.cli('sync');

  const ctx = await launchBrowser(t);
  const page = await ctx.newPage();

  // Home: the overdue criticism is counted and highlighted.
  await page.goto(node.url);
  assert.equal((await page.textContent('#overdue')).trim(), '1');
  assert.equal(await page.locator('.stat.overdue #overdue').count(), 1);
  const shot = path.join(outDir(), 'node-home-review.png');
  await page.screenshot({ path: shot, fullPage: true });
  if (process.env.LINLI_WEB_SCREENSHOT) {
    fs.mkdirSync(path.dirname(process.env.LINLI_WEB_SCREENSHOT), { recursive: true });
    await page.screenshot({ path: process.env.LINLI_WEB_SCREENSHOT, fullPage: true });
  }

  // Organisations: the filing was accepted.
  await page.goto(node.url + 'orgs');
  const orgRow = page.locator(`#orgs tr[data-id="${org}"]`);
  assert.equal(await orgRow.locator('[data-review]').getAttribute('data-review'), 'accepted');
  assert.match(await orgRow.textContent(), /已通过/);

  // Reports: the correction is rejected with its reason (as text), and the
  // accepted figures stand.
  await page.goto(node.url + 'reports');
  const rep = page.locator(`#reports tr[data-org="${org}"][data-month="${month}"]`);
  assert.equal(await rep.locator('[data-review]').getAttribute('data-review'), 'rejected');
  const repText = await rep.textContent();
  assert.match(repText, /已退回/);
  assert.ok(repText.includes(reason), 'the reason is shown as typed');
  assert.equal(await page.locator('#injected').count(), 0, 'and not as markup');
  assert.equal((await rep.locator('.stands-activities').textContent()).trim(), '3');
  assert.equal((await rep.locator('.stands-participants').textContent()).trim(), '30');

  // The printable form carries the street's opinion.
  await page.goto(node.url + `reports/print?org=${org}&month=${month}`);
  assert.ok((await page.textContent('#print-sheet')).includes(`已退回：${reason}`));

  // Inbox: the rejection and its reason; the criticism with origin, deadline,
  // overdue highlight and the rectification action.
  await page.goto(node.url + 'inbox');
  const rejection = page.locator('#inbox tr[data-kind="review.batch"]', { hasText: '已退回' });
  assert.equal(await rejection.count(), 1);
  assert.ok((await rejection.textContent()).includes(reason));
  const critRow = page.locator('#inbox tr.criticism');
  assert.equal(await critRow.count(), 1);
  const critText = await critRow.textContent();
  assert.match(critText, /批评（限期整改）/);
  assert.match(critText, /街道/);
  assert.ok(critText.includes(deadline), 'the deadline is shown');
  assert.match(critText, /已逾期/);
  assert.match(await critRow.getAttribute('class'), /overdue/);
  const ackRow = page.locator('#inbox tr[data-kind="activity.ack"]');
  assert.match(await ackRow.textContent(), /注意安全，做好应急预案/);

  // Answer it: the form comes with the organisation and the decision's record.
  await critRow.locator('a.rectify').click();
  await page.waitForURL(/\/rectifications\/new/);
  assert.equal(await page.inputValue('#f-org'), org);
  assert.equal(await page.inputValue('#f-decision'), crit);
  await page.fill('#f-content', '已明确专人负责，每月5日前报送月报');
  await Promise.all([page.waitForURL(/\/inbox\?ok=rectify/), page.click('form.rec button[type=submit]')]);
  assert.ok(await page.isVisible('.msg.ok'));
  assert.match(await page.locator('#inbox tr.criticism').textContent(), /已提交整改报告|已逾期/);

  // Activities: the street acknowledged, the district not yet.
  await page.goto(node.url + 'activities');
  const actRow = page.locator(`#activities tr[data-id="${act}"]`);
  assert.equal(await actRow.locator('[data-escalation]').getAttribute('data-escalation'), 'street_ack');
  assert.equal(await actRow.locator('.esc-street [data-esc]').getAttribute('data-esc'), 'acknowledged');
  assert.equal(await actRow.locator('.esc-district [data-esc]').getAttribute('data-esc'), 'pending');
  assert.match(await actRow.locator('.esc-street').textContent(), /注意安全，做好应急预案/);

  // The organisation's page shows the same escalation and its decisions.
  await page.goto(node.url + `orgs/${org}`);
  assert.equal(await page.locator(`#activities tr[data-id="${act}"] .esc-street [data-esc]`)
    .getAttribute('data-esc'), 'acknowledged');
  assert.equal(await page.locator('#inbox tr.criticism').count(), 1);
  assert.equal(await page.locator('#org [data-review]').getAttribute('data-review'), 'accepted');

  // English.
  await page.goto(node.url + 'reports?lang=en');
  assert.match(await page.locator(`#reports tr[data-org="${org}"] td.review`).textContent(),
    /rejected.*Reason: /s);
  await page.goto(node.url + 'inbox');
  assert.match(await page.locator('#inbox tr.criticism').textContent(), /street/);
  await page.goto(node.url + '?lang=zh');

  // The street accepts the rectification: the criticism closes, nothing is overdue.
  node.cli('sync');
  reviewAll(hub, 'accept');
  node.cli('sync');
  await page.goto(node.url + 'inbox');
  assert.equal(await page.locator('#inbox tr.criticism [data-crit]').getAttribute('data-crit'), 'closed');
  assert.equal(await page.locator('#inbox tr.criticism a.rectify').count(), 0);
  await page.goto(node.url);
  assert.equal((await page.textContent('#overdue')).trim(), '0');
});
