// Finding one's way: the 404 page, the large-text mode, and pages that
// show no source code whatever happens.
const { test, expect } = require('./helpers');

test('an unknown address shows the platform 404 page with the way home', async ({ page }) => {
  const res = await page.goto('/account/no-such-page');
  expect(res.status()).toBe(404);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('页面不存在');
  await page.getByRole('link', { name: 'English' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Page not found');
  await page.getByRole('link', { name: 'Go to the home page' }).click();
  await expect(page).toHaveURL(/\/$/);
  await page.getByRole('link', { name: '中文' }).click();
});

test('the large-text mode is one switch away and is remembered', async ({ page }) => {
  await page.goto('/login');
  const html = page.locator('html');
  await expect(html).not.toHaveClass(/text-large/);
  const before = await page.getByRole('heading', { level: 1 }).evaluate((h) => parseFloat(getComputedStyle(h).fontSize));
  await page.getByRole('link', { name: '大字版' }).click();
  await expect(page).toHaveURL(/\/login$/);
  await expect(html).toHaveClass(/text-large/);
  const after = await page.getByRole('heading', { level: 1 }).evaluate((h) => parseFloat(getComputedStyle(h).fontSize));
  expect(after).toBeGreaterThan(before * 1.2);
  // Kept across pages, and nothing scrolls sideways on a phone.
  await page.goto('/register/online?kind=owner_or_driver');
  await expect(html).toHaveClass(/text-large/);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await page.getByRole('link', { name: '标准字号' }).click();
  await expect(html).not.toHaveClass(/text-large/);
});

test('the development server says so on every page, and the home page says who each service is for', async ({ page }) => {
  for (const path of ['/', '/login', '/windows', '/no-such-page']) {
    await page.goto(path);
    await expect(page.getByTestId('dev-banner'), path).toContainText('开发演示环境');
  }
  await page.goto('/');
  const item = (code) => page.locator('.service-list__item').filter({ hasText: code });
  await expect(item('V1').locator('.service-list__who')).toHaveText('窗口注册的个人用户');
  await expect(item('D8').locator('.service-list__who')).toHaveText('经交管部门授权的单位');
  await expect(item('D12').locator('.service-list__who')).toHaveText('学员');
  // The footer names the authority from the configuration file.
  await expect(page.locator('footer')).toContainText('河北省公安厅交通警察总队');
});
