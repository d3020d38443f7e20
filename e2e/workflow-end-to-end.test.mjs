// The support workflow end to end, as the two people in it see it: a visitor on the demo shop (its widget,
// reached by token-url) and an agent in the console (/agent.html, signed in), each in a Chromium context of
// their own against the real reference server. Every step is checked on both pages by what is on screen:
// rendered, inside the viewport, not covered, with the right words. Tests run one after another and each
// closes its pages: whether the team is there depends on the consoles connected to the whole server.
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

/** The visitor: German, in New York, so the console has a language and a local time to show. */
const VISITOR = { locale: 'de-DE', timezoneId: 'America/New_York' };
/** The agent: en-GB (a 24-hour clock), in London. */
const AGENT_PLACE = { locale: 'en-GB', timezoneId: 'Europe/London' };

/** The reference server's state of a conversation, as an agent reads it. */
async function stateOf(groupId) {
  const response = await fetch(`${server.url}/chats/${groupId}/state`, {
    headers: { Authorization: `Bearer ${agentToken}` },
  });
  assert.equal(response.status, 200);
  return response.json();
}

/** Page errors of a page, collected to be asserted empty at the end. */
function watchErrors(page, problems) {
  page.on('pageerror', error => problems.push(`${page.url()}: ${error.message}`));
}

/**
 * The demo shop at 1280 × 800 as a new visitor (a context of its own: no cookie), its widget connected.
 * `invoked`: the hub methods the page calls over its WebSocket, as the JSON hub protocol frames them.
 */
async function openShop(problems, target = server) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, ...VISITOR });
  const page = await context.newPage();
  watchErrors(page, problems);
  const invoked = [];
  page.on('websocket', socket =>
    socket.on('framesent', ({ payload }) => {
      for (const frame of String(payload).split('\x1e').filter(Boolean)) {
        const { type, target: method, arguments: args } = JSON.parse(frame);
        if (type === 1) invoked.push({ target: method, args });
      }
    }),
  );
  await page.goto(`${target.url}/`);
  await page.waitForFunction(() => document.querySelector('support-chat')?.status === 'connected');
  return { context, page, invoked };
}

/** The console at 1280 × 800, signed in, its list loaded and its hub watching. */
async function openConsole(problems, target = server) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, ...AGENT_PLACE });
  const page = await context.newPage();
  watchErrors(page, problems);
  await signIn(page, target);
  return { context, page };
}

async function signIn(page, target = server) {
  await page.goto(`${target.url}/agent.html`);
  await page.fill('input[name=email]', AGENT.email);
  await page.fill('input[name=password]', AGENT.password);
  // The console loads its list once WatchConversations has been answered: from then on it is watching.
  const watching = page.waitForResponse(response => response.url().endsWith('/groups'));
  await page.click('button[type=submit]');
  await watching;
  // Signed in, the sign-in card is gone and the list is where the agent looks (an empty list has no height).
  assert.equal(await page.locator('#sign-in').isVisible(), false, 'the sign-in card is still shown');
  await assertSeen(page.getByRole('heading', { name: 'Conversations' }), 'the conversation list');
}

/**
 * What a person sees: the element is rendered, lies inside the viewport, and nothing covers its middle
 * (asked of its own root, so an element in a widget's shadow root is judged inside it). Says which failed.
 */
async function assertSeen(locator, what) {
  await locator.waitFor();
  assert.ok(await locator.isVisible(), `${what} is not visible`);
  const seen = await locator.evaluate(element => {
    const box = element.getBoundingClientRect();
    const inside = box.width > 0 && box.top >= 0 && box.left >= 0 && box.bottom <= innerHeight && box.right <= innerWidth;
    const top = element.getRootNode().elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
    return { inside, covered: !element.contains(top) };
  });
  assert.ok(seen.inside, `${what} is outside the viewport`);
  assert.ok(!seen.covered, `${what} is covered`);
}

/**
 * Waits until a locator's text is exactly `expected` (found afresh each time: the console redraws its facts),
 * then checks that it is seen. Says what it showed instead.
 */
async function assertShows(locator, expected, what) {
  const exact = new RegExp(`^\\s*${expected.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`);
  const shown = locator.filter({ hasText: exact });
  await shown.waitFor().catch(async () => assert.equal(await locator.first().textContent(), expected, `${what} says something else`));
  await assertSeen(shown, what);
}

const widget = page => page.locator('support-chat');
const bubbleTexts = page => widget(page).locator('.message .text').allTextContents();

/** The visitor opens the panel if it is closed, writes, and waits until the server has it. */
async function visitorWrites(page, text) {
  if (!(await page.evaluate(() => document.querySelector('support-chat').open))) await widget(page).locator('.launcher').click();
  await widget(page).locator('textarea').fill(text);
  await page.keyboard.press('Enter');
  await page.waitForFunction(
    text => document.querySelector('support-chat').messages.some(m => m.text === text && m.state === 'sent'),
    text,
  );
  return page.evaluate(() => String(document.querySelector('support-chat').messages.at(-1).groupId));
}

const row = (page, groupId) => page.locator(`#conversations button[data-group="${groupId}"]`);

/** The agent opens a conversation from the list: the chat shows its messages. */
async function agentOpens(page, groupId, count) {
  await row(page, groupId).click();
  await page.waitForFunction(n => document.querySelector('#chat').messages.length === n, count);
  await assertSeen(page.locator('#chat textarea'), "the console's composer");
}

async function agentWrites(page, text) {
  await page.locator('#chat textarea').fill(text);
  await page.keyboard.press('Enter');
  await page.waitForFunction(text => document.querySelector('#chat').messages.some(m => m.text === text && m.state === 'sent'), text);
}

/** What the open conversation's facts say for one term ("Assigned to" → "you"). */
const fact = (page, term) =>
  page
    .locator('#facts div')
    .filter({ has: page.locator('dt', { hasText: term }) })
    .locator('dd');

/** Waits for a condition of the test's own (what it heard on the wire), checked every 50 ms for 30 s. */
async function waitUntil(condition, message) {
  const deadline = Date.now() + 30_000;
  while (!condition()) {
    assert.ok(Date.now() < deadline, message);
    await new Promise(resolve => setTimeout(resolve, 50));
  }
}

/** "09:41": the time now in a zone, as an en-GB agent reads it. */
const nowIn = timeZone => new Intl.DateTimeFormat('en-GB', { timeZone, timeStyle: 'short' }).format(new Date());

describe('resolved, rated, and a new conversation', () => {
  it('the visitor writes, the agent answers and resolves, the visitor rates 4 with a comment and starts anew', async () => {
    const problems = [];
    const agent = await openConsole(problems);
    const visitor = await openShop(problems);
    try {
      const shop = visitor.page;
      const console = agent.page;
      const groupId = await visitorWrites(shop, 'My parcel NW-1042 is late');

      // The console lists them by their label, with the page they wrote from, their time and language.
      const entry = row(console, groupId);
      await assertSeen(entry, 'the new conversation in the list');
      await console.waitForFunction(
        id => /^Visitor [0-9A-F]{6}$/.test(document.querySelector(`[data-group="${id}"] .who`)?.textContent),
        groupId,
      );
      const label = await entry.locator('.who').textContent();
      assert.equal(await entry.locator('.page').textContent(), new URL(server.url).host);
      assert.equal(await entry.locator('.language').textContent(), 'German (Germany)');
      const before = nowIn(VISITOR.timezoneId);
      const shownTime = await entry.locator('.local-time').textContent();
      assert.ok([before, nowIn(VISITOR.timezoneId)].includes(shownTime.replace(/ \S+$/, '')), `${shownTime} is not New York's time`);
      assert.match(shownTime, /^\d\d:\d\d (EST|EDT|GMT-[45])$/);
      await assertShows(entry.locator('.last'), 'My parcel NW-1042 is late', 'the message in the list');
      await assertShows(entry.locator('.state'), 'Waiting for a reply', 'the state in the list');

      // The agent answers; the visitor reads it in the shop's widget.
      await agentOpens(console, groupId, 1);
      await assertShows(console.locator('#details h2'), label, 'the conversation heading');
      await agentWrites(console, 'It left us this morning, sorry for the wait.');
      await assertShows(
        widget(shop).locator('.message .text').last(),
        'It left us this morning, sorry for the wait.',
        'the answer in the widget',
      );

      // Resolved in the console: the widget says so and asks for a rating.
      await console.getByRole('button', { name: 'Resolve', exact: true }).click();
      await assertShows(console.locator('#details .state'), 'Resolved', 'the state in the console');
      await assertShows(widget(shop).locator('.resolution'), 'This conversation was resolved', 'the resolved line');
      await assertShows(widget(shop).locator('.rating legend'), 'How did we do?', 'the rating question');
      const scores = widget(shop).locator('.rating .score');
      assert.deepEqual(await scores.allTextContents(), ['1', '2', '3', '4', '5']);
      await assertSeen(scores.nth(3), 'the score 4');
      await scores.nth(3).click();
      const comment = widget(shop).locator('.rating textarea');
      await assertSeen(comment, 'the comment box');
      await comment.fill('Quick and kind');
      await widget(shop).getByRole('button', { name: 'Send rating' }).click();
      await assertShows(widget(shop).locator('.said'), 'Thank you for your rating!', 'the thanks');
      assert.equal(await widget(shop).locator('.rating').count(), 0, 'the rating is still asked after it was given');

      // The console shows the score and the comment, in the facts and in the row.
      await assertShows(fact(console, 'Rating'), '4 of 5: “Quick and kind”', 'the rating in the facts');
      await assertShows(entry.locator('.more'), 'Rated 4 of 5', 'the rating in the list');
      const { rating } = await stateOf(groupId);
      assert.deepEqual([rating.score, rating.comment], [4, 'Quick and kind']);

      // Back on the shop later (a reload): still resolved, and not asked again.
      await shop.reload();
      await shop.waitForFunction(() => document.querySelector('support-chat')?.status === 'connected');
      if (!(await shop.evaluate(() => document.querySelector('support-chat').open))) await widget(shop).locator('.launcher').click();
      await assertShows(widget(shop).locator('.resolution'), 'This conversation was resolved', 'the resolved line after a reload');
      assert.deepEqual(await bubbleTexts(shop), ['My parcel NW-1042 is late', 'It left us this morning, sorry for the wait.']);
      assert.equal(await widget(shop).locator('.rating').count(), 0, 'the rating was asked again');

      // A new conversation: empty, and in the console's list under the same visitor.
      const startNew = widget(shop).getByRole('button', { name: 'Start a new conversation' });
      await assertSeen(startNew, 'Start a new conversation');
      const started = shop.waitForResponse(response => response.url().endsWith('/visitors/conversations'));
      await startNew.click();
      const fresh = String((await (await started).json()).groupId);
      assert.notEqual(fresh, groupId);
      await shop.waitForFunction(() => document.querySelector('support-chat').messages.length === 0);
      await shop.waitForFunction(() => !document.querySelector('support-chat').shadowRoot.querySelector('.resolution'));
      assert.deepEqual(await bubbleTexts(shop), []);
      await assertSeen(widget(shop).locator('textarea'), 'the composer of the new conversation');
      await assertSeen(row(console, fresh), 'the new conversation in the list');
      assert.equal(await visitorWrites(shop, 'And can I change my address?'), fresh);
      await assertShows(row(console, fresh).locator('.last'), 'And can I change my address?', 'the new message in the list');
      await assertShows(row(console, fresh).locator('.who'), label, 'the same visitor in the list');
      await assertShows(row(console, fresh).locator('.state'), 'Waiting for a reply', 'the new conversation state');
      // The old one stays resolved and rated.
      assert.equal(await row(console, groupId).locator('.state').textContent(), 'Resolved');
      assert.deepEqual(problems, []);
    } finally {
      await visitor.context.close();
      await agent.context.close();
    }
  });
});

describe('a message in a resolved conversation', () => {
  it('reopens it: the widget drops the resolved line, the console says who reopened it and when', async () => {
    const problems = [];
    const agent = await openConsole(problems);
    const visitor = await openShop(problems);
    try {
      const shop = visitor.page;
      const console = agent.page;
      const groupId = await visitorWrites(shop, 'Do you ship to Canada?');
      await agentOpens(console, groupId, 1);
      await agentWrites(console, 'We do, in five to seven days.');
      await console.getByRole('button', { name: 'Resolve', exact: true }).click();
      await assertShows(widget(shop).locator('.resolution'), 'This conversation was resolved', 'the resolved line');
      await assertShows(fact(console, 'Resolved'), `by you, ${agentTime((await stateOf(groupId)).resolvedAt)}`, 'who resolved it');
      assert.equal(await fact(console, 'Reopened').count(), 0);

      // The visitor writes again, without rating: the conversation is open once more, on both pages.
      await visitorWrites(shop, 'And to Mexico?');
      await shop.waitForFunction(() => !document.querySelector('support-chat').shadowRoot.querySelector('.resolution'));
      assert.equal(await widget(shop).locator('.rating').count(), 0, 'the rating is still asked in an open conversation');
      const label = await row(console, groupId).locator('.who').textContent();
      assert.match(label, /^Visitor [0-9A-F]{6}$/);
      const { state, reopenedAt } = await stateOf(groupId);
      assert.equal(state, 'open');
      assert.ok(reopenedAt, 'the server has no time of the reopening');
      await assertShows(fact(console, 'Reopened'), `by ${label}, ${agentTime(reopenedAt)}`, 'who reopened it and when');
      await assertShows(console.locator('#details .state'), 'Waiting for a reply', 'the state in the console');
      await assertShows(row(console, groupId).locator('.state'), 'Waiting for a reply', 'the state in the list');
      await assertShows(console.locator('#chat .message .text').last(), 'And to Mexico?', 'the message in the console');
      assert.equal(await fact(console, 'Resolved').count(), 0);
      assert.deepEqual(problems, []);
      // The console's chat says it too, under the messages, by the same name as the facts above it. Its time
      // is in the widget's locale, the page's lang ("en"), where the facts use the browser's.
      const chatTime = new Intl.DateTimeFormat('en', { timeZone: AGENT_PLACE.timezoneId, dateStyle: 'medium', timeStyle: 'short' });
      await assertShows(
        console.locator('#chat .resolution'),
        `Reopened by ${label} at ${chatTime.format(new Date(reopenedAt))}`,
        'the reopened line in the chat',
      );
    } finally {
      await visitor.context.close();
      await agent.context.close();
    }
  });
});

/** A time the server stored, as the console's facts show it: in the agent's locale and zone as this test sets them. */
function agentTime(iso) {
  assert.ok(iso, 'no time to show');
  return new Intl.DateTimeFormat(AGENT_PLACE.locale, { timeZone: AGENT_PLACE.timezoneId, dateStyle: 'medium', timeStyle: 'short' }).format(
    new Date(iso),
  );
}

describe('Seen', () => {
  it("under the visitor's last message once the agent has the conversation open, and under the answer once the visitor looks", async () => {
    const problems = [];
    const agent = await openConsole(problems);
    const visitor = await openShop(problems);
    try {
      const shop = visitor.page;
      const console = agent.page;
      await visitorWrites(shop, 'Is the grinder in stock?');
      const groupId = await visitorWrites(shop, 'The burr one, I mean');
      // The read marks the widget sent over the hub for this conversation.
      const marksSent = () =>
        visitor.invoked.filter(({ target, args }) => target === 'MarkRead' && args[0] === groupId).map(({ args }) => args[1]);
      // The console has both by push; listed but not open, nobody has read them.
      await assertShows(row(console, groupId).locator('.last'), 'The burr one, I mean', 'the last message in the list');
      assert.equal(await widget(shop).locator('.seen').count(), 0, '"Seen" before the agent opened the conversation');

      await agentOpens(console, groupId, 2);
      await assertShows(widget(shop).locator('.seen'), 'Seen', '"Seen" in the widget');
      assert.equal(await widget(shop).locator('.seen').count(), 1);
      const seenUnder = await widget(shop)
        .locator('.seen')
        .evaluate(seen => seen.closest('.message').querySelector('.text').textContent);
      assert.equal(seenUnder, 'The burr one, I mean');

      // The other way round: the visitor has closed the panel when the answer comes, so it waits unread.
      await widget(shop).locator('.close').click();
      await shop.waitForFunction(() => !document.querySelector('support-chat').open);
      await agentWrites(console, 'Yes, we have three left.');
      const answerId = await console.evaluate(() => document.querySelector('#chat').messages.at(-1).id);
      await shop.waitForFunction(() => document.querySelector('support-chat').unreadCount === 1);
      // Time is the subject: a read mark waits at most a second for its turn (MARK_INTERVAL_MS), so after
      // three none may have left for the answer, on the wire or on the console's screen.
      await new Promise(resolve => setTimeout(resolve, 3000));
      assert.deepEqual(
        marksSent().filter(id => id >= answerId),
        [],
        'the closed widget marked the answer read',
      );
      assert.equal(await console.locator('#chat .seen').count(), 0, '"Seen" under an answer the visitor has not looked at');

      await widget(shop).locator('.launcher').click();
      await waitUntil(() => marksSent().includes(answerId), 'the open widget never marked the answer read');
      await assertShows(widget(shop).locator('.message .text').last(), 'Yes, we have three left.', 'the answer in the widget');
      await assertShows(console.locator('#chat .seen'), 'Seen', '"Seen" in the console');
      const agentSeenUnder = await console
        .locator('#chat .seen')
        .evaluate(seen => seen.closest('.message').querySelector('.text').textContent);
      assert.equal(agentSeenUnder, 'Yes, we have three left.');
      assert.equal(await console.locator('#chat .seen').count(), 1);
      // The visitor's own "Seen" stays where it was: the agent's answer is not the visitor's message.
      assert.equal(await widget(shop).locator('.seen').count(), 1);
      assert.deepEqual(problems, []);
    } finally {
      await visitor.context.close();
      await agent.context.close();
    }
  });
});

describe('whether someone is there', () => {
  it('says so while a console is connected; when it closes the header changes, and a message asks for an email the console shows', async () => {
    const problems = [];
    const agent = await openConsole(problems);
    const visitor = await openShop(problems);
    try {
      const shop = visitor.page;
      await widget(shop).locator('.launcher').click();
      await assertShows(widget(shop).locator('.availability'), 'We usually answer in a few minutes', 'the header with an agent there');

      // The agent closes the console: nobody is there any more.
      await agent.page.close();
      await assertShows(widget(shop).locator('.availability'), "We'll answer as soon as we can", 'the header with nobody there');
      assert.equal(await widget(shop).locator('.contact').count(), 0, 'an email asked before the visitor wrote');

      // Sending still works; then the widget asks, once, where to answer.
      const groupId = await visitorWrites(shop, 'Can I pause my subscription?');
      const ask = widget(shop).locator('.contact label');
      await assertShows(ask, 'Nobody is here right now. Leave your email and we will answer you there.', 'the email question');
      await widget(shop).locator('.contact input').fill('rita@example.com');
      await widget(shop).getByRole('button', { name: 'Save' }).click();
      await assertShows(widget(shop).locator('.said'), 'We will answer at rita@example.com.', 'the email taken');
      assert.equal(await widget(shop).locator('.contact').count(), 0);

      // The agent comes back: a console signed in again shows the address in the list and in the facts
      // (nothing pushes it to a console open meanwhile: the list's next load brings it).
      const back = await openConsole(problems);
      try {
        await assertShows(row(back.page, groupId).locator('.more'), 'rita@example.com', 'the email in the list');
        await agentOpens(back.page, groupId, 1);
        await assertShows(fact(back.page, 'Email'), 'rita@example.com', 'the email in the facts');
        // And the visitor's header says someone is there again.
        await assertShows(widget(shop).locator('.availability'), 'We usually answer in a few minutes', 'the header once the agent is back');
        // A second message asks nothing more: the question was asked once.
        await visitorWrites(shop, 'Thanks!');
        assert.equal(await widget(shop).locator('.contact').count(), 0);
      } finally {
        await back.context.close();
      }
      assert.deepEqual(problems, []);
    } finally {
      await visitor.context.close();
      await agent.context.close();
    }
  });
});

describe('two consoles', () => {
  it('"Assign to me" in one shows live in the other, in its list and in its open conversation', async () => {
    const problems = [];
    const first = await openConsole(problems);
    const second = await openConsole(problems);
    const visitor = await openShop(problems);
    try {
      const groupId = await visitorWrites(visitor.page, 'Which grind for a moka pot?');
      await agentOpens(first.page, groupId, 1);
      await agentOpens(second.page, groupId, 1);
      for (const { page } of [first, second]) {
        await assertShows(fact(page, 'Assigned to'), 'nobody', 'nobody assigned');
        await assertSeen(page.getByRole('button', { name: 'Assign to me', exact: true }), 'Assign to me');
      }
      const listReads = [];
      second.page.on('request', request => request.url().includes('/groups') && listReads.push(request.url()));

      await first.page.getByRole('button', { name: 'Assign to me', exact: true }).click();
      await assertShows(fact(first.page, 'Assigned to'), 'you', 'the assignment where it was made');
      // The other console hears it by push: both are signed in as the reference server's one agent.
      await assertShows(fact(second.page, 'Assigned to'), 'you', 'the assignment in the other console');
      await assertShows(row(second.page, groupId).locator('.more'), 'Assigned to you', 'the assignment in the other list');
      await second.page.waitForFunction(() => document.querySelector('#assign').hidden);
      assert.equal(await second.page.getByRole('button', { name: 'Assign to me', exact: true }).count(), 0);
      await assertSeen(second.page.getByRole('button', { name: 'Resolve', exact: true }), 'Resolve in the other console');
      assert.deepEqual(listReads, [], 'the other console read the list instead of hearing the push');
      assert.deepEqual(problems, []);
    } finally {
      await visitor.context.close();
      await first.context.close();
      await second.context.close();
    }
  });
});

describe('outside business hours', () => {
  // Open only on the day after tomorrow (UTC), 09:00–17:00: now nobody is there, console or not.
  const opens = new Date(Date.now() + 2 * 86_400_000);
  opens.setUTCHours(9, 0, 0, 0);
  const day = opens.toLocaleDateString('en', { weekday: 'short', timeZone: 'UTC' });
  const closed = new ReferenceServer({ env: { SUPPORTCHAT_HOURS: `${day} 09:00-17:00`, SUPPORTCHAT_TIME_ZONE: 'UTC' } });
  before(() => closed.start());
  after(() => closed.stop());

  it("the header says when the team is back, in the visitor's time zone, though a console is connected; the email reaches the console", async () => {
    const problems = [];
    const agent = await openConsole(problems, closed);
    const visitor = await openShop(problems, closed);
    try {
      const shop = visitor.page;
      await widget(shop).locator('.launcher').click();
      // In the page's language (en) and the visitor's zone: 09:00 UTC is early morning in New York.
      const inNewYork = options => new Intl.DateTimeFormat('en', { timeZone: VISITOR.timezoneId, ...options }).format(opens);
      const back = `Back on ${inNewYork({ weekday: 'long' })} at ${inNewYork({ hour: '2-digit', minute: '2-digit' })}`;
      await assertShows(widget(shop).locator('.availability'), back, 'the header outside the hours');

      const groupId = await visitorWrites(shop, 'Are you open on Sunday?');
      await assertSeen(widget(shop).locator('.contact input'), 'the email question');
      await widget(shop).locator('.contact input').fill('sam@example.com');
      await widget(shop).getByRole('button', { name: 'Save' }).click();
      await assertShows(widget(shop).locator('.said'), 'We will answer at sam@example.com.', 'the email taken');

      // The console was open all along: the server's ConversationContact push shows the address there at once.
      await assertShows(row(agent.page, groupId).locator('.last'), 'Are you open on Sunday?', 'the message in the list');
      await assertShows(row(agent.page, groupId).locator('.more'), 'sam@example.com', 'the email in the list, live');
      assert.deepEqual(problems, []);
    } finally {
      await visitor.context.close();
      await agent.context.close();
    }
  });
});
