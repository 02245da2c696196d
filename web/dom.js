// DOM helpers. Data from the registry only ever reaches the page as text: h() sets text nodes
// and attributes, never HTML, so a description holding "<script>" is shown, not run.

const SVG_NS = 'http://www.w3.org/2000/svg';

function build(el, attrs, children) {
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

export function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

// h('a', {href: '/ui'}, 'text', child...) -> element
export function h(tag, attrs, ...children) {
  return build(document.createElement(tag), attrs, children);
}

export function svg(tag, attrs, ...children) {
  return build(document.createElementNS(SVG_NS, tag), attrs, children);
}

// An in-app link: the router intercepts clicks on [data-nav].
export function link(href, ...children) {
  return h('a', { href, 'data-nav': true }, ...children);
}

export function productHref(domain, name, rest = '') {
  return `/ui/products/${encodeURIComponent(domain)}/${encodeURIComponent(name)}${rest}`;
}

export function domainHref(domain) {
  return `/ui/domains/${encodeURIComponent(domain)}`;
}

// "customer/profile-api" -> link to the product page.
export function refLink(ref) {
  const [d, p] = String(ref).split('/');
  if (!d || !p) return h('span', {}, String(ref));
  return link(productHref(d, p), String(ref));
}

export function badge(text, kind = '') {
  return h('span', { class: `badge ${kind}`.trim() }, text);
}

// A message box. kind: "error", "notice", "empty".
export function message(kind, title, detail) {
  return h('div', { class: `message ${kind}`, role: kind === 'error' ? 'alert' : 'status' },
    h('p', { class: 'message-title' }, title),
    detail ? h('p', {}, detail) : null);
}

let sectionCount = 0;

export function section(title, ...children) {
  sectionCount += 1;
  const id = `s${sectionCount}-${title.toLowerCase().replace(/[^a-z0-9]+/g, '-').slice(0, 40)}`;
  return h('section', { 'aria-labelledby': id }, h('h2', { id }, title), ...children);
}

// A definition list from [label, value] pairs; pairs with an empty value are left out.
export function facts(pairs) {
  const dl = h('dl', { class: 'facts' });
  for (const [k, v] of pairs) {
    if (v === undefined || v === null || v === '' || (Array.isArray(v) && !v.length)) continue;
    dl.append(h('div', {}, h('dt', {}, k), h('dd', {}, v)));
  }
  return dl;
}

// A table from column headers and rows of cells (strings or nodes).
export function table(caption, headers, rows, cls = '') {
  return h('div', { class: 'table-wrap' },
    h('table', { class: cls || null },
      caption ? h('caption', {}, caption) : null,
      h('thead', {}, h('tr', {}, headers.map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, rows.map((r) => h('tr', {}, r.map((c) => h('td', {}, c)))))));
}

export function when(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  return h('time', { datetime: iso, title: iso }, d.toISOString().slice(0, 16).replace('T', ' ') + ' UTC');
}

// Copies text to the clipboard; the button says how it went.
export function copyButton(getText, label = 'Copy') {
  const btn = h('button', { type: 'button', class: 'copy' }, label);
  const status = h('span', { class: 'copy-status', role: 'status' });
  btn.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(getText());
      status.textContent = 'Copied';
    } catch {
      status.textContent = 'Copy failed: select the text and copy it';
    }
    setTimeout(() => { status.textContent = ''; }, 3000);
  });
  return h('span', { class: 'copy-wrap' }, btn, status);
}
