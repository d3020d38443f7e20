import { expect, fixture, html } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../../define.js';
import type { SupportChat } from '../../support-chat.js';
import type { ChatStatus } from '../../types.js';
import {
  bubbles,
  historyRequests,
  hubUrl,
  newVisitor,
  post,
  postOk,
  restartServer,
  shownTexts,
  until,
  useReferenceServer,
  whenConnected,
  type Visitor,
} from './reference-server.js';

describe('the live path, against the real reference server', () => {
  const env = useReferenceServer();

  const visitorWidget = (visitor: Visitor) =>
    fixture<SupportChat>(html`
      <support-chat
        mode="inline"
        hub-url=${hubUrl(env.server)}
        group=${visitor.groupId}
        .tokenProvider=${() => visitor.token}
      ></support-chat>
    `);

  /** Waits until the widget has joined and loaded history: the first history request has answered. */
  async function whenJoined(element: SupportChat, visitor: Visitor) {
    await whenConnected(element);
    await until(() => historyRequests(env.server, visitor.groupId) > 0, 'the widget never fetched its history');
    await element.updateComplete;
  }

  it("shows an agent's message in the visitor's widget the moment it is posted, once, as text", async () => {
    const visitor = await newVisitor(env.server, 'Ann');
    const element = await visitorWidget(visitor);
    await whenJoined(element, visitor);
    expect(shownTexts(element)).to.deep.equal([]);

    const text = 'Hi Ann <img src=x onerror="window.__pwned=1"> tracking: https://example.com/t?id=42.';
    await postOk(env.server, env.agent, visitor.groupId, text);
    await until(() => shownTexts(element).length === 1, 'the pushed message never appeared');

    // Arrived by push: the widget made no history request beyond its first.
    expect(historyRequests(env.server, visitor.groupId)).to.equal(1);
    expect(shownTexts(element)).to.deep.equal([text]);
    const [bubble] = bubbles(element);
    expect(bubble.classList.contains('theirs')).to.equal(true);
    expect(bubble.querySelector('.name')!.textContent).to.equal('Support team');
    expect(bubble.querySelector('img')).to.equal(null);
    expect((window as { __pwned?: number }).__pwned).to.equal(undefined);
    const link = bubble.querySelector('a')!;
    expect(link.href).to.equal('https://example.com/t?id=42');
    expect(link.rel).to.equal('noopener noreferrer');
    await expect(element).to.be.accessible();
  });

  it("carries a visitor's typed message to the agent's widget on the same page, once in each", async () => {
    const visitor = await newVisitor(env.server, 'Ben');
    const [visitorView, agentView] = await Promise.all([
      visitorWidget(visitor),
      fixture<SupportChat>(html`
        <support-chat mode="inline" hub-url=${hubUrl(env.server)} group=${visitor.groupId} .tokenProvider=${() => env.agent}></support-chat>
      `),
    ]);
    await whenJoined(visitorView, visitor);
    await until(() => historyRequests(env.server, visitor.groupId) >= 2, 'the agent widget never fetched its history');
    await whenConnected(agentView);

    visitorView.shadowRoot!.querySelector('textarea')!.focus();
    await sendKeys({ type: 'Where is my order?' });
    await sendKeys({ press: 'Enter' });

    await until(() => shownTexts(agentView).length === 1, "the visitor's message never reached the agent");
    await until(() => visitorView.messages[0]?.state === 'sent', "the visitor's message was never confirmed");
    expect(shownTexts(agentView)).to.deep.equal(['Where is my order?']);
    expect(bubbles(agentView)[0].classList.contains('theirs')).to.equal(true);
    expect(bubbles(agentView)[0].querySelector('.name')!.textContent).to.equal('Ben');
    expect(shownTexts(visitorView)).to.deep.equal(['Where is my order?']);
    expect(bubbles(visitorView)[0].classList.contains('mine')).to.equal(true);
    expect(visitorView.shadowRoot!.querySelector('textarea')!.value).to.equal('');
  });

  it("refuses a visitor who tries to join or read another visitor's conversation", async () => {
    const [owner, intruder] = await Promise.all([newVisitor(env.server, 'Owner'), newVisitor(env.server, 'Intruder')]);
    await postOk(env.server, env.agent, owner.groupId, 'Your refund is on its way.');

    const ownerView = await visitorWidget(owner);
    await whenJoined(ownerView, owner);
    const errors: string[] = [];
    const intruderView = await fixture<SupportChat>(html`
      <support-chat
        mode="inline"
        hub-url=${hubUrl(env.server)}
        group=${owner.groupId}
        .tokenProvider=${() => intruder.token}
        @support-chat-error=${(event: { error: Error }) => errors.push(event.error.message)}
      ></support-chat>
    `);
    await until(() => errors.some(e => e.includes(`You may not join conversation ${owner.groupId}`)), 'the join was not refused');

    const notice = intruderView.shadowRoot!.querySelector('[role="alert"]');
    expect(notice?.textContent).to.contain(`You may not join conversation ${owner.groupId}`);

    // A message the owner's widget receives by push never reaches the intruder's.
    await postOk(env.server, env.agent, owner.groupId, 'Anything else?');
    await until(() => shownTexts(ownerView).length === 2, "the owner's widget missed a message");
    expect(shownTexts(intruderView)).to.deep.equal([]);

    // And the REST API says no as well.
    const read = await fetch(`${env.server.url}/chats/${owner.groupId}`, { headers: { Authorization: `Bearer ${intruder.token}` } });
    expect(read.status).to.equal(403);
    expect((await post(env.server, intruder.token, owner.groupId, 'hi')).status).to.equal(403);
  });

  it('after the server restarts, reconnects by itself, re-joins and shows what was sent since, once each and in order', async () => {
    const visitor = await newVisitor(env.server, 'Cleo');
    const element = await visitorWidget(visitor);
    const statuses: ChatStatus[] = [];
    element.addEventListener('support-chat-status-change', event => statuses.push(event.status));
    await whenJoined(element, visitor);

    for (const n of [1, 2, 3]) await postOk(env.server, env.agent, visitor.groupId, `before ${n}`);
    await until(() => shownTexts(element).length === 3, 'the first messages never arrived');

    await restartServer(env.server, 500);
    // Sent while the widget is still cut off: only a catch-up after the re-join can bring these.
    for (const n of [1, 2, 3]) await postOk(env.server, env.agent, visitor.groupId, `while away ${n}`);

    await until(() => element.status === 'connected' && shownTexts(element).length === 6, 'the widget did not catch up', 25_000);
    await postOk(env.server, env.agent, visitor.groupId, 'after');
    await until(() => shownTexts(element).length === 7, 'a push after the re-join never arrived');

    expect(shownTexts(element)).to.deep.equal([
      'before 1',
      'before 2',
      'before 3',
      'while away 1',
      'while away 2',
      'while away 3',
      'after',
    ]);
    const ids = element.messages.map(m => m.id!);
    expect(ids).to.deep.equal([...ids].sort((a, b) => a - b));
    expect(statuses).to.include('reconnecting');
    expect(statuses.at(-1)).to.equal('connected');
  });

  it('moving the widget to another conversation leaves the old one and joins the new one', async () => {
    const [first, second] = await Promise.all([newVisitor(env.server, 'First'), newVisitor(env.server, 'Second')]);
    await postOk(env.server, first.token, first.groupId, 'first conversation');
    await postOk(env.server, second.token, second.groupId, 'second conversation');
    const element = await fixture<SupportChat>(html`
      <support-chat mode="inline" hub-url=${hubUrl(env.server)} group=${first.groupId} .tokenProvider=${() => env.agent}></support-chat>
    `);
    await until(() => shownTexts(element).join() === 'first conversation', 'the first conversation never loaded');

    element.group = second.groupId;
    await until(() => shownTexts(element).join() === 'second conversation', 'the second conversation never loaded');

    // Posted in order on one server: had the widget stayed in the first group, that push would come first.
    await postOk(env.server, env.agent, first.groupId, 'to the first, after the move');
    await postOk(env.server, env.agent, second.groupId, 'to the second, after the move');
    await until(() => shownTexts(element).length === 2, 'the new conversation missed a push');
    expect(shownTexts(element)).to.deep.equal(['second conversation', 'to the second, after the move']);
  });

  it('keeps two widgets on one page in their own conversations', async () => {
    const [a, b] = await Promise.all([newVisitor(env.server, 'A'), newVisitor(env.server, 'B')]);
    const container = await fixture<HTMLDivElement>(html`
      <div>
        <support-chat id="a" mode="inline" hub-url=${hubUrl(env.server)} group=${a.groupId} .tokenProvider=${() => a.token}></support-chat>
        <support-chat id="b" mode="inline" hub-url=${hubUrl(env.server)} group=${b.groupId} .tokenProvider=${() => b.token}></support-chat>
      </div>
    `);
    const [viewA, viewB] = ['#a', '#b'].map(id => container.querySelector<SupportChat>(id)!);
    await whenJoined(viewA, a);
    await whenJoined(viewB, b);
    await postOk(env.server, env.agent, a.groupId, 'for A');
    await postOk(env.server, env.agent, b.groupId, 'for B');
    await until(() => shownTexts(viewA).length === 1 && shownTexts(viewB).length === 1, 'a widget missed its message');
    expect(shownTexts(viewA)).to.deep.equal(['for A']);
    expect(shownTexts(viewB)).to.deep.equal(['for B']);
  });

  it('stops its connection when removed from the page, and catches up when put back', async () => {
    const visitor = await newVisitor(env.server, 'Dee');
    const element = await visitorWidget(visitor);
    await whenJoined(element, visitor);
    const statuses: ChatStatus[] = [];
    element.addEventListener('support-chat-status-change', event => statuses.push(event.status));
    element.remove();
    expect(element.status).to.equal('disconnected');
    expect(statuses).to.deep.equal(['disconnected']);

    // Another widget in the same conversation gets the next push; the removed one does not.
    const witness = await visitorWidget(visitor);
    await whenConnected(witness);
    await until(() => historyRequests(env.server, visitor.groupId) >= 2, 'the second widget never fetched its history');
    await postOk(env.server, env.agent, visitor.groupId, 'are you still there?');
    await until(() => shownTexts(witness).length === 1, 'the witness missed the message');
    expect(element.messages).to.have.length(0);

    // Put back in the page, it connects again and catches up on what it missed while away.
    witness.after(element);
    await until(() => shownTexts(element).join() === 'are you still there?', 'the re-attached widget did not catch up');
    expect(element.status).to.equal('connected');
  });

  it('with only a token-url, joins the conversation the server names, and a returning visitor gets the same one', async () => {
    const tokenUrl = `${env.server.url}/visitors`;
    const first = await fixture<SupportChat>(
      html`<support-chat mode="inline" hub-url=${hubUrl(env.server)} token-url=${tokenUrl}></support-chat>`,
    );
    await whenConnected(first);
    first.shadowRoot!.querySelector('textarea')!.focus();
    await sendKeys({ type: 'Hello from a page without script' });
    await sendKeys({ press: 'Enter' });
    await until(() => first.messages[0]?.state === 'sent', 'the message was never confirmed');
    const groupId = first.messages[0].groupId!;
    first.remove();

    // The same browser comes back: its HttpOnly cookie leads to the same conversation, with a new token.
    const again = await fixture<SupportChat>(
      html`<support-chat mode="inline" hub-url=${hubUrl(env.server)} token-url=${tokenUrl}></support-chat>`,
    );
    await until(() => shownTexts(again).join() === 'Hello from a page without script', 'the returning visitor lost the conversation');
    await postOk(env.server, env.agent, groupId, 'Welcome back');
    await until(() => shownTexts(again).length === 2, 'the returning visitor missed a push');
    // No token in storage: only the flag that this visitor has a conversation there, so the launcher loads at once.
    const stored = Object.entries(localStorage);
    expect(stored.map(([key]) => key)).to.include(`support-chat:conversation:${env.server.url}/`);
    expect(stored.filter(([key, value]) => !key.startsWith('support-chat:conversation:') || value !== '1')).to.deep.equal([]);
    expect(sessionStorage.length).to.equal(0);
  });
});
