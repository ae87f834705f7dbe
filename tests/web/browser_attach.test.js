// browser_attach.test.js - attaching a scan from the organisation page: the
// file input (a multipart form) takes a PNG with its title and heading, the
// page lists it and serves it back, and links the printable archive and its
// ZIP; a file of the wrong type or over the size cap is refused in Chinese
// with the title and heading kept, and nothing is written for it.
'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { startNode, launchBrowser, outDir, fillFiling } = require('./lib.js');

// A real 1x1 PNG.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

test('a scan is attached from the organisation page; wrong type and oversize are refused', async (t) => {
  const node = await startNode(t);
  const id = node.cli('org', 'file', '--name', '幸福社区书画工作站', '--category', '书画',
    '--leader', '赵敏', '--phone', '13700000000', '--members', '8', '--party-members', '1',
    '--founded-by', 'street').trim().split('\n').pop();
  const ctx = await launchBrowser(t);
  const page = await ctx.newPage();
  await page.setViewportSize({ width: 1024, height: 768 });
  await page.goto(`${node.url}orgs/${id}`);
  assert.match(await page.textContent('#files + .actions + p.muted'), /还没有附件/);

  const submit = () => Promise.all([page.waitForNavigation(), page.click('#attach button[type=submit]')]);

  // Wrong type: a text file named .png is refused by its content.
  await page.setInputFiles('#f-file', { name: '章程.png', mimeType: 'image/png', buffer: Buffer.from('不是图片\n') });
  await page.fill('#f-title', '组织章程扫描件');
  await page.selectOption('#f-heading', 'people');
  let [resp] = await submit();
  assert.equal(resp.status(), 400);
  assert.match(await page.textContent('.msg.error'), /章程\.png.{0,2} 不是 PDF、JPEG 或 PNG 文件/);
  assert.equal(await page.inputValue('#f-title'), '组织章程扫描件', 'the title is kept');
  assert.equal(await page.inputValue('#f-heading'), 'people', 'the heading is kept');
  assert.doesNotMatch(await page.textContent('body'), /upload-|\/tmp\//);

  // Over the 10 MB cap (but under the page's body cap): refused in words.
  const big = Buffer.alloc(10 * 1024 * 1024 + 100 * 1024, 0);
  PNG.copy(big);
  // from a file on disk: a path goes to the browser as it is, while a buffer this large
  // crosses the DevTools protocol in base64 and passed the 30 s action timeout on a loaded machine
  const bigPath = path.join(node.tmp, '合影.png');
  fs.writeFileSync(bigPath, big);
  await page.setInputFiles('#f-file', bigPath);
  [resp] = await submit();
  assert.equal(resp.status(), 413);
  assert.match(await page.textContent('.msg.error'), /合影\.png.{0,2} 有 10340 KB，超过每个附件 10 MB 的上限/);
  assert.equal(await page.inputValue('#f-title'), '组织章程扫描件');
  assert.equal(await page.$('#attachments'), null, 'nothing is listed');
  const held = () => fs.readdirSync(path.join(node.dir, 'files')).filter((f) => f !== 'partial');
  assert.deepEqual(held(), [], 'no file was kept');
  assert.deepEqual(fs.readdirSync(node.dir).filter((f) => f.startsWith('upload-')), [], 'no temporary file left');
  await page.screenshot({ path: path.join(outDir(), 'node-attach-refused.png'), fullPage: true });

  // A real PNG is taken.
  await page.setInputFiles('#f-file', { name: '成员合影.png', mimeType: 'image/png', buffer: PNG });
  await page.fill('#f-title', '成员合影');
  await page.selectOption('#f-heading', 'activity');
  [resp] = await submit();
  assert.equal(resp.status(), 200);
  assert.match(page.url(), new RegExp(`/orgs/${id}\\?ok=attach`));
  const row = await page.textContent('#attachments tr:nth-child(2)');
  assert.match(row, /成员合影/);
  assert.match(row, /活动材料/);
  assert.match(row, /PNG 图片/);
  assert.equal(held().length, 1, 'one file held');
  const href = await page.getAttribute('#attachments a', 'href');
  const file = await page.request.get(`${node.url}${href.slice(1)}`);
  assert.equal(file.headers()['content-type'], 'image/png');
  assert.ok(Buffer.from(await file.body()).equals(PNG), 'the file comes back byte for byte');
  await page.screenshot({ path: path.join(outDir(), 'node-attach-listed.png'), fullPage: true });

  // The archive: a printable page naming the file, and a ZIP holding it.
  await page.click('#dossier');
  await page.waitForLoadState('load');
  const dossier = await page.textContent('body');
  assert.match(dossier, /幸福社区书画工作站/);
  assert.match(dossier, /成员合影/);
  await page.screenshot({ path: path.join(outDir(), 'node-dossier.png'), fullPage: true });
  const zip = await page.request.get(`${node.url}orgs/${id}/dossier.zip`);
  assert.equal(zip.status(), 200);
  assert.equal(zip.headers()['content-type'], 'application/zip');
  const zb = Buffer.from(await zip.body());
  assert.equal(zb.readUInt32LE(0), 0x04034b50, 'a ZIP file');
  assert.ok(zb.includes(PNG), 'the ZIP holds the PNG (stored)');
});

function shanghaiDate(days) {
  return new Date(Date.now() + 8 * 3600e3 + days * 86400e3).toISOString().slice(0, 10);
}

test('the filing, amendment, report, activity and plan forms take a file with them; a wrong file writes nothing', async (t) => {
  const node = await startNode(t);
  const id = node.cli('org', 'file', '--filed', '2025-01-01', '--name', '幸福社区书画工作站',
    '--category', '书画', '--leader', '赵敏', '--phone', '13700000000', '--members', '8',
    '--party-members', '1', '--founded-by', 'street').trim().split('\n').pop();
  const ctx = await launchBrowser(t);
  const page = await ctx.newPage();
  await page.setViewportSize({ width: 1024, height: 768 });
  const submit = () => Promise.all([page.waitForNavigation(), page.click('form.rec button[type=submit]')]);
  const held = () => (fs.existsSync(path.join(node.dir, 'files'))
    ? fs.readdirSync(path.join(node.dir, 'files')).filter((f) => f !== 'partial') : []);
  const reports = async () => (await (await page.request.get(`${node.url}api/reports?org=${id}`)).json());

  // The report form: a text file named .png is refused by its content and no report is written.
  await page.goto(`${node.url}reports/new?org=${id}`);
  assert.equal(await page.getAttribute('form.rec', 'enctype'), 'multipart/form-data');
  await page.fill('#f-activities', '2');
  await page.fill('#f-participants', '30');
  await page.fill('#f-party_participants', '1');
  await page.fill('#f-content', '书画进社区');
  await page.setInputFiles('#f-file', { name: '签到表.png', mimeType: 'image/png', buffer: Buffer.from('不是图片\n') });
  await page.fill('#f-file_title', '活动签到表');
  let [resp] = await submit();
  assert.equal(resp.status(), 400);
  assert.match(await page.textContent('.msg.error'), /签到表\.png 不是 PDF、JPEG 或 PNG 文件/);
  assert.equal(await page.inputValue('#f-content'), '书画进社区', 'the report is kept');
  assert.equal(await page.inputValue('#f-file_title'), '活动签到表', 'the file title is kept');
  assert.deepEqual(await reports(), [], 'no report was written');
  assert.deepEqual(held(), []);

  // A real PNG: the report and the file, the file filed under 活动材料 beside the report.
  await page.setInputFiles('#f-file', { name: '签到表.png', mimeType: 'image/png', buffer: PNG });
  [resp] = await submit();
  assert.equal(resp.status(), 200);
  assert.match(page.url(), /\/reports\?ok=report/);
  const reps = await reports();
  assert.equal(reps.length, 1);
  assert.equal(held().length, 1, 'one file held');

  // An activity with a JPEG, and no title: the file's name is the title.
  const jpeg = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from('书画展现场照片')]);
  await page.goto(`${node.url}activities/new?org=${id}`);
  await page.fill('#f-date', shanghaiDate(10));
  await page.fill('#f-title', '迎新春书画展');
  await page.fill('#f-place', '社区活动中心');
  await page.fill('#f-expected', '150');
  await page.setInputFiles('#f-file', { name: '场地照片.jpg', mimeType: 'image/jpeg', buffer: jpeg });
  [resp] = await submit();
  assert.match(page.url(), /\/activities\?ok=activity/);

  // A plan with a PDF.
  const pdf = Buffer.from('%PDF-1.4\n% 年度计划\n');
  await page.goto(`${node.url}plans/new?org=${id}`);
  await page.selectOption('#f-org', id);
  await page.fill('#f-year', shanghaiDate(0).slice(0, 4));
  await page.fill('#f-goals', '每月一次书画进社区');
  await page.fill('#f-activities', '书画展、义写春联');
  await page.setInputFiles('#f-file', { name: '计划.pdf', mimeType: 'application/pdf', buffer: pdf });
  await page.fill('#f-file_title', '年度计划（盖章）');
  [resp] = await submit();
  assert.match(page.url(), /\/plans\?ok=1/);
  assert.equal(held().length, 3);

  // The organisation page lists the three under the headings of their records.
  await page.goto(`${node.url}orgs/${id}`);
  const rows = await page.locator('#attachments tr').allTextContents();
  assert.ok(rows.some((r) => /活动签到表/.test(r) && /活动材料/.test(r)), rows.join('\n'));
  assert.ok(rows.some((r) => /场地照片/.test(r) && /活动材料/.test(r) && /JPEG/.test(r)), rows.join('\n'));
  assert.ok(rows.some((r) => /年度计划（盖章）/.test(r) && /计划总结材料/.test(r)), rows.join('\n'));
  // The archive puts the photo and the report under 活动材料.
  await page.click('#dossier');
  await page.waitForLoadState('load');
  const dossier = await page.textContent('body');
  assert.match(dossier, /活动签到表/);
  assert.match(dossier, /场地照片/);
  await page.screenshot({ path: path.join(outDir(), 'node-forms-with-files.png'), fullPage: true });

  // The filing form takes the charter (备案材料), the amendment form the new member list (变更材料).
  await page.goto(`${node.url}orgs/new`);
  await fillFiling(page, { name: '幸福社区助老工作站', category: '助老', leader: '张伟',
    phone: '13800138000', members: '10', party: '1', foundedBy: 'district-unit' });
  await page.setInputFiles('#f-file', { name: '章程.pdf', mimeType: 'application/pdf',
    buffer: Buffer.from('%PDF-1.4\n% 助老工作站章程\n') });
  await page.fill('#f-file_title', '助老工作站章程');
  [resp] = await submit();
  assert.match(page.url(), /\/orgs\?ok=file/);
  const id2 = /(\d{12}-\d{4})/.exec(await page.textContent('.msg.ok'))[1];
  await page.goto(`${node.url}orgs/${id2}/amend`);
  await page.fill('#f-members', '12');
  await page.setInputFiles('#f-file', { name: '新成员名单.png', mimeType: 'image/png', buffer: PNG });
  [resp] = await submit();
  assert.match(page.url(), /\/orgs\?ok=amend/);
  await page.goto(`${node.url}orgs/${id2}`);
  const rows2 = await page.locator('#attachments tr').allTextContents();
  assert.ok(rows2.some((r) => /助老工作站章程/.test(r) && /备案材料/.test(r)), rows2.join('\n'));
  assert.ok(rows2.some((r) => /新成员名单/.test(r) && /变更材料/.test(r)), rows2.join('\n'));
});
