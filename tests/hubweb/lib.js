// lib.js - helpers the operator-page tests share: hubs with pending batches
// (hubweb_fixture), `linli-hub serve` on a free loopback port, raw HTTP with
// cookies, logging in, and headless Chromium (the node page's pattern in
// tests/web/lib.js).
'use strict';

const { execFileSync } = require('node:child_process');
const { spawnTracked } = require('../js/children.js');
const { launchBrowser: launchShared } = require('../js/browser.js');
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');

const BIN = process.env.LINLI_HUB_BIN || 'linli-hub';
const FIXTURE = process.env.LINLI_HUBWEB_FIXTURE || 'hubweb_fixture';
const OUT = process.env.LINLI_HUBWEB_OUT || path.join(os.tmpdir(), 'linli-hubweb-out');

// Build the fixture hubs in a fresh temporary directory: { tmp, ids }.
function makeHubs(t) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'linli-hubweb-'));
  const out = execFileSync(FIXTURE, [tmp], { encoding: 'utf8' });
  if (t) t.after(() => fs.rmSync(tmp, { recursive: true, force: true }));
  return { tmp, ids: JSON.parse(out) };
}

// `linli-hub serve` on port 0 for the hub in dir; resolves once the first
// stdout line (the URL) has arrived.  Stopped (SIGTERM, clean exit checked)
// when the test ends.  env adds environment variables (LINLI_FAKE_NOW_MS).
async function startHub(t, dir, env = {}) {
  const proc = spawnTracked(BIN, ['--dir', dir, 'serve', '--listen', '127.0.0.1:0'],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  let stderr = '';
  proc.stderr.on('data', (d) => { stderr += d.toString(); });
  const url = await new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`serve printed no URL in 15 s; stderr:\n${stderr}`)), 15000);
    proc.stdout.on('data', (d) => {
      out += d.toString();
      const nl = out.indexOf('\n');
      if (nl >= 0) { clearTimeout(timer); resolve(out.slice(0, nl)); }
    });
    proc.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited with ${code} before printing its URL; stderr:\n${stderr}`));
    });
  });
  const hub = {
    dir, url, port: Number(new URL(url).port), proc,
    stderr: () => stderr,
    cli: (args, input) => execFileSync(BIN, ['--dir', dir, ...args],
      { encoding: 'utf8', input: input || '', stdio: ['pipe', 'pipe', 'pipe'] }),
    stop: () => new Promise((resolve) => {
      if (proc.exitCode !== null) return resolve(proc.exitCode);
      const timer = setTimeout(() => proc.kill('SIGKILL'), 10000);
      proc.once('exit', (code, sig) => { clearTimeout(timer); resolve(code === null ? sig : code); });
      proc.kill('SIGTERM');
    }),
  };
  if (t) {
    t.after(async () => {
      const code = await hub.stop();
      if (code !== 0 || /Sanitizer|runtime error/.test(stderr)) {
        throw new Error(`serve exited with ${code} on SIGTERM; stderr:\n${stderr.slice(-4000)}`);
      }
    });
  }
  return hub;
}

// One HTTP request; form (an object) is sent url-encoded.
function request(port, { method = 'GET', path: p = '/', cookie = null, form = null, headers = {} } = {}) {
  return new Promise((resolve, reject) => {
    const h = { Host: `127.0.0.1:${port}`, ...headers };
    let body = null;
    if (cookie) h.Cookie = cookie;
    if (form) {
      body = new URLSearchParams(form).toString();
      h['Content-Type'] = 'application/x-www-form-urlencoded';
      h['Content-Length'] = Buffer.byteLength(body);
    }
    const req = http.request({ host: '127.0.0.1', port, method, path: p, headers: h }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers,
        body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    if (body !== null) req.write(body);
    req.end();
  });
}

// Log in over raw HTTP: { status, cookie, setCookie, csrf } (cookie null on failure).
async function login(port, name, password) {
  const res = await request(port, { method: 'POST', path: '/login', form: { name, password } });
  const setCookie = (res.headers['set-cookie'] || []).find((c) => c.startsWith('linli_hub_session='));
  const cookie = setCookie && res.status === 303 ? setCookie.split(';')[0] : null;
  let csrf = null;
  if (cookie) {
    const page = await request(port, { path: '/review', cookie });
    const m = /name="csrf" value="([0-9a-f]+)"/.exec(page.body);
    csrf = m ? m[1] : null;
  }
  return { status: res.status, cookie, setCookie, csrf, body: res.body };
}

// Headless Chromium in Chinese (tests/js/browser.js), a little wider than
// the node's pages need.
function launchBrowser(t) {
  return launchShared(t, { viewport: { width: 1280, height: 860 }, prefix: 'linli-hubweb-chromium-' });
}

function outDir() {
  fs.mkdirSync(OUT, { recursive: true });
  return OUT;
}

module.exports = { makeHubs, startHub, request, login, launchBrowser, outDir };
