// paged.test.js - a dashboard whose tables are too long to read whole (a
// city's 250,000 organisations), as people see it in headless Chromium.  The
// small district of district.js is shown as a city is: with
// LINLI_DASH_PAGE_ROWS=4,6 the page reads tables longer than 6 rows 4 rows
// at a time, from the hub's pages (?page=, ?per_page=), as the reader turns
// them.  Turning every page shows every row of the whole answer, in its
// order, or sorted by the hub after a click on a number column's head; the
// counts and tiles are of every row; narrowed to a community, the hub
// narrows the rows (?community=).  Screenshot: LINLI_WEB_OUT/dashboard/paged.png.
'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { launchBrowser } = require('../web/lib.js');
const { district, login } = require('./district.js');

process.env.LINLI_DASH_PAGE_ROWS = '4,6';

async function ready(page, url) {
  await page.goto(url);
  await page.waitForSelector('#dash[data-ready="1"]', { timeout: 30000 });
}

// Every row of a table read by pages: its rows page by page (next until the
// last), as the texts of their data-key cells; and the requests it made.
async function turnAll(page, id) {
  const sec = `#sec-${id}`;
  const rows = [];
  for (let n = 0; n < 100; n++) {
    await page.waitForFunction((s) => !document.querySelector(`${s} .pager button.next`)?.disabled ||
      /(\d+)\D+\1\D*$/.test(document.querySelector(`${s} .pager .at`).textContent), sec);
    rows.push(...await page.$$eval(`#t-${id} tbody tr`, (trs) => trs.map((tr) => tr.querySelector('td[data-key="id"]').textContent)));
    const next = await page.$(`${sec} .pager button.next`);
    if (!next || await next.isDisabled()) break;
    const at = await page.textContent(`${sec} .pager .at`);
    await next.click();
    await page.waitForFunction(([s, before]) => document.querySelector(`${s} .pager .at`).textContent !== before, [sec, at]);
  }
  return rows;
}

test('a table too long to read whole is read a page at a time, and every row is there', { timeout: 180000 }, async (t) => {
  const { durl } = await district(t, { months: 2 });
  const ctx = await launchBrowser(t);
  const page = await ctx.newPage();
  await page.setViewportSize({ width: 1024, height: 768 });
  const asked = [];
  page.on('request', (r) => { if (r.url().includes('/api/v1/dashboard/')) asked.push(new URL(r.url())); });
  await login(page, durl, 'admin');
  await ready(page, `${durl}/`);
  assert.equal(await page.getAttribute('#dash', 'data-page-rows'), '4');

  const whole = await (await page.request.get(`${durl}/api/v1/dashboard/hierarchy`)).json();
  const ids = whole.organisations.map((o) => o.id);
  assert.ok(ids.length > 6, `${ids.length} organisations: more than the page reads whole`);
  assert.equal(await page.getAttribute('#t-hierarchy-organisations', 'data-remote'), '1');
  // The count is of every row; the first page shows 4; the hub was asked by pages.
  assert.match(await page.textContent('#sec-hierarchy-organisations .count'), new RegExp(`共${ids.length}`));
  assert.equal((await page.$$('#t-hierarchy-organisations tbody tr')).length, 4);
  assert.ok(asked.some((u) => u.pathname.endsWith('/hierarchy') && u.searchParams.get('page') === '1' &&
    u.searchParams.get('per_page') === '4'));
  assert.ok(!asked.some((u) => u.pathname.endsWith('/hierarchy') && !u.searchParams.get('page')),
    'the whole hierarchy was never asked for by the page');
  assert.match(await page.textContent('#sec-hierarchy-organisations p.remote'), /导出Excel/);
  if (process.env.LINLI_WEB_OUT) {
    fs.mkdirSync(path.join(process.env.LINLI_WEB_OUT, 'dashboard'), { recursive: true });
    await page.locator('#sec-hierarchy-organisations').screenshot({ path: path.join(process.env.LINLI_WEB_OUT, 'dashboard', 'paged.png') });
  }
  // Turning every page: every organisation once, in the answer's order.
  assert.deepEqual(await turnAll(page, 'hierarchy-organisations'), ids);
  assert.ok(asked.some((u) => u.pathname.endsWith('/hierarchy') && u.searchParams.get('page') === String(Math.ceil(ids.length / 4))));

  // A click on a number column's head: the hub sorts every row (equal ones in
  // the answer's order), ascending, then descending; a text column is not sortable.
  assert.equal(await page.$('#t-hierarchy-organisations th[data-key="name"] button'), null);
  for (const order of ['asc', 'desc']) {
    await page.click('#t-hierarchy-organisations th[data-key="members"] button');
    await page.waitForFunction((o) => document.querySelector('#t-hierarchy-organisations th[data-key="members"]')
      .getAttribute('aria-sort') === o, order === 'asc' ? 'ascending' : 'descending');
    const want = whole.organisations.map((o, i) => [o, i])
      .sort(([a, i], [b, j]) => (order === 'asc' ? a.members - b.members : b.members - a.members) || i - j)
      .map(([o]) => o.id);
    // the click disables the pager until the sorted first page is shown
    await page.waitForFunction((id) => !document.querySelector('#sec-hierarchy-organisations .pager button.next').disabled &&
      document.querySelector('#t-hierarchy-organisations tbody td[data-key="id"]').textContent === id, want[0]);
    assert.deepEqual(await turnAll(page, 'hierarchy-organisations'), want, `sorted ${order}`);
    assert.ok(asked.some((u) => u.searchParams.get('sort') === 'members' && u.searchParams.get('order') === order));
  }

  // The tiles count every row of the lists, not the first page's.
  const att = await (await page.request.get(`${durl}/api/v1/dashboard/attention`)).json();
  const keys = Object.keys(att).filter((k) => Array.isArray(att[k]) && (!att[k].length || typeof att[k][0] === 'object'));
  const n = keys.reduce((s, k) => s + att[k].length, 0);
  assert.equal(Number(await page.textContent('[data-tile="tile_attention"] .tile-num')), n);

  // Narrowed to a community: the hub narrows the rows read by pages.
  const comm = whole.organisations[0].community;
  const street = whole.organisations[0].street;
  asked.length = 0;
  await ready(page, `${durl}/?street=${encodeURIComponent(street)}&community=${encodeURIComponent(comm)}`);
  const mine = ids.filter((id, i) => whole.organisations[i].community === comm);
  assert.ok(mine.length > 6 && mine.length < ids.length, `${mine.length} of ${ids.length} in ${comm}`);
  assert.deepEqual(await turnAll(page, 'hierarchy-organisations'), mine);
  assert.ok(asked.some((u) => u.pathname.endsWith('/hierarchy') && u.searchParams.get('community') === comm));
});

test('read by pages, the first screen lists the communities with the most missing reports first', { timeout: 180000 }, async (t) => {
  process.env.LINLI_DASH_PAGE_ROWS = '1,1'; // the street's two communities read a page (one) at a time
  const { surl } = await district(t, { months: 2 });
  const ctx = await launchBrowser(t);
  const page = await ctx.newPage();
  await login(page, surl, 'liming');
  await ready(page, `${surl}/`);
  const c = await (await page.request.get(`${surl}/api/v1/dashboard/completeness`)).json();
  assert.equal(c.communities.length, 2);
  const most = c.communities.map((r, i) => [r, i]).sort(([a, i], [b, j]) => b.missing - a.missing || i - j)[0][0];
  assert.match(await page.textContent('#overview-units h3'), /未报最多的在前/);
  const units = await page.$$eval('#overview-units li', (lis) => lis.map((li) => li.dataset.unit));
  assert.deepEqual(units, [most.community]);
  assert.equal(await page.textContent(`#overview-units li[data-unit="${most.community}"] .frac`), `${most.received}/${most.expected}`);
});
