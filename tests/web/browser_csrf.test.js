// browser_csrf.test.js - a page from another origin, open in the same browser
// as the staff page (so the staff page's cookie is there), cannot post to it.
'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const { startNode, launchBrowser } = require('./lib.js');

test('a page from another origin cannot post to the staff page', async (t) => {
  const node = await startNode(t);
  const ctx = await launchBrowser(t);
  const page = await ctx.newPage();
  await page.goto(node.url); // the staff page is open: its cookie is in the browser
  // An "attacker" page on another origin auto-submits a filing form to the
  // staff page.  Playwright answers for http://attacker.test/ itself: no
  // request leaves the browser for it.
  const evil = await ctx.newPage();
  await evil.route('http://attacker.test/**', (route) => route.fulfill({
    status: 200, contentType: 'text/html',
    body: `<form id="f" method="post" action="${node.url}orgs">
      <input name="csrf" value="guess"><input name="name" value="冒名组织">
      <input name="category" value="x"><input name="leader" value="x">
      <input name="phone" value="1"><input name="members" value="1">
      <input name="party_members" value="0"></form>`,
  }));
  await evil.goto('http://attacker.test/');
  const [resp] = await Promise.all([
    evil.waitForResponse((r) => r.url().startsWith(node.url)),
    evil.evaluate(() => document.getElementById('f').submit()),
  ]);
  assert.equal(resp.status(), 403);
  const orgs = await (await page.request.get(new URL('/api/orgs', node.url).href)).json();
  assert.deepEqual(orgs, []);
});
