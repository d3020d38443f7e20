import { html, LitElement, nothing, type PropertyValues } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import { AttentionController } from './attention-controller.js';
import { ChatApi, ChatApiError } from './chat-api.js';
import { ChatSession, type ChatSessionCallbacks } from './chat-session.js';
import { layoutConversation } from './conversation-layout.js';
import {
  SupportChatErrorEvent,
  SupportChatHideEvent,
  SupportChatMessageEvent,
  SupportChatSendEvent,
  SupportChatShowEvent,
  SupportChatStatusChangeEvent,
  SupportChatUnreadChangeEvent,
} from './events.js';
import { parseTyping } from './hub-protocol.js';
import { createHubConnection, HubConnectionController, type ConnectionFactory, type TransportName } from './hub-connection-controller.js';
import { isWebUrl, linkify, type TextPart } from './linkify.js';
import { SmallScreenController } from './small-screen-controller.js';
import { mergeStrings, type SupportChatStringOverrides } from './strings.js';
import { styles } from './support-chat.styles.js';
import { TokenSource, tokenUrlProvider, type TokenGrant } from './token-source.js';
import type { ChatMessage, ChatStatus, TokenProvider } from './types.js';

/**
 * An embeddable customer-support chat on an ASP.NET Core SignalR hub.
 *
 * @summary Joins a conversation (a SignalR group) and shows every message the moment it is sent.
 *
 * @fires support-chat-message - A message new to the conversation arrived (`event.message`).
 * @fires support-chat-send - The visitor pressed send (`event.text`); cancelable.
 * @fires support-chat-status-change - The connection state changed (`event.status`).
 * @fires support-chat-unread-change - The unread count changed (`event.unreadCount`).
 * @fires support-chat-show - The panel opened.
 * @fires support-chat-hide - The panel closed.
 * @fires support-chat-error - Something failed that the widget shows too (`event.error`).
 *
 * @csspart launcher - The floating button that opens the panel (launcher mode).
 * @csspart badge - The unread count on the launcher.
 * @csspart panel - The chat panel.
 * @csspart header - The panel's header with heading, state and close button.
 * @csspart messages - The message list.
 * @csspart message - One message.
 * @csspart avatar - The picture of the sender of a message, when the server gives one.
 * @csspart composer - The form with the text box and the send button.
 *
 * @cssprop --support-chat-accent - Launcher, my bubbles and buttons.
 * @cssprop --support-chat-accent-text - Text on the accent colour.
 * @cssprop --support-chat-background - The panel.
 * @cssprop --support-chat-text - Text in the panel.
 * @cssprop --support-chat-muted - Times, names and states.
 * @cssprop --support-chat-bubble - Bubbles of other people.
 * @cssprop --support-chat-danger - Failed messages and error banners.
 * @cssprop --support-chat-radius - Corner radius of panel and bubbles.
 * @cssprop --support-chat-font - Font family.
 * @cssprop --support-chat-width - Panel width in launcher mode.
 * @cssprop --support-chat-height - Panel height in launcher mode.
 * @cssprop --support-chat-offset - Distance of the launcher from the viewport edges.
 * @cssprop --support-chat-z-index - Stacking of the floating launcher and panel.
 * @cssprop --support-chat-warning - The reconnecting banner.
 */
export class SupportChat extends LitElement {
  static override styles = styles;

  /** The hub, e.g. `https://support.example.com/hubs/groupchat`. Required. */
  @property({ attribute: 'hub-url' }) hubUrl?: string;

  /** The conversation (SignalR group) to join. Without it, the `groupId` the token URL answers. */
  @property() group?: string;

  /** Base of the REST API. Defaults to the hub URL's origin. */
  @property({ attribute: 'api-url' }) apiUrl?: string;

  /** An endpoint answering `{ token, groupId? }` to a credentialed POST, for pages without script. */
  @property({ attribute: 'token-url' }) tokenUrl?: string;

  /** The panel's title. Defaults to the `heading` string ("Support"). */
  @property() heading?: string;

  /** The text box's placeholder and accessible name. Defaults to the `placeholder` string. */
  @property() placeholder?: string;

  /** Whether the panel is open (launcher mode). */
  @property({ type: Boolean, reflect: true }) open = false;

  /** `launcher`: a floating button and panel. `inline`: the panel fills its container. */
  @property({ reflect: true }) mode: 'launcher' | 'inline' = 'launcher';

  /** `light` or `dark`; without it, the visitor's system setting (`prefers-color-scheme`) decides. */
  @property({ reflect: true }) theme?: 'light' | 'dark';

  /**
   * Forces the transport: `websockets`, `server-sent-events` or `long-polling`, or several separated by
   * spaces. By default SignalR picks the best the browser and server share.
   */
  @property() transport?: string;

  /**
   * Connect straight to a WebSocket without negotiating first: for load balancers without session
   * affinity, where the negotiate and the connection could reach different servers.
   */
  @property({ attribute: 'skip-negotiation', type: Boolean }) skipNegotiation = false;

  /** Milliseconds a token provider or a REST request may take before it counts as failed. */
  @property({ attribute: 'request-timeout', type: Number }) requestTimeout = 15_000;

  /** Returns a JWT; called on every connect and reconnect, and again after a 401. */
  @property({ attribute: false }) tokenProvider?: TokenProvider;

  /** Overrides for any user-visible text. */
  @property({ attribute: false }) strings?: SupportChatStringOverrides;

  /**
   * Replaces how the hub connection is made, e.g. to add a MessagePack protocol or, in unit tests, a fake.
   * Read at each connect.
   */
  createConnection?: ConnectionFactory;

  @state() private draft = '';
  @state() private notice?: string;
  @state() private unread = 0;
  /** New messages arrived below while the reader was scrolled up. */
  @state() private newBelow = false;
  /** Until when (epoch ms) the server asked this visitor to wait before sending again. */
  @state() private cooldownUntil = 0;
  /** Who else is typing: user id → name, each until its timer runs out or their message arrives. */
  @state() private typists = new Map<number, string>();

  @query('textarea') private input?: HTMLTextAreaElement;
  @query('.launcher') private launcher?: HTMLButtonElement;
  @query('.log') private log?: HTMLElement;

  #text = mergeStrings(undefined);
  #session?: ChatSession;
  #sessionKey?: string;
  /** Whether the list was scrolled to the end before the last render, so new messages keep it there. */
  #atEnd = true;
  /** Set while older messages load: the distance from the list's end to keep, so the view does not jump. */
  #keepFromEnd?: number;
  #timeFormat?: { locale: string; format: Intl.DateTimeFormat };
  #cooldownTimer?: ReturnType<typeof setTimeout>;
  readonly #typingTimers = new Map<number, ReturnType<typeof setTimeout>>();
  /** Why the token provider failed on the last connect, if it did. */
  #tokenError?: Error;

  readonly #tokens = new TokenSource(
    () => this.#grant(),
    () => this.requestTimeout,
  );

  readonly #hub = new HubConnectionController(this, {
    accessToken: () => this.#accessToken(),
    onMessage: payload => this.#session?.receive(payload),
    onTyping: payload => this.#someoneTyping(payload),
    onJoined: () => {
      this.notice = undefined;
      void this.#session?.catchUp();
    },
    onStatusChange: status => this.dispatchEvent(new SupportChatStatusChangeEvent(status)),
    onError: error => this.#fail(error, this.#connectionProblem(error)),
    onWake: () => void this.#session?.catchUp(),
    createConnection: (url, settings) => (this.createConnection ?? createHubConnection)(url, settings),
  });

  readonly #attention = new AttentionController(this, {
    channelName: () => this.#sessionKey,
    // Read in another of this visitor's tabs: read here too.
    onReadElsewhere: () => this.#setUnread(0),
    onVisible: () => {
      if (this.#seeing()) this.#read();
    },
  });

  readonly #sessionCallbacks: ChatSessionCallbacks = {
    onMessages: (messages, live) => this.#arrived(messages, live),
    onChange: () => this.requestUpdate(),
    onError: error => this.#fail(error),
    onSendFailed: error => this.#sendFailed(error),
  };

  constructor() {
    super();
    // Registers itself with this element; nothing here talks to it afterwards.
    new SmallScreenController(this, () => this.mode === 'launcher' && this.open);
  }

  /** The connection state: `disconnected`, `connecting`, `connected` or `reconnecting`. */
  get status(): ChatStatus {
    return this.#hub.status;
  }

  /** The conversation as shown: server messages in order, then mine still pending or failed. */
  get messages(): readonly ChatMessage[] {
    return this.#session?.store.messages ?? [];
  }

  /** Messages from others that arrived while the visitor could not see them: panel closed, or tab in the background. */
  get unreadCount(): number {
    return this.unread;
  }

  /** Opens the panel, clears the unread count and puts the focus in the text box. */
  show() {
    if (this.open) return;
    this.open = true;
    this.#read();
    this.dispatchEvent(new SupportChatShowEvent());
    void this.updateComplete.then(() => this.input?.focus());
  }

  /** Closes the panel; if the focus was in it, it goes back to the launcher. */
  hide() {
    if (!this.open) return;
    const hadFocus = this.shadowRoot?.activeElement != null;
    this.open = false;
    this.dispatchEvent(new SupportChatHideEvent());
    if (hadFocus) void this.updateComplete.then(() => this.launcher?.focus());
  }

  /** Opens the panel if closed, closes it if open. */
  toggle() {
    if (this.open) this.hide();
    else this.show();
  }

  /** Sends a message as the signed-in user. A failure stays on screen with a retry, and fires `support-chat-error`. */
  async send(text: string): Promise<void> {
    const message = text.trim();
    if (!message) return;
    if (!this.#session) {
      // No bubble to mark: the banner says it.
      this.#fail(new Error('There is no conversation to send to yet.'));
      return;
    }
    await this.#session.send(message);
  }

  /** Drops the connection and connects again at once. */
  reconnect(): Promise<void> {
    return this.#hub.reconnect();
  }

  protected override willUpdate(changed: PropertyValues<this>) {
    if (changed.has('strings')) this.#text = mergeStrings(this.strings);
    if (changed.has('group') || changed.has('hubUrl') || changed.has('apiUrl')) this.#openSession();
    if (['hubUrl', 'tokenProvider', 'tokenUrl', 'transport', 'skipNegotiation'].some(name => changed.has(name as keyof SupportChat))) {
      // Without a way to get a token, connecting could only fail; frameworks often set the provider a moment later.
      this.#hub.configure(this.tokenProvider || this.tokenUrl ? this.hubUrl : undefined, {
        transports: parseTransports(this.transport),
        skipNegotiation: this.skipNegotiation,
      });
    }
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    clearTimeout(this.#cooldownTimer);
    for (const userId of [...this.#typingTimers.keys()]) this.#stoppedTyping(userId);
  }

  protected override updated() {
    const log = this.log;
    if (!log) return;
    if (this.#keepFromEnd !== undefined) {
      log.scrollTop = log.scrollHeight - this.#keepFromEnd;
      this.#keepFromEnd = undefined;
    } else if (this.#atEnd) {
      log.scrollTop = log.scrollHeight;
    }
  }

  override render() {
    const panel = this.#renderPanel();
    if (this.mode === 'inline') return panel;
    const label = this.unread > 0 ? `${this.#text.open}, ${this.#text.unread(this.unread)}` : this.#text.open;
    return html`
      ${panel}
      <button part="launcher" class="launcher" aria-label=${label} aria-expanded=${this.open} @click=${this.toggle}>
        <svg viewBox="0 0 24 24" aria-hidden="true"><path d="M4 4h16v12H7l-3 3z" /></svg>
        ${this.unread > 0 ? html`<span part="badge" class="badge" aria-hidden="true">${this.unread}</span>` : nothing}
      </button>
    `;
  }

  #renderPanel() {
    const text = this.#text;
    const status = this.status;
    const inline = this.mode === 'inline';
    const heading = this.heading ?? text.heading;
    const cooling = this.cooldownUntil > Date.now();
    return html`
      <section part="panel" class="panel" aria-label=${heading} ?hidden=${!inline && !this.open} @keydown=${this.#onPanelKeydown}>
        <header part="header">
          <div class="title">
            <h2>${heading}</h2>
            ${this.#renderCounterpart()}
          </div>
          <span class="status" data-status=${status}>${text.status[status]}</span>
          ${inline ? nothing : html`<button class="close" aria-label=${text.close} @click=${this.hide}>×</button>`}
        </header>
        ${this.notice ? html`<p class="notice" role="alert">${this.notice}</p>` : nothing}
        ${status === 'reconnecting' && !this.notice ? html`<p class="banner" role="status">${text.reconnecting}</p>` : nothing}
        ${this.newBelow ? html`<button class="pill" @click=${this.#scrollToEnd}>${text.newMessages}</button>` : nothing}
        <div part="messages" class="log" role="log" aria-label=${heading} @scroll=${this.#onScroll}>
          ${
            this.messages.length === 0
              ? html`<p class="empty">${text.empty}</p>`
              : html`<ol>
                  ${repeat(
                    layoutConversation(this.messages, this.#locale() || undefined),
                    item => item.key,
                    item =>
                      item.kind === 'day'
                        ? html`<li class="day"><span>${item.label}</span></li>`
                        : this.#renderMessage(item.message, item.continues),
                  )}
                </ol>`
          }
        </div>
        ${this.typists.size > 0 ? html`<p class="typing" role="status">${text.typing([...this.typists.values()])}</p>` : nothing}
        <form part="composer" @submit=${this.#onSubmit}>
          <textarea
            rows="1"
            aria-label=${this.placeholder ?? text.placeholder}
            placeholder=${this.placeholder ?? text.placeholder}
            .value=${this.draft}
            @input=${this.#onInput}
            @keydown=${this.#onKeydown}
          ></textarea>
          <button type="submit" ?disabled=${!this.draft.trim() || cooling} aria-describedby=${cooling ? 'composer-note' : nothing}>
            ${text.send}
          </button>
        </form>
        ${cooling ? html`<p id="composer-note" class="composer-note" role="status">${text.cooldown(this.#cooldownSeconds())}</p>` : nothing}
      </section>
    `;
  }

  /** Who is answering: the sender of the latest message that is not mine, with their picture when safe. */
  #renderCounterpart() {
    const me = this.#tokens.identity.userId;
    const messages = this.messages;
    let them: ChatMessage | undefined;
    for (let i = messages.length - 1; i >= 0 && !them; i--) if (messages[i].userId !== me) them = messages[i];
    if (!them) return nothing;
    return html`<p class="who">
      ${isWebUrl(them.avatarUrl) ? html`<img class="avatar" src=${them.avatarUrl} alt="" width="18" height="18" referrerpolicy="no-referrer" />` : nothing}
      <bdi>${them.name}</bdi>
    </p>`;
  }

  #renderMessage(message: ChatMessage, continues: boolean) {
    const mine = message.userId === this.#tokens.identity.userId;
    return html`
      <li
        part="message"
        class="message ${mine ? 'mine' : 'theirs'} ${continues ? 'continues' : ''}"
        data-state=${message.state}
        data-id=${message.id ?? nothing}
      >
        <span class="meta">
          ${
            !mine && isWebUrl(message.avatarUrl)
              ? html`<img
                  part="avatar"
                  class="avatar"
                  src=${message.avatarUrl}
                  alt=""
                  width="20"
                  height="20"
                  referrerpolicy="no-referrer"
                />`
              : nothing
          }
          <bdi class="name">${mine ? this.#text.you : message.name}</bdi>
          ${
            message.createdAt
              ? html`<time datetime=${message.createdAt.toISOString()}>${this.#formatTime(message.createdAt)}</time>`
              : nothing
          }
        </span>
        <p class="text">${this.#renderText(message)}</p>
        ${message.state === 'pending' ? html`<span class="state">${this.#text.sending}</span>` : nothing}
        ${
          message.state === 'failed'
            ? html`<span class="state">${this.#text.failed}${message.error ? `: ${message.error}` : ''}</span>
                <button class="retry" @click=${() => this.#retry(message)}>${this.#text.retry}</button>`
            : nothing
        }
      </li>
    `;
  }

  /** Plain text through Lit's text bindings, which escape; http(s) addresses as links, nothing else. */
  #renderText(message: ChatMessage) {
    return textParts(message).map(part =>
      part.href ? html`<a href=${part.href} target="_blank" rel="noopener noreferrer">${part.text}</a>` : part.text,
    );
  }

  /** Making a formatter costs far more than using one, and every bubble is formatted on every render. */
  /** The element's `lang`, else the page's; empty for the browser's own. */
  #locale() {
    return this.lang || document.documentElement.lang || '';
  }

  #formatTime(date: Date) {
    const locale = this.#locale();
    if (this.#timeFormat?.locale !== locale) {
      this.#timeFormat = { locale, format: new Intl.DateTimeFormat(locale || undefined, { hour: 'numeric', minute: '2-digit' }) };
    }
    return this.#timeFormat.format.format(date);
  }

  /** The session follows the effective group: the `group` attribute, else the one the token URL named. */
  #openSession() {
    const group = this.group ?? this.#tokens.groupId;
    const base = this.#apiBase();
    const key = group && base ? `${base} ${group}` : undefined;
    if (key === this.#sessionKey) return;
    this.#sessionKey = key;
    const api = base ? new ChatApi(base, this.#tokens, () => this.requestTimeout) : undefined;
    this.#session = group && api ? new ChatSession(group, api, this.#tokens, this.#sessionCallbacks) : undefined;
    this.notice = undefined;
    this.#setUnread(0);
    void this.#hub.setGroup(group);
    // Same group, new API base: the joined group stays, so nothing else would fill the new session.
    if (group !== undefined && this.#hub.joinedGroup === group) void this.#session?.catchUp();
  }

  #apiBase() {
    if (this.apiUrl) return this.apiUrl;
    if (!this.hubUrl) return undefined;
    return `${new URL(this.hubUrl, document.baseURI).origin}/`;
  }

  async #grant(): Promise<TokenGrant> {
    if (this.tokenProvider) return { token: await this.tokenProvider() };
    if (this.tokenUrl) return tokenUrlProvider(new URL(this.tokenUrl, document.baseURI).href)();
    throw new Error('support-chat needs a tokenProvider or a token-url.');
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
    if (this.group === undefined) this.#openSession();
    return token;
  }

  #arrived(messages: ChatMessage[], live: boolean) {
    if (!live) return;
    const me = this.#tokens.identity.userId;
    let unseen = 0;
    for (const message of messages) {
      // Their message is here: they have stopped typing it.
      this.#stoppedTyping(message.userId);
      this.dispatchEvent(new SupportChatMessageEvent(message));
      if (message.userId !== me) unseen++;
    }
    if (unseen > 0 && !this.#seeing()) this.#setUnread(this.unread + unseen);
    if (unseen > 0 && !this.#atEnd) this.newBelow = true;
  }

  /** Whether the visitor can see the messages now: the panel shows and the tab is in front. */
  #seeing() {
    return (this.mode === 'inline' || this.open) && this.#attention.pageVisible;
  }

  /** Seen here: cleared here and in the visitor's other tabs. */
  #read() {
    if (this.unread === 0) return;
    this.#setUnread(0);
    this.#attention.announceRead();
  }

  #setUnread(count: number) {
    if (count === this.unread) return;
    this.unread = count;
    this.#attention.showUnread(count);
    this.dispatchEvent(new SupportChatUnreadChangeEvent(count));
  }

  /** Shown in the banner: the connection, the join or the history failed. */
  #fail(error: Error, shown = error.message) {
    this.notice = shown;
    this.dispatchEvent(new SupportChatErrorEvent(error));
  }

  /**
   * What a person should read about a failed connection: SignalR's own words for "no network" and "no
   * server" mean nothing to a shopper, while a token provider's or the server's refusal says what is wrong.
   */
  #connectionProblem(error: Error) {
    if (!navigator.onLine) return this.#text.offline;
    if (this.#tokenError) return this.#tokenError.message;
    return /^(Failed to complete negotiation|Failed to start the transport|Unable to connect|WebSocket failed to connect)/.test(
      error.message,
    )
      ? this.#text.unreachable
      : error.message;
  }

  /** Shown on the message itself, which keeps its retry; "too many" also rests the send button. */
  #sendFailed(error: Error) {
    if (error instanceof ChatApiError && error.status === 429) this.#coolDown(error.retryAfter ?? 10);
    this.dispatchEvent(new SupportChatErrorEvent(error));
  }

  /** The server said "too many": the send button rests, saying why, until it may send again. */
  #coolDown(seconds: number) {
    this.cooldownUntil = Date.now() + seconds * 1000;
    clearTimeout(this.#cooldownTimer);
    this.#cooldownTimer = setTimeout(() => (this.cooldownUntil = 0), seconds * 1000);
  }

  #cooldownSeconds() {
    return Math.max(1, Math.ceil((this.cooldownUntil - Date.now()) / 1000));
  }

  #retry(message: ChatMessage) {
    if (message.clientMessageId) void this.#session?.retry(message.clientMessageId);
  }

  #onScroll() {
    const log = this.log;
    if (!log) return;
    this.#atEnd = log.scrollTop + log.clientHeight >= log.scrollHeight - 24;
    if (this.#atEnd) this.newBelow = false;
    if (log.scrollTop < 40 && this.#session?.hasOlder) void this.#loadOlder(log);
  }

  /** Near the top: the page before, with the view held where the reader is. */
  async #loadOlder(log: HTMLElement) {
    const fromEnd = log.scrollHeight - log.scrollTop;
    const session = this.#session;
    if (!session || (await session.loadOlder()) === 0) return;
    this.#keepFromEnd = fromEnd;
    this.requestUpdate();
  }

  #scrollToEnd() {
    this.#atEnd = true;
    this.newBelow = false;
    const log = this.log;
    if (log) log.scrollTop = log.scrollHeight;
  }

  #onInput(event: InputEvent) {
    this.draft = (event.target as HTMLTextAreaElement).value;
    if (this.draft.trim()) this.#hub.typing();
  }

  /** "… is typing" for a few seconds after each notice, from someone else in this conversation. */
  #someoneTyping(payload: unknown) {
    const notice = parseTyping(payload);
    if (!notice || notice.userId === this.#tokens.identity.userId || notice.groupId !== this.#session?.groupId) return;
    clearTimeout(this.#typingTimers.get(notice.userId));
    this.#typingTimers.set(
      notice.userId,
      setTimeout(() => this.#stoppedTyping(notice.userId), TYPING_SHOWN_MS),
    );
    this.typists = new Map(this.typists).set(notice.userId, notice.name);
  }

  #stoppedTyping(userId: number) {
    clearTimeout(this.#typingTimers.get(userId));
    this.#typingTimers.delete(userId);
    if (!this.typists.has(userId)) return;
    const typists = new Map(this.typists);
    typists.delete(userId);
    this.typists = typists;
  }

  /** Escape closes the floating panel, wherever the focus is in it. */
  #onPanelKeydown(event: KeyboardEvent) {
    if (event.key !== 'Escape' || this.mode === 'inline') return;
    event.stopPropagation();
    this.hide();
  }

  /** Enter sends; Shift+Enter, and Enter while an input method is composing, make a new line. */
  #onKeydown(event: KeyboardEvent) {
    if (event.key !== 'Enter' || event.shiftKey || event.isComposing) return;
    event.preventDefault();
    this.#submit();
  }

  #onSubmit(event: SubmitEvent) {
    event.preventDefault();
    this.#submit();
  }

  #submit() {
    const text = this.draft.trim();
    if (!text) return;
    if (!this.dispatchEvent(new SupportChatSendEvent(text))) return;
    this.draft = '';
    this.#atEnd = true;
    void this.send(text);
  }
}

/** How long "… is typing" stays after the last notice: a little more than the senders' interval. */
const TYPING_SHOWN_MS = 4000;

const TRANSPORTS: readonly TransportName[] = ['websockets', 'server-sent-events', 'long-polling'];

/** The `transport` attribute's names, in order; unknown ones are left out with a warning. */
function parseTransports(value: string | undefined): TransportName[] | undefined {
  if (!value?.trim()) return undefined;
  const names = value.trim().split(/[\s,]+/);
  const known = names.filter((name): name is TransportName => (TRANSPORTS as readonly string[]).includes(name));
  if (known.length < names.length) console.warn(`support-chat: unknown transport in "${value}"; known: ${TRANSPORTS.join(', ')}`);
  return known.length > 0 ? known : undefined;
}

/** Message texts never change, so their split into links is worked out once. */
const partsCache = new WeakMap<ChatMessage, TextPart[]>();
function textParts(message: ChatMessage): TextPart[] {
  let parts = partsCache.get(message);
  if (!parts) partsCache.set(message, (parts = linkify(message.text)));
  return parts;
}
