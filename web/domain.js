// A domain: its description and owner, its products (a page at a time), the flows out of it
// (what its products consume) and into it (products anywhere consuming one of its products,
// found by the server: GET /products?consumes=<domain>).

import { get, path, query, nextCursor } from './api.js';
import { h, link, badge, message, section, facts, table, productHref, refLink } from './dom.js';

const PAGE = 100;

function flowRows(consumer, flows, keep) {
  return (flows || []).filter(keep).map((f) => [
    refLink(consumer), refLink(f.product), badge(f.pattern || '?', 'pattern'),
    f.consistency || '', f.description || '']);
}

export async function domainPage({ domain }, params) {
  const cursor = params.get('cursor') || '';
  const [doc, products, inbound] = await Promise.all([
    get(`/domains/${path(domain)}`),
    get(`/domains/${path(domain)}/products${query({ limit: PAGE, cursor })}`),
    get(`/products${query({ consumes: domain, limit: PAGE })}`),
  ]);
  const spec = doc.spec || {};
  const items = products.items || [];
  const next = nextCursor(products);
  const body = [
    h('p', { class: 'crumbs' }, link('/ui', 'Catalog'), ' / ', 'domain'),
    h('h1', {}, spec.title || domain, ' ', h('span', { class: 'ref' }, domain)),
    spec.description ? h('p', { class: 'desc' }, spec.description) : null,
    facts([['Owner', spec.owner], ['Contact', spec.contact],
      ['Products', String(doc.status ? doc.status.products : items.length)]]),
  ];
  body.push(section('Products',
    items.length
      ? table(null, ['Product', 'Title', 'Kind', 'Lifecycle', 'Owner', 'Latest'],
        items.map((p) => {
          const m = p.metadata || {};
          return [link(productHref(m.domain, m.name), m.name), m.title || '', (p.spec || {}).type || '',
            badge(m.lifecycle || 'experimental', `life-${m.lifecycle || 'experimental'}`), m.owner || '',
            p.status && p.status.latestVersion ? `v${p.status.latestVersion}` : '—'];
        }))
      : message('empty', 'This domain has no products yet.'),
    next ? h('nav', { class: 'pager', 'aria-label': 'Product pages' },
      link(`/ui/domains/${encodeURIComponent(domain)}${query({ cursor: next })}`, 'More products →')) : null));

  const out = [];
  for (const p of items) {
    const m = p.metadata || {};
    out.push(...flowRows(`${m.domain}/${m.name}`, (p.spec || {}).consumes,
      (f) => !String(f.product).startsWith(`${domain}/`)));
  }
  body.push(section('Flows out',
    h('p', { class: 'hint' }, 'What the products listed above consume from other domains.'),
    out.length ? table(null, ['Consumer', 'Provider', 'Pattern', 'Consistency', 'Description'], out)
      : message('empty', 'No flows out of this domain on this page.')));

  const inRows = [];
  for (const p of inbound.items || []) {
    const m = p.metadata || {};
    if (m.domain === domain) continue;
    inRows.push(...flowRows(`${m.domain}/${m.name}`, (p.spec || {}).consumes,
      (f) => String(f.product).startsWith(`${domain}/`)));
  }
  body.push(section('Flows in',
    h('p', { class: 'hint' }, 'Products of other domains that consume this domain’s products.'),
    inRows.length ? table(null, ['Consumer', 'Provider', 'Pattern', 'Consistency', 'Description'], inRows)
      : message('empty', 'No other domain consumes this domain’s products.'),
    inbound.next ? h('p', { class: 'hint' }, `Showing the first ${PAGE} consuming products.`) : null));
  return { title: spec.title || domain, body };
}
