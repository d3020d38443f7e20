import { asked, remember, type Asking, type AskingHost } from './flow-ask.js';
import { parseAvailability, statusOf, type TeamAvailability } from './flow-protocol.js';
import type { ChatMessage } from './types.js';

/** What availability needs beyond a question's host: the conversation, to tell when to ask for an email. */
export interface AvailabilityHost extends AskingHost {
  readonly conversation: AskingHost['conversation'] & {
    /** Names the conversation across the visitor's visits: a question asked once stays asked. */
    readonly key?: string;
    readonly messages: readonly ChatMessage[];
    readonly me?: number;
  };
}

/**
 * Whether the team is there, or when they will be; and while nobody is, an email to be answered at,
 * asked once per conversation.
 */
export class Availability {
  #now?: TeamAvailability;
  #contact?: Asking;

  constructor(private readonly host: AvailabilityHost) {}

  /** As the server last said it (the answer to `WatchAvailability`, an `Availability` push). */
  get now(): TeamAvailability | undefined {
    return this.#now;
  }

  receive(payload: unknown) {
    this.#now = parseAvailability(payload);
  }

  /** Another conversation shows: its own question, asked or not there. */
  reset() {
    this.#contact = undefined;
  }

  /**
   * The email question, while it is due: after the visitor's first message, while nobody is there and the
   * conversation is open (a resolved one's end says so, and asks for a rating; the address waits for the next
   * question). Asked once per conversation.
   */
  contact(resolved: boolean): Asking | undefined {
    const { key, me, messages } = this.host.conversation;
    if (this.host.agent || !key || resolved || this.#now?.online !== false || !messages.some(m => m.id !== undefined && m.userId === me)) {
      return undefined;
    }
    return (this.#contact ??= asked(`contact-asked:${key}`) ? { phase: 'dismissed' } : { phase: 'ask' });
  }

  readonly saveEmail = async () => {
    const group = this.host.group;
    const key = this.host.conversation.key;
    if (group === undefined || !key) return;
    const email = this.host.element.renderRoot.querySelector<HTMLInputElement>('.contact input')?.value.trim() ?? '';
    const sending: Asking = (this.#contact = { phase: 'sending' });
    this.#update();
    let answer: Asking;
    try {
      await this.host.conversation.call(`chats/${encodeURIComponent(group)}/contact`, { email });
      answer = { phase: 'done', said: this.host.text.emailSaved(email) };
      remember(`contact-asked:${key}`);
    } catch (error) {
      answer = { phase: 'ask', error: statusOf(error) === 400 ? this.host.text.emailRefused : this.host.said(error) };
    }
    // Another conversation (or person) since: the answer is about the one left, not the one shown.
    if (this.#contact !== sending) return;
    this.#contact = answer;
    this.#update();
    this.host.focusNext(answer.phase === 'ask' ? '.contact input' : undefined);
  };

  readonly dismissContact = () => {
    const key = this.host.conversation.key;
    if (key) remember(`contact-asked:${key}`);
    this.#contact = { phase: 'dismissed' };
    this.#update();
    this.host.focusNext();
  };

  #update() {
    this.host.element.requestUpdate();
  }
}
