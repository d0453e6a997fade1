// A car dealer's entrusted service (临时号牌核发): the demo dealer enters a
// new car it sold and its buyer — a name that is not the buyer's is refused
// and the form comes back as typed — the buyer's SMS code issues the plate,
// the dealer opens it to print with its QR code, anyone who scans the code
// sees it is valid (and a changed code is refused), the buyer finds it in
// their account and goes on to plate pre-selection, and a revoked plate
// says so. Each browser project has its own buyer.
const { test, expect, demo, account, latestCode, logIn } = require('./helpers');

// The dealer's desk is a network of its own: its SMS codes count against
// its address, not the citizens' (the e2e server trusts 127.0.0.1 as a
// proxy, so this header names the client).
test.use({ extraHTTPHeaders: { 'X-Forwarded-For': '198.51.100.30' } });

function dealer() {
  const found = demo().logins.find((l) => l.role_en.startsWith('Car dealer'));
  if (!found) throw new Error('no demo dealer');
  return found;
}

test('a dealer issues a temporary plate, the buyer confirms it and anyone checks it', async ({ page, browser }, info) => {
  test.setTimeout(180_000);
  const buyer = account(info, 'New-car owner');
  const car = demo().new_cars.find((c) => c.owner === buyer.login);
  expect(car, 'the buyer has a new car').toBeTruthy();

  await logIn(page, dealer(), /\/unit$/);
  await page.getByRole('navigation', { name: '单位业务' }).getByRole('link', { name: '临时号牌' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('临时号牌核发');
  // The VIN as pasted from the invoice, in lower case; a wrong name first.
  await page.getByLabel('车辆识别代号', { exact: true }).fill(car.vin.toLowerCase());
  await page.getByLabel('购车人身份证明号码', { exact: true }).fill(buyer.login);
  await page.getByLabel('购车人姓名', { exact: true }).fill('张冒名');
  await page.getByLabel('购车人手机号码', { exact: true }).fill(car.owner_phone);
  await page.getByLabel('有效天数').fill('10');
  await page.getByRole('button', { name: '发送验证码给购车人' }).press('Enter');
  await expect(page.getByRole('alert').first()).toContainText('与该车销售信息不一致');
  await expect(page.getByLabel('车辆识别代号', { exact: true })).toHaveValue(car.vin.toLowerCase());
  await expect(page.getByLabel('有效天数')).toHaveValue('10');
  await page.getByLabel('购车人姓名', { exact: true }).fill(buyer.name);
  await page.getByRole('button', { name: '发送验证码给购车人' }).click();

  // The buyer tells the code in person.
  await expect(page.getByRole('heading', { name: '输入购车人收到的验证码' })).toBeVisible();
  const code = await latestCode(page.request, car.owner_phone);
  await page.getByLabel('验证码', { exact: true }).fill(code);
  await page.getByRole('button', { name: '确认并核发' }).click();
  await expect(page.getByRole('status').first()).toContainText('临时号牌已核发');
  const row = page.getByTestId('unit-temporary-plates').getByRole('row').filter({ hasText: car.vin }).first();
  await expect(row.getByRole('cell').nth(5)).toHaveText('有效');
  await row.getByRole('link', { name: /查看、打印或注销/ }).click();
  const number = (await page.getByTestId('plate-number').textContent()).trim();
  expect(number).toMatch(/^冀[A-Z]·\d{6}$/);
  await expect(page.getByRole('img', { name: /查验二维码/ })).toBeVisible();
  const checkUrl = (await page.locator('dt', { hasText: '查验地址' }).locator('xpath=following-sibling::dd').textContent()).trim();
  expect(checkUrl).toContain('/temporary-plates/check?number=');

  // Anyone who scans the code: valid, genuine; a changed code is refused.
  const street = await browser.newContext();
  const passer = await street.newPage();
  await passer.goto(checkUrl);
  await expect(passer.getByTestId('plate-check')).toContainText('有效：');
  await expect(passer.getByTestId('plate-check')).toContainText('二维码经核验');
  await expect(passer.getByText(buyer.login)).toHaveCount(0);
  const forged = checkUrl.replace(/seal=(.)/, (_, c) => `seal=${c === '0' ? '1' : '0'}`);
  await passer.goto(forged);
  await expect(passer.getByRole('alert').first()).toContainText('二维码无效');

  // The buyer sees it and goes on to choose a plate number.
  const own = await browser.newContext();
  const mine = await own.newPage();
  await logIn(mine, buyer, /\/account$/);
  await mine.getByRole('link', { name: /我的临时号牌/ }).click();
  await expect(mine.getByRole('heading', { name: new RegExp(number) })).toBeVisible();
  await mine.getByRole('link', { name: '为这辆车预选号牌' }).first().click();
  await expect(mine).toHaveURL(/\/account\/plates$/);
  await expect(mine.getByText(car.vin).first()).toBeVisible();
  await own.close();

  // Revoked: the check says so.
  await page.getByLabel('注销原因').fill('退车');
  await page.getByRole('button', { name: '注销', exact: true }).click({ timeout: 15_000 });
  await expect(page.getByRole('status').first()).toContainText('已注销');
  await passer.goto(checkUrl);
  await expect(passer.getByTestId('plate-check')).toContainText('已注销');
  await street.close();
});
