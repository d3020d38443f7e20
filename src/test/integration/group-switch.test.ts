import { expect, fixture, html } from '@open-wc/testing';
import '../../define.js';
import { createHubConnection, type ChatConnection, type ConnectionFactory } from '../../hub-connection-controller.js';
import type { SupportChat } from '../../support-chat.js';
import { hubUrl, newVisitor, postOk, shownTexts, until, useReferenceServer, whenConnected } from './reference-server.js';

describe('switching conversations quickly, against the real reference server', () => {
  // The chatter below is four senders at full speed: far more than the default limit lets one visitor send.
  const env = useReferenceServer({ SUPPORTCHAT_SEND_LIMIT: '10000', SUPPORTCHAT_SEND_LIMIT_PER_IP: '10000' });

  /**
   * The real connection, watched: every push it receives (with the group the server says it is for), and
   * a hook each invocation's answer waits for, so the test can act while that invocation is on its way.
   */
  function watched(whileInvoking: (call: string) => Promise<void>) {
    const pushes: string[] = [];
    const factory: ConnectionFactory = (url, settings) => {
      const connection: ChatConnection = createHubConnection(url, settings);
      connection.on('ReceiveMessage', (...args: unknown[]) => pushes.push(String((args[0] as { groupId?: unknown }).groupId)));
      const invoke = connection.invoke.bind(connection);
      connection.invoke = async (method: string, ...args: unknown[]) => {
        const answer = invoke(method, ...args);
        await whileInvoking(`${method}(${args.join(',')})`);
        return answer;
      };
      return connection;
    };
    return { pushes, factory };
  }

  it('three quick switches while messages arrive: the last conversation shows only its own, and the server holds one membership', async () => {
    const [a, b, c, d] = await Promise.all(['A', 'B', 'C', 'D'].map(name => newVisitor(env.server, name)));
    for (const [name, visitor] of [
      ['A', a],
      ['B', b],
      ['C', c],
      ['D', d],
    ] as const) {
      await postOk(env.server, visitor.token, visitor.groupId, `${name}: hello`);
    }
    // Each switch comes while the join before it is on its way, as when an agent clicks through a list:
    // in a task of its own, as a click is, and before that join's answer reaches the widget. So the three
    // take a round trip or two each, well inside the 200 ms on an idle machine; the time itself is
    // not asserted, since the race is the same however slow a loaded machine makes them.
    const next = new Map([
      [`JoinGroup(${b.groupId})`, c.groupId],
      [`JoinGroup(${c.groupId})`, d.groupId],
    ]);
    const switcher: { element?: SupportChat } = {};
    const { pushes, factory } = watched(async call => {
      const group = next.get(call);
      const element = switcher.element;
      if (!group || !element) return;
      await new Promise(resolve => setTimeout(resolve));
      element.group = group;
      await element.updateComplete;
    });
    const element = (switcher.element = await fixture<SupportChat>(html`
      <support-chat
        mode="inline"
        hub-url=${hubUrl(env.server)}
        group=${a.groupId}
        .tokenProvider=${() => env.agent}
        .createConnection=${factory}
      ></support-chat>
    `));
    await whenConnected(element);
    await until(() => shownTexts(element).includes('A: hello'), "A's conversation never loaded");

    // Messages keep arriving in every conversation while the switches happen.
    let sending = true;
    const chatter = (async () => {
      for (let n = 1; sending; n++) {
        for (const [name, visitor] of [
          ['A', a],
          ['B', b],
          ['C', c],
          ['D', d],
        ] as const) {
          await postOk(env.server, visitor.token, visitor.groupId, `${name}: ${n}`);
        }
      }
    })();
    element.group = b.groupId;
    await until(() => element.group === d.groupId, 'the switches never happened');
    await until(() => shownTexts(element).includes('D: hello'), "D's conversation never loaded");
    sending = false;
    await chatter;

    // The chatter's last pushes may still be on their way: they are in front of this one.
    await postOk(env.server, d.token, d.groupId, 'D: quiet');
    await until(() => shownTexts(element).includes('D: quiet'), "D's quiet message never arrived");
    // Whatever the left conversations get from now on must not reach this connection.
    const from = pushes.length;
    for (const [name, visitor] of [
      ['A', a],
      ['B', b],
      ['C', c],
    ] as const)
      await postOk(env.server, visitor.token, visitor.groupId, `${name}: late`);
    await postOk(env.server, d.token, d.groupId, 'D: last');
    await until(() => shownTexts(element).includes('D: last'), "D's last message never arrived");
    // Pushes on one connection come in the order the server sent them: the left groups' would be here by now.
    expect(pushes.slice(from)).to.deep.equal([d.groupId]);
    expect(shownTexts(element).every(text => text.startsWith('D: '))).to.equal(true, `shown: ${JSON.stringify(shownTexts(element))}`);
  });

  it('a message sent the moment before a switch is stored once in its conversation, and shown sent on switching back', async () => {
    const [a, b] = await Promise.all(['A', 'B'].map(name => newVisitor(env.server, name)));
    await postOk(env.server, a.token, a.groupId, 'A: hello');
    await postOk(env.server, b.token, b.groupId, 'B: hello');
    const element = await fixture<SupportChat>(html`
      <support-chat mode="inline" hub-url=${hubUrl(env.server)} group=${a.groupId} .tokenProvider=${() => env.agent}></support-chat>
    `);
    await whenConnected(element);
    await until(() => shownTexts(element).includes('A: hello'), "A's conversation never loaded");

    const sent = element.send('Agent: one moment');
    element.group = b.groupId;
    await until(() => shownTexts(element).includes('B: hello'), "B's conversation never loaded");
    await sent;
    const storedInA = async () => {
      const response = await fetch(`${env.server.url}/chats/${a.groupId}`, { headers: { Authorization: `Bearer ${env.agent}` } });
      return ((await response.json()) as { chats: { message: string }[] }).chats.map(chat => chat.message);
    };
    await until(async () => (await storedInA()).includes('Agent: one moment'), 'the message was never stored in A');
    expect(await storedInA()).to.deep.equal(['A: hello', 'Agent: one moment']);
    expect(shownTexts(element)).to.deep.equal(['B: hello']);

    element.group = a.groupId;
    await until(() => shownTexts(element).includes('Agent: one moment'), 'the message is gone from A');
    expect(shownTexts(element)).to.deep.equal(['A: hello', 'Agent: one moment']);
    expect(element.messages.map(m => m.state)).to.deep.equal(['sent', 'sent']);
  });
});
