import type { ChatMessage } from './types.js';

type Renderer = typeof import('./sanitize.js');

/** The formatting chunk, fetched once the first formatted message is drawn; shared, as modules are. */
let renderer: Renderer | undefined;
let loading: Promise<void> | undefined;
/** The lists showing a formatted message as its text until the chunk arrives: each draws again when a load succeeds. */
const waiting = new Set<() => void>();
let loadWarned = false;

function loadRenderer() {
  loading ??= import('./sanitize.js').then(
    module => {
      renderer = module;
      for (const redraw of waiting) redraw();
      waiting.clear();
    },
    (error: unknown) => {
      // The text stays plain; the next formatted message tries again (the chunk may come back online), and
      // a success then draws every list still waiting. Said once, not once per message.
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
function drawn(module: Renderer, source: string): Node[] | string {
  // Each refused try would be one more violation report.
  if (refused) return source;
  try {
    const fragment = module.renderMarkdown(source);
    return fragment ? [...fragment.childNodes] : source;
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
 * A message's text never changes, so its DOM is made once: a bubble drawn again (scrolled out of the window
 * and back) gets the same nodes, moved.
 */
const made = new WeakMap<ChatMessage, Node[] | string>();

/**
 * An agent's markdown, drawn by `sanitize.ts`. Until that chunk has arrived (or if it cannot), the message
 * shows as the plain text it is, through a text binding: never as raw HTML; `redraw` draws the list again
 * once it is here.
 */
export function formattedText(message: ChatMessage, redraw: () => void): Node[] | string {
  let shown = made.get(message);
  if (shown !== undefined) return shown;
  if (!renderer) {
    waiting.add(redraw);
    loadRenderer();
    return message.text;
  }
  made.set(message, (shown = drawn(renderer, message.text)));
  return shown;
}
