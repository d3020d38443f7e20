import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { apiBaseOf, forgetConversation } from './conversation-memory.js';
import { ConversationNotice } from './conversation-notice.js';
import { ConversationSessions } from './conversation-sessions.js';
import { failedSendText, NoConversationError } from './error-text.js';
import { SupportChatErrorEvent, SupportChatStatusChangeEvent } from './events.js';
import { createHubConnection, parseTransports, type ConnectionFactory } from './hub-connection.js';
import { HubConnectionController } from './hub-connection-controller.js';
import type { SupportChatStrings } from './strings.js';
import type { TokenSource } from './token-source.js';
import type { ChatMessage, ChatStatus, Extras, TokenProvider } from './types.js';
import { VisitorTokens, type TokenHost } from './visitor-tokens.js';

/** What the conversation needs of the element: where to connect, as whom, and how patiently. */
export interface ConversationHost extends ReactiveControllerHost, EventTarget, TokenHost {
  readonly hubUrl?: string;
  readonly group?: string;
  readonly apiUrl?: string;
  readonly transport?: string;
  readonly skipNegotiation: boolean;
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
 * The conversation shown and everything that fills it: the visitor's tokens (`visitor-tokens.ts`), the hub
 * connection and its group, one `ChatSession` per conversation (`conversation-sessions.ts`), sending and the
 * banner that says what failed.
 */
export class ConversationController implements ReactiveController {
  /** The element's settings the session and the hub were last set up for. */
  #sessionInputs?: string;
  #hubInputs?: string;
  /** The conversation the visitor opened (a past one, or one they started), over the page's and the token URL's. */
  #chosen?: string;
  readonly #visitor: VisitorTokens;
  readonly #sessions: ConversationSessions;
  readonly #hub: HubConnectionController;
  readonly #notice: ConversationNotice;

  constructor(
    private readonly host: ConversationHost,
    private readonly options: ConversationOptions,
  ) {
    this.#visitor = new VisitorTokens(host);
    this.#notice = new ConversationNotice(host, options.strings);
    this.#sessions = new ConversationSessions(this.#visitor.source, () => host.requestTimeout, {
      onMessages: options.onArrived,
      onChange: () => host.requestUpdate(),
      onError: error => this.#notice.fail(error),
      describe: error => failedSendText(error, options.strings()),
      onSendFailed: (error, shown) => {
        if (shown) options.onSendFailed(error);
        // A failed send of a conversation set aside still says so, through the error event a page can show.
        host.dispatchEvent(new SupportChatErrorEvent(error));
      },
    });
    this.#hub = new HubConnectionController(host, {
      accessToken: () => this.#accessToken(),
      onMessage: payload => this.#sessions.receive(payload, this.#hub.joinedGroup),
      onTyping: options.onTyping,
      onWorkflow: options.onWorkflow,
      onJoined: () => {
        options.onJoined?.();
        this.#notice.clear();
        host.requestUpdate();
        void this.#sessions.session?.catchUp();
      },
      onStatusChange: status => host.dispatchEvent(new SupportChatStatusChangeEvent(status)),
      onError: error => this.#notice.connectionFailed(error, this.#visitor.error),
      onWake: () => void this.#sessions.session?.catchUp(),
      createConnection: (url, settings) => (host.createConnection ?? createHubConnection)(url, settings),
    });
    host.addController(this);
  }

  /** What failed, for the banner: the connection, the join or the history. */
  get notice(): string | undefined {
    return this.#notice.text;
  }

  get status(): ChatStatus {
    return this.#hub.status;
  }

  get messages(): readonly ChatMessage[] {
    return this.#sessions.session?.store.messages ?? [];
  }

  /** My user id, once a token said it. */
  get me(): number | undefined {
    return this.#visitor.source.identity.userId;
  }

  get groupId(): string | undefined {
    return this.#sessions.session?.groupId;
  }

  /** Names the conversation across the visitor's tabs. */
  get key(): string | undefined {
    return this.#sessions.key;
  }

  /** After `logout`, until `identify`. */
  get signedOut(): boolean {
    return this.#visitor.signedOut;
  }

  /** The REST base of the conversation shown: file URLs are resolved against it. */
  get apiBase(): string | undefined {
    return this.#sessions.apiBase;
  }

  /** The visitor's tokens: the attachments chunk uploads files with them. */
  get tokens(): TokenSource {
    return this.#visitor.source;
  }

  get hasOlder(): boolean {
    return this.#sessions.session?.hasOlder ?? false;
  }

  /** Follows the element's settings: the conversation, and the hub with how to reach it. */
  hostUpdate() {
    const host = this.host;
    const session = `${host.group ?? this.#visitor.source.groupId}\n${host.hubUrl}\n${host.apiUrl}`;
    if (session !== this.#sessionInputs) {
      this.#sessionInputs = session;
      // The page or the token URL named another conversation: it is the one shown now.
      this.#chosen = undefined;
      this.#openSession();
    }
    // Which provider it is does not matter here: it is read at each connect, so a new one (a React parent's
    // inline arrow, on every render) must not reconnect.
    const url = this.#visitor.usable ? host.hubUrl : undefined;
    const hub = `${url}\n${host.transport}\n${host.skipNegotiation}`;
    if (hub !== this.#hubInputs) {
      this.#hubInputs = hub;
      this.#hub.configure(url, { transports: parseTransports(host.transport), skipNegotiation: host.skipNegotiation });
    }
  }

  hostConnected() {
    this.#sessions.resume();
  }

  hostDisconnected() {
    this.#sessions.suspend();
  }

  /** Sends, once there is a conversation; false if none came within the request timeout (nothing was sent). */
  async send(message: string, extras?: Extras): Promise<boolean> {
    // Typed the moment the panel opened: the token URL may not have named the conversation yet.
    const session = this.#sessions.session ?? (await this.#sessions.wait(this.host.requestTimeout));
    if (!session) {
      // No bubble to mark: the banner says it.
      this.#notice.fail(new NoConversationError());
      return false;
    }
    this.options.onSending();
    await session.send(message, extras);
    return true;
  }

  retry(message: ChatMessage) {
    // A visitor who asks again thinks the server may be back: the connection need not wait out its back-off.
    this.#hub.retryNow();
    if (message.clientMessageId) void this.#sessions.session?.retry(message.clientMessageId);
  }

  loadOlder() {
    void this.#sessions.session?.loadOlder();
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
    return this.#sessions.api()?.call(path, body) ?? Promise.reject(new NoConversationError());
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
    this.#visitor.identify(provider);
    this.#signedOut();
  }

  /** Nobody from now on: the group left, the connection closed, the token and the conversation's flag dropped. */
  logout() {
    forgetConversation(this.apiBase);
    this.#visitor.logout();
    this.#signedOut();
  }

  /** The last visitor's conversation goes; the next one's, if any, once their token names it. */
  #signedOut() {
    this.#chosen = undefined;
    // Even on the same group: the last visitor's messages, shown or set aside, are not the next one's.
    this.#openSession(true);
    // Reconfigured at the update: a new connection, or none.
    this.#hubInputs = undefined;
    this.host.requestUpdate();
  }

  /** The session follows the effective group: the `group` attribute, else the one the token URL named. */
  #openSession(anew = false) {
    const host = this.host;
    const group = this.#visitor.signedOut ? undefined : (this.#chosen ?? host.group ?? this.#visitor.source.groupId);
    if (!this.#sessions.show(group, apiBaseOf(host.hubUrl, host.apiUrl), anew)) return;
    this.#notice.clear();
    this.options.onOpened();
    host.requestUpdate();
    void this.#hub.setGroup(group);
    // Same group, new API base: the joined group stays, so nothing else would fill the new session.
    if (group !== undefined && this.#hub.joinedGroup === group) void this.#sessions.session?.catchUp();
  }

  async #accessToken() {
    const token = await this.#visitor.forConnect();
    // A token URL may name the conversation; it must be known before the connection joins.
    if (this.host.group === undefined) this.#openSession();
    return token;
  }
}
