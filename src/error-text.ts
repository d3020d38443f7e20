import { ChatApiError, ChatTimeoutError } from './chat-api.js';
import type { SupportChatStrings } from './strings.js';
import { duration } from './token-source.js';

/** A message longer than the server takes: refused before it is posted. */
export class MessageTooLongError extends Error {
  constructor(readonly max: number) {
    super(`A message can be at most ${max.toLocaleString('en')} characters.`);
    this.name = 'MessageTooLongError';
  }
}

/** There was no conversation to send to within the request timeout. */
export class NoConversationError extends Error {
  constructor() {
    super('There is no conversation to send to yet.');
    this.name = 'NoConversationError';
  }
}

/**
 * What a person reads about a failed request: chosen by the error's class and status, never its words.
 * The browser's "Failed to fetch" means nothing to a shopper; a server's problem detail says what is wrong.
 */
export function errorText(error: Error, text: SupportChatStrings): string {
  if (error instanceof ChatTimeoutError) return text.timeout(duration(error.timeoutMs));
  if (error instanceof ChatApiError && error.status === undefined) return navigator.onLine ? text.unreachable : text.offline;
  if (error instanceof MessageTooLongError) return text.tooLong(error.max);
  if (error instanceof NoConversationError) return text.noConversation;
  return error.message;
}
