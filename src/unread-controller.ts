import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { AttentionController } from './attention-controller.js';
import { chime } from './chime.js';
import { SupportChatUnreadChangeEvent } from './events.js';

/** What the unread count needs of the element. */
export interface UnreadHost extends ReactiveControllerHost, EventTarget {
  readonly open: boolean;
  readonly mode: 'launcher' | 'inline';
  readonly sound: boolean;
}

/**
 * Messages from others the visitor has not seen: counted while the panel is closed or the tab hidden,
 * cleared when seen here or in another of the visitor's tabs, with a chime if the page asked for one.
 */
export class UnreadController implements ReactiveController {
  #count = 0;
  /** Whether the panel was open at the last update: opening it reads the conversation. */
  #wasOpen?: boolean;
  readonly #attention: AttentionController;

  constructor(
    private readonly host: UnreadHost,
    /** The person: their tabs share read state and a logout. */
    channelName: () => string | undefined,
    /** The conversation's key: a read is for the tabs showing it. */
    conversation: () => string | undefined,
    /** The visitor signed out in another of their tabs. */
    onLoggedOutElsewhere?: () => void,
  ) {
    this.#attention = new AttentionController(host, {
      channelName,
      conversation,
      // Read in another of this visitor's tabs: read here too.
      onReadElsewhere: () => this.#set(0),
      onLoggedOutElsewhere,
      onVisible: () => {
        if (this.seeing) this.read();
      },
    });
    host.addController(this);
  }

  get count(): number {
    return this.#count;
  }

  /** Whether the visitor can see the messages now: the panel shows and the tab is in front. */
  get seeing(): boolean {
    return (this.host.mode === 'inline' || this.host.open) && this.#attention.pageVisible;
  }

  hostUpdate() {
    const open = this.host.open;
    if (open !== this.#wasOpen && open && this.seeing) this.read();
    this.#wasOpen = open;
  }

  /** Seen here: cleared here and in the visitor's other tabs. */
  read() {
    if (this.#count === 0) return;
    this.#set(0);
    this.#attention.announce('read');
  }

  /** Signed out here: the visitor's other tabs sign out too. */
  loggedOut() {
    this.#attention.announce('logout');
  }

  /** `unseen` new messages from others: counted, with a chime, unless the visitor is looking. */
  arrived(unseen: number) {
    if (unseen === 0 || this.seeing) return;
    this.#set(this.#count + unseen);
    if (this.host.sound) chime();
  }

  /** Another conversation: nothing of it is unread yet. */
  reset() {
    this.#set(0);
  }

  #set(count: number) {
    if (count === this.#count) return;
    this.#count = count;
    this.#attention.showUnread(count);
    this.host.requestUpdate();
    this.host.dispatchEvent(new SupportChatUnreadChangeEvent(count));
  }
}
