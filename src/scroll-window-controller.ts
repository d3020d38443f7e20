import type { ReactiveController, ReactiveControllerHost } from 'lit';

/** How many messages the list holds in the DOM at most, however long the conversation. */
export const WINDOW_SIZE = 150;
/** How far the window moves when the reader scrolls near one of its ends. */
const WINDOW_STEP = 50;
/** How close (px) to an end of the list counts as "at" it. */
const NEAR_END_PX = 40;

/** What the window needs of the element: its shadow root, where the list is. */
export interface ScrollWindowHost extends ReactiveControllerHost {
  readonly renderRoot: HTMLElement | DocumentFragment;
}

export interface ScrollWindowOptions {
  /** How many messages the conversation holds now. */
  length: () => number;
  /** Whether the server may have older messages than those held. */
  hasOlder: () => boolean;
  /** Loads the page before the oldest held; it lands in front of the window. */
  loadOlder: () => void;
}

/**
 * The part of a long conversation in the DOM, and where the reader is in it: following the newest
 * message, or scrolled up (then nothing that arrives or loads moves what they are reading, and a pill
 * says there is more below).
 */
export class ScrollWindowController implements ReactiveController {
  #newBelow = false;
  /** Whether the list was scrolled to the end before the last render, so new messages keep it there. */
  #atEnd = true;
  /**
   * Where the window starts; undefined while it follows the newest message. Counted from the start, so
   * older pages put in front of a window at 0 show up in it, with no render in between.
   */
  #start?: number;
  /** Set by `follow` until the render it asked for: the end is where the list goes, wherever it is now. */
  #following = false;
  /** Set while the list changes above the view: a node to keep where it is on screen. */
  #anchor?: { key: string; top: number };

  constructor(
    private readonly host: ScrollWindowHost,
    private readonly options: ScrollWindowOptions,
  ) {
    host.addController(this);
  }

  /** Whether the reader is at the newest message. */
  get atEnd(): boolean {
    return this.#atEnd;
  }

  /** New messages arrived below while the reader was scrolled up. */
  get newBelow(): boolean {
    return this.#newBelow;
  }

  get #log() {
    return this.host.renderRoot.querySelector<HTMLElement>('.log');
  }

  /** The messages in the DOM: [start, end) of a conversation this long. */
  range(length: number): [number, number] {
    const start = this.#start ?? Math.max(0, length - WINDOW_SIZE);
    return [start, Math.min(length, start + WINDOW_SIZE)];
  }

  /** Scrolled up, whatever this render adds or removes must not move what the reader is looking at. */
  hostUpdate() {
    const log = this.#log;
    // Scrolled away, and the browser has not said so yet (its scroll event comes with the next frame): a
    // render in between (a push, a chunk arriving) must not pull the reader back to the end.
    if (log && this.#atEnd && !this.#following && log.scrollTop + log.clientHeight < log.scrollHeight - NEAR_END_PX) this.onScroll();
    if (log && !this.#atEnd) this.#holdView(log);
  }

  hostUpdated() {
    this.#following = false;
    const log = this.#log;
    if (!log) return;
    const anchor = this.#anchor;
    this.#anchor = undefined;
    const node = anchor && log.querySelector<HTMLElement>(`[data-key="${CSS.escape(anchor.key)}"]`);
    if (node) log.scrollTop = node.offsetTop - anchor.top;
    else if (this.#atEnd) log.scrollTop = log.scrollHeight;
  }

  /** Messages from others arrived: below the view, the pill says so. */
  arrivedFromOthers() {
    if (this.#atEnd) return;
    this.#newBelow = true;
    this.host.requestUpdate();
  }

  /** Back to the newest message, and staying there as more come. */
  follow() {
    this.#atEnd = true;
    this.#following = true;
    this.#anchor = undefined;
    this.#start = undefined;
    this.host.requestUpdate();
  }

  /**
   * Back to the newest message, without the pill. Also how another conversation opens: nothing of the one
   * left carries over, not where the reader was, not its pill, not the message the view was held on.
   */
  readonly scrollToEnd = () => {
    this.follow();
    this.#newBelow = false;
  };

  readonly onScroll = () => {
    const log = this.#log;
    if (!log) return;
    const length = this.options.length();
    const [start, end] = this.range(length);
    const nearBottom = log.scrollTop + log.clientHeight >= log.scrollHeight - NEAR_END_PX;
    this.#atEnd = nearBottom && end === length;
    // Scrolled away from the newest, the reader keeps what they read: new messages no longer slide the window.
    if (!nearBottom) this.#start ??= start;
    else if (this.#atEnd) this.#start = undefined;
    if (this.#atEnd && this.#newBelow) {
      this.#newBelow = false;
      this.host.requestUpdate();
    }
    if (nearBottom && end < length) {
      this.#move(start + WINDOW_STEP, length);
    } else if (log.scrollTop < NEAR_END_PX) {
      if (start > 0) this.#move(Math.max(0, start - WINDOW_STEP), length);
      else if (this.options.hasOlder()) {
        // Pinned to the start, the window takes in the older page as it lands in front.
        this.#start = 0;
        this.options.loadOlder();
      }
    }
  };

  /** Slides the window over messages already held; the render holds the view (see `hostUpdate`). */
  #move(start: number, length: number) {
    this.#start = start + WINDOW_SIZE >= length ? undefined : start;
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
}
