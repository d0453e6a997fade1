// A driving school's entrusted services (学员预录入, 学员用户窗口注册,
// 学员预约信息查询): the demo school enters a learner, the learner's SMS
// code confirms it, the school registers the learner's account at the
// school, the learner logs in with the password set there and books a
// test, and the school sees the booking and its place in the queue. Each
// browser project has its own learner.
const { test, expect, demo, latestCode, logIn } = require('./helpers');

// The school's desk is a network of its own: its SMS codes count against
// its address, not the citizens' (the e2e server trusts 127.0.0.1 as a
// proxy, so this header names the client).
test.use({ extraHTTPHeaders: { 'X-Forwarded-For': '198.51.100.31' } });

function school() {
  const found = demo().logins.find((l) => l.role_en.startsWith('Driving school'));
  if (!found) throw new Error('no demo driving school');
  return found;
}

test('a school enters and registers a learner who books, and sees the booking', async ({ page, browser }, info) => {
  test.setTimeout(180_000);
  const learner = demo().learners_to_enter[info.project.name === 'phone' ? 0 : 1];
  expect(learner, 'a learner without an account').toBeTruthy();
  const password = 'Xuexi2026abc';

  await logIn(page, school(), /\/unit$/);
  await page.getByRole('navigation', { name: '单位业务' }).getByRole('link', { name: '驾校学员' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('驾校学员');
  await page.getByLabel('学员身份证明号码', { exact: true }).fill(learner.id_number);
  await page.getByLabel('学员姓名', { exact: true }).fill(learner.name);
  await page.getByLabel('学员手机号码', { exact: true }).fill(learner.phone);
  await page.getByLabel('申请准驾车型').selectOption('C1');
  await page.getByRole('button', { name: '发送验证码给学员' }).click();
  await expect(page.getByRole('heading', { name: `办理学员：${learner.name}` })).toBeVisible();
  await page.getByLabel('验证码', { exact: true }).fill(await latestCode(page.request, learner.phone));
  await page.getByRole('button', { name: '确认', exact: true }).click();
  await expect(page.getByText('已确认。请当面核验学员的身份证明')).toBeVisible();
  await page.getByLabel('登录密码', { exact: true }).fill(password);
  await page.getByLabel('再次输入密码', { exact: true }).fill(password);
  await page.getByRole('button', { name: '为学员注册平台账户' }).click();
  await expect(page.getByRole('status').first()).toContainText('学员的平台账户已注册');

  // The learner, on their own phone, books subject 1.
  const own = await browser.newContext();
  const mine = await own.newPage();
  await logIn(mine, { login: learner.id_number, password }, /\/account$/);
  await expect(mine.getByTestId('channel')).toContainText('窗口注册');
  await mine.goto('/account/exams');
  // The last subject-1 session: the learners' own journeys take the first.
  await mine.getByRole('button', { name: /^预约 1 / }).last().click();
  await expect(mine.getByRole('status').first()).toContainText('预约已提交');
  await own.close();

  // The school sees the booking and the rank.
  await page.goto('/unit/learners');
  const row = page.getByTestId('unit-learners').getByRole('row').filter({ hasText: learner.name }).first();
  await expect(row).toContainText('已注册平台账户');
  await expect(row).toContainText('科目一');
  await expect(row).toContainText('排序第');
});
