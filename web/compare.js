// Version compare: pick two versions, see the changes with severities, breaking ones first.
// Uses the registry's compatibility engine (GET .../versions/{n}/changes?against={m}) when the
// registry has it; otherwise shows a structural comparison computed in the browser, labelled.

import { get, path, ApiError } from './api.js';
import { h, link, badge, message, section, table, productHref, domainHref } from './dom.js';
import { structuralDiff } from './diff.js';

const RANK = { breaking: 0, error: 0, warning: 1, info: 2 };

function changeList(changes, server) {
  const sorted = [...changes].sort((a, b) => (RANK[a.severity] ?? 3) - (RANK[b.severity] ?? 3));
  const counts = {};
  for (const c of sorted) counts[c.severity] = (counts[c.severity] || 0) + 1;
  const summary = h('ul', { class: 'totals', 'aria-label': 'Changes by severity' },
    ['breaking', 'warning', 'info'].map((s) => h('li', {}, h('strong', {}, String(counts[s] || 0)), ` ${s}`)));
  if (!sorted.length) return [summary, message('empty', 'No changes between these versions.')];
  const headers = server ? ['Severity', 'Rule', 'Change', 'Subject', 'Breaks'] : ['Severity', 'Kind', 'Change', 'Subject'];
  const rows = sorted.map((c) => {
    const row = [badge(c.severity || '?', `sev-${c.severity}`), h('code', {}, server ? c.rule || '' : c.kind),
      c.message || '', c.subject || ''];
    if (server) row.push((c.breaks || []).join(', '));
    return row;
  });
  return [summary, table(null, headers, rows, 'changes')];
}

export async function comparePage({ domain, product }, params) {
  const base = `/domains/${path(domain)}/products/${path(product)}`;
  const [doc, vpage] = await Promise.all([get(base), get(`${base}/versions?limit=500`)]);
  const versions = (vpage.items || []).map((v) => v.version);
  const latest = versions.length ? versions[versions.length - 1] : 0;
  const to = Number(params.get('to') || latest);
  const from = Number(params.get('from') || (to > 1 ? to - 1 : to));
  const title = `Compare versions of ${domain}/${product}`;
  const body = [
    h('p', { class: 'crumbs' }, link('/ui', 'Catalog'), ' / ', link(domainHref(domain), domain), ' / ',
      link(productHref(domain, product), product), ' / compare'),
    h('h1', {}, 'Compare versions ', h('span', { class: 'ref' }, `${domain}/${product}`)),
  ];
  if (versions.length < 2) {
    body.push(message('empty', 'This product has fewer than two versions: there is nothing to compare.'));
    return { title, body };
  }
  const pick = (id, name, value, label) => [h('label', { for: id }, label),
    h('select', { id, name }, versions.map((v) => h('option', { value: String(v), selected: v === value }, `v${v}`)))];
  body.push(h('form', { class: 'inline compare-form', 'data-nav': true, action: location.pathname, method: 'get' },
    ...pick('cmp-from', 'from', from, 'From '), ' ', ...pick('cmp-to', 'to', to, ' to '), ' ',
    h('button', { type: 'submit' }, 'Compare')));
  if (!versions.includes(from) || !versions.includes(to)) {
    throw new ApiError(404, 'Not Found', `product '${domain}/${product}' has no version ${versions.includes(from) ? to : from}`);
  }
  if (from === to) {
    body.push(message('notice', 'Pick two different versions.'));
    return { title, body };
  }
  let changes = null;
  let server = false;
  try {
    const res = await get(`${base}/versions/${to}/changes?against=${from}`);
    changes = Array.isArray(res) ? res : res.changes || [];
    server = true;
  } catch (e) {
    if (!(e instanceof ApiError) || (e.status !== 404 && e.status !== 405)) throw e;
  }
  if (server) {
    body.push(section(`Changes from v${from} to v${to}`,
      h('p', { class: 'hint' }, 'Computed by the registry’s compatibility engine',
        (doc.spec || {}).compatibility ? ` under the product’s mode ${doc.spec.compatibility}` : '', '.'),
      ...changeList(changes, true)));
    return { title, body };
  }
  const [a, b] = await Promise.all([
    get(`${base}/versions/${from}/contract`), get(`${base}/versions/${to}/contract`)]);
  const format = (vpage.items.find((v) => v.version === to) || {}).format || ((doc.spec || {}).contract || {}).format;
  body.push(section(`Changes from v${from} to v${to}`,
    message('notice', 'Structural comparison computed in the browser.',
      'This registry has no compatibility endpoint, so this list compares the two contracts’ operations and fields as written. '
      + 'It is not the registry’s compatibility verdict for the product’s mode.'),
    ...changeList(structuralDiff(format, a, b), false)));
  return { title, body };
}
