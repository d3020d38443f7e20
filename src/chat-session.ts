import { PlannedTimers, REAL_CLOCK, type Clock } from './clock.js';
import type { ChatRest } from './chat-api.js';
import { parseMessage } from './hub-protocol.js';
import { HistoryReader, PAGES, type PageSizes } from './history-reader.js';
import { MessageStore } from './message-store.js';
import { PostQueue } from './post-queue.js';
import type { TokenSource } from './token-source.js';
import type { ChatMessage, Extras } from './types.js';

export interface ChatSessionCallbacks {
  /** Messages that were new to the store, from a push or a catch-up. */
  onMessages: (messages: ChatMessage[], live: boolean) => void;
  /** The store changed in any way (a pending message, a failure): time to render. */
  onChange: () => void;
  /** Loading history failed. */
  onError: (error: Error) => void;
  /** A message of mine did not go through; it stays on screen, marked, with a retry. */
  onSendFailed: (error: Error) => void;
  /** What a failed bubble says about its error, in the visitor's words; its `message` when absent. */
  describe?: (error: Error) => string;
}

// Moved to clock.ts; still exported here, where the tests import it.
export type { Clock } from './clock.js';

export { COMMIT_MARGIN_MS } from './history-marks.js';

// Moved with the post queue; still exported here, where tests and callers have always found them.
export { ECHO_GRACE_MS, newClientMessageId } from './post-queue.js';

/**
 * One conversation, without DOM or transport: what is shown (the store), how it is filled (history
 * after every join, pushes in between) and how my messages go out (pending → sent, or failed with a retry).
 */
export class ChatSession {
  readonly store = new MessageStore();
  /** The newest page, catch-ups after every join, older pages. */
  readonly #history: HistoryReader;
  /** My messages on their way, one at a time in order. */
  readonly #posts: PostQueue;
  /** Retries and echo waits: `suspend` cancels them all, and none is planned until `resume`. */
  readonly #timers: PlannedTimers;
  /**
   * Aborted by `close`: every read of this conversation still on its way (catch-ups, older pages) is
   * abandoned with it. Never posts: a message the visitor sent is delivered even after a switch.
   */
  #reads = new AbortController();

  readonly #callbacks: ChatSessionCallbacks;

  constructor(
    readonly groupId: string,
    api: ChatRest,
    tokens: Pick<TokenSource, 'identity'>,
    callbacks: ChatSessionCallbacks,
    pages: PageSizes = PAGES,
    clock: Clock = REAL_CLOCK,
  ) {
    // Closed, the conversation says nothing more into the one shown now: what finishes late must not reach
    // it. A failed send is the exception: the visitor must hear of it, and the owner knows where to say it.
    const open = () => !this.closed;
    this.#callbacks = {
      onMessages: (messages, live) => open() && callbacks.onMessages(messages, live),
      onChange: () => open() && callbacks.onChange(),
      onError: error => open() && callbacks.onError(error),
      onSendFailed: callbacks.onSendFailed,
      describe: callbacks.describe,
    };
    this.#timers = new PlannedTimers(clock);
    this.#history = new HistoryReader(
      {
        groupId,
        api,
        store: this.store,
        reads: () => this.#reads.signal,
        later: (run, ms) => this.#later(run, ms),
        added: (messages, live) => this.#added(messages, live),
        onChange: () => this.#callbacks.onChange(),
        onError: error => this.#callbacks.onError(error),
      },
      pages,
      clock,
    );
    this.#posts = new PostQueue({
      groupId,
      store: this.store,
      api,
      tokens,
      historyRead: () => this.#history.read,
      readHistory: () => this.#history.readFirst(),
      catchUp: () => this.catchUp(),
      later: (run, ms) => this.#later(run, ms),
      added: (messages, live) => this.#added(messages, live),
      onChange: () => this.#callbacks.onChange(),
      onSendFailed: error => this.#callbacks.onSendFailed(error),
      describe: error => this.#describe(error),
    });
  }

  /** Whether `close` was called. */
  get closed(): boolean {
    return this.#reads.signal.aborted;
  }

  /**
   * Set aside (another conversation is shown): its catch-ups and older pages still on their way are
   * abandoned, and it reports nothing more but failed sends. Its posts go on, in order.
   */
  close() {
    this.suspend();
    this.#reads.abort();
  }

  /** Shown again (the visitor switched back while a send of this conversation was unsettled). */
  reopen() {
    if (this.closed) this.#reads = new AbortController();
    this.resume();
  }

  /**
   * Whether a message of mine is on its way, failed (with its retry), or stored with no copy seen yet: then
   * this conversation must not be thrown away, or its bubble would be lost.
   */
  get unsettled(): boolean {
    return this.#posts.busy || this.store.messages.some(m => m.id === undefined);
  }

  /** `ReceiveMessage` pushes (a burst at once): parsed, checked to be for this conversation, added once each. */
  receive(payloads: readonly unknown[]) {
    const messages: ChatMessage[] = [];
    for (const payload of payloads) {
      const message = parseMessage(payload);
      // A push for the group just left can still be on its way.
      if (message && (message.groupId === undefined || message.groupId === this.groupId)) messages.push(message);
    }
    if (messages.length > 0) this.#added(this.store.add(messages), true);
  }

  /**
   * Fetches what the history has not shown yet (the newest page the first time): after every join, and
   * after a send the server accepted without saying which message it became.
   */
  catchUp(): Promise<void> {
    return this.#history.catchUp();
  }

  /** A timer `suspend` cancels; none is planned while suspended or closed, when it could only do harm. */
  #later(run: () => void, ms: number) {
    if (!this.closed) this.#timers.later(run, ms);
  }

  /**
   * Stops planned retries and echo waits: the session was set aside, or its element left the page. A new
   * `catchUp` goes on (the join after `resume` asks for one).
   */
  suspend() {
    this.#history.stopRetrying();
    this.#timers.pause();
  }

  /** Its element is back in the page: retries and echo waits may be planned again. */
  resume() {
    this.#timers.resume();
  }

  get hasOlder(): boolean {
    return this.#history.hasOlder;
  }

  /** The page before the oldest message history has shown; answers how many were new. */
  loadOlder(): Promise<number> {
    return this.#history.loadOlder();
  }

  /** Shows the message at once as pending, then posts it. */
  send(text: string, extras?: Extras): Promise<void> {
    return this.#posts.send(text, extras);
  }

  /** Posts a failed message again with the same `clientMessageId`, so the server keeps it once. */
  retry(clientMessageId: string): Promise<void> {
    return this.#posts.retry(clientMessageId);
  }

  #describe(error: Error): string {
    return this.#callbacks.describe?.(error) ?? error.message;
  }

  #added(messages: ChatMessage[], live: boolean) {
    if (messages.length === 0) return;
    this.#callbacks.onMessages(messages, live);
    this.#callbacks.onChange();
  }
}
