// A learner books subject 1, sees their place in the queue, and sees the
// result once the session is allocated.
const { test, expect, demo } = require('./helpers');

test('a learner books subject 1 and sees the result after allocation', async ({ page, browser }, info) => {
  test.skip(info.project.name !== 'phone', 'one learner in the demo data; the journey runs on the phone');
  const learner = demo().logins.find((l) => l.role_en.startsWith('Learner'));
  await page.goto('/login');
  await page.getByLabel('账号').fill(learner.login);
  await page.getByLabel('密码').fill(learner.password);
  await page.getByRole('button', { name: '登录' }).click();
  await expect(page).toHaveURL(/\/account$/);

  await page.getByRole('link', { name: '驾考预约', exact: true }).first().click();
  // Subject 2 is not open yet; the reason is shown.
  await expect(page.getByTestId('exam-sessions')).toContainText('请先通过科目一');
  const book = page.getByRole('button', { name: /^预约 1 / }).first();
  const label = await book.textContent();
  await book.click();
  await expect(page.getByRole('status')).toContainText('预约已提交');
  await expect(page.getByTestId('exam-status')).toHaveText('待分配');
  await expect(page.getByTestId('exam-booking')).toContainText('当前排第1位');

  // The exam office closes the session and allocates it.
  const clerk = demo().logins.find((l) => l.role_en === 'Window clerk');
  const office = await browser.newContext({ baseURL: info.project.use.baseURL || 'http://127.0.0.1:3100' });
  const request = office.request;
  await request.post('/api/login', { form: { identifier: clerk.login, password: clerk.password }, headers: { accept: 'application/json' } });
  const overview = await (await page.request.post('/api/exams/overview', { headers: { accept: 'application/json' } })).json();
  const booked = overview.bookings[0].session.id;
  const res = await request.post('/api/staff/exams/allocate', { form: { session_id: String(booked) }, headers: { accept: 'application/json' } });
  expect(res.ok()).toBeTruthy();
  await office.close();
  expect(label).toContain('预约');

  await page.reload();
  await expect(page.getByTestId('exam-status')).toHaveText('已约上');
  await expect(page.getByTestId('exam-booking')).toContainText('排序第1位');
});
