// The landscape: domains as groups, products as nodes, flows (each product's spec.consumes) as
// edges styled by integration pattern, drawn as SVG in the browser. A node is a link to its
// product. Large catalogs: products are read a page of 500 at a time up to MAX_PRODUCTS; a
// domain filter (?domain=) draws one domain with its providers and consumers.

import { get, query, nextCursor } from './api.js';
import { h, svg, link, message, section, table, productHref, refLink, badge } from './dom.js';

const MAX_PRODUCTS = 2000;
const BOX_W = 240;
const NODE_H = 26;
const NODE_GAP = 8;
const HEAD_H = 30;
const PAD = 24;

export const PATTERN_STYLE = {
  sync: { patterns: ['rest-api', 'soa', 'composite', 'bff'], color: '#1f5fbf', dash: '', label: 'request/response' },
  async: { patterns: ['message-queue', 'event-broker', 'event-stream', 'cep', 'queue-load-leveling', 'cqrs'], color: '#2e7d32', dash: '7 4', label: 'messaging and events' },
  bulk: { patterns: ['batch', 'cdc'], color: '#8a5a00', dash: '2 4', label: 'batch and change data capture' },
  p2p: { patterns: ['point-to-point'], color: '#b3261e', dash: '', label: 'point-to-point (exception)' },
};

function styleOf(pattern) {
  for (const [k, s] of Object.entries(PATTERN_STYLE)) if (s.patterns.includes(pattern)) return { key: k, ...s };
  return { key: 'other', color: '#555', dash: '1 3', label: 'other' };
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

function short(s, n) {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}

export function drawLandscape(products, focusDomain) {
  const nodes = new Map(); // "d/p" -> {domain, name, title, kind, known}
  const flows = [];
  for (const p of products) {
    const m = p.metadata || {};
    const ref = `${m.domain}/${m.name}`;
    nodes.set(ref, { domain: m.domain, name: m.name, title: m.title || m.name, kind: (p.spec || {}).type || '', known: true });
  }
  for (const p of products) {
    const m = p.metadata || {};
    for (const f of (p.spec || {}).consumes || []) {
      const [d, n] = String(f.product).split('/');
      if (!d || !n) continue;
      if (!nodes.has(f.product)) nodes.set(f.product, { domain: d, name: n, title: n, kind: '', known: false });
      flows.push({ from: `${m.domain}/${m.name}`, to: f.product, pattern: f.pattern || '' });
    }
  }
  const groups = new Map();
  for (const [ref, n] of nodes) {
    if (!groups.has(n.domain)) groups.set(n.domain, []);
    groups.get(n.domain).push(ref);
  }
  const domains = [...groups.keys()].sort((a, b) => (a === focusDomain ? -1 : b === focusDomain ? 1 : a.localeCompare(b)));
  const cols = Math.max(1, Math.min(4, Math.ceil(Math.sqrt(domains.length))));
  const pos = new Map();
  const boxes = [];
  let y = PAD;
  for (let i = 0; i < domains.length; i += cols) {
    const row = domains.slice(i, i + cols);
    let rowH = 0;
    row.forEach((d, c) => {
      const refs = groups.get(d).sort();
      const x = PAD + c * (BOX_W + PAD * 2);
      const hgt = HEAD_H + refs.length * (NODE_H + NODE_GAP) + NODE_GAP;
      boxes.push({ d, x, y, h: hgt });
      refs.forEach((ref, k) => pos.set(ref, { x: x + 12, y: y + HEAD_H + k * (NODE_H + NODE_GAP), w: BOX_W - 24 }));
      rowH = Math.max(rowH, hgt);
    });
    y += rowH + PAD * 2;
  }
  const width = PAD + cols * (BOX_W + PAD * 2);
  const height = Math.max(y, 120);
  const defs = svg('defs', {}, Object.entries({ ...PATTERN_STYLE, other: { color: '#555' } }).map(([k, s]) =>
    svg('marker', { id: `arrow-${k}`, viewBox: '0 0 10 10', refX: '9', refY: '5', markerWidth: '7', markerHeight: '7', orient: 'auto-start-reverse' },
      svg('path', { d: 'M0,0 L10,5 L0,10 z', fill: s.color }))));
  const root = svg('svg', { class: 'landscape', viewBox: `0 0 ${width} ${height}`, width: String(width), height: String(height),
    role: 'group', 'aria-label': `Landscape: ${domains.length} domains, ${nodes.size} products, ${flows.length} flows` }, defs);
  for (const b of boxes) {
    root.append(svg('g', { class: 'domain' },
      svg('rect', { x: b.x, y: b.y, width: BOX_W, height: b.h, rx: '8', class: b.d === focusDomain ? 'domain-box focus' : 'domain-box' }),
      svg('a', { href: `/ui/domains/${encodeURIComponent(b.d)}`, 'data-nav': true },
        svg('text', { x: b.x + 12, y: b.y + 20, class: 'domain-label' }, short(b.d, 28)))));
  }
  const edges = svg('g', { class: 'edges' });
  for (const f of flows) {
    const a = pos.get(f.from);
    const b = pos.get(f.to);
    if (!a || !b) continue;
    const st = styleOf(f.pattern);
    const sameCol = Math.abs(a.x - b.x) < 1;
    const x1 = sameCol ? a.x + a.w : (a.x < b.x ? a.x + a.w : a.x);
    const x2 = sameCol ? b.x + b.w : (a.x < b.x ? b.x : b.x + b.w);
    const y1 = a.y + NODE_H / 2;
    const y2 = b.y + NODE_H / 2;
    const bend = sameCol ? 60 : Math.max(40, Math.abs(x2 - x1) / 2);
    const c1 = sameCol ? x1 + bend : x1 + (x2 > x1 ? bend : -bend);
    const c2 = sameCol ? x2 + bend : x2 + (x2 > x1 ? -bend : bend);
    edges.append(svg('path', { d: `M${x1},${y1} C${c1},${y1} ${c2},${y2} ${x2},${y2}`, fill: 'none', stroke: st.color,
      'stroke-width': st.key === 'p2p' ? '2.5' : '1.6', 'stroke-dasharray': st.dash || null, 'marker-end': `url(#arrow-${st.key})`,
      class: `edge edge-${st.key}` }, svg('title', {}, `${f.from} consumes ${f.to} (${f.pattern})`)));
  }
  root.append(edges);
  for (const [ref, n] of nodes) {
    const p = pos.get(ref);
    root.append(svg('a', { href: productHref(n.domain, n.name), 'data-nav': true, class: n.known ? 'node' : 'node external' },
      svg('title', {}, `${ref}${n.kind ? ` (${n.kind})` : ''}: open the product`),
      svg('rect', { x: p.x, y: p.y, width: p.w, height: NODE_H, rx: '5' }),
      svg('text', { x: p.x + 8, y: p.y + 17 }, short(n.name, 24), n.kind ? svg('tspan', { class: 'kind' }, ` ${n.kind}`) : null)));
  }
  return { root, flows, nodes };
}

function legend() {
  return h('ul', { class: 'legend', 'aria-label': 'Edge styles' },
    Object.entries(PATTERN_STYLE).map(([k, s]) => h('li', {},
      svg('svg', { width: '40', height: '12', 'aria-hidden': 'true' },
        svg('line', { x1: '0', y1: '6', x2: '40', y2: '6', stroke: s.color, 'stroke-width': k === 'p2p' ? '2.5' : '1.6', 'stroke-dasharray': s.dash || null })),
      ` ${s.label}: ${s.patterns.join(', ')}`)));
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
    body.push(message('notice', `The catalog is large: the first ${MAX_PRODUCTS} products are drawn.`,
      'Pick a domain to see it completely.'));
  }
  if (!products.length) {
    body.push(message('empty', domain ? `No products in or consuming domain ${domain}.` : 'No products registered yet.'));
    return { title: 'Landscape', body };
  }
  const { root, flows } = drawLandscape(products, domain);
  body.push(h('p', { class: 'hint' }, 'Arrows point from a consumer to the product it consumes. Select a product to open it.'),
    legend(),
    h('div', { class: 'graph' }, root));
  body.push(section('Flows',
    flows.length ? table(null, ['Consumer', 'Provider', 'Pattern'],
      flows.map((f) => [refLink(f.from), refLink(f.to), badge(f.pattern, 'pattern')]))
      : message('empty', 'No flows declared.')));
  return { title: 'Landscape', body };
}
