// bench/dashboard_page.js - the dashboard page as a person opens it, timed in
// Debian's Chromium (headless): log in, open '/', wait until every section
// has its figures (#dash[data-ready="1"]); twice in a row.  Prints how long
// each load took, the table rows the page built and the browser's
// JavaScript heap.  Figures, never pass/fail.
//   node bench/dashboard_page.js URL OPERATOR PASSWORD [LABEL]
// URL: a running `linli-hub serve` (e.g. on a hub written by bench/city.sh,
// with the operator bench/dashboard_http.sh adds).  playwright-core comes
// from tests/web (LINLI_WEB_MODULES, default build/tests/web-npm/node_modules).
'use strict';

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const modules = process.env.LINLI_WEB_MODULES || path.resolve(__dirname, '../build/tests/web-npm/node_modules');
const { chromium } = require(path.join(modules, 'playwright-core'));

(async () => {
  const [url, name, pw, label = 'page'] = process.argv.slice(2);
  if (!url || !name || !pw) {
    console.error('usage: node bench/dashboard_page.js URL OPERATOR PASSWORD [LABEL]');
    process.exit(2);
  }
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'linli-page-'));
  const ctx = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.LINLI_CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox'],
  });
  try {
    const page = await ctx.newPage();
    await page.goto(`${url}/login`);
    await page.fill('input[name=name]', name);
    await page.fill('input[name=password]', pw);
    await Promise.all([page.waitForNavigation(), page.click('form button[type=submit]')]);
    for (const run of [1, 2]) {
      const t0 = Date.now();
      await page.goto(`${url}/`);
      await page.waitForSelector('#dash[data-ready="1"]', { timeout: 900000 });
      const ms = Date.now() - t0;
      const rows = await page.$$eval('tr', (x) => x.length);
      const heap = await page.evaluate(() => (performance.memory ? performance.memory.usedJSHeapSize : 0));
      console.log(`${label} load ${run}: ready in ${ms} ms; ${rows} table rows in the page; JS heap ${(heap / 1e6).toFixed(0)} MB`);
    }
  } finally {
    await ctx.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
})().catch((e) => { console.error(e.message); process.exit(1); });
