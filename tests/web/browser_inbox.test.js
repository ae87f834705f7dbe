// browser_inbox.test.js - decisions from the street in headless Chromium: the
// unread count on the home page, the inbox (escaped), answering a criticism with
// a rectification report, marking decisions read.
//
// A decision normally arrives signed through the sync with a hub; to test the
// page alone, one is put straight into the node's inbox table with the sqlite3
// shell (the table and meta layout are node/store.c's).
'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { startNode, launchBrowser } = require('./lib.js');

const HUB = 'ab'.repeat(32);

function sql(node, statement) {
  execFileSync('sqlite3', ['-cmd', '.timeout 10000', path.join(node.dir, 'node.db'), statement]);
}

test('a criticism in the inbox is answered with a rectification report', async (t) => {
  const node = await startNode(t);
  const id = node.cli('org', 'file', '--filed', '2025-01-01', '--name', '健身操队', '--category', '体育', '--leader', '孙丽',
    '--phone', '13600000000', '--members', '15', '--party-members', '0').trim().split('\n').pop();
  const body = JSON.stringify({ org: id, reason: '连续三个月未开展活动<img src=x id=injected>',
    deadline: '2099-12-31' });
  sql(node, `INSERT OR REPLACE INTO meta(key, value) VALUES('hub_key', '${HUB}');` +
    `INSERT INTO inbox(cursor, hub_seq, kind, body, time_ms, raw, read) VALUES(1, 7, ` +
    `'decision.criticize', '${body.replace(/'/g, "''")}', ${Date.now()}, x'00', 0);`);

  const ctx = await launchBrowser(t);
  const page = await ctx.newPage();
  await page.goto(node.url);
  assert.equal((await page.textContent('#unread')).trim(), '1');
  await page.click('#unread a');
  const row = page.locator('#inbox tr.unread');
  assert.equal(await row.count(), 1);
  const text = await row.textContent();
  assert.match(text, /批评（限期整改）/);
  assert.match(text, /2099-12-31/);
  assert.ok(text.includes('<img src=x id=injected>'), 'the reason is shown as text');
  assert.equal(await page.locator('#injected').count(), 0, 'and not as markup');

  // Answer it: the form comes with the organisation and the decision chosen.
  await row.locator('a[href^="/rectifications/new"]').click();
  assert.equal(await page.inputValue('#f-org'), id);
  assert.equal(await page.inputValue('#f-decision'), `${HUB}/7`);
  await page.fill('#f-content', '已制定活动计划，每周二晚开展健身操活动');
  await Promise.all([page.waitForURL(/\/inbox\?ok=rectify/), page.click('form.rec button[type=submit]')]);
  assert.ok(await page.isVisible('.msg.ok'));
  const log = JSON.parse(node.cli('status', '--json'));
  assert.equal(log.written, 2, 'the filing and the rectification report are in the log');

  // Mark it read.
  await Promise.all([page.waitForURL(/\/inbox$/), page.click('#inbox tr.unread form.inline button')]);
  assert.equal(await page.locator('#inbox tr.unread').count(), 0);
  await page.goto(node.url);
  assert.equal((await page.textContent('#unread')).trim(), '0');
  const inbox = await (await page.request.get(node.url + 'api/inbox')).json();
  assert.equal(inbox.length, 1);
  assert.equal(inbox[0].read, true);
});
