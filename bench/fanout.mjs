// Fan-out: N SignalR clients (Node, @microsoft/signalr) in one conversation, one real widget watching
// it in Chromium, and an agent posting. Per message and client: the time from the POST to the push
// arriving. Run against one instance, and against two sharing PostgreSQL and the Redis backplane.
import { readFileSync } from 'node:fs';
import { HubConnectionBuilder, HttpTransportType, LogLevel } from '@microsoft/signalr';

const MESSAGES = 30;
const CONNECT_BATCH = 50;

export const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

/** CPU seconds (user + system) and resident memory of a process, from /proc. */
export function processUsage(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  const rss = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) * 1024;
  return { cpuSeconds: ticks / 100, rss };
}

async function login(server, agent) {
  const response = await fetch(`${server.url}/users/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(agent),
  });
  return (await response.json()).token;
}

/**
 * `servers`: where clients connect, round-robin; the agent posts to each in turn. `watch(groupId, token)`
 * puts the widget on the conversation. Returns delivery percentiles and each server's CPU and memory.
 */
export async function fanOut({ servers, clients, agent, watch }) {
  const token = await login(servers[0], agent);
  const created = await fetch(`${servers[0].url}/groups`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
    body: JSON.stringify({ name: `fan-out ${clients}` }),
  });
  const groupId = String((await created.json()).group.id);
  await watch(groupId, token);

  const sentAt = new Map();
  const samples = [];
  let received = 0;
  const connections = [];
  let before;
  let after;
  let seconds;
  // Whatever fails, every client is closed, so the parts of the bench after this one start clean.
  try {
    for (let i = 0; i < clients; i += CONNECT_BATCH) {
      const batch = [];
      for (let j = i; j < Math.min(clients, i + CONNECT_BATCH); j++) {
        const server = servers[j % servers.length];
        const connection = new HubConnectionBuilder()
          .withUrl(`${server.url}/hubs/groupchat`, { accessTokenFactory: () => token, transport: HttpTransportType.WebSockets })
          .configureLogging(LogLevel.Error)
          .build();
        connection.on('ReceiveMessage', message => {
          const start = sentAt.get(message.message);
          if (start !== undefined) {
            samples.push(performance.now() - start);
            received++;
          }
        });
        connections.push(connection);
        batch.push(connection.start().then(() => connection.invoke('JoinGroup', groupId)));
      }
      await Promise.all(batch).catch(error => {
        throw new Error(`client ${connections.length} of ${clients} could not connect and join: ${error.message}`);
      });
    }

    before = servers.map(s => processUsage(s.pid));
    const started = performance.now();
    for (let n = 0; n < MESSAGES; n++) {
      const text = `fan-out ${clients} #${n}`;
      const target = servers[n % servers.length];
      const expected = (n + 1) * clients;
      sentAt.set(text, performance.now());
      const posted = await fetch(`${target.url}/chats/${groupId}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
        body: JSON.stringify({ groupId, message: text }),
      });
      if (!posted.ok) throw new Error(`POST of message ${n} answered ${posted.status}: ${await posted.text()}`);
      // The next message goes out once every client has this one, so each sample is one delivery, not a queue.
      const deadline = performance.now() + 30_000;
      while (received < expected && performance.now() < deadline) await new Promise(resolve => setTimeout(resolve, 1));
    }
    seconds = (performance.now() - started) / 1000;
    after = servers.map(s => processUsage(s.pid));
  } finally {
    await Promise.all(connections.map(c => c.stop()));
  }

  samples.sort((x, y) => x - y);
  return {
    clients,
    instances: servers.length,
    delivered: samples.length,
    expected: MESSAGES * clients,
    p50: percentile(samples, 50),
    p95: percentile(samples, 95),
    p99: percentile(samples, 99),
    servers: after.map((usage, i) => ({ cpu: (usage.cpuSeconds - before[i].cpuSeconds) / seconds, rss: usage.rss })),
  };
}
