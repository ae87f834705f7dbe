// browser_warnings.test.js - reviewer warnings (common/warnings.c) where a
// reviewer looks, with a REAL street hub and node: a community files two
// organisations whose names differ only by a Traditional character, one with
// a leader of one ideographic space, one with the phone "abc", and a monthly
// report of 50 activities with 3 participants.  The domain core takes them
// (inside its bounds); the street's batch page flags each record with what
// looks wrong, and the node's own pages show the same warnings on the record.
'use strict';

process.env.LINLI_FAKE_NOW_MS = String(Date.UTC(2026, 11, 3, 2, 0, 0));

const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { startNode, startHub, launchBrowser, outDir } = require('./lib.js');

const HUB_BIN = process.env.LINLI_HUB_BIN || 'linli-hub';

test('the street sees warnings on the records of a batch, the node on its records', async (t) => {
  const hub = await startHub(t);
  const node = await startNode(t, {
    hub: hub.url, hubKey: hub.key,
    setup: (key) => hub.cli('enroll', '--name', '幸福社区', '--key', key, '--code', '120105001001'),
  });
  execFileSync(HUB_BIN, ['--dir', hub.dir, 'operator', 'add', 'wang', '--role', 'street'],
    { input: 'wang-pass-1\nwang-pass-1\n', encoding: 'utf8' });

  const a = node.cli('org', 'file', '--filed', '2026-09-01', '--name', '幸福社区助老工作站',
    '--category', '助老', '--leader', '张伟', '--phone', 'abc', '--members', '10',
    '--party-members', '1').trim().split('\n').pop();
  const b = node.cli('org', 'file', '--filed', '2026-09-01', '--name', '幸福社區助老工作站',
    '--category', '助老', '--leader', '\u3000', '--phone', '022-26281234', '--members', '8',
    '--party-members', '0').trim().split('\n').pop();
  node.cli('report', 'monthly', '--org', a, '--month', '2026-11', '--activities', '50',
    '--participants', '3', '--party-participants', '0', '--content', '上门探访');
  node.cli('sync');
  const queue = JSON.parse(hub.cli('review', 'list', '--json'));
  assert.equal(queue.length, 1);
  // The same warnings for scripts: review show --json carries them per record
  // (each of the two names is the other's duplicate).
  const shown = JSON.parse(hub.cli('review', 'show', String(queue[0].id), '--json'));
  const codes = shown.records.map((r) => (r.warnings || []).map((w) => `${w.code}:${w.field}`).join(','));
  assert.deepEqual(codes, ['phone:phone,duplicate:name', 'blank:leader,duplicate:name', 'ratio:participants']);

  const ctx = await launchBrowser(t);
  const page = await ctx.newPage();
  await page.setViewportSize({ width: 1024, height: 768 });
  await page.goto(new URL(`/review/${queue[0].id}`, hub.url).href);
  await page.fill('#name', 'wang');
  await page.fill('#password', 'wang-pass-1');
  await Promise.all([page.waitForURL(new RegExp(`/review/${queue[0].id}$`)), page.click('#login')]);
  const rows = page.locator('#records tbody tr');
  assert.equal(await rows.count(), 3);
  assert.match(await rows.nth(0).locator('.warnings').textContent(), /联系电话：不像中国的电话号码/);
  assert.match(await rows.nth(1).locator('.warnings').textContent(), /负责人：内容为空/);
  assert.match(await rows.nth(1).locator('.warnings').textContent(), /名称：街道内已有同名组织/);
  assert.match(await rows.nth(2).locator('.warnings').textContent(), /参加人次：参加人次与活动次数不相称/);
  for (let i = 0; i < 3; i++) assert.equal(await rows.nth(i).getAttribute('class'), 'flagged');
  await page.screenshot({ path: path.join(outDir(), 'review-warnings.png'), fullPage: true });

  // An amendment reads old -> new on the street's batch page, not as data.
  hub.cli('review', 'accept', String(queue[0].id));
  node.cli('org', 'amend', a, '--phone', '13800138000', '--leader', '李娜');
  node.cli('sync');
  const next = JSON.parse(hub.cli('review', 'list', '--json'));
  assert.equal(next.length, 1);
  await page.goto(new URL(`/review/${next[0].id}`, hub.url).href);
  const changes = page.locator('#records ul.changes');
  assert.match(await changes.locator('li[data-field="phone"]').textContent(), /联系电话：abc → 13800138000/);
  assert.match(await changes.locator('li[data-field="leader"]').textContent(), /负责人：张伟 → 李娜/);
  assert.doesNotMatch(await page.textContent('#records'), /[{}"]/, 'no raw JSON');
  await page.screenshot({ path: path.join(outDir(), 'review-amendment.png'), fullPage: true });
  // Accepted, the amendment becomes the organisation's details at the node.
  hub.cli('review', 'accept', String(next[0].id));
  node.cli('sync');

  // The node shows the same on the record.
  await page.goto(new URL(`/orgs/${b}`, node.url).href);
  const warn = await page.textContent('#warnings');
  assert.match(warn, /街道内已有同名组织/);
  assert.match(warn, /负责人：内容为空/);
  await page.goto(new URL(`/orgs/${a}`, node.url).href);
  // ... and the node's organisation page lists the amendment the same way.
  assert.match(await page.textContent('#amendments li[data-field="phone"]'), /联系电话：abc → 13800138000/);
  assert.match(await page.textContent('#amendments li[data-field="leader"]'), /负责人：张伟 → 李娜/);
  const aWarn = await page.textContent('#warnings');
  assert.match(aWarn, /街道内已有同名组织/);
  assert.doesNotMatch(aWarn, /电话/, 'the amended phone is a real number');
  assert.match(await page.textContent('#reports'), /参加人次与活动次数不相称/);
  await page.screenshot({ path: path.join(outDir(), 'node-org-warnings.png'), fullPage: true });
});
