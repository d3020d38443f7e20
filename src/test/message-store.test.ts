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

  it('does not match a pending message by text', () => {
    const store = new MessageStore();
    store.addPending('c-1', 'same text', 7, 'Ann');
    store.add([message(1, { text: 'same text', userId: 7 })]);
    expect(store.size).to.equal(2);
    expect(store.getPending('c-1')?.state).to.equal('pending');
  });

  it('marks a failed message and back to pending for a retry', () => {
    const store = new MessageStore();
    store.addPending('c-1', 'hello', 7, 'Ann');
    expect(store.markFailed('c-1', 'The server answered 500.')?.state).to.equal('failed');
    expect(store.messages[0].error).to.equal('The server answered 500.');
    expect(store.markPending('c-1')?.state).to.equal('pending');
    expect(store.messages[0].error).to.equal(undefined);
  });

  it('forgets a settled pending message, whose echo shows instead', () => {
    const store = new MessageStore();
    store.addPending('c-1', 'hello', 7, 'Ann');
    store.settle('c-1');
    expect(store.size).to.equal(0);
  });

  it('drops the pending copy when the server copy was already held', () => {
    const store = new MessageStore();
    store.add([message(4, { clientMessageId: 'c-1' })]);
    store.addPending('c-1', 'again', 7, 'Ann');
    expect(store.add([message(4, { clientMessageId: 'c-1' })])).to.deep.equal([]);
    expect(ids(store)).to.deep.equal([4]);
  });
});
