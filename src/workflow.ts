import { adoptStyles, nothing, type LitElement, type ReactiveController, type TemplateResult } from 'lit';
import { errorText } from './error-text.js';
import { Availability } from './flow-availability.js';
import { renderAvailability, renderContact } from './flow-availability.template.js';
import type { PastConversations } from './flow-past.js';
import { parseState } from './flow-protocol.js';
import { COMPOSER } from './panel.template.js';
import { ReadMarks } from './flow-read-marks.js';
import { Resolution } from './flow-resolution.js';
import { renderResolution } from './flow-resolution.template.js';
import { flowStrings } from './flow-strings.js';
import type { FlowStrings, SupportChatStrings } from './strings.js';
import type { ChatMessage } from './types.js';
import { renderAround, renderSeen } from './workflow.template.js';
import { flowStyles } from './workflow.styles.js';

// The chunk's other entry: the conversation controller asks it which conversation a signed-in visitor has.
export { signIn } from './flow-sign-in.js';

/** What the workflow needs of the widget: the element, its conversation, its words, and whether the visitor is looking. */
export interface FlowHost {
  readonly element: LitElement & { readonly composeFormat?: string };
  readonly conversation: {
    readonly groupId?: string;
    /** Names the conversation across the visitor's visits: a question asked once stays asked. */
    readonly key?: string;
    readonly messages: readonly ChatMessage[];
    readonly me?: number;
    readonly signedOut: boolean;
    invoke(method: string, ...args: unknown[]): Promise<unknown>;
    call(path: string, body?: unknown): Promise<unknown>;
    open(group: string): void;
  };
  strings(): SupportChatStrings;
  locale(): string;
  /** The panel shows, the tab is in front and the list is at its end: the newest message is seen. */
  seeing(): boolean;
}

/**
 * The life of a support conversation beside its messages, from the reference server's extension: resolved
 * (with a rating asked once per resolution, and a new conversation offered) or open again; the other side's
 * read mark ("Seen") and mine (`MarkRead`); whether the team is there; the visitor's earlier conversations;
 * an email to be answered at when nobody is. Made at the first sign that the server speaks this (an answer
 * to `WatchAvailability`, or one of its pushes), so a seed server's visitors see none of it. Not a chunk of
 * its own: the reference server's visitors all need it, and the split cost them a request and a kilobyte.
 * This class hands each push to its part and puts their templates in place;
 * it is also the host each part asks for the conversation shown and the words to use.
 */
export class Workflow implements ReactiveController {
  readonly element: FlowHost['element'];
  readonly conversation: FlowHost['conversation'];
  #group?: string;
  readonly #marks: ReadMarks;
  readonly #resolution = new Resolution(this);
  readonly #availability = new Availability(this);
  /** The visitor's earlier conversations: code of their own, loaded with the first look at them. */
  #past?: PastConversations;
  /** Counts the resets: a list asked for before one (another conversation or person) is not opened after it. */
  #resets = 0;
  /** The list's code could not be downloaded: said under its button until the next click. */
  #pastUnavailable = false;

  constructor(private readonly host: FlowHost) {
    const element = (this.element = host.element);
    this.conversation = host.conversation;
    // Added before the read marks: its update tells them, first, whether another conversation shows.
    element.addController(this);
    this.#marks = new ReadMarks(element, this);
    const root = element.renderRoot as ShadowRoot;
    adoptStyles(root, [...root.adoptedStyleSheets, flowStyles]);
    this.hostUpdate();
  }

  /** The conversation shown, as of the last update: what every part works on. */
  get group() {
    return this.#group;
  }

  /** The reader is an agent (they write markdown): they are the team, asked nothing and told who did what. */
  get agent() {
    return this.element.composeFormat === 'markdown';
  }

  get text(): SupportChatStrings & FlowStrings {
    return { ...flowStrings, ...this.host.strings() } as SupportChatStrings & FlowStrings;
  }

  /** Says it to the visitor: a refusal's own sentence, the widget's words for no answer at all. */
  said(error: unknown) {
    return errorText(error instanceof Error ? error : new Error(String(error)), this.host.strings());
  }

  /**
   * A question's control went away or was disabled under the focus, which would fall to the page: it goes to
   * `selector`, the composer by default, unless the visitor put it somewhere since.
   */
  focusNext(selector = COMPOSER): void {
    const element = this.element;
    void element.updateComplete.then(() => {
      const root = element.renderRoot as ShadowRoot;
      const active = root.activeElement;
      if (active ? active.matches(':disabled') : document.activeElement === document.body)
        root.querySelector<HTMLElement>(selector)?.focus();
    });
  }

  /** The newest message is in view: the list shows (not the past conversations) and the visitor looks at it. */
  seeing() {
    return !this.#past?.list && this.host.seeing();
  }

  /** Another conversation shows: nothing of the last one's state carries over. */
  hostUpdate() {
    const groupId = this.conversation.groupId;
    if (groupId !== this.#group) {
      this.#group = groupId;
      this.#reset();
    }
  }

  /**
   * Another person from now on (`identify`, `logout`), even on the same conversation: nothing of the last
   * one's shows, least of all their earlier conversations on a shared device.
   */
  forgetPerson() {
    this.#reset();
    // The team's line too: signed out, nobody is asked; signed in again, the next join says it anew.
    this.#availability.receive(undefined);
    this.element.requestUpdate();
  }

  #reset() {
    this.#resolution.reset();
    this.#marks.reset();
    this.#availability.reset();
    this.#past?.reset();
    this.#pastUnavailable = false;
    this.#resets++;
  }

  /** A push, by name, or `Joined` with the answer to `WatchAvailability` after every join. */
  receive(name: string, payload: unknown) {
    // Drawn again only for news: my own read mark comes back after every MarkRead, and a render costs.
    const before = this.#drawn();
    if (name === 'Joined') {
      this.#availability.receive(payload);
      void this.#readState(this.#group);
    } else if (name === 'Availability') this.#availability.receive(payload);
    else if (name === 'ReadUpTo') this.#marks.receive(payload);
    else this.#resolution.apply(parseState(payload));
    if (this.#drawn() !== before) this.element.requestUpdate();
  }

  /** What of the workflow's state is drawn, to tell whether a push changed any of it. */
  #drawn() {
    return JSON.stringify([this.#availability.now, this.#resolution.state, this.#marks.theirs, this.#resolution.rating?.asking.phase]);
  }

  /** The state as the server has it now: after a join, whatever was pushed while not in the group is in it. */
  async #readState(group: string | undefined) {
    if (group === undefined) return;
    try {
      const answer = (await this.conversation.call(`chats/${encodeURIComponent(group)}/state`)) as { readUpTo?: unknown };
      if (group !== this.#group) return;
      const before = this.#drawn();
      if (Array.isArray(answer.readUpTo)) for (const mark of answer.readUpTo) this.#marks.receive(mark);
      this.#resolution.apply(parseState(answer));
      if (this.#drawn() !== before) this.element.requestUpdate();
    } catch {
      // Read again at the next join; until then the conversation shows without its state, as before.
    }
  }

  /** The list moved: the newest message may have come into view. */
  look() {
    this.#marks.look();
  }

  /** What goes under a message: "Seen" under the last of mine the other side has read. */
  readonly mark = (message: ChatMessage) => (this.#marks.seen(message) ? renderSeen(this.text) : nothing);

  /** The empty conversation's words while nobody is there: not the default's "within a few minutes". */
  get empty(): string | undefined {
    return this.#availability.now?.online === false && !this.agent ? this.text.emptyAway : undefined;
  }

  /** Few visitors look back: the list's code comes with the first click (a failed load leaves the button to try again). */
  readonly #openPast = async () => {
    const resets = this.#resets;
    this.#pastUnavailable = false;
    try {
      const { PastConversations } = await import('./flow-past.js');
      if (resets !== this.#resets) return;
      this.#past ??= new PastConversations(this);
    } catch {
      this.#pastUnavailable = resets === this.#resets;
      this.element.requestUpdate();
      return;
    }
    await this.#past.open();
  };

  /** The header's line: whether someone is there, or when they will be. */
  header() {
    return renderAvailability(this.#availability.now, this.text, this.agent, this.host.locale());
  }

  /** The list with what goes around it, or the past conversations instead of it while they show. */
  around(list: TemplateResult) {
    const text = this.text;
    const locale = this.host.locale();
    if (this.#past?.list) return this.#past.render(text, locale);
    return renderAround(
      text,
      // Agents have the console's list; signed out, nobody has earlier conversations to see.
      this.agent || this.conversation.signedOut,
      this.#openPast,
      this.#pastUnavailable,
      list,
      renderResolution(this.#resolution, text, this.agent, locale),
      renderContact(this.#availability.contact(this.#resolution.state?.resolved === true), text, this.#availability),
    );
  }
}
