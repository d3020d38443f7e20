import { expect, fixture, html } from '@open-wc/testing';
import '../../define.js';
import type { SupportChat } from '../../support-chat.js';
import { agentToken, expectAllOnce, hubUrl, postOk, until, useReferenceServer, whenConnected } from './reference-server.js';

describe('token expiry, against a real reference server whose tokens live 3 seconds', () => {
  const env = useReferenceServer({ SUPPORTCHAT_TOKEN_SECONDS: '3' });

  it('the server ends the hub connection as each token expires; the widget comes back with a fresh one and shows every message once, in order', async function () {
    this.timeout(120_000);
    // A provider as a page would write one: its own short-lived token each time, for the same visitor (the cookie says who).
    let tokensIssued = 0;
    const issue = async () => {
      const response = await fetch(`${env.server.url}/visitors`, { method: 'POST', credentials: 'include' });
      if (!response.ok) throw new Error(`/visitors answered ${response.status}`);
      tokensIssued++;
      return (await response.json()) as { token: string; groupId: number };
    };
    const groupId = String((await issue()).groupId);
    const agentPost = async (text: string) => postOk(env.server, await agentToken(env.server), groupId, text);

    let dropped = 0;
    const errors: string[] = [];
    const element = await fixture<SupportChat>(html`
      <support-chat
        mode="inline"
        hub-url=${hubUrl(env.server)}
        group=${groupId}
        .tokenProvider=${async () => (await issue()).token}
        @support-chat-status-change=${(event: { status: string }) => {
          if (event.status === 'reconnecting') dropped++;
        }}
        @support-chat-error=${(event: { error: Error }) => errors.push(event.error.message)}
      ></support-chat>
    `);
    await whenConnected(element);

    const expected: string[] = [];
    for (let round = 1; round <= 3; round++) {
      const droppedBefore = dropped;
      const issuedBefore = tokensIssued;
      await element.send(`visitor ${round}`);
      expected.push(`visitor ${round}`);
      await agentPost(`agent ${round}`);
      expected.push(`agent ${round}`);

      // Nothing on the client ends the connection: only the server, when the token it was opened with expires.
      await until(() => dropped > droppedBefore, `round ${round}: the hub connection outlived its token`, 20_000);
      // Sent while the widget is away or just back: it arrives by catch-up or by push, never by both.
      await agentPost(`agent while away ${round}`);
      expected.push(`agent while away ${round}`);
      await whenConnected(element);
      expect(tokensIssued).to.be.greaterThan(issuedBefore);
    }

    await expectAllOnce(element, expected);
    expect(element.messages.filter(m => m.state !== 'sent')).to.deep.equal([]);
    expect(errors).to.deep.equal([]);
  });
});
