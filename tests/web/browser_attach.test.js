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
const { startNode, launchBrowser, outDir } = require('./lib.js');

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
  assert.equal(resp.status(), 422);
  assert.match(await page.textContent('.msg.error'), /章程\.png.{0,2} 不是 PDF、JPEG 或 PNG 文件/);
  assert.equal(await page.inputValue('#f-title'), '组织章程扫描件', 'the title is kept');
  assert.equal(await page.inputValue('#f-heading'), 'people', 'the heading is kept');
  assert.doesNotMatch(await page.textContent('body'), /upload-|\/tmp\//);

  // Over the 10 MB cap (but under the page's body cap): refused in words.
  const big = Buffer.alloc(10 * 1024 * 1024 + 100 * 1024, 0);
  PNG.copy(big);
  await page.setInputFiles('#f-file', { name: '合影.png', mimeType: 'image/png', buffer: big });
  [resp] = await submit();
  assert.equal(resp.status(), 422);
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
