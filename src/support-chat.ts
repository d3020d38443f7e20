import { html, LitElement, nothing } from 'lit';
import { ChatLoaderController } from './chat-loader-controller.js';
import { apiBaseOf, hasConversation } from './conversation-memory.js';
import { SupportChatHideEvent, SupportChatShowEvent } from './events.js';
import type { ConnectionFactory } from './hub-connection.js';
import { mergeStrings, type SupportChatStringOverrides, type SupportChatStrings } from './strings.js';
import { styles } from './support-chat.styles.js';
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

  /*
   * The reactive properties, as a table rather than decorators: Lit's decorator code is half a kilobyte of
   * every visitor's download. `useDefineForClassFields: false` keeps the fields below from hiding Lit's
   * accessors.
   */
  static override properties = {
    hubUrl: { attribute: 'hub-url' },
    group: {},
    apiUrl: { attribute: 'api-url' },
    tokenUrl: { attribute: 'token-url' },
    heading: {},
    placeholder: {},
    composeFormat: { attribute: 'compose-format' },
    open: { type: Boolean, reflect: true },
    mode: { reflect: true },
    theme: { reflect: true },
    sound: { type: Boolean },
    transport: {},
    skipNegotiation: { attribute: 'skip-negotiation', type: Boolean },
    requestTimeout: { attribute: 'request-timeout', type: Number },
    tokenProvider: { attribute: false },
    strings: { attribute: false },
  };

  /** The hub, e.g. `https://support.example.com/hubs/groupchat`. Required. */
  hubUrl?: string;

  /** The conversation (SignalR group) to join. Without it, the `groupId` the token URL answers. */
  group?: string;

  /** Base of the REST API. Defaults to the hub URL's origin. */
  apiUrl?: string;

  /**
   * An endpoint answering `{ token, groupId? }` to a credentialed POST, for pages without script. The POST's
   * JSON body tells the agents `pageUrl` (origin and path: never the query), `timeZone` and `language`.
   */
  tokenUrl?: string;

  /** The panel's title. Defaults to the `heading` string ("Support"). */
  heading?: string;

  /** The text box's placeholder and accessible name. Defaults to the `placeholder` string. */
  placeholder?: string;

  /**
   * What the composer writes: `text` (the default) or `markdown`, for an agent's console (the server takes
   * markdown from agents only and refuses it from visitors).
   */
  composeFormat: 'text' | 'markdown' = 'text';

  /** Whether the panel is open (launcher mode). */
  open = false;

  /** `launcher`: a floating button and panel. `inline`: the panel fills its container. */
  mode: 'launcher' | 'inline' = 'launcher';

  /** `light` or `dark`; without it, the visitor's system setting (`prefers-color-scheme`) decides. */
  theme?: 'light' | 'dark';

  /** Plays a short chime when a message arrives unseen (panel closed or tab hidden). Off by default. */
  sound = false;

  /**
   * Forces the transport: `websockets`, `server-sent-events` or `long-polling`, or several separated by
   * spaces. By default SignalR picks the best the browser and server share.
   */
  transport?: string;

  /**
   * Connect straight to a WebSocket without negotiating first: for load balancers without session
   * affinity, where the negotiate and the connection could reach different servers.
   */
  skipNegotiation = false;

  /** Milliseconds a token provider or a REST request may take before it counts as failed. */
  requestTimeout = 15_000;

  /** Returns a JWT; called on every connect and reconnect, and again after a 401. */
  tokenProvider?: TokenProvider;

  /** Overrides for any user-visible text. */
  strings?: SupportChatStringOverrides;

  /**
   * Replaces how the hub connection is made, e.g. to add a MessagePack protocol or, in unit tests, a fake.
   * Read at each connect.
   */
  createConnection?: ConnectionFactory;

  private get launcher() {
    return this.renderRoot.querySelector<HTMLButtonElement>('.launcher') ?? undefined;
  }

  #merged = mergeStrings(undefined);
  #mergedFrom?: SupportChatStringOverrides;
  /** The connection, the conversation and the panel: a chunk of their own, loaded when wanted. */
  readonly #chat = new ChatLoaderController(this, {
    // Wanted now: the panel shows, or the page names a conversation, or this visitor has one (for its badge).
    wanted: () => this.mode === 'inline' || this.open || this.group !== undefined || hasConversation(apiBaseOf(this.hubUrl, this.apiUrl)),
    create: ChatCore => new ChatCore(this, () => this.#text),
  });

  /** The connection state: `disconnected`, `connecting`, `connected` or `reconnecting`. */
  get status(): ChatStatus {
    return this.#chat.core?.status ?? 'disconnected';
  }

  /** The conversation as shown: server messages in order, then mine still pending or failed. A copy. */
  get messages(): readonly ChatMessage[] {
    // The store's own list, handed out, could be changed by a page behind the store's back.
    return this.#chat.core?.messages.slice() ?? [];
  }

  /** Messages from others that arrived while the visitor could not see them: panel closed, or tab in the background. */
  get unreadCount(): number {
    return this.#chat.core?.unread ?? 0;
  }

  /** Opens the panel, clears the unread count and puts the focus in the text box. */
  show() {
    if (this.open) return;
    this.open = true;
    this.dispatchEvent(new SupportChatShowEvent());
    this.#chat
      .load()
      .then(async core => {
        await this.updateComplete;
        if (this.open) core.focusComposer();
      })
      .catch(() => undefined);
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
    await (await this.#chat.load()).send(message);
  }

  /**
   * Switches to a signed-in visitor: `token` is their JWT, or a provider of fresh ones. The conversation
   * shown is left and theirs joined (the `group` attribute, else the newest the server lists for them).
   */
  async identify(token: string | TokenProvider): Promise<void> {
    (await this.#chat.load()).identify(typeof token === 'string' ? () => token : token);
  }

  /**
   * Signs the visitor out: leaves the conversation, closes the connection, drops the token and forgets that
   * this browser has a conversation; the visitor's other tabs sign out too. With a `token-url`, it also asks that
   * URL (`DELETE`, with credentials) to end its cookie; a server without that answers 404 or 405 and the widget
   * is signed out all the same. Nothing connects until `identify`.
   */
  async logout(): Promise<void> {
    (await this.#chat.load()).logout();
  }

  /** Drops the connection and connects again at once. */
  async reconnect(): Promise<void> {
    await (await this.#chat.load()).reconnect();
  }

  /** Every text, the page's `strings` merged in once per new object: the one place they are merged. */
  get #text(): SupportChatStrings {
    if (this.strings !== this.#mergedFrom) {
      this.#mergedFrom = this.strings;
      this.#merged = mergeStrings(this.strings);
    }
    return this.#merged;
  }

  override render() {
    const panel = this.#chat.core?.renderPanel() ?? nothing;
    if (this.mode === 'inline') return panel;
    const unread = this.unreadCount;
    const label = unread > 0 ? `${this.#text.open}, ${this.#text.unread(unread)}` : this.#text.open;
    // A hand on its way to the launcher (pointer or focus): the chat will likely be opened, so it loads now.
    return html`
      ${panel}
      <button
        part="launcher"
        class="launcher"
        aria-label=${label}
        aria-expanded=${this.open}
        aria-busy=${this.open && !this.#chat.core ? 'true' : 'false'}
        @click=${this.toggle}
        @pointerenter=${this.#chat.quietly}
        @focus=${this.#chat.quietly}
      >
        <svg viewBox="0 0 24 24" aria-hidden="true"><path d="M4 4h16v12H7l-3 3z" /></svg>
        ${unread > 0 ? html`<span part="badge" class="badge" aria-hidden="true">${unread}</span>` : nothing}
      </button>
    `;
  }
}
