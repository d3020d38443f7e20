// The widget's own cost, in Chromium against the real reference server: from adding the element to
// connected, the JS heap after garbage collection with 1 and with 10 widgets on a page, and the main
// thread's time per 100 messages received. Also delivery latency when messages come after a quiet moment,
// beside rapid fire. `npm run budget` checks the first two against budgets (scripts/budget.mjs).
import { AGENT } from '../scripts/reference-server.mjs';
import { percentile } from './fanout.mjs';

async function json(url, options) {
  const response = await fetch(url, options);
  if (!response.ok) throw new Error(`${options?.method ?? 'GET'} ${url}: ${response.status}`);
  return response.json();
}

const newVisitor = server => json(`${server.url}/visitors`, { method: 'POST' });

const spread = values => {
  const sorted = [...values].sort((a, b) => a - b);
  return { count: sorted.length, p50: percentile(sorted, 50), p95: percentile(sorted, 95), max: sorted.at(-1) };
};

/** A blank page on the server's origin with the built widget's script tag, and a CDP session on it. */
async function blankPage(browser, server) {
  const page = await browser.newPage();
  await page.goto(`${server.url}/health`);
  await page.setContent('<!doctype html><script type="module" src="/dist/support-chat.js"></script>');
  await page.waitForFunction(() => customElements.get('support-chat'));
  await page.evaluate(() => {
    /** Adds an inline widget in a visitor's conversation; resolves with ms from append to `connected`. */
    window.__mount = (hubUrl, group, token) =>
      new Promise(resolve => {
        const widget = document.createElement('support-chat');
        widget.mode = 'inline';
        widget.hubUrl = hubUrl;
        widget.group = String(group);
        widget.tokenProvider = () => token;
        const started = performance.now();
        widget.addEventListener('support-chat-status-change', function connected() {
          if (widget.status !== 'connected') return;
          widget.removeEventListener('support-chat-status-change', connected);
          resolve(performance.now() - started);
        });
        document.body.append(widget);
      });
  });
  const cdp = await page.context().newCDPSession(page);
  const heap = async () => {
    await cdp.send('HeapProfiler.collectGarbage');
    return (await cdp.send('Runtime.getHeapUsage')).usedSize;
  };
  return { page, cdp, heap };
}

/**
 * Element added → connected, `samples` times on one page (each widget removed before the next); the first
 * also loads the lazy chunk, so it is reported on its own. Then, on a fresh page, the heap after GC with 1
 * and with 10 widgets connected (each in its own conversation), beside the page with the script alone.
 */
export async function widgetCost({ browser, server, samples = 30 }) {
  const hubUrl = `${server.url}/hubs/groupchat`;
  const { page } = await blankPage(browser, server);
  try {
    const times = [];
    for (let i = 0; i <= samples; i++) {
      const visitor = await newVisitor(server);
      times.push(await page.evaluate(([hub, group, token]) => window.__mount(hub, group, token), [hubUrl, visitor.groupId, visitor.token]));
      await page.evaluate(() => document.querySelector('support-chat').remove());
    }
    const [cold, ...warm] = times;
    return { cold, connect: spread(warm), heap: await heapWith(browser, server) };
  } finally {
    await page.close();
  }
}

/** On a fresh page: the heap with the script alone, then with 1 and with 10 widgets connected (the first loads the chunk). */
async function heapWith(browser, server) {
  const { page, heap } = await blankPage(browser, server);
  try {
    const heaps = { none: await heap() };
    for (const count of [1, 10]) {
      while ((await page.evaluate(() => document.querySelectorAll('support-chat').length)) < count) {
        const visitor = await newVisitor(server);
        await page.evaluate(
          ([hub, group, token]) => window.__mount(hub, group, token),
          [`${server.url}/hubs/groupchat`, visitor.groupId, visitor.token],
        );
      }
      heaps[count] = await heap();
    }
    return { none: heaps.none, one: heaps[1], ten: heaps[10] };
  } finally {
    await page.close();
  }
}

/**
 * Main-thread time (CDP `TaskDuration`: every task the renderer's main thread ran) while an open widget
 * receives `count` agent messages, posted by the bench one after another with `gapMs` between them so each
 * is rendered on its own (the dearer case: no batching); per 100 messages. The page is only asked, once,
 * after the last one is in the DOM, so the bench adds nothing to the main thread in between.
 */
export async function mainThreadPer100({ browser, server, count = 200, gapMs = 20 }) {
  const visitor = await newVisitor(server);
  const { token: agentToken } = await json(`${server.url}/users/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(AGENT),
  });
  const { page, cdp } = await blankPage(browser, server);
  try {
    await cdp.send('Performance.enable');
    await page.evaluate(
      ([hub, group, token]) => window.__mount(hub, group, token),
      [`${server.url}/hubs/groupchat`, visitor.groupId, visitor.token],
    );
    const post = n =>
      json(`${server.url}/chats/${visitor.groupId}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${agentToken}` },
        body: JSON.stringify({ groupId: String(visitor.groupId), message: `main thread ${n}` }),
      });
    const shown = text =>
      page.waitForFunction(
        last => [...document.querySelector('support-chat').shadowRoot.querySelectorAll('.text')].some(node => node.textContent === last),
        text,
        { timeout: 60_000 },
      );
    const taskSeconds = async () => (await cdp.send('Performance.getMetrics')).metrics.find(m => m.name === 'TaskDuration').value;
    // One message first, so the list and its styles exist before counting.
    await post('first');
    await shown('main thread first');
    const before = await taskSeconds();
    for (let n = 0; n < count; n++) {
      await post(n);
      await new Promise(resolve => setTimeout(resolve, gapMs));
    }
    await shown(`main thread ${count - 1}`);
    const after = await taskSeconds();
    return { count, msPer100: ((after - before) * 1000 * 100) / count };
  } finally {
    await page.close();
  }
}
