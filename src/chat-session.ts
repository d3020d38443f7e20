import { ChatApi } from './chat-api.js';
import { parseMessage } from './hub-protocol.js';
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
}

/** How many messages the first history page holds, and how many each catch-up page asks for. */
const FIRST_PAGE = 50;
const CATCH_UP_PAGE = 200;

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

  constructor(
    readonly groupId: string,
    private readonly api: ChatApi,
    private readonly tokens: TokenSource,
    private readonly callbacks: ChatSessionCallbacks,
  ) {}

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
   * Fetches what came after the last message held (or the newest page the first time). Called after
   * every join, so a message sent between a disconnect and the re-join is found here. Against a server
   * that ignores `afterId` (the seed) every page repeats, and the store's de-duplication absorbs it.
   */
  catchUp(): Promise<void> {
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
    try {
      const first = this.store.lastId === undefined;
      let after = this.store.lastId;
      for (;;) {
        const page = await this.api.history(
          this.groupId,
          after === undefined ? { limit: FIRST_PAGE } : { afterId: after, limit: CATCH_UP_PAGE },
        );
        if (after === undefined && page.length < FIRST_PAGE) this.#hasOlder = false;
        this.#added(this.store.add(page), !first);
        const last = this.store.lastId;
        if (after === undefined || page.length < CATCH_UP_PAGE || last === after) return;
        after = last;
      }
    } catch (error) {
      this.callbacks.onError(error instanceof Error ? error : new Error(String(error)));
    }
  }

  get hasOlder(): boolean {
    return this.#hasOlder && this.store.firstId !== undefined;
  }

  /**
   * The page before the oldest message held (`beforeId`). Answers how many were new: none once the
   * start is reached, or from a server that ignores `beforeId` and repeats what is already here.
   */
  loadOlder(): Promise<number> {
    this.#loadingOlder ??= this.#fetchOlder().finally(() => (this.#loadingOlder = undefined));
    return this.#loadingOlder;
  }

  async #fetchOlder(): Promise<number> {
    const before = this.store.firstId;
    if (!this.#hasOlder || before === undefined) return 0;
    try {
      const page = await this.api.history(this.groupId, { beforeId: before, limit: FIRST_PAGE });
      const added = this.store.add(page);
      if (page.length < FIRST_PAGE || added.length === 0) this.#hasOlder = false;
      if (added.length > 0) this.callbacks.onChange();
      return added.length;
    } catch (error) {
      this.callbacks.onError(error instanceof Error ? error : new Error(String(error)));
      return 0;
    }
  }

  /** Shows the message at once as pending, then posts it. */
  async send(text: string): Promise<void> {
    const identity = this.tokens.identity;
    const clientMessageId = newClientMessageId();
    this.store.addPending(clientMessageId, text, identity.userId ?? -1, identity.name ?? '');
    this.callbacks.onChange();
    await this.#deliver(clientMessageId, text);
  }

  /** Posts a failed message again with the same `clientMessageId`, so the server keeps it once. */
  async retry(clientMessageId: string): Promise<void> {
    const message = this.store.markPending(clientMessageId);
    if (!message) return;
    this.callbacks.onChange();
    await this.#deliver(clientMessageId, message.text);
  }

  async #deliver(clientMessageId: string, text: string) {
    try {
      const stored = await this.api.send(this.groupId, text, clientMessageId);
      if (stored) this.#added(this.store.add([{ ...stored, clientMessageId }]), true);
      else this.store.settle(clientMessageId);
    } catch (error) {
      // The echo can confirm a message whose response was lost: then there is nothing to report.
      if (this.store.getPending(clientMessageId)) {
        const reason = error instanceof Error ? error : new Error(String(error));
        this.store.markFailed(clientMessageId, reason.message);
        this.callbacks.onSendFailed(reason);
      }
    }
    this.callbacks.onChange();
  }

  #added(messages: ChatMessage[], live: boolean) {
    if (messages.length === 0) return;
    this.callbacks.onMessages(messages, live);
    this.callbacks.onChange();
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
