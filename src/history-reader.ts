import { backoffDelay } from './backoff.js';
import type { Clock } from './clock.js';
import type { ChatRest } from './chat-api.js';
import { HistoryMarks, highestId } from './history-marks.js';
import type { MessageStore } from './message-store.js';
import { NoConversationError } from './error-text.js';
import type { ChatMessage } from './types.js';

/** How many messages the first history page holds, and how many each catch-up page asks for. */
export interface PageSizes {
  first: number;
  catchUp: number;
}
export const PAGES: PageSizes = { first: 50, catchUp: 200 };

/** What reading one conversation's history needs of its session. */
export interface HistoryReaderHost {
  readonly groupId: string;
  readonly api: ChatRest;
  readonly store: MessageStore;
  /** Aborted when the conversation is closed: every read on its way is abandoned with it. */
  reads(): AbortSignal;
  /** A timer the session cancels when it is suspended or closed. */
  later(run: () => void, ms: number): void;
  /** Messages new to the store; `live` unless they came with the first history. */
  added(messages: ChatMessage[], live: boolean): void;
  /** The store changed (an older page landed): time to render. */
  onChange(): void;
  onError(error: Error): void;
}

/**
 * The history of one conversation as the server gives it: the newest page first, then catch-ups after every
 * join (from where the marks say every id has been read), older pages on demand, and failed catch-ups
 * tried again with back-off.
 */
export class HistoryReader {
  #catchingUp?: Promise<void>;
  #loadingOlder?: Promise<number>;
  /** Whether older messages may exist on the server: true until a page comes back short. */
  #hasOlder = true;
  #catchUpAgain = false;
  readonly #marks = new HistoryMarks();
  #read = false;
  /** Why the last catch-up failed: a send waiting for the first history says it. */
  #error?: Error;
  /** Catch-ups that failed in a row: the back-off before the next try. */
  #failures = 0;
  /** Bumped by `stopRetrying`, so a retry planned before it does not run. */
  #retries = 0;

  constructor(
    private readonly host: HistoryReaderHost,
    private readonly pages: PageSizes,
    private readonly clock: Clock,
  ) {}

  /** Whether a history page has come back yet. */
  get read(): boolean {
    return this.#read;
  }

  get hasOlder(): boolean {
    return this.#hasOlder && this.#marks.oldest !== undefined;
  }

  /**
   * Fetches what the history has not shown yet (the newest page the first time). Called after every
   * join, so a message sent between a disconnect and the re-join is found here, and after a send the
   * server accepted without saying which message it became, so a missed echo is found too. Against a
   * server that ignores `afterId` (the seed) every page repeats, and the store's de-duplication absorbs it.
   */
  catchUp(): Promise<void> {
    if (this.host.reads().aborted) return Promise.resolve();
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
    const { api, groupId, store } = this.host;
    const live = store.lastId !== undefined;
    const started = this.clock.now();
    // An answer that comes after `close` is dropped like the abort: a reopened session reads afresh.
    const reads = this.host.reads();
    try {
      const resumeFrom = this.#marks.resumeFrom;
      if (resumeFrom === undefined) {
        const page = await api.history(groupId, { limit: this.pages.first }, reads);
        if (reads.aborted) return;
        // Said again on every first page: an empty conversation read first may have grown since. A page
        // longer than asked for comes from a server that ignores paging (the seed): it is everything.
        this.#hasOlder = page.length === this.pages.first;
        this.host.added(this.#fromHistory(page), live);
        // Everything below this page is read by older pages; a short page is the whole conversation.
        this.#marks.newestRead(!this.#hasOlder);
      } else {
        for (let after = resumeFrom; ;) {
          const page = await api.history(groupId, { afterId: after, limit: this.pages.catchUp }, reads);
          if (reads.aborted) return;
          this.host.added(this.#fromHistory(page), live);
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
      this.#error = error instanceof Error ? error : new Error(String(error));
      this.host.onError(this.#error);
      this.#retryLater();
    }
  }

  /**
   * A failed catch-up is tried again with back-off: nothing else may come to ask (the connection can stay
   * up the whole time), and what it was looking for would stay missing until the next reconnect.
   */
  #retryLater() {
    const retries = this.#retries;
    this.host.later(() => {
      if (retries === this.#retries) void this.catchUp();
    }, backoffDelay(this.#failures++));
  }

  /** Forgets the planned retry and the back-off: the session was set aside, or its element left the page. */
  stopRetrying() {
    this.#retries++;
    this.#failures = 0;
  }

  /** A history page: what it shows moves the marks, and what is new to the store is added. */
  #fromHistory(page: ChatMessage[]): ChatMessage[] {
    this.#read = true;
    this.#marks.seen(page);
    return this.host.store.add(page);
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
    const reads = this.host.reads();
    try {
      const page = await this.host.api.history(this.host.groupId, { beforeId: oldest, limit: this.pages.first }, reads);
      if (reads.aborted) return 0;
      const added = this.#fromHistory(page);
      // A server that ignores `beforeId` (the seed) answers everything at once. Not "nothing new": late
      // pushes may already hold a whole page of older messages, and the page below them is still unread.
      if (page.length < this.pages.first || page.some(m => m.id !== undefined && m.id >= oldest)) this.#hasOlder = false;
      if (added.length > 0) this.host.onChange();
      return added.length;
    } catch (error) {
      if (!reads.aborted) this.host.onError(error instanceof Error ? error : new Error(String(error)));
      return 0;
    }
  }

  /** Reads the history for a first send, waiting for the catch-ups on their way; else says why not. */
  async readFirst(): Promise<void> {
    await (this.#catchingUp ?? this.catchUp());
    // A catch-up queued behind the one that failed may still read it: wait for it before failing.
    while (!this.#read && this.#catchingUp) await this.#catchingUp;
    if (!this.#read) throw this.#error ?? new NoConversationError();
  }
}
