// A new-car owner pre-selects a plate: random batch (with its published
// commitment and their own characters, used exactly as typed) → hold with
// an accessible countdown → more time → confirm. Plates are understood as
// people type them (lower case, the printed dot, full-width characters),
// and no plate page scrolls sideways on a phone. Each browser project has
// its own new-car owner (and new car).
const { test, expect, account, ownerCar } = require('./helpers');

async function logIn(page, user) {
  await page.goto('/login');
  await page.getByLabel('账号').fill(user.login);
  await page.getByLabel('密码').fill(user.password);
  await page.getByRole('button', { name: '登录' }).click();
  await expect(page).toHaveURL(/\/account$/);
}

async function noSidewaysScroll(page, what) {
  const { scrollWidth, innerWidth } = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
  }));
  expect(scrollWidth, `${what}: the page is no wider than the screen`).toBeLessThanOrEqual(innerWidth);
}

/** "冀A12B45" as typed on a phone: "冀ａ·１２ｂ４５" (full width, lower case, the printed dot). */
function asTyped(plate) {
  const full = (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0);
  return `${plate[0]}${full(plate[1].toLowerCase())}·${[...plate.slice(2)].map((c) => full(c.toLowerCase())).join('')}`;
}

// Runs before the journey below and uses one of the vehicle's three batches
// without holding a number.
test('the draw uses my characters as typed and nothing scrolls sideways', async ({ page }, info) => {
  await logIn(page, account(info, 'New-car owner'));
  await page.goto('/account/plates');
  await noSidewaysScroll(page, 'plates');
  await page.getByRole('button', { name: /随机选号/ }).click();
  await expect(page.getByText('汉字、字母、数字、标点和表情符号都算数')).toBeVisible();
  await noSidewaysScroll(page, 'draw, before');
  const mine = '我的幸运😀 OR 1=1';
  await page.getByLabel('您的随机字符（可选）').fill(mine);
  await page.getByRole('button', { name: '产生号码' }).click();
  await expect(page.getByTestId('batch').getByRole('radio')).toHaveCount(10);
  await expect(page.getByTestId('nonce-used')).toHaveText(`“${mine}”`);

  await page.getByText('如何验证本批号码').click();
  const details = page.locator('details.verify');
  await expect(details).toHaveAttribute('open', '');
  await expect(details).toContainText('e68891e79a84', { ignoreCase: true }); // 我的 in UTF-8
  await noSidewaysScroll(page, 'draw, verification open');

  await page.goto('/account/plates/custom');
  await noSidewaysScroll(page, 'custom');
});

test('plates are understood as people type them', async ({ page }, info) => {
  await logIn(page, account(info, 'New-car owner'));
  // The custom number: the city and the serial typed in full width with the dot.
  await page.getByRole('link', { name: '预选号牌', exact: true }).click();
  await page.getByRole('link', { name: '自编自选' }).click();
  await page.getByLabel('已想好的开头（可选）').fill('冀a·ａｂ１');
  await page.getByRole('button', { name: '查看下一位可用字符' }).click();
  await expect(page.getByTestId('possible-next')).toContainText('冀AAB1');
  await expect(page.getByTestId('possible-next')).toContainText('0 1 2 3 4 5 6 7 8 9');
  // 12345 is a reserved series: the answer is about the number, so it was read.
  await page.getByLabel('号码序号（冀A后5位）').fill(asTyped('冀A12345'));
  await page.getByRole('button', { name: '查询并保留' }).click();
  await expect(page.getByRole('alert')).toContainText('保留号段');
  await noSidewaysScroll(page, 'custom with an error');

  // Binding someone else's car (window-registered user): the plate typed as
  // on the phone finds the car; only the wrong VIN is refused.
  await page.context().clearCookies();
  const car = ownerCar(info);
  await logIn(page, account(info, 'Window-registered individual'));
  await page.getByRole('link', { name: '我的机动车', exact: true }).click();
  await page.getByLabel('号牌号码').fill(asTyped(car.plate));
  await page.getByLabel('车辆识别代号后6位').fill('000000');
  await page.getByRole('button', { name: '向车主发送验证码' }).click();
  await expect(page.getByRole('alert')).toContainText('不匹配');
  await expect(page.locator('#plate-error')).toBeEmpty();
  await expect(page.locator('#vin_suffix-error')).toContainText('不匹配');
  await expect(page.getByLabel('号牌号码')).toHaveValue(asTyped(car.plate));
});

test('a new-car owner draws a batch, holds a number and confirms it', async ({ page }, info) => {
  await logIn(page, account(info, 'New-car owner'));

  await page.getByRole('link', { name: '预选号牌', exact: true }).click();
  await page.getByRole('button', { name: /随机选号/ }).click();
  const commitment = (await page.getByTestId('commitment').textContent()).trim();
  expect(commitment).toMatch(/^[0-9a-f]{64}$/);
  await page.getByLabel('您的随机字符（可选）').fill('E2E2026');
  await page.getByRole('button', { name: '产生号码' }).click();

  const choices = page.getByTestId('batch').getByRole('radio');
  await expect(choices).toHaveCount(10);
  // The countdown runs once the page is interactive (hydrated).
  await expect(page.getByRole('timer')).toHaveText(/剩余 0[12]:\d\d/);
  await expect(page.getByTestId('commitment')).toHaveText(commitment);
  const plate = await choices.first().getAttribute('value');
  await choices.first().check();
  await page.getByRole('button', { name: '保留该号码' }).click();

  await expect(page.getByTestId('held-plate')).toHaveText(plate);
  await expect(page.getByRole('timer')).toHaveText(/剩余 0[45]:\d\d/);
  await page.getByRole('button', { name: /需要更多时间/ }).click();
  await expect(page.getByRole('status')).toContainText('已延长');
  await expect(page.getByRole('button', { name: /需要更多时间/ })).toHaveCount(0);
  await page.getByRole('button', { name: /确认选用/ }).click();
  await expect(page.getByRole('status')).toContainText('号牌预选成功');
  await expect(page.getByTestId('selected-plate')).toHaveText(plate);

  // Custom choice: the page shows which characters can still come next.
  await page.goto('/account/plates/custom');
  await page.getByLabel('已想好的开头（可选）').fill('ab1');
  await page.getByRole('button', { name: '查看下一位可用字符' }).click();
  await expect(page.getByTestId('possible-next')).toContainText('冀AAB1');
  await expect(page.getByTestId('possible-next')).toContainText('0 1 2 3 4 5 6 7 8 9');
  await expect(page.getByTestId('possible-next')).not.toContainText('C');
  await expect(page.getByLabel('号码序号（冀A后5位）')).toHaveValue('AB1');
});
