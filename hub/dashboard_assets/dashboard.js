// dashboard.js - the district dashboard and street overview (hub/web_dashboard.c).
// Reads the documented JSON API (/api/v1/dashboard/...), shows every figure in a
// table (screen readers, printing and tests read them there), draws the charts
// with Apache ECharts from the same rows, and links each table's CSV export.
// Served from the hub binary; no request leaves the hub.
'use strict';

(function () {
  const root = document.getElementById('dash');
  if (!root) return;
  const lang = root.dataset.lang === 'en' ? 'en' : 'zh';
  const view = root.dataset.view;

  // The attention list's tables, in the order the page shows them.
  const ATTN_KEYS = ['upcoming', 'criticism_overdue', 'feedback_overdue', 'inspection_rectify_overdue', 'inspection_overdue',
    'plan_missing', 'summary_missing', 'unit_plan_missing', 'unit_summary_missing', 'silent', 'inactive',
    'names', 'party_station'];

  // The words come with the page (data-words), from the hub's one glossary
  // (common/i18n.c: col.* and dash.*) in the page's language.
  let W = {};
  try { W = JSON.parse(root.dataset.words || '{}'); } catch (e) { /* keys stand in */ }
  const t = (k) => (Object.prototype.hasOwnProperty.call(W, k) ? W[k] : k);

  // A column's word in one table: some keys mean different things in
  // different tables ("expected" reports vs. expected attendance).
  const label = (tableName, k) => (Object.prototype.hasOwnProperty.call(W, `${tableName}.${k}`) ? W[`${tableName}.${k}`] : t(k));
  const PAGE = 10; // rows per page of a long table

  // A district operator sees the district; a street hub, or an operator bound
  // to one street, sees that street: communities instead of streets.
  const streetView = root.dataset.role === 'street' || !!root.dataset.scope;

  // Style sheet of the dashboard (CSP allows only files from this hub).
  const css = document.createElement('link');
  css.rel = 'stylesheet';
  css.href = '/dashboard/dashboard.css';
  document.head.appendChild(css);

  function el(tag, attrs, ...kids) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === 'class') e.className = v;
      else if (k === 'text') e.textContent = v;
      else e.setAttribute(k, v);
    }
    for (const kid of kids) if (kid !== null && kid !== undefined) e.append(kid);
    return e;
  }

  // The half of a bilingual message "中文 / English" in the page's language
  // (as cm_i18n_msg_part does on the hub's own pages).
  function msgPart(msg) {
    const i = msg.indexOf(' / ');
    if (i < 0) return msg;
    return lang === 'zh' ? msg.slice(0, i) : msg.slice(i + 3);
  }

  // Rows of a page the hub cuts, and the longest table read whole (a
  // district's 2,000 organisations are); a longer one (a city's 250,000) is
  // read a page at a time as the reader pages through it.  Both come with
  // the page (data-page-rows, data-whole-rows).
  const HUB_PAGE = Math.min(500, Math.max(1, Number(root.dataset.pageRows) || 500));
  const wholeRows = root.dataset.wholeRows;
  const WHOLE_MAX = wholeRows && Number.isFinite(Number(wholeRows)) ? Number(wholeRows) : 5000;

  async function getJSON(path) {
    const r = await fetch(path, { credentials: 'same-origin', headers: { Accept: 'application/json' } });
    if (!r.ok) {
      let msg = String(r.status);
      try { msg = (await r.json()).message || msg; } catch (e) { /* not JSON */ }
      throw new Error(msgPart(msg));
    }
    return r.json();
  }

  function query(params) {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) if (v) q.set(k, v);
    const s = q.toString();
    return s ? `?${s}` : '';
  }

  // An answer of the dashboard API: whole when its tables are no longer than
  // WHOLE_MAX rows, else its first page with `remote` = {table: {rows,
  // page(n)}} for each table longer than a page (remoteTable shows them).
  async function getAnswer(name, params) {
    const path = `/api/v1/dashboard/${name}`;
    // page n of the answer, its rows in the order `extra` asks for ({sort, order})
    const paged = (n, extra) => getJSON(`${path}${query(Object.assign({}, params, extra,
      { page: String(n), per_page: String(HUB_PAGE) }))}`);
    const first = await paged(1);
    const tables = (first.paging && first.paging.tables) || {};
    const long = Object.keys(tables).filter((k) => tables[k].pages > 1);
    delete first.paging;
    if (!long.length) return first;
    if (long.every((k) => tables[k].rows <= WHOLE_MAX)) return getJSON(`${path}${query(params)}`);
    first.remote = {};
    for (const k of long) {
      first.remote[k] = { rows: tables[k].rows, page: (n, extra) => paged(n, extra).then((a) => a[k] || []) };
    }
    return first;
  }

  // Rows in table k of answer a (all of them, also those not read yet).
  const rowsIn = (a, k) => (a.remote && a.remote[k] ? a.remote[k].rows : (a[k] || []).length);
  const remoteOf = (a, k) => (a.remote ? a.remote[k] : undefined);

  // The answer whose tables keys are narrowed to the street or community the
  // page shows: a whole answer is narrowed here, in the page; one read by
  // pages is asked for again, narrowed by the hub (?street=, ?community=).
  async function narrowedAnswer(a, name, params, keys, narrow) {
    if (!a.remote || !keys.some((k) => a.remote[k]) || !Object.values(narrow).some((v) => v)) return a;
    return getAnswer(name, Object.assign({}, params, narrow));
  }

  // A value as the page shows it; numbers stay digits so tests and screen
  // readers read the same figure the API gave.
  // Machine values become words: a record "KEY/SEQ" the short reference
  // "社区 第SEQ条", an ISO time "2026-12-03 23:40", enum keys their word.
  function shown(key, v, row) {
    if (v === null || v === undefined) return '';
    if (typeof v === 'boolean') return t(String(v));
    if (['founded_by', 'street_ack', 'district_ack', 'by', 'status', 'kind', 'result', 'type'].includes(key)) {
      if (W[`${key}.${v}`]) return W[`${key}.${v}`]; // a feedback's "received" is not a report's
      if (W[v]) return W[v];
    }
    if (key === 'amount' && typeof v === 'number') return (v / 100).toFixed(2); // fen to yuan
    const s = String(v);
    const rec = /^[0-9a-f]{64}\/(\d+)$/.exec(s);
    if (rec) return `${(row && (row.signed_by || row.community)) || ''} ${t('seq_before')}${rec[1]}${t('seq_after')}`.trim();
    const iso = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})/.exec(s);
    if (iso) return `${iso[1]} ${iso[2]}`;
    return s;
  }

  // An answer given from its last computation while the hub works it out
  // again (a city's answers take seconds): the time of its figures (the
  // hub's, as every time on the page), said under the section's heading.
  function behind(box, ans) {
    const hm = ans && ans.updating && /T(\d{2}:\d{2})/.exec(ans.as_of || '');
    if (!hm) return;
    const p = el('p', { class: 'dash-behind', text: `${t('behind_before')}${hm[1]}${t('behind_after')}` });
    const h = box.querySelector(':scope > h2');
    if (h) h.after(p); else box.append(p);
  }

  const orgHref = (id) => `/dashboard/org/${encodeURIComponent(id)}`;
  const pct = (n, d) => (d > 0 ? `${Math.round((100 * n) / d)}%` : '—');

  // Compare two cell values for sorting: numbers as numbers, text in the
  // page's language order, empty cells last.
  function cmp(a, b) {
    const ea = a === null || a === undefined || a === '', eb = b === null || b === undefined || b === '';
    if (ea || eb) return ea === eb ? 0 : ea ? 1 : -1;
    if (typeof a === 'number' && typeof b === 'number') return a - b;
    return String(a).localeCompare(String(b), lang === 'zh' ? 'zh-CN' : 'en');
  }

  // A table's section: heading, row count (total rows), CSV and Excel links.
  function tableSection(answer, name, total, params, opts) {
    const sec = el('section', { class: 'dash-table', id: `sec-${answer}-${name}` });
    const q = query(Object.assign({}, params, { table: name }));
    const head = el('div', { class: 'dash-table-head' },
      el('h3', { text: opts.title || W[`title.${name}`] || t(name) }),
      total ? el('span', { class: 'count', text: `${t('rows_total')}${total}${t('rows_unit') ? ` ${t('rows_unit')}` : ''}`.trim() }) : null,
      el('a', { class: 'csv', href: `/api/v1/dashboard/${answer}.csv${q}`, download: '', text: t('csv') }),
      el('a', { class: 'xlsx', href: `/api/v1/dashboard/${answer}.xlsx${q}`, download: '', text: t('xlsx') }));
    sec.append(head);
    return sec;
  }

  // One row of a table: a cell per column, carrying data-key.
  function rowOf(cols, r, opts) {
    const tr = el('tr');
    for (const c of cols) {
      const v = r[c];
      const td = el('td', { 'data-key': c, class: typeof v === 'number' ? 'num' : '' });
      if ((c === 'id' || c === 'org') && opts.orgLink && v && !(c === 'id' && r.org)) td.append(el('a', { href: orgHref(v), text: v }));
      else if (opts.click && opts.click[c]) td.append(stateLink(shown(c, v, r), ...opts.click[c](r)));
      else td.textContent = shown(c, v, r);
      if (opts.cell) opts.cell(c, r, td);
      tr.append(td);
    }
    return tr;
  }

  function pagerOf() {
    const pager = el('div', { class: 'pager' });
    const prev = el('button', { type: 'button', class: 'prev', text: t('page_prev') });
    const next = el('button', { type: 'button', class: 'next', text: t('page_next') });
    const at = el('span', { class: 'at' });
    pager.append(prev, at, next);
    return { pager, prev, next, at };
  }
  const pageAt = (n, pages) => `${t('page_before')}${n}${t('page_mid')}${pages}${t('page_of')}`;

  // A table of rows (flat objects) with a heading, CSV and Excel links, its
  // own column words, sorting by a click on a column's head and paging of
  // long tables (every row stays in the document, the others hidden, so
  // printing and readers see them all).  Each cell carries data-key.
  // src: the rows, or the answer holding them as src[name]; a table of an
  // answer read by pages (getAnswer: a city's) is shown by remoteTable.
  // opts.filter: the rows the page shows of them (a street's).
  function table(answer, name, src, params, opts) {
    opts = opts || {};
    const held = Array.isArray(src) || !src ? src : src[name];
    const rows = held && opts.filter ? held.filter(opts.filter) : held;
    const remote = Array.isArray(src) || !src ? undefined : remoteOf(src, name);
    if (remote) return remoteTable(answer, name, rows, params, Object.assign({ remote }, opts));
    const tname = opts.words || name;
    const sec = tableSection(answer, name, rows ? rows.length : 0, params, opts);
    if (!rows || rows.length === 0) {
      sec.append(el('p', { class: 'empty', 'data-empty': name, text: t('none') }));
      return sec;
    }
    const cols = opts.cols || Object.keys(rows[0]);
    const tb = el('tbody');
    const trs = rows.map((r) => ({ r, tr: rowOf(cols, r, opts) }));
    let pageNo = 0;
    const pages = Math.ceil(trs.length / PAGE);
    const { pager, prev, next, at } = pagerOf();
    function show() {
      tb.replaceChildren(...trs.map((x) => x.tr));
      trs.forEach((x, i) => { x.tr.hidden = pages > 1 && Math.floor(i / PAGE) !== pageNo; });
      at.textContent = pageAt(pageNo + 1, pages);
      prev.disabled = pageNo === 0;
      next.disabled = pageNo >= pages - 1;
    }
    prev.addEventListener('click', () => { if (pageNo > 0) { pageNo--; show(); } });
    next.addEventListener('click', () => { if (pageNo < pages - 1) { pageNo++; show(); } });
    const ths = cols.map((c) => {
      const b = el('button', { type: 'button', class: 'sort', title: t('sort'), text: label(tname, c) });
      const th = el('th', { scope: 'col', 'data-key': c, 'aria-sort': 'none' }, b);
      b.addEventListener('click', () => {
        const asc = th.getAttribute('aria-sort') !== 'ascending';
        for (const o of thead.querySelectorAll('th')) o.setAttribute('aria-sort', 'none');
        th.setAttribute('aria-sort', asc ? 'ascending' : 'descending');
        trs.sort((x, y) => (asc ? 1 : -1) * cmp(x.r[c], y.r[c]));
        pageNo = 0;
        show();
      });
      return th;
    });
    const thead = el('thead', {}, el('tr', {}, ...ths));
    show();
    sec.append(el('div', { class: 'scroll' },
      el('table', { class: 'list', id: `t-${answer}-${name}`, 'data-answer': answer, 'data-table': name }, thead, tb)));
    if (pages > 1) sec.append(pager);
    return sec;
  }

  // A table too long to hold in the page (opts.remote = {rows, page(n)}):
  // the rows of the page shown are read from the hub as the reader pages,
  // a hub page (HUB_PAGE rows) at a time.  A click on a number column's head
  // has the hub sort the rows (?sort=, ?order=); text is sorted in the Excel
  // file, which the note says (the hub would sort it by character codes,
  // not as the reader expects).
  function remoteTable(answer, name, first, params, opts) {
    const remote = opts.remote;
    const tname = opts.words || name;
    const sec = tableSection(answer, name, remote.rows, params, opts);
    if (!first || !first.length) {
      sec.append(el('p', { class: 'empty', 'data-empty': name, text: t('none') }));
      return sec;
    }
    const cols = opts.cols || Object.keys(first[0]);
    const per = Math.min(PAGE, HUB_PAGE);
    const pages = Math.ceil(remote.rows / per);
    const held = new Map([[1, first]]); // hub pages read, by number (the last few)
    let order = {}; // {sort, order}: the hub's order of the rows
    async function hubPage(n) {
      if (!held.has(n)) {
        const rows = await remote.page(n, order);
        if (held.size >= 4) held.delete([...held.keys()].find((k) => k !== 1));
        held.set(n, rows);
      }
      return held.get(n);
    }
    const tb = el('tbody');
    const { pager, prev, next, at } = pagerOf();
    let pageNo = 0;
    let asked = 0; // the newest request: an older answer is not shown over it
    async function show() {
      const mine = ++asked;
      const from = pageNo * per;
      prev.disabled = next.disabled = true;
      try {
        const rows = [];
        for (let n = Math.floor(from / HUB_PAGE) + 1; rows.length < per && (n - 1) * HUB_PAGE < remote.rows; n++) {
          const got = await hubPage(n);
          const skip = Math.max(0, from - (n - 1) * HUB_PAGE);
          rows.push(...got.slice(skip, skip + per - rows.length));
        }
        if (mine !== asked) return;
        tb.replaceChildren(...rows.map((r) => rowOf(cols, r, opts)));
        at.textContent = pageAt(pageNo + 1, pages);
      } catch (e) {
        if (mine === asked) at.textContent = `${t('failed')}: ${e.message}`;
      }
      prev.disabled = pageNo === 0;
      next.disabled = pageNo >= pages - 1;
    }
    prev.addEventListener('click', () => { if (pageNo > 0) { pageNo--; show(); } });
    next.addEventListener('click', () => { if (pageNo < pages - 1) { pageNo++; show(); } });
    const ths = cols.map((c) => {
      if (typeof first[0][c] !== 'number') return el('th', { scope: 'col', 'data-key': c }, el('span', { text: label(tname, c) }));
      const b = el('button', { type: 'button', class: 'sort', title: t('sort'), text: label(tname, c) });
      const th = el('th', { scope: 'col', 'data-key': c, 'aria-sort': 'none' }, b);
      b.addEventListener('click', () => {
        const asc = th.getAttribute('aria-sort') !== 'ascending';
        for (const o of ths) if (o.hasAttribute('aria-sort')) o.setAttribute('aria-sort', 'none');
        th.setAttribute('aria-sort', asc ? 'ascending' : 'descending');
        order = { sort: c, order: asc ? 'asc' : 'desc' };
        held.clear();
        pageNo = 0;
        show();
      });
      return th;
    });
    sec.append(el('p', { class: 'hint remote', text: t('remote_rows') }));
    sec.append(el('div', { class: 'scroll' },
      el('table', { class: 'list', id: `t-${answer}-${name}`, 'data-answer': answer, 'data-table': name, 'data-remote': '1' },
        el('thead', {}, el('tr', {}, ...ths)), tb)));
    if (pages > 1) sec.append(pager);
    show();
    return sec;
  }

  // An ECharts chart of rows: x from xKey, one series per key in left (on the
  // left axis) and in right (on their own right axis: participants run to
  // thousands where activities count tens).  The same rows are in a table
  // beside it.  No chart for fewer than two points: one bar says nothing.
  function chart(id, rows, xKey, left, right, kind) {
    right = right || [];
    if (!rows || rows.length < 2) return document.createDocumentFragment();
    const keys = left.concat(right);
    const box = el('div', { class: 'chart', id, role: 'img', 'aria-label': keys.map(t).join(', ') });
    if (!window.echarts) return box;
    requestAnimationFrame(() => {
      const c = window.echarts.init(box, null, { locale: lang === 'zh' ? 'ZH' : 'EN', renderer: 'canvas' });
      const yAxis = [{ type: 'value', name: left.map(t).join(' / '), nameTextStyle: { align: 'left' } }];
      if (right.length) yAxis.push({ type: 'value', name: right.map(t).join(' / '), position: 'right', splitLine: { show: false }, nameTextStyle: { align: 'right' } });
      c.setOption({
        animation: false,
        // Drawn on the canvas: the HTML tooltip writes style="" attributes,
        // which the pages' CSP (style-src 'self') rightly drops.
        tooltip: { trigger: 'axis', renderMode: 'richText' },
        legend: { top: 0 },
        grid: { left: 50, right: right.length ? 60 : 20, top: 56, bottom: 50 },
        xAxis: { type: 'category', data: rows.map((r) => r[xKey]), axisLabel: { rotate: rows.length > 8 ? 30 : 0 } },
        yAxis,
        series: left.map((k) => ({ name: t(k), type: kind || 'bar', data: rows.map((r) => r[k]) }))
          .concat(right.map((k) => ({ name: t(k), type: 'line', yAxisIndex: 1, data: rows.map((r) => r[k]) }))),
      });
      window.addEventListener('resize', () => c.resize());
    });
    return box;
  }

  function facts(obj, keys) {
    const dl = el('dl', { class: 'dash-totals' });
    for (const k of keys) {
      dl.append(el('div', { class: 'card' }, el('dt', { text: t(k) }), el('dd', { 'data-key': k, text: shown(k, obj[k]) })));
    }
    return dl;
  }

  function section(id, title) {
    const s = el('section', { class: 'dash-section', id });
    s.append(el('h2', { text: title }));
    return s;
  }

  function fail(target, e) {
    target.append(el('p', { class: 'error', text: `${t('failed')}: ${e.message}` }));
  }

  // ---- the overview ----

  const state = {
    category: new URLSearchParams(location.search).get('category') || '',
    month: new URLSearchParams(location.search).get('month') || '',
    street: new URLSearchParams(location.search).get('street') || '',
    community: new URLSearchParams(location.search).get('community') || '',
  };

  // The rows of the street and community the page shows (all when none).
  const inStreet = (r) => !state.street || r.street === state.street;
  const inPlace = (r) => inStreet(r) && (!state.community || r.community === state.community);

  // The overview's address with some of its state changed (a real link: it
  // can be opened in a new tab, bookmarked and crawled).
  function here(change, hash) {
    const s = Object.assign({}, state, change);
    return `/${query({ category: s.category, month: s.month, street: s.street, community: s.community })}${hash || ''}`;
  }

  // A link that narrows or widens the view in place (to a street, a
  // community, back to all): the figures are read again and the address
  // follows, so that the view can be bookmarked and reloaded.
  let reload = null;
  function stateLink(text, change, hash) {
    const a = el('a', { href: hash, text });
    a.addEventListener('click', (ev) => {
      ev.preventDefault();
      Object.assign(state, change);
      history.replaceState(null, '', here({}, hash));
      if (reload) reload();
    });
    return a;
  }

  // h: the hierarchy; hs and hc: the same narrowed to the street, and to the
  // street and community, shown (h itself unless its tables are read by pages).
  function renderHierarchy(box, h, hs, hc) {
    box.replaceChildren();
    box.append(el('h2', { text: t('hierarchy') }));
    behind(box, h);
    box.append(facts(h.totals, streetView ? ['communities', 'organisations', 'members', 'party_members']
      : ['streets', 'communities', 'organisations', 'members', 'party_members']));
    const p = { category: state.category };
    if (!streetView || state.community) {
      const crumbs = el('p', { class: 'crumbs' });
      crumbs.append(streetView ? stateLink(root.dataset.scope || root.dataset.hub, { community: '' }, '#dash-hierarchy')
        : stateLink(t('district'), { street: '', community: '' }, '#dash-hierarchy'));
      if (state.street && !streetView) crumbs.append(' › ', t('of_street') + state.street);
      if (state.community) crumbs.append(' › ', t('of_community') + state.community);
      box.append(crumbs);
    }
    if (streetView) box.append(chart('chart-hierarchy', hs.communities.filter(inStreet), 'community', ['organisations']));
    else {
      box.append(chart('chart-hierarchy', h.streets, 'street', ['communities', 'organisations']));
      box.append(table('hierarchy', 'streets', h, p, {
        click: { street: (r) => [{ street: r.street, community: '' }, '#dash-hierarchy'] },
      }));
    }
    // A table the page narrows to a street or a community: its CSV and Excel
    // files are narrowed by the hub the same way (?street=, ?community=).
    box.append(table('hierarchy', 'communities', hs, Object.assign({ street: state.street }, p), {
      filter: inStreet,
      click: { community: (r) => [{ street: r.street, community: r.community }, '#dash-hierarchy'] },
    }));
    box.append(table('hierarchy', 'organisations', hc,
      Object.assign({ street: state.street, community: state.community }, p), { orgLink: true, filter: inPlace }));
    // The same organisations by the district's lists: industry and supervising unit.
    box.append(table('hierarchy', 'industries', h, p));
    box.append(table('hierarchy', 'units', h, p));
  }

  // The first screen: how the district (or the street) is doing this month.
  // worst: when the streets' or communities' completeness is read by pages (a
  // city's 5,000 communities), its first page with the most missing first.
  function renderOverview(box, c, a, att, h, worst) {
    box.replaceChildren();
    const scopeName = streetView ? (root.dataset.scope || root.dataset.hub) : t('district');
    box.append(el('h2', { text: `${scopeName} ${c.month} ${t('overview')}` }),
      el('p', { class: 'hint', text: `${t('due')}${t('colon')}${c.due}` }));
    const monthRow = (a.months || []).find((m) => m.month === c.month) || {};
    const attnKeys = ATTN_KEYS;
    const attnTotal = attnKeys.reduce((n, k) => n + rowsIn(att, k), 0);
    const tiles = [
      ['tile_orgs', h.totals.organisations, '#dash-hierarchy', ''],
      ['tile_due', c.totals.expected, '#dash-completeness', ''],
      ['tile_received', c.totals.received, '#dash-completeness', pct(c.totals.received, c.totals.expected)],
      ['tile_on_time', c.totals.on_time, '#dash-completeness', pct(c.totals.on_time, c.totals.expected)],
      ['tile_activities', monthRow.activities || 0, '#dash-activity', ''],
      ['tile_participants', monthRow.participants || 0, '#dash-activity', ''],
      ['tile_attention', attnTotal, '#dash-attention', ''],
    ];
    const dl = el('div', { class: 'dash-tiles' });
    for (const [k, v, href, sub] of tiles) {
      dl.append(el('a', { class: `tile${k === 'tile_attention' && v > 0 ? ' warn' : ''}`, href, 'data-tile': k },
        el('span', { class: 'tile-word', text: t(k) }),
        el('span', { class: 'tile-num', 'data-key': k, text: String(v) }),
        sub ? el('span', { class: 'tile-sub', text: sub }) : null));
    }
    box.append(dl);
    const grid = el('div', { class: 'dash-grid' });
    // Completeness by street (district) or by community (a street's view).
    const unitRows = worst || (streetView ? c.communities : c.streets);
    const units = streetView ? unitRows.map((r) => Object.assign({ unit: r.community }, r))
      : unitRows.map((r) => Object.assign({ unit: r.street }, r));
    const left = el('div', { class: 'dash-bars', id: 'overview-units' },
      el('h3', { text: t(`${streetView ? 'by_community' : 'by_street'}${worst ? '_missing' : ''}`) }));
    const ul = el('ul', {});
    for (const r of units) {
      ul.append(el('li', { 'data-unit': r.unit },
        streetView ? el('a', { href: '#sec-completeness-communities', text: r.unit })
          : stateLink(r.unit, { street: r.street }, '#sec-completeness-communities'),
        el('meter', { min: '0', max: String(Math.max(r.expected, 1)), value: String(r.received), title: pct(r.received, r.expected) }),
        el('span', { class: 'frac', text: `${r.received}/${r.expected}` }),
        el('span', { class: 'pct', text: pct(r.received, r.expected) })));
    }
    left.append(units.length ? ul : el('p', { class: 'empty', text: t('none') }));
    const right = el('div', { class: 'dash-attn', id: 'overview-attention' }, el('h3', { text: t('attention_counts') }));
    const ul2 = el('ul', {});
    for (const k of attnKeys) {
      const n = rowsIn(att, k);
      ul2.append(el('li', { class: n ? 'some' : 'zero', 'data-attn': k },
        el('a', { href: `#sec-attention-${k}`, text: t(k) }), el('span', { class: 'n', text: String(n) })));
    }
    right.append(ul2);
    grid.append(left, right);
    box.append(grid);
  }

  async function overview() {
    root.replaceChildren();
    const bar = el('form', { class: 'dash-filter', id: 'dash-filter' });
    const sel = el('select', { id: 'category', name: 'category', 'aria-label': t('filter') }, el('option', { value: '', text: t('all') }));
    const month = el('input', { id: 'month', name: 'month', type: 'month', value: state.month, 'aria-label': t('month') });
    bar.append(el('label', { for: 'category', text: t('filter') }), sel,
      el('label', { for: 'month', text: t('month') }), month,
      el('button', { type: 'submit', text: t('apply') }));
    bar.addEventListener('submit', (e) => {
      e.preventDefault();
      state.category = sel.value;
      state.month = month.value;
      history.replaceState(null, '', here({}));
      load();
    });
    root.append(bar);
    const first = section('dash-overview', t('overview'));
    first.append(el('p', { class: 'dash-loading', text: t('loading') }));
    root.append(first);
    const nav = el('nav', { class: 'dash-jump' });
    const SECTIONS = ['completeness', 'attention', 'activity', 'hierarchy', 'stations', 'funding'];
    for (const s of SECTIONS) nav.append(el('a', { href: `#dash-${s}`, text: t(s) }));
    root.append(nav);
    const boxes = {};
    for (const s of SECTIONS) {
      boxes[s] = section(`dash-${s}`, t(s));
      boxes[s].append(el('p', { class: 'dash-loading', text: t('loading') }));
      root.append(boxes[s]);
    }

    async function load() {
      const cat = { category: state.category };
      const hier = getAnswer('hierarchy', cat).then(async (h) => {
        // Categories come from the unfiltered list so that the filter can go back.
        if (sel.options.length === 1) {
          for (const c of h.categories) sel.append(el('option', { value: c.category, text: `${c.category} (${c.organisations})` }));
        }
        sel.value = state.category;
        const hs = await narrowedAnswer(h, 'hierarchy', cat, ['communities'], { street: state.street });
        const hc = await narrowedAnswer(h, 'hierarchy', cat, ['organisations'], { street: state.street, community: state.community });
        renderHierarchy(boxes.hierarchy, h, hs, hc);
        return h;
      }).catch((e) => { boxes.hierarchy.replaceChildren(el('h2', { text: t('hierarchy') })); fail(boxes.hierarchy, e); });

      const cp = { category: state.category, month: state.month };
      const comp = getAnswer('completeness', cp).then(async (c) => {
        const b = boxes.completeness;
        b.replaceChildren(el('h2', { text: `${t('completeness')} ${c.month}` }));
        behind(b, c);
        if (!month.value) month.value = c.month;
        b.append(el('p', { class: 'hint', text: `${t('due')}${t('colon')}${c.due}` }));
        b.append(facts(c.totals, ['expected', 'received', 'on_time', 'accepted', 'pending', 'rejected', 'missing']));
        b.append(chart('chart-series', c.series, 'month', ['expected', 'received', 'on_time', 'accepted'], [], 'line'));
        b.append(table('completeness', 'series', c, cp));
        if (!streetView) b.append(table('completeness', 'streets', c, cp));
        const cps = Object.assign({ street: state.street }, cp);
        const cn = await narrowedAnswer(c, 'completeness', cp, ['communities', 'missing'], { street: state.street });
        b.append(table('completeness', 'communities', cn, cps, { filter: inStreet }));
        b.append(table('completeness', 'missing', cn, cps, { title: t('missing_list'), orgLink: true, filter: inStreet }));
        return c;
      }).catch((e) => { boxes.completeness.replaceChildren(el('h2', { text: t('completeness') })); fail(boxes.completeness, e); });

      const ap = Object.assign({ to: state.month }, cat);
      const act = getAnswer('activity', ap).then((a) => {
        const b = boxes.activity;
        const range = Object.assign({ from: a.from, to: a.to }, cat);
        b.replaceChildren(el('h2', { text: `${t('activity')} ${a.from} – ${a.to}` }));
        behind(b, a);
        b.append(facts(a.totals, ['reports', 'activities', 'participants', 'party_participants', 'good_deeds']));
        b.append(chart('chart-activity', a.months, 'month', ['activities', 'good_deeds'], ['participants', 'party_participants']));
        b.append(table('activity', 'months', a, range));
        if (!streetView) b.append(chart('chart-activity-streets', a.streets, 'street', ['activities'], ['participants']));
        b.append(table('activity', 'streets', a, range));
        b.append(table('activity', 'categories', a, range));
        b.append(table('activity', 'industries', a, range));
        b.append(table('activity', 'units', a, range));
        return a;
      }).catch((e) => { boxes.activity.replaceChildren(el('h2', { text: t('activity') })); fail(boxes.activity, e); });

      const att = getAnswer('attention', cat).then((a) => {
        const b = boxes.attention;
        b.replaceChildren(el('h2', { text: t('attention') }));
        behind(b, a);
        // The activities ahead: what, when and where first; the rest in the CSV.
        const cols = { upcoming: ['date', 'title', 'place', 'expected', 'org', 'name', 'community', 'street_ack', 'district_ack'] };
        for (const k of ATTN_KEYS)
          b.append(table('attention', k, a, cat, { orgLink: true, cols: a[k] && a[k].length ? cols[k] : undefined }));
        return a;
      }).catch((e) => { boxes.attention.replaceChildren(el('h2', { text: t('attention') })); fail(boxes.attention, e); });

      // Party-member activity stations (党员活动站): per community, the stations
      // registered and accepted, and the organisations that still need one.
      const stp = getAnswer('stations', cat).then(async (sa) => {
        const b = boxes.stations;
        b.replaceChildren(el('h2', { text: t('stations') }));
        behind(b, sa);
        b.append(facts(sa.totals, ['stations', 'needing']));
        const cats = Object.assign({ street: state.street }, cat);
        const st = await narrowedAnswer(sa, 'stations', cat, ['communities', 'stations', 'needing'], { street: state.street });
        b.append(table('stations', 'communities', st, cats, { filter: inStreet }));
        b.append(table('stations', 'stations', st, cats, {
          orgLink: true,
          filter: inStreet,
          cols: (streetView ? [] : ['street']).concat(['community', 'station', 'id', 'name', 'leader', 'party_members',
            'committee', 'date', 'branch', 'branch_date']),
        }));
        b.append(table('stations', 'needing', st, cats, { orgLink: true, filter: inStreet }));
      }).catch((e) => { boxes.stations.replaceChildren(el('h2', { text: t('stations') })); fail(boxes.stations, e); });

      // Funding (资金扶持) of the year of the month shown, per street or community.
      const fp = Object.assign({ year: (state.month || '').slice(0, 4) }, cat);
      const fup = getAnswer('funding', fp).then((f) => {
        const b = boxes.funding;
        const fq = Object.assign({ year: String(f.year) }, cat);
        b.replaceChildren(el('h2', { text: `${t('funding')} ${f.year}` }));
        behind(b, f);
        b.append(facts(f.totals, ['amount', 'grants']));
        if (!streetView) b.append(table('funding', 'streets', f, fq, { title: t('title.funding_streets') }));
        b.append(table('funding', 'communities', f, fq, { title: t('title.funding_communities') }));
        b.append(table('funding', 'organisations', f, fq, { orgLink: true }));
      }).catch((e) => { boxes.funding.replaceChildren(el('h2', { text: t('funding') })); fail(boxes.funding, e); });

      const [h, c, a, at] = await Promise.all([hier, comp, act, att]);
      if (h && c && a && at) {
        const units = remoteOf(c, streetView ? 'communities' : 'streets');
        const worst = units ? await units.page(1, { sort: 'missing', order: 'desc' }).catch(() => null) : null;
        renderOverview(first, c, a, at, h, worst);
        // the tiles count from these answers: the oldest one given so says when
        const old = [h, c, a, at].filter((x) => x.updating).sort((x, y) => x.as_of_ms - y.as_of_ms)[0];
        behind(first, old);
      }
      else first.replaceChildren(el('h2', { text: t('overview') }), el('p', { class: 'error', text: t('failed') }));
      // Ready means every section has its figures (or its error).
      await Promise.all([stp, fup]);
      if (location.hash) {
        const target = document.getElementById(decodeURIComponent(location.hash.slice(1)));
        if (target) target.scrollIntoView();
      }
      root.dataset.ready = '1';
    }
    reload = load;
    await load();
  }

  // ---- one organisation ----

  // The reports of one organisation as one row per month, in month order:
  // the current report of each month (the newest the organisation wrote),
  // with how many earlier versions it replaced; those go to `history`.
  function foldReports(reports) {
    const byMonth = new Map();
    for (const r of reports || []) {
      if (!byMonth.has(r.month)) byMonth.set(r.month, []);
      byMonth.get(r.month).push(r);
    }
    const current = [];
    const history = [];
    for (const month of [...byMonth.keys()].sort()) {
      const vs = byMonth.get(month);
      const cur = vs[vs.length - 1];
      current.push(Object.assign({}, cur, { versions: vs.length }));
      for (const v of vs.slice(0, -1)) history.push(v);
    }
    return { current, history };
  }

  async function orgPage() {
    const id = root.dataset.org;
    root.replaceChildren(el('p', {}, el('a', { href: '/', text: t('back') })));
    try {
      const o = await getJSON(`/api/v1/dashboard/org/${encodeURIComponent(id)}`);
      const f = o.filing || {};
      root.append(el('h1', { id: 'org-title', text: `${f.name || id}` }));
      behind(root, o);
      // The organisation's archive (records and attached files), printable, and its ZIP.
      root.append(el('p', { class: 'dossier' },
        el('a', { id: 'org-dossier', href: `/dossier/${encodeURIComponent(id)}`, target: '_blank', text: t('dossier') }), ' ',
        el('a', { id: 'org-dossier-zip', href: `/dossier/${encodeURIComponent(id)}/zip`, download: '', text: t('dossier_zip') })));
      // Its attachments, as the archive lists them (what this operator may see).
      const files = o.attachments || [];
      const att = el('section', { class: 'dash-section', id: 'org-attachments' }, el('h2', { text: t('attachments') }));
      if (!files.length) att.append(el('p', { class: 'empty', text: t('att_none') }));
      else {
        const head = el('tr', {}, ...['att_title', 'att_heading', 'att_type', 'att_size', 'att_date', 'att_open']
          .map((k) => el('th', { text: t(k) })));
        const rows = files.map((a) => el('tr', {},
          el('td', { class: 'text', text: a.title }), el('td', { class: 'nw', text: a.heading }),
          el('td', { class: 'nw', text: a.type }), el('td', { class: 'nw', text: a.size_text }),
          el('td', { class: 'nw', text: a.date }),
          el('td', {}, a.held
            ? el('a', { href: `/api/v1/files/${encodeURIComponent(a.hash)}`, target: '_blank', text: t('att_open') })
            : el('span', { class: 'none', text: t('att_not_here') }))));
        att.append(el('table', { class: 'list', id: 'org-attachments-table' }, el('thead', {}, head), el('tbody', {}, ...rows)));
      }
      root.append(att);
      const rc = o.roster_counts || {};
      const dl = facts({
        id: o.id, street: o.street, community: o.community, category: f.category,
        founded_by: f.founded_by, filed: f.filed,
        // once there is a roster, the counts are the roster's
        members: rc.roster ? rc.members : f.members, party_members: rc.roster ? rc.party_members : f.party_members,
        fingerprint: o.fingerprint, status: o.dissolved ? t('dissolved') : t('in_force'),
      }, ['id', 'street', 'community', 'category', 'founded_by', 'filed', 'members', 'party_members', 'fingerprint', 'status']);
      root.append(el('h2', { text: t('filing') }), dl);
      const p = {};
      const answer = `org/${encodeURIComponent(id)}`;
      const { current, history } = foldReports(o.reports);
      root.append(chart('chart-org', current, 'month', ['activities'], ['participants', 'party_participants']));
      // The community that signed is the organisation's own (in the facts above).
      const repCols = ['month', 'activities', 'participants', 'party_participants', 'good_deeds', 'content', 'status', 'time', 'versions'];
      root.append(table(answer, 'reports', current, p, { title: t('current_report'), cols: repCols }));
      if (history.length) {
        const det = el('details', { class: 'history', id: 'org-history' },
          el('summary', { text: `${t('history')} (${history.length})` }),
          table(answer, 'reports', history, p, { title: t('history'), cols: repCols.slice(0, -1) }));
        // The history table is a second view of the same answer table.
        det.querySelector('table').id = `t-${answer}-history`;
        det.querySelector('section').id = `sec-${answer}-history`;
        root.append(det);
      }
      root.append(table(answer, 'amendments', o.amendments, p));
      root.append(table(answer, 'activities', o.activities, p,
        { cols: ['id', 'date', 'title', 'place', 'expected', 'status', 'time', 'received', 'record'] }));
      root.append(table(answer, 'decisions', o.decisions, p));
      // The people: the roster's counts everywhere, its names only at the street.
      const ppl = el('section', { class: 'dash-section', id: 'org-people' }, el('h2', { text: t('roster') }));
      if (!rc.roster) ppl.append(el('p', { class: 'empty', text: t('roster_none') }));
      else ppl.append(facts(Object.assign({ left_count: rc.left }, rc), ['members', 'party_members', 'leaders', 'left_count']));
      if (o.roster) {
        ppl.append(table(answer, 'roster', o.roster, p,
          { cols: ['member', 'name', 'role', 'party_member', 'home_community', 'leader', 'joined', 'left', 'reason', 'current'] }));
      } else if (rc.roster) ppl.append(el('p', { class: 'hint', text: t('roster_sealed') }));
      root.append(ppl);
      root.append(el('h2', { text: t('pledge') }),
        el('p', { id: 'org-pledge', class: o.pledge ? '' : 'empty', text: o.pledge ? o.pledge.pledge : t('none') }));
      if (o.pledge && o.pledge.rules) root.append(el('h3', { text: t('rules') }), el('p', { id: 'org-rules', text: o.pledge.rules }));
      root.append(table(answer, 'feedback', o.feedback, p));
      root.append(table(answer, 'funding', o.funding, p));
      root.append(table(answer, 'records', o.records, p));
    } catch (e) {
      fail(root, e);
    }
    root.dataset.ready = '1';
  }

  (view === 'org' ? orgPage() : overview()).catch((e) => { fail(root, e); root.dataset.ready = '1'; });
})();
