import createDOMPurify from 'dompurify';
import { Marked } from 'marked';

/**
 * The single place that turns markup into DOM: an agent's markdown → HTML (raw HTML shown as text, no
 * images) → DOMPurify with an allow-list → TrustedHTML from the `support-chat` policy → an inert template.
 * It is a chunk of its own, loaded by `formatted-text.ts` when the first formatted message arrives.
 */

/** What a formatted message may contain: structure and links, nothing that loads, runs or styles. */
const ALLOWED_TAGS = ['p', 'br', 'strong', 'em', 'code', 'pre', 'ul', 'ol', 'li', 'blockquote', 'a', 'bdi'];
const ALLOWED_ATTR = ['href', 'start'];
/** DOMPurify holds every attribute not named here to the link pattern below: a list's start number is no link. */
const ADD_URI_SAFE_ATTR = ['start'];
/** DOMPurify matches this after stripping whitespace and control characters; `isAllowedLink` checks again. */
const ALLOWED_URI_REGEXP = /^(?:https?|mailto|tel):/i;
const LINK_SCHEMES = new Set(['https:', 'http:', 'mailto:', 'tel:']);

/** The Trusted Types policy name: a page whose CSP lists `trusted-types` must name it (and `dompurify`). */
export const POLICY_NAME = 'support-chat';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const escapeHtml = (text: string) => text.replace(/[&<>"']/g, c => ESCAPES[c]);

/** Whether a link may be opened: absolute https, http, mailto or tel, as the browser itself parses it. */
export function isAllowedLink(href: string): boolean {
  try {
    return LINK_SCHEMES.has(new URL(href).protocol);
  } catch {
    return false;
  }
}

const markdown = new Marked({
  async: false,
  gfm: true,
  // A chat message's line breaks are the writer's: one newline is one line break.
  breaks: true,
  renderer: {
    // Raw HTML is text, whatever it is: the person sees what the agent typed.
    html({ text, block }) {
      return block ? `<p>${escapeHtml(text.trim()).replace(/\n/g, '<br>')}</p>` : escapeHtml(text);
    },
    // No images from markdown (nothing loads from a message): a link to it, named by its alt text.
    image({ href, text }) {
      return `<a href="${escapeHtml(href)}">${escapeHtml(text || href)}</a>`;
    },
    // A chat bubble has no document outline: a heading is a paragraph in bold.
    heading({ tokens }) {
      return `<p><strong>${this.parser.parseInline(tokens)}</strong></p>`;
    },
    // Too wide for a bubble, and cells would run together as text: a table shows as it was typed.
    table({ raw }) {
      return `<p>${escapeHtml(raw.trim()).replace(/\n/g, '<br>')}</p>`;
    },
    // A task list's box as the characters that were typed, not a form control.
    checkbox({ checked }) {
      return checked ? '[x] ' : '[ ] ';
    },
  },
});

let purify: ReturnType<typeof createDOMPurify> | undefined;

/**
 * Our own DOMPurify instance, so its hook never touches a copy the host page uses. Links get a new tab,
 * `rel`, and their text in a `<bdi>`, so a right-to-left override inside stays inside.
 */
function sanitizer() {
  if (purify) return purify;
  const instance = createDOMPurify(window);
  instance.addHook('afterSanitizeAttributes', node => {
    if (node.nodeName !== 'A') return;
    const href = node.getAttribute('href');
    for (const name of node.getAttributeNames()) node.removeAttribute(name);
    // A link that may not be opened is left without href here, and unwrapped to its text by `tidy`.
    if (!href || !isAllowedLink(href)) return;
    node.setAttribute('href', href);
    node.setAttribute('target', '_blank');
    node.setAttribute('rel', 'noopener noreferrer nofollow');
    const isolated = node.ownerDocument.createElement('bdi');
    isolated.append(...node.childNodes);
    node.append(isolated);
  });
  return (purify = instance);
}

/** Markdown → sanitized HTML, as a string. */
export function sanitizeMarkdown(source: string): string {
  return sanitizer().sanitize(markdown.parse(source) as string, {
    ALLOWED_TAGS,
    ALLOWED_ATTR,
    ALLOWED_URI_REGEXP,
    ADD_URI_SAFE_ATTR,
    ALLOW_DATA_ATTR: false,
    ALLOW_ARIA_ATTR: false,
  });
}

/** A TrustedHTML where the browser has Trusted Types, else the sanitized string; TS's DOM types know neither. */
type SafeHtml = object | string;

interface HtmlPolicy {
  createHTML(source: string): SafeHtml;
}

interface PolicyFactory {
  createPolicy(name: string, rules: { createHTML(source: string): string }): HtmlPolicy;
}

let policy: HtmlPolicy | undefined;

/**
 * One policy for the whole page: Trusted Types refuses a second policy of the same name under a CSP that
 * lists names without 'allow-duplicates'. Its only way to make HTML is the sanitizing pipeline above.
 * Without Trusted Types (other browsers) the sanitized string goes to the same sink.
 */
function htmlPolicy(): HtmlPolicy {
  const factory = (window as { trustedTypes?: PolicyFactory }).trustedTypes;
  policy ??= factory?.createPolicy(POLICY_NAME, { createHTML: sanitizeMarkdown }) ?? { createHTML: sanitizeMarkdown };
  return policy;
}

/** An agent's markdown as DOM to insert: parsed in an inert template, so nothing in it loads or runs there. */
export function renderMarkdown(source: string): DocumentFragment {
  const template = document.createElement('template');
  // The sink takes TrustedHTML, which TS types as string.
  template.innerHTML = htmlPolicy().createHTML(source) as string;
  tidy(template.content);
  return template.content;
}

const BLOCKS = new Set(['P', 'UL', 'OL', 'LI', 'PRE', 'BLOCKQUOTE']);

/**
 * Two things the sanitized HTML says that a person should not see: an `<a>` left without an address (a
 * link that may not be opened) is only its text, and the newline marked ends each block with is layout,
 * not text the agent wrote.
 */
function tidy(root: DocumentFragment) {
  for (const link of root.querySelectorAll('a:not([href])')) link.replaceWith(...link.childNodes);
  const walker = root.ownerDocument.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  const layout: Text[] = [];
  for (let node = walker.nextNode() as Text | null; node; node = walker.nextNode() as Text | null) {
    const nextToBlock = BLOCKS.has(node.previousSibling?.nodeName ?? '') || BLOCKS.has(node.nextSibling?.nodeName ?? '');
    if (nextToBlock && node.data.trim() === '' && !node.parentElement?.closest('pre')) layout.push(node);
  }
  for (const node of layout) node.remove();
}
