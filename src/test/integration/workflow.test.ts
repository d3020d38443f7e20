import { expect, fixture, html } from '@open-wc/testing';
import '../../define.js';
import { createHubConnection, type ConnectionFactory } from '../../hub-connection.js';
import type { SupportChat } from '../../support-chat.js';
import {
  bubbles,
  hubUrl,
  inlineWidget,
  newVisitor,
  postOk,
  shownTexts,
  until,
  useReferenceServer,
  whenConnected,
  type ServerHandle,
  type Visitor,
} from './reference-server.js';
import { themedWidgets } from './themes.js';

/** Whether a person sees it: drawn, inside the viewport, and the topmost thing at its centre. */
export function visible(element: SupportChat, node: Element | null | undefined): boolean {
  if (!node || !node.checkVisibility()) return false;
  const rect = node.getBoundingClientRect();
  if (rect.width === 0 || rect.height === 0) return false;
  if (rect.top < 0 || rect.left < 0 || rect.bottom > innerHeight || rect.right > innerWidth) return false;
  const hit = element.shadowRoot!.elementFromPoint(rect.left + rect.width / 2, rect.top + rect.height / 2);
  return hit !== null && (hit === node || node.contains(hit));
}

const $ = <T extends HTMLElement = HTMLElement>(element: SupportChat, selector: string) => element.shadowRoot!.querySelector<T>(selector);
const $$ = (element: SupportChat, selector: string) => [...element.shadowRoot!.querySelectorAll<HTMLElement>(selector)];
const text = (node: Element | null | undefined) => node?.textContent?.replace(/\s+/g, ' ').trim() ?? '';
const buttonNamed = (element: SupportChat, name: string) => $$(element, 'button').find(button => text(button) === name);
/*
 * Asserted as booleans and strings, never as elements: a failed assertion on an element makes web-test-runner
 * serialize it for the report, and walking a live widget's object graph hangs the browser instead of failing.
 */
const shows = (element: SupportChat, selector: string) => $(element, selector) !== null;
/** The control that has the focus, by its text (or its tag and class when it has none): `body` when it fell out of the widget. */
const focused = (element: SupportChat) => {
  const active = element.shadowRoot!.activeElement;
  if (!active) return document.activeElement?.localName ?? '';
  return text(active) || `${active.localName}${active.className ? `.${active.className}` : ''}`;
};

async function api<T>(server: ServerHandle, token: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${server.url}/${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${path} answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as T;
}

const resolve = (server: ServerHandle, agent: string, groupId: string) => api(server, agent, `chats/${groupId}/resolve`, {});

interface State {
  state: string;
  rated: boolean;
  rating: { score: number; comment: string | null } | null;
}

/** A visitor's widget, open in launcher mode, with the conversation loaded. */
async function openWidget(server: ServerHandle, visitor: Visitor, count: number): Promise<SupportChat> {
  const element = await fixture<SupportChat>(
    html`<support-chat open hub-url=${hubUrl(server)} group=${visitor.groupId} .tokenProvider=${() => visitor.token}></support-chat>`,
  );
  await whenConnected(element);
  await until(() => bubbles(element).length === count, 'the conversation never loaded');
  return element;
}

describe('the support workflow in the widget, against the real reference server', () => {
  const env = useReferenceServer();

  it('shows a resolved conversation, asks once for a rating, reopens on a message, and starts a new conversation', async () => {
    const visitor = await newVisitor(env.server, 'Rater');
    await postOk(env.server, visitor.token, visitor.groupId, 'My parcel is late');
    await postOk(env.server, env.agent, visitor.groupId, 'It is on its way now');
    const element = await openWidget(env.server, visitor, 2);
    expect(shows(element, '.resolution')).to.equal(false);

    await resolve(env.server, env.agent, visitor.groupId);
    await until(() => visible(element, $(element, '.resolution')), 'the resolved line never showed');
    expect(text($(element, '.resolution'))).to.equal('This conversation was resolved');
    expect($(element, '.resolution')!.getAttribute('role')).to.equal('status');

    // The rating: five radios with their names, a comment, and the visitor's answer stored.
    await until(() => visible(element, $(element, '.rating legend')), 'the rating was never asked');
    const radios = $$(element, '.rating input[type="radio"]');
    expect(radios.map(radio => radio.getAttribute('aria-label'))).to.deep.equal(['1 of 5', '2 of 5', '3 of 5', '4 of 5', '5 of 5']);
    // The label shows the number; its radio lies on it, transparent, to take the click.
    expect(visible(element, radios[3].parentElement)).to.equal(true);
    expect(text(radios[3].parentElement)).to.equal('4');
    expect(shows(element, '.rating textarea')).to.equal(false, 'the comment before a score');
    (radios[3].nextElementSibling as HTMLElement).click();
    await until(() => visible(element, $(element, '.rating textarea')), 'the comment box did not show');
    $<HTMLTextAreaElement>(element, '.rating textarea')!.value = 'Quick and kind';
    buttonNamed(element, 'Send rating')!.click();
    await until(() => visible(element, $(element, '.said')), 'no thanks after the rating');
    expect(text($(element, '.said'))).to.equal('Thank you for your rating!');
    expect(shows(element, '.rating')).to.equal(false);
    const rated = await api<State>(env.server, env.agent, `chats/${visitor.groupId}/state`);
    expect(rated.rating).to.deep.include({ score: 4, comment: 'Quick and kind' });

    // A message reopens it: the line goes; a second resolution asks again.
    await element.send('One more thing');
    await until(() => $(element, '.resolution') === null, 'the resolved line stayed after the visitor wrote');
    await resolve(env.server, env.agent, visitor.groupId);
    await until(() => visible(element, $(element, '.rating legend')), 'the second resolution asked for no rating');
    buttonNamed(element, 'Not now')!.click();
    await until(() => $(element, '.rating') === null, 'the rating did not go away');

    // A new conversation: empty, joined, and where the next message goes.
    await until(() => visible(element, buttonNamed(element, 'Start a new conversation')), 'no way to start anew');
    buttonNamed(element, 'Start a new conversation')!.click();
    await until(() => bubbles(element).length === 0 && $(element, '.resolution') === null, 'the new conversation did not show');
    await whenConnected(element);
    await element.send('A new question');
    await until(() => shownTexts(element).join() === 'A new question', 'the message did not show in the new conversation');
    const mine = await api<{ conversations: { groupId: number; lastMessage: string | null }[] }>(
      env.server,
      visitor.token,
      'visitors/conversations',
    );
    expect(mine.conversations.map(c => c.lastMessage)).to.deep.equal(['A new question', 'One more thing']);
    expect(String(mine.conversations[1].groupId)).to.equal(visitor.groupId);
  });

  it('a rating the server refuses as given already (in another tab) is thanked, not shown as an error', async () => {
    const visitor = await newVisitor(env.server, 'Twice');
    await postOk(env.server, visitor.token, visitor.groupId, 'Thanks!');
    // The real connection, deaf to the push that says it was rated: so this tab's form is still up when it posts.
    const factory: ConnectionFactory = (url, settings) => {
      const connection = createHubConnection(url, settings);
      const on = connection.on.bind(connection);
      connection.on = (method, handler) =>
        on(method, (...args: unknown[]) => {
          if (method !== 'ConversationState' || !(args[0] as { rated?: boolean }).rated) handler(...args);
        });
      return connection;
    };
    const element = await fixture<SupportChat>(html`
      <support-chat
        open
        hub-url=${hubUrl(env.server)}
        group=${visitor.groupId}
        .tokenProvider=${() => visitor.token}
        .createConnection=${factory}
      ></support-chat>
    `);
    await whenConnected(element);
    // The widget reads the state once joined. Answered after the rating below (a busy server), it would say
    // rated, and the form this test needs would rightly go: the read is answered first.
    await until(
      () => performance.getEntriesByType('resource').some(entry => entry.name.endsWith(`/chats/${visitor.groupId}/state`)),
      'the state was never read',
    );
    await resolve(env.server, env.agent, visitor.groupId);
    await until(() => visible(element, $(element, '.rating legend')), 'the rating was never asked');
    $$(element, '.rating .score')[4].click();
    await until(() => buttonNamed(element, 'Send rating') !== undefined, 'no send button after a score');
    await api(env.server, visitor.token, `chats/${visitor.groupId}/rating`, { score: 2 });
    // Only a later join's read of the state (after a reconnect) would tell this tab: named if it did.
    expect(buttonNamed(element, 'Send rating') !== undefined).to.equal(true, 'the form went before its send: a state read after a rejoin?');
    buttonNamed(element, 'Send rating')!.click();
    await until(() => text($(element, '.said')) === 'Thank you for your rating!', 'the refusal was not thanked');
    expect(shows(element, '.rating')).to.equal(false);
    expect(text($(element, '.flow .error'))).to.equal('');
    const state = await api<State>(env.server, env.agent, `chats/${visitor.groupId}/state`);
    expect(state.rating?.score).to.equal(2);
  });

  it("in the agent's console: who resolved it and when, the rating with its comment, who reopened it", async () => {
    const visitor = await newVisitor(env.server, 'Console');
    await postOk(env.server, visitor.token, visitor.groupId, 'Hello?');
    const element = inlineWidget(env.server, visitor.groupId, env.agent);
    element.composeFormat = 'markdown';
    const page = await fixture<HTMLDivElement>(html`<div style="height: 500px"></div>`);
    page.append(element);
    await whenConnected(element);
    await until(() => bubbles(element).length === 1, 'the conversation never loaded');
    await resolve(env.server, env.agent, visitor.groupId);
    await until(() => /^Resolved by .+ at .+/.test(text($(element, '.resolution'))), 'the console did not say who resolved it');
    expect(visible(element, $(element, '.resolution'))).to.equal(true);
    expect(shows(element, '.rating')).to.equal(false, 'an agent is not asked to rate');
    expect(buttonNamed(element, 'Start a new conversation') !== undefined).to.equal(false);

    await api(env.server, visitor.token, `chats/${visitor.groupId}/rating`, { score: 5, comment: 'Great help' });
    await until(() => $$(element, '.resolution').some(line => text(line) === 'Rated 5 of 5: “Great help”'), 'the rating never showed');
    await postOk(env.server, visitor.token, visitor.groupId, 'Actually, one more question');
    await until(() => /^Reopened by Console at .+/.test(text($(element, '.resolution'))), 'the console did not say who reopened it');
  });

  it('"Seen" under the last own message the other side has read, once, both ways; MarkRead only forward', async () => {
    const visitor = await newVisitor(env.server, 'Reader');
    const element = await openWidget(env.server, visitor, 0);
    await element.send('First');
    await element.send('Second');
    await until(() => bubbles(element).filter(b => b.dataset.state === 'sent').length === 2, 'my messages were not sent');
    expect($$(element, '.seen')).to.have.length(0);

    const agent = inlineWidget(env.server, visitor.groupId, env.agent);
    agent.composeFormat = 'markdown';
    const page = await fixture<HTMLDivElement>(html`<div style="height: 300px"></div>`);
    page.append(agent);
    await whenConnected(agent);
    // The agent's console shows the conversation to its end: its read mark reaches the visitor.
    await until(() => $$(element, '.seen').length === 1, 'the visitor never saw "Seen"');
    const seen = $(element, '.seen')!;
    expect(text(seen)).to.equal('Seen');
    expect(seen.closest('.message')!.querySelector('.text')!.textContent).to.equal('Second');
    expect(visible(element, seen)).to.equal(true);

    // The agent answers; the visitor, looking, marks it read; the console shows "Seen" under the answer.
    await agent.send('Here to help');
    await until(() => shownTexts(element).includes('Here to help'), 'the answer never reached the visitor');
    await until(() => $$(agent, '.seen').length === 1, 'the console never saw "Seen"');
    expect(text($(agent, '.seen')!.closest('.message')!.querySelector('.text'))).to.equal('Here to help');
    // Still one "Seen" for the visitor, under their last message the agent read.
    expect($$(element, '.seen')).to.have.length(1);
  });

  it('past conversations: listed, opened, and back', async () => {
    const visitor = await newVisitor(env.server, 'Returning');
    await postOk(env.server, visitor.token, visitor.groupId, 'An old question');
    const { groupId: second } = await api<{ groupId: number }>(env.server, visitor.token, 'visitors/conversations', {});
    await postOk(env.server, visitor.token, String(second), 'A newer question');
    const element = await openWidget(env.server, { ...visitor, groupId: String(second) }, 1);

    await until(() => visible(element, buttonNamed(element, 'Past conversations')), 'no way to past conversations');
    buttonNamed(element, 'Past conversations')!.click();
    await until(() => $$(element, '.past li button').length === 2, 'the list never came');
    const items = $$(element, '.past li button');
    expect(items.map(item => text(item).split(' · ').slice(1))).to.deep.equal([
      ['Open', 'A newer question'],
      ['Open', 'An old question'],
    ]);
    expect(items[0].getAttribute('aria-current')).to.equal('true');
    expect(visible(element, items[1])).to.equal(true);
    expect(focused(element)).to.equal(text(items[0]));
    items[1].click();
    await until(() => shownTexts(element).join() === 'An old question', 'the old conversation did not open');
    expect(shows(element, '.past')).to.equal(false);
  });

  it('availability: "as soon as we can" with nobody there, "a few minutes" once an agent is; the email is asked once and a refused address says why', async () => {
    const visitor = await newVisitor(env.server, 'Away');
    const element = await openWidget(env.server, visitor, 0);
    await until(() => visible(element, $(element, '.availability')), 'the header said nothing of availability');
    expect(text($(element, '.availability'))).to.equal("We'll answer as soon as we can");

    // Nobody is there, and sending works all the same; then the widget asks for an email, once.
    expect(shows(element, '.contact')).to.equal(false, 'asked before the first message');
    await element.send('Anyone there?');
    await until(() => visible(element, $(element, '.contact input')), 'the email was not asked');
    const input = $<HTMLInputElement>(element, '.contact input')!;
    input.value = 'someone@localhost';
    buttonNamed(element, 'Save')!.click();
    await until(() => $(element, '.contact .error') !== null, 'a refused address said nothing');
    expect(text($(element, '.contact .error'))).to.equal('That is not an email address we can answer at, such as name@example.com.');
    expect(visible(element, $(element, '.contact .error'))).to.equal(true);
    $<HTMLInputElement>(element, '.contact input')!.value = 'someone@example.com';
    buttonNamed(element, 'Save')!.click();
    await until(() => text($(element, '.said')) === 'We will answer at someone@example.com.', 'the address was not taken');
    const groups = await api<{ groups: { id: number; contactEmail: string | null }[] }>(env.server, env.agent, 'groups');
    expect(groups.groups.find(g => String(g.id) === visitor.groupId)?.contactEmail).to.equal('someone@example.com');

    // An agent's console connects: the team is there.
    const agent = inlineWidget(env.server, visitor.groupId, env.agent);
    agent.composeFormat = 'markdown';
    const page = await fixture<HTMLDivElement>(html`<div style="height: 200px"></div>`);
    page.append(agent);
    await until(() => text($(element, '.availability')) === 'We usually answer in a few minutes', 'the header did not follow the team');

    // The same conversation in a new widget: the question is not asked again.
    agent.remove();
    await until(() => text($(element, '.availability')) === "We'll answer as soon as we can", 'the header did not see the team go');
    element.remove();
    const again = await openWidget(env.server, visitor, 1);
    await until(() => $(again, '.availability') !== null, 'the new widget said nothing of availability');
    expect(shows(again, '.contact')).to.equal(false);
  });

  it('identify() switches to another visitor, and logout() signs out this tab and the others', async () => {
    const [a, b] = await Promise.all([newVisitor(env.server, 'Anna'), newVisitor(env.server, 'Ben')]);
    await postOk(env.server, a.token, a.groupId, 'Anna writes');
    await postOk(env.server, b.token, b.groupId, 'Ben writes');
    const page = await fixture<HTMLDivElement>(html`
      <div>
        <support-chat id="one" mode="inline" hub-url=${hubUrl(env.server)} .tokenProvider=${() => a.token}></support-chat>
        <support-chat id="two" mode="inline" hub-url=${hubUrl(env.server)} .tokenProvider=${() => a.token}></support-chat>
      </div>
    `);
    const [one, two] = [...page.querySelectorAll('support-chat')];
    // A token provider names no conversation: identify finds the newest the server lists for the token.
    await one.identify(a.token);
    await two.identify(async () => a.token);
    await until(() => shownTexts(one).join() === 'Anna writes' && shownTexts(two).join() === 'Anna writes', 'Anna was not shown');

    await one.identify(b.token);
    await until(() => shownTexts(one).join() === 'Ben writes', "Ben's conversation did not replace Anna's");
    await whenConnected(one);
    // Back to Anna, whose other tab (two) still shows her conversation: a logout there signs out both.
    await one.identify(a.token);
    await until(() => shownTexts(one).join() === 'Anna writes', 'Anna was not shown again');
    localStorage.setItem(`support-chat:conversation:${env.server.url}/`, '1');
    await two.logout();
    await until(() => one.status === 'disconnected' && two.status === 'disconnected', 'a tab stayed connected');
    expect(shownTexts(one)).to.deep.equal([]);
    expect(shownTexts(two)).to.deep.equal([]);
    expect(localStorage.getItem(`support-chat:conversation:${env.server.url}/`)).to.equal(null);
    // Signed out, a send has nowhere to go, and nothing connects by itself.
    await one.updateComplete;
    expect(one.status).to.equal('disconnected');
  });

  it("logout() signs out the visitor's widget on their other conversation, and not an agent's console on the same one", async () => {
    const visitor = await newVisitor(env.server, 'Leaving');
    await postOk(env.server, visitor.token, visitor.groupId, 'First question');
    const { groupId: other } = await api<{ groupId: number }>(env.server, visitor.token, 'visitors/conversations', {});
    await postOk(env.server, visitor.token, String(other), 'Second question');
    const page = await fixture<HTMLDivElement>(html`<div style="height: 900px"></div>`);
    const one = inlineWidget(env.server, visitor.groupId, visitor.token);
    const two = inlineWidget(env.server, String(other), visitor.token);
    const agent = inlineWidget(env.server, visitor.groupId, env.agent);
    agent.composeFormat = 'markdown';
    page.append(one, two, agent);
    await until(
      () => shownTexts(one).join() === 'First question' && shownTexts(two).join() === 'Second question' && shownTexts(agent).length === 1,
      'the three widgets never loaded',
    );

    await one.logout();
    await until(() => two.status === 'disconnected', "the visitor's widget on their other conversation stayed signed in");
    expect(shownTexts(two)).to.deep.equal([]);
    // The channel's news reached every listener by now: the console still shows the conversation, and live.
    await postOk(env.server, env.agent, visitor.groupId, 'Still here for the next one');
    await until(() => shownTexts(agent).includes('Still here for the next one'), "the agent's console was signed out too");
    expect(agent.status).to.equal('connected');
  });

  it("the token URL's POST tells the agents the page (origin and path, never the query), time zone and language", async () => {
    // The test page's own address has a query (the runner's session id): it must not reach the server.
    expect(location.search).to.not.equal('');
    const element = await fixture<SupportChat>(
      html`<support-chat open hub-url=${hubUrl(env.server)} token-url=${`${env.server.url}/visitors`}></support-chat>`,
    );
    await whenConnected(element);
    await element.send('Where am I writing from?');
    await until(() => element.messages[0]?.groupId !== undefined, 'the message was not sent');
    const { groups } = await api<{ groups: { id: number; pageUrl: string | null; timeZone: string | null; language: string | null }[] }>(
      env.server,
      env.agent,
      'groups',
    );
    const mine = groups.find(group => String(group.id) === element.messages[0].groupId);
    expect(mine).to.deep.include({
      pageUrl: location.origin + location.pathname,
      timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone,
      language: navigator.language,
    });
  });

  it('logout() with a token URL asks no token after, draws no way to past conversations, and ends the cookie: a reload starts afresh', async () => {
    const tokenUrl = `${env.server.url}/visitors`;
    const widget = () => fixture<SupportChat>(html`<support-chat open hub-url=${hubUrl(env.server)} token-url=${tokenUrl}></support-chat>`);
    const element = await widget();
    await whenConnected(element);
    await element.send('Before the logout');
    await until(() => element.messages[0]?.groupId !== undefined, 'the message was not sent');
    const before = element.messages[0].groupId;
    await until(() => shows(element, '.past-open'), 'no way to the past conversations');

    const real = window.fetch;
    const asked: { method: string; answered?: number }[] = [];
    window.fetch = async (input, init) => {
      const request = { method: init?.method ?? 'GET', answered: undefined as number | undefined };
      if (String(input).startsWith(tokenUrl)) asked.push(request);
      const response = await real(input, init);
      request.answered = response.status;
      return response;
    };
    try {
      await element.logout();
      await element.updateComplete;
      expect(shows(element, '.past-open')).to.equal(false, 'the way to the past conversations stayed');
      await until(() => asked.some(request => request.answered !== undefined), 'the cookie was never ended');
      expect(asked).to.deep.equal([{ method: 'DELETE', answered: 204 }]);
    } finally {
      window.fetch = real;
    }
    element.remove();

    // The page again, in the same browser: a new visitor with a new conversation, none of the last one's messages.
    const again = await widget();
    await whenConnected(again);
    await again.send('After the logout');
    await until(() => again.messages.some(message => message.groupId !== undefined), 'the message was not sent');
    expect(shownTexts(again)).to.deep.equal(['After the logout']);
    expect(again.messages[0].groupId).to.not.equal(before);
  });

  describe('axe finds nothing', () => {
    for (const [name, template] of themedWidgets(env, {
      resolved: 'تم حل هذه المحادثة',
      rateQuestion: 'كيف كانت خدمتنا؟',
      score: score => `${score} من 5`,
      rateComment: 'هل تود إضافة شيء؟ (اختياري)',
      sendRating: 'أرسل التقييم',
      notNow: 'ليس الآن',
      startNew: 'ابدأ محادثة جديدة',
      past: 'المحادثات السابقة',
      backToChat: 'العودة إلى المحادثة',
      away: 'سنجيب في أقرب وقت ممكن',
      askEmail: 'لا أحد هنا الآن. اترك بريدك الإلكتروني وسنجيبك عليه.',
      sendEmail: 'حفظ',
    })) {
      it(`resolved with the rating asked, away with the email asked, and the past conversations: ${name}`, async () => {
        const visitor = await newVisitor(env.server, 'Axe');
        await postOk(env.server, visitor.token, visitor.groupId, 'Where is my order?');
        const page = await fixture<HTMLElement>(template(visitor));
        const element = page.localName === 'support-chat' ? (page as SupportChat) : page.querySelector('support-chat')!;
        await whenConnected(element);
        await until(() => $(element, '.contact input') !== null && $(element, '.availability') !== null, 'the email was not asked');
        await Promise.all(element.shadowRoot!.getAnimations().map(animation => animation.finished));
        await expect(element).to.be.accessible();
        await resolve(env.server, env.agent, visitor.groupId);
        await until(() => $(element, '.rating legend') !== null, 'the rating was never asked');
        await expect(element).to.be.accessible();
        $(element, '.past-open')!.click();
        await until(() => $$(element, '.past li button').length === 1, 'the list never came');
        await expect(element).to.be.accessible();
      });
    }
  });
});

describe('availability with business hours, against the real reference server', () => {
  // Open only on the day after tomorrow (UTC): the header says when, with the weekday.
  const later = new Date(Date.now() + 2 * 86_400_000);
  const day = later.toLocaleDateString('en', { weekday: 'short', timeZone: 'UTC' });
  const env = useReferenceServer({ SUPPORTCHAT_HOURS: `${day} 09:00-17:00`, SUPPORTCHAT_TIME_ZONE: 'UTC' });

  it('says "Back on <weekday> at <time>" in the visitor\'s time zone', async () => {
    const visitor = await newVisitor(env.server, 'Early');
    const element = await openWidget(env.server, visitor, 0);
    await until(() => $(element, '.availability') !== null, 'the header said nothing of availability');
    const opens = new Date(Date.UTC(later.getUTCFullYear(), later.getUTCMonth(), later.getUTCDate(), 9));
    const time = opens.toLocaleTimeString('en', { hour: '2-digit', minute: '2-digit' });
    const weekday = opens.toLocaleDateString('en', { weekday: 'long' });
    expect(text($(element, '.availability'))).to.equal(`Back on ${weekday} at ${time}`);
    expect(visible(element, $(element, '.availability'))).to.equal(true);
  });
});
