// Page weights: what a phone downloads for each main page of the release
// build (HTML as served with brotli, plus the shared CSS/JS/WASM once).
// Usage: node end2end/page-weights.js http://127.0.0.1:3300 LOGIN PASSWORD
const zlib = require('zlib');

const [base, login, password] = process.argv.slice(2);
const pages = ['/', '/login', '/register', '/account', '/account/vehicles', '/account/licence',
  '/account/violations', '/account/applications', '/account/apply/D1', '/account/messages'];

function kb(n) { return `${(n / 1024).toFixed(1)} KB`; }
const br = (buf) => zlib.brotliCompressSync(buf, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 5 } }).length;

(async () => {
  let cookie = '';
  const res = await fetch(`${base}/api/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: new URLSearchParams({ identifier: login, password }),
  });
  cookie = (res.headers.get('set-cookie') || '').split(';')[0];
  const shared = {};
  for (const path of pages) {
    const page = await fetch(`${base}${path}`, { headers: { cookie }, redirect: 'manual' });
    const html = Buffer.from(await page.arrayBuffer());
    for (const m of html.toString().matchAll(/(?:href|src)="(\/pkg\/[^"]+)"/g)) shared[m[1]] = true;
    console.log(`${path.padEnd(26)} ${String(page.status).padEnd(4)} html ${kb(html.length).padStart(9)} raw ${kb(br(html)).padStart(8)} brotli`);
  }
  let total = 0;
  for (const asset of Object.keys(shared).sort()) {
    const buf = Buffer.from(await (await fetch(`${base}${asset}`)).arrayBuffer());
    const size = zlib.brotliCompressSync(buf, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
    total += size;
    console.log(`${asset.padEnd(26)}      asset ${kb(buf.length).padStart(8)} raw ${kb(size).padStart(8)} brotli`);
  }
  console.log(`shared assets (loaded once, cached): ${kb(total)} brotli`);
})();
