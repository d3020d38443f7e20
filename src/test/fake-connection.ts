import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { ChatConnection } from '../hub-connection-controller.js';

type Handler = (...args: unknown[]) => void;

/**
 * Stands in for SignalR's HubConnection in unit tests of the controller: records what was called and
 * lets the test play the server's part (pushes, drops, refusals). Wire behaviour is proven against the
 * real server in test/integration.
 */
export class FakeConnection implements ChatConnection {
  readonly calls: string[] = [];
  readonly handlers = new Map<string, Set<Handler>>();
  closeCallbacks: ((error?: Error) => void)[] = [];
  reconnectingCallbacks: ((error?: Error) => void)[] = [];
  reconnectedCallbacks: ((id?: string) => void)[] = [];
  /** Set to make the next start() wait until the test resolves it. */
  startGate?: Promise<void>;
  startError?: Error;
  refuse = new Map<string, Error>();
  /** Methods whose invocation never answers, as over a connection that died without a word. */
  hang = new Set<string>();
  /** Invocations held until the test releases them, by the call as `calls` records it, e.g. `JoinGroup(2)`. */
  readonly held = new Map<string, { promise: Promise<void>; release: () => void }>();

  async start() {
    this.calls.push('start');
    if (this.startGate) await this.startGate;
    if (this.startError) throw this.startError;
  }

  async stop() {
    this.calls.push('stop');
  }

  async invoke(method: string, ...args: unknown[]) {
    this.calls.push(`${method}(${args.join(',')})`);
    const error = this.refuse.get(method);
    if (error) throw error;
    if (this.hang.has(method)) await new Promise(() => {});
    await this.held.get(`${method}(${args.join(',')})`)?.promise;
    return undefined;
  }

  on(method: string, handler: Handler) {
    if (!this.handlers.has(method)) this.handlers.set(method, new Set());
    this.handlers.get(method)!.add(handler);
  }

  off(method: string, handler: Handler) {
    this.handlers.get(method)?.delete(handler);
  }

  onclose(callback: (error?: Error) => void) {
    this.closeCallbacks.push(callback);
  }

  onreconnecting(callback: (error?: Error) => void) {
    this.reconnectingCallbacks.push(callback);
  }

  onreconnected(callback: (id?: string) => void) {
    this.reconnectedCallbacks.push(callback);
  }

  /** Holds the answer to this call (e.g. `JoinGroup(2)`) until the returned function is called. */
  hold(call: string): () => void {
    let release = () => {};
    const promise = new Promise<void>(resolve => (release = resolve));
    this.held.set(call, { promise, release });
    return release;
  }

  push(method: string, ...args: unknown[]) {
    for (const handler of this.handlers.get(method) ?? []) handler(...args);
  }

  handlerCount() {
    return [...this.handlers.values()].reduce((sum, set) => sum + set.size, 0);
  }

  /** What SignalR does on a dropped transport that its automatic reconnect then restores. */
  async blip() {
    for (const callback of this.reconnectingCallbacks) callback(new Error('WebSocket closed'));
    for (const callback of this.reconnectedCallbacks) callback('new-id');
    await settle();
  }
}

/** A bare controller host, standing for the element. */
export class FakeHost implements ReactiveControllerHost {
  readonly controllers: ReactiveController[] = [];
  updates = 0;
  readonly updateComplete = Promise.resolve(true);

  addController(controller: ReactiveController) {
    this.controllers.push(controller);
  }

  removeController() {}

  requestUpdate() {
    this.updates++;
  }

  connect() {
    for (const controller of this.controllers) controller.hostConnected?.();
  }

  disconnect() {
    for (const controller of this.controllers) controller.hostDisconnected?.();
  }
}

/** Lets every pending promise callback run. */
export const settle = () => new Promise(resolve => setTimeout(resolve, 0));

/**
 * The element loads its conversation code on first use, and the test server compiles those modules on first
 * request: on a loaded machine that takes longer than a test's short waits are about. Call it in `before`.
 */
export const loadConversationCode = () => import('../chat-core.js');
