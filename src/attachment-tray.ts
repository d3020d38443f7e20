import { css, html, nothing } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import { fileSize, listStyles } from './attachment-list.js';
import { parseAttachment } from './hub-protocol.js';
import type { FileStrings, SupportChatStrings } from './strings.js';
import type { TokenSource } from './token-source.js';
import type { Attachment } from './types.js';

/** The conversation the files go to (`POST {apiBase}/chats/{groupId}/files`), and as whom. */
export interface UploadTarget {
  readonly apiBase?: string;
  readonly groupId?: string;
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
  fileTooBig: 'The file is larger than this chat takes.',
  fileType: 'This kind of file is not allowed: send a picture (PNG, JPEG, GIF, WebP), a PDF or a text file.',
  tooManyFiles: max => `A message can carry at most ${max} files.`,
  fileRateLimited: seconds => `Too many files at once. Try again in ${seconds} s.`,
  fileNetwork: 'The file could not be uploaded: the support server did not answer.',
  noFiles: "This conversation can't take files.",
  sendWaits: 'Send waits until the files have uploaded.',
};

/** What the tray needs of the composer around it. */
export interface TrayHost {
  /** The element: files chosen just before it left the page are not uploaded. */
  readonly element: { readonly isConnected: boolean };
  requestUpdate(): void;
  strings(): TrayStrings;
  /** The conversation shown; its group is undefined while none is known. */
  target(): UploadTarget;
  /** The element's request timeout (ms): an upload that has not answered by then is refused. */
  timeout(): number;
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
  /** The conversation the chips are for. */
  #groupId: string | undefined;

  constructor(private readonly host: TrayHost) {
    this.#groupId = host.target().groupId;
  }

  /** Before each update of the element: in another conversation, the chips of the last one go. */
  follow() {
    const group = this.host.target().groupId;
    if (group === this.#groupId) return;
    this.#groupId = group;
    this.clear();
  }

  /** Why Send waits (a file is still on its way up), for the composer's note; undefined when it need not. */
  get waiting(): string | undefined {
    return this.#chips.some(chip => !chip.record && !chip.error) ? this.host.strings().sendWaits : undefined;
  }

  /** The latest thing said about a file, for the live region (which the panel draws from the start). */
  get said(): string {
    return this.#said;
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

  /** Every chip goes, its upload aborted and its preview released: another conversation, or the element left the page. */
  clear() {
    this.#chips.forEach(forget);
    this.#chips = [];
    this.#said = '';
    this.host.requestUpdate();
  }

  add(files: readonly File[]) {
    // The chunk or the previous step was still on its way when the element left: it has nothing to upload for.
    if (!this.host.element.isConnected) return;
    const said: string[] = [];
    for (const file of files) {
      const chip: Chip = {
        key: nextKey++,
        file,
        progress: 0,
        preview: PREVIEWABLE.test(file.type) ? URL.createObjectURL(file) : undefined,
      };
      this.#chips.push(chip);
      if (this.#chips.length > MAX_FILES) {
        this.#refuse(chip, this.host.strings().tooManyFiles(MAX_FILES));
        said.push(this.#said);
      } else {
        said.push(this.host.strings().uploading(file.name));
        void this.#upload(chip);
      }
    }
    // Once per chip, not per progress step: a screen reader hears each file start.
    this.#say(said.join(' '));
  }

  remove(key: number) {
    const chip = this.#chips.find(c => c.key === key);
    if (!chip) return;
    this.#chips = this.#chips.filter(c => c !== chip);
    forget(chip);
    this.#say(this.host.strings().fileRemoved(chip.file.name));
  }

  /**
   * The remove button was pressed: focus goes on purpose to the next chip's remove button, else the attach
   * button, never to the page's body with the button that had it (chips are keyed, so the next one's stays).
   */
  #removeByButton(chip: Chip, event: Event) {
    const button = event.currentTarget as HTMLElement;
    const next = button.closest('li')?.nextElementSibling?.querySelector<HTMLElement>('.remove');
    (next ?? (button.getRootNode() as ShadowRoot).querySelector<HTMLElement>('.attach'))?.focus();
    this.remove(chip.key);
  }

  async #upload(chip: Chip) {
    const text = this.host.strings();
    const { apiBase, groupId, tokens } = this.host.target();
    if (!apiBase || !groupId) return this.#refuse(chip, text.noConversation);
    const url = new URL(`chats/${encodeURIComponent(groupId)}/files`, new URL(apiBase.replace(/\/?$/, '/'), document.baseURI));
    const send = async (token: Promise<string>) => {
      const bearer = await token;
      // Removed (or the tray cleared) while the token was on its way: nothing goes up.
      if (!this.#chips.includes(chip)) throw new UploadFailed();
      return post(url, chip, bearer, this.host.timeout(), () => this.host.requestUpdate());
    };
    try {
      let answer = await send(tokens.current());
      if (answer.status === 401) answer = await send(tokens.fresh());
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
      // No answer (the network, a server that closed the connection, or none within the request timeout);
      // removed while uploading: nothing to say.
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
      ${repeat(
        this.#chips,
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
              @click=${(event: Event) => this.#removeByButton(chip, event)}
            >
              ×
            </button>
          </li>`,
      )}
    </ul>`;
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
    /* The files' live region (drawn by the panel from the start, empty and so of no height until now). */
    .visually-hidden {
      position: absolute;
      width: 1px;
      height: 1px;
      overflow: hidden;
      clip-path: inset(50%);
      white-space: nowrap;
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
  `,
];

/** The XMLHttpRequest that goes with a chip is aborted, its preview released. */
function forget(chip: Chip) {
  chip.upload?.abort();
  if (chip.preview) URL.revokeObjectURL(chip.preview);
}

/** One try of the multipart upload; resolves with the finished request whatever its status. */
function post(url: URL, chip: Chip, token: string, timeout: number, progressed: () => void): Promise<XMLHttpRequest> {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    chip.upload = request;
    request.open('POST', url);
    request.responseType = 'json';
    // A server that never answers must not hold the chip (and Send) forever.
    request.timeout = timeout;
    request.setRequestHeader('Authorization', `Bearer ${token}`);
    request.upload.onprogress = event => {
      if (!event.lengthComputable) return;
      chip.progress = event.loaded / event.total;
      progressed();
    };
    request.onload = () => resolve(request);
    request.onerror = () => reject(new UploadFailed());
    request.onabort = request.ontimeout = () => reject(new UploadFailed());
    const form = new FormData();
    form.append('file', chip.file, chip.file.name);
    request.send(form);
  });
}

/** An upload that got no answer; what the chip says comes from the strings. */
class UploadFailed extends Error {}

/**
 * What a refused chip says, decided by the status (never by the server's English, which would not follow the
 * widget's language), in the widget's words.
 */
function refusal(request: XMLHttpRequest, text: TrayStrings): string {
  const { status } = request;
  if (status === 413) return text.fileTooBig;
  if (status === 415) return text.fileType;
  if (status === 429) return text.fileRateLimited(Number(request.getResponseHeader('Retry-After')) || 10);
  return text.serverAnswered(status);
}
