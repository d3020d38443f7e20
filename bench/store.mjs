// Stored messages per second: K concurrent senders (visitors, each in their own conversation) posting
// through the HTTP API as fast as the server answers, beside the same INSERT sent straight through the
// driver (bench/DirectInserts) in the same run: the floor. SQLite, then PostgreSQL.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ReferenceServer } from '../scripts/reference-server.mjs';
import { startPostgres } from '../scripts/services.mjs';

const run = promisify(execFile);
const directDll = join(import.meta.dirname, 'DirectInserts', 'bin', 'Release', 'net10.0', 'DirectInserts.dll');

/** Builds the floor's console program (once per run; quick when nothing changed). */
export async function buildDirectInserts() {
  await run('dotnet', ['build', join(import.meta.dirname, 'DirectInserts'), '-c', 'Release', '-v', 'q', '-nologo']);
}

export async function newVisitor(server) {
  const response = await fetch(`${server.url}/visitors`, { method: 'POST' });
  if (!response.ok) throw new Error(`POST /visitors answered ${response.status}: ${await response.text()}`);
  return response.json();
}

/** K senders posting one message after another for `seconds`; counts only what the server stored (200). */
async function viaApi(server, visitors, senders, seconds) {
  // With a clientMessageId, as the widget sends every message: a new one each, also across the runs of one
  // database (the same visitors post for each K), so no send is answered as a retry of an earlier one.
  const send = ({ token, groupId }, message) =>
    fetch(`${server.url}/chats/${groupId}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
      body: JSON.stringify({ groupId: String(groupId), message, clientMessageId: `k${senders} ${message}` }),
    });
  // One message each first, not counted, so connections and the server's first requests are warm.
  await Promise.all(visitors.slice(0, senders).map(async (visitor, sender) => (await send(visitor, `warm-up ${sender}`)).arrayBuffer()));
  const deadline = performance.now() + seconds * 1000;
  let stored = 0;
  let refused = 0;
  const started = performance.now();
  await Promise.all(
    visitors.slice(0, senders).map(async (visitor, sender) => {
      for (let n = 0; performance.now() < deadline; n++) {
        const response = await send(visitor, `store ${sender} #${n}`);
        await response.arrayBuffer();
        if (response.ok) stored++;
        else refused++;
      }
    }),
  );
  return { stored, refused, seconds: (performance.now() - started) / 1000 };
}

async function direct(provider, connectionString, senders, seconds, { userId, groupId }, synchronous) {
  const args = [directDll, provider, connectionString, '--senders', String(senders), '--seconds', String(seconds)];
  args.push('--user', String(userId), '--group', String(groupId));
  if (synchronous) args.push('--synchronous', synchronous);
  const { stdout } = await run('dotnet', args);
  return JSON.parse(stdout.trim().split('\n').at(-1));
}

/**
 * One server per provider; for each K: the API figure, then the driver's, against the same database.
 * SQLite's floor is given twice: with the driver's default `synchronous=FULL` (an fsync per commit) and
 * with `NORMAL` (WAL's usual setting: durable at each checkpoint, never corrupt). `dll`: another build of
 * the server to run instead (a "before").
 */
export async function storeRuns({ senders = [1, 10, 100], seconds = 5, providers = ['sqlite', 'postgres'], dll, log = () => {} } = {}) {
  const rows = [];
  for (const provider of providers) {
    const postgres = provider === 'postgres' ? await startPostgres() : undefined;
    const server = new ReferenceServer({
      dll,
      env: { SUPPORTCHAT_SEND_LIMIT: '1000000', ...(postgres ? { SUPPORTCHAT_POSTGRES: postgres.connectionString } : {}) },
    });
    try {
      await server.start();
      const visitors = [];
      while (visitors.length < Math.max(...senders)) visitors.push(await newVisitor(server));
      const connectionString = postgres ? postgres.connectionString : `Data Source=${join(server.folder, 'chat.db')}`;
      for (const k of senders) {
        // The floor first: the server's pool still holds the connections of the run before, and PostgreSQL
        // takes 100 in all, so the driver gets at most 40 here (more would not help two cores anyway).
        const row = { provider, senders: k };
        if (postgres) {
          const floor = await direct('postgres', `${connectionString};Maximum Pool Size=40`, k, seconds, visitors[0]);
          row.direct = floor.stored / floor.seconds;
        } else {
          const full = await direct('sqlite', connectionString, k, seconds, visitors[0]);
          const normal = await direct('sqlite', connectionString, k, seconds, visitors[0], 'NORMAL');
          row.direct = full.stored / full.seconds;
          row.directNormal = normal.stored / normal.seconds;
        }
        const api = await viaApi(server, visitors, k, seconds);
        Object.assign(row, { api: api.stored / api.seconds, refused: api.refused });
        log(row);
        rows.push(row);
      }
    } finally {
      await server.stop();
      await postgres?.stop();
    }
  }
  return rows;
}
