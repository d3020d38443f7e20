import { css, html } from 'lit';
import { isWebUrl } from './linkify.js';
import type { Attachment } from './types.js';

// The files in a message: in the attachments chunk with the chips (`attachment-tray.ts`), loaded with the
// first message that has files or the first file picked, so conversations without files never download it.

/** The types a browser draws as a picture: shown as a thumbnail; anything else is a link with name and size. */
const PICTURE = /^image\/(png|jpeg|gif|webp)$/;

/**
 * A message's files. Their signed URLs open without a token, so a picture is an `<img>` in a fixed box (the
 * list does not jump when it decodes) that opens full size in a new tab.
 */
export function renderFiles(files: readonly Attachment[], base: string | undefined, locale: string) {
  return html`<ul class="files">
    ${files.map(file => {
      const href = fileUrl(file, base);
      const about = html`<bdi>${file.name}</bdi> <span class="size">${fileSize(file.size, locale)}</span>`;
      if (!href) return html`<li>${about}</li>`;
      return html`<li>
        <a href=${href} target="_blank" rel="noopener noreferrer"
          >${PICTURE.test(file.contentType) ? html`<img src=${href} alt=${file.name} width="160" height="120" loading="lazy" />` : about}</a
        >
      </li>`;
    })}
  </ul>`;
}

/** The files already warned about: a message is drawn again and again, the warning is worth once. */
const warned = new WeakSet<Attachment>();

/**
 * A file URL (often a path on the API's origin) made absolute; only http(s) on the API's own origin, where
 * the server signs its files: a record pointing elsewhere would make the widget fetch, or link to, whatever
 * another site serves under the file's name. Those are shown by name only, with a warning for the page.
 */
function fileUrl(file: Attachment, base: string | undefined): string | undefined {
  try {
    const api = new URL(base ?? '', document.baseURI);
    const absolute = new URL(file.url, api);
    if (absolute.origin === api.origin && isWebUrl(absolute.href)) return absolute.href;
  } catch {
    // Not a URL at all: as one from another origin.
  }
  if (!warned.has(file)) {
    warned.add(file);
    console.warn(`support-chat: a file's URL is not on the API's origin; shown without a link`, file.url);
  }
  return undefined;
}

/** "2.4 MB": a file's size, in the largest unit that keeps it at 1 or more. */
export function fileSize(bytes: number, locale: string | undefined): string {
  const power = Math.min(2, Math.floor(Math.log(Math.max(bytes, 1)) / Math.log(1024)));
  const unit = ['byte', 'kilobyte', 'megabyte'][power];
  return new Intl.NumberFormat(locale || undefined, { style: 'unit', unit, maximumFractionDigits: 1 }).format(bytes / 1024 ** power);
}

export const listStyles = css`
  .files {
    display: flex;
    flex-wrap: wrap;
    gap: 4px;
    margin: 4px 0 0;
    padding: 0;
    list-style: none;
  }

  .files img {
    display: block;
    box-sizing: border-box;
    width: 160px;
    height: 120px;
    object-fit: cover;
    border: 1px solid color-mix(in srgb, var(--_text) 15%, transparent);
    border-radius: 8px;
    background: var(--_bubble);
  }
`;
