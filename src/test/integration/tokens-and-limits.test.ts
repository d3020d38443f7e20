import { expect, fixture, html } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../../define.js';
import type { SupportChat } from '../../support-chat.js';
import {
  agentToken,
  bubbles,
  historyRequests,
  hubUrl,
  newVisitor,
  postOk,
  restartServer,
  shownTexts,
  until,
  useReferenceServer,
  whenConnected,
} from './reference-server.js';

async function type(element: SupportChat, text: string) {
  element.shadowRoot!.querySelector('textarea')!.focus();
  await sendKeys({ type: text });
  await sendKeys({ press: 'Enter' });
}

describe('tokens, against a real reference server whose tokens live 2 seconds', () => {
  const env = useReferenceServer({ SUPPORTCHAT_TOKEN_SECONDS: '2' });

  const tokenRequests = () => performance.getEntriesByType('resource').filter(e => e.name === `${env.server.url}/visitors`).length;

  it('replaces an expired token without the visitor noticing: sends, pushes and reconnects keep working', async function () {
    this.timeout(60_000);
    const errors: string[] = [];
    const element = await fixture<SupportChat>(html`
      <support-chat
        mode="inline"
        hub-url=${hubUrl(env.server)}
        token-url=${`${env.server.url}/visitors`}
        @support-chat-error=${(event: { error: Error }) => errors.push(event.error.message)}
      ></support-chat>
    `);
    await whenConnected(element);
    await type(element, 'first');
    await until(() => element.messages[0]?.state === 'sent', 'the first message was not sent');
    const groupId = element.messages[0].groupId!;
    const asked = tokenRequests();

    // A token issued now is younger than the widget's: once the server refuses it, it refuses the widget's.
    const probe = await newVisitor(env.server, 'Probe');
    const refused = async () =>
      (await fetch(`${env.server.url}/chats/${probe.groupId}`, { headers: { Authorization: `Bearer ${probe.token}` } })).status === 401;
    await until(refused, 'the tokens never expired', 10_000);
    // The agent's token expires too: sign in afresh for each post.
    await postOk(env.server, await agentToken(env.server), groupId, 'pushed after the token expired');
    await until(() => shownTexts(element).length === 2, 'the open connection stopped delivering');
    await type(element, 'sent after the token expired');
    await until(() => element.messages[2]?.state === 'sent', 'the send with an expired token never went through');
    expect(tokenRequests()).to.be.greaterThan(asked);

    const beforeRestart = tokenRequests();
    await restartServer(env.server, 200);
    await postOk(env.server, await agentToken(env.server), groupId, 'after the restart');
    await until(() => shownTexts(element).length === 4 && element.status === 'connected', 'no catch-up after the restart', 25_000);
    expect(tokenRequests()).to.be.greaterThan(beforeRestart);

    expect(shownTexts(element)).to.deep.equal([
      'first',
      'pushed after the token expired',
      'sent after the token expired',
      'after the restart',
    ]);
    expect(errors).to.deep.equal([]);
    expect(element.shadowRoot!.querySelector('[role="alert"]')).to.equal(null);
  });
});

describe('token providers that fail, against the real reference server', () => {
  const env = useReferenceServer();

  it('shows why a token provider that throws failed, and asks again with back-off, never in a tight loop', async () => {
    const visitor = await newVisitor(env.server, 'Flaky');
    const calls: number[] = [];
    const element = await fixture<SupportChat>(html`
      <support-chat
        mode="inline"
        hub-url=${hubUrl(env.server)}
        group=${visitor.groupId}
        .tokenProvider=${async () => {
          calls.push(performance.now());
          if (calls.length <= 3) throw new Error('The sign-in service is down.');
          return visitor.token;
        }}
      ></support-chat>
    `);
    await until(
      () => element.shadowRoot!.querySelector('[role="alert"]')?.textContent?.includes('The sign-in service is down.'),
      'the failure was not shown',
    );
    await whenConnected(element);
    await until(() => historyRequests(env.server, visitor.groupId) > 0, 'no history after the provider recovered');
    await element.updateComplete;

    expect(calls).to.have.length(4);
    const gaps = calls.slice(1).map((at, i) => at - calls[i]);
    for (const gap of gaps) expect(gap).to.be.at.least(200);
    expect(gaps[2]).to.be.greaterThan(gaps[0]);
    expect(element.shadowRoot!.querySelector('[role="alert"]')).to.equal(null);
  });

  it('gives up on a token provider that hangs after the request timeout, says so, and asks again', async () => {
    const visitor = await newVisitor(env.server, 'Hung');
    const errors: string[] = [];
    let calls = 0;
    const element = await fixture<SupportChat>(html`
      <support-chat
        mode="inline"
        hub-url=${hubUrl(env.server)}
        group=${visitor.groupId}
        request-timeout="1000"
        .tokenProvider=${() => (++calls === 1 ? new Promise<string>(() => {}) : visitor.token)}
        @support-chat-error=${(event: { error: Error }) => errors.push(event.error.message)}
      ></support-chat>
    `);
    await whenConnected(element);
    expect(errors.some(message => message.includes('The token provider did not answer within 1 s.'))).to.equal(true);
    expect(calls).to.equal(2);
  });
});

describe('sending too fast, against a real reference server that allows 3 messages in 3 seconds', () => {
  const env = useReferenceServer({ SUPPORTCHAT_SEND_LIMIT: '3', SUPPORTCHAT_SEND_WINDOW_SECONDS: '3' });

  it('rests the send button with the reason, then delivers the refused message once on retry', async () => {
    const visitor = await newVisitor(env.server, 'Hasty');
    const element = await fixture<SupportChat>(html`
      <support-chat
        mode="inline"
        hub-url=${hubUrl(env.server)}
        group=${visitor.groupId}
        .tokenProvider=${() => visitor.token}
      ></support-chat>
    `);
    await whenConnected(element);
    for (const text of ['one', 'two', 'three', 'four']) await element.send(text);
    await element.updateComplete;

    const refused = bubbles(element)[3];
    expect(refused.dataset.state).to.equal('failed');
    expect(refused.querySelector('.state')!.textContent).to.contain('Too many messages');
    const note = element.shadowRoot!.querySelector('#composer-note')!;
    expect(note.textContent).to.match(/You can send again in [1-3] s\./);

    element.shadowRoot!.querySelector('textarea')!.focus();
    await sendKeys({ type: 'five' });
    const sendButton = element.shadowRoot!.querySelector<HTMLButtonElement>('form button[type=submit]')!;
    expect(sendButton.disabled).to.equal(true);
    expect(sendButton.getAttribute('aria-describedby')).to.equal('composer-note');
    // Enter rests too: the text stays in the box, nothing is sent to be refused again.
    await sendKeys({ press: 'Enter' });
    await element.updateComplete;
    expect(element.shadowRoot!.querySelector('textarea')!.value).to.equal('five');
    expect(bubbles(element)).to.have.length(4);

    await until(() => !element.shadowRoot!.querySelector('#composer-note'), 'the cooldown never ended', 5000);
    expect(sendButton.disabled).to.equal(false);
    refused.querySelector<HTMLButtonElement>('.retry')!.click();
    await until(() => bubbles(element)[3]?.dataset.state === 'sent', 'the retry after the cooldown failed');

    const response = await fetch(`${env.server.url}/chats/${visitor.groupId}`, { headers: { Authorization: `Bearer ${env.agent}` } });
    const { chats } = (await response.json()) as { chats: { message: string }[] };
    expect(chats.map(c => c.message)).to.deep.equal(['one', 'two', 'three', 'four']);
  });

  it('removed and put back during the cooldown, wakes its send button when the cooldown ends', async () => {
    const visitor = await newVisitor(env.server, 'Restless');
    const element = await fixture<SupportChat>(html`
      <support-chat
        mode="inline"
        hub-url=${hubUrl(env.server)}
        group=${visitor.groupId}
        .tokenProvider=${() => visitor.token}
      ></support-chat>
    `);
    await whenConnected(element);
    for (const text of ['one', 'two', 'three', 'four']) await element.send(text);
    await element.updateComplete;
    expect(element.shadowRoot!.querySelector('#composer-note')).to.not.equal(null);

    const parent = element.parentElement!;
    element.remove();
    parent.append(element);
    await whenConnected(element);
    element.shadowRoot!.querySelector('textarea')!.focus();
    await sendKeys({ type: 'five' });
    await until(() => !element.shadowRoot!.querySelector('#composer-note'), 'the cooldown never ended', 5000);
    expect(element.shadowRoot!.querySelector<HTMLButtonElement>('form button[type=submit]')!.disabled).to.equal(false);
  });
});
