import { html, nothing } from 'lit';
import { guard } from 'lit/directives/guard.js';
import { repeat } from 'lit/directives/repeat.js';
import { layoutConversation } from './conversation-layout.js';
import { formattedText } from './formatted-text.js';
import { timeFormat } from './formatters.js';
import { isWebUrl, linkify, type TextPart } from './linkify.js';
import type { SupportChatStrings } from './strings.js';
import type { Attachment, ChatMessage } from './types.js';

export interface ListView {
  messages: readonly ChatMessage[];
  /** The window of the conversation in the DOM: [start, end). */
  range: [number, number];
  /** The element's language, else the page's; empty for the browser's own. */
  locale: string;
  /** My user id, once known. */
  me: number | undefined;
  /** A message's files. */
  files?: (files: readonly Attachment[]) => unknown;
  text: SupportChatStrings;
  /** What the support workflow adds under a message ("Seen"). */
  mark?: (message: ChatMessage) => unknown;
  retry: (message: ChatMessage) => void;
  /** Draws the list again: a formatted message's code has arrived. */
  redraw: () => void;
}

/** The window of the conversation that is in the DOM, with day separators and sender groups. */
export function renderList(view: ListView) {
  const { messages, range } = view;
  if (messages.length === 0) return html`<p class="empty">${view.text.empty}</p>`;
  return html`<ol>
    ${repeat(
      layoutConversation(messages, view.locale || undefined, { start: range[0], end: range[1] }),
      item => item.key,
      item =>
        item.kind === 'day' ? html`<li class="day"><span>${item.label}</span></li>` : renderMessage(view, item.message, item.continues),
    )}
  </ol>`;
}

/** Who is answering: the sender of the latest message that is not mine, with their picture when safe. */
export function renderCounterpart(messages: readonly ChatMessage[], me: number | undefined) {
  let them: ChatMessage | undefined;
  for (let i = messages.length - 1; i >= 0 && !them; i--) if (messages[i].userId !== me) them = messages[i];
  if (!them) return nothing;
  return html`<p class="who">
    ${isWebUrl(them.avatarUrl) ? html`<img class="avatar" src=${them.avatarUrl} alt="" width="18" height="18" referrerpolicy="no-referrer" />` : nothing}
    <bdi>${them.name}</bdi>
  </p>`;
}

function renderMessage(view: ListView, message: ChatMessage, continues: boolean) {
  const text = view.text;
  // A message without a server copy is one of mine on its way, whatever id it was shown with at Enter.
  const mine = message.id === undefined || message.userId === view.me;
  return html`
    <li
      part="message"
      class="message ${mine ? 'mine' : 'theirs'} ${continues ? 'continues' : ''}"
      data-state=${message.state}
      data-id=${message.id ?? nothing}
      data-key=${message.key}
    >
      ${
        // Messages are replaced, never changed: one drawn already is skipped, not drawn again on each render
        // (a render then costs little more than the new message). Not an agent's formatted text: it draws
        // again when the formatting code arrives.
        message.format === 'markdown'
          ? renderHead(view, message, mine)
          : guard([message, mine, text.you, view.locale], () => renderHead(view, message, mine))
      }
      ${message.attachments?.length ? view.files?.(message.attachments) : nothing}
      ${message.state === 'pending' ? html`<span class="state">${text.sending}</span>` : nothing}
      ${
        message.state === 'failed'
          ? html`<span class="state">${text.failed}${message.error ? `: ${message.error}` : ''}</span>
              <button class="retry" @click=${() => view.retry(message)}>${text.retry}</button>`
          : nothing
      }
      ${view.mark?.(message)}
    </li>
  `;
}

/** Who sent it and when, and what it says. */
function renderHead(view: ListView, message: ChatMessage, mine: boolean) {
  return html`<span class="meta">
      ${
        !mine && isWebUrl(message.avatarUrl)
          ? html`<img part="avatar" class="avatar" src=${message.avatarUrl} alt="" width="20" height="20" referrerpolicy="no-referrer" />`
          : nothing
      }
      <bdi class="name">${mine ? view.text.you : message.name}</bdi>
      ${
        message.createdAt
          ? html`<time datetime=${message.createdAt.toISOString()}>${timeFormat(view.locale).format(message.createdAt)}</time>`
          : nothing
      }
    </span>
    ${renderBody(view, message)}`;
}

/**
 * An agent's markdown through `sanitize.ts`; everything else as plain text. Only the server's copy says
 * `markdown`, and the server takes it from agents only, so a visitor's own messages are always text; an
 * agent's console shows the agent's own answers as the visitor sees them.
 */
function renderBody(view: ListView, message: ChatMessage) {
  // A message of files alone has no empty paragraph above them.
  if (!message.text) return nothing;
  return message.format === 'markdown'
    ? html`<div class="text formatted">${formattedText(message, view.redraw)}</div>`
    : html`<p class="text">${renderText(message)}</p>`;
}

/** Plain text through Lit's text bindings, which escape; http(s) addresses as links, nothing else. */
function renderText(message: ChatMessage) {
  return textParts(message).map(part =>
    part.href ? html`<a href=${part.href} target="_blank" rel="noopener noreferrer">${part.text}</a>` : part.text,
  );
}

/** Message texts never change, so their split into links is worked out once. */
const partsCache = new WeakMap<ChatMessage, TextPart[]>();
function textParts(message: ChatMessage): TextPart[] {
  let parts = partsCache.get(message);
  if (!parts) partsCache.set(message, (parts = linkify(message.text)));
  return parts;
}
