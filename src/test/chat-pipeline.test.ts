import { expect } from '@open-wc/testing';
import fc from 'fast-check';
import type { ChatRest, HistoryQuery } from '../chat-api.js';
import { COMMIT_MARGIN_MS, ChatSession, type Clock } from '../chat-session.js';
import { parseHistory, parseMessage, type WireMessage } from '../hub-protocol.js';
import type { TokenIdentity } from '../token-source.js';
import type { ChatMessage } from '../types.js';

/*
 * The pipeline (pushes → session → store, history catch-ups, my sends) against a small in-memory model of
 * the server, under random interleavings. The model stands in for the REST API through the same
 * `ChatRest` interface the session uses, and its pushes go through `session.receive`, as the hub's do.
 * Every request, answer and push is a task in a pool; the scenario says which task runs next, so answers
 * come late, pushes come out of order, twice, or not at all while disconnected.
 */

const GROUP = '5';
const ME = 7;
const AGENT = 1;
const TEXTS = ['ok', 'hi', 'thanks'] as const;

/** What the server does with a send: store it and answer, store it and lose the answer, or fail. */
type Fate = 'ok' | 'lost' | 'failed';

/** Which of the reference server's extensions the model server has; none of them is the seed. */
interface Mode {
  /** Pushes and history carry `clientMessageId`. */
  echoClientId: boolean;
  /** The send answers `{ success, chat }`, not only `{ success: true }`. */
  answerWithMessage: boolean;
  /** `afterId`, `beforeId` and `limit` are honoured, and pages come in id order; else everything, in any order. */
  paging: boolean;
  /** What a push says its group is: the seed says nothing. */
  pushGroupId: undefined | number | string;
  /** Shuffles the seed's history. */
  shuffle: number;
}

type Action =
  | { kind: 'send'; text: string; fate: Fate }
  | { kind: 'agent'; text: string; late: boolean }
  | { kind: 'burst'; text: string }
  | { kind: 'tick'; ms: number }
  | { kind: 'elsewhere' }
  | { kind: 'run'; pick: number; fail: boolean }
  | { kind: 'repeat'; pick: number }
  | { kind: 'drop' }
  | { kind: 'reconnect'; twice: boolean }
  | { kind: 'older' }
  | { kind: 'retry'; pick: number; fate: Fate };

interface Task {
  readonly name: string;
  run(fail: boolean): void;
}

interface Stored extends WireMessage {
  groupId: string;
  /** Which of my sends this is, known to the model even where the wire does not say it. */
  sentAs?: string;
}

/** A message numbered, not committed yet. */
interface Uncommitted {
  readonly id: number;
  readonly text: string;
  readonly userId: number;
  readonly sentAs?: string;
  /** When it was numbered. */
  readonly at: number;
  commit(): void;
}

const seedMode: Mode = { echoClientId: false, answerWithMessage: false, paging: false, pushGroupId: undefined, shuffle: 0 };

/** Lets the session's awaits run: every model answer resolves at once, so a few turns of the microtask queue do. */
async function settle() {
  for (let i = 0; i < 30; i++) await Promise.resolve();
}

/** The server, the network between it and the widget, and the widget's connection. */
class World implements ChatRest, Clock {
  readonly stored: Stored[] = [];
  readonly pool: Task[] = [];
  readonly pushes: unknown[] = [];
  readonly session: ChatSession;
  connected = true;
  /** Set when a push was lost or a catch-up failed: the widget then needs its next join to catch up. */
  missed = false;
  /** How each send of mine turns out, by its `clientMessageId`. */
  readonly fates = new Map<string, Fate>();
  readonly sends = new Map<string, string>();
  #nextId = 1;
  #random: number;
  /** The time, moved by `tick` only. */
  time = 0;
  /**
   * Messages the server has numbered but not committed yet: history does not see them and nobody has
   * been pushed them, while later ones may be committed (PostgreSQL's commit order is not id order).
   * Each commits within `COMMIT_MARGIN_MS` of being numbered: the bound the session's catch-up relies on.
   */
  readonly #uncommitted: Uncommitted[] = [];

  /** Who the token says I am: unknown until the first request fetched a token, in some runs. */
  readonly tokens: { identity: TokenIdentity };

  constructor(
    readonly mode: Mode,
    initial: readonly { text: string; userId: number; late: boolean }[],
    identityLate = false,
  ) {
    this.tokens = { identity: identityLate ? {} : { userId: ME, name: 'Ann' } };
    this.#random = mode.shuffle;
    // From before this widget joined: in the history, and some of their pushes still on the way.
    for (const { text, userId, late } of initial) {
      if (late) this.#store(text, userId, GROUP);
      else this.stored.push(this.#message(text, userId, GROUP));
    }
    this.session = new ChatSession(
      GROUP,
      this,
      this.tokens,
      { onMessages: () => undefined, onChange: () => undefined, onError: () => undefined, onSendFailed: () => undefined },
      { first: 4, catchUp: 3 },
      this,
    );
  }

  history(groupId: string, query: HistoryQuery = {}): Promise<ChatMessage[]> {
    return new Promise((resolve, reject) => {
      this.pool.push({
        name: `GET ${JSON.stringify(query)}`,
        run: () => {
          // Sending a request fetched a token.
          this.tokens.identity = { userId: ME, name: 'Ann' };
          const page = this.#page(groupId, query);
          this.pool.push({
            name: 'GET answer',
            run: fail => {
              if (fail) {
                this.missed = true;
                reject(new Error('The server did not answer.'));
              } else resolve(parseHistory({ chats: page }));
            },
          });
        },
      });
    });
  }

  send(groupId: string, text: string, clientMessageId: string): Promise<ChatMessage | undefined> {
    const fate = this.fates.get(clientMessageId) ?? 'ok';
    return new Promise((resolve, reject) => {
      this.pool.push({
        name: `POST ${text} (${fate})`,
        run: () => {
          const answer = (stored?: Stored) =>
            this.pool.push({
              name: `POST answer ${text}`,
              run: () => {
                if (fate !== 'ok')
                  reject(new Error(fate === 'lost' ? 'The server did not answer within 15 s.' : 'The server answered 500.'));
                else resolve(stored && this.mode.answerWithMessage ? parseMessage(this.#wire(stored)) : undefined);
              },
            });
          if (fate === 'failed') answer();
          else this.#storeOnce(text, groupId, clientMessageId, answer);
        },
      });
    });
  }

  now(): number {
    return this.time;
  }

  /** A timer of the session's: it fires at some later turn. */
  later(run: () => void) {
    this.pool.push({ name: 'timer', run });
  }

  /** Time passes: what was numbered longer ago than a commit can take is committed first. */
  tick(ms: number) {
    for (const late of this.#uncommitted.filter(u => u.at + COMMIT_MARGIN_MS <= this.time + ms + 1)) late.commit();
    this.time += ms;
  }

  /** Someone posts to a group: the server stores it and pushes it to the group, now or (`late`) when it commits. */
  post(text: string, userId: number, groupId: string, late = false) {
    if (!late) {
      this.#store(text, userId, groupId);
      return;
    }
    const uncommitted: Uncommitted = {
      id: this.#nextId++,
      text,
      userId,
      at: this.time,
      commit: () => {
        if (this.#committing(uncommitted)) this.#store(text, userId, groupId, undefined, uncommitted.id);
      },
    };
    this.#uncommitted.push(uncommitted);
    this.pool.push({ name: `commit ${uncommitted.id}`, run: () => uncommitted.commit() });
  }

  /** Takes a message off the uncommitted list: false if it was committed already. */
  #committing(uncommitted: Uncommitted): boolean {
    const index = this.#uncommitted.indexOf(uncommitted);
    if (index < 0) return false;
    this.#uncommitted.splice(index, 1);
    return true;
  }

  /** How many copies of my messages with this text the server has, committed or not. */
  copiesOfMine(text: string): number {
    return (
      this.stored.filter(m => m.groupId === GROUP && m.userId === ME && m.message === text).length +
      this.#uncommitted.filter(u => u.userId === ME && u.text === text).length
    );
  }

  /** Whether a send of mine has a copy on the server, committed or not. */
  hasCopy(clientMessageId: string): boolean {
    return this.stored.some(m => m.sentAs === clientMessageId) || this.#uncommitted.some(u => u.sentAs === clientMessageId);
  }

  /** A push for the group this widget has just left, still on its way (only a server that names the group can say so). */
  pushElsewhere() {
    if (this.mode.pushGroupId === undefined) return;
    const message = {
      id: this.#nextId++,
      name: 'Agent',
      message: 'elsewhere',
      userId: AGENT,
      userAvatarUrl: null,
      isMe: false,
      groupId: '9',
    };
    this.#push(message);
  }

  repeat(pick: number) {
    if (this.pushes.length > 0) this.#push(this.pushes[pick % this.pushes.length]);
  }

  #message(text: string, userId: number, groupId: string, sentAs?: string, id = this.#nextId++): Stored {
    return {
      id,
      name: userId === ME ? 'Ann' : 'Agent',
      message: text,
      userId,
      userAvatarUrl: null,
      isMe: false,
      groupId,
      sentAs,
    };
  }

  /**
   * The reference server keeps a retried message once, answers the stored one and pushes it again; the
   * seed knows no `clientMessageId` and stores every try.
   */
  #storeOnce(text: string, groupId: string, clientMessageId: string, answer: (stored: Stored) => void) {
    const extended = this.mode.echoClientId || this.mode.answerWithMessage;
    if (extended) this.#uncommitted.find(u => u.sentAs === clientMessageId)?.commit();
    const earlier = extended ? this.stored.find(m => m.sentAs === clientMessageId) : undefined;
    if (earlier) {
      this.#push(this.#wire(earlier, this.mode.pushGroupId));
      answer(earlier);
      return;
    }
    // Numbered now, committed (seen by history, pushed, answered) when its task runs.
    const late: Uncommitted = {
      id: this.#nextId++,
      text,
      userId: ME,
      sentAs: clientMessageId,
      at: this.time,
      commit: () => {
        if (this.#committing(late)) answer(this.#store(text, ME, groupId, clientMessageId, late.id));
      },
    };
    this.#uncommitted.push(late);
    this.pool.push({ name: `commit ${late.id}`, run: () => late.commit() });
  }

  #store(text: string, userId: number, groupId: string, sentAs?: string, id?: number): Stored {
    const message = this.#message(text, userId, groupId, sentAs, id);
    this.stored.push(message);
    if (groupId === GROUP) this.#push(this.#wire(message, this.mode.pushGroupId));
    return message;
  }

  #push(payload: unknown) {
    this.pool.push({
      name: `push ${(payload as WireMessage).id}`,
      run: () => {
        this.pushes.push(payload);
        if (this.connected) this.session.receive([payload]);
        else this.missed = true;
      },
    });
  }

  /** The message as the wire carries it: the seed's fields, and the extensions this server has. */
  #wire(message: Stored, groupId: unknown = message.groupId): WireMessage {
    const { id, name, message: text, userId, sentAs } = message;
    return {
      id,
      name,
      message: text,
      userId,
      userAvatarUrl: null,
      isMe: false,
      ...(groupId === undefined ? {} : { groupId: groupId as string }),
      ...(this.mode.echoClientId && sentAs ? { clientMessageId: sentAs } : {}),
    };
  }

  #page(groupId: string, { afterId, beforeId, limit }: HistoryQuery): WireMessage[] {
    const all = this.stored
      .filter(m => m.groupId === groupId)
      .sort((a, b) => a.id - b.id)
      .map(m => this.#wire(m));
    if (!this.mode.paging) return this.#shuffled(all);
    if (afterId !== undefined) return all.filter(m => m.id > afterId).slice(0, limit);
    const older = beforeId === undefined ? all : all.filter(m => m.id < beforeId);
    return limit === undefined ? older : older.slice(-limit);
  }

  #shuffled<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      this.#random = (this.#random * 1103515245 + 12345) % 2147483648;
      const j = this.#random % (i + 1);
      [items[i], items[j]] = [items[j], items[i]];
    }
    return items;
  }

  /** The group as the server has it, in id order. */
  get conversation(): Stored[] {
    return this.stored.filter(m => m.groupId === GROUP).sort((a, b) => a.id - b.id);
  }
}

const text = fc.constantFrom(...TEXTS);
const fate = fc.constantFrom<Fate>('ok', 'ok', 'ok', 'lost', 'failed');
const action: fc.Arbitrary<Action> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('send' as const), text, fate }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('agent' as const), text, late: fc.boolean() }) },
  // Two messages from others numbered back to back, the second committed (and pushed) before the first.
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('burst' as const), text }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('tick' as const), ms: fc.constantFrom(1, 100, 2_000, COMMIT_MARGIN_MS) }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'elsewhere' as const }) },
  { weight: 12, arbitrary: fc.record({ kind: fc.constant('run' as const), pick: fc.nat(), fail: fc.nat(9).map(n => n === 0) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('repeat' as const), pick: fc.nat() }) },
  { weight: 3, arbitrary: fc.constant({ kind: 'drop' as const }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('reconnect' as const), twice: fc.boolean() }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'older' as const }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('retry' as const), pick: fc.nat(), fate }) },
);
// The seed; a server that pages its history but answers sends as the seed does (where a catch-up that
// skips shows most); and any mix of the extensions.
const mode: fc.Arbitrary<Mode> = fc.oneof(
  fc.nat().map(shuffle => ({ ...seedMode, shuffle })),
  fc.nat().map(shuffle => ({ ...seedMode, paging: true, shuffle })),
  fc.record({
    echoClientId: fc.boolean(),
    answerWithMessage: fc.boolean(),
    paging: fc.boolean(),
    pushGroupId: fc.constantFrom(undefined, 5, '5'),
    shuffle: fc.nat(),
  }),
);
const initial = fc.array(fc.record({ text, userId: fc.constantFrom(ME, AGENT), late: fc.boolean() }), { maxLength: 9 });

const run = (pick: number): Action => ({ kind: 'run', pick, fail: false });
/**
 * Cases run first, every time: a late commit whose push is lost after a read saw the message above it,
 * with the catch-ups that must not resume above it (found by the property when the resume point did not lag).
 */
const EXAMPLES: [Mode, { text: string; userId: number; late: boolean }[], boolean, Action[]][] = [
  [
    { ...seedMode, paging: true },
    [],
    false,
    [
      { kind: 'burst', text: 'ok' },
      { kind: 'reconnect', twice: false },
      { kind: 'run', pick: 0, fail: true },
      run(1253209043),
      { kind: 'run', pick: 813863078, fail: true },
      { kind: 'drop' },
    ],
  ],
  // Two catch-ups back to back both see 3 while 2 is committing; 2's push is lost.
  [
    { ...seedMode, paging: true },
    [],
    false,
    [
      run(0),
      run(0),
      { kind: 'agent', text: 'hi', late: false },
      run(0),
      { kind: 'reconnect', twice: false },
      run(0),
      run(0),
      { kind: 'tick', ms: COMMIT_MARGIN_MS },
      { kind: 'burst', text: 'ok' },
      { kind: 'reconnect', twice: true },
      run(2),
      run(2),
      run(2),
      run(2),
      { kind: 'drop' },
      run(0),
      run(0),
      run(0),
    ],
  ],
];

async function step(world: World, act: Action) {
  switch (act.kind) {
    case 'send': {
      void world.session.send(act.text);
      // The pending message is shown at once, last.
      const clientMessageId = world.session.store.messages.at(-1)!.clientMessageId!;
      world.fates.set(clientMessageId, act.fate);
      world.sends.set(clientMessageId, act.text);
      break;
    }
    case 'agent':
      world.post(act.text, AGENT, GROUP, act.late);
      break;
    case 'burst':
      world.post(act.text, AGENT, GROUP, true);
      world.post(act.text, AGENT, GROUP);
      break;
    case 'tick':
      world.tick(act.ms);
      break;
    case 'elsewhere':
      world.pushElsewhere();
      break;
    case 'run':
      if (world.pool.length > 0) world.pool.splice(act.pick % world.pool.length, 1)[0].run(act.fail);
      break;
    case 'repeat':
      world.repeat(act.pick);
      break;
    case 'drop':
      world.connected = false;
      break;
    case 'reconnect':
      // A join (or a wake) catches up, as the hub controller's `onJoined` does.
      world.connected = true;
      void world.session.catchUp();
      // A wake right behind the join: a second catch-up queued at once.
      if (act.twice) void world.session.catchUp();
      break;
    case 'retry': {
      // The retry button of one of my failed messages.
      const failed = world.session.store.messages.filter(m => m.state === 'failed');
      if (failed.length === 0) break;
      const clientMessageId = failed[act.pick % failed.length].clientMessageId!;
      world.fates.set(clientMessageId, act.fate);
      void world.session.retry(clientMessageId);
      break;
    }
    case 'older':
      void world.session.loadOlder();
      break;
  }
  await settle();
}

/** What must hold at every moment: each message once, in order, and no message of mine doubled or gone. */
function checkAlways(world: World, seenMine: Set<string>) {
  const shown = world.session.store.messages;
  const keys = shown.map(m => m.key);
  expect(new Set(keys).size, `a key shown twice: ${keys.join(' ')}`).to.equal(keys.length);

  const ids = shown.filter(m => m.id !== undefined).map(m => m.id!);
  expect(ids, 'server messages in id order, each once').to.deep.equal([...new Set(ids)].sort((a, b) => a - b));
  const firstWithout = shown.findIndex(m => m.id === undefined);
  if (firstWithout >= 0)
    expect(
      shown.slice(firstWithout).every(m => m.id === undefined),
      'messages on their way come last',
    ).to.equal(true);

  // As the element renders them: a message on its way is mine whatever id it was shown with at Enter.
  const isMine = (m: ChatMessage) => m.id === undefined || m.userId === ME;
  const mine = shown.filter(isMine);
  for (const key of seenMine) expect(keys, `a message of mine disappeared (${key})`).to.include(key);
  for (const m of shown) if (seenMine.has(m.key)) expect(isMine(m), `a bubble of mine no longer marked mine (${m.key})`).to.equal(true);
  for (const m of mine) seenMine.add(m.key);
  for (const t of TEXTS) {
    // Each copy the server has (the seed stores every try of a retry), and each send it has none of yet.
    const unstored = [...world.sends].filter(([clientMessageId, s]) => s === t && !world.hasCopy(clientMessageId)).length;
    expect(mine.filter(m => m.text === t).length, `"${t}" of mine shown more often than it was sent`).to.be.at.most(
      world.copiesOfMine(t) + unstored,
    );
  }
}

/** After everything has arrived: the list is the server's, and each of my messages is sent or failed. */
function checkSettled(world: World) {
  const shown = world.session.store.messages;
  const server = world.conversation;
  // Compared as text, so a failure prints both lists whole.
  expect(
    shown
      .filter(m => m.id !== undefined)
      .map(m => `${m.id}:${m.userId}:${m.text}`)
      .join(' '),
    'the list is the server’s, each once, in id order',
  ).to.equal(server.map(m => `${m.id}:${m.userId}:${m.message}`).join(' '));
  const unsent = shown.filter(m => m.id === undefined);
  expect(
    unsent.map(m => m.state),
    'every message of mine without a server copy has failed',
  ).to.deep.equal(unsent.map(() => 'failed'));
  for (const t of TEXTS) {
    const sent = [...world.sends.values()].filter(s => s === t).length;
    // The seed stores each try of a retry: then one message has two copies, and both show.
    const stored = server.filter(m => m.sentAs !== undefined && m.message === t).length;
    expect(unsent.filter(m => m.text === t).length, `failed "${t}" shown as often as its sends were not stored`).to.equal(
      Math.max(0, sent - stored),
    );
  }
}

/** Runs every task left, in the order they were made, checking after each as after every step. */
async function quiesce(world: World, check: () => void) {
  for (let turns = 0; world.pool.length > 0; turns++) {
    if (turns > 10_000) throw new Error('the pipeline never went quiet');
    world.pool.shift()!.run(false);
    await settle();
    check();
  }
}

describe('the message pipeline, under random interleavings (fast-check)', () => {
  it('shows the server’s conversation once each, in order, and each of my messages once from send to settled', async function () {
    this.timeout(120_000);
    await fc
      .assert(
        fc.asyncProperty(mode, initial, fc.boolean(), fc.array(action, { maxLength: 60 }), async (mode, initial, identityLate, actions) => {
          const world = new World(mode, initial, identityLate);
          const seenMine = new Set<string>();
          const check = () => checkAlways(world, seenMine);
          // The join's first catch-up.
          void world.session.catchUp();
          await settle();
          for (const act of actions) {
            await step(world, act);
            check();
          }
          await quiesce(world, check);
          if (!world.connected || world.missed) {
            // What the next join does: it catches up.
            world.connected = true;
            void world.session.catchUp();
            await settle();
            await quiesce(world, check);
          }
          // The reader scrolls to the start.
          for (let pages = 0; world.session.hasOlder; pages++) {
            if (pages > 100) throw new Error('loading older messages never reached the start');
            void world.session.loadOlder();
            await settle();
            await quiesce(world, check);
          }
          checkSettled(world);
        }),
        { numRuns: 5000, examples: EXAMPLES },
      )
      .catch((error: Error) => {
        // The runner prints the message, not its cause: the broken invariant goes with the seed and the case.
        throw new Error(`${error.message}\n${String((error.cause as Error | undefined)?.message ?? '')}`);
      });
  });
});
