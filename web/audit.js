// Governance audit: findings grouped by rule and severity, from GET /audit (the report of
// audit_report_to_json: {"findings":[{"rule","name","severity","title","message",
// "location":{"product","pointer"},"products":[],"flows":[],"fix"}],"suppressed":[...],
// "summary":{...},"now"}), and the suppressed findings with the suppression that silenced
// them. A registry without the audit endpoint (404) gets a clear message instead.

import { get, ApiError } from './api.js';
import { h, badge, message, section, refLink, link } from './dom.js';

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
  const suppressed = Array.isArray(report.suppressed) ? report.suppressed : [];
  const sum = report.summary || {};
  const body = [h('h1', {}, 'Audit')];
  if (typeof sum.products === 'number') {
    body.push(h('p', { class: 'hint' }, `${sum.products} product${sum.products === 1 ? '' : 's'} in ${sum.domains} domain${sum.domains === 1 ? '' : 's'}, `
      + `${sum.flows} flow${sum.flows === 1 ? '' : 's'} (${sum.syncFlows} synchronous), audited ${report.now || 'today'}. `,
      link('/ui/landscape', 'See them on the landscape.')));
  }
  const counts = {};
  for (const f of findings) counts[f.severity] = (counts[f.severity] || 0) + 1;
  body.push(h('ul', { class: 'totals', 'aria-label': 'Findings by severity' },
    ['error', 'warning', 'info'].map((s) => h('li', {}, h('strong', {}, String(counts[s] || 0)), ` ${s}`))));
  if (!findings.length) {
    body.push(message('empty', 'No findings: the landscape passes every audit rule.'));
    body.push(suppressedSection(suppressed));
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
        where(f),
        (f.products || []).length ? h('p', {}, 'Products: ', (f.products || []).flatMap((p, i) => (i ? [', ', refLink(p)] : [refLink(p)]))) : null,
        (f.flows || []).length ? h('p', {}, 'Flows: ', (f.flows || []).map(flowText).join('; ')) : null,
        f.fix ? h('p', { class: 'fix' }, 'Fix: ', f.fix) : null)))));
  }
  body.push(suppressedSection(suppressed));
  return { title: 'Audit', body };
}

// "In customer/profile-api at /spec/consumes/0", or the landscape-wide location.
function where(f) {
  const loc = f.location || {};
  if (!loc.product) return loc.pointer ? h('p', { class: 'hint' }, 'In the landscape at ', h('code', {}, loc.pointer)) : null;
  return h('p', { class: 'hint' }, 'In ', refLink(loc.product), loc.pointer ? [' at ', h('code', {}, loc.pointer)] : null);
}

function suppressedSection(list) {
  if (!list.length) return null;
  return section(`Suppressed (${list.length})`,
    h('p', { class: 'hint' }, 'Silenced by the registry’s audit settings until the date given; listed so that nothing is hidden.'),
    h('ul', { class: 'findings' }, list.map((f) => {
      const s = f.suppression || {};
      return h('li', {},
        h('p', {}, badge(f.severity || '?', `sev-${f.severity}`), ' ', h('code', {}, f.rule || ''), ' ', f.message || ''),
        h('p', { class: 'hint' }, `Suppressed until ${s.expires || '?'}: ${s.reason || 'no reason given'}`));
    })));
}
