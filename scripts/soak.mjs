// The soak: many widgets in real Chromium (the built widget from dist/) sending for a while against the
// real reference server, through the fault proxy injecting random pauses, resets, lost answers and slow
// answers, with one server restart (a kill) in the middle. At the end every widget's list must equal the
// server's, once each, in order. Prints sent, delivered, duplicates and lost, per database.
//
//   npm run soak -- --seconds 600 [--database sqlite|postgres|both] [--visitors 20] [--seed 7]
//                   [--transport websockets|server-sent-events|long-polling]
import { chromium } from 'playwright-core';
import { chromiumArgs, chromiumPath } from './chromium.mjs';
import { FaultProxy } from './fault-proxy.mjs';
import { AGENT, ReferenceServer } from './reference-server.mjs';
import { startPostgres } from './services.mjs';

/** A small seeded generator (mulberry32), so a run's faults can be replayed with `--seed`. */
function seeded(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function json(response) {
  if (!response.ok) throw new Error(`${response.url} answered ${response.status}: ${await response.text()}`);
  return response.json();
}

async function newVisitor(server, name) {
  const body = await json(
    await fetch(`${server.url}/visitors`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ name }),
    }),
  );
  return { token: body.token, groupId: String(body.groupId) };
}

async function agentToken(server) {
  const body = await json(
    await fetch(`${server.url}/users/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(AGENT),
    }),
  );
  return body.token;
}

/** Everything the server holds for a conversation, paged with `afterId` as a client would. */
async function storedMessages(server, token, groupId) {
  const all = [];
  for (let after = 0; ;) {
    const { chats } = await json(
      await fetch(`${server.url}/chats/${groupId}?afterId=${after}&limit=200`, { headers: { Authorization: `Bearer ${token}` } }),
    );
    all.push(...chats.map(chat => ({ id: chat.id, text: chat.message })));
    if (chats.length < 200) return all;
    after = chats.at(-1).id;
  }
}

const PAGE = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>soak</title>
    <script type="module" src="/dist/support-chat.js"></script>
    <style>
      support-chat { display: block; float: left; width: 280px; height: 220px; }
    </style>
  </head>
  <body></body>
</html>`;

/**
 * Puts the widgets in the page and starts each one sending at a person's pace. The pace is what is
 * being simulated here, so these timers are the subject, not a wait for something else.
 */
function startWidgets({ widgets, paceMs, transport }) {
  const state = { sent: [], stopped: false, elements: [] };
  window.soak = state;
  const pause = ([min, max]) => new Promise(resolve => setTimeout(resolve, min + Math.random() * (max - min)));
  for (const { label, token, groupId, agent, via } of widgets) {
    const element = document.createElement('support-chat');
    element.mode = 'inline';
    element.hubUrl = `${via}/hubs/groupchat`;
    element.apiUrl = `${via}/`;
    element.group = groupId;
    element.tokenProvider = () => token;
    if (transport) element.transport = transport;
    element.dataset.label = label;
    document.body.append(element);
    state.elements.push(element);
    void (async () => {
      for (let n = 1; ; n++) {
        await pause(agent ? paceMs.agent : paceMs.visitor);
        if (state.stopped) return;
        const text = `${label} ${n}`;
        state.sent.push({ groupId, text });
        // Not awaited: a person types the next message while the last is still on its way.
        void element.send(text);
      }
    })();
  }
  // A person presses "retry" on what failed; once a second is how soon they notice.
  state.retrier = setInterval(() => {
    for (const element of state.elements) {
      for (const button of element.shadowRoot?.querySelectorAll('.message[data-state="failed"] .retry') ?? []) button.click();
    }
  }, 1000);
}

/** What every widget shows now: its messages as the store holds them, and its status. */
function readWidgets() {
  return window.soak.elements.map(element => ({
    label: element.dataset.label,
    groupId: element.group,
    status: element.status,
    notice: element.shadowRoot?.querySelector('[role="alert"]')?.textContent ?? '',
    messages: element.messages.map(m => ({ id: m.id ?? null, text: m.text, state: m.state })),
  }));
}

/** Compares one widget with the server's list: what is missing, shown twice, out of order or unsettled. */
function compare(widget, stored) {
  const shownIds = widget.messages.map(m => m.id);
  const shownTexts = widget.messages.map(m => m.text);
  const storedIds = new Set(stored.map(m => m.id));
  const missing = stored.filter(m => !shownIds.includes(m.id)).length;
  const twice = shownIds.length - new Set(shownIds).size + (shownTexts.length - new Set(shownTexts).size);
  const unsettled = widget.messages.filter(m => m.state !== 'sent').length;
  const foreign = shownIds.filter(id => id !== null && !storedIds.has(id)).length;
  const equal = JSON.stringify(widget.messages.map(m => [m.id, m.text])) === JSON.stringify(stored.map(m => [m.id, m.text]));
  const examples = [
    ...stored.filter(m => !shownIds.includes(m.id)).map(m => `missing #${m.id} "${m.text}"`),
    ...widget.messages.filter(m => m.state !== 'sent').map(m => `${m.state} "${m.text}"${m.error ? ` (${m.error})` : ''}`),
    ...shownTexts.filter((text, i) => shownTexts.indexOf(text) !== i).map(text => `twice "${text}"`),
  ].slice(0, 6);
  return { missing, twice, unsettled, foreign, equal, examples, delivered: stored.length - missing };
}

/**
 * One soak on one database. Answers the counts, and `problems`: one line per widget whose list does not
 * equal the server's at the end (empty when nothing was lost or doubled).
 */
export async function runSoak({
  seconds = 60,
  database = 'sqlite',
  visitors = 20,
  agents = 2,
  seed = Date.now() % 100_000,
  settleSeconds = 90,
  transport,
  browser: sharedBrowser,
  log = () => {},
} = {}) {
  const random = seeded(seed);
  const postgres = database === 'postgres' ? await startPostgres() : undefined;
  const server = new ReferenceServer({
    env: {
      ...(postgres ? { SUPPORTCHAT_POSTGRES: postgres.connectionString } : {}),
      // Twenty visitors and two agents from one address, sending for minutes: limits meant for abuse
      // would turn the soak into a test of the limiter.
      SUPPORTCHAT_SEND_LIMIT: '100000',
      SUPPORTCHAT_AGENT_SEND_LIMIT: '100000',
      SUPPORTCHAT_SEND_LIMIT_PER_IP: '100000',
      SUPPORTCHAT_VISITOR_LIMIT_PER_IP: '100000',
      SUPPORTCHAT_MAX_CONNECTIONS_PER_USER: '1000',
    },
  });
  let proxy;
  const browser = sharedBrowser ?? (await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs }));
  const context = await browser.newContext();
  try {
    await server.start();
    proxy = await new FaultProxy(server.port).start();
    const agent = await agentToken(server);
    const people = [];
    for (let i = 1; i <= visitors; i++) people.push({ label: `visitor ${i}`, ...(await newVisitor(server, `Visitor ${i}`)) });
    // The agents answer in the first conversations: there both widgets show both sides.
    for (let i = 1; i <= agents; i++) people.push({ label: `agent ${i}`, token: agent, groupId: people[i - 1].groupId, agent: true });
    // Each widget through a door of its own: in one page they would share the browser's six connections to
    // one host, and a few falling back to server-sent events (which hold one each) would starve the rest,
    // a limit no visitor in their own browser meets.
    for (const person of people) person.via = await proxy.door();

    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', error => errors.push(String(error)));
    if (process.env.SOAK_DEBUG) page.on('console', message => log(`page: ${message.text()}`));
    // A page of the server's own origin (allowed by its CORS) and address space, without a widget of its own.
    await page.goto(`${server.url}/health`);
    await page.setContent(PAGE);
    await page.waitForFunction(() => customElements.get('support-chat'));
    await page.evaluate(startWidgets, { widgets: people, paceMs: { visitor: [1000, 3000], agent: [400, 1200] }, transport });
    await page
      .waitForFunction(() => window.soak.elements.every(e => e.status === 'connected'), null, { timeout: 60_000 })
      .catch(async error => {
        const statuses = await page.evaluate(() => window.soak.elements.map(e => e.status).join(', '));
        throw new Error(`Not every widget connected: ${statuses}`, { cause: error });
      });
    log(`${database}: ${people.length} widgets connected; sending for ${seconds} s with faults (seed ${seed})`);

    const started = Date.now();
    proxy.chaos({ random });
    await new Promise(resolve => setTimeout(resolve, (seconds * 1000) / 2));
    // A crash, not a shutdown: connections drop without a close, and the server comes back on the same port and data.
    await server.restart({ downMs: 500 });
    log(`${database}: server restarted after ${Math.round((Date.now() - started) / 1000)} s`);
    await new Promise(resolve => setTimeout(resolve, Math.max(0, started + seconds * 1000 - Date.now())));
    await page.evaluate(() => (window.soak.stopped = true));
    proxy.calm();

    // Quiet again: wait until every widget has settled and shows what the server holds.
    const sent = await page.evaluate(() => window.soak.sent);
    const groups = [...new Set(people.map(p => p.groupId))];
    let widgets;
    let stored;
    let comparisons;
    const deadline = Date.now() + settleSeconds * 1000;
    for (;;) {
      widgets = await page.evaluate(readWidgets);
      stored = new Map(await Promise.all(groups.map(async id => [id, await storedMessages(server, agent, id)])));
      comparisons = widgets.map(widget => ({ widget, ...compare(widget, stored.get(widget.groupId)) }));
      if (comparisons.every(c => c.equal && c.widget.status === 'connected') || Date.now() > deadline) break;
      // Polling two sides (the page and the server) for one condition: half a second between looks.
      await new Promise(resolve => setTimeout(resolve, 500));
    }
    await page.evaluate(() => clearInterval(window.soak.retrier));

    const storedTexts = [...stored.values()].flat().map(m => m.text);
    const storedOnce = new Set(storedTexts);
    const notStored = sent.filter(s => !storedOnce.has(s.text)).length;
    const storedTwice = storedTexts.length - storedOnce.size;
    const result = {
      database,
      seed,
      seconds,
      widgets: widgets.length,
      sent: sent.length,
      stored: storedTexts.length,
      delivered: comparisons.reduce((sum, c) => sum + c.delivered, 0),
      expected: comparisons.reduce((sum, c) => sum + stored.get(c.widget.groupId).length, 0),
      duplicates: storedTwice + comparisons.reduce((sum, c) => sum + c.twice, 0),
      lost: notStored + comparisons.reduce((sum, c) => sum + c.missing, 0),
      faults: { ...proxy.faults, restarts: 1 },
      transports: [...proxy.transportsSeen],
      problems: comparisons
        .filter(c => !c.equal || c.widget.status !== 'connected')
        .map(
          c =>
            `${c.widget.label} (${c.widget.status}${c.widget.notice ? `, "${c.widget.notice}"` : ''}): ${c.missing} missing, ${c.twice} twice, ${c.unsettled} unsettled, ` +
            `${c.foreign} not on the server; ${c.examples.join('; ')}`,
        ),
      pageErrors: errors,
    };
    log(
      `${database}: sent ${result.sent}, stored ${result.stored}, delivered ${result.delivered} of ${result.expected} ` +
        `(to ${result.widgets} widgets), duplicates ${result.duplicates}, lost ${result.lost}; faults ${JSON.stringify(result.faults)}; ` +
        `transports ${result.transports.join(', ')}`,
    );
    for (const problem of result.problems) log(`${database}: ${problem}`);
    if (result.problems.length > 0)
      log(`${database}: the server since its restart said:\n${server.output.split('\n').slice(-40).join('\n')}`);
    return result;
  } finally {
    await context.close();
    if (!sharedBrowser) await browser.close();
    await proxy?.stop();
    await server.stop();
    await postgres?.stop();
  }
}

function option(name, fallback) {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : fallback;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const seconds = Number(option('seconds', 60));
  const which = option('database', 'both');
  const databases = which === 'both' ? ['sqlite', 'postgres'] : [which];
  let failed = false;
  for (const database of databases) {
    const result = await runSoak({
      seconds,
      database,
      visitors: Number(option('visitors', 20)),
      seed: option('seed') === undefined ? undefined : Number(option('seed')),
      transport: option('transport'),
      log: line => console.log(line),
    });
    if (result.lost > 0 || result.duplicates > 0 || result.problems.length > 0) failed = true;
  }
  process.exit(failed ? 1 : 0);
}
