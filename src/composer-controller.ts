import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { AttachInput } from './attach-input.js';
import { SupportChatSendEvent } from './events.js';
import type { SupportChatStrings } from './strings.js';
import type { Attachment } from './types.js';

export interface ComposerOptions {
  /** Sends; false when it never went out (no conversation came in time): the words go back into the box. */
  send: (text: string, attachments?: Attachment[]) => Promise<boolean>;
  /** The files for the next message. */
  files: Pick<AttachInput, 'tray'>;
  /** The visitor typed something: the conversation may hear that they are typing. */
  typing: () => void;
  strings: () => SupportChatStrings;
}

/**
 * The text box and send button: the draft, Enter and submit, and why sending rests for now (the server's
 * "too many" cooldown, or no network). The cooldown's wake-up timer lives with the element: it is set
 * again when the element comes back into the page.
 */
export class ComposerController implements ReactiveController {
  #draft = '';
  /** Until when (epoch ms) the server asked this visitor to wait before sending again. */
  #cooldownUntil = 0;
  #cooldownTimer?: ReturnType<typeof setTimeout>;

  /** Online or offline: the composer says whether it can send. */
  readonly #onNetwork = () => this.host.requestUpdate();

  constructor(
    private readonly host: ReactiveControllerHost & EventTarget,
    private readonly options: ComposerOptions,
  ) {
    host.addController(this);
  }

  hostConnected() {
    window.addEventListener('online', this.#onNetwork);
    window.addEventListener('offline', this.#onNetwork);
    // Put back in the page during a cooldown: its end must still wake the send button.
    if (this.#cooldownUntil > Date.now()) this.#wakeAfterCooldown();
  }

  hostDisconnected() {
    window.removeEventListener('online', this.#onNetwork);
    window.removeEventListener('offline', this.#onNetwork);
    clearTimeout(this.#cooldownTimer);
  }

  /** Why the visitor cannot send right now, in words for the composer; undefined when they can. */
  get cannotSend(): string | undefined {
    const text = this.options.strings();
    const left = this.#cooldownUntil - Date.now();
    if (left > 0) return text.cooldown(Math.max(1, Math.ceil(left / 1000)));
    if (!navigator.onLine) return text.sendOffline;
    return this.options.files.tray?.waiting;
  }

  /** The server said "too many": the send button rests, saying why, until it may send again. */
  coolDown(seconds: number) {
    this.#cooldownUntil = Date.now() + seconds * 1000;
    this.host.requestUpdate();
    this.#wakeAfterCooldown();
  }

  #wakeAfterCooldown() {
    clearTimeout(this.#cooldownTimer);
    this.#cooldownTimer = setTimeout(() => {
      this.#cooldownUntil = 0;
      this.host.requestUpdate();
    }, this.#cooldownUntil - Date.now());
  }

  /**
   * Whether Send may go: words or an uploaded file, and no file still uploading (Send waits for them, and the
   * note says so, until every upload has finished or timed out; a refused file stays behind, removable).
   */
  get sendable(): boolean {
    return (!!this.#draft.trim() || !!this.options.files.tray?.ready) && !this.cannotSend;
  }

  /** What the text box holds. */
  get draft(): string {
    return this.#draft;
  }

  /** The visitor changed the text box's words: kept, and the conversation may hear that they are typing. */
  edit(text: string) {
    this.#draft = text;
    this.host.requestUpdate();
    if (text.trim()) this.options.typing();
  }

  readonly onInput = (event: InputEvent) => this.edit((event.target as HTMLTextAreaElement).value);

  /** Enter sends; Shift+Enter, and Enter while an input method is composing, make a new line. */
  readonly onKeydown = (event: KeyboardEvent) => {
    if (event.key !== 'Enter' || event.shiftKey || event.isComposing) return;
    event.preventDefault();
    this.#submit();
  };

  readonly onSubmit = (event: SubmitEvent) => {
    event.preventDefault();
    this.#submit();
  };

  #submit() {
    const text = this.#draft.trim();
    // Enter as much as the button: the note under the text box says why not, and the text stays.
    if (!this.sendable) return;
    if (!this.host.dispatchEvent(new SupportChatSendEvent(text))) return;
    this.#draft = '';
    this.host.requestUpdate();
    void this.options.send(text, this.options.files.tray?.take()).then(sent => {
      // Never sent: the words go back into the text box, unless the visitor has started anew.
      if (sent || this.#draft) return;
      this.#draft = text;
      this.host.requestUpdate();
    });
  }
}
