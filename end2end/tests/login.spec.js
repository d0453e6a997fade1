// Login and logout, and the language switch.
const { test, expect, account } = require('./helpers');

test('an online user logs in, sees what they may do, and logs out', async ({ page }, info) => {
  const user = account(info, 'Online-registered individual');
  await page.goto('/login');
  await page.getByLabel('账号').fill(user.login);
  await page.getByLabel('密码').fill('wrong-password-1');
  await page.getByRole('button', { name: '登录' }).click();
  await expect(page.getByRole('alert')).toContainText('账号或密码不正确');
  await expect(page.getByLabel('账号')).toHaveValue(user.login);

  await page.getByLabel('密码').fill(user.password);
  await page.getByRole('button', { name: '登录' }).click();
  await expect(page).toHaveURL(/\/account$/);
  await expect(page.getByTestId('channel')).toContainText('网上注册');
  await expect(page.getByTestId('allowed-services')).toContainText('电子监控');

  await page.getByRole('button', { name: '退出' }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole('link', { name: '登录' }).first()).toBeVisible();
  await page.goto('/account');
  await expect(page).toHaveURL(/\/login\?next=%2Faccount$/);
});

test('the page switches to English and back', async ({ page }) => {
  await page.goto('/login');
  await page.getByRole('link', { name: 'English' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Log in');
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await page.getByRole('link', { name: '中文' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('登录');
});
