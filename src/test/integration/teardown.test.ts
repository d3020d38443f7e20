import { expect } from '@open-wc/testing';
import { HubConnectionState, type HubConnection } from '@microsoft/signalr';
import '../../define.js';
import { createHubConnection, type ConnectionFactory } from '../../hub-connection-controller.js';
import type { SupportChat } from '../../support-chat.js';
import { hubUrl, newVisitor, postOk, shownTexts, useReferenceServer } from './reference-server.js';

/** The page's own timer functions, before the test wraps them: the test waits with these, unseen by its count. */
const native = { setTimeout: window.setTimeout.bind(window), clearTimeout: window.clearTimeout.bind(window) };

/** Waits for `condition` with the unwrapped timer, so the waiting adds nothing to what is counted. */
async function until(condition: () => boolean, message: string, timeout = 15_000) {
  const deadline = performance.now() + timeout;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(message);
    await new Promise(resolve => native.setTimeout(resolve, 20));
  }
}

/**
 * Counts what the page is given from now on: listeners on window and document, timers and frames still to
 * run, and BroadcastChannels not closed. `undo` puts the page's own functions back.
 */
function instrument() {
  const listeners = new Map<string, number>();
  const timers = new Set<number>();
  const frames = new Set<number>();
  const channels = new Set<BroadcastChannel>();
  const undo: (() => void)[] = [];
  const replace = <T extends object, K extends keyof T>(target: T, name: K, make: (original: T[K]) => T[K]) => {
    const original = target[name];
    target[name] = make(original);
    undo.push(() => (target[name] = original));
  };
  const ids = new WeakMap<object, number>();
  let nextId = 0;
  const keyOf = (target: string, type: string, listener: unknown, options?: boolean | EventListenerOptions) => {
    if (typeof listener !== 'object' && typeof listener !== 'function') return undefined;
    if (!ids.has(listener!)) ids.set(listener!, ++nextId);
    const capture = typeof options === 'boolean' ? options : !!options?.capture;
    return `${target} ${type} ${ids.get(listener!)} ${capture}`;
  };
  for (const [name, target] of [
    ['window', window],
    ['document', document],
  ] as const) {
    replace(
      target as EventTarget,
      'addEventListener',
      original =>
        function (
          this: EventTarget,
          type: string,
          listener: EventListenerOrEventListenerObject | null,
          options?: boolean | AddEventListenerOptions,
        ) {
          const key = keyOf(name, type, listener, options);
          if (key) listeners.set(key, 1);
          original.call(this, type, listener, options);
        },
    );
    replace(
      target as EventTarget,
      'removeEventListener',
      original =>
        function (
          this: EventTarget,
          type: string,
          listener: EventListenerOrEventListenerObject | null,
          options?: boolean | EventListenerOptions,
        ) {
          const key = keyOf(name, type, listener, options);
          if (key) listeners.delete(key);
          original.call(this, type, listener, options);
        },
    );
  }
  replace(
    window,
    'setTimeout',
    original =>
      ((handler: TimerHandler, ms?: number, ...args: unknown[]) => {
        // SignalR's stateful-reconnect buffer plans a one-second ack timer that its `stop` never clears: the
        // library's, out of the widget's reach, and harmless (it sends nothing over a closed connection).
        if (new Error().stack?.includes('MessageBuffer')) return original(handler, ms, ...args);
        const id: number = original(
          (...given: unknown[]) => {
            timers.delete(id);
            if (typeof handler === 'function') (handler as (...a: unknown[]) => void)(...given);
          },
          ms,
          ...args,
        );
        timers.add(id);
        return id;
      }) as typeof setTimeout,
  );
  replace(
    window,
    'clearTimeout',
    original =>
      ((id?: number) => {
        if (id !== undefined) timers.delete(id);
        original(id);
      }) as typeof clearTimeout,
  );
  replace(
    window,
    'setInterval',
    original =>
      ((handler: TimerHandler, ms?: number, ...args: unknown[]) => {
        const id = original(handler, ms, ...args);
        timers.add(id);
        return id;
      }) as typeof setInterval,
  );
  replace(
    window,
    'clearInterval',
    original =>
      ((id?: number) => {
        if (id !== undefined) timers.delete(id);
        original(id);
      }) as typeof clearInterval,
  );
  replace(window, 'requestAnimationFrame', original => (callback: FrameRequestCallback) => {
    const id = original(time => {
      frames.delete(id);
      callback(time);
    });
    frames.add(id);
    return id;
  });
  replace(window, 'cancelAnimationFrame', original => (id: number) => {
    frames.delete(id);
    original(id);
  });
  replace(
    window,
    'BroadcastChannel',
    Original =>
      class extends Original {
        constructor(name: string) {
          super(name);
          channels.add(this);
        }
        override close() {
          channels.delete(this);
          super.close();
        }
      },
  );
  return {
    listeners: () => [...listeners.keys()],
    timers: () => timers.size + frames.size,
    channels: () => channels.size,
    undo: () => undo.reverse().forEach(put => put()),
  };
}

/** Requests the page makes from now on, with whether the element was still in the page when each was made. */
function watchRequests() {
  const original = window.fetch;
  const made: { method: string; path: string; afterRemoval: boolean }[] = [];
  const open = new Set<Promise<unknown>>();
  let removed = false;
  window.fetch = (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    made.push({ method: request.method, path: new URL(request.url).pathname, afterRemoval: removed });
    const answer = original(input, init);
    const settled: Promise<unknown> = answer.then(
      () => open.delete(settled),
      () => open.delete(settled),
    );
    open.add(settled);
    return answer;
  };
  return {
    made,
    removed: () => (removed = true),
    /** Every request made so far has been answered (or failed). */
    answered: () => open.size === 0,
    undo: () => (window.fetch = original),
  };
}

/** A `<support-chat>` for the visitor, on the real server, with the connections it makes recorded. */
function mount(server: Parameters<typeof hubUrl>[0], visitor: { groupId: string; token: string }) {
  const connections: HubConnection[] = [];
  const factory: ConnectionFactory = (url, settings) => {
    const connection = createHubConnection(url, settings) as unknown as HubConnection;
    connections.push(connection);
    return connection;
  };
  const element = document.createElement('support-chat') as SupportChat;
  Object.assign(element, { mode: 'launcher', hubUrl: hubUrl(server), group: visitor.groupId, sound: true });
  element.tokenProvider = () => visitor.token;
  element.createConnection = factory;
  document.body.append(element);
  return { element, connections };
}

/**
 * Once every connection is closed, nothing may still be planned: checked at once, not by waiting for
 * timers to run out (which cannot tell a cleared timer from an expired one).
 */
async function expectNothingLeft(page: ReturnType<typeof instrument>, connections: HubConnection[]) {
  await until(() => connections.every(c => c.state === HubConnectionState.Disconnected), 'a connection is still open', 5000);
  expect(page.timers(), 'timers or frames still planned').to.equal(0);
  expect(page.listeners()).to.deep.equal([]);
  expect(page.channels()).to.equal(0);
}

describe('removing the element, against the real reference server', () => {
  const env = useReferenceServer();

  it('leaves no listener, timer, frame, BroadcastChannel or connection behind', async () => {
    const visitor = await newVisitor(env.server, 'Leaving');
    await postOk(env.server, env.agent, visitor.groupId, 'Hello, anything else?');
    // The agent types over a connection of its own, made before the page is watched.
    const agent = createHubConnection(hubUrl(env.server), { accessTokenFactory: async () => env.agent }) as unknown as HubConnection;
    await agent.start();
    await agent.invoke('JoinGroup', visitor.groupId);
    const page = instrument();
    try {
      const { element, connections } = mount(env.server, visitor);
      element.show();
      await until(() => element.status === 'connected' && shownTexts(element).length === 1, 'the conversation never loaded');
      // Everything that sets something up: someone typing (their timer), a draft typed (my Typing call),
      // a push (its frame), unread while closed (the title and the channel).
      await agent.invoke('Typing', visitor.groupId);
      await until(() => element.shadowRoot?.querySelector('.typing') !== null, 'the agent typing was never shown');
      // Its own timers are not the widget's.
      await agent.stop();
      const draft = element.shadowRoot!.querySelector('textarea')!;
      draft.value = 'I was about to';
      draft.dispatchEvent(new InputEvent('input', { bubbles: true, composed: true }));
      element.hide();
      await postOk(env.server, env.agent, visitor.groupId, 'Are you still there?');
      await until(() => element.unreadCount === 1, 'the unread count never rose');
      await until(() => page.channels() === 1, 'no BroadcastChannel was opened for the conversation');
      expect(page.listeners()).to.not.deep.equal([]);
      expect(page.timers()).to.be.greaterThan(0);

      element.remove();
      await expectNothingLeft(page, connections);
      expect(connections).to.have.length(1);
    } finally {
      page.undo();
      await agent.stop();
    }
  });

  it('removed right after a send: the message is stored once, and nothing is asked or planned after', async () => {
    const visitor = await newVisitor(env.server, 'Sending then leaving');
    const requests = watchRequests();
    const page = instrument();
    try {
      const { element, connections } = mount(env.server, visitor);
      await until(
        () => element.status === 'connected' && requests.made.some(r => r.method === 'GET' && r.path.startsWith('/chats/')),
        'the conversation never loaded',
      );
      await until(() => requests.answered(), 'the history never answered');
      void element.send('Bye for now');
      await until(() => requests.made.some(r => r.method === 'POST' && r.path.startsWith('/chats/')), 'the send never went out');
      element.remove();
      requests.removed();
      await until(() => requests.answered(), 'the send never answered');
      await expectNothingLeft(page, connections);
      expect(requests.made.filter(r => r.afterRemoval)).to.deep.equal([]);
      const history = await fetch(`${env.server.url}/chats/${visitor.groupId}`, { headers: { Authorization: `Bearer ${visitor.token}` } });
      const { chats } = (await history.json()) as { chats: { message: string }[] };
      expect(chats.map(c => c.message)).to.deep.equal(['Bye for now']);
    } finally {
      page.undo();
      requests.undo();
    }
  });

  it('moved in the page, then removed: one connection each time, and nothing left', async () => {
    const visitor = await newVisitor(env.server, 'Moving');
    await postOk(env.server, env.agent, visitor.groupId, 'Hello');
    const page = instrument();
    try {
      const { element, connections } = mount(env.server, visitor);
      await until(() => element.status === 'connected', 'never connected');
      const box = document.createElement('div');
      document.body.append(box);
      box.append(element);
      await until(() => element.status === 'connected' && connections.length === 2, 'never connected again after the move');
      await until(() => shownTexts(element).length === 1, 'the conversation was lost in the move');
      element.remove();
      box.remove();
      await expectNothingLeft(page, connections);
      expect(connections).to.have.length(2);
    } finally {
      page.undo();
    }
  });
});
