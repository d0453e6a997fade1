// A hospital's entrusted service (驾驶人体检): the demo hospital records a
// driver's examination on the official form with the keyboard — a "fit"
// that the items do not bear is refused and the form comes back as typed —
// the driver sees the result with its certificate number on the licence
// page and renews the licence online with it (期满换证), no paper
// certificate. Each browser project has its own driver.
const { test, expect, demo, account, logIn } = require('./helpers');

function hospital() {
  const found = demo().logins.find((l) => l.role_en.startsWith('Hospital'));
  if (!found) throw new Error('no demo hospital');
  return found;
}

test('a hospital records an examination and the driver renews the licence online with it', async ({ page, browser }, info) => {
  test.setTimeout(120_000);
  const driver = account(info, 'Window-registered driver (licence due for renewal)');
  await logIn(page, driver, /\/account$/);
  await page.goto('/account/licence');
  const bind = page.getByRole('button', { name: '绑定本人驾驶证' });
  if (await bind.count()) await bind.click();
  // No examination yet: the renewal says what is missing.
  await page.goto('/account/apply/D10');
  await expect(page.getByText(/换领驾驶证需要经授权医院六个月内的体检结果/).first()).toBeVisible();

  // The hospital, on a device of its own.
  const context = await browser.newContext();
  const desk = await context.newPage();
  await logIn(desk, hospital(), /\/unit$/);
  await desk.getByRole('navigation', { name: '单位业务' }).getByRole('link', { name: '驾驶人体检' }).click();
  await expect(desk.getByRole('heading', { level: 1 })).toHaveText('驾驶人体检');
  await desk.getByLabel('受检人身份证明号码', { exact: true }).fill(driver.login);
  await desk.getByLabel('受检人姓名').fill(driver.name);
  await desk.getByLabel('身高（厘米）').fill('168');
  await desk.getByLabel('左眼视力').fill('4.8');
  await desk.getByLabel('右眼视力').fill('5.0');
  // Nothing is ticked beforehand: an item not examined is never recorded
  // as normal. The conclusion with the keyboard.
  for (const item of ['辨色力', '听力', '上肢', '下肢', '躯干和颈部']) {
    await desk.getByRole('group', { name: item }).getByLabel('正常', { exact: true }).check();
  }
  await desk.getByLabel('合格', { exact: true }).focus();
  await desk.keyboard.press('Space');
  await desk.getByRole('button', { name: '录入体检结果' }).press('Enter');
  await expect(desk.getByRole('alert').first()).toContainText('视力');
  await expect(desk.getByLabel('左眼视力')).toHaveValue('4.8');
  await expect(desk.getByLabel('受检人姓名')).toHaveValue(driver.name);
  await expect(desk.getByLabel('合格', { exact: true })).toBeChecked();
  await expect(desk.getByRole('group', { name: '听力' }).getByLabel('正常', { exact: true })).toBeChecked();
  await desk.getByLabel('左眼视力').fill('4.9');
  await desk.getByRole('button', { name: '录入体检结果' }).click();
  await expect(desk.getByRole('status').first()).toContainText('体检结果已录入');
  // Found again by the examinee's ID number, with the export of what was found.
  await desk.getByLabel('受检人身份证明号码或证明编号').fill(driver.login);
  await desk.getByRole('button', { name: '查询' }).click();
  await expect(desk).toHaveURL(/person=/);
  await expect(desk.getByRole('link', { name: /导出全部/ })).toHaveAttribute('href', /\/unit\/exams\.csv\?person=/);
  const row = desk.getByTestId('unit-exams').getByRole('row').filter({ hasText: driver.name }).first();
  await expect(row).toContainText('合格');
  const number = (await row.getByRole('cell').first().textContent()).trim();
  expect(number).toMatch(/^\d{16}[\dX]$/);
  await context.close();

  // The driver: the result on the licence page, then the renewal with it.
  await page.goto('/account/licence');
  await expect(page.getByTestId('my-exams')).toContainText(number);
  await expect(page.getByText(`将使用证明编号为${number}的体检结果`)).toBeVisible();
  await page.goto('/account/apply/D10');
  await expect(page.getByTestId('notice')).toContainText(number);
  await page.getByLabel('自取', { exact: true }).check();
  await page.getByRole('button', { name: '继续' }).click();
  await expect(page.getByRole('heading', { name: '请核对您的申请' })).toBeVisible();
  await page.getByRole('button', { name: '提交申请' }).click();
  await expect(page.getByRole('status')).toContainText('申请已提交');
  await expect(page.getByTestId('application-no')).toHaveText(/^D10\d{14}$/);
});
