// The registry's API as the pages use it: one fetch wrapper that adds the token (only when the
// user set one), turns answers into data or typed errors, and never touches the DOM.

const TOKEN_KEY = 'driveway.token';

export class ApiError extends Error {
  constructor(status, title, detail, path) {
    super(detail || title || `HTTP ${status}`);
    this.status = status;
    this.title = title || '';
    this.detail = detail || '';
    this.path = path;
  }
}

// The registry did not answer at all (down, network, CORS...).
export class Unreachable extends Error {
  constructor(path, cause) {
    super(`the registry did not answer (${cause && cause.message ? cause.message : 'network error'})`);
    this.path = path;
  }
}

export function getToken() {
  try {
    return sessionStorage.getItem(TOKEN_KEY) || '';
  } catch {
    return '';
  }
}

export function setToken(value) {
  try {
    if (value) sessionStorage.setItem(TOKEN_KEY, value);
    else sessionStorage.removeItem(TOKEN_KEY);
  } catch {
    // storage disabled: the token simply is not kept
  }
}

// Encodes each part as one path segment.
export function path(...parts) {
  return parts.map((p) => encodeURIComponent(String(p))).join('/');
}

// GET path (absolute, e.g. "/products?q=x"). kind: "json" (default) or "text".
// Resolves with the body; rejects with ApiError or Unreachable.
export async function get(url, kind = 'json') {
  const headers = { Accept: kind === 'json' ? 'application/json' : '*/*' };
  const token = getToken();
  if (token) headers.Authorization = `Bearer ${token}`;
  let res;
  try {
    res = await fetch(url, { headers, credentials: 'omit', cache: 'no-cache' });
  } catch (e) {
    throw new Unreachable(url, e);
  }
  if (!res.ok) {
    let title = res.statusText;
    let detail = '';
    try {
      const problem = await res.json();
      title = problem.title || title;
      detail = problem.detail || '';
    } catch {
      // not a problem document: keep the status text
    }
    // A proxy in front of a stopped registry answers 502/503/504.
    if (res.status === 502 || res.status === 504) throw new Unreachable(url, new Error(`HTTP ${res.status}`));
    throw new ApiError(res.status, title, detail, url);
  }
  return kind === 'json' ? res.json() : res.text();
}

// A query string from an object, leaving out empty values.
export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}

// The opaque cursor of a collection's "next" URL, or null.
export function nextCursor(page) {
  if (!page || !page.next) return null;
  try {
    return new URL(page.next, location.origin).searchParams.get('cursor');
  } catch {
    return null;
  }
}
