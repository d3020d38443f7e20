import { guard } from 'lit/directives/guard.js';
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

/** A message's text never changes: its markdown is parsed and sanitized once, and each bubble gets a copy. */
const made = new WeakMap<ChatMessage, DocumentFragment | string>();

/**
 * An agent's markdown, drawn by `sanitize.ts`. Until that chunk has arrived (or if it cannot), the message
 * shows as the plain text it is, through a text binding: never as raw HTML; `redraw` draws the list again
 * once it is here. A bubble keeps what it drew across renders (`guard`): a redraw asks nothing again, and only
 * a new bubble tries again after a failed load. One made again (scrolled out of the window and back) gets its
 * own copy of the DOM, so no node is shared between two, and none holds on to a bubble gone.
 */
export const formattedText = (message: ChatMessage, redraw: () => void) =>
  guard([message, renderer], () => {
    if (!renderer) {
      waiting.add(redraw);
      loadRenderer();
      return message.text;
    }
    let shown = made.get(message);
    if (shown === undefined) made.set(message, (shown = drawn(renderer, message.text)));
    return typeof shown === 'string' ? shown : shown.cloneNode(true);
  });
