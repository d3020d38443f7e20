import { adoptStyles, nothing, type LitElement, type ReactiveController } from 'lit';
import type { TrayHost } from './attachment-tray.js';
import type { SupportChatStrings } from './strings.js';
import type { Attachment } from './types.js';

/** What the attach input needs: the tray's host, and the element whose shadow root takes the chunks' styles. */
export type AttachHost = Omit<TrayHost, 'unsupported' | 'strings' | 'element'> & {
  readonly element: LitElement;
  strings(): SupportChatStrings;
  /** The REST base file URLs are resolved against. */
  apiBase(): string | undefined;
};

type Chunk = typeof import('./attachment-tray.js');

/**
 * Files for the next message, by the attach button (and its picker), a drop on the panel or a paste into
 * the text box; and the files of messages shown. Only this is in the main chunk: the chips with their
 * uploads and the drawing of a message's files are the attachments chunk (`attachment-tray.ts`), loaded with
 * the first file picked or the first message that has some. If it fails to download, the next occasion
 * fetches it again. The chips belong to one conversation and one stay in the page: another conversation, or
 * the element leaving the page, aborts their uploads and releases their previews.
 */
export class AttachInput implements ReactiveController {
  /** Files are being dragged over the panel: it shows where to drop them. */
  dropping = false;
  /** The server has no upload endpoint: the button is gone, and the composer says this instead. */
  unsupported?: string;
  tray?: import('./attachment-tray.js').AttachmentTray;
  #chunk?: Chunk;
  #loading?: Promise<Chunk>;

  constructor(private readonly host: AttachHost) {
    host.element.addController(this);
  }

  hostUpdate() {
    this.tray?.follow();
  }

  hostDisconnected() {
    this.tray?.clear();
  }

  add(files: readonly File[]) {
    if (files.length === 0 || this.unsupported) return;
    this.#load().then(
      ({ AttachmentTray, fileStrings }) =>
        (this.tray ??= new AttachmentTray({
          ...this.host,
          strings: () => ({ ...fileStrings, ...this.host.strings() }),
          unsupported: words => {
            this.unsupported = words;
            this.host.requestUpdate();
          },
        })).add(files),
      () => undefined,
    );
  }

  /** A message's files; nothing until the chunk is here, then the panel draws again. */
  readonly list = (files: readonly Attachment[]) => {
    if (this.#chunk) return this.#chunk.renderFiles(files, this.host.apiBase(), this.host.locale());
    this.#load().catch(() => undefined);
    return nothing;
  };

  #load(): Promise<Chunk> {
    this.#loading ??= import('./attachment-tray.js').then(
      chunk => {
        const root = this.host.element.renderRoot as ShadowRoot;
        adoptStyles(root, [...root.adoptedStyleSheets, ...chunk.trayStyles]);
        this.#chunk = chunk;
        this.host.requestUpdate();
        return chunk;
      },
      (error: unknown) => {
        this.#loading = undefined;
        throw error;
      },
    );
    return this.#loading;
  }

  /** The button opens the file input's picker, from the keyboard as from a pointer. */
  readonly pick = (event: Event) => ((event.currentTarget as Element).nextElementSibling as HTMLInputElement).click();

  readonly picked = (event: Event) => {
    const input = event.target as HTMLInputElement;
    this.add([...(input.files ?? [])]);
    // The same file may be picked again after it was removed.
    input.value = '';
  };

  readonly dragover = (event: DragEvent) => {
    if (this.unsupported || !event.dataTransfer?.types.includes('Files')) return;
    event.preventDefault();
    this.#drag(true);
  };

  readonly dragleave = (event: DragEvent) => {
    // Leaving a child for another child of the panel is no leave.
    if (!(event.currentTarget as Node).contains(event.relatedTarget as Node | null)) this.#drag(false);
  };

  /** A drop on the panel, or a paste of files (pasted text goes into the text box as always). */
  readonly drop = (event: DragEvent | ClipboardEvent) => {
    const files = [...(((event as DragEvent).dataTransfer ?? (event as ClipboardEvent).clipboardData)?.files ?? [])];
    this.#drag(false);
    if (files.length === 0 || this.unsupported) return;
    // A paste of files and words (a copied spreadsheet cell, say) puts the words in the box too.
    if (!(event as ClipboardEvent).clipboardData?.types.includes('text/plain')) event.preventDefault();
    this.add(files);
  };

  #drag(on: boolean) {
    if (this.dropping === on) return;
    this.dropping = on;
    this.host.requestUpdate();
  }
}
