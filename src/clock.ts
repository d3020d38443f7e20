/** The time, and a timer (with a way to cancel it, where the clock has one): injected by tests. */
export interface Clock {
  now(): number;
  later(run: () => void, ms: number): unknown;
  cancel?(timer: unknown): void;
}

export const REAL_CLOCK: Clock = {
  now: () => Date.now(),
  later: (run, ms) => setTimeout(run, ms),
  cancel: timer => clearTimeout(timer as ReturnType<typeof setTimeout>),
};

/** Timers planned on a clock that can all be cancelled at once, and none planned while paused. */
export class PlannedTimers {
  /** How to cancel each timer still planned. */
  readonly #cancels = new Set<() => void>();
  #paused = false;

  constructor(private readonly clock: Clock) {}

  /** Runs `run` after `ms`, unless cancelled first; plans nothing while paused. */
  later(run: () => void, ms: number) {
    if (this.#paused) return;
    const timer = this.clock.later(() => {
      this.#cancels.delete(cancel);
      run();
    }, ms);
    const cancel = () => this.clock.cancel?.(timer);
    this.#cancels.add(cancel);
  }

  /** Cancels every planned timer and plans none until `resume`. */
  pause() {
    this.#paused = true;
    for (const cancel of this.#cancels) cancel();
    this.#cancels.clear();
  }

  resume() {
    this.#paused = false;
  }
}
