import type { ReactiveController, ReactiveControllerHost } from 'lit';

/** Below this width the open panel takes the whole screen. */
export const FULL_SCREEN_QUERY = '(max-width: 480px)';

/**
 * On a small screen the open panel fills the visible viewport: its height follows `visualViewport`, so
 * the on-screen keyboard never hides the last message, and the page behind stops scrolling while it is
 * open. The page's own overflow setting is put back exactly as it was on close or removal.
 */
export class SmallScreenController implements ReactiveController {
  #lockedOverflow?: string;
  #active = false;
  /** Made once: the element updates on every message, and the query's answer is read live from it. */
  #smallScreen?: MediaQueryList;

  readonly #onViewport = () => this.#fit();

  constructor(
    private readonly host: ReactiveControllerHost & HTMLElement,
    private readonly isOpen: () => boolean,
  ) {
    host.addController(this);
  }

  hostConnected() {
    this.#smallScreen ??= matchMedia(FULL_SCREEN_QUERY);
  }

  hostUpdated() {
    const active = this.isOpen() && this.#smallScreen?.matches === true;
    if (active === this.#active) return;
    this.#active = active;
    if (active) this.#enter();
    else this.#leave();
  }

  hostDisconnected() {
    if (this.#active) this.#leave();
    this.#active = false;
  }

  #enter() {
    const root = document.documentElement;
    this.#lockedOverflow = root.style.overflow;
    root.style.overflow = 'hidden';
    visualViewport?.addEventListener('resize', this.#onViewport);
    visualViewport?.addEventListener('scroll', this.#onViewport);
    this.#fit();
  }

  #leave() {
    document.documentElement.style.overflow = this.#lockedOverflow ?? '';
    this.#lockedOverflow = undefined;
    visualViewport?.removeEventListener('resize', this.#onViewport);
    visualViewport?.removeEventListener('scroll', this.#onViewport);
    this.host.style.removeProperty('--_viewport-height');
    this.host.style.removeProperty('--_viewport-top');
  }

  /** CSSOM custom properties, which a strict style-src allows (unlike style attributes). */
  #fit() {
    const viewport = visualViewport;
    if (!viewport) return;
    this.host.style.setProperty('--_viewport-height', `${viewport.height}px`);
    this.host.style.setProperty('--_viewport-top', `${viewport.offsetTop}px`);
  }
}
