import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { ChatMessage } from './types.js';

/** Most often, at most one `MarkRead` per this many ms: a read mark is a watermark, not a message per read. */
export const MARK_INTERVAL_MS = 1000;

/** What read marks need: the conversation, and whether its newest message is in the visitor's view. */
export interface ReadMarksHost {
  readonly conversation: {
    readonly groupId?: string;
    readonly messages: readonly ChatMessage[];
    readonly me?: number;
    invoke(method: string, ...args: unknown[]): Promise<unknown>;
  };
  /** The conversation the workflow shows, as of the last update. */
  readonly group?: string;
  /** The list shows, the panel shows, the tab is in front and the list is at its end. */
  seeing(): boolean;
}

/**
 * Both directions of "read": the other side's mark, for "Seen" under the last of my messages they have read,
 * and mine, sent with `MarkRead` while the newest message is in view, at most once per interval.
 */
export class ReadMarks implements ReactiveController {
  /** The furthest read mark of anyone else in the conversation. */
  #theirs = 0;
  /** The id "Seen" is drawn under, worked out at each update. */
  #seenId?: number;
  /** My read mark as last sent, when, and the call planned for the end of the interval. */
  #mine = 0;
  #markedAt = -Infinity;
  #timer?: ReturnType<typeof setTimeout>;

  constructor(
    element: ReactiveControllerHost,
    private readonly host: ReadMarksHost,
  ) {
    element.addController(this);
  }

  /** The other side's mark: drawn ("Seen"), so a change in it is news. */
  get theirs() {
    return this.#theirs;
  }

  /** Another conversation shows: neither mark carries over. */
  reset() {
    this.#theirs = this.#mine = 0;
  }

  hostConnected() {
    document.addEventListener('visibilitychange', this.look);
  }

  hostDisconnected() {
    document.removeEventListener('visibilitychange', this.look);
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  hostUpdate() {
    const { messages, me } = this.host.conversation;
    this.#seenId = undefined;
    for (let i = messages.length - 1; i >= 0 && this.#theirs > 0; i--) {
      const { id, userId } = messages[i];
      if (id !== undefined && userId === me && id <= this.#theirs) {
        this.#seenId = id;
        break;
      }
    }
  }

  hostUpdated() {
    this.look();
  }

  /** Someone else's read mark (a `ReadUpTo` push, a row of the state's `readUpTo`): only forward, only for this conversation. */
  receive(payload: unknown) {
    const { groupId, userId, lastId } = (payload ?? {}) as { groupId?: unknown; userId?: unknown; lastId?: unknown };
    if (String(groupId) !== this.host.group || userId === this.host.conversation.me || typeof lastId !== 'number') return;
    this.#theirs = Math.max(this.#theirs, lastId);
  }

  /** "Seen" goes under this message, the last of mine the other side has read; under no other. */
  seen(message: ChatMessage) {
    return message.id !== undefined && message.id === this.#seenId;
  }

  /**
   * Tells the server how far the visitor has read, when the newest message is in view: at most once per
   * interval (the last one waits for its end), only forward, and never for a list not shown.
   */
  readonly look = () => {
    const { groupId, messages } = this.host.conversation;
    if (groupId === undefined || !this.host.seeing()) return;
    let newest = 0;
    for (let i = messages.length - 1; i >= 0 && !newest; i--) newest = messages[i].id ?? 0;
    if (newest <= this.#mine || this.#timer) return;
    const wait = this.#markedAt + MARK_INTERVAL_MS - performance.now();
    if (wait > 0) {
      this.#timer = setTimeout(() => {
        this.#timer = undefined;
        this.look();
      }, wait);
      return;
    }
    const before = this.#mine;
    this.#mine = newest;
    this.#markedAt = performance.now();
    this.host.conversation.invoke('MarkRead', groupId, newest).catch(() => {
      // Not joined at this moment: the next look sends it again.
      if (this.#mine === newest) this.#mine = before;
    });
  };
}
