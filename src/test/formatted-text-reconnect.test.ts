import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { render } from 'lit';
import { renderList } from '../message.template.js';
import { defaultStrings } from '../strings.js';
import type { ChatMessage } from '../types.js';

/** A file of its own: the formatting module must arrive while the list is out of the page. */
describe('a formatted message whose list is out of the page while the formatting code is on its way', () => {
  it('is drawn formatted when the list is back', async () => {
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
    const page = await fixture<HTMLDivElement>(html`<div></div>`);
    const root = document.createElement('div');
    page.append(root);
    let redrawn = 0;
    const draw = () =>
      render(
        renderList({
          messages: [message],
          range: [0, 1],
          locale: 'en',
          me: 2,
          text: defaultStrings,
          retry: () => {},
          redraw: () => (redrawn++, draw()),
        }),
        root,
      );
    draw();
    root.remove();
    const body = root.querySelector('.text')!;
    expect(body.textContent).to.equal('**back**');

    // The list is asked to draw again once the code is here, in the page or not.
    await waitUntil(() => redrawn === 1, 'the list was never drawn again');
    page.append(root);
    expect(body.querySelector('strong')?.textContent).to.equal('back');
    expect(body.textContent).to.equal('back');
  });
});
