import { Arrival } from './arrival.js';
import { ChatApi } from './chat-api.js';
import { ChatSession, type ChatSessionCallbacks } from './chat-session.js';
import { rememberConversation } from './conversation-memory.js';
import { KeptSessions } from './kept-sessions.js';
import { PushBatcher } from './push-batcher.js';
import type { TokenSource } from './token-source.js';

export interface SessionsCallbacks extends Omit<ChatSessionCallbacks, 'onSendFailed'> {
  /** A message of mine did not go through; `shown`: in the conversation shown, not one set aside. */
  onSendFailed: (error: Error, shown: boolean) => void;
}

/**
 * The conversation shown, as one `ChatSession` per conversation: a new one at each switch (the last closed,
 * with its requests), or the one kept since it was left with a message of mine unsettled; the pushes for it,
 * applied once per frame; and the sends waiting for the first one.
 */
export class ConversationSessions {
  #session?: ChatSession;
  readonly #kept = new KeptSessions();
  /** The REST base and group of the open session; undefined while either is unknown. */
  #key?: string;
  #apiBase?: string;
  /** Sends waiting for the conversation to be known; told `undefined` when the element leaves the page. */
  readonly #arrival = new Arrival<ChatSession>();
  readonly #pushes = new PushBatcher(payloads => this.#session?.receive(payloads));
  /** Bumped by `show(…, anew)`: another person. */
  #person = 0;

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

  /**
   * Shows `group` on the REST base `base` (none while either is unknown); false if it is shown already.
   * `anew`: another person, so a new session even for the same group, and none of those set aside.
   */
  show(group: string | undefined, base: string | undefined, anew = false): boolean {
    const key = group && base ? `${base} ${group}` : undefined;
    if (key === this.#key && !anew) return false;
    this.#kept.setAside(this.#key, this.#session);
    if (anew) {
      this.#kept.clear();
      this.#person++;
    }
    this.#key = key;
    this.#apiBase = base;
    // The conversation kept since it was left, if one of my messages in it was unsettled; else a new one.
    this.#session = group && base ? (this.#kept.take(`${base} ${group}`) ?? this.#newSession(group, base)) : undefined;
    if (this.#session) this.#arrival.arrive(this.#session);
    this.#pushes.clear();
    return true;
  }

  /**
   * A `ReceiveMessage` push, unparsed. One that does not name its group (the seed's) is for the joined group:
   * between a switch and the answer to the leave, that is still the one left. The catch-up after the join
   * finds again whatever is dropped here.
   */
  receive(payload: unknown, joinedGroup: string | undefined) {
    if (namesGroup(payload) || joinedGroup === this.#session?.groupId) this.#pushes.queue(payload);
  }

  /** The next conversation shown, within `ms`; undefined if none came, or at `cancel`. */
  wait(ms: number): Promise<ChatSession | undefined> {
    return this.#arrival.wait(ms);
  }

  resume() {
    this.#session?.resume();
  }

  /** The element left the page: the pushes waiting for a frame are applied now. */
  suspend() {
    this.#pushes.flush();
    // Back in the page, the join's catch-up goes on from where it was.
    this.#session?.suspend();
    // No timer outlives the element: a send still waiting for a conversation gives its text back.
    this.#arrival.cancel();
  }

  /**
   * A session reports into the element until it is closed: a replaced one must not add to the new one.
   * Only a failed send of a conversation set aside (by the same person) still says so.
   */
  #newSession(group: string, base: string): ChatSession {
    const callbacks = this.callbacks;
    const person = this.#person;
    const session: ChatSession = new ChatSession(group, new ChatApi(base, this.tokens, this.timeout), this.tokens, {
      ...callbacks,
      onMessages: (messages, live) => {
        if (messages.length > 0) rememberConversation(this.#apiBase);
        callbacks.onMessages(messages, live);
      },
      // The person before `identify` or `logout`: what became of their messages is not the next one's to hear.
      onSendFailed: error => person === this.#person && callbacks.onSendFailed(error, session === this.#session),
    });
    return session;
  }
}

const namesGroup = (payload: unknown) =>
  typeof payload === 'object' && payload !== null && (payload as { groupId?: unknown }).groupId != null;
