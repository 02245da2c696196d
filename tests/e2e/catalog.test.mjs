// The web catalog end to end: a real drivewayd on a free loopback port with a temporary
// database, loaded with examples/ (and a few products of its own) through the real CLI, and
// the pages driven in real headless Chromium. Every page is saved as a screenshot to
// $DRIVEWAY_BUILD/e2e-screenshots/ for review.

import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, readdirSync, writeFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const BUILD = process.env.DRIVEWAY_BUILD || join(process.cwd(), 'build');
const ROOT = process.env.DRIVEWAY_ROOT || process.cwd();
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const SHOTS = join(BUILD, 'e2e-screenshots');
const started = Date.now();

const tmp = mkdtempSync(join(tmpdir(), 'dw-e2e-'));
const db = join(tmp, 'registry.db');
const portFile = join(tmp, 'port');
let server = null;
let failures = 0;
let passed = 0;

function log(msg) {
  process.stdout.write(`${msg}\n`);
}

function assert(cond, what) {
  if (!cond) throw new Error(what);
}

async function step(name, fn) {
  const t0 = Date.now();
  try {
    await fn();
    passed++;
    log(`ok   ${name} (${Date.now() - t0} ms)`);
  } catch (e) {
    failures++;
    log(`FAIL ${name}: ${e && e.message ? e.message.split('\n')[0] : e}`);
  }
}

function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms));
}

async function startServer() {
  server = spawn(join(BUILD, 'drivewayd'), ['--db', db, '--listen', '127.0.0.1:0', '--port-file', portFile, '--quiet'],
    { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  server.stderr.on('data', (d) => { stderr += d; });
  for (let i = 0; i < 100; i++) {
    if (existsSync(portFile)) return Number(readFileSync(portFile, 'utf8').trim());
    if (server.exitCode !== null) break;
    await sleep(50);
  }
  throw new Error(`drivewayd did not start: ${stderr}`);
}

function cli(base, ...args) {
  return execFileSync(join(BUILD, 'driveway'), args, {
    env: { ...process.env, DRIVEWAY_URL: base, DRIVEWAY_TOKEN_FILE: `${db}.admin-token`, DRIVEWAY_TOKEN: '' },
    encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'],
  });
}

// A product of our own with two versions: v2 drops an operation and a field.
function ordersContract(v2) {
  const order = { type: 'object', required: ['id'], properties: { id: { type: 'string', description: 'Order number' }, total: { type: 'number' } } };
  if (!v2) order.properties.couponCode = { type: 'string', description: 'Discount code used' };
  const item = {
    get: { operationId: 'getOrder', parameters: [{ name: 'orderId', in: 'path', required: true, schema: { type: 'string' } }],
      responses: { 200: { description: 'The order', content: { 'application/json': { schema: { $ref: '#/components/schemas/Order' } } } } } },
  };
  if (!v2) {
    item.delete = { operationId: 'cancelOrder', parameters: [{ name: 'orderId', in: 'path', required: true, schema: { type: 'string' } }],
      responses: { 204: { description: 'Cancelled' } } };
  }
  return { openapi: '3.1.0', info: { title: 'Orders', version: v2 ? '2.0.0' : '1.0.0' }, paths: { '/orders/{orderId}': item },
    components: { schemas: { Order: order } } };
}

function writeFixtures(dir, v2) {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'domain.yaml'), [
    'apiVersion: driveway/v1', 'kind: Domain', 'metadata:', '  name: shop', 'spec:', '  title: Shop', '  owner: team-shop', ''].join('\n'));
  writeFileSync(join(dir, 'orders.json'), JSON.stringify(ordersContract(v2), null, 2));
  writeFileSync(join(dir, 'orders-api.yaml'), [
    'apiVersion: driveway/v1', 'kind: DataProduct', 'metadata:', '  domain: shop', '  name: orders-api', '  owner: team-shop',
    '  title: Orders API', 'spec:', '  type: api', '  contract:', '    format: openapi', '    path: orders.json',
    '  compatibility: NONE', '  consumes:', '    - product: customer/profile-api', '      pattern: rest-api', ''].join('\n'));
  writeFileSync(join(dir, 'xss.yaml'), [
    'apiVersion: driveway/v1', 'kind: DataProduct', 'metadata:', '  domain: shop', '  name: tricky', '  owner: team-shop',
    '  title: "Tricky <b>title</b>"',
    '  description: "<script>window.__xss = 1</script><img src=x onerror=\\"window.__xss = 2\\"> plain text after"',
    'spec:', '  type: topic', ''].join('\n'));
}

async function main() {
  mkdirSync(SHOTS, { recursive: true });
  const port = await startServer();
  const base = `http://127.0.0.1:${port}`;
  // The Customer Profile landscape, as `make run` loads it: not examples/anti-patterns.
  const landscape = readdirSync(join(ROOT, 'examples'), { withFileTypes: true })
    .filter((e) => e.isDirectory() && e.name !== 'anti-patterns')
    .map((e) => join(ROOT, 'examples', e.name));
  cli(base, 'register', ...landscape);
  const fx = join(tmp, 'shop');
  writeFixtures(fx, false);
  cli(base, 'register', fx);
  writeFixtures(fx, true);
  cli(base, 'register', fx);
  log(`== e2e: registry ${base} loaded in ${Date.now() - started} ms; screenshots in ${SHOTS}`);

  const profile = mkdtempSync(join(tmp, 'chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1280, height: 900 },
  });
  const page = context.pages()[0] || await context.newPage();
  page.setDefaultTimeout(5000);
  const consoleProblems = [];
  page.on('pageerror', (e) => consoleProblems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/Failed to load resource/.test(m.text())) consoleProblems.push(m.text());
  });
  const shot = (name, full = true) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: full, timeout: 20000 });

  await step('security headers on /ui pages and files', async () => {
    for (const u of ['/ui', '/ui/products/customer/profile-api', '/ui/assets/app.js']) {
      const r = await fetch(base + u);
      assert(r.status === 200, `${u}: status ${r.status}`);
      const csp = r.headers.get('content-security-policy') || '';
      assert(csp.includes("default-src 'self'") && csp.includes("frame-ancestors 'none'") && !csp.includes('unsafe-inline'), `${u}: CSP '${csp}'`);
      assert(r.headers.get('x-content-type-options') === 'nosniff', `${u}: no nosniff`);
      assert(r.headers.get('referrer-policy'), `${u}: no Referrer-Policy`);
    }
    const js = await fetch(`${base}/ui/assets/app.js`);
    assert(js.headers.get('content-type').startsWith('text/javascript'), 'app.js content type');
    const missing = await fetch(`${base}/ui/assets/nope.js`);
    assert(missing.status === 404, `missing asset: ${missing.status}`);
  });

  await step('home shows counts, domains and recent versions', async () => {
    await page.goto(`${base}/ui`);
    await page.getByRole('heading', { name: 'Data product catalog' }).waitFor();
    const totals = await page.locator('ul.totals').innerText();
    assert(/6\s+domains/.test(totals), `totals: ${totals}`);
    await page.getByRole('heading', { name: 'Recently registered versions' }).waitFor();
    assert(await page.locator('a', { hasText: 'shop/orders-api' }).count() > 0, 'recent versions list shop/orders-api');
    await shot('01-home');
  });

  await step('search by a contract field name finds the product', async () => {
    await page.goto(`${base}/ui`);
    const box = page.locator('main').getByLabel('Search data products', { exact: true });
    await box.fill('givenName');
    await box.press('Enter');
    await page.waitForURL(/\/ui\/search\?q=givenName/);
    await page.locator('ol.results').waitFor();
    const text = await page.locator('ol.results').innerText();
    assert(text.includes('customer/profile-api'), `results: ${text.slice(0, 200)}`);
    await shot('02-search');
    await page.locator('ol.results a', { hasText: 'Customer Profile API' }).click();
    await page.waitForURL(/\/ui\/products\/customer\/profile-api$/);
  });

  await step('product page shows operations, parameters and fields', async () => {
    await page.getByRole('heading', { level: 1, name: /Customer Profile API/ }).waitFor();
    await page.locator('.op').first().waitFor();
    const ops = await page.locator('.openapi').innerText();
    for (const want of ['/customers/{customerId}', 'getCustomer', 'createCustomer', 'customerId', 'givenName']) {
      assert(ops.includes(want), `contract view lacks '${want}'`);
    }
    const facts = await page.locator('dl.facts').first().innerText();
    assert(facts.includes('team-customer') && facts.includes('BACKWARD'), `facts: ${facts}`);
    assert((await page.locator('section', { hasText: 'Endpoints' }).innerText()).includes('https://profile.customer.example.com/v1'), 'endpoints');
    assert((await page.locator('section', { hasText: 'Consumers' }).last().innerText()).includes('support/agent-console'), 'consumers');
    await shot('03-product', false);
    await page.locator('details.view').first().scrollIntoViewIfNeeded();
    await shot('03b-product-contract', false);
    await page.locator('details.view summary', { hasText: 'Raw text' }).click();
    await page.locator('pre.raw').scrollIntoViewIfNeeded();
    assert((await page.locator('pre.raw').innerText()).includes('"operationId": "getCustomer"'), 'raw text');
    await shot('03c-product-raw', false);
  });

  await step('deep link survives a reload', async () => {
    await page.goto(`${base}/ui/products/customer/profile-changed`);
    await page.getByRole('heading', { level: 1 }).waitFor();
    const before = await page.getByRole('heading', { level: 1 }).innerText();
    await page.reload();
    await page.getByRole('heading', { level: 1, name: before.split('\n')[0].trim().slice(0, 20) }).waitFor();
    const fields = await page.locator('.avro').innerText();
    assert(fields.length > 0 && /string|long|int/.test(fields), 'avro field tree');
    await shot('04-product-avro');
  });

  await step('table contract renders as columns', async () => {
    await page.goto(`${base}/ui/products/customer/profile-snapshot`);
    await page.locator('table.columns').first().waitFor();
    assert((await page.locator('table.columns').first().innerText()).includes('snapshot_date'), 'snapshot_date column');
    await shot('05-product-table');
  });

  await step('version compare shows the breaking changes first', async () => {
    await page.goto(`${base}/ui/products/shop/orders-api`);
    await page.getByRole('link', { name: 'v1 → v2' }).click();
    await page.waitForURL(/compare\?from=1&to=2/);
    await page.locator('table.changes').waitFor();
    const rows = page.locator('table.changes tbody tr');
    const n = await rows.count();
    assert(n >= 2, `only ${n} changes`);
    const all = await page.locator('table.changes').innerText();
    assert(/cancelOrder/.test(all) && /couponCode/.test(all), `changes: ${all}`);
    assert(/breaking/.test(await rows.first().innerText()), 'first change is not breaking');
    await shot('06-compare');
  });

  await step('unknown product shows the not-found message', async () => {
    await page.goto(`${base}/ui/products/customer/no-such-product`);
    await page.getByText('This resource does not exist in the registry.').waitFor();
    assert((await page.title()).startsWith('Not found'), `title ${await page.title()}`);
    await shot('07-not-found');
    await page.goto(`${base}/ui/no/such/page`);
    await page.getByText('There is no page at this address.').waitFor();
  });

  await step('a description with <script> is shown as text and never runs', async () => {
    await page.goto(`${base}/ui/products/shop/tricky`);
    await page.locator('p.desc').first().waitFor();
    const desc = await page.locator('p.desc').first().innerText();
    assert(desc.includes('<script>window.__xss = 1</script>'), `description text: ${desc}`);
    assert((await page.getByRole('heading', { level: 1 }).innerText()).includes('<b>title</b>'), 'title shown as text');
    await page.waitForTimeout(200);
    const ran = await page.evaluate(() => window.__xss);
    assert(ran === undefined, `script ran: window.__xss = ${ran}`);
    assert(await page.locator('main script, main img').count() === 0, 'markup from data reached the DOM');
    await shot('08-xss-as-text');
  });

  await step('domain page lists products and flows in and out', async () => {
    await page.goto(`${base}/ui/domains/customer`);
    await page.getByRole('heading', { name: 'Flows in' }).waitFor();
    const inbound = await page.locator('section', { has: page.getByRole('heading', { name: 'Flows in' }) }).innerText();
    for (const c of ['support/agent-console', 'marketing/campaign-audience', 'shop/orders-api']) assert(inbound.includes(c), `flows in lack ${c}`);
    await shot('09-domain', false);
  });

  await step('landscape shows the registry\'s picture and a node opens its product', async () => {
    await page.goto(`${base}/ui/landscape`);
    await page.locator('svg.landscape').waitFor();
    assert(await page.locator('svg.landscape g.cluster').count() >= 6, 'domain clusters');
    assert(await page.locator('svg.landscape g.node').count() >= 11, 'nodes');
    assert(await page.locator('svg.landscape g.edge').count() >= 6, 'edges');
    assert(await page.locator('svg.landscape script').count() === 0, 'a script in the picture');
    assert(await page.locator('svg.landscape g.edge', { hasText: 'event-stream' }).count() >= 2, 'edge labels');
    await shot('10-landscape');
    await page.locator('svg.landscape a.node-link', { hasText: 'agent-console' }).click();
    await page.waitForURL(/\/ui\/products\/support\/agent-console$/);
    await page.getByRole('heading', { level: 1 }).waitFor();
    await page.goto(`${base}/ui/landscape?domain=support`);
    await page.locator('svg.landscape').waitFor();
    const text = await page.locator('svg.landscape').textContent();
    assert(text.includes('agent-console') && text.includes('profile-api'), 'support and its provider');
    assert(!text.includes('customer-360'), 'another domain drawn');
    await shot('10-landscape-domain');
  });

  await step('audit page shows the registry\'s audit report', async () => {
    await page.goto(`${base}/ui/audit`);
    await page.getByRole('heading', { level: 1, name: 'Audit' }).waitFor();
    const r = await fetch(`${base}/audit`);
    assert(r.status === 200, `GET /audit answered ${r.status}`);
    const report = await r.json();
    await page.locator('ul.totals').waitFor();
    const totals = await page.locator('ul.totals').innerText();
    for (const sev of ['error', 'warning', 'info']) {
      assert(totals.includes(`${report.summary.bySeverity[sev]} ${sev}`), `totals lack ${report.summary.bySeverity[sev]} ${sev}: ${totals}`);
    }
    assert((await page.locator('main').innerText()).includes(`${report.summary.products} products`), 'summary line');
    if (report.findings.length) {
      assert(await page.locator('ul.findings > li').count() === report.findings.length, 'one item per finding');
      await page.getByText(`Fix: ${report.findings[0].fix}`).first().waitFor();
    } else {
      await page.getByText('No findings: the landscape passes every audit rule.').waitFor();
    }
    await shot('11-audit');
  });

  await step('narrow window: the product page reflows', async () => {
    await page.setViewportSize({ width: 360, height: 800 });
    await page.goto(`${base}/ui/products/support/agent-console`);
    await page.locator('.op').first().waitFor();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert(overflow <= 1, `page is ${overflow}px wider than the window`);
    await shot('12-narrow-product', false);
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  await step('keyboard: search and open a result without a mouse', async () => {
    await page.goto(`${base}/ui`);
    await page.keyboard.press('Tab'); // skip link
    await page.keyboard.press('Enter');
    const focused = await page.evaluate(() => document.activeElement && document.activeElement.id);
    assert(focused === 'main', `skip link focused '${focused}'`);
    await page.locator('#search-q').focus();
    await page.keyboard.type('invoice');
    await page.keyboard.press('Enter');
    await page.locator('ol.results a').first().waitFor();
    await page.locator('ol.results a').first().focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/ui\/products\//);
  });

  await step('no script errors and no CSP violations', async () => {
    assert(consoleProblems.length === 0, consoleProblems.join(' | '));
  });

  await step('unreachable registry shows a clear message', async () => {
    await page.goto(`${base}/ui`);
    await page.getByRole('heading', { name: 'Data product catalog' }).waitFor();
    server.kill('SIGTERM');
    await new Promise((r) => (server.exitCode !== null ? r() : server.once('exit', r)));
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Landscape' }).click();
    await page.getByText('The registry is unreachable.').waitFor();
    await shot('13-unreachable');
  });

  await context.close();
}

try {
  await main();
} catch (e) {
  failures++;
  log(`FAIL setup: ${e && e.stack ? e.stack : e}`);
} finally {
  if (server && server.exitCode === null) server.kill('SIGTERM');
  rmSync(tmp, { recursive: true, force: true });
}
log(`== e2e: ${passed} passed, ${failures} failed in ${((Date.now() - started) / 1000).toFixed(1)} s; screenshots: ${SHOTS}`);
process.exit(failures ? 1 : 0);
