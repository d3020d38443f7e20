import { expect, fixture, html } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../../define.js';
import type { SupportChat } from '../../support-chat.js';
import type { ChatStatus } from '../../types.js';
import {
  agentSends,
  bubbles,
  expectAllOnce,
  historyRequests,
  newVisitor,
  numbered,
  proxy,
  restartServer,
  shownTexts,
  until,
  useReferenceServer,
  whenConnected,
  type ServerHandle,
  type Visitor,
} from './reference-server.js';

/** Everything the server holds for a conversation, read directly, not through the widget. */
async function stored(server: ServerHandle, token: string, groupId: string): Promise<string[]> {
  const response = await fetch(`${server.url}/chats/${groupId}`, { headers: { Authorization: `Bearer ${token}` } });
  return ((await response.json()) as { chats: { message: string }[] }).chats.map(c => c.message);
}

async function type(element: SupportChat, text: string) {
  element.shadowRoot!.querySelector('textarea')!.focus();
  await sendKeys({ type: text });
  await sendKeys({ press: 'Enter' });
}

describe('faults injected between a widget and the real reference server', () => {
  const env = useReferenceServer();

  /** A visitor's widget, connected straight to the server or through the fault proxy at `via`. */
  async function widget(visitor: Visitor, { via, transport, timeout }: { via?: string; transport?: string; timeout?: number } = {}) {
    const base = via ?? env.server.url;
    const element = await fixture<SupportChat>(html`
      <support-chat
        mode="inline"
        hub-url=${`${base}/hubs/groupchat`}
        api-url=${`${base}/`}
        group=${visitor.groupId}
        transport=${transport ?? ''}
        request-timeout=${timeout ?? 15_000}
        .tokenProvider=${() => visitor.token}
      ></support-chat>
    `);
    await whenConnected(element);
    await until(() => historyRequests({ ...env.server, url: base }, visitor.groupId) > 0, 'the widget never fetched its history');
    return element;
  }

  // Each outage is waited out with the widget's back-off, which doubles up to 30 s: two of them on a busy
  // machine can take longer than mocha's default.
  it('the server is killed and restarted twice while an agent sends 100 messages: all 100 arrive, once each, in order', async function () {
    this.timeout(120_000);
    const visitor = await newVisitor(env.server, 'Kill');
    const element = await widget(visitor);
    const texts = numbered('kill', 100);
    await agentSends(env.server, env.agent, visitor.groupId, texts, async n => {
      if (n === 30 || n === 70) await restartServer(env.server, 300);
    });
    await expectAllOnce(element, texts, 90_000);
    expect(element.status).to.equal('connected');
  });

  it('the network is paused, reset and cut while 100 messages are sent: all 100 arrive, once each, in order', async function () {
    this.timeout(120_000);
    const visitor = await newVisitor(env.server, 'Net');
    const { url } = await proxy(env.server, 'start');
    const element = await widget(visitor, { via: url });
    const texts = numbered('net', 100);
    // Each outage lasts while five messages are sent; the cut, until the widget has noticed it.
    await agentSends(env.server, env.agent, visitor.groupId, texts, async n => {
      if (n === 20) await proxy(env.server, 'pause');
      if (n === 25) await proxy(env.server, 'resume');
      if (n === 45) await proxy(env.server, 'drop');
      if (n === 70) await proxy(env.server, 'cut');
      if (n === 75) {
        await until(() => element.status === 'reconnecting', 'the widget never noticed the cut');
        await proxy(env.server, 'restore');
      }
    });
    await expectAllOnce(element, texts);
  });

  it('a send answered with 500 stays on screen, marked, and a retry delivers it once', async () => {
    const visitor = await newVisitor(env.server, 'Five');
    const { url } = await proxy(env.server, 'start');
    const element = await widget(visitor, { via: url });
    await proxy(env.server, 'failNext', {
      method: 'POST',
      path: `/chats/${visitor.groupId}`,
      status: 500,
      headers: { 'Content-Type': 'application/problem+json' },
      body: JSON.stringify({ title: 'An error occurred while processing your request.', status: 500 }),
    });

    await type(element, 'Please call me back');
    await until(() => bubbles(element)[0]?.dataset.state === 'failed', 'the 500 was not shown');
    expect(bubbles(element)[0].querySelector('.state')!.textContent).to.contain('An error occurred');
    expect(await stored(env.server, env.agent, visitor.groupId)).to.deep.equal([]);

    bubbles(element)[0].querySelector<HTMLButtonElement>('.retry')!.click();
    await until(() => bubbles(element)[0]?.dataset.state === 'sent', 'the retry did not go through');
    expect(await stored(env.server, env.agent, visitor.groupId)).to.deep.equal(['Please call me back']);
    expect(shownTexts(element)).to.deep.equal(['Please call me back']);
  });

  it('a send that gets no answer times out, stays marked, and a retry delivers it once', async () => {
    const visitor = await newVisitor(env.server, 'Slow');
    const { url } = await proxy(env.server, 'start');
    const element = await widget(visitor, { via: url, timeout: 2000 });
    await proxy(env.server, 'failNext', { method: 'POST', path: `/chats/${visitor.groupId}`, hang: true });

    await type(element, 'Is this thing on?');
    await until(() => bubbles(element)[0]?.dataset.state === 'failed', 'the send never timed out');
    expect(bubbles(element)[0].querySelector('.state')!.textContent).to.contain('did not answer within 2 s');

    bubbles(element)[0].querySelector<HTMLButtonElement>('.retry')!.click();
    await until(() => bubbles(element)[0]?.dataset.state === 'sent', 'the retry did not go through');
    expect(await stored(env.server, env.agent, visitor.groupId)).to.deep.equal(['Is this thing on?']);
  });

  it('a send whose response is lost is confirmed by its echo, and a retry of it stores nothing twice', async () => {
    const visitor = await newVisitor(env.server, 'Lost');
    const { url } = await proxy(env.server, 'start');
    const element = await widget(visitor, { via: url });
    await proxy(env.server, 'failNext', { method: 'POST', path: `/chats/${visitor.groupId}`, loseResponse: true });

    await type(element, 'Did you get this?');
    await until(() => bubbles(element)[0]?.dataset.state === 'sent', 'the echo did not confirm the message');
    expect(element.shadowRoot!.querySelector('[role="alert"]')).to.equal(null);
    expect(await stored(env.server, env.agent, visitor.groupId)).to.deep.equal(['Did you get this?']);
    expect(shownTexts(element)).to.deep.equal(['Did you get this?']);
  });

  it('two widgets of the same visitor, one asleep behind a stalled network, end with the same messages', async () => {
    const visitor = await newVisitor(env.server, 'Twin');
    const { url } = await proxy(env.server, 'start');
    const awake = await widget(visitor);
    const asleep = await widget(visitor, { via: url });
    const texts = numbered('twin', 20);

    await proxy(env.server, 'pause');
    await agentSends(env.server, env.agent, visitor.groupId, texts.slice(0, 10));
    await until(() => shownTexts(awake).length === 10, 'the awake widget missed messages');
    expect(shownTexts(asleep)).to.deep.equal([]);
    await proxy(env.server, 'resume');
    await agentSends(env.server, env.agent, visitor.groupId, texts.slice(10));

    await expectAllOnce(awake, texts);
    await expectAllOnce(asleep, texts);
  });

  it('a connection reset on WebSockets is bridged by stateful reconnect: no reconnecting state, no catch-up needed', async () => {
    const visitor = await newVisitor(env.server, 'Blip');
    const { url } = await proxy(env.server, 'start');
    const element = await widget(visitor, { via: url, transport: 'websockets' });
    const statuses: ChatStatus[] = [];
    element.addEventListener('support-chat-status-change', event => statuses.push(event.status));
    const historyBefore = historyRequests({ ...env.server, url }, visitor.groupId);

    await proxy(env.server, 'drop');
    await agentSends(env.server, env.agent, visitor.groupId, ['sent during the blip']);
    await until(() => shownTexts(element).length === 1, 'the message sent during the blip never arrived');

    expect(statuses).to.deep.equal([]);
    expect(historyRequests({ ...env.server, url }, visitor.groupId)).to.equal(historyBefore);
  });

  // SignalR 10's client keeps the stateful-reconnect buffer of a dropped WebSocket when its automatic
  // reconnect lands on another transport; that buffer then swallows every push and every invocation (no
  // JoinGroup ever leaves), and nothing is logged. The widget must come back working all the same.
  it('a WebSocket dropped and then refused: the widget reconnects on another transport, re-joins and catches up', async function () {
    this.timeout(60_000);
    const visitor = await newVisitor(env.server, 'Fallback');
    const { url } = await proxy(env.server, 'start');
    const element = await widget(visitor, { via: url });
    await agentSends(env.server, env.agent, visitor.groupId, ['before the drop']);
    await until(() => shownTexts(element).length === 1, 'the first message never arrived');
    const historyBefore = historyRequests({ ...env.server, url }, visitor.groupId);

    await proxy(env.server, 'refuseWebSockets');
    await proxy(env.server, 'drop');
    await agentSends(env.server, env.agent, visitor.groupId, ['while reconnecting']);
    // The re-join's catch-up is the proof that the new connection really joined.
    await until(() => historyRequests({ ...env.server, url }, visitor.groupId) > historyBefore, 'the widget never re-joined', 30_000);
    await agentSends(env.server, env.agent, visitor.groupId, ['live on the fallback']);
    await expectAllOnce(element, ['before the drop', 'while reconnecting', 'live on the fallback']);
    expect(element.status).to.equal('connected');
    expect((await proxy(env.server, 'allowWebSockets')).transportsSeen).to.include('server-sent-events');
  });

  for (const transport of ['websockets', 'server-sent-events', 'long-polling']) {
    it(`on ${transport} only: live messages, and a server restart caught up once each`, async function () {
      this.timeout(90_000);
      const server = env.server;
      const visitor = await newVisitor(server, transport);
      const { url } = await proxy(server, 'start');
      const before = (await proxy(server, 'start')).transportsSeen;
      const element = await widget(visitor, { via: url, transport });

      await agentSends(server, env.agent, visitor.groupId, ['live 1', 'live 2']);
      await until(() => shownTexts(element).length === 2, `no live messages on ${transport}`);
      await restartServer(server, 300);
      await agentSends(server, env.agent, visitor.groupId, ['after restart 1', 'after restart 2']);
      await expectAllOnce(element, ['live 1', 'live 2', 'after restart 1', 'after restart 2']);

      const seen = (await proxy(server, 'start')).transportsSeen;
      expect(seen).to.include(transport);
      // This widget used nothing else: whatever else the proxy saw was seen before it connected.
      expect(seen.filter(name => name !== transport && !before.includes(name))).to.deep.equal([]);
    });
  }
});
