// Rendering under load, in Chromium against the real reference server: a burst of pushes, and a very long
// conversation. The same burst and the same history go to Deep Chat (npm `deep-chat`) in the same run, fed
// by a plain SignalR connection to the same server, as a peer baseline.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const FRAME_MS = 1000 / 60;

/** Files the bench pages load from the server's origin, so `script-src 'self'` holds for them too. */
const benchFiles = {
  '/bench/signalr.js': () => readFileSync(require.resolve('@microsoft/signalr/dist/browser/signalr.min.js')),
  '/bench/deep-chat.js': () => readFileSync(require.resolve('deep-chat/dist/deepChat.bundle.js')),
};

async function json(url, options) {
  const response = await fetch(url, options);
  if (!response.ok) throw new Error(`${options?.method ?? 'GET'} ${url}: ${response.status}`);
  return response.json();
}

/** A visitor and their conversation, and an agent token to post in it. */
export async function newConversation(server, agent) {
  const visitor = await json(`${server.url}/visitors`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
  const { token } = await json(`${server.url}/users/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(agent),
  });
  return { groupId: String(visitor.groupId), visitorToken: visitor.token, agentToken: token };
}

function post(server, conversation, message) {
  return fetch(`${server.url}/chats/${conversation.groupId}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${conversation.agentToken}` },
    body: JSON.stringify({ groupId: conversation.groupId, message }),
  }).then(response => {
    if (!response.ok) throw new Error(`POST /chats: ${response.status}`);
  });
}

/** `count` messages, `parallel` at a time: history for the long-conversation runs. */
export async function fill(server, conversation, count, parallel = 16) {
  let next = 0;
  const worker = async () => {
    while (next < count) await post(server, conversation, `history ${++next}`);
  };
  await Promise.all(Array.from({ length: parallel }, worker));
}

/** A blank page on the server's origin that has loaded the given scripts. */
async function benchPage(browser, server, scripts) {
  const page = await browser.newPage({ viewport: { width: 420, height: 640 } });
  await page.route(`${server.url}/bench/**`, route => {
    const file = benchFiles[new URL(route.request().url()).pathname];
    return file ? route.fulfill({ contentType: 'text/javascript', body: file() }) : route.fulfill({ status: 404 });
  });
  await page.goto(`${server.url}/health`);
  await page.setContent(`<!doctype html><body style="margin:0;height:100vh">${scripts}</body>`);
  return page;
}

/** The built widget, inline, in the conversation. */
async function ourWidget(browser, server, conversation) {
  const page = await benchPage(browser, server, '<script type="module" src="/dist/support-chat.js"></script>');
  await page.waitForFunction(() => customElements.get('support-chat'));
  return {
    page,
    mount: () =>
      page.evaluate(
        ([hubUrl, groupId, token]) => {
          window.__mountedAt = performance.now();
          const widget = document.createElement('support-chat');
          widget.mode = 'inline';
          widget.hubUrl = hubUrl;
          widget.group = groupId;
          widget.tokenProvider = () => token;
          document.body.append(widget);
          window.__root = () => widget.shadowRoot;
          window.__shown = () => widget.shadowRoot.querySelectorAll('.message').length;
          window.__last = () => [...widget.shadowRoot.querySelectorAll('.message .text')].at(-1)?.textContent;
          window.__held = () => widget.messages.length;
          window.__lastHeld = () => widget.messages.at(-1)?.text;
          window.__ready = () => widget.status === 'connected';
        },
        [`${server.url}/hubs/groupchat`, conversation.groupId, conversation.visitorToken],
      ),
  };
}

/** Deep Chat, fed by a plain SignalR connection: history by REST, then every push as it arrives. */
async function deepChat(browser, server, conversation) {
  const page = await benchPage(
    browser,
    server,
    '<script src="/bench/signalr.js"></script><script type="module" src="/bench/deep-chat.js"></script>',
  );
  await page.waitForFunction(() => customElements.get('deep-chat') && window.signalR);
  return {
    page,
    mount: () =>
      page.evaluate(
        async ([hubUrl, groupId, token]) => {
          window.__mountedAt = performance.now();
          const headers = { Authorization: `Bearer ${token}` };
          // The whole conversation, page by page from the newest, as Deep Chat takes its history at once.
          const chats = [];
          for (let before = ''; ;) {
            const page = (await (await fetch(`/chats/${groupId}?limit=200${before}`, { headers })).json()).chats;
            chats.unshift(...page);
            if (page.length < 200) break;
            before = `&beforeId=${page[0].id}`;
          }
          window.__fetchedIn = performance.now() - window.__mountedAt;
          const chat = document.createElement('deep-chat');
          chat.style.width = '100%';
          chat.style.height = '100vh';
          chat.history = chats.map(c => ({ role: 'ai', text: c.message }));
          document.body.append(chat);
          let held = chats.length;
          let lastHeld = chats.at(-1)?.message;
          const connection = new window.signalR.HubConnectionBuilder()
            .withUrl(hubUrl, { accessTokenFactory: () => token })
            .configureLogging(window.signalR.LogLevel.Error)
            .build();
          connection.on('ReceiveMessage', message => {
            held++;
            lastHeld = message.message;
            chat.addMessage({ role: 'ai', text: message.message });
          });
          await connection.start();
          await connection.invoke('JoinGroup', groupId);
          const texts = () => chat.shadowRoot?.querySelectorAll('.message-bubble') ?? [];
          window.__root = () => chat.shadowRoot;
          window.__shown = () => texts().length;
          window.__last = () => [...texts()].at(-1)?.textContent?.trim();
          window.__held = () => held;
          window.__lastHeld = () => lastHeld;
          window.__ready = () => connection.state === 'Connected';
        },
        [`${server.url}/hubs/groupchat`, conversation.groupId, conversation.agentToken],
      ),
  };
}

/** Long tasks and frames from now on, read back by `stopWatching`. */
const startWatching = page =>
  page.evaluate(() => {
    const watch = { longTasks: [], frames: [], running: true, startedAt: performance.now() };
    window.__watch = watch;
    watch.observer = new PerformanceObserver(list => {
      for (const entry of list.getEntries()) watch.longTasks.push(entry.duration);
    });
    watch.observer.observe({ type: 'longtask' });
    const frame = time => {
      watch.frames.push(time);
      if (watch.running) requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
  });

const stopWatching = page =>
  page.evaluate(frameMs => {
    const watch = window.__watch;
    watch.running = false;
    watch.observer.disconnect();
    let dropped = 0;
    for (let i = 1; i < watch.frames.length; i++) dropped += Math.max(0, Math.round((watch.frames[i] - watch.frames[i - 1]) / frameMs) - 1);
    return { longestTask: Math.max(0, ...watch.longTasks), longTasks: watch.longTasks.length, dropped, frames: watch.frames.length };
  }, FRAME_MS);

/**
 * `count` agent messages posted within one second; measured in the page from the first post to the frame
 * after the last message is in the DOM, with the long tasks and dropped frames in between.
 */
async function burstIn(client, server, conversation, count) {
  await client.mount();
  await client.page.waitForFunction(() => window.__ready());
  await client.page.waitForTimeout(500);
  const before = await client.page.evaluate(() => window.__held());
  await startWatching(client.page);
  const started = performance.now();
  await Promise.all(
    Array.from({ length: count }, (_, i) =>
      new Promise(resolve => setTimeout(resolve, (i * 1000) / count)).then(() => post(server, conversation, `burst ${i + 1}`)),
    ),
  );
  const postedIn = performance.now() - started;
  await client.page
    .waitForFunction(expected => window.__held() >= expected && window.__last() === window.__lastHeld(), before + count, {
      timeout: 60_000,
      polling: 'raf',
    })
    .catch(async error => {
      const state = await client.page.evaluate(() => ({ held: window.__held(), shown: window.__shown(), last: window.__last() }));
      throw new Error(`the burst never finished rendering: ${JSON.stringify(state)}`, { cause: error });
    });
  const renderedAt = await client.page.evaluate(
    () => new Promise(resolve => requestAnimationFrame(() => resolve(performance.now() - window.__watch.startedAt))),
  );
  const frames = await stopWatching(client.page);
  const dom = await client.page.evaluate(() => window.__root().querySelectorAll('*').length);
  return { count, postedIn, renderedIn: renderedAt, dom, ...frames };
}

/** Opening a conversation of `count` messages: first paint, DOM size and heap; for ours, also after paging through all of it. */
async function historyIn(client, count, pageThrough) {
  const cdp = await client.page.context().newCDPSession(client.page);
  await client.mount();
  await client.page.waitForFunction(() => window.__shown() > 0, null, { timeout: 120_000, polling: 'raf' });
  const firstPaint = await client.page.evaluate(
    () => new Promise(resolve => requestAnimationFrame(() => resolve(performance.now() - window.__mountedAt))),
  );
  const heap = async () => {
    await cdp.send('HeapProfiler.collectGarbage');
    return (await cdp.send('Runtime.getHeapUsage')).usedSize;
  };
  const opened = {
    firstPaint,
    fetchedIn: await client.page.evaluate(() => window.__fetchedIn),
    dom: await client.page.evaluate(() => window.__root().querySelectorAll('*').length),
    heap: await heap(),
    held: await client.page.evaluate(() => window.__held()),
  };
  if (!pageThrough) return { count, opened };
  // Scroll to the top again and again, as a reader going back to the start would.
  const started = performance.now();
  let maxDom = 0;
  while ((await client.page.evaluate(() => window.__held())) < count) {
    maxDom = Math.max(maxDom, await client.page.evaluate(() => window.__root().querySelectorAll('*').length));
    await client.page.evaluate(() => {
      const log = window.__root().querySelector('.log');
      log.scrollTop = 0;
    });
    await client.page.waitForTimeout(20);
  }
  const pagedIn = performance.now() - started;
  const all = { pagedIn, dom: await client.page.evaluate(() => window.__root().querySelectorAll('*').length), maxDom, heap: await heap() };
  return { count, opened, all };
}

/** `peer: false` measures support-chat alone (a comparison of two of its builds needs no Deep Chat). */
export async function renderRuns({ browser, server, agent, burst, history, peer = true }) {
  const widgets = [['support-chat', ourWidget, true], ...(peer ? [['Deep Chat', deepChat, false]] : [])];
  const results = {};
  for (const [name, make] of widgets) {
    const conversation = await newConversation(server, agent);
    const client = await make(browser, server, conversation);
    results[name] = { burst: await burstIn(client, server, conversation, burst) };
    await client.page.close();
  }
  const long = await newConversation(server, agent);
  await fill(server, long, history);
  for (const [name, make, pageThrough] of widgets) {
    const client = await make(browser, server, long);
    results[name].history = await historyIn(client, history, pageThrough);
    await client.page.close();
  }
  return results;
}
