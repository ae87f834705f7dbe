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

  const WORDS = {
    zh: {
      hierarchy: '组织架构', completeness: '月报完成情况', activity: '活动情况', attention: '需要关注',
      district: '全区', street: '街道', streets: '街道', community: '社区', communities: '社区',
      code: '社区代码', organisations: '组织数', members: '成员数', party_members: '党员数',
      id: '备案编号', name: '名称', category: '类别', founded_by: '成立方式', filed: '备案日期',
      expected: '应报', received: '已报', on_time: '按时', accepted: '已通过', pending: '待审核',
      refused: '不合规则未采用', superseded: '已被更正',
      rejected: '已退回', missing: '未报', month: '月份', reports: '月报数', activities: '活动次数',
      participants: '参加人次', party_participants: '党员参加人次', good_deeds: '好人好事',
      last_active: '最近活动月份', record: '记录编号', deadline: '整改期限', by: '决定层级',
      reason: '理由', date: '日期', title: '标题', place: '地点', street_ack: '街道确认',
      district_ack: '区确认', last_heard: '最近联系', days: '天数', kind: '类型', time: '填报时间',
      status: '状态', signed_by: '签名社区', fingerprint: '社区密钥指纹', changes: '变更内容',
      content: '活动内容', result: '结果', operator: '操作员', closed: '已结案', org: '组织',
      series: '近12个月', missing_list: '本月未报清单', months: '按月', categories: '按类别',
      names: '名称不规范', party_station: '三名以上党员未设立党员活动站', inactive: '连续三个月以上无活动',
      criticism_overdue: '批评整改逾期', upcoming: '未来30天重大活动', silent: '7天未联系的社区',
      records: '全部记录', amendments: '变更与解散', decisions: '决定', filing: '备案信息',
      all: '全部类别', filter: '按类别筛选', csv: '导出CSV', chart: '图表', table: '表格',
      loading: '正在读取数据……', failed: '读取失败', none: '无', back: '返回总览',
      due: '截止日期', scope: '范围', totals: '合计', show_all: '显示全部', of_street: '街道：',
      of_community: '社区：', apply: '查看', from: '自', to: '至', dissolved: '已解散',
      waiting: '待确认', acknowledged: '已确认', returned: '已退回', self: '自发成立',
      'district-unit': '区属单位设立', true: '是', false: '否', open: '打开',
      key: '社区密钥', level_street: '街道', level_district: '区',
      seq_before: '第', seq_after: '条', 'org.filed': '组织备案', 'org.amended': '组织变更',
      'org.dissolved': '组织解散', 'report.monthly': '月报', 'activity.declared': '重大活动汇报',
      'rectification.filed': '整改报告', commend: '表彰', criticize: '批评', inspect: '检查',
      revoke: '撤销备案', notice: '通知', pass: '合格', rectify: '限期整改', fail: '不合格',
    },
    en: {
      hierarchy: 'Organisations', completeness: 'Monthly reporting', activity: 'Activity',
      attention: 'Attention list', district: 'District', street: 'Street', streets: 'Streets',
      community: 'Community', communities: 'Communities', code: 'Code',
      organisations: 'Organisations', members: 'Members', party_members: 'Party members',
      id: 'Filing no.', name: 'Name', category: 'Category', founded_by: 'Founded by',
      filed: 'Filed', expected: 'Expected', received: 'Received', on_time: 'On time',
      refused: 'Refused (breaks the rules)', superseded: 'Superseded by a correction',
      accepted: 'Accepted', pending: 'Pending review', rejected: 'Rejected', missing: 'Missing',
      month: 'Month', reports: 'Reports', activities: 'Activities', participants: 'Participants',
      party_participants: 'Party participants', good_deeds: 'Good deeds',
      last_active: 'Last active month', record: 'Record', deadline: 'Deadline', by: 'Level',
      reason: 'Reason', date: 'Date', title: 'Title', place: 'Place', street_ack: 'Street ack.',
      district_ack: 'District ack.', last_heard: 'Last heard from', days: 'Days', kind: 'Kind',
      time: 'Written', status: 'Status', signed_by: 'Signed by', fingerprint: 'Key fingerprint',
      changes: 'Changes', content: 'Content', result: 'Result', operator: 'Operator',
      closed: 'Closed', org: 'Organisation', series: 'Last 12 months',
      missing_list: 'Missing this month', months: 'By month', categories: 'By category',
      names: 'Non-conforming names', party_station: '3+ party members without a station',
      inactive: 'Inactive for 3 months or more', criticism_overdue: 'Criticism past deadline',
      upcoming: 'Major activities in the next 30 days', silent: 'Not heard from in 7 days',
      records: 'All records', amendments: 'Amendments and dissolution', decisions: 'Decisions',
      filing: 'Filing', all: 'All categories', filter: 'Category', csv: 'CSV',
      chart: 'Chart', table: 'Table', loading: 'Loading the figures...', failed: 'Could not load',
      none: 'None', back: 'Back to the dashboard', due: 'Due', scope: 'Scope', totals: 'Totals',
      show_all: 'Show all', of_street: 'Street: ', of_community: 'Community: ', apply: 'Show',
      from: 'From', to: 'to', dissolved: 'Dissolved', waiting: 'waiting',
      acknowledged: 'acknowledged', returned: 'returned', self: 'self-organised',
      'district-unit': 'district unit', true: 'yes', false: 'no', open: 'open',
      key: 'Community key', level_street: 'street', level_district: 'district',
      seq_before: 'no. ', seq_after: '', 'org.filed': 'filing', 'org.amended': 'amendment',
      'org.dissolved': 'dissolution', 'report.monthly': 'monthly report',
      'activity.declared': 'major activity', 'rectification.filed': 'rectification',
      commend: 'commendation', criticize: 'criticism', inspect: 'inspection', revoke: 'revocation',
      notice: 'notice', pass: 'pass', rectify: 'rectify', fail: 'fail',
    },
  };
  const W = WORDS[lang];
  const t = (k) => (Object.prototype.hasOwnProperty.call(W, k) ? W[k] : k);

  // Style sheet of the dashboard (CSP allows only files from this hub).
  const css = document.createElement('link');
  css.rel = 'stylesheet';
  css.href = '/dashboard/dashboard.css';
  document.head.appendChild(css);

  function el(tag, attrs, ...kids) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === 'class') e.className = v;
      else if (k.startsWith('data-')) e.setAttribute(k, v);
      else if (k === 'text') e.textContent = v;
      else e.setAttribute(k, v);
    }
    for (const kid of kids) if (kid !== null && kid !== undefined) e.append(kid);
    return e;
  }

  async function getJSON(path) {
    const r = await fetch(path, { credentials: 'same-origin', headers: { Accept: 'application/json' } });
    if (!r.ok) {
      let msg = String(r.status);
      try { msg = (await r.json()).message || msg; } catch (e) { /* not JSON */ }
      throw new Error(msg);
    }
    return r.json();
  }

  function query(params) {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) if (v) q.set(k, v);
    const s = q.toString();
    return s ? `?${s}` : '';
  }

  // A value as the page shows it; numbers stay digits so tests and screen
  // readers read the same figure the API gave.
  // Machine values become words: a record "KEY/SEQ" the short reference
  // "社区 第SEQ条", an ISO time "2026-12-03 23:40", enum keys their word.
  function shown(key, v, row) {
    if (v === null || v === undefined) return '';
    if (typeof v === 'boolean') return t(String(v));
    if (['founded_by', 'street_ack', 'district_ack', 'by', 'status', 'kind', 'result'].includes(key) && W[v]) return W[v];
    const s = String(v);
    const rec = /^[0-9a-f]{64}\/(\d+)$/.exec(s);
    if (rec) return `${(row && (row.signed_by || row.community)) || ''} ${t('seq_before')}${rec[1]}${t('seq_after')}`.trim();
    const iso = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})/.exec(s);
    if (iso) return `${iso[1]} ${iso[2]}`;
    return s;
  }

  // A table of rows (flat objects) with a heading, a CSV link and an optional
  // click handler per row.  Each cell carries data-key for readers.
  function table(answer, name, rows, params, opts) {
    opts = opts || {};
    const sec = el('section', { class: 'dash-table', id: `sec-${answer}-${name}` });
    const head = el('div', { class: 'dash-table-head' },
      el('h3', { text: opts.title || t(name) }),
      el('a', { class: 'csv', href: `/api/v1/dashboard/${answer}.csv${query(Object.assign({}, params, { table: name }))}`,
        download: `${answer}-${name}.csv`, text: t('csv') }));
    sec.append(head);
    if (!rows || rows.length === 0) {
      sec.append(el('p', { class: 'empty', 'data-empty': name, text: t('none') }));
      return sec;
    }
    const cols = opts.cols || Object.keys(rows[0]);
    const tb = el('tbody');
    for (const r of rows) {
      const tr = el('tr');
      for (const c of cols) {
        const v = r[c];
        const td = el('td', { 'data-key': c, class: typeof v === 'number' ? 'num' : '' });
        if (c === 'id' && opts.orgLink) td.append(el('a', { href: `/dashboard/org/${encodeURIComponent(v)}`, text: v }));
        else if (c === 'org' && opts.orgLink && v) td.append(el('a', { href: `/dashboard/org/${encodeURIComponent(v)}`, text: v }));
        else if (opts.click && opts.click[c]) {
          const a = el('a', { href: '#', text: shown(c, v, r) });
          a.addEventListener('click', (ev) => { ev.preventDefault(); opts.click[c](r); });
          td.append(a);
        } else td.textContent = shown(c, v, r);
        tr.append(td);
      }
      tb.append(tr);
    }
    const thead = el('thead', {}, el('tr', {}, ...cols.map((c) => el('th', { scope: 'col', 'data-key': c, text: t(c) }))));
    sec.append(el('div', { class: 'scroll' },
      el('table', { class: 'list', id: `t-${answer}-${name}`, 'data-answer': answer, 'data-table': name }, thead, tb)));
    return sec;
  }

  // An ECharts chart of rows: x from xKey, one series per key in keys.  The
  // same rows are in the table beside it.
  function chart(id, rows, xKey, keys, kind) {
    const box = el('div', { class: 'chart', id, role: 'img', 'aria-label': keys.map(t).join(', ') });
    if (!window.echarts || !rows || rows.length === 0) return box;
    requestAnimationFrame(() => {
      const c = window.echarts.init(box, null, { locale: lang === 'zh' ? 'ZH' : 'EN', renderer: 'canvas' });
      c.setOption({
        animation: false,
        // Drawn on the canvas: the HTML tooltip writes style="" attributes,
        // which the pages' CSP (style-src 'self') rightly drops.
        tooltip: { trigger: 'axis', renderMode: 'richText' },
        legend: { top: 0 },
        grid: { left: 50, right: 20, top: 36, bottom: 50 },
        xAxis: { type: 'category', data: rows.map((r) => r[xKey]), axisLabel: { rotate: rows.length > 8 ? 30 : 0 } },
        yAxis: { type: 'value' },
        series: keys.map((k) => ({ name: t(k), type: kind || 'bar', data: rows.map((r) => r[k]) })),
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

  function setURL() {
    const q = query({ category: state.category, month: state.month, street: state.street, community: state.community });
    history.replaceState(null, '', location.pathname + q);
  }

  function renderHierarchy(box, h) {
    box.replaceChildren();
    box.append(el('h2', { text: t('hierarchy') }));
    box.append(facts(h.totals, ['streets', 'communities', 'organisations', 'members', 'party_members']));
    const p = { category: state.category };
    const crumbs = el('p', { class: 'crumbs' });
    const all = el('a', { href: '#', text: t('district') });
    all.addEventListener('click', (e) => { e.preventDefault(); state.street = ''; state.community = ''; setURL(); renderHierarchy(box, h); });
    crumbs.append(all);
    if (state.street) crumbs.append(' › ', t('of_street') + state.street);
    if (state.community) crumbs.append(' › ', t('of_community') + state.community);
    box.append(crumbs);
    box.append(chart('chart-hierarchy', h.streets, 'street', ['communities', 'organisations']));
    box.append(table('hierarchy', 'streets', h.streets, p, {
      click: { street: (r) => { state.street = r.street; state.community = ''; setURL(); renderHierarchy(box, h); } },
    }));
    const comms = h.communities.filter((c) => !state.street || c.street === state.street);
    box.append(table('hierarchy', 'communities', comms, p, {
      click: { community: (r) => { state.street = r.street; state.community = r.community; setURL(); renderHierarchy(box, h); } },
    }));
    const orgs = h.organisations.filter((o) => (!state.street || o.street === state.street) &&
      (!state.community || o.community === state.community));
    box.append(table('hierarchy', 'organisations', orgs, p, { orgLink: true }));
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
      setURL();
      load();
    });
    root.append(bar);
    const nav = el('nav', { class: 'dash-jump' });
    for (const s of ['completeness', 'attention', 'activity', 'hierarchy']) nav.append(el('a', { href: `#dash-${s}`, text: t(s) }));
    root.append(nav);
    const boxes = {};
    for (const s of ['completeness', 'attention', 'activity', 'hierarchy']) {
      boxes[s] = section(`dash-${s}`, t(s));
      boxes[s].append(el('p', { class: 'dash-loading', text: t('loading') }));
      root.append(boxes[s]);
    }

    async function load() {
      const cat = { category: state.category };
      const hier = getJSON(`/api/v1/dashboard/hierarchy${query(cat)}`).then((h) => {
        // Categories come from the unfiltered list so that the filter can go back.
        if (sel.options.length === 1) {
          for (const c of h.categories) sel.append(el('option', { value: c.category, text: `${c.category} (${c.organisations})` }));
        }
        sel.value = state.category;
        renderHierarchy(boxes.hierarchy, h);
      }).catch((e) => { boxes.hierarchy.replaceChildren(el('h2', { text: t('hierarchy') })); fail(boxes.hierarchy, e); });

      const cp = { category: state.category, month: state.month };
      const comp = getJSON(`/api/v1/dashboard/completeness${query(cp)}`).then((c) => {
        const b = boxes.completeness;
        b.replaceChildren(el('h2', { text: `${t('completeness')} ${c.month}` }));
        if (!month.value) month.value = c.month;
        b.append(el('p', { class: 'hint', text: `${t('due')}: ${c.due}` }));
        b.append(facts(c.totals, ['expected', 'received', 'on_time', 'accepted', 'pending', 'rejected', 'missing']));
        b.append(chart('chart-series', c.series, 'month', ['expected', 'received', 'on_time', 'accepted'], 'line'));
        b.append(table('completeness', 'series', c.series, cp));
        b.append(table('completeness', 'streets', c.streets, cp));
        b.append(table('completeness', 'communities', c.communities, cp));
        b.append(table('completeness', 'missing', c.missing, cp, { title: t('missing_list'), orgLink: true }));
      }).catch((e) => { boxes.completeness.replaceChildren(el('h2', { text: t('completeness') })); fail(boxes.completeness, e); });

      const act = getJSON(`/api/v1/dashboard/activity${query(cat)}`).then((a) => {
        const b = boxes.activity;
        b.replaceChildren(el('h2', { text: `${t('activity')} ${a.from} – ${a.to}` }));
        b.append(facts(a.totals, ['reports', 'activities', 'participants', 'party_participants', 'good_deeds']));
        b.append(chart('chart-activity', a.months, 'month', ['activities', 'participants', 'party_participants', 'good_deeds']));
        b.append(table('activity', 'months', a.months, Object.assign({ from: a.from, to: a.to }, cat)));
        b.append(chart('chart-activity-streets', a.streets, 'street', ['activities', 'participants']));
        b.append(table('activity', 'streets', a.streets, Object.assign({ from: a.from, to: a.to }, cat)));
        b.append(table('activity', 'categories', a.categories, Object.assign({ from: a.from, to: a.to }, cat)));
      }).catch((e) => { boxes.activity.replaceChildren(el('h2', { text: t('activity') })); fail(boxes.activity, e); });

      const att = getJSON(`/api/v1/dashboard/attention${query(cat)}`).then((a) => {
        const b = boxes.attention;
        b.replaceChildren(el('h2', { text: t('attention') }));
        for (const k of ['upcoming', 'criticism_overdue', 'silent', 'inactive', 'names', 'party_station'])
          b.append(table('attention', k, a[k], cat, { orgLink: true }));
      }).catch((e) => { boxes.attention.replaceChildren(el('h2', { text: t('attention') })); fail(boxes.attention, e); });

      await Promise.all([hier, comp, act, att]);
      root.dataset.ready = '1';
    }
    await load();
  }

  // ---- one organisation ----

  async function orgPage() {
    const id = root.dataset.org;
    root.replaceChildren(el('p', {}, el('a', { href: '/', text: t('back') })));
    try {
      const o = await getJSON(`/api/v1/dashboard/org/${encodeURIComponent(id)}`);
      const f = o.filing || {};
      root.append(el('h1', { id: 'org-title', text: `${f.name || id}` }));
      const dl = facts({
        id: o.id, street: o.street, community: o.community, category: f.category,
        founded_by: f.founded_by, filed: f.filed, members: f.members, party_members: f.party_members,
        fingerprint: o.fingerprint, status: o.dissolved ? t('dissolved') : '',
      }, ['id', 'street', 'community', 'category', 'founded_by', 'filed', 'members', 'party_members', 'fingerprint', 'status']);
      root.append(el('h2', { text: t('filing') }), dl);
      const p = {};
      const orgTable = (name, rows) => {
        const s = table(`org/${encodeURIComponent(id)}`, name, rows, p);
        return s;
      };
      root.append(chart('chart-org', o.reports, 'month', ['activities', 'participants', 'party_participants']));
      root.append(orgTable('reports', o.reports));
      root.append(orgTable('amendments', o.amendments));
      root.append(orgTable('activities', o.activities));
      root.append(orgTable('decisions', o.decisions));
      root.append(orgTable('records', o.records));
    } catch (e) {
      fail(root, e);
    }
    root.dataset.ready = '1';
  }

  (view === 'org' ? orgPage() : overview()).catch((e) => { fail(root, e); root.dataset.ready = '1'; });
})();
