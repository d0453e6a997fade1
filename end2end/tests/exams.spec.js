// A learner narrows the session list by centre, subject and day (a plain
// GET form that survives reload and back), sees the bookable sessions first
// with every table cell labelled on the phone, books subject 1, sees their
// place in the queue, and sees the result once the session is allocated.
// Each browser project has its own learner.
const { test, expect, demo, account, staff, staffLogIn, staffApiLogIn } = require('./helpers');

async function logInAsLearner(page, info) {
  const learner = account(info, 'Learner');
  await page.goto('/login');
  await page.getByLabel('账号').fill(learner.login);
  await page.getByLabel('密码').fill(learner.password);
  await page.getByRole('button', { name: '登录' }).click();
  await expect(page).toHaveURL(/\/account$/);
}

/** The phone label drawn before a cell (its ::before content). */
function cellLabel(cell) {
  return cell.evaluate((td) => getComputedStyle(td, '::before').content);
}

// Runs before the booking journey below: this project's learner has no
// booking yet, so every subject-1 session is bookable.
test('the session list is short, filtered by centre, subject and day, and labelled on a phone', async ({ page }, info) => {
  await logInAsLearner(page, info);
  await page.goto('/account/exams');
  const table = page.getByTestId('exam-sessions');
  const rows = table.locator('tbody tr');

  // Only what can be booked is listed at first; the rest is summarised with its reason.
  await expect(rows).toHaveCount(10);
  await expect(table).not.toContainText('暂不能预约');
  await expect(page.getByTestId('unbookable-summary')).toContainText('请先通过科目一');
  await expect(page.getByTestId('session-count')).toContainText(/^\d+个场次可以预约/);
  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  expect(height, 'the exam page stays short on a phone').toBeLessThan(4500);
  // No list holds anything but list items (axe rule `list`).
  expect(await page.locator('ul > :not(li), ol > :not(li)').count()).toBe(0);

  const first = rows.first().locator('td');
  await expect(first.nth(2)).toBeVisible();
  if (info.project.name === 'phone') {
    // On a phone every cell says which column it is.
    expect(await cellLabel(first.nth(0))).toContain('考试时间');
    expect(await cellLabel(first.nth(2))).toContain('考场');
    expect(await cellLabel(first.nth(3))).toContain('已预约/名额');
  } else {
    // On a desktop the header row says it, and the cells carry no label.
    await expect(table.getByRole('columnheader', { name: '考场' })).toBeVisible();
    expect(await cellLabel(first.nth(0))).toBe('none');
  }
  // The header row is kept (for screen readers on a phone).
  await expect(table.getByRole('columnheader', { name: '考场' })).toHaveCount(1);

  // Narrow to one centre, subject 1 and one day.
  const centre = page.getByLabel('考场', { exact: true });
  await centre.selectOption({ label: '石家庄市正定考场' });
  await page.getByLabel('科目', { exact: true }).selectOption('1');
  const day = page.getByLabel('考试日期');
  const secondDay = await day.locator('option').nth(2).getAttribute('value');
  await day.selectOption(secondDay);
  await page.getByRole('button', { name: '筛选场次' }).click();
  await expect(page).toHaveURL(/subject=1/);
  await expect(page).toHaveURL(new RegExp(`day=${secondDay}`));
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText('石家庄市正定考场');
  await expect(rows.first()).toContainText('科目一');
  await expect(rows.first()).toContainText(secondDay);

  // The choices survive a reload and come back with the back button.
  await page.reload();
  await expect(centre).toHaveValue('石家庄市正定考场');
  await expect(page.getByLabel('科目', { exact: true })).toHaveValue('1');
  await expect(day).toHaveValue(secondDay);
  await expect(rows).toHaveCount(1);

  // Subject 2 cannot be booked yet: asked for, the sessions are listed with the reason.
  await page.getByLabel('科目', { exact: true }).selectOption('2');
  await day.selectOption('');
  await page.getByRole('button', { name: '筛选场次' }).click();
  await expect(page.getByTestId('session-count')).toContainText(/^0个场次可以预约/);
  await page.getByRole('link', { name: '列出这些场次' }).click();
  await expect(page.getByLabel('同时列出暂不能预约的场次')).toBeChecked();
  await expect(rows.first()).toContainText('暂不能预约');
  await expect(rows.first()).toContainText('请先通过科目一');

  await page.goBack();
  await expect(page.getByLabel('科目', { exact: true })).toHaveValue('2');
  await page.goBack();
  await expect(page.getByLabel('科目', { exact: true })).toHaveValue('1');
  await expect(rows).toHaveCount(1);
});

test('tables elsewhere label their cells on a phone, and keep their header row on a desktop', async ({ page }, info) => {
  await page.goto('/windows');
  const table = page.locator('table.table').first();
  const cell = table.locator('tbody tr').first().locator('td');
  if (info.project.name === 'phone') {
    expect(await cellLabel(cell.nth(1))).toContain('地址');
    expect(await cellLabel(cell.nth(2))).toContain('电话');
  } else {
    await expect(table.getByRole('columnheader', { name: '地址' })).toBeVisible();
    expect(await cellLabel(cell.nth(1))).toBe('none');
  }
});

test('a learner books subject 1 and sees the result after allocation', async ({ page, browser }, info) => {
  await logInAsLearner(page, info);

  await page.getByRole('link', { name: '驾考预约', exact: true }).first().click();
  // Subject 2 is not open yet; the reason is shown.
  await expect(page.getByTestId('unbookable-summary')).toContainText('请先通过科目一');
  const book = page.getByRole('button', { name: /^预约 1 / }).first();
  const label = await book.textContent();
  await book.click();
  await expect(page.getByRole('status')).toContainText('预约已提交');
  await expect(page.getByTestId('exam-status')).toHaveText('待分配');
  await expect(page.getByTestId('exam-booking')).toContainText('当前排第1位');

  // The exam office closes the session and allocates it.
  const office = await browser.newContext({ baseURL: info.project.use.baseURL || 'http://127.0.0.1:3100' });
  const request = office.request;
  await staffApiLogIn(request, demo().logins.find((l) => l.role_en === 'Administrator'));
  const overview = await (await page.request.post('/api/exams/overview', { headers: { accept: 'application/json', 'sec-fetch-site': 'same-origin' } })).json();
  const booked = overview.bookings.items[0].session.id;
  const res = await request.post('/api/staff/exams/allocate', { form: { session_id: String(booked) }, headers: { accept: 'application/json', 'sec-fetch-site': 'same-origin' } });
  expect(res.ok()).toBeTruthy();
  await office.close();
  expect(label).toContain('预约');

  await page.reload();
  await expect(page.getByTestId('exam-status')).toHaveText('已约上');
  await expect(page.getByTestId('exam-booking')).toContainText('排序第1位');
});
