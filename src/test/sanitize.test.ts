import { expect } from '@open-wc/testing';
import { isAllowedLink, renderMarkdown } from '../sanitize.js';

/** An agent's markdown as it appears in a bubble. */
function shown(markdown: string): HTMLElement {
  const bubble = document.createElement('div');
  bubble.append(renderMarkdown(markdown)!);
  // In the document, so innerText lays out line breaks as a person sees them.
  document.body.replaceChildren(bubble);
  return bubble;
}

const tags = (root: HTMLElement) => [...root.querySelectorAll('*')].map(node => node.localName);

describe('sanitize: an agent’s markdown', () => {
  it('draws bold, italic and inline code', () => {
    const bubble = shown('**Bold**, *italic* and `npm ci`');
    expect(bubble.querySelector('strong')!.textContent).to.equal('Bold');
    expect(bubble.querySelector('em')!.textContent).to.equal('italic');
    expect(bubble.querySelector('code')!.textContent).to.equal('npm ci');
    expect(bubble.textContent).to.equal('Bold, italic and npm ci');
  });

  it('keeps a code block verbatim, markup included, as text', () => {
    const bubble = shown('```\n<b>not bold</b>\n  indented\n```');
    expect(tags(bubble)).to.deep.equal(['pre', 'code']);
    expect(bubble.querySelector('pre code')!.textContent).to.equal('<b>not bold</b>\n  indented\n');
  });

  it('draws lists, a numbered list that starts where it says, and a quote', () => {
    const bubble = shown('- one\n- two\n\n3. three\n4. four\n\n> quoted');
    expect([...bubble.querySelectorAll('ul > li')].map(li => li.textContent)).to.deep.equal(['one', 'two']);
    expect([...bubble.querySelectorAll('ol > li')].map(li => li.textContent)).to.deep.equal(['three', 'four']);
    expect(bubble.querySelector('ol')!.getAttribute('start')).to.equal('3');
    expect(bubble.querySelector('blockquote')!.textContent!.trim()).to.equal('quoted');
  });

  it('turns one newline into a line break', () => {
    const bubble = shown('first line\nsecond line');
    expect(tags(bubble)).to.deep.equal(['p', 'br']);
    expect(bubble.querySelector('p')!.innerText).to.equal('first line\nsecond line');
  });

  it('opens a link in a new tab, tells it nothing, and isolates its text', () => {
    const bubble = shown('[the docs](https://example.com/help?a=1)');
    const link = bubble.querySelector('a')!;
    expect(link.getAttribute('href')).to.equal('https://example.com/help?a=1');
    expect(link.getAttribute('target')).to.equal('_blank');
    expect(link.getAttribute('rel')).to.equal('noopener noreferrer nofollow');
    expect(link.firstElementChild!.localName).to.equal('bdi');
    expect(link.textContent).to.equal('the docs');
  });

  it('links mail and phone addresses, and bare web addresses', () => {
    const bubble = shown('[mail](mailto:help@example.com) [call](tel:+15550100) https://example.org/x');
    expect([...bubble.querySelectorAll('a')].map(a => a.getAttribute('href'))).to.deep.equal([
      'mailto:help@example.com',
      'tel:+15550100',
      'https://example.org/x',
    ]);
  });

  it('shows raw HTML as the text that was typed', () => {
    const bubble = shown('Press <kbd>Ctrl</kbd> then <b onclick="x()">go</b>\n\n<div>block</div>');
    expect(tags(bubble)).to.deep.equal(['p', 'p']);
    expect(bubble.textContent).to.equal('Press <kbd>Ctrl</kbd> then <b onclick="x()">go</b><div>block</div>');
  });

  it('loads no image: an image is a link named by its alt text', () => {
    const bubble = shown('![the receipt](https://example.com/r.png)');
    expect(bubble.querySelector('img')).to.equal(null);
    expect(bubble.querySelector('a')!.getAttribute('href')).to.equal('https://example.com/r.png');
    expect(bubble.textContent).to.equal('the receipt');
  });

  it('makes a heading a bold paragraph: a bubble has no outline', () => {
    const bubble = shown('# Steps');
    expect(tags(bubble)).to.deep.equal(['p', 'strong']);
  });

  it('shows a table and a task list as they were typed', () => {
    const table = shown('| a | b |\n|---|---|\n| 1 | 2 |');
    expect(tags(table)).to.deep.equal(['p', 'br', 'br']);
    expect(table.innerText).to.equal('| a | b |\n|---|---|\n| 1 | 2 |');
    const tasks = shown('- [x] done\n- [ ] todo');
    expect(tasks.querySelector('input')).to.equal(null);
    expect([...tasks.querySelectorAll('li')].map(li => li.textContent)).to.deep.equal(['[x] done', '[ ] todo']);
  });

  it('leaves a link it may not open as its text', () => {
    for (const markdown of ['[x](javascript:alert(1))', '[x](/relative)', '[x](data:text/html,hi)', '[x](vbscript:msgbox)']) {
      const bubble = shown(markdown);
      expect(bubble.querySelector('a'), markdown).to.equal(null);
      expect(bubble.textContent, markdown).to.equal('x');
    }
  });

  it('shows an image inside a link as its alt text, so the link is not left empty', () => {
    const bubble = shown('[![the receipt](https://x.example/a.png)](https://y.example/)');
    expect([...bubble.querySelectorAll('a')].map(a => [a.getAttribute('href'), a.textContent])).to.deep.equal([
      ['https://y.example/', 'the receipt'],
    ]);
  });

  it('shows an alt text’s entities as the characters they stand for, once', () => {
    expect(shown('![a &lt;b&gt; & c](https://x.example/a.png)').textContent).to.equal('a <b> & c');
  });

  it('declines what would show nothing, or is nested too deep to parse: the bubble shows the text', () => {
    for (const source of ['[](https://y.example/)', '1. '.repeat(1332) + 'x', '>'.repeat(2972), '- '.repeat(2000)]) {
      expect(renderMarkdown(source), source.slice(0, 12)).to.equal(undefined);
    }
    // Nesting a person writes is drawn.
    const nested = shown('> quoted\n> - one\n>   - two\n>     1. three');
    expect(nested.querySelector('blockquote ul li ul li ol li')!.textContent).to.equal('three');
    expect(renderMarkdown('')!.childNodes).to.have.length(0);
  });

  it('allows absolute https, http, mailto and tel only', () => {
    expect(['https://a.example', 'http://a.example', 'mailto:a@b.example', 'tel:+1'].every(isAllowedLink)).to.equal(true);
    expect(['javascript:x', 'JaVaScRiPt:x', 'data:,x', '/x', 'x', 'ftp://a.example', ''].some(isAllowedLink)).to.equal(false);
  });
});
