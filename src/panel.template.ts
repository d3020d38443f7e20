import { html, nothing, type TemplateResult } from 'lit';
import type { SupportChatStrings } from './strings.js';
import type { ChatStatus } from './types.js';

/** Everything the panel shows, and what its controls do: the panel itself holds no state. */
export interface PanelView {
  text: SupportChatStrings;
  heading: string;
  placeholder: string;
  inline: boolean;
  open: boolean;
  status: ChatStatus;
  /** What failed, in the banner. */
  notice?: string;
  newBelow: boolean;
  /** Names of the others typing now. */
  typists: string[];
  draft: string;
  /** Why sending rests now, under the text box. */
  cannotSend?: string;
  counterpart: TemplateResult | typeof nothing;
  list: TemplateResult;
  on: {
    panelKeydown: (event: KeyboardEvent) => void;
    close: () => void;
    scroll: () => void;
    scrollToEnd: () => void;
    input: (event: InputEvent) => void;
    composerKeydown: (event: KeyboardEvent) => void;
    submit: (event: SubmitEvent) => void;
  };
}

/** The chat panel: header, banners, the message list, who is typing, and the composer. */
export function renderPanel(view: PanelView) {
  const { text, status, on } = view;
  return html`
    <section
      part="panel"
      class="panel"
      aria-label=${view.heading}
      .popover=${view.inline ? null : 'manual'}
      ?hidden=${!view.inline && !view.open}
      @keydown=${on.panelKeydown}
    >
      <header part="header">
        <div class="title">
          <h2>${view.heading}</h2>
          ${view.counterpart}
        </div>
        <span class="status" data-status=${status}>${text.status[status]}</span>
        ${view.inline ? nothing : html`<button class="close" aria-label=${text.close} @click=${on.close}>×</button>`}
      </header>
      ${view.notice ? html`<p class="notice" role="alert">${view.notice}</p>` : nothing}
      ${status === 'reconnecting' && !view.notice ? html`<p class="banner" role="status">${text.reconnecting}</p>` : nothing}
      ${view.newBelow ? html`<button class="pill" @click=${on.scrollToEnd}>${text.newMessages}</button>` : nothing}
      <div part="messages" class="log" role="log" aria-label=${view.heading} @scroll=${on.scroll}>${view.list}</div>
      ${view.typists.length > 0 ? html`<p class="typing" role="status">${text.typing(view.typists)}</p>` : nothing}
      <form part="composer" @submit=${on.submit}>
        <textarea
          rows="1"
          aria-label=${view.placeholder}
          placeholder=${view.placeholder}
          .value=${view.draft}
          @input=${on.input}
          @keydown=${on.composerKeydown}
        ></textarea>
        <button
          type="submit"
          ?disabled=${!view.draft.trim() || !!view.cannotSend}
          aria-describedby=${view.cannotSend ? 'composer-note' : nothing}
        >
          ${text.send}
        </button>
      </form>
      ${view.cannotSend ? html`<p id="composer-note" class="composer-note" role="status">${view.cannotSend}</p>` : nothing}
    </section>
  `;
}
