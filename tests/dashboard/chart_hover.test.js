// chart_hover.test.js - hovering a dashboard chart in headless Chromium: the
// tooltip appears (ECharts draws it on the canvas: its HTML tooltip writes
// style="" attributes, which the pages' Content Security Policy drops) and the
// page breaks no rule of that policy - no securitypolicyviolation event, no
// console error naming it - before or during the hover.
'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const { launchBrowser } = require('../web/lib.js');
const { district, login } = require('./district.js');

// The texts ECharts has on the chart's canvas now (zrender's display list).
function canvasTexts(page, id) {
  return page.evaluate((chartId) => {
    const c = window.echarts.getInstanceByDom(document.getElementById(chartId));
    const out = [];
    for (const el of c.getZr().storage.getDisplayList(true)) {
      if (el.style && typeof el.style.text === 'string' && el.style.text && !el.invisible) out.push(el.style.text);
    }
    return out;
  }, id);
}

test('hovering a dashboard chart shows its tooltip and breaks no Content Security Policy', { timeout: 150000 }, async (t) => {
  const { durl } = await district(t);
  const ctx = await launchBrowser(t);
  const page = await ctx.newPage();
  const errors = [];
  // Chromium reports what a policy blocked on the console too.
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(String(e)));
  // Registered before any script of the page runs, on every page opened.
  await page.addInitScript(() => {
    window.__cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sample || ''}`);
    });
  });
  await login(page, durl, 'admin');
  await page.goto(`${durl}/`);
  await page.waitForSelector('#dash[data-ready="1"]', { timeout: 30000 });
  await page.waitForSelector('#chart-series canvas');
  await page.locator('#chart-series').scrollIntoViewIfNeeded();

  const series = await page.evaluate(() => window.echarts.getInstanceByDom(document.getElementById('chart-series'))
    .getOption().series.map((s) => s.name));
  assert.ok(series.length > 0, 'the chart has series');
  // The tooltip is rich text drawn in pieces; it names every series once more
  // than the legend does.
  const count = (texts) => texts.reduce((m, s) => m.set(s, (m.get(s) || 0) + 1), new Map());
  const before = count(await canvasTexts(page, 'chart-series'));

  // Over the middle of the plot: an axis tooltip of the month under the mouse.
  const box = await page.locator('#chart-series canvas').first().boundingBox();
  const x = box.x + box.width / 2, y = box.y + box.height / 2;
  await page.mouse.move(x - 20, y);
  await page.mouse.move(x, y, { steps: 5 });
  let tip = false;
  for (let i = 0; i < 50 && !tip; i++) {
    await page.waitForTimeout(100);
    const now = count(await canvasTexts(page, 'chart-series'));
    tip = series.every((name) => (now.get(name) || 0) > (before.get(name) || 0));
  }
  const violations = await page.evaluate(() => window.__cspViolations);
  assert.deepEqual(violations, [], 'no Content Security Policy violation');
  assert.deepEqual(errors, [], 'no console message about the Content Security Policy, no script error');
  assert.ok(tip, 'a tooltip naming every series appeared on the chart');
});
