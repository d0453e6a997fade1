// The open API for units' own systems (开放接口): the demo driving school's
// own account creates a key on its dashboard — shown once — and its
// system then does the school's whole flow through the API alone (enter
// a learner, the learner's code, register the account, read the list);
// the key is revoked on the dashboard and the next call is refused. The
// documentation page shows the document in Swagger UI.
const { test, expect, demo, latestCode, logIn } = require('./helpers');

test.use({ extraHTTPHeaders: { 'X-Forwarded-For': '198.51.100.41' } });

function school() {
  const found = demo().logins.find((l) => l.role_en.startsWith('Driving school'));
  if (!found) throw new Error('no demo driving school');
  return found;
}

test('a school creates a key, works through the API alone, and a revoked key is refused', async ({ page, playwright }, info) => {
  test.setTimeout(120_000);
  const learner = demo().learners_to_enter[info.project.name === 'phone' ? 2 : 3];
  expect(learner, 'a learner without an account').toBeTruthy();
  const name = `驾校系统${info.project.name}`;

  await logIn(page, school(), /\/unit$/);
  await page.getByRole('navigation', { name: '单位业务' }).getByRole('link', { name: '开放接口密钥' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('开放接口密钥');
  // Nothing typed: each field says what it needs.
  await page.getByRole('button', { name: '创建密钥' }).click();
  await expect(page.getByRole('alert').first()).toContainText('请填写密钥名称');
  await page.getByLabel('密钥名称').fill(name);
  await page.getByLabel('30天').check();
  await page.getByRole('button', { name: '创建密钥' }).click();
  const shown = page.getByTestId('new-api-key');
  await expect(shown).toBeVisible();
  const key = await shown.inputValue();
  expect(key).toMatch(/^jgk_[0-9a-f]{16}_[0-9a-f]{64}$/);
  // Shown once: a reload shows the key's id only.
  await page.reload();
  await expect(page.getByTestId('new-api-key')).toHaveCount(0);
  const row = page.getByTestId('api-keys').getByRole('row').filter({ hasText: name });
  await expect(row).toContainText(key.slice(0, 20));
  await expect(row).toContainText('有效');
  await expect(row).toContainText('未使用');

  // The school's system: no cookie, only the key.
  const system = await playwright.request.newContext({
    baseURL: info.project.use.baseURL,
    extraHTTPHeaders: { Authorization: `Bearer ${key}`, 'X-Forwarded-For': '198.51.100.42' },
  });
  let res = await system.post('/open/v1/learners', {
    data: { id_number: learner.id_number, name: learner.name, phone: learner.phone, class: 'C1' },
  });
  expect(res.status(), await res.text()).toBe(201);
  const { id } = await res.json();
  res = await system.post(`/open/v1/learners/${id}/confirm`, {
    data: { code: await latestCode(page.request, learner.phone) },
  });
  expect(res.status(), await res.text()).toBe(200);
  res = await system.post(`/open/v1/learners/${id}/register`, {
    data: { password: 'Jiekou2026abc', password_confirm: 'Jiekou2026abc' },
  });
  expect(res.status(), await res.text()).toBe(201);
  res = await system.get('/open/v1/learners');
  expect(res.status()).toBe(200);
  const list = await res.json();
  const entry = list.items.find((l) => l.id === id);
  expect(entry.state).toBe('registered');
  expect(JSON.stringify(list)).not.toContain(learner.id_number);

  // The page shows the key as used; the learner logs in with the password.
  await page.reload();
  await expect(row).not.toContainText('未使用');
  await page.goto('/unit/learners');
  await expect(page.getByTestId('unit-learners').getByRole('row').filter({ hasText: learner.name }).first()).toContainText('已注册平台账户');

  // Revoked on the dashboard: the next call is refused.
  await page.goto('/unit/api-keys');
  await row.getByRole('button', { name: /吊销/ }).click();
  await expect(page.getByRole('status').first()).toContainText('密钥已吊销');
  await expect(row).toContainText('已吊销');
  res = await system.get('/open/v1/learners');
  expect(res.status()).toBe(401);
  expect((await res.json()).error.code).toBe('revoked_key');
  await system.dispose();

  // Every call is in the unit's audit, with the key.
  await page.goto('/unit/audit');
  await expect(page.getByText('开放接口调用').first()).toBeVisible();
});

test('the open API documentation shows every call', async ({ page }) => {
  await page.goto('/open/docs');
  await expect(page.locator('.swagger-ui .info .title')).toContainText('开放接口');
  await expect(page.getByText('/open/v1/learners/{id}/register')).toBeVisible();
});
