// Accounts and finding one's way: the forgotten password, coming back to the
// page one asked for after logging in (with and without JavaScript), the
// welcome after registering, the home page once logged in, and the unread
// messages in the menu. Every journey that changes an account uses its own
// account per viewport (window-registered here by a clerk, or registered
// online from the demo registry).
const { test, expect, demo, account, latestCode, residentId, staffApiLogIn } = require('./helpers');

/** A fresh window-registered individual, registered by a clerk over the API. */
async function windowUser(playwright, baseURL, seed, name) {
  const office = await playwright.request.newContext({ baseURL });
  const json = { accept: 'application/json', 'sec-fetch-site': 'same-origin' };
  await staffApiLogIn(office, demo().logins.find((l) => l.role_en === (seed % 2 ? 'Window clerk' : 'Window clerk #2')));
  const user = { id: residentId(seed), name, phone: `1380322${seed}`, password: 'Chuangkou-2026' };
  const res = await office.post('/api/staff/register_individual', {
    form: {
      kind: 'owner_or_driver',
      id_number: user.id,
      name: user.name,
      phone: user.phone,
      password: user.password,
      password_confirm: user.password,
    },
    headers: json,
  });
  expect(res.ok(), await res.text()).toBeTruthy();
  await office.dispose();
  return user;
}

async function logIn(page, login, password) {
  await page.getByLabel('账号').fill(login);
  await page.getByLabel('密码', { exact: true }).fill(password);
  await page.getByRole('button', { name: '登录' }).click();
}

test('a forgotten password is reset by SMS code; the owner is told and other devices are logged out', async ({ page, playwright, request, baseURL }, info) => {
  const seed = info.project.name === 'phone' ? 5301 : 5302;
  const user = await windowUser(playwright, baseURL, seed, '赵丽华');
  // Logged in on another device, which the reset logs out.
  const other = await playwright.request.newContext({ baseURL });
  await other.post('/api/login', { form: { identifier: user.id, password: user.password }, headers: { accept: 'application/json', 'sec-fetch-site': 'same-origin' } });
  expect(await (await other.post('/api/my_account', { headers: { accept: 'application/json', 'sec-fetch-site': 'same-origin' } })).json()).not.toBeNull();

  await page.goto('/login');
  await page.getByRole('link', { name: '忘记密码？' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('忘记密码');
  await page.getByLabel('公民身份号码').fill(user.id);
  await page.getByLabel('手机号码').fill(user.phone);
  await page.getByRole('button', { name: '获取短信验证码' }).click();
  await expect(page.getByTestId('reset-sent')).toContainText(`验证码已发送至 ${user.phone.slice(0, 3)}****${user.phone.slice(7)}`);
  // The keyboard carries on at the code.
  await expect(page.getByLabel('短信验证码')).toBeFocused();

  const code = await latestCode(request, user.phone);
  await page.getByLabel('短信验证码').fill(code === '000000' ? '111111' : '000000');
  await page.getByLabel('新的登录密码').fill('Xin-mima-2026');
  await page.getByLabel('再次输入新密码').fill('Xin-mima-2026');
  await page.getByRole('button', { name: '重置密码' }).click();
  await expect(page.getByRole('alert')).toContainText('验证码不正确');
  // Nothing typed is lost.
  await expect(page.getByLabel('新的登录密码')).toHaveValue('Xin-mima-2026');

  await page.getByLabel('短信验证码').fill(code);
  await page.getByRole('button', { name: '重置密码' }).click();
  await expect(page).toHaveURL(/\/login\?reset=1$/);
  await expect(page.getByTestId('login-notice')).toContainText('密码已重置');
  expect(await (await other.post('/api/my_account', { headers: { accept: 'application/json', 'sec-fetch-site': 'same-origin' } })).json()).toBeNull();
  await other.dispose();

  await logIn(page, user.id, 'Xin-mima-2026');
  await expect(page).toHaveURL(/\/account$/);
  // The reset left a message: the menu counts it, rendered by the server.
  const messages = page.getByRole('link', { name: '消息（1条未读）' });
  await expect(messages).toBeVisible();
  await messages.click();
  await expect(page.getByTestId('messages')).toContainText('登录密码已重置');
  await expect(page.getByRole('link', { name: '消息', exact: true })).toHaveAttribute('aria-current', 'page');
  await page.goto('/account');
  await expect(page.getByRole('link', { name: '消息', exact: true })).toBeVisible();
});

test('units and staff are told where their password is reset', async ({ page }) => {
  const unit = demo().logins.find((l) => l.role_en.startsWith('Car dealer'));
  await page.goto('/password-reset');
  await page.getByLabel('公民身份号码').fill(unit.login);
  await page.getByLabel('手机号码').fill('13800000000');
  await page.getByRole('button', { name: '获取短信验证码' }).click();
  await expect(page.getByRole('alert')).toContainText('单位用户注册窗口');
  await page.getByLabel('公民身份号码').fill('clerk01');
  await page.getByRole('button', { name: '获取短信验证码' }).click();
  await expect(page.getByRole('alert')).toContainText('系统管理员');
});

test('a page opened while logged out comes back after login; the home page shows the way on', async ({ page, playwright, baseURL }, info) => {
  const seed = info.project.name === 'phone' ? 5311 : 5312;
  const user = await windowUser(playwright, baseURL, seed, '孙志强');
  await page.goto('/account/vehicles');
  await expect(page).toHaveURL(/\/login\?next=%2Faccount%2Fvehicles$/);
  await expect(page.getByTestId('login-notice')).toHaveText('请先登录，登录后将返回您要访问的页面。');
  await logIn(page, user.id, user.password);
  await expect(page).toHaveURL(/\/account\/vehicles$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('我的机动车');

  await page.goto('/');
  await expect(page.getByText('先注册，再登录办理')).toHaveCount(0);
  await page.getByRole('link', { name: '进入我的账户' }).click();
  await expect(page).toHaveURL(/\/account$/);
});

// Plain forms (no island): the number is refused beside its field and kept,
// the code goes to the new number, and the change needs the password too.
test('a driver changes the phone on the licence record', async ({ page, request }, info) => {
  const driver = account(info, 'Window-registered driver (licence due for renewal)');
  const phone = info.project.name === 'phone' ? '13912345601' : '13912345602';
  await page.goto('/account/licence');
  await logIn(page, driver.login, driver.password);
  await expect(page).toHaveURL(/\/account\/licence$/);
  const bind = page.getByRole('button', { name: '绑定本人驾驶证' });
  if (await bind.count()) {
    await bind.click();
    await expect(page.getByRole('status')).toContainText('绑定成功');
  }
  await page.getByRole('link', { name: '变更驾驶人联系方式' }).click();
  await expect(page).toHaveURL(/\/account\/contact\?target=licence$/);
  await page.getByLabel('新的手机号码').fill('1391234');
  await page.getByRole('button', { name: '发送验证码' }).click();
  await expect(page.getByRole('alert')).toContainText('新的手机号码');
  await expect(page.getByLabel('新的手机号码')).toHaveValue('1391234');

  await page.getByLabel('新的手机号码').fill(phone);
  await page.getByRole('button', { name: '发送验证码' }).click();
  await expect(page.getByRole('status').filter({ hasText: '验证码已发送到' })).toContainText(`验证码已发送到${phone.slice(0, 3)}****${phone.slice(7)}`);
  await expect(page.getByLabel('新的手机号码')).toHaveValue(phone);
  await page.getByLabel('短信验证码').fill(await latestCode(request, phone));
  await page.getByLabel('登录密码（再次确认是您本人）').fill(driver.password);
  await page.getByRole('button', { name: '确认变更' }).click();
  await expect(page).toHaveURL(/\/account\?contact=1$/);
  await expect(page.getByText('联系方式已变更')).toBeVisible();
});

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('login still returns to the page asked for, and never to another site', async ({ page, playwright, baseURL }, info) => {
    const seed = info.project.name === 'phone' ? 5321 : 5322;
    const user = await windowUser(playwright, baseURL, seed, '钱文静');
    await page.goto('/account/contact?target=licence');
    await expect(page).toHaveURL(/\/login\?next=%2Faccount%2Fcontact%3Ftarget%3Dlicence$/);
    await logIn(page, user.id, user.password);
    await expect(page).toHaveURL(/\/account\/contact\?target=licence$/);

    // A crafted link to another site lands on the account home instead.
    await page.getByRole('button', { name: '退出' }).click();
    await page.goto('/login?next=%2F%5Cevil.example');
    await expect(page.getByTestId('login-notice')).toHaveCount(0);
    await logIn(page, user.id, user.password);
    await expect(page).toHaveURL(/127\.0\.0\.1:\d+\/account$/);
  });
});

test('after registering online the account home says so', async ({ page, request }, info) => {
  const people = demo().can_register_online;
  const [id, name, phone] = people[info.project.name === 'phone' ? 8 : 9];
  await page.goto('/register/online?kind=owner_or_driver');
  await page.getByLabel('公民身份号码').fill(id);
  await page.getByLabel('姓名').fill(name);
  await page.getByLabel('手机号码').fill(phone);
  await page.getByRole('button', { name: '获取短信验证码' }).click();
  await expect(page.getByText(/验证码已发送至/)).toBeVisible();
  await page.getByLabel('短信验证码').fill(await latestCode(request, phone));
  await page.getByLabel('设置登录密码').fill('Lvse-chuxing-2026');
  await page.getByLabel('再次输入密码').fill('Lvse-chuxing-2026');
  await page.getByRole('button', { name: '完成注册' }).click();
  await expect(page).toHaveURL(/\/account\?welcome=1$/);
  await expect(page.getByRole('status')).toContainText('注册成功');
});
