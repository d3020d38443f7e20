// Delivery latency in the demo shop page: an agent posts from inside the page, one message after another
// (`gapMs` apart: 0 for rapid fire, 100 or more for messages after a quiet moment); each sample ends when the
// bubble is in the widget's shadow DOM. POST → DOM from the fetch, push → DOM from the WebSocket frame.
import { chromium } from 'playwright-core';
import { chromiumArgs, chromiumPath } from '../scripts/chromium.mjs';
import { AGENT } from '../scripts/reference-server.mjs';

export async function latency(server, { count, warmUp, gapMs = 0 }) {
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

    return await page.evaluate(
      async ({ agent, count, warmUp, gapMs }) => {
        const widget = document.querySelector('support-chat');
        const login = await fetch('/users/login', {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify(agent),
        });
        const { token } = await login.json();
        // This page's own conversation: its visitor cookie gets the same one back (other runs may have made others).
        const { groupId } = await (await fetch('/visitors', { method: 'POST' })).json();

        /** Resolves with the time the bubble with this text is added to the shadow DOM. */
        const arrival = text =>
          new Promise(resolve => {
            // Only added nodes are looked at, so the cost of watching does not grow with the list.
            const observer = new MutationObserver(records => {
              for (const record of records) {
                for (const node of record.addedNodes) {
                  if (node.nodeType === Node.ELEMENT_NODE && node.querySelector?.('.text')?.textContent === text) {
                    observer.disconnect();
                    resolve(performance.now());
                    return;
                  }
                }
              }
            });
            observer.observe(widget.shadowRoot, { childList: true, subtree: true });
          });

        const samples = [];
        for (let n = 0; n < count + warmUp; n++) {
          const text = `latency probe ${n}`;
          const arrived = arrival(text);
          const start = performance.now();
          await fetch(`/chats/${groupId}`, {
            method: 'POST',
            headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
            body: JSON.stringify({ groupId: String(groupId), message: text }),
          });
          const end = await arrived;
          const sample = { post: end - start, push: end - window.__frames.get(text) };
          if (gapMs > 0) {
            // The floor under POST → DOM, in the quiet: one HTTP round trip to the same server doing nothing.
            const pinged = performance.now();
            await (await fetch('/health')).text();
            sample.rtt = performance.now() - pinged;
            // A quiet moment before the next one, as between the messages of a conversation.
            await new Promise(resolve => setTimeout(resolve, gapMs));
          }
          if (n >= warmUp) samples.push(sample);
        }
        return samples;
      },
      { agent: AGENT, count, warmUp, gapMs },
    );
  } finally {
    await browser.close();
  }
}
