import type { ChatSession } from './chat-session.js';

/**
 * Conversations set aside while a message of mine in them was unsettled (on its way, or failed), by key:
 * the post goes on, and switching back shows the same bubble, sent or with its retry.
 */
export class KeptSessions {
  readonly #kept = new Map<string, ChatSession>();

  /** Closes the conversation left and keeps it under `key`; lets go of every kept one settled since. */
  setAside(key: string | undefined, session: ChatSession | undefined) {
    session?.close();
    if (session && key !== undefined) this.#kept.set(key, session);
    for (const [kept, each] of this.#kept) if (!each.unsettled) this.#kept.delete(kept);
  }

  /** Another person: nothing of the last one's comes back. */
  clear() {
    this.#kept.clear();
  }

  /** The conversation kept under `key`, reopened and no longer kept; undefined if none was. */
  take(key: string): ChatSession | undefined {
    const kept = this.#kept.get(key);
    this.#kept.delete(key);
    kept?.reopen();
    return kept;
  }
}
