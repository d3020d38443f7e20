import type { ChatMessage } from './types.js';

type StoredMessage = ChatMessage & { readonly id: number };

/**
 * The conversation as shown: server messages ordered and de-duplicated by id, then my messages still
 * on their way, in the order I sent them. History and live pushes may overlap in any way; each
 * message is kept once. A pending message is matched to its server copy by `clientMessageId` only.
 */
export class MessageStore {
  readonly #sent: StoredMessage[] = [];
  readonly #ids = new Set<number>();
  readonly #outbox = new Map<string, ChatMessage>();
  /** Both lists in one, made when read after a change while messages of mine are on their way. */
  #joined?: readonly ChatMessage[];

  /** Server messages in id order, then pending and failed ones. */
  get messages(): readonly ChatMessage[] {
    if (this.#outbox.size === 0) return this.#sent;
    this.#joined ??= [...this.#sent, ...this.#outbox.values()];
    return this.#joined;
  }

  /** The lowest id held: where loading older messages resumes. */
  get firstId(): number | undefined {
    return this.#sent[0]?.id;
  }

  /** The highest id held: where a catch-up resumes. */
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
    for (const message of messages) {
      if (!isStored(message)) continue;
      const pending = message.clientMessageId ? this.#outbox.get(message.clientMessageId) : undefined;
      if (pending) this.#outbox.delete(pending.key);
      if (this.#ids.has(message.id)) continue;
      this.#ids.add(message.id);
      // Keep the pending bubble's key so its DOM node is reused, not replaced.
      const stored = pending ? { ...message, key: pending.key } : message;
      this.#insert(stored);
      added.push(stored);
    }
    return added.sort((a, b) => a.id - b.id);
  }

  /** Shows a message of mine before the server has it. */
  addPending(clientMessageId: string, text: string, userId: number, name: string): ChatMessage {
    const message: ChatMessage = { key: clientMessageId, clientMessageId, text, userId, name, avatarUrl: null, state: 'pending' };
    this.#outbox.set(clientMessageId, message);
    this.#joined = undefined;
    return message;
  }

  markPending(clientMessageId: string): ChatMessage | undefined {
    return this.#update(clientMessageId, { state: 'pending', error: undefined });
  }

  markFailed(clientMessageId: string, error: string): ChatMessage | undefined {
    return this.#update(clientMessageId, { state: 'failed', error });
  }

  /**
   * Forgets a pending message that the server accepted without saying which message it became (the
   * seed answers `{ success: true }`): its echo, pushed before that answer, shows it instead.
   */
  settle(clientMessageId: string): void {
    this.#outbox.delete(clientMessageId);
    this.#joined = undefined;
  }

  getPending(clientMessageId: string): ChatMessage | undefined {
    return this.#outbox.get(clientMessageId);
  }

  #update(clientMessageId: string, change: Partial<ChatMessage>): ChatMessage | undefined {
    const current = this.#outbox.get(clientMessageId);
    if (!current) return undefined;
    const next = { ...current, ...change };
    this.#outbox.set(clientMessageId, next);
    this.#joined = undefined;
    return next;
  }

  /** Live messages arrive in order, so the search starts from the end and usually stops at once. */
  #insert(message: StoredMessage) {
    let index = this.#sent.length;
    while (index > 0 && this.#sent[index - 1].id > message.id) index--;
    this.#sent.splice(index, 0, message);
  }
}

const isStored = (message: ChatMessage): message is StoredMessage => message.id !== undefined;
