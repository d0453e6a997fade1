// The electronic driving licence (电子驾驶证): the holder shows its signed QR
// code, a verifier opens the address it carries and sees it genuine; a
// tampered credential is refused as such; the holder revokes the code and
// the old one stops passing at once. Each browser project has its own holder.
const { test, expect, account, logIn } = require('./helpers');

/** This project's online holder, logged in on the licence page with the licence bound. */
async function holderOnLicencePage(page, info) {
  const holder = account(info, 'Online-registered individual');
  await logIn(page, holder, /\/account$/);
  await page.goto('/account/licence');
  const bind = page.getByRole('button', { name: '绑定本人驾驶证' });
  if (await bind.count()) {
    await bind.click();
    await expect(page.getByRole('status')).toContainText('绑定成功');
  }
  return holder;
}

/** The credential's claims changed (the signature kept), as a forger would. */
function tampered(credential, change) {
  const [header, claims, signature] = credential.split('.');
  const json = JSON.parse(Buffer.from(claims, 'base64url').toString('utf8'));
  change(json);
  return [header, Buffer.from(JSON.stringify(json)).toString('base64url'), signature].join('.');
}

test('the electronic licence is shown, checked, tampered with and revoked', async ({ page }, info) => {
  const holder = await holderOnLicencePage(page, info);

  // The code and what it states.
  await expect(page.getByRole('heading', { level: 2, name: '电子驾驶证' })).toBeVisible();
  const card = page.getByTestId('e-licence');
  await expect(card.getByRole('img', { name: /电子驾驶证二维码/ })).toBeVisible();
  await expect(card).toContainText('准驾车型');
  await expect(card).toContainText('二维码有效至');
  const link = page.getByTestId('e-licence-link');
  const address = await link.getAttribute('href');
  expect(address).toMatch(/\/verify\?c=ey[\w-]+\.[\w-]+\.[\w-]+$/);
  const credential = address.split('?c=')[1];

  // A verifier's phone opens the address: genuine, with the holder's facts.
  await link.click();
  await expect(page).toHaveURL(/\/verify\?c=/);
  await expect(page.getByRole('status')).toContainText('凭证有效');
  await expect(page.getByTestId('verified-licence')).toContainText('当前状态');
  await expect(page.getByTestId('verified-licence')).toContainText('正常');

  // A forger changes the class and pastes it: refused as tampered, and the
  // text stays in the box.
  const forged = tampered(credential, (c) => { c.class = 'A1'; });
  await page.goto('/verify');
  await page.getByLabel('凭证内容或核验地址').fill(forged);
  await page.getByRole('button', { name: '核验', exact: true }).click();
  await expect(page.getByRole('alert')).toContainText('签名不符');
  await expect(page.getByLabel('凭证内容或核验地址')).toHaveValue(forged);
  // Cut short when copied: said so.
  // (Enter in the box is a new line: Tab to the button and press it.)
  await page.getByLabel('凭证内容或核验地址').fill(credential.slice(0, 40));
  await page.getByLabel('凭证内容或核验地址').press('Tab');
  await expect(page.getByRole('button', { name: '核验', exact: true })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('alert')).toContainText('复制时不完整');

  // The holder revokes the code (keyboard only): the old one fails, a new one passes.
  await page.goto('/account/licence');
  await page.getByRole('button', { name: '作废二维码并重新生成' }).focus();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('status').first()).toContainText('之前的电子驾驶证二维码已作废');
  const fresh = await page.getByTestId('e-licence-link').getAttribute('href');
  expect(fresh).not.toEqual(address);
  await page.goto(address);
  await expect(page.getByRole('alert')).toContainText('作废');
  await page.goto(fresh);
  await expect(page.getByRole('status')).toContainText('凭证有效');
  // Reload and back change nothing.
  await page.reload();
  await expect(page.getByRole('status')).toContainText('凭证有效');
  await page.goBack();
  await expect(page.getByRole('alert')).toContainText('作废');
});

test('the public key document lists the key the credentials name', async ({ request }) => {
  const res = await request.get('/.well-known/platform-keys.json');
  expect(res.ok()).toBeTruthy();
  const doc = await res.json();
  expect(doc.issuer).toBe('冀');
  expect(doc.keys.filter((k) => k.current)).toHaveLength(1);
  for (const key of doc.keys) {
    expect(key).toMatchObject({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA' });
    expect(Buffer.from(key.x, 'base64url')).toHaveLength(32);
  }
});

test('a share code lets a rental desk check the licence, and the holder sees it', async ({ page, browser }, info) => {
  const holder = await holderOnLicencePage(page, info);
  await page.getByRole('link', { name: /分享驾驶证信息/ }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('分享驾驶证信息');
  // Forgetting who it is for keeps the choice of days.
  await page.getByLabel('7天').check();
  await page.getByRole('button', { name: '生成分享码' }).click();
  await expect(page.getByRole('alert')).toContainText('请填写分享给谁');
  await expect(page.getByLabel('7天')).toBeChecked();
  const desk = `租车门店${info.project.name}`;
  await page.getByLabel('分享给谁').fill(desk);
  await page.getByRole('button', { name: '生成分享码' }).click();
  await expect(page.getByRole('status')).toContainText('分享码已生成');
  const card = page.getByTestId('share-code').first();
  await expect(card).toContainText(desk);
  const code = (await card.locator('.share-code__code').textContent()).trim();
  expect(code).toMatch(/^[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}$/);

  // The rental desk, in its own browser, checks with the code.
  const desk_context = await browser.newContext();
  const deskPage = await desk_context.newPage();
  await deskPage.goto('/licence-check');
  await deskPage.getByLabel('分享码').fill(code.toLowerCase());
  await deskPage.getByLabel('驾驶证号后4位').fill('0000' === holder.login.slice(-4) ? '1111' : '0000');
  await deskPage.getByLabel('核查单位或个人').fill(desk);
  await deskPage.getByRole('button', { name: '核查', exact: true }).click();
  await expect(deskPage.getByRole('alert')).toContainText('分享码或驾驶证号后4位不正确');
  await expect(deskPage.getByLabel('核查单位或个人')).toHaveValue(desk);
  await deskPage.getByLabel('驾驶证号后4位').fill(holder.login.slice(-4));
  await deskPage.getByLabel('驾驶证号后4位').press('Enter');
  await expect(deskPage.getByRole('status')).toContainText('核查结果');
  await expect(deskPage.getByTestId('checked-licence')).toContainText('累积记分');
  await desk_context.close();

  // The holder sees the use, then revokes the code.
  await page.reload();
  await expect(card).toContainText('使用记录（1次）');
  await expect(card).toContainText(desk);
  await card.getByRole('button', { name: /撤销/ }).click();
  await expect(page.getByRole('status')).toContainText('分享码已撤销');
  await expect(page.getByTestId('share-code').first()).toContainText('已撤销');
});
