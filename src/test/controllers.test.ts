import { expect, waitUntil } from '@open-wc/testing';
import { ComposerController } from '../composer-controller.js';
import { PushBatcher } from '../push-batcher.js';
import { defaultStrings } from '../strings.js';
import { FakeHost } from './fake-connection.js';

/** A controller host that is also an event target, as the element is: the composer fires its send event on it. */
class EventHost extends FakeHost {
  readonly #events = new EventTarget();
  readonly dispatchEvent = (event: Event) => this.#events.dispatchEvent(event);
  readonly addEventListener = this.#events.addEventListener.bind(this.#events);
  readonly removeEventListener = this.#events.removeEventListener.bind(this.#events);
}

describe('PushBatcher', () => {
  it('hands on a first push at once, and a burst within one frame together at the next', async () => {
    const delivered: unknown[][] = [];
    const batcher = new PushBatcher(payloads => delivered.push(payloads));
    batcher.queue(1);
    await Promise.resolve();
    expect(delivered).to.deep.equal([[1]]);
    batcher.queue(2);
    batcher.queue(3);
    batcher.queue(4);
    expect(delivered).to.have.length(1);
    await waitUntil(() => delivered.length === 2, 'the burst never came');
    expect(delivered).to.deep.equal([[1], [2, 3, 4]]);
  });

  it('hands on at once a push that comes once the last hand-on has been drawn, however soon', async () => {
    const delivered: unknown[][] = [];
    const batcher = new PushBatcher(payloads => delivered.push(payloads));
    // Each push comes in the frame after the one before: mostly sooner than a frame's 16.7 ms after it,
    // when waiting by the clock alone held it for another frame.
    for (const push of [1, 2, 3, 4]) {
      batcher.queue(push);
      await Promise.resolve();
      expect(delivered.at(-1)).to.deep.equal([push]);
      await new Promise(requestAnimationFrame);
    }
  });

  it('clear() forgets what waits; flush() hands it on now', async () => {
    const delivered: unknown[][] = [];
    const batcher = new PushBatcher(payloads => delivered.push(payloads));
    batcher.queue('old');
    batcher.clear();
    await Promise.resolve();
    expect(delivered).to.deep.equal([]);
    batcher.queue('a');
    batcher.queue('b');
    batcher.flush();
    expect(delivered).to.deep.equal([['a', 'b']]);
  });
});

describe('ComposerController', () => {
  function composer() {
    const host = new EventHost();
    const sent: string[] = [];
    const controller = new ComposerController(host, {
      send: async text => (sent.push(text), true),
      typing: () => undefined,
      strings: () => defaultStrings,
      files: {},
    });
    host.connect();
    return { host, controller, sent };
  }

  it('rests during a cooldown, says why, and wakes after it even when the host left and came back meanwhile', async () => {
    const { host, controller } = composer();
    controller.coolDown(0.2);
    expect(controller.cannotSend).to.equal('You are sending messages too fast. You can send again in 1 s.');
    host.disconnect();
    host.connect();
    const updates = host.updates;
    // The wake-up is an update of the host: without it the button would stay resting until something else renders.
    await waitUntil(() => host.updates > updates, 'the host was never woken after the cooldown', { timeout: 2000 });
    expect(controller.cannotSend).to.equal(undefined);
  });

  it('Enter sends the trimmed draft and empties the box; a cancelled send event keeps it', async () => {
    const { host, controller, sent } = composer();
    controller.edit('  hello  ');
    controller.onKeydown(new KeyboardEvent('keydown', { key: 'Enter', cancelable: true }));
    expect(sent).to.deep.equal(['hello']);
    expect(controller.draft).to.equal('');

    host.addEventListener('support-chat-send', event => event.preventDefault());
    controller.edit('kept');
    controller.onKeydown(new KeyboardEvent('keydown', { key: 'Enter', cancelable: true }));
    expect(sent).to.deep.equal(['hello']);
    expect(controller.draft).to.equal('kept');
  });
});
