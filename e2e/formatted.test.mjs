// An agent's formatted (markdown) answer on the demo pages, in real Chromium against the real reference
// server, under the server's strict Content Security Policy with Trusted Types enforced.
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

const ANSWER = [
  '**Restart** the coffee app, then:',
  '',
  '1. Open *Orders*',
  '2. Pick `#1042`',
  '',
  'Details are in [our help pages](https://example.com/help).',
].join('\n');

/** The formatting chunk's requests: the markdown parser and DOMPurify, in their own file. */
const formattingChunk = url => /\/dist\/support-chat-formatting-[\w-]+\.js$/.test(url);

/** A page that records scripts fetched, policy violations, page errors and console errors. */
async function watchedPage(context) {
  const page = await context.newPage();
  const seen = { scripts: [], problems: [] };
  await page.addInitScript(() => {
    window.__violations = [];
    document.addEventListener('securitypolicyviolation', event =>
      window.__violations.push(`${event.violatedDirective} ${event.blockedURI}`),
    );
  });
  page.on('request', request => request.resourceType() === 'script' && seen.scripts.push(request.url()));
  page.on('pageerror', error => seen.problems.push(error.message));
  page.on('console', message => message.type() === 'error' && seen.problems.push(message.text()));
  return { page, seen };
}

/** What a person sees: rendered, inside the viewport, and not covered at its middle. */
async function assertSeen(locator, what) {
  assert.ok(await locator.isVisible(), `${what} is not visible`);
  const seen = await locator.evaluate(element => {
    const box = element.getBoundingClientRect();
    const inside = box.top >= 0 && box.left >= 0 && box.bottom <= innerHeight && box.right <= innerWidth;
    const root = element.getRootNode();
    const top = root.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
    return { inside, covered: !element.contains(top) };
  });
  assert.ok(seen.inside, `${what} is outside the viewport`);
  assert.ok(!seen.covered, `${what} is covered`);
}

async function agentPost(groupId, message, format) {
  const response = await fetch(`${server.url}/chats/${groupId}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${agentToken}` },
    body: JSON.stringify({ groupId: String(groupId), message, format }),
  });
  assert.equal(response.status, 200, await response.text());
}

/** What the formatted answer shows in a widget: its bold, its list, its link. */
async function assertFormattedAnswer(widget, what) {
  const answer = widget.locator('.message .formatted');
  await answer.locator('strong').waitFor();
  assert.equal(await answer.locator('strong').textContent(), 'Restart');
  assert.deepEqual(await answer.locator('ol > li').allTextContents(), ['Open Orders', 'Pick #1042']);
  assert.equal(await answer.locator('ol em').textContent(), 'Orders');
  assert.equal(await answer.locator('ol code').textContent(), '#1042');
  const link = answer.locator('a');
  assert.equal(await link.textContent(), 'our help pages');
  assert.equal(await link.getAttribute('href'), 'https://example.com/help');
  assert.equal(await link.getAttribute('target'), '_blank');
  assert.equal(await link.getAttribute('rel'), 'noopener noreferrer nofollow');
  await answer.scrollIntoViewIfNeeded();
  await assertSeen(answer.locator('strong'), `${what}: the bold word`);
  await assertSeen(answer.locator('ol > li').first(), `${what}: the first step`);
  await assertSeen(link, `${what}: the link`);
}

describe('an agent’s formatted answer on the strict demo pages', () => {
  it('the shop’s widget shows it formatted, fetching the formatting code only then, with no violation', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    try {
      const { page: shop, seen } = await watchedPage(context);
      const response = await shop.goto(`${server.url}/`);
      assert.match(response.headers()['content-security-policy'], /require-trusted-types-for 'script'/);
      await shop.waitForFunction(() => document.querySelector('support-chat')?.status === 'connected');
      await shop.locator('support-chat').locator('.launcher').click();
      await shop.locator('support-chat textarea').fill('Where do I find my order?');
      await shop.keyboard.press('Enter');
      await shop.waitForFunction(() => document.querySelector('support-chat').messages[0]?.state === 'sent');
      const groupId = await shop.evaluate(() => document.querySelector('support-chat').messages[0].groupId);

      await agentPost(groupId, 'Let me look.');
      await shop.waitForFunction(() => document.querySelector('support-chat').messages.length === 2);
      assert.deepEqual(seen.scripts.filter(formattingChunk), [], 'the formatting code was fetched before a formatted message');

      await agentPost(groupId, ANSWER, 'markdown');
      await assertFormattedAnswer(shop.locator('support-chat'), 'the shop');
      assert.equal(seen.scripts.filter(formattingChunk).length, 1);
      // Plain messages stay as they were: text, not markdown.
      assert.deepEqual(await shop.locator('support-chat .message p.text').allTextContents(), ['Where do I find my order?', 'Let me look.']);
      assert.deepEqual(await shop.evaluate(() => window.__violations), []);
      assert.deepEqual(seen.problems, []);
    } finally {
      await context.close();
    }
  });

  /** The shop with the demo's own policy plus a `trusted-types` list: what a careful host page would send. */
  async function namedPoliciesShop(context, names, beforeScripts) {
    const { page: shop, seen } = await watchedPage(context);
    if (beforeScripts) await shop.addInitScript(beforeScripts);
    await shop.route(`${server.url}/`, async route => {
      const response = await route.fetch();
      const headers = response.headers();
      headers['content-security-policy'] += `; trusted-types ${names}`;
      await route.fulfill({ response, headers });
    });
    await shop.goto(`${server.url}/`);
    return { shop, seen };
  }

  /** Opens the shop's widget and sends the visitor's first message: the conversation an agent answers. */
  async function visitorConversation(shop, text) {
    await shop.waitForFunction(() => document.querySelector('support-chat')?.status === 'connected');
    await shop.locator('support-chat').locator('.launcher').click();
    await shop.locator('support-chat textarea').fill(text);
    await shop.keyboard.press('Enter');
    await shop.waitForFunction(() => document.querySelector('support-chat').messages[0]?.state === 'sent');
    return shop.evaluate(() => document.querySelector('support-chat').messages[0].groupId);
  }

  // A document answered through route.fulfill loses Chromium's local-network standing, so its WebSocket to
  // 127.0.0.1 is refused and SignalR falls back to another transport: the interception's doing, not the
  // policy's, and the only error allowed here.
  const interception = /WebSocket connection to .* failed: .*ERR_BLOCKED_BY_LOCAL_NETWORK_ACCESS_CHECKS/;

  for (const [page, names, beforeScripts] of [
    ['a page whose CSP names lit-html and support-chat only', 'lit-html support-chat'],
    [
      'a page that made its own dompurify policy first, with no duplicates allowed',
      'lit-html support-chat dompurify',
      () => trustedTypes.createPolicy('dompurify', { createHTML: html => html }),
    ],
  ]) {
    it(`${page} shows it formatted, with no violation`, async () => {
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      try {
        const { shop, seen } = await namedPoliciesShop(context, names, beforeScripts);
        const groupId = await visitorConversation(shop, 'Names, please');
        await agentPost(groupId, ANSWER, 'markdown');
        await assertFormattedAnswer(shop.locator('support-chat'), page);
        assert.deepEqual(await shop.evaluate(() => window.__violations), []);
        assert.deepEqual(
          seen.problems.filter(problem => !interception.test(problem)),
          [],
        );
      } finally {
        await context.close();
      }
    });
  }

  it('answers that came while the formatting code would not load are drawn once it does, with one warning', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    try {
      const { page: shop } = await watchedPage(context);
      const ourWarning = message => message.type() === 'warning' && /^support-chat:/.test(message.text());
      const warnings = [];
      shop.on('console', message => ourWarning(message) && warnings.push(message.text()));
      let offline = true;
      await shop.route(formattingChunk, route => (offline ? route.abort() : route.continue()));
      let refusedLoads = 0;
      const refused = count =>
        new Promise(resolve => shop.on('requestfailed', request => formattingChunk(request.url()) && refusedLoads >= count && resolve()));
      shop.on('requestfailed', request => formattingChunk(request.url()) && refusedLoads++);
      const refusedTwice = refused(2);
      const refusedThrice = refused(3);
      await shop.goto(`${server.url}/`);
      const groupId = await visitorConversation(shop, 'Three answers, please');
      const texts = () => shop.locator('support-chat .message .formatted').allTextContents();

      // The first answer asks for the formatting code and is refused: the page says so, once.
      const warned = shop.waitForEvent('console', { predicate: ourWarning });
      await agentPost(groupId, 'one **a**', 'markdown');
      await warned;
      // The next asks again and is refused again, quietly.
      await agentPost(groupId, 'two **b**', 'markdown');
      await shop.waitForFunction(() => document.querySelector('support-chat').shadowRoot.querySelectorAll('.formatted').length === 2);
      await refusedTwice;
      assert.deepEqual(await texts(), ['one **a**', 'two **b**']);

      // Typing draws the list again at each key; that asks for nothing. Only the next answer tries again.
      await shop.locator('support-chat textarea').pressSequentially('a question, typed key by key');
      await agentPost(groupId, 'more **m**', 'markdown');
      await shop.waitForFunction(() => document.querySelector('support-chat').shadowRoot.querySelectorAll('.formatted').length === 3);
      // The aborted requests fail in the order they were made: once the answer's has, any typing asked for has too.
      await refusedThrice;
      assert.equal(refusedLoads, 3, 'the formatting code was asked for again while the visitor typed');

      // The third gets it, and every answer still showing its text is drawn with it.
      offline = false;
      await agentPost(groupId, 'three **c**', 'markdown');
      await shop.waitForFunction(
        () => document.querySelector('support-chat').shadowRoot.querySelectorAll('.formatted strong').length === 4,
      );
      assert.deepEqual(await texts(), ['one a', 'two b', 'more m', 'three c']);
      assert.equal(warnings.length, 1, warnings.join('\n'));
    } finally {
      await context.close();
    }
  });

  it('the agent console draws the same answer through the same module', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    try {
      const visitor = await (
        await fetch(`${server.url}/visitors`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' })
      ).json();
      await fetch(`${server.url}/chats/${visitor.groupId}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${visitor.token}` },
        body: JSON.stringify({ groupId: String(visitor.groupId), message: 'Hello' }),
      });
      await agentPost(visitor.groupId, ANSWER, 'markdown');

      const { page: agent, seen } = await watchedPage(context);
      await agent.goto(`${server.url}/agent.html`);
      await agent.fill('input[name=email]', AGENT.email);
      await agent.fill('input[name=password]', AGENT.password);
      await agent.click('button[type=submit]');
      await agent.locator(`#conversations button[data-group="${visitor.groupId}"]`).click();
      await assertFormattedAnswer(agent.locator('#chat'), 'the console');
      assert.equal(seen.scripts.filter(formattingChunk).length, 1);
      assert.deepEqual(await agent.evaluate(() => window.__violations), []);
      assert.deepEqual(seen.problems, []);
    } finally {
      await context.close();
    }
  });
});
