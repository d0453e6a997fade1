// A slow phone (慢速手机): a 200 KB/s link with 150 ms of latency and a CPU
// four times slower, in Chromium, with an empty cache. Pages without an
// island download no WASM; an interactive page downloads at most the size
// budget. The timings are printed, not asserted (they are measured, see
// README "Fast on a phone").
const { test, expect } = require('./helpers');
const { LINE_KB, measure, report } = require('../size-budget');

const KB = 1024;
const READING = ['/', '/windows', '/register'];
const INTERACTIVE = ['/login', '/password-reset', '/register/online'];
// Every interactive page downloads the one module, within the budget
// (LINE_KB is BUDGET_KB, see size-budget.js).
const budgetOf = () => LINE_KB * KB;

/** Opens a page on the slow profile: what it downloaded and when. */
async function slowVisit(page, path) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false,
    latency: 150,
    downloadThroughput: 200 * KB,
    uploadThroughput: 100 * KB,
  });
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
  const requests = new Map();
  cdp.on('Network.responseReceived', (e) => requests.set(e.requestId, { url: e.response.url, bytes: 0, failed: false }));
  cdp.on('Network.loadingFinished', (e) => {
    const r = requests.get(e.requestId);
    if (r) r.bytes = e.encodedDataLength;
  });
  cdp.on('Network.loadingFailed', (e) => {
    const r = requests.get(e.requestId);
    if (r) r.failed = true;
  });
  const response = await page.goto(path, { waitUntil: 'load' });
  expect(response.status(), path).toBe(200);
  await page.waitForLoadState('networkidle');
  const timing = await page.evaluate(() => {
    const paint = performance.getEntriesByName('first-contentful-paint')[0];
    const nav = performance.getEntriesByType('navigation')[0];
    const wasm = performance.getEntriesByType('resource').filter((r) => /\.wasm$/.test(new URL(r.name).pathname));
    return {
      firstPaint: paint ? paint.startTime : null,
      load: nav ? nav.loadEventEnd : null,
      wasmArrived: wasm.length ? Math.max(...wasm.map((r) => r.responseEnd)) : null,
    };
  });
  await cdp.detach();
  const downloads = [...requests.values()];
  expect(downloads.filter((r) => r.failed), `${path}: failed requests`).toEqual([]);
  return { downloads, timing };
}

function line(path, { downloads, timing }) {
  const bytes = (re) => downloads.filter((r) => re.test(new URL(r.url).pathname)).reduce((n, r) => n + r.bytes, 0);
  const ms = (v) => (v == null ? '—' : `${(v / 1000).toFixed(2)} s`);
  return `${path.padEnd(18)} ${String(downloads.length).padStart(2)} requests ${(bytes(/./) / KB).toFixed(1).padStart(6)} KB` +
    ` (wasm+js ${(bytes(/\.(wasm|js)$/) / KB).toFixed(1).padStart(6)} KB)` +
    `  first paint ${ms(timing.firstPaint)}  wasm arrived ${ms(timing.wasmArrived)}  load ${ms(timing.load)}`;
}

test.describe('a slow phone', () => {
  test.skip(({ isMobile }) => !isMobile, 'the phone profile only');

  test('the interactive parts stay within the size budget, as served', async ({ baseURL }) => {
    for (const path of INTERACTIVE) {
      const result = await measure(baseURL, path);
      report(result);
      expect(result.assets.length, `${path} names its JS and WASM`).toBeGreaterThanOrEqual(2);
      for (const asset of result.assets) {
        expect(asset.encoding, asset.path).toBe('br');
        expect(asset.cache, asset.path).toContain('immutable');
      }
      expect(result.total, `${path}: ${(result.total / KB).toFixed(1)} KB`).toBeLessThanOrEqual(budgetOf());
    }
  });

  test('pages without an island download no WASM', async ({ page }) => {
    for (const path of READING) {
      const visit = await slowVisit(page, path);
      console.log(line(path, visit));
      const code = visit.downloads.filter((r) => /\.(wasm|js)$/.test(new URL(r.url).pathname));
      expect(code.map((r) => r.url), path).toEqual([]);
    }
  });

  test('an interactive page downloads at most the size line', async ({ page }) => {
    for (const path of INTERACTIVE) {
      const visit = await slowVisit(page, path);
      console.log(line(path, visit));
      const code = visit.downloads.filter((r) => /\.(wasm|js)$/.test(new URL(r.url).pathname));
      expect(code.some((r) => /\.wasm$/.test(new URL(r.url).pathname)), `${path} loads its WASM`).toBeTruthy();
      const codeBytes = code.reduce((n, r) => n + r.bytes, 0);
      // The bodies, and the headers of the requests that carried them
      // (about 0.3 KB each).
      const requests = code.length;
      expect(codeBytes, `${path}: its JS and WASM on the wire`).toBeLessThanOrEqual(budgetOf() + requests * 400);
    }
  });
});
