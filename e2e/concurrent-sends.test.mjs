// Ten sends at once with one clientMessageId (a widget's retries racing its first try) on the real server
// process, on each store: one message stored, and every one of the ten answered 200 with it. The unique
// index refuses the losers in the database; the server answers them with the winner.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ReferenceServer } from '../scripts/reference-server.mjs';
import { missingServices, startPostgres } from '../scripts/services.mjs';

let postgres;
const servers = {};

before(async () => {
  assert.ok(!missingServices().includes('postgresql'), 'PostgreSQL is missing: sudo apt-get install postgresql');
  postgres = await startPostgres();
  [servers.SQLite, servers.PostgreSQL] = await Promise.all([
    new ReferenceServer().start(),
    new ReferenceServer({ env: { SUPPORTCHAT_POSTGRES: postgres.connectionString } }).start(),
  ]);
});

after(async () => {
  await Promise.all(Object.values(servers).map(server => server.stop()));
  await postgres?.stop();
});

async function json(response) {
  assert.equal(response.status, 200, await response.clone().text());
  return response.json();
}

describe('ten concurrent sends with one clientMessageId', () => {
  for (const store of ['SQLite', 'PostgreSQL']) {
    it(`store one message on ${store} and answer each of the ten with it`, async () => {
      const server = servers[store];
      const visitor = await json(await fetch(`${server.url}/visitors`, { method: 'POST' }));
      const headers = { 'Content-Type': 'application/json', Authorization: `Bearer ${visitor.token}` };
      const body = JSON.stringify({ groupId: visitor.groupId, message: 'once, ten times', clientMessageId: `race-${store}` });

      const answers = await Promise.all(
        Array.from({ length: 10 }, () => fetch(`${server.url}/chats/${visitor.groupId}`, { method: 'POST', headers, body }).then(json)),
      );

      const { chats } = await json(await fetch(`${server.url}/chats/${visitor.groupId}`, { headers }));
      assert.equal(chats.length, 1);
      assert.deepEqual(
        answers.map(answer => answer.chat.id),
        answers.map(() => chats[0].id),
      );
    });
  }
});
