// browser_people.test.js - the organisation's people page and its public
// notice (公示) in headless Chromium with a fixed clock (2027-02-09).  The staff
// keep the roster, the pledge, residents' feedback and funding with the page's
// forms (a refusal comes back with its reason and what was typed; the roster
// exports as CSV and as Excel with the same rows).  From the organisation's page to the notice, which shows the name, the leader, the service pledge, the activities
// of the last months and how residents' feedback was handled, and none of the
// roster's names nor who complained; printed (print media and a PDF), the
// print button is gone and the sheet fits the page.  The same notice as a page of its
// own (`linli-node org notice --out FILE`) opens from the file with nothing else: the
// same text, no script, no link, no request.
'use strict';

process.env.LINLI_FAKE_NOW_MS = '1802138400000'; // before any process starts

const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const fs = require('node:fs');
const os = require('node:os');
const { startNode, startHub, launchBrowser, outDir, xlsxRows } = require('./lib.js');

test('public notice: page, content, print', async (t) => {
  const hub = await startHub(t); // its key seals the roster's names
  const node = await startNode(t, { hub: hub.url, hubKey: hub.key });
  const org = node.cli('org', 'file', '--filed', '2026-03-01', '--name', '幸福社区夕阳红志愿服务队',
    '--category', '为老服务', '--leader', '王秀英', '--phone', '13800000000', '--members', '20',
    '--party-members', '1', '--scope', '助老扶弱').trim().split('\n').pop();
  node.cli('report', 'monthly', '--org', org, '--month', '2027-01', '--activities', '3',
    '--participants', '45', '--party-participants', '2', '--content', '探访独居老人<b>三次</b>');
  node.cli('report', 'monthly', '--org', org, '--month', '2026-06', '--activities', '1',
    '--participants', '9', '--party-participants', '0', '--content', '半年前的活动');
  node.cli('pledge', 'set', '--org', org, '--pledge', '准时守信，服务邻里', '--rules', '每月第一个周一例会');
  node.cli('roster', 'add', '--org', org, '--name', '欧阳铁柱', '--role', '队员');
  const fb = node.cli('feedback', 'add', '--org', org, '--type', 'complaint', '--content', '活动噪音',
    '--from', '诸葛大妈', '--received', '2027-01-10').trim();
  node.cli('feedback', 'handle', fb, '--result', '调整了活动时间');

  const ctx = await launchBrowser(t);
  const page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(new URL(`/orgs/${org}`, node.url).href);
  const [resp] = await Promise.all([page.waitForNavigation(), page.click(`a[href="/orgs/${org}/notice"]`)]);
  assert.equal(resp.status(), 200);
  const sheet = await page.textContent('#notice-sheet');
  assert.match(sheet, /幸福社区夕阳红志愿服务队\s*公示/);
  assert.match(sheet, /负责人\s*王秀英/);
  assert.match(sheet, /成员人数\s*1/); // the roster's count, not the 20 filed
  assert.match(sheet, /准时守信，服务邻里/);
  assert.match(sheet, /每月第一个周一例会/);
  assert.match(sheet, /2027-01\s*3\s*45\s*探访独居老人<b>三次<\/b>/); // escaped, shown as typed
  assert.doesNotMatch(sheet, /半年前的活动/); // older than six months
  assert.match(sheet, /共收到群众意见1条，已办理1条/);
  assert.match(sheet, /幸福社区 2027-02-09/);
  for (const secret of ['欧阳铁柱', '诸葛大妈', '13800000000']) assert.ok(!sheet.includes(secret), secret);
  assert.equal(await page.locator('#notice-sheet b').count(), 0);
  assert.doesNotMatch(await page.textContent('main'), /[0-9a-f]{64}|\d{4}-\d\d-\d\dT\d/);
  await page.screenshot({ path: path.join(outDir(), 'node-notice.png'), fullPage: true });

  // Printed: the button is not on paper, the sheet is, and nothing runs off its side.
  // The stylesheet that hides the button must have loaded before we ask.
  await page.waitForLoadState('load');
  await page.emulateMedia({ media: 'print' });
  assert.equal(await page.locator('.noprint').first().isVisible(), false);
  assert.equal(await page.locator('#notice-sheet').isVisible(), true);
  const over = await page.evaluate(() => {
    const s = document.getElementById('notice-sheet');
    return s.scrollWidth - s.clientWidth;
  });
  assert.ok(over <= 0, `the sheet overflows by ${over}px`);
  const pdf = await page.pdf({ format: 'A4' });
  assert.equal(pdf.subarray(0, 4).toString(), '%PDF');
  assert.ok(pdf.length > 5000, `PDF of ${pdf.length} bytes`);
  require('node:fs').writeFileSync(path.join(outDir(), 'node-notice.pdf'), pdf);
  assert.deepEqual(errors, []);

  // An organisation that does not exist: 404 with a reason, not a blank notice.
  const missing = await page.goto(new URL('/orgs/120105001001-9999/notice', node.url).href);
  assert.equal(missing.status(), 404);

  // The notice the community publishes: a file of its own with the same sheet.
  const fs = require('node:fs');
  const file = path.join(node.tmp, '公示.html');
  assert.match(node.cli('org', 'notice', '--org', org, '--out', file), /公示已写入/);
  const html = fs.readFileSync(file, 'utf8');
  assert.doesNotMatch(html, /<script|<a\b|href=|src=|<link|@import|url\(|[0-9a-f]{64}/i);
  const requests = [];
  const alone = await ctx.newPage();
  alone.on('pageerror', (e) => errors.push(String(e)));
  alone.on('request', (r) => { if (!r.url().startsWith('file:')) requests.push(r.url()); });
  await alone.goto('file://' + file);
  assert.equal(await alone.getAttribute('html', 'lang'), 'zh-CN');
  assert.equal(await alone.textContent('#notice-sheet'), sheet);
  assert.equal(await alone.locator('a, script, form, button').count(), 0);
  const bg = await alone.evaluate(() => getComputedStyle(document.querySelector('#notice-sheet th')).backgroundColor);
  assert.notEqual(bg, 'rgba(0, 0, 0, 0)'); // the stylesheet is inline and applies
  await alone.screenshot({ path: path.join(outDir(), 'node-notice-file.png'), fullPage: true });
  const filePdf = await alone.pdf({ format: 'A4' });
  assert.equal(filePdf.subarray(0, 4).toString(), '%PDF');
  assert.deepEqual(requests, []);
  assert.deepEqual(errors, []);
  // Refused: no file, a reason in Chinese.
  const bad = path.join(node.tmp, 'bad.html');
  for (const args of [['--org', '120105001001-9999', '--out', bad], ['--org', org]]) {
    assert.throws(() => node.cli('org', 'notice', ...args), (e) => /[\u4e00-\u9fff]/.test(String(e.stderr)));
  }
  assert.equal(fs.existsSync(bad), false);
});

test('people page: roster, pledge, feedback and funding forms', async (t) => {
  const hub = await startHub(t);
  const node = await startNode(t, { hub: hub.url, hubKey: hub.key });
  const org = node.cli('org', 'file', '--filed', '2026-03-01', '--name', '幸福社区编织组',
    '--category', '文体活动', '--leader', '李桂兰', '--phone', '13800000001', '--members', '12',
    '--party-members', '0').trim().split('\n').pop();
  const ctx = await launchBrowser(t);
  const page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(new URL(`/orgs/${org}`, node.url).href);
  await Promise.all([page.waitForNavigation(), page.click(`a[href="/orgs/${org}/people"]`)]);
  const submit = async (sel) => {
    const [r] = await Promise.all([page.waitForNavigation(), page.click(`${sel} button[type="submit"]`)]);
    return r.status();
  };
  const form = (what) => `form:has(input[name="do"][value="${what}"])`;

  // Two members, the first the leader; a second leader without a reason is refused.
  await page.fill(`${form('roster')} input[name="name"]`, '欧阳铁柱');
  await page.selectOption(`${form('roster')} select[name="party_member"]`, 'yes');
  await page.selectOption(`${form('roster')} select[name="leader"]`, 'yes');
  assert.equal(await submit(form('roster')), 200);
  assert.match(await page.textContent('p.msg.ok'), /已保存/);
  await page.fill(`${form('roster')} input[name="name"]`, '司马秀兰');
  await page.fill(`${form('roster')} input[name="home_community"]`, '铁东路社区');
  await page.selectOption(`${form('roster')} select[name="leader"]`, 'yes');
  assert.equal(await submit(form('roster')), 400);
  assert.match(await page.textContent('main'), /更换负责人须说明原因/);
  assert.equal(await page.inputValue(`${form('roster')} input[name="home_community"]`), '铁东路社区');
  await page.fill(`${form('roster')} input[name="reason"]`, '换届选举');
  assert.equal(await submit(form('roster')), 200);
  const roster = await page.textContent('#roster');
  assert.match(roster, /欧阳铁柱/);
  assert.match(roster, /司马秀兰.*铁东路社区.*换届选举/s);
  // The new leader's name goes on the filing as an amendment (the one name that leaves
  // the street); like any amendment it applies once the street accepts it.
  const filing = JSON.parse(node.cli('org', 'list', '--json'))[0];
  assert.equal(filing.leader, '李桂兰');
  assert.equal(filing.review, 'pending');

  // The roster as CSV, for the organisation itself.
  const csv = await page.evaluate(async (href) => (await fetch(href)).text(), `/orgs/${org}/roster.csv`);
  assert.match(csv, /编号,姓名,角色,党员,所在社区/);
  assert.match(csv, /司马秀兰/);
  // Its Excel twin, linked beside it, holds the same rows (read by openpyxl).
  const xlsxHref = await page.getAttribute(`#people-roster a[href="/orgs/${org}/roster.xlsx"]`, 'href');
  const xr = await page.request.get(new URL(xlsxHref, page.url()).href);
  assert.equal(xr.status(), 200);
  assert.match(xr.headers()['content-type'], /spreadsheetml/);
  const xfile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'linli-roster-')), 'roster.xlsx');
  t.after(() => fs.rmSync(path.dirname(xfile), { recursive: true, force: true }));
  fs.writeFileSync(xfile, await xr.body());
  const csvRows = csv.replace(/^\uFEFF/, '').split('\r\n').filter((l) => l).map((l) => l.split(','));
  assert.deepEqual(xlsxRows(xfile).rows, csvRows);

  // The first member leaves: the count on the organisation page is the roster's.
  assert.equal(await submit(`#roster tr:has-text("欧阳铁柱") ${form('leave')}`), 200);
  assert.equal(JSON.parse(node.cli('org', 'list', '--json'))[0].members, 1);

  // Pledge, feedback (handled, then reported), funding.
  await page.fill(`${form('pledge')} textarea[name="pledge"]`, '每周开放，欢迎邻里');
  assert.equal(await submit(form('pledge')), 200);
  assert.equal(await page.inputValue(`${form('pledge')} textarea[name="pledge"]`), '每周开放，欢迎邻里');
  await page.fill(`${form('feedback')} textarea[name="content"]`, '楼道堆放杂物');
  await page.fill(`${form('feedback')} input[name="from"]`, '诸葛大妈');
  await page.fill(`${form('feedback')} input[name="received"]`, '2027-01-02');
  assert.equal(await submit(form('feedback')), 200);
  assert.match(await page.textContent('#feedback'), /楼道堆放杂物.*诸葛大妈.*2027-01-02.*已收到（超期）/s);
  await page.fill(`${form('handle')} input[name="result"]`, '已清理');
  assert.equal(await submit(form('handle')), 200);
  assert.equal(await submit(form('report')), 200);
  assert.match(await page.textContent('#feedback'), /已报街道/);
  assert.doesNotMatch(await page.textContent('#feedback'), /超期/);
  await page.fill(`${form('funding')} input[name="source"]`, '区民政局公益创投');
  await page.fill(`${form('funding')} input[name="amount"]`, '1000.5x');
  assert.equal(await submit(form('funding')), 400);
  assert.match(await page.textContent('main'), /金额/);
  await page.fill(`${form('funding')} input[name="amount"]`, '1000.50');
  assert.equal(await submit(form('funding')), 200);
  assert.match(await page.textContent('#funding'), /2027\s*区民政局公益创投\s*1000\.50/);
  assert.doesNotMatch(await page.textContent('main'), /[0-9a-f]{64}|\d{4}-\d\d-\d\dT\d/);
  await page.screenshot({ path: path.join(outDir(), 'node-people.png'), fullPage: true });
  assert.deepEqual(errors, []);
});
