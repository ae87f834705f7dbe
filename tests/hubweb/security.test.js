// security.test.js - the operator pages' refusals over raw HTTP: a wrong
// password, no session, a missing or wrong CSRF token, a cross-site post, a
// viewer posting, lock-out after repeated failures, a street operator at the
// district reaching into another street's batch; and the cookie's attributes,
// escaping, the language switch and the audit trail.
'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const { makeHubs, startHub, request, login } = require('./lib.js');

test('street hub: logins, sessions, CSRF, viewer, lock-out', async (t) => {
  const { tmp, ids } = makeHubs(t);
  const hub = await startHub(t, `${tmp}/street`);
  const [b1, b2] = ids.street;

  // a wrong password, and an unknown name, are refused alike
  const wrong = await login(hub.port, 'alice', 'not-the-password');
  assert.equal(wrong.status, 401);
  assert.equal(wrong.cookie, null);
  assert.match(wrong.body, /用户名或密码错误/);
  const unknown = await login(hub.port, 'mallory', 'alice-pass-1');
  assert.equal(unknown.status, 401);

  // no session: pages send to the login form, posts are refused
  let res = await request(hub.port, { path: `/review/${b1}` });
  assert.equal(res.status, 303);
  assert.equal(res.headers.location, `/login?next=/review/${b1}`);
  res = await request(hub.port, { method: 'POST', path: `/review/${b1}`, form: { action: 'accept' } });
  assert.equal(res.status, 401);

  const alice = await login(hub.port, 'alice', 'alice-pass-1');
  assert.equal(alice.status, 303);
  assert.ok(alice.cookie);
  assert.match(alice.setCookie, /HttpOnly/);
  assert.match(alice.setCookie, /SameSite=Strict/);
  assert.match(alice.setCookie, /Path=\//);
  assert.doesNotMatch(alice.setCookie, /Secure/); // plain HTTP here; Secure over TLS
  assert.match(alice.csrf, /^[0-9a-f]{64}$/);

  // the page: Chinese by default, English on request, user text escaped
  res = await request(hub.port, { path: `/review/${b1}`, cookie: alice.cookie });
  assert.equal(res.status, 200);
  assert.match(res.body, /<html lang="zh-CN">/);
  assert.match(res.body, /幸福社区&lt;b&gt;夕阳红&lt;\/b&gt;志愿队/);
  assert.doesNotMatch(res.body, /<b>夕阳红/);
  assert.match(res.headers['content-security-policy'], /frame-ancestors 'none'/);
  // an unknown address: the error page in the frame, with the way home; the
  // API keeps JSON, in Chinese
  res = await request(hub.port, { path: '/nosuch', cookie: alice.cookie,
    headers: { Accept: 'text/html' } });
  assert.equal(res.status, 404);
  assert.match(res.headers['content-type'], /text\/html/);
  assert.match(res.body, /没有这个页面/);
  assert.match(res.body, /请返回上一页，核对后再试/);
  assert.match(res.body, /<a href="\/">返回<\/a>/);
  assert.match(res.body, /退出|logout/);
  assert.doesNotMatch(res.body, /no such page|NOT_FOUND/);
  res = await request(hub.port, { path: '/nosuch' });
  assert.equal(res.status, 404);
  assert.match(res.body, /没有这个页面/);
  res = await request(hub.port, { path: '/api/v1/nosuch', cookie: alice.cookie });
  assert.equal(res.status, 404);
  assert.match(res.headers['content-type'], /application\/json/);
  assert.equal(JSON.parse(res.body).message, '没有这个地址：/api/v1/nosuch');
  res = await request(hub.port, { path: `/review/${b1}?lang=en`, cookie: alice.cookie });
  assert.match(res.body, /<html lang="en">/);
  assert.match(res.body, /Reject the whole batch/);

  // a post without the CSRF token, or with a wrong one, changes nothing
  res = await request(hub.port, { method: 'POST', path: `/review/${b2}`, cookie: alice.cookie,
    form: { action: 'reject', reason: '伪造' } });
  assert.equal(res.status, 403);
  res = await request(hub.port, { method: 'POST', path: `/review/${b2}`, cookie: alice.cookie,
    form: { action: 'reject', reason: '伪造', csrf: '0'.repeat(64) } });
  assert.equal(res.status, 403);
  // a form another site made the browser post is refused even with the token
  res = await request(hub.port, { method: 'POST', path: `/review/${b2}`, cookie: alice.cookie,
    headers: { 'Sec-Fetch-Site': 'cross-site' },
    form: { action: 'reject', reason: '伪造', csrf: alice.csrf } });
  assert.equal(res.status, 403);
  res = await request(hub.port, { path: `/review/${b2}`, cookie: alice.cookie });
  assert.match(res.body, /id="batch-status"><span class="status pending">/);

  // a viewer reads but cannot post
  const victor = await login(hub.port, 'victor', 'victor-pass-1');
  assert.ok(victor.cookie);
  res = await request(hub.port, { path: `/review/${b2}`, cookie: victor.cookie });
  assert.equal(res.status, 200);
  assert.doesNotMatch(res.body, /id="review-form"/);
  res = await request(hub.port, { method: 'POST', path: `/review/${b2}`, cookie: victor.cookie,
    form: { action: 'reject', reason: '只读', csrf: victor.csrf } });
  assert.equal(res.status, 403);
  res = await request(hub.port, { method: 'POST', path: '/decide', cookie: victor.cookie,
    form: { kind: 'notice', community: '幸福社区', reason: '只读', csrf: victor.csrf } });
  assert.equal(res.status, 403);
  res = await request(hub.port, { path: `/review/${b2}`, cookie: alice.cookie });
  assert.match(res.body, /id="batch-status"><span class="status pending">/);

  // lock-out: five wrong passwords, then even the right one is refused
  for (let i = 0; i < 4; i++) {
    const r = await login(hub.port, 'lock', `wrong-${i}-xxxx`);
    assert.equal(r.status, 401);
  }
  const fifth = await login(hub.port, 'lock', 'wrong-4-xxxx');
  assert.equal(fifth.status, 429);
  assert.match(fifth.body, /登录失败次数过多/);
  const locked = await login(hub.port, 'lock', 'lock-pass-1');
  assert.equal(locked.status, 429);
  assert.equal(locked.cookie, null);

  // logout needs the token, and ends the session
  res = await request(hub.port, { method: 'POST', path: '/logout', cookie: victor.cookie, form: {} });
  assert.equal(res.status, 403);
  res = await request(hub.port, { method: 'POST', path: '/logout', cookie: victor.cookie,
    form: { csrf: victor.csrf } });
  assert.equal(res.status, 303);
  res = await request(hub.port, { path: '/review', cookie: victor.cookie });
  assert.equal(res.status, 303);

  // the audit trail has the names
  const audit = JSON.parse(hub.cli(['operator', 'audit', '--json', '--limit', '200']));
  const seen = (op, action) => audit.some((r) => r.operator === op && r.action === action);
  assert.ok(seen('alice', 'login.failed'));
  assert.ok(seen('alice', 'login'));
  assert.ok(seen('victor', 'logout'));
  assert.ok(seen('lock', 'login.locked'));
});

test('district hub: a street operator sees only that street', async (t) => {
  const { tmp, ids } = makeHubs(t);
  const hub = await startHub(t, `${tmp}/district`);
  const [own] = ids.district['光复道街'];
  const [other] = ids.district['望海楼街'];
  assert.ok(own && other);

  const sam = await login(hub.port, 'sam', 'sam-pass-1');
  assert.ok(sam.cookie);
  let res = await request(hub.port, { path: '/review', cookie: sam.cookie });
  assert.equal(res.status, 200);
  assert.match(res.body, new RegExp(`data-batch="${own}"`));
  assert.doesNotMatch(res.body, new RegExp(`data-batch="${other}"`));
  res = await request(hub.port, { path: `/review/${own}`, cookie: sam.cookie });
  assert.equal(res.status, 200);
  res = await request(hub.port, { path: `/review/${other}`, cookie: sam.cookie });
  assert.equal(res.status, 403);
  assert.match(res.body, /这不属于您负责的街道/);
  res = await request(hub.port, { method: 'POST', path: `/review/${other}`, cookie: sam.cookie,
    form: { action: 'reject', reason: '越权', csrf: sam.csrf } });
  assert.equal(res.status, 403);
  // district-wide pages are not a street operator's
  res = await request(hub.port, { path: '/decide', cookie: sam.cookie });
  assert.equal(res.status, 403);

  // the district operator sees both streets, and the district does not review
  const dora = await login(hub.port, 'dora', 'dora-pass-1');
  res = await request(hub.port, { path: '/review', cookie: dora.cookie });
  assert.match(res.body, new RegExp(`data-batch="${own}"`));
  assert.match(res.body, new RegExp(`data-batch="${other}"`));
  res = await request(hub.port, { path: `/review/${other}`, cookie: dora.cookie });
  assert.equal(res.status, 200);
  assert.doesNotMatch(res.body, /id="review-form"/);
  res = await request(hub.port, { method: 'POST', path: `/review/${other}`, cookie: dora.cookie,
    form: { action: 'reject', reason: '区不审核', csrf: dora.csrf } });
  assert.equal(res.status, 403);

  const audit = JSON.parse(hub.cli(['operator', 'audit', '--json']));
  assert.ok(audit.some((r) => r.operator === 'sam' && r.action === 'refused'));
});
