// `npm run bench:center`: the support-center shape (bench/center.mjs) for each N, SQLite beside
// PostgreSQL for one N, two instances on PostgreSQL and Redis if asked, and stored messages per second
// (bench/store.mjs). Prints Markdown tables; `--write` puts them in BENCHMARKS.md between its markers.
//   npm run bench:center -- --n 1000 --seconds 30            a short run
//   npm run bench:center -- --n 1000,2500,5000 --seconds 60 --postgres-n 1000 --two 1000 --store --write
//   … --before <another build's dll> --before-n 5000      the same shape on another build, in the same run
import { cpus, loadavg, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import { centerRun } from './center.mjs';
import { writeBlock } from './sections.mjs';
import { buildDirectInserts, storeRuns } from './store.mjs';

const { values: flags } = parseArgs({
  options: {
    n: { type: 'string', default: '1000' },
    seconds: { type: 'string', default: '60' },
    interval: { type: 'string', default: '30' },
    agents: { type: 'string', default: '5' },
    'postgres-n': { type: 'string', default: '' },
    two: { type: 'string', default: '' },
    store: { type: 'boolean', default: false },
    'store-seconds': { type: 'string', default: '5' },
    'skip-center': { type: 'boolean', default: false },
    write: { type: 'boolean', default: false },
    // Another build of the server (a dll): the first N and the SQLite store figures also run on it.
    before: { type: 'string', default: '' },
    // The N the other build runs at (default: the first of --n).
    'before-n': { type: 'string', default: '' },
  },
});
const list = value => (value ? value.split(',').map(Number) : []);
const seconds = Number(flags.seconds);
const interval = Number(flags.interval);
const agents = Number(flags.agents);
const P99_LIMIT_MS = 250;

const log = line => console.error(line);
const load = () => loadavg()[0].toFixed(1);
const ms = value => (value === undefined ? '–' : `${value.toFixed(1)} ms`);
const mib = bytes => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

const runs = [];
const plan = [];
if (!flags['skip-center']) {
  if (flags.before) {
    plan.push({ n: Number(flags['before-n']) || list(flags.n)[0], provider: 'sqlite', instances: 1, dll: flags.before, before: true });
  }
  for (const n of list(flags.n)) plan.push({ n, provider: 'sqlite', instances: 1 });
  for (const n of list(flags['postgres-n'])) plan.push({ n, provider: 'postgres', instances: 1 });
  for (const n of list(flags.two)) plan.push({ n, provider: 'postgres', instances: 2 });
}
for (const setting of plan) {
  log(`${setting.n} conversations, ${setting.provider}, ${setting.instances} instance(s), load ${load()}`);
  const result = await centerRun({ ...setting, seconds, interval, agents, log });
  result.load = load();
  result.before = setting.before;
  log(`  ${JSON.stringify(result)}`);
  runs.push(result);
}

let storeRows = [];
if (flags.store) {
  await buildDirectInserts();
  log(`stored messages per second, load ${load()}`);
  const seconds = Number(flags['store-seconds']);
  if (flags.before) {
    const before = await storeRuns({
      seconds,
      providers: ['sqlite'],
      dll: flags.before,
      log: row => log(`  before ${JSON.stringify(row)}`),
    });
    storeRows.push(...before.map(row => ({ ...row, before: true })));
  }
  storeRows.push(...(await storeRuns({ seconds, log: row => log(`  ${JSON.stringify(row)}`) })));
}

const where = r =>
  `${r.provider === 'sqlite' ? 'SQLite' : 'PostgreSQL'}${r.instances > 1 ? ` + Redis, ${r.instances} instances` : ''}${r.before ? ', **before** the fix' : ''}`;
const firstOver = (provider, instances = 1) => {
  const mine = runs.filter(r => r.provider === provider && r.instances === instances && !r.before);
  const over = mine.find(r => Math.max(r.visitor.p99, r.agent.p99) > P99_LIMIT_MS);
  return over ? `${over.n}` : `not reached up to ${Math.max(...mine.map(r => r.n))}`;
};

const sections = [];
if (runs.length > 0) {
  sections.push(`## A support center: many small conversations, every agent watching

Written by \`npm run bench:center\` on ${new Date().toISOString().slice(0, 10)}: ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB,
shared with other work (the load average, 1 min, when each run started is in the last column).
N visitors, each in their own conversation (\`POST /visitors\`), each connected over WebSockets with
\`@microsoft/signalr\` in Node (the protocol the widget speaks, without a browser per visitor) and joined to
it; ${agents} agent consoles connected and \`WatchConversations\`. For ${seconds} s each visitor posts at random, on
average every ${interval} s (exponential gaps). A delivery sample runs from just before the visitor's \`POST\` to
its push arriving (one clock: the bench process, which runs on the same 2 cores): *visitor* is the
sender's own \`ReceiveMessage\`, *agents* each console's \`ConversationMessage\`. Every stored message must
reach its visitor and every agent exactly once, and nobody else: *checked* counts deliveries missing,
duplicated or misdirected. CPU: the server's CPU time over the talking time (1.00 = one core). Memory: its
resident size after, per 1,000 connections (and, in brackets, what connecting added per 1,000). Setup:
\`start()\` to joined, per connection, ${50} at a time. The client's event-loop delay (p99) says how much of a
figure is the bench process itself.

| N | store | msgs/s | visitor p50 / p95 / p99 | agents p50 / p95 / p99 | checked | CPU | memory per 1,000 | setup p50 / p95 | client delay p99 | load |
| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |
${runs
  .map(
    r =>
      `| ${r.n} | ${where(r)} | ${r.perSecond.toFixed(1)}${r.failed ? ` (${r.failed} failed)` : ''} | ${ms(r.visitor.p50)} / ${ms(r.visitor.p95)} / ${ms(r.visitor.p99)} | ${ms(r.agent.p50)} / ${ms(r.agent.p95)} / ${ms(r.agent.p99)} | ${r.expectedDeliveries - r.missing} of ${r.expectedDeliveries}, ${r.missing} missing, ${r.duplicates} twice, ${r.strays} misdirected | ${r.cpu.toFixed(2)} | ${mib(r.rssPerThousand)} (${mib(r.connectionsPerThousand)}) | ${ms(r.setup.p50)} / ${ms(r.setup.p95)} | ${ms(r.clientLoopDelayP99)} | ${r.load} |`,
  )
  .join('\n')}

p99 first over ${P99_LIMIT_MS} ms (visitor or agents): one instance on SQLite at N = ${runs.some(r => r.provider === 'sqlite') ? firstOver('sqlite') : '–'}${runs.some(r => r.provider === 'postgres' && r.instances === 1) ? `; on PostgreSQL at N = ${firstOver('postgres')}` : ''}${runs.some(r => r.instances === 2) ? `; two instances at N = ${firstOver('postgres', 2)}` : ''}.`);
}
if (storeRows.length > 0) {
  const perSecond = value => (value === undefined ? '' : value.toFixed(0));
  sections.push(`## Stored messages per second

K senders (visitors, each in their own conversation) post one message after another for ${flags['store-seconds']} s through
\`POST /chats/{groupId}\`; only answers 200 count. Beside it, in the same run and against the same database,
the server's \`INSERT … RETURNING "Id"\` sent straight through the driver (\`bench/DirectInserts\`, Microsoft.Data.Sqlite
and Npgsql, a pooled connection opened per message as EF Core does): the floor. SQLite's floor twice: with the
driver's default \`synchronous=FULL\` (an fsync per commit) and with \`NORMAL\` (WAL's usual setting: no fsync per
commit, durable at the next checkpoint, never corrupt). The PostgreSQL the tests start runs with \`fsync=off\`,
so its figures are an upper bound for a durable one; its driver floor uses at most 40 connections.

| store | senders | via the API | driver floor | floor, synchronous=NORMAL |
| --- | --- | --- | --- | --- |
${storeRows.map(r => `| ${r.provider === 'sqlite' ? 'SQLite' : 'PostgreSQL'}${r.before ? ', **before** the fix' : ''} | ${r.senders} | ${perSecond(r.api)}${r.refused ? ` (${r.refused} refused)` : ''} | ${perSecond(r.direct)} | ${perSecond(r.directNormal)} |`).join('\n')}`);
}

const report = sections.join('\n\n');
console.log(report);
if (flags.write) writeBlock('center', report);
