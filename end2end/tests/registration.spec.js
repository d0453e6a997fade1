// Online registration (网上注册): success when the phone matches the phone on
// record, refusal with the window list when it does not.
const { test, expect, demo, latestCode } = require('./helpers');

test('a person registers online with the phone on record', async ({ page, request }, info) => {
  const people = demo().can_register_online;
  const [id, name, phone] = people[info.project.name === 'phone' ? 0 : 1];

  await page.goto('/register');
  await page.getByRole('link', { name: '车主或驾驶人' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('个人用户网上注册');

  // The browser explains a wrong check digit as the person types: this only
  // works once the WASM island has hydrated.
  const idField = page.getByLabel('公民身份号码');
  const wrongCheck = id.slice(0, 17) + (id[17] === '1' ? '2' : '1');
  await idField.fill(wrongCheck);
  await idField.blur();
  await expect(page.locator('#id_number-error')).toContainText('校验');
  await idField.fill(id);
  await expect(page.locator('#id_number-error')).toHaveText('');

  await page.getByLabel('姓名').fill(name);
  await page.getByLabel('手机号码').fill(phone);
  await page.getByRole('button', { name: '获取短信验证码' }).click();
  await expect(page.getByText(/验证码已发送至/)).toBeVisible();

  const code = await latestCode(request, phone);
  await page.getByLabel('短信验证码').fill(code);
  await page.getByLabel('设置登录密码').fill('Lvse-chuxing-2026');
  await page.getByLabel('再次输入密码').fill('Lvse-chuxing-2026');
  await page.getByRole('button', { name: '完成注册' }).click();

  await expect(page).toHaveURL(/\/account$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('我的主页');
  await expect(page.getByTestId('channel')).toContainText('网上注册');
  await expect(page.getByTestId('refused-services')).toContainText('窗口注册');
});

test('a phone that differs from the record is refused with the window list', async ({ page }, info) => {
  const people = demo().can_register_online;
  const [id, name, phone] = people[info.project.name === 'phone' ? 2 : 3];
  const otherPhone = phone.startsWith('139') ? '13800000000' : '13900000000';

  await page.goto('/register/online?kind=owner_or_driver');
  await page.getByLabel('公民身份号码').fill(id);
  await page.getByLabel('姓名').fill(name);
  await page.getByLabel('手机号码').fill(otherPhone);
  await page.getByRole('button', { name: '获取短信验证码' }).click();

  const alert = page.getByRole('alert');
  await expect(alert).toContainText('手机号码不一致');
  await expect(alert).toContainText('注册窗口');
  const table = page.getByRole('table', { name: '个人用户注册窗口' }).first();
  await expect(table).toBeVisible();
  await expect(table.locator('tbody tr')).toHaveCount(26);
  // Nothing typed is lost.
  await expect(page.getByLabel('公民身份号码')).toHaveValue(id);
  await expect(page.getByLabel('手机号码')).toHaveValue(otherPhone);
});

test('units are told to register at the unit window', async ({ page }) => {
  await page.goto('/register');
  await page.getByRole('link', { name: '单位用户只能到单位用户注册窗口注册' }).click();
  await expect(page.getByText('单位用户不能网上注册')).toBeVisible();
  await expect(page.getByRole('table', { name: '单位用户注册窗口' })).toContainText('石获南路228号');
});
