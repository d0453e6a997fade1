// Shared fixtures: every test fails on an uncaught page error, and can read
// the demo identities and the development SMS outbox.
const base = require('@playwright/test');
const fs = require('fs');
const path = require('path');

const test = base.test.extend({
  page: async ({ page }, use) => {
    const errors = [];
    page.on('pageerror', (err) => errors.push(err));
    await use(page);
    base.expect(errors, `uncaught page errors: ${errors.map(String).join('\n')}`).toEqual([]);
  },
});

function demo() {
  return JSON.parse(fs.readFileSync(path.join(__dirname, '..', '.tmp', 'demo.json'), 'utf8'));
}

// Journeys change the accounts they use (bind a car, book an exam, hold a
// plate, get blacklisted), so each browser project has its own citizens:
// the phone takes the first demo account of a role, the desktop the second
// ("… #2"), and every journey runs on both.
const PROJECTS = ['phone', 'desktop'];

function projectIndex(info) {
  const n = PROJECTS.indexOf(info.project.name);
  if (n < 0) throw new Error(`no demo accounts for the project ${info.project.name}`);
  return n;
}

/** This project's own demo account in a citizen role (by the start of its English role). */
function account(info, role) {
  const found = demo().logins.filter((l) => l.role_en.startsWith(role))[projectIndex(info)];
  if (!found) throw new Error(`no demo ${role} for the project ${info.project.name}`);
  return found;
}

/** The small car of this project's online owner: plate, VIN and the owner's phone. */
function ownerCar(info) {
  const car = demo().owner_cars[projectIndex(info)];
  if (!car) throw new Error(`no demo owner car for the project ${info.project.name}`);
  return car;
}

/** The newest SMS code sent to a phone (development outbox); other
 * messages (a new-device login alert, say) may have come after it. */
async function latestCode(request, phone) {
  const res = await request.get(`/dev/sms-outbox?phone=${phone}`);
  base.expect(res.ok()).toBeTruthy();
  const messages = await res.json();
  const withCode = messages.find((m) => /验证码\D*\d{6}/.test(m.body));
  const match = withCode ? withCode.body.match(/验证码\D*(\d{6})/) : null;
  base.expect(match, `no code in outbox for ${phone}`).not.toBeNull();
  return match[1];
}

/** Resident ID check character (GB 11643, ISO 7064 MOD 11-2). */
function idCheckChar(first17) {
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...first17].reduce((s, c, i) => s + Number(c) * w[i], 0);
  return '10X98765432'[sum % 11];
}

function residentId(seq) {
  const first17 = `130104199001${String(10 + (seq % 18)).padStart(2, '0')}${String(seq % 1000).padStart(3, '0')}`;
  return first17 + idCheckChar(first17);
}

/** Unified social credit code with its GB 32100 check character. */
function creditCode(seed) {
  const chars = '0123456789ABCDEFGHJKLMNPQRTUWXY';
  const org = String(seed).padStart(9, '0').slice(-9);
  const first17 = `91130104${org}`;
  const weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
  const sum = [...first17].reduce((s, c, i) => s + chars.indexOf(c) * weights[i], 0);
  const c = (31 - (sum % 31)) % 31;
  return first17 + chars[c];
}

module.exports = { test, expect: base.expect, demo, account, ownerCar, latestCode, residentId, creditCode };

// Staff log in with a second factor (动态口令): the code of their
// authenticator app (TOTP, RFC 6238: HMAC-SHA1, 6 digits, 30 s). The demo
// staff share a known key (development only).
const crypto = require('crypto');

function base32Bytes(text) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0;
  let value = 0;
  const out = [];
  for (const c of text.replace(/[\s=]/g, '').toUpperCase()) {
    value = (value << 5) | alphabet.indexOf(c);
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out.push((value >>> bits) & 0xff);
    }
  }
  return Buffer.from(out);
}

/** The six-digit code of a Base32 key for a time step. */
function totpAt(key, step) {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const digest = crypto.createHmac('sha1', base32Bytes(key)).update(counter).digest();
  const offset = digest[19] & 0x0f;
  const value = ((digest[offset] & 0x7f) << 24) | (digest[offset + 1] << 16) | (digest[offset + 2] << 8) | digest[offset + 3];
  return String(value % 1000000).padStart(6, '0');
}

// The last step used per login, kept in a file: the server accepts a code
// once, and steps within one either side of now; a worker restarted after
// a failed test must not reuse one.
const STEPS = path.join(__dirname, '..', '.tmp', 'totp-steps.json');

function lastSteps() {
  try {
    return JSON.parse(fs.readFileSync(STEPS, 'utf8'));
  } catch {
    return {};
  }
}

/** A code for this login that the server has not seen, waiting for the next step when needed. */
async function freshCode(login, key) {
  const now = () => Math.floor(Date.now() / 30000);
  const steps = lastSteps();
  // Never the step before now: at a step boundary the server may already
  // be one step on, and it accepts one step either side of its own.
  const step = Math.max(now(), (steps[login] ?? -Infinity) + 1);
  while (step > now() + 1) {
    await new Promise((r) => setTimeout(r, 1000));
  }
  steps[login] = step;
  fs.writeFileSync(STEPS, JSON.stringify(steps));
  return totpAt(key, step);
}

/** This project's own staff account in a role (the desktop takes "… #2" where there is one). */
function staff(info, role) {
  const all = demo().logins.filter((l) => l.role_en === role || l.role_en === `${role} #2`);
  const found = all[Math.min(projectIndex(info), all.length - 1)];
  if (!found) throw new Error(`no demo ${role}`);
  return found;
}

/** Logs a staff member in through the pages: password, then the code. */
async function staffLogIn(page, who) {
  await page.goto('/login');
  await page.getByLabel('账号').fill(who.login);
  await page.getByLabel('密码').fill(who.password);
  await page.getByRole('button', { name: '登录' }).click();
  await base.expect(page).toHaveURL(/\/login\/second-factor/);
  await page.getByLabel('动态口令', { exact: true }).fill(await freshCode(who.login, who.totp_key));
  await page.getByRole('button', { name: '验证并登录' }).click();
  await base.expect(page).toHaveURL(/\/staff/);
}

/** Logs a staff member in on an API request context. */
async function staffApiLogIn(request, who) {
  const json = { accept: 'application/json', 'sec-fetch-site': 'same-origin' };
  const first = await request.post('/api/login', { form: { identifier: who.login, password: who.password }, headers: json });
  base.expect(first.ok(), await first.text()).toBeTruthy();
  const second = await request.post('/api/staff/confirm_second_factor', { form: { code: await freshCode(who.login, who.totp_key) }, headers: json });
  base.expect(second.ok(), await second.text()).toBeTruthy();
}

/** Logs a citizen or a unit in with the login form and waits for `home`. */
async function logIn(page, user, home) {
  await page.goto('/login');
  await page.getByLabel('账号').fill(user.login);
  await page.getByLabel('密码').fill(user.password);
  await page.getByRole('button', { name: '登录' }).click();
  await base.expect(page).toHaveURL(home);
}

module.exports.logIn = logIn;
module.exports.totpAt = totpAt;
module.exports.freshCode = freshCode;
module.exports.staff = staff;
module.exports.staffLogIn = staffLogIn;
module.exports.staffApiLogIn = staffApiLogIn;
