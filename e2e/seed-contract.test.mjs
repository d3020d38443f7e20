// The widget, unchanged (the script-tag build from dist/), against a server with only the seed's contract
// (src/test/seed-server): no clientMessageId echoed, a send answered without an id, history in no
// particular order with paging ignored, no groupId or createdAt on pushes. In real Chromium, the page on
// the seed server's own origin, logged in by a token provider.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { HubConnectionBuilder, HttpTransportType, LogLevel } from '@microsoft/signalr';
import { chromium } from 'playwright-core';
import { chromiumArgs, chromiumPath } from '../scripts/chromium.mjs';
import { SeedServer } from '../scripts/seed-server.mjs';

const seed = new SeedServer();
let browser;
let nextGroup = 1;
let nextUser = 1;

before(async () => {
  await seed.start();
  browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
});

after(async () => {
  await browser?.close();
  await seed.stop();
});

async function call(path, { token, body } = {}) {
  const response = await fetch(`${seed.url}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  assert.equal(response.status, 200, `${path} answered ${response.status}: ${text}`);
  return JSON.parse(text);
}

/** A registered user of the seed server: its token, and the credentials the test page logs in with. */
async function newUser(name) {
  const credentials = { email: `user${nextUser++}@example.com`, password: 'seed-test-password' };
  const { token } = await call('/users/register', { body: { name, ...credentials } });
  return { name, token, ...credentials };
}

/** Posts as the seed's own clients do: `groupId` a JSON number. */
const postAs = (user, group, message) => call(`/chats/${group}`, { token: user.token, body: { groupId: group, message } });

/** The server's messages of a group, in id order. */
async function serverMessages(user, group) {
  const { chats } = await call(`/chats/${group}`, { token: user.token });
  return chats.sort((a, b) => a.id - b.id).map(chat => ({ id: chat.id, text: chat.message, mine: chat.isMe }));
}

/**
 * The test page as `user` in `group`, connected and showing `count` messages. Records every console
 * error, uncaught exception and support-chat warning in `problems`. `prepare(page)` runs before the
 * page loads.
 */
async function openWidget(user, group, count = 0, prepare = async () => {}) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await prepare(page);
  const problems = [];
  page.on('console', message => {
    if (message.type() === 'error' || message.text().startsWith('support-chat:')) problems.push(`${message.type()}: ${message.text()}`);
  });
  page.on('pageerror', error => problems.push(`pageerror: ${error.message}`));
  const query = new URLSearchParams({ group: String(group), email: user.email, password: user.password });
  await page.goto(`${seed.url}/?${query}`);
  await whenShowing(page, count);
  return { page, problems, close: () => context.close() };
}

/** Waits until the widget is connected and its list holds `count` messages, none of them on its way. */
async function whenShowing(page, count) {
  await page.waitForFunction(n => {
    const chat = document.querySelector('support-chat');
    return chat?.status === 'connected' && chat.messages.length === n && chat.messages.every(m => m.state === 'sent');
  }, count);
}

/** What the page shows, top to bottom: each bubble's id, text and whether it is marked mine. */
const shown = page =>
  page.evaluate(() =>
    [...document.querySelector('support-chat').shadowRoot.querySelectorAll('.message')].map(bubble => ({
      id: Number(bubble.dataset.id),
      text: bubble.querySelector('.text').textContent,
      mine: bubble.classList.contains('mine'),
    })),
  );

/**
 * Starts recording, at every mutation of the widget's shadow root, how many bubbles show each of
 * `texts` and how many of those are marked mine. `stopWatching` ends it and answers the samples.
 */
function watch(page, texts) {
  return page.evaluate(watched => {
    const root = document.querySelector('support-chat').shadowRoot;
    const samples = [];
    const sample = () => {
      const bubbles = [...root.querySelectorAll('.message')];
      samples.push(
        watched.map(text => {
          const showing = bubbles.filter(bubble => bubble.querySelector('.text')?.textContent === text);
          return { count: showing.length, mine: showing.filter(bubble => bubble.classList.contains('mine')).length };
        }),
      );
    };
    const observer = new MutationObserver(sample);
    observer.observe(root, { subtree: true, childList: true, characterData: true, attributes: true });
    sample();
    window.stopWatching = () => {
      observer.disconnect();
      return samples;
    };
  }, texts);
}

/**
 * Checks the samples of `watch`: each text's count never falls, never passes how often it was sent,
 * and ends there; every bubble of it is marked mine (or none is, for others' messages) in every sample.
 */
async function assertShownOnceEach(page, expected, { mine }) {
  const samples = await page.evaluate(() => window.stopWatching());
  const texts = Object.keys(expected);
  texts.forEach((text, index) => {
    const counts = samples.map(row => row[index].count);
    assert.ok(Math.max(...counts) <= expected[text], `"${text}" was shown ${Math.max(...counts)} times (samples ${counts.join(' ')})`);
    for (let i = 1; i < counts.length; i++) {
      assert.ok(
        counts[i] >= counts[i - 1],
        `"${text}" vanished: shown ${counts[i - 1]} then ${counts[i]} times (samples ${counts.join(' ')})`,
      );
    }
    assert.equal(counts.at(-1), expected[text], `"${text}" ends shown ${counts.at(-1)} times`);
    for (const row of samples) {
      assert.equal(row[index].mine, mine ? row[index].count : 0, `"${text}" was ${mine ? 'not ' : ''}marked mine while shown`);
    }
  });
  return samples.length;
}

/** Types a message into the widget and presses Enter, as a visitor does. */
async function typeAndSend(page, text) {
  await page.locator('support-chat textarea').fill(text);
  await page.locator('support-chat textarea').press('Enter');
}

/**
 * Holds the page's requests whose path `matches` in the browser until `release()`. Holding the hub's
 * negotiation keeps the widget off the hub (its group gets pushes it never hears), however fast it would
 * reconnect by itself.
 */
async function holdRequests(page, matches) {
  let release;
  const released = new Promise(resolve => (release = resolve));
  let arrived;
  const firstArrived = new Promise(resolve => (arrived = resolve));
  await page.route(
    url => matches(url.pathname),
    async route => {
      arrived();
      await released;
      await route.continue();
    },
  );
  return {
    firstArrived,
    async release() {
      release();
      await page.unrouteAll({ behavior: 'wait' });
    },
  };
}

const NEGOTIATE = '/hubs/groupchat/negotiate';

/** The JSON hub protocol's record separator. */
const RS = '\x1e';

/**
 * Passes the hub's WebSocket through the test, dropping the first `ReceiveMessage` push of each text in
 * `texts` on its way to the page, as a connection that loses a frame would. Answers the dropped pushes.
 */
async function dropPushes(page, texts) {
  const waiting = new Set(texts);
  const dropped = [];
  await page.routeWebSocket(
    url => url.pathname === '/hubs/groupchat',
    socket => {
      const server = socket.connectToServer();
      socket.onMessage(message => server.send(message));
      server.onMessage(message => {
        const kept = String(message)
          .split(RS)
          .filter(record => {
            if (!record) return false;
            const parsed = JSON.parse(record);
            const text = parsed.type === 1 && parsed.target === 'ReceiveMessage' ? parsed.arguments[0]?.message : undefined;
            if (!waiting.delete(text)) return true;
            dropped.push(parsed.arguments[0]);
            return false;
          });
        if (kept.length > 0) socket.send(kept.map(record => record + RS).join(''));
      });
    },
  );
  return dropped;
}

/**
 * Passes the hub's WebSocket through the test, holding the first `count` `ReceiveMessage` pushes and
 * then delivering them to the page newest first, one frame each. Answers their ids in delivered order.
 */
async function reversePushes(page, count) {
  const held = [];
  const delivered = [];
  await page.routeWebSocket(
    url => url.pathname === '/hubs/groupchat',
    socket => {
      const server = socket.connectToServer();
      socket.onMessage(message => server.send(message));
      server.onMessage(message => {
        for (const record of String(message).split(RS)) {
          if (!record) continue;
          const parsed = JSON.parse(record);
          if (parsed.type !== 1 || parsed.target !== 'ReceiveMessage' || delivered.length + held.length >= count) {
            socket.send(record + RS);
            continue;
          }
          held.push(parsed);
          if (held.length < count) continue;
          for (const push of held.reverse()) {
            delivered.push(push.arguments[0].id);
            socket.send(JSON.stringify(push) + RS);
          }
          held.length = 0;
        }
      });
    },
  );
  return delivered;
}

describe("the seed-contract server has the seed's contract and nothing more", () => {
  it('answers a send with { success: true } only, takes groupId as a number or a numeric string, and pushes the bare DTO', async () => {
    const group = nextGroup++;
    const user = await newUser('Sam');
    // The hub is anonymous: no token.
    const hub = new HubConnectionBuilder()
      .withUrl(`${seed.url}/hubs/groupchat`, { transport: HttpTransportType.WebSockets })
      .configureLogging(LogLevel.Warning)
      .build();
    const pushes = [];
    let thirdArrived;
    const threePushes = new Promise(resolve => (thirdArrived = resolve));
    hub.on('ReceiveMessage', (...args) => {
      pushes.push(args);
      if (pushes.length === 3) thirdArrived();
    });
    await hub.start();
    try {
      await hub.invoke('JoinGroup', String(group));
      assert.deepEqual(await postAs(user, group, 'as a number'), { success: true });
      const asString = await call(`/chats/${group}`, {
        token: user.token,
        body: { groupId: String(group), message: 'as a string', clientMessageId: 'f6a1c2d0-0000-4000-8000-000000000000' },
      });
      assert.deepEqual(asString, { success: true });

      // A third push after the two, so waiting for it is waiting for them.
      await postAs(user, group, 'marker');
      await Promise.race([
        threePushes,
        new Promise((_, reject) =>
          setTimeout(() => reject(new Error(`only ${pushes.length} of 3 pushes arrived in 10 s`)), 10_000).unref(),
        ),
      ]);
      assert.deepEqual(
        pushes.map(args => args.map(dto => Object.keys(dto).sort())),
        Array(3).fill([['id', 'isMe', 'message', 'name', 'userAvatarUrl', 'userId']]),
      );
      assert.deepEqual(
        pushes.map(([dto]) => [dto.message, dto.isMe]),
        [
          ['as a number', false],
          ['as a string', false],
          ['marker', false],
        ],
      );

      // Paging parameters are ignored: every message comes back.
      const { chats } = await call(`/chats/${group}?afterId=${pushes[1][0].id}&limit=1`, { token: user.token });
      assert.equal(chats.length, 3);
    } finally {
      await hub.stop();
    }

    const badLogin = await fetch(`${seed.url}/users/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ email: user.email, password: 'wrong' }),
    });
    assert.equal(badLogin.status, 404);
    // REST needs the header; a token in the query string is not read.
    assert.equal((await fetch(`${seed.url}/chats/${group}?access_token=${user.token}`)).status, 401);
    // No CORS.
    const crossOrigin = await fetch(`${seed.url}/chats/${group}`, {
      method: 'OPTIONS',
      headers: { Origin: 'http://127.0.0.2:1', 'Access-Control-Request-Method': 'GET' },
    });
    assert.equal(crossOrigin.headers.get('access-control-allow-origin'), null);
  });
});

describe("the widget against a server with only the seed's contract", () => {
  it('shows history in id order, whatever order the server answers in, and each push once', async () => {
    const group = nextGroup++;
    const [visitor, agent] = await Promise.all([newUser('Ann'), newUser('Support')]);
    const earlier = Array.from({ length: 8 }, (_, i) => `Earlier message ${i + 1}`);
    for (const text of earlier) await postAs(agent, group, text);

    const { page, problems, close } = await openWidget(visitor, group, earlier.length);
    try {
      assert.deepEqual(await shown(page), await serverMessages(visitor, group));
      assert.deepEqual(
        (await shown(page)).map(m => m.text),
        earlier,
      );

      const live = ['Live 1', 'Live 2', 'Live 3'];
      await watch(page, live);
      for (const text of live) await postAs(agent, group, text);
      await whenShowing(page, earlier.length + live.length);
      await assertShownOnceEach(page, Object.fromEntries(live.map(text => [text, 1])), { mine: false });

      assert.deepEqual(await shown(page), await serverMessages(visitor, group));
      assert.deepEqual(problems, []);
    } finally {
      await close();
    }
  });

  it('shows pushes that arrive newest first once each and in id order', async () => {
    const group = nextGroup++;
    const [visitor, agent, colleague] = await Promise.all([newUser('Gus'), newUser('Support'), newUser('Support too')]);
    const texts = Array.from({ length: 12 }, (_, i) => `Burst ${i + 1}`);
    let delivered;
    const { page, problems, close } = await openWidget(
      visitor,
      group,
      0,
      async page => (delivered = await reversePushes(page, texts.length)),
    );
    try {
      await watch(page, texts);
      // One after another, so the server pushes them in id order and the page gets them in reverse.
      for (const [i, text] of texts.entries()) await postAs(i % 2 ? colleague : agent, group, text);
      await whenShowing(page, texts.length);
      await assertShownOnceEach(page, Object.fromEntries(texts.map(text => [text, 1])), { mine: false });
      const server = await serverMessages(visitor, group);
      assert.deepEqual(delivered, server.map(m => m.id).reverse(), 'the pushes were not delivered newest first');
      assert.deepEqual(await shown(page), server);
      assert.deepEqual(problems, []);
    } finally {
      await close();
    }
  });

  it('shows each of my sends exactly once and marked mine at every moment from Enter to settled, two identical ones in a row too', async () => {
    const group = nextGroup++;
    const [visitor, agent] = await Promise.all([newUser('Ben'), newUser('Support')]);
    await postAs(agent, group, 'How can we help?');

    const mine = await openWidget(visitor, group, 1);
    // The other side of the conversation, in its own browser context, sees the same sends by push.
    const theirs = await openWidget(agent, group, 1);
    try {
      const sends = ['Where is my order?', 'Same again', 'Same again', 'It was due on Monday.'];
      const expected = { 'Where is my order?': 1, 'Same again': 2, 'It was due on Monday.': 1 };
      await Promise.all([watch(mine.page, Object.keys(expected)), watch(theirs.page, Object.keys(expected))]);
      for (const text of sends) await typeAndSend(mine.page, text);
      await Promise.all([whenShowing(mine.page, 1 + sends.length), whenShowing(theirs.page, 1 + sends.length)]);
      const samples = await assertShownOnceEach(mine.page, expected, { mine: true });
      // The watch saw the sends happen, not only their end.
      assert.ok(samples > sends.length, `only ${samples} samples`);
      await assertShownOnceEach(theirs.page, expected, { mine: false });

      const server = await serverMessages(visitor, group);
      assert.deepEqual(
        server.map(m => m.text),
        ['How can we help?', ...sends],
      );
      assert.deepEqual(await shown(mine.page), server);
      assert.deepEqual(
        await shown(theirs.page),
        server.map(m => ({ ...m, mine: !m.mine })),
      );
      assert.equal(await mine.page.locator('support-chat textarea').inputValue(), '');
      assert.deepEqual([...mine.problems, ...theirs.problems], []);
    } finally {
      await mine.close();
      await theirs.close();
    }
  });

  it('keeps my message shown once, as mine, when its echo is lost, until a catch-up brings the server copy', async () => {
    const group = nextGroup++;
    const [visitor, agent] = await Promise.all([newUser('Fay'), newUser('Support')]);
    await postAs(agent, group, 'Ask away');
    const text = 'My echo is lost on the way';
    let dropped;
    const { page, problems, close } = await openWidget(visitor, group, 1, async page => (dropped = await dropPushes(page, [text])));
    try {
      await watch(page, [text]);
      await typeAndSend(page, text);
      // Settled means holding the server's copy (its id), which now only a history request can bring.
      // If that never comes, what the watch saw meanwhile says more than the timeout.
      await page
        .waitForFunction(t => document.querySelector('support-chat').messages.some(m => m.text === t && m.id !== undefined), text)
        .catch(async timeout => {
          await assertShownOnceEach(page, { [text]: 1 }, { mine: true });
          throw timeout;
        });
      await whenShowing(page, 2);
      await assertShownOnceEach(page, { [text]: 1 }, { mine: true });
      assert.equal(dropped.length, 1, 'the echo was not dropped, so this test proved nothing');

      assert.deepEqual(await shown(page), await serverMessages(visitor, group));
      assert.deepEqual(problems, []);
    } finally {
      await close();
    }
  });

  it('shows markdown-looking text as the text it is, and fetches no formatting code: the seed has no format', async () => {
    const group = nextGroup++;
    const [visitor, agent] = await Promise.all([newUser('Dee'), newUser('Support')]);
    const text = '**Restart** the app:\n\n1. [Orders](https://example.com/orders)\n2. <b>Pick</b>';
    // The seed's body has no format: it drops the field, and its DTO never carries one.
    await call(`/chats/${group}`, { token: agent.token, body: { groupId: group, message: text, format: 'markdown' } });
    const scripts = [];
    const { page, problems, close } = await openWidget(visitor, group, 1, async page =>
      page.on('request', request => request.resourceType() === 'script' && scripts.push(request.url())),
    );
    try {
      assert.deepEqual(
        (await shown(page)).map(m => m.text),
        [text],
      );
      const markup = await page.evaluate(
        () => document.querySelector('support-chat').shadowRoot.querySelectorAll('.formatted, .message strong, .message b').length,
      );
      assert.equal(markup, 0);
      assert.deepEqual(
        scripts.filter(url => url.includes('support-chat-formatting-')),
        [],
      );
      assert.deepEqual(problems, []);
    } finally {
      await close();
    }
  });

  it("says once that the conversation can't take files, and hides the attach button, when an upload finds no endpoint", async () => {
    const group = nextGroup++;
    const visitor = await newUser('Fay');
    const { page, problems, close } = await openWidget(visitor, group);
    try {
      const widget = page.locator('support-chat');
      const uploads = [];
      page.on('response', response => response.url().endsWith(`/chats/${group}/files`) && uploads.push(response.status()));
      const [chooser] = await Promise.all([page.waitForEvent('filechooser'), widget.locator('.attach').click()]);
      await chooser.setFiles({ name: 'photo.txt', mimeType: 'text/plain', buffer: Buffer.from('hello') });
      await widget.locator('.composer-note').waitFor();
      assert.equal(await widget.locator('.composer-note').textContent(), "This conversation can't take files.");
      assert.equal(await widget.locator('.attach').count(), 0);
      assert.equal(await widget.locator('.chip').count(), 0);
      assert.equal(uploads.length, 1);
      assert.ok([404, 405].includes(uploads[0]), `the seed answered ${uploads[0]}`);
      // Words still go out as ever.
      await typeAndSend(page, 'Words still work');
      await whenShowing(page, 1);
      // The browser itself logs the refused request; the widget adds nothing.
      assert.deepEqual(
        problems.filter(problem => !/Failed to load resource: the server responded with a status of 40[45]/.test(problem)),
        [],
      );
    } finally {
      await close();
    }
  });

  it('keeps everything over a reload: the same messages, in the same order, once each', async () => {
    const group = nextGroup++;
    const [visitor, agent] = await Promise.all([newUser('Cem'), newUser('Support')]);
    await postAs(agent, group, 'Hello Cem');
    const { page, problems, close } = await openWidget(visitor, group, 1);
    try {
      await typeAndSend(page, 'Hello');
      await whenShowing(page, 2);
      await postAs(agent, group, 'What can we do for you?');
      await typeAndSend(page, 'Nothing, thanks');
      await whenShowing(page, 4);
      const before = await shown(page);
      assert.deepEqual(before, await serverMessages(visitor, group));

      await page.reload();
      await whenShowing(page, 4);
      assert.deepEqual(await shown(page), before);
      assert.deepEqual(problems, []);
    } finally {
      await close();
    }
  });

  it('catches up, once each and in order, what was sent while a forced reconnect was under way', async () => {
    const group = nextGroup++;
    const [visitor, agent] = await Promise.all([newUser('Dee'), newUser('Support')]);
    await postAs(agent, group, 'Before');
    const { page, problems, close } = await openWidget(visitor, group, 1);
    try {
      await typeAndSend(page, 'Mine before');
      await whenShowing(page, 2);

      const held = await holdRequests(page, path => path === NEGOTIATE);
      await page.evaluate(() => void document.querySelector('support-chat').reconnect());
      await held.firstArrived;
      assert.notEqual(await page.evaluate(() => document.querySelector('support-chat').status), 'connected');
      await postAs(agent, group, 'While reconnecting 1');
      await postAs(agent, group, 'While reconnecting 2');
      await held.release();

      await whenShowing(page, 4);
      assert.deepEqual(await shown(page), await serverMessages(visitor, group));
      assert.deepEqual(problems, []);
    } finally {
      await close();
    }
  });

  it('catches up after the server is killed and restarted, keeping what it had', async () => {
    const group = nextGroup++;
    const [visitor, agent] = await Promise.all([newUser('Eve'), newUser('Support')]);
    await postAs(agent, group, 'Before the crash');
    const { page, problems, close } = await openWidget(visitor, group, 1);
    try {
      await typeAndSend(page, 'Mine before the crash');
      await whenShowing(page, 2);

      // Every request of the page waits, from before the kill until the server is back, so the widget's
      // reconnect attempts (the token provider's login, then the negotiation) find the server up instead
      // of a closed port, and the message below is sent while the widget is off the hub.
      const held = await holdRequests(page, () => true);
      await seed.kill();
      await page.waitForFunction(() => document.querySelector('support-chat').status === 'reconnecting');
      await seed.start();
      await held.firstArrived;
      // The token issued before the crash still works: the signing key and the users survived it.
      await postAs(agent, group, 'While the widget was away');
      await held.release();

      await whenShowing(page, 3);
      const server = await serverMessages(visitor, group);
      assert.deepEqual(
        server.map(m => m.text),
        ['Before the crash', 'Mine before the crash', 'While the widget was away'],
      );
      assert.deepEqual(await shown(page), server);
      // The crash is reported by the widget (status, banner, event), never as a console error.
      assert.deepEqual(problems, []);
    } finally {
      await close();
    }
  });
});
