// pages.test.js - the operator pages besides the review queue, over raw HTTP:
// every page answers behind the login, a decision is recorded with its
// operator, an enrolment request shows its fingerprint and only a writer may
// approve it, and the alerts page lists a community silent for seven days.
'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const { makeHubs, startHub, request, login } = require('./lib.js');

test('street hub: the other pages answer, and a decision is recorded with its operator', async (t) => {
  const { tmp } = makeHubs(t);
  const hub = await startHub(t, `${tmp}/street`);
  const alice = await login(hub.port, 'alice', 'alice-pass-1');
  for (const p of ['/enrol', '/decide', '/activities', '/alerts', '/review']) {
    const res = await request(hub.port, { path: p, cookie: alice.cookie });
    assert.equal(res.status, 200, p);
    assert.match(res.body, /<header class="top">/, p);
  }
  const alerts = await request(hub.port, { path: '/alerts?lang=en', cookie: alice.cookie });
  assert.match(alerts.body, /Forked logs/);
  assert.match(alerts.body, /Communities not heard from in 7 days/);

  // a notice to the community, then it is in the list with alice's name
  // first a confirmation page that says what will be sent; nothing is written yet
  let res = await request(hub.port, { method: 'POST', path: '/decide', cookie: alice.cookie,
    form: { kind: 'notice', community: '幸福社区', reason: '年检材料请于月底前提交', csrf: alice.csrf } });
  assert.equal(res.status, 200, res.body);
  assert.match(res.body, /确认发出决定/);
  assert.match(res.body, /id="decide-summary"[^]*年检材料请于月底前提交/);
  assert.doesNotMatch((await request(hub.port, { path: '/decide', cookie: alice.cookie })).body,
    /<td[^>]*>年检材料请于月底前提交/);
  res = await request(hub.port, { method: 'POST', path: '/decide', cookie: alice.cookie,
    form: { kind: 'notice', community: '幸福社区', reason: '年检材料请于月底前提交', confirm: '1',
      csrf: alice.csrf } });
  assert.equal(res.status, 303, res.body);
  res = await request(hub.port, { path: '/decide', cookie: alice.cookie });
  assert.match(res.body, /年检材料请于月底前提交/);
  assert.match(res.body, /<td[^>]*>alice<\/td>/);
  // a criticism without a deadline is refused, and nothing is added
  res = await request(hub.port, { method: 'POST', path: '/decide', cookie: alice.cookie,
    form: { kind: 'criticize', community: '幸福社区', reason: '长期不活动', csrf: alice.csrf } });
  assert.equal(res.status, 400);
  // ... in words, on the form that keeps what was typed
  assert.match(res.body, /批评须填写整改期限/);
  assert.doesNotMatch(res.body, /--deadline|criticism needs/);
  assert.match(res.body, /<option value="criticize" selected>/);
  assert.match(res.body, /name="community" maxlength="128" value="幸福社区"/);
  assert.match(res.body, />长期不活动<\/textarea>/);
  // a deadline that is not after today is refused in words, the input kept
  res = await request(hub.port, { method: 'POST', path: '/decide', cookie: alice.cookie,
    form: { kind: 'criticize', community: '幸福社区', deadline: '2020-01-31', reason: '长期不活动',
      confirm: '1', csrf: alice.csrf } });
  assert.equal(res.status, 400);
  assert.match(res.body, /整改期限须在今天之后/);
  assert.match(res.body, /name="deadline" id="decide-deadline" min="\d{4}-\d{2}-\d{2}" value="2020-01-31"/);
  // a revoked organisation is not commended: the page asks the same rule as the
  // command line (common/rules.c) and says so in words, nothing is written
  const org = hub.cli(['org', 'file', '--name', '望海楼街书画分会', '--founded-by', 'self', '--category', '文体',
    '--leader', '张三', '--phone', '13900000000', '--members', '12', '--party-members', '1',
    '--filed', '2025-01-01']).trim().split('\n').pop();
  hub.cli(['decide', 'revoke', '--org', org, '--reason', '严重违规']);
  const before = hub.cli(['decide', 'list', '--json']);
  res = await request(hub.port, { method: 'POST', path: '/decide', cookie: alice.cookie,
    form: { kind: 'commend', org, reason: '活动出色', csrf: alice.csrf } });
  assert.equal(res.status, 400);
  assert.match(res.body, /这个组织的备案已退回或已撤销，不能表彰/);
  assert.match(res.body, />活动出色<\/textarea>/);
  res = await request(hub.port, { method: 'POST', path: '/decide', cookie: alice.cookie,
    form: { kind: 'commend', org, reason: '活动出色', confirm: '1', csrf: alice.csrf } });
  assert.equal(res.status, 400);
  assert.equal(hub.cli(['decide', 'list', '--json']), before, 'a refused commendation wrote nothing');
  assert.throws(() => hub.cli(['decide', 'commend', '--org', org, '--reason', '活动出色']),
    /已撤销，不能表彰/);
  const audit = JSON.parse(hub.cli(['operator', 'audit', '--json']));
  const d = audit.find((r) => r.action === 'decision');
  assert.ok(d);
  assert.equal(d.operator, 'alice');
  assert.match(d.detail, /年检材料/);

  // the dashboard (or the queue) is the home page behind the login
  res = await request(hub.port, { path: '/' });
  assert.equal(res.status, 303);
  res = await request(hub.port, { path: '/assets/style.css' });
  assert.equal(res.status, 200);
  assert.match(res.headers['content-type'], /text\/css/);
  res = await request(hub.port, { path: '/assets/nope.css' });
  assert.equal(res.status, 404);
});

test('street hub: an enrolment request shows its fingerprint and is approved by a writer', async (t) => {
  const { tmp } = makeHubs(t);
  const hub = await startHub(t, `${tmp}/street`);
  const requests = JSON.parse(hub.cli(['enroll-requests', '--json']));
  assert.equal(requests.length, 2);
  const { id, fingerprint } = requests.find((r) => r.name === '和平社区');
  const victor = await login(hub.port, 'victor', 'victor-pass-1');
  let res = await request(hub.port, { path: '/enrol', cookie: victor.cookie });
  assert.equal(res.status, 200);
  assert.ok(res.body.includes(fingerprint), 'the fingerprint is on the page');
  assert.match(res.body, /和平社区/);
  // as enroll-requests shows them: where each request came from, the imitation
  // flag, and the role in words
  const row = (rid) => new RegExp(`<tr data-request="${rid}">[^]*?</tr>`).exec(res.body)[0];
  assert.match(row(id), /<td class="source">192\.0\.2\.7<\/td>/);
  assert.match(row(id), /<td class="imitates"><\/td>/);
  const newpc = requests.find((r) => r.name === '幸福社区');
  assert.match(row(newpc.id), /<td class="imitates"><strong class="warn">仿冒 幸福社区<\/strong><\/td>/);
  assert.match(row(id), /<td>社区<\/td>/);
  assert.doesNotMatch(res.body, />community</);
  assert.doesNotMatch(res.body, new RegExp(`action="/enrol/${id}"`)); // a viewer gets no button
  res = await request(hub.port, { method: 'POST', path: `/enrol/${id}`, cookie: victor.cookie,
    form: { csrf: victor.csrf } });
  assert.equal(res.status, 403);
  const alice = await login(hub.port, 'alice', 'alice-pass-1');
  res = await request(hub.port, { path: '/enrol', cookie: alice.cookie });
  assert.match(res.body, new RegExp(`action="/enrol/${id}"`));
  res = await request(hub.port, { method: 'POST', path: `/enrol/${id}`, cookie: alice.cookie, form: {} });
  assert.equal(res.status, 403);
  res = await request(hub.port, { method: 'POST', path: `/enrol/${id}`, cookie: alice.cookie,
    form: { csrf: alice.csrf } });
  assert.equal(res.status, 303);
  assert.deepEqual(JSON.parse(hub.cli(['enroll-requests', '--json'])).map((r) => r.name), ['幸福社区']);
  const audit = JSON.parse(hub.cli(['operator', 'audit', '--json']));
  assert.ok(audit.some((r) => r.operator === 'alice' && r.action === 'enrol.approve'));
});

test('street hub: a new PC of an enrolled community is approved as its replacement', async (t) => {
  const { tmp } = makeHubs(t);
  const hub = await startHub(t, `${tmp}/street`);
  const req = JSON.parse(hub.cli(['enroll-requests', '--json'])).find((r) => r.name === '幸福社区');
  const status = () => JSON.parse(hub.cli(['status', '--json']));
  const old = status().authors.find((a) => a.name === '幸福社区');
  const alice = await login(hub.port, 'alice', 'alice-pass-1');
  let res = await request(hub.port, { path: '/enrol', cookie: alice.cookie });
  // only the request with an enrolled community's code offers the old PC, by name and fingerprint
  const row = new RegExp(`<tr data-request="${req.id}">[^]*?</tr>`).exec(res.body)[0];
  assert.match(row, /<select name="replaces"><option value="">新社区（不接替）<\/option>/);
  assert.ok(row.includes(`value="${old.fingerprint}"`));
  assert.doesNotMatch(new RegExp(`<tr data-request="(?!${req.id}")[^]*?</tr>`).exec(res.body)[0],
    /name="replaces"/);
  assert.ok(!res.body.includes(old.key), 'no key on the page');
  const before = hub.cli(['status', '--json']);
  // a PC this street may not replace: refused in words, nothing changed
  res = await request(hub.port, { method: 'POST', path: `/enrol/${req.id}`, cookie: alice.cookie,
    form: { csrf: alice.csrf, replaces: '0000 0000 0000 0000 0000', confirm: '1' } });
  assert.equal(res.status, 404);
  assert.match(res.body, /没有可由新电脑接替的这台电脑/);
  // the first answer asks to confirm and says the old key is revoked from then on
  res = await request(hub.port, { method: 'POST', path: `/enrol/${req.id}`, cookie: alice.cookie,
    form: { csrf: alice.csrf, replaces: old.fingerprint } });
  assert.equal(res.status, 200);
  assert.match(res.body, /确认接替原电脑/);
  assert.match(res.body, /原电脑的密钥从此吊销/);
  assert.equal(hub.cli(['status', '--json']), before, 'nothing changed before the confirmation');
  res = await request(hub.port, { method: 'POST', path: `/enrol/${req.id}`, cookie: alice.cookie,
    form: { csrf: alice.csrf, replaces: old.fingerprint, confirm: '1' } });
  assert.equal(res.status, 303);
  const a = Object.fromEntries(status().authors.map((x) => [x.key, x]));
  assert.equal(a[req.key].replaces, old.key);
  assert.equal(a[old.key].replaced_by, req.key);
  assert.notEqual(a[old.key].revoked, 0);
  const audit = JSON.parse(hub.cli(['operator', 'audit', '--json']));
  assert.ok(audit.some((r) => r.operator === 'alice' && r.action === 'enrol.replace'));
});

test('alerts: a community not heard from in seven days', async (t) => {
  const { tmp } = makeHubs(t);
  // The hub's clock eight days on: the community's last push is then too old.
  const later = Date.now() + 8 * 24 * 3600 * 1000;
  const hub = await startHub(t, `${tmp}/street`, { LINLI_FAKE_NOW_MS: String(later) });
  const alice = await login(hub.port, 'alice', 'alice-pass-1');
  const res = await request(hub.port, { path: '/alerts', cookie: alice.cookie });
  assert.equal(res.status, 200);
  const silent = /<section id="silent">([\s\S]*?)<\/section>/.exec(res.body);
  assert.ok(silent);
  assert.match(silent[1], /幸福社区/);
  assert.match(silent[1], /class="count warn">1</);
});
