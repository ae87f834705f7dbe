// browser_csrf.test.js - a page from another origin, open in the same browser
// as a logged-in operator, cannot make the hub act: the session cookie is
// SameSite=Strict and the form lacks the session's CSRF token.
'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const { makeHubs, startHub, launchBrowser } = require('./lib.js');

test('a page from another origin cannot reject a batch', async (t) => {
  const { tmp, ids } = makeHubs(t);
  const hub = await startHub(t, `${tmp}/street`);
  const [, b2] = ids.street;
  const ctx = await launchBrowser(t);
  const page = await ctx.newPage();
  await page.goto(new URL('/login', hub.url).href);
  await page.fill('#name', 'alice');
  await page.fill('#password', 'alice-pass-1');
  await Promise.all([page.waitForURL((u) => !u.pathname.startsWith('/login')), page.click('#login')]);

  // An "attacker" page auto-submits a rejection to the hub.  Playwright answers
  // for http://attacker.test/ itself: no request leaves the browser for it.
  const evil = await ctx.newPage();
  await evil.route('http://attacker.test/**', (route) => route.fulfill({
    status: 200, contentType: 'text/html',
    body: `<form id="f" method="post" action="${hub.url}review/${b2}">
      <input name="csrf" value="guess"><input name="action" value="reject">
      <input name="reason" value="伪造"></form>`,
  }));
  await evil.goto('http://attacker.test/');
  const [resp] = await Promise.all([
    evil.waitForResponse((r) => r.url().startsWith(hub.url)),
    evil.evaluate(() => document.getElementById('f').submit()),
  ]);
  assert.ok([401, 403].includes(resp.status()), `status ${resp.status()}`);

  await page.goto(new URL(`/review/${b2}`, hub.url).href);
  assert.match(await page.textContent('#batch-status'), /待审核/);
});
