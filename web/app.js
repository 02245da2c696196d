// The catalog's entry point: a router over history API URLs under /ui (drivewayd serves
// index.html for all of them, so every page has a stable URL that survives a reload), the
// header's search and token form, and the error pages every page shares.

import { ApiError, Unreachable, getToken, setToken } from './api.js';
import { h, message } from './dom.js';
import { homePage, searchPage } from './home.js';
import { domainPage } from './domain.js';
import { productPage } from './product.js';
import { comparePage } from './compare.js';
import { landscapePage } from './landscape.js';
import { auditPage } from './audit.js';

const SLUG = '([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)';

const routes = [
  { re: /^\/ui\/?$/, page: homePage },
  { re: /^\/ui\/search$/, page: searchPage },
  { re: new RegExp(`^/ui/domains/${SLUG}$`), page: domainPage, names: ['domain'] },
  { re: new RegExp(`^/ui/products/${SLUG}/${SLUG}$`), page: productPage, names: ['domain', 'product'] },
  { re: new RegExp(`^/ui/products/${SLUG}/${SLUG}/compare$`), page: comparePage, names: ['domain', 'product'] },
  { re: /^\/ui\/landscape$/, page: landscapePage },
  { re: /^\/ui\/audit$/, page: auditPage },
];

const main = document.getElementById('main');
let generation = 0;

function notFoundPage() {
  return {
    title: 'Page not found',
    body: [h('h1', {}, 'Page not found'),
      message('error', 'There is no page at this address.',
        `${location.pathname} is not a page of the catalog.`),
      h('p', {}, h('a', { href: '/ui', 'data-nav': true }, 'Back to the catalog'))],
  };
}

// The page for an error a page's loading threw.
export function errorPage(e) {
  if (e instanceof Unreachable) {
    return {
      title: 'Registry unreachable',
      body: [h('h1', {}, 'Registry unreachable'),
        message('error', 'The registry is unreachable.',
          'The catalog could not reach drivewayd. Check that it is running and try again.'),
        h('p', {}, h('button', { type: 'button', onclick: () => render() }, 'Try again'))],
    };
  }
  if (e instanceof ApiError && e.status === 404) {
    return {
      title: 'Not found',
      body: [h('h1', {}, 'Not found'),
        message('error', 'This resource does not exist in the registry.', e.detail),
        h('p', {}, h('a', { href: '/ui', 'data-nav': true }, 'Back to the catalog'))],
    };
  }
  if (e instanceof ApiError && (e.status === 401 || e.status === 403)) {
    return {
      title: 'Access denied',
      body: [h('h1', {}, 'Access denied'),
        message('error', e.status === 401 ? 'This registry needs an access token to read.'
          : 'The access token is not allowed to read this.', e.detail),
        h('p', {}, 'Set a token under “Access token” at the top of the page.')],
    };
  }
  if (e instanceof ApiError) {
    return {
      title: 'Error',
      body: [h('h1', {}, 'Something went wrong'),
        message('error', `The registry answered ${e.status} ${e.title}.`, e.detail)],
    };
  }
  console.error(e);
  return {
    title: 'Error',
    body: [h('h1', {}, 'Something went wrong'),
      message('error', 'The page could not be shown.', String(e && e.message ? e.message : e))],
  };
}

export async function render(focus = false) {
  const mine = ++generation;
  const url = new URL(location.href);
  let page = null;
  let args = {};
  for (const r of routes) {
    const m = r.re.exec(url.pathname);
    if (m) {
      page = r.page;
      (r.names || []).forEach((n, i) => { args[n] = m[i + 1]; });
      break;
    }
  }
  main.setAttribute('aria-busy', 'true');
  let result;
  try {
    result = page ? await page(args, url.searchParams) : notFoundPage();
  } catch (e) {
    result = errorPage(e);
  }
  if (mine !== generation) return; // a later navigation won
  main.replaceChildren(...[result.body].flat());
  main.removeAttribute('aria-busy');
  document.title = `${result.title} · driveway catalog`;
  markCurrentNav(url.pathname);
  if (focus) main.focus({ preventScroll: true });
  if (focus) window.scrollTo(0, 0);
}

function markCurrentNav(pathname) {
  for (const a of document.querySelectorAll('header.top nav a')) {
    const href = a.getAttribute('href');
    const current = href === '/ui' ? pathname === '/ui' || pathname === '/ui/' : pathname.startsWith(href);
    if (current) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
}

export function navigate(href, replace = false) {
  if (replace) history.replaceState(null, '', href);
  else history.pushState(null, '', href);
  render(true);
}

document.addEventListener('click', (ev) => {
  const a = ev.target.closest && ev.target.closest('a[data-nav]');
  if (!a || ev.defaultPrevented || ev.button !== 0 || ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.altKey) return;
  ev.preventDefault();
  navigate(a.getAttribute('href'));
});

// Forms marked data-nav (search, filters) navigate to their action with their fields.
document.addEventListener('submit', (ev) => {
  const form = ev.target;
  if (!form.matches('form[role=search], form[data-nav]')) return;
  ev.preventDefault();
  const q = new URLSearchParams();
  for (const [k, v] of new FormData(form)) if (String(v).trim()) q.set(k, String(v).trim());
  const s = q.toString();
  navigate(form.getAttribute('action') + (s ? `?${s}` : ''));
});

window.addEventListener('popstate', () => render(true));

function setupToken() {
  const form = document.getElementById('token-form');
  const input = document.getElementById('token-input');
  const state = document.getElementById('token-state');
  const show = () => { state.textContent = getToken() ? 'A token is set for this tab.' : 'No token set: reads go without one.'; };
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    setToken(input.value.trim());
    input.value = '';
    show();
    render();
  });
  document.getElementById('token-clear').addEventListener('click', () => {
    setToken('');
    input.value = '';
    show();
    render();
  });
  show();
}

setupToken();
render();
