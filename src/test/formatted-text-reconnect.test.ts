import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { render } from 'lit';
import { renderList } from '../message.template.js';
import { defaultStrings } from '../strings.js';
import type { ChatMessage } from '../types.js';

/** A file of its own: the formatting module must arrive while the bubble is out of the DOM. */
describe('a formatted bubble taken out of the DOM while the formatting code is on its way', () => {
  it('draws its markdown when it is back', async () => {
    const message: ChatMessage = {
      id: 1,
      key: 'm1',
      name: 'Agent',
      text: '**back**',
      userId: 1,
      avatarUrl: null,
      state: 'sent',
      format: 'markdown',
    };
    const root = await fixture<HTMLDivElement>(html`<div></div>`);
    const part = render(
      renderList({ messages: [message], range: [0, 1], locale: 'en', me: 2, text: defaultStrings, retry: () => {} }),
      root,
    );
    part.setConnected(false);
    const body = root.querySelector('.text')!;
    expect(body.textContent).to.equal('**back**');

    // The same module the bubble asked for: once it is here, the bubble's own load has settled too.
    await import('../sanitize.js');
    await new Promise(resolve => requestAnimationFrame(resolve));
    expect(body.querySelector('strong'), 'drawn while out of the DOM').to.equal(null);

    part.setConnected(true);
    await waitUntil(() => body.querySelector('strong'), 'never drawn after coming back');
    expect(body.textContent).to.equal('back');
  });
});
