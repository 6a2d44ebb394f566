// Drives Debian's Chromium through the CostOrchestrator dashboard for the xunit tests.
//
//   node dashboard-check.mjs <screenshot-dir> < plan.json
//
// plan.json: { "url": "http://127.0.0.1:PORT/dashboard", "token": "...", "steps": [ { "id": "...", "op": "...", ... } ] }
// Prints one JSON object on stdout: { ok, results: [{ id, op, ok, value, error }], screenshots, consoleErrors, externalRequests }.
// Steps run in order; after the first failing step the rest are reported as skipped (a screenshot of the failure is
// saved). Waiting is always polling with a deadline (Playwright's waitFor / expect-style retries), never a fixed sleep.
import { mkdtemp, mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const CHROMIUM_FLAGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync',
];
const DEFAULT_TIMEOUT_MS = 15_000;

const outDir = process.argv[2];
if (!outDir) {
  console.log(JSON.stringify({ ok: false, error: 'usage: node dashboard-check.mjs <screenshot-dir> < plan.json' }));
  process.exit(2);
}

const plan = JSON.parse(await readStdin());
const executablePath = process.env.COSTORCH_CHROMIUM || '/usr/bin/chromium';
const origin = new URL(plan.url).origin;
const saved = {};
const results = [];
const screenshots = [];
const consoleErrors = [];
const externalRequests = [];

await mkdir(outDir, { recursive: true });
// A fresh profile every run: no cache, no session storage, no state from an earlier test.
const userDataDir = await mkdtemp(join(tmpdir(), 'costorch-chromium-'));
let context;
try {
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath,
    headless: true,
    args: CHROMIUM_FLAGS,
    viewport: plan.viewport ?? { width: 1440, height: 900 },
  });
} catch (error) {
  await rm(userDataDir, { recursive: true, force: true });
  console.log(JSON.stringify({ ok: false, error: `could not launch ${executablePath}: ${error.message}` }));
  process.exit(2);
}

const page = context.pages()[0] ?? await context.newPage();
page.setDefaultTimeout(DEFAULT_TIMEOUT_MS);
page.on('console', (msg) => { if (msg.type() === 'error') consoleErrors.push(msg.text()); });
page.on('pageerror', (error) => consoleErrors.push(`pageerror: ${error.message}`));
page.on('request', (request) => {
  const url = request.url();
  if (!url.startsWith(origin) && !url.startsWith('data:') && !url.startsWith('blob:') && !url.startsWith('about:')) externalRequests.push(url);
});

try {
  await page.goto(plan.url, { waitUntil: 'domcontentloaded' });
  let failed = false;
  for (const raw of plan.steps ?? []) {
    const result = { id: raw.id ?? raw.op, op: raw.op };
    if (failed) {
      results.push({ ...result, ok: false, skipped: true });
      continue;
    }
    let step = raw;
    try {
      step = substitute(raw);
      const value = await run(step);
      Object.assign(result, value === undefined ? { ok: true } : { ok: true, value });
    } catch (error) {
      Object.assign(result, { ok: false, error: String(error.message ?? error).split('\n').slice(0, 6).join('\n') });
      failed = true;
      const file = join(outDir, `failure-${safe(result.id)}.png`);
      await page.screenshot({ path: file, fullPage: true }).catch(() => {});
      screenshots.push(file);
    }
    if (step.save && result.ok) saved[step.save] = result.value;
    results.push(result);
  }
} finally {
  await context.close();
  await rm(userDataDir, { recursive: true, force: true });
}

console.log(JSON.stringify({ ok: results.every((r) => r.ok), results, screenshots, consoleErrors, externalRequests }));

// ---------------------------------------------------------------------------------------------------------------

async function run(step) {
  const timeout = step.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const locator = step.selector ? page.locator(step.selector) : null;
  switch (step.op) {
    case 'login': {
      await page.locator('[data-testid=token-input]').fill(step.token ?? plan.token);
      await page.locator('[data-testid=token-submit]').click();
      await page.locator('#app').waitFor({ state: 'visible', timeout });
      return page.locator('[data-testid=role]').textContent();
    }
    case 'tab': {
      await page.locator(`[data-testid=tab-${step.name}]`).click();
      await page.locator(`[data-view=${step.name}]`).waitFor({ state: 'visible', timeout });
      return undefined;
    }
    case 'click':
      await nth(locator, step).click({ timeout });
      return undefined;
    case 'fill':
      await nth(locator, step).fill(String(step.value), { timeout });
      return undefined;
    case 'select':
      await nth(locator, step).selectOption(String(step.value), { timeout });
      return undefined;
    case 'waitFor':
      await nth(locator, step).waitFor({ state: step.state ?? 'visible', timeout });
      return undefined;
    case 'text':
      await nth(locator, step).waitFor({ state: 'attached', timeout });
      return (await nth(locator, step).textContent())?.trim() ?? null;
    case 'texts':
      if (step.min) await poll(async () => (await locator.count()) >= step.min, timeout, `fewer than ${step.min} of ${step.selector}`);
      return (await locator.allTextContents()).map((t) => t.trim());
    case 'attrs':
      return locator.evaluateAll((els, name) => els.map((e) => e.getAttribute(name)), step.name);
    case 'count':
      return locator.count();
    case 'visibleCount':
      return locator.evaluateAll((els) => els.filter((e) => e.offsetParent !== null || e.getClientRects().length > 0).length);
    case 'waitText': {
      let last = null;
      await poll(async () => {
        last = (await nth(locator, step).textContent({ timeout: 1000 }).catch(() => null))?.trim() ?? null;
        if (last === null) return false;
        if (step.equals !== undefined) return last === String(step.equals);
        if (step.contains !== undefined) return last.includes(String(step.contains));
        if (step.notEquals !== undefined) return last !== String(step.notEquals);
        return true;
      }, timeout, () => `${step.selector}: last text ${JSON.stringify(last)}`);
      return last;
    }
    case 'waitCount': {
      let last = 0;
      await poll(async () => {
        last = await locator.count();
        return (step.min === undefined || last >= step.min) && (step.max === undefined || last <= step.max);
      }, timeout, () => `${step.selector}: count ${last}`);
      return last;
    }
    case 'request': {
      // A call to the node's API from outside the page (as another client would), e.g. to submit a run mid-check.
      const response = await fetch(new URL(step.path, origin), {
        method: step.method ?? 'GET',
        headers: { Authorization: `Bearer ${step.token ?? plan.token}`, 'Content-Type': 'application/json' },
        body: step.body === undefined ? undefined : JSON.stringify(step.body),
      });
      const body = await response.json().catch(() => null);
      if (step.expectStatus !== undefined && response.status !== step.expectStatus) {
        throw new Error(`${step.method ?? 'GET'} ${step.path}: ${response.status} ${JSON.stringify(body)}`);
      }
      return { status: response.status, body };
    }
    case 'mark': {
      // Remembers this document; 'sameDocument' later proves the page updated without a reload.
      const mark = `m${Math.random().toString(36).slice(2)}`;
      await page.evaluate((m) => { window.dashboardCheckMark = m; }, mark);
      return mark;
    }
    case 'sameDocument':
      return page.evaluate((m) => window.dashboardCheckMark === m, step.mark);
    case 'reload':
      await page.goto(step.url ?? plan.url, { waitUntil: 'domcontentloaded' });
      return undefined;
    case 'clearSession':
      await page.evaluate(() => sessionStorage.clear());
      await page.goto(plan.url, { waitUntil: 'domcontentloaded' });
      return undefined;
    case 'popup': {
      const pageOf = (response) => { try { return response.frame().page(); } catch { return undefined; } };
      // A link that opens a new tab: click it, wait in the new tab for a selector, screenshot the tab, close it.
      // The tab is another application (Orleans' dashboard): what this check owns is that every request it makes is
      // served. Its own script errors are reported beside the value, not counted as ours.
      const popupPromise = context.waitForEvent('page', { timeout });
      const responses = [];
      const pageErrors = [];
      const onResponse = (response) => responses.push(response);
      context.on('response', onResponse);
      const [popup] = await Promise.all([popupPromise, nth(locator, step).click({ timeout })]);
      popup.on('pageerror', (error) => pageErrors.push(String(error.stack ?? error.message).split('\n').slice(0, 2).join(' ')));
      await popup.locator(step.waitFor).first().waitFor({ state: 'visible', timeout });
      const file = join(outDir, `${safe(step.name)}.png`);
      await popup.screenshot({ path: file, fullPage: true });
      screenshots.push(file);
      context.off('response', onResponse);
      const refused = responses
        .filter((r) => r.status() >= 400 && pageOf(r) === popup)
        .map((r) => `${r.status()} ${r.url()}`);
      const value = { url: popup.url(), texts: (await popup.locator(step.waitFor).allTextContents()).map((t) => t.trim()), refused, pageErrors };
      await popup.close();
      return value;
    }
    case 'screenshot': {
      const file = join(outDir, `${safe(step.name)}.png`);
      // From the top: the sticky top bar would otherwise be drawn wherever the page was scrolled to.
      await page.evaluate(() => window.scrollTo(0, 0));
      await page.screenshot({ path: file, fullPage: step.fullPage ?? true });
      screenshots.push(file);
      return file;
    }
    default:
      throw new Error(`unknown op '${step.op}'`);
  }
}

function nth(locator, step) {
  if (!locator) throw new Error(`${step.op} needs a selector`);
  return step.nth === undefined ? locator.first() : locator.nth(step.nth);
}

async function poll(check, timeout, describe) {
  const deadline = Date.now() + timeout;
  for (let delay = 50; ; delay = Math.min(delay * 2, 500)) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeout} ms: ${typeof describe === 'function' ? describe() : describe}`);
    // Playwright's own polling interval helper: waits on the page's event loop, not a fixed sleep of the test.
    await page.waitForTimeout(delay);
  }
}

// "{{run.body.run_id}}" in a step is replaced by what an earlier step saved.
function substitute(step) {
  return JSON.parse(JSON.stringify(step), (_, value) => typeof value === 'string'
    ? value.replace(/\{\{([\w.]+)\}\}/g, (_, path) => {
      const found = path.split('.').reduce((v, k) => (v == null ? undefined : v[k]), saved);
      if (found === undefined) throw new Error(`nothing saved at ${path}`);
      return String(found);
    })
    : value);
}

function safe(name) {
  return String(name).replace(/[^\w.-]+/g, '-');
}

async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}
