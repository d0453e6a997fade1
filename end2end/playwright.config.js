// Browser journeys against the site as built for production (optimised
// WASM, JS and CSS) served by the test-profile server (`make build-e2e`;
// E2E_SERVER names another binary, e.g. ../target/release/server), in
// Debian's Chromium
// (Playwright's own browser download is not available on these machines).
const { defineConfig } = require('@playwright/test');

const PORT = 3100;
// The second platform (京), for the roaming journey.
const BEIJING_PORT = 3101;
const SERVER = process.env.E2E_SERVER || '../target/debug/server';

module.exports = defineConfig({
  testDir: './tests',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
    trace: 'off',
  },
  projects: [
    {
      name: 'phone',
      use: { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 },
    },
    { name: 'desktop', use: { viewport: { width: 1280, height: 800 } } },
  ],
  // 冀, the suite's platform, then 京 for the roaming journey
  // (roaming.spec.js): each on the other's trust list, 京 with 冀's demo
  // people who have business in Beijing (started once 冀 answers, so its
  // demo summary is written).
  webServer: [
    {
      command:
        'rm -rf .tmp && mkdir -p .tmp && ' +
        `./trust-each-other.sh ${SERVER} 127.0.0.1:${PORT} 127.0.0.1:${BEIJING_PORT} && ` +
        `PLATFORM_ENV=development DATABASE_URL=sqlite://.tmp/e2e.db PLATFORM_PROFILE=.tmp/hebei.toml DEMO_DATA=1 DEMO_SUMMARY_JSON=.tmp/demo.json DEV_SMS_OUTBOX=1 TRUSTED_PROXIES=127.0.0.1 OPEN_API_DOCS_DIR=../api-docs/node_modules/swagger-ui-dist ` +
        `LEPTOS_SITE_ROOT=../target/site PLATFORM_ADDR=127.0.0.1:${PORT} ${SERVER}`,
      url: `http://127.0.0.1:${PORT}/healthz`,
      timeout: 180_000,
      reuseExistingServer: false,
      stdout: 'ignore',
      stderr: 'pipe',
    },
    {
      command:
        `PLATFORM_ENV=development DATABASE_URL=sqlite://.tmp/bj/platform.db PLATFORM_PROFILE=.tmp/beijing.toml DEMO_DATA=1 DEMO_VISITORS_JSON=.tmp/demo.json DEV_SMS_OUTBOX=1 ` +
        `LEPTOS_SITE_ROOT=../target/site PLATFORM_ADDR=127.0.0.1:${BEIJING_PORT} ${SERVER}`,
      url: `http://127.0.0.1:${BEIJING_PORT}/healthz`,
      timeout: 180_000,
      reuseExistingServer: false,
      stdout: 'ignore',
      stderr: 'pipe',
    },
  ],
});
