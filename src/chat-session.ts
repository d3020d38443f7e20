import { backoffDelay } from './backoff.js';
import type { ChatRest } from './chat-api.js';
import { MAX_TEXT_LENGTH, parseMessage } from './hub-protocol.js';
import { MessageTooLongError } from './error-text.js';
import { HistoryMarks, highestId } from './history-marks.js';
import { MessageStore } from './message-store.js';
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

/** The time, and a timer (with a way to cancel it, where the clock has one): injected by tests. */
export interface Clock {
  now(): number;
  later(run: () => void, ms: number): unknown;
  cancel?(timer: unknown): void;
}
const REAL_CLOCK: Clock = {
  now: () => Date.now(),
  later: (run, ms) => setTimeout(run, ms),
  cancel: timer => clearTimeout(timer as ReturnType<typeof setTimeout>),
};

export { COMMIT_MARGIN_MS } from './history-marks.js';

/** How long a send answered without its message waits for its echo before asking the history for its copy. */
export const ECHO_GRACE_MS = 1_500;

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
  /** The last post in line, while there is one: the next waits for it. */
  #posting?: Promise<void>;
  /** Bumped by `suspend`, so a retry planned before it does not run. */
  #retries = 0;
  /** Set by `suspend` until `resume`: its element left the page, so nothing new is planned. */
  #suspended = false;
  /** How to cancel each timer still planned (retries, echo waits): `suspend` cancels them all. */
  readonly #timers = new Set<() => void>();
  /**
   * Aborted by `close`: every read of this conversation still on its way (catch-ups, older pages) is
   * abandoned with it. Never posts: a message the visitor sent is delivered even after a switch.
   */
  #reads = new AbortController();

  readonly #callbacks: ChatSessionCallbacks;

  constructor(
    readonly groupId: string,
    private readonly api: ChatRest,
    private readonly tokens: Pick<TokenSource, 'identity'>,
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
    return this.#posting !== undefined || this.store.messages.some(m => m.id === undefined);
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
    if (this.#suspended || this.closed) return;
    const timer = this.clock.later(() => {
      this.#timers.delete(cancel);
      run();
    }, ms);
    const cancel = () => this.clock.cancel?.(timer);
    this.#timers.add(cancel);
  }

  /**
   * Stops planned retries and echo waits: the session was set aside, or its element left the page. A new
   * `catchUp` goes on (the join after `resume` asks for one).
   */
  suspend() {
    this.#retries++;
    this.#failures = 0;
    this.#suspended = true;
    for (const cancel of this.#timers) cancel();
    this.#timers.clear();
  }

  /** Its element is back in the page: retries and echo waits may be planned again. */
  resume() {
    this.#suspended = false;
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
  async send(text: string): Promise<void> {
    const identity = this.tokens.identity;
    const clientMessageId = newClientMessageId();
    this.store.addPending(clientMessageId, text, identity.userId ?? -1, identity.name ?? '');
    this.#callbacks.onChange();
    if (text.length > MAX_TEXT_LENGTH) {
      // Its copy could never be shown (the parser drops longer messages), so it would never settle. The
      // reference server refuses over 4,000 with a 400 the bubble shows; the seed stores anything.
      const reason = new MessageTooLongError(MAX_TEXT_LENGTH);
      this.store.markFailed(clientMessageId, this.#describe(reason));
      this.#callbacks.onSendFailed(reason);
      this.#callbacks.onChange();
      return;
    }
    await this.#inTurn(clientMessageId, text);
  }

  /** Posts a failed message again with the same `clientMessageId`, so the server keeps it once. */
  async retry(clientMessageId: string): Promise<void> {
    const message = this.store.markPending(clientMessageId);
    if (!message) return;
    this.#callbacks.onChange();
    await this.#inTurn(clientMessageId, message.text);
  }

  /**
   * One post at a time, in the order they were made. Posted together, two messages typed one after the
   * other race to the server, which may store (and number, and show everyone) the second first.
   */
  #inTurn(clientMessageId: string, text: string): Promise<void> {
    // `#deliver` settles every failure itself, so the line never rejects. With none ahead, at once.
    const ahead = this.#posting;
    const turn = ahead ? ahead.then(() => this.#deliver(clientMessageId, text)) : this.#deliver(clientMessageId, text);
    const last = turn.then(() => {
      if (this.#posting === last) this.#posting = undefined;
    });
    this.#posting = last;
    return turn;
  }

  async #deliver(clientMessageId: string, text: string) {
    try {
      if (!this.#historyRead) {
        // A copy of this message is numbered above every id the history shows; before the history has
        // been read once, an earlier message of mine with the same text could pass for it. (And a server
        // that cannot answer the history is unlikely to take a message.) So the history comes first.
        await (this.#catchingUp ?? this.catchUp());
        // A catch-up queued behind the one that failed may still read it: wait for it before failing.
        while (!this.#historyRead && this.#catchingUp) await this.#catchingUp;
        if (!this.#historyRead) throw this.#historyError ?? new Error('The conversation could not be loaded.');
      }
      // The history has been read, so the token is known: who I am is known now, if not at Enter.
      const identity = this.tokens.identity;
      this.store.posting(clientMessageId, identity.userId ?? -1, identity.name ?? '');
      const stored = await this.api.send(this.groupId, text, clientMessageId);
      if (stored) this.#added(this.store.add([{ ...stored, clientMessageId }]), true);
      else {
        this.store.accept(clientMessageId);
        // Stored, and its echo usually comes within milliseconds. If it has not come by then (lost while
        // reconnecting, or the hub was down), the history has the copy. Not at once: against the seed
        // every catch-up fetches the whole conversation.
        this.#later(() => {
          if (this.store.awaitsCopy(clientMessageId)) void this.catchUp();
        }, ECHO_GRACE_MS);
      }
    } catch (error) {
      // The echo can confirm a message whose response was lost: then there is nothing to report.
      const reason = error instanceof Error ? error : new Error(String(error));
      if (this.store.markFailed(clientMessageId, this.#describe(reason))) this.#callbacks.onSendFailed(reason);
    }
    this.#callbacks.onChange();
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

/** A UUID v4. `crypto.randomUUID` exists only in secure contexts, and a shop may still be on http. */
export function newClientMessageId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = Array.from(bytes, b => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
