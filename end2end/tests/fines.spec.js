// Bind a vehicle → handle a camera-recorded violation → pay at the bank →
// see the receipt. The owner binds their own car; a window-registered user
// binds the same car (not theirs) with the owner's SMS code and settles a
// 100-yuan violation without points. Each browser project has its own
// owner, car and window user.
const { test, expect, account, ownerCar, latestCode } = require('./helpers');


async function logIn(page, user) {
  await page.goto('/login');
  await page.getByLabel('账号').fill(user.login);
  await page.getByLabel('密码').fill(user.password);
  await page.getByRole('button', { name: '登录' }).click();
  await expect(page).toHaveURL(/\/account$/);
}

async function handleAndPay(page, code) {
  await page.getByRole('link', { name: '违法处理', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('电子监控违法处理');
  await page.getByRole('link', { name: `处理 ${code}` }).first().click();

  // Submitting without confirming the facts is refused, with the reason.
  await page.getByRole('button', { name: '确认处理' }).click();
  await expect(page.getByRole('alert')).toContainText('无异议');
  await page.getByLabel('本人对上述违法事实无异议，接受处理').check();
  await page.getByRole('button', { name: '确认处理' }).click();
  await expect(page.getByRole('status')).toContainText('处理成功');
  await expect(page.getByTestId('amount')).toContainText('¥100.00');

  await page.getByRole('button', { name: '去缴款' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('模拟银行支付');
  await expect(page.getByTestId('bank-amount')).toHaveText('¥100.00');
  const bank = page.url();
  await page.getByRole('button', { name: '确认支付' }).click();

  await expect(page).toHaveURL(/\/account\/receipts\/JK\d+$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('罚款缴纳凭证');
  await expect(page.getByTestId('receipt-no')).toHaveText(/^JK\d+$/);
  await expect(page.getByText('¥100.00').first()).toBeVisible();
  // The print button appears once the page is interactive (hydrated).
  await expect(page.getByRole('button', { name: '打印凭证' })).toBeVisible();
  // Its QR code carries a credential the platform signed; the address it
  // opens says the receipt is genuine and what it states.
  await expect(page.getByTestId('receipt-qr').locator('svg')).toBeVisible();
  await page.screenshot({ path: test.info().outputPath('receipt.png'), fullPage: true });
  const receipt = page.url();
  await page.getByTestId('receipt-verify').click();
  await expect(page.getByTestId('verify-genuine')).toContainText('罚款缴纳凭证');
  await expect(page.getByTestId('verified-receipt')).toContainText('¥100.00');
  await page.goto(receipt);

  // Coming back to the bank page (another tab, a bookmark) never charges twice.
  await page.goto(bank);
  await expect(page.getByText('已经支付，不会重复扣款')).toBeVisible();

  await page.goto('/account/messages');
  await expect(page.getByTestId('messages')).toContainText('罚款缴纳成功');
}

test('the owner binds their car, handles a violation and pays the fine', async ({ page }, info) => {
  const car = ownerCar(info);
  await logIn(page, account(info, 'Online-registered individual'));
  await page.getByRole('link', { name: '我的机动车', exact: true }).click();
  await page.getByRole('button', { name: `绑定 ${car.plate}` }).click();
  await expect(page.getByRole('status')).toContainText('绑定成功');
  await expect(page.getByRole('heading', { name: new RegExp(car.plate) })).toBeVisible();
  // Online users are told why they cannot bind other people's vehicles.
  await expect(page.getByText('绑定他人机动车仅限窗口注册用户')).toBeVisible();

  await handleAndPay(page, '1039');

  // A warning has nothing to pay: handled, it is done — no bank page.
  await page.goto('/account/violations');
  await page.getByRole('link', { name: '处理 1344' }).first().click();
  await page.getByLabel('本人对上述违法事实无异议，接受处理').check();
  await page.getByRole('button', { name: '确认处理' }).click();
  await expect(page.getByRole('status')).toContainText('处理成功');
  await expect(page.getByTestId('done')).toContainText('无需缴款');
  await expect(page.getByRole('button', { name: '去缴款' })).toHaveCount(0);
  await expect(page.getByText('处理完毕').first()).toBeVisible();
  await page.goto('/account/messages');
  await expect(page.getByTestId('messages')).toContainText('警告无需缴款');
  await expect(page.getByTestId('messages')).not.toContainText('缴纳罚款0.00元');
});

test('a window user binds a car not in their name with the owner code and pays a small fine', async ({ page, request }, info) => {
  const car = ownerCar(info);
  await logIn(page, account(info, 'Window-registered individual'));
  await page.getByRole('link', { name: '我的机动车', exact: true }).click();
  await page.getByLabel('号牌号码').fill(car.plate);
  await page.getByLabel('车辆识别代号后6位').fill('000000');
  await page.getByRole('button', { name: '向车主发送验证码' }).click();
  await expect(page.getByRole('alert')).toContainText('不匹配');
  await expect(page.getByLabel('号牌号码')).toHaveValue(car.plate);

  await page.getByLabel('车辆识别代号后6位').fill(car.vin.slice(-6));
  await page.getByRole('button', { name: '向车主发送验证码' }).click();
  await expect(page).toHaveURL(/\/account\/vehicles\/confirm/);
  const code = await latestCode(request, car.owner_phone);
  await page.getByLabel('车主收到的短信验证码').fill(code);
  await page.getByRole('button', { name: '确认绑定' }).click();
  await expect(page.getByRole('status')).toContainText('绑定成功');
  await expect(page.getByText('非本人名下').first()).toBeVisible();

  await handleAndPay(page, '1019');
  await page.goto('/account/violations');
  // The owner's point-carrying violations stay private.
  await expect(page.getByText(/只能由机动车所有人或驾驶人本人处理/)).toBeVisible();
});
