import { ChatApiError, ChatStatusError, ChatTimeoutError } from './chat-api.js';
import type { SupportChatStrings } from './strings.js';
import { duration, NoAnswerError, SignInError } from './token-source.js';

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

/** The element has no way to get a token: the page set neither `tokenProvider` nor `token-url`. */
export class NoTokenSourceError extends Error {
  constructor() {
    super('support-chat needs a tokenProvider or a token-url.');
    this.name = 'NoTokenSourceError';
  }
}

/**
 * What a person reads about a failed request: chosen by the error's class and status, never its words.
 * The browser's "Failed to fetch" means nothing to a shopper; a server's problem detail says what is wrong.
 */
export function errorText(error: Error, text: SupportChatStrings): string {
  if (error instanceof ChatTimeoutError || error instanceof NoAnswerError) return text.timeout(duration(error.timeoutMs));
  if (error instanceof SignInError) return text.signInFailed;
  if (error instanceof ChatApiError && error.status === undefined) return navigator.onLine ? text.unreachable : text.offline;
  if (error instanceof MessageTooLongError) return text.tooLong(error.max);
  if (error instanceof NoConversationError) return text.noConversation;
  if (error instanceof NoTokenSourceError) return text.noTokenSource;
  if (error instanceof ChatStatusError) return text.serverAnswered(error.status);
  return error.message;
}

/**
 * What a failed bubble says about its send. Not the banner's "trying again": the connection retries by
 * itself, a bubble does not; it waits for its retry button.
 */
export function failedSendText(error: Error, text: SupportChatStrings): string {
  // A post that timed out may still have been stored; its retry carries the same id, so it is kept once.
  if (error instanceof ChatTimeoutError) return text.failedTimeout(duration(error.timeoutMs));
  if (error instanceof ChatApiError && error.status === undefined && !(error instanceof ChatTimeoutError)) {
    return navigator.onLine ? text.failedUnreachable : text.failedOffline;
  }
  return errorText(error, text);
}
