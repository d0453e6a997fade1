// A new-car owner pre-selects a plate: random batch (with its published
// commitment) → hold with an accessible countdown → more time → confirm.
const { test, expect, demo } = require('./helpers');

test('a new-car owner draws a batch, holds a number and confirms it', async ({ page }, info) => {
  test.skip(info.project.name !== 'phone', 'one new-car owner in the demo data; the journey runs on the phone');
  const owner = demo().logins.find((l) => l.role_en.startsWith('New-car owner'));
  await page.goto('/login');
  await page.getByLabel('账号').fill(owner.login);
  await page.getByLabel('密码').fill(owner.password);
  await page.getByRole('button', { name: '登录' }).click();
  await expect(page).toHaveURL(/\/account$/);

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
