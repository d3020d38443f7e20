import { adoptStyles, html, nothing, type LitElement, type PropertyValues, type ReactiveController } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import { AttentionController } from './attention-controller.js';
import { ChatApi, ChatApiError } from './chat-api.js';
import { ChatSession } from './chat-session.js';
import { chime } from './chime.js';
import { layoutConversation } from './conversation-layout.js';
import { timeFormat } from './formatters.js';
import {
  SupportChatErrorEvent,
  SupportChatMessageEvent,
  SupportChatSendEvent,
  SupportChatStatusChangeEvent,
  SupportChatUnreadChangeEvent,
} from './events.js';
import { parseTyping } from './hub-protocol.js';
import { createHubConnection, HubConnectionController, isUnreachable, type TransportName } from './hub-connection-controller.js';
import { isWebUrl, linkify, type TextPart } from './linkify.js';
import { panelStyles } from './panel.styles.js';
import { SmallScreenController } from './small-screen-controller.js';
import { apiBaseOf, rememberConversation } from './conversation-memory.js';
import { mergeStrings } from './strings.js';
import type { SupportChat } from './support-chat.js';
import { TokenSource, tokenUrlProvider, type TokenGrant } from './token-source.js';
import type { ChatMessage, ChatStatus } from './types.js';

/** How many messages the list holds in the DOM at most, however long the conversation. */
export const WINDOW_SIZE = 150;
/** How far the window moves when the reader scrolls near one of its ends. */
const WINDOW_STEP = 50;
/** How close (px) to an end of the list counts as "at" it. */
const NEAR_END_PX = 40;

/**
 * Everything of `<support-chat>` behind the launcher: the connection, the conversation and the panel. The
 * element loads this module only when it is wanted (idle, hover, open, or a conversation this visitor
 * already has), so the first file a page downloads stays small.
 */
export class ChatCore implements ReactiveController {
  draft = '';
  notice?: string;
  unread = 0;
  /** New messages arrived below while the reader was scrolled up. */
  newBelow = false;
  /** Until when (epoch ms) the server asked this visitor to wait before sending again. */
  cooldownUntil = 0;
  /** Who else is typing: user id → name, each until its timer runs out or their message arrives. */
  typists = new Map<number, string>();

  #text = mergeStrings(undefined);
  #session?: ChatSession;
  #sessionKey?: string;
  /** The REST base of the open session: worked out once, not on every arrival. */
  #apiBase?: string;
  /** Whether the list was scrolled to the end before the last render, so new messages keep it there. */
  #atEnd = true;
  /**
   * Where the DOM window over the conversation starts; undefined while it follows the newest message.
   * Only `WINDOW_SIZE` messages are in the DOM, so a conversation of 10,000 stays light. Counted from
   * the start, so older pages put in front of a window at 0 show up in it, with no render in between.
   */
  #windowStart?: number;
  /** Set while the list changes above the view: a node to keep where it is on screen. */
  #anchor?: { key: string; top: number };
  /** Pushes waiting for the next frame: a burst is added and rendered once per frame, not once per message. */
  #incoming: unknown[] = [];
  #frame?: number;
  #flushTimer?: ReturnType<typeof setTimeout>;
  #flushedAt = -Infinity;
  #cooldownTimer?: ReturnType<typeof setTimeout>;
  readonly #typingTimers = new Map<number, ReturnType<typeof setTimeout>>();
  /** Sends waiting for the conversation to be known. */
  readonly #sessionWaiters = new Set<(session: ChatSession) => void>();
  /** The hub the connection was last pointed at: none while there is no way to get a token. */
  #hubTarget?: string;
  /** Why the token provider failed on the last connect, if it did. */
  #tokenError?: Error;

  readonly #tokens: TokenSource;
  readonly #hub: HubConnectionController;
  readonly #attention: AttentionController;

  constructor(private readonly host: SupportChat) {
    this.#tokens = new TokenSource(
      () => this.#grant(),
      () => host.requestTimeout,
    );
    this.#hub = new HubConnectionController(host, {
      accessToken: () => this.#accessToken(),
      onMessage: payload => this.#queue(payload),
      onTyping: payload => this.#someoneTyping(payload),
      onJoined: () => {
        this.notice = undefined;
        host.requestUpdate();
        void this.#session?.catchUp();
      },
      onStatusChange: status => host.dispatchEvent(new SupportChatStatusChangeEvent(status)),
      onError: error => this.#fail(error, this.#connectionProblem(error)),
      onWake: () => void this.#session?.catchUp(),
      createConnection: (url, settings) => (host.createConnection ?? createHubConnection)(url, settings),
    });
    this.#attention = new AttentionController(host, {
      channelName: () => this.#sessionKey,
      // Read in another of this visitor's tabs: read here too.
      onReadElsewhere: () => this.#setUnread(0),
      onVisible: () => {
        if (this.#seeing()) this.read();
      },
    });
    // Registers itself with the element; nothing here talks to it afterwards.
    new SmallScreenController(host, () => host.mode === 'launcher' && host.open);
    host.addController(this);
    adoptStyles(host.renderRoot as ShadowRoot, [...(host.constructor as typeof LitElement).elementStyles, panelStyles]);
  }

  get status(): ChatStatus {
    return this.#hub.status;
  }

  get messages(): readonly ChatMessage[] {
    return this.#session?.store.messages ?? [];
  }

  hostConnected() {
    window.addEventListener('online', this.#onNetwork);
    window.addEventListener('offline', this.#onNetwork);
    // Put back in the page during a cooldown: its end must still wake the send button.
    if (this.cooldownUntil > Date.now()) this.#wakeAfterCooldown();
  }

  hostDisconnected() {
    window.removeEventListener('online', this.#onNetwork);
    window.removeEventListener('offline', this.#onNetwork);
    clearTimeout(this.#cooldownTimer);
    for (const userId of [...this.#typingTimers.keys()]) this.#stoppedTyping(userId);
    if (this.#frame !== undefined) cancelAnimationFrame(this.#frame);
    this.#frame = undefined;
    this.#flush();
    // Back in the page, the join's catch-up goes on from where it was.
    this.#session?.suspend();
  }

  /** Follows the element's properties; without `changed`, takes them all as new (just loaded). */
  willUpdate(changed?: PropertyValues<SupportChat>) {
    const host = this.host;
    // Scrolled up, whatever this render adds or removes must not move what the reader is looking at.
    const log = this.#log;
    if (log && !this.#atEnd) this.#holdView(log);
    const has = (name: keyof SupportChat) => !changed || changed.has(name);
    if (has('strings')) this.#text = mergeStrings(host.strings);
    if (has('group') || has('hubUrl') || has('apiUrl')) this.#openSession();
    if (has('open') && host.open && this.#seeing()) this.read();
    // Without a way to get a token, connecting could only fail; frameworks often set the provider a moment
    // later. Which provider it is does not matter here: it is read at each connect, so a new one (a React
    // parent's inline arrow, on every render) must not reconnect.
    const url = host.tokenProvider || host.tokenUrl ? host.hubUrl : undefined;
    if (['hubUrl', 'transport', 'skipNegotiation'].some(name => has(name as keyof SupportChat)) || url !== this.#hubTarget) {
      this.#hubTarget = url;
      this.#hub.configure(url, { transports: parseTransports(host.transport), skipNegotiation: host.skipNegotiation });
    }
  }

  hostUpdated() {
    const panel = this.#panel;
    if (panel?.popover && panel.isConnected) {
      // The top layer holds the panel exactly while it is open.
      const shown = panel.matches(':popover-open');
      if (this.host.open && !shown) panel.showPopover();
      else if (!this.host.open && shown) panel.hidePopover();
    }
    const log = this.#log;
    if (!log) return;
    const anchor = this.#anchor;
    this.#anchor = undefined;
    const node = anchor && log.querySelector<HTMLElement>(`[data-key="${CSS.escape(anchor.key)}"]`);
    if (node) log.scrollTop = node.offsetTop - anchor.top;
    else if (this.#atEnd) log.scrollTop = log.scrollHeight;
  }

  get #panel() {
    return this.host.renderRoot.querySelector<HTMLElement>('.panel');
  }

  get #log() {
    return this.host.renderRoot.querySelector<HTMLElement>('.log');
  }

  focusComposer() {
    this.host.renderRoot.querySelector('textarea')?.focus();
  }

  /** Seen here: cleared here and in the visitor's other tabs. */
  read() {
    if (this.unread === 0) return;
    this.#setUnread(0);
    this.#attention.announceRead();
  }

  /** Sends, once there is a conversation; false if none came within the request timeout (nothing was sent). */
  async send(message: string): Promise<boolean> {
    // Typed the moment the panel opened: the token URL may not have named the conversation yet.
    const session = this.#session ?? (await this.#sessionSoon());
    if (!session) {
      // No bubble to mark: the banner says it.
      this.#fail(new Error('There is no conversation to send to yet.'));
      return false;
    }
    this.#follow();
    await session.send(message);
    return true;
  }

  #sessionSoon(): Promise<ChatSession | undefined> {
    return new Promise(resolve => {
      const timer = setTimeout(() => {
        this.#sessionWaiters.delete(waiter);
        resolve(undefined);
      }, this.host.requestTimeout);
      const waiter = (session: ChatSession) => {
        clearTimeout(timer);
        resolve(session);
      };
      this.#sessionWaiters.add(waiter);
    });
  }

  reconnect() {
    return this.#hub.reconnect();
  }

  renderPanel() {
    const host = this.host;
    const text = this.#text;
    const status = this.status;
    const inline = host.mode === 'inline';
    const heading = host.heading ?? text.heading;
    const cannotSend = this.#cannotSend();
    const placeholder = host.placeholder ?? text.placeholder;
    return html`
      <section
        part="panel"
        class="panel"
        aria-label=${heading}
        .popover=${inline ? null : 'manual'}
        ?hidden=${!inline && !host.open}
        @keydown=${this.#onPanelKeydown}
      >
        <header part="header">
          <div class="title">
            <h2>${heading}</h2>
            ${this.#renderCounterpart()}
          </div>
          <span class="status" data-status=${status}>${text.status[status]}</span>
          ${inline ? nothing : html`<button class="close" aria-label=${text.close} @click=${() => host.hide()}>×</button>`}
        </header>
        ${this.notice ? html`<p class="notice" role="alert">${this.notice}</p>` : nothing}
        ${status === 'reconnecting' && !this.notice ? html`<p class="banner" role="status">${text.reconnecting}</p>` : nothing}
        ${this.newBelow ? html`<button class="pill" @click=${this.#scrollToEnd}>${text.newMessages}</button>` : nothing}
        <div part="messages" class="log" role="log" aria-label=${heading} @scroll=${this.#onScroll}>${this.#renderList()}</div>
        ${this.typists.size > 0 ? html`<p class="typing" role="status">${text.typing([...this.typists.values()])}</p>` : nothing}
        <form part="composer" @submit=${this.#onSubmit}>
          <textarea
            rows="1"
            aria-label=${placeholder}
            placeholder=${placeholder}
            .value=${this.draft}
            @input=${this.#onInput}
            @keydown=${this.#onKeydown}
          ></textarea>
          <button type="submit" ?disabled=${!this.draft.trim() || !!cannotSend} aria-describedby=${cannotSend ? 'composer-note' : nothing}>
            ${text.send}
          </button>
        </form>
        ${cannotSend ? html`<p id="composer-note" class="composer-note" role="status">${cannotSend}</p>` : nothing}
      </section>
    `;
  }

  /** The window of the conversation that is in the DOM, with day separators and sender groups. */
  #renderList() {
    const messages = this.messages;
    if (messages.length === 0) return html`<p class="empty">${this.#text.empty}</p>`;
    const [start, end] = this.#window(messages.length);
    return html`<ol>
      ${repeat(
        layoutConversation(messages, this.#locale() || undefined, { start, end }),
        item => item.key,
        item =>
          item.kind === 'day' ? html`<li class="day"><span>${item.label}</span></li>` : this.#renderMessage(item.message, item.continues),
      )}
    </ol>`;
  }

  #window(length: number): [number, number] {
    const start = this.#windowStart ?? Math.max(0, length - WINDOW_SIZE);
    return [start, Math.min(length, start + WINDOW_SIZE)];
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
    // A message without a server copy is one of mine on its way, whatever id it was shown with at Enter.
    const mine = message.id === undefined || message.userId === this.#tokens.identity.userId;
    return html`
      <li
        part="message"
        class="message ${mine ? 'mine' : 'theirs'} ${continues ? 'continues' : ''}"
        data-state=${message.state}
        data-id=${message.id ?? nothing}
        data-key=${message.key}
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
              ? html`<time datetime=${message.createdAt.toISOString()}>${timeFormat(this.#locale()).format(message.createdAt)}</time>`
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

  /** The element's `lang`, else the page's; empty for the browser's own. */
  #locale() {
    return this.host.lang || document.documentElement.lang || '';
  }

  /** The session follows the effective group: the `group` attribute, else the one the token URL named. */
  #openSession() {
    const host = this.host;
    const group = host.group ?? this.#tokens.groupId;
    const base = apiBaseOf(host.hubUrl, host.apiUrl);
    const key = group && base ? `${base} ${group}` : undefined;
    if (key === this.#sessionKey) return;
    this.#sessionKey = key;
    this.#apiBase = base;
    const api = base ? new ChatApi(base, this.#tokens, () => host.requestTimeout) : undefined;
    this.#session?.close();
    this.#session = group && api ? this.#newSession(group, api) : undefined;
    if (this.#session) {
      for (const waiter of this.#sessionWaiters) waiter(this.#session);
      this.#sessionWaiters.clear();
    }
    this.#incoming = [];
    this.#windowStart = undefined;
    this.notice = undefined;
    this.#setUnread(0);
    host.requestUpdate();
    void this.#hub.setGroup(group);
    // Same group, new API base: the joined group stays, so nothing else would fill the new session.
    if (group !== undefined && this.#hub.joinedGroup === group) void this.#session?.catchUp();
  }

  /** A session reports into the element until it is closed: a replaced one must not add to the new one. */
  #newSession(group: string, api: ChatApi): ChatSession {
    return new ChatSession(group, api, this.#tokens, {
      onMessages: (messages, live) => this.#arrived(messages, live),
      onChange: () => this.host.requestUpdate(),
      onError: error => this.#fail(error),
      onSendFailed: error => this.#sendFailed(error),
    });
  }

  async #grant(): Promise<TokenGrant> {
    const host = this.host;
    if (host.tokenProvider) return { token: await host.tokenProvider() };
    if (host.tokenUrl) return tokenUrlProvider(new URL(host.tokenUrl, document.baseURI).href)();
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
    if (this.host.group === undefined) this.#openSession();
    return token;
  }

  /**
   * A push. The first after a quiet frame is applied at once (after the task that brought it, which may
   * hold more); any that follow within the same frame wait for the next one. So one message shows without
   * delay, and a burst is added and rendered at most once per frame, not once per message.
   */
  #queue(payload: unknown) {
    this.#incoming.push(payload);
    if (this.#incoming.length > 1) return;
    if (performance.now() - this.#flushedAt >= FRAME_MS) {
      queueMicrotask(() => this.#flush());
      return;
    }
    this.#frame = requestAnimationFrame(() => this.#flush());
    // Frames stop in a hidden tab; the timer still delivers there (at most once a second), for the unread count.
    this.#flushTimer = setTimeout(() => this.#flush(), FLUSH_LATEST_MS);
  }

  #flush() {
    if (this.#frame !== undefined) cancelAnimationFrame(this.#frame);
    clearTimeout(this.#flushTimer);
    this.#frame = this.#flushTimer = undefined;
    const payloads = this.#incoming;
    if (payloads.length === 0) return;
    this.#incoming = [];
    this.#flushedAt = performance.now();
    this.#session?.receive(payloads);
  }

  #arrived(messages: ChatMessage[], live: boolean) {
    if (messages.length > 0) rememberConversation(this.#apiBase);
    if (!live) return;
    const me = this.#tokens.identity.userId;
    let unseen = 0;
    for (const message of messages) {
      // Their message is here: they have stopped typing it.
      this.#stoppedTyping(message.userId);
      this.host.dispatchEvent(new SupportChatMessageEvent(message));
      if (message.userId !== me) unseen++;
    }
    if (unseen > 0 && !this.#seeing()) {
      this.#setUnread(this.unread + unseen);
      if (this.host.sound) chime();
    }
    if (unseen > 0 && !this.#atEnd) this.newBelow = true;
    this.host.requestUpdate();
  }

  /** Whether the visitor can see the messages now: the panel shows and the tab is in front. */
  #seeing() {
    return (this.host.mode === 'inline' || this.host.open) && this.#attention.pageVisible;
  }

  #setUnread(count: number) {
    if (count === this.unread) return;
    this.unread = count;
    this.#attention.showUnread(count);
    this.host.requestUpdate();
    this.host.dispatchEvent(new SupportChatUnreadChangeEvent(count));
  }

  /** Shown in the banner: the connection, the join or the history failed. */
  #fail(error: Error, shown = error.message) {
    this.notice = shown;
    this.host.requestUpdate();
    this.host.dispatchEvent(new SupportChatErrorEvent(error));
  }

  /**
   * What a person should read about a failed connection: SignalR's own words for "no network" and "no
   * server" mean nothing to a shopper, while a token provider's or the server's refusal says what is wrong.
   */
  #connectionProblem(error: Error) {
    if (!navigator.onLine) return this.#text.offline;
    if (this.#tokenError) return this.#tokenError.message;
    return isUnreachable(error) ? this.#text.unreachable : error.message;
  }

  /** Shown on the message itself, which keeps its retry; "too many" also rests the send button. */
  #sendFailed(error: Error) {
    if (error instanceof ChatApiError && error.status === 429) this.#coolDown(error.retryAfter ?? 10);
    this.host.dispatchEvent(new SupportChatErrorEvent(error));
  }

  /** The server said "too many": the send button rests, saying why, until it may send again. */
  #coolDown(seconds: number) {
    this.cooldownUntil = Date.now() + seconds * 1000;
    this.host.requestUpdate();
    this.#wakeAfterCooldown();
  }

  #wakeAfterCooldown() {
    clearTimeout(this.#cooldownTimer);
    this.#cooldownTimer = setTimeout(() => {
      this.cooldownUntil = 0;
      this.host.requestUpdate();
    }, this.cooldownUntil - Date.now());
  }

  /** Online or offline: the composer says whether it can send. */
  readonly #onNetwork = () => this.host.requestUpdate();

  /** Why the visitor cannot send right now, in words for the composer; undefined when they can. */
  #cannotSend(): string | undefined {
    if (this.cooldownUntil > Date.now()) return this.#text.cooldown(this.#cooldownSeconds());
    if (!navigator.onLine) return this.#text.sendOffline;
    return undefined;
  }

  #cooldownSeconds() {
    return Math.max(1, Math.ceil((this.cooldownUntil - Date.now()) / 1000));
  }

  #retry(message: ChatMessage) {
    if (message.clientMessageId) void this.#session?.retry(message.clientMessageId);
  }

  readonly #onScroll = () => {
    const log = this.#log;
    if (!log) return;
    const length = this.messages.length;
    const [start, end] = this.#window(length);
    const nearBottom = log.scrollTop + log.clientHeight >= log.scrollHeight - NEAR_END_PX;
    this.#atEnd = nearBottom && end === length;
    // Scrolled away from the newest, the reader keeps what they read: new messages no longer slide the window.
    if (!nearBottom) this.#windowStart ??= start;
    else if (this.#atEnd) this.#windowStart = undefined;
    if (this.#atEnd && this.newBelow) {
      this.newBelow = false;
      this.host.requestUpdate();
    }
    if (nearBottom && end < length) {
      this.#moveWindow(start + WINDOW_STEP, length);
    } else if (log.scrollTop < NEAR_END_PX) {
      if (start > 0) this.#moveWindow(Math.max(0, start - WINDOW_STEP), length);
      else if (this.#session?.hasOlder) {
        // Pinned to the start, the window takes in the older page as it lands in front.
        this.#windowStart = 0;
        void this.#session.loadOlder();
      }
    }
  };

  /** Slides the window over messages already held; the render holds the view (see `willUpdate`). */
  #moveWindow(start: number, length: number) {
    this.#windowStart = start + WINDOW_SIZE >= length ? undefined : start;
    this.host.requestUpdate();
  }

  /**
   * Remembers the first message in view and its distance from the list's top, to put it back after a
   * render. Not a day separator: older messages of the same day move it up above them.
   */
  #holdView(log: HTMLElement) {
    for (const node of log.querySelectorAll<HTMLElement>('.message[data-key]')) {
      if (node.offsetTop + node.offsetHeight > log.scrollTop) {
        this.#anchor = { key: node.dataset.key ?? '', top: node.offsetTop - log.scrollTop };
        return;
      }
    }
  }

  readonly #scrollToEnd = () => {
    this.#follow();
    this.newBelow = false;
    this.host.requestUpdate();
  };

  /** Back to the newest message, and staying there as more come. */
  #follow() {
    this.#atEnd = true;
    this.#anchor = undefined;
    this.#windowStart = undefined;
    this.host.requestUpdate();
  }

  readonly #onInput = (event: InputEvent) => {
    this.draft = (event.target as HTMLTextAreaElement).value;
    this.host.requestUpdate();
    if (this.draft.trim()) this.#hub.typing();
  };

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
    this.host.requestUpdate();
  }

  #stoppedTyping(userId: number) {
    clearTimeout(this.#typingTimers.get(userId));
    this.#typingTimers.delete(userId);
    if (!this.typists.has(userId)) return;
    const typists = new Map(this.typists);
    typists.delete(userId);
    this.typists = typists;
    this.host.requestUpdate();
  }

  /** Escape closes the floating panel, wherever the focus is in it. */
  readonly #onPanelKeydown = (event: KeyboardEvent) => {
    if (event.key !== 'Escape' || this.host.mode === 'inline') return;
    event.stopPropagation();
    this.host.hide();
  };

  /** Enter sends; Shift+Enter, and Enter while an input method is composing, make a new line. */
  readonly #onKeydown = (event: KeyboardEvent) => {
    if (event.key !== 'Enter' || event.shiftKey || event.isComposing) return;
    event.preventDefault();
    this.#submit();
  };

  readonly #onSubmit = (event: SubmitEvent) => {
    event.preventDefault();
    this.#submit();
  };

  #submit() {
    const text = this.draft.trim();
    // Enter as much as the button: the note under the text box says why not, and the text stays.
    if (!text || this.#cannotSend()) return;
    if (!this.host.dispatchEvent(new SupportChatSendEvent(text))) return;
    this.draft = '';
    this.host.requestUpdate();
    void this.send(text).then(sent => {
      // Never sent: the words go back into the text box, unless the visitor has started anew.
      if (sent || this.draft) return;
      this.draft = text;
      this.host.requestUpdate();
    });
  }
}

/** How long "… is typing" stays after the last notice: a little more than the senders' interval. */
const TYPING_SHOWN_MS = 4000;

/** One frame at 60 Hz. */
const FRAME_MS = 1000 / 60;

/** The longest a push waits for a frame: frames stop in hidden tabs. */
const FLUSH_LATEST_MS = 100;

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
