import { parseHistory, parseMessage } from './hub-protocol.js';
import { duration, type TokenSource } from './token-source.js';
import type { ChatMessage } from './types.js';

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
  send(groupId: string, text: string, clientMessageId: string, signal?: AbortSignal): Promise<ChatMessage | undefined>;
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
  async send(groupId: string, text: string, clientMessageId: string, signal?: AbortSignal): Promise<ChatMessage | undefined> {
    const url = new URL(`chats/${encodeURIComponent(groupId)}`, this.#base());
    const body = JSON.stringify({ groupId, message: text, clientMessageId });
    const answer = (await this.#request(url, { method: 'POST', body, signal })) as { chat?: unknown } | null;
    return answer?.chat === undefined ? undefined : parseMessage(answer.chat);
  }

  #base() {
    return this.baseUrl.endsWith('/') ? this.baseUrl : `${this.baseUrl}/`;
  }

  async #request(url: URL, init: RequestInit): Promise<unknown> {
    let response = await this.#fetch(url, init, await this.tokens.current());
    if (response.status === 401) response = await this.#fetch(url, init, await this.tokens.fresh());
    if (!response.ok) throw new ChatApiError(await problemText(response), response.status, retryAfter(response));
    return response.status === 204 ? null : response.json();
  }

  async #fetch(url: URL, init: RequestInit, token: string) {
    const timeout = this.timeoutMs();
    const cancel = init.signal;
    try {
      return await fetch(url, {
        ...init,
        signal: cancel ? AbortSignal.any([cancel, AbortSignal.timeout(timeout)]) : AbortSignal.timeout(timeout),
        headers: { Authorization: `Bearer ${token}`, ...(init.body ? { 'Content-Type': 'application/json' } : {}) },
      });
    } catch (error) {
      // Abandoned by its caller: not a failure of the server, and nobody is waiting to be told.
      if (cancel?.aborted) throw cancel.reason;
      if (error instanceof DOMException && error.name === 'TimeoutError') throw new ChatTimeoutError(timeout);
      throw new ChatApiError(error instanceof Error ? error.message : String(error));
    }
  }
}

/** `Retry-After` in seconds (the server must expose the header to other origins). */
function retryAfter(response: Response): number | undefined {
  const seconds = Number(response.headers.get('Retry-After'));
  return response.headers.has('Retry-After') && Number.isFinite(seconds) && seconds >= 0 ? seconds : undefined;
}

/** The `detail` of a problem-details answer, else the status line. */
async function problemText(response: Response): Promise<string> {
  try {
    const problem = (await response.json()) as { detail?: unknown; title?: unknown };
    if (typeof problem.detail === 'string') return problem.detail;
    if (typeof problem.title === 'string') return problem.title;
  } catch {
    // Not JSON: the status says enough.
  }
  return `The server answered ${response.status}.`;
}
