// A support center at once: N visitors, each in their own conversation, each sending a message every
// `interval` seconds on average (at random: exponential gaps), while 5 agent consoles watch every
// conversation (`WatchConversations`: all traffic fans in to the agents' group). Every client is
// `@microsoft/signalr` in Node over WebSockets: the protocol the widget speaks, without a browser per visitor.
import { randomBytes } from 'node:crypto';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { HubConnectionBuilder, HttpTransportType, LogLevel } from '@microsoft/signalr';
import { AGENT, ReferenceServer } from '../scripts/reference-server.mjs';
import { startPostgres, startRedis } from '../scripts/services.mjs';
import { percentile, processUsage } from './fanout.mjs';
import { newVisitor } from './store.mjs';

/** How many connections are opened (and visitors created) at once while setting up. */
const SETUP_CONCURRENCY = 50;
/** How long to wait, after the last send, for pushes still on their way before counting what is missing. */
const DRAIN_MS = 20_000;

function connect(server, token) {
  return new HubConnectionBuilder()
    .withUrl(`${server.url}/hubs/groupchat`, { accessTokenFactory: () => token, transport: HttpTransportType.WebSockets })
    .configureLogging(LogLevel.None)
    .build();
}

async function login(server) {
  const response = await fetch(`${server.url}/users/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(AGENT),
  });
  return (await response.json()).token;
}

/** Runs `task(item, index)` over `items`, `limit` at a time. */
async function inBatches(items, limit, task) {
  const results = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        results[i] = await task(items[i], i);
      }
    }),
  );
  return results;
}

const spread = values => {
  const sorted = Float64Array.from(values).sort();
  return {
    count: sorted.length,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted.at(-1),
  };
};

/** Starts one or two reference servers on SQLite, or on PostgreSQL (and Redis for two). */
async function startServers({ provider, instances, dll }) {
  const services = [];
  const env = { SUPPORTCHAT_JWT_KEY: randomBytes(32).toString('base64') };
  if (provider === 'postgres') {
    const postgres = await startPostgres();
    services.push(postgres);
    env.SUPPORTCHAT_POSTGRES = postgres.connectionString;
  }
  if (instances > 1) {
    const redis = await startRedis();
    services.push(redis);
    env.SUPPORTCHAT_REDIS = redis.connectionString;
  }
  const servers = Array.from({ length: instances }, (_, i) => new ReferenceServer({ dll, env: { ...env, SUPPORTCHAT_INSTANCE: `i${i}` } }));
  const stop = async () => {
    await Promise.all(servers.map(server => server.stop()));
    await Promise.all(services.map(service => service.stop()));
  };
  try {
    // One after the other: instances starting together on a fresh PostgreSQL both try to seed the agent.
    for (const server of servers) await server.start();
  } catch (error) {
    await stop();
    throw error;
  }
  return { servers, stop };
}

/**
 * One run: set up N visitors and their connections, let them talk for `seconds`, then wait for the last
 * pushes and check every delivery. Visitor i connects and posts to server i mod instances; agent consoles
 * are spread the same way, so with two instances most of the agents' fan-in crosses the backplane.
 * `dll`: another build of the server to run instead (a "before").
 */
export async function centerRun({ n, seconds, interval = 30, agents = 5, provider = 'sqlite', instances = 1, dll, log = () => {} }) {
  const { servers, stop } = await startServers({ provider, instances, dll });
  const connections = [];
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  try {
    const setupStarted = performance.now();
    const visitors = await inBatches(Array.from({ length: n }), SETUP_CONCURRENCY, (_, i) => newVisitor(servers[i % instances]));
    log(`  ${n} visitors created in ${((performance.now() - setupStarted) / 1000).toFixed(1)} s`);
    const agentToken = await login(servers[0]);
    const idle = servers.map(server => processUsage(server.pid));

    /** Per message (its clientMessageId): when it was posted, its conversation, who received it. */
    const sent = new Map();
    const strays = [];
    const visitorLatency = [];
    const agentLatency = [];
    const received = (listener, message, samples) => {
      const record = sent.get(message.clientMessageId);
      if (!record || (listener.groupId !== undefined && listener.groupId !== message.groupId)) {
        strays.push({ listener: listener.name, message: message.clientMessageId });
        return;
      }
      record.heardBy.set(listener.name, (record.heardBy.get(listener.name) ?? 0) + 1);
      samples.push(performance.now() - record.at);
    };

    const setup = [];
    const open = async (server, token, listener, join) => {
      const connection = connect(server, token);
      connections.push(connection);
      connection.on('ReceiveMessage', message => received(listener, message, visitorLatency));
      connection.on('ConversationMessage', message => received(listener, message, agentLatency));
      const started = performance.now();
      await connection.start();
      await join(connection);
      setup.push(performance.now() - started);
    };
    await inBatches(Array.from({ length: agents }), agents, (_, i) =>
      open(servers[i % instances], agentToken, { name: `agent ${i}` }, c => c.invoke('WatchConversations')),
    );
    const connectStarted = performance.now();
    await inBatches(visitors, SETUP_CONCURRENCY, (visitor, i) =>
      open(servers[i % instances], visitor.token, { name: `visitor ${i}`, groupId: visitor.groupId }, c =>
        c.invoke('JoinGroup', String(visitor.groupId)),
      ),
    );
    const connectSeconds = (performance.now() - connectStarted) / 1000;
    const connected = servers.map(server => processUsage(server.pid));
    log(`  ${n + agents} connections in ${connectSeconds.toFixed(1)} s`);

    // Talk: each visitor's next message after an exponential gap with mean `interval` seconds.
    const before = servers.map(server => processUsage(server.pid));
    loopDelay.enable();
    const started = performance.now();
    const deadline = started + seconds * 1000;
    let failed = 0;
    const posting = new Set();
    const timers = new Set();
    const post = (visitor, i, k) => {
      const id = `c${i}.${k}`;
      sent.set(id, { at: performance.now(), groupId: visitor.groupId, heardBy: new Map(), visitor: `visitor ${i}`, ok: false });
      const request = fetch(`${servers[i % instances].url}/chats/${visitor.groupId}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${visitor.token}` },
        body: JSON.stringify({ groupId: String(visitor.groupId), message: `center ${id}`, clientMessageId: id }),
      })
        .then(async response => {
          await response.arrayBuffer();
          if (response.ok) sent.get(id).ok = true;
          else failed++;
        })
        .catch(() => failed++)
        .finally(() => posting.delete(request));
      posting.add(request);
    };
    const schedule = (visitor, i, k) => {
      const gap = -Math.log(1 - Math.random()) * interval * 1000;
      if (performance.now() + gap >= deadline) return;
      const timer = setTimeout(() => {
        timers.delete(timer);
        post(visitor, i, k);
        schedule(visitor, i, k + 1);
      }, gap);
      timers.add(timer);
    };
    visitors.forEach((visitor, i) => schedule(visitor, i, 0));
    while (performance.now() < deadline) await new Promise(resolve => setTimeout(resolve, 100));
    for (const timer of timers) clearTimeout(timer);
    const talkSeconds = (performance.now() - started) / 1000;
    const after = servers.map(server => processUsage(server.pid));
    while (posting.size > 0) await Promise.allSettled([...posting]);
    loopDelay.disable();

    // Every stored message must reach its visitor and every agent once; wait for stragglers, then count.
    const listenersPer = 1 + agents;
    const complete = () => [...sent.values()].every(r => !r.ok || r.heardBy.size === listenersPer);
    const drainUntil = performance.now() + DRAIN_MS;
    while (!complete() && performance.now() < drainUntil) await new Promise(resolve => setTimeout(resolve, 50));

    let missing = 0;
    let duplicates = 0;
    let storedCount = 0;
    for (const record of sent.values()) {
      if (!record.ok) continue;
      storedCount++;
      const expected = [record.visitor, ...Array.from({ length: agents }, (_, a) => `agent ${a}`)];
      for (const listener of expected) {
        const times = record.heardBy.get(listener) ?? 0;
        if (times === 0) missing++;
        if (times > 1) duplicates += times - 1;
      }
      for (const listener of record.heardBy.keys()) if (!expected.includes(listener)) strays.push({ listener, message: 'misdirected' });
    }

    const cpu = after.reduce((sum, usage, i) => sum + (usage.cpuSeconds - before[i].cpuSeconds), 0) / talkSeconds;
    const rss = after.reduce((sum, usage) => sum + usage.rss, 0);
    const rssIdle = idle.reduce((sum, usage) => sum + usage.rss, 0);
    const rssConnected = connected.reduce((sum, usage) => sum + usage.rss, 0);
    return {
      n,
      provider,
      instances,
      seconds: talkSeconds,
      stored: storedCount,
      failed,
      perSecond: storedCount / talkSeconds,
      visitor: spread(visitorLatency),
      agent: spread(agentLatency),
      expectedDeliveries: storedCount * listenersPer,
      missing,
      duplicates,
      strays: strays.length,
      cpu,
      rss,
      rssPerThousand: (rss / (n + agents)) * 1000,
      connectionsPerThousand: ((rssConnected - rssIdle) / (n + agents)) * 1000,
      setup: spread(setup),
      connectSeconds,
      clientLoopDelayP99: loopDelay.percentile(99) / 1e6,
    };
  } finally {
    await Promise.allSettled(connections.map(connection => connection.stop()));
    await stop();
  }
}
