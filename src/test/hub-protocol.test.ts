import { expect } from '@open-wc/testing';
import { MAX_TEXT_LENGTH, parseHistory, parseMessage, parseTyping } from '../hub-protocol.js';

const valid = {
  id: 12,
  name: 'Support team',
  message: 'Hello',
  userId: 1,
  userAvatarUrl: null,
  isMe: false,
  groupId: 4,
  createdAt: '2026-11-27T10:00:00.000Z',
  clientMessageId: 'abc',
};

/** Runs `body` with console.warn recorded, so each test can say how many warnings a drop gave. */
function withWarnings(body: () => void): unknown[][] {
  const warnings: unknown[][] = [];
  const original = console.warn;
  console.warn = (...args: unknown[]) => warnings.push(args);
  try {
    body();
  } finally {
    console.warn = original;
  }
  return warnings;
}

describe('parseMessage', () => {
  it("reads the seed's fields and the extensions", () => {
    const message = parseMessage(valid)!;
    expect(message).to.include({
      id: 12,
      key: 'm12',
      name: 'Support team',
      text: 'Hello',
      userId: 1,
      avatarUrl: null,
      groupId: '4',
      clientMessageId: 'abc',
      state: 'sent',
    });
    expect(message.createdAt?.toISOString()).to.equal('2026-11-27T10:00:00.000Z');
  });

  it('reads a seed message without the extensions', () => {
    const { groupId: _g, createdAt: _c, clientMessageId: _m, ...seed } = valid;
    const message = parseMessage(seed)!;
    expect(message.id).to.equal(12);
    expect(message.groupId).to.equal(undefined);
    expect(message.createdAt).to.equal(undefined);
  });

  const malformed: [string, unknown][] = [
    ['null', null],
    ['an array', [valid]],
    ['a string', 'hello'],
    ['no id', { ...valid, id: undefined }],
    ['a string id', { ...valid, id: '12' }],
    ['a negative id', { ...valid, id: -1 }],
    ['a fractional id', { ...valid, id: 1.5 }],
    ['no message', { ...valid, message: undefined }],
    ['a message that is an object', { ...valid, message: { html: '<b>x</b>' } }],
    ['no userId', { ...valid, userId: undefined }],
    ['a name that is a number', { ...valid, name: 5 }],
    ['a message over the size limit', { ...valid, message: 'x'.repeat(MAX_TEXT_LENGTH + 1) }],
  ];
  for (const [what, value] of malformed) {
    it(`drops ${what} with one warning`, () => {
      let result: unknown = 'not called';
      const warnings = withWarnings(() => (result = parseMessage(value)));
      expect(result).to.equal(undefined);
      expect(warnings).to.have.length(1);
    });
  }

  it('ignores a bad createdAt and a non-string avatar instead of dropping the message', () => {
    const message = parseMessage({ ...valid, createdAt: 'yesterday', userAvatarUrl: 42 })!;
    expect(message.createdAt).to.equal(undefined);
    expect(message.avatarUrl).to.equal(null);
  });

  it('reads format "markdown"; "text", a missing format and any other value are plain text', () => {
    expect(parseMessage({ ...valid, format: 'markdown' })!.format).to.equal('markdown');
    for (const format of ['text', undefined, 'html', 'Markdown', 1]) {
      expect(parseMessage({ ...valid, format })!, String(format)).not.to.have.property('format');
    }
  });

  it("keeps a message's well-formed file records, at most ten, and leaves out each bad one with a warning", () => {
    const file = (n: number) => ({ id: `f${n}`, name: `file-${n}.png`, size: 1024 * n, contentType: 'image/png', url: `/files/f${n}` });
    const bad = [
      null,
      'f1',
      { ...file(1), size: -1 },
      { ...file(1), size: 1.5 },
      { ...file(1), size: '12' },
      { ...file(1), size: Number.POSITIVE_INFINITY },
      { ...file(1), name: 'x'.repeat(201) },
      { ...file(1), url: undefined },
    ];
    let message: ReturnType<typeof parseMessage>;
    const warnings = withWarnings(() => (message = parseMessage({ ...valid, attachments: [file(0), ...bad, file(9)] })));
    expect(message!.attachments).to.deep.equal([file(0), file(9)]);
    expect(warnings).to.have.length(bad.length);

    const many = Array.from({ length: 25 }, (_, n) => file(n));
    expect(parseMessage({ ...valid, attachments: many })!.attachments).to.deep.equal(many.slice(0, 10));
  });
});

describe('parseHistory', () => {
  it('keeps the good entries and drops the rest', () => {
    let messages: unknown[] = [];
    const warnings = withWarnings(() => (messages = parseHistory({ chats: [valid, null, { ...valid, id: 13 }, 'junk'] })));
    expect(messages.map(m => (m as { id: number }).id)).to.deep.equal([12, 13]);
    expect(warnings).to.have.length(2);
  });

  it('answers an empty list, with a warning, to a body without chats', () => {
    let messages: unknown[] = ['not called'];
    const warnings = withWarnings(() => (messages = parseHistory({ items: [] })));
    expect(messages).to.deep.equal([]);
    expect(warnings).to.have.length(1);
  });
});

describe('parseTyping', () => {
  it('reads a typing notice, the group id as a string', () => {
    expect(parseTyping({ groupId: 3, userId: 1, name: 'Agent' })).to.deep.equal({ groupId: '3', userId: 1, name: 'Agent' });
  });

  it('drops a malformed notice with one warning each', () => {
    const results: unknown[] = [];
    const warnings = withWarnings(() => {
      for (const value of [null, [], { userId: 1 }, { groupId: 3, userId: 'x' }]) results.push(parseTyping(value));
    });
    expect(results).to.deep.equal([undefined, undefined, undefined, undefined]);
    expect(warnings).to.have.length(4);
  });
});
