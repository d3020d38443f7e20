import type { ReactiveController, ReactiveControllerHost } from 'lit';

/** The "(2) " this puts before the title. */
const UNREAD_PREFIX = /^\(\d+\) /;

export interface AttentionOptions {
  /**
   * The person (an API base and a token's subject): their tabs share one channel, whatever conversation each
   * shows, and nobody else's do (an agent's console on the same conversation, another visitor's widget).
   */
  channelName: () => string | undefined;
  /** The conversation's key: a read clears the count only in the tabs showing the same conversation. */
  conversation: () => string | undefined;
  /** Another tab of this visitor read the conversation. */
  onReadElsewhere: () => void;
  /** The tab became visible again. */
  onVisible: () => void;
  /** The visitor signed out in another tab. */
  onLoggedOutElsewhere?: () => void;
}

/**
 * What the page around the widget shows of unseen messages: "(2) " before the document title while there
 * are any, restored once read; and a BroadcastChannel per visitor, so reading a conversation in one of their
 * tabs clears its count in the others, and signing out in one signs out all of them. Everything it adds it removes when the host goes.
 */
export class AttentionController implements ReactiveController {
  #channel?: BroadcastChannel;
  #channelName?: string;
  /** The title as the page had it, while ours stands in front of it. */
  #pageTitle?: string;
  #shownTitle?: string;
  #connected = false;

  readonly #onVisibility = () => {
    if (document.visibilityState === 'visible') this.options.onVisible();
  };

  readonly #onChannelMessage = (event: MessageEvent) => {
    const read = (event.data as { read?: unknown } | null)?.read;
    if (read !== undefined && read === this.options.conversation()) this.options.onReadElsewhere();
    if (event.data === 'logout') this.options.onLoggedOutElsewhere?.();
  };

  constructor(
    host: ReactiveControllerHost,
    private readonly options: AttentionOptions,
  ) {
    host.addController(this);
  }

  get pageVisible(): boolean {
    return document.visibilityState === 'visible';
  }

  hostConnected() {
    this.#connected = true;
    document.addEventListener('visibilitychange', this.#onVisibility);
    this.#openChannel();
  }

  hostDisconnected() {
    this.#connected = false;
    document.removeEventListener('visibilitychange', this.#onVisibility);
    this.#closeChannel();
    this.showUnread(0);
  }

  /** The conversation may have changed: follow it with the channel. Not out of the page: an update can come after removal. */
  hostUpdated() {
    if (this.#connected && this.options.channelName() !== this.#channelName) {
      this.#closeChannel();
      this.#openChannel();
    }
  }

  /** Tells the visitor's other tabs this conversation has been read (`read`), or that they signed out (`logout`). */
  announce(news: 'read' | 'logout') {
    this.#channel?.postMessage(news === 'read' ? { read: this.options.conversation() } : news);
  }

  /** "(n) " before the page's title while n > 0; the page's own title back at 0. */
  showUnread(count: number) {
    if (count > 0) {
      // The page may have changed its title since: that one is the one to keep, without a count that
      // another widget on the page put in front of it.
      if (this.#shownTitle === undefined || document.title !== this.#shownTitle)
        this.#pageTitle = document.title.replace(UNREAD_PREFIX, '');
      this.#shownTitle = `(${count}) ${this.#pageTitle}`;
      document.title = this.#shownTitle;
    } else if (this.#shownTitle !== undefined) {
      if (document.title === this.#shownTitle) document.title = this.#pageTitle ?? '';
      this.#shownTitle = undefined;
    }
  }

  #openChannel() {
    const name = this.options.channelName();
    this.#channelName = name;
    if (!name || typeof BroadcastChannel === 'undefined') return;
    this.#channel = new BroadcastChannel(`support-chat:${name}`);
    this.#channel.addEventListener('message', this.#onChannelMessage);
  }

  #closeChannel() {
    this.#channel?.removeEventListener('message', this.#onChannelMessage);
    this.#channel?.close();
    this.#channel = undefined;
    this.#channelName = undefined;
  }
}
