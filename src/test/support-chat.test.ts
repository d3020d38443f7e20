import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import '../define.js';
import { HubMethods } from '../hub-protocol.js';
import { isUnreachable } from '../hub-connection-controller.js';
import type { SupportChat } from '../support-chat.js';
import type { ChatMessage } from '../types.js';
import { FakeConnection, settle } from './fake-connection.js';

/*
 * The element with a fake hub connection, through its `createConnection` hook: what it does with the
 * connection and its own state. What goes over the wire is proven against the real server in integration/.
 */

/** An inline widget on conversation 1, connected through fakes; its REST calls go nowhere useful. */
async function widget() {
  const connections: FakeConnection[] = [];
  const element = await fixture<SupportChat>(html`
    <support-chat
      mode="inline"
      hub-url="https://chat.example/hubs/groupchat"
      api-url=${`${location.origin}/no-such-api/`}
      group="1"
      .tokenProvider=${() => 'first'}
      .createConnection=${() => {
        const connection = new FakeConnection();
        connections.push(connection);
        return connection;
      }}
    ></support-chat>
  `);
  await waitUntil(() => element.status === 'connected' && connections[0]?.calls.includes('JoinGroup(1)'), 'never joined');
  return { element, connections };
}

const agentSays = (id: number, text: string) => ({
  id,
  name: 'Agent',
  message: text,
  userId: 1,
  userAvatarUrl: null,
  isMe: false,
  groupId: 1,
});

describe('<support-chat> with a fake connection', () => {
  it('a new token provider (an inline arrow on every render of a React parent) does not reconnect', async () => {
    const { element, connections } = await widget();
    element.tokenProvider = () => 'second';
    await element.updateComplete;
    await settle();
    expect(connections).to.have.length(1);
    expect(connections[0].calls).to.not.include('stop');
    expect(element.status).to.equal('connected');
  });

  it('hands out a copy of its messages: changing it changes nothing shown', async () => {
    const { element, connections } = await widget();
    connections[0].push(HubMethods.receiveMessage, agentSays(1, 'hello'));
    await waitUntil(() => element.messages.length === 1, 'the push never arrived');
    (element.messages as ChatMessage[]).push({ ...element.messages[0], key: 'x', id: 2, text: 'forged' });
    (element.messages as ChatMessage[]).length = 0;
    await element.updateComplete;
    expect(element.messages.map(m => m.text)).to.deep.equal(['hello']);
    expect([...element.shadowRoot!.querySelectorAll('.message .text')].map(n => n.textContent)).to.deep.equal(['hello']);
  });
});

describe('<support-chat> when nothing answers at the hub address', () => {
  for (const skipNegotiation of [false, true]) {
    it(`says the support server cannot be reached, in words for a shopper${skipNegotiation ? ' (skip-negotiation)' : ''}`, async () => {
      const errors: Error[] = [];
      // Port 1 on this machine: nothing listens there, so every connect is refused at once.
      const element = await fixture<SupportChat>(html`
        <support-chat
          mode="inline"
          hub-url="http://127.0.0.1:1/hubs/groupchat"
          group="1"
          ?skip-negotiation=${skipNegotiation}
          .tokenProvider=${() => 'token'}
          @support-chat-error=${(event: CustomEvent & { error: Error }) => errors.push(event.error)}
        ></support-chat>
      `);
      await waitUntil(() => element.shadowRoot!.querySelector('.notice'), 'no notice came');
      expect(element.shadowRoot!.querySelector('.notice')!.textContent).to.equal('Cannot reach the support server. Trying again…');
      // The page hears SignalR's own error, told by its type: its words are SignalR's to change.
      expect(isUnreachable(errors[0])).to.equal(true);
      element.remove();
    });
  }
});
