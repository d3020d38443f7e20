import { expect, fixture, html } from '@open-wc/testing';
import { WINDOW_SIZE } from '../../chat-core.js';
import '../../define.js';
import type { ConnectionFactory } from '../../hub-connection-controller.js';
import type { SupportChat } from '../../support-chat.js';
import { FakeConnection } from '../fake-connection.js';
import {
  agentSends,
  bubbles,
  hubUrl,
  newVisitor,
  numbered,
  postOk,
  shownTexts,
  until,
  useReferenceServer,
  whenConnected,
  offsetInList,
} from './reference-server.js';

describe('a long conversation, against the real reference server', () => {
  // An agent may post the whole conversation at once.
  const env = useReferenceServer({ SUPPORTCHAT_AGENT_SEND_LIMIT: '100000' });

  it(`keeps at most ${WINDOW_SIZE} messages in the DOM of 400, holds the view while paging both ways, and follows new ones at the bottom`, async function () {
    this.timeout(120_000);
    const visitor = await newVisitor(env.server, 'Chatty');
    const texts = numbered('message', 400);
    await agentSends(env.server, env.agent, visitor.groupId, texts);
    const page = await fixture<HTMLDivElement>(html`
      <div style="height: 420px">
        <support-chat
          mode="inline"
          hub-url=${hubUrl(env.server)}
          group=${visitor.groupId}
          .tokenProvider=${() => visitor.token}
        ></support-chat>
      </div>
    `);
    const element = page.querySelector('support-chat')!;
    await whenConnected(element);
    await until(() => bubbles(element).length === 50, 'the first page never loaded');
    // The support workflow's chunk draws its link above the list once loaded; measured from then on, since its
    // first drawing landing in the same frame as an older page is not what this test holds still.
    await until(() => element.shadowRoot!.querySelector('.past-open'), 'the support workflow never drew');
    const log = element.shadowRoot!.querySelector<HTMLElement>('.log')!;
    const offset = (text: string) => offsetInList(element, text);
    const atBottom = () => Math.abs(log.scrollTop + log.clientHeight - log.scrollHeight) <= 2;
    let most = 0;
    const observer = new MutationObserver(() => (most = Math.max(most, bubbles(element).length)));
    observer.observe(log, { childList: true, subtree: true });

    // Up to the very first message: older pages from the server, the window sliding over what is held.
    while (shownTexts(element)[0] !== 'message 1') {
      const top = shownTexts(element)[0];
      log.scrollTop = 0;
      const before = offset(top);
      await until(() => shownTexts(element)[0] !== top, `nothing came above ${top}`);
      await element.updateComplete;
      expect(offset(top), `the view jumped when the list grew above ${top}`).to.be.closeTo(before, 2);
    }
    expect(element.messages).to.have.length(400);
    expect(bubbles(element).length).to.be.at.most(WINDOW_SIZE);

    // Down again to the newest: the window slides back and stays there.
    while (shownTexts(element).at(-1) !== 'message 400') {
      const bottom = shownTexts(element).at(-1)!;
      log.scrollTop = log.scrollHeight;
      const before = offset(bottom);
      await until(() => shownTexts(element).at(-1) !== bottom, `nothing came below ${bottom}`);
      await element.updateComplete;
      expect(offset(bottom), `the view jumped when the list grew below ${bottom}`).to.be.closeTo(before, 2);
    }
    // The reader's last scroll to the very bottom, seen by the widget (scroll events come a frame later).
    if (!atBottom()) {
      const scrolled = new Promise(resolve => log.addEventListener('scroll', resolve, { once: true }));
      log.scrollTop = log.scrollHeight;
      await scrolled;
    }
    expect(atBottom()).to.equal(true);

    await postOk(env.server, env.agent, visitor.groupId, 'a new one');
    await until(() => shownTexts(element).at(-1) === 'a new one', 'the new message never showed');
    await element.updateComplete;
    expect(atBottom(), 'a new message left the view behind').to.equal(true);
    observer.disconnect();
    expect(most).to.be.at.most(WINDOW_SIZE);
    expect(element.shadowRoot!.querySelector('.pill')).to.equal(null);
  });

  it('applies a burst of pushes in one render, and pushes right after it on the next frame', async () => {
    const visitor = await newVisitor(env.server, 'Burst');
    let connection!: FakeConnection;
    // A hub without the support workflow, as the seed's: its chunk, loaded and drawn after the join, would
    // land in the count below at a time of its own. What is counted here is the pushes' rendering.
    const factory: ConnectionFactory = () => {
      connection = new FakeConnection();
      connection.refuse.set('WatchAvailability', new Error('Method does not exist.'));
      return connection;
    };
    const element = await fixture<SupportChat>(html`
      <support-chat
        mode="inline"
        hub-url=${hubUrl(env.server)}
        group=${visitor.groupId}
        .createConnection=${factory}
        .tokenProvider=${() => visitor.token}
      ></support-chat>
    `);
    await whenConnected(element);
    await element.updateComplete;
    let renders = 0;
    element.addController({ hostUpdated: () => renders++ });
    const push = (from: number, count: number) => {
      for (let id = from; id < from + count; id++) {
        connection.push('ReceiveMessage', {
          id,
          name: 'Agent',
          message: `burst ${id}`,
          userId: 1,
          userAvatarUrl: null,
          isMe: false,
          groupId: visitor.groupId,
        });
      }
    };

    // One task, 300 pushes (what a busy WebSocket frame can bring): after a quiet spell, applied at once, in one render.
    push(1, 300);
    await until(() => element.messages.length === 300, 'the first burst never arrived');
    await element.updateComplete;
    expect(renders).to.equal(1);

    // 300 more in the very next task, within the same frame: they wait for the next frame and come in together.
    const heldRightAfter = await new Promise<number>(resolve =>
      setTimeout(() => {
        push(301, 300);
        resolve(element.messages.length);
      }),
    );
    expect(heldRightAfter).to.equal(300);
    await until(() => element.messages.length === 600, 'the second burst never arrived');
    await element.updateComplete;
    expect(renders).to.equal(2);
    expect(shownTexts(element).at(-1)).to.equal('burst 600');
  });
});
