import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import '../define.js';
import { HubMethods } from '../hub-protocol.js';
import type { SupportChat } from '../support-chat.js';
import { MARK_INTERVAL_MS } from '../flow-read-marks.js';
import { FakeConnection, loadConversationCode, settle } from './fake-connection.js';

/*
 * The workflow's timing with a fake hub connection: when MarkRead goes out, and that a hub without the
 * workflow gets none of it. What the server does with them is proven in integration/workflow.test.ts.
 */

const agentSays = (id: number) => ({ id, name: 'Agent', message: `answer ${id}`, userId: 1, userAvatarUrl: null, isMe: false, groupId: 1 });

/** A widget on conversation 1 through a fake connection; `seedHub`: the hub refuses WatchAvailability, as the seed's does. */
async function widget({ open = true, seedHub = false } = {}) {
  const connection = new FakeConnection();
  if (seedHub) connection.refuse.set('WatchAvailability', new Error('Method does not exist.'));
  const element = await fixture<SupportChat>(html`
    <support-chat
      ?open=${open}
      hub-url="https://chat.example/hubs/groupchat"
      api-url=${`${location.origin}/no-such-api/`}
      group="1"
      .tokenProvider=${() => 'token'}
      .createConnection=${() => connection}
    ></support-chat>
  `);
  await waitUntil(() => element.status === 'connected' && connection.calls.includes('WatchAvailability()'), 'never joined');
  return { element, connection };
}

/**
 * Answers the list of past conversations with A's rows when the test releases it; every other request
 * goes on to the page's server (which knows no such API, as before).
 */
function pastListServer() {
  const real = window.fetch;
  const releases: (() => void)[] = [];
  const asked: string[] = [];
  window.fetch = (input, init) => {
    const url = String(input instanceof Request ? input.url : input);
    if (!url.includes('visitors/conversations')) return real(input, init);
    asked.push(url);
    return new Promise(resolve =>
      releases.push(() =>
        resolve(
          new Response(JSON.stringify({ conversations: [{ groupId: 41, state: 'open', lastMessage: "A's secret" }] }), {
            headers: { 'Content-Type': 'application/json' },
          }),
        ),
      ),
    );
  };
  return { releases, asked, restore: () => (window.fetch = real) };
}

const marks = (connection: FakeConnection) => connection.calls.filter(call => call.startsWith('MarkRead('));

describe('the support workflow with a fake connection', () => {
  before(loadConversationCode);

  it('MarkRead: at most once per interval however many messages come, only forward, with the newest id', async () => {
    const { element, connection } = await widget();
    const started = performance.now();
    // A lively conversation: a message drawn every few frames for well over an interval.
    for (let id = 1; id <= 30; id++) {
      connection.push(HubMethods.receiveMessage, agentSays(id));
      await waitUntil(() => element.messages.length === id, 'a push never arrived');
      await element.updateComplete;
      await new Promise(resolve => setTimeout(resolve, 50));
    }
    await waitUntil(() => marks(connection).at(-1) === 'MarkRead(1,30)', 'the newest was never marked read', { timeout: 5000 });
    const elapsed = performance.now() - started;
    const sent = marks(connection);
    expect(sent.length).to.be.at.most(Math.floor(elapsed / MARK_INTERVAL_MS) + 1);
    const ids = sent.map(call => Number(/,(\d+)\)/.exec(call)![1]));
    expect(ids).to.deep.equal([...ids].sort((a, b) => a - b));
    expect(new Set(ids).size).to.equal(ids.length);

    // An older message arriving late moves nothing back, and sends nothing: the next mark is the newer one's.
    connection.push(HubMethods.receiveMessage, agentSays(3));
    await element.updateComplete;
    connection.push(HubMethods.receiveMessage, agentSays(31));
    await waitUntil(() => marks(connection).at(-1) === 'MarkRead(1,31)', 'the newer was never marked read', { timeout: 5000 });
    expect(marks(connection)).to.deep.equal([...sent, 'MarkRead(1,31)']);
  });

  it('marks nothing while the panel is closed; opening it marks the newest', async () => {
    const { element, connection } = await widget({ open: false });
    connection.push(HubMethods.receiveMessage, agentSays(7));
    await waitUntil(() => element.messages.length === 1, 'the push never arrived');
    await element.updateComplete;
    await settle();
    expect(marks(connection)).to.deep.equal([]);
    element.show();
    await waitUntil(() => marks(connection).includes('MarkRead(1,7)'), 'opening the panel did not mark it read');
  });

  it("a hub without the workflow (the seed's): no MarkRead, no header line, no list of past conversations, no warning", async () => {
    const warnings: unknown[] = [];
    const warn = console.warn;
    console.warn = (...args: unknown[]) => warnings.push(args);
    try {
      const { element, connection } = await widget({ seedHub: true });
      connection.push(HubMethods.receiveMessage, agentSays(1));
      await waitUntil(() => element.messages.length === 1, 'the push never arrived');
      await element.updateComplete;
      await new Promise(resolve => setTimeout(resolve, 200));
      expect(marks(connection)).to.deep.equal([]);
      const root = element.shadowRoot!;
      expect(root.querySelector('.availability, .past-open, .seen') !== null).to.equal(false);
      expect(warnings).to.deep.equal([]);
    } finally {
      console.warn = warn;
    }
  });

  describe("a person's past conversations", () => {
    let server: ReturnType<typeof pastListServer>;
    beforeEach(() => (server = pastListServer()));
    afterEach(() => server.restore());

    // A boolean, not the element: a failed assertion on an element makes web-test-runner serialize it for the
    // report, and walking a live widget's object graph hangs the browser instead of failing the test.
    const pastShown = (element: SupportChat) => element.shadowRoot!.querySelector('.past') !== null;
    async function openPast(element: SupportChat) {
      await waitUntil(() => element.shadowRoot!.querySelector('.past-open'), 'no way to the past conversations');
      element.shadowRoot!.querySelector<HTMLButtonElement>('.past-open')!.click();
      await waitUntil(() => server.releases.length === 1, 'the list was never asked for');
    }

    it("logout takes the last visitor's list off the screen", async () => {
      const { element } = await widget();
      await openPast(element);
      server.releases[0]();
      await waitUntil(() => element.shadowRoot!.textContent!.includes("A's secret"), "A's rows never showed");
      await element.logout();
      await element.updateComplete;
      expect(pastShown(element)).to.equal(false);
      expect(element.shadowRoot!.textContent).not.to.include("A's secret");
    });

    it("identify(B) on the same conversation drops A's list, and A's read that answers afterwards shows nothing", async () => {
      const { element } = await widget();
      await openPast(element);
      await element.identify('token-of-b');
      await element.updateComplete;
      expect(pastShown(element)).to.equal(false);
      server.releases[0]();
      await settle();
      await element.updateComplete;
      expect(pastShown(element)).to.equal(false);
      expect(element.shadowRoot!.textContent).not.to.include("A's secret");
    });
  });
});
