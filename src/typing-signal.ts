import { isMissingMethod, type ChatConnection } from './hub-connection.js';
import { HubMethods } from './hub-protocol.js';

/** The least time between two Typing calls: enough for "is typing…" to stay up, little for the hub. */
export const TYPING_INTERVAL_MS = 3000;

/** The hub's `Typing(groupId)` call, at most once per interval, and never again once the server said it has none. */
export class TypingSignal {
  #sentAt = -Infinity;
  /** False once a server said it has no Typing method (the seed's has none): then it is not asked again. */
  #supported = true;

  send(connection: ChatConnection, group: string) {
    if (!this.#supported || performance.now() - this.#sentAt < TYPING_INTERVAL_MS) return;
    this.#sentAt = performance.now();
    connection.invoke(HubMethods.typing, group).catch((error: unknown) => {
      if (isMissingMethod(error)) this.#supported = false;
    });
  }
}
