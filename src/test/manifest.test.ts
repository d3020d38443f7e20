import { expect } from '@open-wc/testing';

/** The built custom-elements.json, as a page's tooling reads it. */
interface Manifest {
  modules: { declarations?: { name: string; tagName?: string; members?: { name: string; privacy?: string }[] }[] }[];
}

describe('custom-elements.json', () => {
  it('lists only what a page may use of <support-chat>: no private fields or methods', async () => {
    const manifest = (await (await fetch('/custom-elements.json')).json()) as Manifest;
    const element = manifest.modules.flatMap(m => m.declarations ?? []).find(d => d.tagName === 'support-chat');
    const names = (element?.members ?? []).map(m => m.name);
    expect(names).to.include.members(['hubUrl', 'tokenProvider', 'messages', 'show', 'send', 'reconnect']);
    const hidden = (element?.members ?? []).filter(m => m.privacy === 'private' || m.name.startsWith('#')).map(m => m.name);
    expect(hidden).to.deep.equal([]);
  });
});
