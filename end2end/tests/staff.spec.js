// A clerk at the unit window registers a car dealer with its special service.
const { test, expect, demo, residentId, creditCode, staffLogIn } = require('./helpers');

test('a clerk registers a unit at the unit window', async ({ page }, info) => {
  const clerk = demo().clerk_unit_window;
  const seed = info.project.name === 'phone' ? 4101 : 4102;
  const code = creditCode(700000 + seed);

  await staffLogIn(page, clerk);
  await page.getByRole('link', { name: '单位用户窗口注册' }).click();

  await page.getByRole('radio', { name: '汽车销售商' }).check();
  await page.getByLabel('单位名称').fill(`石家庄市示例汽车销售有限公司${seed}`);
  await page.getByLabel('统一社会信用代码').fill(code);
  await page.getByLabel('委托书编号').fill(`WTS-E2E-${seed}`);
  await page.getByLabel('代理人公民身份号码').fill(residentId(seed));
  await page.getByLabel('代理人姓名').fill('李文静');
  await page.getByLabel('代理人手机号码').fill(`1380311${seed}`);
  await page.getByRole('checkbox', { name: /临时号牌核发/ }).check();
  // The passwords differ: the form comes back with the problem and what
  // was typed (never a password).
  await page.getByLabel('单位账户登录密码').fill('Xiaoshou-2026!');
  await page.getByLabel('再次输入密码').fill('Xiaoshou-2027!');
  await page.getByRole('button', { name: '确认注册' }).click();
  await expect(page.getByRole('alert')).toContainText('两次输入的密码不一致');
  await expect(page.getByLabel('单位名称')).toHaveValue(`石家庄市示例汽车销售有限公司${seed}`);
  await expect(page.getByRole('checkbox', { name: /临时号牌核发/ })).toBeChecked();
  await expect(page.getByLabel('单位账户登录密码')).toHaveValue('');
  await page.screenshot({ path: test.info().outputPath('unit-form-refused.png'), fullPage: true });
  await page.getByLabel('单位账户登录密码').fill('Xiaoshou-2026!');
  await page.getByLabel('再次输入密码').fill('Xiaoshou-2026!');
  await page.getByRole('button', { name: '确认注册' }).click();

  await expect(page.getByRole('status').filter({ hasText: '注册成功' })).toBeVisible();

  // The new unit logs in and sees its window registration and its grant.
  await page.getByRole('button', { name: '退出' }).click();
  await page.goto('/login');
  await page.getByLabel('账号').fill(code);
  await page.getByLabel('密码').fill('Xiaoshou-2026!');
  await page.getByRole('button', { name: '登录' }).click();
  await expect(page).toHaveURL(/\/unit$/);
  await expect(page.locator('main')).toContainText('窗口注册');
  await expect(page.locator('main')).toContainText('临时号牌核发');
});
