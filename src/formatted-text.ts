import { noChange } from 'lit';
import { AsyncDirective, directive } from 'lit/async-directive.js';

type Renderer = typeof import('./sanitize.js');

/** The formatting chunk, fetched once the first formatted message is drawn; shared, as modules are. */
let renderer: Renderer | undefined;
let loading: Promise<void> | undefined;
/** Bubbles in the DOM showing their text until the chunk arrives: all are drawn when any load succeeds. */
const waiting = new Set<FormattedText>();
let loadWarned = false;

function loadRenderer() {
  loading ??= import('./sanitize.js').then(
    module => {
      renderer = module;
      for (const bubble of waiting) bubble.upgrade();
    },
    (error: unknown) => {
      // The text stays plain; the next formatted message tries again (the chunk may come back online), and
      // a success then draws every bubble still waiting. Said once, not once per message.
      loading = undefined;
      if (!loadWarned) console.warn('support-chat: formatted messages show as plain text until the formatting code loads', error);
      loadWarned = true;
    },
  );
}

let refused = false;

/**
 * The markdown as DOM, or its plain text: for the whole page where it will not let it be drawn (a CSP
 * whose `trusted-types` list leaves out the `support-chat` policy; said once, not once per message), and
 * for one message the renderer declines or fails on.
 */
function drawn(module: Renderer, source: string): DocumentFragment | string {
  // Each refused try would be one more violation report.
  if (refused) return source;
  try {
    return module.renderMarkdown(source) ?? source;
  } catch (error) {
    if (error instanceof module.PolicyRefusedError) {
      refused = true;
      console.warn(`support-chat: formatted messages show as plain text (${error.message})`);
    } else {
      console.warn('support-chat: a formatted message shows as plain text', error);
    }
    return source;
  }
}

/**
 * An agent's markdown, drawn by `sanitize.ts`. Until that chunk has arrived (or if it cannot), the message
 * shows as the plain text it is, through a text binding: never as raw HTML. A message's text never changes,
 * so the DOM is made once per bubble and left alone by later renders.
 */
class FormattedText extends AsyncDirective {
  #source?: string;
  #formatted = false;

  render(source: string) {
    if (source === this.#source && (this.#formatted || !renderer)) return noChange;
    this.#source = source;
    this.#formatted = renderer !== undefined;
    if (renderer) return drawn(renderer, source);
    waiting.add(this);
    loadRenderer();
    return source;
  }

  /** Draws the markdown once the chunk is here, if this bubble is in the DOM and still shows its text. */
  upgrade() {
    if (!this.isConnected || this.#formatted || this.#source === undefined || !renderer) return;
    waiting.delete(this);
    this.#formatted = true;
    this.setValue(drawn(renderer, this.#source));
  }

  /** A bubble out of the DOM is not held on to; one that comes back draws its markdown if the chunk is here. */
  protected override disconnected() {
    waiting.delete(this);
  }

  protected override reconnected() {
    if (this.#formatted || this.#source === undefined) return;
    if (renderer) this.upgrade();
    else waiting.add(this);
  }
}

export const formattedText = directive(FormattedText);
