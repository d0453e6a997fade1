// Roaming (漫游), 冀 → 京 and back: a person registered on the 冀 platform
// (this suite's, port 3100) logs in on the 京 platform (3101) with that
// account — 京's login page, 用其他省份账号登录, 冀's consent page — with no
// second registration; pays a fine 京 recorded on their 冀 car; goes back
// to 冀, still logged in there, and logs out, which ends the 京 login too.
// Both platforms are started by playwright.config.js, each on the other's
// trust list. Each browser project has its own owner (the 京 demo knows
// both).
const { test, expect, account, ownerCar } = require('./helpers');
const AxeBuilder = require('@axe-core/playwright').default;

const BEIJING = 'http://127.0.0.1:3101';

async function noAxeViolations(page) {
  const results = await new AxeBuilder({ page }).analyze();
  expect(results.violations.map((v) => `${v.id}: ${v.help}`)).toEqual([]);
}

test('a person of 冀 roams into 京, pays a fine there, and logging out at home ends it', async ({ page }, info) => {
  const owner = account(info, 'Online-registered individual');
  const car = ownerCar(info);

  // At home.
  await page.goto('/login');
  await page.getByLabel('账号').fill(owner.login);
  await page.getByLabel('密码').fill(owner.password);
  await page.getByRole('button', { name: '登录' }).click();
  await expect(page).toHaveURL(/\/account$/);

  // 京's login page offers the provinces it trusts.
  await page.goto(`${BEIJING}/login`);
  await expect(page.getByRole('heading', { name: '用其他省份账号登录' })).toBeVisible();
  await noAxeViolations(page);
  await page.getByRole('link', { name: /河北省/ }).click();

  // 冀 asks first, naming 京 and what it will be told.
  await expect(page).toHaveURL(/^http:\/\/127\.0\.0\.1:3100\/roam\/authorize\?/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('登录其他省份平台');
  await expect(page.getByText('北京市互联网交通安全综合服务管理平台').first()).toBeVisible();
  await expect(page.getByText(owner.login.slice(0, 6)).first()).toBeVisible();
  await noAxeViolations(page);
  await page.screenshot({ path: `test-results/roaming-consent-${info.project.name}.png`, fullPage: true });
  // Keyboard only: Tab to the agreement, Enter.
  await page.getByRole('button', { name: '同意并登录' }).focus();
  await page.keyboard.press('Enter');

  // In at 京, roaming: no registration, the account page says so.
  await expect(page).toHaveURL(`${BEIJING}/account`);
  await expect(page.getByTestId('roaming-notice')).toContainText('漫游登录');
  await noAxeViolations(page);
  await page.screenshot({ path: `test-results/roaming-account-${info.project.name}.png`, fullPage: true });

  // The 冀 car caught in Beijing: handled and paid here.
  await page.getByRole('link', { name: '违法处理', exact: true }).click();
  await expect(page.getByText(car.plate).first()).toBeVisible();
  await page.getByRole('link', { name: '处理 1019' }).first().click();
  await page.getByLabel('本人对上述违法事实无异议，接受处理').check();
  await page.getByRole('button', { name: '确认处理' }).click();
  await expect(page.getByRole('status')).toContainText('处理成功');
  await page.getByRole('button', { name: '去缴款' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('模拟银行支付');
  await page.getByRole('button', { name: '确认支付' }).click();
  await expect(page).toHaveURL(/127\.0\.0\.1:3101\/account\/receipts\/JK\d+$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('罚款缴纳凭证');

  // Back home: still logged in there (each platform its own cookie).
  await page.goto('/account');
  await expect(page).toHaveURL(/127\.0\.0\.1:3100\/account$/);
  await expect(page.getByTestId('roaming-notice')).toHaveCount(0);
  await page.getByRole('button', { name: '退出' }).click();
  await expect(page).toHaveURL(/127\.0\.0\.1:3100\/$/);

  // The 京 login ended with it (the notice goes server to server).
  await expect
    .poll(async () => {
      await page.goto(`${BEIJING}/account`);
      return new URL(page.url()).pathname;
    }, { timeout: 10_000 })
    .toBe('/login');
});

test('a roaming login that did not start in this browser is refused with a plain message', async ({ page }) => {
  await page.goto(`${BEIJING}/roam/callback?code=0123456789abcdef0123456789abcdef&state=0123456789abcdef0123456789abcdef`);
  await expect(page).toHaveURL(`${BEIJING}/login?roaming=state_mismatch`);
  await expect(page.getByTestId('login-notice')).toContainText('漫游登录未成功');
  await expect(page.getByTestId('login-notice')).toContainText('不是从这个浏览器发起的');
  await noAxeViolations(page);
});
