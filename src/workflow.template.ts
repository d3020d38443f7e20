import { html, nothing, type TemplateResult } from 'lit';
import type { FlowStrings } from './strings.js';

/**
 * The list with what goes around it: the way to earlier conversations above (unless `noPast`), the
 * conversation's resolution and the email question below.
 */
export function renderAround(
  text: FlowStrings,
  noPast: boolean,
  openPast: () => void,
  pastUnavailable: boolean,
  list: TemplateResult,
  resolution: unknown,
  contact: unknown,
) {
  return html`${noPast ? nothing : html`<button class="link past-open" @click=${openPast}>${text.past}</button>`}${
    pastUnavailable && !noPast ? html`<p class="error" role="alert">${text.pastUnavailable}</p>` : nothing
  }${list}${resolution}${contact}`;
}

/** Under the last of my messages the other side has read. */
export const renderSeen = (text: FlowStrings) => html`<span class="seen">${text.seen}</span>`;
