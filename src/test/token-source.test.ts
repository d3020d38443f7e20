import { expect } from '@open-wc/testing';
import { readIdentity, SignedOutError, TokenSource } from '../token-source.js';
import { VisitorTokens } from '../visitor-tokens.js';

/** An unsigned JWT: the widget only reads claims, the server is the one that verifies. */
export function fakeJwt(claims: Record<string, unknown>): string {
  const encode = (value: unknown) =>
    btoa(String.fromCharCode(...new TextEncoder().encode(JSON.stringify(value))))
      .replace(/\+/g, '-')
      .replace(/\//g, '_')
      .replace(/=+$/, '');
  return `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode(claims)}.signature`;
}

describe('readIdentity', () => {
  it("reads the seed's sid claim first, then sid, then sub", () => {
    const seedSid = 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/sid';
    expect(readIdentity(fakeJwt({ [seedSid]: '7', sid: '8', sub: '9' })).userId).to.equal(7);
    expect(readIdentity(fakeJwt({ sid: '8', sub: '9' })).userId).to.equal(8);
    expect(readIdentity(fakeJwt({ sub: '9' })).userId).to.equal(9);
  });

  it("reads the seed's long name claim first, then name", () => {
    const seedName = 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name';
    expect(readIdentity(fakeJwt({ sub: '1', [seedName]: 'Ann', name: 'Bob' })).name).to.equal('Ann');
    expect(readIdentity(fakeJwt({ sub: '1', name: 'Bob' })).name).to.equal('Bob');
  });

  it('reads a name with non-ASCII letters', () => {
    expect(readIdentity(fakeJwt({ sub: '1', name: 'Zoë Ångström' })).name).to.equal('Zoë Ångström');
  });

  it('answers nothing for something that is not a JWT', () => {
    expect(readIdentity('not a token')).to.deep.equal({});
  });
});

describe('TokenSource', () => {
  it('asks the provider on fresh(), reuses the answer on current(), and shares overlapping asks', async () => {
    let calls = 0;
    const source = new TokenSource(async () => ({ token: fakeJwt({ sub: String(++calls) }) }));
    const [a, b] = await Promise.all([source.fresh(), source.fresh()]);
    expect(a).to.equal(b);
    expect(calls).to.equal(1);
    expect(await source.current()).to.equal(a);
    expect(calls).to.equal(1);
    await source.fresh();
    expect(calls).to.equal(2);
    expect(source.identity.userId).to.equal(2);
  });

  it('reuses a token got within the last second for the second ask of one connect', async () => {
    let calls = 0;
    const source = new TokenSource(async () => ({ token: fakeJwt({ sub: String(++calls) }) }));
    await source.forConnect();
    await source.forConnect();
    expect(calls).to.equal(1);
    // Time is the subject: a token older than a second is not reused.
    await new Promise(resolve => setTimeout(resolve, 1100));
    await source.forConnect();
    expect(calls).to.equal(2);
  });

  it('gives up on a provider that does not answer in time', async () => {
    const source = new TokenSource(
      () => new Promise(() => {}),
      () => 50,
    );
    let message = '';
    await source.fresh().catch((error: Error) => (message = error.message));
    expect(message).to.equal('The token provider did not answer within 50 ms.');
  });

  it('forget() during a fetch: the caller fails rather than asking again, and the next fetch is shared, not wiped', async () => {
    let calls = 0;
    const answers: ((grant: { token: string }) => void)[] = [];
    const source = new TokenSource(() => {
      calls++;
      return new Promise(resolve => answers.push(resolve));
    });
    const before = source.fresh();
    source.forget();
    const [first, second] = [source.fresh(), source.fresh()];
    expect(calls).to.equal(2);
    answers[0]({ token: fakeJwt({ sub: '1' }) });
    let failure = '';
    await before.catch((error: Error) => (failure = error.name));
    expect(failure).to.equal('SignedOutError');
    // The old fetch's end left the new shared one in place: a third ask joins it.
    const third = source.fresh();
    expect(calls).to.equal(2);
    answers[1]({ token: fakeJwt({ sub: '2' }) });
    expect(await Promise.all([first, second, third])).to.deep.equal([fakeJwt({ sub: '2' }), fakeJwt({ sub: '2' }), fakeJwt({ sub: '2' })]);
    expect(calls).to.equal(2);
  });
});

describe('VisitorTokens', () => {
  it('after logout() asks nobody for a token: not the provider, not the token URL', async () => {
    let calls = 0;
    const fetched: string[] = [];
    const realFetch = window.fetch;
    window.fetch = (input, init) => (fetched.push(`${init?.method} ${String(input)}`), realFetch(input, init));
    try {
      for (const host of [
        { tokenProvider: async () => fakeJwt({ sub: String(++calls) }), requestTimeout: 1000 },
        { tokenUrl: '/no-such-token-url', requestTimeout: 1000 },
      ]) {
        const visitor = new VisitorTokens(host);
        visitor.logout();
        let failure: unknown;
        await visitor.source.current().catch((error: unknown) => (failure = error));
        expect(failure).to.be.instanceOf(SignedOutError);
      }
      expect(calls).to.equal(0);
      // Only the end of the token URL's cookie.
      expect(fetched).to.deep.equal([`DELETE ${new URL('/no-such-token-url', document.baseURI).href}`]);
    } finally {
      window.fetch = realFetch;
    }
  });
});
