import { adoptStyles, type LitElement, type ReactiveController } from 'lit';
import { AttachInput } from './attach-input.js';
import { ComposerController } from './composer-controller.js';
import { ChatApiError } from './chat-api.js';
import { ConversationController, type ConversationHost } from './conversation-controller.js';
import { SupportChatMessageEvent } from './events.js';
import { renderCounterpart, renderList } from './message.template.js';
import { messageStyles } from './message.styles.js';
import { panelStyles } from './panel.styles.js';
import { COMPOSER, renderPanel } from './panel.template.js';
import { ScrollWindowController } from './scroll-window-controller.js';
import { SmallScreenController } from './small-screen-controller.js';
import type { SupportChatStrings } from './strings.js';
import { TypingController } from './typing-controller.js';
import type { Attachment, ChatMessage, ChatStatus, TokenProvider } from './types.js';
import { UnreadController, type UnreadHost } from './unread-controller.js';
import { Workflow } from './workflow.js';

export { WINDOW_SIZE } from './scroll-window-controller.js';

/** What the rest of the widget needs of the element: its settings, and being a Lit element to render in. */
export type ChatHost = LitElement &
  ConversationHost &
  UnreadHost & {
    readonly heading?: string;
    readonly placeholder?: string;
    /** `markdown`: what the composer sends is markdown (agents only; the server refuses it from visitors). */
    readonly composeFormat?: string;
    hide(): void;
  };

/**
 * Everything of `<support-chat>` behind the launcher, put together from one controller per concern: the
 * conversation (connection, tokens, history, sending), the unread count, who is typing, the composer and
 * the window over the message list. The element loads this module only when it is wanted (idle, hover,
 * open, or a conversation this visitor already has), so the first file a page downloads stays small.
 */
export class ChatCore implements ReactiveController {
  readonly #conversation: ConversationController;
  readonly #unread: UnreadController;
  readonly #typing: TypingController;
  readonly #composer: ComposerController;
  readonly #scroll: ScrollWindowController;
  readonly #files: AttachInput;
  /** The support workflow (states, ratings, read marks, availability): made once the server shows it has one. */
  #flow?: Workflow;
  /** Bumped at `identify` and `logout`: what was asked for the person before is not shown to the next. */
  #person = 0;

  constructor(
    private readonly host: ChatHost,
    /** Every text, as the element merged them. */
    private readonly strings: () => SupportChatStrings,
  ) {
    this.#conversation = new ConversationController(host, {
      onArrived: (messages, live) => this.#arrived(messages, live),
      onOpened: () => {
        this.#scroll.scrollToEnd();
        this.#unread.reset();
      },
      onSending: () => this.#scroll.follow(),
      onSendFailed: error => {
        if (error instanceof ChatApiError && error.status === 429) this.#composer.coolDown(error.retryAfter ?? 10);
      },
      onTyping: payload => this.#typing.notice(payload),
      onWorkflow: (name, payload) => this.#toFlow(name, payload),
      // The seed's hub has no WatchAvailability: its refusal loads nothing, and says nothing.
      onJoined: () => {
        const person = this.#person;
        void this.#conversation
          .invoke('WatchAvailability')
          .then(
            answer => this.#toFlow('Joined', answer, person),
            () => undefined,
          )
          // A fault of the workflow's own, not the hub's: said, as SignalR says one of a push's handler.
          .catch(console.error);
      },
      strings,
    });
    const conversation = this.#conversation;
    this.#unread = new UnreadController(
      host,
      // A logout follows the person, not the conversation: their tabs on other ones sign out, an agent's console on this one does not.
      () => (conversation.me !== undefined && conversation.apiBase ? `${conversation.apiBase} ${conversation.me}` : undefined),
      () => conversation.key,
      () => {
        this.#forgetPerson();
        conversation.logout();
      },
    );
    this.#typing = new TypingController(host, { me: () => conversation.me, groupId: () => conversation.groupId });
    this.#files = new AttachInput({
      element: host,
      requestUpdate: () => host.requestUpdate(),
      strings,
      target: () => conversation,
      timeout: () => host.requestTimeout,
      apiBase: () => conversation.apiBase,
      locale: () => this.#locale,
    });
    this.#composer = new ComposerController(host, {
      send: (text, attachments) => this.send(text, attachments),
      files: this.#files,
      typing: () => conversation.typing(),
      strings,
    });
    // Registers itself with the element; nothing here talks to it afterwards.
    new SmallScreenController(host, () => host.mode === 'launcher' && host.open);
    // After the panel has its size (small screens) and shows (the top layer, here), the list's scroll
    // position is put back: controllers run in the order they were added.
    host.addController(this);
    this.#scroll = new ScrollWindowController(host, {
      length: () => conversation.messages.length,
      hasOlder: () => conversation.hasOlder,
      loadOlder: () => conversation.loadOlder(),
    });
    adoptStyles(host.renderRoot as ShadowRoot, [...(host.constructor as typeof LitElement).elementStyles, panelStyles, messageStyles]);
  }

  get status(): ChatStatus {
    return this.#conversation.status;
  }

  get messages(): readonly ChatMessage[] {
    return this.#conversation.messages;
  }

  get unread(): number {
    return this.#unread.count;
  }

  /** The top layer holds the floating panel exactly while it is open. */
  hostUpdated() {
    const panel = this.host.renderRoot.querySelector<HTMLElement>('.panel');
    if (!panel?.popover || !panel.isConnected) return;
    const shown = panel.matches(':popover-open');
    if (this.host.open && !shown) panel.showPopover();
    else if (!this.host.open && shown) panel.hidePopover();
  }

  focusComposer() {
    this.host.renderRoot.querySelector<HTMLElement>(COMPOSER)?.focus();
  }

  /** Sends, once there is a conversation; false if none came within the request timeout (nothing was sent). */
  send(message: string, attachments?: Attachment[]): Promise<boolean> {
    return this.#conversation.send(message, { format: this.host.composeFormat === 'markdown' ? 'markdown' : undefined, attachments });
  }

  /** The element's `lang`, else the page's; empty for the browser's own. */
  get #locale() {
    return this.host.lang || document.documentElement.lang || '';
  }

  reconnect() {
    return this.#conversation.reconnect();
  }

  identify(provider: TokenProvider) {
    this.#forgetPerson();
    this.#conversation.identify(provider);
  }

  /** Signs out here and, through the visitor's channel, in their other tabs. */
  logout() {
    this.#unread.loggedOut();
    this.#forgetPerson();
    this.#conversation.logout();
  }

  #forgetPerson() {
    this.#person++;
    this.#flow?.forgetPerson();
  }

  /**
   * A push (or the answer to `WatchAvailability`) of the support workflow: handed to it, made for it; dropped
   * if `person` (the one it was asked for) left while it waited for its answer.
   */
  #toFlow(name: string, payload: unknown, person = this.#person) {
    if (person !== this.#person) return;
    this.#flow ??= new Workflow({
      element: this.host,
      conversation: this.#conversation,
      strings: this.strings,
      locale: () => this.#locale,
      seeing: () => this.#unread.seeing && this.#scroll.atEnd,
    });
    this.#flow.receive(name, payload);
  }

  renderPanel() {
    const host = this.host;
    const text = this.strings();
    const conversation = this.#conversation;
    const messages = conversation.messages;
    const empty = this.#flow?.empty;
    return renderPanel({
      text,
      heading: host.heading ?? text.heading,
      placeholder: host.placeholder ?? text.placeholder,
      inline: host.mode === 'inline',
      open: host.open,
      status: conversation.status,
      notice: conversation.notice,
      newBelow: this.#scroll.newBelow,
      typists: [...this.#typing.typists.values()],
      draft: this.#composer.draft,
      sendable: this.#composer.sendable,
      cannotSend: this.#composer.cannotSend,
      files: this.#files,
      flow: this.#flow,
      counterpart: renderCounterpart(messages, conversation.me),
      list: renderList({
        messages,
        range: this.#scroll.range(messages.length),
        locale: this.#locale,
        files: this.#files.list,
        me: conversation.me,
        text: empty ? { ...text, empty } : text,
        mark: this.#flow?.mark,
        retry: this.#retry,
        redraw: this.#redraw,
      }),
      on: this.#on,
    });
  }

  readonly #retry = (message: ChatMessage) => this.#conversation.retry(message);
  readonly #redraw = () => this.host.requestUpdate();

  /** Made once: the same listeners on every render, so Lit has nothing to swap. */
  readonly #on = {
    /** Escape closes the floating panel, wherever the focus is in it. */
    panelKeydown: (event: KeyboardEvent) => {
      if (event.key !== 'Escape' || this.host.mode === 'inline') return;
      event.stopPropagation();
      this.host.hide();
    },
    close: () => this.host.hide(),
    scroll: () => {
      this.#scroll.onScroll();
      this.#flow?.look();
    },
    scrollToEnd: () => this.#scroll.scrollToEnd(),
    input: (event: InputEvent) => this.#composer.onInput(event),
    composerKeydown: (event: KeyboardEvent) => this.#composer.onKeydown(event),
    submit: (event: SubmitEvent) => this.#composer.onSubmit(event),
  };

  /** New messages: announced to the page; from others, counted unread and pointed out below the view. */
  #arrived(messages: ChatMessage[], live: boolean) {
    if (!live) return;
    const me = this.#conversation.me;
    let unseen = 0;
    for (const message of messages) {
      // Their message is here: they have stopped typing it.
      this.#typing.stopped(message.userId);
      this.host.dispatchEvent(new SupportChatMessageEvent(message));
      if (message.userId !== me) unseen++;
    }
    this.#unread.arrived(unseen);
    if (unseen > 0) this.#scroll.arrivedFromOthers();
    this.host.requestUpdate();
  }
}
