import type { Attachment, ChatMessage } from './types.js';

/** Method names of the seed's `GroupChatHub`. */
export const HubMethods = {
  joinGroup: 'JoinGroup',
  leaveGroup: 'LeaveGroup',
  receiveMessage: 'ReceiveMessage',
  /** Extension: tell the conversation I am typing. */
  typing: 'Typing',
  /** Extension: someone else in the conversation is typing. */
  userTyping: 'UserTyping',
} as const;

/** A `UserTyping` push. */
export interface TypingNotice {
  groupId: string;
  userId: number;
  name: string;
}

/** A `UserTyping` argument, or `undefined` with one warning. */
export function parseTyping(value: unknown): TypingNotice | undefined {
  if (!isRecord(value)) return drop('typing notice is not an object', value);
  const { groupId, userId, name } = value;
  if (typeof groupId !== 'number' && typeof groupId !== 'string') return drop('typing groupId', value);
  if (typeof userId !== 'number' || !Number.isFinite(userId)) return drop('typing userId', value);
  return { groupId: String(groupId), userId, name: typeof name === 'string' ? name.slice(0, MAX_NAME_LENGTH) : '' };
}

/** The message DTO on the wire: the seed's fields, then the reference server's extensions. */
export interface WireMessage {
  id: number;
  name: string;
  message: string;
  userId: number;
  userAvatarUrl: string | null;
  isMe: boolean;
  groupId?: number | string;
  createdAt?: string;
  clientMessageId?: string;
  /** `"text"` (the default) or `"markdown"`; any other value is shown as plain text. */
  format?: string;
  /** The files the message carries: `{ id, name, size, contentType, url }` each. */
  attachments?: Attachment[];
}

/** Longer than any server should send (the reference server allows 4,000); past it a message is dropped. */
export const MAX_TEXT_LENGTH = 20_000;
const MAX_NAME_LENGTH = 200;

function drop(reason: string, value: unknown): undefined {
  console.warn(`support-chat: dropped a malformed message (${reason})`, value);
  return undefined;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Turns whatever arrived (a hub push or a history entry) into a message, or into `undefined` with one
 * console warning. Nothing from the wire reaches the store without passing here.
 */
export function parseMessage(value: unknown): ChatMessage | undefined {
  if (!isRecord(value)) return drop('not an object', value);
  const { id, name, message, userId, userAvatarUrl, groupId, createdAt, clientMessageId, format, attachments } = value;
  if (typeof id !== 'number' || !Number.isSafeInteger(id) || id <= 0) return drop('id', value);
  if (typeof message !== 'string') return drop('message', value);
  if (message.length > MAX_TEXT_LENGTH) return drop('message too long', id);
  if (typeof userId !== 'number' || !Number.isFinite(userId)) return drop('userId', value);
  if (name !== undefined && name !== null && typeof name !== 'string') return drop('name', value);

  const created = typeof createdAt === 'string' ? new Date(createdAt) : undefined;
  return {
    id,
    key: `m${id}`,
    name: (name ?? '').slice(0, MAX_NAME_LENGTH),
    text: message,
    userId,
    avatarUrl: typeof userAvatarUrl === 'string' ? userAvatarUrl : null,
    groupId: typeof groupId === 'number' || typeof groupId === 'string' ? String(groupId) : undefined,
    createdAt: created && !Number.isNaN(created.getTime()) ? created : undefined,
    clientMessageId: typeof clientMessageId === 'string' ? clientMessageId : undefined,
    ...(format === 'markdown' ? { format } : {}),
    // No more than a message can carry (the reference server's limit): a flood of records draws nothing.
    ...(Array.isArray(attachments) && attachments.length
      ? {
          attachments: attachments
            .slice(0, 10)
            .map(parseAttachment)
            .filter(a => !!a),
        }
      : {}),
    state: 'sent',
  };
}

/**
 * A file record (an upload's answer, or an entry of a message's `attachments`): a whole size of no fewer than
 * no bytes and a name no longer than a sender's; anything else is left out with a warning.
 */
export function parseAttachment(value: unknown): Attachment | undefined {
  const { id, name, size, contentType, url } = isRecord(value) ? value : {};
  return typeof id === 'string' &&
    typeof name === 'string' &&
    name.length <= MAX_NAME_LENGTH &&
    Number.isSafeInteger(size) &&
    (size as number) >= 0 &&
    typeof contentType === 'string' &&
    typeof url === 'string'
    ? { id, name, size: size as number, contentType, url }
    : drop('attachment', value);
}

/** A history answer `{ chats: [...] }`: every entry parsed, the malformed ones dropped. */
export function parseHistory(value: unknown): ChatMessage[] {
  if (!isRecord(value) || !Array.isArray(value.chats)) {
    console.warn('support-chat: history answer without a chats array', value);
    return [];
  }
  return value.chats.map(parseMessage).filter((m): m is ChatMessage => m !== undefined);
}
