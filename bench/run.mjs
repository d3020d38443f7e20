// `npm run bench`: measures the built widget against the real reference server in Chromium, prints
// the figures and writes them, with method and machine, to BENCHMARKS.md. Each part that fails prints its
// error in its place and the others still run; BENCHMARKS.md is then left as it was.
// `npm run bench -- --before DIR`: DIR is another checkout with its widget built (DIR/dist); the widget's
// parts (sizes, latency, burst, long conversation) run for that build and this one, alternating, and are
// printed side by side. Deep Chat and the fan-out are left out of such a run and BENCHMARKS.md is not written.
import { cpus, loadavg, totalmem } from 'node:os';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { rollup } from 'rollup';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import { chromium } from 'playwright-core';
import { chromiumArgs, chromiumPath } from '../scripts/chromium.mjs';
import { signalRForBrowsers } from '../scripts/build/signalr-for-browsers.mjs';
import { signalRPrivateNames } from '../scripts/build/signalr-private-names.mjs';
import { AGENT, ReferenceServer } from '../scripts/reference-server.mjs';
import { startPostgres, startRedis } from '../scripts/services.mjs';
import { randomBytes } from 'node:crypto';
import { fanOut } from './fanout.mjs';
import { latency } from './latency.mjs';
import { renderRuns } from './render.mjs';
import { keptBlocks } from './sections.mjs';
import {
  allFiles,
  firstPayload,
  gzipBytes,
  isAttachmentsChunk,
  isFormattingChunk,
  isOnDemandChunk,
  minifiedBytes,
} from '../scripts/size.mjs';

const loadAtStart = loadavg();
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
  const signalRPrivate = signalRPrivateNames();
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
      // SignalR as the widget build bundles it (see rollup.config.mjs), so the floor is the same code.
      signalRForBrowsers({ logged: 'Warning', loggerSource: 'src/hub-connection.ts' }),
      signalRPrivate.plugin,
      nodeResolve({ browser: true }),
      terser({ ecma: 2022, module: true, format: { comments: false }, mangle: { properties: { regex: signalRPrivate.regex } } }),
    ],
  });
  const { output } = await bundle.generate({ format: 'es' });
  return Buffer.from(output[0].code);
}

function sizeRow(name, code) {
  return { name, minified: code.length, gzip: gzipSync(code, { level: 9 }).length };
}

const { values: options } = parseArgs({ options: { before: { type: 'string' }, rounds: { type: 'string', default: '1' } } });
const beforeDist = options.before && resolve(options.before, 'dist');
if (beforeDist && !existsSync(join(beforeDist, 'support-chat.js'))) {
  console.error(`--before ${options.before}: no built widget in ${beforeDist} (run npm run build there).`);
  process.exit(2);
}
const comparing = Boolean(beforeDist);
const rounds = comparing ? Number(options.rounds) : 1;
if (!Number.isInteger(rounds) || rounds < 1) {
  console.error(`--rounds ${options.rounds}: a whole number of rounds, 1 or more.`);
  process.exit(2);
}
/** The widget builds measured: this one, and with `--before` that one first. */
const widgetBuilds = [...(comparing ? [{ name: 'before', dist: beforeDist }] : []), { name: 'now', dist: resolve('dist') }];
/** Each build once per round (`--rounds N`), so load that comes and goes on the machine falls on both. */
const builds = Array.from({ length: rounds }, (_, round) =>
  widgetBuilds.map(build => ({ ...build, name: rounds > 1 ? `${build.name} #${round + 1}` : build.name })),
).flat();
/** A row's label, with the build it was measured on when two are compared. */
const label = (what, build) => (comparing ? `${what}, ${build.name}` : what);
/** The builds in turn, the order flipped from one part to the next so neither always goes first. */
let turn = 0;
const inTurn = () => (turn++ % 2 === 0 ? builds : [...builds].reverse());

const failed = [];
/** Runs one part of the bench: its error is printed and kept for its place in the report; the rest goes on. */
async function part(name, measure) {
  try {
    return await measure();
  } catch (error) {
    failed.push(name);
    console.error(`${name} failed:`, error);
    return { error: `${name} was not measured in this run: ${String(error.message ?? error).split('\n')[0]}` };
  }
}

const deepChatVersion = JSON.parse(readFileSync('node_modules/deep-chat/package.json', 'utf8')).version;
function sizeRows(build) {
  const totalRow = (name, files) => ({
    name: label(name, build),
    minified: files.reduce((sum, file) => sum + minifiedBytes(file, build.dist), 0),
    gzip: files.reduce((sum, file) => sum + gzipBytes(file, build.dist), 0),
  });
  return {
    files: [...allFiles(build.dist), 'support-chat.classic.js'].map(file => ({
      name: label(`dist/${file}`, build),
      minified: minifiedBytes(file, build.dist),
      gzip: gzipBytes(file, build.dist),
    })),
    first: totalRow('**first payload** (script tag, launcher drawn)', firstPayload('support-chat.js', build.dist)),
    all: totalRow(
      '**everything** without the chunks loaded on demand (formatting, attachments, past conversations)',
      allFiles(build.dist).filter(file => !isOnDemandChunk(file)),
    ),
    formatting: totalRow(
      '**formatting chunk** (markdown + DOMPurify, with the first formatted message)',
      allFiles(build.dist).filter(isFormattingChunk),
    ),
    attachments: totalRow(
      '**attachments chunk** (file chips, uploads and files in messages, with the first file picked or shown)',
      allFiles(build.dist).filter(isAttachmentsChunk),
    ),
  };
}
const sizes = await part('Size', async () => {
  const rows = widgetBuilds.map(sizeRows);
  const litFloor = sizeRow('floor of the first payload: Lit alone', await dependencyFloor("export * from 'lit';"));
  const floor = sizeRow(
    'floor of everything: Lit + @microsoft/signalr',
    await dependencyFloor("export * from 'lit'; export * from '@microsoft/signalr';"),
  );
  return [
    ...rows.flatMap(r => r.files),
    ...rows.map(r => r.first),
    litFloor,
    ...rows.map(r => r.all),
    floor,
    ...rows.map(r => r.formatting),
    ...rows.map(r => r.attachments),
  ];
});

const spread = values => {
  const sorted = [...values].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p95: percentile(sorted, 95), p99: percentile(sorted, 99), max: sorted.at(-1) };
};
const latencySpread = samples => ({
  count: samples.length,
  post: spread(samples.map(s => s.post)),
  push: spread(samples.map(s => s.push)),
});

// One server per build, each serving its widget at /dist/; agents may post a burst and a long history at once.
const measured = new Map(builds.map(build => [build, {}]));
await part('Widget servers', async () => {
  const servers = [];
  try {
    for (const build of builds) {
      servers.push(
        await new ReferenceServer({ env: { SUPPORTCHAT_AGENT_SEND_LIMIT: '1000000', SupportChat__DistPath: build.dist } }).start(),
      );
    }
    const serverOf = build => servers[builds.indexOf(build)];
    for (const build of inTurn()) {
      measured.get(build).latency = await part(label('Delivery latency, rapid fire', build), async () =>
        latencySpread(await latency(serverOf(build), { count: LATENCY_MESSAGES, warmUp: WARM_UP })),
      );
    }
    for (const build of inTurn()) {
      measured.get(build).quiet = await part(label('Delivery latency, after a quiet moment', build), async () =>
        latencySpread(await latency(serverOf(build), { count: QUIET_MESSAGES, warmUp: WARM_UP, gapMs: QUIET_GAP_MS })),
      );
    }
    for (const build of inTurn()) {
      measured.get(build).rendering = await part(label('Burst and long conversation', build), async () => {
        const browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
        try {
          return await renderRuns({ browser, server: serverOf(build), agent: AGENT, burst: BURST, history: HISTORY, peer: !comparing });
        } finally {
          await browser.close();
        }
      });
    }
  } finally {
    await Promise.all(servers.map(server => server.stop()));
  }
});
for (const results of measured.values()) {
  for (const key of ['latency', 'quiet', 'rendering']) results[key] ??= { error: 'Not measured: the server did not start.' };
}

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
    // Every client signs in as the one agent, and the watching widget is that agent too: the cap on one
    // user's connections (1,000 in the tests' servers) would close the 1,001st on instance a.
    SUPPORTCHAT_MAX_CONNECTIONS_PER_USER: String(2 * Math.max(...FAN_OUT_CLIENTS)),
  };
  const a = new ReferenceServer({ env: { ...env, SUPPORTCHAT_INSTANCE: 'a' } });
  const b = new ReferenceServer({ env: { ...env, SUPPORTCHAT_INSTANCE: 'b' } });
  let browser;
  const results = [];
  try {
    browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
    await a.start();
    await b.start();
    const watch = await watcher(browser, a);
    for (const clients of FAN_OUT_CLIENTS) {
      for (const servers of [[a], [a, b]]) {
        const result = await part(`Fan-out to ${clients} clients on ${servers.length} instance(s)`, () =>
          fanOut({ servers, clients, agent: AGENT, watch }),
        );
        results.push({ clients, instances: servers.length, ...result });
      }
    }
  } finally {
    await browser?.close();
    await Promise.all([a.stop(), b.stop()]);
    await Promise.all([redis.stop(), postgres.stop()]);
  }
  return results;
}

const fanOutResults = comparing ? [] : await part('Fan-out', fanOutRuns);

const ms = value => `${value.toFixed(1)} ms`;
const mib = bytes => `${(bytes / 2 ** 20).toFixed(1)} MiB`;
/** A table's rows, or the error of the part that should have measured them, in their place. */
const rowsOr = (result, rows) => (result.error ? `| ${result.error} |` : rows());
const sizeTable = rowsOr(sizes, () => sizes.map(r => `| ${r.name} | ${kb(r.minified)} | ${kb(r.gzip)} |`).join('\n'));
const latencyRows = (what, key, path) =>
  builds
    .map(build => {
      const result = measured.get(build)[key];
      return rowsOr(result, () => {
        const l = result[path];
        return `| ${label(what, build)} | ${result.count} | ${ms(l.p50)} | ${ms(l.p95)} | ${ms(l.p99)} | ${ms(l.max)} |`;
      });
    })
    .join('\n');
const burstRow = (name, b) =>
  `| ${name} | ${b.count} in ${ms(b.postedIn)} | ${ms(b.renderedIn)} | ${ms(b.longestTask)} (${b.longTasks}) | ${b.dropped} of ${b.frames + b.dropped} | ${b.dom} |`;
const now = builds.at(-1);
const peerResult = measured.get(now).rendering;
const peer = comparing || peerResult.error ? undefined : peerResult['Deep Chat'];
const burstRows = [
  ...builds.map(build => {
    const rendering = measured.get(build).rendering;
    return rowsOr(rendering, () => burstRow(label('support-chat', build), rendering['support-chat'].burst));
  }),
  ...(peer ? [burstRow(`Deep Chat ${deepChatVersion}`, peer.burst)] : []),
].join('\n');
const historyRows = [
  ...builds.map(build => {
    const rendering = measured.get(build).rendering;
    return rowsOr(rendering, () => {
      const { opened, all } = rendering['support-chat'].history;
      return [
        `| ${label('support-chat, opened', build)} | ${opened.held} | ${ms(opened.firstPaint)} | ${opened.dom} | ${mib(opened.heap)} |`,
        `| ${label('support-chat, paged back to the first message', build)} | ${HISTORY} (in ${(all.pagedIn / 1000).toFixed(1)} s) | | ${all.dom} (at most ${all.maxDom} on the way) | ${mib(all.heap)} |`,
      ].join('\n');
    });
  }),
  ...(peer
    ? [
        `| Deep Chat ${deepChatVersion}, opened | ${peer.history.opened.held} | ${ms(peer.history.opened.firstPaint)} | ${peer.history.opened.dom} | ${mib(peer.history.opened.heap)} |`,
      ]
    : []),
].join('\n');
const fanOutRow = r =>
  rowsOr(
    r,
    () =>
      `| ${r.clients} | ${r.instances} | ${r.delivered} of ${r.expected} | ${r.p50.toFixed(1)} ms | ${r.p95.toFixed(1)} ms | ${r.p99.toFixed(1)} ms | ${r.servers.map(x => x.cpu.toFixed(2)).join(' + ')} | ${r.servers.map(x => `${(x.rss / 2 ** 20).toFixed(0)} MiB`).join(' + ')} |`,
  );
const fanOutTable = rowsOr(fanOutResults, () => fanOutResults.map(fanOutRow).join('\n'));
const fanOutSection = comparing
  ? ''
  : `## Fan-out: one conversation, many connections

${FAN_OUT_CLIENTS.join(', ')} SignalR clients (Node, \`@microsoft/signalr\`, WebSockets) join one conversation; the built widget
watches it from Chromium; an agent posts 30 messages, each once every client has the one before. A sample is
one client's delay from just before the POST to the push arriving (one clock: the bench process). Both setups
use PostgreSQL and the Redis backplane; with two instances, clients are spread evenly and the agent posts to
each in turn, so half the pushes cross the backplane. CPU is the server process's CPU time over the wall time
of the posting (1.00 = one core), memory its resident size after.

| clients | instances | delivered | p50 | p95 | p99 | server CPU | server memory |
| --- | --- | --- | --- | --- | --- | --- | --- |
${fanOutTable}
`;
const load = values => values.map(value => value.toFixed(2)).join(', ');
const report = `# Benchmarks

Written by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)}. Everything below was measured in one run.${
  comparing
    ? `\n\nTwo widget builds, each part run for both in turn: *before* is \`${beforeDist}\`, *now* is this checkout's \`dist/\`. Deep Chat and the fan-out are not run here.${rounds > 1 ? ` ${rounds} rounds (#1, #2, …), the order of the two builds flipped from one part to the next.` : ''}`
    : ''
}

Machine: ${cpus().length} cores (${cpus()[0].model.trim()}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, Debian Chromium (headless); load average ${load(loadAtStart)} at the start, ${load(loadavg())} at the end (1, 5, 15 min).

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
${latencyRows('agent POST → DOM, rapid fire', 'latency', 'post')}
${latencyRows('hub push → DOM, rapid fire', 'latency', 'push')}
${latencyRows('agent POST → DOM, after a quiet moment', 'quiet', 'post')}
${latencyRows('hub push → DOM, after a quiet moment', 'quiet', 'push')}

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
${burstRows}

## A conversation of ${HISTORY.toLocaleString('en')} messages

One conversation with ${HISTORY.toLocaleString('en')} messages. *First paint* runs from adding the element to the
frame after the first bubbles are in the DOM (connecting and the history request included). The heap is
Chromium's used JS heap after a forced garbage collection. support-chat asks for the newest page (50) and pages
back on scrolling up (\`beforeId\`, 50 at a time); the bench then scrolls to the top again and again until it
holds all ${HISTORY.toLocaleString('en')} messages. Deep Chat takes the whole conversation as its \`history\`,
fetched in pages of 200 before it is created; its first paint includes that fetching (${peer ? `${ms(peer.history.opened.fetchedIn)} of it here` : 'not run here'}).

| widget | messages held | first paint | DOM elements | JS heap |
| --- | --- | --- | --- | --- |
${historyRows}

${fanOutSection}`;

console.log(report);
if (comparing) {
  console.log('BENCHMARKS.md is not written by a run with --before.');
} else if (failed.length > 0) {
  console.error(`BENCHMARKS.md left as it was: ${failed.length} part(s) failed (${failed.join('; ')}).`);
} else {
  writeFileSync('BENCHMARKS.md', [report, ...keptBlocks()].join('\n'));
}
process.exitCode = failed.length > 0 ? 1 : 0;
