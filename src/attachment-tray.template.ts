import { html, nothing } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import { fileSize } from './attachment-list.js';
import type { Chip } from './file-chip.js';
import type { FileStrings } from './strings.js';

/** The files for the next message, each a chip with its thumbnail, size, progress or refusal, and a remove button. */
export function renderChips(chips: readonly Chip[], text: FileStrings, locale: string, remove: (chip: Chip, event: Event) => void) {
  return html`<ul class="chips" aria-label=${text.attachments}>
    ${repeat(
      chips,
      chip => chip.key,
      chip =>
        html`<li class="chip" data-state=${chip.error ? 'refused' : chip.record ? 'done' : 'uploading'}>
          ${chip.preview ? html`<img src=${chip.preview} alt="" width="32" height="32" />` : html`<svg class="icon" viewBox="0 0 24 24" aria-hidden="true"><path d="M6 2h9l5 5v15H6zM14 2v6h6" /></svg>`}
          <span class="about"
            ><bdi class="file">${chip.file.name}</bdi>
            <span class="size">${fileSize(chip.file.size, locale)}</span>
            ${chip.error ? html`<span class="refused">${chip.error}</span>` : nothing}
            ${
              !chip.error && !chip.record
                ? html`<progress max="1" .value=${chip.progress} aria-label=${text.uploading(chip.file.name)}></progress>`
                : nothing
            }</span
          >
          <button
            type="button"
            class="remove"
            aria-label=${text.removeFile(chip.file.name)}
            @click=${(event: Event) => remove(chip, event)}
          >
            ×
          </button>
        </li>`,
    )}
  </ul>`;
}
