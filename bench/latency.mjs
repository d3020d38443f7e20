// Delivery latency in the demo shop page: an agent posts, one message after another (`gapMs` apart: 0 for
// rapid fire, 100 or more for messages after a quiet moment); each sample ends when the bubble is in the
// widget's shadow DOM. POST → DOM from the fetch, push → DOM from the WebSocket frame, push → frame until the
// first frame after the bubble was added has been drawn (a `requestAnimationFrame`, then the task after it).
// The agent posts from inside the page (as the agent console would), or with `from: 'node'` from the bench
// process, outside the browser: Chromium's own fetch costs several ms of process hops on this machine.
import { chromium } from 'playwright-core';
import { chromiumArgs, chromiumPath } from '../scripts/chromium.mjs';
import { AGENT } from '../scripts/reference-server.mjs';

/** The time on the clock both processes share: milliseconds since the epoch, in fractions. */
const clock = () => performance.timeOrigin + performance.now();

export async function latency(server, { count, warmUp, gapMs = 0, from = 'page' }) {
  const browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
  try {
    const page = await browser.newPage();
    // When each probe's push reaches the page: its WebSocket frame, before SignalR parses it.
    await page.addInitScript(() => {
      window.__frames = new Map();
      const Native = WebSocket;
      window.WebSocket = class extends Native {
        constructor(...args) {
          super(...args);
          this.addEventListener('message', event => {
            if (typeof event.data !== 'string') return;
            for (const [probe] of event.data.matchAll(/latency probe \d+/g)) window.__frames.set(probe, performance.now());
          });
        }
      };
    });
    // The demo shop: the widget as a customer's site embeds it, token from POST /visitors.
    await page.goto(`${server.url}/`);
    await page.waitForFunction(() => document.querySelector('support-chat')?.status === 'connected');
    await page.evaluate(() => document.querySelector('support-chat').show());
    // The first history request has answered once the empty-state text or a list is there.
    await page.waitForFunction(() => document.querySelector('support-chat').shadowRoot.querySelector('.log'));

    const { token, groupId } = await page.evaluate(async agent => {
      const widget = document.querySelector('support-chat');
      const login = await fetch('/users/login', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(agent),
      });
      const { token } = await login.json();
      // This page's own conversation: its visitor cookie gets the same one back (other runs may have made others).
      const { groupId } = await (await fetch('/visitors', { method: 'POST' })).json();

      /**
       * Resolves when the bubble with this text is added to the shadow DOM: that moment and the push's, on
       * the page's clock, and the shared clock's moment after the next frame has been drawn.
       */
      window.__arrival = text =>
        new Promise(resolve => {
          // Only added nodes are looked at, so the cost of watching does not grow with the list.
          const observer = new MutationObserver(records => {
            for (const record of records) {
              for (const node of record.addedNodes) {
                if (node.nodeType === Node.ELEMENT_NODE && node.querySelector?.('.text')?.textContent === text) {
                  observer.disconnect();
                  const added = performance.now();
                  requestAnimationFrame(() => {
                    const channel = new MessageChannel();
                    channel.port1.onmessage = () =>
                      resolve({
                        added,
                        frame: window.__frames.get(text),
                        drawn: performance.now(),
                        addedAt: performance.timeOrigin + added,
                      });
                    channel.port2.postMessage(undefined);
                  });
                  return;
                }
              }
            }
          });
          observer.observe(widget.shadowRoot, { childList: true, subtree: true });
        });
      window.__post = text =>
        fetch(`/chats/${groupId}`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
          body: JSON.stringify({ groupId: String(groupId), message: text }),
        });
      return { token, groupId };
    }, AGENT);

    const samples = [];
    for (let n = 0; n < count + warmUp; n++) {
      const text = `latency probe ${n}`;
      let sample;
      if (from === 'node') {
        await page.evaluate(text => void (window.__pending = window.__arrival(text)), text);
        const start = clock();
        const response = await fetch(`${server.url}/chats/${groupId}`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
          body: JSON.stringify({ groupId: String(groupId), message: text }),
        });
        await response.arrayBuffer();
        const end = await page.evaluate(() => window.__pending);
        sample = { post: end.addedAt - start, push: end.added - end.frame, drawn: end.drawn - end.frame };
        if (gapMs > 0) {
          // The floor under POST → DOM from here: one HTTP round trip to the same server doing nothing.
          const pinged = clock();
          await (await fetch(`${server.url}/health`)).text();
          sample.rtt = clock() - pinged;
        }
      } else {
        sample = await page.evaluate(
          async ({ text, gapMs }) => {
            const arrived = window.__arrival(text);
            const start = performance.now();
            await window.__post(text);
            const end = await arrived;
            const sample = { post: end.added - start, push: end.added - end.frame, drawn: end.drawn - end.frame };
            if (gapMs > 0) {
              // The floor under POST → DOM, in the quiet: one HTTP round trip to the same server doing nothing.
              const pinged = performance.now();
              await (await fetch('/health')).text();
              sample.rtt = performance.now() - pinged;
            }
            return sample;
          },
          { text, gapMs },
        );
      }
      // A quiet moment before the next one, as between the messages of a conversation.
      if (gapMs > 0) await new Promise(resolve => setTimeout(resolve, gapMs));
      if (n >= warmUp) samples.push(sample);
    }
    return samples;
  } finally {
    await browser.close();
  }
}
