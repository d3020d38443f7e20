import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { render } from 'lit';
import { renderList } from '../message.template.js';
import { defaultStrings } from '../strings.js';
import type { ChatMessage } from '../types.js';

const AGENT = 1;
const ME = 2;

const message = (id: number, userId: number, text: string, format?: 'markdown'): ChatMessage => ({
  id,
  key: `m${id}`,
  name: userId === ME ? 'Visitor' : 'Agent',
  text,
  userId,
  avatarUrl: null,
  state: 'sent',
  ...(format ? { format } : {}),
});

/** The message list as the widget draws it, into a list of its own. */
async function list(messages: ChatMessage[]) {
  const root = await fixture<HTMLDivElement>(html`<div></div>`);
  const draw = (range: [number, number] = [0, messages.length]) =>
    render(renderList({ messages, range, locale: 'en', me: ME, text: defaultStrings, retry: () => {}, redraw: () => draw() }), root);
  draw();
  return { root, draw };
}

const bodies = (root: HTMLElement) => [...root.querySelectorAll<HTMLElement>('.text')];
/** Whether the page has fetched the formatting module (sanitize.ts, with the parser and DOMPurify). */
const formattingFetched = () => performance.getEntriesByType('resource').some(entry => /\/sanitize\.[jt]s/.test(entry.name));

describe('formatted messages in the list', () => {
  // First in this file: the formatting module must not have been fetched by anything before.
  it('draws plain messages as text, mine and theirs, and fetches no formatting code for them', async () => {
    const { root } = await list([message(1, AGENT, '**plain** <b>x</b>'), message(2, ME, '**mine**')]);
    expect(bodies(root).map(body => body.textContent)).to.deep.equal(['**plain** <b>x</b>', '**mine**']);
    expect(root.querySelectorAll('strong, b')).to.have.length(0);
    expect(formattingFetched()).to.equal(false);
  });

  it('shows an agent’s markdown as plain text until the formatting code arrives, then formatted', async () => {
    const source = '**Restart** the app:\n\n1. Quit\n2. Open <b>again</b>';
    const { root, draw } = await list([message(1, AGENT, source, 'markdown')]);
    const [body] = bodies(root);
    // Drawn at once, before the module could have arrived: the text itself, no markup made from it.
    expect(body.textContent).to.equal(source);
    expect(body.children).to.have.length(0);

    await waitUntil(() => body.querySelector('strong'), 'the markdown was never drawn');
    expect(formattingFetched()).to.equal(true);
    expect(body.querySelector('strong')!.textContent).to.equal('Restart');
    expect([...body.querySelectorAll('ol li')].map(li => li.textContent)).to.deep.equal(['Quit', 'Open <b>again</b>']);
    expect(body.querySelector('b')).to.equal(null);

    // A later render leaves the drawn DOM alone.
    const strong = body.querySelector('strong');
    draw();
    expect(body.querySelector('strong')).to.equal(strong);
  });

  it('draws a formatted message again when its bubble leaves the window and comes back', async () => {
    const { root, draw } = await list([message(1, AGENT, 'see **this**', 'markdown'), message(2, ME, 'ok')]);
    await waitUntil(() => root.querySelector('strong'), 'the markdown was never drawn');
    draw([1, 2]);
    expect(root.querySelector('strong') === null).to.equal(true);
    draw();
    expect(bodies(root)[0].querySelector('strong')?.textContent).to.equal('this');
    expect(bodies(root)[0].textContent).to.equal('see this');
  });

  it('draws a formatted message at once once the formatting code is here', async () => {
    const { root } = await list([message(1, AGENT, 'a *b*', 'markdown')]);
    expect(bodies(root)[0].querySelector('em')!.textContent).to.equal('b');
  });

  it('shows markdown nested too deep as its text, and draws the next answer formatted', async () => {
    const deep = ['1. '.repeat(1332) + 'x', '>'.repeat(2972), '- '.repeat(2000)];
    const { root } = await list([
      ...deep.map((text, i) => message(i + 1, AGENT, text, 'markdown')),
      message(4, AGENT, 'then **this**', 'markdown'),
    ]);
    expect(bodies(root).map(body => body.textContent)).to.deep.equal([...deep, 'then this']);
    expect(bodies(root)[3].querySelector('strong')!.textContent).to.equal('this');
  });
});
