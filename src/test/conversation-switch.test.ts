import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import '../define.js';
import type { SupportChatErrorEvent } from '../events.js';
import { HubMethods } from '../hub-protocol.js';
import type { SupportChat } from '../support-chat.js';
import { FakeConnection, loadConversationCode, settle } from './fake-connection.js';

/** A `POST /chats/{group}` the test answers when it chooses. */
interface HeldPost {
  readonly group: string;
  readonly text: string;
  readonly signal: AbortSignal | null;
  answer(status: number): void;
}

/**
 * The REST API answered by hand through `window.fetch`: histories are empty at once, posts wait for the
 * test. (The wire itself is proven against the real server in test/integration.)
 */
function handRest() {
  const posts: HeldPost[] = [];
  const original = window.fetch;
  window.fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    const group = decodeURIComponent(new URL(request.url).pathname.split('/').at(-1)!);
    if (request.method === 'GET') return Response.json({ chats: [] });
    const body = (await request.json()) as { message: string };
    return new Promise<Response>(resolve =>
      posts.push({
        group,
        text: body.message,
        signal: init?.signal ?? null,
        answer: status =>
          resolve(status === 200 ? Response.json({ success: true }) : Response.json({ detail: 'The store is down.' }, { status })),
      }),
    );
  };
  return { posts, undo: () => (window.fetch = original) };
}

async function widget() {
  const connections: FakeConnection[] = [];
  const element = await fixture<SupportChat>(html`
    <support-chat
      mode="inline"
      hub-url="https://chat.example/hubs/groupchat"
      api-url="https://chat.example/api/"
      group="1"
      .tokenProvider=${() => 'token'}
      .createConnection=${() => {
        const connection = new FakeConnection();
        connections.push(connection);
        return connection;
      }}
    ></support-chat>
  `);
  await waitUntil(() => element.status === 'connected' && connections[0]?.calls.includes('JoinGroup(1)'), 'never joined');
  return { element, connection: () => connections[0] };
}

const bubbles = (element: SupportChat) => element.messages.map(m => `${m.text}:${m.state}`);

describe('switching conversations', () => {
  before(loadConversationCode);
  let rest: ReturnType<typeof handRest>;
  beforeEach(() => (rest = handRest()));
  afterEach(() => rest.undo());

  it('delivers the message on its way and the one queued behind it, and shows both sent when switched back', async () => {
    const { element, connection } = await widget();
    // Each resolves when its post is answered: the second waits in line behind the first.
    const sent = [element.send('first'), element.send('second')];
    await waitUntil(() => rest.posts.length === 1, 'the first post never went out');

    element.group = '2';
    await element.updateComplete;
    await waitUntil(() => connection().calls.includes('JoinGroup(2)'), 'never joined 2');
    expect(rest.posts[0].signal?.aborted ?? false).to.equal(false);
    expect(element.messages).to.deep.equal([]);

    rest.posts[0].answer(200);
    await waitUntil(() => rest.posts.length === 2, 'the queued post never went out');
    rest.posts[1].answer(200);
    await Promise.all(sent);
    expect(rest.posts.map(p => `${p.group} ${p.text}`)).to.deep.equal(['1 first', '1 second']);
    // Nothing of the first conversation reaches the one shown.
    expect(element.messages).to.deep.equal([]);

    element.group = '1';
    await element.updateComplete;
    await waitUntil(() => connection().calls.filter(c => c === 'JoinGroup(1)').length === 2, 'never joined 1 again');
    expect(bubbles(element)).to.deep.equal(['first:sent', 'second:sent']);
    // Posted once each: switching back does not send them again.
    expect(rest.posts).to.have.length(2);
  });

  it('reports a send that fails after the switch, and shows it failed with its retry when switched back', async () => {
    const { element, connection } = await widget();
    const errors: string[] = [];
    element.addEventListener('support-chat-error', event => errors.push((event as SupportChatErrorEvent).error.message));
    const sent = element.send('lost?');
    await waitUntil(() => rest.posts.length === 1, 'the post never went out');
    element.group = '2';
    await element.updateComplete;
    await waitUntil(() => connection().calls.includes('JoinGroup(2)'), 'never joined 2');

    rest.posts[0].answer(503);
    await waitUntil(() => errors.length === 1, 'the failure was never reported');
    expect(errors).to.deep.equal(['The store is down.']);
    await sent;
    expect(element.messages).to.deep.equal([]);

    element.group = '1';
    await element.updateComplete;
    await waitUntil(() => element.messages.length === 1, 'the failed message is gone');
    expect(bubbles(element)).to.deep.equal(['lost?:failed']);
    await waitUntil(() => element.shadowRoot?.querySelector('.retry') !== null, 'no retry shown');
  });

  it("identify() on the same group shows none of the last visitor's messages, and none of theirs set aside comes back", async () => {
    const { element } = await widget();
    const shown = element.send('A, shown');
    await waitUntil(() => rest.posts.length === 1, 'the post never went out');
    rest.posts[0].answer(200);
    await shown;
    await element.identify('token-of-b');
    await element.updateComplete;
    expect(element.messages.map(m => m.text)).to.deep.equal([], "A's messages stayed for B");

    // B's post is on its way when B goes on to conversation 2: 1 is set aside for B to come back to, not for C.
    void element.send('B, unsettled');
    await waitUntil(() => rest.posts.length === 2, "B's post never went out");
    element.group = '2';
    await element.updateComplete;
    await element.identify('token-of-c');
    element.group = '1';
    await element.updateComplete;
    expect(element.messages.map(m => m.text)).to.deep.equal([], "B's conversation set aside came back for C");
    rest.posts[1].answer(200);
  });

  it('drops a push without a groupId while the left group is still being left', async () => {
    const { element, connection } = await widget();
    const release = connection().hold('LeaveGroup(1)');
    element.group = '2';
    await element.updateComplete;
    await settle();
    // The seed's pushes say no group: this one was sent to the group being left.
    connection().push(HubMethods.receiveMessage, {
      id: 10,
      name: 'Agent',
      message: 'for group 1',
      userId: 1,
      userAvatarUrl: null,
      isMe: false,
    });
    await new Promise(requestAnimationFrame);
    await settle();
    release();
    await waitUntil(() => connection().calls.includes('JoinGroup(2)'), 'never joined 2');
    await settle();
    expect(element.messages.map(m => m.text)).to.deep.equal([]);
    // Joined, the pushes that name no group are the shown conversation's again.
    connection().push(HubMethods.receiveMessage, {
      id: 11,
      name: 'Agent',
      message: 'for group 2',
      userId: 1,
      userAvatarUrl: null,
      isMe: false,
    });
    await waitUntil(() => element.messages.length === 1, 'the push for the joined group was not shown');
    expect(element.messages.map(m => m.text)).to.deep.equal(['for group 2']);
  });
});
