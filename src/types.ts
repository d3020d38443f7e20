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
  readonly state: DeliveryState;
  /** Why the last send of a failed message did not go through. */
  readonly error?: string;
}

/** What `tokenProvider` returns: a JWT for the hub and the REST API. */
export type TokenProvider = () => string | Promise<string>;
