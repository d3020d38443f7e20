import { NoTokenSourceError } from './error-text.js';
import { SignedOutError, TokenSource, tokenUrlProvider, type TokenGrant } from './token-source.js';
import type { TokenProvider } from './types.js';

/** Where the element's own tokens come from, and what finding a signed-in visitor's conversation needs. */
export interface TokenHost {
  readonly tokenUrl?: string;
  readonly tokenProvider?: TokenProvider;
  readonly requestTimeout: number;
  readonly group?: string;
  readonly hubUrl?: string;
  readonly apiUrl?: string;
}

/**
 * Who the visitor is: the element's token provider, else its token URL, unless `identify` named another
 * visitor or `logout` left nobody. Remembers why the last connect got no token: the provider's own words
 * say more than SignalR's failed negotiation.
 */
export class VisitorTokens {
  readonly source: TokenSource;
  /** Set by `identify`: where tokens come from now, over the element's own token source. */
  #identified?: () => Promise<TokenGrant>;
  /** Set by `logout`: no token, no connection, no conversation until `identify`. */
  #signedOut = false;
  #error?: Error;

  constructor(private readonly host: TokenHost) {
    this.source = new TokenSource(
      // Signed out, nobody is asked: the provider or the token URL's cookie would name the last visitor again.
      () => (this.#signedOut ? Promise.reject(new SignedOutError()) : (this.#identified?.() ?? grantFrom(host))),
      () => host.requestTimeout,
    );
  }

  get signedOut(): boolean {
    return this.#signedOut;
  }

  /**
   * Whether a connect could get a token. Without a way to get one, connecting could only fail; frameworks
   * often set the provider a moment later.
   */
  get usable(): boolean {
    return Boolean(this.host.tokenProvider || this.host.tokenUrl || this.#identified) && !this.#signedOut;
  }

  /** Why the token provider failed on the last connect, if it did. */
  get error(): Error | undefined {
    return this.#error;
  }

  /** Another visitor from now on, with tokens from `provider`. */
  identify(provider: TokenProvider) {
    // Finding their conversation is the workflow's: the list of a visitor's conversations is its extension.
    this.#identified = async () => (await import('./workflow.js')).signIn(await provider(), this.host);
    this.#signedOut = false;
    this.source.forget();
  }

  /**
   * Nobody from now on. A token URL's cookie would name this visitor again at the next visit: the endpoint
   * is asked to end it (the reference server's `DELETE /visitors`). One without that (the seed's) answers
   * 404 or 405, which changes nothing here: the widget is signed out either way.
   */
  logout() {
    const host = this.host;
    if (host.tokenUrl && !host.tokenProvider) {
      // `keepalive`: a logout is often followed at once by leaving the page, which would cancel the request.
      void fetch(new URL(host.tokenUrl, document.baseURI), { method: 'DELETE', credentials: 'include', keepalive: true }).catch(
        () => undefined,
      );
    }
    this.#identified = undefined;
    this.#signedOut = true;
    this.source.forget();
  }

  async forConnect(): Promise<string> {
    try {
      const token = await this.source.forConnect();
      this.#error = undefined;
      return token;
    } catch (error) {
      // The last person's token, refused: nothing to say about this person's connection.
      if (!(error instanceof SignedOutError)) this.#error = error instanceof Error ? error : new Error(String(error));
      throw error;
    }
  }
}

/** A token from the element's provider, else from its token URL. */
async function grantFrom(host: TokenHost): Promise<TokenGrant> {
  if (host.tokenProvider) return { token: await host.tokenProvider() };
  if (host.tokenUrl) return tokenUrlProvider(new URL(host.tokenUrl, document.baseURI).href)();
  throw new NoTokenSourceError();
}
