import type { ChatStatus } from './types.js';

/** Every text the widget shows; `strings` on the element overrides any of them. */
export interface SupportChatStrings {
  heading: string;
  placeholder: string;
  send: string;
  open: string;
  close: string;
  retry: string;
  sending: string;
  failed: string;
  you: string;
  empty: string;
  status: Record<ChatStatus, string>;
  /** The launcher's accessible name, with the unread count. */
  unread: (count: number) => string;
  /** The banner while the connection is being re-established. */
  reconnecting: string;
  /** The banner while the browser has no network. */
  offline: string;
  /** The banner while the server cannot be reached (the connection keeps trying). */
  unreachable: string;
  /** The pill that jumps to new messages below, when scrolled up. */
  newMessages: string;
  /** Who is typing right now. */
  typing: (names: string[]) => string;
  /** Why the send button is off after the server said "too many messages". */
  cooldown: (seconds: number) => string;
  /** Why the send button is off while the browser has no network. */
  sendOffline: string;
  /** A request the server did not answer within the request timeout (a duration such as "15 s"). */
  timeout: (duration: string) => string;
  /** A message longer than the server takes. */
  tooLong: (max: number) => string;
  /** A send typed before any conversation was known, and none came. */
  noConversation: string;
  /** An error status from the server with no sentence of its own (a proxy's 502, say). */
  serverAnswered: (status: number) => string;
  /** The page gave the element neither a `tokenProvider` nor a `token-url`. */
  noTokenSource: string;
  /** In a failed bubble: the server could not be reached. The bubble does not retry by itself; its button does. */
  failedUnreachable: string;
  /** In a failed bubble: the browser had no network. */
  failedOffline: string;
  /** The attach button's accessible name. */
  attach: string;
  /** In a failed bubble: no answer within the timeout, though the server may have stored it. */
  failedTimeout: (duration: string) => string;
  /** The token endpoint refused, or answered without a token. */
  signInFailed: string;
}

/** The texts of the file chips: their defaults load with the chips (`attachment-tray.ts`). */
export interface FileStrings {
  /** The list of chips. */
  attachments: string;
  /** A chip's progress bar. */
  uploading: (name: string) => string;
  removeFile: (name: string) => string;
  /** Announced: a file finished uploading. */
  fileUploaded: (name: string) => string;
  fileRemoved: (name: string) => string;
  /** Announced: a file was refused, and why (one of the texts below). */
  fileRefused: (name: string, reason: string) => string;
  /** 413 from the server. */
  fileTooBig: string;
  /** 415 from the server: the content is not an allowed type. */
  fileType: string;
  tooManyFiles: (max: number) => string;
  /** 429 from the server, with its Retry-After. */
  fileRateLimited: (seconds: number) => string;
  /** The upload got no answer. */
  fileNetwork: string;
  /** Said once when the server takes no files (the seed's contract); the attach button goes. */
  noFiles: string;
  /** The composer's note while a file is still uploading: Send waits for it. */
  sendWaits: string;
}

/** The texts of the support workflow: their defaults are its own (`flow-strings.ts`). */
export interface FlowStrings {
  /** The header while someone is there. */
  online: string;
  /** The header while nobody is: when they will be (a time, with a weekday when not today). */
  backAt: (time: string, weekday?: string) => string;
  /** The header while nobody is, and the server does not say when they will be. */
  away: string;
  /** The empty conversation while nobody is there, in place of `empty` (which promises an answer in minutes). */
  emptyAway: string;
  /** The line at the end of a resolved conversation, as the visitor reads it. */
  resolved: string;
  /** As an agent reads it: who resolved it, and when. */
  resolvedBy: (name: string, time: string) => string;
  /** As an agent reads it: who reopened it, and when. */
  reopenedBy: (name: string, time: string) => string;
  /** As an agent reads it: the visitor's rating of the latest resolution. */
  rated: (score: number, comment?: string) => string;
  /** The rating's question (the radio group's legend). */
  rateQuestion: string;
  /** The accessible name of score n of 5. */
  score: (score: number) => string;
  /** The rating's optional comment box. */
  rateComment: string;
  sendRating: string;
  /** Closes a question (the rating, the email) without an answer. */
  notNow: string;
  /** After a rating, or when it was rated already. */
  thanks: string;
  startNew: string;
  /** 429 to "Start a new conversation": the server's ceiling on new conversations, in the widget's words. */
  startLimited: string;
  /** The button that shows the visitor's earlier conversations, and the list's heading. */
  past: string;
  /** Back from that list to the conversation. */
  backToChat: string;
  /** The list when there is nothing in it. */
  noPast: string;
  /** Under the button, when the list's code could not be downloaded; the next click tries again. */
  pastUnavailable: string;
  /** A conversation in the list: when it started, its state, its last message. */
  pastItem: (date: string, resolved: boolean, last: string) => string;
  /** Under the last of my messages the other side has read. */
  seen: string;
  /** The question for an email, when nobody is there: the email box's label. */
  askEmail: string;
  sendEmail: string;
  /** After an address was taken. */
  emailSaved: (email: string) => string;
  /** An address the server refused. */
  emailRefused: string;
}

export const defaultStrings: SupportChatStrings = {
  heading: 'Support',
  placeholder: 'Write a message…',
  send: 'Send',
  open: 'Open support chat',
  close: 'Close chat',
  retry: 'Retry',
  sending: 'Sending…',
  failed: 'Not sent',
  you: 'You',
  empty: 'Ask us anything. We usually answer within a few minutes.',
  status: {
    connected: 'Connected',
    connecting: 'Connecting…',
    reconnecting: 'Reconnecting…',
    disconnected: 'Offline',
  },
  unread: count => (count === 1 ? '1 unread message' : `${count} unread messages`),
  reconnecting: 'Reconnecting… Messages sent meanwhile will appear when the connection is back.',
  offline: 'You are offline. New messages will appear when the connection is back.',
  unreachable: 'Cannot reach the support server. Trying again…',
  newMessages: 'New messages ↓',
  typing: names => (names.length === 1 ? `${names[0]} is typing…` : `${names.join(', ')} are typing…`),
  cooldown: seconds => `You are sending messages too fast. You can send again in ${seconds} s.`,
  sendOffline: 'You are offline. Your text stays here; you can send it when the connection is back.',
  timeout: duration => `The server did not answer within ${duration}.`,
  tooLong: max => `A message can be at most ${max.toLocaleString('en')} characters.`,
  noConversation: 'There is no conversation to send to yet.',
  serverAnswered: status => `The server answered ${status}.`,
  noTokenSource: 'This chat cannot sign in: the page gives it no token provider or token URL.',
  failedUnreachable: 'The support server could not be reached. Retry sends it again.',
  failedOffline: 'You are offline. Retry sends it once the connection is back.',
  failedTimeout: duration => `The server did not answer within ${duration}; it may still arrive. Retry will not send it twice.`,
  signInFailed: 'This chat cannot sign in right now.',
  attach: 'Attach files',
};

export type SupportChatStringOverrides = Partial<Omit<SupportChatStrings, 'status'> & FileStrings & FlowStrings> & {
  status?: Partial<Record<ChatStatus, string>>;
};

export function mergeStrings(overrides: SupportChatStringOverrides | undefined): SupportChatStrings {
  return { ...defaultStrings, ...overrides, status: { ...defaultStrings.status, ...overrides?.status } };
}
