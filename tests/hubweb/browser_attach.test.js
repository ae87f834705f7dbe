// browser_attach.test.js - a community node attaches a photo and a PDF to its
// filing and syncs to the street (real linli-node and linli-hub processes);
// the street operator opens the batch in Chromium and sees the photo shown
// beside the records, the PDF behind a link that answers as a PDF, and the
// files' route closed to anybody not logged in; the dashboard's organisation
// page lists the files with the same size words.  Screenshot: review-attach.png.
'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const zlib = require('node:zlib');
const { execFileSync } = require('node:child_process');
const { makeHubs, startHub, request, launchBrowser, outDir } = require('./lib.js');

const NODE_BIN = path.resolve(path.dirname(process.env.LINLI_HUB_BIN || 'linli-hub'),
  '../node/linli-node');

// A real PNG (a colour gradient), so that the browser can decode and show it.
function png(width, height) {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (buf) => {
    let c = 0xffffffff;
    for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type, data) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const c = Buffer.alloc(4);
    c.writeUInt32BE(crc(td));
    return Buffer.concat([len, td, c]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  const raw = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const o = y * (width * 3 + 1) + 1 + x * 3;
      raw[o] = Math.round((255 * x) / width);
      raw[o + 1] = Math.round((255 * y) / height);
      raw[o + 2] = 160;
    }
  }
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr), chunk('IDAT', zlib.deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

test('attachments beside the records of a batch', async (t) => {
  const { tmp } = makeHubs(t);
  const hub = await startHub(t, `${tmp}/street`);
  const node = (args) => execFileSync(NODE_BIN, ['--dir', `${tmp}/n`, ...args],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const last = (s) => s.trim().split('\n').pop();

  const key = last(node(['init', '--community', '建昌道社区', '--street', '河北街道', '--hub', hub.url,
    '--code', '120105009001']));
  hub.cli(['enroll', '--name', '建昌道社区', '--key', key, '--code', '120105009001']);
  const org = last(node(['org', 'file', '--name', '建昌道社区读书会', '--category', '文体', '--leader', '李华',
    '--phone', '13900000000', '--members', '12', '--party-members', '1']));
  fs.writeFileSync(`${tmp}/photo.png`, png(480, 320));
  fs.writeFileSync(`${tmp}/charter.pdf`, '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n' +
    '2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n');
  const hPng = last(node(['attach', '--org', org, `${tmp}/photo.png`, '--title', '读书会活动照片',
    '--heading', 'activity']));
  const hPdf = last(node(['attach', '--org', org, `${tmp}/charter.pdf`, '--title', '读书会章程']));
  node(['sync']);
  assert.ok(fs.existsSync(`${tmp}/street/files/${hPng}`), 'the street holds the photo');

  const batch = JSON.parse(hub.cli(['review', 'list', '--json']))
    .find((b) => b.code === '120105009001');
  assert.ok(batch, 'a pending batch of the new community');

  // not logged in: the file is not given
  const anon = await request(hub.port, { path: `/api/v1/files/${hPng}` });
  assert.notEqual(anon.status, 200);

  const ctx = await launchBrowser(t);
  const page = await ctx.newPage();
  await page.goto(new URL(`/review/${batch.id}`, hub.url).href);
  await page.fill('#name', 'alice');
  await page.fill('#password', 'alice-pass-1');
  await Promise.all([page.waitForURL(new RegExp(`/review/${batch.id}$`)), page.click('#login')]);

  const img = page.locator('img.file-image');
  assert.equal(await img.count(), 1);
  await img.evaluate((el) => (el.complete ? null : new Promise((r) => { el.onload = r; el.onerror = r; })));
  assert.equal(await img.evaluate((el) => el.naturalWidth), 480, 'the photo is decoded and shown');
  const rows = await page.locator('#records tbody').textContent();
  assert.match(rows, /读书会活动照片 · 活动材料 · PNG 图片/);
  assert.match(rows, /读书会章程 · 备案材料 · PDF 文件/);
  assert.doesNotMatch(rows, /[0-9a-f]{64}/, 'no hash shown as text');
  await page.screenshot({ path: path.join(outDir(), 'review-attach.png'), fullPage: true });

  const link = page.locator('a.file-pdf');
  assert.equal(await link.getAttribute('href'), `/api/v1/files/${hPdf}`);
  const res = await page.request.get(new URL(`/api/v1/files/${hPdf}`, hub.url).href);
  assert.equal(res.status(), 200);
  assert.equal(res.headers()['content-type'], 'application/pdf');
  assert.match(res.headers()['content-security-policy'], /default-src 'none'/);
  assert.deepEqual(Buffer.from(await res.body()), fs.readFileSync(`${tmp}/charter.pdf`));
  // the download link beside it saves the file under its title
  assert.equal(await page.locator('a.file-download').count(), 2);
  const dl = await page.request.get(new URL(
    await page.locator('a.file-download').last().getAttribute('href'), hub.url).href);
  assert.equal(dl.status(), 200);
  assert.match(dl.headers()['content-disposition'],
    /^attachment; filename="[0-9a-f]{16}\.(pdf|png)"; filename\*=UTF-8''%E8%AF%BB%E4%B9%A6%E4%BC%9A/);
  const dlPdf = await page.request.get(new URL(`/api/v1/files/${hPdf}/download?title=读书会章程`, hub.url).href);
  assert.equal(dlPdf.headers()['content-disposition'],
    `attachment; filename="${hPdf.slice(0, 16)}.pdf"; filename*=UTF-8''${encodeURIComponent('读书会章程')}.pdf`);
  assert.deepEqual(Buffer.from(await dlPdf.body()), fs.readFileSync(`${tmp}/charter.pdf`));
  const anonDl = await request(hub.port, { path: `/api/v1/files/${hPdf}/download` });
  assert.notEqual(anonDl.status, 200, 'the download needs a login');

  // the organisation page of the dashboard lists the files: title, heading,
  // type, the size in the same words as the batch page, date, a link to open it
  const sizeOnReview = (await page.locator('.attachment', { hasText: '读书会章程' }).textContent())
    .split(' · ')[3].replace(/打开.*$/, '').trim();
  await page.goto(new URL(`/dashboard/org/${org}`, hub.url).href);
  await page.waitForSelector('#dash[data-ready="1"]');
  const attRows = await page.$$eval('#org-attachments-table tbody tr',
    (trs) => trs.map((tr) => [...tr.cells].map((c) => c.textContent)));
  assert.equal(attRows.length, 2, JSON.stringify(attRows));
  const pdfRow = attRows.find((r) => r[0] === '读书会章程');
  assert.deepEqual(pdfRow.slice(1, 4), ['备案材料', 'PDF 文件', sizeOnReview]);
  assert.match(pdfRow[3], /^\d+ 字节$/);
  assert.match(pdfRow[4], /^\d{4}-\d{2}-\d{2}$/);
  assert.equal(pdfRow[5], '打开');
  assert.deepEqual(attRows.find((r) => r[0] === '读书会活动照片').slice(1, 3), ['活动材料', 'PNG 图片']);
  assert.equal(await page.getAttribute('#org-attachments-table tr:has-text("读书会章程") a', 'href'),
    `/api/v1/files/${hPdf}`);
  assert.doesNotMatch(await page.textContent('#org-attachments'), /[0-9a-f]{64}/);

  // the organisation's dossier: six headings, the photo under 活动材料, printable
  await page.goto(new URL(`/dossier/${org}`, hub.url).href);
  assert.match(await page.textContent('h1'), /建昌道社区读书会档案/);
  // the PDF is not printed with the page (Chromium prints the page, not the
  // files it links): the index says so
  assert.match(await page.textContent('#pdf-note'), /1 份 PDF 文件不随本页打印.*分别打印/);
  const headings = await page.locator('h2').allTextContents();
  assert.deepEqual(headings, ['备案材料', '活动材料', '人员材料', '评比材料', '计划总结材料', '变更材料']);
  assert.equal(await page.locator('table').first().evaluate((el) => getComputedStyle(el).borderCollapse),
    'collapse', 'the stylesheet applies under the CSP');
  const inActivity = await page.locator('h2#activity + table img.file-image').count();
  assert.equal(inActivity, 1, 'the photo under 活动材料');
  await page.locator('img.file-image').evaluate((el) => (el.complete ? null
    : new Promise((r) => { el.onload = r; el.onerror = r; })));
  assert.equal(await page.locator('img.file-image').evaluate((el) => el.naturalWidth), 480);
  await page.screenshot({ path: path.join(outDir(), 'dossier.png'), fullPage: true });
  const pdf = await page.pdf({ format: 'A4', printBackground: true });
  assert.ok(pdf.length > 10000 && pdf.subarray(0, 5).toString() === '%PDF-', 'printed to PDF');
  fs.writeFileSync(path.join(outDir(), 'dossier.pdf'), pdf);
  const zip = await page.request.get(new URL(`/dossier/${org}/zip`, hub.url).href);
  assert.equal(zip.status(), 200);
  assert.equal(zip.headers()['content-type'], 'application/zip');
  assert.equal((await zip.body()).subarray(0, 2).toString(), 'PK');
  // Python's zipfile opens it: index.html and every held file under its hash
  fs.writeFileSync(`${tmp}/dossier.zip`, await zip.body());
  const py = `
import hashlib, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
assert z.testzip() is None
files = {n[len("files/"):].split(".")[0]: hashlib.blake2b(z.read(n), digest_size=32).hexdigest()
         for n in z.namelist() if n.startswith("files/")}
assert "index.html" in z.namelist()
assert sorted(files) == sorted(sys.argv[2:]), files
assert all(k == v for k, v in files.items()), files
index = z.read("index.html").decode()
for n in z.namelist():
    assert n == "index.html" or n in index, n
print(len(files))
`;
  assert.equal(execFileSync('python3', ['-c', py, `${tmp}/dossier.zip`, hPng, hPdf], { encoding: 'utf8' }).trim(), '2');
});
