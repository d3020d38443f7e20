import { backoffDelay } from './backoff.js';
import { PlannedTimers, REAL_CLOCK, type Clock } from './clock.js';
import type { ChatRest } from './chat-api.js';
import { parseMessage } from './hub-protocol.js';
import { HistoryMarks, highestId } from './history-marks.js';
import { MessageStore } from './message-store.js';
import { PostQueue } from './post-queue.js';
import type { TokenSource } from './token-source.js';
import type { ChatMessage } from './types.js';

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

/** How many messages the first history page holds, and how many each catch-up page asks for. */
export interface PageSizes {
  first: number;
  catchUp: number;
}
const PAGES: PageSizes = { first: 50, catchUp: 200 };

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
  #catchingUp?: Promise<void>;
  #loadingOlder?: Promise<number>;
  /** Whether older messages may exist on the server: true until a page comes back short. */
  #hasOlder = true;
  #catchUpAgain = false;
  readonly #marks = new HistoryMarks();
  #historyRead = false;
  /** Why the last catch-up failed: a send waiting for the first history says it. */
  #historyError?: Error;
  /** Catch-ups that failed in a row: the back-off before the next try. */
  #failures = 0;
  /** My messages on their way, one at a time in order. */
  readonly #posts: PostQueue;
  /** Bumped by `suspend`, so a retry planned before it does not run. */
  #retries = 0;
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
    private readonly api: ChatRest,
    tokens: Pick<TokenSource, 'identity'>,
    callbacks: ChatSessionCallbacks,
    private readonly pages: PageSizes = PAGES,
    private readonly clock: Clock = REAL_CLOCK,
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
    this.#posts = new PostQueue({
      groupId,
      store: this.store,
      api,
      tokens,
      historyRead: () => this.#historyRead,
      readHistory: () => this.#readHistory(),
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
   * Fetches what the history has not shown yet (the newest page the first time). Called after every
   * join, so a message sent between a disconnect and the re-join is found here, and after a send the
   * server accepted without saying which message it became, so a missed echo is found too. Against a
   * server that ignores `afterId` (the seed) every page repeats, and the store's de-duplication absorbs it.
   */
  catchUp(): Promise<void> {
    if (this.closed) return Promise.resolve();
    if (this.#catchingUp) {
      this.#catchUpAgain = true;
      return this.#catchingUp;
    }
    this.#catchingUp = this.#fetchMissing().finally(() => {
      this.#catchingUp = undefined;
      if (this.#catchUpAgain) {
        this.#catchUpAgain = false;
        void this.catchUp();
      }
    });
    return this.#catchingUp;
  }

  async #fetchMissing() {
    const live = this.store.lastId !== undefined;
    const started = this.clock.now();
    // An answer that comes after `close` is dropped like the abort: a reopened session reads afresh.
    const reads = this.#reads.signal;
    try {
      const resumeFrom = this.#marks.resumeFrom;
      if (resumeFrom === undefined) {
        const page = await this.api.history(this.groupId, { limit: this.pages.first }, reads);
        if (reads.aborted) return;
        // Said again on every first page: an empty conversation read first may have grown since. A page
        // longer than asked for comes from a server that ignores paging (the seed): it is everything.
        this.#hasOlder = page.length === this.pages.first;
        this.#added(this.#fromHistory(page), live);
        // Everything below this page is read by older pages; a short page is the whole conversation.
        const oldest = this.#marks.oldest;
        this.#marks.resumeFrom = this.#hasOlder && oldest !== undefined ? oldest - 1 : 0;
      } else {
        for (let after = resumeFrom; ;) {
          const page = await this.api.history(this.groupId, { afterId: after, limit: this.pages.catchUp }, reads);
          if (reads.aborted) return;
          this.#added(this.#fromHistory(page), live);
          const top = highestId(page);
          // A page longer than asked for, or holding an id at or below `afterId`, comes from a server that
          // ignores paging (the seed): it is everything, and asking again would fetch it all again.
          const everything = page.length > this.pages.catchUp || page.some(m => m.id !== undefined && m.id <= after);
          if (everything || page.length < this.pages.catchUp || top === undefined) break;
          after = top;
        }
        this.#marks.settle(started, resumeFrom);
      }
      this.#marks.mark(this.clock.now());
      this.#failures = 0;
    } catch (error) {
      if (reads.aborted) return;
      this.#historyError = error instanceof Error ? error : new Error(String(error));
      this.#callbacks.onError(this.#historyError);
      this.#retryLater();
    }
  }

  /**
   * A failed catch-up is tried again with back-off: nothing else may come to ask (the connection can stay
   * up the whole time), and what it was looking for would stay missing until the next reconnect.
   */
  #retryLater() {
    const retries = this.#retries;
    this.#later(() => {
      if (retries === this.#retries) void this.catchUp();
    }, backoffDelay(this.#failures++));
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
    this.#retries++;
    this.#failures = 0;
    this.#timers.pause();
  }

  /** Its element is back in the page: retries and echo waits may be planned again. */
  resume() {
    this.#timers.resume();
  }

  /** A history page: what it shows moves the marks, and what is new to the store is added. */
  #fromHistory(page: ChatMessage[]): ChatMessage[] {
    this.#historyRead = true;
    this.#marks.seen(page);
    return this.store.add(page);
  }

  get hasOlder(): boolean {
    return this.#hasOlder && this.#marks.oldest !== undefined;
  }

  /**
   * The page before the oldest message history has shown (`beforeId`), not the oldest held: a late push
   * can hold an id below messages no page has shown yet. Answers how many were new: none once the start
   * is reached, or from a server that ignores `beforeId` and repeats what is already here.
   */
  loadOlder(): Promise<number> {
    this.#loadingOlder ??= this.#fetchOlder().finally(() => (this.#loadingOlder = undefined));
    return this.#loadingOlder;
  }

  async #fetchOlder(): Promise<number> {
    const oldest = this.#marks.oldest;
    if (!this.#hasOlder || oldest === undefined) return 0;
    const reads = this.#reads.signal;
    try {
      const page = await this.api.history(this.groupId, { beforeId: oldest, limit: this.pages.first }, reads);
      if (reads.aborted) return 0;
      const added = this.#fromHistory(page);
      // A server that ignores `beforeId` (the seed) answers everything at once. Not "nothing new": late
      // pushes may already hold a whole page of older messages, and the page below them is still unread.
      if (page.length < this.pages.first || page.some(m => m.id !== undefined && m.id >= oldest)) this.#hasOlder = false;
      if (added.length > 0) this.#callbacks.onChange();
      return added.length;
    } catch (error) {
      if (!reads.aborted) this.#callbacks.onError(error instanceof Error ? error : new Error(String(error)));
      return 0;
    }
  }

  /** Shows the message at once as pending, then posts it. */
  send(text: string): Promise<void> {
    return this.#posts.send(text);
  }

  /** Posts a failed message again with the same `clientMessageId`, so the server keeps it once. */
  retry(clientMessageId: string): Promise<void> {
    return this.#posts.retry(clientMessageId);
  }

  /** Reads the history for a first send, waiting for the catch-ups on their way; else says why not. */
  async #readHistory(): Promise<void> {
    await (this.#catchingUp ?? this.catchUp());
    // A catch-up queued behind the one that failed may still read it: wait for it before failing.
    while (!this.#historyRead && this.#catchingUp) await this.#catchingUp;
    if (!this.#historyRead) throw this.#historyError ?? new Error('The conversation could not be loaded.');
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
