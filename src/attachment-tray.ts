import { renderChips } from './attachment-tray.template.js';
import { chipFor, forget, type Chip } from './file-chip.js';
import { filesUrl, refusal, upload, type UploadTarget } from './file-upload.js';
import { parseAttachment } from './hub-protocol.js';
import type { FileStrings, SupportChatStrings } from './strings.js';
import type { Attachment } from './types.js';

// The attachments chunk: everything reached from `attach-input.ts`'s one dynamic import of this module. The
// chips' state is here; one chip and its resources in `file-chip.ts`, the upload in `file-upload.ts`, the
// drawing in `attachment-tray.template.ts` and `attachment-list.ts` (a message's files).
export { renderFiles } from './attachment-list.js';
export { trayStyles } from './attachment-tray.styles.js';

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

/** The reference server's limit on files per message; more are refused here, before any upload. */
export const MAX_FILES = 10;

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
      const chip = chipFor(file);
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
    const url = filesUrl(apiBase, groupId);
    try {
      const answer = await upload(chip.file, url, tokens, this.host.timeout(), {
        started: request => (chip.upload = request),
        progressed: fraction => {
          chip.progress = fraction;
          this.host.requestUpdate();
        },
        wanted: () => this.#chips.includes(chip),
      });
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
    return renderChips(this.#chips, this.host.strings(), this.host.locale(), (chip, event) => this.#removeByButton(chip, event));
  }
}
