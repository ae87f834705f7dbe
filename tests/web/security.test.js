// security.test.js - what keeps other web sites out of the staff page: the Host
// check, the CSRF token on every POST, no CORS; plus the JSON endpoints, a clean
// stop on SIGTERM, and idle resident memory.
'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const { startNode, request, csrfOf, rssKb } = require('./lib.js');

const FORM = 'application/x-www-form-urlencoded';

function orgBody(csrf, name) {
  const p = new URLSearchParams({ csrf: csrf || '', name, category: '文体', leader: '王芳',
    phone: '13800000000', members: '12', party_members: '1', party_station: 'no',
    founded_by: 'self' });
  if (!csrf) p.delete('csrf');
  return p.toString();
}

test('serve prints its URL, answers on loopback and stops with exit 0', async (t) => {
  const node = await startNode(null);
  try {
    assert.match(node.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
    const res = await request(node.port, { path: '/' });
    assert.equal(res.status, 200);
    assert.match(res.headers['content-type'], /text\/html/);
    assert.match(res.body, /<html lang="zh-CN">/);
  } finally {
    assert.equal(await node.stop(), 0, `serve did not exit 0 on SIGTERM; stderr:\n${node.stderr()}`);
  }
});

test('a foreign Host header is refused with 403', async (t) => {
  const node = await startNode(t);
  for (const host of ['evil.example', `evil.example:${node.port}`, `127.0.0.1:${node.port + 1}`,
    `localhost.evil.example:${node.port}`]) {
    const res = await request(node.port, { path: '/', headers: { Host: host } });
    assert.equal(res.status, 403, `Host ${host}`);
    const api = await request(node.port, { path: '/api/orgs', headers: { Host: host } });
    assert.equal(api.status, 403, `Host ${host} on /api/orgs`);
  }
  for (const host of [`127.0.0.1:${node.port}`, `localhost:${node.port}`, `LOCALHOST:${node.port}`]) {
    const res = await request(node.port, { path: '/', headers: { Host: host } });
    assert.equal(res.status, 200, `Host ${host}`);
  }
});

test('a POST without the CSRF token, or with a wrong one, is refused and writes nothing', async (t) => {
  const node = await startNode(t);
  const { cookie, field } = await csrfOf(node.port);
  assert.ok(cookie && field, 'the form page carries the cookie and the hidden field');
  assert.match(cookie, /^linli_csrf_\d+=[0-9a-f]{64}$/);
  const cases = [
    { what: 'no token at all', headers: {}, body: orgBody(null, '甲') },
    { what: 'field without cookie', headers: {}, body: orgBody(field, '乙') },
    { what: 'cookie without field', headers: { Cookie: cookie }, body: orgBody(null, '丙') },
    { what: 'wrong field', headers: { Cookie: cookie }, body: orgBody('0'.repeat(64), '丁') },
    { what: 'wrong cookie', headers: { Cookie: cookie.replace(/=.*/, '=' + '1'.repeat(64)) },
      body: orgBody(field, '戊') },
    { what: 'foreign origin', headers: { Cookie: cookie, Origin: 'http://evil.example' },
      body: orgBody(field, '己') },
    { what: 'cross-site fetch', headers: { Cookie: cookie, 'Sec-Fetch-Site': 'cross-site' },
      body: orgBody(field, '庚') },
  ];
  for (const c of cases) {
    const res = await request(node.port, { method: 'POST', path: '/orgs',
      headers: { 'Content-Type': FORM, ...c.headers }, body: c.body });
    assert.equal(res.status, 403, c.what);
  }
  const sync = await request(node.port, { method: 'POST', path: '/sync',
    headers: { 'Content-Type': FORM }, body: '' });
  assert.equal(sync.status, 403, 'POST /sync without a token');
  const list = JSON.parse((await request(node.port, { path: '/api/orgs' })).body);
  assert.deepEqual(list, [], 'nothing was written by the refused posts');

  // The same post with both halves of the token goes through.
  const ok = await request(node.port, { method: 'POST', path: '/orgs',
    headers: { 'Content-Type': FORM, Cookie: cookie, Origin: `http://127.0.0.1:${node.port}` },
    body: orgBody(field, '阳光志愿服务队') });
  assert.equal(ok.status, 303);
  assert.match(ok.headers.location, /^\/orgs\?ok=file&id=120105001001-\d{4}$/);
  const after = JSON.parse((await request(node.port, { path: '/api/orgs' })).body);
  assert.equal(after.length, 1);
  assert.equal(after[0].name, '阳光志愿服务队');
});

test('no CORS headers; pages forbid framing and outside scripts', async (t) => {
  const node = await startNode(t);
  for (const p of ['/api/orgs', '/api/status', '/api/reports', '/api/inbox', '/']) {
    const res = await request(node.port, { path: p, headers: { Origin: 'http://evil.example' } });
    assert.equal(res.status, 200, p);
    for (const h of Object.keys(res.headers)) {
      assert.ok(!h.startsWith('access-control-'), `${p} sent ${h}`);
    }
  }
  const opt = await request(node.port, { method: 'OPTIONS', path: '/api/orgs',
    headers: { Origin: 'http://evil.example', 'Access-Control-Request-Method': 'POST' } });
  assert.notEqual(opt.status, 200);
  assert.equal(opt.headers['access-control-allow-origin'], undefined);
  const page = await request(node.port, { path: '/' });
  assert.match(page.headers['content-security-policy'], /frame-ancestors 'none'/);
  assert.match(page.headers['content-security-policy'], /script-src 'self'/);
  assert.match(page.headers['set-cookie'].join('\n'), /HttpOnly; SameSite=Strict/);
});

test('JSON endpoints answer with the listings', async (t) => {
  const node = await startNode(t);
  const st = JSON.parse((await request(node.port, { path: '/api/status' })).body);
  assert.equal(st.community, '幸福社区');
  assert.equal(st.code, '120105001001');
  for (const p of ['/api/orgs', '/api/reports', '/api/inbox', '/api/activities']) {
    const res = await request(node.port, { path: p });
    assert.equal(res.status, 200, p);
    assert.match(res.headers['content-type'], /application\/json/);
    assert.ok(Array.isArray(JSON.parse(res.body)), p);
  }
  const css = await request(node.port, { path: '/assets/style.css' });
  assert.equal(css.status, 200);
  assert.match(css.headers['content-type'], /text\/css/);
  assert.match(css.body, /@media print/);
  assert.equal((await request(node.port, { path: '/assets/nope.css' })).status, 404);
  assert.equal((await request(node.port, { path: '/assets/..%2F..%2Fetc%2Fpasswd' })).status, 404);
});

test('idle resident memory of serve', async (t) => {
  const node = await startNode(t);
  // A few pages first, so the figure includes what serving has touched.
  for (const p of ['/', '/orgs', '/reports/new', '/api/status']) {
    await request(node.port, { path: p });
  }
  await new Promise((r) => setTimeout(r, 500));
  const m = rssKb(node.proc.pid);
  console.log(`# idle serve: VmRSS ${m.rss} kB (RssAnon ${m.anon} kB, RssFile ${m.file} kB)`);
  const max = Number(process.env.LINLI_WEB_RSS_MAX_KB || 0);
  if (max > 0) {
    // Private memory is what serve itself costs; file pages are shared libraries.
    assert.ok(m.anon < max, `RssAnon ${m.anon} kB over ${max} kB`);
  }
});

test('unknown records, missing parameters and oversized posts get clear answers', async (t) => {
  const node = await startNode(t);
  const page = async (p) => request(node.port, { path: p });
  assert.equal((await page('/orgs/120105001001-9999/amend')).status, 404);
  assert.equal((await page('/orgs/%3Cscript%3E/dissolve')).status, 404);
  assert.equal((await page('/reports/print?org=120105001001-9999&month=2026-01')).status, 404);
  assert.equal((await page('/reports/print')).status, 400);
  // An unknown address: a browser gets the Chinese error page with the way
  // home; the API keeps JSON, in Chinese too.
  const nosuch = await page('/no/such/page');
  assert.equal(nosuch.status, 404);
  assert.match(nosuch.headers['content-type'], /text\/html/);
  assert.match(nosuch.body, /没有这个页面/);
  assert.match(nosuch.body, /请返回上一页，核对后再试/);
  assert.match(nosuch.body, /<a href="\/">返回<\/a>/);
  assert.doesNotMatch(nosuch.body, /no such page|NOT_FOUND/);
  const html = await request(node.port, { path: '/nosuch', headers: { Accept: 'text/html' } });
  assert.equal(html.status, 404);
  assert.match(html.body, /没有这个页面/);
  const apiHtml = await request(node.port, { path: '/api/nosuch', headers: { Accept: 'text/html,*/*' } });
  assert.match(apiHtml.body, /没有这个页面/);
  const api = await page('/api/nosuch');
  assert.equal(api.status, 404);
  assert.match(api.headers['content-type'], /application\/json/);
  assert.equal(JSON.parse(api.body).message, '没有这个地址：/api/nosuch');
  // A blank printable form for a month not reported yet, to fill in by hand.
  const id = node.cli('org', 'file', '--filed', '2025-01-01', '--name', '读书会', '--category', '文化', '--leader', '周',
    '--phone', '1', '--members', '5', '--party-members', '0').trim().split('\n').pop();
  const blank = await page(`/reports/print?org=${id}&month=2026-01`);
  assert.equal(blank.status, 200);
  assert.match(blank.body, /读书会/);
  assert.match(blank.body, /尚未填报/);
  // A body over the cap is refused before any handler runs.
  const { cookie, field } = await csrfOf(node.port);
  const big = `csrf=${field}&content=${'x'.repeat(300 * 1024)}`;
  const res = await request(node.port, { method: 'POST', path: '/reports',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: cookie }, body: big });
  assert.equal(res.status, 413);
});
