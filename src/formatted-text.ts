import { noChange } from 'lit';
import { AsyncDirective, directive } from 'lit/async-directive.js';

type Renderer = typeof import('./sanitize.js');

/** The formatting chunk, fetched once the first formatted message is drawn; shared, as modules are. */
let renderer: Renderer | undefined;
let loading: Promise<Renderer> | undefined;

function loadRenderer(): Promise<Renderer> {
  loading ??= import('./sanitize.js').then(
    module => (renderer = module),
    (error: unknown) => {
      // The text stays plain; the next formatted message tries again (the chunk may come back online).
      loading = undefined;
      throw error;
    },
  );
  return loading;
}

let refused = false;

/**
 * The markdown as DOM, or its plain text where the page will not let it be drawn: a CSP whose
 * `trusted-types` list leaves out the `support-chat` policy. Said once, not once per message.
 */
function drawn(module: Renderer, source: string): DocumentFragment | string {
  // Each refused try would be one more violation report.
  if (refused) return source;
  try {
    return module.renderMarkdown(source);
  } catch (error) {
    if (!refused) console.warn(`support-chat: formatted messages show as plain text (${String(error)})`);
    refused = true;
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
    loadRenderer().then(
      () => this.#upgrade(),
      (error: unknown) => console.warn('support-chat: formatted messages show as plain text (the formatting code did not load)', error),
    );
    return source;
  }

  #upgrade() {
    if (!this.isConnected || this.#formatted || this.#source === undefined || !renderer) return;
    this.#formatted = true;
    this.setValue(drawn(renderer, this.#source));
  }

  /** A bubble taken out of the DOM while the chunk was on its way draws its markdown when it comes back. */
  protected override reconnected() {
    this.#upgrade();
  }
}

export const formattedText = directive(FormattedText);
