// Files and formatted answers between the demo shop and the agent console, in real Chromium against the real
// reference server, under the demo's strict Content Security Policy with Trusted Types enforced: what one side
// sends, the other sees (decoded, visible, in the viewport); a send whose answer is lost and is retried is
// stored once.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { chromium } from 'playwright-core';
import { chromiumArgs, chromiumPath } from '../scripts/chromium.mjs';
import { AGENT, ReferenceServer } from '../scripts/reference-server.mjs';

// A real 4×3 PNG, and the smallest PDF the server takes.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAQAAAADCAYAAAC09K7GAAAAKUlEQVR4AVzIMQ0AAAgDQVJL9QSa8ASaIB1Y+OSWB71GihyBvZAdJvcXAAD///bIhRMAAAAGSURBVAMAs/IMy6/meZAAAAAASUVORK5CYII=',
  'base64',
);
const PDF = Buffer.from('%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n');

const server = new ReferenceServer();
let browser;

before(async () => {
  await server.start();
  browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
});

after(async () => {
  await browser?.close();
  await server.stop();
});

/** A page that records policy violations, page errors and console errors. */
async function watchedPage(context) {
  const page = await context.newPage();
  const problems = [];
  await page.addInitScript(() => {
    window.__violations = [];
    document.addEventListener('securitypolicyviolation', event =>
      window.__violations.push(`${event.violatedDirective} ${event.blockedURI}`),
    );
  });
  page.on('pageerror', error => problems.push(error.message));
  page.on('console', message => message.type() === 'error' && problems.push(message.text()));
  return { page, problems };
}

/** What a person sees: rendered, inside the viewport, and not covered at its middle. */
async function assertSeen(locator, what) {
  await locator.scrollIntoViewIfNeeded();
  assert.ok(await locator.isVisible(), `${what} is not visible`);
  const seen = await locator.evaluate(element => {
    const box = element.getBoundingClientRect();
    const inside = box.top >= 0 && box.left >= 0 && box.bottom <= innerHeight && box.right <= innerWidth;
    const top = element.getRootNode().elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
    return { inside, covered: !element.contains(top) };
  });
  assert.ok(seen.inside, `${what} is outside the viewport`);
  assert.ok(!seen.covered, `${what} is covered`);
}

/** The shop with its widget open and connected, after a first message (which names the conversation). */
async function openShop(context) {
  const { page, problems } = await watchedPage(context);
  await page.goto(`${server.url}/`);
  await page.waitForFunction(() => document.querySelector('support-chat')?.status === 'connected');
  await page.locator('support-chat .launcher').click();
  await page.locator('support-chat textarea').fill('Hello');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.querySelector('support-chat').messages[0]?.state === 'sent');
  const groupId = await page.evaluate(() => document.querySelector('support-chat').messages[0].groupId);
  return { page, problems, groupId, widget: page.locator('support-chat') };
}

/** The agent console, signed in, on the conversation. */
async function openConsole(context, groupId) {
  const { page, problems } = await watchedPage(context);
  await page.goto(`${server.url}/agent.html`);
  await page.fill('input[name=email]', AGENT.email);
  await page.fill('input[name=password]', AGENT.password);
  await page.click('button[type=submit]');
  await page.locator(`#conversations button[data-group="${groupId}"]`).click();
  await page.locator('#chat .message').first().waitFor();
  return { page, problems, widget: page.locator('#chat') };
}

/** Picks a file with the attach button, as a person does, and waits for its chip to finish uploading. */
async function attach(page, widget, file) {
  const [chooser] = await Promise.all([page.waitForEvent('filechooser'), widget.locator('.attach').click()]);
  await chooser.setFiles(file);
  await widget.locator('.chip[data-state="done"]').last().waitFor({ timeout: 30_000 });
}

/** The conversation as stored: `GET /chats/{groupId}` as the agent. */
async function stored(groupId) {
  const login = await fetch(`${server.url}/users/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(AGENT),
  });
  const { token } = await login.json();
  const response = await fetch(`${server.url}/chats/${groupId}`, { headers: { Authorization: `Bearer ${token}` } });
  return (await response.json()).chats;
}

describe('files and formatted answers between the shop and the console', () => {
  it('the agent writes markdown in the console and the visitor sees it formatted', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    try {
      const shop = await openShop(context);
      const agent = await openConsole(context, shop.groupId);
      await agent.widget.locator('textarea').fill('**Good news**:\n\n- refunded\n- shipped again');
      await agent.widget.locator('textarea').press('Enter');
      const answer = shop.widget.locator('.message .formatted');
      await answer.locator('strong').waitFor({ timeout: 30_000 });
      assert.equal(await answer.locator('strong').textContent(), 'Good news');
      assert.deepEqual(await answer.locator('ul > li').allTextContents(), ['refunded', 'shipped again']);
      await assertSeen(answer.locator('strong'), 'the bold words');
      await assertSeen(answer.locator('ul > li').last(), 'the last list item');
      assert.equal((await stored(shop.groupId)).at(-1).format, 'markdown');
      for (const side of [shop, agent]) {
        assert.deepEqual(await side.page.evaluate(() => window.__violations), []);
        assert.deepEqual(side.problems, []);
      }
    } finally {
      await context.close();
    }
  });

  it('the visitor sends a picture with words; the console shows it decoded; no policy violation with a chip or a thumbnail', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    try {
      const shop = await openShop(context);
      await attach(shop.page, shop.widget, { name: 'broken-cup.png', mimeType: 'image/png', buffer: PNG });
      // The chip's preview is a blob: URL of the file's own bytes, which the demo's img-src allows.
      await assertSeen(shop.widget.locator('.chip img'), 'the chip’s preview');
      assert.ok(await shop.widget.locator('.chip img').evaluate(img => img.naturalWidth > 0), 'the preview did not decode');
      await shop.widget.locator('textarea').fill('It arrived like this');
      await shop.widget.locator('textarea').press('Enter');
      await shop.widget.locator('.message .files img').waitFor({ timeout: 30_000 });

      const agent = await openConsole(context, shop.groupId);
      const thumbnail = agent.widget.locator('.message .files img');
      await thumbnail.waitFor({ timeout: 30_000 });
      await agent.page.waitForFunction(
        () => document.querySelector('#chat').shadowRoot.querySelector('.message .files img')?.naturalWidth > 0,
        undefined,
        { timeout: 30_000 },
      );
      assert.equal(await thumbnail.getAttribute('alt'), 'broken-cup.png');
      await assertSeen(thumbnail, 'the thumbnail in the console');
      const [message] = (await stored(shop.groupId)).filter(chat => chat.message === 'It arrived like this');
      assert.deepEqual(
        message.attachments.map(file => [file.name, file.contentType]),
        [['broken-cup.png', 'image/png']],
      );
      for (const side of [shop, agent]) {
        assert.deepEqual(await side.page.evaluate(() => window.__violations), []);
        assert.deepEqual(side.problems, []);
      }
    } finally {
      await context.close();
    }
  });

  it('the agent sends a PDF; the visitor sees a link with its name and size', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    try {
      const shop = await openShop(context);
      const agent = await openConsole(context, shop.groupId);
      await attach(agent.page, agent.widget, { name: 'invoice-1042.pdf', mimeType: 'application/pdf', buffer: PDF });
      await agent.widget.locator('form button[type=submit]').click();
      const link = shop.widget.locator('.message .files a');
      await link.waitFor({ timeout: 30_000 });
      assert.equal((await link.textContent()).replace(/\s+/g, ' ').trim(), `invoice-1042.pdf ${PDF.length} byte`);
      assert.match(await link.getAttribute('href'), new RegExp(`^${server.url}/files/`));
      assert.equal(await link.getAttribute('target'), '_blank');
      await assertSeen(link, 'the PDF link');
      assert.deepEqual(shop.problems, []);
    } finally {
      await context.close();
    }
  });

  it('a send with a file that fails, retried, is stored once with its file', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    try {
      const shop = await openShop(context);
      await attach(shop.page, shop.widget, { name: 'receipt.png', mimeType: 'image/png', buffer: PNG });
      // The network drops the send (and only the send): the upload is done, the message is not.
      let dropped = 0;
      await shop.page.route(`${server.url}/chats/${shop.groupId}`, route => {
        if (route.request().method() !== 'POST' || dropped > 0) return route.continue();
        dropped++;
        return route.abort('connectionreset');
      });
      await shop.widget.locator('textarea').fill('Receipt attached');
      await shop.widget.locator('textarea').press('Enter');
      const failed = shop.widget.locator('.message[data-state="failed"]');
      await failed.waitFor({ timeout: 30_000 });
      // The failed bubble still shows its file: the outbox kept the record, and Retry sends the same ids.
      assert.equal(await failed.locator('.files img').count(), 1);
      await failed.locator('.retry').click();
      await shop.page.waitForFunction(() =>
        document.querySelector('support-chat').messages.every(m => m.state === 'sent' && m.id !== undefined),
      );
      assert.equal(dropped, 1);
      const copies = (await stored(shop.groupId)).filter(chat => chat.message === 'Receipt attached');
      assert.deepEqual(
        copies.map(chat => chat.attachments.map(file => file.name)),
        [['receipt.png']],
      );
      assert.equal(await shop.widget.locator('.message .files img').count(), 1);
    } finally {
      await context.close();
    }
  });
});
