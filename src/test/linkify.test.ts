import { expect } from '@open-wc/testing';
import { linkify } from '../linkify.js';

describe('linkify', () => {
  it('leaves text without addresses as one plain part', () => {
    expect(linkify('no links here')).to.deep.equal([{ text: 'no links here' }]);
  });

  it('turns http and https addresses into links, leaving sentence punctuation outside', () => {
    expect(linkify('See https://example.com/track?id=42. Or http://a.example/x, thanks')).to.deep.equal([
      { text: 'See ' },
      { text: 'https://example.com/track?id=42', href: 'https://example.com/track?id=42' },
      { text: '. Or ' },
      { text: 'http://a.example/x', href: 'http://a.example/x' },
      { text: ', thanks' },
    ]);
  });

  it('never makes a link of another scheme', () => {
    for (const text of ['javascript:alert(1)', 'data:text/html,<script>alert(1)</script>', 'vbscript:x', 'file:///etc/passwd']) {
      expect(linkify(text)).to.deep.equal([{ text }]);
    }
  });
});
