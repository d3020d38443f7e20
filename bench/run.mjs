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
import { latency } from './latency.mjs';
import { renderRuns } from './render.mjs';
import { keptBlocks } from './sections.mjs';
import { allFiles, firstPayload, gzipBytes, minifiedBytes } from '../scripts/size.mjs';

const LATENCY_MESSAGES = 500;
const BURST = 1000;
const HISTORY = 10_000;
const FAN_OUT_CLIENTS = [200, 500, 1000];
const WARM_UP = 10;
// Messages after a quiet moment, as in a conversation: each posted this long after the one before is shown.
const QUIET_MESSAGES = 100;
const QUIET_GAP_MS = 150;

const kb = bytes => `${(bytes / 1024).toFixed(1)} KB`;
const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

/** Dependencies alone, bundled and minified exactly as the widget is: the floor under what it can weigh. */
async function dependencyFloor(source) {
  const bundle = await rollup({
    input: 'floor',
    // The same notice the widget build prints about a comment in SignalR's sources; it changes nothing.
    onwarn: (warning, warn) => warning.code !== 'INVALID_ANNOTATION' && warn(warning),
    plugins: [
      {
        name: 'floor-entry',
        resolveId: id => (id === 'floor' ? id : null),
        load: id => (id === 'floor' ? source : null),
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

const deepChatVersion = JSON.parse(readFileSync('node_modules/deep-chat/package.json', 'utf8')).version;
const fileRows = [...allFiles(), 'support-chat.classic.js'].map(file => ({
  name: `dist/${file}`,
  minified: minifiedBytes(file),
  gzip: gzipBytes(file),
}));
const totalRow = (name, files) => ({
  name,
  minified: files.reduce((sum, file) => sum + minifiedBytes(file), 0),
  gzip: files.reduce((sum, file) => sum + gzipBytes(file), 0),
});
const firstRow = totalRow('**first payload** (script tag, launcher drawn)', firstPayload());
const allRow = totalRow('**everything** the widget can load', allFiles());
const litFloor = sizeRow('floor of the first payload: Lit alone', await dependencyFloor("export * from 'lit';"));
const floor = sizeRow(
  'floor of everything: Lit + @microsoft/signalr',
  await dependencyFloor("export * from 'lit'; export * from '@microsoft/signalr';"),
);

// Agents may post a burst and a long history at once here.
const server = await new ReferenceServer({ env: { SUPPORTCHAT_AGENT_SEND_LIMIT: '1000000' } }).start();
let latencySamples;
let quietSamples;
let rendering;
try {
  latencySamples = await latency(server, { count: LATENCY_MESSAGES, warmUp: WARM_UP });
  quietSamples = await latency(server, { count: QUIET_MESSAGES, warmUp: WARM_UP, gapMs: QUIET_GAP_MS });
  const browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
  try {
    rendering = await renderRuns({ browser, server, agent: AGENT, burst: BURST, history: HISTORY });
  } finally {
    await browser.close();
  }
} finally {
  await server.stop();
}
const spread = values => {
  const sorted = [...values].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p95: percentile(sorted, 95), p99: percentile(sorted, 99), max: sorted.at(-1) };
};
const postLatency = spread(latencySamples.map(s => s.post));
const pushLatency = spread(latencySamples.map(s => s.push));
const quietPost = spread(quietSamples.map(s => s.post));
const quietPush = spread(quietSamples.map(s => s.push));

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

const ms = value => `${value.toFixed(1)} ms`;
const sizeTable = [...fileRows, firstRow, litFloor, allRow, floor].map(r => `| ${r.name} | ${kb(r.minified)} | ${kb(r.gzip)} |`).join('\n');
const latencyRow = (what, l, count = latencySamples.length) =>
  `| ${what} | ${count} | ${ms(l.p50)} | ${ms(l.p95)} | ${ms(l.p99)} | ${ms(l.max)} |`;
const burstRow = (name, b) =>
  `| ${name} | ${b.count} in ${ms(b.postedIn)} | ${ms(b.renderedIn)} | ${ms(b.longestTask)} (${b.longTasks}) | ${b.dropped} of ${b.frames + b.dropped} | ${b.dom} |`;
const mib = bytes => `${(bytes / 2 ** 20).toFixed(1)} MiB`;
const ours = rendering['support-chat'];
const peer = rendering['Deep Chat'];
const report = `# Benchmarks

Written by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)}. Everything below was measured in one run.

Machine: ${cpus().length} cores (${cpus()[0].model.trim()}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, Debian Chromium (headless).

## Size

Built files, minified by terser, gzip level 9. The script tag loads \`support-chat.js\`, which draws the launcher;
the chunk with the connection, the conversation and the panel follows on idle, hover, focus or open (at once for
a visitor who has a conversation). \`support-chat.classic.js\` only loads the module build beside it. The floors
are the dependencies alone, bundled the same way. No message needs HTML yet, so DOMPurify is not in any file.

| file | minified | gzip |
| --- | --- | --- |
${sizeTable}

## Delivery latency

The demo shop page (\`/\`), served by the reference server on 127.0.0.1 with its SQLite database, its widget
connected over WebSockets. From inside that page an agent posts ${LATENCY_MESSAGES} messages one after another
(${WARM_UP} more before them as warm-up, not counted). Each sample ends when a \`MutationObserver\` on the
widget's shadow root sees the bubble with that text added. *POST → DOM* starts just before the \`fetch\`;
*push → DOM* starts when the push's WebSocket frame reaches the page (a listener on the socket, before
SignalR's own). All times on the page's clock (\`performance.now()\`). *Rapid fire*: each message posted as soon as
the one before is shown; *after a quiet moment*: ${QUIET_MESSAGES} more, each ${QUIET_GAP_MS} ms after the one before is shown, as in a conversation.

| path | messages | p50 | p95 | p99 | max |
| --- | --- | --- | --- | --- | --- |
${latencyRow('agent POST → DOM, rapid fire', postLatency)}
${latencyRow('hub push → DOM, rapid fire', pushLatency)}
${latencyRow('agent POST → DOM, after a quiet moment', quietPost, quietSamples.length)}
${latencyRow('hub push → DOM, after a quiet moment', quietPush, quietSamples.length)}

## A burst of ${BURST} messages

Each widget alone in a 420 × 640 page on the server's origin, in its own conversation. The bench process posts
${BURST} agent messages spread over one second (the server's SQLite takes what it can; the first column says
how long the posting took). Measured in the page from the first post until the frame after the last message
is in the DOM: the longest main-thread task (\`PerformanceObserver\`, long tasks over 50 ms, with their number)
and the frames dropped (gaps in a \`requestAnimationFrame\` loop, counted at 60 Hz). The peer is Deep Chat
${deepChatVersion} (npm \`deep-chat\`, its bundle), fed by a plain SignalR connection in the page, one
\`addMessage\` per push. Same browser, same server, same run.

| widget | posted | all rendered after | longest task (count) | frames dropped | DOM elements after |
| --- | --- | --- | --- | --- | --- |
${burstRow('support-chat', ours.burst)}
${burstRow(`Deep Chat ${deepChatVersion}`, peer.burst)}

## A conversation of ${HISTORY.toLocaleString('en')} messages

One conversation with ${HISTORY.toLocaleString('en')} messages. *First paint* runs from adding the element to the
frame after the first bubbles are in the DOM (connecting and the history request included). The heap is
Chromium's used JS heap after a forced garbage collection. support-chat asks for the newest page (50) and pages
back on scrolling up (\`beforeId\`, 50 at a time); the bench then scrolls to the top again and again until it
holds all ${HISTORY.toLocaleString('en')} messages. Deep Chat takes the whole conversation as its \`history\`,
fetched in pages of 200 before it is created; its first paint includes that fetching (${ms(peer.history.opened.fetchedIn)} of it here).

| widget | messages held | first paint | DOM elements | JS heap |
| --- | --- | --- | --- | --- |
| support-chat, opened | ${ours.history.opened.held} | ${ms(ours.history.opened.firstPaint)} | ${ours.history.opened.dom} | ${mib(ours.history.opened.heap)} |
| support-chat, paged back to the first message | ${HISTORY} (in ${(ours.history.all.pagedIn / 1000).toFixed(1)} s) | | ${ours.history.all.dom} (at most ${ours.history.all.maxDom} on the way) | ${mib(ours.history.all.heap)} |
| Deep Chat ${deepChatVersion}, opened | ${peer.history.opened.held} | ${ms(peer.history.opened.firstPaint)} | ${peer.history.opened.dom} | ${mib(peer.history.opened.heap)} |

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

writeFileSync('BENCHMARKS.md', [report, ...keptBlocks()].join('\n'));
console.log(report);
