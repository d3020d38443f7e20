import { expect } from '@open-wc/testing';
import { layoutConversation } from '../conversation-layout.js';
import type { ChatMessage } from '../types.js';

const now = new Date(2026, 10, 27, 15, 0);
const at = (daysAgo: number, hour: number, minute = 0) => new Date(2026, 10, 27 - daysAgo, hour, minute);
let id = 0;
const message = (userId: number, createdAt?: Date): ChatMessage => {
  id++;
  return { id, key: `m${id}`, name: `user ${userId}`, text: `text ${id}`, userId, avatarUrl: null, createdAt, state: 'sent' };
};

/** The layout as a person reads it: day labels, and each message's sender with "+" when it continues a group. */
const read = (messages: ChatMessage[], locale = 'en-US') =>
  layoutConversation(messages, locale, { now }).map(item =>
    item.kind === 'day' ? item.label : `${item.continues ? '+' : ''}${item.message.userId}`,
  );

describe('layoutConversation', () => {
  it('puts a separator before each new day: a date, then Yesterday, then Today', () => {
    expect(read([message(1, at(3, 9)), message(2, at(1, 9)), message(1, at(0, 9))])).to.deep.equal([
      'Nov 24, 2026',
      '1',
      'Yesterday',
      '2',
      'Today',
      '1',
    ]);
  });

  it('groups one sender’s messages within five minutes, and starts a new group after a gap or another sender', () => {
    expect(
      read([
        message(1, at(0, 9, 0)),
        message(1, at(0, 9, 4)),
        message(1, at(0, 9, 12)),
        message(2, at(0, 9, 13)),
        message(1, at(0, 9, 14)),
      ]),
    ).to.deep.equal(['Today', '1', '+1', '1', '2', '1']);
  });

  it('starts a new group at a new day even for the same sender', () => {
    expect(read([message(1, at(1, 23, 58)), message(1, at(0, 0, 1))])).to.deep.equal(['Yesterday', '1', 'Today', '1']);
  });

  it('counts a message still on its way as now', () => {
    expect(read([message(1, at(0, 14, 58)), message(1)])).to.deep.equal(['Today', '1', '+1']);
  });

  it('speaks the given language', () => {
    expect(read([message(1, at(1, 9)), message(1, at(0, 9))], 'de')).to.deep.equal(['Gestern', '1', 'Heute', '1']);
  });

  it('makes its formatters once per language, not on every call', () => {
    const made: string[] = [];
    const { DateTimeFormat, RelativeTimeFormat } = Intl;
    const counted = <T extends abstract new (...args: never[]) => object>(Original: T, name: string): T =>
      new Proxy(Original, {
        construct(target, args: unknown[], newTarget) {
          made.push(`${name} ${String(args[0])}`);
          return Reflect.construct(target, args, newTarget) as object;
        },
      });
    // Read-only in TypeScript's view of `Intl`, writable in the browser.
    const intl = Intl as { -readonly [K in keyof typeof Intl]: (typeof Intl)[K] };
    intl.DateTimeFormat = counted(DateTimeFormat, 'date');
    intl.RelativeTimeFormat = counted(RelativeTimeFormat, 'relative');
    try {
      const messages = [message(1, at(3, 9)), message(2, at(1, 9)), message(1, at(0, 9))];
      for (let i = 0; i < 5; i++) read(messages, 'de-CH');
      expect(made.toSorted()).to.deep.equal(['date de-CH', 'relative de-CH']);
    } finally {
      intl.DateTimeFormat = DateTimeFormat;
      intl.RelativeTimeFormat = RelativeTimeFormat;
    }
  });
});
