// The landscape: the registry's own picture of it, GET /graph.svg (laid out by Graphviz on the
// server: domains as clusters, products as nodes, flows as edges styled by pattern, audit
// findings marked), inlined so that its links navigate inside the catalog, and the flows as a
// table. The SVG is parsed with DOMParser and only SVG elements and presentation attributes
// are kept: no script, no event handler, no link outside /ui. Large catalogs: the server draws
// at most 1500 products (422 beyond, then the page asks for a domain); the flows table reads
// products a page of 500 at a time up to MAX_PRODUCTS. ?domain= draws one domain with its
// providers and consumers.

import { get, query, nextCursor, ApiError } from './api.js';
import { h, svg, link, message, section, table, refLink, badge } from './dom.js';

const MAX_PRODUCTS = 2000;
const SVG_NS = 'http://www.w3.org/2000/svg';
const XLINK_NS = 'http://www.w3.org/1999/xlink';

// The edge styles of validators/graph.c, for the legend.
export const PATTERN_STYLE = {
  sync: { patterns: ['rest-api', 'soa', 'composite', 'bff'], color: '#1f5fbf', dash: '', width: '1.6', label: 'request/response' },
  async: { patterns: ['message-queue', 'event-broker', 'event-stream', 'cep', 'queue-load-leveling', 'cqrs'], color: '#2e7d32', dash: '7 4', width: '1.6', label: 'messaging and events' },
  bulk: { patterns: ['batch', 'cdc'], color: '#8a5a00', dash: '2 4', width: '1.6', label: 'batch and change data capture' },
  p2p: { patterns: ['point-to-point'], color: '#d50000', dash: '', width: '3', label: 'point-to-point (exception)' },
  backend: { patterns: ['a composite\'s backends'], color: '#8a8f98', dash: '2 4', width: '1.2', label: 'aggregates' },
};

const DROP = new Set(['script', 'foreignObject', 'iframe', 'object', 'embed', 'image', 'use', 'animate', 'set', 'animateMotion', 'animateTransform', 'style']);

// Keeps el's SVG elements and safe attributes; a link stays only when it points into /ui, and
// becomes one the catalog's router follows.
function clean(el) {
  for (const child of [...el.children]) {
    if (child.namespaceURI !== SVG_NS || DROP.has(child.localName)) child.remove();
    else clean(child);
  }
  for (const attr of [...el.attributes]) {
    const name = attr.name.toLowerCase();
    if (name.startsWith('on') || name === 'style' || (name.endsWith('href') && el.localName !== 'a')) el.removeAttributeNode(attr);
  }
  if (el.localName === 'a') {
    const href = el.getAttributeNS(XLINK_NS, 'href') || el.getAttribute('href') || '';
    const title = el.getAttributeNS(XLINK_NS, 'title');
    el.removeAttributeNS(XLINK_NS, 'href');
    el.removeAttribute('href');
    el.removeAttribute('target');
    if (/^\/ui\/[a-z0-9/-]*$/.test(href)) {
      el.setAttribute('href', href);
      el.setAttribute('data-nav', '');
      if (title) el.setAttribute('aria-label', title.split('\n')[0]);
    }
  }
}

// The server's picture as an inline <svg class="landscape">, or null when it holds none.
export function landscapeSvg(text) {
  const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
  const root = doc.documentElement;
  if (!root || root.namespaceURI !== SVG_NS || root.localName !== 'svg' || doc.getElementsByTagName('parsererror').length) return null;
  clean(root);
  const out = document.importNode(root, true);
  // Graphviz sizes the picture in points; it is shown fitted to the page width (never larger
  // than its natural size), the width it gets through the CSSOM, which the CSP allows.
  const pt = (v) => (/^[0-9.]+pt$/.test(v || '') ? (parseFloat(v) * 4) / 3 : 0);
  const natural = pt(out.getAttribute('width'));
  out.removeAttribute('width');
  out.removeAttribute('height');
  if (natural) out.style.maxWidth = `${Math.ceil(natural)}px`;
  out.dataset.naturalWidth = String(Math.ceil(natural));
  out.setAttribute('class', 'landscape');
  out.setAttribute('role', 'group');
  for (const a of out.querySelectorAll('g.node > g > a[href], g.node > a[href]')) a.classList.add('node-link');
  return out;
}

async function loadAll(url) {
  const items = [];
  let cursor = '';
  let truncated = false;
  for (;;) {
    const page = await get(url + (url.includes('?') ? '&' : '?') + query({ limit: 500, cursor }).slice(1));
    items.push(...(page.items || []));
    cursor = nextCursor(page);
    if (!cursor) break;
    if (items.length >= MAX_PRODUCTS) { truncated = true; break; }
  }
  return { items, truncated };
}

function legend() {
  return h('ul', { class: 'legend', 'aria-label': 'Edge styles' },
    Object.entries(PATTERN_STYLE).map(([, s]) => h('li', {},
      svg('svg', { width: '40', height: '12', 'aria-hidden': 'true' },
        svg('line', { x1: '0', y1: '6', x2: '40', y2: '6', stroke: s.color, 'stroke-width': s.width, 'stroke-dasharray': s.dash || null })),
      ` ${s.label}: ${s.patterns.join(', ')}`)),
    h('li', {}, h('span', { class: 'finding-mark', 'aria-hidden': 'true' }, '\u26a0'), ' red outline: an audit finding concerns it (hover for the rules)'),
    h('li', {}, h('span', { class: 'unregistered-mark', 'aria-hidden': 'true' }, 'dashed grey'), ': not a registered product'));
}

function flowsOf(products) {
  const flows = [];
  for (const p of products) {
    const m = p.metadata || {};
    for (const f of (p.spec || {}).consumes || []) {
      if (!String(f.product).includes('/')) continue;
      flows.push({ from: `${m.domain}/${m.name}`, to: f.product, pattern: f.pattern || '' });
    }
  }
  return flows;
}

async function picture(domain) {
  try {
    const text = await get(`/graph.svg${query({ domain })}`, 'text');
    const root = landscapeSvg(text);
    if (!root) return [message('error', 'The landscape picture could not be read.', 'GET /graph.svg did not answer an SVG document.')];
    const natural = Number(root.dataset.naturalWidth) || 0;
    const toggle = h('button', { type: 'button', class: 'zoom', 'aria-pressed': 'false' }, 'Actual size');
    toggle.addEventListener('click', () => {
      const actual = toggle.getAttribute('aria-pressed') !== 'true';
      toggle.setAttribute('aria-pressed', String(actual));
      toggle.textContent = actual ? 'Fit to page' : 'Actual size';
      root.style.width = actual && natural ? `${natural}px` : '';
    });
    return [h('p', { class: 'graph-tools' }, toggle,
      ' ', h('a', { href: `/graph.svg${query({ domain })}`, download: 'landscape.svg' }, 'Download SVG'),
      ' · ', h('a', { href: `/graph.dot${query({ domain })}`, download: 'landscape.dot' }, 'DOT text')),
    h('div', { class: 'graph' }, root)];
  } catch (e) {
    if (e instanceof ApiError && e.status === 422) {
      return [message('notice', 'The landscape is too large to draw at once.', `${e.detail || ''} Pick a domain above.`)];
    }
    throw e;
  }
}

export async function landscapePage(_args, params) {
  const domain = params.get('domain') || '';
  let products;
  let truncated = false;
  if (domain) {
    const [own, inbound] = await Promise.all([
      loadAll(`/products${query({ domain })}`), loadAll(`/products${query({ consumes: domain })}`)]);
    const seen = new Set();
    products = [...own.items, ...inbound.items].filter((p) => {
      const k = `${p.metadata.domain}/${p.metadata.name}`;
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    });
    truncated = own.truncated || inbound.truncated;
  } else {
    ({ items: products, truncated } = await loadAll('/products'));
  }
  const body = [h('h1', {}, 'Landscape', domain ? [' ', h('span', { class: 'ref' }, domain)] : null),
    h('form', { class: 'inline', 'data-nav': true, action: '/ui/landscape', method: 'get' },
      h('label', { for: 'ls-domain' }, 'Only domain '),
      h('input', { id: 'ls-domain', name: 'domain', value: domain, placeholder: 'e.g. customer', size: '16' }),
      h('button', { type: 'submit' }, 'Draw'),
      domain ? [' ', link('/ui/landscape', 'All domains')] : null)];
  if (truncated) {
    body.push(message('notice', `The catalog is large: the flows of the first ${MAX_PRODUCTS} products are listed.`,
      'Pick a domain to see it completely.'));
  }
  if (!products.length) {
    body.push(message('empty', domain ? `No products in or consuming domain ${domain}.` : 'No products registered yet.'));
    return { title: 'Landscape', body };
  }
  const flows = flowsOf(products);
  body.push(h('p', { class: 'hint' }, 'Arrows point from a consumer to the product it consumes. Select a product to open it, a domain’s name to open the domain.'),
    legend(),
    ...await picture(domain));
  body.push(section('Flows',
    flows.length ? table(null, ['Consumer', 'Provider', 'Pattern'],
      flows.map((f) => [refLink(f.from), refLink(f.to), badge(f.pattern, 'pattern')]))
      : message('empty', 'No flows declared.')));
  return { title: 'Landscape', body };
}
