// Licence photo page (/account/licence/photo) only. Before the plain form
// sends a photo, this turns it upright (the camera's EXIF orientation),
// crops it to portrait if needed and compresses it to a JPEG within the
// rules of app/src/domain/photo.rs, which the form carries in its data-*
// attributes (the status line carries the messages in the page's
// language). The
// prepared file takes the original's place in the file field, so the
// server sees an ordinary upload. Without this script (or in a browser
// that cannot do this) the form sends the original and the server says
// what is wrong with it.
(function () {
  'use strict';

  var form = document.getElementById('photo-form');
  if (!form || typeof window.createImageBitmap !== 'function' || typeof window.DataTransfer !== 'function' ||
      !window.HTMLCanvasElement || !HTMLCanvasElement.prototype.toBlob || !window.Promise) {
    return;
  }
  var input = document.getElementById('photo');
  var group = document.getElementById('photo-group');
  var status = document.getElementById('photo-status');
  var error = document.getElementById('photo-error');
  var d = form.dataset;
  var m = status.dataset;
  var preview = document.createElement('img');
  preview.className = 'licence-photo';
  preview.alt = m.msgPreview;
  preview.hidden = true;
  status.parentNode.insertBefore(preview, status.nextSibling);
  var rule = {
    minBytes: Number(d.minBytes),
    maxBytes: Number(d.maxBytes),
    minW: Number(d.minWidth),
    minH: Number(d.minHeight),
    maxW: Number(d.maxWidth),
    maxH: Number(d.maxHeight),
    // The server floors width*100/height; stay a little inside its range.
    ratioMin: Number(d.ratioMin) + 0.005,
    ratioMax: Number(d.ratioMax) - 0.005,
    targetW: Number(d.targetWidth),
    targetH: Number(d.targetHeight),
  };
  var zh = (document.documentElement.lang || '').indexOf('zh') === 0;
  // The state of the chosen file: 'idle' (nothing to do), 'working',
  // 'ready' (the field holds the file to send), 'failed' (do not send).
  var state = 'idle';
  var working = null;
  var viaFetch = null;
  var round = 0;

  function size(bytes) {
    var sep = zh ? '' : ' ';
    if (bytes >= 1024 * 1024) return (bytes / (1024 * 1024)).toFixed(1) + sep + 'MB';
    return Math.max(1, Math.round(bytes / 1024)) + sep + 'KB';
  }

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (_, key) { return String(values[key]); });
  }

  function say(text) {
    status.textContent = text;
  }

  function fail(message) {
    state = 'failed';
    say('');
    error.textContent = message;
    group.classList.add('form-group--error');
    input.setAttribute('aria-invalid', 'true');
    preview.hidden = true;
    preview.removeAttribute('src');
  }

  function clearError() {
    error.textContent = '';
    group.classList.remove('form-group--error');
    input.removeAttribute('aria-invalid');
  }

  // The EXIF orientation (1–8) of a JPEG from its first bytes, 0 if none.
  function exifOrientation(buffer) {
    var v = new DataView(buffer);
    if (v.byteLength < 4 || v.getUint16(0) !== 0xffd8) return 0;
    var i = 2;
    while (i + 4 <= v.byteLength) {
      var marker = v.getUint16(i);
      if ((marker & 0xff00) !== 0xff00 || marker === 0xffda) return 0;
      var length = v.getUint16(i + 2);
      if (marker === 0xffe1 && i + 18 <= v.byteLength && v.getUint32(i + 4) === 0x45786966) {
        var tiff = i + 10;
        var little = v.getUint16(tiff) === 0x4949;
        var ifd = tiff + v.getUint32(tiff + 4, little);
        if (ifd + 2 > v.byteLength) return 0;
        var count = v.getUint16(ifd, little);
        for (var k = 0; k < count; k++) {
          var entry = ifd + 2 + k * 12;
          if (entry + 12 > v.byteLength) return 0;
          if (v.getUint16(entry, little) === 0x0112) return v.getUint16(entry + 8, little);
        }
        return 0;
      }
      i += 2 + length;
    }
    return 0;
  }

  function kind(buffer) {
    var b = new Uint8Array(buffer, 0, Math.min(8, buffer.byteLength));
    if (b[0] === 0xff && b[1] === 0xd8) return 'jpeg';
    if (b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47) return 'png';
    return '';
  }

  function fitsAsIs(file, type, orientation, w, h) {
    var ratio = w / h;
    return type !== '' && orientation <= 1 && file.size >= rule.minBytes && file.size <= rule.maxBytes &&
      w >= rule.minW && w <= rule.maxW && h >= rule.minH && h <= rule.maxH &&
      ratio >= rule.ratioMin && ratio <= rule.ratioMax;
  }

  function encode(canvas, quality) {
    return new Promise(function (resolve) { canvas.toBlob(resolve, 'image/jpeg', quality); });
  }

  function draw(bitmap, crop, w, h) {
    var canvas = document.createElement('canvas');
    canvas.width = w;
    canvas.height = h;
    var ctx = canvas.getContext('2d');
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, w, h);
    ctx.imageSmoothingEnabled = true;
    ctx.imageSmoothingQuality = 'high';
    ctx.drawImage(bitmap, crop.x, crop.y, crop.w, crop.h, 0, 0, w, h);
    return canvas;
  }

  // The best JPEG within the size limits: lower quality first, then
  // smaller dimensions (never below the minimum).
  function compress(bitmap, crop, w, h) {
    var qualities = [0.92, 0.85, 0.78, 0.7, 0.6, 0.5];
    var canvas = draw(bitmap, crop, w, h);
    function attempt(q) {
      return encode(canvas, qualities[q]).then(function (blob) {
        if (!blob) throw new Error('encode');
        if (blob.size < rule.minBytes && q === 0) {
          return encode(canvas, 1).then(function (best) {
            return { blob: best, w: w, h: h };
          });
        }
        if (blob.size <= rule.maxBytes) return { blob: blob, w: w, h: h };
        if (q + 1 < qualities.length) return attempt(q + 1);
        var scale = Math.max(0.8, Math.max(rule.minW / w, rule.minH / h));
        if (scale >= 1) return { blob: blob, w: w, h: h };
        return compress(bitmap, crop, Math.round(w * scale), Math.round(h * scale));
      });
    }
    return attempt(0);
  }

  function prepare(file) {
    var mine = ++round;
    clearError();
    preview.hidden = true;
    state = 'working';
    say(m.msgWorking);
    var head = file.slice(0, 256 * 1024);
    var readHead = head.arrayBuffer ? head.arrayBuffer() : new Response(head).arrayBuffer();
    return readHead.then(function (buffer) {
      var type = kind(buffer);
      var orientation = type === 'jpeg' ? exifOrientation(buffer) : 0;
      // Browsers that do not know the option turn photos upright anyway.
      return createImageBitmap(file, { imageOrientation: 'from-image' }).catch(function () {
        return createImageBitmap(file);
      }).then(function (bitmap) {
        return { bitmap: bitmap, type: type, orientation: orientation };
      }, function () {
        throw new Error('not-image');
      });
    }).then(function (got) {
      var bitmap = got.bitmap;
      var w = bitmap.width;
      var h = bitmap.height;
      if (mine !== round) {
        bitmap.close();
        return false;
      }
      if (fitsAsIs(file, got.type, got.orientation, w, h)) {
        bitmap.close();
        state = 'ready';
        say(m.msgKept);
        return true;
      }
      var crop = { x: 0, y: 0, w: w, h: h };
      var ratio = w / h;
      var target = rule.targetW / rule.targetH;
      if (ratio > rule.ratioMax) {
        crop.w = Math.round(h * target);
        crop.x = Math.floor((w - crop.w) / 2);
      } else if (ratio < rule.ratioMin) {
        crop.h = Math.round(w / target);
        crop.y = Math.floor((h - crop.h) / 2);
      }
      // Twice the recommended size is sharp enough and stays small.
      var scale = Math.min(1, (2 * rule.targetW) / crop.w, (2 * rule.targetH) / crop.h);
      var outW = Math.round(crop.w * scale);
      var outH = Math.round(crop.h * scale);
      if (outW < rule.minW || outH < rule.minH) {
        bitmap.close();
        throw new Error('dimensions');
      }
      return compress(bitmap, crop, outW, outH).then(function (result) {
        bitmap.close();
        if (mine !== round) return false;
        if (result.blob.size > rule.maxBytes) throw new Error('too-large');
        if (result.blob.size < rule.minBytes) throw new Error('too-small');
        var name = (file.name || 'photo').replace(/\.[^.]*$/, '') + '.jpg';
        var prepared = new File([result.blob], name, { type: 'image/jpeg', lastModified: Date.now() });
        var transfer = new DataTransfer();
        transfer.items.add(prepared);
        input.files = transfer.files;
        viaFetch = input.files && input.files[0] && input.files[0].size === prepared.size ? null : prepared;
        var notes = [];
        if (got.orientation > 1) notes.push(m.msgTurned);
        if (crop.w !== w || crop.h !== h) notes.push(m.msgCropped);
        say(fill(m.msgDone, {
          width: result.w,
          height: result.h,
          size: size(prepared.size),
          original: size(file.size),
        }) + notes.join('') + m.msgReady);
        var reader = new FileReader();
        reader.onload = function () {
          if (mine !== round || state !== 'ready') return;
          preview.width = Math.min(rule.targetW, result.w);
          preview.src = reader.result;
          preview.hidden = false;
        };
        reader.readAsDataURL(prepared);
        state = 'ready';
        return true;
      });
    }).catch(function (e) {
      if (mine !== round) return false;
      var reason = e && e.message;
      var messages = {
        'not-image': m.msgNotImage,
        dimensions: m.msgDimensions,
        'too-large': m.msgTooLarge,
        'too-small': m.msgTooSmall,
      };
      fail(messages[reason] || m.msgFailed);
      return false;
    });
  }

  function send() {
    say(m.msgSending);
    if (!viaFetch) {
      form.submit();
      return;
    }
    // A browser that cannot put a file into the field: send it ourselves
    // and follow the answer like the form would.
    var body = new FormData();
    body.append('photo', viaFetch, viaFetch.name);
    fetch(form.action, { method: 'POST', body: body, credentials: 'same-origin' }).then(function (res) {
      window.location.assign(res.url);
    }, function () {
      fail(m.msgFailed);
    });
  }

  input.addEventListener('change', function () {
    viaFetch = null;
    var file = input.files && input.files[0];
    if (!file) {
      state = 'idle';
      working = null;
      clearError();
      say('');
      preview.hidden = true;
      return;
    }
    working = prepare(file);
  });

  form.addEventListener('submit', function (event) {
    if (state === 'idle') return;
    if (state === 'ready' && !viaFetch) {
      say(m.msgSending);
      return;
    }
    event.preventDefault();
    if (state === 'failed') {
      input.focus();
      return;
    }
    working.then(function (ok) {
      if (ok) send();
      else input.focus();
    });
  });
})();
