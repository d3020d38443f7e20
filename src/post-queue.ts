import type { ChatRest } from './chat-api.js';
import { MAX_TEXT_LENGTH } from './hub-protocol.js';
import { MessageTooLongError } from './error-text.js';
import type { MessageStore } from './message-store.js';
import type { TokenSource } from './token-source.js';
import type { ChatMessage, Extras } from './types.js';

/** How long a send answered without its message waits for its echo before asking the history for its copy. */
export const ECHO_GRACE_MS = 1_500;

/** What the post queue asks of its conversation: only what a send touches. */
export interface PostQueueHost {
  readonly groupId: string;
  readonly store: MessageStore;
  readonly api: Pick<ChatRest, 'send'>;
  readonly tokens: Pick<TokenSource, 'identity'>;
  /** Whether the history has been read at least once. */
  historyRead(): boolean;
  /** Reads the history for a first send; rejects with why it could not be. */
  readHistory(): Promise<void>;
  /** Asks the history for what is missing (a copy whose echo did not come). */
  catchUp(): Promise<void>;
  /** A timer the conversation cancels when it is set aside. */
  later(run: () => void, ms: number): void;
  /** The server answered with the stored message: added like a push. */
  added(messages: ChatMessage[], live: boolean): void;
  onChange(): void;
  onSendFailed(error: Error): void;
  describe(error: Error): string;
}

/**
 * My messages on their way: shown at once as pending, then posted one at a time in the order they were
 * made (pending → sent, or failed with a retry).
 */
export class PostQueue {
  /** The last post in line, while there is one: the next waits for it. */
  #posting?: Promise<void>;

  constructor(private readonly host: PostQueueHost) {}

  /** Whether a post is on its way or waiting for its turn. */
  get busy(): boolean {
    return this.#posting !== undefined;
  }

  /** Shows the message at once as pending, then posts it. */
  async send(text: string, extras?: Extras): Promise<void> {
    const { store, tokens } = this.host;
    const identity = tokens.identity;
    const clientMessageId = newClientMessageId();
    store.addPending(clientMessageId, text, identity.userId ?? -1, identity.name ?? '', extras);
    this.host.onChange();
    if (text.length > MAX_TEXT_LENGTH) {
      // Its copy could never be shown (the parser drops longer messages), so it would never settle. The
      // reference server refuses over 4,000 with a 400 the bubble shows; the seed stores anything.
      const reason = new MessageTooLongError(MAX_TEXT_LENGTH);
      store.markFailed(clientMessageId, this.host.describe(reason));
      this.host.onSendFailed(reason);
      this.host.onChange();
      return;
    }
    await this.#inTurn(clientMessageId, text, extras);
  }

  /** Posts a failed message again with the same `clientMessageId`, so the server keeps it once. */
  async retry(clientMessageId: string): Promise<void> {
    const message = this.host.store.markPending(clientMessageId);
    if (!message) return;
    this.host.onChange();
    await this.#inTurn(clientMessageId, message.text, message);
  }

  /**
   * One post at a time, in the order they were made. Posted together, two messages typed one after the
   * other race to the server, which may store (and number, and show everyone) the second first.
   */
  #inTurn(clientMessageId: string, text: string, extras?: Extras): Promise<void> {
    // `#deliver` settles every failure itself, so the line never rejects. With none ahead, at once.
    const ahead = this.#posting;
    const deliver = () => this.#deliver(clientMessageId, text, extras);
    const turn = ahead ? ahead.then(deliver) : deliver();
    const last = turn.then(() => {
      if (this.#posting === last) this.#posting = undefined;
    });
    this.#posting = last;
    return turn;
  }

  async #deliver(clientMessageId: string, text: string, extras?: Extras) {
    const { store, tokens, api, groupId } = this.host;
    try {
      // A copy of this message is numbered above every id the history shows; before the history has
      // been read once, an earlier message of mine with the same text could pass for it. (And a server
      // that cannot answer the history is unlikely to take a message.) So the history comes first.
      if (!this.host.historyRead()) await this.host.readHistory();
      // The history has been read, so the token is known: who I am is known now, if not at Enter.
      const identity = tokens.identity;
      store.posting(clientMessageId, identity.userId ?? -1, identity.name ?? '');
      // A retry hands the failed message itself: the API reads only its format and files.
      const stored = await api.send(groupId, text, clientMessageId, undefined, extras);
      if (stored) this.host.added(store.add([{ ...stored, clientMessageId }]), true);
      else {
        store.accept(clientMessageId);
        // Stored, and its echo usually comes within milliseconds. If it has not come by then (lost while
        // reconnecting, or the hub was down), the history has the copy. Not at once: against the seed
        // every catch-up fetches the whole conversation.
        this.host.later(() => {
          if (store.awaitsCopy(clientMessageId)) void this.host.catchUp();
        }, ECHO_GRACE_MS);
      }
    } catch (error) {
      // The echo can confirm a message whose response was lost: then there is nothing to report.
      const reason = error instanceof Error ? error : new Error(String(error));
      if (store.markFailed(clientMessageId, this.host.describe(reason))) this.host.onSendFailed(reason);
    }
    this.host.onChange();
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
