import { expect } from '@open-wc/testing';
import type { ChatRest, HistoryQuery } from '../chat-api.js';
import { COMMIT_MARGIN_MS, ECHO_GRACE_MS, ChatSession, type ChatSessionCallbacks, type Clock } from '../chat-session.js';
import type { WireMessage } from '../hub-protocol.js';
import { MAX_TEXT_LENGTH, parseMessage } from '../hub-protocol.js';
import type { TokenIdentity } from '../token-source.js';
import type { ChatMessage, Extras } from '../types.js';

const ME = 7;

const wire = (id: number, text: string, userId = 1, extra: Partial<WireMessage> = {}): WireMessage => ({
  id,
  name: userId === ME ? 'Ann' : 'Agent',
  message: text,
  userId,
  userAvatarUrl: null,
  isMe: false,
  ...extra,
});

/** A call the test answers when it chooses, to put answers and pushes in the order it wants. */
interface Call<T> {
  readonly args: unknown[];
  resolve(value: T): void;
  reject(error: Error): void;
}

/** The REST API as the session sees it, answered by hand. */
class ManualRest implements ChatRest {
  readonly histories: Call<ChatMessage[]>[] = [];
  readonly sends: Call<ChatMessage | undefined>[] = [];
  /** The abort signal of every call, in the order they were made. */
  readonly signals: (AbortSignal | undefined)[] = [];

  history(groupId: string, query: HistoryQuery = {}, signal?: AbortSignal): Promise<ChatMessage[]> {
    this.signals.push(signal);
    return new Promise((resolve, reject) => this.histories.push({ args: [groupId, query], resolve, reject }));
  }

  send(groupId: string, text: string, clientMessageId: string, signal?: AbortSignal, extras?: Extras): Promise<ChatMessage | undefined> {
    this.signals.push(signal);
    return new Promise((resolve, reject) => this.sends.push({ args: [groupId, text, clientMessageId, extras], resolve, reject }));
  }

  /** Answers the oldest open history call with these messages, and says what it asked. */
  async page(...messages: WireMessage[]): Promise<HistoryQuery> {
    const call = this.histories.shift();
    if (!call) throw new Error('no history call is open');
    call.resolve(messages.map(m => parseMessage(m)!));
    await settle();
    return call.args[1] as HistoryQuery;
  }
}

/** Lets the session's awaits run. */
const settle = async () => {
  for (let i = 0; i < 20; i++) await Promise.resolve();
};

/** Time that moves only when a test says so. */
class ManualClock implements Clock {
  time = 0;
  #timers: { at: number; run: () => void }[] = [];
  now = () => this.time;
  later = (run: () => void, ms: number) => {
    const timer = { at: this.time + ms, run };
    this.#timers.push(timer);
    return timer;
  };
  cancel = (timer: unknown) => void (this.#timers = this.#timers.filter(t => t !== timer));
  /** Timers planned and not yet run or cancelled. */
  get pending() {
    return this.#timers.length;
  }
  async advance(ms: number) {
    this.time += ms;
    const due = this.#timers.filter(t => t.at <= this.time);
    this.#timers = this.#timers.filter(t => t.at > this.time);
    for (const timer of due) timer.run();
    await settle();
  }
}

function session(identity: TokenIdentity = { userId: ME, name: 'Ann' }) {
  const rest = new ManualRest();
  const errors: Error[] = [];
  /** Every callback the session made, by name. */
  const reports: string[] = [];
  const callbacks: ChatSessionCallbacks = {
    onMessages: () => void reports.push('messages'),
    onChange: () => void reports.push('change'),
    onError: error => errors.push(error),
    onSendFailed: error => errors.push(error),
  };
  const tokens = { identity };
  const clock = new ManualClock();
  const chat = new ChatSession('5', rest, tokens, callbacks, { first: 3, catchUp: 3 }, clock);
  return { rest, chat, errors, reports, tokens, clock };
}

const shown = (chat: ChatSession) => chat.store.messages.map(m => `${m.id ?? '-'}:${m.text}:${m.state}`);

describe('ChatSession', () => {
  it('against the seed, the message I send is one bubble, marked mine, from Enter to settled (echo first)', async () => {
    const { rest, chat } = session();
    void chat.catchUp();
    await rest.page();
    const sending = chat.send('hello');
    const key = chat.store.messages[0].key;
    expect(shown(chat)).to.deep.equal(['-:hello:pending']);
    chat.receive([wire(1, 'hello', ME)]);
    expect(shown(chat)).to.deep.equal(['1:hello:sent']);
    rest.sends[0].resolve(undefined);
    await sending;
    expect(shown(chat)).to.deep.equal(['1:hello:sent']);
    expect(chat.store.messages[0].key).to.equal(key);
    expect(chat.store.messages[0].userId).to.equal(ME);
    // The echo came: no history call is needed.
    expect(rest.histories).to.have.length(0);
  });

  it('against the seed, an answer before the echo keeps the bubble as sent and looks for the copy in the history', async () => {
    const { rest, chat, clock } = session();
    void chat.catchUp();
    await rest.page(wire(1, 'hi there'));
    const sending = chat.send('hello');
    rest.sends[0].resolve(undefined);
    await sending;
    expect(shown(chat)).to.deep.equal(['1:hi there:sent', '-:hello:sent']);
    // The echo usually follows within milliseconds: the history is not asked at once.
    expect(rest.histories).to.have.length(0);
    // The echo was lost (sent while reconnecting): after the grace a catch-up finds the copy.
    await clock.advance(ECHO_GRACE_MS);
    expect(rest.histories).to.have.length(1);
    await rest.page(wire(2, 'hello', ME), wire(1, 'hi there'));
    expect(shown(chat)).to.deep.equal(['1:hi there:sent', '2:hello:sent']);
    // The echo, late after all, changes nothing.
    chat.receive([wire(2, 'hello', ME)]);
    expect(shown(chat)).to.deep.equal(['1:hi there:sent', '2:hello:sent']);
  });

  it('a message sent before the first token is known takes my identity when posted, and its seed echo replaces it', async () => {
    // A `tokenProvider` with a `group` attribute: the session exists before any token was fetched.
    const { rest, chat, tokens } = session({});
    const sending = chat.send('hello');
    expect(shown(chat)).to.deep.equal(['-:hello:pending']);
    // The history read fetched the token.
    tokens.identity = { userId: ME, name: 'Ann' };
    await rest.page();
    chat.receive([wire(1, 'hello', ME)]);
    rest.sends[0].resolve(undefined);
    await sending;
    expect(chat.store.messages.map(m => `${m.id ?? '-'}:${m.text}:${m.state}:${m.userId}`)).to.deep.equal(['1:hello:sent:7']);
  });

  it('a message longer than a copy could be shown fails at once, posts nothing, and keeps its text', async () => {
    const { rest, chat, errors } = session();
    void chat.catchUp();
    await rest.page();
    const long = 'x'.repeat(MAX_TEXT_LENGTH + 1);
    await chat.send(long);
    expect(rest.sends).to.have.length(0);
    expect(chat.store.messages.map(m => [m.text.length, m.state, m.error])).to.deep.equal([
      [MAX_TEXT_LENGTH + 1, 'failed', 'A message can be at most 20,000 characters.'],
    ]);
    expect(errors.map(e => e.message)).to.deep.equal(['A message can be at most 20,000 characters.']);
    void chat.send('x'.repeat(MAX_TEXT_LENGTH));
    await settle();
    expect(rest.sends).to.have.length(1);
  });

  it('posts my messages one at a time, in the order I sent them, a failed one not holding up the next', async () => {
    const { rest, chat } = session();
    void chat.catchUp();
    await rest.page();
    const sends = [chat.send('first'), chat.send('second'), chat.send('third')];
    await settle();
    // Posted together, the second could be stored (and numbered, and shown to everyone) before the first.
    expect(rest.sends.map(call => call.args[1])).to.deep.equal(['first']);
    rest.sends[0].reject(new Error('The server did not answer within 15 seconds.'));
    await settle();
    expect(rest.sends.map(call => call.args[1])).to.deep.equal(['first', 'second']);
    rest.sends[1].resolve(parseMessage(wire(1, 'second', ME)));
    await settle();
    expect(rest.sends.map(call => call.args[1])).to.deep.equal(['first', 'second', 'third']);
    rest.sends[2].resolve(parseMessage(wire(2, 'third', ME)));
    await Promise.all(sends);
    expect(shown(chat)).to.deep.equal(['1:second:sent', '2:third:sent', '-:first:failed']);
  });

  it('posts only once the history has been read, so an earlier message of mine is not taken for the copy', async () => {
    const { rest, chat } = session();
    void chat.catchUp();
    const sending = chat.send('hello');
    await settle();
    expect(rest.sends).to.have.length(0);
    // Yesterday's "hello" is in the history: not this one.
    await rest.page(wire(1, 'hello', ME));
    expect(shown(chat)).to.deep.equal(['1:hello:sent', '-:hello:pending']);
    expect(rest.sends).to.have.length(1);
    chat.receive([wire(2, 'hello', ME)]);
    rest.sends[0].resolve(undefined);
    await sending;
    expect(shown(chat)).to.deep.equal(['1:hello:sent', '2:hello:sent']);
  });

  it('a send that cannot read the history fails with its reason, posts nothing, and can be retried', async () => {
    const { rest, chat, errors } = session();
    const sending = chat.send('hello');
    rest.histories.shift()!.reject(new Error('The server did not answer within 15 s.'));
    await sending;
    expect(rest.sends).to.have.length(0);
    expect(chat.store.messages.map(m => [m.state, m.error])).to.deep.equal([['failed', 'The server did not answer within 15 s.']]);
    expect(errors.map(e => e.message)).to.include('The server did not answer within 15 s.');

    const retrying = chat.retry(chat.store.messages[0].clientMessageId!);
    await rest.page();
    rest.sends[0].resolve(parseMessage({ ...wire(1, 'hello', ME), clientMessageId: rest.sends[0].args[2] }));
    await retrying;
    expect(shown(chat)).to.deep.equal(['1:hello:sent']);
  });

  it('a failed send with files and markdown shows its files at once and is retried with the same id, files and format', async () => {
    const { rest, chat } = session();
    void chat.catchUp();
    await rest.page();
    const file = { id: 'f1', name: 'invoice.pdf', size: 1200, contentType: 'application/pdf', url: '/files/f1?sig=x' };
    const sending = chat.send('', { format: 'markdown', attachments: [file] });
    expect(chat.store.messages[0].attachments).to.deep.equal([file]);
    await settle();
    rest.sends[0].reject(new Error('The server did not answer within 15 s.'));
    await sending;
    expect(shown(chat)).to.deep.equal(['-::failed']);

    const retrying = chat.retry(chat.store.messages[0].clientMessageId!);
    await settle();
    expect(
      rest.sends.map(({ args: [, text, id, extras] }) => [text, id, (extras as Extras).format, (extras as Extras).attachments]),
    ).to.deep.equal([
      ['', rest.sends[0].args[2], 'markdown', [file]],
      ['', rest.sends[0].args[2], 'markdown', [file]],
    ]);
    rest.sends[1].resolve(parseMessage({ ...wire(1, '', ME), clientMessageId: rest.sends[1].args[2], attachments: [file] }));
    await retrying;
    expect(chat.store.messages.map(m => [m.id, m.state, m.attachments?.map(a => a.id)])).to.deep.equal([[1, 'sent', ['f1']]]);
  });

  it('pushes out of id order around a reconnect: the catch-up resumes below the lost one', async () => {
    const { rest, chat } = session();
    void chat.catchUp();
    await rest.page(wire(1, 'a'), wire(2, 'b'));
    // 3 and 4 are saved; 4 is pushed first, then the connection drops and the push of 3 is lost.
    chat.receive([wire(4, 'd')]);
    void chat.catchUp();
    const query = await rest.page(wire(3, 'c'), wire(4, 'd'));
    expect(query.afterId).to.be.at.most(2);
    expect(shown(chat)).to.deep.equal(['1:a:sent', '2:b:sent', '3:c:sent', '4:d:sent']);
  });

  it('two catch-ups back to back, then a lost push of a late commit: the next catch-up still reads it (lag by time)', async () => {
    const { rest, chat, clock } = session();
    void chat.catchUp();
    await rest.page(wire(1, 'a'));
    await clock.advance(COMMIT_MARGIN_MS);
    // A join's catch-up and one queued right behind it (a send answered without its echo).
    void chat.catchUp();
    void chat.catchUp();
    // 2 is still being committed when both reads see 3.
    expect((await rest.page(wire(1, 'a'), wire(3, 'c'))).afterId).to.equal(0);
    expect((await rest.page(wire(3, 'c'))).afterId).to.equal(1);
    // 2 commits while the connection is down: its push is lost. The re-join catches up.
    await clock.advance(1_000);
    void chat.catchUp();
    expect((await rest.page(wire(2, 'b'), wire(3, 'c'))).afterId).to.equal(1);
    expect(shown(chat)).to.deep.equal(['1:a:sent', '2:b:sent', '3:c:sent']);
    // Once 3 was seen long enough ago that anything numbered below it is committed, catch-ups resume above it.
    await clock.advance(COMMIT_MARGIN_MS);
    void chat.catchUp();
    expect((await rest.page(wire(2, 'b'), wire(3, 'c'))).afterId).to.equal(1);
    void chat.catchUp();
    expect((await rest.page()).afterId).to.equal(3);
  });

  it('against the seed (paging ignored), a catch-up makes one GET, and only for a send whose echo did not come', async () => {
    const { rest, chat, clock } = session();
    const all = [1, 2, 3, 4, 5].map(id => wire(id, `m${id}`));
    void chat.catchUp();
    await rest.page(...all);
    expect(chat.hasOlder).to.equal(false);
    // Echo before the grace is over: no GET.
    const first = chat.send('hello');
    chat.receive([wire(6, 'hello', ME)]);
    rest.sends[0].resolve(undefined);
    await first;
    await clock.advance(ECHO_GRACE_MS);
    expect(rest.histories).to.have.length(0);
    // No echo: one GET, everything at once, and no second.
    const second = chat.send('again');
    rest.sends[1].resolve(undefined);
    await second;
    await clock.advance(ECHO_GRACE_MS);
    expect(rest.histories).to.have.length(1);
    await rest.page(...all, wire(6, 'hello', ME), wire(7, 'again', ME));
    expect(rest.histories).to.have.length(0);
    expect(chat.store.messages.map(m => m.id)).to.deep.equal([1, 2, 3, 4, 5, 6, 7]);
  });

  it('against the seed, a page of exactly the size asked for that repeats an id at or below afterId ends the catch-up', async () => {
    const { rest, chat, clock } = session();
    const all = [1, 2, 3].map(id => wire(id, `m${id}`));
    void chat.catchUp();
    await rest.page(...all);
    await clock.advance(COMMIT_MARGIN_MS);
    void chat.catchUp();
    expect((await rest.page(...all)).afterId).to.equal(0);
    // Asked after 3, answered 1–3: everything, so no next page.
    expect((await rest.page(...all)).afterId).to.equal(3);
    expect(rest.histories).to.have.length(0);
    await clock.advance(COMMIT_MARGIN_MS);
    void chat.catchUp();
    expect((await rest.page(...all)).afterId).to.equal(3);
    expect(rest.histories).to.have.length(0);
  });

  it('a send waits for a catch-up queued behind a failed first read, and posts when it succeeds', async () => {
    const { rest, chat, errors } = session();
    void chat.catchUp();
    // The join's catch-up is queued behind the first read.
    void chat.catchUp();
    const sending = chat.send('hello');
    rest.histories.shift()!.reject(new Error('The server answered 503.'));
    await settle();
    await rest.page();
    expect(rest.sends).to.have.length(1);
    rest.sends[0].resolve(parseMessage({ ...wire(1, 'hello', ME), clientMessageId: rest.sends[0].args[2] }));
    await sending;
    expect(shown(chat)).to.deep.equal(['1:hello:sent']);
    expect(errors.map(e => e.message)).to.deep.equal(['The server answered 503.']);
  });

  it('a short first page is the whole conversation, but the next catch-up reads from the start', async () => {
    const { rest, chat } = session();
    void chat.catchUp();
    // 1 is still being committed when the first read sees 2; the push of 1 is then lost.
    await rest.page(wire(2, 'b'));
    expect(chat.hasOlder).to.equal(false);
    void chat.catchUp();
    expect(await rest.page(wire(1, 'a'), wire(2, 'b'))).to.deep.equal({ afterId: 0, limit: 3 });
    expect(chat.store.messages.map(m => m.id)).to.deep.equal([1, 2]);
  });

  it('catches up page after page until a short page', async () => {
    const { rest, chat } = session();
    void chat.catchUp();
    await rest.page(wire(1, 'a'));
    void chat.catchUp();
    expect(await rest.page(wire(2, 'b'), wire(3, 'c'), wire(4, 'd'))).to.deep.equal({ afterId: 0, limit: 3 });
    expect(await rest.page(wire(5, 'e'))).to.deep.equal({ afterId: 4, limit: 3 });
    expect(rest.histories).to.have.length(0);
    expect(chat.store.messages.map(m => m.id)).to.deep.equal([1, 2, 3, 4, 5]);
  });

  it('loads older messages below the oldest the history showed, not below a late push', async () => {
    const { rest, chat } = session();
    void chat.catchUp();
    await rest.page(wire(8, 'h'), wire(9, 'i'), wire(10, 'j'));
    // A late push of a message committed after the first read, numbered below it.
    chat.receive([wire(5, 'e')]);
    const loading = chat.loadOlder();
    expect(await rest.page(wire(6, 'f'), wire(7, 'g'), wire(5, 'e'))).to.deep.equal({ beforeId: 8, limit: 3 });
    expect(await loading).to.equal(2);
    expect(chat.store.messages.map(m => m.id)).to.deep.equal([5, 6, 7, 8, 9, 10]);
  });
  it('a failed catch-up is tried again with back-off until it reads, and not once the session is set aside', async () => {
    const { rest, chat, clock, errors } = session();
    void chat.catchUp();
    await rest.page(wire(1, 'first'));
    // The connection stays up; the catch-up after a wake fails (the server did not answer in time).
    void chat.catchUp();
    rest.histories.shift()!.reject(new Error('The server did not answer within 15 s.'));
    await settle();
    expect(errors.map(e => e.message)).to.deep.equal(['The server did not answer within 15 s.']);
    // Nothing else would ask again: the session does, after a back-off, and finds what it missed.
    await clock.advance(30_000);
    expect(rest.histories).to.have.length(1);
    rest.histories.shift()!.reject(new Error('again'));
    await settle();
    await clock.advance(30_000);
    await rest.page(wire(1, 'first'), wire(2, 'missed'));
    expect(shown(chat)).to.deep.equal(['1:first:sent', '2:missed:sent']);
    await clock.advance(60_000);
    expect(rest.histories).to.have.length(0);

    // Set aside after a failure (another conversation opened, or the element left the page): no retry.
    void chat.catchUp();
    rest.histories.shift()!.reject(new Error('down'));
    await settle();
    chat.suspend();
    await clock.advance(60_000);
    expect(rest.histories).to.have.length(0);
  });

  it('suspended (its element left the page), cancels the echo wait and plans nothing for a send answered later', async () => {
    const { rest, chat, clock } = session();
    void chat.catchUp();
    await rest.page();
    const first = chat.send('one');
    await settle();
    rest.sends[0].resolve(undefined);
    await first;
    expect(clock.pending).to.equal(1);
    const second = chat.send('two');
    await settle();
    chat.suspend();
    expect(clock.pending).to.equal(0);
    rest.sends[1].resolve(undefined);
    await second;
    expect(clock.pending).to.equal(0);
    await clock.advance(60_000);
    expect(rest.histories).to.have.length(0);
    // Back in the page, the join's catch-up finds their copies; echo waits are planned again.
    chat.resume();
    const third = chat.send('three');
    await settle();
    rest.sends[2].resolve(undefined);
    await third;
    expect(clock.pending).to.equal(1);
  });

  it('closed (another conversation is shown), abandons its catch-up and older page on their way and reports nothing more, but delivers its send', async () => {
    const { rest, chat, clock, errors, reports } = session();
    void chat.catchUp();
    await rest.page(wire(4, 'four'), wire(5, 'five'), wire(6, 'six'));
    expect(chat.hasOlder).to.equal(true);
    void chat.catchUp();
    const sending = chat.send('hi');
    const queued = chat.send('then this');
    void chat.loadOlder();
    await settle();
    expect(rest.histories).to.have.length(2);
    const [catchUp, older] = rest.histories.splice(0);
    expect(rest.sends).to.have.length(1);
    const reads = [rest.signals[1], rest.signals[3]];
    expect(reads.map(signal => signal?.aborted)).to.deep.equal([false, false]);

    chat.close();
    const reported = reports.length;
    expect(reads.map(signal => signal?.aborted)).to.deep.equal([true, true]);
    // A message the visitor sent is never abandoned by a switch: nothing would say it was lost.
    expect(rest.signals[2]?.aborted ?? false).to.equal(false);
    expect(chat.unsettled).to.equal(true);
    // Answers that were already on their way when it closed change nothing shown.
    catchUp.resolve([parseMessage(wire(7, 'seven'))!]);
    older.resolve([parseMessage(wire(1, 'one'))!]);
    rest.sends[0].resolve(undefined);
    await sending;
    // The queued one goes out after it, and its failure is still reported: the owner says it where it can.
    expect(rest.sends.map(call => call.args[1])).to.deep.equal(['hi', 'then this']);
    rest.sends[1].reject(new Error('down'));
    await queued;
    await clock.advance(60_000);
    expect(reports.slice(reported)).to.deep.equal([]);
    expect(errors.map(error => error.message)).to.deep.equal(['down']);
    expect(chat.store.messages.map(m => `${m.text}:${m.state}`)).to.deep.equal([
      'four:sent',
      'five:sent',
      'six:sent',
      'hi:sent',
      'then this:failed',
    ]);
    // Nothing is read again for a closed conversation.
    expect(rest.histories).to.have.length(0);
    await chat.catchUp();
    expect(rest.histories).to.have.length(0);
  });
});
