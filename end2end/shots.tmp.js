const { chromium } = require('@playwright/test');
const fs = require('fs');
const { totpAt } = require('./tests/helpers');
const demo = JSON.parse(fs.readFileSync('/tmp/shotdb/demo.json', 'utf8'));
const base = 'http://127.0.0.1:3200';
let used = {};
async function staffLogin(page, login) {
  const who = demo.logins.find((l) => l.login === login);
  await page.goto(base + '/login');
  await page.getByLabel('账号').fill(who.login);
  await page.getByLabel('密码').fill(who.password);
  await page.getByRole('button', { name: '登录' }).click();
  await page.waitForURL(/second-factor/);
  let step = Math.max(Math.floor(Date.now() / 30000), (used[login] ?? -9) + 1);
  used[login] = step;
  while (step > Math.floor(Date.now() / 30000) + 1) await new Promise((r) => setTimeout(r, 1000));
  await page.getByLabel('动态口令', { exact: true }).fill(totpAt(who.totp_key, step));
  await page.getByRole('button', { name: '验证并登录' }).click();
  await page.waitForURL(/\/staff/);
}
(async () => {
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
  for (const [w, h] of [[360, 740], [1280, 800]]) {
    const shots = [
      ['admin', ['/staff', '/staff/admin/staff', '/staff/exams']],
      ['super01', ['/staff', '/staff/accounts?q=' + demo.logins.find((l) => l.role_en.startsWith('Online-registered')).login, '/staff/appeals']],
      ['clerk01', ['/staff']],
      ['centre01', ['/staff', '/staff/refunds', '/staff/applications']],
    ];
    for (const [login, paths] of shots) {
      const ctx = await browser.newContext({ viewport: { width: w, height: h } });
      const page = await ctx.newPage();
      await staffLogin(page, login);
      for (const p of paths) {
        await page.goto(base + p);
        await page.screenshot({ path: `/tmp/shots/${w}-${login}-${p.replace(/[^a-z0-9]/gi, '_').slice(0, 40)}.png`, fullPage: true });
      }
      if (login === 'super01') {
        await page.goto(base + paths[1]);
        await page.getByRole('link', { name: '打开档案' }).first().click();
        await page.screenshot({ path: `/tmp/shots/${w}-super-file.png`, fullPage: true });
      }
      if (login === 'clerk01') {
        await page.goto(base + '/staff/accounts?q=' + demo.logins.find((l) => l.role_en.startsWith('Online-registered')).login);
        await page.getByRole('link', { name: '打开档案' }).first().click();
        await page.screenshot({ path: `/tmp/shots/${w}-clerk-file.png`, fullPage: true });
      }
      await ctx.close();
    }
    // first login enrolment page
    const ctx = await browser.newContext({ viewport: { width: w, height: h } });
    const page = await ctx.newPage();
    await page.goto(base + '/login');
    await page.getByLabel('账号').fill('admin');
    await page.getByLabel('密码').fill('Demo@2026');
    await page.getByRole('button', { name: '登录' }).click();
    await page.waitForURL(/second-factor/);
    await page.screenshot({ path: `/tmp/shots/${w}-second-factor.png`, fullPage: true });
    await ctx.close();
  }
  await browser.close();
})();
