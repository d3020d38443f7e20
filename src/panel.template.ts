import { html, nothing, type TemplateResult } from 'lit';
import type { AttachInput } from './attach-input.js';
import type { SupportChatStrings } from './strings.js';
import type { ChatStatus } from './types.js';

/** The composer's text box: a rating's comment box may come before it in the panel. */
export const COMPOSER = 'form textarea';

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
  /** Words or an uploaded file, and no upload on its way. */
  sendable: boolean;
  files: AttachInput;
  /** The support workflow's parts, once its chunk is loaded: a line in the header, and what goes around the list. */
  flow?: { header(): unknown; around(list: TemplateResult): unknown };
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
  const { text, status, on, files } = view;
  const note = view.cannotSend ?? files.unsupported;
  return html`
    <section
      part="panel"
      class="panel"
      aria-label=${view.heading}
      .popover=${view.inline ? null : 'manual'}
      ?hidden=${!view.inline && !view.open}
      data-dropping=${files.dropping}
      @keydown=${on.panelKeydown}
      @dragover=${files.dragover}
      @dragleave=${files.dragleave}
      @drop=${files.drop}
    >
      <header part="header">
        <div class="title">
          <h2>${view.heading}</h2>
          ${view.counterpart} ${view.flow?.header()}
        </div>
        <span class="status" data-status=${status}>${text.status[status]}</span>
        ${view.inline ? nothing : html`<button class="close" aria-label=${text.close} @click=${on.close}>×</button>`}
      </header>
      ${view.notice ? html`<p class="notice" role="alert">${view.notice}</p>` : nothing}
      ${status === 'reconnecting' && !view.notice ? html`<p class="banner" role="status">${text.reconnecting}</p>` : nothing}
      ${view.newBelow ? html`<button class="pill" @click=${on.scrollToEnd}>${text.newMessages}</button>` : nothing}
      <div part="messages" class="log" role="log" aria-label=${view.heading} @scroll=${on.scroll}>
        ${view.flow?.around(view.list) ?? view.list}
      </div>
      ${view.typists.length > 0 ? html`<p class="typing" role="status">${text.typing(view.typists)}</p>` : nothing}
      ${files.tray?.render() ?? nothing}
      <span class="visually-hidden" aria-live="polite">${files.tray?.said}</span>
      <form part="composer" @submit=${on.submit}>
        ${
          files.unsupported
            ? nothing
            : html`<button type="button" class="attach" aria-label=${text.attach} @click=${files.pick}>
                  <svg viewBox="0 0 24 24" aria-hidden="true">
                    <path d="M16 6v10a4 4 0 0 1-8 0V5a2.5 2.5 0 0 1 5 0v10a1 1 0 0 1-2 0V6" />
                  </svg></button
                ><input type="file" multiple hidden @change=${files.picked} />`
        }
        <textarea
          rows="1"
          aria-label=${view.placeholder}
          placeholder=${view.placeholder}
          .value=${view.draft}
          @input=${on.input}
          @keydown=${on.composerKeydown}
          @paste=${files.drop}
        ></textarea>
        <button type="submit" ?disabled=${!view.sendable} aria-describedby=${note ? 'composer-note' : nothing}>${text.send}</button>
      </form>
      ${note ? html`<p id="composer-note" class="composer-note" role="status">${note}</p>` : nothing}
    </section>
  `;
}
