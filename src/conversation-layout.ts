import { dateFormat, relativeDayFormat } from './formatters.js';
import type { ChatMessage } from './types.js';

/** What the message list shows, in order: a separator at each new day, then the messages of that day. */
export type LayoutItem =
  { kind: 'day'; key: string; label: string } | { kind: 'message'; key: string; message: ChatMessage; continues: boolean };

/** Messages from one sender closer together than this read as one group: the name is shown once. */
const GROUP_GAP_MS = 5 * 60_000;
const DAY_MS = 86_400_000;

const startOfDay = (date: Date) => new Date(date.getFullYear(), date.getMonth(), date.getDate()).getTime();

export interface LayoutRange {
  /** The first message to lay out; the one before it still decides whether it starts a day or a group. */
  start?: number;
  /** Where to stop (exclusive). */
  end?: number;
  now?: Date;
}

/**
 * Day separators ("Today", "Yesterday", then dates) and sender groups, in the visitor's time zone and the
 * given language, for the messages from `start` to `end`: the list shows a window of a long conversation,
 * and laying out only that window keeps a new message from costing the whole conversation.
 * Messages still on their way have no time yet and count as now.
 */
export function layoutConversation(
  messages: readonly ChatMessage[],
  locale: string | undefined,
  { start = 0, end = messages.length, now = new Date() }: LayoutRange = {},
): LayoutItem[] {
  const items: LayoutItem[] = [];
  let previous: { userId: number; at: number } | undefined;
  let previousDay: number | undefined;
  if (start > 0) {
    const before = messages[start - 1];
    const at = before.createdAt ?? now;
    previous = { userId: before.userId, at: at.getTime() };
    previousDay = startOfDay(at);
  }
  for (let index = start; index < end; index++) {
    const message = messages[index];
    const at = message.createdAt ?? now;
    const day = startOfDay(at);
    if (day !== previousDay) {
      items.push({ kind: 'day', key: `day-${day}`, label: dayLabel(at, now, locale) });
      previousDay = day;
      previous = undefined;
    }
    const continues = previous !== undefined && previous.userId === message.userId && at.getTime() - previous.at < GROUP_GAP_MS;
    items.push({ kind: 'message', key: message.key, message, continues });
    previous = { userId: message.userId, at: at.getTime() };
  }
  return items;
}

function dayLabel(date: Date, now: Date, locale: string | undefined): string {
  const daysAgo = Math.round((startOfDay(now) - startOfDay(date)) / DAY_MS);
  if (daysAgo === 0 || daysAgo === 1) {
    const text = relativeDayFormat(locale).format(-daysAgo, 'day');
    return text.charAt(0).toLocaleUpperCase(locale) + text.slice(1);
  }
  return dateFormat(locale).format(date);
}
