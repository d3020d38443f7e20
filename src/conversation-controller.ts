import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { Arrival } from './arrival.js';
import { ChatApi } from './chat-api.js';
import { ChatSession } from './chat-session.js';
import { apiBaseOf, forgetConversation, rememberConversation } from './conversation-memory.js';
import { errorText, failedSendText, NoConversationError, NoTokenSourceError } from './error-text.js';
import { SupportChatErrorEvent, SupportChatStatusChangeEvent } from './events.js';
import { createHubConnection, isUnreachable, parseTransports, type ConnectionFactory } from './hub-connection.js';
import { HubConnectionController } from './hub-connection-controller.js';
import { KeptSessions } from './kept-sessions.js';
import { PushBatcher } from './push-batcher.js';
import type { SupportChatStrings } from './strings.js';
import { TokenSource, tokenUrlProvider, type TokenGrant } from './token-source.js';
import type { ChatMessage, ChatStatus, Extras, TokenProvider } from './types.js';

/** What the conversation needs of the element: where to connect, as whom, and how patiently. */
export interface ConversationHost extends ReactiveControllerHost, EventTarget {
  readonly hubUrl?: string;
  readonly group?: string;
  readonly apiUrl?: string;
  readonly tokenUrl?: string;
  readonly tokenProvider?: TokenProvider;
  readonly transport?: string;
  readonly skipNegotiation: boolean;
  readonly requestTimeout: number;
  readonly createConnection?: ConnectionFactory;
}

export interface ConversationOptions {
  /** Messages new to the conversation; `live` unless they came with its first history. */
  onArrived: (messages: ChatMessage[], live: boolean) => void;
  /** Another conversation is shown now, or none. */
  onOpened: () => void;
  /** A message of mine is about to go out. */
  onSending: () => void;
  /** A message of mine did not go through (it stays, marked, with a retry). */
  onSendFailed: (error: Error) => void;
  /** A `UserTyping` push, unparsed. */
  onTyping: (payload: unknown) => void;
  /** A push of the support workflow, by name, unparsed. */
  onWorkflow?: (name: string, payload: unknown) => void;
  /** The group is joined (again): what a push may have said meanwhile must be read anew. */
  onJoined?: () => void;
  strings: () => SupportChatStrings;
}

/**
 * The conversation shown and everything that fills it: the token, the hub connection and its group, one
 * `ChatSession` per conversation (closed, with its requests, when another is shown), sending and the
 * banner that says what failed.
 */
export class ConversationController implements ReactiveController {
  #notice?: string;
  #session?: ChatSession;
  readonly #kept = new KeptSessions();
  /** The REST base and group of the open session; undefined while either is unknown. */
  #sessionKey?: string;
  #apiBase?: string;
  /** The element's settings the session and the hub were last set up for. */
  #sessionInputs?: string;
  #hubInputs?: string;
  /** Sends waiting for the conversation to be known; told `undefined` when the element leaves the page. */
  readonly #sessionArrival = new Arrival<ChatSession>();
  /** Why the token provider failed on the last connect, if it did. */
  #tokenError?: Error;
  /** The conversation the visitor opened (a past one, or one they started), over the page's and the token URL's. */
  #chosen?: string;
  /** Set by `identify`: where tokens come from now, over the element's own token source. */
  #identified?: () => Promise<TokenGrant>;
  /** Set by `logout`: no token, no connection, no conversation until `identify`. */
  #signedOut = false;
  readonly #tokens: TokenSource;
  readonly #hub: HubConnectionController;
  readonly #pushes = new PushBatcher(payloads => this.#session?.receive(payloads));

  constructor(
    private readonly host: ConversationHost,
    private readonly options: ConversationOptions,
  ) {
    this.#tokens = new TokenSource(
      () => this.#identified?.() ?? grantFrom(host),
      () => host.requestTimeout,
    );
    this.#hub = new HubConnectionController(host, {
      accessToken: () => this.#accessToken(),
      onMessage: payload => {
        // A push that does not name its group (the seed's) is for the joined group: between a switch and
        // the answer to the leave, that is still the one left. The catch-up after the join finds again
        // whatever is dropped here.
        if (namesGroup(payload) || this.#hub.joinedGroup === this.#session?.groupId) this.#pushes.queue(payload);
      },
      onTyping: options.onTyping,
      onWorkflow: options.onWorkflow,
      onJoined: () => {
        options.onJoined?.();
        this.#notice = undefined;
        host.requestUpdate();
        void this.#session?.catchUp();
      },
      onStatusChange: status => host.dispatchEvent(new SupportChatStatusChangeEvent(status)),
      onError: error => this.#fail(error, connectionProblem(error, this.#tokenError, options.strings())),
      onWake: () => void this.#session?.catchUp(),
      createConnection: (url, settings) => (host.createConnection ?? createHubConnection)(url, settings),
    });
    host.addController(this);
  }

  /** What failed, for the banner: the connection, the join or the history. */
  get notice(): string | undefined {
    return this.#notice;
  }

  get status(): ChatStatus {
    return this.#hub.status;
  }

  get messages(): readonly ChatMessage[] {
    return this.#session?.store.messages ?? [];
  }

  /** My user id, once a token said it. */
  get me(): number | undefined {
    return this.#tokens.identity.userId;
  }

  get groupId(): string | undefined {
    return this.#session?.groupId;
  }

  /** Names the conversation across the visitor's tabs. */
  get key(): string | undefined {
    return this.#sessionKey;
  }

  /** The REST base of the conversation shown: file URLs are resolved against it. */
  get apiBase(): string | undefined {
    return this.#apiBase;
  }

  /** The visitor's tokens: the attachments chunk uploads files with them. */
  get tokens(): TokenSource {
    return this.#tokens;
  }

  get hasOlder(): boolean {
    return this.#session?.hasOlder ?? false;
  }

  /** Follows the element's settings: the conversation, and the hub with how to reach it. */
  hostUpdate() {
    const host = this.host;
    const session = `${host.group ?? this.#tokens.groupId}\n${host.hubUrl}\n${host.apiUrl}`;
    if (session !== this.#sessionInputs) {
      this.#sessionInputs = session;
      // The page or the token URL named another conversation: it is the one shown now.
      this.#chosen = undefined;
      this.#openSession();
    }
    // Without a way to get a token, connecting could only fail; frameworks often set the provider a moment
    // later. Which provider it is does not matter here: it is read at each connect, so a new one (a React
    // parent's inline arrow, on every render) must not reconnect.
    const url = (host.tokenProvider || host.tokenUrl || this.#identified) && !this.#signedOut ? host.hubUrl : undefined;
    const hub = `${url}\n${host.transport}\n${host.skipNegotiation}`;
    if (hub !== this.#hubInputs) {
      this.#hubInputs = hub;
      this.#hub.configure(url, { transports: parseTransports(host.transport), skipNegotiation: host.skipNegotiation });
    }
  }

  hostConnected() {
    this.#session?.resume();
  }

  hostDisconnected() {
    this.#pushes.flush();
    // Back in the page, the join's catch-up goes on from where it was.
    this.#session?.suspend();
    // No timer outlives the element: a send still waiting for a conversation gives its text back.
    this.#sessionArrival.cancel();
  }

  /** Sends, once there is a conversation; false if none came within the request timeout (nothing was sent). */
  async send(message: string, extras?: Extras): Promise<boolean> {
    // Typed the moment the panel opened: the token URL may not have named the conversation yet.
    const session = this.#session ?? (await this.#sessionArrival.wait(this.host.requestTimeout));
    if (!session) {
      // No bubble to mark: the banner says it.
      this.#fail(new NoConversationError());
      return false;
    }
    this.options.onSending();
    await session.send(message, extras);
    return true;
  }

  retry(message: ChatMessage) {
    // A visitor who asks again thinks the server may be back: the connection need not wait out its back-off.
    this.#hub.retryNow();
    if (message.clientMessageId) void this.#session?.retry(message.clientMessageId);
  }

  loadOlder() {
    void this.#session?.loadOlder();
  }

  typing() {
    this.#hub.typing();
  }

  reconnect() {
    return this.#hub.reconnect();
  }

  /** Calls a hub method on the live connection (an extension the seed's hub may refuse). */
  invoke(method: string, ...args: unknown[]): Promise<unknown> {
    return this.#hub.invoke(method, ...args);
  }

  /** Calls the REST API with the visitor's token, e.g. `chats/5/state`; a body makes it a POST. */
  call(path: string, body?: unknown): Promise<unknown> {
    const base = this.#apiBase;
    return base
      ? new ChatApi(base, this.#tokens, () => this.host.requestTimeout).call(path, body)
      : Promise.reject(new NoConversationError());
  }

  /** Shows another of the visitor's conversations, as a change of `group` would. */
  open(group: string) {
    this.#chosen = group;
    this.#openSession();
  }

  /**
   * Another visitor from now on, with tokens from `provider`: the conversation left, theirs joined (the
   * page's `group`, else the newest the server lists for them, else a new one).
   */
  identify(provider: TokenProvider) {
    // Finding their conversation is the workflow chunk's: the list of a visitor's conversations is its extension.
    this.#identified = async () => (await import('./workflow.js')).signIn(await provider(), this.host);
    this.#signOut(false);
  }

  /** Nobody from now on: the group left, the connection closed, the token and the conversation's flag dropped. */
  logout() {
    forgetConversation(this.#apiBase);
    this.#identified = undefined;
    this.#signOut(true);
  }

  #signOut(out: boolean) {
    this.#signedOut = out;
    this.#tokens.forget();
    this.#chosen = undefined;
    this.#openSession();
    // Reconfigured at the update: a new connection, or none.
    this.#hubInputs = undefined;
    this.host.requestUpdate();
  }

  /** The session follows the effective group: the `group` attribute, else the one the token URL named. */
  #openSession() {
    const host = this.host;
    const group = this.#signedOut ? undefined : (this.#chosen ?? host.group ?? this.#tokens.groupId);
    const base = apiBaseOf(host.hubUrl, host.apiUrl);
    const key = group && base ? `${base} ${group}` : undefined;
    if (key === this.#sessionKey) return;
    this.#kept.setAside(this.#sessionKey, this.#session);
    this.#sessionKey = key;
    this.#apiBase = base;
    this.#session = group && base ? this.#reopen(`${base} ${group}`, group, base) : undefined;
    if (this.#session) this.#sessionArrival.arrive(this.#session);
    this.#pushes.clear();
    this.#notice = undefined;
    this.options.onOpened();
    host.requestUpdate();
    void this.#hub.setGroup(group);
    // Same group, new API base: the joined group stays, so nothing else would fill the new session.
    if (group !== undefined && this.#hub.joinedGroup === group) void this.#session?.catchUp();
  }

  /** The conversation kept since it was left, if one of my messages in it was unsettled; else a new one. */
  #reopen(key: string, group: string, base: string): ChatSession {
    return this.#kept.take(key) ?? this.#newSession(group, new ChatApi(base, this.#tokens, () => this.host.requestTimeout));
  }

  /**
   * A session reports into the element until it is closed: a replaced one must not add to the new one.
   * Only a failed send of a conversation set aside still says so, through the error event a page can show.
   */
  #newSession(group: string, api: ChatApi): ChatSession {
    const session: ChatSession = new ChatSession(group, api, this.#tokens, {
      onMessages: (messages, live) => {
        if (messages.length > 0) rememberConversation(this.#apiBase);
        this.options.onArrived(messages, live);
      },
      onChange: () => this.host.requestUpdate(),
      onError: error => this.#fail(error),
      describe: error => failedSendText(error, this.options.strings()),
      onSendFailed: error => {
        if (session === this.#session) this.options.onSendFailed(error);
        this.host.dispatchEvent(new SupportChatErrorEvent(error));
      },
    });
    return session;
  }

  async #accessToken() {
    let token: string;
    try {
      token = await this.#tokens.forConnect();
      this.#tokenError = undefined;
    } catch (error) {
      // SignalR reports this as a failed negotiation; the provider's own words say more.
      this.#tokenError = error instanceof Error ? error : new Error(String(error));
      throw error;
    }
    // A token URL may name the conversation; it must be known before the connection joins.
    if (this.host.group === undefined) this.#openSession();
    return token;
  }

  /** Shown in the banner: the connection, the join or the history failed. */
  #fail(error: Error, shown = errorText(error, this.options.strings())) {
    this.#notice = shown;
    this.host.requestUpdate();
    this.host.dispatchEvent(new SupportChatErrorEvent(error));
  }
}

const namesGroup = (payload: unknown) =>
  typeof payload === 'object' && payload !== null && (payload as { groupId?: unknown }).groupId != null;

/** A token from the element's provider, else from its token URL. */
async function grantFrom(host: ConversationHost): Promise<TokenGrant> {
  if (host.tokenProvider) return { token: await host.tokenProvider() };
  if (host.tokenUrl) return tokenUrlProvider(new URL(host.tokenUrl, document.baseURI).href)();
  throw new NoTokenSourceError();
}

/**
 * What a person should read about a failed connection: SignalR's own words for "no network" and "no
 * server" mean nothing to a shopper, while a token provider's or the server's refusal says what is wrong.
 * The connection tries again by itself, so the banner may say so ("Trying again…").
 */
function connectionProblem(error: Error, tokenError: Error | undefined, strings: SupportChatStrings): string {
  if (!navigator.onLine) return strings.offline;
  if (tokenError) return errorText(tokenError, strings);
  return isUnreachable(error) ? strings.unreachable : errorText(error, strings);
}
