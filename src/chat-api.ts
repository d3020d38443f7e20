import { parseHistory, parseMessage } from './hub-protocol.js';
import { duration, type TokenSource } from './token-source.js';
import type { ChatMessage, Extras } from './types.js';

/** A REST call that did not succeed; `status` is absent when no answer came at all. */
export class ChatApiError extends Error {
  constructor(
    message: string,
    readonly status?: number,
    /** Seconds the server asked to wait before sending again (429). */
    readonly retryAfter?: number,
  ) {
    super(message);
    this.name = 'ChatApiError';
  }
}

/**
 * An error status without a sentence of the server's own (no problem-details body, e.g. from a proxy): only
 * the status says what happened, so what the visitor reads comes from the widget's strings.
 */
export class ChatStatusError extends ChatApiError {
  declare readonly status: number;

  constructor(status: number, retryAfter?: number) {
    super(`The server answered ${status}.`, status, retryAfter);
    this.name = 'ChatStatusError';
  }
}

/** No answer within the request timeout. */
export class ChatTimeoutError extends ChatApiError {
  constructor(readonly timeoutMs: number) {
    super(`The server did not answer within ${duration(timeoutMs)}.`);
    this.name = 'ChatTimeoutError';
  }
}

export interface HistoryQuery {
  afterId?: number;
  beforeId?: number;
  limit?: number;
}

/** What a conversation needs of the REST API: its history, and a way to send. */
export interface ChatRest {
  /** `signal` abandons the request: the conversation was closed. */
  history(groupId: string, query?: HistoryQuery, signal?: AbortSignal): Promise<ChatMessage[]>;
  /** Returns the stored message when the server says which it is (an extension), else `undefined`. */
  send(groupId: string, text: string, clientMessageId: string, signal?: AbortSignal, extras?: Extras): Promise<ChatMessage | undefined>;
}

/** `GET` and `POST /chats/{groupId}` with the bearer token; a 401 gets one fresh token and one retry. */
export class ChatApi implements ChatRest {
  constructor(
    private readonly baseUrl: string,
    private readonly tokens: Pick<TokenSource, 'current' | 'fresh'>,
    /** Read at each request: how long before a request that has not answered counts as failed. */
    private readonly timeoutMs: () => number = () => 15_000,
  ) {}

  async history(groupId: string, query: HistoryQuery = {}, signal?: AbortSignal): Promise<ChatMessage[]> {
    const url = new URL(`chats/${encodeURIComponent(groupId)}`, this.#base());
    for (const [name, value] of Object.entries(query)) {
      if (value !== undefined) url.searchParams.set(name, String(value));
    }
    return parseHistory(await this.#request(url, { method: 'GET', signal }));
  }

  /** Returns the stored message when the server says which it is (an extension), else `undefined`. */
  async send(
    groupId: string,
    text: string,
    clientMessageId: string,
    signal?: AbortSignal,
    extras?: Extras,
  ): Promise<ChatMessage | undefined> {
    const url = new URL(`chats/${encodeURIComponent(groupId)}`, this.#base());
    // The extensions only when used: the seed's server never sees a field it does not know.
    const files = extras?.attachments?.map(file => file.id);
    const body = JSON.stringify({
      groupId,
      message: text,
      clientMessageId,
      format: extras?.format,
      attachments: files?.length ? files : undefined,
    });
    const answer = (await this.#request(url, { method: 'POST', body, signal })) as { chat?: unknown } | null;
    return answer?.chat === undefined ? undefined : parseMessage(answer.chat);
  }

  /** Any other call of the API, e.g. `chats/5/state`: a GET, or with a body a POST. Answers the parsed body. */
  call(path: string, body?: unknown): Promise<unknown> {
    return this.#request(
      new URL(path, this.#base()),
      body === undefined ? { method: 'GET' } : { method: 'POST', body: JSON.stringify(body) },
    );
  }

  #base() {
    return this.baseUrl.endsWith('/') ? this.baseUrl : `${this.baseUrl}/`;
  }

  async #request(url: URL, init: RequestInit): Promise<unknown> {
    const timeout = this.timeoutMs();
    let response = await this.#fetch(url, init, await this.tokens.current(), timeout);
    if (response.status === 401) response = await this.#fetch(url, init, await this.tokens.fresh(), timeout);
    if (!response.ok) {
      const detail = await problemText(response, init.signal, timeout);
      const wait = retryAfter(response);
      throw detail === undefined ? new ChatStatusError(response.status, wait) : new ChatApiError(detail, response.status, wait);
    }
    if (response.status === 204) return null;
    try {
      // The body comes under the same signal as the headers: a server that stalls halfway has not answered.
      return await response.json();
    } catch (error) {
      // Not JSON (a proxy's page, say): the status is all the visitor can be told.
      throw stopped(error, init.signal, timeout) ?? new ChatStatusError(response.status);
    }
  }

  async #fetch(url: URL, init: RequestInit, token: string, timeout: number) {
    const cancel = init.signal;
    try {
      return await fetch(url, {
        ...init,
        signal: cancel ? AbortSignal.any([cancel, AbortSignal.timeout(timeout)]) : AbortSignal.timeout(timeout),
        headers: { Authorization: `Bearer ${token}`, ...(init.body ? { 'Content-Type': 'application/json' } : {}) },
      });
    } catch (error) {
      throw stopped(error, cancel, timeout) ?? new ChatApiError(error instanceof Error ? error.message : String(error));
    }
  }
}

/** A request ended by a signal: its caller's abort stays that abort, its deadline is a `ChatTimeoutError`. */
function stopped(error: unknown, cancel: AbortSignal | null | undefined, timeoutMs: number): unknown {
  // Abandoned by its caller: not a failure of the server, and nobody is waiting to be told.
  if (cancel?.aborted) return cancel.reason;
  if (error instanceof DOMException && error.name === 'TimeoutError') return new ChatTimeoutError(timeoutMs);
  return undefined;
}

/**
 * `Retry-After` in seconds, given as seconds or as an HTTP date (then the seconds until it, never fewer than
 * none). The server must expose the header to other origins.
 */
function retryAfter(response: Response): number | undefined {
  const value = response.headers.get('Retry-After')?.trim();
  if (!value) return undefined;
  if (/^\d+$/.test(value)) return Number(value);
  // Only the HTTP date form: `Date.parse` alone takes junk such as "later 5" for a date in 2001.
  if (!/^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/.test(value)) return undefined;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - Date.now()) / 1000));
}

/**
 * The `detail` of a problem-details answer, else its `title`; undefined when the body has neither. Stopped
 * while reading, it is stopped as any read is: an abort stays an abort, a deadline is a timeout.
 */
async function problemText(response: Response, cancel: AbortSignal | null | undefined, timeoutMs: number): Promise<string | undefined> {
  try {
    const problem = (await response.json()) as { detail?: unknown; title?: unknown };
    if (typeof problem.detail === 'string') return problem.detail;
    if (typeof problem.title === 'string') return problem.title;
  } catch (error) {
    const stop = stopped(error, cancel, timeoutMs);
    if (stop !== undefined) throw stop;
    // Not JSON: the status says enough.
  }
  return undefined;
}
