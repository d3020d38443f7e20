import { css, html, nothing } from 'lit';
import { fileSize, listStyles } from './attachment-list.js';
import { parseAttachment } from './hub-protocol.js';
import type { FileStrings, SupportChatStrings } from './strings.js';
import type { TokenSource } from './token-source.js';
import type { Attachment } from './types.js';

/** Where the conversation's files are uploaded (`POST {apiUrl}/chats/{groupId}/files`), and as whom. */
export interface UploadTarget {
  readonly url: URL;
  readonly tokens: Pick<TokenSource, 'current' | 'fresh'>;
}

export type TrayStrings = SupportChatStrings & FileStrings;

/** The chips' texts; a page's `strings` override them as any other (this chunk carries their defaults). */
export const fileStrings: FileStrings = {
  attachments: 'Files to send',
  uploading: name => `Uploading ${name}`,
  removeFile: name => `Remove ${name}`,
  fileUploaded: name => `${name} is ready to send.`,
  fileRemoved: name => `${name} removed.`,
  fileRefused: (name, reason) => `${name} was not accepted: ${reason}`,
  fileTooBig: 'The file is larger than this chat takes (10 MB unless the server says otherwise).',
  fileType: 'This kind of file is not allowed: send a picture (PNG, JPEG, GIF, WebP), a PDF or a text file.',
  tooManyFiles: max => `A message can carry at most ${max} files.`,
  fileRateLimited: seconds => `Too many files at once. Try again in ${seconds} s.`,
  fileNetwork: 'The file could not be uploaded: the support server did not answer.',
  noFiles: "This conversation can't take files.",
};

/** What the tray needs of the composer around it. */
export interface TrayHost {
  requestUpdate(): void;
  strings(): TrayStrings;
  /** The conversation's upload address; undefined while no conversation is known. */
  target(): UploadTarget | undefined;
  /** The server has no upload endpoint (a 404 or 405: the seed's contract): what to say instead. */
  unsupported(words: string): void;
  locale(): string;
}

/** A file waiting to go with the next message: uploading, uploaded (`record`), or refused (`error`). */
interface Chip {
  readonly key: number;
  readonly file: File;
  /** A `blob:` URL of an image's own bytes for its thumbnail; revoked when the chip goes. */
  readonly preview?: string;
  progress: number;
  record?: Attachment;
  error?: string;
  upload?: XMLHttpRequest;
}

/** The reference server's limit on files per message; more are refused here, before any upload. */
export const MAX_FILES = 10;
const PREVIEWABLE = /^image\/(png|jpeg|gif|webp)$/;

let nextKey = 0;

/**
 * The files picked, dropped or pasted for the next message, each a chip with its preview, progress and a
 * remove button. Every file starts uploading the moment it is chosen (XMLHttpRequest: fetch reports no
 * upload progress); the message names the uploaded ones by id. This module is its own chunk, loaded on the
 * first file, so pages whose visitors never attach anything never download it.
 */
export class AttachmentTray {
  #chips: Chip[] = [];
  /** The latest thing said about a file, for the live region. */
  #said = '';

  constructor(private readonly host: TrayHost) {}

  /** Whether a file is still on its way up: Send waits for it. */
  get busy(): boolean {
    return this.#chips.some(chip => !chip.record && !chip.error);
  }

  /** Whether a file is uploaded and can go with a message. */
  get ready(): boolean {
    return this.#chips.some(chip => chip.record);
  }

  /** Takes the uploaded files out of the tray, for the message being sent. */
  take(): Attachment[] {
    const done = this.#chips.filter(chip => chip.record);
    this.#chips = this.#chips.filter(chip => !chip.record);
    done.forEach(forget);
    this.host.requestUpdate();
    return done.flatMap(chip => chip.record ?? []);
  }

  add(files: readonly File[]) {
    for (const file of files) {
      const chip: Chip = {
        key: nextKey++,
        file,
        progress: 0,
        preview: PREVIEWABLE.test(file.type) ? URL.createObjectURL(file) : undefined,
      };
      this.#chips.push(chip);
      if (this.#chips.length > MAX_FILES) this.#refuse(chip, this.host.strings().tooManyFiles(MAX_FILES));
      else void this.#upload(chip);
    }
    this.host.requestUpdate();
  }

  remove(key: number) {
    const chip = this.#chips.find(c => c.key === key);
    if (!chip) return;
    this.#chips = this.#chips.filter(c => c !== chip);
    forget(chip);
    this.#say(this.host.strings().fileRemoved(chip.file.name));
  }

  async #upload(chip: Chip) {
    const text = this.host.strings();
    const target = this.host.target();
    if (!target) return this.#refuse(chip, text.noConversation);
    try {
      let answer = await post(target.url, chip, await target.tokens.current(), () => this.host.requestUpdate());
      if (answer.status === 401) answer = await post(target.url, chip, await target.tokens.fresh(), () => this.host.requestUpdate());
      if (!this.#chips.includes(chip)) return;
      chip.upload = undefined;
      const { status } = answer;
      if (status === 404 || status === 405) {
        // No upload endpoint: this server speaks only the seed's contract. Said once; the button goes.
        this.#chips = this.#chips.filter(c => c !== chip);
        forget(chip);
        this.host.unsupported(text.noFiles);
        return;
      }
      const record = status >= 200 && status < 300 ? parseAttachment(answer.response) : undefined;
      if (!record) return this.#refuse(chip, refusal(answer, text));
      chip.record = record;
      chip.progress = 1;
      this.#say(text.fileUploaded(chip.file.name));
    } catch {
      // No answer (the network, or a server that closed the connection); removed while uploading: nothing to say.
      if (this.#chips.includes(chip)) this.#refuse(chip, text.fileNetwork);
    }
  }

  #refuse(chip: Chip, reason: string) {
    chip.error = reason;
    chip.upload = undefined;
    this.#say(this.host.strings().fileRefused(chip.file.name, reason));
  }

  #say(words: string) {
    this.#said = words;
    this.host.requestUpdate();
  }

  render() {
    const text = this.host.strings();
    const locale = this.host.locale();
    return html`<ul class="chips" aria-label=${text.attachments}>
        ${this.#chips.map(
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
              <button type="button" class="remove" aria-label=${text.removeFile(chip.file.name)} @click=${() => this.remove(chip.key)}>
                ×
              </button>
            </li>`,
        )}
      </ul>
      <p class="visually-hidden" aria-live="polite">${this.#said}</p>`;
  }
}

export { renderFiles } from './attachment-list.js';

/** Adopted beside the panel's styles when this chunk loads: the chips', and a message's files'. */
export const trayStyles = [
  listStyles,
  css`
    .chips {
      display: flex;
      flex-wrap: wrap;
      gap: 6px;
      margin: 0;
      padding: 6px 10px 0;
      list-style: none;
    }
    .chip {
      display: flex;
      gap: 6px;
      align-items: center;
      max-width: 100%;
      padding: 4px 6px;
      border: 1px solid color-mix(in srgb, var(--_text) 25%, transparent);
      border-radius: 8px;
      font-size: 0.8em;
    }
    .chip img,
    .chip .icon {
      width: 32px;
      height: 32px;
      object-fit: cover;
      flex: none;
    }
    .chip .icon {
      fill: none;
      stroke: currentColor;
      stroke-width: 1.5;
    }
    .chip .about {
      display: grid;
      min-width: 0;
    }
    .chip .file {
      overflow: hidden;
      text-overflow: ellipsis;
      white-space: nowrap;
    }
    .chip .refused {
      color: var(--_danger);
    }
    .chip progress {
      width: 100%;
      accent-color: var(--_accent);
    }
    .chip .remove {
      min-width: 24px;
      min-height: 24px;
      border: 0;
      background: none;
      color: inherit;
      cursor: pointer;
      font: inherit;
    }
    .visually-hidden {
      position: absolute;
      width: 1px;
      height: 1px;
      overflow: hidden;
      clip-path: inset(50%);
      white-space: nowrap;
    }
  `,
];

/** The XMLHttpRequest that goes with a chip is aborted, its preview released. */
function forget(chip: Chip) {
  chip.upload?.abort();
  if (chip.preview) URL.revokeObjectURL(chip.preview);
}

/** One try of the multipart upload; resolves with the finished request whatever its status. */
function post(url: URL, chip: Chip, token: string, progressed: () => void): Promise<XMLHttpRequest> {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    chip.upload = request;
    request.open('POST', url);
    request.responseType = 'json';
    request.setRequestHeader('Authorization', `Bearer ${token}`);
    request.upload.onprogress = event => {
      if (!event.lengthComputable) return;
      chip.progress = event.loaded / event.total;
      progressed();
    };
    request.onload = () => resolve(request);
    request.onerror = () => reject(new UploadFailed());
    request.onabort = () => reject(new UploadFailed());
    const form = new FormData();
    form.append('file', chip.file, chip.file.name);
    request.send(form);
  });
}

/** An upload that got no answer; what the chip says comes from the strings. */
class UploadFailed extends Error {}

/** What a refused chip says, decided by the status (never by the server's English), in the widget's words. */
function refusal(request: XMLHttpRequest, text: TrayStrings): string {
  const { status } = request;
  if (status === 413) return text.fileTooBig;
  if (status === 415) return text.fileType;
  if (status === 429) return text.fileRateLimited(Number(request.getResponseHeader('Retry-After')) || 10);
  const detail = (request.response as { detail?: unknown } | null)?.detail;
  return typeof detail === 'string' ? detail : text.serverAnswered(status);
}
