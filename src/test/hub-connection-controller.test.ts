import { expect, waitUntil } from '@open-wc/testing';
import { HubConnectionController, type HubConnectionOptions } from '../hub-connection-controller.js';
import type { ChatStatus } from '../types.js';
import { FakeConnection, FakeHost, settle } from './fake-connection.js';

function setUp(overrides: Partial<HubConnectionOptions> = {}) {
  const host = new FakeHost();
  const connections: FakeConnection[] = [];
  const statuses: ChatStatus[] = [];
  const joined: string[] = [];
  const errors: Error[] = [];
  const messages: unknown[] = [];
  const typings: unknown[] = [];
  const tokenUrls: string[] = [];
  let wakes = 0;
  const transports: unknown[] = [];
  let prepare: (connection: FakeConnection) => void = () => {};
  const controller = new HubConnectionController(host, {
    accessToken: async () => 'token',
    onMessage: payload => messages.push(payload),
    onTyping: payload => typings.push(payload),
    onJoined: group => joined.push(group),
    onStatusChange: status => statuses.push(status),
    onError: error => errors.push(error),
    onWake: () => wakes++,
    createConnection: (url, settings) => {
      tokenUrls.push(url);
      transports.push(settings.transports);
      const connection = new FakeConnection();
      prepare(connection);
      connections.push(connection);
      return connection;
    },
    retryDelay: () => 0,
    ...overrides,
  });
  /** The element's usual start: a group, then into the page, then pointed at a hub. */
  async function connect(group?: string) {
    if (group !== undefined) await controller.setGroup(group);
    host.connect();
    controller.configure('https://chat.example/hubs/groupchat');
    await settle();
  }
  return {
    wakes: () => wakes,
    typings,
    transports,
    connect,
    host,
    controller,
    connections,
    statuses,
    joined,
    errors,
    messages,
    tokenUrls,
    beforeStart: (fn: (c: FakeConnection) => void) => (prepare = fn),
  };
}

describe('HubConnectionController', () => {
  it('connects when the host is in the page, joins the group as a string, then reports the join', async () => {
    const t = setUp();
    await t.controller.setGroup('42');
    t.host.connect();
    t.controller.configure('https://chat.example/hubs/groupchat');
    await settle();
    expect(t.tokenUrls).to.deep.equal(['https://chat.example/hubs/groupchat']);
    expect(t.connections[0].calls).to.deep.equal(['start', 'JoinGroup(42)']);
    expect(t.statuses).to.deep.equal(['connecting', 'connected']);
    expect(t.joined).to.deep.equal(['42']);
    expect(t.controller.status).to.equal('connected');
  });

  it('passes the forced transports to each new connection', async () => {
    const t = setUp();
    t.host.connect();
    t.controller.configure('u', { transports: ['long-polling'] });
    await settle();
    await t.controller.reconnect();
    expect(t.transports).to.deep.equal([['long-polling'], ['long-polling']]);
  });

  it('does not connect while the host is out of the page', async () => {
    const t = setUp();
    t.controller.configure('https://chat.example/hubs/groupchat');
    await settle();
    expect(t.connections).to.have.length(0);
  });

  it('passes every ReceiveMessage argument on', async () => {
    const t = setUp();
    await t.connect();
    t.connections[0].push('ReceiveMessage', { id: 1 });
    expect(t.messages).to.deep.equal([{ id: 1 }]);
  });

  it('re-joins after every reconnect and reports each join, so the element catches up', async () => {
    const t = setUp();
    await t.connect('7');
    await t.connections[0].blip();
    await t.connections[0].blip();
    expect(t.connections[0].calls).to.deep.equal(['start', 'JoinGroup(7)', 'JoinGroup(7)', 'JoinGroup(7)']);
    expect(t.joined).to.deep.equal(['7', '7', '7']);
    expect(t.statuses).to.deep.equal(['connecting', 'connected', 'reconnecting', 'connected', 'reconnecting', 'connected']);
  });

  it('on removal leaves the group, stops the connection and removes its handlers', async () => {
    const t = setUp();
    await t.connect('7');
    const connection = t.connections[0];
    // ReceiveMessage, UserTyping, and the workflow's ConversationState, ReadUpTo and Availability.
    expect(connection.handlerCount()).to.equal(5);
    t.host.disconnect();
    await settle();
    expect(connection.calls).to.deep.equal(['start', 'JoinGroup(7)', 'LeaveGroup(7)', 'stop']);
    expect(connection.handlerCount()).to.equal(0);
    expect(t.controller.status).to.equal('disconnected');
    connection.push('ReceiveMessage', { id: 1 });
    expect(t.messages).to.deep.equal([]);
  });

  it('lets a stop that arrives during start win', async () => {
    const t = setUp();
    let open!: () => void;
    t.beforeStart(c => (c.startGate = new Promise(resolve => (open = resolve))));
    await t.connect('7');
    t.host.disconnect();
    open();
    await settle();
    expect(t.connections[0].calls).to.deep.equal(['start', 'stop']);
    expect(t.controller.status).to.equal('disconnected');
    expect(t.joined).to.deep.equal([]);
  });

  it('retries a failed start with a new connection, reporting each failure', async () => {
    const t = setUp();
    t.beforeStart(c => {
      if (t.connections.length < 2) c.startError = new Error('Failed to complete negotiation with the server');
    });
    await t.connect('7');
    await settle();
    await settle();
    expect(t.connections).to.have.length(3);
    expect(t.errors.map(e => e.message)).to.deep.equal([
      'Failed to complete negotiation with the server',
      'Failed to complete negotiation with the server',
    ]);
    expect(t.controller.status).to.equal('connected');
    expect(t.joined).to.deep.equal(['7']);
  });

  it('starts anew when the connection closes without being asked to', async () => {
    const t = setUp();
    await t.connect();
    for (const callback of t.connections[0].closeCallbacks) callback(new Error('Server timeout elapsed'));
    expect(t.controller.status).to.equal('reconnecting');
    await settle();
    await settle();
    expect(t.connections).to.have.length(2);
    expect(t.controller.status).to.equal('connected');
    expect(t.connections[0].handlerCount()).to.equal(0);
  });

  it('reports a refused join and stays connected', async () => {
    // The next ask is a minute away: this test is about the first refusal.
    const t = setUp({ retryDelay: () => 60_000 });
    t.beforeStart(c => c.refuse.set('JoinGroup', new Error('You may not join conversation 9.')));
    await t.connect('9');
    expect(t.errors.map(e => e.message)).to.deep.equal(['You may not join conversation 9.']);
    expect(t.joined).to.deep.equal([]);
    expect(t.controller.joinedGroup).to.equal(undefined);
    expect(t.controller.status).to.equal('connected');
    t.host.disconnect();
  });

  // What the CI run of the restart test ended in: the server came back, the connection came back, and
  // its JoinGroup failed (a server still starting under load). Nothing asked again, so the widget was
  // connected, out of its group, and silent: no pushes, and no catch-up, which only a join starts.
  it('a re-join that fails after a reconnect is asked again after a back-off, and then catches up', async () => {
    const t = setUp();
    await t.connect('7');
    const connection = t.connections[0];
    connection.refuse.set('JoinGroup', new Error("An unexpected error occurred invoking 'JoinGroup' on the server."));
    await connection.blip();
    expect(t.errors).to.have.length(1);
    connection.refuse.delete('JoinGroup');
    await waitUntil(() => t.joined.length === 2, 'the group was never joined again');
    expect(t.controller.joinedGroup).to.equal('7');
    expect(t.controller.status).to.equal('connected');
    expect(connection.calls).to.deep.equal(['start', 'JoinGroup(7)', 'JoinGroup(7)', 'JoinGroup(7)']);
  });

  // The other way to end up connected and silent: SignalR 10's own automatic reconnect, landing on
  // another transport after a WebSocket with stateful reconnect dropped, keeps the old buffer, which
  // holds back every invocation. The connection looks open; JoinGroup is never answered.
  it('a connection that comes back but never answers JoinGroup is replaced by a new one, which joins', async () => {
    const t = setUp({ connectTimeout: 50 });
    await t.connect('7');
    const zombie = t.connections[0];
    zombie.hang.add('JoinGroup');
    await zombie.blip();
    await waitUntil(() => t.joined.length === 2, 'the group was never joined again');
    expect(zombie.calls).to.deep.equal(['start', 'JoinGroup(7)', 'JoinGroup(7)', 'stop']);
    expect(zombie.handlerCount()).to.equal(0);
    expect(t.connections).to.have.length(2);
    expect(t.connections[1].calls).to.deep.equal(['start', 'JoinGroup(7)']);
    expect(t.controller.status).to.equal('connected');
    // A reconnect is not news: nothing to show the visitor.
    expect(t.errors).to.deep.equal([]);
  });

  // What a soak over server-sent events ended in: a widget connected and silent, its last error SignalR's own
  // refusal to send. Its start had ended connected though the stream under it was reset during the start's
  // ping: each JoinGroup asked again on that connection was refused the same way.
  const notConnected = () => new Error("Cannot send data if the connection is not in the 'Connected' State.");

  it('a new connection that will not send JoinGroup, though it says it is connected, is replaced by one that joins', async () => {
    const t = setUp();
    t.beforeStart(c => {
      if (t.connections.length === 0) c.refuse.set('JoinGroup', notConnected());
    });
    await t.connect('7');
    await waitUntil(() => t.joined.length === 1, 'the group was never joined');
    expect(t.connections[0].calls).to.deep.equal(['start', 'JoinGroup(7)', 'stop']);
    expect(t.connections).to.have.length(2);
    expect(t.connections[1].calls).to.deep.equal(['start', 'JoinGroup(7)']);
    expect(t.controller.status).to.equal('connected');
    // A reconnect is not news: nothing to show the visitor.
    expect(t.errors).to.deep.equal([]);
  });

  it('connections that all end so are replaced after a back-off that grows, not in a loop', async () => {
    const attempts: number[] = [];
    const t = setUp({ retryDelay: attempt => (attempts.push(attempt), 0) });
    t.beforeStart(c => c.refuse.set('JoinGroup', notConnected()));
    await t.connect('7');
    await waitUntil(() => t.connections.length >= 4, 'the connection was not replaced');
    t.host.disconnect();
    expect(attempts.slice(0, 3)).to.deep.equal([0, 1, 2]);
    expect(t.errors).to.deep.equal([]);
  });

  it('a start that never settles is abandoned after the connect timeout, and a new connection is made', async () => {
    const t = setUp({ connectTimeout: 50 });
    t.beforeStart(c => {
      if (t.connections.length === 0) c.startGate = new Promise(() => {});
    });
    await t.connect('7');
    await waitUntil(() => t.joined.length === 1, 'never connected');
    expect(t.connections[0].calls).to.deep.equal(['start', 'stop']);
    expect(t.connections[1].calls).to.deep.equal(['start', 'JoinGroup(7)']);
    expect(t.errors.map(e => e.message)).to.deep.equal(['The hub did not answer within 50 ms.']);
  });

  it('a dropped connection is replaced by a new one, which re-joins; failed attempts in between are not reported', async () => {
    const t = setUp();
    await t.connect('7');
    t.beforeStart(c => {
      if (t.connections.length < 3) c.startError = new Error('Failed to complete negotiation with the server');
    });
    for (const callback of t.connections[0].closeCallbacks) callback(new Error('WebSocket closed with status code: 1006'));
    await waitUntil(() => t.joined.length === 2, 'never re-joined');
    expect(t.connections).to.have.length(4);
    expect(t.errors).to.deep.equal([]);
    expect(t.statuses).to.deep.equal(['connecting', 'connected', 'reconnecting', 'connected']);
  });

  it('moving to another group leaves the old one and joins the new one', async () => {
    const t = setUp();
    await t.connect('1');
    await t.controller.setGroup('2');
    expect(t.connections[0].calls).to.deep.equal(['start', 'JoinGroup(1)', 'LeaveGroup(1)', 'JoinGroup(2)']);
    expect(t.controller.joinedGroup).to.equal('2');
    expect(t.joined).to.deep.equal(['1', '2']);
  });

  it('a switch while a join is on its way leaves that group once it answers: one membership, the last one', async () => {
    const t = setUp();
    await t.connect('1');
    const release = t.connections[0].hold('JoinGroup(2)');
    const toTwo = t.controller.setGroup('2');
    await waitUntil(() => t.connections[0].calls.includes('JoinGroup(2)'), 'never asked to join 2');
    const toThree = t.controller.setGroup('3');
    await settle();
    release();
    await Promise.all([toTwo, toThree]);
    expect(t.connections[0].calls).to.deep.equal([
      'start',
      'JoinGroup(1)',
      'LeaveGroup(1)',
      'JoinGroup(2)',
      'LeaveGroup(2)',
      'JoinGroup(3)',
    ]);
    expect(t.controller.joinedGroup).to.equal('3');
    // Only the wanted groups are reported joined: a catch-up for 2 would fill 3's conversation.
    expect(t.joined).to.deep.equal(['1', '3']);
  });

  it('when the page comes back, checks for missed messages if connected, or connects at once if waiting', async () => {
    const t = setUp({ retryDelay: () => 60_000 });
    await t.connect('1');
    window.dispatchEvent(new Event('online'));
    document.dispatchEvent(new Event('resume'));
    expect(t.wakes()).to.equal(2);

    // Closed and waiting a minute before the next try: coming back online tries now.
    for (const callback of t.connections[0].closeCallbacks) callback(new Error('Network lost'));
    expect(t.controller.status).to.equal('reconnecting');
    window.dispatchEvent(new Event('online'));
    await settle();
    expect(t.connections).to.have.length(2);
    expect(t.controller.status).to.equal('connected');
    expect(t.wakes()).to.equal(2);

    // Once removed, the page's events reach it no more.
    t.host.disconnect();
    window.dispatchEvent(new Event('online'));
    expect(t.wakes()).to.equal(2);
  });

  it('going offline drops the connection at once, without asking to leave, and says "reconnecting"', async () => {
    const t = setUp();
    await t.connect('1');
    window.dispatchEvent(new Event('offline'));
    await settle();
    expect(t.connections[0].calls).to.deep.equal(['start', 'JoinGroup(1)', 'stop']);
    expect(t.connections[1].calls).to.deep.equal(['start', 'JoinGroup(1)']);
    expect(t.statuses).to.deep.equal(['connecting', 'connected', 'reconnecting', 'connected']);
  });

  it('on removal, stops even when LeaveGroup never answers', async () => {
    const t = setUp();
    await t.connect('1');
    t.connections[0].hang.add('LeaveGroup');
    t.host.disconnect();
    await waitUntil(() => t.connections[0].calls.includes('stop'), 'the connection was never stopped', { timeout: 5000 });
    expect(t.connections[0].calls).to.deep.equal(['start', 'JoinGroup(1)', 'LeaveGroup(1)', 'stop']);
    expect(t.connections[0].handlerCount()).to.equal(0);
  });

  it("tells the joined group about typing at most once per interval, and passes others' typing on", async () => {
    const t = setUp();
    t.controller.typing();
    await t.connect('5');
    t.controller.typing();
    t.controller.typing();
    expect(t.connections[0].calls).to.deep.equal(['start', 'JoinGroup(5)', 'Typing(5)']);
    t.connections[0].push('UserTyping', { groupId: 5, userId: 2, name: 'Agent' });
    expect(t.typings).to.deep.equal([{ groupId: 5, userId: 2, name: 'Agent' }]);
  });

  it("stops sending Typing to a server that has no such method, as the seed's", async () => {
    const t = setUp();
    t.beforeStart(c => c.refuse.set('Typing', new Error('HubException: Method does not exist.')));
    await t.connect('5');
    t.controller.typing();
    await settle();
    // Time is the subject: past the interval, a server with Typing would be told again.
    await new Promise(resolve => setTimeout(resolve, 3100));
    t.controller.typing();
    expect(t.connections[0].calls.filter(call => call.startsWith('Typing'))).to.have.length(1);
  });

  it('retryNow() ends a back-off wait with a new connection, and leaves a start under way alone', async () => {
    const t = setUp({ retryDelay: () => 60_000 });
    await t.connect('1');
    t.controller.retryNow();
    await settle();
    expect(t.connections).to.have.length(1);

    for (const callback of t.connections[0].closeCallbacks) callback(new Error('Server gone'));
    expect(t.controller.status).to.equal('reconnecting');
    let answer!: () => void;
    t.beforeStart(connection => (connection.startGate = new Promise<void>(resolve => (answer = resolve))));
    t.controller.retryNow();
    await settle();
    expect(t.connections).to.have.length(2);
    t.controller.retryNow();
    await settle();
    expect(t.connections).to.have.length(2);
    answer();
    await waitUntil(() => t.controller.status === 'connected', 'the new connection never came up');
    expect(t.connections[1].calls).to.deep.equal(['start', 'JoinGroup(1)']);
  });

  it('reconnect() makes a new connection at once', async () => {
    const t = setUp();
    await t.connect('1');
    await t.controller.reconnect();
    await settle();
    expect(t.connections).to.have.length(2);
    expect(t.connections[0].calls).to.deep.equal(['start', 'JoinGroup(1)', 'LeaveGroup(1)', 'stop']);
    expect(t.connections[1].calls).to.deep.equal(['start', 'JoinGroup(1)']);
  });
});
