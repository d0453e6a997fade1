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

/** The newest SMS code sent to a phone (development outbox). */
async function latestCode(request, phone) {
  const res = await request.get(`/dev/sms-outbox?phone=${phone}`);
  base.expect(res.ok()).toBeTruthy();
  const messages = await res.json();
  const match = messages.length ? messages[0].body.match(/(\d{6})/) : null;
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

module.exports = { test, expect: base.expect, demo, latestCode, residentId, creditCode };
