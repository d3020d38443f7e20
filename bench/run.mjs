// `npm run bench`: measures the built widget against the real reference server in Chromium, prints
// the figures and writes them, with method and machine, to BENCHMARKS.md.
import { cpus, totalmem } from 'node:os';
import { readFileSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { rollup } from 'rollup';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import { chromium } from 'playwright-core';
import { chromiumArgs, chromiumPath } from '../scripts/chromium.mjs';
import { AGENT, ReferenceServer } from '../scripts/reference-server.mjs';
import { startPostgres, startRedis } from '../scripts/services.mjs';
import { randomBytes } from 'node:crypto';
import { fanOut } from './fanout.mjs';

const LATENCY_MESSAGES = 200;
const FAN_OUT_CLIENTS = [200, 500, 1000];
const WARM_UP = 10;

const kb = bytes => `${(bytes / 1024).toFixed(1)} KB`;
const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

/** The dependencies alone (Lit, SignalR), bundled and minified exactly as the widget is: the floor. */
async function dependencyFloor() {
  const bundle = await rollup({
    input: 'floor',
    // The same notice the widget build prints about a comment in SignalR's sources; it changes nothing.
    onwarn: (warning, warn) => warning.code !== 'INVALID_ANNOTATION' && warn(warning),
    plugins: [
      {
        name: 'floor-entry',
        resolveId: id => (id === 'floor' ? id : null),
        load: id => (id === 'floor' ? "export * from 'lit'; export * from '@microsoft/signalr';" : null),
      },
      nodeResolve({ browser: true }),
      terser({ ecma: 2022, module: true, format: { comments: false } }),
    ],
  });
  const { output } = await bundle.generate({ format: 'es' });
  return Buffer.from(output[0].code);
}

function sizeRow(name, code) {
  return { name, minified: code.length, gzip: gzipSync(code, { level: 9 }).length };
}

async function latency(server) {
  const browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
  try {
    const page = await browser.newPage();
    // The demo shop: the widget as a customer's site embeds it, token from POST /visitors.
    await page.goto(`${server.url}/`);
    await page.waitForFunction(() => document.querySelector('support-chat')?.status === 'connected');
    await page.evaluate(() => document.querySelector('support-chat').show());
    // The first history request has answered once the empty-state text or a list is there.
    await page.waitForFunction(() => document.querySelector('support-chat').shadowRoot.querySelector('.log'));

    return await page.evaluate(
      async ({ agent, count, warmUp }) => {
        const widget = document.querySelector('support-chat');
        const login = await fetch('/users/login', {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify(agent),
        });
        const { token } = await login.json();
        const groups = await (await fetch('/groups', { headers: { Authorization: `Bearer ${token}` } })).json();
        const groupId = groups.groups[0].id;

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
          if (n >= warmUp) samples.push(end - start);
        }
        return samples;
      },
      { agent: AGENT, count: LATENCY_MESSAGES, warmUp: WARM_UP },
    );
  } finally {
    await browser.close();
  }
}

const widget = sizeRow('dist/support-chat.js (the script-tag widget)', readFileSync('dist/support-chat.js'));
const floor = sizeRow('Lit + @microsoft/signalr alone (the floor)', await dependencyFloor());

const server = await new ReferenceServer().start();
let samples;
try {
  samples = (await latency(server)).sort((a, b) => a - b);
} finally {
  await server.stop();
}
const [p50, p95, p99] = [50, 95, 99].map(p => percentile(samples, p));

/** A page on the server's origin with the built widget watching the fan-out conversation as an agent. */
async function watcher(browser, server) {
  const page = await browser.newPage();
  await page.goto(`${server.url}/health`);
  await page.setContent('<!doctype html><script type="module" src="/dist/support-chat.js"></script>');
  await page.waitForFunction(() => customElements.get('support-chat'));
  return async (groupId, token) => {
    await page.evaluate(
      ([group, agentToken, hubUrl]) => {
        document.querySelector('support-chat')?.remove();
        const widget = document.createElement('support-chat');
        widget.mode = 'inline';
        widget.hubUrl = hubUrl;
        widget.group = group;
        widget.tokenProvider = () => agentToken;
        document.body.append(widget);
      },
      [groupId, token, `${server.url}/hubs/groupchat`],
    );
    await page.waitForFunction(() => document.querySelector('support-chat').status === 'connected');
  };
}

/** One instance, then two sharing PostgreSQL and the Redis backplane: same engines, same run. */
async function fanOutRuns() {
  const [redis, postgres] = await Promise.all([startRedis(), startPostgres()]);
  const env = {
    SUPPORTCHAT_POSTGRES: postgres.connectionString,
    SUPPORTCHAT_REDIS: redis.connectionString,
    SUPPORTCHAT_JWT_KEY: randomBytes(32).toString('base64'),
  };
  const a = new ReferenceServer({ env: { ...env, SUPPORTCHAT_INSTANCE: 'a' } });
  const b = new ReferenceServer({ env: { ...env, SUPPORTCHAT_INSTANCE: 'b' } });
  const browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
  const results = [];
  try {
    await a.start();
    await b.start();
    const watch = await watcher(browser, a);
    for (const clients of FAN_OUT_CLIENTS) {
      for (const servers of [[a], [a, b]]) results.push(await fanOut({ servers, clients, agent: AGENT, watch }));
    }
  } finally {
    await browser.close();
    await Promise.all([a.stop(), b.stop()]);
    await Promise.all([redis.stop(), postgres.stop()]);
  }
  return results;
}

const fanOutResults = await fanOutRuns();

const sizeTable = [widget, floor].map(r => `| ${r.name} | ${kb(r.minified)} | ${kb(r.gzip)} |`).join('\n');
const report = `# Benchmarks

Written by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)}. Everything below was measured in one run.

Machine: ${cpus().length} cores (${cpus()[0].model.trim()}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, Debian Chromium (headless).

## Size

Built files, minified by terser, gzip level 9. The floor is Lit and the SignalR client alone, bundled the same way.

| file | minified | gzip |
| --- | --- | --- |
${sizeTable}

## Delivery latency: agent POST → message in the widget's shadow DOM

The demo shop page (\`/\`), served by the reference server on 127.0.0.1 with its SQLite database, its widget
connected over WebSockets. From inside that page an agent posts ${LATENCY_MESSAGES} messages one after another
(${WARM_UP} more before them as warm-up, not counted); each sample runs from just before the \`fetch\` to the
moment a \`MutationObserver\` on the widget's shadow root sees the bubble with that text added. Both ends read the
same clock (\`performance.now()\`).

| messages | p50 | p95 | p99 | max |
| --- | --- | --- | --- | --- |
| ${samples.length} | ${p50.toFixed(1)} ms | ${p95.toFixed(1)} ms | ${p99.toFixed(1)} ms | ${samples.at(-1).toFixed(1)} ms |

## Fan-out: one conversation, many connections

${FAN_OUT_CLIENTS.join(', ')} SignalR clients (Node, \`@microsoft/signalr\`, WebSockets) join one conversation; the built widget
watches it from Chromium; an agent posts 30 messages, each once every client has the one before. A sample is
one client's delay from just before the POST to the push arriving (one clock: the bench process). Both setups
use PostgreSQL and the Redis backplane; with two instances, clients are spread evenly and the agent posts to
each in turn, so half the pushes cross the backplane. CPU is the server process's CPU time over the wall time
of the posting (1.00 = one core), memory its resident size after.

| clients | instances | delivered | p50 | p95 | p99 | server CPU | server memory |
| --- | --- | --- | --- | --- | --- | --- | --- |
${fanOutResults
  .map(
    r =>
      `| ${r.clients} | ${r.instances} | ${r.delivered} of ${r.expected} | ${r.p50.toFixed(1)} ms | ${r.p95.toFixed(1)} ms | ${r.p99.toFixed(1)} ms | ${r.servers.map(x => x.cpu.toFixed(2)).join(' + ')} | ${r.servers.map(x => `${(x.rss / 2 ** 20).toFixed(0)} MiB`).join(' + ')} |`,
  )
  .join('\n')}
`;

writeFileSync('BENCHMARKS.md', report);
console.log(report);
