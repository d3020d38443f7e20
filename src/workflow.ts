import { adoptStyles, css, html, nothing, type LitElement, type ReactiveController, type TemplateResult } from 'lit';
import { ChatApi } from './chat-api.js';
import { apiBaseOf } from './conversation-memory.js';
import { errorText } from './error-text.js';
import type { FlowStrings, SupportChatStrings } from './strings.js';
import type { TokenGrant } from './token-source.js';
import type { ChatMessage } from './types.js';

/** What the workflow needs of the widget: the element, its conversation, its words, and whether the visitor is looking. */
export interface FlowHost {
  readonly element: LitElement & { readonly composeFormat?: string };
  readonly conversation: {
    readonly groupId?: string;
    /** Names the conversation across the visitor's visits: a question asked once stays asked. */
    readonly key?: string;
    readonly messages: readonly ChatMessage[];
    readonly me?: number;
    invoke(method: string, ...args: unknown[]): Promise<unknown>;
    call(path: string, body?: unknown): Promise<unknown>;
    open(group: string): void;
  };
  strings(): SupportChatStrings;
  locale(): string;
  /** The panel shows, the tab is in front and the list is at its end: the newest message is seen. */
  seeing(): boolean;
}

interface Person {
  name: string;
}

/** A conversation's state as `ConversationState` pushes it and `GET /chats/{id}/state` answers it. */
interface ConversationState {
  groupId: string;
  resolved: boolean;
  /** How many times it was resolved: a rating is for the latest. */
  resolution: number;
  resolvedAt?: Date;
  resolvedBy?: Person;
  reopenedAt?: Date;
  reopenedBy?: Person;
  rated: boolean;
  rating?: { score: number; comment?: string };
}

interface Availability {
  online: boolean;
  nextOpenAt?: Date;
}

interface PastConversation {
  groupId: string;
  createdAt?: Date;
  resolved: boolean;
  lastMessage: string;
}

/** A question at the end of the list: asked, on its way, answered, or put away. */
type Asking = { phase: 'ask' | 'sending'; error?: string } | { phase: 'done'; said: string } | { phase: 'dismissed' };

/** Most often, at most one `MarkRead` per this many ms: a read mark is a watermark, not a message per read. */
export const MARK_INTERVAL_MS = 1000;

export const flowStrings: FlowStrings = {
  online: 'We usually answer in a few minutes',
  backAt: (time, weekday) => (weekday ? `Back on ${weekday} at ${time}` : `Back at ${time}`),
  away: "We'll answer as soon as we can",
  resolved: 'This conversation was resolved',
  resolvedBy: (name, time) => `Resolved by ${name} at ${time}`,
  reopenedBy: (name, time) => `Reopened by ${name} at ${time}`,
  rated: (score, comment) => `Rated ${score} of 5${comment ? `: “${comment}”` : ''}`,
  rateQuestion: 'How did we do?',
  score: score => `${score} of 5`,
  rateComment: 'Anything to add? (optional)',
  sendRating: 'Send rating',
  notNow: 'Not now',
  thanks: 'Thank you for your rating!',
  startNew: 'Start a new conversation',
  past: 'Past conversations',
  backToChat: 'Back to the conversation',
  noPast: 'No earlier conversations.',
  pastItem: (date, resolved, last) => `${date} · ${resolved ? 'Resolved' : 'Open'}${last ? ` · ${last}` : ''}`,
  seen: 'Seen',
  askEmail: 'Nobody is here right now. Leave your email and we will answer you there.',
  sendEmail: 'Save',
  emailSaved: email => `We will answer at ${email}.`,
  emailRefused: 'That is not an email address we can answer at, such as name@example.com.',
};

/**
 * The life of a support conversation beside its messages, from the reference server's extension: resolved
 * (with a rating asked once per resolution, and a new conversation offered) or open again; the other side's
 * read mark ("Seen") and mine (`MarkRead`); whether the team is there; the visitor's earlier conversations;
 * an email to be answered at when nobody is. A chunk of its own: the widget loads it at the first sign that
 * the server speaks this (an answer to `WatchAvailability`, or one of its pushes), so a seed server's
 * visitors download none of it.
 */
export class Workflow implements ReactiveController {
  #group?: string;
  #state?: ConversationState;
  #availability?: Availability;
  /** The furthest read mark of anyone else in the conversation. */
  #theirMark = 0;
  /** The id "Seen" is drawn under, worked out at each update. */
  #seenId?: number;
  /** My read mark as last sent, when, and the call planned for the end of the interval. */
  #myMark = 0;
  #markedAt = -Infinity;
  #markTimer?: ReturnType<typeof setTimeout>;
  /** The rating question, for the resolution it asks about. */
  #rating?: { resolution: number; asking: Asking; score?: number };
  #contact?: Asking;
  /** The list of earlier conversations, while it is shown instead of the conversation. */
  #past?: { items?: PastConversation[]; error?: string };

  constructor(private readonly host: FlowHost) {
    const element = host.element;
    element.addController(this);
    const root = element.renderRoot as ShadowRoot;
    adoptStyles(root, [...root.adoptedStyleSheets, flowStyles]);
    this.hostUpdate();
  }

  get #text(): SupportChatStrings & FlowStrings {
    return { ...flowStrings, ...this.host.strings() } as SupportChatStrings & FlowStrings;
  }

  get #agent() {
    return this.host.element.composeFormat === 'markdown';
  }

  hostConnected() {
    document.addEventListener('visibilitychange', this.look);
  }

  hostDisconnected() {
    document.removeEventListener('visibilitychange', this.look);
    clearTimeout(this.#markTimer);
    this.#markTimer = undefined;
  }

  /** Another conversation shows: nothing of the last one's state carries over. */
  hostUpdate() {
    const { groupId, messages, me } = this.host.conversation;
    if (groupId !== this.#group) {
      this.#group = groupId;
      this.#state = undefined;
      this.#theirMark = this.#myMark = 0;
      this.#rating = this.#contact = undefined;
    }
    this.#seenId = undefined;
    for (let i = messages.length - 1; i >= 0 && this.#theirMark > 0; i--) {
      const { id, userId } = messages[i];
      if (id !== undefined && userId === me && id <= this.#theirMark) {
        this.#seenId = id;
        break;
      }
    }
  }

  hostUpdated() {
    this.look();
  }

  /** A push, by name, or `Joined` with the answer to `WatchAvailability` after every join. */
  receive(name: string, payload: unknown) {
    // Drawn again only for news: my own read mark comes back after every MarkRead, and a render costs.
    const before = this.#drawn();
    if (name === 'Joined') {
      this.#availability = parseAvailability(payload);
      void this.#readState(this.#group);
    } else if (name === 'Availability') this.#availability = parseAvailability(payload);
    else if (name === 'ReadUpTo') this.#mark(payload);
    else this.#apply(parseState(payload));
    if (this.#drawn() !== before) this.host.element.requestUpdate();
  }

  /** What of the workflow's state is drawn, to tell whether a push changed any of it. */
  #drawn() {
    return JSON.stringify([this.#availability, this.#state, this.#theirMark, this.#rating?.asking.phase]);
  }

  /** The state as the server has it now: after a join, whatever was pushed while not in the group is in it. */
  async #readState(group: string | undefined) {
    if (group === undefined) return;
    try {
      const answer = (await this.host.conversation.call(`chats/${encodeURIComponent(group)}/state`)) as { readUpTo?: unknown };
      if (group !== this.#group) return;
      const before = this.#drawn();
      if (Array.isArray(answer.readUpTo)) for (const mark of answer.readUpTo) this.#mark(mark);
      this.#apply(parseState(answer));
      if (this.#drawn() !== before) this.host.element.requestUpdate();
    } catch {
      // Read again at the next join; until then the conversation shows without its state, as before.
    }
  }

  #apply(state: ConversationState | undefined) {
    if (!state || state.groupId !== this.#group) return;
    this.#state = state;
    // Once per resolution: a new resolution asks again, a reopened conversation asks nothing.
    if (state.resolved && !state.rated && !this.#agent && this.#rating?.resolution !== state.resolution) {
      this.#rating = { resolution: state.resolution, asking: { phase: 'ask' } };
    }
  }

  /** Someone else's read mark: only forward, only for this conversation. */
  #mark(payload: unknown) {
    const { groupId, userId, lastId } = (payload ?? {}) as { groupId?: unknown; userId?: unknown; lastId?: unknown };
    if (String(groupId) !== this.#group || userId === this.host.conversation.me || typeof lastId !== 'number') return;
    this.#theirMark = Math.max(this.#theirMark, lastId);
  }

  /**
   * Tells the server how far the visitor has read, when the newest message is in view: at most once per
   * interval (the last one waits for its end), only forward, and never for a list not shown.
   */
  readonly look = () => {
    const { groupId, messages } = this.host.conversation;
    if (groupId === undefined || this.#past || !this.host.seeing()) return;
    let newest = 0;
    for (let i = messages.length - 1; i >= 0 && !newest; i--) newest = messages[i].id ?? 0;
    if (newest <= this.#myMark || this.#markTimer) return;
    const wait = this.#markedAt + MARK_INTERVAL_MS - performance.now();
    if (wait > 0) {
      this.#markTimer = setTimeout(() => {
        this.#markTimer = undefined;
        this.look();
      }, wait);
      return;
    }
    const before = this.#myMark;
    this.#myMark = newest;
    this.#markedAt = performance.now();
    this.host.conversation.invoke('MarkRead', groupId, newest).catch(() => {
      // Not joined at this moment: the next look sends it again.
      if (this.#myMark === newest) this.#myMark = before;
    });
  };

  /** "Seen" under the last of my messages the other side has read; under no other. */
  readonly mark = (message: ChatMessage) =>
    message.id !== undefined && message.id === this.#seenId ? html`<span class="seen">${this.#text.seen}</span>` : nothing;

  /** The header's line: whether someone is there, or when they will be. Not for agents: they are the team. */
  header() {
    const availability = this.#availability;
    if (!availability || this.#agent) return nothing;
    const text = this.#text;
    return html`<p class="availability">${availability.online ? text.online : this.#back(availability.nextOpenAt, text)}</p>`;
  }

  #back(at: Date | undefined, text: FlowStrings) {
    if (!at) return text.away;
    const locale = this.host.locale() || undefined;
    const time = new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit' }).format(at);
    const day = (date: Date) => new Intl.DateTimeFormat('en', { dateStyle: 'short' }).format(date);
    // Today in the visitor's time zone (the browser's): the time alone says it.
    return day(at) === day(new Date())
      ? text.backAt(time)
      : text.backAt(time, new Intl.DateTimeFormat(locale, { weekday: 'long' }).format(at));
  }

  /** The list with what goes around it: the way to earlier conversations above, the state and its questions below. */
  around(list: TemplateResult) {
    if (this.#past) return this.#renderPast(this.#past);
    const text = this.#text;
    return html`${
      this.#agent ? nothing : html`<button class="link past-open" @click=${this.#openPast}>${text.past}</button>`
    }${list}${this.#renderState(text)}${this.#renderContact(text)}`;
  }

  #renderState(text: SupportChatStrings & FlowStrings) {
    const state = this.#state;
    if (!state) return nothing;
    if (this.#agent) {
      const lines = [
        state.resolved && state.resolvedBy && state.resolvedAt ? text.resolvedBy(state.resolvedBy.name, this.#time(state.resolvedAt)) : '',
        !state.resolved && state.reopenedBy && state.reopenedAt ? text.reopenedBy(state.reopenedBy.name, this.#time(state.reopenedAt)) : '',
        state.rating ? text.rated(state.rating.score, state.rating.comment) : '',
      ].filter(line => line);
      return lines.length
        ? html`<div class="flow" role="status">${lines.map(line => html`<p class="resolution">${line}</p>`)}</div>`
        : nothing;
    }
    if (!state.resolved) return nothing;
    const asking = this.#rating?.asking;
    return html`<div class="flow">
      <p class="resolution" role="status">${text.resolved}</p>
      ${(asking?.phase === 'ask' || asking?.phase === 'sending') && !state.rated ? this.#renderRating(text, asking, this.#rating?.score) : nothing}
      ${asking?.phase === 'done' ? html`<p class="said" role="status">${asking.said}</p>` : nothing}
      <button class="link" @click=${this.#startNew}>${text.startNew}</button>
    </div>`;
  }

  /** Compact until a score is picked, so the resolved line above it stays in view: then the comment and Send. */
  #renderRating(text: FlowStrings, asking: { phase: 'ask' | 'sending'; error?: string }, chosen: number | undefined) {
    return html`<div class="ask rating">
      <fieldset ?disabled=${asking.phase === 'sending'}>
        <legend>${text.rateQuestion}</legend>
        <div class="actions">
          ${[1, 2, 3, 4, 5].map(
            score =>
              html`<label class="score"
                ><input
                  type="radio"
                  name="score"
                  value=${score}
                  aria-label=${text.score(score)}
                  .checked=${score === chosen}
                  @change=${this.#choose}
                /><span aria-hidden="true">${score}</span></label
              >`,
          )}
          <button type="button" class="link" @click=${this.#dismissRating}>${text.notNow}</button>
        </div>
        ${
          chosen
            ? html`<label>${text.rateComment}<textarea maxlength="1000" rows="1"></textarea></label>
                ${asking.error ? html`<p class="error" role="alert">${asking.error}</p>` : nothing}
                <button class="primary" @click=${this.#rate}>${text.sendRating}</button>`
            : nothing
        }
      </fieldset>
    </div>`;
  }

  readonly #choose = (event: Event) => {
    if (this.#rating) this.#rating.score = Number((event.target as HTMLInputElement).value);
    this.#update();
  };

  /** Asked once per conversation, after the visitor's first message, while nobody is there and it is open. */
  #renderContact(text: FlowStrings) {
    const key = this.host.conversation.key;
    const { me, messages } = this.host.conversation;
    // Not in a resolved conversation: its end says so, and asks for a rating; the address waits for the next question.
    if (
      this.#agent ||
      !key ||
      this.#state?.resolved ||
      this.#availability?.online !== false ||
      !messages.some(m => m.id !== undefined && m.userId === me)
    ) {
      return nothing;
    }
    const asking = (this.#contact ??= asked(key) ? { phase: 'dismissed' } : { phase: 'ask' });
    if (asking.phase === 'dismissed') return nothing;
    if (asking.phase === 'done') return html`<p class="said" role="status">${asking.said}</p>`;
    return html`<div class="ask contact">
      <fieldset ?disabled=${asking.phase === 'sending'}>
        <label
          >${text.askEmail}<input
            type="email"
            autocomplete="email"
            aria-describedby=${asking.error ? 'contact-error' : nothing}
            @keydown=${(event: KeyboardEvent) => event.key === 'Enter' && this.#saveEmail()}
        /></label>
        ${asking.error ? html`<p id="contact-error" class="error" role="alert">${asking.error}</p>` : nothing}
        <div class="actions">
          <button class="primary" @click=${this.#saveEmail}>${text.sendEmail}</button>
          <button type="button" class="link" @click=${this.#dismissContact}>${text.notNow}</button>
        </div>
      </fieldset>
    </div>`;
  }

  #renderPast(past: { items?: PastConversation[]; error?: string }) {
    const text = this.#text;
    const locale = this.host.locale() || undefined;
    const when = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' });
    return html`<section class="past" aria-labelledby="past-heading">
      <button class="link" @click=${this.#closePast}>${text.backToChat}</button>
      <h3 id="past-heading">${text.past}</h3>
      ${past.error ? html`<p class="error" role="alert">${past.error}</p>` : nothing}
      ${past.items?.length === 0 ? html`<p>${text.noPast}</p>` : nothing}
      <ul>
        ${(past.items ?? []).map(
          item =>
            html`<li>
              <button aria-current=${item.groupId === this.#group ? 'true' : 'false'} @click=${() => this.#openOne(item.groupId)}>
                ${text.pastItem(item.createdAt ? when.format(item.createdAt) : '', item.resolved, item.lastMessage)}
              </button>
            </li>`,
        )}
      </ul>
    </section>`;
  }

  #time(at: Date) {
    return new Intl.DateTimeFormat(this.host.locale() || undefined, { dateStyle: 'short', timeStyle: 'short' }).format(at);
  }

  /** Says it to the visitor: a refusal's own sentence, the widget's words for no answer at all. */
  #said(error: unknown) {
    return errorText(error instanceof Error ? error : new Error(String(error)), this.host.strings());
  }

  #update() {
    this.host.element.requestUpdate();
  }

  /**
   * Not forms, these questions: the composer stays the panel's one form, and Enter in the text box is its own.
   * The server judges what is sent (a score, an address) and says what it refused.
   */
  readonly #rate = async () => {
    const rating = this.#rating;
    const group = this.#group;
    if (!rating || group === undefined) return;
    const comment = this.host.element.renderRoot.querySelector<HTMLTextAreaElement>('.rating textarea')?.value.trim();
    rating.asking = { phase: 'sending' };
    this.#update();
    try {
      await this.host.conversation.call(`chats/${encodeURIComponent(group)}/rating`, {
        score: rating.score,
        comment: comment || undefined,
      });
      rating.asking = { phase: 'done', said: this.#text.thanks };
    } catch (error) {
      // 409: rated already, here or in another tab. Thanks all the same.
      rating.asking = statusOf(error) === 409 ? { phase: 'done', said: this.#text.thanks } : { phase: 'ask', error: this.#said(error) };
    }
    this.#update();
  };

  readonly #dismissRating = () => {
    if (this.#rating) this.#rating.asking = { phase: 'dismissed' };
    this.#update();
  };

  readonly #saveEmail = async () => {
    const group = this.#group;
    const key = this.host.conversation.key;
    if (group === undefined || !key) return;
    const email = this.host.element.renderRoot.querySelector<HTMLInputElement>('.contact input')?.value.trim() ?? '';
    this.#contact = { phase: 'sending' };
    this.#update();
    try {
      await this.host.conversation.call(`chats/${encodeURIComponent(group)}/contact`, { email });
      this.#contact = { phase: 'done', said: this.#text.emailSaved(email) };
      remember(key);
    } catch (error) {
      this.#contact = { phase: 'ask', error: statusOf(error) === 400 ? this.#text.emailRefused : this.#said(error) };
    }
    this.#update();
  };

  readonly #dismissContact = () => {
    const key = this.host.conversation.key;
    if (key) remember(key);
    this.#contact = { phase: 'dismissed' };
    this.#update();
  };

  readonly #startNew = async () => {
    try {
      const answer = (await this.host.conversation.call('visitors/conversations', {})) as { groupId?: unknown };
      if (typeof answer.groupId === 'number') this.host.conversation.open(String(answer.groupId));
    } catch (error) {
      if (this.#rating) this.#rating.asking = { phase: 'ask', error: this.#said(error) };
      this.#update();
    }
  };

  readonly #openPast = async () => {
    const past: { items?: PastConversation[]; error?: string } = {};
    this.#past = past;
    this.#update();
    try {
      const answer = (await this.host.conversation.call('visitors/conversations')) as { conversations?: unknown };
      past.items = Array.isArray(answer.conversations) ? answer.conversations.map(parsePast).filter(item => !!item) : [];
    } catch (error) {
      past.error = this.#said(error);
    }
    this.#update();
    await this.host.element.updateComplete;
    this.host.element.renderRoot.querySelector<HTMLElement>('.past h3 + * button, .past li button')?.focus();
  };

  readonly #closePast = () => {
    this.#past = undefined;
    this.#update();
  };

  #openOne(group: string) {
    this.#past = undefined;
    if (group !== this.#group) this.host.conversation.open(group);
    this.#update();
  }
}

/**
 * The grant for a visitor who signed in with `token`: their conversation is the page's `group`, else the newest
 * the server lists for them, else a new one; none from a server without the list (the page must name it).
 */
export async function signIn(
  token: string,
  host: { readonly group?: string; readonly hubUrl?: string; readonly apiUrl?: string; readonly requestTimeout: number },
): Promise<TokenGrant> {
  if (host.group !== undefined) return { token };
  const api = new ChatApi(
    apiBaseOf(host.hubUrl, host.apiUrl) ?? '',
    { current: async () => token, fresh: async () => token },
    () => host.requestTimeout,
  );
  try {
    const list = (await api.call('visitors/conversations')) as { conversations: { groupId: number }[] };
    const newest = list.conversations[0] ?? ((await api.call('visitors/conversations', {})) as { groupId: number });
    return { token, groupId: String(newest.groupId) };
  } catch {
    return { token };
  }
}

const statusOf = (error: unknown) => (error as { status?: number } | undefined)?.status;

const date = (value: unknown) => {
  const at = typeof value === 'string' ? new Date(value) : undefined;
  return at && !Number.isNaN(at.getTime()) ? at : undefined;
};

const person = (value: unknown): Person | undefined => {
  const name = (value as { name?: unknown } | null)?.name;
  return typeof name === 'string' ? { name: name.slice(0, 200) } : undefined;
};

/** A `ConversationState` push or the GET answer; anything not shaped like one is ignored. */
function parseState(value: unknown): ConversationState | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as Record<string, unknown>;
  if ((typeof v.groupId !== 'number' && typeof v.groupId !== 'string') || typeof v.resolution !== 'number') return undefined;
  const rating = v.rating as { score?: unknown; comment?: unknown } | null;
  return {
    groupId: String(v.groupId),
    resolved: v.state === 'resolved',
    resolution: v.resolution,
    resolvedAt: date(v.resolvedAt),
    resolvedBy: person(v.resolvedBy),
    reopenedAt: date(v.reopenedAt),
    reopenedBy: person(v.reopenedBy),
    rated: v.rated === true,
    rating:
      typeof rating?.score === 'number'
        ? { score: rating.score, comment: typeof rating.comment === 'string' ? rating.comment : undefined }
        : undefined,
  };
}

function parseAvailability(value: unknown): Availability | undefined {
  const { online, nextOpenAt } = (value ?? {}) as { online?: unknown; nextOpenAt?: unknown };
  return typeof online === 'boolean' ? { online, nextOpenAt: date(nextOpenAt) } : undefined;
}

function parsePast(value: unknown): PastConversation | undefined {
  const { groupId, createdAt, state, lastMessage } = (value ?? {}) as Record<string, unknown>;
  if (typeof groupId !== 'number') return undefined;
  return {
    groupId: String(groupId),
    createdAt: date(createdAt),
    resolved: state === 'resolved',
    lastMessage: typeof lastMessage === 'string' ? lastMessage.slice(0, 200) : '',
  };
}

/** The email question, answered or put away for a conversation: not asked again there, on any visit. */
const ASKED = 'support-chat:contact-asked:';

function asked(key: string): boolean {
  try {
    return localStorage.getItem(ASKED + key) !== null;
  } catch {
    return false;
  }
}

function remember(key: string) {
  try {
    localStorage.setItem(ASKED + key, '1');
  } catch {
    // Storage refused: asked again on the next visit, no worse than that.
  }
}

const flowStyles = css`
  .availability {
    margin: 2px 0 0;
    font-size: 13px;
    opacity: 0.9;
  }

  .link {
    align-self: center;
    padding: 4px 8px;
    border: none;
    background: none;
    color: inherit;
    font: inherit;
    font-size: 14px;
    text-decoration: underline;
    cursor: pointer;
  }

  .flow {
    display: flex;
    flex-direction: column;
    gap: 8px;
    margin-block-start: 12px;
  }

  .resolution {
    align-self: center;
    margin: 0;
    padding: 4px 12px;
    border-radius: 10px;
    background: var(--_bubble);
    font-size: 14px;
    text-align: center;
  }

  .said {
    margin: 0;
    text-align: center;
    font-size: 14px;
  }

  .seen {
    color: var(--_muted);
    font-size: 12px;
  }

  .ask {
    margin-block-start: 12px;
    padding: 12px;
    border: 1px solid color-mix(in srgb, var(--_text) 25%, transparent);
    border-radius: var(--_radius);
  }

  fieldset {
    display: flex;
    flex-direction: column;
    gap: 8px;
    margin: 0;
    padding: 0;
    border: none;
  }

  legend {
    padding: 0;
    margin-block-end: 8px;
    font-weight: 600;
  }

  .score {
    position: relative;
  }

  .score input {
    position: absolute;
    inset: 0;
    margin: 0;
    opacity: 0;
    cursor: pointer;
  }

  .score span {
    display: grid;
    place-items: center;
    width: 36px;
    height: 36px;
    border: 1px solid color-mix(in srgb, var(--_text) 35%, transparent);
    border-radius: 50%;
  }

  .score input:checked + span {
    background: var(--_accent);
    color: var(--_accent-text);
  }

  .score input:focus-visible + span {
    outline: 2px solid var(--_accent);
    outline-offset: 2px;
  }

  .log label:not(.score) {
    display: flex;
    flex-direction: column;
    gap: 4px;
    font-size: 14px;
  }

  .ask input[type='email'],
  .ask textarea {
    padding: 6px 10px;
    border: 1px solid color-mix(in srgb, var(--_text) 35%, transparent);
    border-radius: 8px;
    background: var(--_background);
    color: inherit;
    font: inherit;
    font-size: 16px;
  }

  .actions {
    display: flex;
    gap: 8px;
    align-items: center;
  }

  .primary {
    align-self: flex-start;
    padding: 8px 16px;
    border: none;
    border-radius: 12px;
    background: var(--_accent);
    color: var(--_accent-text);
    font: inherit;
    font-weight: 600;
  }

  .error {
    margin: 0;
    color: var(--_danger);
    font-size: 14px;
  }

  .past ul {
    display: flex;
    flex-direction: column;
    gap: 6px;
    margin: 0;
    padding: 0;
    list-style: none;
  }

  .past h3 {
    margin: 8px 0;
    font-size: 15px;
  }

  .past li button {
    width: 100%;
    padding: 8px 12px;
    border: 1px solid color-mix(in srgb, var(--_text) 25%, transparent);
    border-radius: 8px;
    background: var(--_background);
    color: inherit;
    font: inherit;
    font-size: 14px;
    text-align: start;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }

  .past li button[aria-current='true'] {
    border-color: var(--_accent);
  }
`;
