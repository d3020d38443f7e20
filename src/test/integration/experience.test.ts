import { expect, fixture, html } from '@open-wc/testing';
import { emulateMedia, sendKeys } from '@web/test-runner-commands';
import '../../define.js';
import type { SupportChat } from '../../support-chat.js';
import {
  agentSends,
  bubbles,
  historyRequests,
  hubUrl,
  killServer,
  newVisitor,
  numbered,
  postOk,
  restartServer,
  shownTexts,
  until,
  useReferenceServer,
  whenConnected,
  type Visitor,
  offsetInList,
} from './reference-server.js';
import { themedWidgets } from './themes.js';

describe('the visitor experience, against the real reference server', () => {
  const env = useReferenceServer();

  after(() => emulateMedia({ colorScheme: 'light' }));

  async function conversation(name: string): Promise<Visitor> {
    const visitor = await newVisitor(env.server, name);
    await postOk(env.server, env.agent, visitor.groupId, `Hello ${name}, how can we help?`);
    await postOk(env.server, visitor.token, visitor.groupId, 'Where is my order?');
    return visitor;
  }

  async function loaded(element: SupportChat, visitor: Visitor) {
    await whenConnected(element);
    await until(() => historyRequests(env.server, visitor.groupId) > 0 && bubbles(element).length === 2, 'the conversation never loaded');
    await element.updateComplete;
    // Colours are only themselves once the panel has finished fading in.
    await Promise.all(element.shadowRoot!.getAnimations().map(animation => animation.finished));
  }

  it('is reachable by keyboard alone: Tab to the launcher, Enter opens into the text box, Escape closes back to the launcher', async () => {
    const visitor = await conversation('Keys');
    const page = await fixture<HTMLDivElement>(html`
      <div>
        <button id="before">Add to cart</button>
        <support-chat hub-url=${hubUrl(env.server)} group=${visitor.groupId} .tokenProvider=${() => visitor.token}></support-chat>
      </div>
    `);
    const element = page.querySelector('support-chat')!;
    await loaded(element, visitor);
    const root = element.shadowRoot!;

    page.querySelector<HTMLButtonElement>('#before')!.focus();
    await sendKeys({ press: 'Tab' });
    expect(document.activeElement).to.equal(element);
    expect(root.activeElement).to.equal(root.querySelector('.launcher'));

    await sendKeys({ press: 'Enter' });
    await until(() => root.activeElement === root.querySelector('textarea'), 'the focus did not go to the text box');
    expect(element.open).to.equal(true);

    await sendKeys({ type: 'draft kept' });
    await sendKeys({ press: 'Escape' });
    await until(() => root.activeElement === root.querySelector('.launcher'), 'the focus did not return to the launcher');
    expect(element.open).to.equal(false);
    expect(root.querySelector('.launcher')!.getAttribute('aria-expanded')).to.equal('false');

    // The draft waits in the closed panel.
    await sendKeys({ press: 'Enter' });
    await until(() => element.open, 'the launcher did not open again');
    expect(root.querySelector('textarea')!.value).to.equal('draft kept');
  });

  it('opens its panel in the top layer, above a page element with the highest z-index, and leaves it on close', async () => {
    const visitor = await conversation('Layers');
    const page = await fixture<HTMLDivElement>(html`
      <div>
        <div style="position: fixed; inset: 0; z-index: 2147483647; background: rgb(0 0 0 / 0.1)">a cookie banner</div>
        <support-chat hub-url=${hubUrl(env.server)} group=${visitor.groupId} .tokenProvider=${() => visitor.token}></support-chat>
      </div>
    `);
    const element = page.querySelector('support-chat')!;
    await loaded(element, visitor);
    element.show();
    await element.updateComplete;
    const panel = element.shadowRoot!.querySelector<HTMLElement>('.panel')!;
    expect(panel.matches(':popover-open')).to.equal(true);
    const box = panel.getBoundingClientRect();
    expect(box.width).to.be.greaterThan(200);
    // What a click in the middle of the panel reaches: the widget, not the banner stacked over everything.
    expect(document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2)).to.equal(element);

    element.hide();
    await element.updateComplete;
    expect(panel.matches(':popover-open')).to.equal(false);
    expect(panel.getBoundingClientRect().width).to.equal(0);
  });

  it('chimes for a message that arrives unseen only when the page asked for sound, and never while the panel is read', async () => {
    const notes: number[] = [];
    const createOscillator = AudioContext.prototype.createOscillator;
    AudioContext.prototype.createOscillator = function (this: AudioContext) {
      const oscillator = createOscillator.call(this);
      notes.push(this.currentTime);
      return oscillator;
    };
    try {
      const quiet = await conversation('Quiet');
      const loud = await conversation('Loud');
      const page = await fixture<HTMLDivElement>(html`
        <div>
          <support-chat id="quiet" hub-url=${hubUrl(env.server)} group=${quiet.groupId} .tokenProvider=${() => quiet.token}></support-chat>
          <support-chat
            id="loud"
            sound
            hub-url=${hubUrl(env.server)}
            group=${loud.groupId}
            .tokenProvider=${() => loud.token}
          ></support-chat>
        </div>
      `);
      const [quietChat, loudChat] = [page.querySelector<SupportChat>('#quiet')!, page.querySelector<SupportChat>('#loud')!];
      await loaded(quietChat, quiet);
      await loaded(loudChat, loud);

      await postOk(env.server, env.agent, quiet.groupId, 'for the quiet one');
      await until(() => quietChat.unreadCount === 1, 'the quiet one did not count it');
      expect(notes).to.have.length(0);

      await postOk(env.server, env.agent, loud.groupId, 'for the loud one');
      await until(() => loudChat.unreadCount === 1, 'the loud one did not count it');
      expect(notes).to.have.length(2);

      loudChat.show();
      await loudChat.updateComplete;
      await postOk(env.server, env.agent, loud.groupId, 'read as it comes');
      await until(() => shownTexts(loudChat).includes('read as it comes'), 'the open panel missed it');
      expect(notes).to.have.length(2);
    } finally {
      AudioContext.prototype.createOscillator = createOscillator;
    }
  });

  it('says it is reconnecting while the server is away, and stops saying so when it is back', async () => {
    const visitor = await conversation('Banner');
    const element = await fixture<SupportChat>(html`
      <support-chat
        mode="inline"
        hub-url=${hubUrl(env.server)}
        group=${visitor.groupId}
        .tokenProvider=${() => visitor.token}
      ></support-chat>
    `);
    await loaded(element, visitor);

    await killServer(env.server);
    await until(() => element.shadowRoot!.querySelector('.banner[role="status"]'), 'no reconnecting banner');
    expect(element.shadowRoot!.querySelector('.banner')!.textContent).to.contain('Reconnecting');
    expect(element.shadowRoot!.querySelector('.status')!.textContent).to.equal('Reconnecting…');

    await restartServer(env.server);
    await until(() => element.status === 'connected' && !element.shadowRoot!.querySelector('.banner'), 'the banner stayed', 25_000);
  });

  it('follows the system dark mode unless told otherwise, and takes a theme by attribute', async () => {
    const visitor = await conversation('Dark');
    const page = await fixture<HTMLDivElement>(html`
      <div>
        <support-chat
          id="system"
          mode="inline"
          hub-url=${hubUrl(env.server)}
          group=${visitor.groupId}
          .tokenProvider=${() => visitor.token}
        ></support-chat>
        <support-chat
          id="light"
          theme="light"
          mode="inline"
          hub-url=${hubUrl(env.server)}
          group=${visitor.groupId}
          .tokenProvider=${() => visitor.token}
        ></support-chat>
      </div>
    `);
    const [system, light] = ['#system', '#light'].map(id => page.querySelector<SupportChat>(id)!);
    const background = (element: SupportChat) => getComputedStyle(element.shadowRoot!.querySelector('.panel')!).backgroundColor;

    await emulateMedia({ colorScheme: 'light' });
    expect(background(system)).to.equal('rgb(255, 255, 255)');
    await emulateMedia({ colorScheme: 'dark' });
    expect(background(system)).to.equal('rgb(23, 25, 31)');
    expect(background(light)).to.equal('rgb(255, 255, 255)');
    await emulateMedia({ colorScheme: 'light' });

    light.theme = 'dark';
    await light.updateComplete;
    expect(background(light)).to.equal('rgb(23, 25, 31)');
  });

  it('mirrors its layout right to left: my messages on the left, the text box on the right', async () => {
    const visitor = await conversation('RTL');
    const page = await fixture<HTMLDivElement>(html`
      <div dir="rtl" lang="ar" style="width: 400px; height: 500px">
        <support-chat
          mode="inline"
          hub-url=${hubUrl(env.server)}
          group=${visitor.groupId}
          .tokenProvider=${() => visitor.token}
        ></support-chat>
      </div>
    `);
    const element = page.querySelector('support-chat')!;
    await loaded(element, visitor);
    const [theirs, mine] = bubbles(element).map(b => b.querySelector('.text')!.getBoundingClientRect());
    expect(mine.left).to.be.lessThan(theirs.left);
    const form = element.shadowRoot!.querySelector('form')!;
    const box = form.querySelector('textarea')!.getBoundingClientRect();
    const button = form.querySelector('button[type=submit]')!.getBoundingClientRect();
    expect(box.left).to.be.greaterThan(button.left);
  });

  it('groups one sender’s messages under one name, marks the day, and names who is answering', async () => {
    const visitor = await newVisitor(env.server, 'Grouped');
    for (const text of ['Hi!', 'Let me check your order.']) await postOk(env.server, env.agent, visitor.groupId, text);
    await postOk(env.server, visitor.token, visitor.groupId, 'Thanks');
    const element = await fixture<SupportChat>(html`
      <support-chat
        mode="inline"
        hub-url=${hubUrl(env.server)}
        group=${visitor.groupId}
        .tokenProvider=${() => visitor.token}
      ></support-chat>
    `);
    await whenConnected(element);
    await until(() => bubbles(element).length === 3, 'the conversation never loaded');
    await element.updateComplete;

    const root = element.shadowRoot!;
    expect(
      [...root.querySelectorAll('.log li')].map(li =>
        li.classList.contains('day') ? `[${li.textContent!.trim()}]` : li.classList.contains('continues') ? '+' : 'new',
      ),
    ).to.deep.equal(['[Today]', 'new', '+', 'new']);
    const names = bubbles(element).map(b =>
      getComputedStyle(b.querySelector('.name')!).display === 'none' ? '' : b.querySelector('.name')!.textContent,
    );
    expect(names).to.deep.equal(['Support team', '', 'You']);
    expect(root.querySelector('header .who')!.textContent!.trim()).to.equal('Support team');
  });

  it('shows typing both ways, and takes it away when the message arrives', async () => {
    const visitor = await conversation('Typer');
    const page = await fixture<HTMLDivElement>(html`
      <div>
        <support-chat
          id="visitor"
          mode="inline"
          hub-url=${hubUrl(env.server)}
          group=${visitor.groupId}
          .tokenProvider=${() => visitor.token}
        ></support-chat>
        <support-chat
          id="agent"
          mode="inline"
          hub-url=${hubUrl(env.server)}
          group=${visitor.groupId}
          .tokenProvider=${() => env.agent}
        ></support-chat>
      </div>
    `);
    const [visitorView, agentView] = ['#visitor', '#agent'].map(id => page.querySelector<SupportChat>(id)!);
    await loaded(visitorView, visitor);
    await until(
      () => historyRequests(env.server, visitor.groupId) >= 2 && agentView.status === 'connected',
      'the agent widget never loaded',
    );
    await until(() => bubbles(agentView).length === 2, 'the agent widget never loaded');
    const typing = (element: SupportChat) => element.shadowRoot!.querySelector('.typing[role="status"]')?.textContent ?? '';

    agentView.shadowRoot!.querySelector('textarea')!.focus();
    await sendKeys({ type: 'Let me look' });
    await until(() => typing(visitorView) === 'Support team is typing…', 'the visitor never saw the agent typing');
    expect(typing(agentView)).to.equal('');
    await sendKeys({ press: 'Enter' });
    await until(() => bubbles(visitorView).length === 3 && typing(visitorView) === '', 'typing stayed after the message arrived');

    visitorView.shadowRoot!.querySelector('textarea')!.focus();
    await sendKeys({ type: 'ok' });
    await until(() => typing(agentView) === 'Typer is typing…', 'the agent never saw the visitor typing');
  });

  it('loads older messages when scrolled to the top without moving the view, and offers a jump to new ones below', async function () {
    this.timeout(60_000);
    const visitor = await newVisitor(env.server, 'Long');
    const texts = numbered('message', 120);
    await agentSends(env.server, env.agent, visitor.groupId, texts);
    const page = await fixture<HTMLDivElement>(html`
      <div style="height: 420px">
        <support-chat
          mode="inline"
          hub-url=${hubUrl(env.server)}
          group=${visitor.groupId}
          .tokenProvider=${() => visitor.token}
        ></support-chat>
      </div>
    `);
    const element = page.querySelector('support-chat')!;
    await whenConnected(element);
    await until(() => bubbles(element).length === 50, 'the first page never loaded');
    // The support workflow's chunk draws its link above the list once loaded; measured from then on, since its
    // first drawing landing in the same frame as an older page is not what this test holds still.
    await until(() => element.shadowRoot!.querySelector('.past-open'), 'the support workflow never drew');
    await element.updateComplete;
    expect(shownTexts(element)[0]).to.equal('message 71');
    const log = element.shadowRoot!.querySelector<HTMLElement>('.log')!;
    expect(log.scrollTop + log.clientHeight).to.be.closeTo(log.scrollHeight, 2);

    const olderPages = () =>
      performance.getEntriesByType('resource').filter(e => e.name.includes(`/chats/${visitor.groupId}?beforeId=`)).length;
    const offset = (text: string) => offsetInList(element, text);

    // Measured as the reader reaches the top, while the older page is still on its way.
    log.scrollTop = 0;
    const before = offset('message 71');
    await until(() => bubbles(element).length === 100, 'the older page never loaded');
    await element.updateComplete;
    expect(offset('message 71')).to.be.closeTo(before, 2);

    log.scrollTop = 0;
    await until(() => bubbles(element).length === 120, 'the oldest page never loaded');
    await element.updateComplete;
    expect(shownTexts(element)).to.deep.equal(texts);
    const requested = olderPages();
    // A page the scroll asked for would be requested within the scroll event's own task: watch fetch,
    // and wait for each scroll event to have been handled (this listener runs after the widget's).
    const asked: string[] = [];
    const realFetch = window.fetch;
    window.fetch = (input, init) => {
      asked.push(input instanceof Request ? input.url : String(input));
      return realFetch(input, init);
    };
    try {
      for (const top of [10, 0]) {
        const scrolled = new Promise(resolve => log.addEventListener('scroll', resolve, { once: true }));
        log.scrollTop = top;
        await scrolled;
      }
    } finally {
      window.fetch = realFetch;
    }
    expect(asked.filter(url => url.includes('beforeId='))).to.deep.equal([]);
    expect(olderPages()).to.equal(requested);

    // Scrolled up, a new message does not pull the view down: a pill offers to go there.
    await postOk(env.server, env.agent, visitor.groupId, 'a new one');
    await until(() => element.shadowRoot!.querySelector('.pill'), 'no new-messages pill');
    expect(log.scrollTop).to.be.lessThan(50);
    element.shadowRoot!.querySelector<HTMLButtonElement>('.pill')!.click();
    await element.updateComplete;
    expect(log.scrollTop + log.clientHeight).to.be.closeTo(log.scrollHeight, 2);
    await until(() => !element.shadowRoot!.querySelector('.pill'), 'the pill stayed');
  });

  /** Two widgets of one visitor on one page, as two tabs would be: in these conversations. */
  async function twoWidgets(visitor: Visitor, first: string, second: string) {
    const page = await fixture<HTMLDivElement>(html`
      <div>
        ${[first, second].map(
          group => html`<support-chat hub-url=${hubUrl(env.server)} group=${group} .tokenProvider=${() => visitor.token}></support-chat>`,
        )}
      </div>
    `);
    return [...page.querySelectorAll<SupportChat>('support-chat')];
  }

  it('puts the unread count before the page title, and reading in one tab clears it in the others', async () => {
    const visitor = await conversation('Tabs');
    const title = document.title;
    document.title = 'Northwind Coffee';
    try {
      const [one, two] = await twoWidgets(visitor, visitor.groupId, visitor.groupId);
      await loaded(one, visitor);
      await loaded(two, visitor);

      await postOk(env.server, env.agent, visitor.groupId, 'Your parcel is here.');
      await postOk(env.server, env.agent, visitor.groupId, 'Anything else?');
      await until(() => one.unreadCount === 2 && two.unreadCount === 2, 'the messages were not counted as unread');
      expect(document.title).to.equal('(2) Northwind Coffee');

      // Read in one "tab": the other hears it over the BroadcastChannel.
      one.show();
      await until(() => two.unreadCount === 0, 'the other tab kept its unread count');
      expect(one.unreadCount).to.equal(0);
      expect(document.title).to.equal('Northwind Coffee');
    } finally {
      document.title = title;
    }
  });

  it("a read in one conversation leaves the count of the same visitor's other conversation", async () => {
    const visitor = await conversation('Two questions');
    const started = await fetch(`${env.server.url}/visitors/conversations`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${visitor.token}`, 'Content-Type': 'application/json' },
      body: '{}',
    });
    const other = String(((await started.json()) as { groupId: number }).groupId);
    const title = document.title;
    try {
      const [one, two] = await twoWidgets(visitor, visitor.groupId, other);
      await loaded(one, visitor);
      await whenConnected(two);
      await postOk(env.server, env.agent, visitor.groupId, 'About your order');
      await postOk(env.server, env.agent, other, 'About your other question');
      await until(() => one.unreadCount === 1 && two.unreadCount === 1, 'the messages were not counted as unread');

      // A listener made after the widgets' hears the read after them (a channel delivers in the order its
      // listeners were made): once it has, the other conversation's widget has heard it too.
      const listener = new BroadcastChannel(`support-chat:${new URL(hubUrl(env.server)).origin}/ ${visitor.userId}`);
      const heard = new Promise(resolve => listener.addEventListener('message', resolve, { once: true }));
      one.show();
      await heard;
      listener.close();
      await until(() => one.unreadCount === 0, 'the conversation read kept its count');
      expect(two.unreadCount).to.equal(1, "a read of one conversation cleared the other's count");
    } finally {
      document.title = title;
    }
  });

  describe('axe finds no violations', () => {
    const states: [string, (visitor: Visitor) => ReturnType<typeof html>][] = [
      ['closed', v => html`<support-chat hub-url=${hubUrl(env.server)} group=${v.groupId} .tokenProvider=${() => v.token}></support-chat>`],
      [
        'open',
        v => html`<support-chat open hub-url=${hubUrl(env.server)} group=${v.groupId} .tokenProvider=${() => v.token}></support-chat>`,
      ],
      [
        'inline',
        v =>
          html`<support-chat
            mode="inline"
            hub-url=${hubUrl(env.server)}
            group=${v.groupId}
            .tokenProvider=${() => v.token}
          ></support-chat>`,
      ],
      ...themedWidgets(env).filter(([name]) => name !== 'light'),
    ];
    for (const [state, template] of states) {
      it(`in the ${state} state`, async () => {
        const visitor = await conversation(state);
        const host = await fixture<HTMLElement>(template(visitor));
        const element = host.localName === 'support-chat' ? (host as SupportChat) : host.querySelector('support-chat')!;
        await loaded(element, visitor);
        await expect(element).to.be.accessible();
      });
    }
  });
});
