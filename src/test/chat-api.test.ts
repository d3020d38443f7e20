import { expect, waitUntil } from '@open-wc/testing';
import { ChatApi, ChatApiError, ChatStatusError, ChatTimeoutError } from '../chat-api.js';

/*
 * ChatApi with `fetch` answered by the test: what it asks, with which token, and what it makes of the
 * answers. That the real server answers this way (problem details, Retry-After, 401s) is proven in
 * integration/.
 */

type Answer = (request: Request) => Response | Promise<Response>;

/** Replaces `fetch` for one test; answers each request with `answer` and records it. */
function answering(answer: Answer) {
  const requests: Request[] = [];
  const original = window.fetch;
  window.fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    requests.push(request);
    return answer(request);
  };
  return { requests, restore: () => (window.fetch = original) };
}

/** The token source as ChatApi sees it: `old` until a fresh one is asked for; `asked` counts those. */
function tokens() {
  const source = {
    asked: 0,
    current: async () => 'old',
    fresh: async () => `new ${++source.asked}`,
  };
  return source;
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json', ...headers } });

const problem = (status: number, detail: string, headers: Record<string, string> = {}) =>
  json(status, { title: 'Problem', status, detail }, headers);

/** An answer that never comes, as from a server that hangs: only the request's own signal ends it, as in `fetch`. */
const hanging: Answer = request =>
  new Promise((_, reject) => {
    if (request.signal.aborted) reject(request.signal.reason);
    request.signal.addEventListener('abort', () => reject(request.signal.reason));
  });

/**
 * Headers at once, then a body that never ends. As Chromium's `fetch` does, reading it rejects with the
 * reason of the request's signal when that aborts (a `Response` built on a stream that errors would reject
 * with a `TypeError` instead, which no real fetch does).
 */
class StallingResponse extends Response {
  /** How many bodies have begun to be read. */
  static reads = 0;

  constructor(
    private readonly signal: AbortSignal,
    status = 200,
  ) {
    super(null, { status, headers: { 'Content-Type': 'application/json' } });
  }

  override json(): Promise<never> {
    StallingResponse.reads++;
    return new Promise((_, reject) => {
      if (this.signal.aborted) reject(this.signal.reason);
      this.signal.addEventListener('abort', () => reject(this.signal.reason));
    });
  }
}
const stalling: Answer = request => new StallingResponse(request.signal);

async function failure(work: Promise<unknown>): Promise<unknown> {
  try {
    await work;
  } catch (error) {
    return error;
  }
  throw new Error('it did not fail');
}

describe('ChatApi', () => {
  let restore = () => {};
  afterEach(() => restore());

  it('after a 401, asks for exactly one fresh token and tries once more with it', async () => {
    const fake = answering(request =>
      request.headers.get('Authorization') === 'Bearer old' ? problem(401, 'Expired.') : json(200, { chats: [] }),
    );
    restore = fake.restore;
    const source = tokens();
    const api = new ChatApi('https://chat.example/api', source);
    expect(await api.history('5', { afterId: 3, limit: 10 })).to.deep.equal([]);
    expect(source.asked).to.equal(1);
    expect(fake.requests.map(r => r.headers.get('Authorization'))).to.deep.equal(['Bearer old', 'Bearer new 1']);
    expect(fake.requests[0].url).to.equal('https://chat.example/api/chats/5?afterId=3&limit=10');
  });

  it('a second 401 is the answer: one fresh token, two requests, and the error says it with its status', async () => {
    const fake = answering(() => problem(401, 'You are not signed in.'));
    restore = fake.restore;
    const source = tokens();
    const error = await failure(new ChatApi('https://chat.example', source).send('5', 'hi', 'id-1'));
    expect(error).to.be.instanceOf(ChatApiError);
    expect((error as ChatApiError).status).to.equal(401);
    expect((error as ChatApiError).message).to.equal('You are not signed in.');
    expect(source.asked).to.equal(1);
    expect(fake.requests).to.have.length(2);
  });

  it('a 429 carries the seconds of its Retry-After, and the problem detail as its words', async () => {
    restore = answering(() => problem(429, 'Too many messages. Wait 7 seconds before sending again.', { 'Retry-After': '7' })).restore;
    const error = (await failure(new ChatApi('https://chat.example', tokens()).send('5', 'hi', 'id-1'))) as ChatApiError;
    expect(error).to.be.instanceOf(ChatApiError);
    expect([error.status, error.retryAfter, error.message]).to.deep.equal([
      429,
      7,
      'Too many messages. Wait 7 seconds before sending again.',
    ]);
  });

  it('an answer without a problem body says its status', async () => {
    restore = answering(() => new Response('<html>Bad gateway</html>', { status: 502 })).restore;
    const error = (await failure(new ChatApi('https://chat.example', tokens()).history('5'))) as ChatApiError;
    expect([error.status, error.retryAfter, error.message]).to.deep.equal([502, undefined, 'The server answered 502.']);
  });

  it('no answer within the request timeout is a ChatTimeoutError that says how long it waited', async () => {
    // An answer that never comes, as from a server that hangs: only the request's own signal ends it.
    restore = answering(hanging).restore;
    const error = await failure(new ChatApi('https://chat.example', tokens(), () => 50).history('5'));
    expect(error).to.be.instanceOf(ChatTimeoutError);
    expect((error as ChatTimeoutError).status).to.equal(undefined);
    expect((error as Error).message).to.equal('The server did not answer within 50 ms.');
  });

  it('a Retry-After given as an HTTP date is the seconds until then, and none once it has passed', async () => {
    // HTTP dates have whole seconds, and a loaded machine may take a while between making the date and reading it.
    const inThirty = new Date(Date.now() + 30_000).toUTCString();
    restore = answering(() => problem(429, 'Too many.', { 'Retry-After': inThirty })).restore;
    const error = (await failure(new ChatApi('https://chat.example', tokens()).send('5', 'hi', 'id-1'))) as ChatApiError;
    expect(error.retryAfter).to.be.within(25, 30);

    restore();
    restore = answering(() => problem(429, 'Too many.', { 'Retry-After': 'Wed, 21 Oct 2015 07:28:00 GMT' })).restore;
    const past = (await failure(new ChatApi('https://chat.example', tokens()).send('5', 'hi', 'id-1'))) as ChatApiError;
    expect(past.retryAfter).to.equal(0);
  });

  it('a Retry-After that is neither whole seconds nor an HTTP date is ignored, not read as "now"', async () => {
    // `Date.parse` alone takes "later 5" for a day in 2001, which would have ended the wait at once.
    for (const junk of ['later 5', 'Friday 3', '-3', '0x10', '1e3', '2.5']) {
      restore();
      restore = answering(() => problem(429, 'Too many.', { 'Retry-After': junk })).restore;
      const error = (await failure(new ChatApi('https://chat.example', tokens()).send('5', 'hi', 'id-1'))) as ChatApiError;
      expect(error.retryAfter, junk).to.equal(undefined);
    }
  });

  it("a 200 whose body is not JSON (a proxy page) is a ChatStatusError, not the parser's SyntaxError", async () => {
    restore = answering(() => new Response('<html>Welcome to the hotel wifi</html>', { status: 200 })).restore;
    const error = await failure(new ChatApi('https://chat.example', tokens()).history('5'));
    expect(error).to.be.instanceOf(ChatStatusError);
    expect((error as ChatStatusError).status).to.equal(200);
  });

  it('an error body that stalls is stopped as any body is: by the deadline a timeout, by its caller an abort', async () => {
    restore = answering(request => new StallingResponse(request.signal, 503)).restore;
    const late = await failure(new ChatApi('https://chat.example', tokens(), () => 50).history('5'));
    expect(late).to.be.instanceOf(ChatTimeoutError);

    const cancel = new AbortController();
    const pending = failure(new ChatApi('https://chat.example', tokens()).history('5', {}, cancel.signal));
    const reads = StallingResponse.reads;
    await waitUntil(() => StallingResponse.reads > reads, 'the error body was never read');
    cancel.abort();
    const error = await pending;
    expect(error).to.not.be.instanceOf(ChatApiError);
    expect((error as DOMException).name).to.equal('AbortError');
  });

  it('a body that stops coming within the request timeout is a ChatTimeoutError too, not a raw DOMException', async () => {
    restore = answering(stalling).restore;
    const error = await failure(new ChatApi('https://chat.example', tokens(), () => 50).history('5'));
    expect(error).to.be.instanceOf(ChatTimeoutError);
    expect((error as Error).message).to.equal('The server did not answer within 50 ms.');
  });

  it('a body abandoned by its caller halfway rejects with the abort itself', async () => {
    restore = answering(stalling).restore;
    const cancel = new AbortController();
    const pending = failure(new ChatApi('https://chat.example', tokens()).history('5', {}, cancel.signal));
    // Aborted once the headers are in and the body is being read.
    const reads = StallingResponse.reads;
    await waitUntil(() => StallingResponse.reads > reads, 'the body was never read');
    cancel.abort();
    const error = await pending;
    expect(error).to.not.be.instanceOf(ChatApiError);
    expect((error as DOMException).name).to.equal('AbortError');
  });

  it('abandoned by its caller, rejects with the abort itself, not as a failure of the server', async () => {
    restore = answering(hanging).restore;
    const cancel = new AbortController();
    const pending = failure(new ChatApi('https://chat.example', tokens()).history('5', {}, cancel.signal));
    cancel.abort();
    const error = await pending;
    expect(error).to.not.be.instanceOf(ChatApiError);
    expect((error as DOMException).name).to.equal('AbortError');
  });

  it('no network is a ChatApiError without a status', async () => {
    restore = answering(() => Promise.reject(new TypeError('Failed to fetch'))).restore;
    const error = (await failure(new ChatApi('https://chat.example', tokens()).history('5'))) as ChatApiError;
    expect(error).to.be.instanceOf(ChatApiError);
    expect([error.status, error.message]).to.deep.equal([undefined, 'Failed to fetch']);
  });
});
