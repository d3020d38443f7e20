import { expect, fixture, html } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../../define.js';
import type { SupportChat } from '../../support-chat.js';
import {
  bubbles,
  historyRequests,
  hubUrl,
  killServer,
  newVisitor,
  postOk,
  restartServer,
  shownTexts,
  until,
  useReferenceServer,
  whenConnected,
  type Visitor,
} from './reference-server.js';

describe('sending and being told, against the real reference server', () => {
  const env = useReferenceServer();

  async function joinedWidget(visitor: Visitor, mode: 'inline' | 'launcher' = 'inline') {
    const element = await fixture<SupportChat>(html`
      <support-chat
        mode=${mode}
        hub-url=${hubUrl(env.server)}
        group=${visitor.groupId}
        .tokenProvider=${() => visitor.token}
      ></support-chat>
    `);
    await whenConnected(element);
    await until(() => historyRequests(env.server, visitor.groupId) > 0, 'the widget never fetched its history');
    return element;
  }

  async function type(element: SupportChat, text: string) {
    element.shadowRoot!.querySelector('textarea')!.focus();
    await sendKeys({ type: text });
    await sendKeys({ press: 'Enter' });
  }

  it('keeps a message the server refuses on screen, marked, with the reason', async () => {
    const visitor = await newVisitor(env.server, 'Long');
    const element = await joinedWidget(visitor);
    const errors: string[] = [];
    element.addEventListener('support-chat-error', event => errors.push(event.error.message));

    await element.send('x'.repeat(4001));
    await element.updateComplete;

    const [bubble] = bubbles(element);
    expect(bubble.dataset.state).to.equal('failed');
    expect(bubble.querySelector('.text')!.textContent).to.equal('x'.repeat(4001));
    expect(bubble.querySelector('.state')!.textContent).to.contain('longer than 4000 characters');
    expect(bubble.querySelector('button.retry')).to.not.equal(null);
    expect(errors).to.have.length(1);
  });

  it('keeps a message sent while the server is down, and a retry delivers it once', async () => {
    const visitor = await newVisitor(env.server, 'Patient');
    const element = await joinedWidget(visitor);

    await killServer(env.server);
    await type(element, 'Sent into the void');
    await until(() => bubbles(element)[0]?.dataset.state === 'failed', 'the send never failed');
    expect(shownTexts(element)).to.deep.equal(['Sent into the void']);

    // The widget is waiting out its back-off, which grows while the server restarts (slowly, on a busy
    // machine): the visitor's retry ends the wait, and the message goes through.
    await restartServer(env.server);
    bubbles(element)[0].querySelector<HTMLButtonElement>('button.retry')!.click();
    await until(() => bubbles(element)[0]?.dataset.state === 'sent', 'the retry never went through');
    await until(() => element.status === 'connected', 'the widget never reconnected');

    const history = await fetch(`${env.server.url}/chats/${visitor.groupId}`, { headers: { Authorization: `Bearer ${env.agent}` } });
    const { chats } = (await history.json()) as { chats: { message: string }[] };
    expect(chats.map(c => c.message)).to.deep.equal(['Sent into the void']);
    expect(shownTexts(element)).to.deep.equal(['Sent into the void']);
  });

  it('counts messages that arrive while the launcher is closed, says so in its name, and clears on open', async () => {
    const visitor = await newVisitor(env.server, 'Busy');
    const element = await joinedWidget(visitor, 'launcher');
    const counts: number[] = [];
    element.addEventListener('support-chat-unread-change', event => counts.push(event.unreadCount));
    const launcher = element.shadowRoot!.querySelector<HTMLButtonElement>('.launcher')!;
    expect(element.shadowRoot!.querySelector('.panel')!.hasAttribute('hidden')).to.equal(true);

    await postOk(env.server, env.agent, visitor.groupId, 'Your order shipped.');
    await postOk(env.server, env.agent, visitor.groupId, 'Tracking number follows.');
    await until(() => element.unreadCount === 2, 'the unread count never reached 2');
    await element.updateComplete;
    expect(launcher.getAttribute('aria-label')).to.equal('Open support chat, 2 unread messages');
    expect(element.shadowRoot!.querySelector('[part="badge"]')!.textContent).to.equal('2');

    launcher.focus();
    await sendKeys({ press: 'Enter' });
    await until(() => element.open, 'the launcher did not open the panel');
    await element.updateComplete;
    expect(element.unreadCount).to.equal(0);
    expect(counts).to.deep.equal([1, 2, 0]);
    expect(launcher.getAttribute('aria-expanded')).to.equal('true');
    expect(element.shadowRoot!.activeElement).to.equal(element.shadowRoot!.querySelector('textarea'));
    expect(shownTexts(element)).to.deep.equal(['Your order shipped.', 'Tracking number follows.']);
    await expect(element).to.be.accessible();

    // My own messages never count as unread.
    element.hide();
    await postOk(env.server, visitor.token, visitor.groupId, 'Thanks!');
    await postOk(env.server, env.agent, visitor.groupId, 'You are welcome.');
    await until(() => element.unreadCount === 1, 'the agent reply was not counted');
  });
});
