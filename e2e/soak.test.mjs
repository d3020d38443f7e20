// The soak's short version (scripts/soak.mjs; `npm run soak -- --seconds 600` for a long one): 20 visitor
// widgets and 2 agent widgets sending for 20 s through random network faults, with a server crash in the
// middle, on SQLite and on PostgreSQL, and once over server-sent events. Nothing may be lost and nothing
// shown or stored twice.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { chromium } from 'playwright-core';
import { chromiumArgs, chromiumPath } from '../scripts/chromium.mjs';
import { missingServices } from '../scripts/services.mjs';
import { runSoak } from '../scripts/soak.mjs';

let browser;

before(async () => {
  browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
});

after(() => browser?.close());

describe('the soak: 22 widgets, random faults and a server crash, for 20 s', () => {
  const runs = [
    { database: 'sqlite' },
    { database: 'postgres' },
    // Where WebSockets are not to be had: every message rides the fallback through the same faults.
    { database: 'sqlite', transport: 'server-sent-events' },
  ];
  for (const { database, transport } of runs) {
    it(`on ${database}${transport ? ` over ${transport}` : ''}: every widget ends with exactly the server's messages, once each, in order`, async () => {
      if (database === 'postgres')
        assert.deepEqual(
          missingServices().filter(name => name === 'postgresql'),
          [],
          'PostgreSQL is needed',
        );
      const result = await runSoak({ seconds: 20, database, transport, browser, log: line => console.log(line) });
      // A run that sent little, or met no faults, would prove nothing.
      assert.ok(result.sent >= 100, `only ${result.sent} messages were sent`);
      assert.ok(Object.values(result.faults).reduce((sum, n) => sum + n, 0) >= 5, JSON.stringify(result.faults));
      assert.deepEqual(result.problems, []);
      assert.equal(result.lost, 0);
      assert.equal(result.duplicates, 0);
      assert.equal(result.stored, result.sent);
      assert.equal(result.delivered, result.expected);
      assert.deepEqual(result.pageErrors, []);
      if (transport) assert.deepEqual(result.transports, [transport], 'the forced transport, and only it, carried the messages');
    });
  }
});
