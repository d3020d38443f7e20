// The agent console as a team uses it, in real Chromium tabs against the real reference server: rows that
// tell visitors apart, filters by state that follow pushes, "Assign to me" and "Resolve" seen live by a
// second console, previews of formatted and file messages from the list's own rows, new conversations and
// visitors' addresses taken from pushes without reading the list again, and axe and the keyboard.
// Visitors are made with POST /visitors as a widget's token-url call makes them, with the page, time zone
// and language a widget tells; each test has conversations of its own and finds them by id.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { after, before, describe, it } from 'node:test';
import { chromium } from 'playwright-core';
import { chromiumArgs, chromiumPath } from '../scripts/chromium.mjs';
import { AGENT, ReferenceServer } from '../scripts/reference-server.mjs';

const server = new ReferenceServer();
let browser;
let agentToken;
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

before(async () => {
  await server.start();
  browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
  agentToken = (await call('/users/login', { body: AGENT })).token;
});

after(async () => {
  await browser?.close();
  await server.stop();
});

/** A JSON request to the server; asserts it succeeded and answers its body. */
async function call(path, { token, body, method = 'POST' } = {}) {
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  assert.ok(response.ok, `${method} ${path}: ${response.status} ${await response.clone().text()}`);
  return response.json();
}

/** A new visitor (no cookie: a new person each time) and their conversation. */
const newVisitor = (context = {}) => call('/visitors', { body: context });

const say = (who, message, extra = {}) =>
  call(`/chats/${who.groupId}`, { token: who.token, body: { groupId: String(who.groupId), message, ...extra } });

/** An agent's reply, a resolution: what another agent does, by REST. */
const agentSays = (groupId, message, extra = {}) =>
  call(`/chats/${groupId}`, { token: agentToken, body: { groupId: String(groupId), message, ...extra } });

/** A console signed in, at 1280 × 800, with its list loaded and its hub watching. */
async function openConsole({ bypassCSP = false } = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-GB', bypassCSP });
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', error => problems.push(error.message));
  await page.goto(`${server.url}/agent.html`);
  await page.fill('input[name=email]', AGENT.email);
  await page.fill('input[name=password]', AGENT.password);
  // The console loads its list once WatchConversations has been answered: from then on it is watching.
  const watching = page.waitForResponse(response => response.url().endsWith('/groups'));
  await page.click('button[type=submit]');
  await watching;
  return { context, page, problems };
}

const row = (page, groupId) => page.locator(`#conversations button[data-group="${groupId}"]`);

/** The requests a page makes from now on to paths that `matches`, as "GET /path". */
function requestsTo(page, matches) {
  const made = [];
  page.on('request', request => {
    const { pathname } = new URL(request.url());
    if (matches(pathname)) made.push(`${request.method()} ${pathname}`);
  });
  return made;
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

/** The ids of the rows the list shows, top to bottom. */
const shownIds = page => page.locator('#conversations button').evaluateAll(buttons => buttons.map(b => Number(b.dataset.group)));

/** Clicks a filter and waits for the list the server's own filter fills in. */
async function chooseFilter(page, name) {
  const button = page.getByRole('group', { name: 'Show conversations' }).getByRole('button', { name, exact: true });
  const filled = name === 'All' ? undefined : page.waitForResponse(response => response.url().includes('/groups?state='));
  await button.click();
  await filled;
  assert.equal(await button.getAttribute('aria-pressed'), 'true');
}

describe('the console tells each conversation apart', () => {
  it('shows the visitor, their page, their local time and language, and what they left, as text', async () => {
    const hostile = '<img src=x onerror="window.__pwned = true">Ana';
    const ana = await newVisitor({
      name: hostile,
      pageUrl: 'https://shop.example/checkout?order=NW-1042',
      timeZone: 'Asia/Tokyo',
      language: 'ja',
    });
    const first = await newVisitor({ pageUrl: 'https://shop.example/beans', timeZone: 'America/New_York', language: 'de' });
    const second = await newVisitor({ pageUrl: 'https://shop.example/gear' });
    await say(ana, 'Where is my parcel?');
    await say(first, 'Do you ship to Canada?');
    await say(second, 'Is the grinder in stock?');
    await call(`/chats/${first.groupId}/contact`, { token: first.token, body: { email: 'lee@example.com' } });

    const { context, page, problems } = await openConsole();
    try {
      for (const visitor of [ana, first, second]) await assertSeen(row(page, visitor.groupId), `the row of ${visitor.groupId}`);
      const label = groupId => row(page, groupId).locator('.who').textContent();
      assert.equal(await label(ana.groupId), hostile, 'the name is not shown as the text it is');
      assert.match(await label(first.groupId), /^Visitor [0-9A-F]{6}$/);
      assert.match(await label(second.groupId), /^Visitor [0-9A-F]{6}$/);
      assert.notEqual(await label(first.groupId), await label(second.groupId));
      assert.equal(await page.locator('#conversations img').count(), 0);
      assert.doesNotMatch(await page.locator('#conversations').textContent(), /Conversation with/);

      // The page without its query (the server keeps origin and path), the time where the visitor is, in the
      // agent's locale (en-GB: a 24-hour clock), and the language in the agent's words.
      const meta = row(page, first.groupId).locator('.meta');
      assert.equal(await meta.locator('.page').textContent(), 'shop.example/beans');
      assert.equal(await meta.locator('.language').textContent(), 'German');
      const before = nowIn('America/New_York');
      const shownTime = await meta.locator('.local-time').textContent();
      assert.ok([before, nowIn('America/New_York')].includes(shownTime.replace(/ \S+$/, '')), `${shownTime} is not New York's time`);
      assert.match(shownTime, /^\d\d:\d\d (EST|EDT|GMT-[45])$/);
      assert.equal(await row(page, ana.groupId).locator('.language').textContent(), 'Japanese');
      assert.equal(await row(page, ana.groupId).locator('.page').textContent(), 'shop.example/checkout');
      assert.equal(await row(page, second.groupId).locator('.language').count(), 0);
      assert.equal(await row(page, second.groupId).locator('.state').textContent(), 'Waiting for a reply');
      assert.match(await row(page, first.groupId).locator('.more').textContent(), /lee@example\.com/);

      // Open, the facts are spelt out, and the page is a link to where the visitor was.
      await row(page, ana.groupId).click();
      await assertSeen(page.locator('#details h2'), 'the conversation heading');
      assert.equal(await page.locator('#details h2').textContent(), hostile);
      const link = page.locator('#facts a');
      assert.equal(await link.getAttribute('href'), 'https://shop.example/checkout');
      assert.equal(await link.getAttribute('rel'), 'noopener noreferrer');
      assert.equal(await page.locator('#details img').count(), 0);
      assert.equal(await page.evaluate(() => window.__pwned), undefined);
      assert.equal(await page.locator('#chat').evaluate(chat => chat.heading), hostile);

      // A filter with nothing in it says so rather than showing a blank column.
      const resolved = await call('/groups?state=resolved', { token: agentToken, method: 'GET' });
      assert.deepEqual(resolved.groups, [], 'this test expects a server where nothing is resolved yet');
      await chooseFilter(page, 'Resolved');
      assert.equal(await page.locator('#conversations button').count(), 0);
      await assertSeen(page.locator('#empty'), 'the empty-filter note');
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });
});

/** "09:41": the time now in a zone, as an en-GB agent reads it. */
const nowIn = timeZone => new Intl.DateTimeFormat('en-GB', { timeZone, timeStyle: 'short' }).format(new Date());

describe('filters by state', () => {
  it('All, Open, Waiting for a reply and Resolved, each following pushes as they arrive', async () => {
    const waiting = await newVisitor();
    const answered = await newVisitor();
    const resolved = await newVisitor();
    await say(waiting, 'Hello?');
    await say(answered, 'Hi');
    await agentSays(answered.groupId, 'Hello, how can we help?');
    await say(resolved, 'Thanks, all good');
    await call(`/chats/${resolved.groupId}/resolve`, { token: agentToken });
    const mine = [waiting, answered, resolved].map(v => v.groupId);
    const { context, page, problems } = await openConsole();
    const shownOfMine = async () => (await shownIds(page)).filter(id => mine.includes(id)).sort((a, b) => a - b);
    try {
      const expect = async (filter, visitors) => {
        await chooseFilter(page, filter);
        assert.deepEqual(
          await shownOfMine(),
          visitors.map(v => v.groupId).sort((a, b) => a - b),
          `under ${filter}`,
        );
      };
      await expect('All', [waiting, answered, resolved]);
      await expect('Open', [waiting, answered]);
      await expect('Waiting for a reply', [waiting]);
      await expect('Resolved', [resolved]);
      assert.equal(await row(page, resolved.groupId).locator('.state').textContent(), 'Resolved');

      // Live: another agent resolves the waiting one; its visitor writes again in the resolved one.
      await chooseFilter(page, 'Open');
      await call(`/chats/${waiting.groupId}/resolve`, { token: agentToken });
      await row(page, waiting.groupId).waitFor({ state: 'detached' });
      await say(resolved, 'One more thing');
      await row(page, resolved.groupId).waitFor();
      assert.equal(await row(page, resolved.groupId).locator('.state').textContent(), 'Waiting for a reply');
      await agentSays(resolved.groupId, 'Sure, go ahead');
      await page.waitForFunction(id => document.querySelector(`[data-group="${id}"] .state`)?.textContent === 'Open', resolved.groupId);
      assert.deepEqual(
        await shownOfMine(),
        [answered.groupId, resolved.groupId].sort((a, b) => a - b),
      );

      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });
});

describe('two agents share the work', () => {
  it('"Assign to me" and "Resolve" in one console show live in the other; a reopening shows who and when', async () => {
    const visitor = await newVisitor({ pageUrl: 'https://shop.example/subscriptions', timeZone: 'Europe/Berlin', language: 'de' });
    await say(visitor, 'Can I pause my subscription?');
    const first = await openConsole();
    const second = await openConsole();
    try {
      const groupRequests = [];
      second.page.on('request', request => request.url().includes('/groups') && groupRequests.push(request.url()));
      await row(first.page, visitor.groupId).click();
      await assertSeen(first.page.getByRole('button', { name: 'Assign to me', exact: true }), 'Assign to me');
      assert.equal(await fact(first.page, 'Assigned to'), 'nobody');
      assert.equal(await fact(first.page, 'Page'), 'shop.example/subscriptions');

      await first.page.getByRole('button', { name: 'Assign to me', exact: true }).click();
      await first.page.waitForFunction(() => document.querySelector('#assign').hidden);
      assert.equal(await fact(first.page, 'Assigned to'), 'you');
      // The other console hears of it by push: both are signed in as the reference server's one agent.
      await second.page.waitForFunction(
        id => document.querySelector(`[data-group="${id}"] .more`)?.textContent === 'Assigned to you',
        visitor.groupId,
      );

      await first.page.getByRole('button', { name: 'Resolve', exact: true }).click();
      await second.page.waitForFunction(
        id => document.querySelector(`[data-group="${id}"] .state`)?.textContent === 'Resolved',
        visitor.groupId,
      );
      assert.equal(await first.page.locator('#details .state').textContent(), 'Resolved');
      assert.equal(await first.page.locator('#resolve').isVisible(), false);
      // With both buttons done, the keyboard is on the conversation's heading, not lost to the page.
      assert.equal(await first.page.evaluate(() => document.activeElement.id), 'visitor');
      assert.match(await fact(first.page, 'Resolved'), /^by you, /);

      // The visitor rates the resolution; then writes again, which reopens it.
      await call(`/chats/${visitor.groupId}/rating`, { token: visitor.token, body: { score: 4, comment: 'Quick and kind' } });
      await first.page.waitForFunction(() => document.querySelector('#facts').textContent.includes('4 of 5: “Quick and kind”'));
      await second.page.waitForFunction(
        id => document.querySelector(`[data-group="${id}"] .more`)?.textContent.includes('Rated 4 of 5'),
        visitor.groupId,
      );
      await say(visitor, 'Sorry, one more question');
      await first.page.waitForFunction(() => document.querySelector('#facts').textContent.includes('Reopened'));
      const label = await first.page.locator('#details h2').textContent();
      const reopened = await fact(first.page, 'Reopened');
      // When, as the server stored it, in the agent's own clock and locale (this browser's zone is the machine's).
      const { reopenedAt } = await call(`/chats/${visitor.groupId}/state`, { token: agentToken, method: 'GET' });
      const when = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(reopenedAt));
      assert.equal(reopened, `by ${label}, ${when}`);
      assert.match(label, /^Visitor [0-9A-F]{6}$/);
      assert.equal(await first.page.locator('#details .state').textContent(), 'Waiting for a reply');
      await second.page.waitForFunction(
        id => document.querySelector(`[data-group="${id}"] .state`)?.textContent === 'Waiting for a reply',
        visitor.groupId,
      );
      assert.deepEqual(groupRequests, [], 'the second console fetched the list instead of hearing the pushes');
      assert.deepEqual([...first.problems, ...second.problems], []);
    } finally {
      await first.context.close();
      await second.context.close();
    }
  });
});

describe('an action that does not reach the server', () => {
  it('says so in an alert and changes nothing; once online again it works', async () => {
    const visitor = await newVisitor();
    await say(visitor, 'Hello?');
    const { context, page, problems } = await openConsole();
    try {
      await row(page, visitor.groupId).click();
      await page.locator('#details').waitFor();
      await context.setOffline(true);
      await page.getByRole('button', { name: 'Resolve', exact: true }).click();
      const alert = page.locator('#action-error');
      await page.waitForFunction(() => document.querySelector('#action-error').textContent !== '');
      assert.equal(await alert.getAttribute('role'), 'alert');
      assert.match(await alert.textContent(), /^The server could not be reached, so the conversation was not changed\./);
      await assertSeen(alert, 'the alert');
      assert.equal(await page.locator('#details .state').textContent(), 'Waiting for a reply');
      assert.equal((await call(`/chats/${visitor.groupId}/state`, { token: agentToken, method: 'GET' })).state, 'open');

      await context.setOffline(false);
      await page.getByRole('button', { name: 'Resolve', exact: true }).click();
      await page.waitForFunction(() => document.querySelector('#details .state').textContent === 'Resolved');
      assert.equal(await alert.textContent(), '');
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });
});

describe('an action answered after the agent opened another conversation', () => {
  it('its refusal is not said under the conversation shown now, but in the live region, naming its conversation', async () => {
    const [first, second] = [await newVisitor({ name: 'Ada' }), await newVisitor()];
    await say(first, 'First one');
    await say(second, 'Second one');
    const { context, page, problems } = await openConsole();
    try {
      let release;
      const held = new Promise(resolve => (release = resolve));
      await page.route(`**/chats/${first.groupId}/resolve`, async route => {
        await held;
        await route.fulfill({
          status: 409,
          contentType: 'application/problem+json',
          body: JSON.stringify({ title: 'Conflict', status: 409, detail: 'Someone else resolved it first.' }),
        });
      });
      await row(page, first.groupId).click();
      await page.locator('#details').waitFor();
      const asked = page.waitForRequest(request => request.url().endsWith(`/chats/${first.groupId}/resolve`));
      await page.getByRole('button', { name: 'Resolve', exact: true }).click();
      await asked;
      await row(page, second.groupId).click();
      await page.waitForFunction(
        id => document.querySelector(`[data-group="${id}"]`)?.getAttribute('aria-current') === 'true',
        String(second.groupId),
      );
      // Every sentence the alert says from now on, even one a later action clears again.
      await page.evaluate(() => {
        const alert = document.querySelector('#action-error');
        window.said = [];
        new MutationObserver(() => alert.textContent && window.said.push(alert.textContent)).observe(alert, {
          childList: true,
          characterData: true,
          subtree: true,
        });
      });
      const answered = page.waitForResponse(response => response.url().endsWith(`/chats/${first.groupId}/resolve`));
      release();
      await answered;
      // An action on the conversation shown, done after that answer came: by its end the page has read the refusal.
      await page.getByRole('button', { name: 'Resolve', exact: true }).click();
      await page.waitForFunction(() => document.querySelector('#details .state').textContent === 'Resolved');
      assert.deepEqual(await page.evaluate(() => window.said), []);
      assert.equal(await page.locator('#action-error').textContent(), '');
      assert.equal(await page.locator('#live').textContent(), 'Ada: Someone else resolved it first.');
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });
});

/** What the open conversation's facts say for one term ("Assigned to" → "you"). */
const fact = (page, term) =>
  page
    .locator('#facts div')
    .filter({ has: page.locator('dt', { hasText: term }) })
    .locator('dd')
    .textContent();

describe('the last message in the list', () => {
  it('is plain words for a formatted answer, and the file for a message of files alone, pushed or listed, from the rows alone', async () => {
    const answered = await newVisitor();
    const sender = await newVisitor();
    await say(answered, 'When does it ship?');
    await say(sender, 'Here is my receipt');
    const first = await openConsole();
    const second = await openConsole();
    // Neither console opens a conversation here: a request for a conversation's messages would be one per row.
    const chatReads = [first.page, second.page].map(page => requestsTo(page, path => path.startsWith('/chats/')));
    try {
      const markdown = '**It left us on Tuesday.** Follow it [here](https://track.example/NW-1042) with `NW-1042` &amp; <b>x</b>';
      const words = 'It left us on Tuesday. Follow it here with NW-1042 & <b>x</b>';
      await agentSays(answered.groupId, markdown, { format: 'markdown' });
      await first.page.waitForFunction(
        ([id, expected]) => document.querySelector(`[data-group="${id}"] .last`)?.textContent === expected,
        [answered.groupId, words],
      );

      const form = new FormData();
      form.append('file', new Blob(['Order NW-1042, Tuesday'], { type: 'text/plain' }), 'receipt.txt');
      const upload = await fetch(`${server.url}/chats/${sender.groupId}/files`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${sender.token}` },
        body: form,
      });
      assert.equal(upload.status, 201, await upload.clone().text());
      await say(sender, '', { attachments: [(await upload.json()).id] });
      const shownFile = async page => {
        const last = row(page, sender.groupId).locator('.last');
        await page.waitForFunction(
          id => document.querySelector(`[data-group="${id}"] .last`)?.textContent === 'receipt.txt',
          sender.groupId,
        );
        // A paperclip before the name, read out as "File:".
        assert.equal(await last.getByRole('img', { name: 'File:' }).count(), 1);
        await assertSeen(last.locator('svg'), 'the paperclip');
      };
      await shownFile(first.page);

      // A console that loads the list afterwards shows the same: the list's text alone would be markup and "".
      await second.page.reload();
      await second.page.fill('input[name=email]', AGENT.email);
      await second.page.fill('input[name=password]', AGENT.password);
      await second.page.click('button[type=submit]');
      await second.page.waitForFunction(
        ([id, expected]) => document.querySelector(`[data-group="${id}"] .last`)?.textContent === expected,
        [answered.groupId, words],
      );
      await shownFile(second.page);
      assert.deepEqual(chatReads, [[], []], 'a console read messages to preview them instead of taking the rows');
      assert.deepEqual([...first.problems, ...second.problems], []);
    } finally {
      await first.context.close();
      await second.context.close();
    }
  });
});

describe('the console with the keyboard and axe', () => {
  it('reaches the filters, Assign to me and Resolve by Tab with a visible focus, and axe finds nothing', async () => {
    const visitor = await newVisitor({ pageUrl: 'https://shop.example/', timeZone: 'Europe/Lisbon', language: 'pt-BR' });
    await say(visitor, 'Olá!');
    await call(`/chats/${visitor.groupId}/contact`, { token: visitor.token, body: { email: 'rita@example.com' } });
    // Only so the axe script may run on the page: the console's own policy stays as it is for every other test.
    const { context, page, problems } = await openConsole({ bypassCSP: true });
    try {
      await row(page, visitor.groupId).click();
      await page.locator('#details').waitFor();
      await page.locator('#chat').evaluate(chat => chat.updateComplete);
      await assertNoAxeViolations(page, 'a conversation open, All');

      // Pushes about another conversation leave the keyboard where it is: on the page link, then on a row
      // that the push moves down the list.
      const other = await newVisitor();
      await say(other, 'First');
      await row(page, other.groupId).waitFor();
      await page.locator('#facts a').focus();
      await say(other, 'Second');
      await page.waitForFunction(id => document.querySelector(`[data-group="${id}"] .last`)?.textContent === 'Second', other.groupId);
      assert.equal(await page.evaluate(() => document.activeElement.textContent), 'shop.example');
      await row(page, other.groupId).focus();
      await say(visitor, 'Still there?');
      await page.waitForFunction(id => document.querySelector('#conversations button').dataset.group === String(id), visitor.groupId);
      assert.equal(await page.evaluate(() => document.activeElement.dataset.group), String(other.groupId));

      // From the top of the page, Tab walks through everything the agent acts with.
      await page.locator('body').focus();
      const reached = new Map();
      for (let i = 0; i < 40 && reached.size < 6; i++) {
        await page.keyboard.press('Tab');
        const focus = await page.evaluate(() => {
          const element = document.activeElement;
          const style = getComputedStyle(element);
          return { name: element.dataset.filter ?? element.id, outline: `${style.outlineStyle} ${style.outlineWidth}` };
        });
        if (['all', 'open', 'waiting', 'resolved', 'assign', 'resolve'].includes(focus.name)) reached.set(focus.name, focus.outline);
      }
      assert.deepEqual([...reached.keys()].sort(), ['all', 'assign', 'open', 'resolve', 'resolved', 'waiting']);
      for (const [name, outline] of reached) assert.equal(outline, 'solid 3px', `${name} has no visible focus`);

      await page.locator('#assign').focus();
      await page.keyboard.press('Enter');
      await page.waitForFunction(() => document.querySelector('#assign').hidden);
      assert.equal(await page.evaluate(() => document.activeElement.id), 'resolve');
      await page.keyboard.press('Enter');
      await page.waitForFunction(() => document.querySelector('#details .state').textContent === 'Resolved');
      await call(`/chats/${visitor.groupId}/rating`, { token: visitor.token, body: { score: 5 } });
      await page.waitForFunction(() => document.querySelector('#facts').textContent.includes('5 of 5'));
      await page.locator('#filters [data-filter="resolved"]').focus();
      await page.keyboard.press('Space');
      await row(page, visitor.groupId).waitFor();
      await assertNoAxeViolations(page, 'resolved and rated, filtered by Resolved');
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });
});

async function assertNoAxeViolations(page, state) {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ content: axeSource });
  const violations = await page.evaluate(async () => {
    const results = await window.axe.run(document);
    return results.violations.map(v => `${v.id}: ${v.nodes.map(n => n.target.join(' ')).join(', ')}`);
  });
  assert.deepEqual(violations, [], `axe in state "${state}"`);
}

describe("a new conversation and a visitor's address", () => {
  it('show at once from their pushes: who, where from and what they left, without reading the list again', async () => {
    const { context, page, problems } = await openConsole();
    const listReads = requestsTo(page, path => path === '/groups');
    try {
      const visitor = await newVisitor({
        name: 'Mina',
        pageUrl: 'https://shop.example/grinders?ref=mail',
        timeZone: 'Europe/Berlin',
        language: 'de',
      });
      await row(page, visitor.groupId).waitFor();
      // Without a message it sorts below every conversation that has one, as the server's list does.
      await row(page, visitor.groupId).scrollIntoViewIfNeeded();
      await assertSeen(row(page, visitor.groupId), 'the new row');
      assert.equal(await row(page, visitor.groupId).locator('.who').textContent(), 'Mina');
      assert.equal(await row(page, visitor.groupId).locator('.page').textContent(), 'shop.example/grinders');
      assert.equal(await row(page, visitor.groupId).locator('.language').textContent(), 'German');
      assert.equal(await row(page, visitor.groupId).locator('.state').textContent(), 'Open');
      assert.equal(await row(page, visitor.groupId).locator('.last').textContent(), 'No messages yet');
      assert.equal(await page.locator('#live').textContent(), 'New conversation: Mina');

      await say(visitor, 'Do you still have the hand grinder?');
      await page.waitForFunction(
        id => document.querySelector(`[data-group="${id}"] .state`)?.textContent === 'Waiting for a reply',
        visitor.groupId,
      );
      await row(page, visitor.groupId).click();
      await page.locator('#details').waitFor();
      await call(`/chats/${visitor.groupId}/contact`, { token: visitor.token, body: { email: 'mina@example.com' } });
      await page.waitForFunction(
        id => document.querySelector(`[data-group="${id}"] .more`)?.textContent === 'mina@example.com',
        visitor.groupId,
      );
      await assertSeen(row(page, visitor.groupId).locator('.more'), 'the address in the row');
      assert.equal(await fact(page, 'Email'), 'mina@example.com');
      await assertSeen(page.locator('#facts div').filter({ has: page.locator('dt', { hasText: 'Email' }) }), 'the address in the facts');
      assert.deepEqual(listReads, [], 'the console read the list instead of taking the pushes');
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });
});
