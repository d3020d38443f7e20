import { AbortError, HttpError, HttpTransportType, HubConnectionBuilder, LogLevel, TimeoutError, type ILogger } from '@microsoft/signalr';

/*
 * The SignalR connection itself: how one is made (transports, logging, the errors of a failed connect),
 * apart from the controller that decides when to make one.
 */

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

/** The default `connectTimeout`: far longer than a negotiate, a handshake or a join takes on a busy server. */
export const CONNECT_TIMEOUT_MS = 30_000;

const TRANSPORTS: readonly TransportName[] = ['websockets', 'server-sent-events', 'long-polling'];

/** The `transport` attribute's names, in order; unknown ones are left out with a warning. */
export function parseTransports(value: string | undefined): TransportName[] | undefined {
  if (!value?.trim()) return undefined;
  const names = value.trim().split(/[\s,]+/);
  const known = names.filter((name): name is TransportName => (TRANSPORTS as readonly string[]).includes(name));
  if (known.length < names.length) console.warn(`support-chat: unknown transport in "${value}"; known: ${TRANSPORTS.join(', ')}`);
  return known.length > 0 ? known : undefined;
}

const transportFlags: Record<TransportName, HttpTransportType> = {
  websockets: HttpTransportType.WebSockets,
  'server-sent-events': HttpTransportType.ServerSentEvents,
  'long-polling': HttpTransportType.LongPolling,
};

/**
 * SignalR's own log, at warning level and above, all written as warnings. It calls a dropped socket or a
 * failed negotiate an error, yet for the widget these are the weather: the controller reconnects, the
 * panel says "reconnecting" and `support-chat-error` tells the page. A page's error console stays for
 * what is really wrong with it. Written as SignalR's own console logger writes it, less the time, which the
 * console shows.
 */
const signalRLog: ILogger = {
  log(level, message) {
    if (level >= LogLevel.Warning) console.warn(`${LogLevel[level]}: ${message}`);
  },
};

/**
 * A connect that failed because the hub could not be reached at all: no network path, nothing listening,
 * or something in between refusing. Keeps the words of the error it stands for.
 */
export class HubUnreachableError extends Error {
  constructor(cause: unknown) {
    super(asError(cause).message, { cause });
    this.name = 'HubUnreachableError';
  }
}

/** SignalR's errors for a negotiate or transport that failed; it exports their `errorType`, not their classes. */
const UNREACHABLE_TYPES = new Set(['FailedToNegotiateWithServerError', 'FailedToStartTransportError', 'AggregateErrors']);

/**
 * Whether a failed connect means the hub could not be reached: told by the error's type, never its words.
 * A negotiate the server refused (401, 403) was reached: what it says about the token is the news.
 */
export function isUnreachable(error: unknown): boolean {
  if (error instanceof HttpError) return error.statusCode !== 401 && error.statusCode !== 403;
  if (error instanceof HubUnreachableError) return true;
  const type = (error as { errorType?: unknown } | undefined)?.errorType;
  return typeof type === 'string' && UNREACHABLE_TYPES.has(type);
}

/**
 * Whether the hub said it has no such method (a server without the typing extension). SignalR's
 * `HubException` has no type or code for it, only the server's sentence, so this one test reads its words;
 * nothing the visitor reads depends on it.
 */
export function isMissingMethod(error: unknown): boolean {
  return String(error).includes('Method does not exist');
}

/**
 * A real SignalR connection. It has no automatic reconnect of its own: when it closes, the controller
 * makes a new one (capped back-off with jitter, never giving up). SignalR 10's automatic reconnect keeps
 * the stateful-reconnect buffer of the dropped WebSocket when the new attempt lands on another transport
 * (server-sent events, long polling), and that buffer then drops every message and holds back every
 * invocation: connected, silent, and never joined. A fresh connection has a fresh buffer.
 */
export const createHubConnection: ConnectionFactory = (url, { accessTokenFactory, transports, skipNegotiation }) => {
  const connection = new HubConnectionBuilder()
    .withUrl(url, {
      accessTokenFactory,
      // Negotiate and sends: SignalR's own default waits 100 s for an answer.
      timeout: CONNECT_TIMEOUT_MS,
      // Without negotiate there is only the WebSocket.
      skipNegotiation,
      transport: skipNegotiation
        ? HttpTransportType.WebSockets
        : transports?.length
          ? transports.reduce((flags, name) => flags | transportFlags[name], HttpTransportType.None)
          : undefined,
    })
    // A short WebSocket blip is bridged by the server replaying what was not acknowledged, where it allows that.
    .withStatefulReconnect()
    .configureLogging(signalRLog)
    .build();
  if (!skipNegotiation) return connection;
  // A failed negotiate has a type of its own; a WebSocket opened straight away fails with a plain Error,
  // and without negotiate nothing else stands between start() and that socket (SignalR's own timeout
  // and abort keep their types).
  const start = connection.start.bind(connection);
  connection.start = async () => {
    try {
      await start();
    } catch (error) {
      throw error instanceof TimeoutError || error instanceof AbortError ? error : new HubUnreachableError(error);
    }
  };
  return connection;
};

/** Whether `work` settled within `ms`: true when it resolved, false when time ran out; a rejection passes through. */
export async function answered(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<false>(resolve => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([work.then(() => true as const), late]);
  } finally {
    clearTimeout(timer);
  }
}

export function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
