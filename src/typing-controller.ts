import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { parseTyping } from './hub-protocol.js';

/** How long "… is typing" stays after the last notice: a little more than the senders' interval. */
const TYPING_SHOWN_MS = 4000;

export interface TypingOptions {
  /** My user id: my own notices are not shown. */
  me: () => number | undefined;
  /** The conversation shown: notices for others are not. */
  groupId: () => string | undefined;
}

/** "… is typing" from others in the conversation: each typist until their timer runs out or their message arrives. */
export class TypingController implements ReactiveController {
  /** User id → name. A new map on each change, so a render can tell. */
  #typists: ReadonlyMap<number, string> = new Map();
  readonly #timers = new Map<number, ReturnType<typeof setTimeout>>();

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly options: TypingOptions,
  ) {
    host.addController(this);
  }

  get typists(): ReadonlyMap<number, string> {
    return this.#typists;
  }

  hostDisconnected() {
    for (const userId of [...this.#timers.keys()]) this.stopped(userId);
  }

  /** A `UserTyping` push, unparsed. */
  notice(payload: unknown) {
    const notice = parseTyping(payload);
    if (!notice || notice.userId === this.options.me() || notice.groupId !== this.options.groupId()) return;
    clearTimeout(this.#timers.get(notice.userId));
    this.#timers.set(
      notice.userId,
      setTimeout(() => this.stopped(notice.userId), TYPING_SHOWN_MS),
    );
    this.#typists = new Map(this.#typists).set(notice.userId, notice.name);
    this.host.requestUpdate();
  }

  /** Their message is here, or their notice ran out. */
  stopped(userId: number) {
    clearTimeout(this.#timers.get(userId));
    this.#timers.delete(userId);
    if (!this.#typists.has(userId)) return;
    const typists = new Map(this.#typists);
    typists.delete(userId);
    this.#typists = typists;
    this.host.requestUpdate();
  }
}
