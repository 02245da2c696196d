// A product: owner, lifecycle, SLA, endpoints, compatibility, versions, its contract (for
// reading and as raw text), who consumes it (GET /products?consumes=d/p) and what it consumes.

import { get, path, query, ApiError } from './api.js';
import { h, link, badge, message, section, facts, table, when, copyButton, productHref, domainHref, refLink } from './dom.js';
import { renderContract } from './contract.js';

export function flowTable(rows) {
  return table(null, ['Consumer', 'Provider', 'Pattern', 'Consistency', 'Latency budget', 'Interaction', 'Uses', 'Description'],
    rows.map(({ consumer, f }) => [refLink(consumer), refLink(f.product), badge(f.pattern || '?', 'pattern'),
      f.consistency || '', f.latencyBudgetMs !== undefined ? `${f.latencyBudgetMs} ms` : '',
      f.interaction || '', (f.uses || []).join(', '), f.description || '']));
}

function slaFacts(sla) {
  if (!sla) return null;
  return facts([
    ['Availability', sla.availability !== undefined ? `${sla.availability} %` : ''],
    ['Latency p99', sla.latencyP99Ms !== undefined ? `${sla.latencyP99Ms} ms` : ''],
    ['Freshness', sla.freshness], ['Retention', sla.retention], ['Support hours', sla.supportHours]]);
}

async function contractSection(base, format, versions, shown) {
  const text = await get(`${base}/versions/${shown}/contract`, 'text');
  let doc = null;
  let parseError = '';
  try {
    doc = JSON.parse(text);
  } catch (e) {
    parseError = e.message;
  }
  const picker = h('form', { class: 'inline', 'data-nav': true, action: location.pathname, method: 'get' },
    h('label', { for: 'version-pick' }, 'Version '),
    h('select', { id: 'version-pick', name: 'version' },
      [...versions].reverse().map((v) => h('option', { value: String(v.version), selected: v.version === shown },
        `v${v.version}`))),
    h('button', { type: 'submit' }, 'Show'));
  const raw = h('pre', { class: 'raw', tabindex: '0', 'aria-label': 'Contract text' }, h('code', {}, text));
  return section(`Contract (v${shown}, ${format})`,
    picker,
    h('details', { class: 'view', open: true },
      h('summary', {}, 'Reading view'),
      doc !== null ? renderContract(format, doc) : message('error', 'The contract text is not JSON.', parseError)),
    h('details', { class: 'view' },
      h('summary', {}, 'Raw text'),
      h('p', {}, copyButton(() => text, 'Copy contract')),
      raw));
}

export async function productPage({ domain, product }, params) {
  const base = `/domains/${path(domain)}/products/${path(product)}`;
  const [doc, vpage, consumers] = await Promise.all([
    get(base),
    get(`${base}/versions?limit=500`),
    get(`/products${query({ consumes: `${domain}/${product}`, limit: 100 })}`),
  ]);
  const m = doc.metadata || {};
  const s = doc.spec || {};
  const st = doc.status || {};
  const versions = vpage.items || [];
  const latest = st.latestVersion || (versions.length ? versions[versions.length - 1].version : null);
  let shown = latest;
  const asked = params.get('version');
  if (asked !== null) {
    shown = Number(asked);
    if (!Number.isInteger(shown) || shown < 1) throw new ApiError(404, 'Not Found', `version '${asked}' of product '${domain}/${product}' not found`);
  }

  const body = [
    h('p', { class: 'crumbs' }, link('/ui', 'Catalog'), ' / ', link(domainHref(domain), domain), ' / ', product),
    h('h1', {}, m.title || product, ' ', h('span', { class: 'ref' }, `${domain}/${product}`)),
    h('p', {}, badge(s.type || '?', 'kind'), ' ', badge(m.lifecycle || 'experimental', `life-${m.lifecycle || 'experimental'}`),
      m.lifecycle === 'deprecated' ? h('span', { class: 'warn' }, ' This product is deprecated: plan a move away from it.') : null),
    m.description ? h('p', { class: 'desc' }, m.description) : null,
    facts([['Owner', m.owner], ['Domain', link(domainHref(domain), domain)], ['Lifecycle', m.lifecycle || 'experimental'],
      ['Kind', s.type], ['Compatibility mode', s.compatibility || 'none declared'],
      ['Contract format', s.contract && s.contract.format], ['Topic', s.topic],
      ['Tags', (m.tags || []).join(', ')],
      ['Backends', (s.backends || []).length ? (s.backends || []).flatMap((b, i) => (i ? [', ', refLink(b)] : [refLink(b)])) : ''],
      ['Updated', when(st.updatedAt)]]),
  ];
  if (s.sla) body.push(section('Service level', slaFacts(s.sla)));
  body.push(section('Endpoints',
    (s.endpoints || []).length
      ? table(null, ['Environment', 'URL', 'Protocol', 'Description'],
        s.endpoints.map((e) => [e.environment, h('code', {}, e.url), e.protocol || '', e.description || '']))
      : message('empty', 'No endpoints declared.')));

  body.push(section('Versions',
    versions.length
      ? table(null, ['Version', 'Registered', 'By', 'Fingerprint', 'Compare'],
        [...versions].reverse().map((v) => [
          link(productHref(domain, product, `?version=${v.version}`), `v${v.version}`),
          when(v.createdAt), v.createdBy || '', h('code', { title: v.fingerprint }, String(v.fingerprint || '').slice(7, 19)),
          v.version > 1 ? link(productHref(domain, product, `/compare?from=${v.version - 1}&to=${v.version}`), `v${v.version - 1} → v${v.version}`) : '—']))
      : message('empty', 'No contract registered yet.'),
    versions.length > 1 ? h('p', {}, link(productHref(domain, product, '/compare'), 'Compare two versions…')) : null,
    vpage.next ? h('p', { class: 'hint' }, 'Showing the first 500 versions.') : null));

  if (shown) {
    body.push(await contractSection(base, (s.contract && s.contract.format) || (versions[0] && versions[0].format) || '', versions, shown));
  }

  const rows = [];
  for (const c of consumers.items || []) {
    const cm = c.metadata || {};
    for (const f of (c.spec || {}).consumes || []) {
      if (f.product === `${domain}/${product}`) rows.push({ consumer: `${cm.domain}/${cm.name}`, f });
    }
  }
  body.push(section('Consumers',
    rows.length ? flowTable(rows) : message('empty', 'No registered product consumes this one.'),
    consumers.next ? h('p', { class: 'hint' }, 'Showing the first 100 consumers.') : null));
  const own = (s.consumes || []).map((f) => ({ consumer: `${domain}/${product}`, f }));
  body.push(section('Consumes',
    own.length ? flowTable(own) : message('empty', 'This product consumes no other product.')));
  return { title: m.title || `${domain}/${product}`, body };
}
