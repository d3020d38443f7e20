// Scale-out on real engines: two reference-server instances sharing PostgreSQL and a blob store (Azurite),
// with the Redis backplane, behind nginx (sticky, and without affinity), plus a negotiate redirect as Azure SignalR Service does.
// Everything runs on 127.0.0.1, started here and stopped after.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { chromium } from 'playwright-core';
import { chromiumArgs, chromiumPath } from '../scripts/chromium.mjs';
import { AGENT, freePort, ReferenceServer } from '../scripts/reference-server.mjs';
import { missingServices, startAzurite, startNginx, startPostgres, startRedis } from '../scripts/services.mjs';

let redis;
let postgres;
let azurite;
let a;
let b;
let sticky;
let roundRobin;
let browser;

const missing = missingServices();

before(async () => {
  assert.deepEqual(
    missing,
    [],
    `Missing for the scale-out tests: ${missing.join(', ')}. Install them with: sudo apt-get install redis-server postgresql nginx`,
  );
  [redis, postgres, azurite] = await Promise.all([startRedis(), startPostgres(), startAzurite()]);
  const [portA, portB, stickyPort, roundRobinPort] = [await freePort(), await freePort(), await freePort(), await freePort()];
  // Pages come through both balancers: their origins are allowed on both instances.
  const balancers = [`http://127.0.0.1:${stickyPort}`, `http://127.0.0.1:${roundRobinPort}`];
  const shared = {
    SUPPORTCHAT_POSTGRES: postgres.connectionString,
    SUPPORTCHAT_REDIS: redis.connectionString,
    SUPPORTCHAT_BLOB: azurite.connectionString,
    // Both instances sign and check tokens with one key, as any farm must.
    SUPPORTCHAT_JWT_KEY: randomBytes(32).toString('base64'),
  };
  // a sends widgets that negotiate at /hubs/redirect on to b, which lets a's pages call it.
  a = new ReferenceServer({
    port: portA,
    origins: balancers,
    env: { ...shared, SUPPORTCHAT_INSTANCE: 'a', SUPPORTCHAT_REDIRECT_TO: `http://127.0.0.1:${portB}/hubs/groupchat` },
  });
  b = new ReferenceServer({
    port: portB,
    origins: [`http://127.0.0.1:${portA}`, ...balancers],
    env: { ...shared, SUPPORTCHAT_INSTANCE: 'b' },
  });
  // One at a time, so the first runs the migrations on the empty database.
  await a.start();
  await b.start();
  [sticky, roundRobin] = await Promise.all([
    startNginx([portA, portB], { balance: 'ip_hash', port: stickyPort }),
    startNginx([portA, portB], { balance: 'round-robin', port: roundRobinPort }),
  ]);
  browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
});

after(async () => {
  await browser?.close();
  await Promise.all([sticky?.stop(), roundRobin?.stop()]);
  await Promise.all([a?.stop(), b?.stop()]);
  await Promise.all([redis?.stop(), postgres?.stop(), azurite?.stop()]);
});

async function agentToken(server) {
  const response = await fetch(`${server.url}/users/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(AGENT),
  });
  return (await response.json()).token;
}

/**
 * Posts straight to one instance, retrying while it is away (no answer, or a 5xx), with one client id so
 * it is stored once. A 4xx is this test's mistake, not an outage: it fails at once.
 */
async function post(server, groupId, message) {
  const token = await agentToken(server);
  for (;;) {
    let response;
    try {
      response = await fetch(`${server.url}/chats/${groupId}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
        body: JSON.stringify({ groupId: String(groupId), message, clientMessageId: `scale-${groupId}-${message}` }),
      });
    } catch {
      // Away; try again.
    }
    if (response?.ok) return;
    if (response && response.status < 500)
      throw new Error(`Posting "${message}" was refused with ${response.status}: ${await response.text()}`);
    // A pause between tries; what is waited for is the instance coming back.
    await new Promise(resolve => setTimeout(resolve, 100));
  }
}

async function stored(server, groupId) {
  const response = await fetch(`${server.url}/chats/${groupId}`, { headers: { Authorization: `Bearer ${await agentToken(server)}` } });
  return (await response.json()).chats.map(c => c.message);
}

const shownTexts = page =>
  page.evaluate(() => [...document.querySelector('support-chat').shadowRoot.querySelectorAll('.message .text')].map(n => n.textContent));

/** The embed page at `origin` (through a balancer or straight to an instance) with one widget. */
async function pageWithWidget(origin, query = '') {
  const context = await browser.newContext();
  const page = await context.newPage();
  const sockets = [];
  page.on('websocket', socket => sockets.push(socket.url()));
  await page.goto(`${origin}/embed.html${query}`);
  await page.waitForFunction(() => document.querySelector('support-chat')?.status === 'connected', null, { timeout: 20_000 });
  return { context, page, sockets };
}

/** Sends one message from the widget, which tells the conversation the visitor got. */
async function startConversation(page) {
  await page.locator('support-chat textarea').fill('Hello from behind the balancer');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.querySelector('support-chat').messages[0]?.state === 'sent');
  return page.evaluate(() => document.querySelector('support-chat').messages[0].groupId);
}

async function waitForCount(page, count, timeout = 25_000) {
  await page.waitForFunction(n => document.querySelector('support-chat').messages.length >= n, count, { timeout });
}

describe('two instances on PostgreSQL and the Redis backplane, behind nginx', () => {
  it('with sticky sessions, a message posted on either instance reaches the widget, and both instances hold it once', async () => {
    const { context, page, sockets } = await pageWithWidget(sticky.url);
    try {
      // A WebSocket through the balancer, not a quiet fallback to another transport.
      assert.ok(sockets.length > 0 && sockets.every(url => url.startsWith(sticky.url.replace('http', 'ws'))), sockets.join(', '));
      const groupId = await startConversation(page);
      const texts = Array.from({ length: 10 }, (_, i) => `across ${i + 1}`);
      for (const [i, text] of texts.entries()) await post(i % 2 === 0 ? a : b, groupId, text);
      await waitForCount(page, 11);

      const expected = ['Hello from behind the balancer', ...texts];
      assert.deepEqual(await shownTexts(page), expected);
      assert.deepEqual(await stored(a, groupId), expected);
      assert.deepEqual(await stored(b, groupId), expected);
    } finally {
      await context.close();
    }
  });

  it('losing the instance a visitor is connected to: the widget moves to the other through nginx, re-joins and catches up, nothing lost or twice', async () => {
    const { context, page } = await pageWithWidget(sticky.url);
    try {
      const groupId = await startConversation(page);
      // Every client here is 127.0.0.1, so this request sticks to the same instance as the browser.
      const pinned = (await (await fetch(`${sticky.url}/health`)).json()).instance;
      const [lost, survivor] = pinned === 'a' ? [a, b] : [b, a];

      await post(survivor, groupId, 'before the loss');
      await waitForCount(page, 2);
      await lost.kill();
      for (const n of [1, 2, 3, 4, 5]) await post(survivor, groupId, `after the loss ${n}`);
      await waitForCount(page, 7);
      await page.waitForFunction(() => document.querySelector('support-chat').status === 'connected');
      await post(survivor, groupId, 'live again');
      await waitForCount(page, 8);

      const texts = await shownTexts(page);
      assert.deepEqual(texts, [
        'Hello from behind the balancer',
        'before the loss',
        'after the loss 1',
        'after the loss 2',
        'after the loss 3',
        'after the loss 4',
        'after the loss 5',
        'live again',
      ]);
      const ids = await page.evaluate(() => document.querySelector('support-chat').messages.map(m => m.id));
      assert.equal(new Set(ids).size, ids.length);
      assert.equal((await (await fetch(`${sticky.url}/health`)).json()).instance, survivor === a ? 'a' : 'b');
      await lost.start();
    } finally {
      await context.close();
    }
  });

  it('without affinity, WebSockets with skip-negotiation carry messages posted on either instance', async () => {
    const { context, page, sockets } = await pageWithWidget(roundRobin.url, '?skip-negotiation');
    try {
      const groupId = await startConversation(page);
      for (const [i, text] of ['rr 1', 'rr 2', 'rr 3', 'rr 4'].entries()) await post(i % 2 === 0 ? a : b, groupId, text);
      await waitForCount(page, 5);
      assert.deepEqual(await shownTexts(page), ['Hello from behind the balancer', 'rr 1', 'rr 2', 'rr 3', 'rr 4']);
      // Straight to the socket: nothing to negotiate that could land on the other instance.
      const requests = await page.evaluate(() => performance.getEntriesByType('resource').map(e => e.name));
      assert.equal(requests.filter(url => url.includes('/negotiate')).length, 0);
      assert.ok(sockets.length > 0 && sockets.every(url => url.startsWith(roundRobin.url.replace('http', 'ws'))), sockets.join(', '));
    } finally {
      await context.close();
    }
  });

  it('follows a negotiate redirect to another instance, as with Azure SignalR Service', async () => {
    const { context, page, sockets } = await pageWithWidget(a.url, '?hub-url=/hubs/redirect');
    try {
      assert.ok(sockets.length > 0 && sockets.every(url => url.startsWith(`ws://127.0.0.1:${b.port}/hubs/groupchat`)), sockets.join(', '));
      const groupId = await startConversation(page);
      await post(a, groupId, 'posted on a, pushed through b');
      await waitForCount(page, 2);
      assert.deepEqual(await shownTexts(page), ['Hello from behind the balancer', 'posted on a, pushed through b']);
    } finally {
      await context.close();
    }
  });

  it('a file uploaded on one instance is served by the other, from the shared blob store', async () => {
    const visitor = await (
      await fetch(`${a.url}/visitors`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' })
    ).json();
    const auth = { Authorization: `Bearer ${visitor.token}` };
    // A real 4×3 PNG, as a canvas in Chromium draws it.
    const png = Buffer.from(
      'iVBORw0KGgoAAAANSUhEUgAAAAQAAAADCAYAAAC09K7GAAAAKUlEQVR4AVzIMQ0AAAgDQVJL9QSa8ASaIB1Y+OSWB71GihyBvZAdJvcXAAD///bIhRMAAAAGSURBVAMAs/IMy6/meZAAAAAASUVORK5CYII=',
      'base64',
    );
    const form = new FormData();
    form.append('file', new Blob([png], { type: 'image/png' }), 'shot.png');
    const uploaded = await fetch(`${a.url}/chats/${visitor.groupId}/files`, { method: 'POST', headers: auth, body: form });
    assert.equal(uploaded.status, 201, await uploaded.clone().text());
    const file = await uploaded.json();
    const sent = await fetch(`${a.url}/chats/${visitor.groupId}`, {
      method: 'POST',
      headers: { ...auth, 'Content-Type': 'application/json' },
      body: JSON.stringify({ message: 'my screenshot', attachments: [file.id] }),
    });
    assert.equal(sent.status, 200);

    const { chats } = await (await fetch(`${b.url}/chats/${visitor.groupId}`, { headers: auth })).json();
    const [attachment] = chats[0].attachments;
    assert.deepEqual({ ...attachment, url: undefined }, { ...file, url: undefined });
    const served = await fetch(new URL(attachment.url, b.url));
    assert.equal(served.status, 200);
    assert.equal(served.headers.get('content-type'), 'image/png');
    assert.deepEqual(Buffer.from(await served.arrayBuffer()), png);
  });
});
