// The per-user cap on hub connections, on the real server process, over WebSockets that skip the negotiate
// step (where the 429 at negotiate cannot stop them): the connection past the cap is closed by the hub
// right after its handshake, and the ones already open keep working.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { HttpTransportType, HubConnectionBuilder, HubConnectionState, LogLevel } from '@microsoft/signalr';
import { ReferenceServer } from '../scripts/reference-server.mjs';

const server = new ReferenceServer({ env: { SUPPORTCHAT_MAX_CONNECTIONS_PER_USER: '2' } });

before(() => server.start());
after(() => server.stop());

const hub = token =>
  new HubConnectionBuilder()
    .withUrl(`${server.url}/hubs/groupchat`, {
      skipNegotiation: true,
      transport: HttpTransportType.WebSockets,
      accessTokenFactory: () => token,
    })
    .configureLogging(LogLevel.None)
    .build();

describe('hub connections per user', () => {
  it('closes the one past the cap, though it skipped negotiation, and keeps the others', { timeout: 60_000 }, async () => {
    const visitor = await (await fetch(`${server.url}/visitors`, { method: 'POST' })).json();
    const open = [hub(visitor.token), hub(visitor.token)];
    const extra = hub(visitor.token);
    try {
      for (const connection of open) {
        await connection.start();
        await connection.invoke('JoinGroup', String(visitor.groupId));
      }

      const closed = new Promise(resolve => extra.onclose(resolve));
      // Closed right after the handshake, or so soon that the start itself fails: refused either way.
      await extra.start().then(
        () => closed,
        () => undefined,
      );
      assert.equal(extra.state, HubConnectionState.Disconnected);

      for (const connection of open) await connection.invoke('JoinGroup', String(visitor.groupId));
    } finally {
      await Promise.all([...open, extra].map(connection => connection.stop()));
    }
  });
});
