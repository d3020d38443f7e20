import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { render } from 'lit';
import { renderList } from '../message.template.js';
import { defaultStrings } from '../strings.js';
import type { ChatMessage } from '../types.js';

/**
 * A host page whose CSP lists the Trusted Types policies it allows and leaves ours out: the page's own
 * choice. Formatted messages then show as their plain text, with one warning, and the list still draws.
 * A file of its own: the policy set here holds for the rest of the page.
 */
describe('formatted messages on a page that refuses the support-chat policy', () => {
  before(() => {
    const policy = document.createElement('meta');
    policy.httpEquiv = 'Content-Security-Policy';
    policy.content = 'trusted-types lit-html dompurify';
    document.head.append(policy);
  });

  it('shows them as plain text, says so once, and draws the rest of the list', async () => {
    const warnings: unknown[][] = [];
    const warn = console.warn;
    console.warn = (...args: unknown[]) => warnings.push(args);
    try {
      const message = (id: number, text: string, format?: 'markdown'): ChatMessage => ({
        id,
        key: `m${id}`,
        name: 'Agent',
        text,
        userId: 1,
        avatarUrl: null,
        state: 'sent',
        ...(format ? { format } : {}),
      });
      const messages = [message(1, '**one**', 'markdown'), message(2, '**two**', 'markdown'), message(3, 'plain')];
      const root = await fixture<HTMLDivElement>(html`<div></div>`);
      const draw = () =>
        render(renderList({ messages, range: [0, 3], locale: 'en', me: 2, text: defaultStrings, retry: () => {}, redraw: draw }), root);
      draw();
      await waitUntil(() => warnings.length > 0, 'no warning came');
      // Another render, once the chunk is here, must not throw either.
      draw();

      expect([...root.querySelectorAll('.text')].map(node => node.textContent)).to.deep.equal(['**one**', '**two**', 'plain']);
      expect(root.querySelector('strong')).to.equal(null);
      expect(warnings).to.have.length(1);
      expect(String(warnings[0][0])).to.contain('plain text');
    } finally {
      console.warn = warn;
    }
  });
});
