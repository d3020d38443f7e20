import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import '../define.js';
import type { SupportChatErrorEvent } from '../events.js';
import type { ChatConnection } from '../hub-connection-controller.js';
import { HubMethods } from '../hub-protocol.js';
import type { SupportChat } from '../support-chat.js';
import { MARK_INTERVAL_MS } from '../flow-read-marks.js';
import { FakeConnection, loadConversationCode, settle } from './fake-connection.js';

/*
 * The workflow's timing with a fake hub connection: when MarkRead goes out, and that a hub without the
 * workflow gets none of it. What the server does with them is proven in integration/workflow.test.ts.
 */

/** A token whose `sid` says I am user 5 (the fake hub reads no signature). */
const VISITOR_TOKEN = `x.${btoa(JSON.stringify({ sid: 5 }))}.x`;
const visitorSays = (id: number, groupId = 1) => ({
  id,
  name: 'Me',
  message: `question ${id}`,
  userId: 5,
  userAvatarUrl: null,
  isMe: true,
  groupId,
});
const agentSays = (id: number) => ({ id, name: 'Agent', message: `answer ${id}`, userId: 1, userAvatarUrl: null, isMe: false, groupId: 1 });

/** A widget on conversation 1 through a fake connection; `seedHub`: the hub refuses WatchAvailability, as the seed's does. */
async function widget({ open = true, seedHub = false, away = false, holdAvailability = false, token = VISITOR_TOKEN } = {}) {
  const connection = new FakeConnection();
  const releaseAvailability = holdAvailability ? connection.hold('WatchAvailability()') : undefined;
  if (seedHub) connection.refuse.set('WatchAvailability', new Error('Method does not exist.'));
  if (away) {
    // Nobody there: the answer to WatchAvailability says so.
    const invoke = connection.invoke.bind(connection);
    (connection as ChatConnection).invoke = async (method: string, ...args: unknown[]) => {
      await invoke(method, ...args);
      return method === 'WatchAvailability' ? { online: false } : undefined;
    };
  }
  const element = await fixture<SupportChat>(html`
    <support-chat
      ?open=${open}
      hub-url="https://chat.example/hubs/groupchat"
      api-url=${`${location.origin}/no-such-api/`}
      group="1"
      .tokenProvider=${() => token}
      .createConnection=${() => connection}
    ></support-chat>
  `);
  await waitUntil(() => element.status === 'connected' && connection.calls.includes('WatchAvailability()'), 'never joined');
  return { element, connection, releaseAvailability };
}

/**
 * Holds the page's requests whose URL has `part` (and, if given, this method) until the test releases each with
 * an answer; every other request goes on to the page's server (which knows no such API).
 */
function heldRequests(part: string, method?: string) {
  const real = window.fetch;
  const releases: ((answer: Response) => void)[] = [];
  window.fetch = (input, init) => {
    const url = String(input instanceof Request ? input.url : input);
    if (!url.includes(part) || (method && init?.method !== method)) return real(input, init);
    return new Promise(resolve => releases.push(resolve));
  };
  return { releases, restore: () => (window.fetch = real) };
}

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': status < 400 ? 'application/json' : 'application/problem+json' },
  });

/** A's rows, as the server would list them. */
const pastOfA = () => json({ conversations: [{ groupId: 41, state: 'open', lastMessage: "A's secret" }] });

const marks = (connection: FakeConnection) => connection.calls.filter(call => call.startsWith('MarkRead('));

describe('the support workflow with a fake connection', () => {
  before(loadConversationCode);
  // A question put away is remembered by the browser: each test starts with none.
  beforeEach(() => {
    for (const key of Object.keys(localStorage)) if (/^support-chat:(rating|contact)-asked:/.test(key)) localStorage.removeItem(key);
  });

  it('MarkRead: at most once per interval however many messages come, only forward, with the newest id', async () => {
    const { element, connection } = await widget();
    const started = performance.now();
    // A lively conversation: a message drawn every few frames for well over an interval.
    for (let id = 1; id <= 30; id++) {
      connection.push(HubMethods.receiveMessage, agentSays(id));
      await waitUntil(() => element.messages.length === id, 'a push never arrived');
      await element.updateComplete;
      await new Promise(resolve => setTimeout(resolve, 50));
    }
    await waitUntil(() => marks(connection).at(-1) === 'MarkRead(1,30)', 'the newest was never marked read', { timeout: 5000 });
    const elapsed = performance.now() - started;
    const sent = marks(connection);
    expect(sent.length).to.be.at.most(Math.floor(elapsed / MARK_INTERVAL_MS) + 1);
    const ids = sent.map(call => Number(/,(\d+)\)/.exec(call)![1]));
    expect(ids).to.deep.equal([...ids].sort((a, b) => a - b));
    expect(new Set(ids).size).to.equal(ids.length);

    // An older message arriving late moves nothing back, and sends nothing: the next mark is the newer one's.
    connection.push(HubMethods.receiveMessage, agentSays(3));
    await element.updateComplete;
    connection.push(HubMethods.receiveMessage, agentSays(31));
    await waitUntil(() => marks(connection).at(-1) === 'MarkRead(1,31)', 'the newer was never marked read', { timeout: 5000 });
    expect(marks(connection)).to.deep.equal([...sent, 'MarkRead(1,31)']);
  });

  it('marks nothing while the panel is closed; opening it marks the newest', async () => {
    const { element, connection } = await widget({ open: false });
    connection.push(HubMethods.receiveMessage, agentSays(7));
    await waitUntil(() => element.messages.length === 1, 'the push never arrived');
    await element.updateComplete;
    await settle();
    expect(marks(connection)).to.deep.equal([]);
    element.show();
    await waitUntil(() => marks(connection).includes('MarkRead(1,7)'), 'opening the panel did not mark it read');
  });

  it("a hub without the workflow (the seed's): no MarkRead, no header line, no list of past conversations, no warning", async () => {
    const warnings: unknown[] = [];
    const warn = console.warn;
    console.warn = (...args: unknown[]) => warnings.push(args);
    try {
      const { element, connection } = await widget({ seedHub: true });
      connection.push(HubMethods.receiveMessage, agentSays(1));
      await waitUntil(() => element.messages.length === 1, 'the push never arrived');
      await element.updateComplete;
      // As for the closed panel above: with the workflow, the drawn message is marked by now.
      await settle();
      expect(marks(connection)).to.deep.equal([]);
      const root = element.shadowRoot!;
      expect(root.querySelector('.availability, .past-open, .seen') !== null).to.equal(false);
      expect(warnings).to.deep.equal([]);
    } finally {
      console.warn = warn;
    }
  });

  it('an empty conversation while nobody is there promises no answer "within a few minutes"', async () => {
    const { element } = await widget({ away: true });
    await waitUntil(() => element.shadowRoot!.querySelector('.availability'), 'the header said nothing of availability');
    await waitUntil(() => element.shadowRoot!.querySelector('.empty'), 'no empty state');
    expect(element.shadowRoot!.querySelector('.empty')!.textContent).to.equal(
      'Ask us anything. Nobody is here right now: we will answer when we are back.',
    );
  });

  it('logout takes the availability line out of the header', async () => {
    const { element } = await widget({ away: true });
    await waitUntil(() => element.shadowRoot!.querySelector('.availability'), 'the header said nothing of availability');
    await element.logout();
    await element.updateComplete;
    expect(element.shadowRoot!.querySelector('.availability') !== null).to.equal(false, 'the line stayed after logout');
  });

  it('a token on its way when identify() is called: its end says nothing, neither in the banner nor as an error event', async () => {
    // The conversation's history is empty and its state open, so any error is the token's.
    const real = window.fetch;
    window.fetch = async () => json({ chats: [], state: 'open', resolution: 0, rated: false });
    try {
      let release: ((token: string) => void) | undefined;
      const starts: Promise<unknown>[] = [];
      const errors: string[] = [];
      const element = await fixture<SupportChat>(html`
        <support-chat
          open
          hub-url="https://chat.example/hubs/groupchat"
          api-url="https://chat.example/api/"
          group="1"
          .tokenProvider=${() => new Promise<string>(resolve => (release = resolve))}
          .createConnection=${(_: string, settings: { accessTokenFactory: () => Promise<string> }) => {
            // As SignalR does at negotiate: the token first, then the connection.
            const connection = new FakeConnection();
            const start = connection.start.bind(connection);
            connection.start = () => {
              const started = settings.accessTokenFactory().then(start);
              starts.push(started.catch(() => undefined));
              return started;
            };
            return connection;
          }}
          @support-chat-error=${(event: SupportChatErrorEvent) => errors.push(event.error.name)}
        ></support-chat>
      `);
      await waitUntil(() => release, 'the token was never asked for');
      // A's message waits for the same token.
      const sent = element.send('A, before the token');
      await element.identify(VISITOR_TOKEN);
      await waitUntil(() => element.status === 'connected', 'the identified visitor never connected');
      release!(VISITOR_TOKEN);
      // The replaced connection's start and A's send have ended (their token refused), and the element drew what followed.
      await Promise.all([starts[0], sent]);
      await element.updateComplete;
      expect(errors).to.deep.equal([]);
      expect(element.shadowRoot!.querySelector('.notice')?.textContent ?? '').to.equal('');
    } finally {
      window.fetch = real;
    }
  });

  it("logout forgets the questions put away on this server, and keeps another server's", async () => {
    const other = 'support-chat:rating-asked:https://other.example/ 1 1';
    localStorage.setItem(other, '1');
    try {
      const { element, connection } = await widget({ away: true });
      const notNow = (selector: string) =>
        [...element.shadowRoot!.querySelectorAll(`${selector} button`)].find(button => button.textContent!.trim() === 'Not now');
      connection.push(HubMethods.receiveMessage, visitorSays(1));
      await waitUntil(() => notNow('.contact'), 'the email was not asked');
      (notNow('.contact') as HTMLButtonElement).click();
      connection.push('ConversationState', { groupId: 1, state: 'resolved', resolution: 1, rated: false });
      await waitUntil(() => notNow('.rating'), 'the rating was not asked');
      (notNow('.rating') as HTMLButtonElement).click();
      const asked = () =>
        Object.keys(localStorage)
          .filter(key => /^support-chat:(rating|contact)-asked:/.test(key))
          .sort();
      await waitUntil(() => asked().length === 3, 'the questions put away were not remembered');
      await element.logout();
      expect(asked()).to.deep.equal([other]);
    } finally {
      localStorage.removeItem(other);
    }
  });

  it("the team's line answering after logout (before the widget's workflow part even existed) is not drawn", async () => {
    // The control is another visitor: a logout signs out the same visitor's other widgets.
    const [out, control] = await Promise.all([
      widget({ away: true, holdAvailability: true }),
      widget({ away: true, holdAvailability: true, token: `x.${btoa(JSON.stringify({ sid: 6 }))}.x` }),
    ]);
    await out.element.logout();
    out.releaseAvailability!();
    control.releaseAvailability!();
    // The same answer, released after it, drawn in the widget still signed in: the first has been handed on by now.
    await waitUntil(() => control.element.shadowRoot!.querySelector('.availability'), 'the signed-in widget never drew the line');
    await out.element.updateComplete;
    expect(out.element.shadowRoot!.querySelector('.availability') !== null).to.equal(false, 'the line came back after logout');
  });

  it('a rating put away stays away after a reload; the next resolution asks again', async () => {
    const resolvedAs = (resolution: number) => ({ groupId: 1, state: 'resolved', resolution, rated: false });
    const rating = (element: SupportChat) => element.shadowRoot!.querySelector('.rating');
    const first = await widget();
    first.connection.push('ConversationState', resolvedAs(1));
    await waitUntil(() => rating(first.element), 'the rating was never asked');
    [...rating(first.element)!.querySelectorAll('button')].find(button => button.textContent!.trim() === 'Not now')!.click();
    await waitUntil(() => !rating(first.element), 'Not now did not put it away');
    first.element.remove();

    // The page again: the same resolution, put away, is not asked again.
    const again = await widget();
    again.connection.push('ConversationState', resolvedAs(1));
    await waitUntil(() => again.element.shadowRoot!.querySelector('.resolution'), 'the resolution never showed');
    expect(rating(again.element) !== null).to.equal(false, 'the rating put away was asked again');
    again.connection.push('ConversationState', resolvedAs(2));
    await waitUntil(() => rating(again.element), 'the next resolution asked for no rating');
  });

  it("a state read before the resolution's push, answering after it, does not take the rating back", async () => {
    const server = heldRequests('/state');
    try {
      const { element, connection } = await widget();
      connection.push(HubMethods.receiveMessage, visitorSays(7));
      await waitUntil(() => element.messages.length === 1, 'my message never arrived');
      // The read after the join is on its way; the agent resolves meanwhile and the push is quicker.
      await waitUntil(() => server.releases.length === 1, 'the state was never read after the join');
      connection.push('ConversationState', { groupId: 1, state: 'resolved', resolution: 1, rated: false });
      const rating = () => element.shadowRoot!.querySelector('.rating') !== null;
      await waitUntil(rating, 'the rating was never asked');
      // The read answers the state from before the resolution, and the agent's read mark: "Seen" shows it was taken.
      server.releases[0](
        json({ groupId: 1, state: 'open', resolution: 0, rated: false, readUpTo: [{ groupId: 1, userId: 1, lastId: 7 }] }),
      );
      await waitUntil(() => element.shadowRoot!.textContent!.includes('Seen'), 'the state read was never taken');
      expect(rating()).to.equal(true, 'the older state read took the rating back');
      expect(element.shadowRoot!.querySelector('.resolution')?.textContent).to.equal('This conversation was resolved');
    } finally {
      server.restore();
    }
  });

  describe("a person's past conversations", () => {
    let server: ReturnType<typeof heldRequests>;
    beforeEach(() => (server = heldRequests('visitors/conversations')));
    afterEach(() => server.restore());

    // A boolean, not the element: a failed assertion on an element makes web-test-runner serialize it for the
    // report, and walking a live widget's object graph hangs the browser instead of failing the test.
    const pastShown = (element: SupportChat) => element.shadowRoot!.querySelector('.past') !== null;
    async function openPast(element: SupportChat) {
      await waitUntil(() => element.shadowRoot!.querySelector('.past-open'), 'no way to the past conversations');
      element.shadowRoot!.querySelector<HTMLButtonElement>('.past-open')!.click();
      await waitUntil(() => server.releases.length === 1, 'the list was never asked for');
    }

    it("logout takes the last visitor's list off the screen", async () => {
      const { element } = await widget();
      await openPast(element);
      server.releases[0](pastOfA());
      await waitUntil(() => element.shadowRoot!.textContent!.includes("A's secret"), "A's rows never showed");
      await element.logout();
      await element.updateComplete;
      expect(pastShown(element)).to.equal(false);
      expect(element.shadowRoot!.textContent).not.to.include("A's secret");
    });

    it('the list answering after the visitor went on to a field of the page leaves the focus there', async () => {
      const { element } = await widget();
      const field = document.body.appendChild(document.createElement('input'));
      try {
        await openPast(element);
        field.focus();
        server.releases[0](pastOfA());
        await waitUntil(() => element.shadowRoot!.querySelector('.past li button'), "A's rows never showed");
        await element.updateComplete;
        expect(document.activeElement === field).to.equal(true, 'the list took the focus from the page');
      } finally {
        field.remove();
      }
    });

    it('a list closed and asked again: the first answer, coming last, moves no focus', async () => {
      const { element } = await widget();
      await openPast(element);
      element.shadowRoot!.querySelector<HTMLButtonElement>('.past button')!.click();
      await waitUntil(() => element.shadowRoot!.querySelector('.past-open'), 'Back did not close the list');
      element.shadowRoot!.querySelector<HTMLButtonElement>('.past-open')!.click();
      await waitUntil(() => server.releases.length === 2, 'the list was not asked for again');
      server.releases[1](pastOfA());
      await waitUntil(() => element.shadowRoot!.activeElement?.matches('.past li button'), 'the first row never took the focus');
      // The visitor clicks somewhere that takes no focus: it falls to the page's body.
      (element.shadowRoot!.activeElement as HTMLElement).blur();
      const first = server.releases[0];
      const answer = pastOfA();
      first(answer);
      await waitUntil(() => answer.bodyUsed, 'the first answer was never read');
      await element.updateComplete;
      expect(document.activeElement === document.body).to.equal(true, "the closed list's answer moved the focus");
    });

    it('after logout there is no way to the past conversations', async () => {
      const { element } = await widget();
      await waitUntil(() => element.shadowRoot!.querySelector('.past-open'), 'no way to the past conversations');
      await element.logout();
      await element.updateComplete;
      expect(element.shadowRoot!.querySelector('.past-open') !== null).to.equal(false, 'the past button stayed after logout');
    });

    it("identify(B) on the same conversation drops A's list, and A's read that answers afterwards shows nothing", async () => {
      const { element } = await widget();
      await openPast(element);
      await element.identify('token-of-b');
      await element.updateComplete;
      expect(pastShown(element)).to.equal(false);
      const answer = pastOfA();
      server.releases[0](answer);
      // Read, and whatever it changed drawn.
      await waitUntil(() => answer.bodyUsed, "A's list was never read");
      await element.updateComplete;
      expect(pastShown(element)).to.equal(false);
      expect(element.shadowRoot!.textContent).not.to.include("A's secret");
    });
  });

  describe('questions that answer after the visitor moved on', () => {
    let server: ReturnType<typeof heldRequests>;
    afterEach(() => server.restore());

    const $ = <T extends HTMLElement = HTMLElement>(element: SupportChat, selector: string) =>
      element.shadowRoot!.querySelector<T>(selector);
    const shownText = (element: SupportChat) => element.shadowRoot!.textContent!.replace(/\s+/g, ' ');
    const startButton = (element: SupportChat) =>
      [...element.shadowRoot!.querySelectorAll('button')].find(button => button.textContent!.trim() === 'Start a new conversation');

    async function resolved(connection: FakeConnection, element: SupportChat) {
      connection.push('ConversationState', { groupId: 1, state: 'resolved', resolution: 1, rated: false });
      await waitUntil(() => startButton(element), 'the resolution never showed');
    }

    it('the email saved for conversation 1 answers after a switch to 2: 2 still asks its own question', async () => {
      server = heldRequests('/contact');
      const { element, connection } = await widget({ away: true });
      connection.push(HubMethods.receiveMessage, visitorSays(1));
      await waitUntil(() => $(element, '.contact input'), 'the email was not asked in conversation 1');
      $<HTMLInputElement>(element, '.contact input')!.value = 'one@example.com';
      $(element, '.contact .primary')!.click();
      await waitUntil(() => server.releases.length === 1, 'the address was never posted');

      element.group = '2';
      await waitUntil(() => connection.calls.includes('JoinGroup(2)'), 'conversation 2 was never joined');
      connection.push(HubMethods.receiveMessage, visitorSays(2, 2));
      await waitUntil(() => element.messages.some(m => m.id === 2) && $(element, '.contact input'), 'conversation 2 asked nothing');
      const answer = json({});
      server.releases[0](answer);
      await waitUntil(() => answer.bodyUsed, 'the answer was never read');
      await element.updateComplete;
      expect(shownText(element)).not.to.include('We will answer at one@example.com');
      expect($(element, '.contact input') !== null).to.equal(true, "conversation 2's question went away");
    });

    it('a rating sent in conversation 1 answering after a switch to 2 moves no focus', async () => {
      server = heldRequests('/rating');
      const { element, connection } = await widget();
      await resolved(connection, element);
      const five = $<HTMLInputElement>(element, '.rating input[value="5"]')!;
      five.checked = true;
      five.dispatchEvent(new Event('change'));
      await waitUntil(() => $(element, '.rating .primary'), 'no way to send the rating');
      $(element, '.rating .primary')!.click();
      await waitUntil(() => server.releases.length === 1, 'the rating was never posted');
      element.group = '2';
      await waitUntil(() => connection.calls.includes('JoinGroup(2)'), 'conversation 2 was never joined');
      // Its button went away with conversation 1: the focus fell to the page.
      expect(document.activeElement === document.body).to.equal(true);
      const answer = json({ success: true });
      server.releases[0](answer);
      await waitUntil(() => answer.bodyUsed, 'the answer was never read');
      // Its render, then the focus that would follow it (focusNext waits for the render too).
      await element.updateComplete;
      await element.updateComplete;
      expect(document.activeElement === document.body).to.equal(true, "conversation 1's answer moved the focus");
    });

    it('"Start a new conversation" clicked twice makes one, and is disabled while it is on its way', async () => {
      server = heldRequests('visitors/conversations', 'POST');
      const { element, connection } = await widget();
      await resolved(connection, element);
      // Both before the render that disables it: the second must start nothing all the same.
      const button = startButton(element)!;
      button.click();
      button.click();
      await element.updateComplete;
      await settle();
      expect(server.releases.length).to.equal(1);
      expect(startButton(element)!.disabled).to.equal(true);
      server.releases[0](json({ groupId: 7 }));
      await waitUntil(() => connection.calls.includes('JoinGroup(7)'), 'the new conversation was not opened');
      expect(server.releases.length).to.equal(1);
    });

    it('"Start a new conversation" refused: its sentence shows beside it, with the rating put away', async () => {
      server = heldRequests('visitors/conversations', 'POST');
      const { element, connection } = await widget();
      await resolved(connection, element);
      [...element.shadowRoot!.querySelectorAll<HTMLButtonElement>('.rating button')]
        .find(b => b.textContent!.trim() === 'Not now')!
        .click();
      await waitUntil(() => !$(element, '.rating'), 'the rating did not go away');
      startButton(element)!.click();
      await waitUntil(() => server.releases.length === 1, 'nothing was posted');
      server.releases[0](json({ title: 'Busy', detail: 'No new conversation can start right now.' }, 503));
      await waitUntil(() => $(element, '.flow .error'), 'the failure said nothing');
      expect($(element, '.flow .error')!.textContent).to.equal('No new conversation can start right now.');
      expect($(element, '.flow .error')!.getAttribute('role')).to.equal('alert');
      expect(startButton(element)!.disabled).to.equal(false);
    });

    it("\"Start a new conversation\" over the server's ceiling (429) says so in the widget's words, not the server's English", async () => {
      server = heldRequests('visitors/conversations', 'POST');
      const { element, connection } = await widget();
      element.strings = { startLimited: 'بدأت عدة محادثات للتو. يرجى المحاولة مرة أخرى بعد قليل.' };
      await resolved(connection, element);
      startButton(element)!.click();
      await waitUntil(() => server.releases.length === 1, 'nothing was posted');
      server.releases[0](json({ title: 'Too many', detail: 'Too many conversations started; try again later.' }, 429));
      await waitUntil(() => $(element, '.flow .error'), 'the failure said nothing');
      expect($(element, '.flow .error')!.textContent).to.equal('بدأت عدة محادثات للتو. يرجى المحاولة مرة أخرى بعد قليل.');
    });
  });

  describe('the focus after a question is answered or put away: on the composer, never on the page', () => {
    let server: ReturnType<typeof heldRequests>;
    afterEach(() => server.restore());

    const $ = <T extends HTMLElement = HTMLElement>(element: SupportChat, selector: string) =>
      element.shadowRoot!.querySelector<T>(selector);
    const named = (element: SupportChat, name: string) =>
      [...element.shadowRoot!.querySelectorAll('button')].find(button => button.textContent!.replace(/\s+/g, ' ').trim() === name);
    /** As a person does it: the focus on the control, then the click. */
    const press = (control: HTMLElement | undefined | null) => {
      control!.focus();
      control!.click();
    };
    /** What has the focus, by its name: `body` when it fell out of the widget. */
    const focused = (element: SupportChat) => {
      const active = element.shadowRoot!.activeElement;
      return active ? active.getAttribute('aria-label') || active.textContent!.trim() : (document.activeElement?.localName ?? '');
    };
    const composer = 'Write a message…';

    it('Send rating, and Not now on the next resolution', async () => {
      server = heldRequests('/rating');
      const { element, connection } = await widget();
      connection.push('ConversationState', { groupId: 1, state: 'resolved', resolution: 1, rated: false });
      await waitUntil(() => $(element, '.rating input'), 'the rating was never asked');
      press($(element, '.rating input[value="4"]'));
      await waitUntil(() => named(element, 'Send rating'), 'no Send rating after a score');
      press(named(element, 'Send rating'));
      await waitUntil(() => server.releases.length === 1, 'the rating was never posted');
      server.releases[0](json({}));
      await waitUntil(() => $(element, '.said'), 'no thanks');
      await waitUntil(() => focused(element) === composer, `the focus went to ${focused(element)}`);

      connection.push('ConversationState', { groupId: 1, state: 'resolved', resolution: 2, rated: false });
      await waitUntil(() => named(element, 'Not now'), 'the next resolution asked nothing');
      press(named(element, 'Not now'));
      await waitUntil(() => !$(element, '.rating'), 'Not now did not put the rating away');
      await waitUntil(() => focused(element) === composer, `the focus went to ${focused(element)}`);
    });

    it('Save email; and Not now in another conversation', async () => {
      server = heldRequests('/contact');
      const { element, connection } = await widget({ away: true });
      connection.push(HubMethods.receiveMessage, visitorSays(1));
      await waitUntil(() => $(element, '.contact input'), 'the email was not asked');
      $<HTMLInputElement>(element, '.contact input')!.value = 'me@example.com';
      press(named(element, 'Save'));
      await waitUntil(() => server.releases.length === 1, 'the address was never posted');
      server.releases[0](json({}));
      await waitUntil(() => $(element, '.said'), 'the address was not taken');
      await waitUntil(() => focused(element) === composer, `the focus went to ${focused(element)}`);

      element.group = '2';
      await waitUntil(() => connection.calls.includes('JoinGroup(2)'), 'conversation 2 was never joined');
      connection.push(HubMethods.receiveMessage, visitorSays(2, 2));
      await waitUntil(() => named(element, 'Not now'), 'conversation 2 asked nothing');
      press(named(element, 'Not now'));
      await waitUntil(() => !$(element, '.contact'), 'Not now did not put the question away');
      await waitUntil(() => focused(element) === composer, `the focus went to ${focused(element)}`);
    });

    it('Start a new conversation; a past one picked; the past list closed', async () => {
      server = heldRequests('visitors/conversations');
      const { element, connection } = await widget();
      connection.push('ConversationState', { groupId: 1, state: 'resolved', resolution: 1, rated: true });
      await waitUntil(() => named(element, 'Start a new conversation'), 'no way to start anew');
      press(named(element, 'Start a new conversation'));
      await waitUntil(() => server.releases.length === 1, 'nothing was posted');
      server.releases[0](json({ groupId: 7 }));
      await waitUntil(() => connection.calls.includes('JoinGroup(7)'), 'the new conversation was not opened');
      await waitUntil(() => focused(element) === composer, `the focus went to ${focused(element)}`);

      press(named(element, 'Past conversations'));
      await waitUntil(() => server.releases.length === 2, 'the list was never asked for');
      server.releases[1](pastOfA());
      await waitUntil(() => $(element, '.past li button'), 'the list never came');
      press($(element, '.past li button'));
      await waitUntil(() => connection.calls.includes('JoinGroup(41)'), 'the past conversation was not opened');
      await waitUntil(() => focused(element) === composer, `the focus went to ${focused(element)}`);

      press(named(element, 'Past conversations'));
      await waitUntil(() => server.releases.length === 3, 'the list was never asked for again');
      server.releases[2](pastOfA());
      await waitUntil(() => $(element, '.past li button'), 'the list never came again');
      press(named(element, 'Back to the conversation'));
      await waitUntil(() => !$(element, '.past'), 'the list did not close');
      await waitUntil(() => focused(element) === 'Past conversations', `the focus went to ${focused(element)}`);
    });
  });
});
