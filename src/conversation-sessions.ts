import { Arrival } from './arrival.js';
import { ChatApi } from './chat-api.js';
import { ChatSession, type ChatSessionCallbacks } from './chat-session.js';
import { rememberConversation } from './conversation-memory.js';
import { KeptSessions } from './kept-sessions.js';
import type { TokenSource } from './token-source.js';

export interface SessionsCallbacks extends Omit<ChatSessionCallbacks, 'onSendFailed'> {
  /** A message of mine did not go through; `shown`: in the conversation shown, not one set aside. */
  onSendFailed: (error: Error, shown: boolean) => void;
}

/**
 * The conversation shown, as one `ChatSession` per conversation: a new one at each switch (the last closed,
 * with its requests), or the one kept since it was left with a message of mine unsettled; and the sends
 * waiting for the first one.
 */
export class ConversationSessions {
  #session?: ChatSession;
  readonly #kept = new KeptSessions();
  /** The REST base and group of the open session; undefined while either is unknown. */
  #key?: string;
  #apiBase?: string;
  /** Sends waiting for the conversation to be known; told `undefined` when the element leaves the page. */
  readonly #arrival = new Arrival<ChatSession>();

  constructor(
    private readonly tokens: TokenSource,
    private readonly timeout: () => number,
    private readonly callbacks: SessionsCallbacks,
  ) {}

  get session(): ChatSession | undefined {
    return this.#session;
  }

  /** Names the conversation across the visitor's tabs. */
  get key(): string | undefined {
    return this.#key;
  }

  /** The REST base of the conversation shown: file URLs are resolved against it. */
  get apiBase(): string | undefined {
    return this.#apiBase;
  }

  /** The REST API with the visitor's token, while a conversation is shown. */
  api(): ChatApi | undefined {
    return this.#apiBase ? new ChatApi(this.#apiBase, this.tokens, this.timeout) : undefined;
  }

  /** Shows `group` on the REST base `base` (none while either is unknown); false if it is shown already. */
  show(group: string | undefined, base: string | undefined): boolean {
    const key = group && base ? `${base} ${group}` : undefined;
    if (key === this.#key) return false;
    this.#kept.setAside(this.#key, this.#session);
    this.#key = key;
    this.#apiBase = base;
    this.#session = group && base ? this.#reopen(group, base) : undefined;
    if (this.#session) this.#arrival.arrive(this.#session);
    return true;
  }

  /** The next conversation shown, within `ms`; undefined if none came, or at `cancel`. */
  wait(ms: number): Promise<ChatSession | undefined> {
    return this.#arrival.wait(ms);
  }

  /** No timer outlives the element: a send still waiting for a conversation gives its text back. */
  cancel() {
    this.#arrival.cancel();
  }

  /** The conversation kept since it was left, if one of my messages in it was unsettled; else a new one. */
  #reopen(group: string, base: string): ChatSession {
    return this.#kept.take(`${base} ${group}`) ?? this.#newSession(group, base);
  }

  /**
   * A session reports into the element until it is closed: a replaced one must not add to the new one.
   * Only a failed send of a conversation set aside still says so.
   */
  #newSession(group: string, base: string): ChatSession {
    const callbacks = this.callbacks;
    const session: ChatSession = new ChatSession(group, new ChatApi(base, this.tokens, this.timeout), this.tokens, {
      ...callbacks,
      onMessages: (messages, live) => {
        if (messages.length > 0) rememberConversation(this.#apiBase);
        callbacks.onMessages(messages, live);
      },
      onSendFailed: error => callbacks.onSendFailed(error, session === this.#session),
    });
    return session;
  }
}
