// The unit dashboard (单位用户工作台) of the demo road transport company
// (5,000 vehicles, 20,000 violations): it lands on its dashboard, binds
// every vehicle, unbinds and binds again a selection ticked with the
// keyboard, exports the filtered list, handles a violation without points
// and sees that one with points is for the driver. Both browser projects
// share the company, so every step works whatever the other left.
const { test, expect, demo, latestCode, residentId } = require('./helpers');

function company() {
  const found = demo().logins.find((l) => l.role_en.startsWith('Road transport company'));
  if (!found) throw new Error('no demo road transport company');
  return found;
}

async function logIn(page) {
  const user = company();
  await page.goto('/login');
  await page.getByLabel('账号').fill(user.login);
  await page.getByLabel('密码').fill(user.password);
  await page.getByRole('button', { name: '登录' }).click();
  await expect(page).toHaveURL(/\/unit$/);
}

test('a transport company binds its vehicles, exports them and handles a violation', async ({ page }) => {
  test.setTimeout(120_000);
  await logIn(page);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('单位用户工作台');
  // No individual menu: no licence, documents or driving tests.
  await expect(page.getByRole('link', { name: '我的驾驶证' })).toHaveCount(0);
  await expect(page.getByRole('link', { name: '驾考预约' })).toHaveCount(0);
  await expect(page.getByRole('list', { name: '概况' })).toContainText(/已绑定机动车（名下共\d+辆）/);

  // Every vehicle not bound yet (the first project's run binds them; the
  // second finds none left and is told so).
  await page.getByRole('navigation', { name: '单位业务' }).getByRole('link', { name: '单位车辆' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('单位车辆');
  await page.getByRole('button', { name: '绑定全部未绑定的车辆' }).last().click();
  await expect(page.locator('.notice--success, .error-summary').first()).toContainText(/已绑定\d+辆机动车|没有可以绑定的车辆/);

  // Two bound vehicles ticked (keyboard: Space), unbound, then bound again.
  await page.goto('/unit/vehicles');
  await page.getByLabel('绑定状态').selectOption('bound');
  await page.getByRole('button', { name: '查询' }).click();
  await expect(page).toHaveURL(/binding=bound/);
  const boxes = page.getByTestId('unit-vehicles').locator('input[type=checkbox]');
  const plates = [];
  for (const n of [0, 1]) {
    const box = boxes.nth(n);
    await box.focus();
    await page.keyboard.press('Space');
    await expect(box).toBeChecked();
    plates.push((await page.locator(`label[for="${await box.getAttribute('id')}"]`).textContent()).replace('选择', ''));
  }
  await page.getByRole('button', { name: '解除绑定所选车辆' }).click();
  await expect(page.getByRole('status').first()).toContainText('已解除绑定2辆机动车。');
  await expect(page).toHaveURL(/binding=bound/);

  await page.goto(`/unit/vehicles?binding=unbound&plate=${encodeURIComponent(plates[0])}`);
  await expect(page.getByTestId('unit-vehicles')).toContainText(plates[0]);
  await page.getByLabel(`选择${plates[0]}`).check();
  await page.getByRole('button', { name: '绑定所选车辆', exact: true }).click();
  await expect(page.getByRole('status').first()).toContainText('已绑定1辆机动车。');
  await page.goto(`/unit/vehicles?binding=unbound&plate=${encodeURIComponent(plates[1])}`);
  await page.getByLabel(`选择${plates[1]}`).check();
  await page.getByRole('button', { name: '绑定所选车辆', exact: true }).click();
  await expect(page.getByRole('status').first()).toContainText('已绑定1辆机动车。');

  // The export holds what the page lists, as a spreadsheet reads it.
  await page.goto(`/unit/vehicles?plate=${encodeURIComponent(plates[0])}`);
  const href = await page.getByRole('link', { name: '导出全部（CSV）' }).getAttribute('href');
  const csv = await page.request.get(href);
  expect(csv.headers()['content-type']).toBe('text/csv; charset=utf-8');
  const text = await csv.text();
  expect(text.charCodeAt(0)).toBe(0xfeff);
  expect(text).toContain(plates[0]);
  expect(text).toContain('已绑定');

  // A violation without points: the unit handles it.
  await page.getByRole('navigation', { name: '单位业务' }).getByRole('link', { name: '违法处理' }).click();
  await page.getByLabel('状态').selectOption('unhandled');
  await page.getByLabel('记分').selectOption('without');
  await page.getByRole('button', { name: '查询' }).click();
  const handle = page.getByTestId('unit-violations').getByRole('link', { name: /^处理/ }).first();
  await handle.click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('违法详情');
  await page.getByLabel('本单位对上述违法事实无异议，接受处理').check();
  await page.getByRole('button', { name: '确认处理' }).click();
  await expect(page.getByRole('status').first()).toContainText('处理成功');

  // One with points is handled by naming the driver.
  await page.goto('/unit/violations?status=unhandled&points=with');
  await expect(page.getByTestId('unit-violations')).toContainText('指定驾驶人处理');
  await expect(page.getByTestId('unit-violations').getByRole('link', { name: /^处理/ })).toHaveCount(0);

  // A person's page sends the unit to its own.
  await page.goto('/account/licence');
  await expect(page).toHaveURL(/\/unit\/drivers$/);
});

// A driver's licence bound with the driver's SMS code; a driver bound
// earlier named for a violation with points: the driver confirms by SMS and
// the unit handles it (one code a minute reaches a phone, so the named
// driver is not the one just bound). Each browser project takes its own
// drivers.
test('a transport company binds a driver and names them for a violation with points', async ({ page }, info) => {
  test.setTimeout(120_000);
  const drivers = demo().fleet_drivers_not_bound;
  const mine = info.project.name.includes('phone') ? 1 : 0;
  const [idNumber, name, phone] = drivers[mine];
  await logIn(page);
  // The vehicles bound (whichever test or project came first).
  await page.goto('/unit/vehicles');
  await page.getByRole('button', { name: '绑定全部未绑定的车辆' }).last().click();
  await expect(page.locator('.notice--success, .error-summary').first()).toContainText(/已绑定\d+辆机动车|没有可以绑定的车辆/);
  await page.getByRole('navigation', { name: '单位业务' }).getByRole('link', { name: '驾驶人' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('单位驾驶人');
  await page.getByLabel('驾驶人姓名').fill(name);
  await page.getByLabel('驾驶证号（身份证号码）').fill(idNumber);
  await page.getByRole('button', { name: '向驾驶人发送验证码' }).click();
  await expect(page).toHaveURL(/\/unit\/drivers\/confirm/);
  await expect(page.getByText('验证码已发送到驾驶人登记的手机')).toBeVisible();
  await page.getByLabel('驾驶证号（身份证号码）').fill(idNumber);
  await page.getByLabel('驾驶人收到的短信验证码').fill(await latestCode(page.request, phone));
  await page.getByRole('button', { name: '确认绑定' }).click();
  await expect(page).toHaveURL(/done=bound/);
  await expect(page.getByRole('status').first()).toContainText('驾驶证绑定成功');
  await expect(page.getByTestId('unit-drivers')).toBeVisible();

  // A violation with points of a small vehicle: name the driver.
  await page.goto('/unit/violations?status=unhandled&points=with');
  await page.getByTestId('unit-violations').getByRole('link', { name: /^指定驾驶人处理/ }).nth(mine).click();
  await expect(page.getByRole('heading', { name: '指定驾驶人处理' })).toBeVisible();
  const [namedId, , namedPhone] = demo().fleet_drivers_bound[mine];
  await page.getByLabel('驾驶人的驾驶证号（身份证号码）').fill(namedId);
  await page.getByRole('button', { name: '向驾驶人发送验证码' }).click();
  await expect(page.getByRole('status').first()).toContainText('短信中写明了违法事实和记分');
  await page.getByLabel('驾驶人的驾驶证号（身份证号码）').fill(namedId);
  await page.getByLabel('驾驶人收到的短信验证码').fill(await latestCode(page.request, namedPhone));
  await page.getByLabel('本单位确认该驾驶人是违法时的实际驾驶人，对违法事实无异议').check();
  await page.getByRole('button', { name: '确认处理' }).click();
  await expect(page).toHaveURL(/handled=1/);
  await expect(page.getByRole('status').first()).toContainText('处理成功');
});

// Three fines handled, then paid in one payment order: one trip to the
// bank, a receipt for each fine.
test('a transport company pays three fines in one order', async ({ page }) => {
  test.setTimeout(120_000);
  await logIn(page);
  await page.goto('/unit/vehicles');
  await page.getByRole('button', { name: '绑定全部未绑定的车辆' }).last().click();
  await expect(page.locator('.notice--success, .error-summary').first()).toContainText(/已绑定\d+辆机动车|没有可以绑定的车辆/);
  for (let n = 0; n < 3; n += 1) {
    await page.goto('/unit/violations?status=unhandled&points=without');
    const fine = page.getByTestId('unit-violations').getByRole('row').filter({ hasText: '罚款' })
      .getByRole('link', { name: /^处理/ }).first();
    await fine.click();
    await page.getByLabel('本单位对上述违法事实无异议，接受处理').check();
    await page.getByRole('button', { name: '确认处理' }).click();
    await expect(page.getByRole('status').first()).toContainText('处理成功');
  }
  await page.goto('/unit/violations?status=handled_unpaid&order=oldest');
  const boxes = page.getByTestId('unit-violations').locator('input[type=checkbox]');
  for (const n of [0, 1, 2]) {
    await boxes.nth(n).check();
  }
  await page.getByRole('button', { name: '合并缴纳所选罚款' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('模拟银行支付');
  const amount = await page.getByTestId('bank-amount').textContent();
  await page.getByRole('button', { name: '确认支付' }).click();
  await expect(page).toHaveURL(/\/account\/receipts\/JK\d+$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('罚款缴纳凭证');
  // The receipt lists the order's two other fines, each with its own receipt.
  const others = page.getByTestId('same-order').getByRole('link');
  await expect(others).toHaveCount(2);
  await expect(page.getByText(/本订单合并缴纳3笔罚款/)).toBeVisible();
  await others.first().click();
  await expect(page).toHaveURL(/\/account\/receipts\/JK\d+$/);
  await expect(page.getByTestId('same-order').getByRole('link')).toHaveCount(2);
  // Every fine of the order has its receipt in the message centre.
  await page.goto('/account/messages');
  await expect(page.getByText('罚款缴纳成功').first()).toBeVisible();
  expect(amount).toMatch(/^¥\d+\.\d\d$/);
});

test("an operator's action shows in the unit's audit with their name", async ({ page, browser, request }, info) => {
  test.setTimeout(120_000);
  // Each run registers an operator of its own (both projects share the
  // company): a new login name, ID number and phone.
  const seq = (Date.now() % 1000000) * 2 + (info.project.name === 'phone' ? 0 : 1);
  const loginName = `调度${seq}`;
  const fullName = '赵敏';
  const phone = `139${String(seq).padStart(8, '0').slice(-8)}`;
  const password = `Fleet-Desk-${seq}`;
  const unit = company();

  await logIn(page);
  await page.getByRole('navigation', { name: '单位业务' }).getByRole('link', { name: '经办人' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('经办人管理');
  await page.getByLabel('经办人姓名').fill(fullName);
  await page.getByLabel('身份证号码').fill(residentId(seq));
  await page.getByLabel('手机号码').fill(phone);
  await page.getByLabel('登录名', { exact: true }).fill(loginName);
  await page.locator('#add-vehicles').check();
  await page.getByRole('button', { name: '登记并发送激活验证码' }).click();
  await expect(page.getByRole('status').first()).toContainText('经办人已登记，激活验证码已发送');
  await expect(page.getByTestId('unit-operators')).toContainText(loginName);
  const code = await latestCode(request, phone);

  // The operator, on a device of their own: activates, logs in, and sees
  // only what they were granted.
  const device = await browser.newContext({ viewport: page.viewportSize() });
  const op = await device.newPage();
  await op.goto('/login');
  await op.getByRole('link', { name: '单位经办人登录' }).click();
  await op.getByRole('link', { name: '激活经办人账户' }).click();
  await op.getByLabel('单位代码').fill(unit.login);
  await op.getByLabel('经办人登录名').fill(loginName);
  await op.getByLabel('短信验证码').fill(code);
  await op.getByLabel('设置登录密码').fill(password);
  await op.getByLabel('再次输入密码').fill(password);
  await op.getByRole('button', { name: '激活并设置密码' }).click();
  await expect(op.getByRole('status').first()).toContainText('经办人账户已激活');
  await op.getByLabel('单位代码').fill(unit.login);
  await op.getByLabel('经办人登录名').fill(loginName);
  await op.getByLabel('密码').fill(password);
  await op.getByRole('button', { name: '登录' }).click();
  await expect(op).toHaveURL(/\/unit$/);
  await expect(op.getByRole('banner')).toContainText(`经办人${fullName}`);
  const nav = op.getByRole('navigation', { name: '单位业务' });
  await expect(nav.getByRole('link', { name: '单位车辆' })).toBeVisible();
  await expect(nav.getByRole('link', { name: '违法处理' })).toHaveCount(0);
  await expect(nav.getByRole('link', { name: '经办人' })).toHaveCount(0);

  // The operator unbinds one vehicle and binds it again.
  await op.goto('/unit/vehicles?binding=bound');
  const box = op.getByTestId('unit-vehicles').locator('input[type=checkbox]').first();
  const plate = (await op.locator(`label[for="${await box.getAttribute('id')}"]`).textContent()).replace('选择', '');
  await box.check();
  await op.getByRole('button', { name: '解除绑定所选车辆' }).click();
  await expect(op.getByRole('status').first()).toContainText('已解除绑定1辆机动车。');
  await op.goto(`/unit/vehicles?binding=unbound&plate=${encodeURIComponent(plate)}`);
  await op.getByLabel(`选择${plate}`).check();
  await op.getByRole('button', { name: '绑定所选车辆', exact: true }).click();
  await expect(op.getByRole('status').first()).toContainText('已绑定1辆机动车。');
  // Not granted: refused on the server, said plainly.
  await op.goto('/unit/violations');
  await expect(op.getByRole('alert').first()).toContainText('您的经办人账户未获准办理“违法处理和罚款缴纳”');

  // The unit's account reads the audit, by operator: their name on each step.
  const who = `${loginName}（${fullName}）`;
  await page.getByRole('navigation', { name: '单位业务' }).getByRole('link', { name: '操作记录' }).click();
  await page.getByLabel('经办人').selectOption({ label: who });
  await page.getByRole('button', { name: '查询' }).click();
  const audit = page.getByTestId('unit-audit');
  await expect(audit.getByRole('row').filter({ hasText: '解除绑定机动车' }).first()).toContainText(who);
  await expect(audit.getByRole('row').filter({ hasText: '绑定机动车' }).first()).toContainText(who);
  await expect(audit.getByRole('row').filter({ hasText: '登录' }).first()).toContainText(who);

  // Disabled at once: the operator's next page asks them to log in.
  await page.goto('/unit/operators');
  await page.getByTestId('unit-operators').getByRole('row').filter({ hasText: loginName })
    .getByRole('button', { name: '停用' }).click();
  await expect(page.getByRole('status').first()).toContainText('经办人已停用');
  await op.goto('/unit/vehicles');
  await expect(op).toHaveURL(/\/login/);
  await device.close();
});
