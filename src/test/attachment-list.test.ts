import { expect } from '@open-wc/testing';
import { render } from 'lit';
import { renderFiles } from '../attachment-list.js';

describe("a message's files", () => {
  const api = 'http://127.0.0.1:5000/';

  function drawn(urls: string[]) {
    const list = document.createElement('div');
    const warnings: unknown[][] = [];
    const warn = console.warn;
    console.warn = (...args: unknown[]) => warnings.push(args);
    try {
      const files = urls.map((url, i) => ({ id: `${i}`, name: `file-${i}.png`, size: 2048, contentType: 'image/png', url }));
      render(renderFiles(files, api, 'en'), list);
      // Drawn again, as every update of the panel does: the warnings are not said twice.
      render(renderFiles(files, api, 'en'), list);
    } finally {
      console.warn = warn;
    }
    return { list, warnings };
  }

  it("links and shows only files on the API's origin; any other is its name alone, with one warning each", () => {
    const elsewhere = [
      '//evil.example/x.png',
      'https://other.example/x.png',
      'http://127.0.0.1:5001/files/x.png',
      'javascript:alert(1)',
      'data:image/png;base64,AAAA',
      'blob:http://127.0.0.1:5000/1',
      'http://[bad',
    ];
    const { list, warnings } = drawn(['/files/1?sig=a', 'http://127.0.0.1:5000/files/2', ...elsewhere]);
    const links = [...list.querySelectorAll('a')];
    expect(links.map(link => link.getAttribute('href'))).to.deep.equal([
      'http://127.0.0.1:5000/files/1?sig=a',
      'http://127.0.0.1:5000/files/2',
    ]);
    expect([...list.querySelectorAll('img')].map(image => image.getAttribute('src'))).to.deep.equal(
      links.map(link => link.getAttribute('href')),
    );
    const unlinked = [...list.querySelectorAll('li')].filter(item => !item.querySelector('a'));
    expect(unlinked.map(item => item.textContent!.trim().replace(/\s+/g, ' '))).to.deep.equal(
      elsewhere.map((_, i) => `file-${i + 2}.png 2 kB`),
    );
    expect(warnings.map(args => args[1])).to.deep.equal(elsewhere);
  });
});
