import { html, nothing } from 'lit';
import type { PastConversation } from './flow-protocol.js';
import type { FlowStrings } from './strings.js';

/** The list as it shows: its rows once they came, or what failed. */
export interface PastList {
  items?: PastConversation[];
  error?: string;
}

/** The visitor's earlier conversations, in place of the conversation: the one shown now is marked current. */
export function renderPast(
  list: PastList,
  text: FlowStrings,
  locale: string,
  group: string | undefined,
  on: { close(): void; pick(group: string): void },
) {
  const when = new Intl.DateTimeFormat(locale || undefined, { dateStyle: 'medium', timeStyle: 'short' });
  return html`<section class="past" aria-labelledby="past-heading">
    <button class="link" @click=${on.close}>${text.backToChat}</button>
    <h3 id="past-heading">${text.past}</h3>
    ${list.error ? html`<p class="error" role="alert">${list.error}</p>` : nothing}
    ${list.items?.length === 0 ? html`<p>${text.noPast}</p>` : nothing}
    <ul>
      ${(list.items ?? []).map(
        item =>
          html`<li>
            <button aria-current=${item.groupId === group ? 'true' : 'false'} @click=${() => on.pick(item.groupId)}>
              ${text.pastItem(item.createdAt ? when.format(item.createdAt) : '', item.resolved, item.lastMessage)}
            </button>
          </li>`,
      )}
    </ul>
  </section>`;
}
