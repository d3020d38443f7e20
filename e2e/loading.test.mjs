// How the shop's script-tag widget loads, built as shipped, from the real reference server: the launcher
// from one small file, the connection and the panel only when wanted.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { chromium } from 'playwright-core';
import { chromiumArgs, chromiumPath } from '../scripts/chromium.mjs';
import { AGENT, ReferenceServer } from '../scripts/reference-server.mjs';

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

/** The shop in a page that is never idle, so only hover, open or a known conversation can load the rest. */
async function openBusyShop(context) {
  const page = await context.newPage();
  const requests = [];
  const problems = [];
  page.on('request', request => requests.push(new URL(request.url()).pathname));
  page.on('pageerror', error => problems.push(error.message));
  await page.addInitScript(() => {
    window.requestIdleCallback = () => 0;
  });
  await page.goto(`${server.url}/`);
  await page.locator('support-chat').locator('.launcher').waitFor();
  return { page, requests, problems };
}

const status = page => page.evaluate(() => document.querySelector('support-chat').status);

describe('loading the shop widget', () => {
  it('draws the launcher from the first file alone, and fetches the rest when a pointer comes near it', async () => {
    const context = await browser.newContext();
    try {
      const { page, requests, problems } = await openBusyShop(context);
      // Everything the page loads by itself has loaded: only then does "nothing more" mean anything.
      await page.waitForLoadState('networkidle');
      assert.deepEqual(
        requests.filter(path => path.startsWith('/dist/')),
        ['/dist/support-chat.js'],
      );
      assert.ok(!requests.some(path => path === '/visitors' || path.startsWith('/hubs/')), 'it connected before anyone asked');
      assert.equal(await status(page), 'disconnected');

      await page.locator('support-chat').locator('.launcher').hover();
      await page.waitForFunction(() => document.querySelector('support-chat').status === 'connected');
      assert.equal(requests.filter(path => /^\/dist\/support-chat-chat-core-[\w-]+\.js$/.test(path)).length, 1);
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  it('opens from the keyboard into the text box, the panel in the top layer', async () => {
    const context = await browser.newContext();
    try {
      const { page, problems } = await openBusyShop(context);
      await page.locator('support-chat').locator('.launcher').focus();
      await page.keyboard.press('Enter');
      await page.waitForFunction(() => document.querySelector('support-chat').shadowRoot.activeElement?.localName === 'textarea');
      assert.equal(
        await page.evaluate(() => document.querySelector('support-chat').shadowRoot.querySelector('.panel').matches(':popover-open')),
        true,
      );
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  it('loads at once for a visitor who already has a conversation, so the badge counts an answer', async () => {
    const context = await browser.newContext();
    try {
      const first = await openBusyShop(context);
      await first.page.locator('support-chat').locator('.launcher').click();
      await first.page.locator('support-chat textarea').fill('Where is my parcel?');
      await first.page.keyboard.press('Enter');
      await first.page.waitForFunction(() => document.querySelector('support-chat').messages[0]?.state === 'sent');
      const groupId = await first.page.evaluate(() => document.querySelector('support-chat').messages[0].groupId);
      await first.page.close();

      // Back on another page of the shop, never idle and never touched: the widget connects by itself.
      const { page, problems } = await openBusyShop(context);
      await page.waitForFunction(() => document.querySelector('support-chat').status === 'connected');
      await page.waitForFunction(() => document.querySelector('support-chat').messages.length === 1);
      const login = await fetch(`${server.url}/users/login`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(AGENT),
      });
      const { token } = await login.json();
      const posted = await fetch(`${server.url}/chats/${groupId}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
        body: JSON.stringify({ groupId: String(groupId), message: 'It left the roastery this morning.' }),
      });
      assert.equal(posted.status, 200);
      const launcher = page.locator('support-chat').locator('.launcher');
      await page.waitForFunction(() => document.querySelector('support-chat').unreadCount === 1);
      assert.equal(await launcher.getAttribute('aria-label'), 'Open support chat, 1 unread message');
      assert.equal(await launcher.locator('[part="badge"]').textContent(), '1');
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });
  it('fetches the past conversations list with the first click; a failed download says so, and the next click gets it', async () => {
    const context = await browser.newContext();
    try {
      const { page, requests, problems } = await openBusyShop(context);
      await page.locator('support-chat').locator('.launcher').click();
      await page.locator('support-chat textarea').fill('Did my order ship?');
      await page.keyboard.press('Enter');
      await page.waitForFunction(() => document.querySelector('support-chat').messages[0]?.state === 'sent');
      const button = page.locator('support-chat').locator('.past-open');
      await button.waitFor();
      const pastChunk = path => /\/support-chat-flow-past-[\w-]+\.js$/.test(path);
      assert.equal(requests.some(pastChunk), false, 'the list was fetched before anyone asked for it');

      const offline = route => route.abort();
      await page.route(url => pastChunk(url.pathname), offline);
      await button.click();
      const error = page.locator('support-chat').locator('p.error');
      await error.waitFor();
      assert.equal(await error.textContent(), 'Past conversations could not be loaded. Try again.');
      assert.equal(await error.isVisible(), true);

      await page.unrouteAll();
      await button.click();
      await page.locator('support-chat').locator('.past h3').waitFor();
      assert.equal(await page.locator('support-chat').locator('.past h3').textContent(), 'Past conversations');
      assert.equal(await error.count(), 0);
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });
});
