import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { render } from 'lit';
import { renderList } from '../message.template.js';
import { defaultStrings } from '../strings.js';
import type { ChatMessage } from '../types.js';

/**
 * A host page whose CSP names the Trusted Types policies it allows: `lit-html` and `support-chat` are all
 * formatted messages need (DOMPurify works through ours, and makes no `dompurify` policy of its own).
 * A file of its own: the policy set here holds for the rest of the page.
 */
describe('formatted messages on a page that allows the lit-html and support-chat policies only', () => {
  const violations: string[] = [];
  const onViolation = (event: SecurityPolicyViolationEvent) => violations.push(`${event.violatedDirective} ${event.sample}`);

  before(() => {
    document.addEventListener('securitypolicyviolation', onViolation);
    const policy = document.createElement('meta');
    policy.httpEquiv = 'Content-Security-Policy';
    policy.content = 'trusted-types lit-html support-chat';
    document.head.append(policy);
  });

  after(() => document.removeEventListener('securitypolicyviolation', onViolation));

  it('draws them formatted, with no violation and no warning', async () => {
    const warnings: unknown[][] = [];
    const warn = console.warn;
    console.warn = (...args: unknown[]) => warnings.push(args);
    try {
      const message: ChatMessage = {
        id: 1,
        key: 'm1',
        name: 'Agent',
        text: '**Restart** then [help](https://example.com/help)',
        userId: 1,
        avatarUrl: null,
        state: 'sent',
        format: 'markdown',
      };
      const root = await fixture<HTMLDivElement>(html`<div></div>`);
      const draw = () =>
        render(
          renderList({ messages: [message], range: [0, 1], locale: 'en', me: 2, text: defaultStrings, retry: () => {}, redraw: draw }),
          root,
        );
      draw();
      await waitUntil(() => root.querySelector('.text strong'), 'the markdown was never drawn');

      expect(root.querySelector('.text')!.textContent).to.equal('Restart then help');
      expect(root.querySelector('a')!.getAttribute('href')).to.equal('https://example.com/help');
      // A violation event is dispatched as a task after the refusal: one more round lets any arrive.
      await new Promise(resolve => setTimeout(resolve));
      expect(violations).to.deep.equal([]);
      expect(warnings).to.deep.equal([]);
    } finally {
      console.warn = warn;
    }
  });
});
