import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { ChatCore } from './chat-core.js';
import { SupportChatErrorEvent } from './events.js';

export interface ChatLoaderOptions {
  /** Whether the chat is wanted now: checked at every update until it is loading. */
  wanted(): boolean;
  /** Makes the core once its class is downloaded; its controllers take over the element's current settings. */
  create(Core: typeof ChatCore): ChatCore;
}

/**
 * The rest of the widget (`chat-core.ts`, a chunk of its own), loaded once: when wanted, when asked for (hover,
 * open, send), or else once the page has nothing better to do. A failed download is reported and tried again
 * at the next occasion.
 */
export class ChatLoaderController implements ReactiveController {
  /** The connection, the conversation and the panel, once loaded. */
  #core?: ChatCore;
  #loading?: Promise<ChatCore>;
  #idleCallback?: number;

  constructor(
    private readonly host: ReactiveControllerHost & EventTarget,
    private readonly options: ChatLoaderOptions,
  ) {
    host.addController(this);
  }

  get core(): ChatCore | undefined {
    return this.#core;
  }

  hostConnected() {
    // Nothing asked for the chat yet: it loads anyway once the page has nothing better to do.
    if (!this.#loading) this.#idleCallback = whenIdle(this.quietly);
  }

  hostDisconnected() {
    this.#cancelIdle();
  }

  hostUpdate() {
    if (!this.#loading && this.options.wanted()) this.quietly();
  }

  /** For loads nobody waits on: a failure is already reported by its error event. */
  readonly quietly = () => {
    this.load().catch(() => undefined);
  };

  /** The core, once; it takes over the element's current state as it arrives. */
  load(): Promise<ChatCore> {
    this.#loading ??= import('./chat-core.js').then(
      ({ ChatCore }) => {
        this.#cancelIdle();
        const core = this.options.create(ChatCore);
        this.#core = core;
        this.host.requestUpdate();
        return core;
      },
      (error: unknown) => {
        this.#loading = undefined;
        const failure = new Error(`support-chat could not load: ${String(error)}`);
        this.host.dispatchEvent(new SupportChatErrorEvent(failure));
        throw failure;
      },
    );
    return this.#loading;
  }

  #cancelIdle() {
    if (this.#idleCallback !== undefined) cancelIdle(this.#idleCallback);
    this.#idleCallback = undefined;
  }
}

const whenIdle = (callback: () => void): number =>
  typeof requestIdleCallback === 'function'
    ? requestIdleCallback(callback, { timeout: IDLE_LOAD_MS })
    : window.setTimeout(callback, IDLE_LOAD_MS);

const cancelIdle = (handle: number) => (typeof cancelIdleCallback === 'function' ? cancelIdleCallback(handle) : clearTimeout(handle));

/** The latest the rest of the widget loads when nothing asks for it sooner. */
const IDLE_LOAD_MS = 3000;
