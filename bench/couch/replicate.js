#!/usr/bin/env node
/* bench/couch/replicate.js - the CouchDB-protocol peer of linli's "a node's
 * whole sync of 6,000 monthly reports" benchmark (issue 8).
 *
 * A client PouchDB (pouchdb-node, LevelDB on disk) holds the 50 organisation
 * filings and 6,000 monthly reports that bench_node writes for linli's run;
 * PouchDB.replicate(local, remoteUrl) pushes them to pouchdb-server 4.2.0's
 * stack (express-pouchdb + PouchDB LevelDB on disk) in a child process that
 * listens on 127.0.0.1 only.  Each run replicates into a fresh target
 * database; the time runs from the start of the replication until it
 * completes (every document written and acknowledged, checkpoint stored).
 *
 * The server counts HTTP requests and the bytes on its sockets (both
 * directions, headers included) and reports its own process.cpuUsage();
 * the client reports its own.  Prints "name value unit" lines, each the
 * median over --runs N (default 3).
 *
 * Durability: PouchDB's LevelDB adapter does not fsync its writes; CouchDB
 * fsyncs before it answers a write.  With --fsync on (the default) the
 * server's LevelDB writes are made with {sync: true}, so an acknowledged
 * document is on disk as CouchDB's would be; --fsync off measures stock
 * pouchdb-server.
 *
 *   node replicate.js [--runs N] [--reports 6000] [--orgs 50] [--fsync on|off]
 *                     [--batch-size 100] [--batches-limit 10] [--keep] [--verbose]
 * (--verbose lists each run's requests by kind; --keep leaves the temp folder)
 */
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const http = require('http');
const { fork } = require('child_process');
const { createRequire } = require('module');

function parseArgs(argv) {
  const a = { runs: 3, reports: 6000, orgs: 50, fsync: 'on', store: 'disk', batchSize: 100, batchesLimit: 10,
              keep: false, verbose: false, serve: null };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i];
    const v = () => {
      if (i + 1 >= argv.length) usage(`${k} needs a value`);
      return argv[++i];
    };
    if (k === '--runs') a.runs = int(v(), k);
    else if (k === '--reports') a.reports = int(v(), k);
    else if (k === '--orgs') a.orgs = int(v(), k);
    else if (k === '--fsync') a.fsync = v();
    else if (k === '--store') a.store = v();
    else if (k === '--batch-size') a.batchSize = int(v(), k);
    else if (k === '--batches-limit') a.batchesLimit = int(v(), k);
    else if (k === '--keep') a.keep = true;
    else if (k === '--verbose') a.verbose = true;
    else if (k === '--serve') a.serve = v(); /* internal: the server child */
    else if (k === '-h' || k === '--help') usage();
    else usage(`unknown argument ${k}`);
  }
  if (a.fsync !== 'on' && a.fsync !== 'off') usage('--fsync is on or off');
  if (a.store !== 'disk' && a.store !== 'memory') usage('--store is disk or memory');
  if (a.store === 'memory') a.fsync = 'off'; /* nothing to sync: the server keeps nothing */
  if (a.runs < 1 || a.orgs < 1) usage('--runs and --orgs must be at least 1');
  return a;
}

function int(s, k) {
  const n = Number(s);
  if (!Number.isInteger(n) || n < 0) usage(`${k}: not a count: ${s}`);
  return n;
}

function usage(msg) {
  if (msg) console.error(`replicate.js: ${msg}`);
  console.error('usage: node replicate.js [--runs N] [--reports 6000] [--orgs 50] [--fsync on|off]\n' +
                '                         [--store disk|memory]\n' +
                '                         [--batch-size 100] [--batches-limit 10] [--keep] [--verbose]');
  process.exit(2);
}

/* ---------------------------------------------------------------- server */

/* pouchdb-server 4.2.0's own stack (lib/index.js): pouchdb-core + http +
 * replication + mapreduce + leveldb, served by express-pouchdb; resolved from
 * pouchdb-server's own dependencies so the versions are the ones it runs. */
function serve(dir, fsync, store) {
  const sreq = createRequire(require.resolve('pouchdb-server/package.json'));
  const areq = createRequire(sreq.resolve('pouchdb-adapter-leveldb'));
  const leveldown = areq('leveldown');
  const express = sreq('express');
  /* --store memory: what `pouchdb-server --in-memory` runs (pouchdb-adapter-
   * memory, memdown under LevelUP), the fastest form of the peer: it keeps
   * nothing on disk, so it acknowledges what a restart would lose. */
  const PouchDB = sreq('pouchdb-core')
    .plugin(sreq('pouchdb-adapter-http'))
    .plugin(sreq('pouchdb-replication'))
    .plugin(sreq('pouchdb-mapreduce'))
    .plugin(sreq(store === 'memory' ? 'pouchdb-adapter-memory' : 'pouchdb-adapter-leveldb'));

  /* LevelDB with every write synchronous (fsync before the callback), as
   * CouchDB commits before it acknowledges. */
  function SyncLevelDOWN(location) {
    const db = leveldown(location);
    const s = (o) => Object.assign({}, o, { sync: true });
    const put = db._put, del = db._del, batch = db._batch, chained = db._chainedBatch;
    db._put = function (k, v, o, cb) { return put.call(this, k, v, s(o), cb); };
    db._del = function (k, o, cb) { return del.call(this, k, s(o), cb); };
    db._batch = function (ops, o, cb) { return batch.call(this, ops, s(o), cb); };
    db._chainedBatch = function () {
      const b = chained.call(this);
      const w = b._write;
      b._write = function (o, cb) { return w.call(this, s(o), cb); };
      return b;
    };
    return db;
  }

  fs.mkdirSync(dir, { recursive: true });
  const opts = { prefix: path.resolve(dir) + path.sep };
  if (store === 'memory') opts.adapter = 'memory';
  else if (fsync === 'on') opts.db = SyncLevelDOWN;
  const app = express();
  const pouchApp = sreq('express-pouchdb')(PouchDB.defaults(opts), {
    configPath: path.join(dir, 'config.json'),
    logPath: path.join(dir, 'log.txt'),
  });
  app.use(pouchApp);

  let requests = 0, closedIn = 0, closedOut = 0, kinds = {};
  const live = new Set();
  const server = http.createServer(app);
  server.on('request', (req) => {
    requests++;
    /* "PUT /db/_local/ID" -> "PUT /{db}/_local/{id}": which requests a run made */
    const p = req.url.split('?')[0].split('/').slice(1);
    const k = `${req.method} /${p.length && p[0] ? '{db}' : ''}` +
              (p.length > 1 ? '/' + p[1] : '') + (p.length > 2 ? '/{id}' : '');
    kinds[k] = (kinds[k] || 0) + 1;
  });
  server.on('connection', (sock) => {
    live.add(sock);
    sock.on('close', () => {
      closedIn += sock.bytesRead;
      closedOut += sock.bytesWritten;
      live.delete(sock);
    });
  });
  const snap = () => {
    let i = closedIn, o = closedOut;
    for (const s of live) { i += s.bytesRead; o += s.bytesWritten; }
    const c = process.cpuUsage();
    return { requests, bytesIn: i, bytesOut: o, cpuUs: c.user + c.system, conns: live.size };
  };
  let base = snap();
  process.on('message', (m) => {
    if (m === 'reset') { base = snap(); kinds = {}; process.send({ reset: true }); }
    else if (m === 'stats') {
      const n = snap();
      process.send({ stats: { requests: n.requests - base.requests, bytesIn: n.bytesIn - base.bytesIn,
                              bytesOut: n.bytesOut - base.bytesOut, cpuUs: n.cpuUs - base.cpuUs,
                              kinds } });
    } else if (m === 'stop') {
      server.close();
      for (const s of live) s.destroy();
      process.exit(0);
    }
  });
  process.on('disconnect', () => process.exit(0)); /* the parent went away */
  server.listen(0, '127.0.0.1', () => {
    process.send({ url: `http://127.0.0.1:${server.address().port}/` });
  });
}

/* ---------------------------------------------------------------- client */

const CODE = '120105002001';
const COMMUNITY = '社區2001';

/* The documents of bench_node's 50 filings + 6,000 reports (bench/bench_node.c),
 * with the fields of bench_ingest.c's body_for(). */
function makeDocs(orgs, reports) {
  const docs = [];
  const orgId = (i) => `${CODE}-${String(i + 1).padStart(4, '0')}`;
  for (let i = 0; i < orgs; i++) {
    docs.push({
      _id: `org:${orgId(i)}`, kind: 'org.filed',
      id: orgId(i), name: `${COMMUNITY}第${i + 1}志願服務隊`, category: '為老服務',
      leader: '王秀英', phone: '13800000000', members: 10 + (i % 30), party_members: 2,
      party_station: false, founded_by: 'self', scope: '探訪獨居老人、助餐', venue: '社區活動中心',
      filed: '2020-03-01', flags: [],
    });
  }
  const now = new Date();
  const idx0 = now.getUTCFullYear() * 12 + now.getUTCMonth();
  for (let r = 0; r < reports; r++) {
    const idx = Math.max(idx0 - Math.floor(r / orgs), 1900 * 12);
    const month = `${String(Math.floor(idx / 12)).padStart(4, '0')}-${String(idx % 12 + 1).padStart(2, '0')}`;
    const org = orgId(r % orgs);
    docs.push({
      _id: `report:${org}:${month}`, kind: 'report.monthly',
      org, month, activities: 2 + (r % 5), participants: 30 + (r % 40), party_participants: 2,
      content: '探訪獨居老人，義務理髮，清理樓道', scope: '為老服務', good_deeds: '幫助鄰居修水管',
    });
  }
  return docs;
}

function median(xs) {
  const a = xs.slice().sort((x, y) => x - y);
  const n = a.length;
  return n % 2 ? a[(n - 1) / 2] : (a[n / 2 - 1] + a[n / 2]) / 2;
}

function request(method, url, body) {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers: { 'Content-Type': 'application/json' },
                                    agent: false }, (res) => {
      let data = '';
      res.setEncoding('utf8');
      res.on('data', (c) => { data += c; });
      res.on('end', () => {
        try { resolve({ status: res.statusCode, body: JSON.parse(data) }); } catch (e) { reject(e); }
      });
    });
    req.on('error', reject);
    if (body) req.end(JSON.stringify(body)); else req.end();
  });
}

async function main(args) {
  const PouchDB = require('pouchdb-node');
  const T = fs.mkdtempSync(path.join(process.env.TMPDIR || os.tmpdir(), 'linli-couch.'));
  let child = null;
  const cleanup = () => {
    if (child && child.connected) { try { child.send('stop'); } catch (e) { /* gone */ } }
    if (child && child.exitCode === null) { try { child.kill(); } catch (e) { /* gone */ } }
    if (!args.keep) fs.rmSync(T, { recursive: true, force: true });
  };
  process.on('exit', cleanup);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, () => process.exit(130));

  child = fork(__filename, ['--serve', path.join(T, 'server'), '--fsync', args.fsync,
                            '--store', args.store],
               { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const waiters = [];
  let stopping = false;
  child.on('message', (m) => { const w = waiters.shift(); if (w) w(m); });
  child.on('exit', (code) => {
    if (waiters.length || !stopping) { console.error(`replicate.js: the server exited (${code})`); process.exit(1); }
  });
  const ask = (m) => new Promise((resolve) => { waiters.push(resolve); if (m) child.send(m); });
  const { url } = await ask(null);

  /* The client's database, written before any timing. */
  const local = new PouchDB(path.join(T, 'client-reports'));
  const docs = makeDocs(args.orgs, args.reports);
  for (let i = 0; i < docs.length; i += 500) await local.bulkDocs(docs.slice(i, i + 500));
  const info = await local.info();
  if (info.doc_count !== docs.length) throw new Error(`client holds ${info.doc_count} of ${docs.length}`);
  console.error(`couch: ${docs.length} documents (${args.orgs} filings + ${args.reports} reports), ` +
                `server ${url} (pouchdb-server 4.2.0 stack, ` +
                (args.store === 'memory' ? 'in memory' : `leveldb, fsync ${args.fsync}`) +
                `), ${args.runs} runs`);

  const rows = [];
  for (let r = 1; r <= args.runs; r++) {
    const name = `street_hub_run${r}`;
    const target = url + name;
    const put = await request('PUT', target); /* a fresh target, made before the clock starts */
    if (put.status !== 201) throw new Error(`PUT ${name}: ${put.status} ${JSON.stringify(put.body)}`);
    await ask('reset');
    const c0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    const res = await PouchDB.replicate(local, target, { batch_size: args.batchSize,
                                                         batches_limit: args.batchesLimit });
    const t1 = process.hrtime.bigint();
    const c1 = process.cpuUsage(c0);
    const { stats } = await ask('stats');
    const got = await request('GET', target);
    if (!res.ok || res.docs_written !== docs.length || got.body.doc_count !== docs.length)
      throw new Error(`run ${r}: replication wrote ${res.docs_written}, target holds ` +
                      `${got.body.doc_count} of ${docs.length} (${JSON.stringify(res.errors)})`);
    const row = {
      ms: Number(t1 - t0) / 1e6,
      requests: stats.requests,
      up: stats.bytesIn / docs.length,
      down: stats.bytesOut / docs.length,
      serverCpu: stats.cpuUs / 1e6,
      clientCpu: (c1.user + c1.system) / 1e6,
    };
    row.bytes = row.up + row.down;
    row.cpu = row.serverCpu + row.clientCpu;
    rows.push(row);
    console.error(`  run ${r}: ${row.ms.toFixed(0)} ms, ${row.requests} requests, ` +
                  `${row.bytes.toFixed(0)} B/doc (${row.up.toFixed(0)} up, ${row.down.toFixed(0)} down), ` +
                  `CPU server ${row.serverCpu.toFixed(2)} s + client ${row.clientCpu.toFixed(2)} s`);
    if (args.verbose)
      for (const k of Object.keys(stats.kinds).sort()) console.error(`    ${stats.kinds[k]}\t${k}`);
  }
  await local.close();
  const m = (k) => median(rows.map((x) => x[k]));
  const out = [
    ['couch_docs', docs.length, 'docs'],
    ['couch_sync_ms', m('ms').toFixed(0), 'ms'],
    ['couch_requests', m('requests').toFixed(0), 'requests'],
    ['couch_bytes_per_doc', m('bytes').toFixed(0), 'B'],
    ['couch_bytes_up_per_doc', m('up').toFixed(0), 'B'],
    ['couch_bytes_down_per_doc', m('down').toFixed(0), 'B'],
    ['couch_server_cpu_s', m('serverCpu').toFixed(2), 's'],
    ['couch_client_cpu_s', m('clientCpu').toFixed(2), 's'],
    ['couch_cpu_s', m('cpu').toFixed(2), 's'],
  ];
  for (const [k, v, u] of out) console.log(`${k} ${v} ${u}`);
  stopping = true;
  child.send('stop');
  await new Promise((resolve) => (child.exitCode !== null ? resolve() : child.once('exit', resolve)));
}

const args = parseArgs(process.argv.slice(2));
if (args.serve) {
  serve(args.serve, args.fsync, args.store);
} else {
  main(args).then(() => process.exit(0), (e) => {
    console.error(`replicate.js: ${e && e.stack ? e.stack : e}`);
    process.exit(1);
  });
}
