// Apply for a lost-licence replacement by post → a clerk processes it →
// the post is refused three times → the applicant sees the blacklist.
// Each browser project has its own applicant.
const { test, expect, demo, account, staff, staffLogIn, staffApiLogIn, logIn } = require('./helpers');

test('a lost licence by post, refused three times, blacklists the applicant', async ({ page }, info) => {
  const applicant = account(info, 'Window-registered individual');
  await logIn(page, applicant, /\/account$/);

  // Bind the licence, then apply.
  await page.getByRole('link', { name: '我的驾驶证', exact: true }).click();
  await page.getByRole('button', { name: '绑定本人驾驶证' }).click();
  await expect(page.getByRole('status')).toContainText('绑定成功');
  // After the redirect the message has the focus, not the top of the page.
  await expect(page.getByRole('status').filter({ hasText: '绑定成功' })).toBeFocused();
  // The licence expired months ago: it is still renewed online, with a
  // hospital's examination on record (hospital.spec.js renews one), and
  // the page says what is missing — never "apply from" a day already past.
  await page.goto('/account/apply/D10');
  await expect(page.getByText(/换领驾驶证需要经授权医院六个月内的体检结果/).first()).toBeVisible();
  await expect(page.getByText(/起可以申请/)).toHaveCount(0);
  await page.getByRole('link', { name: '补换证业务', exact: true }).click();
  await page.getByRole('link', { name: '遗失补领驾驶证' }).click();
  await expect(page.getByRole('heading', { level: 2, name: '遗失补领驾驶证' })).toBeVisible();
  await expect(page.getByTestId('fees')).toContainText('工本费10.00元');
  await expect(page.getByTestId('fees')).toContainText('邮递费20.00元');

  // Forgetting the address brings the form back with everything typed.
  await page.getByLabel('邮递', { exact: true }).check();
  await page.getByLabel('收件人姓名').fill('张伟');
  await page.getByLabel('收件人手机号码').fill('13803110001');
  await page.getByRole('button', { name: '继续' }).click();
  await expect(page.getByRole('alert')).toContainText('收件地址');
  await expect(page.getByLabel('收件人姓名')).toHaveValue('张伟');
  await expect(page.getByLabel('邮递', { exact: true })).toBeChecked();
  await page.getByLabel('收件地址').fill('河北省石家庄市长安区中山东路100号3单元502室');
  await page.getByRole('button', { name: '继续' }).click();

  await expect(page.getByRole('heading', { name: '请核对您的申请' })).toBeVisible();
  await expect(page.getByTestId('check-answers')).toContainText('中山东路100号');
  await page.getByRole('button', { name: '提交申请' }).click();
  await expect(page.getByRole('status')).toContainText('申请已提交');
  const number = (await page.getByTestId('application-no').textContent()).trim();
  expect(number).toMatch(/^D1\d{14}$/);
  // The confirmation has the focus, so the next Tab goes on from there.
  await expect(page.getByRole('status').filter({ hasText: '申请已提交' })).toBeFocused();
  // Back to the used draft leads to the submitted application, not a dead end.
  await page.goBack();
  await expect(page.getByRole('status')).toContainText('这份申请已经提交');
  await expect(page.getByTestId('application-no')).toHaveText(number);
  await expect(page.getByText('没有找到这份草稿')).toHaveCount(0);
  await page.getByRole('button', { name: '退出' }).click();

  // The clerk processes it; the post comes back refused three times.
  await staffLogIn(page, staff(info, 'Business-centre clerk'));
  await page.getByRole('link', { name: '网上业务受理' }).click();
  await page.getByRole('link', { name: number }).click();
  const step = async (name) => {
    await page.getByTestId('actions').getByRole('button', { name }).click();
    await expect(page.getByRole('status')).toContainText('已记录');
  };
  await step('受理');
  await step('制证完成');
  // Handing to the post needs the tracking number (邮件号): without one
  // the box is marked and says why.
  await page.getByTestId('actions').getByRole('button', { name: '交邮寄出' }).click();
  await expect(page.getByTestId('actions').getByLabel('邮件号')).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByTestId('actions')).toContainText('交邮寄出时请填写邮件号');
  for (let i = 0; i < 3; i += 1) {
    await page.getByTestId('actions').getByLabel('邮件号').fill(`EA12345678${i}CN`);
    await step('交邮寄出');
    await step('邮件被拒收');
  }
  await expect(page.getByTestId('blacklist-entry')).toContainText('邮件被拒收3次');
  await expect(page.getByTestId('audit')).toContainText('列入黑名单');
  await page.getByRole('button', { name: '退出' }).click();

  // The applicant sees why and until when, and cannot apply again online.
  await logIn(page, applicant, /\/account$/);
  await page.getByRole('link', { name: '补换证业务', exact: true }).click();
  await expect(page.getByTestId('blacklist')).toContainText('您已被列入黑名单');
  await expect(page.getByTestId('blacklist')).toContainText(/\d{4}-\d{2}-\d{2}前不能在网上申请补牌换证业务/);
  await expect(page.getByTestId('application-services')).toContainText('黑名单');
  await page.getByRole('link', { name: number }).click();
  await expect(page.getByTestId('progress')).toContainText('拒收退回');
});
