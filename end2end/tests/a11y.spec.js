// Accessibility: axe-core (WCAG 2.1 A and AA rules) on every page a visitor
// can reach, for each kind of visitor, on the phone and the desktop
// viewport. The pages are found by following the links each visitor sees
// (breadth first from their home), so a page added later is checked as soon
// as anything links to it.
const { test, expect, demo, account, staff, staffLogIn } = require('./helpers');
const AxeBuilder = require('@axe-core/playwright').default;

const WCAG = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
// Links that change something or leave the pages (the open API's JSON
// document among them): never followed.
const SKIP = [/^\/open\/v1\//, /^\/lang\//, /^\/text-size\//, /^\/dev\//, /^\/payments\//, /^\/api\//, /^\/pkg\//, /\/image$/, /\.csv(\?|$)/];
const MAX_PAGES = 45;

// Citizens with a twin are this project's own; units are shared; staff
// log in with their second factor.
const CITIZENS = ['Online-registered individual', 'Window-registered individual', 'Learner'];

function login(info, role) {
  if (CITIZENS.includes(role)) return account(info, role);
  const l = demo().logins.find((x) => x.role_en.startsWith(role));
  if (!l) throw new Error(`no demo login for ${role}`);
  return l;
}

/** One page per shape: /account/violations/12 and /13 are the same page. */
function shape(path) {
  return path
    .split('?')[0]
    .split('/')
    .map((seg) => (/\d/.test(seg) && seg.length > 1 ? ':n' : seg))
    .join('/');
}

async function violationsOf(page) {
  const results = await new AxeBuilder({ page }).withTags(WCAG).analyze();
  return results.violations.map(
    (v) => `${v.id} (${v.impact}): ${v.help}\n    ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join('\n    ')}`,
  );
}

async function crawl(page, start) {
  const seen = new Set();
  const queue = [start];
  const problems = [];
  let scanned = 0;
  while (queue.length && scanned < MAX_PAGES) {
    const path = queue.shift();
    const key = shape(path);
    if (seen.has(key)) continue;
    seen.add(key);
    const res = await page.goto(path);
    expect(res.status(), `${path} answers`).toBeLessThan(500);
    const here = new URL(page.url());
    if (here.pathname !== path.split('?')[0] && seen.has(shape(here.pathname + here.search))) continue;
    scanned += 1;
    for (const v of await violationsOf(page)) problems.push(`${path}: ${v}`);
    const links = await page.$$eval('a[href]', (as) => as.map((a) => a.getAttribute('href')));
    for (const href of links) {
      if (!href || !href.startsWith('/') || href.startsWith('//')) continue;
      const clean = href.split('#')[0];
      if (!clean || SKIP.some((re) => re.test(clean))) continue;
      if (!seen.has(shape(clean))) queue.push(clean);
    }
  }
  return { problems, scanned };
}

const visitors = [
  { name: 'a visitor who is not logged in', start: '/' },
  { name: 'an online-registered individual', role: 'Online-registered individual', start: '/account' },
  { name: 'a window-registered individual', role: 'Window-registered individual', start: '/account' },
  { name: 'a learner', role: 'Learner', start: '/account' },
  { name: 'a car dealer', role: 'Car dealer', start: '/account' },
  { name: 'a road transport company', role: 'Road transport company', start: '/unit' },
  { name: 'a hospital', role: 'Hospital', start: '/unit' },
  { name: 'a driving school', role: 'Driving school', start: '/unit' },
  { name: "a unit's operator", role: 'Unit operator', operator: true, start: '/unit' },
  { name: 'a window clerk', role: 'Window clerk', start: '/staff', staff: true },
  { name: 'a business-centre clerk', role: 'Business-centre clerk', start: '/staff', staff: true },
  { name: 'a supervisor', role: 'Supervisor', start: '/staff', staff: true },
  { name: 'an administrator', role: 'Administrator', start: '/staff', staff: true },
];

for (const visitor of visitors) {
  test(`every page is accessible for ${visitor.name}`, async ({ page }, info) => {
    test.setTimeout(180_000);
    if (visitor.staff) {
      await staffLogIn(page, staff(info, visitor.role));
    } else if (visitor.operator) {
      const user = login(info, visitor.role);
      await page.goto('/login/operator');
      await page.getByLabel('单位代码').fill(user.login);
      await page.getByLabel('经办人登录名').fill(user.operator);
      await page.getByLabel('密码').fill(user.password);
      await page.getByRole('button', { name: '登录' }).click();
      await expect(page).toHaveURL(/\/unit$/);
    } else if (visitor.role) {
      const user = login(info, visitor.role);
      await page.goto('/login');
      await page.getByLabel('账号').fill(user.login);
      await page.getByLabel('密码').fill(user.password);
      await page.getByRole('button', { name: '登录' }).click();
      await expect(page).not.toHaveURL(/\/login/);
    }
    const { problems, scanned } = await crawl(page, visitor.start);
    expect(scanned, 'pages checked').toBeGreaterThan(visitor.role ? 3 : 4);
    expect(problems, problems.join('\n')).toEqual([]);
  });
}

test('English and large text are accessible too', async ({ page, context, baseURL }) => {
  await context.addCookies([
    { name: 'lang', value: 'en', url: baseURL },
    { name: 'text', value: 'large', url: baseURL },
  ]);
  const problems = [];
  for (const path of ['/', '/login', '/register', '/register/online?kind=owner_or_driver', '/windows', '/no/such/page']) {
    await page.goto(path);
    await expect(page.locator('html')).toHaveAttribute('lang', 'en');
    await expect(page.locator('html')).toHaveClass(/text-large/);
    for (const v of await violationsOf(page)) problems.push(`${path}: ${v}`);
  }
  expect(problems, problems.join('\n')).toEqual([]);
});
