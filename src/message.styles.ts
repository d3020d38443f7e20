import { css } from 'lit';

/** The message list: bubbles, their states and an agent's formatted text. Adopted after the panel's. */
export const messageStyles = css`
  /*
   * A block, not a flex column: in a column the list is measured, then laid out again, on each render, and
   * a new message cost a layout of every message in the window (4 ms for 150, before it was in the DOM).
   */
  .log {
    flex: 1;
    padding: 16px;
    overflow-y: auto;
    overscroll-behavior: contain;
    /* The element keeps the reader's place itself, across window moves the browser cannot see coming. */
    overflow-anchor: none;
  }

  .log ol {
    display: flex;
    flex-direction: column;
    gap: 8px;
    margin: 0;
    padding: 0;
    list-style: none;
  }

  /* The one case the list is centred in the panel's height. */
  .log:has(> .empty) {
    display: flex;
    flex-direction: column;
  }

  .empty {
    margin: auto;
    color: var(--_muted);
    text-align: center;
  }

  .message {
    display: flex;
    flex-direction: column;
    max-width: 80%;
    align-self: flex-start;
  }

  /* A follow-up from the same sender: the name and picture are already above it. */
  .message.continues {
    margin-block-start: -4px;
  }

  .message.continues .name,
  .message.continues .avatar {
    display: none;
  }

  .day {
    align-self: center;
    padding: 2px 10px;
    border-radius: 10px;
    background: var(--_bubble);
    color: var(--_muted);
    font-size: 12px;
  }

  .message.mine {
    align-self: flex-end;
    align-items: flex-end;
  }

  .meta {
    display: flex;
    gap: 6px;
    padding-inline: 4px;
    color: var(--_muted);
    font-size: 12px;
  }

  .avatar {
    border-radius: 50%;
    object-fit: cover;
  }

  .pill {
    position: absolute;
    inset-block-end: 84px;
    inset-inline-start: 50%;
    z-index: 1;
    translate: -50%;
    padding: 6px 14px;
    border: none;
    border-radius: 16px;
    background: var(--_accent);
    color: var(--_accent-text);
    font-size: 13px;
    box-shadow: 0 2px 10px rgb(0 0 0 / 0.2);
  }

  :host(:dir(rtl)) .pill {
    translate: 50%;
  }

  .typing {
    margin: 0;
    padding: 0 16px 6px;
    color: var(--_muted);
    font-size: 13px;
    font-style: italic;
  }

  .composer-note {
    margin: 0;
    padding: 0 12px 10px;
    color: var(--_danger);
    font-size: 13px;
  }

  .text {
    margin: 2px 0 0;
    padding: 8px 12px;
    border-radius: var(--_radius);
    background: var(--_bubble);
    white-space: pre-wrap;
    overflow-wrap: anywhere;
  }

  .mine .text {
    background: var(--_accent);
    color: var(--_accent-text);
  }

  .mine .text a {
    color: inherit;
  }

  /* An agent's formatted message (sanitize.ts): markdown's blocks, spaced inside the bubble. */
  .formatted {
    white-space: normal;
  }

  .formatted :is(p, ul, ol, pre, blockquote) {
    margin: 0;
  }

  .formatted > * + *,
  .formatted li > * + * {
    margin-block-start: 6px;
  }

  /* After \`.log ol\`, which lays out the message list itself: these are the agent's own lists. */
  .formatted :is(ul, ol) {
    display: block;
    padding-inline-start: 20px;
    list-style: revert;
  }

  .formatted blockquote {
    padding-inline-start: 8px;
    border-inline-start: 3px solid color-mix(in srgb, currentColor 40%, transparent);
  }

  .formatted code {
    padding: 0 3px;
    border-radius: 4px;
    background: color-mix(in srgb, currentColor 10%, transparent);
    font-family: ui-monospace, monospace;
    font-size: 0.92em;
  }

  .formatted pre {
    padding: 6px 8px;
    border-radius: 6px;
    background: color-mix(in srgb, currentColor 10%, transparent);
    white-space: pre-wrap;
  }

  .formatted pre code {
    padding: 0;
    background: none;
  }

  .formatted a {
    color: inherit;
    text-decoration: underline;
  }

  .message[data-state='pending'] .text {
    opacity: 0.7;
  }

  .message[data-state='failed'] .text {
    outline: 2px solid var(--_danger);
  }

  .state {
    color: var(--_muted);
    font-size: 12px;
  }

  .message[data-state='failed'] .state {
    color: var(--_danger);
  }

  .retry {
    border: none;
    background: none;
    color: var(--_accent);
    font-size: 13px;
    font-weight: 600;
    text-decoration: underline;
  }
`;
