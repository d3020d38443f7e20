import createDOMPurify, { type Config } from 'dompurify';
import { Marked, type Tokens } from 'marked';

/**
 * The single place that turns markup into DOM: an agent's markdown → HTML (raw HTML shown as text, no
 * images) → DOMPurify with an allow-list, signing with the `support-chat` policy → an inert template.
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

/** The Trusted Types policy name: a page whose CSP lists `trusted-types` must name it for formatted messages. */
export const POLICY_NAME = 'support-chat';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const escapeHtml = (text: string) => text.replace(/[&<>"']/g, c => ESCAPES[c]);
/** Like marked's own text escaping: markup characters, and an `&` that does not start an entity. */
const escapeText = (text: string) => text.replace(/[<>"']|&(?!#\d{1,7};|#[Xx][\dA-Fa-f]{1,6};|\w+;)/g, c => ESCAPES[c]);

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
    // No images from markdown (nothing loads from a message): a link to it, named by its alt text, which
    // marked hands over with the writer's entities still in it (`&lt;` shows as `<`, not as `&lt;`).
    image({ href, tokens }) {
      const alt = this.parser.parseInline(tokens, this.parser.textRenderer);
      return `<a href="${escapeHtml(href)}">${alt ? escapeText(alt) : escapeHtml(href)}</a>`;
    },
    // An image inside a link is its alt text: a link to the image there would be a link inside a link,
    // which the HTML parser splits, leaving the outer link empty.
    link(token) {
      if (!token.tokens.some(child => child.type === 'image')) return false;
      const tokens = token.tokens.flatMap(child => (child.type === 'image' ? (child as Tokens.Image).tokens : [child]));
      return this.link({ ...token, tokens });
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

type Policy = NonNullable<Config['TRUSTED_TYPES_POLICY']>;

interface PolicyFactory {
  createPolicy(name: string, rules: { createHTML(html: string): string; createScriptURL(url: string): string }): Policy;
}

/** The page's CSP would not let the `support-chat` policy be made: every formatted message shows as text. */
export class PolicyRefusedError extends Error {
  override name = 'PolicyRefusedError';
}

/** Made on first use, and never again: under a CSP that lists names, a second policy of a name is refused. */
let policy: Policy | null | undefined;

/**
 * The `support-chat` Trusted Types policy, or null where the browser has no Trusted Types. It is DOMPurify's
 * policy (so the page needs no `dompurify` name, and a page that made its own `dompurify` policy first
 * takes nothing from us): DOMPurify parses the raw markup with it in an inert document and signs its
 * sanitized output with it. The policy object never leaves this module, so nothing but that pipeline can
 * make HTML with it; it makes no script URLs at all.
 */
function trustedTypesPolicy(): Policy | null {
  if (policy !== undefined) return policy;
  const factory = (window as { trustedTypes?: PolicyFactory }).trustedTypes;
  if (!factory) return (policy = null);
  try {
    policy = factory.createPolicy(POLICY_NAME, {
      createHTML: html => html,
      createScriptURL: () => {
        throw new TypeError('support-chat: a formatted message makes no script URL');
      },
    });
  } catch (error) {
    throw new PolicyRefusedError(`the page's Content Security Policy refuses the ${POLICY_NAME} Trusted Types policy`, {
      cause: error,
    });
  }
  return policy;
}

/**
 * Deeper than this, marked's recursive parser can run out of stack (a quote 3,000 levels deep, a list
 * 1,300): such a message shows as its text. No answer a person writes comes near it.
 */
const MAX_NESTING = 50;
/** What a line may start with when it opens quotes and lists: markers, numbers and the space between them. */
const CONTAINER_PREFIX = /^[ \t>*+\-.)\d]*/;
const CONTAINER_MARKER = />|(?:[*+-]|\d{1,9}[.)])(?=[ \t]|$)/g;

/**
 * How deep the quotes and lists of the deepest line go, counted generously: each marker is a level, and
 * so is every second space of indentation (a nested list item is indented by at least two).
 */
function nesting(source: string): number {
  let deepest = 0;
  for (const line of source.split('\n')) {
    const prefix = CONTAINER_PREFIX.exec(line)?.[0] ?? '';
    const markers = prefix.match(CONTAINER_MARKER)?.length ?? 0;
    const indent = prefix.length - prefix.replace(/[ \t]/g, '').length;
    deepest = Math.max(deepest, markers + Math.floor(indent / 2));
  }
  return deepest;
}

/**
 * An agent's markdown as DOM to insert, parsed in an inert template, so nothing in it loads or runs there;
 * or undefined when it should show as the plain text it is: nested too deep to parse safely, or nothing
 * left of a message that had words. Throws `PolicyRefusedError` where the page refuses our policy.
 */
export function renderMarkdown(source: string): DocumentFragment | undefined {
  const signer = trustedTypesPolicy();
  if (nesting(source) > MAX_NESTING) return undefined;
  const safe = sanitizer().sanitize(markdown.parse(source) as string, {
    ALLOWED_TAGS,
    ALLOWED_ATTR,
    ALLOWED_URI_REGEXP,
    ADD_URI_SAFE_ATTR,
    ALLOW_DATA_ATTR: false,
    ALLOW_ARIA_ATTR: false,
    // Null where there are no Trusted Types: DOMPurify then tries no policy of its own either.
    TRUSTED_TYPES_POLICY: signer,
    RETURN_TRUSTED_TYPE: true,
  });
  const template = document.createElement('template');
  // TrustedHTML from our policy where the browser has Trusted Types; TS types the sink as taking a string.
  template.innerHTML = safe as unknown as string;
  tidy(template.content);
  const blank = (template.content.textContent ?? '').trim() === '';
  return blank && source.trim() !== '' ? undefined : template.content;
}

const BLOCKS = new Set(['P', 'UL', 'OL', 'LI', 'PRE', 'BLOCKQUOTE']);

/**
 * Three things the sanitized HTML says that a person should not see: an `<a>` left without an address (a
 * link that may not be opened) is only its text, a link with no text is dropped (a screen reader would
 * announce an empty link), and the newline marked ends each block with is layout, not text the agent wrote.
 */
function tidy(root: DocumentFragment) {
  for (const link of root.querySelectorAll('a:not([href])')) link.replaceWith(...link.childNodes);
  for (const link of root.querySelectorAll('a')) if ((link.textContent ?? '').trim() === '') link.remove();
  const walker = root.ownerDocument.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  const layout: Text[] = [];
  for (let node = walker.nextNode() as Text | null; node; node = walker.nextNode() as Text | null) {
    const nextToBlock = BLOCKS.has(node.previousSibling?.nodeName ?? '') || BLOCKS.has(node.nextSibling?.nodeName ?? '');
    if (nextToBlock && node.data.trim() === '' && !node.parentElement?.closest('pre')) layout.push(node);
  }
  for (const node of layout) node.remove();
}
