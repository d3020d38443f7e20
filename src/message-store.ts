import { Outbox } from './outbox.js';
import type { ChatMessage, Extras } from './types.js';

type StoredMessage = ChatMessage & { readonly id: number };

/**
 * The conversation as shown: server messages ordered and de-duplicated by id, then my messages still
 * on their way (the outbox), in the order I sent them. History and live pushes may overlap in any way;
 * each message is kept once, and a copy of one of mine takes its bubble's place.
 */
export class MessageStore {
  readonly #sent: StoredMessage[] = [];
  readonly #ids = new Set<number>();
  readonly #outbox = new Outbox();
  /** Both lists in one, made when read after a change while messages of mine are on their way. */
  #joined?: readonly ChatMessage[];

  /** Server messages in id order, then messages of mine without a server copy yet (pending, accepted, failed). */
  get messages(): readonly ChatMessage[] {
    if (this.#outbox.size === 0) return this.#sent;
    this.#joined ??= [...this.#sent, ...this.#outbox.messages];
    return this.#joined;
  }

  /** The highest id held, from history or a push. */
  get lastId(): number | undefined {
    return this.#sent.at(-1)?.id;
  }

  get size(): number {
    return this.#sent.length + this.#outbox.size;
  }

  /** Adds server messages; returns those that were new, in id order. */
  add(messages: Iterable<ChatMessage>): ChatMessage[] {
    const added: StoredMessage[] = [];
    this.#joined = undefined;
    // In id order (the seed's history has none), so copies meet my messages in the order both were made.
    for (const message of Array.from(messages).filter(isStored).sort(byId)) {
      if (this.#ids.has(message.id)) {
        if (message.clientMessageId) this.#outbox.answerNamesHeldCopy(message.clientMessageId, message.id);
        continue;
      }
      this.#ids.add(message.id);
      const key = this.#outbox.claim(message);
      // Keep my bubble's key so its DOM node is reused, not replaced.
      const stored = key ? { ...message, key } : message;
      this.#insert(stored);
      added.push(stored);
    }
    return added;
  }

  /** Shows a message of mine before the server has it. */
  addPending(clientMessageId: string, text: string, userId: number, name: string, extras?: Extras): ChatMessage {
    this.#joined = undefined;
    return this.#outbox.addPending(clientMessageId, text, userId, name, extras);
  }

  /** The message is being posted, as `userId`: a copy numbered at or below the highest id held now cannot be it. */
  posting(clientMessageId: string, userId: number, name: string): void {
    this.#joined = undefined;
    this.#outbox.posting(clientMessageId, userId, name, this.lastId ?? 0);
  }

  /** A retry: on its way again. */
  markPending(clientMessageId: string): ChatMessage | undefined {
    this.#joined = undefined;
    return this.#outbox.markPending(clientMessageId);
  }

  /** Stored, without saying which message it became (the seed): shown as sent until its copy comes. */
  accept(clientMessageId: string): void {
    this.#joined = undefined;
    this.#outbox.accept(clientMessageId);
  }

  /** Whether the server stored this message of mine and its copy has not come yet. */
  awaitsCopy(clientMessageId: string): boolean {
    return this.#outbox.awaitsCopy(clientMessageId);
  }

  /** The send failed: the failed message as shown, or `undefined` when its copy is already here. */
  markFailed(clientMessageId: string, error: string): ChatMessage | undefined {
    this.#joined = undefined;
    return this.#outbox.markFailed(clientMessageId, error);
  }

  /** Live messages arrive in order, so the search starts from the end and usually stops at once. */
  #insert(message: StoredMessage) {
    let index = this.#sent.length;
    while (index > 0 && this.#sent[index - 1].id > message.id) index--;
    this.#sent.splice(index, 0, message);
  }
}

const isStored = (message: ChatMessage): message is StoredMessage => message.id !== undefined;
const byId = (a: StoredMessage, b: StoredMessage) => a.id - b.id;
