// Staff roles (issue 10): an administrator creates a clerk, who sets up the
// second factor at first login; a window clerk upgrades an online user at
// the window and the citizen sees who viewed their record; a supervisor
// decides a blacklist appeal with the keyboard only and lifts the entry.
const { test, expect, demo, latestCode, staff, staffLogIn, staffApiLogIn, totpAt } = require('./helpers');

const json = { accept: 'application/json', 'sec-fetch-site': 'same-origin' };

async function logOut(page) {
  await page.getByRole('button', { name: '退出' }).click();
  await expect(page).toHaveURL(/\/$/);
}

test('an administrator creates a clerk, who sets up the second factor at first login', async ({ page }, info) => {
  const username = info.project.name === 'phone' ? 'e2eclerka' : 'e2eclerkb';
  const password = 'Minjing-2026-chushi';
  await staffLogIn(page, staff(info, 'Administrator'));
  await page.getByRole('link', { name: '民警账户管理' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('民警账户管理');
  await page.getByLabel('登录名').fill(username);
  await page.getByLabel('姓名').fill('窗口民警 周敏');
  await page.getByLabel('岗位').selectOption('window_clerk');
  await page.getByLabel('警号').fill(info.project.name === 'phone' ? '130881' : '130882');
  await page.getByLabel('所属单位').fill('石家庄市车辆管理所');
  await page.getByLabel('所在注册窗口（仅注册窗口民警）').selectOption({ index: 2 });
  await page.getByLabel('初始密码', { exact: true }).fill(password);
  await page.getByLabel('再次输入初始密码').fill(password);
  await page.getByRole('button', { name: '创建账户' }).click();
  await expect(page.getByRole('status').filter({ hasText: '已创建民警账户' })).toBeVisible();
  const row = page.getByTestId('staff-list').getByRole('row').filter({ hasText: username });
  await expect(row).toContainText('待绑定身份验证器');
  await logOut(page);

  // First login: the key is shown once; the app's code finishes it.
  await page.goto('/login');
  await page.getByLabel('账号').fill(username);
  await page.getByLabel('密码').fill(password);
  await page.getByRole('button', { name: '登录' }).click();
  await expect(page).toHaveURL(/\/login\/second-factor/);
  await expect(page.getByRole('heading', { name: '首次登录：绑定身份验证器' })).toBeVisible();
  await expect(page.getByRole('img', { name: '动态口令密钥二维码' })).toBeVisible();
  const key = (await page.getByTestId('totp-key').textContent()).replace(/\s/g, '');
  await page.getByLabel('动态口令', { exact: true }).fill('000000' === totpAt(key, Math.floor(Date.now() / 30000)) ? '111111' : '000000');
  await page.getByRole('button', { name: '完成绑定并登录' }).click();
  await expect(page.getByRole('alert')).toContainText('动态口令不正确');
  await page.getByLabel('动态口令', { exact: true }).fill(totpAt(key, Math.floor(Date.now() / 30000)));
  await page.getByRole('button', { name: '完成绑定并登录' }).click();
  await expect(page).toHaveURL(/\/staff$/);
  await expect(page.getByText('岗位：注册窗口民警')).toBeVisible();
  await expect(page.getByRole('link', { name: '个人用户窗口注册' })).toBeVisible();
  await expect(page.getByRole('link', { name: '民警账户管理' })).toHaveCount(0);
});

test('a window clerk upgrades an online user at the window; the citizen sees who viewed the record', async ({ page, playwright, baseURL }, info) => {
  // A person registers online (over the API), from the demo registry.
  const [id, name, phone] = demo().can_register_online[info.project.name === 'phone' ? 4 : 5];
  const password = 'Wangshang-2026-zc';
  const citizen = await playwright.request.newContext({ baseURL });
  const person = { kind: 'owner_or_driver', id_number: id, name, phone };
  const sent = await citizen.post('/api/send_registration_code', { form: person, headers: json });
  expect(sent.ok(), await sent.text()).toBeTruthy();
  const code = await latestCode(citizen, phone);
  const done = await citizen.post('/api/complete_registration', {
    form: { ...person, code, password, password_confirm: password },
    headers: json,
  });
  expect(done.ok(), await done.text()).toBeTruthy();
  await citizen.dispose();

  // At the window: find (masked), open (full), check the document, upgrade.
  const clerk = staff(info, 'Window clerk');
  await staffLogIn(page, clerk);
  await page.getByRole('link', { name: /账户查询/ }).click();
  await page.getByLabel('身份证号码、统一社会信用代码或手机号码').fill(id);
  await page.getByRole('button', { name: '查询' }).click();
  const hit = page.getByTestId('account-hits').getByRole('row').filter({ hasText: name });
  await expect(hit).toContainText('*');
  await expect(hit).not.toContainText(id);
  await hit.getByRole('link', { name: '打开档案' }).click();
  await expect(page.getByTestId('account-file')).toContainText(id);
  await expect(page.getByTestId('account-file')).toContainText('网上注册');
  await page.getByRole('button', { name: '转为窗口注册' }).click();
  await expect(page.getByRole('alert')).toContainText('请先核验申请人的身份证明原件');
  await page.locator('#upgrade-checked').check();
  await page.getByRole('button', { name: '转为窗口注册' }).click();
  await expect(page.getByRole('status').filter({ hasText: '已转为窗口注册用户' })).toBeVisible();
  await expect(page.getByTestId('account-file')).toContainText('窗口注册');
  await logOut(page);

  // The citizen: now window-registered, and sees the officer who looked.
  await page.goto('/login');
  await page.getByLabel('账号').fill(id);
  await page.getByLabel('密码').fill(password);
  await page.getByRole('button', { name: '登录' }).click();
  await expect(page).toHaveURL(/\/account$/);
  await expect(page.getByTestId('channel')).toContainText('窗口注册');
  await page.getByRole('link', { name: '谁查看过我的信息' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('谁查看过我的信息');
  const views = page.getByTestId('record-views');
  const police = info.project.name === 'phone' ? '130107' : '130114';
  await expect(views).toContainText(police);
  await expect(views).toContainText('注册窗口民警');
  await expect(views).toContainText('窗口民警核对账户');
});

/** Makes sure this project's window user has a blacklist entry in force. */
async function blacklistedWindowUser(playwright, baseURL, info) {
  const user = demo().logins.filter((l) => l.role_en.startsWith('Window-registered individual'))[info.project.name === 'phone' ? 0 : 1];
  const me = await playwright.request.newContext({ baseURL });
  await me.post('/api/login', { form: { identifier: user.login, password: user.password }, headers: json });
  const mine = await (await me.post('/api/my_blacklist', { headers: json })).json();
  if (!mine.some((e) => e.in_force)) {
    await me.post('/api/bind_licence', { headers: json });
    const applied = await me.post('/api/submit_application', {
      form: { service: 'D1', subject: 'licence', fulfilment: 'post', recipient: '张伟', recipient_phone: '13803110001', address: '河北省石家庄市长安区中山东路100号3单元502室' },
      headers: json,
    });
    expect(applied.ok(), await applied.text()).toBeTruthy();
    const no = await applied.json();
    const office = await playwright.request.newContext({ baseURL });
    await staffApiLogIn(office, staff(info, 'Business-centre clerk'));
    for (const event of ['accept', 'produce', 'dispatch', 'delivery_refused', 'dispatch', 'delivery_refused', 'dispatch', 'delivery_refused']) {
      const form = { application_no: no, event };
      if (event === 'dispatch') form.note = 'EA123456789CN';
      const res = await office.post('/api/staff/application_event', { form, headers: json });
      expect(res.ok(), `${event}: ${await res.text()}`).toBeTruthy();
    }
    await office.dispose();
  }
  await me.dispose();
  return user;
}

test('a supervisor decides an appeal with the keyboard only and the blacklist entry is lifted', async ({ page, playwright, baseURL }, info) => {
  const user = await blacklistedWindowUser(playwright, baseURL, info);
  await page.goto('/login');
  await page.getByLabel('账号').fill(user.login);
  await page.getByLabel('密码').fill(user.password);
  await page.getByRole('button', { name: '登录' }).click();
  await expect(page).toHaveURL(/\/account$/);
  await page.goto('/account/applications');
  await page.getByRole('link', { name: '查看详情或提出申诉' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('黑名单与申诉');
  const reason = `投递期间住院，无法签收（${info.project.name}）`;
  await page.getByLabel('申诉理由').first().fill(reason);
  await page.getByRole('button', { name: '提交申诉' }).first().click();
  await expect(page.getByRole('status').filter({ hasText: '申诉已提交' })).toBeVisible();
  await expect(page.getByTestId('appeal').first()).toContainText('审核中');
  await logOut(page);

  // The supervisor works through the queue from the keyboard.
  await staffLogIn(page, staff(info, 'Supervisor'));
  await page.getByRole('link', { name: '黑名单申诉审核' }).focus();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('黑名单申诉审核');
  const card = page.getByTestId('appeals').getByRole('listitem').filter({ hasText: reason });
  await card.getByLabel('申诉成立，解除黑名单').focus();
  await page.keyboard.press('Space');
  await expect(card.getByLabel('申诉成立，解除黑名单')).toBeChecked();
  // The radio group is one Tab stop: the next Tab is the reason.
  await page.keyboard.press('Tab');
  await expect(card.getByLabel('决定理由（将告知申诉人）')).toBeFocused();
  await page.keyboard.type('住院证明属实');
  await page.keyboard.press('Tab');
  await expect(card.getByRole('button', { name: '提交审核决定' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('status').filter({ hasText: '已作出审核决定' })).toBeVisible();
  await page.getByRole('link', { name: '已审核' }).click();
  await expect(page.getByTestId('appeals')).toContainText('住院证明属实');
  await logOut(page);

  // The person sees the decision and its reason; the entry no longer holds.
  await page.goto('/login');
  await page.getByLabel('账号').fill(user.login);
  await page.getByLabel('密码').fill(user.password);
  await page.getByRole('button', { name: '登录' }).click();
  await expect(page).toHaveURL(/\/account$/);
  await page.goto('/account/blacklist');
  await expect(page.getByTestId('appeal').first()).toContainText('申诉成立，黑名单已解除');
  await expect(page.getByTestId('appeal').first()).toContainText('住院证明属实');
});
