import { asked, remember, type Asking, type AskingHost } from './flow-ask.js';
import { statusOf, type ConversationState } from './flow-protocol.js';

/**
 * How far a conversation's life has gone: open (0), resolved (2), rated (3), open again (4), resolved again (6)…
 * The server only ever moves a conversation forward, so of two states the older has the smaller number.
 */
const age = (state: ConversationState) => 4 * state.resolution - (state.resolved ? 2 : 0) + (state.rated ? 1 : 0);

/** The rating question, for the resolution it asks about, with the score picked so far. */
export interface RatingQuestion {
  resolution: number;
  asking: Asking;
  score?: number;
}

/** What the resolution needs beyond a question's host: to open the new conversation it offers. */
export interface ResolutionHost extends AskingHost {
  readonly conversation: AskingHost['conversation'] & {
    /** Names the conversation across the visitor's visits: a rating put away stays away. */
    readonly key?: string;
    open(group: string): void;
  };
}

/**
 * The conversation's state, resolved or open again, and what a resolution asks of the visitor: a rating,
 * once per resolution, and whether to start a new conversation.
 */
export class Resolution {
  #state?: ConversationState;
  #rating?: RatingQuestion;
  #starting?: Asking;

  constructor(private readonly host: ResolutionHost) {}

  get state(): ConversationState | undefined {
    return this.#state;
  }

  get rating(): RatingQuestion | undefined {
    return this.#rating;
  }

  /** Another conversation shows: nothing of the last one's state carries over. */
  reset() {
    this.#state = this.#rating = this.#starting = undefined;
  }

  apply(state: ConversationState | undefined) {
    if (!state || state.groupId !== this.host.group) return;
    // A state read before a push answers after it (the read after a join, slow on a busy server): the older
    // of the two must not take back a resolution, or the rating it asks for, that the push already showed.
    if (this.#state && age(state) < age(this.#state)) return;
    this.#state = state;
    // Once per resolution, on any visit: a new resolution asks again, a reopened conversation asks nothing.
    if (state.resolved && !state.rated && !this.host.agent && this.#rating?.resolution !== state.resolution) {
      this.#rating = { resolution: state.resolution, asking: { phase: asked(this.#ratingKey(state.resolution)) ? 'dismissed' : 'ask' } };
    }
  }

  readonly choose = (event: Event) => {
    if (this.#rating) this.#rating.score = Number((event.target as HTMLInputElement).value);
    this.#update();
  };

  /**
   * Not forms, these questions: the composer stays the panel's one form, and Enter in the text box is its own.
   * The server judges what is sent (a score, an address) and says what it refused.
   */
  readonly rate = async () => {
    const rating = this.#rating;
    const group = this.host.group;
    if (!rating || group === undefined) return;
    const comment = this.host.element.renderRoot.querySelector<HTMLTextAreaElement>('.rating textarea')?.value.trim();
    rating.asking = { phase: 'sending' };
    this.#update();
    let answer: Asking;
    try {
      await this.host.conversation.call(`chats/${encodeURIComponent(group)}/rating`, {
        score: rating.score,
        comment: comment || undefined,
      });
      answer = { phase: 'done', said: this.host.text.thanks };
    } catch (error) {
      // 409: rated already, here or in another tab. Thanks all the same.
      answer = statusOf(error) === 409 ? { phase: 'done', said: this.host.text.thanks } : { phase: 'ask', error: this.host.said(error) };
    }
    // Another conversation (or person) since: the question answered is not the one shown, nor the focus its own.
    if (this.#rating !== rating) return;
    rating.asking = answer;
    this.#update();
    this.host.focusNext(answer.phase === 'ask' ? '.rating textarea' : undefined);
  };

  readonly dismiss = () => {
    if (this.#rating) {
      this.#rating.asking = { phase: 'dismissed' };
      remember(this.#ratingKey(this.#rating.resolution));
    }
    this.#update();
    this.host.focusNext();
  };

  /** The rating of this resolution of the conversation, put away: how the browser remembers it. */
  #ratingKey(resolution: number) {
    return `rating-asked:${this.host.conversation.key} ${resolution}`;
  }

  /** "Start a new conversation" on its way (one at a time: a double click makes one), or why it failed. */
  get starting(): Asking | undefined {
    return this.#starting;
  }

  readonly startNew = async () => {
    if (this.#starting?.phase === 'sending') return;
    const starting: Asking = (this.#starting = { phase: 'sending' });
    const group = this.host.group;
    this.#update();
    try {
      const answer = (await this.host.conversation.call('visitors/conversations', {})) as { groupId?: unknown };
      // Another conversation shows since (the visitor picked one, or signed out): that one stays.
      if (this.#starting !== starting) return;
      this.#starting = undefined;
      if (typeof answer.groupId === 'number' && group === this.host.group) this.host.conversation.open(String(answer.groupId));
    } catch (error) {
      // The server's ceiling, in the visitor's language rather than in the server's English detail.
      const said = statusOf(error) === 429 ? this.host.text.startLimited : this.host.said(error);
      if (this.#starting === starting) this.#starting = { phase: 'ask', error: said };
    }
    this.#update();
    this.host.focusNext(this.#starting ? '.start' : undefined);
  };

  #update() {
    this.host.element.requestUpdate();
  }
}
