// The licence photo (D4) from a phone: a photo of several megabytes is
// turned upright, cropped and compressed in the browser and accepted;
// without JavaScript the server reads a large upload to its end and says
// why it was refused (a reset connection showed "This site can't be
// reached"), and a huge one gets a 413 page with the way back.
const path = require('path');
const { test, expect, account } = require('./helpers');

// This project's online owner: other journeys bind their car, not their
// licence, and nothing else looks at their photo.
async function openPhotoPage(page, info) {
  const user = account(info, 'Online-registered individual');
  await page.goto('/login');
  await page.getByLabel('账号').fill(user.login);
  await page.getByLabel('密码').fill(user.password);
  await page.getByRole('button', { name: '登录' }).click();
  await expect(page).toHaveURL(/\/account$/);
  await page.goto('/account/licence');
  const bind = page.getByRole('button', { name: '绑定本人驾驶证' });
  if (await bind.count()) {
    await bind.click();
    await expect(page.getByRole('status')).toContainText('绑定成功');
  }
  await page.goto('/account/licence/photo');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('提交驾驶证专用照片');
}

/** A camera-sized JPEG (2400×3200, noisy like a real photo) made in the page. */
async function phonePhoto(page) {
  const base64 = await page.evaluate(async () => {
    const canvas = document.createElement('canvas');
    canvas.width = 2400;
    canvas.height = 3200;
    const ctx = canvas.getContext('2d');
    const image = ctx.createImageData(canvas.width, canvas.height);
    const d = image.data;
    for (let i = 0; i < d.length; i += 4) {
      const y = Math.floor(i / 4 / canvas.width);
      const noise = Math.random() * 90;
      d[i] = 150 + noise * 0.9 - y / 40;
      d[i + 1] = 120 + noise;
      d[i + 2] = 90 + noise * 1.2 + y / 40;
      d[i + 3] = 255;
    }
    ctx.putImageData(image, 0, 0);
    const blob = await new Promise((resolve) => canvas.toBlob(resolve, 'image/jpeg', 0.95));
    const bytes = new Uint8Array(await blob.arrayBuffer());
    let text = '';
    for (let i = 0; i < bytes.length; i += 0x8000) {
      text += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
    }
    return btoa(text);
  });
  return Buffer.from(base64, 'base64');
}

/** A PNG header saying 358×441, padded to `bytes` (only its size matters). */
function paddedPng(bytes) {
  const head = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
  const size = Buffer.alloc(8);
  size.writeUInt32BE(358, 0);
  size.writeUInt32BE(441, 4);
  return Buffer.concat([head, size, Buffer.alloc(bytes - 24, 7)]);
}

/** Average red and blue of a band of the photo on record. */
async function bandColours(page) {
  return page.getByAltText('您提交的驾驶证专用照片').evaluate(async (img) => {
    await img.decode();
    const canvas = document.createElement('canvas');
    canvas.width = img.naturalWidth;
    canvas.height = img.naturalHeight;
    const ctx = canvas.getContext('2d');
    ctx.drawImage(img, 0, 0);
    const band = (y) => {
      const d = ctx.getImageData(0, y, canvas.width, 20).data;
      let red = 0;
      let blue = 0;
      for (let i = 0; i < d.length; i += 4) {
        red += d[i];
        blue += d[i + 2];
      }
      return { red: red / (d.length / 4), blue: blue / (d.length / 4) };
    };
    return { top: band(10), bottom: band(canvas.height - 30) };
  });
}

test('a multi-megabyte phone photo is compressed in the browser and accepted', async ({ page }, info) => {
  await openPhotoPage(page, info);
  const field = page.getByLabel('选择照片');

  // A file that is not a picture is refused on the spot, with the reason.
  await field.setInputFiles({ name: 'notes.jpg', mimeType: 'image/jpeg', buffer: Buffer.from('not a photo '.repeat(2000)) });
  await expect(page.locator('#photo-error')).toHaveText('无法读取这个文件。只能上传JPG或PNG格式的照片。');
  await expect(field).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByAltText('将要提交的照片')).toBeHidden();
  await page.getByRole('button', { name: '提交照片' }).click();
  await expect(page).toHaveURL(/\/account\/licence\/photo$/);
  await expect(field).toBeFocused();

  const photo = await phonePhoto(page);
  expect(photo.length).toBeGreaterThan(2 * 1024 * 1024);
  await field.setInputFiles({ name: 'IMG_20250101_093000.jpg', mimeType: 'image/jpeg', buffer: photo });
  const status = page.locator('#photo-status');
  await expect(status).toContainText('照片已自动压缩为662×882像素');
  await expect(status).toContainText(`原文件${(photo.length / 1048576).toFixed(1)}MB`);
  await expect(page.locator('#photo-error')).toBeEmpty();
  await expect(page.getByAltText('将要提交的照片')).toBeVisible();
  const sent = await field.evaluate((input) => ({ name: input.files[0].name, size: input.files[0].size }));
  expect(sent.name).toBe('IMG_20250101_093000.jpg');
  expect(sent.size).toBeLessThanOrEqual(300 * 1024);
  expect(sent.size).toBeGreaterThanOrEqual(10 * 1024);

  await page.getByRole('button', { name: '提交照片' }).click();
  await expect(page).toHaveURL(/\/account\/licence\/photo\?uploaded=1$/);
  await expect(page.getByRole('status').first()).toContainText('照片已提交。');
  await expect(page.locator('.caption')).toContainText('662×882');
  await expect(page.getByRole('alert')).toHaveCount(0);
});

test('a photo stored on its side with an EXIF rotation is turned upright', async ({ page }, info) => {
  await openPhotoPage(page, info);
  // 441×358 pixels as stored, orientation 6: seen upright it is 358×441,
  // red at the top and blue at the bottom.
  await page.getByLabel('选择照片').setInputFiles(path.join(__dirname, 'fixtures', 'rotated-portrait.jpg'));
  const status = page.locator('#photo-status');
  await expect(status).toContainText('照片已自动压缩为358×441像素');
  await expect(status).toContainText('已按拍摄方向摆正。');
  await page.getByRole('button', { name: '提交照片' }).click();
  await expect(page).toHaveURL(/\/account\/licence\/photo\?uploaded=1$/);
  await expect(page.locator('.caption')).toContainText('358×441');
  const { top, bottom } = await bandColours(page);
  expect(top.red).toBeGreaterThan(top.blue + 80);
  expect(bottom.blue).toBeGreaterThan(bottom.red + 80);
});

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('a photo of several megabytes gets the reason, a huge file a 413 page', async ({ page }, info) => {
    await openPhotoPage(page, info);
    await page.getByLabel('选择照片').setInputFiles({ name: 'IMG_0001.png', mimeType: 'image/png', buffer: paddedPng(4 * 1024 * 1024) });
    await page.getByRole('button', { name: '提交照片' }).click();
    await expect(page).toHaveURL(/error=photo\.too_large$/);
    await expect(page.getByRole('alert')).toContainText('照片文件不能超过300KB');

    await page.getByLabel('选择照片').setInputFiles({ name: 'VID_0001.png', mimeType: 'image/png', buffer: paddedPng(21 * 1024 * 1024) });
    const [answer] = await Promise.all([
      page.waitForResponse((res) => res.url().endsWith('/account/licence/photo/upload')),
      page.getByRole('button', { name: '提交照片' }).click(),
    ]);
    expect(answer.status()).toBe(413);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('照片文件太大');
    await expect(page.getByText('Photo file too large')).toBeVisible();
    await page.getByRole('link', { name: '返回提交照片' }).click();
    await expect(page).toHaveURL(/\/account\/licence\/photo$/);
  });
});
