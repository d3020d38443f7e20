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

describe('removing the element, against the real reference server', () => {
  const env = useReferenceServer();

  it('leaves no listener, timer, frame, BroadcastChannel or connection behind', async () => {
    const visitor = await newVisitor(env.server, 'Leaving');
    await postOk(env.server, env.agent, visitor.groupId, 'Hello, anything else?');
    const connections: HubConnection[] = [];
    const factory: ConnectionFactory = (url, settings) => {
      const connection = createHubConnection(url, settings) as unknown as HubConnection;
      connections.push(connection);
      return connection;
    };
    const page = instrument();
    try {
      const element = document.createElement('support-chat') as SupportChat;
      Object.assign(element, { mode: 'launcher', hubUrl: hubUrl(env.server), group: visitor.groupId, sound: true });
      element.tokenProvider = () => visitor.token;
      element.createConnection = factory;
      document.body.append(element);
      element.show();
      await until(() => element.status === 'connected' && shownTexts(element).length === 1, 'the conversation never loaded');
      // Everything that sets something up: a push (its frame), unread while closed (the title and the
      // channel), someone typing (their timer), a draft typed (my Typing call).
      element.hide();
      await postOk(env.server, env.agent, visitor.groupId, 'Are you still there?');
      await until(() => element.unreadCount === 1, 'the unread count never rose');
      await until(() => page.channels() === 1, 'no BroadcastChannel was opened for the conversation');
      expect(page.listeners()).to.not.deep.equal([]);

      element.remove();
      await until(() => connections.every(c => c.state === HubConnectionState.Disconnected), 'a connection is still open', 5000);
      await until(() => page.timers() === 0, `${page.timers()} timers or frames are still waiting`, 5000);
      expect(page.listeners()).to.deep.equal([]);
      expect(page.channels()).to.equal(0);
      expect(connections).to.have.length(1);
    } finally {
      page.undo();
    }
  });
});
