// browser_decide.test.js - a street operator issues a decision in Chromium at
// 1024×768 on a fixed clock, with a REAL street hub and node: the form offers
// the organisations held at the street by name and filing number; a deadline
// that is not after today is refused in Chinese on the form, which keeps what
// was typed; a valid one first shows a confirmation with the organisation's
// name, writes nothing until confirmed, and then reaches the node signed.
// A decision is withdrawn the same way: 撤回 on the list shows it by the
// organisation's name and filing number, and once confirmed it shows 已撤回.
'use strict';

process.env.LINLI_FAKE_NOW_MS = String(Date.UTC(2026, 11, 3, 2, 0, 0));

const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { startNode, startHub, launchBrowser, outDir } = require('./lib.js');

const HUB_BIN = process.env.LINLI_HUB_BIN || 'linli-hub';

// A street hub with an operator, a node enrolled there with one organisation
// filed and synced, and a browser logged in at /decide.
async function streetWithOrg(t) {
  const hub = await startHub(t);
  const node = await startNode(t, {
    hub: hub.url, hubKey: hub.key,
    setup: (key) => hub.cli('enroll', '--name', '幸福社区', '--key', key, '--code', '120105001001'),
  });
  execFileSync(HUB_BIN, ['--dir', hub.dir, 'operator', 'add', 'wang', '--role', 'street'],
    { input: 'wang-pass-1\nwang-pass-1\n', encoding: 'utf8' });
  const org = node.cli('org', 'file', '--filed', '2026-09-01', '--name', '夕阳红志愿服务队',
    '--category', '助老', '--leader', '王秀英', '--phone', '13800000000', '--members', '10',
    '--party-members', '1').trim().split('\n').pop();
  node.cli('sync');
  const shots = outDir();

  const ctx = await launchBrowser(t);
  const page = await ctx.newPage();
  await page.setViewportSize({ width: 1024, height: 768 });
  await page.goto(new URL('/decide', hub.url).href);
  await page.fill('#name', 'wang');
  await page.fill('#password', 'wang-pass-1');
  await Promise.all([page.waitForURL(/\/decide$/), page.click('#login')]);
  return { hub, node, org, shots, page };
}

test('a decision is picked, checked, confirmed and reaches the node', async (t) => {
  const { hub, node, org, shots, page } = await streetWithOrg(t);

  // The picker offers the organisation by name, its value the filing number.
  const opt = page.locator(`#org-list option[value="${org}"]`);
  assert.equal(await opt.count(), 1);
  assert.equal(await opt.getAttribute('label'), '夕阳红志愿服务队');
  assert.equal(await page.getAttribute('#decide-org', 'list'), 'org-list');
  assert.equal(await page.getAttribute('#decide-deadline', 'min'), '2026-12-04');

  // A deadline of today is refused in words; the form keeps the input.  (The
  // date field's min stops it in the browser already; the hub refuses it too,
  // so the check is made with the browser's own validation off.)
  await page.$eval('#decide-form', (f) => { f.noValidate = true; });
  await page.selectOption('#decide-kind', 'criticize');
  await page.fill('#decide-org', org);
  await page.fill('#decide-deadline', '2026-12-03');
  await page.fill('#decide-form textarea[name=reason]', '连续三个月未按时报送月报');
  await Promise.all([page.waitForLoadState('load'), page.click('#decide-submit')]);
  assert.match(await page.textContent('main'), /整改期限须在今天之后/);
  assert.equal(await page.inputValue('#decide-org'), org);
  assert.equal(await page.inputValue('#decide-deadline'), '2026-12-03');
  assert.equal(await page.inputValue('#decide-form textarea[name=reason]'), '连续三个月未按时报送月报');
  await page.screenshot({ path: path.join(shots, 'decide-refused.png'), fullPage: true });

  // A future deadline: the confirmation says what and to whom; nothing written yet.
  await page.fill('#decide-deadline', '2026-12-31');
  await Promise.all([page.waitForLoadState('load'), page.click('#decide-submit')]);
  const summary = await page.textContent('#decide-summary');
  assert.match(summary, /批评（限期整改）/);
  assert.match(summary, /夕阳红志愿服务队/);
  assert.match(summary, /幸福社区/);
  assert.match(summary, /2026-12-31/);
  assert.deepEqual(JSON.parse(hub.cli('decide', 'list', '--json')), []);
  await page.screenshot({ path: path.join(shots, 'decide-confirm.png'), fullPage: true });
  // 返回修改 brings the form back as typed.
  await Promise.all([page.waitForLoadState('load'), page.click('#decide-edit')]);
  assert.equal(await page.inputValue('#decide-deadline'), '2026-12-31');
  await Promise.all([page.waitForLoadState('load'), page.click('#decide-submit')]);
  await Promise.all([page.waitForURL(/msg=msg\.decided/), page.click('#decide-confirm-submit')]);
  assert.match(await page.textContent('#decisions'), /连续三个月未按时报送月报/);
  const list = JSON.parse(hub.cli('decide', 'list', '--json'));
  assert.equal(list.length, 1);
  assert.equal(list[0].deadline, '2026-12-31');

  // Signed, it reaches the node.
  node.cli('sync');
  const inbox = JSON.parse(node.cli('inbox', '--json'));
  assert.ok(inbox.some((d) => d.org === org && d.deadline === '2026-12-31'));

  // The list of decisions at 1024×768, with every kind, a long reason, an
  // inspection result and a withdrawal: no horizontal scroll, and each column
  // wide enough that times, dates and names do not break mid-word.
  hub.cli('decide', 'commend', '--org', org, '--reason',
    '常年坚持为辖区独居老人提供上门探访、代购生活用品和陪同就医服务，居民反映良好，特予表彰');
  hub.cli('decide', 'inspect', '--org', org, '--result', 'rectify', '--reason', '年检发现活动记录不全');
  hub.cli('decide', 'notice', '--community', '幸福社区', '--reason', '请于本月底前完成年度自查');
  const rec = JSON.parse(hub.cli('decide', 'list', '--json')).find((d) => d.kind === 'inspect').record;
  hub.cli('decide', 'withdraw', rec, '--reason', '检查结论有误，重新检查');
  node.cli('sync');
  await page.goto(new URL('/decide', hub.url).href);
  await page.screenshot({ path: path.join(shots, 'decide-list.png'), fullPage: true });
  await fitsAndKeepsWhole(page, '#decisions');
  await page.goto(new URL('/inbox', node.url).href);
  await page.screenshot({ path: path.join(shots, 'inbox-list.png'), fullPage: true });
  await fitsAndKeepsWhole(page, 'main table');
});

test('a decision is withdrawn on the page: confirmation by name, then 已撤回', async (t) => {
  const { hub, node, org, shots, page } = await streetWithOrg(t);
  hub.cli('decide', 'criticize', '--org', org, '--deadline', '2026-12-31', '--reason', '活动记录不全');
  await page.goto(new URL('/decide', hub.url).href);
  const row = page.locator('#decisions tr', { hasText: '活动记录不全' });
  await Promise.all([page.waitForLoadState('load'), row.locator('button', { hasText: '撤回' }).click()]);
  // The confirmation names the organisation and its filing number; nothing changed yet.
  const summary = await page.textContent('#withdraw-summary');
  assert.match(summary, /夕阳红志愿服务队/);
  assert.ok(summary.includes(org), summary);
  assert.match(summary, /活动记录不全/);
  assert.equal(await page.getAttribute('#withdraw-confirm textarea[name=reason]', 'maxlength'), '1333');
  assert.equal(JSON.parse(hub.cli('decide', 'list', '--json'))[0].withdrawn, false);
  await page.screenshot({ path: path.join(shots, 'decide-withdraw-confirm.png'), fullPage: true });
  // Confirmed with a reason: the list says 已撤回, the withdrawal is signed and reaches the node.
  await page.fill('#withdraw-confirm textarea[name=reason]', '经核实，记录已补齐');
  await Promise.all([page.waitForURL(/msg=msg\.withdrawn/), page.click('#withdraw-confirm-submit')]);
  assert.match(await page.textContent('main'), /决定已撤回/);
  assert.match(await page.textContent('#decisions tr:has-text("活动记录不全")'), /已撤回/);
  const d = JSON.parse(hub.cli('decide', 'list', '--json'))[0];
  assert.equal(d.withdrawn, true);
  assert.equal(d.withdrawn_reason, '经核实，记录已补齐');
  node.cli('sync');
  const inbox = JSON.parse(node.cli('inbox', '--json'));
  assert.ok(inbox.some((x) => x.org === org && x.withdrawn), JSON.stringify(inbox));
});

// The page is no wider than the 1024-pixel screen, and no cell of table sel
// breaks a time, a date or a filing number across lines.
async function fitsAndKeepsWhole(page, sel) {
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 1024, `page is ${width} px wide at 1024×768`);
  const broken = await page.$$eval(`${sel} td`, (tds) => tds.flatMap((td) => {
    const out = [];
    const walker = document.createTreeWalker(td, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const m = n.data.match(/\d{4}-\d{2}-\d{2}( \d{2}:\d{2})?|\d{12}-\d{4}/g) || [];
      for (const word of m) {
        const r = document.createRange();
        const at = n.data.indexOf(word);
        r.setStart(n, at);
        r.setEnd(n, at + word.length);
        const lines = new Set([...r.getClientRects()].map((x) => Math.round(x.top)));
        if (lines.size > 1) out.push(word);
      }
    }
    return out;
  }));
  assert.deepEqual(broken, [], `broken across lines in ${sel}: ${broken.join(', ')}`);
}
