import { expect, fixture, html } from '@open-wc/testing';
import '../../define.js';
import type { SupportChat } from '../../support-chat.js';
import { hubUrl, newVisitor, postOk, until, useReferenceServer, type Visitor } from './reference-server.js';
import { themedWidgets } from './themes.js';

const ANSWER =
  '**Restart** the app, then:\n\n1. Open *Orders*\n2. Pick `#1042`\n\n> Saved drafts stay.\n\n```\nreset --all\n```\n\nSee [our help pages](https://example.com/help).';

describe('an agent’s formatted answer from the real reference server', () => {
  const env = useReferenceServer();

  async function answered(name: string): Promise<Visitor> {
    const visitor = await newVisitor(env.server, name);
    await postOk(env.server, visitor.token, visitor.groupId, 'Where is my order?');
    await postOk(env.server, env.agent, visitor.groupId, ANSWER, 'markdown');
    return visitor;
  }

  const formatted = (element: SupportChat) => element.shadowRoot!.querySelector('.message .formatted');

  async function drawn(host: HTMLElement) {
    const element = host.localName === 'support-chat' ? (host as SupportChat) : host.querySelector('support-chat')!;
    await until(() => formatted(element)?.querySelector('strong'), 'the answer was never drawn formatted');
    await element.updateComplete;
    // Colours are only themselves once the panel has finished fading in.
    await Promise.all(element.shadowRoot!.getAnimations().map(animation => animation.finished));
    return element;
  }

  it('shows the visitor’s own message as text and the agent’s answer formatted', async () => {
    const visitor = await answered('Reader');
    const element = await drawn(
      await fixture<SupportChat>(html`
        <support-chat
          mode="inline"
          hub-url=${hubUrl(env.server)}
          group=${visitor.groupId}
          .tokenProvider=${() => visitor.token}
        ></support-chat>
      `),
    );
    const [mine, answer] = element.shadowRoot!.querySelectorAll('.message .text');
    expect(mine.localName).to.equal('p');
    expect(mine.textContent).to.equal('Where is my order?');
    expect(answer.querySelector('strong')!.textContent).to.equal('Restart');
    expect([...answer.querySelectorAll('ol > li')].map(li => li.textContent)).to.deep.equal(['Open Orders', 'Pick #1042']);
    // The steps are numbered where a person sees them, not laid out as the message list is.
    const steps = getComputedStyle(answer.querySelector('ol')!);
    expect([steps.listStyleType, steps.display]).to.deep.equal(['decimal', 'block']);
    expect(answer.querySelector('li')!.getBoundingClientRect().left).to.be.greaterThan(answer.getBoundingClientRect().left + 12);
    expect(answer.querySelector('blockquote')!.textContent).to.equal('Saved drafts stay.');
    expect(answer.querySelector('pre code')!.textContent).to.equal('reset --all\n');
    expect(answer.querySelector('a')!.getAttribute('href')).to.equal('https://example.com/help');
  });

  it('a visitor may not send markdown: the server answers 400 with a sentence', async () => {
    const visitor = await newVisitor(env.server, 'Formatter');
    const response = await fetch(`${env.server.url}/chats/${visitor.groupId}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${visitor.token}` },
      body: JSON.stringify({ groupId: visitor.groupId, message: '**mine**', format: 'markdown' }),
    });
    expect(response.status).to.equal(400);
    expect(((await response.json()) as { detail: string }).detail).to.contain('agents');
  });

  describe('axe finds no violations with the answer on screen', () => {
    const states = themedWidgets(env);
    for (const [state, template] of states) {
      it(`in the ${state} state`, async () => {
        const visitor = await answered(state);
        const element = await drawn(await fixture<HTMLElement>(template(visitor)));
        await expect(element).to.be.accessible();
      });
    }
  });
});
