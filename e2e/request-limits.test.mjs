// The body limit and the problem bodies on the real server process (Kestrel, Production), where the
// in-memory test server of demo/server.Tests cannot go: a chunked body has no length to refuse up front,
// so Kestrel cuts it off as it grows past 64 KB.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ReferenceServer } from '../scripts/reference-server.mjs';

const server = new ReferenceServer();

before(() => server.start());
after(() => server.stop());

const tooBig = `{"name": "${'x'.repeat(100 * 1024)}"}`;

async function problem(response) {
  assert.equal(response.headers.get('content-type'), 'application/problem+json');
  assert.equal(response.headers.get('x-content-type-options'), 'nosniff');
  return response.json();
}

describe('request bodies on the real server', () => {
  it('refuses a chunked body over 64 KB with a 413 problem', async () => {
    const body = new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(tooBig));
        controller.close();
      },
    });
    const response = await fetch(`${server.url}/visitors`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body,
      duplex: 'half',
    });
    assert.equal(response.status, 413);
    assert.match((await problem(response)).detail, /64 KB/);
  });

  it('refuses a declared body over 64 KB with a 413 problem', async () => {
    const response = await fetch(`${server.url}/visitors`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: tooBig,
    });
    assert.equal(response.status, 413);
    assert.match((await problem(response)).detail, /64 KB/);
  });

  it('answers malformed JSON with a 400 problem, not a 500', async () => {
    const response = await fetch(`${server.url}/visitors`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{"name": ',
    });
    assert.equal(response.status, 400);
    assert.match((await problem(response)).detail, /JSON/);
  });
});
