// Uploaded files as a browser meets them, from the real reference server in Chromium: pictures whose
// metadata the server dropped still decode, in a shop's page on another origin under a strict Content
// Security Policy that allows the chat server in img-src (and under Cross-Origin-Embedder-Policy), with no
// token on the request; a text file opens as a download, never as a page.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { chromium } from 'playwright-core';
import { chromiumArgs, chromiumPath } from '../scripts/chromium.mjs';
import { freePort, ReferenceServer } from '../scripts/reference-server.mjs';

// Real 4×3 pictures, as a canvas in Chromium draws them, and the classic 1×1 GIF.
const PNG =
  'iVBORw0KGgoAAAANSUhEUgAAAAQAAAADCAYAAAC09K7GAAAAKUlEQVR4AVzIMQ0AAAgDQVJL9QSa8ASaIB1Y+OSWB71GihyBvZAdJvcXAAD///bIhRMAAAAGSURBVAMAs/IMy6/meZAAAAAASUVORK5CYII=';
const GIF = 'R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==';

let shop;
let shopServer;
let server;
let browser;

before(async () => {
  // The shop: a page of its own origin, with the policy docs/deployment.md asks for and cross-origin
  // isolation. A real server on 127.0.0.1, since Chromium refuses a page it cannot place on the network
  // (one the test answers itself) any request to a loopback address.
  shopServer = createServer((request, response) => {
    response.writeHead(200, {
      'Content-Type': 'text/html',
      'Content-Security-Policy': `default-src 'none'; img-src ${server.url}`,
      'Cross-Origin-Embedder-Policy': 'require-corp',
    });
    response.end('<!doctype html><title>Shop</title><p>Shop</p>');
  });
  const shopPort = await freePort();
  shopServer.listen(shopPort, '127.0.0.1');
  await once(shopServer, 'listening');
  shop = `http://localhost:${shopPort}`;
  server = await new ReferenceServer({ origins: [shop] }).start();
  browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
});

after(async () => {
  await browser?.close();
  await server?.stop();
  shopServer?.close();
});

/** A PNG with a text chunk after its header, as cameras and editors write them (the CRC is left out of the server's checks). */
function pngWithText(text) {
  const png = Buffer.from(PNG, 'base64');
  const data = Buffer.from(`Comment\0${text}`, 'latin1');
  const chunk = Buffer.alloc(12 + data.length);
  chunk.writeUInt32BE(data.length, 0);
  chunk.write('tEXt', 4, 'latin1');
  data.copy(chunk, 8);
  return Buffer.concat([png.subarray(0, 33), chunk, png.subarray(33)]);
}

/** A GIF with a comment block before its trailer. */
function gifWithComment(text) {
  const gif = Buffer.from(GIF, 'base64');
  const comment = Buffer.concat([Buffer.from([0x21, 0xfe, text.length]), Buffer.from(text, 'latin1'), Buffer.from([0])]);
  return Buffer.concat([gif.subarray(0, -1), comment, Buffer.from([0x3b])]);
}

/** A JPEG with an EXIF segment after its start marker, where a phone puts the place a photo was taken. */
function jpegWithExif(jpeg, text) {
  const payload = Buffer.from(`Exif\0\0${text}`, 'latin1');
  const segment = Buffer.alloc(4 + payload.length);
  segment.writeUInt16BE(0xffe1, 0);
  segment.writeUInt16BE(payload.length + 2, 2);
  payload.copy(segment, 4);
  return Buffer.concat([jpeg.subarray(0, 2), segment, jpeg.subarray(2)]);
}

/** A WebP (with its extended header) with an EXIF chunk at its end, flagged there, its RIFF size right. */
function webpWithExif(webp, text) {
  const data = Buffer.from(text, 'latin1');
  const chunk = Buffer.alloc(8 + data.length + (data.length & 1));
  chunk.write('EXIF', 0, 'latin1');
  chunk.writeUInt32LE(data.length, 4);
  data.copy(chunk, 8);
  const file = Buffer.concat([webp, chunk]);
  file.writeUInt32LE(file.length - 8, 4);
  file[20] |= 0x08;
  return file;
}

async function upload(visitor, bytes, name) {
  const form = new FormData();
  form.append('file', new Blob([bytes], { type: 'application/octet-stream' }), name);
  const response = await fetch(`${server.url}/chats/${visitor.groupId}/files`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${visitor.token}` },
    body: form,
  });
  assert.equal(response.status, 201, await response.clone().text());
  return response.json();
}

describe('files in the browser', () => {
  it('pictures stripped of their metadata decode in a strict, isolated shop page on another origin', async () => {
    const visitor = await (
      await fetch(`${server.url}/visitors`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' })
    ).json();
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      const violations = [];
      page.on('console', message => {
        if (/Content Security Policy|blocked/i.test(message.text())) violations.push(message.text());
      });
      await page.goto(`${shop}/`);
      // A JPEG and a WebP as Chromium encodes them (JFIF, ICC profile, extended WebP header).
      const drawn = await page.evaluate(() => {
        const canvas = document.createElement('canvas');
        [canvas.width, canvas.height] = [4, 3];
        const paint = canvas.getContext('2d');
        paint.fillStyle = '#c33';
        paint.fillRect(0, 0, 4, 3);
        return ['image/jpeg', 'image/webp'].map(type => canvas.toDataURL(type, 0.9).split(',')[1]);
      });
      const [jpeg, webp] = drawn.map(data => Buffer.from(data, 'base64'));
      const files = [
        await upload(visitor, pngWithText('secret-probe'), 'shot.png'),
        await upload(visitor, gifWithComment('secret-probe'), 'anim.gif'),
        await upload(visitor, jpegWithExif(jpeg, 'secret-probe'), 'photo.jpg'),
        await upload(visitor, webpWithExif(webp, 'secret-probe'), 'pic.webp'),
      ];
      assert.deepEqual(
        files.map(f => f.contentType),
        ['image/png', 'image/gif', 'image/jpeg', 'image/webp'],
      );
      for (const file of files) {
        const bytes = Buffer.from(await (await fetch(new URL(file.url, server.url))).arrayBuffer());
        assert.ok(!bytes.includes('secret-probe'), `${file.name} still holds its metadata`);
      }

      const sizes = await page.evaluate(
        async urls =>
          Promise.all(
            urls.map(async url => {
              const img = new Image();
              img.src = url;
              document.body.append(img);
              await img.decode();
              return [img.naturalWidth, img.naturalHeight];
            }),
          ),
        files.map(f => new URL(f.url, server.url).href),
      );
      assert.deepEqual(sizes, [
        [4, 3],
        [1, 1],
        [4, 3],
        [4, 3],
      ]);
      assert.deepEqual(violations, []);
    } finally {
      await context.close();
    }
  });

  it('a text file opened from its link is downloaded under its name, not shown as a page', async () => {
    const visitor = await (
      await fetch(`${server.url}/visitors`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' })
    ).json();
    const file = await upload(visitor, Buffer.from('Steps I tried:\n1. restart\n'), 'notes.txt');
    const context = await browser.newContext({ acceptDownloads: true });
    try {
      const page = await context.newPage();
      const download = page.waitForEvent('download');
      await page.goto(new URL(file.url, server.url).href).catch(() => {});
      assert.equal((await download).suggestedFilename(), 'notes.txt');
    } finally {
      await context.close();
    }
  });
});
