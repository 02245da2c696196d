// Governance audit: findings grouped by rule and severity, from GET /audit
// ({"findings":[{"rule","severity","title","message","products":[],"flows":[],"fix"}]}).
// A registry without the audit endpoint (404) gets a clear message instead.

import { get, ApiError } from './api.js';
import { h, badge, message, section, refLink } from './dom.js';

const RANK = { error: 0, breaking: 0, warning: 1, info: 2 };

function flowText(f) {
  if (typeof f === 'string') return f;
  if (f && typeof f === 'object') return `${f.consumer || f.from || '?'} → ${f.provider || f.product || f.to || '?'}${f.pattern ? ` (${f.pattern})` : ''}`;
  return String(f);
}

export async function auditPage() {
  let report;
  try {
    report = await get('/audit');
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) {
      return {
        title: 'Audit',
        body: [h('h1', {}, 'Audit'), message('notice', 'Audit not available on this registry.',
          'This drivewayd has no audit endpoint (GET /audit answered 404).')],
      };
    }
    throw e;
  }
  const findings = Array.isArray(report.findings) ? report.findings : [];
  const body = [h('h1', {}, 'Audit')];
  const counts = {};
  for (const f of findings) counts[f.severity] = (counts[f.severity] || 0) + 1;
  body.push(h('ul', { class: 'totals', 'aria-label': 'Findings by severity' },
    ['error', 'warning', 'info'].map((s) => h('li', {}, h('strong', {}, String(counts[s] || 0)), ` ${s}`))));
  if (!findings.length) {
    body.push(message('empty', 'No findings: the landscape passes every audit rule.'));
    return { title: 'Audit', body };
  }
  const groups = new Map();
  for (const f of findings) {
    const key = `${f.rule}\u0000${f.severity}`;
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(f);
  }
  const ordered = [...groups.entries()].sort(([a], [b]) => {
    const [ra, sa] = a.split('\u0000');
    const [rb, sb] = b.split('\u0000');
    return (RANK[sa] ?? 3) - (RANK[sb] ?? 3) || ra.localeCompare(rb);
  });
  for (const [, list] of ordered) {
    const first = list[0];
    body.push(section(`${first.title || first.rule}`,
      h('p', {}, badge(first.severity || '?', `sev-${first.severity}`), ' ', h('code', {}, first.rule || ''),
        ` · ${list.length} finding${list.length === 1 ? '' : 's'}`),
      h('ul', { class: 'findings' }, list.map((f) => h('li', {},
        h('p', {}, f.message || ''),
        (f.products || []).length ? h('p', {}, 'Products: ', (f.products || []).flatMap((p, i) => (i ? [', ', refLink(p)] : [refLink(p)]))) : null,
        (f.flows || []).length ? h('p', {}, 'Flows: ', (f.flows || []).map(flowText).join('; ')) : null,
        f.fix ? h('p', { class: 'fix' }, 'Fix: ', f.fix) : null)))));
  }
  return { title: 'Audit', body };
}
