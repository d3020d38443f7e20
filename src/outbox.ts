import type { ChatMessage, Extras } from './types.js';

/** A message of mine that has no server copy in the list yet. */
interface Outgoing {
  readonly message: ChatMessage & { readonly clientMessageId: string };
  /**
   * The highest id held when it was posted: its server copy, numbered later, is above it. Undefined
   * until it is posted, when it can have no copy yet.
   */
  readonly above?: number;
  /** The server said it stored it, without saying which message it became (the seed's `{ success: true }`). */
  readonly accepted: boolean;
}

/** What a server copy is matched by when it has no `clientMessageId`. */
interface Copy {
  readonly id: number;
  readonly text: string;
  readonly userId: number;
}

/** A server copy given to a message of mine by its text alone, while that message's send had not answered. */
interface Guess {
  readonly copy: Copy;
  readonly above?: number;
}

/**
 * My messages on their way (pending, accepted, failed), in the order I sent them, and how a server copy
 * is matched to one of them: by `clientMessageId` when the copy carries one (an extension); else (the
 * seed) a new copy from my user id takes the place of my oldest message on its way with the same text.
 * Messages with the same text cannot be told apart, so what must hold is how many of each are shown, and
 * the bubble that takes the copy keeps its key (and DOM node).
 */
export class Outbox {
  #entries = new Map<string, Outgoing>();
  /** Text matches whose sends have not answered: if one of those sends fails, the copy was another's. */
  readonly #guesses = new Map<string, Guess>();

  get size(): number {
    return this.#entries.size;
  }

  /** In the order I sent them. */
  get messages(): ChatMessage[] {
    return Array.from(this.#entries.values(), entry => entry.message);
  }

  /** Shows a message of mine before the server has it. */
  addPending(clientMessageId: string, text: string, userId: number, name: string, extras?: Extras): ChatMessage {
    // It keeps its files' ids and its format: a retry sends the same message again.
    const message = { ...extras, key: clientMessageId, clientMessageId, text, userId, name, avatarUrl: null, state: 'pending' } as const;
    this.#entries.set(clientMessageId, { message, accepted: false });
    return message;
  }

  /**
   * The message is being posted: a copy numbered at or below `above`, the highest id held now, cannot be
   * it. It takes who I am now: at Enter the token may not have been fetched yet (a `tokenProvider`), and
   * its copy will carry the user id the server knows me by.
   */
  posting(clientMessageId: string, userId: number, name: string, above: number): void {
    const entry = this.#entries.get(clientMessageId);
    if (!entry || entry.above !== undefined) return;
    this.#entries.set(clientMessageId, { ...entry, above, message: { ...entry.message, userId, name } });
  }

  /** A retry: on its way again. */
  markPending(clientMessageId: string): ChatMessage | undefined {
    return this.#update(clientMessageId, { state: 'pending', error: undefined });
  }

  /**
   * The server answered that it stored the message but not which one it became (the seed). It shows as
   * sent from now on, and keeps its place until its copy arrives, by push or history.
   */
  accept(clientMessageId: string): void {
    // Its copy is here already, taken by text: that guess is now certain.
    if (this.#guesses.delete(clientMessageId)) return;
    const entry = this.#entries.get(clientMessageId);
    if (!entry) return;
    this.#entries.set(clientMessageId, { ...entry, accepted: true, message: { ...entry.message, state: 'sent', error: undefined } });
  }

  /** Whether the server stored this message of mine and its copy has not come yet. */
  awaitsCopy(clientMessageId: string): boolean {
    return this.#entries.get(clientMessageId)?.accepted ?? false;
  }

  /**
   * The send failed. Answers the failed message as shown, or `undefined` when its server copy is already
   * here (stored, but the answer was lost), so there is nothing to report.
   */
  markFailed(clientMessageId: string, error: string): ChatMessage | undefined {
    const guess = this.#guesses.get(clientMessageId);
    if (!guess) return this.#update(clientMessageId, { state: 'failed', error });
    this.#guesses.delete(clientMessageId);
    // The copy taken by text was this one's, unless another of the same text still on its way can own it:
    // then that one keeps the copy, and its bubble shows this failure, so the count of each stays right.
    const other = this.#candidate(guess.copy, false);
    if (!other) return undefined;
    const otherId = other.message.clientMessageId;
    if (!other.accepted) this.#guesses.set(otherId, { copy: guess.copy, above: other.above });
    const failed: Outgoing = {
      message: { ...other.message, clientMessageId, state: 'failed', error },
      above: guess.above,
      accepted: false,
    };
    this.#replace(otherId, clientMessageId, failed);
    return failed.message;
  }

  /** Which bubble of mine on its way a new server copy takes the place of: its key, if any. */
  claim(message: Copy & { readonly clientMessageId?: string }): string | undefined {
    const { clientMessageId } = message;
    if (!clientMessageId) {
      const entry = this.#candidate(message, true);
      if (!entry) return undefined;
      if (entry.message.state === 'pending') this.#guesses.set(entry.message.clientMessageId, { copy: message, above: entry.above });
      this.#entries.delete(entry.message.clientMessageId);
      return entry.message.key;
    }
    const entry = this.#entries.get(clientMessageId);
    if (entry) {
      this.#entries.delete(clientMessageId);
      return entry.message.key;
    }
    // This message's bubble went to a copy without `clientMessageId` that was another's (a server that
    // answers a send with its message but echoes none): this copy takes the bubble that copy belongs to,
    // a failed one too (its answer was lost after it was stored).
    const guess = this.#guesses.get(clientMessageId);
    if (!guess) return undefined;
    this.#guesses.delete(clientMessageId);
    const owner = this.#candidate(guess.copy, true);
    if (!owner) return undefined;
    const ownerId = owner.message.clientMessageId;
    if (owner.message.state === 'pending') this.#guesses.set(ownerId, { copy: guess.copy, above: owner.above });
    this.#entries.delete(ownerId);
    return owner.message.key;
  }

  /**
   * A send's answer names a copy that is already shown. If a text match gave that copy to another message
   * of mine whose send has not answered, that message is still on its way: it takes this one's bubble.
   */
  answerNamesHeldCopy(clientMessageId: string, id: number) {
    const mine = this.#guesses.get(clientMessageId);
    this.#guesses.delete(clientMessageId);
    if (mine?.copy.id === id) return;
    const wrong = Array.from(this.#guesses).find(([, guess]) => guess.copy.id === id);
    const entry = this.#entries.get(clientMessageId);
    if (!wrong) {
      // A retry whose first try was stored: the copy is here already, the bubble on its way goes.
      this.#entries.delete(clientMessageId);
      return;
    }
    const [other, guess] = wrong;
    this.#guesses.delete(other);
    if (entry) {
      const moved: Outgoing = {
        message: { ...entry.message, clientMessageId: other, state: 'pending', error: undefined },
        above: guess.above,
        accepted: false,
      };
      this.#replace(clientMessageId, other, moved);
    } else if (mine) {
      // Each took the other's copy: the text is the same, so only the bookkeeping changes.
      this.#guesses.set(other, { copy: mine.copy, above: guess.above });
    }
  }

  /** Puts `entry` under a new `clientMessageId` where `from` was, so the bubble keeps its place. */
  #replace(from: string, to: string, entry: Outgoing) {
    this.#entries = new Map(Array.from(this.#entries, ([id, current]) => (id === from ? [to, entry] : [id, current])));
  }

  /**
   * My oldest message on its way that a copy without `clientMessageId` can be: same user, same text,
   * posted before the copy was numbered. Accepted ones first (their copy is certain to exist), then pending
   * ones, then (only when `failedToo`) failed ones, whose answer may have been lost after they were stored.
   */
  #candidate(copy: Copy, failedToo: boolean): Outgoing | undefined {
    let pending: Outgoing | undefined;
    let failed: Outgoing | undefined;
    for (const entry of this.#entries.values()) {
      const { message } = entry;
      if (message.userId !== copy.userId || message.text !== copy.text || entry.above === undefined || entry.above >= copy.id) continue;
      if (entry.accepted) return entry;
      if (message.state === 'pending') pending ??= entry;
      else if (failedToo) failed ??= entry;
    }
    return pending ?? failed;
  }

  #update(clientMessageId: string, change: Partial<ChatMessage>): ChatMessage | undefined {
    const current = this.#entries.get(clientMessageId);
    if (!current) return undefined;
    const next = { ...current, accepted: false, message: { ...current.message, ...change } };
    this.#entries.set(clientMessageId, next);
    return next.message;
  }
}
