// Home (counts per domain and kind, recent versions, the search box) and search results.
// Search is the server's: GET /products?q=&kind=&limit=&cursor=, one page at a time.

import { get, query, nextCursor } from './api.js';
import { h, link, badge, message, section, table, when, productHref, domainHref, refLink } from './dom.js';

const KINDS = ['api', 'topic', 'table', 'composite', 'bff', 'snapshot', 'orchestrator', 'esb'];
const PAGE = 25;

function searchForm(q = '', kind = '') {
  return h('form', { class: 'search', role: 'search', action: '/ui/search', method: 'get' },
    h('label', { for: 'search-q' }, 'Search data products'),
    h('div', { class: 'row' },
      h('input', { id: 'search-q', name: 'q', type: 'search', value: q,
        placeholder: 'name, description, tag, owner or contract field', 'aria-describedby': 'search-help' }),
      h('label', { for: 'search-kind', class: 'visually-hidden' }, 'Kind'),
      h('select', { id: 'search-kind', name: 'kind' },
        h('option', { value: '' }, 'any kind'),
        KINDS.map((k) => h('option', { value: k, selected: k === kind }, k))),
      h('button', { type: 'submit' }, 'Search')),
    h('p', { id: 'search-help', class: 'hint' },
      'Matches names, titles, descriptions, tags, owners and the field names of each product’s latest contract.'));
}

export async function homePage() {
  const stats = await get('/stats?recent=10');
  const kinds = Object.entries(stats.kinds || {});
  const body = [
    h('h1', {}, 'Data product catalog'),
    searchForm(),
    h('ul', { class: 'totals', 'aria-label': 'Totals' },
      h('li', {}, h('strong', {}, String(stats.domains)), ' domains'),
      h('li', {}, h('strong', {}, String(stats.products)), ' products'),
      h('li', {}, h('strong', {}, String(stats.versions)), ' contract versions')),
  ];
  body.push(section('Products by kind',
    kinds.length
      ? h('ul', { class: 'tiles' }, kinds.map(([k, n]) =>
        h('li', {}, link(`/ui/search${query({ kind: k })}`, h('span', { class: 'tile-n' }, String(n)), ' ', k))))
      : message('empty', 'No products registered yet.')));
  const domains = stats.byDomain || [];
  body.push(section('Domains',
    domains.length
      ? table(null, ['Domain', 'Title', 'Products'],
        domains.map((d) => [link(domainHref(d.name), d.name), d.title || '', String(d.products)]))
      : message('empty', 'No domains registered yet.')));
  const recent = stats.recent || [];
  body.push(section('Recently registered versions',
    recent.length
      ? table(null, ['Product', 'Version', 'Format', 'Registered', 'By'],
        recent.map((v) => {
          const [d, p] = v.product.split('/');
          return [refLink(v.product), link(productHref(d, p, `?version=${v.version}`), `v${v.version}`),
            v.format, when(v.createdAt), v.createdBy];
        }))
      : message('empty', 'No contract versions registered yet.')));
  return { title: 'Catalog', body };
}

function productRow(p) {
  const m = p.metadata || {};
  const s = p.spec || {};
  return h('li', { class: 'result' },
    h('h3', {}, link(productHref(m.domain, m.name), m.title || m.name)),
    h('p', { class: 'ref' }, `${m.domain}/${m.name}`, ' ', badge(s.type || '?', 'kind'), ' ',
      badge(m.lifecycle || 'experimental', `life-${m.lifecycle || 'experimental'}`)),
    m.description ? h('p', { class: 'desc' }, m.description.length > 300 ? `${m.description.slice(0, 300)}…` : m.description) : null,
    h('p', { class: 'meta' }, 'Owner ', h('strong', {}, m.owner || ''),
      (m.tags || []).length ? [' · tags ', (m.tags || []).join(', ')] : null,
      p.status && p.status.latestVersion ? ` · latest v${p.status.latestVersion}` : ' · no contract yet'));
}

export async function searchPage(_args, params) {
  const q = params.get('q') || '';
  const kind = params.get('kind') || '';
  const cursor = params.get('cursor') || '';
  const page = await get(`/products${query({ q, kind, limit: PAGE, cursor })}`);
  const items = page.items || [];
  const next = nextCursor(page);
  const what = q ? `“${q}”` : 'all products';
  const body = [h('h1', {}, 'Search'), searchForm(q, kind)];
  const results = h('section', { 'aria-labelledby': 'results-h' },
    h('h2', { id: 'results-h' }, `Results for ${what}${kind ? ` (${kind})` : ''}${cursor ? ' (continued)' : ''}`));
  if (!items.length) {
    results.append(message('empty', cursor ? 'No more products.' : 'No product matches.',
      'Try fewer letters, another word, or any kind.'));
  } else {
    results.append(h('ol', { class: 'results' }, items.map(productRow)));
  }
  const nav = h('nav', { class: 'pager', 'aria-label': 'Result pages' });
  if (cursor) nav.append(h('button', { type: 'button', onclick: () => history.back() }, '← Previous page'));
  if (next) nav.append(link(`/ui/search${query({ q, kind, cursor: next })}`, 'Next page →'));
  results.append(nav);
  body.push(results);
  return { title: q ? `Search: ${q}` : 'Search', body };
}
