import { HttpTransportType, HubConnectionBuilder, LogLevel } from '@microsoft/signalr';
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { backoffDelay } from './backoff.js';
import { HubMethods } from './hub-protocol.js';
import type { ChatStatus } from './types.js';

/** The part of SignalR's `HubConnection` this controller uses; tests pass a fake through `createConnection`. */
export interface ChatConnection {
  start(): Promise<void>;
  stop(): Promise<void>;
  invoke(method: string, ...args: unknown[]): Promise<unknown>;
  on(method: string, handler: (...args: unknown[]) => void): void;
  off(method: string, handler: (...args: unknown[]) => void): void;
  onclose(callback: (error?: Error) => void): void;
  onreconnecting(callback: (error?: Error) => void): void;
  onreconnected(callback: (connectionId?: string) => void): void;
}

/** The transports a page may force, by the names SignalR's docs use. */
export type TransportName = 'websockets' | 'server-sent-events' | 'long-polling';

export interface ConnectionSettings {
  accessTokenFactory: () => Promise<string>;
  /** Only these transports; all of them, in SignalR's order of preference, when absent. */
  transports?: readonly TransportName[];
  /** Straight to a WebSocket, without negotiate: for balancers without session affinity. */
  skipNegotiation?: boolean;
}

export type ConnectionFactory = (url: string, settings: ConnectionSettings) => ChatConnection;

export interface HubConnectionOptions {
  /** Called on every connect and reconnect: SignalR asks for a token at each negotiate. */
  accessToken: () => Promise<string>;
  /** Every `ReceiveMessage` argument, unparsed. */
  onMessage: (payload: unknown) => void;
  /** Every `UserTyping` argument, unparsed. */
  onTyping: (payload: unknown) => void;
  /** After each successful `JoinGroup`: the moment to fetch what was missed. */
  onJoined: (groupId: string) => void;
  onStatusChange: (status: ChatStatus) => void;
  onError: (error: Error) => void;
  /** The page came back (online again, visible again, unfrozen) while connected: time to check for missed messages. */
  onWake: () => void;
  createConnection?: ConnectionFactory;
  /** Delay before retry `attempt`; never "give up". */
  retryDelay?: (attempt: number) => number;
}

/** The least time between two Typing calls: enough for "is typing…" to stay up, little for the hub. */
export const TYPING_INTERVAL_MS = 3000;

/** How long a departing connection waits for the server to confirm LeaveGroup. */
const LEAVE_TIMEOUT_MS = 1000;

const transportFlags: Record<TransportName, HttpTransportType> = {
  websockets: HttpTransportType.WebSockets,
  'server-sent-events': HttpTransportType.ServerSentEvents,
  'long-polling': HttpTransportType.LongPolling,
};

/** A real SignalR connection with automatic reconnect that never gives up (capped back-off with jitter). */
export const createHubConnection: ConnectionFactory = (url, { accessTokenFactory, transports, skipNegotiation }) =>
  new HubConnectionBuilder()
    .withUrl(url, {
      accessTokenFactory,
      // Without negotiate there is only the WebSocket.
      skipNegotiation,
      transport: skipNegotiation
        ? HttpTransportType.WebSockets
        : transports?.length
          ? transports.reduce((flags, name) => flags | transportFlags[name], HttpTransportType.None)
          : undefined,
    })
    // SignalR stops reconnecting when the policy returns null; ours never does.
    .withAutomaticReconnect({ nextRetryDelayInMilliseconds: ({ previousRetryCount }) => backoffDelay(previousRetryCount) })
    // A short WebSocket blip is bridged by the server replaying what was not acknowledged, where it allows that.
    .withStatefulReconnect()
    .configureLogging(LogLevel.Warning)
    .build();

/**
 * Owns one hub connection for one element: starts it when the element is connected, joins the group,
 * re-joins after every reconnect, and when the element goes away leaves the group, stops the
 * connection and removes every handler it registered. `status` changes here and nowhere else.
 */
export class HubConnectionController implements ReactiveController {
  #status: ChatStatus = 'disconnected';
  #url?: string;
  #connectionSettings: Omit<ConnectionSettings, 'accessTokenFactory'> = {};
  #group?: string;
  #joined?: string;
  #connection?: ChatConnection;
  /** Bumped by every start and stop, so work begun for an older connection knows it is stale. */
  #generation = 0;
  #retryTimer?: ReturnType<typeof setTimeout>;
  #attempt = 0;
  /** Whether the element is in the page: the only time a connection may exist. */
  #active = false;

  readonly #onMessage = (...args: unknown[]) => this.options.onMessage(args[0]);
  readonly #onTyping = (...args: unknown[]) => this.options.onTyping(args[0]);
  #typingSentAt = -Infinity;
  /** False once a server said it has no Typing method (the seed's has none): then it is not asked again. */
  #typingSupported = true;

  /**
   * The page is back: online again, visible again, or thawed after the browser froze it. Connected, it
   * checks for what it missed; waiting out a back-off, it tries at once instead.
   */
  readonly #onWake = (event: Event) => {
    if (event.type === 'visibilitychange' && document.visibilityState !== 'visible') return;
    if (this.#status === 'connected') this.options.onWake();
    else if (this.#status === 'reconnecting') void this.#restart({ trouble: true });
  };

  /**
   * The browser says the network is gone. An open socket can look alive for another half minute before
   * its keep-alive fails, so drop it now: the state says "reconnecting" at once, and `online` ends the wait.
   */
  readonly #onOffline = () => {
    if (this.#status === 'connected' || this.#status === 'connecting') void this.#restart({ trouble: true });
  };

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly options: HubConnectionOptions,
  ) {
    host.addController(this);
  }

  get status(): ChatStatus {
    return this.#status;
  }

  /** The group joined on the current connection, if any. */
  get joinedGroup(): string | undefined {
    return this.#joined;
  }

  hostConnected() {
    this.#active = true;
    window.addEventListener('online', this.#onWake);
    window.addEventListener('offline', this.#onOffline);
    document.addEventListener('visibilitychange', this.#onWake);
    document.addEventListener('resume', this.#onWake);
    void this.#start();
  }

  hostDisconnected() {
    this.#active = false;
    window.removeEventListener('online', this.#onWake);
    window.removeEventListener('offline', this.#onOffline);
    document.removeEventListener('visibilitychange', this.#onWake);
    document.removeEventListener('resume', this.#onWake);
    void this.#stop();
  }

  /** Points the controller at a hub (or at none) and connects anew, with whatever token source is now set. */
  configure(url: string | undefined, settings: Omit<ConnectionSettings, 'accessTokenFactory'> = {}) {
    this.#url = url;
    this.#connectionSettings = settings;
    void this.#restart();
  }

  /** Leaves the joined group and joins another, on the live connection. */
  async setGroup(group: string | undefined) {
    if (group === this.#group) return;
    this.#group = group;
    const connection = this.#connection;
    if (!connection || this.#status !== 'connected') return;
    const generation = this.#generation;
    if (this.#joined !== undefined) {
      const old = this.#joined;
      this.#joined = undefined;
      await connection.invoke(HubMethods.leaveGroup, old).catch(() => undefined);
    }
    if (generation === this.#generation) await this.#join(connection, generation);
  }

  /** Tells the joined conversation I am typing, at most once per interval; nothing when not joined. */
  typing() {
    const connection = this.#connection;
    const group = this.#joined;
    if (!connection || group === undefined || !this.#typingSupported) return;
    if (performance.now() - this.#typingSentAt < TYPING_INTERVAL_MS) return;
    this.#typingSentAt = performance.now();
    connection.invoke(HubMethods.typing, group).catch((error: unknown) => {
      if (String(error).includes('Method does not exist')) this.#typingSupported = false;
    });
  }

  /** Drops the connection and makes a new one now, skipping any back-off wait. */
  reconnect() {
    return this.#restart();
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
    connection.on(HubMethods.receiveMessage, this.#onMessage);
    connection.on(HubMethods.userTyping, this.#onTyping);
    connection.onreconnecting(() => {
      if (this.#current(generation)) this.#setStatus('reconnecting');
    });
    connection.onreconnected(() => {
      if (this.#current(generation)) void this.#afterConnect(connection, generation);
    });
    connection.onclose(error => {
      if (this.#current(generation)) this.#closed(connection, generation, error);
    });

    this.#setStatus(this.#attempt === 0 ? 'connecting' : 'reconnecting');
    try {
      await connection.start();
    } catch (error) {
      if (!this.#current(generation)) return;
      this.options.onError(asError(error));
      this.#closed(connection, generation, undefined);
      return;
    }
    // A stop() that came while start() was under way wins: it bumped the generation and has
    // already stopped this connection.
    if (!this.#current(generation)) return;
    await this.#afterConnect(connection, generation);
  }

  async #afterConnect(connection: ChatConnection, generation: number) {
    this.#attempt = 0;
    this.#joined = undefined;
    this.#setStatus('connected');
    await this.#join(connection, generation);
  }

  async #join(connection: ChatConnection, generation: number) {
    const group = this.#group;
    if (group === undefined) return;
    try {
      await connection.invoke(HubMethods.joinGroup, group);
    } catch (error) {
      if (this.#current(generation)) this.options.onError(asError(error));
      return;
    }
    if (!this.#current(generation) || group !== this.#group) return;
    this.#joined = group;
    this.options.onJoined(group);
  }

  /** The connection ended without our asking (start failed, or SignalR stopped retrying): start anew later. */
  #closed(connection: ChatConnection, generation: number, error: Error | undefined) {
    if (error) this.options.onError(error);
    this.#detach(connection);
    this.#connection = undefined;
    this.#joined = undefined;
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
    const joined = this.#joined;
    const wasConnected = this.#status === 'connected';
    this.#connection = undefined;
    this.#joined = undefined;
    // Said at once, so a start that follows (the element moved in the page) is not overwritten later.
    if (!quiet) this.#setStatus('disconnected');
    if (!connection) return;
    this.#detach(connection);
    if (leave && joined !== undefined && wasConnected) {
      // Bounded: over a connection that has silently died the answer never comes, and the server drops
      // a closed connection from its groups by itself.
      const leaving = connection.invoke(HubMethods.leaveGroup, joined).catch(() => undefined);
      await Promise.race([leaving, new Promise(resolve => setTimeout(resolve, LEAVE_TIMEOUT_MS))]);
    }
    await connection.stop().catch(() => undefined);
  }

  #detach(connection: ChatConnection) {
    connection.off(HubMethods.receiveMessage, this.#onMessage);
    connection.off(HubMethods.userTyping, this.#onTyping);
  }

  #current(generation: number) {
    return generation === this.#generation;
  }

  #setStatus(status: ChatStatus) {
    if (status === this.#status) return;
    this.#status = status;
    this.host.requestUpdate();
    this.options.onStatusChange(status);
  }
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
