/*
 * What the reference server's workflow extension sends, as the widget reads it: a conversation's state (a
 * `ConversationState` push, the answer to `GET /chats/{id}/state`), the team's availability, and the rows
 * of `GET /visitors/conversations`. Anything not shaped as expected is ignored, never trusted.
 */

interface Person {
  name: string;
}

/** A conversation's state as `ConversationState` pushes it and `GET /chats/{id}/state` answers it. */
export interface ConversationState {
  groupId: string;
  resolved: boolean;
  /** How many times it was resolved: a rating is for the latest. */
  resolution: number;
  resolvedAt?: Date;
  resolvedBy?: Person;
  reopenedAt?: Date;
  reopenedBy?: Person;
  rated: boolean;
  rating?: { score: number; comment?: string };
}

export interface TeamAvailability {
  online: boolean;
  nextOpenAt?: Date;
}

export interface PastConversation {
  groupId: string;
  createdAt?: Date;
  resolved: boolean;
  lastMessage: string;
}

/** The status code of a refusal (`ChatApiError`), if the error is one. */
export const statusOf = (error: unknown) => (error as { status?: number } | undefined)?.status;

const date = (value: unknown) => {
  const at = typeof value === 'string' ? new Date(value) : undefined;
  return at && !Number.isNaN(at.getTime()) ? at : undefined;
};

const person = (value: unknown): Person | undefined => {
  const name = (value as { name?: unknown } | null)?.name;
  return typeof name === 'string' ? { name: name.slice(0, 200) } : undefined;
};

/** A `ConversationState` push or the GET answer; anything not shaped like one is ignored. */
export function parseState(value: unknown): ConversationState | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as Record<string, unknown>;
  if ((typeof v.groupId !== 'number' && typeof v.groupId !== 'string') || typeof v.resolution !== 'number') return undefined;
  const rating = v.rating as { score?: unknown; comment?: unknown } | null;
  return {
    groupId: String(v.groupId),
    resolved: v.state === 'resolved',
    resolution: v.resolution,
    resolvedAt: date(v.resolvedAt),
    resolvedBy: person(v.resolvedBy),
    reopenedAt: date(v.reopenedAt),
    reopenedBy: person(v.reopenedBy),
    rated: v.rated === true,
    rating:
      typeof rating?.score === 'number'
        ? { score: rating.score, comment: typeof rating.comment === 'string' ? rating.comment : undefined }
        : undefined,
  };
}

export function parseAvailability(value: unknown): TeamAvailability | undefined {
  const { online, nextOpenAt } = (value ?? {}) as { online?: unknown; nextOpenAt?: unknown };
  return typeof online === 'boolean' ? { online, nextOpenAt: date(nextOpenAt) } : undefined;
}

export function parsePast(value: unknown): PastConversation | undefined {
  const { groupId, createdAt, state, lastMessage } = (value ?? {}) as Record<string, unknown>;
  if (typeof groupId !== 'number') return undefined;
  return {
    groupId: String(groupId),
    createdAt: date(createdAt),
    resolved: state === 'resolved',
    lastMessage: typeof lastMessage === 'string' ? lastMessage.slice(0, 200) : '',
  };
}
