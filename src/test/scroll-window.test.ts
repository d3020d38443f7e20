import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import '../define.js';
import { HubMethods } from '../hub-protocol.js';
import type { SupportChat } from '../support-chat.js';
import { FakeConnection, loadConversationCode } from './fake-connection.js';

/*
 * The window over the message list across a switch of conversations, in real Chromium layout. The REST API
 * is answered by hand through `window.fetch` and the hub is the fake connection: the claim is about what
 * the list shows, not the wire (paging through the DOM window on the real server is in integration/).
 */

const AGENT = 7;
/** Loading the rest of the widget and its first history can take a few seconds on a loaded machine. */
const LOADED = { timeout: 10_000 };

/** Each conversation's history: 60 messages from the agent, ids by group so they never collide. */
function history(group: string) {
  const base = Number(group) * 1000;
  return Array.from({ length: 60 }, (_, i) => ({
    id: base + i + 1,
    name: 'Agent',
    message: `group ${group} message ${i + 1}`,
    userId: AGENT,
    userAvatarUrl: null,
    isMe: false,
    groupId: group,
  }));
}

function handRest() {
  const original = window.fetch;
  window.fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(new Request(input, init).url);
    const group = decodeURIComponent(url.pathname.split('/').at(-1)!);
    // The newest page holds the whole conversation (shorter than the widget asks for nothing older).
    return Response.json({ chats: url.searchParams.has('afterId') || url.searchParams.has('beforeId') ? [] : history(group) });
  };
  return () => (window.fetch = original);
}

describe('the message window across conversations', () => {
  before(loadConversationCode);
  let undo = () => {};
  beforeEach(() => (undo = handRest()));
  afterEach(() => undo());

  it('a switch shows the new conversation at its end, with no "new messages" pill from the one left', async () => {
    let connection!: FakeConnection;
    const page = await fixture<HTMLDivElement>(html`
      <div style="height: 360px">
        <support-chat
          mode="inline"
          hub-url="https://chat.example/hubs/groupchat"
          api-url="https://chat.example/api/"
          group="1"
          .tokenProvider=${() => 'token'}
          .createConnection=${() => (connection = new FakeConnection())}
        ></support-chat>
      </div>
    `);
    const element = page.querySelector<SupportChat>('support-chat')!;
    const root = element.shadowRoot!;
    const log = () => root.querySelector<HTMLElement>('.log')!;
    const lastShown = () => [...root.querySelectorAll('.message .text')].at(-1)?.textContent;
    // Its words, not the node: a failed assertion on a DOM node makes web-test-runner lose the browser.
    const pill = () => root.querySelector('.pill')?.textContent ?? undefined;
    const atEnd = () => Math.abs(log().scrollTop + log().clientHeight - log().scrollHeight) <= 2;
    await waitUntil(() => element.status === 'connected' && lastShown() === 'group 1 message 60', 'group 1 never showed', LOADED);
    await element.updateComplete;
    expect(log().scrollHeight, 'the list must overflow for this test to mean anything').to.be.greaterThan(log().clientHeight * 2);

    // The reader scrolls up into the middle of group 1, and the agent writes: the pill points below.
    const scrolled = new Promise(resolve => log().addEventListener('scroll', resolve, { once: true }));
    log().scrollTop = log().scrollHeight / 2;
    await scrolled;
    connection.push(HubMethods.receiveMessage, { ...history('1')[0], id: 1061, message: 'group 1 message 61' });
    await waitUntil(() => pill() === 'New messages ↓', 'no "new messages" pill in group 1');

    element.group = '2';
    await waitUntil(() => lastShown() === 'group 2 message 60', 'group 2 never showed');
    await element.updateComplete;
    expect(pill(), 'the pill of group 1 stayed in group 2').to.equal(undefined);
    expect(atEnd(), 'group 2 did not start at its newest message').to.equal(true);

    // And it follows group 2's new messages at the end, as a conversation opened fresh does.
    connection.push(HubMethods.receiveMessage, { ...history('2')[0], id: 2061, message: 'group 2 message 61' });
    await waitUntil(() => lastShown() === 'group 2 message 61', 'the push for group 2 never showed');
    await element.updateComplete;
    expect(atEnd(), 'a new message in group 2 left the view behind').to.equal(true);
    expect(pill()).to.equal(undefined);
  });
});
