import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { ChatStatus } from './types.js';

export interface PageWakeOptions {
  /** The connection's state now. */
  status: () => ChatStatus;
  /** Connected and the page woke: time to check for missed messages. */
  onWake: () => void;
  /** Drops the connection and makes a new one at once, as after trouble. */
  restart: () => void;
}

/**
 * What the browser says about the page, while the element is in it, and what that means for the
 * connection: back online, visible again or thawed after a freeze, a connected widget checks for what it
 * missed and one waiting out a back-off tries at once; the network gone, the connection is dropped now.
 */
export class PageWakeController implements ReactiveController {
  readonly #onWake = (event: Event) => {
    if (event.type === 'visibilitychange' && document.visibilityState !== 'visible') return;
    const status = this.options.status();
    if (status === 'connected') this.options.onWake();
    else if (status === 'reconnecting') this.options.restart();
  };

  /**
   * An open socket can look alive for another half minute after the network is gone, before its keep-alive
   * fails: dropped now, the state says "reconnecting" at once, and `online` ends the wait.
   */
  readonly #onOffline = () => {
    const status = this.options.status();
    if (status === 'connected' || status === 'connecting') this.options.restart();
  };

  constructor(
    host: ReactiveControllerHost,
    private readonly options: PageWakeOptions,
  ) {
    host.addController(this);
  }

  hostConnected() {
    window.addEventListener('online', this.#onWake);
    window.addEventListener('offline', this.#onOffline);
    document.addEventListener('visibilitychange', this.#onWake);
    document.addEventListener('resume', this.#onWake);
  }

  hostDisconnected() {
    window.removeEventListener('online', this.#onWake);
    window.removeEventListener('offline', this.#onOffline);
    document.removeEventListener('visibilitychange', this.#onWake);
    document.removeEventListener('resume', this.#onWake);
  }
}
