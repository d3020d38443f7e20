import { expect } from '@open-wc/testing';
import { MessageStore } from '../message-store.js';
import type { ChatMessage } from '../types.js';

const message = (id: number, extra: Partial<ChatMessage> = {}): ChatMessage => ({
  id,
  key: `m${id}`,
  name: 'Agent',
  text: `message ${id}`,
  userId: 1,
  avatarUrl: null,
  state: 'sent',
  ...extra,
});

const ids = (store: MessageStore) => store.messages.map(m => m.id);

/** A message of mine without a server copy yet. */
const onItsWay = (store: MessageStore, clientMessageId: string) =>
  store.messages.find(m => m.id === undefined && m.clientMessageId === clientMessageId);

describe('MessageStore', () => {
  it('keeps messages in id order whatever order they arrive in', () => {
    const store = new MessageStore();
    store.add([message(3), message(1)]);
    store.add([message(2), message(5), message(4)]);
    expect(ids(store)).to.deep.equal([1, 2, 3, 4, 5]);
    expect(store.lastId).to.equal(5);
  });

  it('does not copy the conversation to add a message, nor to read it again while one of mine is pending', () => {
    const store = new MessageStore();
    store.add(Array.from({ length: 1000 }, (_, i) => message(i + 1)));
    const list = store.messages;
    store.add([message(1001)]);
    expect(store.messages).to.equal(list);
    expect(list).to.have.length(1001);

    store.addPending('c1', 'mine', 2, 'Me');
    const withMine = store.messages;
    expect(store.messages).to.equal(withMine);
    expect(withMine.at(-1)!.text).to.equal('mine');
    store.markFailed('c1', 'offline');
    expect(store.messages.at(-1)!.state).to.equal('failed');
  });

  it('keeps each id once when history and pushes overlap', () => {
    const store = new MessageStore();
    expect(store.add([message(1), message(2)]).map(m => m.id)).to.deep.equal([1, 2]);
    expect(store.add([message(2), message(3), message(1), message(3)]).map(m => m.id)).to.deep.equal([3]);
    expect(ids(store)).to.deep.equal([1, 2, 3]);
  });

  it('shows a pending message after the sent ones until its server copy arrives, then keeps its key', () => {
    const store = new MessageStore();
    store.add([message(1)]);
    store.addPending('c-1', 'hello', 7, 'Ann');
    store.add([message(2)]);
    expect(store.messages.map(m => m.key)).to.deep.equal(['m1', 'm2', 'c-1']);
    expect(store.messages[2].state).to.equal('pending');

    store.add([message(3, { clientMessageId: 'c-1', text: 'hello', userId: 7 })]);
    expect(store.messages.map(m => [m.id, m.key, m.state])).to.deep.equal([
      [1, 'm1', 'sent'],
      [2, 'm2', 'sent'],
      [3, 'c-1', 'sent'],
    ]);
  });

  it('does not match by text a copy that names another clientMessageId, nor one from someone else', () => {
    const store = new MessageStore();
    store.addPending('c-1', 'same text', 7, 'Ann');
    store.add([message(1, { text: 'same text', userId: 7, clientMessageId: 'other-tab' }), message(2, { text: 'same text', userId: 8 })]);
    expect(store.size).to.equal(3);
    expect(onItsWay(store, 'c-1')?.state).to.equal('pending');
  });

  it('marks a failed message and back to pending for a retry', () => {
    const store = new MessageStore();
    store.addPending('c-1', 'hello', 7, 'Ann');
    expect(store.markFailed('c-1', 'The server answered 500.')?.state).to.equal('failed');
    expect(store.messages[0].error).to.equal('The server answered 500.');
    expect(store.markPending('c-1')?.state).to.equal('pending');
    expect(store.messages[0].error).to.equal(undefined);
  });

  it('keeps an accepted message, shown as sent, until its copy arrives', () => {
    const store = new MessageStore();
    store.addPending('c-1', 'hello', 7, 'Ann');
    store.posting('c-1', 7, 'Ann');
    store.accept('c-1');
    expect(store.awaitsCopy('c-1')).to.equal(true);
    expect(store.messages.map(m => [m.key, m.state, m.id])).to.deep.equal([['c-1', 'sent', undefined]]);
    store.add([message(1, { text: 'hello', userId: 7 })]);
    expect(store.messages.map(m => [m.key, m.state, m.id])).to.deep.equal([['c-1', 'sent', 1]]);
  });

  it('drops the pending copy when the server copy was already held', () => {
    const store = new MessageStore();
    store.add([message(4, { clientMessageId: 'c-1' })]);
    store.addPending('c-1', 'again', 7, 'Ann');
    expect(store.add([message(4, { clientMessageId: 'c-1' })])).to.deep.equal([]);
    expect(ids(store)).to.deep.equal([4]);
  });
});

describe('MessageStore against the seed (copies without clientMessageId)', () => {
  const mine = (id: number, text: string) => message(id, { text, userId: 7, name: 'Ann' });
  const shown = (store: MessageStore) => store.messages.map(m => [m.key, m.state, m.id ?? null]);
  /** Shown, then posted: only a posted message can have a copy. */
  const send = (store: MessageStore, clientMessageId: string, text: string) => {
    store.addPending(clientMessageId, text, 7, 'Ann');
    store.posting(clientMessageId, 7, 'Ann');
  };

  it('a message not posted yet has no copy, even one with its text', () => {
    const store = new MessageStore();
    store.addPending('c-1', 'hello', 7, 'Ann');
    store.add([mine(1, 'hello')]);
    expect(shown(store)).to.deep.equal([
      ['m1', 'sent', 1],
      ['c-1', 'pending', null],
    ]);
    store.posting('c-1', 7, 'Ann');
    store.add([mine(2, 'hello')]);
    expect(shown(store)).to.deep.equal([
      ['m1', 'sent', 1],
      ['c-1', 'sent', 2],
    ]);
  });

  it('the echo before the send answers takes the pending bubble, which stays one bubble throughout', () => {
    const store = new MessageStore();
    store.add([message(1)]);
    send(store, 'c-1', 'hello');
    expect(shown(store)).to.deep.equal([
      ['m1', 'sent', 1],
      ['c-1', 'pending', null],
    ]);
    store.add([mine(2, 'hello')]);
    expect(shown(store)).to.deep.equal([
      ['m1', 'sent', 1],
      ['c-1', 'sent', 2],
    ]);
    // The answer then says `{ success: true }`: nothing left to wait for.
    store.accept('c-1');
    expect(store.awaitsCopy('c-1')).to.equal(false);
    expect(shown(store)).to.deep.equal([
      ['m1', 'sent', 1],
      ['c-1', 'sent', 2],
    ]);
  });

  it('the answer before the echo keeps the bubble, as sent, and the echo then takes it', () => {
    const store = new MessageStore();
    send(store, 'c-1', 'hello');
    store.accept('c-1');
    expect(store.awaitsCopy('c-1')).to.equal(true);
    expect(shown(store)).to.deep.equal([['c-1', 'sent', null]]);
    store.add([mine(5, 'hello')]);
    expect(shown(store)).to.deep.equal([['c-1', 'sent', 5]]);
  });

  it('an accepted message whose echo never comes stays until the history brings its copy', () => {
    const store = new MessageStore();
    store.add([mine(1, 'hello')]);
    send(store, 'c-1', 'hello');
    store.accept('c-1');
    // The seed's history repeats everything, my earlier "hello" included: that one is not this one.
    store.add([mine(1, 'hello'), message(2)]);
    expect(shown(store)).to.deep.equal([
      ['m1', 'sent', 1],
      ['m2', 'sent', 2],
      ['c-1', 'sent', null],
    ]);
    store.add([message(2), mine(1, 'hello'), mine(3, 'hello')]);
    expect(shown(store)).to.deep.equal([
      ['m1', 'sent', 1],
      ['m2', 'sent', 2],
      ['c-1', 'sent', 3],
    ]);
  });

  it('a copy older than the message cannot be it, even with the same text', () => {
    const store = new MessageStore();
    store.add([message(10)]);
    send(store, 'c-1', 'hello');
    store.add([mine(4, 'hello')]);
    expect(shown(store)).to.deep.equal([
      ['m4', 'sent', 4],
      ['m10', 'sent', 10],
      ['c-1', 'pending', null],
    ]);
  });

  it('two identical texts sent quickly show twice, never three or one times, whatever comes first', () => {
    const store = new MessageStore();
    send(store, 'c-1', 'ok');
    send(store, 'c-2', 'ok');
    store.accept('c-2');
    expect(store.awaitsCopy('c-2')).to.equal(true);
    // The first echo goes to the accepted one: its copy is certain to come, the pending one's is not.
    store.add([mine(8, 'ok')]);
    expect(shown(store)).to.deep.equal([
      ['c-2', 'sent', 8],
      ['c-1', 'pending', null],
    ]);
    store.add([mine(8, 'ok')]);
    expect(store.size).to.equal(2);
    store.add([mine(9, 'ok')]);
    expect(shown(store)).to.deep.equal([
      ['c-2', 'sent', 8],
      ['c-1', 'sent', 9],
    ]);
    store.accept('c-1');
    expect(store.awaitsCopy('c-1')).to.equal(false);
    expect(store.size).to.equal(2);
  });

  it('copies in a history page in no order meet my messages in the order both were made', () => {
    const store = new MessageStore();
    store.add([message(2)]);
    send(store, 'c-1', 'ok');
    store.add([message(4)]);
    send(store, 'c-2', 'ok');
    // The first can only be 3, the second 5: matched the other way round, 3 would have no message.
    store.add([message(4), mine(5, 'ok'), message(2), mine(3, 'ok')]);
    expect(shown(store)).to.deep.equal([
      ['m2', 'sent', 2],
      ['c-1', 'sent', 3],
      ['m4', 'sent', 4],
      ['c-2', 'sent', 5],
    ]);
  });

  it('when a send whose copy was guessed by text fails, the other message of that text keeps the copy', () => {
    const store = new MessageStore();
    send(store, 'c-1', 'ok');
    send(store, 'c-2', 'ok');
    // The copy of the second arrives first and is taken by the older pending one.
    store.add([mine(3, 'ok')]);
    expect(shown(store)).to.deep.equal([
      ['c-1', 'sent', 3],
      ['c-2', 'pending', null],
    ]);
    const failed = store.markFailed('c-1', 'The server answered 500.');
    // One "ok" stored, one failed: the second bubble shows the failure, with c-1 to retry.
    expect(failed?.clientMessageId).to.equal('c-1');
    expect(shown(store)).to.deep.equal([
      ['c-1', 'sent', 3],
      ['c-2', 'failed', null],
    ]);
    expect(onItsWay(store, 'c-1')?.state).to.equal('failed');
    // The second send's answer then confirms the copy it was given.
    store.accept('c-2');
    expect(store.awaitsCopy('c-2')).to.equal(false);
    expect(store.size).to.equal(2);
  });

  it('a send answered with a copy that a text match gave to another message: that one is still on its way', () => {
    const store = new MessageStore();
    send(store, 'c-1', 'ok');
    send(store, 'c-2', 'ok');
    // The echo (without clientMessageId) of the second send goes to the first by text…
    store.add([mine(3, 'ok')]);
    expect(shown(store)).to.deep.equal([
      ['c-1', 'sent', 3],
      ['c-2', 'pending', null],
    ]);
    // …then the second send's answer names it: the bubble still on its way is now the first send's.
    store.add([mine(3, 'ok'), { ...mine(3, 'ok'), clientMessageId: 'c-2' }]);
    expect(shown(store)).to.deep.equal([
      ['c-1', 'sent', 3],
      ['c-2', 'pending', null],
    ]);
    expect(onItsWay(store, 'c-1')?.key).to.equal('c-2');
    store.add([{ ...mine(4, 'ok'), clientMessageId: 'c-1' }]);
    expect(shown(store)).to.deep.equal([
      ['c-1', 'sent', 3],
      ['c-2', 'sent', 4],
    ]);
  });

  it('a send answered with a new copy, after its bubble went to a failed message’s copy by text', () => {
    const store = new MessageStore();
    send(store, 'c-1', 'ok');
    send(store, 'c-2', 'ok');
    // The second was stored as 1 but its answer was lost; then 1 comes by history and goes to the first.
    store.markFailed('c-2', 'The server did not answer within 15 s.');
    store.add([mine(1, 'ok')]);
    expect(shown(store)).to.deep.equal([
      ['c-1', 'sent', 1],
      ['c-2', 'failed', null],
    ]);
    // The first send's answer names 2: copy 1 was the failed one's, which was stored after all.
    store.add([{ ...mine(2, 'ok'), clientMessageId: 'c-1' }]);
    expect(shown(store)).to.deep.equal([
      ['c-1', 'sent', 1],
      ['c-2', 'sent', 2],
    ]);
  });

  it('a failed send whose copy arrives after all (stored, answer lost) is shown once, as sent', () => {
    const store = new MessageStore();
    send(store, 'c-1', 'hello');
    expect(store.markFailed('c-1', 'The server did not answer within 15 s.')?.state).to.equal('failed');
    store.add([mine(1, 'hello')]);
    expect(shown(store)).to.deep.equal([['c-1', 'sent', 1]]);
  });

  it('a failed send whose copy came first reports nothing: it went through', () => {
    const store = new MessageStore();
    send(store, 'c-1', 'hello');
    store.add([mine(1, 'hello')]);
    expect(store.markFailed('c-1', 'The server did not answer within 15 s.')).to.equal(undefined);
    expect(shown(store)).to.deep.equal([['c-1', 'sent', 1]]);
  });
});
