import { expect, fixture, html } from '@open-wc/testing';
import '../../define.js';
import type { ConnectionFactory } from '../../hub-connection-controller.js';
import type { SupportChat } from '../../support-chat.js';
import { FakeConnection } from '../fake-connection.js';
import { bubbles, historyRequests, newVisitor, until, useReferenceServer } from './reference-server.js';

/**
 * Pushes a real server would never send, delivered through an injected connection (the one fake the
 * project allows); the element's REST calls go to the real reference server.
 */
describe('malformed pushes', () => {
  const env = useReferenceServer();

  const malformed: unknown[] = [
    null,
    undefined,
    42,
    'a string',
    [],
    [{ id: 1, message: 'in an array', userId: 1 }],
    {},
    { id: '7', name: 'A', message: 'string id', userId: 1 },
    { id: -3, name: 'A', message: 'negative id', userId: 1 },
    { id: 8, name: 'A', userId: 1 },
    { id: 9, name: 'A', message: { html: '<img src=x onerror=__bad()>' }, userId: 1 },
    { id: 10, name: 'A', message: 'no user' },
    { id: 11, name: { first: 'A' }, message: 'object name', userId: 1 },
    { id: 12, name: 'A', message: 'x'.repeat(1024 * 1024), userId: 1 },
    { id: Number.NaN, name: 'A', message: 'NaN id', userId: 1 },
  ];

  it(`drops ${malformed.length} malformed pushes with one warning each, never throws into the page, and keeps working`, async () => {
    const visitor = await newVisitor(env.server, 'Robust');
    let connection!: FakeConnection;
    const factory: ConnectionFactory = () => (connection = new FakeConnection());
    const pageErrors: string[] = [];
    const onError = (event: ErrorEvent) => pageErrors.push(event.message);
    window.addEventListener('error', onError);
    const warnings: unknown[][] = [];
    const warn = console.warn;
    console.warn = (...args: unknown[]) => warnings.push(args);

    try {
      const element = await fixture<SupportChat>(html`
        <support-chat
          mode="inline"
          hub-url=${`${env.server.url}/hubs/groupchat`}
          group=${visitor.groupId}
          .createConnection=${factory}
          .tokenProvider=${() => visitor.token}
        ></support-chat>
      `);
      await until(() => historyRequests(env.server, visitor.groupId) > 0 && element.status === 'connected', 'the widget never settled');
      // Whatever loading and its renders had to say has been said.
      await element.updateComplete;
      warnings.length = 0;

      for (const payload of malformed) connection.push('ReceiveMessage', payload);
      connection.push('ReceiveMessage', { id: 99, name: 'Agent', message: 'still working', userId: 1, userAvatarUrl: null, isMe: false });
      // Pushes are applied once per frame: the good one shows when the whole burst has been looked at.
      await until(() => bubbles(element).length > 0, 'the good message after the malformed ones never showed');

      expect(warnings).to.have.length(malformed.length);
      expect(bubbles(element).map(b => b.querySelector('.text')!.textContent)).to.deep.equal(['still working']);
      expect(pageErrors).to.deep.equal([]);
    } finally {
      console.warn = warn;
      window.removeEventListener('error', onError);
    }
  });
});
