/** The connection state a page can read from `status` and watch through `support-chat-status-change`. */
export type ChatStatus = 'disconnected' | 'connecting' | 'connected' | 'reconnecting';

/** Where a message of mine is on its way; messages from others are always `sent`. */
export type DeliveryState = 'pending' | 'sent' | 'failed';

/** A message as the widget holds and shows it. */
export interface ChatMessage {
  /** The server's id; absent while a message of mine is still pending or failed. */
  readonly id?: number;
  /** Stable across pending → sent, so the bubble keeps its place in the DOM. */
  readonly key: string;
  readonly name: string;
  readonly text: string;
  readonly userId: number;
  readonly avatarUrl: string | null;
  readonly groupId?: string;
  readonly createdAt?: Date;
  readonly clientMessageId?: string;
  /** Extension: `markdown` for an agent's formatted message; absent means plain text. */
  readonly format?: 'markdown';
  /** Extension: the files the message carries (the server's records, or mine while on its way). */
  readonly attachments?: readonly Attachment[];
  readonly state: DeliveryState;
  /** Why the last send of a failed message did not go through. */
  readonly error?: string;
}

/** A file in a message, as the server recorded it. `url` is short-lived and signed; often a path on the API's origin. */
export interface Attachment {
  readonly id: string;
  readonly name: string;
  readonly size: number;
  readonly contentType: string;
  readonly url: string;
}

/** What goes with a message's text: how to read it, and the files it names. */
export interface Extras {
  readonly format?: 'markdown';
  readonly attachments?: readonly Attachment[];
}

/** What `tokenProvider` returns: a JWT for the hub and the REST API. */
export type TokenProvider = () => string | Promise<string>;
