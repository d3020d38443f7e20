/** What a token-url endpoint (such as the reference server's `POST /visitors`) answers. */
export interface TokenGrant {
  token: string;
  groupId?: string;
}

/** Who the token says I am: the seed's `sid` claim URI, then `sid`, then `sub`; its name claim URI, then `name`. */
export interface TokenIdentity {
  userId?: number;
  name?: string;
}

const SID_CLAIM = 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/sid';
const NAME_CLAIM = 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name';

/** Reads the claims of a JWT without verifying it: the server verifies; the widget only needs to know who it is. */
export function readIdentity(token: string): TokenIdentity {
  try {
    const payload = token.split('.')[1];
    const json = atob(payload.replace(/-/g, '+').replace(/_/g, '/'));
    const claims = JSON.parse(new TextDecoder().decode(Uint8Array.from(json, c => c.charCodeAt(0)))) as Record<string, unknown>;
    const id = Number(claims[SID_CLAIM] ?? claims.sid ?? claims.sub);
    // The seed writes the name under its long claim URI, as it does the sid.
    const name = claims[NAME_CLAIM] ?? claims.name;
    return {
      userId: Number.isFinite(id) ? id : undefined,
      name: typeof name === 'string' ? name : undefined,
    };
  } catch {
    return {};
  }
}

/**
 * Asks a token-url endpoint with credentials, so its HttpOnly cookie can say who this visitor is. The body
 * tells the agents where the visitor writes from: the page's origin and path (a query or a fragment can
 * carry a secret, such as a reset link's token), the visitor's time zone and language.
 */
export function tokenUrlProvider(url: string): () => Promise<TokenGrant> {
  return async () => {
    const response = await fetch(url, {
      method: 'POST',
      credentials: 'include',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        pageUrl: location.origin + location.pathname,
        timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone,
        language: navigator.language,
      }),
    });
    if (!response.ok) throw new SignInError(`The token endpoint answered ${response.status}.`);
    const body = (await response.json()) as { token?: unknown; groupId?: unknown };
    if (typeof body.token !== 'string') throw new SignInError('The token endpoint answered without a token.');
    const groupId = typeof body.groupId === 'number' || typeof body.groupId === 'string' ? String(body.groupId) : undefined;
    return { token: body.token, groupId };
  };
}

/**
 * Holds the current token in memory, and only there. `fresh()` asks the provider (on every connect,
 * reconnect and after a 401); `current()` reuses the last answer for REST calls in between.
 */
export class TokenSource {
  #token?: string;
  #fetchedAt = -Infinity;
  #grant?: Promise<TokenGrant>;
  #identity: TokenIdentity = {};
  #groupId?: string;
  /** Bumped by `forget`. */
  #person = 0;

  /** `timeoutMs` is read at each ask: a provider that hangs must not hold the connection forever. */
  constructor(
    private readonly provider: () => Promise<TokenGrant>,
    private readonly timeoutMs: () => number = () => 15_000,
  ) {}

  get identity(): TokenIdentity {
    return this.#identity;
  }

  /** The conversation a token-url endpoint named, if any. */
  get groupId(): string | undefined {
    return this.#groupId;
  }

  async fresh(): Promise<string> {
    const person = this.#person;
    // Calls that overlap (a reconnect and a 401 at once) share one request to the provider.
    if (!this.#grant) {
      const asked: Promise<TokenGrant> = withTimeout(this.provider(), this.timeoutMs(), 'The token provider').finally(() => {
        // Only its own: after `forget` another person's request may be the shared one by now.
        if (this.#grant === asked) this.#grant = undefined;
      });
      this.#grant = asked;
    }
    const grant = await this.#grant;
    // Asked for before `forget`: the token of the person before. Not asked again for them: after a logout
    // one more credentialed request to a token URL could sign the last visitor back in.
    if (person !== this.#person) throw new SignedOutError();
    this.#token = grant.token;
    this.#fetchedAt = performance.now();
    this.#identity = readIdentity(grant.token);
    this.#groupId = grant.groupId ?? this.#groupId;
    return grant.token;
  }

  /** Another person from now on: nothing of the last token is kept, not even the conversation it named. */
  forget() {
    this.#token = undefined;
    this.#fetchedAt = -Infinity;
    this.#identity = {};
    this.#groupId = undefined;
    this.#grant = undefined;
    this.#person++;
  }

  async current(): Promise<string> {
    return this.#token ?? this.fresh();
  }

  /**
   * For a connect: SignalR asks twice for one (at negotiate, then for the WebSocket), so a token got
   * within the last second is reused rather than asking the provider again.
   */
  async forConnect(): Promise<string> {
    return this.#token && performance.now() - this.#fetchedAt < 1000 ? this.#token : this.fresh();
  }
}

/** The token endpoint refused or gave no token: the visitor cannot be signed in. */
export class SignInError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SignInError';
  }
}

/**
 * No token for this person any more: signed out, or another visitor identified while it was on its way.
 * Nothing failed, so the banner and `support-chat-error` say nothing of it.
 */
export class SignedOutError extends Error {
  constructor() {
    super('Signed out: no token is asked for.');
    this.name = 'SignedOutError';
  }
}

/** Something the widget waits for (a token provider, the hub) did not answer in time. */
export class NoAnswerError extends Error {
  constructor(
    what: string,
    readonly timeoutMs: number,
  ) {
    super(`${what} did not answer within ${duration(timeoutMs)}.`);
    this.name = 'NoAnswerError';
  }
}

/** Rejects with a `NoAnswerError` naming `what` when `work` takes longer than `ms`. */
export function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new NoAnswerError(what, ms)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/** "15 s", or "500 ms" below a second. */
export const duration = (ms: number) => (ms < 1000 ? `${ms} ms` : `${Math.round(ms / 1000)} s`);
