import { parsePast } from './flow-protocol.js';
import { renderPast, type PastList } from './flow-past.template.js';
import type { FlowStrings } from './strings.js';

/** What the past conversations need of the workflow. */
export interface PastHost {
  readonly element: { readonly renderRoot: ParentNode; readonly updateComplete: Promise<unknown>; requestUpdate(): void };
  readonly conversation: { call(path: string, body?: unknown): Promise<unknown>; open(group: string): void };
  /** The conversation the workflow shows, as of the last update. */
  readonly group?: string;
  said(error: unknown): string;
  focusNext(selector?: string): void;
}

/** The visitor's earlier conversations, shown instead of the conversation while they pick one. */
export class PastConversations {
  #list?: PastList;

  constructor(private readonly host: PastHost) {}

  /** The list, while it is shown instead of the conversation. */
  get list(): PastList | undefined {
    return this.#list;
  }

  readonly open = async () => {
    const list: PastList = {};
    this.#list = list;
    this.#update();
    try {
      const answer = (await this.host.conversation.call('visitors/conversations')) as { conversations?: unknown };
      list.items = Array.isArray(answer.conversations) ? answer.conversations.map(parsePast).filter(item => !!item) : [];
    } catch (error) {
      list.error = this.host.said(error);
    }
    // Closed, or another person or conversation since it was asked for: its rows are not this one's to show.
    if (this.#list !== list) return;
    this.#update();
    // To the first row, as the click's button went away; not if the visitor went on to a field of the page meanwhile.
    this.host.focusNext('.past li button');
  };

  readonly close = () => {
    this.#list = undefined;
    this.#update();
    this.host.focusNext('.past-open');
  };

  /** The list in place of the conversation, while it shows. */
  render(text: FlowStrings, locale: string) {
    return this.#list ? renderPast(this.#list, text, locale, this.host.group, this) : undefined;
  }

  /** Another conversation or another person: the list (and a read of it on its way) is dropped. */
  reset() {
    this.#list = undefined;
  }

  /** Back to the conversation picked, which shows from then on. */
  readonly pick = (group: string) => {
    this.#list = undefined;
    if (group !== this.host.group) this.host.conversation.open(group);
    this.#update();
    this.host.focusNext();
  };

  #update() {
    this.host.element.requestUpdate();
  }
}
