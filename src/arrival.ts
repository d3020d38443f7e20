/**
 * Waits for something that is not known yet (the conversation, before the token URL named it), each for
 * at most its own time. Holds no timer past `cancel`: its owner calls that when it leaves the page.
 */
export class Arrival<T> {
  readonly #waiters = new Set<(value: T | undefined) => void>();

  /** The value once `arrive` gives it; `undefined` after `ms`, or at `cancel`. */
  wait(ms: number): Promise<T | undefined> {
    return new Promise(resolve => {
      const timer = setTimeout(() => {
        this.#waiters.delete(waiter);
        resolve(undefined);
      }, ms);
      const waiter = (value: T | undefined) => {
        clearTimeout(timer);
        resolve(value);
      };
      this.#waiters.add(waiter);
    });
  }

  /** Gives `value` to everyone waiting. */
  arrive(value: T) {
    this.#settle(value);
  }

  /** Tells everyone waiting that nothing is coming. */
  cancel() {
    this.#settle(undefined);
  }

  #settle(value: T | undefined) {
    for (const waiter of this.#waiters) waiter(value);
    this.#waiters.clear();
  }
}
