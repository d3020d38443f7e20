/** One frame at 60 Hz. */
const FRAME_MS = 1000 / 60;

/** The longest a push waits for a frame: frames stop in hidden tabs. */
const FLUSH_LATEST_MS = 100;

/**
 * Pushes, handed on at most once per frame. One that comes once the last hand-on has been drawn goes on at
 * once (after the task that brought it, which may hold more); any that follow before the next frame wait
 * for it. So one message shows without delay, and a burst is added and rendered once per frame, not once
 * per message. No DOM and no element: it only decides when `deliver` runs.
 */
export class PushBatcher {
  #incoming: unknown[] = [];
  #frame?: number;
  #timer?: ReturnType<typeof setTimeout>;
  #flushedAt = -Infinity;
  /** The last hand-on is not drawn yet: a frame is to come. */
  #undrawn = false;

  constructor(private readonly deliver: (payloads: unknown[]) => void) {}

  queue(payload: unknown) {
    this.#incoming.push(payload);
    if (this.#incoming.length > 1) return;
    // By the frame, not by the clock alone: a push 10 ms after one already drawn would otherwise wait up
    // to a frame for nothing. The clock still decides in a hidden tab, where frames stop.
    if (!this.#undrawn || performance.now() - this.#flushedAt >= FRAME_MS) {
      queueMicrotask(() => this.flush());
      return;
    }
    this.#frame = requestAnimationFrame(() => this.flush());
    // Frames stop in a hidden tab; the timer still delivers there (at most once a second), for the unread count.
    this.#timer = setTimeout(() => this.flush(), FLUSH_LATEST_MS);
  }

  /** Hands on what waits now, and cancels the frame and timer it waited for. */
  flush() {
    if (this.#frame !== undefined) cancelAnimationFrame(this.#frame);
    clearTimeout(this.#timer);
    this.#frame = this.#timer = undefined;
    const payloads = this.#incoming;
    if (payloads.length === 0) return;
    this.#incoming = [];
    this.#flushedAt = performance.now();
    // One frame asked for at a time: in a hidden tab none comes, and they would pile up.
    if (!this.#undrawn) requestAnimationFrame(() => (this.#undrawn = false));
    this.#undrawn = true;
    this.deliver(payloads);
  }

  /** Forgets what waits: it was for a conversation no longer shown. */
  clear() {
    this.#incoming = [];
  }
}
