// A learner books a driving test; days later the booking has closed and the
// scheduled job has given out the seats, with nobody pressing a button.
//
// "Days later" needs a clock that moves, and the shared e2e server (one
// process for every spec) must keep the real one. So this journey runs its
// own server from the same build, on its own database and port:
// first on the real clock, to book; then, on the same database, restarted
// with the development clock offset (DEV_CLOCK_OFFSET_SECS; production
// refuses it, server/tests/api/run_modes.rs) just past the booking deadline,
// and the jobs every second. Nobody logs in as staff.
const { spawn } = require('child_process');
const fs = require('fs');
const net = require('net');
const path = require('path');
const { test, expect } = require('./helpers');

const ROOT = path.join(__dirname, '..', '..');
// The same binary as playwright.config.js serves (E2E_SERVER, relative to
// end2end/, or the test-profile build).
const SERVER = process.env.E2E_SERVER
  ? path.resolve(__dirname, '..', process.env.E2E_SERVER)
  : path.join(ROOT, 'target', 'debug', 'server');
const SITE = path.join(ROOT, 'target', 'site');
const TMP = path.join(__dirname, '..', '.tmp');

/** A port nobody listens on now. */
function freePort() {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

/**
 * Starts the server with `env` over a clean environment of its own
 * (nothing from the shell leaks in), and waits until /healthz answers.
 * Rejects with the server's own words when it exits first.
 */
async function startServer(port, env, timeoutMs = 180_000) {
  const child = spawn(SERVER, [], {
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      LEPTOS_SITE_ROOT: SITE,
      PLATFORM_ADDR: `127.0.0.1:${port}`,
      RUST_LOG: 'warn',
      ...env,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  const exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const early = await Promise.race([exited, new Promise((r) => setTimeout(() => r(undefined), 250))]);
    if (early !== undefined) throw new Error(`the server exited with ${early}:\n${stderr}`);
    try {
      const res = await fetch(`${base}/healthz`);
      if (res.ok) return { child, base, exited, stderr: () => stderr };
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the server did not answer /healthz within ${timeoutMs} ms:\n${stderr}`);
    }
  }
}

/** Stops a server started here (graceful: SIGTERM), and waits for it. */
async function stopServer(server) {
  if (server.child.exitCode === null) server.child.kill('SIGTERM');
  await server.exited;
}

async function logIn(page, base, learner) {
  await page.goto(`${base}/login`);
  await page.getByLabel('账号').fill(learner.login);
  await page.getByLabel('密码').fill(learner.password);
  await page.getByRole('button', { name: '登录' }).click();
  await expect(page).toHaveURL(/\/account$/);
}

test('a booking is allocated by the scheduled job once booking has closed, with nobody pressing a button', async ({ page }, info) => {
  test.setTimeout(420_000);
  fs.mkdirSync(TMP, { recursive: true });
  const db = path.join(TMP, `jobs-${info.project.name}.db`);
  const summary = path.join(TMP, `jobs-${info.project.name}.json`);
  for (const file of [db, `${db}-wal`, `${db}-shm`, summary]) fs.rmSync(file, { force: true });
  const port = await freePort();
  const common = { PLATFORM_ENV: 'development', DATABASE_URL: `sqlite://${db}`, DEMO_DATA: '1' };

  // Today: the learner books the first bookable subject-1 session.
  let server = await startServer(port, { ...common, DEMO_SUMMARY_JSON: summary });
  let bookedSession;
  try {
    const learner = JSON.parse(fs.readFileSync(summary, 'utf8')).logins.find((l) => l.role_en.startsWith('Learner'));
    await logIn(page, server.base, learner);
    await page.goto(`${server.base}/account/exams`);
    await page.getByRole('button', { name: /^预约 1 / }).first().click();
    await expect(page.getByRole('status')).toContainText('预约已提交');
    await expect(page.getByTestId('exam-status')).toHaveText('待分配');
    const overview = await (await page.request.post(`${server.base}/api/exams/overview`, { headers: { accept: 'application/json', 'sec-fetch-site': 'same-origin' } })).json();
    expect(overview.bookings.items).toHaveLength(1);
    bookedSession = overview.bookings.items[0].session;
    expect(bookedSession.closes_at_ms).toBeGreaterThan(Date.now());
    await stopServer(server);

    // Later: the same platform, its clock just past the booking deadline,
    // the jobs every second. The learner comes back and logs in again.
    const offset = Math.ceil((bookedSession.closes_at_ms - Date.now()) / 1000) + 30;
    server = await startServer(port, { ...common, DEV_CLOCK_OFFSET_SECS: String(offset), JOBS_EVERY_SECS: '1' });
    await logIn(page, server.base, learner);
    await expect(page.getByTestId('dev-banner')).toBeVisible();
    await page.goto(`${server.base}/account/exams`);
    await expect(async () => {
      await page.reload();
      await expect(page.getByTestId('exam-status')).not.toHaveText('待分配', { timeout: 1_000 });
    }).toPass({ timeout: 30_000 });

    // What the page says is what the platform holds: a seat, and the rank.
    const after = await (await page.request.post(`${server.base}/api/exams/overview`, { headers: { accept: 'application/json', 'sec-fetch-site': 'same-origin' } })).json();
    expect(after.bookings.items[0].status).toBe('allocated');
    expect(after.bookings.items[0].session.id).toBe(bookedSession.id);
    await expect(page.getByTestId('exam-status')).toHaveText('已约上');
    await expect(page.getByTestId('exam-booking')).toContainText(`排序第${after.bookings.items[0].rank}位`);
    // Nobody can book the closed session any more: it is off the list.
    expect(after.sessions.map(([s]) => s.id)).not.toContain(bookedSession.id);

    // The learner was told in the message centre too.
    await page.goto(`${server.base}/account/messages`);
    await expect(page.getByText('考试预约成功').first()).toBeVisible();

    // The open queue (考试名额分配公示), as anyone sees it: the session's
    // seats given and its bookings by date are what the platform holds,
    // and no one is named.
    const visitor = await page.context().browser().newContext();
    const open = await visitor.newPage();
    await open.goto(`${server.base}/exams/queue/${bookedSession.id}`);
    const queue = await (await open.request.post(`${server.base}/api/exams/queue`, {
      headers: { accept: 'application/json', 'sec-fetch-site': 'same-origin' },
      form: { session_id: String(bookedSession.id) },
    })).json();
    expect(queue.session.allocated).toBeGreaterThanOrEqual(1);
    expect(queue.by_rank).toBe(true);
    await expect(open.getByTestId('queue-session')).toContainText(new RegExp(`已分配名额\\s*${queue.session.allocated}`));
    await expect(open.getByTestId('queue-outcome')).toContainText('按顺序分配');
    const rows = open.getByTestId('queue-days').locator('tbody tr');
    await expect(rows).toHaveCount(queue.days.length);
    await expect(rows.first()).toContainText(queue.days[0].priority);
    await expect(open.locator('body')).not.toContainText(learner.login);
    await visitor.close();
  } finally {
    await stopServer(server);
  }
});
