import type { ReactiveControllerHost } from 'lit';
import { errorText } from './error-text.js';
import { SupportChatErrorEvent } from './events.js';
import { isUnreachable } from './hub-connection.js';
import type { SupportChatStrings } from './strings.js';
import { SignedOutError } from './token-source.js';

/**
 * The banner over the conversation: what failed (the connection, the join, the history, a send that found no
 * conversation) in the visitor's words. Each failure also reaches the page, as a `support-chat-error` event.
 */
export class ConversationNotice {
  #text?: string;

  constructor(
    private readonly host: ReactiveControllerHost & EventTarget,
    private readonly strings: () => SupportChatStrings,
  ) {}

  get text(): string | undefined {
    return this.#text;
  }

  /** Nothing to say any more: the group is joined, or another conversation shows. */
  clear() {
    this.#text = undefined;
  }

  fail(error: Error, shown = errorText(error, this.strings())) {
    // Not a failure: a token asked for the person before `identify` or `logout` is refused on arrival.
    if (error instanceof SignedOutError) return;
    this.#text = shown;
    this.host.requestUpdate();
    this.host.dispatchEvent(new SupportChatErrorEvent(error));
  }

  /** The connection failed; `tokenError`: why the token provider failed on the last connect, if it did. */
  connectionFailed(error: Error, tokenError: Error | undefined) {
    this.fail(error, connectionProblem(error, tokenError, this.strings()));
  }
}

/**
 * What a person should read about a failed connection: SignalR's own words for "no network" and "no
 * server" mean nothing to a shopper, while a token provider's or the server's refusal says what is wrong.
 * The connection tries again by itself, so the banner may say so ("Trying again…").
 */
function connectionProblem(error: Error, tokenError: Error | undefined, strings: SupportChatStrings): string {
  if (!navigator.onLine) return strings.offline;
  if (tokenError) return errorText(tokenError, strings);
  return isUnreachable(error) ? strings.unreachable : errorText(error, strings);
}
