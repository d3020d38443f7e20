import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { backoffDelay } from './backoff.js';
import {
  answered,
  asError,
  CONNECT_TIMEOUT_MS,
  createHubConnection,
  type ChatConnection,
  type ConnectionFactory,
  type ConnectionSettings,
} from './hub-connection.js';
import { GroupMembership, leaveBriefly } from './group-membership.js';
import { listen } from './hub-listeners.js';
import { PageWakeController } from './page-wake-controller.js';
import { TypingSignal } from './typing-signal.js';
import { NoAnswerError } from './token-source.js';
import type { ChatStatus } from './types.js';

// Moved to hub-connection.ts with the connection they describe; still exported here, where the tests import them.
export {
  CONNECT_TIMEOUT_MS,
  createHubConnection,
  HubUnreachableError,
  isUnreachable,
  type ChatConnection,
  type ConnectionFactory,
  type ConnectionSettings,
  type TransportName,
} from './hub-connection.js';

export interface HubConnectionOptions {
  /** Called on every connect and reconnect: SignalR asks for a token at each negotiate. */
  accessToken: () => Promise<string>;
  /** Every `ReceiveMessage` argument, unparsed. */
  onMessage: (payload: unknown) => void;
  /** Every `UserTyping` argument, unparsed. */
  onTyping: (payload: unknown) => void;
  /** A push of the support workflow, by name, unparsed. */
  onWorkflow?: (name: string, payload: unknown) => void;
  /** After each successful `JoinGroup`: the moment to fetch what was missed. */
  onJoined: (groupId: string) => void;
  onStatusChange: (status: ChatStatus) => void;
  onError: (error: Error) => void;
  /** The page came back (online again, visible again, unfrozen) while connected: time to check for missed messages. */
  onWake: () => void;
  createConnection?: ConnectionFactory;
  /** Delay before retry `attempt` (of a connect, or of a join the server refused); never "give up". */
  retryDelay?: (attempt: number) => number;
  /**
   * How long a start, or a JoinGroup on a started connection, may take before that connection counts as
   * dead and a new one is made. A connection that never answers must not leave the widget silent.
   */
  connectTimeout?: number;
}

/**
 * Owns one hub connection for one element: starts it when the element is connected, joins the group,
 * re-joins after every reconnect, and when the element goes away leaves the group, stops the
 * connection and removes every handler it registered. `status` changes here and nowhere else.
 */
export class HubConnectionController implements ReactiveController {
  #status: ChatStatus = 'disconnected';
  #url?: string;
  #connectionSettings: Omit<ConnectionSettings, 'accessTokenFactory'> = {};
  #connection?: ChatConnection;
  /** Bumped by every start and stop, so work begun for an older connection knows it is stale. */
  #generation = 0;
  #retryTimer?: ReturnType<typeof setTimeout>;
  #attempt = 0;
  /** The group wanted, the one joined, and the JoinGroup / LeaveGroup calls between them. */
  readonly #membership = new GroupMembership({
    live: (connection, generation) => this.#live(connection, generation),
    onJoined: group => this.options.onJoined(group),
    onError: error => this.options.onError(error),
    onDead: () => {
      // As good as dropped: the next attempts are a reconnect, not news.
      this.#dropped = true;
      void this.#restart({ trouble: true });
    },
    retryDelay: attempt => (this.options.retryDelay ?? backoffDelay)(attempt),
    timeout: () => this.#connectTimeout,
  });
  /**
   * Set when a live connection dropped, until the next one is up. The failed attempts in between are
   * the outage itself, which the status already says ("reconnecting"): they are not reported one by one.
   */
  #dropped = false;
  /** Whether the element is in the page: the only time a connection may exist. */
  #active = false;

  /** Removes the current connection's message and typing handlers. */
  #unlisten?: () => void;
  readonly #typing = new TypingSignal();

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly options: HubConnectionOptions,
  ) {
    // Before this controller: the page's listeners are in place when the connection starts.
    new PageWakeController(host, {
      status: () => this.#status,
      onWake: () => this.options.onWake(),
      restart: () => void this.#restart({ trouble: true }),
    });
    host.addController(this);
  }

  get status(): ChatStatus {
    return this.#status;
  }

  /** The group joined on the current connection, if any. */
  get joinedGroup(): string | undefined {
    return this.#membership.joined;
  }

  hostConnected() {
    this.#active = true;
    void this.#start();
  }

  hostDisconnected() {
    this.#active = false;
    void this.#stop();
  }

  /** Points the controller at a hub (or at none) and connects anew, with whatever token source is now set. */
  configure(url: string | undefined, settings: Omit<ConnectionSettings, 'accessTokenFactory'> = {}) {
    this.#url = url;
    this.#connectionSettings = settings;
    void this.#restart();
  }

  /** Leaves the joined group and joins another, on the live connection; resolves once the change is made. */
  async setGroup(group: string | undefined) {
    if (!this.#membership.want(group)) return;
    const connection = this.#connection;
    if (!connection || this.#status !== 'connected') return;
    await this.#membership.follow(connection, this.#generation);
  }

  /** Tells the joined conversation I am typing, at most once per interval; nothing when not joined. */
  typing() {
    const connection = this.#connection;
    const group = this.#membership.joined;
    if (connection && group !== undefined) this.#typing.send(connection, group);
  }

  /** Calls a hub method on the live connection; refused when there is none. */
  invoke(method: string, ...args: unknown[]): Promise<unknown> {
    // One not yet started refuses by itself.
    return this.#connection?.invoke(method, ...args) ?? Promise.reject(new Error('Not connected.'));
  }

  /** Drops the connection and makes a new one now, skipping any back-off wait. */
  reconnect() {
    return this.#restart();
  }

  /** Waiting out a back-off, tries now; a start already under way is left to finish. */
  retryNow() {
    if (this.#status === 'reconnecting' && !this.#connection) void this.#restart({ trouble: true });
  }

  /**
   * A new connection in place of the old. After trouble (offline, a wake during back-off) the old one is
   * not asked to leave its group, which it could not deliver, and the state goes straight to "reconnecting".
   */
  async #restart({ trouble = false } = {}) {
    await this.#stop({ leave: !trouble, quiet: trouble });
    if (trouble) this.#attempt = 1;
    await this.#start();
  }

  async #start() {
    const url = this.#url;
    if (!url || !this.#active || this.#connection) return;
    const generation = ++this.#generation;
    const factory = this.options.createConnection ?? createHubConnection;
    const connection = factory(url, { ...this.#connectionSettings, accessTokenFactory: this.options.accessToken });
    this.#connection = connection;
    this.#unlisten = listen(connection, () => this.#live(connection, generation), {
      message: this.options.onMessage,
      typing: this.options.onTyping,
      workflow: (name, payload) => this.options.onWorkflow?.(name, payload),
      reconnecting: () => this.#setStatus('reconnecting'),
      reconnected: () => void this.#afterConnect(connection, generation),
      closed: () => {
        // A drop, not a failure: the status says "reconnecting" and a new connection is on its way.
        this.#dropped = true;
        this.#closed(generation);
      },
    });

    this.#setStatus(this.#attempt === 0 ? 'connecting' : 'reconnecting');
    try {
      if (!(await answered(connection.start(), this.#connectTimeout))) {
        throw new NoAnswerError('The hub', this.#connectTimeout);
      }
    } catch (error) {
      if (!this.#live(connection, generation)) return;
      // Abandoned, not left running: a start that answers late must not bring a second connection up.
      void connection.stop().catch(() => undefined);
      if (!this.#dropped) this.options.onError(asError(error));
      this.#closed(generation);
      return;
    }
    // A stop() that came while start() was under way wins: it bumped the generation and has
    // already stopped this connection.
    if (!this.#live(connection, generation)) return;
    await this.#afterConnect(connection, generation);
  }

  async #afterConnect(connection: ChatConnection, generation: number) {
    this.#attempt = 0;
    this.#membership.connected();
    this.#dropped = false;
    this.#setStatus('connected');
    await this.#membership.follow(connection, generation);
  }

  /** The connection ended without our asking (it dropped, or its start failed): a new one, after a back-off. */
  #closed(generation: number) {
    this.#unlisten?.();
    this.#unlisten = undefined;
    this.#connection = undefined;
    this.#membership.forget();
    this.#setStatus('reconnecting');
    const delay = (this.options.retryDelay ?? backoffDelay)(this.#attempt++);
    this.#retryTimer = setTimeout(() => {
      if (this.#current(generation)) void this.#start();
    }, delay);
  }

  async #stop({ leave = true, quiet = false } = {}) {
    this.#generation++;
    clearTimeout(this.#retryTimer);
    this.#attempt = 0;
    const connection = this.#connection;
    const joined = this.#membership.forget();
    const wasConnected = this.#status === 'connected';
    this.#connection = undefined;
    // Said at once, so a start that follows (the element moved in the page) is not overwritten later.
    if (!quiet) {
      this.#setStatus('disconnected');
      this.#dropped = false;
    }
    if (!connection) return;
    this.#unlisten?.();
    this.#unlisten = undefined;
    if (leave && joined !== undefined && wasConnected) await leaveBriefly(connection, joined);
    await connection.stop().catch(() => undefined);
  }

  #current(generation: number) {
    return generation === this.#generation;
  }

  /** Whether this is still the connection in use: work and events of a replaced one are ignored. */
  #live(connection: ChatConnection, generation: number) {
    return this.#current(generation) && this.#connection === connection;
  }

  get #connectTimeout() {
    return this.options.connectTimeout ?? CONNECT_TIMEOUT_MS;
  }

  #setStatus(status: ChatStatus) {
    if (status === this.#status) return;
    this.#status = status;
    this.host.requestUpdate();
    this.options.onStatusChange(status);
  }
}
