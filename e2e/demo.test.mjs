// The demo pages as people use them, in real Chromium tabs against the real reference server: under the
// server's strict Content Security Policy, with a tab the browser freezes, and with the network gone.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { chromium } from 'playwright-core';
import { chromiumArgs, chromiumPath } from '../scripts/chromium.mjs';
import { AGENT, ReferenceServer } from '../scripts/reference-server.mjs';

const server = new ReferenceServer();
let browser;
let agentToken;

before(async () => {
  await server.start();
  browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
  const login = await fetch(`${server.url}/users/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(AGENT),
  });
  agentToken = (await login.json()).token;
});

after(async () => {
  await browser?.close();
  await server.stop();
});

async function agentPost(groupId, message) {
  const response = await fetch(`${server.url}/chats/${groupId}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${agentToken}` },
    body: JSON.stringify({ groupId: String(groupId), message }),
  });
  assert.equal(response.status, 200);
}

/** The shop page with its widget connected; records CSP violations and page errors. */
async function openShop(context) {
  const page = await context.newPage();
  const problems = [];
  await page.addInitScript(() => {
    window.__violations = [];
    document.addEventListener('securitypolicyviolation', event =>
      window.__violations.push(`${event.violatedDirective} ${event.blockedURI}`),
    );
  });
  page.on('pageerror', error => problems.push(error.message));
  await page.goto(`${server.url}/`);
  await page.waitForFunction(() => document.querySelector('support-chat')?.status === 'connected');
  return { page, problems };
}

/**
 * What a person sees: the element is rendered, lies inside the viewport, and nothing covers its middle.
 * Says which of the three failed.
 */
async function assertSeen(locator, what) {
  assert.ok(await locator.isVisible(), `${what} is not visible`);
  const seen = await locator.evaluate(element => {
    const box = element.getBoundingClientRect();
    const inside = box.top >= 0 && box.left >= 0 && box.bottom <= innerHeight && box.right <= innerWidth;
    const top = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
    return { inside, covered: !element.contains(top) };
  });
  assert.ok(seen.inside, `${what} is outside the viewport`);
  assert.ok(!seen.covered, `${what} is covered`);
}

const shownTexts = page =>
  page.evaluate(() => [...document.querySelector('support-chat').shadowRoot.querySelectorAll('.message .text')].map(n => n.textContent));

/** The conversation the shop's widget is in: its first message's, once it has one. */
async function conversationOf(page) {
  await page.locator('support-chat').locator('.launcher').click();
  await page.locator('support-chat textarea').fill('Hello from the shop');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.querySelector('support-chat').messages[0]?.state === 'sent');
  return page.evaluate(() => document.querySelector('support-chat').messages[0].groupId);
}

describe('the demo pages under a strict Content Security Policy', () => {
  it('a visitor and an agent chat with no policy violation, with Trusted Types enforced', async () => {
    const visitorContext = await browser.newContext();
    const agentContext = await browser.newContext();
    try {
      const { page: shop, problems } = await openShop(visitorContext);
      const policy = (await shop.request.get(`${server.url}/`)).headers()['content-security-policy'];
      assert.match(policy, /style-src 'self'/);
      assert.match(policy, /require-trusted-types-for 'script'/);
      await conversationOf(shop);

      const console = await agentContext.newPage();
      console.on('pageerror', error => problems.push(error.message));
      await console.addInitScript(() => {
        window.__violations = [];
        document.addEventListener('securitypolicyviolation', event => window.__violations.push(event.violatedDirective));
      });
      await console.goto(`${server.url}/agent.html`);
      await console.fill('input[name=password]', 'wrong');
      await console.fill('input[name=email]', AGENT.email);
      await console.fill('input[name=password]', AGENT.password);
      await console.click('button[type=submit]');
      await console.click('#conversations button');
      await console.waitForFunction(() => document.querySelector('#chat').messages.length === 1);
      await console.locator('#chat textarea').fill('Hello, how can we help?');
      await console.keyboard.press('Enter');

      await shop.waitForFunction(() => document.querySelector('support-chat').messages.length === 2);
      assert.deepEqual(await shownTexts(shop), ['Hello from the shop', 'Hello, how can we help?']);
      assert.deepEqual(await shop.evaluate(() => window.__violations), []);
      assert.deepEqual(await console.evaluate(() => window.__violations), []);
      assert.deepEqual(problems, []);

      // And the policy really is enforced on this page: a plain string into innerHTML throws.
      const enforced = await shop.evaluate(() => {
        try {
          document.createElement('div').innerHTML = '<b>x</b>';
          return false;
        } catch {
          return true;
        }
      });
      assert.equal(enforced, true);
    } finally {
      await visitorContext.close();
      await agentContext.close();
    }
  });
});

describe('the agent console', () => {
  it('lists a conversation the moment a visitor starts it, counts what the agent has not read, and clears it on opening', async () => {
    const agentContext = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const visitorContext = await browser.newContext();
    try {
      const agent = await agentContext.newPage();
      const problems = [];
      agent.on('pageerror', error => problems.push(error.message));
      await agent.goto(`${server.url}/agent.html`);
      await agent.fill('input[name=email]', AGENT.email);
      await agent.fill('input[name=password]', AGENT.password);
      // The console loads its list once WatchConversations has been answered: from then on it is watching.
      const watching = agent.waitForResponse(response => response.url().endsWith('/groups'));
      await agent.click('button[type=submit]');
      await agent.locator('#console').waitFor();
      await watching;

      const { page: shop } = await openShop(visitorContext);
      const groupId = await conversationOf(shop);
      const entry = agent.locator(`#conversations button[data-group="${groupId}"]`);
      await entry.waitFor({ timeout: 3000 });
      // Signed in, the sign-in card is gone and the list is where the agent looks.
      assert.equal(await agent.locator('#sign-in').isVisible(), false, 'the sign-in card is still shown');
      await assertSeen(entry, 'the new conversation in the list');
      await agent.waitForFunction(id => document.querySelector(`[data-group="${id}"] .unread`)?.textContent === '1', groupId);
      assert.equal(await entry.locator('.last').textContent(), 'Hello from the shop');
      assert.equal(await entry.locator('.unread').getAttribute('aria-label'), '1 unread message');
      assert.equal(await agent.locator('#conversations button').first().getAttribute('data-group'), String(groupId));
      // Announced by the visitor's label, once the list has said who they are.
      await agent.waitForFunction(() => /^New conversation: Visitor [0-9A-F]{6}$/.test(document.querySelector('#live').textContent));

      await shop.locator('support-chat textarea').fill('Are you there?');
      await shop.keyboard.press('Enter');
      await agent.waitForFunction(id => document.querySelector(`[data-group="${id}"] .unread`)?.textContent === '2', groupId);
      assert.equal(await entry.locator('.last').textContent(), 'Are you there?');

      await entry.click();
      await agent.waitForFunction(() => document.querySelector('#chat').messages.length === 2);
      assert.equal(await entry.locator('.unread').count(), 0);
      // Open, its messages are read as they come.
      await shop.locator('support-chat textarea').fill('Thanks!');
      await shop.keyboard.press('Enter');
      await agent.waitForFunction(id => document.querySelector(`[data-group="${id}"] .last`)?.textContent === 'Thanks!', groupId);
      assert.equal(await entry.locator('.unread').count(), 0);
      const groupRequests = [];
      agent.on('request', request => request.url().endsWith('/groups') && groupRequests.push(request.url()));
      // Time is the subject: longer than the console ever waited between two polls. It ends on a positive
      // mark, a message that reached the console by push, so the page was alive and listening throughout.
      await new Promise(resolve => setTimeout(resolve, 6000));
      await shop.locator('support-chat textarea').fill('Still here');
      await shop.keyboard.press('Enter');
      await agent.waitForFunction(id => document.querySelector(`[data-group="${id}"] .last`)?.textContent === 'Still here', groupId);
      assert.deepEqual(groupRequests, [], 'the console polled the conversation list');
      assert.deepEqual(problems, []);
    } finally {
      await agentContext.close();
      await visitorContext.close();
    }
  });
});

describe('the demo in Arabic and in three themes', () => {
  it('the Arabic shop mirrors the widget: launcher and panel on the left, my messages on the left, its words in Arabic', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    try {
      const page = await context.newPage();
      const problems = [];
      page.on('pageerror', error => problems.push(error.message));
      await page.goto(`${server.url}/ar.html`);
      const launcher = page.locator('support-chat').locator('.launcher');
      assert.equal(await launcher.getAttribute('aria-label'), 'افتح محادثة الدعم');
      await launcher.click();
      await page.locator('support-chat textarea').fill('مرحبا');
      await page.keyboard.press('Enter');
      await page.waitForFunction(() => document.querySelector('support-chat').messages[0]?.state === 'sent');
      const boxes = await page.evaluate(() => {
        const root = document.querySelector('support-chat').shadowRoot;
        const box = selector => root.querySelector(selector).getBoundingClientRect().toJSON();
        return {
          launcher: box('.launcher'),
          panel: box('.panel'),
          mine: box('.message.mine .text'),
          send: box('form button[type=submit]'),
          log: box('.log'),
        };
      });
      assert.ok(boxes.launcher.right < 200, `launcher at ${boxes.launcher.left}`);
      assert.ok(boxes.panel.left < 100, `panel at ${boxes.panel.left}`);
      // Mine sit at the line's end, which is the left in Arabic; the send button after the text box, also left.
      assert.ok(boxes.mine.left - boxes.log.left < 40, 'my message is not on the left');
      assert.ok(boxes.send.left - boxes.panel.left < 100, 'the send button is not on the left');
      assert.equal(await page.locator('support-chat').locator('.message.mine .name').textContent(), 'أنت');
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  it('the themes page shows one conversation in three looks, set by the page alone', async () => {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      await page.goto(`${server.url}/themes.html`);
      await page.waitForFunction(() => [...document.querySelectorAll('support-chat')].every(chat => chat.status === 'connected'));
      const looks = await page.evaluate(() =>
        [...document.querySelectorAll('support-chat')].map(chat => {
          const root = chat.shadowRoot;
          const header = getComputedStyle(root.querySelector('header'));
          const panel = getComputedStyle(root.querySelector('.panel'));
          return `${header.backgroundColor} ${panel.backgroundColor} ${panel.fontFamily.split(',')[0]}`;
        }),
      );
      assert.equal(new Set(looks).size, 3, looks.join(' | '));
    } finally {
      await context.close();
    }
  });
});

describe('a returning visitor in two tabs', () => {
  it('one tab frozen by the browser while the agent writes: both end with the same messages, once each', async () => {
    const context = await browser.newContext();
    try {
      const { page: first } = await openShop(context);
      const groupId = await conversationOf(first);
      // Same browser, same cookie: the second tab is the same visitor in the same conversation.
      const { page: second } = await openShop(context);
      await second.waitForFunction(() => document.querySelector('support-chat').messages.length === 1);

      const cdp = await context.newCDPSession(second);
      await cdp.send('Page.setWebLifecycleState', { state: 'frozen' });
      const texts = Array.from({ length: 10 }, (_, i) => `while frozen ${i + 1}`);
      for (const text of texts) await agentPost(groupId, text);
      await first.waitForFunction(n => document.querySelector('support-chat').messages.length === n, 11);
      await cdp.send('Page.setWebLifecycleState', { state: 'active' });

      await second.waitForFunction(n => document.querySelector('support-chat').messages.length >= n, 11, { timeout: 20_000 });
      const expected = ['Hello from the shop', ...texts];
      assert.deepEqual(await shownTexts(first), expected);
      assert.deepEqual(await shownTexts(second), expected);
    } finally {
      await context.close();
    }
  });
});

describe('the network goes away and comes back', () => {
  it('the widget says it is reconnecting, and once online shows what was sent meanwhile, once each', async () => {
    const context = await browser.newContext();
    try {
      const { page } = await openShop(context);
      const groupId = await conversationOf(page);

      await context.setOffline(true);
      await page.waitForFunction(() => document.querySelector('support-chat').status === 'reconnecting', null, { timeout: 20_000 });
      assert.equal(await page.locator('support-chat .status').textContent(), 'Reconnecting…');
      await page.waitForFunction(() => document.querySelector('support-chat').shadowRoot.querySelector('[role="alert"]'));
      assert.equal(
        await page.locator('support-chat [role="alert"]').textContent(),
        'You are offline. New messages will appear when the connection is back.',
      );
      // The composer rests, says why, and keeps what the visitor writes meanwhile, Enter or not.
      const composer = page.locator('support-chat textarea');
      await composer.fill('Still there?');
      await page.keyboard.press('Enter');
      assert.equal(await composer.inputValue(), 'Still there?');
      assert.equal(await page.locator('support-chat form button[type=submit]').isDisabled(), true);
      assert.equal(
        await page.locator('support-chat #composer-note').textContent(),
        'You are offline. Your text stays here; you can send it when the connection is back.',
      );
      const texts = ['offline 1', 'offline 2', 'offline 3'];
      for (const text of texts) await agentPost(groupId, text);

      await context.setOffline(false);
      await page.waitForFunction(n => document.querySelector('support-chat').messages.length === n, 4, { timeout: 20_000 });
      assert.deepEqual(await shownTexts(page), ['Hello from the shop', ...texts]);
      await page.waitForFunction(() => document.querySelector('support-chat').status === 'connected');
      assert.equal(await page.locator('support-chat [role="alert"]').count(), 0);
      assert.equal(await page.locator('support-chat #composer-note').count(), 0);
      await page.keyboard.press('Enter');
      await page.waitForFunction(() => document.querySelector('support-chat').messages.at(-1)?.state === 'sent');
      assert.equal((await shownTexts(page)).at(-1), 'Still there?');
    } finally {
      await context.close();
    }
  });
});

describe('on a phone', () => {
  it('the open panel fills the screen, the page stops scrolling, and the page gets its own setting back on close', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    try {
      const { page } = await openShop(context);
      // A page that already set its own overflow must find it as it was.
      await page.evaluate(() => (document.documentElement.style.overflow = 'clip'));
      await page.locator('support-chat .launcher').click();
      await page.waitForFunction(() => document.querySelector('support-chat').open);
      // Measured once the panel has finished rising into place.
      await page.evaluate(() =>
        Promise.all(
          document
            .querySelector('support-chat')
            .shadowRoot.getAnimations()
            .map(a => a.finished),
        ),
      );
      const panel = await page.evaluate(() => {
        const box = document.querySelector('support-chat').shadowRoot.querySelector('.panel').getBoundingClientRect();
        return { top: box.top, left: box.left, width: box.width, height: box.height };
      });
      assert.deepEqual(panel, { top: 0, left: 0, width: 390, height: 844 });
      assert.equal(await page.evaluate(() => document.documentElement.style.overflow), 'hidden');
      assert.equal(
        await page.evaluate(() => getComputedStyle(document.querySelector('support-chat').shadowRoot.querySelector('textarea')).fontSize),
        '16px',
      );

      await page.locator('support-chat .close').click();
      await page.waitForFunction(() => !document.querySelector('support-chat').open);
      assert.equal(await page.evaluate(() => document.documentElement.style.overflow), 'clip');
      const viewport = await page.evaluate(() => document.querySelector('meta[name=viewport]').content);
      assert.doesNotMatch(viewport, /user-scalable=no|maximum-scale/);
    } finally {
      await context.close();
    }
  });
});
